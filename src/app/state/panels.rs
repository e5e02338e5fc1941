//! The panels' own state that more than one feature reads: the search box, the reader's find
//! and layout, the write-up index.

use bevy::prelude::*;

/// The quick search box.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct SearchState {
    /// The box is open.
    pub open: bool,
    /// What was typed.
    pub query: String,
    /// The highlighted result.
    pub cursor: usize,
    /// The box was just opened: give it keyboard focus.
    pub focus: bool,
}

/// The reader's find box.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct ReaderFind {
    /// The box is open (and its matches highlighted).
    pub open: bool,
    /// What to find.
    pub query: String,
    /// The current match, from 0.
    pub current: usize,
    /// How many matches the last frame drew.
    pub total: usize,
    /// The box was just opened: give it keyboard focus.
    pub focus: bool,
}

/// How the open write-up was laid out in the last frame: what a test (or a curious author)
/// needs to know that nothing is cut off.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct ReaderLayout {
    /// The write-up drawn.
    pub slug: Option<crate::model::WriteupSlug>,
    /// The reader panel's right edge (logical pixels).
    pub panel_right: f32,
    /// The text column's left and right edges.
    pub column: (f32, f32),
    /// The farthest right running text reached (code and tables scroll in their own frames).
    pub text_right: f32,
    /// For each code block: its lines, and the rows it was drawn in.
    pub code: Vec<(usize, usize)>,
    /// How many headings were drawn.
    pub headings: usize,
    /// The heading at the top of the reader's view (the section being read).
    pub top_heading: Option<String>,
    /// The links in running text: text, where it goes, and where it is (min x, min y, max x,
    /// max y).
    pub links: Vec<(String, String, [f32; 4])>,
}

/// The "All write-ups" panel.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct IndexPanel {
    /// Whether it is shown.
    pub open: bool,
    /// Only write-ups with this tag are listed.
    pub tag: Option<String>,
}

/// Where the summary is to be scrolled when it is next drawn: the share of its overflow
/// scrolled past (0 at the top, 1 at the end). The web page's own summary, open while the app
/// started, hands its scroll over this way when the app takes its place.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct SummaryScroll(pub Option<f32>);
