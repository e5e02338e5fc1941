//! The web build's glue (wasm32 only): the same app, with the URL hash as its deep link.
//!
//! - On start, the hash (`#/component/<id>`, `#/writeup/<slug>`, `#/diagram/<file>`,
//!   `#/tour/<name>/<step>`) picks what to show, like the desktop's command line.
//! - Selecting, opening a write-up or stepping a tour pushes a history entry, so Back and
//!   Forward move through what the learner did; following a link or Back applies the hash.
//! - The tab title follows the open write-up or selection.
//! - `<body data-state="…">` carries the app's state as JSON (ready, selection, write-up, tour,
//!   and every component's on-screen rectangle) for end-to-end tests.

use std::sync::Mutex;

use bevy::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use crate::camera::MainCamera;
use crate::loading::LoadedModel;
use crate::model::Target;
use crate::route::Route;
use crate::selection::{Intent, Notice, Reader, Selection};
use crate::tour::TourState;
use crate::{AppSystems, LaunchOptions};

/// Hashes the browser navigated to (Back, Forward, a typed link), waiting to be applied.
static NAVIGATIONS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Starts the app from the page's URL.
pub fn start() {
    let mut options = LaunchOptions::default();
    match current_hash().as_deref().map(Route::parse) {
        Some(Some(Route::Diagram(file))) => options.diagram_file = file,
        Some(Some(Route::Component(id))) => options.select = Some(id),
        Some(Some(Route::Writeup(slug))) => options.writeup = Some(slug),
        Some(Some(Route::Tour(name, step))) => {
            options.tour = Some(name);
            options.step = Some(step);
        }
        _ => {}
    }
    listen_for_navigation();
    crate::run(options);
}

pub(crate) fn plugin(app: &mut App) {
    app.add_systems(Update, apply_navigation.in_set(AppSystems::Input))
        .add_systems(Last, (sync_hash, sync_title, expose_state));
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn current_hash() -> Option<String> {
    window()?.location().hash().ok()
}

fn listen_for_navigation() {
    let Some(w) = window() else { return };
    let on_nav = Closure::<dyn FnMut(web_sys::Event)>::new(|_: web_sys::Event| {
        if let (Some(hash), Ok(mut queue)) = (current_hash(), NAVIGATIONS.lock()) {
            queue.push(hash);
        }
    });
    for event in ["popstate", "hashchange"] {
        let _ = w.add_event_listener_with_callback(event, on_nav.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    on_nav.forget();
}

/// Opens an external link in a new tab.
pub fn open_in_new_tab(url: &str) -> Result<(), String> {
    let w = window().ok_or("no browser window")?;
    w.open_with_url_and_target_and_features(url, "_blank", "noopener,noreferrer")
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

/// Turns a hash the browser navigated to into intents.
fn apply_navigation(
    model: Option<Res<LoadedModel>>,
    mut intents: MessageWriter<Intent>,
    mut notice: ResMut<Notice>,
    mut last_applied: Local<Option<String>>,
) {
    let Some(model) = model else { return };
    let hashes: Vec<String> = NAVIGATIONS
        .lock()
        .map(|mut q| q.drain(..).collect())
        .unwrap_or_default();
    for hash in hashes {
        if last_applied.as_deref() == Some(hash.as_str()) {
            continue;
        }
        *last_applied = Some(hash.clone());
        if matches!(hash.as_str(), "" | "#" | "#/") {
            intents.write_batch([
                Intent::CloseWriteup,
                Intent::ClearSelection,
                Intent::EndTour,
            ]);
            continue;
        }
        match Route::parse(&hash) {
            Some(Route::Component(id)) => {
                let target = model.diagram.target_by_id(&id);
                match target {
                    Some(t) => {
                        intents.write_batch([Intent::CloseWriteup, Intent::Select(t)]);
                    }
                    None => {
                        notice.text = Some(format!(
                            "The link {hash} names no component of this diagram."
                        ))
                    }
                }
            }
            Some(Route::Writeup(slug)) => match model.writeups.get_str(&slug) {
                Some(w) => {
                    intents.write_batch([
                        Intent::ShowTopic(w.slug.clone()),
                        Intent::OpenWriteup(w.slug.clone()),
                    ]);
                }
                None => notice.text = Some(format!("The link {hash} names no write-up.")),
            },
            Some(Route::Diagram(file)) => {
                intents.write(Intent::OpenDiagram(file));
            }
            Some(Route::Tour(name, step)) => {
                intents.write(Intent::StartTour(name, step.saturating_sub(1)));
            }
            None => {
                notice.text = Some(format!(
                    "The link {hash} does not point anywhere this app knows."
                ))
            }
        }
    }
}

/// The hash that says what is on screen now.
fn route_now(
    model: &LoadedModel,
    selection: &Selection,
    reader: &Reader,
    tour: &TourState,
) -> String {
    if let Some(slug) = &reader.open {
        return Route::Writeup(slug.to_string()).to_hash();
    }
    if let Some(name) = &tour.tour {
        return Route::Tour(name.clone(), tour.step + 1).to_hash();
    }
    match &selection.target {
        Some(Target::Component(id)) => Route::Component(id.to_string()).to_hash(),
        Some(Target::Link(id)) => Route::Component(id.to_string()).to_hash(),
        None if model.diagram_file != LaunchOptions::default().diagram_file => {
            Route::Diagram(model.diagram_file.clone()).to_hash()
        }
        None => "#/".into(),
    }
}

/// Pushes a history entry when what is on screen changes (not on the first frames, so the
/// page's own deep link is kept while it is being applied).
fn sync_hash(
    model: Option<Res<LoadedModel>>,
    selection: Res<Selection>,
    reader: Res<Reader>,
    tour: Res<TourState>,
    mut settled_frames: Local<u32>,
) {
    let Some(model) = model else { return };
    if *settled_frames < 3 {
        *settled_frames += 1;
        return;
    }
    if !(selection.is_changed() || reader.is_changed() || tour.is_changed() || model.is_changed()) {
        return;
    }
    let hash = route_now(&model, &selection, &reader, &tour);
    if current_hash().is_some_and(|h| h == hash || (h.is_empty() && hash == "#/")) {
        return;
    }
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash));
    }
}

fn sync_title(model: Option<Res<LoadedModel>>, selection: Res<Selection>, reader: Res<Reader>) {
    let Some(model) = model else { return };
    if !(model.is_changed() || selection.is_changed() || reader.is_changed()) {
        return;
    }
    let what = reader
        .open
        .as_ref()
        .and_then(|s| model.writeups.get(s))
        .map(|w| w.title.clone())
        .or_else(|| match &selection.target {
            Some(Target::Component(id)) => model
                .diagram
                .component(id.as_str())
                .map(|c| c.label.clone()),
            Some(Target::Link(id)) => model.diagram.link(id.as_str()).map(|l| l.label.clone()),
            None => None,
        });
    let title = match what {
        Some(w) => format!("{w} — {} · autochitect", model.diagram.title),
        None => format!("{} · autochitect", model.diagram.title),
    };
    if let Some(doc) = window().and_then(|w| w.document()) {
        doc.set_title(&title);
    }
}

fn expose_state(
    state: crate::automation::ViewParams,
    moved: Query<(), (With<MainCamera>, Changed<GlobalTransform>)>,
    camera: Query<(&Camera, &GlobalTransform), With<MainCamera>>,
    mut last: Local<String>,
) {
    // Only when something shown changed: no JSON built on frames where nothing did.
    if !state.changed() && moved.is_empty() {
        return;
    }
    let view = state.view();
    let ready = view.model.is_some();
    let json = crate::automation::snapshot(&view, camera.single().ok()).to_string();
    if *last == json {
        return;
    }
    if let Some(body) = window().and_then(|w| w.document()).and_then(|d| d.body()) {
        let data = body.dataset();
        let _ = data.set("state", &json);
        if ready {
            let _ = data.set("ready", "true");
        }
    }
    *last = json;
}
