//! Keyboard navigation over the diagram, as pure functions: which component an arrow key moves
//! to. (Tab order is [`Diagram::tab_next`].)

use super::diagram::Diagram;
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
