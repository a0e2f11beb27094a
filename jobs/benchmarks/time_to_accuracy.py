#!/usr/bin/env python3
"""Time to a given accuracy: gasket's schemes against PyFR on the isentropic vortex, one period.

What it measures. Shu's isentropic vortex (mean (1, 1, 1, 1) on [-5, 5]², periodic, strength 5) is run to
t = 10, when it is back where it started, with each scheme of gasket on a sequence of meshes, on `--ranks`
× `--threads` cores (default 1 × 2). For every run it reads OUTDIR/summary.json: the L2 error of the
cell-averaged density against the exact averages (`density_errors.l2` = sqrt(Σ eᵢ² |Ωᵢ|) over the 10 × 10
domain; the averages are those of gasket's solver cells: WENO5 squares, second-order triangles, the four
subcells of an SCFV triangle, the elements of CPR), the wall time of the time loop (`wall_seconds`, without
set-up), the steps and stages. It then answers: how long does each scheme take to reach the errors
that PyFR 3.1 reaches (p = 3, RK4, OpenMP backend, the same vortex on the same regular triangles, 2 cores)
on 20², 40² and 80² squares? For each of PyFR's three errors the wall time of a scheme is interpolated
linearly in log(wall) against log(error) between the two of its runs that bracket that error (beyond its
finest or coarsest run it is extrapolated from the two nearest runs and marked "*"), and divided by
PyFR's wall time. The goal is a ratio of 0.5 or less.

The norm: the issue that set this race defines the error as sqrt(Σ |Ωᵢ| eᵢ² / Σ |Ωᵢ|), the root-mean-square
error weighted by area, and PyFR's figures are of that kind. gasket's density_errors.l2 is the integral norm
sqrt(Σ eᵢ² |Ωᵢ|) over an area of 100, ten times larger; --norm rms (the default) divides it by sqrt(100) = 10,
--norm integral keeps it as it is.

Schemes (--schemes, comma-separated) and their meshes (N × N squares; the triangle meshes split every square
lower-left to upper-right, no jitter: the regular mesh PyFR ran on):

  weno5           WENO5-GKS, structured squares  jobs/cases/isentropic_vortex.toml      N = 40, 80, 160
  scfv            SCFV-GKS on triangles          jobs/cases/isentropic_vortex_tri.toml  N = 10, 20, 40, 80
  second_order    second-order GKS, tau_c1 = 0   jobs/cases/isentropic_vortex_tri.toml  N = 20, 40, 80
  cpr2 cpr3 cpr4  CPR-GKS of degree p = 2, 3, 4  jobs/cases/isentropic_vortex_cpr.toml  N = 10, 20, 40, 80

--quick keeps the two or three coarsest meshes of each (weno5 40, 80; scfv 10, 20, 40; second_order 20, 40;
cpr 10, 20: a smoke test); --sizes scheme=N,N,... replaces a scheme's list.

Degrees of freedom are the solver's unknown states per variable: N² squares for WENO5, 2N² triangles for the
second-order scheme, 4 per triangle for SCFV (its subcells), (p+1)(p+2)/2 per triangle for CPR; PyFR at
p = 3 has 10 per triangle, 20 N². The cost per degree of freedom is wall × cores / (DoF × steps × stages),
in µs, where "per core" means the wall time multiplied by the cores used (ranks × threads); S2O4 has two
stages per step, RK4 four. PyFR's cost on this machine class was about 0.013 µs per DoF, stage and core.

Memory: each run's measured peak resident memory (summary.json `memory`, all ranks) per element, in the
tables; on the small meshes the process's fixed libraries (about 40 MB) dominate it.

Output (--out, default output/time_to_accuracy/): the Markdown tables on standard output and in tables.md,
results.json with every number (every run of every repeat, the selected ones, the PyFR reference, the
times to PyFR's errors), and time_to_accuracy.png (L2 error, decreasing to the right, against wall time,
log–log, one line per scheme and PyFR in black). Each run's directory is OUT/runs/<scheme>-N<n>-r<k>/.

How long: each doubling of N costs about 8 times the previous mesh, so the finest meshes dominate. Measured
on two cores (time loop): WENO5 40² 0.9 s, 80² 6.3 s (160² about 50 s); SCFV 20² 1.2 s, 40² 10 s (80² about
80 s); second order 40² 0.9 s (80² about 7 s). weno5,scfv,second_order with --quick take about 30 s, in full
about 3 minutes; the CPR rows add what their finest meshes cost (80²: about 1, 2 and 4 minutes for p = 2, 3, 4); --repeat K multiplies it
all by K. Run it on an otherwise idle machine: the timings are the point.

    make time-to-accuracy                              # = python3 jobs/benchmarks/time_to_accuracy.py
    jobs/benchmarks/time_to_accuracy.py --quick --schemes weno5,scfv,second_order
    jobs/benchmarks/time_to_accuracy.py --schemes cpr3,cpr4 --sizes cpr4=10,20,40 --repeat 3
    jobs/benchmarks/time_to_accuracy.py --ranks 2 --threads 1   # 2 MPI ranks (mpirun -np 2 --bind-to none)

With --ranks R > 1 the runs are started as `mpirun -np R --bind-to none gasket run ...` with Open MPI's
run-as-root and oversubscription switches set (OMPI_ALLOW_RUN_AS_ROOT, OMPI_MCA_rmaps_base_oversubscribe).
"""

import argparse
import datetime
import json
import math
import os
import platform
import shlex
import shutil
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CASES = REPO / "jobs" / "cases"

# PyFR 3.1, p = 3, RK4, OpenMP backend, 2 cores, same vortex on the same regular triangles (N x N squares,
# 2 N^2 triangles, 10 solution points each), cell-average L2 of density.
PYFR = [
    {"n": 20, "l2": 2.67e-5, "wall": 0.76},
    {"n": 40, "l2": 6.46e-7, "wall": 5.46},
    {"n": 80, "l2": 1.24e-8, "wall": 43.4},
]
PYFR_CORES = 2
PYFR_STAGES = 4
PYFR_DOF_PER_TRIANGLE = 10
PYFR_US_PER_DOF_STAGE_CORE = 0.013
TARGET_RATIO = 0.5

REGULAR_TRI = ['mesh.diagonal="right"', "mesh.jitter=0.0"]
# Every case of this study is on [-5, 5]^2: --norm rms divides gasket's integral L2 by sqrt(area).
DOMAIN_AREA = 100.0


def cpr(p):
    return {
        "label": f"CPR-GKS p = {p}",
        "case": "isentropic_vortex_cpr.toml",
        # Unlimited, as PyFR ran (no shock capturing): the vortex is smooth and no element is troubled (the
        # same bits with the limiter on, 5-6 % slower for the watching).
        "sets": REGULAR_TRI + [f"scheme.degree={p}", "scheme.limiter=false"],
        "sizes": [10, 20, 40, 80],
        "quick": [10, 20],
        "elements": lambda n: 2 * n * n,
        "dof_per_element": (p + 1) * (p + 2) // 2,
    }


SCHEMES = {
    "weno5": {
        "label": "WENO5-GKS (squares)",
        "case": "isentropic_vortex.toml",
        "sets": [],
        "sizes": [40, 80, 160],
        "quick": [40, 80],
        "elements": lambda n: n * n,
        "dof_per_element": 1,
    },
    "scfv": {
        "label": "SCFV-GKS (triangles)",
        "case": "isentropic_vortex_tri.toml",
        "sets": REGULAR_TRI,
        "sizes": [10, 20, 40, 80],
        "quick": [10, 20, 40],
        "elements": lambda n: 2 * n * n,
        "dof_per_element": 4,
    },
    "second_order": {
        "label": "second order (triangles)",
        "case": "isentropic_vortex_tri.toml",
        "sets": REGULAR_TRI + ['scheme.kind="second_order"', "flux.tau_c1=0.0"],
        "sizes": [20, 40, 80],
        "quick": [20, 40],
        "elements": lambda n: 2 * n * n,
        "dof_per_element": 1,
    },
    "cpr2": cpr(2),
    "cpr3": cpr(3),
    "cpr4": cpr(4),
}
MARKERS = {"weno5": "s", "scfv": "o", "second_order": "v", "cpr2": "^", "cpr3": "D", "cpr4": "P"}


def log(msg):
    print(f"[time_to_accuracy] {msg}", file=sys.stderr, flush=True)


def command(opt, case, sets, out):
    """The command line of one run, and its environment."""
    cmd = [str(opt.binary), "run", str(CASES / case), "-q", "--threads", str(opt.threads), "-o", str(out)]
    for s in sets:
        cmd += ["--set", s]
    env = dict(os.environ)
    if opt.ranks > 1:
        cmd = ["mpirun", "-np", str(opt.ranks), "--bind-to", "none"] + cmd
        env.update({
            "OMPI_ALLOW_RUN_AS_ROOT": "1",
            "OMPI_ALLOW_RUN_AS_ROOT_CONFIRM": "1",
            "OMPI_MCA_rmaps_base_oversubscribe": "1",
        })
    return cmd, env


def run_once(opt, name, n, k):
    """One run of scheme `name` on N x N squares; returns its figures (and the whole summary.json)."""
    sc = SCHEMES[name]
    out = opt.out / "runs" / f"{name}-N{n}-r{k}"
    if out.exists():
        shutil.rmtree(out)
    sets = sc["sets"] + [f"mesh.nx={n}", f"mesh.ny={n}"]
    cmd, env = command(opt, sc["case"], sets, out)
    t0 = time.perf_counter()
    res = subprocess.run(cmd, capture_output=True, text=True, env=env)
    process = time.perf_counter() - t0
    (out.parent / f"{out.name}.log").write_text(
        shlex.join(cmd) + "\n\n--- stdout ---\n" + res.stdout + "\n--- stderr ---\n" + res.stderr)
    summary_file = out / "summary.json"
    if res.returncode != 0 or not summary_file.is_file():
        why = f"exit status {res.returncode}" if res.returncode != 0 else f"no {summary_file}"
        sys.exit(f"error: run {name} N = {n} failed ({why}):\n  {shlex.join(cmd)}\n"
                 f"--- stderr ---\n{res.stderr.strip()}\n--- stdout (last lines) ---\n"
                 + "\n".join(res.stdout.strip().splitlines()[-20:]))
    s = json.loads(summary_file.read_text())
    e = s.get("density_errors")
    if not e:
        sys.exit(f"error: {summary_file} has no density_errors (no exact solution for this case?)")
    if s.get("ranks") != opt.ranks or s.get("threads") != opt.threads:
        log(f"warning: {name} N = {n} ran on {s.get('ranks')} ranks x {s.get('threads')} threads, "
            f"not {opt.ranks} x {opt.threads}")
    elements = sc["elements"](n)
    dofs = elements * sc["dof_per_element"]
    if s["cells"] not in (dofs, elements):
        log(f"warning: {name} N = {n}: summary.json has {s['cells']} cells, expected {dofs} DoF "
            f"({elements} elements)")
    cores = s.get("ranks", opt.ranks) * s.get("threads", opt.threads)
    steps = s["steps"]
    stages = s["stages_per_step"]
    wall = s["wall_seconds"]
    return {
        "scheme": name,
        "n": n,
        "repeat": k,
        "elements": elements,
        "dofs": dofs,
        "cells": s["cells"],
        "l1": e["l1"],
        "l2": e["l2"] / math.sqrt(DOMAIN_AREA) if opt.norm == "rms" else e["l2"],
        "l2_integral": e["l2"],
        "l2_rms": e["l2"] / math.sqrt(DOMAIN_AREA),
        "linf": e["linf"],
        "l1_mean": e.get("l1_mean"),
        "wall": wall,
        "output_seconds": s.get("output_seconds"),
        "process_seconds": process,
        "steps": steps,
        "stages": stages,
        "retried_steps": s.get("retried_steps"),
        "final_time": s.get("final_time"),
        "ranks": s.get("ranks"),
        "threads": s.get("threads"),
        "cores": cores,
        "us_per_dof_stage_core": wall * cores * 1e6 / (dofs * steps * stages),
        # Measured peak resident memory of all ranks per element (set-up and the process's fixed ~40 MB
        # of libraries included, which dominate the small meshes); None from builds without it.
        "kb_per_element": (s["memory"]["peak_bytes_total"] / elements / 1000.0) if "memory" in s else None,
        "gasket_us_per_cell_per_stage_per_core": s.get("us_per_cell_per_stage_per_core"),
        "cell_updates_per_second": s.get("cell_updates_per_second"),
        "load_imbalance": s.get("load_imbalance"),
        "scheme_name": s.get("scheme"),
        "version": s.get("version"),
        "command": cmd,
        "summary": s,
    }


def add_orders(rows):
    for prev, row in zip(rows, rows[1:]):
        row["order_l2"] = math.log(prev["l2"] / row["l2"]) / math.log(row["n"] / prev["n"])


def time_to_error(rows, target):
    """Wall time at which a scheme reaches L2 = target: log-log interpolation between the two runs (in mesh
    order) that bracket it, else extrapolation from the two nearest runs. Returns (seconds, how)."""
    pts = [(r["l2"], r["wall"]) for r in rows]
    if not pts:
        return None, "not reached"
    trend_at_coarse = len(pts) >= 2 and pts[1][0] < pts[0][0] and pts[1][1] > pts[0][1]
    if target >= max(e for e, _ in pts) and not trend_at_coarse:
        # Every run is at least as accurate and there is no trend to extrapolate: the cheapest run bounds it.
        return min(w for _, w in pts), "at most"
    if len(pts) < 2:
        return None, "not reached"
    for (e0, w0), (e1, w1) in zip(pts, pts[1:]):
        if min(e0, e1) <= target <= max(e0, e1) and e0 != e1:
            s = math.log(target / e0) / math.log(e1 / e0)
            return math.exp(math.log(w0) + s * math.log(w1 / w0)), "interpolated"
    if target < min(e for e, _ in pts):
        # Finer than every run: extrapolate from the two finest meshes, if the error still falls there.
        (e0, w0), (e1, w1) = pts[-2], pts[-1]
        if not (e1 < e0 and w1 > w0):
            return None, "not reached"
        how = "extrapolated"
    else:
        # Coarser than every run: the coarsest mesh is already more accurate; extrapolate downwards.
        (e0, w0), (e1, w1) = pts[0], pts[1]
        how = "extrapolated"
    s = math.log(target / e0) / math.log(e1 / e0)
    return math.exp(math.log(w0) + s * math.log(w1 / w0)), how


def pyfr_rows():
    rows = []
    for p in PYFR:
        n = p["n"]
        rows.append({"n": n, "elements": 2 * n * n, "dofs": PYFR_DOF_PER_TRIANGLE * 2 * n * n, "l2": p["l2"],
                     "wall": p["wall"], "cores": PYFR_CORES, "stages": PYFR_STAGES,
                     "us_per_dof_stage_core": PYFR_US_PER_DOF_STAGE_CORE})
    add_orders(rows)
    return rows


def fmt_order(r):
    return f"{r['order_l2']:.2f}" if "order_l2" in r else "–"


def tables(opt, results, ttas):
    lines = []
    for name, rows in results.items():
        sc = SCHEMES[name]
        lines += [f"### {sc['label']} ({name}), {opt.ranks} rank(s) × {opt.threads} thread(s)", "",
                  "| mesh | elements | DoF | L2 | order | wall [s] | steps | µs/DoF/stage/core | peak KB/element |",
                  "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            kb = r.get("kb_per_element")
            lines.append(f"| {r['n']}² | {r['elements']} | {r['dofs']} | {r['l2']:.3e} | {fmt_order(r)} | "
                         f"{r['wall']:.2f} | {r['steps']} | {r['us_per_dof_stage_core']:.4f} | "
                         f"{'–' if kb is None else f'{kb:.1f}'} |")
        cells = []
        for p, t in zip(PYFR, ttas[name]):
            cells.append(f"{p['l2']:.2e}: {fmt_tta(t)}")
        lines += ["", "Time to PyFR's error: " + "; ".join(cells) + ".", ""]
    lines += ["### PyFR 3.1 reference (p = 3, RK4, OpenMP, 2 cores)", "",
              "| mesh | elements | DoF | L2 | order | wall [s] | µs/DoF/stage/core |",
              "|---|---|---|---|---|---|---|"]
    for r in pyfr_rows():
        lines.append(f"| {r['n']}² | {r['elements']} | {r['dofs']} | {r['l2']:.2e} | {fmt_order(r)} | "
                     f"{r['wall']:.2f} | ≈{r['us_per_dof_stage_core']} |")
    lines += ["", f"### Time to PyFR's error (wall [s], ratio to PyFR; goal ≤ {TARGET_RATIO})", "",
              "| scheme | " + " | ".join(f"PyFR {p['n']}²: L2 {p['l2']:.2e} in {p['wall']} s"
                                     for p in PYFR) + " |",
              "|---|" + "---|" * len(PYFR)]
    for name in results:
        lines.append(f"| {SCHEMES[name]['label']} | " + " | ".join(fmt_tta(t) for t in ttas[name]) + " |")
    lines += ["", "interpolated in log(wall)–log(L2) between the two runs that bracket PyFR's error; "
              "* = extrapolated beyond the runs; ≤ = the coarsest run is already more accurate. "
              f"wall = gasket's time loop (summary.json wall_seconds), {opt.ranks * opt.threads} cores; "
              "\"per core\" = wall × cores. "
              + ("L2 = density_errors.l2 = sqrt(Σ e² |cell|) over the 10 × 10 domain."
                 if opt.norm == "integral" else
                 "L2 = density_errors.l2 / sqrt(100) (rms over the domain).")]
    return "\n".join(lines)


def fmt_tta(t):
    if t["seconds"] is None:
        return "not reached"
    mark = {"interpolated": "", "extrapolated": "*", "at most": "≤ "}[t["how"]]
    s = f"{t['seconds']:.3g} s"
    ok = "" if t["ratio"] > TARGET_RATIO else " ✓"
    if t["how"] == "at most":
        return f"≤ {s} (≤ {t['ratio']:.3g}×)"
    return f"{s}{mark} ({t['ratio']:.3g}×){ok}"


def plot(opt, results):
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        log("matplotlib missing: no plot (use /usr/bin/python3 or `make deps`)")
        return None
    fig, ax = plt.subplots(figsize=(7.5, 5.5))
    for name, rows in results.items():
        ax.loglog([r["l2"] for r in rows], [r["wall"] for r in rows], "-" + MARKERS.get(name, "o"),
                  label=SCHEMES[name]["label"], ms=6)
        for r in rows:
            ax.annotate(f"{r['n']}²", (r["l2"], r["wall"]), fontsize=7, xytext=(4, -9),
                        textcoords="offset points")
    pe, pw = [p["l2"] for p in PYFR], [p["wall"] for p in PYFR]
    ax.loglog(pe, pw, "k-o", lw=2, ms=7, label="PyFR 3.1, p = 3, RK4 (2 cores)")
    ax.loglog(pe, [TARGET_RATIO * w for w in pw], "k:", lw=1, label=f"{TARGET_RATIO} × PyFR (goal)")
    for p in PYFR:
        ax.annotate(f"{p['n']}²", (p["l2"], p["wall"]), fontsize=7, xytext=(-16, 5),
                    textcoords="offset points")
    ax.invert_xaxis()
    ax.set_xlabel(f"L2 ({opt.norm}) error of cell-averaged density at t = 10  (more accurate →)")
    ax.set_ylabel(f"wall time of the time loop [s], {opt.ranks} rank(s) × {opt.threads} thread(s)")
    ax.set_title("Isentropic vortex, one period: time to accuracy")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")
    fig.tight_layout()
    path = opt.out / "time_to_accuracy.png"
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return path


def git_commit():
    try:
        return subprocess.run(["git", "-C", str(REPO), "rev-parse", "HEAD"], capture_output=True,
                              text=True).stdout.strip() or None
    except OSError:
        return None


def parse_sizes(items):
    sizes = {}
    for item in items:
        name, _, ns = item.partition("=")
        if name not in SCHEMES or not ns:
            sys.exit(f"error: --sizes {item!r}: expected SCHEME=N,N,... with SCHEME one of {', '.join(SCHEMES)}")
        try:
            sizes[name] = [int(x) for x in ns.split(",") if x]
        except ValueError:
            sys.exit(f"error: --sizes {item!r}: the sizes must be integers")
    return sizes


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", type=Path, default=REPO / "target" / "release" / "gasket",
                    help="the gasket binary (default target/release/gasket)")
    ap.add_argument("--threads", type=int, default=2, help="rayon threads per rank (default 2)")
    ap.add_argument("--ranks", type=int, default=1, help="MPI ranks (default 1; > 1 runs through mpirun)")
    ap.add_argument("--schemes", default="weno5,scfv,second_order,cpr2,cpr3,cpr4",
                    help=f"comma-separated, of {', '.join(SCHEMES)} (default all)")
    ap.add_argument("--quick", action="store_true", help="the two or three coarsest meshes of each scheme only")
    ap.add_argument("--sizes", action="append", default=[], metavar="SCHEME=N,N,...",
                    help="mesh sizes N of one scheme (repeatable), e.g. --sizes cpr4=5,10,20")
    ap.add_argument("--repeat", type=int, default=1, help="runs of each point; the fastest is kept (default 1)")
    ap.add_argument("--norm", choices=["integral", "rms"], default="rms",
                    help="gasket's L2 compared with PyFR's: rms (default) = density_errors.l2 / sqrt(domain "
                         "area 100) = sqrt(sum |cell| e^2 / sum |cell|), the definition PyFR's figures use; "
                         "integral = density_errors.l2 = sqrt(sum e^2 |cell|)")
    ap.add_argument("--out", type=Path, default=REPO / "output" / "time_to_accuracy",
                    help="output directory (default output/time_to_accuracy/)")
    opt = ap.parse_args()

    if not opt.binary.is_file() or not os.access(opt.binary, os.X_OK):
        sys.exit(f"error: gasket binary {opt.binary} not found or not executable "
                 "(build it with `make build` or `cargo build --release`, or pass --binary)")
    opt.binary = opt.binary.resolve()
    if opt.threads < 1 or opt.ranks < 1 or opt.repeat < 1:
        sys.exit("error: --threads, --ranks and --repeat must be at least 1")
    if opt.ranks > 1 and shutil.which("mpirun") is None:
        sys.exit("error: --ranks > 1 needs mpirun on PATH (Debian: openmpi-bin)")
    names = [s.strip() for s in opt.schemes.split(",") if s.strip()]
    for name in names:
        if name not in SCHEMES:
            sys.exit(f"error: unknown scheme {name!r}; known: {', '.join(SCHEMES)}")
        case = CASES / SCHEMES[name]["case"]
        if not case.is_file():
            sys.exit(f"error: scheme {name} needs {case}, which does not exist")
    sizes = parse_sizes(opt.sizes)
    opt.out = opt.out.resolve()
    (opt.out / "runs").mkdir(parents=True, exist_ok=True)

    results, all_runs = {}, []
    for name in names:
        sc = SCHEMES[name]
        ns = sizes.get(name, sc["quick"] if opt.quick else sc["sizes"])
        rows = []
        for n in ns:
            runs = []
            for k in range(opt.repeat):
                log(f"{name} N = {n}" + (f" run {k + 1}/{opt.repeat}" if opt.repeat > 1 else "") + " ...")
                r = run_once(opt, name, n, k)
                log(f"  L2 = {r['l2']:.3e}, wall = {r['wall']:.2f} s, {r['steps']} steps")
                runs.append(r)
            all_runs += runs
            best = dict(min(runs, key=lambda r: r["wall"]))
            best["walls_of_repeats"] = [r["wall"] for r in runs]
            rows.append(best)
        add_orders(rows)
        results[name] = rows

    ttas = {}
    for name, rows in results.items():
        ttas[name] = []
        for p in PYFR:
            sec, how = time_to_error(rows, p["l2"])
            ttas[name].append({"pyfr_n": p["n"], "pyfr_l2": p["l2"], "pyfr_wall": p["wall"], "seconds": sec,
                               "how": how, "ratio": None if sec is None else sec / p["wall"]})

    text = tables(opt, results, ttas)
    print(text)
    (opt.out / "tables.md").write_text(text + "\n")
    png = plot(opt, results)

    def strip(r):
        return {k: v for k, v in r.items() if k != "summary"}

    doc = {
        "what": "isentropic vortex to t = 10: L2 of cell-averaged density against wall time, gasket vs PyFR",
        "date": datetime.datetime.now().isoformat(timespec="seconds"),
        "host": platform.node(),
        "cpus": os.cpu_count(),
        "git_commit": git_commit(),
        "binary": str(opt.binary),
        "ranks": opt.ranks,
        "threads": opt.threads,
        "cores": opt.ranks * opt.threads,
        "repeat": opt.repeat,
        "quick": opt.quick,
        "target_ratio": TARGET_RATIO,
        "norm": opt.norm,
        "pyfr": {"version": "3.1", "p": 3, "integrator": "RK4", "backend": "OpenMP", "cores": PYFR_CORES,
                 "dof_per_triangle": PYFR_DOF_PER_TRIANGLE,
                 "us_per_dof_stage_core": PYFR_US_PER_DOF_STAGE_CORE, "runs": pyfr_rows()},
        "schemes": {name: {"label": SCHEMES[name]["label"], "case": SCHEMES[name]["case"],
                           "sets": SCHEMES[name]["sets"], "runs": [strip(r) for r in rows],
                           "time_to_pyfr_error": ttas[name]}
                    for name, rows in results.items()},
        "all_runs": [strip(r) for r in all_runs],
        "summaries": {f"{r['scheme']}-N{r['n']}-r{r['repeat']}": r["summary"] for r in all_runs},
    }
    (opt.out / "results.json").write_text(json.dumps(doc, indent=1) + "\n")
    log(f"wrote {opt.out / 'tables.md'}, {opt.out / 'results.json'}" + (f", {png}" if png else ""))


if __name__ == "__main__":
    main()
