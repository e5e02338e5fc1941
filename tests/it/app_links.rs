//! Links and deep links: links in write-ups, launch options, and the address a web page shows,
//! all applied by the same routes.

use autochitect::app::state::{
    Intent, LabState, LaunchOptions, Notice, Reader, Selection, TourState,
};
use autochitect::app::state::{address_intents, current_route};
use autochitect::model::Address;
use autochitect::model::{Launch, Route, WriteupSlug};

use crate::support::*;

fn notice(app: &bevy::prelude::App) -> String {
    app.world()
        .resource::<Notice>()
        .text
        .clone()
        .unwrap_or_default()
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
        "#/nowhere/at-all",
    ] {
        app.world_mut()
            .write_message(Intent::FollowLink(bad.into()));
        app.update();
        assert!(
            notice(&app).starts_with("Not opened"),
            "{bad}: {}",
            notice(&app)
        );
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
fn a_part_link_in_a_write_up_selects_the_part_and_keeps_the_write_up_open() {
    let mut app = app();
    app.world_mut()
        .write_message(Intent::FollowLink("#/writeup/jit-compilation".into()));
    app.update();
    app.world_mut()
        .write_message(Intent::FollowLink("#/component/b-jit".into()));
    app.update();
    assert_eq!(selected(&app), comp("b-jit"));
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(WriteupSlug::new("jit-compilation"))
    );
    app.world_mut()
        .write_message(Intent::FollowLink("#/component/no-such-part".into()));
    app.update();
    assert!(notice(&app).contains("no-such-part"), "{}", notice(&app));
}

#[test]
fn launch_options_select_and_open() {
    let mut app = app_with(
        LaunchOptions {
            launch: Launch {
                select: Some("cable".into()),
                writeup: Some("osi-model".into()),
                ..Launch::default()
            },
            ..options()
        },
        false,
    );
    app.update();
    assert_eq!(selected(&app), link("cable"));
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(WriteupSlug::new("osi-model"))
    );
}

#[test]
fn unknown_launch_targets_say_so() {
    for (launch, expected) in [
        (
            Launch {
                select: Some("nope".into()),
                ..Launch::default()
            },
            "nope",
        ),
        (
            Launch {
                writeup: Some("nothing-here".into()),
                ..Launch::default()
            },
            "nothing-here",
        ),
        (
            Launch {
                tour: Some("no-tour".into()),
                ..Launch::default()
            },
            "no-tour",
        ),
    ] {
        let mut app = app_with(
            LaunchOptions {
                launch,
                ..options()
            },
            false,
        );
        app.update();
        assert!(notice(&app).contains(expected), "{}", notice(&app));
        assert_eq!(selected(&app), None);
    }
}

#[test]
fn an_address_and_the_state_it_stands_for_agree() {
    let mut app = app();
    let addresses = [
        "#/component/a-raft",
        "#/writeup/raft-protocol",
        "#/tour/http-request/3",
        "#/diagram/raft-cluster.ron",
    ];
    for hash in addresses {
        let Address::Place(route) = Address::parse(hash) else {
            panic!("{hash} is a place");
        };
        if let Route::Diagram(_) = route {
            continue; // another diagram loads asynchronously; the picker test covers it
        }
        app.world_mut()
            .write_message_batch(address_intents(&Address::parse("#/")));
        app.update();
        app.world_mut()
            .write_message_batch(address_intents(&Address::parse(hash)));
        app.update();
        let m = model(&app);
        let now = current_route(
            &m,
            app.world().resource::<Selection>(),
            app.world().resource::<Reader>(),
            app.world().resource::<TourState>(),
            app.world().resource::<LabState>(),
        );
        assert_eq!(now.map(|r| r.to_hash()).as_deref(), Some(hash));
    }
    app.world_mut()
        .write_message_batch(address_intents(&Address::parse("#/")));
    app.update();
    let m = model(&app);
    assert_eq!(
        current_route(
            &m,
            app.world().resource::<Selection>(),
            app.world().resource::<Reader>(),
            app.world().resource::<TourState>(),
            app.world().resource::<LabState>(),
        ),
        None
    );
    assert_eq!(Address::parse("#/garbage"), Address::Unknown);
    assert!(address_intents(&Address::parse("#/garbage")).is_empty());
}
