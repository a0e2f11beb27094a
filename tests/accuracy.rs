//! Verification against exact solutions and the published tables of arXiv:1602.05803: orders of accuracy,
//! conservation to round-off on periodic domains, and thread-count invariance.

mod common;

use common::{order, run_case, tempdir};

/// Table 1 of arXiv:1602.05803 (S2O4, CFL 0.4): integral-norm L1 density errors for N = 20 … 320.
const TABLE1: [(usize, f64); 5] = [
    (20, 4.4759e-4),
    (40, 1.3764e-5),
    (80, 4.2791e-7),
    (160, 1.3354e-8),
    (320, 4.1722e-10),
];

#[test]
fn density_advection_matches_table_1_and_is_fifth_order() {
    let mut errs = Vec::new();
    for (n, published) in TABLE1 {
        let dir = tempdir(&format!("sine{n}"));
        let s = run_case("sine_1d", &dir, &[&format!("mesh.nx={n}")], 2);
        let l1 = s["density_errors"]["l1"].as_f64().unwrap();
        let dev = (l1 - published).abs() / published;
        assert!(
            dev < 0.10,
            "N = {n}: L1 = {l1:e}, Table 1 {published:e}, {:.1}% apart",
            100.0 * dev
        );
        // Periodic domain: mass, momentum and energy conserved to round-off.
        for k in 0..4 {
            let r = s["conservation"]["relative"][k].as_f64().unwrap();
            assert!(r < 1e-13, "N = {n}: relative drift of total {k} is {r:e}");
        }
        errs.push(l1);
        std::fs::remove_dir_all(&dir).ok();
    }
    for w in errs.windows(2) {
        let p = order(w[0], w[1], 2.0);
        assert!(
            p > 4.7,
            "order {p} between successive meshes, errors {errs:?}"
        );
    }
}

#[test]
fn isentropic_vortex_is_at_least_order_3_5() {
    let mut l1 = Vec::new();
    let mut linf = Vec::new();
    for n in [40, 80, 160] {
        let dir = tempdir(&format!("vortex{n}"));
        let s = run_case(
            "isentropic_vortex",
            &dir,
            &[&format!("mesh.nx={n}"), &format!("mesh.ny={n}")],
            2,
        );
        l1.push(s["density_errors"]["l1"].as_f64().unwrap());
        linf.push(s["density_errors"]["linf"].as_f64().unwrap());
        eprintln!(
            "vortex {n}²: L1 {:.4e} (mean {:.4e}), Linf {:.4e}, {:.1} s",
            l1[l1.len() - 1],
            s["density_errors"]["l1_mean"].as_f64().unwrap(),
            linf[linf.len() - 1],
            s["wall_seconds"].as_f64().unwrap()
        );
        for k in 0..4 {
            let r = s["conservation"]["relative"][k].as_f64().unwrap();
            assert!(r < 1e-12, "{n}²: relative drift of total {k} is {r:e}");
        }
        std::fs::remove_dir_all(&dir).ok();
    }
    for k in 0..2 {
        let p1 = order(l1[k], l1[k + 1], 2.0);
        let pi = order(linf[k], linf[k + 1], 2.0);
        assert!(p1 >= 3.5, "L1 order {p1}, errors {l1:?}");
        assert!(pi >= 3.5, "Linf order {pi}, errors {linf:?}");
    }
}

/// The same case on 1 and 2 threads gives bit-identical solution datasets.
#[test]
fn results_do_not_depend_on_the_thread_count() {
    let mut sols = Vec::new();
    for t in [1, 2, 3] {
        let dir = tempdir(&format!("threads{t}"));
        run_case(
            "riemann2d_a",
            &dir,
            &["mesh.nx=48", "mesh.ny=40", "time.end=0.1"],
            t,
        );
        let s = gasket::io::read_snapshot(&dir.join("final.h5")).unwrap();
        let bits: Vec<u64> = s
            .density
            .iter()
            .chain(s.pressure.iter())
            .chain(s.velocity.iter().flatten())
            .map(|x| x.to_bits())
            .collect();
        sols.push(bits);
        std::fs::remove_dir_all(&dir).ok();
    }
    assert!(sols[0] == sols[1], "1 and 2 threads differ");
    assert!(sols[0] == sols[2], "1 and 3 threads differ");
}
