//! The JSON run summary.

use std::path::Path;

use crate::error::RunError;

use super::{output_error, write_atomic};

/// Writes `value` as pretty-printed JSON (with a final newline) to `path`, atomically: the text goes
/// to `path.tmp` first, which is then renamed over `path`. Creates the parent directory if needed.
pub fn write_json<T: serde::Serialize>(path: &Path, value: &T) -> Result<(), RunError> {
    let mut text = serde_json::to_string_pretty(value)
        .map_err(|e| output_error(path, format!("cannot serialise to JSON: {e}")))?;
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::{test_util::temp_dir, tmp_path};

    #[derive(serde::Serialize)]
    struct Sample {
        name: &'static str,
        steps: u64,
        errors: Vec<f64>,
    }

    #[test]
    fn writes_pretty_json_atomically() {
        let dir = temp_dir("json");
        let path = dir.join("summary.json");
        let value = Sample {
            name: "sod",
            steps: 42,
            errors: vec![1.5e-3, 2.0],
        };
        write_json(&path, &value).unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.ends_with("}\n"));
        assert!(text.contains("\n  \"steps\": 42"));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(back["name"], "sod");
        assert_eq!(back["errors"][0], 1.5e-3);
        assert!(!tmp_path(&path).exists());
        // Overwriting works too.
        write_json(&path, &serde_json::json!({"a": 1})).unwrap();
        assert!(std::fs::read_to_string(&path).unwrap().contains("\"a\": 1"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unwritable_path_is_an_output_error() {
        let dir = temp_dir("json-bad");
        // A directory where the file should go makes the rename fail.
        let path = dir.join("taken");
        std::fs::create_dir_all(path.join("inner")).unwrap();
        let err = write_json(&path, &1).unwrap_err();
        assert!(matches!(err, RunError::Output { .. }), "{err}");
        assert!(!tmp_path(&path).exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
