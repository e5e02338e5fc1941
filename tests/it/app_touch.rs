//! Touch screens: a tap selects, one finger pans as far as it moves, two fingers pinch, a double
//! tap zooms in; on a phone-sized window, after reading a write-up and coming back, too.

use autochitect::app::state::{CameraView, UiInsets};
use bevy::input::touch::TouchPhase;
use bevy::prelude::*;

use crate::support::*;

/// How far the view moved, in screen pixels, between two camera states.
fn moved_px(before: CameraView, after: CameraView) -> Vec2 {
    let d = (after.center - before.center) / after.scale;
    // World y is up, the screen's down: a finger moving left and down drags the world with it.
    Vec2::new(-d.x, d.y)
}

fn tap(app: &mut App, at: Vec2) {
    touch(app, 1, TouchPhase::Started, at);
    touch(app, 1, TouchPhase::Ended, at);
    app.update();
}

#[test]
fn a_tap_selects_the_part_under_the_finger() {
    let mut app = app();
    for id in ["a-raft", "b-sockets", "a-disk"] {
        let at = component_center(&mut app, id);
        tap(&mut app, at);
        assert_eq!(selected(&app), comp(id), "a tap on {id}");
    }
}

#[test]
fn one_finger_pans_as_far_as_it_moves_however_the_frames_fall() {
    // A slow swipe (a frame per move) and a fast one (the whole swipe before one frame).
    for per_frame in [1, 3, 7] {
        let mut app = app();
        let at = component_center(&mut app, "a-gc");
        tap(&mut app, at);
        let before = *app.world().resource::<CameraView>();
        let from = component_center(&mut app, "b-raft");
        swipe(&mut app, from, from + Vec2::new(-100.0, 30.0), 5, per_frame);
        let after = *app.world().resource::<CameraView>();
        let moved = moved_px(before, after);
        assert!(
            (moved - Vec2::new(-100.0, 30.0)).length() < 1.0,
            "{per_frame} event(s) a frame: the view moved {moved:?}"
        );
        assert_eq!(selected(&app), comp("a-gc"), "a swipe selects nothing");
    }
}

#[test]
fn on_a_phone_a_swipe_after_reading_pans_the_whole_way() {
    // The phone's path through the app: tap a part, read its write-up, come back, swipe.
    let mut app = app_with_ui();
    resize_window(&mut app, 390.0, 844.0);
    run_frames(&mut app, 3);
    // Framed as a phone opens it: the first computer, readable.
    press_key(&mut app, KeyCode::Home);
    run_frames(&mut app, 2);
    let at = component_center(&mut app, "a-http");
    assert!(at.x > 0.0 && at.x < 390.0, "a-http is on screen at {at:?}");
    tap(&mut app, at);
    run_frames(&mut app, 2);
    assert_eq!(selected(&app), comp("a-http"));
    let read = widget(&app, "Read write-up →").rect.center();
    tap(&mut app, read);
    run_frames(&mut app, 2);
    let back = widget(&app, "← Summary").rect.center();
    tap(&mut app, back);
    // The app answers in the two frames that follow (the reader closes, then the view settles
    // beside the summary sheet; the window asks for both); a finger takes far longer than that
    // to come down again.
    run_frames(&mut app, 2);
    let sheet = app.world().resource::<UiInsets>().bottom;
    assert!(
        sheet > 200.0,
        "the summary is a sheet at the bottom again ({sheet} px)"
    );
    let before = *app.world().resource::<CameraView>();
    let from = Vec2::new(200.0, 150.0);
    swipe(&mut app, from, from + Vec2::new(-100.0, 0.0), 5, 2);
    let after = *app.world().resource::<CameraView>();
    let moved = moved_px(before, after);
    assert!(
        (moved - Vec2::new(-100.0, 0.0)).length() < 1.0,
        "the view moved {moved:?}"
    );
}

#[test]
fn two_fingers_spreading_zoom_in_around_their_middle() {
    let mut app = app();
    let mid = component_center(&mut app, "b-raft");
    let world_before = world_at(&mut app, mid);
    let before = *app.world().resource::<CameraView>();
    touch(&mut app, 1, TouchPhase::Started, mid - Vec2::X * 40.0);
    touch(&mut app, 2, TouchPhase::Started, mid + Vec2::X * 40.0);
    app.update();
    for i in 1..=4 {
        let half = 40.0 + 10.0 * i as f32;
        touch(&mut app, 1, TouchPhase::Moved, mid - Vec2::X * half);
        touch(&mut app, 2, TouchPhase::Moved, mid + Vec2::X * half);
        app.update();
    }
    touch(&mut app, 1, TouchPhase::Ended, mid - Vec2::X * 80.0);
    touch(&mut app, 2, TouchPhase::Ended, mid + Vec2::X * 80.0);
    app.update();
    let after = *app.world().resource::<CameraView>();
    let zoom = before.scale / after.scale;
    assert!(
        (zoom - 2.0).abs() < 0.05,
        "spreading to twice the distance zooms in ×{zoom}"
    );
    let world_after = world_at(&mut app, mid);
    assert!(
        (world_after - world_before).length() * 1.0 / after.scale < 1.0,
        "the point between the fingers stays under them"
    );
    assert_eq!(selected(&app), None, "a pinch selects nothing");
}

#[test]
fn a_double_tap_zooms_in_and_a_single_tap_does_not() {
    let mut app = app();
    let at = component_center(&mut app, "a-raft");
    let before = *app.world().resource::<CameraView>();
    tap(&mut app, at);
    let after_one = *app.world().resource::<CameraView>();
    assert_eq!(after_one.scale, before.scale, "one tap only selects");
    tap(&mut app, at + Vec2::new(4.0, 3.0));
    let after_two = *app.world().resource::<CameraView>();
    assert!(
        after_two.scale < before.scale * 0.8,
        "a double tap zooms in ({} → {})",
        before.scale,
        after_two.scale
    );
}
