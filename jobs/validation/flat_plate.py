#!/usr/bin/env python3
"""Laminar flat plate against Blasius: velocity profiles and skin friction of a finished run.

Usage: jobs/validation/flat_plate.py RUN_DIR [--re-x 975 2475 5975] [--re 1e5] [--cf-range 500 10000]
                                    [--blasius FILE] [--out DIR]

Reads RUN_DIR/final.h5, RUN_DIR/wall_bottom.csv and the resolved case (RUN_DIR/summary.json is not needed:
the free stream and the Reynolds number per unit length come from the command line defaults of
jobs/cases/flat_plate.toml, or --u --re). At each Re_x station x = Re_x/Re it samples u/U and v/U·√Re_x
along the line x = const (linear interpolation between the two nearest cell columns) against
η = y·√(U/(ν x)), and prints the RMS deviation from the Blasius profile for η ≤ 8; then it compares the
skin friction c_f = τ_w/(½ρU²) along the plate with 0.664/√Re_x (RMS and largest relative deviation over
the --cf-range of Re_x), and the speed at the top of each station's column (the outer flow: Blasius assumes
it is U). Writes DIR/flat_plate.md and DIR/flat_plate.png.

The Blasius table is read from jobs/validation/reference/blasius.csv (or --blasius).
"""
import argparse
import csv
import sys
from pathlib import Path

import h5py
import numpy as np

REPO = Path(__file__).resolve().parents[2]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("run")
    ap.add_argument("--re-x", type=float, nargs="+", default=[975, 2475, 5975])
    ap.add_argument("--re", type=float, default=1.0e5, help="Reynolds number per unit length U/nu")
    ap.add_argument("--cf-range", type=float, nargs=2, default=[500, 10000], help="Re_x range for c_f")
    ap.add_argument("--u", type=float, default=0.15, help="free-stream speed")
    ap.add_argument("--blasius", default=str(REPO / "jobs" / "validation" / "reference" / "blasius.csv"))
    ap.add_argument("--out")
    a = ap.parse_args()
    run = Path(a.run)
    out = Path(a.out) if a.out else run
    bl_path = Path(a.blasius)
    if not bl_path.exists():
        sys.exit(f"flat_plate.py: {bl_path} not found (give --blasius FILE)")
    rows = [l for l in bl_path.read_text().splitlines() if l and not l.startswith("#")]
    head = rows[0].split(",")
    bl = np.array([[float(x) for x in r.split(",")] for r in rows[1:]])
    eta_b, u_b, v_b = bl[:, head.index("eta")], bl[:, head.index("u_over_U")], bl[:, head.index("v_scaled")]

    f = h5py.File(run / "final.h5", "r")
    c = f["mesh/vertices"][()][f["mesh/cells"][()]].mean(axis=1)
    vel = f["solution/velocity"][()]
    xs = np.unique(np.round(c[:, 0], 12))
    lines = ["| Re_x | x | u/U RMS (η ≤ 8) | v√Re_x/U RMS (η ≤ 8) | cells in δ99 | outer u/U |",
             "|---|---|---|---|---|---|"]

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 3, figsize=(14, 4.5))
    nu = a.u / a.re  # U/nu = re
    for rex in a.re_x:
        x = rex / a.re
        k = np.searchsorted(xs, x)
        x0, x1 = xs[max(k - 1, 0)], xs[min(k, len(xs) - 1)]
        wgt = 0.0 if x1 == x0 else (x - x0) / (x1 - x0)

        def column(xc):
            m = np.isclose(c[:, 0], xc)
            o = np.argsort(c[m, 1])
            return c[m, 1][o], vel[m][o]

        y, v0 = column(x0)
        _, v1 = column(x1)
        uv = (1 - wgt) * v0 + wgt * v1
        eta = y * np.sqrt(a.u / (nu * x))
        u = uv[:, 0] / a.u
        v = uv[:, 1] / a.u * np.sqrt(rex)
        m = eta <= 8.0
        du = u[m] - np.interp(eta[m], eta_b, u_b)
        dv = v[m] - np.interp(eta[m], eta_b, v_b)
        n99 = int(np.sum(eta < 4.91))
        lines.append(f"| {rex:.0f} | {x:.4g} | {np.sqrt(np.mean(du**2)):.4f} | {np.sqrt(np.mean(dv**2)):.4f} | {n99} "
                     f"| {u[-1]:.4f} |")
        ax[0].plot(u, eta, ".-", label=f"Re_x = {rex:.0f}")
        ax[1].plot(v, eta, ".-", label=f"Re_x = {rex:.0f}")
    ax[0].plot(u_b, eta_b, "k-", lw=2, alpha=0.5, label="Blasius")
    ax[1].plot(v_b, eta_b, "k-", lw=2, alpha=0.5, label="Blasius")
    for i, lab in enumerate(["u/U", "v/U·√Re_x"]):
        ax[i].set_xlabel(lab)
        ax[i].set_ylabel("η = y √(U/(ν x))")
        ax[i].set_ylim(0, 8)
        ax[i].grid(alpha=0.3)
        ax[i].legend()

    wall = list(csv.DictReader(open(run / "wall_bottom.csv")))
    wx = np.array([float(r["x"]) for r in wall])
    cf = np.array([float(r["cf"]) for r in wall])
    m = wx > 0
    rex = wx[m] * a.re
    ax[2].loglog(rex, cf[m], ".", label="gasket")
    ax[2].loglog(rex, 0.664 / np.sqrt(rex), "k-", label="0.664/√Re_x")
    ax[2].set_xlabel("Re_x")
    ax[2].set_ylabel("c_f")
    ax[2].grid(alpha=0.3, which="both")
    ax[2].legend()
    lo, hi = a.cf_range
    sel = (wx * a.re >= lo) & (wx * a.re <= hi)
    dev = cf[sel] / (0.664 / np.sqrt(wx[sel] * a.re)) - 1.0
    lines.append("")
    lines.append(
        f"c_f against 0.664/√Re_x for Re_x {lo:.0f}–{hi:.0f} ({sel.sum()} faces): "
        f"RMS relative deviation {np.sqrt(np.mean(dev**2)):.4f}, largest {np.abs(dev).max():.4f}"
    )
    fig.tight_layout()
    out.mkdir(parents=True, exist_ok=True)
    fig.savefig(out / "flat_plate.png", dpi=100)
    (out / "flat_plate.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
