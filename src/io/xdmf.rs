//! XDMF 3 descriptions of HDF5 snapshots, for ParaView and VisIt.

/// XDMF 3 text describing the HDF5 file (referenced by file name only, relative, so the pair can be moved together).
///
/// The grid is one unstructured grid, wrapped in a one-member temporal collection so that ParaView
/// (both its Xdmf3 reader and the legacy XDMF reader) takes the snapshot time from `<Time>` and
/// orders a list of snapshot files by it. The grid has `Triangle` topology for 3 nodes per cell and
/// `Quadrilateral` for 4 (any other count is written as `Polygon`, which ParaView also reads),
/// `XY` geometry from `/mesh/vertices`, and the cell-centred attributes `density`, `pressure`
/// (scalars), `partition` (scalar, int32) and `velocity` (`Vector`, declared with its stored
/// dimensions `Nc 2`).
///
/// Velocity choice, checked with ParaView 5.11: its default reader for `.xdmf` (Xdmf3ReaderS)
/// shows a `Nc 2` vector as a 2-component cell array (colour by magnitude or component works),
/// and the legacy "XDMF Reader" pads it to a 3-component vector (glyphs work). A `JOIN` function
/// that appends a zero component would satisfy only the legacy reader: Xdmf3ReaderS drops
/// function-valued attributes altogether.
pub fn xdmf_text(
    h5_file_name: &str,
    n_vertices: usize,
    n_cells: usize,
    nodes_per_cell: usize,
    time: f64,
) -> String {
    let h5 = escape_xml(h5_file_name);
    let nc = n_cells;
    let topology = match nodes_per_cell {
        3 => "TopologyType=\"Triangle\"".to_string(),
        4 => "TopologyType=\"Quadrilateral\"".to_string(),
        n => format!("TopologyType=\"Polygon\" NodesPerElement=\"{n}\""),
    };
    let item = |dims: String, kind: &str, precision: u8, path: &str| {
        data_item(&dims, kind, precision, &format!("{h5}:/{path}"))
    };
    let attributes = [
        (
            "density",
            "Scalar",
            format!("{nc}"),
            "Float",
            8,
            "solution/density",
        ),
        (
            "pressure",
            "Scalar",
            format!("{nc}"),
            "Float",
            8,
            "solution/pressure",
        ),
        (
            "velocity",
            "Vector",
            format!("{nc} 2"),
            "Float",
            8,
            "solution/velocity",
        ),
        (
            "partition",
            "Scalar",
            format!("{nc}"),
            "Int",
            4,
            "mesh/partition",
        ),
    ]
    .map(|(name, kind, dims, number, precision, path)| {
        attribute(name, kind, "Cell", &item(dims, number, precision, path))
    });
    document(
        "gasket",
        time,
        &format!("{topology} NumberOfElements=\"{nc}\""),
        &item(format!("{nc} {nodes_per_cell}"), "Int", 8, "mesh/cells"),
        &item(format!("{n_vertices} 2"), "Float", 8, "mesh/vertices"),
        &attributes.concat(),
    )
}

/// XDMF 3 text of the high-order field (`/highorder`, see [`super::highorder`]) of `h5_file_name`:
/// `n_triangles` sub-triangles over `n_points` nodes, with node-centred `density`, `pressure` and
/// `velocity`, in the same temporal-collection form as [`xdmf_text`].
pub fn highorder_xdmf_text(
    h5_file_name: &str,
    n_points: usize,
    n_triangles: usize,
    time: f64,
) -> String {
    let h5 = escape_xml(h5_file_name);
    let n = n_points;
    let item = |dims: String, kind: &str, name: &str| {
        data_item(&dims, kind, 8, &format!("{h5}:/highorder/{name}"))
    };
    let attributes = [
        ("density", "Scalar", format!("{n}")),
        ("pressure", "Scalar", format!("{n}")),
        ("velocity", "Vector", format!("{n} 2")),
    ]
    .map(|(name, kind, dims)| attribute(name, kind, "Node", &item(dims, "Float", name)));
    document(
        "gasket-highorder",
        time,
        &format!("TopologyType=\"Triangle\" NumberOfElements=\"{n_triangles}\""),
        &item(format!("{n_triangles} 3"), "Int", "triangles"),
        &item(format!("{n} 2"), "Float", "points"),
        &attributes.concat(),
    )
}

/// One uniform grid named `name` at `time`, wrapped in a one-member temporal collection, with the topology
/// attributes `topology`, its connectivity item, the `XY` geometry item and the attribute elements.
fn document(
    name: &str,
    time: f64,
    topology: &str,
    cells: &str,
    vertices: &str,
    attributes: &str,
) -> String {
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Xdmf Version="3.0">
  <Domain>
    <Grid Name="{name}" GridType="Collection" CollectionType="Temporal">
      <Grid Name="{name}" GridType="Uniform">
        <Time Value="{time:?}"/>
        <Topology {topology}>
          {cells}
        </Topology>
        <Geometry GeometryType="XY">
          {vertices}
        </Geometry>
{attributes}      </Grid>
    </Grid>
  </Domain>
</Xdmf>
"#
    )
}

/// An HDF `DataItem` of `dims` numbers of `kind` (`Float`, `Int`) and `precision` bytes at `location`.
fn data_item(dims: &str, kind: &str, precision: u8, location: &str) -> String {
    format!(
        r#"<DataItem Dimensions="{dims}" NumberType="{kind}" Precision="{precision}" Format="HDF">{location}</DataItem>"#
    )
}

/// An `Attribute` element (indented for [`document`]) holding `item`.
fn attribute(name: &str, kind: &str, center: &str, item: &str) -> String {
    format!(
        "        <Attribute Name=\"{name}\" AttributeType=\"{kind}\" Center=\"{center}\">\n          {item}\n        </Attribute>\n"
    )
}

/// Escapes the five XML special characters.
fn escape_xml(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that `text` is well-formed XML as far as this module needs: one root element,
    /// balanced and properly nested tags, quoted attributes, no stray `<` or `&`.
    /// Returns the element names in document order.
    fn check_well_formed(text: &str) -> Result<Vec<String>, String> {
        let mut stack: Vec<String> = Vec::new();
        let mut names = Vec::new();
        let mut roots = 0;
        let mut rest = text;
        while let Some(lt) = rest.find('<') {
            check_text(&rest[..lt])?;
            if !stack.is_empty() || rest[..lt].trim().is_empty() {
            } else {
                return Err(format!("text outside the root element: {:?}", &rest[..lt]));
            }
            let gt = rest[lt..].find('>').ok_or("unterminated tag")? + lt;
            let tag = &rest[lt + 1..gt];
            rest = &rest[gt + 1..];
            if let Some(decl) = tag.strip_prefix('?') {
                if !decl.ends_with('?') || !names.is_empty() {
                    return Err(format!("bad processing instruction <{tag}>"));
                }
                continue;
            }
            if let Some(name) = tag.strip_prefix('/') {
                let open = stack
                    .pop()
                    .ok_or(format!("</{name}> without an open tag"))?;
                if open != name.trim() {
                    return Err(format!("<{open}> closed by </{name}>"));
                }
                continue;
            }
            let (body, self_closing) = match tag.strip_suffix('/') {
                Some(b) => (b, true),
                None => (tag, false),
            };
            let name_end = body.find(char::is_whitespace).unwrap_or(body.len());
            let name = &body[..name_end];
            if name.is_empty()
                || !name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == ':' || c == '_')
            {
                return Err(format!("bad element name in <{tag}>"));
            }
            check_attributes(&body[name_end..])?;
            if stack.is_empty() {
                roots += 1;
            }
            names.push(name.to_string());
            if !self_closing {
                stack.push(name.to_string());
            }
        }
        check_text(rest)?;
        if !rest.trim().is_empty() {
            return Err("text after the root element".into());
        }
        if !stack.is_empty() {
            return Err(format!("unclosed elements {stack:?}"));
        }
        if roots != 1 {
            return Err(format!("{roots} root elements"));
        }
        Ok(names)
    }

    fn check_text(t: &str) -> Result<(), String> {
        if t.contains('>') {
            return Err(format!("stray '>' in {t:?}"));
        }
        let mut rest = t;
        while let Some(amp) = rest.find('&') {
            let semi = rest[amp..]
                .find(';')
                .ok_or(format!("unterminated entity in {t:?}"))?
                + amp;
            let ent = &rest[amp + 1..semi];
            if !["amp", "lt", "gt", "quot", "apos"].contains(&ent) {
                return Err(format!("unknown entity &{ent};"));
            }
            rest = &rest[semi + 1..];
        }
        Ok(())
    }

    fn check_attributes(mut a: &str) -> Result<(), String> {
        loop {
            a = a.trim_start();
            if a.is_empty() {
                return Ok(());
            }
            let eq = a
                .find('=')
                .ok_or(format!("attribute without value: {a:?}"))?;
            let name = a[..eq].trim();
            if name.is_empty() || name.contains(char::is_whitespace) {
                return Err(format!("bad attribute name {name:?}"));
            }
            let v = a[eq + 1..].trim_start();
            let quote = v.chars().next().ok_or("missing attribute value")?;
            if quote != '"' && quote != '\'' {
                return Err(format!("unquoted attribute value for {name}"));
            }
            let end = v[1..].find(quote).ok_or("unterminated attribute value")? + 1;
            let value = &v[1..end];
            if value.contains('<') {
                return Err(format!("'<' in attribute value of {name}"));
            }
            check_text(value)?;
            a = &v[end + 1..];
        }
    }

    #[test]
    fn checker_rejects_bad_xml() {
        assert!(check_well_formed("<a><b></a></b>").is_err());
        assert!(check_well_formed("<a x=1/>").is_err());
        assert!(check_well_formed("<a>&foo;</a>").is_err());
        assert!(check_well_formed("<a/><b/>").is_err());
        assert!(check_well_formed("<a><b/>").is_err());
        assert!(check_well_formed("<a x=\"1\"><b y='2'/>t &amp; u</a>").is_ok());
    }

    #[test]
    fn quadrilateral_xdmf_is_well_formed() {
        let text = xdmf_text("run_0001.h5", 9, 4, 4, 0.25);
        let names = check_well_formed(&text).unwrap();
        assert_eq!(names[0], "Xdmf");
        assert_eq!(names.iter().filter(|n| *n == "Attribute").count(), 4);
        assert!(text.contains("TopologyType=\"Quadrilateral\" NumberOfElements=\"4\""));
        assert!(text.contains("Dimensions=\"4 4\""));
        assert!(text.contains("Dimensions=\"9 2\""));
        assert!(text.contains("<Time Value=\"0.25\"/>"));
        assert!(text.contains(">run_0001.h5:/mesh/vertices<"));
        assert!(text.contains(">run_0001.h5:/solution/velocity<"));
        assert!(text.contains(">run_0001.h5:/mesh/partition<"));
        assert!(text.contains("Version=\"3.0\""));
        assert!(text.contains("CollectionType=\"Temporal\""));
        assert!(text.contains(
            "AttributeType=\"Vector\" Center=\"Cell\">\n          <DataItem Dimensions=\"4 2\""
        ));
    }

    #[test]
    fn triangle_xdmf_with_odd_name_is_well_formed() {
        let text = xdmf_text("a&b<c>.h5", 3, 1, 3, 1e-7);
        check_well_formed(&text).unwrap();
        assert!(text.contains("TopologyType=\"Triangle\""));
        assert!(text.contains(">a&amp;b&lt;c&gt;.h5:/mesh/cells<"));
        assert!(text.contains("<Time Value=\"1e-7\"/>"));
    }

    #[test]
    fn highorder_xdmf_names_its_datasets_and_is_well_formed() {
        let t = highorder_xdmf_text("a&b.h5", 10, 9, 0.5);
        let names = check_well_formed(&t).unwrap();
        assert_eq!(names.iter().filter(|n| *n == "Attribute").count(), 3);
        for name in ["points", "triangles", "density", "pressure", "velocity"] {
            assert!(
                t.contains(&format!("a&amp;b.h5:/highorder/{name}<")),
                "{name}"
            );
        }
        assert!(t.contains("TopologyType=\"Triangle\" NumberOfElements=\"9\""));
        assert!(t.contains("Dimensions=\"10 2\"") && t.contains("Center=\"Node\""));
    }

    #[test]
    fn every_time_value_parses_back() {
        for t in [0.0, 1.0, 0.1, 123456.789, 1e-12, 1e30] {
            let text = xdmf_text("x.h5", 3, 1, 3, t);
            let start = text.find("<Time Value=\"").unwrap() + 13;
            let end = text[start..].find('"').unwrap() + start;
            assert_eq!(text[start..end].parse::<f64>().unwrap(), t);
        }
    }
}
