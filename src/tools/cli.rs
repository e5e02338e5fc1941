//! The command line, parsed by `clap`: open a diagram (the default), or run a tool.
//!
//! ```text
//! autochitect [DIAGRAM.ron] [--select ID] [--writeup SLUG] [--tour NAME [--step N]]
//!             [--lab SCENARIO [--event N]] …
//! autochitect check [--format text|json] [--deny-warnings] [PATH...]
//! autochitect export DIAGRAM.ron --format svg|dot [-o FILE]
//! autochitect lab SCENARIO [--pcap FILE] [--json | --mermaid] [--seed N] [--drop FRAME] [--corrupt FRAME] …
//! autochitect generate …   (hidden: synthetic diagrams for benchmarks)
//! ```
//!
//! `--project DIR` (with any of them) names the project folder; without it the current
//! folder's project is used, else the one built into the binary (`tools::Project`).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::model::Launch;
use crate::model::synthetic::Shape;

/// An interactive architecture-diagram explorer: click any part of a computer to learn how it
/// works.
#[derive(Debug, Parser, PartialEq)]
#[command(name = "autochitect", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// A tool to run instead of opening the explorer.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// What to open.
    #[command(flatten)]
    pub open: Open,
    /// The project folder (holding diagrams/ and assets/writeups/) to use instead of the one
    /// found: the current folder's, else the one built into the binary.
    #[arg(long, global = true, value_name = "DIR")]
    pub project: Option<PathBuf>,
}

/// What the explorer opens.
#[derive(Debug, Args, Default, PartialEq)]
pub struct Open {
    /// The diagram to open (default: diagrams/two-computers.ron).
    #[arg(value_name = "DIAGRAM.ron", value_parser = diagram_path)]
    pub diagram: Option<PathBuf>,
    /// What to show first.
    #[command(flatten)]
    pub launch: LaunchArgs,
}

/// What the explorer shows first and how (the core's [`Launch`], which a deep link fills in
/// too), and the frame benchmark's knobs.
#[derive(Debug, Args, Default, Clone, PartialEq, Eq)]
pub struct LaunchArgs {
    /// Select a component or link once loaded.
    #[arg(long, value_name = "ID")]
    pub select: Option<String>,
    /// Open a write-up once loaded.
    #[arg(long, value_name = "SLUG")]
    pub writeup: Option<String>,
    /// Play a guided tour (from diagrams/tours/<diagram file>).
    #[arg(long, value_name = "NAME")]
    pub tour: Option<String>,
    /// Start the tour at step N (from 1).
    #[arg(long, value_name = "N", requires = "tour", value_parser = clap::value_parser!(u32).range(1..))]
    pub step: Option<u32>,
    /// Open a network lab scenario on its diagram (from diagrams/labs/<name>.ron).
    #[arg(long, value_name = "SCENARIO")]
    pub lab: Option<String>,
    /// Start the lab at event N (from 1).
    #[arg(long, value_name = "N", requires = "lab", value_parser = clap::value_parser!(u32).range(1..))]
    pub event: Option<u32>,
    /// Presenter mode: fullscreen, big text, clicker keys.
    #[arg(long)]
    pub present: bool,
    /// The speaker's notes: on the desktop a second window beside the audience's (with
    /// `--present`); on the web (`?speaker`) the page becomes the speaker view.
    #[arg(long)]
    pub notes: bool,
    /// Instant camera moves, no travelling packets.
    #[arg(long)]
    pub reduced_motion: bool,
    /// Benchmark: circle the camera every frame for SECONDS once the diagram shows, print
    /// frame-time statistics as one JSON line, and exit (desktop only).
    #[arg(long, value_name = "SECONDS", hide = true, value_parser = clap::value_parser!(u32).range(1..))]
    pub bench_pan: Option<u32>,
    /// Benchmark: circle N times closer than the fitted zoom.
    #[arg(long, value_name = "N", hide = true, requires = "bench_pan", value_parser = clap::value_parser!(u32).range(1..))]
    pub bench_zoom: Option<u32>,
    /// Benchmark: once the lab's run is made, play it at 8× for SECONDS, then drag through it
    /// for SECONDS, print frame-time statistics as one JSON line, and exit (desktop only).
    #[arg(long, value_name = "SECONDS", hide = true, requires = "lab", conflicts_with = "bench_pan", value_parser = clap::value_parser!(u32).range(1..))]
    pub bench_lab: Option<u32>,
}

impl LaunchArgs {
    /// The start the flags ask for.
    pub fn launch(&self) -> Launch {
        Launch {
            select: self.select.clone(),
            writeup: self.writeup.clone(),
            tour: self.tour.clone(),
            step: self.step,
            lab: self.lab.clone(),
            event: self.event,
            present: self.present,
            notes: self.notes,
            reduced_motion: self.reduced_motion,
        }
    }

    /// The frame benchmark asked for: seconds, and how many times closer than the fit.
    pub fn bench_pan(&self) -> Option<(u32, u32)> {
        self.bench_pan.map(|s| (s, self.bench_zoom.unwrap_or(1)))
    }
}

/// The tools.
#[derive(Debug, Subcommand, PartialEq)]
pub enum Command {
    /// Validate diagrams, tours and write-ups without opening a window.
    ///
    /// A PATH may be a diagram file, a folder of diagrams, or a write-up folder (one holding
    /// index.ron); the default is diagrams/ and assets/writeups/. Every problem is printed as
    /// file:line:col: severity: message. Exit codes: 0 valid (warnings allowed), 1 errors (or
    /// warnings with --deny-warnings), 2 bad command line.
    Check(CheckArgs),
    /// Write a diagram as SVG (the app's figure, each component linking to its write-up) or
    /// Graphviz DOT.
    Export(ExportArgs),
    /// Run a network lab scenario (diagrams/labs/) with no window: two real TCP/IP stacks on
    /// a simulated cable. Prints one line per event with its virtual time.
    ///
    /// A FRAME is a frame number (5) or words such as "first SYN", "second data from A",
    /// "HTTP request", "ARP reply", "ping request". Exit codes: 0 ran, 1 the scenario has
    /// errors (printed as file:line:col), 2 bad command line.
    Lab(LabArgs),
    /// Write the web site's static parts: the page with the diagram drawn into it, and every
    /// write-up as a plain HTML page (scripts/build-web runs it).
    Site(SiteArgs),
    /// Write a synthetic diagram for benchmarks; the same seed gives the same file, which
    /// passes `check`.
    #[command(hide = true)]
    Generate(GenerateArgs),
}

/// `lab`'s arguments.
#[derive(Debug, Args, Default, PartialEq)]
pub struct LabArgs {
    /// A scenario's name in diagrams/labs/ (http-request, leader-crash) or a scenario file.
    #[arg(value_name = "SCENARIO", required_unless_present = "list")]
    pub scenario: Option<String>,
    /// List the scenarios in diagrams/labs/ and exit.
    #[arg(long, conflicts_with = "scenario")]
    pub list: bool,
    /// Also write the frames as a pcap capture (Wireshark, tshark) to FILE (network scenarios).
    #[arg(long, value_name = "FILE")]
    pub pcap: Option<String>,
    /// Print the events (and decoded frames, or Raft messages) as one JSON object instead of
    /// lines.
    #[arg(long, conflicts_with = "mermaid")]
    pub json: bool,
    /// Print the run as a Mermaid sequence diagram (one arrow per frame) instead of lines
    /// (network scenarios).
    #[arg(long)]
    pub mermaid: bool,
    /// The random seed (default: the scenario's).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// Lose a frame on the cable (repeatable; network scenarios).
    #[arg(long, value_name = "FRAME")]
    pub drop: Vec<String>,
    /// Flip one bit of a frame on the cable (repeatable; network scenarios).
    #[arg(long, value_name = "FRAME")]
    pub corrupt: Vec<String>,
    /// Unplug the cable at AT_MS for FOR_MS milliseconds, written AT_MS+FOR_MS (repeatable;
    /// network scenarios).
    #[arg(long, value_name = "AT_MS+FOR_MS")]
    pub cut: Vec<String>,
}

/// `site`'s arguments.
#[derive(Debug, Args, PartialEq)]
pub struct SiteArgs {
    /// The folder to write into (made if missing).
    #[arg(long, value_name = "DIR")]
    pub out: std::path::PathBuf,
}

/// `check`'s arguments.
#[derive(Debug, Args, Default, PartialEq)]
pub struct CheckArgs {
    /// How to print the problems.
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    pub format: CheckFormat,
    /// Fail on warnings too.
    #[arg(long)]
    pub deny_warnings: bool,
    /// Files or folders to check.
    #[arg(value_name = "PATH")]
    pub paths: Vec<String>,
}

/// How `check` prints.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, ValueEnum)]
pub enum CheckFormat {
    /// `file:line:col: severity: message`, one per line, on standard error.
    #[default]
    Text,
    /// One JSON object on standard output.
    Json,
}

/// `export`'s arguments.
#[derive(Debug, Args, PartialEq)]
pub struct ExportArgs {
    /// The diagram file.
    #[arg(value_name = "DIAGRAM.ron")]
    pub diagram: String,
    /// The format to write.
    #[arg(long, value_enum)]
    pub format: ExportFormat,
    /// Where to write (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,
}

/// The formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormat {
    /// Scalable Vector Graphics.
    Svg,
    /// Graphviz DOT.
    Dot,
}

/// `generate`'s arguments.
#[derive(Debug, Args, PartialEq)]
pub struct GenerateArgs {
    /// Components in all (each computer counts as one).
    #[arg(long, default_value_t = 1000)]
    pub components: usize,
    /// Top-level computers.
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..))]
    pub computers: u32,
    /// Deepest nesting.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u32).range(1..=crate::model::limits::MAX_DEPTH as i64))]
    pub depth: u32,
    /// Links (default: as many as components).
    #[arg(long)]
    pub links: Option<usize>,
    /// The random seed.
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Where to write (default: standard output).
    #[arg(short, long, value_name = "FILE")]
    pub output: Option<String>,
}

impl GenerateArgs {
    /// The diagram to generate, or why these numbers make none.
    pub fn shape(&self) -> Result<Shape, String> {
        let computers = self.computers as usize;
        if self.components < computers {
            return Err(format!(
                "generate needs at least as many components as computers \
                 ({} components in {computers} computers)",
                self.components
            ));
        }
        Ok(Shape {
            seed: self.seed,
            computers,
            // Each computer is a component too.
            per_computer: self.components / computers - 1,
            depth: self.depth as usize,
            links: self.links.unwrap_or(self.components),
        })
    }
}

/// The tool names, for "did you mean" when a word that is no file looks like one.
const TOOLS: [&str; 4] = ["check", "export", "lab", "site"];

/// A diagram argument: a `.ron` file. A bare word close to a tool's name is a typo for it.
fn diagram_path(value: &str) -> Result<PathBuf, String> {
    if value.ends_with(".ron") || std::path::Path::new(value).is_file() {
        return Ok(PathBuf::from(value));
    }
    match TOOLS.iter().find(|t| edit_distance(t, value) <= 2) {
        Some(tool) => Err(format!("no such command; did you mean `{tool}`?")),
        None => Err("a diagram is a .ron file".to_owned()),
    }
}

/// Levenshtein distance, for short words.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let (Some(&left), Some(&up)) = (row.get(j), row.get(j + 1)) else {
                continue;
            };
            let best = (diagonal + usize::from(ca != *cb))
                .min(left + 1)
                .min(up + 1);
            diagonal = up;
            if let Some(cell) = row.get_mut(j + 1) {
                *cell = best;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

/// Parses the process's arguments; `--version` and `--help` also say which project is in use.
/// Exits (as clap does) on `--help`, `--version` and usage errors.
pub fn from_env() -> Cli {
    use clap::{CommandFactory, FromArgMatches};
    // `--project DIR` is taken out first: clap would read a flag before a tool's name as the
    // explorer's, and the tool's name as a diagram. It is also what `--help` describes.
    let (flag, args) = take_project_flag(std::env::args_os().collect());
    let project = match super::Project::locate(flag.as_deref()) {
        Ok(p) => p.describe(),
        Err(e) => e,
    };
    // clap takes `'static` text; these two strings live as long as the process anyway.
    let version: &'static str =
        Box::leak(format!("{} (project: {project})", env!("CARGO_PKG_VERSION")).into_boxed_str());
    let after: &'static str = Box::leak(format!("Project: {project}").into_boxed_str());
    let matches = Cli::command()
        .version(version)
        .after_help(after)
        .mut_subcommands(|tool| tool.after_help(after))
        .get_matches_from(args);
    let mut cli = Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit());
    cli.project = flag.or(cli.project);
    cli
}

/// Splits `--project DIR` (or `--project=DIR`) from the other arguments.
fn take_project_flag(args: Vec<std::ffi::OsString>) -> (Option<PathBuf>, Vec<std::ffi::OsString>) {
    let mut flag = None;
    let mut rest = Vec::with_capacity(args.len());
    let mut it = args.into_iter();
    while let Some(a) = it.next() {
        if a == "--" {
            rest.push(a);
            rest.extend(it.by_ref());
            break;
        }
        if a == "--project"
            && let Some(dir) = it.next()
        {
            flag = Some(PathBuf::from(dir));
        } else if let Some(dir) = a.to_str().and_then(|a| a.strip_prefix("--project=")) {
            flag = Some(PathBuf::from(dir));
        } else {
            rest.push(a);
        }
    }
    (flag, rest)
}

/// Parses arguments (without the program name), as `clap` would from the process.
pub fn parse<I, T>(args: I) -> Result<Cli, clap::Error>
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    Cli::try_parse_from(
        std::iter::once("autochitect".into()).chain(args.into_iter().map(Into::into)),
    )
}
