//! The reader: a write-up drawn from its parsed blocks, with an outline of its sections, a
//! find (Ctrl+F) that highlights matches, the previous and next write-up, and links kept
//! inside the app.

use bevy_egui::egui;

use super::markdown::{Drawn, Render};
use crate::app::state::{Intent, ReaderFind};
use crate::app::theme::{self, Look};
use crate::model::{Body, Writeup, WriteupCatalog};

/// What the reader asks of its caller between frames: where to scroll.
#[derive(Debug, Default)]
pub(super) struct ReaderMemory {
    /// Scroll to this section (index among the headings) on the next frame.
    pub jump: Option<usize>,
    /// Scroll to the current match on the next frame.
    pub show_match: bool,
    /// What the last frame drew.
    pub drawn: Drawn,
    /// The section last scrolled to for a link to it (write-up, heading): shown once, then
    /// the learner scrolls freely.
    pub shown_section: Option<(crate::model::WriteupSlug, String)>,
    /// The section heading at the top of the view in the last frame.
    pub top_heading: Option<String>,
}

/// Draws `w`, and turns clicked links into [`Intent::FollowLink`], so the app decides what a
/// link may open (other write-ups, parts of the diagram, http(s) pages, nothing else).
pub(super) fn reader_ui(
    ui: &mut egui::Ui,
    w: &Writeup,
    section: Option<&str>,
    catalog: &WriteupCatalog,
    find: &mut ReaderFind,
    memory: &mut ReaderMemory,
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
        let sections: Vec<(usize, String)> = memory
            .drawn
            .headings
            .iter()
            .enumerate()
            .filter(|(_, (level, _, _))| *level == 2)
            .map(|(i, (_, text, _))| (i, text.clone()))
            .collect();
        if !sections.is_empty() {
            ui.menu_button("Sections ▾", |ui| {
                for (i, title) in &sections {
                    if ui.button(title).clicked() {
                        memory.jump = Some(*i);
                        ui.close();
                    }
                }
            });
        }
        if ui
            .selectable_label(find.open, "Find")
            .on_hover_text("Find in this write-up (Ctrl+F)")
            .clicked()
        {
            out.push(if find.open {
                Intent::CloseFind
            } else {
                Intent::OpenFind
            });
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            if ui.button("✕ Close").clicked() {
                out.push(Intent::CloseWriteup);
            }
        });
    });
    if find.open {
        find_bar_ui(ui, find, memory, out);
    }
    ui.separator();
    ui.label(egui::RichText::new(format!("{} · {}", w.date.long(), w.tags.join(" · "))).weak());
    let query = find.open.then_some(find.query.as_str());
    let mut render = Render {
        find: query,
        out,
        drawn: Drawn::default(),
        salt: w.slug.as_str(),
    };
    egui::ScrollArea::vertical()
        .id_salt(("reader", w.slug.as_str()))
        .auto_shrink([false, false])
        .show(ui, |ui| {
            ui.add_space(4.0);
            match &w.body {
                Body::Ready(body) => render.document_ui(ui, &body.document),
                Body::Pending => {
                    // The text is on its way (the diagram came first); the page redraws
                    // when it arrives.
                    ui.horizontal(|ui| {
                        ui.spinner();
                        ui.label("Loading the write-up…");
                    });
                }
                Body::Unreadable(why) => {
                    ui.label(
                        egui::RichText::new("This write-up's text could not be read.").strong(),
                    );
                    ui.label(why);
                }
            }
            // A link to a section shows it once, when its heading has been drawn.
            if let Some(section) = section
                && memory
                    .shown_section
                    .as_ref()
                    .is_none_or(|(slug, s)| *slug != w.slug || s != section)
                && let Some(i) = render
                    .drawn
                    .headings
                    .iter()
                    .position(|(level, text, _)| *level == 2 && text == section)
            {
                memory.jump = Some(i);
                memory.shown_section = Some((w.slug.clone(), section.to_owned()));
            }
            // The section being read: the last heading that starts above the view's first
            // line (a jump leaves a little spacing above the heading).
            let top = ui.clip_rect().top() + ui.text_style_height(&egui::TextStyle::Body);
            memory.top_heading = render
                .drawn
                .headings
                .iter()
                .rev()
                .find(|(_, _, r)| r.top() <= top)
                .map(|(_, text, _)| text.clone());
            if let Some(i) = memory.jump.take()
                && let Some((_, _, rect)) = render.drawn.headings.get(i)
            {
                // A jump, like a link to an anchor: instant, so nothing moves under the reader.
                ui.scroll_to_rect_animation(
                    *rect,
                    Some(egui::Align::TOP),
                    egui::style::ScrollAnimation::none(),
                );
            }
            if std::mem::take(&mut memory.show_match)
                && let Some(rect) = render.drawn.matches.get(find.current)
            {
                ui.scroll_to_rect_animation(
                    *rect,
                    Some(egui::Align::Center),
                    egui::style::ScrollAnimation::none(),
                );
            }
            if let Some(rect) = query.and(render.drawn.matches.get(find.current)) {
                ui.painter().rect_stroke(
                    rect.expand(1.5),
                    2.0,
                    // The current match, outlined in the colour of a selection.
                    egui::Stroke::new(2.0, theme::color32(Look::in_ui(ui).palette.selected)),
                    egui::StrokeKind::Outside,
                );
            }
            ui.add_space(12.0);
            neighbours_ui(ui, w, catalog, render.out);
            ui.add_space(24.0);
        });
    find.total = render.drawn.matches.len();
    if find.current >= find.total {
        find.current = 0;
    }
    memory.drawn = render.drawn;
}

/// The find box: type to highlight, Enter or ↓ for the next match, Shift+Enter or ↑ for the
/// previous one, Esc to close.
fn find_bar_ui(
    ui: &mut egui::Ui,
    find: &mut ReaderFind,
    memory: &mut ReaderMemory,
    out: &mut Vec<Intent>,
) {
    ui.horizontal(|ui| {
        let edit = ui.add(
            egui::TextEdit::singleline(&mut find.query)
                .hint_text("Find in this write-up")
                .desired_width(200.0),
        );
        if find.focus {
            edit.request_focus();
            find.focus = false;
        }
        if edit.changed() {
            find.current = 0;
            memory.show_match = true;
        }
        // (Asked before `input_mut`, which holds the context's lock.)
        let focused = edit.has_focus();
        let typing = focused || edit.lost_focus();
        // The text field gives up its focus on Esc before we see the key: that is the close.
        let escaped = edit.lost_focus() && ui.input(|i| i.key_pressed(egui::Key::Escape));
        let (next, prev, close) = ui.input_mut(|i| {
            (
                typing && i.consume_key(egui::Modifiers::NONE, egui::Key::Enter)
                    || focused && i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowDown),
                typing && i.consume_key(egui::Modifiers::SHIFT, egui::Key::Enter)
                    || focused && i.consume_key(egui::Modifiers::NONE, egui::Key::ArrowUp),
                focused && i.consume_key(egui::Modifiers::NONE, egui::Key::Escape),
            )
        });
        let total = find.total;
        ui.label(if find.query.trim().is_empty() {
            String::new()
        } else if total == 0 {
            "no match".to_owned()
        } else {
            format!("{} of {total}", find.current + 1)
        });
        let step = |find: &mut ReaderFind, forward: bool| {
            if find.total > 0 {
                find.current = if forward {
                    (find.current + 1) % find.total
                } else {
                    (find.current + find.total - 1) % find.total
                };
            }
        };
        if ui
            .small_button("▲")
            .on_hover_text("Previous match")
            .clicked()
            || prev
        {
            step(find, false);
            memory.show_match = true;
        }
        if ui.small_button("▼").on_hover_text("Next match").clicked() || next {
            step(find, true);
            memory.show_match = true;
            edit.request_focus();
        }
        if close || escaped {
            out.push(Intent::CloseFind);
        }
    });
}

/// The previous and next write-up in the index's order.
fn neighbours_ui(ui: &mut egui::Ui, w: &Writeup, catalog: &WriteupCatalog, out: &mut Vec<Intent>) {
    let order = catalog.newest_first();
    let Some(i) = order.iter().position(|o| o.slug == w.slug) else {
        return;
    };
    ui.separator();
    ui.horizontal_wrapped(|ui| {
        let open = |out: &mut Vec<Intent>, next: &Writeup| {
            out.push(Intent::ShowTopic(next.slug.clone()));
            out.push(Intent::OpenWriteup(next.slug.clone()));
        };
        if let Some(prev) = i.checked_sub(1).and_then(|p| order.get(p))
            && ui.button(format!("← {}", prev.title)).clicked()
        {
            open(out, prev);
        }
        if let Some(next) = order.get(i + 1)
            && ui.button(format!("{} →", next.title)).clicked()
        {
            open(out, next);
        }
    });
}
