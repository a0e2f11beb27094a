//! What CPR computes inside one element: its affine map, the traces of its polynomial (value and
//! gradient) at its flux points, and the volume part of the residual — the divergence of the interpolated
//! flux at the solution points and the interpolated normal flux at the flux points, each with its time
//! derivative.

use super::reference::Reference;
use crate::physics::{Gas, State, Viscosity};

/// A polynomial's value and its x and y derivatives at a flux point.
pub type Trace = [State; 3];

/// The affine map of a triangle onto the reference triangle, and its edges.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ElementGeometry {
    /// `(∂r/∂x, ∂r/∂y, ∂s/∂x, ∂s/∂y)`.
    pub metric: [f64; 4],
    /// Area.
    pub area: f64,
    /// Outward unit normal of each edge (edge `k` from vertex `k` to `k + 1`).
    pub normal: [[f64; 2]; 3],
    /// Length of each edge.
    pub len: [f64; 3],
    /// The size in the time-step limit: twice the area over the longest edge (the smallest altitude).
    pub size: f64,
}

impl ElementGeometry {
    /// The map of the counter-clockwise triangle `v`.
    pub fn new(v: &[[f64; 2]; 3]) -> Self {
        let (a, b) = (
            [v[1][0] - v[0][0], v[1][1] - v[0][1]],
            [v[2][0] - v[0][0], v[2][1] - v[0][1]],
        );
        let det = a[0] * b[1] - a[1] * b[0];
        let metric = [b[1] / det, -b[0] / det, -a[1] / det, a[0] / det];
        let mut normal = [[0.0; 2]; 3];
        let mut len = [0.0; 3];
        for k in 0..3 {
            let (p, q) = (v[k], v[(k + 1) % 3]);
            let d = [q[0] - p[0], q[1] - p[1]];
            len[k] = d[0].hypot(d[1]);
            normal[k] = [d[1] / len[k], -d[0] / len[k]];
        }
        let area = 0.5 * det;
        let longest = len.iter().copied().fold(0.0, f64::max);
        ElementGeometry {
            metric,
            area,
            normal,
            len,
            size: 2.0 * area / longest,
        }
    }

    /// The map's Jacobian `(∂x/∂r, ∂x/∂s, ∂y/∂r, ∂y/∂s)`, row-major: a reference vector `d` maps to
    /// `(J₀d₀ + J₁d₁, J₂d₀ + J₃d₁)`.
    pub fn jacobian(&self) -> [f64; 4] {
        let [rx, ry, sx, sy] = self.metric;
        let det = rx * sy - ry * sx;
        [sy / det, -ry / det, -sx / det, rx / det]
    }

    /// The x and y derivatives from the r and s derivatives.
    #[inline]
    pub(super) fn gradient(&self, dr: &State, ds: &State) -> (State, State) {
        let [rx, ry, sx, sy] = self.metric;
        (
            std::array::from_fn(|q| rx * dr[q] + sx * ds[q]),
            std::array::from_fn(|q| ry * dr[q] + sy * ds[q]),
        )
    }
}

/// The mean of an element's polynomial from its solution-point values.
#[inline]
pub fn mean(r: &Reference, w: &[State]) -> State {
    let mut m = [0.0; 4];
    for (&c, s) in r.mean_weights.iter().zip(w) {
        for q in 0..4 {
            m[q] += c * s[q];
        }
    }
    m
}

/// Row `i` of a row-major matrix with `N` columns.
#[inline(always)]
fn row<const N: usize>(m: &[f64], i: usize) -> &[f64; N] {
    m[i * N..(i + 1) * N].try_into().expect("matrix size")
}

/// The traces of the polynomial with the `NP` solution-point values `w` at the element's `NFP = 3·nfe`
/// flux points (sizes as const parameters, so that the small products unroll).
#[inline(always)]
pub fn traces<const NP: usize, const NFP: usize>(
    r: &Reference,
    g: &ElementGeometry,
    w: &[State; NP],
) -> [Trace; NFP] {
    std::array::from_fn(|c| {
        let (iv, ir, is) = (
            row::<NP>(&r.interp, c),
            row::<NP>(&r.interp_dr, c),
            row::<NP>(&r.interp_ds, c),
        );
        let (mut v, mut dr, mut ds) = ([0.0; 4], [0.0; 4], [0.0; 4]);
        for m in 0..NP {
            let s = &w[m];
            for q in 0..4 {
                v[q] += iv[m] * s[q];
                dr[q] += ir[m] * s[q];
                ds[q] += is[m] * s[q];
            }
        }
        let (dx, dy) = g.gradient(&dr, &ds);
        [v, dx, dy]
    })
}

/// The fluxes of one solution point: `(F_r, F_s, ∂ₜF_r, ∂ₜF_s)` in the reference directions and
/// `(F, G, ∂ₜF, ∂ₜG)` in the global ones.
pub type PointFluxes = ([State; 4], [State; 4]);

/// The flux and its time derivative at the solution points, in the reference directions: `F_r = r_x F +
/// r_y G` and `F_s = s_x F + s_y G` with `(F, G)` the Euler flux minus the viscous flux of the state and its
/// polynomial gradient; the time derivative is `A ∂ₜW` with the Cauchy–Kovalevskaya `∂ₜW = −A ∂ₓW − B ∂ᵧW`
/// (the kinetic flux's time derivative is of the same, Euler, level). Also the global `(F, G)` and their
/// time derivatives per point for the flux-point interpolation.
#[inline(always)]
pub fn volume_fluxes<const NP: usize>(
    r: &Reference,
    g: &ElementGeometry,
    gas: &Gas,
    visc: Option<&Viscosity>,
    w: &[State; NP],
) -> [PointFluxes; NP] {
    let [rx, ry, sx, sy] = g.metric;
    let comb = |a: &State, b: &State, p: f64, q: f64| -> State {
        std::array::from_fn(|k| p * a[k] + q * b[k])
    };
    std::array::from_fn(|j| {
        let (dr, ds) = (row::<NP>(&r.dr, j), row::<NP>(&r.ds, j));
        let (mut wr, mut ws) = ([0.0; 4], [0.0; 4]);
        for m in 0..NP {
            for q in 0..4 {
                wr[q] += dr[m] * w[m][q];
                ws[q] += ds[m] * w[m][q];
            }
        }
        let (gx, gy) = g.gradient(&wr, &ws);
        let s = &w[j];
        let [mut f, mut h, ft, ht] = gas.euler_fluxes_and_time_derivatives(s, &gx, &gy);
        if let Some(v) = visc {
            let (vf, vh) = (
                gas.viscous_flux(v, s, &[gx, gy], [1.0, 0.0]),
                gas.viscous_flux(v, s, &[gx, gy], [0.0, 1.0]),
            );
            for q in 0..4 {
                f[q] -= vf[q];
                h[q] -= vh[q];
            }
        }
        (
            [
                comb(&f, &h, rx, ry),
                comb(&f, &h, sx, sy),
                comb(&ft, &ht, rx, ry),
                comb(&ft, &ht, sx, sy),
            ],
            [f, h, ft, ht],
        )
    })
}

/// The volume part of one element's residual from its [`volume_fluxes`] `fl`: `−∇·Π(F)` and `−∇·Π(∂ₜF)`
/// at the solution points into `vol`, and the interpolated normal fluxes `Π(F)·n`, `Π(∂ₜF)·n` (outward
/// normals) at the flux points into `normal`. With `L = false` only the time-derivative parts are computed
/// (the flux parts are left as they were).
#[inline(always)]
pub fn volume<const NP: usize, const NFP: usize, const L: bool>(
    r: &Reference,
    g: &ElementGeometry,
    fl: &[PointFluxes; NP],
    vol: &mut [(State, State)],
    normal: &mut [(State, State)],
) {
    let vol: &mut [(State, State); NP] = vol.try_into().expect("solution points");
    let normal: &mut [(State, State); NFP] = normal.try_into().expect("flux points");
    for (j, v) in vol.iter_mut().enumerate() {
        let (dr, ds) = (row::<NP>(&r.dr, j), row::<NP>(&r.ds, j));
        let mut a = [0.0; 4];
        let mut b = [0.0; 4];
        for m in 0..NP {
            let f = &fl[m].0;
            for q in 0..4 {
                if L {
                    a[q] += dr[m] * f[0][q] + ds[m] * f[1][q];
                }
                b[q] += dr[m] * f[2][q] + ds[m] * f[3][q];
            }
        }
        *v = (if L { a.map(|x| -x) } else { v.0 }, b.map(|x| -x));
    }
    let nfe = NFP / 3;
    for k in 0..3 {
        let n = g.normal[k];
        let fnm: [(State, State); NP] = std::array::from_fn(|m| {
            let f = &fl[m].1;
            (
                match L {
                    true => std::array::from_fn(|q| n[0] * f[0][q] + n[1] * f[1][q]),
                    false => [0.0; 4],
                },
                std::array::from_fn(|q| n[0] * f[2][q] + n[1] * f[3][q]),
            )
        });
        for (i, nc) in normal[k * nfe..(k + 1) * nfe].iter_mut().enumerate() {
            let row = row::<NP>(&r.interp, k * nfe + i);
            let mut a = [0.0; 4];
            let mut b = [0.0; 4];
            for m in 0..NP {
                for q in 0..4 {
                    if L {
                        a[q] += row[m] * fnm[m].0[q];
                    }
                    b[q] += row[m] * fnm[m].1[q];
                }
            }
            *nc = (if L { a } else { nc.0 }, b);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn metric_inverts_the_map() {
        let v = [[0.3, 0.1], [1.4, 0.5], [0.2, 1.3]];
        let g = ElementGeometry::new(&v);
        let [rx, ry, sx, sy] = g.metric;
        // x = v0 + (v1 − v0) r + (v2 − v0) s: the vertex v1 has (r, s) = (1, 0), v2 (0, 1).
        let rs = |x: [f64; 2]| {
            let d = [x[0] - v[0][0], x[1] - v[0][1]];
            [rx * d[0] + ry * d[1], sx * d[0] + sy * d[1]]
        };
        let (a, b) = (rs(v[1]), rs(v[2]));
        for (got, want) in [(a, [1.0, 0.0]), (b, [0.0, 1.0])] {
            assert!((got[0] - want[0]).abs() < 1e-14 && (got[1] - want[1]).abs() < 1e-14);
        }
        assert!(g.area > 0.0);
        for k in 0..3 {
            let n = g.normal[k];
            let mid = [
                0.5 * (v[k][0] + v[(k + 1) % 3][0]),
                0.5 * (v[k][1] + v[(k + 1) % 3][1]),
            ];
            let c = [
                (v[0][0] + v[1][0] + v[2][0]) / 3.0,
                (v[0][1] + v[1][1] + v[2][1]) / 3.0,
            ];
            assert!(
                n[0] * (mid[0] - c[0]) + n[1] * (mid[1] - c[1]) > 0.0,
                "edge {k} outward"
            );
        }
    }
}
