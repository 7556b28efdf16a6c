#!/usr/bin/env python3
"""Combines the per-concurrency floor and generator results of bench/run.sh into one JSON file
and a markdown table. Standard library only."""
import argparse, json, os, platform, subprocess


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


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", required=True)
    ap.add_argument("--workers", required=True)
    ap.add_argument("--scenario", required=True)
    ap.add_argument("--json", required=True)
    ap.add_argument("--md", required=True)
    a = ap.parse_args()
    rows = []
    server = None
    for w in [int(x) for x in a.workers.split(",")]:
        floor_file = os.path.join(a.runs, f"floor-{w}.json")
        baton_file = os.path.join(a.runs, f"baton-{w}.json")
        floor = json.load(open(floor_file)) if os.path.exists(floor_file) else None
        baton = json.load(open(baton_file)) if os.path.exists(baton_file) else None
        server = server or (floor or {}).get("server")
        f = (floor or {}).get("results", [None])[0] if floor else None
        ratio = None
        if f and baton and f.get("tps"):
            ratio = round(baton["transitions_per_s"] / f["tps"], 3)
        rows.append({"workers": w, "floor": f, "baton": baton, "ratio": ratio})
    out = {"scenario": a.scenario, "machine": machine(), "postgres": server, "rows": rows}
    with open(a.json, "w") as fh:
        json.dump(out, fh, indent=2)
        fh.write("\n")

    def g(d, *keys):
        for k in keys:
            if d is None:
                return None
            d = d.get(k)
        return d

    def fmt(v, nd=1):
        return "–" if v is None else (f"{v:.{nd}f}" if isinstance(v, float) else str(v))

    m = out["machine"]
    lines = [
        f"Scenario `{a.scenario}`; {m['cpus']} CPUs ({m['cpu']}), kernel {m['kernel']}; PostgreSQL: {server}.",
        "",
        "| workers | Baton transitions/s | floor tx/s | ratio | Baton p50 ms | Baton p99 ms | Baton max ms | floor p99 ms | errors | Baton CPU ms/transition | PostgreSQL CPU ms/transition |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in rows:
        b, f = r["baton"], r["floor"]
        lines.append("| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |".format(
            r["workers"], fmt(g(b, "transitions_per_s")), fmt(g(f, "tps")), fmt(r["ratio"], 3),
            fmt(g(b, "all_p50_ms"), 2), fmt(g(b, "all_p99_ms"), 2), fmt(g(b, "all_max_ms"), 2),
            fmt(g(f, "p99_ms"), 2), fmt(g(b, "errors")),
            fmt(g(b, "cpu", "baton_ms_per_transition"), 3), fmt(g(b, "cpu", "postgres_ms_per_transition"), 3)))
    t = next((r for r in rows if r["workers"] == 64), None)
    if t and t["baton"] and t["ratio"] is not None:
        ok = t["ratio"] >= 0.6 and (t["baton"].get("all_p99_ms") or 1e9) < 50 and t["baton"]["errors"] == 0
        lines += ["", f"Target at 64 workers (ratio ≥ 0.6, p99 < 50 ms, no error): {'met' if ok else 'NOT met'} "
                      f"(ratio {t['ratio']:.3f}, p99 {t['baton'].get('all_p99_ms')} ms, errors {t['baton']['errors']})."]
    with open(a.md, "w") as fh:
        fh.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
