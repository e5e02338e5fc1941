//! autochitect: an interactive architecture-diagram explorer.
//!
//! The app is a stack of small feature plugins, composed by [`AppPlugin`]:
//!
//! - [`model`] (pure Rust, no Bevy): files → validated [`model::Diagram`] and
//!   [`model::WriteupCatalog`], or diagnostics with `file:line:col`.
//! - `loading`: reads the files through Bevy's asset system (native and web alike) and
//!   publishes the validated model as resources, or the diagnostics.
//! - `scene`: one entity per component and link; visuals follow selection and hover.
//! - `picking`: a `bevy_picking` backend that hit-tests the diagram's boxes and lines.
//! - `selection`: the one place where user intents change what is selected and open.
//! - `camera`: pan, zoom around the cursor, fit to the diagram, viewport beside the panels.
//! - `ui`: egui panels (summary, reader, index, errors) that read state and return intents.
//!
//! Data flows one way: file → model → entities → screen; input → intent → state → visuals.

// No panics on anything that comes from a file, a URL, the command line or the user.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::todo,
        clippy::unimplemented
    )
)]

pub mod cli;
pub mod export;
pub mod glyphs;
#[cfg(all(feature = "app", not(target_arch = "wasm32")))]
pub mod headless;
pub mod model;
pub mod route;

#[cfg(feature = "app")]
mod automation;
#[cfg(all(feature = "app", not(target_arch = "wasm32")))]
mod bench;
#[cfg(feature = "app")]
mod camera;
#[cfg(not(target_arch = "wasm32"))]
pub mod check;
#[cfg(feature = "app")]
mod keyboard;
#[cfg(feature = "app")]
mod loading;
pub mod palette;
#[cfg(feature = "app")]
mod picking;
#[cfg(feature = "app")]
pub mod presenter;
#[cfg(feature = "app")]
mod reload;
#[cfg(feature = "app")]
mod scene;
#[cfg(feature = "app")]
mod selection;
#[cfg(feature = "app")]
mod theme;
#[cfg(feature = "app")]
pub mod tour;
#[cfg(feature = "app")]
mod ui;
#[cfg(all(feature = "app", target_arch = "wasm32"))]
pub mod web;

#[cfg(feature = "app")]
use bevy::prelude::*;

#[cfg(feature = "app")]
pub use camera::{CameraView, MainCamera};
#[cfg(feature = "app")]
pub use camera::{FrameTargets, RevealTarget};
#[cfg(feature = "app")]
pub use loading::{DiagramChoices, LoadProblems, LoadedModel, Sources};
#[cfg(feature = "app")]
pub use picking::PickShape;
#[cfg(feature = "app")]
pub use reload::FileChanged;
#[cfg(feature = "app")]
pub use scene::{CanvasLabel, DiagramEntity, Emphasis, LabelPlace};
#[cfg(feature = "app")]
pub use selection::{Hovered, Intent, LinkOpener, Notice, Reader, Selection};
#[cfg(feature = "app")]
pub use ui::{IndexPanel, LabelsDrawn, SearchState, UiInsets};

#[cfg(feature = "app")]
/// The order of all `Update` work, so a frame reads input, applies it, then updates visuals.
#[derive(SystemSet, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AppSystems {
    /// Turn raw input (keys, wheel, drags) into intents and camera moves.
    Input,
    /// Apply intents to state: selection, open write-up, camera target.
    Apply,
    /// Rebuild or restyle entities from state.
    Visuals,
}

/// Where the app finds its files, and what to show first.
#[derive(Debug, Clone, PartialEq)]
#[cfg_attr(feature = "app", derive(Resource))]
pub struct LaunchOptions {
    /// Folder holding the write-ups and fonts (the asset root), e.g. `assets`.
    pub asset_root: String,
    /// Folder holding the diagram file.
    pub diagram_dir: String,
    /// The diagram's file name inside `diagram_dir`.
    pub diagram_file: String,
    /// A component or link id to select once loaded (`--select`).
    pub select: Option<String>,
    /// A write-up to open once loaded (`--writeup`).
    pub writeup: Option<String>,
    /// A tour to play once loaded (`--tour`).
    pub tour: Option<String>,
    /// The step to start the tour at, from 1 (`--step`).
    pub step: Option<usize>,
    /// Start in presenter mode (`--present`).
    pub present: bool,
    /// Reduce motion: instant camera moves, no travelling packets (`--reduced-motion`).
    pub reduced_motion: bool,
    /// Pan and zoom every frame for this many seconds, print frame times, exit
    /// (`--bench-pan`; native only).
    pub bench_pan: Option<u32>,
    /// How much closer than the fitted zoom `--bench-pan` circles (`--bench-zoom`).
    pub bench_zoom: Option<u32>,
}

impl Default for LaunchOptions {
    fn default() -> Self {
        Self {
            asset_root: "assets".into(),
            diagram_dir: "diagrams".into(),
            diagram_file: "two-computers.ron".into(),
            select: None,
            writeup: None,
            tour: None,
            step: None,
            present: false,
            reduced_motion: false,
            bench_pan: None,
            bench_zoom: None,
        }
    }
}

#[cfg(feature = "app")]
/// Everything but windowing and rendering: the model, scene, picking, selection and camera.
/// The binary adds `DefaultPlugins` and [`UiPlugin`]; headless tests add `MinimalPlugins`.
pub struct AppPlugin;

#[cfg(feature = "app")]
impl Plugin for AppPlugin {
    fn build(&self, app: &mut App) {
        app.configure_sets(
            Update,
            (AppSystems::Input, AppSystems::Apply, AppSystems::Visuals).chain(),
        );
        app.add_plugins((
            loading::plugin,
            selection::plugin,
            scene::plugin,
            picking::plugin,
            camera::plugin,
            automation::plugin,
            reload::plugin,
            tour::plugin,
            presenter::plugin,
            keyboard::plugin,
        ));
        #[cfg(not(target_arch = "wasm32"))]
        app.add_plugins(bench::plugin);
    }
}

#[cfg(feature = "app")]
/// The egui panels. Separate from [`AppPlugin`] so tests can run with or without them.
pub struct UiPlugin;

#[cfg(feature = "app")]
impl Plugin for UiPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins(ui::plugin);
    }
}

#[cfg(feature = "app")]
/// Registers where files come from. Must run before `AssetPlugin` is added.
pub fn register_sources(app: &mut App, options: &LaunchOptions) {
    use bevy::asset::io::{AssetSourceBuilder, AssetSourceId};
    app.register_asset_source(
        AssetSourceId::from(loading::DIAGRAM_SOURCE),
        AssetSourceBuilder::platform_default(&options.diagram_dir, None),
    );
}

#[cfg(feature = "app")]
/// Runs the desktop (or web) app with a window.
pub fn run(options: LaunchOptions) -> AppExit {
    use bevy::winit::{UpdateMode, WinitSettings};
    let mut app = App::new();
    register_sources(&mut app, &options);
    app.insert_resource(options.clone())
        .insert_resource(ClearColor(theme::BACKGROUND))
        // Redraw only on input, animation or loading: an idle window costs next to nothing.
        .insert_resource(WinitSettings {
            focused_mode: UpdateMode::reactive_low_power(std::time::Duration::from_secs(30)),
            unfocused_mode: UpdateMode::reactive_low_power(std::time::Duration::from_secs(60)),
        })
        .add_plugins(
            DefaultPlugins
                .set(WindowPlugin {
                    primary_window: Some(Window {
                        title: "autochitect".into(),
                        // The web page's canvas; ignored on desktop.
                        canvas: Some("#autochitect".into()),
                        resolution: bevy::window::WindowResolution::new(1280, 800),
                        fit_canvas_to_parent: true,
                        // The frame benchmark measures drawing, not the display's refresh rate.
                        present_mode: if options.bench_pan.is_some() {
                            bevy::window::PresentMode::AutoNoVsync
                        } else {
                            bevy::window::PresentMode::AutoVsync
                        },
                        prevent_default_event_handling: true,
                        ..default()
                    }),
                    ..default()
                })
                .set(AssetPlugin {
                    file_path: options.asset_root.clone(),
                    meta_check: bevy::asset::AssetMetaCheck::Never,
                    ..default()
                }),
        )
        .add_plugins(bevy_egui::EguiPlugin::default())
        .add_plugins((AppPlugin, UiPlugin));
    #[cfg(target_arch = "wasm32")]
    app.add_plugins(web::plugin);
    app.run()
}
