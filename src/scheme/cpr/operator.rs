//! The CPR-GKS operator of one rank: a stage is the traces of every element's polynomial at its flux points,
//! the gas-kinetic flux with its time derivative at the flux points of every face (in batches, through the
//! shared [`PointFlux`]), the volume terms at the solution points, and the lifting of the flux jumps.
//!
//! Interior phase (reads owned elements only, overlaps the halo exchange): the traces and volume terms of the
//! owned elements and the faces between owned elements (and on boundaries). Boundary phase: the halo
//! elements' traces, the remaining faces, and the residuals.

use rayon::prelude::*;
use std::sync::Arc;

use super::element::{self, ElementGeometry};
use super::faces::CprFaces;
use super::reference::Reference;
use super::subcells::Subcells;
use super::CprParams;
use crate::mesh::TriMesh;
use crate::physics::flux::BATCH;
use crate::physics::FluxParams;
use crate::physics::{Gas, State};
use crate::scheme::unstructured::faces::{triangle, NONE};
use crate::scheme::unstructured::flux::{PointFlux, PointInput};
use crate::scheme::unstructured::{Numbering, Phase, TRI_VISCOUS_RATE};
use crate::scheme::{Common, LowOrder, Residual, SpatialOperator, WallSample};

/// State, normal and tangential derivative of a polynomial at a face flux point.
type Side = (State, State, State);

/// An element edge without a face on this rank.
const NO_SLOT: u32 = u32::MAX;

/// The slot of an element edge: `2·face + 1` on the right of the face, `2·face` on its left.
#[inline]
fn slot(face: usize, left: bool) -> u32 {
    (2 * face + usize::from(!left)) as u32
}

/// The index in `sides` of flux point `p` (along the element's edge) of the element edge with slot `s`:
/// the right element runs along the face backwards.
#[inline]
fn side_index(s: u32, p: usize, nfe: usize) -> usize {
    let (face, right) = (s as usize / 2, s % 2 == 1);
    let l = if right { nfe - 1 - p } else { p };
    2 * (face * nfe + l) + usize::from(right)
}

/// A slice that the parallel element pass writes through at disjoint indices.
#[derive(Clone, Copy)]
struct Scatter<T> {
    ptr: *mut T,
    len: usize,
}

// SAFETY: the element pass writes every index from one thread only (every face flux point side belongs to
// exactly one element edge, checked in `CprOperator::new`), and nothing reads the slice meanwhile.
unsafe impl<T: Send> Send for Scatter<T> {}
unsafe impl<T: Send> Sync for Scatter<T> {}

impl<T> Scatter<T> {
    fn new(v: &mut [T]) -> Self {
        Scatter {
            ptr: v.as_mut_ptr(),
            len: v.len(),
        }
    }

    /// Writes `x` at `i`.
    ///
    /// # Safety
    /// No other thread writes or reads index `i` while the scatter lives.
    #[inline(always)]
    unsafe fn write(&self, i: usize, x: T) {
        assert!(i < self.len);
        // SAFETY: in bounds (asserted), exclusive by the caller's contract.
        unsafe { self.ptr.add(i).write(x) }
    }
}

/// Elements per rayon task of the element pass.
const ELEMENTS_PER_TASK: usize = 8;

/// Face batches per rayon task.
const BATCHES_PER_TASK: usize = 4;

/// The CPR-GKS operator of one rank.
pub struct CprOperator {
    gas: Gas,
    flux: FluxParams,
    viscous: bool,
    time: f64,
    r: Arc<Reference>,
    patch_names: Vec<String>,
    num: Numbering,
    /// Every local element's map.
    geom: Vec<ElementGeometry>,
    faces: CprFaces,
    /// Per local element and edge: where its flux points go in `sides` ([`NO_SLOT`] for an edge that is no
    /// face of this rank), see [`slot`].
    slots: Vec<[u32; 3]>,
    /// Per face flux point `i` (in face order), `sides[2i]` and `sides[2i + 1]`: state, normal and
    /// tangential derivative along the face normal of its left and right element (the element mean with
    /// zero slopes where the trace is not admissible), written by the element pass in the order the face
    /// batches read them.
    sides: Vec<Side>,
    /// Mean of every local element (the fallback state at a flux point).
    means: Vec<State>,
    /// `(−∇·Π(F), −∇·Π(∂ₜF))` per owned solution point.
    vol: Vec<(State, State)>,
    /// `(Π(F)·n, Π(∂ₜF)·n)` per owned element's flux point.
    normal: Vec<(State, State)>,
    /// `(F⁰, ∂ₜF⁰)` per face flux point, along the face normal.
    fluxes: Vec<(State, State)>,
    /// Elements (by local solution point) whose update falls back to first order.
    low_order: LowOrder,
    /// Rate factor of the time step: `(2p + 1)` times the calibration of [`CprParams::rate_factor`].
    rate_factor: f64,
    /// The subcells of troubled elements and the indicator's threshold (`None`: no limiting).
    subcells: Option<(Subcells, f64)>,
    /// The stage computes `∂ₜL` only (see [`SpatialOperator::set_time_derivative_only`]): the untroubled
    /// elements skip the flux parts of their volume terms and lifting.
    lt_only: bool,
    /// Per owned element: troubled in the last stage (its volume terms are then the subcells' internal
    /// flux integrals).
    troubled: Vec<bool>,
}

impl CprOperator {
    /// The operator for the `owned` elements (global ids, increasing) reading the `halo` elements.
    pub fn new(
        common: &Common,
        params: &CprParams,
        mesh: &TriMesh,
        owned: &[usize],
        halo: &[usize],
    ) -> Result<Self, String> {
        let r = Reference::cached(params.degree)?;
        let bcs = common.patch_conditions(&mesh.patches)?;
        let num = Numbering::new(owned, halo, r.np);
        let faces = CprFaces::new(mesh, &r, &num, &bcs)?;
        let geom: Vec<ElementGeometry> = num
            .global()
            .iter()
            .map(|&g| ElementGeometry::new(&triangle(mesh, g, [0.0; 2])))
            .collect();
        let (nl, no, nfp) = (num.n_local(), num.n_own(), 3 * r.nfe);
        let subcells = match params.limiter {
            true => Some((
                Subcells::new(&r)?,
                params
                    .threshold
                    .unwrap_or(super::subcells::default_threshold(r.degree)),
            )),
            false => None,
        };
        let mut slots = vec![[NO_SLOT; 3]; nl];
        for (i, f) in faces.faces.iter().enumerate() {
            let mut put = |e: usize, k: usize, left: bool| {
                if slots[e][k] != NO_SLOT {
                    return Err(format!("element {e} edge {k} is on two faces"));
                }
                slots[e][k] = slot(i, left);
                Ok(())
            };
            put(f.left, f.ledge, true)?;
            if f.right != NONE {
                put(f.right, f.redge, false)?;
            }
        }
        Ok(CprOperator {
            gas: common.gas,
            flux: common.flux,
            viscous: common.flux.viscosity.is_viscous(),
            time: 0.0,
            patch_names: mesh.patches.clone(),
            geom,
            sides: vec![([0.0; 4], [0.0; 4], [0.0; 4]); 2 * faces.faces.len() * r.nfe],
            slots,
            means: vec![[0.0; 4]; nl],
            vol: vec![([0.0; 4], [0.0; 4]); no * r.np],
            normal: vec![([0.0; 4], [0.0; 4]); no * nfp],
            fluxes: vec![([0.0; 4], [0.0; 4]); faces.faces.len() * r.nfe],
            low_order: LowOrder::new(nl * r.np),
            rate_factor: params.rate_factor(),
            subcells,
            troubled: vec![false; no],
            lt_only: false,
            faces,
            num,
            r,
        })
    }

    /// Means and face-point sides of the local elements `range`, and (owned ones) their volume terms, in
    /// one pass per element.
    fn elements(&mut self, w: &[State], range: std::ops::Range<usize>, dt: f64) {
        match self.r.degree {
            1 => self.elements_of::<3, 6>(w, range, dt),
            2 => self.elements_of::<6, 9>(w, range, dt),
            3 => self.elements_of::<10, 12>(w, range, dt),
            4 => self.elements_of::<15, 15>(w, range, dt),
            5 => self.elements_of::<21, 18>(w, range, dt),
            p => unreachable!("degree {p} was checked"),
        }
    }

    /// [`CprOperator::elements`] with `NP` solution and `NFP` flux points per element.
    fn elements_of<const NP: usize, const NFP: usize>(
        &mut self,
        w: &[State],
        range: std::ops::Range<usize>,
        dt: f64,
    ) {
        let r = &*self.r;
        let (np, nfe, nfp) = (NP, NFP / 3, NFP);
        assert!(r.np == NP && 3 * r.nfe == NFP);
        let n_own = self.num.n_own();
        let (gas, geom, slots, faces) = (&self.gas, &self.geom, &self.slots, &self.faces.faces);
        let visc = self.viscous.then_some(&self.flux.viscosity);
        let lt_only = self.lt_only;
        let sub = self.subcells.as_ref();
        // With limiting, an element that is not troubled has admissible traces (checked by `troubled_by`).
        let limited = sub.is_some();
        let pf = PointFlux {
            gas: &self.gas,
            flux: &self.flux,
            viscous: self.viscous,
            time: self.time,
        };
        let sides = Scatter::new(&mut self.sides);
        // The subcells of element `e` with values `we` and traces `tr` when it is troubled.
        let troubled_by = move |we: &[State; NP], tr: &[[State; 3]; NFP]| {
            sub.filter(|(sc, thr)| {
                !we.iter().all(|s| gas.admissible(s))
                    || !tr.iter().all(|t| gas.admissible(&t[0]))
                    || sc.energy(gas, we) > *thr
            })
            .map(|(sc, _)| sc)
        };
        // Mean and face-point sides of element `e` (from its values `we` and its value and gradient
        // `trace(c)` at flux point `c`); `checked`: every trace is known to be admissible.
        let put_sides = move |e: usize,
                              we: &[State; NP],
                              trace: &dyn Fn(usize) -> [State; 3],
                              checked: bool| {
            let mean = element::mean(r, we);
            for (k, &s) in slots[e].iter().enumerate() {
                if s == NO_SLOT {
                    continue;
                }
                let n = faces[s as usize / 2].n;
                for p in 0..nfe {
                    let [v, dx, dy] = trace(k * nfe + p);
                    let side = if checked || gas.admissible(&v) {
                        let dn = std::array::from_fn(|q| dx[q] * n[0] + dy[q] * n[1]);
                        let dt = std::array::from_fn(|q| -dx[q] * n[1] + dy[q] * n[0]);
                        (v, dn, dt)
                    } else {
                        (mean, [0.0; 4], [0.0; 4])
                    };
                    // SAFETY: every (face flux point, side) belongs to one element edge (checked in `new`),
                    // so no two elements write the same index, and `sides` is read after the pass only.
                    unsafe { sides.write(side_index(s, p, nfe), side) };
                }
            }
            mean
        };
        let values = |e: usize| -> &[State; NP] {
            w[e * np..(e + 1) * np].try_into().expect("solution points")
        };
        let owned = range.start.min(n_own)..range.end.min(n_own);
        let halo = range.start.max(n_own)..range.end.max(n_own);
        let vol = &mut self.vol[owned.start * np..owned.end * np];
        let normal = &mut self.normal[owned.start * nfp..owned.end * nfp];
        let troubled = &mut self.troubled[owned.clone()];
        let means = &mut self.means[range.clone()];
        let (mo, mh) = means.split_at_mut(owned.len());
        vol.par_chunks_mut(np)
            .zip(normal.par_chunks_mut(nfp))
            .zip(mo.par_iter_mut().zip(troubled.par_iter_mut()))
            .enumerate()
            .with_min_len(ELEMENTS_PER_TASK)
            .for_each(|(i, ((v, nf), (m, t)))| {
                let e = owned.start + i;
                let we = values(e);
                let g = &geom[e];
                let tr = element::traces::<NP, NFP>(r, g, we);
                *t = match troubled_by(we, &tr) {
                    Some(sc) => {
                        let rec = sc.reconstruct(r, gas, g, we);
                        *m = put_sides(e, we, &|c| sc.trace(&rec, g, r, c), false);
                        sc.internal(&pf, &rec, g, dt, v);
                        true
                    }
                    None => {
                        *m = put_sides(e, we, &|c| tr[c], limited);
                        let fl = element::volume_fluxes::<NP>(r, g, gas, visc, we);
                        match lt_only {
                            false => element::volume::<NP, NFP, true>(r, g, &fl, v, nf),
                            true => element::volume::<NP, NFP, false>(r, g, &fl, v, nf),
                        }
                        false
                    }
                };
            });
        mh.par_iter_mut()
            .enumerate()
            .with_min_len(ELEMENTS_PER_TASK)
            .for_each(|(i, m)| {
                let e = halo.start + i;
                let (we, g) = (values(e), &geom[e]);
                let tr = element::traces::<NP, NFP>(r, g, we);
                *m = match troubled_by(we, &tr) {
                    Some(sc) => {
                        let rec = sc.reconstruct(r, gas, g, we);
                        put_sides(e, we, &|c| sc.trace(&rec, g, r, c), false)
                    }
                    None => put_sides(e, we, &|c| tr[c], limited),
                };
            });
    }

    /// The fluxes at the flux points of the faces of `phase`, in batches of [`BATCH`] points.
    fn run_faces(&mut self, phase: Phase, dt: f64) {
        let nfe = self.r.nfe;
        let range = self.faces.range(phase);
        let mut fluxes = std::mem::take(&mut self.fluxes);
        let this = &*self;
        let pf = PointFlux {
            gas: &this.gas,
            flux: &this.flux,
            viscous: this.viscous,
            time: this.time,
        };
        let (faces, sides, edge_t) = (&this.faces.faces, &this.sides, &this.r.edge_t);
        let zero = [0.0; 4];
        let input = |idx: usize| {
            let (f, l) = (&faces[idx / nfe], idx % nfe);
            let low = this.low_order.face(f.left * this.r.np, NONE)
                || (f.right != NONE && this.low_order.face(f.right * this.r.np, NONE));
            let (left, right) = if low {
                let left = (this.means[f.left], zero, zero);
                let right = if f.right == NONE {
                    left
                } else {
                    (this.means[f.right], zero, zero)
                };
                (left, right)
            } else {
                let left = sides[2 * idx];
                (
                    left,
                    if f.right == NONE {
                        left
                    } else {
                        sides[2 * idx + 1]
                    },
                )
            };
            PointInput {
                n: f.n,
                x: f.point(edge_t[l]),
                ilen: f.ilen,
                bc: f.bc,
                left,
                right,
            }
        };
        let first = range.start * nfe;
        fluxes[first..range.end * nfe]
            .par_chunks_mut(BATCH)
            .enumerate()
            .with_min_len(BATCHES_PER_TASK)
            .for_each(|(b, out)| {
                let base = first + b * BATCH;
                // Each point straight into its lane: an array of the batch's inputs was copied
                // (`memmove`, 3 % of a step).
                pf.fluxes_by(|k| input(base + k), out, dt);
            });
        self.fluxes = fluxes;
    }

    /// The residuals of the owned elements from the volume terms and the lifted flux jumps.
    fn assemble(&self, res: &mut Residual) {
        match (self.r.degree, self.lt_only) {
            (1, false) => self.assemble_of::<3, 6, true>(res),
            (2, false) => self.assemble_of::<6, 9, true>(res),
            (3, false) => self.assemble_of::<10, 12, true>(res),
            (4, false) => self.assemble_of::<15, 15, true>(res),
            (5, false) => self.assemble_of::<21, 18, true>(res),
            (1, true) => self.assemble_of::<3, 6, false>(res),
            (2, true) => self.assemble_of::<6, 9, false>(res),
            (3, true) => self.assemble_of::<10, 12, false>(res),
            (4, true) => self.assemble_of::<15, 15, false>(res),
            (5, true) => self.assemble_of::<21, 18, false>(res),
            (p, _) => unreachable!("degree {p} was checked"),
        }
    }

    /// [`CprOperator::assemble`] with `NP` solution and `NFP` flux points per element; `L = false`: the
    /// untroubled elements compute `∂ₜL` only (their `L` is left as it was).
    fn assemble_of<const NP: usize, const NFP: usize, const L: bool>(&self, res: &mut Residual) {
        let r = &*self.r;
        let (np, nfe, nfp) = (NP, NFP / 3, NFP);
        assert!(r.np == NP && 3 * r.nfe == NFP);
        res.l
            .par_chunks_mut(np)
            .zip(res.lt.par_chunks_mut(np))
            .enumerate()
            .with_min_len(ELEMENTS_PER_TASK)
            .for_each(|(e, (l, lt))| {
                let g = &self.geom[e];
                let normal: &[(State, State); NFP] = self.normal[e * nfp..(e + 1) * nfp]
                    .try_into()
                    .expect("flux points");
                let faces = &self.faces.element_faces[e];
                // The common fluxes along the element's outward normals, and their jumps over the
                // interpolated normal fluxes.
                let outward: [(State, State); NFP] = std::array::from_fn(|c| {
                    let (k, p) = (c / nfe, c % nfe);
                    let (fi, left) = faces[k];
                    let idx = if left { p } else { nfe - 1 - p };
                    let (f0, fd) = self.fluxes[fi as usize * nfe + idx];
                    let s = if left { 1.0 } else { -1.0 };
                    (f0.map(|x| s * x), fd.map(|x| s * x))
                });
                let jumps: [(State, State); NFP] = std::array::from_fn(|c| {
                    let ((f0, fd), (n0, nd)) = (outward[c], normal[c]);
                    (
                        std::array::from_fn(|q| f0[q] - n0[q]),
                        std::array::from_fn(|q| fd[q] - nd[q]),
                    )
                });
                if self.low_order.face(e * np, NONE) {
                    self.first_order(e, &jumps, l, lt);
                    return;
                }
                if let (true, Some((sc, _))) = (self.troubled[e], &self.subcells) {
                    let edge = |c: usize| outward[c];
                    sc.residuals(g, &self.vol[e * np..(e + 1) * np], edge, l, lt);
                    return;
                }
                let scale: [f64; 3] = std::array::from_fn(|k| g.len[k] / g.area);
                let coef: [f64; NFP] = std::array::from_fn(|c| scale[c / nfe]);
                for j in 0..np {
                    let (mut a, mut b) = self.vol[e * np + j];
                    let row: &[f64; NFP] =
                        r.lift[j * nfp..(j + 1) * nfp].try_into().expect("lift row");
                    for c in 0..NFP {
                        let cc = coef[c] * row[c];
                        let (j0, jd) = &jumps[c];
                        for q in 0..4 {
                            if L {
                                a[q] -= cc * j0[q];
                            }
                            b[q] -= cc * jd[q];
                        }
                    }
                    if L {
                        l[j] = a;
                    }
                    lt[j] = b;
                }
            });
    }

    /// The first-order update of a marked element: every solution point moves by the mean update
    /// `−(1/|Ω|) ∮ F̂·n` (the jumps plus the interpolated normal fluxes are the face fluxes).
    fn first_order(&self, e: usize, jumps: &[(State, State)], l: &mut [State], lt: &mut [State]) {
        let (r, nfe, nfp) = (&*self.r, self.r.nfe, 3 * self.r.nfe);
        let g = &self.geom[e];
        let mut a = [0.0; 4];
        let mut b = [0.0; 4];
        for (c, &(j0, jd)) in jumps.iter().enumerate().take(nfp) {
            let (n0, nd) = self.normal[e * nfp + c];
            let wgt = g.len[c / nfe] * r.edge_w[c % nfe] / g.area;
            for q in 0..4 {
                a[q] -= wgt * (j0[q] + n0[q]);
                b[q] -= wgt * (jd[q] + nd[q]);
            }
        }
        l.iter_mut().for_each(|x| *x = a);
        lt.iter_mut().for_each(|x| *x = b);
    }
}

impl SpatialOperator for CprOperator {
    fn new_state(&self) -> Vec<State> {
        self.num.new_state()
    }

    fn owned_slots(&self) -> &[usize] {
        self.num.owned_slots()
    }

    fn put_halo(&self, w: &mut [State], h: usize, s: State) {
        w[self.num.halo_slot(h)] = s;
    }

    fn set_time(&mut self, t: f64) {
        self.time = t;
    }

    fn set_time_derivative_only(&mut self, only: bool) {
        self.lt_only = only;
    }

    fn interior_phase(&mut self, w: &[State], dt: f64) {
        self.elements(w, 0..self.num.n_own(), dt);
        self.run_faces(Phase::Interior, dt);
    }

    fn boundary_phase(&mut self, w: &[State], dt: f64, res: &mut Residual) {
        self.elements(w, self.num.n_own()..self.num.n_local(), dt);
        self.run_faces(Phase::Boundary, dt);
        self.assemble(res);
    }

    /// The largest `(2p + 1)·c·(|U| + c + 2 ν-speed)/h` over the owned solution points.
    fn local_rate(&self, w: &[State]) -> f64 {
        let (gas, np) = (self.gas, self.r.np);
        let visc = self.flux.viscosity;
        (0..self.num.n_own() * np)
            .into_par_iter()
            .map(|u| {
                let (s, h) = (&w[u], self.geom[u / np].size);
                let v = TRI_VISCOUS_RATE * visc.viscous_speed(&gas, s, h) * self.rate_factor;
                (gas.signal_speed(s) + v) * self.rate_factor / h
            })
            .reduce(|| 0.0, f64::max)
    }

    fn dt_from_rate(&self, cfl: f64, rate: f64) -> f64 {
        cfl / rate
    }

    fn patch_names(&self) -> Vec<String> {
        self.patch_names.clone()
    }

    fn wall_samples(&self, w: &[State], want: &[bool], dt: f64) -> Vec<WallSample> {
        let (nfe, np) = (self.r.nfe, self.r.np);
        self.faces
            .faces
            .iter()
            .enumerate()
            .filter(|(_, f)| f.bc.is_some() && want.get(f.patch as usize).copied().unwrap_or(false))
            .map(|(i, f)| {
                let mut flux = [0.0; 4];
                for l in 0..nfe {
                    let (f0, fd) = self.fluxes[i * nfe + l];
                    let wl = self.r.edge_w[l];
                    for q in 0..4 {
                        flux[q] += wl * (f0[q] + 0.5 * dt * fd[q]);
                    }
                }
                let m = element::mean(&self.r, &w[f.left * np..(f.left + 1) * np]);
                WallSample {
                    patch: f.patch as usize,
                    x: f.point(0.5),
                    n: f.n,
                    len: f.len,
                    flux,
                    p: self.gas.pressure(&m),
                }
            })
            .collect()
    }

    fn set_low_order(&mut self, cells: &[usize]) {
        let num = &self.num;
        self.low_order.mark(cells, |k| Some(num.unit_global(k)));
    }

    fn clear_low_order(&mut self) {
        self.low_order.clear();
    }

    /// With subcell limiting: every owned element whose subcell averages are not all admissible is
    /// scaled towards its mean ([`Subcells::positivity`]).
    fn limit_state(&self, gas: &Gas, w: &mut [State]) {
        if let Some((sc, _)) = &self.subcells {
            let (np, r) = (self.r.np, &*self.r);
            w[..self.num.n_own() * np]
                .par_chunks_mut(np)
                .with_min_len(ELEMENTS_PER_TASK)
                .for_each(|we| sc.positivity(r, gas, we));
        }
    }

    /// With subcell limiting: the subcell average that corresponds to the solution point (a troubled
    /// element goes on from its subcell averages; an untroubled one whose points are not admissible becomes
    /// troubled). Without: the point's own state.
    fn cell_admissible(&self, gas: &Gas, w: &[State], k: usize) -> bool {
        let (np, slot) = (self.r.np, self.num.owned_slots()[k]);
        let (e, j) = (slot / np, slot % np);
        match &self.subcells {
            Some((sc, _)) => gas.admissible(&sc.average(&w[e * np..(e + 1) * np], j)),
            None => gas.admissible(&w[slot]),
        }
    }

    /// With subcell limiting, per element: after [`Subcells::positivity`] every subcell average of an element
    /// with an admissible mean is admissible (the limiter brings each one up to a positive floor), so only
    /// the elements whose mean is not admissible are checked subcell by subcell; the count is the one
    /// [`SpatialOperator::cell_admissible`] gives.
    fn inadmissible_count(&self, gas: &Gas, w: &[State]) -> usize {
        let Some((sc, _)) = &self.subcells else {
            return (0..self.num.n_own() * self.r.np)
                .into_par_iter()
                .filter(|&k| !self.cell_admissible(gas, w, k))
                .count();
        };
        let (np, r) = (self.r.np, &*self.r);
        w[..self.num.n_own() * np]
            .par_chunks(np)
            .with_min_len(ELEMENTS_PER_TASK)
            .map(|we| match gas.admissible(&element::mean(r, we)) {
                true => 0,
                false => (0..np)
                    .filter(|&j| !gas.admissible(&sc.average(we, j)))
                    .count(),
            })
            .sum()
    }

    fn troubled(&self) -> Option<(usize, usize)> {
        let n = self.troubled.iter().filter(|&&t| t).count();
        self.subcells.as_ref().map(|_| (n, self.troubled.len()))
    }
}
