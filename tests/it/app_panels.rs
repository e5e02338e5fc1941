//! The panels, clicked as a person clicks them (found by their accessible names): the top bar,
//! the summary, the write-up index and its tag filter, notices, the tour panel, and the labels
//! drawn on the canvas.

use autochitect::app::state::{
    CameraView, IndexPanel, Intent, LabelsDrawn, Notice, Preferences, Presenter, Reader, TourState,
};
use autochitect::model::WriteupSlug;
use bevy::prelude::*;

use crate::support::*;

#[test]
fn the_summary_offers_the_write_up_and_its_related_topics() {
    let mut app = app_with_ui();
    let pos = component_center(&mut app, "b-raft");
    click_at(&mut app, pos);
    run_frames(&mut app, 1);
    let writeups = model(&app).writeups.clone();
    let raft = writeups.get_str("raft-protocol").expect("raft");
    // The summary shows the write-up's title; a related topic selects its part nearby.
    widget(&app, &raft.title);
    let related = writeups
        .get(&WriteupSlug::new("leader-election"))
        .expect("related")
        .title
        .clone();
    click_widget(&mut app, &related);
    assert_eq!(
        selected(&app),
        comp("b-election"),
        "the one on the same computer"
    );
    click_widget(&mut app, "Read write-up →");
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(WriteupSlug::new("leader-election"))
    );
    click_widget(&mut app, "← Summary");
    assert_eq!(app.world().resource::<Reader>().open, None);
    click_widget(&mut app, "✕");
    assert_eq!(selected(&app), None);
}

#[test]
fn the_index_lists_every_write_up_and_filters_by_tag() {
    let mut app = app_with_ui();
    click_widget(&mut app, "☰ All write-ups");
    assert!(app.world().resource::<IndexPanel>().open);
    let catalog = model(&app).writeups.clone();
    for w in catalog.newest_first() {
        widget(&app, &w.title);
    }
    let tag = catalog
        .tags()
        .into_iter()
        .find(|t| *t == "Storage")
        .expect("a Storage tag")
        .to_owned();
    click_widget(&mut app, &tag);
    assert_eq!(
        selected(&app),
        None,
        "a click on a panel selects nothing behind it"
    );
    assert_eq!(app.world().resource::<IndexPanel>().tag, Some(tag.clone()));
    for w in catalog.newest_first() {
        let listed = app
            .world()
            .resource::<autochitect::app::headless::Widgets>()
            .nodes
            .iter()
            .any(|n| n.label == w.title && n.region.as_deref() == Some("All write-ups"));
        assert_eq!(listed, w.tags.contains(&tag), "{}", w.title);
    }
    // Opening one from the list opens it and selects its part.
    let first = catalog
        .newest_first()
        .into_iter()
        .find(|w| w.tags.contains(&tag))
        .expect("one")
        .clone();
    click_widget(&mut app, &first.title);
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(first.slug.clone())
    );
    let part = model(&app).diagram.target_for_writeup(&first.slug);
    assert_eq!(selected(&app), part);
    // "All" lifts the filter; the button closes the index.
    click_widget(&mut app, "All");
    assert_eq!(app.world().resource::<IndexPanel>().tag, None);
    click_widget(&mut app, "✕ All write-ups");
    assert!(!app.world().resource::<IndexPanel>().open);
}

#[test]
fn a_notice_can_be_dismissed() {
    let mut app = app_with_ui();
    app.world_mut()
        .write_message(Intent::FollowLink("javascript:alert(1)".into()));
    run_frames(&mut app, 2);
    assert!(app.world().resource::<Notice>().text.is_some());
    click_widget(&mut app, "Dismiss");
    assert_eq!(app.world().resource::<Notice>().text, None);
}

#[test]
fn the_top_bar_fits_the_view_and_starts_presenting() {
    let mut app = app_with_ui();
    let fitted = *app.world().resource::<CameraView>();
    let from = component_center(&mut app, "a-raft");
    drag(&mut app, from, from + Vec2::new(150.0, 60.0), 4);
    assert_ne!(*app.world().resource::<CameraView>(), fitted);
    click_widget(&mut app, "Fit view");
    let now = *app.world().resource::<CameraView>();
    assert!(
        (now.scale - fitted.scale).abs() < 1e-4 && now.center.distance(fitted.center) < 0.5,
        "{now:?} vs {fitted:?}"
    );
    click_widget(&mut app, "Present");
    assert!(app.world().resource::<Presenter>().on);
}

#[test]
fn the_tour_panel_steps_and_switches_reduced_motion() {
    let mut app = app_with_ui();
    let tour = model(&app).tours[0].clone();
    app.world_mut()
        .write_message(Intent::StartTour(tour.name.clone(), 0));
    run_frames(&mut app, 2);
    click_widget(&mut app, "Next ▶");
    assert_eq!(app.world().resource::<TourState>().step, 1);
    click_widget(&mut app, "◀ Previous");
    assert_eq!(app.world().resource::<TourState>().step, 0);
    assert!(!app.world().resource::<Preferences>().reduced_motion);
    click_widget(&mut app, "Reduced motion");
    assert!(app.world().resource::<Preferences>().reduced_motion);
    click_widget(&mut app, "Reduced motion");
    assert!(!app.world().resource::<Preferences>().reduced_motion);
    click_widget(&mut app, "✕ End tour");
    assert_eq!(app.world().resource::<TourState>().tour, None);
}

#[test]
fn labels_are_drawn_only_when_on_screen_and_big_enough_to_read() {
    let mut app = app_with_ui();
    let parts = {
        let m = model(&app);
        m.diagram.components().len() + m.diagram.links().len()
    };
    let drawn = |app: &App| app.world().resource::<LabelsDrawn>().count();
    // Fitted, every component and link is readable and on screen.
    assert_eq!(drawn(&app), parts);

    // Zoomed far out, the text would be a few pixels tall: none is laid out.
    let fitted = *app.world().resource::<CameraView>();
    app.world_mut().resource_mut::<CameraView>().scale = fitted.scale * 8.0;
    run_frames(&mut app, 2);
    assert_eq!(drawn(&app), 0);

    // Zoomed in on one box, only the labels around it are drawn.
    let raft = {
        let m = model(&app);
        let c = m.diagram.component("a-raft").expect("a-raft");
        Vec2::new(c.rect.x + c.rect.w / 2.0, -(c.rect.y + c.rect.h / 2.0))
    };
    *app.world_mut().resource_mut::<CameraView>() = CameraView {
        center: raft,
        scale: fitted.scale / 4.0,
    };
    run_frames(&mut app, 2);
    let near = drawn(&app);
    assert!(near > 0 && near < parts / 2, "{near} of {parts}");
}
