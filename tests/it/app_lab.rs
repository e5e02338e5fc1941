//! The lab in the explorer: opening a scenario at an event (flag, deep link, menu), stepping
//! and playing with the keys, the frame's place on the diagram, the event list, and the
//! inspector's fields and bytes.

use autochitect::app::state::{
    Intent, LabDrawn, LabFrames, LabState, LaunchOptions, Preferences, current_route,
};
use autochitect::lab::decode::decode;
use autochitect::lab::view::Walk;
use autochitect::lab::{Event, Scenario};
use autochitect::model::{Launch, Route, Target};
use bevy::prelude::*;

use crate::support::*;

/// The shipped scenario, read as the lab's tools read it, and its run: what the app must show.
fn shipped(name: &str) -> (Scenario, Vec<Event>) {
    let (scenario, _) = shipped_scenario(name);
    let (events, _) = autochitect::lab::run(&scenario, scenario.seed, &[]);
    (scenario, events)
}

fn lab(app: &App) -> LabState {
    app.world().resource::<LabState>().clone()
}

fn lab_options(name: &str, event: Option<u32>) -> LaunchOptions {
    LaunchOptions {
        launch: Launch {
            lab: Some(name.into()),
            event,
            ..Launch::default()
        },
        ..options()
    }
}

/// Runs until the lab's run is made.
fn until_run(app: &mut App) {
    run_until(app, 400, |a| a.world().resource::<LabState>().run.is_some());
    assert!(lab(app).run.is_some(), "the lab's run was made");
    run_frames(app, 2);
}

/// Runs until the run with the learner's fault is made; that run.
fn until_broken(app: &mut App) -> std::sync::Arc<autochitect::app::state::LabRun> {
    run_until(app, 200, |a| {
        a.world()
            .resource::<LabState>()
            .run
            .as_ref()
            .is_some_and(|r| !r.faults.is_empty())
    });
    lab(app).run.expect("the run, broken")
}

/// The rectangle of a part on screen (logical pixels).
fn part_on_screen(app: &mut App, target: &Target) -> Rect {
    let Target::Component(id) = target else {
        panic!("a component")
    };
    let r = model(app)
        .diagram
        .component(id.as_str())
        .expect("part")
        .rect;
    let a = screen_pos(app, Vec2::new(r.x, -r.y));
    let b = screen_pos(app, Vec2::new(r.x + r.w, -(r.y + r.h)));
    Rect::from_corners(a, b)
}

/// The index of the first SYN's event.
fn first_syn(events: &[Event]) -> usize {
    events
        .iter()
        .position(|e| e.frame().is_some_and(|f| f.summary.contains("[SYN]")))
        .expect("a SYN")
}

#[test]
fn the_flag_opens_the_lab_at_the_event_with_its_layers_in_the_inspector() {
    let (_, events) = shipped("http-request");
    let syn = first_syn(&events);
    let number = u32::try_from(syn + 1).expect("small");
    let mut app = app_with(lab_options("http-request", Some(number)), true);
    until_run(&mut app);
    let state = lab(&app);
    let run = state.run.clone().expect("run");
    assert_eq!(
        run.network().expect("a network run").1,
        events,
        "the app's run is the lab's own"
    );
    assert_eq!(state.current, syn, "event {number}, counted from 1");
    // The SYN's event: the inspector names each of its layers and every field.
    let frame = events[syn].frame().expect("a frame");
    let layers = decode(&frame.bytes);
    assert!(layers.len() >= 3, "{layers:?}");
    for layer in &layers {
        widget(&app, layer.name);
        for field in &layer.fields {
            widget(&app, &field.name);
        }
    }
    // Its row in the list says what it is; the address says where the learner is.
    assert!(row_label_contains(
        &app,
        &format!("#{} {}", frame.number, frame.summary)
    ));
    let m = model(&app);
    let route = current_route(
        &m,
        app.world().resource(),
        app.world().resource(),
        app.world().resource(),
        &state,
    );
    assert_eq!(route, Some(Route::Lab("http-request".into(), syn + 1)));
    assert_eq!(Route::parse(&format!("#/lab/http-request/{number}")), route);
    assert_eq!(
        Route::parse("#/lab/http-request"),
        Some(Route::Lab("http-request".into(), 1))
    );
}

/// A row's label, as the list draws it (the widget's name starts with the number).
fn row_label_contains(app: &App, text: &str) -> bool {
    app.world()
        .get_resource::<autochitect::app::headless::Widgets>()
        .is_some_and(|w| w.nodes.iter().any(|n| n.label.contains(text)))
}

#[test]
fn keys_step_forward_and_back_and_the_frame_starts_where_its_walk_does() {
    let (scenario, events) = shipped("http-request");
    let mut app = app_with(lab_options("http-request", None), true);
    app.world_mut().resource_mut::<Preferences>().reduced_motion = true;
    until_run(&mut app);
    assert_eq!(lab(&app).current, 0);
    let diagram = model(&app).diagram.clone();
    // Forward through the first ten events with →, then back with ←, as a fast typist would.
    for i in 1..10 {
        press_key(&mut app, KeyCode::ArrowRight);
        app.update();
        assert_eq!(lab(&app).current, i, "→ moves one event");
        // A screen reader hears the step: the panel's live line names the event.
        run_frames(&mut app, 1);
        let said = format!("Event {} of {}", i + 1, events.len());
        assert!(row_label_contains(&app, &said), "{said}");
        check_frame(&mut app, &scenario, &diagram, &events, i);
    }
    for i in (5..9).rev() {
        press_key(&mut app, KeyCode::ArrowLeft);
        app.update();
        assert_eq!(lab(&app).current, i, "← moves one event back");
        check_frame(&mut app, &scenario, &diagram, &events, i);
    }
    press_key(&mut app, KeyCode::End);
    app.update();
    assert_eq!(lab(&app).current, events.len() - 1);
    press_key(&mut app, KeyCode::Home);
    app.update();
    assert_eq!(lab(&app).current, 0);
    // Space plays; Space again pauses.
    press_key(&mut app, KeyCode::Space);
    app.update();
    assert!(lab(&app).playing);
    press_key(&mut app, KeyCode::Space);
    app.update();
    assert!(!lab(&app).playing);
    // Esc with nothing selected closes the lab: no frame stays on the diagram.
    press_key(&mut app, KeyCode::Escape);
    run_frames(&mut app, 2);
    assert!(!lab(&app).is_open());
    assert!(app.world().resource::<LabFrames>().0.is_empty());
    assert!(!row_label_contains(&app, "ARP Who has"));
}

/// Right after moving to event `i` (reduced motion: the frame jumps from part to part), a
/// frame event's frame is drawn on the first part of its walk: inside that part's box, as the
/// learner sees it.
fn check_frame(
    app: &mut App,
    scenario: &Scenario,
    diagram: &autochitect::model::Diagram,
    events: &[Event],
    i: usize,
) {
    let frames = app.world().resource::<LabFrames>().0.clone();
    let current: Vec<_> = frames.iter().filter(|f| f.current).collect();
    let Some(frame) = events[i].frame() else {
        assert!(current.is_empty(), "event {i} is not a frame: {current:?}");
        return;
    };
    let walk = Walk::new(scenario, diagram, frame);
    let first = walk.stops.first().expect("a walk");
    assert_eq!(current.len(), 1, "event {i}");
    assert_eq!(current[0].number, u64::from(frame.number));
    assert_eq!(current[0].layers, first.layers, "event {i}");
    let drawn = app
        .world()
        .resource::<autochitect::app::state::LabelsDrawn>()
        .frames
        .iter()
        .find(|(n, _)| *n == u64::from(frame.number))
        .map(|(_, r)| *r)
        .expect("the frame is drawn");
    let part = part_on_screen(app, &first.part);
    assert!(
        part.contains(drawn.center()),
        "event {i}: frame #{} drawn at {drawn:?}, its first part {:?} at {part:?}",
        frame.number,
        first.part
    );
}

#[test]
fn a_frame_walks_down_one_host_across_the_cable_and_up_the_other() {
    let (scenario, events) = shipped("http-request");
    let diagram = default_diagram();
    // The request (an HTTP frame from A): from A's sockets, down, across, up to B's sockets.
    let request = events
        .iter()
        .filter_map(Event::frame)
        .find(|f| f.summary.starts_with("HTTP GET"))
        .expect("the request");
    let walk = Walk::new(&scenario, &diagram, request);
    let parts: Vec<String> = walk
        .stops
        .iter()
        .map(|s| match &s.part {
            Target::Component(id) => id.to_string(),
            Target::Link(id) => id.to_string(),
        })
        .collect();
    let a = &scenario.hosts[0].parts;
    let b = &scenario.hosts[1].parts;
    assert_eq!(
        parts,
        [
            &a.sockets,
            &a.stack,
            &a.card,
            &scenario.link.part,
            &b.card,
            &b.stack,
            &b.sockets
        ]
        .map(String::clone)
    );
    // It gains a header at each part on the way down and loses one on the way up.
    let counts: Vec<usize> = walk.stops.iter().map(|s| s.layers.len()).collect();
    let all = decode(&request.bytes).len();
    assert_eq!(counts, [1, all - 1, all, all, all, all - 1, 1]);
    assert_eq!(walk.stops[0].layers, ["HTTP"]);
    // ARP is the stack's own: from A's stack to B's.
    let arp = events[..]
        .iter()
        .filter_map(Event::frame)
        .find(|f| f.summary.starts_with("ARP"))
        .expect("ARP");
    let walk = Walk::new(&scenario, &diagram, arp);
    assert_eq!(walk.stops.len(), 5);
    assert_eq!(walk.stops[0].layers, ["ARP"]);
    // Along the way the frame is between its first and last stops.
    let (start, _) = walk.at(0.0, false).expect("start");
    let (end, _) = walk.at(1.0, false).expect("end");
    let first = diagram.component(&a.stack).expect("stack").rect;
    let last = diagram.component(&b.stack).expect("stack").rect;
    assert!(first.contains(start) && last.contains(end));
}

/// While a frame walks the app keeps asking for frames; once it has arrived, nothing asks for
/// another (the window sleeps, and the browser test's "still" report holds), and the frame rests
/// on its walk's last part, where the next frames leave it.
#[test]
fn a_walking_frame_keeps_the_window_drawing_and_at_rest_the_window_sleeps() {
    let (scenario, events) = shipped("http-request");
    let diagram = default_diagram();
    let mut app = app_with(lab_options("http-request", None), true);
    until_run(&mut app);
    let i = events
        .iter()
        .position(|e| e.frame().is_some_and(|f| f.summary.starts_with("HTTP GET")))
        .expect("the request");
    let request = events[i].frame().expect("a frame");
    let last = Walk::new(&scenario, &diagram, request)
        .stops
        .last()
        .expect("a walk")
        .part
        .clone();
    // The fastest speed: a walk of a quarter of a second.
    app.world_mut().write_message(Intent::LabSpeed(8.0));
    app.world_mut()
        .write_message(Intent::LabGo(autochitect::app::state::LabMove::To(i)));
    app.update();
    let asks_for_more = |a: &App| {
        a.world()
            .resource::<Messages<bevy::window::RequestRedraw>>()
            .iter_current_update_messages()
            .next()
            .is_some()
    };
    let drawn = |a: &App| {
        a.world()
            .resource::<autochitect::app::state::LabelsDrawn>()
            .frames
            .iter()
            .find(|(n, _)| *n == u64::from(request.number))
            .map(|(_, r)| *r)
    };
    assert!(
        asks_for_more(&app),
        "while the frame walks, frames keep coming"
    );
    assert!(drawn(&app).is_some(), "the frame is drawn");
    run_until(&mut app, 100_000, |a| !asks_for_more(a));
    assert!(
        !asks_for_more(&app),
        "the walk ends and the window may sleep"
    );
    let rest = drawn(&app).expect("the frame is drawn at rest");
    let part = part_on_screen(&mut app, &last);
    assert!(
        part.contains(rest.center()),
        "at rest the frame is on its walk's last part: drawn at {rest:?}, the part at {part:?}"
    );
    run_frames(&mut app, 3);
    assert_eq!(drawn(&app), Some(rest), "at rest it stays put");
    assert!(!asks_for_more(&app), "and nothing asks for frames");
}

/// Scrolls the inspector with the wheel over it, as a person would, until the widget named
/// `label` shows, then clicks it.
fn click_in_inspector(app: &mut App, label: &str) {
    for _ in 0..100 {
        // Where the person sees it once the wheel's scrolling has come to rest.
        let mut last = widget(app, label).rect;
        for _ in 0..100 {
            app.update();
            let now = widget(app, label).rect;
            if now == last {
                break;
            }
            last = now;
        }
        let w = widget(app, label);
        if w.visible {
            click_at(app, w.rect.center());
            run_frames(app, 2);
            return;
        }
        // The wheel over the inspector's fields, towards the one wanted.
        let area = widget(app, "Inspector").rect;
        let notches = if w.rect.center().y > area.max.y {
            -1.0
        } else {
            1.0
        };
        wheel_at(app, area.center(), notches);
        run_frames(app, 1);
    }
    panic!("could not scroll {label:?} into view in the inspector");
}

#[test]
fn choosing_a_field_marks_exactly_its_bytes() {
    let (_, events) = shipped("http-request");
    let syn = first_syn(&events);
    let number = u32::try_from(syn + 1).expect("small");
    let mut app = app_with(lab_options("http-request", Some(number)), true);
    until_run(&mut app);
    let frame = events[syn].frame().expect("a frame");
    let layers = decode(&frame.bytes);
    for wanted in ["Sequence number", "Destination port", "Time to live"] {
        let field = layers
            .iter()
            .flat_map(|l| &l.fields)
            .find(|f| f.name == wanted)
            .unwrap_or_else(|| panic!("the SYN has a {wanted} field"));
        click_in_inspector(&mut app, wanted);
        let drawn = app.world().resource::<LabDrawn>().clone();
        assert_eq!(drawn.event, Some(syn));
        assert_eq!(
            drawn.marked,
            field.range.clone().collect::<Vec<_>>(),
            "{wanted}: the hex view marks the field's bytes"
        );
    }
    // Choosing it again clears the mark.
    click_in_inspector(&mut app, "Time to live");
    assert!(app.world().resource::<LabDrawn>().marked.is_empty());
}

#[test]
fn a_click_on_a_row_goes_to_that_event_and_play_runs_to_the_end() {
    let (_, events) = shipped("ping");
    let mut app = app_with(lab_options("ping", None), true);
    until_run(&mut app);
    let frame = events
        .iter()
        .position(|e| e.frame().is_some())
        .expect("a frame");
    let f = events[frame].frame().expect("frame");
    // The row's text starts with its number; click it where it is drawn.
    let label = app
        .world()
        .get_resource::<autochitect::app::headless::Widgets>()
        .and_then(|w| {
            w.nodes
                .iter()
                .find(|n| n.label.contains(&format!("#{} {}", f.number, f.summary)))
                .map(|n| n.label.clone())
        })
        .expect("the frame's row");
    click_widget(&mut app, &label);
    assert_eq!(lab(&app).current, frame);
    // Play at the fastest speed: the run moves on by itself, one event at a time.
    app.world_mut().write_message(Intent::LabSpeed(8.0));
    app.world_mut().write_message(Intent::LabPlay(Some(true)));
    app.update();
    let before = lab(&app).current;
    run_until(&mut app, 100_000, |a| {
        a.world().resource::<LabState>().current > before
    });
    assert!(lab(&app).current > before, "playing moves on");
}

#[test]
fn dropping_the_request_makes_the_stack_send_it_again_and_undo_restores_the_run() {
    let (_, events) = shipped("http-request");
    let request = events
        .iter()
        .position(|e| e.frame().is_some_and(|f| f.summary.starts_with("HTTP GET")))
        .expect("the request");
    let number = events[request].frame().expect("frame").number;
    let mut app = app_with(
        lab_options(
            "http-request",
            Some(u32::try_from(request + 1).expect("small")),
        ),
        true,
    );
    until_run(&mut app);
    assert_eq!(lab(&app).current, request);
    click_widget(&mut app, "Drop");
    let run = until_broken(&mut app);
    // The same run up to the request; then the request is lost on the cable …
    let run_events = run.network().expect("a network run").1;
    assert_eq!(run_events[..request], events[..request]);
    let lost = run_events[request].frame().expect("the request");
    assert_eq!(lost.number, number);
    assert!(
        matches!(lost.fate, autochitect::lab::Fate::Lost { .. }),
        "{:?}",
        lost.fate
    );
    // … and later A's stack sends it again: a retransmission of that frame, in the list.
    let again = run_events
        .iter()
        .position(|e| {
            matches!(e.kind, autochitect::lab::EventKind::Retransmission { original, .. } if original == number)
        })
        .expect("a retransmission of the request");
    assert!(again > request);
    assert!(row_label_contains(&app, "Broken: frame #"));
    // The learner stays on the event they broke; Undo brings the scenario's own run back.
    assert_eq!(lab(&app).current, request);
    click_widget(&mut app, "↻ Undo fault");
    run_until(&mut app, 200, |a| {
        a.world()
            .resource::<LabState>()
            .run
            .as_ref()
            .is_some_and(|r| r.faults.is_empty())
    });
    let run = lab(&app).run.expect("run");
    assert_eq!(run.network().expect("a network run").1, events);
}

#[test]
fn the_sequence_view_marks_the_current_event_and_copies_as_mermaid_with_an_arrow_per_frame() {
    let (scenario, events) = shipped("http-request");
    let mut app = app_with(lab_options("http-request", None), true);
    until_run(&mut app);
    click_widget(&mut app, "Sequence");
    assert_eq!(
        lab(&app).pane,
        autochitect::app::state::LabPane::Sequence,
        "the run shows as a sequence diagram"
    );
    // Each event is a row named by its number and what it is; the current one is selected.
    let names = scenario.host_names();
    let first = autochitect::lab::view::row(0, &events[0], &names);
    let row = widget(&app, &format!("1 {}", first.summary));
    assert!(row.selected || row.toggled, "the current event is marked");
    let second = autochitect::lab::view::row(1, &events[1], &names);
    let other = widget(&app, &format!("2 {}", second.summary));
    assert!(!(other.selected || other.toggled), "only the current one");
    // A click on another row goes there.
    let frame = events
        .iter()
        .position(|e| e.frame().is_some())
        .expect("a frame");
    let r = autochitect::lab::view::row(frame, &events[frame], &names);
    click_widget(&mut app, &format!("{} {}", frame + 1, r.summary));
    assert_eq!(lab(&app).current, frame);
    // Copy as Mermaid: the core's text, with one arrow per frame and a note per host event.
    click_widget(&mut app, "Save ▾");
    let copy = widget(&app, "Copy sequence as Mermaid").rect.center();
    click_at(&mut app, copy);
    let text = copied(&mut app).expect("the Mermaid text was copied");
    assert_eq!(
        text,
        autochitect::lab::sequence::mermaid(&scenario.title, &events, &names)
    );
    assert!(text.starts_with("sequenceDiagram\n"));
    let arrows = text
        .lines()
        .filter(|l| l.contains("->>") || l.contains("-x"))
        .count();
    let frames = events.iter().filter(|e| e.frame().is_some()).count();
    assert_eq!(arrows, frames);
    let notes = text.lines().filter(|l| l.contains("Note over")).count();
    assert_eq!(notes, events.len() - frames);
    // No statement separator inside a message: `;` only ends an entity code (`#35;` is `#`).
    let mut rest = text.as_str();
    while let Some(i) = rest.find(';') {
        let head = &rest[..i];
        let code = head.rsplit('#').next().unwrap_or_default();
        assert!(
            head.contains('#') && !code.is_empty() && code.chars().all(|c| c.is_ascii_digit()),
            "a bare `;` in {:?}",
            &rest[..(i + 1).min(rest.len())]
        );
        rest = &rest[i + 1..];
    }
}

#[test]
fn mermaid_text_escapes_what_mermaid_reads_as_syntax() {
    let (scenario, events) = shipped("http-request");
    let text =
        autochitect::lab::sequence::mermaid(&scenario.title, &events, &scenario.host_names());
    // A frame's number is written as an entity code, once, never mangled.
    assert!(
        text.contains("AS->>BS: #35;1 ARP Who has 192.0.2.2?"),
        "{text}"
    );
    assert!(!text.contains("#35#59;"), "{text}");
}

#[test]
fn on_a_phone_the_lab_panel_fits_the_screen_and_plays_by_touch() {
    let (_, events) = shipped("http-request");
    let first_frame = events
        .iter()
        .position(|e| e.frame().is_some())
        .expect("a frame");
    let mut app = app_with(lab_options("http-request", None), true);
    resize_window(&mut app, 390.0, 844.0);
    until_run(&mut app);
    run_frames(&mut app, 3);
    // Nothing of the panel reaches past the screen's right edge.
    let wide = past_the_edge(&app, 390.0);
    assert!(wide.is_empty(), "past the edge: {wide:#?}");
    // Taps: step to the first frame, open the inspector: its first layer shows.
    for _ in 0..first_frame {
        let at = widget(&app, "Step ▶").rect.center();
        tap(&mut app, at);
    }
    assert_eq!(lab(&app).current, first_frame);
    let at = widget(&app, "Inspector").rect.center();
    tap(&mut app, at);
    assert_eq!(lab(&app).pane, autochitect::app::state::LabPane::Inspector);
    let layer = decode(&events[first_frame].frame().expect("frame").bytes)[0].name;
    assert!(
        widget(&app, layer).visible,
        "{layer} shows in the inspector"
    );
    // The inspector's bytes fit the screen too (eight to a line on a phone).
    let wide = past_the_edge(&app, 390.0);
    assert!(wide.is_empty(), "past the edge: {wide:#?}");
}

/// The lab panel's widgets that reach past a screen `width` wide.
fn past_the_edge(app: &App, width: f32) -> Vec<String> {
    app.world()
        .get_resource::<autochitect::app::headless::Widgets>()
        .expect("widgets")
        .nodes
        .iter()
        .filter(|n| {
            n.region
                .as_deref()
                .is_some_and(|r| ["Lab", "Events", "Inspector"].contains(&r))
        })
        .filter(|n| n.rect.max.x > width + 0.5)
        .map(|n| format!("{} {:?}", n.label, n.rect))
        .collect()
}

/// A quick tap: the finger down and up within one frame.
fn tap(app: &mut App, at: Vec2) {
    use bevy::input::touch::TouchPhase;
    touch(app, 1, TouchPhase::Started, at);
    touch(app, 1, TouchPhase::Ended, at);
    run_frames(app, 2);
}

#[test]
fn the_filters_list_and_step_through_only_the_chosen_protocols_and_host() {
    let (scenario, events) = shipped("http-request");
    let names = scenario.host_names();
    let rows: Vec<_> = events
        .iter()
        .enumerate()
        .map(|(i, e)| autochitect::lab::view::row(i, e, &names))
        .collect();
    let mut app = app_with(lab_options("http-request", None), true);
    until_run(&mut app);
    // The chips are the run's own protocols; hide ARP and what happens inside the hosts.
    let offered = autochitect::lab::view::protocols_in(&rows);
    for p in ["ARP", "TCP", "HTTP", "Host"] {
        assert!(offered.contains(&p), "the run has {p}: {offered:?}");
        assert!(
            widget(&app, p).toggled || widget(&app, p).selected,
            "{p} is shown"
        );
    }
    click_widget(&mut app, "ARP");
    click_widget(&mut app, "Host");
    let hidden = ["ARP", "Host"];
    let shown: Vec<usize> = (0..rows.len())
        .filter(|&i| !hidden.contains(&rows[i].protocol.as_str()))
        .collect();
    assert!(shown.len() < rows.len() && !shown.is_empty());
    // Home goes to the first shown event, → visits the shown ones in order, as a fast typist
    // steps.
    press_key(&mut app, KeyCode::Home);
    app.update();
    let mut visited = vec![lab(&app).current];
    for _ in 1..shown.len() {
        press_key(&mut app, KeyCode::ArrowRight);
        app.update();
        visited.push(lab(&app).current);
    }
    assert_eq!(visited, shown, "stepping visits only what the filter shows");
    // The list shows no hidden row: an ARP frame's row is gone.
    let arp = rows
        .iter()
        .find(|r| r.protocol == "ARP")
        .expect("an ARP row");
    assert!(!row_label_contains(&app, &arp.summary), "{arp:?} is listed");
    // From B only: what B sends or does, among the protocols still shown.
    click_widget(&mut app, "B");
    press_key(&mut app, KeyCode::Home);
    app.update();
    let from_b: Vec<usize> = shown
        .iter()
        .copied()
        .filter(|&i| rows[i].from == "B")
        .collect();
    assert_eq!(lab(&app).current, from_b[0]);
    press_key(&mut app, KeyCode::ArrowRight);
    app.update();
    assert_eq!(lab(&app).current, from_b[1]);
    // All hosts and every protocol again: → is one event.
    click_widget(&mut app, "All");
    click_widget(&mut app, "ARP");
    click_widget(&mut app, "Host");
    let at = lab(&app).current;
    press_key(&mut app, KeyCode::ArrowRight);
    app.update();
    assert_eq!(lab(&app).current, at + 1);
}

#[test]
fn a_field_links_to_the_section_of_the_write_up_that_explains_it() {
    let (_, events) = shipped("http-request");
    let syn = first_syn(&events);
    let number = u32::try_from(syn + 1).expect("small");
    let mut app = app_with(lab_options("http-request", Some(number)), true);
    until_run(&mut app);
    let topic = autochitect::lab::view::field_topic("TCP", "Window").expect("the window's topic");
    let slug = autochitect::model::WriteupSlug::new(topic.writeup);
    let title = model(&app)
        .writeups
        .get(&slug)
        .expect("the write-up")
        .title
        .clone();
    // The "?" after the field's name, named for a screen reader by where it leads.
    click_in_inspector(
        &mut app,
        &format!("Read about Window: {title}, “{}”", topic.section),
    );
    run_frames(&mut app, 3);
    let reader = app
        .world()
        .resource::<autochitect::app::state::Reader>()
        .clone();
    assert_eq!(reader.open, Some(slug.clone()));
    let layout = app
        .world()
        .resource::<autochitect::app::state::ReaderLayout>()
        .clone();
    assert_eq!(layout.slug, Some(slug));
    assert_eq!(
        layout.top_heading.as_deref(),
        Some(topic.section),
        "the reader opens at the section"
    );
    // The learner reads on with the wheel: the reader does not pull them back.
    // The wheel over the section's text, just below its heading.
    let over = widget(&app, topic.section).rect.center() + Vec2::new(0.0, 80.0);
    let top = |app: &App| {
        app.world()
            .resource::<autochitect::app::state::ReaderLayout>()
            .top_heading
            .clone()
    };
    for _ in 0..60 {
        if top(&app).as_deref() != Some(topic.section) {
            break;
        }
        wheel_at(&mut app, over, -2.0);
        run_frames(&mut app, 2);
    }
    let after = top(&app);
    assert!(
        after.is_some() && after.as_deref() != Some(topic.section),
        "read on past it: {after:?}"
    );
}

#[test]
fn save_writes_the_capture_and_the_sequence_picture_without_overwriting() {
    let (scenario, events) = shipped("http-request");
    let dir = TempDir::new("lab-save");
    let mut app = app_with(lab_options("http-request", None), true);
    app.world_mut()
        .insert_resource(autochitect::app::state::SaveFolder(dir.0.clone()));
    until_run(&mut app);
    let save = |app: &mut App, item: &str| {
        click_widget(app, "Save ▾");
        click_widget(app, item);
        run_frames(app, 1);
    };
    save(&mut app, "Save capture (.pcap)");
    let pcap = std::fs::read(dir.join("http-request.pcap")).expect("the capture is saved");
    assert_eq!(pcap, autochitect::lab::pcap::pcap(&events));
    assert_eq!(pcap.get(..4), Some(&0xa1b2_c3d4u32.to_le_bytes()[..]));
    let notice = app
        .world()
        .resource::<autochitect::app::state::Notice>()
        .text
        .clone()
        .unwrap_or_default();
    assert!(notice.contains("http-request.pcap"), "{notice}");
    // A second save keeps the first.
    save(&mut app, "Save capture (.pcap)");
    assert!(dir.join("http-request (2).pcap").is_file());
    // The sequence as a picture: well-formed SVG, an arrow per frame and a note per host
    // event, numbered as the list numbers them.
    save(&mut app, "Save sequence as SVG");
    let text = std::fs::read_to_string(dir.join("http-request-sequence.svg")).expect("svg");
    let doc = roxmltree::Document::parse(&text).expect("well-formed SVG");
    let class = |c: &str| {
        doc.descendants()
            .filter(|n| n.attribute("class") == Some(c))
            .collect::<Vec<_>>()
    };
    let frames = events.iter().filter(|e| e.frame().is_some()).count();
    assert_eq!(class("arrow").len(), frames);
    assert_eq!(class("note").len(), events.len() - frames);
    assert_eq!(class("lifeline").len(), 5);
    let numbers: Vec<usize> = class("arrow")
        .iter()
        .chain(&class("note"))
        .filter_map(|n| n.attribute("data-event")?.parse().ok())
        .collect();
    assert_eq!(numbers.len(), events.len());
    assert!(text.contains(&scenario.title));
}

#[test]
fn a_tour_step_hands_over_to_the_lab_and_the_lab_hands_back() {
    let (_, events) = shipped("http-request");
    let mut app = app_with(options(), true);
    app.world_mut().resource_mut::<Preferences>().reduced_motion = true;
    let tour = model(&app).tour("http-request").expect("tour").clone();
    let (step, (scenario, event)) = tour
        .steps
        .iter()
        .enumerate()
        .find_map(|(i, s)| Some((i, s.lab.clone()?)))
        .expect("a step that shows the lab");
    assert_eq!(scenario, "http-request");
    assert!(event >= 1 && event <= events.len());
    app.world_mut()
        .write_message(Intent::StartTour(tour.name.clone(), step));
    run_frames(&mut app, 3);
    click_widget(&mut app, "▶ See it in the lab");
    until_run(&mut app);
    let state = lab(&app);
    assert_eq!(
        state.current,
        event - 1,
        "the lab opens at the step's event"
    );
    assert_eq!(state.from_tour, Some((tour.name.clone(), step)));
    let t = app
        .world()
        .resource::<autochitect::app::state::TourState>()
        .clone();
    assert_eq!(t.tour, None, "the tour has handed over");
    // The way back: the same step of the tour, and the lab closes.
    click_widget(&mut app, "↩ Back to the tour");
    run_frames(&mut app, 2);
    let t = app
        .world()
        .resource::<autochitect::app::state::TourState>()
        .clone();
    assert_eq!((t.tour, t.step), (Some(tour.name.clone()), step));
    assert!(!lab(&app).is_open(), "the lab is closed");
}

#[test]
fn slow_reader_is_offered_where_a_program_reads_in_bulk_and_branches_the_run() {
    let mut app = app_with(lab_options("http-request", None), true);
    until_run(&mut app);
    assert!(
        autochitect::app::headless::widget(&app, "Slow reader").is_none(),
        "no bulk reader in the HTTP scenario"
    );
    let (_, events) = shipped("slow-reader");
    let mut app = app_with(lab_options("slow-reader", Some(3)), true);
    until_run(&mut app);
    click_widget(&mut app, "Slow reader");
    let run = until_broken(&mut app);
    let run_events = run.network().expect("a network run").1;
    assert_eq!(run_events[..3], events[..3], "the same run up to the fault");
    assert_ne!(run_events, events);
    assert!(row_label_contains(
        &app,
        "Broken: B's reader slowed to 256 bytes every 250 ms"
    ));
}

/// A cluster scenario's run, as the lab's tools make it.
fn shipped_cluster(
    name: &str,
) -> (
    autochitect::lab::cluster::scenario::ClusterScenario,
    Vec<autochitect::lab::cluster::ClusterEvent>,
) {
    let path = repo().join(format!("diagrams/labs/{name}.ron"));
    let Ok(autochitect::lab::any::AnyScenario::Cluster(s)) =
        autochitect::tools::lab::load(&repo(), &path)
    else {
        panic!("{name} is a cluster scenario")
    };
    let events = s.run(s.seed, &[]).expect("a cluster").events().to_vec();
    (s, events)
}

#[test]
fn a_cluster_scenario_plays_on_the_raft_diagram_with_each_servers_state_under_its_box() {
    use autochitect::app::state::LabServers;
    use autochitect::lab::cluster::EventKind;
    let (scenario, events) = shipped_cluster("leader-crash");
    let crash = events
        .iter()
        .position(|e| matches!(e.kind, EventKind::Crashed(_)))
        .expect("a crash");
    let EventKind::Crashed(old) = events[crash].kind else {
        unreachable!()
    };
    // Opened just before the crash: the diagram the scenario names, the run the tools make.
    let mut app = app_with(lab_options("leader-crash", Some(crash as u32)), true);
    until_run(&mut app);
    assert_eq!(model(&app).diagram_file, scenario.diagram);
    let run = lab(&app).run.expect("run");
    assert_eq!(run.cluster().expect("a cluster run").1, events);
    assert_eq!(lab(&app).current, crash - 1);
    let badge = |app: &App, id: &str| {
        app.world()
            .resource::<LabServers>()
            .0
            .iter()
            .find(|b| b.name == id)
            .cloned()
            .expect("a badge")
    };
    let name = old.to_string();
    assert!(
        badge(&app, &name).words.starts_with("leader"),
        "{:?}",
        badge(&app, &name)
    );
    // Each server's log under its box: as long as the run says at this event.
    let shown = autochitect::lab::cluster::view::servers_at(3, &events, crash - 1);
    for s in &shown {
        assert_eq!(badge(&app, &s.id.to_string()).log.len(), s.log_terms.len());
    }
    // One step on: the leader is down, as its badge says; the inspector lists every server.
    press_key(&mut app, KeyCode::ArrowRight);
    run_frames(&mut app, 2);
    assert_eq!(lab(&app).current, crash);
    assert!(
        badge(&app, &name).words.starts_with("down"),
        "{:?}",
        badge(&app, &name)
    );
    assert!(row_label_contains(&app, "The servers at this event"));
    // A message's walk: stepping to the first message after the crash draws it between the
    // two servers' Raft modules, its fields in the inspector.
    let sent = (crash..events.len())
        .find(|&i| matches!(events[i].kind, EventKind::Sent { .. }))
        .expect("a message after the crash");
    for _ in crash..sent {
        click_widget(&mut app, "Step ▶");
        run_frames(&mut app, 1);
    }
    assert_eq!(lab(&app).current, sent);
    let frames = app.world().resource::<LabFrames>().0.clone();
    assert!(
        frames.iter().any(|f| f.current),
        "the message is drawn: {frames:?}"
    );
    assert!(row_label_contains(&app, "Term"));
    // Break it: the learner crashes the server sending it too; the run is made again with
    // it, the same up to there, with a second crash, and no leader after it until the
    // scenario restarts a crashed server (one server of three is no majority).
    let EventKind::Sent { message, .. } = &events[sent].kind else {
        unreachable!()
    };
    let from = message.from;
    click_widget(&mut app, &format!("Crash {from}"));
    let broken = until_broken(&mut app);
    let broken_events = broken.cluster().expect("a cluster run").1;
    assert_eq!(broken_events[..=sent], events[..=sent]);
    let crashes = broken_events
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Crashed(_)))
        .count();
    assert_eq!(crashes, 2, "the learner's crash is in the run");
    let restart = (scenario.faults.iter())
        .find(|(_, f)| matches!(f, autochitect::lab::cluster::Fault::Restart(_)))
        .map(|(at, _)| *at)
        .expect("the scenario restarts the crashed server");
    assert!(
        !broken_events[sent..]
            .iter()
            .filter(|e| e.at_ms < restart)
            .any(|e| matches!(
                e.kind,
                EventKind::Role {
                    role: autochitect::lab::cluster::Role::Leader,
                    ..
                }
            )),
        "no leader without a majority"
    );
    assert!(row_label_contains(
        &app,
        &format!("Broken: {from} crashed at")
    ));
}
