//! Tests of the Gmsh reader: real Gmsh fixtures in three formats, one hand-written file per error class,
//! and property-based corruption of valid files (never a panic, never slow).

use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

use proptest::prelude::*;
use proptest::test_runner::Config;

use super::*;

// Fixtures written by gmsh 4.8.4 from tests/data/gmsh/{square,periodic}.geo (see the README there).
const SQUARE_41: &[u8] = include_bytes!("../../../tests/data/gmsh/square_41.msh");
const SQUARE_41_BIN: &[u8] = include_bytes!("../../../tests/data/gmsh/square_41_bin.msh");
const SQUARE_22: &[u8] = include_bytes!("../../../tests/data/gmsh/square_22.msh");
const PERIODIC_41: &[u8] = include_bytes!("../../../tests/data/gmsh/periodic_41.msh");
const PERIODIC_41_BIN: &[u8] = include_bytes!("../../../tests/data/gmsh/periodic_41_bin.msh");
const PERIODIC_22: &[u8] = include_bytes!("../../../tests/data/gmsh/periodic_22.msh");

/// Parse a fixture that must be valid.
fn parse_ok(bytes: &[u8], name: &str) -> GmshMesh {
    match parse_msh(bytes, Path::new(name)) {
        Ok(mesh) => mesh,
        Err(e) => panic!("{name}: {e}"),
    }
}

/// A point rounded to 1e-9 (ASCII files print 16 digits, binary files keep all bits).
type Key = (i64, i64);

fn key(p: [f64; 2]) -> Key {
    ((p[0] * 1e9).round() as i64, (p[1] * 1e9).round() as i64)
}

/// Triangles as sets of rounded vertex coordinates, independent of node numbering and orientation.
fn triangle_set(m: &GmshMesh) -> BTreeSet<[Key; 3]> {
    m.triangles
        .iter()
        .map(|t| {
            let mut k = t.map(|i| key(m.nodes[i]));
            k.sort();
            k
        })
        .collect()
}

/// Boundary lines as (physical name, rounded end points).
fn named_lines(m: &GmshMesh) -> BTreeSet<(String, [Key; 2])> {
    m.lines
        .iter()
        .map(|l| {
            let name = l
                .physical
                .and_then(|p| m.physical_name(1, p))
                .unwrap_or("<none>")
                .to_string();
            let mut k = l.nodes.map(|i| key(m.nodes[i]));
            k.sort();
            (name, k)
        })
        .collect()
}

/// Periodic node pairs of curve links as rounded coordinates (slave, master).
fn periodic_curve_pairs(m: &GmshMesh) -> BTreeSet<(Key, Key)> {
    m.periodic
        .iter()
        .filter(|l| l.dim == 1)
        .flat_map(|l| {
            l.nodes
                .iter()
                .map(|&(s, t)| (key(m.nodes[s]), key(m.nodes[t])))
        })
        .collect()
}

fn node_set(m: &GmshMesh) -> BTreeSet<Key> {
    m.nodes.iter().map(|&p| key(p)).collect()
}

/// Checks that every valid result must pass: indices in range, lengths consistent.
fn assert_consistent(m: &GmshMesh) {
    let n = m.nodes.len();
    assert_eq!(m.node_tags.len(), n);
    assert_eq!(m.triangle_tags.len(), m.triangles.len());
    assert!(!m.triangles.is_empty());
    assert!(m.triangles.iter().flatten().all(|&i| i < n));
    assert!(m.lines.iter().flat_map(|l| l.nodes).all(|i| i < n));
    assert!(m
        .periodic
        .iter()
        .flat_map(|l| &l.nodes)
        .all(|&(a, b)| a < n && b < n));
    assert!(m.nodes.iter().flatten().all(|v| v.is_finite()));
    assert!(m.warnings.len() <= MAX_WARNINGS);
}

#[test]
fn square_fixture_is_read_in_all_three_formats() {
    let meshes = [
        parse_ok(SQUARE_41, "square_41.msh"),
        parse_ok(SQUARE_41_BIN, "square_41_bin.msh"),
        parse_ok(SQUARE_22, "square_22.msh"),
    ];
    let m = &meshes[0];
    assert_consistent(m);
    assert_eq!(m.nodes.len(), 20);
    assert_eq!(m.triangles.len(), 26);
    assert_eq!(m.lines.len(), 12);
    assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    let names: Vec<_> = m
        .physical_names
        .iter()
        .map(|p| (p.dim, p.tag, p.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (1, 11, "bottom"),
            (1, 12, "right"),
            (1, 13, "top"),
            (1, 14, "left"),
            (2, 21, "fluid")
        ]
    );
    // Each named boundary line lies on its side of the square.
    for l in &m.lines {
        let [a, b] = l.nodes.map(|i| m.nodes[i]);
        let on = |f: fn([f64; 2]) -> bool| f(a) && f(b);
        let ok = match l.physical.and_then(|p| m.physical_name(1, p)) {
            Some("bottom") => on(|p| p[1] == 0.0),
            Some("right") => on(|p| p[0] == 1.0),
            Some("top") => on(|p| p[1] == 1.0),
            Some("left") => on(|p| p[0] == 0.0),
            other => panic!("line without a side name: {other:?}"),
        };
        assert!(ok, "{l:?} at {a:?}, {b:?}");
    }
    for other in &meshes[1..] {
        assert_consistent(other);
        assert!(other.warnings.is_empty(), "{:?}", other.warnings);
        assert_eq!(node_set(other), node_set(m));
        assert_eq!(triangle_set(other), triangle_set(m));
        assert_eq!(named_lines(other), named_lines(m));
        assert_eq!(other.physical_names, m.physical_names);
    }
    // ASCII and binary 4.1 are the very same mesh, numbering and entities included.
    assert_eq!(meshes[1].node_tags, m.node_tags);
    assert_eq!(meshes[1].triangles, m.triangles);
    assert_eq!(meshes[1].lines, m.lines);
    assert_eq!(m.physical_tag(1, "left"), Some(14));
}

#[test]
fn periodic_fixture_is_read_in_all_three_formats() {
    let meshes = [
        parse_ok(PERIODIC_41, "periodic_41.msh"),
        parse_ok(PERIODIC_41_BIN, "periodic_41_bin.msh"),
        parse_ok(PERIODIC_22, "periodic_22.msh"),
    ];
    let m = &meshes[0];
    assert_consistent(m);
    // 4.1 also links the corner points; 2.2 only the curves.
    assert_eq!(m.periodic.len(), 5);
    assert_eq!(meshes[2].periodic.len(), 2);
    let curves: Vec<_> = m.periodic.iter().filter(|l| l.dim == 1).collect();
    assert_eq!(curves.len(), 2);
    for l in &curves {
        let affine = l.affine.as_ref().expect("Gmsh writes the translation");
        assert_eq!(affine.len(), 16);
        let shift = [affine[3], affine[7]];
        assert_eq!(l.nodes.len(), 4);
        for &(s, t) in &l.nodes {
            let (s, t) = (m.nodes[s], m.nodes[t]);
            assert!(
                (s[0] - t[0] - shift[0]).abs() < 1e-12 && (s[1] - t[1] - shift[1]).abs() < 1e-12
            );
        }
    }
    assert_eq!(
        curves
            .iter()
            .map(|l| (l.entity, l.master_entity))
            .collect::<Vec<_>>(),
        [(2, 4), (3, 1)]
    );
    for other in &meshes[1..] {
        assert_consistent(other);
        assert_eq!(node_set(other), node_set(m));
        assert_eq!(triangle_set(other), triangle_set(m));
        assert_eq!(named_lines(other), named_lines(m));
        assert_eq!(periodic_curve_pairs(other), periodic_curve_pairs(m));
    }
    // ASCII prints 16 digits, so only the coordinates may differ in the last bits.
    let strip = |m: &GmshMesh| GmshMesh {
        nodes: Vec::new(),
        ..m.clone()
    };
    assert_eq!(strip(&meshes[1]), strip(&meshes[0]));
}

#[test]
fn a_missing_msh_beside_its_geo_says_how_to_generate_it() {
    let dir = std::env::temp_dir().join(format!("gasket-gmsh-geo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("x.geo"), "// geometry\n").unwrap();
    let e = read_msh(&dir.join("x.msh")).unwrap_err();
    assert!(matches!(e, GmshError::NotGenerated { .. }), "{e:?}");
    let msg = e.to_string();
    let gmsh = format!(
        "gmsh -2 {} -format msh41 -o {}",
        dir.join("x.geo").display(),
        dir.join("x.msh").display()
    );
    assert!(
        msg.contains("x.msh not found") && msg.contains(&gmsh),
        "{msg}"
    );
    // Outside a checkout's jobs/meshes, `make meshes` would not write it.
    assert!(!msg.contains("make meshes"), "{msg}");
    // Without the .geo it is a plain I/O error.
    assert!(matches!(
        read_msh(&dir.join("y.msh")),
        Err(GmshError::Io { .. })
    ));
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn read_msh_reads_a_file_and_names_a_missing_one() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/gmsh");
    let m = read_msh(&dir.join("square_41_bin.msh")).unwrap();
    assert_eq!(m, parse_ok(SQUARE_41_BIN, "square_41_bin.msh"));
    let missing = dir.join("no_such_file.msh");
    let e = read_msh(&missing).unwrap_err();
    assert!(matches!(e, GmshError::Io { .. }));
    let msg = e.to_string();
    assert!(
        msg.contains("no_such_file.msh") && msg.contains("cannot read"),
        "{msg}"
    );
}

// ---------------------------------------------------------------------------------------------------
// Hand-written files, one per error class.

/// A valid minimal 4.1 ASCII file: three nodes, one triangle, one line on curve 5 (physical 7).
const TINY_41: &str = "\
$MeshFormat
4.1 0 8
$EndMeshFormat
$PhysicalNames
2
1 7 \"wall\"
2 8 \"fluid\"
$EndPhysicalNames
$Entities
0 1 1 0
5 0 0 0 1 0 0 1 7 0
1 0 0 0 1 1 0 1 8 0
$EndEntities
$Nodes
1 3 1 3
2 1 0 3
1
2
3
0 0 0
1 0 0
0 1 0
$EndNodes
$Elements
2 2 1 2
1 5 1 1
1 1 2
2 1 2 1
2 1 2 3
$EndElements
";

/// A valid minimal 2.2 file with the same mesh.
const TINY_22: &str = "\
$MeshFormat
2.2 0 8
$EndMeshFormat
$Nodes
3
1 0 0 0
2 1 0 0
3 0 1 0
$EndNodes
$Elements
2
1 1 2 7 5 1 2
2 2 2 8 1 1 2 3
$EndElements
";

/// The error for `text`, checking that its message names the file, `at` and `needle`.
fn error_at(text: &[u8], at: &str, needle: &str) -> Problem {
    let e = parse_msh(text, Path::new("dir/tiny.msh")).expect_err("the file must be refused");
    let msg = e.to_string();
    assert!(msg.starts_with("dir/tiny.msh: "), "{msg}");
    assert!(
        msg.contains(&format!(": {at}: ")),
        "expected `{at}` in: {msg}"
    );
    assert!(msg.contains(needle), "expected `{needle}` in: {msg}");
    e.problem().unwrap().clone()
}

/// `TINY_41` with `from` replaced by `to` (which must occur).
fn tiny41_with(from: &str, to: &str) -> Vec<u8> {
    assert!(TINY_41.contains(from), "{from}");
    TINY_41.replacen(from, to, 1).into_bytes()
}

fn tiny22_with(from: &str, to: &str) -> Vec<u8> {
    assert!(TINY_22.contains(from), "{from}");
    TINY_22.replacen(from, to, 1).into_bytes()
}

#[test]
fn tiny_files_are_valid() {
    for text in [TINY_41, TINY_22] {
        let m = parse_ok(text.as_bytes(), "tiny.msh");
        assert_consistent(&m);
        assert_eq!(m.nodes, [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]);
        assert_eq!(m.triangles, [[0, 1, 2]]);
        assert_eq!(m.triangle_tags, [2]);
        assert_eq!(
            m.lines,
            [BoundaryLine {
                nodes: [0, 1],
                physical: Some(7),
                entity: 5
            }]
        );
        assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    }
}

#[test]
fn error_not_a_gmsh_file() {
    let p = error_at(b"\n\nhello world\n", "line 3", "not a Gmsh MSH file");
    assert!(matches!(p, Problem::NotGmsh { found } if found == "hello"));
    error_at(b"", "line 1", "found `end of file`");
}

#[test]
fn error_unsupported_versions() {
    let p = error_at(
        &tiny41_with("4.1 0 8", "4 0 8"),
        "line 2",
        "version 4 is not supported",
    );
    assert!(matches!(p, Problem::UnsupportedVersion { .. }));
    error_at(
        &tiny22_with("2.2 0 8", "2.2 1 8"),
        "line 2",
        "binary MSH 2.2 is not supported",
    );
    error_at(
        &tiny41_with("4.1 0 8", "4.1 2 8"),
        "line 2",
        "file type 0 (ASCII) or 1 (binary)",
    );
}

#[test]
fn error_binary_header() {
    let mut big = b"$MeshFormat\n4.1 1 8\n".to_vec();
    big.extend_from_slice(&1i32.to_be_bytes());
    big.extend_from_slice(b"\n$EndMeshFormat\n");
    let p = error_at(&big, "byte offset 20", "big-endian");
    assert_eq!(p, Problem::BigEndian);
    let mut bad = big.clone();
    bad[20..24].copy_from_slice(&7i32.to_le_bytes());
    error_at(
        &bad,
        "byte offset 20",
        "corrupt endianness marker 0x00000007",
    );
    let p = error_at(
        b"$MeshFormat\n4.1 1 16\n",
        "line 2",
        "unsupported data size 16",
    );
    assert_eq!(p, Problem::BadDataSize { size: 16 });
    error_at(
        b"$MeshFormat\n4.1 1 8\n\x01\x00",
        "byte offset 20",
        "truncated",
    );
}

#[test]
fn error_truncated() {
    let cut = &TINY_41.as_bytes()[..TINY_41.find("0 1 0\n$EndNodes").unwrap() + 3];
    let p = error_at(
        cut,
        "line 22",
        "truncated: it ends while a node coordinate is expected",
    );
    assert!(matches!(p, Problem::Truncated { .. }));
    let cut = &TINY_22.as_bytes()[..TINY_22.find("2 2 2 8").unwrap()];
    error_at(cut, "line 13", "ends while an element tag is expected");
    let cut = TINY_41.strip_suffix("$EndElements\n").unwrap();
    error_at(
        cut.as_bytes(),
        "line 30",
        "ends while `$EndElements` is expected",
    );
}

#[test]
fn error_missing_end_and_counts_that_disagree() {
    let p = error_at(
        &tiny41_with("$EndNodes", "$EndNode"),
        "line 23",
        "expected `$EndNodes`, found `$EndNode`",
    );
    assert!(matches!(p, Problem::MissingEnd { .. }));
    // The header says 4 nodes, the block holds 3.
    let p = error_at(
        &tiny41_with("1 3 1 3", "1 4 1 3"),
        "line 15",
        "gives 4 nodes, but the blocks hold 3",
    );
    assert!(matches!(
        p,
        Problem::CountMismatch {
            declared: 4,
            found: 3,
            ..
        }
    ));
    error_at(
        &tiny41_with("2 2 1 2", "2 3 1 2"),
        "line 25",
        "gives 3 elements, but the blocks hold 2",
    );
    // 2.2: one element more than the count says.
    error_at(
        &tiny22_with("$Elements\n2", "$Elements\n1"),
        "line 13",
        "expected `$EndElements`, found `2`",
    );
    // A block claims more nodes than it has: the coordinates run into the next section.
    error_at(
        &tiny41_with("2 1 0 3", "2 1 0 4"),
        "line 15",
        "the section header gives 3 nodes, but the blocks hold 4",
    );
    error_at(
        &tiny41_with("1 3 1 3\n2 1 0 3", "1 4 1 4\n2 1 0 4"),
        "line 20",
        "node tag 0 is outside the range 1 to 4",
    );
}

#[test]
fn error_non_finite_coordinates() {
    let p = error_at(
        &tiny41_with("1 0 0\n", "1 nan 0\n"),
        "line 21",
        "coordinate y of node 2 is not finite: NaN",
    );
    assert!(matches!(p, Problem::NonFinite { .. }));
    error_at(
        &tiny22_with("3 0 1 0", "3 0 1 -inf"),
        "line 8",
        "coordinate z of node 3 is not finite: -inf",
    );
    error_at(
        &tiny41_with("0 1 0\n", "0 1e999 0\n"),
        "line 22",
        "coordinate y of node 3 is not finite",
    );
}

#[test]
fn error_undefined_and_duplicate_nodes() {
    let p = error_at(
        &tiny41_with("2 1 2 3", "2 1 2 9"),
        "line 29",
        "element 2 refers to node 9, which `$Nodes` does not define",
    );
    assert_eq!(
        p,
        Problem::UndefinedNode {
            tag: 9,
            context: "element 2".to_string()
        }
    );
    error_at(
        &tiny22_with("1 1 2 7 5 1 2", "1 1 2 7 5 1 4"),
        "line 12",
        "element 1 refers to node 4",
    );
    let p = error_at(
        &tiny41_with("1\n2\n3\n", "1\n2\n2\n"),
        "line 19",
        "node tag 2 is defined twice",
    );
    assert_eq!(p, Problem::DuplicateNode { tag: 2 });
    error_at(
        &tiny22_with("3 0 1 0", "1 0 1 0"),
        "line 8",
        "node tag 1 is defined twice",
    );
    let periodic = format!("{TINY_41}$Periodic\n1\n1 5 6\n0\n1\n1 4\n$EndPeriodic\n");
    error_at(
        periodic.as_bytes(),
        "line 36",
        "the periodic link of entity 5 (dimension 1) refers to node 4",
    );
}

#[test]
fn error_no_triangles_and_missing_sections() {
    let text = tiny41_with("2 2 1 2\n", "1 1 1 1\n");
    let text = String::from_utf8(text)
        .unwrap()
        .replace("2 1 2 1\n2 1 2 3\n", "");
    let p = error_at(text.as_bytes(), "line 29", "no 3-node triangles");
    assert_eq!(p, Problem::NoTriangles);
    let no_elements = &TINY_22[..TINY_22.find("$Elements").unwrap()];
    error_at(
        no_elements.as_bytes(),
        "line 10",
        "has no `$Elements` section",
    );
    error_at(
        b"$MeshFormat\n2.2 0 8\n$EndMeshFormat\n",
        "line 4",
        "has no `$Nodes` section",
    );
}

#[test]
fn error_huge_counts_are_refused_before_allocating() {
    let p = error_at(
        &tiny41_with("1 3 1 3", "1 99999999999999999 1 3"),
        "line 15",
        "the number of nodes is 99999999999999999",
    );
    assert!(matches!(
        p,
        Problem::CountTooLarge {
            count: 99_999_999_999_999_999,
            ..
        }
    ));
    error_at(
        &tiny41_with("1 3 1 3", "18446744073709551615 3 1 3"),
        "line 15",
        "the number of node blocks is 18446744073709551615",
    );
    error_at(
        &tiny22_with("$Nodes\n3", "$Nodes\n300"),
        "line 5",
        "the number of nodes is 300, more than the",
    );
    error_at(
        &tiny41_with("2 1 0 3", "2 1 0 4000000000"),
        "line 16",
        "the number of nodes in a node block is 4000000000",
    );
    error_at(
        &tiny41_with("1 7 \"wall\"", "1 7 \"wall\" 1 1"),
        "line 7",
        "expected a quoted physical name, found `2`",
    );
    error_at(
        &tiny41_with("$PhysicalNames\n2", "$PhysicalNames\n1000"),
        "line 5",
        "the number of physical names is 1000",
    );
    // Values out of range for their type.
    error_at(
        &tiny41_with("2 1 0 3", "2 4294967296 0 3"),
        "line 16",
        "expected the entity tag of a node block, found `4294967296`",
    );
    error_at(
        &tiny41_with("1 3 1 3", "1 -3 1 3"),
        "line 15",
        "expected the number of nodes, found `-3`",
    );
}

#[test]
fn error_huge_counts_in_binary() {
    // The `$Nodes` header of the binary fixture: numEntityBlocks, numNodes, minTag, maxTag.
    let at = SQUARE_41_BIN
        .windows(7)
        .position(|w| w == b"$Nodes\n")
        .unwrap()
        + 7;
    for (field, what) in [(0, "the number of node blocks"), (1, "the number of nodes")] {
        let mut bytes = SQUARE_41_BIN.to_vec();
        let k = at + 8 * field;
        bytes[k..k + 8].copy_from_slice(&u64::MAX.to_le_bytes());
        let p = error_at(
            &bytes,
            &format!("byte offset {k}"),
            &format!("{what} is 18446744073709551615"),
        );
        assert!(matches!(p, Problem::CountTooLarge { .. }));
    }
    // Cut inside the last coordinate of `$Nodes`: the value starts 9 bytes before `$EndNodes`.
    let end = SQUARE_41_BIN
        .windows(9)
        .position(|w| w == b"$EndNodes")
        .unwrap();
    let cut = &SQUARE_41_BIN[..end - 5];
    error_at(
        cut,
        &format!("byte offset {}", end - 9),
        "truncated: it ends while a node coordinate",
    );
}

#[test]
fn error_unsupported_elements() {
    let quad = tiny22_with("2 2 2 8 1 1 2 3", "2 3 2 8 1 1 2 3 3");
    let p = error_at(
        &quad,
        "line 13",
        "element type 3 (4-node quadrangle) is not supported",
    );
    assert_eq!(
        p,
        Problem::UnsupportedElement {
            element_type: 3,
            name: "4-node quadrangle"
        }
    );
    let msg = parse_msh(&quad, Path::new("q.msh"))
        .unwrap_err()
        .to_string();
    assert!(msg.contains("3-node triangles (type 2)"), "{msg}");
    error_at(
        &tiny41_with("2 1 2 1", "2 1 9 1"),
        "line 28",
        "element type 9 (6-node second-order triangle)",
    );
    error_at(
        &tiny41_with("2 1 2 1", "1 1 2 1"),
        "line 28",
        "has dimension 2, but its block is of dimension 1",
    );
    // Points are ignored.
    let with_point = tiny22_with("$Elements\n2\n", "$Elements\n3\n9 15 2 0 1 1\n");
    assert_eq!(parse_ok(&with_point, "p.msh").triangles.len(), 1);
}

#[test]
fn error_non_utf8_text() {
    let mut bytes = TINY_41.as_bytes().to_vec();
    let k = TINY_41.find("wall").unwrap() + 1;
    bytes[k] = 0xff;
    let p = error_at(
        &bytes,
        "line 6",
        "expected a physical name, found bytes that are not UTF-8: `w\u{fffd}ll`",
    );
    assert!(matches!(p, Problem::NotUtf8 { .. }));
    let mut bytes = TINY_22.as_bytes().to_vec();
    let k = TINY_22.find("3 0 1 0").unwrap() + 2;
    bytes[k] = 0xfe;
    error_at(
        &bytes,
        "line 8",
        "expected a node coordinate, found bytes that are not UTF-8",
    );
    error_at(
        &tiny41_with("\"fluid\"", "\"fluid"),
        "line 7",
        "has no closing quote",
    );
    error_at(
        &tiny41_with("\"fluid\"", "fluid"),
        "line 7",
        "expected a quoted physical name, found `fluid`",
    );
}

#[test]
fn error_section_structure() {
    let twice = format!("{TINY_22}$Nodes\n0\n$EndNodes\n");
    let p = error_at(
        twice.as_bytes(),
        "line 15",
        "section `$Nodes` appears twice",
    );
    assert!(matches!(p, Problem::DuplicateSection { .. }));
    let swapped = TINY_22
        .replace("$Nodes", "$Temp")
        .replace("$EndNodes", "$EndTemp");
    error_at(
        swapped.as_bytes(),
        "line 10",
        "`$Elements` comes before `$Nodes`",
    );
    error_at(
        &tiny41_with("$Entities", "Entities"),
        "line 9",
        "expected a section header such as `$Nodes`, found `Entities`",
    );
    let unterminated = format!("{TINY_22}$NodeData\n1\n\"x\"\n");
    let p = error_at(
        unterminated.as_bytes(),
        "line 15",
        "section `$NodeData` has no `$EndNodeData` line",
    );
    assert!(matches!(p, Problem::Unterminated { .. }));
    error_at(
        &tiny41_with("$EndMeshFormat", "$EndMeshFormat\n$MeshFormat"),
        "line 4",
        "`$MeshFormat` appears twice",
    );
}

#[test]
fn unknown_sections_are_skipped() {
    let text = TINY_41.replace(
        "$Nodes\n",
        "$Comments\nanything $Nodes \u{e9}\n $EndComments not here\n$EndComments\n$NodeData\n\u{ff}\n$EndNodeData\n$Nodes\n",
    );
    let m = parse_ok(text.as_bytes(), "skip.msh");
    assert_eq!(m.triangles, [[0, 1, 2]]);
    // Line numbers stay right after a skipped section.
    let bad = text.replace("2 1 2 3", "2 1 2 x");
    error_at(
        bad.as_bytes(),
        "line 36",
        "expected a node tag of an element, found `x`",
    );
}

#[test]
fn warnings_for_suspicious_but_readable_files() {
    // Two physical tags on curve 5, z != 0, an unused node, a line on an unknown curve.
    let text =
        String::from_utf8(tiny41_with("5 0 0 0 1 0 0 1 7 0", "5 0 0 0 1 0 0 2 7 9 0")).unwrap();
    let text = text
        .replace("0 1 0\n$EndNodes", "0 1 0.5\n$EndNodes")
        .replace(
            "1 3 1 3\n2 1 0 3\n1\n2\n3\n",
            "1 4 1 4\n2 1 0 4\n1\n2\n3\n4\n",
        )
        .replace("0 1 0.5\n", "0 1 0.5\n5 5 0\n")
        .replace("2 2 1 2\n1 5 1 1", "3 3 1 3\n1 6 1 1\n3 3 4\n1 5 1 1");
    let m = parse_ok(text.as_bytes(), "warn.msh");
    assert_consistent(&m);
    assert_eq!(m.lines[1].physical, Some(7));
    assert_eq!(m.lines[0].physical, None);
    let all = m.warnings.join("\n");
    for needle in [
        "curve entity 5 belongs to 2 physical groups (7, 9); its boundary lines get the first, 7",
        "curve entity 6 of a block of line elements is not in `$Entities`",
        "1 of 4 nodes belong to no triangle (the first is node 4)",
        "1 nodes have a non-zero z (largest |z| = 5e-1)",
    ] {
        assert!(all.contains(needle), "missing `{needle}` in:\n{all}");
    }
}

#[test]
fn tag_map_handles_dense_sparse_and_duplicate_tags() {
    let mut map = TagMap::new(3, 10, 12);
    assert!(map.insert(10, 0) && map.insert(12, 1) && map.insert(1 << 60, 2) && map.insert(0, 3));
    assert!(!map.insert(12, 4) && !map.insert(1 << 60, 5));
    assert_eq!(
        [
            map.get(10),
            map.get(11),
            map.get(12),
            map.get(1 << 60),
            map.get(0)
        ],
        [Some(0), None, Some(1), Some(2), Some(3)]
    );
    // A huge tag range does not allocate a dense table.
    assert!(TagMap::new(3, 1, u64::MAX).dense.is_empty());
    assert!(TagMap::new(3, 5, 1).dense.is_empty());
}

// ---------------------------------------------------------------------------------------------------
// Property-based corruption: any input gives Ok or Err quickly, never a panic.

/// Replacement tokens: garbage, huge and edge-case numbers, section names, non-UTF-8.
const GARBAGE: &[&[u8]] = &[
    b"",
    b"0",
    b"-1",
    b"1",
    b"2",
    b"3",
    b"15",
    b"16",
    b"nan",
    b"inf",
    b"-inf",
    b"1e308",
    b"1e999",
    b"2147483647",
    b"2147483648",
    b"-2147483649",
    b"4294967295",
    b"4294967296",
    b"9223372036854775807",
    b"18446744073709551615",
    b"18446744073709551616",
    b"99999999999999999999999",
    b"1.5",
    b"abc",
    b"\"",
    b"\"x",
    b"$EndNodes",
    b"$Nodes",
    b"$Elements",
    b"$EndElements",
    b"$Periodic",
    b"$MeshFormat",
    b"$Foo",
    b"Affine",
    b"\xff\xfe",
    b"\xc3",
    b"1 2 3",
    b"\n",
];

/// Replacement words for binary files (written as 4 or 8 little-endian bytes).
const WORDS: &[u64] = &[
    0,
    1,
    2,
    3,
    15,
    16,
    0x7fff_ffff,
    0x8000_0000,
    0xffff_ffff,
    1 << 32,
    1 << 40,
    1 << 62,
    u64::MAX,
    0x7ff8_0000_0000_0000, // NaN
    0x7ff0_0000_0000_0000, // +inf
];

/// One corruption; the numbers are reduced modulo the current input size when applied.
#[derive(Debug, Clone)]
enum Edit {
    Flip(usize, u8),
    Truncate(usize),
    DeleteLine(usize),
    DuplicateLine(usize),
    SwapLines(usize, usize),
    ReplaceToken(usize, usize),
    Insert(usize, Vec<u8>),
    DeleteRange(usize, usize),
    OverwriteWord(usize, usize, bool),
}

fn edit_strategy() -> impl Strategy<Value = Edit> {
    prop_oneof![
        3 => (any::<usize>(), 1..=255u8).prop_map(|(a, x)| Edit::Flip(a, x)),
        1 => any::<usize>().prop_map(Edit::Truncate),
        2 => any::<usize>().prop_map(Edit::DeleteLine),
        2 => any::<usize>().prop_map(Edit::DuplicateLine),
        1 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::SwapLines(a, b)),
        4 => (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Edit::ReplaceToken(a, b)),
        1 => (any::<usize>(), proptest::collection::vec(any::<u8>(), 1..12)).prop_map(|(a, v)| Edit::Insert(a, v)),
        1 => (any::<usize>(), 1..64usize).prop_map(|(a, n)| Edit::DeleteRange(a, n)),
        3 => (any::<usize>(), any::<usize>(), any::<bool>()).prop_map(|(a, w, wide)| Edit::OverwriteWord(a, w, wide)),
    ]
}

/// Byte ranges of the lines (each with its `\n`).
fn line_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = 0;
    for (i, &b) in bytes.iter().enumerate() {
        if b == b'\n' {
            spans.push((start, i + 1));
            start = i + 1;
        }
    }
    if start < bytes.len() {
        spans.push((start, bytes.len()));
    }
    spans
}

/// Byte ranges of the whitespace-separated tokens.
fn token_spans(bytes: &[u8]) -> Vec<(usize, usize)> {
    let mut spans = Vec::new();
    let mut start = None;
    for (i, &b) in bytes.iter().enumerate() {
        let space = b.is_ascii_whitespace();
        match (start, space) {
            (None, false) => start = Some(i),
            (Some(s), true) => {
                spans.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        spans.push((s, bytes.len()));
    }
    spans
}

fn apply(mut bytes: Vec<u8>, edit: &Edit) -> Vec<u8> {
    let n = bytes.len();
    if n == 0 {
        return bytes;
    }
    match *edit {
        Edit::Flip(a, x) => bytes[a % n] ^= x,
        Edit::Truncate(a) => bytes.truncate(a % n),
        Edit::DeleteLine(a) | Edit::DuplicateLine(a) => {
            let lines = line_spans(&bytes);
            let (s, e) = lines[a % lines.len()];
            if matches!(edit, Edit::DeleteLine(_)) {
                bytes.drain(s..e);
            } else {
                let copy = bytes[s..e].to_vec();
                bytes.splice(s..s, copy);
            }
        }
        Edit::SwapLines(a, b) => {
            let lines = line_spans(&bytes);
            let (a, b) = (lines[a % lines.len()], lines[b % lines.len()]);
            let (first, second) = if a.0 <= b.0 { (a, b) } else { (b, a) };
            if first != second {
                let mut out = bytes[..first.0].to_vec();
                out.extend_from_slice(&bytes[second.0..second.1]);
                out.extend_from_slice(&bytes[first.1..second.0]);
                out.extend_from_slice(&bytes[first.0..first.1]);
                out.extend_from_slice(&bytes[second.1..]);
                bytes = out;
            }
        }
        Edit::ReplaceToken(a, g) => {
            let tokens = token_spans(&bytes);
            if !tokens.is_empty() {
                let (s, e) = tokens[a % tokens.len()];
                bytes.splice(s..e, GARBAGE[g % GARBAGE.len()].iter().copied());
            }
        }
        Edit::Insert(a, ref v) => {
            let a = a % (n + 1);
            bytes.splice(a..a, v.iter().copied());
        }
        Edit::DeleteRange(a, len) => {
            let a = a % n;
            bytes.drain(a..(a + len).min(n));
        }
        Edit::OverwriteWord(a, w, wide) => {
            let width = if wide { 8 } else { 4 };
            if n >= width {
                let a = a % (n - width + 1);
                let word = WORDS[w % WORDS.len()].to_le_bytes();
                bytes[a..a + width].copy_from_slice(&word[..width]);
            }
        }
    }
    bytes
}

/// Parse `bytes` under `catch_unwind`: a panic, a slow parse or an inconsistent result fails the case.
fn must_not_panic(bytes: &[u8]) -> Result<(), TestCaseError> {
    let start = Instant::now();
    let result = std::panic::catch_unwind(|| parse_msh(bytes, Path::new("fuzz.msh")));
    let elapsed = start.elapsed();
    let shown = || bytes.escape_ascii().to_string();
    match result {
        Err(_) => {
            return Err(TestCaseError::fail(format!(
                "parse_msh panicked on input:\n{}",
                shown()
            )))
        }
        Ok(Ok(mesh)) => {
            let checked = std::panic::catch_unwind(|| assert_consistent(&mesh));
            prop_assert!(
                checked.is_ok(),
                "inconsistent mesh from input:\n{}",
                shown()
            );
        }
        Ok(Err(e)) => {
            let msg = e.to_string();
            prop_assert!(
                msg.starts_with("fuzz.msh: line ") || msg.starts_with("fuzz.msh: byte offset "),
                "message without file and location: {msg}"
            );
        }
    }
    prop_assert!(
        elapsed < Duration::from_secs(1),
        "parse took {elapsed:?} on input:\n{}",
        shown()
    );
    Ok(())
}

fn config(cases: u32) -> Config {
    Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    }
}

proptest! {
    #![proptest_config(config(700))]
    #[test]
    fn corrupted_ascii_41_never_panics(
        periodic in any::<bool>(),
        edits in proptest::collection::vec(edit_strategy(), 1..5),
    ) {
        let base = if periodic { PERIODIC_41 } else { SQUARE_41 };
        let bytes = edits.iter().fold(base.to_vec(), apply);
        must_not_panic(&bytes)?;
    }
}

proptest! {
    #![proptest_config(config(500))]
    #[test]
    fn corrupted_ascii_22_never_panics(
        periodic in any::<bool>(),
        edits in proptest::collection::vec(edit_strategy(), 1..5),
    ) {
        let base = if periodic { PERIODIC_22 } else { SQUARE_22 };
        let bytes = edits.iter().fold(base.to_vec(), apply);
        must_not_panic(&bytes)?;
    }
}

proptest! {
    #![proptest_config(config(700))]
    #[test]
    fn corrupted_binary_41_never_panics(
        periodic in any::<bool>(),
        edits in proptest::collection::vec(edit_strategy(), 1..5),
    ) {
        let base = if periodic { PERIODIC_41_BIN } else { SQUARE_41_BIN };
        let bytes = edits.iter().fold(base.to_vec(), apply);
        must_not_panic(&bytes)?;
    }
}

proptest! {
    #![proptest_config(config(200))]
    #[test]
    fn random_bytes_after_a_valid_header_never_panic(
        binary in any::<bool>(),
        body in proptest::collection::vec(any::<u8>(), 0..400),
    ) {
        let mut bytes = if binary {
            b"$MeshFormat\n4.1 1 8\n\x01\x00\x00\x00\n$EndMeshFormat\n".to_vec()
        } else {
            b"$MeshFormat\n4.1 0 8\n$EndMeshFormat\n".to_vec()
        };
        bytes.extend_from_slice(&body);
        must_not_panic(&bytes)?;
    }
}

#[test]
fn every_truncation_of_the_fixtures_is_an_error() {
    for (name, base) in [
        ("square_41", SQUARE_41),
        ("square_41_bin", SQUARE_41_BIN),
        ("square_22", SQUARE_22),
        ("periodic_41", PERIODIC_41),
        ("periodic_41_bin", PERIODIC_41_BIN),
        ("periodic_22", PERIODIC_22),
    ] {
        // Cutting anywhere before `$EndElements` leaves an invalid file.
        let last = base.windows(12).position(|w| w == b"$EndElements").unwrap();
        for cut in 0..last {
            let result = std::panic::catch_unwind(|| parse_msh(&base[..cut], Path::new("cut.msh")));
            match result {
                Ok(Err(_)) => {}
                Ok(Ok(_)) => panic!("{name} cut at {cut} was accepted"),
                Err(_) => panic!("{name} cut at {cut} panicked"),
            }
        }
    }
}

/// `TINY_41` in binary with a `size_t` of `width` bytes, plus a periodic link without affine values.
fn tiny_binary(width: usize) -> Vec<u8> {
    let mut out = format!("$MeshFormat\n4.1 1 {width}\n").into_bytes();
    let int = |out: &mut Vec<u8>, v: i32| out.extend_from_slice(&v.to_le_bytes());
    let size = |out: &mut Vec<u8>, v: u64| out.extend_from_slice(&v.to_le_bytes()[..width]);
    let float = |out: &mut Vec<u8>, v: f64| out.extend_from_slice(&v.to_le_bytes());
    int(&mut out, 1);
    out.extend_from_slice(
        b"\n$EndMeshFormat\n$PhysicalNames\n1\n1 7 \"wall\"\n$EndPhysicalNames\n",
    );
    out.extend_from_slice(b"$Entities\n");
    for n in [0, 1, 0, 0] {
        size(&mut out, n);
    }
    // Curve 5 with physical tag 7 and no bounding points.
    int(&mut out, 5);
    for _ in 0..6 {
        float(&mut out, 0.0);
    }
    size(&mut out, 1);
    int(&mut out, 7);
    size(&mut out, 0);
    out.extend_from_slice(b"\n$EndEntities\n$Nodes\n");
    for v in [1, 3, 1, 3] {
        size(&mut out, v);
    }
    // One parametric block on a surface: x y z u v per node.
    for v in [2, 1, 1] {
        int(&mut out, v);
    }
    size(&mut out, 3);
    for tag in 1..=3 {
        size(&mut out, tag);
    }
    for p in [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]] {
        for v in [p[0], p[1], 0.0, 0.5, 0.5] {
            float(&mut out, v);
        }
    }
    out.extend_from_slice(b"\n$EndNodes\n$Elements\n");
    for v in [2, 2, 1, 2] {
        size(&mut out, v);
    }
    for (dim, entity, kind, nodes) in [(1, 5, 1, vec![1, 2]), (2, 1, 2, vec![1, 2, 3])] {
        for v in [dim, entity, kind] {
            int(&mut out, v);
        }
        size(&mut out, 1);
        size(&mut out, kind as u64);
        for n in nodes {
            size(&mut out, n);
        }
    }
    out.extend_from_slice(b"\n$EndElements\n$Periodic\n");
    size(&mut out, 1);
    for v in [0, 2, 1] {
        int(&mut out, v);
    }
    size(&mut out, 0);
    size(&mut out, 1);
    size(&mut out, 3);
    size(&mut out, 2);
    out.extend_from_slice(b"\n$EndPeriodic\n");
    out
}

#[test]
fn optional_features_are_read() {
    // Binary with 8- and 4-byte size_t, parametric nodes, a periodic link without affine values.
    for width in [8, 4] {
        let m = parse_ok(&tiny_binary(width), "tiny_bin.msh");
        assert_consistent(&m);
        assert_eq!(m.nodes, [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]]);
        assert_eq!(m.triangles, [[0, 1, 2]]);
        assert_eq!(m.lines[0].physical, Some(7));
        assert_eq!(m.physical_name(1, 7), Some("wall"));
        assert_eq!(
            m.periodic,
            [PeriodicLink {
                dim: 0,
                entity: 2,
                master_entity: 1,
                affine: None,
                nodes: vec![(2, 1)]
            }]
        );
        assert!(m.warnings.is_empty(), "{:?}", m.warnings);
    }
    // Windows line ends.
    for text in [TINY_41, TINY_22] {
        let crlf = text.replace('\n', "\r\n");
        assert_eq!(parse_ok(crlf.as_bytes(), "crlf.msh").triangles, [[0, 1, 2]]);
    }
    // 2.2 periodic link without an `Affine` line; a 2.2 element without tags.
    let text = TINY_22.replace("1 1 2 7 5 1 2", "1 1 0 1 2")
        + "$Periodic\n1\n0 2 1\n1\n3 2\n$EndPeriodic\n";
    let m = parse_ok(text.as_bytes(), "p22.msh");
    assert_eq!(m.periodic[0].affine, None);
    assert_eq!(m.periodic[0].nodes, [(2, 1)]);
    assert_eq!(
        m.lines,
        [BoundaryLine {
            nodes: [0, 1],
            physical: None,
            entity: 0
        }]
    );
}
