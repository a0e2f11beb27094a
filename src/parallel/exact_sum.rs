//! Sums whose bits do not depend on how the terms are split over ranks and threads, without gathering the
//! terms anywhere.
//!
//! Every term is rounded towards zero to a multiple of `2^(e − FRACTION_BITS)`, `e` the smallest exponent
//! with `|term| < 2^e` for every term of every rank (an exact maximum over ranks), and the multiples are
//! added as 128-bit integers. Integer addition is associative, so any split and any order gives the same
//! integer; it is turned into a double once. Each term loses at most `2^(e − 80)`, so the sum of `n` terms
//! is within `n · 2^(e − 80)` (plus the final rounding) of the exact sum of the doubles: for 10⁹ terms,
//! 10⁻¹⁵ of the largest term. Up to `2^46` terms fit in the integer.

/// Bits kept below the largest term.
const FRACTION_BITS: i32 = 80;

/// The smallest `e` with `|x| < 2^e` (for `x = 0`, the exponent of the smallest subnormal).
pub fn scale_exponent(max_abs: f64) -> i32 {
    if max_abs == 0.0 || !max_abs.is_finite() {
        return -1074;
    }
    let (mantissa, exp) = decompose(max_abs);
    // max_abs = mantissa · 2^exp with mantissa < 2^53: the bit length of the mantissa gives e.
    exp + (64 - mantissa.leading_zeros() as i32)
}

/// `|x| = m · 2^k` with an integer `m < 2^53` (`x` finite).
fn decompose(x: f64) -> (u64, i32) {
    let bits = x.abs().to_bits();
    let biased = (bits >> 52) as i32;
    let fraction = bits & ((1u64 << 52) - 1);
    if biased == 0 {
        (fraction, -1074)
    } else {
        (fraction | (1u64 << 52), biased - 1075)
    }
}

/// `x` as a multiple of `2^(e − 80)`, rounded towards zero (`|x| < 2^e`, finite).
pub fn to_fixed(x: f64, e: i32) -> i128 {
    let (m, k) = decompose(x);
    let shift = k + FRACTION_BITS - e;
    let magnitude = if shift >= 0 {
        (m as i128) << shift.min(127)
    } else if shift > -64 {
        (m >> (-shift)) as i128
    } else {
        0
    };
    if x < 0.0 {
        -magnitude
    } else {
        magnitude
    }
}

/// The double nearest to `v · 2^(e − 80)`.
pub fn from_fixed(v: i128, e: i32) -> f64 {
    scale_by_power_of_two(v as f64, e - FRACTION_BITS)
}

/// `x · 2^k`, in steps that are exact while the result is a normal number.
fn scale_by_power_of_two(mut x: f64, mut k: i32) -> f64 {
    while k != 0 {
        let step = k.clamp(-1000, 1000);
        x *= f64::from_bits(((1023 + step) as u64) << 52);
        k -= step;
    }
    x
}

/// Adds the fixed-point images of `terms` (every `|term| < 2^e`).
pub fn fixed_sum(terms: impl Iterator<Item = f64>, e: i32) -> i128 {
    terms.map(|x| to_fixed(x, e)).sum()
}

/// An `i128` as two 64-bit words (low, high) for MPI, and back.
pub fn split_words(v: i128) -> [u64; 2] {
    [v as u64, (v >> 64) as u64]
}

/// The `i128` of [`split_words`].
pub fn join_words(w: [u64; 2]) -> i128 {
    ((w[1] as i128) << 64) | w[0] as i128
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|i| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let u = (s >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
                u * 10f64.powi((i % 13) as i32 - 6)
            })
            .collect()
    }

    #[test]
    fn any_split_and_order_gives_the_same_bits() {
        let t = terms(10_000, 3);
        let e = scale_exponent(t.iter().fold(0.0, |m: f64, x| m.max(x.abs())));
        let whole = from_fixed(fixed_sum(t.iter().copied(), e), e);
        for parts in [2, 3, 7, 64] {
            let chunk = t.len().div_ceil(parts);
            let partial: Vec<i128> = t
                .chunks(chunk)
                .map(|c| fixed_sum(c.iter().copied(), e))
                .collect();
            let rev: i128 = partial.iter().rev().sum();
            assert_eq!(
                from_fixed(rev, e).to_bits(),
                whole.to_bits(),
                "{parts} parts"
            );
        }
        let backwards = from_fixed(fixed_sum(t.iter().rev().copied(), e), e);
        assert_eq!(backwards.to_bits(), whole.to_bits());
    }

    /// Within n · 2^(e − 80) of a compensated (Kahan–Babuška) sum of the same doubles.
    #[test]
    fn the_sum_is_accurate() {
        let t = terms(100_000, 11);
        let max = t.iter().fold(0.0, |m: f64, x| m.max(x.abs()));
        let e = scale_exponent(max);
        let got = from_fixed(fixed_sum(t.iter().copied(), e), e);
        let (mut s, mut c) = (0.0f64, 0.0f64);
        for &x in &t {
            let y = s + x;
            c += if s.abs() >= x.abs() {
                (s - y) + x
            } else {
                (x - y) + s
            };
            s = y;
        }
        let exact = s + c;
        let bound =
            t.len() as f64 * scale_by_power_of_two(1.0, e - FRACTION_BITS) + exact.abs() * 1.2e-16;
        assert!((got - exact).abs() <= bound, "{got} vs {exact}");
    }

    #[test]
    fn exponents_and_round_trips() {
        assert_eq!(scale_exponent(1.0), 1);
        assert_eq!(scale_exponent(0.75), 0);
        assert_eq!(scale_exponent(1024.0), 11);
        assert_eq!(scale_exponent(f64::MIN_POSITIVE * 0.5), -1022);
        for x in [1.0f64, -0.3, 123.456, -1e-300, 5e-324, 1e300] {
            let e = scale_exponent(x.abs());
            let back = from_fixed(to_fixed(x, e), e);
            assert!((back - x).abs() <= x.abs() * 2f64.powi(-52), "{x}: {back}");
        }
        assert_eq!(from_fixed(0, 5), 0.0);
        for v in [0i128, 1, -1, i128::MAX >> 3, -(1i128 << 100) + 17] {
            assert_eq!(join_words(split_words(v)), v);
        }
    }
}
