//! Benchmarks: the gas-kinetic flux at one face point, and one time step of WENO5-GKS on the 2D Riemann
//! problem at 100 × 100 (the setting of Table 4 of arXiv:1602.05803) with S2O4 and with a first-order
//! forward-Euler step, on one thread. Per-cell figures are printed after the criterion output.
//!
//! The flux is timed in 2D (Euler and Navier–Stokes with the Prandtl fix), next to the pre-generic 2D code
//! kept in `src/physics/reference2d.rs` (same inputs, bitwise the same result), and in 3D.

use std::path::Path;
use std::time::Instant;

use criterion::{black_box, criterion_group, criterion_main, Criterion};
use gasket::case::LoadedCase;
use gasket::physics::flux::{gks_flux_batch, FaceBatch, BATCH};
use gasket::physics::{
    gks_flux, Dim, FacePoint, FacePointOf, FluxParams, Gas, GasOf, State, Viscosity, D2, D3,
};

#[path = "../src/physics/reference2d.rs"]
mod reference2d;
/// The special functions `reference2d` calls as `super::special`.
mod special {
    pub use gasket::physics::special::*;
}
use gasket::solver::Solver;

fn case(sets: &[&str]) -> LoadedCase {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("jobs/cases/riemann2d_a.toml");
    let mut o: Vec<String> = vec!["mesh.nx=100".into(), "mesh.ny=100".into()];
    o.extend(sets.iter().map(|s| s.to_string()));
    LoadedCase::load(&p, &o).expect("shipped case loads")
}

/// The benchmarked face points (2D, and a 3D one with the same data plus z-components) and flux settings.
struct Fixtures {
    gas: Gas,
    fp: FacePoint,
    gas3: GasOf<D3>,
    fp3: FacePointOf<D3>,
    euler: FluxParams,
    ns: FluxParams,
}

fn fixtures() -> Fixtures {
    let gas = Gas::new(1.4).unwrap();
    let fp = FacePoint {
        wl: gas.conservative([1.0, 0.2, 0.1, 1.0]),
        nl: [0.1, 0.05, 0.0, 0.2],
        tl: [0.02, 0.0, 0.01, 0.03],
        wr: gas.conservative([0.9, 0.25, 0.05, 0.95]),
        nr: [0.12, 0.04, 0.01, 0.18],
        tr: [0.01, 0.01, 0.0, 0.02],
        n0: Some([0.11, 0.045, 0.005, 0.19]),
    };
    let lift = |s: State, w: f64| [s[0], s[1], s[2], w, s[3]];
    let gas3 = GasOf::<D3>::new(1.4).unwrap();
    let fp3 = FacePointOf::<D3> {
        wl: gas3.conservative([1.0, 0.2, 0.1, 0.05, 1.0]),
        nl: lift(fp.nl, 0.01),
        tl: [lift(fp.tl, 0.02), [0.01, 0.0, 0.02, 0.01, 0.02]],
        wr: gas3.conservative([0.9, 0.25, 0.05, -0.03, 0.95]),
        nr: lift(fp.nr, 0.02),
        tr: [lift(fp.tr, 0.0), [0.02, 0.01, 0.0, 0.01, 0.01]],
        n0: fp.n0.map(|n| lift(n, 0.015)),
    };
    let euler = FluxParams::default();
    let ns = FluxParams {
        viscosity: Viscosity::constant(1e-3, 0.72),
        ..euler
    };
    Fixtures {
        gas,
        fp,
        gas3,
        fp3,
        euler,
        ns,
    }
}

fn flux(c: &mut Criterion) {
    let Fixtures {
        gas,
        fp,
        gas3,
        fp3,
        euler: p,
        ns,
    } = fixtures();
    c.bench_function("gks_flux (one face point, F0 and dF/dt)", |b| {
        b.iter(|| gks_flux(&gas, black_box(&fp), black_box(1e-3), &p))
    });
    c.bench_function("gks_flux 2D Euler, pre-generic reference", |b| {
        b.iter(|| reference2d::gks_flux_ref(&gas, black_box(&fp), black_box(1e-3), &p))
    });
    c.bench_function("gks_flux 2D NS", |b| {
        b.iter(|| gks_flux(&gas, black_box(&fp), black_box(1e-3), &ns))
    });
    c.bench_function("gks_flux 2D NS, pre-generic reference", |b| {
        b.iter(|| reference2d::gks_flux_ref(&gas, black_box(&fp), black_box(1e-3), &ns))
    });
    c.bench_function("gks_flux 3D Euler", |b| {
        b.iter(|| gks_flux(&gas3, black_box(&fp3), black_box(1e-3), &p))
    });
    c.bench_function("gks_flux 3D NS", |b| {
        b.iter(|| gks_flux(&gas3, black_box(&fp3), black_box(1e-3), &ns))
    });
    direct_flux_timing(&fixtures());
}

/// A batch of [`BATCH`] copies of one face point.
fn batch_of<D: Dim>(fp: &FacePointOf<D>) -> FaceBatch<D, BATCH> {
    let mut b = FaceBatch::<D, BATCH>::zeroed(fp.n0.is_some());
    for i in 0..BATCH {
        b.set(i, fp);
    }
    b
}

/// Interleaved direct timing of the flux variants (scalar, pre-generic reference, batched), minimum over
/// rounds: robust against other load on a shared machine, and old and new code see the same conditions.
/// Batched figures are per face point (the batch's time over [`BATCH`]).
fn direct_flux_timing(f: &Fixtures) {
    let (rounds, n) = (60, 4_000);
    let (g, g3, e, ns) = (&f.gas, &f.gas3, &f.euler, &f.ns);
    let (b2, b3) = (batch_of::<D2>(&f.fp), batch_of::<D3>(&f.fp3));
    let nb = n / BATCH;
    let calls: [(&dyn Fn(), usize); 10] = [
        (&|| _ = black_box(gks_flux(g, black_box(&f.fp), 1e-3, e)), n),
        (
            &|| _ = black_box(reference2d::gks_flux_ref(g, black_box(&f.fp), 1e-3, e)),
            n,
        ),
        (
            &|| _ = black_box(gks_flux(g, black_box(&f.fp), 1e-3, ns)),
            n,
        ),
        (
            &|| _ = black_box(reference2d::gks_flux_ref(g, black_box(&f.fp), 1e-3, ns)),
            n,
        ),
        (
            &|| _ = black_box(gks_flux(g3, black_box(&f.fp3), 1e-3, e)),
            n,
        ),
        (
            &|| _ = black_box(gks_flux(g3, black_box(&f.fp3), 1e-3, ns)),
            n,
        ),
        (
            &|| _ = black_box(gks_flux_batch(g, black_box(&b2), 1e-3, e)),
            nb,
        ),
        (
            &|| _ = black_box(gks_flux_batch(g, black_box(&b2), 1e-3, ns)),
            nb,
        ),
        (
            &|| _ = black_box(gks_flux_batch(g3, black_box(&b3), 1e-3, e)),
            nb,
        ),
        (
            &|| _ = black_box(gks_flux_batch(g3, black_box(&b3), 1e-3, ns)),
            nb,
        ),
    ];
    let mut best = [f64::INFINITY; 10];
    for _ in 0..rounds {
        for (k, (call, reps)) in calls.iter().enumerate() {
            let t0 = Instant::now();
            for _ in 0..*reps {
                call();
            }
            best[k] = best[k].min(t0.elapsed().as_secs_f64() * 1e9 / n as f64);
        }
    }
    let isa = gasket::physics::simd::compiled_isa();
    println!(
        "\ngks_flux, ns per face point (minimum of {rounds} interleaved rounds of {n} points):"
    );
    println!("            scalar  pre-generic  batched ({BATCH} lanes, {isa})");
    println!(
        "  2D Euler {:7.1} {:11.1} {:9.1}",
        best[0], best[1], best[6]
    );
    println!(
        "  2D NS    {:7.1} {:11.1} {:9.1}",
        best[2], best[3], best[7]
    );
    println!("  3D Euler {:7.1} {:>11} {:9.1}", best[4], "-", best[8]);
    println!("  3D NS    {:7.1} {:>11} {:9.1}", best[5], "-", best[9]);
}

fn step(c: &mut Criterion) {
    // One process, one MPI rank (singleton); MPI is initialised once for the whole benchmark.
    let par = gasket::parallel::Parallel::init().expect("MPI starts");
    // One rayon thread, this (main) thread, which also makes the MPI calls, as in a run.
    rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .use_current_thread()
        .build_global()
        .unwrap();
    let mut report = Vec::new();
    for (label, sets) in [
        ("s2o4 characteristic", vec![]),
        (
            "s2o4 conservative",
            vec!["scheme.variables=\"conservative\""],
        ),
        (
            "forward-euler characteristic",
            vec!["time.scheme=\"euler\""],
        ),
        (
            "s2o4 triangles, 2nd order",
            // The whole table: the case's `variables` is a key of weno5 only.
            vec!["mesh.kind=\"triangles\"", "scheme={kind=\"second_order\"}"],
        ),
    ] {
        let lc = case(&sets);
        let grid = gasket::run::grid_of(&lc).unwrap();
        let n_cells = grid.n_cells();
        let mut s = Solver::new(&lc, par.comm(), vec![0; n_cells], grid.clone()).unwrap();
        let dt = s.stable_dt(0.4, 0.0).0;
        c.bench_function(
            &format!("step 100x100 riemann2d ({label}), 1 thread"),
            |b| b.iter(|| s.advance(black_box(dt)).unwrap()),
        );
        // A direct measurement for the per-cell figures, from the initial state again.
        let mut s = Solver::new(&lc, par.comm(), vec![0; n_cells], grid).unwrap();
        let n = 10;
        let t0 = Instant::now();
        for _ in 0..n {
            s.advance(dt).unwrap();
        }
        let us = t0.elapsed().as_secs_f64() * 1e6 / (n as f64 * n_cells as f64);
        report.push((label, us, s.stages()));
    }
    println!("\nper cell, one core (100 x 100 cells, or 100 x 100 x 2 triangles; 10 steps):");
    for (label, us, stages) in &report {
        println!(
            "  {label:32} {us:7.3} us per cell-step, {:7.3} us per cell-stage",
            us / *stages as f64
        );
    }
    println!(
        "  ratio S2O4 / forward-Euler step: {:.2}",
        report[0].1 / report[2].1
    );
    println!(
        "  (arXiv:1602.05803 Table 4: 19.5 us per cell-step, 4th-order GKS, i7-4770, conservative)"
    );
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(10);
    targets = flux, step
}
criterion_main!(benches);
