//! Playing tours: each step frames its focus, dims the rest, selects the first focused part,
//! and sends the step's packet along its path with its changing label.
//!
//! All changes come from [`Intent`]s (`StartTour`, `NextStep`, …), so the tour panel, the clicker
//! and deep links drive the same code.

use bevy::prelude::*;

use crate::AppSystems;
use crate::LaunchOptions;
use crate::camera::FrameTargets;
use crate::loading::LoadedModel;
use crate::model::{Step, Tour, packet_route};
use crate::scene::{CanvasLabel, LabelPlace};
use crate::selection::{Intent, Selection};

/// Packet speed along its path, in diagram units per second.
const PACKET_SPEED: f32 = 420.0;
/// The packet label's font size (world units).
const PACKET_FONT: f32 = 14.0;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<TourState>()
        .init_resource::<Motion>()
        .add_systems(
            Startup,
            |options: Res<LaunchOptions>, mut motion: ResMut<Motion>| {
                motion.reduced = options.reduced_motion;
            },
        )
        .add_systems(
            Update,
            (
                (apply_launch_tour, apply_tour_intents, tour_emphasis)
                    .chain()
                    .in_set(AppSystems::Apply)
                    .in_set(TourSystems),
                move_packet.in_set(AppSystems::Visuals),
            ),
        );
}

/// The tour player's systems; the camera frames a step after they ran, in the same frame.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TourSystems;

/// Whether motion is reduced: camera moves are instant and packets do not travel.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct Motion {
    /// Reduced motion is on.
    pub reduced: bool,
}

/// The tour being played, if any.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct TourState {
    /// The tour's name.
    pub tour: Option<String>,
    /// The current step, from 0.
    pub step: usize,
    /// Real time (seconds since start) when the step was last played; the packet starts then.
    pub played_at: f64,
}

impl TourState {
    /// The current tour and step in `model`.
    pub fn current<'a>(&self, model: &'a LoadedModel) -> Option<(&'a Tour, &'a Step)> {
        let tour = model
            .tours
            .iter()
            .find(|t| Some(&t.name) == self.tour.as_ref())?;
        Some((tour, tour.steps.get(self.step)?))
    }
}

/// The moving packet.
#[derive(Component)]
struct Packet;

/// `--tour NAME --step N`, once the model has loaded.
fn apply_launch_tour(
    model: Option<Res<LoadedModel>>,
    options: Res<LaunchOptions>,
    mut done: Local<bool>,
    mut intents: MessageWriter<Intent>,
    mut notice: ResMut<crate::selection::Notice>,
) {
    let (Some(model), false) = (model, *done) else {
        return;
    };
    *done = true;
    let Some(name) = &options.tour else { return };
    match model.tours.iter().find(|t| &t.name == name) {
        Some(t) => {
            let step = options.step.unwrap_or(1).clamp(1, t.steps.len().max(1)) - 1;
            intents.write(Intent::StartTour(name.clone(), step));
        }
        None => {
            let names: Vec<&str> = model.tours.iter().map(|t| t.name.as_str()).collect();
            notice.text = Some(format!(
                "There is no tour `{name}` for this diagram (tours: {}).",
                names.join(", ")
            ));
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn apply_tour_intents(
    mut intents: MessageReader<Intent>,
    model: Option<Res<LoadedModel>>,
    mut state: ResMut<TourState>,
    mut selection: ResMut<Selection>,
    mut frame: MessageWriter<FrameTargets>,
    time: Res<Time<Real>>,
) {
    let Some(model) = model else {
        intents.clear();
        return;
    };
    let len = |name: &Option<String>| {
        model
            .tours
            .iter()
            .find(|t| Some(&t.name) == name.as_ref())
            .map_or(0, |t| t.steps.len())
    };
    for intent in intents.read() {
        let next = match intent {
            Intent::StartTour(name, step) if model.tours.iter().any(|t| &t.name == name) => {
                Some((Some(name.clone()), *step))
            }
            Intent::NextStep if state.tour.is_none() => {
                // A clicker press with no tour running starts the first one.
                model.tours.first().map(|t| (Some(t.name.clone()), 0))
            }
            Intent::NextStep if state.step + 1 < len(&state.tour) => {
                Some((state.tour.clone(), state.step + 1))
            }
            Intent::PrevStep if state.tour.is_some() && state.step > 0 => {
                Some((state.tour.clone(), state.step - 1))
            }
            Intent::RestartTour if state.tour.is_some() => Some((state.tour.clone(), 0)),
            Intent::ReplayStep if state.tour.is_some() => Some((state.tour.clone(), state.step)),
            Intent::EndTour => {
                state.set_if_neq(TourState::default());
                None
            }
            _ => None,
        };
        let Some((tour, step)) = next else { continue };
        let step = step.min(len(&tour).max(1) - 1);
        *state = TourState {
            tour,
            step,
            played_at: time.elapsed_secs_f64(),
        };
        if let Some((_, s)) = state.current(&model) {
            selection.set_if_neq(Selection {
                target: s.focus.first().cloned(),
            });
            frame.write(FrameTargets(s.focus.clone()));
        }
    }
    // A reload that removed the tour or shortened it ends or clamps it.
    if model.is_changed() && state.tour.is_some() {
        let n = len(&state.tour);
        if n == 0 {
            *state = TourState::default();
        } else if state.step >= n {
            state.step = n - 1;
        }
    }
}

/// Moves (or places) the packet along the current step's route.
#[allow(clippy::too_many_arguments)]
fn move_packet(
    mut commands: Commands,
    model: Option<Res<LoadedModel>>,
    state: Res<TourState>,
    motion: Res<Motion>,
    time: Res<Time<Real>>,
    mut packets: Query<(Entity, &mut Transform, &mut CanvasLabel), With<Packet>>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    let route = model
        .as_deref()
        .and_then(|m| Some((m, state.current(m)?.1)))
        .map(|(m, s)| packet_route(&m.diagram, &s.packet))
        .filter(|r| r.len() >= 2);
    let Some(route) = route else {
        for (e, _, _) in &packets {
            commands.entity(e).despawn();
        }
        return;
    };
    let points: Vec<Vec2> = route.iter().map(|(p, _)| Vec2::new(p.x, -p.y)).collect();
    let lengths: Vec<f32> = points.windows(2).map(|w| w[0].distance(w[1])).collect();
    let total: f32 = lengths.iter().sum();
    let elapsed = (time.elapsed_secs_f64() - state.played_at) as f32;
    let travelled = if motion.reduced {
        total
    } else {
        (elapsed * PACKET_SPEED).min(total)
    };
    // Where along the route, and which label.
    let (mut pos, mut label) = (points[points.len() - 1], route[route.len() - 1].1.clone());
    let mut walked = 0.0;
    // On the way, the packet carries the label of the waypoint it last passed; once it has
    // arrived, the last waypoint's.
    for (i, len) in lengths.iter().enumerate().filter(|_| travelled < total) {
        if walked + len >= travelled {
            let t = if *len > 0.0 {
                (travelled - walked) / len
            } else {
                1.0
            };
            pos = points[i].lerp(points[i + 1], t);
            label = route[i].1.clone();
            break;
        }
        walked += len;
    }
    if travelled < total {
        redraw.write(bevy::window::RequestRedraw);
    }
    let at = Vec3::new(pos.x, pos.y, 80.0);
    if let Some((_, mut transform, mut text)) = packets.iter_mut().next() {
        transform.translation = at;
        text.set_if_neq(packet_label(label, pos));
        return;
    }
    // egui draws the packet and its label (see `ui::labels`), above every other label.
    commands.spawn((
        Name::new("Packet"),
        Packet,
        Transform::from_translation(at),
        packet_label(label, pos),
    ));
}

/// The packet and its label.
fn packet_label(text: String, at: Vec2) -> CanvasLabel {
    CanvasLabel {
        text,
        size: PACKET_FONT,
        place: LabelPlace::Packet(at),
        backdrop: true,
        dimmed: false,
    }
}

/// The current step's focus stays bright; everything else fades while a tour plays.
pub(crate) fn tour_emphasis(
    model: Option<Res<LoadedModel>>,
    state: Res<TourState>,
    mut emphasis: ResMut<crate::scene::Emphasis>,
) {
    if !state.is_changed() && !model.as_ref().is_some_and(|m| m.is_changed()) {
        return;
    }
    let focus = model
        .as_deref()
        .and_then(|m| state.current(m))
        .map(|(_, s)| s.focus.clone());
    if emphasis.tour != focus {
        emphasis.tour = focus;
    }
}
