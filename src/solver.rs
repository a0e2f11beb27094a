//! The time loop: initial data, the two-stage fourth-order (or a one-stage) update, time-step control with
//! exact output and end times, blow-up detection, progress lines, snapshots and the run summary.

use std::path::{Path, PathBuf};
use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::case::{LoadedCase, TimeScheme, Variables, WenoVariant};
use crate::error::RunError;
use crate::initial::InitialCondition;
use crate::io::{self, FieldsOut, MeshOut, Meta};
use crate::mesh::{wrap_index, StructuredMesh};
use crate::physics::{Gas, State};
use crate::scheme::boundary::GHOST;
use crate::scheme::{Residual, StructuredOperator};
use crate::time;

/// Retries of a step with first-order fluxes around inadmissible cells before the run stops.
const MAX_RETRIES: usize = 3;

/// How a run is launched (everything that is not in the case file).
#[derive(Debug, Clone)]
pub struct RunOptions {
    /// Output directory.
    pub output_dir: PathBuf,
    /// Rayon threads per rank.
    pub threads: usize,
    /// MPI ranks.
    pub ranks: usize,
    /// The command line, stored in every output file.
    pub command_line: String,
    /// Print progress lines.
    pub progress: bool,
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

/// Density errors against the exact solution.
#[derive(Debug, Clone, Serialize)]
pub struct Errors {
    /// How the norms are defined.
    pub norm: String,
    /// `Σ|eᵢ||Ωᵢ|`.
    pub l1: f64,
    /// `(Σ eᵢ²|Ωᵢ|)^½`.
    pub l2: f64,
    /// `max|eᵢ|`.
    pub linf: f64,
    /// `Σ|eᵢ|/N` (mean absolute error).
    pub l1_mean: f64,
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
    /// Time steps taken.
    pub steps: u64,
    /// Stages per step (2 for S2O4).
    pub stages_per_step: u32,
    /// Final simulated time.
    pub final_time: f64,
    /// Wall seconds of the time loop (excluding set-up and output).
    pub wall_seconds: f64,
    /// Wall seconds spent writing snapshots inside the time loop.
    pub output_seconds: f64,
    /// Cell updates (cells × steps) per wall second.
    pub cell_updates_per_second: f64,
    /// Wall µs × cores / (cells × steps × stages).
    pub us_per_cell_per_stage_per_core: f64,
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

/// Scheme description used in outputs, e.g. `weno5-gks/s2o4/characteristic/js/3gp`.
pub fn scheme_name(lc: &LoadedCase) -> String {
    let c = &lc.case;
    let t = match c.time.scheme {
        TimeScheme::S2o4 => "s2o4",
        TimeScheme::SingleStage => "single-stage",
        TimeScheme::Euler => "euler",
    };
    let v = match c.scheme.variables {
        Variables::Conservative => "conservative",
        Variables::Characteristic => "characteristic",
    };
    let wv = match c.scheme.weno {
        WenoVariant::Js => "js",
        WenoVariant::Z => "z",
        WenoVariant::Linear => "linear",
    };
    format!("weno5-gks/{t}/{v}/{wv}/{}gp", c.scheme.gauss_points)
}

/// The state of a run: mesh, operator, padded solution and work arrays.
pub struct Solver {
    gas: Gas,
    mesh: StructuredMesh,
    op: StructuredOperator,
    /// Padded solution.
    w: Vec<State>,
    wn: Vec<State>,
    r1: Residual,
    r2: Residual,
    scheme: TimeScheme,
    /// Simulated time.
    pub time: f64,
    /// Steps taken.
    pub step: u64,
}

fn fmt_eta(s: f64) -> String {
    if !s.is_finite() {
        return "--:--:--".into();
    }
    let s = s.round() as u64;
    format!("{:02}:{:02}:{:02}", s / 3600, (s / 60) % 60, s % 60)
}

impl Solver {
    /// Sets up the mesh and the initial cell averages of a case.
    pub fn new(lc: &LoadedCase) -> Result<Self, RunError> {
        let case = &lc.case;
        let gas = Gas::new(case.gas.gamma).expect("validated");
        let mesh = StructuredMesh::from_section(&case.mesh);
        let op = StructuredOperator::new(case, gas, &mesh);
        let pad = op.padded();
        let mut w = vec![[0.0; 4]; pad.len()];
        let ic = InitialCondition::new(&case.initial, gas, &mesh);
        let interior: Vec<State> = (0..mesh.n_cells())
            .into_par_iter()
            .map(|c| ic.cell_average(&mesh, c % mesh.nx, c / mesh.nx, 0.0))
            .collect();
        for (c, s) in interior.iter().enumerate() {
            w[pad.at(c % mesh.nx, c / mesh.nx)] = *s;
        }
        let n = mesh.n_cells();
        let s = Solver {
            gas,
            mesh,
            op,
            wn: w.clone(),
            w,
            r1: Residual::new(n),
            r2: Residual::new(n),
            scheme: case.time.scheme,
            time: 0.0,
            step: 0,
        };
        s.check(0)?;
        Ok(s)
    }

    /// The mesh.
    pub fn mesh(&self) -> &StructuredMesh {
        &self.mesh
    }

    /// Interior cell averages in global order.
    pub fn interior(&self) -> Vec<State> {
        let p = self.op.padded();
        (0..self.mesh.n_cells())
            .map(|c| self.w[p.at(c % self.mesh.nx, c / self.mesh.nx)])
            .collect()
    }

    /// Totals ∫W over the domain, summed in global cell order (independent of threads).
    pub fn totals(&self) -> [f64; 4] {
        self.sums(|x| x)
    }

    /// Σᵢ f(Wᵢ)|Ωᵢ| per component, summed in global cell order.
    fn sums(&self, f: impl Fn(f64) -> f64) -> [f64; 4] {
        let a = self.mesh.cell_measure();
        let mut t = [0.0; 4];
        for s in self.interior() {
            for k in 0..4 {
                t[k] += f(s[k]);
            }
        }
        t.map(|x| x * a)
    }

    /// Stages per step of the time scheme.
    pub fn stages(&self) -> u32 {
        match self.scheme {
            TimeScheme::S2o4 => 2,
            _ => 1,
        }
    }

    /// The stable step for the current state.
    pub fn stable_dt(&self, cfl: f64) -> f64 {
        self.op.max_dt(&self.w, cfl)
    }

    /// Advances the solution by `dt`.
    ///
    /// A posteriori limiting: when the step leaves a cell inadmissible (non-finite, ρ ≤ 0 or p ≤ 0), the step
    /// is redone from Wⁿ with the first-order flux on every face of the offending cells and their neighbours
    /// (widening the neighbourhood on each retry); only if that fails too does the run stop.
    pub fn advance(&mut self, dt: f64) -> Result<(), RunError> {
        self.wn.copy_from_slice(&self.w);
        let mut flagged: Vec<usize> = Vec::new();
        let mut result = Ok(());
        for attempt in 0..=MAX_RETRIES {
            if attempt > 0 {
                self.w.copy_from_slice(&self.wn);
            }
            self.stages_from_wn(dt);
            let bad = self.bad_cells();
            if bad.is_empty() {
                result = Ok(());
                break;
            }
            result = self.check(self.step + 1);
            if attempt == MAX_RETRIES {
                break;
            }
            let grown = self.neighbourhood(&bad, attempt + 1);
            flagged.extend(grown);
            flagged.sort_unstable();
            flagged.dedup();
            self.op.set_low_order(&flagged);
        }
        self.op.clear_low_order();
        self.step += 1;
        result
    }

    /// Interior cells (global ids, increasing) that are not admissible.
    fn bad_cells(&self) -> Vec<usize> {
        let p = self.op.padded();
        let nx = self.mesh.nx;
        (0..self.mesh.n_cells())
            .into_par_iter()
            .filter(|&c| !self.gas.admissible(&self.w[p.at(c % nx, c / nx)]))
            .collect()
    }

    /// Cells within `r` cells (in each direction) of the given ones, with periodic wrap where it applies.
    fn neighbourhood(&self, cells: &[usize], r: usize) -> Vec<usize> {
        let (nx, ny) = (self.mesh.nx, self.mesh.ny);
        let per = self.op.periodic();
        let r = r as i64;
        let mut out = Vec::new();
        for &c in cells {
            let (i, j) = ((c % nx) as i64, (c / nx) as i64);
            for dj in -r..=r {
                for di in -r..=r {
                    if let (Some(a), Some(b)) = (
                        wrap_index(i + di, nx, per[0]),
                        wrap_index(j + dj, ny, per[1]),
                    ) {
                        out.push(a as usize + b as usize * nx);
                    }
                }
            }
        }
        out
    }

    /// The stages of one step from `Wⁿ` (in `wn`, and in `w` on entry).
    fn stages_from_wn(&mut self, dt: f64) {
        let t = self.time;
        self.op.fill_ghosts(&mut self.w, t);
        self.op.residual(&self.w, dt, &mut self.r1);
        match self.scheme {
            TimeScheme::Euler => self.update(|wn, l, _, _| time::euler(wn, l, dt)),
            TimeScheme::SingleStage => {
                self.update(|wn, l, lt, _| time::single_stage(wn, l, lt, dt))
            }
            TimeScheme::S2o4 => {
                self.update(|wn, l, lt, _| time::s2o4_stage(wn, l, lt, dt));
                self.op.fill_ghosts(&mut self.w, t + 0.5 * dt);
                self.op.residual(&self.w, dt, &mut self.r2);
                self.update(|wn, l, lt, lt2| time::s2o4_final(wn, l, lt, lt2, dt));
            }
        }
    }

    /// `w = f(wₙ, L, ∂ₜL(Wₙ), ∂ₜL(W*))` per component on the interior.
    fn update(&mut self, f: impl Fn(f64, f64, f64, f64) -> f64 + Sync) {
        let p = self.op.padded();
        let nx = self.mesh.nx;
        let (wn, r1, r2) = (&self.wn, &self.r1, &self.r2);
        let gy = p.gy;
        self.w
            .par_chunks_mut(p.width)
            .enumerate()
            .skip(gy)
            .take(p.ny)
            .for_each(|(jj, row)| {
                let j = jj - gy;
                for i in 0..nx {
                    let c = i + nx * j;
                    let k = p.at(i, j);
                    for q in 0..4 {
                        row[i + GHOST][q] = f(wn[k][q], r1.l[c][q], r1.lt[c][q], r2.lt[c][q]);
                    }
                }
            });
    }

    /// Blow-up check: the first (lowest global id) inadmissible cell, if any.
    fn check(&self, step: u64) -> Result<(), RunError> {
        match self.bad_cells().first() {
            None => Ok(()),
            Some(&c) => {
                let nx = self.mesh.nx;
                let s = self.w[self.op.padded().at(c % nx, c / nx)];
                let [rho, u, v, pr] = self.gas.primitive(&s);
                Err(RunError::BlowUp {
                    step,
                    time: self.time,
                    cell: c,
                    i: c % nx,
                    j: c / nx,
                    rho,
                    u,
                    v,
                    p: pr,
                })
            }
        }
    }

    /// Density errors against the exact solution at the current time (integral norms over the domain).
    pub fn density_errors(&self, lc: &LoadedCase) -> Option<Errors> {
        let ic = InitialCondition::new(&lc.case.initial, self.gas, &self.mesh);
        if !ic.has_exact_solution() {
            return None;
        }
        let a = self.mesh.cell_measure();
        let nx = self.mesh.nx;
        let num = self.interior();
        let e: Vec<f64> = (0..self.mesh.n_cells())
            .into_par_iter()
            .map(|c| num[c][0] - ic.cell_average(&self.mesh, c % nx, c / nx, self.time)[0])
            .collect();
        let (mut l1, mut l2, mut li) = (0.0, 0.0, 0.0f64);
        for x in &e {
            l1 += x.abs();
            l2 += x * x;
            li = li.max(x.abs());
        }
        Some(Errors {
            norm: "errors of cell-averaged density against exact cell averages; l1 = sum|e|*area, \
                   l2 = sqrt(sum e^2*area) (area = cell length dx for 1D strips), linf = max|e|, l1_mean = sum|e|/N"
                .into(),
            l1: l1 * a,
            l2: (l2 * a).sqrt(),
            linf: li,
            l1_mean: l1 / e.len() as f64,
        })
    }

    /// Writes the current state as `path` (HDF5) with an XDMF file beside it.
    pub fn write(&self, path: &Path, lc: &LoadedCase, opts: &RunOptions) -> Result<(), RunError> {
        let cells = self.interior();
        let mut rho = Vec::with_capacity(cells.len());
        let mut vel = Vec::with_capacity(cells.len());
        let mut pre = Vec::with_capacity(cells.len());
        for s in &cells {
            let [r, u, v, p] = self.gas.primitive(s);
            rho.push(r);
            vel.push([u, v]);
            pre.push(p);
        }
        let vertices = self.mesh.vertices();
        let conn = self.mesh.cells();
        let partition = vec![0i32; cells.len()];
        let scheme = scheme_name(lc);
        let version = crate::version();
        io::write_snapshot(
            path,
            &MeshOut {
                vertices: &vertices,
                cells: &conn,
                nodes_per_cell: 4,
                partition: &partition,
            },
            &FieldsOut {
                density: &rho,
                velocity: &vel,
                pressure: &pre,
            },
            &Meta {
                time: self.time,
                step: self.step,
                gamma: self.gas.gamma,
                case: &lc.name,
                scheme: &scheme,
                ranks: opts.ranks as i64,
                threads: opts.threads as i64,
                version: &version,
                case_toml: &lc.resolved,
                command_line: &opts.command_line,
            },
        )
    }
}

/// Runs a case to its end time, writing snapshots, `final.h5` and `summary.json` into the output directory.
pub fn run(lc: &LoadedCase, opts: &RunOptions) -> Result<Summary, RunError> {
    let case = &lc.case;
    let dir = &opts.output_dir;
    std::fs::create_dir_all(dir).map_err(|e| RunError::Output {
        path: dir.clone(),
        message: format!("cannot create the output directory: {e}"),
    })?;
    let mut s = Solver::new(lc)?;
    let n = s.mesh.n_cells();
    let initial = s.totals();
    let scale = s.sums(f64::abs);
    let end = case.time.end;
    let every = case.output.every.filter(|&e| e > 0.0);
    let mut outputs = Vec::new();
    let mut snap_index = 0u32;
    let mut next_snap = every.unwrap_or(f64::INFINITY);
    if every.is_some() {
        let p = dir.join(format!("snapshot_{snap_index:04}.h5"));
        s.write(&p, lc, opts)?;
        outputs.push(p.display().to_string());
        snap_index += 1;
    }
    let started = Instant::now();
    let mut output_seconds = 0.0;
    let mut last_print = Instant::now();
    let max_steps = case.time.max_steps.unwrap_or(u64::MAX);
    while s.time < end && s.step < max_steps {
        let mut dt = s.stable_dt(case.time.cfl);
        let target = end.min(next_snap);
        // Clip to hit output and end times exactly; absorb a sliver smaller than 1e-9·dt into this step.
        let clipped = s.time + dt * (1.0 + 1e-9) >= target;
        if clipped {
            dt = target - s.time;
        }
        if !(dt.is_finite() && dt > 0.0) {
            return Err(RunError::BadTimeStep {
                step: s.step,
                time: s.time,
                dt,
            });
        }
        s.advance(dt)?;
        s.time = if clipped { target } else { s.time + dt };
        if s.time >= next_snap {
            let t0 = Instant::now();
            let p = dir.join(format!("snapshot_{snap_index:04}.h5"));
            s.write(&p, lc, opts)?;
            outputs.push(p.display().to_string());
            snap_index += 1;
            next_snap = every.map_or(f64::INFINITY, |e| e * (snap_index as f64));
            if next_snap <= s.time {
                next_snap = f64::INFINITY;
            }
            output_seconds += t0.elapsed().as_secs_f64();
        }
        if opts.progress
            && (last_print.elapsed().as_secs_f64() >= case.output.progress || s.time >= end)
        {
            last_print = Instant::now();
            let el = started.elapsed().as_secs_f64();
            let eta = el / s.time * (end - s.time);
            println!(
                "step {:>7}  t = {:.6e} / {:.4e}  dt = {:.3e}  {:5.1}%  {:.3e} cell-updates/s  ETA {}",
                s.step,
                s.time,
                end,
                dt,
                100.0 * s.time / end,
                n as f64 * s.step as f64 / el,
                fmt_eta(eta)
            );
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let fin = dir.join("final.h5");
    s.write(&fin, lc, opts)?;
    outputs.push(fin.display().to_string());
    let last = s.totals();
    let absolute: [f64; 4] = std::array::from_fn(|k| last[k] - initial[k]);
    let relative: [f64; 4] =
        std::array::from_fn(|k| absolute[k].abs() / scale[k].max(f64::MIN_POSITIVE));
    let loop_wall = (wall - output_seconds).max(1e-12);
    let updates = n as f64 * s.step as f64;
    let summary = Summary {
        case: lc.name.clone(),
        scheme: scheme_name(lc),
        cells: n,
        ranks: opts.ranks,
        threads: opts.threads,
        steps: s.step,
        stages_per_step: s.stages(),
        final_time: s.time,
        wall_seconds: wall,
        output_seconds,
        cell_updates_per_second: updates / loop_wall,
        us_per_cell_per_stage_per_core: loop_wall * 1e6 * (opts.threads * opts.ranks) as f64
            / (updates * s.stages() as f64).max(1.0),
        conservation: Drift {
            initial,
            last,
            absolute,
            relative,
        },
        density_errors: s.density_errors(lc),
        outputs,
        version: crate::version(),
    };
    io::summary::write_json(&dir.join("summary.json"), &summary)?;
    Ok(summary)
}
