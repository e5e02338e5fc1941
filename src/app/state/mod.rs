//! The state the feature plugins share: resources, messages and components that more than one
//! feature reads. Features depend on this module and on the core, never on each other.
//!
//! Who writes what:
//!
//! | state | written by |
//! | --- | --- |
//! | [`LoadedModel`], [`LoadProblems`], [`DiagramChoices`] | `loading` |
//! | [`Selection`], [`Reader`] | `selection` (and `routes`, for deep links) |
//! | [`Hovered`] | `pointer` |
//! | [`CameraView`] | `camera` |
//! | [`TourState`], [`PacketView`] | `tour` |
//! | [`LabFiles`] | `loading` |
//! | [`LabState`], [`LabFrames`], [`LabServers`] | `lab` |
//! | [`Presenter`] | `presenter` |
//! | [`SpeakerNotes`] | `speaker` (and the web page, for `page`) |
//! | [`Preferences`], [`SystemLook`], `theme::Look` | `preferences` (and the platform, for [`SystemLook`]) |
//! | [`SearchState`], [`IndexPanel`], [`ReaderFind`], [`ReaderLayout`], [`UiInsets`], [`LabelsDrawn`], [`LabDrawn`] | `ui` |
//! | [`Emphasis`], [`CanvasFigure`] | `scene` (from the tour and the search; the figure from the model, the theme and the text size) |
//! | [`Notice`] | whichever consumer has something to tell the user |
//! | [`Widgets`] | `access` (what assistive technology is told); [`AccessAction`]s come from a screen reader, the web page's mirror or a test |
//! | [`SpeakerViewOpener`] | the web glue (the speaker view is a page of its own there) |
//!
//! By concern: `view` (what the canvas shows and where), `talk` (tours, presenter mode, the
//! speaker's notes), `lab` (a network or cluster lab's run on the diagram), `prefs`, `panels` (the panels' own shared state), `access` (the
//! accessibility tree), `route` (the deep link what is on screen stands for), `space` (the
//! coordinate spaces and every conversion between them); the rest here.
//!
//! Every change a user asks for arrives as an [`Intent`]; each intent has one consumer, named
//! on its variant.

use std::sync::Arc;

use bevy::prelude::*;

use crate::model::navigate::Direction;
use crate::model::{Diagnostics, Diagram, Launch, Route, Target, Tour, WriteupCatalog};

mod access;
mod lab;
mod panels;
mod prefs;
mod route;
pub mod space;
mod talk;
mod view;

pub use access::{AccessAction, Widget, Widgets, ask_for_the_tree};
pub use lab::*;
pub use panels::*;
pub use prefs::*;
pub use route::{address_intents, current_route};
pub use talk::*;
pub use view::*;

/// The order of all `Update` work, so a frame reads input, applies it, then updates visuals.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppSystems {
    /// Raw input (keys, pointer, the URL) becomes intents.
    Input,
    /// Deep links and links in write-ups become the intents they stand for.
    Route,
    /// Consumers whose intents lead to other intents (a tour step selects its focus): they
    /// change their own state and write follow-up intents.
    Plan,
    /// The other consumers change state.
    Apply,
    /// State that follows other state: camera moves, the viewport, what is emphasised.
    Follow,
    /// Entities and meshes follow state.
    Visuals,
}

/// The asset source that serves the diagram's folder (the write-ups come from the default
/// source, the asset root).
pub const DIAGRAM_SOURCE: &str = "diagram";

/// Where the app finds its files, and what to show first.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct LaunchOptions {
    /// Folder holding the write-ups and fonts (the asset root), e.g. `assets`.
    pub asset_root: String,
    /// Folder holding the diagram file.
    pub diagram_dir: String,
    /// The diagram's file name inside `diagram_dir`.
    pub diagram_file: String,
    /// What to show first, and how.
    pub launch: Launch,
    /// The frame benchmark (`--bench-pan SECONDS --bench-zoom N`): seconds, and how many
    /// times closer than the fitted zoom.
    pub bench_pan: Option<(u32, u32)>,
    /// The lab's frame benchmark (`--bench-lab SECONDS`): seconds of playing, then as many of
    /// scrubbing.
    pub bench_lab: Option<u32>,
    /// When the app is embedded in another page (`?embed` on the web): the address of the full
    /// app, linked instead of the top bar.
    pub embed_link: Option<String>,
    /// Load the user's preferences at start and save them when they change (the desktop app
    /// and the web page do; tests and benchmarks do not).
    pub remember_preferences: bool,
    /// Where the desktop keeps them, instead of `$XDG_CONFIG_HOME/autochitect/preferences.ron`
    /// (tests give each app its own file; the web keeps them in the browser's storage).
    pub preferences_file: Option<String>,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        use crate::model::paths;
        Self {
            asset_root: paths::ASSET_DIR.into(),
            diagram_dir: paths::DIAGRAM_DIR.into(),
            diagram_file: paths::DEFAULT_DIAGRAM.into(),
            launch: Launch::default(),
            bench_pan: None,
            bench_lab: None,
            embed_link: None,
            remember_preferences: false,
            preferences_file: None,
        }
    }
}

/// Files already in memory when the app starts, by their address (the asset source's folder,
/// then the path: `diagrams/two-computers.ron`, `assets/writeups/index.ron`). The web page
/// carries the files the first model needs (written into it by `autochitect site`) and hands
/// them over, so the diagram can be on the first frame; the loader takes each once, and asks its
/// asset source for anything not here.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct HandedFiles(pub std::collections::BTreeMap<String, String>);

/// The validated model the rest of the app reads. Replaced as a whole on reload.
#[derive(Resource, Debug, Clone)]
pub struct LoadedModel {
    /// The diagram on screen.
    pub diagram: Arc<Diagram>,
    /// Every write-up.
    pub writeups: Arc<WriteupCatalog>,
    /// Counts successful loads, so systems can tell a reload from the first load.
    pub generation: u64,
    /// The diagram's file name, so systems can tell another diagram from a reload.
    pub diagram_file: String,
    /// The diagram's guided tours (none when it has no tours file).
    pub tours: Arc<Vec<Tour>>,
}

impl LoadedModel {
    /// A tour by name.
    pub fn tour(&self, name: &str) -> Option<&Tour> {
        self.tours.iter().find(|t| t.name == name)
    }
}

/// Problems from the latest load; empty when it succeeded.
#[derive(Resource, Debug, Default, Clone)]
pub struct LoadProblems(pub Diagnostics);

/// The diagrams the picker offers: file name and title, in index order.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct DiagramChoices(pub Vec<(String, String)>);

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
    pub open: Option<crate::model::WriteupSlug>,
    /// The section it was opened at (a second-level heading, as written), if any: the reader
    /// shows it at the top once, as a browser does for a link to an anchor.
    pub section: Option<String>,
}

/// A short message for the user, e.g. why a link was not opened.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Notice {
    /// The text shown, until dismissed or replaced.
    pub text: Option<String>,
}

impl Notice {
    /// Shows `text`.
    pub fn say(&mut self, text: impl Into<String>) {
        self.text = Some(text.into());
    }
}

/// Opens an external URL. The default is the system browser (a new tab on the web); tests swap
/// in a recorder.
#[derive(Resource)]
pub struct LinkOpener(pub Box<OpenUrl>);

/// A function that opens a URL, or says why it could not.
pub type OpenUrl = dyn Fn(&str) -> Result<(), String> + Send + Sync;

/// Something the user asked for. Each variant names its one consumer, and
/// [`Intent::consumer`] says the same in a match the compiler checks.
#[derive(Message, Debug, Clone, PartialEq)]
pub enum Intent {
    /// Select a component or link. (`selection`)
    Select(Target),
    /// Select nothing. (`selection`)
    ClearSelection,
    /// Select the component (or link) that a write-up belongs to, preferring one near the
    /// current selection. (`selection`)
    ShowTopic(crate::model::WriteupSlug),
    /// Open a write-up in the reader. (`selection`)
    OpenWriteup(crate::model::WriteupSlug),
    /// Open a write-up in the reader at a section (its heading, as written). (`selection`)
    OpenWriteupAt(crate::model::WriteupSlug, String),
    /// Close the reader. (`selection`)
    CloseWriteup,
    /// Esc: close the reader if open, otherwise clear the selection. (`selection`)
    Back,
    /// Open the selected part's write-up (Enter). (`selection`)
    OpenSelected,
    /// Move the selection to the nearest linked component in a direction (arrow keys).
    /// (`selection`)
    Navigate(Direction),
    /// Move the selection along the reading order (Tab, Shift+Tab). (`selection`)
    TabNext {
        /// Backwards (Shift+Tab).
        back: bool,
    },
    /// Dismiss the notice. (`selection`)
    DismissNotice,
    /// A link was clicked in a write-up or a narration. (`routes`)
    FollowLink(String),
    /// Go to a place in the app: a deep link, a link in a write-up. (`routes`)
    GoTo(Route),
    /// Frame the whole diagram. (`camera`)
    FitView,
    /// Zoom in (positive) or out by steps (keys): around the pointer when it is on the canvas,
    /// else around the middle of the view. (`camera`)
    ZoomBy(f32),
    /// Zoom by steps around a window position (wheel, pinch, double tap). (`camera`)
    ZoomAt(f32, Vec2),
    /// Move the view with the pointer by this many window pixels (a drag). (`camera`)
    PanBy(Vec2),
    /// Open another diagram from the diagram folder (by file name). (`loading`)
    OpenDiagram(String),
    /// Play a tour from a step (0-based). (`tour`)
    StartTour(String, usize),
    /// The next tour step (starts the first tour when none is playing). (`tour`)
    NextStep,
    /// The previous tour step. (`tour`)
    PrevStep,
    /// Back to the first step. (`tour`)
    RestartTour,
    /// Play the current step again (camera and packet). (`tour`)
    ReplayStep,
    /// Stop the tour. (`tour`)
    EndTour,
    /// Open a lab scenario at an event (from 0), on the diagram it names. (`lab`)
    OpenLab(String, usize),
    /// Close the lab. (`lab`)
    CloseLab,
    /// Move to another event of the lab's run. (`lab`)
    LabGo(LabMove),
    /// Play (`Some(true)`), pause, or toggle (`None`) the lab's run. (`lab`)
    LabPlay(Option<bool>),
    /// Play the lab at this speed (1 is normal). (`lab`)
    LabSpeed(f32),
    /// Choose a field of the current frame in the inspector (layer, field), or none. (`lab`)
    LabField(Option<(usize, usize)>),
    /// Break the run: add a fault after so many events; the run branches there. (`lab`)
    LabBreak(usize, LabFault),
    /// Take the learner's faults away: back to the scenario's own run. (`lab`)
    LabUndo,
    /// Show the event list, the sequence diagram or the inspector. (`lab`)
    LabPane(LabPane),
    /// List (and step through) only these events. (`lab`)
    LabFilter(crate::lab::view::Filter),
    /// Save the run: its capture, or its sequence diagram as a picture. (`lab`)
    LabSave(LabExport),
    /// Start or stop presenter mode. (`presenter`)
    SetPresenting(bool),
    /// Blank or un-blank the screen while presenting. (`presenter`)
    ToggleBlank,
    /// Presenter text one step larger (positive) or smaller. (`presenter`)
    ScaleText(i8),
    /// Show the step's whole narration on the audience's screen, or only its caption.
    /// (`presenter`)
    ToggleNarration,
    /// Open or close the speaker's notes: a second window on the desktop, a second browser
    /// window on the web. (`speaker`)
    ToggleSpeakerNotes,
    /// Start the speaker's clock again from zero. (`speaker`)
    ResetSpeakerClock,
    /// Turn reduced motion on or off. (`preferences`)
    SetReducedMotion(bool),
    /// Pick a theme. (`preferences`)
    SetTheme(ThemeChoice),
    /// Text one step larger (positive), smaller (negative), or back to normal (0).
    /// (`preferences`)
    TextSize(i8),
    /// Open the quick search. (`ui`)
    OpenSearch,
    /// Close the quick search. (`ui`)
    CloseSearch,
    /// Show or hide the write-up index. (`ui`)
    ToggleIndex,
    /// List only the write-ups with this tag (or all). (`ui`)
    FilterIndex(Option<String>),
    /// Open the find box of the open write-up (Ctrl+F). (`ui`)
    OpenFind,
    /// Close it. (`ui`)
    CloseFind,
}

/// The feature that carries out an intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Consumer {
    /// `selection`: the selection, the reader, keyboard navigation, the notice.
    Selection,
    /// `routes`: deep links and links in write-ups.
    Routes,
    /// `camera`: pan, zoom, fit.
    Camera,
    /// `loading`: another diagram.
    Loading,
    /// `tour`: guided tours.
    Tour,
    /// `lab`: the network lab on the diagram.
    Lab,
    /// `presenter`: presenter mode.
    Presenter,
    /// `speaker`: the speaker's notes.
    Speaker,
    /// `preferences`: theme, text size, reduced motion.
    Preferences,
    /// `ui`: the panels' own state (search, index, find).
    Ui,
}

impl Intent {
    /// The one feature that carries this intent out. An exhaustive match: a new intent does
    /// not compile until it names its consumer, and each feature reads only its own intents
    /// (`Intent::for_`), so no second feature can act on one by accident.
    pub fn consumer(&self) -> Consumer {
        match self {
            Intent::Select(_)
            | Intent::ClearSelection
            | Intent::ShowTopic(_)
            | Intent::OpenWriteup(_)
            | Intent::OpenWriteupAt(..)
            | Intent::CloseWriteup
            | Intent::Back
            | Intent::OpenSelected
            | Intent::Navigate(_)
            | Intent::TabNext { .. }
            | Intent::DismissNotice => Consumer::Selection,
            Intent::FollowLink(_) | Intent::GoTo(_) => Consumer::Routes,
            Intent::FitView | Intent::ZoomBy(_) | Intent::ZoomAt(..) | Intent::PanBy(_) => {
                Consumer::Camera
            }
            Intent::OpenDiagram(_) => Consumer::Loading,
            Intent::StartTour(..)
            | Intent::NextStep
            | Intent::PrevStep
            | Intent::RestartTour
            | Intent::ReplayStep
            | Intent::EndTour => Consumer::Tour,
            Intent::OpenLab(..)
            | Intent::CloseLab
            | Intent::LabGo(_)
            | Intent::LabPlay(_)
            | Intent::LabSpeed(_)
            | Intent::LabField(_)
            | Intent::LabBreak(..)
            | Intent::LabUndo
            | Intent::LabPane(_)
            | Intent::LabFilter(_)
            | Intent::LabSave(_) => Consumer::Lab,
            Intent::SetPresenting(_)
            | Intent::ToggleBlank
            | Intent::ScaleText(_)
            | Intent::ToggleNarration => Consumer::Presenter,
            Intent::ToggleSpeakerNotes | Intent::ResetSpeakerClock => Consumer::Speaker,
            Intent::SetReducedMotion(_) | Intent::SetTheme(_) | Intent::TextSize(_) => {
                Consumer::Preferences
            }
            Intent::OpenSearch
            | Intent::CloseSearch
            | Intent::ToggleIndex
            | Intent::FilterIndex(_)
            | Intent::OpenFind
            | Intent::CloseFind => Consumer::Ui,
        }
    }

    /// A filter for a reader of every intent: only those `consumer` carries out.
    pub fn for_(consumer: Consumer) -> impl Fn(&&Intent) -> bool {
        move |intent| intent.consumer() == consumer
    }
}

/// Bytes the learner asked to keep (a lab's capture, a picture): the `save` feature writes
/// them to the save folder (desktop) or hands them to the browser as a download.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct SaveFile {
    /// The file's name.
    pub name: String,
    /// Its media type (for the browser).
    pub media_type: &'static str,
    /// What it is, for the note that says where it went ("The capture (9 frames)").
    pub what: String,
    /// Its bytes.
    pub bytes: Vec<u8>,
}

/// A file on disk changed (absolute path): the file watcher's report.
#[derive(Message, Debug, Clone, PartialEq, Eq)]
pub struct FileChanged(pub std::path::PathBuf);

pub(super) fn plugin(app: &mut App) {
    app.configure_sets(
        Update,
        (
            AppSystems::Input,
            AppSystems::Route,
            AppSystems::Plan,
            AppSystems::Apply,
            AppSystems::Follow,
            AppSystems::Visuals,
        )
            .chain(),
    )
    .add_message::<Intent>()
    .add_message::<FrameTargets>()
    .add_message::<RevealTarget>()
    .add_message::<FileChanged>()
    .add_message::<SaveFile>()
    .add_message::<AccessAction>()
    .init_resource::<LoadProblems>()
    .init_resource::<DiagramChoices>()
    .init_resource::<Selection>()
    .init_resource::<Hovered>()
    .init_resource::<Reader>()
    .init_resource::<Notice>()
    .init_resource::<UiInsets>()
    .init_resource::<TourState>()
    .init_resource::<PacketView>()
    .init_resource::<LabFiles>()
    .init_resource::<LabState>()
    .init_resource::<LabFrames>()
    .init_resource::<LabServers>()
    .init_resource::<LabDrawn>()
    .init_resource::<SaveFolder>()
    .init_resource::<Presenter>()
    .init_resource::<SpeakerNotes>()
    .init_resource::<Preferences>()
    .init_resource::<SystemLook>()
    .init_resource::<super::theme::Look>()
    .init_resource::<SearchState>()
    .init_resource::<IndexPanel>()
    .init_resource::<ReaderFind>()
    .init_resource::<ReaderLayout>()
    .init_resource::<SummaryScroll>()
    .init_resource::<Emphasis>()
    .init_resource::<LabelsDrawn>();
}

/// The modifier keys held, followed key event by key event. `ButtonInput` only tells the state
/// at the end of a frame, and a fast typist's Ctrl+F (Ctrl down, F down, F up, Ctrl up) often
/// arrives within one frame: read at the end, the F would come without its Ctrl. Whoever reads
/// key events keeps one of these and updates it with each event, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HeldModifiers {
    held: Vec<KeyCode>,
}

impl HeldModifiers {
    /// Takes note of a key going down or up (other keys than modifiers are ignored).
    pub fn update(&mut self, key: KeyCode, pressed: bool) {
        let modifier = matches!(
            key,
            KeyCode::ShiftLeft
                | KeyCode::ShiftRight
                | KeyCode::ControlLeft
                | KeyCode::ControlRight
                | KeyCode::AltLeft
                | KeyCode::AltRight
                | KeyCode::SuperLeft
                | KeyCode::SuperRight
        );
        if !modifier {
            return;
        }
        self.held.retain(|k| *k != key);
        if pressed {
            self.held.push(key);
        }
    }

    /// Forgets every key (the window lost the keyboard: releases will not come).
    pub fn clear(&mut self) {
        self.held.clear();
    }

    fn any(&self, keys: [KeyCode; 2]) -> bool {
        self.held.iter().any(|k| keys.contains(k))
    }

    /// Shift is held.
    pub fn shift(&self) -> bool {
        self.any([KeyCode::ShiftLeft, KeyCode::ShiftRight])
    }

    /// Ctrl is held.
    pub fn ctrl(&self) -> bool {
        self.any([KeyCode::ControlLeft, KeyCode::ControlRight])
    }

    /// Alt is held.
    pub fn alt(&self) -> bool {
        self.any([KeyCode::AltLeft, KeyCode::AltRight])
    }

    /// The Super (Windows, Cmd) key is held.
    pub fn super_key(&self) -> bool {
        self.any([KeyCode::SuperLeft, KeyCode::SuperRight])
    }
}
