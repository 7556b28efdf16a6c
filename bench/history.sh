#!/usr/bin/env bash
# Is Baton flat in history size? set-state-only at --workers (default 64) twice on the same
# PostgreSQL and the same warm Baton: first with only the benchmark's own rows, then after
# --rows (default 5,000,000) rows of task-run state history were added (filler task runs, 5,000
# states each, VACUUM ANALYZE). Prints both and the change of p50 and p99 (target: within 20 %).
#
#   bench/history.sh [--rows 5000000] [--workers 64] [--duration 30] [--warmup 5] [--no-build]
#
# Writes bench/results/<date>-history.json. Loopback only; stops what it starts.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
rows=5000000
workers=64
duration=30
warmup=5
build=1
pg_port=55434
baton_port=54201
while [ $# -gt 0 ]; do
  case "$1" in
    --rows) rows="$2"; shift 2 ;;
    --workers) workers="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,10p' "$0"; exit 0 ;;
    *) echo "history.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
per_run=5000
filler_runs=$(( (rows + per_run - 1) / per_run ))

stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
work="$(mktemp -d /tmp/baton-history.XXXXXX)"
chmod 711 "$work"
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
trap bench_cleanup EXIT

bench_build
bench_start_pg "$pg_port"
bench_start_baton "$baton_port" "$pg_port"

gen() {
  java $gen_java_opts -jar "$here/target/baton-bench.jar" --url "http://127.0.0.1:$baton_port" "$@"
}
echo "[history] warming Baton up (15 s, not recorded)" >&2
gen --scenario task-lifecycle --workers 8 --duration 15s --warmup 0s --quiet >/dev/null

count() { psql -X -At -d baton -c "SELECT count(*) FROM task_run_state"; }
echo "[history] run 1: $(count) state rows" >&2
gen --scenario set-state-only --workers "$workers" --duration "${duration}s" --warmup "${warmup}s" \
  --prefill 120000 --baton-pid "$baton_pid" --pg-pid "$pg_pid" --out "$work/small.json" --label "history: small" >&2
small_rows="$(count)"

echo "[history] adding $rows rows of task-run state history ($filler_runs filler task runs)" >&2
psql -X -q -v ON_ERROR_STOP=1 -d baton <<SQL
INSERT INTO flow (id, name) VALUES ('00000000-0000-4000-a000-0000000000ff', 'history-filler');
INSERT INTO flow_run (id, name, flow_id) VALUES
  ('00000000-0000-4000-9000-0000000000ff', 'history-filler', '00000000-0000-4000-a000-0000000000ff');
INSERT INTO task_run (id, name, flow_run_id, task_key, dynamic_key)
SELECT ('00000000-0000-4000-8000-' || lpad(n::text, 12, '0'))::uuid, 'filler',
       '00000000-0000-4000-9000-0000000000ff', 'filler', n::text
  FROM generate_series(1, $filler_runs) n;
INSERT INTO task_run_state (id, task_run_id, type, name, timestamp, state_details)
SELECT gen_random_uuid(), tr.id, (ARRAY['PENDING','RUNNING','COMPLETED'])[1 + i % 3],
       (ARRAY['Pending','Running','Completed'])[1 + i % 3], now() - make_interval(secs => i),
       '{"flow_run_id": "00000000-0000-4000-9000-0000000000ff", "cache_key": null, "retriable": null}'
  FROM task_run tr CROSS JOIN generate_series(1, $per_run) i
 WHERE tr.flow_run_id = '00000000-0000-4000-9000-0000000000ff';
VACUUM ANALYZE;
CHECKPOINT;
SQL
echo "[history] run 2: $(count) state rows" >&2
gen --scenario set-state-only --workers "$workers" --duration "${duration}s" --warmup "${warmup}s" \
  --prefill 120000 --baton-pid "$baton_pid" --pg-pid "$pg_pid" --out "$work/large.json" --label "history: large" >&2
large_rows="$(psql -X -At -d baton -c "SELECT count(*) FROM task_run_state")"
size="$(psql -X -At -d baton -c "SELECT pg_size_pretty(pg_total_relation_size('task_run_state'))")"

mkdir -p "$here/results"
python3 - "$work/small.json" "$work/large.json" "$small_rows" "$large_rows" "$size" "$here/results/$stamp-history.json" <<'PY'
import json, sys
small, large = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
out = {"small": small, "large": large, "state_rows_after_small": int(sys.argv[3]),
       "state_rows_after_large": int(sys.argv[4]), "task_run_state_size": sys.argv[5]}
json.dump(out, open(sys.argv[6], "w"), indent=2)
def pct(a, b):
    return (b - a) / a * 100 if a else float("nan")
print(f"history  | state rows | transitions/s | p50 ms | p99 ms | errors")
for name, r, n in (("small", small, sys.argv[3]), ("large", large, sys.argv[4])):
    print(f"{name:8} | {n:>10} | {r['transitions_per_s']:>13} | {r['all_p50_ms']:>6} | {r['all_p99_ms']:>6} | {r['errors']}")
p50, p99 = pct(small["all_p50_ms"], large["all_p50_ms"]), pct(small["all_p99_ms"], large["all_p99_ms"])
ok = p50 <= 20 and p99 <= 20  # at most 20 % slower with the large history
print(f"large vs small: p50 {p50:+.1f} %, p99 {p99:+.1f} % (task_run_state {sys.argv[5]}) — "
      f"target within 20 %: {'met' if ok else 'NOT met'}")
print(f"[history] wrote {sys.argv[6]}", file=sys.stderr)
PY
