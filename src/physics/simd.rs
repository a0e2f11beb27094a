//! Numbers that the flux is written over: a plain `f64`, or a [`Pack`] of `W` independent lanes.
//!
//! The gas-kinetic flux is generic over [`Real`], so that one source gives both the scalar flux of one face
//! point and the batched flux of `W` face points in structure-of-arrays form. A [`Pack`] applies every
//! operation lane by lane with a plain loop over a fixed-size array, which the compiler turns into vector
//! instructions when the caller is compiled for a vector unit (see [`dispatch`]). Because every lane goes
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

impl<const W: usize> Pack<W> {
    /// The pack with lane `i` equal to `f(i)`.
    #[inline(always)]
    pub fn from_fn(f: impl FnMut(usize) -> f64) -> Self {
        Pack(std::array::from_fn(f))
    }

    #[inline(always)]
    fn zip(self, o: Self, f: impl Fn(f64, f64) -> f64) -> Self {
        let mut r = self.0;
        for (x, y) in r.iter_mut().zip(o.0) {
            *x = f(*x, y);
        }
        Pack(r)
    }

    #[inline(always)]
    fn map(self, f: impl Fn(f64) -> f64) -> Self {
        let mut r = self.0;
        for x in r.iter_mut() {
            *x = f(*x);
        }
        Pack(r)
    }
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

/// The widest vector unit this process may use for the batched kernels, detected once at run time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Isa {
    /// AVX-512F with FMA (8 doubles per register).
    Avx512,
    /// AVX2 with FMA (4 doubles per register).
    Avx2,
    /// The baseline the crate is compiled for (SSE2 on x86-64, NEON on aarch64).
    Baseline,
}

/// The instruction set [`dispatch`] picks on this machine.
pub fn isa() -> Isa {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx512f") && std::is_x86_feature_detected!("fma") {
            return Isa::Avx512;
        }
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            return Isa::Avx2;
        }
    }
    Isa::Baseline
}

/// Calls the closure-free kernel `$body` (an expression using the generic `#[inline(always)]` code) from a
/// function compiled for the best instruction set of the machine. Every version runs the same IEEE
/// operations, so the choice changes the speed only, never the bits.
#[macro_export]
macro_rules! dispatch_isa {
    (fn $name:ident<$($g:ident: $b:path),*>($($a:ident: $t:ty),*) -> $r:ty $body:block) => {
        fn $name<$($g: $b),*>($($a: $t),*) -> $r {
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma")]
            unsafe fn avx512<$($g: $b),*>($($a: $t),*) -> $r $body
            #[cfg(target_arch = "x86_64")]
            #[target_feature(enable = "avx2,fma")]
            unsafe fn avx2<$($g: $b),*>($($a: $t),*) -> $r $body
            fn baseline<$($g: $b),*>($($a: $t),*) -> $r $body
            match $crate::physics::simd::cached_isa() {
                #[cfg(target_arch = "x86_64")]
                // SAFETY: the features were detected on this machine.
                $crate::physics::simd::Isa::Avx512 => unsafe { avx512::<$($g),*>($($a),*) },
                #[cfg(target_arch = "x86_64")]
                // SAFETY: the features were detected on this machine.
                $crate::physics::simd::Isa::Avx2 => unsafe { avx2::<$($g),*>($($a),*) },
                _ => baseline::<$($g),*>($($a),*),
            }
        }
    };
}

/// [`isa`], detected once per process (the `GASKET_ISA` environment variable, `avx512`, `avx2` or
/// `baseline`, lowers it for tests and benchmarks; it never raises it above what the machine has).
pub fn cached_isa() -> Isa {
    use std::sync::OnceLock;
    static ISA: OnceLock<Isa> = OnceLock::new();
    *ISA.get_or_init(|| {
        let best = isa();
        let asked = match std::env::var("GASKET_ISA").as_deref() {
            Ok("baseline") => Isa::Baseline,
            Ok("avx2") => Isa::Avx2,
            _ => best,
        };
        match (best, asked) {
            (Isa::Baseline, _) => Isa::Baseline,
            (Isa::Avx2, Isa::Avx512) => Isa::Avx2,
            (_, a) => a,
        }
    })
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
