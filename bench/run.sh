#!/usr/bin/env bash
# End to end on this machine: a throw-away PostgreSQL 15 (external to Baton, same machine,
# synchronous_commit on), the floor and Baton measured back to back at each concurrency, then the
# results: bench/results/<date>.json, bench/results/<date>.md (table) and bench/results/plot.png.
#
#   bench/run.sh [--workers 1,8,64,256] [--duration 30] [--warmup 5]
#                [--scenarios set-state-only,task-lifecycle,pause-resume,contended,event-bus]
#                [--pg-port 55433] [--baton-port 54200] [--threads 1] [--no-build]
#
# First a cold pass: each HTTP scenario once right after start-up (64 workers, BATON_WARMUP_S
# seconds each, default 40), recorded apart as the first window after start-up; it is the JIT
# warm-up too. Then at each worker count: the floor, then every scenario, back to back (each
# scenario's throughput is printed as a ratio of the floor measured minutes before): the steady
# state; each HTTP window comes after max(--warmup, BATON_GEN_WARMUP_S = 20) s of unmeasured load,
# the generator's own JIT warm-up (BATON_GEN_JAVA_OPTS: its JVM flags). event-bus is Baton in the generator's JVM (EventBusLoad) against the same PostgreSQL,
# while the HTTP Baton idles.
#
# Loopback only. Everything it starts it stops (by pid) on exit.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
workers="1,8,64,256"
duration=30
warmup=5
scenarios="set-state-only,task-lifecycle,pause-resume,contended,event-bus"
pg_port=55433
baton_port=54200
threads=1
build=1
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --duration) duration="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --scenarios|--scenario) scenarios="$2"; shift 2 ;;
    --pg-port) pg_port="$2"; shift 2 ;;
    --baton-port) baton_port="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,17p' "$0"; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 64 ;;
  esac
done

stamp="$(date -u +%Y-%m-%dT%H%M%SZ)"
results="$here/results"
work="$(mktemp -d /tmp/baton-bench.XXXXXX)"
mkdir -p "$results" "$work/runs"
chmod 711 "$work"  # PostgreSQL runs as nobody and must reach $work/pg
# shellcheck source=bench/lib.sh
. "$here/lib.sh"
trap bench_cleanup EXIT

bench_build
bench_start_pg "$pg_port"
bench_start_baton "$baton_port" "$pg_port"

IFS=',' read -r -a wlist <<< "$workers"
IFS=',' read -r -a slist <<< "$scenarios"
for sc in "${slist[@]}"; do mkdir -p "$work/runs/$sc"; done

# The floor's database, made now: creating (and dropping) a database forces a checkpoint, and the
# full-page writes after a checkpoint slow whatever is measured next (set-state-only right after a
# CHECKPOINT: 8–26 % fewer transitions/s, p99 +4–15 ms, bench/README.md round 4). Every floor
# below reuses it. Then one checkpoint starts the cycle the whole run stays in (pg.sh: 8 GB of WAL,
# 30 min), and the cold pass absorbs its first full-page writes.
"$here/floor.sh" --prepare-only --clients "$workers" >&2
psql -q -X -d baton -c CHECKPOINT

# Rows for the planner first (not recorded): on a fresh database PostgreSQL plans the first
# statements for empty tables (sequential scans) and keeps those plans until the tables are
# analyzed: by autovacuum a minute or more later, or, since round 6, by Baton's planner-statistics
# service within seconds of a table doubling (docs/operations.md). Every run below starts on
# analyzed tables, as in the earlier rounds.
echo "[run] seeding the database (5 s of task-lifecycle, 8 workers, not recorded), ANALYZE" >&2
java $gen_java_opts -jar "$here/target/baton-bench.jar" --url "http://127.0.0.1:$baton_port" --scenario task-lifecycle \
  --workers 8 --duration 5s --warmup 0s --quiet > /dev/null
psql -q -X -d baton -c ANALYZE

# The cold pass, which is also the JIT warm-up: each HTTP scenario once, right after start-up, at
# $cold_workers workers for $cold s with no warm-up of its own, recorded apart ("first window
# after start-up" in the report). Each scenario's own code paths (tagged creation, slot hand-over,
# held WAITs …) are compiled while it runs, and C2 keeps compiling for tens of seconds on two
# shared cores; the measured runs after it are the steady state.
cold="${BATON_WARMUP_S:-40}"
cold_workers=64
mkdir -p "$work/runs/cold"
for sc in "${slist[@]}"; do
  [ "$sc" = event-bus ] && continue  # runs in the generator's JVM: every run of it starts cold
  echo "[run] $(date -u +%T) cold pass: $sc, $cold_workers workers, ${cold} s" >&2
  java $gen_java_opts -jar "$here/target/baton-bench.jar" --url "http://127.0.0.1:$baton_port" --scenario "$sc" \
    --threads "$threads" --workers "$cold_workers" --duration "${cold}s" --warmup 0s --pg-pid "$pg_pid" \
    --baton-pid "$baton_pid" --label "run.sh $stamp cold" --out "$work/runs/cold/$sc.json" \
    $([ "$sc" = set-state-only ] && echo --prefill "$(( cold * 3000 ))") \
    || echo "[run] cold $sc failed" >&2
done
psql -q -X -d baton -c ANALYZE
# The generator is a fresh JVM for every run, and its own JIT needs load before its cost per
# request settles: with a 5-s warm-up its C2 compiler threads used more CPU during a 15-s
# `task-lifecycle` window than its event loops (0.37 against 0.25 cores; 0.15–0.2 ms of generator
# CPU per transition, against 0.045–0.05 after 20 s), CPU taken from Baton and PostgreSQL. So
# every HTTP window follows at least BATON_GEN_WARMUP_S s (default 20) of unmeasured load.
gen_warmup="${BATON_GEN_WARMUP_S:-20}"
[ "$warmup" -gt "$gen_warmup" ] && gen_warmup="$warmup"
for w in "${wlist[@]}"; do
  echo "[run] $(date -u +%T) ---- $w: floor, then ${scenarios} ----" >&2
  "$here/floor.sh" --reuse --clients "$w" --duration "$duration" --out "$work/runs/floor-$w.json" >&2
  floor_tps="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["results"][0]["tps"])' "$work/runs/floor-$w.json")"
  # set-state-only: enough pre-created runs for three times the floor's rate over warm-up and
  # window (group commit takes Baton past the floor).
  prefill="$(python3 -c 'import math,sys; t,d=float(sys.argv[1]),float(sys.argv[2]); print(max(2000, math.ceil(t*d/3*3)))' "$floor_tps" "$((duration + gen_warmup))")"
  for sc in "${slist[@]}"; do
    echo "[run] $(date -u +%T) $w workers: $sc" >&2
    common=(--workers "$w" --duration "${duration}s" --pg-pid "$pg_pid"
            --floor-tps "$floor_tps" --label "run.sh $stamp" --out "$work/runs/$sc/baton-$w.json")
    if [ "$sc" = event-bus ]; then
      java -cp "$root/target/baton.jar:$here/target/baton-bench.jar" dev.baton.bench.EventBusLoad \
        --db-url "postgresql://postgres@127.0.0.1:$pg_port/baton" --prefill "$prefill" --warmup "${warmup}s" \
        "${common[@]}" || echo "[run] event-bus at $w workers failed" >&2
    else
      java $gen_java_opts -jar "$here/target/baton-bench.jar" --url "http://127.0.0.1:$baton_port" --scenario "$sc" \
        --threads "$threads" --prefill "$prefill" --baton-pid "$baton_pid" --warmup "${gen_warmup}s" "${common[@]}" \
        || echo "[run] $sc at $w workers failed" >&2
    fi
  done
done

peak_rss_kb="$(awk '/^VmHWM/ {print $2}' "/proc/$baton_pid/status" 2>/dev/null || echo "")"
# /metrics after every scenario has run: its size at steady state (issue 13: < 100 KB)
metrics_bytes="$(curl -sf "http://127.0.0.1:$baton_port/metrics" | wc -c)" || metrics_bytes=0
python3 "$here/report.py" --runs "$work/runs" --workers "$workers" --scenarios "$scenarios" \
  --cold-seconds "$cold" --cold-workers "$cold_workers" \
  --startup-ms "$startup_ms" --peak-rss-kb "${peak_rss_kb:-0}" --metrics-bytes "${metrics_bytes:-0}" \
  --pg-log "$work/pg/postgres.log" \
  --json "$results/$stamp.json" --md "$results/$stamp.md"
cat "$results/$stamp.md"
if python3 -c 'import matplotlib' 2>/dev/null || /usr/bin/python3 -c 'import matplotlib' 2>/dev/null; then
  py=python3; python3 -c 'import matplotlib' 2>/dev/null || py=/usr/bin/python3
  "$py" "$here/plot.py" "$results/$stamp.json" "$results/plot.png"
else
  echo "[run] matplotlib missing (apt-get install python3-matplotlib): no plot" >&2
fi
cp "$work/baton.log" "$results/$stamp-baton.log" 2>/dev/null || true
cp "$work/pg/postgres.log" "$results/$stamp-postgres.log" 2>/dev/null || true  # checkpoints, autovacuum
