//! MPI: start-up with the launcher check, the communicator with its exact reductions (`comm`, with the
//! split-independent sums of `exact_sum`) and the halo exchange (`halo`).
//!
//! A binary started without `mpirun` runs as a one-rank job (MPI singleton). MPI is called from the main
//! thread only (rayon threads compute), so `MPI_THREAD_FUNNELED` is enough.

pub mod comm;
pub mod exact_sum;
pub mod halo;

pub use comm::Comm;
pub use halo::HaloPlan;

use mpi::traits::Communicator;
use mpi::Threading;

/// Errors at MPI start-up.
#[derive(Debug, thiserror::Error)]
pub enum ParallelError {
    /// MPI could not be initialised.
    #[error("MPI could not be initialised (was it initialised already?)")]
    Init,
    /// The launcher started N processes but the MPI library sees a world of a different size.
    #[error(
        "the launcher says {launcher} processes ({var} = {launcher}) but MPI sees a world of {world}: \
         this binary is linked against a different MPI than the one of your mpirun; use the mpirun that \
         belongs to the MPI gasket was built with (Debian: /usr/bin/mpirun from openmpi-bin)"
    )]
    LauncherMismatch {
        /// Environment variable that was checked.
        var: &'static str,
        /// Size the launcher announced.
        launcher: usize,
        /// Size MPI reports.
        world: usize,
    },
}

/// The MPI environment of a run.
pub struct Parallel {
    universe: mpi::environment::Universe,
}

impl Parallel {
    /// Initialises MPI and checks that the world matches the launcher.
    pub fn init() -> Result<Self, ParallelError> {
        let (universe, _) =
            mpi::initialize_with_threading(Threading::Funneled).ok_or(ParallelError::Init)?;
        let world = universe.world().size() as usize;
        for var in [
            "OMPI_COMM_WORLD_SIZE",
            "PMI_SIZE",
            "PMIX_SIZE",
            "MPI_LOCALNRANKS",
        ] {
            if let Some(n) = std::env::var(var)
                .ok()
                .and_then(|v| v.trim().parse::<usize>().ok())
            {
                if var != "MPI_LOCALNRANKS" && n != world {
                    return Err(ParallelError::LauncherMismatch {
                        var,
                        launcher: n,
                        world,
                    });
                }
            }
        }
        Ok(Parallel { universe })
    }

    /// This process's rank.
    pub fn rank(&self) -> usize {
        self.universe.world().rank() as usize
    }

    /// Number of ranks.
    pub fn size(&self) -> usize {
        self.universe.world().size() as usize
    }

    /// The world communicator.
    pub fn comm(&self) -> Comm {
        Comm::new(self.universe.world())
    }

    /// Aborts every rank with `code` (used when one rank fails, so nothing hangs).
    pub fn abort(&self, code: i32) -> ! {
        self.universe.world().abort(code)
    }
}
