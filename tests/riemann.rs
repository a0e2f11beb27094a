//! One-dimensional shock-tube tests of the `gasket` binary against an exact Riemann solver.
//!
//! The binary is run on the Sod, Lax and "123" (strong double rarefaction) problems on a strip
//! one cell high, and its final cell averages are compared with the cell averages of the exact
//! self-similar solution of the ideal-gas Euler equations (Toro, *Riemann Solvers and Numerical
//! Methods for Fluid Dynamics*, 3rd ed., chapter 4), which is implemented here independently of
//! the crate.
//!
//! Every tolerance below is derived from the theory of shock-capturing schemes for discontinuous
//! solutions, not from numbers the code produced; the reasoning is given where each is used.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use gasket::io::{read_snapshot, Snapshot};

// ---------------------------------------------------------------------------------------------
// Exact Riemann solver (Toro, chapter 4)
// ---------------------------------------------------------------------------------------------

/// A primitive state of the one-dimensional Euler equations.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Prim {
    /// Density.
    rho: f64,
    /// Normal velocity.
    u: f64,
    /// Pressure.
    p: f64,
}

impl Prim {
    /// Builds a state from density, velocity and pressure.
    const fn new(rho: f64, u: f64, p: f64) -> Self {
        Self { rho, u, p }
    }

    /// Speed of sound `sqrt(γ p / ρ)`.
    fn sound_speed(&self, gamma: f64) -> f64 {
        (gamma * self.p / self.rho).sqrt()
    }

    /// Conserved variables `(ρ, ρu, E)` with `E = p/(γ-1) + ρu²/2`.
    fn conserved(&self, gamma: f64) -> [f64; 3] {
        [
            self.rho,
            self.rho * self.u,
            self.p / (gamma - 1.0) + 0.5 * self.rho * self.u * self.u,
        ]
    }

    /// Primitive state from conserved variables `(ρ, ρu, E)`.
    fn from_conserved(q: [f64; 3], gamma: f64) -> Self {
        let u = q[1] / q[0];
        Self::new(q[0], u, (gamma - 1.0) * (q[2] - 0.5 * q[0] * u * u))
    }
}

/// The exact solution of a vacuum-free Riemann problem for the ideal-gas Euler equations.
#[derive(Clone, Copy, Debug)]
struct ExactRiemann {
    /// State left of the initial discontinuity.
    left: Prim,
    /// State right of the initial discontinuity.
    right: Prim,
    /// Ratio of specific heats.
    gamma: f64,
    /// Sound speed of the left state.
    c_left: f64,
    /// Sound speed of the right state.
    c_right: f64,
    /// Pressure in the star region.
    p_star: f64,
    /// Velocity in the star region (the contact speed).
    u_star: f64,
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
    fn new(left: Prim, right: Prim, gamma: f64) -> Self {
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
    fn rho_star_left(&self) -> f64 {
        star_density(self.left, self.p_star, self.gamma)
    }

    /// Density just right of the contact (Toro eqs. 4.57 and 4.60).
    fn rho_star_right(&self) -> f64 {
        star_density(self.right, self.p_star, self.gamma)
    }

    /// The speeds `x/t` at which the solution is not smooth, in increasing order: the left wave
    /// (one shock speed, or the head and tail of the fan), the contact, the right wave.
    fn wave_speeds(&self) -> Vec<f64> {
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
    fn rho_star_left_sound_speed(&self) -> f64 {
        (self.gamma * self.p_star / self.rho_star_left()).sqrt()
    }

    /// Sound speed in the right star region.
    fn rho_star_right_sound_speed(&self) -> f64 {
        (self.gamma * self.p_star / self.rho_star_right()).sqrt()
    }

    /// Samples the self-similar solution at `s = x/t` (Toro's `SAMPLE`, section 4.5).
    fn sample(&self, s: f64) -> Prim {
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
    fn density_total_variation(&self) -> f64 {
        let (a, b) = (self.rho_star_left(), self.rho_star_right());
        (self.left.rho - a).abs() + (a - b).abs() + (b - self.right.rho).abs()
    }

    /// Exact averages of the conserved variables over `[a, b]` at time `t > 0` for a problem
    /// whose discontinuity starts at `x0`. The interval is split at the wave positions, and each
    /// smooth piece is integrated with five-point Gauss–Legendre quadrature, which is exact in
    /// the constant states and (for γ = 1.4, where the fan profiles of ρ, ρu and E are
    /// polynomials of degree at most 7 in x) exact in the fans too.
    fn cell_average(&self, a: f64, b: f64, x0: f64, t: f64) -> [f64; 3] {
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

// ---------------------------------------------------------------------------------------------
// Running the binary
// ---------------------------------------------------------------------------------------------

/// A temporary output directory, removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    /// Creates a fresh directory, unique to this process and call, under the system temp dir.
    fn new(tag: &str) -> Self {
        static COUNTER: AtomicUsize = AtomicUsize::new(0);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let dir =
            std::env::temp_dir().join(format!("gasket-riemann-{}-{n}-{tag}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("create temp dir");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A shock-tube problem: a case file, its initial states (passed to the binary explicitly so
/// that the exact solution always matches what was run) and its end time.
#[derive(Clone, Copy, Debug)]
struct Problem {
    /// Short name, used in messages and directory names.
    name: &'static str,
    /// Case file under `jobs/cases`.
    case: &'static str,
    /// Left state.
    left: Prim,
    /// Right state.
    right: Prim,
    /// Initial position of the discontinuity.
    x0: f64,
    /// End time.
    t_end: f64,
    /// Further `--set` overrides.
    extra: &'static [&'static str],
}

/// Sod's problem (Toro test 1 variant, Sod 1978).
const SOD: Problem = Problem {
    name: "sod",
    case: "sod.toml",
    left: Prim::new(1.0, 0.0, 1.0),
    right: Prim::new(0.125, 0.0, 0.1),
    x0: 0.5,
    t_end: 0.2,
    extra: &[],
};

/// Lax's problem.
const LAX: Problem = Problem {
    name: "lax",
    case: "lax.toml",
    left: Prim::new(0.445, 0.698, 3.528),
    right: Prim::new(0.5, 0.0, 0.571),
    x0: 0.5,
    t_end: 0.14,
    extra: &[],
};

/// The "123" problem (Toro test 2): two strong rarefactions leaving a near-vacuum in between.
const P123: Problem = Problem {
    name: "123",
    case: "sod.toml",
    left: Prim::new(1.0, -2.0, 0.4),
    right: Prim::new(1.0, 2.0, 0.4),
    x0: 0.5,
    t_end: 0.15,
    extra: &[],
};

/// Formats a state as the binary's `[ρ, U, V, p]` override value.
fn state_arg(s: Prim) -> String {
    format!("[{:?},{:?},0.0,{:?}]", s.rho, s.u, s.p)
}

/// Runs the binary on `problem` with `nx` cells and reads its final snapshot.
fn run(problem: &Problem, nx: usize) -> Snapshot {
    let case = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("jobs/cases")
        .join(problem.case);
    let dir = TempDir::new(&format!("{}-{nx}", problem.name));
    let sets = [
        format!("mesh.nx={nx}"),
        format!("initial.left={}", state_arg(problem.left)),
        format!("initial.right={}", state_arg(problem.right)),
        format!("initial.x0={:?}", problem.x0),
        format!("time.end={:?}", problem.t_end),
    ];
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gasket"));
    cmd.arg("run").arg(&case);
    for s in sets
        .iter()
        .map(String::as_str)
        .chain(problem.extra.iter().copied())
    {
        cmd.arg("--set").arg(s);
    }
    let out = cmd
        .arg("-o")
        .arg(&dir.0)
        .args(["-q", "--threads", "2"])
        .output()
        .expect("spawn gasket");
    assert!(
        out.status.success(),
        "{} N={nx}: gasket failed ({})\nstdout:\n{}\nstderr:\n{}",
        problem.name,
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        dir.0.join("summary.json").is_file(),
        "{} N={nx}: no summary.json",
        problem.name
    );
    read_snapshot(&dir.0.join("final.h5")).expect("read final.h5")
}

// ---------------------------------------------------------------------------------------------
// Comparison
// ---------------------------------------------------------------------------------------------

/// A numerical solution on a one-cell-high strip, sorted by x, next to the exact cell averages.
struct Comparison {
    /// Cell x-extents `[a, b]`, sorted by x.
    cells: Vec<[f64; 2]>,
    /// Numerical primitive cell states.
    numerical: Vec<Prim>,
    /// Exact averages of the conserved variables over each cell, as primitive states (the
    /// binary's velocity and pressure are derived from averaged conserved variables, so this is
    /// the like-for-like comparison; the density is the plain cell average).
    exact: Vec<Prim>,
    /// Domain length.
    length: f64,
    /// The exact solution.
    solution: ExactRiemann,
    /// Simulated time.
    time: f64,
}

impl Comparison {
    /// Checks the run and builds the exact cell averages for it.
    fn new(problem: &Problem, nx: usize, snap: &Snapshot) -> Self {
        assert_eq!(
            snap.n_cells(),
            nx,
            "{}: a strip of {nx} cells",
            problem.name
        );
        assert!(
            (snap.time - problem.t_end).abs() <= 1e-12 * problem.t_end,
            "{} N={nx}: final time {} != {}",
            problem.name,
            snap.time,
            problem.t_end
        );
        let mut order: Vec<(usize, [f64; 2])> = (0..nx)
            .map(|c| {
                let xs = snap.cell(c).iter().map(|&v| snap.vertices[v as usize][0]);
                let a = xs.clone().fold(f64::INFINITY, f64::min);
                let b = xs.fold(f64::NEG_INFINITY, f64::max);
                (c, [a, b])
            })
            .collect();
        order.sort_by(|p, q| p.1[0].total_cmp(&q.1[0]));
        let cells: Vec<[f64; 2]> = order.iter().map(|o| o.1).collect();
        let length = cells[nx - 1][1] - cells[0][0];
        let dx = length / nx as f64;
        for w in cells.windows(2) {
            assert!(
                (w[0][1] - w[1][0]).abs() < 1e-9 * dx && (w[0][1] - w[0][0] - dx).abs() < 1e-9 * dx,
                "{}: the mesh is not a uniform one-cell-high strip",
                problem.name
            );
        }
        let numerical = order
            .iter()
            .map(|&(c, _)| Prim::new(snap.density[c], snap.velocity[c][0], snap.pressure[c]))
            .collect();
        let solution = ExactRiemann::new(problem.left, problem.right, snap.gamma);
        let exact = cells
            .iter()
            .map(|&[a, b]| {
                Prim::from_conserved(
                    solution.cell_average(a, b, problem.x0, snap.time),
                    snap.gamma,
                )
            })
            .collect();
        Self {
            cells,
            numerical,
            exact,
            length,
            solution,
            time: snap.time,
        }
    }

    /// Cell width.
    fn dx(&self) -> f64 {
        self.length / self.cells.len() as f64
    }

    /// L1 error `Σ |q_h - q| Δx` of the quantity picked by `f`.
    fn l1(&self, f: impl Fn(&Prim) -> f64) -> f64 {
        self.numerical
            .iter()
            .zip(&self.exact)
            .map(|(n, e)| (f(n) - f(e)).abs() * self.dx())
            .sum()
    }

    /// Total variation of the numerical density.
    fn density_total_variation(&self) -> f64 {
        self.numerical
            .windows(2)
            .map(|w| (w[1].rho - w[0].rho).abs())
            .sum()
    }
}

/// The resolutions of the refinement study.
const RESOLUTIONS: [usize; 3] = [100, 200, 400];

/// A compared quantity: its name and how to take it from a state.
type Quantity = (&'static str, fn(&Prim) -> f64);

/// The quantities compared.
const QUANTITIES: [Quantity; 3] = [
    ("rho", |s: &Prim| s.rho),
    ("u", |s: &Prim| s.u),
    ("p", |s: &Prim| s.p),
];

/// Runs `problem` at every resolution of [`RESOLUTIONS`], checks positivity of every run (2)
/// and the convergence and size of the L1 errors of ρ, u and p (1), and returns the
/// comparisons in the order of [`RESOLUTIONS`].
fn refinement_study(problem: &Problem) -> Vec<Comparison> {
    let runs: Vec<Comparison> = RESOLUTIONS
        .iter()
        .map(|&n| Comparison::new(problem, n, &run(problem, n)))
        .collect();

    // (2) Positivity on every run: the exact solution is vacuum-free, and a cell average with
    // zero or negative density or pressure has left the domain where the Euler equations are
    // hyperbolic, whatever the resolution.
    for (n, c) in RESOLUTIONS.iter().zip(&runs) {
        for (i, s) in c.numerical.iter().enumerate() {
            assert!(
                s.rho > 0.0 && s.p > 0.0 && s.u.is_finite() && s.rho.is_finite() && s.p.is_finite(),
                "{} N={n}: non-physical state {s:?} in cell {i}",
                problem.name
            );
        }
    }

    for (name, f) in QUANTITIES {
        let errors: Vec<f64> = runs.iter().map(|c| c.l1(f)).collect();
        let orders: Vec<f64> = errors.windows(2).map(|w| (w[0] / w[1]).log2()).collect();
        let overall = (errors[0] / errors[2]).log2() / 2.0;
        eprintln!(
            "{}: L1({name}) at N = {RESOLUTIONS:?}: {:.3e} {:.3e} {:.3e}; orders {:.2} {:.2}, \
             overall {overall:.2}",
            problem.name, errors[0], errors[1], errors[2], orders[0], orders[1]
        );

        // (1a) Convergence. The L1 error of a solution with discontinuities is dominated by the
        // smeared waves. A shock is self-steepening and keeps a fixed width in cells: O(Δx). A
        // contact (linearly degenerate, no steepening) captured by a scheme of formal order r
        // spreads like Δx^{r/(r+1)} (Harten 1978): order 1/2 for a first-order scheme, 5/6 for
        // fifth-order WENO. Kinks at fan ends contribute O(Δx) or better. So any consistent
        // shock-capturing scheme converges at between 1/2 and 1, and a high-order one at r/(r+1)
        // ≥ 2/3 once asymptotic. We require
        // * overall order log₄(e₁₀₀/e₄₀₀) ≥ 0.6: clearly above the first-order contact rate 1/2
        //   (more than mere consistency), with margin below 2/3 for the pre-asymptotic range, in
        //   which 100 cells put Lax's contact and shock only 13 cells apart;
        // * every doubling ≥ 1/2: no doubling may do worse than a first-order scheme's contact.
        assert!(
            overall >= 0.6,
            "{}: overall L1({name}) order {overall:.3} < 0.6 from N=100 to N=400 (errors {errors:?})",
            problem.name
        );
        for (k, &order) in orders.iter().enumerate() {
            assert!(
                order >= 0.5,
                "{}: L1({name}) order {order:.3} < 1/2 from N={} to N={} (errors {errors:?})",
                problem.name,
                RESOLUTIONS[k],
                RESOLUTIONS[k + 1]
            );
        }

        // (1b) Size at N = 400. Let J = max - min of the exact quantity and L the domain length.
        // A discontinuity of strength ≤ J smeared over w cells contributes about J·w·Δx/4 to the
        // L1 error (the area between a linear ramp of width w·Δx and the step it replaces). A
        // Riemann solution has at most two discontinuities in each of ρ, u, p; a captured shock
        // occupies 2-3 cells and a contact, which spreads with time, ≲ 8 cells at 400 cells
        // (Harten's Δx^{5/6} t^{1/6} law); so the error is at most 2·8/4·J·L/400 = 1% of J·L.
        // Smooth parts (fans) add errors of higher order in Δx, negligible by comparison.
        let last = &runs[2];
        let (lo, hi) = last
            .exact
            .iter()
            .map(f)
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        let scale = (hi - lo) * last.length;
        eprintln!(
            "{}: L1({name}) at N=400 is {:.3}% of its jump scale {scale:.4}",
            problem.name,
            100.0 * errors[2] / scale
        );
        assert!(
            errors[2] < 0.01 * scale,
            "{}: L1({name}) = {:.3e} at N=400 is not below 1% of the jump scale {scale:.3e}",
            problem.name,
            errors[2]
        );
    }
    runs
}

/// (3) The shock is captured in the right place: at N = 200 the steepest density jump between
/// neighbouring cells within 8 cells of the exact shock position lies within 2 cells of it.
/// A conservative scheme satisfies the Rankine–Hugoniot condition in the limit (Lax–Wendroff
/// theorem), so its shock moves at the exact speed and can only be displaced by the O(Δx)
/// width of its profile; 2 cells covers a profile of 2-3 cells with the steepest interface
/// anywhere inside it. A scheme that is not conservative, or with a wrong flux, would place the
/// shock by O(1)·t off, growing with time, not with Δx.
fn check_shock_position(problem: &Problem, c: &Comparison) {
    let speeds = c.solution.wave_speeds();
    assert!(
        c.solution.p_star > problem.right.p,
        "{}: the right wave should be a shock",
        problem.name
    );
    let x_shock = problem.x0 + speeds[speeds.len() - 1] * c.time;
    let x_contact = problem.x0 + c.solution.u_star * c.time;
    let dx = c.dx();
    let window = 8.0 * dx;
    assert!(
        (x_shock - x_contact).abs() > 2.0 * window,
        "{}: the contact is too close to the shock for the window",
        problem.name
    );
    let (x_face, jump) = c
        .cells
        .windows(2)
        .zip(c.numerical.windows(2))
        .map(|(cells, s)| (cells[0][1], (s[1].rho - s[0].rho).abs()))
        .filter(|&(x, _)| (x - x_shock).abs() <= window)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .expect("faces near the shock");
    eprintln!(
        "{}: N={} steepest density jump {jump:.4} at x = {x_face:.5}, exact shock at {x_shock:.5} \
         ({:+.2} cells)",
        problem.name,
        c.cells.len(),
        (x_face - x_shock) / dx
    );
    assert!(
        (x_face - x_shock).abs() <= 2.0 * dx,
        "{}: steepest density gradient at x = {x_face:.5}, more than 2 cells from the exact shock \
         at {x_shock:.5}",
        problem.name
    );
}

/// (4) No spurious oscillations: at N = 200 the total variation of the numerical density is at
/// most 5% above that of the exact solution. Cell averages of the exact solution have at most
/// its total variation, and an essentially non-oscillatory scheme (characteristic WENO) may
/// exceed it only by O(Δx^r) wiggles near discontinuities; Gibbs-type overshoots of a
/// non-ENO scheme are O(1) fractions of each jump and add tens of percent.
fn check_total_variation(problem: &Problem, c: &Comparison) {
    let tv = c.density_total_variation();
    let tv_exact = c.solution.density_total_variation();
    eprintln!(
        "{}: N={} density total variation {tv:.5}, exact {tv_exact:.5} ({:+.2}%)",
        problem.name,
        c.cells.len(),
        100.0 * (tv / tv_exact - 1.0)
    );
    assert!(
        tv <= 1.05 * tv_exact,
        "{}: density total variation {tv:.5} exceeds the exact {tv_exact:.5} by more than 5%",
        problem.name
    );
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

/// Toro's Table 4.3, test 1 (Sod), to the five digits given there.
#[test]
fn exact_solver_sod_star_state() {
    let s = ExactRiemann::new(SOD.left, SOD.right, 1.4);
    approx::assert_abs_diff_eq!(s.p_star, 0.30313, epsilon = 5e-6);
    approx::assert_abs_diff_eq!(s.u_star, 0.92745, epsilon = 5e-6);
    approx::assert_abs_diff_eq!(s.rho_star_left(), 0.42632, epsilon = 5e-6);
    approx::assert_abs_diff_eq!(s.rho_star_right(), 0.26557, epsilon = 5e-6);
}

/// Toro's Table 4.3, test 2 (the 123 problem), to the five decimals given there.
#[test]
fn exact_solver_123_star_state() {
    let s = ExactRiemann::new(P123.left, P123.right, 1.4);
    approx::assert_abs_diff_eq!(s.p_star, 0.00189, epsilon = 5e-6);
    approx::assert_abs_diff_eq!(s.u_star, 0.0, epsilon = 1e-12);
    approx::assert_abs_diff_eq!(s.rho_star_left(), 0.02185, epsilon = 5e-6);
    approx::assert_abs_diff_eq!(s.rho_star_right(), 0.02185, epsilon = 5e-6);
}

/// The sampled solution is continuous at the ends of the fans and across the contact in u and
/// p, and its cell averages conserve mass, momentum and energy: with all waves inside [0, 1] the
/// integrals change only by the boundary fluxes `t (F(W_L) - F(W_R))`.
#[test]
fn exact_cell_averages_are_consistent() {
    for p in [SOD, LAX, P123] {
        let g = 1.4;
        let s = ExactRiemann::new(p.left, p.right, g);
        let speeds = s.wave_speeds();
        let jump = |v: f64| {
            let (a, b) = (s.sample(v - 1e-9), s.sample(v + 1e-9));
            [(a.rho - b.rho).abs(), (a.u - b.u).abs(), (a.p - b.p).abs()]
        };
        let mut fan_edges = Vec::new();
        if s.p_star <= p.left.p {
            fan_edges.extend_from_slice(&speeds[..2]);
        }
        if s.p_star <= p.right.p {
            fan_edges.extend_from_slice(&speeds[speeds.len() - 2..]);
        }
        for v in fan_edges {
            assert!(
                jump(v).iter().all(|&j| j < 1e-6),
                "{}: fan edge {v}",
                p.name
            );
        }
        let contact = jump(s.u_star);
        assert!(
            contact[1] < 1e-6 && contact[2] < 1e-6,
            "{}: contact",
            p.name
        );
        assert!(
            p.x0 + speeds[0] * p.t_end > 0.0 && p.x0 + speeds[speeds.len() - 1] * p.t_end < 1.0,
            "{}: waves leave the domain",
            p.name
        );
        let n = 37;
        let dx = 1.0 / n as f64;
        let mut total = [0.0; 3];
        for i in 0..n {
            let q = s.cell_average(i as f64 * dx, (i + 1) as f64 * dx, p.x0, p.t_end);
            for k in 0..3 {
                total[k] += q[k] * dx;
            }
        }
        let flux = |w: Prim| {
            let q = w.conserved(g);
            [q[1], q[1] * w.u + w.p, (q[2] + w.p) * w.u]
        };
        let (ql, qr) = (p.left.conserved(g), p.right.conserved(g));
        let (fl, fr) = (flux(p.left), flux(p.right));
        for k in 0..3 {
            let expected = p.x0 * ql[k] + (1.0 - p.x0) * qr[k] + p.t_end * (fl[k] - fr[k]);
            approx::assert_abs_diff_eq!(total[k], expected, epsilon = 1e-12);
        }
    }
}

/// Sod's shock tube: convergence, positivity, shock position and total variation.
#[test]
fn sod_shock_tube() {
    let runs = refinement_study(&SOD);
    check_shock_position(&SOD, &runs[1]);
    check_total_variation(&SOD, &runs[1]);
}

/// Lax's shock tube: convergence, positivity, shock position and total variation.
#[test]
fn lax_shock_tube() {
    let runs = refinement_study(&LAX);
    check_shock_position(&LAX, &runs[1]);
    check_total_variation(&LAX, &runs[1]);
}

/// The 123 problem: two rarefactions leave a near-vacuum (ρ* ≈ 0.022, p* ≈ 0.0019) about the
/// centre, a positivity test. Besides convergence in L1 and positivity (checked on every run), the
/// minimum density must not collapse toward vacuum. Shock-capturing schemes undershoot the density
/// at the centre of this problem (the start-up error at the initial discontinuity, which leaves a
/// narrow dip with excess internal energy that does not vanish pointwise under refinement, Toro §6.4);
/// its depth is scheme-dependent, so the pointwise bound only rules out a collapse: at least a
/// quarter of ρ*. The measured minima (0.0111, 0.0092, … against ρ* = 0.0219) are reported in the
/// README. The L1 errors, which do converge, carry the accuracy check.
#[test]
fn problem_123() {
    let runs = refinement_study(&P123);
    for (n, c) in RESOLUTIONS.iter().zip(&runs) {
        let rho_star = c.solution.rho_star_left();
        let min = c
            .numerical
            .iter()
            .map(|s| s.rho)
            .fold(f64::INFINITY, f64::min);
        eprintln!("123: N={n} minimum density {min:.5}, exact {rho_star:.5}");
        assert!(
            (0.25 * rho_star..=rho_star).contains(&min),
            "123 N={n}: minimum density {min:.5} not within [rho*/4, rho*] of the exact {rho_star:.5}"
        );
    }
}
