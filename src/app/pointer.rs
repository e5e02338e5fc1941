//! The pointer on the canvas: mouse, trackpad and touch, read in the order the window reported
//! them, so a click whose move, press and release all arrive before the next frame still counts.
//!
//! | gesture | intent |
//! | --- | --- |
//! | click or tap | `Select` the part under it, or `ClearSelection` on empty canvas |
//! | drag (any mouse button, one finger) | `PanBy` |
//! | wheel, trackpad pinch, two-finger pinch | `ZoomAt` around the pointer (or the fingers) |
//! | double tap | `ZoomAt` a step closer, around the tap |
//!
//! The pointer also decides what is [`Hovered`]. Presses that start on a panel, or on a window
//! egui keeps for itself (search, errors), are egui's.

use bevy::input::ButtonState;
use bevy::input::mouse::MouseScrollUnit;
use bevy::input::touch::TouchPhase;
use bevy::prelude::*;
use bevy::window::{PrimaryWindow, WindowEvent};

use super::state::space::diagram_point;
use super::state::{AppSystems, Hovered, Intent, LoadedModel, MainCamera, UiInsets};
use crate::model::hit::target_at;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Gestures>()
        .add_systems(Update, read_pointer.in_set(AppSystems::Input));
}

/// Pixels a press may move and still be a click or a tap.
pub const DRAG_THRESHOLD: f32 = 5.0;
/// Two taps closer than this in time (seconds) and space (pixels) are a double tap.
const DOUBLE_TAP: (f64, f32) = (0.35, 30.0);
/// Zoom steps of one wheel notch, one double tap, and per doubling of a pinch's spread.
const WHEEL_STEP: f32 = 1.0;
const DOUBLE_TAP_STEPS: f32 = 2.0;
const PINCH_STEPS_PER_DOUBLING: f32 = 4.27;
/// Pixels of a pixel-precise wheel (trackpads, browsers) that make one notch.
const PIXELS_PER_NOTCH: f32 = 60.0;

/// A press in progress: where it started and whether it has become a drag.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Press {
    start: Vec2,
    last: Vec2,
    dragged: bool,
    /// Whether a click at the end would select (the primary button, a single finger).
    selects: bool,
}

/// The pointer's state between frames.
#[derive(Resource, Debug, Default)]
struct Gestures {
    cursor: Option<Vec2>,
    mouse: Option<Press>,
    /// Fingers on the canvas: id → press.
    touches: Vec<(u64, Press)>,
    /// A second finger came down during this touch sequence: no tap at its end.
    pinched: bool,
    /// The last tap: when (seconds of real time) and where, for double taps.
    last_tap: Option<(f64, Vec2)>,
}

impl Gestures {
    fn touch(&mut self, id: u64) -> Option<&mut Press> {
        self.touches
            .iter_mut()
            .find(|(t, _)| *t == id)
            .map(|(_, p)| p)
    }

    /// The midpoint of the first two fingers and their spread.
    fn pinch(&self) -> Option<(Vec2, f32)> {
        match self.touches.as_slice() {
            [(_, a), (_, b), ..] => Some(((a.last + b.last) / 2.0, a.last.distance(b.last))),
            _ => None,
        }
    }
}

/// What the systems below need to know about the canvas.
struct Canvas<'a> {
    camera: &'a Camera,
    transform: &'a GlobalTransform,
    insets: UiInsets,
    window: Vec2,
    egui_busy: bool,
    model: Option<&'a LoadedModel>,
}

impl Canvas<'_> {
    /// Whether a press at `pos` is the canvas's (not a panel's, not egui's).
    fn takes(&self, pos: Vec2) -> bool {
        !self.egui_busy && self.insets.on_canvas(self.window, pos)
    }

    /// The part under a window position.
    fn target(&self, pos: Vec2) -> Option<crate::model::Target> {
        let world = self.camera.viewport_to_world_2d(self.transform, pos).ok()?;
        target_at(&self.model?.diagram, diagram_point(world))
    }

    /// A click or tap at `pos`.
    fn click(&self, pos: Vec2) -> Intent {
        match self.target(pos) {
            Some(t) => Intent::Select(t),
            None => Intent::ClearSelection,
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn read_pointer(
    mut events: MessageReader<WindowEvent>,
    mut gestures: ResMut<Gestures>,
    camera: Single<(&Camera, &GlobalTransform), With<MainCamera>>,
    primary: Query<&Window, With<PrimaryWindow>>,
    insets: Res<UiInsets>,
    egui: Option<Res<bevy_egui::input::EguiWantsInput>>,
    model: Option<Res<LoadedModel>>,
    time: Res<Time<Real>>,
    mut hovered: ResMut<Hovered>,
    mut intents: MessageWriter<Intent>,
) {
    let (camera, transform) = *camera;
    let window = primary
        .iter()
        .next()
        .map_or(Vec2::ZERO, |w| Vec2::new(w.width(), w.height()));
    let canvas = Canvas {
        camera,
        transform,
        insets: *insets,
        window,
        egui_busy: egui.is_some_and(|w| w.wants_any_pointer_input()),
        model: model.as_deref(),
    };
    let g = &mut *gestures;
    let mut hover_at: Option<Option<Vec2>> = None;
    for event in events.read() {
        // The diagram is in the primary window; another (the speaker's notes) has only egui.
        if pointer_window(event).is_some_and(|w| !primary.contains(w)) {
            continue;
        }
        match event {
            WindowEvent::CursorMoved(e) => {
                let pos = e.position;
                g.cursor = Some(pos);
                if let Some(press) = g.mouse.as_mut() {
                    drag_to(press, pos, &mut intents);
                } else {
                    hover_at = Some(Some(pos));
                }
            }
            WindowEvent::CursorLeft(_) => {
                g.cursor = None;
                hover_at = Some(None);
            }
            WindowEvent::MouseButtonInput(e) => match (e.state, g.cursor) {
                (ButtonState::Pressed, Some(pos)) if g.mouse.is_none() && canvas.takes(pos) => {
                    g.mouse = Some(Press {
                        start: pos,
                        last: pos,
                        dragged: false,
                        selects: e.button == MouseButton::Left,
                    });
                }
                (ButtonState::Released, _) => {
                    if let Some(press) = g.mouse.take()
                        && press.selects
                        && !press.dragged
                    {
                        intents.write(canvas.click(press.last));
                    }
                    hover_at = Some(g.cursor);
                }
                _ => {}
            },
            WindowEvent::MouseWheel(e) => {
                let Some(pos) = g.cursor.filter(|p| canvas.takes(*p)) else {
                    continue; // the wheel scrolls the panel under the pointer instead
                };
                let notches = match e.unit {
                    MouseScrollUnit::Line => e.y,
                    MouseScrollUnit::Pixel => e.y / PIXELS_PER_NOTCH,
                };
                if notches != 0.0 {
                    intents.write(Intent::ZoomAt(notches * WHEEL_STEP, pos));
                }
            }
            WindowEvent::PinchGesture(e) => {
                if let Some(pos) = g.cursor.filter(|p| canvas.takes(*p)) {
                    let steps = (1.0 + e.0).max(0.01).log2() * PINCH_STEPS_PER_DOUBLING;
                    intents.write(Intent::ZoomAt(steps, pos));
                }
            }
            WindowEvent::TouchInput(t) => {
                touch(g, t, &canvas, time.elapsed_secs_f64(), &mut intents)
            }
            _ => {}
        }
    }
    if let Some(at) = hover_at {
        let target = at
            .filter(|p| canvas.takes(*p))
            .and_then(|p| canvas.target(p));
        hovered.set_if_neq(Hovered { target });
    }
}

/// The window a pointer event happened in.
fn pointer_window(event: &WindowEvent) -> Option<Entity> {
    match event {
        WindowEvent::CursorMoved(e) => Some(e.window),
        WindowEvent::CursorLeft(e) => Some(e.window),
        WindowEvent::MouseButtonInput(e) => Some(e.window),
        WindowEvent::MouseWheel(e) => Some(e.window),
        WindowEvent::TouchInput(e) => Some(e.window),
        _ => None,
    }
}

/// Moves a press to `pos`: past the threshold it becomes a drag that pans.
fn drag_to(press: &mut Press, pos: Vec2, intents: &mut MessageWriter<Intent>) {
    if pos.distance(press.start) > DRAG_THRESHOLD {
        press.dragged = true;
    }
    if press.dragged && pos != press.last {
        intents.write(Intent::PanBy(pos - press.last));
    }
    press.last = pos;
}

/// One finger event: taps select, one finger pans, two pinch, a double tap zooms in.
fn touch(
    g: &mut Gestures,
    t: &bevy::input::touch::TouchInput,
    canvas: &Canvas,
    now: f64,
    intents: &mut MessageWriter<Intent>,
) {
    let pos = t.position;
    match t.phase {
        TouchPhase::Started => {
            if !canvas.takes(pos) {
                return;
            }
            g.touches.push((
                t.id,
                Press {
                    start: pos,
                    last: pos,
                    dragged: false,
                    selects: g.touches.is_empty(),
                },
            ));
            if g.touches.len() > 1 {
                g.pinched = true;
            }
        }
        TouchPhase::Moved => {
            let before = g.pinch();
            let pinching = g.touches.len() > 1;
            let Some(press) = g.touch(t.id) else { return };
            if pinching {
                press.dragged = true;
                press.last = pos;
                if let (Some((mid0, d0)), Some((mid1, d1))) = (before, g.pinch()) {
                    if d0 > 0.0 && d1 > 0.0 {
                        let steps = (d1 / d0).log2() * PINCH_STEPS_PER_DOUBLING;
                        intents.write(Intent::ZoomAt(steps, mid1));
                    }
                    if mid1 != mid0 {
                        intents.write(Intent::PanBy(mid1 - mid0));
                    }
                }
            } else {
                drag_to(press, pos, intents);
            }
        }
        TouchPhase::Ended | TouchPhase::Canceled => {
            let Some(i) = g.touches.iter().position(|(id, _)| *id == t.id) else {
                return;
            };
            let (_, press) = g.touches.remove(i);
            let tap = t.phase == TouchPhase::Ended
                && !press.dragged
                && !g.pinched
                && g.touches.is_empty();
            if g.touches.is_empty() {
                g.pinched = false;
            }
            if !tap {
                return;
            }
            let double = g
                .last_tap
                .is_some_and(|(at, p)| now - at <= DOUBLE_TAP.0 && p.distance(pos) <= DOUBLE_TAP.1);
            if double {
                g.last_tap = None;
                intents.write(Intent::ZoomAt(DOUBLE_TAP_STEPS, pos));
            } else {
                g.last_tap = Some((now, pos));
                intents.write(canvas.click(pos));
            }
        }
    }
}
