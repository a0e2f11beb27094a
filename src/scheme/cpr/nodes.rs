//! Node sets and the orthonormal polynomial basis behind the reference-triangle operators of the CPR scheme.
//!
//! * Gauss–Legendre points on `[0, 1]` (Newton on the Legendre polynomial), the flux points of every edge.
//! * The Dubiner/PKDO basis, orthonormal on the reference triangle `v0 = (0,0)`, `v1 = (1,0)`, `v2 = (0,1)`, with its `r` and `s` derivatives, evaluated by
//!   recurrences that stay polynomial in `(r, s)` (no collapsed coordinate, so nothing is singular at `v2`).
//!
//! Roots are computed for one half of the symmetric set and mirrored, so it is exactly symmetric.
//! The solution points are in [`super::points`].

/// The value and derivative of the Legendre polynomial `P_n` (unnormalised, `P_n(1) = 1`) at `x`.
pub fn legendre(n: usize, x: f64) -> (f64, f64) {
    let (mut p0, mut d0) = (1.0, 0.0);
    if n == 0 {
        return (p0, d0);
    }
    let (mut p1, mut d1) = (x, 1.0);
    for k in 1..n {
        let kf = k as f64;
        let p2 = ((2.0 * kf + 1.0) * x * p1 - kf * p0) / (kf + 1.0);
        let d2 = ((2.0 * kf + 1.0) * (p1 + x * d1) - kf * d0) / (kf + 1.0);
        (p0, d0, p1, d1) = (p1, d1, p2, d2);
    }
    (p1, d1)
}

/// The value and derivative at `x` of the Jacobi polynomial `P_n^{(α,0)}` normalised so that
/// `∫_{−1}^{1} (1 − x)^α P_n² dx = 1`.
pub fn jacobi_normalised(n: usize, alpha: f64, x: f64) -> (f64, f64) {
    let a = alpha;
    let (mut p0, mut d0) = (1.0, 0.0);
    let (mut p1, mut d1) = (((a + 2.0) * x + a) / 2.0, (a + 2.0) / 2.0);
    if n == 0 {
        (p1, d1) = (p0, d0);
    }
    for k in 2..=n {
        let k = k as f64;
        let c0 = 2.0 * k * (k + a) * (2.0 * k + a - 2.0);
        let c1 = (2.0 * k + a - 1.0) * (2.0 * k + a) * (2.0 * k + a - 2.0);
        let c2 = (2.0 * k + a - 1.0) * a * a;
        let c3 = 2.0 * (k + a - 1.0) * (k - 1.0) * (2.0 * k + a);
        let p2 = ((c1 * x + c2) * p1 - c3 * p0) / c0;
        let d2 = ((c1 * x + c2) * d1 + c1 * p1 - c3 * d0) / c0;
        (p0, d0, p1, d1) = (p1, d1, p2, d2);
    }
    // ∫ (1 − x)^α (P_n^{(α,0)})² = 2^{α+1} / (2n + α + 1).
    let norm = (2f64.powf(a + 1.0) / (2.0 * n as f64 + a + 1.0)).sqrt();
    (p1 / norm, d1 / norm)
}

/// Newton's iteration on `f` (returning value and derivative) from `x`, to round-off.
fn newton(mut x: f64, f: impl Fn(f64) -> (f64, f64)) -> f64 {
    for _ in 0..100 {
        let (v, d) = f(x);
        let dx = v / d;
        x -= dx;
        if dx.abs() <= 1e-15 * x.abs().max(1.0) {
            break;
        }
    }
    x
}

/// The `n` Gauss–Legendre points on `[0, 1]` (increasing) and their weights (summing to 1).
pub fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut t = vec![0.5; n];
    let mut w = vec![0.0; n];
    for k in 0..n.div_ceil(2) {
        // Root k of P_n counted from x = 1 downwards; the middle root of odd n is 0.
        let guess = (std::f64::consts::PI * (k as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let x = if 2 * k + 1 == n {
            0.0
        } else {
            newton(guess, |x| legendre(n, x))
        };
        let d = legendre(n, x).1;
        let weight = 1.0 / ((1.0 - x * x) * d * d);
        t[n - 1 - k] = 0.5 + 0.5 * x;
        t[k] = 0.5 - 0.5 * x;
        w[n - 1 - k] = weight;
        w[k] = weight;
    }
    (t, w)
}

/// The total degree `i + j` of every basis function of [`dubiner`] of degree `p`, in its order.
pub fn dubiner_degrees(p: usize) -> Vec<usize> {
    (0..=p)
        .flat_map(|i| (0..=p - i).map(move |j| i + j))
        .collect()
}

/// Number of basis functions of degree ≤ `p`.
pub const fn n_basis(p: usize) -> usize {
    (p + 1) * (p + 2) / 2
}

/// The orthonormal Dubiner basis of degree `p` at `(r, s)`: values, `∂/∂r` and `∂/∂s` (each `n_basis(p)`
/// long).
///
/// `ψ_{ij} = 2^{i+3/2} · P̃_i(a) (1 − s)^i · J̃_j(2s − 1)`, `i + j ≤ p`, ordered by `i` then `j` (so
/// `ψ_0 = √2` is the constant), with `a = (2r + s − 1)/(1 − s)` the collapsed coordinate, `P̃_i` the
/// orthonormal Legendre polynomial and `J̃_j` the orthonormal Jacobi polynomial `P_j^{(2i+1,0)}`; then
/// `∫_T ψ_k ψ_m = δ_km` on the reference triangle. `Q_i = P_i(a)(1 − s)^i` follows the Legendre recurrence
/// scaled by `y = 1 − s`: `Q_{n+1} = ((2n+1) x Q_n − n y² Q_{n−1})/(n+1)` with `x = 2r + s − 1`.
pub fn dubiner(p: usize, rs: [f64; 2]) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let [r, s] = rs;
    let (x, y) = (2.0 * r + s - 1.0, 1.0 - s);
    // Q_i with its r and s derivatives (∂x/∂r = 2, ∂x/∂s = 1, ∂y/∂r = 0, ∂y/∂s = −1).
    let mut q = vec![[1.0, 0.0, 0.0]; p + 1];
    if p >= 1 {
        q[1] = [x, 2.0, 1.0];
    }
    for n in 1..p {
        let nf = n as f64;
        let (a, b) = ((2.0 * nf + 1.0) / (nf + 1.0), nf / (nf + 1.0));
        let (qn, qm) = (q[n], q[n - 1]);
        q[n + 1] = [
            a * x * qn[0] - b * y * y * qm[0],
            a * (2.0 * qn[0] + x * qn[1]) - b * y * y * qm[1],
            a * (qn[0] + x * qn[2]) - b * (-2.0 * y * qm[0] + y * y * qm[2]),
        ];
    }
    let nb = n_basis(p);
    let (mut v, mut vr, mut vs) = (vec![0.0; nb], vec![0.0; nb], vec![0.0; nb]);
    let mut k = 0;
    for (i, qi) in q.iter().enumerate() {
        let c = 2f64.powf(i as f64 + 1.5) * ((2.0 * i as f64 + 1.0) / 2.0).sqrt();
        for j in 0..=p - i {
            let (jv, jd) = jacobi_normalised(j, (2 * i + 1) as f64, 2.0 * s - 1.0);
            v[k] = c * qi[0] * jv;
            vr[k] = c * qi[1] * jv;
            vs[k] = c * (qi[2] * jv + qi[0] * 2.0 * jd);
            k += 1;
        }
    }
    (v, vr, vs)
}

/// `∫_T f` over the reference triangle by the collapsed (Duffy) product of `n`-point Gauss rules (for the
/// reference operators and the subcells).
pub fn integrate(n: usize, f: impl Fn([f64; 2]) -> f64) -> f64 {
    let (t, w) = gauss_legendre(n);
    let mut sum = 0.0;
    for (&v, &wv) in t.iter().zip(&w) {
        for (&u, &wu) in t.iter().zip(&w) {
            sum += wu * wv * (1.0 - v) * f([u * (1.0 - v), v]);
        }
    }
    sum
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dubiner_basis_is_orthonormal() {
        for p in 0..=6 {
            let nb = n_basis(p);
            for k in 0..nb {
                for m in 0..nb {
                    let g = integrate(p + 2, |x| {
                        let v = dubiner(p, x).0;
                        v[k] * v[m]
                    });
                    let want = if k == m { 1.0 } else { 0.0 };
                    assert!((g - want).abs() < 1e-13, "p = {p}, ({k}, {m}): {g}");
                }
            }
        }
    }

    #[test]
    fn dubiner_derivatives_match_differences() {
        let h = 1e-6;
        for p in 1..=6 {
            for x in [[0.2, 0.3], [0.05, 0.9], [0.7, 0.1], [0.0, 1.0], [1.0, 0.0]] {
                let (_, vr, vs) = dubiner(p, x);
                let (pr, mr) = (
                    dubiner(p, [x[0] + h, x[1]]).0,
                    dubiner(p, [x[0] - h, x[1]]).0,
                );
                let (ps, ms) = (
                    dubiner(p, [x[0], x[1] + h]).0,
                    dubiner(p, [x[0], x[1] - h]).0,
                );
                for k in 0..n_basis(p) {
                    let scale = 1.0 + vr[k].abs() + vs[k].abs();
                    assert!(((pr[k] - mr[k]) / (2.0 * h) - vr[k]).abs() < 1e-6 * scale);
                    assert!(((ps[k] - ms[k]) / (2.0 * h) - vs[k]).abs() < 1e-6 * scale);
                }
            }
        }
    }
}
