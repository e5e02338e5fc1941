//! A run as a sequence diagram: a lifeline for each application, each stack and the cable, an
//! arrow per frame and a note per event inside a host. Drawn by the lab panel, and written out
//! for course notes as Mermaid `sequenceDiagram` text or as a standalone SVG picture.

use super::event::{Event, EventKind};
use super::view::{layers_at, row};
use crate::model::xml_escape;

/// The lifelines of a run's sequence diagram, left to right: A's application, A's stack, the
/// cable, B's stack, B's application.
pub const LIFELINES: [&str; 5] = [
    "A's application",
    "A's stack",
    "Cable",
    "B's stack",
    "B's application",
];

/// One line of a sequence diagram: an arrow (a frame) or a note (what happens in a host).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SequenceItem {
    /// A frame from one lifeline to another (indices into [`LIFELINES`]), labelled with its
    /// summary; `lost`: it never arrived.
    Arrow {
        /// The event's index.
        event: usize,
        /// From this lifeline.
        from: usize,
        /// To this one.
        to: usize,
        /// Its label.
        text: String,
        /// It was lost on the way.
        lost: bool,
    },
    /// Something that happened on one lifeline.
    Note {
        /// The event's index.
        event: usize,
        /// The lifeline.
        on: usize,
        /// What happened.
        text: String,
    },
}

/// The run as a sequence diagram: one arrow per frame, from the sending host's stack to the
/// receiving host's (its application's, where a program wrote or reads the data), and a note
/// for each event inside a host or on the cable.
pub fn sequence(events: &[Event], names: &[&str]) -> Vec<SequenceItem> {
    let stack = |h: usize| if h == 0 { 1 } else { 3 };
    let app = |h: usize| if h == 0 { 0 } else { 4 };
    events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let r = row(i, e, names);
            match &e.kind {
                EventKind::Frame(f) => {
                    let (s, t) = (f.direction.sender(), f.direction.receiver());
                    let (from_app, _) = layers_at(f, false);
                    let (to_app, _) = layers_at(f, true);
                    SequenceItem::Arrow {
                        event: i,
                        from: if from_app.is_some() { app(s) } else { stack(s) },
                        to: if to_app.is_some() { app(t) } else { stack(t) },
                        text: r.summary,
                        lost: matches!(f.fate, super::event::Fate::Lost { .. }),
                    }
                }
                EventKind::Cable { .. } => SequenceItem::Note {
                    event: i,
                    on: 2,
                    text: r.summary,
                },
                EventKind::AppSend { host, .. }
                | EventKind::AppRecv { host, .. }
                | EventKind::App { host, .. } => SequenceItem::Note {
                    event: i,
                    on: app(*host),
                    text: r.summary,
                },
                EventKind::SocketState { host, .. }
                | EventKind::Retransmission { host, .. }
                | EventKind::Discarded { host, .. } => SequenceItem::Note {
                    event: i,
                    on: stack(*host),
                    text: r.summary,
                },
            }
        })
        .collect()
}

/// Text for a Mermaid message: no statement separator (`;`), no line break, no `#` that could
/// start an entity code.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The run as Mermaid `sequenceDiagram` text, for course notes: one arrow per frame (`-x` for
/// a lost one), a note for each event inside a host.
pub fn mermaid(title: &str, events: &[Event], names: &[&str]) -> String {
    use std::fmt::Write as _;
    let ids = ["AA", "AS", "C", "BS", "BA"];
    let mut out = String::from("sequenceDiagram\n");
    let _ = writeln!(out, "    title {}", mermaid_text(title));
    for (id, name) in ids.iter().zip(LIFELINES) {
        let _ = writeln!(out, "    participant {id} as {name}");
    }
    let id = |i: usize| ids.get(i).copied().unwrap_or("C");
    for item in sequence(events, names) {
        match item {
            SequenceItem::Arrow {
                from,
                to,
                text,
                lost,
                ..
            } => {
                let arrow = if lost { "-x" } else { "->>" };
                let _ = writeln!(
                    out,
                    "    {}{arrow}{}: {}",
                    id(from),
                    id(to),
                    mermaid_text(&text)
                );
            }
            SequenceItem::Note { on, text, .. } => {
                let _ = writeln!(out, "    Note over {}: {}", id(on), mermaid_text(&text));
            }
        }
    }
    out
}

/// Sizes of the SVG picture, in pixels.
mod svg_size {
    /// Room left and right of the outer lifelines.
    pub const MARGIN: f32 = 24.0;
    /// Between two lifelines.
    pub const LANE: f32 = 210.0;
    /// The title's band.
    pub const TITLE: f32 = 34.0;
    /// The lifelines' name boxes.
    pub const HEAD: f32 = 34.0;
    /// One item.
    pub const ROW: f32 = 26.0;
    /// The text's size.
    pub const FONT: f32 = 12.0;
    /// A character's width, for sizing a note's box (about 0.6 em in a sans-serif face).
    pub const CHAR: f32 = 6.6;
}

/// The run as a standalone SVG picture, for course notes: the lifelines with their names, an
/// arrow per frame labelled with its summary (dashed and crossed where it was lost), and a
/// note for each event inside a host or on the cable, each item numbered as the event list
/// numbers it. Black on white, so it prints.
pub fn svg(title: &str, events: &[Event], names: &[&str]) -> String {
    use std::fmt::Write as _;
    use svg_size::*;
    let items = sequence(events, names);
    let x = |lane: usize| MARGIN + 40.0 + LANE * lane as f32;
    let width = x(LIFELINES.len() - 1) + MARGIN + 40.0;
    let top = TITLE + HEAD;
    let height = top + ROW * (items.len() as f32 + 1.0);
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" font-family="DejaVu Sans, Helvetica, Arial, sans-serif" font-size="{FONT}">"#
    );
    let _ = writeln!(out, "<title>{}</title>", xml_escape(title));
    let _ = writeln!(
        out,
        r##"<defs><marker id="head" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="#000"/></marker></defs>"##
    );
    let _ = writeln!(
        out,
        r##"<rect width="100%" height="100%" fill="#fff"/><text class="title" x="{MARGIN}" y="22" font-size="16" font-weight="bold">{}</text>"##,
        xml_escape(title)
    );
    for (lane, name) in LIFELINES.iter().enumerate() {
        let cx = x(lane);
        let _ = writeln!(
            out,
            r##"<g class="lifeline"><line x1="{cx}" y1="{top}" x2="{cx}" y2="{height}" stroke="#888" stroke-dasharray="4 3"/><rect x="{}" y="{TITLE}" width="{}" height="{}" rx="4" fill="#f2f2f2" stroke="#000"/><text x="{cx}" y="{}" text-anchor="middle" font-weight="bold">{}</text></g>"##,
            cx - LANE / 2.0 + 12.0,
            LANE - 24.0,
            HEAD - 8.0,
            TITLE + HEAD / 2.0 + 1.0,
            xml_escape(name)
        );
    }
    for (k, item) in items.iter().enumerate() {
        let y = top + ROW * (k as f32 + 1.0);
        match item {
            SequenceItem::Arrow {
                event,
                from,
                to,
                text,
                lost,
            } => {
                let (x1, x2) = (x(*from), x(*to));
                let left = x1.min(x2);
                let _ = write!(
                    out,
                    r##"<g class="arrow" data-event="{}"><text x="{}" y="{}">{}  {}</text>"##,
                    event + 1,
                    left + 6.0,
                    y - 5.0,
                    event + 1,
                    xml_escape(text)
                );
                if *lost {
                    // It stops halfway, on the cable, with a cross.
                    let mid = (x1 + x2) / 2.0;
                    let _ = write!(
                        out,
                        r##"<line x1="{x1}" y1="{y}" x2="{mid}" y2="{y}" stroke="#000" stroke-dasharray="6 3"/><path d="M{},{} l10,10 m0,-10 l-10,10" stroke="#c00" stroke-width="2"/>"##,
                        mid - 5.0,
                        y - 5.0
                    );
                } else {
                    let _ = write!(
                        out,
                        r##"<line x1="{x1}" y1="{y}" x2="{x2}" y2="{y}" stroke="#000" marker-end="url(#head)"/>"##
                    );
                }
                out.push_str("</g>\n");
            }
            SequenceItem::Note { event, on, text } => {
                // A note fits the picture: cut short if it must be, and drawn leftwards from
                // a lifeline too near the right edge.
                let fits = ((width - 2.0 * MARGIN - 12.0) / CHAR) as usize;
                let mut label = format!("{}  {}", event + 1, text);
                if label.chars().count() > fits {
                    label = label
                        .chars()
                        .take(fits.saturating_sub(1))
                        .collect::<String>()
                        + "…";
                }
                let w = CHAR * label.chars().count() as f32 + 12.0;
                let left = if x(*on) + w > width - MARGIN {
                    (x(*on) + 6.0 - w).max(MARGIN)
                } else {
                    x(*on) - 6.0
                };
                let _ = writeln!(
                    out,
                    r##"<g class="note" data-event="{}"><rect x="{left}" y="{}" width="{w}" height="{}" fill="#fff7d6" stroke="#b59a00"/><text x="{}" y="{}">{}</text></g>"##,
                    event + 1,
                    y - ROW + 6.0,
                    ROW - 8.0,
                    left + 6.0,
                    y - 7.0,
                    xml_escape(&label)
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}
