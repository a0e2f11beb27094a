//! Spatial discretisations. They work on a local mesh with ghost/halo cells and know nothing of MPI.

pub mod boundary;
pub mod characteristic;
pub mod ghost;
pub mod scfv;
pub mod structured;
pub mod subcell;
mod tri_bc;
pub mod triangles;
pub mod weno;

pub use structured::{Residual, StructuredOperator};
pub use triangles::TriOperator;

use crate::case::Case;
use crate::mesh::grid::Grid;
use crate::physics::{Gas, State};

/// One boundary face of an owned cell, with the flux of the last residual evaluation through it: the
/// monitors' raw data (forces, wall shear, heat flux).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WallSample {
    /// Index of the boundary patch in [`Operator::patch_names`].
    pub patch: usize,
    /// Face midpoint.
    pub x: [f64; 2],
    /// Unit normal out of the fluid.
    pub n: [f64; 2],
    /// Face length.
    pub len: f64,
    /// The flux out of the fluid per unit length averaged over the step, `F⁰ + ½Δt ∂ₜF⁰` (global frame; the
    /// momentum part is the force per unit length on the wall). At a steady state these balance exactly:
    /// the S2O4 update applies `F⁰ + Δt/6 (∂ₜF⁰(Wⁿ) + 2∂ₜF⁰(W*))`, and `F⁰` alone is off by O(Δt).
    pub flux: State,
    /// Pressure of the unit next to the face.
    pub p: f64,
}

impl WallSample {
    /// The sample of a triangle-scheme boundary face with two Gauss points `x`, its stored `(F⁰, ∂ₜF⁰)`
    /// for the step `dt`, and the pressure `p` of the unit next to it.
    pub(crate) fn from_face(
        patch: usize,
        x: &[[f64; 2]; 2],
        n: [f64; 2],
        len: f64,
        (f0, fd): &(State, State),
        dt: f64,
        p: f64,
    ) -> Self {
        WallSample {
            patch,
            x: [0.5 * (x[0][0] + x[1][0]), 0.5 * (x[0][1] + x[1][1])],
            n,
            len,
            flux: std::array::from_fn(|q| f0[q] + 0.5 * dt * fd[q]),
            p,
        }
    }
}

/// Factor on the viscous part of the time-step limit of both triangle schemes, whose viscous faces take the
/// damped derivative of [`viscous_n0`]: the damped operator's spectral radius on SCFV subcells is about
/// 34 μ/(ρh²) (`examples/scfv_eigen.rs`, 4 × 16 squares, μ = 0.05: smallest real part −3 500, h the subcell
/// size), twice the generic estimate, and S2O4 is stable to −2.8 on the real axis.
pub(crate) const TRI_VISCOUS_RATE: f64 = 2.0;

/// Weight α of the jump term in [`viscous_n0`] (Nishikawa's α-damping; 4/3 is his choice for
/// second-order gradients).
pub(crate) const VISCOUS_ALPHA: f64 = 4.0 / 3.0;

/// The normal derivative of the equilibrium state at a face point of a triangle scheme in a viscous flow:
/// the mean of the two sides' normal derivatives plus `α (w_R − w_L)/L` (global frame; `ilen = 1/L`, `L` a
/// distance between the two sides' unit centroids). The mean alone is the "average of gradients" viscous
/// flux, whose linearisation has growing modes for the SCFV polynomials (largest real part 1.1 about rest
/// on a periodic 4 × 16 mesh with μ = 0.05, 26 with no-slip walls, `examples/scfv_eigen.rs`); the jump of
/// the reconstructed face values, O(hᵖ) for smooth data, damps them (Nishikawa's α-damping).
#[inline]
pub(crate) fn viscous_n0(
    (wl, nl): (&State, &State),
    (wr, nr): (&State, &State),
    ilen: f64,
) -> State {
    std::array::from_fn(|q| 0.5 * (nl[q] + nr[q]) + VISCOUS_ALPHA * (wr[q] - wl[q]) * ilen)
}

/// Local cells whose faces fall back to the first-order flux (cell averages, zero slopes) while a step is
/// retried after it left some cell inadmissible; shared by the three operators.
#[derive(Debug, Clone)]
pub(crate) struct LowOrder {
    flags: Vec<bool>,
    any: bool,
}

impl LowOrder {
    /// No cell marked, for `n` local cells.
    pub(crate) fn new(n: usize) -> Self {
        LowOrder {
            flags: vec![false; n],
            any: false,
        }
    }

    /// Marks every local cell `k` whose global id `global(k)` is in `cells` (increasing).
    pub(crate) fn mark(&mut self, cells: &[usize], global: impl Fn(usize) -> Option<usize>) {
        for k in 0..self.flags.len() {
            if global(k).is_some_and(|g| cells.binary_search(&g).is_ok()) {
                self.flags[k] = true;
            }
        }
        self.any = self.flags.iter().any(|&b| b);
    }

    /// Unmarks every cell.
    pub(crate) fn clear(&mut self) {
        if self.any {
            self.flags.iter_mut().for_each(|b| *b = false);
            self.any = false;
        }
    }

    /// True when the face between local cells `a` and `b` (`usize::MAX`: no cell) takes the first-order flux.
    #[inline]
    pub(crate) fn face(&self, a: usize, b: usize) -> bool {
        self.any && (self.flags[a] || (b != usize::MAX && self.flags[b]))
    }
}

/// The spatial operator of a run: WENO5-GKS on a structured window, or a triangle scheme.
// One operator per run: the size difference of the variants does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Operator {
    /// WENO5-GKS.
    Structured(StructuredOperator),
    /// Second-order least squares on triangles.
    Triangles(TriOperator),
    /// Fourth-order subcell finite volumes on triangles (solver cells are subcells).
    Subcells(subcell::ScfvOperator),
}

impl Operator {
    /// The operator for the `owned` cells of a grid, reading the `halo` cells (solver cells: subcells for
    /// SCFV, which come in complete groups of four).
    pub fn new(
        case: &Case,
        gas: Gas,
        grid: &Grid,
        owned: &[usize],
        halo: &[usize],
    ) -> Result<Self, String> {
        match grid {
            Grid::Structured(m) => Ok(Operator::Structured(StructuredOperator::new(
                case, gas, m, owned, halo,
            ))),
            Grid::Triangles(m) => Ok(Operator::Triangles(TriOperator::new(
                case, gas, m, owned, halo,
            ))),
            Grid::Subcells(m) => {
                // The operator works on triangles: the owned and halo subcells come in groups of four.
                let main = |u: &[usize]| u.iter().step_by(4).map(|&x| x / 4).collect::<Vec<_>>();
                Ok(Operator::Subcells(subcell::ScfvOperator::new(
                    case,
                    gas,
                    m,
                    &main(owned),
                    &main(halo),
                )?))
            }
        }
    }

    /// The stencil reach: (normal, tangential) cells on structured meshes, face-neighbour hops on triangles.
    pub fn reach(grid: &Grid) -> ((usize, usize), usize) {
        match grid {
            Grid::Structured(_) => (StructuredOperator::reach(), 0),
            Grid::Triangles(_) | Grid::Subcells(_) => ((0, 0), 2),
        }
    }

    /// A local state array.
    pub fn new_state(&self) -> Vec<State> {
        match self {
            Operator::Structured(o) => o.new_state(),
            Operator::Triangles(o) => o.new_state(),
            Operator::Subcells(o) => o.new_state(),
        }
    }

    /// Local positions of the owned cells.
    pub fn owned_slots(&self) -> &[usize] {
        match self {
            Operator::Structured(o) => o.owned_slots(),
            Operator::Triangles(o) => o.owned_slots(),
            Operator::Subcells(o) => o.owned_slots(),
        }
    }

    /// Writes halo cell `h` into the local array.
    pub fn put_halo(&self, w: &mut [State], h: usize, s: State) {
        match self {
            Operator::Structured(o) => o.put_halo(w, h, s),
            Operator::Triangles(o) => o.put_halo(w, h, s),
            Operator::Subcells(o) => o.put_halo(w, h, s),
        }
    }

    /// Copies owned cells into their periodic images (structured windows).
    pub fn copy_images(&self, w: &mut [State]) {
        if let Operator::Structured(o) = self {
            o.copy_images(w);
        }
    }

    /// The time of the stage about to be computed (boundary values on triangles are taken at it, in both
    /// phases). Call before [`Operator::interior_phase`].
    pub fn set_time(&mut self, t: f64) {
        match self {
            Operator::Triangles(o) => o.set_time(t),
            Operator::Subcells(o) => o.set_time(t),
            Operator::Structured(_) => {}
        }
    }

    /// Boundary ghosts of a structured window for time `t` (after the halo exchange).
    pub fn fill_ghosts(&mut self, w: &mut [State], t: f64) {
        if let Operator::Structured(o) = self {
            o.fill_ghosts(w, t);
        }
    }

    /// The work that reads owned cells only (overlaps the halo exchange).
    pub fn interior_phase(&mut self, w: &[State], dt: f64) {
        match self {
            Operator::Structured(o) => o.interior_phase(w, dt),
            Operator::Triangles(o) => o.interior_phase(w, dt),
            Operator::Subcells(o) => o.interior_phase(w, dt),
        }
    }

    /// The rest, and the residuals of the owned cells.
    pub fn boundary_phase(&mut self, w: &[State], dt: f64, res: &mut Residual) {
        match self {
            Operator::Structured(o) => o.boundary_phase(w, dt, res),
            Operator::Triangles(o) => o.boundary_phase(w, dt, res),
            Operator::Subcells(o) => o.boundary_phase(w, dt, res),
        }
    }

    /// The local quantity whose maximum over ranks sets the time step (see [`Operator::dt_from_rate`]).
    pub fn local_rate(&self, w: &[State]) -> f64 {
        match self {
            Operator::Structured(o) => o.max_speed(w),
            Operator::Triangles(o) => o.max_rate(w),
            Operator::Subcells(o) => o.max_rate(w),
        }
    }

    /// The stable step for the global maximum `rate`.
    pub fn dt_from_rate(&self, cfl: f64, rate: f64) -> f64 {
        match self {
            Operator::Structured(o) => cfl * o.min_spacing() / rate,
            Operator::Triangles(_) => cfl / rate,
            Operator::Subcells(_) => cfl / rate,
        }
    }

    /// Names of the boundary patches that [`WallSample::patch`] indexes.
    pub fn patch_names(&self) -> Vec<String> {
        match self {
            Operator::Structured(_) => ["left", "right", "bottom", "top"]
                .map(String::from)
                .to_vec(),
            Operator::Triangles(o) => o.patch_names().to_vec(),
            Operator::Subcells(o) => o.patch_names().to_vec(),
        }
    }

    /// The boundary faces of owned cells on the patches marked in `want` (by [`Operator::patch_names`]
    /// index), with the fluxes of the last residual evaluation, in a fixed local order.
    pub fn wall_samples(&self, w: &[State], want: &[bool], dt: f64) -> Vec<WallSample> {
        match self {
            Operator::Structured(o) => o.wall_samples(w, want, dt),
            Operator::Triangles(o) => o.wall_samples(w, want, dt),
            Operator::Subcells(o) => o.wall_samples(w, want, dt),
        }
    }

    /// First-order fluxes around the given cells (global ids, increasing) until cleared.
    pub fn set_low_order(&mut self, cells: &[usize]) {
        match self {
            Operator::Structured(o) => o.set_low_order(cells),
            Operator::Triangles(o) => o.set_low_order(cells),
            Operator::Subcells(o) => o.set_low_order(cells),
        }
    }

    /// Back to the full-order fluxes.
    pub fn clear_low_order(&mut self) {
        match self {
            Operator::Structured(o) => o.clear_low_order(),
            Operator::Triangles(o) => o.clear_low_order(),
            Operator::Subcells(o) => o.clear_low_order(),
        }
    }
}
