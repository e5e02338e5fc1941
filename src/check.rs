//! `autochitect check`: validate diagrams and write-ups from the terminal or CI, no window.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::model::{Diagnostic, Diagnostics, WriteupCatalog, WriteupSlug, WriteupSource};

/// What a check run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Every problem, in file order.
    pub diagnostics: Diagnostics,
    /// How many diagram files were checked.
    pub diagrams: usize,
    /// How many write-ups were checked.
    pub writeups: usize,
}

/// Reads a write-up folder (one holding `index.ron`) into sources; missing files become errors.
pub fn read_writeups(dir: &Path, diags: &mut Diagnostics) -> Vec<WriteupSource> {
    let index_path = dir.join("index.ron");
    let index_name = index_path.display().to_string();
    let index = match std::fs::read_to_string(&index_path) {
        Ok(text) => text,
        Err(e) => {
            diags.error(
                &index_name,
                None,
                format!("cannot read the write-up index: {e}"),
            );
            return Vec::new();
        }
    };
    let slugs = match crate::model::parse_writeup_index(&index_name, &index) {
        Ok(s) => s,
        Err(d) => {
            diags.0.extend(d.0);
            return Vec::new();
        }
    };
    let mut sources = Vec::new();
    for slug in slugs {
        let meta_file = dir.join(format!("{slug}.ron"));
        let body_file = dir.join(format!("{slug}.md"));
        let read = |p: &Path, diags: &mut Diagnostics| match std::fs::read(p) {
            Ok(bytes) => crate::model::limits::decode_utf8(&p.display().to_string(), bytes)
                .map_err(|d| diags.0.push(d))
                .ok(),
            Err(e) => {
                diags.error(
                    &p.display().to_string(),
                    None,
                    format!("cannot read write-up `{slug}`: {e}"),
                );
                None
            }
        };
        let (Some(meta), Some(body)) = (read(&meta_file, diags), read(&body_file, diags)) else {
            continue;
        };
        sources.push(WriteupSource {
            slug: slug.to_string(),
            meta_file: meta_file.display().to_string(),
            meta,
            body_file: body_file.display().to_string(),
            body,
        });
    }
    // Files in the folder that the index forgets are a mistake an author wants to hear about.
    let listed: BTreeSet<String> = sources.iter().map(|s| s.slug.clone()).collect();
    if let Ok(entries) = std::fs::read_dir(dir) {
        let mut stray: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "ron" || e == "md"))
            .filter(|p| {
                p.file_stem()
                    .is_some_and(|s| s != "index" && !listed.contains(&*s.to_string_lossy()))
            })
            .collect();
        stray.sort();
        for p in stray {
            diags.error(
                &p.display().to_string(),
                None,
                "this write-up file is not listed in index.ron",
            );
        }
    }
    sources
}

/// Checks `tours/<diagram file>` beside a diagram, when there is one.
fn check_tours(
    diagram_file: &Path,
    diagram: &crate::model::Diagram,
    slugs: &BTreeSet<WriteupSlug>,
    diags: &mut Diagnostics,
) {
    let (Some(dir), Some(name)) = (diagram_file.parent(), diagram_file.file_name()) else {
        return;
    };
    let tours = dir.join("tours").join(name);
    let Ok(text) = std::fs::read_to_string(&tours) else {
        return;
    };
    if let Err(d) = crate::model::parse_tours(&tours.display().to_string(), &text, diagram, slugs) {
        diags.0.extend(d.0);
    }
}

/// A write-up folder holds an `index.ron` and Markdown bodies.
fn is_writeup_dir(p: &Path) -> bool {
    p.join("index.ron").is_file()
        && std::fs::read_dir(p).is_ok_and(|entries| {
            entries
                .filter_map(Result::ok)
                .any(|e| e.path().extension().is_some_and(|x| x == "md"))
        })
}

/// The diagrams in a folder, checking its `index.ron` (the picker's list) when there is one.
fn diagram_folder(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = match std::fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|f| {
                f.extension().is_some_and(|e| e == "ron")
                    && f.file_name().is_some_and(|n| n != "index.ron")
            })
            .collect(),
        Err(e) => {
            diags.error(
                &dir.display().to_string(),
                None,
                format!("cannot read folder: {e}"),
            );
            return Vec::new();
        }
    };
    files.sort();
    let index = dir.join("index.ron");
    if let Ok(text) = std::fs::read_to_string(&index) {
        let name = index.display().to_string();
        match crate::model::parse_diagram_index(&name, &text) {
            Ok(listed) => {
                for f in &listed {
                    if !dir.join(f).is_file() {
                        diags.error(
                            &name,
                            None,
                            format!("`{f}` is listed but there is no such file"),
                        );
                    }
                }
                for f in &files {
                    let n = f
                        .file_name()
                        .map(|n| n.to_string_lossy().into_owned())
                        .unwrap_or_default();
                    if !listed.contains(&n) {
                        diags.warning(&f.display().to_string(), None, "this diagram is not listed in index.ron, so the picker does not offer it");
                    }
                }
            }
            Err(d) => diags.0.extend(d.0),
        }
    }
    files
}

/// Checks the given paths (or the defaults under `root`) and returns every diagnostic.
pub fn check_paths(root: &Path, paths: &[String]) -> Report {
    let mut report = Report::default();
    let mut writeup_dirs: Vec<PathBuf> = Vec::new();
    let mut diagram_files: Vec<PathBuf> = Vec::new();
    let defaults = [root.join("diagrams"), root.join("assets/writeups")];
    let inputs: Vec<PathBuf> = if paths.is_empty() {
        defaults.to_vec()
    } else {
        paths.iter().map(PathBuf::from).collect()
    };
    for p in inputs {
        if is_writeup_dir(&p) {
            writeup_dirs.push(p);
        } else if p.is_dir() {
            diagram_files.extend(diagram_folder(&p, &mut report.diagnostics));
        } else if p.is_file() {
            diagram_files.push(p);
        } else {
            report
                .diagnostics
                .error(&p.display().to_string(), None, "no such file or folder");
        }
    }
    // Diagrams are checked against the project's write-ups even when only a diagram is named.
    if writeup_dirs.is_empty() {
        writeup_dirs.push(root.join("assets/writeups"));
    }
    let whole_catalog = paths.is_empty() || paths.iter().any(|p| is_writeup_dir(Path::new(p)));
    let mut slugs: BTreeSet<WriteupSlug> = BTreeSet::new();
    let mut meta_files: Vec<(WriteupSlug, String)> = Vec::new();
    for dir in &writeup_dirs {
        let sources = read_writeups(dir, &mut report.diagnostics);
        report.writeups += sources.len();
        slugs.extend(sources.iter().map(|s| WriteupSlug::new(s.slug.as_str())));
        meta_files.extend(
            sources
                .iter()
                .map(|s| (WriteupSlug::new(s.slug.as_str()), s.meta_file.clone())),
        );
        if let Err(d) = WriteupCatalog::build(&sources) {
            report.diagnostics.0.extend(d.0);
        }
    }
    let mut linked: BTreeSet<WriteupSlug> = BTreeSet::new();
    for file in diagram_files {
        report.diagrams += 1;
        let name = file.display().to_string();
        match std::fs::read(&file) {
            Ok(bytes) => match crate::model::limits::decode_utf8(&name, bytes) {
                Ok(text) => match crate::model::parse_diagram(&name, &text, &slugs) {
                    Ok(diagram) => {
                        check_tours(&file, &diagram, &slugs, &mut report.diagnostics);
                        linked.extend(diagram.writeup_slugs().into_iter().cloned());
                        report
                            .diagnostics
                            .0
                            .extend(crate::model::lint_diagram(&name, &text, &diagram).0);
                    }
                    Err(d) => report.diagnostics.0.extend(d.0),
                },
                Err(d) => report.diagnostics.0.push(d),
            },
            Err(e) => report
                .diagnostics
                .error(&name, None, format!("cannot read: {e}")),
        }
    }
    // Only meaningful when every diagram that could link a write-up was checked.
    if whole_catalog && report.diagrams > 0 && !report.diagnostics.has_errors() {
        for (slug, file) in meta_files {
            if !linked.contains(&slug) {
                report.diagnostics.warning(
                    &file,
                    None,
                    format!("no diagram links to the write-up `{slug}`"),
                );
            }
        }
    }
    report
}

/// Runs `autochitect check`, printing one line per problem. Exit code 1 on any error.
pub fn run(paths: &[String], json: bool, deny_warnings: bool) -> ExitCode {
    let root = crate::cli::project_root();
    let report = check_paths(&root, paths);
    let (errors, warnings) = report.diagnostics.counts();
    let failed = errors > 0 || (deny_warnings && warnings > 0);
    if json {
        let out = serde_json::json!({
            "diagnostics": report.diagnostics.0.iter().map(Diagnostic::to_json).collect::<Vec<_>>(),
            "errors": errors,
            "warnings": warnings,
            "diagrams": report.diagrams,
            "writeups": report.writeups,
        });
        println!("{out}");
    } else {
        for d in &report.diagnostics.0 {
            eprintln!("{d}");
        }
        eprintln!(
            "check: {} diagram(s), {} write-up(s): {errors} error(s), {warnings} warning(s)",
            report.diagrams, report.writeups
        );
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
