#!/usr/bin/env python3
"""Side-by-side speed of two gasket binaries on the CPR-GKS isentropic vortex.

Runs jobs/cases/isentropic_vortex_cpr.toml on an n x n grid to t = --end for every degree, alternating the
binaries (before, after, before, ...) one run at a time, --repeat times each, and prints the medians of
µs per solution point per stage per core (the loop's `wall_seconds` × cores / (points × steps × stages)) and the density L2 error of
each binary, with the speed-up and the number of significant digits the two errors share.

    python3 jobs/benchmarks/cpr_speed.py --before /tmp/gasket-before --after target/release/gasket \\
        --degrees 2 3 4 --n 40 --repeat 3 [--threads 1]
"""

import argparse
import json
import math
import os
import statistics
import subprocess
import tempfile

CASE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "cases", "isentropic_vortex_cpr.toml")


def run(binary, degree, n, end, threads, workdir, tag):
    out = tempfile.mkdtemp(prefix=f"{tag}-p{degree}-", dir=workdir)
    os.rmdir(out)  # the solver refuses existing directories
    cmd = [binary, "run", CASE, "--set", f"mesh.nx={n}", "--set", f"mesh.ny={n}", "--set", f"time.end={end}",
           "--set", f"scheme.degree={degree}", "--threads", str(threads), "-q", "-o", out]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)
    with open(os.path.join(out, "summary.json")) as f:
        s = json.load(f)
    # From the loop's wall time (the same definition in every build; older builds subtracted the final
    # write from the loop time in us_per_cell_per_stage_per_core).
    cores = s["ranks"] * s["threads"]
    us = s["wall_seconds"] * 1e6 * cores / (s["cells"] * s["steps_this_run"] * s["stages_per_step"])
    return us, s["density_errors"]["l2"]


def digits(a, b):
    """Significant digits on which a and b agree."""
    if a == b:
        return 17
    return max(0.0, -math.log10(abs(a - b) / max(abs(a), abs(b))))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--before", required=True, help="binary before the change")
    ap.add_argument("--after", required=True, help="binary after the change")
    ap.add_argument("--degrees", type=int, nargs="+", default=[2, 3, 4])
    ap.add_argument("--n", type=int, default=40, help="grid squares per side (2 n^2 triangles)")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--end", type=float, default=1.0, help="final time")
    ap.add_argument("--workdir", default=None, help="where run directories go (default: a new temporary one)")
    a = ap.parse_args()
    work = a.workdir or tempfile.mkdtemp(prefix="cpr_speed-")
    rows = []
    for p in a.degrees:
        t = {"before": [], "after": []}
        l2 = {}
        for _ in range(a.repeat):
            for tag, b in (("before", a.before), ("after", a.after)):
                us, e = run(b, p, a.n, a.end, a.threads, work, tag)
                t[tag].append(us)
                l2[tag] = e
        mb, ma = statistics.median(t["before"]), statistics.median(t["after"])
        rows.append((p, mb, ma, mb / ma, l2["before"], l2["after"], digits(l2["before"], l2["after"]),
                     t["before"], t["after"]))
    print(f"n = {a.n}, threads = {a.threads}, t = {a.end}, medians of {a.repeat} alternating runs "
          "(us per DoF per stage per core)")
    print(f"{'p':>2} {'before':>8} {'after':>8} {'speed-up':>8}  {'L2 before':>22} {'L2 after':>22} {'digits':>6}")
    for p, mb, ma, s, eb, ea, d, _, _ in rows:
        print(f"{p:>2} {mb:8.4f} {ma:8.4f} {s:8.2f}  {eb:22.15e} {ea:22.15e} {d:6.1f}")
    for p, *_, tb, ta in rows:
        print(f"p = {p} runs: before {', '.join(f'{x:.4f}' for x in tb)}; after {', '.join(f'{x:.4f}' for x in ta)}")


if __name__ == "__main__":
    main()
