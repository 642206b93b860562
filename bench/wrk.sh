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

# compare_peers <rounds> <name 0> <url 0> <name 1> <url 1> [<name 2> <url 2> ...]
# Per round, `measure` on each (in turn, the order reversed every other round so that no one
# always runs first after a pause); each one's throughput as a share of the first's, per round
# and for the median round.
compare_peers() {
  local rounds=$1; shift
  local names=() urls=()
  while (($# >= 2)); do names+=("$1"); urls+=("$2"); shift 2; done
  local count=${#names[@]} round i order rps=() base
  declare -A shares=()
  for round in $(seq 1 "$rounds"); do
    echo "round $round" >&2
    order=$(seq 0 $((count - 1)))
    ((round % 2 == 0)) && order=$(seq $((count - 1)) -1 0)
    for i in $order; do rps[$i]=$(measure "  ${names[$i]}" "${urls[$i]}"); done
    base=${rps[0]}
    for i in $(seq 1 $((count - 1))); do
      shares[$i]+="$(awk -v s="${rps[$i]}" -v f="$base" 'BEGIN { printf "%.0f", 100 * s / f }') "
    done
    echo "  $(for i in $(seq 1 $((count - 1))); do printf '%s %s%%  ' "${names[$i]}" "$(awk -v s="${rps[$i]}" -v f="$base" 'BEGIN { printf "%.0f", 100 * s / f }')"; done)of ${names[0]}'s throughput" >&2
  done
  for i in $(seq 1 $((count - 1))); do
    # shellcheck disable=SC2086
    echo "median round: ${names[$i]} keeps $(median ${shares[$i]})% of ${names[0]}'s throughput (rounds: ${shares[$i]% })" >&2
  done
}
