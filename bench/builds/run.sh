#!/usr/bin/env bash
# Builds benchmark (not a test). Part 1, through a real Api on 127.0.0.1: build time and deploy to
# first 200 for a nodejs function with one npm dependency (cold and warm npm cache) and for the
# dotnet template (first and second build). Part 2: warm throughput of the dotnet kind against the
# nodejs kind on the same handler (bench/worker/handler.js and its C# twin, Function.cs), each
# served by a worker on loopback, with bench/worker's wrk settings; median of alternating rounds.
# Usage: bash bench/builds/run.sh [seconds per wrk run, default 20] [connections, default 32] [rounds, default 3]
# Needs the npm registry and a NuGet source (builds install from them), wrk, git and node.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/../wrk.sh"
wrk_settings "$@"
dotnet build "$root/Klusterkluck.Api" -c Release -v quiet -nologo >/dev/null
api="$root/Klusterkluck.Api/bin/Release/net10.0/Klusterkluck.Api.dll"
worker="$root/Klusterkluck.Api/bin/Release/net10.0/worker/Klusterkluck.Worker.dll"

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; sleep 1; rm -rf "$work"; }
trap cleanup EXIT

wait_200() { for _ in $(seq 1 1200); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0; sleep 0.05; done; return 1; }

echo "builds through the Api (a new user: its npm and NuGet caches start cold)" >&2
api_port=$(free_port)
DataFolder="$work/data" ASPNETCORE_URLS="http://127.0.0.1:$api_port" DOTNET_ENVIRONMENT=Production \
  dotnet "$api" >"$work/api.log" 2>&1 & pids+=($!)
wait_200 "http://127.0.0.1:$api_port/health"
node "$here/builds.mjs" "http://127.0.0.1:$api_port" "$work" >&2
kill "${pids[0]}"; wait "${pids[0]}" 2>/dev/null || true; pids=()

# Part 2: one repository per kind; the dotnet one built once by the worker's own build mode.
repo() { # name, files...
  local dir="$work/$1"; shift
  mkdir -p "$dir" && cp -r "$@" "$dir/" && git -C "$dir" init -q -b main && git -C "$dir" add -A \
    && git -C "$dir" -c user.name=bench -c user.email=bench@localhost commit -qm bench && echo "$dir"
}
printf 'kind: nodejs\nhandler: handler.js\n' > "$work/node.yaml"
node_repo=$(repo node "$root/bench/worker/handler.js" "$work/node.yaml")
mv "$node_repo/node.yaml" "$node_repo/klusterkluck.yaml" && git -C "$node_repo" add -A \
  && git -C "$node_repo" -c user.name=bench -c user.email=bench@localhost commit -qm config
dotnet_repo=$(repo dotnet "$root/Klusterkluck.Functions/Templates/dotnet/Function.csproj" "$root/Klusterkluck.Functions/Templates/dotnet/klusterkluck.yaml" "$here/Function.cs")
KK_GIT_URL="$dotnet_repo" KK_GIT_COMMIT=HEAD KK_WORK_DIR="$work/dotnet-tree" KK_BUILD_OUTPUT="$work/dotnet.tar.gz" \
  dotnet "$worker" build >"$work/dotnet-build.log" 2>&1 || { cat "$work/dotnet-build.log" >&2; exit 1; }


echo >&2
echo "warm invocation: wrk -t1 -c$connections -d${duration}s, GET /?name=bench on 127.0.0.1, $rounds rounds" >&2
node_port=$(free_port)
ASPNETCORE_URLS="http://127.0.0.1:$node_port" KK_GIT_URL="$node_repo" KK_GIT_COMMIT=HEAD KK_FUNCTION=bench/node \
  dotnet "$worker" >"$work/node-worker.log" 2>&1 & pids+=($!)
dotnet_port=$(free_port)
ASPNETCORE_URLS="http://127.0.0.1:$dotnet_port" KK_GIT_URL="$dotnet_repo" KK_GIT_COMMIT="$(git -C "$dotnet_repo" rev-parse HEAD)" \
  KK_ARTIFACT_URL="$work/dotnet.tar.gz" KK_FUNCTION=bench/dotnet dotnet "$worker" >"$work/dotnet-worker.log" 2>&1 & pids+=($!)
wait_200 "http://127.0.0.1:$node_port/healthz"
wait_200 "http://127.0.0.1:$dotnet_port/healthz" || { cat "$work/dotnet-worker.log" >&2; exit 1; }
compare_rounds "$rounds" nodejs "http://127.0.0.1:$node_port/?name=bench" dotnet "http://127.0.0.1:$dotnet_port/?name=bench"

# The other kinds once each, for the ranking: static serves the template's index.html from disk,
# exec runs the template's handler.sh once per request.
echo >&2
echo "the other kinds, one run each: wrk -t1 -c$connections -d${duration}s" >&2
static_repo=$(repo static "$root"/Klusterkluck.Functions/Templates/static/.)
exec_repo=$(repo exec "$root"/Klusterkluck.Functions/Templates/exec/.)
static_port=$(free_port)
ASPNETCORE_URLS="http://127.0.0.1:$static_port" KK_GIT_URL="$static_repo" KK_GIT_COMMIT=HEAD KK_FUNCTION=bench/static \
  dotnet "$worker" >"$work/static-worker.log" 2>&1 & pids+=($!)
exec_port=$(free_port)
ASPNETCORE_URLS="http://127.0.0.1:$exec_port" KK_GIT_URL="$exec_repo" KK_GIT_COMMIT=HEAD KK_FUNCTION=bench/exec \
  dotnet "$worker" >"$work/exec-worker.log" 2>&1 & pids+=($!)
wait_200 "http://127.0.0.1:$static_port/healthz"
wait_200 "http://127.0.0.1:$exec_port/healthz"
measure "  static" "http://127.0.0.1:$static_port/" >/dev/null
measure "  exec" "http://127.0.0.1:$exec_port/?name=bench" >/dev/null

