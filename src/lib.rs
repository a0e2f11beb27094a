//! gasket: a high-order gas-kinetic scheme (GKS) solver for the compressible Euler equations.
//!
//! Data flows one way: case → mesh → (partition) → local domain → time loop → output. The physics
//! ([`physics`]) knows nothing of meshes; the schemes ([`scheme`]) work on a local mesh with ghost/halo cells
//! and know nothing of MPI; [`parallel`] owns the communicator; [`io`] owns HDF5, XDMF and summaries.

pub mod case;
pub mod error;
pub mod initial;
pub mod io;
pub mod mesh;
pub mod parallel;
pub mod physics;
pub mod plot;
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
