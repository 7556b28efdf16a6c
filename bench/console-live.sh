#!/usr/bin/env bash
# The console's live feed under load: set-state-only against one Baton (external PostgreSQL 15, as
# run.sh) with no console page open (A) and with --pages live streams open (B, bench/sse-pages.py:
# GET /api/console/live, as many open browser tabs would), alternating A B, B A, … in one run, so
# drift falls on both sides alike.
#
#   bench/console-live.sh [--workers 64] [--duration 20] [--warmup 20] [--pairs 3] [--pages 50]
#                         [--prefill 60000] [--pg-port 55439] [--baton-port 54209] [--no-build]
#
# → bench/results/<date>-console-live.json: every window's generator result, with the pages'
# snapshot counts and smallest gap for the B windows; a table on stderr. Loopback only; everything
# started is stopped (by pid) on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
workers=64; duration=20; warmup=20; pairs=3; pages=50; prefill=60000; pg_port=55439; baton_port=54209; build=1; threads=1
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --pairs) pairs="$2"; shift 2 ;;
    --pages) pages="$2"; shift 2 ;;
    --prefill) prefill="$2"; shift 2 ;;
    --pg-port) pg_port="$2"; shift 2 ;;
    --baton-port) baton_port="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "console-live.sh: unknown option $1" >&2; exit 64 ;;
  esac
done
stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
results="$here/results"
work="$(mktemp -d /tmp/baton-console-live.XXXXXX)"
mkdir -p "$results" "$work/runs"
chmod 711 "$work"
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
pages_pid=""
cleanup() { [ -n "$pages_pid" ] && kill "$pages_pid" 2>/dev/null; bench_cleanup; }
trap cleanup EXIT

bench_build
bench_start_pg "$pg_port"
bench_start_baton "$baton_port" "$pg_port"
url="http://127.0.0.1:$baton_port"
echo "[console-live] warming up (10 s task-lifecycle, 8 workers, not recorded), ANALYZE" >&2
java $gen_java_opts -jar "$here/target/baton-bench.jar" --url "$url" --scenario task-lifecycle --workers 8 \
  --duration 10s --warmup 0s --quiet > /dev/null
psql -q -X -d baton -c ANALYZE

window() { # window NAME WITH_PAGES
  local name="$1" with="$2"
  if [ "$with" = 1 ]; then
    python3 "$here/sse-pages.py" --url "$url" --pages "$pages" --seconds "$((warmup + duration + 15))" \
      > "$work/runs/$name-pages.json" &
    pages_pid=$!
    sleep 2
  fi
  echo "[console-live] $(date -u +%T) $name: set-state-only, $workers workers, ${duration}s, pages open: $([ "$with" = 1 ] && echo "$pages" || echo 0)" >&2
  java $gen_java_opts -jar "$here/target/baton-bench.jar" --url "$url" --scenario set-state-only --workers "$workers" \
    --threads "$threads" --prefill "$prefill" --duration "${duration}s" --warmup "${warmup}s" --baton-pid "$baton_pid" \
    --pg-pid "$pg_pid" --label "console-live.sh $stamp $name" --out "$work/runs/$name.json" --quiet >&2 \
    || echo "[console-live] $name: generator failed" >&2
  if [ "$with" = 1 ]; then
    wait "$pages_pid" || true
    pages_pid=""
  fi
}
for i in $(seq 1 "$pairs"); do
  if [ $((i % 2)) = 1 ]; then window "A$i" 0; window "B$i" 1; else window "B$i" 1; window "A$i" 0; fi
done

python3 - "$work/runs" "$results/$stamp-console-live.json" "$pairs" "$pages" <<'PY'
import json, os, sys
runs, out, pairs, pages = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
rows = []
for i in range(1, pairs + 1):
    for side in 'AB':
        name = '%s%d' % (side, i)
        p = os.path.join(runs, name + '.json')
        if not os.path.exists(p):
            continue
        r = json.load(open(p))
        pg = os.path.join(runs, name + '-pages.json')
        r['console_pages'] = json.load(open(pg)) if os.path.exists(pg) else None
        r['window_name'] = name
        rows.append(r)
json.dump({'pages': pages, 'windows': rows}, open(out, 'w'), indent=1)
def cpu(r, who):
    v = (r.get('cpu') or {}).get(who + '_ms_per_transition')
    return '%.3f' % v if v is not None else '—'
print('| window | pages | transitions/s | p99 ms | Baton CPU ms/transition | PostgreSQL CPU ms/transition | snapshots/page/s | smallest gap s |', file=sys.stderr)
print('|---|---|---|---|---|---|---|---|', file=sys.stderr)
for r in rows:
    c = r['console_pages'] or {}
    print('| %s | %s | %s | %s | %s | %s | %s | %s |' % (r['window_name'], c.get('pages', 0), r['transitions_per_s'],
          r.get('all_p99_ms'), cpu(r, 'baton'), cpu(r, 'postgres'), c.get('snapshots_per_page_per_s', '—'),
          c.get('min_gap_s', '—')), file=sys.stderr)
for side in 'AB':
    v = [r['transitions_per_s'] for r in rows if r['window_name'][0] == side]
    if v:
        print('%s mean transitions/s: %.0f (%s)' % (side, sum(v) / len(v), ', '.join('%.0f' % x for x in v)), file=sys.stderr)
print('→ ' + out, file=sys.stderr)
PY
