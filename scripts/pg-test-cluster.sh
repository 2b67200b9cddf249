#!/usr/bin/env bash
# Starts a throwaway PostgreSQL 15 server for the tests: a new cluster in a
# temporary folder (owned by the postgres user: initdb refuses root),
# listening on a free loopback port only, trust authentication (nothing
# outside the machine can reach it), TLS on with a certificate for 127.0.0.1
# issued by a CA made here (plain connections are accepted too, so the
# tests' `sslmode=require` is what proves TLS). Prints three lines to source:
#   ACTAS_TEST_POSTGRES=postgres://postgres@127.0.0.1:PORT/postgres
#   ACTAS_TEST_PGDATA=DIR
#   ACTAS_TEST_PGSSLROOTCERT=DIR/ca.crt   (the CA that issued the server's certificate)
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
    # The server's TLS certificate (P-256), issued by a CA of this run only.
    ec=(-newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes)
    openssl req -x509 "${ec[@]}" -keyout "$dir/ca.key" -out "$dir/ca.crt" -days 2 \
      -subj "/CN=CA de pruebas de Actas" 2>/dev/null
    openssl req "${ec[@]}" -keyout "$dir/server.key" -out "$dir/server.csr" \
      -subj "/CN=127.0.0.1" 2>/dev/null
    printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$dir/server.ext"
    openssl x509 -req -in "$dir/server.csr" -CA "$dir/ca.crt" -CAkey "$dir/ca.key" \
      -CAcreateserial -out "$dir/server.crt" -days 2 -extfile "$dir/server.ext" 2>/dev/null
    chmod 600 "$dir/server.key"
    chmod 644 "$dir/ca.crt"
    if [ "$(id -u)" -eq 0 ]; then chown postgres:postgres "$dir/server.key" "$dir/server.crt"; fi
    # A free loopback port: ask the kernel for one.
    port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
    as_postgres "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
      -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=off -c ssl=on -c ssl_cert_file=$dir/server.crt -c ssl_key_file=$dir/server.key" start >/dev/null
    echo "export ACTAS_TEST_POSTGRES=postgres://postgres@127.0.0.1:$port/postgres"
    echo "export ACTAS_TEST_PGDATA=$dir"
    echo "export ACTAS_TEST_PGSSLROOTCERT=$dir/ca.crt"
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
