#!/usr/bin/env bash
# The whole test suite: installs what it needs, runs every test project, and ends with one line
# "N passed, N failed, N skipped" summed from the TRX files dotnet test writes.
set -uo pipefail
cd "$(dirname "$0")/.."

if ! bash scripts/install-test-deps.sh; then
  echo "the test dependencies could not be installed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

source scripts/test-postgres.sh
trap stop_test_postgres EXIT
if ! start_test_postgres; then
  echo "PostgreSQL for the store tests could not be started" >&2
  echo "0 passed, 1 failed"
  exit 1
fi

results="TestResults/run-$(date +%s)"
mkdir -p "$results"
dotnet test Klusterkluck.sln --logger trx --results-directory "$results" "$@"
status=$?

shopt -s nullglob
trx=("$results"/*.trx)
if ((${#trx[@]} == 0)); then
  echo "no test results were written: the build failed" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
# Each TRX has one <Counters .../> element; sum its attributes over all projects.
sed -n 's/.*<Counters \([^>]*\)\/>.*/\1/p' "${trx[@]}" | awk '
  {
    for (i = 1; i <= NF; i++) {
      split($i, kv, "=")
      gsub(/"/, "", kv[2])
      count[kv[1]] += kv[2]
    }
  }
  END {
    skipped = count["total"] - count["executed"]
    failed = count["failed"] + count["error"] + count["timeout"] + count["aborted"]
    printf "%d passed, %d failed, %d skipped\n", count["passed"], failed, skipped
  }'
exit $status
