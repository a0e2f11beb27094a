#!/usr/bin/env python3
"""Fraction of troubled elements over time (CPR-GKS subcell limiting) from troubled.csv of finished runs.

Usage: jobs/validation/troubled.py RUN_DIR[:LABEL] [RUN_DIR[:LABEL] ...] [--png OUT.png]

Prints, for each run, the number of steps, the mean and the largest fraction of troubled elements, and draws
the fraction (in per cent) against t / t_end, one line per run, to OUT.png.
"""
import argparse
import csv
import sys
from pathlib import Path

import numpy as np


def load(run: Path):
    rows = list(csv.DictReader(open(run / "troubled.csv")))
    if not rows:
        sys.exit(f"{run}/troubled.csv has no rows")
    t = np.array([float(r["time"]) for r in rows])
    f = np.array([float(r["fraction"]) for r in rows])
    n = int(rows[-1]["elements"])
    return t, f, n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--png")
    a = ap.parse_args()
    curves = []
    print("| run | elements | steps | mean troubled | max troubled |")
    print("|---|---|---|---|---|")
    for spec in a.runs:
        path, _, label = spec.partition(":")
        run = Path(path)
        t, f, n = load(run)
        label = label or run.name
        print(f"| {label} | {n} | {len(t)} | {100 * f.mean():.2f} % | {100 * f.max():.2f} % |")
        curves.append((label, t, f))
    if a.png:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(figsize=(7, 4))
        for label, t, f in curves:
            ax.plot(t / t[-1], 100 * f, label=label, lw=1.2)
        ax.set_xlabel("t / t_end")
        ax.set_ylabel("troubled elements (%)")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
        ax.legend()
        ax.set_title("CPR-GKS: elements updated by subcells")
        fig.tight_layout()
        fig.savefig(a.png, dpi=110)
        print(f"wrote {a.png}")


if __name__ == "__main__":
    main()
