//! Diagnostic: the linearised CPR-GKS operator about a uniform flow on a small periodic triangle mesh, for
//! the stability limit of S2O4 (`jobs/benchmarks/cpr_stability.py` reads the output).
//!
//! `cargo run --release --example cpr_eigen -- P N DIAGONAL OUT.bin [TAU_C1 [JITTER]]` writes, little-endian: the
//! size m (u64), the largest rate `(2p + 1)(|U| + c)/h` of the time-step rule (f64, so that `CFL = Δt ·
//! rate`), then the Jacobians of `L(W)` and of `∂ₜL(W)` at Δt = 10⁻³ and of `∂ₜL(W)` at Δt = 2·10⁻³ (m × m
//! f64 each, row-major), by central differences. `∂ₜL` depends on the step through the flux fit (its part
//! from the numerical collision time `τₙ ∝ Δt` scales as 1/Δt); the two let the reader interpolate. On N × N squares of the unit square split by DIAGONAL (`right`, `left`, `alternate`), about
//! the state ρ = 1, (u, v) = (1, 0.5), p = 1.

use std::collections::BTreeMap;
use std::io::Write;

use gasket::mesh::{Diagonal, TriMesh};
use gasket::physics::{FluxParams, Gas, State};
use gasket::scheme::cpr::{CprOperator, CprParams};
use gasket::scheme::{Bc, Common, Residual, SpatialOperator};

fn main() {
    let a: Vec<String> = std::env::args().collect();
    if a.len() < 5 {
        eprintln!("usage: cpr_eigen P N DIAGONAL OUT.bin [TAU_C1 [JITTER]]");
        std::process::exit(2);
    }
    let p: usize = a[1].parse().expect("P: a degree");
    let n: usize = a[2].parse().expect("N: squares per side");
    let diagonal = match a[3].as_str() {
        "right" => Diagonal::Right,
        "left" => Diagonal::Left,
        _ => Diagonal::Alternate,
    };
    let flux = FluxParams {
        tau_c1: a
            .get(5)
            .map_or(0.05, |s| s.parse().expect("TAU_C1: a number")),
        ..FluxParams::default()
    };
    let gas = Gas::new(1.4).unwrap();
    let names = ["left", "right", "bottom", "top"];
    let common = Common {
        gas,
        flux,
        bcs: names
            .iter()
            .map(|s| (s.to_string(), Bc::Periodic))
            .collect::<BTreeMap<_, _>>(),
    };
    let jitter: f64 = a
        .get(6)
        .map_or(0.0, |s| s.parse().expect("JITTER: a number"));
    let mesh =
        TriMesh::rectangle(n, n, [0.0, 1.0], [0.0, 1.0], diagonal, jitter, 1, [true; 2]).unwrap();
    let owned: Vec<usize> = (0..mesh.n_cells()).collect();
    let mut op = CprOperator::new(
        &common,
        &CprParams {
            degree: p,
            limiter: false,
            threshold: None,
        },
        &mesh,
        &owned,
        &[],
    )
    .unwrap();
    let w0 = vec![gas.conservative([1.0, 1.0, 0.5, 1.0]); op.new_state().len()];
    let rate = op.local_rate(&w0);
    let mut eval = |w: &[State], dt: f64| {
        let mut r = Residual::new(w.len());
        op.interior_phase(w, dt);
        op.boundary_phase(w, dt, &mut r);
        (r.l, r.lt)
    };
    let m = 4 * w0.len();
    let (mut jl, mut jt, mut jt2) = (vec![0.0; m * m], vec![0.0; m * m], vec![0.0; m * m]);
    let eps = 1e-6;
    for (dt, jt) in [(1e-3, &mut jt), (2e-3, &mut jt2)] {
        for j in 0..m {
            let mut w = w0.clone();
            w[j / 4][j % 4] += eps;
            let (lp, tp) = eval(&w, dt);
            w[j / 4][j % 4] -= 2.0 * eps;
            let (lm, tm) = eval(&w, dt);
            for i in 0..m {
                jl[i * m + j] = (lp[i / 4][i % 4] - lm[i / 4][i % 4]) / (2.0 * eps);
                jt[i * m + j] = (tp[i / 4][i % 4] - tm[i / 4][i % 4]) / (2.0 * eps);
            }
        }
    }
    let mut f = std::io::BufWriter::new(std::fs::File::create(&a[4]).unwrap());
    f.write_all(&(m as u64).to_le_bytes()).unwrap();
    f.write_all(&rate.to_le_bytes()).unwrap();
    for x in jl.iter().chain(&jt).chain(&jt2) {
        f.write_all(&x.to_le_bytes()).unwrap();
    }
    eprintln!(
        "p = {p}, {n}x{n} {} jitter {jitter}: {m} unknowns, rate {rate:.6}",
        a[3]
    );
}
