//! Presenter mode: fullscreen, chrome hidden, bigger text, high contrast, and a clicker.
//!
//! PageDown / → / Space go to the next tour step, PageUp / ← / Backspace to the previous one,
//! `B` blanks the screen, `+`/`−` scale the text, and Esc un-blanks or leaves presenter mode.

use bevy::prelude::*;
use bevy::window::{MonitorSelection, PrimaryWindow, WindowMode};

use crate::AppSystems;
use crate::LaunchOptions;
use crate::selection::Intent;

/// Smallest and largest text scale in presenter mode.
const SCALE_RANGE: (f32, f32) = (1.0, 2.5);
/// Text scale when presenter mode starts.
const DEFAULT_SCALE: f32 = 1.5;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Presenter>()
        .add_systems(Startup, start_presenting)
        .add_systems(
            Update,
            (
                clicker.in_set(AppSystems::Input),
                apply_window_mode.in_set(AppSystems::Visuals),
            ),
        );
}

/// The presenter's state.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct Presenter {
    /// Presenter mode is on.
    pub on: bool,
    /// The screen is blanked.
    pub blank: bool,
    /// Text scale for a projector.
    pub scale: f32,
    /// Real time (seconds) when presenting started, for the clock.
    pub since: f64,
}

impl Default for Presenter {
    fn default() -> Self {
        Self {
            on: false,
            blank: false,
            scale: DEFAULT_SCALE,
            since: 0.0,
        }
    }
}

/// What a key does in presenter mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClickerAction {
    /// Next tour step.
    Next,
    /// Previous tour step.
    Previous,
    /// Blank or unblank the screen.
    Blank,
    /// Leave (or un-blank first).
    Leave,
    /// Larger text.
    Larger,
    /// Smaller text.
    Smaller,
}

/// The clicker mapping. Presentation clickers send PageDown/PageUp (some send arrows, Space or
/// Backspace, and a "blank" button that sends B or `.`).
pub fn clicker_action(key: KeyCode) -> Option<ClickerAction> {
    use ClickerAction::*;
    match key {
        KeyCode::PageDown | KeyCode::ArrowRight | KeyCode::ArrowDown | KeyCode::Space => Some(Next),
        KeyCode::PageUp | KeyCode::ArrowLeft | KeyCode::ArrowUp | KeyCode::Backspace => {
            Some(Previous)
        }
        KeyCode::KeyB | KeyCode::Period => Some(Blank),
        KeyCode::Escape => Some(Leave),
        KeyCode::Equal | KeyCode::NumpadAdd => Some(Larger),
        KeyCode::Minus | KeyCode::NumpadSubtract => Some(Smaller),
        _ => None,
    }
}

fn start_presenting(options: Res<LaunchOptions>, mut presenter: ResMut<Presenter>) {
    if options.present {
        presenter.on = true;
    }
}

fn clicker(
    keys: Res<ButtonInput<KeyCode>>,
    egui_wants: Option<Res<bevy_egui::input::EguiWantsInput>>,
    mut presenter: ResMut<Presenter>,
    mut intents: MessageWriter<Intent>,
    time: Res<Time<Real>>,
) {
    if egui_wants.is_some_and(|w| w.wants_any_keyboard_input()) {
        return;
    }
    if keys.just_pressed(KeyCode::KeyP) {
        presenter.on = !presenter.on;
        presenter.blank = false;
        presenter.since = time.elapsed_secs_f64();
        return;
    }
    if !presenter.on {
        return;
    }
    for key in keys.get_just_pressed() {
        match clicker_action(*key) {
            Some(ClickerAction::Next) => {
                intents.write(Intent::NextStep);
            }
            Some(ClickerAction::Previous) => {
                intents.write(Intent::PrevStep);
            }
            Some(ClickerAction::Blank) => presenter.blank = !presenter.blank,
            Some(ClickerAction::Leave) if presenter.blank => presenter.blank = false,
            Some(ClickerAction::Leave) => presenter.on = false,
            Some(ClickerAction::Larger) => {
                presenter.scale = (presenter.scale + 0.1).min(SCALE_RANGE.1)
            }
            Some(ClickerAction::Smaller) => {
                presenter.scale = (presenter.scale - 0.1).max(SCALE_RANGE.0)
            }
            None => {}
        }
    }
}

/// Fullscreen while presenting, windowed otherwise.
fn apply_window_mode(
    mut presenter: ResMut<Presenter>,
    mut window: Option<Single<&mut Window, With<PrimaryWindow>>>,
    time: Res<Time<Real>>,
    mut was_on: Local<bool>,
) {
    if presenter.on == *was_on {
        return;
    }
    *was_on = presenter.on;
    if presenter.on {
        presenter.since = time.elapsed_secs_f64();
    }
    if let Some(window) = window.as_deref_mut() {
        window.mode = if presenter.on {
            WindowMode::BorderlessFullscreen(MonitorSelection::Current)
        } else {
            WindowMode::Windowed
        };
    }
}
