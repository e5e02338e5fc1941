//! Headless app tests: MinimalPlugins, no GPU, real files, real picking.

use autochitect::headless;
use autochitect::model::{ComponentId, LinkId, Target, WriteupSlug};
use autochitect::{
    DiagramEntity, Intent, LaunchOptions, LoadProblems, LoadedModel, Reader, Selection,
};
use bevy::prelude::*;

fn options() -> LaunchOptions {
    let repo = crate::repo();
    LaunchOptions {
        asset_root: repo.join("assets").display().to_string(),
        diagram_dir: repo.join("diagrams").display().to_string(),
        ..LaunchOptions::default()
    }
}

/// A windowless app with the explorer's plugins, loaded and settled.
fn app_with(options: LaunchOptions, with_ui: bool) -> App {
    let mut app = headless::app(options, with_ui);
    // Swap the system browser for a recorder: tests never open windows.
    app.insert_resource(autochitect::LinkOpener(Box::new(record_opened)));
    headless::settle(&mut app);
    app
}

static OPENED: std::sync::Mutex<Vec<String>> = std::sync::Mutex::new(Vec::new());

fn record_opened(url: &str) -> Result<(), String> {
    OPENED
        .lock()
        .map_err(|e| e.to_string())?
        .push(url.to_owned());
    Ok(())
}

fn app() -> App {
    app_with(options(), false)
}

/// The load problems as `file:line:col: …` lines.
fn problem_lines(app: &App) -> Vec<String> {
    app.world()
        .resource::<LoadProblems>()
        .0
        .0
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn run_until(app: &mut App, frames: usize, done: impl Fn(&App) -> bool) {
    headless::run_until(app, frames, done);
}

fn window(app: &mut App) -> Entity {
    headless::window(app).expect("a primary window")
}

/// Where a world point is in the window, in logical pixels.
fn screen_pos(app: &mut App, world: Vec2) -> Vec2 {
    headless::screen_pos(app, world).expect("on screen")
}

fn component_center(app: &mut App, id: &str) -> Vec2 {
    headless::component_pos(app, id).expect("component on screen")
}

fn click_at(app: &mut App, pos: Vec2) {
    headless::click(app, pos);
}

/// Presses and releases a key, as the window would report it.
fn press_key(app: &mut App, key_code: KeyCode, logical_key: bevy::input::keyboard::Key) {
    use bevy::input::ButtonState;
    use bevy::input::keyboard::KeyboardInput;
    let window = window(app);
    for state in [ButtonState::Pressed, ButtonState::Released] {
        let input = KeyboardInput {
            key_code,
            logical_key: logical_key.clone(),
            state,
            text: None,
            repeat: false,
            window,
        };
        app.world_mut().write_message(input.clone());
        app.world_mut()
            .write_message(bevy::window::WindowEvent::KeyboardInput(input));
        app.update();
    }
}

fn selected(app: &App) -> Option<Target> {
    app.world().resource::<Selection>().target.clone()
}

fn comp(id: &str) -> Option<Target> {
    Some(Target::Component(ComponentId::new(id)))
}

#[test]
fn loading_spawns_one_entity_per_component_and_link() {
    let mut app = app();
    let model = app.world().resource::<LoadedModel>().clone();
    let mut q = app.world_mut().query::<&DiagramEntity>();
    let entities: Vec<Target> = q.iter(app.world()).map(|d| d.target.clone()).collect();
    let comps = entities
        .iter()
        .filter(|t| matches!(t, Target::Component(_)))
        .count();
    let links = entities
        .iter()
        .filter(|t| matches!(t, Target::Link(_)))
        .count();
    assert_eq!(comps, model.diagram.components().len());
    assert_eq!(links, model.diagram.links().len());
    assert!(comps >= 40 && links >= 10);
}

#[test]
fn clicking_a_component_selects_it_and_its_writeup() {
    let mut app = app();
    let pos = component_center(&mut app, "a-raft");
    click_at(&mut app, pos);
    assert_eq!(selected(&app), comp("a-raft"));
    let model = app.world().resource::<LoadedModel>().clone();
    let slug = model
        .diagram
        .writeup_of(&Target::Component(ComponentId::new("a-raft")))
        .cloned();
    assert_eq!(slug, Some(WriteupSlug::new("raft-protocol")));
}

#[test]
fn clicking_a_nested_box_selects_the_innermost_one() {
    let mut app = app();
    // The kernel's own header area selects the kernel, its child selects the child.
    let kernel = app
        .world()
        .resource::<LoadedModel>()
        .diagram
        .component("b-kernel")
        .expect("kernel")
        .rect;
    let header = screen_pos(
        &mut app,
        Vec2::new(kernel.x + kernel.w / 2.0, -(kernel.y + 12.0)),
    );
    click_at(&mut app, header);
    assert_eq!(selected(&app), comp("b-kernel"));
    let pos = component_center(&mut app, "b-sockets");
    click_at(&mut app, pos);
    assert_eq!(selected(&app), comp("b-sockets"));
}

#[test]
fn clicking_the_cable_selects_it() {
    let mut app = app();
    let model = app.world().resource::<LoadedModel>().clone();
    let cable = model.diagram.link("cable").expect("cable");
    // Middle of the cable's bottom run, between the two computers.
    let (a, b) = (cable.path[1], cable.path[2]);
    let pos = screen_pos(&mut app, Vec2::new((a.x + b.x) / 2.0, -(a.y + b.y) / 2.0));
    click_at(&mut app, pos);
    assert_eq!(selected(&app), Some(Target::Link(LinkId::new("cable"))));
}

#[test]
fn clicking_empty_canvas_and_escape_clear_the_selection() {
    let mut app = app();
    let pos = component_center(&mut app, "a-gc");
    click_at(&mut app, pos);
    assert_eq!(selected(&app), comp("a-gc"));
    // Between the two computers, above the cross links: empty canvas.
    let empty = screen_pos(&mut app, Vec2::new(850.0, -20.0));
    click_at(&mut app, empty);
    assert_eq!(selected(&app), None);

    click_at(&mut app, pos);
    press_key(
        &mut app,
        KeyCode::Escape,
        bevy::input::keyboard::Key::Escape,
    );
    assert_eq!(selected(&app), None);
}

#[test]
fn related_topic_moves_the_selection_near_the_current_one() {
    let mut app = app();
    let pos = component_center(&mut app, "b-raft");
    click_at(&mut app, pos);
    app.world_mut()
        .write_message(Intent::ShowTopic(WriteupSlug::new("leader-election")));
    app.update();
    // The leader-election box on the same computer, not the one on computer A.
    assert_eq!(selected(&app), comp("b-election"));
}

#[test]
fn escape_closes_the_reader_before_clearing_the_selection() {
    let mut app = app();
    let pos = component_center(&mut app, "a-disk");
    click_at(&mut app, pos);
    app.world_mut()
        .write_message(Intent::OpenWriteup(WriteupSlug::new("storage-durability")));
    app.update();
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(WriteupSlug::new("storage-durability"))
    );
    for expected_selection in [comp("a-disk"), None] {
        press_key(
            &mut app,
            KeyCode::Escape,
            bevy::input::keyboard::Key::Escape,
        );
        assert_eq!(app.world().resource::<Reader>().open, None);
        assert_eq!(selected(&app), expected_selection);
    }
}

#[test]
fn writeup_links_open_in_app_and_unsafe_schemes_are_refused() {
    let mut app = app();
    app.world_mut()
        .write_message(Intent::FollowLink("#/writeup/gossip-protocol".into()));
    app.update();
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(WriteupSlug::new("gossip-protocol"))
    );
    assert_eq!(selected(&app), comp("a-gossip"));

    for bad in [
        "javascript:alert(1)",
        "file:///etc/passwd",
        "data:text/html,hi",
    ] {
        app.world_mut()
            .write_message(Intent::FollowLink(bad.into()));
        app.update();
        let notice = app
            .world()
            .resource::<autochitect::Notice>()
            .text
            .clone()
            .unwrap_or_default();
        assert!(notice.starts_with("Not opened"), "{bad}: {notice}");
    }
    app.world_mut()
        .write_message(Intent::FollowLink("https://raft.github.io/".into()));
    app.update();
    assert!(
        OPENED
            .lock()
            .expect("lock")
            .contains(&"https://raft.github.io/".to_string())
    );
}

#[test]
fn launch_options_select_and_open() {
    let mut app = app_with(
        LaunchOptions {
            select: Some("cable".into()),
            writeup: Some("osi-model".into()),
            ..options()
        },
        false,
    );
    app.update();
    assert_eq!(selected(&app), Some(Target::Link(LinkId::new("cable"))));
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(WriteupSlug::new("osi-model"))
    );
}

#[test]
fn a_broken_diagram_reports_positions_instead_of_loading() {
    let dir = std::env::temp_dir().join(format!("autochitect-app-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    std::fs::write(dir.join("bad.ron"), "(\n  title: \"Bad\",\n  components: [(id: \"x\", label: \"\", kind: Os, at: (0, 0), size: (1, 1))],\n)\n").expect("write");
    let app = app_with(
        LaunchOptions {
            diagram_dir: dir.display().to_string(),
            diagram_file: "bad.ron".into(),
            ..options()
        },
        false,
    );
    assert!(app.world().get_resource::<LoadedModel>().is_none());
    let problems: Vec<String> = problem_lines(&app);
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].ends_with("bad.ron:3:33: error: component `x` has an empty label"),
        "{problems:?}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_click_over_a_panel_selects_nothing_beneath_it() {
    let mut app = app_with(options(), true);
    for _ in 0..3 {
        app.update();
    }
    // Select something on the right-hand computer so the summary panel opens on the right.
    let pos = component_center(&mut app, "b-sockets");
    click_at(&mut app, pos);
    assert_eq!(selected(&app), comp("b-sockets"));
    for _ in 0..3 {
        app.update();
    }
    let insets = *app.world().resource::<autochitect::UiInsets>();
    assert!(
        insets.right > 200.0,
        "the summary panel is open: {insets:?}"
    );
    // Click inside the panel, at a point where a component is drawn beneath it.
    let win = window(&mut app);
    let width = app.world().get::<Window>(win).expect("window").width();
    let under_panel = Vec2::new(width - insets.right / 2.0, 300.0);
    click_at(&mut app, under_panel);
    assert_eq!(selected(&app), comp("b-sockets"));
    // With the top bar shifting the canvas down, a click still lands on the box drawn under the
    // pointer (a-raft is short: an offset of the bar's height would hit its neighbour).
    assert!(insets.top > 20.0);
    let raft = component_center(&mut app, "a-raft");
    click_at(&mut app, raft);
    assert_eq!(selected(&app), comp("a-raft"));
}

/// A private copy of the default diagram, so a test can edit it.
fn editable_copy(name: &str) -> (std::path::PathBuf, LaunchOptions) {
    let dir = std::env::temp_dir().join(format!("autochitect-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("dir");
    let text =
        std::fs::read_to_string(crate::repo().join("diagrams/two-computers.ron")).expect("diagram");
    std::fs::write(dir.join("two-computers.ron"), text).expect("copy");
    let options = LaunchOptions {
        diagram_dir: dir.display().to_string(),
        ..options()
    };
    (dir, options)
}

/// Edits the file, reports the change as the watcher would, and runs frames until it lands.
fn edit_and_reload(app: &mut App, file: &std::path::Path, edit: impl Fn(&str) -> String) {
    let before = app.world().resource::<LoadedModel>().generation;
    let problems_before = app.world().resource::<LoadProblems>().0.clone();
    let text = std::fs::read_to_string(file).expect("read");
    std::fs::write(file, edit(&text)).expect("write");
    app.world_mut()
        .write_message(autochitect::FileChanged(file.to_path_buf()));
    run_until(app, 2000, |app| {
        let w = app.world();
        w.resource::<LoadedModel>().generation != before
            || w.resource::<LoadProblems>().0 != problems_before
    });
    app.update();
}

#[test]
fn reloading_a_changed_diagram_keeps_the_selection_and_the_camera() {
    let (dir, options) = editable_copy("reload");
    let mut app = app_with(options, false);
    let pos = component_center(&mut app, "b-raft");
    click_at(&mut app, pos);
    app.world_mut()
        .resource_mut::<autochitect::CameraView>()
        .scale *= 0.5;
    app.update();
    let view = *app.world().resource::<autochitect::CameraView>();

    let file = dir.join("two-computers.ron");
    edit_and_reload(&mut app, &file, |t| {
        t.replacen("label: \"Raft consensus\"", "label: \"Raft (edited)\"", 1)
    });

    let model = app.world().resource::<LoadedModel>().clone();
    assert_eq!(model.generation, 2);
    assert_eq!(
        model.diagram.component("a-raft").map(|c| c.label.as_str()),
        Some("Raft (edited)")
    );
    assert_eq!(selected(&app), comp("b-raft"));
    assert_eq!(*app.world().resource::<autochitect::CameraView>(), view);
    // The scene was rebuilt from the new model.
    let mut labels = app.world_mut().query::<&autochitect::CanvasLabel>();
    assert!(labels.iter(app.world()).any(|t| t.text == "Raft (edited)"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_broken_save_keeps_the_last_good_diagram_and_shows_every_error() {
    let (dir, options) = editable_copy("broken-reload");
    let mut app = app_with(options, false);
    let file = dir.join("two-computers.ron");
    edit_and_reload(&mut app, &file, |t| {
        t.replacen("parent: \"a-db\"", "parent: \"a-nowhere\"", 1)
            .replacen("label: \"Network card\"", "label: \"\"", 1)
    });
    let problems: Vec<String> = problem_lines(&app);
    assert_eq!(problems.len(), 2, "{problems:#?}");
    assert!(
        problems
            .iter()
            .all(|p| p.starts_with(&format!("{}:", file.display()))),
        "{problems:#?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("unknown parent `a-nowhere`"))
    );
    assert!(problems.iter().any(|p| p.contains("empty label")));
    // The last good model is still on screen.
    assert_eq!(app.world().resource::<LoadedModel>().generation, 1);
    let mut q = app.world_mut().query::<&DiagramEntity>();
    assert!(q.iter(app.world()).count() > 40);

    // Fixing the file clears the errors.
    edit_and_reload(&mut app, &file, |t| {
        t.replacen("parent: \"a-nowhere\"", "parent: \"a-db\"", 1)
            .replacen("label: \"\"", "label: \"Network card\"", 1)
    });
    assert!(app.world().resource::<LoadProblems>().0.0.is_empty());
    assert_eq!(app.world().resource::<LoadedModel>().generation, 2);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_picker_lists_the_diagrams_and_opens_another_one() {
    let mut app = app();
    run_until(&mut app, 200, |app| {
        app.world()
            .resource::<autochitect::DiagramChoices>()
            .0
            .len()
            == 3
    });
    let choices = app
        .world()
        .resource::<autochitect::DiagramChoices>()
        .0
        .clone();
    let titles: Vec<&str> = choices.iter().map(|(_, t)| t.as_str()).collect();
    assert_eq!(
        titles,
        [
            "Two computers and a cable",
            "A three-node Raft cluster",
            "One computer, close up: the write path"
        ]
    );
    let pos = component_center(&mut app, "a-raft");
    click_at(&mut app, pos);
    let view_before = *app.world().resource::<autochitect::CameraView>();

    app.world_mut()
        .write_message(Intent::OpenDiagram("raft-cluster.ron".into()));
    run_until(&mut app, 2000, |app| {
        app.world().resource::<LoadedModel>().diagram_file == "raft-cluster.ron"
    });
    app.update();
    let model = app.world().resource::<LoadedModel>().clone();
    assert_eq!(model.diagram.title, "A three-node Raft cluster");
    assert_eq!(selected(&app), None);
    assert_ne!(
        *app.world().resource::<autochitect::CameraView>(),
        view_before,
        "a new diagram is framed anew"
    );
    let mut q = app.world_mut().query::<&DiagramEntity>();
    assert_eq!(
        q.iter(app.world()).count(),
        model.diagram.components().len() + model.diagram.links().len()
    );
    let s1 = component_center(&mut app, "s1-raft");
    click_at(&mut app, s1);
    assert_eq!(selected(&app), comp("s1-raft"));
}

fn tour_step(app: &App) -> Option<(String, usize)> {
    let t = app.world().resource::<autochitect::tour::TourState>();
    t.tour.clone().map(|n| (n, t.step))
}

fn run_frames(app: &mut App, n: usize) {
    for _ in 0..n {
        app.update();
    }
}

#[test]
fn a_tour_frames_each_step_and_moves_forward_and_back() {
    let mut app = app();
    app.world_mut()
        .resource_mut::<autochitect::tour::Motion>()
        .reduced = true;
    app.world_mut()
        .write_message(Intent::StartTour("http-request".into(), 0));
    run_frames(&mut app, 2);
    assert_eq!(tour_step(&app), Some(("http-request".into(), 0)));
    assert_eq!(selected(&app), comp("a-http"));
    let emphasis = app.world().resource::<autochitect::Emphasis>().tour.clone();
    assert_eq!(
        emphasis,
        Some(vec![Target::Component(ComponentId::new("a-http"))])
    );
    // The camera frames the focus (checked against the cable further down).
    let scale_step1 = app.world().resource::<autochitect::CameraView>().scale;

    app.world_mut().write_message(Intent::NextStep);
    run_frames(&mut app, 2);
    assert_eq!(tour_step(&app), Some(("http-request".into(), 1)));
    assert_eq!(
        selected(&app),
        Some(Target::Link(LinkId::new("a-syscalls")))
    );
    // With reduced motion the packet sits at the end of its path, carrying the last label.
    run_frames(&mut app, 2);
    let mut texts = app.world_mut().query::<&autochitect::CanvasLabel>();
    assert!(
        texts
            .iter(app.world())
            .any(|t| t.text == "bytes in the send buffer")
    );

    for _ in 0..3 {
        app.world_mut().write_message(Intent::NextStep);
        run_frames(&mut app, 2);
    }
    assert_eq!(tour_step(&app).map(|t| t.1), Some(4));
    assert_eq!(selected(&app), Some(Target::Link(LinkId::new("cable"))));
    let view = *app.world().resource::<autochitect::CameraView>();
    let cable_center = {
        let m = app.world().resource::<LoadedModel>();
        let b = autochitect::model::focus_bounds(&m.diagram, &[Target::Link(LinkId::new("cable"))])
            .expect("bounds");
        Vec2::new(b.x + b.w / 2.0, -(b.y + b.h / 2.0))
    };
    assert!(
        view.center.distance(cable_center) < 1.0,
        "the camera is centred on the cable: {view:?}"
    );

    app.world_mut().write_message(Intent::PrevStep);
    run_frames(&mut app, 2);
    assert_eq!(tour_step(&app).map(|t| t.1), Some(3));
    app.world_mut().write_message(Intent::RestartTour);
    run_frames(&mut app, 2);
    assert_eq!(tour_step(&app).map(|t| t.1), Some(0));
    assert_eq!(
        app.world().resource::<autochitect::CameraView>().scale,
        scale_step1
    );
    app.world_mut().write_message(Intent::EndTour);
    run_frames(&mut app, 2);
    assert_eq!(tour_step(&app), None);
    assert_eq!(app.world().resource::<autochitect::Emphasis>().tour, None);
}

#[test]
fn a_tour_step_past_either_end_stays_put() {
    let mut app = app();
    app.world_mut()
        .write_message(Intent::StartTour("leader-election".into(), 0));
    run_frames(&mut app, 2);
    app.world_mut().write_message(Intent::PrevStep);
    run_frames(&mut app, 2);
    assert_eq!(tour_step(&app).map(|t| t.1), Some(0));
    let n = app
        .world()
        .resource::<LoadedModel>()
        .tours
        .iter()
        .find(|t| t.name == "leader-election")
        .map(|t| t.steps.len())
        .expect("tour");
    for _ in 0..n + 3 {
        app.world_mut().write_message(Intent::NextStep);
        run_frames(&mut app, 1);
    }
    assert_eq!(tour_step(&app).map(|t| t.1), Some(n - 1));
}

#[test]
fn presenter_mode_drives_the_tour_with_clicker_keys() {
    use autochitect::presenter::{ClickerAction, clicker_action};
    use bevy::input::keyboard::Key;
    assert_eq!(clicker_action(KeyCode::PageDown), Some(ClickerAction::Next));
    assert_eq!(
        clicker_action(KeyCode::PageUp),
        Some(ClickerAction::Previous)
    );
    assert_eq!(
        clicker_action(KeyCode::ArrowRight),
        Some(ClickerAction::Next)
    );
    assert_eq!(
        clicker_action(KeyCode::Backspace),
        Some(ClickerAction::Previous)
    );
    assert_eq!(clicker_action(KeyCode::Space), Some(ClickerAction::Next));
    assert_eq!(clicker_action(KeyCode::KeyB), Some(ClickerAction::Blank));

    let mut app = app_with(
        LaunchOptions {
            present: true,
            tour: Some("durable-write".into()),
            step: Some(2),
            ..options()
        },
        false,
    );
    run_frames(&mut app, 3);
    assert!(
        app.world()
            .resource::<autochitect::presenter::Presenter>()
            .on
    );
    assert_eq!(tour_step(&app), Some(("durable-write".into(), 1)));
    press_key(&mut app, KeyCode::PageDown, Key::PageDown);
    assert_eq!(tour_step(&app).map(|t| t.1), Some(2));
    press_key(&mut app, KeyCode::Space, Key::Space);
    assert_eq!(tour_step(&app).map(|t| t.1), Some(3));
    press_key(&mut app, KeyCode::PageUp, Key::PageUp);
    assert_eq!(tour_step(&app).map(|t| t.1), Some(2));
    press_key(&mut app, KeyCode::KeyB, Key::Character("b".into()));
    assert!(
        app.world()
            .resource::<autochitect::presenter::Presenter>()
            .blank
    );
    press_key(&mut app, KeyCode::Escape, Key::Escape);
    let p = app
        .world()
        .resource::<autochitect::presenter::Presenter>()
        .clone();
    assert!(p.on && !p.blank, "Esc un-blanks first");
    press_key(&mut app, KeyCode::Escape, Key::Escape);
    assert!(
        !app.world()
            .resource::<autochitect::presenter::Presenter>()
            .on
    );
    // Out of presenter mode, the arrows navigate the diagram again instead of the tour.
    assert_eq!(tour_step(&app).map(|t| t.1), Some(2));
}

#[test]
fn keyboard_navigation_tabs_in_reading_order_and_arrows_follow_links() {
    use bevy::input::keyboard::Key;
    let mut app = app();
    press_key(&mut app, KeyCode::Tab, Key::Tab);
    assert_eq!(selected(&app), comp("computer-a"));
    press_key(&mut app, KeyCode::Tab, Key::Tab);
    assert_eq!(selected(&app), comp("a-app"));

    let pos = component_center(&mut app, "a-http");
    click_at(&mut app, pos);
    press_key(&mut app, KeyCode::ArrowDown, Key::ArrowDown);
    assert_eq!(
        selected(&app),
        comp("a-sockets"),
        "down from the HTTP server follows send()/recv()"
    );
    press_key(&mut app, KeyCode::ArrowRight, Key::ArrowRight);
    assert_eq!(selected(&app), comp("a-tcpip"));
    press_key(&mut app, KeyCode::ArrowDown, Key::ArrowDown);
    assert_eq!(selected(&app), comp("a-nic"));
    press_key(&mut app, KeyCode::ArrowRight, Key::ArrowRight);
    assert_eq!(
        selected(&app),
        comp("b-nic"),
        "right from A's card follows the cable"
    );
    press_key(&mut app, KeyCode::Enter, Key::Enter);
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(WriteupSlug::new("osi-model"))
    );
    press_key(&mut app, KeyCode::Escape, Key::Escape);
    assert_eq!(app.world().resource::<Reader>().open, None);
    assert_eq!(selected(&app), comp("b-nic"));
}

/// A copy of the write-ups, so a test can break them.
fn editable_writeups(name: &str) -> (std::path::PathBuf, LaunchOptions) {
    let dir = std::env::temp_dir().join(format!("autochitect-{name}-{}", std::process::id()));
    let writeups = dir.join("writeups");
    std::fs::create_dir_all(&writeups).expect("dir");
    for e in std::fs::read_dir(crate::repo().join("assets/writeups")).expect("writeups") {
        let p = e.expect("entry").path();
        std::fs::copy(&p, writeups.join(p.file_name().expect("name"))).expect("copy");
    }
    std::fs::create_dir_all(dir.join("fonts")).expect("fonts");
    let options = LaunchOptions {
        asset_root: dir.display().to_string(),
        ..options()
    };
    (dir, options)
}

#[test]
fn a_missing_writeup_leaves_the_panel_working_with_a_note() {
    let (dir, options) = editable_writeups("missing-writeup");
    std::fs::remove_file(dir.join("writeups/gossip-protocol.md")).expect("remove");
    let mut app = app_with(options, false);
    let model = app
        .world()
        .get_resource::<LoadedModel>()
        .cloned()
        .expect("the diagram still loads");
    assert!(model.writeups.get_str("gossip-protocol").is_none());
    assert!(model.writeups.get_str("raft-protocol").is_some());
    let notice = app
        .world()
        .resource::<autochitect::Notice>()
        .text
        .clone()
        .unwrap_or_default();
    assert!(
        notice.contains("gossip-protocol") && notice.contains("missing"),
        "{notice}"
    );
    // Selecting the part whose write-up is missing works; opening it explains instead.
    let pos = component_center(&mut app, "a-gossip");
    click_at(&mut app, pos);
    assert_eq!(selected(&app), comp("a-gossip"));
    app.world_mut()
        .write_message(Intent::OpenWriteup(WriteupSlug::new("gossip-protocol")));
    app.update();
    assert_eq!(app.world().resource::<Reader>().open, None);
    let notice = app
        .world()
        .resource::<autochitect::Notice>()
        .text
        .clone()
        .unwrap_or_default();
    assert!(notice.contains("is missing"), "{notice}");
    // `check` calls it an error.
    let report = autochitect::check::check_paths(
        &crate::repo(),
        &[dir.join("writeups").display().to_string()],
    );
    assert!(report.diagnostics.has_errors());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_rewritten_truncated_deleted_and_replaced_settles_on_its_final_state() {
    let (dir, options) = editable_copy("churn");
    let mut app = app_with(options, false);
    let file = dir.join("two-computers.ron");
    let good = std::fs::read_to_string(&file).expect("read");
    let changed = |app: &mut App| {
        app.world_mut()
            .write_message(autochitect::FileChanged(file.clone()));
        app.update();
    };
    // Rewritten many times a second, half of them truncated mid-save.
    for i in 0..40 {
        let text = if i % 2 == 0 {
            good[..good.len() * i / 40].to_string()
        } else {
            good.replacen("Raft consensus", &format!("Raft {i}"), 1)
        };
        std::fs::write(&file, text).expect("write");
        changed(&mut app);
    }
    // Deleted, then replaced by a directory.
    std::fs::remove_file(&file).expect("delete");
    changed(&mut app);
    std::fs::create_dir(&file).expect("dir in its place");
    changed(&mut app);
    for _ in 0..50 {
        app.update();
    }
    assert!(
        app.world().get_resource::<LoadedModel>().is_some(),
        "the last good diagram stays"
    );
    // Restored with a final edit: the app settles on exactly that.
    std::fs::remove_dir(&file).expect("remove dir");
    std::fs::write(&file, good.replacen("Raft consensus", "Raft (final)", 1)).expect("write");
    for _ in 0..2000 {
        changed(&mut app);
        let m = app.world().resource::<LoadedModel>();
        if m.diagram
            .component("a-raft")
            .is_some_and(|c| c.label == "Raft (final)")
            && app.world().resource::<LoadProblems>().0.0.is_empty()
        {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
    let m = app.world().resource::<LoadedModel>().clone();
    assert_eq!(
        m.diagram.component("a-raft").map(|c| c.label.as_str()),
        Some("Raft (final)")
    );
    assert!(app.world().resource::<LoadProblems>().0.0.is_empty());
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn labels_are_drawn_only_when_on_screen_and_big_enough_to_read() {
    let mut app = app_with(options(), true);
    run_frames(&mut app, 3);
    let parts = {
        let m = app.world().resource::<LoadedModel>();
        m.diagram.components().len() + m.diagram.links().len()
    };
    let drawn = |app: &App| app.world().resource::<autochitect::LabelsDrawn>().0;
    // Fitted, every component and link is readable and on screen.
    assert_eq!(drawn(&app), parts);

    // Zoomed far out, the text would be a few pixels tall: none is laid out.
    let fitted = *app.world().resource::<autochitect::CameraView>();
    app.world_mut()
        .resource_mut::<autochitect::CameraView>()
        .scale = fitted.scale * 8.0;
    run_frames(&mut app, 2);
    assert_eq!(drawn(&app), 0);

    // Zoomed in on one box, only the labels around it are drawn.
    let raft = {
        let m = app.world().resource::<LoadedModel>();
        let c = m.diagram.component("a-raft").expect("a-raft");
        Vec2::new(c.rect.x + c.rect.w / 2.0, -(c.rect.y + c.rect.h / 2.0))
    };
    *app.world_mut().resource_mut::<autochitect::CameraView>() = autochitect::CameraView {
        center: raft,
        scale: fitted.scale / 4.0,
    };
    run_frames(&mut app, 2);
    let near = drawn(&app);
    assert!(near > 0 && near < parts / 2, "{near} of {parts}");
}
