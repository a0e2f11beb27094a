//! Subcell geometry of a main triangle and triangle/segment quadrature.
//!
//! Conventions (the same as the triangle mesh: vertices `v0, v1, v2`, counter-clockwise preferred,
//! main edge `e` runs from `v_e` to `v_{e+1}`, indices mod 3; `m_e` is the midpoint of edge `e`):
//!
//! * **Subcells** (control volumes, CVs), all of area `|T|/4` and with the orientation of `T`:
//!   * `k = 0, 1, 2`: the corner subcell at vertex `k`, triangle `(v_k, m_k, m_{k+2})`
//!     (`m_{k+2}` is the midpoint of the edge `(v_{k+2}, v_k)` that ends at `v_k`);
//!   * `3`: the middle subcell, triangle `(m_0, m_1, m_2)`.
//! * **Subcell faces** (9), in this order:
//!   * `k = 0, 1, 2` — interior face between the middle subcell 3 and corner subcell `k`: segment
//!     `m_{k+2} → m_k`, unit normal pointing from the middle subcell into corner subcell `k`;
//!   * `3 + 2e + j` (`e = 0, 1, 2`, `j = 0, 1`) — half `j` of main edge `e`: `j = 0` is `v_e → m_e`
//!     (inside corner subcell `e`), `j = 1` is `m_e → v_{e+1}` (inside corner subcell `e + 1`); unit normal
//!     pointing out of the main triangle. In a conforming mesh whose neighbour across edge `e` is also
//!     stored counter-clockwise, the neighbour traverses the shared edge the other way, so half `j` of
//!     this cell coincides with half `1 − j` of the neighbour's matching edge.

use super::ScfvError;

/// A point or vector in the plane.
pub type Point = [f64; 2];

/// A triangle given by its three vertices.
pub type Triangle = [Point; 3];

/// Number of subcells per main triangle.
pub const N_SUBCELLS: usize = 4;

/// Number of subcell faces per main triangle (3 interior + 6 boundary half-edges).
pub const N_SUBFACES: usize = 9;

/// Index of the middle subcell.
pub const MIDDLE: usize = 3;

/// Signed area (positive for counter-clockwise vertices).
pub fn signed_area(t: &Triangle) -> f64 {
    0.5 * ((t[1][0] - t[0][0]) * (t[2][1] - t[0][1]) - (t[2][0] - t[0][0]) * (t[1][1] - t[0][1]))
}

/// Area (absolute value of [`signed_area`]).
pub fn area(t: &Triangle) -> f64 {
    signed_area(t).abs()
}

/// Centroid (vertex mean).
pub fn centroid(t: &Triangle) -> Point {
    [
        (t[0][0] + t[1][0] + t[2][0]) / 3.0,
        (t[0][1] + t[1][1] + t[2][1]) / 3.0,
    ]
}

/// Midpoint of two points.
pub fn midpoint(a: Point, b: Point) -> Point {
    [0.5 * (a[0] + b[0]), 0.5 * (a[1] + b[1])]
}

/// Checks that a triangle is finite and not degenerate: its area must exceed `1e-12 · (longest edge)²`.
pub fn check_triangle(t: &Triangle) -> Result<(), ScfvError> {
    if t.iter().flatten().any(|x| !x.is_finite()) {
        return Err(ScfvError::Degenerate {
            what: "triangle with non-finite coordinates",
        });
    }
    let longest = (0..3)
        .map(|k| {
            let (a, b) = (t[k], t[(k + 1) % 3]);
            (b[0] - a[0]).hypot(b[1] - a[1])
        })
        .fold(0.0, f64::max);
    if area(t) <= 1e-12 * longest * longest {
        return Err(ScfvError::Degenerate {
            what: "triangle with (nearly) zero area",
        });
    }
    Ok(())
}

/// The four subcell triangles in the documented order (corners 0, 1, 2, then the middle one).
pub fn subcells(t: &Triangle) -> [Triangle; N_SUBCELLS] {
    let m = [
        midpoint(t[0], t[1]),
        midpoint(t[1], t[2]),
        midpoint(t[2], t[0]),
    ];
    [
        [t[0], m[0], m[2]],
        [t[1], m[1], m[0]],
        [t[2], m[2], m[1]],
        [m[0], m[1], m[2]],
    ]
}

/// Areas of the four subcells (each exactly a quarter of the main area).
pub fn subcell_areas(t: &Triangle) -> [f64; N_SUBCELLS] {
    subcells(t).map(|s| area(&s))
}

/// Centroids of the four subcells (the middle one's is the main centroid).
pub fn subcell_centroids(t: &Triangle) -> [Point; N_SUBCELLS] {
    subcells(t).map(|s| centroid(&s))
}

/// What lies on the far side of a subcell face (seen from its inner subcell).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FaceSide {
    /// Another subcell of the same main triangle.
    Subcell(usize),
    /// The main triangle's edge `edge`, half `half` (0 next to `v_edge`, 1 next to `v_{edge+1}`).
    MainEdge {
        /// Main edge index.
        edge: usize,
        /// Which half of the edge.
        half: usize,
    },
}

/// One subcell face.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SubFace {
    /// Start point.
    pub a: Point,
    /// End point.
    pub b: Point,
    /// The subcell the normal points out of (the middle subcell for interior faces, the corner subcell
    /// for boundary half-edges).
    pub inner: usize,
    /// What the normal points into.
    pub outer: FaceSide,
    /// Unit normal, from `inner` to `outer`.
    pub normal: Point,
    /// Length.
    pub length: f64,
}

/// Unit normal of segment `a → b` pointing to the side away from `inside` (a point off the segment).
fn normal_away_from(a: Point, b: Point, inside: Point) -> (Point, f64) {
    let (dx, dy) = (b[0] - a[0], b[1] - a[1]);
    let len = dx.hypot(dy);
    let mut n = [dy / len, -dx / len];
    let mid = midpoint(a, b);
    if n[0] * (inside[0] - mid[0]) + n[1] * (inside[1] - mid[1]) > 0.0 {
        n = [-n[0], -n[1]];
    }
    (n, len)
}

/// The nine subcell faces in the documented order (3 interior faces, then 2 halves of each main edge).
pub fn subfaces(t: &Triangle) -> [SubFace; N_SUBFACES] {
    let m = [
        midpoint(t[0], t[1]),
        midpoint(t[1], t[2]),
        midpoint(t[2], t[0]),
    ];
    let c = centroid(t);
    let face = |a: Point, b: Point, inner: usize, outer: FaceSide, inside: Point| {
        let (normal, length) = normal_away_from(a, b, inside);
        SubFace {
            a,
            b,
            inner,
            outer,
            normal,
            length,
        }
    };
    let mut out = [face(m[2], m[0], MIDDLE, FaceSide::Subcell(0), c); N_SUBFACES];
    for k in 0..3 {
        out[k] = face(m[(k + 2) % 3], m[k], MIDDLE, FaceSide::Subcell(k), c);
    }
    for e in 0..3 {
        let (va, vb) = (t[e], t[(e + 1) % 3]);
        out[3 + 2 * e] = face(va, m[e], e, FaceSide::MainEdge { edge: e, half: 0 }, c);
        out[3 + 2 * e + 1] = face(
            m[e],
            vb,
            (e + 1) % 3,
            FaceSide::MainEdge { edge: e, half: 1 },
            c,
        );
    }
    out
}

/// Gauss–Legendre points (`n = 1..=4`) on segment `a → b`: points and weights normalised to sum to 1.
pub fn segment_gauss(a: Point, b: Point, n: usize) -> Vec<(Point, f64)> {
    let (nodes, weights): (&[f64], &[f64]) = match n {
        1 => (&[0.0], &[2.0]),
        2 => {
            const R: f64 = 0.577_350_269_189_625_8; // 1/√3
            (&[-R, R], &[1.0, 1.0])
        }
        3 => {
            const R: f64 = 0.774_596_669_241_483_4; // √(3/5)
            (&[-R, 0.0, R], &[5.0 / 9.0, 8.0 / 9.0, 5.0 / 9.0])
        }
        4 => (
            &[
                -0.861_136_311_594_052_6,
                -0.339_981_043_584_856_3,
                0.339_981_043_584_856_3,
                0.861_136_311_594_052_6,
            ],
            &[
                0.347_854_845_137_453_9,
                0.652_145_154_862_546_1,
                0.652_145_154_862_546_1,
                0.347_854_845_137_453_9,
            ],
        ),
        _ => panic!("segment_gauss: n = {n} not in 1..=4"),
    };
    nodes
        .iter()
        .zip(weights)
        .map(|(&s, &w)| {
            let t = 0.5 * (s + 1.0);
            (
                [a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1])],
                0.5 * w,
            )
        })
        .collect()
}

/// A 7-point triangle rule exact for polynomials of degree ≤ 5 (Radon; Dunavant degree 5), in
/// barycentric coordinates with weights summing to 1.
pub fn triangle_rule_deg5() -> [([f64; 3], f64); 7] {
    let s15 = 15f64.sqrt();
    let (a1, b1) = ((6.0 - s15) / 21.0, (9.0 + 2.0 * s15) / 21.0);
    let (a2, b2) = ((6.0 + s15) / 21.0, (9.0 - 2.0 * s15) / 21.0);
    let (w1, w2) = ((155.0 - s15) / 1200.0, (155.0 + s15) / 1200.0);
    [
        ([1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0], 9.0 / 40.0),
        ([a1, a1, b1], w1),
        ([a1, b1, a1], w1),
        ([b1, a1, a1], w1),
        ([a2, a2, b2], w2),
        ([a2, b2, a2], w2),
        ([b2, a2, a2], w2),
    ]
}

/// The average of `f` over a triangle by [`triangle_rule_deg5`] (exact for degree ≤ 5).
pub fn triangle_average(t: &Triangle, mut f: impl FnMut(Point) -> f64) -> f64 {
    triangle_rule_deg5()
        .iter()
        .map(|(l, w)| {
            let p = [
                l[0] * t[0][0] + l[1] * t[1][0] + l[2] * t[2][0],
                l[0] * t[0][1] + l[1] * t[1][1] + l[2] * t[2][1],
            ];
            w * f(p)
        })
        .sum()
}
