//! The time loop: initial data, the two-stage fourth-order (or a one-stage) update, time-step control with
//! exact output and end times, blow-up detection, progress lines, snapshots and the run summary.
//!
//! Every rank runs this loop on its own cells. What makes the result independent of the number of ranks and
//! threads: each face flux is computed from the same inputs by the same code whichever rank computes it; the
//! time step is an exact reduction (max of signal speeds); the set of cells that trigger a step retry is
//! gathered in full on every rank; sums (conservation, errors) are exact sums over ranks
//! ([`Comm::exact_sums`]: fixed-point integers, whose addition does not depend on the order), so no rank
//! gathers the cells of the whole mesh.

use std::time::Instant;

use rayon::prelude::*;
use serde::Serialize;

use crate::case::{LoadedCase, TimeDerivative, TimeScheme};
use crate::domain::{LocalDomain, Owners};
use crate::error::RunError;
use crate::initial::InitialCondition;
use crate::mesh::{Grid, StructuredMesh};
use crate::parallel::{Comm, HaloPlan};
use crate::physics::{Gas, State};
use crate::scheme::Cells;
use crate::scheme::{Residual, SpatialOperator, WallSample};
use crate::time;

/// Retries of a step with first-order fluxes around inadmissible cells before the run stops.
const MAX_RETRIES: usize = 3;

/// Steps for which cells that needed a retry keep the first-order flux (a posteriori limiting that
/// remembers: a cell that failed once, e.g. at a shock standing on a wall or at a corner, usually fails
/// again in the next steps, and every failure costs a whole step).
const LOW_ORDER_HOLD: u32 = 10;

/// Scheme description used in outputs, e.g. `weno5-gks/s2o4/characteristic/js/3gp`.
pub fn scheme_name(lc: &LoadedCase) -> String {
    lc.case.scheme_name()
}

/// Wall seconds of one rank, split by activity.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Timers {
    /// Computing (including the work overlapped with halo messages).
    pub compute: f64,
    /// Waiting for halo messages after the overlapped work.
    pub halo_wait: f64,
    /// Writing snapshots and checkpoints.
    pub io: f64,
}

/// The state of one rank: its cells, the halo plan, the operator on its window and the work arrays.
pub struct Solver {
    gas: Gas,
    cells: Cells,
    /// The rectangle the case describes (extent for initial conditions and exact solutions).
    rect: StructuredMesh,
    periodic: [bool; 2],
    comm: Comm,
    dom: LocalDomain,
    halo: HaloPlan,
    op: Box<dyn SpatialOperator>,
    /// The solution on the window (owned cells, halo, ghosts).
    w: Vec<State>,
    /// Wⁿ of the owned cells.
    wn: Vec<State>,
    /// New values of the owned cells.
    next: Vec<State>,
    r1: Residual,
    r2: Residual,
    scheme: TimeScheme,
    /// How `∂ₜL` is obtained.
    derivative: TimeDerivative,
    /// `L` at the two perturbed states of [`TimeDerivative::Discrete`] (empty otherwise).
    perturbed: [Vec<State>; 2],
    /// Simulated time.
    pub time: f64,
    /// Steps taken.
    pub step: u64,
    /// Cells (global ids, increasing) held at first order and the steps each has left; the same on every
    /// rank.
    held: Vec<(usize, u32)>,
    /// Steps that needed at least one retry.
    pub retried_steps: u64,
    /// Time split of this rank.
    pub timers: Timers,
    /// Patches to sample during the next step ([`Solver::sample_walls`]).
    wall_want: Option<Vec<bool>>,
    /// The last wall samples of this rank.
    walls: Vec<WallSample>,
}

/// Which residual of a step an evaluation fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Slot {
    /// `L(Wⁿ)`, `∂ₜL(Wⁿ)`.
    First,
    /// `∂ₜL(W*)` (and `L(W*)`).
    Second,
}

/// The residual of `r1`, `r2` that `into` names.
fn slot<'a>(r1: &'a mut Residual, r2: &'a mut Residual, into: Slot) -> &'a mut Residual {
    match into {
        Slot::First => r1,
        Slot::Second => r2,
    }
}

/// The perturbation of [`TimeDerivative::Discrete`] as a fraction of the step: small enough that the
/// central difference's truncation error (`∝ ε²`) is far below the time error of S2O4, large enough that
/// its round-off (`∝ 1/ε`) changes the update by about 10⁻¹³ of a step's change.
const DISCRETE_EPSILON: f64 = 1e-3;

impl Solver {
    /// Sets up this rank's part of a case: domain and halo from the partition `parts` (the owner of every
    /// cell: a table, or a block layout), the operator, and the initial cell averages.
    pub fn new(
        lc: &LoadedCase,
        comm: Comm,
        parts: impl Into<Owners>,
        cells: Cells,
    ) -> Result<Self, RunError> {
        let case = &lc.case;
        let common = case.common();
        let gas = common.gas;
        let scheme = case.scheme();
        let rect = cells.grid().extent();
        let periodic = case.periodicity();
        let (reach, hops) = scheme.reach();
        let dom = LocalDomain::new(parts, comm.rank(), comm.size(), |c| {
            cells.stencil(c, reach, hops, periodic)
        });
        if dom.owned.is_empty() {
            return Err(RunError::Partition(format!(
                "rank {} owns no cell: use fewer ranks than cells",
                comm.rank()
            )));
        }
        let halo = HaloPlan::new(&comm, &dom);
        let op = scheme
            .build(&common, cells.grid(), &dom.owned, &dom.halo)
            .map_err(RunError::Mesh)?;
        let mut w = op.new_state();
        let ic = InitialCondition::for_case(case, gas, &rect);
        let init: Vec<State> = dom
            .owned
            .par_iter()
            .map(|&c| cells.cell_average(&ic, c, 0.0))
            .collect();
        for (k, s) in init.iter().enumerate() {
            w[op.owned_slots()[k]] = *s;
        }
        op.limit_state(&gas, &mut w);
        let n = dom.owned.len();
        let s = Solver {
            gas,
            cells,
            rect,
            periodic,
            comm,
            dom,
            halo,
            op,
            w,
            wn: init.clone(),
            next: init,
            r1: Residual::new(n),
            r2: Residual::new(n),
            scheme: case.time.scheme,
            derivative: case.time.derivative,
            perturbed: match case.time.derivative {
                TimeDerivative::Scheme => [Vec::new(), Vec::new()],
                TimeDerivative::Discrete => [vec![[0.0; 4]; n], vec![[0.0; 4]; n]],
            },
            time: 0.0,
            step: 0,
            held: Vec::new(),
            retried_steps: 0,
            timers: Timers::default(),
            wall_want: None,
            walls: Vec::new(),
        };
        s.check(0)?;
        Ok(s)
    }

    /// The mesh.
    pub fn grid(&self) -> &Grid {
        self.cells.grid()
    }

    /// The solver cells.
    pub fn cells(&self) -> &Cells {
        &self.cells
    }

    /// The communicator.
    pub fn comm(&self) -> &Comm {
        &self.comm
    }

    /// This rank's cells and halo.
    pub fn domain(&self) -> &LocalDomain {
        &self.dom
    }

    /// The halo plan.
    pub fn halo(&self) -> &HaloPlan {
        &self.halo
    }

    /// The gas.
    pub fn gas(&self) -> Gas {
        self.gas
    }

    /// Conservative averages of the owned cells, in the order of their global ids.
    pub fn owned_states(&self) -> Vec<State> {
        self.op.owned_slots().iter().map(|&k| self.w[k]).collect()
    }

    /// Replaces the owned cells' averages (restart), checking them.
    pub fn set_owned_states(&mut self, states: &[State]) -> Result<(), RunError> {
        assert_eq!(states.len(), self.dom.owned.len());
        let slots = self.op.owned_slots();
        for (k, s) in states.iter().enumerate() {
            self.w[slots[k]] = *s;
        }
        self.check(self.step)
    }

    /// Σᵢ f(Wᵢ)|Ωᵢ| per component over the whole mesh, on rank 0 (`None` elsewhere): exact sums over ranks
    /// ([`Comm::exact_sums`]), the same bits for any split, without gathering the cells.
    pub fn sums(&self, f: impl Fn(f64) -> f64) -> Option<[f64; 4]> {
        let states = self.owned_states();
        let terms: [Vec<f64>; 4] = std::array::from_fn(|q| {
            self.dom
                .owned
                .iter()
                .zip(&states)
                .map(|(&c, s)| f(s[q]) * self.cells.measure(c))
                .collect()
        });
        let t = self
            .comm
            .exact_sums([&terms[0], &terms[1], &terms[2], &terms[3]]);
        self.comm.is_root().then_some(t)
    }

    /// Stages per step of the time scheme.
    pub fn stages(&self) -> u32 {
        match self.scheme {
            TimeScheme::S2o4 => 2,
            _ => 1,
        }
    }

    /// The stable step for the current state, and the maximum over ranks of `flag` (used to agree on a
    /// stop request) in the same reduction.
    pub fn stable_dt(&self, cfl: f64, flag: f64) -> (f64, f64) {
        let m = self.comm.max([self.op.local_rate(&self.w), flag]);
        (self.op.dt_from_rate(cfl, m[0]), m[1])
    }

    /// Advances the solution by `dt`.
    ///
    /// A posteriori limiting: when the step leaves a cell inadmissible (non-finite, ρ ≤ 0 or p ≤ 0), the step
    /// is redone from Wⁿ with the first-order flux on every face of the offending cells and their neighbours
    /// (widening the neighbourhood on each retry); only if that fails too does the run stop. The offending
    /// cells are gathered from all ranks, so every rank retries the same faces. Cells flagged in a retry
    /// keep the first-order flux for the next [`LOW_ORDER_HOLD`] steps.
    pub fn advance(&mut self, dt: f64) -> Result<(), RunError> {
        // Wⁿ into its array, in place (the time loop does not allocate).
        let slots = self.op.owned_slots();
        for (k, s) in self.wn.iter_mut().enumerate() {
            *s = self.w[slots[k]];
        }
        let mut flagged: Vec<usize> = self.held.iter().map(|&(c, _)| c).collect();
        if !flagged.is_empty() {
            self.op.set_low_order(&flagged);
        }
        let mut fresh: Vec<usize> = Vec::new();
        let mut result = Ok(());
        for attempt in 0..=MAX_RETRIES {
            if attempt > 0 {
                let slots = self.op.owned_slots();
                for (k, s) in self.wn.iter().enumerate() {
                    self.w[slots[k]] = *s;
                }
            }
            self.stages_from_wn(dt);
            let bad = self.bad_cells();
            if bad.is_empty() {
                result = Ok(());
                break;
            }
            result = self.report_blow_up(&bad, self.step + 1);
            if attempt == MAX_RETRIES {
                break;
            }
            let grown = self.neighbourhood(&bad, attempt + 1);
            fresh.extend(grown);
            flagged.extend(&fresh);
            flagged.sort_unstable();
            flagged.dedup();
            self.op.set_low_order(&flagged);
        }
        self.op.clear_low_order();
        // Age the held cells and hold the new ones for LOW_ORDER_HOLD steps.
        if !fresh.is_empty() {
            self.retried_steps += 1;
        }
        fresh.sort_unstable();
        fresh.dedup();
        let mut held: Vec<(usize, u32)> = self
            .held
            .iter()
            .filter(|&&(_, n)| n > 1)
            .map(|&(c, n)| (c, n - 1))
            .filter(|(c, _)| fresh.binary_search(c).is_err())
            .collect();
        held.extend(fresh.iter().map(|&c| (c, LOW_ORDER_HOLD)));
        held.sort_unstable();
        self.held = held;
        self.step += 1;
        result
    }

    /// The cells held at first order for a restart file: `[count, cell, steps left, cell, steps left, …]`.
    pub fn held_flat(&self) -> Vec<f64> {
        let mut v = vec![self.held.len() as f64];
        for &(c, n) in &self.held {
            v.push(c as f64);
            v.push(f64::from(n));
        }
        v
    }

    /// Restores the cells held at first order from [`Solver::held_flat`]'s layout.
    pub fn set_held(&mut self, v: &[f64]) -> Result<(), String> {
        let count = v.first().copied().unwrap_or(0.0);
        let n_cells = self.cells.n_cells() as f64;
        let ok = |x: f64, hi: f64| x.fract() == 0.0 && x >= 0.0 && x < hi;
        if !ok(count, f64::MAX) || v.len() != 1 + 2 * count as usize {
            return Err(format!("expected 1 + 2·count values, got {}", v.len()));
        }
        let mut held = Vec::with_capacity(count as usize);
        for p in v[1..].chunks(2) {
            if !ok(p[0], n_cells) || !ok(p[1], f64::from(LOW_ORDER_HOLD) + 1.0) {
                return Err(format!("bad entry ({}, {})", p[0], p[1]));
            }
            held.push((p[0] as usize, p[1] as u32));
        }
        held.sort_unstable();
        self.held = held;
        Ok(())
    }

    /// Inadmissible cells of all ranks (global ids, increasing) with their states, on every rank. Without
    /// allocating when there is none (the check runs after every step).
    fn bad_cells(&self) -> Vec<(usize, State)> {
        let (w, slots, gas) = (&self.w, self.op.owned_slots(), self.gas);
        let op = &self.op;
        let bad = |k: usize| !op.cell_admissible(&gas, w, k);
        let n_bad = op.inadmissible_count(&gas, w);
        let any = self.comm.max_u64([n_bad as u64])[0];
        if any == 0 {
            return Vec::new();
        }
        let local: Vec<(usize, State)> = self
            .dom
            .owned
            .par_iter()
            .enumerate()
            .filter_map(|(k, &c)| bad(k).then_some((c, w[slots[k]])))
            .collect();
        let ids: Vec<u64> = local.iter().map(|&(c, _)| c as u64).collect();
        let vals: Vec<f64> = local.iter().flat_map(|&(_, s)| s).collect();
        let ids = self.comm.all_gather(&ids);
        let vals = self.comm.all_gather(&vals);
        let mut all: Vec<(usize, State)> = ids
            .iter()
            .enumerate()
            .map(|(k, &c)| {
                (
                    c as usize,
                    [
                        vals[4 * k],
                        vals[4 * k + 1],
                        vals[4 * k + 2],
                        vals[4 * k + 3],
                    ],
                )
            })
            .collect();
        all.sort_unstable_by_key(|&(c, _)| c);
        all
    }

    /// Cells within `r` steps of the given ones, with periodic wrap where it applies.
    fn neighbourhood(&self, cells: &[(usize, State)], r: usize) -> Vec<usize> {
        let ids: Vec<usize> = cells.iter().map(|&(c, _)| c).collect();
        self.cells.neighbourhood(&ids, r, self.periodic)
    }

    /// One residual evaluation at time `t`: halo exchange overlapped with the interior work, then ghosts
    /// and the rest, into the residual `into`; `only_lt` asks the operator for `∂ₜL` only.
    fn residual(&mut self, t: f64, dt: f64, into: Slot, only_lt: bool) {
        let t0 = Instant::now();
        let Solver {
            op,
            w,
            halo,
            comm,
            r1,
            r2,
            timers,
            ..
        } = self;
        op.set_time(t);
        op.set_time_derivative_only(only_lt);
        let slots = op.owned_slots();
        halo.pack(|k| w[slots[k]]);
        let ((), wait) = halo.exchange(comm, || op.interior_phase(w, dt));
        halo.received(|h, s| op.put_halo(w, h, s));
        op.complete(w, t);
        op.boundary_phase(w, dt, slot(r1, r2, into));
        timers.halo_wait += wait;
        timers.compute += t0.elapsed().as_secs_f64() - wait;
    }

    /// Replaces `∂ₜL` of the residual `into` (whose `L` is that of the current state) by the total derivative
    /// of the discrete operator along the solution, `[L(W + εL, t + ε) − L(W − εL, t − ε)] / 2ε`,
    /// `ε = DISCRETE_EPSILON · Δt` ([`TimeDerivative::Discrete`]). The current state of the owned cells is
    /// kept in `next` (scratch until the next update) and put back afterwards.
    fn discrete_derivative(&mut self, t: f64, dt: f64, into: Slot) {
        let eps = DISCRETE_EPSILON * dt;
        for (&s, base) in self.op.owned_slots().iter().zip(self.next.iter_mut()) {
            *base = self.w[s];
        }
        for (side, sign) in [(0, 1.0), (1, -1.0)] {
            let Solver {
                op,
                w,
                next,
                r1,
                r2,
                ..
            } = &mut *self;
            let l = &slot(r1, r2, into).l;
            for (&s, (base, lk)) in op.owned_slots().iter().zip(next.iter().zip(l)) {
                w[s] = std::array::from_fn(|q| base[q] + sign * eps * lk[q]);
            }
            // L(W ± εL) lands in the scratch array, L(W) waits in its place meanwhile.
            let swap = |s: &mut Self| {
                std::mem::swap(
                    &mut s.perturbed[side],
                    &mut slot(&mut s.r1, &mut s.r2, into).l,
                )
            };
            swap(self);
            self.residual(t + sign * eps, dt, into, false);
            swap(self);
        }
        let t0 = Instant::now();
        let [plus, minus] = &self.perturbed;
        let lt = &mut slot(&mut self.r1, &mut self.r2, into).lt;
        lt.par_iter_mut().enumerate().for_each(|(k, lt)| {
            *lt = std::array::from_fn(|q| (plus[k][q] - minus[k][q]) / (2.0 * eps));
        });
        for (&s, base) in self.op.owned_slots().iter().zip(&self.next) {
            self.w[s] = *base;
        }
        self.timers.compute += t0.elapsed().as_secs_f64();
    }

    /// Samples the boundary faces of the patches marked in `want` (by [`SpatialOperator::patch_names`] index)
    /// during the next step, from the fluxes of its first stage (at the step's start time); `None` stops.
    pub fn sample_walls(&mut self, want: Option<Vec<bool>>) {
        self.wall_want = want;
    }

    /// The wall samples of the last sampled step (this rank's faces).
    pub fn wall_samples(&self) -> &[WallSample] {
        &self.walls
    }

    /// Troubled and owned elements of this rank in the last residual evaluation, for a scheme that limits
    /// troubled elements.
    pub fn troubled(&self) -> Option<(usize, usize)> {
        self.op.troubled()
    }

    /// Names of the boundary patches.
    pub fn patch_names(&self) -> Vec<String> {
        self.op.patch_names()
    }

    /// Conservative averages of the given global units that this rank owns, as `(position in units, state)`.
    pub fn owned_unit_states(&self, units: &[usize]) -> Vec<(usize, State)> {
        let slots = self.op.owned_slots();
        units
            .iter()
            .enumerate()
            .filter_map(|(i, u)| {
                // Owned cells are in increasing global order.
                let k = self.dom.owned.binary_search(u).ok()?;
                Some((i, self.w[slots[k]]))
            })
            .collect()
    }

    /// The stages of one step from `Wⁿ` (in `wn`, and in `w` on entry).
    fn stages_from_wn(&mut self, dt: f64) {
        let t = self.time;
        let discrete = self.derivative == TimeDerivative::Discrete;
        self.residual(t, dt, Slot::First, false);
        if let Some(want) = &self.wall_want {
            self.walls = self.op.wall_samples(&self.w, want, dt);
        }
        if discrete && self.scheme != TimeScheme::Euler {
            self.discrete_derivative(t, dt, Slot::First);
        }
        match self.scheme {
            TimeScheme::Euler => self.update(|wn, l, _, _| time::euler(wn, l, dt)),
            TimeScheme::SingleStage => {
                self.update(|wn, l, lt, _| time::single_stage(wn, l, lt, dt))
            }
            TimeScheme::S2o4 => {
                self.update(|wn, l, lt, _| time::s2o4_stage(wn, l, lt, dt));
                // The second stage needs ∂ₜL(W*) only, unless it is taken from L(W*) and its neighbours.
                self.residual(t + 0.5 * dt, dt, Slot::Second, !discrete);
                if discrete {
                    self.discrete_derivative(t + 0.5 * dt, dt, Slot::Second);
                }
                self.update(|wn, l, lt, lt2| time::s2o4_final(wn, l, lt, lt2, dt));
            }
        }
    }

    /// `w = f(wₙ, L, ∂ₜL(Wₙ), ∂ₜL(W*))` per component on the owned cells.
    fn update(&mut self, f: impl Fn(f64, f64, f64, f64) -> f64 + Sync) {
        let t0 = Instant::now();
        let (wn, r1, r2) = (&self.wn, &self.r1, &self.r2);
        self.next.par_iter_mut().enumerate().for_each(|(k, out)| {
            for q in 0..4 {
                out[q] = f(wn[k][q], r1.l[k][q], r1.lt[k][q], r2.lt[k][q]);
            }
        });
        let slots = self.op.owned_slots();
        for (k, s) in self.next.iter().enumerate() {
            self.w[slots[k]] = *s;
        }
        self.op.limit_state(&self.gas, &mut self.w);
        self.timers.compute += t0.elapsed().as_secs_f64();
    }

    /// Blow-up check of the current state (collective).
    pub fn check(&self, step: u64) -> Result<(), RunError> {
        let bad = self.bad_cells();
        if bad.is_empty() {
            Ok(())
        } else {
            self.report_blow_up(&bad, step)
        }
    }

    /// The blow-up error for the first (lowest global id) inadmissible cell.
    fn report_blow_up(&self, bad: &[(usize, State)], step: u64) -> Result<(), RunError> {
        let (c, s) = bad[0];
        let [rho, u, v, pr] = self.gas.primitive(&s);
        Err(RunError::BlowUp {
            step,
            time: self.time,
            cell: c,
            location: self.cells.locate(c),
            rho,
            u,
            v,
            p: pr,
        })
    }

    /// Density errors against the exact solution at the current time (integral norms over the domain), on
    /// rank 0 (collective): every rank measures its own cells (elements, for schemes whose solver cells are
    /// solution points), and the norms are exact sums and maxima over ranks.
    pub fn density_errors(&self, lc: &LoadedCase) -> Option<Errors> {
        let ic = InitialCondition::for_case(&lc.case, self.gas, &self.rect);
        let uniform = lc.case.initial.kind == crate::case::InitialKind::Uniform;
        if !ic.has_exact_solution() || (uniform && !lc.case.uniform_state_is_steady()) {
            return None;
        }
        let (e, area, n, norm) = if self.cells.pointwise() {
            let (e, area) = self.element_density_errors(&ic);
            let norm =
                "errors of element-mean density against exact element averages; l1 = sum|e|*area, \
                        l2 = sqrt(sum e^2*area), linf = max|e|, l1_mean = sum|e|/N (N elements)";
            (e, area, self.cells.n_output_cells(), norm)
        } else {
            let num = self.owned_states();
            let (cells, t) = (&self.cells, self.time);
            let e: Vec<f64> = (self.dom.owned.par_iter().zip(num.par_iter()))
                .map(|(&c, s)| s[0] - cells.cell_average(&ic, c, t)[0])
                .collect();
            let area = self.dom.owned.iter().map(|&c| cells.measure(c)).collect();
            let norm = "errors of cell-averaged density against exact cell averages; l1 = sum|e|*area, \
                        l2 = sqrt(sum e^2*area) (area = cell length dx for 1D strips), linf = max|e|, \
                        l1_mean = sum|e|/N";
            (e, area, self.cells.n_cells(), norm)
        };
        self.error_norms(&e, &area, n, norm)
    }
}

impl Solver {
    /// The errors of this rank's element means against the exact element averages, with the element areas,
    /// for schemes whose solver cells are solution points ([`Cells::pointwise`]; a rank owns whole elements).
    fn element_density_errors(&self, ic: &InitialCondition) -> (Vec<f64>, Vec<f64>) {
        let (cells, t) = (&self.cells, self.time);
        let states = self.owned_states();
        let means = cells.element_means(&states);
        let elements = cells.elements_of(&self.dom.owned);
        let e = (means.par_iter().zip(elements.par_iter()))
            .map(|(m, &k)| m[0] - cells.element_average(ic, k, t)[0])
            .collect();
        let area = elements.iter().map(|&k| cells.grid().measure(k)).collect();
        (e, area)
    }

    /// L1, L2, L∞ and mean absolute norms of this rank's errors `e` with areas `area` over all ranks (`n`
    /// cells or elements in all), on rank 0.
    fn error_norms(&self, e: &[f64], area: &[f64], n: usize, norm: &str) -> Option<Errors> {
        let abs: Vec<f64> = e.iter().map(|x| x.abs()).collect();
        let l1: Vec<f64> = abs.iter().zip(area).map(|(x, a)| x * a).collect();
        let l2: Vec<f64> = e.iter().zip(area).map(|(x, a)| x * x * a).collect();
        let [l1, l2, sum_abs] = self.comm.exact_sums([&l1, &l2, &abs]);
        let [linf] = self.comm.max([abs.iter().fold(0.0, |m: f64, &x| m.max(x))]);
        self.comm.is_root().then(|| Errors {
            norm: norm.into(),
            l1,
            l2: l2.sqrt(),
            linf,
            l1_mean: sum_abs / n as f64,
        })
    }
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
