//! The spatial dimension as a type, so that one physics code serves 2D and 3D.
//!
//! [`Dim`] carries the dimension `D` and the number of conservative variables `D + 2` as constants, the
//! fixed-size arrays of that length as associated types ([`Dim::State`], [`Dim::Vector`]), and a family
//! [`Dim::Tan`] of "one value per tangential direction of a face" (`D − 1` of them). [`D2`] and [`D3`] are the
//! two zero-sized implementations. For `D2`, `Tan<T>` is `T` itself rather than `[T; 1]`, so that 2D types
//! built from it (the face point's tangential derivative, the tangential moment table) keep their plain 2D
//! shape and the 2D API stays what it was.
//!
//! Everything is monomorphised: the generic code compiles, for `D2`, to the same operations as hand-written
//! 2D code (loops over `0..D` have constant bounds and are unrolled). The `*_from_fn` constructors write the
//! array literal out rather than call `std::array::from_fn`, whose closure wrapper the optimiser does not
//! always inline (it cost 20 % of the flux in a profile).

use std::fmt::Debug;
use std::ops::{Index, IndexMut};

/// A spatial dimension (2 or 3) and the array types that depend on it.
pub trait Dim: Copy + Debug + Default + PartialEq + Send + Sync + 'static {
    /// Number of space dimensions (and of particle-velocity components of the kinetic model).
    const D: usize;
    /// Number of conservative variables, `D + 2`: density, `D` momentum components, energy.
    const NVARS: usize;

    /// A conservative state, flux or slope polynomial: `[f64; D + 2]`.
    type State: Copy
        + Debug
        + PartialEq
        + Send
        + Sync
        + AsRef<[f64]>
        + AsMut<[f64]>
        + Index<usize, Output = f64>
        + IndexMut<usize>
        + 'static;

    /// A vector in space (velocity, normal): `[f64; D]`.
    type Vector: Copy
        + Debug
        + PartialEq
        + Send
        + Sync
        + AsRef<[f64]>
        + AsMut<[f64]>
        + Index<usize, Output = f64>
        + IndexMut<usize>
        + 'static;

    /// One `T` per tangential direction of a face: `T` itself in 2D, `[T; 2]` in 3D.
    type Tan<T: Copy + Debug + PartialEq>: Copy + Debug + PartialEq;

    /// One value per conservative variable, of any element type (`Vars<f64>` is [`Dim::State`]; the batched
    /// flux uses `Vars<Pack<W>>`).
    type Vars<T: Copy + Debug + PartialEq>: Copy
        + Debug
        + PartialEq
        + Index<usize, Output = T>
        + IndexMut<usize>;

    /// One value per velocity component, of any element type (`Comp<f64>` is [`Dim::Vector`]).
    type Comp<T: Copy + Debug + PartialEq>: Copy
        + Debug
        + PartialEq
        + Index<usize, Output = T>
        + IndexMut<usize>;

    /// The state whose component `i` is `f(i)`.
    fn state_from_fn(f: impl FnMut(usize) -> f64) -> Self::State;

    /// The vector whose component `i` is `f(i)`.
    fn vector_from_fn(f: impl FnMut(usize) -> f64) -> Self::Vector;

    /// The tangential family whose member `j` (`0 ≤ j < D − 1`) is `f(j)`.
    fn tan_from_fn<T: Copy + Debug + PartialEq>(f: impl FnMut(usize) -> T) -> Self::Tan<T>;

    /// The [`Dim::Vars`] with entry `i` equal to `f(i)`.
    fn vars_from_fn<T: Copy + Debug + PartialEq>(f: impl FnMut(usize) -> T) -> Self::Vars<T>;

    /// The [`Dim::Comp`] with entry `i` equal to `f(i)`.
    fn comp_from_fn<T: Copy + Debug + PartialEq>(f: impl FnMut(usize) -> T) -> Self::Comp<T>;

    /// Member `j` (`0 ≤ j < D − 1`) of a tangential family.
    fn tan<T: Copy + Debug + PartialEq>(t: &Self::Tan<T>, j: usize) -> &T;

    /// Member `j` (`0 ≤ j < D − 1`) of a tangential family, to overwrite.
    fn tan_mut<T: Copy + Debug + PartialEq>(t: &mut Self::Tan<T>, j: usize) -> &mut T;

    /// A right-handed orthonormal tangent basis of the unit normal `n`: `(n, t)` in 2D with `t = (−n_y, n_x)`,
    /// `(n, t₁, t₂)` in 3D with `t₂ = n × t₁`.
    fn tangents(n: &Self::Vector) -> Self::Tan<Self::Vector>;
}

/// Two space dimensions: `State = [f64; 4]`, `Vector = [f64; 2]`, one tangential direction.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct D2;

/// Three space dimensions: `State = [f64; 5]`, `Vector = [f64; 3]`, two tangential directions.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct D3;

impl Dim for D2 {
    const D: usize = 2;
    const NVARS: usize = 4;
    type State = [f64; 4];
    type Vector = [f64; 2];
    type Tan<T: Copy + Debug + PartialEq> = T;
    type Vars<T: Copy + Debug + PartialEq> = [T; 4];
    type Comp<T: Copy + Debug + PartialEq> = [T; 2];

    #[inline(always)]
    fn state_from_fn(mut f: impl FnMut(usize) -> f64) -> [f64; 4] {
        [f(0), f(1), f(2), f(3)]
    }

    #[inline(always)]
    fn vector_from_fn(mut f: impl FnMut(usize) -> f64) -> [f64; 2] {
        [f(0), f(1)]
    }

    #[inline(always)]
    fn tan_from_fn<T: Copy + Debug + PartialEq>(mut f: impl FnMut(usize) -> T) -> T {
        f(0)
    }

    #[inline(always)]
    fn vars_from_fn<T: Copy + Debug + PartialEq>(mut f: impl FnMut(usize) -> T) -> [T; 4] {
        [f(0), f(1), f(2), f(3)]
    }

    #[inline(always)]
    fn comp_from_fn<T: Copy + Debug + PartialEq>(mut f: impl FnMut(usize) -> T) -> [T; 2] {
        [f(0), f(1)]
    }

    #[inline(always)]
    fn tan<T: Copy + Debug + PartialEq>(t: &T, j: usize) -> &T {
        debug_assert_eq!(j, 0);
        t
    }

    #[inline(always)]
    fn tan_mut<T: Copy + Debug + PartialEq>(t: &mut T, j: usize) -> &mut T {
        debug_assert_eq!(j, 0);
        t
    }

    #[inline(always)]
    fn tangents(n: &[f64; 2]) -> [f64; 2] {
        [-n[1], n[0]]
    }
}

impl Dim for D3 {
    const D: usize = 3;
    const NVARS: usize = 5;
    type State = [f64; 5];
    type Vector = [f64; 3];
    type Tan<T: Copy + Debug + PartialEq> = [T; 2];
    type Vars<T: Copy + Debug + PartialEq> = [T; 5];
    type Comp<T: Copy + Debug + PartialEq> = [T; 3];

    #[inline(always)]
    fn state_from_fn(mut f: impl FnMut(usize) -> f64) -> [f64; 5] {
        [f(0), f(1), f(2), f(3), f(4)]
    }

    #[inline(always)]
    fn vector_from_fn(mut f: impl FnMut(usize) -> f64) -> [f64; 3] {
        [f(0), f(1), f(2)]
    }

    #[inline(always)]
    fn tan_from_fn<T: Copy + Debug + PartialEq>(mut f: impl FnMut(usize) -> T) -> [T; 2] {
        [f(0), f(1)]
    }

    #[inline(always)]
    fn vars_from_fn<T: Copy + Debug + PartialEq>(mut f: impl FnMut(usize) -> T) -> [T; 5] {
        [f(0), f(1), f(2), f(3), f(4)]
    }

    #[inline(always)]
    fn comp_from_fn<T: Copy + Debug + PartialEq>(mut f: impl FnMut(usize) -> T) -> [T; 3] {
        [f(0), f(1), f(2)]
    }

    #[inline(always)]
    fn tan<T: Copy + Debug + PartialEq>(t: &[T; 2], j: usize) -> &T {
        &t[j]
    }

    #[inline(always)]
    fn tan_mut<T: Copy + Debug + PartialEq>(t: &mut [T; 2], j: usize) -> &mut T {
        &mut t[j]
    }

    /// `t₁` is the unit projection onto the face of the coordinate axis least aligned with `n`, `t₂ = n × t₁`.
    #[inline]
    fn tangents(n: &[f64; 3]) -> [[f64; 3]; 2] {
        let a = n.map(f64::abs);
        let axis = if a[0] <= a[1] && a[0] <= a[2] {
            0
        } else if a[1] <= a[2] {
            1
        } else {
            2
        };
        let mut t1 = n.map(|x| -n[axis] * x);
        t1[axis] += 1.0;
        let norm = (t1[0] * t1[0] + t1[1] * t1[1] + t1[2] * t1[2]).sqrt();
        let t1 = t1.map(|x| x / norm);
        let t2 = [
            n[1] * t1[2] - n[2] * t1[1],
            n[2] * t1[0] - n[0] * t1[2],
            n[0] * t1[1] - n[1] * t1[0],
        ];
        [t1, t2]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orthonormal_basis<D: Dim>(n: D::Vector) {
        let dot = |a: &D::Vector, b: &D::Vector| (0..D::D).map(|i| a[i] * b[i]).sum::<f64>();
        let t = D::tangents(&n);
        let mut basis = vec![n];
        basis.extend((0..D::D - 1).map(|j| *D::tan(&t, j)));
        for (i, a) in basis.iter().enumerate() {
            for (j, b) in basis.iter().enumerate() {
                let want = if i == j { 1.0 } else { 0.0 };
                assert!((dot(a, b) - want).abs() < 1e-14, "{basis:?}");
            }
        }
    }

    #[test]
    fn tangent_bases_are_orthonormal() {
        for a in [0.0_f64, 0.3, 1.0, 2.5, 4.0] {
            orthonormal_basis::<D2>([a.cos(), a.sin()]);
            for b in [-1.4_f64, -0.2, 0.0, 0.7, std::f64::consts::FRAC_PI_2] {
                orthonormal_basis::<D3>([a.cos() * b.cos(), a.sin() * b.cos(), b.sin()]);
            }
        }
    }

    #[test]
    fn the_3d_basis_is_right_handed() {
        let n = [0.48, -0.6, 0.64];
        let [t1, t2] = D3::tangents(&n);
        // det(n, t1, t2) = n · (t1 × t2) = 1.
        let c = [
            t1[1] * t2[2] - t1[2] * t2[1],
            t1[2] * t2[0] - t1[0] * t2[2],
            t1[0] * t2[1] - t1[1] * t2[0],
        ];
        assert!((n[0] * c[0] + n[1] * c[1] + n[2] * c[2] - 1.0).abs() < 1e-14);
    }
}
