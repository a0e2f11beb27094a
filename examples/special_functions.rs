//! Speed of the lane-wise `exp` and `erfc` of `gasket::physics::special`, in ns per value, for batches of
//! W = 1, 4 and 8 lanes, compiled for AVX-512 (with FMA), AVX2 (with FMA) and the baseline (SSE2, where
//! every `mul_add` is a call of the C library's `fma`), next to the scalar library functions (glibc `exp`,
//! `libm::erfc`). It also checks that every version gives the same bits.
//!
//! The AVX columns need x86-64 (elsewhere they print `-`). Run: `cargo run --release --example special_functions` (add `-- --reps 20` for more repetitions; the
//! figure is the best repetition, as the machine may be shared).

use std::hint::black_box;
use std::time::Instant;

use gasket::physics::special;

/// Values per timed pass (they stay in the L1 cache).
const N: usize = 4096;

/// One kernel: fills `out` with `f` of `xs`, `W` values per call.
type Kernel = fn(&[f64], &mut [f64]);

/// A timed case: its label, its arguments, the kernels (AVX-512, AVX2, baseline; W = 1, 4, 8) and the
/// scalar library function.
type Case = (&'static str, Vec<f64>, [[Kernel; 3]; 3], fn(f64) -> f64);

/// The batched loop over `xs` for `$f::<W>`, compiled for one instruction set.
macro_rules! kernels {
    ($name:ident, $f:path, $($feat:literal)?) => {
        mod $name {
            use super::*;
            $(#[cfg_attr(target_arch = "x86_64", target_feature(enable = $feat))])?
            unsafe fn run<const W: usize>(xs: &[f64], out: &mut [f64]) {
                for (x, y) in xs.chunks_exact(W).zip(out.chunks_exact_mut(W)) {
                    let x: [f64; W] = x.try_into().unwrap();
                    // W = 1: opaque input, so that the compiler cannot merge the calls of several values
                    // into one vector: a real scalar call, as in the flux. (For W > 1 this would cost a
                    // failed store-to-load forwarding per batch.)
                    let x = if W == 1 { black_box(x) } else { x };
                    y.copy_from_slice(&$f(x));
                }
            }
            /// The kernels for W = 1, 4, 8.
            pub fn all() -> [Kernel; 3] {
                // SAFETY: called only when the features were detected (see `main`).
                [
                    |x, y| unsafe { run::<1>(x, y) },
                    |x, y| unsafe { run::<4>(x, y) },
                    |x, y| unsafe { run::<8>(x, y) },
                ]
            }
        }
    };
}

kernels!(
    exp_avx512,
    special::exp,
    "avx512f,avx512dq,avx512vl,avx2,fma"
);
kernels!(exp_avx2, special::exp, "avx2,fma");
kernels!(exp_base, special::exp,);
kernels!(
    erfc_avx512,
    special::erfc,
    "avx512f,avx512dq,avx512vl,avx2,fma"
);
kernels!(erfc_avx2, special::erfc, "avx2,fma");
kernels!(erfc_base, special::erfc,);

/// Best time over `reps` repetitions of `passes` passes of `k` over `xs`, in ns per value.
fn time(k: Kernel, xs: &[f64], reps: usize) -> f64 {
    let mut out = vec![0.0; xs.len()];
    let passes = 200;
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let t = Instant::now();
        for _ in 0..passes {
            k(black_box(xs), &mut out);
            black_box(&mut out);
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e9 / (passes * xs.len()) as f64);
    }
    best
}

/// Best time of the scalar library function `f` over `xs`, in ns per value, as [`time`].
fn time_lib(f: fn(f64) -> f64, xs: &[f64], reps: usize) -> f64 {
    let mut out = vec![0.0; xs.len()];
    let mut best = f64::INFINITY;
    for _ in 0..reps {
        let t = Instant::now();
        for _ in 0..200 {
            for (x, y) in black_box(xs).iter().zip(out.iter_mut()) {
                *y = f(*x);
            }
            black_box(&mut out);
        }
        best = best.min(t.elapsed().as_secs_f64() * 1e9 / (200 * xs.len()) as f64);
    }
    best
}

/// `n` points spread evenly over `[lo, hi)`, in a scrambled order.
fn args(lo: f64, hi: f64) -> Vec<f64> {
    (0..N)
        .map(|i| lo + (hi - lo) * ((i * 2654435761) % N) as f64 / N as f64)
        .collect()
}

/// The outputs of `k` on `xs`, as bits.
fn bits(k: Kernel, xs: &[f64]) -> Vec<u64> {
    let mut out = vec![0.0; xs.len()];
    k(xs, &mut out);
    out.iter().map(|y| y.to_bits()).collect()
}

/// Whether the AVX-512 and the AVX2 kernels may run here.
#[cfg(target_arch = "x86_64")]
fn detected() -> (bool, bool) {
    use std::arch::is_x86_feature_detected as has;
    let fma = has!("fma");
    let avx512 = has!("avx512f") && has!("avx512dq") && has!("avx512vl") && fma;
    (avx512, has!("avx2") && fma)
}

/// Elsewhere only the baseline kernels run.
#[cfg(not(target_arch = "x86_64"))]
fn detected() -> (bool, bool) {
    (false, false)
}

fn main() {
    let reps = std::env::args()
        .skip_while(|a| a != "--reps")
        .nth(1)
        .map_or(7, |r| r.parse().expect("--reps N"));
    let (avx512, avx2) = detected();
    let cases: [Case; 4] = [
        (
            "exp, x in [-40, 0]",
            args(-40.0, 0.0),
            [exp_avx512::all(), exp_avx2::all(), exp_base::all()],
            f64::exp,
        ),
        (
            "exp, x in [-745, 709]",
            args(-745.0, 709.0),
            [exp_avx512::all(), exp_avx2::all(), exp_base::all()],
            f64::exp,
        ),
        (
            "erfc, x in [-3, 3]",
            args(-3.0, 3.0),
            [erfc_avx512::all(), erfc_avx2::all(), erfc_base::all()],
            libm::erfc,
        ),
        (
            "erfc, x in [3, 27]",
            args(3.0, 27.0),
            [erfc_avx512::all(), erfc_avx2::all(), erfc_base::all()],
            libm::erfc,
        ),
    ];
    println!("ns per value, best of {reps} repetitions of 200 passes over {N} values");
    println!(
        "{:<24} {:>8} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7} | {:>7} {:>7} {:>7}",
        "function",
        "library",
        "512 W1",
        "512 W4",
        "512 W8",
        "avx2 W1",
        "avx2 W4",
        "avx2 W8",
        "base W1",
        "base W4",
        "base W8"
    );
    for (name, xs, isas, lib) in &cases {
        let lib_ns = time_lib(*lib, xs, reps);
        let reference = bits(isas[2][0], xs);
        let mut row = format!("{name:<24} {lib_ns:>8.2} |");
        for (i, ks) in isas.iter().enumerate() {
            let usable = match i {
                0 => avx512,
                1 => avx2,
                _ => true,
            };
            for k in ks {
                if usable {
                    assert_eq!(
                        bits(*k, xs),
                        reference,
                        "{name}: an instruction set or width changed the bits"
                    );
                    row += &format!(" {:>7.2}", time(*k, xs, reps));
                } else {
                    row += &format!(" {:>7}", "-");
                }
            }
            row += if i < 2 { " |" } else { "" };
        }
        println!("{row}");
    }
    println!("every available version gave the bits of the baseline scalar call (W = 1)");
}
