CREATE DATABASE "keycloak";
