//! [`UnstructuredCore`]: what every unstructured operator holds besides its reconstruction — the gas and
//! flux settings, the stage time, the local numbering, the face set with its fluxes, the owned units' areas
//! and sizes, and the low-order marks — and the operator methods that only read or write those: state
//! arrays and halo slots, the face loop of a phase, the residual scatter, the wave-speed bound, the wall
//! samples and the low-order fallback.

use rayon::prelude::*;

use super::faces::FaceSet;
use super::flux::{PointStates, FACES_PER_BATCH, TRI_VISCOUS_RATE};
use super::numbering::Numbering;
use super::Phase;
use crate::physics::{FluxParams, Gas, State};
use crate::scheme::{Common, LowOrder, Residual, WallSample};

/// The shared part of an unstructured operator, with the scheme's per-face data `X`.
pub struct UnstructuredCore<X> {
    /// The gas.
    pub gas: Gas,
    /// Collision times and viscosity.
    pub flux: FluxParams,
    /// Navier–Stokes: faces take the damped normal derivative of [`super::flux::viscous_n0`].
    pub viscous: bool,
    /// The time of the stage being computed (boundary values are taken at it).
    pub time: f64,
    /// Names of the mesh's boundary patches.
    patch_names: Vec<String>,
    /// Owned-then-halo numbering of main cells and units.
    pub numbering: Numbering,
    /// The faces, their fluxes and each owned unit's faces.
    pub faces: FaceSet<X>,
    /// Area of every owned unit.
    unit_area: Vec<f64>,
    /// Size `h` of every owned unit in the time-step limit (its smallest altitude).
    unit_size: Vec<f64>,
    /// Local units whose faces take the first-order flux.
    pub(super) low_order: LowOrder,
}

impl<X: Sync> UnstructuredCore<X> {
    /// The core of an operator with the `common` settings, the mesh's `patches`, and per owned unit its
    /// area and size.
    pub fn new(
        common: &Common,
        patches: &[String],
        numbering: Numbering,
        faces: FaceSet<X>,
        unit_area: Vec<f64>,
        unit_size: Vec<f64>,
    ) -> Self {
        let n_units = numbering.units() * numbering.n_local();
        UnstructuredCore {
            gas: common.gas,
            flux: common.flux,
            viscous: common.flux.viscosity.is_viscous(),
            time: 0.0,
            patch_names: patches.to_vec(),
            numbering,
            faces,
            unit_area,
            unit_size,
            low_order: LowOrder::new(n_units),
        }
    }

    /// A local state array (the units of the owned, then the halo main cells).
    pub fn new_state(&self) -> Vec<State> {
        self.numbering.new_state()
    }

    /// Local positions of the owned units.
    pub fn owned_slots(&self) -> &[usize] {
        self.numbering.owned_slots()
    }

    /// Writes halo unit `h` (`units·halo cell + s`).
    pub fn put_halo(&self, w: &mut [State], h: usize, s: State) {
        w[self.numbering.halo_slot(h)] = s;
    }

    /// Sets the time at which boundary values are taken.
    pub fn set_time(&mut self, t: f64) {
        self.time = t;
    }

    /// The largest `(|U| + c + 2 ν-speed)/h` over the owned units (the stable step is `CFL / max`).
    pub fn max_rate(&self, w: &[State]) -> f64 {
        let gas = self.gas;
        (0..self.unit_size.len())
            .into_par_iter()
            .map(|u| {
                let (s, h) = (&w[u], self.unit_size[u]);
                let visc = TRI_VISCOUS_RATE * self.flux.viscosity.viscous_speed(&gas, s, h);
                (gas.signal_speed(s) + visc) / h
            })
            .reduce(|| 0.0, f64::max)
    }

    /// Names of the boundary patches.
    pub fn patch_names(&self) -> &[String] {
        &self.patch_names
    }

    /// Boundary faces of owned units on the patches marked in `want`, with the fluxes of the last residual
    /// evaluation.
    pub fn wall_samples(&self, w: &[State], want: &[bool], dt: f64) -> Vec<WallSample> {
        self.faces
            .wall_samples(want, dt, |l| self.gas.pressure(&w[l]))
    }

    /// Marks units (global unit ids, increasing) whose faces use the first-order flux until cleared.
    pub fn set_low_order(&mut self, units: &[usize]) {
        let num = &self.numbering;
        self.low_order.mark(units, |k| Some(num.unit_global(k)));
    }

    /// Returns every face to the full-order flux.
    pub fn clear_low_order(&mut self) {
        self.low_order.clear();
    }

    /// The fluxes of the faces of `phase`, from the point states of the reconstruction `rec`.
    pub fn run_faces<R: PointStates<X>>(&mut self, rec: &R, w: &[State], dt: f64, phase: Phase) {
        let range = self.faces.range(phase);
        let mut fluxes = std::mem::take(&mut self.faces.fluxes);
        let this = &*self;
        let faces = &this.faces.faces[range.clone()];
        fluxes[range]
            .par_chunks_mut(FACES_PER_BATCH)
            .zip(faces.par_chunks(FACES_PER_BATCH))
            .for_each(|(out, fs)| this.face_fluxes(rec, w, fs, out, dt));
        self.faces.fluxes = fluxes;
    }

    /// The residuals of the owned units from the face fluxes.
    pub fn scatter(&self, res: &mut Residual) {
        self.faces.scatter(&self.unit_area, res);
    }

    /// Bytes of the shared data per owned main cell.
    pub fn bytes(&self) -> usize {
        use std::mem::size_of;
        self.faces.bytes()
            + (self.unit_area.len() + self.unit_size.len()) * size_of::<f64>()
            + self.numbering.n_local()
                * (size_of::<usize>() + self.numbering.units() * size_of::<bool>())
            + std::mem::size_of_val(self.numbering.owned_slots())
    }
}
