#!/usr/bin/env bash
# Start (or stop) a throw-away PostgreSQL server for the test suite, as the postgres user.
# Usage: scripts/postgres.sh start|stop   — prints the TEPAT_DATABASE_URL to use on start.
set -euo pipefail
PGBIN=${PGBIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
BASE=${TEPAT_PG_DIR:-/tmp/tepat-pg}
PORT=${TEPAT_PG_PORT:-54329}
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

case "${1:-start}" in
  start)
    if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ]; then
      apt-get update -q >/dev/null && apt-get install -y -q postgresql >/dev/null
      PGBIN=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
    fi
    mkdir -p "$BASE"
    [ "$(id -u)" = 0 ] && chown postgres:postgres "$BASE"
    if [ ! -f "$BASE/data/PG_VERSION" ]; then
      as_pg "$PGBIN/initdb" -D "$BASE/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
    fi
    as_pg "$PGBIN/pg_ctl" -D "$BASE/data" status >/dev/null 2>&1 || as_pg "$PGBIN/pg_ctl" -D "$BASE/data" -l "$BASE/server.log" -w \
      -o "-k $BASE -p $PORT -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null
    echo "postgresql://postgres@/tepat?host=$BASE&port=$PORT"
    ;;
  stop)
    as_pg "$PGBIN/pg_ctl" -D "$BASE/data" -m fast stop >/dev/null || true
    ;;
esac
