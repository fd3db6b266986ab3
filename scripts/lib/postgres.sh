#!/usr/bin/env bash
# Throwaway PostgreSQL clusters for local runs and tests (Debian postgresql-15 binaries).
# initdb refuses root, so when run as root the cluster belongs to the `postgres` system user.
# Usage (sourced):  pg_ensure_installed; pg_start DATA_DIR PORT; pg_stop DATA_DIR

PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}

pg_ensure_installed() {
  if [ ! -x "$PG_BIN/initdb" ]; then
    echo "installing postgresql-15 (apt-get)..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql-15 >&2
  fi
}

pg_free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# Runs a command as the cluster owner: postgres when we are root, ourselves otherwise.
pg_as_owner() {
  if [ "$(id -u)" = "0" ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# pg_start DATA_DIR PORT [fast]: creates the cluster if needed and starts it on 127.0.0.1:PORT.
# "fast" turns durability off (tests only).
pg_start() {
  local dir=$1 port=$2 mode=${3:-}
  mkdir -p "$dir"
  if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$dir"; fi
  chmod 700 "$dir"
  if [ ! -f "$dir/PG_VERSION" ]; then
    pg_as_owner "$PG_BIN/initdb" -D "$dir" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
  fi
  local sock="$dir/socket"
  mkdir -p "$sock"
  if [ "$(id -u)" = "0" ]; then chown postgres:postgres "$sock"; fi
  chmod 755 "$sock"
  local flags="-c listen_addresses=127.0.0.1 -c port=$port -k $sock -c max_connections=300"
  if [ "$mode" = "fast" ]; then
    flags="$flags -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
  fi
  pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -l "$dir/server.log" -o "$flags" -w -t 60 start >/dev/null
}

pg_stop() {
  local dir=$1
  [ -f "$dir/postmaster.pid" ] && pg_as_owner "$PG_BIN/pg_ctl" -D "$dir" -m immediate stop >/dev/null 2>&1 || true
}
