//! A verbatim copy of the 2D gas-kinetic flux as it was before `src/physics` became generic over the
//! dimension (commit 83019bc): the reference for the bit-for-bit test of the generic 2D path and for the
//! before/after figure of `benches/flux.rs`, which includes this file with `#[path]`.
//!
//! Do not edit the arithmetic: its point is to stay what the old code computed, operation for operation. The
//! one change since: `exp` and `erfc` are the crate's own ([`super::special`]) instead of glibc's and
//! `libm`'s, as in the flux (the bench that includes this file provides a `special` module beside it).

#![allow(dead_code, clippy::needless_range_loop)]

/// The crate's `exp` ([`crate::physics::special::exp`]) of one value: the frozen code's formulas with
/// today's special functions, so that the comparison with the generic flux stays bit for bit.
fn exp(x: f64) -> f64 {
    super::special::exp([x])[0]
}

/// The crate's `erfc` of one value.
fn erfc(x: f64) -> f64 {
    super::special::erfc([x])[0]
}

use super::{FacePoint, FluxParams, Gas, State};

/// Moment tables of one Maxwellian: `u[n] = ⟨uⁿ⟩` (full or half space), `v[m] = ⟨vᵐ⟩`, `xi[l] = ⟨ξ^{2l}⟩`.
#[derive(Debug, Clone, Copy)]
pub struct Moments {
    /// Normal-velocity moments, orders 0..=6.
    pub u: [f64; 7],
    /// Tangential-velocity moments, orders 0..=5.
    pub v: [f64; 6],
    /// Internal-energy moments ⟨ξ⁰⟩, ⟨ξ²⟩, ⟨ξ⁴⟩.
    pub xi: [f64; 3],
}

#[inline]
fn recurse<const N: usize>(m: &mut [f64; N], c: f64, lambda: f64) {
    let h = 0.5 / lambda;
    for n in 0..N - 2 {
        m[n + 2] = c * m[n + 1] + (n as f64 + 1.0) * h * m[n];
    }
}

#[inline]
fn xi_moments(k: f64, lambda: f64) -> [f64; 3] {
    let h = 0.5 / lambda;
    [1.0, k * h, k * (k + 2.0) * h * h]
}

#[inline]
fn v_moments(v0: f64, lambda: f64) -> [f64; 6] {
    let mut v = [0.0; 6];
    v[0] = 1.0;
    v[1] = v0;
    recurse(&mut v, v0, lambda);
    v
}

impl Moments {
    /// Full-space moments at mean velocity (U, V) and λ, with K internal degrees of freedom.
    #[inline]
    pub fn full(u0: f64, v0: f64, lambda: f64, k: f64) -> Self {
        let mut u = [0.0; 7];
        u[0] = 1.0;
        u[1] = u0;
        recurse(&mut u, u0, lambda);
        Moments {
            u,
            v: v_moments(v0, lambda),
            xi: xi_moments(k, lambda),
        }
    }

    /// The two half-space tables `(u > 0, u < 0)` at (U, V, λ).
    #[inline]
    pub fn halves(u0: f64, v0: f64, lambda: f64, k: f64) -> (Self, Self) {
        let s = lambda.sqrt();
        let e = exp(-lambda * u0 * u0) / (2.0 * (std::f64::consts::PI * lambda).sqrt());
        let mut up = [0.0; 7];
        let mut um = [0.0; 7];
        up[0] = 0.5 * erfc(-s * u0);
        um[0] = 0.5 * erfc(s * u0);
        up[1] = u0 * up[0] + e;
        um[1] = u0 * um[0] - e;
        recurse(&mut up, u0, lambda);
        recurse(&mut um, u0, lambda);
        let v = v_moments(v0, lambda);
        let xi = xi_moments(k, lambda);
        (Moments { u: up, v, xi }, Moments { u: um, v, xi })
    }

    #[inline(always)]
    fn m(&self, n: usize, m: usize, l: usize) -> f64 {
        self.u[n] * self.v[m] * self.xi[l]
    }

    /// `⟨uⁿ vᵐ ξ^{2l} ψ⟩`.
    #[inline(always)]
    fn psi_l(&self, n: usize, m: usize, l: usize) -> [f64; 4] {
        [
            self.m(n, m, l),
            self.m(n + 1, m, l),
            self.m(n, m + 1, l),
            0.5 * (self.m(n + 2, m, l) + self.m(n, m + 2, l) + self.m(n, m, l + 1)),
        ]
    }

    /// `⟨uⁿ vᵐ ψ⟩`.
    #[inline]
    pub fn psi(&self, n: usize, m: usize) -> [f64; 4] {
        self.psi_l(n, m, 0)
    }

    /// `⟨uⁿ vᵐ ψ a⟩` for the slope polynomial `a = a₁ + a₂u + a₃v + a₄·½(u² + v² + ξ²)`.
    #[inline]
    pub fn psi_poly(&self, n: usize, m: usize, a: &[f64; 4]) -> [f64; 4] {
        let p0 = self.psi_l(n, m, 0);
        let pu = self.psi_l(n + 1, m, 0);
        let pv = self.psi_l(n, m + 1, 0);
        let puu = self.psi_l(n + 2, m, 0);
        let pvv = self.psi_l(n, m + 2, 0);
        let pxx = self.psi_l(n, m, 1);
        let mut r = [0.0; 4];
        for i in 0..4 {
            r[i] = a[0] * p0[i]
                + a[1] * pu[i]
                + a[2] * pv[i]
                + 0.5 * a[3] * (puu[i] + pvv[i] + pxx[i]);
        }
        r
    }
}

/// Solves `⟨ψ a⟩ = r` for the slope polynomial `a` at (U, V, λ) in closed form (docs/method.md §2.4).
///
/// `r` is a derivative of the conservative variables divided by ρ.
#[inline]
pub fn solve_slope(r: &[f64; 4], u0: f64, v0: f64, lambda: f64, k: f64) -> [f64; 4] {
    let b = 0.5 * (u0 * u0 + v0 * v0 + (k + 2.0) / (2.0 * lambda));
    let r4 = r[3] - b * r[0];
    let r3 = r[2] - v0 * r[0];
    let r2 = r[1] - u0 * r[0];
    let a4 = 4.0 * lambda * lambda / (k + 2.0) * (2.0 * r4 - 2.0 * u0 * r2 - 2.0 * v0 * r3);
    let a3 = 2.0 * lambda * r3 - v0 * a4;
    let a2 = 2.0 * lambda * r2 - u0 * a4;
    let a1 = r[0] - u0 * a2 - v0 * a3 - b * a4;
    [a1, a2, a3, a4]
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
        exp(-delta / tau_n)
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

/// The 2D flux as it was before the dimension-generic rewrite: the fitted gas-kinetic flux `F⁰` and its time derivative `∂ₜF⁰` at one face point for a step `dt`.
///
/// Both are in the local frame and per unit face length. The two time integrals over `Δt` and `Δt/2` use the
/// same τ and τₙ (docs/method.md §3.4); the physical τ enters the Chapman–Enskog terms and τₙ only the relaxation
/// (docs/method.md §3.5). The states must be admissible (positive density and pressure).
#[inline]
pub fn gks_flux_ref(gas: &Gas, fp: &FacePoint, dt: f64, params: &FluxParams) -> (State, State) {
    Prepared::new(gas, fp, dt, params).fitted(dt)
}
