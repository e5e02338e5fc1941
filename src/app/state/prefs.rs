//! The user's preferences (theme, text size, reduced motion) and what the platform says.

use bevy::prelude::*;

/// How the user wants the app to look and behave. Remembered between sessions.
#[derive(Resource, Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
#[serde(default)]
pub struct Preferences {
    /// Reduced motion: camera moves are instant and packets do not travel.
    pub reduced_motion: bool,
    /// The theme, or the system's choice.
    pub theme: ThemeChoice,
    /// Text size, as a multiple of the normal size: the panels and the canvas labels together.
    pub text_scale: f32,
}

impl Default for Preferences {
    fn default() -> Self {
        Self {
            reduced_motion: false,
            theme: ThemeChoice::Auto,
            text_scale: 1.0,
        }
    }
}

impl Preferences {
    /// Smallest and largest text size.
    pub const TEXT_SCALE_RANGE: (f32, f32) = (0.8, 2.0);
    /// One step of Ctrl+`+` / Ctrl+`-`.
    pub const TEXT_SCALE_STEP: f32 = 0.1;

    /// The theme in force, given what the system prefers.
    pub fn theme(&self, system: &SystemLook) -> crate::model::style::Theme {
        use crate::model::style::Theme;
        match self.theme {
            ThemeChoice::Auto if system.high_contrast => Theme::HighContrast,
            ThemeChoice::Auto if system.dark => Theme::Dark,
            ThemeChoice::Auto => Theme::Light,
            ThemeChoice::Fixed(t) => t,
        }
    }
}

/// The theme a user picked.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ThemeChoice {
    /// Follow the system (or the browser): dark, high contrast, or light.
    #[default]
    Auto,
    /// This theme, whatever the system says.
    Fixed(crate::model::style::Theme),
}

/// What the system (or the browser) says the user prefers.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct SystemLook {
    /// A dark colour scheme.
    pub dark: bool,
    /// More contrast.
    pub high_contrast: bool,
}
