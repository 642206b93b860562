#!/usr/bin/env bash
# Gateway benchmark (not a test): warm throughput and latency of one function, in the same rounds:
#   direct     straight to the function's worker (its TCP port): the reference;
#   nginx      Debian's nginx in front of the same worker (keep-alive upstream, a worker process
#              per core): the peer to beat;
#   bare       Kestrel and YARP's forwarder alone (bare/), tuned as the Api: the floor for YARP;
#   raw        Kestrel and a hand-written HTTP/1.1 upstream (bare/RawRelay.cs): the floor for .NET;
#   gateway    the Api's gateway (/fn/{user}/{name}/), usage metering on;
#   unmetered  a second Api with Usage:Enabled=false (its own worker): metering's cost;
#   node       the handler behind node's own http server (bare-node.mjs): no platform at all;
# same handler, same token, same concurrency, with each process's CPU per 1000 requests; then one
# connection (the hop's own latency), create-to-first-200 per kind and redeploy time. Loopback
# only, bounded. Needs wrk and nginx (apt-get install wrk nginx-light).
# Usage: bash bench/gateway/run.sh [seconds per wrk run, default 20] [connections, default 32] [rounds, default 3]
# On a shared two-core machine throughput drifts over minutes, so each round measures every peer
# (in reversed order every other round), shares are taken per round, and the median round is the
# figure to quote.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
source "$here/../wrk.sh"
wrk_settings "$@"
command -v nginx >/dev/null || { echo "nginx is needed: apt-get install nginx-light" >&2; exit 1; }
dotnet build "$root/Klusterkluck.Api" -c Release -v quiet -nologo >/dev/null
dotnet build "$here/bare" -c Release -v quiet -nologo >/dev/null
api_dll="$root/Klusterkluck.Api/bin/Release/net10.0/Klusterkluck.Api.dll"

work=$(mktemp -d)
api_pid=
unmetered_pid=
nginx_pid=
bare_pid=
raw_pid=
node_bare_pid=
cleanup() {
  [ -n "$node_bare_pid" ] && kill "$node_bare_pid" 2>/dev/null && wait "$node_bare_pid" 2>/dev/null
  [ -n "$bare_pid" ] && kill "$bare_pid" 2>/dev/null && wait "$bare_pid" 2>/dev/null
  [ -n "$raw_pid" ] && kill "$raw_pid" 2>/dev/null && wait "$raw_pid" 2>/dev/null
  [ -n "$nginx_pid" ] && kill "$nginx_pid" 2>/dev/null && wait "$nginx_pid" 2>/dev/null
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null && wait "$api_pid" 2>/dev/null
  [ -n "$unmetered_pid" ] && kill "$unmetered_pid" 2>/dev/null && wait "$unmetered_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

# start_api <name> [VAR=value...]: an Api of its own (data folder, port), a user and a warm
# nodejs function "warm" that serves; sets <name>_pid, <name>_base and <name>_token.
user=bench password=wrk-pass-2468
start_api() {
  local name=$1; shift
  local url; url="http://127.0.0.1:$(free_port)"
  touch "$work/$name.started"
  env ${KK_BENCH_API_ENV:-} "$@" DataFolder="$work/$name" ASPNETCORE_URLS="$url" RateLimits__Auth__PermitLimit=1000 dotnet "$api_dll" >"$work/$name.log" 2>&1 &
  printf -v "${name}_pid" '%s' $!
  printf -v "${name}_base" '%s' "$url"
  for _ in $(seq 1 600); do curl -sf -o /dev/null "$url/health" && break; sleep 0.05; done
  curl -sf -o /dev/null -XPOST "$url/api/v1/auth/register" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$user\",\"password\":\"$password\",\"email\":\"bench@localhost\"}"
  local access
  access=$(curl -sf -XPOST "$url/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d "{\"username\":\"$user\",\"password\":\"$password\"}" | node -e 'process.stdin.on("data",d=>console.log(JSON.parse(d).accessToken))')
  printf -v "${name}_token" '%s' "$access"
  curl -sf -o /dev/null -XPOST "$url/api/v1/functions" -H "Authorization: Bearer $access" -H 'Content-Type: application/json' \
    -d '{"name":"warm","kind":"nodejs"}'
  for _ in $(seq 1 600); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $access" "$url/fn/$user/warm/")" = 200 ] && break; sleep 0.05
  done
}
start_api api
base=$api_base token=$api_token
# The same Api with usage metering off (Usage:Enabled=false), for metering's cost: its own worker.
start_api unmetered Usage__Enabled=false
# Each Api signs its own tokens.
token_for() { case "$1" in "$unmetered_base"*) echo "$unmetered_token" ;; *) echo "$token" ;; esac; }

# The worker's own address, from the line it printed (the API does not list workers' ports).
pid=$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/functions/warm" | node -e 'process.stdin.on("data",d=>console.log(JSON.parse(d).instances[0].processId))')
direct=$(curl -sf -H "Authorization: Bearer $token" "$base/api/v1/functions/warm/logs?lines=10000" | node -e '
  let s = ""; process.stdin.on("data", d => s += d).on("end", () => {
    const line = JSON.parse(s).replicas[0].lines.map(l => l.text).find(t => t.startsWith("klusterkluck-worker listening on http://127.0.0.1:"));
    console.log(line.slice("klusterkluck-worker listening on ".length).replace(/\/$/, ""));
  })')

node_pid=$(pgrep -P "$pid" -f shim.mjs || pgrep -f "shim.mjs" | head -1)
unmetered_worker=$(curl -sf -H "Authorization: Bearer $unmetered_token" "$unmetered_base/api/v1/functions/warm" | node -e 'process.stdin.on("data",d=>console.log(JSON.parse(d).instances[0].processId))')
unmetered_node=$(pgrep -P "$unmetered_worker" -f shim.mjs || true)

# nginx in front of the same worker, as an operator would put it: HTTP/1.1 and a pool of idle
# keep-alive connections upstream, no access log, as many worker processes as cores.
nginx_port=$(free_port)
mkdir -p "$work/nginx"
cat >"$work/nginx/nginx.conf" <<CONF
worker_processes $(nproc);
daemon off;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  upstream worker { server ${direct#http://}; keepalive 64; }
  server {
    listen 127.0.0.1:$nginx_port;
    location / { proxy_pass http://worker; proxy_http_version 1.1; proxy_set_header Connection ""; }
  }
}
CONF
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
nginx_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$nginx_port/" && break; sleep 0.05; done

# The floor for any .NET gateway: Kestrel and YARP's forwarder alone (bench/gateway/bare), to the
# worker's Unix socket as the gateway goes (in the workers' folder this Api made after it started).
workers=$(find "${TMPDIR:-/tmp}" -maxdepth 1 -name 'kk-workers-*' -newer "$work/api.started" ! -newer "$work/unmetered.started")
socket=$(echo "$workers"/w-*/worker.sock)
bare_port=$(free_port)
dotnet "$here/bare/bin/Release/net10.0/kk-bare-forwarder.dll" "http://127.0.0.1:$bare_port" "$socket" &
bare_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$bare_port/" && break; sleep 0.05; done
# The same with a hand-written HTTP/1.1 upstream instead of YARP (bare/RawRelay.cs): the floor of any .NET hop.
raw_port=$(free_port)
dotnet "$here/bare/bin/Release/net10.0/kk-bare-forwarder.dll" "http://127.0.0.1:$raw_port" "$socket" raw &
raw_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$raw_port/" && break; sleep 0.05; done

# The handler alone: the nodejs template's index.js behind node's own http server (bare-node.mjs).
node_port=$(free_port)
node "$here/bare-node.mjs" "$node_port" "$root/Klusterkluck.Functions/Templates/nodejs/index.js" &
node_bare_pid=$!
for _ in $(seq 1 100); do curl -s -o /dev/null "http://127.0.0.1:$node_port/" && break; sleep 0.05; done
# CPU time (user + system, in clock ticks) a process has used so far; nginx's: its workers' too.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
nginx_ticks() { local t=0 p; for p in $nginx_pid $(pgrep -P "$nginx_pid"); do t=$((t + $(ticks "$p"))); done; echo "$t"; }

measure() { # name, url, [connections]
  local connections=${3:-$connections}
  local bearer; bearer=$(token_for "$2")
  # The Api, worker and node behind this URL: the unmetered Api has its own.
  local a=$api_pid w=$pid n=$node_pid b=$bare_pid
  case "$2" in
    "$unmetered_base"*) a=$unmetered_pid w=$unmetered_worker n=$unmetered_node ;;
    "http://127.0.0.1:$raw_port"*) b=$raw_pid ;;
  esac
  wrk -t1 -c4 -d3s -H "Authorization: Bearer $bearer" "$2" >/dev/null   # warm up pools
  local before_api before_worker before_node before_nginx before_bare before_handler
  before_api=$(ticks "$a") before_worker=$(ticks "$w") before_node=$(ticks "$n") before_nginx=$(nginx_ticks) before_bare=$(ticks "$b") before_handler=$(ticks "$node_bare_pid")
  local out; out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency -H "Authorization: Bearer $bearer" "$2")
  local rps p50 p99 requests
  rps=$(wrk_field "$out" rps) p50=$(wrk_field "$out" p50) p99=$(wrk_field "$out" p99)
  requests=$(wrk_field "$out" requests)
  if grep -q "Non-2xx" <<<"$out" || grep -q "Socket errors" <<<"$out"; then
    echo "$1: failed requests, figures not valid: $(grep -E 'Non-2xx|Socket errors' <<<"$out")" >&2
    curl -s -i -H "Authorization: Bearer $bearer" "$2" | head -c 600 >&2
    exit 1
  fi
  # CPU milliseconds per 1000 requests, per process (a tick is 10 ms).
  local cpu
  cpu=$(awk -v a=$(( $(ticks "$a") - before_api )) -v w=$(( $(ticks "$w") - before_worker )) \
    -v n=$(( $(ticks "$n") - before_node )) -v x=$(( $(nginx_ticks) - before_nginx )) -v b=$(( $(ticks "$b") - before_bare )) -v r="$requests" \
    -v h=$(( $(ticks "$node_bare_pid") - before_handler )) \
    'BEGIN { printf "cpu ms/1000 req: api %.0f, nginx %.0f, bare %.0f, worker %.0f, node %.0f, bare node %.0f", a * 10000 / r, x * 10000 / r, b * 10000 / r, w * 10000 / r, n * 10000 / r, h * 10000 / r }')
  printf '%-12s %10s req/s   p50 %8s   p99 %8s   %s\n' "$1" "$rps" "$p50" "$p99" "$cpu" >&2
  echo "$rps"
}

# Both paths fully warm (the JIT's tiers, connection pools) before anything counts.
wrk -t1 -c"$connections" -d10s -H "Authorization: Bearer $token" "$direct/?name=bench" >/dev/null
wrk -t1 -c"$connections" -d10s -H "Authorization: Bearer $token" "$base/fn/$user/warm/?name=bench" >/dev/null
wrk -t1 -c"$connections" -d10s -H "Authorization: Bearer $token" "http://127.0.0.1:$nginx_port/?name=bench" >/dev/null
wrk -t1 -c"$connections" -d10s -H "Authorization: Bearer $token" "http://127.0.0.1:$bare_port/?name=bench" >/dev/null
wrk -t1 -c"$connections" -d10s -H "Authorization: Bearer $token" "http://127.0.0.1:$raw_port/?name=bench" >/dev/null
wrk -t1 -c"$connections" -d10s -H "Authorization: Bearer $unmetered_token" "$unmetered_base/fn/$user/warm/?name=bench" >/dev/null
wrk -t1 -c"$connections" -d10s "http://127.0.0.1:$node_port/?name=bench" >/dev/null

echo "warm invocation: wrk -t1 -c$connections -d${duration}s, GET /?name=bench with a bearer token, $rounds rounds" >&2
compare_peers "$rounds" direct "$direct/?name=bench" nginx "http://127.0.0.1:$nginx_port/?name=bench" bare "http://127.0.0.1:$bare_port/?name=bench" raw "http://127.0.0.1:$raw_port/?name=bench" gateway "$base/fn/$user/warm/?name=bench" \
  unmetered "$unmetered_base/fn/$user/warm/?name=bench" node "http://127.0.0.1:$node_port/?name=bench"

echo >&2
echo "one connection (the hop's own latency, no queueing): wrk -t1 -c1 -d${duration}s" >&2
measure "  direct" "$direct/?name=bench" 1 >/dev/null
measure "  nginx" "http://127.0.0.1:$nginx_port/?name=bench" 1 >/dev/null
measure "  gateway" "$base/fn/$user/warm/?name=bench" 1 >/dev/null

echo >&2
[ "${KK_BENCH_WARM_ONLY:-}" = 1 ] || node "$here/timings.mjs" "$base" "$user" "$password" 10 >&2
