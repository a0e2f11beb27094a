//! Boundary conditions of the triangle schemes, applied at each flux point (docs/method.md §9): the ghost
//! state and its derivatives across a boundary edge, from the interior state at the point.

use super::ghost::{self, NoSlip};
use crate::case::{BcKind, Boundary};
use crate::initial::{double_mach_shock_x, DOUBLE_MACH_POST, DOUBLE_MACH_PRE};
use crate::physics::{from_local, to_local, Gas, State};

/// A boundary condition on a triangle mesh.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Bc {
    /// Zeroth-order extrapolation (also the fallback of `periodic` patches without a partner).
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
    /// The condition of boundary patch `name`.
    pub(crate) fn new(b: &Boundary, name: &str, gas: &Gas) -> Self {
        match b.kind {
            BcKind::Transmissive | BcKind::Periodic => Bc::Transmissive,
            BcKind::SlipWall | BcKind::Symmetry => Bc::SlipWall,
            BcKind::NoSlipWall => Bc::NoSlip {
                velocity: b.velocity.unwrap_or([0.0; 2]),
                temperature: b.temperature,
                start: b.start.unwrap_or(f64::NEG_INFINITY),
            },
            BcKind::SubsonicInflow => Bc::SubsonicInflow(b.state.expect("validated")),
            BcKind::SubsonicOutflow => Bc::SubsonicOutflow(b.state.expect("validated")[3]),
            BcKind::Characteristic => Bc::Characteristic(b.state.expect("validated")),
            BcKind::Inflow | BcKind::FarField => {
                Bc::Inflow(gas.conservative(b.state.expect("validated")))
            }
            BcKind::DoubleMach => Bc::DoubleMach {
                bottom: name == "bottom",
            },
        }
    }

    /// The no-slip wall in the local frame of the outward normal `n`, if this is one.
    #[inline]
    pub(crate) fn no_slip(self, n: [f64; 2]) -> Option<NoSlip> {
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

    /// The condition in force at point `x`: a no-slip wall is a symmetry plane before its start.
    #[inline]
    fn at(self, x: [f64; 2]) -> Self {
        match self {
            Bc::NoSlip { start, .. } if x[0] < start => Bc::SlipWall,
            b => b,
        }
    }

    /// Corrects a flux through this boundary at point `x` (local frame of `n`; see [`NoSlip::fix_flux`]),
    /// with `w` the interior state at the point.
    #[inline]
    pub(crate) fn fix_flux(
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
            Bc::DoubleMach { bottom: true } => x[0] >= 1.0 / 6.0,
            _ => false,
        }
    }

    /// The ghost state across the boundary at point `x` (outward normal `n`, time `t`) for the interior
    /// state `w` (global frame).
    pub(crate) fn ghost(self, gas: &Gas, w: &State, n: [f64; 2], x: [f64; 2], t: f64) -> State {
        let this = self.at(x);
        match this {
            Bc::Transmissive => *w,
            Bc::Inflow(s) => s,
            Bc::DoubleMach { bottom: true } if x[0] < 1.0 / 6.0 => {
                gas.conservative(DOUBLE_MACH_POST)
            }
            Bc::DoubleMach { bottom: false } => {
                let s = if x[0] < double_mach_shock_x(x[1], t) {
                    DOUBLE_MACH_POST
                } else {
                    DOUBLE_MACH_PRE
                };
                gas.conservative(s)
            }
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
    pub(crate) fn ghost_point(
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
            Bc::Transmissive => return (w, dn, dt),
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

/// Mirror of a state (or derivative in the local frame) about a wall: the normal momentum changes sign.
fn mirror_local(w: &State) -> State {
    [w[0], -w[1], w[2], w[3]]
}
