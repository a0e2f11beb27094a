#!/usr/bin/env python3
"""Derives the coefficients of src/physics/special.rs (exp and erfc over lanes) with mpmath.

exp:  e^r = 1 + r + r^2 p(r) on |r| <= ln2/2 (plus a margin), p a polynomial of degree DEG_EXP - 2 that
      minimises the largest |r^2 (p(r) - (e^r - 1 - r)/r^2)| / e^r (the error relative to e^r).
erfc: erfc(a) = exp(-a^2) / (sqrt(pi) (a + D(a))) on 0 <= a <= 28, D(a) = P(a)/Q(a), P of degree N, Q of
      degree N + 1, Q(0) = 1, minimising the largest relative error of erfc that the error of D causes;
      printed: sqrt(pi) P (whose constant term is 1) and Q.

Both fits are weighted least squares on a dense set of points, iterated with Lawson's re-weighting (each
point's weight times its current error), which converges to the minimax (equal-ripple) solution; the
rational fit also divides every row by the previous denominator (Sanathanan-Koerner) so that the linear
problem approximates the error of P/Q. Working precision is 60 digits, so the ill-conditioned
monomial bases (a^19 on [0, 28]) do not matter; the printed coefficients are rounded once to double.

Usage: jobs/roofline/special_coefficients.py     (about a minute; prints Rust constants and the fit errors)
       jobs/roofline/special_coefficients.py --anchors   (exact values at a few points, for the tests'
       check of their double-double reference: value = (hi + lo) 2^k)
"""
import sys
import mpmath as mp

mp.mp.dps = 60
DEG_EXP = 11
N_ERFC = 9
A_MAX = mp.mpf(28)


def cheb(lo, hi, n):
    """n Chebyshev points of the second kind on [lo, hi] (the end points included)."""
    return [lo + (hi - lo) * (1 - mp.cos(mp.pi * i / (n - 1))) / 2 for i in range(n)]


def lstsq(rows, rhs, w):
    """Solves the weighted normal equations sum_i w_i (row_i . x - rhs_i)^2 -> min."""
    k = len(rows[0])
    m, b = mp.zeros(k, k), mp.zeros(k, 1)
    for row, y, wi in zip(rows, rhs, w):
        for r in range(k):
            b[r] += wi * row[r] * y
            for c in range(k):
                m[r, c] += wi * row[r] * row[c]
    x = mp.lu_solve(m, b)
    return [x[i] for i in range(k)]


def lawson(w, err):
    """Lawson's update: weights times the absolute errors, normalised."""
    s = sum(wi * abs(e) for wi, e in zip(w, err))
    return [wi * abs(e) / s for wi, e in zip(w, err)]


def fit_exp():
    """Coefficients c2..c_DEG of e^r = 1 + r + sum c_j r^j and the largest relative error of the fit."""
    big_r = mp.log(2) / 2 * (1 + mp.mpf("1e-6"))
    pts = [r for r in cheb(-big_r, big_r, 400) if r != 0]
    g = [(mp.exp(r) - 1 - r) / r**2 for r in pts]
    scale = [r**2 / mp.exp(r) for r in pts]
    rows = [[s * r**j for j in range(DEG_EXP - 1)] for r, s in zip(pts, scale)]
    rhs = [s * gi for s, gi in zip(scale, g)]
    w, best = [mp.mpf(1)] * len(pts), None
    for _ in range(60):
        c = lstsq(rows, rhs, w)
        err = [s * (mp.polyval(c[::-1], r) - gi) for r, s, gi in zip(pts, scale, g)]
        e = max(abs(v) for v in err)
        if best is None or e < best[0]:
            best = (e, c)
        w = lawson(w, err)
    return best[1], best[0]


def erfcx(a):
    return mp.erfc(a) * mp.exp(a * a)


def fit_erfc():
    """P (degree N) and Q (degree N + 1) of D(a) = 1/(sqrt(pi) erfcx(a)) - a ~ P(a)/Q(a) on [0, A_MAX].

    erfc(a) = exp(-a^2) / (sqrt(pi) (a + D(a))): an error dD changes erfc by the relative amount
    dD / (a + D), so that is the error minimised (D is about 1/(2a) for large a, so its own relative error
    is damped by 1/(2a^2) there). Returns P, Q and the largest relative error of erfc that the fit causes.
    """
    c = mp.mpf(2)  # points dense near 0 (t = a / (a + c) at Chebyshev points)
    t_max = A_MAX / (A_MAX + c)
    pts = [c * t / (1 - t) for t in cheb(0, t_max, 250)]
    d = [1 / (mp.sqrt(mp.pi) * erfcx(a)) - a for a in pts]
    n, m = N_ERFC, N_ERFC + 1
    w, q_old, best = [mp.mpf(1)] * len(pts), [mp.mpf(1)] * len(pts), None
    for _ in range(30):
        # P(a) - D (Q(a) - 1) = D, Q(0) = 1; rows scaled by 1 / ((a + D) Q_old).
        rows, rhs = [], []
        for a, da, qo in zip(pts, d, q_old):
            s = 1 / ((a + da) * qo)
            rows.append([a**j * s for j in range(n + 1)] + [-da * a**j * s for j in range(1, m + 1)])
            rhs.append(da * s)
        x = lstsq(rows, rhs, w)
        p, q = x[: n + 1], [mp.mpf(1)] + x[n + 1:]
        q_old = [mp.polyval(q[::-1], a) for a in pts]
        err = [(mp.polyval(p[::-1], a) / qa - da) / (a + da) for a, qa, da in zip(pts, q_old, d)]
        e = max(abs(v) for v in err)
        if best is None or e < best[0]:
            best = (e, p, q)
        w = lawson(w, err)
    return best[1], best[2], best[0]


def check_erfc(p, q):
    """Largest relative error of erfc caused by the double-rounded P/Q, on 20001 points of [0, A_MAX]."""
    pd, qd = [mp.mpf(float(v)) for v in p], [mp.mpf(float(v)) for v in q]
    worst = 0
    for i in range(20001):
        a = A_MAX * mp.mpf(i) / 20000
        dd = 1 / (mp.sqrt(mp.pi) * erfcx(a)) - a
        worst = max(worst, abs(mp.polyval(pd[::-1], a) / mp.polyval(qd[::-1], a) - dd) / (a + dd))
    return worst


def rust(name, vals):
    body = "".join(f"\n    {float(v)!r}," for v in vals)
    print(f"const {name}: [f64; {len(vals)}] = [{body}\n];")


def anchors():
    """(x, hi, lo, k) with f(x) = (hi + lo) 2^k, hi in [0.5, 2), for exp and erfc at a few points."""
    def split(v):
        k = int(mp.floor(mp.log(v, 2)))
        m = v / mp.mpf(2)**k
        hi = float(m)
        return hi, float(m - hi), k
    for name, f, xs in [
        ("EXP_ANCHORS", mp.exp, [-745.0, -700.5, -20.25, -1.0, -0.3, -1e-10, 1e-5, 0.34, 1.5, 100.125, 709.5]),
        ("ERFC_ANCHORS", mp.erfc, [-5.5, -1.25, -1e-3, 1e-8, 0.3, 0.75, 1.5, 2.45, 2.75, 3.0, 3.5, 5.0, 9.75, 17.0,
                                   26.0]),
    ]:
        print(f"const {name}: [(f64, f64, f64, i32); {len(xs)}] = [")
        for x in xs:
            hi, lo, k = split(f(mp.mpf(x)))
            print(f"    ({x!r}, {hi!r}, {lo!r}, {k}),")
        print("];")


if __name__ == "__main__":
    if sys.argv[1:] == ["--anchors"]:
        anchors()
        sys.exit()
    c, e = fit_exp()
    print(f"// exp: e^r = 1 + r + r^2 p(r), |r| <= ln2/2, largest relative error of the fit {mp.nstr(e, 3)}")
    rust("EXP_P", c[::-1])  # highest degree first, for Horner
    p, q, e = fit_erfc()
    print(f"// erfc: D(a) = P(a)/Q(a), 0 <= a <= {A_MAX}, largest relative error of erfc caused {mp.nstr(e, 3)}"
          f" (coefficients rounded to double: {mp.nstr(check_erfc(p, q), 3)} on 20001 points)")
    rust("ERFC_P", [v * mp.sqrt(mp.pi) for v in p[::-1]])  # sqrt(pi) P, so that erfc = e^(-a^2) Q/(sqrt(pi) a Q + sqrt(pi) P)
    rust("ERFC_Q", q[::-1])
