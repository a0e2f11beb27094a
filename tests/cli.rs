//! The command line as a user meets it: bad case files and overrides give clear errors (non-zero exit, no
//! panic), `info` describes a case, outputs carry their inputs, and `plot` draws a PNG.

mod common;

use common::{case, gasket, run_case, tempdir};

fn stderr_of(args: &[&str]) -> String {
    let out = gasket(args);
    assert!(!out.status.success(), "gasket {args:?} should fail");
    let err = String::from_utf8_lossy(&out.stderr).to_string();
    assert!(
        !err.contains("panicked") && !err.contains("RUST_BACKTRACE"),
        "gasket {args:?} panicked:\n{err}"
    );
    assert!(
        err.starts_with("gasket: error:"),
        "unexpected error format:\n{err}"
    );
    err
}

#[test]
fn bad_case_files_name_file_line_and_key() {
    let dir = tempdir("badcase");
    let sod = std::fs::read_to_string(case("sod")).unwrap();
    let cases = [
        (
            "unknown.toml",
            sod.replace("x0 = 0.5", "x0 = 0.5\nxo = 0.4"),
            vec!["unknown.toml", "initial.xo", "line"],
        ),
        (
            "type.toml",
            sod.replace("nx = 100", "nx = \"lots\""),
            vec!["type.toml", "mesh.nx", "line"],
        ),
        (
            "syntax.toml",
            sod.replace("[time]", "[time"),
            vec!["syntax.toml", "syntax", "line"],
        ),
        (
            "value.toml",
            sod.replace("end = 0.2", "end = -1.0"),
            vec!["value.toml", "time.end", "> 0"],
        ),
        (
            "state.toml",
            sod.replace(
                "right = [0.125, 0.0, 0.0, 0.1]",
                "right = [0.125, 0.0, 0.0, -0.1]",
            ),
            vec!["initial.right", "p > 0"],
        ),
        (
            "missing.toml",
            sod.replace("x0 = 0.5\n", ""),
            vec!["initial.x0", "riemann_x"],
        ),
        (
            "kind.toml",
            sod.replace("kind = \"riemann_x\"", "kind = \"riemann_y\""),
            vec!["initial.kind", "riemann_y"],
        ),
    ];
    for (name, text, needles) in cases {
        let p = dir.join(name);
        std::fs::write(&p, text).unwrap();
        let err = stderr_of(&[
            "run",
            p.to_str().unwrap(),
            "-q",
            "-o",
            dir.join("out").to_str().unwrap(),
        ]);
        for n in needles {
            assert!(err.contains(n), "{name}: expected {n:?} in:\n{err}");
        }
    }
    let err = stderr_of(&["run", dir.join("nope.toml").to_str().unwrap()]);
    assert!(
        err.contains("nope.toml") && err.contains("cannot read"),
        "{err}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn bad_overrides_are_reported() {
    let sod = case("sod");
    let s = sod.to_str().unwrap();
    for (set, needle) in [
        ("mesh.nx=0", "mesh.nx"),
        ("mesh.nx=\"ten\"", "mesh.nx"),
        ("time.cfl=abc", "time.cfl"),
        ("mesh.nx", "KEY=VALUE"),
        ("initial.left=[1.0,2.0", "not a TOML value"),
        ("mesh.boundary.left.kind=\"sticky\"", "sticky"),
        ("scheme.gauss_points=5", "scheme.gauss_points"),
    ] {
        let err = stderr_of(&["info", s, "--set", set]);
        assert!(
            err.contains(needle),
            "--set {set}: expected {needle:?} in:\n{err}"
        );
    }
}

#[test]
fn info_describes_the_resolved_case() {
    let out = gasket(&["info", case("sod").to_str().unwrap(), "--set", "mesh.nx=64"]);
    assert!(out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("64 x 1 = 64 cells") && text.contains("nx = 64"),
        "{text}"
    );
}

/// `info --measure` builds the solver (no step) and reports its measured set-up and peak memory per
/// element: at least the solver arrays `info` estimates, which a set-up cannot do without.
#[test]
fn info_measures_the_set_up() {
    let c = case("isentropic_vortex_cpr");
    let out = gasket(&[
        "info",
        c.to_str().unwrap(),
        "--measure",
        "--set",
        "mesh.nx=16",
        "--set",
        "mesh.ny=16",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let number_before = |tail: &str| -> f64 {
        let i = text
            .find(tail)
            .unwrap_or_else(|| panic!("no '{tail}' in {text}"));
        let head = text[..i].trim_end();
        head[head.rfind(' ').unwrap() + 1..].parse().unwrap()
    };
    let seconds = number_before(" s, ");
    let per_element = number_before(" bytes per element");
    let estimate_mib = number_before(" MiB of solver arrays");
    assert!(seconds > 0.0, "{text}");
    assert!(
        per_element * 512.0 >= estimate_mib * (1 << 20) as f64,
        "{text}"
    );
}

#[test]
fn outputs_carry_their_inputs_and_plot() {
    let dir = tempdir("outputs");
    let s = run_case("sod", &dir, &["mesh.nx=50", "output.every=0.1"], 2);
    assert_eq!(s["cells"].as_u64(), Some(50));
    assert!(s["cell_updates_per_second"].as_f64().unwrap() > 0.0);
    for f in [
        "final.h5",
        "final.xdmf",
        "snapshot_0000.h5",
        "snapshot_0001.h5",
        "snapshot_0002.h5",
        "snapshot_0002.xdmf",
    ] {
        assert!(dir.join(f).exists(), "{f} missing");
    }
    let snap = gasket::io::read_snapshot(&dir.join("snapshot_0001.h5")).unwrap();
    assert_eq!(snap.time, 0.1, "snapshot times are hit exactly");
    let fin = gasket::io::read_snapshot(&dir.join("final.h5")).unwrap();
    assert_eq!(fin.time, 0.2);
    assert!(fin.case_toml.contains("nx = 50"), "resolved case stored");
    assert!(
        fin.command_line.contains("mesh.nx=50"),
        "command line stored"
    );
    assert_eq!(fin.density.len(), 50);
    // The stored case is itself a runnable case file.
    let again = dir.join("again.toml");
    std::fs::write(&again, &fin.case_toml).unwrap();
    let out = gasket(&["info", again.to_str().unwrap()]);
    assert!(out.status.success());
    let png = dir.join("rho.png");
    let out = gasket(&[
        "plot",
        dir.join("final.h5").to_str().unwrap(),
        "--field",
        "density",
        "-o",
        png.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(std::fs::metadata(&png).unwrap().len() > 1000);
    std::fs::remove_dir_all(&dir).ok();
}

/// `mesh.file="..."` pointing at a committed test mesh in `tests/data/gmsh`.
fn test_mesh(file: &str) -> String {
    format!(
        "mesh.file=\"{}\"",
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/data/gmsh")
            .join(file)
            .display()
    )
}

/// Asserts that the final snapshot in `dir` has finite, positive density and pressure everywhere.
fn assert_final_state_physical(dir: &std::path::Path, name: &str) {
    let snap = gasket::io::read_snapshot(&dir.join("final.h5")).unwrap();
    assert!(
        snap.density
            .iter()
            .chain(&snap.pressure)
            .all(|x| x.is_finite() && *x > 0.0),
        "{name}"
    );
}

#[test]
fn every_shipped_case_runs_coarsened_without_blowing_up() {
    // Coarsened versions of the paper's shock cases: they must reach their end times with positive density
    // and pressure (the solver stops with an error naming the cell otherwise).
    let coarse_step = test_mesh("forward_step_coarse.msh");
    let runs: [(&str, &[&str]); 11] = [
        ("lax", &["mesh.nx=100"]),
        ("shu_osher", &["mesh.nx=200"]),
        ("blast_wave", &["mesh.nx=200"]),
        ("riemann2d_a", &["mesh.nx=64", "mesh.ny=64"]),
        ("riemann2d_b", &["mesh.nx=64", "mesh.ny=64"]),
        ("double_mach", &["mesh.nx=120", "mesh.ny=40"]),
        ("sod", &["time.cfl=0.7"]),
        ("sod_tri", &["mesh.nx=50", "mesh.ny=2", "mesh.y=[0.0,0.04]"]),
        ("double_mach_tri", &["mesh.nx=60", "mesh.ny=20"]),
        (
            "shock_vortex_tri",
            &["mesh.nx=50", "mesh.ny=25", "time.end=0.4"],
        ),
        ("forward_step_tri", &[&coarse_step, "time.end=1.0"]),
    ];
    for (name, sets) in runs {
        let dir = tempdir(&format!("case-{name}"));
        let s = run_case(name, &dir, sets, 2);
        assert_final_state_physical(&dir, name);
        assert!(s["final_time"].as_f64().unwrap() > 0.0);
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn every_shipped_viscous_case_runs_coarsened() {
    // The Navier-Stokes validation cases as shipped (boundary kinds, viscosity, monitors), coarsened and cut
    // short: they must reach their end times with positive density and pressure and write their monitors.
    let coarse_cylinder = test_mesh("cylinder_coarse.msh");
    let runs: [(&str, &[&str], &str); 4] = [
        (
            "flat_plate",
            &["mesh.nx=56", "mesh.ny=10", "time.end=0.2"],
            "wall_bottom.csv",
        ),
        (
            "cavity",
            &["mesh.nx=16", "mesh.ny=16", "time.end=5.0"],
            "wall_top.csv",
        ),
        (
            "viscous_shock_tube",
            &["mesh.nx=100", "mesh.ny=50", "time.end=0.2"],
            "wall_bottom.csv",
        ),
        (
            "cylinder_re100",
            &[&coarse_cylinder, "time.end=5.0"],
            "wall_cylinder.csv",
        ),
    ];
    for (name, sets, wall) in runs {
        let dir = tempdir(&format!("viscous-case-{name}"));
        let s = run_case(name, &dir, sets, 2);
        assert_final_state_physical(&dir, name);
        let end: f64 = sets
            .iter()
            .find_map(|s| s.strip_prefix("time.end="))
            .unwrap()
            .parse()
            .unwrap();
        assert_eq!(s["final_time"].as_f64().unwrap(), end, "{name}");
        for file in ["forces.csv", wall] {
            let text = std::fs::read_to_string(dir.join(file))
                .unwrap_or_else(|e| panic!("{name}: {file}: {e}"));
            assert!(text.lines().count() > 2, "{name}: {file} is nearly empty");
        }
        std::fs::remove_dir_all(&dir).ok();
    }
}

#[test]
fn a_mesh_not_yet_generated_says_how_to_make_it() {
    // A checkout's layout: jobs/cases/x.toml names ../meshes/x.msh, which is not generated; x.geo is there.
    let root = tempdir("mesh-not-generated");
    let (cases, meshes) = (root.join("jobs/cases"), root.join("jobs/meshes"));
    std::fs::create_dir_all(&cases).unwrap();
    std::fs::create_dir_all(&meshes).unwrap();
    std::fs::write(root.join("Makefile"), "meshes:\n").unwrap();
    std::fs::write(meshes.join("x.geo"), "// geometry\n").unwrap();
    let text = std::fs::read_to_string(case("forward_step_tri"))
        .unwrap()
        .replace("../meshes/forward_step.msh", "../meshes/x.msh");
    assert!(text.contains("../meshes/x.msh"));
    let toml = cases.join("x.toml");
    std::fs::write(&toml, text).unwrap();
    let (msh, geo) = (cases.join("../meshes/x.msh"), cases.join("../meshes/x.geo"));
    let want = format!(
        "{} not found; {} is beside it: run 'make meshes' to write it (or gmsh -2 {} -format msh41 -o {})",
        msh.display(),
        geo.display(),
        geo.display(),
        msh.display()
    );
    let t = toml.to_str().unwrap();
    let out = root.join("out");
    for args in [
        vec!["run", t, "-q", "-o", out.to_str().unwrap()],
        vec!["info", t],
        vec!["partition", t, "--parts", "2"],
    ] {
        let err = stderr_of(&args);
        assert!(
            err.contains(&want),
            "gasket {args:?}: expected {want:?} in:\n{err}"
        );
        assert!(!err.contains("os error"), "gasket {args:?}:\n{err}");
    }
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn an_os_error_is_said_once() {
    let dir = tempdir("os-error-once");
    let err = stderr_of(&["run", dir.join("nonexistent.toml").to_str().unwrap()]);
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");
    assert!(err.contains("cannot read the case file"), "{err}");
    // A Gmsh mesh that is missing (no .geo beside it either).
    let err = stderr_of(&[
        "info",
        case("forward_step_tri").to_str().unwrap(),
        "--set",
        &format!("mesh.file=\"{}\"", dir.join("none.msh").display()),
    ]);
    assert_eq!(err.matches("os error 2").count(), 1, "{err}");
    assert!(err.contains("cannot read the Gmsh mesh"), "{err}");
    std::fs::remove_dir_all(&dir).ok();
}
