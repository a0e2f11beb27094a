//! The polynomial space P3 in scaled local (affine) coordinates of a main triangle.
//!
//! Coordinates: `(ξ, η) = J⁻¹ (x − x_c)` with `x_c` the main centroid and `J` the affine map that takes
//! the equilateral reference triangle of area 1/2 centred at the origin (vertex `k` at angle
//! `90° + 120°·k`) onto the main triangle (vertex `k` to vertex `k`). For an equilateral cell this is
//! `(x − x_c)/h` up to a rotation, with `h = √(2|T|)`; for a stretched cell it removes the stretching, so
//! the conditioning of the reconstruction of an affinely stretched stencil does not depend on the aspect
//! ratio (docs/method.md §7.2). P3 is affine invariant, so the fits themselves do not depend on this choice
//! (only their round-off does).
//!
//! Basis: the 10 monomials `ξ^i η^j`, `i + j ≤ 3`, ordered by degree,
//! `1, ξ, η, ξ², ξη, η², ξ³, ξ²η, ξη², η³` ([`MONOMIALS`]); the first [`n_basis`]`(d)` of them span P_d.

use super::geometry::{triangle_rule_deg5, Point, Triangle};

/// Number of P3 coefficients.
pub const N_P3: usize = 10;

/// Exponents `(i, j)` of the basis monomials `ξ^i η^j`, in storage order.
pub const MONOMIALS: [(u32, u32); N_P3] = [
    (0, 0),
    (1, 0),
    (0, 1),
    (2, 0),
    (1, 1),
    (0, 2),
    (3, 0),
    (2, 1),
    (1, 2),
    (0, 3),
];

/// Dimension of P_d (`d ≤ 3`): 1, 3, 6, 10.
pub const fn n_basis(d: usize) -> usize {
    (d + 1) * (d + 2) / 2
}

/// Scaled local frame of a main triangle: `(ξ, η) = J⁻¹ (x − x_c)` (see the module docs).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalFrame {
    /// Main centroid `x_c`.
    pub centroid: Point,
    /// `J⁻¹`, row-major: `ξ = jinv[0]·(x − x_c)`, `η = jinv[1]·(x − x_c)`.
    pub jinv: [[f64; 2]; 2],
    /// Isotropic length scale `h = √(2|T|)`.
    pub h: f64,
}

impl LocalFrame {
    /// The frame of a (non-degenerate) main triangle.
    pub fn new(t: &Triangle) -> Self {
        let side = (2.0 / 3f64.sqrt()).sqrt();
        let r = side / 3f64.sqrt();
        let e: [Point; 3] = std::array::from_fn(|k| {
            let a = std::f64::consts::FRAC_PI_2 + 2.0 * std::f64::consts::PI * k as f64 / 3.0;
            [r * a.cos(), r * a.sin()]
        });
        // Columns: E = [e1 − e0, e2 − e0], P = [v1 − v0, v2 − v0]; J = P E⁻¹, J⁻¹ = E P⁻¹.
        let em = [
            [e[1][0] - e[0][0], e[2][0] - e[0][0]],
            [e[1][1] - e[0][1], e[2][1] - e[0][1]],
        ];
        let pm = [
            [t[1][0] - t[0][0], t[2][0] - t[0][0]],
            [t[1][1] - t[0][1], t[2][1] - t[0][1]],
        ];
        let det = pm[0][0] * pm[1][1] - pm[0][1] * pm[1][0];
        let pinv = [
            [pm[1][1] / det, -pm[0][1] / det],
            [-pm[1][0] / det, pm[0][0] / det],
        ];
        let jinv = std::array::from_fn(|i| {
            std::array::from_fn(|j| em[i][0] * pinv[0][j] + em[i][1] * pinv[1][j])
        });
        Self {
            centroid: super::geometry::centroid(t),
            jinv,
            h: (2.0 * super::geometry::area(t)).sqrt(),
        }
    }

    /// Scaled coordinates `(ξ, η)` of a physical point.
    pub fn to_local(&self, x: Point) -> Point {
        let d = [x[0] - self.centroid[0], x[1] - self.centroid[1]];
        [
            self.jinv[0][0] * d[0] + self.jinv[0][1] * d[1],
            self.jinv[1][0] * d[0] + self.jinv[1][1] * d[1],
        ]
    }

    /// Value of the polynomial with coefficients `c` at physical point `x`.
    pub fn value(&self, c: &[f64; N_P3], x: Point) -> f64 {
        let b = basis_values(self.to_local(x));
        b.iter().zip(c).map(|(b, c)| b * c).sum()
    }

    /// Physical gradient `(∂_x p, ∂_y p)` of the polynomial with coefficients `c` at `x`.
    pub fn gradient(&self, c: &[f64; N_P3], x: Point) -> Point {
        let (gx, gy) = basis_gradients(self.to_local(x));
        let dxi: f64 = gx.iter().zip(c).map(|(b, c)| b * c).sum();
        let deta: f64 = gy.iter().zip(c).map(|(b, c)| b * c).sum();
        [
            self.jinv[0][0] * dxi + self.jinv[1][0] * deta,
            self.jinv[0][1] * dxi + self.jinv[1][1] * deta,
        ]
    }

    /// Exact averages of the 10 basis functions over a triangle (any triangle, inside the main cell or
    /// not), by a degree-5 rule.
    pub fn basis_averages(&self, t: &Triangle) -> [f64; N_P3] {
        // The monomials at the rule's points, computed once (the terms and the order of the sums are
        // those of `triangle_average` per monomial: the same bits).
        let rule = triangle_rule_deg5();
        let values: [[f64; N_P3]; 7] = std::array::from_fn(|r| {
            let l = rule[r].0;
            let x = [
                l[0] * t[0][0] + l[1] * t[1][0] + l[2] * t[2][0],
                l[0] * t[0][1] + l[1] * t[1][1] + l[2] * t[2][1],
            ];
            let p = self.to_local(x);
            std::array::from_fn(|k| {
                let (i, j) = MONOMIALS[k];
                p[0].powi(i as i32) * p[1].powi(j as i32)
            })
        });
        std::array::from_fn(|k| rule.iter().zip(&values).map(|((_, w), v)| w * v[k]).sum())
    }
}

/// Values of the 10 basis monomials at scaled coordinates `p = (ξ, η)`.
pub fn basis_values(p: Point) -> [f64; N_P3] {
    let (x, y) = (p[0], p[1]);
    [
        1.0,
        x,
        y,
        x * x,
        x * y,
        y * y,
        x * x * x,
        x * x * y,
        x * y * y,
        y * y * y,
    ]
}

/// Derivatives `(∂_ξ, ∂_η)` of the 10 basis monomials at scaled coordinates `p`.
pub fn basis_gradients(p: Point) -> ([f64; N_P3], [f64; N_P3]) {
    let (x, y) = (p[0], p[1]);
    (
        [
            0.0,
            1.0,
            0.0,
            2.0 * x,
            y,
            0.0,
            3.0 * x * x,
            2.0 * x * y,
            y * y,
            0.0,
        ],
        [
            0.0,
            0.0,
            1.0,
            0.0,
            x,
            2.0 * y,
            0.0,
            x * x,
            2.0 * x * y,
            3.0 * y * y,
        ],
    )
}

/// `D^α` of monomial `ξ^i η^j` at `p`, for `α = (a, b)`.
fn monomial_derivative(i: u32, j: u32, a: u32, b: u32, p: Point) -> f64 {
    if a > i || b > j {
        return 0.0;
    }
    let fall = |n: u32, k: u32| (0..k).map(|m| (n - m) as f64).product::<f64>();
    fall(i, a) * fall(j, b) * p[0].powi((i - a) as i32) * p[1].powi((j - b) as i32)
}

/// Product of two polynomials in the monomial basis (terms above degree 3 must not occur).
fn poly_mul(p: &[f64; N_P3], q: &[f64; N_P3]) -> [f64; N_P3] {
    let mut r = [0.0; N_P3];
    for (a, &(ia, ja)) in MONOMIALS.iter().enumerate() {
        if p[a] == 0.0 {
            continue;
        }
        for (b, &(ib, jb)) in MONOMIALS.iter().enumerate() {
            if q[b] == 0.0 {
                continue;
            }
            let k = MONOMIALS
                .iter()
                .position(|&m| m == (ia + ib, ja + jb))
                .expect("poly_mul: degree above 3");
            r[k] += p[a] * q[b];
        }
    }
    r
}

/// The matrix `M` (10 × 10) with `d = M c`: the coefficients `d` in the monomials of `s` of
/// `Σ c_k φ_k(A s)`, for the linear change of variables `ξ = A s`.
fn linear_substitution(a: [[f64; 2]; 2]) -> [[f64; N_P3]; N_P3] {
    let mut xi = [0.0; N_P3];
    xi[1] = a[0][0];
    xi[2] = a[0][1];
    let mut eta = [0.0; N_P3];
    eta[1] = a[1][0];
    eta[2] = a[1][1];
    let mut m = [[0.0; N_P3]; N_P3];
    for (k, &(i, j)) in MONOMIALS.iter().enumerate() {
        let mut p = [0.0; N_P3];
        p[0] = 1.0;
        for _ in 0..i {
            p = poly_mul(&p, &xi);
        }
        for _ in 0..j {
            p = poly_mul(&p, &eta);
        }
        for (row, pk) in m.iter_mut().zip(p) {
            row[k] = pk;
        }
    }
    m
}

/// The smoothness-indicator matrix `B` (10 × 10, symmetric, first row/column zero) with
/// `β(p) = cᵀ B c = Σ_{1≤|α|≤3} w_{|α|} ∫_T |T|^{|α|−1} (D^α p)² dx` for `p = Σ c_k φ_k` in `frame`
/// (physical derivatives `D^α = ∂_x^a ∂_y^b`, each multi-index `α = (a, b)` counted once). It is
/// dimensionless (in the isotropic coordinates `s = (x − x_c)/h`, `h² = 2|T|`, each term is
/// `2^{1−|α|} ∫ (D_s^α p)² ds`) and depends only on the cell's shape. Exact: the integrands have degree
/// ≤ 4 and the rule is exact to degree 5. `weights[l-1]` = `w_l` multiplies the order-`l` terms (use
/// `[1, 1, 1]` for the standard β).
pub fn smoothness_matrix(
    frame: &LocalFrame,
    t: &Triangle,
    weights: [f64; 3],
) -> [[f64; N_P3]; N_P3] {
    // B in the isotropic coordinates s = (x − x_c)/h.
    let mut b = [[0.0; N_P3]; N_P3];
    let h = frame.h;
    let iso = t.map(|x| {
        [
            (x[0] - frame.centroid[0]) / h,
            (x[1] - frame.centroid[1]) / h,
        ]
    });
    let area_hat = super::geometry::area(&iso);
    let rule = triangle_rule_deg5();
    for order in 1..=3u32 {
        let scale = weights[order as usize - 1] * 2f64.powi(1 - order as i32) * area_hat;
        for a in 0..=order {
            let bb = order - a;
            // D^(a, bb) of every monomial at every rule point (the same values the sums below used to
            // recompute for every pair).
            let d: [[f64; N_P3]; 7] = std::array::from_fn(|r| {
                let l = rule[r].0;
                let x = [
                    l[0] * iso[0][0] + l[1] * iso[1][0] + l[2] * iso[2][0],
                    l[0] * iso[0][1] + l[1] * iso[1][1] + l[2] * iso[2][1],
                ];
                std::array::from_fn(|k| {
                    let (i, j) = MONOMIALS[k];
                    monomial_derivative(i, j, a, bb, x)
                })
            });
            for p in 0..N_P3 {
                for q in p..N_P3 {
                    let v = rule
                        .iter()
                        .zip(&d)
                        .map(|((_, w), dr)| w * dr[p] * dr[q])
                        .sum::<f64>();
                    b[p][q] += scale * v;
                    if p != q {
                        b[q][p] += scale * v;
                    }
                }
            }
        }
    }
    // Local coefficients → isotropic ones: ξ = J⁻¹ (x − x_c) = (h J⁻¹) s.
    let a = frame.jinv.map(|r| r.map(|x| x * h));
    let m = linear_substitution(a);
    // Mᵀ B M.
    let mut bm = [[0.0; N_P3]; N_P3];
    for i in 0..N_P3 {
        for j in 0..N_P3 {
            bm[i][j] = (0..N_P3).map(|k| b[i][k] * m[k][j]).sum();
        }
    }
    let mut out = [[0.0; N_P3]; N_P3];
    for i in 0..N_P3 {
        for j in 0..N_P3 {
            out[i][j] = (0..N_P3).map(|k| m[k][i] * bm[k][j]).sum();
        }
    }
    out
}
