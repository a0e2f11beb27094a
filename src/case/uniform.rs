//! Whether a uniform initial state is the exact solution of a case at all times: it is when every
//! boundary condition leaves that state unchanged (periodic sides, outflow, far fields and inflows of the
//! same state, walls the flow runs along). Only then may a run report errors against it.

use super::{BcKind, Boundary, Case, InitialKind, MeshKind};

impl Case {
    /// True when the initial condition is `uniform` and every boundary condition keeps that state steady,
    /// so that it is the exact solution at all times (see the module documentation). A uniform flow past a
    /// wall across it, or along a no-slip wall, is not.
    pub fn uniform_state_is_steady(&self) -> bool {
        if self.initial.kind != InitialKind::Uniform {
            return false;
        }
        let Some(w) = self.initial.state else {
            return false;
        };
        let strip = self.mesh.kind == MeshKind::Rectangle && self.mesh.ny <= 1;
        self.boundary_map().iter().all(|(side, b)| {
            // The velocity component across the boundary: known on the sides of generated meshes; on Gmsh
            // patches the normal is not known here, so both components must vanish.
            let across_is_zero = match side.as_str() {
                _ if self.mesh.kind == MeshKind::Gmsh => w[1] == 0.0 && w[2] == 0.0,
                "left" | "right" => w[1] == 0.0,
                "bottom" | "top" => strip || w[2] == 0.0,
                _ => w[1] == 0.0 && w[2] == 0.0,
            };
            keeps(b, w, across_is_zero)
        })
    }
}

/// Whether condition `b` leaves the uniform primitive state `w` unchanged at its boundary, given whether
/// the velocity across that boundary vanishes.
fn keeps(b: &Boundary, w: [f64; 4], across_is_zero: bool) -> bool {
    let [rho, u, v, p] = w;
    match b.kind {
        BcKind::Periodic | BcKind::Transmissive => true,
        BcKind::Inflow | BcKind::FarField | BcKind::Characteristic => b.state == Some(w),
        BcKind::SubsonicInflow => b
            .state
            .is_some_and(|s| s[0] == rho && s[1] == u && s[2] == v),
        BcKind::SubsonicOutflow => b.state.is_some_and(|s| s[3] == p),
        BcKind::SlipWall | BcKind::Symmetry => across_is_zero,
        BcKind::NoSlipWall => {
            u == 0.0
                && v == 0.0
                && b.velocity.map_or(true, |wall| wall == [0.0, 0.0])
                && b.temperature.map_or(true, |t| t == p / rho)
        }
        BcKind::DoubleMach => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::LoadedCase;
    use std::path::Path;

    const BOX: &str = r#"
name = "box"
[mesh]
kind = "rectangle"
nx = 8
ny = 8
x = [0.0, 1.0]
y = [0.0, 1.0]
[mesh.boundary]
left = { kind = "periodic" }
right = { kind = "periodic" }
bottom = { kind = "periodic" }
top = { kind = "periodic" }
[initial]
kind = "uniform"
state = [1.0, 0.5, 0.0, 1.0]
[time]
end = 0.1
"#;

    fn steady(sets: &[&str]) -> bool {
        let o: Vec<String> = sets.iter().map(|s| s.to_string()).collect();
        LoadedCase::from_text(BOX, Path::new("box.toml"), &o)
            .unwrap()
            .case
            .uniform_state_is_steady()
    }

    #[test]
    fn periodic_and_open_boundaries_keep_a_uniform_flow() {
        assert!(steady(&[]));
        assert!(steady(&[
            "mesh.boundary.left={kind=\"far_field\", state=[1.0, 0.5, 0.0, 1.0]}",
            "mesh.boundary.right={kind=\"transmissive\"}",
        ]));
        // A flow along slip walls stays uniform.
        assert!(steady(&[
            "mesh.boundary.bottom={kind=\"slip_wall\"}",
            "mesh.boundary.top={kind=\"symmetry\"}",
        ]));
    }

    #[test]
    fn walls_and_other_states_do_not() {
        // A slip wall across the flow, a no-slip wall along it, a far field of another state.
        assert!(!steady(&[
            "mesh.boundary.left={kind=\"slip_wall\"}",
            "mesh.boundary.right={kind=\"slip_wall\"}",
        ]));
        assert!(!steady(&[
            "mesh.boundary.bottom={kind=\"no_slip_wall\"}",
            "mesh.boundary.top={kind=\"no_slip_wall\"}",
        ]));
        assert!(!steady(&[
            "mesh.boundary.left={kind=\"far_field\", state=[1.0, 0.6, 0.0, 1.0]}",
            "mesh.boundary.right={kind=\"transmissive\"}",
        ]));
        // Gas at rest in a closed box with isothermal walls at its own temperature is steady; at another
        // temperature it is not.
        let rest = "initial.state=[1.0, 0.0, 0.0, 1.0]";
        let walls = |t: f64| {
            ["left", "right", "bottom", "top"]
                .map(|s| format!("mesh.boundary.{s}={{kind=\"no_slip_wall\", temperature={t:?}}}"))
        };
        let sets = |t| {
            let w = walls(t);
            let mut v: Vec<String> = w.to_vec();
            v.push(rest.to_string());
            v
        };
        let at = |t| steady(&sets(t).iter().map(String::as_str).collect::<Vec<_>>());
        assert!(at(1.0));
        assert!(!at(2.0));
    }
}
