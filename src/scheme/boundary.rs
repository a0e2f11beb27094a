//! Ghost cells of a structured mesh padded with `GHOST` layers, and the boundary conditions that fill them.

use crate::case::{BcKind, Boundaries, Boundary};
use crate::initial::{double_mach_shock_x, DOUBLE_MACH_POST, DOUBLE_MACH_PRE};
use crate::mesh::StructuredMesh;
use crate::physics::{Gas, State};

/// Ghost layers on each side (the WENO5 stencil reaches three cells).
pub const GHOST: usize = 3;

/// Index arithmetic of the padded array: cell `(I, J)` of the padded grid is at `J·width + I`; interior cell
/// `(i, j)` is `(i + GHOST, j + gy)` with `gy = GHOST` in 2D and 0 for a strip.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Padded {
    /// Interior cells in x.
    pub nx: usize,
    /// Interior cells in y.
    pub ny: usize,
    /// Ghost layers in y (0 for a strip).
    pub gy: usize,
    /// Padded width `nx + 2·GHOST`.
    pub width: usize,
    /// Padded height `ny + 2·gy`.
    pub height: usize,
}

impl Padded {
    /// The padding of a mesh.
    pub fn new(mesh: &StructuredMesh) -> Self {
        let gy = if mesh.is_strip() { 0 } else { GHOST };
        Padded {
            nx: mesh.nx,
            ny: mesh.ny,
            gy,
            width: mesh.nx + 2 * GHOST,
            height: mesh.ny + 2 * gy,
        }
    }

    /// Number of padded cells.
    pub fn len(&self) -> usize {
        self.width * self.height
    }

    /// Always false: a mesh has at least one cell.
    pub fn is_empty(&self) -> bool {
        false
    }

    /// Padded index of interior cell `(i, j)`.
    #[inline(always)]
    pub fn at(&self, i: usize, j: usize) -> usize {
        (j + self.gy) * self.width + i + GHOST
    }
}

/// A resolved boundary condition of one side.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    Periodic,
    Transmissive,
    SlipWall,
    Inflow(State),
    DoubleMach,
}

impl Side {
    fn new(b: &Boundary, gas: &Gas) -> Self {
        match b.kind {
            BcKind::Periodic => Side::Periodic,
            BcKind::Transmissive => Side::Transmissive,
            BcKind::SlipWall => Side::SlipWall,
            BcKind::Inflow => Side::Inflow(gas.conservative(b.state.expect("validated"))),
            BcKind::DoubleMach => Side::DoubleMach,
        }
    }
}

/// The boundary conditions of the four sides, ready to fill ghost cells.
#[derive(Debug, Clone)]
pub struct BoundarySet {
    left: Side,
    right: Side,
    bottom: Side,
    top: Side,
    gas: Gas,
    mesh: StructuredMesh,
    pad: Padded,
}

#[inline(always)]
fn mirror(w: &State, axis: usize) -> State {
    let mut m = *w;
    m[1 + axis] = -m[1 + axis];
    m
}

impl BoundarySet {
    /// Resolves the boundary section of a case for a mesh.
    pub fn new(b: &Boundaries, gas: &Gas, mesh: &StructuredMesh) -> Self {
        BoundarySet {
            left: Side::new(&b.left, gas),
            right: Side::new(&b.right, gas),
            bottom: Side::new(&b.bottom, gas),
            top: Side::new(&b.top, gas),
            gas: *gas,
            mesh: mesh.clone(),
            pad: Padded::new(mesh),
        }
    }

    /// Periodicity in x and y.
    pub fn periodic(&self) -> [bool; 2] {
        [
            self.left == Side::Periodic,
            self.mesh.is_strip() || self.bottom == Side::Periodic,
        ]
    }

    /// Fills every ghost cell of the padded array `w` for time `t`: first the x-sides on interior rows, then
    /// the y-sides on all columns (so corner ghosts are consistent).
    pub fn fill(&self, w: &mut [State], t: f64) {
        let p = self.pad;
        let g = GHOST;
        let (nx, wd) = (p.nx, p.width);
        for jj in p.gy..p.gy + p.ny {
            let row = &mut w[jj * wd..(jj + 1) * wd];
            for k in 0..g {
                // Ghost k steps outside, mirrored interior k steps inside.
                let (gl, il) = (g - 1 - k, g + k);
                let (gr, ir) = (g + nx + k, g + nx - 1 - k);
                row[gl] = match self.left {
                    Side::Periodic => row[gl + nx],
                    Side::Transmissive => row[g],
                    Side::SlipWall => mirror(&row[il], 0),
                    Side::Inflow(s) => s,
                    Side::DoubleMach => {
                        unreachable!("validated: double_mach is a bottom/top condition")
                    }
                };
                row[gr] = match self.right {
                    Side::Periodic => row[gr - nx],
                    Side::Transmissive => row[g + nx - 1],
                    Side::SlipWall => mirror(&row[ir], 0),
                    Side::Inflow(s) => s,
                    Side::DoubleMach => {
                        unreachable!("validated: double_mach is a bottom/top condition")
                    }
                };
            }
        }
        if p.gy == 0 {
            return;
        }
        let ny = p.ny;
        let [hx, hy] = self.mesh.spacing;
        let [x0, y0] = self.mesh.origin;
        for k in 0..g {
            let (gb, ib) = (g - 1 - k, g + k);
            let (gt, it) = (g + ny + k, g + ny - 1 - k);
            for ii in 0..wd {
                let x = x0 + (ii as f64 - g as f64 + 0.5) * hx;
                w[gb * wd + ii] = match self.bottom {
                    Side::Periodic => w[(gb + ny) * wd + ii],
                    Side::Transmissive => w[g * wd + ii],
                    Side::SlipWall => mirror(&w[ib * wd + ii], 1),
                    Side::Inflow(s) => s,
                    Side::DoubleMach => {
                        if x < 1.0 / 6.0 {
                            self.gas.conservative(DOUBLE_MACH_POST)
                        } else {
                            mirror(&w[ib * wd + ii], 1)
                        }
                    }
                };
                w[gt * wd + ii] = match self.top {
                    Side::Periodic => w[(gt - ny) * wd + ii],
                    Side::Transmissive => w[(g + ny - 1) * wd + ii],
                    Side::SlipWall => mirror(&w[it * wd + ii], 1),
                    Side::Inflow(s) => s,
                    Side::DoubleMach => {
                        let y = y0 + (gt as f64 - g as f64 + 0.5) * hy;
                        let s = if x < double_mach_shock_x(y, t) {
                            DOUBLE_MACH_POST
                        } else {
                            DOUBLE_MACH_PRE
                        };
                        self.gas.conservative(s)
                    }
                };
            }
        }
    }
}
