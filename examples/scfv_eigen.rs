//! Diagnostic: eigenvalues of the linearised spatial operator of a triangle scheme about a uniform flow,
//! on a small periodic mesh. A stable semi-discretisation has no eigenvalue with a positive real part.
//!
//! `cargo run --release --example scfv_eigen -- NX JITTER SCHEME OUT.txt [TAU_C1 [SIDES [MU]]]` writes the
//! Jacobian (row-major, one row per line) for `numpy.linalg.eigvals`. SCHEME is `scfv` or `second_order`;
//! TAU_C1 is `flux.tau_c1` (default 0.1); SIDES is `periodic` (default) or a boundary kind with a state
//! (`far_field`, `inflow`, with the uniform state) or `transmissive`, applied on all four sides, or `mixed` (far field on the inflow sides left and
//! bottom, transmissive on the others; the mean flow is (1, 0.5)). MU > 0 adds a constant viscosity
//! (Navier–Stokes, Pr = 0.72).

use std::io::Write;
use std::path::Path;

use gasket::case::{LoadedCase, SchemeSection};
use gasket::mesh::{Diagonal, TriMesh};
use gasket::physics::Gas;
use gasket::scheme::subcell::ScfvOperator;
use gasket::scheme::{Residual, SpatialOperator, TriOperator};

/// The residual `L(W)` of the owned cells for a local state.
type ResidualFn = Box<dyn Fn(&[[f64; 4]]) -> Vec<[f64; 4]>>;

fn main() {
    let a: Vec<String> = std::env::args().collect();
    let nx: usize = a[1].parse().unwrap();
    let jitter: f64 = a[2].parse().unwrap();
    let scheme = a[3].clone();
    let tc: f64 = a.get(5).map_or(0.1, |s| s.parse().unwrap());
    // Sides: periodic (default) or a far field from the uniform state.
    let side = match a.get(6).map(String::as_str) {
        None | Some("periodic") => "{ kind = \"periodic\" }".to_string(),
        Some(k)
            if k == "transmissive"
                || k == "slip_wall"
                || k == "mixed"
                || k == "walls"
                || k == "couette" =>
        {
            format!("{{ kind = \"{k}\" }}")
        }
        Some(k) => format!("{{ kind = \"{k}\", state = [1.0, 1.0, 0.5, 1.0] }}"),
    };
    let periodic = side.contains("periodic");
    // `walls`: periodic in x, no-slip walls at the bottom and top (isothermal at T = 1 with T_WALL=1, else
    // adiabatic), about gas at rest.
    // `couette`: the same walls, the top one moving at 0.8, about the linear shear u = 0.8 y.
    let couette = a.get(6).map(String::as_str) == Some("couette");
    let walls = couette || a.get(6).map(String::as_str) == Some("walls");
    let wall = match std::env::var("T_WALL") {
        Ok(t) => format!("{{ kind = \"no_slip_wall\", temperature = {t} }}"),
        Err(_) => "{ kind = \"no_slip_wall\" }".to_string(),
    };
    let top = if couette {
        wall.replace("}", ", velocity = [0.8, 0.0] }")
    } else {
        wall.clone()
    };
    let state = if walls {
        [1.0, 0.0, 0.0, 1.0]
    } else {
        [1.0, 1.0, 0.5, 1.0]
    };
    // `mixed`: far field on the inflow sides (left, bottom), transmissive on the outflow sides.
    let (inlet, outlet) = if walls {
        (wall.clone(), top.clone())
    } else if a.get(6).map(String::as_str) == Some("mixed") {
        (
            "{ kind = \"far_field\", state = [1.0, 1.0, 0.5, 1.0] }".to_string(),
            "{ kind = \"transmissive\" }".to_string(),
        )
    } else {
        (side.clone(), side.clone())
    };
    // EIG_NY and EIG_LX: rows of squares and width of the mesh (default NX and 1).
    let ny: usize = std::env::var("EIG_NY").map_or(nx, |s| s.parse().unwrap());
    let lx: f64 = std::env::var("EIG_LX").map_or(1.0, |s| s.parse().unwrap());
    let mu: f64 = a.get(7).map_or(0.0, |s| s.parse().unwrap());
    let viscous = if mu > 0.0 {
        format!("[viscosity]\nmu = {mu}\n")
    } else {
        String::new()
    };
    // With walls (bottom, top) the x sides are periodic.
    let (left, right) = if walls {
        let p = "{ kind = \"periodic\" }".to_string();
        (p.clone(), p)
    } else {
        (inlet.clone(), outlet.clone())
    };
    let text = format!(
        "[mesh]\nkind = \"triangles\"\nnx = {nx}\nny = {ny}\nx = [0.0, {lx}]\ny = [0.0, 1.0]\njitter = {jitter}\n\
         [mesh.boundary]\nleft = {left}\nright = {right}\nbottom = {inlet}\ntop = {outlet}\n\
         [initial]\nkind = \"uniform\"\nstate = {state:?}\n[scheme]\nkind = \"{scheme}\"\nlimiter = false\n\
         [flux]\ntau_c1 = {tc}\n[time]\nend = 1.0\n{viscous}"
    );
    let lc = LoadedCase::from_text(&text, Path::new("eig.toml"), &[]).unwrap();
    let gas = Gas::new(1.4).unwrap();
    let mesh = TriMesh::rectangle(
        nx,
        ny,
        [0.0, lx],
        [0.0, 1.0],
        Diagonal::Alternate,
        jitter,
        1,
        [periodic || walls, periodic],
    )
    .unwrap();
    let owned: Vec<usize> = (0..mesh.n_cells()).collect();
    let base = gas.conservative(state);
    let dt: f64 = std::env::var("EIG_DT").map_or(1e-3, |s| s.parse().unwrap());
    let residual: ResidualFn = if let SchemeSection::Scfv(p) = &lc.case.scheme {
        let op = std::cell::RefCell::new(
            ScfvOperator::new(&lc.case.common(), &p.params(), &mesh, &owned, &[]).unwrap(),
        );
        let n = 4 * mesh.n_cells();
        Box::new(move |w| {
            let mut r = Residual::new(n);
            let mut o = op.borrow_mut();
            o.interior_phase(w, dt);
            o.boundary_phase(w, dt, &mut r);
            r.l
        })
    } else if let SchemeSection::SecondOrder(p) = &lc.case.scheme {
        let op = std::cell::RefCell::new(
            TriOperator::new(&lc.case.common(), &p.params(), &mesh, &owned, &[]).unwrap(),
        );
        let n = mesh.n_cells();
        Box::new(move |w| {
            let mut r = Residual::new(n);
            let mut o = op.borrow_mut();
            o.interior_phase(w, dt);
            o.boundary_phase(w, dt, &mut r);
            r.l
        })
    } else {
        unreachable!("validated: a triangle mesh runs a triangle scheme")
    };
    let n = if scheme == "scfv" {
        4 * mesh.n_cells()
    } else {
        mesh.n_cells()
    };
    let mut w0 = vec![base; n];
    if couette {
        // The shear at the unit centroids (subcells for SCFV).
        for (g, c) in mesh.cells.iter().enumerate() {
            let t: gasket::scheme::scfv::Triangle = c.map(|v| mesh.vertices[v]);
            if scheme == "scfv" {
                for (s, x) in gasket::scheme::scfv::subcell_centroids(&t)
                    .iter()
                    .enumerate()
                {
                    w0[4 * g + s] = gas.conservative([1.0, 0.8 * x[1], 0.0, 1.0]);
                }
            } else {
                let y = (t[0][1] + t[1][1] + t[2][1]) / 3.0;
                w0[g] = gas.conservative([1.0, 0.8 * y, 0.0, 1.0]);
            }
        }
    }
    let r0 = residual(&w0);
    let eps = 1e-7;
    let m = 4 * n;
    let mut jac = vec![0.0; m * m];
    for j in 0..m {
        let mut w = w0.clone();
        w[j / 4][j % 4] += eps;
        let r = residual(&w);
        for i in 0..m {
            jac[i * m + j] = (r[i / 4][i % 4] - r0[i / 4][i % 4]) / eps;
        }
    }
    let mut f = std::fs::File::create(&a[4]).unwrap();
    for i in 0..m {
        let row: Vec<String> = jac[i * m..(i + 1) * m]
            .iter()
            .map(|x| format!("{x:e}"))
            .collect();
        writeln!(f, "{}", row.join(" ")).unwrap();
    }
    eprintln!("{m} x {m} Jacobian written");
}
