//! Mesh partitioning for gasket.
//!
//! This crate will hold the dual graph of a mesh and its METIS k-way partitioning (issue 3). Until then the
//! solver runs each case as one partition; the crate exists so that the workspace layout is fixed from the start.

/// The number of parts a single-process run uses.
pub const SINGLE_PART: usize = 1;
