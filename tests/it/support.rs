//! Helpers every test area shares: the shipped files, a headless app driven the way a person
//! drives the real one (pointer, keys, clicks on named widgets), and editable copies of the
//! project for tests that change files.

use std::path::{Path, PathBuf};

use autochitect::app::headless;
use autochitect::app::state::{LaunchOptions, LinkOpener, LoadProblems, LoadedModel, Selection};
use autochitect::model::{ComponentId, Diagram, LinkId, Target, WriteupCatalog};
use bevy::input::ButtonState;
use bevy::input::keyboard::{Key, KeyboardInput};
use bevy::prelude::*;

/// The repository root, for tests that read shipped files.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The shipped write-ups, validated.
pub fn catalog() -> WriteupCatalog {
    autochitect::tools::check::catalog(&repo().join("assets/writeups"))
        .unwrap_or_else(|d| panic!("{d}"))
}

/// A shipped diagram, validated against the shipped write-ups.
pub fn shipped_diagram(file: &str) -> Diagram {
    let path = repo().join("diagrams").join(file);
    let text = std::fs::read_to_string(&path).expect("diagram");
    autochitect::model::parse_diagram(file, &text, &catalog().slugs())
        .unwrap_or_else(|d| panic!("{d}"))
}

/// The default diagram.
pub fn default_diagram() -> Diagram {
    shipped_diagram("two-computers.ron")
}

/// Launch options for the shipped project.
pub fn options() -> LaunchOptions {
    LaunchOptions {
        asset_root: repo().join("assets").display().to_string(),
        diagram_dir: repo().join("diagrams").display().to_string(),
        ..LaunchOptions::default()
    }
}

/// The files the site's page carries to hand to the app (`site::first_files`): address → text,
/// read from the page's `first-files` element as the browser reads it.
pub fn first_carried(page: &str) -> std::collections::BTreeMap<String, String> {
    let json = page
        .split(r#"<script type="application/json" id="first-files">"#)
        .nth(1)
        .and_then(|rest| rest.split("</script>").next())
        .expect("the page carries the first files");
    serde_json::from_str(json).expect("a JSON object of texts by address")
}

/// External links the app opened (tests never open a browser).
pub static OPENED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn record_opened(url: &str) -> Result<(), String> {
    OPENED
        .lock()
        .map_err(|e| e.to_string())?
        .push(url.to_owned());
    Ok(())
}

/// A windowless app with the explorer's plugins (and the panels when `with_ui`), loaded and
/// settled. With the panels, the widgets egui reports to assistive technology are kept, so a
/// test can click them by name.
pub fn app_with(options: LaunchOptions, with_ui: bool) -> App {
    let mut app = app_loading(options, with_ui);
    headless::settle(&mut app);
    app
}

/// The app as it starts, before any file is in (no frame has run).
pub fn app_loading(options: LaunchOptions, with_ui: bool) -> App {
    let mut app = headless::app(options, with_ui);
    app.insert_resource(LinkOpener(Box::new(record_opened)));
    // The tests read the accessibility tree, as a screen reader would.
    if let Some(requested) = app
        .world()
        .get_resource::<bevy::a11y::AccessibilityRequested>()
    {
        requested.set(true);
    }
    app
}

/// The default diagram, without panels.
pub fn app() -> App {
    app_with(options(), false)
}

/// The default diagram, with the panels.
pub fn app_with_ui() -> App {
    let mut app = app_with(options(), true);
    run_frames(&mut app, 2);
    app
}

/// The load problems as `file:line:col: …` lines.
pub fn problem_lines(app: &App) -> Vec<String> {
    app.world()
        .resource::<LoadProblems>()
        .0
        .0
        .iter()
        .map(ToString::to_string)
        .collect()
}

/// Runs `n` frames.
pub fn run_frames(app: &mut App, n: usize) {
    for _ in 0..n {
        app.update();
    }
}

/// Runs frames until `done` holds (pausing briefly for file I/O), at most `frames` times.
pub fn run_until(app: &mut App, frames: usize, done: impl Fn(&App) -> bool) {
    headless::run_until(app, frames, done);
}

/// The primary window.
pub fn window(app: &mut App) -> Entity {
    headless::window(app).expect("a primary window")
}

/// Resizes the window, as a person resizing it (or a phone's screen) would, and lets the app
/// lay itself out again.
pub fn resize_window(app: &mut App, width: f32, height: f32) {
    let w = window(app);
    if let Some(mut win) = app.world_mut().get_mut::<Window>(w) {
        win.resolution.set(width, height);
    }
    run_frames(app, 2);
}

/// The window's size in logical pixels.
pub fn window_size(app: &mut App) -> Vec2 {
    let w = window(app);
    let win = app.world().get::<Window>(w).expect("window");
    Vec2::new(win.width(), win.height())
}

/// Where a world point is in the window, in logical pixels.
pub fn screen_pos(app: &mut App, world: Vec2) -> Vec2 {
    headless::screen_pos(app, world).expect("on screen")
}

/// The world point under a window position.
pub fn world_at(app: &mut App, at: Vec2) -> Vec2 {
    let mut q = app
        .world_mut()
        .query_filtered::<(&Camera, &GlobalTransform), With<autochitect::app::state::MainCamera>>();
    let (camera, transform) = q.single(app.world()).expect("camera");
    camera
        .viewport_to_world_2d(transform, at)
        .expect("on the canvas")
}

/// Where a component's centre is in the window.
pub fn component_center(app: &mut App, id: &str) -> Vec2 {
    headless::component_pos(app, id).expect("component on screen")
}

/// A quick click, as a fast mouse or a tap makes it: the pointer moves there, and press and
/// release arrive in the same frame as the move.
pub fn click_at(app: &mut App, pos: Vec2) {
    headless::click(app, pos);
}

/// Moves the pointer (no button) and runs a frame.
pub fn hover_at(app: &mut App, pos: Vec2) {
    headless::move_cursor(app, pos);
    app.update();
}

/// Drags with the left button from `from` to `to` in `steps` moves, a frame each.
pub fn drag(app: &mut App, from: Vec2, to: Vec2, steps: usize) {
    headless::move_cursor(app, from);
    headless::left_button(app, ButtonState::Pressed);
    app.update();
    for i in 1..=steps {
        headless::move_cursor(app, from.lerp(to, i as f32 / steps as f32));
        app.update();
    }
    headless::left_button(app, ButtonState::Released);
    app.update();
}

/// One finger's event as a touch screen reports it (no frame is run).
pub fn touch(app: &mut App, finger: u64, phase: bevy::input::touch::TouchPhase, at: Vec2) {
    let event = bevy::input::touch::TouchInput {
        phase,
        position: at,
        window: window(app),
        force: None,
        id: finger,
    };
    app.world_mut().write_message(event);
    app.world_mut()
        .write_message(bevy::window::WindowEvent::TouchInput(event));
}

/// A one-finger swipe from `from` to `to` in `steps` moves; `per_frame` events arrive before
/// each frame (a phone reports a fast swipe in one or two frames).
pub fn swipe(app: &mut App, from: Vec2, to: Vec2, steps: usize, per_frame: usize) {
    use bevy::input::touch::TouchPhase;
    let mut events = vec![(TouchPhase::Started, from)];
    events.extend((1..=steps).map(|i| (TouchPhase::Moved, from.lerp(to, i as f32 / steps as f32))));
    events.push((TouchPhase::Ended, to));
    for chunk in events.chunks(per_frame.max(1)) {
        for (phase, at) in chunk {
            touch(app, 1, *phase, *at);
        }
        app.update();
    }
}

/// Turns the mouse wheel by `lines` notches (positive: away from the user, zoom in) with the
/// pointer at `at`.
pub fn wheel_at(app: &mut App, at: Vec2, lines: f32) {
    headless::wheel(app, at, lines);
    app.update();
}

/// The logical key a physical key types, for the keys tests press.
fn logical(key: KeyCode) -> Key {
    let ch = |c: &str| Key::Character(c.into());
    match key {
        KeyCode::Escape => Key::Escape,
        KeyCode::Enter => Key::Enter,
        KeyCode::Tab => Key::Tab,
        KeyCode::Space => Key::Space,
        KeyCode::Backspace => Key::Backspace,
        KeyCode::Home => Key::Home,
        KeyCode::PageUp => Key::PageUp,
        KeyCode::PageDown => Key::PageDown,
        KeyCode::ArrowUp => Key::ArrowUp,
        KeyCode::ArrowDown => Key::ArrowDown,
        KeyCode::ArrowLeft => Key::ArrowLeft,
        KeyCode::ArrowRight => Key::ArrowRight,
        KeyCode::ShiftLeft => Key::Shift,
        KeyCode::ControlLeft => Key::Control,
        KeyCode::Slash => ch("/"),
        KeyCode::Equal => ch("="),
        KeyCode::Minus => ch("-"),
        KeyCode::Period => ch("."),
        KeyCode::KeyB => ch("b"),
        KeyCode::KeyF => ch("f"),
        KeyCode::KeyK => ch("k"),
        KeyCode::KeyP => ch("p"),
        _ => Key::Unidentified(bevy::input::keyboard::NativeKey::Unidentified),
    }
}

fn key_event(app: &mut App, key: KeyCode, state: ButtonState) {
    let window = window(app);
    let logical_key = logical(key);
    let text = match (&logical_key, state) {
        (Key::Character(c), ButtonState::Pressed) => Some(c.clone()),
        _ => None,
    };
    let input = KeyboardInput {
        key_code: key,
        logical_key,
        state,
        text,
        repeat: false,
        window,
    };
    app.world_mut().write_message(input.clone());
    app.world_mut()
        .write_message(bevy::window::WindowEvent::KeyboardInput(input));
}

/// A quick key press, as a fast typist makes it: down and up in the same frame.
pub fn press_key(app: &mut App, key: KeyCode) {
    key_event(app, key, ButtonState::Pressed);
    key_event(app, key, ButtonState::Released);
    app.update();
}

/// A shortcut as a fast typist makes it (Shift+Tab, Ctrl+K): the modifier down, the key down
/// and up, the modifier up, all before the next frame.
pub fn press_with(app: &mut App, modifier: KeyCode, key: KeyCode) {
    key_event(app, modifier, ButtonState::Pressed);
    key_event(app, key, ButtonState::Pressed);
    key_event(app, key, ButtonState::Released);
    key_event(app, modifier, ButtonState::Released);
    app.update();
}

/// What the app put on the clipboard in the last frame, if anything.
pub fn copied(app: &mut App) -> Option<String> {
    let mut q = app.world_mut().query::<&bevy_egui::EguiOutput>();
    q.iter(app.world()).find_map(|o| {
        o.platform_output.commands.iter().find_map(|c| match c {
            bevy_egui::egui::OutputCommand::CopyText(t) => Some(t.clone()),
            _ => None,
        })
    })
}

/// Types text into whatever has keyboard focus, one character a frame.
pub fn type_text(app: &mut App, text: &str) {
    for c in text.chars() {
        let window = window(app);
        let input = KeyboardInput {
            key_code: KeyCode::Unidentified(bevy::input::keyboard::NativeKeyCode::Unidentified),
            logical_key: Key::Character(c.to_string().into()),
            state: ButtonState::Pressed,
            text: Some(c.to_string().into()),
            repeat: false,
            window,
        };
        app.world_mut().write_message(input.clone());
        app.world_mut()
            .write_message(bevy::window::WindowEvent::KeyboardInput(input));
        app.update();
    }
}

/// The widget named `label` (the accessibility tree, `headless::Widgets`); panics with the names on screen
/// when there is none.
pub fn widget(app: &App, label: &str) -> headless::Widget {
    headless::widget(app, label).unwrap_or_else(|| {
        let names: Vec<String> = app
            .world()
            .get_resource::<headless::Widgets>()
            .map(|w| w.nodes.iter().map(|w| w.label.clone()).collect())
            .unwrap_or_default();
        panic!("no widget named {label:?}; on screen: {names:?}")
    })
}

/// Scrolls the panel holding the widget named `label` with the wheel, as a person would,
/// until the widget is inside the window.
pub fn scroll_into_view(app: &mut App, label: &str) {
    let size = window_size(app);
    for _ in 0..100 {
        let w = widget(app, label);
        if w.visible {
            return;
        }
        let insets = *app.world().resource::<autochitect::app::state::UiInsets>();
        let notches = if w.rect.center().y > size.y - insets.bottom {
            -2.0
        } else {
            2.0
        };
        let x = w.rect.center().x;
        wheel_at(
            app,
            Vec2::new(x, (insets.top + size.y - insets.bottom) / 2.0),
            notches,
        );
        run_frames(app, 1);
    }
    panic!("could not scroll {label:?} into view");
}

/// Clicks the widget named `label` (scrolled into view first), then lets the app answer.
pub fn click_widget(app: &mut App, label: &str) {
    scroll_into_view(app, label);
    let at = widget(app, label).rect.center();
    click_at(app, at);
    run_frames(app, 1);
}

/// A write-up's Markdown text (the catalogs the tests build carry every body).
pub fn body(w: &autochitect::model::Writeup) -> &str {
    &w.body.ready().expect("the write-up's body is in").text
}

/// What is selected.
pub fn selected(app: &App) -> Option<Target> {
    app.world().resource::<Selection>().target.clone()
}

/// A component target.
pub fn comp(id: &str) -> Option<Target> {
    Some(Target::Component(ComponentId::new(id)))
}

/// A link target.
pub fn link(id: &str) -> Option<Target> {
    Some(Target::Link(LinkId::new(id)))
}

/// The loaded model.
pub fn model(app: &App) -> LoadedModel {
    app.world().resource::<LoadedModel>().clone()
}

/// A fresh folder for one test, removed when the guard drops.
pub struct TempDir(pub PathBuf);

impl TempDir {
    /// A new, empty folder named after the test.
    pub fn new(name: &str) -> TempDir {
        let dir = std::env::temp_dir().join(format!("autochitect-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).expect("temp dir");
        TempDir(dir)
    }

    /// A path inside it.
    pub fn join(&self, p: impl AsRef<Path>) -> PathBuf {
        self.0.join(p)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Copies a folder's files (and its subfolders') into `to`.
pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("dir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let p = e.expect("entry").path();
        let target = to.join(p.file_name().expect("name"));
        if p.is_dir() {
            copy_dir(&p, &target);
        } else {
            std::fs::copy(&p, &target).expect("copy");
        }
    }
}

/// A private copy of the diagrams (with their tours), so a test can edit them.
pub fn editable_diagrams(name: &str) -> (TempDir, LaunchOptions) {
    let dir = TempDir::new(name);
    copy_dir(&repo().join("diagrams"), &dir.0);
    let options = LaunchOptions {
        diagram_dir: dir.0.display().to_string(),
        ..options()
    };
    (dir, options)
}

/// A private copy of the write-ups, so a test can break them.
pub fn editable_writeups(name: &str) -> (TempDir, LaunchOptions) {
    let dir = TempDir::new(name);
    copy_dir(&repo().join("assets/writeups"), &dir.join("writeups"));
    std::fs::create_dir_all(dir.join("fonts")).expect("fonts");
    let options = LaunchOptions {
        asset_root: dir.0.display().to_string(),
        ..options()
    };
    (dir, options)
}

/// Edits a file on disk and runs frames until the app has reloaded it (a new model or new
/// problems). With `report`, the change is reported as the watcher would (for apps whose
/// watcher is not running); without, the real file watcher must see it.
pub fn edit_and_reload(
    app: &mut App,
    file: &Path,
    report: bool,
    edit: impl Fn(&str) -> String,
) -> bool {
    let before = app.world().resource::<LoadedModel>().generation;
    let problems_before = app.world().resource::<LoadProblems>().0.clone();
    let text = std::fs::read_to_string(file).expect("read");
    std::fs::write(file, edit(&text)).expect("write");
    if report {
        app.world_mut()
            .write_message(autochitect::app::state::FileChanged(file.to_path_buf()));
    }
    run_until(app, 3000, |app| {
        let w = app.world();
        w.resource::<LoadedModel>().generation != before
            || w.resource::<LoadProblems>().0 != problems_before
    });
    app.update();
    let w = app.world();
    w.resource::<LoadedModel>().generation != before
        || w.resource::<LoadProblems>().0 != problems_before
}

/// A shipped lab scenario, read and checked against the default diagram, and its text.
pub fn shipped_scenario(name: &str) -> (autochitect::lab::Scenario, String) {
    let file = repo().join(format!("diagrams/labs/{name}.ron"));
    let text = std::fs::read_to_string(&file).expect("scenario file");
    let scenario = autochitect::lab::parse_scenario(
        &file.display().to_string(),
        name,
        &text,
        Some(&default_diagram()),
    )
    .expect("a valid scenario");
    (scenario, text)
}
