//! Troubled elements of CPR-GKS and the subcell finite volumes that update them (the hybrid CPR–SCFV).
//!
//! **Indicator.** An element is troubled when the modal energy of its top degree is a large fraction of the
//! whole: with `c_k` the coefficients of `ρ·p` (its values at the solution points) in the orthonormal
//! Dubiner basis, `E = Σ_{deg k = p} c_k² / Σ_k c_k²` exceeds the threshold (Persson–Peraire's modal
//! decay, with the per-degree threshold `0.5·10^(−1.8 (p+1)^¼)` of Hennemann et al. as the default), or when
//! the polynomial is not admissible (density or pressure not positive) at a solution or flux point.
//!
//! **Subcells.** The reference triangle is cut by the lattice of spacing `1/p` into `p²` small triangles,
//! and each lattice node owns its median-dual cell (the pieces of the small triangles around it cut by
//! their medians): `(p+1)(p+2)/2` subcells, as many as solution points, so the subcell averages `ū = A w`
//! of the polynomial and the polynomial `w = A⁻¹ ū` determine each other (`A` is invertible for p = 1…5,
//! tested). A troubled element is updated as these subcells by a second-order finite volume: least-squares
//! gradients of the subcell averages inside the element, limited (Venkatakrishnan), the same gas-kinetic
//! flux at the midpoint of every subcell face inside the element; on the element's edges the subcells take
//! the common flux-point fluxes that the neighbour also takes (so the coupling is conservative whatever the
//! neighbour is), distributed onto the edge's `p + 1` subcell faces by the overlap of the Gauss weights
//! with the subface lengths, which keeps a uniform flow uniform. The subcell residuals `R` and `∂ₜR` map
//! back by `A⁻¹`: because the two-stage update is linear in them, updating the solution points by `A⁻¹R`
//! updates the subcell averages by `R` exactly.

use super::element::ElementGeometry;
use super::nodes::{dubiner_degrees, integrate};
use super::reference::{invert, Reference};
use crate::physics::flux::BATCH;
use crate::physics::{Gas, State};
use crate::scheme::cells::{lattice, lattice_index, weighted_sum};
use crate::scheme::unstructured::flux::{PointFlux, PointInput};
use crate::scheme::unstructured::slopes::{venkatakrishnan, LeastSquares};

/// The largest number of subcells (degree 5).
pub const MAX_SUB: usize = 21;

/// The Venkatakrishnan constant of the subcell limiter (`ε² = (K h)³`, `h` the subcell size).
const LIMITER_K: f64 = 1.0;

/// Per subcell: its neighbours and their least-squares gradient weights.
type Stencils = Vec<Vec<(usize, [f64; 2])>>;

/// A face inside the element between the subcells `a` and `b`: from `p0` (a lattice-edge midpoint) to
/// `p1` (a small triangle's centroid), reference coordinates, oriented so that `(t_y, −t_x)` with
/// `t = p1 − p0` points from `a` to `b`.
#[derive(Debug, Clone, Copy)]
struct Segment {
    a: usize,
    b: usize,
    p0: [f64; 2],
    p1: [f64; 2],
}

impl Segment {
    fn mid(&self) -> [f64; 2] {
        [
            0.5 * (self.p0[0] + self.p1[0]),
            0.5 * (self.p0[1] + self.p1[1]),
        ]
    }
}

/// The subcells of the reference triangle for degree p and the troubled-cell indicator.
#[derive(Debug, Clone)]
pub struct Subcells {
    np: usize,
    nfe: usize,
    /// Row-major np × np: `A[s][j] = ∫_s ℓ_j / |s|`.
    avg: Vec<f64>,
    /// `A⁻¹`.
    inv: Vec<f64>,
    /// `|s|/|T|` per subcell.
    frac: Vec<f64>,
    /// Reference centroid per subcell.
    centroid: Vec<[f64; 2]>,
    segments: Vec<Segment>,
    /// Per element flux point `k·nfe + l`: the subcell whose edge face holds it.
    flux_cell: Vec<usize>,
    /// Per edge `k` and subface `i`: its subcell (`k·nfe + i`).
    edge_cell: Vec<usize>,
    /// Row-major nfe × nfe: the part of the Gauss weight of flux point `l` on subface `i` (`[i·nfe + l]`).
    overlap: Vec<f64>,
    /// Per subcell: neighbours and their least-squares gradient weights (reference coordinates).
    lsq: Stencils,
    /// Per subcell: the offsets from its centroid to the points where it is evaluated (reference).
    probes: Vec<Vec<[f64; 2]>>,
    /// Dubiner coefficients of the Lagrange basis (row-major np × np) and which are of degree p.
    modal: Vec<f64>,
    top: Vec<bool>,
    /// The default threshold of the indicator for this degree.
    pub default_threshold: f64,
}

/// The default indicator threshold for degree `p`: `0.5·10^(−1.8 (p+1)^¼)`.
pub fn default_threshold(p: usize) -> f64 {
    0.5 * 10f64.powf(-1.8 * ((p + 1) as f64).powf(0.25))
}

/// `∫ f` over the triangle `t` (reference coordinates) with the `n`-point collapsed rule.
fn integrate_on(t: [[f64; 2]; 3], n: usize, f: impl Fn([f64; 2]) -> f64) -> f64 {
    let (a, b) = (
        [t[1][0] - t[0][0], t[1][1] - t[0][1]],
        [t[2][0] - t[0][0], t[2][1] - t[0][1]],
    );
    let det = (a[0] * b[1] - a[1] * b[0]).abs();
    det * integrate(n, |[u, v]| {
        f([t[0][0] + a[0] * u + b[0] * v, t[0][1] + a[1] * u + b[1] * v])
    })
}

impl Subcells {
    /// The subcells of the reference operators `r`.
    pub fn new(r: &Reference) -> Result<Self, String> {
        let (p, np, nfe) = (r.degree, r.np, r.nfe);
        let (nodes, tris) = lattice(p);
        let idx = |i, j| lattice_index(p, i, j);
        let avg_pt = |a: [f64; 2], b: [f64; 2]| [0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1])];
        let mut integ = vec![0.0; np * np];
        let mut area = vec![0.0; np];
        let mut moment = vec![[0.0; 2]; np];
        let mut segments = Vec::new();
        let n = p + 2;
        for t in tris {
            let x = t.map(|k| nodes[k]);
            let g = [
                (x[0][0] + x[1][0] + x[2][0]) / 3.0,
                (x[0][1] + x[1][1] + x[2][1]) / 3.0,
            ];
            for k in 0..3 {
                let (u, v, w) = (k, (k + 1) % 3, (k + 2) % 3);
                let (m_uv, m_wu) = (avg_pt(x[u], x[v]), avg_pt(x[w], x[u]));
                // Node u's piece: (u, m_uv, g) and (u, g, m_wu).
                for piece in [[x[u], m_uv, g], [x[u], g, m_wu]] {
                    let s = t[u];
                    area[s] += integrate_on(piece, 2, |_| 1.0);
                    for c in 0..2 {
                        moment[s][c] += integrate_on(piece, 2, |y| y[c]);
                    }
                    for j in 0..np {
                        integ[s * np + j] += integrate_on(piece, n, |y| r.basis_at(y)[j]);
                    }
                }
                // The face between u and v: from the edge midpoint to the centroid.
                let (mut p0, mut p1) = (m_uv, g);
                let tv = [p1[0] - p0[0], p1[1] - p0[1]];
                let d = [x[v][0] - x[u][0], x[v][1] - x[u][1]];
                if tv[1] * d[0] - tv[0] * d[1] < 0.0 {
                    std::mem::swap(&mut p0, &mut p1);
                }
                segments.push(Segment {
                    a: t[u],
                    b: t[v],
                    p0,
                    p1,
                });
            }
        }
        let total: f64 = area.iter().sum();
        let avg: Vec<f64> = (0..np * np).map(|k| integ[k] / area[k / np]).collect();
        let inv = invert(&avg, np).ok_or_else(|| format!("singular subcell map, p = {p}"))?;
        let centroid: Vec<[f64; 2]> = (0..np)
            .map(|s| [moment[s][0] / area[s], moment[s][1] / area[s]])
            .collect();
        let edge_node = |k: usize, i: usize| match k {
            0 => idx(i, 0),
            1 => idx(p - i, i),
            _ => idx(0, p - i),
        };
        let edge_cell: Vec<usize> = (0..3)
            .flat_map(|k| (0..nfe).map(move |i| (k, i)))
            .map(|(k, i)| edge_node(k, i))
            .collect();
        let flux_cell: Vec<usize> = (0..3 * nfe)
            .map(|c| edge_node(c / nfe, (r.edge_t[c % nfe] * p as f64).round() as usize))
            .collect();
        let overlap = overlap(p, &r.edge_w);
        let lsq = least_squares(np, &segments, &centroid)?;
        let mut probes: Vec<Vec<[f64; 2]>> = vec![Vec::new(); np];
        for sg in &segments {
            let m = sg.mid();
            for s in [sg.a, sg.b] {
                probes[s].push([m[0] - centroid[s][0], m[1] - centroid[s][1]]);
            }
        }
        for (c, &s) in flux_cell.iter().enumerate() {
            let x = r.flux_point(c / nfe, c % nfe);
            probes[s].push([x[0] - centroid[s][0], x[1] - centroid[s][1]]);
        }
        let top = dubiner_degrees(p).into_iter().map(|d| d == p).collect();
        Ok(Subcells {
            np,
            nfe,
            avg,
            inv,
            frac: area.iter().map(|a| a / total).collect(),
            centroid,
            segments,
            flux_cell,
            edge_cell,
            overlap,
            lsq,
            probes,
            modal: r.vinv.clone(),
            top,
            default_threshold: default_threshold(p),
        })
    }

    /// The modal energy fraction of the top degree of `ρ·p` (0 for a polynomial of lower degree).
    pub fn energy(&self, gas: &Gas, w: &[State]) -> f64 {
        let np = self.np;
        let mut v = [0.0; MAX_SUB];
        for (x, s) in v.iter_mut().zip(w) {
            *x = s[0] * gas.pressure(s);
        }
        let (mut top, mut all) = (0.0, 0.0);
        for k in 0..np {
            let row = &self.modal[k * np..(k + 1) * np];
            let c: f64 = row.iter().zip(&v).map(|(a, b)| a * b).sum();
            all += c * c;
            if self.top[k] {
                top += c * c;
            }
        }
        if all > 0.0 {
            top / all
        } else {
            0.0
        }
    }

    /// The subcell averages of the polynomial with solution-point values `w`.
    fn averages(&self, w: &[State]) -> [State; MAX_SUB] {
        let mut u = [[0.0; 4]; MAX_SUB];
        for (s, us) in u.iter_mut().enumerate().take(self.np) {
            *us = self.average(w, s);
        }
        u
    }

    /// The average over subcell `s` of the polynomial with solution-point values `w`.
    pub fn average(&self, w: &[State], s: usize) -> State {
        weighted_sum(&self.avg[s * self.np..(s + 1) * self.np], w)
    }

    /// The positivity limiter of Zhang and Shu on the subcell averages: when some subcell average of the
    /// element with values `w` has a density or pressure below `1e−10` of the element mean's, the polynomial
    /// is scaled towards its mean, `w ← m + θ (w − m)`, with the largest `θ` that brings every subcell
    /// average up to that floor (found by bisection; the pressure is concave in the conservative
    /// variables). The mean, and so conservation, is kept. Nothing is done when the mean itself is not
    /// admissible (the solver then redoes the step).
    pub fn positivity(&self, r: &Reference, gas: &Gas, w: &mut [State]) {
        let m = super::element::mean(r, w);
        if !gas.admissible(&m) {
            return;
        }
        let (rho_min, p_min) = (1e-10 * m[0], 1e-10 * gas.pressure(&m));
        let ok = |u: &State| {
            u[0] >= rho_min && gas.pressure(u) >= p_min && u.iter().all(|x| x.is_finite())
        };
        let mix =
            |u: &State, t: f64| -> State { std::array::from_fn(|q| m[q] + t * (u[q] - m[q])) };
        let mut theta = 1.0f64;
        for s in 0..self.np {
            let u = self.average(w, s);
            if ok(&mix(&u, theta)) {
                continue;
            }
            let (mut lo, mut hi) = (0.0, theta);
            for _ in 0..40 {
                let mid = 0.5 * (lo + hi);
                if ok(&mix(&u, mid)) {
                    lo = mid;
                } else {
                    hi = mid;
                }
            }
            theta = lo;
        }
        if theta < 1.0 {
            for x in w.iter_mut() {
                *x = mix(x, theta);
            }
        }
    }

    /// The limited second-order reconstruction of the subcells of an element with values `w`.
    pub fn reconstruct(
        &self,
        r: &Reference,
        gas: &Gas,
        g: &ElementGeometry,
        w: &[State],
    ) -> Reconstruction {
        let np = self.np;
        let mut mean = self.averages(w);
        let fallback = super::element::mean(r, w);
        for m in mean.iter_mut().take(np) {
            if !gas.admissible(m) {
                *m = fallback;
            }
        }
        let h = g.size / self.np.max(2) as f64;
        let eps2 = (LIMITER_K * h).powi(3);
        let mut grad = [[[0.0; 4]; 2]; MAX_SUB];
        for s in 0..np {
            let (mut lo, mut hi) = (mean[s], mean[s]);
            let mut gs = [[0.0; 4]; 2];
            for &(nb, wt) in &self.lsq[s] {
                for q in 0..4 {
                    let d = mean[nb][q] - mean[s][q];
                    gs[0][q] += wt[0] * d;
                    gs[1][q] += wt[1] * d;
                    lo[q] = lo[q].min(mean[nb][q]);
                    hi[q] = hi[q].max(mean[nb][q]);
                }
            }
            for q in 0..4 {
                let mut phi = 1.0f64;
                for o in &self.probes[s] {
                    let d2 = gs[0][q] * o[0] + gs[1][q] * o[1];
                    phi = phi.min(venkatakrishnan(
                        lo[q] - mean[s][q],
                        hi[q] - mean[s][q],
                        d2,
                        eps2,
                    ));
                }
                gs[0][q] *= phi;
                gs[1][q] *= phi;
            }
            let ok = self.probes[s].iter().all(|o| {
                let v: State =
                    std::array::from_fn(|q| mean[s][q] + gs[0][q] * o[0] + gs[1][q] * o[1]);
                gas.admissible(&v)
            });
            if ok {
                grad[s] = gs;
            }
        }
        Reconstruction { mean, grad }
    }

    /// The trace at element flux point `c`: value and physical gradient.
    pub fn trace(
        &self,
        rec: &Reconstruction,
        g: &ElementGeometry,
        r: &Reference,
        c: usize,
    ) -> [State; 3] {
        let s = self.flux_cell[c];
        let x = r.flux_point(c / self.nfe, c % self.nfe);
        rec.at(
            s,
            g,
            [x[0] - self.centroid[s][0], x[1] - self.centroid[s][1]],
        )
    }

    /// The outward flux integrals `(∮F·n, ∮∂ₜF·n)` of every subcell through its faces inside the element,
    /// into `out` (np entries).
    pub fn internal(
        &self,
        pf: &PointFlux,
        rec: &Reconstruction,
        g: &ElementGeometry,
        dt: f64,
        out: &mut [(State, State)],
    ) {
        out.iter_mut().for_each(|o| *o = ([0.0; 4], [0.0; 4]));
        let jac = g.jacobian();
        let phys = |d: [f64; 2]| [jac[0] * d[0] + jac[1] * d[1], jac[2] * d[0] + jac[3] * d[1]];
        let zero = ([0.0; 4], [0.0; 4], [0.0; 4]);
        for chunk in self.segments.chunks(BATCH) {
            let mut pts = [PointInput {
                n: [1.0, 0.0],
                x: [0.0; 2],
                ilen: 0.0,
                bc: None,
                left: zero,
                right: zero,
            }; BATCH];
            let mut lens = [0.0; BATCH];
            for (k, sg) in chunk.iter().enumerate() {
                let t = phys([sg.p1[0] - sg.p0[0], sg.p1[1] - sg.p0[1]]);
                let len = t[0].hypot(t[1]);
                let n = [t[1] / len, -t[0] / len];
                let m = sg.mid();
                let side = |s: usize| {
                    let [v, dx, dy] = rec.at(
                        s,
                        g,
                        [m[0] - self.centroid[s][0], m[1] - self.centroid[s][1]],
                    );
                    let dn = std::array::from_fn(|q| dx[q] * n[0] + dy[q] * n[1]);
                    let dtn = std::array::from_fn(|q| -dx[q] * n[1] + dy[q] * n[0]);
                    (v, dn, dtn)
                };
                let dc = phys([
                    self.centroid[sg.b][0] - self.centroid[sg.a][0],
                    self.centroid[sg.b][1] - self.centroid[sg.a][1],
                ]);
                pts[k] = PointInput {
                    n,
                    x: [0.0; 2],
                    ilen: 1.0 / (dc[0] * n[0] + dc[1] * n[1]).abs(),
                    bc: None,
                    left: side(sg.a),
                    right: side(sg.b),
                };
                lens[k] = len;
            }
            let mut fl = [([0.0; 4], [0.0; 4]); BATCH];
            pf.fluxes(&pts[..chunk.len()], &mut fl[..chunk.len()], dt);
            for (k, sg) in chunk.iter().enumerate() {
                let (f0, fd) = fl[k];
                for q in 0..4 {
                    out[sg.a].0[q] += lens[k] * f0[q];
                    out[sg.a].1[q] += lens[k] * fd[q];
                    out[sg.b].0[q] -= lens[k] * f0[q];
                    out[sg.b].1[q] -= lens[k] * fd[q];
                }
            }
        }
    }

    /// The residuals `(L, ∂ₜL)` at the solution points of a troubled element from its internal subcell
    /// flux integrals `internal` and its outward common fluxes `edge(c)` at its flux points `c`.
    pub fn residuals(
        &self,
        g: &ElementGeometry,
        internal: &[(State, State)],
        edge: impl Fn(usize) -> (State, State),
        l: &mut [State],
        lt: &mut [State],
    ) {
        let (np, nfe) = (self.np, self.nfe);
        let mut acc = [([0.0; 4], [0.0; 4]); MAX_SUB];
        acc[..np].copy_from_slice(&internal[..np]);
        for k in 0..3 {
            for lp in 0..nfe {
                let (f0, fd) = edge(k * nfe + lp);
                for i in 0..nfe {
                    let wgt = g.len[k] * self.overlap[i * nfe + lp];
                    if wgt == 0.0 {
                        continue;
                    }
                    let a = &mut acc[self.edge_cell[k * nfe + i]];
                    for q in 0..4 {
                        a.0[q] += wgt * f0[q];
                        a.1[q] += wgt * fd[q];
                    }
                }
            }
        }
        for (s, a) in acc.iter_mut().enumerate().take(np) {
            let ia = -1.0 / (self.frac[s] * g.area);
            a.0.iter_mut().for_each(|x| *x *= ia);
            a.1.iter_mut().for_each(|x| *x *= ia);
        }
        for j in 0..np {
            let row = &self.inv[j * np..(j + 1) * np];
            let (mut a, mut b) = ([0.0; 4], [0.0; 4]);
            for (c, (r0, rd)) in row.iter().zip(&acc) {
                for q in 0..4 {
                    a[q] += c * r0[q];
                    b[q] += c * rd[q];
                }
            }
            l[j] = a;
            lt[j] = b;
        }
    }
}

/// The limited linear reconstruction of the subcells of one element: averages and reference gradients.
#[derive(Debug, Clone, Copy)]
pub struct Reconstruction {
    mean: [State; MAX_SUB],
    grad: [[State; 2]; MAX_SUB],
}

impl Reconstruction {
    /// Value and physical gradient of subcell `s` at the reference offset `o` from its centroid.
    fn at(&self, s: usize, g: &ElementGeometry, o: [f64; 2]) -> [State; 3] {
        let (m, gs) = (&self.mean[s], &self.grad[s]);
        let v = std::array::from_fn(|q| m[q] + gs[0][q] * o[0] + gs[1][q] * o[1]);
        let (dx, dy) = g.gradient(&gs[0], &gs[1]);
        [v, dx, dy]
    }
}

/// `overlap[i·nfe + l]`: the length (fraction of the edge) shared by subface `i` (`[(i − ½)/p, (i + ½)/p]`
/// clipped to the edge) and the interval of Gauss weight `l` (`[W_{l−1}, W_l]`, `W` the cumulative weights).
fn overlap(p: usize, edge_w: &[f64]) -> Vec<f64> {
    let nfe = edge_w.len();
    let mut cum = vec![0.0; nfe + 1];
    for l in 0..nfe {
        cum[l + 1] = cum[l] + edge_w[l];
    }
    cum[nfe] = 1.0;
    let mut b = vec![0.0; nfe * nfe];
    for i in 0..nfe {
        let lo = ((i as f64 - 0.5) / p as f64).max(0.0);
        let hi = ((i as f64 + 0.5) / p as f64).min(1.0);
        for l in 0..nfe {
            b[i * nfe + l] = (hi.min(cum[l + 1]) - lo.max(cum[l])).max(0.0);
        }
    }
    b
}

/// Least-squares gradient weights of every subcell from its neighbours' centroid offsets.
fn least_squares(
    np: usize,
    segments: &[Segment],
    centroid: &[[f64; 2]],
) -> Result<Stencils, String> {
    let mut nbs: Vec<Vec<usize>> = vec![Vec::new(); np];
    for sg in segments {
        for (a, b) in [(sg.a, sg.b), (sg.b, sg.a)] {
            if !nbs[a].contains(&b) {
                nbs[a].push(b);
            }
        }
    }
    nbs.iter()
        .enumerate()
        .map(|(s, nb)| {
            let d: Vec<[f64; 2]> = nb
                .iter()
                .map(|&n| {
                    [
                        centroid[n][0] - centroid[s][0],
                        centroid[n][1] - centroid[s][1],
                    ]
                })
                .collect();
            let ls = LeastSquares::new(&d);
            if ls.det.abs() < 1e-14 {
                return Err(format!("subcell {s} has a degenerate gradient stencil"));
            }
            Ok(nb
                .iter()
                .zip(&d)
                .map(|(&n, &x)| (n, ls.weight(x)))
                .collect())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subcells_partition_the_triangle_and_the_map_inverts() {
        for p in 1..=5 {
            let r = Reference::cached(p).unwrap();
            let sc = Subcells::new(&r).unwrap();
            let total: f64 = sc.frac.iter().sum();
            assert!((total - 1.0).abs() < 1e-13, "p = {p}: {total}");
            // A is exact for the constant: every row sums to 1.
            for s in 0..sc.np {
                let row: f64 = sc.avg[s * sc.np..(s + 1) * sc.np].iter().sum();
                assert!((row - 1.0).abs() < 1e-12, "p = {p}, row {s}: {row}");
            }
            // A·A⁻¹ = I.
            let np = sc.np;
            for i in 0..np {
                for j in 0..np {
                    let v: f64 = (0..np)
                        .map(|k| sc.avg[i * np + k] * sc.inv[k * np + j])
                        .sum();
                    let want = if i == j { 1.0 } else { 0.0 };
                    assert!((v - want).abs() < 1e-10, "p = {p} ({i}, {j}): {v}");
                }
            }
        }
    }

    #[test]
    fn overlap_keeps_weights_and_lengths() {
        for p in 1..=5 {
            let r = Reference::cached(p).unwrap();
            let b = overlap(p, &r.edge_w);
            let nfe = p + 1;
            for l in 0..nfe {
                let col: f64 = (0..nfe).map(|i| b[i * nfe + l]).sum();
                assert!((col - r.edge_w[l]).abs() < 1e-14);
            }
            for i in 0..nfe {
                let row: f64 = b[i * nfe..(i + 1) * nfe].iter().sum();
                let want = if i == 0 || i == p {
                    0.5 / p as f64
                } else {
                    1.0 / p as f64
                };
                assert!((row - want).abs() < 1e-14, "p = {p}, subface {i}: {row}");
            }
        }
    }

    #[test]
    fn every_flux_point_lies_on_its_subcells_face() {
        for p in 1..=5 {
            let r = Reference::cached(p).unwrap();
            let sc = Subcells::new(&r).unwrap();
            for c in 0..3 * r.nfe {
                let (k, l) = (c / r.nfe, c % r.nfe);
                let i = (0..r.nfe)
                    .position(|i| sc.edge_cell[k * r.nfe + i] == sc.flux_cell[c])
                    .unwrap();
                let t = r.edge_t[l] * p as f64;
                assert!((t - i as f64).abs() <= 0.5, "p = {p}, flux point {c}");
            }
        }
    }

    #[test]
    fn indicator_is_zero_below_degree_p_and_large_for_a_jump() {
        let gas = Gas::new(1.4).unwrap();
        for p in 1..=5 {
            let r = Reference::cached(p).unwrap();
            let sc = Subcells::new(&r).unwrap();
            let state = |rho: f64| [rho, 0.0, 0.0, 1.0 / 0.4];
            // ρ linear in r: ρ·p of degree 1 (p = 1 is all top degree, skip).
            let w: Vec<State> = r.points.iter().map(|x| state(1.0 + 0.1 * x[0])).collect();
            if p > 1 {
                assert!(sc.energy(&gas, &w) < 1e-25, "p = {p}");
            }
            let jump: Vec<State> = r
                .points
                .iter()
                .map(|x| state(if x[0] + x[1] < 0.5 { 1.0 } else { 0.125 }))
                .collect();
            let e = sc.energy(&gas, &jump);
            assert!(e > 10.0 * sc.default_threshold, "p = {p}: {e}");
        }
    }
}
