//! Reader for 2D triangle meshes in Gmsh's MSH format.
//!
//! Supported: MSH 4.1 ASCII and binary (little-endian, `size_t` of 4 or 8 bytes) and MSH 2.2 ASCII, as
//! written by `gmsh -2 file.geo -format msh41 [-bin]` or `-format msh22`. Big-endian binary files and
//! binary MSH 2.2 are refused with an error that says how to re-export.
//!
//! What is read:
//! - `$MeshFormat` (must come first), `$PhysicalNames`, `$Entities` (4.1), `$Nodes`, `$Elements`,
//!   `$Periodic`. Any other section (`$NodeData`, `$Comments`, `$PartitionedEntities`, ...) is skipped up
//!   to its `$End...` line.
//! - Elements of type 2 (3-node triangle) and 1 (2-node line); type 15 (point) is ignored. Any other type
//!   (quadrangles, second-order elements, 3D elements) is an error naming the type.
//! - Node coordinates `x, y`; `z` is ignored, with a warning when some `|z|` exceeds `1e-12` times the
//!   largest `|x|, |y|` (the mesh is then not planar in x–y and the projection may be wrong).
//! - The physical group of a boundary line: in 4.1 the first physical tag of its curve entity in
//!   `$Entities` (a warning when the curve has more than one); in 2.2 the element's first tag, where 0
//!   means none.
//!
//! Everything is checked against the data: counts in headers, section ends, node tags (defined once,
//! defined before use), finite coordinates, at least one triangle. Geometry (orientation, degenerate or
//! overlapping triangles, conformity) is *not* checked here.
//!
//! The reader never panics and never loops without consuming input, and it allocates at most a small
//! multiple of the input length: every count read from the file is checked against the bytes left before
//! anything is allocated from it. Errors name the file and, for ASCII files, the line, or, for binary
//! files, the byte offset.

mod cursor;
mod v22;
mod v41;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::fmt;
use std::path::{Path, PathBuf};

use cursor::{quote, Cursor};

/// A 2D triangle mesh as read from a Gmsh file, before any checks of geometry.
#[derive(Debug, Clone, PartialEq)]
pub struct GmshMesh {
    /// Node coordinates `[x, y]` (the file's `z` is ignored; see the module docs).
    pub nodes: Vec<[f64; 2]>,
    /// Original Gmsh node tags, in the order of `nodes`.
    pub node_tags: Vec<usize>,
    /// Triangles as 0-based indices into `nodes`, in file order; orientation as in the file (not normalised).
    pub triangles: Vec<[usize; 3]>,
    /// Gmsh element tags of `triangles`.
    pub triangle_tags: Vec<usize>,
    /// 2-node line elements (boundary lines), in file order.
    pub lines: Vec<BoundaryLine>,
    /// Physical group names from `$PhysicalNames`.
    pub physical_names: Vec<PhysicalName>,
    /// Periodic links from `$Periodic`, in file order (all dimensions, including point links).
    pub periodic: Vec<PeriodicLink>,
    /// Things that are suspicious but not fatal (nodes used by no triangle, non-zero `z`, curves with
    /// several physical groups, ...). At most [`MAX_WARNINGS`] entries.
    pub warnings: Vec<String>,
}

/// A 2-node line element (a dimension-1 element).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BoundaryLine {
    /// The two nodes, as 0-based indices into [`GmshMesh::nodes`], in file order.
    pub nodes: [usize; 2],
    /// Physical group tag (4.1: the curve entity's first physical tag; 2.2: the element's first tag if
    /// non-zero); `None` when the line belongs to no physical group.
    pub physical: Option<i32>,
    /// Elementary entity (curve) tag; 0 in a 2.2 file whose element has fewer than two tags.
    pub entity: i32,
}

/// An entry of `$PhysicalNames`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhysicalName {
    /// Dimension of the physical group (1 for curves, 2 for surfaces).
    pub dim: i32,
    /// Physical tag.
    pub tag: i32,
    /// Name, without the quotes.
    pub name: String,
}

/// A periodic link: the nodes of entity `entity` (the slave) map onto those of `master_entity`.
#[derive(Debug, Clone, PartialEq)]
pub struct PeriodicLink {
    /// Dimension of the two entities (0 points, 1 curves, 2 surfaces).
    pub dim: i32,
    /// The slave entity.
    pub entity: i32,
    /// The master entity.
    pub master_entity: i32,
    /// The 4×4 affine transformation (16 values, row-major) from master to slave, if the file gives one.
    pub affine: Option<Vec<f64>>,
    /// Node pairs `(slave, master)` as 0-based indices into [`GmshMesh::nodes`].
    pub nodes: Vec<(usize, usize)>,
}

impl GmshMesh {
    /// The name of the physical group `(dim, tag)`, if `$PhysicalNames` has one.
    pub fn physical_name(&self, dim: i32, tag: i32) -> Option<&str> {
        self.physical_names
            .iter()
            .find(|p| p.dim == dim && p.tag == tag)
            .map(|p| p.name.as_str())
    }

    /// The tag of the physical group of dimension `dim` named `name`, if any.
    pub fn physical_tag(&self, dim: i32, name: &str) -> Option<i32> {
        self.physical_names
            .iter()
            .find(|p| p.dim == dim && p.name == name)
            .map(|p| p.tag)
    }
}

/// Most warnings kept in [`GmshMesh::warnings`]; the last one says that more were dropped.
pub const MAX_WARNINGS: usize = 50;

/// Where in a file an error was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Location {
    /// 1-based line of an ASCII file.
    Line(usize),
    /// Byte offset (from 0) in a binary file.
    Offset(usize),
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Location::Line(n) => write!(f, "line {n}"),
            Location::Offset(n) => write!(f, "byte offset {n}"),
        }
    }
}

/// Errors in reading a Gmsh mesh file.
#[derive(Debug, thiserror::Error)]
pub enum GmshError {
    /// The file could not be read.
    #[error("{path}: cannot read the Gmsh mesh: {error}")]
    Io {
        /// The mesh file.
        path: PathBuf,
        /// The underlying I/O error (part of the message, not a `source()`).
        error: std::io::Error,
    },
    /// The `.msh` file does not exist, but the `.geo` of the same stem is beside it: the mesh has not been
    /// generated yet (the error says how to generate it).
    #[error("{path} not found; {geo} is beside it: {}", generate_hint(path, geo))]
    NotGenerated {
        /// The missing mesh file.
        path: PathBuf,
        /// The Gmsh geometry beside it.
        geo: PathBuf,
    },
    /// The file is not a mesh this reader accepts.
    #[error("{path}: {at}: {problem}")]
    Invalid {
        /// The mesh file.
        path: PathBuf,
        /// Where the problem was found.
        at: Location,
        /// What is wrong.
        problem: Problem,
    },
}

impl GmshError {
    /// What is wrong, for an invalid file (`None` for a file that cannot be read).
    pub fn problem(&self) -> Option<&Problem> {
        match self {
            GmshError::Io { .. } | GmshError::NotGenerated { .. } => None,
            GmshError::Invalid { problem, .. } => Some(problem),
        }
    }

    /// Where the problem is, for an invalid file (`None` for a file that cannot be read).
    pub fn location(&self) -> Option<Location> {
        match self {
            GmshError::Io { .. } | GmshError::NotGenerated { .. } => None,
            GmshError::Invalid { at, .. } => Some(*at),
        }
    }
}

/// What is wrong with an invalid Gmsh file.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Problem {
    /// The file does not start with `$MeshFormat`.
    #[error("not a Gmsh MSH file: expected `$MeshFormat` first, found `{found}`")]
    NotGmsh {
        /// What came instead.
        found: String,
    },
    /// A format version other than 4.1 and 2.2.
    #[error(
        "MSH format version {version} is not supported (supported: 4.1 ASCII and binary, 2.2 ASCII); \
         re-export with `gmsh -2 FILE.geo -format msh41 -o FILE.msh`"
    )]
    UnsupportedVersion {
        /// The version as written in the file.
        version: String,
    },
    /// Binary MSH 2.2.
    #[error(
        "binary MSH 2.2 is not supported; re-export as MSH 4.1 (`-format msh41`, with or without `-bin`) \
         or as ASCII MSH 2.2"
    )]
    UnsupportedBinary22,
    /// A binary file written on a big-endian machine.
    #[error(
        "binary file is big-endian (endianness marker reads 1 in big-endian order); only little-endian \
         binary is supported: re-export on a little-endian machine or as ASCII (`-format msh41` without `-bin`)"
    )]
    BigEndian,
    /// The binary endianness marker is neither 1 in little- nor in big-endian order.
    #[error("corrupt endianness marker {value:#010x} (expected the 4-byte integer 1)")]
    BadEndianMarker {
        /// The marker read as a little-endian integer.
        value: u32,
    },
    /// A binary `data-size` other than 4 or 8.
    #[error("unsupported data size {size} in `$MeshFormat` (expected 8, or 4)")]
    BadDataSize {
        /// The data size given.
        size: i64,
    },
    /// The file ends in the middle of something.
    #[error("file is truncated: it ends while {expected} is expected")]
    Truncated {
        /// What was expected.
        expected: String,
    },
    /// A section does not end where its counts say it should.
    #[error(
        "expected `$End{section}`, found `{found}` (the section holds more or other data than its counts say)"
    )]
    MissingEnd {
        /// The section name without `$`.
        section: String,
        /// What came instead.
        found: String,
    },
    /// A skipped section has no `$End` line.
    #[error("section `${section}` has no `$End{section}` line")]
    Unterminated {
        /// The section name without `$`.
        section: String,
    },
    /// A token that is not the value expected.
    #[error("expected {expected}, found `{found}`")]
    BadValue {
        /// What was expected.
        expected: String,
        /// What came instead.
        found: String,
    },
    /// Bytes that are not UTF-8 in a part of the file that must be text.
    #[error("expected {what}, found bytes that are not UTF-8: `{found}`")]
    NotUtf8 {
        /// What was expected.
        what: String,
        /// The offending bytes (lossy).
        found: String,
    },
    /// A count too large for the rest of the file (corrupted or truncated).
    #[error("{what} is {count}, more than the {remaining} bytes left in the file can hold")]
    CountTooLarge {
        /// What is counted.
        what: String,
        /// The count given.
        count: u64,
        /// Bytes left after the count.
        remaining: usize,
    },
    /// A header count that disagrees with the data.
    #[error("the section header gives {declared} {what}, but the blocks hold {found}")]
    CountMismatch {
        /// What is counted.
        what: String,
        /// The count in the header.
        declared: u64,
        /// The count in the data.
        found: u64,
    },
    /// An element type other than 1, 2 and 15.
    #[error(
        "element type {element_type} ({name}) is not supported: only 3-node triangles (type 2), 2-node \
         lines (1) and points (15, ignored) are; mesh with first-order triangles \
         (no `Recombine`, `Mesh.ElementOrder = 1`)"
    )]
    UnsupportedElement {
        /// The Gmsh element type.
        element_type: i64,
        /// Its description.
        name: &'static str,
    },
    /// A NaN or infinite value.
    #[error("{what} is not finite: {value}")]
    NonFinite {
        /// Which value.
        what: String,
        /// The value read.
        value: f64,
    },
    /// A node tag used but not defined in `$Nodes`.
    #[error("{context} refers to node {tag}, which `$Nodes` does not define")]
    UndefinedNode {
        /// The node tag.
        tag: u64,
        /// Where it is used (e.g. "element 17").
        context: String,
    },
    /// A node tag defined twice.
    #[error("node tag {tag} is defined twice in `$Nodes`")]
    DuplicateNode {
        /// The node tag.
        tag: u64,
    },
    /// A section that appears twice.
    #[error("section `${section}` appears twice")]
    DuplicateSection {
        /// The section name without `$`.
        section: String,
    },
    /// A required section is missing.
    #[error("the file has no `${section}` section")]
    MissingSection {
        /// The section name without `$`.
        section: String,
    },
    /// The file has no 3-node triangles.
    #[error(
        "the file has no 3-node triangles (element type 2): mesh it with `gmsh -2`, and if physical groups \
         are defined, put the surface in a `Physical Surface`"
    )]
    NoTriangles,
    /// Anything else that does not fit the format.
    #[error("{0}")]
    Malformed(String),
}

/// Read a Gmsh mesh file (see the module docs for what is accepted).
pub fn read_msh(path: &Path) -> Result<GmshMesh, GmshError> {
    let bytes = std::fs::read(path).map_err(|e| read_error(path, e))?;
    parse_msh(&bytes, path)
}

/// The error for a mesh file that cannot be read: [`GmshError::NotGenerated`] for a missing `.msh` with
/// its `.geo` beside it, else [`GmshError::Io`].
fn read_error(path: &Path, error: std::io::Error) -> GmshError {
    let geo = path.with_extension("geo");
    if error.kind() == std::io::ErrorKind::NotFound
        && path.extension() != Some("geo".as_ref())
        && geo.is_file()
    {
        return GmshError::NotGenerated {
            path: path.to_path_buf(),
            geo,
        };
    }
    GmshError::Io {
        path: path.to_path_buf(),
        error,
    }
}

/// How to write a missing `.msh` from its `.geo`: the Gmsh command the Makefile runs, and `make meshes`
/// when the `.geo` is in the `jobs/meshes` directory of a checkout (a `Makefile` two levels up).
fn generate_hint(msh: &Path, geo: &Path) -> String {
    let gmsh = format!(
        "gmsh -2 {} -format msh41 -o {}",
        geo.display(),
        msh.display()
    );
    let dir = geo.parent().filter(|d| !d.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new(".")).canonicalize().ok();
    let shipped =
        dir.is_some_and(|d| d.ends_with("jobs/meshes") && d.join("../../Makefile").is_file());
    if shipped {
        format!("run 'make meshes' to write it (or {gmsh})")
    } else {
        format!("write it with {gmsh}")
    }
}

/// Parse the contents of a Gmsh mesh file; `path` is only used in error messages.
pub fn parse_msh(bytes: &[u8], path: &Path) -> Result<GmshMesh, GmshError> {
    let mut cur = Cursor::new(bytes, path);
    let format = read_mesh_format(&mut cur)?;
    let mut b = Builder::default();
    loop {
        cur.skip_space();
        if cur.at_eof() {
            break;
        }
        let (name, at) = cur.token("a section header")?;
        cur.eat_newline();
        let Some(section) = name.strip_prefix(b"$") else {
            return Err(cur.error(
                at,
                Problem::BadValue {
                    expected: "a section header such as `$Nodes`".to_string(),
                    found: quote(name),
                },
            ));
        };
        match section {
            b"PhysicalNames" => {
                b.first_time(Section::PhysicalNames, &cur, at)?;
                read_physical_names(&mut cur, &mut b)?;
            }
            b"Nodes" => {
                b.first_time(Section::Nodes, &cur, at)?;
                match format {
                    Format::V41(mode) => v41::nodes(&mut cur, mode, &mut b)?,
                    Format::V22 => v22::nodes(&mut cur, &mut b)?,
                }
            }
            b"Elements" => {
                b.first_time(Section::Elements, &cur, at)?;
                b.require(Section::Nodes, "Elements", &cur, at)?;
                match format {
                    Format::V41(mode) => v41::elements(&mut cur, mode, &mut b)?,
                    Format::V22 => v22::elements(&mut cur, &mut b)?,
                }
            }
            b"Periodic" => {
                b.first_time(Section::Periodic, &cur, at)?;
                b.require(Section::Nodes, "Periodic", &cur, at)?;
                match format {
                    Format::V41(mode) => v41::periodic(&mut cur, mode, &mut b)?,
                    Format::V22 => v22::periodic(&mut cur, &mut b)?,
                }
            }
            b"Entities" if matches!(format, Format::V41(_)) => {
                b.first_time(Section::Entities, &cur, at)?;
                if b.seen[Section::Elements as usize] {
                    return Err(cur.error(
                        at,
                        Problem::Malformed("`$Entities` comes after `$Elements`".to_string()),
                    ));
                }
                if let Format::V41(mode) = format {
                    v41::entities(&mut cur, mode, &mut b)?;
                }
            }
            b"MeshFormat" => {
                return Err(cur.error(
                    at,
                    Problem::DuplicateSection {
                        section: "MeshFormat".to_string(),
                    },
                ))
            }
            _ => cur.skip_section(section, at)?,
        }
    }
    b.finish(&cur)
}

/// The flavours of MSH this reader handles.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    /// MSH 4.1 in ASCII or binary.
    V41(Mode),
    /// MSH 2.2 ASCII.
    V22,
}

/// How the data of the 4.1 mesh sections is encoded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    /// Whitespace-separated text.
    Ascii,
    /// Little-endian binary with `size_t` of `size_width` bytes.
    Binary {
        /// Bytes of a `size_t` (4 or 8).
        size_width: usize,
    },
}

/// Read `$MeshFormat ... $EndMeshFormat` at the start of the file.
fn read_mesh_format(cur: &mut Cursor) -> Result<Format, GmshError> {
    cur.skip_space();
    let at = cur.loc();
    match cur.peek_token() {
        Some(b"$MeshFormat") => {
            cur.token("`$MeshFormat`")?;
        }
        other => {
            return Err(cur.error(
                at,
                Problem::NotGmsh {
                    found: other.map_or_else(|| "end of file".to_string(), quote),
                },
            ))
        }
    }
    let (version, at) = cur.text("the format version (4.1 or 2.2)")?;
    let v41 = match version {
        "4.1" => true,
        "2.2" => false,
        _ => {
            return Err(cur.error(
                at,
                Problem::UnsupportedVersion {
                    version: version.to_string(),
                },
            ))
        }
    };
    let (file_type, at) = cur.parse::<i64>("the file type (0 for ASCII, 1 for binary)")?;
    let (data_size, size_at) = cur.parse::<i64>("the data size")?;
    let format = match (file_type, v41) {
        (0, true) => Format::V41(Mode::Ascii),
        (0, false) => Format::V22,
        (1, false) => return Err(cur.error(at, Problem::UnsupportedBinary22)),
        (1, true) => {
            if data_size != 4 && data_size != 8 {
                return Err(cur.error(size_at, Problem::BadDataSize { size: data_size }));
            }
            cur.skip_line_break();
            cur.set_binary();
            let (marker, at) = cur.le_i32("the binary endianness marker")?;
            if marker != 1 {
                let problem = if marker.swap_bytes() == 1 {
                    Problem::BigEndian
                } else {
                    Problem::BadEndianMarker {
                        value: marker as u32,
                    }
                };
                return Err(cur.error(at, problem));
            }
            Format::V41(Mode::Binary {
                size_width: data_size as usize,
            })
        }
        _ => {
            return Err(cur.error(
                at,
                Problem::BadValue {
                    expected: "file type 0 (ASCII) or 1 (binary)".to_string(),
                    found: file_type.to_string(),
                },
            ))
        }
    };
    cur.expect_end("MeshFormat")?;
    Ok(format)
}

/// Read the body of `$PhysicalNames` (always ASCII) and its end.
fn read_physical_names(cur: &mut Cursor, b: &mut Builder) -> Result<(), GmshError> {
    let what = "the number of physical names";
    let (n, at) = cur.parse::<u64>(what)?;
    // Shortest entry: `1 1 ""` plus a line break.
    let n = cur.check_count(n, at, 7, what)?;
    for _ in 0..n {
        let (dim, _) = cur.parse::<i32>("a physical group dimension")?;
        let (tag, _) = cur.parse::<i32>("a physical tag")?;
        cur.skip_space();
        let at = cur.loc();
        if !cur.eat(b'"') {
            let found = cur
                .peek_token()
                .map_or_else(|| "end of file".to_string(), quote);
            return Err(cur.error(
                at,
                Problem::BadValue {
                    expected: "a quoted physical name".to_string(),
                    found,
                },
            ));
        }
        let raw = cur.until(b'"');
        if !cur.eat(b'"') {
            return Err(cur.error(
                at,
                Problem::Malformed(format!(
                    "physical name `\"{}` has no closing quote on its line",
                    quote(raw)
                )),
            ));
        }
        let name = std::str::from_utf8(raw).map_err(|_| {
            cur.error(
                at,
                Problem::NotUtf8 {
                    what: "a physical name".to_string(),
                    found: quote(raw),
                },
            )
        })?;
        b.physical_names.push(PhysicalName {
            dim,
            tag,
            name: name.to_string(),
        });
    }
    cur.expect_end("PhysicalNames")
}

/// Sections whose repetition or order is checked.
#[derive(Debug, Clone, Copy)]
enum Section {
    PhysicalNames,
    Entities,
    Nodes,
    Elements,
    Periodic,
}

impl Section {
    fn name(self) -> &'static str {
        match self {
            Section::PhysicalNames => "PhysicalNames",
            Section::Entities => "Entities",
            Section::Nodes => "Nodes",
            Section::Elements => "Elements",
            Section::Periodic => "Periodic",
        }
    }
}

/// Gmsh's description of an element type, for error messages.
fn element_name(t: i64) -> &'static str {
    match t {
        1 => "2-node line",
        2 => "3-node triangle",
        3 => "4-node quadrangle",
        4 => "4-node tetrahedron",
        5 => "8-node hexahedron",
        6 => "6-node prism",
        7 => "5-node pyramid",
        8 => "3-node second-order line",
        9 => "6-node second-order triangle",
        10 => "9-node second-order quadrangle",
        11 => "10-node second-order tetrahedron",
        15 => "1-node point",
        16 => "8-node second-order quadrangle",
        17..=140 => "higher-order or 3D element",
        _ => "unknown to Gmsh",
    }
}

/// Number of nodes and dimension of the supported element types; an error for the others.
fn element_kind(t: i64, cur: &Cursor, at: Location) -> Result<(usize, i32), GmshError> {
    match t {
        1 => Ok((2, 1)),
        2 => Ok((3, 2)),
        15 => Ok((1, 0)),
        _ => Err(cur.error(
            at,
            Problem::UnsupportedElement {
                element_type: t,
                name: element_name(t),
            },
        )),
    }
}

/// A tag as `usize` (only fails where `usize` has 32 bits).
fn to_usize(tag: u64, what: &str, cur: &Cursor, at: Location) -> Result<usize, GmshError> {
    usize::try_from(tag).map_err(|_| {
        cur.error(
            at,
            Problem::BadValue {
                expected: format!("{what} that fits in usize"),
                found: tag.to_string(),
            },
        )
    })
}

/// `value` if it is finite, else an error at `at` naming `what`.
fn finite(
    value: f64,
    what: impl FnOnce() -> String,
    cur: &Cursor,
    at: Location,
) -> Result<f64, GmshError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(cur.error(
            at,
            Problem::NonFinite {
                what: what(),
                value,
            },
        ))
    }
}

/// Node tag → index in `nodes`: a dense table over the expected tag range plus a hash map for the rest.
#[derive(Debug, Default)]
struct TagMap {
    /// First tag of the dense table.
    lo: u64,
    /// `dense[t - lo]` is the index of tag `t`, or `usize::MAX`.
    dense: Vec<usize>,
    /// Tags outside the dense range.
    sparse: HashMap<u64, usize>,
}

impl TagMap {
    /// A map for `count` tags expected in `lo..=hi`; the dense table is only used when it is not much
    /// larger than `count` (which the caller has checked against the input length).
    fn new(count: usize, lo: u64, hi: u64) -> Self {
        let span = hi.checked_sub(lo).and_then(|s| s.checked_add(1));
        let dense = match span {
            Some(span) if count > 0 && span <= 2 * count as u64 + 1024 => {
                vec![usize::MAX; span as usize]
            }
            _ => Vec::new(),
        };
        TagMap {
            lo,
            dense,
            sparse: HashMap::new(),
        }
    }

    /// The slot of `tag` in the dense table, if it has one.
    fn slot(&self, tag: u64) -> Option<usize> {
        let k = tag.checked_sub(self.lo)?;
        usize::try_from(k).ok().filter(|&k| k < self.dense.len())
    }

    /// Record `tag` at `index`; false if the tag is already there.
    fn insert(&mut self, tag: u64, index: usize) -> bool {
        match self.slot(tag) {
            Some(k) if self.dense[k] == usize::MAX => {
                self.dense[k] = index;
                true
            }
            Some(_) => false,
            None => match self.sparse.entry(tag) {
                std::collections::hash_map::Entry::Occupied(_) => false,
                std::collections::hash_map::Entry::Vacant(e) => {
                    e.insert(index);
                    true
                }
            },
        }
    }

    /// The index of `tag`.
    fn get(&self, tag: u64) -> Option<usize> {
        match self.slot(tag) {
            Some(k) => Some(self.dense[k]).filter(|&i| i != usize::MAX),
            None => self.sparse.get(&tag).copied(),
        }
    }
}

/// The mesh under construction, shared by the 4.1 and 2.2 readers.
#[derive(Debug, Default)]
struct Builder {
    nodes: Vec<[f64; 2]>,
    node_tags: Vec<usize>,
    tag_map: TagMap,
    /// Largest `|z|` and largest `|x|, |y|` seen, and how many nodes have `z != 0`.
    max_abs_z: f64,
    max_abs_xy: f64,
    nonzero_z: usize,
    triangles: Vec<[usize; 3]>,
    triangle_tags: Vec<usize>,
    lines: Vec<BoundaryLine>,
    physical_names: Vec<PhysicalName>,
    periodic: Vec<PeriodicLink>,
    warnings: Vec<String>,
    /// 4.1: curve entity tag → its first physical tag (if any).
    curve_physical: HashMap<i32, Option<i32>>,
    /// Sections read so far, indexed by [`Section`].
    seen: [bool; 5],
}

impl Builder {
    /// Error if `section` was read before; else mark it read.
    fn first_time(
        &mut self,
        section: Section,
        cur: &Cursor,
        at: Location,
    ) -> Result<(), GmshError> {
        let seen = &mut self.seen[section as usize];
        if *seen {
            return Err(cur.error(
                at,
                Problem::DuplicateSection {
                    section: section.name().to_string(),
                },
            ));
        }
        *seen = true;
        Ok(())
    }

    /// Error if `section` was not read before `user`.
    fn require(
        &self,
        section: Section,
        user: &str,
        cur: &Cursor,
        at: Location,
    ) -> Result<(), GmshError> {
        if self.seen[section as usize] {
            Ok(())
        } else {
            Err(cur.error(
                at,
                Problem::Malformed(format!("`${user}` comes before `${}`", section.name())),
            ))
        }
    }

    /// Add a warning (up to [`MAX_WARNINGS`]).
    fn warn(&mut self, message: String) {
        match self.warnings.len() {
            n if n + 1 < MAX_WARNINGS => self.warnings.push(message),
            n if n + 1 == MAX_WARNINGS => self
                .warnings
                .push("further warnings suppressed".to_string()),
            _ => {}
        }
    }

    /// Add a node with tag `tag` read at `at` (its coordinates already checked by [`finite`]).
    fn add_node(
        &mut self,
        tag: u64,
        xyz: [f64; 3],
        cur: &Cursor,
        at: Location,
    ) -> Result<(), GmshError> {
        let index = self.nodes.len();
        let tag_usize = to_usize(tag, "a node tag", cur, at)?;
        if !self.tag_map.insert(tag, index) {
            return Err(cur.error(at, Problem::DuplicateNode { tag }));
        }
        self.nodes.push([xyz[0], xyz[1]]);
        self.node_tags.push(tag_usize);
        self.max_abs_xy = self.max_abs_xy.max(xyz[0].abs()).max(xyz[1].abs());
        if xyz[2] != 0.0 {
            self.nonzero_z += 1;
            self.max_abs_z = self.max_abs_z.max(xyz[2].abs());
        }
        Ok(())
    }

    /// Index of node `tag`, used by `context` at `at`.
    fn node_index(
        &self,
        tag: u64,
        context: impl FnOnce() -> String,
        cur: &Cursor,
        at: Location,
    ) -> Result<usize, GmshError> {
        self.tag_map.get(tag).ok_or_else(|| {
            cur.error(
                at,
                Problem::UndefinedNode {
                    tag,
                    context: context(),
                },
            )
        })
    }

    /// Add an element of a supported type; `physical` and `entity` only matter for lines.
    fn add_element(
        &mut self,
        element_type: i64,
        tag: usize,
        nodes: &[usize],
        physical: Option<i32>,
        entity: i32,
    ) {
        match (element_type, nodes) {
            (2, &[a, b, c]) => {
                self.triangles.push([a, b, c]);
                self.triangle_tags.push(tag);
            }
            (1, &[a, b]) => self.lines.push(BoundaryLine {
                nodes: [a, b],
                physical,
                entity,
            }),
            _ => {}
        }
    }

    /// Final checks and warnings; `cur` is at the end of the file.
    fn finish(mut self, cur: &Cursor) -> Result<GmshMesh, GmshError> {
        for section in [Section::Nodes, Section::Elements] {
            if !self.seen[section as usize] {
                return Err(cur.error_here(Problem::MissingSection {
                    section: section.name().to_string(),
                }));
            }
        }
        if self.triangles.is_empty() {
            return Err(cur.error_here(Problem::NoTriangles));
        }
        let mut used = vec![false; self.nodes.len()];
        for t in &self.triangles {
            for &i in t {
                used[i] = true;
            }
        }
        let unused = used.iter().filter(|&&u| !u).count();
        if unused > 0 {
            let first = used
                .iter()
                .position(|&u| !u)
                .map_or(0, |i| self.node_tags[i]);
            self.warn(format!(
                "{unused} of {} nodes belong to no triangle (the first is node {first})",
                self.nodes.len()
            ));
        }
        if self.nonzero_z > 0 && self.max_abs_z > 1e-12 * self.max_abs_xy {
            self.warn(format!(
                "{} nodes have a non-zero z (largest |z| = {:e}); z is ignored and the mesh is taken as its \
                 projection onto the x-y plane",
                self.nonzero_z, self.max_abs_z
            ));
        }
        Ok(GmshMesh {
            nodes: self.nodes,
            node_tags: self.node_tags,
            triangles: self.triangles,
            triangle_tags: self.triangle_tags,
            lines: self.lines,
            physical_names: self.physical_names,
            periodic: self.periodic,
            warnings: self.warnings,
        })
    }
}
