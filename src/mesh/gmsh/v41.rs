//! MSH 4.1 sections `$Entities`, `$Nodes`, `$Elements` and `$Periodic`, in ASCII or little-endian binary.
//!
//! Both encodings carry the same values in the same order (Gmsh's `int`, `size_t` and `double`), so one
//! reader [`Values`] hides the difference.

use super::cursor::Cursor;
use super::{
    element_kind, element_name, finite, to_usize, Builder, GmshError, Location, Mode, Problem,
    Section, TagMap,
};

/// Typed values of a 4.1 section in either encoding.
struct Values<'c, 'a> {
    cur: &'c mut Cursor<'a>,
    mode: Mode,
}

impl Values<'_, '_> {
    /// A Gmsh `int`.
    fn int(&mut self, what: &str) -> Result<(i32, Location), GmshError> {
        match self.mode {
            Mode::Ascii => self.cur.parse::<i32>(what),
            Mode::Binary { .. } => self.cur.le_i32(what),
        }
    }

    /// A Gmsh `size_t`.
    fn size(&mut self, what: &str) -> Result<(u64, Location), GmshError> {
        match self.mode {
            Mode::Ascii => self.cur.parse::<u64>(what),
            Mode::Binary { size_width } => self.cur.le_size(size_width, what),
        }
    }

    /// A Gmsh `double` (not checked for finiteness).
    fn float(&mut self, what: &str) -> Result<(f64, Location), GmshError> {
        match self.mode {
            Mode::Ascii => self.cur.parse::<f64>(what),
            Mode::Binary { .. } => self.cur.le_f64(what),
        }
    }

    /// The least number of bytes of an item of `ints` ints, `sizes` size_t's and `floats` doubles.
    fn item_bytes(&self, ints: usize, sizes: usize, floats: usize) -> usize {
        match self.mode {
            // Every ASCII value is at least one character plus a separator.
            Mode::Ascii => 2 * (ints + sizes + floats),
            Mode::Binary { size_width } => 4 * ints + size_width * sizes + 8 * floats,
        }
    }

    /// A count (`size_t`) of items of the given shape, checked against the input left.
    fn count(
        &mut self,
        what: &str,
        ints: usize,
        sizes: usize,
        floats: usize,
    ) -> Result<usize, GmshError> {
        let (n, at) = self.size(what)?;
        let per_item = self.item_bytes(ints, sizes, floats);
        self.cur.check_count(n, at, per_item, what)
    }
}

/// Error for a header count (read at `at`) that disagrees with the blocks.
fn mismatch(cur: &Cursor, at: Location, what: &str, declared: u64, found: u64) -> GmshError {
    cur.error(
        at,
        Problem::CountMismatch {
            what: what.to_string(),
            declared,
            found,
        },
    )
}

/// Read the body of `$Entities` and its end; keeps the physical tags of curves.
pub(super) fn entities(cur: &mut Cursor, mode: Mode, b: &mut Builder) -> Result<(), GmshError> {
    let mut r = Values { cur, mode };
    let n_points = r.count("the number of point entities", 1, 1, 3)?;
    let n_curves = r.count("the number of curve entities", 1, 2, 6)?;
    let n_surfaces = r.count("the number of surface entities", 1, 2, 6)?;
    let n_volumes = r.count("the number of volume entities", 1, 2, 6)?;
    for _ in 0..n_points {
        r.int("a point entity tag")?;
        for _ in 0..3 {
            r.float("a point entity coordinate")?;
        }
        let n = r.count("the number of physical tags of a point entity", 1, 0, 0)?;
        for _ in 0..n {
            r.int("a physical tag of a point entity")?;
        }
    }
    for (dim, count, kind) in [
        (1, n_curves, "curve"),
        (2, n_surfaces, "surface"),
        (3, n_volumes, "volume"),
    ] {
        let tag_what = format!("a {kind} entity tag");
        let box_what = format!("a bounding-box coordinate of a {kind} entity");
        let n_phys_what = format!("the number of physical tags of a {kind} entity");
        let phys_what = format!("a physical tag of a {kind} entity");
        let n_bound_what = format!("the number of bounding entities of a {kind} entity");
        let bound_what = format!("a bounding entity tag of a {kind} entity");
        for _ in 0..count {
            let (tag, _) = r.int(&tag_what)?;
            for _ in 0..6 {
                r.float(&box_what)?;
            }
            let n_phys = r.count(&n_phys_what, 1, 0, 0)?;
            let mut first_two = Vec::with_capacity(2);
            for _ in 0..n_phys {
                let (p, _) = r.int(&phys_what)?;
                if first_two.len() < 2 {
                    first_two.push(p);
                }
            }
            let n_bound = r.count(&n_bound_what, 1, 0, 0)?;
            for _ in 0..n_bound {
                r.int(&bound_what)?;
            }
            if dim == 1 {
                if n_phys > 1 {
                    b.warn(format!(
                        "curve entity {tag} belongs to {n_phys} physical groups ({}, {}{}); its boundary \
                         lines get the first, {}",
                        first_two[0],
                        first_two[1],
                        if n_phys > 2 { ", ..." } else { "" },
                        first_two[0]
                    ));
                }
                b.curve_physical.insert(tag, first_two.first().copied());
            }
        }
    }
    r.cur.expect_end("Entities")
}

/// Read the body of `$Nodes` and its end.
pub(super) fn nodes(cur: &mut Cursor, mode: Mode, b: &mut Builder) -> Result<(), GmshError> {
    let mut r = Values { cur, mode };
    let n_blocks = r.count("the number of node blocks", 3, 1, 0)?;
    let what = "the number of nodes";
    let (n_nodes, header_at) = r.size(what)?;
    let node_bytes = r.item_bytes(0, 1, 3);
    let n_checked = r.cur.check_count(n_nodes, header_at, node_bytes, what)?;
    let (lo, _) = r.size("the smallest node tag")?;
    let (hi, _) = r.size("the largest node tag")?;
    b.tag_map = TagMap::new(n_checked, lo, hi);
    b.nodes.reserve(n_checked);
    b.node_tags.reserve(n_checked);
    let mut total = 0u64;
    let mut tags: Vec<(u64, Location)> = Vec::new();
    for _ in 0..n_blocks {
        let (dim, dim_at) = r.int("the entity dimension of a node block")?;
        if !(0..=3).contains(&dim) {
            return Err(r.cur.error(
                dim_at,
                Problem::BadValue {
                    expected: "an entity dimension 0 to 3".to_string(),
                    found: dim.to_string(),
                },
            ));
        }
        r.int("the entity tag of a node block")?;
        let (parametric, par_at) = r.int("the parametric flag of a node block")?;
        let n_param = match parametric {
            0 => 0,
            1 => dim as usize,
            _ => {
                return Err(r.cur.error(
                    par_at,
                    Problem::BadValue {
                        expected: "the parametric flag 0 or 1".to_string(),
                        found: parametric.to_string(),
                    },
                ))
            }
        };
        let n = r.count("the number of nodes in a node block", 0, 1, 3 + n_param)?;
        total += n as u64;
        if total > n_nodes {
            return Err(mismatch(r.cur, header_at, "nodes", n_nodes, total));
        }
        tags.clear();
        for _ in 0..n {
            let (tag, at) = r.size("a node tag")?;
            if tag < lo || tag > hi {
                return Err(r.cur.error(
                    at,
                    Problem::Malformed(format!(
                        "node tag {tag} is outside the range {lo} to {hi} given in the `$Nodes` header"
                    )),
                ));
            }
            tags.push((tag, at));
        }
        for &(tag, tag_at) in &tags {
            let mut xyz = [0.0; 3];
            for (v, axis) in xyz.iter_mut().zip(["x", "y", "z"]) {
                let (value, at) = r.float("a node coordinate")?;
                *v = finite(
                    value,
                    || format!("coordinate {axis} of node {tag}"),
                    r.cur,
                    at,
                )?;
            }
            for _ in 0..n_param {
                r.float("a parametric node coordinate")?;
            }
            b.add_node(tag, xyz, r.cur, tag_at)?;
        }
    }
    if total != n_nodes {
        return Err(mismatch(r.cur, header_at, "nodes", n_nodes, total));
    }
    r.cur.expect_end("Nodes")
}

/// Read the body of `$Elements` and its end.
pub(super) fn elements(cur: &mut Cursor, mode: Mode, b: &mut Builder) -> Result<(), GmshError> {
    let mut r = Values { cur, mode };
    let n_blocks = r.count("the number of element blocks", 3, 1, 0)?;
    let what = "the number of elements";
    let (n_elements, header_at) = r.size(what)?;
    // Smallest element: a tag and one node.
    let element_bytes = r.item_bytes(0, 2, 0);
    r.cur
        .check_count(n_elements, header_at, element_bytes, what)?;
    r.size("the smallest element tag")?;
    r.size("the largest element tag")?;
    let entities_read = b.seen[Section::Entities as usize];
    let mut total = 0u64;
    let mut nodes = Vec::with_capacity(3);
    for _ in 0..n_blocks {
        let (dim, _) = r.int("the entity dimension of an element block")?;
        let (entity, _) = r.int("the entity tag of an element block")?;
        let (element_type, type_at) = r.int("the element type of an element block")?;
        let (n_nodes, element_dim) = element_kind(element_type.into(), r.cur, type_at)?;
        if element_dim != dim {
            return Err(r.cur.error(
                type_at,
                Problem::Malformed(format!(
                    "element type {element_type} ({}) has dimension {element_dim}, but its block is of \
                     dimension {dim}",
                    element_name(element_type.into())
                )),
            ));
        }
        let n = r.count("the number of elements in a block", 0, 1 + n_nodes, 0)?;
        total += n as u64;
        if total > n_elements {
            return Err(mismatch(r.cur, header_at, "elements", n_elements, total));
        }
        let physical = if element_type == 1 {
            match b.curve_physical.get(&entity) {
                Some(p) => *p,
                None => {
                    if entities_read {
                        b.warn(format!(
                            "curve entity {entity} of a block of line elements is not in `$Entities`; its \
                             lines get no physical group"
                        ));
                    }
                    None
                }
            }
        } else {
            None
        };
        for _ in 0..n {
            let (tag, at) = r.size("an element tag")?;
            nodes.clear();
            for _ in 0..n_nodes {
                let (node, node_at) = r.size("a node tag of an element")?;
                nodes.push(b.node_index(node, || format!("element {tag}"), r.cur, node_at)?);
            }
            let tag = to_usize(tag, "an element tag", r.cur, at)?;
            b.add_element(element_type.into(), tag, &nodes, physical, entity);
        }
    }
    if total != n_elements {
        return Err(mismatch(r.cur, header_at, "elements", n_elements, total));
    }
    r.cur.expect_end("Elements")
}

/// Read the body of `$Periodic` and its end.
pub(super) fn periodic(cur: &mut Cursor, mode: Mode, b: &mut Builder) -> Result<(), GmshError> {
    let mut r = Values { cur, mode };
    let n_links = r.count("the number of periodic links", 3, 2, 0)?;
    for _ in 0..n_links {
        let (dim, _) = r.int("the entity dimension of a periodic link")?;
        let (entity, _) = r.int("the entity tag of a periodic link")?;
        let (master_entity, _) = r.int("the master entity tag of a periodic link")?;
        let (n_affine, at) = r.size("the number of affine transformation values")?;
        let affine = match n_affine {
            0 => None,
            16 => {
                let mut values = Vec::with_capacity(16);
                for _ in 0..16 {
                    let (v, at) = r.float("an affine transformation value")?;
                    values.push(finite(
                        v,
                        || format!("an affine transformation value of periodic entity {entity}"),
                        r.cur,
                        at,
                    )?);
                }
                Some(values)
            }
            _ => {
                return Err(r.cur.error(
                    at,
                    Problem::BadValue {
                        expected: "0 or 16 affine transformation values".to_string(),
                        found: n_affine.to_string(),
                    },
                ))
            }
        };
        let n_pairs = r.count("the number of periodic node pairs", 0, 2, 0)?;
        let mut pairs = Vec::with_capacity(n_pairs);
        let context = || format!("the periodic link of entity {entity} (dimension {dim})");
        for _ in 0..n_pairs {
            let (slave, slave_at) = r.size("a periodic node tag")?;
            let (master, master_at) = r.size("a periodic master node tag")?;
            let slave = b.node_index(slave, context, r.cur, slave_at)?;
            let master = b.node_index(master, context, r.cur, master_at)?;
            pairs.push((slave, master));
        }
        b.periodic.push(super::PeriodicLink {
            dim,
            entity,
            master_entity,
            affine,
            nodes: pairs,
        });
    }
    r.cur.expect_end("Periodic")
}
