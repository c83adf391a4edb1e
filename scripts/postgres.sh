#!/usr/bin/env bash
# A throwaway PostgreSQL server for the test suite: installs Debian's
# postgresql if it is missing, starts a private cluster on a spare port, and
# prints the DATABASE_URL to use. `scripts/postgres.sh stop` ends it.
set -euo pipefail
PORT=${PORTAL_PG_PORT:-54329}
DATA=${PORTAL_PG_DATA:-/tmp/portal-pg}

pg_bin() {
  local dir
  dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$dir" ] && echo "$dir"
}

as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

if [ "${1:-start}" = stop ]; then
  bin=$(pg_bin) && as_postgres "$bin/pg_ctl" -D "$DATA" stop -m fast >/dev/null 2>&1 || true
  exit 0
fi

if [ -z "$(pg_bin)" ]; then
  echo "postgres.sh: installing postgresql from Debian's packages" >&2
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >/dev/null
fi
BIN=$(pg_bin)

if [ ! -s "$DATA/PG_VERSION" ]; then
  mkdir -p "$DATA"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$DATA"
  as_postgres "$BIN/initdb" -D "$DATA" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
fi
if ! as_postgres "$BIN/pg_ctl" -D "$DATA" status >/dev/null 2>&1; then
  as_postgres "$BIN/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
    -o "-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
fi
psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_roles WHERE rolname='portal'" |
  grep -q 1 || psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE ROLE portal LOGIN CREATEDB PASSWORD 'portal'"
psql -h 127.0.0.1 -p "$PORT" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname='portal'" |
  grep -q 1 || psql -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE portal OWNER portal"
echo "postgres://portal:portal@127.0.0.1:$PORT/portal"
