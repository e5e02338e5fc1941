//! Selection and the open write-up: the one place where user intents change what is shown.
//!
//! Panels, clicks and keys never change state directly: they send an [`Intent`], and
//! [`apply_intents`] applies it. Visuals then follow from [`Selection`], [`Hovered`] and
//! [`Reader`].

use bevy::prelude::*;

use crate::AppSystems;
use crate::LaunchOptions;
use crate::loading::LoadedModel;
use crate::model::{LinkAction, Target, WriteupSlug, classify_link};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Selection>()
        .init_resource::<Hovered>()
        .init_resource::<Reader>()
        .init_resource::<Notice>()
        .init_resource::<LinkOpener>()
        .add_message::<Intent>()
        .add_systems(
            Update,
            (
                keyboard_intents.in_set(AppSystems::Input),
                (apply_launch_targets, forget_vanished, apply_intents)
                    .chain()
                    .in_set(AppSystems::Apply),
            ),
        );
}

/// What is selected: a component, a link, or nothing.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Selection {
    /// The selected target.
    pub target: Option<Target>,
}

/// What the pointer is over.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Hovered {
    /// The hovered target.
    pub target: Option<Target>,
}

/// The write-up open in the reader, if any.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Reader {
    /// The open write-up.
    pub open: Option<WriteupSlug>,
}

/// A short message for the user, e.g. why a link was not opened.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Notice {
    /// The text shown, until dismissed or replaced.
    pub text: Option<String>,
}

/// Opens an external URL. The default is the system browser; tests swap in a recorder.
#[derive(Resource)]
pub struct LinkOpener(pub Box<OpenUrl>);

/// A function that opens a URL, or says why it could not.
pub type OpenUrl = dyn Fn(&str) -> Result<(), String> + Send + Sync;

impl Default for LinkOpener {
    fn default() -> Self {
        Self(Box::new(open_in_browser))
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn open_in_browser(url: &str) -> Result<(), String> {
    webbrowser::open(url).map_err(|e| e.to_string())
}

#[cfg(target_arch = "wasm32")]
fn open_in_browser(url: &str) -> Result<(), String> {
    crate::web::open_in_new_tab(url)
}

/// Something the user asked for.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum Intent {
    /// Select a component or link.
    Select(Target),
    /// Select nothing.
    ClearSelection,
    /// Select the component (or link) that a write-up belongs to, preferring one near the
    /// current selection.
    ShowTopic(WriteupSlug),
    /// Open a write-up in the reader.
    OpenWriteup(WriteupSlug),
    /// Close the reader.
    CloseWriteup,
    /// A link was clicked in a write-up.
    FollowLink(String),
    /// Esc: close the reader if open, otherwise clear the selection.
    Back,
    /// Frame the whole diagram.
    FitView,
    /// Dismiss the notice.
    DismissNotice,
    /// Open another diagram from the diagram folder (by file name).
    OpenDiagram(String),
    /// Play a tour from a step (0-based).
    StartTour(String, usize),
    /// The next tour step (starts the first tour when none is playing).
    NextStep,
    /// The previous tour step.
    PrevStep,
    /// Back to the first step.
    RestartTour,
    /// Play the current step again (camera and packet).
    ReplayStep,
    /// Stop the tour.
    EndTour,
    /// Open the selected part's write-up (Enter).
    OpenSelected,
    /// Open the quick search.
    OpenSearch,
}

fn keyboard_intents(
    keys: Res<ButtonInput<KeyCode>>,
    egui_wants: Option<Res<bevy_egui::input::EguiWantsInput>>,
    presenter: Res<crate::presenter::Presenter>,
    mut intents: MessageWriter<Intent>,
) {
    if egui_wants.is_some_and(|w| w.wants_any_keyboard_input()) {
        return;
    }
    // In presenter mode the clicker keys (and Esc) belong to the presenter.
    if keys.just_pressed(KeyCode::Escape) && !presenter.on {
        intents.write(Intent::Back);
    }
    if keys.just_pressed(KeyCode::Enter) || keys.just_pressed(KeyCode::NumpadEnter) {
        intents.write(Intent::OpenSelected);
    }
    if keys.just_pressed(KeyCode::KeyF) || keys.just_pressed(KeyCode::Home) {
        intents.write(Intent::FitView);
    }
}

/// `--select` and `--writeup`, applied once after the first successful load.
fn apply_launch_targets(
    model: Option<Res<LoadedModel>>,
    options: Res<LaunchOptions>,
    mut done: Local<bool>,
    mut intents: MessageWriter<Intent>,
    mut notice: ResMut<Notice>,
) {
    let Some(model) = model else { return };
    if *done {
        return;
    }
    *done = true;
    if let Some(id) = &options.select {
        let target = model.diagram.target_by_id(id);
        match target {
            Some(t) => {
                intents.write(Intent::Select(t));
            }
            None => {
                notice.text = Some(format!(
                    "There is no component or link `{id}` in this diagram."
                ))
            }
        }
    }
    if let Some(slug) = &options.writeup {
        match model.writeups.get_str(slug) {
            Some(w) => {
                intents.write(Intent::OpenWriteup(w.slug.clone()));
                if options.select.is_none() {
                    intents.write(Intent::ShowTopic(w.slug.clone()));
                }
            }
            None => notice.text = Some(format!("There is no write-up `{slug}`.")),
        }
    }
}

/// After a reload, a selection or open write-up that no longer exists is dropped.
fn forget_vanished(
    model: Option<Res<LoadedModel>>,
    mut selection: ResMut<Selection>,
    mut reader: ResMut<Reader>,
) {
    let Some(model) = model.filter(|m| m.is_changed()) else {
        return;
    };
    if selection
        .target
        .as_ref()
        .is_some_and(|t| !model.diagram.contains(t))
    {
        selection.target = None;
    }
    if reader
        .open
        .as_ref()
        .is_some_and(|s| model.writeups.get(s).is_none())
    {
        reader.open = None;
    }
}

/// Applies every intent of this frame, in order.
pub fn apply_intents(
    mut intents: MessageReader<Intent>,
    model: Option<Res<LoadedModel>>,
    mut selection: ResMut<Selection>,
    mut reader: ResMut<Reader>,
    mut notice: ResMut<Notice>,
    opener: Res<LinkOpener>,
) {
    let Some(model) = model else {
        intents.clear();
        return;
    };
    for intent in intents.read() {
        match intent {
            Intent::Select(t) if model.diagram.contains(t) => {
                selection.set_if_neq(Selection {
                    target: Some(t.clone()),
                });
            }
            Intent::Select(_) => {}
            Intent::ClearSelection => {
                selection.set_if_neq(Selection { target: None });
            }
            Intent::ShowTopic(slug) => {
                let near = selection.target.clone();
                if let Some(t) = model.diagram.target_for_writeup_near(slug, near.as_ref()) {
                    selection.set_if_neq(Selection { target: Some(t) });
                }
            }
            Intent::OpenWriteup(slug) if model.writeups.get(slug).is_some() => {
                reader.set_if_neq(Reader {
                    open: Some(slug.clone()),
                });
            }
            Intent::OpenWriteup(slug) => {
                notice.text = Some(format!("The write-up `{slug}` is missing."))
            }
            Intent::CloseWriteup => {
                reader.set_if_neq(Reader { open: None });
            }
            Intent::FollowLink(url) => match classify_link(url) {
                LinkAction::Writeup(slug) if model.writeups.get(&slug).is_some() => {
                    reader.set_if_neq(Reader {
                        open: Some(slug.clone()),
                    });
                    let near = selection.target.clone();
                    if let Some(t) = model.diagram.target_for_writeup_near(&slug, near.as_ref()) {
                        selection.set_if_neq(Selection { target: Some(t) });
                    }
                }
                LinkAction::Writeup(slug) => {
                    notice.text = Some(format!("The write-up `{slug}` is missing."))
                }
                LinkAction::External(url) => match (opener.0)(&url) {
                    Ok(()) => notice.text = Some(format!("Opened {url} in your browser.")),
                    Err(e) => notice.text = Some(format!("Could not open {url}: {e}")),
                },
                LinkAction::Refused { url, reason } => {
                    notice.text = Some(format!("Not opened: {url} ({reason})."));
                }
            },
            Intent::Back => {
                if reader.open.is_some() {
                    reader.open = None;
                } else if selection.target.is_some() {
                    selection.target = None;
                }
            }
            Intent::DismissNotice => notice.text = None,
            Intent::OpenDiagram(_) => {
                selection.set_if_neq(Selection { target: None });
            }
            Intent::OpenSelected => {
                if let Some(slug) = selection
                    .target
                    .as_ref()
                    .and_then(|t| model.diagram.writeup_of(t))
                {
                    reader.set_if_neq(Reader {
                        open: Some(slug.clone()),
                    });
                }
            }
            // Handled by the camera and the tour player.
            Intent::FitView
            | Intent::StartTour(..)
            | Intent::NextStep
            | Intent::PrevStep
            | Intent::RestartTour
            | Intent::ReplayStep
            | Intent::EndTour
            | Intent::OpenSearch => {}
        }
    }
}
