#!/usr/bin/env python3
"""Viscous shock tube (Daru-Tenaud) at t = 1: density picture, primary vortex height and triple point.

Usage: jobs/validation/viscous_shock_tube.py RUN_DIR

Reads RUN_DIR/final.h5 of jobs/cases/viscous_shock_tube.toml (structured mesh), writes
RUN_DIR/viscous_shock_tube.png (density contours on x in [0.4, 1], as in the paper's figures) and prints the
height of the primary vortex, measured as the top of the recirculation region under the lambda shock: the
highest cell centre with u < 0 in the region attached to the bottom wall for 0.3 < x < 0.95 (paper's
Table 5 at dx = 1/500: 0.163-0.171), and the triple point of the lambda shock (grid-converged at
(0.58, 0.137), Zhou et al. 2018): along each row, the shocks are the local maxima of |grad p| above a quarter
of its largest value, within [-0.1, +0.05] of the reflected shock's position above the lambda; below the
triple point there are two (the two legs), above it one. The legs merge into one peak a few cells below the
triple point, so the point is taken where straight lines fitted to the last 4 rows of each leg meet.
"""
import sys
from pathlib import Path

import h5py
import numpy as np


def triple_point(xs, ys, P, legs=4):
    """Meeting point of the lambda shock's two legs (see the module doc); (nan, nan) if not found."""
    h = xs[1] - xs[0]
    g = np.hypot(*np.gradient(P, h))
    # The reflected shock above the lambda: the strongest |grad p| in 0.45 < x < 0.8 for 0.18 < y < 0.25.
    top = (ys > 0.18) & (ys < 0.25)
    band = (xs > 0.45) & (xs < 0.8)
    xs_top = xs[band][np.argmax(g[np.ix_(top, band)], axis=1)]
    xsh = float(np.median(xs_top))
    win = (xs > xsh - 0.1) & (xs < xsh + 0.05)
    xw = xs[win]
    thr = 0.25 * g[:, win][ys < 0.25].max()
    pairs = []  # (y, x of the left leg, x of the right leg) of the rows under the triple point
    for j in np.where(ys < 0.25)[0]:
        r = g[j, win]
        pk = [i for i in range(1, len(r) - 1) if r[i] > r[i - 1] and r[i] >= r[i + 1] and r[i] > thr]
        if len(pk) == 2:
            pairs.append((ys[j], xw[pk[0]], xw[pk[1]]))
        elif len(pk) == 1 and pairs:
            break
    if len(pairs) < 2:
        return float("nan"), float("nan")
    y, xl, xr = (np.array(c) for c in zip(*pairs[-legs:]))
    al, bl = np.polyfit(y, xl, 1)
    ar, br = np.polyfit(y, xr, 1)
    yt = (br - bl) / (al - ar)
    return al * yt + bl, yt


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    run = Path(sys.argv[1])
    f = h5py.File(run / "final.h5", "r")
    c = f["mesh/vertices"][()][f["mesh/cells"][()]].mean(axis=1)
    rho = f["solution/density"][()]
    u = f["solution/velocity"][()][:, 0]
    xs = np.unique(np.round(c[:, 0], 12))
    ys = np.unique(np.round(c[:, 1], 12))
    nx, ny = len(xs), len(ys)
    order = np.lexsort((c[:, 0], c[:, 1]))
    R = rho[order].reshape(ny, nx)
    U = u[order].reshape(ny, nx)
    # Recirculation attached to the wall: flood fill of u < 0 from the bottom row within 0.3 < x < 0.95.
    band = (xs > 0.3) & (xs < 0.95)
    seen = np.zeros_like(U, bool)
    stack = [(0, i) for i in np.where(band & (U[0] < 0))[0]]
    while stack:
        j, i = stack.pop()
        if seen[j, i] or not band[i] or U[j, i] >= 0:
            continue
        seen[j, i] = True
        for dj, di in ((1, 0), (-1, 0), (0, 1), (0, -1)):
            jj, ii = j + dj, i + di
            if 0 <= jj < ny and 0 <= ii < nx and not seen[jj, ii]:
                stack.append((jj, ii))
    rows = np.where(seen.any(axis=1))[0]
    height = ys[rows.max()] if len(rows) else float("nan")
    print(f"primary vortex height (top of the wall-attached recirculation) = {height:.4f} "
          f"(paper Table 5, dx = 1/500: 0.163-0.171), mesh {nx} x {ny}")
    tx, ty = triple_point(xs, ys, f["solution/pressure"][()][order].reshape(ny, nx))
    print(f"triple point = ({tx:.3f}, {ty:.3f}) (grid-converged (0.58, 0.137), Zhou et al. 2018)")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(10, 4.2))
    m = xs >= 0.4
    ax.contour(xs[m], ys, R[:, m], levels=20, colors="k", linewidths=0.6)
    ax.set_aspect("equal")
    ax.set_xlim(0.4, 1.0)
    ax.set_ylim(0.0, 0.3)
    ax.set_title(f"viscous shock tube, Re = 200, t = 1, density ({nx} x {ny}); primary vortex height {height:.3f}")
    fig.tight_layout()
    fig.savefig(run / "viscous_shock_tube.png", dpi=110)


if __name__ == "__main__":
    main()
