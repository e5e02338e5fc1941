//! Colours, sizes and fonts in one place. Nothing else in the app writes a literal colour.

use bevy::prelude::*;

use crate::model::{ComponentKind, LinkKind};

/// Canvas background.
pub const BACKGROUND: Color = Color::srgb(0.965, 0.969, 0.976);
/// Box text.
pub const TEXT: Color = Color::srgb(0.10, 0.12, 0.16);
/// Link label text.
pub const LINK_TEXT: Color = Color::srgb(0.28, 0.31, 0.36);
/// Border of a box nobody points at.
pub const BORDER: Color = Color::srgb(0.55, 0.59, 0.66);
/// Border of the hovered box.
pub const HOVER: Color = Color::srgb(0.25, 0.47, 0.85);
/// Border and halo of the selected box or line.
pub const SELECTED: Color = Color::srgb(0.90, 0.35, 0.05);
/// Background behind link labels, so they stay readable over lines.
pub const LABEL_BACKGROUND: Color = Color::srgba(0.965, 0.969, 0.976, 0.92);

/// The bundled font for labels on the canvas.
pub const FONT: &str = "fonts/DejaVuSans.ttf";
/// Leaf label size, in diagram units at zoom 1.
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
/// Border width of the selected box.
pub const SELECTED_BORDER_WIDTH: f32 = 4.0;
/// Space between a container's edge and its title.
pub const TITLE_INSET: Vec2 = Vec2::new(12.0, 10.0);

/// Fill colour of a component box.
pub fn fill(kind: ComponentKind) -> Color {
    match kind {
        ComponentKind::Computer => Color::srgb(0.93, 0.94, 0.96),
        ComponentKind::Hardware => Color::srgb(0.87, 0.89, 0.92),
        ComponentKind::Os => Color::srgb(0.86, 0.93, 0.88),
        ComponentKind::Runtime => Color::srgb(0.95, 0.91, 0.82),
        ComponentKind::Application => Color::srgb(0.85, 0.91, 0.98),
        ComponentKind::Distributed => Color::srgb(0.92, 0.88, 0.97),
        ComponentKind::Group => Color::srgb(0.98, 0.98, 0.99),
    }
}

/// Line colour and width of a link.
pub fn link_style(kind: LinkKind) -> (Color, f32) {
    match kind {
        LinkKind::Cable => (Color::srgb(0.93, 0.55, 0.10), 7.0),
        LinkKind::Bus => (Color::srgb(0.38, 0.42, 0.48), 2.5),
        LinkKind::Call => (Color::srgb(0.20, 0.42, 0.75), 2.0),
        LinkKind::Dataflow => (Color::srgb(0.30, 0.55, 0.40), 2.0),
        LinkKind::Logical => (Color::srgb(0.52, 0.33, 0.72), 2.5),
    }
}

/// The fill of a hovered box: the normal fill, lightened.
pub fn hovered_fill(normal: Color) -> Color {
    normal.mix(&Color::WHITE, 0.4)
}
