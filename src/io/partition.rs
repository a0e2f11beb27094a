//! Partition files: named partitionings of a mesh, several per HDF5 file.
//!
//! Layout: `/partitions/<name>/parts` (i32 `[Nc]`, the part of each cell in global cell order,
//! shuffled and deflated when non-empty) with, on the `/partitions/<name>` group, the caller's
//! f64 attributes (`n_parts`, `edge_cut`, `imbalance`, …) and the UTF-8 string attribute
//! `mesh_key` that identifies the mesh the partitioning belongs to.
//!
//! These files use the default (serial) HDF5 driver: one process writes (rank 0), any process
//! reads. Writing is atomic: the new file is built as `NAME.tmp` (the other partitionings are
//! copied over from the existing file with `H5Ocopy`, the named one is written fresh) and renamed
//! over `NAME`, so a crash never loses the partitionings already there, and a replaced
//! partitioning leaves no dead space behind.

use std::collections::BTreeMap;
use std::ffi::CString;
use std::path::Path;
use std::str::FromStr;

use hdf5::types::{VarLenAscii, VarLenUnicode};
use hdf5::{h5check, File, Group};
use hdf5_sys::h5o::H5Ocopy;
use hdf5_sys::h5p::H5P_DEFAULT;

use crate::error::RunError;

use super::{ensure_parent_dir, output_error, tmp_path};

/// Deflate level of the `parts` datasets (with the byte shuffle filter before it).
const DEFLATE_LEVEL: u8 = 4;

/// Name of the group that holds the partitionings.
const PARTITIONS: &str = "partitions";

/// Adds the partitioning `name` to the partition file `path`, or replaces it if present.
///
/// `parts[c]` is the part of global cell `c`; `attrs` become f64 attributes of the
/// `/partitions/<name>` group (for example `n_parts`, `edge_cut`, `imbalance`), and `mesh_key` the
/// string attribute `mesh_key`. The file is created (with its parent directory) if missing; the
/// other partitionings in it are kept. Serial: call it from one process (rank 0) only. A `path`
/// that exists but is not a readable HDF5 file is an error and is left alone.
pub fn write_partition(
    path: &Path,
    name: &str,
    parts: &[i32],
    attrs: &[(&str, f64)],
    mesh_key: &str,
) -> Result<(), RunError> {
    check_name(name).map_err(|m| output_error(path, m))?;
    if let Some((a, _)) = attrs
        .iter()
        .find(|(a, _)| a.is_empty() || a.contains('/') || *a == "mesh_key")
    {
        return Err(output_error(
            path,
            format!("bad partition attribute name {a:?}"),
        ));
    }
    let mut names: Vec<&str> = attrs.iter().map(|a| a.0).collect();
    names.sort_unstable();
    if let Some(w) = names.windows(2).find(|w| w[0] == w[1]) {
        return Err(output_error(
            path,
            format!("partition attribute {:?} given twice", w[0]),
        ));
    }
    ensure_parent_dir(path)?;
    let old = if path.exists() {
        Some(super::open_read(path).map_err(|e| {
            output_error(
                path,
                format!("cannot open the existing partition file: {e}"),
            )
        })?)
    } else {
        None
    };
    let tmp = tmp_path(path);
    let written = build(&tmp, old.as_ref(), name, parts, attrs, mesh_key)
        .map_err(|e| output_error(path, format!("cannot write {}: {e}", tmp.display())));
    drop(old);
    let placed = written.and_then(|()| {
        std::fs::rename(&tmp, path).map_err(|e| {
            output_error(
                path,
                format!("cannot rename {} into place: {e}", tmp.display()),
            )
        })
    });
    if placed.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    placed
}

/// Reads the partitioning `name` from `path`: the part of each cell and its `mesh_key`.
///
/// An unknown name is an error that lists the names present.
pub fn read_partition(path: &Path, name: &str) -> Result<(Vec<i32>, String), RunError> {
    let file = open(path)?;
    let group = partition_group(&file, name).map_err(|m| output_error(path, m))?;
    let ds = group
        .dataset("parts")
        .map_err(|e| output_error(path, format!("cannot open /{PARTITIONS}/{name}/parts: {e}")))?;
    let shape = ds.shape();
    if shape.len() != 1 {
        return Err(output_error(
            path,
            format!("/{PARTITIONS}/{name}/parts has shape {shape:?}, expected [Nc]"),
        ));
    }
    let parts = if shape[0] == 0 {
        Vec::new()
    } else {
        ds.read_raw::<i32>().map_err(|e| {
            output_error(path, format!("cannot read /{PARTITIONS}/{name}/parts: {e}"))
        })?
    };
    let attr = group.attr("mesh_key").map_err(|e| {
        output_error(
            path,
            format!("partitioning {name:?} has no mesh_key attribute: {e}"),
        )
    })?;
    let key = attr
        .read_scalar::<VarLenUnicode>()
        .map(|s| s.as_str().to_owned())
        .or_else(|_| {
            attr.read_scalar::<VarLenAscii>()
                .map(|s| s.as_str().to_owned())
        })
        .map_err(|e| output_error(path, format!("cannot read the mesh_key of {name:?}: {e}")))?;
    Ok((parts, key))
}

/// The numeric (f64) attributes of the partitioning `name` in `path` (`n_parts`, `edge_cut`, …).
pub fn read_partition_attrs(path: &Path, name: &str) -> Result<BTreeMap<String, f64>, RunError> {
    let file = open(path)?;
    let group = partition_group(&file, name).map_err(|m| output_error(path, m))?;
    let mut out = BTreeMap::new();
    let names = group
        .attr_names()
        .map_err(|e| output_error(path, format!("cannot list the attributes of {name:?}: {e}")))?;
    for a in names.into_iter().filter(|a| a != "mesh_key") {
        let v = group
            .attr(&a)
            .and_then(|at| at.read_scalar::<f64>())
            .map_err(|e| {
                output_error(path, format!("cannot read attribute {a} of {name:?}: {e}"))
            })?;
        out.insert(a, v);
    }
    Ok(out)
}

/// Names of the partitionings in `path`, sorted (empty for a file without partitionings).
pub fn list_partitions(path: &Path) -> Result<Vec<String>, RunError> {
    let file = open(path)?;
    names(&file).map_err(|e| output_error(path, format!("cannot list the partitionings: {e}")))
}

/// Opens a partition file for reading.
fn open(path: &Path) -> Result<File, RunError> {
    if !path.exists() {
        return Err(output_error(path, "no such partition file"));
    }
    super::open_read(path)
        .map_err(|e| output_error(path, format!("cannot open as an HDF5 file: {e}")))
}

/// Sorted member names of `/partitions` (empty if the group is missing).
fn names(file: &File) -> hdf5::Result<Vec<String>> {
    if !file.link_exists(PARTITIONS) {
        return Ok(Vec::new());
    }
    let mut names = file.group(PARTITIONS)?.member_names()?;
    names.sort();
    Ok(names)
}

/// Opens `/partitions/<name>`, or explains which names there are.
fn partition_group(file: &File, name: &str) -> Result<Group, String> {
    let present = names(file).map_err(|e| format!("cannot list the partitionings: {e}"))?;
    if !present.iter().any(|n| n == name) {
        return Err(if present.is_empty() {
            format!("no partitioning named {name:?}: the file has none")
        } else {
            format!(
                "no partitioning named {name:?}; the file has: {}",
                present.join(", ")
            )
        });
    }
    file.group(&format!("{PARTITIONS}/{name}"))
        .map_err(|e| format!("cannot open /{PARTITIONS}/{name}: {e}"))
}

/// A partitioning name must be a single non-empty HDF5 link name.
fn check_name(name: &str) -> Result<(), String> {
    if name.is_empty() || name == "." || name.contains('/') || name.contains('\0') {
        Err(format!(
            "bad partitioning name {name:?}: it must be non-empty without '/'"
        ))
    } else {
        Ok(())
    }
}

/// Writes the new file `tmp`: the other partitionings of `old`, copied, and `name`.
fn build(
    tmp: &Path,
    old: Option<&File>,
    name: &str,
    parts: &[i32],
    attrs: &[(&str, f64)],
    mesh_key: &str,
) -> hdf5::Result<()> {
    let file = File::create(tmp)?;
    let root = file.create_group(PARTITIONS)?;
    if let Some(old) = old {
        let keep: Vec<String> = names(old)?.into_iter().filter(|n| n != name).collect();
        if !keep.is_empty() {
            let src = old.group(PARTITIONS)?;
            for member in keep {
                let c =
                    CString::new(member.as_str()).map_err(|e| hdf5::Error::from(e.to_string()))?;
                hdf5::sync::sync(|| {
                    // SAFETY: valid group ids and NUL-terminated names.
                    h5check(unsafe {
                        H5Ocopy(
                            src.id(),
                            c.as_ptr(),
                            root.id(),
                            c.as_ptr(),
                            H5P_DEFAULT,
                            H5P_DEFAULT,
                        )
                    })
                })
                .map_err(|e| {
                    hdf5::Error::from(format!("cannot copy partitioning {member:?}: {e}"))
                })?;
            }
        }
    }
    let g = root.create_group(name)?;
    let builder = g.new_dataset::<i32>().shape([parts.len()]);
    if parts.is_empty() {
        builder.create("parts")?;
    } else {
        builder
            .shuffle()
            .deflate(DEFLATE_LEVEL)
            .create("parts")?
            .write_raw(parts)?;
    }
    for (a, v) in attrs {
        g.new_attr::<f64>().shape(()).create(*a)?.write_scalar(v)?;
    }
    let key = VarLenUnicode::from_str(mesh_key)
        .map_err(|e| hdf5::Error::from(format!("mesh_key {mesh_key:?}: {e}")))?;
    g.new_attr::<VarLenUnicode>()
        .shape(())
        .create("mesh_key")?
        .write_scalar(&key)?;
    drop(g);
    drop(root);
    file.close()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::hdf5::samples::writing;
    use crate::io::test_util::temp_dir;

    #[test]
    fn several_partitionings_in_one_file() {
        let _writing = writing();
        let dir = temp_dir("partition");
        let path = dir.join("sub").join("mesh.parts.h5");
        let a = vec![0, 0, 1, 1, 2, 2];
        let b = vec![0, 1, 0, 1, 0, 1];
        write_partition(
            &path,
            "metis-3",
            &a,
            &[("n_parts", 3.0), ("edge_cut", 4.0)],
            "quad-3x2",
        )
        .unwrap();
        write_partition(
            &path,
            "rcb-2",
            &b,
            &[("n_parts", 2.0), ("imbalance", 1.0)],
            "quad-3x2",
        )
        .unwrap();
        assert!(!tmp_path(&path).exists());
        assert_eq!(list_partitions(&path).unwrap(), vec!["metis-3", "rcb-2"]);
        assert_eq!(
            read_partition(&path, "metis-3").unwrap(),
            (a.clone(), "quad-3x2".to_string())
        );
        assert_eq!(read_partition(&path, "rcb-2").unwrap().0, b);
        let at = read_partition_attrs(&path, "metis-3").unwrap();
        assert_eq!(at["n_parts"], 3.0);
        assert_eq!(at["edge_cut"], 4.0);
        assert!(!at.contains_key("mesh_key"));

        // Replacing one keeps the other, and the file does not grow with repeated replacement.
        let c = vec![1, 1, 1, 0, 0, 0];
        write_partition(&path, "metis-3", &c, &[("n_parts", 2.0)], "quad-3x2-v2").unwrap();
        let size1 = std::fs::metadata(&path).unwrap().len();
        write_partition(&path, "metis-3", &c, &[("n_parts", 2.0)], "quad-3x2-v2").unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().len(), size1);
        assert_eq!(
            read_partition(&path, "metis-3").unwrap(),
            (c, "quad-3x2-v2".to_string())
        );
        assert_eq!(
            read_partition(&path, "rcb-2").unwrap(),
            (b, "quad-3x2".to_string())
        );
        let at = read_partition_attrs(&path, "metis-3").unwrap();
        assert_eq!(at.len(), 1);
        let at = read_partition_attrs(&path, "rcb-2").unwrap();
        assert_eq!(at["imbalance"], 1.0);

        let err = read_partition(&path, "nope").unwrap_err().to_string();
        assert!(
            err.contains("no partitioning named \"nope\"; the file has: metis-3, rcb-2"),
            "{err}"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn bad_names_and_files_are_errors() {
        let _writing = writing();
        let dir = temp_dir("partition-bad");
        let path = dir.join("p.h5");
        assert!(write_partition(&path, "a/b", &[0], &[], "k").is_err());
        assert!(write_partition(&path, "", &[0], &[], "k").is_err());
        assert!(write_partition(&path, "a", &[0], &[("x", 1.0), ("x", 2.0)], "k").is_err());
        assert!(!path.exists());
        let err = list_partitions(&path).unwrap_err().to_string();
        assert!(err.contains("no such partition file"), "{err}");
        write_partition(&path, "empty", &[], &[], "none").unwrap();
        assert_eq!(
            read_partition(&path, "empty").unwrap(),
            (vec![], "none".to_string())
        );
        // A non-HDF5 file is not clobbered.
        let junk = dir.join("junk.h5");
        std::fs::write(&junk, b"not hdf5").unwrap();
        assert!(write_partition(&junk, "a", &[0], &[], "k").is_err());
        assert_eq!(std::fs::read(&junk).unwrap(), b"not hdf5");
        assert!(read_partition(&junk, "a")
            .unwrap_err()
            .to_string()
            .contains("cannot open"));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
