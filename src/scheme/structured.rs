//! WENO5-GKS on a structured mesh (method note §d.1): dimension-by-dimension WENO reconstruction of face
//! values and derivatives, the gas-kinetic flux at Gauss points of every face, and the finite-volume residuals
//! `L(W)` and `∂ₜL(W)` that the two-stage time stepping combines.
//!
//! Per direction the work is done in two passes over "lines" (rows for x-faces, columns for y-faces):
//! 1. *Normal sweep*: WENO5 gives each cell's two end values along the line (segment averages over the face,
//!    because the inputs are 2D cell averages); with the cell mean they define a parabola, whose end slopes
//!    are the one-sided normal derivatives.
//! 2. *Face fluxes*: along each face a tangential WENO5 of the segment values of five neighbouring lines
//!    gives end values; with the segment mean they define a parabola evaluated at the Gauss points (values
//!    and tangential derivatives). Normal derivatives and the equilibrium normal derivative (the four-cell
//!    formula of §b.1) are carried to the Gauss points by the quadratic through three lines.
//!
//! Every face and cell is computed independently from its inputs, so results do not depend on the number of
//! threads. A strip (`ny = 1`) is homogeneous in y: only x-faces are computed, with one point per face.

use rayon::prelude::*;

use super::boundary::{BoundarySet, Padded, GHOST};
use super::characteristic::Eigen;
use super::weno::Weno;
use crate::case::{Case, Variables};
use crate::mesh::StructuredMesh;
use crate::physics::{from_local, gks_flux, to_local, FacePoint, FluxParams, Gas, State};

/// Residuals of the interior cells in global order: `l = L(W)`, `lt = ∂ₜL(W)`.
#[derive(Debug, Clone)]
pub struct Residual {
    /// `L(W)`.
    pub l: Vec<State>,
    /// `∂ₜL(W)`.
    pub lt: Vec<State>,
}

impl Residual {
    /// Zeroed residuals for `n` cells.
    pub fn new(n: usize) -> Self {
        Residual {
            l: vec![[0.0; 4]; n],
            lt: vec![[0.0; 4]; n],
        }
    }
}

/// One sweep direction over the padded array.
#[derive(Debug, Clone, Copy)]
struct Dir {
    /// Face normal.
    n: [f64; 2],
    /// Padded cells along a line.
    len: usize,
    /// Number of padded lines.
    lines: usize,
    /// Stride of the array along a line and across lines.
    sn: usize,
    st: usize,
    /// Spacing along and across the lines.
    hn: f64,
    ht: f64,
    /// Sign of the local tangent `t = (−n_y, n_x)` against the direction of increasing line index.
    tsign: f64,
    /// Ghost lines before the first interior line.
    gt: usize,
    /// Interior cells along a line and interior lines.
    n_cells: usize,
    n_lines: usize,
}

impl Dir {
    #[inline(always)]
    fn w(&self, line: usize, pos: usize) -> usize {
        line * self.st + pos * self.sn
    }
}

#[inline(always)]
fn comb(a: &State, b: &State, ca: f64, cb: f64) -> State {
    [
        ca * a[0] + cb * b[0],
        ca * a[1] + cb * b[1],
        ca * a[2] + cb * b[2],
        ca * a[3] + cb * b[3],
    ]
}

/// Parabola with end values `a`, `b` on `[−h/2, h/2]` and mean `m`: value and derivative at `η`.
#[inline(always)]
fn parabola(a: f64, b: f64, m: f64, h: f64, eta: f64) -> (f64, f64) {
    let c1 = (b - a) / h;
    let c2 = (3.0 * (a + b) - 6.0 * m) / (h * h);
    let c0 = m - c2 * h * h / 12.0;
    (c0 + c1 * eta + c2 * eta * eta, c1 + 2.0 * c2 * eta)
}

/// Quadratic with averages `dm`, `d0`, `dp` over three cells of width `h`, evaluated at `η` in the middle one.
#[inline(always)]
fn quadratic(dm: f64, d0: f64, dp: f64, h: f64, eta: f64) -> f64 {
    let s2 = dp - 2.0 * d0 + dm;
    d0 - s2 / 24.0 + (dp - dm) / (2.0 * h) * eta + s2 / (2.0 * h * h) * eta * eta
}

/// The WENO5-GKS spatial operator of one structured mesh, with its work arrays.
pub struct StructuredOperator {
    gas: Gas,
    flux: FluxParams,
    weno: Weno,
    characteristic: bool,
    /// Gauss points across a face: offsets as fractions of the face length and weights summing to 1.
    gauss: Vec<(f64, f64)>,
    mesh: StructuredMesh,
    pad: Padded,
    bc: BoundarySet,
    dirs: Vec<Dir>,
    // Normal-sweep results, line-major per direction (reused by each direction in turn).
    fl: Vec<State>,
    fr: Vec<State>,
    dm: Vec<State>,
    dp: Vec<State>,
    // Face-averaged F⁰ and ∂ₜF⁰ per direction, line-major: [interior line][face].
    f0: Vec<Vec<State>>,
    fd: Vec<Vec<State>>,
    /// Padded cells whose faces fall back to the first-order flux (a posteriori limiting), and whether any is set.
    low_order: Vec<bool>,
    any_low_order: bool,
}

impl StructuredOperator {
    /// The operator for a case on its mesh.
    pub fn new(case: &Case, gas: Gas, mesh: &StructuredMesh) -> Self {
        let pad = Padded::new(mesh);
        let [hx, hy] = mesh.spacing;
        let mut dirs = vec![Dir {
            n: [1.0, 0.0],
            len: pad.width,
            lines: pad.height,
            sn: 1,
            st: pad.width,
            hn: hx,
            ht: hy,
            tsign: 1.0,
            gt: pad.gy,
            n_cells: mesh.nx,
            n_lines: mesh.ny,
        }];
        if !mesh.is_strip() {
            dirs.push(Dir {
                n: [0.0, 1.0],
                len: pad.height,
                lines: pad.width,
                sn: pad.width,
                st: 1,
                hn: hy,
                ht: hx,
                tsign: -1.0,
                gt: GHOST,
                n_cells: mesh.ny,
                n_lines: mesh.nx,
            });
        }
        let gauss = if mesh.is_strip() {
            vec![(0.0, 1.0)]
        } else if case.scheme.gauss_points == 2 {
            let g = 0.5 / 3f64.sqrt();
            vec![(-g, 0.5), (g, 0.5)]
        } else {
            let g = 0.5 * (0.6f64).sqrt();
            vec![(-g, 5.0 / 18.0), (0.0, 4.0 / 9.0), (g, 5.0 / 18.0)]
        };
        let f0 = dirs
            .iter()
            .map(|d| vec![[0.0; 4]; d.n_lines * (d.n_cells + 1)])
            .collect::<Vec<_>>();
        let n = pad.len();
        StructuredOperator {
            gas,
            flux: FluxParams {
                tau_c1: case.flux.tau_c1,
                tau_c2: case.flux.tau_c2,
                viscosity: 0.0,
            },
            weno: Weno {
                variant: case.scheme.weno,
                epsilon: case.scheme.epsilon,
            },
            characteristic: case.scheme.variables == Variables::Characteristic,
            gauss,
            mesh: mesh.clone(),
            pad,
            bc: BoundarySet::new(&case.mesh.boundary, &gas, mesh),
            fd: f0.clone(),
            f0,
            dirs,
            fl: vec![[0.0; 4]; n],
            fr: vec![[0.0; 4]; n],
            dm: vec![[0.0; 4]; n],
            dp: vec![[0.0; 4]; n],
            low_order: vec![false; n],
            any_low_order: false,
        }
    }

    /// Marks interior cells (global ids) whose faces use the first-order flux (cell averages, zero slopes)
    /// until [`StructuredOperator::clear_low_order`]. Periodic images in the ghost layers are marked too, so
    /// both copies of a periodic face agree and conservation holds.
    pub fn set_low_order(&mut self, cells: &[usize]) {
        let p = self.pad;
        let periodic = self.bc.periodic();
        for &c in cells {
            let (i, j) = (c % p.nx, c / p.nx);
            let mut is = vec![i + GHOST];
            if periodic[0] && i < GHOST {
                is.push(i + GHOST + p.nx);
            }
            if periodic[0] && i + GHOST >= p.nx {
                is.push(i + GHOST + GHOST - p.nx);
            }
            let mut js = vec![j + p.gy];
            if p.gy > 0 && periodic[1] && j < GHOST {
                js.push(j + GHOST + p.ny);
            }
            if p.gy > 0 && periodic[1] && j + GHOST >= p.ny {
                js.push(j + GHOST + GHOST - p.ny);
            }
            for &ii in &is {
                for &jj in &js {
                    self.low_order[jj * p.width + ii] = true;
                }
            }
        }
        self.any_low_order = self.low_order.iter().any(|&b| b);
    }

    /// Returns every face to the high-order flux.
    pub fn clear_low_order(&mut self) {
        if self.any_low_order {
            self.low_order.iter_mut().for_each(|b| *b = false);
            self.any_low_order = false;
        }
    }

    /// The padding of the state array this operator works on.
    pub fn padded(&self) -> Padded {
        self.pad
    }

    /// Periodicity in x and y (for stencils and halos).
    pub fn periodic(&self) -> [bool; 2] {
        self.bc.periodic()
    }

    /// Cells reached on each side along a face normal and across it (for stencils and halos).
    pub fn reach(&self) -> (usize, usize) {
        (GHOST, 2)
    }

    /// Fills the ghost cells of the padded state for time `t`.
    pub fn fill_ghosts(&self, w: &mut [State], t: f64) {
        self.bc.fill(w, t);
    }

    /// The largest stable step `CFL·min_cells h/(|U| + c)`, `h = min(Δx, Δy)` (Δx for a strip), over the
    /// interior of the padded state `w`.
    pub fn max_dt(&self, w: &[State], cfl: f64) -> f64 {
        let [hx, hy] = self.mesh.spacing;
        let h = if self.mesh.is_strip() { hx } else { hx.min(hy) };
        let p = self.pad;
        let gas = self.gas;
        let smax = (0..p.ny)
            .into_par_iter()
            .map(|j| {
                (0..p.nx)
                    .map(|i| {
                        let s = &w[p.at(i, j)];
                        let speed = (s[1] * s[1] + s[2] * s[2]).sqrt() / s[0];
                        speed + gas.sound_speed(s)
                    })
                    .fold(0.0, f64::max)
            })
            .reduce(|| 0.0, f64::max);
        cfl * h / smax
    }

    /// Residuals `L(W)` and `∂ₜL(W)` of the padded state `w` (ghosts filled) for a step `dt`.
    pub fn residual(&mut self, w: &[State], dt: f64, res: &mut Residual) {
        for k in 0..self.dirs.len() {
            let d = self.dirs[k];
            self.normal_sweep(w, &d);
            let (mut f0, mut fd) = (
                std::mem::take(&mut self.f0[k]),
                std::mem::take(&mut self.fd[k]),
            );
            self.face_fluxes(w, &d, dt, &mut f0, &mut fd);
            self.f0[k] = f0;
            self.fd[k] = fd;
        }
        let (nx, ny) = (self.mesh.nx, self.mesh.ny);
        let [hx, hy] = self.mesh.spacing;
        let (ix, iy) = (1.0 / hx, 1.0 / hy);
        let (fx0, fxd) = (&self.f0[0], &self.fd[0]);
        let fy = self.f0.get(1).zip(self.fd.get(1));
        res.l
            .par_chunks_mut(nx)
            .zip(res.lt.par_chunks_mut(nx))
            .enumerate()
            .for_each(|(j, (l, lt))| {
                for i in 0..nx {
                    let xf = j * (nx + 1) + i;
                    let mut a = comb(&fx0[xf + 1], &fx0[xf], -ix, ix);
                    let mut b = comb(&fxd[xf + 1], &fxd[xf], -ix, ix);
                    if let Some((fy0, fyd)) = fy {
                        let yf = i * (ny + 1) + j;
                        let ay = comb(&fy0[yf + 1], &fy0[yf], -iy, iy);
                        let by = comb(&fyd[yf + 1], &fyd[yf], -iy, iy);
                        a = comb(&a, &ay, 1.0, 1.0);
                        b = comb(&b, &by, 1.0, 1.0);
                    }
                    l[i] = a;
                    lt[i] = b;
                }
            });
    }

    /// Normal sweep of one direction: face values `fl`, `fr` and cell-end normal derivatives `dm`, `dp`.
    fn normal_sweep(&mut self, w: &[State], d: &Dir) {
        let weno = self.weno;
        let chars = self.characteristic;
        let gas = self.gas;
        let len = d.len;
        let d = *d;
        let n = d.lines * len;
        self.fl[..n]
            .par_chunks_mut(len)
            .zip(self.fr[..n].par_chunks_mut(len))
            .zip(
                self.dm[..n]
                    .par_chunks_mut(len)
                    .zip(self.dp[..n].par_chunks_mut(len)),
            )
            .enumerate()
            .for_each(|(line, ((fl, fr), (dm, dp)))| {
                let at = |pos: usize| &w[d.w(line, pos.min(len - 1))];
                // Face F between cells F and F+1, for F = 1 ..= len − 3.
                for f in 1..len - 2 {
                    let s: [&State; 6] = std::array::from_fn(|k| at(f + k - 2));
                    if chars {
                        let avg = comb(s[2], s[3], 0.5, 0.5);
                        let e = Eigen::new(&gas, &avg, d.n);
                        let q: [State; 6] = std::array::from_fn(|k| e.to_char(s[k]));
                        let mut l = [0.0; 4];
                        let mut r = [0.0; 4];
                        for c in 0..4 {
                            l[c] = weno.right_face([q[0][c], q[1][c], q[2][c], q[3][c], q[4][c]]);
                            r[c] = weno.right_face([q[5][c], q[4][c], q[3][c], q[2][c], q[1][c]]);
                        }
                        fl[f] = e.from_char(&l);
                        fr[f] = e.from_char(&r);
                    } else {
                        for c in 0..4 {
                            fl[f][c] =
                                weno.right_face([s[0][c], s[1][c], s[2][c], s[3][c], s[4][c]]);
                            fr[f][c] =
                                weno.right_face([s[5][c], s[4][c], s[3][c], s[2][c], s[1][c]]);
                        }
                    }
                }
                let ih = 1.0 / d.hn;
                for c in 2..len - 2 {
                    let (a, b, m) = (fr[c - 1], fl[c], at(c));
                    for k in 0..4 {
                        dm[c][k] = (-4.0 * a[k] - 2.0 * b[k] + 6.0 * m[k]) * ih;
                        dp[c][k] = (2.0 * a[k] + 4.0 * b[k] - 6.0 * m[k]) * ih;
                    }
                }
            });
    }

    /// Face fluxes of one direction, averaged over the Gauss points of each face: `[interior line][face]`.
    fn face_fluxes(&self, w: &[State], d: &Dir, dt: f64, f0: &mut [State], fd: &mut [State]) {
        let d = *d;
        let nf = d.n_cells + 1;
        let strip = d.lines == 1;
        let (gas, weno, params) = (self.gas, self.weno, self.flux);
        let gauss = &self.gauss;
        let (fl, fr, dm, dp) = (&self.fl, &self.fr, &self.dm, &self.dp);
        let len = d.len;
        f0.par_chunks_mut(nf)
            .zip(fd.par_chunks_mut(nf))
            .enumerate()
            .for_each(|(lp, (f0, fd))| {
                let line = d.gt + lp;
                let b = |l: usize, p: usize| l * len + p;
                // Equilibrium normal derivative of the segment: (5/4)(W₁ − W₀) − (1/12)(W₂ − W₋₁), over h.
                let eq = |l: usize, f: usize| -> State {
                    let (wm, w0, w1, w2) = (
                        &w[d.w(l, f - 1)],
                        &w[d.w(l, f)],
                        &w[d.w(l, f + 1)],
                        &w[d.w(l, f + 2)],
                    );
                    std::array::from_fn(|k| {
                        (1.25 * (w1[k] - w0[k]) - (w2[k] - wm[k]) / 12.0) / d.hn
                    })
                };
                for face in 0..nf {
                    let f = GHOST - 1 + face; // padded position of the left cell
                    let (cl, cr) = (&w[d.w(line, f)], &w[d.w(line, f + 1)]);
                    let mut acc0 = [0.0; 4];
                    let mut accd = [0.0; 4];
                    let low = self.any_low_order
                        && (self.low_order[d.w(line, f)] || self.low_order[d.w(line, f + 1)]);
                    if low {
                        let z = [0.0; 4];
                        let fp = FacePoint {
                            wl: to_local(cl, d.n),
                            nl: z,
                            tl: z,
                            wr: to_local(cr, d.n),
                            nr: z,
                            tr: z,
                            n0: Some(z),
                        };
                        let (a0, ad) = gks_flux(&gas, &fp, dt, &params);
                        acc0 = from_local(&a0, d.n);
                        accd = from_local(&ad, d.n);
                    } else if strip {
                        let fp = self.point(
                            (fl[b(line, f)], dp[b(line, f)], [0.0; 4], cl),
                            (fr[b(line, f)], dm[b(line, f + 1)], [0.0; 4], cr),
                            eq(line, f),
                            d.n,
                        );
                        let (a0, ad) = gks_flux(&gas, &fp, dt, &params);
                        acc0 = from_local(&a0, d.n);
                        accd = from_local(&ad, d.n);
                    } else {
                        // Tangential WENO of the segment values of five lines, per component.
                        let tang = |arr: &Vec<State>, pos: usize| -> ([f64; 4], [f64; 4], State) {
                            let mut lo = [0.0; 4];
                            let mut hi = [0.0; 4];
                            for k in 0..4 {
                                let v: [f64; 5] =
                                    std::array::from_fn(|q| arr[b(line + q - 2, pos)][k]);
                                let (a, bb) = weno.faces(v);
                                lo[k] = a;
                                hi[k] = bb;
                            }
                            (lo, hi, arr[b(line, pos)])
                        };
                        let (la, lb, lm) = tang(fl, f);
                        let (ra, rb, rm) = tang(fr, f);
                        let (e_m, e_0, e_p) = (eq(line - 1, f), eq(line, f), eq(line + 1, f));
                        let three = |arr: &Vec<State>, pos: usize| {
                            (
                                arr[b(line - 1, pos)],
                                arr[b(line, pos)],
                                arr[b(line + 1, pos)],
                            )
                        };
                        let (dlm, dl0, dlp) = three(dp, f);
                        let (drm, dr0, drp) = three(dm, f + 1);
                        for &(xi, wg) in gauss {
                            let eta = xi * d.ht;
                            let mut wl = [0.0; 4];
                            let mut tl = [0.0; 4];
                            let mut wr = [0.0; 4];
                            let mut tr = [0.0; 4];
                            let mut nl = [0.0; 4];
                            let mut nr = [0.0; 4];
                            let mut n0 = [0.0; 4];
                            for k in 0..4 {
                                let (v, s) = parabola(la[k], lb[k], lm[k], d.ht, eta);
                                wl[k] = v;
                                tl[k] = d.tsign * s;
                                let (v, s) = parabola(ra[k], rb[k], rm[k], d.ht, eta);
                                wr[k] = v;
                                tr[k] = d.tsign * s;
                                nl[k] = quadratic(dlm[k], dl0[k], dlp[k], d.ht, eta);
                                nr[k] = quadratic(drm[k], dr0[k], drp[k], d.ht, eta);
                                n0[k] = quadratic(e_m[k], e_0[k], e_p[k], d.ht, eta);
                            }
                            let fp = self.point((wl, nl, tl, cl), (wr, nr, tr, cr), n0, d.n);
                            let (a0, ad) = gks_flux(&gas, &fp, dt, &params);
                            let (g0, gd) = (from_local(&a0, d.n), from_local(&ad, d.n));
                            for k in 0..4 {
                                acc0[k] += wg * g0[k];
                                accd[k] += wg * gd[k];
                            }
                        }
                    }
                    f0[face] = acc0;
                    fd[face] = accd;
                }
            });
    }

    /// A face point in the local frame, with the positivity fallback of pitfall g.5: a side whose
    /// reconstructed state is not admissible uses its cell average with zero slopes.
    #[inline(always)]
    fn point(
        &self,
        left: (State, State, State, &State),
        right: (State, State, State, &State),
        n0: State,
        n: [f64; 2],
    ) -> FacePoint {
        let side = |(w, dn, dt, avg): (State, State, State, &State)| {
            if self.gas.admissible(&w) {
                (to_local(&w, n), to_local(&dn, n), to_local(&dt, n))
            } else {
                (to_local(avg, n), [0.0; 4], [0.0; 4])
            }
        };
        let (wl, nl, tl) = side(left);
        let (wr, nr, tr) = side(right);
        FacePoint {
            wl,
            nl,
            tl,
            wr,
            nr,
            tr,
            n0: Some(to_local(&n0, n)),
        }
    }
}
