#!/usr/bin/env bash
# Regenerates the README's pictures of the web console (docs/images/console-*.png): runs the
# console's browser tests (a real Api, Debian's chromium, headless), which photograph every page
# they visit into TestResults/screenshots/, and copies the README's few from there.
#   bash scripts/console-screenshots.sh
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-test-deps.sh
rm -rf TestResults/screenshots
dotnet test tests/Klusterkluck.Api.Tests --filter "FullyQualifiedName~Klusterkluck.Api.Tests.Console." --logger "console;verbosity=minimal"
for page in functions functions-dark function-invoke editor editor-conflict build-failed sign-in functions-phone flows flow-run; do
  cp "TestResults/screenshots/$page.png" "docs/images/console-$page.png"
done
cp TestResults/screenshots/flow-editor-if.png docs/images/console-flow-editor.png
ls -l docs/images/console-*.png
