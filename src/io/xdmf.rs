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
    format!(
        r#"<?xml version="1.0" encoding="utf-8"?>
<Xdmf Version="3.0">
  <Domain>
    <Grid Name="gasket" GridType="Collection" CollectionType="Temporal">
      <Grid Name="gasket" GridType="Uniform">
        <Time Value="{time:?}"/>
        <Topology {topology} NumberOfElements="{nc}">
          <DataItem Dimensions="{nc} {nodes_per_cell}" NumberType="Int" Precision="8" Format="HDF">{h5}:/mesh/cells</DataItem>
        </Topology>
        <Geometry GeometryType="XY">
          <DataItem Dimensions="{n_vertices} 2" NumberType="Float" Precision="8" Format="HDF">{h5}:/mesh/vertices</DataItem>
        </Geometry>
        <Attribute Name="density" AttributeType="Scalar" Center="Cell">
          <DataItem Dimensions="{nc}" NumberType="Float" Precision="8" Format="HDF">{h5}:/solution/density</DataItem>
        </Attribute>
        <Attribute Name="pressure" AttributeType="Scalar" Center="Cell">
          <DataItem Dimensions="{nc}" NumberType="Float" Precision="8" Format="HDF">{h5}:/solution/pressure</DataItem>
        </Attribute>
        <Attribute Name="velocity" AttributeType="Vector" Center="Cell">
          <DataItem Dimensions="{nc} 2" NumberType="Float" Precision="8" Format="HDF">{h5}:/solution/velocity</DataItem>
        </Attribute>
        <Attribute Name="partition" AttributeType="Scalar" Center="Cell">
          <DataItem Dimensions="{nc}" NumberType="Int" Precision="4" Format="HDF">{h5}:/mesh/partition</DataItem>
        </Attribute>
      </Grid>
    </Grid>
  </Domain>
</Xdmf>
"#
    )
}

/// Escapes the five XML special characters.
pub(crate) fn escape_xml(s: &str) -> String {
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
    fn every_time_value_parses_back() {
        for t in [0.0, 1.0, 0.1, 123456.789, 1e-12, 1e30] {
            let text = xdmf_text("x.h5", 3, 1, 3, t);
            let start = text.find("<Time Value=\"").unwrap() + 13;
            let end = text[start..].find('"').unwrap() + start;
            assert_eq!(text[start..end].parse::<f64>().unwrap(), t);
        }
    }
}
