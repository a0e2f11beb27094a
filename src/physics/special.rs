//! `exp` and `erfc` over a fixed number of lanes, for the batched gas-kinetic flux.
//!
//! Placeholder: every lane calls the scalar library function (glibc `exp`, `libm::erfc`), which gives the
//! bits of the flux of today but does not vectorise. To be replaced by branch-free polynomial versions with a
//! measured error bound.

/// `eˣ` of every lane.
#[inline(always)]
pub fn exp<const W: usize>(x: [f64; W]) -> [f64; W] {
    x.map(f64::exp)
}

/// `erfc(x)` of every lane.
#[inline(always)]
pub fn erfc<const W: usize>(x: [f64; W]) -> [f64; W] {
    x.map(libm::erfc)
}
