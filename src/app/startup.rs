//! Starting on the desktop: a display to open the window on and a graphics adapter to draw
//! with, looked for before Bevy starts, so a machine without them gets one plain line and exit
//! code 1 instead of a panic and a backtrace.
//!
//! What cannot be looked for beforehand (a `DISPLAY` that names no running server, a surface the
//! driver refuses) panics inside Bevy; [`plain_panics`] turns those known start-up panics into
//! the same kind of line. Any other panic is reported as usual.

use bevy::render::settings::{Backends, RenderDisplay, WgpuSettings};

/// What to do instead, when there is no window to open.
const INSTEAD: &str = "run it in a desktop session, or use `autochitect check`, `export`, \
                       `site` or `lab`, which need no window";

/// What to install when no adapter is found, per platform. On Linux the build has wgpu's
/// OpenGL backend beside Vulkan (Cargo.toml), so either driver will do.
const DRIVERS: &str = if cfg!(target_os = "windows") {
    "install or update the graphics driver (DirectX 12 or Vulkan)"
} else if cfg!(target_os = "macos") {
    "every Mac since 2012 draws with Metal; check that macOS is up to date"
} else if cfg!(target_os = "linux") {
    "install a Vulkan or an OpenGL driver (on Debian and Ubuntu: mesa-vulkan-drivers, or \
     libegl1 and libgl1-mesa-dri; both also draw without a graphics card, slowly)"
} else {
    "install a Vulkan driver (Mesa's also draws without a graphics card, slowly)"
};

/// Why the explorer cannot start, as the one line printed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum StartError {
    /// No display server in the environment, or none that answers.
    #[error("autochitect: no display to open a window on ({0}); {INSTEAD}")]
    NoDisplay(String),
    /// No graphics adapter on any backend tried.
    #[error("autochitect: no graphics adapter found (tried {0}); {DRIVERS}")]
    NoAdapter(String),
    /// A window or its surface could not be made.
    #[error("autochitect: cannot draw into a window ({0}); {DRIVERS}")]
    NoSurface(String),
}

/// How the renderer is set up, once an adapter has been found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Renderer {
    /// Bevy's own choice (the platform's native API, or what `WGPU_BACKEND` names).
    Default,
    /// No native adapter: OpenGL, with the adapter's name for the log.
    OpenGl(String),
}

impl Renderer {
    /// The renderer settings Bevy is built with.
    pub fn settings(&self) -> WgpuSettings {
        match self {
            Renderer::Default => WgpuSettings::default(),
            Renderer::OpenGl(_) => WgpuSettings {
                backends: Some(Backends::GL),
                ..WgpuSettings::default()
            },
        }
    }
}

/// Gives the renderer the window system's display, for the OpenGL fallback: wgpu's OpenGL
/// backend opens EGL on that display, so it can present into the window (without it, EGL opens
/// a display of its own that has no windows). Added just before Bevy's `RenderPlugin`, after
/// `bevy_winit` has made the event loop; `RenderDisplay` comes from patches/bevy_render.
pub struct WindowSystemDisplay;

impl bevy::app::Plugin for WindowSystemDisplay {
    fn build(&self, app: &mut bevy::app::App) {
        let display = app
            .world()
            .get_resource::<bevy::winit::DisplayHandleWrapper>()
            .map(|d| RenderDisplay(std::sync::Arc::new(d.0.clone())));
        if let Some(display) = display {
            app.insert_resource(display);
        }
    }
}

/// Ctrl+C in the terminal quits at once. Bevy's own handler (`TerminalCtrlCHandlerPlugin`,
/// switched off in its place) only raises a flag that the next frame reads, and a window that
/// redraws only on change may not draw a next frame for 30 seconds: this one raises the same
/// flag and wakes the event loop. Added after `bevy_winit` has made the event loop.
pub struct QuitOnCtrlC;

impl bevy::app::Plugin for QuitOnCtrlC {
    fn build(&self, app: &mut bevy::app::App) {
        use bevy::app::TerminalCtrlCHandlerPlugin as Bevy;
        let proxy = app
            .world()
            .get_resource::<bevy::winit::EventLoopProxyWrapper>()
            .map(|p| (**p).clone());
        let handler = bevy::app::ctrlc::try_set_handler(move || {
            Bevy::gracefully_exit();
            if let Some(proxy) = &proxy {
                // A closed event loop is already on its way out.
                let _ = proxy.send_event(bevy::winit::WinitUserEvent::WakeUp);
            }
        });
        if let Err(e) = handler {
            tracing::warn!("Ctrl+C in the terminal will not quit: {e}");
        }
        app.add_systems(bevy::app::Update, Bevy::exit_on_flag);
    }
}

/// Checks that a window can be opened here. On Linux and the BSDs that needs an X11 or Wayland
/// session in the environment; elsewhere the system always has one.
pub fn display() -> Result<(), StartError> {
    #[cfg(all(
        unix,
        not(any(target_os = "macos", target_os = "ios", target_os = "android"))
    ))]
    {
        let set = |name: &str| std::env::var_os(name).is_some_and(|v| !v.is_empty());
        if !["DISPLAY", "WAYLAND_DISPLAY", "WAYLAND_SOCKET"]
            .into_iter()
            .any(set)
        {
            return Err(StartError::NoDisplay(
                "neither DISPLAY nor WAYLAND_DISPLAY is set".to_owned(),
            ));
        }
    }
    Ok(())
}

/// Finds a graphics adapter: on the backends `WGPU_BACKEND` names, else the platform's native
/// one (Vulkan, Metal, DirectX 12), else OpenGL where it is built in.
pub fn renderer() -> Result<Renderer, StartError> {
    if let Some(chosen) = Backends::from_env() {
        if adapters(chosen).is_empty() {
            return Err(StartError::NoAdapter(names(chosen)));
        }
        return Ok(Renderer::Default);
    }
    let native = Backends::PRIMARY & wgpu::Instance::enabled_backend_features();
    if !adapters(native).is_empty() {
        return Ok(Renderer::Default);
    }
    let gl = Backends::GL & wgpu::Instance::enabled_backend_features();
    if let Some(name) = adapters(gl).into_iter().next() {
        return Ok(Renderer::OpenGl(name));
    }
    Err(StartError::NoAdapter(names(native | gl)))
}

/// The names of the adapters on some backends (none when the set is empty).
fn adapters(backends: Backends) -> Vec<String> {
    if backends.is_empty() {
        return Vec::new();
    }
    let mut descriptor = wgpu::InstanceDescriptor::new_without_display_handle_from_env();
    descriptor.backends = backends;
    let instance = wgpu::Instance::new(descriptor);
    bevy::tasks::block_on(instance.enumerate_adapters(backends))
        .iter()
        .map(|a| {
            let info = a.get_info();
            format!("{} on {}", info.name, info.backend)
        })
        .collect()
}

/// Backends as a person names them: "Vulkan, OpenGL".
fn names(backends: Backends) -> String {
    let all = [
        (Backends::VULKAN, "Vulkan"),
        (Backends::METAL, "Metal"),
        (Backends::DX12, "DirectX 12"),
        (Backends::GL, "OpenGL"),
    ];
    let named: Vec<&str> = all
        .iter()
        .filter(|(b, _)| backends.contains(*b))
        .map(|(_, n)| *n)
        .collect();
    if named.is_empty() {
        return "no backend".to_owned();
    }
    named.join(", ")
}

/// Turns the start-up panics Bevy and winit raise for a missing display, adapter or surface into
/// their one line and exit code 1 (no backtrace); any other panic goes to the previous hook.
pub fn plain_panics() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        let message = info
            .payload()
            .downcast_ref::<String>()
            .map(String::as_str)
            .or_else(|| info.payload().downcast_ref::<&str>().copied())
            .unwrap_or_default();
        match start_error(message) {
            Some(e) => {
                eprintln!("{e}");
                std::process::exit(1);
            }
            None => previous(info),
        }
    }));
}

/// The start-up failure a panic message stands for, if it is one.
pub fn start_error(message: &str) -> Option<StartError> {
    // The reason after the first colon, trimmed to one short line.
    let reason = |m: &str| {
        let r = m.split_once(": ").map_or(m, |(_, r)| r);
        r.lines()
            .next()
            .unwrap_or_default()
            .chars()
            .take(160)
            .collect::<String>()
    };
    if message.starts_with("Failed to build event loop") {
        let why = match std::env::var("DISPLAY") {
            Ok(d) if message.contains("XOpenDisplayFailed") => {
                format!("no X server answers at DISPLAY={d}")
            }
            _ => reason(message),
        };
        return Some(StartError::NoDisplay(why));
    }
    if message.starts_with("Unable to find a GPU") {
        let built = wgpu::Instance::enabled_backend_features();
        return Some(StartError::NoAdapter(names(
            Backends::from_env().unwrap_or(built) & built,
        )));
    }
    if message.starts_with("Failed to create wgpu surface")
        || message.starts_with("Couldn't get the window handle")
    {
        return Some(StartError::NoSurface(reason(message)));
    }
    None
}
