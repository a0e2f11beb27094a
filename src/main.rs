//! The `gasket` command line: run a case, describe it, plot a result.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};

use gasket::case::LoadedCase;
use gasket::mesh::StructuredMesh;
use gasket::parallel::Parallel;
use gasket::solver::{run, scheme_name, RunOptions};

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
    },
    /// Describe a case: mesh, scheme, time stepping and memory, without running it.
    Info {
        /// The TOML case file.
        case: PathBuf,
        /// Overrides as for `run`.
        #[arg(long = "set", value_name = "KEY=VALUE")]
        set: Vec<String>,
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

fn run_cmd(
    case: PathBuf,
    set: Vec<String>,
    output: Option<PathBuf>,
    threads: Option<usize>,
    quiet: bool,
) -> Result<()> {
    let par = Parallel::init()?;
    par.require_single()?;
    let lc = LoadedCase::load(&case, &set)?;
    let threads = threads.unwrap_or_else(|| {
        std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1)
    });
    if threads == 0 {
        anyhow::bail!("--threads must be at least 1");
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build_global()
        .context("cannot start the thread pool")?;
    let dir = output
        .or_else(|| lc.case.output.dir.as_ref().map(PathBuf::from))
        .unwrap_or_else(|| PathBuf::from("output").join(&lc.name));
    let opts = RunOptions {
        output_dir: dir.clone(),
        threads,
        ranks: par.size(),
        command_line: command_line(),
        progress: !quiet && par.rank() == 0,
    };
    let mesh = StructuredMesh::from_section(&lc.case.mesh);
    if !quiet {
        println!(
            "gasket {}: case {} ({}), {} x {} = {} cells, {} rank(s) x {} thread(s), end time {}",
            gasket::version(),
            lc.name,
            scheme_name(&lc),
            mesh.nx,
            mesh.ny,
            mesh.n_cells(),
            par.size(),
            threads,
            lc.case.time.end
        );
    }
    let s = run(&lc, &opts)?;
    if !quiet {
        let fin = dir.join("final.h5");
        println!(
            "done: {} steps to t = {} in {:.2} s ({:.3e} cell-updates/s, {:.3} us per cell per stage per core)",
            s.steps, s.final_time, s.wall_seconds, s.cell_updates_per_second, s.us_per_cell_per_stage_per_core
        );
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

fn info_cmd(case: PathBuf, set: Vec<String>) -> Result<()> {
    let lc = LoadedCase::load(&case, &set)?;
    let c = &lc.case;
    let mesh = StructuredMesh::from_section(&c.mesh);
    let n = mesh.n_cells();
    let padded = (mesh.nx + 6) * (mesh.ny + if mesh.is_strip() { 0 } else { 6 });
    // State, previous state and four normal-sweep arrays per padded cell; two residual pairs per cell.
    let bytes = padded * 32 * 6 + n * 32 * 4 + (2 * n + mesh.nx + mesh.ny) * 32 * 2;
    println!("case       {} ({})", lc.name, lc.path.display());
    if !c.description.is_empty() {
        println!("           {}", c.description);
    }
    println!(
        "mesh       rectangle {} x {} = {} cells, dx = {:.4e}, dy = {:.4e}{}",
        mesh.nx,
        mesh.ny,
        n,
        mesh.spacing[0],
        mesh.spacing[1],
        if mesh.is_strip() { " (1D strip)" } else { "" }
    );
    println!("gas        gamma = {}", c.gas.gamma);
    println!("scheme     {}", scheme_name(&lc));
    println!("time       end = {}, CFL = {}", c.time.end, c.time.cfl);
    println!(
        "memory     about {:.1} MiB of solver arrays",
        bytes as f64 / (1 << 20) as f64
    );
    println!("\nresolved case:\n{}", lc.resolved);
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
        } => run_cmd(case, set, output, threads, quiet),
        Command::Info { case, set } => info_cmd(case, set),
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
