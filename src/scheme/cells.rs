//! The solver cells of a run: the mesh elements, or the parts a scheme splits each element into (the four
//! subcells of SCFV-GKS). The time loop, the partition, the halo exchange, restarts and error norms count
//! solver cells; the output writes one value per element. Solver cell `k·e + s` is part `s` of element `e`
//! (`k` parts per element), so the parts of an element are always owned together.

use std::sync::Arc;

use crate::initial::InitialCondition;
use crate::mesh::Grid;
use crate::physics::State;

/// A triangle given by its three vertices.
pub type Triangle = [[f64; 2]; 3];

/// How a scheme splits each triangle into solver cells.
pub trait Split: Send + Sync + std::fmt::Debug {
    /// Parts per element.
    fn parts(&self) -> usize;

    /// The triangle of part `s` of the element `tri`.
    fn part(&self, tri: &Triangle, s: usize) -> Triangle;

    /// The part that holds the point of barycentric coordinates `l` (the first one, on shared edges).
    fn part_at(&self, l: [f64; 3]) -> usize;

    /// The weight of part `s` in the mean of its element: the fraction of the element's measure that the
    /// part covers (for solution points, the quadrature weight of the point). The weights of an element's
    /// parts sum to 1 and are the same for every element (the split is affine).
    fn weight(&self, s: usize) -> f64;

    /// The measure of part `s` of an element of area `area`: its weight times the area.
    fn measure(&self, area: f64, s: usize) -> f64 {
        self.weight(s) * area
    }

    /// What a part is called in messages (`subcell`).
    fn name(&self) -> &'static str;

    /// True when the parts are points (the solution points of a polynomial) rather than areas: their values
    /// are point values, initial data is taken at [`Split::point`], and errors are those of element means.
    fn pointwise(&self) -> bool {
        false
    }

    /// Where part `s` of the element `tri` is, for pointwise splits.
    fn point(&self, _tri: &Triangle, _s: usize) -> Option<[f64; 2]> {
        None
    }

    /// How output shows the field inside an element, for splits that hold a polynomial (`None`: as one
    /// mean per element).
    fn subdivision(&self) -> Option<&Subdivision> {
        None
    }
}

/// `Σⱼ weights[j]·states[j]`, summed in order from zero (the mean of an element's parts, a subcell average,
/// a polynomial's value at a point: one routine, so equal inputs give equal bits wherever it is called).
pub fn weighted_sum(weights: &[f64], states: &[State]) -> State {
    let mut m = [0.0; 4];
    for (w, st) in weights.iter().zip(states) {
        for q in 0..4 {
            m[q] += w * st[q];
        }
    }
    m
}

/// The index of node `(i, j)` (at `(i/q, j/q)`) of the reference triangle's lattice of degree `q`: row by
/// row in `j`, `i` increasing along a row.
pub fn lattice_index(q: usize, i: usize, j: usize) -> usize {
    j * (q + 1) - j * j.saturating_sub(1) / 2 + i
}

/// The lattice of degree `q ≥ 1` on the reference triangle: its `(q + 1)(q + 2)/2` nodes (numbered by
/// [`lattice_index`]) and the `q²` small triangles between them, as counter-clockwise node triples.
pub fn lattice(q: usize) -> (Vec<[f64; 2]>, Vec<[usize; 3]>) {
    let idx = |i, j| lattice_index(q, i, j);
    let mut nodes = Vec::with_capacity((q + 1) * (q + 2) / 2);
    for j in 0..=q {
        for i in 0..=q - j {
            nodes.push([i as f64 / q as f64, j as f64 / q as f64]);
        }
    }
    let mut triangles = Vec::with_capacity(q * q);
    for j in 0..q {
        for i in 0..q - j {
            triangles.push([idx(i, j), idx(i + 1, j), idx(i, j + 1)]);
            if i + j + 1 < q {
                triangles.push([idx(i + 1, j), idx(i + 1, j + 1), idx(i, j + 1)]);
            }
        }
    }
    (nodes, triangles)
}

/// Output nodes inside an element, the element's field interpolated to them, and sub-triangles over them.
#[derive(Debug, Clone, PartialEq)]
pub struct Subdivision {
    /// Reference coordinates `(r, s)` of the nodes: the element point `x₀ + r (x₁ − x₀) + s (x₂ − x₀)`.
    pub nodes: Vec<[f64; 2]>,
    /// Interpolation weights, one row of `parts` per node: the state at node `n` is `Σⱼ interp[n·parts + j] Wⱼ`.
    pub interp: Vec<f64>,
    /// Sub-triangles, counter-clockwise triples of node indices.
    pub triangles: Vec<[usize; 3]>,
}

impl Subdivision {
    /// The equispaced lattice of degree `q ≥ 1` (`(q + 1)(q + 2)/2` nodes, `q²` triangles), with the weights
    /// of each node given by `basis` (the values of the element's basis functions at a reference point).
    pub fn lattice(q: usize, basis: impl Fn([f64; 2]) -> Vec<f64>) -> Self {
        let (nodes, triangles) = lattice(q.max(1));
        let interp = nodes.iter().flat_map(|&rs| basis(rs)).collect();
        Subdivision {
            nodes,
            interp,
            triangles,
        }
    }

    /// The node positions in the element `tri`.
    pub fn points(&self, tri: &Triangle) -> impl Iterator<Item = [f64; 2]> + '_ {
        let t = *tri;
        self.nodes.iter().map(move |&[r, s]| {
            std::array::from_fn(|i| t[0][i] + r * (t[1][i] - t[0][i]) + s * (t[2][i] - t[0][i]))
        })
    }

    /// The states at the nodes from the states of the element's parts.
    pub fn states<'a>(&'a self, parts: &'a [State]) -> impl Iterator<Item = State> + 'a {
        self.interp
            .chunks_exact(parts.len())
            .map(move |row| weighted_sum(row, parts))
    }
}

/// The mesh seen as the cells of the solver.
#[derive(Debug, Clone)]
pub struct Cells {
    grid: Grid,
    split: Option<Arc<dyn Split>>,
}

impl Cells {
    /// The elements of `grid`, each split by `split` if given (triangle meshes only).
    pub fn new(grid: Grid, split: Option<Arc<dyn Split>>) -> Result<Self, String> {
        if split.is_some() && grid.triangles().is_none() {
            return Err("this scheme splits triangles: it needs a triangle mesh".into());
        }
        Ok(Cells { grid, split })
    }

    /// The mesh.
    pub fn grid(&self) -> &Grid {
        &self.grid
    }

    /// Solver cells per element (1 without a split).
    pub fn units_per_cell(&self) -> usize {
        self.split.as_ref().map_or(1, |s| s.parts())
    }

    /// Number of solver cells.
    pub fn n_cells(&self) -> usize {
        self.units_per_cell() * self.grid.n_cells()
    }

    /// Number of elements (output cells).
    pub fn n_output_cells(&self) -> usize {
        self.grid.n_cells()
    }

    /// The solver cell that contains point `x` (the first one found, on shared edges), if any.
    pub fn find(&self, x: [f64; 2]) -> Option<usize> {
        match &self.split {
            None => self.grid.find(x),
            Some(s) => {
                let (e, l) = self.grid.find_barycentric(x)?;
                Some(s.parts() * e + s.part_at(l))
            }
        }
    }

    /// The measure of solver cell `c` in integrals and norms.
    pub fn measure(&self, c: usize) -> f64 {
        match &self.split {
            None => self.grid.measure(c),
            Some(s) => {
                let k = s.parts();
                s.measure(self.grid.measure(c / k), c % k)
            }
        }
    }

    /// The elements of the given solver cells (whole elements, increasing), one entry per element.
    pub fn elements_of(&self, cells: &[usize]) -> Vec<usize> {
        let k = self.units_per_cell();
        cells.iter().step_by(k).map(|&u| u / k).collect()
    }

    /// The means over their elements of the states of solver cells that come in whole elements, in order
    /// (the output's one value per element): each part weighted by [`Split::weight`], summed in part order.
    /// Where the weights are powers of two (the midpoint split's ¼) this is bit for bit the plain mean of
    /// the parts, `(Σₛ Wₛ)/k`: scaling by a power of two commutes with rounding. Without a split the states
    /// are the means, borrowed (no copy).
    pub fn element_means<'s>(&self, states: &'s [State]) -> std::borrow::Cow<'s, [State]> {
        let Some(split) = &self.split else {
            return std::borrow::Cow::Borrowed(states);
        };
        let weights: Vec<f64> = (0..split.parts()).map(|s| split.weight(s)).collect();
        states
            .chunks(weights.len())
            .map(|parts| weighted_sum(&weights, parts))
            .collect()
    }

    /// The solver cells of the given elements, in order.
    fn expand(&self, elements: Vec<usize>) -> Vec<usize> {
        let k = self.units_per_cell();
        if k == 1 {
            return elements;
        }
        elements
            .into_iter()
            .flat_map(|e| (0..k).map(move |s| k * e + s))
            .collect()
    }

    /// Solver cells the update of cell `c` reads (see [`Grid::stencil`]).
    pub fn stencil(
        &self,
        c: usize,
        reach: (usize, usize),
        hops: usize,
        periodic: [bool; 2],
    ) -> Vec<usize> {
        let k = self.units_per_cell();
        self.expand(self.grid.stencil(c / k, reach, hops, periodic))
    }

    /// Solver cells within `r` steps of the given ones (the neighbourhood of a step retry).
    pub fn neighbourhood(&self, cells: &[usize], r: usize, periodic: [bool; 2]) -> Vec<usize> {
        let k = self.units_per_cell();
        let elements: Vec<usize> = cells.iter().map(|&c| c / k).collect();
        self.expand(self.grid.neighbourhood(&elements, r, periodic))
    }

    /// Where solver cell `c` is, for messages.
    pub fn locate(&self, c: usize) -> String {
        match &self.split {
            None => self.grid.locate(c),
            Some(s) => {
                let k = s.parts();
                format!("{} {} of the {}", s.name(), c % k, self.grid.locate(c / k))
            }
        }
    }

    /// The average of the initial condition (or exact solution) over solver cell `c` at time `t`.
    pub fn cell_average(&self, ic: &InitialCondition, c: usize, t: f64) -> State {
        match (&self.grid, &self.split) {
            (Grid::Structured(m), _) => ic.cell_average(m, c % m.nx, c / m.nx, t),
            (Grid::Triangles(m), None) => ic.triangle_average(m.cells[c].map(|v| m.vertices[v]), t),
            (Grid::Triangles(m), Some(s)) => {
                let k = s.parts();
                let tri = m.cells[c / k].map(|v| m.vertices[v]);
                match s.point(&tri, c % k) {
                    Some(x) => ic.state_at(x, t),
                    None => ic.triangle_average(s.part(&tri, c % k), t),
                }
            }
        }
    }

    /// The output subdivision of the elements, if the split has one.
    pub fn subdivision(&self) -> Option<&Subdivision> {
        self.split.as_ref().and_then(|s| s.subdivision())
    }

    /// The node positions and node states of the `elements` (whole elements' `states`, in order) under
    /// [`Cells::subdivision`], or `None` if there is none.
    pub fn subdivided(
        &self,
        elements: &[usize],
        states: &[State],
    ) -> Option<(Vec<[f64; 2]>, Vec<State>)> {
        let sub = self.subdivision()?;
        let tris = self.grid.triangles()?;
        let k = self.units_per_cell();
        let mut points = Vec::with_capacity(elements.len() * sub.nodes.len());
        let mut values = Vec::with_capacity(points.capacity());
        for (&e, parts) in elements.iter().zip(states.chunks_exact(k)) {
            let tri = tris.cells[e].map(|v| tris.vertices[v]);
            points.extend(sub.points(&tri));
            values.extend(sub.states(parts));
        }
        Some((points, values))
    }

    /// True when the solver cells are the solution points of a polynomial per element ([`Split::pointwise`]):
    /// errors are then taken of element means.
    pub fn pointwise(&self) -> bool {
        self.split.as_ref().is_some_and(|s| s.pointwise())
    }

    /// The exact average of the initial condition (or exact solution) over element `e` at time `t`.
    pub fn element_average(&self, ic: &InitialCondition, e: usize, t: f64) -> State {
        match &self.grid {
            Grid::Structured(m) => ic.cell_average(m, e % m.nx, e / m.nx, t),
            Grid::Triangles(m) => ic.triangle_average(m.cells[e].map(|v| m.vertices[v]), t),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mesh::{Diagonal, TriMesh};
    use crate::scheme::subcell::MidpointSplit;

    /// Two unequal parts: each triangle cut from its vertex 0 to the point a quarter of the way along the
    /// edge from vertex 1 to vertex 2, so the parts hold ¼ and ¾ of its area.
    #[derive(Debug)]
    struct Cut;

    impl Split for Cut {
        fn parts(&self) -> usize {
            2
        }

        fn part(&self, t: &Triangle, s: usize) -> Triangle {
            let p = [0, 1].map(|i| t[1][i] + 0.25 * (t[2][i] - t[1][i]));
            [[t[0], t[1], p], [t[0], p, t[2]]][s]
        }

        fn part_at(&self, l: [f64; 3]) -> usize {
            usize::from(l[2] > 0.25 * (l[1] + l[2]))
        }

        fn weight(&self, s: usize) -> f64 {
            [0.25, 0.75][s]
        }

        fn name(&self) -> &'static str {
            "piece"
        }
    }

    fn mesh() -> TriMesh {
        TriMesh::rectangle(
            4,
            3,
            [0.0, 2.0],
            [0.0, 1.0],
            Diagonal::Alternate,
            0.2,
            7,
            [false; 2],
        )
        .unwrap()
    }

    fn area(t: &Triangle) -> f64 {
        let (a, b) = (
            [t[1][0] - t[0][0], t[1][1] - t[0][1]],
            [t[2][0] - t[0][0], t[2][1] - t[0][1]],
        );
        0.5 * (a[0] * b[1] - a[1] * b[0]).abs()
    }

    fn centroid(t: &Triangle) -> [f64; 2] {
        [0, 1].map(|i| (t[0][i] + t[1][i] + t[2][i]) / 3.0)
    }

    /// The averages of a linear field over unequal parts give its average over the element (the value at
    /// the element's centroid) only when each part counts by its area; the plain mean of the parts is off.
    #[test]
    fn element_means_weight_unequal_parts_by_their_areas() {
        let m = mesh();
        let f = |x: [f64; 2]| -> State {
            [
                1.0 + 0.5 * x[0] - 0.3 * x[1],
                2.0 * x[1],
                -x[0],
                3.0 + x[0] * 0.1,
            ]
        };
        let cells = Cells::new(Grid::Triangles(m.clone()), Some(Arc::new(Cut))).unwrap();
        let mut parts = Vec::new();
        for (e, c) in m.cells.iter().enumerate() {
            let t: Triangle = c.map(|v| m.vertices[v]);
            for s in 0..2 {
                let p = Cut.part(&t, s);
                assert!((cells.measure(2 * e + s) - area(&p)).abs() < 1e-14 * m.area[e]);
                parts.push(f(centroid(&p)));
            }
        }
        let means = cells.element_means(&parts);
        assert_eq!(means.len(), m.n_cells());
        for (e, mean) in means.iter().enumerate() {
            let exact = f(m.centroid[e]);
            let plain: State =
                std::array::from_fn(|q| 0.5 * (parts[2 * e][q] + parts[2 * e + 1][q]));
            for q in 0..4 {
                assert!(
                    (mean[q] - exact[q]).abs() < 1e-14,
                    "element {e}: {mean:?} vs {exact:?}"
                );
            }
            assert!(
                (0..4).any(|q| (plain[q] - exact[q]).abs() > 1e-3),
                "element {e}"
            );
        }
    }

    /// With the midpoint split's equal weights the means are bit for bit `(Σₛ Wₛ)/4`, the plain mean that
    /// the output wrote before the weights.
    #[test]
    fn equal_quarters_give_the_plain_mean_bit_for_bit() {
        let m = mesh();
        let cells = Cells::new(Grid::Triangles(m.clone()), Some(Arc::new(MidpointSplit))).unwrap();
        let states: Vec<State> = (0..cells.n_cells())
            .map(|u| {
                std::array::from_fn(|q| {
                    ((u * 7 + q * 13) as f64 * 0.377).sin() * 10f64.powi(q as i32 - 2)
                })
            })
            .collect();
        for (mean, parts) in cells.element_means(&states).iter().zip(states.chunks(4)) {
            let mut sum = [0.0; 4];
            for p in parts {
                for q in 0..4 {
                    sum[q] += p[q];
                }
            }
            assert_eq!(mean.map(f64::to_bits), sum.map(|x| (x / 4.0).to_bits()));
        }
        let plain = Cells::new(Grid::Triangles(m), None).unwrap();
        assert_eq!(
            plain.element_means(&states[..12]).to_vec(),
            states[..12].to_vec()
        );
    }
}
