//! The reader: a write-up rendered from Markdown, with links kept inside the app.

use bevy_egui::egui;

use crate::app::state::Intent;
use crate::model::Writeup;

/// Draws `w` and turns clicked links into [`Intent::FollowLink`], so the app decides what a
/// link may open (other write-ups, http(s) pages, nothing else).
pub(super) fn reader_ui(
    ui: &mut egui::Ui,
    w: &Writeup,
    cache: &mut egui_commonmark::CommonMarkCache,
    out: &mut Vec<Intent>,
) {
    ui.add_space(6.0);
    ui.horizontal(|ui| {
        if ui
            .button("← Summary")
            .on_hover_text("Back to the summary (Esc)")
            .clicked()
        {
            out.push(Intent::CloseWriteup);
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("✕ Close").clicked() {
                out.push(Intent::CloseWriteup);
            }
        });
    });
    ui.separator();
    ui.label(egui::RichText::new(format!("{} · {}", w.date.long(), w.tags.join(" · "))).weak());
    egui::ScrollArea::both()
        .id_salt(("reader", w.slug.as_str()))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.add_space(4.0);
            egui_commonmark::CommonMarkViewer::new().show(ui, cache, &w.body);
            ui.add_space(24.0);
        });
    // egui reports clicked links as "open URL" commands; take them before anything opens them.
    let urls: Vec<String> = ui.ctx().output_mut(|o| {
        let mut urls = Vec::new();
        o.commands.retain(|c| match c {
            egui::OutputCommand::OpenUrl(open) => {
                urls.push(open.url.clone());
                false
            }
            _ => true,
        });
        urls
    });
    out.extend(urls.into_iter().map(Intent::FollowLink));
}
