//! Lab benchmark: each shipped network scenario simulated end to end; a long bulk transfer of
//! about 10,000 events; each shipped cluster scenario run to its end with its safety checks; the time to go back to an arbitrary event of that run, both reading the
//! record (what a slider does) and replaying the live stacks to it (what a branch needs); and
//! the cluster lab's core: a Raft cluster of 3, 5 and 7 servers run for 10 virtual seconds.
//! Prints Markdown tables of median and p99. Not a test: no thresholds.
//!
//!     cargo bench --bench lab

use std::sync::Arc;
use std::time::{Duration, Instant};

use autochitect::lab::cluster::{Cluster, ClusterConfig, Fault as ClusterFault, ServerId};
use autochitect::lab::{Fault, FrameMatch, Lab, Rng, Scenario, parse_scenario};

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted.get(i).copied().unwrap_or_default()
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn load(name: &str, text: &str) -> Scenario {
    match parse_scenario(name, name, text, None) {
        Ok(s) => s,
        Err(d) => {
            eprintln!("{d}");
            std::process::exit(1);
        }
    }
}

/// A long transfer with a fast reader: about 10,000 events.
const BULK: &str = include_str!("bulk.ron");

fn timed<T>(runs: usize, mut f: impl FnMut() -> T) -> (Vec<Duration>, T) {
    let mut times = Vec::with_capacity(runs);
    let mut last = None;
    for _ in 0..runs {
        let t = Instant::now();
        last = Some(f());
        times.push(t.elapsed());
    }
    times.sort();
    match last {
        Some(v) => (times, v),
        None => {
            eprintln!("no runs");
            std::process::exit(1);
        }
    }
}

fn main() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("diagrams/labs");
    let mut files: Vec<_> = std::fs::read_dir(&root)
        .map(|d| {
            d.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.file_name().is_some_and(|n| n != "index.ron"))
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    println!("| scenario | events | frames | virtual time | runs | median | p99 |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    let mut clusters = Vec::new();
    for f in &files {
        let name = f
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let text = std::fs::read_to_string(f).unwrap_or_default();
        if autochitect::lab::any::is_cluster(&text) {
            clusters.push((name, text));
            continue;
        }
        let s = Arc::new(load(&name, &text));
        let (times, lab) = timed(51, || {
            let mut lab = Lab::new(s.clone(), s.seed, Vec::new());
            lab.run_to_end();
            lab
        });
        let events = lab.events();
        let frames = events.iter().filter(|e| e.frame().is_some()).count();
        let end = events.last().map_or(0, |e| e.time_us);
        println!(
            "| {name} | {} | {frames} | {:.3} s | 51 | {} | {} |",
            events.len(),
            end as f64 / 1e6,
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
        );
    }
    let bulk = Arc::new(load("bulk", BULK));
    let (times, lab) = timed(11, || {
        let mut lab = Lab::new(bulk.clone(), 1, Vec::new());
        lab.run_to_end();
        lab
    });
    let n = lab.events().len();
    let frames = lab.events().iter().filter(|e| e.frame().is_some()).count();
    println!(
        "| bulk, 4.9 MB at 100 Mbit/s | {n} | {frames} | {:.3} s | 11 | {} | {} |",
        lab.events().last().map_or(0, |e| e.time_us) as f64 / 1e6,
        ms(percentile(&times, 0.5)),
        ms(percentile(&times, 0.99)),
    );
    // The shipped cluster scenarios, each run to its end with its safety checks.
    println!();
    println!("| cluster scenario | events | messages | virtual time | runs | median | p99 |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (name, text) in &clusters {
        let s = match autochitect::lab::cluster::scenario::parse_cluster_in(
            name,
            name,
            text,
            &mut |_| Ok(None),
        ) {
            Ok(s) => s,
            Err(d) => {
                eprintln!("{d}");
                std::process::exit(1);
            }
        };
        let (times, c) = timed(51, || s.run(s.seed, &[]).ok());
        let Some(c) = c else {
            eprintln!("{name}: no cluster");
            std::process::exit(1);
        };
        let messages = (c.events().iter())
            .filter(|e| matches!(e.kind, autochitect::lab::cluster::EventKind::Sent { .. }))
            .count();
        println!(
            "| {name} | {} | {messages} | {:.3} s | 51 | {} | {} |",
            c.events().len(),
            s.until_ms as f64 / 1e3,
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
        );
    }
    println!();
    println!("Going back to an arbitrary event of the bulk run ({n} events), 101 random events:");
    println!();
    println!("| how | median | p99 | max |");
    println!("| --- | ---: | ---: | ---: |");
    let mut rng = Rng::new(7);
    let targets: Vec<usize> = (0..101).map(|_| rng.below(n as u64) as usize).collect();
    let mut scrub = lab;
    let mut seek_times = Vec::new();
    for &k in &targets {
        let t = Instant::now();
        scrub.seek(k);
        let seen = scrub.events().len();
        seek_times.push(t.elapsed());
        assert_eq!(seen, k);
    }
    seek_times.sort();
    println!(
        "| seek (read the record: a slider) | {} | {} | {} |",
        ms(percentile(&seek_times, 0.5)),
        ms(percentile(&seek_times, 0.99)),
        ms(seek_times.last().copied().unwrap_or_default()),
    );
    let mut replay_times = Vec::new();
    for &k in &targets {
        let t = Instant::now();
        let sim = scrub.replay_to(k);
        replay_times.push(t.elapsed());
        if sim.is_none() {
            eprintln!("replay to {k} diverged");
            std::process::exit(1);
        }
    }
    replay_times.sort();
    println!(
        "| replay the live stacks to it (for a branch) | {} | {} | {} |",
        ms(percentile(&replay_times, 0.5)),
        ms(percentile(&replay_times, 0.99)),
        ms(replay_times.last().copied().unwrap_or_default()),
    );
    let fault = Fault::Drop(FrameMatch::Number(u32::MAX));
    let (branch_times, _) = timed(11, || scrub.branch(n / 2, fault.clone()));
    println!(
        "| branch at the middle event | {} | {} | {} |",
        ms(percentile(&branch_times, 0.5)),
        ms(percentile(&branch_times, 0.99)),
        ms(branch_times.last().copied().unwrap_or_default()),
    );
    cluster();
}

/// A Raft cluster (raft-rs, default settings), 10 virtual seconds: a write every 30 ms from
/// 0.5 s, S1 crashed at 3 s and restarted at 6 s, every change checked for safety.
fn cluster() {
    println!();
    println!(
        "The cluster lab's core: 10 virtual seconds, a write every 30 ms, S1 crashed at 3 s and restarted at 6 s, safety checked on every change:"
    );
    println!();
    println!("| servers | events | messages | runs | median | p99 |");
    println!("| ---: | ---: | ---: | ---: | ---: | ---: |");
    for servers in [3, 5, 7] {
        let (times, c) = timed(21, || {
            let config = ClusterConfig {
                servers,
                ..ClusterConfig::default()
            };
            let Ok(mut c) = Cluster::new(config, 1) else {
                eprintln!("no cluster of {servers}");
                std::process::exit(1);
            };
            for n in 0..300u64 {
                c.propose_at(500 + 30 * n, format!("k{n} = {n}"));
            }
            c.fault_at(3000, ClusterFault::Crash(ServerId(1).into()));
            c.fault_at(6000, ClusterFault::Restart(ServerId(1).into()));
            c.run_until(10_000);
            c
        });
        if !c.violations().is_empty() {
            eprintln!("safety broken: {:?}", c.violations());
            std::process::exit(1);
        }
        let messages = (c.events().iter())
            .filter(|e| matches!(e.kind, autochitect::lab::cluster::EventKind::Sent { .. }))
            .count();
        println!(
            "| {servers} | {} | {messages} | 21 | {} | {} |",
            c.events().len(),
            ms(percentile(&times, 0.5)),
            ms(percentile(&times, 0.99)),
        );
    }
}
