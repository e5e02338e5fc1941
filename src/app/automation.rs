//! A window onto the app's state for end-to-end scripts: with `AUTOCHITECT_STATE_FILE` set,
//! the desktop app writes a small JSON file whenever what a user sees changes: whether the
//! model is ready, what is selected, which write-up is open, and where every component is
//! on screen (logical window pixels), so a script can click a component without hard-coded
//! coordinates.

use bevy::prelude::*;

#[cfg(not(target_arch = "wasm32"))]
use super::state::ask_for_the_tree;
use super::state::space::world_rect;
use super::state::{
    CanvasFigure, LabDrawn, LabState, LabelsDrawn, LoadProblems, LoadedModel, MainCamera, Notice,
    Preferences, Presenter, Reader, Selection, Shown, ShownInFrame, ShownSystems, TourState,
    UiInsets, Widgets,
};
use crate::model::Target;

pub(super) fn plugin(app: &mut App) {
    #[cfg(target_arch = "wasm32")]
    app.add_systems(Last, expose_state.after(ShownSystems));
    #[cfg(not(target_arch = "wasm32"))]
    if let Ok(path) = std::env::var("AUTOCHITECT_STATE_FILE") {
        // The scripts find widgets by name: the accessibility tree must be built.
        app.insert_resource(StateFile(path.into()))
            .add_systems(Startup, ask_for_the_tree)
            .add_systems(Last, write_state.after(ShownSystems));
    }
    let _ = app;
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(Resource)]
struct StateFile(std::path::PathBuf);

/// What a snapshot reads: the app's state as the user sees it.
pub struct View<'a> {
    /// The loaded model, if any.
    pub model: Option<&'a LoadedModel>,
    /// The figure on the canvas, if any.
    pub figure: Option<&'a CanvasFigure>,
    /// The labels drawn on the canvas.
    pub drawn: &'a LabelsDrawn,
    /// Load errors.
    pub problems: &'a LoadProblems,
    /// The selection.
    pub selection: &'a Selection,
    /// The open write-up.
    pub reader: &'a Reader,
    /// The tour being played.
    pub tour: &'a TourState,
    /// Presenter mode.
    pub presenter: &'a Presenter,
    /// The note shown to the user.
    pub notice: &'a Notice,
    /// The room the panels take.
    pub insets: &'a UiInsets,
    /// The widgets on screen, when they are watched.
    pub widgets: Option<&'a Widgets>,
    /// The user's preferences.
    pub prefs: &'a Preferences,
    /// The window's size in logical pixels and its scale factor, as the app takes them.
    pub window: Option<[f32; 3]>,
    /// The lab, and what its inspector marked.
    pub lab: (&'a LabState, &'a LabDrawn),
    /// The app's picture has been shown (with the model, the app is ready).
    pub shown: bool,
    /// The frame it was shown in (the first is 1; 0 until then).
    pub shown_in_frame: u32,
    /// Nothing asked for another frame in this one: the picture stays as it is until input
    /// comes (no walk, camera move or egui animation under way).
    pub still: bool,
}

/// The resources a [`View`] is made of, for systems that publish the state.
#[derive(bevy::ecs::system::SystemParam)]
pub struct ViewParams<'w, 's> {
    model: Option<Res<'w, LoadedModel>>,
    figure: Option<Res<'w, CanvasFigure>>,
    drawn: Res<'w, LabelsDrawn>,
    problems: Res<'w, LoadProblems>,
    selection: Res<'w, Selection>,
    reader: Res<'w, Reader>,
    tour: Res<'w, TourState>,
    presenter: Res<'w, Presenter>,
    notice: Res<'w, Notice>,
    insets: Res<'w, UiInsets>,
    widgets: Option<Res<'w, Widgets>>,
    prefs: Res<'w, Preferences>,
    lab: (Res<'w, LabState>, Res<'w, LabDrawn>),
    shown: Res<'w, Shown>,
    shown_in: Res<'w, ShownInFrame>,
    window: Query<'w, 's, &'static Window, With<bevy::window::PrimaryWindow>>,
    resized: MessageReader<'w, 's, bevy::window::WindowResized>,
    rescaled: MessageReader<'w, 's, bevy::window::WindowScaleFactorChanged>,
    redraws: MessageReader<'w, 's, bevy::window::RequestRedraw>,
    still: Local<'s, bool>,
}

impl ViewParams<'_, '_> {
    /// The state as a [`View`].
    pub fn view(&self) -> View<'_> {
        View {
            model: self.model.as_deref(),
            figure: self.figure.as_deref(),
            drawn: &self.drawn,
            problems: &self.problems,
            selection: &self.selection,
            reader: &self.reader,
            tour: &self.tour,
            presenter: &self.presenter,
            notice: &self.notice,
            insets: &self.insets,
            widgets: self.widgets.as_deref(),
            prefs: &self.prefs,
            window: self
                .window
                .single()
                .ok()
                .map(|w| [w.width(), w.height(), w.scale_factor()]),
            lab: (&self.lab.0, &self.lab.1),
            shown: self.shown.0,
            shown_in_frame: self.shown_in.0,
            still: *self.still,
        }
    }

    /// Whether anything a snapshot shows (besides the camera) changed this frame. Call it once
    /// a frame, after every system that may ask for a redraw (the snapshot's systems run last).
    pub fn changed(&mut self) -> bool {
        // The readers are drained every frame, whatever else changed.
        let resized = self.resized.read().count() + self.rescaled.read().count() > 0;
        let still = self.redraws.read().count() == 0;
        let stopped = *self.still != still;
        *self.still = still;
        resized
            || stopped
            || self.model.as_ref().is_some_and(|m| m.is_changed())
            || self.figure.as_ref().is_some_and(|f| f.is_changed())
            || self.drawn.is_changed()
            || self.problems.is_changed()
            || self.selection.is_changed()
            || self.reader.is_changed()
            || self.tour.is_changed()
            || self.presenter.is_changed()
            || self.notice.is_changed()
            || self.insets.is_changed()
            || self.widgets.as_ref().is_some_and(|w| w.is_changed())
            || self.prefs.is_changed()
            || self.shown.is_changed()
            || self.lab.0.is_changed()
            || self.lab.1.is_changed()
    }
}

/// The state as a JSON value, with every component's rectangle on screen.
pub fn snapshot(view: &View, camera: Option<(&Camera, &GlobalTransform)>) -> serde_json::Value {
    let View {
        model,
        figure,
        drawn,
        problems,
        selection,
        reader,
        tour,
        presenter,
        notice,
        insets,
        widgets,
        prefs,
        window,
        lab: (lab_state, lab_drawn),
        shown,
        shown_in_frame,
        still,
    } = *view;
    let selected = selection.target.as_ref().map(target_name);
    let mut components = serde_json::Map::new();
    // Logical pixels per diagram unit: how big the figure is drawn.
    let px_per_unit = camera.and_then(|(camera, transform)| {
        let a = camera.world_to_viewport(transform, Vec3::ZERO).ok()?;
        let b = camera.world_to_viewport(transform, Vec3::X).ok()?;
        Some(a.distance(b))
    });
    let mut labels = Vec::new();
    if let (Some(figure), Some((camera, transform))) = (figure, camera) {
        // Through Bevy's own camera, not `state::space`: the probe checks the conversion.
        let on_screen = |r: crate::model::Rect| {
            let w = world_rect(r);
            let a = camera.world_to_viewport(transform, Vec2::new(w.min.x, w.max.y).extend(0.0));
            let b = camera.world_to_viewport(transform, Vec2::new(w.max.x, w.min.y).extend(0.0));
            let (a, b) = (a.ok()?, b.ok()?);
            Some(serde_json::json!([a.x, a.y, b.x - a.x, b.y - a.y]))
        };
        for b in &figure.0.boxes {
            if let Some(r) = on_screen(b.rect) {
                components.insert(b.id.to_string(), r);
            }
        }
        for l in &figure.0.labels {
            if let Some(r) = on_screen(l.block) {
                labels.push(
                    serde_json::json!({"of": target_name(&l.target), "text": l.text(), "rect": r}),
                );
            }
        }
    }
    serde_json::json!({
        "ready": model.is_some() && shown,
        "shown_in_frame": shown_in_frame,
        "errors": problems.0.0.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "selected": selected,
        "writeup": reader.open.as_ref().map(ToString::to_string),
        "tour": tour.tour.as_ref().map(|t| serde_json::json!({"name": t, "step": tour.step + 1})),
        "presenter": presenter.on,
        "notice": notice.text.clone(),
        "blank": presenter.blank,
        "components": components,
        "labels": labels,
        // What egui drew on the canvas (egui points; the probe's other rectangles are logical
        // pixels): each part's label, and the packet's.
        "drawn": {
            "parts": drawn.parts.iter().map(|(t, r)| serde_json::json!({"of": target_name(t), "rect": [r.min.x, r.min.y, r.width(), r.height()]})).collect::<Vec<_>>(),
            "packet": drawn.packet.map(|r| [r.min.x, r.min.y, r.width(), r.height()]),
            "frames": drawn.frames.iter().map(|(n, r)| serde_json::json!({"number": n, "rect": [r.min.x, r.min.y, r.width(), r.height()]})).collect::<Vec<_>>(),
        },
        "lab": lab_state.scenario.as_ref().map(|name| serde_json::json!({
            "scenario": name,
            "event": lab_state.current + 1,
            "events": lab_state.run.as_ref().map_or(0, |r| r.len()),
            "playing": lab_state.playing,
            "marked": lab_drawn.marked,
        })),
        "px_per_unit": px_per_unit,
        "ui": {"left": insets.left, "right": insets.right, "top": insets.top, "bottom": insets.bottom},
        "widgets": named_widgets(widgets),
        "settled": widgets.is_some_and(|w| w.settled),
        "still": still,
        "focus": widgets.and_then(focused_label),
        "prefs": {"reduced_motion": prefs.reduced_motion, "text_scale": prefs.text_scale},
        "window": window.map(|[width, height, scale]| serde_json::json!({"width": width, "height": height, "scale": scale})),
    })
}

/// A part's id, as the probe names it.
fn target_name(t: &Target) -> String {
    match t {
        Target::Component(id) => id.to_string(),
        Target::Link(id) => id.to_string(),
    }
}

/// The name of the widget a screen reader has in focus.
fn focused_label(widgets: &Widgets) -> Option<&str> {
    let focus = widgets.focus?;
    let node = widgets.nodes.iter().find(|w| w.id == focus)?;
    Some(node.label.as_str())
}

/// The visible widgets with a name, each once (the first from the top), as
/// `[x, y, w, h, role]`.
fn named_widgets(widgets: Option<&Widgets>) -> serde_json::Value {
    let mut out = serde_json::Map::new();
    for w in widgets.iter().flat_map(|w| w.nodes.iter()) {
        if w.visible && !w.label.is_empty() && !out.contains_key(&w.label) {
            let r = w.rect;
            out.insert(
                w.label.clone(),
                serde_json::json!([r.min.x, r.min.y, r.width(), r.height(), w.role]),
            );
        }
    }
    serde_json::Value::Object(out)
}

#[cfg(not(target_arch = "wasm32"))]
fn write_state(
    file: Res<StateFile>,
    mut state: ViewParams,
    moved: Query<(), (With<MainCamera>, Changed<GlobalTransform>)>,
    all_cameras: Query<(&Camera, &GlobalTransform), With<MainCamera>>,
    mut last: Local<String>,
) {
    if !state.changed() && moved.is_empty() {
        return;
    }
    let view = state.view();
    let json = snapshot(&view, all_cameras.single().ok()).to_string();
    if *last == json {
        return;
    }
    // Write then rename, so a reader never sees half a file.
    let tmp = file.0.with_extension("tmp");
    if std::fs::write(&tmp, &json)
        .and_then(|()| std::fs::rename(&tmp, &file.0))
        .is_ok()
    {
        *last = json;
    }
}

/// On the web, `<body data-state="…">` carries the state as JSON (and `data-ready` once the
/// model is in), for the browser test.
#[cfg(target_arch = "wasm32")]
fn expose_state(
    mut state: ViewParams,
    moved: Query<(), (With<MainCamera>, Changed<GlobalTransform>)>,
    camera: Query<(&Camera, &GlobalTransform), With<MainCamera>>,
    mut last: Local<String>,
) {
    // Only when something shown changed: no JSON built on frames where nothing did.
    if !state.changed() && moved.is_empty() {
        return;
    }
    let view = state.view();
    let ready = view.model.is_some() && view.shown;
    let json = snapshot(&view, camera.single().ok()).to_string();
    if *last == json {
        return;
    }
    if let Some(body) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.body())
    {
        let data = body.dataset();
        let _ = data.set("state", &json);
        if ready {
            let _ = data.set("ready", "true");
        }
    }
    *last = json;
}
