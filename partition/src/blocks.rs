//! Block partitions of a structured `nx × ny` grid, computed from the grid size and the number of parts
//! alone (no graph, no METIS): what every rank can work out for itself.

use crate::PartitionError;

/// The `px × py` layout of [`blocks`] for an `nx × ny` grid and `n_parts` parts: of the factorisations
/// `px · py = n_parts` with `px ≤ nx` and `py ≤ ny`, the one with the fewest interior faces between parts,
/// `(px − 1) ny + (py − 1) nx` (the first in increasing `px` on ties). `None` if there is none.
pub fn block_layout(nx: usize, ny: usize, n_parts: usize) -> Option<(usize, usize)> {
    (1..=n_parts)
        .filter(|px| n_parts % px == 0)
        .map(|px| (px, n_parts / px))
        .filter(|&(px, py)| px <= nx && py <= ny)
        .min_by_key(|&(px, py)| (px - 1) * ny + (py - 1) * nx)
}

/// The part of every cell of an `nx × ny` grid (cell `(i, j)` at index `j·nx + i`) split into the
/// `px × py` rectangular blocks of [`block_layout`]: block column `⌊i·px/nx⌋`, row `⌊j·py/ny⌋`, part
/// `row·px + column`. Block widths differ by at most one cell in each direction, so the part sizes differ
/// by at most `nx/px + ny/py + 1` cells. Errors if no layout fits (more parts than the grid can split into
/// rectangles: a prime number of parts larger than both `nx` and `ny`, for instance).
pub fn blocks(nx: usize, ny: usize, n_parts: usize) -> Result<Vec<i32>, PartitionError> {
    if n_parts == 0 {
        return Err(PartitionError::ZeroParts);
    }
    let (px, py) =
        block_layout(nx, ny, n_parts).ok_or(PartitionError::NoBlockLayout { nx, ny, n_parts })?;
    let too_large = || PartitionError::TooLargeForMetis {
        what: "the number of parts",
    };
    i32::try_from(n_parts).map_err(|_| too_large())?;
    let mut parts = Vec::with_capacity(nx * ny);
    for j in 0..ny {
        let row = j * py / ny;
        for i in 0..nx {
            parts.push((row * px + i * px / nx) as i32);
        }
    }
    Ok(parts)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{grid_pairs, report, DualGraph};

    #[test]
    fn the_layout_has_the_fewest_interior_faces() {
        assert_eq!(block_layout(320, 320, 4), Some((2, 2)));
        assert_eq!(block_layout(320, 320, 2), Some((1, 2)));
        assert_eq!(block_layout(1000, 10, 4), Some((4, 1)));
        assert_eq!(block_layout(10, 1000, 6), Some((1, 6)));
        assert_eq!(block_layout(300, 100, 12), Some((6, 2)));
        assert_eq!(block_layout(4, 4, 7), None);
        assert_eq!(block_layout(8, 1, 3), Some((3, 1)));
    }

    /// Every part is one rectangle, sizes as even as the grid allows, and the edge cut is that of the
    /// layout.
    #[test]
    fn blocks_are_balanced_rectangles_with_the_predicted_cut() {
        for &(nx, ny, n) in &[
            (320, 320, 4),
            (100, 37, 6),
            (17, 5, 5),
            (50, 50, 9),
            (7, 3, 1),
        ] {
            let parts = blocks(nx, ny, n).unwrap();
            let (px, py) = block_layout(nx, ny, n).unwrap();
            let g = DualGraph::from_pairs(nx * ny, grid_pairs(nx, ny, false, false)).unwrap();
            let r = report(&g, &parts, None).unwrap();
            assert_eq!(r.part_sizes.len(), n);
            assert_eq!(r.edge_cut, (px - 1) * ny + (py - 1) * nx, "{nx}x{ny}/{n}");
            let (lo, hi) = (nx / px * (ny / py), nx.div_ceil(px) * ny.div_ceil(py));
            assert!(
                r.part_sizes.iter().all(|&s| (lo..=hi).contains(&s)),
                "{r:?}"
            );
            // One rectangle each: the bounding box of a part holds exactly its cells.
            for p in 0..n as i32 {
                let cells: Vec<(usize, usize)> = (0..nx * ny)
                    .filter(|&c| parts[c] == p)
                    .map(|c| (c % nx, c / nx))
                    .collect();
                let (i0, i1) = (
                    cells.iter().map(|c| c.0).min(),
                    cells.iter().map(|c| c.0).max(),
                );
                let (j0, j1) = (
                    cells.iter().map(|c| c.1).min(),
                    cells.iter().map(|c| c.1).max(),
                );
                let area = (i1.unwrap() - i0.unwrap() + 1) * (j1.unwrap() - j0.unwrap() + 1);
                assert_eq!(
                    area,
                    cells.len(),
                    "part {p} of {nx}x{ny}/{n} is not a rectangle"
                );
            }
        }
    }

    #[test]
    fn impossible_layouts_are_errors() {
        assert_eq!(blocks(4, 4, 0), Err(PartitionError::ZeroParts));
        assert_eq!(
            blocks(4, 4, 7),
            Err(PartitionError::NoBlockLayout {
                nx: 4,
                ny: 4,
                n_parts: 7
            })
        );
        let e = blocks(4, 4, 7).unwrap_err().to_string();
        assert!(e.contains("4 x 4") && e.contains("7"), "{e}");
    }
}
