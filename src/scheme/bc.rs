//! The boundary conditions of every scheme (docs/method.md §9): one type, [`Bc`], that gives the ghost state
//! and its derivatives across a boundary at a flux point (the unstructured schemes) and the ghost cells of a
//! structured window ([`Bc::cell_ghost`]). Problem-specific boundary data (the double Mach reflection's
//! states and shock path) belongs to the condition, here.

use super::ghost::{self, NoSlip};
use crate::physics::{from_local, to_local, Gas, State};

/// Post-shock state of the double Mach reflection (ρ, U, V, p).
pub const DOUBLE_MACH_POST: [f64; 4] = [8.0, 7.144_709_581_221_619, -4.125, 116.5];
/// Pre-shock state of the double Mach reflection.
pub const DOUBLE_MACH_PRE: [f64; 4] = [1.4, 0.0, 0.0, 1.0];
/// Where the double Mach reflection's wall starts along the bottom (inflow of the post-shock state before).
pub const DOUBLE_MACH_WALL_START: f64 = 1.0 / 6.0;

/// x-position of the double-Mach shock at height `y` and time `t`: through (1/6, 0) at 60°, moving at
/// speed 10 along x·cos30°.
pub fn double_mach_shock_x(y: f64, t: f64) -> f64 {
    1.0 / 6.0 + y / 3f64.sqrt() + 20.0 * t / 3f64.sqrt()
}

/// The double Mach reflection's top boundary at point `x` and time `t`: the exact moving shock.
fn double_mach_top(gas: &Gas, x: [f64; 2], t: f64) -> State {
    let s = if x[0] < double_mach_shock_x(x[1], t) {
        DOUBLE_MACH_POST
    } else {
        DOUBLE_MACH_PRE
    };
    gas.conservative(s)
}

/// A boundary condition, as the case layer resolves it from the case file.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Bc {
    /// The side is periodic: its neighbours are halo cells or partner faces. Where an unstructured patch has
    /// no partner face it acts as [`Bc::Transmissive`].
    Periodic,
    /// Zeroth-order extrapolation.
    Transmissive,
    /// Reflective wall.
    SlipWall,
    /// A fixed state (`inflow`, `far_field`).
    Inflow(State),
    /// Double Mach reflection: `bottom == true` post-shock inflow for x < 1/6 and a slip wall beyond; top:
    /// the exact moving shock.
    DoubleMach {
        /// The bottom side (else the top).
        bottom: bool,
    },
    /// No-slip wall with its velocity (global frame) and temperature (`None`: adiabatic).
    NoSlip {
        /// Wall velocity.
        velocity: [f64; 2],
        /// Wall temperature.
        temperature: Option<f64>,
        /// The wall covers x ≥ start; before it the boundary is a symmetry plane.
        start: f64,
    },
    /// Subsonic inflow of the primitive state's density and velocity.
    SubsonicInflow([f64; 4]),
    /// Subsonic outflow at a pressure.
    SubsonicOutflow(f64),
    /// Characteristic far field from a primitive state.
    Characteristic([f64; 4]),
}

impl Bc {
    /// The no-slip wall in the local frame of the outward normal `n`, if this is one.
    #[inline]
    pub fn no_slip(self, n: [f64; 2]) -> Option<NoSlip> {
        match self {
            Bc::NoSlip {
                velocity,
                temperature,
                ..
            } => Some(NoSlip {
                u_t: -velocity[0] * n[1] + velocity[1] * n[0],
                temperature,
            }),
            _ => None,
        }
    }

    /// The condition in force at point `x` of an unstructured boundary: a no-slip wall is a symmetry plane
    /// where x lies before its start.
    #[inline]
    pub fn at(self, x: [f64; 2]) -> Self {
        self.at_along(x[0])
    }

    /// The condition in force at coordinate `s` along a side: a no-slip wall is a symmetry plane (slip
    /// wall) before its start.
    #[inline]
    pub fn at_along(self, s: f64) -> Self {
        match self {
            Bc::NoSlip { start, .. } if s < start => Bc::SlipWall,
            b => b,
        }
    }

    /// Where a no-slip wall starts along its side (−∞ for every other condition).
    pub fn wall_start(self) -> f64 {
        match self {
            Bc::NoSlip { start, .. } => start,
            _ => f64::NEG_INFINITY,
        }
    }

    /// The ghost cell of a structured window beyond an axis-aligned side with outward normal `n`, from the
    /// interior cell `m` that mirrors it (walls) and the edge cell `e` (the other conditions); `x` is the
    /// ghost's centre and `t` the time. The condition must already be the one in force there
    /// ([`Bc::at_along`]).
    pub fn cell_ghost(
        self,
        gas: &Gas,
        (m, e): (&State, &State),
        n: [f64; 2],
        x: [f64; 2],
        t: f64,
    ) -> State {
        let axis = if n[0] != 0.0 { 0 } else { 1 };
        match self {
            Bc::NoSlip { .. } => {
                let wall = self.no_slip(n).expect("no-slip");
                from_local(&wall.state(gas, &to_local(m, n)), n)
            }
            Bc::SubsonicInflow(s) => ghost::subsonic_inflow(gas, e, &s),
            Bc::SubsonicOutflow(p) => ghost::subsonic_outflow(gas, e, p),
            Bc::Characteristic(s) => from_local(
                &ghost::characteristic(gas, &to_local(e, n), &to_local(&s, n)),
                n,
            ),
            Bc::Periodic => unreachable!("periodic sides are halos"),
            Bc::Transmissive => *e,
            Bc::SlipWall => mirror_axis(m, axis),
            Bc::Inflow(s) => s,
            Bc::DoubleMach { bottom: true } => {
                if x[0] < DOUBLE_MACH_WALL_START {
                    gas.conservative(DOUBLE_MACH_POST)
                } else {
                    mirror_axis(m, 1)
                }
            }
            Bc::DoubleMach { bottom: false } => double_mach_top(gas, x, t),
        }
    }

    /// Corrects a flux through this boundary at point `x` (local frame of `n`; see [`NoSlip::fix_flux`]),
    /// with `w` the interior state at the point.
    #[inline]
    pub fn fix_flux(
        self,
        gas: &Gas,
        n: [f64; 2],
        x: [f64; 2],
        w: &State,
        f: &mut State,
        dfdt: &mut State,
    ) {
        if let Some(wall) = self.at(x).no_slip(n) {
            let h = ghost::enthalpy(gas, w);
            wall.fix_flux(f, h);
            wall.fix_flux(dfdt, h);
        }
    }

    /// True where the ghost is the mirror image of the interior at point `x`.
    fn mirrors(self, x: [f64; 2]) -> bool {
        match self {
            Bc::SlipWall => true,
            Bc::DoubleMach { bottom: true } => x[0] >= DOUBLE_MACH_WALL_START,
            _ => false,
        }
    }

    /// The ghost state across the boundary at point `x` (outward normal `n`, time `t`) for the interior
    /// state `w` (global frame).
    pub fn ghost(self, gas: &Gas, w: &State, n: [f64; 2], x: [f64; 2], t: f64) -> State {
        let this = self.at(x);
        match this {
            Bc::Transmissive | Bc::Periodic => *w,
            Bc::Inflow(s) => s,
            Bc::DoubleMach { bottom: true } if x[0] < DOUBLE_MACH_WALL_START => {
                gas.conservative(DOUBLE_MACH_POST)
            }
            Bc::DoubleMach { bottom: false } => double_mach_top(gas, x, t),
            Bc::NoSlip { .. } => {
                let wall = this.no_slip(n).expect("no-slip");
                from_local(&wall.state(gas, &to_local(w, n)), n)
            }
            Bc::SubsonicInflow(s) => ghost::subsonic_inflow(gas, w, &s),
            Bc::SubsonicOutflow(p) => ghost::subsonic_outflow(gas, w, p),
            Bc::Characteristic(s) => {
                let far = to_local(&s, n);
                from_local(&ghost::characteristic(gas, &to_local(w, n), &far), n)
            }
            Bc::SlipWall | Bc::DoubleMach { bottom: true } => {
                from_local(&mirror_local(&to_local(w, n)), n)
            }
        }
    }

    /// The ghost state with its normal and tangential derivatives at a flux point, from the interior's
    /// `(w, ∂ₙw, ∂ₜw)`: copied (transmissive; subsonic outflow with the pressure replaced), mirrored (slip
    /// walls: in the local frame scalars and the tangential momentum have their normal derivative reversed,
    /// the normal momentum its tangential one; no-slip walls: [`NoSlip::point`]), or a state from the
    /// condition with zero derivatives.
    pub fn ghost_point(
        self,
        gas: &Gas,
        (w, dn, dt): (State, State, State),
        n: [f64; 2],
        x: [f64; 2],
        t: f64,
    ) -> (State, State, State) {
        let this = self.at(x);
        if let Some(wall) = this.no_slip(n) {
            let (g, gn, gt) =
                wall.point(gas, (to_local(&w, n), to_local(&dn, n), to_local(&dt, n)));
            return (from_local(&g, n), from_local(&gn, n), from_local(&gt, n));
        }
        match this {
            Bc::Transmissive | Bc::Periodic => return (w, dn, dt),
            // The interior's derivatives carry on through an outflow.
            Bc::SubsonicOutflow(p) => return (ghost::subsonic_outflow(gas, &w, p), dn, dt),
            _ => {}
        }
        let g = this.ghost(gas, &w, n, x, t);
        if !this.mirrors(x) {
            (g, [0.0; 4], [0.0; 4])
        } else {
            let (ln, lt) = (to_local(&dn, n), to_local(&dt, n));
            let gn = [-ln[0], ln[1], -ln[2], -ln[3]];
            let gt = [lt[0], -lt[1], lt[2], lt[3]];
            (g, from_local(&gn, n), from_local(&gt, n))
        }
    }
}

/// Mirror of a state about a wall normal to coordinate axis `axis`: that momentum component changes sign.
#[inline(always)]
fn mirror_axis(w: &State, axis: usize) -> State {
    let mut m = *w;
    m[1 + axis] = -m[1 + axis];
    m
}

/// Mirror of a state (or derivative in the local frame) about a wall: the normal momentum changes sign.
fn mirror_local(w: &State) -> State {
    [w[0], -w[1], w[2], w[3]]
}
