//! Mesh partitioning for gasket.
//!
//! [`blocks`] splits a structured grid into rectangles from its size alone, without a graph.
//!
//! A mesh is described by its cell dual graph ([`DualGraph`]: one vertex per cell, one edge per pair of cells
//! sharing a face), which [`partition`] splits into parts with METIS k-way, one part per MPI rank. [`report`]
//! measures a partition (edge cut, part sizes and weights, load imbalance), and [`grid_pairs`] gives the face
//! pairs of a structured grid.
//!
//! ```
//! use gasket_partition::{grid_pairs, partition, report, DualGraph};
//!
//! let graph = DualGraph::from_pairs(16 * 16, grid_pairs(16, 16, false, false))?;
//! let parts = partition(&graph, 4, None)?;
//! let r = report(&graph, &parts, None)?;
//! assert_eq!(r.part_sizes.len(), 4);
//! assert!(r.part_sizes.iter().all(|&s| s > 0));
//! # Ok::<(), gasket_partition::PartitionError>(())
//! ```

#![warn(missing_docs)]

mod blocks;
mod graph;
mod metis;

pub use crate::blocks::{blocks, BlockLayout};
pub use crate::graph::{grid_pairs, DualGraph};
pub use crate::metis::{partition, METIS_SEED};

/// The number of parts a single-process run uses.
pub const SINGLE_PART: usize = 1;

/// Errors from building a dual graph, partitioning it or reporting on a partition.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartitionError {
    /// A pair names a cell id that is not below the number of vertices.
    #[error("cell id {id} is out of range for a graph of {n_vertices} vertices")]
    VertexOutOfRange {
        /// The offending id.
        id: usize,
        /// The number of vertices of the graph.
        n_vertices: usize,
    },
    /// Zero parts were asked for.
    #[error("the number of parts must be at least 1")]
    ZeroParts,
    /// More parts were asked for than there are vertices, so some part would be empty.
    #[error("cannot split {n_vertices} vertices into {n_parts} non-empty parts")]
    TooManyParts {
        /// The number of parts asked for.
        n_parts: usize,
        /// The number of vertices of the graph.
        n_vertices: usize,
    },
    /// The weight array does not have one entry per vertex.
    #[error("expected {expected} vertex weights (one per vertex), got {got}")]
    WeightsLength {
        /// The number of vertices.
        expected: usize,
        /// The length of the weight array.
        got: usize,
    },
    /// A vertex weight is zero or negative.
    #[error("vertex {vertex} has weight {weight}; weights must be positive")]
    NonPositiveWeight {
        /// The vertex.
        vertex: usize,
        /// Its weight.
        weight: i64,
    },
    /// The part array does not have one entry per vertex.
    #[error("expected {expected} part ids (one per vertex), got {got}")]
    PartsLength {
        /// The number of vertices.
        expected: usize,
        /// The length of the part array.
        got: usize,
    },
    /// A part id is negative.
    #[error("vertex {vertex} has negative part id {part}")]
    NegativePart {
        /// The vertex.
        vertex: usize,
        /// Its part id.
        part: i32,
    },
    /// The graph, a weight or the total weight does not fit the 32-bit integers METIS is built with.
    #[error("{what} too large for METIS (32-bit indices)")]
    TooLargeForMetis {
        /// What overflowed.
        what: &'static str,
    },
    /// No split of a structured grid into rectangular blocks, one per part, exists.
    #[error(
        "cannot split a {nx} x {ny} grid into {n_parts} rectangular blocks (no factorisation px * py = \
         {n_parts} with px <= {nx} and py <= {ny}); use METIS (the default) or another number of ranks"
    )]
    NoBlockLayout {
        /// Cells in x.
        nx: usize,
        /// Cells in y.
        ny: usize,
        /// Parts asked for.
        n_parts: usize,
    },
    /// METIS reported an error.
    #[error("METIS failed: {0}")]
    Metis(String),
}

/// Checks that `weights` has `n` entries, all positive.
fn check_weights(weights: &[i64], n: usize) -> Result<(), PartitionError> {
    if weights.len() != n {
        return Err(PartitionError::WeightsLength {
            expected: n,
            got: weights.len(),
        });
    }
    match weights.iter().position(|&w| w <= 0) {
        Some(vertex) => Err(PartitionError::NonPositiveWeight {
            vertex,
            weight: weights[vertex],
        }),
        None => Ok(()),
    }
}

/// Quality measures of a partition, from [`report`].
#[derive(Debug, Clone, serde::Serialize)]
pub struct Report {
    /// The number of parts: the largest part id plus one.
    pub n_parts: usize,
    /// The number of graph edges whose two ends lie in different parts, each edge counted once.
    pub edge_cut: usize,
    /// The number of vertices in each part.
    pub part_sizes: Vec<usize>,
    /// The total vertex weight of each part (equal to `part_sizes` without weights).
    pub part_weights: Vec<i64>,
    /// The largest part weight divided by the mean part weight (1.0 is perfect balance; 1.0 for an empty graph).
    pub imbalance: f64,
}

/// Measures the partition `parts` (one part id per vertex) of `graph`, with optional vertex `weights` (unit
/// weights if `None`).
///
/// The number of parts is taken as the largest part id plus one; a part id that no vertex uses counts as an
/// empty part.
///
/// # Errors
///
/// [`PartitionError::PartsLength`] or [`PartitionError::NegativePart`] for a bad `parts`,
/// [`PartitionError::WeightsLength`] or [`PartitionError::NonPositiveWeight`] for bad `weights`.
pub fn report(
    graph: &DualGraph,
    parts: &[i32],
    weights: Option<&[i64]>,
) -> Result<Report, PartitionError> {
    let n = graph.n_vertices();
    if parts.len() != n {
        return Err(PartitionError::PartsLength {
            expected: n,
            got: parts.len(),
        });
    }
    if let Some((vertex, &part)) = parts.iter().enumerate().find(|(_, &p)| p < 0) {
        return Err(PartitionError::NegativePart { vertex, part });
    }
    if let Some(w) = weights {
        check_weights(w, n)?;
    }

    let n_parts = parts.iter().map(|&p| p as usize + 1).max().unwrap_or(0);
    let mut part_sizes = vec![0usize; n_parts];
    let mut part_weights = vec![0i64; n_parts];
    let mut edge_cut = 0;
    for (v, &p) in parts.iter().enumerate() {
        part_sizes[p as usize] += 1;
        part_weights[p as usize] += weights.map_or(1, |w| w[v]);
        edge_cut += graph
            .neighbours(v)
            .iter()
            .filter(|&&u| u > v && parts[u] != p)
            .count();
    }
    let total: f64 = part_weights.iter().map(|&w| w as f64).sum();
    let max = part_weights.iter().copied().max().unwrap_or(0) as f64;
    let imbalance = if total > 0.0 {
        max * n_parts as f64 / total
    } else {
        1.0
    };
    Ok(Report {
        n_parts,
        edge_cut,
        part_sizes,
        part_weights,
        imbalance,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 2x3 grid split into columns {0, 3} | {1, 2, 4, 5}:
    ///
    /// ```text
    /// 3 - 4 - 5
    /// |   |   |
    /// 0 - 1 - 2
    /// ```
    #[test]
    fn report_of_hand_made_partition() {
        let g = DualGraph::from_pairs(6, [(0, 1), (1, 2), (3, 4), (4, 5), (0, 3), (1, 4), (2, 5)])
            .unwrap();
        let parts = [0, 1, 1, 0, 1, 1];
        let r = report(&g, &parts, None).unwrap();
        assert_eq!(r.n_parts, 2);
        assert_eq!(r.edge_cut, 2);
        assert_eq!(r.part_sizes, vec![2, 4]);
        assert_eq!(r.part_weights, vec![2, 4]);
        assert!((r.imbalance - 4.0 / 3.0).abs() < 1e-12);

        // Weights that balance the same split.
        let r = report(&g, &parts, Some(&[2, 1, 1, 2, 1, 1])).unwrap();
        assert_eq!(r.part_weights, vec![4, 4]);
        assert_eq!(r.imbalance, 1.0);

        // Three column parts: the four horizontal edges are cut, the three vertical ones are not.
        let parts = [0, 1, 2, 0, 1, 2];
        let r = report(&g, &parts, None).unwrap();
        assert_eq!(r.edge_cut, 4);
        assert_eq!(r.part_sizes, vec![2, 2, 2]);

        let json = serde_json::to_value(&r).unwrap();
        assert_eq!(json["edge_cut"], 4);
        assert_eq!(json["part_sizes"], serde_json::json!([2, 2, 2]));
    }

    #[test]
    fn report_errors() {
        let g = DualGraph::from_pairs(3, [(0, 1), (1, 2)]).unwrap();
        assert_eq!(
            report(&g, &[0, 1], None).unwrap_err(),
            PartitionError::PartsLength {
                expected: 3,
                got: 2
            }
        );
        assert_eq!(
            report(&g, &[0, -1, 0], None).unwrap_err(),
            PartitionError::NegativePart {
                vertex: 1,
                part: -1
            }
        );
        assert_eq!(
            report(&g, &[0, 1, 0], Some(&[1, 1])).unwrap_err(),
            PartitionError::WeightsLength {
                expected: 3,
                got: 2
            }
        );
        assert_eq!(
            report(&g, &[0, 1, 0], Some(&[1, 0, 1])).unwrap_err(),
            PartitionError::NonPositiveWeight {
                vertex: 1,
                weight: 0
            }
        );
    }
}
