//! The CPR-GKS operator of one rank: a stage is the traces of every element's polynomial at its flux points,
//! the gas-kinetic flux with its time derivative at the flux points of every face (in batches, through the
//! shared [`PointFlux`]), the volume terms at the solution points, and the lifting of the flux jumps.
//!
//! Interior phase (reads owned elements only, overlaps the halo exchange): the traces and volume terms of the
//! owned elements and the faces between owned elements (and on boundaries). Boundary phase: the halo
//! elements' traces, the remaining faces, and the residuals.

use rayon::prelude::*;
use std::sync::Arc;

use super::element::{self, ElementGeometry, Trace, VolumeFluxes, MAX_NP};
use super::faces::{CprFace, CprFaces};
use super::reference::Reference;
use super::CprParams;
use crate::mesh::TriMesh;
use crate::physics::flux::BATCH;
use crate::physics::FluxParams;
use crate::physics::{Gas, State};
use crate::scheme::unstructured::faces::{triangle, NONE};
use crate::scheme::unstructured::flux::{PointFlux, PointInput};
use crate::scheme::unstructured::{Numbering, Phase, TRI_VISCOUS_RATE};
use crate::scheme::{Common, LowOrder, Residual, SpatialOperator, WallSample};

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
    /// `3·nfe` traces per local element.
    traces: Vec<Trace>,
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
        Ok(CprOperator {
            gas: common.gas,
            flux: common.flux,
            viscous: common.flux.viscosity.is_viscous(),
            time: 0.0,
            patch_names: mesh.patches.clone(),
            geom,
            traces: vec![[[0.0; 4]; 3]; nl * nfp],
            means: vec![[0.0; 4]; nl],
            vol: vec![([0.0; 4], [0.0; 4]); no * r.np],
            normal: vec![([0.0; 4], [0.0; 4]); no * nfp],
            fluxes: vec![([0.0; 4], [0.0; 4]); faces.faces.len() * r.nfe],
            low_order: LowOrder::new(nl * r.np),
            rate_factor: params.rate_factor(),
            faces,
            num,
            r,
        })
    }

    /// Traces and means of the local elements `range`, and (owned ones) their volume terms.
    fn elements(&mut self, w: &[State], range: std::ops::Range<usize>) {
        let (r, np, nfp) = (&*self.r, self.r.np, 3 * self.r.nfe);
        let n_own = self.num.n_own();
        let (gas, geom) = (&self.gas, &self.geom);
        let visc = self.viscous.then_some(&self.flux.viscosity);
        let traces = &mut self.traces[range.start * nfp..range.end * nfp];
        let means = &mut self.means[range.clone()];
        traces
            .par_chunks_mut(nfp)
            .zip(means.par_iter_mut())
            .enumerate()
            .for_each(|(i, (tr, m))| {
                let e = range.start + i;
                let we = &w[e * np..(e + 1) * np];
                element::traces(r, &geom[e], we, tr);
                *m = element::mean(r, we);
            });
        if range.start >= n_own {
            return;
        }
        let end = range.end.min(n_own);
        let vol = &mut self.vol[range.start * np..end * np];
        let normal = &mut self.normal[range.start * nfp..end * nfp];
        vol.par_chunks_mut(np)
            .zip(normal.par_chunks_mut(nfp))
            .enumerate()
            .for_each(|(i, (v, nf))| {
                let e = range.start + i;
                let mut fl = VolumeFluxes {
                    reference: [[[0.0; 4]; 4]; MAX_NP],
                    global: [[[0.0; 4]; 4]; MAX_NP],
                };
                element::volume_fluxes(r, &geom[e], gas, visc, &w[e * np..(e + 1) * np], &mut fl);
                element::volume(r, &geom[e], &fl, v, nf);
            });
    }

    /// State, normal and tangential derivative of element `e`'s polynomial at its flux point `c`, along
    /// the face normal `n`; the element mean with zero slopes where that state is not admissible or the
    /// element is marked low order.
    #[inline]
    fn side(&self, e: usize, c: usize, n: [f64; 2]) -> (State, State, State) {
        let zero = [0.0; 4];
        if self.low_order.face(e * self.r.np, NONE) {
            return (self.means[e], zero, zero);
        }
        let [v, dx, dy] = self.traces[e * 3 * self.r.nfe + c];
        if !self.gas.admissible(&v) {
            return (self.means[e], zero, zero);
        }
        let dn = std::array::from_fn(|q| dx[q] * n[0] + dy[q] * n[1]);
        let dt = std::array::from_fn(|q| -dx[q] * n[1] + dy[q] * n[0]);
        (v, dn, dt)
    }

    /// The inputs of flux point `l` of face `f`.
    #[inline]
    fn point(&self, f: &CprFace, l: usize) -> PointInput {
        let nfe = self.r.nfe;
        let low = self.low_order.face(f.left * self.r.np, NONE)
            || (f.right != NONE && self.low_order.face(f.right * self.r.np, NONE));
        let zero = [0.0; 4];
        let left = if low {
            (self.means[f.left], zero, zero)
        } else {
            self.side(f.left, f.ledge * nfe + l, f.n)
        };
        let right = if f.right == NONE {
            left
        } else if low {
            (self.means[f.right], zero, zero)
        } else {
            self.side(f.right, f.redge * nfe + (nfe - 1 - l), f.n)
        };
        PointInput {
            n: f.n,
            x: f.point(self.r.edge_t[l]),
            ilen: f.ilen,
            bc: f.bc,
            left,
            right,
        }
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
        let first = range.start * nfe;
        fluxes[first..range.end * nfe]
            .par_chunks_mut(BATCH)
            .enumerate()
            .for_each(|(b, out)| {
                let mut pts = [PointInput {
                    n: [1.0, 0.0],
                    x: [0.0; 2],
                    ilen: 0.0,
                    bc: None,
                    left: ([0.0; 4], [0.0; 4], [0.0; 4]),
                    right: ([0.0; 4], [0.0; 4], [0.0; 4]),
                }; BATCH];
                for (k, p) in pts.iter_mut().enumerate().take(out.len()) {
                    let idx = first + b * BATCH + k;
                    *p = this.point(&this.faces.faces[idx / nfe], idx % nfe);
                }
                pf.fluxes(&pts[..out.len()], out, dt);
            });
        self.fluxes = fluxes;
    }

    /// The residuals of the owned elements from the volume terms and the lifted flux jumps.
    fn assemble(&self, res: &mut Residual) {
        let (r, np, nfe) = (&*self.r, self.r.np, self.r.nfe);
        let nfp = 3 * nfe;
        res.l
            .par_chunks_mut(np)
            .zip(res.lt.par_chunks_mut(np))
            .enumerate()
            .for_each(|(e, (l, lt))| {
                let g = &self.geom[e];
                let mut jumps = [([0.0; 4], [0.0; 4]); element::MAX_NFP];
                for (k, &(fi, left)) in self.faces.element_faces[e].iter().enumerate() {
                    for p in 0..nfe {
                        let idx = if left { p } else { nfe - 1 - p };
                        let (f0, fd) = self.fluxes[fi as usize * nfe + idx];
                        let s = if left { 1.0 } else { -1.0 };
                        let c = k * nfe + p;
                        let (n0, nd) = self.normal[e * nfp + c];
                        jumps[c] = (
                            std::array::from_fn(|q| s * f0[q] - n0[q]),
                            std::array::from_fn(|q| s * fd[q] - nd[q]),
                        );
                    }
                }
                if self.low_order.face(e * np, NONE) {
                    self.first_order(e, &jumps, l, lt);
                    return;
                }
                for j in 0..np {
                    let (v0, vd) = self.vol[e * np + j];
                    let (mut a, mut b) = (v0, vd);
                    let row = &r.lift[j * nfp..(j + 1) * nfp];
                    for (c, (j0, jd)) in jumps.iter().enumerate().take(nfp) {
                        let coef = g.len[c / nfe] / g.area * row[c];
                        for q in 0..4 {
                            a[q] -= coef * j0[q];
                            b[q] -= coef * jd[q];
                        }
                    }
                    l[j] = a;
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
        for c in 0..nfp {
            let (j0, jd) = jumps[c];
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

    fn interior_phase(&mut self, w: &[State], dt: f64) {
        self.elements(w, 0..self.num.n_own());
        self.run_faces(Phase::Interior, dt);
    }

    fn boundary_phase(&mut self, w: &[State], dt: f64, res: &mut Residual) {
        self.elements(w, self.num.n_own()..self.num.n_local());
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
}
