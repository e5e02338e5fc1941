//! Write-ups: metadata in RON beside a Markdown body, collected into a catalog.
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde::{Deserialize, Serialize};

use super::diagnostic::{Diagnostics, Position};
use super::ids::{WriteupSlug, is_valid_id};
use super::outline::{Node, outline};

const META_FIELDS: &[&str] = &[
    "slug",
    "title",
    "date",
    "tags",
    "summary",
    "properties",
    "related",
];

/// A calendar date, `YYYY-MM-DD` in files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year, e.g. 2026.
    pub year: u16,
    /// Month, 1–12.
    pub month: u8,
    /// Day of month, 1–31.
    pub day: u8,
}

impl Date {
    /// Parses `YYYY-MM-DD`, checking the day exists in that month.
    pub fn parse(s: &str) -> Option<Date> {
        let mut parts = s.split('-');
        let (y, m, d) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || y.len() != 4 || m.len() != 2 || d.len() != 2 {
            return None;
        }
        let (year, month, day) = (
            y.parse::<u16>().ok()?,
            m.parse::<u8>().ok()?,
            d.parse::<u8>().ok()?,
        );
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days)
            .contains(&day)
            .then_some(Date { year, month, day })
    }

    /// "May 22, 2026", as the original site shows dates.
    pub fn long(&self) -> String {
        const MONTHS: [&str; 12] = [
            "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
        ];
        let name = MONTHS
            .get(usize::from(self.month).saturating_sub(1))
            .copied()
            .unwrap_or("?");
        format!("{name} {}, {}", self.day, self.year)
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// A key property as written: a short label and value for the side panel.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Property {
    /// E.g. "Guarantee".
    pub label: String,
    /// E.g. "A committed entry survives any minority of failures".
    pub value: String,
}

/// Write-up metadata as written.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WriteupMetaFile {
    /// Must match the file name.
    pub slug: String,
    /// Title.
    pub title: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    /// Topic tags.
    pub tags: Vec<String>,
    /// One paragraph.
    pub summary: String,
    /// Three to six key properties.
    pub properties: Vec<Property>,
    /// Related write-ups by slug.
    #[serde(default)]
    pub related: Vec<String>,
}

/// A validated write-up with its body.
#[derive(Clone, Debug)]
pub struct Writeup {
    /// Slug, also the file name.
    pub slug: WriteupSlug,
    /// Title.
    pub title: String,
    /// Publication date.
    pub date: Date,
    /// Topic tags.
    pub tags: Vec<String>,
    /// One paragraph.
    pub summary: String,
    /// Key properties for the side panel.
    pub properties: Vec<Property>,
    /// Related write-ups, each present in the catalog.
    pub related: Vec<WriteupSlug>,
    /// The body: in the catalog when it was built from both files; the app builds it from
    /// the metadata first and adds each body as it arrives.
    pub body: Body,
}

/// A write-up's body, as far as it has come.
#[derive(Clone, Debug)]
pub enum Body {
    /// Not read yet (the app shows the diagram before the write-ups' text is in).
    Pending,
    /// Read and checked.
    Ready(std::sync::Arc<WriteupBody>),
    /// It could not be read, or has errors: the messages, with file and position.
    Unreadable(String),
}

/// A write-up's Markdown text, and the text parsed into blocks (figures validated) once.
#[derive(Clone, Debug)]
pub struct WriteupBody {
    /// The Markdown, as written.
    pub text: String,
    /// The parsed blocks the reader draws.
    pub document: super::markdown::Document,
}

impl Body {
    /// The body, when it is ready.
    pub fn ready(&self) -> Option<&WriteupBody> {
        match self {
            Body::Ready(b) => Some(b),
            _ => None,
        }
    }
}

/// Checks and parses one write-up's body: not empty, within the size limit, its figures and
/// links valid against the write-ups the index lists. Errors come back beside the body, which
/// is parsed as far as it can be.
pub fn parse_writeup_body(
    file: &str,
    text: &str,
    listed: &BTreeSet<WriteupSlug>,
) -> (WriteupBody, Diagnostics) {
    let mut diags = Diagnostics::default();
    if text.trim().is_empty() {
        diags.error(file, None, "the write-up body is empty");
    }
    if let Err(d) = super::limits::check_size(file, text, super::limits::MAX_MARKDOWN_BYTES) {
        diags.0.push(d);
    }
    let (document, problems) = super::markdown::parse_document(file, text, listed);
    diags.0.extend(problems.0);
    (
        WriteupBody {
            text: text.to_owned(),
            document,
        },
        diags,
    )
}

/// The text of one write-up's two files.
#[derive(Clone, Debug)]
pub struct WriteupSource {
    /// The slug the index names.
    pub slug: String,
    /// Path of the metadata file, for messages.
    pub meta_file: String,
    /// Metadata text (RON).
    pub meta: String,
    /// Path of the body file, for messages.
    pub body_file: String,
    /// Body text (Markdown), or `None` to build the catalog from the metadata alone (the
    /// body comes later: [`Body::Pending`]).
    pub body: Option<String>,
}

/// Parses an index: a RON list of unique names, each checked by `invalid` (which returns the
/// message for a bad name). Every problem is reported with the position of its entry.
fn parse_name_list(
    file: &str,
    src: &str,
    invalid: impl Fn(&str) -> Option<String>,
) -> Result<Vec<String>, Diagnostics> {
    let mut diags = Diagnostics::default();
    let names: Vec<String> = match super::parse_ron(file, src) {
        Ok(s) => s,
        Err(d) => {
            diags.0.push(d);
            return Err(diags);
        }
    };
    let tree = outline(super::limits::strip_bom(src));
    let mut seen = BTreeSet::new();
    for (i, name) in names.iter().enumerate() {
        let pos = tree.items().get(i).map(Node::pos);
        if let Some(message) = invalid(name) {
            diags.error(file, pos, message);
        } else if !seen.insert(name.as_str()) {
            diags.error(file, pos, format!("`{name}` is listed twice"));
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(names)
    }
}

/// Parses the write-up index: a RON list of slugs, e.g. `["raft-protocol", "replication"]`.
pub fn parse_writeup_index(file: &str, src: &str) -> Result<Vec<WriteupSlug>, Diagnostics> {
    let slugs = parse_name_list(file, src, |s| {
        (!is_valid_id(s)).then(|| format!("invalid write-up slug `{s}`"))
    })?;
    Ok(slugs.into_iter().map(WriteupSlug::new).collect())
}

/// Parses the diagram index: a RON list of diagram file names, e.g. `["two-computers.ron"]`.
pub fn parse_diagram_index(file: &str, src: &str) -> Result<Vec<String>, Diagnostics> {
    parse_name_list(file, src, |name| {
        let ok = is_valid_id(name) && name.ends_with(".ron") && name != "index.ron";
        (!ok).then(|| format!("`{name}` is not a diagram file name (like `my-diagram.ron`)"))
    })
}

/// Parses and checks one write-up's metadata on its own (related slugs are checked by the
/// catalog, which knows them all).
pub fn parse_writeup_meta(
    file: &str,
    expected_slug: &str,
    src: &str,
) -> Result<WriteupMetaFile, Diagnostics> {
    let mut diags = Diagnostics::default();
    let meta: WriteupMetaFile = match super::parse_ron(file, src) {
        Ok(m) => m,
        Err(d) => {
            diags.0.push(d);
            return Err(diags);
        }
    };
    let src = super::limits::strip_bom(src);
    let tree = outline(src);
    let at = |f: &str| Some(tree.value_pos(f));
    for f in tree.fields() {
        if !META_FIELDS.contains(&f.name.as_str()) {
            diags.error(
                file,
                Some(f.name_pos),
                format!(
                    "unknown field `{}` in write-up metadata; expected one of: {}",
                    f.name,
                    META_FIELDS.join(", ")
                ),
            );
        }
    }
    if meta.slug != expected_slug {
        diags.error(
            file,
            at("slug"),
            format!(
                "slug `{}` does not match the file name `{expected_slug}`",
                meta.slug
            ),
        );
    }
    for (field, value, max) in [
        ("title", &meta.title, super::limits::MAX_LABEL_CHARS),
        ("summary", &meta.summary, super::limits::MAX_TEXT_CHARS),
    ] {
        if value.trim().is_empty() {
            diags.error(file, at(field), format!("`{field}` is empty"));
        } else if value.chars().count() > max {
            diags.error(
                file,
                at(field),
                format!("`{field}` is longer than {max} characters"),
            );
        }
    }
    if Date::parse(&meta.date).is_none() {
        diags.error(
            file,
            at("date"),
            format!("date `{}` is not a valid YYYY-MM-DD date", meta.date),
        );
    }
    if meta.tags.is_empty() || meta.tags.iter().any(|t| t.trim().is_empty()) {
        diags.error(
            file,
            at("tags"),
            "`tags` must list at least one non-empty tag",
        );
    }
    if !(3..=6).contains(&meta.properties.len()) {
        diags.error(
            file,
            at("properties"),
            format!(
                "write-ups have 3 to 6 key properties; this one has {}",
                meta.properties.len()
            ),
        );
    }
    let props = tree
        .field("properties")
        .map(|f| f.value.items())
        .unwrap_or_default();
    for (i, p) in meta.properties.iter().enumerate() {
        if p.label.trim().is_empty() || p.value.trim().is_empty() {
            let pos = props.get(i).map(Node::pos).or(at("properties"));
            diags.error(file, pos, "a key property has an empty label or value");
        }
    }
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(meta)
    }
}

/// Every write-up, validated together so related links can be checked.
#[derive(Clone, Debug, Default)]
pub struct WriteupCatalog {
    by_slug: BTreeMap<WriteupSlug, Writeup>,
}

impl WriteupCatalog {
    /// Parses every write-up and checks the links between them. Reports all problems at once.
    pub fn build(sources: &[WriteupSource]) -> Result<WriteupCatalog, Diagnostics> {
        let listed: BTreeSet<&str> = sources.iter().map(|s| s.slug.as_str()).collect();
        Self::build_listed(sources, &listed)
    }

    /// Like [`WriteupCatalog::build`], with related slugs checked against `listed` (the index):
    /// a write-up whose files are missing can still be named by the others.
    pub fn build_listed(
        sources: &[WriteupSource],
        listed: &BTreeSet<&str>,
    ) -> Result<WriteupCatalog, Diagnostics> {
        let mut diags = Diagnostics::default();
        let all = listed;
        let mut by_slug = BTreeMap::new();
        for src in sources {
            let meta = match parse_writeup_meta(&src.meta_file, &src.slug, &src.meta) {
                Ok(m) => m,
                Err(d) => {
                    diags.0.extend(d.0);
                    continue;
                }
            };
            let tree = outline(&src.meta);
            let related_nodes = tree
                .field("related")
                .map(|f| f.value.items())
                .unwrap_or_default();
            for (i, r) in meta.related.iter().enumerate() {
                let pos: Option<Position> = related_nodes.get(i).map(Node::pos);
                if r == &meta.slug {
                    diags.error(
                        &src.meta_file,
                        pos,
                        format!("write-up `{r}` lists itself as related"),
                    );
                } else if !all.contains(r.as_str()) {
                    diags.error(
                        &src.meta_file,
                        pos,
                        format!("related write-up `{r}` does not exist"),
                    );
                }
            }
            let Some(date) = Date::parse(&meta.date) else {
                continue;
            };
            // Figures may link to any write-up the index lists.
            let body = match &src.body {
                None => Body::Pending,
                Some(text) => {
                    let slugs: BTreeSet<WriteupSlug> =
                        all.iter().map(|s| WriteupSlug::new(*s)).collect();
                    let (body, problems) = parse_writeup_body(&src.body_file, text, &slugs);
                    diags.0.extend(problems.0);
                    Body::Ready(std::sync::Arc::new(body))
                }
            };
            by_slug.insert(
                WriteupSlug::new(meta.slug.as_str()),
                Writeup {
                    slug: WriteupSlug::new(meta.slug.as_str()),
                    title: meta.title,
                    date,
                    tags: meta.tags,
                    summary: meta.summary,
                    properties: meta.properties,
                    related: meta
                        .related
                        .iter()
                        .map(|r| WriteupSlug::new(r.as_str()))
                        .collect(),
                    body,
                },
            );
        }
        diags.sort();
        if diags.has_errors() {
            Err(diags)
        } else {
            Ok(WriteupCatalog { by_slug })
        }
    }

    /// A write-up by slug.
    pub fn get(&self, slug: &WriteupSlug) -> Option<&Writeup> {
        self.by_slug.get(slug)
    }

    /// Gives a write-up its body (the app's bodies arrive after the catalog). Returns whether
    /// the catalog lists the write-up.
    pub fn set_body(&mut self, slug: &WriteupSlug, body: Body) -> bool {
        match self.by_slug.get_mut(slug) {
            Some(w) => {
                w.body = body;
                true
            }
            None => false,
        }
    }

    /// A write-up by slug text (e.g. from a URL).
    pub fn get_str(&self, slug: &str) -> Option<&Writeup> {
        self.by_slug.get(slug)
    }

    /// All slugs, sorted.
    pub fn slugs(&self) -> BTreeSet<WriteupSlug> {
        self.by_slug.keys().cloned().collect()
    }

    /// Number of write-ups.
    pub fn len(&self) -> usize {
        self.by_slug.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.by_slug.is_empty()
    }

    /// Newest first, then by title: the order of the original site's index.
    pub fn newest_first(&self) -> Vec<&Writeup> {
        let mut v: Vec<&Writeup> = self.by_slug.values().collect();
        v.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.title.cmp(&b.title)));
        v
    }

    /// Every tag used, sorted.
    pub fn tags(&self) -> Vec<&str> {
        let set: BTreeSet<&str> = self
            .by_slug
            .values()
            .flat_map(|w| w.tags.iter().map(String::as_str))
            .collect();
        set.into_iter().collect()
    }
}
