#!/usr/bin/env bash
# Runs the worker on a sample function made from a template, on http://localhost:8080.
# Usage: bash scripts/run-sample.sh [nodejs|exec|static]   (Ctrl+C stops it)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-nodejs}
template="$root/Klusterkluck.Functions/Templates/$kind"
[ -d "$template" ] || { echo "unknown kind '$kind' (nodejs, exec or static)" >&2; exit 2; }

repo=$(mktemp -d -t "kk-sample-$kind-XXXX")
trap 'rm -rf "$repo"' EXIT
cp -r "$template/." "$repo/"
git -C "$repo" init -q -b main
git -C "$repo" add -A
git -C "$repo" -c user.name=sample -c user.email=sample@localhost commit -qm "Sample $kind function"

case "$kind" in
  nodejs) try="curl 'localhost:8080/?name=you'" ;;
  exec) try="curl -d you localhost:8080/" ;;
  static) try="open http://localhost:8080/ in a browser" ;;
esac
echo "serving the $kind sample from $repo at http://localhost:8080 (try: $try)"
KK_GIT_URL="$repo" KK_GIT_COMMIT=HEAD KK_FUNCTION="sample/$kind" ASPNETCORE_URLS="${ASPNETCORE_URLS:-http://localhost:8080}" \
  dotnet run --project "$root/Klusterkluck.Worker" -c Release
