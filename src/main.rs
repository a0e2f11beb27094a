//! The `gasket` command line: run a case (on any number of MPI ranks), partition its mesh, describe it, plot
//! a result.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use gasket::case::LoadedCase;
use gasket::case::MeshKind;
use gasket::error::{CaseError, RunError};
use gasket::parallel::Parallel;
use gasket::run::{mesh_key, metis_parts, periodicity, run, RunOptions};
use gasket::solver::scheme_name;

/// Exit status of a run stopped by SIGTERM/SIGUSR1 after writing its checkpoint (EX_TEMPFAIL).
const EXIT_INTERRUPTED: u8 = 75;

/// High-order gas-kinetic scheme (GKS) solver for the compressible Euler equations.
#[derive(Parser)]
#[command(name = "gasket", version = env!("CARGO_PKG_VERSION"), about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run a case file to its end time.
    Run {
        /// The TOML case file.
        case: PathBuf,
        /// Override a case key by its dotted path with a TOML value (repeatable), e.g. --set mesh.nx=80.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Output directory (default: the case's output.dir, else output/<case name>).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Rayon threads per rank (default: all cores).
        #[arg(long)]
        threads: Option<usize>,
        /// Do not print progress lines.
        #[arg(long, short)]
        quiet: bool,
        /// Continue from a checkpoint or final.h5 of the same case (any rank and thread count).
        #[arg(long, value_name = "FILE")]
        restart: Option<PathBuf>,
    },
    /// Partition a case's mesh with METIS and store it (several named partitionings may share a file);
    /// a case uses it with `[partition] file = "..."`.
    Partition {
        /// The TOML case file.
        case: PathBuf,
        /// Number of parts (MPI ranks).
        #[arg(long)]
        parts: usize,
        /// The HDF5 partition file (default: <case name>.partitions.h5).
        #[arg(long, short)]
        output: Option<PathBuf>,
        /// Name of the partitioning in the file (default: n<parts>).
        #[arg(long)]
        name: Option<String>,
        /// Overrides as for `run`.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
    },
    /// Describe a case: mesh, scheme, time stepping and memory, without running it.
    Info {
        /// The TOML case file.
        case: PathBuf,
        /// Overrides as for `run`.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
        /// Also build the solver on this one process, take one step, and report the measured set-up and
        /// step times and the peak memory per element.
        #[arg(long)]
        measure: bool,
    },
    /// Draw a field of an output file to PNG.
    Plot {
        /// An HDF5 output file (final.h5 or a snapshot).
        file: PathBuf,
        /// density, pressure, velocity_x, velocity_y, speed or mach.
        #[arg(long, default_value = "density")]
        field: String,
        /// The PNG to write (default: FILE with the field name and .png).
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
}

fn command_line() -> String {
    std::env::args()
        .map(|a| {
            if a.contains(char::is_whitespace) || a.contains('\'') || a.is_empty() {
                format!("'{}'", a.replace('\'', "'\\''"))
            } else {
                a
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// Options of `gasket run`.
struct RunArgs {
    case: PathBuf,
    set: Vec<String>,
    output: Option<PathBuf>,
    threads: Option<usize>,
    quiet: bool,
    restart: Option<PathBuf>,
}

fn run_cmd(par: &Parallel, a: RunArgs) -> Result<()> {
    let root = par.rank() == 0;
    let lc = LoadedCase::load(&a.case, &a.set)?;
    let threads = a.threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    if threads == 0 {
        anyhow::bail!("--threads must be at least 1");
    }
    // The main thread is one of the pool's threads: the parallel loops it starts run from its own work
    // queue instead of being injected from outside the pool (which allocates a queue block every 63
    // loops), so the time loop does not allocate (tests/allocations.rs). MPI stays on this thread.
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .use_current_thread()
        .build_global()
        .context("cannot start the thread pool")?;
    let dir = a
        .output
        .or_else(|| lc.case.output.dir.as_ref().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("output").join(&lc.name));
    let quiet = a.quiet || !root;
    let opts = RunOptions {
        output_dir: dir.clone(),
        threads,
        command_line: command_line(),
        progress: !quiet,
        restart: a.restart.clone(),
    };
    if !quiet {
        println!(
            "gasket {}: case {} ({}), {}, {} rank(s) x {} thread(s), end time {}{}",
            gasket::version(),
            lc.name,
            scheme_name(&lc),
            describe_mesh(&lc),
            par.size(),
            threads,
            lc.case.time.end,
            a.restart
                .as_ref()
                .map(|p| format!(", restarting from {}", p.display()))
                .unwrap_or_default()
        );
    }
    let s = run(&lc, &opts, par.comm())?;
    if !quiet {
        let fin = dir.join("final.h5");
        println!(
            "done: {} steps to t = {} in {:.2} s ({:.3e} cell-updates/s, {:.3} us per cell per stage per core)",
            s.steps, s.final_time, s.wall_seconds, s.cell_updates_per_second, s.us_per_cell_per_stage_per_core
        );
        println!("set-up: {:.2} s before the first step", s.setup_seconds);
        let m = &s.memory;
        if m.peak_bytes_total > 0 {
            println!(
                "memory: peak {:.1} MiB on the largest rank, {:.1} MiB in all ({:.2} KB per element)",
                m.peak_bytes_max_rank as f64 / 1048576.0,
                m.peak_bytes_total as f64 / 1048576.0,
                m.bytes_per_element / 1000.0
            );
        }
        if par.size() > 1 {
            let t = &s.timing;
            println!(
                "ranks: compute {:.2}-{:.2} s, halo wait {:.3}-{:.3} s, load imbalance {:.3}, edge cut {}, \
                 {} halo cells",
                t.compute.min,
                t.compute.max,
                t.halo_wait.min,
                t.halo_wait.max,
                s.load_imbalance,
                s.partition.edge_cut,
                s.partition.halo_cells
            );
        }
        if let Some(e) = &s.density_errors {
            println!(
                "density errors vs exact: L1 = {:.4e}, L2 = {:.4e}, Linf = {:.4e} (integral norms)",
                e.l1, e.l2, e.linf
            );
        }
        println!("output: {}", dir.display());
        println!("  {}  (summary)", dir.join("summary.json").display());
        println!(
            "  {}  (open {} in ParaView: File > Open, then Apply)",
            fin.display(),
            dir.join("final.xdmf").display()
        );
        println!(
            "  quick look: gasket plot {} --field density -o density.png",
            fin.display()
        );
    }
    Ok(())
}

/// `gasket run` under MPI: an error that every rank sees together is printed once by rank 0 and the
/// ranks stop in order; any other error is printed by the rank that saw it, which aborts all ranks.
fn run_main(a: RunArgs) -> ExitCode {
    let par = match Parallel::init() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("gasket: error: {e}");
            return ExitCode::FAILURE;
        }
    };
    let (rank, size) = (par.rank(), par.size());
    let err = match run_cmd(&par, a) {
        Ok(()) => return ExitCode::SUCCESS,
        Err(e) => e,
    };
    let run_err = err.downcast_ref::<RunError>();
    let code = match run_err {
        Some(RunError::Interrupted { .. }) => EXIT_INTERRUPTED,
        _ => 1,
    };
    let collective = err.downcast_ref::<CaseError>().is_some()
        || run_err.is_some_and(|r| r.is_collective() || matches!(r, RunError::Restart { .. }));
    if size == 1 || collective {
        if rank == 0 && code == EXIT_INTERRUPTED {
            eprintln!("gasket: {err:#}");
        } else if rank == 0 {
            eprintln!("gasket: error: {err:#}");
        }
        drop(par);
        ExitCode::from(code)
    } else {
        eprintln!("gasket: error on rank {rank} of {size}: {err:#}");
        eprintln!("gasket: aborting all {size} ranks");
        par.abort(code as i32)
    }
}

fn partition_cmd(
    case: PathBuf,
    parts: usize,
    output: Option<PathBuf>,
    name: Option<String>,
    set: Vec<String>,
) -> Result<()> {
    let lc = LoadedCase::load(&case, &set)?;
    let mesh = gasket::run::grid_of(&lc)?.grid().clone();
    let out = output.unwrap_or_else(|| PathBuf::from(format!("{}.partitions.h5", lc.name)));
    let name = name.unwrap_or_else(|| format!("n{parts}"));
    let t0 = std::time::Instant::now();
    let p = metis_parts(&mesh, parts)?;
    let secs = t0.elapsed().as_secs_f64();
    let g =
        gasket_partition::DualGraph::from_pairs(mesh.n_cells(), mesh.face_pairs(periodicity(&lc)))?;
    let rep = gasket_partition::report(&g, &p, None)?;
    gasket::io::write_partition(
        &out,
        &name,
        &p,
        &[
            ("n_parts", parts as f64),
            ("edge_cut", rep.edge_cut as f64),
            ("imbalance", rep.imbalance),
        ],
        &mesh_key(&mesh),
    )?;
    let min = rep.part_sizes.iter().min().copied().unwrap_or(0);
    let max = rep.part_sizes.iter().max().copied().unwrap_or(0);
    println!(
        "partitioned {} cells into {parts} parts in {secs:.2} s: edge cut {} faces (periodic faces \
         counted), parts of {min}..{max} cells, imbalance {:.4}",
        mesh.n_cells(),
        rep.edge_cut,
        rep.imbalance
    );
    println!("wrote partitioning '{name}' to {}", out.display());
    println!(
        "use it with:  [partition] file = \"{}\"  (name = \"{name}\"), and mpirun -np {parts}",
        out.display()
    );
    Ok(())
}

/// One line about the mesh of a case.
fn describe_mesh(lc: &LoadedCase) -> String {
    let m = &lc.case.mesh;
    match m.kind {
        MeshKind::Rectangle => format!("{} x {} = {} cells", m.nx, m.ny, m.nx * m.ny),
        MeshKind::Triangles => format!(
            "{} x {} squares split into {} triangles{}",
            m.nx,
            m.ny,
            2 * m.nx * m.ny,
            match m.jitter {
                Some(j) if j > 0.0 =>
                    format!(" (interior vertices moved by up to {j} of the spacing)"),
                _ => String::new(),
            }
        ),
        MeshKind::Gmsh => format!("Gmsh mesh {}", m.file.as_deref().unwrap_or("?")),
    }
}

fn info_cmd(case: PathBuf, set: Vec<String>, measure: bool) -> Result<()> {
    let lc = LoadedCase::load(&case, &set)?;
    let c = &lc.case;
    let mesh = c.mesh.rectangle();
    let grid = gasket::run::grid_of(&lc)?;
    let bytes = c.scheme().memory_estimate(&grid);
    println!("case       {} ({})", lc.name, lc.path.display());
    if !c.description.is_empty() {
        println!("           {}", c.description);
    }
    match c.mesh.kind {
        MeshKind::Rectangle => println!(
            "mesh       {}, dx = {:.4e}, dy = {:.4e}{}",
            describe_mesh(&lc),
            mesh.spacing[0],
            mesh.spacing[1],
            if mesh.is_strip() { " (1D strip)" } else { "" }
        ),
        _ => {
            if let gasket::mesh::Grid::Triangles(t) = grid.grid() {
                let sizes: Vec<f64> = (0..t.n_cells()).map(|k| t.cell_size(k)).collect();
                let (lo, hi) = sizes
                    .iter()
                    .fold((f64::INFINITY, 0.0f64), |(a, b), &x| (a.min(x), b.max(x)));
                println!(
                    "mesh       {}: {} triangles, {} vertices, boundaries {:?}, smallest altitude {:.4e} \
                     (largest {:.4e}){}",
                    describe_mesh(&lc),
                    t.n_cells(),
                    t.vertices.len(),
                    t.patches,
                    lo,
                    hi,
                    if t.unused_vertices > 0 {
                        format!("; warning: {} unused vertices", t.unused_vertices)
                    } else {
                        String::new()
                    }
                );
            }
        }
    }
    println!("gas        gamma = {}", c.gas.gamma);
    println!("scheme     {}", scheme_name(&lc));
    println!("time       end = {}, CFL = {}", c.time.end, c.time.cfl);
    println!(
        "memory     about {:.1} MiB of solver arrays",
        bytes as f64 / (1 << 20) as f64
    );
    if measure {
        // The measurement builds its own mesh: this one must not count in its peak memory.
        drop(grid);
        print_measured_setup(&lc)?;
    }
    println!("\nresolved case:\n{}", lc.resolved);
    Ok(())
}

/// `gasket info --measure`: the set-up and the first step of the case on this process, timed, with the
/// peak memory.
fn print_measured_setup(lc: &LoadedCase) -> Result<()> {
    let par = Parallel::init()?;
    if par.comm().size() > 1 {
        anyhow::bail!("gasket info --measure runs on one process; start it without mpirun");
    }
    let f = gasket::run::measure_setup(lc, par.comm())?;
    println!(
        "set-up     measured on this process ({} threads): {:.2} s, {:.1} µs per element; the first step \
         {:.2} s",
        rayon::current_num_threads(),
        f.seconds,
        1e6 * f.seconds / f.elements as f64,
        f.step_seconds
    );
    match f.peak_bytes {
        Some(b) => println!(
            "peak       {:.1} MiB resident after the set-up and one step: {:.0} bytes per element ({} \
             elements, {} solver cells), the MPI process itself included",
            b as f64 / (1 << 20) as f64,
            b as f64 / f.elements as f64,
            f.elements,
            f.cells
        ),
        None => println!("peak       not reported by this system (VmHWM is Linux only)"),
    }
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let r = match cli.command {
        Command::Run {
            case,
            set,
            output,
            threads,
            quiet,
            restart,
        } => {
            return run_main(RunArgs {
                case,
                set,
                output,
                threads,
                quiet,
                restart,
            })
        }
        Command::Partition {
            case,
            parts,
            output,
            name,
            set,
        } => partition_cmd(case, parts, output, name, set),
        Command::Info { case, set, measure } => info_cmd(case, set, measure),
        Command::Plot {
            file,
            field,
            output,
        } => {
            let out = output.unwrap_or_else(|| file.with_extension(format!("{field}.png")));
            gasket::plot::plot_field(&file, &field, &out)
                .map(|_| println!("wrote {}", out.display()))
                .map_err(anyhow::Error::from)
        }
    };
    match r {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gasket: error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
