#!/usr/bin/env python3
"""Cylinder at Re = 100: Strouhal number, mean drag and lift amplitude from forces.csv.

Usage: jobs/validation/cylinder.py RUN_DIR [--wall cylinder] [--u 0.2] [--d 1.0] [--cycles 5]

Takes the last CYCLES full lift cycles of RUN_DIR/forces.csv (upward zero crossings of C_L, linearly
interpolated), and prints St = D/(U T), the mean C_D over those cycles and the C_L amplitude (half the
peak-to-peak), against the published ranges (St 0.164-0.165, C_D 1.33-1.35, C_L amplitude 0.33-0.34).
Writes RUN_DIR/cylinder.png with the force history.
"""
import argparse
import csv
import sys
from pathlib import Path

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--wall", default="cylinder")
    ap.add_argument("--u", type=float, default=0.2)
    ap.add_argument("--d", type=float, default=1.0)
    ap.add_argument("--cycles", type=int, default=5)
    a = ap.parse_args()
    run = Path(a.run)
    rows = list(csv.DictReader(open(run / "forces.csv")))
    t = np.array([float(r["time"]) for r in rows])
    cd = np.array([float(r[f"{a.wall}_cd"]) for r in rows])
    cl = np.array([float(r[f"{a.wall}_cl"]) for r in rows])
    up = [i for i in range(1, len(cl)) if cl[i - 1] < 0 <= cl[i]]
    tz = [t[i - 1] + (t[i] - t[i - 1]) * (-cl[i - 1]) / (cl[i] - cl[i - 1]) for i in up]
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(9, 4))
    ax.plot(t * a.u / a.d, cd, label="C_D")
    ax.plot(t * a.u / a.d, cl, label="C_L")
    ax.set_xlabel("t U/D")
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(run / "cylinder.png", dpi=100)
    if len(tz) < a.cycles + 1:
        sys.exit(f"cylinder.py: only {max(len(tz) - 1, 0)} full lift cycles in {run / 'forces.csv'}; run longer")
    t0, t1 = tz[-a.cycles - 1], tz[-1]
    period = (t1 - t0) / a.cycles
    m = (t >= t0) & (t <= t1)
    st = a.d / (a.u * period)
    print(f"St = {st:.4f} (published 0.164-0.165)")
    print(f"mean C_D = {cd[m].mean():.4f} (published 1.33-1.35)")
    print(f"C_L amplitude = {0.5 * (cl[m].max() - cl[m].min()):.4f} (published 0.33-0.34)")


if __name__ == "__main__":
    main()
