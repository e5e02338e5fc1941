//! App benchmark (CPU side, no GPU): the explorer's real plugins and egui panels in a headless
//! app, on the default diagram and on generated ones of 1,000 and 10,000 components.
//! Prints a Markdown table; not a test, no thresholds.
//!
//!     cargo bench --bench app
//!
//! - scene build: the frame that turns a freshly loaded model into entities and meshes;
//! - frame idle / panning / zooming: one `App::update` with nothing changing; with the camera
//!   circling a few pixels per frame at the zoom that fits the diagram, and close up (one
//!   world unit per pixel, every label on screen readable); with it zooming in and out (labels
//!   laid out at each new size);
//! - click to panel: frames from the mouse button's release to the summary panel being laid out
//!   (1 means the frame that handles the click shows the panel);
//! - reader scrolling: the longest write-up open in the reader, scrolled with the wheel a few
//!   lines every frame, down to its end and back up;
//! - the lab: a scenario of about 10,000 events on the default diagram, with its panel: the
//!   frame that makes the run, frames while it plays (8×), and frames while the slider scrubs
//!   across the whole run (a new event every frame).

use std::time::{Duration, Instant};

use autochitect::app::headless;
use autochitect::app::state::{CameraView, Intent, LaunchOptions, LoadedModel, UiInsets};
use autochitect::model::synthetic::{Shape, generate};
use bevy::prelude::*;

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len().max(1) - 1) as f64 * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

/// Median and p99 of `runs` timed calls.
fn time(runs: usize, mut f: impl FnMut(usize)) -> (Duration, Duration) {
    let mut times: Vec<Duration> = (0..runs)
        .map(|i| {
            let t = Instant::now();
            f(i);
            t.elapsed()
        })
        .collect();
    times.sort();
    (percentile(&times, 0.5), percentile(&times, 0.99))
}

fn repo() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn options(dir: &std::path::Path, file: &str) -> LaunchOptions {
    LaunchOptions {
        asset_root: repo().join("assets").display().to_string(),
        diagram_dir: dir.display().to_string(),
        diagram_file: file.into(),
        ..LaunchOptions::default()
    }
}

fn main() {
    let dir = std::env::temp_dir().join(format!("autochitect-bench-{}", std::process::id()));
    if let Err(e) = std::fs::create_dir_all(&dir) {
        eprintln!("cannot create {}: {e}", dir.display());
        std::process::exit(1);
    }
    let mut cases = vec![(
        "default diagram".to_string(),
        options(&repo().join("diagrams"), "two-computers.ron"),
    )];
    for (components, computers) in [(1_000, 10), (10_000, 50)] {
        let file = format!("generated-{components}.ron");
        let text = generate(Shape {
            seed: 7,
            computers,
            per_computer: components / computers - 1,
            depth: 4,
            links: components,
        });
        if let Err(e) = std::fs::write(dir.join(&file), text) {
            eprintln!("cannot write {file}: {e}");
            std::process::exit(1);
        }
        cases.push((format!("{components} components"), options(&dir, &file)));
    }
    // With a screen reader on, the accessibility tree is built every frame too.
    let reader_on = [
        (
            "default diagram, screen reader on".to_string(),
            options(&repo().join("diagrams"), "two-computers.ron"),
        ),
        (
            "10000 components, screen reader on".to_string(),
            options(&dir, "generated-10000.ron"),
        ),
    ];
    let cases: Vec<(String, LaunchOptions, bool)> = cases
        .into_iter()
        .map(|(n, o)| (n, o, false))
        .chain(reader_on.into_iter().map(|(n, o)| (n, o, true)))
        .collect();

    println!(
        "| diagram | entities | scene build (median / p99) | frame idle | frame panning, fitted | frame panning, close up | frame zooming | click to panel |"
    );
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, options, screen_reader) in cases {
        let mut app = headless::app(options, true);
        if screen_reader
            && let Some(requested) = app
                .world()
                .get_resource::<bevy::a11y::AccessibilityRequested>()
        {
            requested.set(true);
        }
        headless::settle(&mut app);
        if app.world().get_resource::<LoadedModel>().is_none() {
            eprintln!("{name}: the diagram did not load");
            std::process::exit(1);
        }
        let entities = app.world().entities().count_spawned();

        // Scene build: hand the app its model again, as a reload does.
        let build = time(11, |_| {
            let mut model = app.world().resource::<LoadedModel>().clone();
            model.generation += 1;
            app.world_mut().insert_resource(model);
            app.update();
        });
        // Back to the fitted view the load chose.
        app.update();
        let fitted = *app.world().resource::<CameraView>();

        let idle = time(300, |_| app.update());
        let pan = time(300, |i| {
            let a = i as f32 * 0.05;
            app.world_mut().resource_mut::<CameraView>().center =
                fitted.center + Vec2::new(a.cos(), a.sin()) * 64.0 * fitted.scale;
            app.update();
        });
        // Close up (1 world unit per pixel, as authored): every label on screen is laid out.
        let close = time(300, |i| {
            let a = i as f32 * 0.05;
            *app.world_mut().resource_mut::<CameraView>() = CameraView {
                center: fitted.center + Vec2::new(a.cos(), a.sin()) * 64.0,
                scale: 1.0,
            };
            app.update();
        });
        let zoom = time(300, |i| {
            let f = 1.0 + 0.5 * (i as f32 * 0.05).sin();
            *app.world_mut().resource_mut::<CameraView>() = CameraView {
                center: fitted.center,
                scale: fitted.scale / f / 2.0,
            };
            app.update();
        });
        *app.world_mut().resource_mut::<CameraView>() = fitted;
        app.update();
        let click = click_to_panel(&mut app);

        println!(
            "| {name} | {entities} | {} / {} | {} / {} | {} / {} | {} / {} | {} / {} | {} |",
            ms(build.0),
            ms(build.1),
            ms(idle.0),
            ms(idle.1),
            ms(pan.0),
            ms(pan.1),
            ms(close.0),
            ms(close.1),
            ms(zoom.0),
            ms(zoom.1),
            click.map_or("n/a".into(), |f| format!("{f} frame(s)")),
        );
    }
    lab_frames(&dir);
    let _ = std::fs::remove_dir_all(&dir);
    reader_scrolling();
}

/// The lab on the default diagram with a run of about 10,000 events: making the run, playing
/// it, and scrubbing across it.
fn lab_frames(dir: &std::path::Path) {
    use autochitect::app::state::{LabMove, LabState};
    let diagrams = dir.join("lab-diagrams");
    let labs = diagrams.join("labs");
    let written = std::fs::create_dir_all(&labs)
        .and_then(|()| {
            std::fs::copy(
                repo().join("diagrams/two-computers.ron"),
                diagrams.join("two-computers.ron"),
            )
        })
        .and_then(|_| std::fs::write(labs.join("bulk.ron"), include_str!("bulk.ron")))
        .and_then(|()| std::fs::write(labs.join("index.ron"), "[\"bulk.ron\"]"));
    if let Err(e) = written {
        eprintln!("cannot write the lab's files: {e}");
        std::process::exit(1);
    }
    let mut app = headless::app(options(&diagrams, "two-computers.ron"), true);
    headless::settle(&mut app);
    let t = Instant::now();
    app.world_mut()
        .write_message(Intent::OpenLab("bulk".into(), 0));
    headless::run_until(&mut app, 2000, |a| {
        a.world().resource::<LabState>().run.is_some()
    });
    let made = t.elapsed();
    let Some(run) = app.world().resource::<LabState>().run.clone() else {
        eprintln!("the lab's run was not made");
        std::process::exit(1);
    };
    let n = run.len();
    app.update();
    app.world_mut().write_message(Intent::LabSpeed(8.0));
    app.world_mut().write_message(Intent::LabPlay(Some(true)));
    let play = time(300, |_| app.update());
    app.world_mut().write_message(Intent::LabPlay(Some(false)));
    app.update();
    // A drag across the slider from start to end: a few dozen events further every frame.
    let scrub = time(300, |i| {
        let k = i * n / 300;
        app.world_mut().write_message(Intent::LabGo(LabMove::To(k)));
        app.update();
    });
    println!();
    println!(
        "| lab run | events | open (files in → run made and shown) | frame playing, 8× (median / p99) | frame scrubbing (median / p99) |"
    );
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!(
        "| bulk transfer, 4.9 MB | {n} | {} | {} / {} | {} / {} |",
        ms(made),
        ms(play.0),
        ms(play.1),
        ms(scrub.0),
        ms(scrub.1),
    );
}

/// Scrolls the longest write-up in the reader, a wheel event every frame, and prints a table.
fn reader_scrolling() {
    let mut app = headless::app(options(&repo().join("diagrams"), "two-computers.ron"), true);
    headless::settle(&mut app);
    let Some((slug, words)) = app.world().get_resource::<LoadedModel>().and_then(|m| {
        m.writeups
            .newest_first()
            .into_iter()
            .map(|w| {
                (
                    w.slug.clone(),
                    w.body
                        .ready()
                        .map_or(0, |b| b.text.split_whitespace().count()),
                )
            })
            .max_by_key(|(_, n)| *n)
    }) else {
        eprintln!("reader: no write-ups loaded");
        std::process::exit(1);
    };
    app.world_mut()
        .write_message(Intent::OpenWriteup(slug.clone()));
    for _ in 0..5 {
        app.update();
    }
    let Some(window) = headless::window(&mut app) else {
        eprintln!("reader: no window");
        std::process::exit(1);
    };
    let size = {
        let w = app.world().get::<Window>(window);
        w.map_or(Vec2::new(1280.0, 720.0), |w| {
            Vec2::new(w.width(), w.height())
        })
    };
    let right = app.world().resource::<UiInsets>().right;
    if right <= 0.0 {
        eprintln!("reader: the write-up did not open");
        std::process::exit(1);
    }
    // Over the text column, three lines a frame: down for 200 frames, then back up.
    let at = Vec2::new(size.x - right / 2.0, size.y / 2.0);
    let scroll = time(400, |i| {
        let lines = if i < 200 { -3.0 } else { 3.0 };
        headless::wheel(&mut app, at, lines);
        app.update();
    });
    println!();
    println!("| write-up | words | frame scrolling the reader |");
    println!("| --- | ---: | ---: |");
    println!(
        "| {slug} (the longest) | {words} | {} / {} |",
        ms(scroll.0),
        ms(scroll.1)
    );
}

/// Clicks the first leaf component on screen (move, press and release before one frame, as a
/// quick click arrives); frames until the summary panel takes space on the right.
fn click_to_panel(app: &mut App) -> Option<usize> {
    let leaves: Vec<String> = {
        let m = app.world().resource::<LoadedModel>();
        m.diagram
            .components()
            .iter()
            .filter(|c| c.children.is_empty())
            .map(|c| c.id.as_str().to_owned())
            .collect()
    };
    let pos = leaves
        .iter()
        .find_map(|id| headless::component_pos(app, id))?;
    headless::move_cursor(app, pos);
    headless::left_button(app, bevy::input::ButtonState::Pressed);
    headless::left_button(app, bevy::input::ButtonState::Released);
    for frame in 1..=10 {
        app.update();
        if app.world().resource::<UiInsets>().right > 0.0 {
            return Some(frame);
        }
    }
    None
}
