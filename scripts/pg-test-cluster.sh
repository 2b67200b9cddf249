#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server for the tests: a new cluster in a
# temporary folder (owned by the postgres user: initdb refuses root),
# listening on a free loopback port only, trust authentication (nothing
# outside the machine can reach it). Prints two lines to source:
#   ACTAS_TEST_POSTGRES=postgres://postgres@127.0.0.1:PORT/postgres
#   ACTAS_TEST_PGDATA=DIR
# Usage: eval "$(scripts/pg-test-cluster.sh start)"; …; scripts/pg-test-cluster.sh stop DIR
set -euo pipefail
bin=/usr/lib/postgresql/15/bin
action="${1:-start}"

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "$action" in
  start)
    [ -x "$bin/initdb" ] || { echo "falta PostgreSQL 15 ($bin/initdb): ejecute scripts/install-deps.sh test" >&2; exit 1; }
    dir=$(mktemp -d /tmp/actas-pg.XXXXXX)
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir"; fi
    chmod 700 "$dir"
    as_postgres "$bin/initdb" -D "$dir/data" -A trust -U postgres --no-sync >/dev/null
    # A free loopback port: ask the kernel for one.
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off" start >/dev/null
    echo "export ACTAS_TEST_POSTGRES=postgres://postgres@127.0.0.1:$port/postgres"
    echo "export ACTAS_TEST_PGDATA=$dir"
    ;;
  stop)
    dir="${2:?carpeta del servidor}"
    as_postgres "$bin/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$dir"
    ;;
  *)
    echo "uso: $0 start | stop DIR" >&2
    exit 2
    ;;
esac
