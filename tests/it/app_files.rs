//! Files in the running app: loading, broken files, live reload (through the real file
//! watcher too), the diagram picker, and write-ups that go missing.

use autochitect::app::state::{
    CameraView, CanvasFigure, DiagramChoices, DiagramEntity, FileChanged, HandedFiles, Intent,
    LabFiles, LaunchOptions, LoadProblems, LoadedModel, Notice, Reader, Shown, TourState,
};
use autochitect::model::WriteupSlug;
use bevy::prelude::*;

use autochitect::app::headless;

use crate::support::*;

/// The files the site's page carries and hands to the app, under the addresses the tests' app
/// gives them (its asset sources are the repository's folders).
fn page_files(test: &str) -> std::collections::BTreeMap<String, String> {
    // A folder of its own per test: tests run at once.
    let dir = TempDir::new(test);
    autochitect::tools::site::write_site(&repo(), &dir.0).expect("site");
    let page = std::fs::read_to_string(dir.join("index.html")).expect("index.html");
    first_carried(&page)
        .into_iter()
        .map(|(address, text)| (repo().join(&address).display().to_string(), text))
        .collect()
}

/// The web page carries the first files and hands them over: with them, the diagram is in on the app's first frame (through the asset system it takes several:
/// the write-ups' metadata are asked for once the index is in).
#[test]
fn the_files_the_page_hands_over_make_the_diagram_on_the_first_frame() {
    let mut app = app_loading(options(), false);
    app.insert_resource(HandedFiles(page_files("handed-first-frame")));
    app.update();
    let loaded = app.world().get_resource::<LoadedModel>();
    assert!(loaded.is_some(), "the model is in after one frame");
    let loaded = model(&app);
    assert_eq!(
        loaded.diagram.components().len(),
        default_diagram().components().len()
    );
    assert_eq!(loaded.writeups.len(), catalog().len());
    assert!(
        app.world().resource::<HandedFiles>().0.is_empty(),
        "each handed file is taken"
    );
    // The bodies still come from the files, and the model is made once.
    headless::settle(&mut app);
    assert_eq!(model(&app).generation, 1);
    assert!(problem_lines(&app).is_empty());

    // Without them, one frame is not enough.
    let mut plain = app_loading(options(), false);
    plain.update();
    assert!(plain.world().get_resource::<LoadedModel>().is_none());
}

/// With the files in on the first frame, the diagram is framed again once the panels have been
/// laid out, as the page frames its figure: fitted to the room below the top bar, with the
/// summary (open from a link) over it; the app is shown only then, and the view stays.
#[test]
fn the_diagram_is_framed_as_the_page_frames_it_before_the_app_is_shown() {
    let mut app = app_loading(
        LaunchOptions {
            launch: autochitect::model::Launch {
                select: Some("b-gc".into()),
                ..Default::default()
            },
            ..options()
        },
        true,
    );
    app.insert_resource(HandedFiles(page_files("handed-framing")));
    app.update();
    assert!(app.world().get_resource::<LoadedModel>().is_some());
    assert!(
        !app.world().resource::<Shown>().0,
        "not shown on the first frame"
    );
    run_until(&mut app, 10, |app| app.world().resource::<Shown>().0);
    let insets = *app.world().resource::<autochitect::app::state::UiInsets>();
    assert!(
        insets.top > 20.0 && insets.right > 100.0,
        "the top bar and the summary are measured ({insets:?})"
    );
    // The diagram's middle where the page draws it: the middle of the room below the bar.
    let window = window_size(&mut app);
    let bounds = autochitect::app::state::space::world_rect(model(&app).diagram.bounds());
    let middle = screen_pos(&mut app, bounds.center());
    let room = Vec2::new(window.x / 2.0, insets.top + (window.y - insets.top) / 2.0);
    assert!(
        middle.distance(room) < 1.0,
        "the diagram's middle is drawn at {middle:?}, the room's is {room:?}"
    );
    let view = *app.world().resource::<CameraView>();
    run_frames(&mut app, 5);
    assert_eq!(*app.world().resource::<CameraView>(), view, "and stays");
}

/// What waits for the diagram to be shown: the write-ups' text, the lab's scenarios and the
/// picker's other diagrams are asked for only once the app is shown, so its first frames do only
/// what the diagram needs; then all of them come in.
#[test]
fn the_texts_labs_and_other_diagrams_wait_until_the_diagram_is_shown() {
    let mut app = app_loading(options(), true);
    app.insert_resource(HandedFiles(page_files("handed-deferred")));
    let unread = |app: &App| {
        let writeups = &model(app).writeups;
        writeups
            .slugs()
            .iter()
            .filter(|s| {
                writeups
                    .get(s)
                    .is_some_and(|w| matches!(w.body, autochitect::model::Body::Pending))
            })
            .count()
    };
    app.update();
    assert!(!app.world().resource::<Shown>().0, "not shown yet");
    assert_eq!(unread(&app), catalog().len(), "no write-up's text is read");
    assert!(
        !app.world().resource::<LabFiles>().listed,
        "the lab's scenarios are not listed"
    );
    assert!(
        app.world().resource::<DiagramChoices>().0.is_empty(),
        "the picker's diagrams are not read"
    );

    run_until(&mut app, 10, |app| app.world().resource::<Shown>().0);
    headless::settle(&mut app);
    assert_eq!(unread(&app), 0, "every write-up's text is in once shown");
    // Every scenario the index lists, each with the title its file gives, however the files
    // and the write-ups' texts arrived around them.
    let index = std::fs::read_to_string(repo().join("diagrams/labs/index.ron")).expect("index");
    let listed = autochitect::model::parse_diagram_index("labs/index.ron", &index).expect("index");
    let labs = app.world().resource::<LabFiles>();
    assert!(labs.listed, "the lab's scenarios are listed");
    assert_eq!(labs.files.len(), listed.len());
    for (file, name) in labs.files.iter().zip(&listed) {
        let text = std::fs::read_to_string(repo().join("diagrams/labs").join(name)).expect("lab");
        let stem = name.trim_end_matches(".ron");
        let head = autochitect::lab::any::parse_any_in(name, stem, &text, &mut |_| Ok(None))
            .expect("the scenario reads");
        assert_eq!(file.name, stem);
        assert_eq!(file.title.as_deref(), Some(head.title()), "{name}'s title");
    }
    assert!(
        app.world().resource::<DiagramChoices>().0.len() > 1,
        "the picker lists the diagrams"
    );
}

/// A file the page does not carry is not handed over: the app asks for it itself.
#[test]
fn a_file_the_page_did_not_hand_over_is_requested() {
    // Only the write-up index handed over: the diagram, its tours and the metadata are read.
    let index = repo().join("assets/writeups/index.ron");
    let text = std::fs::read_to_string(&index).expect("index");
    let mut app = app_loading(options(), false);
    app.insert_resource(HandedFiles([(index.display().to_string(), text)].into()));
    headless::settle(&mut app);
    let loaded = model(&app);
    assert_eq!(
        loaded.diagram.components().len(),
        default_diagram().components().len()
    );
    assert_eq!(loaded.writeups.len(), catalog().len());
    assert!(!loaded.tours.is_empty(), "the tours were read");
    assert!(problem_lines(&app).is_empty());
}

#[test]
fn a_broken_diagram_reports_positions_instead_of_loading() {
    let dir = TempDir::new("broken-diagram");
    std::fs::write(dir.join("bad.ron"), "(\n  title: \"Bad\",\n  components: [(id: \"x\", label: \"\", kind: Os, at: (0, 0), size: (1, 1))],\n)\n").expect("write");
    let app = app_with(
        LaunchOptions {
            diagram_dir: dir.0.display().to_string(),
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
}

#[test]
fn reloading_a_changed_diagram_keeps_the_selection_and_the_camera() {
    let (dir, options) = editable_diagrams("reload");
    let mut app = app_with(options, false);
    let pos = component_center(&mut app, "b-raft");
    click_at(&mut app, pos);
    app.world_mut().resource_mut::<CameraView>().scale *= 0.5;
    app.update();
    let view = *app.world().resource::<CameraView>();

    let file = dir.join("two-computers.ron");
    edit_and_reload(&mut app, &file, true, |t| {
        t.replacen("label: \"Raft consensus\"", "label: \"Raft (edited)\"", 1)
    });

    let model = model(&app);
    assert_eq!(model.generation, 2);
    assert_eq!(
        model.diagram.component("a-raft").map(|c| c.label.as_str()),
        Some("Raft (edited)")
    );
    assert_eq!(selected(&app), comp("b-raft"));
    assert_eq!(*app.world().resource::<CameraView>(), view);
    // The scene was rebuilt from the new model.
    let figure = &app.world().resource::<CanvasFigure>().0;
    assert!(figure.labels.iter().any(|l| l.text() == "Raft (edited)"));
}

#[test]
fn a_broken_save_keeps_the_last_good_diagram_and_shows_every_error() {
    let (dir, options) = editable_diagrams("broken-reload");
    let mut app = app_with(options, false);
    let file = dir.join("two-computers.ron");
    edit_and_reload(&mut app, &file, true, |t| {
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
    assert_eq!(model(&app).generation, 1);
    let parts = {
        let m = model(&app);
        m.diagram.components().len() + m.diagram.links().len()
    };
    let mut q = app.world_mut().query::<&DiagramEntity>();
    assert_eq!(q.iter(app.world()).count(), parts);

    // Fixing the file clears the errors.
    edit_and_reload(&mut app, &file, true, |t| {
        t.replacen("parent: \"a-nowhere\"", "parent: \"a-db\"", 1)
            .replacen("label: \"\"", "label: \"Network card\"", 1)
    });
    assert!(app.world().resource::<LoadProblems>().0.0.is_empty());
    assert_eq!(model(&app).generation, 2);
}

#[test]
fn saving_a_tours_file_reloads_it_through_the_file_watcher() {
    let (dir, options) = editable_diagrams("tours-watch");
    let mut app = app_with(options, false);
    let first = model(&app).tours[0].title.clone();
    let file = dir.join("tours/two-computers.ron");
    // No message is injected: the real watcher must see the save.
    let reloaded = edit_and_reload(&mut app, &file, false, |t| {
        t.replacen(
            &format!("title: \"{first}\""),
            "title: \"Edited on disk\"",
            1,
        )
    });
    assert!(reloaded, "the tours file was reloaded");
    assert_eq!(model(&app).tours[0].title, "Edited on disk");
}

#[test]
fn saving_a_diagram_reloads_it_through_the_file_watcher() {
    let (dir, options) = editable_diagrams("diagram-watch");
    let mut app = app_with(options, false);
    let file = dir.join("two-computers.ron");
    let reloaded = edit_and_reload(&mut app, &file, false, |t| {
        t.replacen("label: \"Raft consensus\"", "label: \"Raft (watched)\"", 1)
    });
    assert!(reloaded);
    assert_eq!(
        model(&app)
            .diagram
            .component("a-raft")
            .map(|c| c.label.clone()),
        Some("Raft (watched)".into())
    );
}

/// A scenario saved with a new title shows it in the Lab menu; the others keep theirs.
#[test]
fn saving_a_lab_scenario_retitles_it_in_the_lab_menu() {
    let (dir, options) = editable_diagrams("lab-watch");
    let mut app = app_with(options, false);
    let titles = |app: &App| -> Vec<(String, Option<String>)> {
        let labs = app.world().resource::<LabFiles>();
        labs.files
            .iter()
            .map(|f| (f.name.clone(), f.title.clone()))
            .collect()
    };
    let before = titles(&app);
    let ping = before
        .iter()
        .find(|(name, _)| name == "ping")
        .and_then(|(_, t)| t.clone())
        .expect("ping is listed with its title");
    let file = dir.join("labs/ping.ron");
    let text = std::fs::read_to_string(&file).expect("read");
    let edited = text.replacen(
        &format!("title: \"{ping}\""),
        "title: \"Ping, edited on disk\"",
        1,
    );
    assert_ne!(edited, text, "the test edits the title");
    std::fs::write(&file, edited).expect("write");
    // No message is injected: the real watcher must see the save.
    run_until(&mut app, 3000, |app| {
        titles(app)
            .iter()
            .any(|(n, t)| n == "ping" && t.as_deref() == Some("Ping, edited on disk"))
    });
    let after = titles(&app);
    assert_eq!(after.len(), before.len());
    for ((name, was), (_, now)) in before.iter().zip(&after) {
        let want = if name == "ping" {
            Some("Ping, edited on disk".to_owned())
        } else {
            was.clone()
        };
        assert_eq!(*now, want, "{name}");
    }
}

/// A scenario saved while its lab is open runs again as saved: one more ping, more events.
#[test]
fn saving_the_open_lab_scenario_runs_it_again() {
    let (dir, options) = editable_diagrams("open-lab-watch");
    let options = LaunchOptions {
        launch: autochitect::model::Launch {
            lab: Some("ping".into()),
            ..Default::default()
        },
        ..options
    };
    let mut app = app_with(options, false);
    let events = |app: &App| {
        app.world()
            .resource::<autochitect::app::state::LabState>()
            .run
            .as_ref()
            .map(|r| r.len())
    };
    run_until(&mut app, 400, |app| events(app).is_some());
    let (shipped, text) = shipped_scenario("ping");
    let before = events(&app).expect("the lab's run");
    assert_eq!(
        before,
        autochitect::lab::run(&shipped, shipped.seed, &[]).0.len()
    );
    let edited = text.replacen("count: 3,", "count: 4,", 1);
    assert_ne!(edited, text, "the test edits the ping count");
    let saved =
        autochitect::lab::parse_scenario("ping.ron", "ping", &edited, Some(&default_diagram()))
            .expect("the edited scenario reads");
    let after = autochitect::lab::run(&saved, saved.seed, &[]).0.len();
    assert!(after > before, "a fourth ping adds events");
    std::fs::write(dir.join("labs/ping.ron"), edited).expect("write");
    // No message is injected: the real watcher must see the save.
    run_until(&mut app, 3000, |app| events(app) == Some(after));
    assert_eq!(
        events(&app),
        Some(after),
        "the open lab runs the saved scenario"
    );
}

#[test]
fn a_tour_step_is_clamped_when_a_reload_shortens_its_tour() {
    let (dir, options) = editable_diagrams("tours-clamp");
    let mut app = app_with(options, false);
    let tour = model(&app).tours[0].clone();
    let last = tour.steps.len() - 1;
    app.world_mut()
        .write_message(Intent::StartTour(tour.name.clone(), last));
    run_frames(&mut app, 1);
    assert_eq!(app.world().resource::<TourState>().step, last);
    // Keep only the first two steps of the first tour.
    let file = dir.join("tours/two-computers.ron");
    let tours = autochitect::model::parse_tours(
        "tours.ron",
        &std::fs::read_to_string(&file).expect("read"),
        &model(&app).diagram,
        &model(&app).writeups.slugs(),
    )
    .expect("tours");
    let mut defs: Vec<autochitect::model::TourDef> = autochitect::model::ron_options()
        .from_str(&std::fs::read_to_string(&file).expect("read"))
        .expect("defs");
    defs[0].steps.truncate(2);
    assert_eq!(tours.len(), defs.len());
    let shorter =
        ron::ser::to_string_pretty(&defs, ron::ser::PrettyConfig::default()).expect("serialise");
    edit_and_reload(&mut app, &file, true, |_| shorter.clone());
    let state = app.world().resource::<TourState>().clone();
    assert_eq!(state.tour.as_deref(), Some(tour.name.as_str()));
    assert_eq!(state.step, 1, "clamped to the new last step");
}

#[test]
fn the_picker_lists_the_diagrams_and_opens_another_one() {
    let mut app = app();
    let listed = autochitect::model::parse_diagram_index(
        "index.ron",
        &std::fs::read_to_string(repo().join("diagrams/index.ron")).expect("index"),
    )
    .expect("index");
    run_until(&mut app, 200, |app| {
        app.world().resource::<DiagramChoices>().0.len() == listed.len()
    });
    let choices = app.world().resource::<DiagramChoices>().0.clone();
    let files: Vec<&str> = choices.iter().map(|(f, _)| f.as_str()).collect();
    assert_eq!(files, listed.iter().map(String::as_str).collect::<Vec<_>>());
    for (file, title) in &choices {
        assert_eq!(*title, shipped_diagram(file).title, "{file}");
    }
    let pos = component_center(&mut app, "a-raft");
    click_at(&mut app, pos);
    let view_before = *app.world().resource::<CameraView>();

    app.world_mut()
        .write_message(Intent::OpenDiagram("raft-cluster.ron".into()));
    run_until(&mut app, 2000, |app| {
        app.world().resource::<LoadedModel>().diagram_file == "raft-cluster.ron"
    });
    app.update();
    let model = model(&app);
    assert_eq!(
        model.diagram.title,
        shipped_diagram("raft-cluster.ron").title
    );
    assert_eq!(selected(&app), None);
    assert_ne!(
        *app.world().resource::<CameraView>(),
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

#[test]
fn a_missing_writeup_leaves_the_panel_working_with_a_note() {
    let (dir, options) = editable_writeups("missing-writeup");
    std::fs::remove_file(dir.join("writeups/gossip-protocol.ron")).expect("remove");
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
        .resource::<Notice>()
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
    press_key(&mut app, KeyCode::Enter);
    app.world_mut()
        .write_message(Intent::OpenWriteup(WriteupSlug::new("gossip-protocol")));
    app.update();
    assert_eq!(app.world().resource::<Reader>().open, None);
    let notice = app
        .world()
        .resource::<Notice>()
        .text
        .clone()
        .unwrap_or_default();
    assert!(notice.contains("is missing"), "{notice}");
    // `check` calls it an error.
    let report = autochitect::tools::check::check_paths(
        &repo(),
        &[dir.join("writeups").display().to_string()],
    );
    assert!(report.diagnostics.has_errors());
}

/// Whether every write-up in the model has its text.
fn bodies_in(app: &App) -> (usize, usize) {
    let model = app.world().resource::<LoadedModel>();
    let all = model.writeups.newest_first();
    let ready = all.iter().filter(|w| w.body.ready().is_some()).count();
    (ready, all.len())
}

#[test]
fn the_diagram_comes_before_the_writeups_text_which_follows_without_a_new_model() {
    let mut app = app_loading(options(), true);
    autochitect::app::headless::run_until(&mut app, 5000, |app| {
        app.world().get_resource::<LoadedModel>().is_some()
    });
    // The frame the diagram is in: its parts, summaries and tours, and no write-up text yet.
    let (ready, all) = bodies_in(&app);
    assert_eq!(
        (ready, all),
        (0, catalog().len()),
        "no text in the first model"
    );
    assert!(model(&app).diagram.components().len() > 10);
    // A write-up opened now says it is coming, then shows its text.
    app.world_mut()
        .write_message(Intent::OpenWriteup(WriteupSlug::new("raft-protocol")));
    app.update();
    autochitect::app::headless::run_until(&mut app, 5000, |app| {
        let (ready, all) = bodies_in(app);
        ready == all
    });
    run_frames(&mut app, 2);
    assert!(
        autochitect::app::headless::widget_with_role(&app, "Heading", "Raft Protocol").is_some(),
        "the text arrived in the open reader"
    );
    assert_eq!(model(&app).generation, 1, "the text joined the same model");
}

#[test]
fn saving_a_writeup_changes_its_text_in_place() {
    let (dir, options) = editable_writeups("body-watch");
    let mut app = app_with(options, true);
    let pos = component_center(&mut app, "a-raft");
    click_at(&mut app, pos);
    app.world_mut()
        .write_message(Intent::OpenWriteup(WriteupSlug::new("raft-protocol")));
    run_frames(&mut app, 3);
    let view = *app
        .world()
        .resource::<autochitect::app::state::CameraView>();
    let file = dir.join("writeups/raft-protocol.md");
    let text = std::fs::read_to_string(&file).expect("read");
    std::fs::write(&file, text.replacen("# Raft Protocol", "# Raft, edited", 1)).expect("write");
    // No message is injected: the real watcher must see the save.
    autochitect::app::headless::run_until(&mut app, 3000, |app| {
        autochitect::app::headless::widget_with_role(app, "Heading", "Raft, edited").is_some()
    });
    assert!(
        autochitect::app::headless::widget_with_role(&app, "Heading", "Raft, edited").is_some(),
        "the open reader shows the saved text"
    );
    assert_eq!(model(&app).generation, 1, "only the text was read again");
    assert_eq!(selected(&app), comp("a-raft"));
    assert_eq!(
        *app.world()
            .resource::<autochitect::app::state::CameraView>(),
        view
    );
}

#[test]
fn a_writeup_whose_text_is_missing_opens_and_says_why() {
    // The metadata is there (the summary panel works); the Markdown is not.
    let (dir, options) = editable_writeups("missing-body");
    std::fs::remove_file(dir.join("writeups/gossip-protocol.md")).expect("remove");
    let mut app = app_with(options, true);
    let notice = app
        .world()
        .resource::<Notice>()
        .text
        .clone()
        .unwrap_or_default();
    assert!(
        notice.contains("gossip-protocol.md") && notice.contains("missing"),
        "{notice}"
    );
    app.world_mut()
        .write_message(Intent::OpenWriteup(WriteupSlug::new("gossip-protocol")));
    run_frames(&mut app, 3);
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(WriteupSlug::new("gossip-protocol"))
    );
    widget(&app, "This write-up's text could not be read.");
    // The others read as ever.
    app.world_mut()
        .write_message(Intent::OpenWriteup(WriteupSlug::new("raft-protocol")));
    run_frames(&mut app, 3);
    assert!(
        autochitect::app::headless::widget_with_role(&app, "Heading", "Raft Protocol").is_some(),
        "the next write-up shows its text"
    );
    let report = autochitect::tools::check::check_paths(
        &repo(),
        &[dir.join("writeups").display().to_string()],
    );
    assert!(report.diagnostics.has_errors(), "`check` calls it an error");
}

#[test]
fn a_file_rewritten_truncated_deleted_and_replaced_settles_on_its_final_state() {
    let (dir, options) = editable_diagrams("churn");
    let mut app = app_with(options, false);
    let file = dir.join("two-computers.ron");
    let good = std::fs::read_to_string(&file).expect("read");
    let changed = |app: &mut App| {
        app.world_mut().write_message(FileChanged(file.clone()));
        app.update();
    };
    // Rewritten many times a second, half of them truncated mid-save.
    for i in 0..40 {
        let text = if i % 2 == 0 {
            good.chars().take(good.chars().count() * i / 40).collect()
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
    run_frames(&mut app, 50);
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
    let m = model(&app);
    assert_eq!(
        m.diagram.component("a-raft").map(|c| c.label.as_str()),
        Some("Raft (final)")
    );
    assert!(app.world().resource::<LoadProblems>().0.0.is_empty());
}
