//! What a link inside a write-up may do: open another write-up, open a web page, or nothing.
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::ids::{WriteupSlug, is_valid_id};

/// The in-app link prefix: `#/writeup/<slug>`. The same form is the web build's URL hash.
const WRITEUP_PREFIX: &str = "#/writeup/";

/// The decision for one clicked link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkAction {
    /// Open this write-up inside the app.
    Writeup(WriteupSlug),
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
    format!("{WRITEUP_PREFIX}{slug}")
}

/// Decides what a link may do. Only `http`, `https` and in-app write-up links are followed.
pub fn classify_link(url: &str) -> LinkAction {
    let trimmed = url.trim();
    if let Some(slug) = trimmed.strip_prefix(WRITEUP_PREFIX) {
        let slug = slug.trim_end_matches('/');
        return if is_valid_id(slug) {
            LinkAction::Writeup(WriteupSlug::new(slug))
        } else {
            LinkAction::Refused {
                url: url.to_owned(),
                reason: format!("`{slug}` is not a write-up name"),
            }
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
            "only http(s) links and write-up links are opened".to_owned()
        },
    }
}
