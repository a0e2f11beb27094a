#!/usr/bin/env python3
"""Counts the machine instructions that one call of gks_flux executes, by kind, with callgrind.

Runs `examples/roofline --flux-calls N --flux KIND` under `valgrind --tool=callgrind --dump-instr=yes` for
N = 1000 and 2000, takes the difference of the per-instruction counts (so start-up cancels) and divides by
1000, then classifies every executed instruction with objdump: flops (a scalar add/sub/mul is 1 flop, an FMA
2, packed forms times their lanes), divisions, square roots, loads/stores of memory operands, and the
instructions spent inside exp and erfc.

Usage: jobs/roofline/count_flux_ops.py [BINARY]   (default: $CARGO_TARGET_DIR or target, release/examples/roofline)
"""
import collections
import os
import re
import subprocess
import sys

BIN = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.environ.get("CARGO_TARGET_DIR", "target"), "release/examples/roofline")


def callgrind(kind, n):
    """Per (object, address) instruction counts and per function totals of one run."""
    out = f"/tmp/cg.{kind}.{n}"
    subprocess.run(["valgrind", "--tool=callgrind", "--dump-instr=yes", "--dump-line=no",
                    "--compress-pos=no", "--compress-strings=no", f"--callgrind-out-file={out}",
                    BIN, "--flux-calls", str(n), "--flux", kind],
                   check=True, capture_output=True)
    cost, per_fn, calls = collections.Counter(), collections.Counter(), collections.Counter()
    ob = fn = cfn = None
    skip = False
    for line in open(out):
        if line.startswith("ob="):
            ob = line[3:].strip()
        elif line.startswith("fn="):
            fn = line[3:].strip()
        elif line.startswith("cfn="):
            cfn = line[4:].strip()
        elif line.startswith("calls="):
            calls[cfn] += int(line[6:].split()[0])
            skip = True  # the next cost line is the inclusive cost of a call
        elif line.startswith("0x"):
            if skip:
                skip = False
                continue
            a, c = line.split()[:2]
            cost[(ob, fn, int(a, 16))] += int(c)
            per_fn[fn] += int(c)
    return cost, per_fn, calls


def disassemble(obj):
    """Address -> (mnemonic, operands) of an object file."""
    d = subprocess.run(["objdump", "-d", "--no-show-raw-insn", "-M", "intel", obj],
                       check=True, capture_output=True, text=True).stdout
    ins = {}
    for line in d.splitlines():
        m = re.match(r"\s*([0-9a-f]+):\s+(\S+)\s*(.*)", line)
        if m:
            ins[int(m.group(1), 16)] = (m.group(2), m.group(3))
    return ins


def lanes(mn, ops):
    if mn.endswith("sd") or mn.endswith("ss"):
        return 1
    return 8 if "zmm" in ops else 4 if "ymm" in ops else 2


def classify(mn, ops):
    """(kind, flops) of one instruction."""
    base = mn[1:] if mn.startswith("v") else mn
    if re.match(r"f?n?m(add|sub)\d*[sp]d$", base):
        return "fma", 2 * lanes(mn, ops)
    if re.match(r"(add|sub|mul)[sp]d$", base):
        return base[:3], lanes(mn, ops)
    if re.match(r"div[sp]d$", base):
        return "div", lanes(mn, ops)
    if re.match(r"sqrt[sp]d$", base):
        return "sqrt", lanes(mn, ops)
    if re.match(r"(min|max)[sp]d$", base):
        return "minmax", 0
    if re.match(r"(and|andn|or|xor)pd$", base):
        return "bitwise (abs, neg)", 0
    if "call" in mn:
        return "call", 0
    return "other", 0


def main():
    dis = {}
    for kind in ["euler", "ns"]:
        (c1, f1, n1), (c2, f2, n2) = callgrind(kind, 1000), callgrind(kind, 2000)
        kinds, flops, mem = collections.Counter(), collections.Counter(), collections.Counter()
        total = 0
        for key, n in c2.items():
            d = (n - c1.get(key, 0)) / 1000
            if d <= 0:
                continue
            ob, fn, addr = key
            if ob not in dis:
                dis[ob] = disassemble(ob)
            mn, ops = dis[ob].get(addr, ("?", ""))
            k, fl = classify(mn, ops)
            where = "in exp, erfc" if re.search(r"exp|erf", fn) else "flux"
            kinds[(where, k)] += d
            flops[where] += d * fl
            if "PTR" in ops:
                mem[where] += d
            total += d
        print(f"== {kind}: {total:.0f} instructions per face point")
        for fn in sorted(f2, key=lambda f: -(f2[f] - f1.get(f, 0))):
            d = (f2[fn] - f1.get(fn, 0)) / 1000
            if d >= 1:
                print(f"   {d:8.1f} instructions in {fn}")
        for fn in sorted(n2):
            d = (n2[fn] - n1.get(fn, 0)) / 1000
            if d >= 1:
                print(f"   {d:8.1f} calls of {fn}")
        for (where, k), n in sorted(kinds.items()):
            print(f"   {where:18} {k:20} {n:8.1f} per point")
        for where in flops:
            print(f"   {where:18} flops {flops[where]:8.1f}, memory-operand instructions {mem[where]:8.1f}")


if __name__ == "__main__":
    main()
