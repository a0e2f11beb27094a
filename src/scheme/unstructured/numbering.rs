//! The local numbering of one rank's part of a triangle mesh: its owned main cells (in the order of their
//! global ids) followed by the halo main cells it reads, each holding a fixed number of units (solver
//! cells: 1 for the second-order scheme, the 4 subcells for SCFV) in consecutive local slots.

use crate::mesh::{Across, TriMesh};
use crate::physics::State;

/// Local numbering of owned-then-halo main cells and of their units.
#[derive(Debug, Clone)]
pub struct Numbering {
    /// Number of owned main cells (the first local ones).
    n_own: usize,
    /// Global id of every local main cell: owned, then halo (each increasing).
    global: Vec<usize>,
    /// Units per main cell.
    units: usize,
    /// Local positions of the owned units (`0..units·n_own`).
    owned_slots: Vec<usize>,
}

impl Numbering {
    /// The numbering of the `owned` main cells (global ids, increasing) and the `halo` ones (increasing),
    /// with `units` units per main cell.
    pub fn new(owned: &[usize], halo: &[usize], units: usize) -> Self {
        let n_own = owned.len();
        Numbering {
            n_own,
            global: owned.iter().chain(halo).copied().collect(),
            units,
            owned_slots: (0..units * n_own).collect(),
        }
    }

    /// Number of owned main cells.
    #[inline]
    pub fn n_own(&self) -> usize {
        self.n_own
    }

    /// Number of local (owned and halo) main cells.
    #[inline]
    pub fn n_local(&self) -> usize {
        self.global.len()
    }

    /// Units per main cell.
    #[inline]
    pub fn units(&self) -> usize {
        self.units
    }

    /// Global ids of all local main cells (owned, then halo).
    #[inline]
    pub fn global(&self) -> &[usize] {
        &self.global
    }

    /// Global ids of the owned main cells.
    #[inline]
    pub fn owned(&self) -> &[usize] {
        &self.global[..self.n_own]
    }

    /// Local index of global main cell `g`, if this rank owns it or reads it as halo.
    pub fn local_of(&self, g: usize) -> Option<usize> {
        let (own, halo) = self.global.split_at(self.n_own);
        own.binary_search(&g)
            .ok()
            .or_else(|| halo.binary_search(&g).ok().map(|h| self.n_own + h))
    }

    /// [`Numbering::local_of`], or the error that `g` is neither owned nor in the halo.
    pub fn local(&self, g: usize) -> Result<usize, String> {
        self.local_of(g)
            .ok_or_else(|| format!("main cell {g} is neither owned nor in the halo"))
    }

    /// Global unit id (`units·main + s`) of local unit `k`.
    #[inline]
    pub fn unit_global(&self, k: usize) -> usize {
        self.units * self.global[k / self.units] + k % self.units
    }

    /// A local state array over every local unit (owned, then halo).
    pub fn new_state(&self) -> Vec<State> {
        vec![[1.0, 0.0, 0.0, 2.5]; self.units * self.global.len()]
    }

    /// Local positions of the owned units, in the order of their global ids (the identity).
    pub fn owned_slots(&self) -> &[usize] {
        &self.owned_slots
    }

    /// Local position of halo unit `h` (`units·halo cell + s`).
    #[inline]
    pub fn halo_slot(&self, h: usize) -> usize {
        self.units * self.n_own + h
    }

    /// Per local main cell: owned with every face neighbour owned too, so that what reads only it and its
    /// neighbours can run before the halo exchange (the interior phase).
    pub fn inner_cells(&self, mesh: &TriMesh) -> Vec<bool> {
        (0..self.global.len())
            .map(|l| {
                l < self.n_own
                    && mesh.across[self.global[l]].iter().all(|a| match *a {
                        Across::Cell { cell, .. } => {
                            self.local_of(cell).is_some_and(|m| m < self.n_own)
                        }
                        Across::Boundary(_) => true,
                    })
            })
            .collect()
    }
}
