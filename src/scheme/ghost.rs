//! Ghost states of the viscous and subsonic boundary conditions, shared by the structured and triangle
//! schemes (docs/method.md §9).
//!
//! Everything is in the boundary's local frame: the first velocity component is along the outward normal
//! `n` (from the interior to the ghost), the second along `t = (−n_y, n_x)`. A ghost *state with
//! derivatives* continues the interior across the boundary as a mirror image, `g(s) = M(w(−s))` with `s` the
//! distance along `n`: quantities that are mirrored (`M = identity`) have their normal derivative reversed,
//! quantities reflected about a wall value (`2 a_w − a`) keep it and have their tangential one reversed.

use crate::physics::{Gas, State};

/// Primitive `(ρ, u, v, T)` (with `T = p/ρ`) and its derivative `d` from a conservative state and derivative.
#[inline]
fn prim_t(gas: &Gas, w: &State, d: &State) -> ([f64; 4], [f64; 4]) {
    let rho = w[0];
    let u = w[1] / rho;
    let v = w[2] / rho;
    let p = gas.pressure(w);
    let t = p / rho;
    let du = (d[1] - u * d[0]) / rho;
    let dv = (d[2] - v * d[0]) / rho;
    let dp = (gas.gamma - 1.0) * (d[3] - 0.5 * (u * u + v * v) * d[0] - rho * (u * du + v * dv));
    let dt = (dp - t * d[0]) / rho;
    ([rho, u, v, t], [d[0], du, dv, dt])
}

/// Conservative state from `(ρ, u, v, T)`.
#[inline]
fn cons_t(gas: &Gas, q: &[f64; 4]) -> State {
    gas.conservative([q[0], q[1], q[2], q[0] * q[3]])
}

/// Conservative derivative from a primitive `(ρ, u, v, T)` state and derivative.
#[inline]
fn cons_dt(gas: &Gas, q: &[f64; 4], d: &[f64; 4]) -> State {
    let [rho, u, v, t] = *q;
    let dp = t * d[0] + rho * d[3];
    [
        d[0],
        u * d[0] + rho * d[1],
        v * d[0] + rho * d[2],
        dp / (gas.gamma - 1.0) + 0.5 * (u * u + v * v) * d[0] + rho * (u * d[1] + v * d[2]),
    ]
}

/// A no-slip wall in the local frame: tangential wall velocity `u_t` and, for an isothermal wall, its
/// temperature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct NoSlip {
    /// Wall velocity along `t`.
    pub u_t: f64,
    /// Wall temperature `T = p/ρ` (isothermal) or `None` (adiabatic).
    pub temperature: Option<f64>,
}

/// The ghost temperature of an isothermal wall, `2T_w − T`, kept at least `T_w/4` so that the ghost stays
/// admissible next to a much hotter interior.
#[inline]
fn ghost_temperature(tw: f64, t: f64) -> f64 {
    (2.0 * tw - t).max(0.25 * tw)
}

impl NoSlip {
    /// The ghost state (local frame) of the interior state `w`: the velocity reflected about the wall's,
    /// the temperature mirrored (adiabatic) or reflected about `T_w` (isothermal), the pressure mirrored.
    #[inline]
    pub fn state(&self, gas: &Gas, w: &State) -> State {
        self.point(gas, (*w, [0.0; 4], [0.0; 4])).0
    }

    /// The ghost state with its normal and tangential derivatives (all in the local frame).
    pub fn point(&self, gas: &Gas, (w, dn, dt): (State, State, State)) -> (State, State, State) {
        let (q, qn) = prim_t(gas, &w, &dn);
        let (_, qt) = prim_t(gas, &w, &dt);
        let [rho, u, v, t] = q;
        // Reflected velocity: normal derivative kept, tangential reversed.
        let (gu, gv) = (-u, 2.0 * self.u_t - v);
        match self.temperature {
            None => {
                let g = [rho, gu, gv, t];
                let gn = [-qn[0], qn[1], qn[2], -qn[3]];
                let gt = [qt[0], -qt[1], -qt[2], qt[3]];
                (
                    cons_t(gas, &g),
                    cons_dt(gas, &g, &gn),
                    cons_dt(gas, &g, &gt),
                )
            }
            Some(tw) => {
                // Pressure mirrored, temperature reflected about T_w: ρ_g = p/T_g.
                let p = rho * t;
                let tg = ghost_temperature(tw, t);
                let g = [p / tg, gu, gv, tg];
                // p' = T ρ' + ρ T'; the ghost's p' is reversed, its T' kept (normal); tangential the other way.
                let dp = |d: &[f64; 4]| t * d[0] + rho * d[3];
                let drho = |dpg: f64, dtg: f64| (dpg - g[0] * dtg) / tg;
                let (pn, pt) = (dp(&qn), dp(&qt));
                let gn = [drho(-pn, qn[3]), qn[1], qn[2], qn[3]];
                let gt = [drho(pt, -qt[3]), -qt[1], -qt[2], -qt[3]];
                (
                    cons_t(gas, &g),
                    cons_dt(gas, &g, &gn),
                    cons_dt(gas, &g, &gt),
                )
            }
        }
    }

    /// The normal derivative at the wall (local frame, along the outward normal) from the averages `w0`,
    /// `w1` of the first two cells off the wall (width `h`, local frame): velocity and an isothermal wall's
    /// temperature from the quadratic through the wall value and both averages (exact for quadratic
    /// profiles; reflecting the cells into ghosts gives an O(h) error wherever the profile is curved),
    /// no normal temperature gradient at an adiabatic wall, and none of pressure (boundary-layer
    /// approximation).
    pub fn wall_derivative(&self, gas: &Gas, w0: &State, w1: &State, h: f64) -> State {
        let (q0, _) = prim_t(gas, w0, &[0.0; 4]);
        let (q1, _) = prim_t(gas, w1, &[0.0; 4]);
        // Derivative into the fluid of a Dirichlet quantity with wall value `v`.
        let slope = |a0: f64, a1: f64, v: f64| (7.0 * (a0 - v) - (a1 - v)) / (2.0 * h);
        let p = q0[0] * q0[3];
        let (tw, dt) = match self.temperature {
            Some(tw) => (tw, slope(q0[3], q1[3], tw)),
            None => (q0[3], 0.0),
        };
        let g = [p / tw, 0.0, self.u_t, tw];
        // Into the fluid: (ρ, u, v, T) with dp = 0 → dρ = −ρ dT/T; along the outward normal: the negative.
        let into = [
            -g[0] * dt / tw,
            slope(q0[1], q1[1], 0.0),
            slope(q0[2], q1[2], self.u_t),
            dt,
        ];
        cons_dt(gas, &g, &into.map(|x| -x))
    }

    /// Makes a wall flux (local frame, per unit length: `[mass, normal momentum, tangential momentum,
    /// energy]`) exact where the mirror states leave an O(h) error: no mass crosses the wall, and through an
    /// adiabatic wall only the work of the wall shear, `u_t · F_t`, with `h` the total enthalpy at the wall.
    /// The mass flux is removed together with the momentum `m u_t` and energy `m h` it carries: zeroing the
    /// mass flux alone leaves a source in the other equations, and the cavity then blew up at CFL 0.4.
    #[inline]
    pub fn fix_flux(&self, f: &mut State, h: f64) {
        let m = f[0];
        f[0] = 0.0;
        f[2] -= m * self.u_t;
        f[3] -= m * h;
        if self.temperature.is_none() {
            f[3] = self.u_t * f[2];
        }
    }
}

/// Total enthalpy `(ρE + p)/ρ` of a conservative state.
#[inline]
pub fn enthalpy(gas: &Gas, w: &State) -> f64 {
    (w[3] + gas.pressure(w)) / w[0]
}

/// Subsonic inflow: density and velocity of the prescribed primitive state `s`, pressure of the interior.
#[inline]
pub fn subsonic_inflow(gas: &Gas, w: &State, s: &[f64; 4]) -> State {
    gas.conservative([s[0], s[1], s[2], gas.pressure(w)])
}

/// Subsonic outflow: density and velocity of the interior, the prescribed pressure `p`.
#[inline]
pub fn subsonic_outflow(gas: &Gas, w: &State, p: f64) -> State {
    let [rho, u, v, _] = gas.primitive(w);
    gas.conservative([rho, u, v, p])
}

/// Characteristic far field (local frame, `far` the far-field primitive state rotated into it): the normal
/// velocity and sound speed from the outgoing Riemann invariant of the interior and the incoming one of
/// the far field, entropy and tangential velocity from the far field at inflow and from the interior at
/// outflow; supersonic boundaries take the far field (inflow) or the interior (outflow) whole.
pub fn characteristic(gas: &Gas, w: &State, far: &[f64; 4]) -> State {
    let g = gas.gamma;
    let [rho, u, v, p] = gas.primitive(w);
    let c = (g * p / rho).sqrt();
    let [rf, uf, vf, pf] = *far;
    let cf = (g * pf / rf).sqrt();
    if uf <= -cf {
        return gas.conservative(*far);
    }
    if u >= c {
        return *w;
    }
    let r_out = u + 2.0 * c / (g - 1.0);
    let r_in = uf - 2.0 * cf / (g - 1.0);
    let un = 0.5 * (r_out + r_in);
    let cb = 0.25 * (g - 1.0) * (r_out - r_in);
    let (s, vt) = if un < 0.0 {
        (pf / rf.powf(g), vf)
    } else {
        (p / rho.powf(g), v)
    };
    let rb = (cb * cb / (g * s)).powf(1.0 / (g - 1.0));
    gas.conservative([rb, un, vt, rb * cb * cb / g])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gas() -> Gas {
        Gas::new(1.4).unwrap()
    }

    /// Interior state along the normal (s < 0 inside) of a smooth field; the ghost at s > 0 must continue
    /// it as the mirror image: `g(s) = M(w(−s))`, so at s = 0 value and derivatives follow by differences.
    #[test]
    fn no_slip_ghost_derivatives_are_those_of_the_mirror_image() {
        let gas = gas();
        // Primitive (ρ, u, v, T) as smooth functions of (s, r) (s normal, r tangential).
        let field = |s: f64, r: f64| -> [f64; 4] {
            [
                1.1 + 0.2 * s - 0.1 * r,
                0.03 * s + 0.02 * r,
                0.3 + 0.5 * s + 0.1 * r,
                0.9 - 0.3 * s + 0.05 * r,
            ]
        };
        for wall in [
            NoSlip {
                u_t: 0.3,
                temperature: None,
            },
            NoSlip {
                u_t: -0.1,
                temperature: Some(0.95),
            },
        ] {
            let mirror = |s: f64, r: f64| -> State {
                let q = field(-s, r);
                let (u, v) = (-q[1], 2.0 * wall.u_t - q[2]);
                match wall.temperature {
                    None => cons_t(&gas, &[q[0], u, v, q[3]]),
                    Some(tw) => {
                        let p = q[0] * q[3];
                        let tg = 2.0 * tw - q[3];
                        cons_t(&gas, &[p / tg, u, v, tg])
                    }
                }
            };
            let w = |s: f64, r: f64| cons_t(&gas, &field(s, r));
            let h = 1e-6;
            let diff = |f: &dyn Fn(f64, f64) -> State, ds: f64, dr: f64| -> State {
                let (a, b) = (f(ds * h, dr * h), f(-ds * h, -dr * h));
                std::array::from_fn(|i| (a[i] - b[i]) / (2.0 * h))
            };
            let inner = (w(0.0, 0.0), diff(&w, 1.0, 0.0), diff(&w, 0.0, 1.0));
            let (g, gn, gt) = wall.point(&gas, inner);
            let (e, en, et) = (
                mirror(0.0, 0.0),
                diff(&mirror, 1.0, 0.0),
                diff(&mirror, 0.0, 1.0),
            );
            for i in 0..4 {
                assert!((g[i] - e[i]).abs() < 1e-12, "{wall:?} state {i}");
                assert!(
                    (gn[i] - en[i]).abs() < 1e-7,
                    "{wall:?} normal {i}: {gn:?} vs {en:?}"
                );
                assert!(
                    (gt[i] - et[i]).abs() < 1e-7,
                    "{wall:?} tangential {i}: {gt:?} vs {et:?}"
                );
            }
        }
    }

    /// Quadratic velocity and temperature profiles off an isothermal moving wall: the wall derivative from
    /// two cell averages is exact.
    #[test]
    fn wall_derivative_is_exact_for_quadratic_profiles() {
        let gas = gas();
        let wall = NoSlip {
            u_t: 0.3,
            temperature: Some(0.9),
        };
        let h = 0.1;
        let p = 0.8;
        // s = distance into the fluid; u_n = 2s − 5s², u_t = 0.3 + s − 4s², T = 0.9 + 0.5s + 2s².
        let (a, b) = ([2.0, 1.0, 0.5], [-5.0, -4.0, 2.0]);
        let avg = |j: f64, k: usize, w0: f64| {
            let m1 = ((j + 1.0).powi(2) - j * j) / 2.0 * h;
            let m2 = ((j + 1.0).powi(3) - j.powi(3)) / 3.0 * h * h;
            w0 + a[k] * m1 + b[k] * m2
        };
        let cell = |j: f64| {
            let t = avg(j, 2, 0.9);
            // ρ = p/T with the cell-average temperature (the wall formula works on primitive averages).
            let q = [p / t, avg(j, 0, 0.0), avg(j, 1, 0.3), t];
            cons_t(&gas, &q)
        };
        let d = wall.wall_derivative(&gas, &cell(0.0), &cell(1.0), h);
        let g = [p / 0.9, 0.0, 0.3, 0.9];
        let into = [-g[0] * a[2] / 0.9, a[0], a[1], a[2]];
        let e = cons_dt(&gas, &g, &into.map(|x| -x));
        for i in 0..4 {
            assert!((d[i] - e[i]).abs() < 1e-10, "{i}: {d:?} vs {e:?}");
        }
    }

    #[test]
    fn characteristic_far_field_keeps_a_uniform_flow_and_switches_on_supersonic() {
        let gas = gas();
        for far in [
            [1.0, 0.3, 0.1, 1.0 / 1.4],
            [1.0, -0.3, 0.2, 1.0 / 1.4],
            [1.0, 2.0, 0.0, 1.0 / 1.4],
        ] {
            let w = gas.conservative(far);
            let g = characteristic(&gas, &w, &far);
            for i in 0..4 {
                assert!((g[i] - w[i]).abs() < 1e-12, "{far:?}: {g:?}");
            }
        }
        // Supersonic inflow takes the far field, supersonic outflow the interior.
        let w = gas.conservative([2.0, 0.1, 0.0, 1.0]);
        let far = [1.0, -3.0, 0.0, 1.0 / 1.4];
        assert_eq!(characteristic(&gas, &w, &far), gas.conservative(far));
        let w = gas.conservative([1.0, 3.0, 0.0, 1.0 / 1.4]);
        assert_eq!(characteristic(&gas, &w, &[1.0, 0.0, 0.0, 1.0]), w);
        // Subsonic outflow: the outgoing invariant of the interior is kept.
        let w = gas.conservative([1.0, 0.2, 0.0, 1.0 / 1.4]);
        let far = [1.0, 0.0, 0.0, 1.1 / 1.4];
        let [rb, ub, _, pb] = gas.primitive(&characteristic(&gas, &w, &far));
        let c = |r: f64, p: f64| (1.4 * p / r).sqrt();
        assert!((ub + 5.0 * c(rb, pb) - (0.2 + 5.0 * 1.0)).abs() < 1e-12);
        assert!((ub - 5.0 * c(rb, pb) - (0.0 - 5.0 * 1.1f64.sqrt())).abs() < 1e-12);
    }
}
