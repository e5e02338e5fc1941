//! The colours of the figure, as plain sRGB bytes, so the app and the SVG export share them.
//! `theme` turns them into Bevy colours; nothing else writes a literal colour.

use crate::model::{ComponentKind, LinkKind};

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

/// Font sizes (diagram units at zoom 1) and box geometry, shared by the app and the export.
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
