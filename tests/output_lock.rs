//! The lock of an output directory: a second run into a directory in use stops at once without writing,
//! on every rank; a stale lock is taken over; the lock goes when the run ends; a restart into the directory
//! of a run that has ended works.

mod common;

use std::path::Path;

use common::{case, gasket, mpirun, run_case, tempdir};
use gasket::io::lock::{host_name, Holder, LOCK_FILE};

/// Files in `dir`, sorted.
fn files_in(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// Writes a lock file of `pid` on this host into `dir`, returning its text.
fn plant_lock(dir: &Path, pid: u32) -> String {
    let text = Holder {
        host: host_name(),
        pid,
    }
    .to_text();
    std::fs::write(dir.join(LOCK_FILE), &text).unwrap();
    text
}

fn sod_args(dir: &Path) -> Vec<String> {
    [
        "run",
        case("sod").to_str().unwrap(),
        "-q",
        "--threads",
        "1",
        "--set",
        "mesh.nx=50",
        "--set",
        "output.every=0.1",
        "-o",
        dir.to_str().unwrap(),
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn a_directory_in_use_stops_the_run_without_writing() {
    let dir = tempdir("lock-busy");
    // This test process is alive: its pid holds the directory.
    let me = std::process::id();
    let text = plant_lock(&dir, me);
    let args = sod_args(&dir);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = gasket(&a);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "{err}");
    let want = format!(
        "gasket: error: {} is in use by {} pid {me}",
        dir.display(),
        host_name()
    );
    assert!(err.starts_with(&want), "expected {want:?} in:\n{err}");
    assert_eq!(files_in(&dir), [LOCK_FILE], "the refused run wrote files");
    assert_eq!(std::fs::read_to_string(dir.join(LOCK_FILE)).unwrap(), text);

    // Under MPI every rank stops, promptly, and the message is printed once (by rank 0).
    let f = mpirun(3, &a, &[], 60.0);
    assert!(f.code.is_some(), "the job hung:\n{}", f.text);
    assert_ne!(f.code, Some(0), "{}", f.text);
    assert_eq!(f.text.matches(&want).count(), 1, "{}", f.text);
    assert!(!f.text.contains("error on rank"), "{}", f.text);
    assert_eq!(files_in(&dir), [LOCK_FILE], "the refused job wrote files");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn a_stale_lock_is_taken_over_with_a_warning() {
    let dir = tempdir("lock-stale");
    // The pid of a process that has ended and been reaped.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let dead = child.id();
    child.wait().unwrap();
    plant_lock(&dir, dead);
    let args = sod_args(&dir);
    let a: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = gasket(&a);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("warning: taking over the stale lock") && err.contains(&format!("pid {dead}")),
        "{err}"
    );
    assert!(dir.join("final.h5").exists());
    assert!(!dir.join(LOCK_FILE).exists(), "the lock outlived the run");
    std::fs::remove_dir_all(&dir).ok();
}

#[test]
fn the_lock_goes_at_the_end_and_a_restart_may_continue_into_the_directory() {
    let dir = tempdir("lock-restart");
    let s = run_case("sod", &dir, &["mesh.nx=50", "time.end=0.1"], 1);
    assert_eq!(s["final_time"].as_f64(), Some(0.1));
    assert!(!dir.join(LOCK_FILE).exists(), "the lock outlived the run");
    // Continue the ended run from its final.h5, into its own directory.
    let fin = dir.join("final.h5");
    let out = gasket(&[
        "run",
        case("sod").to_str().unwrap(),
        "-q",
        "--threads",
        "1",
        "--set",
        "mesh.nx=50",
        "--set",
        "time.end=0.2",
        "--restart",
        fin.to_str().unwrap(),
        "-o",
        dir.to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(gasket::io::read_snapshot(&fin).unwrap().time, 0.2);
    assert!(
        !dir.join(LOCK_FILE).exists(),
        "the lock outlived the restart"
    );
    std::fs::remove_dir_all(&dir).ok();
}
