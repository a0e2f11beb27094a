//! The ideal-gas model in the two-dimensional kinetic form used by the GKS flux.
//!
//! Conservative variables are `W = (ρ, ρU, ρV, ρE)`; primitive ones `(ρ, U, V, p)`. The kinetic model carries
//! two particle-velocity components and `K` internal degrees of freedom, with `γ = (K + 4)/(K + 2)`, so
//! `K = (4 − 2γ)/(γ − 1)` (K = 3 for γ = 1.4). `λ = ρ/(2p)` is the inverse of twice the temperature (R = 1).

use crate::error::PhysicsError;

/// Conservative state of one cell or point: `(ρ, ρU, ρV, ρE)`.
pub type State = [f64; 4];

/// An ideal gas described by its ratio of specific heats.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Gas {
    /// Ratio of specific heats γ.
    pub gamma: f64,
    /// Internal degrees of freedom K of the 2D kinetic model.
    pub k: f64,
}

impl Gas {
    /// A gas with ratio of specific heats `gamma`, which must lie in (1, 2] so that K ≥ 0.
    pub fn new(gamma: f64) -> Result<Self, PhysicsError> {
        if !(gamma > 1.0 && gamma <= 2.0) {
            return Err(PhysicsError::BadGamma(gamma));
        }
        Ok(Gas {
            gamma,
            k: (4.0 - 2.0 * gamma) / (gamma - 1.0),
        })
    }

    /// Conservative state from primitive `(ρ, U, V, p)`.
    #[inline]
    pub fn conservative(&self, prim: [f64; 4]) -> State {
        let [rho, u, v, p] = prim;
        [
            rho,
            rho * u,
            rho * v,
            p / (self.gamma - 1.0) + 0.5 * rho * (u * u + v * v),
        ]
    }

    /// Primitive state `(ρ, U, V, p)` from a conservative one.
    #[inline]
    pub fn primitive(&self, w: &State) -> [f64; 4] {
        let rho = w[0];
        let u = w[1] / rho;
        let v = w[2] / rho;
        [rho, u, v, self.pressure(w)]
    }

    /// Pressure of a conservative state.
    #[inline]
    pub fn pressure(&self, w: &State) -> f64 {
        (self.gamma - 1.0) * (w[3] - 0.5 * (w[1] * w[1] + w[2] * w[2]) / w[0])
    }

    /// `λ = ρ/(2p)` of a conservative state.
    #[inline]
    pub fn lambda(&self, w: &State) -> f64 {
        0.5 * w[0] / self.pressure(w)
    }

    /// Speed of sound of a conservative state.
    #[inline]
    pub fn sound_speed(&self, w: &State) -> f64 {
        (self.gamma * self.pressure(w) / w[0]).sqrt()
    }

    /// The largest signal speed `|U| + c` of a conservative state (for the time-step limit).
    #[inline]
    pub fn signal_speed(&self, w: &State) -> f64 {
        (w[1] * w[1] + w[2] * w[2]).sqrt() / w[0] + self.sound_speed(w)
    }

    /// True when density and pressure are finite and positive.
    #[inline]
    pub fn admissible(&self, w: &State) -> bool {
        let p = self.pressure(w);
        w[0] > 0.0 && p > 0.0 && w.iter().all(|x| x.is_finite()) && p.is_finite()
    }

    /// Euler flux of a conservative state in the direction of the unit vector `n`.
    pub fn euler_flux(&self, w: &State, n: [f64; 2]) -> State {
        let [rho, u, v, p] = self.primitive(w);
        let un = u * n[0] + v * n[1];
        [
            rho * un,
            rho * u * un + p * n[0],
            rho * v * un + p * n[1],
            (w[3] + p) * un,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_dof_of_the_2d_model() {
        assert!((Gas::new(1.4).unwrap().k - 3.0).abs() < 1e-14);
        assert!((Gas::new(5.0 / 3.0).unwrap().k - 1.0).abs() < 1e-14);
        assert!(Gas::new(1.0).is_err());
        assert!(Gas::new(f64::NAN).is_err());
    }

    #[test]
    fn primitive_round_trip() {
        let g = Gas::new(1.4).unwrap();
        let p = [0.7, -0.3, 1.2, 2.5];
        let q = g.primitive(&g.conservative(p));
        for i in 0..4 {
            assert!((p[i] - q[i]).abs() < 1e-14);
        }
    }
}
