//! Canvas labels, drawn by egui under the panels from each part's [`CanvasLabel`].
//!
//! egui lays text out at the size it appears on screen, so labels stay crisp at any zoom and
//! the app needs no second text engine. Only labels on the canvas and big enough to read are
//! laid out; egui caches the layouts, so panning re-uses them.

use bevy::prelude::*;
use bevy_egui::{EguiContexts, egui};

use crate::app::state::{
    CameraView, CanvasLabel, LabelPlace, LabelsDrawn, MainCamera, PacketView, Preferences,
};
use crate::app::theme::{self, Look};
use crate::model::style::{self, text_width};

/// Where world points land on screen, in egui points.
#[derive(Debug, Clone, Copy)]
struct Projection {
    /// The canvas (the diagram camera's viewport), in egui points.
    canvas: egui::Rect,
    view: CameraView,
    /// Logical pixels per egui point (presenter mode and the text size zoom egui).
    zoom: f32,
    /// The colours.
    look: Look,
    /// The user's text size, which the labels follow as far as their boxes allow.
    text_scale: f32,
}

impl Projection {
    fn point(&self, world: Vec2) -> egui::Pos2 {
        let d = (world - self.view.center) / self.view.scale / self.zoom;
        self.canvas.center() + egui::vec2(d.x, -d.y)
    }

    fn rect(&self, world: Rect) -> egui::Rect {
        egui::Rect::from_two_pos(self.point(world.min), self.point(world.max))
    }

    /// A length in world units, in egui points.
    fn len(&self, world: f32) -> f32 {
        world / self.view.scale / self.zoom
    }
}

fn color32(c: Color) -> egui::Color32 {
    let [r, g, b, a] = c.to_srgba().to_u8_array();
    egui::Color32::from_rgba_unmultiplied(r, g, b, a)
}

/// Paints every visible label. Runs after the panels, on the background layer, clipped to the
/// canvas so it never draws over a panel.
#[allow(clippy::too_many_arguments)]
pub(super) fn paint_labels(
    mut contexts: EguiContexts,
    camera: Single<&Camera, With<MainCamera>>,
    view: Option<Res<CameraView>>,
    labels: Query<&CanvasLabel>,
    packet: Res<PacketView>,
    look: Res<Look>,
    prefs: Res<Preferences>,
    mut drawn: ResMut<LabelsDrawn>,
) -> Result {
    let Some(view) = view.as_deref().copied() else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?;
    let zoom = ctx.zoom_factor();
    let canvas = match camera.logical_viewport_rect() {
        Some(r) => egui::Rect::from_min_max(
            egui::pos2(r.min.x / zoom, r.min.y / zoom),
            egui::pos2(r.max.x / zoom, r.max.y / zoom),
        ),
        None => ctx.viewport_rect(),
    };
    let proj = Projection {
        canvas,
        view,
        zoom,
        look: *look,
        text_scale: prefs.text_scale,
    };
    let painter = ctx
        .layer_painter(egui::LayerId::background())
        .with_clip_rect(canvas);
    let mut count = 0;
    for label in &labels {
        count += usize::from(paint(&painter, &proj, label));
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

/// Lays out and paints one label; whether it was on screen and big enough to draw.
fn paint(painter: &egui::Painter, proj: &Projection, label: &CanvasLabel) -> bool {
    // Level of detail: text too small to read is not drawn at all.
    if label.size / proj.view.scale < theme::MIN_LABEL_PX || label.text.is_empty() {
        return false;
    }
    // Quarter-point steps, so a zoom animation re-uses layouts instead of making new ones.
    let quarter = |s: f32| (s * 4.0).round() / 4.0;
    let base = quarter(proj.len(label.size));
    let size = quarter(proj.len(label.size * proj.text_scale));
    let (text_color, halign, wrap, bounds) = match label.place {
        LabelPlace::Centered(rect) | LabelPlace::Title(rect) => {
            let on_screen = proj.rect(rect);
            if !on_screen.intersects(painter.clip_rect()) {
                return false;
            }
            let pad = match label.place {
                LabelPlace::Centered(_) => theme::LABEL_PADDING,
                _ => theme::title_inset().x,
            };
            let halign = match label.place {
                LabelPlace::Centered(_) => egui::Align::Center,
                _ => egui::Align::Min,
            };
            // Titles wrap where the box ends; a leaf's lines come broken (see `layout`).
            let wrap = match label.place {
                LabelPlace::Centered(_) => f32::INFINITY,
                _ => (on_screen.width() - 2.0 * proj.len(pad)).max(size),
            };
            (proj.look.text(), halign, wrap, Some(on_screen))
        }
        LabelPlace::Beside(at) => {
            // Cull before laying out: the text's extent around `at`, with room to spare.
            let estimate = proj.len(text_width(&label.text, label.size * proj.text_scale));
            let reach = egui::Rect::from_center_size(
                proj.point(at),
                egui::vec2(estimate + 4.0 * size, 4.0 * size),
            );
            if !reach.intersects(painter.clip_rect()) {
                return false;
            }
            (
                proj.look.link_text(),
                egui::Align::Center,
                f32::INFINITY,
                None,
            )
        }
    };
    let color = if label.dimmed {
        text_color.mix(&proj.look.background(), theme::DIM)
    } else {
        text_color
    };
    let layout = |size: f32| {
        // A leaf's label breaks where the core breaks it (the same lines as the SVG and
        // `check`), measured in diagram units so every zoom gives the same lines.
        let text = match label.place {
            LabelPlace::Centered(rect) => style::wrap(
                &label.text,
                label.size * size / base.max(f32::EPSILON),
                rect.width() - 2.0 * theme::LABEL_PADDING,
            )
            .join("\n"),
            _ => label.text.clone(),
        };
        let mut job = egui::text::LayoutJob::single_section(
            text,
            egui::TextFormat::simple(egui::FontId::proportional(size), color32(color)),
        );
        job.wrap.max_width = wrap;
        job.halign = halign;
        painter.layout_job(job)
    };
    let mut galley = layout(size);
    // Larger text (the user's text size) grows as far as the box allows: a label that no
    // longer fits is set smaller again, never smaller than normal.
    if size > base
        && let Some(b) = bounds
    {
        let room = match label.place {
            LabelPlace::Centered(_) => b.height() - proj.len(theme::LABEL_PADDING),
            _ => b.height() * 0.5,
        };
        let over = galley.rect.height() / room.max(1.0);
        if over > 1.0 {
            galley = layout(quarter((size / over).max(base)));
        }
    }
    let text_size = galley.rect.size();
    // Where the galley's own rectangle should go.
    let target = match (label.place, bounds) {
        (LabelPlace::Centered(_), Some(b)) => egui::Rect::from_center_size(b.center(), text_size),
        (LabelPlace::Title(_), Some(b)) => {
            let inset = theme::title_inset();
            egui::Rect::from_min_size(
                b.min + egui::vec2(proj.len(inset.x), proj.len(inset.y)),
                text_size,
            )
        }
        (LabelPlace::Beside(at), _) => egui::Rect::from_center_size(proj.point(at), text_size),
        _ => return false,
    };
    if !target.intersects(painter.clip_rect()) {
        return false;
    }
    if label.backdrop {
        painter.rect_filled(
            target.expand(size * 0.15),
            size * 0.2,
            color32(proj.look.background()),
        );
    }
    let origin = target.min - galley.rect.min.to_vec2();
    painter.galley(origin, galley, color32(color));
    true
}

/// The packet's label, centred above it with a backdrop.
fn paint_packet_label(painter: &egui::Painter, proj: &Projection, at: Vec2, text: &str) -> bool {
    if PACKET_FONT / proj.view.scale < theme::MIN_LABEL_PX || text.is_empty() {
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
