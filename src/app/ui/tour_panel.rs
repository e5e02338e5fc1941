//! The tour panel: the step's narration, "step 3 of 8", and the controls to move through it.
//! While presenting, the audience's screen gets a slim band instead (the step's title and its
//! caption; the whole narration on request), so the diagram has the room.

use bevy_egui::egui;

use crate::app::state::{Intent, LoadedModel};
use crate::model::{Step, Tour};

/// The audience's band while presenting: the step's title and caption, and its whole narration
/// when `narration` is on (`T`), with the step counter and `clock` at the end of the title
/// line. No buttons: a clicker or the keys drive the talk.
pub(super) fn presenting_ui(
    ui: &mut egui::Ui,
    tour: &Tour,
    index: usize,
    step: &Step,
    narration: bool,
    clock: &str,
    out: &mut Vec<Intent>,
) {
    ui.add_space(4.0);
    ui.add(
        egui::ProgressBar::new((index + 1) as f32 / tour.steps.len().max(1) as f32)
            .desired_height(3.0),
    );
    ui.add_space(2.0);
    // The title on one line, a little larger than the caption, and the counter and clock at
    // its end: the band stays slim, so the diagram keeps the screen.
    let counter = format!("{} / {}   {clock}", index + 1, tour.steps.len());
    egui::Sides::new().shrink_left().truncate().show(
        ui,
        |ui| ui.label(egui::RichText::new(&step.title).strong().size(18.0)),
        |ui| ui.label(egui::RichText::new(counter).monospace().weak()),
    );
    if narration {
        let most = ui.ctx().viewport_rect().height() * 0.3;
        narration_ui(ui, step, most, out);
    } else {
        ui.label(&step.caption);
    }
    ui.add_space(4.0);
}

/// Draws the panel for `tour` at `step`.
#[allow(clippy::too_many_arguments)]
pub(super) fn tour_ui(
    ui: &mut egui::Ui,
    model: &LoadedModel,
    tour: &Tour,
    index: usize,
    step: &Step,
    reduced_motion: bool,
    out: &mut Vec<Intent>,
) {
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new(&tour.title).strong());
        ui.label(egui::RichText::new(format!("Step {} of {}", index + 1, tour.steps.len())).weak());
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("✕ End tour").clicked() {
                out.push(Intent::EndTour);
            }
            // The notes open beside the talk: a second window, or on the web a second page.
            let notes = if cfg!(target_arch = "wasm32") {
                "Open speaker view ↗"
            } else {
                "Speaker notes"
            };
            if ui
                .button(notes)
                .on_hover_text("The step's notes, what comes next and the time, for your eyes only (N while presenting)")
                .clicked()
            {
                out.push(Intent::ToggleSpeakerNotes);
            }
            let mut reduced = reduced_motion;
            if ui.checkbox(&mut reduced, "Reduced motion").changed() {
                out.push(Intent::SetReducedMotion(reduced));
            }
        });
    });
    ui.add(
        egui::ProgressBar::new((index + 1) as f32 / tour.steps.len().max(1) as f32)
            .desired_height(4.0),
    );
    ui.add_space(4.0);
    ui.label(egui::RichText::new(&step.title).heading());
    narration_ui(ui, step, 160.0, out);
    ui.horizontal(|ui| {
        if ui
            .add_enabled(index > 0, egui::Button::new("⇤ Restart"))
            .clicked()
        {
            out.push(Intent::RestartTour);
        }
        if ui
            .add_enabled(index > 0, egui::Button::new("◀ Previous"))
            .on_hover_text("PageUp, ←")
            .clicked()
        {
            out.push(Intent::PrevStep);
        }
        if ui.button("↻ Replay").clicked() {
            out.push(Intent::ReplayStep);
        }
        let last = index + 1 >= tour.steps.len();
        if ui
            .add_enabled(
                !last,
                egui::Button::new(egui::RichText::new("Next ▶").strong()),
            )
            .on_hover_text("PageDown, →, Space")
            .clicked()
        {
            out.push(Intent::NextStep);
        }
        if let Some(w) = step.writeup.as_ref().and_then(|s| model.writeups.get(s)) {
            ui.separator();
            if ui.button(format!("Read: {} →", w.title)).clicked() {
                out.push(Intent::OpenWriteup(w.slug.clone()));
            }
        }
        // The step for real: the lab at the event it shows ("↩ Back to the tour" returns).
        if let Some((scenario, event)) = &step.lab {
            ui.separator();
            if ui
                .button("▶ See it in the lab")
                .on_hover_text(format!(
                    "The real frames: the lab `{scenario}` at event {event}"
                ))
                .clicked()
            {
                out.push(Intent::OpenLab(scenario.clone(), event.saturating_sub(1)));
            }
        }
    });
    ui.add_space(4.0);
}

/// The step's narration, scrolling past `max_height`.
fn narration_ui(ui: &mut egui::Ui, step: &Step, max_height: f32, out: &mut Vec<Intent>) {
    egui::ScrollArea::vertical()
        .max_height(max_height)
        .id_salt("narration")
        .show(ui, |ui| {
            let mut render = super::markdown::Render {
                find: None,
                out,
                drawn: Default::default(),
                salt: "narration",
            };
            render.document_ui(ui, &step.document);
        });
}
