//! Compact subcell finite-volume (SCFV) reconstruction on triangles: geometry and mathematics only.
//!
//! A pure library (no mesh, no MPI, no physics) for a fourth-order compact SCFV scheme in the spirit of
//! arXiv:2110.09306 (design per method note §d.3, pitfalls g.13–g.15; the paper's details are not
//! available). Everything works on triangle vertex coordinates and arrays of subcell averages.
//!
//! # Subcells and faces ([`geometry`])
//! Each main triangle `(v0, v1, v2)` (counter-clockwise preferred; edge `e` runs `v_e → v_{e+1}`, as in the
//! triangle mesh) is split by its edge midpoints into 4 subcells of equal area: corner subcells 0, 1, 2 at
//! `v0, v1, v2` and the middle subcell 3 ([`subcells`]). Its 9 subcell faces ([`subfaces`]) are the 3
//! interior faces (middle ↔ corner `k`, normal out of the middle) and the 6 half-edges of the main triangle
//! (`3 + 2e + j`, half `j = 0` next to `v_e`; outward normals).
//!
//! # Polynomials ([`poly`])
//! One P3 polynomial per main cell, in the monomial basis `1, ξ, η, ξ², ξη, η², ξ³, ξ²η, ξη², η³` of the
//! scaled coordinates `ξ = (x − x_c)/h`, `η = (y − y_c)/h`, `x_c` = main centroid, `h = √(2|T|)`.
//! Subcell averages of the basis are exact (7-point degree-5 rule).
//!
//! # Reconstruction ([`reconstruction_matrix`])
//! Constrained least squares: the 4 own subcell averages are matched exactly, the 12 (with 3 neighbours)
//! neighbour subcell averages in the least-squares sense. Solved once per cell by null-space + QR/SVD
//! (see [`recon`]) into a `10 × (4 + 4n)` matrix. Weights: uniform (`w = 1`) by default: in tests on
//! random and stretched stencils the inverse-distance weights (available as
//! [`Weighting::InverseDistance`]) did not reduce the error noticeably, and uniform weights give the best
//! conditioning. Fallbacks: P3 needs the reduced problem to have `σ_min/σ_max ≥ 10⁻³`
//! ([`ReconOptions::min_conditioning`]); with 3 or (usually) 2 neighbours this holds. Otherwise P2
//! constrained least squares (1 neighbour: 2 free coefficients, 4 rows), otherwise (no neighbours) the
//! minimum-curvature P2 through the own subcell averages (exact for P1). [`Recon`] reports the fit used.
//!
//! # Limiting ([`CellRecon`])
//! WENO-ZQ-type blend of the P3 fit with P2 candidates built from the own subcells plus one neighbour
//! each and the own-only minimum-curvature P2. All candidates match the own subcell averages, so the
//! blend conserves every subcell average exactly; with the linear weights it returns the P3 fit. See
//! [`cell`] for the formulas. Apply it per component, or in characteristic variables, and/or share one
//! set of weights between components via [`CellRecon::candidates`], [`CellRecon::nonlinear_weights`]
//! and [`CellRecon::blend`]. A discontinuity that cuts the main cell itself cannot be represented
//! without overshoot by any polynomial that keeps all 4 subcell averages; the limiter then picks the
//! least oscillatory candidate but cannot remove the overshoot.

pub mod cell;
pub mod geometry;
pub mod linalg;
pub mod poly;
pub mod recon;

#[cfg(test)]
mod tests;

pub use cell::{Candidates, CellRecon, LimiterParams, MAX_CANDIDATES};
pub use geometry::{
    area, centroid, segment_gauss, signed_area, subcell_areas, subcell_centroids, subcells,
    subfaces, triangle_average, FaceSide, Point, SubFace, Triangle, MIDDLE, N_SUBCELLS, N_SUBFACES,
};
pub use poly::{basis_gradients, basis_values, smoothness_matrix, LocalFrame, MONOMIALS, N_P3};
pub use recon::{
    reconstruction_matrix, reconstruction_matrix_with, FitKind, Recon, ReconOptions, Weighting,
    MAX_DATA, MAX_NEIGHBOURS,
};

/// Errors of the SCFV precomputation.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ScfvError {
    /// A triangle with non-finite coordinates or (nearly) zero area.
    #[error("degenerate geometry: {what}")]
    Degenerate {
        /// What is degenerate.
        what: &'static str,
    },
    /// More than 3 neighbours given.
    #[error("{0} neighbours given, a triangle has at most 3")]
    TooManyNeighbours(usize),
    /// A system that should have full rank does not.
    #[error("rank-deficient {what}")]
    RankDeficient {
        /// Which system.
        what: &'static str,
    },
}
