//! The ideal-gas model in the kinetic form used by the GKS flux, in `D` = 2 or 3 dimensions.
//!
//! Conservative variables are `W = (ρ, ρU₁, …, ρU_D, ρE)`; primitive ones `(ρ, U₁, …, U_D, p)`. The kinetic
//! model carries `D` particle-velocity components and `K` internal degrees of freedom. With `b = K + D` the
//! total number of degrees of freedom, `γ = (b + 2)/b`, so
//!
//! * 2D: `K = (4 − 2γ)/(γ − 1)` (K = 3 for γ = 1.4, 1 for γ = 5/3),
//! * 3D: `K = (5 − 3γ)/(γ − 1)` (K = 2 for γ = 1.4, 0 for γ = 5/3),
//!
//! i.e. `K = (D + 2 − Dγ)/(γ − 1)`: the same γ gives the same `b = 2/(γ − 1)` in both dimensions, the 3D model
//! trading one internal degree of freedom for the third velocity component. `λ = ρ/(2p)` is the inverse of
//! twice the temperature (R = 1), and `ρE = ½ρ|U|² + b·ρ/(4λ)`.

use std::marker::PhantomData;

use super::dim::{Dim, D2};
use crate::error::PhysicsError;

/// Conservative state of one cell or point in 2D: `(ρ, ρU, ρV, ρE)`.
pub type State = <D2 as Dim>::State;

/// The 2D gas: the type the schemes use.
pub type Gas = GasOf<D2>;

/// An ideal gas described by its ratio of specific heats, in the kinetic model of dimension `D`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GasOf<D: Dim> {
    /// Ratio of specific heats γ.
    pub gamma: f64,
    /// Internal degrees of freedom K of the `D`-dimensional kinetic model.
    pub k: f64,
    dim: PhantomData<D>,
}

impl<D: Dim> GasOf<D> {
    /// A gas with ratio of specific heats `gamma`, which must lie in `(1, (D + 2)/D]` so that K ≥ 0:
    /// `(1, 2]` in 2D, `(1, 5/3]` in 3D.
    pub fn new(gamma: f64) -> Result<Self, PhysicsError> {
        let d = D::D as f64;
        if !(gamma > 1.0 && gamma <= (d + 2.0) / d) {
            return Err(if D::D == 2 {
                PhysicsError::BadGamma(gamma)
            } else {
                PhysicsError::BadGamma3d(gamma)
            });
        }
        Ok(GasOf {
            gamma,
            k: (d + 2.0 - d * gamma) / (gamma - 1.0),
            dim: PhantomData,
        })
    }

    /// `|m|²` of the momentum (or velocity) part `m = (x[1], …, x[D])` of a state, summed in index order.
    #[inline(always)]
    fn momentum_sq(x: &D::State) -> f64 {
        let mut s = x[1] * x[1];
        for i in 2..=D::D {
            s += x[i] * x[i];
        }
        s
    }

    /// Conservative state from primitive `(ρ, U₁, …, U_D, p)`.
    #[inline]
    pub fn conservative(&self, prim: D::State) -> D::State {
        let rho = prim[0];
        let e = D::NVARS - 1;
        D::state_from_fn(|i| match i {
            0 => rho,
            _ if i == e => prim[e] / (self.gamma - 1.0) + 0.5 * rho * Self::momentum_sq(&prim),
            _ => rho * prim[i],
        })
    }

    /// Primitive state `(ρ, U₁, …, U_D, p)` from a conservative one.
    #[inline]
    pub fn primitive(&self, w: &D::State) -> D::State {
        let rho = w[0];
        let e = D::NVARS - 1;
        let p = self.pressure(w);
        D::state_from_fn(|i| match i {
            0 => rho,
            _ if i == e => p,
            _ => w[i] / rho,
        })
    }

    /// Pressure of a conservative state.
    #[inline]
    pub fn pressure(&self, w: &D::State) -> f64 {
        (self.gamma - 1.0) * (w[D::NVARS - 1] - 0.5 * Self::momentum_sq(w) / w[0])
    }

    /// `λ = ρ/(2p)` of a conservative state.
    #[inline]
    pub fn lambda(&self, w: &D::State) -> f64 {
        0.5 * w[0] / self.pressure(w)
    }

    /// Speed of sound of a conservative state.
    #[inline]
    pub fn sound_speed(&self, w: &D::State) -> f64 {
        (self.gamma * self.pressure(w) / w[0]).sqrt()
    }

    /// The largest signal speed `|U| + c` of a conservative state (for the time-step limit).
    #[inline]
    pub fn signal_speed(&self, w: &D::State) -> f64 {
        Self::momentum_sq(w).sqrt() / w[0] + self.sound_speed(w)
    }

    /// True when density and pressure are finite and positive.
    #[inline]
    pub fn admissible(&self, w: &D::State) -> bool {
        let p = self.pressure(w);
        w[0] > 0.0 && p > 0.0 && w.as_ref().iter().all(|x| x.is_finite()) && p.is_finite()
    }

    /// Euler flux of a conservative state in the direction of the unit vector `n`.
    pub fn euler_flux(&self, w: &D::State, n: D::Vector) -> D::State {
        let q = self.primitive(w);
        let (rho, p) = (q[0], q[D::NVARS - 1]);
        let mut un = q[1] * n[0];
        for i in 1..D::D {
            un += q[1 + i] * n[i];
        }
        let e = D::NVARS - 1;
        D::state_from_fn(|i| match i {
            0 => rho * un,
            _ if i == e => (w[e] + p) * un,
            _ => rho * q[i] * un + p * n[i - 1],
        })
    }
}

#[cfg(test)]
mod tests {
    use super::super::dim::D3;
    use super::*;

    #[test]
    fn internal_dof_of_the_2d_model() {
        assert!((Gas::new(1.4).unwrap().k - 3.0).abs() < 1e-14);
        assert!((Gas::new(5.0 / 3.0).unwrap().k - 1.0).abs() < 1e-14);
        assert!(Gas::new(1.0).is_err());
        assert!(Gas::new(f64::NAN).is_err());
    }

    /// K + D, and hence γ = (K + D + 2)/(K + D), is the same in both models.
    #[test]
    fn internal_dof_of_the_3d_model() {
        type Gas3 = GasOf<D3>;
        assert!((Gas3::new(1.4).unwrap().k - 2.0).abs() < 1e-14);
        assert!(Gas3::new(5.0 / 3.0).unwrap().k.abs() < 1e-14);
        assert!(Gas3::new(1.7).is_err());
        assert!(Gas3::new(1.0).is_err());
        for gamma in [1.1, 1.3, 1.4, 1.6] {
            let (g2, g3) = (Gas::new(gamma).unwrap(), Gas3::new(gamma).unwrap());
            assert!((g2.k + 2.0 - (g3.k + 3.0)).abs() < 1e-12);
            let b = g3.k + 3.0;
            assert!(((b + 2.0) / b - gamma).abs() < 1e-14);
        }
    }

    #[test]
    fn primitive_round_trip() {
        let g = Gas::new(1.4).unwrap();
        let p = [0.7, -0.3, 1.2, 2.5];
        let q = g.primitive(&g.conservative(p));
        for i in 0..4 {
            assert!((p[i] - q[i]).abs() < 1e-14);
        }
        let g = GasOf::<D3>::new(1.4).unwrap();
        let p = [0.7, -0.3, 1.2, 0.4, 2.5];
        let q = g.primitive(&g.conservative(p));
        for i in 0..5 {
            assert!((p[i] - q[i]).abs() < 1e-14);
        }
    }

    #[test]
    fn euler_flux_in_3d() {
        let g = GasOf::<D3>::new(1.4).unwrap();
        let (rho, u, v, w, p) = (1.3, 0.4, -0.7, 0.25, 2.2);
        let s = g.conservative([rho, u, v, w, p]);
        let e = p / 0.4 + 0.5 * rho * (u * u + v * v + w * w);
        assert!((s[4] - e).abs() < 1e-14);
        assert!((g.pressure(&s) - p).abs() < 1e-14);
        let n = [0.48, -0.6, 0.64];
        let un = u * n[0] + v * n[1] + w * n[2];
        let want = [
            rho * un,
            rho * u * un + p * n[0],
            rho * v * un + p * n[1],
            rho * w * un + p * n[2],
            (e + p) * un,
        ];
        let f = g.euler_flux(&s, n);
        for i in 0..5 {
            assert!((f[i] - want[i]).abs() < 1e-13, "{f:?} vs {want:?}");
        }
        let c = (1.4 * p / rho).sqrt();
        assert!((g.sound_speed(&s) - c).abs() < 1e-14);
        let speed = (u * u + v * v + w * w).sqrt() + c;
        assert!((g.signal_speed(&s) - speed).abs() < 1e-14);
        assert!(g.admissible(&s));
        assert!(!g.admissible(&[1.0, 0.0, 0.0, 3.0, 1.0]));
    }
}
