//! The speaker's notes on the desktop: a second window that the clicker drives along with the
//! audience's, and that can close without stopping the talk.

use autochitect::app::speaker::{NOTES_TITLE, NotesCamera, NotesWindow};
use autochitect::app::state::{LaunchOptions, Presenter, SpeakerNotes, TourState};
use autochitect::model::Launch;
use bevy::camera::RenderTarget;
use bevy::prelude::*;
use bevy::window::WindowRef;

use crate::support::*;

/// The notes windows open now, by title, and whether a camera draws each one.
fn notes_windows(app: &mut App) -> Vec<(String, bool)> {
    let mut windows = app
        .world_mut()
        .query_filtered::<(Entity, &Window), With<NotesWindow>>();
    let found: Vec<(Entity, String)> = windows
        .iter(app.world())
        .map(|(e, w)| (e, w.title.clone()))
        .collect();
    let mut cameras = app
        .world_mut()
        .query_filtered::<&RenderTarget, With<NotesCamera>>();
    let targets: Vec<RenderTarget> = cameras.iter(app.world()).cloned().collect();
    found
        .into_iter()
        .map(|(e, title)| {
            let drawn = targets
                .iter()
                .any(|t| matches!(t, RenderTarget::Window(WindowRef::Entity(w)) if *w == e));
            (title, drawn)
        })
        .collect()
}

fn step(app: &App) -> Option<usize> {
    let t = app.world().resource::<TourState>();
    t.tour.as_ref().map(|_| t.step)
}

fn presenting_with_notes() -> App {
    let mut app = app_with(
        LaunchOptions {
            launch: Launch {
                present: true,
                notes: true,
                tour: Some("http-request".into()),
                ..Launch::default()
            },
            ..options()
        },
        true,
    );
    run_frames(&mut app, 3);
    app
}

#[test]
fn present_with_notes_opens_a_second_window_that_the_clicker_drives() {
    let mut app = presenting_with_notes();
    assert_eq!(
        notes_windows(&mut app),
        vec![(NOTES_TITLE.to_owned(), true)],
        "--present --notes opens one notes window, with a camera drawing it"
    );
    assert_eq!(step(&app), Some(0));
    // The clicker's PageDown moves the talk; the notes follow the same state.
    press_key(&mut app, KeyCode::PageDown);
    press_key(&mut app, KeyCode::PageDown);
    assert_eq!(step(&app), Some(2));
    assert_eq!(notes_windows(&mut app).len(), 1);
    press_key(&mut app, KeyCode::PageUp);
    assert_eq!(step(&app), Some(1));
}

#[test]
fn n_closes_and_reopens_the_notes_and_the_talk_goes_on() {
    let mut app = presenting_with_notes();
    press_key(&mut app, KeyCode::PageDown);
    press_key(&mut app, KeyCode::KeyN);
    run_frames(&mut app, 1);
    assert!(notes_windows(&mut app).is_empty(), "N closes the notes");
    assert!(!app.world().resource::<SpeakerNotes>().open);
    assert!(app.world().resource::<Presenter>().on, "still presenting");
    assert_eq!(step(&app), Some(1), "on the same step");
    press_key(&mut app, KeyCode::KeyN);
    run_frames(&mut app, 1);
    assert_eq!(notes_windows(&mut app).len(), 1, "N opens them again");
}

#[test]
fn closing_the_notes_window_leaves_the_talk_running() {
    let mut app = presenting_with_notes();
    press_key(&mut app, KeyCode::PageDown);
    // What the window's close button does: Bevy asks, then despawns the window.
    let window = {
        let mut q = app
            .world_mut()
            .query_filtered::<Entity, With<NotesWindow>>();
        q.single(app.world()).expect("a notes window")
    };
    app.world_mut()
        .write_message(bevy::window::WindowCloseRequested { window });
    run_frames(&mut app, 3);
    assert!(notes_windows(&mut app).is_empty());
    let mut cameras = app.world_mut().query_filtered::<(), With<NotesCamera>>();
    assert_eq!(cameras.iter(app.world()).count(), 0, "its camera goes too");
    assert!(!app.world().resource::<SpeakerNotes>().open);
    assert!(app.world().resource::<Presenter>().on);
    assert_eq!(step(&app), Some(1));
    // The audience's window still answers the clicker.
    press_key(&mut app, KeyCode::PageDown);
    assert_eq!(step(&app), Some(2));
}

#[test]
fn the_notes_do_not_open_without_asking() {
    let mut app = app_with_ui();
    assert!(notes_windows(&mut app).is_empty());
    // N means nothing while exploring.
    press_key(&mut app, KeyCode::KeyN);
    run_frames(&mut app, 1);
    assert!(notes_windows(&mut app).is_empty());
}

/// The speaker view as the web page shows it (`?speaker`): the notes fill the page.
fn speaker_view() -> App {
    let mut app = app_with(
        LaunchOptions {
            launch: Launch {
                tour: Some("http-request".into()),
                ..Launch::default()
            },
            ..options()
        },
        true,
    );
    app.world_mut().resource_mut::<SpeakerNotes>().page = true;
    run_frames(&mut app, 3);
    app
}

/// The notes' first words are on screen (their words, as the reader shows them).
fn notes_are_shown(app: &App, notes: &autochitect::model::markdown::Document) {
    let words: String = autochitect::model::markdown::plain_text(notes)
        .split_whitespace()
        .take(4)
        .collect::<Vec<_>>()
        .join(" ");
    let tree = app.world().resource::<autochitect::app::state::Widgets>();
    assert!(
        tree.nodes.iter().any(|w| w.label.contains(&words)),
        "the notes start with {words:?}"
    );
}

#[test]
fn the_speaker_view_shows_the_steps_notes_the_next_step_and_the_time() {
    let mut app = speaker_view();
    let tour = model(&app).tour("http-request").expect("tour").clone();
    let count = tour.steps.len();
    widget(&app, &format!("Step 1 of {count}"));
    widget(&app, &tour.steps[0].title);
    widget(&app, &format!("Next: {}", tour.steps[1].title));
    // The talk's clock (m:ss) and the time of day (HH:MM).
    let labels: Vec<String> = app
        .world()
        .resource::<autochitect::app::state::Widgets>()
        .nodes
        .iter()
        .map(|w| w.label.clone())
        .collect();
    let clock = |prefix: &str, sep: usize| {
        labels.iter().any(|l| {
            l.strip_prefix(prefix).is_some_and(|t| {
                t.char_indices().all(|(i, c)| {
                    if i == t.len() - 3 {
                        c == ':'
                    } else {
                        c.is_ascii_digit()
                    }
                }) && t.len() == sep
            })
        })
    };
    assert!(clock("Talk ", 4), "the talk's clock is shown: {labels:?}");
    assert!(clock("Time ", 5), "the time of day is shown: {labels:?}");
    // The first line of the step's notes is on screen (its words, as the reader shows them).
    let notes = tour.steps[0]
        .notes
        .as_ref()
        .expect("every shipped step has notes");
    notes_are_shown(&app, notes);
    // A clicker in the speaker view moves the talk; the notes follow.
    press_key(&mut app, KeyCode::PageDown);
    run_frames(&mut app, 1);
    widget(&app, &format!("Step 2 of {count}"));
    widget(&app, &format!("Next: {}", tour.steps[2].title));
    // Its Next button does the same.
    click_widget(&mut app, "Next ▶");
    assert_eq!(step(&app), Some(2));
    // The diagram's panels are not there: the speaker view is the notes.
    assert!(autochitect::app::headless::widget(&app, "Fit view").is_none());
}

#[test]
fn every_label_the_panels_show_is_drawn_by_the_bundled_font() {
    use autochitect::app::state::Intent;
    use autochitect::model::glyphs::uncovered;
    let mut seen = std::collections::BTreeSet::new();
    let mut check = |app: &App, state: &str| {
        for w in &app
            .world()
            .resource::<autochitect::app::state::Widgets>()
            .nodes
        {
            let missing = uncovered(&w.label);
            assert!(missing.is_empty(), "{state}: {:?} has {missing:?}", w.label);
            seen.insert(w.label.clone());
        }
    };
    let mut app = app_with_ui();
    check(&app, "at start");
    let raft = comp("a-raft").expect("target");
    app.world_mut().write_message(Intent::Select(raft));
    run_frames(&mut app, 2);
    check(&app, "a part selected");
    press_key(&mut app, KeyCode::Enter);
    run_frames(&mut app, 2);
    check(&app, "a write-up open");
    app.world_mut()
        .write_message(Intent::StartTour("http-request".into(), 0));
    run_frames(&mut app, 2);
    check(&app, "a tour playing");
    let app = speaker_view();
    check(&app, "the speaker view");
    assert!(seen.len() > 40, "{} labels checked", seen.len());
}

/// The speaker view is the notes alone: at a step whose packet is travelling, no label of the
/// diagram is drawn, no part is in the accessibility tree, and the diagram's camera draws nothing.
#[test]
fn the_speaker_view_shows_no_part_of_the_diagram() {
    let mut app = speaker_view();
    let tour = model(&app).tour("http-request").expect("tour").clone();
    let index = tour
        .steps
        .iter()
        .position(|s| s.packet.len() >= 2)
        .expect("a step with a packet");
    app.world_mut()
        .write_message(autochitect::app::state::Intent::StartTour(
            tour.name.clone(),
            index,
        ));
    run_frames(&mut app, 3);
    assert!(
        app.world()
            .resource::<autochitect::app::state::PacketView>()
            .0
            .is_some(),
        "the packet travels on the audience's screen"
    );
    let drawn = app
        .world()
        .resource::<autochitect::app::state::LabelsDrawn>()
        .clone();
    assert_eq!(
        drawn.count(),
        0,
        "labels drawn in the speaker view: {drawn:?}"
    );
    let widgets = app
        .world()
        .resource::<autochitect::app::state::Widgets>()
        .clone();
    let parts: Vec<&str> = widgets
        .nodes
        .iter()
        .filter(|w| w.role == "TreeItem" || w.role == "Tree")
        .map(|w| w.label.as_str())
        .collect();
    assert!(
        parts.is_empty(),
        "parts in the speaker view's tree: {parts:?}"
    );
    // Every part's label is a name that must not appear anywhere in the speaker view's tree.
    let names: Vec<String> = model(&app)
        .diagram
        .components()
        .iter()
        .map(|c| c.label.clone())
        .collect();
    let leaked: Vec<&str> = widgets
        .nodes
        .iter()
        .map(|w| w.label.as_str())
        .filter(|l| names.iter().any(|n| n == l))
        .collect();
    assert!(
        leaked.is_empty(),
        "diagram labels in the speaker view: {leaked:?}"
    );
    let mut cameras = app
        .world_mut()
        .query_filtered::<&Camera, With<autochitect::app::state::MainCamera>>();
    assert!(
        cameras.iter(app.world()).all(|c| !c.is_active),
        "the diagram's camera still draws"
    );
    widget(&app, &format!("Step {} of {}", index + 1, tour.steps.len()));
}

#[test]
fn with_a_lab_open_the_speaker_view_shows_the_phases_notes_and_steps_the_lab() {
    let mut app = speaker_view();
    let (scenario, _) = shipped_scenario("http-request");
    let (events, _) = autochitect::lab::run(&scenario, scenario.seed, &[]);
    // An event in the second phase (the handshake): the first SYN.
    let syn = events
        .iter()
        .position(|e| e.frame().is_some_and(|f| f.summary.contains("[SYN]")))
        .expect("a SYN");
    app.world_mut()
        .write_message(autochitect::app::state::Intent::OpenLab(
            "http-request".into(),
            syn,
        ));
    run_until(&mut app, 400, |a| {
        a.world()
            .resource::<autochitect::app::state::LabState>()
            .run
            .is_some()
    });
    run_frames(&mut app, 2);
    let lab = app
        .world()
        .resource::<autochitect::app::state::LabState>()
        .clone();
    let phase = lab.phase().expect("the SYN's phase");
    let p = &scenario.phases[phase];
    widget(&app, &format!("Event {} of {}", syn + 1, events.len()));
    widget(&app, &p.title);
    // The phase's notes, not the tour's: their first words are on screen.
    let notes = p.notes.as_ref().expect("the shipped phases have notes");
    let (doc, _) =
        autochitect::model::markdown::parse_document("notes", notes, &Default::default());
    notes_are_shown(&app, &doc);
    let tree = app
        .world()
        .resource::<autochitect::app::state::Widgets>()
        .clone();
    let next = &scenario.phases[phase + 1];
    assert!(
        tree.nodes.iter().any(|w| w
            .label
            .starts_with(&format!("Next: {} (event ", next.title))),
        "the next phase is named"
    );
    // The clicker in the speaker view steps the lab.
    press_key(&mut app, KeyCode::PageDown);
    run_frames(&mut app, 1);
    widget(&app, &format!("Event {} of {}", syn + 2, events.len()));
    click_widget(&mut app, "◀ Back");
    widget(&app, &format!("Event {} of {}", syn + 1, events.len()));
}
