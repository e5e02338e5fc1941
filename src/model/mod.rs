//! The pure core: file formats, validation with positions, the typed graph, layout, the
//! figure's look, search, navigation and deep links.
//!
//! Nothing here depends on Bevy or on any other part of the crate. Raw text goes in, and either
//! a validated [`Diagram`] / [`WriteupCatalog`] comes out, or a list of [`Diagnostic`]s that
//! each name the file, line and column of the problem. Every problem is reported at once, so an
//! author fixes a file in one pass. The rest of the program only ever sees a valid model.

mod diagnostic;
mod diagram;
pub mod figure;
mod geometry;
pub mod glyphs;
pub mod hit;
mod ids;
mod launch;
mod layout;
pub mod limits;
mod links;
mod lint;
pub mod markdown;
pub mod navigate;
pub(crate) mod outline;
pub mod paths;
pub mod project;
mod route;
pub mod routing;
pub mod search;
pub mod style;
pub mod synthetic;
mod tour;
mod writeup;
mod xml;

pub use diagnostic::{Diagnostic, Diagnostics, Position, Severity};
pub use diagram::{
    Component, ComponentDef, ComponentKind, Diagram, DiagramFile, Link, LinkDef, LinkKind,
    MISSING_WRITEUP, NO_WRITEUP, Target, parse_diagram,
};
pub use geometry::{Point, Rect};
pub use ids::{ComponentId, LinkId, WriteupSlug, is_valid_id as is_valid_slug};
pub use launch::Launch;
pub use links::{LinkAction, classify_link, lab_links, part_links, writeup_href};
pub use lint::lint_diagram;
pub use navigate::narrow_frame;
pub use route::{Address, Route};
pub use tour::{
    HopDef, MIN_FOCUS_SHARE, Step, StepDef, Tour, TourDef, focus_bounds, packet_at, packet_route,
    parse_tours, route_length, step_frame,
};
pub use writeup::{
    Body, Date, Property, Writeup, WriteupBody, WriteupCatalog, WriteupMetaFile, WriteupSource,
    parse_diagram_index, parse_writeup_body, parse_writeup_index, parse_writeup_meta,
};
pub use xml::xml_escape;

/// Parse options shared by every RON file: `Some(..)` may be left out around optional values.
pub fn ron_options() -> ron::Options {
    ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(limits::MAX_RON_DEPTH)
}

/// Parses a RON file into `T` with the limits and messages every file shares: a BOM is dropped,
/// an empty or oversized file is refused, and `ron`'s errors name things the way authors do.
pub(crate) fn parse_ron<T: serde::de::DeserializeOwned>(
    file: &str,
    src: &str,
) -> Result<T, Diagnostic> {
    let src = limits::strip_bom(src);
    limits::check_size(file, src, limits::MAX_FILE_BYTES)?;
    if src.trim().is_empty() {
        return Err(Diagnostic::error(
            file,
            Some(Position::new(1, 1)),
            "the file is empty",
        ));
    }
    ron_options()
        .from_str(src)
        .map_err(|e| diagnostic::from_ron(file, &e, src))
}
