//! Second-order gas-kinetic finite volumes on triangles: a least-squares gradient per cell from its face
//! neighbours (ghost values across boundaries), a Venkatakrishnan limiter, and the gas-kinetic flux of the
//! first issue at two Gauss points per edge with the normal and tangential derivatives from the gradients.
//! The robust baseline next to the fourth-order SCFV scheme, and the reference for its efficiency.
//!
//! Local cells are the owned cells (in the order of their global ids) followed by the halo cells. Every
//! face flux is computed once, with the lower global id as its left cell, so any rank that computes it gets
//! the same bits; a cell sums its three edge fluxes in its own edge order. As on structured meshes a stage
//! is split in an interior phase (gradients and faces that read owned cells only, overlapping the halo
//! exchange) and a boundary phase.

use rayon::prelude::*;

use super::bc::Bc;
use super::{Cells, Common, LowOrder, Residual, Scheme, SpatialOperator, WallSample};
use crate::mesh::Grid;
use crate::mesh::{Across, TriMesh};
use crate::physics::{from_local, gks_flux, to_local, FacePoint, FluxParams, Gas, State};

/// Gauss points on an edge, as fractions along it, with weights summing to 1 (two points: exact for cubics).
const GAUSS: [(f64, f64); 2] = [
    (0.5 - 0.288_675_134_594_812_9, 0.5),
    (0.5 + 0.288_675_134_594_812_9, 0.5),
];

/// What the gradient of a cell reads across one edge.
#[derive(Debug, Clone, Copy)]
enum Nb {
    /// Local cell, with the offset of its centroid (periodic shift applied) from ours.
    Cell(usize, [f64; 2]),
    /// Ghost across a boundary edge: the condition, outward normal, edge midpoint and the ghost centroid
    /// offset (the mirror image of ours).
    Ghost(Bc, [f64; 2], [f64; 2], [f64; 2]),
}

/// One face of an owned cell.
#[derive(Debug, Clone, Copy)]
struct Face {
    left: usize,
    /// Right local cell, or `None` for a boundary face.
    right: Option<usize>,
    bc: Option<Bc>,
    /// Boundary patch (`usize::MAX` inside).
    patch: usize,
    /// Unit normal from left to right.
    n: [f64; 2],
    len: f64,
    /// Gauss points: absolute position, and offsets from the left and right centroids.
    x: [[f64; 2]; 2],
    rl: [[f64; 2]; 2],
    rr: [[f64; 2]; 2],
}

/// The parameters of the second-order triangle scheme.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct TriParams {
    /// Limit the least-squares gradients (Venkatakrishnan).
    pub limit: bool,
    /// The constant K of the Venkatakrishnan limiter, ε² = (K h)³.
    pub limiter_k: f64,
}

/// The second-order triangle operator of one rank.
pub struct TriOperator {
    gas: Gas,
    /// Navier–Stokes: faces take the damped normal derivative of [`super::viscous_n0`].
    viscous: bool,
    /// Names of the mesh's boundary patches.
    patch_names: Vec<String>,
    flux: FluxParams,
    limiter_k: f64,
    limit: bool,
    n_own: usize,
    owned: Vec<usize>,
    /// Global id of every local cell.
    global: Vec<usize>,
    owned_slots: Vec<usize>,
    area: Vec<f64>,
    size: Vec<f64>,
    nb: Vec<[Nb; 3]>,
    /// Least-squares weights: ∇W = Σₖ gₖ (W_nbₖ − W).
    lsq: Vec<[[f64; 2]; 3]>,
    /// Gauss points of each cell's edges as offsets from its centroid (for the limiter).
    points: Vec<[[f64; 2]; 6]>,
    /// Local cells whose gradient is needed, split by phase.
    grad_inner: Vec<usize>,
    grad_outer: Vec<usize>,
    faces: Vec<Face>,
    face_inner: Vec<bool>,
    /// Per owned cell: its three faces and whether it is their left cell.
    cell_faces: Vec<[(usize, bool); 3]>,
    grad: Vec<[State; 2]>,
    fluxes: Vec<(State, State)>,
    low_order: LowOrder,
    time: f64,
}

impl TriOperator {
    /// The operator for the `owned` cells (global ids, increasing) reading the `halo` cells (increasing,
    /// every cell within two face steps of an owned cell that another rank owns).
    pub fn new(
        common: &Common,
        params: &TriParams,
        mesh: &TriMesh,
        owned: &[usize],
        halo: &[usize],
    ) -> Result<Self, String> {
        let gas = common.gas;
        let bcs = common.patch_conditions(&mesh.patches)?;
        let n_own = owned.len();
        let global: Vec<usize> = owned.iter().chain(halo).copied().collect();
        let local_of = |g: usize| -> Option<usize> {
            owned
                .binary_search(&g)
                .ok()
                .or_else(|| halo.binary_search(&g).ok().map(|h| n_own + h))
        };
        let nl = global.len();
        let mut nb = vec![[Nb::Cell(0, [0.0; 2]); 3]; nl];
        let mut lsq = vec![[[0.0; 2]; 3]; nl];
        let mut points = vec![[[0.0; 2]; 6]; nl];
        let mut has_all = vec![false; nl];
        let area: Vec<f64> = global.iter().map(|&g| mesh.area[g]).collect();
        let size: Vec<f64> = global.iter().map(|&g| mesh.cell_size(g)).collect();
        for (l, &g) in global.iter().enumerate() {
            let xc = mesh.centroid[g];
            let mut all = true;
            for k in 0..3 {
                let (a, bb, n, _) = mesh.edge(g, k);
                let mid = [0.5 * (a[0] + bb[0]), 0.5 * (a[1] + bb[1])];
                for (q, &(s, _)) in GAUSS.iter().enumerate() {
                    points[l][2 * k + q] = [
                        a[0] + s * (bb[0] - a[0]) - xc[0],
                        a[1] + s * (bb[1] - a[1]) - xc[1],
                    ];
                }
                nb[l][k] = match mesh.across[g][k] {
                    Across::Cell { cell, shift } => match local_of(cell) {
                        Some(m) => {
                            let y = mesh.centroid[cell];
                            Nb::Cell(m, [y[0] + shift[0] - xc[0], y[1] + shift[1] - xc[1]])
                        }
                        None => {
                            all = false;
                            Nb::Cell(usize::MAX, [0.0; 2])
                        }
                    },
                    Across::Boundary(p) => {
                        let d = (mid[0] - xc[0]) * n[0] + (mid[1] - xc[1]) * n[1];
                        Nb::Ghost(bcs[p], n, mid, [2.0 * d * n[0], 2.0 * d * n[1]])
                    }
                };
            }
            has_all[l] = all;
            if all {
                // Least squares with unit weights: (Σ d dᵀ)⁻¹ Σ d Δ.
                let ds: [[f64; 2]; 3] = std::array::from_fn(|k| match nb[l][k] {
                    Nb::Cell(_, d) => d,
                    Nb::Ghost(_, _, _, d) => d,
                });
                let (mut a11, mut a12, mut a22) = (0.0, 0.0, 0.0);
                for d in &ds {
                    a11 += d[0] * d[0];
                    a12 += d[0] * d[1];
                    a22 += d[1] * d[1];
                }
                let det = a11 * a22 - a12 * a12;
                for k in 0..3 {
                    let d = ds[k];
                    lsq[l][k] = [
                        (a22 * d[0] - a12 * d[1]) / det,
                        (-a12 * d[0] + a11 * d[1]) / det,
                    ];
                }
            }
        }
        // Faces of owned cells; the left cell is the one with the lower global id.
        let mut faces = Vec::new();
        let mut cell_faces = vec![[(0usize, true); 3]; n_own];
        for (l, &g) in owned.iter().enumerate() {
            // `k` is the edge number of the mesh cell as much as an index into `cell_faces`.
            #[allow(clippy::needless_range_loop)]
            for k in 0..3 {
                let (a, bb, n, len) = mesh.edge(g, k);
                let at = |s: f64| [a[0] + s * (bb[0] - a[0]), a[1] + s * (bb[1] - a[1])];
                let xs = [at(GAUSS[0].0), at(GAUSS[1].0)];
                match mesh.across[g][k] {
                    Across::Boundary(p) => {
                        let xc = mesh.centroid[g];
                        faces.push(Face {
                            left: l,
                            right: None,
                            bc: Some(bcs[p]),
                            patch: p,
                            n,
                            len,
                            x: xs,
                            rl: xs.map(|x| [x[0] - xc[0], x[1] - xc[1]]),
                            rr: [[0.0; 2]; 2],
                        });
                        cell_faces[l][k] = (faces.len() - 1, true);
                    }
                    Across::Cell { cell, shift } => {
                        // The same face seen from both sides: key by the lower id, its edge, and the other.
                        let other = local_of(cell).expect("the halo holds every face neighbour");
                        if g < cell {
                            let (xl, xr) = (mesh.centroid[g], mesh.centroid[cell]);
                            let xr = [xr[0] + shift[0], xr[1] + shift[1]];
                            faces.push(Face {
                                left: l,
                                right: Some(other),
                                bc: None,
                                patch: usize::MAX,
                                n,
                                len,
                                x: xs,
                                rl: xs.map(|x| [x[0] - xl[0], x[1] - xl[1]]),
                                rr: xs.map(|x| [x[0] - xr[0], x[1] - xr[1]]),
                            });
                            cell_faces[l][k] = (faces.len() - 1, true);
                        } else {
                            // Built from the neighbour's side (lower id) so every rank computes it alike.
                            let back = Across::Cell {
                                cell: g,
                                shift: [-shift[0], -shift[1]],
                            };
                            let kk = (0..3)
                                .find(|&q| mesh.across[cell][q] == back)
                                .expect("neighbour edge");
                            let (a2, b2, n2, len2) = mesh.edge(cell, kk);
                            let at2 =
                                |s: f64| [a2[0] + s * (b2[0] - a2[0]), a2[1] + s * (b2[1] - a2[1])];
                            let xs2 = [at2(GAUSS[0].0), at2(GAUSS[1].0)];
                            let sh = match mesh.across[cell][kk] {
                                Across::Cell { shift, .. } => shift,
                                _ => [0.0; 2],
                            };
                            let (xl, xr) = (mesh.centroid[cell], mesh.centroid[g]);
                            let xr = [xr[0] + sh[0], xr[1] + sh[1]];
                            faces.push(Face {
                                left: other,
                                right: Some(l),
                                bc: None,
                                patch: usize::MAX,
                                n: n2,
                                len: len2,
                                x: xs2,
                                rl: xs2.map(|x| [x[0] - xl[0], x[1] - xl[1]]),
                                rr: xs2.map(|x| [x[0] - xr[0], x[1] - xr[1]]),
                            });
                            cell_faces[l][k] = (faces.len() - 1, false);
                        }
                    }
                }
            }
        }
        // Faces between two owned cells appear twice (once from each side): keep both entries (each cell
        // uses its own), computed identically; the duplicate costs one flux per interior face and keeps the
        // bookkeeping local. Dedup them so that each face is computed once.
        let mut dedup: std::collections::HashMap<(usize, usize, u64, u64), usize> =
            std::collections::HashMap::new();
        let mut remap = vec![0usize; faces.len()];
        let mut kept = Vec::with_capacity(faces.len());
        for (i, f) in faces.iter().enumerate() {
            let key = (
                f.left,
                f.right.unwrap_or(usize::MAX),
                f.x[0][0].to_bits(),
                f.x[0][1].to_bits(),
            );
            let j = *dedup.entry(key).or_insert_with(|| {
                kept.push(*f);
                kept.len() - 1
            });
            remap[i] = j;
        }
        for cf in cell_faces.iter_mut() {
            for e in cf.iter_mut() {
                e.0 = remap[e.0];
            }
        }
        let faces = kept;
        // Gradients: owned cells, and halo cells next to an owned cell (the faces read them).
        let mut need = vec![false; nl];
        for f in &faces {
            need[f.left] = true;
            if let Some(r) = f.right {
                need[r] = true;
            }
        }
        // Inner: an owned cell whose neighbours are all owned (or ghosts).
        let inner_cell = |l: usize| {
            l < n_own
                && nb[l].iter().all(|x| match x {
                    Nb::Cell(m, _) => *m < n_own,
                    Nb::Ghost(..) => true,
                })
        };
        let grad_inner: Vec<usize> = (0..nl).filter(|&l| need[l] && inner_cell(l)).collect();
        let grad_outer: Vec<usize> = (0..nl).filter(|&l| need[l] && !inner_cell(l)).collect();
        assert!(
            grad_outer.iter().all(|&l| has_all[l]),
            "the halo must hold two layers of neighbours"
        );
        let face_inner: Vec<bool> = faces
            .iter()
            .map(|f| inner_cell(f.left) && f.right.map_or(true, inner_cell))
            .collect();
        Ok(TriOperator {
            viscous: common.flux.viscosity.is_viscous(),
            patch_names: mesh.patches.clone(),
            gas,
            flux: common.flux,
            limiter_k: params.limiter_k,
            limit: params.limit,
            n_own,
            owned: owned.to_vec(),
            global,
            owned_slots: (0..n_own).collect(),
            area,
            size,
            nb,
            lsq,
            points,
            grad_inner,
            grad_outer,
            fluxes: vec![([0.0; 4], [0.0; 4]); faces.len()],
            face_inner,
            faces,
            cell_faces,
            grad: vec![[[0.0; 4]; 2]; nl],
            low_order: LowOrder::new(nl),
            time: 0.0,
        })
    }

    /// A local state array (owned then halo cells).
    pub fn new_state(&self) -> Vec<State> {
        vec![[1.0, 0.0, 0.0, 2.5]; self.global.len()]
    }

    /// Local index of owned cell `k` (the identity).
    pub fn owned_slots(&self) -> &[usize] {
        &self.owned_slots
    }

    /// Global ids of the owned cells.
    pub fn owned(&self) -> &[usize] {
        &self.owned
    }

    /// Writes the value of halo cell `h`.
    pub fn put_halo(&self, w: &mut [State], h: usize, s: State) {
        w[self.n_own + h] = s;
    }

    /// Sets the time at which boundary values are taken.
    pub fn set_time(&mut self, t: f64) {
        self.time = t;
    }

    /// Marks cells (global ids) whose faces use the first-order flux until cleared.
    pub fn set_low_order(&mut self, cells: &[usize]) {
        let global = &self.global;
        self.low_order.mark(cells, |l| Some(global[l]));
    }

    /// Returns every face to the second-order flux.
    pub fn clear_low_order(&mut self) {
        self.low_order.clear();
    }

    /// The largest `(|U| + c)/h` over the owned cells (the stable step is `CFL / max`).
    pub fn max_rate(&self, w: &[State]) -> f64 {
        let gas = self.gas;
        (0..self.n_own)
            .into_par_iter()
            .map(|l| {
                let (s, h) = (&w[l], self.size[l]);
                let visc = super::TRI_VISCOUS_RATE * self.flux.viscosity.viscous_speed(&gas, s, h);
                (gas.signal_speed(s) + visc) / h
            })
            .reduce(|| 0.0, f64::max)
    }

    /// Names of the boundary patches.
    pub fn patch_names(&self) -> &[String] {
        &self.patch_names
    }

    /// Boundary faces of owned cells on the patches marked in `want`, with the fluxes of the last residual
    /// evaluation.
    pub fn wall_samples(&self, w: &[State], want: &[bool], dt: f64) -> Vec<super::WallSample> {
        self.faces
            .iter()
            .zip(&self.fluxes)
            .filter(|(f, _)| f.right.is_none() && want.get(f.patch).copied().unwrap_or(false))
            .map(|(f, fl)| {
                let p = self.gas.pressure(&w[f.left]);
                super::WallSample::from_face(f.patch, &f.x, f.n, f.len, fl, dt, p)
            })
            .collect()
    }

    /// Area of owned cell `k`.
    pub fn area(&self, k: usize) -> f64 {
        self.area[k]
    }

    /// The limited least-squares gradient of local cell `l`.
    fn gradient(&self, w: &[State], l: usize) -> [State; 2] {
        let wc = w[l];
        let mut g = [[0.0; 4]; 2];
        let mut lo = wc;
        let mut hi = wc;
        for k in 0..3 {
            let wn = match self.nb[l][k] {
                Nb::Cell(m, _) => w[m],
                Nb::Ghost(bc, n, mid, _) => bc.ghost(&self.gas, &wc, n, mid, self.time),
            };
            let [gx, gy] = self.lsq[l][k];
            for q in 0..4 {
                let d = wn[q] - wc[q];
                g[0][q] += gx * d;
                g[1][q] += gy * d;
                lo[q] = lo[q].min(wn[q]);
                hi[q] = hi[q].max(wn[q]);
            }
        }
        if self.limit {
            let eps2 = (self.limiter_k * self.size[l]).powi(3);
            for q in 0..4 {
                let mut phi = 1.0f64;
                for r in &self.points[l] {
                    let d2 = g[0][q] * r[0] + g[1][q] * r[1];
                    let d1 = if d2 > 0.0 {
                        hi[q] - wc[q]
                    } else if d2 < 0.0 {
                        lo[q] - wc[q]
                    } else {
                        continue;
                    };
                    let v = (d1 * d1 + eps2 + 2.0 * d1 * d2)
                        / (d1 * d1 + 2.0 * d2 * d2 + d1 * d2 + eps2);
                    phi = phi.min(v);
                }
                g[0][q] *= phi;
                g[1][q] *= phi;
            }
        }
        g
    }

    /// The flux of one face, averaged over its Gauss points: (F⁰, ∂ₜF⁰) along the left-to-right normal.
    fn face_flux(&self, w: &[State], f: &Face, dt: f64) -> (State, State) {
        let n = f.n;
        let t = [-n[1], n[0]];
        let gas = &self.gas;
        let low = self.low_order.face(f.left, f.right.unwrap_or(usize::MAX));
        let side = |l: usize, r: [f64; 2]| -> (State, State, State) {
            let wc = w[l];
            if low {
                return (wc, [0.0; 4], [0.0; 4]);
            }
            let g = &self.grad[l];
            let v: State = std::array::from_fn(|q| wc[q] + g[0][q] * r[0] + g[1][q] * r[1]);
            if !gas.admissible(&v) {
                return (wc, [0.0; 4], [0.0; 4]);
            }
            let dn: State = std::array::from_fn(|q| g[0][q] * n[0] + g[1][q] * n[1]);
            let dtg: State = std::array::from_fn(|q| g[0][q] * t[0] + g[1][q] * t[1]);
            (v, dn, dtg)
        };
        let mut acc0 = [0.0; 4];
        let mut accd = [0.0; 4];
        for (p, &(_, wg)) in GAUSS.iter().enumerate() {
            let (wl, nl, tl) = side(f.left, f.rl[p]);
            let (wr, nr, tr) = match (f.right, f.bc) {
                (Some(r), _) => side(r, f.rr[p]),
                (None, Some(bc)) => bc.ghost_point(gas, (wl, nl, tl), n, f.x[p], self.time),
                (None, None) => unreachable!("a face without a right side has a condition"),
            };
            // Viscous flows: both sides and the equilibrium take one damped normal derivative (as SCFV).
            let (nl, nr, n0) = if self.viscous {
                let r = f.rl[p];
                let d = match f.right {
                    Some(_) => {
                        let q = f.rr[p];
                        ((r[0] - q[0]) * n[0] + (r[1] - q[1]) * n[1]).abs()
                    }
                    None => 2.0 * (r[0] * n[0] + r[1] * n[1]).abs(),
                };
                let m = super::viscous_n0((&wl, &nl), (&wr, &nr), 1.0 / d);
                (m, m, Some(to_local(&m, n)))
            } else {
                (nl, nr, None)
            };
            let fp = FacePoint {
                wl: to_local(&wl, n),
                nl: to_local(&nl, n),
                tl: to_local(&tl, n),
                wr: to_local(&wr, n),
                nr: to_local(&nr, n),
                tr: to_local(&tr, n),
                n0,
            };
            let (mut a0, mut ad) = gks_flux(gas, &fp, dt, &self.flux);
            if let Some(bc) = f.bc {
                bc.fix_flux(gas, n, f.x[p], &wl, &mut a0, &mut ad);
            }
            let (g0, gd) = (from_local(&a0, n), from_local(&ad, n));
            for q in 0..4 {
                acc0[q] += wg * g0[q];
                accd[q] += wg * gd[q];
            }
        }
        (acc0, accd)
    }

    fn run_gradients(&mut self, w: &[State], outer: bool) {
        let list = if outer {
            std::mem::take(&mut self.grad_outer)
        } else {
            std::mem::take(&mut self.grad_inner)
        };
        let gs: Vec<[State; 2]> = list.par_iter().map(|&l| self.gradient(w, l)).collect();
        for (&l, g) in list.iter().zip(gs) {
            self.grad[l] = g;
        }
        if outer {
            self.grad_outer = list;
        } else {
            self.grad_inner = list;
        }
    }

    fn run_faces(&mut self, w: &[State], dt: f64, outer: bool) {
        let this = &*self;
        let out: Vec<(usize, (State, State))> = (0..this.faces.len())
            .into_par_iter()
            .filter(|&i| this.face_inner[i] != outer)
            .map(|i| (i, this.face_flux(w, &this.faces[i], dt)))
            .collect();
        for (i, f) in out {
            self.fluxes[i] = f;
        }
    }

    /// First part of a stage: gradients and face fluxes that read owned cells only.
    pub fn interior_phase(&mut self, w: &[State], dt: f64) {
        self.run_gradients(w, false);
        self.run_faces(w, dt, false);
    }

    /// Second part, once halos are filled: the remaining gradients and fluxes, then the residuals.
    pub fn boundary_phase(&mut self, w: &[State], dt: f64, res: &mut Residual) {
        self.run_gradients(w, true);
        self.run_faces(w, dt, true);
        let (faces, fluxes, area) = (&self.faces, &self.fluxes, &self.area);
        res.l
            .par_iter_mut()
            .zip(res.lt.par_iter_mut())
            .zip(self.cell_faces.par_iter())
            .enumerate()
            .for_each(|(l, ((rl, rt), cf))| {
                let mut a = [0.0; 4];
                let mut b = [0.0; 4];
                for &(fi, left) in cf {
                    let s = if left { -faces[fi].len } else { faces[fi].len };
                    let (f0, fd) = fluxes[fi];
                    for q in 0..4 {
                        a[q] += s * f0[q];
                        b[q] += s * fd[q];
                    }
                }
                let ia = 1.0 / area[l];
                *rl = a.map(|x| x * ia);
                *rt = b.map(|x| x * ia);
            });
    }
}

impl Scheme for TriParams {
    fn reach(&self) -> ((usize, usize), usize) {
        ((0, 0), 2)
    }

    fn build(
        &self,
        common: &Common,
        grid: &Grid,
        owned: &[usize],
        halo: &[usize],
    ) -> Result<Box<dyn SpatialOperator>, String> {
        let Grid::Triangles(mesh) = grid else {
            return Err("the second-order scheme needs a triangle mesh".into());
        };
        Ok(Box::new(TriOperator::new(common, self, mesh, owned, halo)?))
    }

    fn describe(&self, time: &str) -> String {
        let lim = if self.limit {
            format!("venkatakrishnan(K={})", self.limiter_k)
        } else {
            "unlimited".into()
        };
        format!("lsq2-gks/{time}/{lim}/2gp")
    }

    /// Per triangle: state, gradient, Wⁿ, new state, two residual pairs, geometry and least-squares weights
    /// (~400 bytes), and 1.5 faces with their fluxes and Gauss points (~250 bytes each).
    fn memory_estimate(&self, cells: &Cells) -> usize {
        cells.n_cells() * 780
    }
}

impl SpatialOperator for TriOperator {
    fn new_state(&self) -> Vec<State> {
        Self::new_state(self)
    }

    fn owned_slots(&self) -> &[usize] {
        Self::owned_slots(self)
    }

    fn put_halo(&self, w: &mut [State], h: usize, s: State) {
        Self::put_halo(self, w, h, s)
    }

    fn set_time(&mut self, t: f64) {
        Self::set_time(self, t)
    }

    fn interior_phase(&mut self, w: &[State], dt: f64) {
        Self::interior_phase(self, w, dt)
    }

    fn boundary_phase(&mut self, w: &[State], dt: f64, res: &mut Residual) {
        Self::boundary_phase(self, w, dt, res)
    }

    fn local_rate(&self, w: &[State]) -> f64 {
        self.max_rate(w)
    }

    fn dt_from_rate(&self, cfl: f64, rate: f64) -> f64 {
        cfl / rate
    }

    fn patch_names(&self) -> Vec<String> {
        Self::patch_names(self).to_vec()
    }

    fn wall_samples(&self, w: &[State], want: &[bool], dt: f64) -> Vec<WallSample> {
        Self::wall_samples(self, w, want, dt)
    }

    fn set_low_order(&mut self, cells: &[usize]) {
        Self::set_low_order(self, cells)
    }

    fn clear_low_order(&mut self) {
        Self::clear_low_order(self)
    }
}
