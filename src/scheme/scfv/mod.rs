//! Compact subcell finite-volume (SCFV) reconstruction on triangles: geometry and mathematics only.
//!
//! A pure library (no mesh, no MPI, no physics) for a fourth-order compact SCFV scheme in the spirit of
//! arXiv:2110.09306 (design in docs/method.md §7; the paper's details are not
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
//! scaled local coordinates `(ξ, η) = J⁻¹(x − x_c)`, `x_c` = main centroid, `J` = the affine map from the
//! equilateral reference triangle of area 1/2 (centred at 0) onto the cell ([`LocalFrame`]). For a
//! near-equilateral cell this is `(x − x_c)/h`, `h = √(2|T|)`, up to a rotation; for stretched cells it
//! removes the stretching, so the conditioning of a uniformly stretched stencil is independent of the
//! aspect ratio (measured: the same for aspect 1, 10 and 100). P3 is affine invariant, so the fitted
//! polynomial itself does not depend on this choice. Averages of the basis over any triangle are exact
//! (7-point degree-5 rule).
//!
//! # Reconstruction ([`reconstruction_matrix`])
//! Weighted least squares of P3 over the 4 own subcell averages and the 12 (with 3 neighbours) neighbour
//! subcell averages, solved once per cell (Jacobi-SVD pseudo-inverse, see [`recon`]) into a `10 × (4 + 4n)`
//! matrix. Neighbour rows have weight `w = d⁻²`, `d` the distance from the main centroid to the neighbour
//! subcell's centroid in local coordinates ([`Weighting::InverseDistance`]); own rows have weight 1
//! ([`ReconOptions::own_weight`]). The own averages are therefore *not* matched exactly: the scheme adds
//! to the polynomial, in each subcell, the constant that restores that subcell's average. For smooth data
//! these constants are of the size of the fitting error, O(h⁴), so the states on the two sides of a face
//! inside a main cell differ by O(h⁴), and the kinetic flux damps them like any other jump.
//!
//! Why not the constrained fit of docs/method.md §7.3 (own averages as exact constraints, one continuous
//! polynomial per main cell; still available as `own_weight: None`)? With it the 3 faces inside a main
//! cell see the same state on both sides, their flux is central, and the scheme has growing modes: the
//! linearised operator about a uniform flow (`examples/scfv_eigen.rs`) has eigenvalues with real part up to
//! 2.1 (regular) and 4.2 (jitter 0.2) on 10 × 10 periodic meshes, and the vortex error grows at one cell
//! after t ≈ 1 on irregular meshes. The relaxed fit with own weight ≤ 1 and `flux.tau_c1` ≥ 0.07 has none
//! (largest real part ≤ 10⁻⁷, i.e. zero, on regular and jittered meshes up to 16 × 16); own weights 2–10 or
//! uniform neighbour weights or `tau_c1` ≤ 0.05 leave some. The relaxed fit is also more accurate: the
//! vortex L1 error at t = 2 on regular 40² meshes is 5.3·10⁻⁴ against 2.6·10⁻³ constrained.
//!
//! Fallbacks: P3 is used when the weighted matrix has `σ_min/σ_max ≥ 10⁻⁴`
//! ([`ReconOptions::min_conditioning`]; over random and stretched stencils the minimum is ≈ 8·10⁻³ with 3
//! neighbours and ≈ 1.3·10⁻³ with 2). Otherwise P2 least squares, otherwise (no neighbours) the
//! minimum-curvature P2 through the own subcell averages (exact for P1). [`Recon`] reports the fit used
//! and the degree it reproduces. The scheme passes mirror images of the cell across boundary edges as
//! neighbours (with the boundary condition applied to the data), so in practice every cell has 3.

//! # Limiting ([`CellRecon`])
//! WENO-ZQ-type blend of the P3 fit with P2 candidates built from the own subcells plus one neighbour
//! each and the own-only minimum-curvature P2; with the linear weights it returns the P3 fit. With the
//! constrained fit all candidates match the own subcell averages, so every blend does; with the relaxed
//! fit the per-subcell constants restore them. See
//! [`cell`] for the formulas. Apply it per component, or in characteristic variables, and/or share one
//! set of weights between components via [`CellRecon::candidates`], [`CellRecon::nonlinear_weights`]
//! and [`CellRecon::blend`]. A discontinuity that cuts the main cell itself cannot be represented
//! without overshoot by any polynomial that keeps all 4 subcell averages (every candidate overshoots by
//! ~50 % of the jump on average in the tests); for such cells [`CellRecon::scale_into_bounds`] is a
//! last-resort Barth–Jespersen-type scaling towards the main-cell mean that bounds the face values and
//! keeps the main-cell mean (the scheme stays conservative through shared fluxes) but not the subcell
//! averages.
//!
//! # Per-cell cost
//! [`CellRecon`] is plain data (`CellRecon::memory_bytes()` = 3416 bytes): the unlimited reconstruction
//! is one `10 × 16` mat-vec; the limited one adds three `6 × 8`, one `6 × 4` mat-vec and 5 quadratic
//! forms of 45 entries per scalar component.

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
