#!/usr/bin/env bash
# Flow benchmark (not a test): events/s through an http connector into a chain of three nodejs
# functions, and run latency (event accepted → last step done), on SQLite and on PostgreSQL.
# Starts a throwaway PostgreSQL (scripts/test-postgres.sh) when postgres is asked for; needs
# git, node and PostgreSQL's server (scripts/install-test-deps.sh installs them). Loopback only, bounded.
# Usage: bash bench/flows/run.sh [events, default 3000] [stores, default sqlite,postgres] [clients, default 16] [events/s offered, default 0: back to back]
#    or: bash bench/flows/run.sh flood [stores]: two users, one flooding; the other's run latency alone and under the flood
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
stores=${2:-sqlite,postgres}
dotnet build "$root/Klusterkluck.Api" -c Release -v quiet -nologo
dotnet build "$here" -c Release -v quiet -nologo
if [[ ",$stores," == *,postgres,* ]]; then
  source "$root/scripts/test-postgres.sh"
  trap stop_test_postgres EXIT
  start_test_postgres >/dev/null
fi
dotnet "$here/bin/Release/net10.0/Klusterkluck.Bench.Flows.dll" \
  "$root/Klusterkluck.Api/bin/Release/net10.0/Klusterkluck.Api.dll" "${1:-3000}" "$stores" "${3:-16}" "${4:-0}"
