//! A project assembled from its texts: the write-up index, the write-ups, a diagram and its
//! tours, validated together in one order. `check` (files on disk) and the app (files through
//! Bevy's asset server) both read their files and call [`assemble`] or its two halves, so they
//! report the same problems the same way.

use std::collections::BTreeSet;

use super::diagnostic::{Diagnostic, Diagnostics, Position, Severity};
use super::diagram::{Diagram, DiagramFile, parse_diagram};
use super::ids::WriteupSlug;
use super::tour::{Tour, parse_tours};
use super::writeup::{WriteupCatalog, WriteupSource, parse_writeup_index};

/// Why a file's text could not be had: it is missing, unreadable or not UTF-8.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Unreadable {
    /// Where in the file the problem is, when it is inside it (a bad UTF-8 byte).
    pub pos: Option<Position>,
    /// What went wrong.
    pub message: String,
}

impl From<Diagnostic> for Unreadable {
    fn from(d: Diagnostic) -> Self {
        Self {
            pos: d.pos,
            message: d.message,
        }
    }
}

/// A file's text, or why there is none.
pub type FileText = Result<String, Unreadable>;

/// A named file and its text.
#[derive(Clone, Debug)]
pub struct NamedText {
    /// The file as shown in messages.
    pub name: String,
    /// Its text.
    pub text: FileText,
}

/// One write-up's two files.
#[derive(Clone, Debug)]
pub struct WriteupFiles {
    /// The slug the index lists.
    pub slug: WriteupSlug,
    /// `<slug>.ron`.
    pub meta: NamedText,
    /// `<slug>.md`, or `None` when the body is read on its own later (the app shows the
    /// diagram first; see [`super::Body::Pending`]).
    pub body: Option<NamedText>,
}

/// Everything a project is made of, as texts.
#[derive(Clone, Debug)]
pub struct ProjectTexts {
    /// The write-up index.
    pub writeup_index: NamedText,
    /// The write-ups the index lists, in its order.
    pub writeups: Vec<WriteupFiles>,
    /// The diagram.
    pub diagram: NamedText,
    /// Its tours, when it has a tours file.
    pub tours: Option<NamedText>,
}

/// A validated project: what the app shows.
#[derive(Clone, Debug)]
pub struct Project {
    /// The diagram.
    pub diagram: Diagram,
    /// Every write-up.
    pub writeups: WriteupCatalog,
    /// The diagram's tours (empty when it has none).
    pub tours: Vec<Tour>,
}

/// The result of assembling: the project when nothing stops it, and every problem found.
#[derive(Clone, Debug)]
pub struct Assembled {
    /// The project, unless an error stops it.
    pub project: Option<Project>,
    /// Every problem, errors and warnings.
    pub diagnostics: Diagnostics,
}

/// How a write-up whose files cannot be read counts: an error for `check`, a warning for the
/// app, which keeps working and says that part's write-up is missing.
pub type MissingWriteup = Severity;

fn unreadable(diags: &mut Diagnostics, file: &NamedText, severity: Severity, what: &str) {
    if let Err(e) = &file.text {
        diags.0.push(Diagnostic {
            file: file.name.clone(),
            pos: e.pos,
            severity,
            message: format!("{what}: {}", e.message),
        });
    }
}

/// Reports a write-up file that could not be read (nothing when it was read), in the words
/// `check` and the app both use.
pub fn missing_writeup(
    diags: &mut Diagnostics,
    slug: &WriteupSlug,
    file: &NamedText,
    severity: MissingWriteup,
) {
    unreadable(
        diags,
        file,
        severity,
        &format!("write-up `{slug}` is missing"),
    );
}

/// The slugs an index lists, for requesting their files; problems are reported by
/// [`writeups`] when the files are in.
pub fn listed_slugs(index: &NamedText) -> Vec<WriteupSlug> {
    match &index.text {
        Ok(text) => parse_writeup_index(&index.name, text).unwrap_or_default(),
        Err(_) => Vec::new(),
    }
}

/// Validates the write-ups: the index, each write-up's files, and the links between them.
/// Returns the catalog (unless an error stops it) and the slugs the index lists, which
/// diagrams may name even when a write-up's files are missing.
pub fn writeups(
    index: &NamedText,
    files: &[WriteupFiles],
    missing: MissingWriteup,
    diags: &mut Diagnostics,
) -> (Option<WriteupCatalog>, BTreeSet<WriteupSlug>) {
    match &index.text {
        Ok(text) => {
            if let Err(d) = parse_writeup_index(&index.name, text) {
                diags.0.extend(d.0);
            }
        }
        Err(_) => unreadable(
            diags,
            index,
            Severity::Error,
            "cannot read the write-up index",
        ),
    }
    let mut sources = Vec::with_capacity(files.len());
    for w in files {
        let body = w.body.as_ref().map(|b| &b.text);
        match (&w.meta.text, body) {
            (Ok(meta), None | Some(Ok(_))) => sources.push(WriteupSource {
                slug: w.slug.to_string(),
                meta_file: w.meta.name.clone(),
                meta: meta.clone(),
                body_file: w.body.as_ref().map_or_else(String::new, |b| b.name.clone()),
                body: body.and_then(|b| b.as_ref().ok()).cloned(),
            }),
            _ => {
                missing_writeup(diags, &w.slug, &w.meta, missing);
                if let Some(b) = &w.body {
                    missing_writeup(diags, &w.slug, b, missing);
                }
            }
        }
    }
    let listed: BTreeSet<WriteupSlug> = files.iter().map(|w| w.slug.clone()).collect();
    let names: BTreeSet<&str> = listed.iter().map(WriteupSlug::as_str).collect();
    let catalog = WriteupCatalog::build_listed(&sources, &names)
        .map_err(|d| diags.0.extend(d.0))
        .ok();
    (catalog, listed)
}

/// Validates a diagram and its tours against the write-up slugs.
pub fn diagram(
    diagram: &NamedText,
    tours: Option<&NamedText>,
    slugs: &BTreeSet<WriteupSlug>,
    diags: &mut Diagnostics,
) -> Option<(Diagram, Vec<Tour>)> {
    let parsed = match &diagram.text {
        Ok(text) => parse_diagram(&diagram.name, text, slugs)
            .map_err(|d| diags.0.extend(d.0))
            .ok(),
        Err(_) => {
            unreadable(diags, diagram, Severity::Error, "cannot load the diagram");
            None
        }
    }?;
    let tours = match tours.map(|t| (&t.name, &t.text)) {
        Some((name, Ok(text))) => parse_tours(name, text, &parsed, slugs)
            .map_err(|e| diags.0.extend(e.0))
            .unwrap_or_default(),
        Some((_, Err(_))) => {
            if let Some(t) = tours {
                unreadable(diags, t, Severity::Error, "cannot load the tours");
            }
            Vec::new()
        }
        None => Vec::new(),
    };
    Some((parsed, tours))
}

/// Validates a whole project in one go: write-ups, then the diagram and its tours.
pub fn assemble(texts: &ProjectTexts, missing: MissingWriteup) -> Assembled {
    let mut diags = Diagnostics::default();
    let (catalog, listed) = writeups(&texts.writeup_index, &texts.writeups, missing, &mut diags);
    let shown = diagram(&texts.diagram, texts.tours.as_ref(), &listed, &mut diags);
    diags.sort();
    let project = match (shown, catalog) {
        (Some((diagram, tours)), Some(writeups)) if !diags.has_errors() => Some(Project {
            diagram,
            writeups,
            tours,
        }),
        _ => None,
    };
    Assembled {
        project,
        diagnostics: diags,
    }
}

/// A diagram file's title, for the picker (no validation beyond the file's limits).
pub fn diagram_title(name: &str, text: &str) -> Option<String> {
    super::parse_ron::<DiagramFile>(name, text)
        .ok()
        .map(|d| d.title)
}
