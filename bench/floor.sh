#!/usr/bin/env bash
# The floor: pgbench running, per transaction, exactly the statements Baton issues for one
# task-run transition (bench/floor/transition.sql), against the same schema (Baton's Flyway
# migrations) in a separate database on the same PostgreSQL server.
#
#   PGHOST=127.0.0.1 PGPORT=55433 PGUSER=postgres bench/floor.sh --clients 1,8,64,256 --duration 30
#
# Options:
#   --clients LIST       comma-separated client counts (default 1,8,64,256)
#   --duration SECONDS   per client count (default 30)
#   --rows N             task runs per client (default 200)
#   --threads N          pgbench threads, at most the client count (default 2)
#   --schema-dir DIR     Flyway migrations to apply (default src/main/resources/db/migration)
#   --db NAME            database to (re)create for the floor (default baton_floor)
#   --out FILE           JSON results (default: none)
#   --keep               keep the database afterwards
#   --prepare-only       create and fill the database, keep it, run nothing
#   --reuse              run on the database a --prepare-only made (for at least as many clients)
#                        instead of re-creating it: creating and dropping a database forces
#                        checkpoints, which would land right before the window (or the next one)
# Prints one line per client count: tps, p50/p99/max latency of a whole transaction.
# Exits non-zero when pgbench reports failed transactions or cannot run.
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
clients="1,8,64,256"
duration=30
rows=200
threads=2
schema_dir="${BATON_SCHEMA_DIR:-$root/src/main/resources/db/migration}"
db="baton_floor"
out=""
keep=0
prepare=1
run=1
PGBENCH="${PGBENCH:-pgbench}"
PSQL="${PSQL:-psql}"

while [ $# -gt 0 ]; do
  case "$1" in
    --clients) clients="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --rows) rows="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --schema-dir) schema_dir="$2"; shift 2 ;;
    --db) db="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    --prepare-only) keep=1; run=0; shift ;;
    --reuse) keep=1; prepare=0; shift ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "floor.sh: unknown option $1" >&2; exit 64 ;;
  esac
done

: "${PGHOST:?set PGHOST (loopback, e.g. 127.0.0.1)}"
: "${PGPORT:?set PGPORT}"
export PGUSER="${PGUSER:-postgres}"
case "$PGHOST" in
  127.0.0.1|localhost|::1|/*) ;;
  *) echo "floor.sh: PGHOST must be loopback or a socket directory, got $PGHOST" >&2; exit 64 ;;
esac
[ -d "$schema_dir" ] || { echo "floor.sh: no migrations in $schema_dir (use --schema-dir)" >&2; exit 64; }

max_clients=0
IFS=',' read -r -a client_list <<< "$clients"
for c in "${client_list[@]}"; do
  [ "$c" -gt "$max_clients" ] && max_clients="$c"
done

work="$(mktemp -d /tmp/baton-floor.XXXXXX)"
cleanup() {
  rm -rf "$work"
  if [ "$keep" = 0 ]; then
    "$PSQL" -q -X -d postgres -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1 || true
  fi
}
trap cleanup EXIT

if [ "$prepare" = 1 ]; then
  echo "[floor] preparing database $db: migrations from $schema_dir, $max_clients clients x $rows task runs" >&2
  "$PSQL" -q -X -v ON_ERROR_STOP=1 -d postgres -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db" >/dev/null
  # Flyway order: V<version>__<description>.sql by numeric version.
  for f in $(ls "$schema_dir" | grep -E '^V[0-9._]+__.*\.sql$' | sort -t_ -k1,1V); do
    "$PSQL" -q -X -v ON_ERROR_STOP=1 -d "$db" -f "$schema_dir/$f" >/dev/null
  done
  "$PSQL" -q -X -v ON_ERROR_STOP=1 -d "$db" -v clients="$max_clients" -v rows="$rows" -f "$here/floor/populate.sql" >/dev/null
  [ "$run" = 1 ] || exit 0
else
  have="$("$PSQL" -At -X -d "$db" -c "SELECT count(*) FROM task_run" 2>/dev/null || echo 0)"
  if [ "$have" -lt $(( max_clients * rows )) ]; then
    echo "floor.sh: --reuse: $db has $have task runs, $max_clients clients x $rows need more (--prepare-only first)" >&2
    exit 64
  fi
fi

server="$("$PSQL" -At -X -d "$db" -c "SELECT current_setting('server_version') || ' synchronous_commit=' || current_setting('synchronous_commit') || ' fsync=' || current_setting('fsync') || ' max_connections=' || current_setting('max_connections')")"
echo "[floor] server: $server" >&2

json_rows=()
failed=0
for c in "${client_list[@]}"; do
  j=$(( threads < c ? threads : c ))
  log_prefix="$work/lat_$c"
  set +e
  "$PGBENCH" -n -M prepared -c "$c" -j "$j" -T "$duration" -D rows="$rows" -D step=0 \
    -f "$here/floor/transition.sql" -l --log-prefix="$log_prefix" "$db" > "$work/out_$c" 2>&1
  rc=$?
  set -e
  if [ $rc -ne 0 ]; then
    echo "[floor] pgbench failed at $c clients (exit $rc):" >&2
    tail -20 "$work/out_$c" >&2
    failed=1
    continue
  fi
  tps=$(sed -n 's/^tps = \([0-9.]*\) (without initial connection time)/\1/p' "$work/out_$c")
  done_tx=$(sed -n 's/^number of transactions actually processed: \([0-9]*\).*/\1/p' "$work/out_$c")
  failed_tx=$(sed -n 's/^number of failed transactions: \([0-9]*\).*/\1/p' "$work/out_$c")
  failed_tx="${failed_tx:-0}"
  # per-transaction log: client_id transaction_no latency_us script_no epoch epoch_us
  read -r p50 p99 max < <(cat "$log_prefix".* | awk '{print $3}' | sort -n | awk '
    { v[NR] = $1 }
    END {
      if (NR == 0) { print "null null null"; exit }
      i50 = int(NR * 0.50); if (i50 < 1) i50 = 1
      i99 = int(NR * 0.99); if (i99 < 1) i99 = 1
      printf "%.2f %.2f %.2f\n", v[i50] / 1000, v[i99] / 1000, v[NR] / 1000
    }')
  rm -f "$log_prefix".*
  printf '[floor] clients=%-4s tps=%-10s p50_ms=%-7s p99_ms=%-7s max_ms=%-7s transactions=%s failed=%s\n' \
    "$c" "$tps" "$p50" "$p99" "$max" "$done_tx" "$failed_tx"
  if [ -z "$tps" ] || [ "$failed_tx" != 0 ] || [ "${done_tx:-0}" = 0 ]; then
    failed=1
  fi
  json_rows+=("{\"clients\": $c, \"tps\": ${tps:-null}, \"p50_ms\": $p50, \"p99_ms\": $p99, \"max_ms\": $max, \"transactions\": ${done_tx:-0}, \"failed\": $failed_tx, \"duration_s\": $duration}")
done

if [ -n "$out" ]; then
  mkdir -p "$(dirname "$out")"
  {
    echo "{"
    echo "  \"tool\": \"baton-floor\","
    echo "  \"started_at\": \"$(date -u +%Y-%m-%dT%H:%M:%SZ)\","
    echo "  \"server\": \"$server\","
    echo "  \"rows_per_client\": $rows,"
    echo "  \"threads\": $threads,"
    echo "  \"results\": ["
    n=${#json_rows[@]}
    for i in "${!json_rows[@]}"; do
      sep=","; [ "$i" -eq $((n - 1)) ] && sep=""
      echo "    ${json_rows[$i]}$sep"
    done
    echo "  ]"
    echo "}"
  } > "$out"
  echo "[floor] wrote $out" >&2
fi
exit $failed
