//! The pure model: file formats, validation and the typed graph the app consumes.
//!
//! Nothing here depends on Bevy. Raw text goes in, and either a validated [`Diagram`] /
//! [`WriteupCatalog`] comes out, or a list of [`Diagnostic`]s that each name the file, line and
//! column of the problem. Every problem is reported at once, so an author fixes a file in one
//! pass. The rest of the app only ever sees a valid model.

mod diagnostic;
mod diagram;
mod geometry;
mod ids;
mod layout;
mod links;
mod lint;
mod outline;
pub mod search;
pub mod synthetic;
mod tour;
mod writeup;

pub use diagnostic::{Diagnostic, Diagnostics, Position, Severity};
pub use diagram::{
    Component, ComponentDef, ComponentKind, Diagram, DiagramFile, Link, LinkDef, LinkKind, Target,
    parse_diagram,
};
pub use geometry::{Point, Rect};
pub use ids::{ComponentId, LinkId, WriteupSlug, is_valid_id as is_valid_slug};
pub use links::{LinkAction, classify_link, writeup_href};
pub use lint::{estimate_text_width, lint_diagram};
pub use tour::{HopDef, Step, StepDef, Tour, TourDef, focus_bounds, packet_route, parse_tours};
pub use writeup::{
    Date, Property, Writeup, WriteupCatalog, WriteupMetaFile, WriteupSource, parse_diagram_index,
    parse_writeup_index, parse_writeup_meta,
};

/// Parse options shared by every RON file: `Some(..)` may be left out around optional values.
pub fn ron_options() -> ron::Options {
    ron::Options::default().with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
}
