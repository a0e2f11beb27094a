//! Spatial discretisations. They work on a local mesh with ghost/halo cells and know nothing of MPI.

pub mod bc;
pub mod boundary;
pub mod cells;
pub mod characteristic;
pub mod cpr;
pub mod ghost;
pub mod scfv;
pub mod structured;
pub mod subcell;
pub mod triangles;
pub mod unstructured;
pub mod weno;

pub use bc::Bc;
pub use cells::{Cells, Split};
pub use structured::{Residual, StructuredOperator, WenoParams};
pub use subcell::{ScfvOperator, ScfvParams};
pub use triangles::{TriOperator, TriParams};

use rayon::prelude::*;
use std::collections::BTreeMap;
use std::sync::Arc;

use crate::mesh::grid::Grid;
use crate::physics::{FluxParams, Gas, State};

/// One boundary face of an owned cell, with the flux of the last residual evaluation through it: the
/// monitors' raw data (forces, wall shear, heat flux).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct WallSample {
    /// Index of the boundary patch in [`SpatialOperator::patch_names`].
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

/// What every operator takes besides its own parameters: the gas, the flux settings and the boundary
/// condition of every boundary patch by name (`left`, `right`, `bottom`, `top` on generated meshes).
#[derive(Debug, Clone)]
pub struct Common {
    /// The gas.
    pub gas: Gas,
    /// Collision-time coefficients and viscosity.
    pub flux: FluxParams,
    /// Boundary conditions by patch name.
    pub bcs: BTreeMap<String, Bc>,
}

impl Common {
    /// The conditions of the named patches, in their order.
    pub fn patch_conditions(&self, patches: &[String]) -> Result<Vec<Bc>, String> {
        patches
            .iter()
            .map(|p| {
                self.bcs
                    .get(p)
                    .copied()
                    .ok_or_else(|| format!("no boundary condition for patch `{p}`"))
            })
            .collect()
    }
}

#[cfg(test)]
impl Common {
    /// Unit-test settings: the gas with γ = 1.4, the flux settings `flux` and the conditions of the four
    /// sides of a generated mesh, `[left, right, bottom, top]`.
    pub(crate) fn sides(flux: FluxParams, sides: [Bc; 4]) -> Self {
        let names = ["left", "right", "bottom", "top"];
        Common {
            gas: Gas::new(1.4).expect("γ = 1.4 is valid"),
            flux,
            bcs: names.iter().map(|n| n.to_string()).zip(sides).collect(),
        }
    }
}

/// A scheme with its parameters, as the case layer chooses it: what the partitioner needs to know of it
/// before any operator exists, and the factory of each rank's operator.
pub trait Scheme: Send + Sync {
    /// The stencil reach: (normal, tangential) cells on structured meshes, face-neighbour hops on triangles.
    fn reach(&self) -> ((usize, usize), usize);

    /// How the scheme splits each element into solver cells (the cells that the time loop, the partition
    /// and restarts see); `None`: the elements are the solver cells.
    fn split(&self) -> Option<Arc<dyn Split>> {
        None
    }

    /// The operator for the `owned` solver cells of a grid (global ids, increasing), reading the `halo`
    /// solver cells that other ranks own.
    fn build(
        &self,
        common: &Common,
        grid: &Grid,
        owned: &[usize],
        halo: &[usize],
    ) -> Result<Box<dyn SpatialOperator>, String>;

    /// The scheme's name in outputs, with the time scheme's name `time`, e.g.
    /// `weno5-gks/s2o4/characteristic/js/3gp`.
    fn describe(&self, time: &str) -> String;

    /// Estimated bytes of one rank that holds the whole grid.
    fn memory_estimate(&self, cells: &Cells) -> usize;
}

/// A spatial discretisation on one rank's part of a mesh: the residual `L(W)` and its time derivative for
/// the two-stage fourth-order stepping, split in a phase that overlaps the halo exchange and one after it,
/// the stable time step, the boundary fluxes for monitors, and the a-posteriori low-order fallback.
///
/// The solver calls it once per stage (not per face), so a trait object costs nothing measurable; every
/// operator's face and cell loops are monomorphic inside it.
pub trait SpatialOperator: Send + Sync {
    /// A local state array (owned cells, halo, ghosts).
    fn new_state(&self) -> Vec<State>;

    /// Local positions of the owned cells, in the order of their global ids.
    fn owned_slots(&self) -> &[usize];

    /// Writes halo cell `h` (index into the halo list given at construction) into the local array.
    fn put_halo(&self, w: &mut [State], h: usize, s: State);

    /// The time of the stage about to be computed. Called before [`SpatialOperator::interior_phase`].
    fn set_time(&mut self, _t: f64) {}

    /// Whether the coming residual evaluation needs only `∂ₜL` (the second S2O4 stage, which uses
    /// `∂ₜL(W*)` but not `L(W*)`); `L` is then left unspecified. By default both are computed.
    fn set_time_derivative_only(&mut self, _only: bool) {}

    /// Completes the local array after the halo exchange: periodic images and boundary ghost cells at time
    /// `t` (schemes that take boundary values at face points do nothing here).
    fn complete(&mut self, _w: &mut [State], _t: f64) {}

    /// The work that reads owned cells only (overlaps the halo exchange).
    fn interior_phase(&mut self, w: &[State], dt: f64);

    /// The rest, and the residuals of the owned cells.
    fn boundary_phase(&mut self, w: &[State], dt: f64, res: &mut Residual);

    /// The local quantity whose maximum over ranks sets the time step (see
    /// [`SpatialOperator::dt_from_rate`]).
    fn local_rate(&self, w: &[State]) -> f64;

    /// The stable step for the global maximum `rate`.
    fn dt_from_rate(&self, cfl: f64, rate: f64) -> f64;

    /// Names of the boundary patches that [`WallSample::patch`] indexes.
    fn patch_names(&self) -> Vec<String>;

    /// The boundary faces of owned cells on the patches marked in `want` (by
    /// [`SpatialOperator::patch_names`] index), with the fluxes of the last residual evaluation, in a fixed
    /// local order.
    fn wall_samples(&self, w: &[State], want: &[bool], dt: f64) -> Vec<WallSample>;

    /// First-order fluxes around the given cells (global ids, increasing) until cleared.
    fn set_low_order(&mut self, cells: &[usize]);

    /// Back to the full-order fluxes.
    fn clear_low_order(&mut self);

    /// For a scheme that limits troubled elements: how many of the owned elements were troubled in the
    /// last residual evaluation, and how many elements are owned.
    fn troubled(&self) -> Option<(usize, usize)> {
        None
    }

    /// Limits a new state of the owned cells after each stage and the initial state (a scheme with a
    /// positivity limiter); by default nothing.
    fn limit_state(&self, _gas: &Gas, _w: &mut [State]) {}

    /// Whether owned cell `k` (an index into [`SpatialOperator::owned_slots`]) of the state `w` is one the
    /// scheme can go on from (else the step is redone at first order around it): by default, its state
    /// has a positive density and pressure.
    fn cell_admissible(&self, gas: &Gas, w: &[State], k: usize) -> bool {
        gas.admissible(&w[self.owned_slots()[k]])
    }

    /// How many owned cells of `w` are not [`SpatialOperator::cell_admissible`], for a state that
    /// [`SpatialOperator::limit_state`] has limited (the solver's check after every step); by default cell
    /// by cell. A scheme may answer for a whole element at once when its limiter guarantees the answer.
    fn inadmissible_count(&self, gas: &Gas, w: &[State]) -> usize {
        (0..self.owned_slots().len())
            .into_par_iter()
            .filter(|&k| !self.cell_admissible(gas, w, k))
            .count()
    }
}
