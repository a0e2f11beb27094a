//! Fifth-order WENO reconstruction of interface values from cell averages (Jiang–Shu and WENO-Z weights).

/// The nonlinear weights of WENO5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WenoVariant {
    /// Jiang–Shu weights.
    Js,
    /// WENO-Z weights (Borges et al.).
    Z,
    /// The linear (optimal) weights: fifth-order upwind, no limiting.
    Linear,
}

/// Settings of the WENO weights.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Weno {
    /// Jiang–Shu or WENO-Z.
    pub variant: WenoVariant,
    /// ε in the weights.
    pub epsilon: f64,
}

impl Weno {
    /// Value at the right face `i + ½` of cell `i` from the averages `v = [W_{i−2}, …, W_{i+2}]`.
    ///
    /// The left-face value of cell `i` is the same function of the reversed stencil.
    #[inline(always)]
    pub fn right_face(&self, v: [f64; 5]) -> f64 {
        let [a, b, c, d, e] = v;
        let q0 = (2.0 * a - 7.0 * b + 11.0 * c) / 6.0;
        let q1 = (-b + 5.0 * c + 2.0 * d) / 6.0;
        let q2 = (2.0 * c + 5.0 * d - e) / 6.0;
        let s0 = a - 2.0 * b + c;
        let s1 = b - 2.0 * c + d;
        let s2 = c - 2.0 * d + e;
        let t0 = a - 4.0 * b + 3.0 * c;
        let t1 = b - d;
        let t2 = 3.0 * c - 4.0 * d + e;
        const K: f64 = 13.0 / 12.0;
        let b0 = K * s0 * s0 + 0.25 * t0 * t0;
        let b1 = K * s1 * s1 + 0.25 * t1 * t1;
        let b2 = K * s2 * s2 + 0.25 * t2 * t2;
        let eps = self.epsilon;
        let (a0, a1, a2) = match self.variant {
            WenoVariant::Js => {
                let f = |d: f64, b: f64| d / ((eps + b) * (eps + b));
                (f(0.1, b0), f(0.6, b1), f(0.3, b2))
            }
            WenoVariant::Linear => (0.1, 0.6, 0.3),
            WenoVariant::Z => {
                let tau = (b0 - b2).abs();
                let f = |d: f64, b: f64| {
                    let r = tau / (b + eps);
                    d * (1.0 + r * r)
                };
                (f(0.1, b0), f(0.6, b1), f(0.3, b2))
            }
        };
        (a0 * q0 + a1 * q1 + a2 * q2) / (a0 + a1 + a2)
    }

    /// Both face values `(left face i − ½, right face i + ½)` of cell `i`.
    #[inline(always)]
    pub fn faces(&self, v: [f64; 5]) -> (f64, f64) {
        (
            self.right_face([v[4], v[3], v[2], v[1], v[0]]),
            self.right_face(v),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn averages(f: impl Fn(f64) -> f64, h: f64) -> [f64; 5] {
        // Exact averages of a polynomial primitive F over [x_k − h/2, x_k + h/2], cells centred at k·h.
        let mut v = [0.0; 5];
        for (k, item) in v.iter_mut().enumerate() {
            let x = (k as f64 - 2.0) * h;
            *item = (f(x + 0.5 * h) - f(x - 0.5 * h)) / h;
        }
        v
    }

    #[test]
    fn exact_for_quadratics_whatever_the_weights() {
        // Every candidate stencil reproduces a quadratic (primitive x³/3), so any convex weights do.
        for variant in [WenoVariant::Js, WenoVariant::Z] {
            let w = Weno {
                variant,
                epsilon: 1e-6,
            };
            let h = 0.01;
            let v = averages(|x| (x + 1.0).powi(3) / 3.0, h);
            let exact = (1.0 + 0.5 * h).powi(2);
            assert!((w.right_face(v) - exact).abs() < 1e-12);
        }
    }

    #[test]
    fn fifth_order_on_smooth_data() {
        let w = Weno {
            variant: WenoVariant::Js,
            epsilon: 1e-6,
        };
        let err = |h: f64| {
            let v = averages(|x| -(x + 0.3).cos(), h);
            (w.right_face(v) - (0.5 * h + 0.3).sin()).abs()
        };
        let (e1, e2) = (err(0.04), err(0.02));
        let order = (e1 / e2).log2();
        assert!(order > 4.5, "order {order}");
    }

    #[test]
    fn no_new_extrema_at_a_jump() {
        let w = Weno {
            variant: WenoVariant::Js,
            epsilon: 1e-6,
        };
        let (l, r) = w.faces([1.0, 1.0, 1.0, 0.0, 0.0]);
        assert!((0.0..=1.0 + 1e-9).contains(&l) && (0.0..=1.0 + 1e-9).contains(&r));
        assert!((l - 1.0).abs() < 1e-6);
    }
}
