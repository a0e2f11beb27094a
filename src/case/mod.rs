//! Case files: the TOML description of a run, `--set` overrides, and validation with clear errors.
//!
//! Every key is documented in the README. Unknown keys and values of the wrong type are errors that name the
//! file, the dotted key and the line; values of the right type that make no sense (a negative cell count, a
//! density of zero) are errors that name the key and say what was expected.

mod build;
mod overrides;
mod scheme;
mod uniform;

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::error::CaseError;

pub use overrides::apply_override;
pub use scheme::{
    drop_foreign_keys, CprSection, ForeignKey, ScfvSection, SchemeKind, SchemeSection,
    SecondOrderSection, Variables, Weno5Section, WenoVariant,
};

/// A complete case: gas, mesh, initial state, scheme, time stepping and output.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Case {
    /// Case name (defaults to the file stem); used for the default output directory.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Free text describing the case.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub description: String,
    /// Gas model.
    #[serde(default)]
    pub gas: GasSection,
    /// Mesh.
    pub mesh: MeshSection,
    /// Initial condition.
    pub initial: Initial,
    /// Spatial scheme.
    #[serde(default)]
    pub scheme: SchemeSection,
    /// Gas-kinetic flux settings.
    #[serde(default)]
    pub flux: FluxSection,
    /// Time stepping.
    pub time: TimeSection,
    /// Output.
    #[serde(default)]
    pub output: OutputSection,
    /// `gmsh` meshes: the condition of every physical line, by its name (`[boundary.wall]`).
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub boundary: std::collections::BTreeMap<String, Boundary>,
    /// Navier–Stokes: viscosity law and Prandtl number (absent: the Euler equations).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub viscosity: Option<ViscositySection>,
    /// Monitors: forces on named boundaries, wall distributions, point probes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor: Option<MonitorSection>,
    /// Where the partition of the mesh over ranks comes from (default: METIS at start-up).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub partition: Option<PartitionSection>,
}

/// `[monitor]`: time series written while the run goes (rank 0, in the output directory).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MonitorSection {
    /// Steps between samples (default 10).
    #[serde(default = "default_monitor_every")]
    pub every: u64,
    /// Boundaries whose forces go to `forces.csv` and whose wall distribution (pressure, skin friction,
    /// heat flux per face) goes to `wall_<name>.csv` at the end (patch names; `left`, `right`, `bottom`,
    /// `top` for generated meshes).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forces: Vec<String>,
    /// Reference `[rho, u, p, length]` of the coefficients: `C = F/(½ρu²·length)`, `c_p = (p − p_ref)/(½ρu²)`,
    /// `c_f = τ_w/(½ρu²)` (default `[1, 1, 0, 1]`).
    #[serde(default = "default_reference")]
    pub reference: [f64; 4],
    /// Points `[x, y]` whose unit averages go to `probes.csv`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probes: Vec<[f64; 2]>,
}

fn default_monitor_every() -> u64 {
    10
}
fn default_reference() -> [f64; 4] {
    [1.0, 1.0, 0.0, 1.0]
}

/// Viscosity laws of `[viscosity]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LawKind {
    /// `μ = μ_ref`.
    Constant,
    /// `μ = μ_ref (T/T_ref)^{3/2} (1 + s)/(T/T_ref + s)`; needs `sutherland` (= S/T_ref).
    Sutherland,
    /// `μ = μ_ref (T/T_ref)^ω`; needs `exponent`.
    Power,
}

/// `[viscosity]`: the Navier–Stokes gas. All inputs are non-dimensional with `R = 1` (`T = p/ρ`); the
/// reference viscosity is `mu`, or `rho_ref · u_ref · length / reynolds`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ViscositySection {
    /// Law (default `constant`).
    #[serde(default = "default_law")]
    pub law: LawKind,
    /// Dynamic viscosity at `t_ref` (give this or `reynolds`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mu: Option<f64>,
    /// Reynolds number `rho_ref u_ref length / mu` (give this or `mu`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reynolds: Option<f64>,
    /// Reference density of `reynolds` (default 1).
    #[serde(default = "one_f64")]
    pub rho_ref: f64,
    /// Reference speed of `reynolds` (required with it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub u_ref: Option<f64>,
    /// Reference length of `reynolds` (default 1).
    #[serde(default = "one_f64")]
    pub length: f64,
    /// Temperature `T = p/ρ` at which μ = μ_ref (default 1).
    #[serde(default = "one_f64")]
    pub t_ref: f64,
    /// `sutherland` law: Sutherland's temperature over `t_ref` (air: 110.4 K / T_ref in K).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sutherland: Option<f64>,
    /// `power` law: the exponent ω.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exponent: Option<f64>,
    /// Prandtl number (default 0.72).
    #[serde(default = "default_prandtl")]
    pub prandtl: f64,
}

fn default_law() -> LawKind {
    LawKind::Constant
}
fn one_f64() -> f64 {
    1.0
}
fn default_prandtl() -> f64 {
    0.72
}

/// `[partition]`: how the mesh is split over ranks: METIS at start-up (the default, also without this
/// section), rectangular blocks computed from the grid size (`method = "blocks"`, generated meshes only), or
/// a partitioning stored by `gasket partition` (`file`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct PartitionSection {
    /// The HDF5 partition file (relative paths are relative to the working directory).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// The named partitioning in it (default `n<ranks>`, the name `gasket partition` gives).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// How to partition at start-up when no file is given (default METIS).
    #[serde(default)]
    pub method: PartitionMethod,
}

/// Start-up partitioning methods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartitionMethod {
    /// METIS k-way on the cell graph, on rank 0, broadcast.
    #[default]
    Metis,
    /// `px × py` rectangles of the `nx × ny` grid (of squares, for generated triangles) with the fewest
    /// faces between them, which every rank computes for itself.
    Blocks,
}

/// `[gas]`: the ideal gas.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct GasSection {
    /// Ratio of specific heats γ (default 1.4).
    #[serde(default = "default_gamma")]
    pub gamma: f64,
}

fn default_gamma() -> f64 {
    1.4
}

impl Default for GasSection {
    fn default() -> Self {
        GasSection {
            gamma: default_gamma(),
        }
    }
}

/// Kind of generated mesh.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeshKind {
    /// A rectangle of `nx × ny` equal quadrilaterals.
    Rectangle,
    /// A rectangle of `nx × ny` squares each split into two triangles (unstructured triangle schemes).
    Triangles,
    /// A Gmsh triangle mesh (`file`), its physical lines mapped to conditions in `[boundary.NAME]`.
    Gmsh,
}

/// How the squares of a `triangles` mesh are split.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DiagonalKind {
    /// Lower-left to upper-right.
    Right,
    /// Lower-right to upper-left.
    Left,
    /// Alternating like a chessboard.
    Alternate,
}

/// `[mesh]`: the computational mesh.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MeshSection {
    /// Mesh kind.
    pub kind: MeshKind,
    /// Cells in x.
    #[serde(default)]
    pub nx: usize,
    /// Cells in y (1 for a one-dimensional strip).
    #[serde(default = "one")]
    pub ny: usize,
    /// `[x0, x1]` (default `[0, 1]`).
    #[serde(default = "unit_interval")]
    pub x: [f64; 2],
    /// `[y0, y1]` (default `[0, 1]`; for a strip only the aspect matters for plots).
    #[serde(default = "unit_interval")]
    pub y: [f64; 2],
    /// Boundary condition per side (rectangles and generated triangles).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub boundary: Option<Boundaries>,
    /// `gmsh`: the mesh file (MSH 4.1 ASCII or binary, or 2.2 ASCII); a relative path is taken from the
    /// directory of the case file.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    /// `triangles`: how each square is split (default `alternate`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub diagonal: Option<DiagonalKind>,
    /// `triangles`: random displacement of interior vertices, as a fraction of the spacing (default 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub jitter: Option<f64>,
    /// `triangles`: seed of the displacement (default 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<u64>,
}

fn one() -> usize {
    1
}

fn unit_interval() -> [f64; 2] {
    [0.0, 1.0]
}

/// `[mesh.boundary]`: one condition per side of the rectangle.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Boundaries {
    /// x = x0.
    pub left: Boundary,
    /// x = x1.
    pub right: Boundary,
    /// y = y0 (for a strip with ny = 1 the y-direction is homogeneous and this is ignored; default periodic).
    #[serde(default = "Boundary::periodic")]
    pub bottom: Boundary,
    /// y = y1.
    #[serde(default = "Boundary::periodic")]
    pub top: Boundary,
}

/// Boundary-condition kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BcKind {
    /// Periodic: must be set on both opposite sides.
    Periodic,
    /// Non-reflecting outflow by zeroth-order extrapolation of the interior.
    Transmissive,
    /// Reflective (inviscid slip) wall.
    SlipWall,
    /// Fixed state (supersonic inflow); needs `state`.
    Inflow,
    /// Far field from a fixed state (`state`): the ghost state is the far-field state and the kinetic flux
    /// splits the waves, so incoming information comes from the state and outgoing from the interior (a
    /// non-reflecting far field for subsonic and supersonic boundaries alike).
    FarField,
    /// Double-Mach-reflection boundary: bottom = post-shock inflow for x < 1/6, slip wall beyond; top = the
    /// exact moving shock. Needs `initial.kind = "double_mach"`.
    DoubleMach,
    /// No-slip wall moving in its own plane with `velocity` (default at rest): isothermal at `temperature`
    /// (`T = p/ρ`) when given, else adiabatic. Viscous flows.
    NoSlipWall,
    /// Symmetry plane (the same ghost state as `slip_wall`).
    Symmetry,
    /// Subsonic inflow: density and velocity from `state`, pressure from the interior.
    SubsonicInflow,
    /// Subsonic outflow: pressure from `state[3]` (the rest of `state` is unused), density and velocity from
    /// the interior.
    SubsonicOutflow,
    /// Characteristic far field from `state`: the ghost state from the Riemann invariants of the normal
    /// direction (incoming ones and, at inflow, the entropy and tangential velocity from `state`; outgoing
    /// ones from the interior).
    Characteristic,
}

/// A boundary condition on one side.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Boundary {
    /// Kind of condition.
    pub kind: BcKind,
    /// Fixed primitive state `[rho, u, v, p]` for `inflow`, `far_field`, `subsonic_inflow`,
    /// `subsonic_outflow` and `characteristic`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<[f64; 4]>,
    /// `no_slip_wall`: the wall's velocity `[u, v]` (its normal part is ignored; default at rest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub velocity: Option<[f64; 2]>,
    /// `no_slip_wall`: the wall temperature `T = p/ρ` (isothermal wall; absent: adiabatic).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    /// `no_slip_wall`: where the wall begins (x on the bottom and top sides and on Gmsh patches, y on the
    /// left and right sides); before it the boundary is a symmetry plane (a flat plate's leading edge).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start: Option<f64>,
}

impl Boundary {
    fn periodic() -> Self {
        Boundary {
            kind: BcKind::Periodic,
            state: None,
            velocity: None,
            temperature: None,
            start: None,
        }
    }

    /// True for the kinds that need `state`.
    pub fn needs_state(&self) -> bool {
        matches!(
            self.kind,
            BcKind::Inflow
                | BcKind::FarField
                | BcKind::SubsonicInflow
                | BcKind::SubsonicOutflow
                | BcKind::Characteristic
        )
    }

    /// Checks the keys of one condition (`key` is its dotted name).
    fn check(&self, key: &str) -> Result<(), Invalid> {
        if self.needs_state() {
            let st = self.state.as_ref().ok_or_else(|| {
                invalid(
                    &format!("{key}.state"),
                    "required by this kind: the primitive state [rho, u, v, p]",
                )
            })?;
            if self.kind == BcKind::SubsonicOutflow {
                positive(&format!("{key}.state"), st[3])?;
            } else {
                check_state(&format!("{key}.state"), st)?;
            }
        } else if self.state.is_some() {
            return Err(invalid(
                &format!("{key}.state"),
                "only used by kinds inflow, far_field, subsonic_inflow, subsonic_outflow and characteristic",
            ));
        }
        if self.kind == BcKind::NoSlipWall {
            if let Some(v) = self.velocity {
                if v.iter().any(|x| !x.is_finite()) {
                    return Err(invalid(
                        &format!("{key}.velocity"),
                        "expected finite [u, v]",
                    ));
                }
            }
            if let Some(t) = self.temperature {
                positive(&format!("{key}.temperature"), t)?;
            }
            if self.start.is_some_and(|s| !s.is_finite()) {
                return Err(invalid(
                    &format!("{key}.start"),
                    "expected a finite coordinate",
                ));
            }
        } else if self.velocity.is_some() || self.temperature.is_some() || self.start.is_some() {
            return Err(invalid(
                &format!("{key}.kind"),
                "velocity, temperature and start are keys of kind = \"no_slip_wall\"",
            ));
        }
        Ok(())
    }
}

/// Initial-condition kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InitialKind {
    /// One state everywhere (`state`).
    Uniform,
    /// Two states separated by the line x = `x0` (`left`, `right`).
    RiemannX,
    /// Four states about the point `center` (`ne`, `nw`, `sw`, `se`).
    RiemannQuadrants,
    /// Piecewise-constant states in x: `states[k]` between `breaks[k-1]` and `breaks[k]`.
    PiecewiseX,
    /// ρ = ρ̄ + A sin(k(x − x₀)) advected by a uniform (u, v, p): `state` = mean, `amplitude`, `wavenumber`.
    DensitySine,
    /// Isentropic vortex of strength `strength` at `center` on the mean `state` (docs/validation.md §1).
    IsentropicVortex,
    /// Shu–Osher shock/entropy-wave interaction (docs/validation.md §1).
    ShuOsher,
    /// Double Mach reflection: Mach 10 shock at 60° through (1/6, 0) (docs/validation.md §1).
    DoubleMach,
    /// Shock–vortex interaction: Mach 1.1 stationary shock at x = 0.5 and a vortex upstream (docs/validation.md §1).
    ShockVortex,
    /// A decaying shear wave `u = U + A sin(k y)` on the uniform `state` (`amplitude`, `wavenumber`; for
    /// checks of the viscosity: the amplitude decays as `exp(−μ k² t/ρ)`).
    ShearWave,
    /// Taylor–Green vortex on the uniform `state`: `u = A sin(kx) cos(ky)`, `v = −A cos(kx) sin(ky)`,
    /// `p = p₀ + ρA²/4 (cos 2kx + cos 2ky)` (`amplitude` A, default 0.1; `wavenumber` k, default 2π/Lx).
    /// Incompressible limit: the velocity decays as `exp(−2μk²t/ρ)`.
    TaylorGreen,
    /// Compressible Couette flow between the isothermal `no_slip_wall`s at the bottom and top of a mesh
    /// periodic in x (`[viscosity]` with the constant law): the exact steady solution at `pressure`.
    Couette,
}

/// `[initial]`: the initial condition. Which keys are needed depends on `kind` (see the README).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Initial {
    /// The kind of initial condition.
    pub kind: InitialKind,
    /// A primitive state `[rho, u, v, p]` (uniform; mean state of sine and vortex).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub state: Option<[f64; 4]>,
    /// Left state of `riemann_x`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left: Option<[f64; 4]>,
    /// Right state of `riemann_x`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub right: Option<[f64; 4]>,
    /// Position of the `riemann_x` discontinuity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub x0: Option<f64>,
    /// Quadrant centre of `riemann_quadrants`, centre of the vortex.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub center: Option<[f64; 2]>,
    /// State for x > xc, y > yc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ne: Option<[f64; 4]>,
    /// State for x < xc, y > yc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nw: Option<[f64; 4]>,
    /// State for x < xc, y < yc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sw: Option<[f64; 4]>,
    /// State for x > xc, y < yc.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub se: Option<[f64; 4]>,
    /// States of `piecewise_x`, left to right.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub states: Option<Vec<[f64; 4]>>,
    /// Interior break points of `piecewise_x`, increasing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub breaks: Option<Vec<f64>>,
    /// Density amplitude of `density_sine` (default 0.2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amplitude: Option<f64>,
    /// Wavenumber of `density_sine` (default π).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wavenumber: Option<f64>,
    /// Vortex strength ε (default 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub strength: Option<f64>,
    /// The uniform pressure of `couette`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pressure: Option<f64>,
}

/// `[flux]`: numerical collision time `τₙ = (c1 + c2 |p_L − p_R|/(p_L + p_R)) Δt`.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct FluxSection {
    /// c1; when absent, 0.1 for the SCFV scheme, 1 for CPR and 0.05 otherwise ([`Case::tau_c1`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tau_c1: Option<f64>,
    /// c2 (default 1).
    #[serde(default = "default_c2")]
    pub tau_c2: f64,
}

/// The smallest `flux.tau_c1` the SCFV scheme accepts: below about 0.07 its linearised operator has
/// eigenvalues with a positive real part on some meshes (measured with `examples/scfv_eigen.rs`; the
/// docs/triangles.md §4.1 has the numbers).
pub const SCFV_MIN_TAU_C1: f64 = 0.08;

fn default_c2() -> f64 {
    1.0
}

impl Default for FluxSection {
    fn default() -> Self {
        FluxSection {
            tau_c1: None,
            tau_c2: default_c2(),
        }
    }
}

/// Time-stepping schemes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeScheme {
    /// Two-stage fourth-order (S2O4).
    S2o4,
    /// The original single-stage GKS: the flux integrated over the step (second order in time).
    SingleStage,
    /// Forward Euler with the instantaneous flux F⁰ (first order in time).
    Euler,
}

/// How the time derivative `∂ₜL` of the residual that S2O4 (and the single-stage scheme) needs is obtained.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TimeDerivative {
    /// The scheme's own, from the kinetic flux's time derivative (and, for CPR, the Cauchy–Kovalevskaya
    /// derivative at the solution points): computed with `L` in one residual evaluation.
    #[default]
    Scheme,
    /// The total derivative of the discrete operator along the solution,
    /// `[L(W + εL, t + ε) − L(W − εL, t − ε)] / 2ε` with `ε = 10⁻³ Δt`: two more residual evaluations per
    /// stage, consistent with the semi-discrete system, so S2O4 is fourth order in time at a fixed mesh
    /// when `L` itself does not depend on `Δt` (docs/method.md §11.4).
    Discrete,
}

/// `[time]`: time stepping.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TimeSection {
    /// End time (the last step is clipped to hit it exactly).
    pub end: f64,
    /// CFL number (default 0.4).
    #[serde(default = "default_cfl")]
    pub cfl: f64,
    /// Time scheme (default `s2o4`).
    #[serde(default = "default_time_scheme")]
    pub scheme: TimeScheme,
    /// How `∂ₜL` is obtained (default `scheme`).
    #[serde(default, skip_serializing_if = "is_default_derivative")]
    pub derivative: TimeDerivative,
    /// Stop after this many steps even if `end` is not reached.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_steps: Option<u64>,
}

fn default_cfl() -> f64 {
    0.4
}
fn is_default_derivative(d: &TimeDerivative) -> bool {
    *d == TimeDerivative::Scheme
}
fn default_time_scheme() -> TimeScheme {
    TimeScheme::S2o4
}

/// `[output]`: where and how often to write.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct OutputSection {
    /// Output directory (default `output/<case name>`; `--output` overrides it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dir: Option<String>,
    /// Simulated time between snapshots (none when absent or 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub every: Option<f64>,
    /// Wall seconds between progress lines (default 5; 0 prints every step).
    #[serde(default = "default_progress")]
    pub progress: f64,
    /// Simulated time between checkpoints (`checkpoint.h5` in the output directory; none when absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checkpoint_every: Option<f64>,
}

fn default_progress() -> f64 {
    5.0
}

impl Default for OutputSection {
    fn default() -> Self {
        OutputSection {
            dir: None,
            every: None,
            progress: default_progress(),
            checkpoint_every: None,
        }
    }
}

/// A case as loaded: the parsed, validated case plus where it came from.
#[derive(Debug, Clone)]
pub struct LoadedCase {
    /// The validated case.
    pub case: Case,
    /// The file it was read from.
    pub path: PathBuf,
    /// The case name (the `name` key or the file stem).
    pub name: String,
    /// The resolved case as TOML text (overrides applied, defaults filled in).
    pub resolved: String,
}

fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map(|i| i + 1).unwrap_or(0) + 1;
    (line, col)
}

/// The 1-based line on which a dotted key is defined in `text`, if it is there.
fn line_of_key(text: &str, key: &str) -> Option<usize> {
    let doc = toml_edit::ImDocument::parse(text).ok()?;
    let mut item = doc.as_item();
    let mut span = None;
    for part in key.split('.') {
        let (k, index) = match part.find('[') {
            Some(b) => (
                &part[..b],
                part[b + 1..part.len() - 1].parse::<usize>().ok(),
            ),
            None => (part, None),
        };
        let table = item.as_table_like()?;
        let (kk, it) = table.get_key_value(k)?;
        span = kk.span().or(it.span()).or(span);
        item = it;
        if let Some(i) = index {
            let v = item.as_array()?.get(i)?;
            span = v.span().or(span);
            return span.map(|s| line_col(text, s.start).0);
        }
    }
    span.map(|s| line_col(text, s.start).0)
}

/// A deserialisation failure: the dotted key, the message and the byte offset in the text where known.
struct DeError {
    key: String,
    message: String,
    offset: Option<usize>,
}

/// The key part of a `--set KEY=VALUE` argument.
fn override_key(arg: &str) -> &str {
    arg.split('=').next().map_or("", str::trim)
}

impl DeError {
    /// The key at fault when the error was raised for a whole table and its message names a key in it
    /// first (as [`ForeignKey`] does: `scheme.weno is not a parameter of ...`).
    fn named_key(&self) -> Option<&str> {
        let first = self.message.split_whitespace().next()?;
        first
            .strip_prefix(self.key.as_str())?
            .starts_with('.')
            .then_some(first)
    }

    /// The key at fault and the message with it, for an error in the text of the file.
    fn in_file(&self, text: &str) -> String {
        let (line, message) = match self.named_key() {
            Some(k) => (line_of_key(text, k), self.message.clone()),
            None => (
                match self.offset {
                    Some(o) => Some(line_col(text, o).0),
                    None => line_of_key(text, &self.key),
                },
                format!("key `{}`: {}", self.key, self.message),
            ),
        };
        match line {
            Some(l) => format!("line {l}: {message}"),
            None => message,
        }
    }

    /// The error after the overrides were applied (the file alone parsed): blamed on the override of the
    /// key at fault or, failing that, on the last override of a key in the same table (`--set
    /// scheme.kind=...` with a key of the old kind left in `[scheme]`), with a hint to replace the table.
    fn after_overrides(self, overrides: &[String], path: &Path) -> CaseError {
        let named = self.named_key().map(str::to_string);
        let key = named.as_deref().unwrap_or(&self.key);
        let message = match named {
            Some(_) => self.message.clone(),
            None => format!("key `{key}`: {}", self.message),
        };
        if let Some(o) = overrides.iter().find(|o| override_key(o) == key) {
            return CaseError::Override {
                arg: o.clone(),
                message,
            };
        }
        let table = format!("{}.", self.key);
        let within = overrides
            .iter()
            .rev()
            .find(|o| !self.key.is_empty() && override_key(o).starts_with(&table));
        match within {
            Some(o) => {
                let (k, v) = o.split_once('=').expect("applied overrides have a value");
                let k = k.trim();
                let sub = k.strip_prefix(table.as_str()).unwrap_or(k);
                CaseError::Override {
                    arg: o.clone(),
                    message: format!(
                        "{message}; to give [{}] afresh, replace the whole table: --set '{}={{{sub} = {}}}'",
                        self.key,
                        self.key,
                        overrides::toml_value(v.trim())
                    ),
                }
            }
            None => CaseError::Parse {
                path: path.to_path_buf(),
                message: format!("{message} (after --set overrides)"),
            },
        }
    }
}

fn deserialize_case<'de, D>(de: D) -> Result<Case, DeError>
where
    D: serde::Deserializer<'de, Error = toml::de::Error>,
{
    serde_path_to_error::deserialize(de).map_err(|e| {
        let key = e.path().to_string();
        let inner = e.into_inner();
        DeError {
            key,
            message: inner.message().to_string(),
            offset: inner.span().map(|s| s.start),
        }
    })
}

impl LoadedCase {
    /// Reads a case file, applies `--set KEY=VALUE` overrides in order, and validates the result.
    pub fn load(path: &Path, overrides: &[String]) -> Result<Self, CaseError> {
        let text = std::fs::read_to_string(path).map_err(|error| CaseError::Io {
            path: path.to_path_buf(),
            error,
        })?;
        Self::from_text(&text, path, overrides)
    }

    /// As [`LoadedCase::load`], from the text of a case file that `path` names.
    pub fn from_text(text: &str, path: &Path, overrides: &[String]) -> Result<Self, CaseError> {
        let parse_err = |message: String| CaseError::Parse {
            path: path.to_path_buf(),
            message,
        };
        // First pass on the file itself: syntax, unknown keys and types, with line numbers.
        let table: toml::Table = toml::from_str(text).map_err(|e| {
            let at = e
                .span()
                .map(|s| {
                    let (l, c) = line_col(text, s.start);
                    format!(" (line {l}, column {c})")
                })
                .unwrap_or_default();
            parse_err(format!("TOML syntax error{at}: {}", e.message()))
        })?;
        if let Err(e) = deserialize_case(toml::Deserializer::new(text)) {
            return Err(parse_err(e.in_file(text)));
        }
        // Second pass with the overrides applied.
        let mut table = table;
        for arg in overrides {
            apply_override(&mut table, arg)?;
        }
        let case = deserialize_case(toml::Value::Table(table))
            .map_err(|e| e.after_overrides(overrides, path))?;
        let name = case.name.clone().unwrap_or_else(|| {
            path.file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_else(|| "case".into())
        });
        case.validate().map_err(|(key, message)| {
            let set = overrides
                .iter()
                .rev()
                .find(|o| o.split('=').next().map(str::trim) == Some(key.as_str()));
            let key = match (set, line_of_key(text, &key)) {
                (Some(o), _) => format!("{key} (from --set {o})"),
                (None, Some(l)) => format!("line {l}: {key}"),
                (None, None) => key,
            };
            CaseError::Invalid {
                path: path.to_path_buf(),
                key,
                message,
            }
        })?;
        let resolved = toml::to_string(&case).map_err(|e| parse_err(e.to_string()))?;
        Ok(LoadedCase {
            case,
            path: path.to_path_buf(),
            name,
            resolved,
        })
    }
}

type Invalid = (String, String);

fn invalid(key: &str, msg: impl Into<String>) -> Invalid {
    (key.to_string(), msg.into())
}

fn check_state(key: &str, s: &[f64; 4]) -> Result<(), Invalid> {
    if s.iter().any(|x| !x.is_finite()) {
        return Err(invalid(key, "expected finite numbers [rho, u, v, p]"));
    }
    if s[0] <= 0.0 || s[3] <= 0.0 {
        return Err(invalid(
            key,
            format!("expected [rho, u, v, p] with rho > 0 and p > 0, got {s:?}"),
        ));
    }
    Ok(())
}

fn need<'a, T>(v: &'a Option<T>, key: &str, kind: &str) -> Result<&'a T, Invalid> {
    v.as_ref()
        .ok_or_else(|| invalid(key, format!("required by initial.kind = \"{kind}\"")))
}

fn positive(key: &str, v: f64) -> Result<(), Invalid> {
    if v.is_finite() && v > 0.0 {
        Ok(())
    } else {
        Err(invalid(
            key,
            format!("expected a finite number > 0, got {v}"),
        ))
    }
}

impl MeshSection {
    /// The four sides of a rectangle or generated triangle mesh.
    pub fn sides(&self) -> &Boundaries {
        self.boundary
            .as_ref()
            .expect("validated: rectangles and generated triangles have [mesh.boundary]")
    }
}

impl Case {
    /// The boundary condition of every boundary patch by name: the four sides of generated meshes, or the
    /// `[boundary.NAME]` table of a Gmsh mesh.
    pub fn boundary_map(&self) -> std::collections::BTreeMap<String, Boundary> {
        match self.mesh.kind {
            MeshKind::Gmsh => self.boundary.clone(),
            _ => {
                let b = self.mesh.sides();
                [
                    ("left", &b.left),
                    ("right", &b.right),
                    ("bottom", &b.bottom),
                    ("top", &b.top),
                ]
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect()
            }
        }
    }

    /// The mesh keys of a rectangle or generated triangle mesh.
    fn validate_generated_mesh(&self) -> Result<(), Invalid> {
        let m = &self.mesh;
        if !self.boundary.is_empty() {
            return Err(invalid(
                "boundary",
                "[boundary.NAME] tables are for mesh.kind = \"gmsh\"; generated meshes use [mesh.boundary]",
            ));
        }
        if m.boundary.is_none() {
            return Err(invalid(
                "mesh.boundary",
                "required: the conditions of the left, right, bottom and top sides",
            ));
        }
        if m.file.is_some() {
            return Err(invalid("mesh.file", "only for mesh.kind = \"gmsh\""));
        }
        if m.nx == 0 || m.ny == 0 {
            return Err(invalid("mesh.nx", "expected nx >= 1 and ny >= 1"));
        }
        if m.kind == MeshKind::Triangles {
            if m.ny < 2 {
                return Err(invalid(
                    "mesh.ny",
                    "expected ny >= 2 for a triangle mesh (no 1D strips)",
                ));
            }
            if !self.scheme.kind().on_triangles() {
                return Err(invalid(
                    "scheme.kind",
                    "a triangle mesh needs a triangle scheme: \"scfv\", \"cpr\" or \"second_order\"",
                ));
            }
            if let Some(j) = m.jitter {
                if !(0.0..0.35).contains(&j) {
                    return Err(invalid("mesh.jitter", "expected 0 <= jitter < 0.35"));
                }
            }
        } else {
            if self.scheme.kind() != SchemeKind::Weno5 {
                return Err(invalid(
                    "scheme.kind",
                    "a rectangle mesh runs \"weno5\" (use mesh.kind = \"triangles\" for triangle schemes)",
                ));
            }
            if m.diagonal.is_some() || m.jitter.is_some() || m.seed.is_some() {
                return Err(invalid(
                    "mesh.kind",
                    "diagonal, jitter and seed are keys of kind = \"triangles\"",
                ));
            }
        }
        if m.nx < 3 {
            return Err(invalid(
                "mesh.nx",
                "expected nx >= 3 (the WENO5 stencil spans 5 cells)",
            ));
        }
        if m.ny == 2 && m.kind == MeshKind::Rectangle {
            return Err(invalid("mesh.ny", "expected ny = 1 (a strip) or ny >= 3"));
        }
        if (m.nx as u128) * (m.ny as u128) > 1u128 << 34 {
            return Err(invalid("mesh.nx", "mesh too large"));
        }
        for (key, r) in [("mesh.x", m.x), ("mesh.y", m.y)] {
            if !(r[0].is_finite() && r[1].is_finite() && r[1] > r[0]) {
                return Err(invalid(
                    key,
                    format!("expected [min, max] with min < max, got {r:?}"),
                ));
            }
        }
        self.validate_sides()
    }

    /// The four side conditions of a generated mesh.
    fn validate_sides(&self) -> Result<(), Invalid> {
        let m = &self.mesh;
        let b = m.sides();
        let sides = [
            ("left", &b.left),
            ("right", &b.right),
            ("bottom", &b.bottom),
            ("top", &b.top),
        ];
        for (side, bc) in sides {
            let key = format!("mesh.boundary.{side}");
            if bc.kind == BcKind::DoubleMach
                && (!matches!(side, "bottom" | "top")
                    || self.initial.kind != InitialKind::DoubleMach)
            {
                return Err(invalid(
                    &format!("{key}.kind"),
                    "\"double_mach\" is for the bottom and top sides with initial.kind = \"double_mach\"",
                ));
            }
            bc.check(&key)?;
        }
        let periodic = |bc: &Boundary| bc.kind == BcKind::Periodic;
        if periodic(&b.left) != periodic(&b.right) {
            return Err(invalid(
                "mesh.boundary.left.kind",
                "periodic must be set on both left and right",
            ));
        }
        if m.ny > 1 && periodic(&b.bottom) != periodic(&b.top) {
            return Err(invalid(
                "mesh.boundary.bottom.kind",
                "periodic must be set on both bottom and top",
            ));
        }
        Ok(())
    }

    /// The `[partition]` keys: a file or a start-up method, blocks only for generated meshes.
    fn validate_partition(&self, p: &PartitionSection) -> Result<(), Invalid> {
        match (&p.file, p.method) {
            (Some(f), _) if f.is_empty() => Err(invalid("partition.file", "expected a file name")),
            (Some(_), PartitionMethod::Blocks) => Err(invalid(
                "partition.method",
                "\"blocks\" partitions at start-up; leave it out when partition.file is given",
            )),
            (None, _) if p.name.is_some() => Err(invalid(
                "partition.name",
                "names a partitioning in partition.file, which is not given",
            )),
            (None, PartitionMethod::Blocks) if self.mesh.kind == MeshKind::Gmsh => Err(invalid(
                "partition.method",
                "\"blocks\" needs a generated mesh (kind \"rectangle\" or \"triangles\"); Gmsh meshes \
                 use METIS",
            )),
            _ => Ok(()),
        }
    }

    /// The mesh keys of a Gmsh mesh and its `[boundary.NAME]` table.
    fn validate_gmsh(&self) -> Result<(), Invalid> {
        let m = &self.mesh;
        if m.file.as_deref().map_or(true, str::is_empty) {
            return Err(invalid(
                "mesh.file",
                "required by mesh.kind = \"gmsh\": the .msh file",
            ));
        }
        if m.boundary.is_some() {
            return Err(invalid(
                "mesh.boundary",
                "a Gmsh mesh names its boundaries: give [boundary.NAME] tables for its physical lines",
            ));
        }
        if m.nx != 0 || m.diagonal.is_some() || m.jitter.is_some() || m.seed.is_some() {
            return Err(invalid(
                "mesh.kind",
                "nx, ny, diagonal, jitter and seed are keys of generated meshes, not of kind = \"gmsh\"",
            ));
        }
        if !self.scheme.kind().on_triangles() {
            return Err(invalid(
                "scheme.kind",
                "a triangle mesh needs a triangle scheme: \"scfv\", \"cpr\" or \"second_order\"",
            ));
        }
        if self.boundary.is_empty() {
            return Err(invalid(
                "boundary",
                "a Gmsh mesh needs a [boundary.NAME] table for each of its physical lines",
            ));
        }
        for (name, bc) in &self.boundary {
            let key = format!("boundary.{name}");
            if bc.kind == BcKind::DoubleMach {
                return Err(invalid(
                    &format!("{key}.kind"),
                    "\"double_mach\" is for the generated double Mach reflection meshes",
                ));
            }
            bc.check(&key)?;
        }
        Ok(())
    }

    /// Periodicity in x and y (a strip is periodic in y); for a Gmsh mesh whether any boundary is periodic,
    /// in both entries.
    pub fn periodicity(&self) -> [bool; 2] {
        let per = |b: &Boundary| b.kind == BcKind::Periodic;
        match self.mesh.kind {
            MeshKind::Gmsh => {
                let any = self.boundary.values().any(per);
                [any, any]
            }
            _ => {
                let b = self.mesh.sides();
                [per(&b.left), self.mesh.ny == 1 || per(&b.bottom)]
            }
        }
    }

    /// The constant part `c1` of the numerical collision time: `flux.tau_c1` if given, else 0.1 for the
    /// SCFV scheme (which needs it for stability, see [`SCFV_MIN_TAU_C1`]), 1 for CPR (whose degree-1
    /// elements lose their second order in L∞ with less upwinding: 1.46 instead of 2.0 on the vortex, while
    /// p = 2, 3 change by a few per cent; docs/triangles.md §5) and 0.05 for the others.
    pub fn tau_c1(&self) -> f64 {
        self.flux.tau_c1.unwrap_or(match self.scheme.kind() {
            SchemeKind::Scfv => 0.1,
            SchemeKind::Cpr => 1.0,
            SchemeKind::Weno5 | SchemeKind::SecondOrder => 0.05,
        })
    }

    /// The viscosity of the gas ([`Viscosity::INVISCID`] without a `[viscosity]` table).
    ///
    /// [`Viscosity::INVISCID`]: crate::physics::Viscosity::INVISCID
    pub fn viscosity(&self) -> crate::physics::Viscosity {
        use crate::physics::{Viscosity, ViscosityLaw};
        let Some(v) = &self.viscosity else {
            return Viscosity::INVISCID;
        };
        let mu_ref = match (v.mu, v.reynolds) {
            (Some(mu), _) => mu,
            (None, Some(re)) => v.rho_ref * v.u_ref.unwrap_or(0.0) * v.length / re,
            (None, None) => 0.0,
        };
        Viscosity {
            law: match v.law {
                LawKind::Constant => ViscosityLaw::Constant,
                LawKind::Sutherland => ViscosityLaw::Sutherland {
                    s: v.sutherland.unwrap_or(0.0),
                },
                LawKind::Power => ViscosityLaw::Power {
                    exponent: v.exponent.unwrap_or(1.0),
                },
            },
            mu_ref,
            t_ref: v.t_ref,
            prandtl: v.prandtl,
        }
    }

    fn validate_couette(&self) -> Result<(), Invalid> {
        positive(
            "initial.pressure",
            *need(&self.initial.pressure, "initial.pressure", "couette")?,
        )?;
        if self.mesh.kind == MeshKind::Gmsh {
            return Err(invalid(
                "initial.kind",
                "\"couette\" needs a generated mesh (rectangle or triangles) between y0 and y1",
            ));
        }
        let b = self.mesh.sides();
        if b.left.kind != BcKind::Periodic {
            return Err(invalid(
                "mesh.boundary.left.kind",
                "initial.kind = \"couette\" needs periodic left and right sides",
            ));
        }
        for (side, bc) in [("bottom", &b.bottom), ("top", &b.top)] {
            if bc.kind != BcKind::NoSlipWall || bc.temperature.is_none() {
                return Err(invalid(
                    &format!("mesh.boundary.{side}"),
                    "initial.kind = \"couette\" needs isothermal no_slip_wall sides (with temperature) at the bottom and top",
                ));
            }
        }
        match &self.viscosity {
            Some(v) if v.law == LawKind::Constant => Ok(()),
            _ => Err(invalid(
                "viscosity",
                "initial.kind = \"couette\" needs [viscosity] with law = \"constant\" (its exact solution)",
            )),
        }
    }

    fn validate_monitor(&self) -> Result<(), Invalid> {
        let Some(m) = &self.monitor else {
            return Ok(());
        };
        if m.every == 0 {
            return Err(invalid("monitor.every", "expected at least 1 step"));
        }
        let names = self.boundary_map();
        for (k, f) in m.forces.iter().enumerate() {
            match names.get(f) {
                None => {
                    return Err(invalid(
                        &format!("monitor.forces[{k}]"),
                        format!(
                            "no boundary named \"{f}\" (known: {})",
                            names.keys().cloned().collect::<Vec<_>>().join(", ")
                        ),
                    ))
                }
                Some(b) if b.kind == BcKind::Periodic => {
                    return Err(invalid(
                        &format!("monitor.forces[{k}]"),
                        format!("\"{f}\" is periodic: no force acts on it"),
                    ))
                }
                _ => {}
            }
        }
        let [rho, u, p, l] = m.reference;
        positive("monitor.reference", rho.min(u).min(l))?;
        if !p.is_finite() {
            return Err(invalid(
                "monitor.reference",
                "expected a finite reference pressure",
            ));
        }
        for (k, x) in m.probes.iter().enumerate() {
            if !(x[0].is_finite() && x[1].is_finite()) {
                return Err(invalid(
                    &format!("monitor.probes[{k}]"),
                    "expected finite [x, y]",
                ));
            }
        }
        Ok(())
    }

    fn validate_viscosity(&self) -> Result<(), Invalid> {
        let Some(v) = &self.viscosity else {
            return Ok(());
        };
        match (v.mu, v.reynolds) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "viscosity.reynolds",
                    "give either viscosity.mu or viscosity.reynolds, not both",
                ))
            }
            (None, None) => return Err(invalid(
                "viscosity.mu",
                "required: the dynamic viscosity mu, or reynolds with u_ref (and rho_ref, length)",
            )),
            (Some(mu), None) => positive("viscosity.mu", mu)?,
            (None, Some(re)) => {
                positive("viscosity.reynolds", re)?;
                let u = v.u_ref.ok_or_else(|| {
                    invalid(
                        "viscosity.u_ref",
                        "required by viscosity.reynolds (mu = rho_ref * u_ref * length / reynolds)",
                    )
                })?;
                positive("viscosity.u_ref", u)?;
            }
        }
        positive("viscosity.rho_ref", v.rho_ref)?;
        positive("viscosity.length", v.length)?;
        positive("viscosity.t_ref", v.t_ref)?;
        positive("viscosity.prandtl", v.prandtl)?;
        match v.law {
            LawKind::Constant => {}
            LawKind::Sutherland => positive(
                "viscosity.sutherland",
                v.sutherland.ok_or_else(|| {
                    invalid(
                        "viscosity.sutherland",
                        "required by law = \"sutherland\": Sutherland's temperature over t_ref",
                    )
                })?,
            )?,
            LawKind::Power => {
                let w = v.exponent.ok_or_else(|| {
                    invalid(
                        "viscosity.exponent",
                        "required by law = \"power\": the exponent of T/t_ref",
                    )
                })?;
                if !(w.is_finite() && (0.0..=2.0).contains(&w)) {
                    return Err(invalid(
                        "viscosity.exponent",
                        format!("expected 0 <= exponent <= 2, got {w}"),
                    ));
                }
            }
        }
        Ok(())
    }

    /// Checks values that parse but make no sense; returns the dotted key and what was expected.
    pub fn validate(&self) -> Result<(), Invalid> {
        crate::physics::Gas::new(self.gas.gamma)
            .map_err(|e| invalid("gas.gamma", e.to_string()))?;
        self.validate_viscosity()?;
        let m = &self.mesh;
        if m.kind == MeshKind::Gmsh {
            self.validate_gmsh()?;
        } else {
            self.validate_generated_mesh()?;
        }
        self.validate_monitor()?;
        self.validate_initial()?;
        self.validate_scheme()?;
        self.validate_time_and_output()
    }

    /// The keys that the initial condition's kind needs.
    fn validate_initial(&self) -> Result<(), Invalid> {
        let i = &self.initial;
        let kind = serde_json::to_value(i.kind)
            .ok()
            .and_then(|v| v.as_str().map(String::from))
            .unwrap_or_default();
        match i.kind {
            InitialKind::Uniform => {
                check_state("initial.state", need(&i.state, "initial.state", &kind)?)?
            }
            InitialKind::RiemannX => {
                check_state("initial.left", need(&i.left, "initial.left", &kind)?)?;
                check_state("initial.right", need(&i.right, "initial.right", &kind)?)?;
                need(&i.x0, "initial.x0", &kind)?;
            }
            InitialKind::RiemannQuadrants => {
                need(&i.center, "initial.center", &kind)?;
                for (k, s) in [("ne", &i.ne), ("nw", &i.nw), ("sw", &i.sw), ("se", &i.se)] {
                    let key = format!("initial.{k}");
                    check_state(&key, need(s, &key, &kind)?)?;
                }
            }
            InitialKind::PiecewiseX => {
                let states = need(&i.states, "initial.states", &kind)?;
                let breaks = need(&i.breaks, "initial.breaks", &kind)?;
                if states.len() != breaks.len() + 1 {
                    return Err(invalid(
                        "initial.breaks",
                        format!(
                            "expected {} break points for {} states",
                            states.len().saturating_sub(1),
                            states.len()
                        ),
                    ));
                }
                if breaks.windows(2).any(|w| w[1] <= w[0]) {
                    return Err(invalid(
                        "initial.breaks",
                        "expected increasing break points",
                    ));
                }
                for (k, s) in states.iter().enumerate() {
                    check_state(&format!("initial.states[{k}]"), s)?;
                }
            }
            InitialKind::DensitySine => {
                let s = need(&i.state, "initial.state", &kind)?;
                check_state("initial.state", s)?;
                let a = i.amplitude.unwrap_or(0.2);
                if a.is_nan() || a.abs() >= s[0] {
                    return Err(invalid(
                        "initial.amplitude",
                        "expected |amplitude| < mean density",
                    ));
                }
            }
            InitialKind::IsentropicVortex => {
                check_state("initial.state", need(&i.state, "initial.state", &kind)?)?;
            }
            InitialKind::ShuOsher | InitialKind::DoubleMach | InitialKind::ShockVortex => {}
            InitialKind::Couette => self.validate_couette()?,
            InitialKind::ShearWave | InitialKind::TaylorGreen => {
                check_state("initial.state", need(&i.state, "initial.state", &kind)?)?;
            }
        }
        Ok(())
    }

    /// Scheme and flux keys.
    fn validate_scheme(&self) -> Result<(), Invalid> {
        self.scheme.validate()?;
        for (key, v) in [
            ("flux.tau_c1", self.tau_c1()),
            ("flux.tau_c2", self.flux.tau_c2),
        ] {
            if !(v.is_finite() && v >= 0.0) {
                return Err(invalid(
                    key,
                    format!("expected a finite number >= 0, got {v}"),
                ));
            }
        }
        if self.scheme.kind() == SchemeKind::Scfv && self.tau_c1() < SCFV_MIN_TAU_C1 {
            return Err(invalid(
                "flux.tau_c1",
                format!(
                    "the SCFV scheme needs flux.tau_c1 >= {SCFV_MIN_TAU_C1} (got {}): the faces inside each \
                     triangle take their dissipation from the numerical collision time, and below this the \
                     scheme has growing modes (docs/triangles.md §4.1); 0.1 is a good value for smooth flows",
                    self.tau_c1()
                ),
            ));
        }
        Ok(())
    }

    /// Time stepping, output and partition keys.
    fn validate_time_and_output(&self) -> Result<(), Invalid> {
        positive("time.end", self.time.end)?;
        positive("time.cfl", self.time.cfl)?;
        if self.time.cfl > 2.0 {
            return Err(invalid("time.cfl", "expected a CFL number <= 2"));
        }
        if let Some(e) = self.output.every {
            if !(e.is_finite() && e >= 0.0) {
                return Err(invalid(
                    "output.every",
                    "expected a simulated-time interval >= 0",
                ));
            }
        }
        if let Some(e) = self.output.checkpoint_every {
            if !(e.is_finite() && e > 0.0) {
                return Err(invalid(
                    "output.checkpoint_every",
                    "expected a simulated time > 0",
                ));
            }
        }
        if let Some(p) = &self.partition {
            self.validate_partition(p)?;
        }
        if !(self.output.progress.is_finite() && self.output.progress >= 0.0) {
            return Err(invalid("output.progress", "expected seconds >= 0"));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SOD: &str = r#"
name = "sod"
[mesh]
kind = "rectangle"
nx = 100
x = [0.0, 1.0]
boundary = { left = { kind = "transmissive" }, right = { kind = "transmissive" } }
[initial]
kind = "riemann_x"
left = [1.0, 0.0, 0.0, 1.0]
right = [0.125, 0.0, 0.0, 0.1]
x0 = 0.5
[time]
end = 0.2
"#;

    fn load(text: &str, o: &[&str]) -> Result<LoadedCase, CaseError> {
        let o: Vec<String> = o.iter().map(|s| s.to_string()).collect();
        LoadedCase::from_text(text, Path::new("sod.toml"), &o)
    }

    #[test]
    fn loads_and_applies_overrides() {
        let c = load(
            SOD,
            &[
                "mesh.nx=80",
                "time.end=0.1",
                "initial.left=[2.0,0.0,0.0,1.0]",
            ],
        )
        .unwrap();
        assert_eq!(c.case.mesh.nx, 80);
        assert_eq!(c.case.time.end, 0.1);
        assert_eq!(c.case.initial.left.unwrap()[0], 2.0);
        assert!(c.resolved.contains("nx = 80"));
        // The resolved text is itself a valid case.
        let again = load(&c.resolved, &[]).unwrap();
        assert_eq!(again.case.mesh.nx, 80);
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let text = SOD.replace("x0 = 0.5", "x0 = 0.5\nx1 = 2.0");
        let e = load(&text, &[]).unwrap_err().to_string();
        assert!(
            e.contains("sod.toml") && e.contains("x1") && e.contains("line 13"),
            "{e}"
        );
    }

    #[test]
    fn wrong_type_names_key() {
        let text = SOD.replace("nx = 100", "nx = \"many\"");
        let e = load(&text, &[]).unwrap_err().to_string();
        assert!(e.contains("mesh.nx") && e.contains("line 5"), "{e}");
    }

    #[test]
    fn bad_values_are_reported() {
        let e = load(SOD, &["mesh.nx=0"]).unwrap_err().to_string();
        assert!(e.contains("mesh.nx") && e.contains("--set"), "{e}");
        let e = load(SOD, &["time.cfl=-1"]).unwrap_err().to_string();
        assert!(e.contains("time.cfl"), "{e}");
        let e = load(SOD, &["initial.right=[0.0,0.0,0.0,1.0]"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("initial.right") && e.contains("rho > 0"), "{e}");
        let e = load(SOD, &["mesh.nx=\"x\""]).unwrap_err().to_string();
        assert!(e.contains("mesh.nx"), "{e}");
        let e = load(SOD, &["mesh.nx"]).unwrap_err().to_string();
        assert!(e.contains("KEY=VALUE"), "{e}");
        let e = load(SOD, &["initial.kind=\"riemann_quadrants\""])
            .unwrap_err()
            .to_string();
        assert!(e.contains("initial.center"), "{e}");
    }

    /// `[scheme]` keys belong to their kind: a key of another kind in the file is named with its line, one
    /// set by `--set` is blamed on it, and a switch of `scheme.kind` that leaves a key of the old kind in
    /// the table is blamed on the switch, with the way out; a switch to a kind that takes the table's keys
    /// works.
    #[test]
    fn scheme_keys_belong_to_their_kind() {
        let tri = ["mesh.kind=\"triangles\"", "mesh.ny=2"];
        let with = |keys: &str| SOD.replace("[time]", &format!("[scheme]\n{keys}\n[time]"));
        let second = with("kind = \"second_order\"\nlimiter = false");
        let c = load(&second, &[tri[0], tri[1], "scheme.kind=\"scfv\""]).unwrap();
        let scfv = ScfvSection {
            variables: Variables::Characteristic,
            limiter: false,
        };
        assert_eq!(c.case.scheme, SchemeSection::Scfv(scfv));
        assert!(c.resolved.contains(
            "[scheme]\nkind = \"scfv\"\nvariables = \"characteristic\"\nlimiter = false\n"
        ));

        let e = load(&second, &[tri[0], tri[1], "scheme.weno=\"z\""]).unwrap_err();
        assert_eq!(
            e.to_string(),
            "--set scheme.weno=\"z\": scheme.weno is not a parameter of scheme \"second_order\" (its \
             parameters: limiter, limiter_k)"
        );

        let text = with("kind = \"scfv\"\nepsilon = 1e-8");
        let line = text.lines().position(|l| l.starts_with("epsilon")).unwrap() + 1;
        let e = load(&text, &tri).unwrap_err().to_string();
        assert_eq!(
            e,
            format!(
                "sod.toml: line {line}: scheme.epsilon is not a parameter of scheme \"scfv\" (its \
                 parameters: variables, limiter)"
            )
        );

        let weno = with("variables = \"conservative\"");
        let switch = "scheme.kind=\"second_order\"";
        let e = load(&weno, &[tri[0], tri[1], switch])
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(&format!(
                "--set {switch}: scheme.variables is not a parameter of scheme \"second_order\""
            )) && e.ends_with("--set 'scheme={kind = \"second_order\"}'"),
            "{e}"
        );
        let c = load(&weno, &[tri[0], tri[1], "scheme={kind=\"second_order\"}"]).unwrap();
        assert_eq!(c.case.scheme.kind(), SchemeKind::SecondOrder);
    }

    /// Viscous keys: a missing or doubled viscosity, a law without its constant, wall keys on other kinds,
    /// monitors of unknown boundaries: each error names the key.
    #[test]
    fn viscous_and_monitor_errors_name_the_key() {
        let cases: [(&[&str], &str); 9] = [
            (&["viscosity={prandtl=0.7}"], "viscosity.mu"),
            (&["viscosity={mu=0.1,reynolds=10.0}"], "viscosity.reynolds"),
            (&["viscosity={reynolds=10.0}"], "viscosity.u_ref"),
            (
                &["viscosity={mu=0.1,law=\"sutherland\"}"],
                "viscosity.sutherland",
            ),
            (&["viscosity={mu=-1.0}"], "viscosity.mu"),
            (
                &["mesh.boundary.left={kind=\"slip_wall\",temperature=1.0}"],
                "mesh.boundary.left.kind",
            ),
            (
                &["mesh.boundary.left={kind=\"no_slip_wall\",temperature=0.0}"],
                "mesh.boundary.left.temperature",
            ),
            (&["monitor={forces=[\"lid\"]}"], "monitor.forces[0]"),
            (
                &["mesh.boundary.left={kind=\"characteristic\"}"],
                "mesh.boundary.left.state",
            ),
        ];
        for (sets, key) in cases {
            let e = load(SOD, sets).unwrap_err().to_string();
            assert!(e.contains(key), "{sets:?}: {e}");
        }
        let c = load(SOD, &["viscosity={reynolds=100.0,u_ref=0.15,rho_ref=2.0}"]).unwrap();
        let v = c.case.viscosity();
        assert!((v.mu_ref - 2.0 * 0.15 / 100.0).abs() < 1e-15 && v.prandtl == 0.72);
    }
}
