//! The look of the canvas and the panels in the current theme: the core's palette
//! ([`crate::model::style`]) turned into Bevy and egui colours, in one place.
//!
//! [`Look`] is a resource that follows the user's theme (and the system's, for "Auto"); the
//! scene and the labels read it, and the panels read it from their egui context
//! ([`Look::apply`], [`Look::in_ui`]): no colour is written anywhere else.

use bevy::prelude::*;
use bevy_egui::egui;

pub use crate::model::style::sizes::*;
use crate::model::style::{Palette, Panels, Rgb, Theme};
use crate::model::{ComponentKind, LinkKind};

/// Border width of the selected box: a thick outer ring (`style::SELECTED_RING`).
pub const SELECTED_BORDER_WIDTH: f32 = crate::model::style::SELECTED_RING;
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

    /// egui's visuals for the panels in this theme: every colour egui draws text or a widget
    /// with comes from the palette's [`Panels`].
    pub fn visuals(&self) -> egui::Visuals {
        let p = &self.palette.panels;
        let mut v = match self.theme {
            Theme::Dark => egui::Visuals::dark(),
            Theme::Light | Theme::HighContrast => egui::Visuals::light(),
        };
        v.override_text_color = None;
        v.weak_text_color = Some(color32(p.muted));
        v.hyperlink_color = color32(p.link);
        v.warn_fg_color = color32(p.warning);
        v.error_fg_color = color32(p.error);
        v.panel_fill = color32(p.background);
        v.window_fill = color32(p.background);
        v.extreme_bg_color = color32(p.well);
        v.code_bg_color = color32(p.code);
        v.faint_bg_color = color32(p.stripe);
        v.selection.bg_fill = color32(p.selected.background);
        v.selection.stroke.color = color32(p.selected.text);
        let w = &mut v.widgets;
        for (state, text, ground) in [
            (&mut w.noninteractive, p.text, p.background),
            (&mut w.inactive, p.button.text, p.button.background),
            (&mut w.hovered, p.hovered.text, p.hovered.background),
            // egui's strong text is the pressed button's.
            (&mut w.active, p.strong, p.pressed),
        ] {
            state.fg_stroke.color = color32(text);
            state.weak_bg_fill = color32(ground);
            state.bg_fill = color32(ground);
        }
        // An open menu's button (its `bg_fill`, egui's panel colour, is not under any text).
        w.open.fg_stroke.color = color32(p.open.text);
        w.open.weak_bg_fill = color32(p.open.background);
        if self.theme == Theme::HighContrast {
            // Thicker strokes, in the figure's border colour.
            let ink = color32(self.palette.border);
            v.window_stroke = egui::Stroke::new(2.0, ink);
            for w in [
                &mut v.widgets.noninteractive,
                &mut v.widgets.inactive,
                &mut v.widgets.hovered,
                &mut v.widgets.active,
                &mut v.widgets.open,
            ] {
                w.fg_stroke.width = w.fg_stroke.width.max(1.0);
                w.bg_stroke = egui::Stroke::new(w.bg_stroke.width.max(1.5), ink);
            }
            v.selection.stroke.width = 2.0;
        }
        v
    }

    /// Gives an egui context this look: egui's visuals for its widgets, and the look itself
    /// for what the panels paint on their own (tag chips, the find's marks, the reader's
    /// figures), read back with [`Look::in_ui`].
    pub fn apply(&self, ctx: &egui::Context) {
        ctx.set_visuals_of(egui::Theme::Light, self.visuals());
        ctx.set_visuals_of(egui::Theme::Dark, self.visuals());
        ctx.data_mut(|d| d.insert_temp(look_id(), *self));
    }

    /// The look a panel is drawn in: the one last given to its context (the light one before).
    pub fn in_ui(ui: &egui::Ui) -> Look {
        ui.ctx()
            .data(|d| d.get_temp::<Look>(look_id()))
            .unwrap_or_default()
    }

    /// The panels' colours.
    pub fn panels(&self) -> &'static Panels {
        &self.palette.panels
    }
}

/// Where a context keeps its [`Look`].
fn look_id() -> egui::Id {
    egui::Id::new("autochitect::theme::Look")
}

/// Space between a container's edge and its title.
pub fn title_inset() -> Vec2 {
    Vec2::new(TITLE_INSET.0, TITLE_INSET.1)
}
