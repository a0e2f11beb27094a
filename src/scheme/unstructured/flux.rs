//! The face-point flux of every unstructured operator: the scheme's states and derivatives on both sides of
//! a Gauss point (first-order cell averages for low-order faces and where a point state is not
//! admissible), the ghost state of the boundary condition, the damped viscous normal derivative, the
//! rotation into the face frame, the gas-kinetic flux, the condition's flux fix-up, and the average over
//! the face's two Gauss points.

use super::core::UnstructuredCore;
use super::faces::Face;
use crate::physics::flux::{gks_flux_batch, lane, FaceBatch, BATCH};
use crate::physics::{from_local, to_local, FacePoint, FluxParams, Gas, State, D2};
use crate::scheme::Bc;

/// Factor on the viscous part of the time-step limit of the unstructured schemes, whose viscous faces take
/// the damped derivative of [`viscous_n0`]: the damped operator's spectral radius on SCFV subcells is about
/// 34 μ/(ρh²) (`examples/scfv_eigen.rs`, 4 × 16 squares, μ = 0.05: smallest real part −3 500, h the subcell
/// size), twice the generic estimate, and S2O4 is stable to −2.8 on the real axis.
pub const TRI_VISCOUS_RATE: f64 = 2.0;

/// Weight α of the jump term in [`viscous_n0`] (Nishikawa's α-damping; 4/3 is his choice for
/// second-order gradients).
pub const VISCOUS_ALPHA: f64 = 4.0 / 3.0;

/// The normal derivative of the equilibrium state at a face point of an unstructured scheme in a viscous
/// flow: the mean of the two sides' normal derivatives plus `α (w_R − w_L)/L` (global frame; `ilen = 1/L`,
/// `L` a distance between the two sides' unit centroids). The mean alone is the "average of gradients"
/// viscous flux, whose linearisation has growing modes for the SCFV polynomials (largest real part 1.1
/// about rest on a periodic 4 × 16 mesh with μ = 0.05, 26 with no-slip walls, `examples/scfv_eigen.rs`); the
/// jump of the reconstructed face values, O(hᵖ) for smooth data, damps them (Nishikawa's α-damping).
#[inline]
pub fn viscous_n0((wl, nl): (&State, &State), (wr, nr): (&State, &State), ilen: f64) -> State {
    std::array::from_fn(|q| 0.5 * (nl[q] + nr[q]) + VISCOUS_ALPHA * (wr[q] - wl[q]) * ilen)
}

/// Which side of a face.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// The left side (`Face::left`).
    Left,
    /// The right side (`Face::right`; never asked on boundary faces).
    Right,
}

/// What a scheme's reconstruction gives the shared face loop.
pub trait PointStates<X>: Sync {
    /// State, normal and tangential derivative (global frame, along `n` and `(−n_y, n_x)`) at Gauss point
    /// `k` of face `f` on side `side`, from the reconstruction of the last stage and the local units `w`;
    /// `None` when the state is not admissible (the face point then takes the unit's average with zero
    /// slopes).
    fn point(
        &self,
        gas: &Gas,
        w: &[State],
        f: &Face<X>,
        side: Side,
        k: usize,
    ) -> Option<(State, State, State)>;
}

/// Faces per batch of the flux: two Gauss points each fill the [`BATCH`] lanes.
pub const FACES_PER_BATCH: usize = BATCH / 2;

/// What the shared flux needs at one face point: where it is, the side data, and the boundary condition.
#[derive(Debug, Clone, Copy)]
pub struct PointInput {
    /// Unit normal from left to right.
    pub n: [f64; 2],
    /// The point.
    pub x: [f64; 2],
    /// `1/L` of the viscous jump term ([`viscous_n0`]).
    pub ilen: f64,
    /// The condition of a boundary face (the right side is then its ghost).
    pub bc: Option<Bc>,
    /// State, normal and tangential derivative on the left (global frame).
    pub left: (State, State, State),
    /// The same on the right (ignored on boundary faces).
    pub right: (State, State, State),
}

/// The settings of the face-point flux: the gas, the flux parameters, whether the flow is viscous and the
/// time at which boundary values are taken.
#[derive(Debug, Clone, Copy)]
pub struct PointFlux<'a> {
    /// The gas.
    pub gas: &'a Gas,
    /// Collision times and viscosity.
    pub flux: &'a FluxParams,
    /// Navier–Stokes: both sides see the damped normal derivative of [`viscous_n0`].
    pub viscous: bool,
    /// Time of the stage.
    pub time: f64,
}

impl PointFlux<'_> {
    /// The face point in the face frame for the flux: the boundary ghost on the right, the viscous normal
    /// derivative, the rotation.
    #[inline]
    fn face_point(&self, p: &PointInput) -> FacePoint {
        let (n, (wl, nl, tl)) = (p.n, p.left);
        let (wr, nr, tr) = match p.bc {
            None => p.right,
            Some(bc) => bc.ghost_point(self.gas, p.left, n, p.x, self.time),
        };
        // Viscous flows: both sides and the equilibrium see one damped normal derivative.
        let (nl, nr, n0) = if self.viscous {
            let d = viscous_n0((&wl, &nl), (&wr, &nr), p.ilen);
            (d, d, Some(to_local(&d, n)))
        } else {
            (nl, nr, None)
        };
        FacePoint {
            wl: to_local(&wl, n),
            nl: to_local(&nl, n),
            tl: to_local(&tl, n),
            wr: to_local(&wr, n),
            nr: to_local(&nr, n),
            tr: to_local(&tr, n),
            n0,
        }
    }

    /// `(F⁰, ∂ₜF⁰)` along the left-to-right normal, global frame, at up to [`BATCH`] face points, into
    /// `out`: one batch of the gas-kinetic flux (unused lanes repeat the first point; each point gets the
    /// same bits in any batch and lane), then the boundary condition's fix-up. Every unstructured scheme's
    /// face points go through here.
    #[inline]
    pub fn fluxes(&self, points: &[PointInput], out: &mut [(State, State)], dt: f64) {
        debug_assert!(points.len() == out.len());
        self.fluxes_by(|k| points[k], out, dt);
    }

    /// [`PointFlux::fluxes`] at the `out.len()` points `input(0..out.len())`, each built straight into its
    /// lane (no array of inputs is assembled and copied): the same bits.
    #[inline]
    pub fn fluxes_by(
        &self,
        input: impl Fn(usize) -> PointInput,
        out: &mut [(State, State)],
        dt: f64,
    ) {
        let n = out.len();
        debug_assert!(n <= BATCH);
        let mut batch = FaceBatch::<D2, BATCH>::zeroed(self.viscous);
        // What the boundary fix-up and the rotation back need of each point.
        let mut after = [([0.0; 2], None, [0.0; 2], [0.0; 4]); BATCH];
        for (lane, a) in after.iter_mut().enumerate().take(n) {
            let p = input(lane);
            batch.set(lane, &self.face_point(&p));
            *a = (p.n, p.bc, p.x, p.left.0);
        }
        batch.pad(n);
        let (f0, fd) = gks_flux_batch(self.gas, &batch, dt, self.flux);
        for (k, (&(nv, bc, x, wl), o)) in after.iter().zip(out.iter_mut()).enumerate() {
            let (mut a0, mut ad) = (lane::<D2, BATCH>(&f0, k), lane::<D2, BATCH>(&fd, k));
            if let Some(bc) = bc {
                bc.fix_flux(self.gas, nv, x, &wl, &mut a0, &mut ad);
            }
            *o = (from_local(&a0, nv), from_local(&ad, nv));
        }
    }
}

impl<X: Sync> UnstructuredCore<X> {
    /// The settings of the face-point flux.
    #[inline]
    pub fn point_flux(&self) -> PointFlux<'_> {
        PointFlux {
            gas: &self.gas,
            flux: &self.flux,
            viscous: self.viscous,
            time: self.time,
        }
    }

    /// The inputs of Gauss point `k` of face `f`: the reconstruction's side data (cell averages with zero
    /// slopes on low-order faces and where a point state is not admissible).
    #[inline]
    fn gauss_point<R: PointStates<X>>(
        &self,
        rec: &R,
        w: &[State],
        f: &Face<X>,
        k: usize,
    ) -> PointInput {
        let gas = &self.gas;
        let zero = [0.0; 4];
        let low = self.low_order.face(f.left, f.right);
        let side = |s: Side, unit: usize| {
            let p = if low {
                None
            } else {
                rec.point(gas, w, f, s, k)
            };
            p.unwrap_or((w[unit], zero, zero))
        };
        let left = side(Side::Left, f.left);
        let right = match f.bc {
            None => side(Side::Right, f.right),
            Some(_) => left,
        };
        PointInput {
            n: f.n,
            x: f.x[k],
            ilen: f.ilen[k],
            bc: f.bc,
            left,
            right,
        }
    }

    /// The fluxes of up to [`FACES_PER_BATCH`] faces, each averaged over its two Gauss points:
    /// `(F⁰, ∂ₜF⁰)` along the left-to-right normal, into `out`.
    #[inline]
    pub(super) fn face_fluxes<R: PointStates<X>>(
        &self,
        rec: &R,
        w: &[State],
        faces: &[Face<X>],
        out: &mut [(State, State)],
        dt: f64,
    ) {
        debug_assert!(faces.len() <= FACES_PER_BATCH && faces.len() == out.len());
        let np = 2 * faces.len();
        let mut pts = [PointInput {
            n: [1.0, 0.0],
            x: [0.0; 2],
            ilen: 0.0,
            bc: None,
            left: ([0.0; 4], [0.0; 4], [0.0; 4]),
            right: ([0.0; 4], [0.0; 4], [0.0; 4]),
        }; BATCH];
        for (lane, pt) in pts.iter_mut().enumerate().take(np) {
            *pt = self.gauss_point(rec, w, &faces[lane / 2], lane % 2);
        }
        let mut fl = [([0.0; 4], [0.0; 4]); BATCH];
        self.point_flux().fluxes(&pts[..np], &mut fl[..np], dt);
        for (i, o) in out.iter_mut().enumerate() {
            let mut acc0 = [0.0; 4];
            let mut accd = [0.0; 4];
            for (g0, gd) in &fl[2 * i..2 * i + 2] {
                for q in 0..4 {
                    acc0[q] += 0.5 * g0[q];
                    accd[q] += 0.5 * gd[q];
                }
            }
            *o = (acc0, accd);
        }
    }
}
