//! Physics that knows nothing of meshes or MPI: the gas model, Maxwellian moments and the gas-kinetic flux.

pub mod flux;
pub mod gas;
pub mod moments;
pub mod viscosity;

pub use flux::{from_local, gks_flux, to_local, FacePoint, FluxParams};
pub use gas::{Gas, State};
pub use viscosity::{Viscosity, ViscosityLaw};
