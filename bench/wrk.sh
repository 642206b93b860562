# Shared by the benchmarks' run.sh scripts (sourced): reading wrk's output, medians, free ports.

# wrk_settings [seconds per run, default 20] [connections, default 32] [rounds, default 3]: the
# scripts' own arguments, as $duration, $connections and $rounds; stops when wrk is not installed.
wrk_settings() {
  duration=${1:-20}
  connections=${2:-32}
  rounds=${3:-3}
  command -v wrk >/dev/null || { echo "wrk is needed: apt-get install wrk" >&2; exit 1; }
}

# wrk_field <wrk output> <rps|p50|p99|requests>
wrk_field() {
  case "$2" in
    rps) awk '/Requests\/sec/ {print $2}' <<<"$1" ;;
    p50) awk '$1 == "50%" {print $2}' <<<"$1" ;;
    p99) awk '$1 == "99%" {print $2}' <<<"$1" ;;
    requests) awk '/requests in/ {print $1}' <<<"$1" ;;
  esac
}

# median <numbers...>
median() {
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

free_port() { node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"; }

# measure <name> <url>: one warm wrk run of $duration seconds with $connections connections
# (after a short warm-up of the pools and the JIT); prints the figures, echoes req/s. A script
# that needs more (a token, CPU per request) defines its own after sourcing this file.
measure() {
  curl -s -o /dev/null "$2"
  wrk -t1 -c4 -d3s "$2" >/dev/null
  local out; out=$(wrk -t1 -c"$connections" -d"${duration}s" --latency "$2")
  local rps p50 p99
  rps=$(wrk_field "$out" rps) p50=$(wrk_field "$out" p50) p99=$(wrk_field "$out" p99)
  printf '%-12s %10s req/s   p50 %8s   p99 %8s\n' "$1" "$rps" "$p50" "$p99" >&2
  echo "$rps"
}

# compare_rounds <rounds> <name a> <url a> <name b> <url b>
# Per round, `measure` (each script defines it: prints figures, echoes req/s) on a, then on b;
# prints b's throughput as a share of a's, per round and for the median round.
compare_rounds() {
  local rounds=$1 ratios=() round first second ratio
  for round in $(seq 1 "$rounds"); do
    echo "round $round" >&2
    first=$(measure "  $2" "$3")
    second=$(measure "  $4" "$5")
    ratio=$(awk -v s="$second" -v f="$first" 'BEGIN { printf "%.0f", 100 * s / f }')
    echo "  $4 / $2 throughput: $ratio%" >&2
    ratios+=("$ratio")
  done
  echo "median round: $4 keeps $(median "${ratios[@]}")% of $2's throughput (rounds: ${ratios[*]})" >&2
}
