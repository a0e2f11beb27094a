//! Per-cell precomputed reconstruction and WENO-type limiting ([`CellRecon`]).
//!
//! Candidates (with the constrained fit, `ReconOptions::own_weight = None`, all of them match the 4 own
//! subcell averages exactly, so every affine blend does too; with the default relaxed fit they match them
//! in the least-squares sense and the scheme restores them per subcell):
//!
//! * `0` — the high-order fit of [`reconstruction_matrix`](super::reconstruction_matrix) (normally P3
//!   least squares over the own subcells and all face neighbours);
//! * `1..=n` (only when candidate 0 is P3) — P2 least squares using the own subcells and the subcells of
//!   **one** neighbour `k` (8 rows, 6 coefficients); exact for P2;
//! * last — the minimum-curvature P2 through the own subcell averages only (exact for P1), for cells
//!   whose every neighbour lies across a discontinuity.
//!
//! Blend (WENO-ZQ / multi-resolution form, Zhu & Qiu): linear weights `γ_0 = γ_high`, the others share
//! `1 − γ_high` equally; `β_k = c_kᵀ B c_k` ([`smoothness_matrix`]);
//! `τ = Σ_{k≥1} |β_0 − β_k| / (n_c − 1)`; `α_k = γ_k (1 + (τ/(β_k + ε))²)`, `ω_k = α_k / Σ α`; result
//! `p = (ω_0/γ_0)(p_0 − Σ_{k≥1} γ_k p_k) + Σ_{k≥1} ω_k p_k`. With `ω = γ` this is `p_0` exactly; the
//! coefficients of the candidates in this affine combination sum to 1, so with the constrained fit each
//! own subcell average is kept.
//! `ε = ε_rel · max(max_i |data_i|², tiny)` makes the weights invariant under scaling of the data.

use super::geometry::{subcells, Point, Triangle, N_SUBCELLS};
use super::poly::{n_basis, smoothness_matrix, LocalFrame, N_P3};
use super::recon::{
    min_curvature_p2, reconstruction_matrix_with, try_ls, FitKind, ReconOptions, MAX_DATA,
    MAX_NEIGHBOURS,
};
use super::ScfvError;

/// Maximum number of limiter candidates (P3 + one P2 per neighbour + own-only P2).
pub const MAX_CANDIDATES: usize = MAX_NEIGHBOURS + 2;

/// Number of packed entries of the 9 × 9 smoothness matrix (indices 1..10, upper triangle).
const N_BETA: usize = 45;

/// Dimension of P2.
const P2: usize = n_basis(2);

/// Parameters of the nonlinear blend.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimiterParams {
    /// Linear weight of the high-order candidate (the rest share `1 − gamma_high` equally).
    pub gamma_high: f64,
    /// Relative ε: the absolute ε is `epsilon · max_i |data_i|²`.
    pub epsilon: f64,
}

impl Default for LimiterParams {
    fn default() -> Self {
        Self {
            gamma_high: 0.9,
            epsilon: 1e-10,
        }
    }
}

/// Candidate polynomials of one data vector.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidates {
    /// Number of candidates in use.
    pub n: usize,
    /// Their P3 coefficients (entries `n..` are unused).
    pub coeffs: [[f64; N_P3]; MAX_CANDIDATES],
    /// Their smoothness indicators β.
    pub beta: [f64; MAX_CANDIDATES],
}

/// Everything about one main cell that depends only on geometry: the reconstruction matrix, the limiter
/// candidates' matrices, the smoothness matrix and the own-subcell basis averages. Plain data, no heap
/// (`size_of::<CellRecon>()` bytes per cell).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellRecon {
    /// Scaled frame of the cell (coefficients refer to it).
    pub frame: LocalFrame,
    /// Number of face neighbours in the data vector.
    pub n_neighbours: usize,
    /// Which fit the unlimited reconstruction uses.
    pub kind: FitKind,
    /// Highest degree the unlimited reconstruction reproduces exactly.
    pub exact_degree: usize,
    /// `10 × 16` high-order matrix (columns beyond `n_data` are zero).
    high: [[f64; MAX_DATA]; N_P3],
    /// Number of neighbour P2 candidates (`n_neighbours` when the high fit is P3, else 0).
    n_low: usize,
    /// Which neighbour each P2 candidate uses.
    low_neighbour: [usize; MAX_NEIGHBOURS],
    /// `6 × 8` P2 matrices on (own 4, neighbour 4) data.
    low: [[[f64; 2 * N_SUBCELLS]; P2]; MAX_NEIGHBOURS],
    /// `6 × 4` minimum-curvature P2 on own data.
    own: [[f64; N_SUBCELLS]; P2],
    /// Packed smoothness matrix (rows/cols 1..10, upper triangle, row by row).
    beta: [f64; N_BETA],
    /// Basis averages over the own subcells.
    sub_avg: [[f64; N_P3]; N_SUBCELLS],
    /// Whether the limiter's data (candidates, smoothness matrix) were computed ([`CellRecon::unlimited_only`]
    /// leaves them out).
    limiting: bool,
}

impl CellRecon {
    /// Precomputes everything for a main cell (see [`reconstruction_matrix`](super::reconstruction_matrix)
    /// for the meaning of `own`, `neighbours` and the data order), with default options.
    pub fn new(own: Triangle, neighbours: &[Triangle]) -> Result<Self, ScfvError> {
        Self::new_with(own, neighbours, &ReconOptions::default())
    }

    /// [`CellRecon::new`] without the limiter's data (the candidates' matrices and the smoothness matrix):
    /// the same unlimited reconstruction, bit for bit, for a scheme that never limits, at a fraction of the
    /// set-up cost. [`CellRecon::candidates`] and the limited reconstructions must not be called on it.
    pub fn unlimited_only(own: Triangle, neighbours: &[Triangle]) -> Result<Self, ScfvError> {
        Self::build(own, neighbours, &ReconOptions::default(), false)
    }

    /// [`CellRecon::new`] with explicit reconstruction options.
    pub fn new_with(
        own: Triangle,
        neighbours: &[Triangle],
        opts: &ReconOptions,
    ) -> Result<Self, ScfvError> {
        Self::build(own, neighbours, opts, true)
    }

    /// The reconstruction, and with `limiting` the limiter's data.
    fn build(
        own: Triangle,
        neighbours: &[Triangle],
        opts: &ReconOptions,
        limiting: bool,
    ) -> Result<Self, ScfvError> {
        let r = reconstruction_matrix_with(own, neighbours, opts)?;
        let frame = r.frame;
        let mut high = [[0.0; MAX_DATA]; N_P3];
        for (i, row) in high.iter_mut().enumerate() {
            row[..r.n_data].copy_from_slice(&r.matrix[i * r.n_data..(i + 1) * r.n_data]);
        }
        let mut low = [[[0.0; 2 * N_SUBCELLS]; 6]; MAX_NEIGHBOURS];
        let mut low_neighbour = [0; MAX_NEIGHBOURS];
        let mut n_low = 0;
        if limiting && r.kind == FitKind::LeastSquaresP3 {
            for (k, nb) in neighbours.iter().enumerate() {
                if let Some((m, _)) = try_ls(&frame, &own, std::slice::from_ref(nb), 2, opts)? {
                    for (i, row) in low[n_low].iter_mut().enumerate() {
                        for (j, x) in row.iter_mut().enumerate() {
                            *x = m[(i, j)];
                        }
                    }
                    low_neighbour[n_low] = k;
                    n_low += 1;
                }
            }
        }
        let mut own_m = [[0.0; N_SUBCELLS]; 6];
        let mut beta = [0.0; N_BETA];
        if limiting {
            let m = min_curvature_p2(&frame, &own)?;
            for (i, row) in own_m.iter_mut().enumerate() {
                for (j, x) in row.iter_mut().enumerate() {
                    *x = m[(i, j)];
                }
            }
            let b = smoothness_matrix(&frame, &own, [1.0, 1.0, 1.0]);
            let mut idx = 0;
            for (i, row) in b.iter().enumerate().skip(1) {
                for (j, &bij) in row.iter().enumerate().skip(i) {
                    beta[idx] = if i == j { bij } else { 2.0 * bij };
                    idx += 1;
                }
            }
        }
        let mut sub_avg = [[0.0; N_P3]; N_SUBCELLS];
        for (s, sub) in subcells(&own).iter().enumerate() {
            sub_avg[s] = frame.basis_averages(sub);
        }
        Ok(Self {
            frame,
            n_neighbours: r.n_neighbours,
            kind: r.kind,
            exact_degree: r.exact_degree,
            high,
            n_low,
            low_neighbour,
            low,
            own: own_m,
            beta,
            sub_avg,
            limiting,
        })
    }

    /// Length of the data vector, `4 + 4 · n_neighbours`.
    pub fn n_data(&self) -> usize {
        N_SUBCELLS * (1 + self.n_neighbours)
    }

    /// Bytes of precomputed data per cell.
    pub const fn memory_bytes() -> usize {
        std::mem::size_of::<Self>()
    }

    /// Unlimited coefficients (high-order fit) of one scalar data vector.
    pub fn unlimited(&self, data: &[f64]) -> [f64; N_P3] {
        let n = self.n_data();
        assert_eq!(data.len(), n, "CellRecon: wrong data length");
        let mut c = [0.0; N_P3];
        for (ci, row) in c.iter_mut().zip(&self.high) {
            *ci = row[..n].iter().zip(data).map(|(a, b)| a * b).sum();
        }
        c
    }

    /// Unlimited coefficients of `N` components at once (`data[i][v]` = average `i` of component `v`).
    pub fn unlimited_n<const N: usize>(&self, data: &[[f64; N]]) -> [[f64; N_P3]; N] {
        let n = self.n_data();
        assert_eq!(data.len(), n, "CellRecon: wrong data length");
        let mut c = [[0.0; N_P3]; N];
        for (i, row) in self.high.iter().enumerate() {
            for (a, d) in row[..n].iter().zip(data) {
                for v in 0..N {
                    c[v][i] += a * d[v];
                }
            }
        }
        c
    }

    /// Smoothness indicator `β(p) = Σ_{1≤|α|≤3} ∫_T |T|^{|α|−1} (D^α p)² dx` of coefficients `c`.
    pub fn smoothness(&self, c: &[f64; N_P3]) -> f64 {
        let mut s = 0.0;
        let mut idx = 0;
        for i in 1..N_P3 {
            let mut row = 0.0;
            for cj in &c[i..] {
                row += self.beta[idx] * cj;
                idx += 1;
            }
            s += c[i] * row;
        }
        s
    }

    /// Number of limiter candidates.
    pub fn n_candidates(&self) -> usize {
        if self.kind == FitKind::MinCurvatureP2 {
            1
        } else {
            2 + self.n_low
        }
    }

    /// Linear weights `γ_k` of the candidates (sum 1).
    pub fn linear_weights(&self, params: &LimiterParams) -> [f64; MAX_CANDIDATES] {
        let n = self.n_candidates();
        let mut g = [0.0; MAX_CANDIDATES];
        if n == 1 {
            g[0] = 1.0;
            return g;
        }
        g[0] = params.gamma_high;
        for gk in &mut g[1..n] {
            *gk = (1.0 - params.gamma_high) / (n - 1) as f64;
        }
        g
    }

    /// All candidate polynomials of one scalar data vector and their smoothness indicators.
    pub fn candidates(&self, data: &[f64]) -> Candidates {
        assert!(
            self.limiting,
            "CellRecon::candidates on a reconstruction built without the limiter's data"
        );
        let mut out = Candidates {
            n: self.n_candidates(),
            coeffs: [[0.0; N_P3]; MAX_CANDIDATES],
            beta: [0.0; MAX_CANDIDATES],
        };
        out.coeffs[0] = self.unlimited(data);
        if out.n > 1 {
            let own = &data[..N_SUBCELLS];
            for l in 0..self.n_low {
                let k = self.low_neighbour[l];
                let nb = &data[N_SUBCELLS * (k + 1)..N_SUBCELLS * (k + 2)];
                for (i, row) in self.low[l].iter().enumerate() {
                    out.coeffs[1 + l][i] = row[..N_SUBCELLS]
                        .iter()
                        .zip(own)
                        .chain(row[N_SUBCELLS..].iter().zip(nb))
                        .map(|(a, b)| a * b)
                        .sum();
                }
            }
            let last = out.n - 1;
            for (i, row) in self.own.iter().enumerate() {
                out.coeffs[last][i] = row.iter().zip(own).map(|(a, b)| a * b).sum();
            }
        }
        for k in 0..out.n {
            out.beta[k] = self.smoothness(&out.coeffs[k]);
        }
        out
    }

    /// Nonlinear weights `ω_k` for the candidates (see the module docs); `scale` is the data magnitude
    /// that makes ε relative (e.g. `max_i |data_i|`).
    pub fn nonlinear_weights(
        &self,
        cand: &Candidates,
        scale: f64,
        params: &LimiterParams,
    ) -> [f64; MAX_CANDIDATES] {
        let g = self.linear_weights(params);
        let n = cand.n;
        if n == 1 {
            return g;
        }
        let eps = params.epsilon * (scale * scale).max(f64::MIN_POSITIVE);
        let tau = cand.beta[1..n]
            .iter()
            .map(|b| (cand.beta[0] - b).abs())
            .sum::<f64>()
            / (n - 1) as f64;
        let mut w = [0.0; MAX_CANDIDATES];
        let mut sum = 0.0;
        for k in 0..n {
            let r = tau / (cand.beta[k] + eps);
            w[k] = g[k] * (1.0 + r * r);
            sum += w[k];
        }
        for wk in &mut w[..n] {
            *wk /= sum;
        }
        w
    }

    /// The blended polynomial `(ω_0/γ_0)(p_0 − Σ γ_k p_k) + Σ ω_k p_k` for given nonlinear weights (so
    /// that one set of weights may be applied to several components).
    pub fn blend(
        &self,
        cand: &Candidates,
        omega: &[f64; MAX_CANDIDATES],
        params: &LimiterParams,
    ) -> [f64; N_P3] {
        let n = cand.n;
        if n == 1 {
            return cand.coeffs[0];
        }
        let g = self.linear_weights(params);
        let f0 = omega[0] / g[0];
        let mut c = cand.coeffs[0].map(|x| f0 * x);
        for k in 1..n {
            let a = omega[k] - f0 * g[k];
            for (ci, pk) in c.iter_mut().zip(&cand.coeffs[k]) {
                *ci += a * pk;
            }
        }
        c
    }

    /// Limited coefficients of one scalar data vector, with the nonlinear weights used.
    pub fn limited_with_weights(
        &self,
        data: &[f64],
        params: &LimiterParams,
    ) -> ([f64; N_P3], [f64; MAX_CANDIDATES]) {
        let cand = self.candidates(data);
        let scale = data.iter().fold(0.0, |m: f64, x| m.max(x.abs()));
        let w = self.nonlinear_weights(&cand, scale, params);
        (self.blend(&cand, &w, params), w)
    }

    /// Limited coefficients of one scalar data vector.
    pub fn limited(&self, data: &[f64], params: &LimiterParams) -> [f64; N_P3] {
        self.limited_with_weights(data, params).0
    }

    /// Value of a polynomial (coefficients in this cell's frame) at a physical point.
    pub fn value(&self, c: &[f64; N_P3], x: Point) -> f64 {
        self.frame.value(c, x)
    }

    /// Physical gradient of a polynomial at a physical point.
    pub fn gradient(&self, c: &[f64; N_P3], x: Point) -> Point {
        self.frame.gradient(c, x)
    }

    /// Average of a polynomial over the main cell (the mean of its 4 subcell averages).
    pub fn main_average(&self, c: &[f64; N_P3]) -> f64 {
        self.subcell_averages(c).iter().sum::<f64>() / N_SUBCELLS as f64
    }

    /// Last-resort bound limiter (Barth–Jespersen-type scaling, **not** subcell-conservative): returns
    /// `p̃ = p̄ + θ (p − p̄)` with `p̄` the main-cell average of `p` and the largest `θ ∈ [0, 1]` that puts
    /// the values at `points` into `[lo, hi]` (assumed to contain `p̄`; violations below
    /// `10⁻¹² · max(hi − lo, |p̄|)` are ignored), together with `θ`. Keeps the
    /// main-cell average exactly; the own subcell averages are kept only when `θ = 1`. Meant for cells
    /// cut by a discontinuity, where no polynomial that keeps all 4 subcell averages can be bounded.
    pub fn scale_into_bounds(
        &self,
        c: &[f64; N_P3],
        lo: f64,
        hi: f64,
        points: &[Point],
    ) -> ([f64; N_P3], f64) {
        let mean = self.main_average(c);
        // Violations within round-off of the bounds are ignored.
        let slack = 1e-12 * (hi - lo).abs().max(mean.abs());
        let mut theta: f64 = 1.0;
        for &x in points {
            let d = self.value(c, x) - mean;
            if d > 0.0 && mean + d > hi + slack {
                theta = theta.min(((hi - mean) / d).max(0.0));
            } else if d < 0.0 && mean + d < lo - slack {
                theta = theta.min(((lo - mean) / d).max(0.0));
            }
        }
        if theta >= 1.0 {
            return (*c, 1.0);
        }
        let mut out = c.map(|x| theta * x);
        out[0] += (1.0 - theta) * mean;
        (out, theta)
    }

    /// Averages of a polynomial over the 4 own subcells.
    pub fn subcell_averages(&self, c: &[f64; N_P3]) -> [f64; N_SUBCELLS] {
        self.sub_avg
            .map(|row| row.iter().zip(c).map(|(a, b)| a * b).sum())
    }
}
