#!/usr/bin/env python3
"""Side-by-side speed of two gasket binaries on the same machine, in one run.

Timings on a shared or noisy machine drift by tens of percent from one hour to the next, so a figure from
another day says little. This script runs the same short cases with two binaries, alternating them
(A B A B ...), one rank and one thread each, and reports the median of the cost per cell, stage and core
that each run writes to summary.json (`us_per_cell_per_stage_per_core`), with the ratio B/A.

Typical use: the binary of an earlier commit against the current build,

    git worktree add /tmp/gasket-base <commit> && (cd /tmp/gasket-base && cargo build --release)
    jobs/benchmarks/compare.py /tmp/gasket-base/target/release/gasket target/release/gasket

Cases (override with --cases): WENO5-GKS on the 2D Riemann problem A (100 x 100, characteristic
variables), the second-order triangle scheme and SCFV-GKS on the vortex of isentropic_vortex_tri (40 x 40
squares). Writes a Markdown table to standard output and, with --csv FILE, every run's figures.

With --smooth-diff it also runs both binaries once on a smooth problem (the WENO5 isentropic vortex, 40 x 40,
t = 1) and prints the largest difference of their final densities (needs h5py: set GASKET_PYTHON to an
interpreter that has it if this one does not).
"""

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]

CASES = {
    "weno5": ("riemann2d_a", ["mesh.nx=100", "mesh.ny=100", "time.max_steps=20"]),
    "second_order": (
        "isentropic_vortex_tri",
        ['scheme.kind="second_order"', "mesh.nx=40", "mesh.ny=40", "time.max_steps=40"],
    ),
    "scfv": ("isentropic_vortex_tri", ["mesh.nx=40", "mesh.ny=40", "time.max_steps=20"]),
}


def run(binary, case, sets, out):
    """One run on one rank and one thread; returns the summary's µs per cell per stage per core."""
    args = [str(binary), "run", str(REPO / "jobs" / "cases" / f"{case}.toml"), "-q",
            "--threads", "1", "-o", str(out)]
    for s in sets:
        args += ["--set", s]
    res = subprocess.run(args, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"error: {' '.join(args)} failed:\n{res.stdout}{res.stderr}")
    return json.loads((out / "summary.json").read_text())["us_per_cell_per_stage_per_core"]


def smooth_diff(a, b, tmp):
    """Largest |rho_A - rho_B| after the WENO5 vortex at 40 x 40, t = 1, one rank and one thread each."""
    import h5py  # only this option needs it

    dens = []
    for tag, binary in (("a", a), ("b", b)):
        out = Path(tmp) / f"smooth-{tag}"
        args = [str(binary), "run", str(REPO / "jobs" / "cases" / "isentropic_vortex.toml"), "-q",
                "--threads", "1", "-o", str(out), "--set", "mesh.nx=40", "--set", "mesh.ny=40",
                "--set", "time.end=1.0"]
        res = subprocess.run(args, capture_output=True, text=True)
        if res.returncode != 0:
            sys.exit(f"error: {' '.join(args)} failed:\n{res.stdout}{res.stderr}")
        with h5py.File(out / "final.h5") as f:
            dens.append(f["solution/density"][...])
    return float(abs(dens[0] - dens[1]).max())


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("a", type=Path, help="the reference binary")
    ap.add_argument("b", type=Path, help="the binary to compare with it")
    ap.add_argument("--repeat", type=int, default=3, help="runs of each binary per case (default 3)")
    ap.add_argument("--cases", default=",".join(CASES), help=f"comma-separated, of {', '.join(CASES)}")
    ap.add_argument("--csv", type=Path, help="write every run's figure here")
    ap.add_argument("--smooth-diff", action="store_true",
                    help="also print max |rho_A - rho_B| of the WENO5 vortex 40x40 at t = 1")
    opt = ap.parse_args()
    for b in (opt.a, opt.b):
        if not b.is_file():
            sys.exit(f"error: {b} is not a file (build it first)")
    rows, runs = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for name in opt.cases.split(","):
            if name not in CASES:
                sys.exit(f"error: unknown case {name!r}; known: {', '.join(CASES)}")
            case, sets = CASES[name]
            t = {"a": [], "b": []}
            for k in range(opt.repeat):
                for tag, binary in (("a", opt.a), ("b", opt.b)):
                    out = Path(tmp) / f"{name}-{tag}-{k}"
                    us = run(binary, case, sets, out)
                    t[tag].append(us)
                    runs.append((name, tag, k, us))
                    print(f"  {name} {tag} run {k + 1}: {us:.4f} µs", file=sys.stderr)
            ma, mb = statistics.median(t["a"]), statistics.median(t["b"])
            rows.append((name, ma, mb, mb / ma))
        diff = smooth_diff(opt.a, opt.b, tmp) if opt.smooth_diff else None
    print("| scheme | A: µs/cell/stage | B: µs/cell/stage | B/A |")
    print("|---|---|---|---|")
    for name, ma, mb, r in rows:
        print(f"| {name} | {ma:.4f} | {mb:.4f} | {r:.3f} |")
    print(f"\nA = {opt.a}, B = {opt.b}; median of {opt.repeat} alternating runs, 1 rank x 1 thread.")
    if diff is not None:
        print(f"Largest density difference, WENO5 vortex 40x40 at t = 1: {diff:.3e}")
    if opt.csv:
        opt.csv.write_text("scheme,binary,run,us_per_cell_per_stage_per_core\n"
                           + "".join(f"{n},{t},{k},{u}\n" for n, t, k, u in runs))


if __name__ == "__main__":
    main()
