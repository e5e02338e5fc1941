//! The speaker's notes, for the presenter's eyes only: the current step's notes, the next
//! step's title, the step counter, the time since the talk started and the clock. The consumer
//! of `ToggleSpeakerNotes` and `ResetSpeakerClock`; the panels draw the notes (`ui::notes`).
//!
//! On the desktop the notes open in a second window with its own camera and egui context; the
//! audience's window keeps the slide only, the clicker drives both (the keymap reads every
//! window's keys), and closing the notes leaves the talk running. On the web the notes open in
//! a second browser window on the same page with `?speaker`, and the two pages keep the tour
//! and step (or the lab and event) in step (see `web`), either one driving. With a lab open,
//! the notes are its phase's.

use bevy::prelude::*;

use super::state::{
    AppSystems, Consumer, Intent, LaunchOptions, Notice, SpeakerNotes, SpeakerViewOpener,
};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, start)
        .add_systems(Update, apply_intents.in_set(AppSystems::Apply))
        .add_systems(Update, tick_clock.in_set(AppSystems::Visuals));
    #[cfg(not(target_arch = "wasm32"))]
    app.add_systems(
        Update,
        (follow_closed_window, sync_window)
            .chain()
            .in_set(AppSystems::Visuals),
    );
}

pub use super::state::{NotesCamera, NotesPass, NotesWindow};

/// The notes window's title.
pub const NOTES_TITLE: &str = "autochitect — speaker notes";

fn start(options: Res<LaunchOptions>, mut notes: ResMut<SpeakerNotes>) {
    if options.launch.notes {
        if cfg!(target_arch = "wasm32") {
            notes.page = true;
        } else {
            notes.open = true;
        }
    }
}

fn apply_intents(
    mut intents: MessageReader<Intent>,
    mut notes: ResMut<SpeakerNotes>,
    #[cfg_attr(not(target_arch = "wasm32"), allow(unused_mut, unused_variables))]
    mut notice: ResMut<Notice>,
    #[cfg_attr(not(target_arch = "wasm32"), allow(unused_variables))] opener: Option<
        Res<SpeakerViewOpener>,
    >,
    time: Res<Time<Real>>,
) {
    for intent in intents.read().filter(Intent::for_(Consumer::Speaker)) {
        match intent {
            Intent::ToggleSpeakerNotes if notes.page => {}
            Intent::ToggleSpeakerNotes => {
                #[cfg(target_arch = "wasm32")]
                if let Some(Err(why)) = opener.as_ref().map(|open| (open.0)()) {
                    notice.say(why);
                }
                #[cfg(not(target_arch = "wasm32"))]
                {
                    notes.open = !notes.open;
                    if notes.open {
                        notes.clock_from = time.elapsed_secs_f64();
                    }
                }
            }
            Intent::ResetSpeakerClock => notes.clock_from = time.elapsed_secs_f64(),
            _ => {}
        }
    }
}

/// The notes window was closed (its close button): the talk goes on without it.
#[cfg(not(target_arch = "wasm32"))]
fn follow_closed_window(
    mut closed: RemovedComponents<NotesWindow>,
    windows: Query<(), With<NotesWindow>>,
    cameras: Query<Entity, With<NotesCamera>>,
    mut notes: ResMut<SpeakerNotes>,
    mut commands: Commands,
) {
    if closed.read().count() == 0 || !windows.is_empty() {
        return;
    }
    for camera in &cameras {
        commands.entity(camera).despawn();
    }
    if notes.open {
        notes.open = false;
    }
}

/// Opens or closes the notes window to match [`SpeakerNotes::open`].
#[cfg(not(target_arch = "wasm32"))]
fn sync_window(
    notes: Res<SpeakerNotes>,
    windows: Query<Entity, With<NotesWindow>>,
    cameras: Query<Entity, With<NotesCamera>>,
    mut commands: Commands,
) {
    use bevy::camera::RenderTarget;
    use bevy::window::{WindowRef, WindowResolution};
    match (notes.open, windows.iter().next()) {
        (true, None) => {
            let window = commands
                .spawn((
                    Name::new("Speaker notes window"),
                    NotesWindow,
                    Window {
                        title: NOTES_TITLE.into(),
                        resolution: WindowResolution::new(960, 640),
                        ..default()
                    },
                ))
                .id();
            commands.spawn((
                Name::new("Speaker notes camera"),
                NotesCamera,
                Camera2d,
                RenderTarget::Window(WindowRef::Entity(window)),
                bevy::camera::visibility::RenderLayers::none(),
                bevy_egui::EguiSchedule::new(NotesPass),
                Msaa::Off,
            ));
        }
        (false, Some(window)) => {
            commands.entity(window).despawn();
            for camera in &cameras {
                commands.entity(camera).despawn();
            }
        }
        _ => {}
    }
}

/// While notes are on screen, the app wakes once a second so the clocks move; otherwise it
/// sleeps until something happens.
fn tick_clock(
    notes: Res<SpeakerNotes>,
    settings: Option<ResMut<bevy::winit::WinitSettings>>,
    mut saved: Local<Option<bevy::winit::WinitSettings>>,
) {
    use bevy::winit::UpdateMode;
    let Some(mut settings) = settings else { return };
    let shown = notes.open || notes.page;
    if shown && saved.is_none() {
        *saved = Some(settings.clone());
        let second = UpdateMode::reactive_low_power(std::time::Duration::from_secs(1));
        settings.focused_mode = second;
        settings.unfocused_mode = second;
    } else if !shown && let Some(before) = saved.take() {
        *settings = before;
    }
}
