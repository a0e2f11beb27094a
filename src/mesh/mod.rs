//! Meshes in global cell order, with the geometry and the cell stencils that the schemes read.
//!
//! A mesh knows its cells, vertices and, for each cell, the cells that its update reads (its stencil). The
//! distributed machinery builds halos from those stencils alone, so it never needs to know which scheme runs.

pub mod gmsh;
pub mod grid;
pub mod tri;

pub use grid::Grid;

pub use tri::{Across, Diagonal, TriMesh, TriMeshError};

/// Index `k` wrapped into `0..n` when `periodic`, else `None` outside `0..n`.
pub fn wrap_index(k: i64, n: usize, periodic: bool) -> Option<i64> {
    let n = n as i64;
    if periodic {
        Some(k.rem_euclid(n))
    } else {
        (0..n).contains(&k).then_some(k)
    }
}

/// A rectangle of `nx × ny` equal quadrilaterals. Cell `(i, j)` has global id `i + nx·j`.
#[derive(Debug, Clone, PartialEq)]
pub struct StructuredMesh {
    /// Cells in x.
    pub nx: usize,
    /// Cells in y (1 for a one-dimensional strip).
    pub ny: usize,
    /// Lower-left corner.
    pub origin: [f64; 2],
    /// Cell size `[Δx, Δy]`.
    pub spacing: [f64; 2],
}

impl StructuredMesh {
    /// `nx × ny` equal cells on the rectangle `x[0]..x[1] × y[0]..y[1]`.
    pub fn rectangle(nx: usize, ny: usize, x: [f64; 2], y: [f64; 2]) -> Self {
        StructuredMesh {
            nx,
            ny,
            origin: [x[0], y[0]],
            spacing: [(x[1] - x[0]) / nx as f64, (y[1] - y[0]) / ny as f64],
        }
    }

    /// Number of cells.
    pub fn n_cells(&self) -> usize {
        self.nx * self.ny
    }

    /// True for a one-dimensional strip (one cell in y, homogeneous in y).
    pub fn is_strip(&self) -> bool {
        self.ny == 1
    }

    /// Area of every cell.
    pub fn cell_area(&self) -> f64 {
        self.spacing[0] * self.spacing[1]
    }

    /// The measure used for integrals and error norms: the cell length Δx for a strip (a 1D problem, per unit
    /// height), the area otherwise.
    pub fn cell_measure(&self) -> f64 {
        if self.is_strip() {
            self.spacing[0]
        } else {
            self.cell_area()
        }
    }

    /// Centre of cell `(i, j)`.
    pub fn center(&self, i: usize, j: usize) -> [f64; 2] {
        [
            self.origin[0] + (i as f64 + 0.5) * self.spacing[0],
            self.origin[1] + (j as f64 + 0.5) * self.spacing[1],
        ]
    }

    /// Vertices, `(nx + 1)(ny + 1)` of them, row by row.
    pub fn vertices(&self) -> Vec<[f64; 2]> {
        (0..(self.nx + 1) * (self.ny + 1))
            .map(|k| self.vertex(k))
            .collect()
    }

    /// Vertex `k` of [`Self::vertices`]: `k = j (nx + 1) + i`.
    pub fn vertex(&self, k: usize) -> [f64; 2] {
        let (i, j) = (k % (self.nx + 1), k / (self.nx + 1));
        [
            self.origin[0] + i as f64 * self.spacing[0],
            self.origin[1] + j as f64 * self.spacing[1],
        ]
    }

    /// Cell-to-vertex connectivity, four counter-clockwise vertex ids per cell, flat.
    pub fn cells(&self) -> Vec<i64> {
        let w = (self.nx + 1) as i64;
        let mut c = Vec::with_capacity(4 * self.n_cells());
        for j in 0..self.ny as i64 {
            for i in 0..self.nx as i64 {
                let v0 = i + w * j;
                c.extend_from_slice(&[v0, v0 + 1, v0 + 1 + w, v0 + w]);
            }
        }
        c
    }

    /// Offsets `(di, dj)` of the cells that the update of a cell reads, for a scheme whose faces reconstruct
    /// from `normal` cells on each side along the face normal and `tangential` rows of neighbours along the
    /// face (WENO5-GKS: 3 and 2): the union of an x-box (normal reach in x) and a y-box. A strip reads along
    /// x only. Sorted, without duplicates; symmetric under `(di, dj) → (−di, −dj)`.
    pub fn stencil_offsets(&self, normal: usize, tangential: usize) -> Vec<(i64, i64)> {
        let (n, t) = (normal as i64, tangential as i64);
        let mut out = Vec::new();
        if self.is_strip() {
            out.extend((-n..=n).map(|di| (di, 0)));
            return out;
        }
        for dj in -t..=t {
            for di in -n..=n {
                out.push((di, dj));
            }
        }
        for dj in -n..=n {
            for di in -t..=t {
                out.push((di, dj));
            }
        }
        out.sort_unstable_by_key(|&(di, dj)| (dj, di));
        out.dedup();
        out
    }

    /// The global ids of the cells that the update of cell `c` reads (see [`StructuredMesh::stencil_offsets`]).
    /// Periodic wrap-around is applied where `periodic` says; cells outside a non-periodic boundary are
    /// omitted (boundary conditions supply them). Sorted, without duplicates.
    pub fn stencil(
        &self,
        c: usize,
        normal: usize,
        tangential: usize,
        periodic: [bool; 2],
    ) -> Vec<usize> {
        let (i, j) = ((c % self.nx) as i64, (c / self.nx) as i64);
        let mut out: Vec<usize> = self
            .stencil_offsets(normal, tangential)
            .into_iter()
            .filter_map(|(di, dj)| {
                let a = wrap_index(i + di, self.nx, periodic[0])?;
                let b = wrap_index(j + dj, self.ny, periodic[1] || self.is_strip())?;
                Some((a + b * self.nx as i64) as usize)
            })
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    /// Face-neighbour pairs `(c, d)` of the cells, `c < d` not guaranteed; periodic pairs only where `periodic`
    /// says (used to build the dual graph for partitioning).
    pub fn face_pairs(&self, periodic: [bool; 2]) -> Vec<(usize, usize)> {
        let (nx, ny) = (self.nx, self.ny);
        let mut out = Vec::with_capacity(2 * nx * ny);
        for j in 0..ny {
            for i in 0..nx {
                let c = i + nx * j;
                if i + 1 < nx {
                    out.push((c, c + 1));
                } else if periodic[0] && nx > 2 {
                    out.push((c, nx * j));
                }
                if ny > 1 {
                    if j + 1 < ny {
                        out.push((c, c + nx));
                    } else if periodic[1] && ny > 2 {
                        out.push((c, i));
                    }
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mesh(nx: usize, ny: usize) -> StructuredMesh {
        StructuredMesh {
            nx,
            ny,
            origin: [0.0, 0.0],
            spacing: [1.0 / nx as f64, 1.0 / ny as f64],
        }
    }

    #[test]
    fn cells_are_counter_clockwise() {
        let m = mesh(3, 2);
        let v = m.vertices();
        let c = m.cells();
        for q in c.chunks(4) {
            let p: Vec<[f64; 2]> = q.iter().map(|&k| v[k as usize]).collect();
            let mut area = 0.0;
            for k in 0..4 {
                let (a, b) = (p[k], p[(k + 1) % 4]);
                area += a[0] * b[1] - a[1] * b[0];
            }
            assert!((0.5 * area - m.cell_area()).abs() < 1e-14);
        }
    }

    #[test]
    fn vertex_blocks_are_slices_of_the_vertices() {
        let m = mesh(5, 3);
        let all = m.vertices();
        assert_eq!(all.len(), 24);
        assert_eq!(all[8], [2.0 / 5.0, 1.0 / 3.0]);
        let g = grid::Grid::Structured(m);
        assert_eq!(g.n_vertices(), 24);
        for (a, b) in [(0, 24), (0, 0), (3, 11), (11, 24), (23, 24)] {
            assert_eq!(g.vertices_in(a..b), all[a..b].to_vec());
        }
    }

    #[test]
    fn stencil_shape() {
        let m = mesh(10, 10);
        // Interior: a 7×5 and a 5×7 block overlaid = 7·5 + 5·7 − 5·5 = 45 cells.
        assert_eq!(m.stencil(55, 3, 2, [false, false]).len(), 45);
        // Corner without periodicity loses the cells outside.
        assert_eq!(
            m.stencil(0, 3, 2, [false, false]).len(),
            4 * 3 + 3 * 4 - 3 * 3
        );
        // Periodic: same count everywhere.
        assert_eq!(m.stencil(0, 3, 2, [true, true]).len(), 45);
        // Strip: 7 cells.
        assert_eq!(mesh(10, 1).stencil(5, 3, 2, [false, false]).len(), 7);
    }
}
