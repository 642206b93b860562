#!/usr/bin/env bash
# Flow editor benchmark (not a test): a flow of 50 nodes opened in the console's editor in Debian's
# Chromium, against the Api's Release build on loopback: time until every node and edge is drawn,
# then a click, a drag and an undo on the canvas. Usage: bash bench/console/flow-editor.sh [visits, default 10]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
dotnet build "$root/Klusterkluck.Api" -c Release -v quiet -nologo
dotnet build "$here" -c Release -v quiet -nologo
dotnet "$here/bin/Release/net10.0/Klusterkluck.Bench.Console.dll" flow-editor \
  "$root/Klusterkluck.Api/bin/Release/net10.0/Klusterkluck.Api.dll" "${1:-10}"
