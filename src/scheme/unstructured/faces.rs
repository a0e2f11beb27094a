//! The face set of an unstructured operator: the faces this rank computes (local units on both sides, the
//! boundary condition and patch of boundary faces, geometry and two Gauss points), built once per main edge
//! from the side with the lower global id so that every rank that computes a face gets the same bits; the
//! split of the faces into those that read owned cells only (computed while the halo exchange runs) and the
//! rest; and the scatter of the face fluxes into the residuals of the owned units.

use std::collections::HashMap;
use std::ops::Range;

use super::numbering::Numbering;
use super::Phase;
use crate::mesh::{Across, TriMesh};
use crate::physics::State;
use crate::scheme::{Bc, Residual, WallSample};

/// No unit on this side (the right side of a boundary face) / no patch (an inside face).
pub const NONE: usize = usize::MAX;

/// One face computed by this rank, with the scheme's own data `X` (what its reconstruction reads at the
/// face points).
#[derive(Debug, Clone, Copy)]
pub struct Face<X> {
    /// Local unit on the left side (the side the normal points away from).
    pub left: usize,
    /// Local unit on the right side, [`NONE`] on a boundary.
    pub right: usize,
    /// The condition of a boundary face.
    pub bc: Option<Bc>,
    /// Boundary patch (`u32::MAX` inside).
    pub patch: u32,
    /// Unit normal from left to right.
    pub n: [f64; 2],
    /// Length.
    pub len: f64,
    /// The two Gauss points (weights ½ each).
    pub x: [[f64; 2]; 2],
    /// Per Gauss point `1/L`, `L` the distance between the two sides' unit centroids along the normal: the
    /// length of the jump term of the viscous equilibrium derivative ([`super::flux::viscous_n0`]).
    pub ilen: [f64; 2],
    /// The scheme's data.
    pub data: X,
}

impl<X> Face<X> {
    /// Local main cells of both sides (the left one twice on a boundary), for `units` units per main cell.
    #[inline]
    pub fn cells(&self, units: usize) -> [usize; 2] {
        let r = if self.right == NONE {
            self.left
        } else {
            self.right
        };
        [self.left / units, r / units]
    }
}

/// One end of a main edge: the main cell's global and local id and its edge number.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct EdgeEnd {
    /// Global main cell.
    pub global: usize,
    /// Local main cell.
    pub local: usize,
    /// Edge number in the main cell (from vertex `edge` to `edge + 1`).
    pub edge: usize,
}

/// A main edge of an owned cell, as the face builder meets it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum MainEdge {
    /// On a boundary patch.
    Boundary {
        /// The owned cell and its edge.
        cell: EdgeEnd,
        /// The patch.
        patch: usize,
        /// Its condition.
        bc: Bc,
    },
    /// Between two main cells.
    Cell {
        /// The side with the lower global id, from which the faces are built (their left side).
        lower: EdgeEnd,
        /// The other side.
        upper: EdgeEnd,
        /// The position of the upper cell next to the lower one minus its mesh position (periodic shift).
        shift: [f64; 2],
    },
}

/// The edge of `cell` that faces edge `e` of `g` (across which `cell` lies shifted by `shift`).
pub fn back_edge(
    mesh: &TriMesh,
    g: usize,
    e: usize,
    cell: usize,
    shift: [f64; 2],
) -> Result<usize, String> {
    let back = Across::Cell {
        cell: g,
        shift: [-shift[0], -shift[1]],
    };
    (0..3)
        .find(|&q| mesh.across[cell][q] == back)
        .ok_or_else(|| format!("cell {cell} has no edge back to cell {g} (edge {e})"))
}

/// Vertices of main cell `g`, moved by `shift`.
pub fn triangle(mesh: &TriMesh, g: usize, shift: [f64; 2]) -> [[f64; 2]; 3] {
    mesh.cells[g].map(|v| {
        let p = mesh.vertices[v];
        [p[0] + shift[0], p[1] + shift[1]]
    })
}

/// Checks that the two sides of a main edge share its end points (up to round-off of the periodic shift).
fn check_shared(
    mesh: &TriMesh,
    tol: f64,
    lower: &EdgeEnd,
    upper: &EdgeEnd,
    shift: [f64; 2],
) -> Result<(), String> {
    let close = |a: [f64; 2], b: [f64; 2]| (a[0] - b[0]).abs() <= tol && (a[1] - b[1]).abs() <= tol;
    let (tri, other) = (
        triangle(mesh, lower.global, [0.0; 2]),
        triangle(mesh, upper.global, shift),
    );
    let (e, kb) = (lower.edge, upper.edge);
    if close(tri[e], other[(kb + 1) % 3]) && close(tri[(e + 1) % 3], other[kb]) {
        Ok(())
    } else {
        Err(format!(
            "cells {} and {} do not share edge {e}",
            lower.global, upper.global
        ))
    }
}

/// The main edge `own` of an owned cell: on a boundary, or between it and a local neighbour (ordered by
/// global id, with the lower side's record of the periodic shift).
fn main_edge(
    mesh: &TriMesh,
    num: &Numbering,
    bcs: &[Bc],
    own: EdgeEnd,
) -> Result<MainEdge, String> {
    let (g, e) = (own.global, own.edge);
    match mesh.across[g][e] {
        Across::Boundary(p) => {
            let bc = *bcs
                .get(p)
                .ok_or_else(|| format!("cell {g}: unknown boundary patch {p}"))?;
            Ok(MainEdge::Boundary {
                cell: own,
                patch: p,
                bc,
            })
        }
        Across::Cell { cell, .. } if cell == g => Err(format!("cell {g} is its own neighbour")),
        Across::Cell { cell, shift } => {
            let kb = back_edge(mesh, g, e, cell, shift)?;
            let other = EdgeEnd {
                global: cell,
                local: num.local(cell)?,
                edge: kb,
            };
            if g < cell {
                return Ok(MainEdge::Cell {
                    lower: own,
                    upper: other,
                    shift,
                });
            }
            // The neighbour's own record of the shift (bit for bit, signed zeros included).
            let Across::Cell { shift: back, .. } = mesh.across[cell][kb] else {
                unreachable!("found by back_edge")
            };
            Ok(MainEdge::Cell {
                lower: other,
                upper: own,
                shift: back,
            })
        }
    }
}

/// Visits every main edge of the owned cells once, in the order of the owned cells and their edges, and
/// calls `build` on it (an edge between two cells from the side with the lower global id) to create its
/// faces. Returns per owned cell and edge what `build` returned for the edge, and whether the cell is the
/// left side of its faces (the lower id, or a boundary).
pub fn main_edges<R: Copy>(
    mesh: &TriMesh,
    num: &Numbering,
    bcs: &[Bc],
    mut build: impl FnMut(&MainEdge) -> Result<R, String>,
) -> Result<Vec<[(R, bool); 3]>, String> {
    let scale = mesh
        .vertices
        .iter()
        .fold(1.0f64, |m, p| m.max(p[0].abs()).max(p[1].abs()));
    let tol = 1e-9 * scale;
    let mut seen: HashMap<(usize, usize), R> = HashMap::new();
    let mut out = Vec::with_capacity(num.n_own());
    for (l, &g) in num.owned().iter().enumerate() {
        let mut row = Vec::with_capacity(3);
        for e in 0..3 {
            let own = EdgeEnd {
                global: g,
                local: l,
                edge: e,
            };
            let edge = main_edge(mesh, num, bcs, own)?;
            row.push(match edge {
                MainEdge::Boundary { .. } => (build(&edge)?, true),
                MainEdge::Cell {
                    lower,
                    upper,
                    shift,
                } => {
                    let key = (lower.global, lower.edge);
                    let r = match seen.get(&key) {
                        Some(r) => *r,
                        None => {
                            check_shared(mesh, tol, &lower, &upper, shift)?;
                            let r = build(&edge)?;
                            seen.insert(key, r);
                            r
                        }
                    };
                    (r, lower == own)
                }
            });
        }
        out.push([row[0], row[1], row[2]]);
    }
    Ok(out)
}

/// The faces of one rank, those of the interior phase first, with their fluxes and each owned unit's faces.
#[derive(Debug, Clone)]
pub struct FaceSet<X> {
    /// The faces: `..n_inner` read owned cells only.
    pub faces: Vec<Face<X>>,
    n_inner: usize,
    /// `(F⁰, ∂ₜF⁰)` per face, along its normal, per unit length, from the last evaluation.
    pub fluxes: Vec<(State, State)>,
    /// Per owned unit: its three faces (in the scheme's order) and whether it is their left side.
    unit_faces: Vec<[(u32, bool); 3]>,
}

impl<X: Copy> FaceSet<X> {
    /// The set of `faces`, reordered so that those whose main cells on both sides are `inner` (see
    /// [`Numbering::inner_cells`]) come first, keeping their order otherwise; `unit_faces` (per owned unit,
    /// indices into `faces`) follow the reordering.
    pub fn new(
        faces: Vec<Face<X>>,
        mut unit_faces: Vec<[(u32, bool); 3]>,
        inner: &[bool],
        units: usize,
    ) -> Self {
        let (faces, n_inner) = inner_first(faces, &mut unit_faces, |f| {
            f.cells(units).iter().all(|&c| inner[c])
        });
        FaceSet {
            n_inner,
            fluxes: vec![([0.0; 4], [0.0; 4]); faces.len()],
            faces,
            unit_faces,
        }
    }
}

/// `faces` reordered so that those for which `is_inner` holds come first, each group in its old order, with
/// the face indices in `unit_faces` renumbered to match; also returns how many are inner.
pub fn inner_first<F: Copy>(
    faces: Vec<F>,
    unit_faces: &mut [[(u32, bool); 3]],
    is_inner: impl Fn(&F) -> bool,
) -> (Vec<F>, usize) {
    let mut new_id = vec![0u32; faces.len()];
    let mut sorted = Vec::with_capacity(faces.len());
    for pass in [true, false] {
        for (i, f) in faces.iter().enumerate() {
            if is_inner(f) == pass {
                new_id[i] = sorted.len() as u32;
                sorted.push(*f);
            }
        }
    }
    for e in unit_faces.iter_mut().flatten() {
        e.0 = new_id[e.0 as usize];
    }
    let n_inner = faces.iter().filter(|f| is_inner(f)).count();
    (sorted, n_inner)
}

impl<X: Sync> FaceSet<X> {
    /// The faces of a phase.
    pub fn range(&self, phase: Phase) -> Range<usize> {
        match phase {
            Phase::Interior => 0..self.n_inner,
            Phase::Boundary => self.n_inner..self.faces.len(),
        }
    }

    /// Per local main cell (`n_local` of them): whether a face reads it.
    pub fn cells_read(&self, n_local: usize, units: usize) -> Vec<bool> {
        let mut need = vec![false; n_local];
        for f in &self.faces {
            for c in f.cells(units) {
                need[c] = true;
            }
        }
        need
    }

    /// The residuals of the owned units: each sums its three face fluxes in its own order, `−len` on faces
    /// it is the left side of, `+len` else, and divides by `area(unit)`.
    pub fn scatter(&self, area: &[f64], res: &mut Residual) {
        use rayon::prelude::*;
        assert_eq!(res.l.len(), self.unit_faces.len(), "residual length");
        assert_eq!(res.lt.len(), self.unit_faces.len(), "residual length");
        let (faces, fluxes) = (&self.faces, &self.fluxes);
        res.l
            .par_iter_mut()
            .zip(res.lt.par_iter_mut())
            .zip(self.unit_faces.par_iter())
            .enumerate()
            .for_each(|(u, ((rl, rt), uf))| {
                let mut a = [0.0; 4];
                let mut b = [0.0; 4];
                for &(fi, left) in uf {
                    let fi = fi as usize;
                    let s = if left { -faces[fi].len } else { faces[fi].len };
                    let (f0, fd) = fluxes[fi];
                    for q in 0..4 {
                        a[q] += s * f0[q];
                        b[q] += s * fd[q];
                    }
                }
                let ia = 1.0 / area[u];
                *rl = a.map(|x| x * ia);
                *rt = b.map(|x| x * ia);
            });
    }

    /// The boundary faces on the patches marked in `want`, with the fluxes of the last evaluation for the
    /// step `dt` and the pressure `p(left unit)`, in face order.
    pub fn wall_samples(
        &self,
        want: &[bool],
        dt: f64,
        p: impl Fn(usize) -> f64,
    ) -> Vec<WallSample> {
        self.faces
            .iter()
            .zip(&self.fluxes)
            .filter(|(f, _)| f.bc.is_some() && want.get(f.patch as usize).copied().unwrap_or(false))
            .map(|(f, fl)| {
                WallSample::from_face(f.patch as usize, &f.x, f.n, f.len, fl, dt, p(f.left))
            })
            .collect()
    }

    /// Bytes held per face.
    pub fn bytes(&self) -> usize {
        use std::mem::size_of;
        self.faces.len() * (size_of::<Face<X>>() + size_of::<(State, State)>())
            + self.unit_faces.len() * size_of::<[(u32, bool); 3]>()
    }
}

impl WallSample {
    /// The sample of an unstructured boundary face with two Gauss points `x`, its stored `(F⁰, ∂ₜF⁰)` for
    /// the step `dt`, and the pressure `p` of the unit next to it.
    pub(crate) fn from_face(
        patch: usize,
        x: &[[f64; 2]; 2],
        n: [f64; 2],
        len: f64,
        (f0, fd): &(State, State),
        dt: f64,
        p: f64,
    ) -> Self {
        WallSample {
            patch,
            x: [0.5 * (x[0][0] + x[1][0]), 0.5 * (x[0][1] + x[1][1])],
            n,
            len,
            flux: std::array::from_fn(|q| f0[q] + 0.5 * dt * fd[q]),
            p,
        }
    }
}
