//! Node sets and the orthonormal polynomial basis behind the reference-triangle operators of the CPR scheme.
//!
//! * Gauss–Legendre points on `[0, 1]` (Newton on the Legendre polynomial), the flux points of every edge.
//! * Legendre–Gauss–Lobatto points on `[−1, 1]` (Newton on `P′_n`), the edge distribution of the solution
//!   points.
//! * Warburton's α-optimised "warp & blend" solution points (Hesthaven & Warburton, *Nodal Discontinuous
//!   Galerkin Methods*, 2008, §6.1), written in barycentric coordinates of the reference triangle
//!   `v0 = (0,0)`, `v1 = (1,0)`, `v2 = (0,1)`.
//! * The Dubiner/PKDO basis, orthonormal on that triangle, with its `r` and `s` derivatives, evaluated by
//!   recurrences that stay polynomial in `(r, s)` (no collapsed coordinate, so nothing is singular at `v2`).
//!
//! Roots are computed for one half of each symmetric set and mirrored, so every set is exactly symmetric.

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

/// The `n + 1` Legendre–Gauss–Lobatto points on `[−1, 1]` (increasing; `n ≥ 1`): `±1` and the roots of
/// `P′_n`.
pub fn lobatto(n: usize) -> Vec<f64> {
    let mut x = vec![0.0; n + 1];
    x[0] = -1.0;
    x[n] = 1.0;
    let nn = (n * (n + 1)) as f64;
    // P″_n from the Legendre equation (1 − x²) P″ − 2x P′ + n(n+1) P = 0.
    let f = |x: f64| {
        let (p, d) = legendre(n, x);
        (d, (2.0 * x * d - nn * p) / (1.0 - x * x))
    };
    for k in 1..n.div_ceil(2) {
        let guess = (std::f64::consts::PI * k as f64 / n as f64).cos();
        let root = newton(guess, f);
        x[n - k] = root;
        x[k] = -root;
    }
    x
}

/// α of the α-optimised warp & blend nodes for `p = 1..=15` (Hesthaven & Warburton, Table 6.1).
const ALPHA_OPT: [f64; 15] = [
    0.0, 0.0, 1.4152, 0.1001, 0.2751, 0.9800, 1.0999, 1.2832, 1.3648, 1.4773, 1.4959, 1.5743,
    1.5770, 1.6223, 1.6258,
];

/// The one-dimensional warp of degree `p` at `ρ ∈ [−1, 1]`: the equispaced interpolant of the shift from
/// the `p + 1` equispaced to the Lobatto points, divided by `1 − ρ²` (0 at the ends).
fn warp(p: usize, lgl: &[f64], rho: f64) -> f64 {
    if rho.abs() >= 1.0 - 1e-10 {
        return 0.0;
    }
    let eq = |i: usize| -1.0 + 2.0 * i as f64 / p as f64;
    let mut sum = 0.0;
    for (i, &xi) in lgl.iter().enumerate() {
        let mut l = 1.0;
        for m in (0..=p).filter(|&m| m != i) {
            l *= (rho - eq(m)) / (eq(i) - eq(m));
        }
        sum += (xi - eq(i)) * l;
    }
    sum / (1.0 - rho * rho)
}

/// Warburton's α-optimised warp & blend points of degree `p` (`1 ≤ p ≤ 15`) on the reference triangle.
///
/// Order: the equispaced lattice point `(i, j)`, `r = i/p`, `s = j/p`, `i + j ≤ p`, rows of increasing `j`
/// and `i` increasing within a row; so `v0`, `v1`, `v2` are points 0, `p` and the last. Each lattice point
/// with barycentrics `λ = (1 − r − s, r, s)` moves, for every edge `e` (from vertex `e` to vertex `e+1`,
/// opposite vertex `e+2`, mod 3), by `δ_e = 4 λ_e λ_{e+1} · warp(λ_{e+1} − λ_e) · (1 + (α λ_{e+2})²)` along
/// the edge: `λ_{e+1} += δ_e/2`, `λ_e −= δ_e/2` (the book's displacement along a side of length 2).
pub fn warp_blend(p: usize) -> Vec<[f64; 2]> {
    let alpha = ALPHA_OPT[p - 1];
    let lgl = lobatto(p);
    let mut points = Vec::with_capacity((p + 1) * (p + 2) / 2);
    for j in 0..=p {
        for i in 0..=p - j {
            let r = i as f64 / p as f64;
            let s = j as f64 / p as f64;
            let lam = [1.0 - r - s, r, s];
            let mut new = lam;
            for e in 0..3 {
                let (a, b, c) = (e, (e + 1) % 3, (e + 2) % 3);
                let blend = 4.0 * lam[a] * lam[b];
                let ac = alpha * lam[c];
                let delta = blend * warp(p, &lgl, lam[b] - lam[a]) * (1.0 + ac * ac);
                new[b] += 0.5 * delta;
                new[a] -= 0.5 * delta;
            }
            points.push([new[1], new[2]]);
        }
    }
    points
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

#[cfg(test)]
mod tests {
    use super::*;

    /// `∫_T f` over the reference triangle by the collapsed (Duffy) product of `n`-point Gauss rules.
    fn integrate(n: usize, f: impl Fn([f64; 2]) -> f64) -> f64 {
        let (t, w) = gauss_legendre(n);
        let mut sum = 0.0;
        for (&v, &wv) in t.iter().zip(&w) {
            for (&u, &wu) in t.iter().zip(&w) {
                sum += wu * wv * (1.0 - v) * f([u * (1.0 - v), v]);
            }
        }
        sum
    }

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

    #[test]
    fn lobatto_points_are_the_roots_of_the_legendre_derivative() {
        for n in 1..=8 {
            let x = lobatto(n);
            assert!(x.windows(2).all(|w| w[0] < w[1]));
            for &xi in &x[1..n] {
                assert!(legendre(n, xi).1.abs() < 1e-12, "n = {n}: {xi}");
            }
        }
        assert_eq!(lobatto(2), vec![-1.0, 0.0, 1.0]);
        assert!((lobatto(3)[2] - 5f64.sqrt().recip()).abs() < 1e-15);
    }

    #[test]
    fn warp_blend_points_are_symmetric() {
        for p in 1..=6 {
            let pts = warp_blend(p);
            assert_eq!(pts.len(), n_basis(p));
            // The rotation v0 → v1 → v2 → v0 and the reflection r ↔ s map the set onto itself.
            let maps: [fn([f64; 2]) -> [f64; 2]; 2] =
                [|x| [1.0 - x[0] - x[1], x[0]], |x| [x[1], x[0]]];
            for map in maps {
                for &x in &pts {
                    let y = map(x);
                    let d = pts
                        .iter()
                        .map(|z| (z[0] - y[0]).abs().max((z[1] - y[1]).abs()))
                        .fold(f64::INFINITY, f64::min);
                    assert!(d < 1e-14, "p = {p}: {x:?}");
                }
            }
            // Points on edge 0 are the Lobatto points.
            let lgl = lobatto(p);
            for i in 0..=p {
                assert!((pts[i][0] - 0.5 * (1.0 + lgl[i])).abs() < 1e-15 && pts[i][1] == 0.0);
            }
        }
    }
}
