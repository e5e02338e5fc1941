//! "All write-ups": every write-up, newest first, filterable by tag, like the original site.

use bevy_egui::egui;

use crate::app::state::{IndexPanel, Intent, LoadedModel};

/// Draws the index.
pub(super) fn index_ui(
    ui: &mut egui::Ui,
    model: &LoadedModel,
    index: &IndexPanel,
    out: &mut Vec<Intent>,
) {
    ui.add_space(8.0);
    ui.heading("All write-ups");
    ui.horizontal_wrapped(|ui| {
        if ui.selectable_label(index.tag.is_none(), "All").clicked() {
            out.push(Intent::FilterIndex(None));
        }
        for tag in model.writeups.tags() {
            let on = index.tag.as_deref() == Some(tag);
            if ui.selectable_label(on, tag).clicked() {
                out.push(Intent::FilterIndex((!on).then(|| tag.to_owned())));
            }
        }
    });
    ui.separator();
    egui::ScrollArea::vertical()
        .auto_shrink([false, false])
        .show(ui, |ui| {
            for w in model.writeups.newest_first() {
                if index.tag.as_ref().is_some_and(|t| !w.tags.contains(t)) {
                    continue;
                }
                ui.label(egui::RichText::new(w.date.long()).small().weak());
                if ui
                    .link(egui::RichText::new(&w.title).strong().size(16.5))
                    .clicked()
                {
                    out.push(Intent::ShowTopic(w.slug.clone()));
                    out.push(Intent::OpenWriteup(w.slug.clone()));
                }
                super::tags_ui(ui, &w.tags);
                ui.label(&w.summary);
                ui.add_space(6.0);
                ui.separator();
            }
        });
}
