//! CPR-GKS end to end, through the `gasket` binary (and `mpirun`): the order of the vortex on irregular
//! triangles, free-stream preservation on Gmsh meshes, bitwise identity across ranks, threads and restarts,
//! and the error for a degree out of range.

mod common;

use common::*;

/// Density L2 errors (element means against exact element averages) of the vortex to t = 2 on `n × n`
/// squares split into triangles whose interior vertices moved by up to 0.2 of the spacing, CPR-GKS of
/// degree `p`; asserts conservation to round-off on the periodic domain.
fn vortex_l2(p: usize, n: usize, extra: &[&str]) -> f64 {
    let dir = tempdir(&format!("cpr-vortex-{p}-{n}"));
    let sets = [
        format!("mesh.nx={n}"),
        format!("mesh.ny={n}"),
        format!("scheme.degree={p}"),
        "time.end=2.0".to_string(),
    ];
    let mut refs: Vec<&str> = sets.iter().map(String::as_str).collect();
    refs.extend_from_slice(extra);
    let s = run_case("isentropic_vortex_cpr", &dir, &refs, 2);
    for k in 0..4 {
        let r = s["conservation"]["relative"][k].as_f64().unwrap();
        assert!(r < 1e-13, "p {p} n {n}: conservation {k}: {r}");
    }
    std::fs::remove_dir_all(&dir).ok();
    s["density_errors"]["l2"].as_f64().unwrap()
}

/// The vortex on irregular triangles: the element means of a degree-p CPR (DG-equivalent) scheme converge
/// at order p + 1. Measured from 20² to 40²: 2.76 (p = 2), 3.99 (p = 3), 5.17 (p = 4); the bound p + 0.6 is
/// the and allows for the pre-asymptotic range of these coarse meshes.
#[test]
fn cpr_vortex_converges_at_order_p_plus_one() {
    for p in 2..=4 {
        let (a, b) = (vortex_l2(p, 20, &[]), vortex_l2(p, 40, &[]));
        let o = order(a, b, 2.0);
        eprintln!("CPR p = {p}: L2 {a:.3e} -> {b:.3e}, order {o:.2}");
        assert!(o >= p as f64 + 0.6, "p {p}: order {o}");
    }
}

/// Linear advection: a density sine carried by a uniform flow (the Euler flux is then linear in the state,
/// and the scheme is nodal DG), on the same irregular triangles, to t = 2: order p + 1 as well (measured
/// 10² to 20²: 1.99, 2.72, 3.75 for p = 1, 2, 3).
#[test]
fn cpr_density_sine_converges_at_order_p_plus_one() {
    let sine = [
        "initial.kind=\"density_sine\"",
        "initial.amplitude=0.2",
        "initial.wavenumber=0.6283185307179586",
    ];
    for p in 1..=3 {
        let (a, b) = (vortex_l2(p, 10, &sine), vortex_l2(p, 20, &sine));
        let o = order(a, b, 2.0);
        eprintln!("CPR p = {p}, density sine: L2 {a:.3e} -> {b:.3e}, order {o:.2}");
        assert!(o >= p as f64 + 0.6, "p {p}: order {o}");
    }
}

/// A uniform flow on the periodic Gmsh meshes (ASCII 2.2 and binary 4.1) stays uniform to round-off for
/// every degree: the metric terms of each straight-sided triangle and the flux points of each face agree.
#[test]
fn cpr_preserves_a_free_stream_on_gmsh_meshes() {
    let dir = tempdir("cpr-free-stream");
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/gmsh");
    let state = [1.3, 0.7, -0.4, 0.9];
    for file in ["periodic_22.msh", "periodic_41_bin.msh"] {
        for p in 1..=4 {
            let text = format!(
                "[mesh]\nkind = \"gmsh\"\nfile = \"{}\"\n[boundary]\nleft = {{ kind = \"periodic\" }}\n\
                 right = {{ kind = \"periodic\" }}\nbottom = {{ kind = \"periodic\" }}\n\
                 top = {{ kind = \"periodic\" }}\n[initial]\nkind = \"uniform\"\nstate = {state:?}\n\
                 [scheme]\nkind = \"cpr\"\ndegree = {p}\n[time]\nend = 0.2\n",
                data.join(file).display()
            );
            let case = dir.join(format!("{file}-{p}.toml"));
            std::fs::write(&case, text).unwrap();
            let out_dir = dir.join(format!("{file}-{p}"));
            let out = gasket(&[
                "run",
                case.to_str().unwrap(),
                "-q",
                "-o",
                out_dir.to_str().unwrap(),
            ]);
            assert!(
                out.status.success(),
                "{file} p {p}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            let s = gasket::io::read_snapshot(&out_dir.join("final.h5")).unwrap();
            let mut worst = 0.0f64;
            for (k, rho) in s.density.iter().enumerate() {
                let v = s.velocity[k];
                let d = [
                    rho - state[0],
                    v[0] - state[1],
                    v[1] - state[2],
                    s.pressure[k] - state[3],
                ];
                worst = d.iter().fold(worst, |a, x| a.max(x.abs()));
            }
            assert!(worst < 1e-12, "{file} p {p}: largest deviation {worst:e}");
        }
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// CPR-GKS (the vortex at p = 3 on irregular triangles, and p = 2 with far-field sides) gives the same bits
/// on 1–3 ranks × 1–2 threads and after a restart on another rank count: ten solution-point states per
/// triangle in halos and restart files.
#[test]
fn cpr_is_bitwise_identical_across_ranks_threads_and_restarts() {
    let dir = tempdir("cpr-ident");
    let far: Vec<String> = ["left", "right", "bottom", "top"]
        .iter()
        .flat_map(|s| {
            [
                format!("mesh.boundary.{s}.kind=\"far_field\""),
                format!("mesh.boundary.{s}.state=[1.0,1.0,1.0,1.0]"),
            ]
        })
        .collect();
    let mut variants: Vec<(&str, Vec<String>)> = vec![("periodic-p3", vec![])];
    let mut with_far = vec!["scheme.degree=2".to_string()];
    with_far.extend(far);
    variants.push(("far-p2", with_far));
    for (tag, extra) in variants {
        let mut sets: Vec<String> = Vec::new();
        for s in ["mesh.nx=12", "mesh.ny=12", "time.max_steps=8"]
            .iter()
            .map(|s| s.to_string())
            .chain(extra)
        {
            sets.push("--set".into());
            sets.push(s);
        }
        let args: Vec<&str> = sets.iter().map(String::as_str).collect();
        let mut files = Vec::new();
        for (np, t) in [(1, 1), (2, 2), (3, 1)] {
            let d = dir.join(format!("{tag}-{np}-{t}"));
            mpirun_case(np, t, "isentropic_vortex_cpr", &d, &args);
            files.push((format!("{tag} {np}x{t}"), d.join("final.h5")));
        }
        let half = dir.join(format!("{tag}-half"));
        let mut a = args.clone();
        a[5] = "time.max_steps=4";
        mpirun_case(2, 1, "isentropic_vortex_cpr", &half, &a);
        let cont = dir.join(format!("{tag}-cont"));
        let fin = half.join("final.h5");
        let mut a = args.clone();
        a.extend(["--restart", fin.to_str().unwrap()]);
        mpirun_case(3, 1, "isentropic_vortex_cpr", &cont, &a);
        files.push((format!("{tag} restart 2 -> 3"), cont.join("final.h5")));
        assert_identical(&files);
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// A degree outside 1…5 is refused with a message that names the key and the range.
#[test]
fn cpr_degree_out_of_range_is_a_clear_error() {
    let dir = tempdir("cpr-degree");
    for p in ["0", "6"] {
        let set = format!("scheme.degree={p}");
        let out = gasket(&[
            "run",
            case("isentropic_vortex_cpr").to_str().unwrap(),
            "-q",
            "--set",
            &set,
            "-o",
            dir.join(p).to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "degree {p} accepted");
        assert!(err.contains("scheme.degree"), "degree {p}: {err}");
        assert!(!err.contains("panicked"), "degree {p}: {err}");
    }
    std::fs::remove_dir_all(&dir).ok();
}
