//! The test tooling itself: which Python the tests run, and `make test` running every suite and totalling
//! them (checked with a stand-in cargo, so no real suite runs twice).

mod common;

use std::path::Path;
use std::process::Command;

use common::{python_choice, tempdir};

#[test]
fn tests_run_the_python_gasket_python_names() {
    assert_eq!(
        python_choice(Some("/opt/conda/bin/python"), true),
        "/opt/conda/bin/python"
    );
    assert_eq!(
        python_choice(Some("/opt/conda/bin/python"), false),
        "/opt/conda/bin/python"
    );
    assert_eq!(python_choice(None, true), "/usr/bin/python3");
    assert_eq!(python_choice(Some(""), true), "/usr/bin/python3");
    assert_eq!(python_choice(None, false), "python3");
}

/// A stand-in for cargo: `cargo test` checks its flags and environment, prints the result lines of three
/// suites (one failing, as a failing suite does) and exits like cargo does after a failure.
const FAKE_CARGO: &str = r#"#!/bin/sh
[ "$1" = test ] || exit 0
case " $* " in *" --no-fail-fast "*) ;; *) echo "no --no-fail-fast: $*"; exit 3 ;; esac
case " $* " in *" --workspace "*) ;; *) echo "no --workspace: $*"; exit 3 ;; esac
[ "$GASKET_PYTHON" = /opt/py/bin/python3 ] || { echo "GASKET_PYTHON=$GASKET_PYTHON"; exit 3; }
echo "test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out"
echo "test result: FAILED. 2 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out"
echo "test result: ok. 4 passed; 0 failed; 1 ignored; 0 measured; 0 filtered out"
exit 101
"#;

#[test]
fn make_test_runs_every_suite_and_totals_them() {
    let dir = tempdir("make-test");
    let cargo = dir.join("cargo");
    std::fs::write(&cargo, FAKE_CARGO).unwrap();
    Command::new("chmod")
        .arg("+x")
        .arg(&cargo)
        .status()
        .unwrap();
    let log = dir.join("log/test.log");
    let out = Command::new("make")
        .arg("-C")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")))
        .arg("--no-print-directory")
        .arg("test-suites")
        .arg(format!("CARGO={}", cargo.display()))
        .arg("PYTHON=/opt/py/bin/python3")
        .arg(format!("TEST_LOG={}", log.display()))
        .env_remove("MAKEFLAGS")
        .env_remove("MFLAGS")
        .env_remove("MAKELEVEL")
        .output()
        .expect("make runs");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        !out.status.success(),
        "a failing suite must fail make:\n{text}"
    );
    assert_eq!(
        text.lines().last(),
        Some("tests: 9 passed, 1 failed"),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(log.exists(), "no log written");
    std::fs::remove_dir_all(&dir).ok();
}
