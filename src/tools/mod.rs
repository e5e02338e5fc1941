//! The command-line tools: files in, text out, no window and no Bevy.
//!
//! - [`cli`]: the command line (`clap`), for the tools and for opening the explorer.
//! - [`check`]: validate diagrams, tours and write-ups with `file:line:col` messages.
//! - [`export`]: a diagram as SVG or Graphviz DOT.
//! - [`lab`]: run a network lab scenario: events, a pcap capture, JSON.
//! - [`site`]: the web site's static parts (the page's first paint, write-ups as plain pages).
//! - `generate` (hidden): synthetic diagrams for benchmarks, from [`crate::model::synthetic`].

pub mod check;
pub mod cli;
pub mod export;
pub mod lab;
pub mod site;

use std::path::PathBuf;
use std::process::ExitCode;

use crate::model::paths;

/// Runs a tool and returns its exit code.
pub fn run(command: &cli::Command) -> ExitCode {
    let root = project_root();
    match command {
        cli::Command::Check(args) => check::run(&root, args),
        cli::Command::Export(args) => export::run(&root, args),
        cli::Command::Lab(args) => lab::run(&root, args),
        cli::Command::Site(args) => site::run(&root, &args.out),
        cli::Command::Generate(args) => generate(args),
    }
}

fn generate(args: &cli::GenerateArgs) -> ExitCode {
    let shape = match args.shape() {
        Ok(s) => s,
        Err(e) => {
            eprintln!("autochitect: {e}");
            return ExitCode::from(2);
        }
    };
    let text = crate::model::synthetic::generate(shape);
    match &args.output {
        Some(path) => match std::fs::write(path, text) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => {
                eprintln!("autochitect: cannot write {path}: {e}");
                ExitCode::from(1)
            }
        },
        None => {
            print!("{text}");
            ExitCode::SUCCESS
        }
    }
}

/// Finds the project folder that holds the write-up index: `AUTOCHITECT_ROOT`, the current
/// directory, the crate's folder when run by cargo, then the executable's folder and its
/// parents (so a release binary run from anywhere works).
pub fn project_root() -> PathBuf {
    let index = format!("{}/{}", paths::writeup_dir(), paths::INDEX_FILE);
    let has_assets = |p: &std::path::Path| p.join(&index).is_file();
    let mut candidates: Vec<PathBuf> = Vec::new();
    if let Ok(dir) = std::env::var("AUTOCHITECT_ROOT") {
        candidates.push(PathBuf::from(dir));
    }
    if let Ok(cwd) = std::env::current_dir() {
        candidates.push(cwd);
    }
    if let Ok(dir) = std::env::var("CARGO_MANIFEST_DIR") {
        candidates.push(PathBuf::from(dir));
    }
    if let Ok(exe) = std::env::current_exe() {
        candidates.extend(exe.ancestors().skip(1).map(PathBuf::from));
    }
    candidates
        .into_iter()
        .find(|p| has_assets(p))
        .unwrap_or_else(|| PathBuf::from("."))
}
