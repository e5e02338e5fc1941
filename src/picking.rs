//! A `bevy_picking` backend for the diagram: boxes are rectangles, links are thick polylines.
//!
//! Hit-testing our own shapes (instead of meshes) needs no GPU, so the same clicks work in
//! headless tests. Links are on top of boxes, and deeper boxes on top of their parents.

use bevy::picking::backend::{HitData, PointerHits};
use bevy::picking::pointer::{PointerId, PointerLocation};
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use crate::camera::MainCamera;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        PreUpdate,
        hit_test.in_set(bevy::picking::PickingSystems::Backend),
    );
}

/// The clickable shape of a diagram entity, in world coordinates.
#[derive(Component, Debug, Clone, PartialEq)]
pub enum PickShape {
    /// A box, with its nesting depth (deeper boxes win).
    Rect {
        /// The box.
        rect: bevy::math::Rect,
        /// Nesting depth.
        depth: usize,
    },
    /// A line through these points, clickable within `half_width` of it.
    Path {
        /// The polyline.
        points: Vec<Vec2>,
        /// How far from the line still counts as on it.
        half_width: f32,
    },
}

impl PickShape {
    /// Whether `p` hits the shape; returns the hit's depth (smaller is closer to the viewer).
    pub fn hit(&self, p: Vec2) -> Option<f32> {
        match self {
            PickShape::Rect { rect, depth } => rect.contains(p).then_some(1000.0 - *depth as f32),
            PickShape::Path { points, half_width } => points
                .windows(2)
                .filter_map(|w| match w {
                    [a, b] => Some(distance_to_segment(p, *a, *b)),
                    _ => None,
                })
                .any(|d| d <= *half_width)
                .then_some(0.0),
        }
    }
}

fn distance_to_segment(p: Vec2, a: Vec2, b: Vec2) -> f32 {
    let ab = b - a;
    let len2 = ab.length_squared();
    if len2 == 0.0 {
        return p.distance(a);
    }
    let t = ((p - a).dot(ab) / len2).clamp(0.0, 1.0);
    p.distance(a + ab * t)
}

fn hit_test(
    pointers: Query<(&PointerId, &PointerLocation)>,
    cameras: Query<
        (
            Entity,
            &Camera,
            &GlobalTransform,
            &bevy::camera::RenderTarget,
        ),
        With<MainCamera>,
    >,
    primary: Query<Entity, With<PrimaryWindow>>,
    shapes: Query<(Entity, &PickShape)>,
    mut out: MessageWriter<PointerHits>,
) {
    for (pointer, location) in &pointers {
        let Some(loc) = location.location() else {
            continue;
        };
        for (cam_entity, camera, cam_transform, target) in &cameras {
            if !loc.is_in_viewport(camera, target, &primary) {
                continue;
            }
            // Bevy's viewport positions are window positions; it handles the viewport's origin.
            let Ok(world) = camera.viewport_to_world_2d(cam_transform, loc.position) else {
                continue;
            };
            let mut hits: Vec<(Entity, HitData)> = shapes
                .iter()
                .filter_map(|(e, shape)| {
                    let depth = shape.hit(world)?;
                    Some((
                        e,
                        HitData::new(cam_entity, depth, Some(world.extend(0.0)), None),
                    ))
                })
                .collect();
            hits.sort_by(|a, b| a.1.depth.total_cmp(&b.1.depth));
            if !hits.is_empty() {
                out.write(PointerHits::new(*pointer, hits, camera.order as f32));
            }
        }
    }
}
