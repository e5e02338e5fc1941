//! The command line: `autochitect [DIAGRAM.ron] [--select ID] [--writeup SLUG]` and
//! `autochitect check [PATH…]`. Parsing is pure; turning paths into asset roots is native-only.

/// Printed by `--help` and after a usage error.
pub const USAGE: &str = "\
Usage:
  autochitect [DIAGRAM.ron] [--select ID] [--writeup SLUG] [--tour NAME [--step N]]
              [--present] [--reduced-motion]
      Open a diagram (default: diagrams/two-computers.ron).
      --select ID       select a component or link once loaded
      --writeup SLUG    open a write-up once loaded
      --tour NAME       play a guided tour (from diagrams/tours/<diagram file>)
      --step N          start the tour at step N (from 1)
      --present         presenter mode: fullscreen, big text, clicker keys
      --reduced-motion  instant camera moves, no travelling packets
  autochitect check [--format text|json] [--deny-warnings] [PATH...]
      Validate diagrams and write-ups without opening a window. A PATH may be a diagram
      file, a folder of diagrams, or a write-up folder (one holding index.ron).
      Default: diagrams/ and assets/writeups/. Prints file:line:col: severity: message
      for every problem. Exit codes: 0 valid (warnings allowed), 1 errors (or warnings
      with --deny-warnings), 2 bad command line.
  autochitect export DIAGRAM.ron --format svg|dot [-o FILE]
      Write the diagram as SVG (the app's figure, each component linking to its
      write-up) or Graphviz DOT, to FILE or standard output.
  autochitect generate [--components N] [--computers M] [--depth D] [--links L]
                       [--seed S] [-o FILE]
      Write a synthetic diagram for benchmarks: N components (default 1000) in M
      computers (default 10), nested up to D deep (default 4), L links (default N),
      the same file for the same seed. It passes `check`.
  autochitect --help | --version
Benchmarking: `--bench-pan SECONDS [--bench-zoom N]` circles the camera every frame for that
long once the diagram shows (at the fitted zoom, or N times closer), prints frame-time
statistics as one JSON line, and exits.
";

/// What to open.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Open {
    /// A diagram path, if given.
    pub diagram: Option<String>,
    /// `--select ID`.
    pub select: Option<String>,
    /// `--writeup SLUG`.
    pub writeup: Option<String>,
    /// `--tour NAME`.
    pub tour: Option<String>,
    /// `--step N`.
    pub step: Option<usize>,
    /// `--present`.
    pub present: bool,
    /// `--reduced-motion`.
    pub reduced_motion: bool,
    /// `--bench-pan SECONDS`.
    pub bench_pan: Option<u32>,
    /// `--bench-zoom N`.
    pub bench_zoom: Option<u32>,
}

/// A parsed command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Open the explorer.
    Open(Open),
    /// Validate files.
    Check {
        /// Files or folders; empty means the defaults.
        paths: Vec<String>,
        /// Machine-readable output.
        json: bool,
        /// Warnings fail the check too.
        deny_warnings: bool,
    },
    /// Export a diagram.
    Export {
        /// The diagram file.
        diagram: String,
        /// SVG or DOT.
        format: ExportFormat,
        /// Where to write; standard output when absent.
        output: Option<String>,
    },
    /// Write a synthetic diagram.
    Generate {
        /// What to generate.
        shape: crate::model::synthetic::Shape,
        /// Where to write; standard output when absent.
        output: Option<String>,
    },
    /// Print usage.
    Help,
    /// Print the version.
    Version,
}

/// The formats `export` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    /// Scalable Vector Graphics.
    Svg,
    /// Graphviz DOT.
    Dot,
}

fn parse_check(mut it: std::slice::Iter<'_, String>) -> Result<Command, String> {
    let (mut paths, mut json, mut deny_warnings) = (Vec::new(), false, false);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--format" => match it.next().map(String::as_str) {
                Some("json") => json = true,
                Some("text") => json = false,
                other => return Err(format!("--format takes `text` or `json`, not {other:?}")),
            },
            "--deny-warnings" => deny_warnings = true,
            flag if flag.starts_with("--") => {
                return Err(format!("unknown option `{flag}` for check"));
            }
            path => paths.push(path.to_owned()),
        }
    }
    Ok(Command::Check {
        paths,
        json,
        deny_warnings,
    })
}

fn parse_export(mut it: std::slice::Iter<'_, String>) -> Result<Command, String> {
    let (mut diagram, mut format, mut output) = (None, None, None);
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--format" => {
                format = match it.next().map(String::as_str) {
                    Some("svg") => Some(ExportFormat::Svg),
                    Some("dot") => Some(ExportFormat::Dot),
                    other => return Err(format!("--format takes `svg` or `dot`, not {other:?}")),
                }
            }
            "-o" | "--output" => output = Some(it.next().ok_or("`-o` needs a file name")?.clone()),
            flag if flag.starts_with('-') => {
                return Err(format!("unknown option `{flag}` for export"));
            }
            path if diagram.is_none() => diagram = Some(path.to_owned()),
            _ => return Err("export takes one diagram".into()),
        }
    }
    Ok(Command::Export {
        diagram: diagram.ok_or("export needs a diagram file")?,
        format: format.ok_or("export needs `--format svg` or `--format dot`")?,
        output,
    })
}

fn parse_generate(mut it: std::slice::Iter<'_, String>) -> Result<Command, String> {
    let (mut components, mut computers, mut depth, mut links, mut seed) =
        (1000_usize, 10_usize, 4_usize, None, 7_u64);
    let mut output = None;
    while let Some(arg) = it.next() {
        let mut number = |name: &str| -> Result<u64, String> {
            let v = it
                .next()
                .ok_or_else(|| format!("`{name}` needs a number"))?;
            v.parse::<u64>()
                .map_err(|_| format!("`{name}` takes a whole number, not `{v}`"))
        };
        let size = |n: u64| usize::try_from(n).map_err(|_| format!("{n} is too large"));
        match arg.as_str() {
            "--components" => components = size(number(arg)?)?,
            "--computers" => computers = size(number(arg)?)?,
            "--depth" => depth = size(number(arg)?)?,
            "--links" => links = Some(size(number(arg)?)?),
            "--seed" => seed = number(arg)?,
            "-o" | "--output" => output = Some(it.next().ok_or("`-o` needs a file name")?.clone()),
            other => return Err(format!("unknown argument `{other}` for generate")),
        }
    }
    if computers == 0 || components < computers {
        return Err(format!(
            "generate needs at least one computer and as many components as computers \
             ({components} components in {computers} computers)"
        ));
    }
    if !(1..=crate::model::limits::MAX_DEPTH).contains(&depth) {
        return Err(format!(
            "`--depth` takes 1 to {}, not {depth}",
            crate::model::limits::MAX_DEPTH
        ));
    }
    Ok(Command::Generate {
        shape: crate::model::synthetic::Shape {
            seed,
            computers,
            // Each computer is a component too.
            per_computer: components / computers - 1,
            depth,
            links: links.unwrap_or(components),
        },
        output,
    })
}

/// The value after `flag`: a whole number from 1 (`what` names it in messages).
fn counting_number<T: std::str::FromStr + PartialOrd + From<u8>>(
    it: &mut std::slice::Iter<'_, String>,
    flag: &str,
    what: &str,
) -> Result<T, String> {
    let value = it.next().ok_or_else(|| format!("`{flag}` needs {what}"))?;
    value
        .parse::<T>()
        .ok()
        .filter(|n| *n >= T::from(1))
        .ok_or_else(|| format!("`{flag}` takes {what} from 1, not `{value}`"))
}

/// Parses arguments (without the program name).
pub fn parse(args: &[String]) -> Result<Command, String> {
    let mut it = args.iter();
    match args.first().map(String::as_str) {
        Some("check") => {
            it.next();
            return parse_check(it);
        }
        Some("export") => {
            it.next();
            return parse_export(it);
        }
        Some("generate") => {
            it.next();
            return parse_generate(it);
        }
        _ => {}
    }
    let mut open = Open::default();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--select" | "--writeup" | "--tour" => {
                let value = it.next().ok_or_else(|| format!("`{arg}` needs a value"))?;
                let slot = match arg.as_str() {
                    "--select" => &mut open.select,
                    "--writeup" => &mut open.writeup,
                    _ => &mut open.tour,
                };
                *slot = Some(value.clone());
            }
            "--step" => open.step = Some(counting_number(&mut it, arg, "a step number")?),
            "--bench-pan" => {
                open.bench_pan = Some(counting_number(&mut it, arg, "a whole number of seconds")?);
            }
            "--bench-zoom" => {
                open.bench_zoom = Some(counting_number(&mut it, arg, "a whole factor")?);
            }
            "--present" => open.present = true,
            "--reduced-motion" => open.reduced_motion = true,
            flag if flag.starts_with('-') => return Err(format!("unknown option `{flag}`")),
            path => {
                if open.diagram.replace(path.to_owned()).is_some() {
                    return Err("only one diagram can be opened at a time".into());
                }
            }
        }
    }
    Ok(Command::Open(open))
}

/// Finds the project folder that holds `assets/writeups/index.ron`: the current directory,
/// then the executable's folder and its parents (so a release binary run from anywhere works).
#[cfg(not(target_arch = "wasm32"))]
pub fn project_root() -> std::path::PathBuf {
    use std::path::PathBuf;
    let has_assets = |p: &std::path::Path| p.join("assets/writeups/index.ron").is_file();
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
        .iter()
        .find(|p| has_assets(p))
        .cloned()
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Turns an [`Open`] command into absolute asset locations.
#[cfg(all(feature = "app", not(target_arch = "wasm32")))]
pub fn launch_options(open: &Open) -> Result<crate::LaunchOptions, String> {
    let root = project_root();
    let diagram = match &open.diagram {
        Some(p) => std::env::current_dir()
            .map(|cwd| cwd.join(p))
            .map_err(|e| format!("cannot read the current directory: {e}"))?,
        None => root.join("diagrams/two-computers.ron"),
    };
    if !diagram.is_file() {
        return Err(format!("no diagram file at {}", diagram.display()));
    }
    let dir = diagram
        .parent()
        .map(|d| d.to_path_buf())
        .unwrap_or_default();
    let file = diagram
        .file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{} is not a file", diagram.display()))?;
    Ok(crate::LaunchOptions {
        asset_root: root.join("assets").to_string_lossy().into_owned(),
        diagram_dir: dir.to_string_lossy().into_owned(),
        diagram_file: file,
        select: open.select.clone(),
        writeup: open.writeup.clone(),
        tour: open.tour.clone(),
        step: open.step,
        present: open.present,
        reduced_motion: open.reduced_motion,
        bench_pan: open.bench_pan,
        bench_zoom: open.bench_zoom,
    })
}
