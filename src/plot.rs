//! PNG plots of output fields.
//!
//! A snapshot whose cell centroids all share one `y` (a one-cell-high strip, i.e. a 1D problem)
//! is drawn as a line plot of the field against `x`; anything else as a colour map of the cells
//! with equal axis scales and a colour bar.

use std::fmt::Display;
use std::ops::Range;
use std::path::Path;

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::colors::colormaps::ViridisRGB;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use crate::error::RunError;
use crate::io::hdf5::{read_snapshot, Snapshot};
use crate::io::{ensure_parent_dir, output_error};

/// Width of every plot in pixels.
const WIDTH: u32 = 900;
/// Height of the line plot in pixels.
const LINE_HEIGHT: u32 = 600;
/// Font family of all text (resolved by fontconfig).
const FONT: &str = "sans-serif";
/// Width of the colour-bar strip at the right of a colour map, in pixels.
const BAR_STRIP: u32 = 160;
/// Margin, x-label-area height and y-label-area width of the colour map chart, in pixels.
const MAP_MARGIN: u32 = 12;
const MAP_X_LABELS: u32 = 45;
const MAP_Y_LABELS: u32 = 70;
/// Height reserved for the title of the colour map, in pixels.
const TITLE_HEIGHT: u32 = 44;
/// Limits of the plotting-area height of a colour map, in pixels.
const MAP_MIN_HEIGHT: u32 = 160;
const MAP_MAX_HEIGHT: u32 = 1100;

/// The fields [`plot_field`] can draw.
pub const FIELDS: [&str; 6] = [
    "density",
    "pressure",
    "velocity_x",
    "velocity_y",
    "speed",
    "mach",
];

/// Draws one field of a snapshot to PNG. field: density | pressure | velocity_x | velocity_y | speed | mach (mach needs gamma from the file).
///
/// The title is `"<case> <field> t=<time>"`. One-cell-high strips (all cell centroids at the same
/// `y` within 1e-12 relative) give a line plot against `x`; other meshes a viridis colour map with
/// equal aspect ratio and a colour bar labelled with the minimum and maximum; a snapshot with a high-order
/// field (`/highorder`) is drawn from its sub-triangles. Cells with
/// non-finite values are left out of the line plot and drawn grey in the colour map. The image
/// is 900 px wide; the parent directory of `out` is created if needed.
pub fn plot_field(h5: &Path, field: &str, out: &Path) -> Result<(), RunError> {
    let snap = subdivided(read_snapshot(h5)?);
    let values = field_values(&snap, field).map_err(|m| output_error(out, m))?;
    if values.is_empty() {
        return Err(output_error(
            out,
            format!("{}: the snapshot has no cells", h5.display()),
        ));
    }
    let (lo, hi) = finite_range(&values).ok_or_else(|| {
        output_error(
            out,
            format!("{field} has no finite value in {}", h5.display()),
        )
    })?;
    let title = format!("{} {} t={}", snap.case, field, format_number(snap.time));
    let centroids = centroids(&snap);
    ensure_parent_dir(out)?;
    if is_strip(&snap.vertices, &centroids) {
        line_plot(out, &title, field, &centroids, &values, (lo, hi))
    } else {
        colour_map(out, &title, field, &snap, &values, (lo, hi))
    }
}

/// The snapshot's high-order field as its own mesh of sub-triangles, each coloured by the mean of its three
/// nodes (so a polynomial per cell shows as such, not as one block), or the snapshot as it is without one.
fn subdivided(snap: Snapshot) -> Snapshot {
    let Some(h) = &snap.high_order else {
        return snap;
    };
    let mean = |t: &[i64; 3], f: &dyn Fn(usize) -> f64| {
        t.iter().map(|&j| f(j as usize)).sum::<f64>() / 3.0
    };
    let tris = &h.triangles;
    Snapshot {
        vertices: h.points.clone(),
        cells: tris.as_flattened().to_vec(),
        nodes_per_cell: 3,
        partition: vec![0; tris.len()],
        density: tris.iter().map(|t| mean(t, &|j| h.density[j])).collect(),
        velocity: tris
            .iter()
            .map(|t| [0, 1].map(|i| mean(t, &|j| h.velocity[j][i])))
            .collect(),
        pressure: tris.iter().map(|t| mean(t, &|j| h.pressure[j])).collect(),
        high_order: None,
        ..snap
    }
}

/// The per-cell values of `field`.
fn field_values(snap: &Snapshot, field: &str) -> Result<Vec<f64>, String> {
    let speed = |c: usize| snap.velocity[c][0].hypot(snap.velocity[c][1]);
    let n = snap.n_cells();
    let values = match field {
        "density" => snap.density.clone(),
        "pressure" => snap.pressure.clone(),
        "velocity_x" => snap.velocity.iter().map(|v| v[0]).collect(),
        "velocity_y" => snap.velocity.iter().map(|v| v[1]).collect(),
        "speed" => (0..n).map(speed).collect(),
        "mach" => {
            if !(snap.gamma.is_finite() && snap.gamma > 1.0) {
                return Err(format!(
                    "mach needs gamma > 1 from the file, found {}",
                    snap.gamma
                ));
            }
            (0..n)
                .map(|c| {
                    let c2 = snap.gamma * snap.pressure[c] / snap.density[c];
                    if c2 > 0.0 {
                        speed(c) / c2.sqrt()
                    } else {
                        f64::NAN
                    }
                })
                .collect()
        }
        other => {
            return Err(format!(
                "unknown field {other:?}; expected one of {}",
                FIELDS.join(", ")
            ));
        }
    };
    Ok(values)
}

/// Minimum and maximum of the finite values, or `None` if there are none.
fn finite_range(values: &[f64]) -> Option<(f64, f64)> {
    values
        .iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, &v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
        })
}

/// A range around `[lo, hi]` that is never empty, widened by `pad` of its length on each side.
fn padded(lo: f64, hi: f64, pad: f64) -> Range<f64> {
    if hi > lo {
        let d = (hi - lo) * pad;
        lo - d..hi + d
    } else {
        let d = if lo == 0.0 { 1.0 } else { 0.05 * lo.abs() };
        lo - d..hi + d
    }
}

/// Vertex-average centroid of every cell.
fn centroids(snap: &Snapshot) -> Vec<[f64; 2]> {
    (0..snap.n_cells())
        .map(|c| {
            let ids = snap.cell(c);
            let mut s = [0.0, 0.0];
            for &id in ids {
                let v = snap.vertices[id as usize];
                s[0] += v[0];
                s[1] += v[1];
            }
            let k = ids.len() as f64;
            [s[0] / k, s[1] / k]
        })
        .collect()
}

/// True if all centroids share one `y` within 1e-12 relative to the size of the coordinates.
fn is_strip(vertices: &[[f64; 2]], centroids: &[[f64; 2]]) -> bool {
    let scale = vertices
        .iter()
        .fold(0.0_f64, |m, v| m.max(v[0].abs()).max(v[1].abs()))
        .max(f64::MIN_POSITIVE);
    let y0 = centroids[0][1];
    centroids.iter().all(|c| (c[1] - y0).abs() <= 1e-12 * scale)
}

/// A compact label for a number: about four significant digits, scientific outside [1e-3, 1e5).
fn format_number(v: f64) -> String {
    if v == 0.0 || !v.is_finite() {
        return format!("{v}");
    }
    let mag = v.abs().log10().floor();
    if (-3.0..5.0).contains(&mag) {
        let decimals = (3.0 - mag).max(0.0) as usize;
        let s = format!("{v:.decimals$}");
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_string()
        } else {
            s
        }
    } else {
        format!("{v:.3e}")
    }
}

/// Maps any plotting error to an output error for `out`.
fn draw_err<E: Display>(out: &Path) -> impl Fn(E) -> RunError + '_ {
    move |e| output_error(out, format!("cannot draw the plot: {e}"))
}

/// Line plot of `values` against the centroid `x`, sorted by `x`.
fn line_plot(
    out: &Path,
    title: &str,
    field: &str,
    centroids: &[[f64; 2]],
    values: &[f64],
    (lo, hi): (f64, f64),
) -> Result<(), RunError> {
    let err = draw_err(out);
    let mut points: Vec<(f64, f64)> = centroids
        .iter()
        .zip(values)
        .filter(|(_, v)| v.is_finite())
        .map(|(c, &v)| (c[0], v))
        .collect();
    points.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (x0, x1) = (points[0].0, points[points.len() - 1].0);

    let root = BitMapBackend::new(out, (WIDTH, LINE_HEIGHT)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    let mut chart = ChartBuilder::on(&root)
        .caption(title, (FONT, 24))
        .margin(15)
        .x_label_area_size(50)
        .y_label_area_size(85)
        .build_cartesian_2d(padded(x0, x1, 0.02), padded(lo, hi, 0.06))
        .map_err(&err)?;
    chart
        .configure_mesh()
        .x_desc("x")
        .y_desc(field)
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 18))
        .x_label_formatter(&|v| format_number(*v))
        .y_label_formatter(&|v| format_number(*v))
        .light_line_style(RGBColor(235, 235, 235))
        .draw()
        .map_err(&err)?;
    chart
        .draw_series(LineSeries::new(
            points.iter().copied(),
            BLUE.stroke_width(2),
        ))
        .map_err(&err)?;
    if points.len() <= 200 {
        chart
            .draw_series(points.iter().map(|&p| Circle::new(p, 3, BLUE.filled())))
            .map_err(&err)?;
    }
    root.present().map_err(&err)?;
    Ok(())
}

/// Colour map of the cells as filled polygons with equal axis scales and a colour bar.
fn colour_map(
    out: &Path,
    title: &str,
    field: &str,
    snap: &Snapshot,
    values: &[f64],
    (lo, hi): (f64, f64),
) -> Result<(), RunError> {
    let err = draw_err(out);
    let (mut x0, mut x1, mut y0, mut y1) = (
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::INFINITY,
        f64::NEG_INFINITY,
    );
    for v in &snap.vertices {
        x0 = x0.min(v[0]);
        x1 = x1.max(v[0]);
        y0 = y0.min(v[1]);
        y1 = y1.max(v[1]);
    }
    let (lx, ly) = (
        (x1 - x0).max(f64::MIN_POSITIVE),
        (y1 - y0).max(f64::MIN_POSITIVE),
    );

    // Pick the image height so that the plotting area has the domain's aspect ratio (within limits).
    let plot_w = WIDTH - BAR_STRIP - 2 * MAP_MARGIN - MAP_Y_LABELS;
    let plot_h = ((plot_w as f64 * ly / lx).round() as u32).clamp(MAP_MIN_HEIGHT, MAP_MAX_HEIGHT);
    let height = TITLE_HEIGHT + plot_h + 2 * MAP_MARGIN + MAP_X_LABELS;

    let root = BitMapBackend::new(out, (WIDTH, height)).into_drawing_area();
    root.fill(&WHITE).map_err(&err)?;
    let (title_area, body) = root.split_vertically(TITLE_HEIGHT);
    let (w, h) = title_area.dim_in_pixel();
    title_area
        .draw(&Text::new(
            title.to_string(),
            (w as i32 / 2, h as i32 / 2),
            (FONT, 24)
                .into_font()
                .into_text_style(&title_area)
                .pos(Pos::new(HPos::Center, VPos::Center)),
        ))
        .map_err(&err)?;
    let (map_area, bar_area) = body.split_horizontally(WIDTH - BAR_STRIP);

    // Equal scales: widen whichever data range has room to spare in the actual plotting area.
    let (pw, ph) = plot_area_size(&map_area).map_err(&err)?;
    let scale = (pw as f64 / lx).min(ph as f64 / ly);
    let (cx, cy) = (0.5 * (x0 + x1), 0.5 * (y0 + y1));
    let (hx, hy) = (0.5 * pw as f64 / scale, 0.5 * ph as f64 / scale);
    let mut chart = map_chart(&map_area)
        .build_cartesian_2d(cx - hx..cx + hx, cy - hy..cy + hy)
        .map_err(&err)?;
    chart
        .configure_mesh()
        .disable_mesh()
        .x_desc("x")
        .y_desc("y")
        .label_style((FONT, 15))
        .axis_desc_style((FONT, 18))
        .x_label_formatter(&|v| format_number(*v))
        .y_label_formatter(&|v| format_number(*v))
        .draw()
        .map_err(&err)?;

    let colour = |v: f64| -> RGBColor {
        if !v.is_finite() {
            RGBColor(170, 170, 170)
        } else if hi > lo {
            ViridisRGB::get_color_normalized(v, lo, hi)
        } else {
            ViridisRGB::get_color(0.5)
        }
    };
    let polygons = (0..snap.n_cells()).map(|c| {
        let pts: Vec<(f64, f64)> = snap
            .cell(c)
            .iter()
            .map(|&id| {
                let v = snap.vertices[id as usize];
                (v[0], v[1])
            })
            .collect();
        (pts, colour(values[c]))
    });
    for (pts, col) in polygons {
        // The outline in the same colour closes the hairline seams between neighbouring fills.
        let mut ring = pts.clone();
        ring.push(pts[0]);
        chart
            .draw_series([Polygon::new(pts, col.filled())])
            .map_err(&err)?;
        chart
            .draw_series([PathElement::new(ring, col.stroke_width(1))])
            .map_err(&err)?;
    }

    colour_bar(&bar_area, field, (lo, hi)).map_err(&err)?;
    root.present().map_err(&err)?;
    Ok(())
}

/// The chart builder of the colour map (the same layout is used to measure the plotting area).
fn map_chart<'a, 'b>(
    area: &'a DrawingArea<BitMapBackend<'b>, Shift>,
) -> ChartBuilder<'a, 'b, BitMapBackend<'b>> {
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(MAP_MARGIN)
        .x_label_area_size(MAP_X_LABELS)
        .y_label_area_size(MAP_Y_LABELS);
    builder
}

/// Pixel size of the plotting area the colour map chart will get on `area`.
fn plot_area_size(
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
) -> Result<(u32, u32), DrawingAreaErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>>
{
    let probe = map_chart(area).build_cartesian_2d(0.0..1.0, 0.0..1.0)?;
    let (w, h) = probe.plotting_area().dim_in_pixel();
    Ok((w.max(1), h.max(1)))
}

/// A vertical viridis bar from `lo` (bottom) to `hi` (top) with ticks and min/max labels.
fn colour_bar(
    area: &DrawingArea<BitMapBackend<'_>, Shift>,
    field: &str,
    (lo, hi): (f64, f64),
) -> Result<(), DrawingAreaErrorKind<<BitMapBackend<'static> as DrawingBackend>::ErrorType>> {
    let range = if hi > lo { lo..hi } else { padded(lo, hi, 0.0) };
    let mut bar = ChartBuilder::on(area)
        .margin_top(MAP_MARGIN + 34)
        .margin_bottom(MAP_MARGIN + MAP_X_LABELS)
        .margin_left(20)
        .margin_right(8)
        .set_label_area_size(LabelAreaPosition::Right, 80)
        .build_cartesian_2d(0.0..1.0, range.clone())?;
    bar.configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .y_labels(6)
        .label_style((FONT, 14))
        .y_label_formatter(&|v| format_number(*v))
        .draw()?;
    const STEPS: usize = 200;
    let (a, b) = (range.start, range.end);
    bar.draw_series((0..STEPS).map(|k| {
        let t0 = k as f64 / STEPS as f64;
        let t1 = (k + 1) as f64 / STEPS as f64;
        let col = ViridisRGB::get_color(if hi > lo { 0.5 * (t0 + t1) } else { 0.5 });
        Rectangle::new(
            [(0.0, a + (b - a) * t0), (1.0, a + (b - a) * t1)],
            col.filled(),
        )
    }))?;
    bar.draw_series([Rectangle::new([(0.0, a), (1.0, b)], BLACK.stroke_width(1))])?;

    let (xs, ys) = bar.plotting_area().get_pixel_range();
    let (ox, oy) = area.get_base_pixel();
    let style = (FONT, 15).into_font().into_text_style(area);
    let left = xs.start - ox;
    area.draw(&Text::new(
        format!("{field} max {}", format_number(hi)),
        (left, ys.start - oy - 28),
        style.clone(),
    ))?;
    area.draw(&Text::new(
        format!("min {}", format_number(lo)),
        (left, ys.end - oy + 8),
        style,
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::io::hdf5::samples::{grid, write};
    use crate::io::test_util::temp_dir;

    fn png_size(path: &Path) -> (u32, u32) {
        let bytes = std::fs::read(path).unwrap();
        assert!(bytes.len() > 1000, "PNG is only {} bytes", bytes.len());
        assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n");
        let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
        let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
        (w, h)
    }

    #[test]
    fn strip_gives_line_plot() {
        let dir = temp_dir("plot-1d");
        let h5 = dir.join("strip.h5");
        write(&h5, &grid(50, 1, 0.02), "sod");
        for field in FIELDS {
            let png = dir.join(format!("strip_{field}.png"));
            plot_field(&h5, field, &png).unwrap();
            assert_eq!(png_size(&png), (WIDTH, LINE_HEIGHT));
        }
        if let Ok(keep) = std::env::var("GASKET_KEEP_PLOTS") {
            std::fs::copy(
                dir.join("strip_density.png"),
                Path::new(&keep).join("strip_density.png"),
            )
            .unwrap();
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn two_d_mesh_gives_colour_map() {
        let dir = temp_dir("plot-2d");
        let h5 = dir.join("square.h5");
        write(&h5, &grid(40, 20, 0.025), "blast");
        for field in FIELDS {
            let png = dir.join(format!("square_{field}.png"));
            plot_field(&h5, field, &png).unwrap();
            let (w, h) = png_size(&png);
            assert_eq!(w, WIDTH);
            assert!(h > TITLE_HEIGHT + MAP_MIN_HEIGHT, "height {h}");
        }
        // The 2×2 sample is two-dimensional too.
        let small = dir.join("small.h5");
        write(&small, &grid(2, 2, 0.5), "tiny");
        plot_field(&small, "pressure", &dir.join("small.png")).unwrap();
        png_size(&dir.join("small.png"));
        // A tall domain: the height is capped and the x range widened instead.
        let tall = dir.join("tall.h5");
        write(&tall, &grid(2, 40, 0.5), "tall");
        plot_field(&tall, "mach", &dir.join("tall.png")).unwrap();
        let (w, h) = png_size(&dir.join("tall.png"));
        assert_eq!(w, WIDTH);
        assert!(h <= TITLE_HEIGHT + MAP_MAX_HEIGHT + 2 * MAP_MARGIN + MAP_X_LABELS);
        if let Ok(keep) = std::env::var("GASKET_KEEP_PLOTS") {
            for f in [
                "square_density.png",
                "square_pressure.png",
                "small.png",
                "tall.png",
            ] {
                std::fs::copy(dir.join(f), Path::new(&keep).join(f)).unwrap();
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn unknown_field_is_an_output_error() {
        let dir = temp_dir("plot-bad");
        let h5 = dir.join("s.h5");
        write(&h5, &grid(2, 2, 0.5), "sod");
        let err = plot_field(&h5, "entropy", &dir.join("x.png")).unwrap_err();
        assert!(matches!(err, RunError::Output { .. }));
        assert!(err.to_string().contains("unknown field"), "{err}");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn strip_detection_and_helpers() {
        let v = [[0.0, 0.0], [1.0, 0.0], [1.0, 1.0]];
        assert!(is_strip(&v, &[[0.1, 0.5], [0.7, 0.5 + 1e-14]]));
        assert!(!is_strip(&v, &[[0.1, 0.5], [0.7, 0.6]]));
        assert_eq!(format_number(0.125), "0.125");
        assert_eq!(format_number(2.0), "2");
        assert_eq!(format_number(1.0e-7), "1.000e-7");
        assert_eq!(format_number(0.0), "0");
        assert_eq!(finite_range(&[f64::NAN, 2.0, -1.0]), Some((-1.0, 2.0)));
        assert_eq!(finite_range(&[f64::NAN]), None);
        let r = padded(1.0, 1.0, 0.1);
        assert!(r.start < 1.0 && r.end > 1.0);
    }
}
