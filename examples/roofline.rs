//! Roofline of this machine: the peak double-precision FLOP rate of one core and of all cores, the memory
//! bandwidth (STREAM-like copy and triad) out of DRAM and out of L1/L2-sized working sets, the cost of the
//! scalar `exp` and `erfc` that the gas-kinetic flux calls, and the time of `gks_flux` itself.
//!
//! Run with `cargo run --release --example roofline [-- --csv FILE] [--quick]`. Every figure is
//! the best of several repetitions (the machine may be shared); `--quick` uses smaller DRAM arrays.
//!
//! The peak kernels are independent FMA chains (12 accumulators, enough to hide a 4-cycle latency on two
//! pipes) written with `std::arch` intrinsics (inline assembly for AVX-512) for the detected width. The clock is
//! estimated from a chain of dependent integer additions (one cycle each on every x86 core).

use std::hint::black_box;
use std::time::Instant;

use gasket::physics::{gks_flux, FacePoint, FluxParams, Gas, State, Viscosity};

/// One row of the result table.
struct Row {
    /// What was measured.
    what: String,
    /// The value.
    value: f64,
    /// Its unit.
    unit: &'static str,
}

/// Best (smallest) wall time in seconds of `reps` runs of `f`.
fn best_time(reps: usize, mut f: impl FnMut()) -> f64 {
    (0..reps)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64()
        })
        .fold(f64::INFINITY, f64::min)
}

/// Best time of `reps` runs of `f` on `threads` threads at once (each run timed from start to last finish).
fn best_time_threads(reps: usize, threads: usize, f: impl Fn(usize) + Sync) -> f64 {
    best_time(reps, || {
        std::thread::scope(|s| {
            for t in 0..threads {
                let f = &f;
                s.spawn(move || f(t));
            }
        })
    })
}

/// The vector unit found at run time: its name and width in doubles, and whether FMA is there.
fn detect() -> (&'static str, usize, bool) {
    #[cfg(target_arch = "x86_64")]
    {
        let fma = is_x86_feature_detected!("fma");
        if is_x86_feature_detected!("avx512f") {
            ("AVX-512F", 8, fma)
        } else if is_x86_feature_detected!("avx2") {
            ("AVX2", 4, fma)
        } else {
            ("SSE2", 2, fma)
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        ("not x86_64: portable scalar code only", 1, false)
    }
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    //! Kernels compiled for one x86 vector width each.
    use std::arch::x86_64::*;

    /// `n` rounds of 12 independent 8-wide FMAs: `n · 12 · 8 · 2` flops.
    ///
    /// Inline assembly (the AVX-512 intrinsics and target feature need Rust 1.89, above the crate's MSRV).
    /// The function is not compiled for AVX, so the compiler keeps nothing in the upper lanes of the
    /// clobbered registers; `vzeroupper` ends the AVX-512 section.
    ///
    /// # Safety
    /// The CPU must have AVX-512F.
    pub unsafe fn fma512(n: u64, a: f64) -> f64 {
        let mut out = [0.0f64; 8];
        std::arch::asm!(
            "vbroadcastsd zmm12, {x}",
            "vbroadcastsd zmm13, {y}",
            ".irp r,0,1,2,3,4,5,6,7,8,9,10,11", "vmovapd zmm\\r, zmm13", ".endr",
            "2:",
            ".irp r,0,1,2,3,4,5,6,7,8,9,10,11", "vfmadd213pd zmm\\r, zmm12, zmm13", ".endr",
            "dec {n}",
            "jnz 2b",
            ".irp r,1,2,3,4,5,6,7,8,9,10,11", "vaddpd zmm0, zmm0, zmm\\r", ".endr",
            "vmovupd [{out}], zmm0",
            "vzeroupper",
            x = in(xmm_reg) a, y = in(xmm_reg) 1e-9, n = inout(reg) n => _, out = in(reg) out.as_mut_ptr(),
            out("xmm0") _, out("xmm1") _, out("xmm2") _, out("xmm3") _, out("xmm4") _, out("xmm5") _,
            out("xmm6") _, out("xmm7") _, out("xmm8") _, out("xmm9") _, out("xmm10") _, out("xmm11") _,
            out("xmm12") _, out("xmm13") _,
            options(nostack)
        );
        out.iter().sum()
    }

    /// `n` rounds of 12 independent 4-wide FMAs: `n · 12 · 4 · 2` flops.
    ///
    /// # Safety
    /// The CPU must have AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn fma256(n: u64, a: f64) -> f64 {
        let (x, y) = (_mm256_set1_pd(a), _mm256_set1_pd(1e-9));
        let mut c = [_mm256_set1_pd(1.0); 12];
        for _ in 0..n {
            for acc in c.iter_mut() {
                *acc = _mm256_fmadd_pd(*acc, x, y);
            }
        }
        let mut out = [0.0; 4];
        let mut s = _mm256_setzero_pd();
        for acc in c {
            s = _mm256_add_pd(s, acc);
        }
        _mm256_storeu_pd(out.as_mut_ptr(), s);
        out.iter().sum()
    }

    /// `n` rounds of 12 independent scalar FMAs: `n · 12 · 2` flops.
    ///
    /// # Safety
    /// The CPU must have FMA.
    #[target_feature(enable = "fma")]
    pub unsafe fn fma_scalar(n: u64, a: f64) -> f64 {
        let (x, y) = (_mm_set_sd(a), _mm_set_sd(1e-9));
        let mut c = [_mm_set_sd(1.0); 12];
        for _ in 0..n {
            for acc in c.iter_mut() {
                *acc = _mm_fmadd_sd(*acc, x, y);
            }
        }
        c.iter().map(|v| _mm_cvtsd_f64(*v)).sum()
    }

    /// Triad `a = b + s·c`, vectorised by the compiler at the AVX2 width (enough to saturate memory).
    ///
    /// # Safety
    /// The CPU must have AVX2 and FMA.
    #[target_feature(enable = "avx2,fma")]
    pub unsafe fn triad256(a: &mut [f64], b: &[f64], c: &[f64], s: f64) {
        for ((a, b), c) in a.iter_mut().zip(b).zip(c) {
            *a = b + s * c;
        }
    }

    /// Seconds per cycle from `n` rounds of 64 dependent one-cycle integer additions.
    pub fn cycle_seconds() -> f64 {
        let n: u64 = 100_000;
        let t = super::best_time(41, || {
            let mut x: u64 = 0;
            // SAFETY: register-only arithmetic.
            unsafe {
                std::arch::asm!(
                    "2:",
                    ".rept 64", "add {x}, 1", ".endr",
                    "dec {n}", "jnz 2b",
                    x = inout(reg) x, n = inout(reg) n => _, options(nomem, nostack));
            }
            std::hint::black_box(x);
        });
        t / (n as f64 * 64.0)
    }
}

/// Peak flop rate (GFLOP/s) of the kernel for `width` doubles per vector on `threads` threads.
fn peak_gflops(width: usize, threads: usize) -> f64 {
    let n: u64 = 8_000_000 / width as u64;
    let flops = n as f64 * 12.0 * width as f64 * 2.0 * threads as f64;
    let t = best_time_threads(31, threads, |_| {
        black_box(fma_kernel(width, n));
    });
    flops / t * 1e-9
}

/// Runs the FMA kernel of `width` (8, 4 or 1) for `n` rounds.
fn fma_kernel(width: usize, n: u64) -> f64 {
    let a = black_box(0.999_999_9);
    #[cfg(target_arch = "x86_64")]
    // SAFETY: each kernel is only called when `detect` found its features.
    unsafe {
        match width {
            8 => x86::fma512(n, a),
            4 => x86::fma256(n, a),
            _ => x86::fma_scalar(n, a),
        }
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        let mut c = [1.0f64; 12];
        for _ in 0..n {
            for acc in c.iter_mut() {
                *acc = acc.mul_add(a, 1e-9);
            }
        }
        c.iter().sum()
    }
}

/// Triad with AVX2 when the CPU has it, else portable code.
fn triad(a: &mut [f64], b: &[f64], c: &[f64], s: f64) {
    #[cfg(target_arch = "x86_64")]
    if is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma") {
        // SAFETY: AVX2 and FMA are present.
        unsafe { x86::triad256(a, b, c, s) };
        return;
    }
    for ((a, b), c) in a.iter_mut().zip(b).zip(c) {
        *a = b + s * c;
    }
}

/// Copy and triad bandwidth (GB/s, STREAM byte counts 16 and 24 per element) of `n`-element arrays per thread
/// on `threads` threads, each run repeated `inner` times.
fn bandwidth(n: usize, threads: usize, inner: usize, reps: usize) -> (f64, f64) {
    let mk = |v: f64| -> Vec<Vec<f64>> { (0..threads).map(|_| vec![v; n]).collect() };
    let (a, b, c) = (mk(0.0), mk(1.0), mk(2.0));
    let a: Vec<std::sync::Mutex<Vec<f64>>> = a.into_iter().map(std::sync::Mutex::new).collect();
    let run = |op: u8| {
        best_time_threads(reps, threads, |t| {
            let mut a = a[t].lock().unwrap();
            for _ in 0..inner {
                if op == 0 {
                    a.copy_from_slice(&b[t]);
                } else {
                    triad(&mut a, &b[t], &c[t], 3.0);
                }
                black_box(&mut *a);
            }
        })
    };
    let elems = (n * threads * inner) as f64;
    let copy = 16.0 * elems / run(0) * 1e-9;
    let tri = 24.0 * elems / run(1) * 1e-9;
    (copy, tri)
}

/// Nanoseconds per call of `f` over `xs`: independent calls (throughput) and a dependent chain (latency).
fn call_cost(xs: &[f64], f: impl Fn(f64) -> f64) -> (f64, f64) {
    let reps = 10;
    let thr = best_time(41, || {
        for _ in 0..reps {
            for &x in xs {
                black_box(f(black_box(x)));
            }
        }
    });
    let lat = best_time(41, || {
        let mut d = 0.0;
        for _ in 0..reps {
            for &x in xs {
                // The next argument depends on the last result (d is 0 but the CPU cannot know).
                d = f(x + d * 1e-300) * 0.0;
            }
        }
        black_box(d);
    });
    let n = (reps * xs.len()) as f64;
    (thr / n * 1e9, lat / n * 1e9)
}

/// Face points with varied states and slopes (the bench's point, perturbed), in the local frame.
fn face_points(gas: &Gas) -> Vec<FacePoint> {
    (0..64)
        .map(|i| {
            let s = 1.0 + 0.01 * i as f64;
            FacePoint {
                wl: gas.conservative([1.0 * s, 0.2, 0.1, 1.0]),
                nl: [0.1, 0.05 * s, 0.0, 0.2],
                tl: [0.02, 0.0, 0.01 * s, 0.03],
                wr: gas.conservative([0.9, 0.25 * s, 0.05, 0.95 * s]),
                nr: [0.12, 0.04, 0.01, 0.18 * s],
                tr: [0.01 * s, 0.01, 0.0, 0.02],
                n0: Some([0.11, 0.045, 0.005 * s, 0.19]),
            }
        })
        .collect()
}

/// The Euler flux at one face point (τ = 0), not inlined so that its machine code can be counted with
/// `objdump --disassemble=flux_euler_point`.
#[inline(never)]
#[no_mangle]
pub fn flux_euler_point(gas: &Gas, fp: &FacePoint, dt: f64) -> (State, State) {
    gks_flux(gas, fp, dt, &FluxParams::default())
}

/// The Navier–Stokes flux (constant μ = 10⁻³, Pr = 0.72, so with the Prandtl fix) at one face point.
#[inline(never)]
#[no_mangle]
pub fn flux_ns_point(gas: &Gas, fp: &FacePoint, dt: f64) -> (State, State) {
    let p = FluxParams {
        viscosity: Viscosity::constant(1e-3, 0.72),
        ..FluxParams::default()
    };
    gks_flux(gas, fp, dt, &p)
}

/// Nanoseconds per face point of `f` over the face points (best of several runs).
fn flux_ns_per_point(f: fn(&Gas, &FacePoint, f64) -> (State, State)) -> f64 {
    let gas = Gas::new(1.4).unwrap();
    let pts = face_points(&gas);
    let reps = 50;
    let t = best_time(41, || {
        for _ in 0..reps {
            for fp in &pts {
                black_box(f(&gas, black_box(fp), black_box(1e-3)));
            }
        }
    });
    t / (reps * pts.len()) as f64 * 1e9
}

/// Pushes a row and prints it.
fn row(rows: &mut Vec<Row>, what: impl Into<String>, value: f64, unit: &'static str) {
    let what = what.into();
    println!("  {what:58} {value:10.3} {unit}");
    rows.push(Row { what, value, unit });
}

/// Peak flop rates: scalar, and each vector width the CPU has, on one core and on all cores.
fn peaks(rows: &mut Vec<Row>, width: usize, fma: bool, ghz: f64) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut widths = vec![1];
    if cfg!(target_arch = "x86_64") && fma && width >= 4 {
        widths.push(4);
    }
    if cfg!(target_arch = "x86_64") && fma && width >= 8 {
        widths.push(8);
    }
    for &w in &widths {
        let g = peak_gflops(w, 1);
        row(
            rows,
            format!("peak FMA, {w} doubles/op, 1 core"),
            g,
            "GFLOP/s",
        );
        if ghz > 0.0 {
            row(
                rows,
                format!("  flops per cycle ({w} doubles/op)"),
                g / ghz,
                "flop/cycle",
            );
        }
    }
    let w = *widths.last().unwrap();
    let g = peak_gflops(w, cores);
    row(
        rows,
        format!("peak FMA, {w} doubles/op, {cores} cores"),
        g,
        "GFLOP/s",
    );
}

/// Bandwidths out of DRAM (3 arrays of `dram_mib` MiB each in total over the threads) and out of L1/L2.
fn bandwidths(rows: &mut Vec<Row>, dram_mib: usize) {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let n_dram = dram_mib * (1 << 20) / 8;
    for threads in [1, cores] {
        let (c, t) = bandwidth(n_dram / threads, threads, 1, 7);
        row(
            rows,
            format!("DRAM copy, 3 x {dram_mib} MiB, {threads} threads"),
            c,
            "GB/s",
        );
        row(
            rows,
            format!("DRAM triad, 3 x {dram_mib} MiB, {threads} threads"),
            t,
            "GB/s",
        );
    }
    for (label, kib) in [("L1", 8), ("L2", 256)] {
        let n = kib * 1024 / 8;
        let inner = (1 << 28) / (n * 24);
        let (c, t) = bandwidth(n, 1, inner, 21);
        row(
            rows,
            format!("{label} copy, 3 x {kib} KiB, 1 thread"),
            c,
            "GB/s",
        );
        row(
            rows,
            format!("{label} triad, 3 x {kib} KiB, 1 thread"),
            t,
            "GB/s",
        );
    }
}

/// A function to time: its label, its arguments and itself.
type Timed<'a> = (&'a str, &'a [f64], fn(f64) -> f64);

/// Costs of the scalar special functions of the flux and of the flux itself.
fn functions(rows: &mut Vec<Row>) {
    let exp_args: Vec<f64> = (0..4096).map(|i| -10.0 * i as f64 / 4096.0).collect();
    let erfc_args: Vec<f64> = (0..4096).map(|i| -3.0 + 6.0 * i as f64 / 4096.0).collect();
    let pos_args: Vec<f64> = (0..4096).map(|i| 0.5 + i as f64 / 4096.0).collect();
    let costs: [Timed; 4] = [
        ("f64::exp (x in [-10, 0])", &exp_args, f64::exp),
        ("libm::erfc (x in [-3, 3])", &erfc_args, libm::erfc),
        ("f64::sqrt", &pos_args, f64::sqrt),
        ("1.0 / x", &pos_args, |x| 1.0 / x),
    ];
    // The loop, black_box and the chain's own multiply-add, measured with the identity, are subtracted.
    let (thr0, lat0) = call_cost(&pos_args, |x| x);
    row(
        rows,
        "identity (loop overhead), independent calls",
        thr0,
        "ns/call",
    );
    row(
        rows,
        "identity (loop overhead), dependent chain",
        lat0,
        "ns/call",
    );
    for (name, xs, f) in costs {
        let (thr, lat) = call_cost(xs, f);
        row(
            rows,
            format!("{name}, independent calls"),
            thr - thr0,
            "ns/call",
        );
        row(
            rows,
            format!("{name}, dependent chain"),
            lat - lat0,
            "ns/call",
        );
    }
    let e = flux_ns_per_point(flux_euler_point);
    row(rows, "gks_flux, Euler (tau = 0)", e, "ns/point");
    let n = flux_ns_per_point(flux_ns_point);
    row(
        rows,
        "gks_flux, Navier-Stokes with the Prandtl fix",
        n,
        "ns/point",
    );
}

/// Only calls the flux `n` times on one face point (for counting instructions under
/// `valgrind --tool=callgrind`): `kind` is `euler` (default) or `ns`.
fn count_mode(n: usize, kind: Option<&String>) {
    let gas = Gas::new(1.4).unwrap();
    let fp = face_points(&gas)[0];
    let f = match kind.map(String::as_str) {
        Some("ns") => flux_ns_point,
        _ => flux_euler_point,
    };
    for _ in 0..n {
        black_box(f(&gas, black_box(&fp), black_box(1e-3)));
    }
}

/// Writes the rows as CSV.
fn write_csv(path: &str, rows: &[Row]) -> std::io::Result<()> {
    let mut s = String::from("quantity,value,unit\n");
    for r in rows {
        s.push_str(&format!("\"{}\",{},{}\n", r.what.trim(), r.value, r.unit));
    }
    std::fs::write(path, s)
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let arg = |k: &str| {
        args.iter()
            .position(|a| a == k)
            .and_then(|i| args.get(i + 1))
    };
    let quick = args.iter().any(|a| a == "--quick");
    if let Some(n) = arg("--flux-calls") {
        count_mode(n.parse().expect("--flux-calls N"), arg("--flux"));
        return;
    }
    let mut rows = Vec::new();
    let (unit, width, fma) = detect();
    println!("vector unit: {unit} ({width} doubles), FMA: {fma}");
    row(
        &mut rows,
        format!("vector width ({unit})"),
        width as f64,
        "doubles",
    );
    row(&mut rows, "FMA present", fma as u8 as f64, "bool");
    #[cfg(target_arch = "x86_64")]
    let ghz = 1e-9 / x86::cycle_seconds();
    #[cfg(not(target_arch = "x86_64"))]
    let ghz = 0.0;
    row(&mut rows, "clock (dependent integer adds)", ghz, "GHz");
    peaks(&mut rows, width, fma, ghz);
    bandwidths(&mut rows, if quick { 64 } else { 256 });
    functions(&mut rows);
    if let Some(path) = arg("--csv") {
        write_csv(path, &rows).expect("CSV written");
        println!("wrote {path}");
    }
}
