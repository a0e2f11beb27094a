#!/usr/bin/env python3
"""Draws docs/img/roofline.png from the figures of docs/roofline.md (measured on the 2-core AMD EPYC VM).

Usage: /usr/bin/python3 jobs/roofline/plot_roofline.py [OUT.png]
"""
import sys

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

OUT = sys.argv[1] if len(sys.argv) > 1 else "docs/img/roofline.png"
# Ceilings (GFLOP/s, one core) and bandwidths (GB/s, one thread, triad), best of 3 runs.
CEILINGS = {"AVX-512/AVX2 FMA peak 57.6": 57.6, "scalar FMA 13.8": 13.8,
            "scalar add+mul, no FMA (est.) 7.4": 7.4}
BANDWIDTHS = {"L1 236 GB/s": 236.0, "L2 107 GB/s": 106.5, "DRAM 10 GB/s": 10.0}
# Kernels: (arithmetic intensity flop/byte, achieved GFLOP/s).
KERNELS = {"gks_flux Euler (1533 flop / 288 B, 282 ns)": (1533 / 288, 1533 / 282),
           "gks_flux NS + Prandtl (1997 flop / 288 B, 339 ns)": (1997 / 288, 1997 / 339),
           "WENO5 cell-stage (flux flops only, 8.5 us)": (6 * 1533 / 192, 6 * 1533 / 8500),
           "SCFV subcell-stage (flux flops only, 3.35 us)": (3 * 1533 / 160, 3 * 1533 / 3350)}

ai = np.logspace(-2, 3, 200)
fig, ax = plt.subplots(figsize=(8, 5.5))
peak = max(CEILINGS.values())
for name, bw in BANDWIDTHS.items():
    ax.loglog(ai, np.minimum(bw * ai, peak), label=name)
for name, c in CEILINGS.items():
    ax.axhline(c, ls="--", lw=0.8, color="grey")
    ax.text(0.012, c * 1.08, name, fontsize=8, color="grey")
for (name, (x, y)), m in zip(KERNELS.items(), "os^v"):
    ax.loglog(x, y, m, ms=8, label=name)
ax.set_xlabel("arithmetic intensity (flop/byte)")
ax.set_ylabel("GFLOP/s (one core)")
ax.set_title("Roofline, one core of the AMD EPYC (Zen 4) VM, 3.69 GHz")
ax.set_ylim(0.3, 120)
ax.grid(True, which="both", lw=0.3)
ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(0.0, 0.8))
fig.tight_layout()
fig.savefig(OUT, dpi=110)
print("wrote", OUT)
