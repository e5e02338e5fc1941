//! Rendered-frame benchmark drivers (native only).
//!
//! `--bench-pan SECONDS`: once the diagram shows, the camera circles its centre at the zoom that
//! fits the whole diagram (every box on screen), or `--bench-zoom N` times closer, one step per
//! frame, with a redraw requested every frame.
//!
//! `--lab SCENARIO --bench-lab SECONDS`: once the lab's run is made, it plays at 8× for SECONDS,
//! then the slider is dragged through the run for SECONDS (the whole run in 300 frames, as the
//! headless benchmark drags it), with a redraw requested every frame.
//!
//! After a short warm-up, each frame's wall-clock time is recorded; at the end one JSON line
//! goes to standard output and the app exits.

use bevy::prelude::*;

use super::state::{AppSystems, CameraView, Intent, LabMove, LabState, LaunchOptions, LoadedModel};

/// Frames dropped before recording (pipelines compile, atlases fill).
const WARMUP_FRAMES: usize = 30;
/// Frames a drag across the whole lab run takes.
const SCRUB_FRAMES: usize = 300;
/// One lap of the circle, in seconds.
const LAP_SECONDS: f32 = 4.0;

pub(super) fn plugin(app: &mut App) {
    let options = app.world().get_resource::<LaunchOptions>();
    let (pan_bench, lab_bench) = (
        options.and_then(|o| o.bench_pan),
        options.and_then(|o| o.bench_lab),
    );
    if let Some((seconds, zoom)) = pan_bench {
        app.insert_resource(PanBench {
            seconds,
            zoom,
            origin: None,
            warmup: WARMUP_FRAMES,
            started: 0.0,
            frames: Vec::new(),
        })
        .add_systems(Update, pan.in_set(AppSystems::Apply));
    }
    if let Some(seconds) = lab_bench {
        app.insert_resource(LabBench {
            seconds,
            warmup: WARMUP_FRAMES,
            started: None,
            playing: Vec::new(),
            scrubbing: Vec::new(),
        })
        .add_systems(Update, lab.in_set(AppSystems::Input));
    }
}

#[derive(Resource)]
struct LabBench {
    seconds: u32,
    warmup: usize,
    /// When the current half began (real seconds), once the run is made.
    started: Option<f64>,
    /// Frame times while playing, then while scrubbing, in milliseconds.
    playing: Vec<f64>,
    scrubbing: Vec<f64>,
}

/// Plays the lab, then scrubs it, timing each frame; reports and exits.
fn lab(
    mut bench: ResMut<LabBench>,
    state: Res<LabState>,
    time: Res<Time<Real>>,
    mut intents: MessageWriter<Intent>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
    mut exit: MessageWriter<AppExit>,
) {
    redraw.write(bevy::window::RequestRedraw);
    let Some(run) = &state.run else { return };
    let len = run.len().max(1);
    let now = time.elapsed_secs_f64();
    if bench.warmup > 0 {
        bench.warmup -= 1;
        if bench.warmup == 0 {
            bench.started = Some(now);
            intents.write(Intent::LabSpeed(8.0));
            intents.write(Intent::LabPlay(Some(true)));
        }
        return;
    }
    let Some(started) = bench.started else { return };
    let half = f64::from(bench.seconds);
    let frame = time.delta_secs_f64() * 1e3;
    if now - started < half {
        bench.playing.push(frame);
        return;
    }
    if now - started < 2.0 * half {
        if !bench.scrubbing.is_empty() || state.playing {
            intents.write(Intent::LabPlay(Some(false)));
        }
        bench.scrubbing.push(frame);
        let step = (len / SCRUB_FRAMES).max(1);
        intents.write(Intent::LabGo(LabMove::To((state.current + step) % len)));
        return;
    }
    let seconds = now - started - half;
    let out = serde_json::json!({
        "events": run.len(),
        "playing": stats(&mut bench.playing, half),
        "scrubbing": stats(&mut bench.scrubbing, seconds),
        "events_per_scrub_frame": (len / SCRUB_FRAMES).max(1),
    });
    println!("{out}");
    exit.write(AppExit::Success);
}

#[derive(Resource)]
struct PanBench {
    seconds: u32,
    /// How many times closer than the fitted view.
    zoom: u32,
    /// The fitted view the circle goes around.
    origin: Option<CameraView>,
    warmup: usize,
    started: f64,
    /// Frame times in milliseconds.
    frames: Vec<f64>,
}

fn pan(
    mut bench: ResMut<PanBench>,
    model: Option<Res<LoadedModel>>,
    view: Option<ResMut<CameraView>>,
    time: Res<Time<Real>>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
    mut exit: MessageWriter<AppExit>,
) {
    redraw.write(bevy::window::RequestRedraw);
    let (Some(_), Some(mut view)) = (model, view) else {
        return;
    };
    let zoom = bench.zoom as f32;
    let origin = *bench.origin.get_or_insert(CameraView {
        center: view.center,
        scale: view.scale / zoom,
    });
    view.scale = origin.scale;
    let now = time.elapsed_secs_f64();
    if bench.warmup > 0 {
        bench.warmup -= 1;
        bench.started = now;
    } else {
        bench.frames.push(time.delta_secs_f64() * 1e3);
    }
    // A circle a tenth of the viewport across (about 128 px at 1280 wide), every frame moving.
    let angle = (now - bench.started) as f32 * std::f32::consts::TAU / LAP_SECONDS;
    let radius = 64.0 * origin.scale;
    view.center = origin.center + Vec2::new(angle.cos(), angle.sin()) * radius;
    if bench.warmup == 0 && now - bench.started >= f64::from(bench.seconds) {
        let elapsed = now - bench.started;
        println!("{}", report(&mut bench.frames, elapsed, origin.scale));
        exit.write(AppExit::Success);
    }
}

/// Frame statistics as one JSON line.
fn report(frames: &mut [f64], seconds: f64, scale: f32) -> String {
    let mut out = stats(frames, seconds);
    out["world_units_per_pixel"] = serde_json::json!(scale);
    out.to_string()
}

/// Frames, frames a second, and the median, p99 and slowest frame, in milliseconds.
fn stats(frames: &mut [f64], seconds: f64) -> serde_json::Value {
    frames.sort_by(f64::total_cmp);
    let pick = |p: f64| {
        let i = ((frames.len().max(1) - 1) as f64 * p).round() as usize;
        frames.get(i).copied().unwrap_or(0.0)
    };
    serde_json::json!({
        "frames": frames.len(),
        "seconds": seconds,
        "fps": frames.len() as f64 / seconds.max(1e-9),
        "median_ms": pick(0.5),
        "p99_ms": pick(0.99),
        "max_ms": pick(1.0),
    })
}
