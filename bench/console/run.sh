#!/usr/bin/env bash
# Console benchmark (not a test): time to first render of the functions page for a user with
# 100 functions, and the bytes a first (cold cache) and a later (warm cache) visit download.
# Drives Debian's Chromium (scripts/install-test-deps.sh installs it) against the Api's Release
# build on loopback. Usage: bash bench/console/run.sh [functions, default 100] [visits, default 10]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dotnet build "$root/Klusterkluck.Api" -c Release -v quiet -nologo
dotnet build "$here" -c Release -v quiet -nologo
dotnet "$here/bin/Release/net10.0/Klusterkluck.Bench.Console.dll" \
  "$root/Klusterkluck.Api/bin/Release/net10.0/Klusterkluck.Api.dll" "${1:-100}" "${2:-10}"
