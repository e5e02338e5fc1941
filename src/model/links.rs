//! What a link inside a write-up may do: go somewhere in the app, open a web page, or nothing.
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::ids::WriteupSlug;
use super::route::Route;

/// The decision for one clicked link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkAction {
    /// Go to a place in the app: a write-up (`#/writeup/<slug>`), a part of the diagram
    /// (`#/component/<id>`), a tour step or a diagram. The same forms are the web build's URL
    /// hash.
    InApp(Route),
    /// Open this http(s) URL in the system browser (or a new tab on the web).
    External(String),
    /// Never followed; the reason is shown to the reader.
    Refused {
        /// The URL as written.
        url: String,
        /// Why it is refused.
        reason: String,
    },
}

/// The in-app link to a write-up.
pub fn writeup_href(slug: &WriteupSlug) -> String {
    Route::Writeup(slug.to_string()).to_hash()
}

/// Decides what a link may do. Only `http`, `https` and in-app links (`#/…` routes) are
/// followed.
pub fn classify_link(url: &str) -> LinkAction {
    let trimmed = url.trim();
    if trimmed.starts_with('#') {
        return match Route::parse(trimmed) {
            Some(route) => LinkAction::InApp(route),
            None => LinkAction::Refused {
                url: url.to_owned(),
                reason: "it points nowhere in the app".to_owned(),
            },
        };
    }
    let lower = trimmed.to_ascii_lowercase();
    let has_host = |rest: &str| !rest.is_empty() && !rest.starts_with('/');
    if let Some(rest) = lower
        .strip_prefix("https://")
        .or_else(|| lower.strip_prefix("http://"))
        && has_host(rest)
        && !trimmed.chars().any(|c| c.is_control() || c.is_whitespace())
    {
        return LinkAction::External(trimmed.to_owned());
    }
    let scheme = lower.split(':').next().unwrap_or_default();
    LinkAction::Refused {
        url: url.to_owned(),
        reason: if lower.contains(':') {
            format!("links with the `{scheme}:` scheme are never opened")
        } else {
            "only http(s) links and links into the app are opened".to_owned()
        },
    }
}

/// Every in-app link to a part in a Markdown text (`](#/component/<id>)`), with the position of
/// its id, so `check` can say where a link to a part that does not exist is.
pub fn part_links(text: &str) -> Vec<(String, super::diagnostic::Position)> {
    links_to(text, "](#/component/")
}

/// Every link in `text` into the lab: a Markdown link (`[…](#/lab/<scenario>/<event>)`) or a
/// tour step's handover (`lab: "#/lab/<scenario>/<event>"`). The scenario, the event (from 1;
/// `None` when the link names none) and where the link starts, for `check`.
pub fn lab_links(text: &str) -> Vec<(String, Option<usize>, super::diagnostic::Position)> {
    let mut found = links_to(text, "](#/lab/");
    found.extend(links_to(text, "\"#/lab/"));
    found.sort_by_key(|(_, pos)| (pos.line, pos.col));
    found
        .into_iter()
        .map(|(name, pos)| {
            let event = text
                .lines()
                .nth(pos.line.saturating_sub(1))
                .and_then(|line| {
                    let at = line.find(&format!("#/lab/{name}/"))?;
                    let rest = line.get(at + "#/lab/".len() + name.len() + 1..)?;
                    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
                    digits.parse().ok()
                });
            (name, event, pos)
        })
        .collect()
}

/// The first path segment after each `mark` in `text`, with where it starts.
fn links_to(text: &str, mark: &str) -> Vec<(String, super::diagnostic::Position)> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let mut from = 0;
        while let Some(i) = line.get(from..).and_then(|rest| rest.find(mark)) {
            let start = from + i + mark.len();
            let id: String = line
                .get(start..)
                .unwrap_or_default()
                .chars()
                .take_while(|c| *c != ')' && *c != '/' && !c.is_whitespace())
                .collect();
            let col = line.get(..start).map_or(0, |p| p.chars().count()) + 1;
            out.push((id, super::diagnostic::Position::new(n + 1, col)));
            from = start;
        }
    }
    out
}
