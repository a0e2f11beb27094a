//! No heap allocation in the time loop (issue 14, item 4), checked with a counting global allocator.
//!
//! Run optimised: `cargo test --release --test allocations -- --nocapture` (prints the counts).
//!
//! What "the time loop" is here: what `gasket run` does on every step (`src/run.rs`, `time_loop`) — the
//! stable time step with its reduction ([`Solver::stable_dt`]) and the step itself ([`Solver::advance`]:
//! both S2O4 stages, each a residual with the halo exchange on one rank, ghosts and boundary fluxes, and
//! the update, plus the blow-up check after the step). Out of scope, because they run every N steps or
//! every N seconds and write files or lines: snapshots and checkpoints (HDF5), the `[monitor]` samples
//! (gathered and written as CSV every `monitor.every` steps), the progress line; a step that is redone
//! with first-order fluxes after a blow-up and the steps that hold cells at first order after it (a rare,
//! exceptional path). Not covered: the halo exchange between ranks (one rank here), which allocates its
//! two small vectors of MPI requests per exchange when a rank has neighbours.
//!
//! The allocator is a thin wrapper around [`System`] that counts calls to `alloc`, `alloc_zeroed` and
//! `realloc` of every thread (the rayon workers' included) while counting is switched on. Allocations of
//! the C libraries (MPI, HDF5) do not go through it and are not seen.
//!
//! Each thread count runs in a child process of this test binary, as the global rayon pool can be built once
//! per process. As in `gasket run`, one thread initialises MPI, makes every MPI call and is itself one of
//! the pool's threads (`use_current_thread`); the child runs only its own test, so no other test runs
//! beside it. For every case the child builds a
//! [`Solver`] through the library API on one rank, takes [`WARM_UP`] steps (scratch buffers reach their
//! size), then counts over [`MEASURED`] further steps. The count must be zero with one thread and with two.
//!
//! Two threads: rayon hands jobs to the other thread through its work queues without allocating, provided
//! the thread that starts the parallel loops is a member of the pool (as in `gasket run`: jobs injected
//! into the pool from outside it go through a global queue that allocates a block every 63 jobs, with one
//! thread too) and every thread has registered with crossbeam-epoch, once in its life
//! ([`register_this_thread_for_stealing`]).

use std::alloc::{GlobalAlloc, Layout, System};
use std::path::Path;
use std::process::Command;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use gasket::case::LoadedCase;
use gasket::parallel::Parallel;
use gasket::solver::Solver;

/// Counts allocation calls while [`COUNTING`] is on.
struct Counting;

/// Whether calls are counted.
static COUNTING: AtomicBool = AtomicBool::new(false);
/// Calls to `alloc`, `alloc_zeroed` and `realloc` while counting.
static CALLS: AtomicU64 = AtomicU64::new(0);
/// Bytes asked for by those calls.
static BYTES: AtomicU64 = AtomicU64::new(0);
/// Print a backtrace of every counted call (`GASKET_ALLOC_TRACE=1`, to find them).
static TRACE: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Set while this thread prints a backtrace (whose own allocations are not counted).
    static IN_TRACE: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

fn record(size: usize) {
    if !COUNTING.load(Ordering::Relaxed) || IN_TRACE.with(|t| t.get()) {
        return;
    }
    CALLS.fetch_add(1, Ordering::Relaxed);
    BYTES.fetch_add(size as u64, Ordering::Relaxed);
    if TRACE.load(Ordering::Relaxed) {
        IN_TRACE.with(|t| t.set(true));
        let bt = std::backtrace::Backtrace::force_capture();
        eprintln!("allocation of {size} bytes:\n{bt}");
        IN_TRACE.with(|t| t.set(false));
    }
}

// SAFETY: every call is forwarded unchanged to `System`; the counting touches only atomics and a
// thread-local flag (no allocation unless tracing, which is guarded against re-entry).
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        System.alloc(layout)
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        record(layout.size());
        System.alloc_zeroed(layout)
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        record(new_size);
        System.realloc(ptr, layout, new_size)
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

/// Steps before counting starts.
const WARM_UP: usize = 3;
/// Steps counted.
const MEASURED: usize = 5;

/// Environment variable that makes [`child_counts_allocations`] run, with the number of threads.
const CHILD: &str = "GASKET_ALLOC_CHILD_THREADS";

/// (label, case, overrides): every scheme, Euler and Navier–Stokes, small meshes.
const CASES: &[(&str, &str, &[&str])] = &[
    (
        "weno5 characteristic, riemann2d_a 24x24",
        "riemann2d_a",
        &["mesh.nx=24", "mesh.ny=24"],
    ),
    (
        "weno5 conservative Z, double_mach 48x12",
        "double_mach",
        &[
            "mesh.nx=48",
            "mesh.ny=12",
            "scheme.variables=\"conservative\"",
            "scheme.weno=\"z\"",
        ],
    ),
    (
        "second order, isentropic_vortex_tri 10x10",
        "isentropic_vortex_tri",
        &["mesh.nx=10", "mesh.ny=10", "scheme={kind=\"second_order\"}"],
    ),
    (
        "scfv, isentropic_vortex_tri 8x8",
        "isentropic_vortex_tri",
        &["mesh.nx=8", "mesh.ny=8", "scheme.kind=\"scfv\""],
    ),
    (
        "scfv limited, sod_tri",
        "sod_tri",
        &["scheme.kind=\"scfv\"", "scheme.limiter=true"],
    ),
    (
        "navier-stokes weno5, cavity 16x16",
        "cavity",
        &["mesh.nx=16", "mesh.ny=16"],
    ),
    (
        "navier-stokes second order, couette on triangles",
        "couette",
        &["mesh.kind=\"triangles\"", "scheme.kind=\"second_order\""],
    ),
    (
        "navier-stokes scfv, couette on triangles",
        "couette",
        &["mesh.kind=\"triangles\"", "scheme.kind=\"scfv\""],
    ),
    (
        "cpr p = 3 with subcell limiting, isentropic_vortex_cpr 6x6",
        "isentropic_vortex_cpr",
        &["mesh.nx=6", "mesh.ny=6"],
    ),
    (
        "cpr p = 3 troubled elements, sod_tri",
        "sod_tri",
        &["scheme.kind=\"cpr\"", "scheme.degree=3"],
    ),
    (
        "cpr p = 2, discrete time derivative, isentropic_vortex_cpr 6x6",
        "isentropic_vortex_cpr",
        &[
            "mesh.nx=6",
            "mesh.ny=6",
            "scheme.degree=2",
            "time.derivative=\"discrete\"",
        ],
    ),
    (
        "navier-stokes cpr p = 2, couette on triangles",
        "couette",
        &[
            "mesh.kind=\"triangles\"",
            "scheme.kind=\"cpr\"",
            "scheme.degree=2",
        ],
    ),
];

/// One step as the time loop takes it: the stable Δt (with its reduction), then the step.
fn step(s: &mut Solver, cfl: f64) {
    let (dt, _) = s.stable_dt(cfl, 0.0);
    assert!(dt.is_finite() && dt > 0.0, "time step {dt}");
    s.advance(dt).expect("the step succeeds");
    s.time += dt;
}

/// Allocation calls and bytes over [`MEASURED`] steps of one case, after [`WARM_UP`] steps.
fn count_case(par: &Parallel, case: &str, sets: &[&str]) -> (u64, u64) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("jobs/cases")
        .join(format!("{case}.toml"));
    let sets: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
    let lc = LoadedCase::load(&path, &sets).expect("shipped case loads");
    let cfl = lc.case.time.cfl;
    let cells = gasket::run::grid_of(&lc).expect("mesh builds");
    let n = cells.n_cells();
    let mut s = Solver::new(&lc, par.comm(), vec![0; n], cells).expect("solver builds");
    for _ in 0..WARM_UP {
        step(&mut s, cfl);
    }
    CALLS.store(0, Ordering::SeqCst);
    BYTES.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    for _ in 0..MEASURED {
        step(&mut s, cfl);
    }
    COUNTING.store(false, Ordering::SeqCst);
    assert_eq!(s.step, (WARM_UP + MEASURED) as u64, "steps taken");
    (CALLS.load(Ordering::SeqCst), BYTES.load(Ordering::SeqCst))
}

/// The counter sees an allocation (so that a zero count means something).
fn counter_counts() {
    CALLS.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let v: Vec<u64> = std::hint::black_box(Vec::with_capacity(16));
    COUNTING.store(false, Ordering::SeqCst);
    drop(v);
    assert_eq!(CALLS.load(Ordering::SeqCst), 1, "the counting allocator");
}

/// The one allocation a thread of the pool makes in its lifetime, made now rather than in a measured step.
///
/// rayon's work queues use crossbeam-epoch, which registers a thread (one small allocation) the first time
/// it steals. The spawned workers do so when they start; the thread that runs this test (MPI's thread and a
/// member of the pool, as the main thread of `gasket run`) looks for work only while it waits in a join for
/// a job another thread took and has not finished, which depends on timing and may first happen in any step.
/// Here that wait surely happens: the first half spins until the other thread has taken the second half,
/// which then runs a while longer.
fn register_this_thread_for_stealing() {
    if rayon::current_num_threads() < 2 {
        return;
    }
    let taken = AtomicBool::new(false);
    rayon::join(
        || {
            while !taken.load(Ordering::Acquire) {
                std::hint::spin_loop();
            }
        },
        || {
            taken.store(true, Ordering::Release);
            std::thread::sleep(std::time::Duration::from_millis(200));
        },
    );
}

/// The measurement in a child process (does nothing unless [`CHILD`] is set): every case with the global
/// pool of that many threads; fails when a case allocates in a measured step. `GASKET_ALLOC_TRACE=1` prints
/// a backtrace of every allocation counted.
#[test]
fn child_counts_allocations() {
    let Some(threads) = std::env::var(CHILD)
        .ok()
        .and_then(|v| v.parse::<usize>().ok())
    else {
        return;
    };
    TRACE.store(
        std::env::var_os("GASKET_ALLOC_TRACE").is_some(),
        Ordering::SeqCst,
    );
    let par = Parallel::init().expect("MPI starts");
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .use_current_thread()
        .build_global()
        .expect("the global pool is built once");
    counter_counts();
    register_this_thread_for_stealing();
    let mut failures = Vec::new();
    for (label, case, sets) in CASES {
        let (calls, bytes) = count_case(&par, case, sets);
        println!(
            "{threads} thread(s), {label}: {calls} allocations ({bytes} bytes) in {MEASURED} steps"
        );
        if calls > 0 {
            failures.push(format!(
                "{label}: {calls} allocations in {MEASURED} steps with {threads} thread(s)"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs [`child_counts_allocations`] in a child process with one thread and with two, printing the counts.
#[test]
fn the_time_loop_does_not_allocate_with_one_and_two_threads() {
    if std::env::var_os(CHILD).is_some() {
        return;
    }
    let exe = std::env::current_exe().expect("the test binary's path");
    let mut failed = Vec::new();
    for threads in [1, 2] {
        let out = Command::new(&exe)
            .args([
                "child_counts_allocations",
                "--exact",
                "--nocapture",
                "--test-threads=1",
            ])
            .env(CHILD, threads.to_string())
            .output()
            .expect("the test binary runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        println!("{text}");
        if !out.status.success() {
            failed.push(threads);
        }
    }
    assert!(
        failed.is_empty(),
        "the time loop allocated with {failed:?} thread(s) (counts above)"
    );
}
