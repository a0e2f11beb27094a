//! `--set KEY=VALUE`: override any case key by its dotted path with a TOML value.

use crate::error::CaseError;

/// Parses the value part of an override: any TOML value; a bare word that is not valid TOML is taken as a
/// string, so `--set scheme.variables=conservative` works without shell-quoted TOML quotes.
fn parse_value(raw: &str) -> Result<toml::Value, String> {
    let doc = format!("v = {raw}");
    match toml::from_str::<toml::Table>(&doc) {
        Ok(mut t) => Ok(t.remove("v").expect("key v was just written")),
        Err(e) => {
            let bare = !raw.is_empty()
                && raw.chars().all(|c| {
                    c.is_ascii_alphanumeric() || c == '_' || c == '-' || c == '.' || c == '/'
                });
            if bare {
                Ok(toml::Value::String(raw.to_string()))
            } else {
                Err(format!("`{raw}` is not a TOML value: {}", e.message()))
            }
        }
    }
}

/// The value part of an override as TOML text (a bare word quoted), or the text itself if it is no value.
pub(super) fn toml_value(raw: &str) -> String {
    parse_value(raw).map_or_else(|_| raw.to_string(), |v| v.to_string())
}

/// Applies one `KEY=VALUE` override to a parsed case table, creating intermediate tables as needed.
pub fn apply_override(table: &mut toml::Table, arg: &str) -> Result<(), CaseError> {
    let err = |message: String| CaseError::Override {
        arg: arg.to_string(),
        message,
    };
    let (key, raw) = arg
        .split_once('=')
        .ok_or_else(|| err("expected KEY=VALUE, e.g. --set mesh.nx=80".into()))?;
    let key = key.trim();
    let parts: Vec<&str> = key.split('.').collect();
    if parts.iter().any(|p| p.is_empty()) {
        return Err(err(format!("`{key}` is not a dotted key path")));
    }
    let value = parse_value(raw.trim()).map_err(err)?;
    let mut t = table;
    for (n, part) in parts[..parts.len() - 1].iter().enumerate() {
        let entry = t
            .entry(part.to_string())
            .or_insert_with(|| toml::Value::Table(toml::Table::new()));
        t = entry.as_table_mut().ok_or_else(|| {
            err(format!(
                "`{}` is a value, not a table",
                parts[..=n].join(".")
            ))
        })?;
    }
    t.insert(parts[parts.len() - 1].to_string(), value);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_and_paths() {
        let mut t: toml::Table = toml::from_str("[mesh]\nnx = 4").unwrap();
        apply_override(&mut t, "mesh.nx=80").unwrap();
        apply_override(&mut t, "time.end=0.2").unwrap();
        apply_override(&mut t, "initial.left=[1.0,0.0,0.0,1.0]").unwrap();
        apply_override(&mut t, "scheme.variables=conservative").unwrap();
        assert_eq!(t["mesh"]["nx"].as_integer(), Some(80));
        assert_eq!(t["time"]["end"].as_float(), Some(0.2));
        assert_eq!(t["initial"]["left"].as_array().unwrap().len(), 4);
        assert_eq!(t["scheme"]["variables"].as_str(), Some("conservative"));
        assert!(apply_override(&mut t, "mesh.nx.y=1").is_err());
        assert!(apply_override(&mut t, "mesh..nx=1").is_err());
        assert!(apply_override(&mut t, "mesh.nx=[1,").is_err());
    }
}
