#!/usr/bin/env bash
# Quick check that the benchmark tools still work (no speed targets): the load generator for 2 s
# with 2 workers against a running Baton (every scenario), and the floor for 2 s against a
# PostgreSQL. Fails on any error.
#
#   BATON_URL=http://127.0.0.1:4200 PGHOST=127.0.0.1 PGPORT=55433 PGUSER=postgres bench/smoke.sh
#
# Without PGHOST the floor part starts its own throw-away PostgreSQL 15 (bench/pg.sh).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
url="${BATON_URL:-http://127.0.0.1:4200}"
jar="$here/target/baton-bench.jar"
[ -f "$jar" ] || (cd "$here" && mvn -q package)

for s in set-state-only task-lifecycle flow-lifecycle; do
  echo "[smoke] generator: $s" >&2
  java -jar "$jar" --url "$url" --scenario "$s" --workers 2 --duration 2s --warmup 1s --prefill 600 \
    --quiet --fail-on-error
done
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
echo "[smoke] floor" >&2
"$here/floor.sh" --clients 2 --duration 2 --rows 20 --db baton_floor_smoke
echo "[smoke] ok" >&2
