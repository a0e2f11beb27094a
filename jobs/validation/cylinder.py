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

    enough = len(tz) >= a.cycles + 1
    if enough:
        t0, t1 = tz[-a.cycles - 1], tz[-1]
        period = (t1 - t0) / a.cycles
        m = (t >= t0) & (t <= t1)
        st = a.d / (a.u * period)
        cd_mean = cd[m].mean()
        cl_amp = 0.5 * (cl[m].max() - cl[m].min())
    s = t * a.u / a.d
    fig, ax = plt.subplots(1, 2, figsize=(13, 4), gridspec_kw={"width_ratios": [2, 1]})
    for k, (lo, hi) in enumerate([(s[0], s[-1]), (s[m][0] if enough else s[0], s[-1])]):
        w = (s >= lo) & (s <= hi)
        ax[k].plot(s[w], cd[w], label="C_D")
        ax[k].plot(s[w], cl[w], label="C_L")
        ax[k].axhspan(1.33, 1.35, color="C0", alpha=0.2, lw=0, label="published mean C_D")
        for sign in (1, -1):
            ax[k].axhspan(sign * 0.33, sign * 0.34, color="C1", alpha=0.3, lw=0,
                          label="published C_L amplitude" if sign == 1 else None)
        ax[k].set_xlabel("t U/D")
        ax[k].set_ylim(-0.6, 1.8)
        ax[k].grid(alpha=0.3)
    ax[0].set_title("force history (the start transient is off the scale)")
    if enough:
        ax[1].set_title(f"last {a.cycles} cycles: St {st:.4f}\nmean C_D {cd_mean:.3f}, C_L amplitude {cl_amp:.3f}", fontsize=10)
    ax[0].legend(loc="lower right", fontsize=8)
    fig.tight_layout()
    fig.savefig(run / "cylinder.png", dpi=100)
    if not enough:
        sys.exit(f"cylinder.py: only {max(len(tz) - 1, 0)} full lift cycles in {run / 'forces.csv'}; run longer")
    print(f"last {a.cycles} lift cycles: t U/D = {t0 * a.u / a.d:.1f} ... {t1 * a.u / a.d:.1f}")
    print(f"St = {st:.4f} (published 0.164-0.165)")
    print(f"mean C_D = {cd_mean:.4f} (published 1.33-1.35)")
    print(f"C_L amplitude = {cl_amp:.4f} (published 0.33-0.34)")


if __name__ == "__main__":
    main()
