//! The second-order gas-kinetic (BGK) flux at one face point and its time derivative (docs/method.md §3), in
//! `D` = 2 or 3 dimensions.
//!
//! Everything here is in the face's local frame: the first velocity component is along the unit normal `n`
//! (pointing from the left to the right state), the others along the `D − 1` tangents of a [`FrameOf`] (in 2D
//! `t = (−n_y, n_x)`). [`to_local`] and [`from_local`] rotate 2D states and fluxes, [`FrameOf::to_local`] and
//! [`FrameOf::from_local`] those of any dimension. The flux knows nothing of meshes: it maps the two one-sided
//! point states with their normal and tangential derivatives to the fitted flux `F⁰` and its time derivative
//! `∂ₜF⁰`.

use super::dim::{Dim, D2};
use super::gas::{GasOf, State};
use super::moments::{solve_slope_of, MomentsOf};
use super::simd::{Pack, Real};
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

/// Data at one 2D face point, in the local frame (the type the schemes use).
pub type FacePoint = FacePointOf<D2>;

/// Data at one face point, in the local frame. The tangential derivatives `tl`, `tr` are one state in 2D and
/// `[State; 2]` (along `t₁`, `t₂` of the frame) in 3D.
#[derive(Debug, Clone, Copy)]
pub struct FacePointOf<D: Dim> {
    /// Left state (conservative, local frame).
    pub wl: D::State,
    /// Normal derivative of the left state.
    pub nl: D::State,
    /// Tangential derivative(s) of the left state.
    pub tl: D::Tan<D::State>,
    /// Right state.
    pub wr: D::State,
    /// Normal derivative of the right state.
    pub nr: D::State,
    /// Tangential derivative(s) of the right state.
    pub tr: D::Tan<D::State>,
    /// Normal derivative of the equilibrium state, when the scheme provides one (otherwise the collision of the
    /// one-sided slopes is used).
    pub n0: Option<D::State>,
}

/// Rotates a conservative 2D state (or a derivative of one) into the frame with normal `n`.
#[inline]
pub fn to_local(w: &State, n: [f64; 2]) -> State {
    [
        w[0],
        w[1] * n[0] + w[2] * n[1],
        -w[1] * n[1] + w[2] * n[0],
        w[3],
    ]
}

/// Rotates a 2D flux from the frame with normal `n` back to the global frame.
#[inline]
pub fn from_local(f: &State, n: [f64; 2]) -> State {
    [
        f[0],
        f[1] * n[0] - f[2] * n[1],
        f[1] * n[1] + f[2] * n[0],
        f[3],
    ]
}

/// An orthonormal right-handed face frame: the unit normal and `D − 1` unit tangents.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct FrameOf<D: Dim> {
    /// Unit normal, from the left to the right state.
    pub n: D::Vector,
    /// Unit tangents.
    pub t: D::Tan<D::Vector>,
}

impl<D: Dim> FrameOf<D> {
    /// The frame of the unit normal `n` with the tangents of [`Dim::tangents`] (in 2D `t = (−n_y, n_x)`, the
    /// frame of [`to_local`]).
    #[inline]
    pub fn from_normal(n: D::Vector) -> Self {
        FrameOf {
            n,
            t: D::tangents(&n),
        }
    }

    /// `a · m`, where `m = (x[1], …, x[D])` is the momentum part of a state.
    #[inline(always)]
    fn dot(a: &D::Vector, x: &D::State) -> f64 {
        let mut s = x[1] * a[0];
        for i in 1..D::D {
            s += x[1 + i] * a[i];
        }
        s
    }

    /// Rotates a conservative state (or a derivative of one) into this frame.
    #[inline]
    pub fn to_local(&self, w: &D::State) -> D::State {
        let e = D::NVARS - 1;
        D::state_from_fn(|i| match i {
            0 => w[0],
            1 => Self::dot(&self.n, w),
            _ if i == e => w[e],
            _ => Self::dot(D::tan(&self.t, i - 2), w),
        })
    }

    /// Rotates a state or flux from this frame back to the global frame.
    #[inline]
    pub fn from_local(&self, f: &D::State) -> D::State {
        let e = D::NVARS - 1;
        D::state_from_fn(|i| match i {
            0 => f[0],
            _ if i == e => f[e],
            _ => {
                let mut m = f[1] * self.n[i - 1];
                for j in 0..D::D - 1 {
                    m += f[2 + j] * D::tan(&self.t, j)[i - 1];
                }
                m
            }
        })
    }
}

/// The face data of [`FacePointOf`] over any number type: one face point (`S = f64`) or one face point per
/// lane of a [`Pack`] (a structure-of-arrays batch, [`FaceBatch`]).
#[derive(Debug, Clone, Copy)]
pub struct FacePoints<D: Dim, S: Real> {
    /// Left state (conservative, local frame).
    pub wl: D::Vars<S>,
    /// Normal derivative of the left state.
    pub nl: D::Vars<S>,
    /// Tangential derivative(s) of the left state.
    pub tl: D::Tan<D::Vars<S>>,
    /// Right state.
    pub wr: D::Vars<S>,
    /// Normal derivative of the right state.
    pub nr: D::Vars<S>,
    /// Tangential derivative(s) of the right state.
    pub tr: D::Tan<D::Vars<S>>,
    /// Normal derivative of the equilibrium state, for every lane or for none.
    pub n0: Option<D::Vars<S>>,
}

/// `W` face points in structure-of-arrays form, one per lane, for [`gks_flux_batch`].
pub type FaceBatch<D, const W: usize> = FacePoints<D, Pack<W>>;

/// Copies a state into a [`Dim::Vars`] of the same type.
#[inline(always)]
fn vars<D: Dim>(w: &D::State) -> D::Vars<f64> {
    D::vars_from_fn(|i| w[i])
}

/// Copies a tangential family of states.
#[inline(always)]
fn tan_vars<D: Dim>(t: &D::Tan<D::State>) -> D::Tan<D::Vars<f64>> {
    D::tan_from_fn(|j| vars::<D>(D::tan(t, j)))
}

impl<D: Dim> FacePoints<D, f64> {
    /// The single face point `fp`.
    #[inline(always)]
    fn one(fp: &FacePointOf<D>) -> Self {
        FacePoints {
            wl: vars::<D>(&fp.wl),
            nl: vars::<D>(&fp.nl),
            tl: tan_vars::<D>(&fp.tl),
            wr: vars::<D>(&fp.wr),
            nr: vars::<D>(&fp.nr),
            tr: tan_vars::<D>(&fp.tr),
            n0: fp.n0.as_ref().map(vars::<D>),
        }
    }
}

impl<D: Dim, const W: usize> FaceBatch<D, W> {
    /// A batch with every lane zero, with or without the equilibrium normal derivative `n0`. Fill every
    /// lane with [`FaceBatch::set`] (repeat a real point in unused lanes: a zero lane gives NaN).
    pub fn zeroed(with_n0: bool) -> Self {
        let z = D::vars_from_fn(|_| Pack::splat(0.0));
        FacePoints {
            wl: z,
            nl: z,
            tl: D::tan_from_fn(|_| z),
            wr: z,
            nr: z,
            tr: D::tan_from_fn(|_| z),
            n0: with_n0.then_some(z),
        }
    }

    /// Puts face point `fp` in lane `lane`. `fp.n0` must be given exactly when the batch was made with it.
    #[inline]
    pub fn set(&mut self, lane: usize, fp: &FacePointOf<D>) {
        let put = |dst: &mut D::Vars<Pack<W>>, src: &D::State| {
            for i in 0..D::NVARS {
                dst[i].0[lane] = src[i];
            }
        };
        put(&mut self.wl, &fp.wl);
        put(&mut self.nl, &fp.nl);
        put(&mut self.wr, &fp.wr);
        put(&mut self.nr, &fp.nr);
        for j in 0..D::D - 1 {
            put(D::tan_mut(&mut self.tl, j), D::tan(&fp.tl, j));
            put(D::tan_mut(&mut self.tr, j), D::tan(&fp.tr, j));
        }
        match (&mut self.n0, &fp.n0) {
            (Some(d), Some(s)) => put(d, s),
            (None, None) => {}
            _ => panic!("FaceBatch::set: n0 given for some lanes only"),
        }
    }
}

impl<D: Dim, const W: usize> FaceBatch<D, W> {
    /// Copies lane 0 into lanes `from..W`: the padding of a batch that holds fewer than `W` points
    /// (`from ≥ 1`), so that every lane computes an admissible point.
    pub fn pad(&mut self, from: usize) {
        let fill = |v: &mut D::Vars<Pack<W>>| {
            for i in 0..D::NVARS {
                let first = v[i].0[0];
                for x in &mut v[i].0[from..] {
                    *x = first;
                }
            }
        };
        fill(&mut self.wl);
        fill(&mut self.nl);
        fill(&mut self.wr);
        fill(&mut self.nr);
        for j in 0..D::D - 1 {
            fill(D::tan_mut(&mut self.tl, j));
            fill(D::tan_mut(&mut self.tr, j));
        }
        if let Some(d) = &mut self.n0 {
            fill(d);
        }
    }
}

/// Lane `lane` of a batched result as a state.
#[inline]
pub fn lane<D: Dim, const W: usize>(v: &D::Vars<Pack<W>>, lane: usize) -> D::State {
    D::state_from_fn(|i| v[i].0[lane])
}

/// Density, velocity and λ of a conservative state (λ from the kinetic energy relation with `K + D`).
#[inline(always)]
fn prim<D: Dim, S: Real>(gas: &GasOf<D>, w: &D::Vars<S>) -> (S, D::Comp<S>, S) {
    let rho = w[0];
    let vel = D::comp_from_fn(|i| w[1 + i] / rho);
    let mut q = vel[0] * vel[0];
    for i in 1..D::D {
        q += vel[i] * vel[i];
    }
    let e = D::NVARS - 1;
    let lambda = S::splat(gas.k + D::D as f64) * rho / ((w[e] - rho * 0.5 * q) * 4.0);
    (rho, vel, lambda)
}

#[inline(always)]
fn scale<D: Dim, S: Real>(a: &D::Vars<S>, s: S) -> D::Vars<S> {
    D::vars_from_fn(|i| a[i] * s)
}

#[inline(always)]
fn add<D: Dim, S: Real>(a: &D::Vars<S>, b: &D::Vars<S>) -> D::Vars<S> {
    D::vars_from_fn(|i| a[i] + b[i])
}

/// The tangential multi-index 0 (no tangential velocity power).
#[inline(always)]
fn zero<D: Dim>() -> D::Tan<usize> {
    D::tan_from_fn(|_| 0)
}

/// The tangential multi-index with power 1 in direction `j`.
#[inline(always)]
fn unit<D: Dim>(j: usize) -> D::Tan<usize> {
    D::tan_from_fn(|i| usize::from(i == j))
}

/// `⟨uⁿ⁺¹ ψ a⟩ + Σ_j ⟨uⁿ v_j ψ b_j⟩`: the moment of `uⁿ(a u + Σ b_j v_j)` (transport by the slopes).
#[inline(always)]
fn slope_moments<D: Dim, S: Real>(
    m: &MomentsOf<D, S>,
    n: usize,
    a: &D::Vars<S>,
    b: &D::Tan<D::Vars<S>>,
) -> D::Vars<S> {
    let mut r = m.psi_poly(n + 1, zero::<D>(), a);
    for j in 0..D::D - 1 {
        r = add::<D, S>(&r, &m.psi_poly(n, unit::<D>(j), D::tan(b, j)));
    }
    r
}

/// The time-derivative coefficient `A` of `∂ₜg = gA` from `⟨a u + Σ b_j v_j + A⟩ = 0` at (vel, λ).
#[inline(always)]
fn time_slope<D: Dim, S: Real>(
    full: &MomentsOf<D, S>,
    vel: &D::Comp<S>,
    lambda: S,
    k: f64,
    a: &D::Vars<S>,
    b: &D::Tan<D::Vars<S>>,
) -> D::Vars<S> {
    let r = slope_moments(full, 0, a, b);
    solve_slope_of::<D, S>(&scale::<D, S>(&r, S::splat(-1.0)), vel, lambda, k)
}

/// The time coefficients T0…T5 of the flux integral over `[0, δ]` (docs/method.md §3.3).
#[inline(always)]
fn time_coefficients<S: Real>(delta: S, tau: S, tau_n: S) -> [S; 6] {
    let e = tau_n.positive_then((-delta / tau_n).exp(), S::splat(0.0));
    let one_e = S::splat(1.0) - e;
    [
        tau_n * one_e,
        tau_n * ((delta + tau_n) * e - tau_n) - tau * tau_n * one_e,
        -tau * tau_n * one_e,
        delta - tau_n * one_e,
        tau_n * (tau_n - (delta + tau_n) * e) + tau * tau_n * one_e - tau * delta,
        delta * 0.5 * delta - tau * delta + tau * tau_n * one_e,
    ]
}

/// One side's half Maxwellian and slopes.
struct Side<D: Dim, S: Real> {
    rho: S,
    /// Velocity and λ of the side's state.
    vel: D::Comp<S>,
    lambda: S,
    /// Moment table of the half space that this side contributes (u > 0 left, u < 0 right).
    half: MomentsOf<D, S>,
    a: D::Vars<S>,
    b: D::Tan<D::Vars<S>>,
}

impl<D: Dim, S: Real> Side<D, S> {
    #[inline]
    fn new(
        gas: &GasOf<D>,
        w: &D::Vars<S>,
        dn: &D::Vars<S>,
        dt: &D::Tan<D::Vars<S>>,
        left: bool,
    ) -> Self {
        let (rho, vel, lambda) = prim(gas, w);
        let half = MomentsOf::<D, S>::half_at(&vel, lambda, gas.k, left);
        let inv = S::splat(1.0) / rho;
        let a = solve_slope_of::<D, S>(&scale::<D, S>(dn, inv), &vel, lambda, gas.k);
        let mut b = D::tan_from_fn(|_| a);
        for j in 0..D::D - 1 {
            let r = scale::<D, S>(D::tan(dt, j), inv);
            *D::tan_mut(&mut b, j) = solve_slope_of::<D, S>(&r, &vel, lambda, gas.k);
        }
        Side {
            rho,
            vel,
            lambda,
            half,
            a,
            b,
        }
    }

    /// `ρ ⟨ψ a⟩±` over this side's half space, for a slope polynomial `a`.
    #[inline(always)]
    fn collide(&self, a: &D::Vars<S>) -> D::Vars<S> {
        scale::<D, S>(&self.half.psi_poly(0, zero::<D>(), a), self.rho)
    }

    /// The three moment vectors this side contributes: ⟨uψ⟩, ⟨u²aψ⟩ + Σ⟨uv_jb_jψ⟩, ⟨uAψ⟩ (the last only in a
    /// viscous flow, where τ > 0).
    #[inline]
    fn flux_moments(&self, gas: &GasOf<D>, viscous: bool) -> [D::Vars<S>; 3] {
        let m0 = self.half.psi(1, zero::<D>());
        let m1 = slope_moments(&self.half, 1, &self.a, &self.b);
        let m2 = if viscous {
            let full = MomentsOf::<D, S>::full_at(&self.vel, self.lambda, gas.k);
            let big_a = time_slope(&full, &self.vel, self.lambda, gas.k, &self.a, &self.b);
            self.half.psi_poly(1, zero::<D>(), &big_a)
        } else {
            D::vars_from_fn(|_| S::splat(0.0))
        };
        [m0, m1, m2]
    }
}

/// The equilibrium state W₀ at the face, from the collision of the two half Maxwellians, and the moment
/// vectors of its term: ⟨uψ⟩₀, ⟨u²āψ⟩₀ + Σ⟨uv_jb̄_jψ⟩₀, ⟨uĀψ⟩₀.
struct Equilibrium<D: Dim, S: Real> {
    rho: S,
    vel: D::Comp<S>,
    lambda: S,
    me: [D::Vars<S>; 3],
}

impl<D: Dim, S: Real> Equilibrium<D, S> {
    #[inline]
    fn new(gas: &GasOf<D>, l: &Side<D, S>, r: &Side<D, S>, n0: &Option<D::Vars<S>>) -> Self {
        let z = zero::<D>();
        // u > 0 from the left.
        let w0 = add::<D, S>(
            &scale::<D, S>(&l.half.psi(0, z), l.rho),
            &scale::<D, S>(&r.half.psi(0, z), r.rho),
        );
        let (rho0, vel0, lambda0) = prim(gas, &w0);
        let m0 = MomentsOf::<D, S>::full_at(&vel0, lambda0, gas.k);
        let inv0 = S::splat(1.0) / rho0;
        let dn0 = match n0 {
            Some(d) => *d,
            None => add::<D, S>(&l.collide(&l.a), &r.collide(&r.a)),
        };
        let a0 = solve_slope_of::<D, S>(&scale::<D, S>(&dn0, inv0), &vel0, lambda0, gas.k);
        // Loops, not closures: the optimiser kept a closure called twice (3D) out of line.
        let mut b0 = D::tan_from_fn(|_| a0);
        for j in 0..D::D - 1 {
            let dt0 = add::<D, S>(&l.collide(D::tan(&l.b, j)), &r.collide(D::tan(&r.b, j)));
            let rj = scale::<D, S>(&dt0, inv0);
            *D::tan_mut(&mut b0, j) = solve_slope_of::<D, S>(&rj, &vel0, lambda0, gas.k);
        }
        let big_a0 = time_slope(&m0, &vel0, lambda0, gas.k, &a0, &b0);
        let me = [
            m0.psi(1, z),
            slope_moments(&m0, 1, &a0, &b0),
            m0.psi_poly(1, z, &big_a0),
        ];
        Equilibrium {
            rho: rho0,
            vel: vel0,
            lambda: lambda0,
            me,
        }
    }

    /// Prandtl fix: the Chapman–Enskog part of the equilibrium term carries the heat flux
    /// q = −τ ρ₀ ⟨(u−U)·½(|u − U|² + ξ²) c⟩ per unit time (c = āu + Σb̄_jv_j + Ā), whose energy moment is the
    /// energy flux minus the work of the momentum flux. Returns `(1/Pr − 1) q` (docs/method.md §3.6); zero
    /// in an inviscid flow or at Pr = 1.
    #[inline(always)]
    fn prandtl_correction(&self, tau: S, viscous: bool, prandtl: f64) -> S {
        if viscous && prandtl != 1.0 {
            let c = add::<D, S>(&self.me[1], &self.me[2]);
            let mut heat = c[D::NVARS - 1];
            for i in 0..D::D {
                heat -= self.vel[i] * c[1 + i];
            }
            S::splat(1.0 / prandtl - 1.0) * (-tau * self.rho * heat)
        } else {
            S::splat(0.0)
        }
    }
}

/// The moment vectors of one face point, summed per time coefficient and scaled by density, with τ and τₙ.
///
/// `𝔽(δ) = Σₖ Tₖ(δ) s[k]`: the flux integral for any δ costs only the six time coefficients.
struct Prepared<D: Dim, S: Real> {
    s: [D::Vars<S>; 6],
    tau: S,
    tau_n: S,
    /// Prandtl correction of the energy flux per unit time, `(1/Pr − 1) q` (docs/method.md §3.6).
    prandtl: S,
}

impl<D: Dim, S: Real> Prepared<D, S> {
    #[inline]
    fn new(gas: &GasOf<D>, fp: &FacePoints<D, S>, dt: f64, params: &FluxParams) -> Self {
        let l = Side::new(gas, &fp.wl, &fp.nl, &fp.tl, true);
        let r = Side::new(gas, &fp.wr, &fp.nr, &fp.tr, false);
        let eq = Equilibrium::new(gas, &l, &r, &fp.n0);

        // Physical τ from the viscosity at the equilibrium state; τₙ adds the numerical part.
        let p0 = eq.rho * 0.5 / eq.lambda;
        let mu = &params.viscosity;
        let viscous = mu.is_viscous();
        let tau = if viscous {
            (S::splat(0.5) / eq.lambda).map_lanes(|t| mu.mu(t)) / p0
        } else {
            S::splat(0.0)
        };
        let pl = l.rho * 0.5 / l.lambda;
        let pr = r.rho * 0.5 / r.lambda;
        let jump = (pl - pr).abs() / (pl + pr);
        let tau_n = tau + (jump * params.tau_c2 + params.tau_c1) * dt;

        let ml = l.flux_moments(gas, viscous);
        let mr = r.flux_moments(gas, viscous);
        let side =
            |k: usize| add::<D, S>(&scale::<D, S>(&ml[k], l.rho), &scale::<D, S>(&mr[k], r.rho));
        Prepared {
            s: [
                side(0),
                side(1),
                side(2),
                scale::<D, S>(&eq.me[0], eq.rho),
                scale::<D, S>(&eq.me[1], eq.rho),
                scale::<D, S>(&eq.me[2], eq.rho),
            ],
            tau,
            tau_n,
            prandtl: eq.prandtl_correction(tau, viscous, mu.prandtl),
        }
    }

    #[inline(always)]
    fn combine(&self, c: &[S; 6]) -> D::Vars<S> {
        let mut f = D::vars_from_fn(|_| S::splat(0.0));
        for (k, s) in self.s.iter().enumerate() {
            for i in 0..D::NVARS {
                f[i] += c[k] * s[i];
            }
        }
        f
    }

    /// `𝔽(δ)`, the flux integrated over `[0, δ]`.
    #[cfg(test)]
    fn integral(&self, delta: f64) -> D::Vars<S> {
        let mut f = self.combine(&time_coefficients(S::splat(delta), self.tau, self.tau_n));
        f[D::NVARS - 1] += self.prandtl * delta;
        f
    }

    /// Linear fit `F(t) = F⁰ + t∂ₜF⁰` to `𝔽(Δt)` and `𝔽(Δt/2)`, folded into the time coefficients.
    #[inline]
    fn fitted(&self, dt: f64) -> (D::Vars<S>, D::Vars<S>) {
        let t1 = time_coefficients(S::splat(dt), self.tau, self.tau_n);
        let th = time_coefficients(S::splat(0.5 * dt), self.tau, self.tau_n);
        let mut c_f = [S::splat(0.0); 6];
        let mut c_d = [S::splat(0.0); 6];
        for k in 0..6 {
            c_f[k] = (th[k] * 4.0 - t1[k]) / dt;
            c_d[k] = (t1[k] - th[k] * 2.0) * 4.0 / (dt * dt);
        }
        // The Prandtl correction is linear in δ: it adds to F⁰ only.
        let mut f = self.combine(&c_f);
        f[D::NVARS - 1] += self.prandtl;
        (f, self.combine(&c_d))
    }
}

/// The fitted gas-kinetic flux `F⁰` and its time derivative `∂ₜF⁰` at one face point for a step `dt`.
///
/// Both are in the local frame and per unit face length (area in 3D). The two time integrals over `Δt` and
/// `Δt/2` use the same τ and τₙ (docs/method.md §3.4); the physical τ enters the Chapman–Enskog terms and τₙ only the
/// relaxation (docs/method.md §3.5). The states must be admissible (positive density and pressure). The dimension
/// follows from the gas: `gks_flux(&gas, &fp, dt, &params)` with a 2D [`Gas`](super::Gas) and
/// [`FacePoint`] is the 2D flux. It gives the bits of the same point in any lane of [`gks_flux_batch`].
#[inline]
pub fn gks_flux<D: Dim>(
    gas: &GasOf<D>,
    fp: &FacePointOf<D>,
    dt: f64,
    params: &FluxParams,
) -> (D::State, D::State) {
    let (f, d) = Prepared::new(gas, &FacePoints::one(fp), dt, params).fitted(dt);
    (D::state_from_fn(|i| f[i]), D::state_from_fn(|i| d[i]))
}

/// Number of face points per batch of [`gks_flux_batch`]: 4 doubles, one AVX2 register per variable (8 lanes
/// on AVX2 spill registers: 115 ns per point against 86 ns at 4, `cargo bench --bench flux`).
pub const BATCH: usize = 4;

/// [`gks_flux`] of the [`BATCH`] face points of a batch at once, lane by lane, in the vector registers the
/// crate is compiled for (each lane's bits are those of [`gks_flux`] of its point). Read the results with
/// [`lane`].
#[inline]
pub fn gks_flux_batch<D: Dim>(
    gas: &GasOf<D>,
    fp: &FaceBatch<D, BATCH>,
    dt: f64,
    params: &FluxParams,
) -> (D::Vars<Pack<BATCH>>, D::Vars<Pack<BATCH>>) {
    Prepared::new(gas, fp, dt, params).fitted(dt)
}

/// The time-integrated flux `𝔽(δ)` with τₙ built for the step `dt`, for tests of the fit.
#[cfg(test)]
fn integrated_flux<D: Dim>(
    gas: &GasOf<D>,
    fp: &FacePointOf<D>,
    dt: f64,
    delta: f64,
    params: &FluxParams,
) -> D::State {
    let f = Prepared::new(gas, &FacePoints::one(fp), dt, params).integral(delta);
    D::state_from_fn(|i| f[i])
}

#[cfg(test)]
mod tests {
    use super::super::dim::D3;
    use super::super::reference2d::gks_flux_ref;
    use super::super::viscosity::ViscosityLaw;
    use super::*;
    use crate::physics::Gas;

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

    /// A small deterministic generator (xorshift64*) for the randomised tests.
    struct Rng(u64);

    impl Rng {
        fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let x = self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) >> 11;
            lo + (hi - lo) * (x as f64 / (1u64 << 53) as f64)
        }

        fn state<D: Dim>(&mut self, lo: f64, hi: f64) -> D::State {
            D::state_from_fn(|_| self.uniform(lo, hi))
        }

        /// An admissible state: ρ in [0.1, 2], velocities in [−2, 2], p in [0.1, 3].
        fn admissible<D: Dim>(&mut self, gas: &GasOf<D>) -> D::State {
            let e = D::NVARS - 1;
            let prim = D::state_from_fn(|i| match i {
                0 => self.uniform(0.1, 2.0),
                _ if i == e => self.uniform(0.1, 3.0),
                _ => self.uniform(-2.0, 2.0),
            });
            gas.conservative(prim)
        }
    }

    /// A state of dimension `D` from the 3D list `(ρ, a, b, c, e)`: `(ρ, a, b, e)` in 2D.
    fn pick<D: Dim>(v: [f64; 5]) -> D::State {
        D::state_from_fn(|i| if i == D::NVARS - 1 { v[4] } else { v[i] })
    }

    /// The unit normal at azimuth `a` and elevation `b` (`b` ignored in 2D).
    fn normal<D: Dim>(a: f64, b: f64) -> D::Vector {
        let b = if D::D == 2 { 0.0 } else { b };
        let v = [a.cos() * b.cos(), a.sin() * b.cos(), b.sin()];
        D::vector_from_fn(|i| v[i])
    }

    /// The local face point of global states and global gradients (`gl[i] = ∂W_L/∂x_i`) at a face with
    /// frame `f`, with the collision normal slope of the equilibrium.
    fn face_point<D: Dim>(
        f: &FrameOf<D>,
        (wl, gl): (&D::State, &[D::State]),
        (wr, gr): (&D::State, &[D::State]),
    ) -> FacePointOf<D> {
        let along = |g: &[D::State], v: &D::Vector| {
            f.to_local(&D::state_from_fn(|q| {
                (0..D::D).map(|i| g[i][q] * v[i]).sum()
            }))
        };
        FacePointOf {
            wl: f.to_local(wl),
            nl: along(gl, &f.n),
            tl: D::tan_from_fn(|j| along(gl, D::tan(&f.t, j))),
            wr: f.to_local(wr),
            nr: along(gr, &f.n),
            tr: D::tan_from_fn(|j| along(gr, D::tan(&f.t, j))),
            n0: None,
        }
    }

    // ---- The generic 2D path against the pre-generic 2D code, bit for bit. ----

    /// A random 2D face point: `order` 1 has zero slopes and a zero equilibrium slope (the first-order
    /// flux of the schemes), 2 random slopes with the collision equilibrium slope, 3 random slopes with a
    /// given equilibrium slope.
    fn random_face_point(rng: &mut Rng, gas: &Gas, order: u32) -> FacePoint {
        let (wl, wr) = (rng.admissible(gas), rng.admissible(gas));
        if order == 1 {
            let z = [0.0; 4];
            return FacePoint {
                wl,
                nl: z,
                tl: z,
                wr,
                nr: z,
                tr: z,
                n0: Some(z),
            };
        }
        let mut slope = || rng.state::<D2>(-1.0, 1.0);
        let (nl, tl, nr, tr, n0) = (slope(), slope(), slope(), slope(), slope());
        FacePoint {
            wl,
            nl,
            tl,
            wr,
            nr,
            tr,
            n0: (order == 3).then_some(n0),
        }
    }

    /// Flux settings covering every branch of the flux: τₙ = 0, the Euler default, a strong pressure-jump
    /// term, viscous with Pr = 1 (no Prandtl fix), constant and Sutherland viscosity with the Prandtl fix.
    fn all_params() -> Vec<FluxParams> {
        let sutherland = Viscosity {
            law: ViscosityLaw::Sutherland { s: 0.383 },
            mu_ref: 2e-3,
            t_ref: 1.0,
            prandtl: 0.72,
        };
        let p = |tau_c1, tau_c2, viscosity| FluxParams {
            tau_c1,
            tau_c2,
            viscosity,
        };
        vec![
            p(0.0, 0.0, Viscosity::INVISCID),
            FluxParams::default(),
            p(0.05, 9.0, Viscosity::INVISCID),
            p(0.05, 1.0, Viscosity::constant(1e-2, 1.0)),
            p(0.0, 0.0, Viscosity::constant(1e-3, 0.72)),
            p(0.05, 1.0, sutherland),
        ]
    }

    #[test]
    fn generic_2d_flux_is_bitwise_the_pre_generic_one() {
        let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
        let bits = |s: &State| s.map(f64::to_bits);
        for gamma in [1.4, 5.0 / 3.0, 1.1] {
            let gas = Gas::new(gamma).unwrap();
            for params in all_params() {
                for order in 1..=3 {
                    for _ in 0..300 {
                        let fp = random_face_point(&mut rng, &gas, order);
                        let dt = 10f64.powf(rng.uniform(-5.0, -1.0));
                        let (f, d) = gks_flux(&gas, &fp, dt, &params);
                        let (fr, dr) = gks_flux_ref(&gas, &fp, dt, &params);
                        assert_eq!(bits(&f), bits(&fr), "F0 {params:?} {fp:?} {f:?} {fr:?}");
                        assert_eq!(bits(&d), bits(&dr), "dF {params:?} {fp:?} {d:?} {dr:?}");
                    }
                }
            }
        }
    }

    /// A random face point of any dimension with random slopes; `n0` given or not.
    fn random_point<D: Dim>(rng: &mut Rng, gas: &GasOf<D>, with_n0: bool) -> FacePointOf<D> {
        let (wl, wr) = (rng.admissible(gas), rng.admissible(gas));
        let mut slope = || rng.state::<D>(-1.0, 1.0);
        FacePointOf {
            wl,
            nl: slope(),
            tl: D::tan_from_fn(|_| slope()),
            wr,
            nr: slope(),
            tr: D::tan_from_fn(|_| slope()),
            n0: with_n0.then(slope),
        }
    }

    /// Every lane of the batched flux (compiled for the machine's widest vector unit) gives the bits of the
    /// scalar flux of its point (compiled for the baseline), in 2D and 3D, Euler and Navier–Stokes.
    fn batch_check<D: Dim>(gamma: f64) {
        let mut rng = Rng(0x2545_f491_4f6c_dd1d);
        let gas = GasOf::<D>::new(gamma).unwrap();
        let bits = |s: &D::State| s.as_ref().iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        for params in all_params() {
            for with_n0 in [false, true] {
                for _ in 0..20 {
                    let dt = 10f64.powf(rng.uniform(-5.0, -1.0));
                    let pts: Vec<_> = (0..BATCH)
                        .map(|_| random_point(&mut rng, &gas, with_n0))
                        .collect();
                    let mut batch = FaceBatch::<D, BATCH>::zeroed(with_n0);
                    for (i, p) in pts.iter().enumerate() {
                        batch.set(i, p);
                    }
                    let (f, d) = gks_flux_batch(&gas, &batch, dt, &params);
                    for (i, p) in pts.iter().enumerate() {
                        let (fs, ds) = gks_flux(&gas, p, dt, &params);
                        assert_eq!(
                            bits(&lane::<D, BATCH>(&f, i)),
                            bits(&fs),
                            "{params:?} {p:?}"
                        );
                        assert_eq!(
                            bits(&lane::<D, BATCH>(&d, i)),
                            bits(&ds),
                            "{params:?} {p:?}"
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn batched_flux_lanes_are_bitwise_the_scalar_flux() {
        batch_check::<D2>(1.4);
        batch_check::<D3>(1.4);
        batch_check::<D2>(5.0 / 3.0);
    }

    #[test]
    fn generic_2d_frame_is_bitwise_the_2d_rotation() {
        let mut rng = Rng(42);
        for _ in 0..1000 {
            let a = rng.uniform(-4.0, 4.0);
            let n = normal::<D2>(a, 0.0);
            let w = rng.state::<D2>(-3.0, 3.0);
            let f = FrameOf::<D2>::from_normal(n);
            assert_eq!(
                f.to_local(&w).map(f64::to_bits),
                to_local(&w, n).map(f64::to_bits)
            );
            assert_eq!(
                f.from_local(&w).map(f64::to_bits),
                from_local(&w, n).map(f64::to_bits)
            );
        }
    }

    // ---- Tests run in both dimensions. ----

    /// Uniform state at oblique faces, inviscid and viscous: the Euler flux and no time derivative.
    fn uniform_state_check<D: Dim>() {
        let gas = GasOf::<D>::new(1.4).unwrap();
        let w = gas.conservative(pick::<D>([1.3, 0.4, -0.7, 0.3, 2.2]));
        let zero = D::state_from_fn(|_| 0.0);
        for params in all_params() {
            for (a, b) in [(0.0, 0.0), (0.7, 0.3), (2.5, -1.1), (4.0, 1.5)] {
                let n = normal::<D>(a, b);
                let frame = FrameOf::<D>::from_normal(n);
                let fp = FacePointOf::<D> {
                    wl: frame.to_local(&w),
                    nl: zero,
                    tl: D::tan_from_fn(|_| zero),
                    wr: frame.to_local(&w),
                    nr: zero,
                    tr: D::tan_from_fn(|_| zero),
                    n0: None,
                };
                let (f, d) = gks_flux(&gas, &fp, 1e-2, &params);
                let (f, d) = (frame.from_local(&f), frame.from_local(&d));
                let e = gas.euler_flux(&w, n);
                for i in 0..D::NVARS {
                    assert!((f[i] - e[i]).abs() < 1e-12, "{}D: {f:?} vs {e:?}", D::D);
                    assert!(d[i].abs() < 1e-10, "{}D: {d:?}", D::D);
                }
            }
        }
    }

    #[test]
    fn uniform_state_gives_the_euler_flux_in_2d_and_3d() {
        uniform_state_check::<D2>();
        uniform_state_check::<D3>();
    }

    /// Linear smooth state: the flux equals the Navier–Stokes flux with μ = τp, the kinetic-model bulk
    /// term 2/(K+D) and κ = c_p μ/Pr = (K+D+2)μ/(2 Pr) (docs/method.md §2.2, §3.6), for Pr = 1 (BGK)
    /// and with the Prandtl fix, at faces of several orientations.
    fn navier_stokes_check<D: Dim>() {
        let prim = pick::<D>([1.2, 0.3, -0.2, 0.15, 0.9]);
        let grads = [
            pick::<D>([0.05, 0.1, -0.07, 0.04, 0.03]),
            pick::<D>([-0.02, 0.04, 0.08, -0.03, -0.05]),
            pick::<D>([0.03, -0.06, 0.02, 0.09, 0.04]),
        ];
        let normals: Vec<D::Vector> = [(0.0, 0.0), (0.3, 0.2), (2.2, -0.9), (5.5, 1.3)]
            .iter()
            .map(|&(a, b)| normal::<D>(a, b))
            .collect();
        for pr in [1.0, 0.72, 2.0 / 3.0] {
            linear_state_check::<D>(prim, &grads[..D::D], 0.02, pr, &normals);
        }
    }

    #[test]
    fn smooth_linear_state_gives_the_navier_stokes_flux_in_2d_and_3d() {
        navier_stokes_check::<D2>();
        navier_stokes_check::<D3>();
    }

    /// The 2D Navier–Stokes check with the data of the original 2D test (large velocity gradients).
    #[test]
    fn navier_stokes_flux_on_oblique_faces() {
        let dpx = [0.02, 0.05, 0.3, -0.04];
        let dpy = [-0.03, 0.7, -0.06, 0.05];
        let normals: Vec<[f64; 2]> = [0.3, 1.0, 2.2, 4.0, 5.5]
            .iter()
            .map(|&a| normal::<D2>(a, 0.0))
            .collect();
        linear_state_check::<D2>([1.1, 0.4, -0.3, 0.8], &[dpx, dpy], 0.03, 0.72, &normals);
    }

    /// The GKS flux (τₙ = τ) of the state with primitive values `prim` and primitive gradients `dprim[i]`
    /// (along axis i) at faces with the given unit normals equals the Navier–Stokes flux to 1e-9.
    fn linear_state_check<D: Dim>(
        prim: D::State,
        dprim: &[D::State],
        mu: f64,
        pr: f64,
        normals: &[D::Vector],
    ) {
        let gas = GasOf::<D>::new(1.4).unwrap();
        let (d, e) = (D::D, D::NVARS - 1);
        let w = gas.conservative(prim);
        let (r, p) = (prim[0], prim[e]);
        let vel = |j: usize| prim[1 + j];
        let wgrad: Vec<D::State> = dprim
            .iter()
            .map(|dp| conservative_gradient::<D>(&gas, &prim, dp))
            .collect();
        // ∂_i U_j, the stress σ_ij = μ(∂_iU_j + ∂_jU_i − 2/(K+D) δ_ij ∇·U) and ∂_i T with T = p/ρ.
        let du = |i: usize, j: usize| dprim[i][1 + j];
        let div: f64 = (0..d).map(|i| du(i, i)).sum();
        let kd = gas.k + d as f64;
        let sigma = |i: usize, j: usize| {
            let bulk = if i == j { 2.0 / kd * div } else { 0.0 };
            mu * (du(i, j) + du(j, i) - bulk)
        };
        let kappa = (kd + 2.0) / 2.0 * mu / pr;
        let dt_ = |i: usize| (dprim[i][e] * r - p * dprim[i][0]) / (r * r);
        let params = FluxParams {
            tau_c1: 0.0,
            tau_c2: 0.0,
            viscosity: Viscosity::constant(mu, pr),
        };
        for n in normals {
            let frame = FrameOf::<D>::from_normal(*n);
            let fp = face_point(&frame, (&w, &wgrad), (&w, &wgrad));
            let f = frame.from_local(&gks_flux(&gas, &fp, 1e-3, &params).0);
            let euler = gas.euler_flux(&w, *n);
            let tn = |j: usize| (0..d).map(|i| sigma(j, i) * n[i]).sum::<f64>();
            let heat: f64 = (0..d).map(|i| dt_(i) * n[i]).sum();
            let ns = D::state_from_fn(|q| match q {
                0 => euler[0],
                _ if q == e => {
                    euler[e] - (0..d).map(|j| vel(j) * tn(j)).sum::<f64>() - kappa * heat
                }
                _ => euler[q] - tn(q - 1),
            });
            for i in 0..D::NVARS {
                assert!(
                    (f[i] - ns[i]).abs() < 1e-9,
                    "{d}D Pr {pr} n {n:?} component {i}: {} vs {}",
                    f[i],
                    ns[i]
                );
            }
        }
    }

    /// The gradient of the conservative variables from the primitive state `prim` and its gradient `dp`.
    fn conservative_gradient<D: Dim>(gas: &GasOf<D>, prim: &D::State, dp: &D::State) -> D::State {
        let e = D::NVARS - 1;
        let vel = |j: usize| prim[1 + j];
        D::state_from_fn(|q| match q {
            0 => dp[0],
            _ if q == e => {
                dp[e] / (gas.gamma - 1.0)
                    + (0..D::D)
                        .map(|j| 0.5 * dp[0] * vel(j) * vel(j) + prim[0] * vel(j) * dp[1 + j])
                        .sum::<f64>()
            }
            _ => dp[0] * vel(q - 1) + prim[0] * dp[q],
        })
    }

    /// Rotates the momentum part of a state by the matrix `q` (its upper-left D×D block).
    fn rotate<D: Dim>(q: &[[f64; 3]; 3], w: &D::State) -> D::State {
        let e = D::NVARS - 1;
        D::state_from_fn(|i| match i {
            0 => w[0],
            _ if i == e => w[e],
            _ => (0..D::D).map(|k| q[i - 1][k] * w[1 + k]).sum(),
        })
    }

    /// The global flux and its time derivative at the face with normal `n`.
    fn global_flux<D: Dim>(
        gas: &GasOf<D>,
        n: D::Vector,
        left: (&D::State, &[D::State]),
        right: (&D::State, &[D::State]),
        params: &FluxParams,
    ) -> (D::State, D::State) {
        let frame = FrameOf::<D>::from_normal(n);
        let (f, d) = gks_flux(gas, &face_point(&frame, left, right), 1e-3, params);
        (frame.from_local(&f), frame.from_local(&d))
    }

    /// Rotation invariance: rotating the states, their gradients and the normal by Q rotates the flux (and
    /// its time derivative) by Q. In 3D the tangent basis of the rotated normal is not the rotated basis, so
    /// this also checks that the flux does not depend on the choice of tangents.
    fn rotation_check<D: Dim>() {
        let gas = GasOf::<D>::new(1.4).unwrap();
        let mut rng = Rng(7 + D::D as u64);
        let params = FluxParams {
            viscosity: Viscosity::constant(1e-2, 0.72),
            ..Default::default()
        };
        for _ in 0..50 {
            let (wl, wr) = (rng.admissible(&gas), rng.admissible(&gas));
            let gl: Vec<D::State> = (0..D::D).map(|_| rng.state::<D>(-0.5, 0.5)).collect();
            let gr: Vec<D::State> = (0..D::D).map(|_| rng.state::<D>(-0.5, 0.5)).collect();
            let n = normal::<D>(rng.uniform(-4.0, 4.0), rng.uniform(-1.5, 1.5));
            let (a, b, c) = (
                rng.uniform(-4.0, 4.0),
                rng.uniform(-4.0, 4.0),
                rng.uniform(-4.0, 4.0),
            );
            let q = rotation(
                a,
                if D::D == 2 { 0.0 } else { b },
                if D::D == 2 { 0.0 } else { c },
            );
            // ∂W'/∂x'_i = Σ_k Q_ik R(∂W/∂x_k) for W'(x') = R W(Qᵀx').
            let grad_rot = |g: &[D::State]| -> Vec<D::State> {
                (0..D::D)
                    .map(|i| {
                        let s = D::state_from_fn(|p| (0..D::D).map(|k| q[i][k] * g[k][p]).sum());
                        rotate::<D>(&q, &s)
                    })
                    .collect()
            };
            let (wl2, wr2, gl2, gr2) = (
                rotate::<D>(&q, &wl),
                rotate::<D>(&q, &wr),
                grad_rot(&gl),
                grad_rot(&gr),
            );
            let n2 = D::vector_from_fn(|i| (0..D::D).map(|k| q[i][k] * n[k]).sum());
            let (f, d) = global_flux(&gas, n, (&wl, &gl), (&wr, &gr), &params);
            let (f2, d2) = global_flux(&gas, n2, (&wl2, &gl2), (&wr2, &gr2), &params);
            let (fq, dq) = (rotate::<D>(&q, &f), rotate::<D>(&q, &d));
            for i in 0..D::NVARS {
                assert!(
                    (f2[i] - fq[i]).abs() < 1e-11 * (1.0 + fq[i].abs()),
                    "{}D F {f2:?} vs {fq:?}",
                    D::D
                );
                assert!(
                    (d2[i] - dq[i]).abs() < 1e-9 * (1.0 + dq[i].abs()),
                    "{}D dF {d2:?} vs {dq:?}",
                    D::D
                );
            }
        }
    }

    /// The rotation `R_z(a) R_y(b) R_x(c)`.
    fn rotation(a: f64, b: f64, c: f64) -> [[f64; 3]; 3] {
        let (sa, ca, sb, cb, sc, cc) = (a.sin(), a.cos(), b.sin(), b.cos(), c.sin(), c.cos());
        [
            [ca * cb, ca * sb * sc - sa * cc, ca * sb * cc + sa * sc],
            [sa * cb, sa * sb * sc + ca * cc, sa * sb * cc - ca * sc],
            [-sb, cb * sc, cb * cc],
        ]
    }

    #[test]
    fn flux_is_rotation_invariant_in_2d_and_3d() {
        rotation_check::<D2>();
        rotation_check::<D3>();
    }

    /// A 3D flow without z-dependence and with W = 0 is the 2D flow: for the same γ the 3D model has one
    /// internal degree of freedom less (K₃ = K₂ − 1) and the velocity w in its place, with the same
    /// Maxwellian moments, so the mass, (x, y) momentum and energy fluxes and their time derivatives agree to
    /// rounding, and the z-momentum flux vanishes. Checked for the Euler and the Navier–Stokes (Pr ≠ 1) flux,
    /// first and second order.
    #[test]
    fn the_3d_flux_without_z_dependence_is_the_2d_flux() {
        let mut rng = Rng(2024);
        let lift = |s: &State| [s[0], s[1], s[2], 0.0, s[3]];
        for gamma in [1.4, 1.3, 5.0 / 3.0] {
            let (g2, g3) = (Gas::new(gamma).unwrap(), GasOf::<D3>::new(gamma).unwrap());
            for params in all_params() {
                for order in 1..=3 {
                    for _ in 0..50 {
                        let fp = random_face_point(&mut rng, &g2, order);
                        let fp3 = FacePointOf::<D3> {
                            wl: lift(&fp.wl),
                            nl: lift(&fp.nl),
                            tl: [lift(&fp.tl), [0.0; 5]],
                            wr: lift(&fp.wr),
                            nr: lift(&fp.nr),
                            tr: [lift(&fp.tr), [0.0; 5]],
                            n0: fp.n0.as_ref().map(lift),
                        };
                        let dt = 1e-3;
                        let (f2, d2) = gks_flux(&g2, &fp, dt, &params);
                        let (f3, d3) = gks_flux(&g3, &fp3, dt, &params);
                        for (a, b) in [(f3, lift(&f2)), (d3, lift(&d2))] {
                            for i in 0..5 {
                                let tol = 1e-11 * (1.0 + b[i].abs());
                                assert!(
                                    (a[i] - b[i]).abs() < tol,
                                    "γ {gamma} {params:?}: {a:?} vs {b:?}"
                                );
                            }
                        }
                    }
                }
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
