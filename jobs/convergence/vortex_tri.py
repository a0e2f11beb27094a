#!/usr/bin/env python3
"""Convergence and cost of the triangle schemes on the isentropic vortex (jobs/cases/isentropic_vortex_tri.toml).

Runs the case (irregular triangles, one period, t = 10 unless --t-end) for a list of mesh sizes with the
fourth-order SCFV-GKS and with the second-order baseline, on R MPI ranks (jobs/mpirun.sh), then writes

  OUT/convergence.csv     scheme, n, cells, L1, Linf, orders, wall seconds of the time loop, us/cell/stage
  OUT/convergence.md      the same as a Markdown table (pasted into docs/triangles.md)
  OUT/error_vs_h.png      L1 and Linf density error against the mesh spacing, with slopes 2 and 4
  OUT/error_vs_time.png   L1 density error against the wall time of the time loop at R ranks

Runs whose OUT/runs/<scheme>-<n>/summary.json exists are not repeated (delete it to re-run), so an
interrupted study resumes where it stopped.

Errors are those of summary.json: density averages of every unit (subcell for SCFV, triangle for the
second-order scheme) against the exact averages; L1 = sum |e| * area over the 10 x 10 domain, Linf = max |e|.
The second-order scheme runs with its limiter: unlimited, its least-squares gradients on these irregular
meshes are destroyed by t = 10 (L1 = 1.3 on 80² with tau_c1 = 0.05, 3.7 with 0). Both schemes use their
default numerical collision time (flux.tau_c1 = 0.1 for SCFV, which it needs for
stability, docs/triangles.md §4.1; 0.05 for the second-order scheme).

Usage: jobs/convergence/vortex_tri.py [--ranks 2] [--scfv 10 20 40 80] [--second 20 40 80 160]
                                      [--jitter 0.2] [--t-end 10] [--out output/convergence]
"""
import argparse
import csv
import json
import math
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CASE = REPO / "jobs" / "cases" / "isentropic_vortex_tri.toml"
MPIRUN = REPO / "jobs" / "mpirun.sh"
SCHEMES = {
    "scfv": ["--set", 'scheme.kind="scfv"', "--set", "scheme.limiter=false"],
    "second_order": [
        "--set",
        'scheme.kind="second_order"',
        "--set",
        "scheme.limiter=true",
    ],
}
LABEL = {"scfv": "SCFV-GKS (4th order)", "second_order": "second order"}


def run(args, scheme, n):
    out = Path(args.out) / "runs" / f"{scheme}-{n}"
    summary = out / "summary.json"
    if not summary.exists():
        cmd = [str(MPIRUN), "-n", str(args.ranks), "-t", "1", str(CASE), "-q", "-o", str(out)]
        cmd += SCHEMES[scheme]
        cmd += ["--set", f"mesh.nx={n}", "--set", f"mesh.ny={n}"]
        cmd += ["--set", f"mesh.jitter={args.jitter}", "--set", f"time.end={args.t_end}"]
        print(f"[vortex_tri] {scheme} n = {n} ...", flush=True)
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if r.returncode != 0:
            sys.exit(f"[vortex_tri] run failed ({r.returncode}): {' '.join(cmd)}\n{r.stderr}")
    s = json.loads(summary.read_text())
    e = s["density_errors"]
    loop = s["wall_seconds"] - s.get("output_seconds", 0.0)
    return {
        "scheme": scheme,
        "n": n,
        "triangles": 2 * n * n,
        "units": s["cells"],
        "ranks": s["ranks"],
        "steps": s["steps"],
        "l1": e["l1"],
        "linf": e["linf"],
        "wall": loop,
        "us_cell_stage_core": s["us_per_cell_per_stage_per_core"],
    }


def add_orders(rows):
    for prev, row in zip(rows, rows[1:]):
        f = row["n"] / prev["n"]
        row["order_l1"] = math.log(prev["l1"] / row["l1"]) / math.log(f)
        row["order_linf"] = math.log(prev["linf"] / row["linf"]) / math.log(f)


def plots(args, rows):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("[vortex_tri] matplotlib missing: no plots (use /usr/bin/python3 or `make deps`)")
        return
    out = Path(args.out)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for scheme, mark in [("scfv", "o"), ("second_order", "s")]:
        rs = [r for r in rows if r["scheme"] == scheme]
        if not rs:
            continue
        h = [10.0 / r["n"] for r in rs]
        ax.loglog(h, [r["l1"] for r in rs], mark + "-", label=f"{LABEL[scheme]}, L1")
        ax.loglog(h, [r["linf"] for r in rs], mark + "--", label=f"{LABEL[scheme]}, L∞")
    hs = [10.0 / r["n"] for r in rows]
    h0, h1 = max(hs), min(hs)
    for p, y0 in [(2, 3e-2), (4, 1e-3)]:
        ax.loglog([h0, h1], [y0, y0 * (h1 / h0) ** p], "k:", lw=0.8)
        ax.text(h1, y0 * (h1 / h0) ** p, f" slope {p}", fontsize=8, va="center")
    ax.set_xlabel("square size h (each split into two triangles)")
    ax.set_ylabel("density error at t = %g" % args.t_end)
    ax.set_title(f"Isentropic vortex, irregular triangles (jitter {args.jitter})")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "error_vs_h.png", dpi=110)
    fig, ax = plt.subplots(figsize=(6, 4.5))
    for scheme, mark in [("scfv", "o-"), ("second_order", "s-")]:
        rs = [r for r in rows if r["scheme"] == scheme]
        if not rs:
            continue
        ax.loglog([r["wall"] for r in rs], [r["l1"] for r in rs], mark, label=LABEL[scheme])
        for r in rs:
            ax.annotate(f"{r['n']}²", (r["wall"], r["l1"]), fontsize=7, xytext=(3, 3),
                        textcoords="offset points")
    ax.set_xlabel(f"wall time of the time loop [s], {args.ranks} MPI ranks")
    ax.set_ylabel("L1 density error")
    ax.set_title("Error against cost, vortex to t = %g" % args.t_end)
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out / "error_vs_time.png", dpi=110)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--ranks", type=int, default=2)
    p.add_argument("--scfv", type=int, nargs="*", default=[10, 20, 40, 80])
    p.add_argument("--second", type=int, nargs="*", default=[20, 40, 80, 160])
    p.add_argument("--jitter", type=float, default=0.2)
    p.add_argument("--t-end", type=float, default=10.0)
    p.add_argument("--out", default=str(REPO / "output" / "convergence"))
    args = p.parse_args()
    os.makedirs(args.out, exist_ok=True)
    rows = []
    for scheme, sizes in [("scfv", args.scfv), ("second_order", args.second)]:
        rs = [run(args, scheme, n) for n in sizes]
        add_orders(rs)
        rows += rs
    keys = ["scheme", "n", "triangles", "units", "ranks", "steps", "l1", "order_l1", "linf",
            "order_linf", "wall", "us_cell_stage_core"]
    with open(Path(args.out) / "convergence.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        for r in rows:
            w.writerow({k: r.get(k, "") for k in keys})
    lines = [
        "| scheme | squares | triangles | L1 | order | L∞ | order | time loop [s] | µs/unit/stage/core |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        o1 = f"{r['order_l1']:.2f}" if "order_l1" in r else "—"
        oi = f"{r['order_linf']:.2f}" if "order_linf" in r else "—"
        lines.append(
            f"| {LABEL[r['scheme']]} | {r['n']}² | {r['triangles']} | {r['l1']:.3e} | {o1} | "
            f"{r['linf']:.3e} | {oi} | {r['wall']:.1f} | {r['us_cell_stage_core']:.2f} |"
        )
    table = "\n".join(lines)
    (Path(args.out) / "convergence.md").write_text(table + "\n")
    print(table)
    plots(args, rows)
    print(f"[vortex_tri] results in {args.out}")


if __name__ == "__main__":
    main()
