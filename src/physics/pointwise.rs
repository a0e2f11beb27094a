//! Pointwise fluxes of a smooth state, for schemes that evaluate the flux inside an element (CPR at its
//! solution points): the derivative of the Euler flux along a change of the state (the flux Jacobian times a
//! vector, so that `∂ₜF = A ∂ₜW` and the Cauchy–Kovalevskaya time derivative `∂ₜW = −Σᵢ Aᵢ ∂ᵢW`), and the
//! viscous flux of the Navier–Stokes limit of the kinetic model (the flux the gas-kinetic flux gives for a
//! linear state: stress with the model's bulk term `2/(K+D)`, heat conductivity `κ = (K+D+2)μ/(2 Pr)`).

use super::dim::{Dim, D2};
use super::gas::GasOf;
use super::viscosity::Viscosity;

impl<D: Dim> GasOf<D> {
    /// `A(w)·dw`: the change of the Euler flux in direction `n` (unit or not: linear in `n`) for the change
    /// `dw` of the conservative state `w`.
    #[inline]
    pub fn euler_flux_derivative(&self, w: &D::State, dw: &D::State, n: D::Vector) -> D::State {
        let (rho, e) = (w[0], D::NVARS - 1);
        let irho = 1.0 / rho;
        let (mut un, mut dmn, mut udm, mut q2) = (0.0, 0.0, 0.0, 0.0);
        for i in 0..D::D {
            let u = w[1 + i] * irho;
            un += u * n[i];
            dmn += dw[1 + i] * n[i];
            udm += u * dw[1 + i];
            q2 += u * u;
        }
        let dun = (dmn - un * dw[0]) * irho;
        let p = self.pressure(w);
        let dp = (self.gamma - 1.0) * (dw[e] - udm + 0.5 * q2 * dw[0]);
        D::state_from_fn(|k| match k {
            0 => dmn,
            _ if k == e => (dw[e] + dp) * un + (w[e] + p) * dun,
            _ => dw[k] * un + w[k] * dun + dp * n[k - 1],
        })
    }

    /// The Cauchy–Kovalevskaya time derivative of a smooth Euler state: `∂ₜW = −Σᵢ Aᵢ(w) ∂ᵢW` from the
    /// state `w` and its gradient `grad[i] = ∂ᵢW`.
    #[inline]
    pub fn euler_time_derivative(&self, w: &D::State, grad: &[D::State]) -> D::State {
        let mut acc = D::state_from_fn(|_| 0.0);
        for (i, g) in grad.iter().enumerate().take(D::D) {
            let d = self.euler_flux_derivative(w, g, D::vector_from_fn(|k| f64::from(k == i)));
            for k in 0..D::NVARS {
                acc[k] -= d[k];
            }
        }
        acc
    }

    /// The viscous part `F_v·n` of the Navier–Stokes flux (to be subtracted from the Euler flux) of the state
    /// `w` with conservative gradient `grad[i] = ∂ᵢW`, in direction `n`: momentum `σ·n`, energy
    /// `U·σ·n + κ ∇T·n`, with `σ = μ(∇U + ∇Uᵀ − 2/(K+D) ∇·U I)`, `T = p/ρ` and `κ = (K+D+2)μ/(2 Pr)`.
    pub fn viscous_flux(
        &self,
        visc: &Viscosity,
        w: &D::State,
        grad: &[D::State],
        n: D::Vector,
    ) -> D::State {
        let (d, e) = (D::D, D::NVARS - 1);
        let rho = w[0];
        let u = |j: usize| w[1 + j] / rho;
        let p = self.pressure(w);
        let t = p / rho;
        let mu = visc.mu(t);
        // ∂ᵢUⱼ and ∂ᵢT from the conservative gradient.
        let du = |i: usize, j: usize| (grad[i][1 + j] - u(j) * grad[i][0]) / rho;
        let dt = |i: usize| {
            let dq2: f64 = (0..d).map(|j| u(j) * du(i, j)).sum();
            let dp = (self.gamma - 1.0) * (grad[i][e] - 0.5 * grad[i][0] * q2(w, d) - rho * dq2);
            (dp - t * grad[i][0]) / rho
        };
        let div: f64 = (0..d).map(|i| du(i, i)).sum();
        let kd = self.k + d as f64;
        let sigma_n = |j: usize| {
            (0..d)
                .map(|i| {
                    let bulk = if i == j { 2.0 / kd * div } else { 0.0 };
                    mu * (du(i, j) + du(j, i) - bulk) * n[i]
                })
                .sum::<f64>()
        };
        let kappa = (kd + 2.0) / 2.0 * mu / visc.prandtl;
        let heat: f64 = (0..d).map(|i| dt(i) * n[i]).sum();
        D::state_from_fn(|k| match k {
            0 => 0.0,
            _ if k == e => (0..d).map(|j| u(j) * sigma_n(j)).sum::<f64>() + kappa * heat,
            _ => sigma_n(k - 1),
        })
    }
}

impl GasOf<D2> {
    /// The Euler fluxes `F`, `G` of the 2D state `w` and their Cauchy–Kovalevskaya time derivatives
    /// `∂ₜF = A ∂ₜW`, `∂ₜG = B ∂ₜW` with `∂ₜW = −A gx − B gy` (`gx`, `gy` the x and y derivatives of the
    /// conservative state), in one pass that computes the primitive variables once: the same values as
    /// [`GasOf::euler_flux`], [`GasOf::euler_time_derivative`] and [`GasOf::euler_flux_derivative`] up to
    /// round-off. Returns `[F, G, ∂ₜF, ∂ₜG]`.
    #[inline(always)]
    pub fn euler_fluxes_and_time_derivatives(
        &self,
        w: &[f64; 4],
        gx: &[f64; 4],
        gy: &[f64; 4],
    ) -> [[f64; 4]; 4] {
        let g1 = self.gamma - 1.0;
        let irho = 1.0 / w[0];
        let (u, v) = (w[1] * irho, w[2] * irho);
        let hq2 = 0.5 * (u * u + v * v);
        let p = g1 * (w[3] - hq2 * w[0]);
        let h = w[3] + p;
        // The pressure change and the x and y velocity changes for a change `d` of the state.
        let dp = |d: &[f64; 4]| g1 * (d[3] - (u * d[1] + v * d[2]) + hq2 * d[0]);
        let a = |d: &[f64; 4], dpd: f64| {
            let du = (d[1] - u * d[0]) * irho;
            [
                d[1],
                d[1] * u + w[1] * du + dpd,
                d[2] * u + w[2] * du,
                (d[3] + dpd) * u + h * du,
            ]
        };
        let b = |d: &[f64; 4], dpd: f64| {
            let dv = (d[2] - v * d[0]) * irho;
            [
                d[2],
                d[1] * v + w[1] * dv,
                d[2] * v + w[2] * dv + dpd,
                (d[3] + dpd) * v + h * dv,
            ]
        };
        let (ax, by) = (a(gx, dp(gx)), b(gy, dp(gy)));
        let dw: [f64; 4] = std::array::from_fn(|k| -(ax[k] + by[k]));
        let dpw = dp(&dw);
        [
            [w[1], w[1] * u + p, w[2] * u, h * u],
            [w[2], w[1] * v, w[2] * v + p, h * v],
            a(&dw, dpw),
            b(&dw, dpw),
        ]
    }
}

/// `|U|²` of a conservative state in `d` dimensions.
#[inline]
fn q2<S: AsRef<[f64]>>(w: &S, d: usize) -> f64 {
    let w = w.as_ref();
    (0..d).map(|j| (w[1 + j] / w[0]).powi(2)).sum()
}

#[cfg(test)]
mod tests {
    use super::super::dim::{D2, D3};
    use super::super::flux::{gks_flux, FacePointOf, FluxParams, FrameOf};
    use super::*;

    fn states<D: Dim>() -> (GasOf<D>, D::State, Vec<D::State>) {
        let gas = GasOf::<D>::new(1.4).unwrap();
        let prim = D::state_from_fn(|k| [1.2, 0.3, -0.2, 0.15, 0.9][k.min(4)]);
        let prim = D::state_from_fn(|k| if k == D::NVARS - 1 { 0.9 } else { prim[k] });
        let w = gas.conservative(prim);
        let grads = (0..D::D)
            .map(|i| D::state_from_fn(|k| 0.03 * ((i * 5 + k) as f64 * 1.7).sin()))
            .collect();
        (gas, w, grads)
    }

    /// `A·dw` against a central difference of the Euler flux (relative 1e-8).
    fn jacobian_check<D: Dim>() {
        let (gas, w, grads) = states::<D>();
        let n = D::vector_from_fn(|k| [0.6, -0.8, 0.0][k] + if D::D == 3 { 0.1 } else { 0.0 });
        let dw = grads[0];
        let h = 1e-6;
        let plus = D::state_from_fn(|k| w[k] + h * dw[k]);
        let minus = D::state_from_fn(|k| w[k] - h * dw[k]);
        let (fp, fm) = (gas.euler_flux(&plus, n), gas.euler_flux(&minus, n));
        let a = gas.euler_flux_derivative(&w, &dw, n);
        for k in 0..D::NVARS {
            let fd = (fp[k] - fm[k]) / (2.0 * h);
            assert!(
                (a[k] - fd).abs() < 1e-8,
                "{}D component {k}: {} vs {fd}",
                D::D,
                a[k]
            );
        }
    }

    #[test]
    fn flux_derivative_is_the_jacobian_times_the_change() {
        jacobian_check::<D2>();
        jacobian_check::<D3>();
    }

    /// For a linear state the gas-kinetic flux (small Δt, τₙ = τ) equals `F_E − F_v` of [`GasOf::viscous_flux`].
    fn viscous_check<D: Dim>() {
        let (gas, w, grads) = states::<D>();
        let params = FluxParams {
            tau_c1: 0.0,
            tau_c2: 0.0,
            viscosity: Viscosity::constant(0.02, 0.72),
        };
        let n = D::vector_from_fn(|k| [0.6, 0.8, 0.0][k]);
        let frame = FrameOf::<D>::from_normal(n);
        let tangents = D::tangents(&n);
        let along = |v: &D::Vector| -> D::State {
            let v = *v;
            D::state_from_fn(|k| (0..D::D).map(|i| grads[i][k] * v[i]).sum())
        };
        let (wn, wt) = (
            frame.to_local(&along(&n)),
            D::tan_from_fn(|j| frame.to_local(&along(D::tan(&tangents, j)))),
        );
        let fp = FacePointOf::<D> {
            wl: frame.to_local(&w),
            nl: wn,
            tl: wt,
            wr: frame.to_local(&w),
            nr: wn,
            tr: wt,
            n0: None,
        };
        let f = frame.from_local(&gks_flux(&gas, &fp, 1e-3, &params).0);
        let e = gas.euler_flux(&w, n);
        let v = gas.viscous_flux(&params.viscosity, &w, &grads, n);
        for k in 0..D::NVARS {
            assert!(
                (f[k] - (e[k] - v[k])).abs() < 1e-8,
                "{}D component {k}: gks {} vs {}",
                D::D,
                f[k],
                e[k] - v[k]
            );
        }
    }

    #[test]
    fn viscous_flux_is_the_kinetic_flux_of_a_linear_state() {
        viscous_check::<D2>();
        viscous_check::<D3>();
    }

    /// The time derivative of a state advected at constant velocity with constant pressure is `−U·∇ρ` for
    /// the density.
    #[test]
    fn time_derivative_of_pure_advection() {
        let gas = GasOf::<D2>::new(1.4).unwrap();
        let (u, v, p) = (0.7, -0.3, 1.0);
        let rho = 1.3;
        let w = gas.conservative([rho, u, v, p]);
        let (drx, dry) = (0.2, -0.5);
        // ∇W for ∇ρ = (drx, dry), U and p constant.
        let g = |d: f64| [d, d * u, d * v, 0.5 * d * (u * u + v * v)];
        let dt = gas.euler_time_derivative(&w, &[g(drx), g(dry)]);
        let expect = -(u * drx + v * dry);
        assert!((dt[0] - expect).abs() < 1e-14);
        let want = g(expect);
        for k in 0..4 {
            assert!(
                (dt[k] - want[k]).abs() < 1e-14,
                "{k}: {} vs {}",
                dt[k],
                want[k]
            );
        }
    }

    /// The fused fluxes and time derivatives against the separate functions (relative 1e-13).
    #[test]
    fn fused_fluxes_match_the_separate_functions() {
        let (gas, w, grads) = states::<D2>();
        for (scale, shift) in [(1.0, 0.0), (3.0, 0.7), (0.2, -0.4f64)] {
            let w: [f64; 4] =
                std::array::from_fn(|k| w[k] * scale + if k == 3 { shift.abs() } else { shift });
            let (gx, gy) = (grads[0], grads[1].map(|x| x * scale));
            let got = gas.euler_fluxes_and_time_derivatives(&w, &gx, &gy);
            let dw = gas.euler_time_derivative(&w, &[gx, gy]);
            let want = [
                gas.euler_flux(&w, [1.0, 0.0]),
                gas.euler_flux(&w, [0.0, 1.0]),
                gas.euler_flux_derivative(&w, &dw, [1.0, 0.0]),
                gas.euler_flux_derivative(&w, &dw, [0.0, 1.0]),
            ];
            for (i, (g, e)) in got.iter().zip(&want).enumerate() {
                for k in 0..4 {
                    let tol = 1e-13 * (1.0 + e[k].abs());
                    assert!((g[k] - e[k]).abs() < tol, "{i}/{k}: {} vs {}", g[k], e[k]);
                }
            }
        }
    }
}
