//! The fourth-order subcell finite-volume GKS (SCFV-GKS) operator on triangles: placeholder, being written.
