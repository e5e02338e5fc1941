//! The figure's look as plain data, and the few decisions made from it: which colour each kind
//! of part has, how big a label is, how it wraps, and where a link's label sits.
//!
//! The canvas, the SVG export, the layout and the lint all ask here, so a label checked by
//! `check` is the label the app draws. Colours are sRGB bytes; the app turns them into Bevy
//! colours in one place (`app::theme`).
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::diagram::{Component, ComponentKind, LinkKind};
use super::geometry::Point;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, for SVG and CSS.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Canvas background.
pub const BACKGROUND: Rgb = Rgb(246, 247, 249);
/// Box text.
pub const TEXT: Rgb = Rgb(26, 31, 41);
/// Link label text.
pub const LINK_TEXT: Rgb = Rgb(71, 79, 92);
/// Border of a box nobody points at.
pub const BORDER: Rgb = Rgb(140, 150, 168);
/// Border of the hovered box.
pub const HOVER: Rgb = Rgb(64, 120, 217);
/// Border and halo of the selected box or line.
pub const SELECTED: Rgb = Rgb(230, 89, 13);

/// Fill colour of a component box.
pub fn fill(kind: ComponentKind) -> Rgb {
    match kind {
        ComponentKind::Computer => Rgb(237, 240, 245),
        ComponentKind::Hardware => Rgb(222, 227, 235),
        ComponentKind::Os => Rgb(219, 237, 224),
        ComponentKind::Runtime => Rgb(242, 232, 209),
        ComponentKind::Application => Rgb(217, 232, 250),
        ComponentKind::Distributed => Rgb(235, 224, 247),
        ComponentKind::Group => Rgb(250, 250, 252),
    }
}

/// Line colour and width (diagram units) of a link.
pub fn link(kind: LinkKind) -> (Rgb, f32) {
    match kind {
        LinkKind::Cable => (Rgb(237, 140, 26), 7.0),
        LinkKind::Bus => (Rgb(97, 107, 122), 2.5),
        LinkKind::Call => (Rgb(51, 107, 191), 2.0),
        LinkKind::Dataflow => (Rgb(77, 140, 102), 2.0),
        LinkKind::Logical => (Rgb(133, 84, 184), 2.5),
    }
}

/// Screens narrower than this (logical pixels) get the phone layout: a menu for the top bar,
/// the summary as a sheet at the bottom, the reader full screen, and the first computer framed
/// first (see [`super::narrow_frame`]).
pub const NARROW_SCREEN_PX: f32 = 600.0;

/// Empty space kept around the diagram when it is fitted to the screen, in logical pixels.
pub const FIT_MARGIN_PX: f32 = 32.0;
/// The smallest a box's label may be on a phone's first view, in logical pixels.
pub const MIN_READABLE_PX: f32 = 11.0;

/// Font sizes (diagram units at zoom 1) and box geometry.
pub mod sizes {
    /// Leaf label size.
    pub const LEAF_FONT: f32 = 15.0;
    /// Container title size.
    pub const CONTAINER_FONT: f32 = 16.0;
    /// Computer title size.
    pub const COMPUTER_FONT: f32 = 20.0;
    /// Link label size.
    pub const LINK_FONT: f32 = 12.0;
    /// Corner radius of boxes.
    pub const CORNER_RADIUS: f32 = 8.0;
    /// Border width of boxes.
    pub const BORDER_WIDTH: f32 = 1.5;
    /// Space between a container's edge and its title (x, y).
    pub const TITLE_INSET: (f32, f32) = (12.0, 10.0);
    /// Horizontal padding inside a leaf box around its label.
    pub const LABEL_PADDING: f32 = 8.0;
    /// Average glyph width as a fraction of the font size, for estimating label widths
    /// without font metrics (DejaVu Sans averages a little over half an em).
    pub const AVERAGE_GLYPH_WIDTH: f32 = 0.56;
    /// Line height as a multiple of the font size.
    pub const LINE_HEIGHT: f32 = 1.2;
}

/// How a component's label is set: centred and wrapped inside a leaf, or a title at a
/// container's top-left corner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelRole {
    /// A box with no children: the label is centred and wraps to the box's width.
    Leaf,
    /// A box holding others: the label is a title in its top band.
    Container,
    /// A top-level computer: a larger title.
    Computer,
}

impl LabelRole {
    /// The role of a component's label, given whether it has children.
    pub fn of(kind: ComponentKind, leaf: bool) -> LabelRole {
        match (leaf, kind) {
            (true, _) => LabelRole::Leaf,
            (false, ComponentKind::Computer) => LabelRole::Computer,
            (false, _) => LabelRole::Container,
        }
    }

    /// The role of a laid-out component's label.
    pub fn of_component(c: &Component) -> LabelRole {
        LabelRole::of(c.kind, c.children.is_empty())
    }

    /// Font size, in diagram units.
    pub fn font(self) -> f32 {
        match self {
            LabelRole::Leaf => sizes::LEAF_FONT,
            LabelRole::Container => sizes::CONTAINER_FONT,
            LabelRole::Computer => sizes::COMPUTER_FONT,
        }
    }
}

/// Estimated width of a line of text at `font` size, without font metrics.
pub fn text_width(text: &str, font: f32) -> f32 {
    text.chars().count() as f32 * font * sizes::AVERAGE_GLYPH_WIDTH
}

/// Breaks `text` at spaces into lines no wider than `width` (estimated), as the canvas wraps a
/// leaf's label. A word wider than `width` gets a line of its own.
pub fn wrap(text: &str, font: f32, width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}"), font) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// Whether a component's label fits its box as the canvas sets it: a leaf's wrapped lines fit
/// its height and no word is wider than the box; a title fits on one line.
pub fn label_fits(c: &Component) -> bool {
    let role = LabelRole::of_component(c);
    let font = role.font();
    match role {
        LabelRole::Leaf => {
            let width = c.rect.w - 2.0 * sizes::LABEL_PADDING;
            let lines = wrap(&c.label, font, width);
            lines.iter().all(|l| text_width(l, font) <= width)
                && lines.len() as f32 * font * sizes::LINE_HEIGHT <= c.rect.h - sizes::LABEL_PADDING
        }
        LabelRole::Container | LabelRole::Computer => {
            text_width(&c.label, font) <= c.rect.w - 2.0 * sizes::TITLE_INSET.0
        }
    }
}

/// The smallest size an automatically sized leaf gets.
pub const LEAF_MIN: (f32, f32) = (120.0, 50.0);

/// The size a leaf without an explicit size gets from its label: wide enough for the text up to
/// a maximum width, then taller by one line per wrap.
pub fn leaf_size_for(label: &str) -> (f32, f32) {
    const MIN: (f32, f32) = LEAF_MIN;
    const MAX_WIDTH: f32 = 240.0;
    let font = LabelRole::Leaf.font();
    let text = text_width(label, font) + 2.0 * (sizes::LABEL_PADDING + 8.0);
    let w = text.clamp(MIN.0, MAX_WIDTH);
    let lines = (text / MAX_WIDTH).ceil().max(1.0);
    let h = (lines * font * sizes::LINE_HEIGHT + 2.0 * 14.0).max(MIN.1);
    (w.round(), h.round())
}

/// Where a link's label goes: beside the middle of its longest segment, to the right of a
/// vertical one and above a horizontal one, so it never covers the line.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinkLabelAnchor {
    /// The anchor point (diagram coordinates, y down).
    pub at: Point,
    /// Whether the segment runs vertically (the label starts at `at`); otherwise the label is
    /// centred on `at` and sits above it.
    pub vertical: bool,
}

/// The anchor of a link label, for a path drawn `width` units wide. `None` for a path with
/// fewer than two points.
pub fn link_label_anchor(path: &[Point], width: f32) -> Option<LinkLabelAnchor> {
    let len = |(a, b): &(Point, Point)| (b.x - a.x).hypot(b.y - a.y);
    let (a, b) = path
        .windows(2)
        .filter_map(|w| match w {
            [a, b] => Some((*a, *b)),
            _ => None,
        })
        .max_by(|x, y| len(x).total_cmp(&len(y)))?;
    let mid = Point::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
    let vertical = (b.y - a.y).abs() > (b.x - a.x).abs();
    let at = if vertical {
        Point::new(mid.x + width / 2.0 + 6.0, mid.y)
    } else {
        Point::new(mid.x, mid.y - width / 2.0 - 4.0)
    };
    Some(LinkLabelAnchor { at, vertical })
}

/// The arrow head at the end of a directed path drawn `width` units wide: tip and the two base
/// corners. `None` when the path has fewer than two points.
pub fn arrow_head(path: &[Point], width: f32) -> Option<[Point; 3]> {
    let [.., a, tip] = path else { return None };
    let (dx, dy) = (tip.x - a.x, tip.y - a.y);
    let len = (dx * dx + dy * dy).sqrt().max(f32::EPSILON);
    let (ux, uy) = (dx / len, dy / len);
    let size = 6.0 + width * 1.5;
    let (bx, by) = (tip.x - ux * size * 1.6, tip.y - uy * size * 1.6);
    let (px, py) = (-uy * size * 0.8, ux * size * 0.8);
    Some([
        *tip,
        Point::new(bx + px, by + py),
        Point::new(bx - px, by - py),
    ])
}
