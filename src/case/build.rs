//! From a validated case to the typed objects the rest of the code takes: the gas, the mesh, the boundary
//! conditions, the flux settings and the scheme. Only this layer reads case sections; the mesh, the physics
//! and the schemes take plain parameters.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use super::{
    BcKind, Boundary, Case, CprSection, DiagonalKind, MeshKind, MeshSection, ScfvSection,
    SchemeSection, SecondOrderSection, TimeScheme, Variables, Weno5Section, WenoVariant,
};
use crate::mesh::gmsh::read_msh;
use crate::mesh::grid::from_gmsh;
use crate::mesh::{Diagonal, Grid, StructuredMesh, TriMesh};
use crate::physics::{FluxParams, Gas};
use crate::scheme::cpr::CprParams;
use crate::scheme::weno::{Weno, WenoVariant as Variant};
use crate::scheme::{Bc, Cells, Common, ScfvParams, Scheme, TriParams, WenoParams};

impl MeshSection {
    /// The rectangle of the mesh (the extent of generated meshes; for Gmsh meshes the `x`, `y` keys).
    pub fn rectangle(&self) -> StructuredMesh {
        StructuredMesh::rectangle(self.nx, self.ny, self.x, self.y)
    }
}

impl Boundary {
    /// The condition of patch `name` for the gas `gas`.
    pub fn condition(&self, name: &str, gas: &Gas) -> Bc {
        let state = || self.state.expect("validated");
        match self.kind {
            BcKind::Periodic => Bc::Periodic,
            BcKind::Transmissive => Bc::Transmissive,
            BcKind::SlipWall | BcKind::Symmetry => Bc::SlipWall,
            BcKind::NoSlipWall => Bc::NoSlip {
                velocity: self.velocity.unwrap_or([0.0; 2]),
                temperature: self.temperature,
                start: self.start.unwrap_or(f64::NEG_INFINITY),
            },
            BcKind::SubsonicInflow => Bc::SubsonicInflow(state()),
            BcKind::SubsonicOutflow => Bc::SubsonicOutflow(state()[3]),
            BcKind::Characteristic => Bc::Characteristic(state()),
            BcKind::Inflow | BcKind::FarField => Bc::Inflow(gas.conservative(state())),
            BcKind::DoubleMach => Bc::DoubleMach {
                bottom: name == "bottom",
            },
        }
    }
}

impl Weno5Section {
    /// The WENO5-GKS parameters.
    pub fn params(&self) -> WenoParams {
        WenoParams {
            weno: Weno {
                variant: match self.weno {
                    WenoVariant::Js => Variant::Js,
                    WenoVariant::Z => Variant::Z,
                    WenoVariant::Linear => Variant::Linear,
                },
                epsilon: self.epsilon,
            },
            characteristic: self.variables == Variables::Characteristic,
            gauss_points: self.gauss_points,
        }
    }
}

impl SecondOrderSection {
    /// The second-order triangle scheme's parameters.
    pub fn params(&self) -> TriParams {
        TriParams {
            limit: self.limiter,
            limiter_k: self.limiter_k,
        }
    }
}

impl ScfvSection {
    /// The SCFV-GKS parameters.
    pub fn params(&self) -> ScfvParams {
        ScfvParams {
            limit: self.limiter,
            characteristic: self.variables == Variables::Characteristic,
        }
    }
}

impl CprSection {
    /// The CPR-GKS parameters.
    pub fn params(&self) -> CprParams {
        CprParams {
            degree: self.degree,
            limiter: self.limiter,
            threshold: self.threshold,
        }
    }
}

impl Case {
    /// The gas.
    pub fn gas_model(&self) -> Gas {
        Gas::new(self.gas.gamma).expect("validated")
    }

    /// The flux settings: collision-time coefficients and viscosity.
    pub fn flux_params(&self) -> FluxParams {
        FluxParams {
            tau_c1: self.tau_c1(),
            tau_c2: self.flux.tau_c2,
            viscosity: self.viscosity(),
        }
    }

    /// What every operator takes: gas, flux settings, and the boundary condition of every patch.
    pub fn common(&self) -> Common {
        let gas = self.gas_model();
        let bcs = self
            .boundary_map()
            .iter()
            .map(|(name, b)| (name.clone(), b.condition(name, &gas)))
            .collect();
        Common {
            gas,
            flux: self.flux_params(),
            bcs,
        }
    }

    /// The scheme of `[scheme]` with its parameters.
    pub fn scheme(&self) -> Box<dyn Scheme> {
        match &self.scheme {
            SchemeSection::Weno5(s) => Box::new(s.params()),
            SchemeSection::SecondOrder(s) => Box::new(s.params()),
            SchemeSection::Scfv(s) => Box::new(s.params()),
            SchemeSection::Cpr(s) => Box::new(s.params()),
        }
    }

    /// The name of the time scheme in outputs.
    pub fn time_name(&self) -> &'static str {
        match self.time.scheme {
            TimeScheme::S2o4 => "s2o4",
            TimeScheme::SingleStage => "single-stage",
            TimeScheme::Euler => "euler",
        }
    }

    /// Scheme description used in outputs, e.g. `weno5-gks/s2o4/characteristic/js/3gp`.
    pub fn scheme_name(&self) -> String {
        self.scheme().describe(self.time_name())
    }

    /// The mesh the case describes, in the solver cells of its scheme; `base` is the directory of the case
    /// file (relative Gmsh paths start there).
    pub fn cells(&self, base: &Path) -> Result<Cells, String> {
        Cells::new(self.grid(base)?, self.scheme().split())
    }

    /// The mesh the case describes; `base` is the directory of the case file (relative Gmsh paths start
    /// there).
    pub fn grid(&self, base: &Path) -> Result<Grid, String> {
        let m = &self.mesh;
        match m.kind {
            MeshKind::Gmsh => {
                let file = m.file.as_deref().expect("validated");
                let path = if Path::new(file).is_absolute() {
                    PathBuf::from(file)
                } else {
                    base.join(file)
                };
                let g = read_msh(&path).map_err(|e| e.to_string())?;
                let conditions: BTreeMap<String, bool> = self
                    .boundary
                    .iter()
                    .map(|(k, b)| (k.clone(), b.kind == BcKind::Periodic))
                    .collect();
                from_gmsh(&g, &conditions, &path).map(Grid::Triangles)
            }
            MeshKind::Rectangle => Ok(Grid::Structured(m.rectangle())),
            MeshKind::Triangles => self.generated_triangles().map(Grid::Triangles),
        }
    }

    fn generated_triangles(&self) -> Result<TriMesh, String> {
        let m = &self.mesh;
        let per = |k: BcKind| k == BcKind::Periodic;
        let sides = m.sides();
        let diagonal = match m.diagonal.unwrap_or(DiagonalKind::Alternate) {
            DiagonalKind::Right => Diagonal::Right,
            DiagonalKind::Left => Diagonal::Left,
            DiagonalKind::Alternate => Diagonal::Alternate,
        };
        TriMesh::rectangle(
            m.nx,
            m.ny,
            m.x,
            m.y,
            diagonal,
            m.jitter.unwrap_or(0.0),
            m.seed.unwrap_or(1),
            [per(sides.left.kind), per(sides.bottom.kind)],
        )
        .map_err(|e| e.to_string())
    }
}
