//! Presenter mode: fullscreen, chrome hidden, bigger text, a blank screen, and the step's caption
//! (or, on request, its whole narration) for the audience. The consumer of `SetPresenting`,
//! `ToggleBlank`, `ScaleText` and `ToggleNarration`; the keymap maps a clicker's keys to them.

use bevy::prelude::*;
use bevy::window::{MonitorSelection, PrimaryWindow, WindowMode};

use super::state::{AppSystems, Consumer, Intent, LaunchOptions, Presenter};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, start_presenting).add_systems(
        Update,
        (
            apply_intents.in_set(AppSystems::Apply),
            apply_window_mode.in_set(AppSystems::Visuals),
        ),
    );
}

fn start_presenting(options: Res<LaunchOptions>, mut presenter: ResMut<Presenter>) {
    if options.launch.present {
        presenter.on = true;
    }
}

fn apply_intents(
    mut intents: MessageReader<Intent>,
    mut presenter: ResMut<Presenter>,
    time: Res<Time<Real>>,
) {
    for intent in intents.read().filter(Intent::for_(Consumer::Presenter)) {
        match intent {
            Intent::SetPresenting(on) if *on != presenter.on => {
                presenter.on = *on;
                presenter.blank = false;
                presenter.since = time.elapsed_secs_f64();
            }
            Intent::ToggleBlank if presenter.on => presenter.blank = !presenter.blank,
            Intent::ToggleNarration if presenter.on => presenter.narration = !presenter.narration,
            Intent::ScaleText(steps) if presenter.on => {
                let (lo, hi) = Presenter::SCALE_RANGE;
                presenter.scale =
                    (presenter.scale + f32::from(*steps) * Presenter::SCALE_STEP).clamp(lo, hi);
            }
            _ => {}
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
