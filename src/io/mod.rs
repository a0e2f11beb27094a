//! Output: HDF5 snapshots with an XDMF file beside each, and the JSON run summary.
//!
//! A snapshot `DIR/NAME.h5` has this fixed layout (later work keeps it):
//!
//! | path                  | type    | shape                 |
//! |-----------------------|---------|-----------------------|
//! | `/mesh/vertices`      | f64     | `[Nv, 2]`             |
//! | `/mesh/cells`         | i64     | `[Nc, nodes_per_cell]`|
//! | `/mesh/partition`     | i32     | `[Nc]`                |
//! | `/solution/density`   | f64     | `[Nc]`                |
//! | `/solution/velocity`  | f64     | `[Nc, 2]`             |
//! | `/solution/pressure`  | f64     | `[Nc]`                |
//! | `/input/case_toml`    | string  | scalar                |
//! | `/input/command_line` | string  | scalar                |
//!
//! Root attributes: `time` (f64), `step` (u64), `gamma` (f64), `case`, `scheme`, `version`
//! (variable-length UTF-8 strings), `ranks`, `threads` (i64). `NAME.xdmf` beside the HDF5 file
//! describes it for ParaView and VisIt.
//!
//! Checkpoints (snapshots written with restart data) add `/restart/conserved` (f64 `[Nc, 4]`,
//! bit-exact) and the caller's attributes on the `/restart` group (see [`parallel`]).
//!
//! All cell datasets are in global cell order, whatever the number of ranks that wrote them. The
//! solver writes with [`write_snapshot`] (collective, MPI-IO, every rank its owned cells) and
//! restarts with [`read_restart`]; [`read_snapshot`] reads a whole file in one process.
//! A high-order scheme adds the group `/highorder` (see [`highorder`]).
//! Partition files ([`partition`]) hold named partitionings `/partitions/<name>/parts`.

pub mod hdf5;
pub mod highorder;
pub mod lock;
pub mod parallel;
pub mod partition;
pub mod summary;
pub mod xdmf;

pub use self::hdf5::{read_snapshot, write_snapshot_serial, Snapshot};
pub use self::highorder::{HighOrder, HighOrderOut};
pub use self::parallel::{
    read_restart, vertex_rows, write_snapshot, Dist, RestartIn, RestartOut, CRASH_ENV,
};
pub use self::partition::{list_partitions, read_partition, read_partition_attrs, write_partition};
pub use self::summary::write_json;
pub use self::xdmf::xdmf_text;

use std::path::{Path, PathBuf};

use crate::error::RunError;

/// Global-mesh description for output. `cells` is flat: nodes_per_cell entries per cell, 0-based vertex ids, counter-clockwise.
#[derive(Debug, Clone, Copy)]
pub struct MeshOut<'a> {
    /// Vertex coordinates `(x, y)`: all of them for [`write_snapshot_serial`]; for the collective
    /// [`write_snapshot`], only the rows [`vertex_rows`] of this rank.
    pub vertices: &'a [[f64; 2]],
    /// Cell-to-vertex connectivity, `nodes_per_cell` 0-based vertex ids per cell, counter-clockwise.
    pub cells: &'a [i64],
    /// Vertices per cell: 3 (triangles) or 4 (quadrilaterals).
    pub nodes_per_cell: usize,
    /// Owning MPI rank of each cell.
    pub partition: &'a [i32],
}

/// Cell-average fields in global cell order.
#[derive(Debug, Clone, Copy)]
pub struct FieldsOut<'a> {
    /// Density of each cell.
    pub density: &'a [f64],
    /// Velocity `(u, v)` of each cell.
    pub velocity: &'a [[f64; 2]],
    /// Pressure of each cell.
    pub pressure: &'a [f64],
    /// The field inside the cells, for schemes that hold a polynomial per cell (`/highorder`, see [`highorder`]).
    pub high_order: Option<HighOrderOut<'a>>,
}

/// Root attributes and provenance.
#[derive(Debug, Clone, Copy)]
pub struct Meta<'a> {
    /// Simulated time of the snapshot.
    pub time: f64,
    /// Time-step number of the snapshot.
    pub step: u64,
    /// Ratio of specific heats.
    pub gamma: f64,
    /// Case name.
    pub case: &'a str,
    /// Scheme name.
    pub scheme: &'a str,
    /// Number of MPI ranks of the run.
    pub ranks: i64,
    /// Number of threads per rank.
    pub threads: i64,
    /// Version of the code that wrote the file (see [`crate::version`]).
    pub version: &'a str,
    /// The resolved case file, as TOML text.
    pub case_toml: &'a str,
    /// The command line of the run.
    pub command_line: &'a str,
}

/// Builds a [`RunError::Output`] for `path`.
pub(crate) fn output_error(path: &Path, message: impl std::fmt::Display) -> RunError {
    RunError::Output {
        path: path.to_path_buf(),
        message: message.to_string(),
    }
}

/// Opens an HDF5 file read-only without taking HDF5's file lock.
///
/// Every file gasket writes appears complete through an atomic rename, so a reader has nothing to
/// wait for; and a lock taken by a write can outlive the write in a child process that inherited
/// the descriptor (HDF5 opens files without close-on-exec), which made reads fail with `errno = 11`.
pub(crate) fn open_read(path: &Path) -> ::hdf5::Result<::hdf5::File> {
    ::hdf5::File::with_options()
        .with_fapl(|p| p.file_locking(false))
        .open(path)
}

/// The temporary name `path` is written under before the rename: `NAME.EXT.tmp`.
pub(crate) fn tmp_path(path: &Path) -> PathBuf {
    let mut name = path.as_os_str().to_os_string();
    name.push(".tmp");
    PathBuf::from(name)
}

/// Creates the parent directory of `path` if it does not exist.
pub(crate) fn ensure_parent_dir(path: &Path) -> Result<(), RunError> {
    match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => std::fs::create_dir_all(dir).map_err(|e| {
            output_error(
                path,
                format!("cannot create directory {}: {e}", dir.display()),
            )
        }),
        _ => Ok(()),
    }
}

/// Writes `bytes` to `path` atomically: to `path.tmp` first, then renamed over `path`.
pub(crate) fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), RunError> {
    ensure_parent_dir(path)?;
    let tmp = tmp_path(path);
    let result = std::fs::write(&tmp, bytes)
        .map_err(|e| output_error(path, format!("cannot write {}: {e}", tmp.display())))
        .and_then(|()| {
            std::fs::rename(&tmp, path).map_err(|e| {
                output_error(
                    path,
                    format!("cannot rename {} into place: {e}", tmp.display()),
                )
            })
        });
    if result.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    result
}

/// Helpers shared by the unit tests of the output modules.
#[cfg(test)]
pub(crate) mod test_util {
    use std::path::PathBuf;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A fresh, empty directory under the system temp dir; the caller removes it.
    pub(crate) fn temp_dir(tag: &str) -> PathBuf {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("gasket-test-{}-{tag}-{n}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create test temp dir");
        dir
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tmp_path_appends_suffix() {
        assert_eq!(
            tmp_path(Path::new("out/a.h5")),
            PathBuf::from("out/a.h5.tmp")
        );
    }

    #[test]
    fn write_atomic_leaves_no_tmp() {
        let dir = test_util::temp_dir("atomic");
        let path = dir.join("sub").join("x.txt");
        write_atomic(&path, b"hello").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"hello");
        assert!(!tmp_path(&path).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
