//! Viscosity laws `μ(T)` of the Navier–Stokes gas and its Prandtl number.
//!
//! Everything is non-dimensional with the gas constant `R = 1`, so the temperature is `T = p/ρ` and
//! `c_p = γ/(γ − 1)`; the heat conductivity follows from the Prandtl number, `κ = c_p μ/Pr`.

use super::dim::Dim;
use super::gas::GasOf;

/// How the dynamic viscosity depends on the temperature.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum ViscosityLaw {
    /// `μ = μ_ref`.
    Constant,
    /// Sutherland: `μ = μ_ref (T/T_ref)^{3/2} (T_ref + S)/(T + S)`, with `S` given as `s = S/T_ref`.
    Sutherland {
        /// Sutherland's temperature over the reference temperature (110.4 K / 288.15 K = 0.383 for air).
        s: f64,
    },
    /// Power law `μ = μ_ref (T/T_ref)^ω`.
    Power {
        /// Exponent ω.
        exponent: f64,
    },
}

/// Viscosity law, reference values and Prandtl number of the gas; `mu_ref = 0` is the Euler equations.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Viscosity {
    /// The law.
    pub law: ViscosityLaw,
    /// Dynamic viscosity at `t_ref`.
    pub mu_ref: f64,
    /// Reference temperature (`T = p/ρ`).
    pub t_ref: f64,
    /// Prandtl number.
    pub prandtl: f64,
}

impl Viscosity {
    /// No viscosity: the Euler equations.
    pub const INVISCID: Viscosity = Viscosity {
        law: ViscosityLaw::Constant,
        mu_ref: 0.0,
        t_ref: 1.0,
        prandtl: 1.0,
    };

    /// A constant viscosity `mu` with Prandtl number `prandtl`.
    pub fn constant(mu: f64, prandtl: f64) -> Self {
        Viscosity {
            law: ViscosityLaw::Constant,
            mu_ref: mu,
            t_ref: 1.0,
            prandtl,
        }
    }

    /// True when the gas is viscous.
    #[inline]
    pub fn is_viscous(&self) -> bool {
        self.mu_ref > 0.0
    }

    /// Dynamic viscosity at temperature `t` (`t > 0`).
    #[inline]
    pub fn mu(&self, t: f64) -> f64 {
        match self.law {
            ViscosityLaw::Constant => self.mu_ref,
            ViscosityLaw::Sutherland { s } => {
                let r = t / self.t_ref;
                self.mu_ref * r * r.sqrt() * (1.0 + s) / (r + s)
            }
            ViscosityLaw::Power { exponent } => self.mu_ref * (t / self.t_ref).powf(exponent),
        }
    }

    /// The speed that adds to `|U| + c` in the time-step limit `Δt = CFL·h/(|U| + c + this)` of a cell of
    /// size `h` with state `w`: `2·D·μ/(ρh)`, `D` = [`Viscosity::diffusivity_factor`], so that in the
    /// diffusion limit `Δt = CFL·h²/(4ν)` for air (docs/method.md §4.4). Zero for the Euler equations.
    #[inline]
    pub fn viscous_speed<D: Dim>(&self, gas: &GasOf<D>, w: &D::State, h: f64) -> f64 {
        if !self.is_viscous() {
            return 0.0;
        }
        let t = gas.pressure(w) / w[0];
        2.0 * self.diffusivity_factor(gas.gamma) * self.mu(t) / (w[0] * h)
    }

    /// The largest effective diffusivity over the kinematic viscosity `μ/ρ`: the momentum equations diffuse
    /// with up to `2 − 2/(K+D)` times `μ/ρ` (normal stress with the kinetic model's bulk term; `K + D` is the
    /// same in 2D and 3D for one γ), the energy equation with `γ/Pr` times it.
    #[inline]
    pub fn diffusivity_factor(&self, gamma: f64) -> f64 {
        (gamma / self.prandtl).max(2.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn laws_equal_mu_ref_at_t_ref_and_scale_as_stated() {
        let t_ref = 2.0;
        for law in [
            ViscosityLaw::Constant,
            ViscosityLaw::Sutherland { s: 0.383 },
            ViscosityLaw::Power { exponent: 0.76 },
        ] {
            let v = Viscosity {
                law,
                mu_ref: 1e-3,
                t_ref,
                prandtl: 0.72,
            };
            assert!((v.mu(t_ref) - 1e-3).abs() < 1e-18, "{law:?}");
        }
        // Sutherland for air against the textbook value: μ(600 K)/μ(288.15 K) with S = 110.4 K.
        let air = Viscosity {
            law: ViscosityLaw::Sutherland { s: 110.4 / 288.15 },
            mu_ref: 1.0,
            t_ref: 288.15,
            prandtl: 0.72,
        };
        let expected = (600.0_f64 / 288.15).powf(1.5) * (288.15 + 110.4) / (600.0 + 110.4);
        assert!((air.mu(600.0) - expected).abs() < 1e-14);
        // From 1.789e-5 Pa s at 288.15 K to 600 K: within 2 % of the tabulated 3.058e-5 Pa s for air
        // (Incropera & DeWitt, Table A.4).
        assert!((1.789e-5 * air.mu(600.0) / 3.058e-5 - 1.0).abs() < 0.02);
        let p = Viscosity {
            law: ViscosityLaw::Power { exponent: 0.5 },
            mu_ref: 2.0,
            t_ref: 1.0,
            prandtl: 1.0,
        };
        assert!((p.mu(4.0) - 4.0).abs() < 1e-14);
    }
}
