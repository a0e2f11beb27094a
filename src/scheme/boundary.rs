//! Ghost cells of a structured mesh padded with `GHOST` layers, and the boundary conditions that fill them.

use super::bc::Bc;
use super::ghost::NoSlip;
use crate::mesh::StructuredMesh;
use crate::physics::{Gas, State};

/// Ghost layers on each side (the WENO5 stencil reaches three cells).
pub const GHOST: usize = 3;

/// A rectangular window of the (infinite) structured grid that one rank stores, in global cell coordinates:
/// local index `k = (j − oy)·width + (i − ox)`. One rank alone stores the whole mesh with `GHOST` layers
/// around it (`ox = −GHOST`, `oy = −gy`); a rank of a distributed run stores the bounding box of its cells
/// grown by the stencil reach. Positions outside `0..nx × 0..ny` are periodic images or boundary ghosts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Padded {
    /// Cells of the whole mesh in x.
    pub nx: usize,
    /// Cells of the whole mesh in y.
    pub ny: usize,
    /// Ghost layers in y (0 for a strip).
    pub gy: usize,
    /// Global `i` of local column 0.
    pub ox: i64,
    /// Global `j` of local row 0.
    pub oy: i64,
    /// Columns stored.
    pub width: usize,
    /// Rows stored.
    pub height: usize,
}

impl Padded {
    /// The whole mesh with its ghost layers.
    pub fn new(mesh: &StructuredMesh) -> Self {
        let gy = if mesh.is_strip() { 0 } else { GHOST };
        Padded {
            nx: mesh.nx,
            ny: mesh.ny,
            gy,
            ox: -(GHOST as i64),
            oy: -(gy as i64),
            width: mesh.nx + 2 * GHOST,
            height: mesh.ny + 2 * gy,
        }
    }

    /// The window `i0..i1 × j0..j1` (global coordinates, ghosts allowed) of a mesh.
    pub fn window(mesh: &StructuredMesh, i: (i64, i64), j: (i64, i64)) -> Self {
        let gy = if mesh.is_strip() { 0 } else { GHOST };
        Padded {
            nx: mesh.nx,
            ny: mesh.ny,
            gy,
            ox: i.0,
            oy: j.0,
            width: (i.1 - i.0) as usize,
            height: (j.1 - j.0) as usize,
        }
    }

    /// Number of stored cells.
    pub fn len(&self) -> usize {
        self.width * self.height
    }

    /// True when nothing is stored.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Local index of mesh cell `(i, j)` (which must lie in the window).
    #[inline(always)]
    pub fn at(&self, i: usize, j: usize) -> usize {
        ((j as i64 - self.oy) as usize) * self.width + (i as i64 - self.ox) as usize
    }

    /// Local index of grid position `(i, j)` if the window holds it.
    #[inline(always)]
    pub fn at_signed(&self, i: i64, j: i64) -> Option<usize> {
        let (li, lj) = (i - self.ox, j - self.oy);
        ((0..self.width as i64).contains(&li) && (0..self.height as i64).contains(&lj))
            .then(|| lj as usize * self.width + li as usize)
    }

    /// Global grid position of local index `k`.
    #[inline(always)]
    pub fn position(&self, k: usize) -> (i64, i64) {
        (
            self.ox + (k % self.width) as i64,
            self.oy + (k / self.width) as i64,
        )
    }
}

/// The boundary conditions of the four sides, ready to fill ghost cells.
#[derive(Debug, Clone)]
pub struct BoundarySet {
    left: Bc,
    right: Bc,
    bottom: Bc,
    top: Bc,
    gas: Gas,
    mesh: StructuredMesh,
    pad: Padded,
}

impl BoundarySet {
    /// The no-slip wall (local frame) of the boundary with outward normal `n` (`[±1, 0]` or `[0, ±1]`) and
    /// where along the side it starts.
    pub fn no_slip(&self, n: [f64; 2]) -> Option<(NoSlip, f64)> {
        let side = match n {
            [x, _] if x < 0.0 => self.left,
            [x, _] if x > 0.0 => self.right,
            [_, y] if y < 0.0 => self.bottom,
            _ => self.top,
        };
        side.no_slip(n).map(|w| (w, side.wall_start()))
    }

    /// The conditions `[left, right, bottom, top]` of a mesh, filling ghosts of the window `pad`.
    pub fn new(sides: [Bc; 4], gas: &Gas, mesh: &StructuredMesh, pad: Padded) -> Self {
        let [left, right, bottom, top] = sides;
        BoundarySet {
            left,
            right,
            bottom,
            top,
            gas: *gas,
            mesh: mesh.clone(),
            pad,
        }
    }

    /// Periodicity in x and y.
    pub fn periodic(&self) -> [bool; 2] {
        [
            self.left == Bc::Periodic,
            self.mesh.is_strip() || self.bottom == Bc::Periodic,
        ]
    }

    /// Fills the boundary ghosts of the window `w` for time `t`. Periodic images are not touched: they are
    /// halo cells, filled by the halo exchange before this is called. First the x-sides on rows that hold
    /// mesh cells or periodic images of them, then the y-sides on every column (so corner ghosts agree with
    /// a fill of the whole padded mesh).
    pub fn fill(&self, w: &mut [State], t: f64) {
        let p = self.pad;
        let (nx, ny) = (p.nx as i64, p.ny as i64);
        let per = self.periodic();
        let wd = p.width;
        let loc = |i: i64, j: i64| ((j - p.oy) as usize) * wd + (i - p.ox) as usize;
        if !per[0] {
            for lj in 0..p.height {
                let j = p.oy + lj as i64;
                if !(per[1] || (0..ny).contains(&j)) {
                    continue;
                }
                for li in 0..wd {
                    let i = p.ox + li as i64;
                    if (0..nx).contains(&i) {
                        continue;
                    }
                    // Ghost k steps outside; its mirror k steps inside; the edge cell.
                    let (side, mir, edge, n) = if i < 0 {
                        (self.left, -1 - i, 0, [-1.0, 0.0])
                    } else {
                        (self.right, nx - 1 - (i - nx), nx - 1, [1.0, 0.0])
                    };
                    let yc = self.mesh.origin[1] + (j as f64 + 0.5) * self.mesh.spacing[1];
                    let side = side.at_along(yc);
                    let x = [
                        self.mesh.origin[0] + (i as f64 + 0.5) * self.mesh.spacing[0],
                        yc,
                    ];
                    let (m, e) = (&w[loc(mir, j)], &w[loc(edge, j)]);
                    w[lj * wd + li] = side.cell_ghost(&self.gas, (m, e), n, x, t);
                }
            }
        }
        if p.gy == 0 || per[1] {
            return;
        }
        let [hx, hy] = self.mesh.spacing;
        let [x0, y0] = self.mesh.origin;
        for lj in 0..p.height {
            let j = p.oy + lj as i64;
            if (0..ny).contains(&j) {
                continue;
            }
            let (side, mir, edge, n) = if j < 0 {
                (self.bottom, -1 - j, 0, [0.0, -1.0])
            } else {
                (self.top, ny - 1 - (j - ny), ny - 1, [0.0, 1.0])
            };
            let y = y0 + (j as f64 + 0.5) * hy;
            for li in 0..wd {
                let i = p.ox + li as i64;
                let x = x0 + (i as f64 + 0.5) * hx;
                // Corner ghosts (beyond a non-periodic x side) of a moving wall see it at rest: the wall
                // velocity belongs to the wall's extent only, and reflecting the side wall's ghosts about
                // it would put twice the lid velocity into the corner.
                let side = match side.at_along(x) {
                    Bc::NoSlip {
                        temperature, start, ..
                    } if !per[0] && !(0..nx).contains(&i) => Bc::NoSlip {
                        velocity: [0.0; 2],
                        temperature,
                        start,
                    },
                    s => s,
                };
                let (m, e) = (&w[loc(i, mir)], &w[loc(i, edge)]);
                w[lj * wd + li] = side.cell_ghost(&self.gas, (m, e), n, [x, y], t);
            }
        }
    }
}
