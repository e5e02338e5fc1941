//! How the app looks: themes (chosen, or the system's), the text size, and that both are
//! remembered.

use autochitect::app::state::{Intent, LaunchOptions, Preferences, SystemLook, ThemeChoice};
use autochitect::app::theme::Look;
use autochitect::model::style::Theme;
use bevy::prelude::*;

use crate::support::*;

fn look(app: &App) -> Theme {
    app.world().resource::<Look>().theme
}

#[test]
fn the_view_menu_switches_the_theme_and_the_canvas_follows() {
    let mut app = app_with_ui();
    assert_eq!(look(&app), Theme::Light);
    click_widget(&mut app, "View ▾");
    click_widget(&mut app, "High contrast");
    assert_eq!(look(&app), Theme::HighContrast);
    let clear = app
        .world()
        .get_resource::<ClearColor>()
        .map(|c| c.0.to_srgba().to_u8_array());
    // Headless apps have no ClearColor unless the renderer adds it; when there is one, it follows.
    if let Some(rgba) = clear {
        assert_eq!(rgba, [255, 255, 255, 255]);
    }
    click_widget(&mut app, "View ▾");
    click_widget(&mut app, "Dark");
    assert_eq!(look(&app), Theme::Dark);
}

#[test]
fn follow_the_system_picks_dark_or_high_contrast_as_the_system_says() {
    let mut app = app();
    app.world_mut().resource_mut::<SystemLook>().dark = true;
    app.update();
    assert_eq!(look(&app), Theme::Dark);
    app.world_mut().resource_mut::<SystemLook>().high_contrast = true;
    app.update();
    assert_eq!(look(&app), Theme::HighContrast);
    app.world_mut()
        .write_message(Intent::SetTheme(ThemeChoice::Fixed(Theme::Light)));
    app.update();
    assert_eq!(
        look(&app),
        Theme::Light,
        "a chosen theme wins over the system's"
    );
}

#[test]
fn ctrl_plus_and_minus_scale_the_text_of_panels_and_labels() {
    let mut app = app_with_ui();
    let scale = |app: &App| app.world().resource::<Preferences>().text_scale;
    press_with(&mut app, KeyCode::ControlLeft, KeyCode::Equal);
    press_with(&mut app, KeyCode::ControlLeft, KeyCode::Equal);
    assert!((scale(&app) - 1.2).abs() < 1e-5, "{}", scale(&app));
    // The panels grow with it: the top bar is taller.
    run_frames(&mut app, 2);
    let top = app
        .world()
        .resource::<autochitect::app::state::UiInsets>()
        .top;
    assert!(top > 40.0 * 1.15, "the top bar is {top} px tall");
    press_with(&mut app, KeyCode::ControlLeft, KeyCode::Minus);
    assert!((scale(&app) - 1.1).abs() < 1e-5);
    press_with(&mut app, KeyCode::ControlLeft, KeyCode::Digit0);
    assert_eq!(scale(&app), 1.0);
    for _ in 0..30 {
        press_with(&mut app, KeyCode::ControlLeft, KeyCode::Equal);
    }
    assert_eq!(scale(&app), Preferences::TEXT_SCALE_RANGE.1);
    // Plain + and - still zoom the diagram, not the text.
    let before = scale(&app);
    press_key(&mut app, KeyCode::Equal);
    assert_eq!(scale(&app), before);
}

#[test]
fn preferences_are_remembered_between_sessions() {
    let dir = TempDir::new("prefs");
    let remembering = || LaunchOptions {
        remember_preferences: true,
        preferences_file: Some(dir.join("preferences.ron").to_string_lossy().into_owned()),
        ..options()
    };
    let mut app = app_with(remembering(), false);
    app.world_mut()
        .write_message(Intent::SetTheme(ThemeChoice::Fixed(Theme::HighContrast)));
    app.world_mut().write_message(Intent::TextSize(3));
    app.world_mut()
        .write_message(Intent::SetReducedMotion(true));
    run_frames(&mut app, 2);
    assert!(dir.join("preferences.ron").is_file());
    let again = app_with(remembering(), false);
    let p = *again.world().resource::<Preferences>();
    assert_eq!(p.theme, ThemeChoice::Fixed(Theme::HighContrast));
    assert!((p.text_scale - 1.3).abs() < 1e-5);
    assert!(p.reduced_motion);
    assert_eq!(look(&again), Theme::HighContrast);
}
