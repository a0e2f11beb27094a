//! The face-point flux of every unstructured operator: the scheme's states and derivatives on both sides of
//! a Gauss point (first-order cell averages for low-order faces and where a point state is not
//! admissible), the ghost state of the boundary condition, the damped viscous normal derivative, the
//! rotation into the face frame, the gas-kinetic flux, the condition's flux fix-up, and the average over
//! the face's two Gauss points.

use super::core::UnstructuredCore;
use super::faces::Face;
use crate::physics::flux::{gks_flux_batch, lane, FaceBatch, BATCH};
use crate::physics::{from_local, to_local, FacePoint, Gas, State, D2};

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

/// One Gauss point of a face, ready for the flux: the face point in the face frame and the left state in the
/// global frame (for the boundary condition's flux fix-up).
struct GaussPoint {
    fp: FacePoint,
    wl: State,
}

impl<X: Sync> UnstructuredCore<X> {
    /// The data at Gauss point `k` of face `f`.
    #[inline]
    fn gauss_point<R: PointStates<X>>(
        &self,
        rec: &R,
        w: &[State],
        f: &Face<X>,
        k: usize,
    ) -> GaussPoint {
        let (n, x) = (f.n, f.x[k]);
        let gas = &self.gas;
        let zero = [0.0; 4];
        let low = self.low_order.face(f.left, f.right);
        let left = if low {
            None
        } else {
            rec.point(gas, w, f, Side::Left, k)
        };
        let (wl, nl, tl) = left.unwrap_or((w[f.left], zero, zero));
        let (wr, nr, tr) = match f.bc {
            None => {
                let right = if low {
                    None
                } else {
                    rec.point(gas, w, f, Side::Right, k)
                };
                right.unwrap_or((w[f.right], zero, zero))
            }
            Some(bc) => bc.ghost_point(gas, (wl, nl, tl), n, x, self.time),
        };
        // Viscous flows: both sides and the equilibrium see one damped normal derivative.
        let (nl, nr, n0) = if self.viscous {
            let d = viscous_n0((&wl, &nl), (&wr, &nr), f.ilen[k]);
            (d, d, Some(to_local(&d, n)))
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
        GaussPoint { fp, wl }
    }

    /// The fluxes of up to [`FACES_PER_BATCH`] faces, each averaged over its two Gauss points:
    /// `(F⁰, ∂ₜF⁰)` along the left-to-right normal, into `out`. The flux runs on one batch of face points
    /// (unused lanes repeat the first point); each face's result is the same bits in any batch.
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
        let mut pts: [Option<GaussPoint>; BATCH] = Default::default();
        let mut batch = FaceBatch::<D2, BATCH>::zeroed(self.viscous);
        for (lane, pt) in pts.iter_mut().enumerate().take(2 * faces.len()) {
            let gp = self.gauss_point(rec, w, &faces[lane / 2], lane % 2);
            batch.set(lane, &gp.fp);
            *pt = Some(gp);
        }
        batch.pad(2 * faces.len());
        let (f0, fd) = gks_flux_batch(&self.gas, &batch, dt, &self.flux);
        for (i, (f, o)) in faces.iter().zip(out.iter_mut()).enumerate() {
            let mut acc0 = [0.0; 4];
            let mut accd = [0.0; 4];
            for k in 0..2 {
                let lane_k = 2 * i + k;
                let (mut a0, mut ad) = (
                    lane::<D2, BATCH>(&f0, lane_k),
                    lane::<D2, BATCH>(&fd, lane_k),
                );
                if let (Some(bc), Some(gp)) = (f.bc, &pts[lane_k]) {
                    bc.fix_flux(&self.gas, f.n, f.x[k], &gp.wl, &mut a0, &mut ad);
                }
                let (g0, gd) = (from_local(&a0, f.n), from_local(&ad, f.n));
                for q in 0..4 {
                    acc0[q] += 0.5 * g0[q];
                    accd[q] += 0.5 * gd[q];
                }
            }
            *o = (acc0, accd);
        }
    }
}
