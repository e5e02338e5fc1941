//! The explorer without a window or GPU, for tests and benchmarks: the real plugins, the real
//! files and (optionally) egui's panels, driven frame by frame.
//!
//! Input goes in the way a window reports it ([`click`]), so the pointer, egui and the keymap
//! all see the same events as in the desktop app.

use bevy::input::InputPlugin;
use bevy::prelude::*;
use bevy::window::PrimaryWindow;

use super::state::space::world;
use super::state::{LaunchOptions, LoadProblems, LoadedModel, MainCamera};

/// A windowless app with the explorer's plugins (and egui's panels when `with_ui`), not yet
/// loaded: call [`settle`] to load the files.
pub fn app(options: LaunchOptions, with_ui: bool) -> App {
    let mut app = App::new();
    super::register_sources(&mut app, &options);
    app.insert_resource(options.clone());
    app.add_plugins((
        MinimalPlugins,
        AssetPlugin {
            file_path: options.asset_root.clone(),
            ..default()
        },
        WindowPlugin::default(),
        InputPlugin,
        TransformPlugin,
        bevy::image::ImagePlugin::default(),
        bevy::camera::CameraPlugin,
    ));
    app.init_asset::<Mesh>()
        .init_asset::<ColorMaterial>()
        .init_asset::<bevy::mesh::skinning::SkinnedMeshInverseBindposes>();
    app.add_systems(
        PostUpdate,
        camera_system.before(TransformSystems::Propagate),
    );
    if with_ui {
        app.init_asset::<bevy::shader::Shader>();
        // What the window's accessibility adapter would provide (bevy_egui asks for it).
        app.add_plugins(bevy::a11y::AccessibilityPlugin);
        app.add_plugins(bevy_egui::EguiPlugin::default());
    }
    app.add_plugins(super::AppPlugin);
    if with_ui {
        app.add_plugins(super::UiPlugin);
    }
    app
}

/// What `bevy_render`'s camera system does for a window target, without a renderer: size the
/// target from the window, fit the projection to the viewport, and keep its matrix.
fn camera_system(
    windows: Query<&Window, With<PrimaryWindow>>,
    mut cameras: Query<(&mut Camera, &mut Projection)>,
) {
    let Ok(window) = windows.single() else { return };
    for (mut camera, mut projection) in &mut cameras {
        let info = bevy::camera::RenderTargetInfo {
            physical_size: UVec2::new(window.physical_width(), window.physical_height()),
            scale_factor: window.scale_factor(),
        };
        camera.computed.target_info = Some(info);
        let size = camera
            .logical_viewport_size()
            .unwrap_or(Vec2::new(window.width(), window.height()));
        projection.update(size.x, size.y);
        camera.computed.clip_from_view = projection.get_clip_from_view();
    }
}

/// Runs frames until the model is loaded (or problems are reported), then a few more.
pub fn settle(app: &mut App) {
    // Everything in: the model, and every write-up's text (which follows the model).
    run_until(app, 5000, |app| {
        let w = app.world();
        w.get_resource::<LoadedModel>().is_some_and(|m| {
            m.writeups
                .newest_first()
                .iter()
                .all(|w| !matches!(w.body, crate::model::Body::Pending))
        }) || !w.resource::<LoadProblems>().0.0.is_empty()
    });
    for _ in 0..3 {
        app.update();
    }
}

/// Runs frames (pausing briefly for asset I/O) until `done` holds, at most `frames` times.
pub fn run_until(app: &mut App, frames: usize, done: impl Fn(&App) -> bool) {
    for _ in 0..frames {
        app.update();
        if done(app) {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
    }
}

/// The primary window.
pub fn window(app: &mut App) -> Option<Entity> {
    let mut q = app
        .world_mut()
        .query_filtered::<Entity, With<PrimaryWindow>>();
    q.single(app.world()).ok()
}

/// Where a world point is in the window, in logical pixels (None when off the viewport).
pub fn screen_pos(app: &mut App, world: Vec2) -> Option<Vec2> {
    let mut q = app
        .world_mut()
        .query_filtered::<(&Camera, &GlobalTransform), With<MainCamera>>();
    let (camera, transform) = q.single(app.world()).ok()?;
    camera.world_to_viewport(transform, world.extend(0.0)).ok()
}

/// Where a component's centre is in the window, in logical pixels.
pub fn component_pos(app: &mut App, id: &str) -> Option<Vec2> {
    let c = app
        .world()
        .resource::<LoadedModel>()
        .diagram
        .component(id)?
        .rect
        .center();
    screen_pos(app, world(c))
}

/// Moves the cursor to a window position as a real window reports it (no frame is run).
pub fn move_cursor(app: &mut App, pos: Vec2) {
    use bevy::window::{CursorMoved, WindowEvent};
    let Some(window) = window(app) else { return };
    if let Some(mut w) = app.world_mut().get_mut::<Window>(window) {
        w.set_cursor_position(Some(pos));
    }
    // winit reports each event twice: as itself and inside the `WindowEvent` stream.
    let moved = CursorMoved {
        window,
        position: pos,
        delta: None,
    };
    app.world_mut().write_message(moved.clone());
    app.world_mut()
        .write_message(WindowEvent::CursorMoved(moved));
}

/// Presses or releases the left mouse button (no frame is run).
pub fn left_button(app: &mut App, state: bevy::input::ButtonState) {
    use bevy::input::mouse::MouseButtonInput;
    let Some(window) = window(app) else { return };
    let button = MouseButtonInput {
        button: MouseButton::Left,
        state,
        window,
    };
    app.world_mut().write_message(button);
    app.world_mut()
        .write_message(bevy::window::WindowEvent::MouseButtonInput(button));
}

/// Turns the mouse wheel by `lines` notches (positive: away from the user) with the pointer at
/// `at`, as a real window reports it (no frame is run).
pub fn wheel(app: &mut App, at: Vec2, lines: f32) {
    use bevy::input::mouse::{MouseScrollUnit, MouseWheel};
    move_cursor(app, at);
    let Some(window) = window(app) else { return };
    let wheel = MouseWheel {
        unit: MouseScrollUnit::Line,
        x: 0.0,
        y: lines,
        window,
        phase: bevy::input::touch::TouchPhase::Moved,
    };
    app.world_mut().write_message(wheel);
    app.world_mut()
        .write_message(bevy::window::WindowEvent::MouseWheel(wheel));
}

/// Clicks at a window position as a quick mouse or a tap does: the pointer moves there and the
/// left button goes down and up, all before the next frame, which then runs once.
pub fn click(app: &mut App, pos: Vec2) {
    use bevy::input::ButtonState;
    move_cursor(app, pos);
    left_button(app, ButtonState::Pressed);
    left_button(app, ButtonState::Released);
    app.update();
}

pub use super::state::{Widget, Widgets};

/// The first widget with this role (`Heading`, `Button`, …) and name.
pub fn widget_with_role(app: &App, role: &str, label: &str) -> Option<Widget> {
    app.world()
        .get_resource::<Widgets>()?
        .nodes
        .iter()
        .find(|w| w.role == role && w.label == label)
        .cloned()
}

/// The first widget (top to bottom, left to right) whose name is `label`.
pub fn widget(app: &App, label: &str) -> Option<Widget> {
    app.world().get_resource::<Widgets>()?.named(label).cloned()
}
