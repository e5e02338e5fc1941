//! Playing tours: each step frames its focus, selects its first focused part, and sends the
//! step's packet along its path with its changing label. The consumer of `StartTour`,
//! `NextStep`, `PrevStep`, `RestartTour`, `ReplayStep` and `EndTour`; the tour panel, the
//! clicker and deep links all drive it through those.
//!
//! Fading the rest of the diagram follows from [`TourState`] in `scene`.

use bevy::prelude::*;

use super::state::space::world;
use super::state::{
    AppSystems, Consumer, FrameTargets, Intent, LoadedModel, PacketView, Preferences, TourState,
};
use crate::model::{packet_at, packet_route, route_length};

/// Packet speed along its path, in diagram units per second.
const PACKET_SPEED: f32 = 420.0;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (
            apply_intents.in_set(AppSystems::Plan),
            clamp_on_reload.in_set(AppSystems::Follow),
            move_packet.in_set(AppSystems::Visuals),
        ),
    );
}

/// The tour and step an intent asks for, given the current state.
fn next_step(intent: &Intent, state: &TourState, model: &LoadedModel) -> Option<(String, usize)> {
    let len = |name: &str| model.tour(name).map_or(0, |t| t.steps.len());
    let current = state.tour.clone();
    match (intent, current) {
        (Intent::StartTour(name, step), _) if model.tour(name).is_some() => {
            Some((name.clone(), *step))
        }
        // A clicker press with no tour running starts the first one.
        (Intent::NextStep, None) => model.tours.first().map(|t| (t.name.clone(), 0)),
        (Intent::NextStep, Some(t)) if state.step + 1 < len(&t) => Some((t, state.step + 1)),
        (Intent::PrevStep, Some(t)) if state.step > 0 => Some((t, state.step - 1)),
        (Intent::RestartTour, Some(t)) => Some((t, 0)),
        (Intent::ReplayStep, Some(t)) => Some((t, state.step)),
        _ => None,
    }
}

fn apply_intents(
    mut intents: ParamSet<(MessageReader<Intent>, MessageWriter<Intent>)>,
    model: Option<Res<LoadedModel>>,
    mut state: ResMut<TourState>,
    mut frame: MessageWriter<FrameTargets>,
    time: Res<Time<Real>>,
) {
    let incoming: Vec<Intent> = intents
        .p0()
        .read()
        .filter(Intent::for_(Consumer::Tour))
        .cloned()
        .collect();
    let Some(model) = model else { return };
    let mut out = Vec::new();
    for intent in &incoming {
        if *intent == Intent::EndTour {
            state.set_if_neq(TourState::default());
            continue;
        }
        let Some((tour, step)) = next_step(intent, &state, &model) else {
            continue;
        };
        if state.tour.is_none() {
            // A tour and a lab both move things on the diagram: one at a time.
            out.push(Intent::CloseLab);
        }
        let len = model.tour(&tour).map_or(1, |t| t.steps.len().max(1));
        *state = TourState {
            tour: Some(tour),
            step: step.min(len - 1),
            played_at: time.elapsed_secs_f64(),
        };
        if let Some((_, s)) = state.current(&model) {
            out.push(match s.focus.first() {
                Some(t) => Intent::Select(t.clone()),
                None => Intent::ClearSelection,
            });
            frame.write(FrameTargets(s.focus.clone()));
        }
    }
    intents.p1().write_batch(out);
}

/// A reload that removed the tour or shortened it ends or clamps it.
fn clamp_on_reload(model: Option<Res<LoadedModel>>, mut state: ResMut<TourState>) {
    let Some(model) = model.filter(|m| m.is_changed()) else {
        return;
    };
    let Some(name) = state.tour.clone() else {
        return;
    };
    match model.tour(&name).map_or(0, |t| t.steps.len()) {
        0 => *state = TourState::default(),
        n if state.step >= n => state.step = n - 1,
        _ => {}
    }
}

/// Moves (or places) the packet along the current step's route.
fn move_packet(
    model: Option<Res<LoadedModel>>,
    state: Res<TourState>,
    prefs: Res<Preferences>,
    time: Res<Time<Real>>,
    mut packet: ResMut<PacketView>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    let route = model
        .as_deref()
        .and_then(|m| Some((m, state.current(m)?.1)))
        .map(|(m, s)| packet_route(&m.diagram, &s.packet))
        .filter(|r| r.len() >= 2);
    let Some(route) = route else {
        packet.set_if_neq(PacketView(None));
        return;
    };
    let total = route_length(&route);
    let elapsed = (time.elapsed_secs_f64() - state.played_at) as f32;
    let travelled = if prefs.reduced_motion {
        total
    } else {
        (elapsed * PACKET_SPEED).min(total)
    };
    if travelled < total {
        redraw.write(bevy::window::RequestRedraw);
    }
    let view = packet_at(&route, travelled).map(|(p, label)| (world(p), label));
    packet.set_if_neq(PacketView(view));
}
