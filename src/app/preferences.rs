//! How the user wants the app to look and behave: reduced motion, the theme (light, dark, high
//! contrast, or the system's), and the text size. The consumer of `SetReducedMotion`,
//! `SetTheme` and `TextSize`.
//!
//! Preferences are remembered between sessions (a small file in the user's configuration
//! folder on the desktop, the browser's local storage on the web). What the system prefers
//! (dark, more contrast, less motion) comes from the window on the desktop and from the
//! browser's media queries on the web; `--reduced-motion` turns reduced motion on at start.

use bevy::prelude::*;

use super::state::{AppSystems, Consumer, Intent, LaunchOptions, Preferences, SystemLook};
use super::theme::Look;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, start).add_systems(
        Update,
        (
            apply_intents.in_set(AppSystems::Apply),
            (follow_system, update_look)
                .chain()
                .in_set(AppSystems::Follow),
            remember.in_set(AppSystems::Visuals),
        ),
    );
}

/// Loads the remembered preferences, then applies the command line's.
fn start(
    options: Res<LaunchOptions>,
    mut prefs: ResMut<Preferences>,
    mut system: ResMut<SystemLook>,
) {
    if options.remember_preferences
        && let Some(saved) = store::load(&options)
    {
        *prefs = saved;
    }
    let asked = store::system_look();
    *system = asked.0;
    if options.launch.reduced_motion || asked.1 {
        prefs.reduced_motion = true;
    }
    prefs.text_scale = clamp_text(prefs.text_scale);
}

fn clamp_text(scale: f32) -> f32 {
    let (lo, hi) = Preferences::TEXT_SCALE_RANGE;
    if scale.is_finite() {
        scale.clamp(lo, hi)
    } else {
        1.0
    }
}

fn apply_intents(mut intents: MessageReader<Intent>, mut prefs: ResMut<Preferences>) {
    for intent in intents.read().filter(Intent::for_(Consumer::Preferences)) {
        let mut next = *prefs;
        match intent {
            Intent::SetReducedMotion(on) => next.reduced_motion = *on,
            Intent::SetTheme(choice) => next.theme = *choice,
            Intent::TextSize(0) => next.text_scale = 1.0,
            Intent::TextSize(steps) => {
                // Whole steps, so a few presses back and forth return exactly to 1.
                let s = next.text_scale + f32::from(*steps) * Preferences::TEXT_SCALE_STEP;
                next.text_scale = clamp_text((s * 10.0).round() / 10.0);
            }
            _ => continue,
        }
        prefs.set_if_neq(next);
    }
}

/// On the desktop, the window tells whether the system runs a dark theme.
fn follow_system(
    windows: Query<&Window, (With<bevy::window::PrimaryWindow>, Changed<Window>)>,
    mut system: ResMut<SystemLook>,
) {
    for w in &windows {
        if let Some(theme) = w.window_theme {
            let dark = theme == bevy::window::WindowTheme::Dark;
            if system.dark != dark {
                system.dark = dark;
            }
        }
    }
}

/// The theme in force, and the window's background with it.
fn update_look(
    prefs: Res<Preferences>,
    system: Res<SystemLook>,
    mut look: ResMut<Look>,
    mut clear: Option<ResMut<ClearColor>>,
) {
    if !prefs.is_changed() && !system.is_changed() {
        return;
    }
    let next = Look::of(prefs.theme(&system));
    if *look != next {
        *look = next;
        if let Some(clear) = clear.as_deref_mut() {
            clear.0 = next.background();
        }
    }
}

/// Saves the preferences when they change (not the ones the command line forced).
fn remember(options: Res<LaunchOptions>, prefs: Res<Preferences>) {
    if options.remember_preferences && prefs.is_changed() && !prefs.is_added() {
        store::save(&options, &prefs);
    }
}

/// Where preferences are kept, and what the system prefers.
#[cfg(not(target_arch = "wasm32"))]
mod store {
    use super::{LaunchOptions, Preferences, SystemLook};

    fn file(options: &LaunchOptions) -> Option<std::path::PathBuf> {
        if let Some(file) = &options.preferences_file {
            return Some(file.into());
        }
        let base = std::env::var_os("XDG_CONFIG_HOME")
            .map(std::path::PathBuf::from)
            .or_else(|| {
                std::env::var_os("HOME").map(|h| std::path::Path::new(&h).join(".config"))
            })?;
        Some(base.join("autochitect").join("preferences.ron"))
    }

    pub(super) fn load(options: &LaunchOptions) -> Option<Preferences> {
        let text = std::fs::read_to_string(file(options)?).ok()?;
        // A file that does not parse is ignored: the defaults are a fine start.
        crate::model::ron_options().from_str(&text).ok()
    }

    pub(super) fn save(options: &LaunchOptions, prefs: &Preferences) {
        let Some(path) = file(options) else { return };
        let Ok(text) = ron::ser::to_string_pretty(prefs, ron::ser::PrettyConfig::default()) else {
            return;
        };
        if let Some(dir) = path.parent()
            && std::fs::create_dir_all(dir).is_ok()
            && let Err(e) = std::fs::write(&path, text)
        {
            tracing::warn!("cannot remember preferences in {}: {e}", path.display());
        }
    }

    /// The desktop learns the system's theme from the window, later; nothing to ask now.
    pub(super) fn system_look() -> (SystemLook, bool) {
        (SystemLook::default(), false)
    }
}

#[cfg(target_arch = "wasm32")]
mod store {
    use super::{LaunchOptions, Preferences, SystemLook};

    const KEY: &str = "autochitect.preferences";

    fn storage() -> Option<web_sys::Storage> {
        web_sys::window()?.local_storage().ok()?
    }

    pub(super) fn load(_: &LaunchOptions) -> Option<Preferences> {
        let text = storage()?.get_item(KEY).ok()??;
        crate::model::ron_options().from_str(&text).ok()
    }

    pub(super) fn save(_: &LaunchOptions, prefs: &Preferences) {
        if let (Some(s), Ok(text)) = (storage(), ron::to_string(prefs)) {
            let _ = s.set_item(KEY, &text);
        }
    }

    fn matches(query: &str) -> bool {
        web_sys::window()
            .and_then(|w| w.match_media(query).ok().flatten())
            .is_some_and(|m| m.matches())
    }

    /// The browser's `prefers-color-scheme`, `prefers-contrast` and `prefers-reduced-motion`.
    pub(super) fn system_look() -> (SystemLook, bool) {
        (
            SystemLook {
                dark: matches("(prefers-color-scheme: dark)"),
                high_contrast: matches("(prefers-contrast: more)")
                    || matches("(forced-colors: active)"),
            },
            matches("(prefers-reduced-motion: reduce)"),
        )
    }
}
