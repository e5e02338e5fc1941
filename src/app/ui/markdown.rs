//! Draws a parsed document ([`crate::model::markdown`]) with egui: a text column of a readable
//! measure that never grows wider than its panel, code blocks that never wrap and scroll
//! sideways inside their own frame (with a copy button), tables that do the same, figures drawn
//! crisp at the column's width, links that stay inside the app, and the matches of a find
//! highlighted.

use std::sync::Arc;

use bevy_egui::egui::{self, Color32, FontId, Sense, TextFormat, text::LayoutJob};

use crate::app::state::Intent;
use crate::app::theme::{Look, color32};
use crate::model::figure::{Align, Figure};
use crate::model::markdown::{Block, Document, Inlines, Span, plain};
use crate::model::style::sizes;
use crate::model::{Diagram, Target};

/// The longest line of running text, in characters of the body font: a comfortable measure.
const MEASURE_CHARS: f32 = 72.0;
/// Body text size, and the heading sizes by level.
const BODY: f32 = 15.0;
const HEADINGS: [f32; 3] = [24.0, 19.5, 16.5];
/// The widest a table cell's text grows before it wraps.
const CELL_WIDTH: f32 = 260.0;

/// A range of characters and the link it belongs to.
type CharRange = (std::ops::Range<usize>, String);

/// What a drawn document reports back: facts a test or the outline needs.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Drawn {
    /// The text column's left and right edges.
    pub column: (f32, f32),
    /// The farthest right any running text reached (outside code blocks and tables, which
    /// scroll inside their own frames).
    pub text_right: f32,
    /// For each code block: its lines, and the rows it was drawn in (equal: nothing wrapped).
    pub code: Vec<(usize, usize)>,
    /// Where each heading was drawn, in document order (level, text, rectangle).
    pub headings: Vec<(u8, String, egui::Rect)>,
    /// Where each find match was drawn, in document order.
    pub matches: Vec<egui::Rect>,
    /// Every link drawn in running text: its text, where it goes, and where its first row is.
    pub links: Vec<(String, String, egui::Rect)>,
}

/// How to draw a document.
pub struct Render<'a> {
    /// Text to highlight (a find), if any.
    pub find: Option<&'a str>,
    /// Where clicked links go.
    pub out: &'a mut Vec<Intent>,
    /// What was drawn.
    pub drawn: Drawn,
    /// A salt for widget ids (the write-up's slug), so scroll states are kept per document.
    pub salt: &'a str,
}

impl Render<'_> {
    /// Draws `doc` in `ui`, in a column of a readable measure.
    pub fn document_ui(&mut self, ui: &mut egui::Ui, doc: &Document) {
        let char_width = ui.fonts_mut(|f| f.glyph_width(&FontId::proportional(BODY), 'n'));
        let measure = ui
            .available_width()
            .min(MEASURE_CHARS * char_width)
            .max(80.0);
        let left = ui.cursor().left();
        self.drawn.column = (left, left + measure);
        self.drawn.text_right = left;
        ui.vertical(|ui| {
            ui.set_max_width(measure);
            for (i, block) in doc.blocks.iter().enumerate() {
                self.block_ui(ui, block, measure, i);
            }
        });
    }

    fn block_ui(&mut self, ui: &mut egui::Ui, block: &Block, width: f32, index: usize) {
        match block {
            Block::Heading { level, text } => {
                let size = HEADINGS
                    .get(usize::from(*level).saturating_sub(1))
                    .copied()
                    .unwrap_or(BODY + 1.0);
                ui.add_space(if *level <= 2 { 12.0 } else { 6.0 });
                let response = self.text_ui(ui, text, size, width, true);
                // A screen reader lists the headings and jumps between them.
                let level = usize::from(*level);
                // Named by its text, as a browser names a heading, so a list of headings reads.
                let name = plain(text);
                ui.ctx().accesskit_node_builder(response.id, |node| {
                    node.set_role(egui::accesskit::Role::Heading);
                    node.set_level(level);
                    node.set_label(name.clone());
                });
                self.drawn
                    .headings
                    .push((level as u8, plain(text), response.rect));
                ui.add_space(2.0);
            }
            Block::Paragraph(text) => {
                self.text_ui(ui, text, BODY, width, false);
                ui.add_space(8.0);
            }
            Block::List { start, items } => {
                for (n, item) in items.iter().enumerate() {
                    let marker = match start {
                        Some(s) => format!("{}.", s + n as u64),
                        None => "•".to_owned(),
                    };
                    ui.horizontal_top(|ui| {
                        let (marker_rect, _) =
                            ui.allocate_exact_size(egui::vec2(22.0, BODY * 1.3), Sense::hover());
                        ui.painter().text(
                            marker_rect.right_top() + egui::vec2(-6.0, 0.0),
                            egui::Align2::RIGHT_TOP,
                            marker,
                            FontId::proportional(BODY),
                            ui.visuals().text_color(),
                        );
                        let inner = (width - 22.0 - ui.spacing().item_spacing.x).max(40.0);
                        ui.vertical(|ui| {
                            ui.set_max_width(inner);
                            for (j, b) in item.iter().enumerate() {
                                self.block_ui(ui, b, inner, index * 1000 + n * 10 + j);
                            }
                        });
                    });
                }
                ui.add_space(4.0);
            }
            Block::Code { lang, text } => {
                self.code_ui(ui, lang, text, width, index);
                ui.add_space(8.0);
            }
            Block::Table { head, rows } => {
                self.table_ui(ui, head, rows, width, index);
                ui.add_space(8.0);
            }
            Block::Figure(figure) => {
                self.figure_ui(ui, &figure.diagram, width);
                ui.add_space(8.0);
            }
            Block::Quote(inner) => {
                ui.horizontal_top(|ui| {
                    let (bar, _) = ui.allocate_exact_size(egui::vec2(4.0, 4.0), Sense::hover());
                    let top = bar.top();
                    let inner_width = (width - 16.0).max(40.0);
                    let r = ui.vertical(|ui| {
                        ui.set_max_width(inner_width);
                        for (j, b) in inner.iter().enumerate() {
                            self.block_ui(ui, b, inner_width, index * 1000 + j);
                        }
                    });
                    ui.painter().rect_filled(
                        egui::Rect::from_min_max(
                            egui::pos2(bar.left(), top),
                            egui::pos2(bar.right(), r.response.rect.bottom()),
                        ),
                        2.0,
                        ui.visuals().weak_text_color(),
                    );
                });
            }
            Block::Rule => {
                ui.separator();
            }
        }
    }

    /// Lays out some inlines as one wrapped galley, draws it (selectable, so it can be copied),
    /// and follows a click on a link.
    fn text_ui(
        &mut self,
        ui: &mut egui::Ui,
        text: &Inlines,
        size: f32,
        width: f32,
        heading: bool,
    ) -> egui::Response {
        let (job, links, matches) = self.job(ui, text, size, width, heading);
        let galley = ui.fonts_mut(|f| f.layout_job(job));
        let response = ui.add(
            egui::Label::new(egui::WidgetText::Galley(galley.clone()))
                .selectable(true)
                .sense(Sense::click()),
        );
        self.drawn.text_right = self.drawn.text_right.max(response.rect.right());
        self.note_matches(&galley, response.rect.min, &matches);
        self.note_links(&galley, response.rect.min, &links);
        // The link under the pointer: a hand cursor, and a click follows it.
        let link_at = |pos: egui::Pos2| {
            let c = galley.cursor_from_pos(pos - response.rect.min).index.0;
            links
                .iter()
                .find(|(range, _)| range.contains(&c))
                .map(|(_, url)| url.clone())
        };
        if let Some(pos) = response.hover_pos()
            && link_at(pos).is_some()
        {
            ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
        }
        if response.clicked()
            && let Some(url) = response.interact_pointer_pos().and_then(link_at)
        {
            self.out.push(Intent::FollowLink(url));
        }
        response
    }

    /// The layout of some inlines, and which characters belong to which link.
    fn job(
        &self,
        ui: &egui::Ui,
        text: &Inlines,
        size: f32,
        width: f32,
        heading: bool,
    ) -> (LayoutJob, Vec<CharRange>, Vec<std::ops::Range<usize>>) {
        let visuals = ui.visuals();
        let mark = Look::in_ui(ui).panels().mark;
        let mut job = LayoutJob::default();
        job.wrap.max_width = width;
        let mut links: Vec<CharRange> = Vec::new();
        let mut matches = Vec::new();
        let mut chars = 0;
        for span in text {
            let format = span_format(span, size, heading, visuals);
            for (piece, matched) in split_matches(&span.text, self.find) {
                let mut f = format.clone();
                if matched {
                    f.background = color32(mark.background);
                    f.color = color32(mark.text);
                }
                let n = piece.chars().count();
                if let Some(url) = &span.link {
                    links.push((chars..chars + n, url.clone()));
                }
                if matched {
                    matches.push(chars..chars + n);
                }
                chars += n;
                job.append(piece, 0.0, f);
            }
        }
        (job, links, matches)
    }

    /// Records where the find's matches (character ranges) landed in a galley drawn at
    /// `origin`; a match that wraps counts where it starts.
    fn note_matches(
        &mut self,
        galley: &Arc<egui::Galley>,
        origin: egui::Pos2,
        matches: &[std::ops::Range<usize>],
    ) {
        use egui::text::CCursor;
        for m in matches {
            let a = galley.pos_from_cursor(CCursor::new(m.start));
            let b = galley.pos_from_cursor(CCursor::new(m.end));
            let right = if (b.min.y - a.min.y).abs() < 1.0 {
                b.min.x
            } else {
                a.max.x + 8.0
            };
            self.drawn.matches.push(egui::Rect::from_min_max(
                origin + a.min.to_vec2(),
                origin + egui::vec2(right, a.max.y),
            ));
        }
    }

    /// Records where each link's text starts, for the outline of links a screen reader (and a
    /// test) can use.
    fn note_links(&mut self, galley: &Arc<egui::Galley>, origin: egui::Pos2, links: &[CharRange]) {
        use egui::text::CCursor;
        for (range, url) in links {
            let text: String = galley
                .job
                .text
                .chars()
                .skip(range.start)
                .take(range.end - range.start)
                .collect();
            let a = galley.pos_from_cursor(CCursor::new(range.start));
            let b = galley.pos_from_cursor(CCursor::new(range.end));
            let right = if (b.min.y - a.min.y).abs() < 1.0 {
                b.min.x
            } else {
                galley.rect.right()
            };
            let rect = egui::Rect::from_min_max(
                origin + a.min.to_vec2(),
                origin + egui::vec2(right, a.max.y),
            );
            // One entry per link, even when its text runs over spans of several styles.
            match self.drawn.links.last_mut() {
                Some(last)
                    if last.1 == *url
                        && (last.2.max.y - rect.max.y).abs() < 1.0
                        && (last.2.max.x - rect.min.x).abs() < 1.0 =>
                {
                    last.0.push_str(&text);
                    last.2 = last.2.union(rect);
                }
                _ => self.drawn.links.push((text, url.clone(), rect)),
            }
        }
    }

    /// A code block: never wrapped, scrolled sideways inside its frame, with a copy button.
    fn code_ui(&mut self, ui: &mut egui::Ui, lang: &str, text: &str, width: f32, index: usize) {
        let lines = text.lines().count().max(1);
        let mark = Look::in_ui(ui).panels().mark;
        egui::Frame::new()
            .fill(ui.visuals().extreme_bg_color)
            .corner_radius(6.0)
            .inner_margin(egui::Margin::symmetric(8, 6))
            .show(ui, |ui| {
                ui.set_max_width(width - 16.0);
                ui.set_min_width(width - 16.0);
                ui.horizontal(|ui| {
                    if !lang.is_empty() {
                        ui.label(egui::RichText::new(lang).small().weak());
                    }
                    ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
                        if ui
                            .small_button("Copy")
                            .on_hover_text("Copy this code to the clipboard")
                            .clicked()
                        {
                            ui.ctx().copy_text(text.to_owned());
                        }
                    });
                });
                egui::ScrollArea::horizontal()
                    .id_salt(("code", self.salt, index))
                    .auto_shrink([false, true])
                    .show(ui, |ui| {
                        let mut job = LayoutJob::default();
                        job.wrap.max_width = f32::INFINITY;
                        let mut matches = Vec::new();
                        let mut chars = 0;
                        for (piece, matched) in split_matches(text, self.find) {
                            let mut f = TextFormat::simple(
                                FontId::monospace(13.5),
                                ui.visuals().text_color(),
                            );
                            let n = piece.chars().count();
                            if matched {
                                f.background = color32(mark.background);
                                f.color = color32(mark.text);
                                matches.push(chars..chars + n);
                            }
                            chars += n;
                            job.append(piece, 0.0, f);
                        }
                        let galley = ui.fonts_mut(|f| f.layout_job(job));
                        self.drawn.code.push((lines, galley.rows.len()));
                        let r = ui.add(
                            egui::Label::new(egui::WidgetText::Galley(galley.clone()))
                                .selectable(true),
                        );
                        self.note_matches(&galley, r.rect.min, &matches);
                    });
            });
    }

    /// A table: cells wrap at a width of their own, and a wide table scrolls sideways.
    fn table_ui(
        &mut self,
        ui: &mut egui::Ui,
        head: &[Inlines],
        rows: &[Vec<Inlines>],
        width: f32,
        index: usize,
    ) {
        egui::ScrollArea::horizontal()
            .id_salt(("table", self.salt, index))
            .max_width(width)
            .auto_shrink([false, true])
            .show(ui, |ui| {
                egui::Grid::new(("grid", self.salt, index))
                    .striped(true)
                    .spacing([12.0, 4.0])
                    .show(ui, |ui| {
                        for cell in head {
                            self.cell_ui(ui, cell, true);
                        }
                        ui.end_row();
                        for row in rows {
                            for cell in row {
                                self.cell_ui(ui, cell, false);
                            }
                            ui.end_row();
                        }
                    });
            });
    }

    fn cell_ui(&mut self, ui: &mut egui::Ui, cell: &Inlines, head: bool) {
        let natural = ui.fonts_mut(|f| {
            // Only the width counts: any colour will do.
            f.layout_no_wrap(
                plain(cell),
                FontId::proportional(BODY),
                Color32::PLACEHOLDER,
            )
            .size()
            .x
        });
        let w = natural.min(CELL_WIDTH) + 1.0;
        ui.vertical(|ui| {
            ui.set_width(w);
            let text_right = self.drawn.text_right;
            self.text_ui(ui, cell, BODY, w, head);
            // Cells scroll inside the table's own frame: they do not count as running text.
            self.drawn.text_right = text_right;
        });
    }

    /// A figure: the small diagram drawn to the column's width (never larger than its own size),
    /// its parts linking to their write-ups.
    fn figure_ui(&mut self, ui: &mut egui::Ui, figure: &Diagram, width: f32) {
        let b = figure.bounds();
        let k = (width / b.w.max(1.0)).min(1.0);
        let size = egui::vec2(b.w * k, b.h * k);
        let (rect, response) = ui.allocate_exact_size(size, Sense::click());
        ui.ctx().accesskit_node_builder(response.id, |node| {
            node.set_role(egui::accesskit::Role::Image);
            node.set_label(figure.title.clone());
            if !figure.description.is_empty() {
                node.set_description(figure.description.clone());
            }
        });
        let to_screen =
            |p: crate::model::Point| rect.min + egui::vec2((p.x - b.x) * k, (p.y - b.y) * k);
        // The core's figure in the current theme: the canvas's boxes, lines and label lines.
        let drawn = Figure::build(figure, Look::in_ui(ui).palette, 1.0);
        let palette = &drawn.palette;
        let painter = ui.painter_at(rect.expand(2.0));
        let hovered = response.hover_pos().and_then(|p| {
            let at = crate::model::Point::new(
                (p.x - rect.min.x) / k + b.x,
                (p.y - rect.min.y) / k + b.y,
            );
            crate::model::hit::target_at(figure, at)
        });
        let to_rect = |r: crate::model::Rect| {
            egui::Rect::from_min_max(
                to_screen(crate::model::Point::new(r.x, r.y)),
                to_screen(crate::model::Point::new(r.x + r.w, r.y + r.h)),
            )
        };
        for bx in &drawn.boxes {
            let hover = hovered.as_ref() == Some(&Target::Component(bx.id.clone()));
            painter.rect(
                to_rect(bx.rect),
                sizes::CORNER_RADIUS * k,
                color32(bx.fill),
                egui::Stroke::new(
                    if hover { 2.5 } else { palette.border_width },
                    color32(if hover { palette.hover } else { bx.border }),
                ),
                egui::StrokeKind::Inside,
            );
        }
        for line in &drawn.lines {
            let points: Vec<egui::Pos2> = line.points.iter().map(|p| to_screen(*p)).collect();
            painter.add(egui::Shape::line(
                points,
                egui::Stroke::new((line.width * k).max(1.0), color32(line.color)),
            ));
            if let Some([tip, a, c]) = line.head {
                painter.add(egui::Shape::convex_polygon(
                    vec![to_screen(tip), to_screen(a), to_screen(c)],
                    color32(line.color),
                    egui::Stroke::NONE,
                ));
            }
        }
        for label in &drawn.labels {
            // Never smaller than a caption can be read; the lines stay the core's.
            let font = FontId::proportional((label.font * k).max(9.0));
            let color = color32(label.color);
            let galley = painter.layout_no_wrap(label.text(), font, color);
            let block = to_rect(label.block);
            let pos = match label.align {
                Align::Center => block.center() - galley.size() / 2.0,
                Align::Left => block.min,
            };
            if label.backdrop {
                painter.rect_filled(
                    egui::Rect::from_min_size(pos, galley.size()).expand(2.0),
                    2.0,
                    color32(palette.panels.background),
                );
            }
            painter.galley(pos, galley, color);
        }
        // A part of the figure with a write-up opens it.
        let slug_of = |t: &Target| figure.writeup_of(t).cloned();
        if let Some(slug) = hovered.as_ref().and_then(slug_of) {
            ui.ctx().set_cursor_icon(egui::CursorIcon::PointingHand);
            if response.clicked() {
                self.out
                    .push(Intent::FollowLink(crate::model::writeup_href(&slug)));
            }
        }
        if let Some(t) = hovered {
            let text = match &t {
                Target::Component(id) => figure.component(id.as_str()).map(|c| c.label.clone()),
                Target::Link(id) => figure.link(id.as_str()).map(|l| l.label.clone()),
            };
            if let Some(text) = text {
                response.on_hover_text(text);
            }
        }
    }
}

/// The look of a span.
fn span_format(span: &Span, size: f32, heading: bool, visuals: &egui::Visuals) -> TextFormat {
    let strong = span.strong || heading;
    let mut f = TextFormat::simple(
        if span.code {
            FontId::monospace(size * 0.9)
        } else {
            FontId::proportional(size)
        },
        if strong {
            visuals.strong_text_color()
        } else {
            visuals.text_color()
        },
    );
    f.italics = span.emphasis;
    if span.code {
        f.background = visuals.code_bg_color;
    }
    if span.link.is_some() {
        f.color = visuals.hyperlink_color;
        f.underline = egui::Stroke::new(1.0, visuals.hyperlink_color);
    }
    f
}

/// Splits `text` into pieces, each marked whether it matches `find` (case-insensitive).
fn split_matches<'t>(text: &'t str, find: Option<&str>) -> Vec<(&'t str, bool)> {
    let Some(find) = find.filter(|f| !f.trim().is_empty()) else {
        return vec![(text, false)];
    };
    let lower = text.to_lowercase();
    let needle = find.to_lowercase();
    // Lower-casing can change byte lengths; only search when it does not.
    if lower.len() != text.len() {
        return vec![(text, false)];
    }
    let mut out = Vec::new();
    let mut at = 0;
    while let Some(i) = lower.get(at..).and_then(|rest| rest.find(&needle)) {
        let start = at + i;
        let end = start + needle.len();
        if let (Some(before), Some(hit)) = (text.get(at..start), text.get(start..end)) {
            if !before.is_empty() {
                out.push((before, false));
            }
            out.push((hit, true));
        }
        at = end;
    }
    if let Some(rest) = text.get(at..).filter(|r| !r.is_empty()) {
        out.push((rest, false));
    }
    out
}
