//! Keyboard navigation for everyone: Tab / Shift+Tab walk the components in reading order,
//! arrow keys move to the nearest connected component in that direction, and the view follows.

use bevy::prelude::*;

use crate::AppSystems;
use crate::camera::RevealTarget;
use crate::loading::LoadedModel;
use crate::model::{ComponentId, Target};
use crate::selection::{Intent, Selection};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, navigate.in_set(AppSystems::Input));
}

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

fn navigate(
    keys: Res<ButtonInput<KeyCode>>,
    egui_wants: Option<Res<bevy_egui::input::EguiWantsInput>>,
    presenter: Res<crate::presenter::Presenter>,
    model: Option<Res<LoadedModel>>,
    selection: Res<Selection>,
    mut intents: MessageWriter<Intent>,
    mut reveal: MessageWriter<RevealTarget>,
) {
    let Some(model) = model else { return };
    // Typing into a field, or a clicker driving a talk: the keys are not ours.
    if egui_wants.is_some_and(|w| w.wants_any_keyboard_input()) || presenter.on {
        return;
    }
    let current = match &selection.target {
        Some(Target::Component(id)) => Some(id.clone()),
        Some(Target::Link(id)) => model.diagram.link(id.as_str()).map(|l| l.from.clone()),
        None => None,
    };
    let shift = keys.any_pressed([KeyCode::ShiftLeft, KeyCode::ShiftRight]);
    let mut next: Option<ComponentId> = None;
    if keys.just_pressed(KeyCode::Tab) {
        next = model.diagram.tab_next(current.as_ref(), shift);
    }
    let arrows = [
        (KeyCode::ArrowUp, Direction::Up),
        (KeyCode::ArrowDown, Direction::Down),
        (KeyCode::ArrowLeft, Direction::Left),
        (KeyCode::ArrowRight, Direction::Right),
    ];
    for (key, dir) in arrows {
        if keys.just_pressed(key) {
            next = match &current {
                Some(id) => neighbour_in_direction(&model, id, dir).or(next),
                None => model.diagram.tab_next(None, false),
            };
        }
    }
    if let Some(id) = next {
        let target = Target::Component(id);
        intents.write(Intent::Select(target.clone()));
        reveal.write(RevealTarget(target));
    }
}

/// The component an arrow key moves to from `from`: the nearest linked component whose centre
/// lies in that direction (within 60° of it); failing that, the nearest component in that
/// direction that is neither an ancestor nor a descendant.
pub fn neighbour_in_direction(
    model: &LoadedModel,
    from: &ComponentId,
    dir: Direction,
) -> Option<ComponentId> {
    let d = &model.diagram;
    let here = d.component(from.as_str())?.rect.center();
    let want = match dir {
        Direction::Up => Vec2::new(0.0, -1.0),
        Direction::Down => Vec2::new(0.0, 1.0),
        Direction::Left => Vec2::new(-1.0, 0.0),
        Direction::Right => Vec2::new(1.0, 0.0),
    };
    // Distance, penalised by how far off the direction it is; `None` outside the cone.
    let cost = |id: &ComponentId| -> Option<f32> {
        let c = d.component(id.as_str())?.rect.center();
        let v = Vec2::new(c.x - here.x, c.y - here.y);
        let len = v.length();
        let cos = v.dot(want) / len.max(f32::EPSILON);
        (len > 0.0 && cos >= 0.5).then_some(len * (2.0 - cos))
    };
    let best = |ids: Vec<ComponentId>| {
        ids.into_iter()
            .filter_map(|id| cost(&id).map(|c| (c, id)))
            .min_by(|a, b| a.0.total_cmp(&b.0).then_with(|| a.1.cmp(&b.1)))
            .map(|(_, id)| id)
    };
    let linked: Vec<ComponentId> = d
        .neighbours(from)
        .into_iter()
        .map(|(c, _)| c.clone())
        .collect();
    best(linked).or_else(|| {
        let related = |other: &ComponentId| {
            d.root_of(other) == d.root_of(from)
                && (d.breadcrumb_ids(other).contains(from)
                    || d.breadcrumb_ids(from).contains(other))
        };
        best(
            d.components()
                .iter()
                .map(|c| c.id.clone())
                .filter(|c| c != from && !related(c))
                .collect(),
        )
    })
}
