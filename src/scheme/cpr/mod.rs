//! Correction procedure via reconstruction (CPR) with the gas-kinetic flux on triangles: CPR-GKS of any
//! degree `p` (1 to 6).
//!
//! Every element holds a polynomial of degree `p` by its values at the `(p+1)(p+2)/2` solution points of
//! [`reference::Reference`]; these values are the solver cells (unit `np·e + j` is solution point `j` of
//! element `e`). A stage:
//!
//! 1. **traces**: every element's polynomial and its gradient at its `3(p+1)` flux points (Gauss–Legendre
//!    on each edge; [`element::traces`]);
//! 2. **face fluxes**: at every flux point of every face the gas-kinetic flux with its time derivative from
//!    the two sides' values and normal and tangential derivatives (the same batched flux as every scheme,
//!    [`crate::scheme::unstructured::flux::PointFlux`]), with the boundary condition's ghost state on
//!    boundary faces;
//! 3. **volume terms** at the solution points: the Euler flux minus the Navier–Stokes viscous flux of the
//!    point's state and polynomial gradient, and its time derivative `A ∂ₜW` with the Cauchy–Kovalevskaya
//!    `∂ₜW = −A∂ₓW − B∂ᵧW`; the divergence of their degree-`p` interpolants ([`element::volume`]);
//! 4. **lifting**: the jumps `F̂·n − Π(F)·n` at the flux points, lifted into the element by the
//!    DG-equivalent correction (`Reference::lift`), for `L(W)` and, with the time derivatives, `∂ₜL(W)` of the
//!    two-stage fourth-order time stepping.
//!
//! Determinism: every face's flux points are computed once per rank, from the geometry of the element with
//! the lower global id, in fixed-size batches whose lanes do not interact; every element's residual sums its
//! terms in a fixed order. Results do not depend on ranks or threads.

pub mod element;
pub mod faces;
mod nodes;
pub mod operator;
mod points;
pub mod reference;
pub mod subcells;

#[cfg(test)]
mod tests;

pub use operator::CprOperator;

use std::sync::Arc;

use super::cells::{Subdivision, Triangle};
use super::{Cells, Common, Scheme, SpatialOperator, Split};
use crate::mesh::Grid;
use reference::Reference;

/// The highest degree the scheme accepts.
pub const MAX_DEGREE: usize = 5;

/// The parameters of CPR-GKS.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CprParams {
    /// Polynomial degree `p` (1 to [`MAX_DEGREE`]).
    pub degree: usize,
    /// Update troubled elements by their subcells ([`subcells`]).
    pub limiter: bool,
    /// The troubled-cell indicator's threshold (`None`: [`subcells::default_threshold`] of the degree).
    pub threshold: Option<f64>,
}

/// The largest stable `Δt·(2p + 1)(|U| + c)/h` of S2O4 CPR-GKS for p = 1 … 5 (index p − 1): the linearised
/// step about a uniform flow on a periodic mesh of regular triangles, 4 × 4 squares,
/// `jobs/benchmarks/cpr_stability.py` (docs/method.md §11.6).
pub const STABLE_CFL: [f64; MAX_DEGREE] = [0.92, 0.87, 0.83, 0.746, 0.223];

impl CprParams {
    /// The factor on `(|U| + c)/h` in the time-step limit: `(2p + 1)` over the measured stability limit
    /// [`STABLE_CFL`], so that `time.cfl` is the fraction of the stability limit for every degree (CFL 1:
    /// at the limit on regular triangles).
    pub fn rate_factor(&self) -> f64 {
        (2 * self.degree + 1) as f64 / STABLE_CFL[self.degree - 1]
    }
}

/// The solution points of an element as its solver cells.
#[derive(Clone)]
pub struct SolutionPoints {
    r: Arc<Reference>,
    /// Output: the polynomial on the equispaced lattice of degree p.
    sub: Subdivision,
}

impl std::fmt::Debug for SolutionPoints {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "SolutionPoints(p = {})", self.r.degree)
    }
}

impl SolutionPoints {
    /// The points of degree `p`.
    pub fn new(p: usize) -> Result<Self, String> {
        let r = Reference::cached(p)?;
        let sub = Subdivision::lattice(p, |rs| r.basis_at(rs));
        Ok(SolutionPoints { r, sub })
    }

    /// The physical position of point `s` in triangle `tri`.
    fn position(&self, tri: &Triangle, s: usize) -> [f64; 2] {
        let [r, q] = self.r.points[s];
        std::array::from_fn(|i| {
            tri[0][i] + r * (tri[1][i] - tri[0][i]) + q * (tri[2][i] - tri[0][i])
        })
    }
}

impl Split for SolutionPoints {
    fn parts(&self) -> usize {
        self.r.np
    }

    /// A degenerate triangle at the point (a solution point covers no area).
    fn part(&self, tri: &Triangle, s: usize) -> Triangle {
        let x = self.position(tri, s);
        [x, x, x]
    }

    /// The nearest solution point.
    fn part_at(&self, l: [f64; 3]) -> usize {
        let (r, s) = (l[1], l[2]);
        let d = |p: &[f64; 2]| (p[0] - r).powi(2) + (p[1] - s).powi(2);
        (0..self.r.np)
            .min_by(|&a, &b| d(&self.r.points[a]).total_cmp(&d(&self.r.points[b])))
            .unwrap_or(0)
    }

    /// The weight of the point in the element mean (`∫ℓⱼ/|Ω|`).
    fn weight(&self, s: usize) -> f64 {
        self.r.mean_weights[s]
    }

    fn name(&self) -> &'static str {
        "solution point"
    }

    fn pointwise(&self) -> bool {
        true
    }

    fn point(&self, tri: &Triangle, s: usize) -> Option<[f64; 2]> {
        Some(self.position(tri, s))
    }

    /// The polynomial at the nodes of the equispaced lattice of degree p, on p² sub-triangles.
    fn subdivision(&self) -> Option<&Subdivision> {
        Some(&self.sub)
    }
}

impl Scheme for CprParams {
    /// Face neighbours only.
    fn reach(&self) -> ((usize, usize), usize) {
        ((0, 0), 1)
    }

    fn split(&self) -> Option<Arc<dyn Split>> {
        // The degree was checked when the case was read.
        SolutionPoints::new(self.degree)
            .ok()
            .map(|s| Arc::new(s) as Arc<dyn Split>)
    }

    /// The operator works on elements: the owned and halo solution points come in whole elements.
    fn build(
        &self,
        common: &Common,
        grid: &Grid,
        owned: &[usize],
        halo: &[usize],
    ) -> Result<Box<dyn SpatialOperator>, String> {
        let Grid::Triangles(mesh) = grid else {
            return Err("CPR-GKS needs a triangle mesh".into());
        };
        let np = Reference::cached(self.degree)?.np;
        let main = |u: &[usize]| u.iter().step_by(np).map(|&x| x / np).collect::<Vec<_>>();
        let (owned, halo) = (main(owned), main(halo));
        Ok(Box::new(CprOperator::new(
            common, self, mesh, &owned, &halo,
        )?))
    }

    fn describe(&self, time: &str) -> String {
        format!(
            "cpr-gks/p{}/{time}/dg-lifting/{}gp",
            self.degree,
            self.degree + 1
        )
    }

    /// Per solution point: state, Wⁿ, new state, two residual pairs, the volume terms (~260 bytes); per
    /// element its traces, normal fluxes, geometry and 1.5 faces with their flux points.
    fn memory_estimate(&self, cells: &Cells) -> usize {
        let (np, nfe) = ((self.degree + 1) * (self.degree + 2) / 2, self.degree + 1);
        let per_element = np * 260 + 3 * nfe * (96 + 64) + 160 + 3 * (120 + nfe * 64) / 2;
        cells.n_output_cells() * per_element
    }
}
