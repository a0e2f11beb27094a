//! Regression guard (not a validation): short runs of every scheme, on 1 and 3 ranks, whose final solution
//! bits must equal recorded digests. First recorded from the code before the scheme-layer reshaping (commit
//! 83019bc), which left them all unchanged, as did the batched flux; re-recorded once since, when the flux
//! took the crate's own vectorised `exp` and `erfc` (docs/special-functions.md; the WENO5 vortex at 40²,
//! t = 1 then differs from 83019bc by 2.3e-15 in density at most, `jobs/benchmarks/compare.py
//! --smooth-diff`). The two CPR-GKS runs were recorded when the scheme was added (the p = 3 one again when
//! its solution points moved). Any change of a single bit in any cell shows here. A change that is meant to alter results (a new `exp`, a
//! different limiter) re-records them: `GASKET_RECORD_DIGESTS=1 cargo test --release --test digests --
//! --nocapture` prints the new table.

mod common;

use common::{mean_bits, mpirun_case, tempdir};

/// (label, case, overrides, digest of the final state after the run).
const RUNS: &[(&str, &str, &[&str], u64)] = &[
    (
        "weno5 characteristic, riemann2d_a 48x48",
        "riemann2d_a",
        &["mesh.nx=48", "mesh.ny=48", "time.max_steps=12"],
        0xb535_4f1b_29d1_8550,
    ),
    (
        "weno5 conservative Z, double_mach 96x24",
        "double_mach",
        &[
            "mesh.nx=96",
            "mesh.ny=24",
            "time.max_steps=10",
            "scheme.variables=\"conservative\"",
            "scheme.weno=\"z\"",
        ],
        0xa943_d214_1ff4_f94d,
    ),
    (
        "second order, double_mach_tri 60x20",
        "double_mach_tri",
        &["mesh.nx=60", "mesh.ny=20", "time.max_steps=10"],
        0x7713_6eab_1a9b_ce4a,
    ),
    (
        "scfv, isentropic_vortex_tri 12x12",
        "isentropic_vortex_tri",
        &["mesh.nx=12", "mesh.ny=12", "time.max_steps=8"],
        0xd0ba_0952_09e6_f7b3,
    ),
    (
        "scfv limited, sod_tri 100x4",
        "sod_tri",
        &[
            "scheme.kind=\"scfv\"",
            "scheme.limiter=true",
            "time.max_steps=10",
        ],
        0x98de_6ae1_1be0_7240,
    ),
    (
        "navier-stokes weno5, cavity 24x24",
        "cavity",
        &["mesh.nx=24", "mesh.ny=24", "time.max_steps=10"],
        0xbc2f_3f64_178f_85a8,
    ),
    (
        "navier-stokes second order, couette on triangles",
        "couette",
        &[
            "mesh.kind=\"triangles\"",
            "scheme.kind=\"second_order\"",
            "time.max_steps=10",
        ],
        0xc762_1100_e4ab_e636,
    ),
    (
        "navier-stokes scfv, couette on triangles",
        "couette",
        &[
            "mesh.kind=\"triangles\"",
            "scheme.kind=\"scfv\"",
            "time.max_steps=10",
        ],
        0x121f_4367_be0c_f431,
    ),
    (
        "cpr p = 3, isentropic_vortex_cpr 10x10",
        "isentropic_vortex_cpr",
        &["mesh.nx=10", "mesh.ny=10", "time.max_steps=8"],
        0xa2d5_8f9a_6083_49fb,
    ),
    (
        "navier-stokes cpr p = 2, couette on triangles",
        "couette",
        &[
            "mesh.kind=\"triangles\"",
            "scheme={kind=\"cpr\", degree=2}",
            "time.max_steps=10",
        ],
        0x6af6_9c6b_94f3_67df,
    ),
];

/// FNV-1a over the `/solution` bits (the element means), the time bits and the step.
fn digest(bits: &[u64], time: f64, step: u64) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &w in bits.iter().chain([time.to_bits(), step].iter()) {
        for b in w.to_le_bytes() {
            h ^= b as u64;
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

#[test]
fn short_runs_of_every_scheme_match_the_recorded_digests_on_1_and_3_ranks() {
    let record = std::env::var_os("GASKET_RECORD_DIGESTS").is_some();
    let mut failures = Vec::new();
    for (i, (label, case, sets, want)) in RUNS.iter().enumerate() {
        let mut extra: Vec<&str> = Vec::new();
        for s in *sets {
            extra.extend(["--set", s]);
        }
        for np in [1, 3] {
            let d = tempdir(&format!("digest-{i}-{np}"));
            mpirun_case(np, 1, case, &d, &extra);
            let (bits, t, s) = mean_bits(&d.join("final.h5"));
            let got = digest(&bits, t, s);
            if record {
                println!("{label} np={np}: 0x{got:016x}");
            } else if got != *want {
                failures.push(format!(
                    "{label} on {np} ranks: 0x{got:016x}, recorded 0x{want:016x}"
                ));
            }
            std::fs::remove_dir_all(&d).ok();
        }
    }
    assert!(
        failures.is_empty(),
        "digests changed:\n{}",
        failures.join("\n")
    );
}
