//! The web build's glue (wasm32 only): the same app, with the URL hash as its deep link.
//!
//! - On start, the hash (`#/component/<id>`, `#/writeup/<slug>`, `#/diagram/<file>`,
//!   `#/tour/<name>/<step>`) picks what to show, like the desktop's command line.
//! - Selecting, opening a write-up or stepping a tour pushes a history entry, so Back and
//!   Forward move through what the learner did; following a link or Back applies the hash.
//! - The tab title follows the open write-up or selection.
//! - `<body data-state="…">` carries the app's state as JSON (ready, selection, write-up, tour,
//!   and every component's on-screen rectangle) for end-to-end tests.
//!
//! What a hash means, and which hash the state stands for, is decided in `routes` (compiled
//! and tested natively); this file only talks to the browser.

use std::sync::Mutex;

use bevy::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;

use super::state::{
    AccessAction, AppSystems, HandedFiles, Intent, LabState, LaunchOptions, LoadedModel, Notice,
    Reader, Selection, Shown, SpeakerNotes, SpeakerViewOpener, SummaryScroll, TourState, Widgets,
    address_intents, ask_for_the_tree, current_route,
};
use crate::model::{Address, Launch, Route, Target};

/// Hashes the browser navigated to (Back, Forward, a typed link), waiting to be applied.
static NAVIGATIONS: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// Messages from the other page of a talk (the speaker view, or the audience's page).
static TALK: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The browser console's log, set up before the app is built (the web build has no Bevy
/// `LogPlugin`: its `EnvFilter` would bring a regex engine to the module for a filter nobody
/// changes in a browser). The same filter as Bevy's default: info and up, wgpu's errors only and
/// naga's warnings; lines from the `log` crate (wgpu, naga) are forwarded.
pub fn log_to_console() {
    use tracing_subscriber::filter::Targets;
    use tracing_subscriber::layer::SubscriberExt;
    let filter = Targets::new()
        .with_default(tracing::Level::INFO)
        .with_target("wgpu", tracing::Level::ERROR)
        .with_target("naga", tracing::Level::WARN);
    let console = tracing_wasm::WASMLayer::new(tracing_wasm::WASMLayerConfig::default());
    let subscriber = tracing_subscriber::registry().with(filter).with(console);
    // Both fail only if a logger is set already, and then that one logs.
    let _ = tracing::subscriber::set_global_default(subscriber);
    let _ = tracing_log::LogTracer::init();
}

/// The first files, which the page carries (`window.autochitectFiles`: address → text), taken
/// from the page so they are held once.
fn handed_files() -> HandedFiles {
    use wasm_bindgen::JsValue;
    let mut files = HandedFiles::default();
    let Some(w) = window() else { return files };
    let key = JsValue::from_str("autochitectFiles");
    let Ok(object) = js_sys::Reflect::get(&w, &key).and_then(|v| v.dyn_into::<js_sys::Object>())
    else {
        return files;
    };
    for entry in js_sys::Object::entries(&object).iter() {
        let pair = js_sys::Array::from(&entry);
        if let (Some(address), Some(text)) = (pair.get(0).as_string(), pair.get(1).as_string()) {
            files.0.insert(address, text);
        }
    }
    let _ = js_sys::Reflect::delete_property(&w, &key);
    files
}

/// The page's own summary (open when a part was chosen before the app was ready) hands its
/// scroll to the app's: read before the panels are drawn on each frame until the app is shown,
/// so the frame that takes the page's place is scrolled as the page was a moment before.
fn take_page_scroll(shown: Res<Shown>, mut scroll: ResMut<SummaryScroll>) {
    if shown.0 {
        return;
    }
    let Some(aside) = window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("first-answer"))
    else {
        return;
    };
    let overflow = aside.scroll_height() - aside.client_height();
    if !aside.has_attribute("hidden") && overflow > 0 {
        scroll.0 = Some(aside.scroll_top() as f32 / overflow as f32);
    }
}

thread_local! {
    /// The channel the pages of a talk share.
    static CHANNEL: std::cell::RefCell<Option<web_sys::BroadcastChannel>> =
        const { std::cell::RefCell::new(None) };
}

/// The name of that channel: every page of this site on this browser hears it.
const TALK_CHANNEL: &str = "autochitect-talk";

thread_local! {
    /// The app being put together while the page hands the main thread back between steps.
    static STARTING: std::cell::RefCell<Option<super::Start>> = const { std::cell::RefCell::new(None) };
}

/// `main` on the web: the app for the page's address, started but not yet built. The page
/// calls [`start_step`] until it says false, giving the browser the main thread between calls
/// (a click on the figure is answered meanwhile), then [`start_run`].
pub fn begin() {
    let start = super::Start::new(
        launch_options(),
        bevy::render::RenderPlugin::default(),
        None,
    );
    STARTING.with_borrow_mut(|s| *s = Some(start));
}

/// Adds the next group of the app's plugins; false once all are in.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn start_step() -> bool {
    STARTING.with_borrow_mut(|s| s.as_mut().is_some_and(super::Start::step))
}

/// Runs the app (the rest of it built first, if the page stopped stepping early): the browser's
/// event loop takes it over.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn start_run() {
    if let Some(start) = STARTING.with_borrow_mut(Option::take) {
        let _ = start.run();
    }
}

/// The launch options the page's URL asks for; starts listening for the browser's navigations.
/// [`begin`] starts the app with them.
pub fn launch_options() -> LaunchOptions {
    let mut options = LaunchOptions {
        embed_link: embed_link(),
        remember_preferences: true,
        ..LaunchOptions::default()
    };
    if let Some(Address::Place(route)) = current_hash().as_deref().map(Address::parse) {
        match &route {
            Route::Diagram(file) => options.diagram_file = file.clone(),
            other => options.launch = Launch::from_route(other),
        }
    }
    // `?speaker`: this page is the presenter's speaker view (see `speaker`).
    options.launch.notes = in_query("speaker");
    listen_for_navigation();
    options
}

pub(super) fn plugin(app: &mut App) {
    app.insert_resource(handed_files())
        .init_resource::<TalkShared>()
        .insert_resource(SpeakerViewOpener(Box::new(open_speaker_view)))
        // The page's mirror of the accessibility tree is always there.
        .add_systems(Startup, (keep_waker, ask_for_the_tree))
        .add_systems(PostStartup, join_talk)
        .add_systems(
            Update,
            (apply_navigation, follow_talk).in_set(AppSystems::Input),
        )
        .add_systems(
            PostUpdate,
            take_page_scroll.before(bevy_egui::EguiPostUpdateSet::EndPass),
        )
        .add_systems(
            PreUpdate,
            pass_activations.before(bevy_egui::EguiPreUpdateSet::BeginPass),
        )
        .add_systems(Last, tell_talk)
        .add_systems(Last, (sync_hash, sync_title, mirror_tree, announce));
}

thread_local! {
    /// Wakes the app from the page's callbacks: the app sleeps until something happens, and a
    /// navigation or a screen reader's click happens outside its event loop.
    static WAKE: std::cell::RefCell<Option<Box<dyn Fn()>>> = const { std::cell::RefCell::new(None) };
}

fn keep_waker(proxy: Option<Res<bevy::winit::EventLoopProxyWrapper>>) {
    let Some(proxy) = proxy else { return };
    let proxy = (**proxy).clone();
    WAKE.with(|w| {
        *w.borrow_mut() = Some(Box::new(move || {
            let _ = proxy.send_event(bevy::winit::WinitUserEvent::WakeUp);
        }));
    });
}

/// Runs the app's next frame soon.
pub(super) fn wake() {
    WAKE.with(|w| {
        if let Some(wake) = w.borrow().as_ref() {
            wake();
        }
    });
}

thread_local! {
    /// Nodes the page's mirror activated, waiting for the next frame.
    static ACTIVATED: std::cell::RefCell<Vec<u64>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// A screen reader (or the page's mirror) activated the element of node `id`: act on it in the
/// next frame as AccessKit's "click".
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn a11y_activate(id: &str) {
    if let Ok(id) = id.parse::<u64>() {
        ACTIVATED.with(|a| a.borrow_mut().push(id));
        wake();
    }
}

/// Hands the page's activations to the app.
fn pass_activations(mut actions: MessageWriter<AccessAction>) {
    let ids: Vec<u64> = ACTIVATED.with(|a| a.borrow_mut().drain(..).collect());
    actions.write_batch(ids.into_iter().map(AccessAction::click));
}

/// The digest of a lab scenario's run with its own seed (see `lab::digest` and the cluster's
/// `text::digest`), from the scenario's text; or why the text is not a scenario. The browser test compares it with the
/// native tool's, to show the simulation is the same on the web.
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn lab_digest(name: &str, text: &str) -> String {
    use crate::lab::any::AnyScenario;
    let file = format!("diagrams/labs/{name}.ron");
    match crate::lab::any::parse_any_in(&file, name, text, &mut |_| Ok(None)) {
        Ok(AnyScenario::Network(scenario)) => {
            let seed = scenario.seed;
            let mut lab = crate::lab::Lab::new(std::sync::Arc::new(scenario), seed, Vec::new());
            lab.run_to_end();
            format!("{:016x}", lab.digest())
        }
        Ok(AnyScenario::Cluster(scenario)) => match scenario.run(scenario.seed, &[]) {
            Ok(cluster) => format!(
                "{:016x}",
                crate::lab::cluster::text::digest(cluster.events())
            ),
            Err(e) => e.to_string(),
        },
        Err(problems) => problems.to_string(),
    }
}

/// Calls a function the page defines, with one string.
fn call_page(function: &str, arg: &str) {
    use wasm_bindgen::JsValue;
    let Some(w) = window() else { return };
    let Ok(f) = js_sys::Reflect::get(&w, &JsValue::from_str(function)) else {
        return;
    };
    if let Ok(f) = f.dyn_into::<js_sys::Function>() {
        let _ = f.call1(&JsValue::NULL, &JsValue::from_str(arg));
    }
}

/// Hands the accessibility tree to the page's mirror when it changes.
fn mirror_tree(widgets: Option<Res<Widgets>>) {
    let Some(widgets) = widgets.filter(|w| w.is_changed()) else {
        return;
    };
    let nodes: Vec<serde_json::Value> = widgets
        .nodes
        .iter()
        .map(|n| {
            serde_json::json!({
                "id": n.id.to_string(),
                "parent": n.parent.map(|p| p.to_string()),
                "role": n.role,
                "name": n.label,
                "desc": n.description,
                "x": n.rect.min.x, "y": n.rect.min.y, "w": n.rect.width(), "h": n.rect.height(),
                "sel": n.selected,
                "tog": n.toggled,
                "lvl": n.level,
            })
        })
        .collect();
    let json = serde_json::json!({
        "nodes": nodes,
        "focus": widgets.focus.map(|f| f.to_string()),
    });
    call_page("autochitectA11y", &json.to_string());
}

/// Says what changed, for a screen reader's live region: the selection, a tour's step, and
/// the lab's event.
fn announce(
    model: Option<Res<LoadedModel>>,
    selection: Res<Selection>,
    tour: Res<TourState>,
    lab: Res<LabState>,
    mut said: Local<Option<String>>,
) {
    let Some(model) = model else { return };
    let lab_now = lab.announcement();
    let lab_moved = lab_now.is_some() && *said != lab_now;
    if lab_moved {
        said.clone_from(&lab_now);
    }
    let text = if lab_moved && let Some(text) = lab_now {
        text
    } else if tour.is_changed()
        && let Some((t, step)) = tour.current(&model)
    {
        let narration = crate::model::markdown::plain_text(&step.document);
        format!(
            "{}, step {} of {}: {}. {narration}",
            t.title,
            tour.step + 1,
            t.steps.len(),
            step.title
        )
    } else if selection.is_changed() {
        match &selection.target {
            Some(Target::Component(id)) => model
                .diagram
                .component(id.as_str())
                .map(|c| {
                    let place = model.diagram.breadcrumb(id).join(" › ");
                    format!("{} selected, {}", c.label, place)
                })
                .unwrap_or_default(),
            Some(Target::Link(id)) => model
                .diagram
                .link(id.as_str())
                .map(|l| format!("{} selected", l.label))
                .unwrap_or_default(),
            None => "Nothing selected".to_owned(),
        }
    } else {
        return;
    };
    call_page("autochitectAnnounce", &text);
}

fn window() -> Option<web_sys::Window> {
    web_sys::window()
}

fn current_hash() -> Option<String> {
    window()?.location().hash().ok()
}

/// Whether the address's query has the parameter `name` (`?name` or `?name=…`).
fn in_query(name: &str) -> bool {
    let search = window()
        .and_then(|w| w.location().search().ok())
        .unwrap_or_default();
    search.trim_start_matches('?').split('&').any(|p| {
        p == name
            || p.strip_prefix(name)
                .is_some_and(|rest| rest.starts_with('='))
    })
}

/// With `?embed` in the address (a course page's `<iframe>`), the address of the full app: the
/// same page and deep link without `?embed`.
fn embed_link() -> Option<String> {
    if !in_query("embed") {
        return None;
    }
    let location = window()?.location();
    let origin = location.origin().ok()?;
    let path = location.pathname().ok()?;
    let hash = location.hash().ok().unwrap_or_default();
    Some(format!("{origin}{path}{hash}"))
}

fn listen_for_navigation() {
    let Some(w) = window() else { return };
    let on_nav = Closure::<dyn FnMut(web_sys::Event)>::new(|_: web_sys::Event| {
        if let (Some(hash), Ok(mut queue)) = (current_hash(), NAVIGATIONS.lock()) {
            queue.push(hash);
        }
        wake();
    });
    for event in ["popstate", "hashchange"] {
        let _ = w.add_event_listener_with_callback(event, on_nav.as_ref().unchecked_ref());
    }
    // The listener lives as long as the page.
    on_nav.forget();
}

/// Turns a hash the browser navigated to into intents.
fn apply_navigation(
    model: Option<Res<LoadedModel>>,
    mut intents: MessageWriter<Intent>,
    mut notice: ResMut<Notice>,
    mut last_applied: Local<Option<String>>,
) {
    if model.is_none() {
        return;
    }
    let hashes: Vec<String> = NAVIGATIONS
        .lock()
        .map(|mut q| q.drain(..).collect())
        .unwrap_or_default();
    for hash in hashes {
        if last_applied.as_deref() == Some(hash.as_str()) {
            continue;
        }
        *last_applied = Some(hash.clone());
        let address = Address::parse(&hash);
        if address == Address::Unknown {
            notice.say(format!(
                "The link {hash} does not point anywhere this app knows."
            ));
        }
        intents.write_batch(address_intents(&address));
    }
}

/// Pushes a history entry when what is on screen changes (not on the first frames, so the
/// page's own deep link is kept while it is being applied).
fn sync_hash(
    model: Option<Res<LoadedModel>>,
    selection: Res<Selection>,
    reader: Res<Reader>,
    tour: Res<TourState>,
    lab: Res<LabState>,
    mut options: ResMut<LaunchOptions>,
    mut settled_frames: Local<u32>,
) {
    let Some(model) = model else { return };
    if *settled_frames < 3 {
        *settled_frames += 1;
        return;
    }
    if !(selection.is_changed()
        || reader.is_changed()
        || tour.is_changed()
        || lab.is_changed()
        || model.is_changed())
    {
        return;
    }
    let route = current_route(&model, &selection, &reader, &tour, &lab);
    let hash = route
        .as_ref()
        .map_or_else(|| "#/".to_owned(), |r| r.to_hash());
    let now = current_hash();
    if now
        .as_deref()
        .is_some_and(|h| h == hash || (h.is_empty() && hash == "#/"))
    {
        return;
    }
    // Stepping through a lab's run keeps one history entry: the address follows the event,
    // and Back leaves the lab rather than walking through every event played.
    let same_lab = match (&route, now.as_deref().map(Route::parse)) {
        (Some(Route::Lab(a, _)), Some(Some(Route::Lab(b, _)))) => *a == b,
        _ => false,
    };
    if let Some(history) = window().and_then(|w| w.history().ok()) {
        let _ = if same_lab {
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash))
        } else {
            history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&hash))
        };
    }
    // An embedded diagram's link to the full app follows what is on screen.
    if options.embed_link.is_some() {
        let link = embed_link();
        if options.embed_link != link {
            options.embed_link = link;
        }
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

/// Opens the speaker view: this page again, with `?speaker`, in a window of its own. Says so
/// when the browser blocks it.
fn open_speaker_view() -> Result<(), String> {
    let Some(w) = window() else {
        return Err("no browser window".into());
    };
    let location = w.location();
    let path = location.pathname().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    let url = format!("{path}?speaker{hash}");
    match w.open_with_url_and_target_and_features(
        &url,
        "autochitect-speaker",
        "popup,width=960,height=640",
    ) {
        Ok(Some(_)) => Ok(()),
        _ => Err("The browser blocked the speaker view: allow pop-ups for this site.".into()),
    }
}

/// Joins the talk's channel; the speaker view asks the audience's page where the talk is.
fn join_talk(notes: Res<SpeakerNotes>) {
    let Ok(channel) = web_sys::BroadcastChannel::new(TALK_CHANNEL) else {
        return;
    };
    let on_message =
        Closure::<dyn FnMut(web_sys::MessageEvent)>::new(|e: web_sys::MessageEvent| {
            if let (Some(text), Ok(mut queue)) = (e.data().as_string(), TALK.lock()) {
                queue.push(text);
            }
            wake();
        });
    channel.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The listener lives as long as the page.
    on_message.forget();
    if notes.page {
        let _ = channel.post_message(&wasm_bindgen::JsValue::from_str(r#"{"hello":true}"#));
    }
    CHANNEL.with(|c| *c.borrow_mut() = Some(channel));
}

/// Where a talk is: the tour (if any) and its step, or the lab (if any) and its event.
#[derive(Clone, Debug, PartialEq, Eq)]
struct TalkPlace {
    tour: Option<String>,
    step: usize,
    lab: Option<String>,
    event: usize,
}

impl TalkPlace {
    /// Where this page is. A lab and a tour are never open together, but for a frame one
    /// may still be closing as the other opens (each closes the other through an intent): the
    /// lab, the newer of the two, is where the page is going.
    fn here(tour: &TourState, lab: &LabState) -> TalkPlace {
        match &lab.scenario {
            Some(name) => TalkPlace {
                tour: None,
                step: 0,
                lab: Some(name.clone()),
                event: lab.current,
            },
            None => TalkPlace {
                tour: tour.tour.clone(),
                step: tour.step,
                lab: None,
                event: 0,
            },
        }
    }

    /// From the other page's message.
    fn read(message: &serde_json::Value) -> TalkPlace {
        let number = |key: &str| {
            message[key]
                .as_u64()
                .and_then(|s| usize::try_from(s).ok())
                .unwrap_or(0)
        };
        TalkPlace {
            tour: message["tour"].as_str().map(str::to_owned),
            step: number("step"),
            lab: message["lab"].as_str().map(str::to_owned),
            event: number("event"),
        }
    }

    /// The message for the other page.
    fn message(&self) -> String {
        serde_json::json!({"tour": self.tour, "step": self.step, "lab": self.lab, "event": self.event})
            .to_string()
    }
}

/// Follows the other page: its tour and step, or its lab and event, become this page's.
fn follow_talk(
    model: Option<Res<LoadedModel>>,
    tour: Res<TourState>,
    lab: Res<LabState>,
    mut shared: ResMut<TalkShared>,
    mut intents: MessageWriter<Intent>,
) {
    if model.is_none() {
        return;
    }
    let messages: Vec<String> = TALK
        .lock()
        .map(|mut q| q.drain(..).collect())
        .unwrap_or_default();
    for text in messages {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(&text) else {
            continue;
        };
        if message.get("hello").is_some() {
            shared.answer = true;
            continue;
        }
        let place = TalkPlace::read(&message);
        shared.last = Some(place.clone());
        if place == TalkPlace::here(&tour, &lab) {
            continue;
        }
        // A tour and a lab are never open together: opening one closes the other.
        match place {
            TalkPlace {
                tour: Some(name),
                step,
                ..
            } => intents.write(Intent::StartTour(name, step)),
            TalkPlace {
                lab: Some(name),
                event,
                ..
            } => intents.write(Intent::OpenLab(name, event)),
            _ => {
                intents.write(Intent::EndTour);
                intents.write(Intent::CloseLab)
            }
        };
    }
}

/// What the two pages of a talk last agreed on, and whether the other page asked.
#[derive(Resource, Default)]
struct TalkShared {
    last: Option<TalkPlace>,
    answer: bool,
}

/// Tells the other page where this one is, when it moved (or was asked).
fn tell_talk(
    model: Option<Res<LoadedModel>>,
    tour: Res<TourState>,
    lab: Res<LabState>,
    mut shared: ResMut<TalkShared>,
    mut settled_frames: Local<u32>,
) {
    if model.is_none() {
        return;
    }
    // Not while the page's own deep link is being applied.
    if *settled_frames < 3 {
        *settled_frames += 1;
        return;
    }
    let here = TalkPlace::here(&tour, &lab);
    if !shared.answer && shared.last.as_ref() == Some(&here) {
        return;
    }
    shared.answer = false;
    let text = here.message();
    CHANNEL.with(|c| {
        if let Some(channel) = c.borrow().as_ref() {
            let _ = channel.post_message(&wasm_bindgen::JsValue::from_str(&text));
        }
    });
    shared.last = Some(here);
}
