//! Geometry batched into one mesh: every box of a diagram in one draw call, every line in
//! another.
//!
//! Shapes carry their colour per vertex (drawn with a white `ColorMaterial`) and their depth in
//! z, so one mesh keeps nesting order. A mesh built here lives only on the GPU once uploaded
//! (`RENDER_WORLD`): it is rebuilt, never edited.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;

/// Points on each rounded corner (more look smoother; fewer keep 10,000 boxes light).
const CORNER_SEGMENTS: usize = 4;

/// Triangles with per-vertex colours, growing shape by shape.
#[derive(Debug, Default)]
pub struct Batch {
    positions: Vec<[f32; 3]>,
    colors: Vec<[f32; 4]>,
    indices: Vec<u32>,
}

impl Batch {
    /// An empty batch with room for about `shapes` boxes.
    pub fn with_capacity(shapes: usize) -> Self {
        let verts = shapes * (1 + 4 * (CORNER_SEGMENTS + 1));
        Self {
            positions: Vec::with_capacity(verts),
            colors: Vec::with_capacity(verts),
            indices: Vec::with_capacity(verts * 3),
        }
    }

    fn vertex(&mut self, p: Vec2, z: f32, color: [f32; 4]) -> u32 {
        let i = self.positions.len() as u32;
        self.positions.push([p.x, p.y, z]);
        self.colors.push(color);
        i
    }

    /// A filled rounded rectangle centred on `center`.
    pub fn rounded_rect(&mut self, center: Vec2, size: Vec2, radius: f32, z: f32, color: Color) {
        let c = linear(color);
        let hub = self.vertex(center, z, c);
        let first = hub + 1;
        for p in outline(center, size, radius) {
            self.vertex(p, z, c);
        }
        let n = self.positions.len() as u32 - first;
        for i in 0..n {
            self.indices.extend([hub, first + i, first + (i + 1) % n]);
        }
    }

    /// A band `width` wide just inside the edge of a rounded rectangle (a border or a halo).
    pub fn ring(
        &mut self,
        center: Vec2,
        size: Vec2,
        radius: f32,
        width: f32,
        z: f32,
        color: Color,
    ) {
        let c = linear(color);
        let outer: Vec<Vec2> = outline(center, size, radius).collect();
        let inner: Vec<Vec2> = outline(
            center,
            (size - Vec2::splat(2.0 * width)).max(Vec2::ZERO),
            (radius - width).max(0.0),
        )
        .collect();
        let first = self.positions.len() as u32;
        for (o, i) in outer.iter().zip(&inner) {
            self.vertex(*o, z, c);
            self.vertex(*i, z, c);
        }
        let n = outer.len().min(inner.len()) as u32;
        for k in 0..n {
            let (o0, i0) = (first + 2 * k, first + 2 * k + 1);
            let next = (k + 1) % n;
            let (o1, i1) = (first + 2 * next, first + 2 * next + 1);
            self.indices.extend([o0, o1, i0, i0, o1, i1]);
        }
    }

    /// A filled axis-aligned rectangle: four vertices (the far-away version of a box).
    pub fn rect(&mut self, center: Vec2, size: Vec2, z: f32, color: Color) {
        let c = linear(color);
        let h = size / 2.0;
        let i = self.vertex(center + Vec2::new(-h.x, -h.y), z, c);
        self.vertex(center + Vec2::new(h.x, -h.y), z, c);
        self.vertex(center + Vec2::new(h.x, h.y), z, c);
        self.vertex(center + Vec2::new(-h.x, h.y), z, c);
        self.indices.extend([i, i + 1, i + 2, i, i + 2, i + 3]);
    }

    /// A straight stroke from `a` to `b`, `width` wide, extended by half a width at both ends
    /// so the corners of a bent line look joined.
    pub fn segment(&mut self, a: Vec2, b: Vec2, width: f32, z: f32, color: Color) {
        let dir = (b - a).normalize_or_zero();
        if dir == Vec2::ZERO {
            return;
        }
        let c = linear(color);
        let (along, side) = (dir * width / 2.0, dir.perp() * width / 2.0);
        let (a, b) = (a - along, b + along);
        let i = self.vertex(a + side, z, c);
        self.vertex(a - side, z, c);
        self.vertex(b - side, z, c);
        self.vertex(b + side, z, c);
        self.indices.extend([i, i + 1, i + 2, i, i + 2, i + 3]);
    }

    /// A filled triangle.
    pub fn triangle(&mut self, [a, b, c]: [Vec2; 3], z: f32, color: Color) {
        let col = linear(color);
        let i = self.vertex(a, z, col);
        self.vertex(b, z, col);
        self.vertex(c, z, col);
        self.indices.extend([i, i + 1, i + 2]);
    }

    /// The finished mesh (positions, colours, indices), kept on the GPU only.
    pub fn into_mesh(mut self) -> Mesh {
        if self.indices.is_empty() {
            // GPU buffers may not be empty: one invisible, zero-area triangle.
            for _ in 0..3 {
                self.vertex(Vec2::ZERO, 0.0, [0.0; 4]);
            }
            self.indices.extend([0, 1, 2]);
        }
        Mesh::new(
            PrimitiveTopology::TriangleList,
            RenderAssetUsages::RENDER_WORLD,
        )
        .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, self.positions)
        .with_inserted_attribute(Mesh::ATTRIBUTE_COLOR, self.colors)
        .with_inserted_indices(Indices::U32(self.indices))
    }
}

fn linear(c: Color) -> [f32; 4] {
    c.to_linear().to_f32_array()
}

/// The outline of a rounded rectangle, counter-clockwise from the top-right corner.
fn outline(center: Vec2, size: Vec2, radius: f32) -> impl Iterator<Item = Vec2> {
    let half = size / 2.0;
    let r = radius.min(half.x).min(half.y).max(0.0);
    let corners = [
        (Vec2::new(half.x - r, half.y - r), 0.0_f32),
        (Vec2::new(-half.x + r, half.y - r), 90.0),
        (Vec2::new(-half.x + r, -half.y + r), 180.0),
        (Vec2::new(half.x - r, -half.y + r), 270.0),
    ];
    corners.into_iter().flat_map(move |(corner, start)| {
        (0..=CORNER_SEGMENTS).map(move |i| {
            let a = (start + 90.0 * i as f32 / CORNER_SEGMENTS as f32).to_radians();
            center + corner + Vec2::new(a.cos(), a.sin()) * r
        })
    })
}
