//! Velocity moments of the normalised Maxwellian and the slope (micro-derivative) solve.
//!
//! `⟨X⟩ = (1/ρ)∫ X ψ g dΞ` with `ψ = (1, u, v, ½(u² + v² + ξ²))`. Moments factorise into u-, v- and ξ-parts;
//! half-space moments restrict the normal velocity u to u > 0 or u < 0 (docs/method.md §2.3).

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
        let e = (-lambda * u0 * u0).exp() / (2.0 * (std::f64::consts::PI * lambda).sqrt());
        let mut up = [0.0; 7];
        let mut um = [0.0; 7];
        up[0] = 0.5 * libm::erfc(-s * u0);
        um[0] = 0.5 * libm::erfc(s * u0);
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
