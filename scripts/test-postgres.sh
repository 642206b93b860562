#!/usr/bin/env bash
# Sourced by scripts/test.sh: a throwaway PostgreSQL cluster from Debian's package for the store
# tests, on 127.0.0.1 and a free port, in a temporary folder, with durability off (tests only).
# Sets KK_TEST_POSTGRES to its connection string.

start_test_postgres() {
  local bin
  bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -x "$bin/initdb" ] || { echo "PostgreSQL's server is not installed (apt-get install postgresql)" >&2; return 1; }

  KK_TEST_PGDIR=$(mktemp -d /tmp/kk-postgres-XXXXXX)
  local as=()
  if [ "$(id -u)" -eq 0 ]; then
    # PostgreSQL refuses to run as root: its own user owns the cluster.
    chown postgres "$KK_TEST_PGDIR"
    as=(runuser -u postgres --)
  fi

  local port=25432
  while (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; do port=$((port + 1)); done

  "${as[@]}" "$bin/initdb" -D "$KK_TEST_PGDIR/data" -U postgres -A trust -E UTF8 --no-locale >"$KK_TEST_PGDIR/initdb.log" 2>&1 \
    || { cat "$KK_TEST_PGDIR/initdb.log" >&2; return 1; }
  "${as[@]}" "$bin/pg_ctl" -D "$KK_TEST_PGDIR/data" -l "$KK_TEST_PGDIR/server.log" -w -t 60 \
    -o "-h 127.0.0.1 -p $port -k $KK_TEST_PGDIR -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" start >/dev/null \
    || { cat "$KK_TEST_PGDIR/server.log" >&2; return 1; }
  KK_TEST_PG_CTL=("${as[@]}" "$bin/pg_ctl" -D "$KK_TEST_PGDIR/data")
  export KK_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres"
  echo "PostgreSQL for the tests on 127.0.0.1:$port"
}

stop_test_postgres() {
  [ -n "${KK_TEST_PGDIR:-}" ] || return 0
  "${KK_TEST_PG_CTL[@]}" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$KK_TEST_PGDIR"
}
