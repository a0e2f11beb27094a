//! Spatial discretisations. They work on a local mesh with ghost cells and know nothing of MPI.

pub mod boundary;
pub mod characteristic;
pub mod scfv;
pub mod structured;
pub mod weno;

pub use structured::{Residual, StructuredOperator};
