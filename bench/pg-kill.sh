#!/usr/bin/env bash
# PostgreSQL killed (SIGKILL) under load, then restarted: Baton must answer only 503s meanwhile and
# recover by itself. 16 workers of task-lifecycle for 20 s against Baton on an external PostgreSQL 15
# (bench/pg.sh); the postmaster and its backends are killed 8 s in and restarted 4 s later. Prints
# the generator's table, its errors by cause (expected: only "HTTP 503"), /api/ready afterwards and
# the count of 500s in Baton's log (expected 0). Needs `mvn -f bench/pom.xml package` and the Baton
# jar (bench/run.sh or overload.sh build both). Loopback only; everything started is stopped.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/.." && pwd)"
work="$(mktemp -d /tmp/baton-pgkill.XXXXXX)"; chmod 711 "$work"
. "$here/lib.sh"
trap bench_cleanup EXIT
bench_start_pg 55444
bench_start_baton 54211 55444
( sleep 8; echo "[pgkill] SIGKILL postmaster $pg_pid" >&2; kill -9 "$pg_pid"; pkill -9 -f "postgres: .*$work" || true; sleep 4;
  echo "[pgkill] restarting PostgreSQL" >&2; "$here/pg.sh" start "$work/pg" 55444 >/dev/null 2>&1 || "$here/pg.sh" start "$work/pg" >/dev/null 2>&1 || echo "[pgkill] restart failed" >&2 ) &
java $gen_java_opts -jar "$here/target/baton-bench.jar" --url "http://127.0.0.1:54211" --scenario task-lifecycle \
  --workers 16 --duration 20s --warmup 2s --shed-retry-max-ms 0 --out "$work/r.json" > "$work/gen.txt" 2>&1 || true; grep -A12 "== baton-bench" "$work/gen.txt" >&2
python3 - "$work/r.json" <<'PY'
import json,sys
r=json.load(open(sys.argv[1]))
print("transitions/s", r.get("transitions_per_s"), "errors", r.get("errors"))
def walk(o):
    if isinstance(o,dict):
        for k,v in o.items():
            if k=="error_causes" and v: print("causes:", v)
            else: walk(v)
    elif isinstance(o,list):
        for v in o: walk(v)
walk(r)
PY
curl -s "http://127.0.0.1:54211/api/ready"; echo
grep -c '" 500 \|status=500\|Internal Server Error' "$work/baton.log" || true
