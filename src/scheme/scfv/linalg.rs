//! Small dense linear algebra for the SCFV precomputation (matrices of at most ~16 × 16).
//!
//! Only what the reconstruction needs, written out by hand: a row-major matrix, Householder QR with the
//! full orthogonal factor, a one-sided Jacobi SVD (rank and conditioning of the reduced least-squares
//! problem) and Gaussian elimination with full pivoting. Everything here runs once per cell at set-up.

/// A dense row-major matrix.
#[derive(Debug, Clone, PartialEq)]
pub struct Mat {
    /// Number of rows.
    pub rows: usize,
    /// Number of columns.
    pub cols: usize,
    /// Entries, row-major: `(i, j)` is at `i * cols + j`.
    pub data: Vec<f64>,
}

impl Mat {
    /// The `rows × cols` zero matrix.
    pub fn zeros(rows: usize, cols: usize) -> Self {
        Self {
            rows,
            cols,
            data: vec![0.0; rows * cols],
        }
    }

    /// The `n × n` identity.
    pub fn identity(n: usize) -> Self {
        let mut m = Self::zeros(n, n);
        for i in 0..n {
            m[(i, i)] = 1.0;
        }
        m
    }

    /// The transpose.
    pub fn transpose(&self) -> Self {
        let mut t = Self::zeros(self.cols, self.rows);
        for i in 0..self.rows {
            for j in 0..self.cols {
                t[(j, i)] = self[(i, j)];
            }
        }
        t
    }

    /// The product `self · other`.
    pub fn mul(&self, other: &Mat) -> Self {
        assert_eq!(
            self.cols, other.rows,
            "matrix product: inner dimensions differ"
        );
        let mut p = Self::zeros(self.rows, other.cols);
        for i in 0..self.rows {
            for k in 0..self.cols {
                let a = self[(i, k)];
                if a == 0.0 {
                    continue;
                }
                for j in 0..other.cols {
                    p[(i, j)] += a * other[(k, j)];
                }
            }
        }
        p
    }

    /// `self − other`.
    pub fn sub(&self, other: &Mat) -> Self {
        assert_eq!((self.rows, self.cols), (other.rows, other.cols));
        let mut d = self.clone();
        for (x, y) in d.data.iter_mut().zip(&other.data) {
            *x -= y;
        }
        d
    }

    /// This matrix with the rows of `other` (same number of columns) below it.
    pub fn stack(&self, other: &Mat) -> Self {
        assert_eq!(self.cols, other.cols, "stack: column counts differ");
        let mut data = self.data.clone();
        data.extend_from_slice(&other.data);
        Self {
            rows: self.rows + other.rows,
            cols: self.cols,
            data,
        }
    }

    /// The columns `c0..c1` as a new matrix.
    pub fn columns(&self, c0: usize, c1: usize) -> Self {
        let mut m = Self::zeros(self.rows, c1 - c0);
        for i in 0..self.rows {
            for j in c0..c1 {
                m[(i, j - c0)] = self[(i, j)];
            }
        }
        m
    }

    /// The largest absolute entry.
    pub fn max_abs(&self) -> f64 {
        self.data.iter().fold(0.0, |m, x| m.max(x.abs()))
    }
}

impl std::ops::Index<(usize, usize)> for Mat {
    type Output = f64;
    fn index(&self, (i, j): (usize, usize)) -> &f64 {
        debug_assert!(i < self.rows && j < self.cols);
        &self.data[i * self.cols + j]
    }
}

impl std::ops::IndexMut<(usize, usize)> for Mat {
    fn index_mut(&mut self, (i, j): (usize, usize)) -> &mut f64 {
        debug_assert!(i < self.rows && j < self.cols);
        &mut self.data[i * self.cols + j]
    }
}

/// Householder QR of an `m × n` matrix with `m ≥ n`: returns the full orthogonal `Q` (`m × m`) and the
/// upper-triangular `R` (`m × n`, zero below the diagonal) with `A = Q R`.
pub fn householder_qr(a: &Mat) -> (Mat, Mat) {
    let (m, n) = (a.rows, a.cols);
    assert!(m >= n, "householder_qr needs rows >= cols");
    let mut r = a.clone();
    let mut q = Mat::identity(m);
    let mut v = vec![0.0; m];
    for k in 0..n.min(m - 1) {
        let norm = (k..m).map(|i| r[(i, k)] * r[(i, k)]).sum::<f64>().sqrt();
        if norm == 0.0 {
            continue;
        }
        let alpha = if r[(k, k)] > 0.0 { -norm } else { norm };
        for i in 0..m {
            v[i] = if i < k { 0.0 } else { r[(i, k)] };
        }
        v[k] -= alpha;
        let vv = (k..m).map(|i| v[i] * v[i]).sum::<f64>();
        if vv == 0.0 {
            continue;
        }
        // R ← (I − 2vvᵀ/vᵀv) R.
        for j in k..n {
            let s = 2.0 * (k..m).map(|i| v[i] * r[(i, j)]).sum::<f64>() / vv;
            for i in k..m {
                r[(i, j)] -= s * v[i];
            }
        }
        // Q ← Q (I − 2vvᵀ/vᵀv).
        for i in 0..m {
            let s = 2.0 * (k..m).map(|l| q[(i, l)] * v[l]).sum::<f64>() / vv;
            for l in k..m {
                q[(i, l)] -= s * v[l];
            }
        }
        for i in k + 1..m {
            r[(i, k)] = 0.0;
        }
    }
    (q, r)
}

/// Thin singular value decomposition `A = U diag(s) Vᵀ` of an `m × n` matrix with `m ≥ n` by one-sided
/// Jacobi rotations: `U` is `m × n`, `s` has `n` non-negative entries (not sorted), `V` is `n × n`.
/// Columns of `U` belonging to zero singular values are zero.
///
/// The rotations act on whole columns, so the columns of `U` and `V` are kept contiguous while they run
/// (the sums and rotations are those of the textbook row-major loop, term by term: the same bits).
pub fn jacobi_svd(a: &Mat) -> (Mat, Vec<f64>, Mat) {
    let (m, n) = (a.rows, a.cols);
    assert!(m >= n, "jacobi_svd needs rows >= cols");
    let mut u = a.transpose().data;
    let mut v = Mat::identity(n).data;
    for _sweep in 0..60 {
        let mut rotated = false;
        for p in 0..n {
            for q in p + 1..n {
                let (up, uq) = column_pair(&mut u, m, p, q);
                let (mut alpha, mut beta, mut gamma) = (0.0, 0.0, 0.0);
                for (x, y) in up.iter().zip(uq.iter()) {
                    alpha += x * x;
                    beta += y * y;
                    gamma += x * y;
                }
                if gamma == 0.0 || gamma.abs() <= 1e-15 * (alpha * beta).sqrt() {
                    continue;
                }
                rotated = true;
                let zeta = (beta - alpha) / (2.0 * gamma);
                let t = zeta.signum() / (zeta.abs() + (1.0 + zeta * zeta).sqrt());
                let t = if zeta == 0.0 { 1.0 } else { t };
                let c = 1.0 / (1.0 + t * t).sqrt();
                let s = c * t;
                rotate(up, uq, c, s);
                let (vp, vq) = column_pair(&mut v, n, p, q);
                rotate(vp, vq, c, s);
            }
        }
        if !rotated {
            break;
        }
    }
    let mut s = vec![0.0; n];
    for (sj, col) in s.iter_mut().zip(u.chunks_exact_mut(m)) {
        let norm = col.iter().map(|x| x * x).sum::<f64>().sqrt();
        *sj = norm;
        for x in col.iter_mut() {
            *x = if norm > 0.0 { *x / norm } else { 0.0 };
        }
    }
    let columns = |data: Vec<f64>, rows: usize| {
        Mat {
            rows: n,
            cols: rows,
            data,
        }
        .transpose()
    };
    (columns(u, m), s, columns(v, n))
}

/// Columns `p < q` (each `len` long) of a column-major array, both mutable.
fn column_pair(a: &mut [f64], len: usize, p: usize, q: usize) -> (&mut [f64], &mut [f64]) {
    let (head, tail) = a.split_at_mut(q * len);
    (&mut head[p * len..(p + 1) * len], &mut tail[..len])
}

/// The plane rotation `(x, y) ← (c x − s y, s x + c y)` of two columns.
fn rotate(xs: &mut [f64], ys: &mut [f64], c: f64, s: f64) {
    for (x, y) in xs.iter_mut().zip(ys.iter_mut()) {
        let (a, b) = (*x, *y);
        *x = c * a - s * b;
        *y = s * a + c * b;
    }
}

/// Moore–Penrose pseudo-inverse (`n × m`) of an `m × n` matrix (`m ≥ n`) from its SVD, together with the
/// ratio `σ_min / σ_max` (0 for a zero matrix). Singular values below `rcond · σ_max` are treated as zero.
pub fn pseudo_inverse(a: &Mat, rcond: f64) -> (Mat, f64) {
    let (u, s, v) = jacobi_svd(a);
    let smax = s.iter().fold(0.0, |m: f64, &x| m.max(x));
    let smin = s.iter().fold(f64::INFINITY, |m: f64, &x| m.min(x));
    let mut p = Mat::zeros(a.cols, a.rows);
    for (k, &sk) in s.iter().enumerate() {
        if sk <= rcond * smax || sk == 0.0 {
            continue;
        }
        for i in 0..a.cols {
            let vik = v[(i, k)] / sk;
            for j in 0..a.rows {
                p[(i, j)] += vik * u[(j, k)];
            }
        }
    }
    let ratio = if smax > 0.0 { smin / smax } else { 0.0 };
    (p, ratio)
}

/// Solves `A X = B` (`A` square) by Gaussian elimination with full pivoting. Returns `None` if a pivot is
/// below `tol · max|A|`.
pub fn solve_full_pivot(a: &Mat, b: &Mat, tol: f64) -> Option<Mat> {
    let n = a.rows;
    assert_eq!(a.cols, n, "solve_full_pivot needs a square matrix");
    assert_eq!(b.rows, n);
    let mut a = a.clone();
    let mut b = b.clone();
    let scale = a.max_abs();
    if scale == 0.0 {
        return None;
    }
    let mut col_perm: Vec<usize> = (0..n).collect();
    for k in 0..n {
        let (mut pi, mut pj, mut best) = (k, k, -1.0);
        for i in k..n {
            for j in k..n {
                if a[(i, j)].abs() > best {
                    best = a[(i, j)].abs();
                    pi = i;
                    pj = j;
                }
            }
        }
        if best <= tol * scale {
            return None;
        }
        if pi != k {
            for j in 0..n {
                a.data.swap(k * n + j, pi * n + j);
            }
            for j in 0..b.cols {
                b.data.swap(k * b.cols + j, pi * b.cols + j);
            }
        }
        if pj != k {
            for i in 0..n {
                a.data.swap(i * n + k, i * n + pj);
            }
            col_perm.swap(k, pj);
        }
        let piv = a[(k, k)];
        for i in k + 1..n {
            let f = a[(i, k)] / piv;
            if f == 0.0 {
                continue;
            }
            for j in k..n {
                a[(i, j)] -= f * a[(k, j)];
            }
            for j in 0..b.cols {
                b[(i, j)] -= f * b[(k, j)];
            }
        }
    }
    // Back substitution for the permuted unknowns.
    let mut y = Mat::zeros(n, b.cols);
    for c in 0..b.cols {
        for i in (0..n).rev() {
            let mut s = b[(i, c)];
            for j in i + 1..n {
                s -= a[(i, j)] * y[(j, c)];
            }
            y[(i, c)] = s / a[(i, i)];
        }
    }
    let mut x = Mat::zeros(n, b.cols);
    for (k, &orig) in col_perm.iter().enumerate() {
        for c in 0..b.cols {
            x[(orig, c)] = y[(k, c)];
        }
    }
    Some(x)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pseudo_random(n: usize, seed: u64) -> Vec<f64> {
        let mut s = seed;
        (0..n)
            .map(|_| {
                s = s
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                ((s >> 11) as f64 / (1u64 << 53) as f64) * 2.0 - 1.0
            })
            .collect()
    }

    fn mat(rows: usize, cols: usize, seed: u64) -> Mat {
        Mat {
            rows,
            cols,
            data: pseudo_random(rows * cols, seed),
        }
    }

    #[test]
    fn qr_reconstructs_and_is_orthogonal() {
        let a = mat(10, 4, 7);
        let (q, r) = householder_qr(&a);
        assert!(q.mul(&r).sub(&a).max_abs() < 1e-13);
        assert!(q.transpose().mul(&q).sub(&Mat::identity(10)).max_abs() < 1e-13);
        for i in 0..10 {
            for j in 0..i.min(4) {
                assert_eq!(r[(i, j)], 0.0);
            }
        }
    }

    #[test]
    fn svd_reconstructs() {
        let a = mat(12, 6, 3);
        let (u, s, v) = jacobi_svd(&a);
        let mut us = u.clone();
        for i in 0..12 {
            for j in 0..6 {
                us[(i, j)] *= s[j];
            }
        }
        assert!(us.mul(&v.transpose()).sub(&a).max_abs() < 1e-13);
        let (p, ratio) = pseudo_inverse(&a, 1e-12);
        assert!(ratio > 0.0);
        assert!(p.mul(&a).sub(&Mat::identity(6)).max_abs() < 1e-12);
    }

    #[test]
    fn full_pivot_solves() {
        let a = mat(7, 7, 11);
        let b = mat(7, 2, 5);
        let x = solve_full_pivot(&a, &b, 1e-14).unwrap();
        assert!(a.mul(&x).sub(&b).max_abs() < 1e-12);
        assert!(solve_full_pivot(&Mat::zeros(3, 3), &mat(3, 1, 1), 1e-14).is_none());
    }
}
