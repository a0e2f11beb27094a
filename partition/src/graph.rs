//! The cell dual graph in CSR form and a pair generator for structured grids.

use crate::PartitionError;

/// The dual graph of a mesh: one vertex per cell, one undirected edge per pair of cells that share a face.
///
/// Stored in CSR form: the neighbours of vertex `v` are `adjncy[xadj[v]..xadj[v + 1]]`. Every neighbour list is
/// sorted ascending, holds no duplicates and never holds `v` itself, and the graph is symmetric (`u` lists `v`
/// exactly when `v` lists `u`), which is the form METIS expects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DualGraph {
    xadj: Vec<usize>,
    adjncy: Vec<usize>,
}

impl DualGraph {
    /// Builds the dual graph of `n_vertices` cells from pairs of cells joined by a shared face.
    ///
    /// Each pair `(a, b)` adds the undirected edge `a`–`b`; the order inside a pair and the order of the pairs do
    /// not matter. A pair repeated (in either order, as happens when two cells share several faces, e.g. across a
    /// periodic boundary of a two-cell-wide grid) gives one edge, and a pair `(a, a)` is ignored, since a cell is
    /// not its own neighbour.
    ///
    /// # Errors
    ///
    /// [`PartitionError::VertexOutOfRange`] naming the first id that is not below `n_vertices`.
    pub fn from_pairs(
        n_vertices: usize,
        pairs: impl IntoIterator<Item = (usize, usize)>,
    ) -> Result<DualGraph, PartitionError> {
        let mut edges = Vec::new();
        for (a, b) in pairs {
            for id in [a, b] {
                if id >= n_vertices {
                    return Err(PartitionError::VertexOutOfRange { id, n_vertices });
                }
            }
            if a != b {
                edges.push((a, b));
            }
        }

        // Count both directions of every edge, then scatter them into rows.
        let mut degree = vec![0usize; n_vertices];
        for &(a, b) in &edges {
            degree[a] += 1;
            degree[b] += 1;
        }
        let mut start = Vec::with_capacity(n_vertices + 1);
        start.push(0);
        for d in &degree {
            start.push(start.last().copied().unwrap_or(0) + d);
        }
        let mut fill = start.clone();
        let mut raw = vec![0usize; 2 * edges.len()];
        for &(a, b) in &edges {
            raw[fill[a]] = b;
            fill[a] += 1;
            raw[fill[b]] = a;
            fill[b] += 1;
        }
        drop(edges);

        // Sort and deduplicate each row, compacting into the final arrays.
        let mut xadj = Vec::with_capacity(n_vertices + 1);
        let mut adjncy = Vec::with_capacity(raw.len());
        xadj.push(0);
        for v in 0..n_vertices {
            let row = &mut raw[start[v]..start[v + 1]];
            row.sort_unstable();
            let mut last = None;
            for &u in row.iter() {
                if last != Some(u) {
                    adjncy.push(u);
                    last = Some(u);
                }
            }
            xadj.push(adjncy.len());
        }
        adjncy.shrink_to_fit();
        Ok(DualGraph { xadj, adjncy })
    }

    /// The number of vertices (cells).
    pub fn n_vertices(&self) -> usize {
        self.xadj.len() - 1
    }

    /// The sorted neighbours of vertex `v`.
    ///
    /// # Panics
    ///
    /// If `v >= self.n_vertices()`.
    pub fn neighbours(&self, v: usize) -> &[usize] {
        &self.adjncy[self.xadj[v]..self.xadj[v + 1]]
    }

    /// The number of undirected edges (each counted once).
    pub fn n_edges(&self) -> usize {
        self.adjncy.len() / 2
    }

    /// The CSR row offsets (`n_vertices() + 1` entries).
    pub(crate) fn xadj(&self) -> &[usize] {
        &self.xadj
    }

    /// The CSR column indices (`2 * n_edges()` entries).
    pub(crate) fn adjncy(&self) -> &[usize] {
        &self.adjncy
    }
}

/// The face-neighbour pairs of a row-major structured `nx` × `ny` grid, cell id `c = i + nx * j`.
///
/// Gives `(c, c + 1)` for x-neighbours and `(c, c + nx)` for y-neighbours. With `periodic_x` the wrap pairs
/// `(nx - 1 + nx * j, nx * j)` are added, and with `periodic_y` the pairs `(i + nx * (ny - 1), i)`, but only for a
/// dimension of at least 3 cells: with 1 cell the wrap would be a self loop and with 2 cells it would repeat the
/// interior pair. `ny == 1` is a 1D strip (x pairs only). An empty grid gives no pairs.
pub fn grid_pairs(nx: usize, ny: usize, periodic_x: bool, periodic_y: bool) -> Vec<(usize, usize)> {
    let mut pairs = Vec::new();
    if nx == 0 || ny == 0 {
        return pairs;
    }
    let wrap_x = periodic_x && nx >= 3;
    let wrap_y = periodic_y && ny >= 3;
    for j in 0..ny {
        for i in 0..nx {
            let c = i + nx * j;
            if i + 1 < nx {
                pairs.push((c, c + 1));
            }
            if j + 1 < ny {
                pairs.push((c, c + nx));
            }
        }
        if wrap_x {
            pairs.push((nx - 1 + nx * j, nx * j));
        }
    }
    if wrap_y {
        for i in 0..nx {
            pairs.push((i + nx * (ny - 1), i));
        }
    }
    pairs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_valid_csr(g: &DualGraph) {
        assert_eq!(g.xadj()[0], 0);
        assert_eq!(*g.xadj().last().unwrap(), g.adjncy().len());
        assert_eq!(g.adjncy().len() % 2, 0);
        for v in 0..g.n_vertices() {
            let nb = g.neighbours(v);
            assert!(
                nb.windows(2).all(|w| w[0] < w[1]),
                "row {v} not strictly sorted: {nb:?}"
            );
            assert!(!nb.contains(&v), "self loop at {v}");
            for &u in nb {
                assert!(
                    g.neighbours(u).binary_search(&v).is_ok(),
                    "edge {v}-{u} not symmetric"
                );
            }
        }
    }

    #[test]
    fn from_pairs_is_symmetric_sorted_and_deduplicated() {
        // Pairs in both orders, repeated, and a self pair.
        let g = DualGraph::from_pairs(5, [(3, 0), (0, 1), (1, 0), (2, 1), (4, 4), (0, 3), (1, 3)])
            .unwrap();
        assert_valid_csr(&g);
        assert_eq!(g.n_vertices(), 5);
        assert_eq!(g.n_edges(), 4);
        assert_eq!(g.neighbours(0), &[1, 3]);
        assert_eq!(g.neighbours(1), &[0, 2, 3]);
        assert_eq!(g.neighbours(2), &[1]);
        assert_eq!(g.neighbours(3), &[0, 1]);
        assert_eq!(g.neighbours(4), &[] as &[usize]);
    }

    #[test]
    fn from_pairs_rejects_out_of_range_id() {
        let err = DualGraph::from_pairs(3, [(0, 1), (1, 7)]).unwrap_err();
        assert_eq!(
            err,
            PartitionError::VertexOutOfRange {
                id: 7,
                n_vertices: 3
            }
        );
        assert!(err.to_string().contains('7'), "{err}");
    }

    #[test]
    fn empty_graph() {
        let g = DualGraph::from_pairs(0, []).unwrap();
        assert_eq!(g.n_vertices(), 0);
        assert_eq!(g.n_edges(), 0);
    }

    #[test]
    fn grid_pair_counts() {
        // Open 4x3: 3*3 x-pairs + 4*2 y-pairs.
        assert_eq!(grid_pairs(4, 3, false, false).len(), 9 + 8);
        // Periodic in both: 4*3 + 4*3.
        assert_eq!(grid_pairs(4, 3, true, true).len(), 12 + 12);
        // A strip: x pairs only, periodic wrap included for n >= 3.
        assert_eq!(
            grid_pairs(5, 1, false, true),
            vec![(0, 1), (1, 2), (2, 3), (3, 4)]
        );
        assert_eq!(grid_pairs(5, 1, true, true).len(), 5);
        // No wrap for 1 or 2 cells.
        assert_eq!(grid_pairs(2, 1, true, false), vec![(0, 1)]);
        assert_eq!(grid_pairs(1, 1, true, true), vec![]);
        assert_eq!(grid_pairs(2, 2, true, true).len(), 4);
        assert!(grid_pairs(0, 5, true, true).is_empty());
    }

    #[test]
    fn periodic_grid_graph_is_regular() {
        let g = DualGraph::from_pairs(5 * 4, grid_pairs(5, 4, true, true)).unwrap();
        assert_valid_csr(&g);
        assert!((0..g.n_vertices()).all(|v| g.neighbours(v).len() == 4));
        assert_eq!(g.neighbours(0), &[1, 4, 5, 15]);
        let open = DualGraph::from_pairs(5 * 4, grid_pairs(5, 4, false, false)).unwrap();
        assert_valid_csr(&open);
        assert_eq!(open.neighbours(0), &[1, 5]);
        assert_eq!(open.neighbours(6), &[1, 5, 7, 11]);
    }
}
