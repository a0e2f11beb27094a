#!/usr/bin/env python3
"""Stable CFL of CPR-GKS with S2O4, per degree, from the eigenvalues of the linearised step.

For each degree p, `examples/cpr_eigen.rs` writes the Jacobians J of L(W) and K of ∂ₜL(W) about a uniform flow
on a small periodic mesh of regular triangles. One S2O4 step of the linearised scheme multiplies the state by

    G(Δt) = I + Δt J + Δt²/2 K + Δt³/6 K J + Δt⁴/24 K²

(W* = W + Δt/2 J W + Δt²/8 K W, Wⁿ⁺¹ = W + Δt J W + Δt²/6 (K W + 2 K W*)); with K = J² this is RK4's
polynomial. The script bisects the largest Δt with spectral radius ρ(G) ≤ 1 + tol·Δt (--tol, default 1e-3 per
unit time: no mode grows by more than e in 1000 time units) and reports it as the CFL
number of the time-step rule (CFL = Δt × the rate the code uses; the code divides the rate by the limits it
measured, `STABLE_CFL` in src/scheme/cpr/mod.rs, so a result near 1 confirms them and the raw limit is the
result times that table's entry), with the largest real part of the
eigenvalues of J (≤ 0 for a stable semi-discretisation) and how far K is from J² (the time derivative of the
flux is that of the differential equation, not of the discrete operator; docs/method.md §11.4). K depends on
Δt through the flux fit (K = K₀ + K₁/Δt, the part from τₙ ∝ Δt); the example writes it at two steps and the
script interpolates; the defect column is of K₀.

    jobs/benchmarks/cpr_stability.py                     # p = 1..4, 4x4 squares, diagonal "right"
    jobs/benchmarks/cpr_stability.py --degrees 3 --n 6 --diagonal alternate --jitter 0.2

Needs numpy; the script builds the example (cargo build --release --example cpr_eigen) first.
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def example_binary():
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    # Always through cargo: a stale example would report the time-step scaling of an older build.
    subprocess.run(["cargo", "build", "--release", "--example", "cpr_eigen"], cwd=REPO, check=True)
    return target / "release" / "examples" / "cpr_eigen"


def jacobians(exe, p, n, diagonal, tau_c1, jitter, out):
    subprocess.run([str(exe), str(p), str(n), diagonal, str(out), str(tau_c1), str(jitter)], check=True)
    raw = out.read_bytes()
    m = int(np.frombuffer(raw[:8], dtype="<u8")[0])
    rate = float(np.frombuffer(raw[8:16], dtype="<f8")[0])
    mats = np.frombuffer(raw[16:], dtype="<f8").reshape(3, m, m)
    # ∂ₜL = K0 + K1/Δt: the flux fit's part from τₙ ∝ Δt scales as 1/Δt.
    k1 = (mats[1] - mats[2]) / (1 / 1e-3 - 1 / 2e-3)
    k0 = mats[1] - k1 / 1e-3
    return rate, mats[0], (k0, k1)


def radius(j, k, dt):
    if isinstance(k, tuple):
        k = k[0] + k[1] / dt
    i = np.eye(j.shape[0])
    g = i + dt * j + dt**2 / 2 * k + dt**3 / 6 * (k @ j) + dt**4 / 24 * (k @ k)
    return np.max(np.abs(np.linalg.eigvals(g)))


def stable(j, k, dt, tol):
    """ρ(G) ≤ 1 + tol·Δt: no mode grows faster than e^(tol·t) (tol = 1e-3: an e-folding time of 1000 time
    units, far beyond any run; the finite-difference Jacobians carry noise of about 1e-9 relative, which
    shows as spurious growth of order 1e-9 per step at small Δt)."""
    return radius(j, k, dt) <= 1 + tol * dt


def stable_dt(j, k, hi, tol):
    lo = 0.0
    while stable(j, k, hi, tol):
        lo, hi = hi, 2 * hi
    for _ in range(14):
        mid = 0.5 * (lo + hi)
        if stable(j, k, mid, tol):
            lo = mid
        else:
            hi = mid
    return lo


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--degrees", default="1,2,3,4")
    ap.add_argument("--n", type=int, default=4, help="squares per side of the periodic unit square")
    ap.add_argument("--diagonal", default="right", choices=["right", "left", "alternate"])
    ap.add_argument("--tau-c1", type=float, default=1.0, help="flux.tau_c1 (CPR's default: 1)")
    ap.add_argument("--jitter", type=float, default=0.0, help="move interior vertices by up to this fraction")
    ap.add_argument("--work", default="/tmp", help="where the Jacobians are written")
    ap.add_argument("--tol", type=float, default=1e-3, help="allowed growth rate per unit time")
    opt = ap.parse_args()
    exe = example_binary()
    print(f"| p | unknowns | max Re λ(J) · h-scale | ‖K − J²‖/‖J²‖ | stable CFL (S2O4) | same with K = J² |")
    print("|---|---|---|---|---|---|")
    for p in [int(x) for x in opt.degrees.split(",")]:
        rate, j, k = jacobians(exe, p, opt.n, opt.diagonal, opt.tau_c1, opt.jitter, Path(opt.work) / f"cpr_eigen_{p}.bin")
        lam = np.linalg.eigvals(j)
        j2 = j @ j
        defect = np.linalg.norm(k[0] - j2) / np.linalg.norm(j2)
        dt = stable_dt(j, k, 0.5 / rate, opt.tol)
        dt_rk4 = stable_dt(j, j2, 0.5 / rate, opt.tol)
        print(f"| {p} | {j.shape[0]} | {lam.real.max() / rate:.2e} | {defect:.2e} | {dt * rate:.3f} | "
              f"{dt_rk4 * rate:.3f} |", flush=True)


if __name__ == "__main__":
    sys.exit(main())
