//! The explorer: everything Bevy. One plugin per feature, each depending only on [`state`] and
//! the core:
//!
//! | feature | what it does |
//! | --- | --- |
//! | `loading` | files through Bevy's asset system → [`state::LoadedModel`] or the problems |
//! | `reload` | live reload: a file watcher asks for the changed file again |
//! | `scene` | one entity per part; box and line meshes, hover and selection, emphasis |
//! | `pointer` | mouse, trackpad and touch → intents (click, drag, wheel, pinch, tap) |
//! | `keymap` | keys → intents, for the current mode |
//! | `camera` | pan, zoom, fit, framing, the viewport beside the panels |
//! | `selection` | selection, the reader, keyboard navigation |
//! | `routes` | deep links and links in write-ups |
//! | `tour` | guided tours and their travelling packet |
//! | `lab` | the network lab on the diagram: a scenario's run, stepped, played, its frames walking |
//! | `save` | a file the learner exports: in the save folder (desktop), a download (web) |
//! | `presenter` | presenter mode: fullscreen, bigger text, the blank screen |
//! | `speaker` | the speaker's notes: a second window (desktop) or page (web) |
//! | `preferences` | theme, text size, reduced motion; remembered |
//! | `ui` | the egui panels, which read state and return intents |
//! | `access` | what egui tells assistive technology, as a list of widgets (tests, the web page) |
//! | `automation`, `bench`, `web` | the state file for scripts, the frame benchmark, the web glue |
//! | `startup` | a display and a graphics adapter looked for before Bevy starts; plain words if not |

pub mod access;
mod automation;
#[cfg(not(target_arch = "wasm32"))]
mod bench;
mod camera;
#[cfg(not(target_arch = "wasm32"))]
pub mod headless;
pub mod keymap;
mod lab;
mod loading;
mod pointer;
mod preferences;
mod presenter;
mod reload;
pub mod routes;
mod save;
mod scene;
mod selection;
pub mod speaker;
#[cfg(not(target_arch = "wasm32"))]
pub mod startup;
pub mod state;
pub mod theme;
mod tour;
mod ui;
#[cfg(target_arch = "wasm32")]
pub mod web;

use bevy::prelude::*;

pub use automation::{View, snapshot};
pub use state::LaunchOptions;

/// Everything but windowing, rendering and the panels: the model, scene, pointer, keys,
/// selection, camera, tours and presenter mode. The binary adds `DefaultPlugins` and
/// [`UiPlugin`]; headless tests add `MinimalPlugins`.
pub struct AppPlugin;

impl Plugin for AppPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins((
            state::plugin,
            loading::plugin,
            reload::plugin,
            scene::plugin,
            pointer::plugin,
            keymap::plugin,
            camera::plugin,
            selection::plugin,
            routes::plugin,
            tour::plugin,
            lab::plugin,
            presenter::plugin,
            speaker::plugin,
            preferences::plugin,
            automation::plugin,
        ));
        app.add_plugins(save::plugin);
        #[cfg(not(target_arch = "wasm32"))]
        app.add_plugins(bench::plugin);
    }
}

/// The egui panels. Separate from [`AppPlugin`] so tests can run with or without them.
pub struct UiPlugin;

impl Plugin for UiPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins((ui::plugin, access::plugin));
    }
}

/// Registers where files come from. Must run before `AssetPlugin` is added.
pub fn register_sources(app: &mut App, options: &LaunchOptions) {
    use bevy::asset::io::{AssetSourceBuilder, AssetSourceId};
    app.register_asset_source(
        AssetSourceId::from(state::DIAGRAM_SOURCE),
        AssetSourceBuilder::platform_default(&options.diagram_dir, None),
    );
}

/// Opens the explorer from the command line's choices: the diagram file (default:
/// `diagrams/two-computers.ron` in the project: `--project DIR`, the current folder's, or the
/// one built into the binary) and what to show first. Without a display or a graphics adapter
/// it says so in one line and returns exit code 1.
#[cfg(not(target_arch = "wasm32"))]
pub fn run_from_command_line(
    open: crate::tools::cli::Open,
    project: Option<&std::path::Path>,
) -> std::process::ExitCode {
    use crate::model::paths;
    use std::process::ExitCode;
    // A display first: without one nothing else matters (and nothing is unpacked).
    if let Err(e) = startup::display() {
        eprintln!("{e}");
        return ExitCode::from(1);
    }
    let root = match crate::tools::Project::locate(project).and_then(|p| p.ready()) {
        Ok(root) => root,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
    let diagram = match open.diagram {
        Some(p) => match std::env::current_dir() {
            Ok(cwd) => cwd.join(p),
            Err(e) => {
                eprintln!("autochitect: cannot read the current directory: {e}");
                return ExitCode::from(2);
            }
        },
        None => root.join(paths::DIAGRAM_DIR).join(paths::DEFAULT_DIAGRAM),
    };
    let (Some(dir), Some(file)) = (diagram.parent(), diagram.file_name()) else {
        eprintln!("autochitect: {} is not a file", diagram.display());
        return ExitCode::from(2);
    };
    if !diagram.is_file() {
        eprintln!("autochitect: no diagram file at {}", diagram.display());
        return ExitCode::from(2);
    }
    // A display and an adapter are looked for before Bevy starts, so a machine without them
    // gets one plain line rather than a panic.
    let renderer = match startup::renderer() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(1);
        }
    };
    startup::plain_panics();
    let opengl = match &renderer {
        startup::Renderer::OpenGl(adapter) => Some(adapter.clone()),
        startup::Renderer::Default => None,
    };
    let render = bevy::render::RenderPlugin {
        render_creation: renderer.settings().into(),
        ..default()
    };
    let exit = Start::new(
        LaunchOptions {
            asset_root: root.join(paths::ASSET_DIR).to_string_lossy().into_owned(),
            diagram_dir: dir.to_string_lossy().into_owned(),
            diagram_file: file.to_string_lossy().into_owned(),
            launch: open.launch.launch(),
            bench_pan: open.launch.bench_pan(),
            bench_lab: open.launch.bench_lab,
            embed_link: None,
            remember_preferences: true,
            preferences_file: None,
        },
        render,
        opengl,
    )
    .run();
    match exit {
        AppExit::Success => ExitCode::SUCCESS,
        // Ctrl+C in the terminal: 130, as a shell reports a program stopped by it.
        AppExit::Error(code) => ExitCode::from(code.get()),
    }
}

/// The explorer being put together, a group of plugins at a time. Each step is a few tens of
/// milliseconds of work; the web page hands the main thread back to the browser between steps,
/// so a click on the page's figure is answered while the app starts (`web::start_step`).
pub struct Start {
    app: App,
    options: LaunchOptions,
    render: Option<bevy::render::RenderPlugin>,
    opengl: Option<String>,
    done: u8,
}

impl Start {
    /// A new app that reads its files from where `options` say, with these renderer settings.
    /// `opengl` names the adapter when the desktop falls back to OpenGL: the renderer is then
    /// given the window system's display, and the log says so.
    pub fn new(
        options: LaunchOptions,
        render: bevy::render::RenderPlugin,
        opengl: Option<String>,
    ) -> Self {
        #[cfg(target_arch = "wasm32")]
        web::log_to_console();
        let mut app = App::new();
        register_sources(&mut app, &options);
        Self {
            app,
            options,
            render: Some(render),
            opengl,
            done: 0,
        }
    }

    /// Adds the next group of plugins: Bevy's, then egui's, then the app's own. False once
    /// every group is in (and nothing was done).
    pub fn step(&mut self) -> bool {
        match self.done {
            0 => self.add_bevy(),
            1 => {
                self.app.add_plugins(bevy_egui::EguiPlugin::default());
            }
            2 => {
                self.app.add_plugins((AppPlugin, UiPlugin));
                #[cfg(target_arch = "wasm32")]
                self.app.add_plugins(web::plugin);
            }
            _ => return false,
        }
        self.done += 1;
        true
    }

    /// Adds what is left, then runs the app until it quits (on the web, the browser's event
    /// loop takes it over).
    pub fn run(mut self) -> AppExit {
        while self.step() {}
        if let Some(adapter) = &self.opengl {
            tracing::info!("no Vulkan adapter: drawing with OpenGL ({adapter})");
        }
        self.app.run()
    }

    /// Bevy's default plugins (window, renderer, assets), as the app sets them.
    fn add_bevy(&mut self) {
        use bevy::winit::{UpdateMode, WinitSettings};
        let options = &self.options;
        #[allow(unused_mut)] // only the desktop adds to them
        let mut plugins = DefaultPlugins
            .set(WindowPlugin {
                primary_window: Some(Window {
                    title: "autochitect".into(),
                    // The web page's canvas; ignored on desktop.
                    canvas: Some("#autochitect".into()),
                    resolution: bevy::window::WindowResolution::new(1280, 800),
                    fit_canvas_to_parent: true,
                    // The frame benchmark measures drawing, not the display's refresh rate.
                    present_mode: if options.bench_pan.is_some() || options.bench_lab.is_some() {
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
            })
            .set(self.render.take().unwrap_or_default());
        #[cfg(not(target_arch = "wasm32"))]
        {
            plugins = plugins
                .disable::<bevy::app::TerminalCtrlCHandlerPlugin>()
                .add_after::<bevy::winit::WinitPlugin>(startup::QuitOnCtrlC);
            if self.opengl.is_some() {
                plugins =
                    plugins.add_before::<bevy::render::RenderPlugin>(startup::WindowSystemDisplay);
            }
        }
        self.app
            .insert_resource(options.clone())
            .insert_resource(ClearColor(theme::Look::default().background()))
            // Redraw only on input, animation or loading: an idle window costs next to nothing.
            .insert_resource(WinitSettings {
                focused_mode: UpdateMode::reactive_low_power(std::time::Duration::from_secs(30)),
                unfocused_mode: UpdateMode::reactive_low_power(std::time::Duration::from_secs(60)),
            })
            .add_plugins(plugins);
    }
}
