//! Constrained least-squares reconstruction matrices (geometry only).
//!
//! For a main cell `T` (subcells `s = 0..3`) and its face neighbours (each with 4 subcells), the
//! polynomial `p ∈ P_d` minimises `Σ_{s'} w_{s'} (avg_{s'} p − ū_{s'})²` over the neighbour subcells
//! subject to `avg_s p = ū_s` on the 4 own subcells. Method (docs/method.md §7.3): scaled coordinates; Householder
//! QR of the constraint matrix `Cᵀ = Q [R₁; 0]` gives a particular solution `P ū_own`
//! (`P = Q₁ R₁⁻ᵀ`) and an orthonormal null-space basis `Z = Q₂`; the reduced weighted problem
//! `min ‖W^{1/2}(A Z y − (ū_nb − A P ū_own))‖` is solved with a Jacobi-SVD pseudo-inverse, whose
//! `σ_min/σ_max` decides whether the data support degree `d`. The result is the matrix `R` with
//! `coefficients = R · data`.

use super::geometry::{check_triangle, subcells, Triangle, N_SUBCELLS};
use super::linalg::{householder_qr, pseudo_inverse, solve_full_pivot, Mat};
use super::poly::{n_basis, smoothness_matrix, LocalFrame, N_P3};
use super::ScfvError;

/// Maximum number of face neighbours of a triangle.
pub const MAX_NEIGHBOURS: usize = 3;

/// Maximum length of a data vector (own 4 subcells + 4 per neighbour).
pub const MAX_DATA: usize = N_SUBCELLS * (1 + MAX_NEIGHBOURS);

/// Weights `w_{s'}` of the neighbour-subcell rows of the least-squares problem.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Weighting {
    /// `w = 1` for every neighbour subcell.
    Uniform,
    /// `w = d^(−power)` with `d` the distance from the main centroid to the subcell centroid measured in
    /// the cell's scaled local coordinates ([`LocalFrame`]): favours the neighbour subcells next to the
    /// shared edge.
    InverseDistance {
        /// Exponent (2 is a common choice).
        power: f64,
    },
}

/// Options of the reconstruction.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReconOptions {
    /// Row weights.
    pub weighting: Weighting,
    /// A degree is accepted only if `σ_min/σ_max` of its reduced, weighted least-squares matrix is at
    /// least this; otherwise the next lower fallback is tried.
    pub min_conditioning: f64,
    /// `None`: the own subcell averages are constraints, matched exactly (the polynomial is then one
    /// continuous function over the 4 subcells). `Some(w)`: they are ordinary least-squares rows of weight
    /// `w` (on the scale of the neighbour weights), and the operator restores each subcell's average by a
    /// constant per subcell, which leaves jumps of the size of the fitting error at the faces inside the
    /// main cell (see the module docs of [`super`] for why this is the default).
    pub own_weight: Option<f64>,
}

impl Default for ReconOptions {
    fn default() -> Self {
        Self {
            weighting: Weighting::InverseDistance { power: 2.0 },
            min_conditioning: 1e-4,
            own_weight: Some(1.0),
        }
    }
}

/// Which fit produced a reconstruction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitKind {
    /// P3 constrained least squares (the normal case, ≥ 2 neighbours): reproduces P3.
    LeastSquaresP3,
    /// P2 constrained least squares (fallback when the data do not support P3, e.g. one neighbour):
    /// reproduces P2.
    LeastSquaresP2,
    /// P2 through the 4 own subcell averages with the smallest second-derivative energy
    /// `∫_T Σ_{|α|=2} (D^α p)²` (no usable neighbour data): reproduces P1.
    MinCurvatureP2,
}

/// A precomputed reconstruction: `coefficients = matrix · data` (see [`reconstruction_matrix`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Recon {
    /// The scaled frame of the main cell the coefficients refer to.
    pub frame: LocalFrame,
    /// Number of neighbours the data vector holds.
    pub n_neighbours: usize,
    /// Length of the data vector, `4 + 4 · n_neighbours`.
    pub n_data: usize,
    /// The fit used.
    pub kind: FitKind,
    /// Degree of the resulting polynomial (2 or 3; cubic coefficients are zero when 2).
    pub degree: usize,
    /// Highest degree reproduced exactly (3, 2 or 1): the reconstruction is of order `exact_degree + 1`.
    pub exact_degree: usize,
    /// `σ_min/σ_max` of the reduced weighted least-squares matrix of the accepted fit (1 for
    /// [`FitKind::MinCurvatureP2`]).
    pub conditioning: f64,
    /// Row-major `10 × n_data` matrix.
    pub matrix: Vec<f64>,
}

impl Recon {
    /// The coefficients `matrix · data` (`data.len()` must be `n_data`).
    pub fn apply(&self, data: &[f64]) -> [f64; N_P3] {
        assert_eq!(data.len(), self.n_data, "Recon::apply: wrong data length");
        let mut c = [0.0; N_P3];
        for (i, ci) in c.iter_mut().enumerate() {
            let row = &self.matrix[i * self.n_data..(i + 1) * self.n_data];
            *ci = row.iter().zip(data).map(|(a, b)| a * b).sum();
        }
        c
    }
}

/// Rows of basis averages (first `nb` basis functions) over the 4 subcells of `tri`, in `frame`.
pub(crate) fn subcell_rows(frame: &LocalFrame, tri: &Triangle, nb: usize) -> Mat {
    let mut m = Mat::zeros(N_SUBCELLS, nb);
    for (s, sub) in subcells(tri).iter().enumerate() {
        let a = frame.basis_averages(sub);
        for j in 0..nb {
            m[(s, j)] = a[j];
        }
    }
    m
}

/// Row weights of the 4 subcells of each neighbour.
pub(crate) fn row_weights(frame: &LocalFrame, tri: &Triangle, weighting: Weighting) -> [f64; 4] {
    let subs = subcells(tri);
    let mut w = [1.0; 4];
    if let Weighting::InverseDistance { power } = weighting {
        for (s, sub) in subs.iter().enumerate() {
            let c = super::geometry::centroid(sub);
            let l = frame.to_local(c);
            w[s] = l[0].hypot(l[1]).powf(-power);
        }
    }
    w
}

/// Particular-solution operator `P` (`nb × 4`) and null-space basis `Z` (`nb × (nb − 4)`) of the
/// own-subcell constraints `C p = ū_own` (`C` is `4 × nb`).
fn constraint_split(c: &Mat) -> Result<(Mat, Mat), ScfvError> {
    let nb = c.cols;
    let (q, r) = householder_qr(&c.transpose()); // Cᵀ = Q R, Q nb × nb, R nb × 4
    let rmax = (0..4).map(|i| r[(i, i)].abs()).fold(0.0, f64::max);
    if (0..4).any(|i| r[(i, i)].abs() <= 1e-10 * rmax) {
        return Err(ScfvError::RankDeficient {
            what: "own-subcell constraints",
        });
    }
    // P = Q₁ R₁⁻ᵀ: solve R₁ᵀ X = I by forward substitution, then P = Q₁ X.
    let mut x = Mat::zeros(4, 4);
    for col in 0..4 {
        for i in 0..4 {
            let mut s = if i == col { 1.0 } else { 0.0 };
            for k in 0..i {
                s -= r[(k, i)] * x[(k, col)];
            }
            x[(i, col)] = s / r[(i, i)];
        }
    }
    let p = q.columns(0, 4).mul(&x);
    let z = q.columns(4, nb);
    Ok((p, z))
}

/// Constrained weighted least squares of degree `d` (2 or 3) with the own constraints `c` (`4 × nb`) and
/// the neighbour rows `a` (`m × nb`, weights `w`). Returns the `nb × (4 + m)` matrix and `σ_min/σ_max`
/// (0 when the rows cannot determine the free coefficients).
pub(crate) fn constrained_ls(c: &Mat, a: &Mat, w: &[f64]) -> Result<(Mat, f64), ScfvError> {
    let nb = c.cols;
    let m = a.rows;
    let (p, z) = constraint_split(c)?;
    let nfree = nb - 4;
    if m < nfree {
        return Ok((Mat::zeros(nb, 4 + m), 0.0));
    }
    // y = M⁺ W^{1/2} (ū_nb − A P ū_own), M = W^{1/2} A Z: the weighted least squares of the reduced rows.
    let (pinv_w, ratio) = weighted_ls(&a.mul(&z), w); // nfree × m
    let zy_nb = z.mul(&pinv_w); // nb × m
    let own = p.sub(&zy_nb.mul(&a.mul(&p))); // nb × 4
    let mut out = Mat::zeros(nb, 4 + m);
    for i in 0..nb {
        for j in 0..4 {
            out[(i, j)] = own[(i, j)];
        }
        for j in 0..m {
            out[(i, 4 + j)] = zy_nb[(i, j)];
        }
    }
    Ok((out, ratio))
}

/// Weighted least squares over all rows `a` (own subcells first) with weights `w`: the `nb × rows`
/// matrix and `σ_min/σ_max` of the weighted matrix (0 when there are fewer rows than coefficients).
fn weighted_ls(a: &Mat, w: &[f64]) -> (Mat, f64) {
    let (m, nb) = (a.rows, a.cols);
    if m < nb {
        return (Mat::zeros(nb, m), 0.0);
    }
    let sw: Vec<f64> = w.iter().map(|x| x.sqrt()).collect();
    let mut wa = a.clone();
    for i in 0..m {
        for j in 0..nb {
            wa[(i, j)] *= sw[i];
        }
    }
    let (mut pinv, ratio) = pseudo_inverse(&wa, 1e-13);
    for i in 0..nb {
        for j in 0..m {
            pinv[(i, j)] *= sw[j];
        }
    }
    (pinv, ratio)
}

/// The P2 polynomial through the 4 own subcell averages with the least second-derivative energy: the
/// `6 × 4` matrix (exact for P1).
pub(crate) fn min_curvature_p2(frame: &LocalFrame, own: &Triangle) -> Result<Mat, ScfvError> {
    let nb = n_basis(2);
    let c = subcell_rows(frame, own, nb);
    let (p, z) = constraint_split(&c)?;
    let b = smoothness_matrix(frame, own, [0.0, 1.0, 0.0]);
    let mut k = Mat::zeros(nb, nb);
    for i in 0..nb {
        for j in 0..nb {
            k[(i, j)] = b[i][j];
        }
    }
    let zt = z.transpose();
    let ztkz = zt.mul(&k).mul(&z);
    let rhs = zt.mul(&k).mul(&p);
    let y = solve_full_pivot(&ztkz, &rhs, 1e-12).ok_or(ScfvError::RankDeficient {
        what: "minimum-curvature fit",
    })?;
    Ok(p.sub(&z.mul(&y)))
}

/// Tries the constrained LS of degree `d` on the given neighbours; `None` if the data do not support it.
pub(crate) fn try_ls(
    frame: &LocalFrame,
    own: &Triangle,
    neighbours: &[Triangle],
    d: usize,
    opts: &ReconOptions,
) -> Result<Option<(Mat, f64)>, ScfvError> {
    let nb = n_basis(d);
    let c = subcell_rows(frame, own, nb);
    let m = N_SUBCELLS * neighbours.len();
    let mut a = Mat::zeros(m, nb);
    let mut w = vec![0.0; m];
    for (k, t) in neighbours.iter().enumerate() {
        let rows = subcell_rows(frame, t, nb);
        let wk = row_weights(frame, t, opts.weighting);
        for s in 0..N_SUBCELLS {
            for j in 0..nb {
                a[(4 * k + s, j)] = rows[(s, j)];
            }
            w[4 * k + s] = wk[s];
        }
    }
    let (mat, ratio) = match opts.own_weight {
        None => constrained_ls(&c, &a, &w)?,
        Some(wo) => {
            let mut own_w = [wo; N_SUBCELLS].to_vec();
            own_w.extend_from_slice(&w);
            weighted_ls(&c.stack(&a), &own_w)
        }
    };
    Ok(if ratio >= opts.min_conditioning {
        Some((mat, ratio))
    } else {
        None
    })
}

/// [`reconstruction_matrix`] with explicit options.
pub fn reconstruction_matrix_with(
    own: Triangle,
    neighbours: &[Triangle],
    opts: &ReconOptions,
) -> Result<Recon, ScfvError> {
    check_triangle(&own)?;
    if neighbours.len() > MAX_NEIGHBOURS {
        return Err(ScfvError::TooManyNeighbours(neighbours.len()));
    }
    for t in neighbours {
        check_triangle(t)?;
    }
    let frame = LocalFrame::new(&own);
    let n_data = N_SUBCELLS * (1 + neighbours.len());
    let attempt = [(3, FitKind::LeastSquaresP3), (2, FitKind::LeastSquaresP2)]
        .into_iter()
        .find_map(
            |(d, kind)| match try_ls(&frame, &own, neighbours, d, opts) {
                Ok(Some((m, r))) => Some(Ok((m, r, d, kind))),
                Ok(None) => None,
                Err(e) => Some(Err(e)),
            },
        )
        .transpose()?;
    let (mat, conditioning, degree, kind, exact_degree) = match attempt {
        Some((m, r, d, kind)) => (m, r, d, kind, d),
        None => {
            let m6 = min_curvature_p2(&frame, &own)?;
            let mut m = Mat::zeros(n_basis(2), n_data);
            for i in 0..n_basis(2) {
                for j in 0..N_SUBCELLS {
                    m[(i, j)] = m6[(i, j)];
                }
            }
            (m, 1.0, 2, FitKind::MinCurvatureP2, 1)
        }
    };
    let mut matrix = vec![0.0; N_P3 * n_data];
    for i in 0..mat.rows {
        for j in 0..n_data {
            matrix[i * n_data + j] = mat[(i, j)];
        }
    }
    Ok(Recon {
        frame,
        n_neighbours: neighbours.len(),
        n_data,
        kind,
        degree,
        exact_degree,
        conditioning,
        matrix,
    })
}

/// The reconstruction matrix of a main cell with vertices `own` and face neighbours `neighbours` (0 to 3
/// triangles, in any order; each neighbour's vertices in the order that defines *its* subcell numbering),
/// with the default [`ReconOptions`]. The data vector is the 4 own subcell averages followed by the 4 of
/// each neighbour, in the given order; `coefficients = R · data` are P3 coefficients in the own cell's
/// scaled frame. Falls back to P2 least squares, then to the minimum-curvature P2 (see [`FitKind`]) when
/// the neighbours cannot support the higher degree.
pub fn reconstruction_matrix(own: Triangle, neighbours: &[Triangle]) -> Result<Recon, ScfvError> {
    reconstruction_matrix_with(own, neighbours, &ReconOptions::default())
}
