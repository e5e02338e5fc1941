//! Playing a tour in the app: framing, fading, the packet, and moving through the steps.

use autochitect::app::state::{CameraView, Emphasis, Intent, PacketView, Preferences, TourState};
use autochitect::model::{packet_route, step_frame};
use bevy::prelude::*;

use crate::support::*;

fn tour_step(app: &App) -> Option<(String, usize)> {
    let t = app.world().resource::<TourState>();
    t.tour.clone().map(|n| (n, t.step))
}

#[test]
fn a_tour_frames_each_step_and_moves_forward_and_back() {
    let mut app = app();
    app.world_mut().resource_mut::<Preferences>().reduced_motion = true;
    let tour = model(&app).tour("http-request").expect("tour").clone();
    app.world_mut()
        .write_message(Intent::StartTour(tour.name.clone(), 0));
    app.update();
    for (i, step) in tour.steps.iter().enumerate() {
        assert_eq!(tour_step(&app), Some((tour.name.clone(), i)));
        // The first focused part is selected; the focus stays bright, the rest fades.
        assert_eq!(selected(&app), step.focus.first().cloned(), "step {i}");
        assert_eq!(
            app.world().resource::<Emphasis>().tour,
            Some(step.focus.clone()),
            "step {i}"
        );
        // With reduced motion the camera is already centred on the step's frame (its parts
        // with their context) …
        let view = *app.world().resource::<CameraView>();
        let m = model(&app);
        let b = step_frame(&m.diagram, &step.focus).expect("bounds");
        let centre = Vec2::new(b.x + b.w / 2.0, -(b.y + b.h / 2.0));
        assert!(view.center.distance(centre) < 1.0, "step {i}: {view:?}");
        // … and the packet sits at the end of its path, carrying the last label.
        let route = packet_route(&m.diagram, &step.packet);
        let packet = app.world().resource::<PacketView>().0.clone();
        match route.last() {
            Some((end, label)) if route.len() >= 2 => {
                let (at, text) = packet.expect("a packet");
                assert_eq!(text, *label, "step {i}");
                assert!(at.distance(Vec2::new(end.x, -end.y)) < 0.5, "step {i}");
            }
            _ => assert_eq!(packet, None, "step {i}"),
        }
        app.world_mut().write_message(Intent::NextStep);
        app.update();
    }
    let last = tour.steps.len() - 1;
    assert_eq!(
        tour_step(&app).map(|t| t.1),
        Some(last),
        "Next stops at the end"
    );
    app.world_mut().write_message(Intent::PrevStep);
    app.update();
    assert_eq!(tour_step(&app).map(|t| t.1), Some(last - 1));
    app.world_mut().write_message(Intent::RestartTour);
    app.update();
    assert_eq!(tour_step(&app).map(|t| t.1), Some(0));
    app.world_mut().write_message(Intent::EndTour);
    app.update();
    assert_eq!(tour_step(&app), None);
    assert_eq!(app.world().resource::<Emphasis>().tour, None);
    assert_eq!(app.world().resource::<PacketView>().0, None);
}

#[test]
fn a_tour_step_past_either_end_stays_put() {
    let mut app = app();
    app.world_mut()
        .write_message(Intent::StartTour("leader-election".into(), 0));
    app.update();
    app.world_mut().write_message(Intent::PrevStep);
    app.update();
    assert_eq!(tour_step(&app).map(|t| t.1), Some(0));
    let n = model(&app)
        .tour("leader-election")
        .map(|t| t.steps.len())
        .expect("tour");
    for _ in 0..n + 3 {
        app.world_mut().write_message(Intent::NextStep);
        app.update();
    }
    assert_eq!(tour_step(&app).map(|t| t.1), Some(n - 1));
}

#[test]
fn with_motion_the_packet_travels_and_the_camera_eases() {
    let mut app = app();
    let tour = model(&app).tour("http-request").expect("tour").clone();
    let (index, step) = tour
        .steps
        .iter()
        .enumerate()
        .find(|(_, s)| {
            s.packet
                .iter()
                .any(|(t, _)| *t == link("cable").expect("t"))
        })
        .expect("a step that crosses the cable");
    let before = *app.world().resource::<CameraView>();
    app.world_mut()
        .write_message(Intent::StartTour(tour.name.clone(), index));
    app.update();
    let route = packet_route(&model(&app).diagram, &step.packet);
    let (start, first_label) = route.first().cloned().expect("a route");
    let (at, text) = app
        .world()
        .resource::<PacketView>()
        .0
        .clone()
        .expect("a packet");
    assert_eq!(text, first_label);
    assert!(at.distance(Vec2::new(start.x, -start.y)) < 10.0);
    // The camera has not jumped: it eases over several frames.
    let first = *app.world().resource::<CameraView>();
    assert!(first.center.distance(before.center) < before.center.distance(Vec2::ZERO) + 1.0);
    std::thread::sleep(std::time::Duration::from_millis(300));
    app.update();
    let later = app
        .world()
        .resource::<PacketView>()
        .0
        .clone()
        .expect("packet");
    assert!(
        later.0.distance(at) > 10.0,
        "the packet moved: {at} → {}",
        later.0
    );
}

#[test]
fn a_slide_about_one_part_shows_the_computer_it_is_in() {
    // With the panels: the tour panel takes the bottom of the screen, and the frame fits above.
    let mut app = app_with_ui();
    app.world_mut().resource_mut::<Preferences>().reduced_motion = true;
    app.world_mut().write_message(Intent::SetPresenting(true));
    let tour = model(&app).tour("leader-election").expect("tour").clone();
    let index = tour
        .steps
        .iter()
        .position(|s| s.title == "A goes quiet; B's timer runs out")
        .expect("step");
    app.world_mut()
        .write_message(Intent::StartTour(tour.name.clone(), index));
    run_frames(&mut app, 3);
    let m = model(&app);
    let size = window_size(&mut app);
    let on_screen = |app: &mut App, id: &str| {
        let r = m.diagram.component(id).expect("part").rect;
        let a = screen_pos(app, Vec2::new(r.x, -r.y));
        let b = screen_pos(app, Vec2::new(r.x + r.w, -(r.y + r.h)));
        (a, b)
    };
    // The whole of Computer B is on the projector, above the tour panel …
    let insets = *app.world().resource::<autochitect::app::state::UiInsets>();
    assert!(insets.bottom > 100.0, "the tour panel is there: {insets:?}");
    let (a, b) = on_screen(&mut app, "computer-b");
    assert!(
        a.x >= insets.left
            && a.y >= insets.top
            && b.x <= size.x - insets.right
            && b.y <= size.y - insets.bottom,
        "Computer B from {a:?} to {b:?} in {size:?} less {insets:?}"
    );
    // … and the timer is no speck (the tour panel leaves the diagram under half the screen).
    let (a, b) = on_screen(&mut app, "b-election");
    assert!(
        b.x - a.x >= size.x / 16.0,
        "the timer is {} px wide",
        b.x - a.x
    );
}
