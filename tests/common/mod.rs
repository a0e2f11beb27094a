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

/// A fresh, empty temporary directory unique to this test.
pub fn tempdir(tag: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("gasket-it-{}-{tag}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Runs `gasket ARGS...` and returns its output.
pub fn gasket(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gasket"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("the gasket binary runs")
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
