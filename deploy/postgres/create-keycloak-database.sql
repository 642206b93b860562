-- Run once, when the data volume is new: Keycloak keeps its realm data beside the Api's store.
CREATE DATABASE keycloak OWNER klusterkluck;
