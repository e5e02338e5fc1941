//! Every shipped diagram and write-up passes `check`, the default diagram covers every topic, and
//! the facts that several write-ups, diagrams and tours state agree (`tests/it/facts.ron`).

use std::collections::BTreeSet;

use autochitect::model::LinkKind;
use serde::Deserialize;

use crate::support::{catalog, default_diagram};

#[test]
fn every_shipped_file_passes_check() {
    let report = autochitect::tools::check::check_paths(&crate::repo(), &[]);
    assert!(report.diagnostics.0.is_empty(), "{}", report.diagnostics);
    assert!(report.diagrams >= 1);
    assert_eq!(report.writeups, 13);
}

/// `check` names any character of a write-up the sans font lacks (so the test above covers
/// the prose); code is set in the mono font, which must have every character of every code
/// block too.
#[test]
fn the_mono_font_draws_every_character_of_the_code_in_the_writeups() {
    use skrifa::MetadataProvider;
    let mono = skrifa::FontRef::new(autochitect::model::glyphs::MONO_FONT_BYTES).expect("a font");
    let map = mono.charmap();
    let mut checked = 0;
    for w in catalog().newest_first() {
        let path = crate::repo().join(format!("assets/writeups/{}.md", w.slug));
        let text = std::fs::read_to_string(&path).expect("read");
        let mut in_code = false;
        for (n, line) in text.lines().enumerate() {
            if line.trim_start().starts_with("```") {
                in_code = !in_code;
                continue;
            }
            // Inline code too: `like this`.
            let code: String = if in_code {
                line.to_string()
            } else {
                line.split('`').skip(1).step_by(2).collect()
            };
            for c in code.chars().filter(|c| !c.is_whitespace()) {
                assert!(
                    map.map(c).is_some(),
                    "{}:{}: {c:?} is not in the mono font",
                    w.slug,
                    n + 1
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 1000, "{checked} characters of code checked");
}

#[test]
fn every_writeup_is_reachable_from_the_default_diagram() {
    let d = default_diagram();
    let linked: BTreeSet<String> = d
        .writeup_slugs()
        .into_iter()
        .map(ToString::to_string)
        .collect();
    let all: BTreeSet<String> = catalog()
        .slugs()
        .into_iter()
        .map(|s| s.to_string())
        .collect();
    assert_eq!(linked, all);
}

#[test]
fn the_cable_joins_the_two_computers_and_opens_the_network_models() {
    let d = default_diagram();
    let cable = d.link("cable").expect("a cable");
    assert_eq!(cable.kind, LinkKind::Cable);
    assert_eq!(d.root_of(&cable.from).as_str(), "computer-a");
    assert_eq!(d.root_of(&cable.to).as_str(), "computer-b");
    assert_eq!(
        cable.writeup.as_ref().map(|s| s.as_str()),
        Some("osi-model")
    );
}

#[test]
fn default_diagram_has_no_overlapping_siblings_and_every_component_links_a_writeup() {
    let d = default_diagram();
    for c in d.components() {
        assert!(c.writeup.is_some(), "{} has no write-up", c.id);
        for other in d.components() {
            if c.id < other.id && c.parent == other.parent {
                assert!(
                    !c.rect.overlaps(&other.rect),
                    "{} overlaps {}",
                    c.id,
                    other.id
                );
            }
        }
    }
}

#[test]
fn both_computers_hold_the_parts_a_learner_points_at() {
    let d = default_diagram();
    for side in ["a", "b"] {
        for part in [
            "app",
            "http",
            "runtime",
            "gc",
            "jit",
            "allocator",
            "kernel",
            "sockets",
            "tcpip",
            "nic",
            "memory",
            "disk",
            "raft",
            "replication",
            "election",
            "gossip",
            "queue",
        ] {
            let id = format!("{side}-{part}");
            let c = d.component(&id).unwrap_or_else(|| panic!("missing {id}"));
            assert_eq!(d.root_of(&c.id).as_str(), format!("computer-{side}"));
        }
    }
}

/// A fact that several texts state, from `tests/it/facts.ron` (whose header explains the fields):
/// its one true value, its primary source, and how to recognise and check a passage stating it.
#[derive(Deserialize)]
struct Fact {
    name: String,
    value: String,
    source: String,
    scope: Scope,
    mentions: Vec<Vec<String>>,
    says: Vec<Vec<String>>,
    never: Vec<String>,
    min_files: usize,
    min_passages: usize,
}

/// What one passage is: a sentence, or a whole paragraph.
#[derive(Clone, Copy, Deserialize)]
enum Scope {
    Sentence,
    Paragraph,
}

/// Words whose full stop does not end a sentence.
const ABBREVIATIONS: [&str; 6] = ["vs", "e.g", "i.e", "etc", "cf", "al"];

/// A paragraph cut after each ". ", "? " and "! ", except after an abbreviation.
fn sentences(paragraph: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (i, pair) in paragraph.as_bytes().windows(2).enumerate() {
        if !matches!(pair, [b'.' | b'?' | b'!', b' ']) {
            continue;
        }
        let word = paragraph[start..i]
            .rsplit(|c: char| c.is_whitespace() || c == '(')
            .next()
            .unwrap_or_default()
            .to_lowercase();
        if pair[0] == b'.' && ABBREVIATIONS.contains(&word.as_str()) {
            continue;
        }
        out.push(&paragraph[start..=i]);
        start = i + 1;
    }
    out.push(&paragraph[start..]);
    out
}

/// A file's passages. A paragraph is a line; a `\n` escape inside a RON string ends one too.
fn passages(text: &str, scope: Scope) -> Vec<String> {
    let text = text.replace("\\n", "\n");
    let mut out = Vec::new();
    for paragraph in text.lines() {
        match scope {
            Scope::Paragraph => out.push(paragraph.to_owned()),
            Scope::Sentence => out.extend(sentences(paragraph).into_iter().map(str::to_owned)),
        }
    }
    out
}

/// Every text a learner reads, by path: the write-ups' bodies and `.ron` files, the diagrams
/// (component descriptions), the tours and the labs. The index files hold no prose.
fn learner_texts() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in [
        "assets/writeups",
        "diagrams",
        "diagrams/tours",
        "diagrams/labs",
    ] {
        let mut paths: Vec<_> = std::fs::read_dir(crate::repo().join(dir))
            .unwrap_or_else(|e| panic!("{dir}: {e}"))
            .map(|entry| entry.expect("entry").path())
            .filter(|p| {
                p.is_file()
                    && p.extension().is_some_and(|e| e == "md" || e == "ron")
                    && p.file_name().is_some_and(|f| f != "index.ron")
            })
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("read");
            let name = path.file_name().unwrap_or_default().to_string_lossy();
            out.push((format!("{dir}/{name}"), text));
        }
    }
    out
}

/// Issue #24: where several write-ups, diagrams or tours state the same fact (a default, a flag,
/// a return code, who pushes and who pulls), every passage that states it says the one true value
/// and none says a known wrong one; each fact is still found in as many places as the list says,
/// so that rewording cannot make the check pass by matching nothing.
#[test]
fn facts_stated_in_several_places_agree() {
    let list = std::fs::read_to_string(crate::repo().join("tests/it/facts.ron")).expect("facts");
    let mut facts: Vec<Fact> =
        ron::from_str(&list).unwrap_or_else(|e| panic!("tests/it/facts.ron: {e}"));
    assert!(facts.len() >= 8, "only {} facts", facts.len());
    let texts = learner_texts();
    let mut problems = Vec::new();
    for fact in &mut facts {
        assert!(
            !fact.mentions.is_empty() && fact.mentions.iter().all(|m| !m.is_empty()),
            "{}: an empty `mentions` list would match every passage",
            fact.name
        );
        let terms = fact
            .mentions
            .iter_mut()
            .chain(fact.says.iter_mut())
            .flatten();
        for term in terms.chain(fact.never.iter_mut()) {
            *term = term.to_lowercase();
        }
        let mut files = BTreeSet::new();
        let mut found = 0;
        for (file, text) in &texts {
            for passage in passages(text, fact.scope) {
                let lower = passage.to_lowercase();
                let has = |term: &String| lower.contains(term.as_str());
                if !fact.mentions.iter().any(|all| all.iter().all(has)) {
                    continue;
                }
                files.insert(file.as_str());
                found += 1;
                let missing: Vec<_> = fact
                    .says
                    .iter()
                    .filter(|any| !any.iter().any(has))
                    .collect();
                let wrong: Vec<_> = fact
                    .never
                    .iter()
                    .filter(|t| lower.contains(t.as_str()))
                    .collect();
                let mut why = Vec::new();
                if !missing.is_empty() {
                    why.push(format!("says none of {missing:?}"));
                }
                if !wrong.is_empty() {
                    why.push(format!("says {wrong:?}, a known wrong version"));
                }
                if !why.is_empty() {
                    problems.push(format!(
                        "{file}: \"{}\": the passage {}\n  passage: {}\n  true value: {}\n  source: {}",
                        fact.name,
                        why.join(" and "),
                        passage.trim(),
                        fact.value,
                        fact.source
                    ));
                }
            }
        }
        if files.len() < fact.min_files || found < fact.min_passages {
            problems.push(format!(
                "\"{}\" is stated in {} files and {found} passages, not at least {} and {}: {files:?} (reworded or renamed? update tests/it/facts.ron)",
                fact.name,
                files.len(),
                fact.min_files,
                fact.min_passages
            ));
        }
    }
    assert!(
        problems.is_empty(),
        "{} problems with facts stated in several places (tests/it/facts.ron):\n{}",
        problems.len(),
        problems.join("\n")
    );
}
