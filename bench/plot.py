#!/usr/bin/env python3
"""Throughput and p99 latency against workers, Baton and the floor, from a bench/run.sh result.
usage: plot.py results/<date>.json results/plot.png   (needs matplotlib: apt-get install python3-matplotlib)"""
import json, sys

import matplotlib
matplotlib.use("Agg")
import matplotlib.pyplot as plt


def main(src, dst):
    d = json.load(open(src))
    rows = [r for r in d["rows"] if r["baton"] or r["floor"]]
    w = [r["workers"] for r in rows]

    def col(f):
        return [f(r) for r in rows]

    b_tps = col(lambda r: r["baton"]["transitions_per_s"] if r["baton"] else None)
    f_tps = col(lambda r: r["floor"]["tps"] if r["floor"] else None)
    b_p99 = col(lambda r: r["baton"].get("all_p99_ms") if r["baton"] else None)
    f_p99 = col(lambda r: r["floor"]["p99_ms"] if r["floor"] else None)

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(11, 4.2))
    ax1.plot(w, b_tps, "o-", label="Baton (transitions/s)")
    ax1.plot(w, f_tps, "s--", label="floor: pgbench (transactions/s)")
    ax1.set_xscale("log", base=2)
    ax1.set_xticks(w, [str(x) for x in w])
    ax1.set_xlabel("workers / pgbench clients")
    ax1.set_ylabel("per second")
    ax1.set_ylim(bottom=0)
    ax1.set_title("Throughput")
    ax1.grid(True, alpha=0.3)
    ax1.legend()
    ax2.plot(w, b_p99, "o-", label="Baton p99 (per request)")
    ax2.plot(w, f_p99, "s--", label="floor p99 (per transaction)")
    ax2.set_xscale("log", base=2)
    ax2.set_yscale("log")
    ax2.set_xticks(w, [str(x) for x in w])
    ax2.set_xlabel("workers / pgbench clients")
    ax2.set_ylabel("ms")
    ax2.axhline(50, color="grey", lw=0.8, ls=":")
    ax2.set_title("p99 latency")
    ax2.grid(True, alpha=0.3)
    ax2.legend()
    m = d.get("machine", {})
    fig.suptitle(f"Baton {d['scenario']} vs floor — {m.get('cpus')} CPUs, {d.get('postgres') or ''}", fontsize=9)
    fig.tight_layout()
    fig.savefig(dst, dpi=110)
    print(f"[plot] wrote {dst}", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
