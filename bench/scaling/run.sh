#!/usr/bin/env bash
# Scaling benchmark (not a test), in one run: cold starts from zero to the reply's first byte
# (nodejs and exec, through the gateway, local runtime); the memory of idle functions at one
# replica and at zero; a step of load (1 -> 32 connections) with autoscaling on concurrency.
# Needs git and node (scripts/install-test-deps.sh installs them). Loopback only, bounded.
# Usage: bash bench/scaling/run.sh [cold starts per kind, default 50] [idle functions, default 100] [parts, default cold,memory,step]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dotnet build "$root/Klusterkluck.Api" -c Release -v quiet -nologo
dotnet build "$here" -c Release -v quiet -nologo
dotnet "$here/bin/Release/net10.0/Klusterkluck.Bench.Scaling.dll" "$root/Klusterkluck.Api/bin/Release/net10.0/Klusterkluck.Api.dll" "${1:-50}" "${2:-100}" "${3:-cold,memory,step}"
