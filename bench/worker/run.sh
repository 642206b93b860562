#!/usr/bin/env bash
# Worker benchmark (not a test): warm throughput and latency through the worker versus the same
# handler on a bare node http server, then cold start per kind. Loopback only, bounded runs.
# Usage: bash bench/worker/run.sh [seconds per wrk run, default 20] [connections, default 32] [rounds, default 3]
# Each round measures bare node, then the worker, one after the other; on a shared two-core
# machine throughput drifts by ±15% over minutes, so the ratio is taken per round and the
# median round is the figure to quote.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/../wrk.sh"
wrk_settings "$@"
dotnet build "$root/Klusterkluck.Worker" -c Release -v quiet -nologo >/dev/null
worker="$root/Klusterkluck.Worker/bin/Release/net10.0/Klusterkluck.Worker.dll"

work=$(mktemp -d)
pids=()
cleanup() { for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# One repository per kind: the benchmark handler for nodejs, the templates for the others.
repo() { # kind, files...
  local dir="$work/$1"; shift
  mkdir -p "$dir" && cp -r "$@" "$dir/" && git -C "$dir" init -q && git -C "$dir" add -A \
    && git -C "$dir" -c user.name=bench -c user.email=bench@localhost commit -qm bench && echo "$dir"
}
printf 'kind: nodejs\nhandler: handler.js\n' > "$work/nodejs.yaml"
node_repo=$(repo nodejs "$here/handler.js")
cp "$work/nodejs.yaml" "$node_repo/klusterkluck.yaml" && git -C "$node_repo" add -A \
  && git -C "$node_repo" -c user.name=bench -c user.email=bench@localhost commit -qm config
exec_repo=$(repo exec "$root"/Klusterkluck.Functions/Templates/exec/.)
static_repo=$(repo static "$root"/Klusterkluck.Functions/Templates/static/.)

wait_200() { for _ in $(seq 1 600); do [ "$(curl -s -o /dev/null -w '%{http_code}' "$1")" = 200 ] && return 0; sleep 0.05; done; return 1; }


echo "warm invocation: wrk -t1 -c$connections -d${duration}s, GET /?name=bench on 127.0.0.1, $rounds rounds" >&2
bare_port=$(free_port)
node "$here/bare-node.js" "$bare_port" & pids+=($!)
worker_port=$(free_port)
ASPNETCORE_URLS="http://127.0.0.1:$worker_port" KK_GIT_URL="$node_repo" KK_GIT_COMMIT=HEAD KK_FUNCTION=bench/warm \
  dotnet "$worker" >"$work/worker.log" 2>&1 & pids+=($!)
wait_200 "http://127.0.0.1:$bare_port/"
wait_200 "http://127.0.0.1:$worker_port/healthz"
compare_rounds "$rounds" "bare node" "http://127.0.0.1:$bare_port/?name=bench" worker "http://127.0.0.1:$worker_port/?name=bench"

echo >&2
echo "cold start: process start to first 200 from the function, median of 10" >&2
node "$here/coldstart.mjs" "$worker" nodejs "$node_repo" 10 >&2
node "$here/coldstart.mjs" "$worker" exec "$exec_repo" 10 >&2
node "$here/coldstart.mjs" "$worker" static "$static_repo" 10 >&2
