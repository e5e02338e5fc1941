//! The speaker's notes (see `speaker`): the step counter, the time since the talk started and
//! the time of day, the current step's notes, and what comes next. Drawn in the notes window on
//! the desktop and as the whole speaker view on the web.

use bevy::prelude::*;
use bevy_egui::egui;
use bevy_egui::egui::accesskit::Role;

#[cfg(not(target_arch = "wasm32"))]
use crate::app::state::NotesCamera;
use crate::app::state::{Intent, LabMove, LabState, LoadedModel, TourState};
#[cfg(not(target_arch = "wasm32"))]
use crate::app::state::{Preferences, Presenter, SpeakerNotes};
use crate::model::markdown::Document;

/// How much larger the notes are than the panels' text: read at arm's length.
#[cfg(not(target_arch = "wasm32"))]
const NOTES_SCALE: f32 = 1.3;

/// What the notes show, besides the model.
pub(super) struct NotesState<'a> {
    /// The tour and step being played.
    pub tour: &'a TourState,
    /// The lab, when one is open (a tour and a lab are never open together).
    pub lab: &'a LabState,
    /// Whether the audience's screen is blank.
    pub blank: bool,
    /// Seconds on the speaker's clock.
    pub elapsed: f64,
}

/// The notes window's egui pass (desktop).
#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::too_many_arguments)]
pub(super) fn notes_window_ui(
    mut contexts: Query<&mut bevy_egui::EguiContext, With<NotesCamera>>,
    model: Option<Res<LoadedModel>>,
    tour: Res<TourState>,
    lab: Res<LabState>,
    presenter: Res<Presenter>,
    notes: Res<SpeakerNotes>,
    prefs: Res<Preferences>,
    time: Res<Time<Real>>,
    mut intents: MessageWriter<Intent>,
) {
    let Ok(mut ctx) = contexts.single_mut() else {
        return;
    };
    let ctx = ctx.get_mut();
    let zoom = prefs.text_scale * NOTES_SCALE;
    if (ctx.zoom_factor() - zoom).abs() > f32::EPSILON {
        ctx.set_zoom_factor(zoom);
    }
    let state = NotesState {
        tour: &tour,
        lab: &lab,
        blank: presenter.blank,
        elapsed: time.elapsed_secs_f64() - notes.clock_from,
    };
    let mut out = Vec::new();
    let mut root = super::root_ui(ctx);
    egui::CentralPanel::default().show(&mut root, |ui| {
        notes_ui(ui, model.as_deref(), &state, &mut out);
    });
    intents.write_batch(out);
}

/// The notes, filling `ui`.
pub(super) fn notes_ui(
    ui: &mut egui::Ui,
    model: Option<&LoadedModel>,
    st: &NotesState,
    out: &mut Vec<Intent>,
) {
    super::region(ui, Role::Region, "Speaker notes");
    let current = model.and_then(|m| st.tour.current(m));
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("Speaker notes").strong());
        if let Some((tour, _)) = current {
            ui.label(egui::RichText::new(&tour.title).weak());
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.label(egui::RichText::new(format!("Time {}", time_of_day())).strong())
                .on_hover_text("The time of day");
            if ui
                .small_button("Reset")
                .on_hover_text("Start the talk's clock again")
                .clicked()
            {
                out.push(Intent::ResetSpeakerClock);
            }
            ui.label(egui::RichText::new(format!("Talk {}", elapsed(st.elapsed))).strong())
                .on_hover_text("Time since the talk started");
        });
    });
    if st.blank {
        ui.label(
            egui::RichText::new("The audience's screen is blank (B to show it again).")
                .color(ui.visuals().warn_fg_color)
                .strong(),
        );
    }
    ui.separator();
    if st.lab.run.is_some() {
        lab_notes_ui(ui, st.lab, out);
        return;
    }
    let Some((tour, step)) = current else {
        no_tour_ui(ui, model, out);
        return;
    };
    let index = st.tour.step;
    let count = tour.steps.len();
    ui.label(egui::RichText::new(format!("Step {} of {count}", index + 1)).strong());
    ui.add(egui::ProgressBar::new((index + 1) as f32 / count.max(1) as f32).desired_height(4.0));
    ui.add_space(4.0);
    ui.label(egui::RichText::new(&step.title).heading());
    let next = tour.steps.get(index + 1);
    notes_body_ui(ui, step.notes.as_deref(), Some(&step.document), "step", out);
    ui.separator();
    match next {
        Some(n) => ui.label(egui::RichText::new(format!("Next: {}", n.title)).size(18.0)),
        None => ui.label(egui::RichText::new("Last step: the tour ends here.").size(18.0)),
    };
    ui.horizontal(|ui| {
        if ui
            .add_enabled(index > 0, egui::Button::new("◀ Previous"))
            .on_hover_text("PageUp")
            .clicked()
        {
            out.push(Intent::PrevStep);
        }
        if ui
            .add_enabled(
                next.is_some(),
                egui::Button::new(egui::RichText::new("Next ▶").strong()),
            )
            .on_hover_text("PageDown")
            .clicked()
        {
            out.push(Intent::NextStep);
        }
    });
}

/// The notes of a step or phase, scrolling above the room kept at the bottom for what comes
/// next and the buttons; without notes, what the audience reads.
fn notes_body_ui(
    ui: &mut egui::Ui,
    notes: Option<&Document>,
    audience: Option<&Document>,
    what: &str,
    out: &mut Vec<Intent>,
) {
    let reserve = 3.0 * ui.text_style_height(&egui::TextStyle::Heading);
    egui::ScrollArea::vertical()
        .id_salt("speaker-notes")
        .max_height((ui.available_height() - reserve).max(80.0))
        .auto_shrink([false, true])
        .show(ui, |ui| {
            let mut render = super::markdown::Render {
                find: None,
                out,
                drawn: Default::default(),
                salt: "speaker-notes",
            };
            match (notes, audience) {
                (Some(notes), _) => render.document_ui(ui, notes),
                (None, Some(audience)) => {
                    ui.label(
                        egui::RichText::new(format!(
                            "No notes for this {what}. The audience reads:"
                        ))
                        .italics(),
                    );
                    render.document_ui(ui, audience);
                }
                (None, None) => {}
            }
        });
}

/// A lab is open: the event counter, the phase and its notes (or, without notes, what the
/// audience reads), the current event in words, the next phase, and the steps.
fn lab_notes_ui(ui: &mut egui::Ui, lab: &LabState, out: &mut Vec<Intent>) {
    let Some(run) = &lab.run else { return };
    let count = run.len();
    ui.label(egui::RichText::new(format!("Lab: {}", run.title)).weak());
    ui.label(egui::RichText::new(format!("Event {} of {count}", lab.current + 1)).strong());
    ui.add(
        egui::ProgressBar::new((lab.current + 1) as f32 / count.max(1) as f32).desired_height(4.0),
    );
    ui.add_space(4.0);
    let phase = lab.phase();
    let title = phase.and_then(|p| run.phase_titles.get(p));
    if let Some(title) = title {
        ui.label(egui::RichText::new(title).heading());
    }
    if let Some(line) = lab.announcement() {
        ui.label(egui::RichText::new(line).monospace());
    }
    let notes = phase
        .and_then(|p| run.notes.get(p))
        .and_then(Option::as_deref);
    let narration = phase.and_then(|p| run.narrations.get(p)).map(|d| &**d);
    notes_body_ui(ui, notes, narration, "phase", out);
    ui.separator();
    // The next phase, and the event it begins at.
    let next = run
        .phases
        .iter()
        .enumerate()
        .skip(lab.current + 1)
        .find(|(_, p)| p.is_some() && **p != phase)
        .and_then(|(i, p)| Some((i, run.phase_titles.get((*p)?)?)));
    match next {
        Some((i, title)) => {
            ui.label(egui::RichText::new(format!("Next: {title} (event {})", i + 1)).size(18.0))
        }
        None => ui.label(egui::RichText::new("Last phase: the run ends here.").size(18.0)),
    };
    ui.horizontal(|ui| {
        let last = lab.current + 1 >= count;
        if ui
            .add_enabled(lab.current > 0, egui::Button::new("◀ Back"))
            .on_hover_text("PageUp")
            .clicked()
        {
            out.push(Intent::LabGo(LabMove::Prev));
        }
        if ui
            .add_enabled(
                !last,
                egui::Button::new(egui::RichText::new("Step ▶").strong()),
            )
            .on_hover_text("PageDown")
            .clicked()
        {
            out.push(Intent::LabGo(LabMove::Next));
        }
    });
}

/// No tour is playing: offer the diagram's tours.
fn no_tour_ui(ui: &mut egui::Ui, model: Option<&LoadedModel>, out: &mut Vec<Intent>) {
    ui.label("No tour is playing. Start one here, or press PageDown for the first.");
    for tour in model.iter().flat_map(|m| m.tours.iter()) {
        if ui.button(format!("▶ {}", tour.title)).clicked() {
            out.push(Intent::StartTour(tour.name.clone(), 0));
        }
    }
}

/// `m:ss`, or `h:mm:ss` past the hour.
fn elapsed(seconds: f64) -> String {
    let s = seconds.max(0.0) as u64;
    let (h, m, s) = (s / 3600, s / 60 % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// The local time of day, `HH:MM`.
fn time_of_day() -> String {
    #[cfg(not(target_arch = "wasm32"))]
    {
        chrono::Local::now().format("%H:%M").to_string()
    }
    #[cfg(target_arch = "wasm32")]
    {
        let now = js_sys::Date::new_0();
        format!("{:02}:{:02}", now.get_hours(), now.get_minutes())
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn elapsed_reads_like_a_stopwatch() {
        assert_eq!(super::elapsed(0.4), "0:00");
        assert_eq!(super::elapsed(75.0), "1:15");
        assert_eq!(super::elapsed(3600.0 + 62.0), "1:01:02");
        assert_eq!(super::elapsed(-3.0), "0:00");
    }
}
