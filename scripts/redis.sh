#!/usr/bin/env bash
# A throwaway Redis server for the tests: installs Debian's redis-server if
# it is missing, starts a private instance on a spare port (no persistence),
# and prints the REDIS_URL to use. `scripts/redis.sh stop` ends it.
set -euo pipefail
PORT=${PORTAL_REDIS_PORT:-63799}
DIR=${PORTAL_REDIS_DIR:-/tmp/portal-redis}

if [ "${1:-start}" = stop ]; then
  if [ -s "$DIR/redis.pid" ]; then
    kill "$(cat "$DIR/redis.pid")" 2>/dev/null || true
    rm -f "$DIR/redis.pid"
  fi
  exit 0
fi

if ! command -v redis-server >/dev/null; then
  echo "redis.sh: installing redis-server from Debian's packages" >&2
  apt-get update -qq >&2
  # The package's own service is not wanted: this script starts its own.
  RUNLEVEL=1 apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi

mkdir -p "$DIR"
if ! redis-cli -p "$PORT" ping >/dev/null 2>&1; then
  redis-server --port "$PORT" --bind 127.0.0.1 --dir "$DIR" --save "" \
    --appendonly no --daemonize yes --pidfile "$DIR/redis.pid" \
    --logfile "$DIR/redis.log"
  for _ in $(seq 50); do
    redis-cli -p "$PORT" ping >/dev/null 2>&1 && break
    sleep 0.1
  done
  redis-cli -p "$PORT" ping >/dev/null
fi
echo "redis://127.0.0.1:$PORT/0"
