//! `--bench-pan SECONDS`: a rendered-frame benchmark driver (native only).
//!
//! Once the diagram shows, the camera circles its centre at the zoom that fits the whole
//! diagram (every box on screen), or `--bench-zoom N` times closer, one step per frame,
//! with a redraw requested every frame. After a short warm-up, each frame's wall-clock time is
//! recorded; at the end one JSON line goes to standard output and the app exits.

use bevy::prelude::*;

use super::state::{AppSystems, CameraView, LaunchOptions, LoadedModel};

/// Frames dropped before recording (pipelines compile, atlases fill).
const WARMUP_FRAMES: usize = 30;
/// One lap of the circle, in seconds.
const LAP_SECONDS: f32 = 4.0;

pub(super) fn plugin(app: &mut App) {
    let options = app.world().get_resource::<LaunchOptions>();
    if let Some((seconds, zoom)) = options.and_then(|o| o.bench_pan) {
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
        "world_units_per_pixel": scale,
    })
    .to_string()
}
