#!/usr/bin/env python3
"""Sod's shock tube on a 2D mesh against the exact solution: density along x of finished runs.

Usage: jobs/validation/sod_line.py RUN_DIR[:LABEL] [RUN_DIR[:LABEL] ...] --png OUT.png [--x0 0.5]

Reads RUN_DIR/final.h5 (left state (1, 0, 1), right (0.125, 0, 0.1), γ from the file, diaphragm at x0) and
draws the density of every element mean against its centroid's x, with the nodes of the high-order field
(`/highorder`) as small dots where the file has one, over the exact solution. Prints L1 of the element
means against the exact density at the centroids.
"""
import argparse
from pathlib import Path

import h5py
import numpy as np


def exact_sod(x, t, g, x0, left=(1.0, 0.0, 1.0), right=(0.125, 0.0, 0.1)):
    """Exact density of the Riemann problem (Newton iteration for the star pressure, Toro ch. 4)."""
    (rl, ul, pl), (rr, ur, pr) = left, right
    cl, cr = np.sqrt(g * pl / rl), np.sqrt(g * pr / rr)

    def f(p, r, pk, c):
        if p > pk:
            a, b = 2 / ((g + 1) * r), (g - 1) / (g + 1) * pk
            q = np.sqrt(a / (p + b))
            return (p - pk) * q, q * (1 - 0.5 * (p - pk) / (p + b))
        e = (g - 1) / (2 * g)
        return 2 * c / (g - 1) * ((p / pk) ** e - 1), (p / pk) ** (-(g + 1) / (2 * g)) / (r * c)

    p = 0.5 * (pl + pr)
    for _ in range(50):
        fl, dl = f(p, rl, pl, cl)
        fr, dr = f(p, rr, pr, cr)
        p = max(p - (fl + fr + ur - ul) / (dl + dr), 1e-12)
    u = 0.5 * (ul + ur) + 0.5 * (f(p, rr, pr, cr)[0] - f(p, rl, pl, cl)[0])
    s = (np.asarray(x) - x0) / t
    out = np.empty_like(s)
    # Left wave (rarefaction for Sod), contact, right wave (shock for Sod).
    rsl = rl * (p / pl) ** (1 / g)
    csl = cl * (p / pl) ** ((g - 1) / (2 * g))
    head, tail = ul - cl, u - csl
    fan = (2 / (g + 1) + (g - 1) / ((g + 1) * cl) * (ul - s)) ** (2 / (g - 1)) * rl
    rsr = rr * ((p / pr + (g - 1) / (g + 1)) / ((g - 1) / (g + 1) * p / pr + 1))
    shock = ur + cr * np.sqrt((g + 1) / (2 * g) * p / pr + (g - 1) / (2 * g))
    out = np.where(s < head, rl, np.where(s < tail, fan, np.where(s < u, rsl, np.where(s < shock, rsr, rr))))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="+")
    ap.add_argument("--png", required=True)
    ap.add_argument("--x0", type=float, default=0.5)
    a = ap.parse_args()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(8, 4.5))
    t = g = None
    for k, spec in enumerate(a.runs):
        path, _, label = spec.partition(":")
        with h5py.File(Path(path) / "final.h5", "r") as f:
            t, g = f.attrs["time"], f.attrs["gamma"]
            v, cells = f["mesh/vertices"][:], f["mesh/cells"][:]
            rho = f["solution/density"][:]
            area = 0.5 * np.abs(np.cross(v[cells[:, 1]] - v[cells[:, 0]], v[cells[:, 2]] - v[cells[:, 0]]))
            xc = v[cells].mean(axis=1)[:, 0]
            l1 = np.sum(area * np.abs(rho - exact_sod(xc, t, g, a.x0))) / area.sum()
            label = label or Path(path).name
            print(f"{label}: L1(density of element means at centroids) = {l1:.3e}")
            colour = f"C{k}"
            if "highorder" in f:
                ax.plot(f["highorder/points"][:, 0], f["highorder/density"][:], ".", ms=1.5, color=colour, alpha=0.4)
            ax.plot(xc, rho, "o", ms=2.5, mfc="none", color=colour, label=f"{label} (element means)")
    xs = np.linspace(0, 1, 2001)
    ax.plot(xs, exact_sod(xs, t, g, a.x0), "k-", lw=1, label="exact")
    ax.set_xlabel("x")
    ax.set_ylabel("density")
    ax.set_title(f"Sod on triangles, t = {t:g}")
    ax.legend()
    ax.grid(alpha=0.3)
    fig.tight_layout()
    fig.savefig(a.png, dpi=110)
    print(f"wrote {a.png}")


if __name__ == "__main__":
    main()
