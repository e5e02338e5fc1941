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

/// Presenter mode gives the diagram the room: at 1920×1080 and 1280×720, for every step of
/// every shipped tour, the canvas is at least 80 % of the screen's height, and the step's frame
/// (its parts with their context, and the labels in it) is on the canvas whole, every label in
/// it drawn.
#[test]
fn presenter_mode_frames_every_step_in_most_of_the_screen() {
    use autochitect::app::state::{CanvasFigure, LabelsDrawn, LaunchOptions, UiInsets};
    use autochitect::model::{Launch, Target};
    let mut checked = 0;
    for (width, height) in [(1920.0, 1080.0), (1280.0, 720.0)] {
        let mut app = app_with(
            LaunchOptions {
                launch: Launch {
                    present: true,
                    reduced_motion: true,
                    ..Launch::default()
                },
                ..options()
            },
            true,
        );
        resize_window(&mut app, width, height);
        let m = model(&app);
        for tour in m.tours.iter() {
            for (i, step) in tour.steps.iter().enumerate() {
                app.world_mut()
                    .write_message(Intent::StartTour(tour.name.clone(), i));
                run_frames(&mut app, 4);
                let here = format!("{width}×{height}, {} step {}", tour.name, i + 1);
                let insets = *app.world().resource::<UiInsets>();
                let canvas = Rect::new(
                    insets.left,
                    insets.top,
                    width - insets.right,
                    height - insets.bottom,
                );
                assert!(
                    canvas.height() >= 0.8 * height,
                    "{here}: the diagram has {:.0} of {height} px",
                    canvas.height()
                );
                let frame = step_frame(&m.diagram, &step.focus).expect("a frame");
                let inside = |r: Rect| {
                    r.min.x >= canvas.min.x - 1.0
                        && r.min.y >= canvas.min.y - 1.0
                        && r.max.x <= canvas.max.x + 1.0
                        && r.max.y <= canvas.max.y + 1.0
                };
                let corners = [
                    screen_pos(&mut app, Vec2::new(frame.x, -frame.y)),
                    screen_pos(&mut app, Vec2::new(frame.x + frame.w, -(frame.y + frame.h))),
                ];
                let on_screen = Rect::from_corners(corners[0], corners[1]);
                assert!(
                    inside(on_screen),
                    "{here}: the frame {on_screen:?} leaves {canvas:?}"
                );
                // Every label inside the frame is drawn, whole, on the canvas.
                let figure = app.world().resource::<CanvasFigure>().0.clone();
                let drawn = app.world().resource::<LabelsDrawn>().clone();
                let zoom = app
                    .world()
                    .resource::<autochitect::app::state::Presenter>()
                    .scale
                    * app
                        .world()
                        .resource::<autochitect::app::state::Preferences>()
                        .text_scale;
                let in_frame = |b: &autochitect::model::Rect| {
                    b.x >= frame.x
                        && b.y >= frame.y
                        && b.x + b.w <= frame.x + frame.w
                        && b.y + b.h <= frame.y + frame.h
                };
                for label in figure.labels.iter().filter(|l| in_frame(&l.block)) {
                    let Some((_, r)) = drawn.parts.iter().find(|(t, _)| t == &label.target) else {
                        // Hidden only while the packet's label passes over it.
                        assert!(
                            drawn.packet.is_some(),
                            "{here}: `{}` not drawn",
                            label.text()
                        );
                        continue;
                    };
                    let logical = Rect::from_corners(r.min * zoom, r.max * zoom);
                    assert!(
                        inside(logical),
                        "{here}: `{}` at {logical:?} leaves the canvas",
                        label.text()
                    );
                }
                let _: Option<&Target> = step.focus.first();
                checked += 1;
            }
        }
    }
    assert!(checked > 60, "{checked} steps");
}

/// The packet's label never covers a part's label: it goes beside the packet where there is
/// room, and a label it must pass over is hidden while it does. Checked all along every packet's
/// path in the HTTP tour.
#[test]
fn the_packets_label_never_sits_on_a_parts_label() {
    use autochitect::app::state::LabelsDrawn;
    use autochitect::model::route_length;
    let mut app = app_with_ui();
    let tour = model(&app).tour("http-request").expect("tour").clone();
    let mut positions = 0;
    let mut beside = 0;
    for (i, step) in tour.steps.iter().enumerate() {
        let route = packet_route(&model(&app).diagram, &step.packet);
        if route.len() < 2 {
            continue;
        }
        app.world_mut()
            .write_message(Intent::StartTour(tour.name.clone(), i));
        run_frames(&mut app, 30);
        let total = route_length(&route);
        let mut d = 0.0;
        while d <= total {
            // Put the packet `d` along its path, as if it had travelled that far.
            let now = app.world().resource::<Time<Real>>().elapsed_secs_f64();
            app.world_mut().resource_mut::<TourState>().played_at = now - f64::from(d) / 420.0;
            app.update();
            let drawn = app.world().resource::<LabelsDrawn>().clone();
            let at = app
                .world()
                .resource::<autochitect::app::state::PacketView>()
                .0
                .clone()
                .expect("a packet")
                .0;
            let insets = *app.world().resource::<autochitect::app::state::UiInsets>();
            let size = window_size(&mut app);
            let p = screen_pos(&mut app, at);
            let on_canvas = p.x > insets.left + 40.0
                && p.x < size.x - insets.right - 40.0
                && p.y > insets.top + 40.0
                && p.y < size.y - insets.bottom - 40.0;
            let Some(packet) = drawn.packet else {
                assert!(!on_canvas, "step {}: no label for the packet at {p}", i + 1);
                d += 30.0;
                continue;
            };
            for (t, r) in &drawn.parts {
                assert!(
                    !r.intersect(packet).size().cmpgt(Vec2::ZERO).all(),
                    "step {}: the packet's label {packet:?} covers {t:?} at {r:?}",
                    i + 1
                );
            }
            positions += 1;
            beside += usize::from(drawn.hidden == 0);
            d += 30.0;
        }
    }
    assert!(positions > 50, "{positions} positions");
    // Mostly the label finds room beside the packet and hides nothing.
    assert!(
        beside * 10 >= positions * 8,
        "{beside} of {positions} hid nothing"
    );
}

/// A tour opened from the command line (or a link) frames its step even though the camera has
/// no view yet when the step starts, and frames it again when the window changes size (presenter
/// mode's fullscreen).
#[test]
fn a_tour_started_at_launch_frames_its_step_and_follows_the_window() {
    use autochitect::app::state::{LaunchOptions, UiInsets};
    use autochitect::model::Launch;
    let mut app = app_with(
        LaunchOptions {
            launch: Launch {
                present: true,
                reduced_motion: true,
                tour: Some("http-request".into()),
                step: Some(2),
                ..Launch::default()
            },
            ..options()
        },
        true,
    );
    let m = model(&app);
    let step = &m.tour("http-request").expect("tour").steps[1];
    let frame = step_frame(&m.diagram, &step.focus).expect("frame");
    for (width, height) in [(1280.0, 720.0), (1920.0, 1080.0)] {
        resize_window(&mut app, width, height);
        run_frames(&mut app, 2);
        let insets = *app.world().resource::<UiInsets>();
        let view = *app.world().resource::<CameraView>();
        // Centred on the frame, and as large as the canvas allows in one direction.
        let centre = Vec2::new(frame.x + frame.w / 2.0, -(frame.y + frame.h / 2.0));
        assert!(
            view.center.distance(centre) < 1.0,
            "{width}×{height}: {view:?}"
        );
        let room = Vec2::new(width, height - insets.top - insets.bottom);
        let shown = Vec2::new(frame.w, frame.h) / view.scale;
        assert!(
            shown.x <= room.x
                && shown.y <= room.y
                && (shown.x > 0.7 * room.x || shown.y > 0.7 * room.y),
            "{width}×{height}: the frame is {shown} px in {room}"
        );
    }
}
