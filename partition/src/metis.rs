//! k-way partitioning of a [`DualGraph`] with METIS.

use std::sync::Mutex;

use ::metis::{option, Graph, Idx};

use crate::{DualGraph, PartitionError};

/// The seed given to METIS (`METIS_OPTION_SEED`), so that the same input always gives the same partition.
pub const METIS_SEED: i32 = 1;

/// METIS keeps its random-number state in a process-wide (not thread-local) static, so two partitionings running
/// at once on different threads would race on it and stop being reproducible. Every METIS call holds this lock.
static METIS_LOCK: Mutex<()> = Mutex::new(());

/// Partitions `graph` into `n_parts` parts with METIS k-way (`METIS_PartGraphKway`, edge-cut objective, default
/// 3 % imbalance tolerance) and returns the part id, in `0..n_parts`, of every vertex.
///
/// `weights` is an optional positive cost per vertex, passed to METIS as the vertex weights (`vwgt`), so that
/// parts get about the same total weight rather than the same number of vertices.
///
/// The result is deterministic: METIS runs with the fixed seed [`METIS_SEED`], and calls are serialised inside
/// this process, so the same graph, part count and weights always give the same partition.
///
/// Special cases, all without calling METIS:
/// - `n_parts == 1`: every vertex in part 0;
/// - a graph with no edges (only isolated vertices): contiguous blocks by vertex id, cut where the running weight
///   passes each `k / n_parts` fraction of the total, every block holding at least one vertex.
///
/// Every part is non-empty. METIS does not promise that (none was seen empty in tests, even with `n_parts` equal
/// to the number of vertices), so should it leave a part empty, this is fixed deterministically rather than
/// reported as an error: each empty part, in increasing id order, takes the highest-id vertex of the part with the
/// most vertices (lowest id on a tie).
///
/// # Errors
///
/// - [`PartitionError::ZeroParts`] if `n_parts == 0`;
/// - [`PartitionError::TooManyParts`] if `n_parts > graph.n_vertices()` (so also for an empty graph);
/// - [`PartitionError::WeightsLength`] / [`PartitionError::NonPositiveWeight`] for bad `weights`;
/// - [`PartitionError::TooLargeForMetis`] if the graph or the total weight does not fit METIS' 32-bit integers;
/// - [`PartitionError::Metis`] if METIS itself fails.
pub fn partition(
    graph: &DualGraph,
    n_parts: usize,
    weights: Option<&[i64]>,
) -> Result<Vec<i32>, PartitionError> {
    let n = graph.n_vertices();
    if n_parts == 0 {
        return Err(PartitionError::ZeroParts);
    }
    if n_parts > n {
        return Err(PartitionError::TooManyParts {
            n_parts,
            n_vertices: n,
        });
    }
    if let Some(w) = weights {
        crate::check_weights(w, n)?;
    }
    let n_parts_i32 = i32::try_from(n_parts).map_err(|_| PartitionError::TooLargeForMetis {
        what: "number of parts",
    })?;
    if n_parts == 1 {
        return Ok(vec![0; n]);
    }
    if graph.n_edges() == 0 {
        return Ok(contiguous_blocks(n, n_parts, weights));
    }

    let to_idx = |x: usize, what: &'static str| {
        Idx::try_from(x).map_err(|_| PartitionError::TooLargeForMetis { what })
    };
    let xadj = graph
        .xadj()
        .iter()
        .map(|&x| to_idx(x, "graph"))
        .collect::<Result<Vec<Idx>, _>>()?;
    let adjncy = graph
        .adjncy()
        .iter()
        .map(|&x| to_idx(x, "graph"))
        .collect::<Result<Vec<Idx>, _>>()?;
    let vwgt = match weights {
        Some(w) => {
            // METIS sums vertex weights in its own integer type: the total must fit as well as each weight.
            let total: i128 = w.iter().map(|&x| i128::from(x)).sum();
            if total > i128::from(Idx::MAX) {
                return Err(PartitionError::TooLargeForMetis {
                    what: "total vertex weight",
                });
            }
            Some(
                w.iter()
                    .map(|&x| Idx::try_from(x))
                    .collect::<Result<Vec<Idx>, _>>()
                    .map_err(|_| PartitionError::TooLargeForMetis {
                        what: "vertex weight",
                    })?,
            )
        }
        None => None,
    };
    let nparts_idx = Idx::from(n_parts_i32);

    // The metis crate builds METIS with 32-bit `idx_t`, so its `Idx` is `i32` and METIS writes our part ids
    // directly (this line would not compile with 64-bit indices).
    let mut parts: Vec<i32> = vec![0; n];
    {
        let _guard = METIS_LOCK
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut metis_graph = Graph::new(1, nparts_idx, &xadj, &adjncy)
            .map_err(|e| PartitionError::Metis(e.to_string()))?
            .set_option(option::Seed(Idx::from(METIS_SEED)));
        if let Some(v) = vwgt.as_deref() {
            metis_graph = metis_graph.set_vwgt(v);
        }
        metis_graph
            .part_kway(&mut parts)
            .map_err(|e| PartitionError::Metis(e.to_string()))?;
    }

    if parts.iter().any(|&p| p < 0 || p >= n_parts_i32) {
        return Err(PartitionError::Metis(
            "METIS returned a part id out of range".to_string(),
        ));
    }
    fill_empty_parts(&mut parts, n_parts);
    Ok(parts)
}

/// Contiguous blocks by vertex id for `n_parts <= n` parts, balanced by weight (unit weights if `None`).
fn contiguous_blocks(n: usize, n_parts: usize, weights: Option<&[i64]>) -> Vec<i32> {
    let weight = |v: usize| weights.map_or(1, |w| i128::from(w[v]));
    let total: i128 = (0..n).map(weight).sum();
    let parts_total = n_parts as i128;
    let mut out = vec![0i32; n];
    let mut part = 0usize;
    let mut acc = 0i128;
    for (v, slot) in out.iter_mut().enumerate() {
        *slot = part as i32;
        acc += weight(v);
        let parts_left = n_parts - part - 1;
        let vertices_left = n - v - 1;
        // Close the block once its share of the weight is reached, or when every remaining vertex is needed
        // to give each remaining part one vertex. The second rule keeps `parts_left <= vertices_left`.
        if parts_left > 0
            && (acc * parts_total >= (part as i128 + 1) * total || vertices_left == parts_left)
        {
            part += 1;
        }
    }
    out
}

/// Gives every empty part one vertex: in increasing part order, the highest-id vertex of the part with the most
/// vertices (lowest part id on a tie). Requires `n_parts <= parts.len()` and ids in `0..n_parts`.
fn fill_empty_parts(parts: &mut [i32], n_parts: usize) {
    let mut count = vec![0usize; n_parts];
    for &p in parts.iter() {
        count[p as usize] += 1;
    }
    for empty in 0..n_parts {
        if count[empty] != 0 {
            continue;
        }
        // Some part has at least two vertices, since n_parts <= n and this one has none.
        let mut donor = 0;
        for (p, &c) in count.iter().enumerate() {
            if c > count[donor] {
                donor = p;
            }
        }
        if let Some(v) = parts.iter().rposition(|&p| p as usize == donor) {
            parts[v] = empty as i32;
            count[donor] -= 1;
            count[empty] += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{grid_pairs, report};
    use std::time::Instant;

    fn grid(nx: usize, ny: usize) -> DualGraph {
        DualGraph::from_pairs(nx * ny, grid_pairs(nx, ny, false, false)).unwrap()
    }

    fn assert_all_parts_used(parts: &[i32], n_parts: usize) {
        let mut count = vec![0usize; n_parts];
        for &p in parts {
            assert!(p >= 0 && (p as usize) < n_parts, "part id {p} out of range");
            count[p as usize] += 1;
        }
        assert!(count.iter().all(|&c| c > 0), "empty part: {count:?}");
    }

    #[test]
    fn grid_100x100_kway_is_balanced_cheap_and_deterministic() {
        let g = grid(100, 100);
        for (n_parts, max_cut) in [(2, 130), (3, 230), (4, 300)] {
            let parts = partition(&g, n_parts, None).unwrap();
            assert_all_parts_used(&parts, n_parts);
            let r = report(&g, &parts, None).unwrap();
            println!(
                "100x100 {n_parts}-way: edge cut {}, imbalance {:.4}, sizes {:?}",
                r.edge_cut, r.imbalance, r.part_sizes
            );
            assert_eq!(r.n_parts, n_parts);
            assert!(
                r.imbalance <= 1.05,
                "{n_parts}-way imbalance {}",
                r.imbalance
            );
            assert!(
                r.edge_cut <= max_cut,
                "{n_parts}-way edge cut {} > {max_cut}",
                r.edge_cut
            );
            assert_eq!(
                partition(&g, n_parts, None).unwrap(),
                parts,
                "{n_parts}-way not deterministic"
            );
        }
    }

    #[test]
    fn concurrent_calls_give_the_serial_result() {
        // Without METIS_LOCK this fails: METIS' random state is a process-wide static.
        let g = grid(300, 300);
        let serial = partition(&g, 5, None).unwrap();
        std::thread::scope(|s| {
            let handles: Vec<_> = (0..4)
                .map(|_| s.spawn(|| partition(&g, 5, None).unwrap()))
                .collect();
            for h in handles {
                assert_eq!(h.join().unwrap(), serial);
            }
        });
    }

    #[test]
    fn periodic_grid_partitions() {
        let g = DualGraph::from_pairs(64 * 32, grid_pairs(64, 32, true, true)).unwrap();
        let parts = partition(&g, 4, None).unwrap();
        assert_all_parts_used(&parts, 4);
        assert!(report(&g, &parts, None).unwrap().imbalance <= 1.05);
    }

    #[test]
    fn vertex_weights_are_respected() {
        let (nx, ny) = (100, 100);
        let g = grid(nx, ny);
        // Left half of the grid costs 3 per cell, right half 1.
        let w: Vec<i64> = (0..nx * ny)
            .map(|c| if c % nx < nx / 2 { 3 } else { 1 })
            .collect();
        let unweighted = partition(&g, 2, None).unwrap();
        let weighted = partition(&g, 2, Some(&w)).unwrap();
        assert_all_parts_used(&weighted, 2);
        let r = report(&g, &weighted, Some(&w)).unwrap();
        let r_unweighted = report(&g, &unweighted, Some(&w)).unwrap();
        println!(
            "100x100 2-way, half weight 3: weighted imbalance {:.4} (edge cut {}, sizes {:?}); \
             unweighted partition gives weighted imbalance {:.4}",
            r.imbalance, r.edge_cut, r.part_sizes, r_unweighted.imbalance
        );
        assert!(r.imbalance <= 1.1, "weighted imbalance {}", r.imbalance);
        // The cell counts must be unequal for the weights to balance.
        assert!(
            r.part_sizes[0].abs_diff(r.part_sizes[1]) > 1000,
            "sizes {:?}",
            r.part_sizes
        );
        assert_eq!(partition(&g, 2, Some(&w)).unwrap(), weighted);
    }

    #[test]
    fn one_part_is_all_zeros() {
        let g = grid(7, 3);
        assert_eq!(partition(&g, 1, None).unwrap(), vec![0; 21]);
    }

    #[test]
    fn as_many_parts_as_vertices() {
        let g = grid(4, 4);
        let parts = partition(&g, 16, None).unwrap();
        assert_all_parts_used(&parts, 16);
        let g = grid(3, 1);
        let parts = partition(&g, 3, None).unwrap();
        assert_all_parts_used(&parts, 3);
    }

    #[test]
    fn edgeless_graph_falls_back_to_blocks() {
        let g = DualGraph::from_pairs(10, []).unwrap();
        assert_eq!(
            partition(&g, 3, None).unwrap(),
            vec![0, 0, 0, 0, 1, 1, 1, 2, 2, 2]
        );
        assert_eq!(
            partition(&g, 10, None).unwrap(),
            (0..10).collect::<Vec<i32>>()
        );
        // Weighted: the heavy first vertex fills part 0 on its own.
        let w = [9, 1, 1, 1, 1, 1, 1, 1, 1, 1];
        assert_eq!(
            partition(&g, 2, Some(&w)).unwrap(),
            vec![0, 1, 1, 1, 1, 1, 1, 1, 1, 1]
        );
        // Weight at the end: the last parts still each get a vertex.
        let w = [1, 1, 1, 1, 1, 1, 1, 1, 1, 100];
        assert_eq!(
            partition(&g, 3, Some(&w)).unwrap(),
            vec![0, 0, 0, 0, 0, 0, 0, 0, 1, 2]
        );
    }

    #[test]
    fn empty_parts_are_filled_deterministically() {
        let mut parts = vec![0, 0, 0, 2, 2, 0];
        fill_empty_parts(&mut parts, 4);
        assert_eq!(parts, vec![0, 0, 3, 2, 2, 1]);
    }

    #[test]
    fn bad_inputs_are_errors() {
        let g = grid(3, 3);
        assert_eq!(partition(&g, 0, None), Err(PartitionError::ZeroParts));
        assert_eq!(
            partition(&g, 10, None),
            Err(PartitionError::TooManyParts {
                n_parts: 10,
                n_vertices: 9
            })
        );
        assert_eq!(
            partition(&g, 2, Some(&[1; 8])),
            Err(PartitionError::WeightsLength {
                expected: 9,
                got: 8
            })
        );
        let mut w = [1i64; 9];
        w[4] = 0;
        assert_eq!(
            partition(&g, 2, Some(&w)),
            Err(PartitionError::NonPositiveWeight {
                vertex: 4,
                weight: 0
            })
        );
        w[4] = -3;
        assert_eq!(
            partition(&g, 1, Some(&w)),
            Err(PartitionError::NonPositiveWeight {
                vertex: 4,
                weight: -3
            })
        );
        w[4] = i64::from(i32::MAX);
        assert!(matches!(
            partition(&g, 2, Some(&w)),
            Err(PartitionError::TooLargeForMetis { .. })
        ));
        let empty = DualGraph::from_pairs(0, []).unwrap();
        assert!(matches!(
            partition(&empty, 1, None),
            Err(PartitionError::TooManyParts { .. })
        ));
    }

    #[test]
    fn time_1000x1000_64_way() {
        let t0 = Instant::now();
        let g = grid(1000, 1000);
        let t_graph = t0.elapsed();
        let t1 = Instant::now();
        let parts = partition(&g, 64, None).unwrap();
        let t_part = t1.elapsed();
        assert_all_parts_used(&parts, 64);
        let r = report(&g, &parts, None).unwrap();
        println!(
            "1000x1000 64-way: dual graph {:.3} s, METIS k-way {:.3} s, edge cut {}, imbalance {:.4}",
            t_graph.as_secs_f64(),
            t_part.as_secs_f64(),
            r.edge_cut,
            r.imbalance
        );
    }
}
