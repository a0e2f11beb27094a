//! CPR-GKS end to end, through the `gasket` binary (and `mpirun`): the order of the vortex on irregular
//! generated and Gmsh triangles, of linear advection, free-stream preservation on Gmsh meshes, bitwise
//! identity across ranks, threads and restarts, and the error for a degree out of range.

mod common;

use common::*;

/// Density errors `[L1, L∞]` (element means against exact element averages) of the vortex to t = 2 on
/// `n × n` squares split into triangles whose interior vertices moved by up to 0.2 of the spacing, CPR-GKS
/// of degree `p`, with overrides `extra`; asserts conservation to round-off on the periodic domain.
fn vortex_errors(p: usize, n: usize, extra: &[&str]) -> [f64; 2] {
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
    let e = &s["density_errors"];
    [e["l1"].as_f64().unwrap(), e["linf"].as_f64().unwrap()]
}

/// Writes the case `text` as `dir/NAME.toml`, runs it quietly into `dir/NAME` and returns that directory;
/// panics with gasket's error output if the run fails.
fn run_text(dir: &std::path::Path, name: &str, text: &str) -> std::path::PathBuf {
    let case = dir.join(format!("{name}.toml"));
    std::fs::write(&case, text).unwrap();
    let out_dir = dir.join(name);
    let out = gasket(&[
        "run",
        case.to_str().unwrap(),
        "-q",
        "-o",
        out_dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{name}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out_dir
}

/// Asserts that the L1 and L∞ orders between the two finest of `errs` (meshes refined by 2) are at least
/// `bound`.
fn assert_orders(label: &str, errs: &[[f64; 2]], bound: f64) {
    let n = errs.len();
    for (k, norm) in ["L1", "Linf"].iter().enumerate() {
        let orders: Vec<String> = errs
            .windows(2)
            .map(|w| format!("{:.2}", order(w[0][k], w[1][k], 2.0)))
            .collect();
        eprintln!(
            "{label} {norm}: {:?}, orders {}",
            errs.iter().map(|e| e[k]).collect::<Vec<_>>(),
            orders.join(" ")
        );
        let o = order(errs[n - 2][k], errs[n - 1][k], 2.0);
        assert!(o >= bound, "{label} {norm}: order {o} < {bound}");
    }
}

/// The case's vortex on irregular triangles, four meshes per degree: the element means of a degree-p CPR
/// (DG-equivalent) scheme converge at order p + 1; the issue asks for p + 0.6 between the two finest, in L1
/// and L∞. Measured (t = 2, finest pair): p = 1 (10² … 80²) 1.95 / 1.99, p = 2 (5² … 40²) 2.76 / 2.65,
/// p = 3 (5² … 40²) 4.11 / 3.63.
#[test]
fn cpr_vortex_converges_at_order_p_plus_one() {
    for p in 1..=3 {
        let sizes: &[usize] = if p == 1 {
            &[10, 20, 40, 80]
        } else {
            &[5, 10, 20, 40]
        };
        let errs: Vec<[f64; 2]> = sizes.iter().map(|&n| vortex_errors(p, n, &[])).collect();
        assert_orders(&format!("CPR p = {p}, vortex"), &errs, p as f64 + 0.6);
    }
}

/// The vortex on Gmsh frontal-Delaunay meshes of the square (`tests/data/gmsh/vortex_square.geo`, sizes 2,
/// 1, 0.5, 0.25) with far-field sides, to t = 0.5 (the vortex still far from the sides): order p + 0.6 in
/// L1 and L∞ between the two finest for p = 1, 2 (measured 2.01 / 2.07 and 3.02 / 2.61). For p = 3 the
/// far field's own error, the vortex's velocity at the sides (about 2e-5 of the mean flow) imposed as zero,
/// becomes the floor on the finest mesh (orders 3.66 / 2.97, then 2.69 / 2.85): not asserted.
#[test]
// Unlimited: on the coarsest mesh (h = 2, about the vortex radius) the indicator marks the core.
fn cpr_vortex_converges_on_gmsh_meshes_with_far_field_sides() {
    let dir = tempdir("cpr-gmsh-vortex");
    let data = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/gmsh");
    for p in 1..=2 {
        let mut errs = Vec::new();
        for h in ["2", "1", "0.5", "0.25"] {
            let far = "{ kind = \"far_field\", state = [1.0, 1.0, 1.0, 1.0] }";
            let text = format!(
                "[mesh]\nkind = \"gmsh\"\nfile = \"{}\"\n[boundary]\nleft = {far}\nright = {far}\n\
                 bottom = {far}\ntop = {far}\n[initial]\nkind = \"isentropic_vortex\"\n\
                 state = [1.0, 1.0, 1.0, 1.0]\nstrength = 5.0\ncenter = [0.0, 0.0]\n[scheme]\n\
                 kind = \"cpr\"\ndegree = {p}\nlimiter = false\n[time]\nend = 0.5\ncfl = 0.8\n",
                data.join(format!("vortex_square_h{h}.msh")).display()
            );
            let out_dir = run_text(&dir, &format!("p{p}-h{h}"), &text);
            let s: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(out_dir.join("summary.json")).unwrap(),
            )
            .unwrap();
            let e = &s["density_errors"];
            errs.push([e["l1"].as_f64().unwrap(), e["linf"].as_f64().unwrap()]);
        }
        assert_orders(
            &format!("CPR p = {p}, Gmsh far field"),
            &errs,
            p as f64 + 0.6,
        );
    }
    std::fs::remove_dir_all(&dir).ok();
}

/// Linear advection: a density sine carried by a uniform flow (the Euler flux is then linear in the state,
/// and the scheme is nodal DG), on the same irregular triangles, to t = 2. Measured L1 / L∞ orders from 20²
/// to 40²: 2.03 / 1.84 (p = 1), 2.69 / 2.72 (p = 2), 3.44 / 3.39 (p = 3; 3.82 / 3.83 without the jitter,
/// unchanged at CFL 0.2, so spatial). The proven L2 rate of DG on general triangulations is p + 1/2; the
/// bound p + 0.3 is a guard against losing an order, below the measured values.
#[test]
fn cpr_density_sine_converges_at_order_p_plus_one() {
    let sine = [
        "initial.kind=\"density_sine\"",
        "initial.amplitude=0.2",
        "initial.wavenumber=0.6283185307179586",
    ];
    for p in 1..=3 {
        let errs: Vec<[f64; 2]> = [10, 20, 40]
            .iter()
            .map(|&n| vortex_errors(p, n, &sine))
            .collect();
        assert_orders(&format!("CPR p = {p}, density sine"), &errs, p as f64 + 0.3);
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
            let out_dir = run_text(&dir, &format!("{file}-{p}"), &text);
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

/// Density of the case's vortex (strength 5, mean (1, 1, 1, 1), γ = 1.4, period 10) at `x` and time `t`.
fn vortex_density(x: [f64; 2], t: f64) -> f64 {
    let wrap = |d: f64| d - 10.0 * (d / 10.0).round();
    let (dx, dy) = (wrap(x[0] - t), wrap(x[1] - t));
    let g = 1.4;
    let dtemp = -(g - 1.0) * 25.0 / (8.0 * g * std::f64::consts::PI.powi(2))
        * (1.0 - dx * dx - dy * dy).exp();
    (1.0 + dtemp).powf(1.0 / (g - 1.0))
}

/// Largest density error at the high-order output nodes of a p = 3 vortex run on `n × n` squares after
/// two steps; checks the layout of `/highorder` (10 nodes and 9 sub-triangles per triangle, covering it).
fn high_order_node_error(dir: &std::path::Path, n: usize) -> f64 {
    let out = dir.join(format!("n{n}"));
    let sets = [
        format!("mesh.nx={n}"),
        format!("mesh.ny={n}"),
        "time.max_steps=2".into(),
    ];
    let refs: Vec<&str> = sets.iter().map(String::as_str).collect();
    run_case("isentropic_vortex_cpr", &out, &refs, 2);
    let s = gasket::io::read_snapshot(&out.join("final.h5")).unwrap();
    let h = s
        .high_order
        .as_ref()
        .expect("a CPR snapshot has /highorder");
    let nc = s.n_cells();
    assert_eq!((h.points.len(), h.triangles.len()), (10 * nc, 9 * nc));
    let area = |t: &[[f64; 2]; 3]| {
        0.5 * ((t[1][0] - t[0][0]) * (t[2][1] - t[0][1])
            - (t[2][0] - t[0][0]) * (t[1][1] - t[0][1]))
    };
    let covered: f64 = h
        .triangles
        .iter()
        .map(|t| area(&t.map(|j| h.points[j as usize])))
        .inspect(|&a| assert!(a > 0.0, "sub-triangle not counter-clockwise"))
        .sum();
    assert!(
        (covered - 100.0).abs() < 1e-9,
        "sub-triangles cover {covered}"
    );
    h.points
        .iter()
        .zip(&h.density)
        .map(|(&x, &r)| (r - vortex_density(x, s.time)).abs())
        .fold(0.0, f64::max)
}

/// The high-order output is the polynomial of each element, not its mean: at the nodes of the degree-p
/// lattice the density of a smooth flow converges at the interpolation order p + 1 = 4 (20² → 40² squares:
/// largest error 8.8e-4 → 6.3e-5, order 3.81; bound 3.4, where one mean per element would be first order at
/// the nodes; 10² squares, the size of the vortex core, are not yet asymptotic: order 2.4 from there). That the field is the same on
/// any number of ranks is checked by the bitwise test above, which compares `/highorder` too.
#[test]
fn cpr_high_order_output_converges_at_order_p_plus_one() {
    let dir = tempdir("cpr-highorder");
    let e = [20, 40].map(|n| high_order_node_error(&dir, n));
    let o = order(e[0], e[1], 2.0);
    eprintln!("high-order node errors {e:?}, order {o:.2}");
    assert!(o > 3.4, "node errors {e:?}: order {o}");
    std::fs::remove_dir_all(&dir).ok();
}

/// Element-mean densities of the case's vortex (irregular 8² triangles, CPR p = 3, unlimited) at t = 1 with
/// the given CFL, way of obtaining `∂ₜL` and collision-time constants.
fn vortex_means_at(dir: &std::path::Path, cfl: f64, derivative: &str, tau: f64) -> Vec<f64> {
    let out = dir.join(format!("cfl{cfl}-{derivative}-{tau}"));
    let sets = [
        "mesh.nx=8".to_string(),
        "mesh.ny=8".to_string(),
        "time.end=1.0".to_string(),
        "scheme.limiter=false".to_string(),
        format!("time.cfl={cfl}"),
        format!("time.derivative=\"{derivative}\""),
        format!("flux.tau_c1={tau}"),
        format!("flux.tau_c2={tau}"),
    ];
    let mut args = vec!["run", "-q", "--threads", "1", "-o", out.to_str().unwrap()];
    let case = case("isentropic_vortex_cpr");
    args.insert(1, case.to_str().unwrap());
    for s in &sets {
        args.extend(["--set", s.as_str()]);
    }
    let o = gasket(&args);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    gasket::io::read_snapshot(&out.join("final.h5"))
        .expect("final.h5")
        .density
}

/// Fourth order in time at a fixed mesh (the issue asks for it at a large CFL): with `time.derivative =
/// "discrete"`, `∂ₜL` is the derivative of the discrete operator along the solution, and with a collision
/// time that does not grow with the step (`flux.tau_c1 = tau_c2 = 0`) the operator `L` does not depend on
/// `Δt`, so S2O4 solves one system of ODEs and its error against a run at CFL 0.05 must fall as `Δt⁴`.
/// Measured from CFL 0.8 (the vortex's CFL range) to 0.4: 5.9e-9 → 3.6e-10, order 4.04 (p = 2 and 4: 3.97,
/// 4.00); the bound 3.7 leaves room for the reference's own error (1e-12). The same comparison with the
/// scheme's own `∂ₜL` (printed, not asserted) falls at order 1 (3.6e-5 → 1.9e-5): its defect is O(Δt) at a
/// fixed mesh and of the size of the spatial error (docs/method.md §11.4).
#[test]
fn cpr_s2o4_is_fourth_order_in_time_with_the_discrete_derivative() {
    let dir = tempdir("cpr-time-order");
    let reference = vortex_means_at(&dir, 0.05, "discrete", 0.0);
    let diff = |cfl: f64, derivative: &str| {
        let r = vortex_means_at(&dir, cfl, derivative, 0.0);
        let sq: f64 = r.iter().zip(&reference).map(|(a, b)| (a - b).powi(2)).sum();
        (sq / r.len() as f64).sqrt()
    };
    let e = [diff(0.8, "discrete"), diff(0.4, "discrete")];
    let s = [diff(0.8, "scheme"), diff(0.4, "scheme")];
    let (o, os) = (order(e[0], e[1], 2.0), order(s[0], s[1], 2.0));
    eprintln!("time errors, discrete ∂ₜL {e:?} (order {o:.2}); scheme's ∂ₜL {s:?} (order {os:.2})");
    assert!(o > 3.7, "discrete ∂ₜL: time errors {e:?}, order {o}");
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
