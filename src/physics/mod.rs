//! Physics that knows nothing of meshes or MPI: the gas model, Maxwellian moments and the gas-kinetic flux,
//! generic over the dimension ([`Dim`]: [`D2`], [`D3`]).
//!
//! The un-suffixed names are the 2D ones the schemes use: [`State`] = `[f64; 4]`, [`Gas`] = [`GasOf<D2>`],
//! [`FacePoint`] = [`FacePointOf<D2>`] (with one tangential derivative `tl`, `tr`), [`to_local`] and
//! [`from_local`] with a 2D normal; [`gks_flux`] takes its dimension from the gas. For 3D use [`GasOf<D3>`],
//! [`FacePointOf<D3>`] (`tl`, `tr`: `[State3; 2]`) and [`FrameOf<D3>`] for the rotations.

pub mod dim;
pub mod flux;
pub mod gas;
pub mod moments;
pub mod pointwise;
pub mod simd;
pub mod special;
pub mod viscosity;

#[cfg(test)]
mod reference2d;

pub use dim::{Dim, D2, D3};
pub use flux::{from_local, gks_flux, to_local, FacePoint, FacePointOf, FluxParams, FrameOf};
pub use gas::{Gas, GasOf, State};
pub use viscosity::{Viscosity, ViscosityLaw};

/// Conservative state in 3D: `(ρ, ρU, ρV, ρW, ρE)`.
pub type State3 = <D3 as Dim>::State;
