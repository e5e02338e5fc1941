//! The look of the canvas and the panels in the current theme: the core's palette
//! ([`crate::model::style`]) turned into Bevy and egui colours, in one place.
//!
//! [`Look`] is a resource that follows the user's theme (and the system's, for "Auto"); the
//! scene, the labels and the panels read it.

use bevy::prelude::*;
use bevy_egui::egui;

pub use crate::model::style::sizes::*;
use crate::model::style::{Palette, Rgb, Theme};
use crate::model::{ComponentKind, LinkKind};

/// How far a dimmed part fades towards the background (0: not at all, 1: invisible).
pub const DIM: f32 = 0.7;
/// Border width of the selected box: a thick outer ring, so the selection never rests on its
/// colour alone (the hover mark is a thin ring inside the box).
pub const SELECTED_BORDER_WIDTH: f32 = 4.0;
/// Labels smaller than this many logical pixels are not drawn (too small to read).
pub const MIN_LABEL_PX: f32 = 5.5;

/// A colour of the palette as Bevy's.
pub const fn color(c: Rgb) -> Color {
    Color::srgb_u8(c.0, c.1, c.2)
}

/// A colour of the palette as egui's.
pub fn color32(c: Rgb) -> egui::Color32 {
    egui::Color32::from_rgb(c.0, c.1, c.2)
}

/// The current theme's colours.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct Look {
    /// Which theme.
    pub theme: Theme,
    /// Its palette.
    pub palette: &'static Palette,
}

impl Default for Look {
    fn default() -> Self {
        Look::of(Theme::Light)
    }
}

impl Look {
    /// The look of a theme.
    pub fn of(theme: Theme) -> Look {
        Look {
            theme,
            palette: theme.palette(),
        }
    }

    /// Canvas background.
    pub fn background(&self) -> Color {
        color(self.palette.background)
    }

    /// Box text.
    pub fn text(&self) -> Color {
        color(self.palette.text)
    }

    /// Link label text.
    pub fn link_text(&self) -> Color {
        color(self.palette.link_text)
    }

    /// A box's border.
    pub fn border(&self) -> Color {
        color(self.palette.border)
    }

    /// The hovered part.
    pub fn hover(&self) -> Color {
        color(self.palette.hover)
    }

    /// The selected part's halo.
    pub fn selected(&self) -> Color {
        color(self.palette.selected)
    }

    /// The travelling packet.
    pub fn packet(&self) -> Color {
        color(self.palette.hover)
    }

    /// Fill colour of a component box.
    pub fn fill(&self, kind: ComponentKind) -> Color {
        color(self.palette.fill(kind))
    }

    /// Line colour and width of a link.
    pub fn link_style(&self, kind: LinkKind) -> (Color, f32) {
        (
            color(self.palette.link(kind)),
            crate::model::style::link_width(kind),
        )
    }

    /// egui's visuals for the panels in this theme.
    pub fn visuals(&self) -> egui::Visuals {
        let p = self.palette;
        match self.theme {
            Theme::Light => egui::Visuals::light(),
            Theme::Dark => {
                let mut v = egui::Visuals::dark();
                v.panel_fill = color32(p.fills[0]);
                v.window_fill = color32(p.fills[0]);
                v
            }
            Theme::HighContrast => {
                let mut v = egui::Visuals::light();
                let black = egui::Color32::BLACK;
                v.override_text_color = Some(black);
                v.hyperlink_color = egui::Color32::from_rgb(0, 50, 170);
                v.panel_fill = egui::Color32::WHITE;
                v.window_fill = egui::Color32::WHITE;
                v.extreme_bg_color = egui::Color32::from_rgb(245, 245, 245);
                v.code_bg_color = egui::Color32::from_rgb(235, 235, 235);
                v.window_stroke = egui::Stroke::new(2.0, black);
                for w in [
                    &mut v.widgets.noninteractive,
                    &mut v.widgets.inactive,
                    &mut v.widgets.hovered,
                    &mut v.widgets.active,
                    &mut v.widgets.open,
                ] {
                    w.fg_stroke = egui::Stroke::new(w.fg_stroke.width.max(1.0), black);
                    w.bg_stroke = egui::Stroke::new(w.bg_stroke.width.max(1.5), black);
                }
                v.selection.stroke = egui::Stroke::new(2.0, black);
                v.selection.bg_fill = egui::Color32::from_rgb(255, 214, 10);
                v
            }
        }
    }
}

/// Space between a container's edge and its title.
pub fn title_inset() -> Vec2 {
    Vec2::new(TITLE_INSET.0, TITLE_INSET.1)
}
