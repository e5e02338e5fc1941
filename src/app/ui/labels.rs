//! Canvas labels, drawn by egui under the panels from the figure's labels ([`CanvasFigure`]),
//! in the lines the core broke them into.
//!
//! egui lays text out at the size it appears on screen, so labels stay crisp at any zoom and
//! the app needs no second text engine. Only labels on the canvas and big enough to read are
//! laid out; egui caches the layouts, so panning re-uses them.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use crate::app::state::space::Screen;
use crate::app::state::{CameraView, CanvasFigure, LabelsDrawn, MainCamera, PacketView};
use crate::app::theme::{self, Look};
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

/// Paints every visible label of the figure. Runs after the panels, on the background layer,
/// clipped to the canvas so it never draws over a panel.
pub(super) fn paint_labels(
    mut contexts: EguiContexts,
    camera: Single<&Camera, With<MainCamera>>,
    view: Option<Res<CameraView>>,
    figure: Option<Res<CanvasFigure>>,
    packet: Res<PacketView>,
    look: Res<Look>,
    mut drawn: ResMut<LabelsDrawn>,
) -> Result {
    let Some(view) = view.as_deref().copied() else {
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
    let mut count = 0;
    if let Some(figure) = &figure {
        for label in &figure.0.labels {
            count += usize::from(paint(&painter, &proj, &figure.0, label));
        }
    }
    // The packet last, so no other label covers it.
    if let Some((at, text)) = &packet.0 {
        paint_packet(&painter, &proj, *at);
        count += usize::from(paint_packet_label(&painter, &proj, *at, text));
    }
    drawn.set_if_neq(LabelsDrawn(count));
    Ok(())
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

/// Paints one label in the figure's lines; whether it was on screen and big enough to draw.
fn paint(painter: &egui::Painter, proj: &Projection, figure: &Figure, label: &FigureLabel) -> bool {
    // Level of detail: text too small to read is not drawn at all.
    if label.font / proj.screen.view.scale < theme::MIN_LABEL_PX {
        return false;
    }
    // Cull before laying out: the block (and the box it belongs to) on screen.
    let block = proj.rect(label.block);
    if !block
        .expand(proj.len(label.font))
        .intersects(painter.clip_rect())
    {
        return false;
    }
    // Quarter-point steps, so a zoom animation re-uses layouts instead of making new ones.
    let size = (proj.len(label.font) * 4.0).round() / 4.0;
    let color = theme::color(figure.shown(label.color, label.faded));
    let halign = match label.align {
        Align::Center => egui::Align::Center,
        Align::Left => egui::Align::Min,
    };
    // The core's lines, never wrapped again: the same lines as the SVG and `check`.
    let mut job = egui::text::LayoutJob::single_section(
        label.text(),
        egui::TextFormat::simple(egui::FontId::proportional(size), color32(color)),
    );
    job.halign = halign;
    let galley = painter.layout_job(job);
    let text_size = galley.rect.size();
    let target = match label.align {
        Align::Center => egui::Rect::from_center_size(block.center(), text_size),
        Align::Left => egui::Rect::from_min_size(block.min, text_size),
    };
    if !target.intersects(painter.clip_rect()) {
        return false;
    }
    if label.backdrop {
        painter.rect_filled(
            target.expand(size * 0.15),
            size * 0.2,
            color32(theme::color(figure.background)),
        );
    }
    let origin = target.min - galley.rect.min.to_vec2();
    painter.galley(origin, galley, color32(color));
    true
}

/// The packet's label, centred above it with a backdrop.
fn paint_packet_label(painter: &egui::Painter, proj: &Projection, at: Vec2, text: &str) -> bool {
    if PACKET_FONT / proj.screen.view.scale < theme::MIN_LABEL_PX || text.is_empty() {
        return false;
    }
    let size = (proj.len(PACKET_FONT) * 4.0).round() / 4.0;
    let galley = painter.layout_no_wrap(
        text.to_owned(),
        egui::FontId::proportional(size),
        color32(proj.look.link_text()),
    );
    let text_size = galley.rect.size();
    let p = proj.point(at) - egui::vec2(0.0, proj.len(PACKET_SIZE.y / 2.0 + 4.0));
    let target =
        egui::Rect::from_min_size(p - egui::vec2(text_size.x / 2.0, text_size.y), text_size);
    if !target.intersects(painter.clip_rect()) {
        return false;
    }
    painter.rect_filled(
        target.expand(size * 0.15),
        size * 0.2,
        color32(proj.look.background()),
    );
    let origin = target.min - galley.rect.min.to_vec2();
    painter.galley(origin, galley, color32(proj.look.link_text()));
    true
}
