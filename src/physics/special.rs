//! `exp` and `erfc` over a fixed number of lanes, for the batched gas-kinetic flux.
//!
//! Both are branch-free: every lane runs the same sequence of IEEE operations (the ranges are handled with
//! selects, the scale 2ᵏ is built from integer bits, polynomials are evaluated by Horner with explicit
//! [`f64::mul_add`], which is exactly rounded on every instruction set), so a value gives the same bits in
//! any lane of any `W`, `W = 1` being the scalar path, and whichever vector unit the caller was compiled
//! for. The loops over the lanes vectorise when the caller is compiled with FMA and a vector unit (see
//! [`crate::dispatch_isa`]); without hardware FMA each `mul_add` is a library call, correct but slow.
//!
//! Accuracy, measured by the tests of this module against a double-double reference over the whole range
//! (docs/special-functions.md): `exp` within 0.75 ulp of the exact value, `erfc` within 4 ulp wherever its
//! value is a normal number. The coefficients come from `jobs/roofline/special_coefficients.py`.

/// `log₂ e`, to pick `k = round(x / ln 2)`.
const LOG2_E: f64 = std::f64::consts::LOG2_E;
/// `ln 2` rounded to double (its product with an integer is exact inside a fused multiply-add).
const LN2_HI: f64 = std::f64::consts::LN_2;
/// `ln 2 − LN2_HI`, rounded to double.
const LN2_LO: f64 = 2.319_046_813_846_299_6e-17;
/// `1.5 · 2⁵²`: adding it rounds to an integer, which is then in the low bits of the sum.
const SHIFTER: f64 = 6_755_399_441_055_744.0;
/// Below this `eˣ` is less than half the smallest subnormal (the result is 0).
const EXP_MIN: f64 = -746.0;
/// Above this `eˣ` overflows to +∞.
const EXP_MAX: f64 = 710.0;
/// Above this `erfc(x)` is less than half the smallest subnormal (the result is 0).
const ERFC_MAX: f64 = 28.0;

/// `p` of `eʳ = 1 + r + r² p(r)` on `|r| ≤ ln2/2` (highest degree first), minimax relative error 3.6e−18.
const EXP_P: [f64; 10] = [
    2.500_007_645_730_345_6e-8,
    2.763_023_658_767_708_5e-7,
    2.755_758_626_774_891_6e-6,
    2.480_149_312_908_225e-5,
    1.984_126_950_676_094_5e-4,
    1.388_888_894_360_414e-3,
    8.333_333_333_494_35e-3,
    4.166_666_666_653_024_6e-2,
    1.666_666_666_666_641_3e-1,
    5.000_000_000_000_011e-1,
];

/// `√π` rounded to double.
const SQRT_PI: f64 = 1.772_453_850_905_515_9;

/// `√π P(a)` (highest degree first), where `D(a) = P(a)/Q(a)` in `erfc(a) = e^(−a²) / (√π (a + D(a)))`,
/// `0 ≤ a ≤ 28`.
const ERFC_P: [f64; 10] = [
    1.6401125303064312e-05,
    0.0003474746568344026,
    0.003619230784666068,
    0.024036605810142237,
    0.11155826784052375,
    0.374765898369517,
    0.9137148266179707,
    1.570658950230481,
    1.7526850894769261,
    1.0,
];

/// Denominator of `D(a) = P(a)/Q(a)`; the relative error of `erfc` that the fit causes is 4e−18 (1.4e−17
/// with the coefficients rounded to double).
const ERFC_Q: [f64; 11] = [
    1.8506688110300963e-05,
    0.0003920831636758225,
    0.004102371318034939,
    0.027514487980477523,
    0.12993614064477754,
    0.44941211712363865,
    1.1508708850994576,
    2.156521975423172,
    2.8411116986436946,
    2.396759773286928,
    1.0,
];

/// `eˣ` of every lane: within 0.75 ulp of the exact value on the whole double range (0 below about −745.13,
/// subnormal results rounded once; +∞ above about 709.78; NaN gives NaN).
#[inline(always)]
pub fn exp<const W: usize>(x: [f64; W]) -> [f64; W] {
    let mut y = x;
    for v in y.iter_mut() {
        *v = exp_lane(*v);
    }
    y
}

/// `erfc(x)` of every lane: within 4 ulp of the exact value wherever that is a normal number (x below
/// about 26.55); 2 for x → −∞, subnormal values (26.55 < x < 27.3) within two subnormal spacings, 0 above
/// about 27.3; NaN gives NaN.
#[inline(always)]
pub fn erfc<const W: usize>(x: [f64; W]) -> [f64; W] {
    let mut y = x;
    for v in y.iter_mut() {
        *v = erfc_lane(*v);
    }
    y
}

/// Horner's scheme with fused multiply-adds, coefficients highest degree first.
#[inline(always)]
fn horner<const N: usize>(x: f64, c: &[f64; N]) -> f64 {
    let mut s = c[0];
    for &ci in &c[1..] {
        s = s.mul_add(x, ci);
    }
    s
}

/// `x = k ln2 + r + ρ` with `|r| ≤ ln2/2` and `ρ` the rounding error of `r` (to about 2⁻¹⁰⁵): returns
/// `r`, `ρ` and `k + SHIFTER` (whose low bits hold `k`). `x` is first clamped to `[EXP_MIN, EXP_MAX]` (NaN
/// stays NaN). The first step is exact: `k ln2_hi` is exact inside the fused multiply-add and the
/// difference fits in 53 bits; `k ln2_lo` is below 2.5e−14, so its own rounding does not matter.
#[inline(always)]
fn reduce(x: f64) -> (f64, f64, f64) {
    let x = if x < EXP_MIN { EXP_MIN } else { x };
    let x = if x > EXP_MAX { EXP_MAX } else { x };
    let kd = x.mul_add(LOG2_E, SHIFTER);
    let k = kd - SHIFTER;
    let r_hi = (-k).mul_add(LN2_HI, x);
    let kl = k * LN2_LO;
    let r = r_hi - kl;
    (r, (r_hi - r) - kl, kd)
}

/// `2ᵏ` as the product of two normal powers of two `2^⌊k/2⌋ · 2^(k−⌊k/2⌋)`, for `k + SHIFTER = kd` with
/// `−1076 ≤ k ≤ 1025` (so that subnormal and overflowing results are rounded once, by the last product).
/// Only unsigned integer adds and logical shifts, which every vector unit has.
#[inline(always)]
fn scales(kd: f64) -> (f64, f64) {
    // u = k + 1100 ≥ 0; ⌊k/2⌋ + 1023 = (u >> 1) + 473 and (k − ⌊k/2⌋) + 1023 = u − (u >> 1) + 473.
    let u = kd.to_bits().wrapping_sub(SHIFTER.to_bits() - 1100);
    let h = u >> 1;
    let s1 = f64::from_bits(h.wrapping_add(473) << 52);
    let s2 = f64::from_bits(u.wrapping_sub(h).wrapping_add(473) << 52);
    (s1, s2)
}

/// `eʳ⁺ᵖ − 1 − r` for `|r| ≤ ln2/2` and a correction `|ρ| ≤ 2⁻⁵⁵`: `r² p(r) + ρ` (`eʳ ρ − ρ` is below
/// 2⁻⁵⁶ and left out).
#[inline(always)]
fn exp_tail(r: f64, rho: f64) -> f64 {
    (r * r).mul_add(horner(r, &EXP_P), rho)
}

/// `eˣ` of one lane: `(1 + r + tail) 2ᵏ`, `1 + r` summed with its exact rounding error so that the only
/// large rounding is the last addition.
#[inline(always)]
fn exp_lane(x: f64) -> f64 {
    let (r, rho, kd) = reduce(x);
    let (s1, s2) = scales(kd);
    let s = 1.0 + r;
    let c = (1.0 - s) + r;
    (s + exp_tail(r, c + rho)) * s1 * s2
}

/// `erfc(x)` of one lane: `erfc(a) = e^(−a²) Q/(√π a Q + √π P)` for `a = |x|` (clamped to 28), `a²`
/// carried as the exact sum `hi + lo` (`lo` subtracted from the reduced argument with its rounding error), `e^(−a²) g = (g + g (eʳ − 1)) 2ᵏ` with one rounding (and one more if
/// the result is subnormal), and `erfc(x) = 2 − erfc(|x|)` for negative `x`. Written this way the errors
/// of `P` and `Q` are damped by `D/(a + D) ≈ 1/(2a²)` for large `a`, and Horner in `a` is well conditioned
/// for small `a`.
#[inline(always)]
fn erfc_lane(x: f64) -> f64 {
    let a = x.abs();
    let a = if a > ERFC_MAX { ERFC_MAX } else { a };
    let hi = a * a;
    let lo = a.mul_add(a, -hi);
    let (r, rho, kd) = reduce(-hi);
    let (s1, s2) = scales(kd);
    let q = horner(a, &ERFC_Q);
    let g = q / (a * SQRT_PI).mul_add(q, horner(a, &ERFC_P));
    let rl = r - lo;
    let t = rl + exp_tail(rl, rho + ((r - rl) - lo));
    let e = g.mul_add(t, g) * s1 * s2;
    if x < 0.0 {
        2.0 - e
    } else {
        e
    }
}

#[cfg(test)]
mod tests {
    //! Accuracy against a double-double reference (at least 27 correct digits, itself checked against values
    //! computed with mpmath at 80 digits), special values, symmetry, monotonicity and lane independence.

    use super::*;

    /// The unevaluated sum `hi + lo` with `|lo| ≤ ulp(hi)/2`.
    #[derive(Clone, Copy, Debug)]
    struct Dd(f64, f64);

    fn fast_two_sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        Dd(s, b - (s - a))
    }

    fn two_sum(a: f64, b: f64) -> Dd {
        let s = a + b;
        let bb = s - a;
        Dd(s, (a - (s - bb)) + (b - bb))
    }

    impl Dd {
        fn add(self, o: Dd) -> Dd {
            let s = two_sum(self.0, o.0);
            let t = two_sum(self.1, o.1);
            let u = fast_two_sum(s.0, s.1 + t.0);
            fast_two_sum(u.0, u.1 + t.1)
        }
        fn neg(self) -> Dd {
            Dd(-self.0, -self.1)
        }
        fn mul(self, o: Dd) -> Dd {
            let p = self.0 * o.0;
            let e = self.0.mul_add(o.0, -p) + (self.0 * o.1 + self.1 * o.0);
            fast_two_sum(p, e)
        }
        fn div(self, o: Dd) -> Dd {
            let q1 = self.0 / o.0;
            let r = self.add(o.mul(Dd(-q1, 0.0)));
            let q2 = r.0 / o.0;
            let r = r.add(o.mul(Dd(-q2, 0.0)));
            let q3 = r.0 / o.0;
            fast_two_sum(q1, q2).add(Dd(q3, 0.0))
        }
    }

    /// `1/√π` as a double-double.
    const FRAC_1_SQRT_PI_DD: Dd = Dd(0.564_189_583_547_756_3, 7.667_729_806_582_94e-18);

    /// `2ⁿ` for `|n| ≤ 1022`.
    fn p2(n: i32) -> f64 {
        f64::from_bits(((n + 1023) as u64) << 52)
    }

    /// `x 2ⁿ` for `|n| ≤ 2044`, exact when the result is normal or `x` is subnormal and `n > 0`.
    fn ldexp(x: f64, n: i32) -> f64 {
        x * p2(n / 2) * p2(n - n / 2)
    }

    /// `eˣ` for `x = hi + lo` as `(m, k)` with `eˣ = m 2ᵏ`, `m ∈ [0.7, 1.42]` (Taylor series in double-double).
    fn ref_exp(x: Dd) -> (Dd, i32) {
        let k = (x.0 / LN2_HI).round();
        let r = Dd((-k).mul_add(LN2_HI, x.0), 0.0); // exact, as in `reduce`
        let kl = -k * LN2_LO;
        let r = r.add(Dd(kl, (-k).mul_add(LN2_LO, -kl))).add(Dd(x.1, 0.0));
        let (mut sum, mut term) = (Dd(1.0, 0.0), Dd(1.0, 0.0));
        for n in 1..32 {
            term = term.mul(r).div(Dd(n as f64, 0.0));
            sum = sum.add(term);
        }
        (sum, k as i32)
    }

    /// `erfc(a) = (m, k)` for `a ≥ 0`: `1 − erf(a)` by the series `erf(a) = 2a e^(−a²)/√π Σ (2a²)ⁿ/(2n+1)!!`
    /// below 2.5, the continued fraction `√π e^(a²) erfc(a) = 1/(a + ½/(a + 1/(a + 3/2/(a + …))))` above.
    fn ref_erfc_pos(a: f64) -> (Dd, i32) {
        let a2 = Dd(a * a, a.mul_add(a, -(a * a)));
        let (e, k) = ref_exp(a2.neg());
        if a < 2.5 {
            let (mut sum, mut term, n2) = (Dd(1.0, 0.0), Dd(1.0, 0.0), a2.add(a2));
            let mut n = 1.0;
            while term.0 > 1e-36 * sum.0 {
                term = term.mul(n2).div(Dd(2.0 * n + 1.0, 0.0));
                sum = sum.add(term);
                n += 1.0;
            }
            let erf = sum
                .mul(Dd(a, 0.0))
                .mul(e)
                .mul(FRAC_1_SQRT_PI_DD)
                .mul(Dd(2.0 * p2(k), 0.0));
            return (Dd(1.0, 0.0).add(erf.neg()), 0);
        }
        let mut f = Dd(a, 0.0);
        for n in (1..=if a < 4.0 { 160 } else { 60 }).rev() {
            f = Dd(a, 0.0).add(Dd(0.5 * n as f64, 0.0).div(f));
        }
        (e.mul(FRAC_1_SQRT_PI_DD).div(f), k)
    }

    /// `erfc(x) = (m, k)`, `erfc(x) = m 2ᵏ`.
    fn ref_erfc(x: f64) -> (Dd, i32) {
        let (m, k) = ref_erfc_pos(x.abs());
        if x < 0.0 {
            let m = Dd(ldexp(m.0, k), ldexp(m.1, k));
            return (Dd(2.0, 0.0).add(m.neg()), 0);
        }
        (m, k)
    }

    fn ref_exp1(x: f64) -> (Dd, i32) {
        ref_exp(Dd(x, 0.0))
    }

    /// `|y − m 2ᵏ|` in units of the last place of the exact value `m 2ᵏ` (the subnormal spacing `2⁻¹⁰⁷⁴`
    /// below the normal range), and whether the exact value is normal.
    fn ulps(y: f64, (m, k): (Dd, i32)) -> (f64, bool) {
        let mut e = ((m.0.to_bits() >> 52) & 0x7ff) as i32 - 1023;
        if m.0 == p2(e) && m.1 < 0.0 {
            e -= 1; // the exact value is just below the power of two
        }
        let normal = e + k >= -1022;
        let ulp_scaled = p2((e + k).max(-1022) - 52 - k);
        let d = (ldexp(y, -k) - m.0) - m.1;
        ((d / ulp_scaled).abs(), normal)
    }

    /// Largest error in ulps over `xs` of `f` against the reference `r`, (over normal values, at, over
    /// subnormal values).
    fn sweep(
        xs: impl Iterator<Item = f64>,
        f: fn(f64) -> f64,
        r: fn(f64) -> (Dd, i32),
    ) -> (f64, f64, f64) {
        let (mut worst, mut at, mut sub) = (0.0f64, f64::NAN, 0.0f64);
        for x in xs {
            let (u, normal) = ulps(f(x), r(x));
            if !normal {
                sub = sub.max(u);
            } else if u > worst {
                (worst, at) = (u, x);
            }
        }
        (worst, at, sub)
    }

    /// A deterministic stream of uniform numbers in `[0, 1)` (splitmix64).
    struct Rng(u64);

    impl Rng {
        fn next(&mut self) -> f64 {
            self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
            let mut z = self.0;
            z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
            ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
        }
    }

    /// `n` uniform points of `[lo, hi)`.
    fn uniform(seed: u64, n: usize, lo: f64, hi: f64) -> impl Iterator<Item = f64> {
        let mut g = Rng(seed);
        (0..n).map(move |_| lo + (hi - lo) * g.next())
    }

    /// `n` points `±10ᵘ`, `u` uniform in `[lo, hi)`, both signs.
    fn log_dense(seed: u64, n: usize, lo: f64, hi: f64) -> impl Iterator<Item = f64> {
        let mut g = Rng(seed);
        (0..n).map(move |i| {
            let v = 10f64.powf(lo + (hi - lo) * g.next());
            if i % 2 == 0 {
                v
            } else {
                -v
            }
        })
    }

    /// `x` and its 8 neighbours on each side (in ulps).
    fn around(x: f64) -> impl Iterator<Item = f64> {
        (-8i64..=8).map(move |d| f64::from_bits((x.to_bits() as i64 + d) as u64))
    }

    fn exp1(x: f64) -> f64 {
        exp([x])[0]
    }

    fn erfc1(x: f64) -> f64 {
        erfc([x])[0]
    }

    /// The largest error of [`exp`], in ulps of the exact value, over the whole range where the result is
    /// finite and normal (−708.4 ≤ x ≤ 709.78).
    const EXP_BOUND: f64 = 0.75;
    /// The largest error of [`erfc`], in ulps of the exact value, wherever that is normal (x ≤ 26.55).
    const ERFC_BOUND: f64 = 4.0;
    /// The largest error of both in the subnormal range, in units of the subnormal spacing `2⁻¹⁰⁷⁴` (`erfc`
    /// rounds twice there: the normal product, then the scaling into the subnormal range).
    const SUBNORMAL_BOUND: f64 = 2.0;

    /// `(x, hi, lo, k)`: `eˣ = (hi + lo) 2ᵏ` (mpmath, `jobs/roofline/special_coefficients.py --anchors`).
    const EXP_ANCHORS: [(f64, f64, f64, i32); 11] = [
        (-745.0, 1.1425002949421084, -3.168228304494958e-17, -1075),
        (-700.5, 1.3123239145030543, -6.297503162446053e-17, -1011),
        (-20.25, 1.7236004999109713, -3.927365328147038e-17, -30),
        (-1.0, 1.4715177646857693, -4.971501469115345e-17, -2),
        (-0.3, 1.4816364413634358, -3.611061011906e-18, -1),
        (-1e-10, 1.9999999998, 1.6558074192531302e-17, -1),
        (1e-05, 1.00001000005, 9.70188425858504e-17, 0),
        (0.34, 1.4049475905635938, 8.000517253714439e-17, 0),
        (1.5, 1.1204222675845161, 7.620439889134086e-17, 2),
        (100.125, 1.3658896838622563, 8.719074372504888e-17, 144),
        (709.5, 1.5074723188709405, -2.169846945243557e-18, 1023),
    ];
    /// `(x, hi, lo, k)`: `erfc(x) = (hi + lo) 2ᵏ` (mpmath, as above).
    const ERFC_ANCHORS: [(f64, f64, f64, i32); 15] = [
        (-5.5, 1.9999999999999927, -3.03759554483649e-17, 0),
        (-1.25, 1.9229001282564582, 5.584475816387646e-17, 0),
        (-0.001, 1.0011283787909693, -3.911015174527268e-17, 0),
        (1e-08, 1.9999999774324166, 1.5703078810620036e-17, -1),
        (0.3, 1.342746481081745, 6.520579356855011e-17, -1),
        (0.75, 1.1553774653859394, 3.414697405931571e-17, -2),
        (1.5, 1.0846353127900568, -2.6478018491374313e-17, -5),
        (2.45, 1.0866280698901585, -7.342947828335575e-17, -11),
        (2.75, 1.6485895720081298, 1.0260554610136439e-16, -14),
        (3.0, 1.4477228112992955, 1.0199615380090688e-17, -16),
        (3.5, 1.5583902377525385, -6.536964864083155e-17, -21),
        (5.0, 1.690454921211723, -9.422174978451502e-17, -40),
        (9.75, 1.6645838377831594, 5.977420139008289e-17, -142),
        (17.0, 1.1060656125933637, 8.960784604038941e-17, -422),
        (26.0, 1.1574095554812027, -7.059712431676503e-17, -981),
    ];

    #[test]
    fn references_match_mpmath() {
        for (x, hi, lo, k) in EXP_ANCHORS {
            let (m, kr) = ref_exp1(x);
            let d = ldexp(m.0, kr - k) - hi + (ldexp(m.1, kr - k) - lo);
            assert!(d.abs() < 1e-29, "exp reference at {x}: {d:e}");
        }
        for (x, hi, lo, k) in ERFC_ANCHORS {
            let (m, kr) = ref_erfc(x);
            let d = ldexp(m.0, kr - k) - hi + (ldexp(m.1, kr - k) - lo);
            assert!(d.abs() < 1e-27, "erfc reference at {x}: {d:e}");
        }
    }

    /// Points where the range reduction of `exp` switches from `k` to `k + 1`, `x = (k + ½) ln 2`.
    fn reduction_boundaries(lo: f64, hi: f64) -> impl Iterator<Item = f64> {
        let k0 = (lo / LN2_HI).floor() as i64;
        let k1 = (hi / LN2_HI).ceil() as i64;
        (k0..=k1).flat_map(|k| around((k as f64 + 0.5) * LN2_HI))
    }

    #[test]
    fn exp_error_bound() {
        let sets: Vec<(&str, Vec<f64>)> = vec![
            (
                "whole range",
                uniform(1, 1_000_000, -746.0, 709.78).collect(),
            ),
            (
                "flux range [-40, 0]",
                uniform(2, 1_000_000, -40.0, 0.0).collect(),
            ),
            (
                "near 0, |x| in [1e-18, 10]",
                log_dense(3, 1_000_000, -18.0, 1.0).collect(),
            ),
            (
                "reduction boundaries",
                reduction_boundaries(-746.0, 709.0).collect(),
            ),
            (
                "underflow [-745.2, -707]",
                uniform(4, 200_000, -745.2, -707.0).collect(),
            ),
            (
                "overflow side [709, 709.78]",
                uniform(5, 100_000, 709.0, 709.78).collect(),
            ),
        ];
        let mut worst = (0.0f64, 0.0f64);
        for (name, xs) in &sets {
            let (u, at, sub) = sweep(xs.iter().copied(), exp1, ref_exp1);
            println!(
                "exp, {name}, {} points: max {u:.3} ulp at {at:e}, subnormal {sub:.3}",
                xs.len()
            );
            worst = (worst.0.max(u), worst.1.max(sub));
        }
        println!(
            "exp: max {:.3} ulp (normal results), {:.3} subnormal spacing",
            worst.0, worst.1
        );
        assert!(
            worst.0 <= EXP_BOUND && worst.1 <= SUBNORMAL_BOUND,
            "{worst:?}"
        );
    }

    #[test]
    fn erfc_error_bound() {
        let sets: Vec<(&str, Vec<f64>)> = vec![
            (
                "flux range [-3, 3]",
                uniform(11, 1_000_000, -3.0, 3.0).collect(),
            ),
            (
                "near 0, |x| in [1e-18, 3]",
                log_dense(12, 500_000, -18.0, 0.5).collect(),
            ),
            ("tail [3, 27.3]", uniform(13, 500_000, 3.0, 27.3).collect()),
            (
                "negative [-30, -3]",
                uniform(14, 100_000, -30.0, -3.0).collect(),
            ),
            (
                "subnormal edge [26.3, 27.4]",
                uniform(15, 100_000, 26.3, 27.4).collect(),
            ),
            (
                "exp reduction boundaries",
                reduction_boundaries(0.0, 746.0)
                    .filter(|&t| t >= 0.0)
                    .flat_map(|t| around(t.sqrt()))
                    .collect(),
            ),
        ];
        let mut worst = (0.0f64, 0.0f64);
        for (name, xs) in &sets {
            let (u, at, sub) = sweep(xs.iter().copied(), erfc1, ref_erfc);
            println!(
                "erfc, {name}, {} points: max {u:.3} ulp at {at:e}, subnormal {sub:.3}",
                xs.len()
            );
            worst = (worst.0.max(u), worst.1.max(sub));
        }
        println!(
            "erfc: max {:.3} ulp (normal values), {:.3} subnormal spacing",
            worst.0, worst.1
        );
        assert!(
            worst.0 <= ERFC_BOUND && worst.1 <= SUBNORMAL_BOUND,
            "{worst:?}"
        );
    }

    #[test]
    fn special_values() {
        assert_eq!(exp1(0.0), 1.0);
        assert_eq!(exp1(-0.0), 1.0);
        assert_eq!(exp1(f64::NEG_INFINITY), 0.0);
        assert_eq!(exp1(-746.0), 0.0);
        assert_eq!(exp1(-745.2), 0.0);
        assert_eq!(exp1(-745.1), 5e-324); // the smallest subnormal
        assert_eq!(exp1(f64::INFINITY), f64::INFINITY);
        assert_eq!(exp1(709.79), f64::INFINITY);
        assert_eq!(exp1(1e308), f64::INFINITY);
        assert_eq!(exp1(709.78), 1.7928227943945155e308);
        assert!(exp1(f64::NAN).is_nan());
        assert_eq!(exp1(1.0), std::f64::consts::E);
        assert_eq!(exp1(std::f64::consts::LN_2), 2.0);
        assert_eq!(exp1(1e-300), 1.0);
        assert_eq!(erfc1(0.0), 1.0);
        assert_eq!(erfc1(-0.0), 1.0);
        assert_eq!(erfc1(f64::INFINITY), 0.0);
        assert_eq!(erfc1(f64::NEG_INFINITY), 2.0);
        assert_eq!(erfc1(27.5), 0.0);
        assert_eq!(erfc1(30.0), 0.0);
        assert_eq!(erfc1(1e300), 0.0);
        assert_eq!(erfc1(-6.0), 2.0);
        assert_eq!(erfc1(-30.0), 2.0);
        assert_eq!(erfc1(1e-300), 1.0);
        assert!(erfc1(27.2) > 0.0 && erfc1(27.2) < 1e-320);
        assert!(erfc1(f64::NAN).is_nan());
    }

    /// `erfc(−x) = 2 − erfc(x)` holds bit for bit (that is how negative arguments are computed), and both
    /// sides are within the bound of the reference (checked by `erfc_error_bound` on negative arguments).
    #[test]
    fn erfc_reflection() {
        for x in uniform(21, 200_000, 0.0, 28.0).chain(log_dense(22, 100_000, -18.0, 0.0)) {
            let x = x.abs();
            assert_eq!(erfc1(-x).to_bits(), (2.0 - erfc1(x)).to_bits(), "at {x:e}");
        }
    }

    #[test]
    fn monotone_on_a_sorted_sample() {
        let mut xs: Vec<f64> = uniform(31, 200_000, -746.0, 709.78)
            .chain(uniform(32, 200_000, -1.0, 1.0))
            .chain(reduction_boundaries(-50.0, 50.0))
            .collect();
        xs.sort_by(f64::total_cmp);
        for w in xs.windows(2) {
            assert!(exp1(w[0]) <= exp1(w[1]), "exp at {:e}, {:e}", w[0], w[1]);
        }
        let mut xs: Vec<f64> = uniform(33, 200_000, -30.0, 30.0)
            .chain(uniform(34, 200_000, -0.01, 0.01))
            .chain(log_dense(35, 100_000, -18.0, 1.5))
            .collect();
        xs.sort_by(f64::total_cmp);
        // erfc is not correctly rounded: neighbours closer than its error may come out in the wrong order,
        // by at most twice the bound.
        let mut steps_up = 0;
        for w in xs.windows(2) {
            let (a, b) = (erfc1(w[0]), erfc1(w[1]));
            if a < b {
                steps_up += 1;
                let ulp = f64::from_bits(b.to_bits() + 1) - b;
                assert!(
                    b - a <= 2.0 * ERFC_BOUND * ulp,
                    "erfc at {:e}, {:e}",
                    w[0],
                    w[1]
                );
            }
        }
        println!(
            "erfc: {steps_up} of {} sorted neighbours out of order, all within the bound",
            xs.len()
        );
    }

    /// The bits of `y`, with every NaN the same (IEEE leaves the sign and payload of a NaN made by an
    /// invalid operation to the instruction, so vector and scalar code may differ there).
    fn bits(y: f64) -> u64 {
        if y.is_nan() {
            f64::NAN.to_bits()
        } else {
            y.to_bits()
        }
    }

    /// Every lane of a batch of 8 (and of 4 and 3) gives the bits of the scalar call (NaN: a NaN).
    #[test]
    fn lanes_give_the_scalar_bits() {
        let specials = [
            0.0,
            -0.0,
            f64::NAN,
            f64::INFINITY,
            -f64::INFINITY,
            -745.1,
            709.7,
            27.2,
        ];
        let mut g = Rng(41);
        let xs: Vec<f64> = (0..80_000)
            .map(|i| match i % 4 {
                0 => -40.0 * g.next(),
                1 => 60.0 * g.next() - 30.0,
                2 => 1500.0 * g.next() - 760.0,
                _ => (g.next() - 0.5) * 1e-6,
            })
            .chain(specials)
            .collect();
        for c in xs.chunks_exact(8) {
            let x8: [f64; 8] = c.try_into().unwrap();
            let (e8, f8) = (exp(x8), erfc(x8));
            let x4: [f64; 4] = c[2..6].try_into().unwrap();
            let x3: [f64; 3] = c[5..].try_into().unwrap();
            for i in 0..8 {
                assert_eq!(bits(e8[i]), bits(exp1(c[i])), "exp lane {i} at {:e}", c[i]);
                assert_eq!(
                    bits(f8[i]),
                    bits(erfc1(c[i])),
                    "erfc lane {i} at {:e}",
                    c[i]
                );
            }
            assert_eq!(exp(x4).map(bits), [e8[2], e8[3], e8[4], e8[5]].map(bits));
            assert_eq!(erfc(x3).map(bits), [f8[5], f8[6], f8[7]].map(bits));
        }
    }
}
