//! The keyboard: navigation, zoom and fit, search, the reader and presenter mode, each key
//! pressed as a fast typist presses it (down and up in one frame).

use autochitect::app::state::{
    CameraView, Emphasis, Intent, Presenter, Reader, SearchState, TourState,
};
use autochitect::model::{Target, WriteupSlug};
use bevy::prelude::*;

use crate::support::*;

#[test]
fn escape_closes_the_reader_before_clearing_the_selection() {
    let mut app = app();
    let pos = component_center(&mut app, "a-disk");
    click_at(&mut app, pos);
    press_key(&mut app, KeyCode::Enter);
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(WriteupSlug::new("storage-durability"))
    );
    for expected_selection in [comp("a-disk"), None] {
        press_key(&mut app, KeyCode::Escape);
        assert_eq!(app.world().resource::<Reader>().open, None);
        assert_eq!(selected(&app), expected_selection);
    }
}

#[test]
fn tab_walks_the_reading_order_and_shift_tab_walks_it_back() {
    let mut app = app();
    let order = model(&app).diagram.reading_order();
    for id in order.iter().take(4) {
        press_key(&mut app, KeyCode::Tab);
        assert_eq!(selected(&app), comp(id.as_str()));
    }
    for id in order.iter().take(3).rev() {
        press_with(&mut app, KeyCode::ShiftLeft, KeyCode::Tab);
        assert_eq!(selected(&app), comp(id.as_str()));
    }
}

#[test]
fn arrows_follow_links_and_enter_opens_the_write_up() {
    let mut app = app();
    let pos = component_center(&mut app, "a-http");
    click_at(&mut app, pos);
    press_key(&mut app, KeyCode::ArrowDown);
    assert_eq!(
        selected(&app),
        comp("a-sockets"),
        "down from the HTTP server follows send()/recv()"
    );
    press_key(&mut app, KeyCode::ArrowRight);
    assert_eq!(selected(&app), comp("a-tcpip"));
    press_key(&mut app, KeyCode::ArrowDown);
    assert_eq!(selected(&app), comp("a-nic"));
    press_key(&mut app, KeyCode::ArrowRight);
    assert_eq!(
        selected(&app),
        comp("b-nic"),
        "right from A's card follows the cable"
    );
    press_key(&mut app, KeyCode::Enter);
    let expected = model(&app)
        .diagram
        .writeup_of(&Target::Component(autochitect::model::ComponentId::new(
            "b-nic",
        )))
        .cloned();
    assert_eq!(app.world().resource::<Reader>().open, expected);
    press_key(&mut app, KeyCode::Escape);
    assert_eq!(app.world().resource::<Reader>().open, None);
    assert_eq!(selected(&app), comp("b-nic"));
}

#[test]
fn plus_and_minus_zoom_and_f_or_home_fit_the_diagram_again() {
    let mut app = app();
    let fitted = *app.world().resource::<CameraView>();
    press_key(&mut app, KeyCode::Equal);
    let closer = app.world().resource::<CameraView>().scale;
    assert!(closer < fitted.scale);
    press_key(&mut app, KeyCode::Minus);
    press_key(&mut app, KeyCode::Minus);
    let farther = app.world().resource::<CameraView>().scale;
    assert!(farther > fitted.scale);
    for key in [KeyCode::KeyF, KeyCode::Home] {
        let from = component_center(&mut app, "a-raft");
        drag(&mut app, from, from + Vec2::new(200.0, 0.0), 4);
        assert_ne!(*app.world().resource::<CameraView>(), fitted);
        press_key(&mut app, key);
        assert_eq!(*app.world().resource::<CameraView>(), fitted, "{key:?}");
    }
}

#[test]
fn slash_and_ctrl_k_open_the_search_and_matches_stay_bright() {
    let mut app = app_with_ui();
    for open in [
        |app: &mut App| press_key(app, KeyCode::Slash),
        |app: &mut App| press_with(app, KeyCode::ControlLeft, KeyCode::KeyK),
    ] {
        open(&mut app);
        run_frames(&mut app, 1);
        assert!(app.world().resource::<SearchState>().open);
        type_text(&mut app, "raft");
        run_frames(&mut app, 1);
        let state = app.world().resource::<SearchState>().clone();
        assert_eq!(state.query, "raft", "typing goes into the box");
        let bright = app
            .world()
            .resource::<Emphasis>()
            .search
            .clone()
            .expect("a search emphasises its matches");
        assert!(bright.contains(&comp("a-raft").expect("target")));
        assert!(!bright.contains(&comp("a-gc").expect("target")));
        press_key(&mut app, KeyCode::Escape);
        run_frames(&mut app, 1);
        assert!(!app.world().resource::<SearchState>().open);
        assert_eq!(app.world().resource::<Emphasis>().search, None);
    }
}

#[test]
fn choosing_a_search_result_with_enter_selects_it() {
    let mut app = app_with_ui();
    press_key(&mut app, KeyCode::Slash);
    run_frames(&mut app, 1);
    type_text(&mut app, "Network card");
    run_frames(&mut app, 1);
    press_key(&mut app, KeyCode::Enter);
    run_frames(&mut app, 1);
    assert!(!app.world().resource::<SearchState>().open);
    assert!(
        matches!(selected(&app), Some(Target::Component(id)) if id.as_str().ends_with("-nic")),
        "{:?}",
        selected(&app)
    );
}

fn presenter(app: &App) -> Presenter {
    app.world().resource::<Presenter>().clone()
}

fn tour_step(app: &App) -> Option<(String, usize)> {
    let t = app.world().resource::<TourState>();
    t.tour.clone().map(|n| (n, t.step))
}

#[test]
fn presenter_keys_step_the_tour_scale_text_and_blank_the_screen() {
    let mut app = app();
    // Camera moves are instant, so the zoom can be compared while the tour plays.
    app.world_mut()
        .resource_mut::<autochitect::app::state::Preferences>()
        .reduced_motion = true;
    press_key(&mut app, KeyCode::KeyP);
    assert!(presenter(&app).on);
    // The clicker's "next" starts the first tour.
    press_key(&mut app, KeyCode::PageDown);
    let first = model(&app).tours[0].name.clone();
    assert_eq!(tour_step(&app), Some((first.clone(), 0)));
    press_key(&mut app, KeyCode::Space);
    assert_eq!(tour_step(&app), Some((first.clone(), 1)));
    press_key(&mut app, KeyCode::ArrowRight);
    assert_eq!(tour_step(&app), Some((first.clone(), 2)));
    press_key(&mut app, KeyCode::PageUp);
    press_key(&mut app, KeyCode::Backspace);
    assert_eq!(tour_step(&app), Some((first, 0)));

    // `+` and `-` scale the text, and leave the diagram's zoom alone.
    let view = *app.world().resource::<CameraView>();
    let scale = presenter(&app).scale;
    press_key(&mut app, KeyCode::Equal);
    assert!((presenter(&app).scale - (scale + Presenter::SCALE_STEP)).abs() < 1e-5);
    press_key(&mut app, KeyCode::Minus);
    press_key(&mut app, KeyCode::Minus);
    assert!((presenter(&app).scale - (scale - Presenter::SCALE_STEP)).abs() < 1e-5);
    assert_eq!(app.world().resource::<CameraView>().scale, view.scale);
    for _ in 0..40 {
        press_key(&mut app, KeyCode::Equal);
    }
    assert_eq!(presenter(&app).scale, Presenter::SCALE_RANGE.1);

    press_key(&mut app, KeyCode::KeyB);
    assert!(presenter(&app).blank);
    press_key(&mut app, KeyCode::Period);
    assert!(!presenter(&app).blank);
    press_key(&mut app, KeyCode::KeyB);
    press_key(&mut app, KeyCode::Escape);
    let p = presenter(&app);
    assert!(p.on && !p.blank, "Esc un-blanks first");
    press_key(&mut app, KeyCode::Escape);
    assert!(!presenter(&app).on);
    press_key(&mut app, KeyCode::KeyP);
    assert!(presenter(&app).on);
    press_key(&mut app, KeyCode::KeyP);
    assert!(!presenter(&app).on, "P leaves as it entered");
}

#[test]
fn presenter_mode_from_the_command_line_drives_a_tour_from_its_step() {
    let mut app = app_with(
        autochitect::app::state::LaunchOptions {
            launch: autochitect::model::Launch {
                present: true,
                tour: Some("durable-write".into()),
                step: Some(2),
                ..Default::default()
            },
            ..options()
        },
        false,
    );
    run_frames(&mut app, 1);
    assert!(presenter(&app).on);
    assert_eq!(tour_step(&app), Some(("durable-write".into(), 1)));
    press_key(&mut app, KeyCode::PageDown);
    assert_eq!(tour_step(&app).map(|t| t.1), Some(2));
    press_key(&mut app, KeyCode::Escape);
    assert!(!presenter(&app).on);
    // Out of presenter mode, the arrows navigate the diagram again instead of the tour.
    press_key(&mut app, KeyCode::ArrowRight);
    assert_eq!(tour_step(&app).map(|t| t.1), Some(2));
}

#[test]
fn keys_typed_into_a_text_field_do_not_drive_the_app() {
    let mut app = app_with_ui();
    press_key(&mut app, KeyCode::Slash);
    run_frames(&mut app, 1);
    let view = *app.world().resource::<CameraView>();
    // `p`, `f` and `-` are letters in the search box, not presenter mode, fit or zoom.
    type_text(&mut app, "pf-");
    run_frames(&mut app, 1);
    assert!(!presenter(&app).on);
    assert_eq!(*app.world().resource::<CameraView>(), view);
    assert_eq!(app.world().resource::<SearchState>().query, "pf-");
}

#[test]
fn the_keymap_depends_on_the_mode() {
    use autochitect::app::keymap::{Mode, Modifiers, intent_for};
    use autochitect::model::navigate::Direction;
    let none = Modifiers::default();
    let shift = Modifiers {
        shift: true,
        ..none
    };
    let exploring = Mode::Exploring;
    let presenting = Mode::Presenting { blank: false };
    let blank = Mode::Presenting { blank: true };
    let cases = [
        (
            KeyCode::ArrowRight,
            none,
            exploring,
            Some(Intent::Navigate(Direction::Right)),
        ),
        (
            KeyCode::ArrowRight,
            none,
            presenting,
            Some(Intent::NextStep),
        ),
        (KeyCode::PageDown, none, exploring, None),
        (
            KeyCode::Tab,
            shift,
            exploring,
            Some(Intent::TabNext { back: true }),
        ),
        (KeyCode::Equal, none, exploring, Some(Intent::ZoomBy(1.0))),
        (KeyCode::Equal, none, presenting, Some(Intent::ScaleText(1))),
        (KeyCode::Escape, none, exploring, Some(Intent::Back)),
        (
            KeyCode::Escape,
            none,
            presenting,
            Some(Intent::SetPresenting(false)),
        ),
        (KeyCode::Escape, none, blank, Some(Intent::ToggleBlank)),
        (KeyCode::KeyK, none, exploring, None),
        (
            KeyCode::KeyK,
            Modifiers {
                command: true,
                ..none
            },
            exploring,
            Some(Intent::OpenSearch),
        ),
        (KeyCode::Home, none, presenting, Some(Intent::FitView)),
        (
            KeyCode::KeyN,
            none,
            presenting,
            Some(Intent::ToggleSpeakerNotes),
        ),
        (KeyCode::KeyN, none, exploring, None),
        // The web's speaker view: a clicker moves the talk; nothing else there moves.
        (
            KeyCode::PageDown,
            none,
            Mode::Speaker,
            Some(Intent::NextStep),
        ),
        (
            KeyCode::Backspace,
            none,
            Mode::Speaker,
            Some(Intent::PrevStep),
        ),
        (KeyCode::Escape, none, Mode::Speaker, None),
        (KeyCode::Enter, none, Mode::Speaker, None),
    ];
    for (key, mods, mode, want) in cases {
        assert_eq!(
            intent_for(key, mods, mode),
            want,
            "{key:?} {mods:?} {mode:?}"
        );
    }
}
