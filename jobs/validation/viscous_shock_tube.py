#!/usr/bin/env python3
"""Viscous shock tube (Daru-Tenaud) at t = 1: density picture and the height of the primary vortex.

Usage: jobs/validation/viscous_shock_tube.py RUN_DIR

Reads RUN_DIR/final.h5 of jobs/cases/viscous_shock_tube.toml (structured mesh), writes
RUN_DIR/viscous_shock_tube.png (density contours on x in [0.4, 1], as in the paper's figures) and prints the
height of the primary vortex, measured as the top of the recirculation region under the lambda shock: the
highest cell centre with u < 0 in the region attached to the bottom wall for 0.3 < x < 0.95 (paper's
Table 5 at dx = 1/500: 0.163-0.171; the converged triple point is at (0.58, 0.137), Zhou et al. 2018).
"""
import sys
from pathlib import Path

import h5py
import numpy as np


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
