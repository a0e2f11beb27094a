//! MSH 2.2 ASCII sections `$Nodes`, `$Elements` and `$Periodic`.

use super::cursor::Cursor;
use super::{element_kind, finite, to_usize, Builder, GmshError, PeriodicLink, TagMap};

/// A count as the next token, checked against the input left for items of at least `tokens` tokens.
fn count(cur: &mut Cursor, what: &str, tokens: usize) -> Result<usize, GmshError> {
    let (n, at) = cur.parse::<u64>(what)?;
    cur.check_count(n, at, 2 * tokens, what)
}

/// Read the body of `$Nodes` and its end: `n`, then `tag x y z` per node.
pub(super) fn nodes(cur: &mut Cursor, b: &mut Builder) -> Result<(), GmshError> {
    let n = count(cur, "the number of nodes", 4)?;
    b.tag_map = TagMap::new(n, 1, n as u64);
    b.nodes.reserve(n);
    b.node_tags.reserve(n);
    for _ in 0..n {
        let (tag, tag_at) = cur.parse::<u64>("a node tag")?;
        let mut xyz = [0.0; 3];
        for (v, axis) in xyz.iter_mut().zip(["x", "y", "z"]) {
            let (value, at) = cur.parse::<f64>("a node coordinate")?;
            *v = finite(
                value,
                || format!("coordinate {axis} of node {tag}"),
                cur,
                at,
            )?;
        }
        b.add_node(tag, xyz, cur, tag_at)?;
    }
    cur.expect_end("Nodes")
}

/// Read the body of `$Elements` and its end: `n`, then `tag type n_tags tags... nodes...` per element.
pub(super) fn elements(cur: &mut Cursor, b: &mut Builder) -> Result<(), GmshError> {
    // Shortest element: tag, type, 0 tags, one node.
    let n = count(cur, "the number of elements", 4)?;
    let mut nodes = Vec::with_capacity(3);
    for _ in 0..n {
        let (tag, at) = cur.parse::<u64>("an element tag")?;
        let (element_type, type_at) = cur.parse::<i64>("an element type")?;
        let (n_nodes, _) = element_kind(element_type, cur, type_at)?;
        let n_tags = count(cur, "the number of tags of an element", 1)?;
        let mut physical = None;
        let mut entity = 0;
        for k in 0..n_tags {
            let (t, _) = cur.parse::<i32>("a tag of an element")?;
            match k {
                0 if t != 0 => physical = Some(t),
                1 => entity = t,
                _ => {}
            }
        }
        nodes.clear();
        for _ in 0..n_nodes {
            let (node, node_at) = cur.parse::<u64>("a node tag of an element")?;
            nodes.push(b.node_index(node, || format!("element {tag}"), cur, node_at)?);
        }
        let tag = to_usize(tag, "an element tag", cur, at)?;
        b.add_element(element_type, tag, &nodes, physical, entity);
    }
    cur.expect_end("Elements")
}

/// Read the body of `$Periodic` and its end: `n`, then per link `dim slave master`, an optional
/// `Affine` line with 16 values, the number of node pairs and the pairs `slave master`.
pub(super) fn periodic(cur: &mut Cursor, b: &mut Builder) -> Result<(), GmshError> {
    let n = count(cur, "the number of periodic links", 4)?;
    for _ in 0..n {
        let (dim, _) = cur.parse::<i32>("the entity dimension of a periodic link")?;
        let (entity, _) = cur.parse::<i32>("the entity tag of a periodic link")?;
        let (master_entity, _) = cur.parse::<i32>("the master entity tag of a periodic link")?;
        let affine = if cur.peek_token() == Some(b"Affine".as_slice()) {
            cur.token("`Affine`")?;
            let mut values = Vec::with_capacity(16);
            for _ in 0..16 {
                let (v, at) = cur.parse::<f64>("an affine transformation value")?;
                values.push(finite(
                    v,
                    || format!("an affine transformation value of periodic entity {entity}"),
                    cur,
                    at,
                )?);
            }
            Some(values)
        } else {
            None
        };
        let n_pairs = count(cur, "the number of periodic node pairs", 2)?;
        let mut pairs = Vec::with_capacity(n_pairs);
        let context = || format!("the periodic link of entity {entity} (dimension {dim})");
        for _ in 0..n_pairs {
            let (slave, slave_at) = cur.parse::<u64>("a periodic node tag")?;
            let (master, master_at) = cur.parse::<u64>("a periodic master node tag")?;
            let slave = b.node_index(slave, context, cur, slave_at)?;
            let master = b.node_index(master, context, cur, master_at)?;
            pairs.push((slave, master));
        }
        b.periodic.push(PeriodicLink {
            dim,
            entity,
            master_entity,
            affine,
            nodes: pairs,
        });
    }
    cur.expect_end("Periodic")
}
