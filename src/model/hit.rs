//! What is under a point of the diagram: the part a click or a tap picks, and what the pointer
//! hovers. Links are on top of boxes (they are drawn above them), and deeper boxes on top of the
//! boxes that hold them.

use super::diagram::{Diagram, Target};
use super::geometry::Point;
use super::style;

/// How far from a link's line (diagram units) still counts as on it, at least.
const MIN_LINK_REACH: f32 = 5.0;

/// The part at `p` (diagram coordinates): the nearest link within reach, else the deepest box
/// holding the point.
pub fn target_at(diagram: &Diagram, p: Point) -> Option<Target> {
    let link = diagram
        .links()
        .iter()
        .filter_map(|l| {
            let reach = (style::link(l.kind).1 / 2.0).max(MIN_LINK_REACH);
            let d = l
                .path
                .windows(2)
                .filter_map(|w| match w {
                    [a, b] => Some(distance_to_segment(p, *a, *b)),
                    _ => None,
                })
                .fold(f32::INFINITY, f32::min);
            (d <= reach).then_some((d, l))
        })
        .min_by(|a, b| a.0.total_cmp(&b.0));
    if let Some((_, l)) = link {
        return Some(Target::Link(l.id.clone()));
    }
    diagram
        .component_at(p)
        .map(|c| Target::Component(c.id.clone()))
}

fn distance_to_segment(p: Point, a: Point, b: Point) -> f32 {
    let (abx, aby) = (b.x - a.x, b.y - a.y);
    let len2 = abx * abx + aby * aby;
    let t = if len2 == 0.0 {
        0.0
    } else {
        (((p.x - a.x) * abx + (p.y - a.y) * aby) / len2).clamp(0.0, 1.0)
    };
    let (cx, cy) = (a.x + abx * t, a.y + aby * t);
    (p.x - cx).hypot(p.y - cy)
}
