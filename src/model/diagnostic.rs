//! Diagnostics: one problem in one file, with its position when the input has one.
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::fmt;

/// A 1-based line and column (in characters) inside a text file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in characters.
    pub col: usize,
}

impl Position {
    /// A position from 1-based line and column.
    pub const fn new(line: usize, col: usize) -> Self {
        Self { line, col }
    }
}

/// How serious a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// The file cannot be used.
    Error,
    /// The file works, but something is probably not what the author meant.
    Warning,
}

/// One problem found in a file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// The file as the user named it (a path relative to where it was loaded from).
    pub file: String,
    /// Where in the file, when known.
    pub pos: Option<Position>,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in words an author understands.
    pub message: String,
}

impl Diagnostic {
    /// An error at a position.
    pub fn error(file: &str, pos: Option<Position>, message: impl Into<String>) -> Self {
        Self {
            file: file.to_owned(),
            pos,
            severity: Severity::Error,
            message: message.into(),
        }
    }

    /// A warning at a position.
    pub fn warning(file: &str, pos: Option<Position>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(file, pos, message)
        }
    }

    /// The diagnostic as a JSON object: file, line, column, severity, message.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::json!({
            "file": self.file,
            "line": self.pos.map(|p| p.line),
            "column": self.pos.map(|p| p.col),
            "severity": match self.severity { Severity::Error => "error", Severity::Warning => "warning" },
            "message": self.message,
        })
    }
}

impl fmt::Display for Diagnostic {
    /// `file:line:col: message`, the form editors and terminals turn into links.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        match self.pos {
            Some(p) => write!(
                f,
                "{}:{}:{}: {kind}: {}",
                self.file, p.line, p.col, self.message
            ),
            None => write!(f, "{}: {kind}: {}", self.file, self.message),
        }
    }
}

/// Every diagnostic found in one pass, in the order of the input.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(pub Vec<Diagnostic>);

impl Diagnostics {
    /// Records an error.
    pub fn error(&mut self, file: &str, pos: Option<Position>, message: impl Into<String>) {
        self.0.push(Diagnostic::error(file, pos, message));
    }

    /// Records a warning.
    pub fn warning(&mut self, file: &str, pos: Option<Position>, message: impl Into<String>) {
        self.0.push(Diagnostic::warning(file, pos, message));
    }

    /// Number of errors and of warnings.
    pub fn counts(&self) -> (usize, usize) {
        let errors = self
            .0
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count();
        (errors, self.0.len() - errors)
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// Sorts by file, then position, so output is stable and reads top to bottom.
    pub fn sort(&mut self) {
        self.0
            .sort_by(|a, b| (&a.file, a.pos, &a.message).cmp(&(&b.file, b.pos, &b.message)));
    }
}

impl fmt::Display for Diagnostics {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for d in &self.0 {
            writeln!(f, "{d}")?;
        }
        Ok(())
    }
}

/// Converts a `ron` parse error into a diagnostic at its position, naming types as authors
/// know them and saying so when the file simply ends too early.
pub(crate) fn from_ron(file: &str, err: &ron::error::SpannedError, src: &str) -> Diagnostic {
    const NAMES: [(&str, &str); 8] = [
        ("struct `DiagramFile`", "the diagram"),
        ("`DiagramFile`", "the diagram"),
        ("`ComponentDef`", "a component"),
        ("`LinkDef`", "a link"),
        ("`WriteupMetaFile`", "the write-up metadata"),
        ("`TourDef`", "a tour"),
        ("`StepDef`", "a step"),
        ("`HopDef`", "a packet waypoint"),
    ];
    let p = err.span.start;
    let mut message = err.code.to_string();
    for (from, to) in NAMES {
        message = message.replace(from, to);
    }
    if message.starts_with("Exceeded recursion limit") {
        message = format!(
            "brackets are nested more than {} levels deep",
            super::limits::MAX_RON_DEPTH
        );
    }
    // The error is in the file's last token: the file was cut short.
    let offset: usize = src
        .split_inclusive('\n')
        .take(p.line.saturating_sub(1))
        .map(str::len)
        .sum::<usize>()
        + src
            .split_inclusive('\n')
            .nth(p.line.saturating_sub(1))
            .map_or(0, |l| {
                l.char_indices()
                    .nth(p.col.saturating_sub(1))
                    .map_or(l.len(), |(i, _)| i)
            });
    let rest = src.get(offset..).unwrap_or_default();
    if !rest.contains(['(', ')', '[', ']', '{', '}', ',', '\n']) || rest.trim().is_empty() {
        message.push_str(" (the file ends here: is it complete?)");
    }
    Diagnostic::error(
        file,
        Some(Position::new(p.line.max(1), p.col.max(1))),
        message,
    )
}
