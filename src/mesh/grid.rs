//! The mesh of a case, whatever its kind: what the partitioner, the halo builder, the output and the
//! diagnostics need to know about cells, without knowing the scheme.

use std::collections::BTreeMap;
use std::path::Path;

use super::gmsh::GmshMesh;
use super::{wrap_index, StructuredMesh, TriMesh};

/// A structured rectangle or an unstructured triangle mesh.
#[derive(Debug, Clone)]
pub enum Grid {
    /// `nx × ny` equal quadrilaterals (WENO5-GKS).
    Structured(StructuredMesh),
    /// Triangles.
    Triangles(TriMesh),
}

impl Grid {
    /// Number of cells (quadrilaterals or triangles).
    pub fn n_cells(&self) -> usize {
        match self {
            Grid::Structured(m) => m.n_cells(),
            Grid::Triangles(m) => m.n_cells(),
        }
    }

    /// The triangle mesh, if any.
    pub fn triangles(&self) -> Option<&TriMesh> {
        match self {
            Grid::Triangles(m) => Some(m),
            Grid::Structured(_) => None,
        }
    }

    /// The cell that contains point `x` (the first one found, on shared edges), if any.
    pub fn find(&self, x: [f64; 2]) -> Option<usize> {
        match self {
            Grid::Structured(m) => {
                let f = |k: usize| (x[k] - m.origin[k]) / m.spacing[k];
                let (i, j) = (f(0).floor(), f(1).floor());
                let ny = if m.is_strip() { 1 } else { m.ny };
                let j = if m.is_strip() { 0.0 } else { j };
                (i >= 0.0 && j >= 0.0 && (i as usize) < m.nx && (j as usize) < ny)
                    .then(|| j as usize * m.nx + i as usize)
            }
            Grid::Triangles(_) => self.find_barycentric(x).map(|(c, _)| c),
        }
    }

    /// The triangle that contains point `x` (the first one found) and the barycentric coordinates of `x`
    /// in it; `None` on structured meshes.
    pub fn find_barycentric(&self, x: [f64; 2]) -> Option<(usize, [f64; 3])> {
        let m = self.triangles()?;
        (0..m.n_cells()).find_map(|c| {
            let v = m.cells[c].map(|k| m.vertices[k]);
            let det = (v[1][0] - v[0][0]) * (v[2][1] - v[0][1])
                - (v[2][0] - v[0][0]) * (v[1][1] - v[0][1]);
            let l1 = ((x[0] - v[0][0]) * (v[2][1] - v[0][1])
                - (v[2][0] - v[0][0]) * (x[1] - v[0][1]))
                / det;
            let l2 = ((v[1][0] - v[0][0]) * (x[1] - v[0][1])
                - (x[0] - v[0][0]) * (v[1][1] - v[0][1]))
                / det;
            let l = [1.0 - l1 - l2, l1, l2];
            let tol = -1e-12;
            l.iter().all(|&b| b >= tol).then_some((c, l))
        })
    }

    /// The measure of cell `c` in integrals and norms (its area; Δx for a 1D strip).
    pub fn measure(&self, c: usize) -> f64 {
        match self {
            Grid::Structured(m) => m.cell_measure(),
            Grid::Triangles(m) => m.area[c],
        }
    }

    /// Number of vertices.
    pub fn n_vertices(&self) -> usize {
        match self {
            Grid::Structured(m) => (m.nx + 1) * (m.ny + 1),
            Grid::Triangles(m) => m.vertices.len(),
        }
    }

    /// The vertices with ids in `rows` (a rank's block of the output), without building the others.
    pub fn vertices_in(&self, rows: std::ops::Range<usize>) -> Vec<[f64; 2]> {
        match self {
            Grid::Structured(m) => rows.map(|k| m.vertex(k)).collect(),
            Grid::Triangles(m) => m.vertices[rows].to_vec(),
        }
    }

    /// Vertices per cell (4 or 3).
    pub fn nodes_per_cell(&self) -> usize {
        match self {
            Grid::Structured(_) => 4,
            Grid::Triangles(_) => 3,
        }
    }

    /// Vertex ids of the given output cells, flat, counter-clockwise.
    pub fn connectivity(&self, cells: &[usize]) -> Vec<i64> {
        match self {
            Grid::Structured(m) => {
                let w = (m.nx + 1) as i64;
                let mut out = Vec::with_capacity(4 * cells.len());
                for &c in cells {
                    let (i, j) = ((c % m.nx) as i64, (c / m.nx) as i64);
                    let v0 = i + w * j;
                    out.extend_from_slice(&[v0, v0 + 1, v0 + 1 + w, v0 + w]);
                }
                out
            }
            Grid::Triangles(m) => cells
                .iter()
                .flat_map(|&c| m.cells[c].map(|v| v as i64))
                .collect(),
        }
    }

    /// Cells the update of cell `c` reads, for a scheme that reaches `normal` cells along a face normal and
    /// `tangential` across (structured), or `hops` face-neighbour steps (triangles).
    pub fn stencil(
        &self,
        c: usize,
        reach: (usize, usize),
        hops: usize,
        periodic: [bool; 2],
    ) -> Vec<usize> {
        match self {
            Grid::Structured(m) => m.stencil(c, reach.0, reach.1, periodic),
            Grid::Triangles(m) => m.stencil(c, hops),
        }
    }

    /// Cells within `r` steps of the given ones (the neighbourhood of a step retry).
    pub fn neighbourhood(&self, cells: &[usize], r: usize, periodic: [bool; 2]) -> Vec<usize> {
        let mut out = Vec::new();
        match self {
            Grid::Structured(m) => {
                let (nx, ny) = (m.nx, m.ny);
                let r = r as i64;
                for &c in cells {
                    let (i, j) = ((c % nx) as i64, (c / nx) as i64);
                    for dj in -r..=r {
                        for di in -r..=r {
                            if let (Some(a), Some(b)) = (
                                wrap_index(i + di, nx, periodic[0]),
                                wrap_index(j + dj, ny, periodic[1]),
                            ) {
                                out.push(a as usize + b as usize * nx);
                            }
                        }
                    }
                }
            }
            Grid::Triangles(m) => {
                for &c in cells {
                    out.extend(m.stencil(c, r));
                }
            }
        }
        out
    }

    /// Face-neighbour pairs for the dual graph (periodic faces only where asked).
    pub fn face_pairs(&self, periodic: [bool; 2]) -> Vec<(usize, usize)> {
        match self {
            Grid::Structured(m) => m.face_pairs(periodic),
            Grid::Triangles(m) => m.face_pairs(periodic[0] || periodic[1]),
        }
    }

    /// The bounding rectangle, as a one-cell structured mesh (extent for initial conditions and periodic
    /// exact solutions).
    pub fn extent(&self) -> StructuredMesh {
        match self {
            Grid::Structured(m) => m.clone(),
            Grid::Triangles(m) => {
                let (mut lo, mut hi) = ([f64::INFINITY; 2], [f64::NEG_INFINITY; 2]);
                for v in &m.vertices {
                    for k in 0..2 {
                        lo[k] = lo[k].min(v[k]);
                        hi[k] = hi[k].max(v[k]);
                    }
                }
                StructuredMesh {
                    nx: 1,
                    ny: 1,
                    origin: lo,
                    spacing: [hi[0] - lo[0], hi[1] - lo[1]],
                }
            }
        }
    }

    /// A string that identifies the mesh (partition and restart files record it).
    pub fn key(&self) -> String {
        match self {
            Grid::Structured(m) => format!(
                "rectangle {}x{} origin [{:e}, {:e}] spacing [{:e}, {:e}]",
                m.nx, m.ny, m.origin[0], m.origin[1], m.spacing[0], m.spacing[1]
            ),
            Grid::Triangles(m) => {
                // FNV-1a over the coordinates and connectivity.
                let mut h: u64 = 0xcbf2_9ce4_8422_2325;
                let mut eat = |x: u64| {
                    for b in x.to_le_bytes() {
                        h ^= b as u64;
                        h = h.wrapping_mul(0x0100_0000_01b3);
                    }
                };
                for v in &m.vertices {
                    eat(v[0].to_bits());
                    eat(v[1].to_bits());
                }
                for t in &m.cells {
                    for &v in t {
                        eat(v as u64);
                    }
                }
                format!(
                    "triangles {} cells {} vertices fnv {:016x}",
                    m.n_cells(),
                    m.vertices.len(),
                    h
                )
            }
        }
    }

    /// Where cell `c` is, for messages: `i = .., j = ..` or its centroid.
    pub fn locate(&self, c: usize) -> String {
        match self {
            Grid::Structured(m) => format!("i = {}, j = {}", c % m.nx, c / m.nx),
            Grid::Triangles(m) => format!(
                "triangle at x = {:.6}, y = {:.6}",
                m.centroid[c][0], m.centroid[c][1]
            ),
        }
    }
}

/// A triangle mesh from a Gmsh file read from `path`: its physical lines become boundary patches, which
/// `conditions` (patch name → whether its condition is periodic) must all name (and no more); `$Periodic`
/// curve links join the patches declared periodic.
pub fn from_gmsh(
    g: &GmshMesh,
    conditions: &BTreeMap<String, bool>,
    path: &Path,
) -> Result<TriMesh, String> {
    let file = path.display();
    let bcs = conditions;
    let mut patches: Vec<String> = Vec::new();
    let mut boundary = Vec::new();
    let mut entity_patch: std::collections::BTreeMap<i32, usize> = Default::default();
    let mut unnamed = 0usize;
    for l in &g.lines {
        let Some(tag) = l.physical else {
            unnamed += 1;
            continue;
        };
        let name = g
            .physical_name(1, tag)
            .map(str::to_string)
            .unwrap_or_else(|| tag.to_string());
        let p = match patches.iter().position(|x| *x == name) {
            Some(p) => p,
            None => {
                patches.push(name);
                patches.len() - 1
            }
        };
        entity_patch.insert(l.entity, p);
        boundary.push((l.nodes[0], l.nodes[1], p));
    }
    let missing: Vec<&String> = patches.iter().filter(|p| !bcs.contains_key(*p)).collect();
    if !missing.is_empty() {
        return Err(format!(
            "{file}: physical lines {missing:?} have no condition: add [boundary.NAME] tables for them"
        ));
    }
    let extra: Vec<&String> = bcs.keys().filter(|k| !patches.contains(k)).collect();
    if !extra.is_empty() {
        return Err(format!(
            "{file}: the case gives conditions for {extra:?}, but the mesh's physical lines are {patches:?}"
        ));
    }
    if unnamed > 0 {
        return Err(format!(
            "{file}: {unnamed} boundary line elements belong to no physical group: name every boundary \
             curve with Physical Curve(\"NAME\") in the .geo file"
        ));
    }
    let mut periodic = Vec::new();
    for link in g.periodic.iter().filter(|l| l.dim == 1) {
        let (Some(&p), Some(&q)) = (
            entity_patch.get(&link.entity),
            entity_patch.get(&link.master_entity),
        ) else {
            continue;
        };
        let Some(&(s, m)) = link.nodes.first() else {
            continue;
        };
        let shift = [g.nodes[s][0] - g.nodes[m][0], g.nodes[s][1] - g.nodes[m][1]];
        for x in [p, q] {
            if bcs.get(&patches[x]) != Some(&true) {
                return Err(format!(
                    "{file}: curves of {} are periodic in the mesh: set [boundary.{}] kind = \"periodic\"",
                    patches[x], patches[x]
                ));
            }
        }
        if !periodic.iter().any(|&(a, b, _)| (a, b) == (p, q)) {
            periodic.push((p, q, shift));
        }
    }
    for (name, &per) in bcs {
        if per
            && !periodic
                .iter()
                .any(|&(a, c, _)| patches[a] == *name || patches[c] == *name)
        {
            return Err(format!(
                "{file}: [boundary.{name}] is periodic but the mesh has no periodic link for it \
                 (Periodic Curve in the .geo file)"
            ));
        }
    }
    TriMesh::new(
        g.nodes.clone(),
        g.triangles.clone(),
        patches,
        &boundary,
        &periodic,
    )
    .map_err(|e| format!("{file}: {e}"))
}
