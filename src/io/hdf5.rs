//! HDF5 snapshots: serial writing (default file driver, no MPI) and reading back.
//!
//! The solver writes snapshots from all ranks with [`super::parallel::write_snapshot`]; the
//! serial writer here produces the same layout from one process, for tools and tests.

use std::path::Path;
use std::str::FromStr;

use hdf5::types::{VarLenAscii, VarLenUnicode};
use hdf5::{Dataset, File, Group, H5Type, Location};

use crate::error::RunError;

use super::{
    ensure_parent_dir, highorder, output_error, tmp_path, write_atomic, xdmf, FieldsOut, HighOrder,
    HighOrderOut, MeshOut, Meta,
};

/// Deflate level of the compressed datasets (with the byte shuffle filter before it).
const DEFLATE_LEVEL: u8 = 4;

/// Writes DIR/NAME.h5 from one process, atomically (write NAME.h5.tmp, then rename), and NAME.xdmf beside it.
///
/// All arrays are global, in cell order (no restart group). `path` is the `.h5` file; the XDMF file is `path` with its extension replaced by `xdmf`,
/// also written atomically, after the HDF5 file is in place. The parent directory is created if
/// missing. Array lengths are checked against each other and vertex ids against the vertex
/// count before anything is written. Uses the default (serial) HDF5 driver: call it from one
/// process only.
pub fn write_snapshot_serial(
    path: &Path,
    mesh: &MeshOut,
    fields: &FieldsOut,
    meta: &Meta,
) -> Result<(), RunError> {
    check_sizes(mesh, fields).map_err(|m| output_error(path, m))?;
    if let Some(h) = &fields.high_order {
        h.check(mesh.partition.len())
            .map_err(|m| output_error(path, m))?;
    }
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| output_error(path, "the snapshot path needs a UTF-8 file name"))?;
    let xdmf_path = path.with_extension("xdmf");
    if xdmf_path == path {
        return Err(output_error(
            path,
            "the snapshot file must not itself end in .xdmf",
        ));
    }
    ensure_parent_dir(path)?;

    let tmp = tmp_path(path);
    let written = File::create(&tmp)
        .and_then(|file| {
            write_contents(&file, mesh, fields, meta)?;
            file.close()
        })
        .map_err(|e| output_error(path, format!("cannot write {}: {e}", tmp.display())))
        .and_then(|()| {
            std::fs::rename(&tmp, path).map_err(|e| {
                output_error(
                    path,
                    format!("cannot rename {} into place: {e}", tmp.display()),
                )
            })
        });
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }

    let n_cells = mesh.partition.len();
    let text = xdmf::xdmf_text(
        file_name,
        mesh.vertices.len(),
        n_cells,
        mesh.nodes_per_cell,
        meta.time,
    );
    write_atomic(&xdmf_path, text.as_bytes())?;
    match &fields.high_order {
        Some(h) => highorder::write_xdmf(path, file_name, n_cells, h, meta.time),
        None => Ok(()),
    }
}

/// Owned contents of a snapshot, for plotting and tests.
#[derive(Debug, Clone, PartialEq)]
pub struct Snapshot {
    /// Vertex coordinates `(x, y)`.
    pub vertices: Vec<[f64; 2]>,
    /// Flat cell-to-vertex connectivity, `nodes_per_cell` 0-based vertex ids per cell.
    pub cells: Vec<i64>,
    /// Vertices per cell.
    pub nodes_per_cell: usize,
    /// Owning MPI rank of each cell.
    pub partition: Vec<i32>,
    /// Density of each cell.
    pub density: Vec<f64>,
    /// Velocity `(u, v)` of each cell.
    pub velocity: Vec<[f64; 2]>,
    /// Pressure of each cell.
    pub pressure: Vec<f64>,
    /// Simulated time.
    pub time: f64,
    /// Time-step number.
    pub step: u64,
    /// Ratio of specific heats.
    pub gamma: f64,
    /// Case name.
    pub case: String,
    /// Scheme name.
    pub scheme: String,
    /// The resolved case file, as TOML text.
    pub case_toml: String,
    /// The command line of the run.
    pub command_line: String,
    /// The field inside the cells (`/highorder`), if the scheme wrote it.
    pub high_order: Option<HighOrder>,
}

impl Snapshot {
    /// Number of cells.
    pub fn n_cells(&self) -> usize {
        self.density.len()
    }

    /// Vertex ids of cell `c`.
    pub fn cell(&self, c: usize) -> &[i64] {
        &self.cells[c * self.nodes_per_cell..(c + 1) * self.nodes_per_cell]
    }
}

/// Reads a whole snapshot serially (default driver, one process) and checks
/// that its array shapes agree with each other and that vertex ids are in range.
///
/// Reads files written by [`super::parallel::write_snapshot`] with any rank count, by
/// [`write_snapshot_serial`], or any file with the same layout.
pub fn read_snapshot(path: &Path) -> Result<Snapshot, RunError> {
    let file =
        super::open_read(path).map_err(|e| output_error(path, format!("cannot open: {e}")))?;
    let snap = read_contents(&file).map_err(|e| output_error(path, e))?;
    drop(file);
    let mesh = MeshOut {
        vertices: &snap.vertices,
        cells: &snap.cells,
        nodes_per_cell: snap.nodes_per_cell,
        partition: &snap.partition,
    };
    let fields = FieldsOut {
        density: &snap.density,
        velocity: &snap.velocity,
        pressure: &snap.pressure,
        high_order: None,
    };
    check_sizes(&mesh, &fields).map_err(|m| output_error(path, m))?;
    if let Some(h) = &snap.high_order {
        h.check().map_err(|m| output_error(path, m))?;
    }
    Ok(snap)
}

/// Checks that all arrays describe the same number of cells and that vertex ids are in range.
fn check_sizes(mesh: &MeshOut, fields: &FieldsOut) -> Result<(), String> {
    let npc = mesh.nodes_per_cell;
    if npc < 3 {
        return Err(format!(
            "nodes_per_cell = {npc}: cells need at least 3 vertices"
        ));
    }
    if mesh.cells.len() % npc != 0 {
        return Err(format!(
            "cells has {} entries, not a multiple of nodes_per_cell = {npc}",
            mesh.cells.len()
        ));
    }
    let nc = mesh.cells.len() / npc;
    let lengths = [
        ("partition", mesh.partition.len()),
        ("density", fields.density.len()),
        ("velocity", fields.velocity.len()),
        ("pressure", fields.pressure.len()),
    ];
    for (name, len) in lengths {
        if len != nc {
            return Err(format!("{name} has {len} entries but there are {nc} cells"));
        }
    }
    let nv = mesh.vertices.len() as i64;
    if let Some((i, &id)) = mesh
        .cells
        .iter()
        .enumerate()
        .find(|(_, &id)| id < 0 || id >= nv)
    {
        return Err(format!(
            "cell {} refers to vertex {id}, outside 0..{nv}",
            i / npc
        ));
    }
    Ok(())
}

/// Writes all datasets and attributes into an open file. Every handle it opens is closed on return.
fn write_contents(
    file: &File,
    mesh: &MeshOut,
    fields: &FieldsOut,
    meta: &Meta,
) -> hdf5::Result<()> {
    let nv = mesh.vertices.len();
    let nc = mesh.partition.len();
    let npc = mesh.nodes_per_cell;

    let g = file.create_group("mesh")?;
    write_array(&g, "vertices", mesh.vertices.as_flattened(), &[nv, 2])?;
    write_array(&g, "cells", mesh.cells, &[nc, npc])?;
    write_array(&g, "partition", mesh.partition, &[nc])?;

    let g = file.create_group("solution")?;
    write_array(&g, "density", fields.density, &[nc])?;
    write_array(&g, "velocity", fields.velocity.as_flattened(), &[nc, 2])?;
    write_array(&g, "pressure", fields.pressure, &[nc])?;
    if let Some(h) = &fields.high_order {
        write_high_order(file, h, nc)?;
    }

    let g = file.create_group("input")?;
    write_string_dataset(&g, "case_toml", meta.case_toml)?;
    write_string_dataset(&g, "command_line", meta.command_line)?;

    write_attr(file, "time", &meta.time)?;
    write_attr(file, "step", &meta.step)?;
    write_attr(file, "gamma", &meta.gamma)?;
    write_attr(file, "case", &to_vlu(meta.case)?)?;
    write_attr(file, "scheme", &to_vlu(meta.scheme)?)?;
    write_attr(file, "version", &to_vlu(meta.version)?)?;
    write_attr(file, "ranks", &meta.ranks)?;
    write_attr(file, "threads", &meta.threads)?;
    Ok(())
}

/// Writes the `/highorder` group of `nc` cells.
fn write_high_order(file: &File, h: &HighOrderOut, nc: usize) -> hdf5::Result<()> {
    let (k, t) = (h.nodes_per_cell, h.triangles.len());
    let g = file.create_group("highorder")?;
    write_array(&g, "points", h.points.as_flattened(), &[nc * k, 2])?;
    write_array(&g, "triangles", &h.connectivity(0..nc), &[nc * t, 3])?;
    write_array(&g, "density", h.density, &[nc * k])?;
    write_array(&g, "velocity", h.velocity.as_flattened(), &[nc * k, 2])?;
    write_array(&g, "pressure", h.pressure, &[nc * k])
}

/// Reads the `/highorder` group if the file has one.
fn read_high_order(file: &File) -> Result<Option<HighOrder>, String> {
    if file.group("highorder").is_err() {
        return Ok(None);
    }
    let points = read_shaped::<f64>(file, "highorder/points", Some(2))?;
    let triangles = read_shaped::<i64>(file, "highorder/triangles", Some(3))?;
    let density = read_shaped::<f64>(file, "highorder/density", None)?;
    let velocity = read_shaped::<f64>(file, "highorder/velocity", Some(2))?;
    let pressure = read_shaped::<f64>(file, "highorder/pressure", None)?;
    Ok(Some(HighOrder {
        points: pairs(&points),
        triangles: triangles
            .chunks_exact(3)
            .map(|t| [t[0], t[1], t[2]])
            .collect(),
        density,
        velocity: pairs(&velocity),
        pressure,
    }))
}

/// Writes a C-ordered array of the given shape, shuffled and deflated unless it is empty.
fn write_array<T: H5Type>(
    group: &Group,
    name: &str,
    data: &[T],
    shape: &[usize],
) -> hdf5::Result<()> {
    debug_assert_eq!(data.len(), shape.iter().product::<usize>());
    let builder = group.new_dataset::<T>().shape(shape);
    let ds: Dataset = if data.is_empty() {
        builder.create(name)?
    } else {
        builder.shuffle().deflate(DEFLATE_LEVEL).create(name)?
    };
    if !data.is_empty() {
        ds.write_raw(data)?;
    }
    Ok(())
}

/// Converts text to an HDF5 variable-length UTF-8 string (fails on interior NUL bytes).
pub(crate) fn to_vlu(s: &str) -> hdf5::Result<VarLenUnicode> {
    VarLenUnicode::from_str(s).map_err(|e| hdf5::Error::from(format!("string {s:?}: {e}")))
}

/// Writes a scalar variable-length UTF-8 string dataset.
pub(crate) fn write_string_dataset(group: &Group, name: &str, text: &str) -> hdf5::Result<()> {
    let ds = group
        .new_dataset::<VarLenUnicode>()
        .shape(())
        .create(name)?;
    ds.write_scalar(&to_vlu(text)?)
}

/// Writes a scalar attribute on `loc`.
pub(crate) fn write_attr<T: H5Type>(loc: &Location, name: &str, value: &T) -> hdf5::Result<()> {
    loc.new_attr::<T>()
        .shape(())
        .create(name)?
        .write_scalar(value)
}

/// Reads everything back; shapes are checked here, cross-array consistency by the caller.
fn read_contents(file: &File) -> Result<Snapshot, String> {
    let vertices = read_shaped::<f64>(file, "mesh/vertices", Some(2))?;
    let (cells, cell_shape) = read_array::<i64>(file, "mesh/cells")?;
    if cell_shape.len() != 2 {
        return Err(format!(
            "mesh/cells has shape {cell_shape:?}, expected [Nc, nodes_per_cell]"
        ));
    }
    let partition = read_shaped::<i32>(file, "mesh/partition", None)?;
    let density = read_shaped::<f64>(file, "solution/density", None)?;
    let velocity = read_shaped::<f64>(file, "solution/velocity", Some(2))?;
    let pressure = read_shaped::<f64>(file, "solution/pressure", None)?;

    Ok(Snapshot {
        vertices: pairs(&vertices),
        cells,
        nodes_per_cell: cell_shape[1],
        partition,
        density,
        velocity: pairs(&velocity),
        pressure,
        time: read_attr::<f64>(file, "time")?,
        step: read_step(file)?,
        gamma: read_attr::<f64>(file, "gamma")?,
        case: read_string_attr(file, "case")?,
        scheme: read_string_attr(file, "scheme")?,
        case_toml: read_string_dataset(file, "input/case_toml")?,
        command_line: read_string_dataset(file, "input/command_line")?,
        high_order: read_high_order(file)?,
    })
}

/// Reads the dataset `name` and checks its shape: one dimension (`cols` = `None`) or `[N, cols]`.
fn read_shaped<T: H5Type>(file: &File, name: &str, cols: Option<usize>) -> Result<Vec<T>, String> {
    let (data, shape) = read_array::<T>(file, name)?;
    match cols {
        None => expect_1d(name, &shape)?,
        Some(c) => expect_cols(name, &shape, c)?,
    }
    Ok(data)
}

fn read_array<T: H5Type>(file: &File, name: &str) -> Result<(Vec<T>, Vec<usize>), String> {
    let ds = file
        .dataset(name)
        .map_err(|e| format!("cannot open dataset /{name}: {e}"))?;
    let shape = ds.shape();
    let data = if shape.iter().product::<usize>() == 0 {
        Vec::new()
    } else {
        ds.read_raw::<T>()
            .map_err(|e| format!("cannot read dataset /{name}: {e}"))?
    };
    Ok((data, shape))
}

fn expect_1d(name: &str, shape: &[usize]) -> Result<(), String> {
    if shape.len() == 1 {
        Ok(())
    } else {
        Err(format!(
            "/{name} has shape {shape:?}, expected one dimension"
        ))
    }
}

fn expect_cols(name: &str, shape: &[usize], cols: usize) -> Result<(), String> {
    if shape.len() == 2 && shape[1] == cols {
        Ok(())
    } else {
        Err(format!("/{name} has shape {shape:?}, expected [N, {cols}]"))
    }
}

fn pairs(flat: &[f64]) -> Vec<[f64; 2]> {
    flat.chunks_exact(2).map(|c| [c[0], c[1]]).collect()
}

fn read_attr<T: H5Type>(file: &File, name: &str) -> Result<T, String> {
    file.attr(name)
        .and_then(|a| a.read_scalar::<T>())
        .map_err(|e| format!("cannot read root attribute {name}: {e}"))
}

/// `step` is u64 when written here; other writers may have used a signed type.
pub(crate) fn read_step(file: &File) -> Result<u64, String> {
    let attr = file
        .attr("step")
        .map_err(|e| format!("cannot read root attribute step: {e}"))?;
    let dtype = attr
        .dtype()
        .map_err(|e| format!("root attribute step: {e}"))?;
    if dtype.is::<u64>() || dtype.is::<u32>() {
        attr.read_scalar::<u64>()
            .map_err(|e| format!("cannot read root attribute step: {e}"))
    } else {
        let v = attr
            .read_scalar::<i64>()
            .map_err(|e| format!("cannot read root attribute step: {e}"))?;
        u64::try_from(v).map_err(|_| format!("root attribute step = {v} is negative"))
    }
}

fn read_string_attr(file: &File, name: &str) -> Result<String, String> {
    let attr = file
        .attr(name)
        .map_err(|e| format!("cannot read root attribute {name}: {e}"))?;
    attr.read_scalar::<VarLenUnicode>()
        .map(|s| s.as_str().to_owned())
        .or_else(|_| {
            attr.read_scalar::<VarLenAscii>()
                .map(|s| s.as_str().to_owned())
        })
        .map_err(|e| format!("cannot read root attribute {name} as a string: {e}"))
}

pub(crate) fn read_string_dataset(file: &File, name: &str) -> Result<String, String> {
    let ds = file
        .dataset(name)
        .map_err(|e| format!("cannot open dataset /{name}: {e}"))?;
    ds.read_scalar::<VarLenUnicode>()
        .map(|s| s.as_str().to_owned())
        .or_else(|_| {
            ds.read_scalar::<VarLenAscii>()
                .map(|s| s.as_str().to_owned())
        })
        .map_err(|e| format!("cannot read dataset /{name} as a string: {e}"))
}

/// Small snapshots shared by the tests of the output and plot modules.
#[cfg(test)]
pub(crate) mod samples {
    use super::*;

    /// An `nx × ny` grid of unit-aspect quadrilaterals on `[0, nx·h] × [0, ny·h]` with smooth fields.
    pub(crate) struct Grid {
        pub vertices: Vec<[f64; 2]>,
        pub cells: Vec<i64>,
        pub partition: Vec<i32>,
        pub density: Vec<f64>,
        pub velocity: Vec<[f64; 2]>,
        pub pressure: Vec<f64>,
    }

    pub(crate) fn grid(nx: usize, ny: usize, h: f64) -> Grid {
        let mut vertices = Vec::new();
        for j in 0..=ny {
            for i in 0..=nx {
                vertices.push([i as f64 * h, j as f64 * h]);
            }
        }
        let id = |i: usize, j: usize| (j * (nx + 1) + i) as i64;
        let (mut cells, mut partition, mut density, mut velocity, mut pressure) =
            (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
        for j in 0..ny {
            for i in 0..nx {
                cells.extend([id(i, j), id(i + 1, j), id(i + 1, j + 1), id(i, j + 1)]);
                partition.push(i32::from(i >= nx / 2) + 2 * i32::from(j >= ny / 2));
                let (x, y) = ((i as f64 + 0.5) * h, (j as f64 + 0.5) * h);
                density.push(1.0 + 0.5 * (3.0 * x).sin() * (2.0 * y).cos());
                velocity.push([0.3 + x, -0.2 * y]);
                pressure.push(if x < 0.5 * nx as f64 * h { 1.0 } else { 0.1 });
            }
        }
        Grid {
            vertices,
            cells,
            partition,
            density,
            velocity,
            pressure,
        }
    }

    pub(crate) const CASE_TOML: &str = "[case]\nname = \"sod\"\n# γ = 1.4, ünïcödé\n";
    pub(crate) const COMMAND_LINE: &str = "gasket run cases/sod.toml --set mesh.nx=2";

    pub(crate) fn meta(case: &'static str) -> Meta<'static> {
        Meta {
            time: 0.125,
            step: 17,
            gamma: 1.4,
            case,
            scheme: "gks2",
            ranks: 4,
            threads: 2,
            version: "0.1.0 (abc123)",
            case_toml: CASE_TOML,
            command_line: COMMAND_LINE,
        }
    }

    /// Held (shared) by tests while they write HDF5 files, and exclusively while a test runs an
    /// external program. A child process inherits the descriptors of the files other threads
    /// have open; HDF5 holds an exclusive `flock` on a file open for writing, so that lock would
    /// live on in the child, and a test's next `H5Fopen` of the file it has just written would
    /// fail with "unable to lock file, errno = 11". (Read-only opens take shared locks, which do
    /// not conflict.)
    pub(crate) static WRITING: std::sync::RwLock<()> = std::sync::RwLock::new(());

    /// A shared [`WRITING`] guard: hold it while writing an HDF5 file in a test.
    pub(crate) fn writing() -> std::sync::RwLockReadGuard<'static, ()> {
        WRITING.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Writes `g` to `path` with [`meta`].
    pub(crate) fn write(path: &Path, g: &Grid, case: &'static str) {
        let _writing = writing();
        let mesh = MeshOut {
            vertices: &g.vertices,
            cells: &g.cells,
            nodes_per_cell: 4,
            partition: &g.partition,
        };
        let fields = FieldsOut {
            density: &g.density,
            velocity: &g.velocity,
            pressure: &g.pressure,
            high_order: None,
        };
        write_snapshot_serial(path, &mesh, &fields, &meta(case)).unwrap();
    }
}

#[cfg(test)]
mod tests {
    use super::samples::*;
    use super::*;
    use crate::io::test_util::temp_dir;

    #[test]
    fn round_trip_2x2() {
        let dir = temp_dir("h5-roundtrip");
        let path = dir.join("snap_000017.h5");
        let g = grid(2, 2, 0.5);
        write(&path, &g, "sod");

        assert!(path.exists());
        assert!(!tmp_path(&path).exists(), ".tmp file left behind");
        let xdmf_path = dir.join("snap_000017.xdmf");
        let xdmf_text = std::fs::read_to_string(&xdmf_path).unwrap();
        assert!(xdmf_text.contains(">snap_000017.h5:/mesh/cells<"));
        assert!(!tmp_path(&xdmf_path).exists());

        let s = read_snapshot(&path).unwrap();
        assert_eq!(s.vertices, g.vertices);
        assert_eq!(s.cells, g.cells);
        assert_eq!(s.nodes_per_cell, 4);
        assert_eq!(s.partition, g.partition);
        assert_eq!(s.density, g.density);
        assert_eq!(s.velocity, g.velocity);
        assert_eq!(s.pressure, g.pressure);
        assert_eq!(s.time, 0.125);
        assert_eq!(s.step, 17);
        assert_eq!(s.gamma, 1.4);
        assert_eq!(s.case, "sod");
        assert_eq!(s.scheme, "gks2");
        assert_eq!(s.case_toml, CASE_TOML);
        assert_eq!(s.command_line, COMMAND_LINE);
        assert_eq!(s.n_cells(), 4);
        assert_eq!(s.cell(3), &g.cells[12..16]);

        // The attributes that Snapshot does not carry, and the on-disk types and shapes.
        let file = crate::io::open_read(&path).unwrap();
        assert_eq!(file.attr("ranks").unwrap().read_scalar::<i64>().unwrap(), 4);
        assert_eq!(
            file.attr("threads").unwrap().read_scalar::<i64>().unwrap(),
            2
        );
        let version: VarLenUnicode = file.attr("version").unwrap().read_scalar().unwrap();
        assert_eq!(version.as_str(), "0.1.0 (abc123)");
        assert!(file.attr("step").unwrap().dtype().unwrap().is::<u64>());
        assert!(file
            .dataset("mesh/cells")
            .unwrap()
            .dtype()
            .unwrap()
            .is::<i64>());
        assert!(file
            .dataset("mesh/partition")
            .unwrap()
            .dtype()
            .unwrap()
            .is::<i32>());
        assert_eq!(file.dataset("mesh/vertices").unwrap().shape(), vec![9, 2]);
        assert_eq!(file.dataset("mesh/cells").unwrap().shape(), vec![4, 4]);
        assert_eq!(
            file.dataset("solution/velocity").unwrap().shape(),
            vec![4, 2]
        );
        assert_eq!(file.dataset("solution/density").unwrap().shape(), vec![4]);
        assert!(file.dataset("input/case_toml").unwrap().shape().is_empty());
        assert!(!file
            .dataset("solution/density")
            .unwrap()
            .filters()
            .is_empty());
        drop(file);

        // Overwriting an existing snapshot works and leaves no .tmp either.
        write(&path, &g, "sod");
        assert!(!tmp_path(&path).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// Runs `h5dump -A path` while no test of this crate is writing an HDF5 file (see
    /// [`samples::writing`]).
    fn h5dump_attributes(path: &Path) -> std::io::Result<std::process::Output> {
        let _no_writers = samples::WRITING.write().unwrap_or_else(|e| e.into_inner());
        std::process::Command::new("h5dump")
            .arg("-A")
            .arg(path)
            .output()
    }

    #[test]
    fn h5dump_reads_attributes() {
        let dir = temp_dir("h5dump");
        let path = dir.join("snap.h5");
        write(&path, &grid(2, 2, 0.5), "sod");
        match h5dump_attributes(&path) {
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                println!("note: h5dump not on PATH, skipping the h5dump check");
            }
            Err(e) => panic!("cannot run h5dump: {e}"),
            Ok(out) => {
                let text = String::from_utf8_lossy(&out.stdout);
                assert!(
                    out.status.success(),
                    "h5dump failed: {}",
                    String::from_utf8_lossy(&out.stderr)
                );
                for needle in [
                    "ATTRIBUTE \"time\"",
                    "ATTRIBUTE \"step\"",
                    "ATTRIBUTE \"ranks\"",
                    "\"sod\"",
                    "\"gks2\"",
                    "\"0.1.0 (abc123)\"",
                    "DATASET \"case_toml\"",
                    "DATASET \"velocity\"",
                    "0.125",
                ] {
                    assert!(
                        text.contains(needle),
                        "h5dump -A output lacks {needle}:\n{text}"
                    );
                }
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn empty_mesh_round_trips() {
        let dir = temp_dir("h5-empty");
        let path = dir.join("empty.h5");
        let mesh = MeshOut {
            vertices: &[],
            cells: &[],
            nodes_per_cell: 3,
            partition: &[],
        };
        let fields = FieldsOut {
            density: &[],
            velocity: &[],
            pressure: &[],
            high_order: None,
        };
        let writing = samples::writing();
        write_snapshot_serial(&path, &mesh, &fields, &meta("empty")).unwrap();
        drop(writing);
        let s = read_snapshot(&path).unwrap();
        assert_eq!(s.nodes_per_cell, 3);
        assert!(s.cells.is_empty() && s.vertices.is_empty() && s.density.is_empty());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn inconsistent_sizes_are_rejected_before_writing() {
        let dir = temp_dir("h5-bad");
        let path = dir.join("bad.h5");
        let g = grid(2, 2, 0.5);
        let mut mesh = MeshOut {
            vertices: &g.vertices,
            cells: &g.cells,
            nodes_per_cell: 4,
            partition: &g.partition[..3],
        };
        let fields = FieldsOut {
            density: &g.density,
            velocity: &g.velocity,
            pressure: &g.pressure,
            high_order: None,
        };
        let err = write_snapshot_serial(&path, &mesh, &fields, &meta("bad")).unwrap_err();
        assert!(err.to_string().contains("partition has 3 entries"), "{err}");
        let bad_cells = [0, 1, 2, 99];
        mesh.partition = &g.partition[..1];
        mesh.cells = &bad_cells;
        let fields1 = FieldsOut {
            density: &g.density[..1],
            velocity: &g.velocity[..1],
            pressure: &g.pressure[..1],
            high_order: None,
        };
        let err = write_snapshot_serial(&path, &mesh, &fields1, &meta("bad")).unwrap_err();
        assert!(err.to_string().contains("vertex 99"), "{err}");
        assert!(!path.exists() && !tmp_path(&path).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn reading_a_missing_file_is_an_output_error() {
        let dir = temp_dir("h5-missing");
        let err = read_snapshot(&dir.join("nope.h5")).unwrap_err();
        assert!(matches!(err, RunError::Output { .. }));
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
