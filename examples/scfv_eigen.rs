//! Diagnostic: eigenvalues of the linearised spatial operator of a triangle scheme about a uniform flow,
//! on a small periodic mesh. A stable semi-discretisation has no eigenvalue with a positive real part.
//!
//! `cargo run --release --example scfv_eigen -- NX JITTER SCHEME OUT.txt [TAU_C1 [SIDES]]` writes the
//! Jacobian (row-major, one row per line) for `numpy.linalg.eigvals`. SCHEME is `scfv` or `second_order`;
//! TAU_C1 is `flux.tau_c1` (default 0.1); SIDES is `periodic` (default) or a boundary kind with a state
//! (`far_field`, `inflow`, with the uniform state) or `transmissive`, applied on all four sides, or `mixed` (far field on the inflow sides left and
//! bottom, transmissive on the others; the mean flow is (1, 0.5)).

use std::io::Write;
use std::path::Path;

use gasket::case::LoadedCase;
use gasket::mesh::{Diagonal, TriMesh};
use gasket::physics::Gas;
use gasket::scheme::subcell::ScfvOperator;
use gasket::scheme::{Residual, TriOperator};

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
        Some(k) if k == "transmissive" || k == "slip_wall" || k == "mixed" => {
            format!("{{ kind = \"{k}\" }}")
        }
        Some(k) => format!("{{ kind = \"{k}\", state = [1.0, 1.0, 0.5, 1.0] }}"),
    };
    let periodic = side.contains("periodic");
    // `mixed`: far field on the inflow sides (left, bottom), transmissive on the outflow sides.
    let (inlet, outlet) = if a.get(6).map(String::as_str) == Some("mixed") {
        (
            "{ kind = \"far_field\", state = [1.0, 1.0, 0.5, 1.0] }".to_string(),
            "{ kind = \"transmissive\" }".to_string(),
        )
    } else {
        (side.clone(), side.clone())
    };
    let text = format!(
        "[mesh]\nkind = \"triangles\"\nnx = {nx}\nny = {nx}\nx = [0.0, 1.0]\ny = [0.0, 1.0]\njitter = {jitter}\n\
         [mesh.boundary]\nleft = {inlet}\nright = {outlet}\nbottom = {inlet}\ntop = {outlet}\n\
         [initial]\nkind = \"uniform\"\nstate = [1.0, 1.0, 0.5, 1.0]\n[scheme]\nkind = \"{scheme}\"\nlimiter = false\n\
         [flux]\ntau_c1 = {tc}\n[time]\nend = 1.0\n"
    );
    let lc = LoadedCase::from_text(&text, Path::new("eig.toml"), &[]).unwrap();
    let gas = Gas::new(1.4).unwrap();
    let mesh = TriMesh::rectangle(
        nx,
        nx,
        [0.0, 1.0],
        [0.0, 1.0],
        Diagonal::Alternate,
        jitter,
        1,
        [periodic, periodic],
    )
    .unwrap();
    let owned: Vec<usize> = (0..mesh.n_cells()).collect();
    let base = gas.conservative([1.0, 1.0, 0.5, 1.0]);
    let dt = 1e-3;
    let residual: ResidualFn = if scheme == "scfv" {
        let op =
            std::cell::RefCell::new(ScfvOperator::new(&lc.case, gas, &mesh, &owned, &[]).unwrap());
        let n = 4 * mesh.n_cells();
        Box::new(move |w| {
            let mut r = Residual::new(n);
            let mut o = op.borrow_mut();
            o.interior_phase(w, dt);
            o.boundary_phase(w, dt, &mut r);
            r.l
        })
    } else {
        let op = std::cell::RefCell::new(TriOperator::new(&lc.case, gas, &mesh, &owned, &[]));
        let n = mesh.n_cells();
        Box::new(move |w| {
            let mut r = Residual::new(n);
            let mut o = op.borrow_mut();
            o.interior_phase(w, dt);
            o.boundary_phase(w, dt, &mut r);
            r.l
        })
    };
    let n = if scheme == "scfv" {
        4 * mesh.n_cells()
    } else {
        mesh.n_cells()
    };
    let w0 = vec![base; n];
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
