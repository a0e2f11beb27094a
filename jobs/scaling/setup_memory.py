#!/usr/bin/env python3
"""Set-up time and peak memory per rank as the rank count grows (issue "scale out").

Weak series: a fixed number of elements per rank on 1, 2, 4 ranks x 1 thread (4 ranks are oversubscribed
on a 2-core machine: the memory figures stay right, the set-up times of those runs are inflated by the
sharing and are marked). Every run is one time step without snapshots (``time.max_steps = 1``,
``output.every = 0``); its summary.json gives ``setup_seconds`` (mesh, partition, operators, initial
projection: everything before the first step) and each rank's measured peak resident memory (VmHWM).

Series (elements per rank; ``--quick`` divides them by about 2.5):
  weno5-blocks   riemann2d_a, WENO5-GKS, rectangles split into blocks by every rank (250 000 cells/rank)
  weno5-metis    the same, split by METIS on rank 0                                 (250 000 cells/rank)
  scfv           isentropic_vortex_tri, SCFV-GKS on triangles, METIS                 (20 000 triangles/rank)
  cpr3           isentropic_vortex_cpr, CPR-GKS p = 3 on triangles, METIS            (20 000 triangles/rank)
and a strong series (``--strong``): WENO5 2000 x 2000 on 1 and 4 ranks (blocks and METIS), where the sum
over ranks of the peak memory is compared with one rank's.

The MPI process floor (peak memory of a rank of a 16-cell run) is measured at every rank count and
subtracted in the ``data`` columns, so that what grows with the mesh is seen apart from what every
process costs.

Writes OUT/setup_memory.csv (one row per run and rank), OUT/setup_memory.md (the tables) and
OUT/setup_memory.png (per-rank data memory and set-up time against ranks). Runs go through
jobs/mpirun.sh (GASKET=... picks the binary).

  python3 jobs/scaling/setup_memory.py --quick            # make scaling-setup, a few minutes
  python3 jobs/scaling/setup_memory.py --strong           # the full sizes and the 2000^2 strong pair
"""

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
MPIRUN = REPO / "jobs" / "mpirun.sh"

# name, case, extra settings, elements per square of the generated mesh, per-rank squares (nx, ny) full.
SERIES = [
    ("weno5-blocks", "riemann2d_a", ['partition.method="blocks"'], 1, (500, 500)),
    ("weno5-metis", "riemann2d_a", [], 1, (500, 500)),
    ("scfv", "isentropic_vortex_tri", [], 2, (100, 100)),
    ("cpr3", "isentropic_vortex_cpr", [], 2, (100, 100)),
]
# How a rank count multiplies the per-rank mesh: (x factor, y factor).
GROW = {1: (1, 1), 2: (2, 1), 4: (2, 2), 8: (4, 2), 16: (4, 4)}


def log(msg):
    print(msg, flush=True)


def run(out, tag, case, ranks, sets):
    """One run of one step; returns its summary (None on failure, with the log's tail printed)."""
    rundir = out / "runs" / tag
    if rundir.exists():
        shutil.rmtree(rundir)
    rundir.parent.mkdir(parents=True, exist_ok=True)
    cmd = [str(MPIRUN), "-n", str(ranks), "-t", "1", "--bind", "none", str(REPO / "jobs/cases" / f"{case}.toml")]
    for s in sets + ["time.max_steps=1", "output.every=0"]:
        cmd.append(f"--set={s}")
    cmd += ["-q", "-o", str(rundir)]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO)
    summary = rundir / "summary.json"
    if p.returncode != 0 or not summary.exists():
        log(f"  {tag}: FAILED (exit {p.returncode})\n{(p.stdout + p.stderr)[-2000:]}")
        return None
    s = json.loads(summary.read_text())
    for f in list(rundir.glob("*.h5")) + list(rundir.glob("*.xdmf")):
        f.unlink()
    return s


def per_rank_peaks(s):
    return [r["peak_memory_bytes"] for r in s["timing"]["per_rank"]]


def floors(out, ranks_list):
    """The process floor per rank count: the largest rank's peak in a 4 x 4 run."""
    res = {}
    for r in ranks_list:
        s = run(out, f"floor-{r}", "riemann2d_a", r, ["mesh.nx=4", "mesh.ny=4", 'partition.method="blocks"'])
        res[r] = max(per_rank_peaks(s)) if s else 0
        log(f"  floor {r} rank(s): {res[r] / 2**20:.1f} MB per rank")
    return res


def weak(out, args, floor, cores):
    rows = []
    div = 2.5 if args.quick else 1.0
    for name, case, sets, per_square, (nx0, ny0) in SERIES:
        if args.series and name not in args.series.split(","):
            continue
        nx1, ny1 = int(round(nx0 / div ** 0.5)), int(round(ny0 / div ** 0.5))
        for r in args.ranks:
            fx, fy = GROW[r]
            nx, ny = nx1 * fx, ny1 * fy
            s = run(out, f"{name}-{r}", case, r, sets + [f"mesh.nx={nx}", f"mesh.ny={ny}"])
            if s is None:
                continue
            elements = nx * ny * per_square
            last = row_of(name, "weak", r, elements, s, floor[r], r > cores)
            rows.append(last)
            log(f"  {name} {r} rank(s), {elements} elements: set-up {s['setup_seconds']:.2f} s, "
                f"largest rank {last['peak_max_mb']:.0f} MB ({last['data_bytes_per_element']:.0f} B/element "
                f"above the floor)")
    return rows


def strong(out, floor, cores):
    rows = []
    for name, sets in [("weno5-blocks-2000", ['partition.method="blocks"']), ("weno5-metis-2000", [])]:
        for r in [1, 4]:
            s = run(out, f"{name}-{r}", "riemann2d_a", r, sets + ["mesh.nx=2000", "mesh.ny=2000"])
            if s is not None:
                rows.append(row_of(name, "strong", r, 4_000_000, s, floor[r], r > cores))
                log(f"  {name} {r} rank(s): sum of peaks {rows[-1]['peak_sum_mb']:.0f} MB")
    return rows


def row_of(series, kind, ranks, elements, s, floor, oversubscribed):
    peaks = per_rank_peaks(s)
    per_rank_elements = elements / ranks
    data = [p - floor for p in peaks]
    return dict(series=series, kind=kind, ranks=ranks, elements=elements, setup_seconds=s["setup_seconds"],
                oversubscribed=int(oversubscribed), peak_max_mb=max(peaks) / 2**20,
                peak_sum_mb=sum(peaks) / 2**20, floor_mb=floor / 2**20,
                data_max_mb=max(data) / 2**20, data_sum_mb=sum(data) / 2**20,
                data_bytes_per_element=max(data) / per_rank_elements)


def write(out, rows):
    with open(out / "setup_memory.csv", "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()))
        w.writeheader()
        w.writerows(rows)
    lines = ["| series | ranks | elements | set-up (s) | largest rank peak (MB) | sum of peaks (MB) | "
             "floor (MB/rank) | largest rank above floor (MB) | vs 1 rank | B/element above floor |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    base = {}
    for r in rows:
        key = r["series"]
        if r["ranks"] == 1:
            base[key] = r
        b = base.get(key)
        if r["kind"] == "weak":
            ratio = r["data_max_mb"] / b["data_max_mb"] if b else float("nan")
        else:
            ratio = r["data_sum_mb"] / b["data_sum_mb"] if b else float("nan")
        mark = " (oversubscribed)" if r["oversubscribed"] else ""
        lines.append(f"| {r['series']} | {r['ranks']} | {r['elements']} | {r['setup_seconds']:.2f}{mark} | "
                     f"{r['peak_max_mb']:.0f} | {r['peak_sum_mb']:.0f} | {r['floor_mb']:.0f} | "
                     f"{r['data_max_mb']:.0f} | {ratio:.3f} | {r['data_bytes_per_element']:.0f} |")
    lines += ["", "`vs 1 rank`: weak series, the largest rank's memory above the floor over one rank's (flat = 1); "
              "strong series, the sum over ranks above the floor over one rank's."]
    (out / "setup_memory.md").write_text("\n".join(lines) + "\n")
    log("\n".join(lines))


def plot(out, rows):
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib not found: no plot (Debian: apt install python3-matplotlib)")
        return
    fig, (a, b) = plt.subplots(1, 2, figsize=(10, 4))
    for name in dict.fromkeys(r["series"] for r in rows if r["kind"] == "weak"):
        rs = [r for r in rows if r["series"] == name]
        x = [r["ranks"] for r in rs]
        line = a.plot(x, [r["data_max_mb"] / rs[0]["data_max_mb"] for r in rs], "o-", label=name)[0]
        b.plot(x, [r["setup_seconds"] for r in rs], "-", color=line.get_color(), label=name)
        for r in rs:
            # Oversubscribed runs (more ranks than cores) hollow: their set-up time includes the sharing.
            face = "none" if r["oversubscribed"] else line.get_color()
            b.plot([r["ranks"]], [r["setup_seconds"]], "o", color=line.get_color(), mfc=face)
    a.axhline(1.0, color="k", lw=0.8)
    a.axhline(1.1, color="k", lw=0.8, ls=":")
    a.set(xlabel="ranks (fixed elements per rank)", ylabel="largest rank's memory above the floor / 1 rank",
          title="memory per rank, weak scaling", xscale="log", xticks=sorted({r["ranks"] for r in rows}))
    b.set(xlabel="ranks (fixed elements per rank)", ylabel="set-up seconds",
          title="set-up, weak scaling (hollow: oversubscribed)",
          xscale="log", xticks=sorted({r["ranks"] for r in rows}))
    for ax in (a, b):
        ax.get_xaxis().set_major_formatter(matplotlib.ticker.ScalarFormatter())
        ax.get_xaxis().set_minor_formatter(matplotlib.ticker.NullFormatter())
    a.legend(fontsize=8)
    b.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(out / "setup_memory.png", dpi=110)
    log(f"plot: {out / 'setup_memory.png'}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true", help="about 2.5x fewer elements per rank")
    p.add_argument("--strong", action="store_true", help="also WENO5 2000 x 2000 on 1 and 4 ranks (about 9 GB)")
    p.add_argument("--ranks", default="1,2,4", help="rank counts of the weak series (from 1,2,4,8,16)")
    p.add_argument("--series", help="comma-separated subset of " + ",".join(s[0] for s in SERIES))
    p.add_argument("--out", default=str(REPO / "output" / "scaling" / "setup_memory"))
    p.add_argument("--replot", action="store_true", help="only redraw the tables and plot from OUT/setup_memory.csv")
    args = p.parse_args()
    args.ranks = [int(r) for r in args.ranks.split(",")]
    if any(r not in GROW for r in args.ranks):
        sys.exit(f"--ranks: each of {sorted(GROW)}")
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    if args.replot:
        with open(out / "setup_memory.csv") as f:
            rows = [{k: (v if k in ("series", "kind") else float(v) if "." in v else int(v)) for k, v in r.items()}
                    for r in csv.DictReader(f)]
        write(out, rows)
        plot(out, rows)
        return
    cores = os.cpu_count() or 1
    floor = floors(out, sorted(set(args.ranks) | ({1, 4} if args.strong else set())))
    rows = weak(out, args, floor, cores)
    if args.strong:
        rows += strong(out, floor, cores)
    if not rows:
        sys.exit("no run succeeded")
    write(out, rows)
    plot(out, rows)


if __name__ == "__main__":
    main()
