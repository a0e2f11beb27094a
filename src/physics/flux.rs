//! The second-order gas-kinetic (BGK) flux at one face point and its time derivative (docs/method.md §3).
//!
//! Everything here is in the face's local frame: the first velocity component is along the unit normal `n`
//! (pointing from the left to the right state), the second along `t = (−n_y, n_x)`. [`to_local`] and
//! [`from_local`] rotate states and fluxes. The flux knows nothing of meshes: it maps the two one-sided point
//! states with their normal and tangential derivatives to the fitted flux `F⁰` and its time derivative `∂ₜF⁰`.

use super::gas::{Gas, State};
use super::moments::{solve_slope, Moments};
use super::viscosity::Viscosity;

/// Collision-time and viscosity settings of the flux.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FluxParams {
    /// Numerical collision time coefficient c₁ of `τₙ = τ + (c₁ + c₂|p_L − p_R|/(p_L + p_R))Δt`.
    pub tau_c1: f64,
    /// Pressure-jump coefficient c₂ of the numerical collision time.
    pub tau_c2: f64,
    /// Viscosity law and Prandtl number; the physical collision time is `τ = μ(T₀)/p₀` at the equilibrium
    /// state (0 for the Euler equations).
    pub viscosity: Viscosity,
}

impl Default for FluxParams {
    fn default() -> Self {
        FluxParams {
            tau_c1: 0.05,
            tau_c2: 1.0,
            viscosity: Viscosity::INVISCID,
        }
    }
}

/// Data at one face point, in the local frame.
#[derive(Debug, Clone, Copy)]
pub struct FacePoint {
    /// Left state (conservative, local frame).
    pub wl: State,
    /// Normal derivative of the left state.
    pub nl: State,
    /// Tangential derivative of the left state.
    pub tl: State,
    /// Right state.
    pub wr: State,
    /// Normal derivative of the right state.
    pub nr: State,
    /// Tangential derivative of the right state.
    pub tr: State,
    /// Normal derivative of the equilibrium state, when the scheme provides one (otherwise the collision of the
    /// one-sided slopes is used).
    pub n0: Option<State>,
}

/// Rotates a conservative state (or a derivative of one) into the frame with normal `n`.
#[inline]
pub fn to_local(w: &State, n: [f64; 2]) -> State {
    [
        w[0],
        w[1] * n[0] + w[2] * n[1],
        -w[1] * n[1] + w[2] * n[0],
        w[3],
    ]
}

/// Rotates a flux from the frame with normal `n` back to the global frame.
#[inline]
pub fn from_local(f: &State, n: [f64; 2]) -> State {
    [
        f[0],
        f[1] * n[0] - f[2] * n[1],
        f[1] * n[1] + f[2] * n[0],
        f[3],
    ]
}

#[inline]
fn prim(gas: &Gas, w: &State) -> (f64, f64, f64, f64) {
    let rho = w[0];
    let u = w[1] / rho;
    let v = w[2] / rho;
    let lambda = (gas.k + 2.0) * rho / (4.0 * (w[3] - 0.5 * rho * (u * u + v * v)));
    (rho, u, v, lambda)
}

#[inline]
fn scale(a: &State, s: f64) -> State {
    [a[0] * s, a[1] * s, a[2] * s, a[3] * s]
}

#[inline]
fn add(a: &State, b: &State) -> State {
    [a[0] + b[0], a[1] + b[1], a[2] + b[2], a[3] + b[3]]
}

/// The time coefficients T0…T5 of the flux integral over `[0, δ]` (docs/method.md §3.3).
#[inline]
fn time_coefficients(delta: f64, tau: f64, tau_n: f64) -> [f64; 6] {
    let e = if tau_n > 0.0 {
        (-delta / tau_n).exp()
    } else {
        0.0
    };
    let one_e = 1.0 - e;
    [
        tau_n * one_e,
        tau_n * ((delta + tau_n) * e - tau_n) - tau * tau_n * one_e,
        -tau * tau_n * one_e,
        delta - tau_n * one_e,
        tau_n * (tau_n - (delta + tau_n) * e) + tau * tau_n * one_e - tau * delta,
        0.5 * delta * delta - tau * delta + tau * tau_n * one_e,
    ]
}

/// The collision state W₀ and its slopes: the equilibrium Maxwellian at the face.
struct Side {
    rho: f64,
    /// Moment table of the half space that this side contributes (u > 0 left, u < 0 right).
    half: Moments,
    a: [f64; 4],
    b: [f64; 4],
}

impl Side {
    #[inline]
    fn new(gas: &Gas, w: &State, dn: &State, dt: &State, left: bool) -> (Self, (f64, f64, f64)) {
        let (rho, u, v, lambda) = prim(gas, w);
        let (p, m) = Moments::halves(u, v, lambda, gas.k);
        let inv = 1.0 / rho;
        let a = solve_slope(&scale(dn, inv), u, v, lambda, gas.k);
        let b = solve_slope(&scale(dt, inv), u, v, lambda, gas.k);
        let half = if left { p } else { m };
        (Side { rho, half, a, b }, (u, v, lambda))
    }

    /// The three moment vectors this side contributes: ⟨uψ⟩, ⟨u²aψ⟩ + ⟨uvbψ⟩, ⟨uAψ⟩ (the last only when τ > 0).
    #[inline]
    fn flux_moments(&self, gas: &Gas, uvl: (f64, f64, f64), tau: f64) -> [State; 3] {
        let m0 = self.half.psi(1, 0);
        let m1 = add(
            &self.half.psi_poly(2, 0, &self.a),
            &self.half.psi_poly(1, 1, &self.b),
        );
        let m2 = if tau > 0.0 {
            let (u, v, lambda) = uvl;
            let full = Moments::full(u, v, lambda, gas.k);
            let r = add(&full.psi_poly(1, 0, &self.a), &full.psi_poly(0, 1, &self.b));
            let big_a = solve_slope(&scale(&r, -1.0), u, v, lambda, gas.k);
            self.half.psi_poly(1, 0, &big_a)
        } else {
            [0.0; 4]
        };
        [m0, m1, m2]
    }
}

/// The moment vectors of one face point, summed per time coefficient and scaled by density, with τ and τₙ.
///
/// `𝔽(δ) = Σₖ Tₖ(δ) s[k]`: the flux integral for any δ costs only the six time coefficients.
struct Prepared {
    s: [State; 6],
    tau: f64,
    tau_n: f64,
    /// Prandtl correction of the energy flux per unit time, `(1/Pr − 1) q` (docs/method.md §3.6).
    prandtl: f64,
}

impl Prepared {
    #[inline]
    fn new(gas: &Gas, fp: &FacePoint, dt: f64, params: &FluxParams) -> Self {
        let (l, uvl_l) = Side::new(gas, &fp.wl, &fp.nl, &fp.tl, true);
        let (r, uvl_r) = Side::new(gas, &fp.wr, &fp.nr, &fp.tr, false);

        // Equilibrium state by collision of the two half Maxwellians (u > 0 from the left).
        let w0 = add(
            &scale(&l.half.psi(0, 0), l.rho),
            &scale(&r.half.psi(0, 0), r.rho),
        );
        let (rho0, u0, v0, lambda0) = prim(gas, &w0);
        let m0 = Moments::full(u0, v0, lambda0, gas.k);
        let inv0 = 1.0 / rho0;
        let dn0 = match fp.n0 {
            Some(d) => d,
            None => add(
                &scale(&l.half.psi_poly(0, 0, &l.a), l.rho),
                &scale(&r.half.psi_poly(0, 0, &r.a), r.rho),
            ),
        };
        let dt0 = add(
            &scale(&l.half.psi_poly(0, 0, &l.b), l.rho),
            &scale(&r.half.psi_poly(0, 0, &r.b), r.rho),
        );
        let a0 = solve_slope(&scale(&dn0, inv0), u0, v0, lambda0, gas.k);
        let b0 = solve_slope(&scale(&dt0, inv0), u0, v0, lambda0, gas.k);
        let ra = add(&m0.psi_poly(1, 0, &a0), &m0.psi_poly(0, 1, &b0));
        let big_a0 = solve_slope(&scale(&ra, -1.0), u0, v0, lambda0, gas.k);

        // Physical τ from the viscosity at the equilibrium state; τₙ adds the numerical part.
        let p0 = 0.5 * rho0 / lambda0;
        let mu = &params.viscosity;
        let tau = if mu.is_viscous() {
            mu.mu(0.5 / lambda0) / p0
        } else {
            0.0
        };
        let pl = 0.5 * l.rho / uvl_l.2;
        let pr = 0.5 * r.rho / uvl_r.2;
        let jump = (pl - pr).abs() / (pl + pr);
        let tau_n = tau + (params.tau_c1 + params.tau_c2 * jump) * dt;

        let ml = l.flux_moments(gas, uvl_l, tau);
        let mr = r.flux_moments(gas, uvl_r, tau);
        let me = [
            m0.psi(1, 0),
            add(&m0.psi_poly(2, 0, &a0), &m0.psi_poly(1, 1, &b0)),
            m0.psi_poly(1, 0, &big_a0),
        ];
        let side = |k: usize| add(&scale(&ml[k], l.rho), &scale(&mr[k], r.rho));
        // Prandtl fix: the Chapman–Enskog part of the equilibrium term carries the heat flux
        // q = −τ ρ₀ ⟨(u−U)·½((u−U)² + (v−V)² + ξ²) c⟩ per unit time (c = āu + b̄v + Ā), whose energy
        // moment is the energy flux minus the work of the momentum flux.
        let prandtl = if tau > 0.0 && mu.prandtl != 1.0 {
            let c = add(&me[1], &me[2]);
            let heat = c[3] - u0 * c[1] - v0 * c[2];
            (1.0 / mu.prandtl - 1.0) * (-tau * rho0 * heat)
        } else {
            0.0
        };
        Prepared {
            s: [
                side(0),
                side(1),
                side(2),
                scale(&me[0], rho0),
                scale(&me[1], rho0),
                scale(&me[2], rho0),
            ],
            tau,
            tau_n,
            prandtl,
        }
    }

    #[inline]
    fn combine(&self, c: &[f64; 6]) -> State {
        let mut f = [0.0; 4];
        for (k, s) in self.s.iter().enumerate() {
            for i in 0..4 {
                f[i] += c[k] * s[i];
            }
        }
        f
    }

    /// `𝔽(δ)`, the flux integrated over `[0, δ]`.
    #[cfg(test)]
    fn integral(&self, delta: f64) -> State {
        let mut f = self.combine(&time_coefficients(delta, self.tau, self.tau_n));
        f[3] += self.prandtl * delta;
        f
    }

    /// Linear fit `F(t) = F⁰ + t∂ₜF⁰` to `𝔽(Δt)` and `𝔽(Δt/2)`, folded into the time coefficients.
    #[inline]
    fn fitted(&self, dt: f64) -> (State, State) {
        let t1 = time_coefficients(dt, self.tau, self.tau_n);
        let th = time_coefficients(0.5 * dt, self.tau, self.tau_n);
        let mut c_f = [0.0; 6];
        let mut c_d = [0.0; 6];
        for k in 0..6 {
            c_f[k] = (4.0 * th[k] - t1[k]) / dt;
            c_d[k] = 4.0 * (t1[k] - 2.0 * th[k]) / (dt * dt);
        }
        // The Prandtl correction is linear in δ: it adds to F⁰ only.
        let mut f = self.combine(&c_f);
        f[3] += self.prandtl;
        (f, self.combine(&c_d))
    }
}

/// The fitted gas-kinetic flux `F⁰` and its time derivative `∂ₜF⁰` at one face point for a step `dt`.
///
/// Both are in the local frame and per unit face length. The two time integrals over `Δt` and `Δt/2` use the
/// same τ and τₙ (docs/method.md §3.4); the physical τ enters the Chapman–Enskog terms and τₙ only the relaxation
/// (docs/method.md §3.5). The states must be admissible (positive density and pressure).
#[inline]
pub fn gks_flux(gas: &Gas, fp: &FacePoint, dt: f64, params: &FluxParams) -> (State, State) {
    Prepared::new(gas, fp, dt, params).fitted(dt)
}

/// The time-integrated flux `𝔽(δ)` with τₙ built for the step `dt`, for tests of the fit.
#[cfg(test)]
fn integrated_flux(gas: &Gas, fp: &FacePoint, dt: f64, delta: f64, params: &FluxParams) -> State {
    Prepared::new(gas, fp, dt, params).integral(delta)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn uniform(w: State) -> FacePoint {
        FacePoint {
            wl: w,
            nl: [0.0; 4],
            tl: [0.0; 4],
            wr: w,
            nr: [0.0; 4],
            tr: [0.0; 4],
            n0: None,
        }
    }

    #[test]
    fn uniform_state_gives_the_euler_flux() {
        let gas = Gas::new(1.4).unwrap();
        let w = gas.conservative([1.3, 0.4, -0.7, 2.2]);
        for params in [
            FluxParams::default(),
            FluxParams {
                viscosity: Viscosity::constant(0.01, 0.72),
                ..Default::default()
            },
        ] {
            let (f, d) = gks_flux(&gas, &uniform(w), 1e-2, &params);
            let e = gas.euler_flux(&w, [1.0, 0.0]);
            for i in 0..4 {
                assert!((f[i] - e[i]).abs() < 1e-12, "{f:?} vs {e:?}");
                assert!(d[i].abs() < 1e-10);
            }
        }
    }

    #[test]
    fn rotation_round_trip_and_invariance() {
        let gas = Gas::new(1.4).unwrap();
        let w = gas.conservative([1.1, 0.3, 0.9, 1.7]);
        let n = [0.6, 0.8];
        let wl = to_local(&w, n);
        let (f, _) = gks_flux(&gas, &uniform(wl), 1e-3, &FluxParams::default());
        let g = from_local(&f, n);
        let e = gas.euler_flux(&w, n);
        for i in 0..4 {
            assert!((g[i] - e[i]).abs() < 1e-12);
        }
    }

    /// Linear smooth state: the flux equals the Navier–Stokes flux with μ = τp, the 2D-model bulk term
    /// 2/(K+2) and κ = c_p μ/Pr = (K+4)μ/(2 Pr) (docs/method.md §2.2, §3.6), for Pr = 1 (BGK) and
    /// with the Prandtl fix.
    #[test]
    fn smooth_linear_state_gives_the_navier_stokes_flux() {
        for pr in [1.0, 0.72, 2.0 / 3.0] {
            navier_stokes_flux_check(pr);
        }
    }

    fn navier_stokes_flux_check(pr: f64) {
        let dpx = [0.05, 0.1, -0.07, 0.03];
        let dpy = [-0.02, 0.04, 0.08, -0.05];
        linear_state_check([1.2, 0.3, -0.2, 0.9], dpx, dpy, 0.02, pr, &[0.0]);
    }

    /// A linear smooth state seen by a face of any orientation: the rotated flux equals the Navier–Stokes
    /// flux `F·n_x + G·n_y` (stress with the 2D-model bulk term, κ = c_p μ/Pr).
    #[test]
    fn navier_stokes_flux_on_oblique_faces() {
        let dpx = [0.02, 0.05, 0.3, -0.04];
        let dpy = [-0.03, 0.7, -0.06, 0.05];
        linear_state_check(
            [1.1, 0.4, -0.3, 0.8],
            dpx,
            dpy,
            0.03,
            0.72,
            &[0.3, 1.0, 2.2, 4.0, 5.5],
        );
    }

    /// The GKS flux (τₙ = τ) of the state with primitive values `prim` and primitive gradients `dpx`, `dpy`
    /// at faces with normals at the angles `angles` equals the Navier–Stokes flux to 1e-9.
    fn linear_state_check(
        prim: [f64; 4],
        dpx: [f64; 4],
        dpy: [f64; 4],
        mu: f64,
        pr: f64,
        angles: &[f64],
    ) {
        let gas = Gas::new(1.4).unwrap();
        let k = gas.k;
        let w = gas.conservative(prim);
        let [r, u, v, p] = prim;
        let cons_grad = |dp: [f64; 4]| {
            [
                dp[0],
                dp[0] * u + r * dp[1],
                dp[0] * v + r * dp[2],
                dp[3] / (gas.gamma - 1.0)
                    + 0.5 * dp[0] * (u * u + v * v)
                    + r * (u * dp[1] + v * dp[2]),
            ]
        };
        let (wx, wy) = (cons_grad(dpx), cons_grad(dpy));
        let (ux, vx, uy, vy) = (dpx[1], dpx[2], dpy[1], dpy[2]);
        let div = ux + vy;
        let sxx = mu * (2.0 * ux - 2.0 / (k + 2.0) * div);
        let syy = mu * (2.0 * vy - 2.0 / (k + 2.0) * div);
        let sxy = mu * (vx + uy);
        let kappa = (k + 4.0) / 2.0 * mu / pr;
        // T = p/ρ; ∂T/∂x = (p_x ρ − p ρ_x)/ρ².
        let tx = (dpx[3] * r - p * dpx[0]) / (r * r);
        let ty = (dpy[3] * r - p * dpy[0]) / (r * r);
        let params = FluxParams {
            tau_c1: 0.0,
            tau_c2: 0.0,
            viscosity: Viscosity::constant(mu, pr),
        };
        for &a in angles {
            let n = [a.cos(), a.sin()];
            let t = [-n[1], n[0]];
            let dn: State = std::array::from_fn(|q| wx[q] * n[0] + wy[q] * n[1]);
            let dt: State = std::array::from_fn(|q| wx[q] * t[0] + wy[q] * t[1]);
            let (wl, nl, tl) = (to_local(&w, n), to_local(&dn, n), to_local(&dt, n));
            let fp = FacePoint {
                wl,
                nl,
                tl,
                wr: wl,
                nr: nl,
                tr: tl,
                n0: None,
            };
            let f = from_local(&gks_flux(&gas, &fp, 1e-3, &params).0, n);
            let e = gas.euler_flux(&w, n);
            let (fx, fy) = (sxx * n[0] + sxy * n[1], sxy * n[0] + syy * n[1]);
            let ns = [
                e[0],
                e[1] - fx,
                e[2] - fy,
                e[3] - (u * fx + v * fy) - kappa * (tx * n[0] + ty * n[1]),
            ];
            for i in 0..4 {
                assert!(
                    (f[i] - ns[i]).abs() < 1e-9,
                    "Pr {pr} angle {a} component {i}: {} vs {}",
                    f[i],
                    ns[i]
                );
            }
        }
    }

    /// Smooth data in the Euler limit (τ = 0, τₙ > 0): the exponentials cancel (docs/method.md §3.7), so F⁰ is the Euler flux
    /// of the point state and ∂ₜF⁰ is the time derivative of the Euler flux, `J_x·W_t` with
    /// `W_t = −(J_x W_x + J_y W_y)` (Jacobian-vector products by central differences).
    #[test]
    fn smooth_euler_limit_gives_the_flux_and_its_time_derivative() {
        let gas = Gas::new(1.4).unwrap();
        let w = gas.conservative([1.1, 0.4, -0.3, 0.8]);
        let wx = [0.1, -0.05, 0.02, 0.3];
        let wy = [-0.04, 0.03, 0.06, -0.1];
        let fp = FacePoint {
            wl: w,
            nl: wx,
            tl: wy,
            wr: w,
            nr: wx,
            tr: wy,
            n0: None,
        };
        let jv = |n: [f64; 2], v: &State| -> State {
            let h = 1e-6;
            let p: State = std::array::from_fn(|i| w[i] + h * v[i]);
            let m: State = std::array::from_fn(|i| w[i] - h * v[i]);
            let (fp, fm) = (gas.euler_flux(&p, n), gas.euler_flux(&m, n));
            std::array::from_fn(|i| (fp[i] - fm[i]) / (2.0 * h))
        };
        let (ax, ay) = (jv([1.0, 0.0], &wx), jv([0.0, 1.0], &wy));
        let wt: State = std::array::from_fn(|i| -(ax[i] + ay[i]));
        let ft = jv([1.0, 0.0], &wt);
        let e = gas.euler_flux(&w, [1.0, 0.0]);
        for dt in [1e-2, 1e-3] {
            let (f, d) = gks_flux(&gas, &fp, dt, &FluxParams::default());
            for i in 0..4 {
                assert!((f[i] - e[i]).abs() < 1e-11, "F0[{i}] {} vs {}", f[i], e[i]);
                assert!((d[i] - ft[i]).abs() < 1e-7, "dF[{i}] {} vs {}", d[i], ft[i]);
            }
        }
    }

    #[test]
    fn time_derivative_matches_integrals() {
        // 𝔽(Δt) = F⁰Δt + ½∂ₜF⁰Δt² and 𝔽(Δt/2) = ½F⁰Δt + ⅛∂ₜF⁰Δt² by construction of the fit.
        let gas = Gas::new(1.4).unwrap();
        let fp = FacePoint {
            wl: gas.conservative([1.0, 0.5, 0.0, 1.0]),
            nl: [0.3, 0.1, 0.0, 0.5],
            tl: [0.0; 4],
            wr: gas.conservative([0.125, 0.0, 0.0, 0.1]),
            nr: [0.0; 4],
            tr: [0.0; 4],
            n0: None,
        };
        let p = FluxParams::default();
        let dt = 1e-2;
        let (f, d) = gks_flux(&gas, &fp, dt, &p);
        let full = integrated_flux(&gas, &fp, dt, dt, &p);
        let half = integrated_flux(&gas, &fp, dt, 0.5 * dt, &p);
        for i in 0..4 {
            assert!((f[i] * dt + 0.5 * d[i] * dt * dt - full[i]).abs() < 1e-13);
            assert!((0.5 * f[i] * dt + 0.125 * d[i] * dt * dt - half[i]).abs() < 1e-13);
        }
    }
}
