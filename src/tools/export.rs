//! `autochitect export`: the diagram as SVG (the app's figure, for slides and handouts) or as
//! Graphviz DOT. Pure functions of the model; only [`run`] touches files.

use std::fmt::Write as _;

use std::collections::HashMap;

use crate::model::figure::{Align, Figure, FigureBox, FigureLabel, FigureLine};
use crate::model::style::{self, sizes};
use crate::model::{Component, Diagram, Link, Target, WriteupCatalog, writeup_href};

use super::cli::{ExportArgs, ExportFormat};

/// Margin around the figure, in diagram units.
const MARGIN: f32 = 24.0;
const FONT_FAMILY: &str = "DejaVu Sans, Verdana, Arial, sans-serif";

pub use crate::model::xml_escape;

/// Where the parts of an SVG figure link to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PartLinks {
    /// Each part links to its write-up, `#/writeup/<slug>` (a standalone figure).
    Writeups,
    /// Each part links to itself in the app, `#/component/<id>`, and names its write-up in
    /// `data-writeup` (the web page's first paint: a click there is not lost).
    Parts,
    /// Each part links to its write-up's plain page, `<slug>.html` (a figure in a plain page).
    Pages,
}

/// How an SVG figure is written.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SvgOptions {
    /// Space around the diagram, in diagram units.
    pub margin: f32,
    /// Where the parts link to.
    pub links: PartLinks,
    /// A fixed size (`width`/`height` attributes) or none, to fill its container.
    pub fixed_size: bool,
}

impl SvgOptions {
    /// A standalone figure for slides and handouts.
    pub const STANDALONE: SvgOptions = SvgOptions {
        margin: MARGIN,
        links: PartLinks::Writeups,
        fixed_size: true,
    };
}

/// The diagram as a standalone SVG document. Each component is a `<g class="component">`
/// holding a link to its write-up (`#/writeup/<slug>`, the app's in-app route), with the
/// write-up's title as a tooltip.
pub fn svg(diagram: &Diagram, writeups: Option<&WriteupCatalog>) -> String {
    svg_with(diagram, writeups, &SvgOptions::STANDALONE)
}

/// The diagram as SVG, written as `options` say: the core's figure in the light theme (the
/// same boxes, lines and label lines the canvas draws).
pub fn svg_with(
    diagram: &Diagram,
    writeups: Option<&WriteupCatalog>,
    options: &SvgOptions,
) -> String {
    let figure = Figure::build(diagram, &style::LIGHT, 1.0);
    let b = figure.bounds;
    let m = options.margin;
    let (x0, y0, w, h) = (b.x - m, b.y - m, b.w + 2.0 * m, b.h + 2.0 * m);
    let mut s = String::new();
    let size = if options.fixed_size {
        format!(r#" width="{w}" height="{h}""#)
    } else {
        String::new()
    };
    let _ = writeln!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="{x0} {y0} {w} {h}"{size} font-family="{FONT_FAMILY}">"#
    );
    let _ = writeln!(s, "<title>{}</title>", xml_escape(&diagram.title));
    if !diagram.description.is_empty() {
        let _ = writeln!(s, "<desc>{}</desc>", xml_escape(&diagram.description));
    }
    let _ = writeln!(
        s,
        r#"<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="{}"/>"#,
        figure.background.hex()
    );
    let labels: HashMap<&Target, &FigureLabel> =
        figure.labels.iter().map(|l| (&l.target, l)).collect();
    for b in &figure.boxes {
        if let Some(c) = diagram.component(b.id.as_str()) {
            let label = labels.get(&Target::Component(b.id.clone())).copied();
            component_svg(
                &mut s,
                c,
                b,
                label,
                figure.background,
                writeups,
                options.links,
            );
        }
    }
    for line in &figure.lines {
        if let Target::Link(id) = &line.target
            && let Some(l) = diagram.link(id.as_str())
        {
            let label = labels.get(&line.target).copied();
            link_svg(&mut s, l, line, label, figure.background, options.links);
        }
    }
    s.push_str("</svg>\n");
    s
}

/// Opens a part's link, if it has one; returns whether it did.
fn open_link(
    s: &mut String,
    target: &str,
    slug: Option<&crate::model::WriteupSlug>,
    links: PartLinks,
) -> bool {
    match (links, slug) {
        (PartLinks::Writeups, Some(slug)) => {
            let _ = writeln!(s, r#"<a href="{}">"#, xml_escape(&writeup_href(slug)));
            true
        }
        (PartLinks::Pages, Some(slug)) => {
            let _ = writeln!(s, r#"<a href="{}.html">"#, xml_escape(slug.as_str()));
            true
        }
        (PartLinks::Writeups | PartLinks::Pages, None) => false,
        (PartLinks::Parts, _) => {
            let href = crate::model::Route::Component(target.to_owned()).to_hash();
            let data = slug.map_or(String::new(), |s| {
                format!(r#" data-writeup="{}""#, xml_escape(s.as_str()))
            });
            let _ = writeln!(s, r#"<a href="{}"{data}>"#, xml_escape(&href));
            true
        }
    }
}

fn component_svg(
    s: &mut String,
    c: &Component,
    b: &FigureBox,
    label: Option<&FigureLabel>,
    ground: style::Rgb,
    writeups: Option<&WriteupCatalog>,
    links: PartLinks,
) {
    let r = b.rect;
    let id = xml_escape(c.id.as_str());
    let _ = writeln!(s, r#"<g class="component" id="component-{id}">"#);
    let tooltip = match c
        .writeup
        .as_ref()
        .and_then(|slug| writeups.and_then(|w| w.get(slug)))
    {
        Some(w) => format!("{} — {}", c.label, w.title),
        None => c.label.clone(),
    };
    let linked = open_link(s, c.id.as_str(), c.writeup.as_ref(), links);
    let _ = writeln!(s, "<title>{}</title>", xml_escape(&tooltip));
    let _ = writeln!(
        s,
        r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{}" stroke="{}" stroke-width="{}"/>"#,
        r.x,
        r.y,
        r.w,
        r.h,
        sizes::CORNER_RADIUS,
        b.fill.hex(),
        b.border.hex(),
        sizes::BORDER_WIDTH
    );
    if let Some(label) = label {
        text_svg(s, label, ground);
    }
    if linked {
        s.push_str("</a>\n");
    }
    s.push_str("</g>\n");
}

/// A label's lines, each centred on the line the figure gives it.
fn text_svg(s: &mut String, label: &FigureLabel, ground: style::Rgb) {
    if label.backdrop {
        let pad = label.font * 0.15;
        let b = label.block;
        let _ = writeln!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{}"/>"#,
            b.x - pad,
            b.y - pad,
            b.w + 2.0 * pad,
            b.h + 2.0 * pad,
            label.font * 0.2,
            ground.hex()
        );
    }
    let anchor = match label.align {
        Align::Center => "middle",
        Align::Left => "start",
    };
    let _ = write!(
        s,
        r#"<text font-size="{}" fill="{}" text-anchor="{anchor}" dominant-baseline="central">"#,
        label.font,
        label.color.hex(),
    );
    for (i, line) in label.lines.iter().enumerate() {
        let at = label.line_center(i);
        let _ = write!(
            s,
            r#"<tspan x="{}" y="{}">{}</tspan>"#,
            at.x,
            at.y,
            xml_escape(line)
        );
    }
    s.push_str("</text>\n");
}

fn link_svg(
    s: &mut String,
    l: &Link,
    line: &FigureLine,
    label: Option<&FigureLabel>,
    ground: style::Rgb,
    links: PartLinks,
) {
    let color = line.color.hex();
    let points: Vec<String> = line
        .points
        .iter()
        .map(|p| format!("{},{}", p.x, p.y))
        .collect();
    let _ = writeln!(
        s,
        r#"<g class="link" id="link-{}">"#,
        xml_escape(l.id.as_str())
    );
    let linked = open_link(s, l.id.as_str(), l.writeup.as_ref(), links);
    let _ = writeln!(s, "<title>{}</title>", xml_escape(&l.label));
    let _ = writeln!(
        s,
        r#"<polyline points="{}" fill="none" stroke="{color}" stroke-width="{}" stroke-linejoin="round"/>"#,
        points.join(" "),
        line.width
    );
    if let Some([tip, b, c]) = line.head {
        let _ = writeln!(
            s,
            r#"<polygon points="{},{} {},{} {},{}" fill="{color}"/>"#,
            tip.x, tip.y, b.x, b.y, c.x, c.y
        );
    }
    if let Some(label) = label {
        text_svg(s, label, ground);
    }
    if linked {
        s.push_str("</a>\n");
    }
    s.push_str("</g>\n");
}

/// Runs `autochitect export`: the diagram is validated against the project's write-ups, so
/// each part links to its write-up with its title as a tooltip.
pub fn run(root: &std::path::Path, args: &ExportArgs) -> std::process::ExitCode {
    use std::process::ExitCode;
    let catalog = super::check::catalog(&root.join(crate::model::paths::writeup_dir())).ok();
    let slugs = catalog
        .as_ref()
        .map(WriteupCatalog::slugs)
        .unwrap_or_default();
    let path = args.diagram.as_str();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("{path}: error: cannot read: {e}");
            return ExitCode::from(1);
        }
    };
    let diagram = match crate::model::parse_diagram(path, &text, &slugs) {
        Ok(d) => d,
        Err(d) => {
            eprint!("{d}");
            return ExitCode::from(1);
        }
    };
    let out = match args.format {
        ExportFormat::Svg => svg(&diagram, catalog.as_ref()),
        ExportFormat::Dot => diagram.to_dot(),
    };
    let written = match &args.output {
        Some(file) => {
            std::fs::write(file, out).map_err(|e| format!("{file}: error: cannot write: {e}"))
        }
        None => {
            use std::io::Write;
            std::io::stdout()
                .write_all(out.as_bytes())
                .map_err(|e| format!("cannot write: {e}"))
        }
    };
    match written {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("{e}");
            ExitCode::from(1)
        }
    }
}
