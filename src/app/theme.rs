//! Bevy colours and sizes for the canvas, from [`crate::model::style`]: one place for the look.

use bevy::prelude::*;

pub use crate::model::style::sizes::*;
use crate::model::style::{self as palette, Rgb};
use crate::model::{ComponentKind, LinkKind};

const fn color(c: Rgb) -> Color {
    Color::srgb_u8(c.0, c.1, c.2)
}

/// Canvas background.
pub const BACKGROUND: Color = color(palette::BACKGROUND);
/// Box text.
pub const TEXT: Color = color(palette::TEXT);
/// Link label text.
pub const LINK_TEXT: Color = color(palette::LINK_TEXT);
/// Border of a box nobody points at.
pub const BORDER: Color = color(palette::BORDER);
/// Border of the hovered box.
pub const HOVER: Color = color(palette::HOVER);
/// Border and halo of the selected box or line.
pub const SELECTED: Color = color(palette::SELECTED);
/// The travelling packet in tours.
pub const PACKET: Color = color(palette::HOVER);
/// How far a dimmed part fades towards the background (0: not at all, 1: invisible).
pub const DIM: f32 = 0.7;
/// Border width of the selected box.
pub const SELECTED_BORDER_WIDTH: f32 = 4.0;
/// Labels smaller than this many logical pixels are not drawn (too small to read).
pub const MIN_LABEL_PX: f32 = 5.5;

/// Space between a container's edge and its title.
pub fn title_inset() -> Vec2 {
    Vec2::new(TITLE_INSET.0, TITLE_INSET.1)
}

/// Fill colour of a component box.
pub fn fill(kind: ComponentKind) -> Color {
    color(palette::fill(kind))
}

/// Line colour and width of a link.
pub fn link_style(kind: LinkKind) -> (Color, f32) {
    let (c, w) = palette::link(kind);
    (color(c), w)
}
