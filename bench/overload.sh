#!/usr/bin/env bash
# Overload: one scenario at a normal and at a very high worker count against one Baton (external
# PostgreSQL 15, as run.sh), clients that honour Retry-After on 503 (--shed-retry-max-ms), and
# Baton's shedding counters (baton_overload_rejected_total) read after each run.
#
#   bench/overload.sh [--workers 64,2000] [--scenario task-lifecycle] [--duration 20] [--warmup 5]
#                     [--shed-retry-max-ms 30000] [--pg-port 55434] [--baton-port 54201] [--no-build]
#                     [--threads 2]   (generator event loops: one saturates at 2,000 connections)
#
# → bench/results/<date>-overload.json (every run's generator result plus the counters). What to
# look at: errors only "503 shed (retried)", all_p99_ms (accepted requests only) and
# transitions_per_s at the high count against the normal one. Loopback only; everything started
# is stopped (by pid) on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
workers="64,2000"
scenario="task-lifecycle"
duration=20
warmup=5
shed=30000
pg_port=55434
baton_port=54201
build=1
threads=2
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --scenario) scenario="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --shed-retry-max-ms) shed="$2"; shift 2 ;;
    --pg-port) pg_port="$2"; shift 2 ;;
    --baton-port) baton_port="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --threads) threads="$2"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "overload.sh: unknown option $1" >&2; exit 64 ;;
  esac
done

stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
results="$here/results"
work="$(mktemp -d /tmp/baton-overload.XXXXXX)"
mkdir -p "$results" "$work/runs"
chmod 711 "$work"
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
trap bench_cleanup EXIT

bench_build
bench_start_pg "$pg_port"
bench_start_baton "$baton_port" "$pg_port"

echo "[overload] warming Baton up (10 s, $scenario, 8 workers, not recorded)" >&2
java $gen_java_opts -jar "$here/target/baton-bench.jar" --url "http://127.0.0.1:$baton_port" --scenario "$scenario" \
  --workers 8 --duration 10s --warmup 0s --quiet > /dev/null

IFS=',' read -r -a wlist <<< "$workers"
for w in "${wlist[@]}"; do
  echo "[overload] $w workers: $scenario, ${duration}s" >&2
  curl -sf "http://127.0.0.1:$baton_port/metrics" | grep '^baton_overload_rejected_total' > "$work/runs/before-$w.txt" || true
  java $gen_java_opts -Xss512k -jar "$here/target/baton-bench.jar" --url "http://127.0.0.1:$baton_port" --scenario "$scenario" \
    --workers "$w" --duration "${duration}s" --warmup "${warmup}s" --shed-retry-max-ms "$shed" \
    --baton-pid "$baton_pid" --pg-pid "$pg_pid" --setup-concurrency 32 --threads "$threads" --label "overload.sh $stamp" \
    --out "$work/runs/baton-$w.json" --quiet >&2 || echo "[overload] $w workers: generator failed" >&2
  curl -sf "http://127.0.0.1:$baton_port/metrics" > "$work/runs/metrics-$w.txt" || true
  grep '^baton_overload_rejected_total' "$work/runs/metrics-$w.txt" > "$work/runs/after-$w.txt" || true
done
[ -n "${OVERLOAD_KEEP:-}" ] && cp -r "$work/runs" "$OVERLOAD_KEEP"

python3 - "$work/runs" "$results/$stamp-overload.json" "$workers" <<'PY'
import json, os, re, sys
runs, out, workers = sys.argv[1], sys.argv[2], [int(w) for w in sys.argv[3].split(',')]
def counters(path):
    c = {}
    if os.path.exists(path):
        for line in open(path):
            m = re.match(r'baton_overload_rejected_total\{reason="([^"]+)"\} ([0-9.eE+-]+)', line)
            if m:
                c[m.group(1)] = float(m.group(2))
    return c
result = []
for w in workers:
    f = os.path.join(runs, f"baton-{w}.json")
    if not os.path.exists(f):
        continue
    r = json.load(open(f))
    before, after = counters(os.path.join(runs, f"before-{w}.txt")), counters(os.path.join(runs, f"after-{w}.txt"))
    r["overload_rejected"] = {k: after[k] - before.get(k, 0) for k in after}
    result.append(r)
    causes = {}
    for k in r.get("kinds", {}).values() if isinstance(r.get("kinds"), dict) else []:
        for c, n in (k.get("error_causes") or {}).items():
            causes[c] = causes.get(c, 0) + n
    print(f"{w:>5} workers: {r['transitions_per_s']:>8.1f} transitions/s  accepted p50 {r['all_p50_ms']} ms  "
          f"p99 {r['all_p99_ms']} ms  max {r['all_max_ms']} ms  errors {r['errors']} {causes}  "
          f"shed by Baton {r['overload_rejected']}")
json.dump(result, open(out, "w"), indent=1)
print("→", out)
PY
