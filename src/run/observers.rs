//! What attaches to the time loop: monitors, snapshots, checkpoints and progress lines, each a
//! [`StepObserver`]. The loop asks every observer for the next time it wants a step to end on, and calls it
//! before and after every step; adding an observer does not change the loop.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::time::Instant;

use super::{fmt_eta, write_state, RunCtx};
use crate::error::RunError;
use crate::monitor::{open_csv, out_err, Monitor};
use crate::solver::Solver;

/// The step just taken: it started at step `step` and time `time`, with time step `dt`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Step {
    /// Step number at the start of the step.
    pub step: u64,
    /// Simulated time at the start of the step.
    pub time: f64,
    /// The time step taken (clipped to a target time).
    pub dt: f64,
}

/// Something the time loop calls around every step. Calls go to the observers in order; errors stop
/// the run. Every method is called on every rank (observers may be collective).
pub(super) trait StepObserver {
    /// The next simulated time a step must end on exactly (`INFINITY`: none).
    fn next_time(&self) -> f64 {
        f64::INFINITY
    }

    /// Before the step from `(s.step, s.time)` is taken.
    fn before_step(&mut self, _s: &mut Solver) {}

    /// After `step` was taken (`s` holds the new state and time).
    fn after_step(&mut self, s: &mut Solver, ctx: &mut RunCtx, step: &Step)
        -> Result<(), RunError>;

    /// Once, after the last step of a run that reached its end.
    fn finish(&mut self, _s: &mut Solver, _ctx: &mut RunCtx) -> Result<(), RunError> {
        Ok(())
    }
}

/// The first multiple `e·k` of the interval `e` after time `t` counted from `k`, if it lies after `t`.
pub(super) fn next_after(every: f64, k: u64, t: f64) -> f64 {
    if every * (k as f64) > t {
        every * (k as f64)
    } else {
        f64::INFINITY
    }
}

/// The case's `[monitor]`: wall forces and probes every `monitor.every` steps.
pub(super) struct Monitoring {
    monitor: Monitor,
    sampled: bool,
}

impl Monitoring {
    /// Observes the steps for `monitor`.
    pub fn new(monitor: Monitor) -> Self {
        Monitoring {
            monitor,
            sampled: false,
        }
    }
}

impl StepObserver for Monitoring {
    fn before_step(&mut self, s: &mut Solver) {
        // Every `every` steps. Not forced on the last step: a step clipped to hit the end time has another
        // Δt, and the step-averaged wall fluxes of a steady flow balance only at the steady Δt.
        self.sampled = self.monitor.due(s.step);
        self.monitor.before_step(s, self.sampled);
    }

    fn after_step(&mut self, s: &mut Solver, _: &mut RunCtx, step: &Step) -> Result<(), RunError> {
        if self.sampled {
            self.monitor.after_step(s, step.step, step.time)?;
        }
        Ok(())
    }

    fn finish(&mut self, _s: &mut Solver, _ctx: &mut RunCtx) -> Result<(), RunError> {
        self.monitor.finish()
    }
}

/// `snapshot_NNNN.h5` every `output.every` of simulated time.
pub(super) struct Snapshots {
    every: f64,
    next: f64,
}

impl Snapshots {
    /// Snapshots every `every`, the next one numbered by the loop state of `ctx`, after time `time`.
    pub fn new(every: f64, ctx: &RunCtx, time: f64) -> Self {
        Snapshots {
            every,
            next: next_after(every, ctx.ls.snap_index, time),
        }
    }
}

impl StepObserver for Snapshots {
    fn next_time(&self) -> f64 {
        self.next
    }

    fn after_step(&mut self, s: &mut Solver, ctx: &mut RunCtx, _: &Step) -> Result<(), RunError> {
        if s.time >= self.next {
            let t0 = Instant::now();
            ctx.snapshot(s)?;
            self.next = next_after(self.every, ctx.ls.snap_index, s.time);
            s.timers.io += t0.elapsed().as_secs_f64();
        }
        Ok(())
    }
}

/// `checkpoint.h5` (overwritten) every `output.checkpoint_every` of simulated time.
pub(super) struct Checkpoints {
    every: f64,
    next: f64,
}

impl Checkpoints {
    /// Checkpoints every `every` after time `time`, counted by the loop state of `ctx`.
    pub fn new(every: f64, ctx: &mut RunCtx, time: f64) -> Self {
        let ls = &mut ctx.ls;
        let mut next = next_after(every, ls.ckpt_index, time);
        // After a restart the counter may lag behind the time: skip checkpoint times already passed.
        while next.is_infinite() && every * ls.ckpt_index as f64 <= time {
            ls.ckpt_index += 1;
            next = next_after(every, ls.ckpt_index, time);
        }
        Checkpoints { every, next }
    }
}

impl StepObserver for Checkpoints {
    fn next_time(&self) -> f64 {
        self.next
    }

    fn after_step(&mut self, s: &mut Solver, ctx: &mut RunCtx, _: &Step) -> Result<(), RunError> {
        if s.time >= self.next {
            let t0 = Instant::now();
            ctx.ls.ckpt_index += 1;
            write_state(s, &ctx.checkpoint_path(), ctx.lc, ctx.opts, Some(&ctx.ls))?;
            self.next = next_after(self.every, ctx.ls.ckpt_index, s.time);
            s.timers.io += t0.elapsed().as_secs_f64();
        }
        Ok(())
    }
}

/// `troubled.csv`: after every step, the elements a limiting scheme updated by subcells in the step's last
/// stage, summed over ranks (rank 0 writes). Collective.
pub(super) struct TroubledCells {
    out: Option<(PathBuf, BufWriter<std::fs::File>)>,
}

impl TroubledCells {
    /// The file `troubled.csv` in `dir` (continued after a restart when `append`), or `None` when the
    /// scheme does not limit troubled elements.
    pub fn new(s: &Solver, dir: &std::path::Path, append: bool) -> Result<Option<Self>, RunError> {
        if s.troubled().is_none() {
            return Ok(None);
        }
        let path = dir.join("troubled.csv");
        let out = if s.comm().is_root() {
            let w = open_csv(&path, "step,time,troubled,elements,fraction", append)?;
            Some((path, w))
        } else {
            None
        };
        Ok(Some(TroubledCells { out }))
    }
}

impl StepObserver for TroubledCells {
    fn after_step(&mut self, s: &mut Solver, _: &mut RunCtx, _: &Step) -> Result<(), RunError> {
        let (n, all) = s.troubled().unwrap_or((0, 0));
        let counts = s.comm().gather_root(&[n as u64, all as u64]);
        if let (Some(c), Some((path, w))) = (counts, self.out.as_mut()) {
            let (n, all) = c
                .chunks_exact(2)
                .fold((0, 0), |(a, b), x| (a + x[0], b + x[1]));
            let frac = n as f64 / all.max(1) as f64;
            writeln!(w, "{},{:.12e},{n},{all},{frac:.6e}", s.step, s.time)
                .map_err(|e| out_err(path, e))?;
        }
        Ok(())
    }

    fn finish(&mut self, _s: &mut Solver, _ctx: &mut RunCtx) -> Result<(), RunError> {
        if let Some((path, w)) = self.out.as_mut() {
            w.flush().map_err(|e| out_err(path, e))?;
        }
        Ok(())
    }
}

/// A progress line every `output.progress` wall seconds and at the end (rank 0 only).
pub(super) struct Progress {
    cells: usize,
    end: f64,
    interval: f64,
    started: Instant,
    last_print: Instant,
    first_step: u64,
    t_begin: f64,
}

impl Progress {
    /// Progress of a run of `cells` cells to time `end`, starting now from the state of `s`.
    pub fn new(s: &Solver, cells: usize, end: f64, interval: f64) -> Self {
        Progress {
            cells,
            end,
            interval,
            started: Instant::now(),
            last_print: Instant::now(),
            first_step: s.step,
            t_begin: s.time,
        }
    }
}

impl StepObserver for Progress {
    fn after_step(&mut self, s: &mut Solver, _: &mut RunCtx, step: &Step) -> Result<(), RunError> {
        let end = self.end;
        if self.last_print.elapsed().as_secs_f64() < self.interval && s.time < end {
            return Ok(());
        }
        self.last_print = Instant::now();
        let el = self.started.elapsed().as_secs_f64();
        let done = s.step - self.first_step;
        let eta = el / (s.time - self.t_begin) * (end - s.time);
        let retried = if s.retried_steps > 0 {
            format!("  ({} steps redone)", s.retried_steps)
        } else {
            String::new()
        };
        println!(
            "step {:>7}  t = {:.6e} / {:.4e}  dt = {:.3e}  {:5.1}%  {:.3e} cell-updates/s  ETA {}{}",
            s.step,
            s.time,
            end,
            step.dt,
            100.0 * s.time / end,
            self.cells as f64 * done as f64 / el,
            fmt_eta(eta),
            retried
        );
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::next_after;

    #[test]
    fn next_output_time_is_the_next_multiple_after_now() {
        assert_eq!(next_after(0.1, 3, 0.25), 0.1 * 3.0);
        assert_eq!(next_after(0.1, 3, 0.30000000000000004), f64::INFINITY);
        assert_eq!(next_after(0.5, 1, 0.0), 0.5);
    }
}
