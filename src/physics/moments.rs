//! Velocity moments of the normalised Maxwellian and the slope (micro-derivative) solve, in `D` dimensions.
//!
//! `⟨X⟩ = (1/ρ)∫ X ψ g dΞ` with `ψ = (1, u, v₁, …, v_{D−1}, ½(u² + Σv_j² + ξ²))`: `u` is the velocity component
//! along the face normal, `v_j` the ones along the `D − 1` tangents. Moments factorise into u-, v_j- and
//! ξ-parts; half-space moments restrict the normal velocity u to u > 0 or u < 0 (docs/method.md §2.3).
//! Tangential powers are given as a [`Dim::Tan`]`<usize>`: a plain `usize` in 2D, `[usize; 2]` in 3D.

use super::dim::{Dim, D2};
use super::simd::Real;

/// Moment tables of one Maxwellian in 2D (the type the 2D flux has always used).
pub type Moments = MomentsOf<D2>;

/// Moment tables of one Maxwellian: `u[n] = ⟨uⁿ⟩` (full or half space), `v[j][m] = ⟨v_jᵐ⟩` per tangential
/// direction (a single table in 2D), `xi[l] = ⟨ξ^{2l}⟩`. `S` is `f64` or a [`Pack`](super::simd::Pack) of
/// one Maxwellian per lane.
#[derive(Debug, Clone, Copy)]
pub struct MomentsOf<D: Dim, S: Real = f64> {
    /// Normal-velocity moments, orders 0..=6.
    pub u: [S; 7],
    /// Tangential-velocity moments, orders 0..=5, one table per tangential direction.
    pub v: D::Tan<[S; 6]>,
    /// Internal-energy moments ⟨ξ⁰⟩, ⟨ξ²⟩, ⟨ξ⁴⟩.
    pub xi: [S; 3],
}

#[inline(always)]
fn recurse<S: Real, const N: usize>(m: &mut [S; N], c: S, lambda: S) {
    let h = S::splat(0.5) / lambda;
    for n in 0..N - 2 {
        m[n + 2] = c * m[n + 1] + h * (n as f64 + 1.0) * m[n];
    }
}

#[inline(always)]
fn xi_moments<S: Real>(k: f64, lambda: S) -> [S; 3] {
    let h = S::splat(0.5) / lambda;
    [S::splat(1.0), h * k, h * (k * (k + 2.0)) * h]
}

#[inline(always)]
fn v_moments<S: Real>(v0: S, lambda: S) -> [S; 6] {
    let mut v = [S::splat(0.0); 6];
    v[0] = S::splat(1.0);
    v[1] = v0;
    recurse(&mut v, v0, lambda);
    v
}

/// The tangential multi-index `ms` raised by `by` in direction `j`.
#[inline(always)]
fn shift<D: Dim>(ms: &D::Tan<usize>, j: usize, by: usize) -> D::Tan<usize> {
    D::tan_from_fn(|i| *D::tan(ms, i) + if i == j { by } else { 0 })
}

impl Moments {
    /// Full-space moments at (U, V, λ) in 2D.
    #[inline]
    pub fn full(u0: f64, v0: f64, lambda: f64, k: f64) -> Self {
        Self::full_at(&[u0, v0], lambda, k)
    }

    /// Half-space moments (u > 0, u < 0) at (U, V, λ) in 2D.
    #[inline]
    pub fn halves(u0: f64, v0: f64, lambda: f64, k: f64) -> (Self, Self) {
        Self::halves_at(&[u0, v0], lambda, k)
    }
}

impl<D: Dim, S: Real> MomentsOf<D, S> {
    /// Full-space moments at mean velocity `vel` (normal component first) and λ.
    #[inline(always)]
    pub fn full_at(vel: &D::Comp<S>, lambda: S, k: f64) -> Self {
        let u0 = vel[0];
        let mut u = [S::splat(0.0); 7];
        u[0] = S::splat(1.0);
        u[1] = u0;
        recurse(&mut u, u0, lambda);
        MomentsOf {
            u,
            v: D::tan_from_fn(|j| v_moments(vel[1 + j], lambda)),
            xi: xi_moments(k, lambda),
        }
    }

    /// Half-space moments at mean velocity `vel` and λ: `(u > 0, u < 0)`.
    #[inline(always)]
    pub fn halves_at(vel: &D::Comp<S>, lambda: S, k: f64) -> (Self, Self) {
        (
            Self::half_at(vel, lambda, k, true),
            Self::half_at(vel, lambda, k, false),
        )
    }

    /// The half-space moments of `u > 0` (`positive`) or `u < 0` alone: one `erfc`, the bits of the
    /// corresponding member of [`Self::halves_at`].
    #[inline(always)]
    pub fn half_at(vel: &D::Comp<S>, lambda: S, k: f64, positive: bool) -> Self {
        let u0 = vel[0];
        let s = lambda.sqrt();
        let e = (-lambda * u0 * u0).exp() / ((lambda * std::f64::consts::PI).sqrt() * 2.0);
        let mut u = [S::splat(0.0); 7];
        if positive {
            u[0] = (-s * u0).erfc() * 0.5;
            u[1] = u0 * u[0] + e;
        } else {
            u[0] = (s * u0).erfc() * 0.5;
            u[1] = u0 * u[0] - e;
        }
        recurse(&mut u, u0, lambda);
        MomentsOf {
            u,
            v: D::tan_from_fn(|j| v_moments(vel[1 + j], lambda)),
            xi: xi_moments(k, lambda),
        }
    }

    /// `⟨uⁿ Πv_j^{ms_j} ξ^{2l}⟩`.
    #[inline(always)]
    fn m(&self, n: usize, ms: &D::Tan<usize>, l: usize) -> S {
        let mut p = self.u[n];
        for j in 0..D::D - 1 {
            p *= D::tan(&self.v, j)[*D::tan(ms, j)];
        }
        p * self.xi[l]
    }

    /// `⟨uⁿ Πv_j^{ms_j} ξ^{2l} ψ⟩`, the ψ-vector with the extra `ξ^{2l}` factor.
    #[inline(always)]
    fn psi_l(&self, n: usize, ms: &D::Tan<usize>, l: usize) -> D::Vars<S> {
        let e = D::NVARS - 1;
        let mut r = D::vars_from_fn(|_| S::splat(0.0));
        r[0] = self.m(n, ms, l);
        r[1] = self.m(n + 1, ms, l);
        let mut s = self.m(n + 2, ms, l);
        for j in 0..D::D - 1 {
            r[2 + j] = self.m(n, &shift::<D>(ms, j, 1), l);
            s += self.m(n, &shift::<D>(ms, j, 2), l);
        }
        r[e] = (s + self.m(n, ms, l + 1)) * 0.5;
        r
    }

    /// `⟨uⁿ Πv_j^{ms_j} ψ⟩` (in 2D `ms` is the power of v).
    #[inline(always)]
    pub fn psi(&self, n: usize, ms: D::Tan<usize>) -> D::Vars<S> {
        self.psi_l(n, &ms, 0)
    }

    /// `⟨uⁿ Πv_j^{ms_j} ψ a⟩` for the slope polynomial `a = a₁ + a₂u + Σ_j a_{2+j}v_j + a_E·½(u² + Σv_j² + ξ²)`.
    #[inline(always)]
    pub fn psi_poly(&self, n: usize, ms: D::Tan<usize>, a: &D::Vars<S>) -> D::Vars<S> {
        let e = D::NVARS - 1;
        let p0 = self.psi_l(n, &ms, 0);
        let pu = self.psi_l(n + 1, &ms, 0);
        let mut q = self.psi_l(n + 2, &ms, 0);
        let pxx = self.psi_l(n, &ms, 1);
        let mut r = p0;
        for i in 0..D::NVARS {
            r[i] = a[0] * p0[i] + a[1] * pu[i];
        }
        for j in 0..D::D - 1 {
            let pv = self.psi_l(n, &shift::<D>(&ms, j, 1), 0);
            let pvv = self.psi_l(n, &shift::<D>(&ms, j, 2), 0);
            for i in 0..D::NVARS {
                r[i] += a[2 + j] * pv[i];
                q[i] += pvv[i];
            }
        }
        for i in 0..D::NVARS {
            r[i] += a[e] * 0.5 * (q[i] + pxx[i]);
        }
        r
    }
}

/// Solves `⟨ψ a⟩ = r` for the 2D slope polynomial `a` at (U, V, λ) in closed form (docs/method.md §2.4).
///
/// `r` is a derivative of the conservative variables divided by ρ.
#[inline]
pub fn solve_slope(r: &[f64; 4], u0: f64, v0: f64, lambda: f64, k: f64) -> [f64; 4] {
    solve_slope_of::<D2, f64>(r, &[u0, v0], lambda, k)
}

/// Solves `⟨ψ a⟩ = r` for the slope polynomial `a` at mean velocity `vel` and λ in `D` dimensions, in closed
/// form (docs/method.md §2.4, with `K + D` in place of `K + 2`):
///
/// `B = ½(|U|² + (K+D)/(2λ))`, `R_i = r_i − U_i r₁`, `R_E = r_E − B r₁`,
/// `a_E = 4λ²/(K+D)·(2R_E − Σ 2U_i R_i)`, `a_i = 2λR_i − U_i a_E`, `a₁ = r₁ − Σ U_i a_i − B a_E`.
#[inline(always)]
pub fn solve_slope_of<D: Dim, S: Real>(
    r: &D::Vars<S>,
    vel: &D::Comp<S>,
    lambda: S,
    k: f64,
) -> D::Vars<S> {
    let e = D::NVARS - 1;
    let kd = k + D::D as f64;
    let mut q = vel[0] * vel[0];
    for i in 1..D::D {
        q += vel[i] * vel[i];
    }
    let b = (q + S::splat(kd) / (lambda * 2.0)) * 0.5;
    let re = r[e] - b * r[0];
    let rv = D::comp_from_fn(|i| r[1 + i] - vel[i] * r[0]);
    let mut s = re * 2.0;
    for i in 0..D::D {
        s -= vel[i] * 2.0 * rv[i];
    }
    let ae = lambda * 4.0 * lambda / kd * s;
    let av = D::comp_from_fn(|i| lambda * 2.0 * rv[i] - vel[i] * ae);
    let mut a1 = r[0];
    for i in 0..D::D {
        a1 -= vel[i] * av[i];
    }
    a1 -= b * ae;
    D::vars_from_fn(|i| match i {
        0 => a1,
        _ if i == e => ae,
        _ => av[i - 1],
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn halves_add_up_to_the_full_space() {
        let (u0, v0, lam, k) = (0.37, -0.8, 0.9, 3.0);
        let f = Moments::full(u0, v0, lam, k);
        let (p, m) = Moments::halves(u0, v0, lam, k);
        for n in 0..7 {
            assert!((p.u[n] + m.u[n] - f.u[n]).abs() < 1e-13 * (1.0 + f.u[n].abs()));
        }
    }

    #[test]
    fn full_moments_match_quadrature() {
        // ⟨u^n⟩ of a 1D Gaussian with mean U and variance 1/(2λ), by brute-force quadrature.
        let (u0, lam) = (0.4, 0.7);
        let f = Moments::full(u0, 0.0, lam, 3.0);
        let (p, _) = Moments::halves(u0, 0.0, lam, 3.0);
        let nq = 200_000;
        let (a, b) = (u0 - 12.0, u0 + 12.0);
        let h = (b - a) / nq as f64;
        for n in 0..7 {
            let (mut sf, mut sp) = (0.0, 0.0);
            for i in 0..nq {
                let u = a + (i as f64 + 0.5) * h;
                let w =
                    (lam / std::f64::consts::PI).sqrt() * (-lam * (u - u0) * (u - u0)).exp() * h;
                sf += u.powi(n as i32) * w;
                if u > 0.0 {
                    sp += u.powi(n as i32) * w;
                }
            }
            assert!((sf - f.u[n]).abs() < 1e-6, "full n={n}");
            assert!((sp - p.u[n]).abs() < 1e-4, "half n={n}");
        }
    }

    /// The residual of the slope solve vanishes in both dimensions, for several (U, λ, K).
    fn slope_solve_residual<D: Dim>() {
        for (lam, k) in [(1.7, 3.0), (0.4, 0.0), (2.5, 1.5)] {
            let vel = D::comp_from_fn(|i| [0.3, -1.1, 0.6][i]);
            let r = D::vars_from_fn(|i| [0.2, -0.7, 1.3, 2.1, -0.4][i] + 0.1 * i as f64);
            let a = solve_slope_of::<D, f64>(&r, &vel, lam, k);
            let zero = D::tan_from_fn(|_| 0);
            let back = MomentsOf::<D>::full_at(&vel, lam, k).psi_poly(0, zero, &a);
            for i in 0..D::NVARS {
                assert!((back[i] - r[i]).abs() < 1e-12, "{back:?} vs {r:?}");
            }
        }
    }

    #[test]
    fn slope_solve_residual_vanishes_in_2d_and_3d() {
        slope_solve_residual::<D2>();
        slope_solve_residual::<super::super::dim::D3>();
    }

    #[test]
    fn slope_solve_residual_vanishes() {
        let (u0, v0, lam, k) = (0.3, -1.1, 1.7, 3.0);
        let r = [0.2, -0.7, 1.3, 2.1];
        let a = solve_slope(&r, u0, v0, lam, k);
        let back = Moments::full(u0, v0, lam, k).psi_poly(0, 0, &a);
        for i in 0..4 {
            assert!((back[i] - r[i]).abs() < 1e-12, "{back:?} vs {r:?}");
        }
    }
}
