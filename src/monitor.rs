//! Monitors of a run (`[monitor]`): forces on named boundaries (`forces.csv`), their wall distributions
//! (`wall_<name>.csv`, pressure, skin friction and heat flux per boundary face, from the last sample, taken
//! every `every` steps), and
//! point probes (`probes.csv`). Written by rank 0 into the output directory.
//!
//! Forces come from the scheme's own fluxes: the momentum flux `F⁰` through each boundary face at the start
//! of a sampled step (first stage), times the face length, is the force of the fluid on the wall; so the
//! forces are exactly what the scheme exchanges with the wall. The pressure part is the pressure of the
//! unit next to each face times its normal and length (first-order in position), the viscous part the rest.
//! The samples of all ranks are gathered and summed on rank 0 in the order of (patch, x, y) of the face
//! midpoints, so the sums are the same bits on any number of ranks and threads.

use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

use crate::case::LoadedCase;
use crate::error::RunError;
use crate::scheme::WallSample;
use crate::solver::Solver;

/// Values per wall sample on the wire: patch, x, y, nx, ny, length, F⁰ (4), pressure.
const PACK: usize = 11;

/// The monitors of one run.
pub struct Monitor {
    every: u64,
    /// Monitored boundary names, their patch indices and wall velocities.
    names: Vec<String>,
    patches: Vec<usize>,
    wall_u: Vec<[f64; 2]>,
    want: Vec<bool>,
    reference: [f64; 4],
    probes: Vec<[f64; 2]>,
    units: Vec<usize>,
    forces: Option<BufWriter<File>>,
    probes_out: Option<BufWriter<File>>,
    dir: PathBuf,
    /// Rank 0: the last gathered samples, sorted.
    last: Vec<WallSample>,
}

pub(crate) fn out_err(path: &Path, e: impl std::fmt::Display) -> RunError {
    RunError::Output {
        path: path.to_path_buf(),
        message: e.to_string(),
    }
}

/// Opens a CSV file on rank 0: appended to after a restart (when it exists), else created with `header`.
pub(crate) fn open_csv(
    path: &Path,
    header: &str,
    append: bool,
) -> Result<BufWriter<File>, RunError> {
    let exists = path.exists();
    let f = if append && exists {
        OpenOptions::new().append(true).open(path)
    } else {
        File::create(path)
    }
    .map_err(|e| out_err(path, e))?;
    let mut w = BufWriter::new(f);
    if !(append && exists) {
        writeln!(w, "{header}").map_err(|e| out_err(path, e))?;
    }
    Ok(w)
}

impl Monitor {
    /// The monitors of a case, or `None` without a `[monitor]` table. `append`: a restart continues the
    /// CSV files.
    pub fn new(
        lc: &LoadedCase,
        s: &Solver,
        dir: &Path,
        append: bool,
    ) -> Result<Option<Self>, RunError> {
        let Some(m) = &lc.case.monitor else {
            return Ok(None);
        };
        let all = s.patch_names();
        let bcs = lc.case.boundary_map();
        let mut patches = Vec::new();
        let mut wall_u = Vec::new();
        for name in &m.forces {
            let p = all.iter().position(|x| x == name).ok_or_else(|| {
                RunError::Mesh(format!(
                    "monitor.forces: the mesh has no boundary named \"{name}\""
                ))
            })?;
            patches.push(p);
            wall_u.push(bcs.get(name).and_then(|b| b.velocity).unwrap_or([0.0; 2]));
        }
        let mut want = vec![false; all.len()];
        for &p in &patches {
            want[p] = true;
        }
        let mut units = Vec::new();
        for (k, x) in m.probes.iter().enumerate() {
            units.push(s.grid().find(*x).ok_or_else(|| {
                RunError::Mesh(format!("monitor.probes[{k}] = {x:?} lies outside the mesh"))
            })?);
        }
        let root = s.comm().is_root();
        let forces = if root && !m.forces.is_empty() {
            let mut h = String::from("step,time");
            for n in &m.forces {
                for c in ["fx", "fy", "fx_pressure", "fy_pressure", "cd", "cl"] {
                    h.push_str(&format!(",{n}_{c}"));
                }
            }
            Some(open_csv(&dir.join("forces.csv"), &h, append)?)
        } else {
            None
        };
        let probes_out = if root && !m.probes.is_empty() {
            let mut h = String::from("step,time");
            for k in 0..m.probes.len() {
                for c in ["rho", "u", "v", "p"] {
                    h.push_str(&format!(",{c}_{k}"));
                }
            }
            Some(open_csv(&dir.join("probes.csv"), &h, append)?)
        } else {
            None
        };
        Ok(Some(Monitor {
            every: m.every,
            names: m.forces.clone(),
            patches,
            wall_u,
            want,
            reference: m.reference,
            probes: m.probes.clone(),
            units,
            forces,
            probes_out,
            dir: dir.to_path_buf(),
            last: Vec::new(),
        }))
    }

    /// True when step `step` (the one about to be taken) is sampled.
    pub fn due(&self, step: u64) -> bool {
        step % self.every == 0
    }

    /// Asks the solver for wall samples during the next step if it is due.
    pub fn before_step(&self, s: &mut Solver, due: bool) {
        let on = due && !self.names.is_empty();
        s.sample_walls(on.then(|| self.want.clone()));
    }

    /// After a sampled step that started at (`step`, `time`): forces from the first-stage fluxes, probes
    /// at the new time. Collective.
    pub fn after_step(&mut self, s: &Solver, step: u64, time: f64) -> Result<(), RunError> {
        if !self.names.is_empty() {
            self.gather_walls(s);
            if let Some(w) = self.forces.as_mut() {
                let q = 0.5 * self.reference[0] * self.reference[1].powi(2) * self.reference[3];
                let mut row = format!("{step},{time:.12e}");
                for &p in &self.patches {
                    let (mut f, mut fp) = ([0.0; 2], [0.0; 2]);
                    for x in self.last.iter().filter(|x| x.patch == p) {
                        for k in 0..2 {
                            f[k] += x.flux[1 + k] * x.len;
                            fp[k] += x.p * x.n[k] * x.len;
                        }
                    }
                    row.push_str(&format!(
                        ",{:.12e},{:.12e},{:.12e},{:.12e},{:.12e},{:.12e}",
                        f[0],
                        f[1],
                        fp[0],
                        fp[1],
                        f[0] / q,
                        f[1] / q
                    ));
                }
                let path = self.dir.join("forces.csv");
                writeln!(w, "{row}")
                    .and_then(|_| w.flush())
                    .map_err(|e| out_err(&path, e))?;
            }
        }
        if !self.probes.is_empty() {
            let local: Vec<f64> = s
                .owned_unit_states(&self.units)
                .into_iter()
                .flat_map(|(i, w)| {
                    let [r, u, v, p] = s.gas().primitive(&w);
                    [i as f64, r, u, v, p]
                })
                .collect();
            let all = s.comm().gather_root(&local);
            if let (Some(all), Some(w)) = (all, self.probes_out.as_mut()) {
                let mut vals = vec![[f64::NAN; 4]; self.probes.len()];
                for c in all.chunks_exact(5) {
                    vals[c[0] as usize] = [c[1], c[2], c[3], c[4]];
                }
                let mut row = format!("{},{:.12e}", s.step, s.time);
                for v in vals {
                    for x in v {
                        row.push_str(&format!(",{x:.12e}"));
                    }
                }
                let path = self.dir.join("probes.csv");
                writeln!(w, "{row}")
                    .and_then(|_| w.flush())
                    .map_err(|e| out_err(&path, e))?;
            }
        }
        Ok(())
    }

    /// Gathers this step's wall samples of all ranks on rank 0, in (patch, x, y) order.
    fn gather_walls(&mut self, s: &Solver) {
        let local: Vec<f64> = s
            .wall_samples()
            .iter()
            .flat_map(|x| {
                let mut v = [0.0; PACK];
                v[0] = x.patch as f64;
                v[1..3].copy_from_slice(&x.x);
                v[3..5].copy_from_slice(&x.n);
                v[5] = x.len;
                v[6..10].copy_from_slice(&x.flux);
                v[10] = x.p;
                v
            })
            .collect();
        if let Some(all) = s.comm().gather_root(&local) {
            let mut v: Vec<WallSample> = all
                .chunks_exact(PACK)
                .map(|c| WallSample {
                    patch: c[0] as usize,
                    x: [c[1], c[2]],
                    n: [c[3], c[4]],
                    len: c[5],
                    flux: [c[6], c[7], c[8], c[9]],
                    p: c[10],
                })
                .collect();
            v.sort_by(|a, b| {
                a.patch
                    .cmp(&b.patch)
                    .then(a.x[0].total_cmp(&b.x[0]))
                    .then(a.x[1].total_cmp(&b.x[1]))
            });
            self.last = v;
        }
    }

    /// Rank 0: writes `wall_<name>.csv` for every monitored boundary from the last sample: per face the
    /// midpoint, outward normal of the fluid, length, pressure and `c_p`, wall shear stress `τ_w` (force per
    /// length of the fluid on the wall along `t = (−n_y, n_x)`) and `c_f`, and the heat flux into the wall
    /// `q_w` (energy flux minus the work of the moving wall).
    pub fn finish(&mut self) -> Result<(), RunError> {
        if self.forces.is_none() {
            return Ok(());
        }
        let [rho, u, p_ref, _] = self.reference;
        let q = 0.5 * rho * u * u;
        for (k, name) in self.names.iter().enumerate() {
            let path = self.dir.join(format!("wall_{name}.csv"));
            let mut w = BufWriter::new(File::create(&path).map_err(|e| out_err(&path, e))?);
            let mut text = String::from("x,y,nx,ny,length,p,cp,tau_w,cf,q_w\n");
            let uw = self.wall_u[k];
            for x in self.last.iter().filter(|x| x.patch == self.patches[k]) {
                let t = [-x.n[1], x.n[0]];
                let tau = x.flux[1] * t[0] + x.flux[2] * t[1];
                let qw = x.flux[3] - (uw[0] * x.flux[1] + uw[1] * x.flux[2]);
                text.push_str(&format!(
                    "{:.10e},{:.10e},{:.6e},{:.6e},{:.6e},{:.10e},{:.10e},{:.10e},{:.10e},{:.10e}\n",
                    x.x[0],
                    x.x[1],
                    x.n[0],
                    x.n[1],
                    x.len,
                    x.p,
                    (x.p - p_ref) / q,
                    tau,
                    tau / q,
                    qw
                ));
            }
            w.write_all(text.as_bytes())
                .and_then(|_| w.flush())
                .map_err(|e| out_err(&path, e))?;
        }
        Ok(())
    }
}
