//! Helpers shared by the integration tests: run the real binary and read what it wrote.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// Path of a shipped case file.
pub fn case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("jobs/cases")
        .join(format!("{name}.toml"))
}

/// The Python interpreter the tests run: `$GASKET_PYTHON` (`make test` sets it from its `PYTHON`), else
/// Debian's `/usr/bin/python3` (it sees the apt packages h5py and matplotlib), else `python3` on PATH.
pub fn python() -> String {
    python_choice(
        std::env::var("GASKET_PYTHON").ok().as_deref(),
        Path::new("/usr/bin/python3").exists(),
    )
}

/// The choice [`python`] makes from the value of `GASKET_PYTHON` and whether `/usr/bin/python3` exists.
pub fn python_choice(env: Option<&str>, debian: bool) -> String {
    match env.map(str::trim) {
        Some(p) if !p.is_empty() => p.to_string(),
        _ if debian => "/usr/bin/python3".to_string(),
        _ => "python3".to_string(),
    }
}

/// A fresh, empty temporary directory unique to this test.
pub fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gasket-it-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Gives `cmd` its own, fresh directory for OpenMPI's session files and returns it (remove it when the
/// command has finished). OpenMPI 4 processes that start at the same instant race to create
/// `/tmp/ompi.<host>.<uid>`, and the loser aborts in `MPI_Init` ("File exists"); the tests start many
/// processes concurrently, so each gets a base of its own through `OMPI_MCA_orte_tmpdir_base`.
pub fn isolate_mpi(cmd: &mut Command) -> PathBuf {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    let n = N.fetch_add(1, Ordering::Relaxed);
    let d = std::env::temp_dir().join(format!("gasket-mpi-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    cmd.env("OMPI_MCA_orte_tmpdir_base", &d);
    d
}

/// Runs `gasket ARGS...` and returns its output.
pub fn gasket(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gasket"));
    cmd.args(args).env_remove("RUST_BACKTRACE");
    let session = isolate_mpi(&mut cmd);
    let out = cmd.output().expect("the gasket binary runs");
    std::fs::remove_dir_all(&session).ok();
    out
}

/// Runs a case quietly into `dir` with overrides; panics with the captured output if it fails.
pub fn run_case(case_name: &str, dir: &Path, sets: &[&str], threads: usize) -> serde_json::Value {
    let mut args: Vec<String> = vec![
        "run".into(),
        case(case_name).display().to_string(),
        "-q".into(),
        "--threads".into(),
        threads.to_string(),
        "-o".into(),
        dir.display().to_string(),
    ];
    for s in sets {
        args.push("--set".into());
        args.push(s.to_string());
    }
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = gasket(&a);
    assert!(
        out.status.success(),
        "gasket {a:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(dir.join("summary.json")).unwrap();
    serde_json::from_str(&text).unwrap()
}

/// Observed order between two errors on meshes refined by `ratio`.
pub fn order(coarse: f64, fine: f64, ratio: f64) -> f64 {
    (coarse / fine).ln() / ratio.ln()
}

/// The result of a command run with a time limit.
pub struct Finished {
    /// Exit status (`None` when the command was killed at the time limit).
    pub code: Option<i32>,
    /// Standard output and error together.
    pub text: String,
    /// Wall seconds until it finished.
    pub seconds: f64,
}

/// Runs `gasket ARGS...` under `mpirun -np N` (as the README tells users, with the settings OpenMPI needs
/// as root and on few cores), extra environment `env`, killed after `limit` seconds.
pub fn mpirun(np: usize, args: &[&str], env: &[(&str, &str)], limit: f64) -> Finished {
    let mut cmd = Command::new("mpirun");
    cmd.args([
        "-np",
        &np.to_string(),
        "--allow-run-as-root",
        "--oversubscribe",
        "--bind-to",
        "none",
    ]);
    for (k, v) in env {
        cmd.args(["-x", &format!("{k}={v}")]);
    }
    cmd.arg(env!("CARGO_BIN_EXE_gasket")).args(args);
    cmd.env("OMPI_ALLOW_RUN_AS_ROOT", "1")
        .env("OMPI_ALLOW_RUN_AS_ROOT_CONFIRM", "1")
        .env("OMPI_MCA_rmaps_base_oversubscribe", "1")
        .env_remove("RUST_BACKTRACE");
    timed(cmd, limit)
}

/// Runs a command, killing it after `limit` seconds.
pub fn timed(mut cmd: Command, limit: f64) -> Finished {
    use std::io::Read;
    use std::process::Stdio;
    let t0 = std::time::Instant::now();
    let out = tempdir(&format!("log-{}", t0.elapsed().as_nanos() ^ rand_tag()));
    let log = out.join("log.txt");
    let f = std::fs::File::create(&log).unwrap();
    let session = isolate_mpi(&mut cmd);
    let mut child = cmd
        .stdout(Stdio::from(f.try_clone().unwrap()))
        .stderr(Stdio::from(f))
        .spawn()
        .expect("mpirun starts (is openmpi-bin installed? `make deps`)");
    let code = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st.code();
        }
        if t0.elapsed().as_secs_f64() > limit {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let seconds = t0.elapsed().as_secs_f64();
    let mut text = String::new();
    std::fs::File::open(&log)
        .unwrap()
        .read_to_string(&mut text)
        .unwrap();
    std::fs::remove_dir_all(&out).ok();
    std::fs::remove_dir_all(&session).ok();
    Finished {
        code,
        text,
        seconds,
    }
}

fn rand_tag() -> u128 {
    use std::sync::atomic::{AtomicUsize, Ordering};
    static N: AtomicUsize = AtomicUsize::new(0);
    N.fetch_add(1, Ordering::Relaxed) as u128 * 7919
}

/// Runs a case under mpirun on `np` ranks × `threads` into `dir`; panics with the output if it fails.
pub fn mpirun_case(np: usize, threads: usize, case_name: &str, dir: &Path, extra: &[&str]) {
    let c = case(case_name);
    let t = threads.to_string();
    let mut args = vec![
        "run",
        c.to_str().unwrap(),
        "-q",
        "--threads",
        &t,
        "-o",
        dir.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let f = mpirun(np, &args, &[], 600.0);
    assert_eq!(
        f.code,
        Some(0),
        "mpirun -np {np} gasket {args:?} failed:\n{}",
        f.text
    );
}

/// The `/solution` datasets of an output file (density, velocity, pressure) as raw bits, with time and step.
pub fn mean_bits(file: &Path) -> (Vec<u64>, f64, u64) {
    let (bits, _, t, s) = read_bits(file);
    (bits, t, s)
}

/// The solution datasets of an output file as raw bits (density, velocity, pressure, and the high-order
/// field's points, triangles and values if it has one), with time and step.
pub fn solution_bits(file: &Path) -> (Vec<u64>, f64, u64) {
    let (mut bits, high, t, s) = read_bits(file);
    bits.extend(high);
    (bits, t, s)
}

/// The bits of `/solution` and of `/highorder` (empty without one), time and step.
fn read_bits(file: &Path) -> (Vec<u64>, Vec<u64>, f64, u64) {
    let s = gasket::io::read_snapshot(file)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let mut bits: Vec<u64> = s.density.iter().map(|x| x.to_bits()).collect();
    bits.extend(s.velocity.iter().flat_map(|v| v.map(f64::to_bits)));
    bits.extend(s.pressure.iter().map(|x| x.to_bits()));
    let mut high = Vec::new();
    if let Some(h) = &s.high_order {
        high.extend(h.points.iter().flat_map(|v| v.map(f64::to_bits)));
        high.extend(h.triangles.iter().flat_map(|t| t.map(|j| j as u64)));
        high.extend(h.density.iter().map(|x| x.to_bits()));
        high.extend(h.velocity.iter().flat_map(|v| v.map(f64::to_bits)));
        high.extend(h.pressure.iter().map(|x| x.to_bits()));
    }
    (bits, high, s.time, s.step)
}

/// Asserts that every file (label, path) has the same solution bits, time and step as the first.
pub fn assert_identical(files: &[(String, PathBuf)]) {
    let (ref0, f0) = &files[0];
    let (b0, t0, s0) = solution_bits(f0);
    for (label, f) in &files[1..] {
        let (b, t, s) = solution_bits(f);
        assert_eq!((t, s), (t0, s0), "{label} vs {ref0}: time/step differ");
        let diff = b0.iter().zip(&b).filter(|(a, b)| a != b).count();
        assert!(
            diff == 0 && b.len() == b0.len(),
            "{label} differs from {ref0} in {diff} of {} values",
            b0.len()
        );
    }
}
