//! Numbers that the flux is written over: a plain `f64`, or a [`Pack`] of `W` independent lanes.
//!
//! The gas-kinetic flux is generic over [`Real`], so that one source gives both the scalar flux of one face
//! point and the batched flux of `W` face points in structure-of-arrays form. A [`Pack`] applies every
//! operation lane by lane with a plain loop over a fixed-size array, which the compiler turns into vector
//! instructions for the vector unit the crate is compiled for ([`compiled_isa`]; `.cargo/config.toml` asks for
//! x86-64-v3, i.e. AVX2 and FMA). Because every lane goes
//! through exactly the same IEEE operations as the scalar code (no fused multiply-add is formed implicitly;
//! where the special functions fuse, they do it explicitly with `mul_add`, which is exactly rounded on every
//! path), a face point gives the same bits whichever lane, batch, rank or thread computes it, and whichever
//! instruction set the machine has.

use std::fmt::Debug;
use std::ops::{Add, AddAssign, Div, Mul, MulAssign, Neg, Sub, SubAssign};

use super::special;

/// The arithmetic the flux needs, for `f64` and for [`Pack`].
pub trait Real:
    Copy
    + Debug
    + PartialEq
    + Send
    + Sync
    + Add<Output = Self>
    + Sub<Output = Self>
    + Mul<Output = Self>
    + Div<Output = Self>
    + Neg<Output = Self>
    + AddAssign
    + SubAssign
    + MulAssign
    + Add<f64, Output = Self>
    + Sub<f64, Output = Self>
    + Mul<f64, Output = Self>
    + Div<f64, Output = Self>
    + 'static
{
    /// Every lane equal to `x`.
    fn splat(x: f64) -> Self;
    /// Square root.
    fn sqrt(self) -> Self;
    /// Absolute value.
    fn abs(self) -> Self;
    /// `eˣ` by [`special::exp`] (the same function on every lane and for `f64`).
    fn exp(self) -> Self;
    /// The complementary error function by [`special::erfc`].
    fn erfc(self) -> Self;
    /// Lane by lane: `a` where `self > 0`, `b` elsewhere (NaN counts as not positive).
    fn positive_then(self, a: Self, b: Self) -> Self;
    /// `f` applied to every lane (a scalar call per lane: for rare, non-vectorisable laws).
    fn map_lanes(self, f: impl Fn(f64) -> f64) -> Self;
}

impl Real for f64 {
    #[inline(always)]
    fn splat(x: f64) -> Self {
        x
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        f64::sqrt(self)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        f64::abs(self)
    }
    #[inline(always)]
    fn exp(self) -> Self {
        special::exp([self])[0]
    }
    #[inline(always)]
    fn erfc(self) -> Self {
        special::erfc([self])[0]
    }
    #[inline(always)]
    fn map_lanes(self, f: impl Fn(f64) -> f64) -> Self {
        f(self)
    }
    #[inline(always)]
    fn positive_then(self, a: Self, b: Self) -> Self {
        if self > 0.0 {
            a
        } else {
            b
        }
    }
}

/// `W` values processed together, one per lane (one face point per lane in the batched flux).
#[derive(Clone, Copy, Debug, PartialEq)]
#[repr(transparent)]
pub struct Pack<const W: usize>(pub [f64; W]);

#[allow(clippy::needless_range_loop)] // index loops: the simplest IR for the optimiser to vectorise
impl<const W: usize> Pack<W> {
    /// The pack with lane `i` equal to `f(i)`.
    #[inline(always)]
    pub fn from_fn(f: impl FnMut(usize) -> f64) -> Self {
        Pack(std::array::from_fn(f))
    }

    #[inline(always)]
    fn zip(self, o: Self, f: impl Fn(f64, f64) -> f64) -> Self {
        let mut r = [0.0; W];
        for i in 0..W {
            r[i] = f(self.0[i], o.0[i]);
        }
        Pack(r)
    }

    #[inline(always)]
    fn map(self, f: impl Fn(f64) -> f64) -> Self {
        let mut r = [0.0; W];
        for i in 0..W {
            r[i] = f(self.0[i]);
        }
        Pack(r)
    }
}

/// `pack op scalar`, the scalar broadcast to every lane.
macro_rules! pack_scalar {
    ($tr:ident, $f:ident, $op:tt) => {
        impl<const W: usize> $tr<f64> for Pack<W> {
            type Output = Self;
            #[inline(always)]
            fn $f(self, o: f64) -> Self {
                self.map(|a| a $op o)
            }
        }
    };
}

macro_rules! pack_binary {
    ($tr:ident, $f:ident, $tra:ident, $fa:ident, $op:tt) => {
        impl<const W: usize> $tr for Pack<W> {
            type Output = Self;
            #[inline(always)]
            fn $f(self, o: Self) -> Self {
                self.zip(o, |a, b| a $op b)
            }
        }
        impl<const W: usize> $tra for Pack<W> {
            #[inline(always)]
            fn $fa(&mut self, o: Self) {
                *self = self.zip(o, |a, b| a $op b);
            }
        }
    };
}

pack_binary!(Add, add, AddAssign, add_assign, +);
pack_scalar!(Add, add, +);
pack_scalar!(Sub, sub, -);
pack_scalar!(Mul, mul, *);
pack_scalar!(Div, div, /);
pack_binary!(Sub, sub, SubAssign, sub_assign, -);
pack_binary!(Mul, mul, MulAssign, mul_assign, *);

impl<const W: usize> Div for Pack<W> {
    type Output = Self;
    #[inline(always)]
    fn div(self, o: Self) -> Self {
        self.zip(o, |a, b| a / b)
    }
}

impl<const W: usize> Neg for Pack<W> {
    type Output = Self;
    #[inline(always)]
    fn neg(self) -> Self {
        self.map(|a| -a)
    }
}

impl<const W: usize> Real for Pack<W> {
    #[inline(always)]
    fn splat(x: f64) -> Self {
        Pack([x; W])
    }
    #[inline(always)]
    fn sqrt(self) -> Self {
        self.map(f64::sqrt)
    }
    #[inline(always)]
    fn abs(self) -> Self {
        self.map(f64::abs)
    }
    #[inline(always)]
    fn exp(self) -> Self {
        Pack(special::exp(self.0))
    }
    #[inline(always)]
    fn erfc(self) -> Self {
        Pack(special::erfc(self.0))
    }
    #[inline(always)]
    fn map_lanes(self, f: impl Fn(f64) -> f64) -> Self {
        self.map(f)
    }
    #[inline(always)]
    fn positive_then(self, a: Self, b: Self) -> Self {
        let mut r = b.0;
        for ((x, c), y) in r.iter_mut().zip(self.0).zip(a.0) {
            if c > 0.0 {
                *x = y;
            }
        }
        Pack(r)
    }
}

/// The vector instructions this build of the crate was compiled for (chosen at build time: see
/// `.cargo/config.toml`), for reports.
pub fn compiled_isa() -> &'static str {
    if cfg!(target_feature = "avx512f") {
        "AVX-512"
    } else if cfg!(all(target_feature = "avx2", target_feature = "fma")) {
        "AVX2+FMA"
    } else if cfg!(target_feature = "avx") {
        "AVX"
    } else if cfg!(target_arch = "x86_64") {
        "SSE2"
    } else {
        "baseline"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_lanes_are_the_scalar_operations() {
        let a = Pack::<4>([1.5, -2.0, 0.25, 7.0]);
        let b = Pack::<4>([0.5, 3.0, -4.0, 1e-3]);
        let r = (a * b + a / b - (-a)).sqrt().abs();
        for i in 0..4 {
            let (x, y) = (a.0[i], b.0[i]);
            let s = (x * y + x / y - (-x)).sqrt().abs();
            assert_eq!(r.0[i].to_bits(), s.to_bits());
        }
        let sel = (a - Pack::splat(1.0)).positive_then(a, b);
        assert_eq!(sel.0, [1.5, 3.0, -4.0, 7.0]);
        assert_eq!(f64::NAN.positive_then(1.0, 2.0), 2.0);
    }
}
