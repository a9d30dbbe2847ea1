#!/usr/bin/env bash
# Runs a command beside a throwaway PostgreSQL (started as the postgres user, since it refuses root),
# with TEST_DATABASE_URL pointing at it; stops and deletes it afterwards.
#   usage: scripts/with-postgres.sh <command> [args...]
set -euo pipefail
PG_PORT="${PG_PORT:-54329}"
PG_BIN="${PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)}"
if [ -z "$PG_BIN" ] || [ ! -x "$PG_BIN/initdb" ]; then
  echo "PostgreSQL server binaries not found: apt-get install -y postgresql" >&2
  exit 1
fi
D=$(mktemp -d /tmp/pgdata.XXXXXX)
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
[ "$(id -u)" = 0 ] && chown postgres:postgres "$D"
cleanup() {
  as_pg "$PG_BIN/pg_ctl" -D "$D" -m fast stop >/dev/null 2>&1 || true
  rm -rf "$D"
}
trap cleanup EXIT
as_pg "$PG_BIN/initdb" -D "$D" -U postgres --auth=trust -E UTF8 --no-sync >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$D" -l "$D/server.log" -w -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $D -c max_connections=200" start >/dev/null
export TEST_DATABASE_URL="postgres://postgres@127.0.0.1:$PG_PORT/postgres"
echo "PostgreSQL ($("$PG_BIN/postgres" --version | awk '{print $3}')) on 127.0.0.1:$PG_PORT"
"$@"
