//! The solver cells of a run: the mesh elements, or the parts a scheme splits each element into (the four
//! subcells of SCFV-GKS). The time loop, the partition, the halo exchange, restarts and error norms count
//! solver cells; the output writes one value per element. Solver cell `k·e + s` is part `s` of element `e`
//! (`k` parts per element), so the parts of an element are always owned together.

use std::sync::Arc;

use crate::initial::InitialCondition;
use crate::mesh::Grid;
use crate::physics::State;

/// A triangle given by its three vertices.
pub type Triangle = [[f64; 2]; 3];

/// How a scheme splits each triangle into solver cells.
pub trait Split: Send + Sync + std::fmt::Debug {
    /// Parts per element.
    fn parts(&self) -> usize;

    /// The triangle of part `s` of the element `tri`.
    fn part(&self, tri: &Triangle, s: usize) -> Triangle;

    /// The part that holds the point of barycentric coordinates `l` (the first one, on shared edges).
    fn part_at(&self, l: [f64; 3]) -> usize;

    /// The measure of part `s` of an element of area `area`.
    fn measure(&self, area: f64, s: usize) -> f64;

    /// What a part is called in messages (`subcell`).
    fn name(&self) -> &'static str;
}

/// The mesh seen as the cells of the solver.
#[derive(Debug, Clone)]
pub struct Cells {
    grid: Grid,
    split: Option<Arc<dyn Split>>,
}

impl Cells {
    /// The elements of `grid`, each split by `split` if given (triangle meshes only).
    pub fn new(grid: Grid, split: Option<Arc<dyn Split>>) -> Result<Self, String> {
        if split.is_some() && grid.triangles().is_none() {
            return Err("this scheme splits triangles: it needs a triangle mesh".into());
        }
        Ok(Cells { grid, split })
    }

    /// The mesh.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// Solver cells per element (1 without a split).
    pub fn units_per_cell(&self) -> usize {
        self.split.as_ref().map_or(1, |s| s.parts())
    }

    /// Number of solver cells.
    pub fn n_cells(&self) -> usize {
        self.units_per_cell() * self.grid.n_cells()
    }

    /// Number of elements (output cells).
    pub fn n_output_cells(&self) -> usize {
        self.grid.n_cells()
    }

    /// The solver cell that contains point `x` (the first one found, on shared edges), if any.
    pub fn find(&self, x: [f64; 2]) -> Option<usize> {
        match &self.split {
            None => self.grid.find(x),
            Some(s) => {
                let (e, l) = self.grid.find_barycentric(x)?;
                Some(s.parts() * e + s.part_at(l))
            }
        }
    }

    /// The measure of solver cell `c` in integrals and norms.
    pub fn measure(&self, c: usize) -> f64 {
        match &self.split {
            None => self.grid.measure(c),
            Some(s) => {
                let k = s.parts();
                s.measure(self.grid.measure(c / k), c % k)
            }
        }
    }

    /// The elements of the given solver cells (whole elements, increasing), one entry per element.
    pub fn elements_of(&self, cells: &[usize]) -> Vec<usize> {
        let k = self.units_per_cell();
        cells.iter().step_by(k).map(|&u| u / k).collect()
    }

    /// The solver cells of the given elements, in order.
    fn expand(&self, elements: Vec<usize>) -> Vec<usize> {
        let k = self.units_per_cell();
        if k == 1 {
            return elements;
        }
        elements
            .into_iter()
            .flat_map(|e| (0..k).map(move |s| k * e + s))
            .collect()
    }

    /// Solver cells the update of cell `c` reads (see [`Grid::stencil`]).
    pub fn stencil(
        &self,
        c: usize,
        reach: (usize, usize),
        hops: usize,
        periodic: [bool; 2],
    ) -> Vec<usize> {
        let k = self.units_per_cell();
        self.expand(self.grid.stencil(c / k, reach, hops, periodic))
    }

    /// Solver cells within `r` steps of the given ones (the neighbourhood of a step retry).
    pub fn neighbourhood(&self, cells: &[usize], r: usize, periodic: [bool; 2]) -> Vec<usize> {
        let k = self.units_per_cell();
        let elements: Vec<usize> = cells.iter().map(|&c| c / k).collect();
        self.expand(self.grid.neighbourhood(&elements, r, periodic))
    }

    /// Where solver cell `c` is, for messages.
    pub fn locate(&self, c: usize) -> String {
        match &self.split {
            None => self.grid.locate(c),
            Some(s) => {
                let k = s.parts();
                format!("{} {} of the {}", s.name(), c % k, self.grid.locate(c / k))
            }
        }
    }

    /// The average of the initial condition (or exact solution) over solver cell `c` at time `t`.
    pub fn cell_average(&self, ic: &InitialCondition, c: usize, t: f64) -> State {
        match (&self.grid, &self.split) {
            (Grid::Structured(m), _) => ic.cell_average(m, c % m.nx, c / m.nx, t),
            (Grid::Triangles(m), None) => ic.triangle_average(m.cells[c].map(|v| m.vertices[v]), t),
            (Grid::Triangles(m), Some(s)) => {
                let k = s.parts();
                let tri = m.cells[c / k].map(|v| m.vertices[v]);
                ic.triangle_average(s.part(&tri, c % k), t)
            }
        }
    }
}
