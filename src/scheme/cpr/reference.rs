//! placeholder until the helper's module lands
use std::sync::Arc;
/// x
pub struct Reference {
    /// x
    pub degree: usize,
    /// x
    pub np: usize,
    /// x
    pub nfe: usize,
    /// x
    pub points: Vec<[f64; 2]>,
    /// x
    pub edge_t: Vec<f64>,
    /// x
    pub edge_w: Vec<f64>,
    /// x
    pub interp: Vec<f64>,
    /// x
    pub interp_dr: Vec<f64>,
    /// x
    pub interp_ds: Vec<f64>,
    /// x
    pub dr: Vec<f64>,
    /// x
    pub ds: Vec<f64>,
    /// x
    pub lift: Vec<f64>,
    /// x
    pub mean_weights: Vec<f64>,
    /// x
    pub lebesgue: f64,
}
impl Reference {
    /// x
    pub fn cached(_p: usize) -> Result<Arc<Reference>, String> {
        todo!()
    }
}
