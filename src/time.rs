//! Time-stepping formulas for `dW/dt = L(W)` with the time derivative `∂ₜL` supplied by the GKS flux.
//!
//! Two-stage fourth-order (S2O4, Li & Du 2016; docs/method.md §4.1):
//! `W* = Wⁿ + ½Δt L(Wⁿ) + ⅛Δt² ∂ₜL(Wⁿ)`, then `Wⁿ⁺¹ = Wⁿ + Δt L(Wⁿ) + (Δt²/6)[∂ₜL(Wⁿ) + 2∂ₜL(W*)]`.
//! Each formula acts on one component; the solver applies it cell by cell.

/// The intermediate state `W*` at `tⁿ + Δt/2`.
#[inline(always)]
pub fn s2o4_stage(wn: f64, l: f64, lt: f64, dt: f64) -> f64 {
    wn + 0.5 * dt * l + 0.125 * dt * dt * lt
}

/// The new state from `L(Wⁿ)`, `∂ₜL(Wⁿ)` and `∂ₜL(W*)` (`L(W*)` is not needed: B₁ = 0).
#[inline(always)]
pub fn s2o4_final(wn: f64, l: f64, lt: f64, lt_star: f64, dt: f64) -> f64 {
    wn + dt * l + dt * dt / 6.0 * (lt + 2.0 * lt_star)
}

/// The original single-stage GKS update: the flux integrated over the step, `Wⁿ + ΔtL + ½Δt²∂ₜL`.
#[inline(always)]
pub fn single_stage(wn: f64, l: f64, lt: f64, dt: f64) -> f64 {
    wn + dt * l + 0.5 * dt * dt * lt
}

/// Forward Euler with the instantaneous operator.
#[inline(always)]
pub fn euler(wn: f64, l: f64, dt: f64) -> f64 {
    wn + dt * l
}

#[cfg(test)]
mod tests {
    use super::*;

    /// y' = L(y) = −y² + sin t is non-autonomous; write it autonomously with z = t, so
    /// ∂ₜL = L'(y)·L(y) + ∂L/∂t = −2y L + cos t.
    fn solve(n: usize, scheme: &str) -> f64 {
        let l = |y: f64, t: f64| -y * y + t.sin();
        let lt = |y: f64, t: f64| -2.0 * y * l(y, t) + t.cos();
        let (mut y, mut t) = (1.0, 0.0);
        let dt = 1.0 / n as f64;
        for _ in 0..n {
            y = match scheme {
                "s2o4" => {
                    let ys = s2o4_stage(y, l(y, t), lt(y, t), dt);
                    s2o4_final(y, l(y, t), lt(y, t), lt(ys, t + 0.5 * dt), dt)
                }
                "single" => single_stage(y, l(y, t), lt(y, t), dt),
                _ => euler(y, l(y, t), dt),
            };
            t += dt;
        }
        y
    }

    fn order(scheme: &str) -> f64 {
        // Reference by the same scheme on a much finer step (its error is negligible at these steps).
        let r = solve(1 << 14, "s2o4");
        let e1 = (solve(20, scheme) - r).abs();
        let e2 = (solve(40, scheme) - r).abs();
        (e1 / e2).log2()
    }

    #[test]
    fn s2o4_is_fourth_order_on_an_ode() {
        let p = order("s2o4");
        assert!((p - 4.0).abs() < 0.25, "order {p}");
    }

    #[test]
    fn one_stage_schemes_have_their_orders() {
        let p = order("single");
        assert!((p - 2.0).abs() < 0.2, "single-stage order {p}");
        let p = order("euler");
        assert!((p - 1.0).abs() < 0.2, "euler order {p}");
    }
}
