//! WENO5-GKS on a structured mesh (docs/method.md §5): dimension-by-dimension WENO reconstruction of face
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
//!    formula of docs/method.md §5.5) are carried to the Gauss points by the quadratic through three lines.
//!
//! Every face and cell is computed independently from its inputs, so results do not depend on the number of
//! threads. A strip (`ny = 1`) is homogeneous in y: only x-faces are computed, with one point per face.
//!
//! The operator works on a window of the grid (see [`Padded`]): the bounding box of the cells this rank owns,
//! grown by the stencil reach. The work of a stage is split in two so that the halo exchange can overlap it:
//! [`StructuredOperator::interior_phase`] computes every normal-sweep value and face flux whose inputs are
//! all owned cells, [`StructuredOperator::boundary_phase`] the rest once halos and ghosts are filled. Each
//! value is computed exactly once, by the same formula from the same inputs, whatever the partition.

use rayon::prelude::*;

use super::bc::Bc;
use super::boundary::{BoundarySet, Padded, GHOST};
use super::characteristic::Eigen;
use super::ghost::{enthalpy, NoSlip};
use super::weno::Weno;
use super::weno::WenoVariant;
use super::{Cells, Common, LowOrder, Scheme, SpatialOperator, WallSample};
use crate::mesh::Grid;
use crate::mesh::{wrap_index, StructuredMesh};
use crate::physics::flux::{gks_flux_batch, lane, FaceBatch, BATCH};
use crate::physics::{from_local, to_local, FacePoint, FluxParams, Gas, State, D2};

/// The parameters of WENO5-GKS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WenoParams {
    /// The WENO weights.
    pub weno: Weno,
    /// Reconstruct in characteristic variables of the face-normal Jacobian (else conservative ones).
    pub characteristic: bool,
    /// Gauss points per face, 2 or 3.
    pub gauss_points: usize,
}

/// Residuals of the owned cells (in the order of their global ids): `l = L(W)`, `lt = ∂ₜL(W)`.
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

/// One sweep direction over the window.
#[derive(Debug, Clone, Copy)]
struct Dir {
    /// Face normal.
    n: [f64; 2],
    /// Window cells along a line.
    len: usize,
    /// Number of window lines.
    lines: usize,
    /// Stride of the array along a line and across lines.
    sn: usize,
    st: usize,
    /// Spacing along and across the lines.
    hn: f64,
    ht: f64,
    /// Sign of the local tangent `t = (−n_y, n_x)` against the direction of increasing line index.
    tsign: f64,
}

impl Dir {
    #[inline(always)]
    fn w(&self, line: usize, pos: usize) -> usize {
        line * self.st + pos * self.sn
    }
}

/// What one direction computes, line by line, and in which phase.
#[derive(Debug, Clone, Default)]
struct Plan {
    /// Per line: positions `a..=b` whose normal-sweep values some face needs (`None`: none).
    sweep: Vec<Option<(usize, usize)>>,
    /// Per line: faces `lo..hi` (position of the left cell) of owned cells (`None`: none).
    faces: Vec<Option<(usize, usize)>>,
    /// Per window position: the face values `fl`, `fr` there read a cell that is not owned.
    stale: Vec<bool>,
    /// Per window position: the face to the right of it reads only owned cells (interior phase).
    inner: Vec<bool>,
    /// Per window position, what the boundary phase computes there (again, if the interior phase did):
    /// [`REDO_FACE`] the face values `fl`, `fr`, [`REDO_DERIV`] the derivatives `dm`, `dp`: what the faces
    /// that are not inner read.
    redo: Vec<u8>,
}

/// [`Plan::redo`]: the face values.
const REDO_FACE: u8 = 1;
/// [`Plan::redo`]: the derivatives.
const REDO_DERIV: u8 = 2;

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

/// The WENO5-GKS spatial operator on the window of one rank, with its work arrays.
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
    plans: Vec<Plan>,
    // Face-averaged F⁰ and ∂ₜF⁰ per direction, line-major over the window: [line][left cell position].
    f0: Vec<Vec<State>>,
    fd: Vec<Vec<State>>,
    /// The ring of five normal-sweep lines of each chunk of a pass ([`StructuredOperator::pass`]), kept
    /// across passes and steps so that the time loop does not allocate.
    scratch: Vec<Vec<State>>,
    /// Global ids of the owned cells, increasing, and their window positions.
    owned: Vec<usize>,
    owned_slot: Vec<usize>,
    /// Global cell held at each window position (a periodic image maps to its cell), or `usize::MAX` for
    /// boundary ghosts.
    slot_cell: Vec<usize>,
    /// Window positions of periodic images of owned cells: `(owned slot, image slot)`.
    self_images: Vec<(usize, usize)>,
    /// Window positions of each halo cell (given at construction, increasing global ids).
    halo_slots: Vec<Vec<usize>>,
    /// Window cells whose faces fall back to the first-order flux (a posteriori limiting), and whether any is.
    low_order: LowOrder,
}

/// Where the cells of a rank sit in its window: the mesh cell of every window slot, the slots of the
/// owned cells, their periodic images, and the slots of each halo cell.
struct Slots {
    slot_cell: Vec<usize>,
    owned_slot: Vec<usize>,
    is_owned: Vec<bool>,
    self_images: Vec<(usize, usize)>,
    halo_slots: Vec<Vec<usize>>,
}

impl Slots {
    fn new(
        mesh: &StructuredMesh,
        pad: Padded,
        periodic: [bool; 2],
        owned: &[usize],
        halo: &[usize],
    ) -> Self {
        let (nx, ny) = (mesh.nx, mesh.ny);
        let n = pad.len();
        let slot_cell: Vec<usize> = (0..n)
            .map(|k| {
                let (i, j) = pad.position(k);
                match (
                    wrap_index(i, nx, periodic[0]),
                    wrap_index(j, ny, periodic[1]),
                ) {
                    (Some(a), Some(b)) => a as usize + nx * b as usize,
                    _ => usize::MAX,
                }
            })
            .collect();
        let owned_slot: Vec<usize> = owned.iter().map(|&c| pad.at(c % nx, c / nx)).collect();
        let mut is_owned = vec![false; n];
        for &k in &owned_slot {
            is_owned[k] = true;
        }
        let mut self_images = Vec::new();
        let mut halo_slots = vec![Vec::new(); halo.len()];
        for (k, &c) in slot_cell.iter().enumerate() {
            if c == usize::MAX || is_owned[k] {
                continue;
            }
            if let Ok(o) = owned.binary_search(&c) {
                self_images.push((owned_slot[o], k));
            } else if let Ok(h) = halo.binary_search(&c) {
                halo_slots[h].push(k);
            }
        }
        Slots {
            slot_cell,
            owned_slot,
            is_owned,
            self_images,
            halo_slots,
        }
    }
}

/// A benign state for window cells that no stencil reads (never used, but kept finite and admissible).
const UNUSED: State = [1.0, 0.0, 0.0, 2.5];

impl StructuredOperator {
    /// The operator of the whole mesh on one rank (every cell owned, no halo).
    pub fn whole(
        common: &Common,
        params: &WenoParams,
        mesh: &StructuredMesh,
    ) -> Result<Self, String> {
        let owned: Vec<usize> = (0..mesh.n_cells()).collect();
        Self::new(common, params, mesh, &owned, &[])
    }

    /// The operator for the `owned` cells (global ids, increasing, not empty) of a mesh, reading the `halo`
    /// cells (increasing) that other ranks own.
    pub fn new(
        common: &Common,
        params: &WenoParams,
        mesh: &StructuredMesh,
        owned: &[usize],
        halo: &[usize],
    ) -> Result<Self, String> {
        let gas = common.gas;
        let pad = Self::window(mesh, owned);
        let names = ["left", "right", "bottom", "top"].map(String::from);
        let sides: [Bc; 4] = common
            .patch_conditions(&names)?
            .try_into()
            .expect("four names, four conditions");
        let bc = BoundarySet::new(sides, &gas, mesh, pad);
        let n = pad.len();
        let slots = Slots::new(mesh, pad, bc.periodic(), owned, halo);
        let dirs = Self::directions(mesh, pad);
        let plans = dirs
            .iter()
            .map(|d| Self::plan(d, &slots.is_owned, mesh.is_strip()))
            .collect();
        let zero = vec![[0.0; 4]; n];
        let f0: Vec<Vec<State>> = dirs.iter().map(|_| zero.clone()).collect();
        Ok(StructuredOperator {
            gas,
            flux: common.flux,
            weno: params.weno,
            characteristic: params.characteristic,
            gauss: Self::gauss_points(mesh, params.gauss_points),
            mesh: mesh.clone(),
            pad,
            bc,
            fd: f0.clone(),
            f0,
            dirs,
            plans,
            scratch: Vec::new(),
            owned: owned.to_vec(),
            owned_slot: slots.owned_slot,
            slot_cell: slots.slot_cell,
            self_images: slots.self_images,
            halo_slots: slots.halo_slots,
            low_order: LowOrder::new(n),
        })
    }

    /// The window of the grid a rank stores: the bounding box of its `owned` cells grown by the stencil
    /// reach.
    fn window(mesh: &StructuredMesh, owned: &[usize]) -> Padded {
        let nx = mesh.nx;
        let r = GHOST as i64;
        let (mut i0, mut i1, mut j0, mut j1) = (i64::MAX, i64::MIN, i64::MAX, i64::MIN);
        for &c in owned {
            let (i, j) = ((c % nx) as i64, (c / nx) as i64);
            i0 = i0.min(i);
            i1 = i1.max(i);
            j0 = j0.min(j);
            j1 = j1.max(j);
        }
        if mesh.is_strip() {
            Padded::window(mesh, (i0 - r, i1 + r + 1), (0, 1))
        } else {
            Padded::window(mesh, (i0 - r, i1 + r + 1), (j0 - r, j1 + r + 1))
        }
    }

    /// The sweep directions of the window: x, and y unless the mesh is a strip.
    fn directions(mesh: &StructuredMesh, pad: Padded) -> Vec<Dir> {
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
            });
        }
        dirs
    }

    /// Gauss points `(offset, weight)` along a face of unit length: one for a strip, else 2 or 3.
    fn gauss_points(mesh: &StructuredMesh, n: usize) -> Vec<(f64, f64)> {
        if mesh.is_strip() {
            vec![(0.0, 1.0)]
        } else if n == 2 {
            let g = 0.5 / 3f64.sqrt();
            vec![(-g, 0.5), (g, 0.5)]
        } else {
            let g = 0.5 * (0.6f64).sqrt();
            vec![(-g, 5.0 / 18.0), (0.0, 4.0 / 9.0), (g, 5.0 / 18.0)]
        }
    }

    /// The work plan of one direction: which faces belong to owned cells, which normal-sweep values they
    /// read, and which of those depend on cells that are not owned (halo or ghost).
    fn plan(d: &Dir, is_owned: &[bool], strip: bool) -> Plan {
        let (len, lines) = (d.len, d.lines);
        let own = |l: usize, p: i64| (0..len as i64).contains(&p) && is_owned[d.w(l, p as usize)];
        let mut faces = vec![None; lines];
        for (l, f) in faces.iter_mut().enumerate() {
            let ps: Vec<usize> = (0..len).filter(|&p| own(l, p as i64)).collect();
            if let (Some(&a), Some(&b)) = (ps.first(), ps.last()) {
                *f = Some((a - 1, b + 1));
            }
        }
        let reach = if strip { 0 } else { 2 };
        let mut sweep: Vec<Option<(usize, usize)>> = vec![None; lines];
        for (l, s) in sweep.iter_mut().enumerate() {
            let lo = l.saturating_sub(reach);
            let hi = (l + reach).min(lines - 1);
            for &(a, b) in faces[lo..=hi].iter().flatten() {
                {
                    *s = Some(match *s {
                        None => (a, b),
                        Some((x, y)) => (x.min(a), y.max(b)),
                    });
                }
            }
        }
        let mut stale = vec![false; lines * len];
        for l in 0..lines {
            for p in 0..len {
                stale[l * len + p] = (p as i64 - 2..=p as i64 + 3).any(|q| !own(l, q));
            }
        }
        let st = |l: usize, p: usize| stale[l * len + p];
        let mut inner = vec![false; lines * len];
        for l in 0..lines {
            if let Some((lo, hi)) = faces[l] {
                for f in lo..hi {
                    let near = |m: usize| !st(m, f - 1) && !st(m, f) && !st(m, f + 1);
                    inner[l * len + f] = if strip {
                        near(l)
                    } else {
                        (l - 2..=l + 2).all(|m| !st(m, f)) && (l - 1..=l + 1).all(near)
                    };
                }
            }
        }
        let redo = Self::redo(&faces, &inner, len, strip);
        Plan {
            sweep,
            faces,
            stale,
            inner,
            redo,
        }
    }

    /// [`Plan::redo`]: a face reads `fl`, `fr` at its position on the lines within 2 of its own, and `dm` at
    /// the position after it, `dp` at its own on the lines within 1, each from `fl`, `fr` at that position and
    /// the one before.
    fn redo(faces: &[Option<(usize, usize)>], inner: &[bool], len: usize, strip: bool) -> Vec<u8> {
        let mut redo = vec![0u8; faces.len() * len];
        let (r2, r1) = if strip { (0, 0) } else { (2, 1) };
        for (l, range) in faces.iter().enumerate() {
            let Some((lo, hi)) = *range else {
                continue;
            };
            for f in (lo..hi).filter(|&f| !inner[l * len + f]) {
                for m in l - r2..=l + r2 {
                    redo[m * len + f] |= REDO_FACE;
                }
                for m in l - r1..=l + r1 {
                    for c in [f, f + 1] {
                        redo[m * len + c] |= REDO_DERIV;
                        redo[m * len + c - 1] |= REDO_FACE;
                        redo[m * len + c] |= REDO_FACE;
                    }
                }
            }
        }
        redo
    }

    /// A window array holding the benign placeholder everywhere.
    pub fn new_state(&self) -> Vec<State> {
        vec![UNUSED; self.pad.len()]
    }

    /// Global ids of the owned cells.
    pub fn owned(&self) -> &[usize] {
        &self.owned
    }

    /// Window position of owned cell `k` (index into [`StructuredOperator::owned`]).
    #[inline(always)]
    pub fn owned_slot(&self, k: usize) -> usize {
        self.owned_slot[k]
    }

    /// Window positions of all owned cells.
    pub fn owned_slots(&self) -> &[usize] {
        &self.owned_slot
    }

    /// Writes the value of halo cell `h` into every window position that holds it.
    #[inline]
    pub fn put_halo(&self, w: &mut [State], h: usize, s: State) {
        for &k in &self.halo_slots[h] {
            w[k] = s;
        }
    }

    /// Copies owned cells into their periodic images in the window.
    pub fn copy_images(&self, w: &mut [State]) {
        for &(from, to) in &self.self_images {
            w[to] = w[from];
        }
    }

    /// Marks cells (global ids) whose faces use the first-order flux (cell averages, zero slopes) until
    /// [`StructuredOperator::clear_low_order`]. Periodic images and halo copies are marked too, so both sides
    /// of a face (on any rank) agree and conservation holds.
    pub fn set_low_order(&mut self, cells: &[usize]) {
        let slot_cell = &self.slot_cell;
        self.low_order.mark(cells, |k| {
            (slot_cell[k] != usize::MAX).then_some(slot_cell[k])
        });
    }

    /// Returns every face to the high-order flux.
    pub fn clear_low_order(&mut self) {
        self.low_order.clear();
    }

    /// The window this operator works on.
    pub fn padded(&self) -> Padded {
        self.pad
    }

    /// Periodicity in x and y (for stencils and halos).
    pub fn periodic(&self) -> [bool; 2] {
        self.bc.periodic()
    }

    /// Cells reached along a face normal and across it: the stencil the halo is built from.
    pub fn reach() -> (usize, usize) {
        (GHOST, 2)
    }

    /// Fills the boundary ghosts of the window for time `t` (after halos and periodic images).
    pub fn fill_ghosts(&self, w: &mut [State], t: f64) {
        self.bc.fill(w, t);
    }

    /// The largest signal speed `|U| + c` (plus the viscous speed of [`Viscosity::viscous_speed`]) over the
    /// owned cells (the stable step is `CFL·h/max`).
    ///
    /// [`Viscosity::viscous_speed`]: crate::physics::Viscosity::viscous_speed
    pub fn max_speed(&self, w: &[State]) -> f64 {
        let gas = self.gas;
        let (mu, h) = (self.flux.viscosity, self.min_spacing());
        self.owned_slot
            .par_iter()
            .map(|&k| {
                let s = &w[k];
                gas.signal_speed(s) + mu.viscous_speed(&gas, s, h)
            })
            .reduce(|| 0.0, f64::max)
    }

    /// Boundary faces of owned cells on the sides marked in `want` (left, right, bottom, top), with the
    /// fluxes of the last residual evaluation.
    pub fn wall_samples(&self, w: &[State], want: &[bool], dt: f64) -> Vec<super::WallSample> {
        let p = self.pad;
        let (width, height) = (p.width, p.height);
        let [hx, hy] = self.mesh.spacing;
        let [x0, y0] = self.mesh.origin;
        let (nx, ny) = (p.nx as i64, p.ny as i64);
        let per = self.bc.periodic();
        let mut out = Vec::new();
        for &k in &self.owned_slot {
            let (i, j) = p.position(k);
            let (li, lj) = (k % width, k / width);
            let xc = x0 + (i as f64 + 0.5) * hx;
            let yc = y0 + (j as f64 + 0.5) * hy;
            let pr = self.gas.pressure(&w[k]);
            // (side, face flux, sign of the flux out of the fluid, midpoint, normal, length)
            let mut sides = Vec::new();
            let avg = |d: usize, f: usize| -> State {
                std::array::from_fn(|q| self.f0[d][f][q] + 0.5 * dt * self.fd[d][f][q])
            };
            if !per[0] && i == 0 {
                sides.push((
                    0,
                    avg(0, lj * width + li - 1),
                    -1.0,
                    [x0, yc],
                    [-1.0, 0.0],
                    hy,
                ));
            }
            if !per[0] && i == nx - 1 {
                let x = x0 + nx as f64 * hx;
                sides.push((1, avg(0, lj * width + li), 1.0, [x, yc], [1.0, 0.0], hy));
            }
            if !per[1] && self.f0.len() > 1 {
                if j == 0 {
                    sides.push((
                        2,
                        avg(1, li * height + lj - 1),
                        -1.0,
                        [xc, y0],
                        [0.0, -1.0],
                        hx,
                    ));
                }
                if j == ny - 1 {
                    let y = y0 + ny as f64 * hy;
                    sides.push((3, avg(1, li * height + lj), 1.0, [xc, y], [0.0, 1.0], hx));
                }
            }
            for (patch, f, sign, x, n, len) in sides {
                if want.get(patch).copied().unwrap_or(false) {
                    out.push(super::WallSample {
                        patch,
                        x,
                        n,
                        len,
                        flux: f.map(|v| sign * v),
                        p: pr,
                    });
                }
            }
        }
        out
    }

    /// The cell size in the time-step limit: `min(Δx, Δy)`, Δx for a strip.
    pub fn min_spacing(&self) -> f64 {
        let [hx, hy] = self.mesh.spacing;
        if self.mesh.is_strip() {
            hx
        } else {
            hx.min(hy)
        }
    }

    /// Residuals `L(W)` and `∂ₜL(W)` of the owned cells when halos and ghosts of `w` are already filled.
    pub fn residual(&mut self, w: &[State], dt: f64, res: &mut Residual) {
        self.interior_phase(w, dt);
        self.boundary_phase(w, dt, res);
    }

    /// First part of a stage: every normal-sweep value and face flux that reads owned cells only. Runs while
    /// the halo messages travel; halo and ghost values of `w` may be stale.
    pub fn interior_phase(&mut self, w: &[State], dt: f64) {
        for k in 0..self.dirs.len() {
            self.pass(w, k, dt, false);
        }
    }

    /// Second part of a stage, once halos and ghosts are filled: the remaining sweep values and face fluxes,
    /// then the residuals of the owned cells.
    pub fn boundary_phase(&mut self, w: &[State], dt: f64, res: &mut Residual) {
        for k in 0..self.dirs.len() {
            self.pass(w, k, dt, true);
        }
        let p = self.pad;
        let (width, height) = (p.width, p.height);
        let [hx, hy] = self.mesh.spacing;
        let (ix, iy) = (1.0 / hx, 1.0 / hy);
        let (fx0, fxd) = (&self.f0[0], &self.fd[0]);
        let fy = self.f0.get(1).zip(self.fd.get(1));
        res.l
            .par_iter_mut()
            .zip(res.lt.par_iter_mut())
            .zip(self.owned_slot.par_iter())
            .for_each(|((l, lt), &k)| {
                let (li, lj) = (k % width, k / width);
                let xf = lj * width + li;
                let mut a = comb(&fx0[xf], &fx0[xf - 1], -ix, ix);
                let mut b = comb(&fxd[xf], &fxd[xf - 1], -ix, ix);
                if let Some((fy0, fyd)) = fy {
                    let yf = li * height + lj;
                    let ay = comb(&fy0[yf], &fy0[yf - 1], -iy, iy);
                    let by = comb(&fyd[yf], &fyd[yf - 1], -iy, iy);
                    a = comb(&a, &ay, 1.0, 1.0);
                    b = comb(&b, &by, 1.0, 1.0);
                }
                *l = a;
                *lt = b;
            });
    }

    /// What the sweeps and face fluxes of direction `k` read besides the states.
    fn context(&self, k: usize) -> Ctx<'_> {
        let d = self.dirs[k];
        Ctx {
            gas: self.gas,
            weno: self.weno,
            chars: self.characteristic,
            params: self.flux,
            gauss: &self.gauss,
            d,
            plan: &self.plans[k],
            low_order: &self.low_order,
            viscous: self.flux.viscosity.is_viscous(),
            walls: {
                // Face at position F lies between cells F and F + 1 of the window line.
                let (first, n) = if k == 0 {
                    (self.pad.ox, self.pad.nx as i64)
                } else {
                    (self.pad.oy, self.pad.ny as i64)
                };
                let out = |sgn: f64| [sgn * d.n[0], sgn * d.n[1]];
                [
                    (-1 - first, self.bc.no_slip(out(-1.0))),
                    (n - 1 - first, self.bc.no_slip(out(1.0))),
                ]
            },
            line0: {
                // Lines of the x sweep are rows (y), of the y sweep columns (x).
                let (o, w0, h) = if k == 0 {
                    (self.pad.oy, self.mesh.origin[1], self.mesh.spacing[1])
                } else {
                    (self.pad.ox, self.mesh.origin[0], self.mesh.spacing[0])
                };
                w0 + (o as f64 + 0.5) * h
            },
            ht: if k == 0 {
                self.mesh.spacing[1]
            } else {
                self.mesh.spacing[0]
            },
        }
    }

    /// One direction of one phase, cache-blocked: the lines are split into one contiguous chunk per thread,
    /// and each chunk runs a wavefront (normal sweep of line `l + 2` into a ring of five lines, then the faces
    /// of line `l`, which read lines `l − 2..=l + 2`), so the sweep values never leave the cache. A chunk
    /// computes the two sweep lines on either side of it that its neighbours compute too (the same values,
    /// bit for bit). Phase A (`boundary == false`) computes the sweep values that read only owned cells and
    /// the inner faces; phase B the other faces, with the sweep values they read (again, where phase A had
    /// them: nothing is kept between the phases but the face fluxes).
    fn pass(&mut self, w: &[State], k: usize, dt: f64, boundary: bool) {
        let d = self.dirs[k];
        let (len, lines) = (d.len, d.lines);
        let reach = if d.lines == 1 { 0 } else { 2 };
        let depth = 2 * reach + 1;
        // The arrays this pass writes leave `self` for its duration, so that the context can borrow the rest.
        let mut f0s = std::mem::take(&mut self.f0[k]);
        let mut fds = std::mem::take(&mut self.fd[k]);
        let mut rings = std::mem::take(&mut self.scratch);
        let ctx = self.context(k);
        let n_chunks = rayon::current_num_threads().clamp(1, lines);
        if rings.len() < n_chunks {
            rings.resize_with(n_chunks, Vec::new);
        }
        let per = lines.div_ceil(n_chunks);
        let mask = if boundary { Mask::Redo } else { Mask::Fresh };
        f0s.par_chunks_mut(per * len)
            .zip(fds.par_chunks_mut(per * len))
            .zip(rings.par_iter_mut())
            .enumerate()
            .for_each(|(c, ((f0, fd), ring))| {
                let c0 = c * per;
                let c1 = (c0 + f0.len() / len).min(lines);
                ring.resize(4 * depth * len, [0.0; 4]);
                for l in c0.saturating_sub(reach)..c1 + reach {
                    if l < lines {
                        let s = &mut ring[4 * len * (l % depth)..4 * len * (l % depth + 1)];
                        if cfg!(any(test, debug_assertions)) {
                            // What a pass does not compute must never be read: in the unit tests (the
                            // parts against the whole mesh) a value left from another line shows as NaN.
                            s.fill([f64::NAN; 4]);
                        }
                        let (a, rest) = s.split_at_mut(len);
                        let (b, rest) = rest.split_at_mut(len);
                        let (cc, dd) = rest.split_at_mut(len);
                        sweep_line(&ctx, w, l, mask, a, b, cc, dd);
                    }
                    let Some(f) = l.checked_sub(reach) else {
                        continue;
                    };
                    if !(c0..c1).contains(&f) || ctx.plan.faces[f].is_none() {
                        continue;
                    }
                    let [lf, lr, ldm, ldp] = ring_lines(ring, len, f - reach, depth);
                    let r = (f - c0) * len..(f - c0 + 1) * len;
                    face_line(
                        &ctx,
                        w,
                        f,
                        dt,
                        boundary,
                        &Lines {
                            fl: &lf[..depth],
                            fr: &lr[..depth],
                            dm: &ldm[..depth],
                            dp: &ldp[..depth],
                        },
                        &mut f0[r.clone()],
                        &mut fd[r],
                    );
                }
            });
        self.f0[k] = f0s;
        self.fd[k] = fds;
        self.scratch = rings;
    }
}

/// The four arrays (fl, fr, dm, dp) of the `depth` sweep lines `first..first + depth` held in a ring of
/// `depth` lines of four arrays each (line `m` at slot `m % depth`), in line order (fixed-size arrays of
/// at most five, so that nothing is allocated).
fn ring_lines(ring: &[State], len: usize, first: usize, depth: usize) -> [[&[State]; 5]; 4] {
    let mut out: [[&[State]; 5]; 4] = [[&[]; 5]; 4];
    for i in 0..depth {
        let slot = (first + i) % depth;
        for (arr, o) in out.iter_mut().enumerate() {
            let at = 4 * len * slot + arr * len;
            o[i] = &ring[at..at + len];
        }
    }
    out
}

/// Which sweep positions a pass computes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mask {
    /// Those that read owned cells only (phase A).
    Fresh,
    /// Those that the faces of phase B read ([`Plan::redo`]).
    Redo,
}

/// What the line kernels read.
struct Ctx<'a> {
    gas: Gas,
    weno: Weno,
    chars: bool,
    params: FluxParams,
    gauss: &'a [(f64, f64)],
    d: Dir,
    plan: &'a Plan,
    low_order: &'a LowOrder,
    /// Navier–Stokes (both sides of a face take the central normal derivative).
    viscous: bool,
    /// Position along a line of the face on the low and high boundary of the mesh (periodic: none), and
    /// the no-slip walls there (local frame of their outward normals `−n`, `n`) with where they start.
    walls: [(i64, Option<(NoSlip, f64)>); 2],
    /// Coordinate across the lines of the centre of window line 0, and the spacing across the lines.
    line0: f64,
    ht: f64,
}

impl Ctx<'_> {
    /// The no-slip wall `k` (0 low, 1 high) if face position `f` of line `line` lies on it.
    #[inline]
    fn wall_at(&self, k: usize, line: usize, f: usize) -> Option<NoSlip> {
        let (pos, wall) = self.walls[k];
        let (wall, start) = wall?;
        (pos == f as i64 && self.line0 + line as f64 * self.ht >= start).then_some(wall)
    }

    /// Corrects the flux (global frame, along `n`) of the face at position `f` of line `line` if it lies on
    /// a no-slip wall.
    #[inline]
    fn fix_wall(&self, w: &[State], line: usize, f: usize, f0: &mut State, fd: &mut State) {
        for k in 0..2 {
            let Some(wall) = self.wall_at(k, line, f) else {
                continue;
            };
            // Flux out of the interior through the outward normal: −F through −n on the low side; the
            // enthalpy of the cell next to the wall.
            let (s, n, cell) = if k == 0 {
                (-1.0, [-self.d.n[0], -self.d.n[1]], f + 1)
            } else {
                (1.0, self.d.n, f)
            };
            let h = enthalpy(&self.gas, &w[self.d.w(line, cell)]);
            for g in [f0, fd] {
                let mut l = to_local(&g.map(|x| s * x), n);
                wall.fix_flux(&mut l, h);
                *g = from_local(&l, n).map(|x| s * x);
            }
            return;
        }
    }
}

/// Sweep lines around a face line: index `m` is line `f − reach + m`.
struct Lines<'a, 'b> {
    fl: &'b [&'a [State]],
    fr: &'b [&'a [State]],
    dm: &'b [&'a [State]],
    dp: &'b [&'a [State]],
}

/// Normal sweep of one line: face values `fl`, `fr` and cell-end normal derivatives `dm`, `dp` at the
/// positions its faces need, restricted by `mask`.
#[allow(clippy::too_many_arguments)]
fn sweep_line(
    ctx: &Ctx,
    w: &[State],
    line: usize,
    mask: Mask,
    fl: &mut [State],
    fr: &mut [State],
    dm: &mut [State],
    dp: &mut [State],
) {
    let d = ctx.d;
    let len = d.len;
    let Some((a, b)) = ctx.plan.sweep[line] else {
        return;
    };
    let (weno, gas) = (ctx.weno, ctx.gas);
    let st = &ctx.plan.stale[line * len..(line + 1) * len];
    let redo = &ctx.plan.redo[line * len..(line + 1) * len];
    let want_face = |p: usize| match mask {
        Mask::Fresh => !st[p],
        Mask::Redo => redo[p] & REDO_FACE != 0,
    };
    let want_deriv = |c: usize| match mask {
        Mask::Fresh => !(st[c - 1] || st[c]),
        Mask::Redo => redo[c] & REDO_DERIV != 0,
    };
    // Reads are clamped to the window: the values that reach past it (fl at the first position, fr at the
    // last) are never used.
    let at = |pos: usize| &w[d.w(line, pos.min(len - 1))];
    // Face F between cells F and F+1; positions a−1..=b feed the derivatives at a..=b.
    for f in a - 1..=b {
        if !want_face(f) {
            continue;
        }
        let s: [&State; 6] = std::array::from_fn(|q| at((f + q).saturating_sub(2)));
        if ctx.chars {
            let avg = comb(s[2], s[3], 0.5, 0.5);
            let e = Eigen::new(&gas, &avg, d.n);
            let q: [State; 6] = std::array::from_fn(|q| e.to_char(s[q]));
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
                fl[f][c] = weno.right_face([s[0][c], s[1][c], s[2][c], s[3][c], s[4][c]]);
                fr[f][c] = weno.right_face([s[5][c], s[4][c], s[3][c], s[2][c], s[1][c]]);
            }
        }
    }
    let ih = 1.0 / d.hn;
    for c in a..=b {
        if !want_deriv(c) {
            continue;
        }
        let (a, b, m) = (fr[c - 1], fl[c], at(c));
        for q in 0..4 {
            dm[c][q] = (-4.0 * a[q] - 2.0 * b[q] + 6.0 * m[q]) * ih;
            dp[c][q] = (2.0 * a[q] + 4.0 * b[q] - 6.0 * m[q]) * ih;
        }
    }
}

/// Face fluxes of one line, averaged over the Gauss points of each face, for the faces of owned cells: the
/// inner ones (`boundary == false`) or the others.
#[allow(clippy::too_many_arguments)]
fn face_line(
    ctx: &Ctx,
    w: &[State],
    line: usize,
    dt: f64,
    boundary: bool,
    sw: &Lines,
    f0: &mut [State],
    fd: &mut [State],
) {
    let d = ctx.d;
    let strip = d.lines == 1;
    let Some((lo, hi)) = ctx.plan.faces[line] else {
        return;
    };
    let inner = &ctx.plan.inner[line * d.len..(line + 1) * d.len];
    // Sweep line `line + o` for o in −2..=2 (index o + reach).
    let r = if strip { 0 } else { 2 };
    let at = |arr: &[&[State]], o: isize, p: usize| arr[(r as isize + o) as usize][p];
    let eq = |l: usize, f: usize| equilibrium_derivative(ctx, w, l, f);
    let mut queue = Queue::new(ctx, dt);
    for f in lo..hi {
        if inner[f] == boundary {
            continue;
        }
        let (cl, cr) = (&w[d.w(line, f)], &w[d.w(line, f + 1)]);
        let low = ctx.low_order.face(d.w(line, f), d.w(line, f + 1));
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
            queue.push(&fp, f, None, (f0, fd));
        } else if strip {
            let fp = point(
                &ctx.gas,
                (at(sw.fl, 0, f), at(sw.dp, 0, f), [0.0; 4], cl),
                (at(sw.fr, 0, f), at(sw.dm, 0, f + 1), [0.0; 4], cr),
                eq(line, f),
                d.n,
                ctx.viscous,
            );
            queue.push(&fp, f, None, (f0, fd));
        } else {
            let eqs = [eq(line - 1, f), eq(line, f), eq(line + 1, f)];
            f0[f] = [0.0; 4];
            fd[f] = [0.0; 4];
            gauss_points(ctx, sw, f, (cl, cr), eqs, |fp, wg| {
                queue.push(&fp, f, Some(wg), (f0, fd))
            });
        }
    }
    queue.flush((f0, fd));
    for f in lo..hi {
        if inner[f] != boundary {
            ctx.fix_wall(w, line, f, &mut f0[f], &mut fd[f]);
        }
    }
}

/// Face points of one line on their way to the batched flux, with the face each result goes to.
struct Queue<'a> {
    ctx: &'a Ctx<'a>,
    dt: f64,
    batch: FaceBatch<D2, BATCH>,
    /// Per lane: the face, and the Gauss weight (`None`: the face's only point, whose flux is the face's).
    dest: [(usize, Option<f64>); BATCH],
    len: usize,
}

impl<'a> Queue<'a> {
    fn new(ctx: &'a Ctx<'a>, dt: f64) -> Self {
        Queue {
            ctx,
            dt,
            batch: FaceBatch::zeroed(true),
            dest: [(0, None); BATCH],
            len: 0,
        }
    }

    /// Queues a face point of face `f` (whose sums the caller has set to zero if it has Gauss weights). Runs
    /// the flux when the batch is full.
    #[inline]
    fn push(
        &mut self,
        fp: &FacePoint,
        f: usize,
        wg: Option<f64>,
        out: (&mut [State], &mut [State]),
    ) {
        self.batch.set(self.len, fp);
        self.dest[self.len] = (f, wg);
        self.len += 1;
        if self.len == BATCH {
            self.flush(out);
        }
    }

    /// Runs the flux of the queued points and adds each result to its face: `Σ w_g F_g` over the Gauss
    /// points in their order, or the single point's flux.
    fn flush(&mut self, (f0, fd): (&mut [State], &mut [State])) {
        if self.len == 0 {
            return;
        }
        self.batch.pad(self.len);
        let (gas, params, n) = (&self.ctx.gas, &self.ctx.params, self.ctx.d.n);
        let (a0, ad) = gks_flux_batch(gas, &self.batch, self.dt, params);
        for (k, &(f, wg)) in self.dest[..self.len].iter().enumerate() {
            let g0 = from_local(&lane::<D2, BATCH>(&a0, k), n);
            let gd = from_local(&lane::<D2, BATCH>(&ad, k), n);
            match wg {
                None => {
                    f0[f] = g0;
                    fd[f] = gd;
                }
                Some(wg) => {
                    for q in 0..4 {
                        f0[f][q] += wg * g0[q];
                        fd[f][q] += wg * gd[q];
                    }
                }
            }
        }
        self.len = 0;
    }
}

/// The face points of face `f` of a 2D line at its Gauss points, with their weights, given to `sink` in
/// order: tangential WENO of the segment values of five lines gives values and tangential derivatives at
/// each point; normal and equilibrium derivatives (`eqs`, of the lines `f − 1`, `f`, `f + 1`) come by the
/// quadratic through three lines.
#[inline(always)]
fn gauss_points(
    ctx: &Ctx,
    sw: &Lines,
    f: usize,
    (cl, cr): (&State, &State),
    eqs: [State; 3],
    mut sink: impl FnMut(FacePoint, f64),
) {
    let d = ctx.d;
    let weno = ctx.weno;
    // Tangential WENO of the segment values of five lines, per component.
    let tang = |arr: &[&[State]], pos: usize| -> ([f64; 4], [f64; 4], State) {
        let mut lo = [0.0; 4];
        let mut hi = [0.0; 4];
        for q in 0..4 {
            let v: [f64; 5] = std::array::from_fn(|m| arr[m][pos][q]);
            let (a, bb) = weno.faces(v);
            lo[q] = a;
            hi[q] = bb;
        }
        (lo, hi, arr[2][pos])
    };
    let (la, lb, lm) = tang(sw.fl, f);
    let (ra, rb, rm) = tang(sw.fr, f);
    let [e_m, e_0, e_p] = eqs;
    let three = |arr: &[&[State]], pos: usize| (arr[1][pos], arr[2][pos], arr[3][pos]);
    let (dlm, dl0, dlp) = three(sw.dp, f);
    let (drm, dr0, drp) = three(sw.dm, f + 1);
    for &(xi, wg) in ctx.gauss {
        let eta = xi * d.ht;
        let mut wl = [0.0; 4];
        let mut tl = [0.0; 4];
        let mut wr = [0.0; 4];
        let mut tr = [0.0; 4];
        let mut nl = [0.0; 4];
        let mut nr = [0.0; 4];
        let mut n0 = [0.0; 4];
        for q in 0..4 {
            let (v, s) = parabola(la[q], lb[q], lm[q], d.ht, eta);
            wl[q] = v;
            tl[q] = d.tsign * s;
            let (v, s) = parabola(ra[q], rb[q], rm[q], d.ht, eta);
            wr[q] = v;
            tr[q] = d.tsign * s;
            nl[q] = quadratic(dlm[q], dl0[q], dlp[q], d.ht, eta);
            nr[q] = quadratic(drm[q], dr0[q], drp[q], d.ht, eta);
            n0[q] = quadratic(e_m[q], e_0[q], e_p[q], d.ht, eta);
        }
        let fp = point(
            &ctx.gas,
            (wl, nl, tl, cl),
            (wr, nr, tr, cr),
            n0,
            d.n,
            ctx.viscous,
        );
        sink(fp, wg);
    }
}

/// The equilibrium normal derivative of line `l` at face `f`: (5/4)(W₁ − W₀) − (1/12)(W₂ − W₋₁), over h; on
/// a no-slip wall the one-sided derivative of [`NoSlip::wall_derivative`] (the central formula on reflected
/// ghosts is only first order where the profile is curved).
#[inline(always)]
fn equilibrium_derivative(ctx: &Ctx, w: &[State], l: usize, f: usize) -> State {
    let d = ctx.d;
    let (wm, w0, w1, w2) = (
        &w[d.w(l, f - 1)],
        &w[d.w(l, f)],
        &w[d.w(l, f + 1)],
        &w[d.w(l, f + 2)],
    );
    for k in 0..2 {
        let Some(wall) = ctx.wall_at(k, l, f) else {
            continue;
        };
        let (n_out, c0, c1, sign) = if k == 0 {
            let n = [-d.n[0], -d.n[1]];
            (n, &w[d.w(l, f + 1)], &w[d.w(l, f + 2)], -1.0)
        } else {
            (d.n, &w[d.w(l, f)], &w[d.w(l, f - 1)], 1.0)
        };
        let dl = wall.wall_derivative(&ctx.gas, &to_local(c0, n_out), &to_local(c1, n_out), d.hn);
        return from_local(&dl, n_out).map(|x| sign * x);
    }
    std::array::from_fn(|q| (1.25 * (w1[q] - w0[q]) - (w2[q] - wm[q]) / 12.0) / d.hn)
}

/// A face point in the local frame, with the positivity fallback of docs/method.md §5.6: a side whose reconstructed
/// state is not admissible uses its cell average with zero slopes.
#[inline(always)]
fn point(
    gas: &Gas,
    left: (State, State, State, &State),
    right: (State, State, State, &State),
    n0: State,
    n: [f64; 2],
    viscous: bool,
) -> FacePoint {
    let side = |(w, dn, dt, avg): (State, State, State, &State)| {
        if gas.admissible(&w) {
            (to_local(&w, n), to_local(&dn, n), to_local(&dt, n))
        } else {
            (to_local(avg, n), [0.0; 4], [0.0; 4])
        }
    };
    let (wl, mut nl, tl) = side(left);
    let (wr, mut nr, tr) = side(right);
    if viscous {
        // Navier–Stokes: both sides carry the compact central derivative across the face (the mean of the
        // one-sided WENO derivatives alone lets the 2D viscous modes grow; see `viscous_n0`).
        nl = to_local(&n0, n);
        nr = nl;
    }
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

impl Scheme for WenoParams {
    fn reach(&self) -> ((usize, usize), usize) {
        (StructuredOperator::reach(), 0)
    }

    fn build(
        &self,
        common: &Common,
        grid: &Grid,
        owned: &[usize],
        halo: &[usize],
    ) -> Result<Box<dyn SpatialOperator>, String> {
        let Grid::Structured(mesh) = grid else {
            return Err("WENO5-GKS needs a structured rectangle mesh".into());
        };
        Ok(Box::new(StructuredOperator::new(
            common, self, mesh, owned, halo,
        )?))
    }

    fn describe(&self, time: &str) -> String {
        let v = if self.characteristic {
            "characteristic"
        } else {
            "conservative"
        };
        let wv = match self.weno.variant {
            WenoVariant::Js => "js",
            WenoVariant::Z => "z",
            WenoVariant::Linear => "linear",
        };
        format!("weno5-gks/{time}/{v}/{wv}/{}gp", self.gauss_points)
    }

    /// On one rank: per window cell the state and, per direction, the two face fluxes; per cell Wⁿ, the new
    /// state and two residual pairs (the normal-sweep values live in rings of five lines per thread). N ranks
    /// each hold about 1/N of it plus the margin of 3 cells around their part.
    fn memory_estimate(&self, cells: &Cells) -> usize {
        let Grid::Structured(mesh) = cells.grid() else {
            return 0;
        };
        let strip = mesh.is_strip();
        let padded = (mesh.nx + 2 * GHOST) * (mesh.ny + if strip { 0 } else { 2 * GHOST });
        let dirs = if strip { 1 } else { 2 };
        padded * 32 * (1 + 2 * dirs) + mesh.n_cells() * 32 * 6
    }
}

impl SpatialOperator for StructuredOperator {
    fn new_state(&self) -> Vec<State> {
        Self::new_state(self)
    }

    fn owned_slots(&self) -> &[usize] {
        Self::owned_slots(self)
    }

    fn put_halo(&self, w: &mut [State], h: usize, s: State) {
        Self::put_halo(self, w, h, s)
    }

    fn complete(&mut self, w: &mut [State], t: f64) {
        self.copy_images(w);
        self.fill_ghosts(w, t);
    }

    fn interior_phase(&mut self, w: &[State], dt: f64) {
        Self::interior_phase(self, w, dt)
    }

    fn boundary_phase(&mut self, w: &[State], dt: f64, res: &mut Residual) {
        Self::boundary_phase(self, w, dt, res)
    }

    fn local_rate(&self, w: &[State]) -> f64 {
        self.max_speed(w)
    }

    fn dt_from_rate(&self, cfl: f64, rate: f64) -> f64 {
        cfl * self.min_spacing() / rate
    }

    fn patch_names(&self) -> Vec<String> {
        ["left", "right", "bottom", "top"]
            .map(String::from)
            .to_vec()
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scheme::bc::{double_mach_shock_x, DOUBLE_MACH_POST, DOUBLE_MACH_PRE};
    use crate::scheme::weno::WenoVariant;

    /// A test problem: the mesh, the settings and the primitive state at a cell centre.
    struct Problem {
        mesh: StructuredMesh,
        common: Common,
        state: fn([f64; 2]) -> [f64; 4],
    }

    /// The defaults of `[scheme]`: Jiang–Shu weights, characteristic variables, three Gauss points.
    fn params() -> WenoParams {
        WenoParams {
            weno: Weno {
                variant: WenoVariant::Js,
                epsilon: 1e-6,
            },
            characteristic: true,
            gauss_points: 3,
        }
    }

    /// The double Mach reflection on 24 × 12 cells of [0, 3] × [0, 1]: the shock in the data, the
    /// post-shock inflow on the left and the moving-shock conditions at the bottom and top.
    fn double_mach() -> Problem {
        let gas = Gas::new(1.4).unwrap();
        Problem {
            mesh: StructuredMesh::rectangle(24, 12, [0.0, 3.0], [0.0, 1.0]),
            common: Common::sides(
                FluxParams::default(),
                [
                    Bc::Inflow(gas.conservative(DOUBLE_MACH_POST)),
                    Bc::Transmissive,
                    Bc::DoubleMach { bottom: true },
                    Bc::DoubleMach { bottom: false },
                ],
            ),
            state: |x| {
                if x[0] < double_mach_shock_x(x[1], 0.0) {
                    DOUBLE_MACH_POST
                } else {
                    DOUBLE_MACH_PRE
                }
            },
        }
    }

    /// A smooth flow on 16 × 14 cells of the periodic [0, 10]².
    fn periodic() -> Problem {
        Problem {
            mesh: StructuredMesh::rectangle(16, 14, [0.0, 10.0], [0.0, 10.0]),
            common: Common::sides(FluxParams::default(), [Bc::Periodic; 4]),
            state: |x| {
                let k = 0.2 * std::f64::consts::PI;
                let (a, b) = (k * x[0], k * x[1]);
                [
                    1.0 + 0.3 * a.sin() * b.cos(),
                    1.0 + 0.2 * b.sin(),
                    1.0 - 0.1 * a.cos(),
                    1.0 + 0.2 * (a + b).sin(),
                ]
            },
        }
    }

    /// Residuals of the owned cells of a part, computed on its own window from the global state (owned and
    /// halo cells copied in, as a halo exchange would), next to the whole-mesh residuals.
    fn part_vs_whole(p: &Problem, owned: &[usize], perturb: bool) -> (Vec<State>, Vec<State>) {
        let (mesh, c) = (&p.mesh, &p.common);
        let n = mesh.n_cells();
        let nx = mesh.nx;
        let global: Vec<State> = (0..n)
            .map(|k| {
                let mut s = c.gas.conservative((p.state)(mesh.center(k % nx, k / nx)));
                if perturb {
                    // Break symmetries so that a wrong neighbour would show.
                    s[0] *= 1.0 + 0.01 * ((k * 7919 % 101) as f64 / 101.0);
                }
                s
            })
            .collect();
        let mut whole = StructuredOperator::whole(c, &params(), mesh).unwrap();
        let mut w = whole.new_state();
        for k in 0..n {
            w[whole.owned_slot(k)] = global[k];
        }
        whole.copy_images(&mut w);
        whole.fill_ghosts(&mut w, 0.0);
        let mut rw = Residual::new(n);
        whole.residual(&w, 1e-3, &mut rw);
        let (a, b) = StructuredOperator::reach();
        let per = whole.periodic();
        let mut halo: Vec<usize> = owned
            .iter()
            .flat_map(|&k| mesh.stencil(k, a, b, per))
            .filter(|k| owned.binary_search(k).is_err())
            .collect();
        halo.sort_unstable();
        halo.dedup();
        let mut part = StructuredOperator::new(c, &params(), mesh, owned, &halo).unwrap();
        let mut wp = part.new_state();
        for (k, &g) in owned.iter().enumerate() {
            wp[part.owned_slot(k)] = global[g];
        }
        for (h, &g) in halo.iter().enumerate() {
            part.put_halo(&mut wp, h, global[g]);
        }
        part.copy_images(&mut wp);
        part.fill_ghosts(&mut wp, 0.0);
        let mut rp = Residual::new(owned.len());
        part.residual(&wp, 1e-3, &mut rp);
        let expect: Vec<State> = owned.iter().map(|&g| rw.l[g]).collect();
        let mut got = rp.l.clone();
        got.extend(rp.lt.iter());
        let mut exp2 = expect;
        exp2.extend(owned.iter().map(|&g| rw.lt[g]));
        (got, exp2)
    }

    fn bits(v: &[State]) -> Vec<u64> {
        v.iter().flat_map(|s| s.map(f64::to_bits)).collect()
    }

    /// Odd-shaped parts (an L, a part touching every side, a part split across the periodic seam) give
    /// bitwise the residuals of the whole mesh: the window, the halo and the two phases lose nothing.
    #[test]
    fn parts_reproduce_the_whole_mesh_residual_bitwise() {
        for (name, p) in [("double Mach", double_mach()), ("periodic", periodic())] {
            let (nx, ny) = (p.mesh.nx, p.mesh.ny);
            let l_shape: Vec<usize> = (0..nx * ny)
                .filter(|&k| (k % nx) < nx / 3 || (k / nx) < ny / 3)
                .collect();
            let rest: Vec<usize> = (0..nx * ny)
                .filter(|k| l_shape.binary_search(k).is_err())
                .collect();
            let seam: Vec<usize> = (0..nx * ny)
                .filter(|&k| (k % nx) < 2 || (k % nx) >= nx - 2)
                .collect();
            for owned in [&l_shape, &rest, &seam] {
                let (got, expect) = part_vs_whole(&p, owned, true);
                assert_eq!(bits(&got), bits(&expect), "{name}");
            }
        }
    }

    /// The halo of a part is exactly what its stencils read; the interior phase does the bulk of the faces.
    #[test]
    fn interior_phase_covers_the_inner_faces() {
        let p = periodic();
        let owned: Vec<usize> = (0..p.mesh.n_cells()).collect();
        let op = StructuredOperator::new(&p.common, &params(), &p.mesh, &owned, &[]).unwrap();
        // One rank owns everything: an x-face is inner when the four cells on each side along its line and
        // two lines on each side across it are owned (the reach of the values it reads, plus one), so the
        // faces near the ghosts wait for the boundary phase.
        let plan = &op.plans[0];
        let inner = plan.inner.iter().filter(|&&b| b).count();
        assert_eq!(inner, (16 + 1 - 8) * (14 - 4));
        let faces: usize = plan.faces.iter().flatten().map(|(a, b)| b - a).sum();
        assert_eq!(faces, 17 * 14);
    }
}
