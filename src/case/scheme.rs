//! `[scheme]`: the spatial scheme, tagged by `kind`, each kind with its own keys.
//!
//! The table is first read into [`SchemeTable`], which holds every key of every kind as an option, so that
//! an unknown name or a value of the wrong type is reported by serde with its dotted key and line like
//! any other key; then it is checked against its kind. A key of another kind is an error that names the
//! key, the kind and the kind's keys ([`ForeignKey`]); a missing key takes its default.

use serde::{Deserialize, Serialize};

use super::{invalid, positive, Invalid};

/// Spatial scheme kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SchemeKind {
    /// Fifth-order WENO reconstruction on structured meshes (WENO5-GKS).
    Weno5,
    /// Second-order least-squares reconstruction with a limiter on triangles.
    SecondOrder,
    /// Fourth-order compact subcell finite volumes on triangles (SCFV-GKS).
    Scfv,
    /// Correction procedure via reconstruction of degree `p` on triangles (CPR-GKS).
    Cpr,
}

impl SchemeKind {
    /// The kind's name in case files.
    pub fn name(self) -> &'static str {
        match self {
            SchemeKind::Weno5 => "weno5",
            SchemeKind::SecondOrder => "second_order",
            SchemeKind::Scfv => "scfv",
            SchemeKind::Cpr => "cpr",
        }
    }

    /// True for the schemes on triangle meshes.
    pub fn on_triangles(self) -> bool {
        !matches!(self, SchemeKind::Weno5)
    }

    /// The keys of `[scheme]` besides `kind` that this kind takes (the fields of its section struct).
    pub fn keys(self) -> &'static [&'static str] {
        match self {
            SchemeKind::Weno5 => &["weno", "variables", "gauss_points", "epsilon"],
            SchemeKind::SecondOrder => &["limiter", "limiter_k"],
            SchemeKind::Scfv => &["variables", "limiter"],
            SchemeKind::Cpr => &["degree", "limiter", "threshold"],
        }
    }
}

/// WENO weight variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WenoVariant {
    /// Jiang–Shu weights.
    Js,
    /// Borges et al. WENO-Z weights.
    Z,
    /// The optimal linear weights (fifth-order upwind; smooth problems only, no shock capturing).
    Linear,
}

/// Reconstruction variables.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Variables {
    /// Conservative variables (cheapest; for smooth problems).
    Conservative,
    /// Characteristic variables of the face-normal Jacobian (for strong discontinuities).
    Characteristic,
}

/// `[scheme]` with `kind = "weno5"`: WENO5-GKS on rectangles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Weno5Section {
    /// WENO weights, `js`, `z` or `linear` (default `js`).
    pub weno: WenoVariant,
    /// Reconstruction variables (default `characteristic`).
    pub variables: Variables,
    /// Gauss points per face, 2 or 3 (default 3).
    pub gauss_points: usize,
    /// ε of the WENO weights (default 1e-6).
    pub epsilon: f64,
}

impl Default for Weno5Section {
    fn default() -> Self {
        Weno5Section {
            weno: WenoVariant::Js,
            variables: Variables::Characteristic,
            gauss_points: 3,
            epsilon: 1e-6,
        }
    }
}

/// `[scheme]` with `kind = "second_order"`: least-squares gradients with the Venkatakrishnan limiter on
/// triangles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SecondOrderSection {
    /// Limit the reconstruction (default true).
    pub limiter: bool,
    /// The constant K of the Venkatakrishnan limiter, ε² = (K h)³ (default 5).
    pub limiter_k: f64,
}

impl Default for SecondOrderSection {
    fn default() -> Self {
        SecondOrderSection {
            limiter: true,
            limiter_k: 5.0,
        }
    }
}

/// `[scheme]` with `kind = "scfv"`: SCFV-GKS on triangles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ScfvSection {
    /// Limit in `conservative` or `characteristic` variables (default `characteristic`).
    pub variables: Variables,
    /// Limit the subcell reconstruction (WENO-type blend; default true).
    pub limiter: bool,
}

impl Default for ScfvSection {
    fn default() -> Self {
        ScfvSection {
            variables: Variables::Characteristic,
            limiter: true,
        }
    }
}

/// `[scheme]` with `kind = "cpr"`: CPR-GKS on triangles.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CprSection {
    /// Polynomial degree p, 1 to 5 (default 3).
    pub degree: usize,
    /// Update troubled elements by subcell finite volumes (default true).
    pub limiter: bool,
    /// Threshold of the troubled-cell indicator, the top-degree fraction of the modal energy of `ρp`,
    /// between 0 and 1 (default: `0.5·10^(−1.8 (p+1)^¼)`, 1.4e−3 for p = 3).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
}

impl Default for CprSection {
    fn default() -> Self {
        CprSection {
            degree: 3,
            limiter: true,
            threshold: None,
        }
    }
}

/// `[scheme]`: the spatial discretisation and its parameters (`kind` defaults to `weno5`).
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(try_from = "SchemeTable", tag = "kind", rename_all = "snake_case")]
pub enum SchemeSection {
    /// `kind = "weno5"`.
    Weno5(Weno5Section),
    /// `kind = "second_order"`.
    SecondOrder(SecondOrderSection),
    /// `kind = "scfv"`.
    Scfv(ScfvSection),
    /// `kind = "cpr"`.
    Cpr(CprSection),
}

impl Default for SchemeSection {
    fn default() -> Self {
        SchemeSection::Weno5(Weno5Section::default())
    }
}

/// A key of `[scheme]` that the table's kind does not take.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "scheme.{key} is not a parameter of scheme \"{}\" (its parameters: {})",
    kind.name(),
    kind.keys().join(", ")
)]
pub struct ForeignKey {
    /// The key, without `scheme.`.
    pub key: &'static str,
    /// The kind of the table.
    pub kind: SchemeKind,
}

/// `[scheme]` as written: every key of every kind, each optional.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemeTable {
    kind: Option<SchemeKind>,
    weno: Option<WenoVariant>,
    variables: Option<Variables>,
    gauss_points: Option<usize>,
    epsilon: Option<f64>,
    limiter: Option<bool>,
    limiter_k: Option<f64>,
    degree: Option<usize>,
    threshold: Option<f64>,
}

impl TryFrom<SchemeTable> for SchemeSection {
    type Error = ForeignKey;

    fn try_from(t: SchemeTable) -> Result<Self, ForeignKey> {
        let kind = t.kind.unwrap_or(SchemeKind::Weno5);
        let given = [
            ("weno", t.weno.is_some()),
            ("variables", t.variables.is_some()),
            ("gauss_points", t.gauss_points.is_some()),
            ("epsilon", t.epsilon.is_some()),
            ("limiter", t.limiter.is_some()),
            ("limiter_k", t.limiter_k.is_some()),
            ("degree", t.degree.is_some()),
            ("threshold", t.threshold.is_some()),
        ];
        if let Some(&(key, _)) = given
            .iter()
            .find(|(key, set)| *set && !kind.keys().contains(key))
        {
            return Err(ForeignKey { key, kind });
        }
        Ok(match kind {
            SchemeKind::Weno5 => {
                let d = Weno5Section::default();
                SchemeSection::Weno5(Weno5Section {
                    weno: t.weno.unwrap_or(d.weno),
                    variables: t.variables.unwrap_or(d.variables),
                    gauss_points: t.gauss_points.unwrap_or(d.gauss_points),
                    epsilon: t.epsilon.unwrap_or(d.epsilon),
                })
            }
            SchemeKind::SecondOrder => {
                let d = SecondOrderSection::default();
                SchemeSection::SecondOrder(SecondOrderSection {
                    limiter: t.limiter.unwrap_or(d.limiter),
                    limiter_k: t.limiter_k.unwrap_or(d.limiter_k),
                })
            }
            SchemeKind::Scfv => {
                let d = ScfvSection::default();
                SchemeSection::Scfv(ScfvSection {
                    variables: t.variables.unwrap_or(d.variables),
                    limiter: t.limiter.unwrap_or(d.limiter),
                })
            }
            SchemeKind::Cpr => {
                let d = CprSection::default();
                SchemeSection::Cpr(CprSection {
                    degree: t.degree.unwrap_or(d.degree),
                    limiter: t.limiter.unwrap_or(d.limiter),
                    threshold: t.threshold.or(d.threshold),
                })
            }
        })
    }
}

impl SchemeSection {
    /// The kind of scheme.
    pub fn kind(&self) -> SchemeKind {
        match self {
            SchemeSection::Weno5(_) => SchemeKind::Weno5,
            SchemeSection::SecondOrder(_) => SchemeKind::SecondOrder,
            SchemeSection::Scfv(_) => SchemeKind::Scfv,
            SchemeSection::Cpr(_) => SchemeKind::Cpr,
        }
    }

    /// Checks the values of the kind's keys.
    pub(super) fn validate(&self) -> Result<(), Invalid> {
        match self {
            SchemeSection::Weno5(s) => {
                if !(s.gauss_points == 2 || s.gauss_points == 3) {
                    return Err(invalid("scheme.gauss_points", "expected 2 or 3"));
                }
                positive("scheme.epsilon", s.epsilon)
            }
            SchemeSection::SecondOrder(s) => {
                if !(s.limiter_k.is_finite() && s.limiter_k > 0.0) {
                    return Err(invalid("scheme.limiter_k", "expected K > 0"));
                }
                Ok(())
            }
            SchemeSection::Scfv(_) => Ok(()),
            SchemeSection::Cpr(s) => {
                if !(1..=crate::scheme::cpr::MAX_DEGREE).contains(&s.degree) {
                    return Err(invalid(
                        "scheme.degree",
                        format!(
                            "expected a degree from 1 to {}",
                            crate::scheme::cpr::MAX_DEGREE
                        ),
                    ));
                }
                match s.threshold {
                    Some(t) if !(t > 0.0 && t < 1.0) => Err(invalid(
                        "scheme.threshold",
                        "expected a fraction of the modal energy between 0 and 1",
                    )),
                    _ => Ok(()),
                }
            }
        }
    }
}

/// Drops from a `[scheme]` table the keys its kind does not take (tables written out before `[scheme]` was
/// tagged by kind, as in older restart files, hold every key of every kind; the others never changed a
/// run). A table without a valid kind is left as it is.
pub fn drop_foreign_keys(table: &mut toml::Table) {
    let kind = match table.get("kind") {
        Some(k) => k.clone().try_into::<SchemeKind>().ok(),
        None => Some(SchemeKind::Weno5),
    };
    if let Some(kind) = kind {
        table.retain(|k, _| k == "kind" || kind.keys().contains(&k));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const KINDS: [SchemeKind; 4] = [
        SchemeKind::Weno5,
        SchemeKind::SecondOrder,
        SchemeKind::Scfv,
        SchemeKind::Cpr,
    ];

    fn parse(text: &str) -> Result<SchemeSection, String> {
        toml::from_str::<SchemeSection>(text).map_err(|e| e.message().to_string())
    }

    #[test]
    fn kind_defaults_to_weno5_and_every_key_to_todays_default() {
        assert_eq!(parse("").unwrap(), SchemeSection::default());
        let SchemeSection::Weno5(w) = parse("").unwrap() else {
            panic!("not weno5")
        };
        assert_eq!(
            (w.weno, w.variables, w.gauss_points, w.epsilon),
            (WenoVariant::Js, Variables::Characteristic, 3, 1e-6)
        );
        assert_eq!(
            parse("kind = \"second_order\"").unwrap(),
            SchemeSection::SecondOrder(SecondOrderSection {
                limiter: true,
                limiter_k: 5.0
            })
        );
        assert_eq!(
            parse("kind = \"scfv\"").unwrap(),
            SchemeSection::Scfv(ScfvSection {
                variables: Variables::Characteristic,
                limiter: true
            })
        );
        let s = parse("limiter_k = 2.5\nkind = \"second_order\"\nlimiter = false").unwrap();
        assert_eq!(
            s,
            SchemeSection::SecondOrder(SecondOrderSection {
                limiter: false,
                limiter_k: 2.5
            })
        );
    }

    #[test]
    fn a_key_of_another_kind_names_the_key_and_the_kind() {
        assert_eq!(
            parse("kind = \"scfv\"\nweno = \"z\"").unwrap_err(),
            "scheme.weno is not a parameter of scheme \"scfv\" (its parameters: variables, limiter)"
        );
        assert_eq!(
            parse("variables = \"conservative\"\nkind = \"second_order\"").unwrap_err(),
            "scheme.variables is not a parameter of scheme \"second_order\" (its parameters: limiter, \
             limiter_k)"
        );
        let e = parse("limiter = false").unwrap_err();
        assert!(
            e.starts_with("scheme.limiter is not a parameter of scheme \"weno5\""),
            "{e}"
        );
        for kind in KINDS {
            let others = KINDS
                .iter()
                .flat_map(|k| k.keys())
                .filter(|k| !kind.keys().contains(k));
            for key in others {
                let text = format!("kind = \"{}\"\n{key} = {}", kind.name(), value_of(key));
                let e = parse(&text).unwrap_err();
                assert_eq!(e, ForeignKey { key, kind }.to_string());
            }
        }
    }

    /// A value of the right type for every key.
    fn value_of(key: &str) -> &'static str {
        match key {
            "weno" => "\"z\"",
            "variables" => "\"conservative\"",
            "gauss_points" => "2",
            "epsilon" | "limiter_k" => "1.0",
            "threshold" => "0.01",
            "limiter" => "false",
            "degree" => "2",
            _ => panic!("unknown key {key}"),
        }
    }

    #[test]
    fn unknown_keys_and_wrong_types_stay_serde_errors() {
        let e = parse("kind = \"scfv\"\norder = 4").unwrap_err();
        assert!(e.contains("unknown field `order`"), "{e}");
        let e = parse("kind = \"scfv\"\nlimiter = 1").unwrap_err();
        assert!(e.contains("invalid type"), "{e}");
        let e = parse("kind = \"dg\"").unwrap_err();
        assert!(e.contains("unknown variant `dg`"), "{e}");
    }

    /// Each kind's key list is exactly its section's fields, and a section written out reads back equal.
    #[test]
    fn keys_match_the_sections_and_round_trip() {
        let sections = [
            SchemeSection::default(),
            SchemeSection::SecondOrder(SecondOrderSection::default()),
            SchemeSection::Scfv(ScfvSection {
                variables: Variables::Conservative,
                limiter: false,
            }),
            SchemeSection::Cpr(CprSection {
                degree: 4,
                limiter: false,
                threshold: Some(0.01),
            }),
        ];
        for s in sections {
            let text = toml::to_string(&s).unwrap();
            let table: toml::Table = toml::from_str(&text).unwrap();
            let mut keys: Vec<&str> = table.keys().map(String::as_str).collect();
            let mut want = s.kind().keys().to_vec();
            want.push("kind");
            keys.sort_unstable();
            want.sort_unstable();
            assert_eq!(keys, want, "{text}");
            assert_eq!(table["kind"].as_str(), Some(s.kind().name()));
            assert_eq!(parse(&text).unwrap(), s);
        }
    }

    /// The `[scheme]` table every case wrote before it was tagged by kind reduces to today's.
    #[test]
    fn old_flat_tables_reduce_to_their_kind() {
        for kind in KINDS {
            let old = format!(
                "kind = \"{}\"\nweno = \"js\"\nvariables = \"characteristic\"\ngauss_points = 3\n\
                 epsilon = 1e-6\nlimiter = true\nlimiter_k = 5.0\ndegree = 3\n",
                kind.name()
            );
            let mut t: toml::Table = toml::from_str(&old).unwrap();
            drop_foreign_keys(&mut t);
            let now = match kind {
                SchemeKind::Weno5 => SchemeSection::default(),
                SchemeKind::SecondOrder => {
                    SchemeSection::SecondOrder(SecondOrderSection::default())
                }
                SchemeKind::Scfv => SchemeSection::Scfv(ScfvSection::default()),
                SchemeKind::Cpr => SchemeSection::Cpr(CprSection::default()),
            };
            assert_eq!(t, toml::Table::try_from(&now).unwrap(), "{old}");
        }
    }

    #[test]
    fn values_are_checked_per_kind() {
        let bad = |text: &str| parse(text).unwrap().validate().unwrap_err().0;
        assert_eq!(bad("gauss_points = 4"), "scheme.gauss_points");
        assert_eq!(bad("epsilon = 0.0"), "scheme.epsilon");
        assert_eq!(
            bad("kind = \"second_order\"\nlimiter_k = -1.0"),
            "scheme.limiter_k"
        );
        assert!(parse("kind = \"scfv\"").unwrap().validate().is_ok());
        assert_eq!(bad("kind = \"cpr\"\ndegree = 0"), "scheme.degree");
        assert_eq!(bad("kind = \"cpr\"\ndegree = 6"), "scheme.degree");
        assert!(parse("kind = \"cpr\"\ndegree = 4")
            .unwrap()
            .validate()
            .is_ok());
    }
}
