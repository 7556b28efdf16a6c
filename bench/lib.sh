# Shared by bench/run.sh and bench/history.sh (sourced, not run): building the jars, a throw-away
# PostgreSQL and a Baton against it, and stopping both on exit. The caller sets $here, $root,
# $work (a fresh directory) and $build, and calls `trap bench_cleanup EXIT`.

baton_pid=""

# The load generator's JVM shares the two cores with Baton and PostgreSQL: the serial collector
# keeps its GC to one thread (run.sh also gives it a JIT warm-up before every measured window).
gen_java_opts="${BATON_GEN_JAVA_OPTS:--XX:+UseSerialGC}"

bench_cleanup() {
  if [ -n "$baton_pid" ] && kill -0 "$baton_pid" 2>/dev/null; then
    kill "$baton_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$baton_pid" 2>/dev/null || break; sleep 0.2; done
    kill -9 "$baton_pid" 2>/dev/null || true
  fi
  "$here/pg.sh" stop "$work/pg" 2>/dev/null || true
  rm -rf "$work"
}

# Builds target/baton.jar and bench/target/baton-bench.jar (always with $build = 1, else if missing).
bench_build() {
  if [ "$build" = 1 ] || [ ! -f "$root/target/baton.jar" ]; then
    echo "[bench] building Baton (mvn -DskipTests package)" >&2
    (cd "$root" && mvn -q -DskipTests package)
  fi
  if [ "$build" = 1 ] || [ ! -f "$here/target/baton-bench.jar" ]; then
    echo "[bench] building the load generator" >&2
    (cd "$here" && mvn -q package)
  fi
}

# bench_start_pg PORT: PostgreSQL 15 in $work/pg with an empty database "baton"; sets $pg_pid and
# exports PGHOST, PGPORT, PGUSER.
bench_start_pg() {
  echo "[bench] starting PostgreSQL 15 on 127.0.0.1:$1" >&2
  "$here/pg.sh" start "$work/pg" "$1" >/dev/null
  pg_pid="$("$here/pg.sh" pid "$work/pg")"
  export PGHOST=127.0.0.1 PGPORT="$1" PGUSER=postgres
  psql -q -X -d postgres -c "CREATE DATABASE baton" >/dev/null
}

# bench_start_baton HTTP_PORT PG_PORT: Baton on loopback against that database, log in
# $work/baton.log; waits until /api/health answers (polled every 0.1 s) and sets $baton_pid and
# $startup_ms (launch to healthy).
bench_start_baton() {
  echo "[bench] starting Baton on 127.0.0.1:$1" >&2
  BATON_DB_URL="postgresql://postgres@127.0.0.1:$2/baton" BATON_HTTP_HOST=127.0.0.1 BATON_HTTP_PORT="$1" \
    BATON_LOG_LEVEL="${BATON_LOG_LEVEL:-WARN}" java ${BATON_JAVA_OPTS:-} -jar "$root/target/baton.jar" > "$work/baton.log" 2>&1 &
  baton_pid=$!
  local started_ns i
  started_ns=$(date +%s%N)
  for i in $(seq 1 600); do
    if curl -sf "http://127.0.0.1:$1/api/health" >/dev/null 2>&1; then break; fi
    if ! kill -0 "$baton_pid" 2>/dev/null; then echo "[bench] Baton exited:" >&2; tail -30 "$work/baton.log" >&2; exit 1; fi
    sleep 0.1
    [ "$i" = 600 ] && { echo "[bench] Baton did not become healthy in 60 s" >&2; tail -30 "$work/baton.log" >&2; exit 1; }
  done
  startup_ms=$(( ($(date +%s%N) - started_ns) / 1000000 ))
  echo "[bench] Baton healthy ${startup_ms} ms after launch (polled every 0.1 s)" >&2
}
