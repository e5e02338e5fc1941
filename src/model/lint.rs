//! Warnings: things that load fine but are probably not what the author meant.
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::diagnostic::{Diagnostic, Diagnostics, Position, Severity};
use super::diagram::{Diagram, DiagramFile};
use super::geometry::Point;
use super::glyphs;
use super::outline::outline;
use super::routing;
use super::style::label_fits;

/// Warnings for a valid diagram: components without a write-up, labels that do not fit their
/// box, and sibling boxes that overlap.
pub fn lint_diagram(file: &str, src: &str, diagram: &Diagram) -> Diagnostics {
    let mut out = Diagnostics::default();
    let tree = outline(src);
    let raw: Option<DiagramFile> = super::ron_options().from_str(src).ok();
    // Position of each component's `id` value, by id (file order matches the outline).
    let pos_of = |id: &str, field: &str| -> Option<Position> {
        let raw = raw.as_ref()?;
        let i = raw.components.iter().position(|c| c.id == id)?;
        Some(
            tree.field("components")?
                .value
                .items()
                .get(i)?
                .value_pos(field),
        )
    };
    let mut warn = |pos: Option<Position>, message: String| {
        out.0.push(Diagnostic {
            file: file.to_owned(),
            pos,
            severity: Severity::Warning,
            message,
        });
    };
    for l in diagram.links() {
        let missing = glyphs::uncovered(&l.label);
        if !missing.is_empty() {
            warn(
                None,
                format!(
                    "the label of link `{}` uses characters the bundled font cannot draw ({}); they are shown as {}",
                    l.id,
                    missing.iter().collect::<String>(),
                    glyphs::REPLACEMENT
                ),
            );
        }
    }
    for c in diagram.components() {
        let missing = glyphs::uncovered(&c.label);
        if !missing.is_empty() {
            warn(
                pos_of(c.id.as_str(), "label"),
                format!(
                    "the label of `{}` uses characters the bundled font cannot draw ({}); they are shown as {}",
                    c.id,
                    missing.iter().collect::<String>(),
                    glyphs::REPLACEMENT
                ),
            );
        }
        if c.writeup.is_none() {
            warn(
                pos_of(c.id.as_str(), "id"),
                format!("component `{}` has no write-up", c.id),
            );
        }
        let fits = label_fits(c);
        if !fits {
            warn(
                pos_of(c.id.as_str(), "label"),
                format!(
                    "the label of `{}` is probably too long for its box ({} × {})",
                    c.id, c.rect.w, c.rect.h
                ),
            );
        }
    }
    // Links: a run through a box, a label on something else.
    let link_pos = |k: usize| -> Option<Position> {
        Some(tree.field("links")?.value.items().get(k)?.value_pos("id"))
    };
    let bends: Vec<Vec<Point>> = raw
        .as_ref()
        .map(|r| {
            r.links
                .iter()
                .map(|l| l.via.iter().map(|&(x, y)| Point::new(x, y)).collect())
                .collect()
        })
        .unwrap_or_default();
    let name = |k: usize| {
        diagram
            .links()
            .get(k)
            .map(|l| l.id.to_string())
            .unwrap_or_default()
    };
    // Diagrams too big to route keep straight links by design: nothing to warn about there.
    let routed = diagram.components().len() <= routing::MAX_ROUTED_COMPONENTS;
    let clashes = if routed {
        routing::clashes(diagram, &bends)
    } else {
        Vec::new()
    };
    for clash in clashes {
        match clash {
            routing::Clash::Crosses { link, component } => warn(
                link_pos(link),
                format!(
                    "link `{}` runs through `{component}`; give it bend points (`via`) around the box, or move the box",
                    name(link)
                ),
            ),
            routing::Clash::LabelOn { link, what } => warn(
                link_pos(link),
                format!(
                    "the label of link `{}` covers {what}; shorten it, or make room beside the link",
                    name(link)
                ),
            ),
        }
    }
    let comps = diagram.components();
    for (i, a) in comps.iter().enumerate() {
        for b in comps.iter().skip(i + 1) {
            if a.parent == b.parent && a.rect.overlaps(&b.rect) {
                let (first, second) = if pos_of(a.id.as_str(), "at") <= pos_of(b.id.as_str(), "at")
                {
                    (a, b)
                } else {
                    (b, a)
                };
                warn(
                    pos_of(second.id.as_str(), "at"),
                    format!("`{}` overlaps its sibling `{}`", second.id, first.id),
                );
            }
        }
    }
    out.sort();
    out
}
