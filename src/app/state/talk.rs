//! A talk: the tour and its packet, presenter mode, and the speaker's notes (their window,
//! camera and pass on the desktop; the opener of the speaker view on the web).

use bevy::prelude::*;

use crate::model::{Step, Tour};

use super::LoadedModel;

/// The tour being played, if any.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct TourState {
    /// The tour's name.
    pub tour: Option<String>,
    /// The current step, from 0.
    pub step: usize,
    /// Real time (seconds since start) when the step was last played; the packet starts then.
    pub played_at: f64,
}

impl TourState {
    /// The current tour and step in `model`.
    pub fn current<'a>(&self, model: &'a LoadedModel) -> Option<(&'a Tour, &'a Step)> {
        let tour = model.tour(self.tour.as_deref()?)?;
        Some((tour, tour.steps.get(self.step)?))
    }
}

/// The tour's travelling packet: where it is (world coordinates) and what it carries.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct PacketView(pub Option<(Vec2, String)>);

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
    /// The audience's screen shows the step's whole narration, not only its caption (for
    /// those who present without a second screen; `T` while presenting).
    pub narration: bool,
}

impl Presenter {
    /// Smallest and largest text scale.
    pub const SCALE_RANGE: (f32, f32) = (1.0, 2.5);
    /// Text scale when presenter mode starts.
    pub const DEFAULT_SCALE: f32 = 1.5;
    /// How much one step of `+`/`-` changes the scale.
    pub const SCALE_STEP: f32 = 0.1;
}

impl Default for Presenter {
    fn default() -> Self {
        Self {
            on: false,
            blank: false,
            scale: Self::DEFAULT_SCALE,
            since: 0.0,
            narration: false,
        }
    }
}

/// The speaker's notes: the current step's notes, the next step, the step counter and the
/// time, for the presenter's eyes only.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct SpeakerNotes {
    /// The notes window is open (desktop).
    pub open: bool,
    /// This page is the speaker view (web: the page was opened with `?speaker`); it shows the
    /// notes instead of the diagram and stays in step with the audience's page.
    pub page: bool,
    /// Real time (seconds since start) the speaker's clock counts from.
    pub clock_from: f64,
}

/// Marks the speaker's notes window (desktop).
#[derive(Component, Debug)]
pub struct NotesWindow;

/// Marks the camera that draws the notes window; its egui pass runs in [`NotesPass`].
#[derive(Component, Debug)]
pub struct NotesCamera;

/// The schedule in which the notes window's egui pass runs.
#[derive(bevy::ecs::schedule::ScheduleLabel, Clone, Debug, PartialEq, Eq, Hash)]
pub struct NotesPass;

/// Opens the speaker view where the notes are a page of their own (the web): given by the
/// platform's glue, called by `speaker`. `Err` says why it could not (a blocked pop-up).
#[derive(Resource)]
pub struct SpeakerViewOpener(pub Box<dyn Fn() -> Result<(), String> + Send + Sync>);
