//! What the operators on triangle meshes share: the local numbering of owned and halo cells
//! ([`numbering`]), the face set built once per main edge with its interior/boundary split and the residual
//! scatter ([`faces`]), the face-point gas-kinetic flux with boundary ghost states and the low-order
//! fallback ([`flux`]), and the operator state that holds them ([`core`]). An operator supplies its
//! reconstruction (the point states of [`PointStates`]) and its stage recipe ([`UnstructuredOperator`]);
//! every [`UnstructuredOperator`] is a [`SpatialOperator`] through the one implementation here.

pub mod core;
pub mod faces;
pub mod flux;
pub mod numbering;
pub mod slopes;

pub use self::core::UnstructuredCore;
pub use faces::{Face, FaceSet, MainEdge, NONE};
pub use flux::{viscous_n0, PointStates, Side, TRI_VISCOUS_RATE};
pub use numbering::Numbering;

use super::{Residual, SpatialOperator, WallSample};
use crate::physics::State;

/// The two parts of a stage: the work that reads owned cells only (overlapping the halo exchange), and the
/// rest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Reads owned cells only.
    Interior,
    /// After the halo exchange.
    Boundary,
}

/// An operator on a triangle mesh built on [`UnstructuredCore`]: it gives access to its core and its stage
/// recipe (reconstruction, face fluxes, element update); the rest of [`SpatialOperator`] is shared.
pub trait UnstructuredOperator: Send + Sync {
    /// The scheme's per-face data.
    type Face: Sync;

    /// The shared state.
    fn core(&self) -> &UnstructuredCore<Self::Face>;

    /// The shared state, mutably.
    fn core_mut(&mut self) -> &mut UnstructuredCore<Self::Face>;

    /// First part of a stage: the reconstructions and face fluxes that read owned cells only.
    fn interior(&mut self, w: &[State], dt: f64);

    /// Second part, once the halos are filled: the remaining reconstructions and fluxes, then the residuals
    /// of the owned units.
    fn boundary(&mut self, w: &[State], dt: f64, res: &mut Residual);
}

impl<T: UnstructuredOperator> SpatialOperator for T {
    fn new_state(&self) -> Vec<State> {
        self.core().new_state()
    }

    fn owned_slots(&self) -> &[usize] {
        self.core().owned_slots()
    }

    fn put_halo(&self, w: &mut [State], h: usize, s: State) {
        self.core().put_halo(w, h, s)
    }

    fn set_time(&mut self, t: f64) {
        self.core_mut().set_time(t)
    }

    fn interior_phase(&mut self, w: &[State], dt: f64) {
        self.interior(w, dt)
    }

    fn boundary_phase(&mut self, w: &[State], dt: f64, res: &mut Residual) {
        self.boundary(w, dt, res)
    }

    fn local_rate(&self, w: &[State]) -> f64 {
        self.core().max_rate(w)
    }

    fn dt_from_rate(&self, cfl: f64, rate: f64) -> f64 {
        cfl / rate
    }

    fn patch_names(&self) -> Vec<String> {
        self.core().patch_names().to_vec()
    }

    fn wall_samples(&self, w: &[State], want: &[bool], dt: f64) -> Vec<WallSample> {
        self.core().wall_samples(w, want, dt)
    }

    fn set_low_order(&mut self, cells: &[usize]) {
        self.core_mut().set_low_order(cells)
    }

    fn clear_low_order(&mut self) {
        self.core_mut().clear_low_order()
    }
}
