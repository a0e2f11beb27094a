//! Reference-triangle operators of the CPR (flux reconstruction) scheme for degree `p = 1..=5` ([`MAX_DEGREE`]).
//!
//! Reference triangle: `v0 = (0,0)`, `v1 = (1,0)`, `v2 = (0,1)`, coordinates `(r, s)`, area `A_ref = 1/2`;
//! edge `e` runs from vertex `e` to vertex `(e+1) % 3`. A physical triangle `x0, x1, x2` maps by
//! `x = x0 + (x1 − x0) r + (x2 − x0) s`, so reference edge `e` is its edge from vertex `e` to vertex `e+1`.
//!
//! Solution points: the fully symmetric interior points of [`super::points`], which are also a quadrature
//! rule with positive weights exact for polynomials of degree `d > p`, so `mean_weights` (= ∫ℓ_j / A_ref)
//! are its weights and the element mean of the interpolant of any data is a degree-`d` quadrature of the
//! data. Order: the centroid (if a point), then the S21 orbits, then the S111 orbits of
//! [`super::points::Rule`]; no point is a vertex or on an edge.
//!
//! Lebesgue constants measured (maximum of `Σ_j |ℓ_j|` on the lattice of spacing 1/300 of the sides):
//!
//! | p | 1 | 2 | 3 | 4 | 5 | 6 |
//! |---|---|---|---|---|---|---|
//! | quadrature degree | 2 | 4 | 5 | 7 | 8 | 9 |
//! | Λ | 2.3333 | 3.5542 | 4.0093 | 4.5039 | 6.7947 | 51.117 |
//!
//! (The warp & blend points used before, which include the vertices, had 1.00, 1.67, 2.11, 2.66, 3.12,
//! 3.70; interior points pay for the extrapolation to the boundary. The p = 6 set is poorly conditioned,
//! no better symmetric positive rule was found yet, so degree 6 is not offered: [`MAX_DEGREE`] is 5.)
//!
//! Flux points: `p + 1` Gauss–Legendre points on every edge, at the same fractions `t` of every edge
//! measured from its first vertex.
//!
//! Construction: the orthonormal Dubiner basis `ψ_k` (`∫_T ψ_k ψ_m = δ_km`), the Vandermonde matrix
//! `V_jk = ψ_k(x_j)` and its inverse; the Lagrange basis is `ℓ_j = Σ_k (V⁻¹)_kj ψ_k`, its mass matrix
//! `M = (V Vᵀ)⁻¹`, so every operator is a product with `V⁻¹` or `Vᵀ`. Everything is computed in a fixed
//! order of floating-point operations, so the operators have the same bits in every run.

use std::sync::{Arc, OnceLock};

use super::nodes::{dubiner, gauss_legendre, n_basis};
use super::points::solution_points;

/// Area of the reference triangle.
pub const A_REF: f64 = 0.5;

/// Highest supported degree.
pub const MAX_DEGREE: usize = 5;

/// Lattice subdivisions per side on which the Lebesgue function is sampled.
const LEBESGUE_LATTICE: usize = 300;

/// The reference-triangle operators of degree p, built once per degree.
#[derive(Debug, Clone)]
pub struct Reference {
    /// Polynomial degree p.
    pub degree: usize,
    /// Solution points: np = (p+1)(p+2)/2.
    pub np: usize,
    /// Flux points per edge: p + 1 (Gauss–Legendre).
    pub nfe: usize,
    /// Solution points (r, s), in the order of the module docs.
    pub points: Vec<[f64; 2]>,
    /// Flux points along every edge as a fraction t ∈ (0,1) from the edge's first vertex to its second
    /// (increasing).
    pub edge_t: Vec<f64>,
    /// Gauss–Legendre weights of the flux points (summing to 1).
    pub edge_w: Vec<f64>,
    /// Row-major (3·nfe) × np: the value at flux point l of edge e (row e·nfe + l) from the values at the
    /// solution points.
    pub interp: Vec<f64>,
    /// Row-major (3·nfe) × np: ∂/∂r of the interpolating polynomial at the flux points.
    pub interp_dr: Vec<f64>,
    /// Row-major (3·nfe) × np: ∂/∂s of the interpolating polynomial at the flux points.
    pub interp_ds: Vec<f64>,
    /// Row-major np × np: ∂/∂r at the solution points.
    pub dr: Vec<f64>,
    /// Row-major np × np: ∂/∂s at the solution points.
    pub ds: Vec<f64>,
    /// Row-major np × (3·nfe): DG-equivalent lifting, lift[j][e·nfe+l] = A_ref · Σ_m (M⁻¹)_{jm}
    /// ℓ_m(x_{e,l}) · w_l, with M the reference mass matrix of the nodal (Lagrange) basis ℓ_m, A_ref = 1/2
    /// and w_l = edge_w[l]. The scheme uses it as
    /// du_j/dt = −(∇·F)_j − Σ_{e,l} (|edge_e| / area) · lift[j][e·nfe+l] · (F̂ − F·n)_{e,l}.
    pub lift: Vec<f64>,
    /// Weights of the element mean: mean = Σ_j mean_weights[j] · u_j exactly for polynomials of degree p;
    /// they sum to 1 (= ∫ℓ_j / A_ref), and equal the weights of the quadrature rule of the points.
    pub mean_weights: Vec<f64>,
    /// Lebesgue constant of the solution points (max over the triangle of Σ_j |ℓ_j|, sampled on a fine
    /// lattice).
    pub lebesgue: f64,
    /// Row-major np × np: V⁻¹, the Dubiner coefficients of the Lagrange basis (column j: ℓ_j).
    pub(super) vinv: Vec<f64>,
}

/// The point at fraction `t` of reference edge `e`, from its first vertex.
fn edge_point(e: usize, t: f64) -> [f64; 2] {
    match e {
        0 => [t, 0.0],
        1 => [1.0 - t, t],
        _ => [0.0, 1.0 - t],
    }
}

/// The row-major `n × m` product of the row-major `n × k` matrix `a` and `k × m` matrix `b`.
fn matmul(a: &[f64], b: &[f64], n: usize, k: usize, m: usize) -> Vec<f64> {
    let mut c = vec![0.0; n * m];
    for i in 0..n {
        for q in 0..k {
            let aiq = a[i * k + q];
            for j in 0..m {
                c[i * m + j] += aiq * b[q * m + j];
            }
        }
    }
    c
}

/// The inverse of the row-major `n × n` matrix `a` by Gauss–Jordan elimination with partial pivoting, or
/// `None` when a pivot vanishes.
pub(super) fn invert(a: &[f64], n: usize) -> Option<Vec<f64>> {
    let mut m = a.to_vec();
    let mut inv = vec![0.0; n * n];
    for i in 0..n {
        inv[i * n + i] = 1.0;
    }
    for col in 0..n {
        // First row of largest magnitude (deterministic on ties).
        let mut piv = col;
        for row in col + 1..n {
            if m[row * n + col].abs() > m[piv * n + col].abs() {
                piv = row;
            }
        }
        if m[piv * n + col] == 0.0 {
            return None;
        }
        for j in 0..n {
            m.swap(col * n + j, piv * n + j);
            inv.swap(col * n + j, piv * n + j);
        }
        let d = 1.0 / m[col * n + col];
        for j in 0..n {
            m[col * n + j] *= d;
            inv[col * n + j] *= d;
        }
        for row in (0..n).filter(|&r| r != col) {
            let f = m[row * n + col];
            if f != 0.0 {
                for j in 0..n {
                    m[row * n + j] -= f * m[col * n + j];
                    inv[row * n + j] -= f * inv[col * n + j];
                }
            }
        }
    }
    Some(inv)
}

/// The Dubiner basis of degree `p` at `points`: row-major `points.len() × n_basis(p)` values, `∂/∂r` and
/// `∂/∂s`.
fn vandermonde(p: usize, points: &[[f64; 2]]) -> [Vec<f64>; 3] {
    let mut out = [Vec::new(), Vec::new(), Vec::new()];
    for &x in points {
        let (v, vr, vs) = dubiner(p, x);
        out[0].extend(v);
        out[1].extend(vr);
        out[2].extend(vs);
    }
    out
}

/// The maximum of the Lebesgue function `Σ_j |ℓ_j|` over the points of the lattice of `k` subdivisions per
/// side, for the Lagrange basis with Dubiner coefficients `vinv` (row-major np × np).
pub(super) fn lebesgue_constant(p: usize, vinv: &[f64], k: usize) -> f64 {
    let np = n_basis(p);
    let mut max: f64 = 0.0;
    let mut ell = vec![0.0; np];
    for j in 0..=k {
        for i in 0..=k - j {
            let psi = dubiner(p, [i as f64 / k as f64, j as f64 / k as f64]).0;
            ell.iter_mut().for_each(|l| *l = 0.0);
            for (q, &pq) in psi.iter().enumerate() {
                for (l, &c) in ell.iter_mut().zip(&vinv[q * np..(q + 1) * np]) {
                    *l += pq * c;
                }
            }
            max = max.max(ell.iter().map(|l| l.abs()).sum());
        }
    }
    max
}

/// The lifting matrix (np × 3·nfe): `lift[j][c] = A_ref · Σ_k V_jk ψ_k(x_c) · w_c`, which is the documented
/// `A_ref · Σ_m (M⁻¹)_jm ℓ_m(x_c) w_c` because `M⁻¹ = V Vᵀ` and `Σ_m V_mk ℓ_m = ψ_k`.
fn lifting(v: &[f64], vf: &[f64], edge_w: &[f64], np: usize) -> Vec<f64> {
    let nfe = edge_w.len();
    let nf = 3 * nfe;
    let mut lift = vec![0.0; np * nf];
    for j in 0..np {
        for c in 0..nf {
            let dot: f64 = (0..np).map(|k| v[j * np + k] * vf[c * np + k]).sum();
            lift[j * nf + c] = A_REF * dot * edge_w[c % nfe];
        }
    }
    lift
}

impl Reference {
    /// The operators of degree `p` (1 ≤ p ≤ 6), or an error message for other p.
    pub fn new(p: usize) -> Result<Self, String> {
        if !(1..=MAX_DEGREE).contains(&p) {
            return Err(format!(
                "CPR degree {p} is not supported (1 ≤ p ≤ {MAX_DEGREE})"
            ));
        }
        let (np, nfe) = (n_basis(p), p + 1);
        let points = solution_points(p).0;
        let (edge_t, edge_w) = gauss_legendre(nfe);
        let [v, vr, vs] = vandermonde(p, &points);
        let vinv = invert(&v, np).ok_or_else(|| format!("singular Vandermonde matrix, p = {p}"))?;
        let flux: Vec<[f64; 2]> = (0..3)
            .flat_map(|e| edge_t.iter().map(move |&t| edge_point(e, t)))
            .collect();
        let [vf, vfr, vfs] = vandermonde(p, &flux);
        let nf = 3 * nfe;
        // ∫ℓ_j = (V⁻¹)_0j ∫ψ_0 with ψ_0 = √2 and ∫ψ_0 = 1/√2, so ∫ℓ_j / A_ref = √2 (V⁻¹)_0j.
        let mean_weights = vinv[..np].iter().map(|c| 2f64.sqrt() * c).collect();
        Ok(Reference {
            degree: p,
            np,
            nfe,
            interp: matmul(&vf, &vinv, nf, np, np),
            interp_dr: matmul(&vfr, &vinv, nf, np, np),
            interp_ds: matmul(&vfs, &vinv, nf, np, np),
            dr: matmul(&vr, &vinv, np, np, np),
            ds: matmul(&vs, &vinv, np, np, np),
            lift: lifting(&v, &vf, &edge_w, np),
            mean_weights,
            lebesgue: lebesgue_constant(p, &vinv, LEBESGUE_LATTICE),
            points,
            edge_t,
            edge_w,
            vinv,
        })
    }

    /// The shared, cached operators of degree p (built once per process).
    pub fn cached(p: usize) -> Result<Arc<Reference>, String> {
        static CACHE: [OnceLock<Arc<Reference>>; MAX_DEGREE + 1] =
            [const { OnceLock::new() }; MAX_DEGREE + 1];
        if !(1..=MAX_DEGREE).contains(&p) {
            return Reference::new(p).map(Arc::new);
        }
        if let Some(r) = CACHE[p].get() {
            return Ok(r.clone());
        }
        let built = Arc::new(Reference::new(p)?);
        Ok(CACHE[p].get_or_init(|| built).clone())
    }

    /// Values of the Lagrange basis ℓ_j (j < np) at the reference point (r, s).
    pub fn basis_at(&self, rs: [f64; 2]) -> Vec<f64> {
        let np = self.np;
        let psi = dubiner(self.degree, rs).0;
        let mut ell = vec![0.0; np];
        for (q, &pq) in psi.iter().enumerate() {
            for (l, &c) in ell.iter_mut().zip(&self.vinv[q * np..(q + 1) * np]) {
                *l += pq * c;
            }
        }
        ell
    }

    /// The reference point of flux point l of edge e.
    pub fn flux_point(&self, e: usize, l: usize) -> [f64; 2] {
        edge_point(e, self.edge_t[l])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::cpr::nodes::integrate;

    /// Exponents `(a, b)` of the monomials `r^a s^b` of degree ≤ `p`.
    fn monomials(p: usize) -> Vec<(i32, i32)> {
        (0..=p as i32)
            .flat_map(|d| (0..=d).map(move |b| (d - b, b)))
            .collect()
    }

    /// `r^a s^b`, with `x^0 = 1` and the derivative factor `a x^{a−1}` = 0 for `a = 0`.
    fn mono(a: i32, b: i32, x: [f64; 2]) -> [f64; 3] {
        let pw = |v: f64, k: i32| if k < 0 { 0.0 } else { v.powi(k) };
        [
            pw(x[0], a) * pw(x[1], b),
            a as f64 * pw(x[0], a - 1) * pw(x[1], b),
            b as f64 * pw(x[0], a) * pw(x[1], b - 1),
        ]
    }

    fn factorial(n: i32) -> f64 {
        (1..=n).map(f64::from).product()
    }

    /// `Σ_k m[row·ncol + k] u_k`.
    fn row_dot(m: &[f64], row: usize, u: &[f64]) -> f64 {
        let n = u.len();
        m[row * n..(row + 1) * n]
            .iter()
            .zip(u)
            .map(|(a, b)| a * b)
            .sum()
    }

    #[test]
    fn operators_are_exact_for_polynomials_of_degree_p() {
        for p in 1..=MAX_DEGREE {
            let re = Reference::new(p).unwrap();
            assert_eq!(
                (re.np, re.nfe, re.points.len()),
                (n_basis(p), p + 1, n_basis(p))
            );
            for (a, b) in monomials(p) {
                let u: Vec<f64> = re.points.iter().map(|&x| mono(a, b, x)[0]).collect();
                let close = |got: f64, want: f64, what: &str| {
                    let tol = 1e-12 * want.abs().max(1.0);
                    assert!(
                        (got - want).abs() < tol,
                        "p = {p}, r^{a} s^{b}, {what}: {got} vs {want}"
                    );
                };
                for c in 0..3 * re.nfe {
                    let want = mono(a, b, re.flux_point(c / re.nfe, c % re.nfe));
                    close(row_dot(&re.interp, c, &u), want[0], "interp");
                    close(row_dot(&re.interp_dr, c, &u), want[1], "interp_dr");
                    close(row_dot(&re.interp_ds, c, &u), want[2], "interp_ds");
                }
                for (j, &x) in re.points.iter().enumerate() {
                    let want = mono(a, b, x);
                    close(row_dot(&re.dr, j, &u), want[1], "dr");
                    close(row_dot(&re.ds, j, &u), want[2], "ds");
                    let at = re.basis_at([0.3 * x[0] + 0.1, 0.6 * x[1] + 0.05]);
                    let y = [0.3 * x[0] + 0.1, 0.6 * x[1] + 0.05];
                    close(
                        at.iter().zip(&u).map(|(l, v)| l * v).sum(),
                        mono(a, b, y)[0],
                        "basis_at",
                    );
                }
            }
        }
    }

    #[test]
    fn mean_weights_integrate_polynomials_of_degree_p() {
        for p in 1..=MAX_DEGREE {
            let re = Reference::new(p).unwrap();
            assert!((re.mean_weights.iter().sum::<f64>() - 1.0).abs() < 1e-14);
            for (a, b) in monomials(p) {
                let got: f64 = re
                    .points
                    .iter()
                    .zip(&re.mean_weights)
                    .map(|(&x, w)| w * mono(a, b, x)[0])
                    .sum();
                let exact = factorial(a) * factorial(b) / factorial(a + b + 2);
                assert!((got * A_REF - exact).abs() < 1e-14, "p = {p}, r^{a} s^{b}");
            }
        }
    }

    #[test]
    fn lifting_is_conservative() {
        // Σ_j (∫ℓ_j/A_ref) A_ref Σ_m (M⁻¹)_jm ℓ_m(x) w = Σ_m (Σ_jk M_kj (M⁻¹)_jm) ℓ_m(x) w = Σ_m ℓ_m(x) w = w.
        for p in 1..=MAX_DEGREE {
            let re = Reference::new(p).unwrap();
            let nf = 3 * re.nfe;
            for c in 0..nf {
                let s: f64 = (0..re.np)
                    .map(|j| re.mean_weights[j] * re.lift[j * nf + c])
                    .sum();
                assert!(
                    (s - re.edge_w[c % re.nfe]).abs() < 1e-14,
                    "p = {p}, c = {c}: {s}"
                );
            }
        }
    }

    /// The mass matrix `M_ij = ∫_T ℓ_i ℓ_j`, by quadrature of [`Reference::basis_at`].
    fn mass(re: &Reference) -> Vec<f64> {
        let np = re.np;
        let mut m = vec![0.0; np * np];
        for i in 0..np {
            for j in 0..np {
                m[i * np + j] = integrate(re.degree + 3, |x| {
                    let l = re.basis_at(x);
                    l[i] * l[j]
                });
            }
        }
        m
    }

    #[test]
    fn lifting_is_the_dg_surface_term() {
        // With lifted = Σ_c (|e_c| / A_ref) lift[·][c] g_c, for every φ of degree ≤ p:
        // Σ_i φ(x_i) (M · lifted)_i = ∫_∂T φ g ds = Σ_e |e| ∫_0^1 φ(x_e(t)) g_e(t) dt.
        let len = [1.0, 2f64.sqrt(), 1.0];
        for p in 1..=5 {
            let re = Reference::new(p).unwrap();
            let (np, nf) = (re.np, 3 * re.nfe);
            let m = mass(&re);
            // Jump g_e(t) = Σ_k c_ek t^k, deterministic coefficients, degree p on each edge.
            let coef = |e: usize, k: usize| ((1 + 3 * e + 7 * k) as f64 * 0.7).sin();
            let g = |e: usize, t: f64| (0..=p).map(|k| coef(e, k) * t.powi(k as i32)).sum::<f64>();
            let lifted: Vec<f64> = (0..np)
                .map(|j| {
                    (0..nf)
                        .map(|c| {
                            let (e, l) = (c / re.nfe, c % re.nfe);
                            len[e] / A_REF * re.lift[j * nf + c] * g(e, re.edge_t[l])
                        })
                        .sum()
                })
                .collect();
            let (tq, wq) = gauss_legendre(p + 4);
            for (a, b) in monomials(p) {
                let ml: Vec<f64> = (0..np).map(|i| row_dot(&m, i, &lifted)).collect();
                let lhs: f64 = (0..np).map(|i| mono(a, b, re.points[i])[0] * ml[i]).sum();
                let rhs: f64 = (0..3)
                    .map(|e| {
                        let line: f64 = tq
                            .iter()
                            .zip(&wq)
                            .map(|(&t, w)| w * mono(a, b, edge_point(e, t))[0] * g(e, t))
                            .sum();
                        len[e] * line
                    })
                    .sum();
                assert!(
                    (lhs - rhs).abs() < 1e-12,
                    "p = {p}, r^{a} s^{b}: {lhs} vs {rhs}"
                );
            }
        }
    }

    /// The Lebesgue constants of the module docs.
    const LEBESGUE_TEST: [(usize, f64); MAX_DEGREE] = [
        (1, 2.3333),
        (2, 3.5542),
        (3, 4.0093),
        (4, 4.5039),
        (5, 6.7947),
    ];

    #[test]
    fn lebesgue_constants_as_measured() {
        // Measured when the points were generated (lattice of spacing 1/300).
        let got: Vec<f64> = (1..=MAX_DEGREE)
            .map(|p| Reference::cached(p).unwrap().lebesgue)
            .collect();
        for (p, want) in LEBESGUE_TEST {
            assert!((got[p - 1] / want - 1.0).abs() < 1e-3, "p = {p}: {got:?}");
        }
    }

    #[test]
    fn mean_weights_are_the_quadrature_weights() {
        for p in 1..=MAX_DEGREE {
            let re = Reference::cached(p).unwrap();
            let (pts, w) = solution_points(p);
            assert_eq!(re.points, pts);
            for (j, (&got, &want)) in re.mean_weights.iter().zip(&w).enumerate() {
                assert!(
                    (got - want).abs() < 1e-13,
                    "p = {p}, j = {j}: {got} vs {want}"
                );
            }
        }
    }

    #[test]
    fn gauss_legendre_flux_points() {
        for p in 1..=MAX_DEGREE {
            let re = Reference::cached(p).unwrap();
            assert!((re.edge_w.iter().sum::<f64>() - 1.0).abs() < 1e-15);
            assert!(re.edge_t.windows(2).all(|w| w[0] < w[1]));
            assert!(re.edge_t[0] > 0.0 && re.edge_t[p] < 1.0);
            for k in 0..=2 * p + 1 {
                let got: f64 = re
                    .edge_t
                    .iter()
                    .zip(&re.edge_w)
                    .map(|(t, w)| w * t.powi(k as i32))
                    .sum();
                assert!((got - 1.0 / (k + 1) as f64).abs() < 1e-15, "p = {p}, t^{k}");
            }
            // Flux points lie on their edges, from the first vertex to the second.
            assert_eq!(re.flux_point(0, 0), [re.edge_t[0], 0.0]);
            assert_eq!(re.flux_point(1, 0), [1.0 - re.edge_t[0], re.edge_t[0]]);
            assert_eq!(re.flux_point(2, 0), [0.0, 1.0 - re.edge_t[0]]);
        }
    }

    #[test]
    fn degrees_out_of_range_and_cache() {
        assert!(Reference::new(0).is_err());
        assert!(Reference::new(7).is_err());
        assert!(Reference::cached(0).is_err());
        assert!(Reference::cached(7).is_err());
        let (a, b) = (Reference::cached(3).unwrap(), Reference::cached(3).unwrap());
        assert!(Arc::ptr_eq(&a, &b));
    }

    #[test]
    fn operators_are_deterministic_and_points_ordered() {
        for p in 1..=MAX_DEGREE {
            let (a, b) = (Reference::new(p).unwrap(), Reference::new(p).unwrap());
            let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(bits(&a.lift), bits(&b.lift));
            assert_eq!(bits(&a.interp), bits(&b.interp));
            assert_eq!(bits(&a.dr), bits(&b.dr));
            assert_eq!(a.lebesgue.to_bits(), b.lebesgue.to_bits());
            assert_eq!(a.points, solution_points(p).0);
        }
    }
}
