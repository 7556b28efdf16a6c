#!/usr/bin/env python3
"""Combines the per-concurrency floor and generator results of bench/run.sh into one JSON file
and a markdown table. Standard library only."""
import argparse, datetime, json, os, platform, re, subprocess


def machine():
    cpu = ""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cpus": os.cpu_count(), "kernel": platform.release()}


def g(d, *keys):
    for k in keys:
        if d is None:
            return None
        d = d.get(k)
    return d


def fmt(v, nd=1):
    return "–" if v is None else (f"{v:.{nd}f}" if isinstance(v, float) else str(v))


def load(path):
    return json.load(open(path)) if os.path.exists(path) else None


AUTOVACUUM = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+) UTC \[\d+\] LOG:  automatic "
                        r"(?:aggressive )?(vacuum|analyze) of table \"[^.]+\.([^\"]+)\"")
ELAPSED = re.compile(r"elapsed: ([0-9.]+) s")


def autovacuum_runs(path):
    """Autovacuum's vacuums and analyzes of Baton's tables in PostgreSQL's log (bench/pg.sh logs them
    all): (start, end, kind, table) in UTC, the end being when it was logged."""
    runs = []
    if not path or not os.path.exists(path):
        return runs
    current = None
    with open(path, errors="replace") as fh:
        for line in fh:
            m = AUTOVACUUM.match(line)
            if m:
                end = datetime.datetime.strptime(m.group(1), "%Y-%m-%d %H:%M:%S.%f").replace(tzinfo=datetime.timezone.utc)
                current = [end, m.group(2), m.group(3)] if m.group(3).startswith("public.") else None
                continue
            if current and line.startswith("\t"):
                e = ELAPSED.search(line)
                if e:
                    end, kind, table = current
                    runs.append((end - datetime.timedelta(seconds=float(e.group(1))), end, kind, table[len("public."):]))
                    current = None
            elif not line.startswith("\t"):
                current = None
    return runs


def window_of(b):
    """The measured window of a generator result, in UTC (its start is set-up and warm-up after launch)."""
    if not b or not b.get("started_at"):
        return None
    started = datetime.datetime.fromisoformat(b["started_at"][:26].rstrip("Z") + "+00:00")
    start = started + datetime.timedelta(seconds=(b.get("setup_s") or 0) + (b.get("warmup_s") or 0))
    return start, start + datetime.timedelta(seconds=b.get("window_s") or 0)


def during(runs, b):
    """The autovacuum runs that overlapped a result's window, as a sentence (None when the result has
    no start time to place its window)."""
    w = window_of(b)
    if w is None:
        return None
    hits = [(max(s, w[0]), min(e, w[1]), kind, table) for s, e, kind, table in runs if s < w[1] and e > w[0]]
    if not hits:
        return "Autovacuum during the window: none."
    parts = [f"{kind} {table} {(e - s).total_seconds():.1f} s" for s, e, kind, table in hits]
    return "Autovacuum during the window (time inside it): " + ", ".join(parts) + "."


def targets(sc, t, lifecycle):
    """Issue 13's targets at 64 workers, as a sentence; None when the row is missing."""
    if not t or not t["baton"]:
        return None
    b = t["baton"]
    verdict = lambda ok: "met" if ok else "NOT met"
    if sc == "set-state-only" and t["ratio"] is not None:
        cpu = g(b, "cpu", "baton_ms_per_transition")
        ok = t["ratio"] >= 2 and (b.get("all_p99_ms") or 1e9) < 20 and b["errors"] == 0
        cpu_ok = cpu is not None and cpu <= 0.1
        return (f"Targets at 64 workers: ≥ 2 × the floor, p99 < 20 ms, no error: {verdict(ok)} (ratio {t['ratio']:.3f}, "
                f"p99 {b.get('all_p99_ms')} ms, errors {b['errors']}); Baton CPU ≤ 0.1 ms per set_state: "
                f"{verdict(cpu_ok)} ({cpu} ms).")
    if sc == "task-lifecycle" and t["ratio"] is not None:
        return (f"Target at 64 workers (≥ 1 × the floor's rate): {verdict(t['ratio'] >= 1 and b['errors'] == 0)} "
                f"(ratio {t['ratio']:.3f}, {b.get('lifecycles_per_s')} lifecycles/s).")
    if sc == "contended" and lifecycle and lifecycle["baton"]:
        share = (b.get("lifecycles_per_s") or 0) / (lifecycle["baton"].get("lifecycles_per_s") or 1e-9)
        leaked = b.get("active_slots_after")
        ok = share >= 0.25 and b["errors"] == 0 and leaked == 0
        return (f"Target at 64 workers (≥ 25 % of `task-lifecycle`'s lifecycles/s, no slot leaked): {verdict(ok)} "
                f"({b.get('lifecycles_per_s')} against {lifecycle['baton'].get('lifecycles_per_s')}: {share:.1%}; "
                f"active slots after the run: {leaked}).")
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--workers", required=True)
    ap.add_argument("--scenarios", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--md", required=True)
    ap.add_argument("--startup-ms", type=int, default=0)
    ap.add_argument("--peak-rss-kb", type=int, default=0)
    ap.add_argument("--metrics-bytes", type=int, default=0)
    ap.add_argument("--pg-log", default=None)
    ap.add_argument("--cold-seconds", type=int, default=0)
    ap.add_argument("--cold-workers", type=int, default=64)
    a = ap.parse_args()
    workers = [int(x) for x in a.workers.split(",")]
    scenarios = a.scenarios.split(",")
    floors, server = {}, None
    for w in workers:
        floor = load(os.path.join(a.runs, f"floor-{w}.json"))
        server = server or (floor or {}).get("server")
        floors[w] = floor["results"][0] if floor and floor.get("results") else None
    out = {"machine": machine(), "postgres": server, "workers": workers,
           "baton_startup_ms": a.startup_ms or None, "baton_peak_rss_mb": round(a.peak_rss_kb / 1024) if a.peak_rss_kb else None,
           "metrics_bytes": a.metrics_bytes or None,
           "floor": [{"workers": w, "floor": floors[w]} for w in workers], "scenarios": {}}
    for sc in scenarios:
        rows = []
        for w in workers:
            b = load(os.path.join(a.runs, sc, f"baton-{w}.json"))
            f = floors[w]
            ratio = round(b["transitions_per_s"] / f["tps"], 3) if b and f and f.get("tps") else None
            rows.append({"workers": w, "floor": f, "baton": b, "ratio": ratio})
        out["scenarios"][sc] = rows
    out["cold"] = {"seconds": a.cold_seconds, "workers": a.cold_workers,
                   "scenarios": {sc: load(os.path.join(a.runs, "cold", f"{sc}.json")) for sc in scenarios
                                 if os.path.exists(os.path.join(a.runs, "cold", f"{sc}.json"))}}
    with open(a.json, "w") as fh:
        json.dump(out, fh, indent=2)
        fh.write("\n")

    vacuums = autovacuum_runs(a.pg_log) if a.pg_log else None
    m = out["machine"]
    lines = [f"{m['cpus']} CPUs ({m['cpu']}), kernel {m['kernel']}; PostgreSQL: {server}. "
             "Floor: pgbench running Baton's statements for one transition (bench/floor.sh), measured just "
             "before the scenarios at each worker count; ratio = Baton transitions/s ÷ floor transactions/s.",
             "",
             f"Baton (HTTP) healthy {fmt(out['baton_startup_ms'])} ms after launch (external PostgreSQL, polled every "
             f"0.1 s); peak resident set over the whole run: {fmt(out['baton_peak_rss_mb'])} MB."]
    if out["metrics_bytes"]:
        kb = out["metrics_bytes"] / 1024
        lines[-1] += (f" `/metrics` after the last scenario: {kb:.1f} KB (target < 100 KB: "
                      f"{'met' if kb < 100 else 'NOT met'}).")
    for sc in scenarios:
        rows = out["scenarios"][sc]
        lines += ["", f"### `{sc}`", "",
                  "| workers | transitions/s | lifecycles/s | waits/s | floor tx/s | ratio | p50 ms | p99 ms | max ms "
                  "| floor p99 ms | errors | Baton CPU ms/transition | PostgreSQL CPU ms/transition "
                  "| generator CPU ms/transition |",
                  "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for r in rows:
            b, f = r["baton"], r["floor"]
            lines.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                r["workers"], fmt(g(b, "transitions_per_s")), fmt(g(b, "lifecycles_per_s")),
                fmt(g(b, "waits_per_s")), fmt(g(f, "tps")), fmt(r["ratio"], 3),
                fmt(g(b, "all_p50_ms"), 2), fmt(g(b, "all_p99_ms"), 2), fmt(g(b, "all_max_ms"), 2),
                fmt(g(f, "p99_ms"), 2), fmt(g(b, "errors")),
                fmt(g(b, "cpu", "baton_ms_per_transition"), 3), fmt(g(b, "cpu", "postgres_ms_per_transition"), 3),
                fmt(g(b, "cpu", "generator_ms_per_transition"), 3)))
        t = next((r for r in rows if r["workers"] == 64), None)
        target = targets(sc, t, next((r for r in out["scenarios"].get("task-lifecycle", []) if r["workers"] == 64), None))
        if target:
            lines += ["", target]
        if vacuums is not None and t and t["baton"]:
            lines += ["", during(vacuums, t["baton"])]
    cold = out["cold"]
    if cold["scenarios"]:
        lines += ["", f"### First window after start-up ({cold['workers']} workers, {cold['seconds']} s each, "
                      "JIT compiling; the tables above are the steady state)", "",
                  "| scenario | transitions/s | lifecycles/s | waits/s | p50 ms | p99 ms | errors "
                  "| Baton CPU ms/transition | steady transitions/s at the same workers |",
                  "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
        for sc, b in cold["scenarios"].items():
            steady = next((r["baton"] for r in out["scenarios"].get(sc, []) if r["workers"] == cold["workers"]), None)
            lines.append("| `{}` | {} | {} | {} | {} | {} | {} | {} | {} |".format(
                sc, fmt(g(b, "transitions_per_s")), fmt(g(b, "lifecycles_per_s")), fmt(g(b, "waits_per_s")),
                fmt(g(b, "all_p50_ms"), 2), fmt(g(b, "all_p99_ms"), 2), fmt(g(b, "errors")),
                fmt(g(b, "cpu", "baton_ms_per_transition"), 3), fmt(g(steady, "transitions_per_s"))))
    with open(a.md, "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
