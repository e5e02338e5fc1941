//! The command-line tools: files in, text out, no window and no Bevy.
//!
//! - [`cli`]: the command line (`clap`), for the tools and for opening the explorer.
//! - [`check`]: validate diagrams, tours and write-ups with `file:line:col` messages.
//! - [`export`]: a diagram as SVG or Graphviz DOT.
//! - [`lab`]: run a network lab scenario: events, a pcap capture, JSON.
//! - [`site`]: the web site's static parts (the page's first paint, write-ups as plain pages).
//! - [`bundled`]: the default project carried inside the binary; [`Project`] finds the one in
//!   use (files on disk first).
//! - `generate` (hidden): synthetic diagrams for benchmarks, from [`crate::model::synthetic`].

pub mod bundled;
pub mod check;
pub mod cli;
pub mod export;
pub mod lab;
pub mod site;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::model::paths;

/// Runs a tool and returns its exit code. `project` is `--project`'s folder, if given.
pub fn run(command: &cli::Command, project: Option<&Path>) -> ExitCode {
    if let cli::Command::Generate(args) = command {
        return generate(args);
    }
    let root = match Project::locate(project).and_then(|p| p.ready()) {
        Ok(root) => root,
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::from(2);
        }
    };
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

/// Where the project in use was found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// `--project DIR`.
    Flag,
    /// The `AUTOCHITECT_ROOT` environment variable.
    Env,
    /// The current folder.
    CurrentDir,
    /// The crate's folder, when run by cargo.
    Crate,
    /// The executable's folder or one above it (a checkout's `target/release`).
    Executable,
    /// None on disk: the project carried inside the binary ([`bundled`]).
    BuiltIn,
}

/// The project in use: the folder holding `diagrams/` and `assets/writeups/`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Project {
    /// The project folder (for the built-in project, where it is unpacked).
    pub root: PathBuf,
    /// Where it was found.
    pub origin: Origin,
}

impl Project {
    /// Finds the project: `--project DIR` when given (which must be one), else
    /// `AUTOCHITECT_ROOT`, the current folder, the crate's folder when run by cargo, the
    /// executable's folder and its parents; else the built-in one. Files on disk always win, so
    /// an author works on their own files. Unpacks nothing.
    pub fn locate(flag: Option<&Path>) -> Result<Project, String> {
        let index = format!("{}/{}", paths::writeup_dir(), paths::INDEX_FILE);
        let has_project = |p: &Path| p.join(&index).is_file();
        if let Some(dir) = flag {
            if !has_project(dir) {
                return Err(format!(
                    "autochitect: no project in {} (a project has {index})",
                    dir.display()
                ));
            }
            let root = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
            return Ok(Project {
                root,
                origin: Origin::Flag,
            });
        }
        let var = |name: &str| std::env::var_os(name).map(PathBuf::from);
        let mut candidates: Vec<(PathBuf, Origin)> = Vec::new();
        candidates.extend(var("AUTOCHITECT_ROOT").map(|d| (d, Origin::Env)));
        candidates.extend(std::env::current_dir().map(|d| (d, Origin::CurrentDir)));
        candidates.extend(var("CARGO_MANIFEST_DIR").map(|d| (d, Origin::Crate)));
        if let Ok(exe) = std::env::current_exe() {
            candidates.extend(
                exe.ancestors()
                    .skip(1)
                    .map(|d| (d.to_path_buf(), Origin::Executable)),
            );
        }
        let found = candidates.into_iter().find(|(p, _)| has_project(p));
        Ok(match found {
            Some((root, origin)) => Project { root, origin },
            None => Project {
                root: bundled::unpack_dir(),
                origin: Origin::BuiltIn,
            },
        })
    }

    /// The project folder, ready to read: the built-in project is unpacked first.
    pub fn ready(&self) -> Result<PathBuf, String> {
        match self.origin {
            Origin::BuiltIn => bundled::unpack(),
            _ => Ok(self.root.clone()),
        }
    }

    /// Which project is in use, for `--version` and `--help`.
    pub fn describe(&self) -> String {
        let root = self.root.display();
        match self.origin {
            Origin::Flag => format!("{root} (--project)"),
            Origin::Env => format!("{root} (AUTOCHITECT_ROOT)"),
            Origin::CurrentDir => format!("{root} (the current folder)"),
            Origin::Crate => format!("{root} (the crate run by cargo)"),
            Origin::Executable => format!("{root} (beside the executable)"),
            Origin::BuiltIn => format!(
                "built in, {} files, unpacked to {root} (no project in the current folder; \
                 --project DIR to use another)",
                bundled::FILES.len()
            ),
        }
    }
}
