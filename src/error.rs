//! Typed errors of the gasket library.
//!
//! Every error's message is complete: it says the cause itself (an I/O error's text included), and no
//! error returns a cause from `source()` that its message already holds. So an error prints the same with
//! `{}` and through an error-chain printer such as anyhow's `{:#}`, and the library can turn errors into
//! strings (as in [`RunError::Mesh`]) without losing the cause.

use std::path::PathBuf;

/// Errors in the gas model.
#[derive(Debug, thiserror::Error)]
pub enum PhysicsError {
    /// γ outside the range the 2D kinetic model supports.
    #[error("gamma = {0} is outside (1, 2]: the 2D kinetic model needs K = (4 - 2γ)/(γ - 1) >= 0")]
    BadGamma(f64),
    /// γ outside the range the 3D kinetic model supports.
    #[error(
        "gamma = {0} is outside (1, 5/3]: the 3D kinetic model needs K = (5 - 3γ)/(γ - 1) >= 0"
    )]
    BadGamma3d(f64),
}

/// Errors in reading, overriding or checking a case file.
#[derive(Debug, thiserror::Error)]
pub enum CaseError {
    /// The case file could not be read.
    #[error("{path}: cannot read the case file: {error}")]
    Io {
        /// The case file.
        path: PathBuf,
        /// The underlying I/O error (part of the message, not a `source()`).
        error: std::io::Error,
    },
    /// TOML syntax error or a key with the wrong type or an unknown name.
    #[error("{path}: {message}")]
    Parse {
        /// The case file.
        path: PathBuf,
        /// What is wrong, with the key path and line where known.
        message: String,
    },
    /// A `--set KEY=VALUE` override that cannot be applied.
    #[error("--set {arg}: {message}")]
    Override {
        /// The override as given.
        arg: String,
        /// What is wrong.
        message: String,
    },
    /// A value that has the right type but is not acceptable.
    #[error("{path}: {key}: {message}")]
    Invalid {
        /// The case file.
        path: PathBuf,
        /// The dotted key.
        key: String,
        /// What was expected.
        message: String,
    },
}

/// Errors while running a case.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// The solution left the admissible set (non-finite, or non-positive density or pressure).
    #[error(
        "solution blew up at step {step}, t = {time:.6e}: cell {cell} ({location}) has \
         rho = {rho:.6e}, u = {u:.6e}, v = {v:.6e}, p = {p:.6e}"
    )]
    BlowUp {
        /// Step number at which the bad state appeared.
        step: u64,
        /// Simulated time at the start of that step.
        time: f64,
        /// Global cell id.
        cell: usize,
        /// Where the cell is (`i = .., j = ..`, or its centroid).
        location: String,
        /// Density.
        rho: f64,
        /// x-velocity.
        u: f64,
        /// y-velocity.
        v: f64,
        /// Pressure.
        p: f64,
    },
    /// The time step collapsed to zero or became non-finite.
    #[error("time step {dt:e} at step {step}, t = {time:e} is not usable (zero, negative or non-finite)")]
    BadTimeStep {
        /// Step number.
        step: u64,
        /// Simulated time.
        time: f64,
        /// The offending time step.
        dt: f64,
    },
    /// A restart file does not fit the case, or cannot be read.
    #[error("restart from {path}: {message}")]
    Restart {
        /// The restart file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// The mesh is not usable (degenerate or unnamed boundary edges, ...).
    #[error("mesh: {0}")]
    Mesh(String),
    /// The mesh could not be partitioned, or a stored partition does not fit.
    #[error("partition: {0}")]
    Partition(String),
    /// The run was stopped by a signal after writing a checkpoint (exit status 75: restart from it).
    #[error(
        "stopped by signal {signal} at step {step}, t = {time:.6e}; checkpoint written to {}; continue with \
         --restart {}", checkpoint.display(), checkpoint.display()
    )]
    Interrupted {
        /// The signal number (SIGTERM 15, SIGUSR1 10).
        signal: i32,
        /// Step at which the run stopped.
        step: u64,
        /// Simulated time at which the run stopped.
        time: f64,
        /// The checkpoint written.
        checkpoint: PathBuf,
    },
    /// The output directory is in use by another run, or its lock cannot be taken.
    #[error(transparent)]
    Lock(#[from] crate::io::lock::LockError),
    /// Output could not be written.
    #[error("{path}: {message}")]
    Output {
        /// The file being written.
        path: PathBuf,
        /// What went wrong.
        message: String,
    },
}

impl RunError {
    /// True for errors that every rank detects together (after a reduction, or from the same input), so that
    /// rank 0 alone reports them and the ranks stop in order; other errors abort all ranks from the rank
    /// that saw them.
    pub fn is_collective(&self) -> bool {
        matches!(
            self,
            RunError::BlowUp { .. }
                | RunError::BadTimeStep { .. }
                | RunError::Mesh(_)
                | RunError::Interrupted { .. }
                | RunError::Lock(_)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error;

    #[test]
    fn an_io_error_is_said_once() {
        let e = CaseError::Io {
            path: PathBuf::from("nope.toml"),
            error: std::io::Error::from(std::io::ErrorKind::NotFound),
        };
        assert!(e.source().is_none(), "the message already holds the cause");
        let chain = format!("{:#}", anyhow::Error::from(e));
        assert_eq!(chain.matches("not found").count(), 1, "{chain}");
        let lock = RunError::from(crate::io::lock::LockError::Unusable {
            dir: PathBuf::from("out"),
            message: "cannot create the lock file: denied".into(),
        });
        assert!(lock.source().is_none());
        let chain = format!("{:#}", anyhow::Error::from(lock));
        assert_eq!(chain.matches("denied").count(), 1, "{chain}");
    }
}
