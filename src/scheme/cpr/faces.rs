//! The flux faces of the CPR operator: one per main edge of an owned element, built from the side with the
//! lower global id (through the shared [`main_edges`]), with its `p + 1` Gauss–Legendre flux points; the
//! faces that read owned elements only come first (the interior phase).

use super::reference::Reference;
use crate::mesh::TriMesh;
use crate::scheme::unstructured::faces::{inner_first, main_edges, MainEdge, NONE};
use crate::scheme::unstructured::{Numbering, Phase};
use crate::scheme::Bc;
use std::ops::Range;

/// One main edge between two elements, or on a boundary.
#[derive(Debug, Clone, Copy)]
pub struct CprFace {
    /// Local element on the left (the side the normal points away from).
    pub left: usize,
    /// Its edge.
    pub ledge: usize,
    /// Local element on the right ([`NONE`] on a boundary).
    pub right: usize,
    /// Its edge.
    pub redge: usize,
    /// The condition of a boundary face.
    pub bc: Option<Bc>,
    /// Boundary patch (`u32::MAX` inside).
    pub patch: u32,
    /// Unit normal from left to right.
    pub n: [f64; 2],
    /// Length.
    pub len: f64,
    /// The edge's first point (on the left element) and the vector to its second.
    pub start: [f64; 2],
    /// Vector from the first to the second end point.
    pub dir: [f64; 2],
    /// `1/L` of the viscous jump term: `L` the normal distance between the centroids over `p + 1`.
    pub ilen: f64,
}

impl CprFace {
    /// Flux point `l` (fraction `t` along the edge from its start).
    #[inline]
    pub fn point(&self, t: f64) -> [f64; 2] {
        [
            self.start[0] + t * self.dir[0],
            self.start[1] + t * self.dir[1],
        ]
    }
}

/// The faces of one rank, interior-phase faces first, and each owned element's faces by edge with whether
/// it is their left side.
pub struct CprFaces {
    /// The faces.
    pub faces: Vec<CprFace>,
    n_inner: usize,
    /// Per owned element and edge: its face and whether the element is its left side.
    pub element_faces: Vec<[(u32, bool); 3]>,
}

/// The face on a main edge.
fn face(mesh: &TriMesh, r: &Reference, edge: &MainEdge) -> CprFace {
    let order = (r.degree + 1) as f64;
    let build = |g: usize, e: usize| {
        let (a, b, n, len) = mesh.edge(g, e);
        (a, [b[0] - a[0], b[1] - a[1]], n, len)
    };
    match *edge {
        MainEdge::Boundary { cell, patch, bc } => {
            let (start, dir, n, len) = build(cell.global, cell.edge);
            let c = mesh.centroid[cell.global];
            let d = (start[0] - c[0]) * n[0] + (start[1] - c[1]) * n[1];
            CprFace {
                left: cell.local,
                ledge: cell.edge,
                right: NONE,
                redge: 0,
                bc: Some(bc),
                patch: patch as u32,
                n,
                len,
                start,
                dir,
                ilen: order / (2.0 * d.abs()),
            }
        }
        MainEdge::Cell {
            lower,
            upper,
            shift,
        } => {
            let (start, dir, n, len) = build(lower.global, lower.edge);
            let (xl, xr) = (mesh.centroid[lower.global], mesh.centroid[upper.global]);
            let d = (xr[0] + shift[0] - xl[0]) * n[0] + (xr[1] + shift[1] - xl[1]) * n[1];
            CprFace {
                left: lower.local,
                ledge: lower.edge,
                right: upper.local,
                redge: upper.edge,
                bc: None,
                patch: u32::MAX,
                n,
                len,
                start,
                dir,
                ilen: order / d.abs(),
            }
        }
    }
}

impl CprFaces {
    /// The faces of the owned elements of `num` on `mesh` with the conditions `bcs` of its patches.
    pub fn new(mesh: &TriMesh, r: &Reference, num: &Numbering, bcs: &[Bc]) -> Result<Self, String> {
        let mut faces = Vec::new();
        let mut element_faces = main_edges(mesh, num, bcs, |e| {
            faces.push(face(mesh, r, e));
            Ok(faces.len() as u32 - 1)
        })?;
        let n_own = num.n_own();
        let (faces, n_inner) = inner_first(faces, &mut element_faces, |f: &CprFace| {
            f.left < n_own && (f.right == NONE || f.right < n_own)
        });
        Ok(CprFaces {
            n_inner,
            faces,
            element_faces,
        })
    }

    /// The faces of a phase: those that read owned elements only, or the rest.
    pub fn range(&self, phase: Phase) -> Range<usize> {
        match phase {
            Phase::Interior => 0..self.n_inner,
            Phase::Boundary => self.n_inner..self.faces.len(),
        }
    }
}
