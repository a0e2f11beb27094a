#!/usr/bin/env python3
"""Lid-driven cavity against Ghia, Ghia & Shin (1982): centreline velocities of a finished run.

Usage: jobs/validation/cavity.py RUN_DIR [RUN_DIR ...] [--re 100] [--lid 0.15] [--ghia DIR] [--png OUT.png]
       jobs/validation/cavity.py --run [--re 100 400 1000] [--n 65] [--triangles | --cpr P] [--ranks 2] [--end T]
                                 [--out output/validation/cavity]

The first form reads RUN_DIR/final.h5 (any mesh kind: the cell averages are interpolated linearly on the
triangulation of the cell centroids), samples u/U on x = 0.5 and v/U on y = 0.5 at Ghia's points and prints
the RMS and largest deviation (the printed Re = 400 v value at x = 0.9063 is left out, see the reference
file). The second form runs jobs/cases/cavity.toml for each Reynolds number on N x N cells (structured
WENO5-GKS; with --triangles, N x N squares split into 2 N^2 triangles, second-order scheme unlimited; with
--cpr P the same triangles with CPR-GKS of degree P, unlimited, sampled through its high-order field) with
jobs/mpirun.sh, then compares; it writes OUT/cavity-TAG.md (table) and OUT/cavity-reRE-TAG.png, TAG being
nN, triN or cprP-N. A run directory
that already holds summary.json is compared without running again.

The reference data are read from jobs/validation/reference (Ghia, Ghia & Shin 1982, Tables I and II; or --ghia DIR).
"""
import argparse
import subprocess
import sys
from pathlib import Path

import h5py
import numpy as np

REPO = Path(__file__).resolve().parents[2]


def load_ghia(d: Path, re: int):
    cols = {}
    for name, axis in [("ghia1982_u_vertical_centreline.csv", "u"), ("ghia1982_v_horizontal_centreline.csv", "v")]:
        rows = [l for l in (d / name).read_text().splitlines() if l and not l.startswith("#")]
        head = rows[0].split(",")
        data = np.array([[float(x) for x in r.split(",")] for r in rows[1:]])
        k = head.index(f"re{re}")
        pos, val = data[:, 0], data[:, k]
        keep = np.ones(len(pos), bool)
        if axis == "v" and re == 400:
            keep &= ~np.isclose(pos, 0.9063)
        cols[axis] = (pos[keep], val[keep])
    return cols


def sample(run: Path):
    import matplotlib.tri as mtri

    f = h5py.File(run / "final.h5", "r")
    if "highorder" in f:
        # The polynomial of each triangle at its lattice nodes; the two copies of a node shared by
        # neighbouring triangles are averaged, giving a continuous piecewise-linear field on the sub-triangles.
        pts, tris = f["highorder/points"][()], f["highorder/triangles"][()]
        key = np.round(pts * 1e9).astype(np.int64)
        uniq, inv = np.unique(key, axis=0, return_inverse=True)
        inv = inv.ravel()
        count = np.bincount(inv)
        c = np.stack([np.bincount(inv, pts[:, k]) / count for k in range(2)], axis=1)
        vel = np.stack([np.bincount(inv, f["highorder/velocity"][:, k]) / count for k in range(2)], axis=1)
        tri = mtri.Triangulation(c[:, 0], c[:, 1], inv[tris])
        iu = mtri.LinearTriInterpolator(tri, vel[:, 0])
        iv = mtri.LinearTriInterpolator(tri, vel[:, 1])
        return iu, iv, c
    cells = f["mesh/cells"][()]
    verts = f["mesh/vertices"][()]
    c = verts[cells].mean(axis=1)
    vel = f["solution/velocity"][()]
    tri = mtri.Triangulation(c[:, 0], c[:, 1])
    iu = mtri.LinearTriInterpolator(tri, vel[:, 0])
    iv = mtri.LinearTriInterpolator(tri, vel[:, 1])
    return iu, iv, c


def compare(run: Path, re: int, lid: float, ghia: Path, png=None):
    ref = load_ghia(ghia, re)
    iu, iv, c = sample(run)
    lo, hi = c.min(axis=0), c.max(axis=0)
    yu, uu = ref["u"]
    xv, vv = ref["v"]
    # Points outside the hull of the samples (next to the walls) are not interpolated; walls are exact anyway.
    mu = (yu > lo[1]) & (yu < hi[1])
    mv = (xv > lo[0]) & (xv < hi[0])
    u = np.asarray(iu(np.full(mu.sum(), 0.5), yu[mu])) / lid
    v = np.asarray(iv(xv[mv], np.full(mv.sum(), 0.5))) / lid
    du = u - uu[mu]
    dv = v - vv[mv]
    res = {
        "re": re,
        "rms_u": float(np.sqrt(np.mean(du**2))),
        "max_u": float(np.abs(du).max()),
        "rms_v": float(np.sqrt(np.mean(dv**2))),
        "max_v": float(np.abs(dv).max()),
        "points": int(mu.sum() + mv.sum()),
    }
    if png:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots(1, 2, figsize=(10, 4.5))
        ys = np.linspace(lo[1], hi[1], 200)
        ax[0].plot(np.asarray(iu(np.full_like(ys, 0.5), ys)) / lid, ys, label="gasket")
        ax[0].plot(uu, yu, "o", mfc="none", label="Ghia et al. 1982")
        ax[0].set_xlabel("u/U on x = 0.5")
        ax[0].set_ylabel("y")
        xs = np.linspace(lo[0], hi[0], 200)
        ax[1].plot(xs, np.asarray(iv(xs, np.full_like(xs, 0.5))) / lid, label="gasket")
        ax[1].plot(xv, vv, "o", mfc="none", label="Ghia et al. 1982")
        ax[1].set_xlabel("x")
        ax[1].set_ylabel("v/U on y = 0.5")
        for a in ax:
            a.grid(alpha=0.3)
            a.legend()
        fig.suptitle(f"lid-driven cavity, Re = {re}: RMS deviation u {res['rms_u']:.3f}, v {res['rms_v']:.3f}")
        fig.tight_layout()
        fig.savefig(png, dpi=100)
    return res


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("runs", nargs="*")
    ap.add_argument("--re", type=int, nargs="+", default=[100])
    ap.add_argument("--lid", type=float, default=0.15)
    ap.add_argument("--ghia", default=str(REPO / "jobs" / "validation" / "reference"))
    ap.add_argument("--png")
    ap.add_argument("--json", action="store_true", help="print the deviations of the first run as JSON")
    ap.add_argument("--run", action="store_true")
    ap.add_argument("--n", type=int, default=65)
    ap.add_argument("--triangles", action="store_true", help="second-order triangle scheme on 2 N^2 triangles")
    ap.add_argument("--cpr", type=int, metavar="P", help="CPR-GKS of degree P, unlimited, on 2 N^2 triangles")
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--end", type=float, help="time.end (default: the case's)")
    ap.add_argument("--out", default="output/validation/cavity")
    a = ap.parse_args()
    ghia = Path(a.ghia)
    if not (ghia / "ghia1982_u_vertical_centreline.csv").exists():
        sys.exit(f"cavity.py: Ghia's data not found in {ghia} (give --ghia DIR)")
    if not a.run:
        if a.json:
            import json

            print(json.dumps(compare(Path(a.runs[0]), a.re[0], a.lid, ghia, a.png)))
            return
        for r in a.runs:
            res = compare(Path(r), a.re[0], a.lid, ghia, a.png)
            print(f"{r}: Re {res['re']}: u RMS {res['rms_u']:.4f} max {res['max_u']:.4f}; "
                  f"v RMS {res['rms_v']:.4f} max {res['max_v']:.4f} ({res['points']} points)")
        return
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    lines = ["| Re | mesh | u: RMS | u: max | v: RMS | v: max |", "|---|---|---|---|---|---|"]
    for re in a.re:
        tag = f"cpr{a.cpr}-{a.n}" if a.cpr else f"tri{a.n}" if a.triangles else f"n{a.n}"
        run = out / f"re{re}-{tag}"
        if not (run / "summary.json").exists():
            cmd = [str(REPO / "jobs" / "mpirun.sh"), "-n", str(a.ranks), "-t", "1",
                   str(REPO / "jobs" / "cases" / "cavity.toml"), "-q", "-o", str(run),
                   "--set", f"viscosity.reynolds={re}", "--set", f"mesh.nx={a.n}", "--set", f"mesh.ny={a.n}"]
            if a.cpr:
                cmd += ["--set", 'mesh.kind="triangles"', "--set",
                        f'scheme={{kind="cpr", degree={a.cpr}, limiter=false}}']
            elif a.triangles:
                cmd += ["--set", 'mesh.kind="triangles"', "--set", 'scheme.kind="second_order"',
                        "--set", "scheme.limiter=false"]
            if a.end:
                cmd += ["--set", f"time.end={a.end}"]
            print("[cavity]", " ".join(cmd), flush=True)
            subprocess.run(cmd, check=True)
        res = compare(run, re, a.lid, ghia, out / f"cavity-re{re}-{tag}.png")
        mesh = f"{a.n}² squares, {2 * a.n * a.n} triangles" if a.triangles or a.cpr else f"{a.n}²"
        if a.cpr:
            mesh += f", CPR p = {a.cpr}"
        lines.append(f"| {re} | {mesh} | {res['rms_u']:.4f} | {res['max_u']:.4f} | {res['rms_v']:.4f} | {res['max_v']:.4f} |")
    (out / f"cavity-{tag}.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
