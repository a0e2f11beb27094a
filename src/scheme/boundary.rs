//! Ghost cells of a structured mesh padded with `GHOST` layers, and the boundary conditions that fill them.

use super::ghost::{self, NoSlip};
use crate::case::{BcKind, Boundaries, Boundary};
use crate::initial::{double_mach_shock_x, DOUBLE_MACH_POST, DOUBLE_MACH_PRE};
use crate::mesh::StructuredMesh;
use crate::physics::{from_local, to_local, Gas, State};

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

/// A resolved boundary condition of one side.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Side {
    Periodic,
    Transmissive,
    SlipWall,
    Inflow(State),
    DoubleMach,
    /// Wall velocity, temperature, and where the wall starts along the side (symmetry before).
    NoSlip([f64; 2], Option<f64>, f64),
    SubsonicInflow([f64; 4]),
    SubsonicOutflow(f64),
    Characteristic([f64; 4]),
}

impl Side {
    fn new(b: &Boundary, gas: &Gas) -> Self {
        match b.kind {
            BcKind::Periodic => Side::Periodic,
            BcKind::Transmissive => Side::Transmissive,
            BcKind::SlipWall | BcKind::Symmetry => Side::SlipWall,
            BcKind::NoSlipWall => Side::NoSlip(
                b.velocity.unwrap_or([0.0; 2]),
                b.temperature,
                b.start.unwrap_or(f64::NEG_INFINITY),
            ),
            BcKind::SubsonicInflow => Side::SubsonicInflow(b.state.expect("validated")),
            BcKind::SubsonicOutflow => Side::SubsonicOutflow(b.state.expect("validated")[3]),
            BcKind::Characteristic => Side::Characteristic(b.state.expect("validated")),
            BcKind::Inflow | BcKind::FarField => {
                Side::Inflow(gas.conservative(b.state.expect("validated")))
            }
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

impl Side {
    /// The no-slip wall of this side in the local frame of the outward normal `n`.
    fn no_slip(self, n: [f64; 2]) -> Option<NoSlip> {
        match self {
            Side::NoSlip(v, temperature, _) => Some(NoSlip {
                u_t: -v[0] * n[1] + v[1] * n[0],
                temperature,
            }),
            _ => None,
        }
    }

    /// The condition in force at coordinate `s` along the side: a no-slip wall is a symmetry plane (slip
    /// wall) before its start.
    fn at(self, s: f64) -> Self {
        match self {
            Side::NoSlip(_, _, start) if s < start => Side::SlipWall,
            x => x,
        }
    }

    /// The ghost of the conditions that are the same on every side: from the mirror cell `m` (walls) or
    /// the edge cell `e` (the others), for outward normal `n`; `None` for the others.
    fn ghost(self, gas: &Gas, m: &State, e: &State, n: [f64; 2]) -> Option<State> {
        Some(match self {
            Side::NoSlip(..) => {
                let wall = self.no_slip(n).expect("no-slip");
                from_local(&wall.state(gas, &to_local(m, n)), n)
            }
            Side::SubsonicInflow(s) => ghost::subsonic_inflow(gas, e, &s),
            Side::SubsonicOutflow(p) => ghost::subsonic_outflow(gas, e, p),
            Side::Characteristic(s) => from_local(
                &ghost::characteristic(gas, &to_local(e, n), &to_local(&s, n)),
                n,
            ),
            _ => return None,
        })
    }
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
        let start = match side {
            Side::NoSlip(_, _, s) => s,
            _ => f64::NEG_INFINITY,
        };
        side.no_slip(n).map(|w| (w, start))
    }

    /// Resolves the boundary section of a case for a mesh, filling ghosts of the window `pad`.
    pub fn new(b: &Boundaries, gas: &Gas, mesh: &StructuredMesh, pad: Padded) -> Self {
        BoundarySet {
            left: Side::new(&b.left, gas),
            right: Side::new(&b.right, gas),
            bottom: Side::new(&b.bottom, gas),
            top: Side::new(&b.top, gas),
            gas: *gas,
            mesh: mesh.clone(),
            pad,
        }
    }

    /// Periodicity in x and y.
    pub fn periodic(&self) -> [bool; 2] {
        [
            self.left == Side::Periodic,
            self.mesh.is_strip() || self.bottom == Side::Periodic,
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
                    let side = side.at(yc);
                    if let Some(g) = side.ghost(&self.gas, &w[loc(mir, j)], &w[loc(edge, j)], n) {
                        w[lj * wd + li] = g;
                        continue;
                    }
                    w[lj * wd + li] = match side {
                        Side::Periodic => unreachable!("periodic sides are halos"),
                        Side::Transmissive => w[loc(edge, j)],
                        Side::SlipWall => mirror(&w[loc(mir, j)], 0),
                        Side::Inflow(s) => s,
                        Side::DoubleMach => {
                            unreachable!("validated: double_mach is a bottom/top condition")
                        }
                        _ => unreachable!("handled by Side::ghost"),
                    };
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
                let side = match side.at(x) {
                    Side::NoSlip(_, t, s) if !per[0] && !(0..nx).contains(&i) => {
                        Side::NoSlip([0.0; 2], t, s)
                    }
                    s => s,
                };
                if let Some(g) = side.ghost(&self.gas, &w[loc(i, mir)], &w[loc(i, edge)], n) {
                    w[lj * wd + li] = g;
                    continue;
                }
                w[lj * wd + li] = match side {
                    Side::Periodic => unreachable!("periodic sides are halos"),
                    Side::Transmissive => w[loc(i, edge)],
                    Side::SlipWall => mirror(&w[loc(i, mir)], 1),
                    Side::Inflow(s) => s,
                    Side::DoubleMach if j < 0 => {
                        if x < 1.0 / 6.0 {
                            self.gas.conservative(DOUBLE_MACH_POST)
                        } else {
                            mirror(&w[loc(i, mir)], 1)
                        }
                    }
                    Side::DoubleMach => {
                        let s = if x < double_mach_shock_x(y, t) {
                            DOUBLE_MACH_POST
                        } else {
                            DOUBLE_MACH_PRE
                        };
                        self.gas.conservative(s)
                    }
                    _ => unreachable!("handled by Side::ghost"),
                };
            }
        }
    }
}
