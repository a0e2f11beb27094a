//! Distributed runs with real `mpirun`: results independent of ranks and threads, restart on another rank
//! count, checkpoints that survive a crash mid-write, one failing rank stopping the job, signals, stored
//! partitions, and files written by several ranks read by outside tools.

mod common;

use std::path::Path;
use std::process::Command;

use common::*;

/// A case with every boundary kind that has ghosts (inflow, slip wall, the time-dependent DMR top) on 1–4
/// ranks × 1–2 threads: byte-identical solutions.
#[test]
fn double_mach_is_bitwise_identical_on_1_to_4_ranks_and_1_2_threads() {
    let dir = tempdir("ident-dmr");
    let sets = [
        "--set",
        "mesh.nx=64",
        "--set",
        "mesh.ny=22",
        "--set",
        "time.max_steps=12",
    ];
    let mut files = Vec::new();
    for np in 1..=4 {
        for t in 1..=2 {
            let d = dir.join(format!("n{np}t{t}"));
            mpirun_case(np, t, "double_mach", &d, &sets);
            files.push((format!("{np} ranks x {t} threads"), d.join("final.h5")));
        }
    }
    assert_identical(&files);
    // The file records who owned what: all ranks appear in /mesh/partition.
    let s = gasket::io::read_snapshot(&dir.join("n4t1/final.h5")).unwrap();
    let mut owners: Vec<i32> = s.partition.clone();
    owners.sort_unstable();
    owners.dedup();
    assert_eq!(owners, vec![0, 1, 2, 3]);
    std::fs::remove_dir_all(&dir).ok();
}

/// Periodic in both directions (halos across the periodic boundary) and a 1D strip.
#[test]
fn periodic_and_strip_cases_are_bitwise_identical_across_ranks() {
    let dir = tempdir("ident-periodic");
    let mut files = Vec::new();
    for (np, t) in [(1, 1), (2, 2), (3, 1), (4, 2)] {
        let d = dir.join(format!("v{np}"));
        mpirun_case(
            np,
            t,
            "isentropic_vortex",
            &d,
            &[
                "--set",
                "mesh.nx=36",
                "--set",
                "mesh.ny=30",
                "--set",
                "time.max_steps=10",
            ],
        );
        files.push((format!("vortex {np}x{t}"), d.join("final.h5")));
    }
    assert_identical(&files);
    let mut files = Vec::new();
    for np in [1, 2, 3] {
        let d = dir.join(format!("s{np}"));
        mpirun_case(np, 1, "shu_osher", &d, &["--set", "mesh.nx=120"]);
        files.push((format!("shu-osher {np} ranks"), d.join("final.h5")));
    }
    assert_identical(&files);
    std::fs::remove_dir_all(&dir).ok();
}

/// `[partition] method = "blocks"`: the structured vortex (periodic) on 1–4 ranks and generated triangles
/// (SCFV) on 1–3 ranks give the bits of one rank, and the edge cut is the layout's: on this doubly periodic
/// mesh `px·ny` faces if `px > 1` (the wrap-around cut included) plus `py·nx` if `py > 1`. A block run
/// restarted on another rank count ends with the same bits.
#[test]
fn block_partitions_are_bitwise_identical_and_cut_as_predicted() {
    let dir = tempdir("blocks");
    let blocks = ["--set", "partition.method=\"blocks\""];
    let mut files = Vec::new();
    for (np, t) in [(1, 1), (2, 1), (3, 2), (4, 1)] {
        let d = dir.join(format!("v{np}"));
        let sets = ["mesh.nx=36", "mesh.ny=30", "time.max_steps=10"];
        let mut args: Vec<&str> = sets.iter().flat_map(|s| ["--set", s]).collect();
        args.extend(blocks);
        mpirun_case(np, t, "isentropic_vortex", &d, &args);
        let summary: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap())
                .unwrap();
        let (px, py) = {
            let l = gasket_partition::BlockLayout::new(36, 30, np).unwrap();
            (l.px, l.py)
        };
        let cut = summary["partition"]["edge_cut"].as_u64().unwrap() as usize;
        if np > 1 {
            let wrap = |k: usize, len: usize| if k > 1 { k * len } else { 0 };
            assert_eq!(cut, wrap(px, 30) + wrap(py, 36), "{np} ranks");
            assert_eq!(summary["partition"]["source"], format!("blocks {px}x{py}"));
        }
        files.push((
            format!("vortex, {np} blocks x {t} threads"),
            d.join("final.h5"),
        ));
    }
    assert_identical(&files);
    let mut files = Vec::new();
    for np in [1, 3] {
        let d = dir.join(format!("t{np}"));
        let sets = ["mesh.nx=12", "mesh.ny=12", "time.max_steps=4"];
        let mut args: Vec<&str> = sets.iter().flat_map(|s| ["--set", s]).collect();
        args.extend(blocks);
        mpirun_case(np, 1, "isentropic_vortex_tri", &d, &args);
        files.push((format!("SCFV triangles, {np} blocks"), d.join("final.h5")));
    }
    assert_identical(&files);
    // A block run stopped after 4 steps on 2 ranks and continued on 3 blocks ends as the straight run.
    let sets = ["mesh.nx=36", "mesh.ny=30", "time.max_steps=4"];
    let mut args: Vec<&str> = sets.iter().flat_map(|s| ["--set", s]).collect();
    args.extend(blocks);
    let half = dir.join("half");
    mpirun_case(2, 1, "isentropic_vortex", &half, &args);
    let fin = half.join("final.h5");
    let sets = ["mesh.nx=36", "mesh.ny=30", "time.max_steps=10"];
    let mut args: Vec<&str> = sets.iter().flat_map(|s| ["--set", s]).collect();
    args.extend(blocks);
    args.extend(["--restart", fin.to_str().unwrap()]);
    let rest = dir.join("rest");
    mpirun_case(3, 1, "isentropic_vortex", &rest, &args);
    assert_identical(&[
        ("straight, one rank".into(), dir.join("v1/final.h5")),
        ("4 steps on 2 blocks, 6 on 3".into(), rest.join("final.h5")),
    ]);
    std::fs::remove_dir_all(&dir).ok();
}

/// A Gmsh mesh cannot be split into blocks, and a layout that does not exist is a clear error.
#[test]
fn impossible_block_partitions_are_clear_errors() {
    let dir = tempdir("blocks-bad");
    let c = case("isentropic_vortex_gmsh");
    let out = dir.join("g");
    let o = gasket(&[
        "run",
        c.to_str().unwrap(),
        "-q",
        "-o",
        out.to_str().unwrap(),
        "--set",
        "partition.method=\"blocks\"",
    ]);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        !o.status.success() && err.contains("partition.method"),
        "{err}"
    );
    let c = case("isentropic_vortex");
    let out = dir.join("r");
    let f = mpirun(
        5,
        &[
            "run",
            c.to_str().unwrap(),
            "-q",
            "-o",
            out.to_str().unwrap(),
            "--set",
            "mesh.nx=3",
            "--set",
            "mesh.ny=3",
            "--set",
            "partition.method=\"blocks\"",
        ],
        &[],
        120.0,
    );
    assert_ne!(f.code, Some(0));
    assert!(f.text.contains("rectangular blocks"), "{}", f.text);
    std::fs::remove_dir_all(&dir).ok();
}

/// A checkpoint written at time t on 2 ranks, restarted on 3 ranks × 2 threads, ends identical to the run
/// that wrote it; so does a run stopped by max_steps and continued from its final.h5 on 4 ranks.
#[test]
fn restart_on_another_rank_count_is_bitwise_identical() {
    let dir = tempdir("restart");
    let base = [
        "--set",
        "mesh.nx=40",
        "--set",
        "mesh.ny=40",
        "--set",
        "time.end=0.5",
        "--set",
        "output.checkpoint_every=0.2",
    ];
    let a = dir.join("a");
    mpirun_case(2, 1, "riemann2d_a", &a, &base);
    let ck = gasket::io::read_snapshot(&a.join("checkpoint.h5")).unwrap();
    assert_eq!(ck.time, 0.4, "checkpoint times are hit exactly");
    let b = dir.join("b");
    let ckp = a.join("checkpoint.h5");
    let mut args = base.to_vec();
    args.extend(["--restart", ckp.to_str().unwrap()]);
    mpirun_case(3, 2, "riemann2d_a", &b, &args);
    assert_identical(&[
        ("straight run (2 ranks)".into(), a.join("final.h5")),
        (
            "restarted at t = 0.4 on 3 ranks x 2 threads".into(),
            b.join("final.h5"),
        ),
    ]);
    let c = dir.join("c");
    let mut args = base.to_vec();
    args.extend(["--set", "time.max_steps=5"]);
    mpirun_case(1, 1, "riemann2d_a", &c, &args);
    let d = dir.join("d");
    let fin = c.join("final.h5");
    let mut args = base.to_vec();
    args.extend(["--restart", fin.to_str().unwrap()]);
    mpirun_case(4, 1, "riemann2d_a", &d, &args);
    assert_identical(&[
        ("straight run".into(), a.join("final.h5")),
        (
            "stopped at step 5, continued on 4 ranks".into(),
            d.join("final.h5"),
        ),
    ]);
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("summary.json")).unwrap()).unwrap();
    assert_eq!(s["restarted_from"].as_str(), Some(fin.to_str().unwrap()));
    assert!(s["steps_this_run"].as_u64().unwrap() < s["steps"].as_u64().unwrap());
    std::fs::remove_dir_all(&dir).ok();
}

/// A restart from a file of another case or mesh is refused with a message that says what differs.
#[test]
fn restart_from_a_mismatched_case_is_refused() {
    let dir = tempdir("restart-mismatch");
    let a = dir.join("a");
    run_case("sod", &a, &["mesh.nx=40"], 1);
    let fin = a.join("final.h5");
    let f = fin.to_str().unwrap();
    let sod = case("sod");
    for (set, needle) in [
        ("mesh.nx=41", "cells"),
        ("flux.tau_c2=2.0", "flux.tau_c2"),
        ("gas.gamma=1.3", "gas.gamma"),
    ] {
        let out = gasket(&[
            "run",
            sod.to_str().unwrap(),
            "-q",
            "--set",
            "mesh.nx=40",
            "--set",
            set,
            "--restart",
            f,
            "-o",
            dir.join("b").to_str().unwrap(),
        ]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(needle),
            "{set}: {err}"
        );
    }
    // A later end time is allowed: a finished run continues.
    let out = gasket(&[
        "run",
        sod.to_str().unwrap(),
        "-q",
        "--set",
        "mesh.nx=40",
        "--set",
        "time.end=0.25",
        "--restart",
        f,
        "-o",
        dir.join("c").to_str().unwrap(),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        gasket::io::read_snapshot(&dir.join("c/final.h5"))
            .unwrap()
            .time,
        0.25
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// A crash while a checkpoint is being written leaves the previous checkpoint readable, and the run
/// continues from it to the same result as the straight run.
#[test]
fn a_crash_while_writing_a_checkpoint_leaves_the_previous_one_intact() {
    let dir = tempdir("crash");
    let base = [
        "--set",
        "mesh.nx=40",
        "--set",
        "mesh.ny=40",
        "--set",
        "time.end=0.3",
        "--set",
        "output.checkpoint_every=0.1",
    ];
    let straight = dir.join("straight");
    mpirun_case(2, 1, "riemann2d_a", &straight, &base);
    // Run to t = 0.1 (a checkpoint and final.h5), then continue in the same directory with the crash hook.
    let run = dir.join("run");
    let mut args = base.to_vec();
    args.extend(["--set", "time.end=0.1"]);
    mpirun_case(2, 1, "riemann2d_a", &run, &args);
    let ck = run.join("checkpoint.h5");
    let before = std::fs::read(&ck).unwrap();
    let c = case("riemann2d_a");
    let mut args = vec!["run", c.to_str().unwrap(), "-q", "--threads", "1"];
    args.extend(base);
    args.extend([
        "-o",
        run.to_str().unwrap(),
        "--restart",
        ck.to_str().unwrap(),
    ]);
    let f = mpirun(2, &args, &[(gasket::io::CRASH_ENV, "checkpoint")], 120.0);
    assert!(
        f.code.is_some() && f.code != Some(0),
        "the run should have crashed: {:?}\n{}",
        f.code,
        f.text
    );
    assert_eq!(
        std::fs::read(&ck).unwrap(),
        before,
        "the previous checkpoint changed"
    );
    let snap = gasket::io::read_snapshot(&ck).unwrap();
    assert_eq!(snap.time, 0.1);
    let resumed = dir.join("resumed");
    let mut args = base.to_vec();
    args.extend(["--restart", ck.to_str().unwrap()]);
    mpirun_case(3, 1, "riemann2d_a", &resumed, &args);
    assert_identical(&[
        ("straight".into(), straight.join("final.h5")),
        ("resumed after the crash".into(), resumed.join("final.h5")),
    ]);
    std::fs::remove_dir_all(&dir).ok();
}

/// One rank failing (an injected I/O error on rank 1) stops all ranks within seconds, with the message and
/// the rank; nothing hangs.
#[test]
fn one_failing_rank_aborts_the_whole_job() {
    let dir = tempdir("abort");
    let c = case("riemann2d_a");
    let f = mpirun(
        3,
        &[
            "run",
            c.to_str().unwrap(),
            "-q",
            "--threads",
            "1",
            "--set",
            "mesh.nx=60",
            "--set",
            "mesh.ny=60",
            "-o",
            dir.to_str().unwrap(),
        ],
        &[("GASKET_TEST_FAIL", "1:3")],
        60.0,
    );
    assert!(f.code.is_some(), "the job hung:\n{}", f.text);
    assert_ne!(f.code, Some(0), "{}", f.text);
    assert!(
        f.text.contains("error on rank 1 of 3") && f.text.contains("GASKET_TEST_FAIL"),
        "{}",
        f.text
    );
    assert!(f.seconds < 30.0, "took {} s to stop", f.seconds);
    assert!(!dir.join("final.h5").exists());
    std::fs::remove_dir_all(&dir).ok();
}

/// SIGUSR1 (Slurm's warning before the walltime) makes every rank write a checkpoint and stop with
/// status 75; the continued run ends identical to a straight run.
#[test]
fn sigusr1_writes_a_checkpoint_and_stops_with_status_75() {
    let dir = tempdir("signal");
    let base = [
        "--set",
        "mesh.nx=96",
        "--set",
        "mesh.ny=96",
        "--set",
        "time.end=10.0",
    ];
    let run = dir.join("run");
    let c = case("isentropic_vortex");
    let mut cmd = Command::new("mpirun");
    cmd.args([
        "-np",
        "2",
        "--allow-run-as-root",
        "--oversubscribe",
        "--bind-to",
        "none",
    ])
    .arg(env!("CARGO_BIN_EXE_gasket"))
    .args([
        "run",
        c.to_str().unwrap(),
        "--threads",
        "1",
        "-o",
        run.to_str().unwrap(),
    ])
    .args(["--set", "output.progress=0"])
    .args(base)
    .stdout(std::process::Stdio::piped())
    .stderr(std::process::Stdio::piped());
    let session = isolate_mpi(&mut cmd);
    let mut child = cmd.spawn().unwrap();
    // Wait for the time loop to run (progress lines), then signal mpirun, which forwards it to the ranks.
    use std::io::BufRead;
    let stdout = std::io::BufReader::new(child.stdout.take().unwrap());
    let mut lines = stdout.lines();
    let mut steps = 0;
    for line in lines.by_ref() {
        if line.unwrap().starts_with("step ") {
            steps += 1;
            if steps == 5 {
                break;
            }
        }
    }
    assert_eq!(steps, 5, "the run printed no progress");
    let _ = Command::new("kill")
        .args(["-USR1", &child.id().to_string()])
        .status();
    for _ in lines {}
    let out = child.wait_with_output().unwrap();
    std::fs::remove_dir_all(&session).ok();
    let text = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(75), "{text}");
    assert!(!run.join("final.h5").exists(), "the run did not stop");
    assert!(text.contains("stopped by signal 10"), "{text}");
    assert!(
        !run.join(gasket::io::lock::LOCK_FILE).exists(),
        "the stopped run left its lock"
    );
    let ck = run.join("checkpoint.h5");
    let t = gasket::io::read_snapshot(&ck).unwrap().time;
    assert!(t > 0.0 && t < 10.0);
    // Continue to a time shortly after the stop (not the whole run, to keep the test short) and compare
    // with a straight run to that time.
    let t_end = format!("time.end={}", t + 0.2);
    let mut base = base.to_vec();
    base.extend(["--set", &t_end]);
    let resumed = dir.join("resumed");
    let mut args = base.clone();
    args.extend(["--restart", ck.to_str().unwrap()]);
    mpirun_case(1, 2, "isentropic_vortex", &resumed, &args);
    let straight = dir.join("straight");
    mpirun_case(2, 1, "isentropic_vortex", &straight, &base);
    assert_identical(&[
        ("straight".into(), straight.join("final.h5")),
        (
            format!("stopped by SIGUSR1 at t = {t}, resumed"),
            resumed.join("final.h5"),
        ),
    ]);
    std::fs::remove_dir_all(&dir).ok();
}

/// `gasket partition` stores named partitionings; a run uses the one the case names, and refuses one made
/// for another rank count.
#[test]
fn stored_partitions_are_used_and_checked() {
    let dir = tempdir("partition");
    let file = dir.join("parts.h5");
    let c = case("riemann2d_a");
    for n in ["2", "3"] {
        let out = gasket(&[
            "partition",
            c.to_str().unwrap(),
            "--parts",
            n,
            "--set",
            "mesh.nx=50",
            "--set",
            "mesh.ny=50",
            "-o",
            file.to_str().unwrap(),
        ]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(String::from_utf8_lossy(&out.stdout).contains("edge cut"));
    }
    let mut names = gasket::io::list_partitions(&file).unwrap();
    names.sort();
    assert_eq!(names, vec!["n2", "n3"]);
    let sets = [
        "--set",
        "mesh.nx=50",
        "--set",
        "mesh.ny=50",
        "--set",
        "time.max_steps=4",
    ];
    let pf = format!("partition.file=\"{}\"", file.display());
    let stored = dir.join("stored");
    let mut args = sets.to_vec();
    args.extend(["--set", &pf]);
    mpirun_case(3, 1, "riemann2d_a", &stored, &args);
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(stored.join("summary.json")).unwrap())
            .unwrap();
    assert_eq!(s["partition"]["source"].as_str(), Some("file:n3"));
    let (parts, _) = gasket::io::read_partition(&file, "n3").unwrap();
    let snap = gasket::io::read_snapshot(&stored.join("final.h5")).unwrap();
    assert_eq!(snap.partition, parts, "the run used the stored partition");
    let fly = dir.join("fly");
    mpirun_case(2, 1, "riemann2d_a", &fly, &sets);
    assert_identical(&[
        ("stored partition, 3 ranks".into(), stored.join("final.h5")),
        ("METIS at start-up, 2 ranks".into(), fly.join("final.h5")),
    ]);
    // 4 ranks with a file that has no n4: the error lists what is there.
    let c = case("riemann2d_a");
    let mut args = vec!["run", c.to_str().unwrap(), "-q", "-o", "/tmp/unused-gasket"];
    args.extend(sets);
    args.extend(["--set", &pf]);
    let f = mpirun(4, &args, &[], 60.0);
    assert!(f.code.is_some() && f.code != Some(0), "{}", f.text);
    assert!(f.text.contains("n4") && f.text.contains("n2"), "{}", f.text);
    std::fs::remove_dir_all(&dir).ok();
}

/// A file written collectively by 3 ranks is read by h5py and h5dump, in global cell order.
#[test]
fn output_of_three_ranks_is_read_by_h5py_and_h5dump() {
    let dir = tempdir("h5py");
    mpirun_case(
        3,
        1,
        "riemann2d_a",
        &dir,
        &[
            "--set",
            "mesh.nx=30",
            "--set",
            "mesh.ny=20",
            "--set",
            "time.max_steps=3",
        ],
    );
    let fin = dir.join("final.h5");
    let ours = gasket::io::read_snapshot(&fin).unwrap();
    let script = format!(
        "import h5py, sys\n\
         f = h5py.File(r'{}', 'r')\n\
         d = f['solution/density'][()]\n\
         p = f['mesh/partition'][()]\n\
         c = f['mesh/cells'][()]\n\
         print(len(d), sorted(set(p.tolist())), c.shape, float(f.attrs['time']), repr(float(d[0])), repr(float(d[-1])))\n",
        fin.display()
    );
    let out = Command::new(python())
        .args(["-c", &script])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "h5py could not read the file (make deps installs python3-h5py): {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let expect = format!(
        "600 [0, 1, 2] (600, 4) {} {:?} {:?}",
        ours.time, ours.density[0], ours.density[599]
    );
    assert_eq!(text.trim(), expect);
    let out = Command::new("h5dump")
        .args(["-H", fin.to_str().unwrap()])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && text.contains("DATASET \"density\""),
        "{text}"
    );
    assert!(
        text.contains("conserved"),
        "final.h5 carries the restart data: {text}"
    );
    std::fs::remove_dir_all(&dir).ok();
}

/// An OpenMPI binary started by a launcher that announces more processes than MPI sees refuses to run.
#[test]
fn launcher_mismatch_is_refused() {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gasket"));
    cmd.args([
        "run",
        case("sod").to_str().unwrap(),
        "-q",
        "-o",
        "/tmp/gasket-never",
    ])
    .env("PMI_SIZE", "4");
    let session = isolate_mpi(&mut cmd);
    let out = cmd.output().unwrap();
    std::fs::remove_dir_all(&session).ok();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success() && err.contains("PMI_SIZE"), "{err}");
    assert!(!Path::new("/tmp/gasket-never/final.h5").exists());
}

/// The collective I/O driver (`examples/par_io.rs`): files written by 1..N ranks with uneven ownership (one
/// rank owning nothing) read back bit for bit by every other rank count, error cases agreed by all ranks,
/// partition files. Built by `cargo test` beside the binary.
#[test]
fn collective_io_round_trips_on_3_and_4_ranks() {
    let exe = Path::new(env!("CARGO_BIN_EXE_gasket"))
        .parent()
        .unwrap()
        .join("examples/par_io");
    assert!(exe.exists(), "{} was not built", exe.display());
    for np in [3, 4] {
        let dir = tempdir(&format!("par-io-{np}"));
        let mut cmd = Command::new("mpirun");
        cmd.args([
            "-np",
            &np.to_string(),
            "--allow-run-as-root",
            "--oversubscribe",
            "--bind-to",
            "none",
        ])
        .arg(&exe)
        .arg(&dir);
        let f = timed(cmd, 300.0);
        assert_eq!(f.code, Some(0), "par_io on {np} ranks:\n{}", f.text);
        assert!(f.text.contains("par_io: OK"), "{}", f.text);
        std::fs::remove_dir_all(&dir).ok();
    }
}

/// A non-finite state (here planted in a checkpoint) stops the run on every rank with the step, the global
/// cell id and the state, printed once; the checkpoint it came from is left as it was.
#[test]
fn a_non_finite_state_stops_all_ranks_with_the_cell_and_step() {
    let dir = tempdir("nan");
    let a = dir.join("a");
    let sets = [
        "--set",
        "mesh.nx=30",
        "--set",
        "mesh.ny=30",
        "--set",
        "time.max_steps=3",
    ];
    mpirun_case(2, 1, "riemann2d_a", &a, &sets);
    let bad = dir.join("bad.h5");
    std::fs::copy(a.join("final.h5"), &bad).unwrap();
    let script = format!(
        "import h5py\nf = h5py.File(r'{}', 'r+')\nc = f['restart/conserved']\nc[437, 3] = float('nan')\nf.close()\n",
        bad.display()
    );
    let out = Command::new(python())
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let before = std::fs::read(&bad).unwrap();
    let c = case("riemann2d_a");
    let mut args = vec!["run", c.to_str().unwrap(), "-q", "-o", a.to_str().unwrap()];
    args.extend(sets);
    args.extend([
        "--set",
        "time.max_steps=10",
        "--restart",
        bad.to_str().unwrap(),
    ]);
    let f = mpirun(3, &args, &[], 60.0);
    assert!(f.code.is_some() && f.code != Some(0), "{}", f.text);
    assert!(
        f.text.contains("blew up at step 3") && f.text.contains("cell 437 (i = 17, j = 14)"),
        "{}",
        f.text
    );
    assert_eq!(
        f.text.matches("blew up").count(),
        1,
        "printed once: {}",
        f.text
    );
    assert_eq!(std::fs::read(&bad).unwrap(), before);
    std::fs::remove_dir_all(&dir).ok();
}
