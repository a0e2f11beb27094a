#!/usr/bin/env python3
"""Re-measure the WENO5-GKS accuracy figures of docs/validation.md §2.1-2.2 with the current build.

Runs the density advection of Table 1 of arXiv:1602.05803 (`sine_1d`, N = 20 ... 320, S2O4, CFL 0.4,
integral L1 of density) and the isentropic vortex (`isentropic_vortex`, 40², 80², 160², t = 10, mean L1 and
L-infinity of cell-averaged density, wall time on --threads threads), and prints both tables in Markdown.
About 2 minutes on two cores.

    jobs/validation/table1_vortex.py [--binary target/release/gasket] [--threads 2] [--skip-160]
"""

import argparse
import json
import math
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
TABLE1 = [(20, 4.4759e-4), (40, 1.3764e-5), (80, 4.2791e-7), (160, 1.3354e-8), (320, 4.1722e-10)]
TABLE3 = {40: (1.69e-4, 8.08e-3), 80: (8.92e-6, 4.10e-4), 160: (2.31e-7, 5.29e-6)}


def run(binary, case, sets, threads, out):
    """One run; returns its summary.json."""
    args = [str(binary), "run", str(REPO / "jobs" / "cases" / f"{case}.toml"), "-q",
            "--threads", str(threads), "-o", str(out)]
    for s in sets:
        args += ["--set", s]
    res = subprocess.run(args, capture_output=True, text=True)
    if res.returncode != 0:
        sys.exit(f"error: {' '.join(args)} failed:\n{res.stdout}{res.stderr}")
    return json.loads((out / "summary.json").read_text())


def order(a, b):
    return math.log(a / b) / math.log(2.0)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--binary", type=Path, default=REPO / "target" / "release" / "gasket")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--skip-160", action="store_true", help="vortex on 40² and 80² only")
    opt = ap.parse_args()
    if not opt.binary.is_file():
        sys.exit(f"error: {opt.binary} is not a file (make build first)")
    with tempfile.TemporaryDirectory() as tmp:
        print("| N | Table 1 | gasket L1 | ratio | order |\n|---|---|---|---|---|")
        prev = None
        for n, ref in TABLE1:
            s = run(opt.binary, "sine_1d", [f"mesh.nx={n}"], opt.threads, Path(tmp) / f"sine{n}")
            l1 = s["density_errors"]["l1"]
            o = f"{order(prev, l1):.2f}" if prev else "–"
            print(f"| {n} | {ref:.4e} | {l1:.4e} | {l1 / ref:.3f} | {o} |")
            prev = l1
        print("\n| mesh | mean L1 | order | L∞ | order | Table 3 L1 | Table 3 L∞ | wall "
              f"({opt.threads} threads) |\n|---|---|---|---|---|---|---|---|")
        prev = None
        for n in [40, 80] + ([] if opt.skip_160 else [160]):
            s = run(opt.binary, "isentropic_vortex", [f"mesh.nx={n}", f"mesh.ny={n}"], opt.threads,
                    Path(tmp) / f"vortex{n}")
            e = s["density_errors"]
            l1, li = e["l1_mean"], e["linf"]
            o1 = f"{order(prev[0], l1):.2f}" if prev else "–"
            oi = f"{order(prev[1], li):.2f}" if prev else "–"
            print(f"| {n}² | {l1:.4e} | {o1} | {li:.4e} | {oi} | {TABLE3[n][0]:.2e} | {TABLE3[n][1]:.2e} "
                  f"| {s['wall_seconds']:.1f} s |")
            prev = (l1, li)


if __name__ == "__main__":
    main()
