//! How the user wants the app to behave: reduced motion (instant camera moves, packets placed
//! at the end of their path). The consumer of `SetReducedMotion`; `--reduced-motion` sets it at
//! start.

use bevy::prelude::*;

use super::state::{AppSystems, Intent, LaunchOptions, Preferences};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Startup,
        |options: Res<LaunchOptions>, mut prefs: ResMut<Preferences>| {
            prefs.reduced_motion = options.launch.reduced_motion;
        },
    )
    .add_systems(Update, apply_intents.in_set(AppSystems::Apply));
}

fn apply_intents(mut intents: MessageReader<Intent>, mut prefs: ResMut<Preferences>) {
    for intent in intents.read() {
        if let Intent::SetReducedMotion(on) = intent {
            prefs.set_if_neq(Preferences {
                reduced_motion: *on,
            });
        }
    }
}
