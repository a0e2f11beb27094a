//! Unstructured triangle meshes: cells, neighbours across each edge (cells, periodic images or named
//! boundary patches), geometry, the cell stencils halos are built from, and the built-in generators (a
//! rectangle of squares split into triangles, regular or with randomly moved interior nodes).

use std::collections::HashMap;

/// What lies across one edge of a cell.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Across {
    /// Another cell; `shift` is added to that cell's coordinates to place it next to this one (non-zero
    /// across a periodic boundary).
    Cell {
        /// Global id of the cell.
        cell: usize,
        /// Translation of the neighbour's coordinates.
        shift: [f64; 2],
    },
    /// A boundary patch (index into [`TriMesh::patches`]).
    Boundary(usize),
}

/// Errors found while building a triangle mesh.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum TriMeshError {
    /// A triangle with (near) zero area.
    #[error("triangle {cell} (vertices {vertices:?}) is degenerate: area {area:e}")]
    Degenerate {
        /// Cell id.
        cell: usize,
        /// Its vertex ids.
        vertices: [usize; 3],
        /// Signed area.
        area: f64,
    },
    /// A vertex id out of range.
    #[error("triangle {cell} refers to vertex {vertex}, but there are {n} vertices")]
    BadVertex {
        /// Cell id.
        cell: usize,
        /// The bad vertex id.
        vertex: usize,
        /// Number of vertices.
        n: usize,
    },
    /// An edge shared by more than two triangles.
    #[error("edge ({a}, {b}) is shared by more than two triangles (non-manifold mesh)")]
    NonManifold {
        /// First vertex.
        a: usize,
        /// Second vertex.
        b: usize,
    },
    /// Boundary edges without a boundary patch.
    #[error("{count} boundary edges have no boundary name, e.g. the edge from ({x0}, {y0}) to ({x1}, {y1})")]
    Unnamed {
        /// How many.
        count: usize,
        /// Start of the first one.
        x0: f64,
        /// Start of the first one.
        y0: f64,
        /// End of the first one.
        x1: f64,
        /// End of the first one.
        y1: f64,
    },
    /// A boundary edge named but not on the boundary.
    #[error("edge ({a}, {b}) of boundary {patch} is not a boundary edge of the mesh")]
    NotBoundary {
        /// First vertex.
        a: usize,
        /// Second vertex.
        b: usize,
        /// Patch name.
        patch: String,
    },
    /// Periodic patches whose edges do not match.
    #[error("periodic boundaries {a} and {b} do not match: {message}")]
    Periodic {
        /// One patch.
        a: String,
        /// The other.
        b: String,
        /// What does not match.
        message: String,
    },
    /// A mesh without cells.
    #[error("the mesh has no triangles")]
    Empty,
}

/// A triangle mesh in global cell order with its connectivity and geometry.
#[derive(Debug, Clone)]
pub struct TriMesh {
    /// Vertex coordinates.
    pub vertices: Vec<[f64; 2]>,
    /// Counter-clockwise vertex ids of each cell; edge `k` runs from vertex `k` to vertex `k + 1`.
    pub cells: Vec<[usize; 3]>,
    /// Cell centroids.
    pub centroid: Vec<[f64; 2]>,
    /// Cell areas.
    pub area: Vec<f64>,
    /// What lies across each edge of each cell.
    pub across: Vec<[Across; 3]>,
    /// Boundary patch names (the `Across::Boundary` indices).
    pub patches: Vec<String>,
    /// Vertices no cell uses (reported as a warning).
    pub unused_vertices: usize,
}

/// How each square of a generated rectangle is split.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Diagonal {
    /// Every square split by the diagonal from its lower-left to its upper-right corner.
    Right,
    /// From lower-right to upper-left.
    Left,
    /// Alternating like a chessboard.
    Alternate,
}

/// A deterministic pseudo-random generator (SplitMix64) for seeded mesh perturbations.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

fn signed_area(a: [f64; 2], b: [f64; 2], c: [f64; 2]) -> f64 {
    0.5 * ((b[0] - a[0]) * (c[1] - a[1]) - (c[0] - a[0]) * (b[1] - a[1]))
}

impl TriMesh {
    /// Builds a mesh from vertices, triangles (any orientation; made counter-clockwise), named boundary
    /// edges `(a, b, patch)` and periodic pairs of patches `(p, q, shift)` (an edge of `q` moved by `shift`
    /// lies on an edge of `p`). Every boundary edge must be named.
    pub fn new(
        vertices: Vec<[f64; 2]>,
        mut cells: Vec<[usize; 3]>,
        patches: Vec<String>,
        boundary: &[(usize, usize, usize)],
        periodic: &[(usize, usize, [f64; 2])],
    ) -> Result<Self, TriMeshError> {
        if cells.is_empty() {
            return Err(TriMeshError::Empty);
        }
        let nv = vertices.len();
        let mut scale = 0.0f64;
        for v in &vertices {
            scale = scale.max(v[0].abs()).max(v[1].abs());
        }
        let mut used = vec![false; nv];
        let mut area = Vec::with_capacity(cells.len());
        let mut centroid = Vec::with_capacity(cells.len());
        for (c, t) in cells.iter_mut().enumerate() {
            for &v in t.iter() {
                if v >= nv {
                    return Err(TriMeshError::BadVertex {
                        cell: c,
                        vertex: v,
                        n: nv,
                    });
                }
                used[v] = true;
            }
            let [a, b, d] = t.map(|v| vertices[v]);
            let mut s = signed_area(a, b, d);
            let len2 = |p: [f64; 2], q: [f64; 2]| (p[0] - q[0]).powi(2) + (p[1] - q[1]).powi(2);
            let longest = len2(a, b).max(len2(b, d)).max(len2(d, a));
            if s.abs() <= 1e-12 * longest.max(1e-300) || !s.is_finite() {
                return Err(TriMeshError::Degenerate {
                    cell: c,
                    vertices: *t,
                    area: s,
                });
            }
            if s < 0.0 {
                t.swap(1, 2);
                s = -s;
            }
            area.push(s);
            let [a, b, d] = t.map(|v| vertices[v]);
            centroid.push([(a[0] + b[0] + d[0]) / 3.0, (a[1] + b[1] + d[1]) / 3.0]);
        }
        // Edge → (cell, local edge) map.
        let key = |a: usize, b: usize| (a.min(b), a.max(b));
        let mut edges: HashMap<(usize, usize), Vec<(usize, usize)>> = HashMap::new();
        for (c, t) in cells.iter().enumerate() {
            for k in 0..3 {
                edges
                    .entry(key(t[k], t[(k + 1) % 3]))
                    .or_default()
                    .push((c, k));
            }
        }
        let none = Across::Boundary(usize::MAX);
        let mut across = vec![[none; 3]; cells.len()];
        for (&(a, b), users) in &edges {
            match users.as_slice() {
                [(c, k), (d, l)] => {
                    across[*c][*k] = Across::Cell {
                        cell: *d,
                        shift: [0.0; 2],
                    };
                    across[*d][*l] = Across::Cell {
                        cell: *c,
                        shift: [0.0; 2],
                    };
                }
                [_] => {}
                _ => return Err(TriMeshError::NonManifold { a, b }),
            }
        }
        for &(a, b, p) in boundary {
            match edges.get(&key(a, b)).map(Vec::as_slice) {
                Some([(c, k)]) => across[*c][*k] = Across::Boundary(p),
                _ => {
                    return Err(TriMeshError::NotBoundary {
                        a,
                        b,
                        patch: patches.get(p).cloned().unwrap_or_default(),
                    })
                }
            }
        }
        // Periodic pairs: match edge midpoints of q moved by the shift to those of p.
        for &(p, q, shift) in periodic {
            let name = |i: usize| patches.get(i).cloned().unwrap_or_default();
            let perr = |m: String| TriMeshError::Periodic {
                a: name(p),
                b: name(q),
                message: m,
            };
            let tol = 1e-9 * scale.max(1.0);
            let mid = |c: usize, k: usize| {
                let t = cells[c];
                let (a, b) = (vertices[t[k]], vertices[t[(k + 1) % 3]]);
                [0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1])]
            };
            let collect = |patch: usize| -> Vec<(usize, usize)> {
                let mut v = Vec::new();
                for (c, ac) in across.iter().enumerate() {
                    for (k, a) in ac.iter().enumerate() {
                        if *a == Across::Boundary(patch) {
                            v.push((c, k));
                        }
                    }
                }
                v
            };
            let ep = collect(p);
            let eq = collect(q);
            if ep.len() != eq.len() {
                return Err(perr(format!("{} edges against {}", ep.len(), eq.len())));
            }
            // Sort both by midpoint (after the shift) along the longer extent, then pair in order.
            let order = |v: &mut Vec<(usize, usize)>, s: [f64; 2]| {
                v.sort_by(|&(c, k), &(d, l)| {
                    let (m, n) = (mid(c, k), mid(d, l));
                    (m[0] + s[0], m[1] + s[1])
                        .partial_cmp(&(n[0] + s[0], n[1] + s[1]))
                        .unwrap_or(std::cmp::Ordering::Equal)
                });
            };
            let mut ep = ep;
            let mut eq = eq;
            order(&mut ep, [0.0; 2]);
            order(&mut eq, shift);
            for (&(c, k), &(d, l)) in ep.iter().zip(&eq) {
                let (m, n) = (mid(c, k), mid(d, l));
                if (m[0] - n[0] - shift[0]).abs() > tol || (m[1] - n[1] - shift[1]).abs() > tol {
                    return Err(perr(format!(
                        "the edge at ({:.6}, {:.6}) has no partner at ({:.6}, {:.6})",
                        n[0],
                        n[1],
                        n[0] + shift[0],
                        n[1] + shift[1]
                    )));
                }
                across[c][k] = Across::Cell { cell: d, shift };
                across[d][l] = Across::Cell {
                    cell: c,
                    shift: [-shift[0], -shift[1]],
                };
            }
        }
        let unnamed: Vec<(usize, usize)> = across
            .iter()
            .enumerate()
            .flat_map(|(c, a)| (0..3).filter(move |&k| a[k] == none).map(move |k| (c, k)))
            .collect();
        if let Some(&(c, k)) = unnamed.first() {
            let t = cells[c];
            let (a, b) = (vertices[t[k]], vertices[t[(k + 1) % 3]]);
            return Err(TriMeshError::Unnamed {
                count: unnamed.len(),
                x0: a[0],
                y0: a[1],
                x1: b[0],
                y1: b[1],
            });
        }
        Ok(TriMesh {
            unused_vertices: used.iter().filter(|&&u| !u).count(),
            vertices,
            cells,
            centroid,
            area,
            across,
            patches,
        })
    }

    /// A rectangle `[x0, x1] × [y0, y1]` of `nx × ny` squares, each split into two triangles, with boundary
    /// patches `left`, `right`, `bottom`, `top` (periodic pairs where asked). With `jitter > 0` every interior
    /// vertex moves by up to `jitter` times the spacing in each direction, from a generator seeded by `seed`
    /// (irregular meshes for honest accuracy tests).
    #[allow(clippy::too_many_arguments)]
    pub fn rectangle(
        nx: usize,
        ny: usize,
        x: [f64; 2],
        y: [f64; 2],
        diagonal: Diagonal,
        jitter: f64,
        seed: u64,
        periodic: [bool; 2],
    ) -> Result<Self, TriMeshError> {
        let (hx, hy) = ((x[1] - x[0]) / nx as f64, (y[1] - y[0]) / ny as f64);
        let mut rng = SplitMix(seed);
        let mut vertices = Vec::with_capacity((nx + 1) * (ny + 1));
        for j in 0..=ny {
            for i in 0..=nx {
                let mut p = [x[0] + i as f64 * hx, y[0] + j as f64 * hy];
                let (a, b) = (rng.next() - 0.5, rng.next() - 0.5);
                if jitter > 0.0 && i > 0 && i < nx && j > 0 && j < ny {
                    p[0] += 2.0 * jitter * hx * a;
                    p[1] += 2.0 * jitter * hy * b;
                }
                vertices.push(p);
            }
        }
        let v = |i: usize, j: usize| i + (nx + 1) * j;
        let mut cells = Vec::with_capacity(2 * nx * ny);
        for j in 0..ny {
            for i in 0..nx {
                let (a, b, c, d) = (v(i, j), v(i + 1, j), v(i + 1, j + 1), v(i, j + 1));
                let right = match diagonal {
                    Diagonal::Right => true,
                    Diagonal::Left => false,
                    Diagonal::Alternate => (i + j) % 2 == 0,
                };
                if right {
                    cells.push([a, b, c]);
                    cells.push([a, c, d]);
                } else {
                    cells.push([a, b, d]);
                    cells.push([b, c, d]);
                }
            }
        }
        let patches: Vec<String> = ["left", "right", "bottom", "top"]
            .iter()
            .map(|s| s.to_string())
            .collect();
        let mut boundary = Vec::new();
        for j in 0..ny {
            boundary.push((v(0, j), v(0, j + 1), 0));
            boundary.push((v(nx, j), v(nx, j + 1), 1));
        }
        for i in 0..nx {
            boundary.push((v(i, 0), v(i + 1, 0), 2));
            boundary.push((v(i, ny), v(i + 1, ny), 3));
        }
        let mut per = Vec::new();
        if periodic[0] {
            per.push((1, 0, [x[1] - x[0], 0.0]));
        }
        if periodic[1] {
            per.push((3, 2, [0.0, y[1] - y[0]]));
        }
        TriMesh::new(vertices, cells, patches, &boundary, &per)
    }

    /// Number of cells.
    pub fn n_cells(&self) -> usize {
        self.cells.len()
    }

    /// Edge `k` of cell `c`: its end points, outward unit normal and length.
    pub fn edge(&self, c: usize, k: usize) -> ([f64; 2], [f64; 2], [f64; 2], f64) {
        let t = self.cells[c];
        let (a, b) = (self.vertices[t[k]], self.vertices[t[(k + 1) % 3]]);
        let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
        let len = (dx * dx + dy * dy).sqrt();
        (a, b, [dy / len, -dx / len], len)
    }

    /// The length scale of the time-step limit: the smallest altitude `2A / longest edge`.
    pub fn cell_size(&self, c: usize) -> f64 {
        let longest = (0..3).map(|k| self.edge(c, k).3).fold(0.0, f64::max);
        2.0 * self.area[c] / longest
    }

    /// Face neighbours of a cell (periodic ones included), in edge order.
    pub fn neighbours(&self, c: usize) -> impl Iterator<Item = usize> + '_ {
        self.across[c].iter().filter_map(|a| match a {
            Across::Cell { cell, .. } => Some(*cell),
            Across::Boundary(_) => None,
        })
    }

    /// Cells within `hops` face-neighbour steps of cell `c` (itself included), sorted.
    pub fn stencil(&self, c: usize, hops: usize) -> Vec<usize> {
        let mut out = vec![c];
        let mut frontier = vec![c];
        for _ in 0..hops {
            let mut next = Vec::new();
            for &f in &frontier {
                for n in self.neighbours(f) {
                    if !out.contains(&n) && !next.contains(&n) {
                        next.push(n);
                    }
                }
            }
            out.extend_from_slice(&next);
            frontier = next;
        }
        out.sort_unstable();
        out
    }

    /// Face-neighbour pairs (each once), for the dual graph; periodic pairs only if `periodic`.
    pub fn face_pairs(&self, periodic: bool) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        for (c, a) in self.across.iter().enumerate() {
            for x in a {
                if let Across::Cell { cell, shift } = *x {
                    if c < cell && (periodic || shift == [0.0, 0.0]) {
                        out.push((c, cell));
                    }
                }
            }
        }
        out
    }

    /// Flat connectivity, three vertex ids per cell (for output).
    pub fn connectivity(&self) -> Vec<i64> {
        self.cells
            .iter()
            .flat_map(|t| t.map(|v| v as i64))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rectangle_areas_and_neighbours() {
        for d in [Diagonal::Right, Diagonal::Left, Diagonal::Alternate] {
            for jitter in [0.0, 0.25] {
                let m =
                    TriMesh::rectangle(6, 4, [0.0, 3.0], [0.0, 2.0], d, jitter, 7, [false, false])
                        .unwrap();
                assert_eq!(m.n_cells(), 48);
                let total: f64 = m.area.iter().sum();
                assert!((total - 6.0).abs() < 1e-12);
                let boundary = m
                    .across
                    .iter()
                    .flatten()
                    .filter(|a| matches!(a, Across::Boundary(_)))
                    .count();
                assert_eq!(boundary, 2 * (6 + 4));
                // Neighbourhood is symmetric.
                for c in 0..m.n_cells() {
                    for n in m.neighbours(c) {
                        assert!(m.neighbours(n).any(|x| x == c));
                    }
                }
                // Outward normals: the sum of length-weighted normals of a closed cell is zero.
                for c in 0..m.n_cells() {
                    let mut s = [0.0; 2];
                    for k in 0..3 {
                        let (_, _, n, l) = m.edge(c, k);
                        s[0] += n[0] * l;
                        s[1] += n[1] * l;
                    }
                    assert!(s[0].abs() < 1e-12 && s[1].abs() < 1e-12);
                }
            }
        }
    }

    #[test]
    fn periodic_rectangle_has_no_boundary() {
        let m = TriMesh::rectangle(
            5,
            3,
            [0.0, 1.0],
            [0.0, 1.0],
            Diagonal::Alternate,
            0.2,
            3,
            [true, true],
        )
        .unwrap();
        assert!(m
            .across
            .iter()
            .flatten()
            .all(|a| matches!(a, Across::Cell { .. })));
        // Shifts are opposite on the two sides of a periodic edge.
        for c in 0..m.n_cells() {
            for a in m.across[c] {
                if let Across::Cell { cell, shift } = a {
                    let back = m.across[cell]
                        .iter()
                        .find_map(|b| match b {
                            Across::Cell { cell: x, shift: s } if *x == c => Some(*s),
                            _ => None,
                        })
                        .unwrap();
                    assert_eq!(back, [-shift[0], -shift[1]]);
                }
            }
        }
        assert_eq!(m.stencil(0, 1).len(), 4);
    }

    #[test]
    fn bad_meshes_are_errors() {
        let v = vec![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [2.0, 0.0]];
        let p = vec!["wall".to_string()];
        let e = TriMesh::new(v.clone(), vec![[0, 1, 3]], p.clone(), &[], &[]).unwrap_err();
        assert!(matches!(e, TriMeshError::Degenerate { .. }), "{e}");
        let e = TriMesh::new(v.clone(), vec![[0, 1, 7]], p.clone(), &[], &[]).unwrap_err();
        assert!(e.to_string().contains("vertex 7"), "{e}");
        let e = TriMesh::new(v.clone(), vec![[0, 1, 2]], p.clone(), &[(0, 1, 0)], &[]).unwrap_err();
        assert!(
            e.to_string()
                .contains("2 boundary edges have no boundary name"),
            "{e}"
        );
        let v5 = vec![[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, -1.0], [0.5, 2.0]];
        let e = TriMesh::new(v5, vec![[0, 1, 2], [0, 1, 3], [0, 1, 4]], p, &[], &[]).unwrap_err();
        assert!(matches!(e, TriMeshError::NonManifold { .. }), "{e}");
        // Clockwise input is reoriented.
        let m = TriMesh::new(
            v,
            vec![[0, 2, 1]],
            vec!["b".into()],
            &[(0, 1, 0), (1, 2, 0), (2, 0, 0)],
            &[],
        )
        .unwrap();
        assert!(m.area[0] > 0.0);
        assert_eq!(m.unused_vertices, 1);
    }
}
