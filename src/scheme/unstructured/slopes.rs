//! The least-squares gradients and the slope limiter shared by the second-order triangle scheme and the
//! subcells of CPR-GKS.

/// The normal matrix `Σ d dᵀ` of a unit-weight least-squares gradient over the centroid offsets `d` of a
/// stencil: the gradient is `Σ_d w(d)·(u_d − u_0)` with the weights [`LeastSquares::weight`].
#[derive(Debug, Clone, Copy)]
pub struct LeastSquares {
    a11: f64,
    a12: f64,
    a22: f64,
    /// `det Σ d dᵀ`: zero (or tiny) when the offsets lie on a line.
    pub det: f64,
}

impl LeastSquares {
    /// The normal matrix of the offsets `ds`.
    pub fn new(ds: &[[f64; 2]]) -> Self {
        let (mut a11, mut a12, mut a22) = (0.0, 0.0, 0.0);
        for d in ds {
            a11 += d[0] * d[0];
            a12 += d[0] * d[1];
            a22 += d[1] * d[1];
        }
        LeastSquares {
            a11,
            a12,
            a22,
            det: a11 * a22 - a12 * a12,
        }
    }

    /// The weight `(Σ d dᵀ)⁻¹ d` of the neighbour at offset `d`.
    #[inline]
    pub fn weight(&self, d: [f64; 2]) -> [f64; 2] {
        [
            (self.a22 * d[0] - self.a12 * d[1]) / self.det,
            (-self.a12 * d[0] + self.a11 * d[1]) / self.det,
        ]
    }
}

/// Venkatakrishnan's limiting factor for one evaluation point of a cell: `d2` the change the gradient makes
/// from the cell average to the point, `dlo`, `dhi` the distances from the average down to the smallest
/// and up to the largest of the stencil's averages (`dlo ≤ 0 ≤ dhi`), `eps2 = (K h)³` the smoothing that
/// leaves small, smooth variations unlimited. 1 when `d2` is 0.
#[inline]
pub fn venkatakrishnan(dlo: f64, dhi: f64, d2: f64, eps2: f64) -> f64 {
    let d1 = if d2 > 0.0 {
        dhi
    } else if d2 < 0.0 {
        dlo
    } else {
        return 1.0;
    };
    (d1 * d1 + eps2 + 2.0 * d1 * d2) / (d1 * d1 + 2.0 * d2 * d2 + d1 * d2 + eps2)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_to_the_bounds_without_smoothing_and_leaves_flat_data() {
        // Without ε the limited change never overshoots the bound: φ·d2 ≤ d1.
        for (d1, d2) in [(1.0, 0.5), (1.0, 1.0), (1.0, 3.0), (0.1, 10.0)] {
            let phi = venkatakrishnan(-1.0, d1, d2, 0.0);
            assert!(phi * d2 <= d1 + 1e-15 && phi > 0.0, "{d1} {d2}: {phi}");
            let phi = venkatakrishnan(-d1, 1.0, -d2, 0.0);
            assert!(phi * d2 <= d1 + 1e-15, "{d1} {d2}: {phi}");
        }
        assert_eq!(venkatakrishnan(0.0, 0.0, 0.0, 0.0), 1.0);
        // A local extremum (bound 0 in the gradient's direction) gets no slope.
        assert_eq!(venkatakrishnan(-1.0, 0.0, 0.3, 0.0), 0.0);
    }
}
