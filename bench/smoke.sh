#!/usr/bin/env bash
# Quick check that the benchmark tools still work (no speed targets): the load generator for 2 s
# with 2 workers against a running Baton (every scenario, incl. pause-resume and contended), the
# event-bus path for 2 s (Baton in-process, needs target/baton.jar: built when missing), and the
# floor for 2 s against a PostgreSQL. Fails on any error.
#
#   BATON_URL=http://127.0.0.1:4200 PGHOST=127.0.0.1 PGPORT=55433 PGUSER=postgres bench/smoke.sh
#
# Without PGHOST the event-bus and floor parts start their own throw-away PostgreSQL 15
# (bench/pg.sh). The event-bus run uses database baton_bus_smoke (created when missing) unless
# SMOKE_BUS_DB_URL names another. The contended run needs tag "bench" (limit 2) free on that Baton:
# SMOKE_TAG to use another tag.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
url="${BATON_URL:-http://127.0.0.1:4200}"
root="$(cd "$here/.." && pwd)"
jar="$here/target/baton-bench.jar"
has_bus() { python3 -m zipfile -l "$jar" 2>/dev/null | grep -q 'dev/baton/bench/EventBusLoad.class'; }
if [ ! -f "$root/target/baton.jar" ]; then
  echo "[smoke] building Baton (target/baton.jar) for the event-bus path" >&2
  (cd "$root" && mvn -q -DskipTests package)
fi
if [ ! -f "$jar" ] || ! has_bus; then
  (cd "$here" && mvn -q package)
fi

for s in set-state-only task-lifecycle flow-lifecycle pause-resume; do
  echo "[smoke] generator: $s" >&2
  java -jar "$jar" --url "$url" --scenario "$s" --workers 2 --duration 2s --warmup 1s --prefill 600 \
    --quiet --fail-on-error
done
echo "[smoke] generator: contended" >&2
java -jar "$jar" --url "$url" --scenario contended --limit 2 --tag "${SMOKE_TAG:-bench}" --workers 4 --duration 2s \
  --warmup 1s --quiet --fail-on-error
echo "[smoke] generator: open loop" >&2
java -jar "$jar" --url "$url" --scenario task-lifecycle --workers 2 --duration 2s --warmup 0s --rate 40 \
  --quiet --fail-on-error

own_pg=""
if [ -z "${PGHOST:-}" ]; then
  own_pg="$(mktemp -d /tmp/baton-smoke-pg.XXXXXX)"
  trap '"$here/pg.sh" stop "$own_pg"; rm -rf "$own_pg"' EXIT
  "$here/pg.sh" start "$own_pg" "${SMOKE_PG_PORT:-55439}" >/dev/null
  export PGHOST=127.0.0.1 PGPORT="${SMOKE_PG_PORT:-55439}" PGUSER=postgres
fi
echo "[smoke] event bus" >&2
bus_url="${SMOKE_BUS_DB_URL:-}"
if [ -z "$bus_url" ]; then
  psql -q -X -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'baton_bus_smoke'" | grep -q 1 \
    || psql -q -X -d postgres -c "CREATE DATABASE baton_bus_smoke" >/dev/null
  bus_url="postgresql://${PGUSER:-postgres}@${PGHOST}:${PGPORT:-5432}/baton_bus_smoke"
fi
java -cp "$root/target/baton.jar:$jar" dev.baton.bench.EventBusLoad --db-url "$bus_url" --workers 4 \
  --duration 2s --warmup 1s --prefill 1500 --quiet --fail-on-error
echo "[smoke] floor" >&2
"$here/floor.sh" --clients 2 --duration 2 --rows 20 --db baton_floor_smoke
echo "[smoke] ok" >&2
