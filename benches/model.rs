//! Model benchmark: parse + validate (and lay out) generated diagrams of growing size, then
//! build their figure (the display list every view draws, `model::figure`). Prints a
//! Markdown table of median and p99 over repeated runs. Not a test: no thresholds.
//!
//!     cargo bench --bench model

use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use autochitect::model::figure::Figure;
use autochitect::model::style::LIGHT;
use autochitect::model::synthetic::{Shape, generate};
use autochitect::model::{WriteupSlug, parse_diagram};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn main() {
    // `cargo bench --bench model -- 10000` runs only the sizes named (for profiling).
    let only: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let slugs: BTreeSet<WriteupSlug> = BTreeSet::new();
    println!(
        "| components | links | file size | runs | median | p99 | figure median | figure p99 |"
    );
    println!("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (computers, per_computer) in [(2, 49), (10, 99), (20, 499), (50, 1_999)] {
        let shape = Shape {
            seed: 7,
            computers,
            per_computer,
            depth: 4,
            links: computers * (per_computer + 1),
        };
        if !only.is_empty() && !only.contains(&(computers * (per_computer + 1))) {
            continue;
        }
        let text = generate(shape);
        let runs = if per_computer > 1_000 {
            7
        } else if per_computer > 100 {
            21
        } else {
            101
        };
        let mut times = Vec::with_capacity(runs);
        let mut figure_times = Vec::with_capacity(runs);
        let mut components = 0;
        for _ in 0..runs {
            let t = Instant::now();
            let d = match parse_diagram("bench.ron", &text, &slugs) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("generated diagram is invalid: {e}");
                    std::process::exit(1);
                }
            };
            times.push(t.elapsed());
            let t = Instant::now();
            let figure = Figure::build(&d, &LIGHT, 1.0);
            figure_times.push(t.elapsed());
            std::hint::black_box(figure);
            components = d.components().len();
        }
        times.sort();
        figure_times.sort();
        let ms = |v: &[Duration], p| percentile(v, p).as_secs_f64() * 1e3;
        println!(
            "| {components} | {} | {:.1} MB | {runs} | {:.2} ms | {:.2} ms | {:.2} ms | {:.2} ms |",
            shape.links,
            text.len() as f64 / 1_048_576.0,
            ms(&times, 0.5),
            ms(&times, 0.99),
            ms(&figure_times, 0.5),
            ms(&figure_times, 0.99),
        );
    }
    if only.is_empty() {
        shipped();
    }
}

/// The shipped diagrams, as a learner opens them: their links are routed around boxes and
/// their labels placed, which generated diagrams over 200 boxes skip.
fn shipped() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let index = std::fs::read_to_string(root.join("assets/writeups/index.ron")).unwrap_or_default();
    let slugs: BTreeSet<WriteupSlug> = autochitect::model::parse_writeup_index("index.ron", &index)
        .map(|v| v.into_iter().collect())
        .unwrap_or_default();
    println!();
    println!("| shipped diagram | components | links | runs | median | p99 |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for name in ["two-computers", "raft-cluster", "one-computer"] {
        let file = format!("diagrams/{name}.ron");
        let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
            eprintln!("cannot read {file}");
            std::process::exit(1);
        };
        let runs = 201;
        let mut times = Vec::with_capacity(runs);
        let mut sizes = (0, 0);
        for _ in 0..runs {
            let t = Instant::now();
            let d = match parse_diagram(&file, &text, &slugs) {
                Ok(d) => d,
                Err(e) => {
                    eprintln!("{file} is invalid: {e}");
                    std::process::exit(1);
                }
            };
            times.push(t.elapsed());
            sizes = (d.components().len(), d.links().len());
        }
        times.sort();
        println!(
            "| {file} | {} | {} | {runs} | {:.2} ms | {:.2} ms |",
            sizes.0,
            sizes.1,
            percentile(&times, 0.5).as_secs_f64() * 1e3,
            percentile(&times, 0.99).as_secs_f64() * 1e3,
        );
    }
}
