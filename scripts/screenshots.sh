#!/usr/bin/env bash
# Regenerates the README's screenshots (docs/images/dashboard-*.png): runs the AppHost as the
# README does, with a throwaway data folder, makes one user call a function through the gateway
# (with a traceparent of our own, so its trace is known), and photographs the Aspire dashboard in
# Debian's chromium, headless. Needs ports 8080 and 15080-20080 free; installs chromium if missing.
#   bash scripts/screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."

if ! type -P chromium >/dev/null; then
  sudo=""; [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends chromium
fi
npm ci --prefix scripts/screenshots --no-audit --no-fund --loglevel=error
dotnet build Klusterkluck.AppHost -v q -nologo >/dev/null

data=$(mktemp -d -t kk-screenshots-XXXX)
log="$data/apphost.log"
dotnet run --project Klusterkluck.AppHost --no-build -- --Api:DataFolder "$data/data" >"$log" 2>&1 &
apphost=$!
trap 'kill -TERM $apphost 2>/dev/null; wait $apphost 2>/dev/null; rm -rf "$data"' EXIT

login=""
for _ in $(seq 120); do
  login=$(grep -o 'http://localhost:[0-9]*/login?t=[0-9a-f]*' "$log" | head -n 1 || true)
  [ -n "$login" ] && curl -sf localhost:8080/health >/dev/null && break
  sleep 1
done
[ -n "$login" ] || { cat "$log" >&2; echo "the AppHost did not start" >&2; exit 1; }

json() { node -pe "JSON.parse(require('fs').readFileSync(0)).$1"; }
register() {
  curl -sf -XPOST localhost:8080/api/v1/auth/register -H'Content-Type: application/json' \
    -d"{\"username\":\"$1\",\"password\":\"correct-horse-1\",\"email\":\"$1@example.com\"}" >/dev/null
  curl -sf -XPOST localhost:8080/api/v1/auth/login -H'Content-Type: application/json' \
    -d"{\"username\":\"$1\",\"password\":\"correct-horse-1\"}" | json accessToken
}
create() {
  curl -sf -XPOST 'localhost:8080/api/v1/functions?wait=true' -H"Authorization: Bearer $1" -H'Content-Type: application/json' -d"$2" >/dev/null
}

# The demo timer posts to demo/tick: give it that function, so its deliveries succeed too.
create "$(register demo)" '{"name":"tick","kind":"nodejs","public":true}'
alice=$(register alice)
create "$alice" '{"name":"hello","kind":"nodejs"}'
# The first call also shows the worker fetching the issuer's keys once; the second is the steady state.
curl -sf "localhost:8080/fn/alice/hello/?name=you" -H"Authorization: Bearer $alice" >/dev/null
hex() { node -e "console.log(require('crypto').randomBytes($1).toString('hex'))"; }
trace=$(hex 16)
curl -sf "localhost:8080/fn/alice/hello/?name=you" -H"Authorization: Bearer $alice" -H"traceparent: 00-$trace-$(hex 8)-01"
sleep 3

mkdir -p docs/images
node scripts/screenshots/shoot.mjs "$login" "$trace" docs/images
echo "written: docs/images/dashboard-resources.png docs/images/dashboard-trace.png"
