//! Live reload: a saved diagram, tour, lab scenario or write-up is back on screen within a
//! fraction of a second, with the camera, the selection and the open write-up kept where they
//! still exist.
//!
//! A file watcher (desktop, `live-reload` feature) reports changed paths as [`FileChanged`]
//! messages and wakes the event loop, which otherwise sleeps while nothing happens. Each change
//! asks the asset server to reload that one file; `loading` then validates everything again and
//! keeps the last good model if the new one has errors.

use std::path::Path;

use bevy::asset::AssetPath;
use bevy::prelude::*;

use super::state::{DIAGRAM_SOURCE, FileChanged, LaunchOptions};
use crate::model::paths::{LABS_DIR, TOURS_DIR, WRITEUP_DIR};

/// How long the app keeps drawing after a change, so the reload can land without other input.
const SETTLE_SECONDS: f64 = 1.5;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Settling>()
        .add_systems(PreUpdate, reload_changed);
    #[cfg(all(feature = "live-reload", not(target_arch = "wasm32")))]
    app.add_systems(Startup, watcher::start)
        .add_systems(First, watcher::forward);
}

/// Frames keep running until this time (seconds of real time since start) after a change.
/// A deadline, not a countdown: the first frame after a long idle sleep has a huge delta.
#[derive(Resource, Default)]
struct Settling(f64);

/// The asset path a changed file is loaded from, if the app uses it.
fn asset_path_for(changed: &Path, options: &LaunchOptions) -> Option<AssetPath<'static>> {
    let parent = changed.parent()?;
    let name = changed.file_name()?.to_str()?.to_owned();
    if parent == Path::new(&options.diagram_dir) && name.ends_with(".ron") {
        return Some(AssetPath::from(name).with_source(DIAGRAM_SOURCE));
    }
    for dir in [TOURS_DIR, LABS_DIR] {
        if parent == Path::new(&options.diagram_dir).join(dir) && name.ends_with(".ron") {
            return Some(AssetPath::from(format!("{dir}/{name}")).with_source(DIAGRAM_SOURCE));
        }
    }
    let writeups = Path::new(&options.asset_root).join(WRITEUP_DIR);
    if parent == writeups && (name.ends_with(".ron") || name.ends_with(".md")) {
        return Some(AssetPath::from(format!("{WRITEUP_DIR}/{name}")));
    }
    None
}

fn reload_changed(
    mut changes: MessageReader<FileChanged>,
    options: Res<LaunchOptions>,
    server: Res<AssetServer>,
    time: Res<Time<Real>>,
    mut settling: ResMut<Settling>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    let mut paths: Vec<AssetPath<'static>> = Vec::new();
    for path in changes
        .read()
        .filter_map(|c| asset_path_for(&c.0, &options))
    {
        if !paths.contains(&path) {
            paths.push(path);
        }
    }
    for path in paths {
        tracing::debug!("reloading {path}");
        server.reload(path);
        settling.0 = time.elapsed_secs_f64() + SETTLE_SECONDS;
    }
    if time.elapsed_secs_f64() < settling.0 {
        redraw.write(bevy::window::RequestRedraw);
    }
}

#[cfg(all(feature = "live-reload", not(target_arch = "wasm32")))]
mod watcher {
    use std::path::{Path, PathBuf};
    use std::sync::Mutex;
    use std::sync::mpsc::{Receiver, channel};

    use bevy::prelude::*;
    use notify::Watcher as _;

    use super::super::state::{FileChanged, LaunchOptions};

    #[derive(Resource)]
    pub(super) struct Watcher {
        _watcher: notify::RecommendedWatcher,
        changes: Mutex<Receiver<PathBuf>>,
    }

    pub(super) fn start(
        mut commands: Commands,
        options: Res<LaunchOptions>,
        proxy: Option<Res<bevy::winit::EventLoopProxyWrapper>>,
    ) {
        let (tx, rx) = channel();
        let proxy = proxy.map(|p| (**p).clone());
        let handler = move |event: notify::Result<notify::Event>| {
            let Ok(event) = event else { return };
            if matches!(event.kind, notify::EventKind::Access(_)) {
                return;
            }
            for path in event.paths {
                let _ = tx.send(path);
            }
            if let Some(proxy) = &proxy {
                let _ = proxy.send_event(bevy::winit::WinitUserEvent::WakeUp);
            }
        };
        let mut watcher = match notify::recommended_watcher(handler) {
            Ok(w) => w,
            Err(e) => {
                tracing::warn!("live reload is off: {e}");
                return;
            }
        };
        // The diagram folder with its `tours/` and `labs/` folders inside (recursive, so a folder
        // made after start is seen too), and the write-ups.
        let dirs = [
            (
                PathBuf::from(&options.diagram_dir),
                notify::RecursiveMode::Recursive,
            ),
            (
                Path::new(&options.asset_root).join(super::WRITEUP_DIR),
                notify::RecursiveMode::NonRecursive,
            ),
        ];
        for (dir, mode) in dirs {
            if let Err(e) = watcher.watch(&dir, mode) {
                tracing::warn!("not watching {}: {e}", dir.display());
            }
        }
        commands.insert_resource(Watcher {
            _watcher: watcher,
            changes: Mutex::new(rx),
        });
    }

    pub(super) fn forward(watcher: Option<Res<Watcher>>, mut out: MessageWriter<FileChanged>) {
        let Some(watcher) = watcher else { return };
        let Ok(rx) = watcher.changes.lock() else {
            return;
        };
        out.write_batch(rx.try_iter().map(FileChanged));
    }
}
