//! The part of a mesh that one rank updates: its owned cells (from the partition) and the halo cells that
//! the stencils of its owned cells read. Knows nothing of MPI: the halo plan (who sends what) is built from
//! this in `parallel::halo`.

use rayon::prelude::*;

/// Owned and halo cells of one rank, as global cell ids.
#[derive(Debug, Clone)]
pub struct LocalDomain {
    /// This rank.
    pub rank: usize,
    /// Number of ranks (parts).
    pub n_ranks: usize,
    /// Owner rank of every cell of the mesh.
    pub parts: Vec<i32>,
    /// Cells this rank owns, increasing.
    pub owned: Vec<usize>,
    /// Cells owned by other ranks that the stencils of owned cells read, increasing.
    pub halo: Vec<usize>,
}

impl LocalDomain {
    /// The domain of `rank` for a partition `parts` (owner of every cell) and a stencil (the cells the update
    /// of a cell reads). The halo holds exactly what the stencils reach, however many layers that is.
    pub fn new(
        parts: Vec<i32>,
        rank: usize,
        n_ranks: usize,
        stencil: impl Fn(usize) -> Vec<usize> + Sync,
    ) -> Self {
        let owned: Vec<usize> = (0..parts.len())
            .filter(|&c| parts[c] as usize == rank)
            .collect();
        let mut halo: Vec<usize> = owned
            .par_iter()
            .flat_map_iter(|&c| stencil(c))
            .filter(|&s| parts[s] as usize != rank)
            .collect();
        halo.par_sort_unstable();
        halo.dedup();
        LocalDomain {
            rank,
            n_ranks,
            parts,
            owned,
            halo,
        }
    }

    /// Owner rank of global cell `c`.
    pub fn owner(&self, c: usize) -> usize {
        self.parts[c] as usize
    }

    /// Index of global cell `c` in `owned`, if owned here.
    pub fn owned_index(&self, c: usize) -> Option<usize> {
        self.owned.binary_search(&c).ok()
    }

    /// Number of cells of the whole mesh.
    pub fn n_cells(&self) -> usize {
        self.parts.len()
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
        let d = LocalDomain::new(parts, 1, 2, ring);
        assert_eq!(d.halo, vec![0, 1, 3, 4]);
        assert_eq!(d.owned_index(7), Some(2));
        assert_eq!(d.owned_index(2), None);
    }
}
