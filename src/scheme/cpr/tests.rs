//! Unit tests of the CPR-GKS operator: free-stream preservation, conservation, the order of the truncation
//! error on the isentropic vortex, and identical bits on a part of the mesh with its halo.

use std::f64::consts::PI;

use super::reference::Reference;
use super::{CprOperator, CprParams};
use crate::mesh::{Diagonal, TriMesh};
use crate::physics::{FluxParams, Gas, State};
use crate::scheme::unstructured::faces::triangle;
use crate::scheme::{Bc, Common, Residual, SpatialOperator};

fn gas() -> Gas {
    Gas::new(1.4).unwrap()
}

/// Periodic sides, or a box with inflow on the left, outflow on the right and slip walls.
fn common(periodic: bool) -> Common {
    if periodic {
        Common::sides(FluxParams::default(), [Bc::Periodic; 4])
    } else {
        let inflow = Bc::Inflow(gas().conservative([1.0, 1.0, 0.0, 1.0]));
        let sides = [inflow, Bc::Transmissive, Bc::SlipWall, Bc::SlipWall];
        Common::sides(FluxParams::default(), sides)
    }
}

fn mesh(n: usize, jitter: f64, periodic: bool) -> TriMesh {
    TriMesh::rectangle(
        n,
        n,
        [-5.0, 5.0],
        [-5.0, 5.0],
        Diagonal::Alternate,
        jitter,
        1,
        [periodic; 2],
    )
    .unwrap()
}

/// The exact isentropic vortex (mean (1, 1, 1, 1), strength 5, period 10), conservative.
fn vortex(x: [f64; 2], t: f64) -> State {
    let (g, eps) = (1.4, 5.0);
    let wrap = |d: f64| d - 10.0 * (d / 10.0).round();
    let (dx, dy) = (wrap(x[0] - t), wrap(x[1] - t));
    let r2 = dx * dx + dy * dy;
    let e = (0.5 * (1.0 - r2)).exp();
    let (du, dv) = (-eps / (2.0 * PI) * e * dy, eps / (2.0 * PI) * e * dx);
    let dtemp = -(g - 1.0) * eps * eps / (8.0 * g * PI * PI) * (1.0 - r2).exp();
    let rho = (1.0 + dtemp).powf(1.0 / (g - 1.0));
    gas().conservative([rho, 1.0 + du, 1.0 + dv, rho * (1.0 + dtemp)])
}

/// The exact `∂ₜW = −(∂ₓ + ∂ᵧ)W` of the vortex (fourth-order central difference along (1, 1)).
fn vortex_dt(x: [f64; 2]) -> State {
    let d = 1e-3;
    let at = |s: f64| vortex([x[0] + s * d, x[1] + s * d], 0.0);
    let (a, b, c, e) = (at(2.0), at(1.0), at(-1.0), at(-2.0));
    std::array::from_fn(|q| -(-a[q] + 8.0 * b[q] - 8.0 * c[q] + e[q]) / (12.0 * d))
}

/// The values of `f` at the solution points of the given elements, in unit order.
fn point_values(
    m: &TriMesh,
    p: usize,
    cells: &[usize],
    f: &dyn Fn([f64; 2]) -> State,
) -> Vec<State> {
    let r = Reference::cached(p).unwrap();
    cells
        .iter()
        .flat_map(|&g| {
            let t = triangle(m, g, [0.0; 2]);
            r.points
                .iter()
                .map(|&[a, b]| {
                    f(std::array::from_fn(|i| {
                        t[0][i] + a * (t[1][i] - t[0][i]) + b * (t[2][i] - t[0][i])
                    }))
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

fn whole(m: &TriMesh, p: usize, periodic: bool) -> CprOperator {
    whole_limited(m, p, periodic, None)
}

/// The operator on the whole mesh, with subcell limiting at the indicator threshold `limit` (a negative
/// one makes every element troubled).
fn whole_limited(m: &TriMesh, p: usize, periodic: bool, limit: Option<f64>) -> CprOperator {
    let all: Vec<usize> = (0..m.n_cells()).collect();
    CprOperator::new(&common(periodic), &params(p, limit), m, &all, &[]).unwrap()
}

fn params(p: usize, limit: Option<f64>) -> CprParams {
    CprParams {
        degree: p,
        limiter: limit.is_some(),
        threshold: limit,
    }
}

fn residual(op: &mut CprOperator, w: &[State], dt: f64) -> Residual {
    let mut res = Residual::new(op.owned_slots().len());
    op.interior_phase(w, dt);
    op.boundary_phase(w, dt, &mut res);
    res
}

#[test]
fn free_stream_is_preserved() {
    for p in 1..=4 {
        for periodic in [true, false] {
            let m = mesh(6, 0.2, periodic);
            let np = (p + 1) * (p + 2) / 2;
            let s = if periodic {
                gas().conservative([1.3, 0.7, -0.4, 0.9])
            } else {
                gas().conservative([1.0, 1.0, 0.0, 1.0])
            };
            let w = vec![s; np * m.n_cells()];
            // Every element as polynomial, then every element as subcells.
            for limit in [None, Some(-1.0)] {
                let mut op = whole_limited(&m, p, periodic, limit);
                let res = residual(&mut op, &w, 1e-3);
                if limit.is_some() {
                    assert_eq!(op.troubled(), Some((m.n_cells(), m.n_cells())));
                }
                let worst = res.l.iter().flatten().fold(0.0f64, |a, x| a.max(x.abs()));
                let worst_t = res.lt.iter().flatten().fold(0.0f64, |a, x| a.max(x.abs()));
                assert!(
                    worst < 1e-12,
                    "p {p} periodic {periodic}: max |L| = {worst:e}"
                );
                // ∂ₜF⁰ = 4(𝔽(Δt) − 2𝔽(Δt/2))/Δt² loses digits as 1/Δt.
                assert!(
                    worst_t < 1e-10,
                    "p {p} periodic {periodic}: max |Lt| = {worst_t:e}"
                );
            }
        }
    }
}

/// On a periodic mesh the element means' updates `Σⱼ wⱼ Lⱼ |Ω|` sum to zero: every face flux leaves one
/// element and enters the other, also between polynomial and subcell elements (a threshold that makes
/// some of the vortex's elements troubled).
#[test]
fn updates_of_the_means_sum_to_zero() {
    for (p, limit) in (1..=4).flat_map(|p| [(p, None), (p, Some(1e-5))]) {
        let m = mesh(6, 0.2, true);
        let all: Vec<usize> = (0..m.n_cells()).collect();
        let w = point_values(&m, p, &all, &|x| vortex([x[0] + 0.3, x[1]], 0.0));
        let mut op = whole_limited(&m, p, true, limit);
        let res = residual(&mut op, &w, 1e-2);
        if limit.is_some() {
            let (t, n) = op.troubled().unwrap();
            assert!(t > 0 && t < n, "p {p}: {t} of {n} troubled");
        }
        let r = Reference::cached(p).unwrap();
        let (mut total, mut scale) = ([0.0; 4], 0.0f64);
        for (e, (l, lt)) in res.l.chunks(r.np).zip(res.lt.chunks(r.np)).enumerate() {
            for (j, (a, b)) in l.iter().zip(lt).enumerate() {
                let c = r.mean_weights[j] * m.area[e];
                for q in 0..4 {
                    total[q] += c * a[q] + c * b[q] * 1e-3;
                    scale = scale.max((c * a[q]).abs());
                }
            }
        }
        for (q, t) in total.iter().enumerate() {
            assert!(
                t.abs() < 1e-12 * scale.max(1.0),
                "p {p} component {q}: {t:e}"
            );
        }
    }
}

/// Mean over the owned solution points within [−4, 4]² of `|L(W) − ∂ₜW|` (density) for the exact vortex.
fn truncation(p: usize, n: usize) -> f64 {
    let m = mesh(n, 0.2, true);
    let all: Vec<usize> = (0..m.n_cells()).collect();
    let w = point_values(&m, p, &all, &|x| vortex(x, 0.0));
    let exact = point_values(&m, p, &all, &vortex_dt);
    let inside = point_values(&m, p, &all, &|x| {
        [
            f64::from(u8::from(x[0].abs().max(x[1].abs()) <= 4.0)),
            0.0,
            0.0,
            0.0,
        ]
    });
    let res = residual(&mut whole(&m, p, true), &w, 1e-4);
    let (mut sum, mut count) = (0.0, 0.0);
    for ((l, e), i) in res.l.iter().zip(&exact).zip(&inside) {
        sum += i[0] * (l[0] - e[0]).abs();
        count += i[0];
    }
    sum / count
}

/// The truncation error at the solution points falls at least as `hᵖ` (the element means' error of a
/// DG-equivalent scheme converges faster, at `p + 1`).
#[test]
fn vortex_truncation_error_falls_with_the_degree() {
    for p in 1..=3 {
        let (a, b) = (truncation(p, 20), truncation(p, 40));
        let order = (a / b).log2();
        println!("p {p}: {a:.3e} -> {b:.3e}, order {order:.2}");
        assert!(order > p as f64 - 0.3, "p {p}: order {order}");
    }
}

/// A part of the mesh with its halo of face neighbours gives the same bits as the whole mesh.
#[test]
fn partition_gives_identical_bits() {
    for (p, limit) in [(1, None), (3, None), (1, Some(1e-5)), (3, Some(1e-5))] {
        for periodic in [true, false] {
            let m = mesh(8, 0.2, periodic);
            let np = (p + 1) * (p + 2) / 2;
            let all: Vec<usize> = (0..m.n_cells()).collect();
            let w = point_values(&m, p, &all, &|x| vortex([x[0] + 0.7, x[1] - 0.3], 0.0));
            let full = residual(&mut whole_limited(&m, p, periodic, limit), &w, 0.01);
            let owned: Vec<usize> = (0..m.n_cells()).filter(|c| c % 3 != 1).collect();
            let mut halo: Vec<usize> = owned
                .iter()
                .flat_map(|&c| m.neighbours(c).collect::<Vec<_>>())
                .filter(|c| !owned.contains(c))
                .collect();
            halo.sort_unstable();
            halo.dedup();
            let mut op =
                CprOperator::new(&common(periodic), &params(p, limit), &m, &owned, &halo).unwrap();
            let mut wl = op.new_state();
            let local: Vec<usize> = owned.iter().chain(&halo).copied().collect();
            for (k, &g) in local.iter().enumerate() {
                wl[k * np..(k + 1) * np].copy_from_slice(&w[g * np..(g + 1) * np]);
            }
            let part = residual(&mut op, &wl, 0.01);
            for (k, &g) in owned.iter().enumerate() {
                for j in 0..np {
                    assert_eq!(part.l[k * np + j], full.l[g * np + j], "p {p} element {g}");
                    assert_eq!(
                        part.lt[k * np + j],
                        full.lt[g * np + j],
                        "p {p} element {g}"
                    );
                }
            }
        }
    }
}

/// The positivity scaling keeps the element mean and brings every subcell average of a polynomial through
/// a strong jump (pressure 1000 : 0.01, density 10 : 0.01) to positive density and pressure.
#[test]
fn positivity_keeps_the_mean_and_makes_subcells_admissible() {
    use super::element::mean;
    use super::subcells::Subcells;
    let gas = gas();
    let mut scaled = 0;
    for p in 1..=5 {
        let r = Reference::cached(p).unwrap();
        let sc = Subcells::new(&r).unwrap();
        let mut w: Vec<State> = r
            .points
            .iter()
            .map(|x| {
                let hi = x[0] + 2.0 * x[1] < 0.6;
                gas.conservative(if hi {
                    [10.0, 0.0, 0.0, 1000.0]
                } else {
                    [0.01, 3.0, 0.0, 0.01]
                })
            })
            .collect();
        let before = mean(&r, &w);
        let bad = (0..r.np)
            .filter(|&s| !gas.admissible(&sc.average(&w, s)))
            .count();
        sc.positivity(&r, &gas, &mut w);
        let after = mean(&r, &w);
        for q in 0..4 {
            assert!(
                (after[q] - before[q]).abs() <= 1e-12 * before[q].abs().max(1.0),
                "p {p}"
            );
        }
        for s in 0..r.np {
            assert!(
                gas.admissible(&sc.average(&w, s)),
                "p {p}, subcell {s} ({bad} were not)"
            );
        }
        scaled += usize::from(bad > 0);
    }
    // The jump must have needed the scaling for most degrees, or the test tests nothing.
    assert!(
        scaled >= 3,
        "only {scaled} degrees had inadmissible subcells"
    );
}
