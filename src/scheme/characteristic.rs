//! Characteristic variables of the Euler equations in a face-normal direction (for WENO on shocks).
//!
//! The projection uses the eigenvectors of the flux Jacobian `∂F·n/∂W` at a reference state (the average of
//! the two cells beside the face, docs/method.md §5.2): `q = L·W`, `W = R·q`, with `L = R⁻¹`.

use crate::physics::{from_local, to_local, Gas, State};

/// Left and right eigenvector matrices at one state and direction.
#[derive(Debug, Clone, Copy)]
pub struct Eigen {
    n: [f64; 2],
    l: [[f64; 4]; 4],
    r: [[f64; 4]; 4],
}

impl Eigen {
    /// Eigenvectors of the Jacobian in direction `n` at the conservative state `w`.
    #[inline]
    pub fn new(gas: &Gas, w: &State, n: [f64; 2]) -> Self {
        let wl = to_local(w, n);
        let rho = wl[0];
        let u = wl[1] / rho;
        let v = wl[2] / rho;
        let p = gas.pressure(&wl).max(1e-300);
        let c = (gas.gamma * p / rho).sqrt();
        let h = (wl[3] + p) / rho;
        let q2 = 0.5 * (u * u + v * v);
        let b1 = (gas.gamma - 1.0) / (c * c);
        let b2 = q2 * b1;
        let r = [
            [1.0, 1.0, 0.0, 1.0],
            [u - c, u, 0.0, u + c],
            [v, v, 1.0, v],
            [h - u * c, q2, v, h + u * c],
        ];
        let l = [
            [
                0.5 * (b2 + u / c),
                -0.5 * (b1 * u + 1.0 / c),
                -0.5 * b1 * v,
                0.5 * b1,
            ],
            [1.0 - b2, b1 * u, b1 * v, -b1],
            [-v, 0.0, 1.0, 0.0],
            [
                0.5 * (b2 - u / c),
                -0.5 * (b1 * u - 1.0 / c),
                -0.5 * b1 * v,
                0.5 * b1,
            ],
        ];
        Eigen { n, l, r }
    }

    /// Conservative state → characteristic variables.
    #[inline(always)]
    pub fn to_char(&self, w: &State) -> State {
        let x = to_local(w, self.n);
        let mut q = [0.0; 4];
        for (qi, li) in q.iter_mut().zip(&self.l) {
            *qi = li[0] * x[0] + li[1] * x[1] + li[2] * x[2] + li[3] * x[3];
        }
        q
    }

    /// Characteristic variables → conservative state.
    #[inline(always)]
    pub fn from_char(&self, q: &State) -> State {
        let mut x = [0.0; 4];
        for (xi, ri) in x.iter_mut().zip(&self.r) {
            *xi = ri[0] * q[0] + ri[1] * q[1] + ri[2] * q[2] + ri[3] * q[3];
        }
        from_local(&x, self.n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn projection_round_trip() {
        let gas = Gas::new(1.4).unwrap();
        let w = gas.conservative([1.3, 0.4, -0.9, 2.0]);
        for n in [[1.0, 0.0], [0.0, 1.0], [0.6, -0.8]] {
            let e = Eigen::new(&gas, &w, n);
            let x = [0.3, -1.2, 0.7, 5.0];
            let back = e.from_char(&e.to_char(&x));
            for k in 0..4 {
                assert!((back[k] - x[k]).abs() < 1e-12, "{n:?}: {back:?}");
            }
        }
    }

    #[test]
    fn right_eigenvectors_diagonalise_the_jacobian() {
        // A·r_k = λ_k r_k in the local frame, checked by finite differences of the Euler flux.
        let gas = Gas::new(1.4).unwrap();
        let w = gas.conservative([1.1, 0.5, 0.2, 1.5]);
        let e = Eigen::new(&gas, &w, [1.0, 0.0]);
        let u = 0.5;
        let c = gas.sound_speed(&w);
        let lams = [u - c, u, u, u + c];
        for (k, lam) in lams.iter().enumerate() {
            let rk = [e.r[0][k], e.r[1][k], e.r[2][k], e.r[3][k]];
            let h = 1e-6;
            let wp: State = std::array::from_fn(|i| w[i] + h * rk[i]);
            let wm: State = std::array::from_fn(|i| w[i] - h * rk[i]);
            let fp = gas.euler_flux(&wp, [1.0, 0.0]);
            let fm = gas.euler_flux(&wm, [1.0, 0.0]);
            for i in 0..4 {
                let ar = (fp[i] - fm[i]) / (2.0 * h);
                assert!((ar - lam * rk[i]).abs() < 1e-6, "k={k} i={i}");
            }
        }
    }
}
