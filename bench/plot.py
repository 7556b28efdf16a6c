#!/usr/bin/env python3
"""Throughput and p99 latency against workers, Baton and the floor, from a bench/run.sh result.
usage: plot.py results/<date>.json results/plot.png   (needs matplotlib: apt-get install python3-matplotlib)"""
import json, sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main(src, dst):
    d = json.load(open(src))
    floor = [r for r in d["floor"] if r["floor"]]
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(12, 4.6))
    if floor:
        fw = [r["workers"] for r in floor]
        ax1.plot(fw, [r["floor"]["tps"] for r in floor], "k--", marker="s", label="floor: pgbench (tx/s)")
        ax2.plot(fw, [r["floor"]["p99_ms"] for r in floor], "k--", marker="s", label="floor p99 (per tx)")
    for sc, rows in d["scenarios"].items():
        rows = [r for r in rows if r["baton"]]
        if not rows:
            continue
        w = [r["workers"] for r in rows]
        ax1.plot(w, [r["baton"]["transitions_per_s"] for r in rows], "o-", label=f"Baton {sc}")
        ax2.plot(w, [r["baton"].get("all_p99_ms") for r in rows], "o-", label=f"Baton {sc}")
    ticks = d["workers"]
    for ax in (ax1, ax2):
        ax.set_xscale("log", base=2)
        ax.set_xticks(ticks, [str(x) for x in ticks])
        ax.set_xlabel("workers / pgbench clients")
        ax.grid(True, alpha=0.3)
    ax1.set_ylabel("requests (transitions) per second")
    ax1.set_ylim(bottom=0)
    ax1.set_title("Throughput")
    ax1.legend(fontsize=7)
    ax2.set_yscale("log")
    ax2.set_ylabel("ms")
    ax2.axhline(50, color="grey", lw=0.8, ls=":")
    ax2.set_title("p99 latency (per request)")
    ax2.legend(fontsize=7)
    m = d.get("machine", {})
    fig.suptitle(f"Baton vs floor — {m.get('cpus')} CPUs, {d.get('postgres') or ''}", fontsize=9)
    fig.tight_layout()
    fig.savefig(dst, dpi=110)
    print(f"[plot] wrote {dst}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
