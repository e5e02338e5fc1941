//! Quick search (`/` or Ctrl+K): components, links and write-ups, ranked as you type, used
//! from the keyboard alone. Parts that do not match fade on the diagram.

use bevy_egui::egui;

use crate::app::state::{Intent, LoadedModel, SearchState};
use crate::model::search::{Hit, Ranked, search};

/// How many results are listed.
const SHOWN: usize = 8;

/// Draws the box. The query and the highlighted result are the box's own; choosing a result
/// or closing the box goes out as intents.
pub(super) fn search_ui(
    ctx: &egui::Context,
    model: &LoadedModel,
    state: &mut SearchState,
    out: &mut Vec<Intent>,
) {
    let results: Vec<Ranked> = search(&state.query, &model.diagram, &model.writeups);
    let (up, down, enter, escape) = ctx.input_mut(|i| {
        (
            i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp),
            i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown),
            i.consume_key(egui::Modifiers::NONE, egui::Key::Enter),
            i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
        )
    });
    let shown = results.len().min(SHOWN);
    if down && shown > 0 {
        state.cursor = (state.cursor + 1) % shown;
    }
    if up && shown > 0 {
        state.cursor = (state.cursor + shown - 1) % shown;
    }
    let mut chosen: Option<&Ranked> = None;
    egui::Window::new("Search")
        .id("search".into())
        .title_bar(false)
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 70.0))
        .fixed_size(egui::vec2(520.0_f32.min(ctx.viewport_rect().width() - 24.0), 0.0))
        .show(ctx, |ui| {
            let edit = ui.add(
                egui::TextEdit::singleline(&mut state.query)
                    .hint_text("Search components and write-ups…  (↑ ↓ to choose, Enter to open, Esc to close)")
                    .desired_width(f32::INFINITY),
            );
            if state.focus {
                edit.request_focus();
                state.focus = false;
            }
            if edit.changed() {
                state.cursor = 0;
            }
            for (i, r) in results.iter().take(SHOWN).enumerate() {
                let text = egui::RichText::new(format!("{}  ·  {}", r.title, r.detail));
                if ui.selectable_label(i == state.cursor, text).clicked() {
                    chosen = Some(r);
                }
            }
            if !state.query.trim().is_empty() && results.is_empty() {
                ui.label(egui::RichText::new("Nothing matches.").weak());
            }
        });
    if enter {
        chosen = chosen.or(results.get(state.cursor));
    }
    if let Some(r) = chosen {
        match &r.hit {
            Hit::Target(t) => out.push(Intent::Select(t.clone())),
            Hit::Writeup(slug) => {
                out.push(Intent::ShowTopic(slug.clone()));
                out.push(Intent::OpenWriteup(slug.clone()));
            }
        }
        out.push(Intent::CloseSearch);
    } else if escape {
        out.push(Intent::CloseSearch);
    }
}
