//! An exact Riemann solver for the one-dimensional ideal-gas Euler equations (Toro, *Riemann Solvers and
//! Numerical Methods for Fluid Dynamics*, 3rd ed., chapter 4), written independently of the crate, shared by
//! the shock-tube tests on strips and on triangles.

#![allow(dead_code)]

// ---------------------------------------------------------------------------------------------
// Exact Riemann solver (Toro, chapter 4)
// ---------------------------------------------------------------------------------------------

/// A primitive state of the one-dimensional Euler equations.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Prim {
    /// Density.
    pub rho: f64,
    /// Normal velocity.
    pub u: f64,
    /// Pressure.
    pub p: f64,
}

impl Prim {
    /// Builds a state from density, velocity and pressure.
    pub const fn new(rho: f64, u: f64, p: f64) -> Self {
        Self { rho, u, p }
    }

    /// Speed of sound `sqrt(γ p / ρ)`.
    pub fn sound_speed(&self, gamma: f64) -> f64 {
        (gamma * self.p / self.rho).sqrt()
    }

    /// Conserved variables `(ρ, ρu, E)` with `E = p/(γ-1) + ρu²/2`.
    pub fn conserved(&self, gamma: f64) -> [f64; 3] {
        [
            self.rho,
            self.rho * self.u,
            self.p / (gamma - 1.0) + 0.5 * self.rho * self.u * self.u,
        ]
    }

    /// Primitive state from conserved variables `(ρ, ρu, E)`.
    pub fn from_conserved(q: [f64; 3], gamma: f64) -> Self {
        let u = q[1] / q[0];
        Self::new(q[0], u, (gamma - 1.0) * (q[2] - 0.5 * q[0] * u * u))
    }
}

/// The exact solution of a vacuum-free Riemann problem for the ideal-gas Euler equations.
#[derive(Clone, Copy, Debug)]
pub struct ExactRiemann {
    /// State left of the initial discontinuity.
    pub left: Prim,
    /// State right of the initial discontinuity.
    pub right: Prim,
    /// Ratio of specific heats.
    pub gamma: f64,
    /// Sound speed of the left state.
    c_left: f64,
    /// Sound speed of the right state.
    c_right: f64,
    /// Pressure in the star region.
    pub p_star: f64,
    /// Velocity in the star region (the contact speed).
    pub u_star: f64,
}

/// Toro's pressure function `f_K(p)` for one side and its derivative (eqs. 4.6, 4.7, 4.37):
/// the velocity change across a shock (`p > p_K`) or a rarefaction (`p <= p_K`) that connects
/// state `K` to pressure `p`.
fn pressure_function(p: f64, k: Prim, c_k: f64, gamma: f64) -> (f64, f64) {
    if p > k.p {
        let a = 2.0 / ((gamma + 1.0) * k.rho);
        let b = (gamma - 1.0) / (gamma + 1.0) * k.p;
        let q = (a / (p + b)).sqrt();
        ((p - k.p) * q, q * (1.0 - 0.5 * (p - k.p) / (b + p)))
    } else {
        let ratio = p / k.p;
        let f = 2.0 * c_k / (gamma - 1.0) * (ratio.powf((gamma - 1.0) / (2.0 * gamma)) - 1.0);
        let df = ratio.powf(-(gamma + 1.0) / (2.0 * gamma)) / (k.rho * c_k);
        (f, df)
    }
}

impl ExactRiemann {
    /// Solves for the star state by Newton iteration on `f_L(p) + f_R(p) + Δu = 0`, started from
    /// the two-rarefaction approximation (Toro eq. 4.46), which is exact when both waves are
    /// rarefactions and otherwise a lower bound the iteration converges monotonically from.
    ///
    /// # Panics
    /// If the data generate vacuum (pressure positivity condition, Toro eq. 4.40, violated) or
    /// the iteration fails to converge.
    pub fn new(left: Prim, right: Prim, gamma: f64) -> Self {
        let c_left = left.sound_speed(gamma);
        let c_right = right.sound_speed(gamma);
        let du = right.u - left.u;
        let du_crit = 2.0 * (c_left + c_right) / (gamma - 1.0);
        assert!(
            du < du_crit,
            "the data generate vacuum: Δu = {du} >= {du_crit}; not supported"
        );

        let z = (gamma - 1.0) / (2.0 * gamma);
        let guess = ((c_left + c_right - 0.5 * (gamma - 1.0) * du)
            / (c_left / left.p.powf(z) + c_right / right.p.powf(z)))
        .powf(1.0 / z);
        let tol = 1e-14;
        let mut p = guess.max(tol);
        let mut converged = false;
        for _ in 0..100 {
            let (fl, dfl) = pressure_function(p, left, c_left, gamma);
            let (fr, dfr) = pressure_function(p, right, c_right, gamma);
            let p_new = (p - (fl + fr + du) / (dfl + dfr)).max(tol);
            let change = 2.0 * (p_new - p).abs() / (p_new + p);
            p = p_new;
            if change < tol {
                converged = true;
                break;
            }
        }
        assert!(converged, "Newton iteration for p* did not converge");
        let (fl, _) = pressure_function(p, left, c_left, gamma);
        let (fr, _) = pressure_function(p, right, c_right, gamma);
        Self {
            left,
            right,
            gamma,
            c_left,
            c_right,
            p_star: p,
            u_star: 0.5 * (left.u + right.u) + 0.5 * (fr - fl),
        }
    }

    /// Density just left of the contact (Toro eqs. 4.50 and 4.53).
    pub fn rho_star_left(&self) -> f64 {
        star_density(self.left, self.p_star, self.gamma)
    }

    /// Density just right of the contact (Toro eqs. 4.57 and 4.60).
    pub fn rho_star_right(&self) -> f64 {
        star_density(self.right, self.p_star, self.gamma)
    }

    /// The speeds `x/t` at which the solution is not smooth, in increasing order: the left wave
    /// (one shock speed, or the head and tail of the fan), the contact, the right wave.
    pub fn wave_speeds(&self) -> Vec<f64> {
        let g = self.gamma;
        let mut s = Vec::with_capacity(5);
        if self.p_star > self.left.p {
            let pr = self.p_star / self.left.p;
            s.push(
                self.left.u
                    - self.c_left * ((g + 1.0) / (2.0 * g) * pr + (g - 1.0) / (2.0 * g)).sqrt(),
            );
        } else {
            s.push(self.left.u - self.c_left);
            s.push(self.u_star - self.rho_star_left_sound_speed());
        }
        s.push(self.u_star);
        if self.p_star > self.right.p {
            let pr = self.p_star / self.right.p;
            s.push(
                self.right.u
                    + self.c_right * ((g + 1.0) / (2.0 * g) * pr + (g - 1.0) / (2.0 * g)).sqrt(),
            );
        } else {
            s.push(self.u_star + self.rho_star_right_sound_speed());
            s.push(self.right.u + self.c_right);
        }
        s
    }

    /// Sound speed in the left star region.
    pub fn rho_star_left_sound_speed(&self) -> f64 {
        (self.gamma * self.p_star / self.rho_star_left()).sqrt()
    }

    /// Sound speed in the right star region.
    pub fn rho_star_right_sound_speed(&self) -> f64 {
        (self.gamma * self.p_star / self.rho_star_right()).sqrt()
    }

    /// Samples the self-similar solution at `s = x/t` (Toro's `SAMPLE`, section 4.5).
    pub fn sample(&self, s: f64) -> Prim {
        let g = self.gamma;
        let g5 = 2.0 / (g + 1.0);
        let g7 = 0.5 * (g - 1.0);
        let g4 = 2.0 / (g - 1.0);
        let g3 = 2.0 * g / (g - 1.0);
        let speeds = self.wave_speeds();
        if s <= self.u_star {
            let (l, c) = (self.left, self.c_left);
            if self.p_star > l.p {
                if s <= speeds[0] {
                    l
                } else {
                    Prim::new(self.rho_star_left(), self.u_star, self.p_star)
                }
            } else if s <= speeds[0] {
                l
            } else if s > speeds[1] {
                Prim::new(self.rho_star_left(), self.u_star, self.p_star)
            } else {
                let cf = g5 * (c + g7 * (l.u - s));
                Prim::new(
                    l.rho * (cf / c).powf(g4),
                    g5 * (c + g7 * l.u + s),
                    l.p * (cf / c).powf(g3),
                )
            }
        } else {
            let (r, c) = (self.right, self.c_right);
            let n = speeds.len();
            if self.p_star > r.p {
                if s >= speeds[n - 1] {
                    r
                } else {
                    Prim::new(self.rho_star_right(), self.u_star, self.p_star)
                }
            } else if s >= speeds[n - 1] {
                r
            } else if s <= speeds[n - 2] {
                Prim::new(self.rho_star_right(), self.u_star, self.p_star)
            } else {
                let cf = g5 * (c - g7 * (r.u - s));
                Prim::new(
                    r.rho * (cf / c).powf(g4),
                    g5 * (-c + g7 * r.u + s),
                    r.p * (cf / c).powf(g3),
                )
            }
        }
    }

    /// Total variation of the exact density profile: the waves are monotone (shocks and contacts
    /// are single jumps, a fan varies monotonically between its end states), so it is the sum of
    /// the jumps between the four constant states.
    pub fn density_total_variation(&self) -> f64 {
        let (a, b) = (self.rho_star_left(), self.rho_star_right());
        (self.left.rho - a).abs() + (a - b).abs() + (b - self.right.rho).abs()
    }

    /// Exact averages of the conserved variables over `[a, b]` at time `t > 0` for a problem
    /// whose discontinuity starts at `x0`. The interval is split at the wave positions, and each
    /// smooth piece is integrated with five-point Gauss–Legendre quadrature, which is exact in
    /// the constant states and (for γ = 1.4, where the fan profiles of ρ, ρu and E are
    /// polynomials of degree at most 7 in x) exact in the fans too.
    pub fn cell_average(&self, a: f64, b: f64, x0: f64, t: f64) -> [f64; 3] {
        const NODES: [f64; 5] = [
            -0.906_179_845_938_664,
            -0.538_469_310_105_683_1,
            0.0,
            0.538_469_310_105_683_1,
            0.906_179_845_938_664,
        ];
        const WEIGHTS: [f64; 5] = [
            0.236_926_885_056_189_1,
            0.478_628_670_499_366_5,
            0.568_888_888_888_888_9,
            0.478_628_670_499_366_5,
            0.236_926_885_056_189_1,
        ];
        let mut cuts = vec![a];
        cuts.extend(
            self.wave_speeds()
                .iter()
                .map(|s| x0 + s * t)
                .filter(|&x| x > a && x < b),
        );
        cuts.push(b);
        let mut sum = [0.0; 3];
        for piece in cuts.windows(2) {
            let (mid, half) = (0.5 * (piece[0] + piece[1]), 0.5 * (piece[1] - piece[0]));
            for (xi, w) in NODES.iter().zip(WEIGHTS) {
                let q = self
                    .sample((mid + half * xi - x0) / t)
                    .conserved(self.gamma);
                for k in 0..3 {
                    sum[k] += w * half * q[k];
                }
            }
        }
        sum.map(|s| s / (b - a))
    }
}

/// Density behind a wave that connects state `k` to pressure `p_star`: the shock Hugoniot
/// (Toro eq. 4.50) or the isentrope (eq. 4.53).
fn star_density(k: Prim, p_star: f64, gamma: f64) -> f64 {
    let pr = p_star / k.p;
    if p_star > k.p {
        let g6 = (gamma - 1.0) / (gamma + 1.0);
        k.rho * (pr + g6) / (g6 * pr + 1.0)
    } else {
        k.rho * pr.powf(1.0 / gamma)
    }
}
