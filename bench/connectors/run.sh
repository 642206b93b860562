#!/usr/bin/env bash
# Connector benchmark (not a test): payloads/s and delivery latency (p50, p99) of the http and
# nats connectors into a loopback receiver, each for a warm-up and then the measured window.
# Needs nats-server (scripts/install-test-deps.sh installs it). Loopback only, bounded.
# Usage: bash bench/connectors/run.sh [seconds per scenario, default 20] [scenarios, default http,http-5k,nats,nats-5k,nats-8,nats-js]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dotnet build "$root/Klusterkluck.Connectors" -c Release -v quiet -nologo
dotnet build "$here" -c Release -v quiet -nologo
exec dotnet "$here/bin/Release/net10.0/Klusterkluck.Bench.Connectors.dll" \
  "$root/Klusterkluck.Connectors/bin/Release/net10.0/Klusterkluck.Connectors.dll" "${1:-20}" "${2:-http,http-5k,nats,nats-5k,nats-8,nats-js}"
