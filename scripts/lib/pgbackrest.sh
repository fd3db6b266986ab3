#!/usr/bin/env bash
# A PostgreSQL 15 cluster that archives its WAL with pgBackRest into a posix repository of its own (tests, benchmarks).
# archive-push runs as the server's OS user, so the repository, log and lock folders belong to that user too.
# Usage (sourced, after postgres.sh):  pgbackrest_ensure_installed; pitr_start DIR PORT STANZA [ARCHIVE_TIMEOUT]; pg_stop DIR/pg
# Layout: DIR/pg (data), DIR/repo (repository), DIR/pgbackrest.conf, DIR/log, DIR/lock.

pgbackrest_ensure_installed() {
  if ! command -v pgbackrest >/dev/null; then
    echo "installing pgbackrest (apt-get)..." >&2
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pgbackrest >&2
  fi
}

pitr_start() {
  local dir=$1 port=$2 stanza=$3 timeout=${4:-2}
  mkdir -p "$dir/pg" "$dir/repo" "$dir/log" "$dir/lock"
  cat >"$dir/pgbackrest.conf" <<CONF
[global]
repo1-path=$dir/repo
repo1-retention-full=4
log-path=$dir/log
lock-path=$dir/lock
log-level-file=off
start-fast=y
compress-type=lz4

[$stanza]
pg1-path=$dir/pg
pg1-port=$port
pg1-socket-path=$dir/pg/socket
pg1-user=postgres
CONF
  chmod 755 "$dir"
  chmod 644 "$dir/pgbackrest.conf"
  if [ "$(id -u)" = "0" ]; then chown -R postgres:postgres "$dir/pg" "$dir/repo" "$dir/log" "$dir/lock"; fi
  if [ ! -f "$dir/pg/PG_VERSION" ]; then
    chmod 700 "$dir/pg"
    pg_as_owner "$PG_BIN/initdb" -D "$dir/pg" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
    pg_as_owner tee -a "$dir/pg/postgresql.conf" >/dev/null <<CONF
wal_level = replica
archive_mode = on
archive_command = 'pgbackrest --config=$dir/pgbackrest.conf --stanza=$stanza archive-push %p'
archive_timeout = $timeout
max_wal_senders = 3
CONF
  fi
  pg_start "$dir/pg" "$port" fast
}
