//! Tours: guided stories over a diagram, authored in RON beside it (`tours/<diagram file>`).
//!
//! A tour is a title and ordered steps. Each step focuses one or more components or links,
//! narrates in Markdown, may offer a write-up, and may send a packet along a path whose label
//! changes as it goes (an HTTP request becomes a TCP segment, then an IP packet, then a frame).
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::diagnostic::Diagnostics;
use super::diagram::{Diagram, Target};
use super::geometry::{Point, Rect};
use super::ids::{ComponentId, WriteupSlug, is_valid_id};
use super::outline::{Node, outline};

const TOUR_FIELDS: &[&str] = &["name", "title", "steps"];
const STEP_FIELDS: &[&str] = &[
    "title",
    "focus",
    "caption",
    "narration",
    "notes",
    "writeup",
    "packet",
    "lab",
];

/// The longest a step's caption may be: a line or two on a projected screen.
pub const MAX_CAPTION_CHARS: usize = 160;
const HOP_FIELDS: &[&str] = &["at", "label"];

/// A tour as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TourDef {
    /// Name used in deep links and `--tour`, e.g. `http-request`.
    pub name: String,
    /// Shown in the tour panel.
    pub title: String,
    /// The steps, in order.
    pub steps: Vec<StepDef>,
}

/// A step as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepDef {
    /// Short heading, also shown as "next" in the speaker notes.
    pub title: String,
    /// Component or link ids to frame and highlight.
    pub focus: Vec<String>,
    /// One short line for the audience's screen in presenter mode (plain text); without it,
    /// the narration's first sentence.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub caption: Option<String>,
    /// What the audience reads, in Markdown.
    pub narration: String,
    /// Speaker notes, in Markdown: for the presenter's eyes only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    /// A write-up to offer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writeup: Option<String>,
    /// A packet's journey: components and links it passes, with the label it carries from there.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub packet: Vec<HopDef>,
    /// The lab at an event that shows this step for real, as a link: `#/lab/http-request/6`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lab: Option<String>,
}

/// One waypoint of a packet as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HopDef {
    /// A component or link id.
    pub at: String,
    /// The label from this waypoint on; empty keeps the previous one.
    #[serde(default)]
    pub label: String,
}

/// A validated tour.
#[derive(Clone, Debug)]
pub struct Tour {
    /// Name used in deep links.
    pub name: String,
    /// Title.
    pub title: String,
    /// The steps.
    pub steps: Vec<Step>,
}

/// A validated step.
#[derive(Clone, Debug)]
pub struct Step {
    /// Heading.
    pub title: String,
    /// What to frame and highlight.
    pub focus: Vec<Target>,
    /// What the audience's screen shows in presenter mode: the caption as written, or the
    /// narration's first sentence.
    pub caption: String,
    /// Markdown narration.
    pub narration: String,
    /// The narration, parsed into blocks once.
    pub document: std::sync::Arc<super::markdown::Document>,
    /// Speaker notes, parsed, if the step has them.
    pub notes: Option<std::sync::Arc<super::markdown::Document>>,
    /// A write-up to offer.
    pub writeup: Option<WriteupSlug>,
    /// The packet's waypoints, each with the label it carries from there on.
    pub packet: Vec<(Target, String)>,
    /// The lab scenario and event (from 1) that show this step for real.
    pub lab: Option<(String, usize)>,
}

/// Parses and validates the tours of `diagram`. Reports every problem, with positions.
pub fn parse_tours(
    file: &str,
    src: &str,
    diagram: &Diagram,
    writeups: &BTreeSet<WriteupSlug>,
) -> Result<Vec<Tour>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let raw: Vec<TourDef> = match super::parse_ron(file, src) {
        Ok(t) => t,
        Err(d) => {
            diags.0.push(d);
            return Err(diags);
        }
    };
    let src = super::limits::strip_bom(src);
    let tree = outline(src);
    let unknown = |node: &Node, known: &[&str], what: &str, diags: &mut Diagnostics| {
        for f in node.fields() {
            if !known.contains(&f.name.as_str()) {
                diags.error(
                    file,
                    Some(f.name_pos),
                    format!(
                        "unknown field `{}` in {what}; expected one of: {}",
                        f.name,
                        known.join(", ")
                    ),
                );
            }
        }
    };
    if raw.len() > super::limits::MAX_TOURS {
        diags.error(
            file,
            Some(tree.pos()),
            format!(
                "{} tours; the limit is {}",
                raw.len(),
                super::limits::MAX_TOURS
            ),
        );
        return Err(diags);
    }
    let mut names = BTreeSet::new();
    let mut tours = Vec::new();
    for (ti, t) in raw.iter().enumerate() {
        let tnode = tree.items().get(ti);
        let tpos = |f: &str| tnode.map(|n| n.value_pos(f));
        if let Some(n) = tnode {
            unknown(n, TOUR_FIELDS, "a tour", &mut diags);
        }
        if !is_valid_id(&t.name) {
            diags.error(
                file,
                tpos("name"),
                format!(
                    "invalid tour name `{}`: use letters, digits and `-`",
                    t.name
                ),
            );
        } else if !names.insert(t.name.as_str()) {
            diags.error(
                file,
                tpos("name"),
                format!("duplicate tour name `{}`", t.name),
            );
        }
        if t.title.trim().is_empty() {
            diags.error(
                file,
                tpos("title"),
                format!("tour `{}` has an empty title", t.name),
            );
        }
        if t.steps.is_empty() {
            diags.error(
                file,
                tpos("steps"),
                format!("tour `{}` has no steps", t.name),
            );
        }
        if t.steps.len() > super::limits::MAX_TOURS {
            diags.error(
                file,
                tpos("steps"),
                format!(
                    "tour `{}` has {} steps; the limit is {}",
                    t.name,
                    t.steps.len(),
                    super::limits::MAX_TOURS
                ),
            );
            continue;
        }
        if t.title.chars().count() > super::limits::MAX_LABEL_CHARS {
            diags.error(
                file,
                tpos("title"),
                format!(
                    "the title of tour `{}` is longer than {} characters",
                    t.name,
                    super::limits::MAX_LABEL_CHARS
                ),
            );
        }
        let step_nodes = tnode
            .and_then(|n| n.field("steps"))
            .map(|f| f.value.items())
            .unwrap_or_default();
        let mut steps = Vec::new();
        for (si, s) in t.steps.iter().enumerate() {
            let snode = step_nodes.get(si);
            let spos = |f: &str| snode.map(|n| n.value_pos(f));
            let here = format!("tour `{}`, step {}", t.name, si + 1);
            if let Some(n) = snode {
                unknown(n, STEP_FIELDS, "a step", &mut diags);
            }
            if s.title.trim().is_empty() {
                diags.error(file, spos("title"), format!("{here} has an empty title"));
            }
            if s.narration.trim().is_empty() {
                diags.error(file, spos("narration"), format!("{here} has no narration"));
            }
            if let Some(caption) = &s.caption {
                if caption.trim().is_empty() {
                    diags.error(
                        file,
                        spos("caption"),
                        format!("{here} has an empty caption"),
                    );
                } else if caption.contains('\n') {
                    diags.error(
                        file,
                        spos("caption"),
                        format!("{here}: a caption is one line"),
                    );
                } else if caption.chars().count() > MAX_CAPTION_CHARS {
                    diags.error(
                        file,
                        spos("caption"),
                        format!(
                            "{here}: the caption is longer than {MAX_CAPTION_CHARS} characters \
                             (it is one line on the audience's screen)"
                        ),
                    );
                }
            }
            if s.narration.chars().count() > super::limits::MAX_TEXT_CHARS {
                diags.error(
                    file,
                    spos("narration"),
                    format!(
                        "{here}: the narration is longer than {} characters",
                        super::limits::MAX_TEXT_CHARS
                    ),
                );
            }
            if let Some(notes) = &s.notes {
                if notes.trim().is_empty() {
                    diags.error(file, spos("notes"), format!("{here} has empty notes"));
                }
                if notes.chars().count() > super::limits::MAX_TEXT_CHARS {
                    diags.error(
                        file,
                        spos("notes"),
                        format!(
                            "{here}: the notes are longer than {} characters",
                            super::limits::MAX_TEXT_CHARS
                        ),
                    );
                }
            }
            if s.focus.is_empty() {
                diags.error(file, spos("focus"), format!("{here} focuses on nothing"));
            }
            let focus_nodes = snode
                .and_then(|n| n.field("focus"))
                .map(|f| f.value.items())
                .unwrap_or_default();
            let mut focus = Vec::new();
            for (fi, id) in s.focus.iter().enumerate() {
                match diagram.target_by_id(id) {
                    Some(t) => focus.push(t),
                    None => diags.error(
                        file,
                        focus_nodes.get(fi).map(Node::pos).or(spos("focus")),
                        format!("{here} focuses on `{id}`, which is not in the diagram"),
                    ),
                }
            }
            let writeup = s.writeup.as_ref().map(|w| {
                if !writeups.contains(w.as_str()) {
                    diags.error(
                        file,
                        spos("writeup"),
                        format!("{here} offers unknown write-up `{w}`"),
                    );
                }
                WriteupSlug::new(w.as_str())
            });
            let hop_nodes = snode
                .and_then(|n| n.field("packet"))
                .map(|f| f.value.items())
                .unwrap_or_default();
            let mut packet = Vec::new();
            let mut label = String::new();
            for (hi, hop) in s.packet.iter().enumerate() {
                let hnode = hop_nodes.get(hi);
                if let Some(n) = hnode {
                    unknown(n, HOP_FIELDS, "a packet waypoint", &mut diags);
                }
                if !hop.label.trim().is_empty() {
                    label = hop.label.clone();
                } else if hi == 0 {
                    diags.error(
                        file,
                        hnode.map(|n| n.value_pos("label")),
                        format!("{here}: the packet's first waypoint needs a label"),
                    );
                }
                match diagram.target_by_id(&hop.at) {
                    Some(t) => packet.push((t, label.clone())),
                    None => diags.error(
                        file,
                        hnode.map(|n| n.value_pos("at")),
                        format!(
                            "{here}: the packet passes `{}`, which is not in the diagram",
                            hop.at
                        ),
                    ),
                }
            }
            if s.packet.len() == 1 {
                diags.error(
                    file,
                    spos("packet"),
                    format!("{here}: a packet needs at least two waypoints"),
                );
            }
            let lab = s.lab.as_ref().and_then(|link| {
                match super::Route::parse(link) {
                    Some(super::Route::Lab(name, event)) if link.starts_with("#/lab/") => {
                        Some((name, event))
                    }
                    _ => {
                        diags.error(
                            file,
                            spos("lab"),
                            format!(
                                "{here}: `{link}` is not a link into the lab; write `#/lab/<scenario>/<event>`"
                            ),
                        );
                        None
                    }
                }
            });
            let document = super::markdown::parse_document(file, &s.narration, writeups).0;
            let caption = match &s.caption {
                Some(c) => c.trim().to_owned(),
                None => first_sentence(&super::markdown::plain_text(&document)),
            };
            steps.push(Step {
                title: s.title.clone(),
                focus,
                caption,
                narration: s.narration.clone(),
                document: std::sync::Arc::new(document),
                notes: s.notes.as_ref().map(|n| {
                    std::sync::Arc::new(super::markdown::parse_document(file, n, writeups).0)
                }),
                writeup,
                packet,
                lab,
            });
        }
        tours.push(Tour {
            name: t.name.clone(),
            title: t.title.clone(),
            steps,
        });
    }
    diags.sort();
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(tours)
    }
}

/// The path a packet travels, in diagram coordinates: a list of points, each with the label the
/// packet carries from that point on. Components contribute their centre; links their whole
/// path, walked from the end nearer the previous waypoint.
pub fn packet_route(diagram: &Diagram, hops: &[(Target, String)]) -> Vec<(Point, String)> {
    let mut out: Vec<(Point, String)> = Vec::new();
    for (target, label) in hops {
        match target {
            Target::Component(id) => {
                if let Some(c) = diagram.component(id.as_str()) {
                    out.push((c.rect.center(), label.clone()));
                }
            }
            Target::Link(id) => {
                let Some(l) = diagram.link(id.as_str()) else {
                    continue;
                };
                let mut points = l.path.clone();
                let dist = |a: Point, b: Point| (a.x - b.x).hypot(a.y - b.y);
                if let (Some(&(last, _)), Some(&first), Some(&end)) =
                    (out.last(), points.first(), points.last())
                    && dist(last, end) < dist(last, first)
                {
                    points.reverse();
                }
                out.extend(points.into_iter().map(|p| (p, label.clone())));
            }
        }
    }
    out
}

/// The rectangle a step should frame: the union of its focus (components' boxes, links' paths).
pub fn focus_bounds(diagram: &Diagram, focus: &[Target]) -> Option<Rect> {
    let mut rects = focus.iter().filter_map(|t| match t {
        Target::Component(id) => diagram.component(id.as_str()).map(|c| c.rect),
        Target::Link(id) => {
            let l = diagram.link(id.as_str())?;
            let first = l.path.first()?;
            Some(
                l.path
                    .iter()
                    .fold(Rect::new(first.x, first.y, 0.0, 0.0), |r, p| {
                        r.union(&Rect::new(p.x, p.y, 0.0, 0.0))
                    }),
            )
        }
    });
    let first = rects.next()?;
    Some(rects.fold(first, |a, b| a.union(&b)))
}

/// The length of a packet's route, in diagram units.
pub fn route_length(route: &[(Point, String)]) -> f32 {
    route
        .windows(2)
        .map(|w| match w {
            [(a, _), (b, _)] => (b.x - a.x).hypot(b.y - a.y),
            _ => 0.0,
        })
        .sum()
}

/// Where a packet is after travelling `distance` along `route`, and the label it carries: on the
/// way, the label of the waypoint it last passed; once arrived, the last waypoint's. `None` for
/// an empty route.
pub fn packet_at(route: &[(Point, String)], distance: f32) -> Option<(Point, String)> {
    let mut walked = 0.0;
    for w in route.windows(2) {
        let [(a, label), (b, _)] = w else { continue };
        let len = (b.x - a.x).hypot(b.y - a.y);
        if walked + len > distance {
            let t = if len > 0.0 {
                ((distance - walked) / len).clamp(0.0, 1.0)
            } else {
                1.0
            };
            let at = Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
            return Some((at, label.clone()));
        }
        walked += len;
    }
    route.last().cloned()
}

/// The first sentence of `text`: up to the first `.`, `!` or `?` followed by a space or the
/// end, or all of it (no longer than [`MAX_CAPTION_CHARS`], cut at a word with `…`).
pub fn first_sentence(text: &str) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let mut end = text.len();
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if matches!(c, '.' | '!' | '?') && chars.peek().is_none_or(|(_, n)| *n == ' ') {
            end = i + c.len_utf8();
            break;
        }
    }
    let sentence = text.get(..end).unwrap_or(&text);
    if sentence.chars().count() <= MAX_CAPTION_CHARS {
        return sentence.to_owned();
    }
    let mut out = String::new();
    for word in sentence.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > MAX_CAPTION_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

/// The least share of a step's frame its parts take (their longer side against the frame's):
/// a step about one small part zooms in no closer than keeps the part this big, and no further
/// out either.
pub const MIN_FOCUS_SHARE: f32 = 0.25;

/// What a tour step shows: its parts with their context, so an audience sees where on the
/// diagram the story is. The context of a component is the outermost component holding it (its
/// computer); of a link, both of its ends. When the context would leave the parts smaller than
/// [`MIN_FOCUS_SHARE`] of the frame, the frame is the largest that keeps them that big, inside
/// the context and as centred on the parts as the context allows. A link label the frame cuts
/// is taken in whole, so no label is clipped at the screen's edge. `None` when no target
/// exists.
pub fn step_frame(diagram: &Diagram, focus: &[Target]) -> Option<Rect> {
    let frame = parts_in_context(diagram, focus)?;
    Some(
        diagram
            .links()
            .iter()
            .filter(|l| !l.label.trim().is_empty() && l.label_rect.overlaps(&frame))
            .fold(frame, |f, l| f.union(&l.label_rect)),
    )
}

/// The step's parts in their context (see [`step_frame`]).
fn parts_in_context(diagram: &Diagram, focus: &[Target]) -> Option<Rect> {
    let parts = focus_bounds(diagram, focus)?;
    let context = focus
        .iter()
        .flat_map(|t| context_of(diagram, t))
        .fold(parts, |a, b| a.union(&b));
    let limit = parts.w.max(parts.h).max(1.0) / MIN_FOCUS_SHARE;
    if context.w.max(context.h) <= limit {
        return Some(context);
    }
    let (w, h) = (context.w.min(limit), context.h.min(limit));
    let centre = parts.center();
    // Centred on the parts, then moved inside the context (the parts stay inside: the frame is
    // at least four times their size).
    let x = (centre.x - w / 2.0)
        .min(context.x + context.w - w)
        .max(context.x);
    let y = (centre.y - h / 2.0)
        .min(context.y + context.h - h)
        .max(context.y);
    Some(Rect::new(x, y, w, h))
}

/// The rectangles that give a target its context (see [`step_frame`]).
fn context_of(diagram: &Diagram, target: &Target) -> Vec<Rect> {
    let outermost = |id: &ComponentId| {
        let mut c = diagram.component(id.as_str())?;
        while let Some(parent) = c
            .parent
            .as_ref()
            .and_then(|p| diagram.component(p.as_str()))
        {
            c = parent;
        }
        Some(c.rect)
    };
    match target {
        Target::Component(id) => outermost(id).into_iter().collect(),
        Target::Link(id) => diagram
            .link(id.as_str())
            .map(|l| {
                [&l.from, &l.to]
                    .into_iter()
                    .filter_map(|end| diagram.component(end.as_str()).map(|c| c.rect))
                    .collect()
            })
            .unwrap_or_default(),
    }
}
