//! Block partitions of a structured `nx × ny` grid, computed from the grid size and the number of parts
//! alone (no graph, no METIS): what every rank can work out for itself, without any array over the mesh.

use crate::PartitionError;

/// A split of an `nx × ny` grid (cell `(i, j)` at index `j·nx + i`) into `px × py` rectangular blocks:
/// block column `⌊i·px/nx⌋`, row `⌊j·py/ny⌋`, part `row·px + column`. Block widths differ by at most one
/// cell in each direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BlockLayout {
    /// Cells in x.
    pub nx: usize,
    /// Cells in y.
    pub ny: usize,
    /// Blocks in x.
    pub px: usize,
    /// Blocks in y.
    pub py: usize,
}

impl BlockLayout {
    /// Of the factorisations `px · py = n_parts` with `px ≤ nx` and `py ≤ ny`, the one with the fewest
    /// interior faces between parts, `(px − 1) ny + (py − 1) nx` (the first in increasing `px` on ties).
    ///
    /// # Errors
    ///
    /// [`PartitionError::ZeroParts`], or [`PartitionError::NoBlockLayout`] if no factorisation fits (a
    /// prime number of parts larger than both `nx` and `ny`, for instance).
    pub fn new(nx: usize, ny: usize, n_parts: usize) -> Result<Self, PartitionError> {
        if n_parts == 0 {
            return Err(PartitionError::ZeroParts);
        }
        i32::try_from(n_parts).map_err(|_| PartitionError::TooLargeForMetis {
            what: "the number of parts",
        })?;
        (1..=n_parts)
            .filter(|px| n_parts % px == 0)
            .map(|px| (px, n_parts / px))
            .filter(|&(px, py)| px <= nx && py <= ny)
            .min_by_key(|&(px, py)| (px - 1) * ny + (py - 1) * nx)
            .map(|(px, py)| Self { nx, ny, px, py })
            .ok_or(PartitionError::NoBlockLayout { nx, ny, n_parts })
    }

    /// The part of cell `(i, j)`.
    #[inline]
    pub fn part_of(&self, i: usize, j: usize) -> usize {
        (j * self.py / self.ny) * self.px + i * self.px / self.nx
    }

    /// The cells `(i, j)` of `part`: the columns and the rows of its block (the cells that [`Self::part_of`]
    /// assigns to it, found without visiting the others).
    pub fn block(&self, part: usize) -> (std::ops::Range<usize>, std::ops::Range<usize>) {
        // Cell i is in block column b when floor(i·px/nx) = b, i.e. from ceil(b·nx/px) on.
        let first = |b: usize, n: usize, p: usize| (b * n).div_ceil(p);
        let (bi, bj) = (part % self.px, part / self.px);
        (
            first(bi, self.nx, self.px)..first(bi + 1, self.nx, self.px),
            first(bj, self.ny, self.py)..first(bj + 1, self.ny, self.py),
        )
    }

    /// The part of cell index `c = j·nx + i`.
    #[inline]
    pub fn part_of_index(&self, c: usize) -> usize {
        self.part_of(c % self.nx, c / self.nx)
    }

    /// Faces between cells of different parts; with `periodic[d]`, the faces across the periodic boundary
    /// in direction `d` are counted as well (they are cut when there is more than one block that way).
    pub fn edge_cut(&self, periodic: [bool; 2]) -> usize {
        let wrap = |p: usize, on: bool| usize::from(on && p > 1);
        (self.px - 1 + wrap(self.px, periodic[0])) * self.ny
            + (self.py - 1 + wrap(self.py, periodic[1])) * self.nx
    }

    /// The largest part's size over the mean part size (the widest column times the tallest row).
    pub fn imbalance(&self) -> f64 {
        let largest = self.nx.div_ceil(self.px) * self.ny.div_ceil(self.py);
        largest as f64 * (self.px * self.py) as f64 / (self.nx * self.ny) as f64
    }
}

/// The part of every cell of an `nx × ny` grid split by [`BlockLayout::new`].
///
/// # Errors
///
/// Those of [`BlockLayout::new`].
pub fn blocks(nx: usize, ny: usize, n_parts: usize) -> Result<Vec<i32>, PartitionError> {
    let l = BlockLayout::new(nx, ny, n_parts)?;
    Ok((0..nx * ny).map(|c| l.part_of_index(c) as i32).collect())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{grid_pairs, report, DualGraph};

    fn layout(nx: usize, ny: usize, n: usize) -> Option<(usize, usize)> {
        BlockLayout::new(nx, ny, n).ok().map(|l| (l.px, l.py))
    }

    #[test]
    fn blocks_hold_exactly_the_cells_of_their_part() {
        for (nx, ny, n) in [
            (7, 5, 1),
            (7, 5, 2),
            (10, 3, 3),
            (9, 9, 4),
            (13, 11, 6),
            (3, 40, 8),
        ] {
            let l = BlockLayout::new(nx, ny, n).unwrap();
            let mut count = 0;
            for part in 0..n {
                let (ci, cj) = l.block(part);
                for j in cj.clone() {
                    for i in ci.clone() {
                        assert_eq!(l.part_of(i, j), part, "{nx}x{ny}/{n}: ({i}, {j})");
                    }
                }
                count += ci.len() * cj.len();
            }
            assert_eq!(count, nx * ny, "{nx}x{ny}/{n}: every cell in one block");
        }
    }

    #[test]
    fn the_layout_has_the_fewest_interior_faces() {
        assert_eq!(layout(320, 320, 4), Some((2, 2)));
        assert_eq!(layout(320, 320, 2), Some((1, 2)));
        assert_eq!(layout(1000, 10, 4), Some((4, 1)));
        assert_eq!(layout(10, 1000, 6), Some((1, 6)));
        assert_eq!(layout(300, 100, 12), Some((6, 2)));
        assert_eq!(layout(4, 4, 7), None);
        assert_eq!(layout(8, 1, 3), Some((3, 1)));
    }

    /// Every part is one rectangle, sizes as even as the grid allows, and the edge cut and imbalance of the
    /// formulas are those the graph report measures, with and without periodic faces.
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
            let l = BlockLayout::new(nx, ny, n).unwrap();
            for periodic in [[false, false], [true, false], [false, true], [true, true]] {
                let pairs = grid_pairs(nx, ny, periodic[0], periodic[1]);
                let g = DualGraph::from_pairs(nx * ny, pairs).unwrap();
                let r = report(&g, &parts, None).unwrap();
                assert_eq!(r.part_sizes.len(), n);
                assert_eq!(
                    r.edge_cut,
                    l.edge_cut(periodic),
                    "{nx}x{ny}/{n} {periodic:?}"
                );
                assert!((r.imbalance - l.imbalance()).abs() < 1e-12, "{r:?}");
            }
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
