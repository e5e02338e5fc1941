//! `autochitect check`: validate diagrams, tours and write-ups from the terminal or CI, no
//! window. Files are read from disk here; validation is the core's ([`crate::model::project`]),
//! the same the app runs on the files it loads.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::model::project::{self, NamedText, WriteupFiles};
use crate::model::{
    Diagnostic, Diagnostics, Severity, WriteupCatalog, WriteupSlug, glyphs, limits, lint_diagram,
    paths,
};

use super::cli::{CheckArgs, CheckFormat};

/// What a check run found.
#[derive(Debug, Default)]
pub struct Report {
    /// Every problem, in file order.
    pub diagnostics: Diagnostics,
    /// How many diagram files were checked.
    pub diagrams: usize,
    /// How many write-ups were checked.
    pub writeups: usize,
    /// How many lab scenarios were checked.
    pub labs: usize,
}

/// Reads a file as UTF-8 text, or says why it cannot be read (with the position of a bad byte).
pub fn read_text(path: &Path) -> NamedText {
    let name = path.display().to_string();
    let text = match std::fs::read(path) {
        Ok(bytes) => limits::decode_utf8(&name, bytes).map_err(Into::into),
        Err(e) => Err(project::Unreadable {
            pos: None,
            message: e.to_string(),
        }),
    };
    NamedText { name, text }
}

/// A write-up folder as texts: its index, and the files of every write-up the index lists.
pub fn read_writeups(dir: &Path) -> (NamedText, Vec<WriteupFiles>) {
    let index = read_text(&dir.join(paths::INDEX_FILE));
    let files = project::listed_slugs(&index)
        .into_iter()
        .map(|slug| WriteupFiles {
            meta: read_text(&dir.join(paths::writeup_meta_file(slug.as_str()))),
            body: Some(read_text(
                &dir.join(paths::writeup_body_file(slug.as_str())),
            )),
            slug,
        })
        .collect();
    (index, files)
}

/// The validated write-ups of a folder, or every problem with them.
pub fn catalog(dir: &Path) -> Result<WriteupCatalog, Diagnostics> {
    let (index, files) = read_writeups(dir);
    let mut diags = Diagnostics::default();
    let (catalog, _) = project::writeups(&index, &files, Severity::Error, &mut diags);
    match catalog {
        Some(c) if !diags.has_errors() => Ok(c),
        _ => Err(diags),
    }
}

/// Files in a write-up folder that its index does not list: a mistake an author wants to hear
/// about.
fn unlisted_writeups(dir: &Path, listed: &BTreeSet<WriteupSlug>, diags: &mut Diagnostics) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
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

/// A write-up folder holds an `index.ron` and Markdown bodies.
fn is_writeup_dir(p: &Path) -> bool {
    p.join(paths::INDEX_FILE).is_file()
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
                    && f.file_name().is_some_and(|n| n != paths::INDEX_FILE)
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
    listed_in_index(
        dir,
        &files,
        "this diagram is not listed in index.ron, so the picker does not offer it",
        diags,
    );
    files
}

/// Checks a folder's `index.ron` (when there is one) against its files: every listed file
/// exists (an error), every file is listed (a warning: `unlisted`).
fn listed_in_index(dir: &Path, files: &[PathBuf], unlisted: &str, diags: &mut Diagnostics) {
    let index = dir.join(paths::INDEX_FILE);
    let Ok(text) = std::fs::read_to_string(&index) else {
        return;
    };
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
            for f in files {
                let n = f
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default();
                if !listed.contains(&n) {
                    diags.warning(&f.display().to_string(), None, unlisted);
                }
            }
        }
        Err(d) => diags.0.extend(d.0),
    }
}

/// The scenarios in a lab folder, checking its `index.ron` (the Lab menu's list).
fn lab_folder(dir: &Path, diags: &mut Diagnostics) -> Vec<PathBuf> {
    let files = super::lab::scenarios_in(dir);
    listed_in_index(
        dir,
        &files,
        "this scenario is not listed in labs/index.ron, so the Lab menu does not offer it",
        diags,
    );
    files
}

/// A diagram's tours file, when there is one beside it.
fn tours_beside(diagram: &Path) -> Option<NamedText> {
    let (dir, name) = (diagram.parent()?, diagram.file_name()?.to_str()?);
    let tours = dir.join(paths::tours_file(name));
    tours.is_file().then(|| read_text(&tours))
}

/// Checks the given paths (or the defaults under `root`) and returns every diagnostic.
pub fn check_paths(root: &Path, inputs: &[String]) -> Report {
    let mut report = Report::default();
    let mut writeup_dirs: Vec<PathBuf> = Vec::new();
    let mut diagram_files: Vec<PathBuf> = Vec::new();
    let defaults = [
        root.join(paths::DIAGRAM_DIR),
        root.join(paths::writeup_dir()),
    ];
    let inputs: Vec<PathBuf> = if inputs.is_empty() {
        defaults.to_vec()
    } else {
        inputs.iter().map(PathBuf::from).collect()
    };
    let whole_catalog = inputs.iter().any(|p| is_writeup_dir(p));
    let mut lab_files: Vec<PathBuf> = Vec::new();
    let is_labs = |p: &Path| p.file_name().is_some_and(|n| n == paths::LABS_DIR);
    for p in inputs {
        if is_writeup_dir(&p) {
            writeup_dirs.push(p);
        } else if p.is_dir() && is_labs(&p) {
            lab_files.extend(lab_folder(&p, &mut report.diagnostics));
        } else if p.is_dir() {
            diagram_files.extend(diagram_folder(&p, &mut report.diagnostics));
            let labs = p.join(paths::LABS_DIR);
            if labs.is_dir() {
                lab_files.extend(lab_folder(&labs, &mut report.diagnostics));
            }
        } else if p.is_file() && p.parent().is_some_and(is_labs) {
            lab_files.push(p);
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
        writeup_dirs.push(root.join(paths::writeup_dir()));
    }
    let mut slugs: BTreeSet<WriteupSlug> = BTreeSet::new();
    let mut meta_files: Vec<(WriteupSlug, String)> = Vec::new();
    let mut bodies: Vec<NamedText> = Vec::new();
    for dir in &writeup_dirs {
        let (index, files) = read_writeups(dir);
        let (catalog, listed) =
            project::writeups(&index, &files, Severity::Error, &mut report.diagnostics);
        unlisted_writeups(dir, &listed, &mut report.diagnostics);
        report.writeups += files
            .iter()
            .filter(|w| w.meta.text.is_ok() && w.body.as_ref().is_some_and(|b| b.text.is_ok()))
            .count();
        drop(catalog);
        meta_files.extend(files.iter().map(|w| (w.slug.clone(), w.meta.name.clone())));
        bodies.extend(files.into_iter().filter_map(|w| w.body));
        slugs.extend(listed);
    }
    let mut linked: BTreeSet<WriteupSlug> = BTreeSet::new();
    // Texts that may link into the lab: write-ups (Markdown links) and tours (step handovers
    // and narration links).
    let mut lab_linking: Vec<NamedText> = Vec::new();
    for file in diagram_files {
        report.diagrams += 1;
        let text = read_text(&file);
        let tours = tours_beside(&file);
        lab_linking.extend(tours.clone());
        let checked = project::diagram(&text, tours.as_ref(), &slugs, &mut report.diagnostics);
        if let (Some((diagram, _)), Ok(src)) = (checked, &text.text) {
            linked.extend(diagram.writeup_slugs().into_iter().cloned());
            report
                .diagnostics
                .0
                .extend(lint_diagram(&text.name, src, &diagram).0);
        }
    }
    for file in lab_files {
        report.labs += 1;
        lint_glyphs(&[read_text(&file)], &mut report.diagnostics);
        if let Err(d) = super::lab::load(root, &file) {
            report.diagnostics.0.extend(d.0);
        }
    }
    part_links_exist(root, &bodies, &slugs, &mut report.diagnostics);
    lab_linking.extend(bodies.iter().cloned());
    lab_links_exist(root, &lab_linking, &mut report.diagnostics);
    lint_figures(&bodies, &slugs, &mut report.diagnostics);
    lint_glyphs(&lab_linking, &mut report.diagnostics);
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

/// Write-ups, tours and lab scenarios are drawn with the bundled fonts, which hold the
/// characters an English technical text uses (`scripts/subset-fonts`): each character they
/// lack is named where it first appears (the app shows it as U+FFFD).
fn lint_glyphs(texts: &[NamedText], diags: &mut Diagnostics) {
    for t in texts {
        let Ok(src) = &t.text else { continue };
        for (c, pos) in glyphs::uncovered_positions(src) {
            diags.warning(
                &t.name,
                Some(pos),
                format!(
                    "`{c}` (U+{:04X}) is not in the bundled fonts; the app shows it as {}",
                    u32::from(c),
                    glyphs::REPLACEMENT
                ),
            );
        }
    }
}

/// Figures in write-ups get the diagrams' layout warnings: a label too long for its box,
/// siblings that overlap.
fn lint_figures(bodies: &[NamedText], slugs: &BTreeSet<WriteupSlug>, diags: &mut Diagnostics) {
    for body in bodies {
        let Ok(src) = &body.text else { continue };
        let (doc, _) = crate::model::markdown::parse_document(&body.name, src, slugs);
        for figure in doc.figures() {
            diags
                .0
                .extend(crate::model::markdown::lint_figure(&body.name, figure).0);
        }
    }
}

/// Write-ups name parts of the default diagram as links (`#/component/<id>`): each must be a
/// component or link of that diagram.
fn part_links_exist(
    root: &Path,
    bodies: &[NamedText],
    slugs: &BTreeSet<WriteupSlug>,
    diags: &mut Diagnostics,
) {
    let file = root.join(paths::DIAGRAM_DIR).join(paths::DEFAULT_DIAGRAM);
    let Ok(text) = std::fs::read_to_string(&file) else {
        return;
    };
    let Ok(diagram) = crate::model::parse_diagram(&file.display().to_string(), &text, slugs) else {
        return; // its own errors are reported where it is checked
    };
    for body in bodies {
        let Ok(src) = &body.text else { continue };
        for (id, pos) in crate::model::part_links(src) {
            if diagram.target_by_id(&id).is_none() {
                diags.error(
                    &body.name,
                    Some(pos),
                    format!(
                        "links to the part `{id}`, which is not in {}/{}",
                        paths::DIAGRAM_DIR,
                        paths::DEFAULT_DIAGRAM
                    ),
                );
            }
        }
    }
}

/// Links into the lab (`#/lab/<scenario>/<event>`) name a shipped scenario and one of the
/// events its run has (the run is made to count them).
fn lab_links_exist(root: &Path, bodies: &[NamedText], diags: &mut Diagnostics) {
    let mut runs: std::collections::BTreeMap<String, Option<usize>> = Default::default();
    for body in bodies {
        let Ok(src) = &body.text else { continue };
        for (name, event, pos) in crate::model::lab_links(src) {
            let events = *runs.entry(name.clone()).or_insert_with(|| {
                let file = root.join(paths::DIAGRAM_DIR).join(paths::lab_file(&name));
                let scenario = super::lab::load(root, &file).ok()?;
                super::lab::event_count(&scenario)
            });
            match (events, event) {
                (None, _) => diags.error(
                    &body.name,
                    Some(pos),
                    format!(
                        "links to the lab scenario `{name}`, which is not in {}/{} (or does not load)",
                        paths::DIAGRAM_DIR,
                        paths::LABS_DIR
                    ),
                ),
                (Some(n), Some(k)) if k == 0 || k > n => diags.error(
                    &body.name,
                    Some(pos),
                    format!("links to event {k} of the lab scenario `{name}`, whose run has {n} events"),
                ),
                _ => {}
            }
        }
    }
}

/// Runs `autochitect check`, printing one line per problem. Exit code 1 on any error.
pub fn run(root: &Path, args: &CheckArgs) -> ExitCode {
    let report = check_paths(root, &args.paths);
    let (errors, warnings) = report.diagnostics.counts();
    let failed = errors > 0 || (args.deny_warnings && warnings > 0);
    match args.format {
        CheckFormat::Json => {
            let out = serde_json::json!({
                "diagnostics": report.diagnostics.0.iter().map(Diagnostic::to_json).collect::<Vec<_>>(),
                "errors": errors,
                "warnings": warnings,
                "diagrams": report.diagrams,
                "writeups": report.writeups,
                "labs": report.labs,
            });
            println!("{out}");
        }
        CheckFormat::Text => {
            for d in &report.diagnostics.0 {
                eprintln!("{d}");
            }
            eprintln!(
                "check: {} diagram(s), {} write-up(s), {} lab(s): {errors} error(s), {warnings} warning(s)",
                report.diagrams, report.writeups, report.labs
            );
        }
    }
    if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
