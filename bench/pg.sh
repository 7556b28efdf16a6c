#!/usr/bin/env bash
# A throw-away external PostgreSQL 15 for the benchmark (Debian's binaries), loopback only.
#   bench/pg.sh start DIR [PORT]   initdb into DIR/data (as user nobody when run as root), start
#   bench/pg.sh stop DIR           stop it (DIR is left for the caller to delete)
# Settings: synchronous_commit=on, fsync=on (the defaults, set explicitly), max_connections=400.
set -euo pipefail
PGBIN="${PGBIN:-/usr/lib/postgresql/15/bin}"
cmd="${1:?start|stop}"; dir="${2:?directory}"; port="${3:-55433}"

as_owner() {
  if [ "$(id -u)" = 0 ]; then
    setpriv --reuid=65534 --regid=65534 --clear-groups "$@"
  else
    "$@"
  fi
}

case "$cmd" in
  start)
    mkdir -p "$dir"
    [ "$(id -u)" = 0 ] && chown 65534:65534 "$dir"
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      as_owner "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
      cat >> "$dir/data/postgresql.conf" <<CONF
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$dir'
max_connections = 400
synchronous_commit = on
fsync = on
shared_buffers = 256MB
logging_collector = off
# one checkpoint cycle for a whole run.sh (~3 GB of WAL in ~7 min): a checkpoint inside a 15-s
# window, or right before it, makes that window alone pay the full-page writes
max_wal_size = 8GB
checkpoint_timeout = 30min
# every autovacuum run logged: report.py names those that overlap a measured window
log_autovacuum_min_duration = 0
CONF
    fi
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    as_owner "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null || true
    ;;
  pid)
    head -1 "$dir/data/postmaster.pid"
    ;;
  *) echo "pg.sh: start|stop|pid" >&2; exit 64 ;;
esac
