//! The camera: drag to pan, wheel to zoom around the cursor; the consumer of `FitView` and
//! `ZoomBy`, and of the [`FrameTargets`] and [`RevealTarget`] requests.
//!
//! [`CameraView`] is the single source of truth (centre and scale in world units); the camera's
//! transform and projection follow it. The viewport shrinks to the area beside the panels, so
//! "fit" frames the diagram in the part of the window a learner can see.

use bevy::camera::Viewport;
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use crate::model::style::{FIT_MARGIN_PX, NARROW_SCREEN_PX};

use super::state::space::{Screen, world_rect as to_world};
use super::state::{
    AppSystems, CameraView, Consumer, FrameTargets, Intent, LoadedModel, MainCamera, Preferences,
    RevealTarget, Selection, Shown, SpeakerNotes, UiInsets,
};

/// Closest zoom: one diagram unit is this many pixels at most.
const MAX_PIXELS_PER_UNIT: f32 = 4.0;
/// Farthest zoom, as a multiple of the scale that fits the whole diagram.
const MAX_ZOOM_OUT_OF_FIT: f32 = 3.0;
/// World units kept between a selection brought into view and the viewport edge.
const KEEP_VISIBLE_MARGIN: f32 = 16.0;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Framing>()
        .add_systems(Startup, spawn_camera)
        .add_systems(
            Update,
            (
                pan_and_zoom.in_set(AppSystems::Apply),
                (update_viewport, fit_on_request, move_camera, tween)
                    .chain()
                    .in_set(AppSystems::Follow),
                apply_view.in_set(AppSystems::Visuals),
            ),
        );
}

/// The targets the camera last framed (a tour step), while the user has not moved it since.
/// When the panels change size (a longer narration, the notes of a step), the frame is fitted
/// again to the room left, so the context it shows stays whole.
#[derive(Resource, Debug, Default)]
struct Framing {
    targets: Option<Vec<crate::model::Target>>,
    refit: bool,
    /// The view is the diagram's first framing, untouched: until the app is shown it is made
    /// again as the panels are measured, rather than moved to keep what was (never) seen.
    initial: bool,
}

/// A camera move in progress.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
struct Tween {
    from: CameraView,
    to: CameraView,
    start: f64,
}

/// How long a camera move takes, in seconds.
const TWEEN_SECONDS: f64 = 0.6;
/// Space kept around a framed tour step, as a fraction of its frame.
const FRAME_MARGIN: f32 = 0.06;

fn spawn_camera(mut commands: Commands) {
    commands.spawn((
        Name::new("Diagram camera"),
        Camera2d,
        MainCamera,
        // The UI camera draws over the same picture and copies it to the window once; a
        // second copy from this camera would only be overwritten.
        Camera {
            output_mode: bevy::camera::CameraOutputMode::Skip,
            ..default()
        },
        // Flat colours need no tonemapping or dithering, and multisampling quadruples the
        // fragment work: with software rendering (a laptop without a GPU driver, CI) these
        // full-screen passes cost most of a frame.
        Msaa::Off,
        bevy::core_pipeline::tonemapping::Tonemapping::None,
        bevy::core_pipeline::tonemapping::DebandDither::Disabled,
    ));
}

/// A new diagram's first framing, as the web page frames its figure: fitted to the room below
/// the top bar, then the panels beside and below the diagram cover it as they do when they
/// open later (the view's centre moves so that the diagram stays where it was framed). A phone
/// first shows one computer, big enough to read.
fn first_view(model: &LoadedModel, window: Vec2, insets: &UiInsets) -> CameraView {
    let room = Vec2::new(window.x, window.y - insets.top).max(Vec2::ONE);
    let inner = room - Vec2::splat(2.0 * FIT_MARGIN_PX);
    let first = (window.x < NARROW_SCREEN_PX)
        .then(|| crate::model::narrow_frame(&model.diagram, (inner.x, inner.y)))
        .flatten();
    let bounds = first.map_or_else(|| world_bounds(model), to_world);
    let mut view = fit_view(bounds, room);
    view.center += Vec2::new(insets.left - insets.right, insets.bottom) / 2.0 * view.scale;
    view
}

/// The scale that fits `bounds` (world) into a viewport of `size` logical pixels.
fn fit_view(bounds: bevy::math::Rect, size: Vec2) -> CameraView {
    let avail = (size - Vec2::splat(2.0 * FIT_MARGIN_PX)).max(Vec2::splat(1.0));
    let scale = (bounds.width() / avail.x)
        .max(bounds.height() / avail.y)
        .max(1.0 / MAX_PIXELS_PER_UNIT);
    CameraView {
        center: bounds.center(),
        scale,
    }
}

/// The diagram's bounds in world coordinates (y up).
fn world_bounds(model: &LoadedModel) -> bevy::math::Rect {
    to_world(model.diagram.bounds())
}

fn viewport_size(camera: &Camera, window: Option<&Window>) -> Vec2 {
    camera
        .logical_viewport_size()
        .or_else(|| window.map(|w| Vec2::new(w.width(), w.height())))
        .unwrap_or(Vec2::new(1280.0, 800.0))
}

#[allow(clippy::too_many_arguments)]
fn fit_on_request(
    mut commands: Commands,
    mut intents: MessageReader<Intent>,
    model: Option<Res<LoadedModel>>,
    view: Option<Res<CameraView>>,
    camera: Single<&Camera, With<MainCamera>>,
    window: Option<Single<&Window, With<PrimaryWindow>>>,
    mut framing: ResMut<Framing>,
    mut last_file: Local<Option<String>>,
    (insets, shown): (Res<UiInsets>, Res<Shown>),
    mut fitted_for: Local<Option<Vec2>>,
) {
    let Some(model) = model else { return };
    let requested = intents.read().any(|i| *i == Intent::FitView);
    if requested {
        framing.targets = None;
    }
    // A new diagram fits itself; a reload keeps the camera where the author left it.
    let new_diagram = last_file.as_deref() != Some(model.diagram_file.as_str());
    // Until the app is shown, its first framing follows the panels and the window as they
    // settle (the page's canvas gets its size, the panels are laid out).
    let window_size = window.as_deref().map(|w| Vec2::new(w.width(), w.height()));
    let again = framing.initial && !shown.0 && (insets.is_changed() || window_size != *fitted_for);
    let size = viewport_size(&camera, window.as_deref().copied());
    if requested {
        // `F` shows everything in the room the panels leave.
        framing.initial = false;
        commands.insert_resource(fit_view(world_bounds(&model), size));
    } else if view.is_none() || new_diagram || again {
        *last_file = Some(model.diagram_file.clone());
        framing.initial = true;
        *fitted_for = window_size;
        commands.insert_resource(first_view(&model, window_size.unwrap_or(size), &insets));
    }
}

fn clamp_scale(scale: f32, model: Option<&LoadedModel>, size: Vec2) -> f32 {
    let max = model.map_or(100.0, |m| {
        fit_view(world_bounds(m), size).scale * MAX_ZOOM_OUT_OF_FIT
    });
    scale.clamp(
        1.0 / MAX_PIXELS_PER_UNIT,
        max.max(1.0 / MAX_PIXELS_PER_UNIT),
    )
}

fn size_of_window(window: Option<&Window>) -> Vec2 {
    window.map_or(Vec2::ZERO, |w| Vec2::new(w.width(), w.height()))
}

/// The world point under a window position, for a view of a viewport.
fn world_at(view: &CameraView, viewport: bevy::math::Rect, pos: Vec2) -> Vec2 {
    let screen = Screen {
        view: *view,
        viewport,
        zoom: 1.0,
    };
    screen.to_world(pos)
}

/// Pans and zooms: drags, the wheel, pinches, double taps and the `+`/`-` keys. Zooming keeps
/// the world point under the pointer (or the fingers) where it is.
#[allow(clippy::too_many_arguments)]
fn pan_and_zoom(
    mut intents: MessageReader<Intent>,
    insets: Res<UiInsets>,
    window: Option<Single<&Window, With<PrimaryWindow>>>,
    camera: Single<&Camera, With<MainCamera>>,
    model: Option<Res<LoadedModel>>,
    view: Option<ResMut<CameraView>>,
    mut framing: ResMut<Framing>,
    mut commands: Commands,
) {
    let Some(mut view) = view else {
        intents.clear();
        return;
    };
    let size = viewport_size(&camera, window.as_deref().copied());
    let viewport = camera
        .logical_viewport_rect()
        .unwrap_or(bevy::math::Rect::from_corners(Vec2::ZERO, size));
    let cursor = window
        .as_ref()
        .and_then(|w| w.cursor_position())
        .filter(|c| insets.on_canvas(size_of_window(window.as_deref().copied()), *c));
    let mut moved = false;
    for intent in intents.read().filter(Intent::for_(Consumer::Camera)) {
        let (steps, around) = match intent {
            Intent::PanBy(delta) => {
                let scale = view.scale;
                view.center += Vec2::new(-delta.x, delta.y) * scale;
                moved = true;
                continue;
            }
            Intent::ZoomBy(steps) => (*steps, cursor),
            Intent::ZoomAt(steps, at) => (*steps, Some(*at)),
            _ => continue,
        };
        let new_scale = clamp_scale(view.scale * 0.85_f32.powf(steps), model.as_deref(), size);
        let anchor = around.map_or(view.center, |p| world_at(&view, viewport, p));
        let k = new_scale / view.scale;
        view.center = anchor + (view.center - anchor) * k;
        view.scale = new_scale;
        moved = true;
    }
    if moved {
        // The user took the camera: a move in progress stops, and a step's frame is theirs now.
        commands.remove_resource::<Tween>();
        framing.targets = None;
        framing.initial = false;
    }
}

/// Shrinks the viewport to the area beside the panels. The diagram does not jump when a panel
/// opens or closes: the centre moves so that what was on screen stays where it was. Then, if
/// the selection ended up under a panel, the view pans just enough to bring it back.
#[allow(clippy::too_many_arguments)]
fn update_viewport(
    insets: Option<Res<UiInsets>>,
    window: Option<Single<&Window, With<PrimaryWindow>>>,
    mut camera: Single<&mut Camera, With<MainCamera>>,
    view: Option<ResMut<CameraView>>,
    selection: Res<Selection>,
    model: Option<Res<LoadedModel>>,
    mut framing: ResMut<Framing>,
    speaker: Res<SpeakerNotes>,
    mut last: Local<Option<UiInsets>>,
    shown: Res<Shown>,
) {
    // The speaker view (web) is the notes alone: the diagram is not drawn under them.
    if camera.is_active == speaker.page {
        camera.is_active = !speaker.page;
    }
    let (Some(insets), Some(window)) = (insets, window) else {
        return;
    };
    let sf = window.scale_factor();
    let full = UVec2::new(window.physical_width(), window.physical_height());
    let pos = UVec2::new((insets.left * sf) as u32, (insets.top * sf) as u32);
    let cut = UVec2::new((insets.right * sf) as u32, (insets.bottom * sf) as u32);
    let size = full.saturating_sub(pos + cut).max(UVec2::ONE);
    let viewport = (full.x > 0 && full.y > 0).then_some(Viewport {
        physical_position: pos.min(full.saturating_sub(UVec2::ONE)),
        physical_size: size,
        ..default()
    });
    let changed = match (&camera.viewport, &viewport) {
        (Some(a), Some(b)) => {
            a.physical_position != b.physical_position || a.physical_size != b.physical_size
        }
        (None, None) => false,
        _ => true,
    };
    if changed {
        camera.viewport = viewport;
    }
    let Some(mut view) = view else {
        *last = Some(*insets);
        return;
    };
    let before = last.replace(*insets).filter(|b| b != &*insets);
    if framing.initial && !shown.0 {
        // Nothing was seen yet: the first framing is made again for the new room
        // (`fit_on_request`).
    } else if (before.is_some() || changed) && framing.targets.is_some() {
        // A framed step: frame it again in the room the panels (or the resized window, such
        // as presenter mode's fullscreen) leave now.
        framing.refit = true;
    } else if let Some(before) = before {
        // The viewport centre moved by half the change on each side; follow it.
        let dx = ((insets.left - before.left) - (insets.right - before.right)) / 2.0;
        let dy = ((insets.top - before.top) - (insets.bottom - before.bottom)) / 2.0;
        let scale = view.scale;
        view.center += Vec2::new(dx, -dy) * scale;
        if let (Some(model), Some(target)) = (model, &selection.target) {
            let visible = Vec2::new(
                window.width() - insets.left - insets.right,
                window.height() - insets.top - insets.bottom,
            ) * scale;
            if let Some(rect) =
                crate::model::focus_bounds(&model.diagram, std::slice::from_ref(target))
                    .map(to_world)
            {
                let shift = keep_inside(
                    rect,
                    bevy::math::Rect::from_center_size(view.center, visible),
                );
                view.center += shift;
            }
        }
    }
}

/// The smallest move of `view` that brings `rect` inside it (centred if it cannot fit).
fn keep_inside(rect: bevy::math::Rect, view: bevy::math::Rect) -> Vec2 {
    let axis = |lo: f32, hi: f32, vlo: f32, vhi: f32| {
        if hi - lo > vhi - vlo {
            (lo + hi) / 2.0 - (vlo + vhi) / 2.0
        } else if lo < vlo {
            lo - vlo
        } else if hi > vhi {
            hi - vhi
        } else {
            0.0
        }
    };
    let margin = KEEP_VISIBLE_MARGIN;
    Vec2::new(
        axis(
            rect.min.x - margin,
            rect.max.x + margin,
            view.min.x,
            view.max.x,
        ),
        axis(
            rect.min.y - margin,
            rect.max.y + margin,
            view.min.y,
            view.max.y,
        ),
    )
}

fn apply_view(
    view: Option<Res<CameraView>>,
    mut camera: Single<(&mut Transform, &mut Projection), With<MainCamera>>,
) {
    let Some(view) = view.filter(|v| v.is_changed()) else {
        return;
    };
    let (transform, projection) = &mut *camera;
    transform.translation.x = view.center.x;
    transform.translation.y = view.center.y;
    if let Projection::Orthographic(ortho) = &mut **projection {
        ortho.scale = view.scale;
    }
}

/// Starts a move to `to`, or jumps there when motion is reduced.
fn move_to(commands: &mut Commands, view: CameraView, to: CameraView, now: f64, reduced: bool) {
    if reduced {
        commands.remove_resource::<Tween>();
        commands.insert_resource(to);
    } else {
        commands.insert_resource(Tween {
            from: view,
            to,
            start: now,
        });
    }
}

/// Frames a tour step's targets, or pans just enough to reveal a keyboard selection.
#[allow(clippy::too_many_arguments)]
fn move_camera(
    mut commands: Commands,
    mut frames: MessageReader<FrameTargets>,
    mut reveals: MessageReader<RevealTarget>,
    model: Option<Res<LoadedModel>>,
    view: Option<Res<CameraView>>,
    camera: Single<&Camera, With<MainCamera>>,
    window: Option<Single<&Window, With<PrimaryWindow>>>,
    prefs: Res<Preferences>,
    time: Res<Time<Real>>,
    mut framing: ResMut<Framing>,
) {
    let mut frame = frames.read().last().cloned();
    let reveal = reveals.read().last().cloned();
    if frame.is_none() && std::mem::take(&mut framing.refit) {
        frame = framing.targets.clone().map(FrameTargets);
    }
    if let Some(FrameTargets(targets)) = &frame {
        framing.targets = Some(targets.clone());
        framing.initial = false;
    } else if reveal.is_some() {
        framing.targets = None;
        framing.initial = false;
    }
    let (Some(model), Some(view)) = (model, view) else {
        // Too early (a tour started from a link, before the first view): frame it once there
        // is one, instead of dropping the request.
        if frame.is_some() {
            framing.refit = true;
        }
        return;
    };
    let size = viewport_size(&camera, window.as_deref().copied());
    let to = if let Some(FrameTargets(targets)) = frame {
        // The step's parts with their context (their computer, both ends of a link).
        let Some(b) = crate::model::step_frame(&model.diagram, &targets) else {
            return;
        };
        let pad = Vec2::new(b.w, b.h) * FRAME_MARGIN;
        let padded = crate::model::Rect::new(
            b.x - pad.x,
            b.y - pad.y,
            b.w + 2.0 * pad.x,
            b.h + 2.0 * pad.y,
        );
        let mut to = fit_view(to_world(padded), size);
        to.scale = clamp_scale(to.scale, Some(&model), size);
        to
    } else if let Some(RevealTarget(target)) = reveal {
        let Some(b) = crate::model::focus_bounds(&model.diagram, std::slice::from_ref(&target))
        else {
            return;
        };
        let visible = bevy::math::Rect::from_center_size(view.center, size * view.scale);
        let shift = keep_inside(to_world(b), visible);
        if shift == Vec2::ZERO {
            return;
        }
        CameraView {
            center: view.center + shift,
            scale: view.scale,
        }
    } else {
        return;
    };
    move_to(
        &mut commands,
        *view,
        to,
        time.elapsed_secs_f64(),
        prefs.reduced_motion,
    );
}

/// Eases the camera along a move (user input, in `pan_and_zoom`, cancels it).
fn tween(
    mut commands: Commands,
    tween: Option<Res<Tween>>,
    view: Option<ResMut<CameraView>>,
    time: Res<Time<Real>>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    let (Some(tween), Some(mut view)) = (tween, view) else {
        return;
    };
    let t = ((time.elapsed_secs_f64() - tween.start) / TWEEN_SECONDS).clamp(0.0, 1.0) as f32;
    let eased = t * t * (3.0 - 2.0 * t);
    view.center = tween.from.center.lerp(tween.to.center, eased);
    view.scale = tween.from.scale + (tween.to.scale - tween.from.scale) * eased;
    if t >= 1.0 {
        commands.remove_resource::<Tween>();
    } else {
        redraw.write(bevy::window::RequestRedraw);
    }
}
