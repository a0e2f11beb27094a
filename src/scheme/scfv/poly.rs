//! The polynomial space P3 in scaled local coordinates of a main triangle.
//!
//! Coordinates: `ξ = (x − x_c)/h`, `η = (y − y_c)/h` with `x_c` the main centroid and `h = √(2|T|)`
//! (the leg of the right isosceles triangle of the same area), so the scaled main triangle has area 1/2
//! and, for shape-regular cells, `|ξ|, |η| = O(1)`.
//!
//! Basis: the 10 monomials `ξ^i η^j`, `i + j ≤ 3`, ordered by degree,
//! `1, ξ, η, ξ², ξη, η², ξ³, ξ²η, ξη², η³` ([`MONOMIALS`]); the first [`n_basis`]`(d)` of them span P_d.

use super::geometry::{triangle_average, triangle_rule_deg5, Point, Triangle};

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

/// Scaled local frame of a main triangle: centroid and length scale `h = √(2|T|)`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LocalFrame {
    /// Main centroid `x_c`.
    pub centroid: Point,
    /// Length scale `h = √(2|T|)`.
    pub h: f64,
}

impl LocalFrame {
    /// The frame of a main triangle.
    pub fn new(t: &Triangle) -> Self {
        Self {
            centroid: super::geometry::centroid(t),
            h: (2.0 * super::geometry::area(t)).sqrt(),
        }
    }

    /// Scaled coordinates `(ξ, η)` of a physical point.
    pub fn to_local(&self, x: Point) -> Point {
        [
            (x[0] - self.centroid[0]) / self.h,
            (x[1] - self.centroid[1]) / self.h,
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
        let dx: f64 = gx.iter().zip(c).map(|(b, c)| b * c).sum();
        let dy: f64 = gy.iter().zip(c).map(|(b, c)| b * c).sum();
        [dx / self.h, dy / self.h]
    }

    /// Exact averages of the 10 basis functions over a triangle (any triangle, inside the main cell or
    /// not), by a degree-5 rule.
    pub fn basis_averages(&self, t: &Triangle) -> [f64; N_P3] {
        let mut out = [0.0; N_P3];
        for (k, o) in out.iter_mut().enumerate() {
            let (i, j) = MONOMIALS[k];
            *o = triangle_average(t, |x| {
                let p = self.to_local(x);
                p[0].powi(i as i32) * p[1].powi(j as i32)
            });
        }
        out
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

/// The smoothness-indicator matrix `B` (10 × 10, symmetric, first row/column zero) with
/// `β(p) = cᵀ B c = Σ_{1≤|α|≤3} ∫_T |T|^{|α|−1} (D^α p)² dx` for `p = Σ c_k φ_k` (each multi-index
/// `α = (a, b)` counted once). With `h² = 2|T|` this is `Σ_α 2^{1−|α|} ∫_{T̂} (D̂^α p)² dξ` on the
/// scaled triangle `T̂` (area 1/2), so `B` is dimensionless and depends only on the cell's shape.
/// Computed exactly (the integrands have degree ≤ 4, the rule is exact to degree 5).
/// `weights[l-1]` multiplies the order-`l` terms (use `[1, 1, 1]` for the standard β).
pub fn smoothness_matrix(
    frame: &LocalFrame,
    t: &Triangle,
    weights: [f64; 3],
) -> [[f64; N_P3]; N_P3] {
    let mut b = [[0.0; N_P3]; N_P3];
    let local = t.map(|x| frame.to_local(x));
    let area_hat = super::geometry::area(&local);
    for order in 1..=3u32 {
        let scale = weights[order as usize - 1] * 2f64.powi(1 - order as i32) * area_hat;
        for a in 0..=order {
            let bb = order - a;
            for p in 0..N_P3 {
                for q in p..N_P3 {
                    let (ip, jp) = MONOMIALS[p];
                    let (iq, jq) = MONOMIALS[q];
                    let v = triangle_rule_deg5()
                        .iter()
                        .map(|(l, w)| {
                            let x = [
                                l[0] * local[0][0] + l[1] * local[1][0] + l[2] * local[2][0],
                                l[0] * local[0][1] + l[1] * local[1][1] + l[2] * local[2][1],
                            ];
                            w * monomial_derivative(ip, jp, a, bb, x)
                                * monomial_derivative(iq, jq, a, bb, x)
                        })
                        .sum::<f64>();
                    b[p][q] += scale * v;
                    if p != q {
                        b[q][p] += scale * v;
                    }
                }
            }
        }
    }
    b
}
