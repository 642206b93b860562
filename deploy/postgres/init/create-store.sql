CREATE DATABASE "klusterkluck";
