//! The pointer on the canvas: clicks (quick ones too), drags, the wheel and hovering.

use autochitect::app::state::{CameraView, DiagramEntity, Hovered, UiInsets};
use autochitect::model::Target;
use bevy::prelude::*;

use crate::support::*;

#[test]
fn loading_spawns_one_entity_per_component_and_link() {
    let mut app = app();
    let model = model(&app);
    let mut q = app.world_mut().query::<&DiagramEntity>();
    let entities: Vec<Target> = q.iter(app.world()).map(|d| d.target.clone()).collect();
    let comps = entities
        .iter()
        .filter(|t| matches!(t, Target::Component(_)))
        .count();
    let links = entities.len() - comps;
    assert_eq!(comps, model.diagram.components().len());
    assert_eq!(links, model.diagram.links().len());
}

#[test]
fn clicking_a_component_selects_it() {
    let mut app = app();
    let pos = component_center(&mut app, "a-raft");
    click_at(&mut app, pos);
    assert_eq!(selected(&app), comp("a-raft"));
}

#[test]
fn a_quick_click_with_move_press_and_release_in_one_frame_selects() {
    // A trackpad tap or a fast mouse: the pointer arrives, goes down and comes up before the
    // app draws its next frame. Every one of them must count.
    let mut app = app();
    let ids: Vec<String> = ["a-raft", "b-sockets", "a-jit", "b-disk", "a-http"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for id in &ids {
        let pos = component_center(&mut app, id);
        click_at(&mut app, pos);
        assert_eq!(selected(&app), comp(id), "a quick click on {id}");
    }
}

#[test]
fn clicking_a_nested_box_selects_the_innermost_one() {
    let mut app = app();
    // The kernel's own header area selects the kernel, its child selects the child.
    let kernel = model(&app)
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
    let cable = model(&app).diagram.link("cable").expect("cable").clone();
    // Middle of the cable's longest run, between the two computers.
    let (a, b) = cable
        .path
        .windows(2)
        .map(|w| (w[0], w[1]))
        .max_by(|x, y| {
            let d = |(a, b): &(autochitect::model::Point, autochitect::model::Point)| {
                (b.x - a.x).hypot(b.y - a.y)
            };
            d(x).total_cmp(&d(y))
        })
        .expect("a segment");
    let pos = screen_pos(&mut app, Vec2::new((a.x + b.x) / 2.0, -(a.y + b.y) / 2.0));
    click_at(&mut app, pos);
    assert_eq!(selected(&app), link("cable"));
}

#[test]
fn clicking_empty_canvas_clears_the_selection() {
    let mut app = app();
    let pos = component_center(&mut app, "a-gc");
    click_at(&mut app, pos);
    assert_eq!(selected(&app), comp("a-gc"));
    // Above both computers: empty canvas.
    let bounds = model(&app).diagram.bounds();
    let empty = screen_pos(
        &mut app,
        Vec2::new(bounds.x + bounds.w / 2.0, -bounds.y + 20.0),
    );
    click_at(&mut app, empty);
    assert_eq!(selected(&app), None);
}

#[test]
fn a_click_over_a_panel_selects_nothing_beneath_it() {
    let mut app = app_with_ui();
    // Select something on the right-hand computer so the summary panel opens on the right.
    let pos = component_center(&mut app, "b-sockets");
    click_at(&mut app, pos);
    assert_eq!(selected(&app), comp("b-sockets"));
    run_frames(&mut app, 2);
    let insets = *app.world().resource::<UiInsets>();
    assert!(
        insets.right > 200.0,
        "the summary panel is open: {insets:?}"
    );
    // Click inside the panel, at a point where a component is drawn beneath it.
    let width = window_size(&mut app).x;
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

#[test]
fn dragging_pans_the_view_and_selects_nothing() {
    let mut app = app();
    let pos = component_center(&mut app, "a-gc");
    click_at(&mut app, pos);
    let before = *app.world().resource::<CameraView>();
    // Start the drag on a component: a drag is not a click.
    let from = component_center(&mut app, "b-raft");
    drag(&mut app, from, from + Vec2::new(-120.0, 40.0), 6);
    let after = *app.world().resource::<CameraView>();
    assert_eq!(selected(&app), comp("a-gc"), "the drag selected nothing");
    // The diagram follows the pointer: what was under it is under it again.
    let moved = (after.center - before.center) / after.scale;
    assert!(
        (moved - Vec2::new(120.0, 40.0)).length() < 1.0,
        "the view moved by {moved:?}"
    );
    assert_eq!(after.scale, before.scale);
}

#[test]
fn a_short_wobble_during_a_click_is_still_a_click() {
    let mut app = app();
    let pos = component_center(&mut app, "b-raft");
    drag(&mut app, pos, pos + Vec2::new(3.0, -2.0), 2);
    assert_eq!(selected(&app), comp("b-raft"));
}

#[test]
fn the_wheel_zooms_around_the_pointer_within_limits() {
    let mut app = app();
    let fitted = *app.world().resource::<CameraView>();
    let at = component_center(&mut app, "b-jit");
    let world_before = world_at(&mut app, at);
    wheel_at(&mut app, at, 2.0);
    let zoomed = *app.world().resource::<CameraView>();
    assert!(zoomed.scale < fitted.scale, "zoomed in: {zoomed:?}");
    // The point under the pointer stays under the pointer.
    let world_after = world_at(&mut app, at);
    assert!(
        world_before.distance(world_after) < 0.5,
        "{world_before} → {world_after}"
    );
    // However far the wheel turns, the zoom stops at its limits.
    for _ in 0..60 {
        wheel_at(&mut app, at, 3.0);
    }
    let closest = app.world().resource::<CameraView>().scale;
    assert!(
        (closest - 0.25).abs() < 1e-4,
        "4 px per unit at most: {closest}"
    );
    for _ in 0..80 {
        wheel_at(&mut app, at, -3.0);
    }
    let farthest = app.world().resource::<CameraView>().scale;
    assert!(
        (farthest - fitted.scale * 3.0).abs() < fitted.scale * 0.01,
        "three times the fitted view at most: {farthest} vs {}",
        fitted.scale
    );
}

#[test]
fn hovering_marks_the_part_under_the_pointer_and_leaving_clears_it() {
    let mut app = app();
    let pos = component_center(&mut app, "a-allocator");
    hover_at(&mut app, pos);
    assert_eq!(
        app.world().resource::<Hovered>().target,
        comp("a-allocator")
    );
    let bounds = model(&app).diagram.bounds();
    let empty = screen_pos(
        &mut app,
        Vec2::new(bounds.x + bounds.w / 2.0, -bounds.y + 20.0),
    );
    hover_at(&mut app, empty);
    assert_eq!(app.world().resource::<Hovered>().target, None);
}
