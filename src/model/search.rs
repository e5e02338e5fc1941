//! Quick search over components and write-ups: every word typed must match somewhere, and
//! matches in names count more than matches in tags, which count more than matches in summaries.

use super::diagram::{Diagram, Target};
use super::ids::WriteupSlug;
use super::writeup::WriteupCatalog;

/// Something search can find.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Hit {
    /// A component or link of the open diagram.
    Target(Target),
    /// A write-up.
    Writeup(WriteupSlug),
}

/// A ranked result.
#[derive(Clone, Debug, PartialEq)]
pub struct Ranked {
    /// What was found.
    pub hit: Hit,
    /// The name shown in the list.
    pub title: String,
    /// Where it is, or what kind of thing it is.
    pub detail: String,
    /// Higher is better.
    pub score: u32,
}

/// How well one query word matches a field of a given weight.
fn word_score(word: &str, field: &str, weight: u32) -> u32 {
    let field = field.to_lowercase();
    if field == word {
        return 10 * weight;
    }
    if field.starts_with(word) {
        return 6 * weight;
    }
    if field
        .split(|c: char| !c.is_alphanumeric())
        .any(|w| w.starts_with(word))
    {
        return 4 * weight;
    }
    if field.contains(word) {
        return 2 * weight;
    }
    0
}

/// Scores an item with weighted fields: every query word must match at least one field.
fn score(words: &[String], fields: &[(&str, u32)]) -> Option<u32> {
    let mut total = 0;
    for w in words {
        let best = fields
            .iter()
            .map(|(f, weight)| word_score(w, f, *weight))
            .max()
            .unwrap_or(0);
        if best == 0 {
            return None;
        }
        total += best;
    }
    Some(total)
}

const NAME: u32 = 10;
const TAG: u32 = 4;
const TEXT: u32 = 1;

/// Ranks components, links and write-ups for `query`, best first (ties by title).
pub fn search(query: &str, diagram: &Diagram, writeups: &WriteupCatalog) -> Vec<Ranked> {
    let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
    if words.is_empty() {
        return Vec::new();
    }
    let mut out = Vec::new();
    for c in diagram.components() {
        let w = c.writeup.as_ref().and_then(|s| writeups.get(s));
        let tags = w.map(|w| w.tags.join(" ")).unwrap_or_default();
        let fields = [
            (c.label.as_str(), NAME),
            (c.id.as_str(), NAME),
            (w.map_or("", |w| w.title.as_str()), TAG),
            (tags.as_str(), TAG),
            (c.description.as_deref().unwrap_or(""), TEXT),
        ];
        if let Some(s) = score(&words, &fields) {
            let place = diagram.breadcrumb(&c.id).join(" › ");
            out.push(Ranked {
                hit: Hit::Target(Target::Component(c.id.clone())),
                title: c.label.clone(),
                detail: place,
                score: s,
            });
        }
    }
    for l in diagram.links() {
        let fields = [
            (l.label.as_str(), NAME),
            (l.id.as_str(), NAME),
            (l.description.as_deref().unwrap_or(""), TEXT),
        ];
        if let Some(s) = score(&words, &fields) {
            out.push(Ranked {
                hit: Hit::Target(Target::Link(l.id.clone())),
                title: l.label.clone(),
                detail: l.kind.label().to_owned(),
                score: s,
            });
        }
    }
    for w in writeups.newest_first() {
        let tags = w.tags.join(" ");
        let fields = [
            (w.title.as_str(), NAME),
            (w.slug.as_str(), NAME),
            (tags.as_str(), TAG),
            (w.summary.as_str(), TEXT),
        ];
        if let Some(s) = score(&words, &fields) {
            out.push(Ranked {
                hit: Hit::Writeup(w.slug.clone()),
                title: w.title.clone(),
                detail: "Write-up".into(),
                score: s,
            });
        }
    }
    // Best score first; on a tie, the part of the open diagram before the write-up.
    let is_writeup = |h: &Hit| matches!(h, Hit::Writeup(_));
    out.sort_by(|a, b| {
        b.score
            .cmp(&a.score)
            .then_with(|| is_writeup(&a.hit).cmp(&is_writeup(&b.hit)))
            .then_with(|| a.title.cmp(&b.title))
            .then_with(|| a.hit.cmp(&b.hit))
    });
    out
}
