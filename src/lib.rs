//! gasket: a high-order gas-kinetic scheme (GKS) solver for the compressible Euler equations.
//!
//! Data flows one way: case → mesh → (partition) → local domain → time loop → output. The physics
//! ([`physics`]) knows nothing of meshes; the schemes ([`scheme`]) work on a local mesh with ghost/halo cells
//! and know nothing of MPI; [`domain`] says which cells a rank owns and which halo cells it reads;
//! [`parallel`] owns the communicator, halo exchange and reductions; [`io`] owns HDF5, XDMF and summaries;
//! [`run`] drives a whole run on every rank.

pub mod case;
pub mod domain;
pub mod error;
pub mod initial;
pub mod io;
pub mod mesh;
pub mod monitor;
pub mod parallel;
pub mod physics;
pub mod plot;
pub mod run;
pub mod scheme;
pub mod solver;
pub mod time;

/// The crate version and the git commit it was built from (`unknown` outside a git checkout).
pub fn version() -> String {
    format!(
        "{} ({})",
        env!("CARGO_PKG_VERSION"),
        env!("GASKET_GIT_COMMIT")
    )
}
