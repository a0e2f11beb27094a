//! Initial conditions as cell averages, and exact solutions where a case has one.
//!
//! Cell averages of the conservative variables are computed by tensor Gauss–Legendre quadrature of the
//! point-wise state: five points per direction for smooth data (tenth order, so the averages do not limit the
//! measured order of accuracy), and 8 × 2 points per direction for data with discontinuities.

use std::f64::consts::PI;

use crate::case::{Initial, InitialKind};
use crate::mesh::StructuredMesh;
use crate::physics::{Gas, State};

/// Five-point Gauss–Legendre nodes on [−½, ½] and weights summing to 1.
const GL5: [(f64, f64); 5] = [
    (0.0, 0.284_444_444_444_444_44),
    (-0.269_234_655_052_841_6, 0.239_314_335_249_683_23),
    (0.269_234_655_052_841_6, 0.239_314_335_249_683_23),
    (-0.453_089_922_969_332_1, 0.118_463_442_528_094_54),
    (0.453_089_922_969_332_1, 0.118_463_442_528_094_54),
];

/// The exact steady compressible Couette flow between two isothermal walls at `y0` (bottom) and `y1`,
/// for constant viscosity and Prandtl number `pr`: with `η = (y − y0)/(y1 − y0)`,
/// `u = u_b + (u_t − u_b)η`, `T = T_b + (T_t − T_b)η + Pr (u_t − u_b)²/(2c_p) η(1 − η)` (the viscous
/// heating balances conduction, `κT'' = −μu'²`, `κ = c_p μ/Pr`), `p` uniform, `ρ = p/T`, `v = 0`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Couette {
    /// Wall positions.
    pub y: [f64; 2],
    /// Wall velocities (bottom, top).
    pub u: [f64; 2],
    /// Wall temperatures `T = p/ρ` (bottom, top).
    pub t: [f64; 2],
    /// Pressure.
    pub p: f64,
    /// Prandtl number.
    pub pr: f64,
    /// `c_p = γ/(γ − 1)`.
    pub cp: f64,
}

impl Couette {
    /// The Couette flow a case describes (`initial.kind = "couette"`, validated).
    pub fn from_case(case: &crate::case::Case) -> Option<Self> {
        if case.initial.kind != InitialKind::Couette {
            return None;
        }
        let b = case.mesh.sides();
        let wall = |s: &crate::case::Boundary| {
            (
                s.velocity.unwrap_or([0.0; 2])[0],
                s.temperature.expect("validated"),
            )
        };
        let ((ub, tb), (ut, tt)) = (wall(&b.bottom), wall(&b.top));
        let g = case.gas.gamma;
        Some(Couette {
            y: case.mesh.y,
            u: [ub, ut],
            t: [tb, tt],
            p: case.initial.pressure.expect("validated"),
            pr: case.viscosity().prandtl,
            cp: g / (g - 1.0),
        })
    }

    /// Primitive state `(ρ, u, v, p)` at height `y`.
    pub fn primitive(&self, y: f64) -> [f64; 4] {
        let eta = (y - self.y[0]) / (self.y[1] - self.y[0]);
        let du = self.u[1] - self.u[0];
        let t = self.t[0]
            + (self.t[1] - self.t[0]) * eta
            + self.pr * du * du / (2.0 * self.cp) * eta * (1.0 - eta);
        [self.p / t, self.u[0] + du * eta, 0.0, self.p]
    }
}

/// A point-wise initial condition together with the mesh extent (for periodic exact solutions).
pub struct InitialCondition<'a> {
    init: &'a Initial,
    gas: Gas,
    couette: Option<Couette>,
    /// Domain lower-left corner and size.
    origin: [f64; 2],
    size: [f64; 2],
}

fn gl2_composite(sub: usize) -> Vec<(f64, f64)> {
    let g = 0.5 / 3f64.sqrt();
    let h = 1.0 / sub as f64;
    let mut v = Vec::with_capacity(2 * sub);
    for s in 0..sub {
        let c = -0.5 + (s as f64 + 0.5) * h;
        v.push((c - g * h, 0.5 * h));
        v.push((c + g * h, 0.5 * h));
    }
    v
}

impl<'a> InitialCondition<'a> {
    /// The initial condition of a case on a mesh.
    pub fn new(init: &'a Initial, gas: Gas, mesh: &StructuredMesh) -> Self {
        InitialCondition {
            init,
            gas,
            couette: None,
            origin: mesh.origin,
            size: [
                mesh.spacing[0] * mesh.nx as f64,
                mesh.spacing[1] * mesh.ny as f64,
            ],
        }
    }

    /// The initial condition of a whole case on a mesh (kinds that need more than `[initial]`, such as
    /// `couette`, take it from the case).
    pub fn for_case(case: &'a crate::case::Case, gas: Gas, mesh: &StructuredMesh) -> Self {
        InitialCondition {
            couette: Couette::from_case(case),
            ..Self::new(&case.initial, gas, mesh)
        }
    }

    /// True when the initial data are smooth (so five-point quadrature is exact to tenth order).
    fn smooth(&self) -> bool {
        self.has_exact_solution()
            || matches!(
                self.init.kind,
                InitialKind::ShearWave | InitialKind::TaylorGreen
            )
    }

    /// Primitive state `(ρ, U, V, p)` at a point at time `t` (exact solution for the kinds that have one;
    /// at t = 0 the initial condition for all kinds).
    pub fn primitive_at(&self, x: f64, y: f64, t: f64) -> [f64; 4] {
        let i = self.init;
        match i.kind {
            InitialKind::Uniform => i.state.expect("validated"),
            InitialKind::RiemannX => {
                if x < i.x0.expect("validated") {
                    i.left.expect("validated")
                } else {
                    i.right.expect("validated")
                }
            }
            InitialKind::RiemannQuadrants => {
                let c = i.center.expect("validated");
                let s = match (x >= c[0], y >= c[1]) {
                    (true, true) => i.ne,
                    (false, true) => i.nw,
                    (false, false) => i.sw,
                    (true, false) => i.se,
                };
                s.expect("validated")
            }
            InitialKind::PiecewiseX => {
                let breaks = i.breaks.as_ref().expect("validated");
                let k = breaks.iter().filter(|&&b| x >= b).count();
                i.states.as_ref().expect("validated")[k]
            }
            InitialKind::DensitySine => {
                let [r, u, v, p] = i.state.expect("validated");
                let a = i.amplitude.unwrap_or(0.2);
                let k = i.wavenumber.unwrap_or(PI);
                [r + a * (k * (x - u * t)).sin(), u, v, p]
            }
            InitialKind::IsentropicVortex => self.vortex(x, y, t),
            InitialKind::ShuOsher => {
                if x <= -4.0 {
                    [3.857_134, 2.629_369, 0.0, 10.333_33]
                } else {
                    [1.0 + 0.2 * (5.0 * x).sin(), 0.0, 0.0, 1.0]
                }
            }
            InitialKind::DoubleMach => {
                if x < double_mach_shock_x(y, t) {
                    DOUBLE_MACH_POST
                } else {
                    DOUBLE_MACH_PRE
                }
            }
            InitialKind::ShockVortex => shock_vortex(self.gas.gamma, x, y),
            InitialKind::ShearWave => {
                let [r, u, v, p] = i.state.expect("validated");
                let a = i.amplitude.unwrap_or(0.1);
                let k = i.wavenumber.unwrap_or(2.0 * PI / self.size[1]);
                [r, u + a * (k * (y - self.origin[1])).sin(), v, p]
            }
            InitialKind::TaylorGreen => {
                let [r, u, v, p] = i.state.expect("validated");
                let a = i.amplitude.unwrap_or(0.1);
                let k = i.wavenumber.unwrap_or(2.0 * PI / self.size[0]);
                let (xs, ys) = (k * (x - self.origin[0]), k * (y - self.origin[1]));
                [
                    r,
                    u + a * xs.sin() * ys.cos(),
                    v - a * xs.cos() * ys.sin(),
                    p + 0.25 * r * a * a * ((2.0 * xs).cos() + (2.0 * ys).cos()),
                ]
            }
            InitialKind::Couette => self
                .couette
                .expect("couette: built by InitialCondition::for_case")
                .primitive(y),
        }
    }

    fn vortex(&self, x: f64, y: f64, t: f64) -> [f64; 4] {
        let i = self.init;
        let [r0, u0, v0, p0] = i.state.expect("validated");
        let eps = i.strength.unwrap_or(5.0);
        let c = i.center.unwrap_or([
            self.origin[0] + 0.5 * self.size[0],
            self.origin[1] + 0.5 * self.size[1],
        ]);
        // Nearest periodic image of the advected centre.
        let wrap = |d: f64, l: f64| d - l * (d / l).round();
        let dx = wrap(x - c[0] - u0 * t, self.size[0]);
        let dy = wrap(y - c[1] - v0 * t, self.size[1]);
        let r2 = dx * dx + dy * dy;
        let g = self.gas.gamma;
        let e = (0.5 * (1.0 - r2)).exp();
        let du = -eps / (2.0 * PI) * e * dy;
        let dv = eps / (2.0 * PI) * e * dx;
        let t0 = p0 / r0;
        let dt = -(g - 1.0) * eps * eps / (8.0 * g * PI * PI) * (1.0 - r2).exp();
        // Isentropic: p/ρ^γ = p0/ρ0^γ, T = p/ρ.
        let s = p0 / r0.powf(g);
        let temp = t0 + dt;
        let rho = (temp / s).powf(1.0 / (g - 1.0));
        [rho, u0 + du, v0 + dv, rho * temp]
    }

    /// Cell average of the conservative state of cell `(i, j)` at time `t`.
    pub fn cell_average(&self, mesh: &StructuredMesh, i: usize, j: usize, t: f64) -> State {
        let c = mesh.center(i, j);
        let [hx, hy] = mesh.spacing;
        if self.init.kind == InitialKind::DensitySine {
            // Closed form of the average of ρ̄ + A sin(k(x − ut)) over the cell; the momentum and energy averages
            // are linear in ρ because u, v, p are uniform.
            let [r, u, v, p] = self.init.state.expect("validated");
            let a = self.init.amplitude.unwrap_or(0.2);
            let k = self.init.wavenumber.unwrap_or(PI);
            let (xa, xb) = (c[0] - 0.5 * hx - u * t, c[0] + 0.5 * hx - u * t);
            let rho = r + a * ((k * xa).cos() - (k * xb).cos()) / (k * hx);
            return self.gas.conservative([rho, u, v, p]);
        }
        let pts: Vec<(f64, f64)> = if self.smooth() {
            GL5.to_vec()
        } else {
            gl2_composite(8)
        };
        let ypts: Vec<(f64, f64)> = if mesh.is_strip() {
            vec![(0.0, 1.0)]
        } else {
            pts.clone()
        };
        let mut acc = [0.0; 4];
        for &(qy, wy) in &ypts {
            for &(qx, wx) in &pts {
                let w = self
                    .gas
                    .conservative(self.primitive_at(c[0] + qx * hx, c[1] + qy * hy, t));
                for k in 0..4 {
                    acc[k] += wx * wy * w[k];
                }
            }
        }
        acc
    }

    /// The conservative state at point `x` at time `t`.
    pub fn state_at(&self, x: [f64; 2], t: f64) -> State {
        self.gas.conservative(self.primitive_at(x[0], x[1], t))
    }

    /// Average of the conservative state over the triangle `v` at time `t`: a degree-5 seven-point rule
    /// on 16 sub-triangles for smooth data, on 64 for data with discontinuities.
    pub fn triangle_average(&self, v: [[f64; 2]; 3], t: f64) -> State {
        const A1: f64 = 0.059_715_871_789_770;
        const B1: f64 = 0.470_142_064_105_115;
        const A2: f64 = 0.797_426_985_353_087;
        const B2: f64 = 0.101_286_507_323_456;
        const W0: f64 = 0.225;
        const W1: f64 = 0.132_394_152_788_506;
        const W2: f64 = 0.125_939_180_544_827;
        let rule: [([f64; 3], f64); 7] = [
            ([1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0], W0),
            ([A1, B1, B1], W1),
            ([B1, A1, B1], W1),
            ([B1, B1, A1], W1),
            ([A2, B2, B2], W2),
            ([B2, A2, B2], W2),
            ([B2, B2, A2], W2),
        ];
        let n = if self.smooth() { 4 } else { 8 };
        let mut acc = [0.0; 4];
        let at = |i: usize, j: usize| -> [f64; 2] {
            let (a, b) = (i as f64 / n as f64, j as f64 / n as f64);
            [
                v[0][0] + a * (v[1][0] - v[0][0]) + b * (v[2][0] - v[0][0]),
                v[0][1] + a * (v[1][1] - v[0][1]) + b * (v[2][1] - v[0][1]),
            ]
        };
        let mut sub = |p: [[f64; 2]; 3]| {
            for (l, w) in &rule {
                let x = l[0] * p[0][0] + l[1] * p[1][0] + l[2] * p[2][0];
                let y = l[0] * p[0][1] + l[1] * p[1][1] + l[2] * p[2][1];
                let s = self.gas.conservative(self.primitive_at(x, y, t));
                for k in 0..4 {
                    acc[k] += w * s[k];
                }
            }
        };
        for j in 0..n {
            for i in 0..n - j {
                sub([at(i, j), at(i + 1, j), at(i, j + 1)]);
                if i + j + 1 < n {
                    sub([at(i + 1, j), at(i + 1, j + 1), at(i, j + 1)]);
                }
            }
        }
        acc.map(|x| x / (n * n) as f64)
    }

    /// True when the case has an exact solution at all times (smooth periodic advection problems and
    /// steady viscous flows).
    pub fn has_exact_solution(&self) -> bool {
        matches!(
            self.init.kind,
            InitialKind::Uniform
                | InitialKind::DensitySine
                | InitialKind::IsentropicVortex
                | InitialKind::Couette
        )
    }
}

/// Shock–vortex interaction (docs/validation.md §1): a stationary Mach 1.1 shock at x = 0.5 with the
/// upstream state (Ma², √γ, 0, 1) (Mach Ma), the downstream state from the Rankine–Hugoniot relations, and an
/// isentropic vortex (κ = 0.3, μ = 0.204, r_c = 0.05) centred at (0.25, 0.5) upstream.
pub fn shock_vortex(gamma: f64, x: f64, y: f64) -> [f64; 4] {
    const MA: f64 = 1.1;
    let (rho1, u1, p1) = (MA * MA, gamma.sqrt(), 1.0);
    if x >= 0.5 {
        let m2 = MA * MA;
        let rho2 = rho1 * (gamma + 1.0) * m2 / ((gamma - 1.0) * m2 + 2.0);
        let p2 = p1 * (1.0 + 2.0 * gamma / (gamma + 1.0) * (m2 - 1.0));
        return [rho2, u1 * rho1 / rho2, 0.0, p2];
    }
    let (kappa, mu, rc) = (0.3, 0.204, 0.05);
    let (dx, dy) = (x - 0.25, y - 0.5);
    let eta = (dx * dx + dy * dy).sqrt() / rc;
    let theta = dy.atan2(dx);
    let e = (mu * (1.0 - eta * eta)).exp();
    let (du, dv) = (
        kappa * eta * e * theta.sin(),
        -kappa * eta * e * theta.cos(),
    );
    let t_inf = p1 / rho1;
    let dt = -(gamma - 1.0) * kappa * kappa / (4.0 * mu * gamma) * e * e;
    let temp = t_inf + dt;
    let rho = rho1 * (temp / t_inf).powf(1.0 / (gamma - 1.0));
    [rho, u1 + du, dv, rho * temp]
}

pub use crate::scheme::bc::{double_mach_shock_x, DOUBLE_MACH_POST, DOUBLE_MACH_PRE};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gauss_weights_sum_to_one() {
        let s: f64 = GL5.iter().map(|p| p.1).sum();
        assert!((s - 1.0).abs() < 1e-15);
        let s: f64 = gl2_composite(8).iter().map(|p| p.1).sum();
        assert!((s - 1.0).abs() < 1e-15);
        // Exact for x⁸ on [−½, ½]: ∫ = 2·(½)⁹/9.
        let m: f64 = GL5.iter().map(|p| p.0.powi(8) * p.1).sum();
        assert!((m - 2.0 * 0.5f64.powi(9) / 9.0).abs() < 1e-16);
    }

    #[test]
    fn double_mach_states_are_consistent() {
        assert!((DOUBLE_MACH_POST[1] - 4.125 * 3f64.sqrt()).abs() < 1e-12);
        // The shock passes through (1/6, 0) at t = 0 and (1/6 + 1/√3, 1).
        assert!((double_mach_shock_x(0.0, 0.0) - 1.0 / 6.0).abs() < 1e-15);
    }
}
