//! Compact subcell finite-volume reconstruction on triangles (SCFV): placeholder.
