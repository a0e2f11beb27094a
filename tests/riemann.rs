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

#[path = "common/exact.rs"]
mod exact;
use exact::*;

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
    // Its own OpenMPI session directory: processes started at the same instant race for the shared one.
    let session = TempDir::new(&format!("{}-{nx}-mpi", problem.name));
    let out = cmd
        .env("OMPI_MCA_orte_tmpdir_base", &session.0)
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
/// docs/validation.md. The L1 errors, which do converge, carry the accuracy check.
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
