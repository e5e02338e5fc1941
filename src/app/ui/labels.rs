//! Canvas labels, drawn by egui under the panels from the figure's labels ([`CanvasFigure`]),
//! in the lines the core broke them into.
//!
//! egui lays text out at the size it appears on screen, so labels stay crisp at any zoom and
//! the app needs no second text engine. Only labels on the canvas and big enough to read are
//! laid out; egui caches the layouts, so panning re-uses them.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use crate::app::state::space::Screen;
use crate::app::state::{
    CameraView, CanvasFigure, LabFrames, LabServers, LabelsDrawn, MainCamera, PacketView,
    ServerBadge, SpeakerNotes,
};
use crate::app::theme::{self, Look};
use crate::model::Target;
use crate::model::figure::{Align, Figure, FigureLabel};

/// Where world points land on screen, in egui points, and the colours.
#[derive(Debug, Clone, Copy)]
struct Projection {
    screen: Screen,
    /// The colours.
    look: Look,
}

impl Projection {
    fn point(&self, world: Vec2) -> egui::Pos2 {
        let p = self.screen.to_egui(world);
        egui::pos2(p.x, p.y)
    }

    fn rect(&self, r: crate::model::Rect) -> egui::Rect {
        let r = self.screen.diagram_rect_to_egui(r);
        egui::Rect::from_min_max(egui::pos2(r.min.x, r.min.y), egui::pos2(r.max.x, r.max.y))
    }

    /// A length in world units, in egui points.
    fn len(&self, world: f32) -> f32 {
        self.screen.len_to_egui(world)
    }
}

fn color32(c: Color) -> egui::Color32 {
    let [r, g, b, a] = c.to_srgba().to_u8_array();
    egui::Color32::from_rgba_unmultiplied(r, g, b, a)
}

/// Paints every visible label of the figure, and the travelling packet with its label placed
/// where it covers no part's label (or, where the packet leaves no such place, the labels it
/// covers fade out while it passes). Runs after the panels, on the background layer, clipped to
/// the canvas so it never draws over a panel. The speaker view (web) shows no canvas at all.
#[allow(clippy::too_many_arguments)]
pub(super) fn paint_labels(
    mut contexts: EguiContexts,
    camera: Single<&Camera, With<MainCamera>>,
    view: Option<Res<CameraView>>,
    figure: Option<Res<CanvasFigure>>,
    packet: Res<PacketView>,
    lab: Res<LabFrames>,
    servers: Res<LabServers>,
    look: Res<Look>,
    speaker: Res<SpeakerNotes>,
    mut drawn: ResMut<LabelsDrawn>,
) -> Result {
    let (Some(view), false) = (view.as_deref().copied(), speaker.page) else {
        drawn.set_if_neq(LabelsDrawn::default());
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let zoom = ctx.zoom_factor();
    let viewport = camera.logical_viewport_rect().unwrap_or_else(|| {
        let r = ctx.viewport_rect();
        Rect::new(
            r.min.x * zoom,
            r.min.y * zoom,
            r.max.x * zoom,
            r.max.y * zoom,
        )
    });
    let proj = Projection {
        screen: Screen {
            view,
            viewport,
            zoom,
        },
        look: *look,
    };
    let c = proj.screen.viewport_in_egui();
    let canvas =
        egui::Rect::from_min_max(egui::pos2(c.min.x, c.min.y), egui::pos2(c.max.x, c.max.y));
    let painter = ctx
        .layer_painter(egui::LayerId::background())
        .with_clip_rect(canvas);
    // First lay every label out, then place the packet's among them, then paint.
    let mut laid: Vec<Laid> = Vec::new();
    if let Some(figure) = &figure {
        laid.extend(
            figure
                .0
                .labels
                .iter()
                .filter_map(|label| lay_out(&painter, &proj, &figure.0, label)),
        );
    }
    let mut now = LabelsDrawn::default();
    // The tour's packet, else the lab's current frame, is labelled (with its layers).
    let lab_current = lab.0.iter().find(|f| f.current).map(|f| {
        let layers: Vec<&str> = f.layers.iter().map(|l| short_layer(l)).collect();
        (f.at, format!("#{} {}", f.number, layers.join(" · ")))
    });
    let packet_label = packet
        .0
        .clone()
        .or(lab_current)
        .and_then(|(at, text)| lay_out_packet_label(&painter, &proj, at, &text, &laid));
    for l in &laid {
        let covered = packet_label
            .as_ref()
            .is_some_and(|p| p.backdrop.intersects(l.backdrop));
        if covered {
            now.hidden += 1;
            continue;
        }
        l.paint(&painter);
        if let Some(target) = &l.target {
            now.parts.push((target.clone(), to_rect(l.rect)));
        }
    }
    // A cluster's servers' state, under their boxes.
    if let Some(figure) = &figure {
        for badge in &servers.0 {
            if let Some(b) = figure.0.boxes.iter().find(|b| b.id == badge.part) {
                paint_badge(&painter, &proj, proj.rect(b.rect), badge);
            }
        }
    }
    // The packet last, so no other label covers it.
    if let Some((at, _)) = &packet.0 {
        paint_packet(&painter, &proj, *at);
    }
    // The lab's frames in flight, the current one last (on top).
    for f in lab
        .0
        .iter()
        .filter(|f| !f.current)
        .chain(lab.0.iter().filter(|f| f.current))
    {
        let rect = paint_frame(&painter, &proj, f);
        now.frames.push((f.number, to_rect(rect)));
    }
    if let Some(p) = packet_label {
        p.paint(&painter);
        now.packet = Some(to_rect(p.rect));
    }
    drawn.set_if_neq(now);
    Ok(())
}

/// An egui rectangle as Bevy's.
fn to_rect(r: egui::Rect) -> Rect {
    Rect::new(r.min.x, r.min.y, r.max.x, r.max.y)
}

/// A label laid out, where it goes, ready to paint.
struct Laid {
    /// The part it names (the packet's label names none).
    target: Option<Target>,
    galley: std::sync::Arc<egui::Galley>,
    /// Where the text goes.
    rect: egui::Rect,
    /// The text with its backdrop's margin.
    backdrop: egui::Rect,
    /// The backdrop's colour, when it has one.
    ground: Option<egui::Color32>,
    corner: f32,
    color: egui::Color32,
}

impl Laid {
    fn paint(&self, painter: &egui::Painter) {
        if let Some(ground) = self.ground {
            painter.rect_filled(self.backdrop, self.corner, ground);
        }
        let origin = self.rect.min - self.galley.rect.min.to_vec2();
        painter.galley(origin, self.galley.clone(), self.color);
    }
}

/// The packet's size in world units.
const PACKET_SIZE: Vec2 = Vec2::new(22.0, 16.0);

/// The packet label's font size (world units).
const PACKET_FONT: f32 = 14.0;

/// The tour's packet: a small rounded chip travelling along the route.
fn paint_packet(painter: &egui::Painter, proj: &Projection, at: Vec2) {
    let size =
        egui::vec2(proj.len(PACKET_SIZE.x), proj.len(PACKET_SIZE.y)).max(egui::vec2(9.0, 6.0));
    let rect = egui::Rect::from_center_size(proj.point(at), size);
    painter.rect_filled(rect, size.y * 0.25, color32(proj.look.packet()));
}

/// A layer's name as short as the frame's label needs it.
fn short_layer(name: &str) -> &str {
    match name {
        "Ethernet II" => "Ethernet",
        other => other,
    }
}

/// How much each layer's box is larger than the one it wraps (world units).
const LAYER_INSET: f32 = 4.0;

/// A lab frame: nested boxes, outermost layer outside, each in its layer's colour, so a frame
/// gains a box on the way down and loses one on the way up. Returns where it was drawn.
fn paint_frame(
    painter: &egui::Painter,
    proj: &Projection,
    frame: &crate::app::state::FrameMark,
) -> egui::Rect {
    let n = frame.layers.len().max(1) as f32;
    let base = if frame.current {
        PACKET_SIZE
    } else {
        PACKET_SIZE * 0.75
    };
    // Never smaller on screen than a finger's mark, whatever the zoom: the frame is what the
    // learner follows.
    let least = if frame.current {
        egui::vec2(22.0, 14.0)
    } else {
        egui::vec2(16.0, 10.0)
    };
    let inner = egui::vec2(proj.len(base.x), proj.len(base.y)).max(least);
    let step = proj.len(LAYER_INSET).max(3.0);
    let size = inner + egui::Vec2::splat(2.0 * step * (n - 1.0));
    let whole = egui::Rect::from_center_size(proj.point(frame.at), size);
    let edge = color32(proj.look.text());
    for (i, layer) in frame.layers.iter().enumerate() {
        let r = whole.shrink(step * i as f32);
        let fill = theme::color32(crate::model::style::layer_color(layer));
        painter.rect_filled(r, r.height() * 0.2, fill);
        painter.rect_stroke(
            r,
            r.height() * 0.2,
            egui::Stroke::new(1.0, edge),
            egui::StrokeKind::Inside,
        );
    }
    whole
}

/// A server's badge font size, in world units.
const BADGE_FONT: f32 = 15.0;

/// A cluster server's state under its box: its name, role, term, vote and commit index in one
/// line on the background's colour, then its log as a row of squares, one per entry coloured
/// by its term, committed ones filled and the rest outlined; a follower's or candidate's
/// election timer as a ring at the right that empties as the timeout runs out.
fn paint_badge(painter: &egui::Painter, proj: &Projection, under: egui::Rect, badge: &ServerBadge) {
    let size = proj.len(BADGE_FONT).max(10.0);
    let text = color32(proj.look.text());
    let ground = color32(proj.look.background());
    let words = format!("{} · {}", badge.name, badge.words);
    let ring = size * 0.55;
    let galley = painter.layout(
        words,
        egui::FontId::proportional(size),
        text,
        (under.width() - 3.0 * ring).max(size * 4.0),
    );
    let gap = size * 0.3;
    let top = egui::pos2(under.min.x, under.max.y + gap);
    let text_rect = egui::Rect::from_min_size(top, galley.size());
    let cell = size * 0.9;
    let log_top = text_rect.max.y + gap;
    let per_row = ((under.width() / (cell + 2.0)).floor() as usize).max(1);
    let rows = badge.log.len().div_ceil(per_row).max(1);
    let whole = egui::Rect::from_min_max(
        top - egui::vec2(gap, gap),
        egui::pos2(
            under.max.x.max(text_rect.max.x) + gap,
            log_top + rows as f32 * (cell + 2.0) + gap,
        ),
    );
    painter.rect_filled(whole, gap, ground);
    let edge = match badge.role {
        Some(crate::lab::cluster::Role::Leader) => color32(proj.look.selected()),
        None => color32(proj.look.border()).gamma_multiply(0.5),
        _ => color32(proj.look.border()),
    };
    let width = if badge.role == Some(crate::lab::cluster::Role::Leader) {
        3.0
    } else {
        1.0
    };
    painter.rect_stroke(
        whole,
        gap,
        egui::Stroke::new(width, edge),
        egui::StrokeKind::Inside,
    );
    painter.galley(top, galley, text);
    if let Some(left) = badge.timer {
        let centre = egui::pos2(whole.max.x - gap - ring, top.y + size * 0.6);
        let faint = color32(proj.look.border()).gamma_multiply(0.5);
        painter.circle_stroke(centre, ring, egui::Stroke::new(2.0, faint));
        // The part still to run, clockwise from twelve o'clock.
        let steps = 32;
        let points: Vec<egui::Pos2> = (0..=steps)
            .map(|k| {
                let a = -std::f32::consts::FRAC_PI_2
                    + std::f32::consts::TAU * left.clamp(0.0, 1.0) * k as f32 / steps as f32;
                centre + ring * egui::vec2(a.cos(), a.sin())
            })
            .collect();
        let clock = theme::color32(crate::model::style::term_color(2));
        painter.add(egui::Shape::line(points, egui::Stroke::new(3.0, clock)));
    }
    for (i, (term, committed)) in badge.log.iter().enumerate() {
        let (row, col) = (i / per_row, i % per_row);
        let r = egui::Rect::from_min_size(
            egui::pos2(
                under.min.x + col as f32 * (cell + 2.0),
                log_top + row as f32 * (cell + 2.0),
            ),
            egui::vec2(cell, cell),
        );
        let fill = theme::color32(crate::model::style::term_color(*term));
        if *committed {
            painter.rect_filled(r, 2.0, fill);
        } else {
            painter.rect_stroke(
                r,
                2.0,
                egui::Stroke::new(2.0, fill),
                egui::StrokeKind::Inside,
            );
        }
    }
}

/// Lays out one label in the figure's lines; `None` when it is off screen or too small to read.
fn lay_out(
    painter: &egui::Painter,
    proj: &Projection,
    figure: &Figure,
    label: &FigureLabel,
) -> Option<Laid> {
    // Level of detail: text too small to read is not drawn at all.
    if label.font / proj.screen.view.scale < theme::MIN_LABEL_PX {
        return None;
    }
    // Cull before laying out: the block on screen.
    let block = proj.rect(label.block);
    if !block
        .expand(proj.len(label.font))
        .intersects(painter.clip_rect())
    {
        return None;
    }
    // Quarter-point steps, so a zoom animation re-uses layouts instead of making new ones.
    let size = (proj.len(label.font) * 4.0).round() / 4.0;
    let color = color32(theme::color(figure.shown(label.color, label.faded)));
    let halign = match label.align {
        Align::Center => egui::Align::Center,
        Align::Left => egui::Align::Min,
    };
    // The core's lines, never wrapped again: the same lines as the SVG and `check`.
    let mut job = egui::text::LayoutJob::single_section(
        label.text(),
        egui::TextFormat::simple(egui::FontId::proportional(size), color),
    );
    job.halign = halign;
    let galley = painter.layout_job(job);
    let text_size = galley.rect.size();
    let rect = match label.align {
        Align::Center => egui::Rect::from_center_size(block.center(), text_size),
        Align::Left => egui::Rect::from_min_size(block.min, text_size),
    };
    if !rect.intersects(painter.clip_rect()) {
        return None;
    }
    Some(Laid {
        target: Some(label.target.clone()),
        galley,
        rect,
        backdrop: rect.expand(size * 0.15),
        ground: label
            .backdrop
            .then(|| color32(theme::color(figure.background))),
        corner: size * 0.2,
        color,
    })
}

/// Lays out the packet's label beside the packet: above it, else below, right or left of it,
/// else at one of its corners, the first place that covers no part's label (above when none
/// is free).
fn lay_out_packet_label(
    painter: &egui::Painter,
    proj: &Projection,
    at: Vec2,
    text: &str,
    parts: &[Laid],
) -> Option<Laid> {
    if PACKET_FONT / proj.screen.view.scale < theme::MIN_LABEL_PX || text.is_empty() {
        return None;
    }
    let size = (proj.len(PACKET_FONT) * 4.0).round() / 4.0;
    let color = color32(proj.look.link_text());
    let galley = painter.layout_no_wrap(text.to_owned(), egui::FontId::proportional(size), color);
    let t = galley.rect.size();
    let p = proj.point(at);
    let gap = egui::vec2(
        proj.len(PACKET_SIZE.x / 2.0 + 4.0),
        proj.len(PACKET_SIZE.y / 2.0 + 4.0),
    );
    let candidates = [
        egui::Rect::from_min_size(p - egui::vec2(t.x / 2.0, gap.y + t.y), t),
        egui::Rect::from_min_size(p + egui::vec2(-t.x / 2.0, gap.y), t),
        egui::Rect::from_min_size(p + egui::vec2(gap.x, -t.y / 2.0), t),
        egui::Rect::from_min_size(p - egui::vec2(gap.x + t.x, t.y / 2.0), t),
        // The corners: still touching the packet's box, where a side has no room.
        egui::Rect::from_min_size(p + egui::vec2(gap.x, -gap.y - t.y), t),
        egui::Rect::from_min_size(p + egui::vec2(-gap.x - t.x, -gap.y - t.y), t),
        egui::Rect::from_min_size(p + egui::vec2(gap.x, gap.y), t),
        egui::Rect::from_min_size(p + egui::vec2(-gap.x - t.x, gap.y), t),
    ];
    let margin = size * 0.15;
    let clip = painter.clip_rect();
    let free = |r: &egui::Rect| {
        clip.contains_rect(*r)
            && !parts
                .iter()
                .any(|l| l.backdrop.intersects(r.expand(margin)))
    };
    let [above, ..] = candidates;
    let rect = candidates.into_iter().find(free).unwrap_or(above);
    if !rect.intersects(clip) {
        return None;
    }
    Some(Laid {
        target: None,
        galley,
        rect,
        backdrop: rect.expand(margin),
        ground: Some(color32(proj.look.background())),
        corner: size * 0.2,
        color,
    })
}
