//! Test driver of the distributed snapshot/restart I/O (`gasket::io::parallel`).
//!
//! Run under MPI, for example
//! `mpirun -np 3 --oversubscribe --allow-run-as-root --bind-to none target/release/examples/par_io DIR`.
//!
//! * `par_io DIR`: for every writer count w = 1..=np (sub-communicators of the first w ranks),
//!   writes `DIR/snap_w{w}.h5` (snapshot + restart) with an uneven, interleaved ownership in which
//!   one rank owns nothing (w >= 2); then for every reader count r = 1..=np reads the restart
//!   state back with another ownership and checks it bit for bit, and rank 0 reads every file
//!   whole (`read_snapshot`) and checks every array bit for bit. Also: an empty mesh, a mesh with
//!   fewer vertices than ranks, error cases (missing file, not HDF5, no restart group, wrong
//!   cell count, bad input on one rank only), and partition files.
//! * `par_io write FILE SEED [NX NY]`: writes one checkpoint with data depending on SEED (for the
//!   crash test with `GASKET_TEST_CRASH_WRITING`).
//! * `par_io check FILE SEED [NX NY]`: checks that FILE holds the data of SEED.
//! * `par_io bench DIR NX NY`: times a write and a restart read of an NX × NY mesh with a
//!   scattered ownership (many runs per rank).
//!
//! Prints `par_io: OK ...` on rank 0 and exits 0 when all checks pass; panics otherwise.

use std::path::{Path, PathBuf};
use std::time::Instant;

use gasket::io::{
    list_partitions, read_partition, read_restart, read_snapshot, vertex_rows, write_partition,
    write_snapshot, Dist, FieldsOut, MeshOut, Meta, RestartOut,
};
use mpi::topology::{Color, SimpleCommunicator};
use mpi::traits::*;

/// A global test mesh (quads on an nx × ny grid) with fields depending on `seed`.
struct Global {
    vertices: Vec<[f64; 2]>,
    cells: Vec<i64>,
    npc: usize,
    density: Vec<f64>,
    velocity: Vec<[f64; 2]>,
    pressure: Vec<f64>,
    conserved: Vec<[f64; 4]>,
}

impl Global {
    fn new(nx: usize, ny: usize, seed: u64) -> Self {
        let mut vertices = Vec::new();
        for j in 0..=ny {
            for i in 0..=nx {
                vertices.push([i as f64 / nx as f64, j as f64 / ny.max(1) as f64 * 0.7]);
            }
        }
        let id = |i: usize, j: usize| (j * (nx + 1) + i) as i64;
        let mut g = Global {
            vertices,
            cells: Vec::new(),
            npc: 4,
            density: Vec::new(),
            velocity: Vec::new(),
            pressure: Vec::new(),
            conserved: Vec::new(),
        };
        let s = seed as f64;
        for j in 0..ny {
            for i in 0..nx {
                let c = (j * nx + i) as f64;
                g.cells
                    .extend([id(i, j), id(i + 1, j), id(i + 1, j + 1), id(i, j + 1)]);
                g.density.push(1.0 + (0.37 * c + s).sin() / 3.0);
                g.velocity
                    .push([(c + s).sqrt() * std::f64::consts::PI, -c / 7.0]);
                g.pressure.push((1.0 + c).ln() + s);
                // Awkward bit patterns: negative zero, subnormals, extremes, thirds.
                let k = j * nx + i;
                g.conserved.push([
                    [-0.0, f64::MIN_POSITIVE / 3.0, f64::MAX, 1.0 / 3.0][k % 4] + s * 1e-300,
                    f64::from_bits(0x3ff0_0000_0000_0001 + k as u64 * 7919 + seed),
                    -(c + s) / 11.0,
                    f64::EPSILON * c + s,
                ]);
            }
        }
        g
    }

    fn n_cells(&self) -> usize {
        self.density.len()
    }
}

/// Uneven, interleaved writer ownership on `size` ranks: rank `size - 1` owns nothing (size >= 2),
/// rank 0 owns a leading block and a scattered share of the rest.
fn writer_owner(c: usize, n: usize, size: usize) -> usize {
    if size == 1 || c < n / 3 {
        0
    } else {
        (c * c + 3 * c + c / 5) % (size - 1)
    }
}

/// Another ownership for reading back: rank 0 owns nothing (size >= 2), blocks of 4 cells round robin.
fn reader_owner(c: usize, size: usize) -> usize {
    if size == 1 {
        0
    } else {
        1 + (c / 4) % (size - 1)
    }
}

fn owned_by(n: usize, rank: usize, owner: impl Fn(usize) -> usize) -> Vec<usize> {
    (0..n).filter(|&c| owner(c) == rank).collect()
}

fn bits(v: &[f64]) -> Vec<u64> {
    v.iter().map(|x| x.to_bits()).collect()
}

fn meta<'a>(seed: u64, ranks: i64, case_toml: &'a str) -> Meta<'a> {
    Meta {
        time: 0.5 + seed as f64,
        step: 1000 + seed,
        gamma: 1.4,
        case: "par-io",
        scheme: "gks2",
        ranks,
        threads: 1,
        version: "par_io test",
        case_toml,
        command_line: "par_io test",
    }
}

const CASE_TOML: &str = "[case]\nname = \"par-io\"\n# γ = 1.4, ünïcödé\n";

/// Writes `g` from all ranks of `comm` with `owner`, with restart data.
fn write_global(
    path: &Path,
    comm: &SimpleCommunicator,
    g: &Global,
    seed: u64,
    owner: &dyn Fn(usize) -> usize,
) -> Result<(), gasket::error::RunError> {
    let rank = comm.rank() as usize;
    let owned = owned_by(g.n_cells(), rank, owner);
    let mut cells = Vec::new();
    for &c in &owned {
        cells.extend_from_slice(&g.cells[c * g.npc..(c + 1) * g.npc]);
    }
    let pick = |v: &[f64]| owned.iter().map(|&c| v[c]).collect::<Vec<_>>();
    let density = pick(&g.density);
    let pressure = pick(&g.pressure);
    let velocity: Vec<[f64; 2]> = owned.iter().map(|&c| g.velocity[c]).collect();
    let conserved: Vec<[f64; 4]> = owned.iter().map(|&c| g.conserved[c]).collect();
    let partition = vec![rank as i32; owned.len()];
    let attrs_f64 = [
        ("dt", vec![1.25e-4 * (seed + 1) as f64]),
        ("history", vec![1.0, -0.0, f64::MIN_POSITIVE, 1.0 / 3.0]),
        ("rng_state", vec![seed as f64]),
    ];
    let attrs_str = [
        ("scheme", "gks2".to_string()),
        (
            "note",
            format!("seed {seed}, written by {} ranks", comm.size()),
        ),
    ];
    write_snapshot(
        path,
        &Dist {
            comm,
            n_cells: g.n_cells(),
            owned: &owned,
            n_vertices: g.vertices.len(),
        },
        &MeshOut {
            vertices: &g.vertices[vertex_rows(g.vertices.len(), rank, comm.size() as usize)],
            cells: &cells,
            nodes_per_cell: g.npc,
            partition: &partition,
        },
        &FieldsOut {
            density: &density,
            velocity: &velocity,
            pressure: &pressure,
            high_order: None,
        },
        &meta(seed, comm.size() as i64, CASE_TOML),
        Some(&RestartOut {
            conserved: &conserved,
            states_per_cell: 1,
            attrs_f64: &attrs_f64,
            attrs_str: &attrs_str,
        }),
    )
}

/// Reads the restart state of `path` on all ranks of `comm` with `owner` and checks it bit for bit.
fn check_restart(
    path: &Path,
    comm: &SimpleCommunicator,
    g: &Global,
    seed: u64,
    owner: &dyn Fn(usize) -> usize,
) {
    let rank = comm.rank() as usize;
    let owned = owned_by(g.n_cells(), rank, owner);
    let r = read_restart(path, comm, g.n_cells(), &owned)
        .unwrap_or_else(|e| panic!("rank {rank}: read_restart: {e}"));
    let want: Vec<f64> = owned.iter().flat_map(|&c| g.conserved[c]).collect();
    assert_eq!(
        bits(r.conserved.as_flattened()),
        bits(&want),
        "rank {rank}: conserved of {}",
        path.display()
    );
    assert_eq!(r.time.to_bits(), (0.5 + seed as f64).to_bits());
    assert_eq!(r.step, 1000 + seed);
    assert_eq!(r.case_toml, CASE_TOML);
    assert_eq!(r.attrs_f64["dt"], vec![1.25e-4 * (seed + 1) as f64]);
    assert_eq!(
        bits(&r.attrs_f64["history"]),
        bits(&[1.0, -0.0, f64::MIN_POSITIVE, 1.0 / 3.0])
    );
    assert_eq!(r.attrs_f64["rng_state"], vec![seed as f64]);
    assert_eq!(r.attrs_str["scheme"], "gks2");
    assert!(r.attrs_str["note"].starts_with(&format!("seed {seed}, written by ")));
}

/// Reads `path` whole in this process and checks every array bit for bit.
fn check_whole(path: &Path, g: &Global, seed: u64, owner: Option<&dyn Fn(usize) -> usize>) {
    let s = read_snapshot(path).unwrap_or_else(|e| panic!("read_snapshot: {e}"));
    assert_eq!(
        bits(s.vertices.as_flattened()),
        bits(g.vertices.as_flattened())
    );
    assert_eq!(s.cells, g.cells);
    assert_eq!(s.nodes_per_cell, g.npc);
    if let Some(owner) = owner {
        // Matrix mode: no crash happened, so no temporary file may be left.
        assert!(!PathBuf::from(format!("{}.tmp", path.display())).exists());
        let partition: Vec<i32> = (0..g.n_cells()).map(|c| owner(c) as i32).collect();
        assert_eq!(s.partition, partition);
    }
    assert_eq!(bits(&s.density), bits(&g.density));
    assert_eq!(
        bits(s.velocity.as_flattened()),
        bits(g.velocity.as_flattened())
    );
    assert_eq!(bits(&s.pressure), bits(&g.pressure));
    assert_eq!((s.time, s.step), (0.5 + seed as f64, 1000 + seed));
    assert_eq!((s.case.as_str(), s.scheme.as_str()), ("par-io", "gks2"));
    assert_eq!(s.case_toml, CASE_TOML);
    assert!(path.with_extension("xdmf").exists());
}

/// The first `n` ranks of `world`, or `None` on the others.
fn first_ranks(world: &SimpleCommunicator, n: usize) -> Option<SimpleCommunicator> {
    let color = if (world.rank() as usize) < n {
        Color::with_value(0)
    } else {
        Color::undefined()
    };
    world.split_by_color(color)
}

fn matrix(world: &SimpleCommunicator, dir: &Path) {
    let np = world.size() as usize;
    let rank = world.rank() as usize;
    let (nx, ny) = (7, 5);
    for w in 1..=np {
        let seed = w as u64;
        let g = Global::new(nx, ny, seed);
        let n = g.n_cells();
        let path = dir.join(format!("snap_w{w}.h5"));
        if let Some(comm) = first_ranks(world, w) {
            write_global(&path, &comm, &g, seed, &|c| writer_owner(c, n, w))
                .unwrap_or_else(|e| panic!("rank {rank}: write {w}: {e}"));
        }
        world.barrier();
        for r in 1..=np {
            if let Some(comm) = first_ranks(world, r) {
                check_restart(&path, &comm, &g, seed, &|c| reader_owner(c, r));
                // Reading with the writer's ownership works too.
                if r == w {
                    check_restart(&path, &comm, &g, seed, &|c| writer_owner(c, n, w));
                }
            }
            world.barrier();
        }
        if rank == 0 {
            check_whole(&path, &g, seed, Some(&|c| writer_owner(c, n, w)));
        }
        world.barrier();
    }
    if rank == 0 {
        println!("par_io: round trips w = 1..={np} x r = 1..={np} bit-exact");
    }

    // Overwriting an existing checkpoint (fewer ranks than before) works.
    let path = dir.join(format!("snap_w{np}.h5"));
    let g = Global::new(nx, ny, 99);
    write_global(&path, world, &g, 99, &|c| reader_owner(c, np)).unwrap();
    check_restart(&path, world, &g, 99, &|c| writer_owner(c, g.n_cells(), np));
    if rank == 0 {
        check_whole(&path, &g, 99, Some(&|c| reader_owner(c, np)));
    }
    world.barrier();

    // An empty mesh, every rank owning nothing.
    let empty = Global::new(0, 0, 0);
    let path = dir.join("empty.h5");
    let g0 = Global {
        vertices: Vec::new(),
        ..empty
    };
    write_global(&path, world, &g0, 0, &|_| 0).unwrap();
    let r = read_restart(&path, world, 0, &[]).unwrap();
    assert!(r.conserved.is_empty());
    if rank == 0 {
        let s = read_snapshot(&path).unwrap();
        assert!(s.cells.is_empty() && s.vertices.is_empty() && s.density.is_empty());
    }
    world.barrier();

    // One quad (4 vertices, fewer than some rank counts), owned by the last rank.
    let g1 = Global::new(1, 1, 5);
    let path = dir.join("one.h5");
    write_global(&path, world, &g1, 5, &|_| np - 1).unwrap();
    check_restart(&path, world, &g1, 5, &|_| 0);
    if rank == 0 {
        check_whole(&path, &g1, 5, Some(&|_| np - 1));
    }
    world.barrier();
    if rank == 0 {
        println!("par_io: empty mesh and one-cell mesh OK");
    }

    errors(world, dir, &g);
    if rank == 0 {
        partitions(dir);
    }
    world.barrier();
}

/// Error cases: every rank must get an error, none may hang.
fn errors(world: &SimpleCommunicator, dir: &Path, g: &Global) {
    let rank = world.rank() as usize;
    let np = world.size() as usize;
    let n = g.n_cells();
    let owned = owned_by(n, rank, |c| reader_owner(c, np));
    let expect = |r: Result<gasket::io::RestartIn, gasket::error::RunError>, needle: &str| {
        let e = r.expect_err("expected an error").to_string();
        assert!(e.contains(needle), "rank {rank}: {e:?} lacks {needle:?}");
        if rank == 0 {
            println!("par_io: expected error: {e}");
        }
    };
    expect(
        read_restart(&dir.join("missing.h5"), world, n, &owned),
        "cannot read the restart file",
    );
    let junk = dir.join("junk.h5");
    if rank == 0 {
        std::fs::write(&junk, b"this is not HDF5").unwrap();
    }
    world.barrier();
    expect(
        read_restart(&junk, world, n, &owned),
        "cannot open as an HDF5 file",
    );
    let plain = dir.join("plain.h5");
    if rank == 0 {
        gasket::io::write_snapshot_serial(
            &plain,
            &MeshOut {
                vertices: &g.vertices,
                cells: &g.cells,
                nodes_per_cell: 4,
                partition: &vec![0; n],
            },
            &FieldsOut {
                density: &g.density,
                velocity: &g.velocity,
                pressure: &g.pressure,
                high_order: None,
            },
            &meta(0, 1, CASE_TOML),
        )
        .unwrap();
    }
    world.barrier();
    expect(read_restart(&plain, world, n, &owned), "not a restart file");
    let path = dir.join(format!("snap_w{np}.h5"));
    let owned_more = owned_by(n + 3, rank, |c| reader_owner(c, np));
    expect(
        read_restart(&path, world, n + 3, &owned_more),
        &format!(
            "the restart file has {n} cells, the case mesh has {}",
            n + 3
        ),
    );
    expect(
        read_restart(&path, world, n, &owned[owned.len().min(1)..]),
        "cells in total",
    );

    // Bad input on the last rank only: every rank returns an error, nothing is written.
    let bad = dir.join("bad.h5");
    let own = owned_by(n, rank, |c| writer_owner(c, n, np));
    let mut density: Vec<f64> = own.iter().map(|&c| g.density[c]).collect();
    if rank == np - 1 {
        density.push(1.0);
    }
    let cells: Vec<i64> = own
        .iter()
        .flat_map(|&c| g.cells[c * 4..c * 4 + 4].to_vec())
        .collect();
    let vel: Vec<[f64; 2]> = own.iter().map(|&c| g.velocity[c]).collect();
    let part = vec![0; own.len()];
    let e = write_snapshot(
        &bad,
        &Dist {
            comm: world,
            n_cells: n,
            owned: &own,
            n_vertices: g.vertices.len(),
        },
        &MeshOut {
            vertices: &g.vertices[vertex_rows(g.vertices.len(), rank, np)],
            cells: &cells,
            nodes_per_cell: 4,
            partition: &part,
        },
        &FieldsOut {
            density: &density,
            velocity: &vel,
            pressure: &density[..own.len()],
            high_order: None,
        },
        &meta(0, np as i64, CASE_TOML),
        None,
    )
    .expect_err("bad input must fail")
    .to_string();
    if rank == 0 {
        println!("par_io: expected error: {e}");
    }
    assert!(!bad.exists());
    world.barrier();

    // Overlapping ownership with the right total count: cell 1 owned by ranks 0 and 1, cell 0 by none.
    if np >= 2 {
        let own: Vec<usize> = owned_by(n, rank, |c| writer_owner(c, n, np))
            .into_iter()
            .map(|c| if c == 0 { 1 } else { c })
            .collect();
        let own = if rank == 1 {
            let mut o = own;
            o.insert(0, 1);
            o.truncate(o.len().max(1));
            o
        } else {
            own
        };
        let mut own = own;
        own.dedup();
        // Make the total right again by dropping one cell (not cell 1) from the last rank that has two or more.
        let mut total = 0;
        world.all_reduce_into(
            &own.len(),
            &mut total,
            mpi::collective::SystemOperation::sum(),
        );
        let excess = total - n;
        let mut counts = vec![0usize; np];
        world.all_gather_into(&own.len(), &mut counts[..]);
        let donor = (0..np).rev().find(|&r| counts[r] >= 2 + excess).unwrap();
        if rank == donor {
            for _ in 0..excess {
                let i = own.iter().rposition(|&c| c != 1).unwrap();
                own.remove(i);
            }
        }
        let e = read_restart(&path, world, n, &own).expect_err("overlap must fail");
        let e = e.to_string();
        if rank == 0 {
            println!("par_io: expected error: {e}");
        }
        assert!(
            e.contains("cell 1 is owned by more than one rank"),
            "rank {rank}: {e}"
        );
        world.barrier();
    }
}

fn partitions(dir: &Path) {
    let path = dir.join("mesh.parts.h5");
    let a: Vec<i32> = (0..35).map(|c| c % 3).collect();
    let b: Vec<i32> = (0..35).map(|c| c / 18).collect();
    write_partition(
        &path,
        "metis-3",
        &a,
        &[("n_parts", 3.0), ("edge_cut", 12.0), ("imbalance", 1.03)],
        "quad-7x5",
    )
    .unwrap();
    write_partition(&path, "rcb-2", &b, &[("n_parts", 2.0)], "quad-7x5").unwrap();
    write_partition(
        &path,
        "metis-3",
        &a,
        &[("n_parts", 3.0), ("edge_cut", 11.0)],
        "quad-7x5",
    )
    .unwrap();
    assert_eq!(list_partitions(&path).unwrap(), ["metis-3", "rcb-2"]);
    assert_eq!(
        read_partition(&path, "metis-3").unwrap(),
        (a, "quad-7x5".to_string())
    );
    assert_eq!(read_partition(&path, "rcb-2").unwrap().0, b);
    let e = read_partition(&path, "x").unwrap_err().to_string();
    println!("par_io: expected error: {e}");
    assert!(e.contains("metis-3, rcb-2"));
    println!("par_io: partition file OK");
}

fn usize_arg(args: &[String], i: usize, default: usize) -> usize {
    args.get(i)
        .map_or(default, |s| s.parse().expect("a number"))
}

fn main() {
    let universe = mpi::initialize().expect("MPI init");
    // A failed check on one rank must end the whole job, not leave the others waiting.
    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        default_hook(info);
        SimpleCommunicator::world().abort(1);
    }));
    let world = universe.world();
    let rank = world.rank() as usize;
    let np = world.size() as usize;
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("write") | Some("check") => {
            let path = PathBuf::from(&args[1]);
            let seed: u64 = args[2].parse().expect("SEED");
            let (nx, ny) = (usize_arg(&args, 3, 7), usize_arg(&args, 4, 5));
            let g = Global::new(nx, ny, seed);
            let n = g.n_cells();
            if args[0] == "write" {
                write_global(&path, &world, &g, seed, &|c| writer_owner(c, n, np))
                    .unwrap_or_else(|e| panic!("rank {rank}: {e}"));
            } else {
                check_restart(&path, &world, &g, seed, &|c| reader_owner(c, np));
                if rank == 0 {
                    check_whole(&path, &g, seed, None);
                }
            }
            world.barrier();
            if rank == 0 {
                println!(
                    "par_io: OK {} {} seed {seed} on {np} ranks",
                    args[0],
                    path.display()
                );
            }
        }
        Some("bench") => {
            let dir = PathBuf::from(&args[1]);
            let (nx, ny) = (usize_arg(&args, 2, 1000), usize_arg(&args, 3, 1000));
            let g = Global::new(nx, ny, 1);
            let n = g.n_cells();
            // Scattered ownership: runs of 1..=8 cells.
            let owner = |c: usize| ((c / (1 + c % 8)) * 7 + c / 3) % np;
            let path = dir.join("bench.h5");
            world.barrier();
            let t = Instant::now();
            write_global(&path, &world, &g, 1, &owner).unwrap();
            let tw = t.elapsed().as_secs_f64();
            let t = Instant::now();
            check_restart(&path, &world, &g, 1, &owner);
            let tr = t.elapsed().as_secs_f64();
            let runs = {
                let own = owned_by(n, rank, owner);
                1 + own.windows(2).filter(|w| w[1] != w[0] + 1).count()
            };
            if rank == 0 {
                println!(
                    "par_io: bench {n} cells on {np} ranks ({runs} runs on rank 0): write {tw:.3} s, restart read {tr:.3} s, file {} bytes",
                    std::fs::metadata(&path).unwrap().len()
                );
            }
        }
        Some(d) => {
            let dir = PathBuf::from(d);
            if rank == 0 {
                std::fs::create_dir_all(&dir).unwrap();
            }
            world.barrier();
            matrix(&world, &dir);
            if rank == 0 {
                println!("par_io: OK all checks on {np} ranks");
            }
        }
        None => {
            eprintln!("usage: par_io DIR | write FILE SEED [NX NY] | check FILE SEED [NX NY] | bench DIR NX NY");
            std::process::exit(2);
        }
    }
}
