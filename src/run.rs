//! A whole run on every rank: the output directory lock, partition, set-up or restart, the time loop with
//! output, checkpoint and end times hit exactly, stop requests by signal, progress lines, and the run summary.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

use serde::Serialize;

use crate::case::{drop_foreign_keys, LoadedCase, MeshKind, PartitionMethod};
use crate::domain::Owners;
use crate::error::RunError;
use crate::io::lock::{LockError, OutputLock};
use crate::io::{self, FieldsOut, MeshOut, Meta};
use crate::mesh::Grid;
use crate::monitor::Monitor;
use crate::parallel::Comm;
use crate::physics::State;
use crate::scheme::Cells;
use crate::solver::{scheme_name, Errors, Solver, Timers};

mod memory;
mod observers;

use observers::{Checkpoints, Monitoring, Progress, Snapshots, Step, StepObserver, TroubledCells};

/// How a run is launched (everything that is not in the case file).
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Output directory.
    pub output_dir: PathBuf,
    /// Rayon threads per rank.
    pub threads: usize,
    /// The command line, stored in every output file.
    pub command_line: String,
    /// Print progress lines (rank 0 only).
    pub progress: bool,
    /// Continue from this checkpoint (or `final.h5`) instead of the initial condition.
    pub restart: Option<PathBuf>,
}

/// Drift of the conserved totals between the initial and the final state.
#[derive(Debug, Clone, Serialize)]
pub struct Drift {
    /// Initial totals ∫ρ, ∫ρU, ∫ρV, ∫ρE.
    pub initial: [f64; 4],
    /// Final totals.
    pub last: [f64; 4],
    /// `final − initial` per quantity.
    pub absolute: [f64; 4],
    /// `|final − initial| / Σᵢ|Wᵢ||Ωᵢ|` at the start (the total of absolute values, so that a quantity whose
    /// total is zero, such as the momentum of a shock tube, still gets a meaningful scale).
    pub relative: [f64; 4],
}

/// Minimum, mean and maximum over ranks.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Spread {
    /// Smallest value over ranks.
    pub min: f64,
    /// Mean over ranks.
    pub mean: f64,
    /// Largest value over ranks.
    pub max: f64,
}

impl Spread {
    fn of(v: &[f64]) -> Self {
        let n = v.len().max(1) as f64;
        Spread {
            min: v.iter().copied().fold(f64::INFINITY, f64::min),
            mean: v.iter().sum::<f64>() / n,
            max: v.iter().copied().fold(0.0, f64::max),
        }
    }
}

/// The time split of one rank.
#[derive(Debug, Clone, Serialize)]
pub struct RankTiming {
    /// Rank.
    pub rank: usize,
    /// Seconds computing.
    pub compute: f64,
    /// Seconds waiting for halo messages.
    pub halo_wait: f64,
    /// Seconds writing output.
    pub io: f64,
    /// Cells owned.
    pub owned_cells: usize,
    /// Halo cells received per exchange.
    pub halo_cells: usize,
    /// Peak resident memory of the rank's process at the end of the run, set-up included (bytes; 0 where
    /// the system does not report it).
    pub peak_memory_bytes: u64,
}

/// Measured memory of the run: the peak resident memory of each rank's process (set-up, time loop and
/// output included), summed and per unit of the mesh.
#[derive(Debug, Clone, Serialize)]
pub struct MemoryInfo {
    /// The largest rank's peak resident memory (bytes).
    pub peak_bytes_max_rank: u64,
    /// The ranks' peaks added up (bytes).
    pub peak_bytes_total: u64,
    /// `peak_bytes_total` per solver cell.
    pub bytes_per_cell: f64,
    /// `peak_bytes_total` per mesh element (the same as per cell unless the scheme splits elements:
    /// SCFV subcells, CPR solution points).
    pub bytes_per_element: f64,
}

/// Where the time of the loop went, over ranks.
#[derive(Debug, Clone, Serialize)]
pub struct Timing {
    /// Computing, per rank.
    pub compute: Spread,
    /// Waiting for halos, per rank.
    pub halo_wait: Spread,
    /// Writing output, per rank.
    pub io: Spread,
    /// Every rank.
    pub per_rank: Vec<RankTiming>,
}

/// The partition and the communication it implies.
#[derive(Debug, Clone, Serialize)]
pub struct PartitionInfo {
    /// Where it came from: `metis`, `single` or `file:NAME`.
    pub source: String,
    /// Faces between cells of different ranks (periodic faces included).
    pub edge_cut: usize,
    /// Largest part over the mean part (cells).
    pub imbalance: f64,
    /// Halo cells summed over ranks (received per exchange).
    pub halo_cells: usize,
    /// Bytes sent per exchange, summed over ranks.
    pub halo_bytes_per_exchange: usize,
    /// Halo exchanges per time step (one per stage).
    pub exchanges_per_step: u32,
    /// Most neighbour ranks of any rank.
    pub neighbours_max: usize,
}

/// The run summary written to `summary.json`.
#[derive(Debug, Clone, Serialize)]
pub struct Summary {
    /// Case name.
    pub case: String,
    /// Scheme description.
    pub scheme: String,
    /// Number of cells.
    pub cells: usize,
    /// MPI ranks.
    pub ranks: usize,
    /// Rayon threads per rank.
    pub threads: usize,
    /// Time steps taken (counted from the start of the run, including before a restart).
    pub steps: u64,
    /// Steps taken by this process (after the restart, if any).
    pub steps_this_run: u64,
    /// Stages per step (2 for S2O4).
    pub stages_per_step: u32,
    /// Steps of this run that were redone with first-order fluxes around cells that became inadmissible
    /// (a posteriori limiting; many of them mean the case wants a smaller CFL number or the limiter).
    pub retried_steps: u64,
    /// Final simulated time.
    pub final_time: f64,
    /// Checkpoint or final file this run started from.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restarted_from: Option<String>,
    /// Wall seconds before the first step: mesh, partition, operator, initial state and initial snapshot
    /// (rank 0).
    pub setup_seconds: f64,
    /// Wall seconds of the time loop (excluding set-up, including output inside the loop).
    pub wall_seconds: f64,
    /// Wall seconds spent writing snapshots and checkpoints inside the time loop (rank 0).
    pub output_seconds: f64,
    /// Cell updates (cells × steps) per wall second of the loop without output.
    pub cell_updates_per_second: f64,
    /// The same per core (ranks × threads).
    pub cell_updates_per_second_per_core: f64,
    /// Wall µs × cores / (cells × steps × stages).
    pub us_per_cell_per_stage_per_core: f64,
    /// Time split over ranks.
    pub timing: Timing,
    /// Largest over mean compute time of the ranks.
    pub load_imbalance: f64,
    /// Partition and halo figures.
    pub partition: PartitionInfo,
    /// Measured peak memory.
    pub memory: MemoryInfo,
    /// Conservation drift.
    pub conservation: Drift,
    /// Density errors, when the case has an exact solution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub density_errors: Option<Errors>,
    /// Files written.
    pub outputs: Vec<String>,
    /// gasket version.
    pub version: String,
}

/// Splits the mesh over `comm.size()` ranks: the stored partition the case names, rectangular blocks of a
/// generated mesh (`[partition] method = "blocks"`, worked out by every rank, no graph and no array over
/// the mesh), or METIS on the dual graph (computed on rank 0 and broadcast). The graph handed to METIS leaves
/// out periodic faces so each part stays compact in index space (the window a rank stores is its bounding
/// box); the edge cut reported counts them. Subcell schemes are partitioned by triangle (the four subcells
/// of a triangle stay together); the owners returned are per solver cell. Returns the owners, their
/// source, the edge cut and the load imbalance.
pub fn partition_mesh(
    lc: &LoadedCase,
    cells: &Cells,
    periodic: [bool; 2],
    comm: &Comm,
) -> Result<(Owners, String, usize, f64), RunError> {
    let mesh = cells.grid();
    let size = comm.size();
    let upc = cells.units_per_cell();
    let perr = |e: gasket_partition::PartitionError| RunError::Partition(e.to_string());
    let section = lc.case.partition.as_ref();
    let stored = section.and_then(|p| Some((p.file.as_ref()?, p)));
    let method = section.map(|p| p.method).unwrap_or_default();
    if stored.is_none() && method == PartitionMethod::Blocks {
        let (layout, per_square) = block_layout(lc, size)?;
        let owners = Owners::Blocks {
            layout,
            per_square: per_square * upc,
        };
        let source = format!("blocks {}x{}", layout.px, layout.py);
        return Ok((
            owners,
            source,
            layout.edge_cut(periodic),
            layout.imbalance(),
        ));
    }
    let (parts, source) = if let Some((file, p)) = stored {
        let name = p.name.clone().unwrap_or_else(|| format!("n{size}"));
        (
            stored_parts(mesh, file, &name, size)?,
            format!("file:{name}"),
        )
    } else if size == 1 {
        (vec![0; mesh.n_cells()], "single".to_string())
    } else {
        let mut parts = vec![0i32; mesh.n_cells()];
        if comm.is_root() {
            parts = metis_parts(mesh, size)?;
        }
        comm.broadcast_i32(&mut parts);
        (parts, "metis".to_string())
    };
    let full = gasket_partition::DualGraph::from_pairs(mesh.n_cells(), mesh.face_pairs(periodic))
        .map_err(perr)?;
    let rep = gasket_partition::report(&full, &parts, None).map_err(perr)?;
    let parts: Vec<i32> = parts
        .iter()
        .flat_map(|&p| std::iter::repeat(p).take(upc))
        .collect();
    Ok((parts.into(), source, rep.edge_cut, rep.imbalance))
}

/// The partitioning `name` of the partition file `file`, checked against the mesh and the rank count.
fn stored_parts(mesh: &Grid, file: &str, name: &str, size: usize) -> Result<Vec<i32>, RunError> {
    let n = mesh.n_cells();
    let (parts, key) = io::read_partition(Path::new(file), name)
        .map_err(|e| RunError::Partition(e.to_string()))?;
    if key != mesh_key(mesh) {
        return Err(RunError::Partition(format!(
            "{file}: partitioning {name} was made for mesh {key}, the case has mesh {}",
            mesh_key(mesh)
        )));
    }
    if parts.len() != n {
        return Err(RunError::Partition(format!(
            "{file}: partitioning {name} has {} cells, the mesh {n}",
            parts.len()
        )));
    }
    let np = parts.iter().copied().max().unwrap_or(0) as usize + 1;
    if np != size || parts.iter().any(|&q| q < 0) {
        return Err(RunError::Partition(format!(
            "{file}: partitioning {name} has {np} parts but the run has {size} ranks (make one with \
             gasket partition CASE --parts {size})"
        )));
    }
    Ok(parts)
}

/// The block layout of a generated mesh for `size` ranks (`[partition] method = "blocks"`): rectangles
/// of its `nx × ny` cells or squares, with the number of mesh cells per square (both triangles of a square
/// in its part).
fn block_layout(
    lc: &LoadedCase,
    size: usize,
) -> Result<(gasket_partition::BlockLayout, usize), RunError> {
    let m = &lc.case.mesh;
    let per_square = match m.kind {
        MeshKind::Rectangle => 1,
        MeshKind::Triangles => 2,
        MeshKind::Gmsh => {
            return Err(RunError::Partition(
                "partition.method = \"blocks\" needs a generated mesh".into(),
            ))
        }
    };
    let layout = gasket_partition::BlockLayout::new(m.nx, m.ny, size)
        .map_err(|e| RunError::Partition(e.to_string()))?;
    Ok((layout, per_square))
}

/// What building a case's solver on one rank costs ([`measure_setup`]).
#[derive(Debug, Clone, Copy, Serialize)]
pub struct SetupFacts {
    /// Mesh elements (cells of the output).
    pub elements: usize,
    /// Solver cells (subcells or solution points of the elements included).
    pub cells: usize,
    /// Wall seconds from reading the mesh to the solver ready for its first step.
    pub seconds: f64,
    /// Wall seconds of the first time step after it.
    pub step_seconds: f64,
    /// Peak resident memory of the process after the set-up and the first step, when every work array of
    /// the time loop exists (bytes; `None` off Linux).
    pub peak_bytes: Option<u64>,
}

/// Builds the mesh and the solver of a case on this one rank (the initial state included), takes one time
/// step, and measures both times and the peak resident memory: what `gasket info --measure` reports.
pub fn measure_setup(lc: &LoadedCase, comm: Comm) -> Result<SetupFacts, RunError> {
    let t0 = Instant::now();
    let cells = grid_of(lc)?;
    let (elements, n) = (cells.n_output_cells(), cells.n_cells());
    let mut solver = Solver::new(lc, comm, vec![0i32; n], cells)?;
    let seconds = t0.elapsed().as_secs_f64();
    let t1 = Instant::now();
    let (dt, _) = solver.stable_dt(lc.case.time.cfl, 0.0);
    solver.advance(dt)?;
    Ok(SetupFacts {
        elements,
        cells: n,
        seconds,
        step_seconds: t1.elapsed().as_secs_f64(),
        peak_bytes: memory::peak_resident_bytes(),
    })
}

/// Periodicity in x and y of a case's mesh (see [`crate::case::Case::periodicity`]).
pub fn periodicity(lc: &LoadedCase) -> [bool; 2] {
    lc.case.periodicity()
}

/// The solver cells of a loaded case's mesh (a relative Gmsh path starts in the case file's directory).
pub fn grid_of(lc: &LoadedCase) -> Result<Cells, RunError> {
    let base = lc.path.parent().map(Path::to_path_buf).unwrap_or_default();
    lc.case.cells(&base).map_err(RunError::Mesh)
}

/// METIS k-way parts of a structured mesh (dual graph without periodic faces).
pub fn metis_parts(mesh: &Grid, n_parts: usize) -> Result<Vec<i32>, RunError> {
    let perr = |e: gasket_partition::PartitionError| RunError::Partition(e.to_string());
    let g =
        gasket_partition::DualGraph::from_pairs(mesh.n_cells(), mesh.face_pairs([false, false]))
            .map_err(perr)?;
    gasket_partition::partition(&g, n_parts, None).map_err(perr)
}

/// A string that identifies a mesh (partition and restart files record it).
pub fn mesh_key(mesh: &Grid) -> String {
    mesh.key()
}

/// The parts of the case that a restart must match: everything but `[time] end, max_steps`, `[output]`
/// and `[partition]`, as TOML.
fn restart_key(lc: &LoadedCase) -> String {
    let mut c = lc.case.clone();
    c.time.end = 0.0;
    c.time.max_steps = None;
    c.output = Default::default();
    c.partition = None;
    c.name = None;
    c.description.clear();
    toml::to_string(&c).unwrap_or_default()
}

/// Loop state that a checkpoint carries besides the solution.
#[derive(Debug, Clone, Copy)]
struct LoopState {
    snap_index: u64,
    ckpt_index: u64,
    initial: [f64; 4],
    scale: [f64; 4],
}

/// Which signal asked the run to stop (0: none). Set by the signal handlers.
fn stop_flag() -> Arc<AtomicUsize> {
    let flag = Arc::new(AtomicUsize::new(0));
    for sig in [signal_hook::consts::SIGTERM, signal_hook::consts::SIGUSR1] {
        let _ = signal_hook::flag::register_usize(sig, Arc::clone(&flag), sig as usize);
    }
    flag
}

/// Test hook: `GASKET_TEST_FAIL=RANK:STEP` makes that rank fail with an I/O error at that step, so tests can
/// check that one rank's error stops every rank.
fn injected_failure(rank: usize, step: u64) -> Option<RunError> {
    let v = std::env::var("GASKET_TEST_FAIL").ok()?;
    let (r, s) = v.split_once(':')?;
    (r.trim().parse::<usize>().ok()? == rank && s.trim().parse::<u64>().ok()? == step).then(|| {
        RunError::Output {
            path: PathBuf::from("(injected)"),
            message: format!("failure injected by GASKET_TEST_FAIL={v}"),
        }
    })
}

/// Creates the output directory and locks it on rank 0, before any file is written. Every rank learns
/// rank 0's outcome, so that a busy directory stops all ranks together (rank 0 reports it). Rank 0 gets the
/// lock, the other ranks `None`.
fn lock_output(dir: &Path, comm: &Comm) -> Result<Option<OutputLock>, RunError> {
    let mut outcome = None;
    if comm.is_root() {
        std::fs::create_dir_all(dir).map_err(|e| RunError::Output {
            path: dir.to_path_buf(),
            message: format!("cannot create the output directory: {e}"),
        })?;
        outcome = Some(OutputLock::acquire(dir));
    }
    // [outcome, pid, text length], then the text: the holder's host or what is wrong.
    let (mut head, text) = match &outcome {
        Some(Err(LockError::Busy { host, pid, .. })) => ([1, *pid as i32, 0], host.clone()),
        Some(Err(LockError::Unusable { message, .. })) => ([2, 0, 0], message.clone()),
        _ => ([0; 3], String::new()),
    };
    head[2] = text.len() as i32;
    comm.broadcast_i32(&mut head);
    let text = broadcast_text(comm, &text, head[2] as usize);
    let dir = dir.to_path_buf();
    match (outcome, head[0]) {
        (Some(r), _) => r.map(Some).map_err(RunError::from),
        (None, 0) => Ok(None),
        (None, 1) => Err(RunError::from(LockError::Busy {
            dir,
            host: text,
            pid: head[1] as u32,
        })),
        (None, _) => Err(RunError::from(LockError::Unusable { dir, message: text })),
    }
}

/// Rank 0's `text` (of `len` bytes, known on every rank) on every rank.
fn broadcast_text(comm: &Comm, text: &str, len: usize) -> String {
    let mut buf: Vec<i32> = if comm.is_root() {
        text.bytes().map(i32::from).collect()
    } else {
        vec![0; len]
    };
    comm.broadcast_i32(&mut buf);
    let bytes: Vec<u8> = buf.iter().map(|&b| b as u8).collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Runs a case to its end time on every rank of `comm`, writing snapshots, checkpoints, `final.h5` and
/// (rank 0) `summary.json` into the output directory. The directory is locked for the whole run
/// (`DIR/.gasket.lock`, see [`crate::io::lock`]): a directory in use gives [`RunError::Lock`] on every rank
/// before anything is written.
pub fn run(lc: &LoadedCase, opts: &RunOptions, comm: Comm) -> Result<Summary, RunError> {
    let set_up = Instant::now();
    // Held until the run returns, whichever way (the lock file is removed when it is dropped).
    let _lock = lock_output(&opts.output_dir, &comm)?;
    let mesh = grid_of(lc)?;
    let (parts, source, edge_cut, imbalance) = partition_mesh(lc, &mesh, periodicity(lc), &comm)?;
    let ranks = comm.size();
    let cells = mesh.n_cells();
    let mut s = Solver::new(lc, comm, parts, mesh)?;
    let mut ctx = start(&mut s, lc, opts)?;
    let mut observers = observers(&s, &mut ctx, cells)?;
    let first_step = s.step;
    let io_before = s.timers.io;
    let started = Instant::now();
    let setup = started.duration_since(set_up).as_secs_f64();
    time_loop(&mut s, &mut ctx, &mut observers)?;
    let facts = RunFacts {
        cells,
        ranks,
        first_step,
        wall: started.elapsed().as_secs_f64(),
        loop_io: s.timers.io - io_before,
        setup,
        source,
        edge_cut,
        imbalance,
    };
    finish(&mut s, ctx, &facts)
}

/// What the time loop shares with its observers: the case, the options, the loop state a checkpoint
/// carries, and the files written so far.
struct RunCtx<'a> {
    lc: &'a LoadedCase,
    opts: &'a RunOptions,
    ls: LoopState,
    outputs: Vec<String>,
}

impl RunCtx<'_> {
    /// Writes the next `snapshot_NNNN.h5` (collective) and counts it.
    fn snapshot(&mut self, s: &Solver) -> Result<(), RunError> {
        let name = format!("snapshot_{:04}.h5", self.ls.snap_index);
        let p = self.opts.output_dir.join(name);
        write_state(s, &p, self.lc, self.opts, None)?;
        self.outputs.push(p.display().to_string());
        self.ls.snap_index += 1;
        Ok(())
    }

    /// The checkpoint file (overwritten by each checkpoint).
    fn checkpoint_path(&self) -> PathBuf {
        self.opts.output_dir.join("checkpoint.h5")
    }
}

/// The loop state to start from: the restart file's, or the initial condition's totals, with
/// `snapshot_0000` written when the case asks for snapshots.
fn start<'a>(
    s: &mut Solver,
    lc: &'a LoadedCase,
    opts: &'a RunOptions,
) -> Result<RunCtx<'a>, RunError> {
    let ls = match &opts.restart {
        Some(path) => read_restart(s, path, lc)?,
        None => LoopState {
            snap_index: 0,
            ckpt_index: 1,
            initial: s.sums(|x| x).unwrap_or_default(),
            scale: s.sums(f64::abs).unwrap_or_default(),
        },
    };
    let mut ctx = RunCtx {
        lc,
        opts,
        ls,
        outputs: Vec::new(),
    };
    if opts.restart.is_none() && snapshot_every(lc).is_some() {
        ctx.snapshot(s)?;
    }
    Ok(ctx)
}

/// The snapshot interval of a case, if it asks for snapshots.
fn snapshot_every(lc: &LoadedCase) -> Option<f64> {
    lc.case.output.every.filter(|&e| e > 0.0)
}

/// What the time loop calls around each step, in order: the monitors, snapshots, checkpoints and progress
/// lines the case and options ask for. `cells`: cells of the mesh.
fn observers(
    s: &Solver,
    ctx: &mut RunCtx,
    cells: usize,
) -> Result<Vec<Box<dyn StepObserver>>, RunError> {
    let (lc, opts) = (ctx.lc, ctx.opts);
    let mut v: Vec<Box<dyn StepObserver>> = Vec::new();
    let snapshots = snapshot_every(lc).map(|e| Snapshots::new(e, ctx, s.time));
    let checkpoints = lc.case.output.checkpoint_every;
    let checkpoints = checkpoints.map(|e| Checkpoints::new(e, ctx, s.time));
    if let Some(m) = Monitor::new(lc, s, &opts.output_dir, opts.restart.is_some())? {
        v.push(Box::new(Monitoring::new(m)));
    }
    if let Some(o) = TroubledCells::new(s, &opts.output_dir, opts.restart.is_some())? {
        v.push(Box::new(o));
    }
    if let Some(o) = snapshots {
        v.push(Box::new(o));
    }
    if let Some(o) = checkpoints {
        v.push(Box::new(o));
    }
    if opts.progress && s.comm().is_root() {
        let (end, every) = (lc.case.time.end, lc.case.output.progress);
        v.push(Box::new(Progress::new(s, cells, end, every)));
    }
    Ok(v)
}

/// Steps to the end time (or `time.max_steps`), ending steps exactly on the times the observers ask
/// for. A stop signal writes the checkpoint and ends the run with [`RunError::Interrupted`].
fn time_loop(
    s: &mut Solver,
    ctx: &mut RunCtx,
    observers: &mut [Box<dyn StepObserver>],
) -> Result<(), RunError> {
    let time = &ctx.lc.case.time;
    let (end, max_steps) = (time.end, time.max_steps.unwrap_or(u64::MAX));
    let stop = stop_flag();
    while s.time < end && s.step < max_steps {
        let (dt, sig) = s.stable_dt(time.cfl, stop.load(Ordering::Relaxed) as f64);
        if sig > 0.0 {
            return Err(interrupted(s, ctx, sig as i32));
        }
        let target = observers.iter().fold(end, |t, o| t.min(o.next_time()));
        let (dt, clipped) = clip_step(s, dt, target)?;
        if let Some(e) = injected_failure(s.comm().rank(), s.step) {
            return Err(e);
        }
        let step = Step {
            step: s.step,
            time: s.time,
            dt,
        };
        for o in observers.iter_mut() {
            o.before_step(s);
        }
        s.advance(dt)?;
        s.time = if clipped { target } else { s.time + dt };
        for o in observers.iter_mut() {
            o.after_step(s, ctx, &step)?;
        }
    }
    for o in observers.iter_mut() {
        o.finish(s, ctx)?;
    }
    Ok(())
}

/// The time step to take towards `target` and whether it was clipped to end on it: a step that would
/// pass it (or miss it by less than 1e-9·Δt) ends on it exactly. A zero or non-finite step is an error.
fn clip_step(s: &Solver, dt: f64, target: f64) -> Result<(f64, bool), RunError> {
    let clipped = s.time + dt * (1.0 + 1e-9) >= target;
    let dt = if clipped { target - s.time } else { dt };
    if !(dt.is_finite() && dt > 0.0) {
        return Err(RunError::BadTimeStep {
            step: s.step,
            time: s.time,
            dt,
        });
    }
    Ok((dt, clipped))
}

/// Writes the checkpoint after a stop signal; the error that ends the run (the write's own error if it
/// fails).
fn interrupted(s: &mut Solver, ctx: &RunCtx, signal: i32) -> RunError {
    let checkpoint = ctx.checkpoint_path();
    let t0 = Instant::now();
    if let Err(e) = write_state(s, &checkpoint, ctx.lc, ctx.opts, Some(&ctx.ls)) {
        return e;
    }
    s.timers.io += t0.elapsed().as_secs_f64();
    RunError::Interrupted {
        signal,
        step: s.step,
        time: s.time,
        checkpoint,
    }
}

/// Figures of a run that the summary reports besides the solver's.
struct RunFacts {
    cells: usize,
    ranks: usize,
    first_step: u64,
    /// Wall seconds of the time loop.
    wall: f64,
    /// Wall seconds from the start of the run to the first step (mesh, partition, operator, initial state,
    /// the initial snapshot).
    setup: f64,
    /// Seconds of this rank's output inside the time loop (snapshots, checkpoints; not the initial snapshot
    /// before it nor `final.h5` after it).
    loop_io: f64,
    source: String,
    edge_cut: usize,
    imbalance: f64,
}

/// Writes `final.h5` and, on rank 0, `summary.json`; ranks other than 0 return a placeholder summary.
fn finish(s: &mut Solver, mut ctx: RunCtx, facts: &RunFacts) -> Result<Summary, RunError> {
    let (lc, opts) = (ctx.lc, ctx.opts);
    let fin = opts.output_dir.join("final.h5");
    let t0 = Instant::now();
    write_state(s, &fin, lc, opts, Some(&ctx.ls))?;
    s.timers.io += t0.elapsed().as_secs_f64();
    ctx.outputs.push(fin.display().to_string());
    // Collective, on every rank in this order.
    let last = s.sums(|x| x);
    let errors = s.density_errors(lc);
    let timers = gather_timers(s);
    let halo_bytes = s.comm().all_gather(&[s.halo().bytes_sent() as u64]);
    let neighbours = s.comm().all_gather(&[s.halo().neighbours() as u64]);
    let Some((per_rank, spreads)) = timers else {
        return Ok(placeholder_summary(lc, facts.ranks, opts));
    };
    let stages = s.stages();
    let partition = PartitionInfo {
        source: facts.source.clone(),
        edge_cut: facts.edge_cut,
        imbalance: facts.imbalance,
        halo_cells: per_rank.iter().map(|r| r.halo_cells).sum(),
        halo_bytes_per_exchange: halo_bytes.iter().sum::<u64>() as usize,
        exchanges_per_step: stages,
        neighbours_max: neighbours.iter().copied().max().unwrap_or(0) as usize,
    };
    let gathered = Gathered {
        per_rank,
        spreads,
        partition,
        conservation: drift(&ctx.ls, last.unwrap_or_default()),
        density_errors: errors,
    };
    let summary = summarise(s, &ctx, facts, gathered);
    io::summary::write_json(&opts.output_dir.join("summary.json"), &summary)?;
    Ok(summary)
}

/// The conservation drift from the loop state's initial totals to `last`.
fn drift(ls: &LoopState, last: [f64; 4]) -> Drift {
    let absolute: [f64; 4] = std::array::from_fn(|k| last[k] - ls.initial[k]);
    let relative: [f64; 4] =
        std::array::from_fn(|k| absolute[k].abs() / ls.scale[k].max(f64::MIN_POSITIVE));
    Drift {
        initial: ls.initial,
        last,
        absolute,
        relative,
    }
}

/// What rank 0 gathered from every rank at the end of a run.
struct Gathered {
    per_rank: Vec<RankTiming>,
    spreads: Spreads,
    partition: PartitionInfo,
    conservation: Drift,
    density_errors: Option<Errors>,
}

/// The summary of a finished run on rank 0.
fn summarise(s: &Solver, ctx: &RunCtx, facts: &RunFacts, g: Gathered) -> Summary {
    let (lc, opts) = (ctx.lc, ctx.opts);
    let loop_wall = (facts.wall - facts.loop_io).max(1e-12);
    let steps_run = s.step - facts.first_step;
    let updates = facts.cells as f64 * steps_run as f64;
    let cores = (opts.threads * facts.ranks) as f64;
    let stages = s.stages();
    let (compute, halo_wait, io) = g.spreads;
    let memory = memory_info(&g.per_rank, facts.cells, s.cells().n_output_cells());
    Summary {
        case: lc.name.clone(),
        scheme: scheme_name(lc),
        cells: facts.cells,
        ranks: facts.ranks,
        threads: opts.threads,
        steps: s.step,
        steps_this_run: steps_run,
        stages_per_step: stages,
        retried_steps: s.retried_steps,
        final_time: s.time,
        restarted_from: opts.restart.as_ref().map(|p| p.display().to_string()),
        setup_seconds: facts.setup,
        wall_seconds: facts.wall,
        output_seconds: facts.loop_io,
        cell_updates_per_second: updates / loop_wall,
        cell_updates_per_second_per_core: updates / loop_wall / cores,
        us_per_cell_per_stage_per_core: loop_wall * 1e6 * cores
            / (updates * stages as f64).max(1.0),
        load_imbalance: compute.max / compute.mean.max(1e-300),
        timing: Timing {
            compute,
            halo_wait,
            io,
            per_rank: g.per_rank,
        },
        memory,
        partition: g.partition,
        conservation: g.conservation,
        density_errors: g.density_errors,
        outputs: ctx.outputs.clone(),
        version: crate::version(),
    }
}

type Spreads = (Spread, Spread, Spread);

/// Every rank's timers on rank 0.
fn gather_timers(s: &Solver) -> Option<(Vec<RankTiming>, Spreads)> {
    let t: Timers = s.timers;
    let local = [
        t.compute,
        t.halo_wait,
        t.io,
        s.domain().owned.len() as f64,
        s.domain().halo.len() as f64,
        // Exact in an f64 below 2^53 bytes.
        memory::peak_resident_bytes().unwrap_or(0) as f64,
    ];
    let all = s.comm().gather_root(&local)?;
    let per: Vec<RankTiming> = all
        .chunks(6)
        .enumerate()
        .map(|(r, v)| RankTiming {
            rank: r,
            compute: v[0],
            halo_wait: v[1],
            io: v[2],
            owned_cells: v[3] as usize,
            halo_cells: v[4] as usize,
            peak_memory_bytes: v[5] as u64,
        })
        .collect();
    let col = |f: fn(&RankTiming) -> f64| Spread::of(&per.iter().map(f).collect::<Vec<_>>());
    let spreads = (col(|r| r.compute), col(|r| r.halo_wait), col(|r| r.io));
    Some((per, spreads))
}

/// The measured memory of the ranks `per` of a run on `cells` solver cells in `elements` elements.
fn memory_info(per: &[RankTiming], cells: usize, elements: usize) -> MemoryInfo {
    let total: u64 = per.iter().map(|r| r.peak_memory_bytes).sum();
    MemoryInfo {
        peak_bytes_max_rank: per.iter().map(|r| r.peak_memory_bytes).max().unwrap_or(0),
        peak_bytes_total: total,
        bytes_per_cell: total as f64 / cells.max(1) as f64,
        bytes_per_element: total as f64 / elements.max(1) as f64,
    }
}

/// What ranks other than 0 return (the summary is formed and written on rank 0).
fn placeholder_summary(lc: &LoadedCase, ranks: usize, opts: &RunOptions) -> Summary {
    let z = Spread {
        min: 0.0,
        mean: 0.0,
        max: 0.0,
    };
    Summary {
        case: lc.name.clone(),
        scheme: scheme_name(lc),
        cells: 0,
        ranks,
        threads: opts.threads,
        steps: 0,
        steps_this_run: 0,
        stages_per_step: 0,
        retried_steps: 0,
        final_time: 0.0,
        restarted_from: None,
        setup_seconds: 0.0,
        wall_seconds: 0.0,
        output_seconds: 0.0,
        cell_updates_per_second: 0.0,
        cell_updates_per_second_per_core: 0.0,
        us_per_cell_per_stage_per_core: 0.0,
        timing: Timing {
            compute: z,
            halo_wait: z,
            io: z,
            per_rank: Vec::new(),
        },
        load_imbalance: 0.0,
        memory: memory_info(&[], 0, 0),
        partition: PartitionInfo {
            source: String::new(),
            edge_cut: 0,
            imbalance: 0.0,
            halo_cells: 0,
            halo_bytes_per_exchange: 0,
            exchanges_per_step: 0,
            neighbours_max: 0,
        },
        conservation: Drift {
            initial: [0.0; 4],
            last: [0.0; 4],
            absolute: [0.0; 4],
            relative: [0.0; 4],
        },
        density_errors: None,
        outputs: Vec::new(),
        version: crate::version(),
    }
}

fn fmt_eta(s: f64) -> String {
    if !s.is_finite() {
        return "--:--:--".into();
    }
    let s = s.round() as u64;
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

/// The output cells a rank owns and their cell averages: the owned cells, or the owned triangles of a
/// subcell scheme with the mean of their subcells weighted by their areas ([`Cells::element_means`]).
fn output_cells<'s>(
    s: &Solver,
    states: &'s [State],
) -> (Vec<usize>, std::borrow::Cow<'s, [State]>) {
    let owned = s.cells().elements_of(&s.domain().owned);
    (owned, s.cells().element_means(states))
}

/// Density, velocity and pressure of cell averages.
type Primitives = (Vec<f64>, Vec<[f64; 2]>, Vec<f64>);

/// The primitive fields of cell averages.
fn primitives(s: &Solver, means: &[State]) -> Primitives {
    let gas = s.gas();
    let n = means.len();
    let (mut rho, mut vel, mut pre) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for st in means {
        let [r, u, v, p] = gas.primitive(st);
        rho.push(r);
        vel.push([u, v]);
        pre.push(p);
    }
    (rho, vel, pre)
}

/// The field inside the owned elements at the nodes of the scheme's output subdivision (`/highorder`).
struct NodeFields {
    nodes_per_cell: usize,
    triangles: Vec<[usize; 3]>,
    points: Vec<[f64; 2]>,
    fields: Primitives,
}

impl NodeFields {
    /// The output description.
    fn out(&self) -> io::HighOrderOut<'_> {
        io::HighOrderOut {
            nodes_per_cell: self.nodes_per_cell,
            triangles: &self.triangles,
            points: &self.points,
            density: &self.fields.0,
            velocity: &self.fields.1,
            pressure: &self.fields.2,
        }
    }
}

/// The [`NodeFields`] of the `owned` elements from their solver `states`, for schemes with a subdivision.
fn node_fields(s: &Solver, owned: &[usize], states: &[State]) -> Option<NodeFields> {
    let sub = s.cells().subdivision()?;
    let (points, values) = s.cells().subdivided(owned, states)?;
    Some(NodeFields {
        nodes_per_cell: sub.nodes.len(),
        triangles: sub.triangles.clone(),
        points,
        fields: primitives(s, &values),
    })
}

/// The `/restart` attributes of a checkpoint: numbers and strings.
type RestartAttrs = (Vec<(&'static str, Vec<f64>)>, Vec<(&'static str, String)>);

/// The `/restart` attributes that carry the loop state `ls` and the case and mesh a checkpoint belongs to.
fn restart_attrs(s: &Solver, lc: &LoadedCase, ls: &LoopState) -> RestartAttrs {
    let f64s = vec![
        ("snapshot_index", vec![ls.snap_index as f64]),
        ("checkpoint_index", vec![ls.ckpt_index as f64]),
        ("initial_totals", ls.initial.to_vec()),
        ("total_scale", ls.scale.to_vec()),
        ("low_order_held", s.held_flat()),
    ];
    let strs = vec![
        ("restart_key", restart_key(lc)),
        ("mesh_key", mesh_key(s.grid())),
    ];
    (f64s, strs)
}

/// Writes the current state as `path` (HDF5, XDMF beside it) collectively from every rank, with the
/// restart data (conservative averages, loop state, the case and mesh it belongs to) when `ls` is given.
fn write_state(
    s: &Solver,
    path: &Path,
    lc: &LoadedCase,
    opts: &RunOptions,
    ls: Option<&LoopState>,
) -> Result<(), RunError> {
    let states = s.owned_states();
    let mesh = s.grid();
    let (owned, means) = output_cells(s, &states);
    let (rho, vel, pre) = primitives(s, &means);
    let (rank, size) = (s.comm().rank(), s.comm().size());
    let vertices = mesh.vertices_in(io::vertex_rows(mesh.n_vertices(), rank, size));
    let conn = mesh.connectivity(&owned);
    let partition = vec![rank as i32; owned.len()];
    let (scheme, version) = (scheme_name(lc), crate::version());
    let attrs = ls.map(|ls| restart_attrs(s, lc, ls));
    let nodes = node_fields(s, &owned, &states);
    let restart = attrs.as_ref().map(|(f64s, strs)| io::RestartOut {
        conserved: &states,
        states_per_cell: s.cells().units_per_cell(),
        attrs_f64: f64s,
        attrs_str: strs,
    });
    io::write_snapshot(
        path,
        &io::Dist {
            comm: s.comm().raw(),
            n_cells: mesh.n_cells(),
            owned: &owned,
            n_vertices: mesh.n_vertices(),
        },
        &MeshOut {
            vertices: &vertices,
            cells: &conn,
            nodes_per_cell: mesh.nodes_per_cell(),
            partition: &partition,
        },
        &FieldsOut {
            density: &rho,
            velocity: &vel,
            pressure: &pre,
            high_order: nodes.as_ref().map(NodeFields::out),
        },
        &Meta {
            time: s.time,
            step: s.step,
            gamma: s.gas().gamma,
            case: &lc.name,
            scheme: &scheme,
            ranks: s.comm().size() as i64,
            threads: opts.threads as i64,
            version: &version,
            case_toml: &lc.resolved,
            command_line: &opts.command_line,
        },
        restart.as_ref(),
    )
}

/// Loads the solution and loop state of a restart file into `s`, refusing a file of another case or mesh.
fn read_restart(s: &mut Solver, path: &Path, lc: &LoadedCase) -> Result<LoopState, RunError> {
    let err = |m: String| RunError::Restart {
        path: path.to_path_buf(),
        message: m,
    };
    let upc = s.cells().units_per_cell();
    let owned = s.cells().elements_of(&s.domain().owned);
    let r = io::read_restart(path, s.comm().raw(), s.grid().n_cells(), &owned)?;
    if r.states_per_cell != upc {
        return Err(err(format!(
            "the file holds {} states per cell, this scheme {upc}",
            r.states_per_cell
        )));
    }
    check_restart_keys(&r, s, lc).map_err(err)?;
    let ls = restart_loop_state(&r).map_err(err)?;
    s.time = r.time;
    s.step = r.step;
    s.set_owned_states(&r.conserved)?;
    // Files from before the attribute existed hold no cells.
    if let Some(h) = r.attrs_f64.get("low_order_held") {
        s.set_held(h)
            .map_err(|m| err(format!("restart attribute low_order_held: {m}")))?;
    }
    Ok(ls)
}

/// Refuses a restart file of another mesh or another case (beyond what may change on restart).
fn check_restart_keys(r: &io::RestartIn, s: &Solver, lc: &LoadedCase) -> Result<(), String> {
    let key = mesh_key(s.grid());
    match r.attrs_str.get("mesh_key") {
        Some(k) if *k == key => {}
        Some(k) => {
            return Err(format!(
                "the file belongs to mesh {k}, the case has mesh {key}"
            ))
        }
        None => return Err("the file records no mesh (not a gasket restart file)".into()),
    }
    let want = key_table(&restart_key(lc));
    match r.attrs_str.get("restart_key").map(|k| key_table(k)) {
        Some(k) if k == want => Ok(()),
        Some(k) => Err(format!(
            "the file was written by a different case: {} differ (only [time] end/max_steps, \
             [output] and [partition] may change on restart)",
            differing_sections(&k, &want)
        )),
        None => Err("the file records no case (not a gasket restart file)".into()),
    }
}

/// The loop state a restart file records.
fn restart_loop_state(r: &io::RestartIn) -> Result<LoopState, String> {
    let num = |name: &str, len: usize| -> Result<Vec<f64>, String> {
        match r.attrs_f64.get(name) {
            Some(v) if v.len() == len => Ok(v.clone()),
            _ => Err(format!("restart attribute {name} is missing or malformed")),
        }
    };
    let four = |name: &str| -> Result<[f64; 4], String> {
        let v = num(name, 4)?;
        Ok([v[0], v[1], v[2], v[3]])
    };
    Ok(LoopState {
        snap_index: num("snapshot_index", 1)?[0] as u64,
        ckpt_index: num("checkpoint_index", 1)?[0] as u64,
        initial: four("initial_totals")?,
        scale: four("total_scale")?,
    })
}

/// A restart key as a table. Files written before `[scheme]` was tagged by kind hold every key of every
/// scheme; those its kind does not take never changed a run and are dropped.
fn key_table(key: &str) -> toml::Table {
    let mut t: toml::Table = toml::from_str(key).unwrap_or_default();
    if let Some(toml::Value::Table(s)) = t.get_mut("scheme") {
        drop_foreign_keys(s);
    }
    t
}

/// The top-level sections in which two cases (as tables) differ, for a restart refusal.
fn differing_sections(pa: &toml::Table, pb: &toml::Table) -> String {
    let mut keys: Vec<&String> = pa.keys().chain(pb.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut out = Vec::new();
    for k in keys {
        match (pa.get(k), pb.get(k)) {
            (Some(x), Some(y)) if x == y => {}
            (Some(toml::Value::Table(x)), Some(toml::Value::Table(y))) => {
                let mut sub: Vec<&String> = x.keys().chain(y.keys()).collect();
                sub.sort();
                sub.dedup();
                for q in sub {
                    if x.get(q) != y.get(q) {
                        out.push(format!("{k}.{q}"));
                    }
                }
            }
            _ => out.push(k.clone()),
        }
    }
    if out.is_empty() {
        "settings".into()
    } else {
        out.join(", ")
    }
}
