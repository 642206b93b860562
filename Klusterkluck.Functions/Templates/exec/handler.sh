#!/bin/sh
# A Klusterkluck function: run once per request. The request body arrives on stdin,
# whatever is printed on stdout is the reply, and a non-zero exit is an error (500).
# The method, path, query and headers are in Http_Method, Http_Path, Http_Query, Http_<Header>.
name=$(cat)
echo "${GREETING:-Hello}, ${name:-world}!"
