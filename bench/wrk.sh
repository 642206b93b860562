# Shared by the benchmarks' run.sh scripts (sourced): reading wrk's output, medians, free ports.

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
