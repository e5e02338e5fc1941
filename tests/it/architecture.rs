//! The shell's shape, read from the source: features import shared state, the theme and the
//! core, never each other.

use std::collections::BTreeSet;
use std::path::Path;

/// The feature a file of `src/app/` belongs to: its top-level file or folder name.
fn feature_of(rel: &Path) -> String {
    let first = rel
        .components()
        .next()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .unwrap_or_default();
    first.trim_end_matches(".rs").to_owned()
}

/// The names that follow `prefix` in `text` (identifiers only).
fn names_after<'a>(text: &'a str, prefix: &'a str) -> impl Iterator<Item = &'a str> + 'a {
    text.match_indices(prefix).filter_map(move |(i, _)| {
        // A whole path segment: not the tail of a longer word.
        let before = text[..i].chars().next_back();
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            return None;
        }
        let rest = &text[i + prefix.len()..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        Some(&rest[..end])
    })
}

fn files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir)
        .expect("a folder of the app")
        .flatten()
    {
        let path = entry.path();
        if path.is_dir() {
            files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// Every import from one feature of the app into another, found by following `use`,
/// `super::` and `crate::app::` paths: none. What features share lives in `app::state` (or
/// `app::theme`); what a platform provides is injected as a resource.
#[test]
fn features_import_state_and_the_core_never_each_other() {
    let app = crate::repo().join("src/app");
    let shared = ["mod", "state", "theme"];
    let mut all = Vec::new();
    files(&app, &mut all);
    let features: BTreeSet<String> = all
        .iter()
        .filter_map(|p| p.strip_prefix(&app).ok())
        .map(feature_of)
        .filter(|f| !shared.contains(&f.as_str()))
        .collect();
    assert!(features.len() > 15, "{features:?}");
    let mut found = Vec::new();
    for path in &all {
        let Ok(rel) = path.strip_prefix(&app) else {
            continue;
        };
        let me = feature_of(rel);
        if shared.contains(&me.as_str()) {
            continue;
        }
        let text = std::fs::read_to_string(path).expect("read");
        // `super::x` names a sibling feature from a top-level file or a folder's `mod.rs`;
        // `super::super::x` from a file inside a folder.
        let depth = rel.components().count();
        let top = depth == 1 || (depth == 2 && rel.ends_with("mod.rs"));
        let mut targets: Vec<&str> = names_after(&text, "crate::app::").collect();
        targets.extend(names_after(&text, "super::super::"));
        if top {
            targets
                .extend(names_after(&text, "super::").filter(|n| *n != "super" && !n.is_empty()));
        }
        for t in targets {
            if t != me && features.contains(t) {
                found.push(format!("{} → {t}", rel.display()));
            }
        }
    }
    assert!(
        found.is_empty(),
        "features importing each other: {found:#?}"
    );
}
