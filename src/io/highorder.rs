//! The field inside the cells of a high-order scheme, as sub-triangles with values at their nodes.
//!
//! A snapshot of a scheme that holds a polynomial per cell (CPR-GKS) adds the group `/highorder`, cells in
//! the global order of `/mesh/cells`, `k` nodes and `t` sub-triangles per cell (the same for every cell):
//!
//! | path                    | type | shape        |
//! |-------------------------|------|--------------|
//! | `/highorder/points`     | f64  | `[Nc·k, 2]`  |
//! | `/highorder/triangles`  | i64  | `[Nc·t, 3]`  |
//! | `/highorder/density`    | f64  | `[Nc·k]`     |
//! | `/highorder/velocity`   | f64  | `[Nc·k, 2]`  |
//! | `/highorder/pressure`   | f64  | `[Nc·k]`     |
//!
//! Every cell has its own copy of its nodes (node `j` of cell `c` is row `c·k + j`), so the field may jump
//! between cells as the polynomials do. `NAME-highorder.xdmf` beside the snapshot shows it in ParaView with
//! node-centred values, linear on each sub-triangle.

use std::ops::Range;
use std::path::{Path, PathBuf};

use crate::error::RunError;

/// The high-order field of the owned cells, for [`super::write_snapshot`].
#[derive(Debug, Clone, Copy)]
pub struct HighOrderOut<'a> {
    /// Output nodes per cell (`k`).
    pub nodes_per_cell: usize,
    /// The sub-triangles of one cell, as counter-clockwise triples of node indices in `0..k`.
    pub triangles: &'a [[usize; 3]],
    /// Node positions: `k` per cell, cells in the order of the cell arrays they go with.
    pub points: &'a [[f64; 2]],
    /// Density at the nodes.
    pub density: &'a [f64],
    /// Velocity `(u, v)` at the nodes.
    pub velocity: &'a [[f64; 2]],
    /// Pressure at the nodes.
    pub pressure: &'a [f64],
}

impl HighOrderOut<'_> {
    /// Checks the lengths against `n` cells and the node indices of the sub-triangles.
    pub(crate) fn check(&self, n: usize) -> Result<(), String> {
        let k = self.nodes_per_cell;
        if k < 3 || self.triangles.is_empty() {
            return Err(format!(
                "high-order output needs at least 3 nodes and one triangle per cell, got {k} and {}",
                self.triangles.len()
            ));
        }
        if let Some(t) = self.triangles.iter().find(|t| t.iter().any(|&j| j >= k)) {
            return Err(format!(
                "high-order triangle {t:?} refers to a node outside 0..{k}"
            ));
        }
        let lengths = [
            ("points", self.points.len()),
            ("density", self.density.len()),
            ("velocity", self.velocity.len()),
            ("pressure", self.pressure.len()),
        ];
        match lengths.iter().find(|(_, len)| *len != n * k) {
            Some((name, len)) => Err(format!(
                "high-order {name} has {len} entries, expected {} ({n} cells × {k} nodes)",
                n * k
            )),
            None => Ok(()),
        }
    }

    /// The sub-triangles of the global cells `rows`, as global node ids (flat, three per triangle).
    pub(crate) fn connectivity(&self, rows: Range<usize>) -> Vec<i64> {
        let k = self.nodes_per_cell;
        rows.flat_map(|c| {
            self.triangles
                .iter()
                .flat_map(move |t| t.map(|j| (c * k + j) as i64))
        })
        .collect()
    }
}

/// The high-order field of a snapshot, read back.
#[derive(Debug, Clone, PartialEq)]
pub struct HighOrder {
    /// Node positions.
    pub points: Vec<[f64; 2]>,
    /// Sub-triangles, three global node ids each.
    pub triangles: Vec<[i64; 3]>,
    /// Density at the nodes.
    pub density: Vec<f64>,
    /// Velocity at the nodes.
    pub velocity: Vec<[f64; 2]>,
    /// Pressure at the nodes.
    pub pressure: Vec<f64>,
}

impl HighOrder {
    /// Checks that the arrays agree and every node id is in range.
    pub(crate) fn check(&self) -> Result<(), String> {
        let n = self.points.len();
        if self.density.len() != n || self.velocity.len() != n || self.pressure.len() != n {
            return Err(format!(
                "/highorder: {n} points but {} / {} / {} density / velocity / pressure values",
                self.density.len(),
                self.velocity.len(),
                self.pressure.len()
            ));
        }
        match self
            .triangles
            .iter()
            .flatten()
            .find(|&&j| j < 0 || j as usize >= n)
        {
            Some(j) => Err(format!(
                "/highorder/triangles refers to node {j}, outside 0..{n}"
            )),
            None => Ok(()),
        }
    }
}

/// Writes `NAME-highorder.xdmf` beside the snapshot `path` (file name `file_name`) for `n_cells` cells of `h`.
pub(crate) fn write_xdmf(
    path: &Path,
    file_name: &str,
    n_cells: usize,
    h: &HighOrderOut,
    time: f64,
) -> Result<(), RunError> {
    let text = super::xdmf::highorder_xdmf_text(
        file_name,
        n_cells * h.nodes_per_cell,
        n_cells * h.triangles.len(),
        time,
    );
    super::write_atomic(&xdmf_path(path), text.as_bytes())
}

/// The path of the high-order XDMF file of the snapshot `path` (`NAME-highorder.xdmf`).
pub fn xdmf_path(path: &Path) -> PathBuf {
    let stem = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("snapshot");
    path.with_file_name(format!("{stem}-highorder.xdmf"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connectivity_numbers_nodes_cell_by_cell() {
        let (pts, d, v) = (vec![[0.0, 0.0]; 6], vec![1.0; 6], vec![[0.0, 0.0]; 6]);
        let tris = [[0, 1, 2]];
        let h = HighOrderOut {
            nodes_per_cell: 3,
            triangles: &tris,
            points: &pts,
            density: &d,
            velocity: &v,
            pressure: &d,
        };
        assert!(h.check(2).is_ok());
        assert!(h.check(3).is_err());
        assert_eq!(h.connectivity(4..6), vec![12, 13, 14, 15, 16, 17]);
        let bad = [[0, 1, 3]];
        assert!(HighOrderOut {
            triangles: &bad,
            ..h
        }
        .check(2)
        .is_err());
    }

    #[test]
    fn xdmf_file_sits_beside_the_snapshot() {
        let p = xdmf_path(Path::new("/x/snap_0001.h5"));
        assert_eq!(p, Path::new("/x/snap_0001-highorder.xdmf"));
    }
}
