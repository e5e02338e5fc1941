//! The summary panel: what the selected component or link is, and its write-up at a glance.

use bevy_egui::egui;

use crate::app::state::{Intent, LoadedModel};
use crate::model::{MISSING_WRITEUP, NO_WRITEUP, Target, Writeup};

/// Draws the summary of `target`; `scroll_to` scrolls it to that share of its overflow.
pub(super) fn summary_ui(
    ui: &mut egui::Ui,
    model: &LoadedModel,
    target: &Target,
    scroll_to: Option<f32>,
    out: &mut Vec<Intent>,
) {
    let area = egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.add_space(8.0);
            ui.horizontal(|ui| {
                ui.with_layout(egui::Layout::right_to_left(egui::Align::Min), |ui| {
                    if ui
                        .button("✕")
                        .on_hover_text("Clear the selection (Esc)")
                        .clicked()
                    {
                        out.push(Intent::ClearSelection);
                    }
                });
            });
            let Some((label, place)) = model.diagram.introduction(target) else {
                return;
            };
            let description = model.diagram.description_of(target);
            let writeup = model.diagram.writeup_of(target);
            ui.label(egui::RichText::new(label).heading().strong());
            ui.label(egui::RichText::new(place).weak());
            if let Some(d) = description {
                ui.add_space(4.0);
                ui.label(d);
            }
            if let Target::Link(id) = target
                && let Some(l) = model.diagram.link(id.as_str())
            {
                ui.horizontal_wrapped(|ui| {
                    for end in [&l.from, &l.to] {
                        let text = model
                            .diagram
                            .component(end.as_str())
                            .map_or(end.to_string(), |c| c.label.clone());
                        if ui.link(text).clicked() {
                            out.push(Intent::Select(Target::Component(end.clone())));
                        }
                    }
                });
            }
            ui.separator();
            match writeup.and_then(|s| model.writeups.get(s)) {
                Some(w) => writeup_summary_ui(ui, model, w, out),
                None if writeup.is_some() => {
                    ui.label(egui::RichText::new(MISSING_WRITEUP).italics());
                }
                None => {
                    ui.label(egui::RichText::new(NO_WRITEUP).italics());
                }
            }
        });
    // The overflow is known once the content is laid out: the same share of it is scrolled
    // past, and egui lays the frame out again before it is drawn (no frame at the top first).
    if let Some(share) = scroll_to {
        let overflow = (area.content_size.y - area.inner_rect.height()).max(0.0);
        let mut state = area.state;
        state.offset.y = share.clamp(0.0, 1.0) * overflow;
        state.store(ui.ctx(), area.id);
        ui.ctx()
            .request_discard("the summary's scroll was handed over");
    }
}

fn writeup_summary_ui(ui: &mut egui::Ui, model: &LoadedModel, w: &Writeup, out: &mut Vec<Intent>) {
    ui.label(egui::RichText::new(&w.title).size(19.0).strong());
    // The way in comes first, where a phone's sheet shows it without scrolling.
    if ui
        .add(
            egui::Button::new(egui::RichText::new("Read write-up →").strong())
                .min_size(egui::vec2(160.0, 30.0)),
        )
        .clicked()
    {
        out.push(Intent::OpenWriteup(w.slug.clone()));
    }
    ui.label(egui::RichText::new(w.date.long()).weak());
    super::tags_ui(ui, &w.tags);
    ui.add_space(4.0);
    ui.label(&w.summary);
    ui.add_space(8.0);
    ui.label(egui::RichText::new("Key properties").strong());
    egui::Grid::new("properties")
        .num_columns(2)
        .spacing([12.0, 6.0])
        .striped(true)
        .show(ui, |ui| {
            for p in &w.properties {
                ui.label(egui::RichText::new(&p.label).strong());
                ui.add(egui::Label::new(&p.value).wrap());
                ui.end_row();
            }
        });
    if !w.related.is_empty() {
        ui.add_space(8.0);
        ui.label(egui::RichText::new("Related topics").strong());
        ui.horizontal_wrapped(|ui| {
            for slug in &w.related {
                let title = model
                    .writeups
                    .get(slug)
                    .map_or(slug.to_string(), |r| r.title.clone());
                if ui
                    .button(title)
                    .on_hover_text("Select the part of the diagram it explains")
                    .clicked()
                {
                    out.push(Intent::ShowTopic(slug.clone()));
                }
            }
        });
    }
}
