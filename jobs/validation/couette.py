#!/usr/bin/env python3
"""Compressible Couette flow: error and order of the steady solution under mesh refinement.

Usage: jobs/validation/couette.py [--rows 8 16 32 64] [--schemes weno5 second_order scfv] [--scfv-rows 8 16 32]
                                  [--out output/validation/couette]

Runs jobs/cases/couette.toml (structured WENO5-GKS, or triangles of the given scheme on a strip of squares
at least 3 wide) for each number of rows, reads the density errors against the exact solution from each
run's summary.json, and writes OUT/couette.md (errors and observed orders) and OUT/couette.png. Runs whose
summary.json exists are not repeated.
"""
import argparse
import json
import math
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
BIN = REPO / "target" / "release" / "gasket"


def run(out: Path, scheme: str, n: int) -> dict:
    d = out / "runs" / f"{scheme}-{n}"
    if not (d / "summary.json").exists():
        sets = [f"mesh.ny={n}"]
        if scheme != "weno5":
            nx = max(n // 4, 3)
            sets += ['mesh.kind="triangles"', f'scheme.kind="{scheme}"', "scheme.limiter=false",
                     f"mesh.nx={nx}", f"mesh.x=[0.0,{nx / n}]"]
        cmd = [str(BIN), "run", str(REPO / "jobs/cases/couette.toml"), "-q", "-o", str(d), "--threads", "2"]
        for s in sets:
            cmd += ["--set", s]
        print("[couette]", scheme, n, flush=True)
        subprocess.run(cmd, check=True)
    return json.loads((d / "summary.json").read_text())


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, nargs="+", default=[8, 16, 32, 64])
    ap.add_argument("--scfv-rows", type=int, nargs="+", default=[8, 16, 32])
    ap.add_argument("--schemes", nargs="+", default=["weno5", "second_order", "scfv"])
    ap.add_argument("--out", default="output/validation/couette")
    a = ap.parse_args()
    out = Path(a.out)
    out.mkdir(parents=True, exist_ok=True)
    lines = ["| scheme | rows | L1(ρ) | order | L∞(ρ) | order | steps | wall [s] |", "|---|---|---|---|---|---|---|---|"]
    curves = {}
    for scheme in a.schemes:
        rows = a.scfv_rows if scheme == "scfv" else a.rows
        prev = None
        for n in rows:
            s = run(out, scheme, n)
            e = s["density_errors"]
            o1 = o2 = "—"
            if prev:
                o1 = f"{math.log2(prev[0] / e['l1']):.2f}"
                o2 = f"{math.log2(prev[1] / e['linf']):.2f}"
            lines.append(f"| {scheme} | {n} | {e['l1']:.3e} | {o1} | {e['linf']:.3e} | {o2} | {s['steps']} | "
                         f"{s['wall_seconds']:.1f} |")
            prev = (e["l1"], e["linf"])
            curves.setdefault(scheme, []).append((1.0 / n, e["linf"]))
    (out / "couette.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(6, 4.5))
    for k, v in curves.items():
        h, e = zip(*v)
        ax.loglog(h, e, "o-", label=k)
    h0 = curves[a.schemes[0]][0][0]
    e0 = curves[a.schemes[0]][0][1]
    hs = [h0, h0 / 8]
    ax.loglog(hs, [e0 * (x / h0) ** 2 for x in hs], "k--", label="slope 2")
    ax.set_xlabel("h = 1/rows")
    ax.set_ylabel("L∞ density error")
    ax.set_title("Couette flow with viscous heating, steady state")
    ax.grid(alpha=0.3, which="both")
    ax.legend()
    fig.tight_layout()
    fig.savefig(out / "couette.png", dpi=100)


if __name__ == "__main__":
    main()
