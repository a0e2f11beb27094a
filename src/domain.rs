//! The part of a mesh that one rank updates: its owned cells (from the partition) and the halo cells that
//! the stencils of its owned cells read. Knows nothing of MPI: the halo plan (who sends what) is built from
//! this in `parallel::halo`.

use rayon::prelude::*;

/// Who owns each cell of the mesh: a table with one entry per cell (METIS or a stored partitioning), or
/// the block layout of a generated mesh, which answers by formula and holds nothing per cell.
#[derive(Debug, Clone)]
pub enum Owners {
    /// The owner rank of every cell.
    Table(Vec<i32>),
    /// Blocks of a generated mesh: `layout` splits its `nx × ny` squares; each square holds `per_square`
    /// consecutive cells (1 for quadrilaterals, 2 triangles, 8 SCFV subcells of two triangles).
    Blocks {
        /// The split of the squares.
        layout: gasket_partition::BlockLayout,
        /// Consecutive cells per square.
        per_square: usize,
    },
}

impl Owners {
    /// Owner rank of cell `c`.
    #[inline]
    pub fn owner(&self, c: usize) -> usize {
        match self {
            Owners::Table(parts) => parts[c] as usize,
            Owners::Blocks { layout, per_square } => layout.part_of_index(c / per_square),
        }
    }

    /// The cells `rank` owns, increasing. Blocks list their cells without visiting the others' (the
    /// set-up of a rank does not grow with the mesh); a table is scanned.
    pub fn owned_by(&self, rank: usize) -> Vec<usize> {
        match self {
            Owners::Table(parts) => (0..parts.len())
                .into_par_iter()
                .filter(|&c| parts[c] as usize == rank)
                .collect(),
            Owners::Blocks { layout, per_square } => {
                let (ci, cj) = layout.block(rank);
                let k = *per_square;
                cj.flat_map(|j| ci.clone().map(move |i| j * layout.nx + i))
                    .flat_map(|sq| (0..k).map(move |s| sq * k + s))
                    .collect()
            }
        }
    }

    /// Number of cells of the mesh.
    pub fn n_cells(&self) -> usize {
        match self {
            Owners::Table(parts) => parts.len(),
            Owners::Blocks { layout, per_square } => layout.nx * layout.ny * per_square,
        }
    }
}

impl From<Vec<i32>> for Owners {
    fn from(parts: Vec<i32>) -> Self {
        Owners::Table(parts)
    }
}

/// Owned and halo cells of one rank, as global cell ids. It keeps nothing per cell of the whole mesh: the
/// owners it is built from are dropped once the owned cells and the halo's owners are known.
#[derive(Debug, Clone)]
pub struct LocalDomain {
    /// This rank.
    pub rank: usize,
    /// Number of ranks (parts).
    pub n_ranks: usize,
    /// Number of cells of the whole mesh.
    pub n_cells: usize,
    /// Cells this rank owns, increasing.
    pub owned: Vec<usize>,
    /// Cells owned by other ranks that the stencils of owned cells read, increasing.
    pub halo: Vec<usize>,
    /// The owner rank of each halo cell.
    pub halo_owner: Vec<usize>,
}

impl LocalDomain {
    /// The domain of `rank` for the owners of the cells and a stencil (the cells the update of a cell
    /// reads). The halo holds exactly what the stencils reach, however many layers that is.
    pub fn new(
        owners: impl Into<Owners>,
        rank: usize,
        n_ranks: usize,
        stencil: impl Fn(usize) -> Vec<usize> + Sync,
    ) -> Self {
        let owners = owners.into();
        let owned = owners.owned_by(rank);
        let mut halo: Vec<usize> = owned
            .par_iter()
            .flat_map_iter(|&c| stencil(c))
            .filter(|&s| owners.owner(s) != rank)
            .collect();
        halo.par_sort_unstable();
        halo.dedup();
        let halo_owner = halo.iter().map(|&c| owners.owner(c)).collect();
        LocalDomain {
            rank,
            n_ranks,
            n_cells: owners.n_cells(),
            owned,
            halo,
            halo_owner,
        }
    }

    /// Index of global cell `c` in `owned`, if owned here.
    pub fn owned_index(&self, c: usize) -> Option<usize> {
        self.owned.binary_search(&c).ok()
    }

    /// Number of cells of the whole mesh.
    pub fn n_cells(&self) -> usize {
        self.n_cells
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A ring of 10 cells, each reading its two neighbours on each side.
    fn ring(c: usize) -> Vec<usize> {
        (-2i64..=2)
            .map(|d| (c as i64 + d).rem_euclid(10) as usize)
            .collect()
    }

    #[test]
    fn halo_is_what_the_stencils_reach() {
        let parts: Vec<i32> = (0..10).map(|c| if c < 5 { 0 } else { 1 }).collect();
        let d = LocalDomain::new(parts.clone(), 0, 2, ring);
        assert_eq!(d.owned, vec![0, 1, 2, 3, 4]);
        assert_eq!(d.halo, vec![5, 6, 8, 9]);
        assert_eq!(d.halo_owner, vec![1; 4]);
        let d = LocalDomain::new(parts, 1, 2, ring);
        assert_eq!(d.halo, vec![0, 1, 3, 4]);
        assert_eq!(d.halo_owner, vec![0; 4]);
        assert_eq!(d.owned_index(7), Some(2));
        assert_eq!(d.owned_index(2), None);
    }

    /// Block owners answer like the table of the same blocks, with subcells of two triangles per square.
    #[test]
    fn block_owners_match_their_table() {
        let layout = gasket_partition::BlockLayout::new(9, 7, 6).unwrap();
        let table: Vec<i32> = gasket_partition::blocks(9, 7, 6)
            .unwrap()
            .into_iter()
            .flat_map(|p| std::iter::repeat(p).take(8))
            .collect();
        let blocks = Owners::Blocks {
            layout,
            per_square: 8,
        };
        assert_eq!(blocks.n_cells(), table.len());
        for (c, &p) in table.iter().enumerate() {
            assert_eq!(blocks.owner(c), p as usize);
        }
        let table = Owners::Table(table);
        for rank in 0..6 {
            assert_eq!(blocks.owned_by(rank), table.owned_by(rank), "rank {rank}");
        }
    }
}
