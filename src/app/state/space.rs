//! The four coordinate spaces a point of the figure passes through, and the one place that
//! converts between them:
//!
//! | space | units | y grows | type |
//! | --- | --- | --- | --- |
//! | diagram | the file's units | down | `model::Point`, `model::Rect` |
//! | world | the same units, Bevy's | up | `Vec2`, `bevy::math::Rect` |
//! | screen | logical pixels of the window, from its top-left corner | down | `Vec2` |
//! | egui | egui points: screen divided by egui's zoom (text size, presenter mode) | down | `Vec2` |
//!
//! Diagram ↔ world is the y-flip ([`world`], [`diagram_point`], [`world_rect`]); world ↔
//! screen is the camera's view of a viewport ([`Screen`]).

use bevy::prelude::*;

use super::CameraView;
use crate::model::{Point, Rect as DiagramRect};

/// A diagram point in the world.
pub fn world(p: Point) -> Vec2 {
    Vec2::new(p.x, -p.y)
}

/// A world point in the diagram.
pub fn diagram_point(w: Vec2) -> Point {
    Point::new(w.x, -w.y)
}

/// A diagram rectangle in the world.
pub fn world_rect(r: DiagramRect) -> Rect {
    Rect::new(r.x, -(r.y + r.h), r.x + r.w, -r.y)
}

/// Where the world is on screen: the camera's view, drawn into a viewport.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Screen {
    /// What the camera looks at, and how far away.
    pub view: CameraView,
    /// The camera's viewport, in logical pixels.
    pub viewport: Rect,
    /// Logical pixels per egui point.
    pub zoom: f32,
}

impl Screen {
    /// A world point on screen (logical pixels).
    pub fn to_screen(&self, w: Vec2) -> Vec2 {
        let d = (w - self.view.center) / self.view.scale;
        self.viewport.center() + Vec2::new(d.x, -d.y)
    }

    /// The world point under a screen position.
    pub fn to_world(&self, px: Vec2) -> Vec2 {
        let d = px - self.viewport.center();
        self.view.center + Vec2::new(d.x, -d.y) * self.view.scale
    }

    /// A world point in egui points.
    pub fn to_egui(&self, w: Vec2) -> Vec2 {
        self.to_screen(w) / self.zoom
    }

    /// A diagram point in egui points.
    pub fn diagram_to_egui(&self, p: Point) -> Vec2 {
        self.to_egui(world(p))
    }

    /// A diagram rectangle in egui points.
    pub fn diagram_rect_to_egui(&self, r: DiagramRect) -> Rect {
        Rect::from_corners(
            self.diagram_to_egui(Point::new(r.x, r.y)),
            self.diagram_to_egui(Point::new(r.x + r.w, r.y + r.h)),
        )
    }

    /// A diagram rectangle on screen (logical pixels).
    pub fn diagram_rect_to_screen(&self, r: DiagramRect) -> Rect {
        Rect::from_corners(
            self.to_screen(world(Point::new(r.x, r.y))),
            self.to_screen(world(Point::new(r.x + r.w, r.y + r.h))),
        )
    }

    /// A length in world (or diagram) units, in egui points.
    pub fn len_to_egui(&self, units: f32) -> f32 {
        units / self.view.scale / self.zoom
    }

    /// The viewport in egui points.
    pub fn viewport_in_egui(&self) -> Rect {
        Rect::from_corners(self.viewport.min / self.zoom, self.viewport.max / self.zoom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_space_round_trips() {
        let screen = Screen {
            view: CameraView {
                center: Vec2::new(100.0, -50.0),
                scale: 2.0,
            },
            viewport: Rect::new(200.0, 40.0, 1000.0, 640.0),
            zoom: 1.25,
        };
        let p = Point::new(130.0, 90.0);
        assert_eq!(diagram_point(world(p)), p);
        let px = screen.to_screen(world(p));
        assert!((screen.to_world(px) - world(p)).length() < 1e-4);
        // y down on screen as in the diagram: a point lower in the file is lower on screen.
        assert!(screen.to_screen(world(Point::new(130.0, 91.0))).y > px.y);
        // The view's centre is the viewport's centre.
        assert_eq!(
            screen.to_screen(screen.view.center),
            screen.viewport.center()
        );
        assert_eq!(screen.to_egui(world(p)), px / 1.25);
        let r = screen.diagram_rect_to_egui(DiagramRect::new(0.0, 0.0, 20.0, 10.0));
        assert!((r.width() - 20.0 / 2.0 / 1.25).abs() < 1e-4);
        assert!((r.height() - 10.0 / 2.0 / 1.25).abs() < 1e-4);
    }
}
