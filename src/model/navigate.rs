//! Keyboard navigation over the diagram, as pure functions: which component an arrow key moves
//! to. (Tab order is [`Diagram::tab_next`].)

use super::diagram::Diagram;
use super::geometry::Rect;
use super::ids::ComponentId;

/// A direction on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Towards the top of the screen.
    Up,
    /// Towards the bottom.
    Down,
    /// Towards the left.
    Left,
    /// Towards the right.
    Right,
}

impl Direction {
    /// The unit vector in diagram coordinates (y down).
    fn vector(self) -> (f32, f32) {
        match self {
            Direction::Up => (0.0, -1.0),
            Direction::Down => (0.0, 1.0),
            Direction::Left => (-1.0, 0.0),
            Direction::Right => (1.0, 0.0),
        }
    }
}

/// The component an arrow key moves to from `from`: the nearest linked component whose centre
/// lies in that direction (within 60° of it); failing that, the nearest component in that
/// direction that is neither an ancestor nor a descendant. Ties go to the smaller id.
pub fn neighbour_in_direction(
    diagram: &Diagram,
    from: &ComponentId,
    dir: Direction,
) -> Option<ComponentId> {
    let here = diagram.component(from.as_str())?.rect.center();
    let (wx, wy) = dir.vector();
    // Distance, penalised by how far off the direction it is; `None` outside the cone.
    let cost = |id: &ComponentId| -> Option<f32> {
        let c = diagram.component(id.as_str())?.rect.center();
        let (vx, vy) = (c.x - here.x, c.y - here.y);
        let len = vx.hypot(vy);
        let cos = (vx * wx + vy * wy) / len.max(f32::EPSILON);
        (len > 0.0 && cos >= 0.5).then_some(len * (2.0 - cos))
    };
    let best = |ids: Vec<ComponentId>| {
        ids.into_iter()
            .filter_map(|id| cost(&id).map(|c| (c, id)))
            .min_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)))
            .map(|(_, id)| id)
    };
    let linked: Vec<ComponentId> = diagram
        .neighbours(from)
        .into_iter()
        .map(|(c, _)| c.clone())
        .collect();
    best(linked).or_else(|| {
        let related = |other: &ComponentId| {
            diagram.root_of(other) == diagram.root_of(from)
                && (diagram.breadcrumb_ids(other).contains(from)
                    || diagram.breadcrumb_ids(from).contains(other))
        };
        best(
            diagram
                .components()
                .iter()
                .map(|c| c.id.clone())
                .filter(|c| c != from && !related(c))
                .collect(),
        )
    })
}

/// What a narrow screen (a phone) shows first, given the room on screen (logical pixels):
/// the first top-level component in reading order, or as much of it from its top-left corner
/// as fits while its labels stay big enough to read
/// ([`style::MIN_READABLE_PX`](super::style::MIN_READABLE_PX)); the rest is a swipe away.
/// `None` when the diagram has a single top-level component (it is shown whole).
pub fn narrow_frame(diagram: &Diagram, room: (f32, f32)) -> Option<Rect> {
    use super::style;
    let order = diagram.reading_order();
    let mut tops = order
        .iter()
        .filter_map(|id| diagram.component(id.as_str()))
        .filter(|c| c.parent.is_none());
    let first = tops.next()?;
    tops.next()?;
    let units_per_px = style::sizes::LEAF_FONT / style::MIN_READABLE_PX;
    let r = first.rect;
    Some(Rect::new(
        r.x,
        r.y,
        r.w.min(room.0.max(1.0) * units_per_px),
        r.h.min(room.1.max(1.0) * units_per_px),
    ))
}
