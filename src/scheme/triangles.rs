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
use super::unstructured::faces::{main_edges, Face, FaceSet, MainEdge, NONE};
use super::unstructured::slopes::{venkatakrishnan, LeastSquares};
use super::unstructured::{
    Numbering, Phase, PointStates, Side, UnstructuredCore, UnstructuredOperator,
};
use super::{Cells, Common, Residual, Scheme, SpatialOperator};
use crate::mesh::Grid;
use crate::mesh::{Across, TriMesh};
use crate::physics::{Gas, State};

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

/// What the second-order scheme keeps per face: the Gauss points' offsets from the left and right
/// centroids (the right one shifted next to the left across a periodic edge; zero on boundaries).
#[derive(Debug, Clone, Copy)]
pub struct TriFace {
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

/// The limited least-squares gradients of the local cells: the reconstruction of the second-order scheme.
struct Gradients {
    limit: bool,
    limiter_k: f64,
    /// Size of every local cell (the limiter's ε).
    size: Vec<f64>,
    nb: Vec<[Nb; 3]>,
    /// Least-squares weights: ∇W = Σₖ gₖ (W_nbₖ − W).
    lsq: Vec<[[f64; 2]; 3]>,
    /// Gauss points of each cell's edges as offsets from its centroid (for the limiter).
    points: Vec<[[f64; 2]; 6]>,
    /// Local cells whose gradient is needed, by phase.
    inner: Vec<usize>,
    outer: Vec<usize>,
    grad: Vec<[State; 2]>,
    /// The gradients of one phase's list before they are put in place (kept: no allocation per step).
    fresh: Vec<[State; 2]>,
}

/// The second-order triangle operator of one rank.
pub struct TriOperator {
    core: UnstructuredCore<TriFace>,
    grads: Gradients,
}

/// The Gauss points, unit normal and length of edge `k` of cell `g`.
fn gauss_points(mesh: &TriMesh, g: usize, k: usize) -> ([[f64; 2]; 2], [f64; 2], f64) {
    let (a, bb, n, len) = mesh.edge(g, k);
    let at = |s: f64| [a[0] + s * (bb[0] - a[0]), a[1] + s * (bb[1] - a[1])];
    ([at(GAUSS[0].0), at(GAUSS[1].0)], n, len)
}

/// The face on a main edge, from the lower side's geometry.
fn tri_face(mesh: &TriMesh, edge: &MainEdge) -> Face<TriFace> {
    let off = |xs: &[[f64; 2]; 2], c: [f64; 2]| xs.map(|x| [x[0] - c[0], x[1] - c[1]]);
    match *edge {
        MainEdge::Boundary { cell, patch, bc } => {
            let (xs, n, len) = gauss_points(mesh, cell.global, cell.edge);
            let rl = off(&xs, mesh.centroid[cell.global]);
            Face {
                left: cell.local,
                right: NONE,
                bc: Some(bc),
                patch: patch as u32,
                n,
                len,
                x: xs,
                ilen: rl.map(|r| 1.0 / (2.0 * (r[0] * n[0] + r[1] * n[1]).abs())),
                data: TriFace {
                    rl,
                    rr: [[0.0; 2]; 2],
                },
            }
        }
        MainEdge::Cell {
            lower,
            upper,
            shift,
        } => {
            let (xs, n, len) = gauss_points(mesh, lower.global, lower.edge);
            let (xl, xr) = (mesh.centroid[lower.global], mesh.centroid[upper.global]);
            let xr = [xr[0] + shift[0], xr[1] + shift[1]];
            let (rl, rr) = (off(&xs, xl), off(&xs, xr));
            let jump = |p: usize| {
                let (r, q) = (rl[p], rr[p]);
                1.0 / ((r[0] - q[0]) * n[0] + (r[1] - q[1]) * n[1]).abs()
            };
            Face {
                left: lower.local,
                right: upper.local,
                bc: None,
                patch: u32::MAX,
                n,
                len,
                x: xs,
                ilen: [jump(0), jump(1)],
                data: TriFace { rl, rr },
            }
        }
    }
}

/// The faces of the owned cells, one per main edge, and each owned cell's faces in edge order.
#[allow(clippy::type_complexity)]
fn tri_faces(
    mesh: &TriMesh,
    num: &Numbering,
    bcs: &[Bc],
) -> Result<(Vec<Face<TriFace>>, Vec<[(u32, bool); 3]>), String> {
    let mut faces = Vec::new();
    let cell_faces = main_edges(mesh, num, bcs, |e| {
        faces.push(tri_face(mesh, e));
        Ok(faces.len() as u32 - 1)
    })?;
    Ok((faces, cell_faces))
}

/// What local cell `g`'s gradient reads across its edges, and whether every neighbour is local.
fn stencil(mesh: &TriMesh, num: &Numbering, bcs: &[Bc], g: usize) -> ([Nb; 3], bool) {
    let xc = mesh.centroid[g];
    let mut all = true;
    let nb = std::array::from_fn(|k| {
        let (a, bb, n, _) = mesh.edge(g, k);
        let mid = [0.5 * (a[0] + bb[0]), 0.5 * (a[1] + bb[1])];
        match mesh.across[g][k] {
            Across::Cell { cell, shift } => match num.local_of(cell) {
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
        }
    });
    (nb, all)
}

/// The Gauss points of cell `g`'s edges as offsets from its centroid.
fn limiter_points(mesh: &TriMesh, g: usize) -> [[f64; 2]; 6] {
    let xc = mesh.centroid[g];
    let mut points = [[0.0; 2]; 6];
    for k in 0..3 {
        let (a, bb, _, _) = mesh.edge(g, k);
        for (q, &(s, _)) in GAUSS.iter().enumerate() {
            points[2 * k + q] = [
                a[0] + s * (bb[0] - a[0]) - xc[0],
                a[1] + s * (bb[1] - a[1]) - xc[1],
            ];
        }
    }
    points
}

/// Least-squares weights with unit weights, `(Σ d dᵀ)⁻¹ d`, for the neighbours `nb`.
fn lsq_weights(nb: &[Nb; 3]) -> [[f64; 2]; 3] {
    let ds: [[f64; 2]; 3] = nb.map(|x| match x {
        Nb::Cell(_, d) => d,
        Nb::Ghost(_, _, _, d) => d,
    });
    let ls = LeastSquares::new(&ds);
    ds.map(|d| ls.weight(d))
}

impl Gradients {
    /// The stencils of every local cell, and the lists of the cells whose gradient the faces read (`need`),
    /// split by phase (`inner`: owned with owned neighbours).
    fn new(
        params: &TriParams,
        mesh: &TriMesh,
        num: &Numbering,
        bcs: &[Bc],
        inner: &[bool],
        need: &[bool],
    ) -> Result<Self, String> {
        let nl = num.n_local();
        let mut nb = Vec::with_capacity(nl);
        let mut lsq = vec![[[0.0; 2]; 3]; nl];
        let mut has_all = vec![false; nl];
        for (l, &g) in num.global().iter().enumerate() {
            let (s, all) = stencil(mesh, num, bcs, g);
            if all {
                lsq[l] = lsq_weights(&s);
            }
            nb.push(s);
            has_all[l] = all;
        }
        let outer: Vec<usize> = (0..nl).filter(|&l| need[l] && !inner[l]).collect();
        if !outer.iter().all(|&l| has_all[l]) {
            return Err("the halo must hold two layers of neighbours".into());
        }
        Ok(Gradients {
            limit: params.limit,
            limiter_k: params.limiter_k,
            size: num.global().iter().map(|&g| mesh.cell_size(g)).collect(),
            nb,
            lsq,
            points: num
                .global()
                .iter()
                .map(|&g| limiter_points(mesh, g))
                .collect(),
            inner: (0..nl).filter(|&l| need[l] && inner[l]).collect(),
            outer,
            grad: vec![[[0.0; 4]; 2]; nl],
            fresh: Vec::new(),
        })
    }

    /// The limited least-squares gradient of local cell `l` (ghost values at time `time`).
    fn gradient(&self, gas: &Gas, time: f64, w: &[State], l: usize) -> [State; 2] {
        let wc = w[l];
        let mut g = [[0.0; 4]; 2];
        let mut lo = wc;
        let mut hi = wc;
        for k in 0..3 {
            let wn = match self.nb[l][k] {
                Nb::Cell(m, _) => w[m],
                Nb::Ghost(bc, n, mid, _) => bc.ghost(gas, &wc, n, mid, time),
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
            self.limit_gradient(l, &wc, (&lo, &hi), &mut g);
        }
        g
    }

    /// The Venkatakrishnan limiter on the gradient `g` of cell `l` with average `wc` and neighbour bounds.
    fn limit_gradient(&self, l: usize, wc: &State, (lo, hi): (&State, &State), g: &mut [State; 2]) {
        let eps2 = (self.limiter_k * self.size[l]).powi(3);
        for q in 0..4 {
            let mut phi = 1.0f64;
            for r in &self.points[l] {
                let d2 = g[0][q] * r[0] + g[1][q] * r[1];
                phi = phi.min(venkatakrishnan(lo[q] - wc[q], hi[q] - wc[q], d2, eps2));
            }
            g[0][q] *= phi;
            g[1][q] *= phi;
        }
    }

    /// The gradients of the cells of `phase`.
    fn run(&mut self, core: &UnstructuredCore<TriFace>, w: &[State], phase: Phase) {
        let list = match phase {
            Phase::Interior => std::mem::take(&mut self.inner),
            Phase::Boundary => std::mem::take(&mut self.outer),
        };
        let (gas, time) = (&core.gas, core.time);
        let mut gs = std::mem::take(&mut self.fresh);
        // Into the kept vector's capacity (rayon writes an indexed iterator in place).
        list.par_iter()
            .map(|&l| self.gradient(gas, time, w, l))
            .collect_into_vec(&mut gs);
        for (&l, g) in list.iter().zip(&gs) {
            self.grad[l] = *g;
        }
        self.fresh = gs;
        match phase {
            Phase::Interior => self.inner = list,
            Phase::Boundary => self.outer = list,
        }
    }
}

impl PointStates<TriFace> for Gradients {
    #[inline]
    fn point(
        &self,
        gas: &Gas,
        w: &[State],
        f: &Face<TriFace>,
        side: Side,
        k: usize,
    ) -> Option<(State, State, State)> {
        let (l, r) = match side {
            Side::Left => (f.left, f.data.rl[k]),
            Side::Right => (f.right, f.data.rr[k]),
        };
        let wc = w[l];
        let g = &self.grad[l];
        let v: State = std::array::from_fn(|q| wc[q] + g[0][q] * r[0] + g[1][q] * r[1]);
        if !gas.admissible(&v) {
            return None;
        }
        let n = f.n;
        let t = [-n[1], n[0]];
        let dn: State = std::array::from_fn(|q| g[0][q] * n[0] + g[1][q] * n[1]);
        let dtg: State = std::array::from_fn(|q| g[0][q] * t[0] + g[1][q] * t[1]);
        Some((v, dn, dtg))
    }
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
        let bcs = common.patch_conditions(&mesh.patches)?;
        let num = Numbering::new(owned, halo, 1);
        let (faces, cell_faces) = tri_faces(mesh, &num, &bcs)?;
        let inner = num.inner_cells(mesh);
        let faces = FaceSet::new(faces, cell_faces, &inner, 1);
        let need = faces.cells_read(num.n_local(), 1);
        let grads = Gradients::new(params, mesh, &num, &bcs, &inner, &need)?;
        let area = owned.iter().map(|&g| mesh.area[g]).collect();
        let size = owned.iter().map(|&g| mesh.cell_size(g)).collect();
        Ok(TriOperator {
            core: UnstructuredCore::new(common, &mesh.patches, num, faces, area, size),
            grads,
        })
    }
}

impl UnstructuredOperator for TriOperator {
    type Face = TriFace;

    fn core(&self) -> &UnstructuredCore<TriFace> {
        &self.core
    }

    fn core_mut(&mut self) -> &mut UnstructuredCore<TriFace> {
        &mut self.core
    }

    /// Gradients and face fluxes that read owned cells only.
    fn interior(&mut self, w: &[State], dt: f64) {
        self.grads.run(&self.core, w, Phase::Interior);
        self.core.run_faces(&self.grads, w, dt, Phase::Interior);
    }

    /// The remaining gradients and fluxes, then the residuals.
    fn boundary(&mut self, w: &[State], dt: f64, res: &mut Residual) {
        self.grads.run(&self.core, w, Phase::Boundary);
        self.core.run_faces(&self.grads, w, dt, Phase::Boundary);
        self.core.scatter(res);
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
