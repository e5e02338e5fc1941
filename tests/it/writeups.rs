//! The 13 write-ups: complete, matching the original site's index, and linked correctly.

use std::collections::BTreeSet;

use autochitect::model::{LinkAction, Route, Writeup, classify_link};

use crate::support::{body, catalog};
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};

/// Title, date and tags of every write-up, as the original site's index lists them.
const INDEX: &[(&str, &str, &str, &[&str])] = &[
    (
        "storage-durability",
        "Storage Durability",
        "2026-05-22",
        &["System Design", "Storage"],
    ),
    (
        "replication",
        "Replication",
        "2026-05-22",
        &["System Design", "Distributed Systems"],
    ),
    (
        "memory-allocators",
        "Memory Allocators",
        "2026-05-22",
        &["Internals", "Runtime"],
    ),
    (
        "leader-election",
        "Leader Election",
        "2026-05-22",
        &["System Design", "Distributed Systems"],
    ),
    (
        "jit-compilation",
        "Just-In-Time (JIT) Compilation",
        "2026-05-22",
        &["Compilers", "Performance"],
    ),
    (
        "http2-http3",
        "HTTP/2 & HTTP/3",
        "2026-05-22",
        &["Networking", "Protocols"],
    ),
    (
        "garbage-collection",
        "Garbage Collection",
        "2026-05-22",
        &["Internals", "Runtime"],
    ),
    (
        "tcp-ip-model",
        "TCP/IP 4-Layer Model",
        "2026-05-12",
        &["Networking", "Protocols"],
    ),
    (
        "sockets",
        "Sockets",
        "2026-05-12",
        &["Networking", "Protocols"],
    ),
    (
        "osi-model",
        "OSI Model",
        "2026-05-12",
        &["Networking", "Protocols"],
    ),
    (
        "gossip-protocol",
        "Gossip Protocol",
        "2026-05-11",
        &["System Design", "Distributed Systems"],
    ),
    (
        "backpressure",
        "Backpressure",
        "2026-04-20",
        &["System Design", "Streaming"],
    ),
    (
        "raft-protocol",
        "Raft Protocol",
        "2026-04-10",
        &["System Design", "Distributed Systems"],
    ),
];

const REQUIRED_SECTIONS: [&str; 3] = [
    "Where it lives in the diagram",
    "Key takeaways",
    "Further reading",
];

/// Diagram ids (components and links) of the default diagram.
fn diagram_ids() -> BTreeSet<String> {
    let text =
        std::fs::read_to_string(crate::repo().join("diagrams/two-computers.ron")).expect("diagram");
    let d = autochitect::model::parse_diagram("two-computers.ron", &text, &catalog().slugs())
        .unwrap_or_else(|e| panic!("{e}"));
    d.components()
        .iter()
        .map(|c| c.id.to_string())
        .chain(d.links().iter().map(|l| l.id.to_string()))
        .collect()
}

/// Words outside fenced code blocks.
fn word_count(body: &str) -> usize {
    let mut fenced = false;
    body.lines()
        .filter(|l| {
            if l.trim_start().starts_with("```") {
                fenced = !fenced;
                return false;
            }
            !fenced
        })
        .map(|l| l.split_whitespace().count())
        .sum()
}

/// `##` sections: title → (links, inline code spans) inside it.
struct Section {
    title: String,
    code: Vec<String>,
    links: Vec<String>,
}

fn sections(body: &str) -> (Vec<Section>, Vec<String>) {
    let mut out: Vec<Section> = Vec::new();
    let mut links = Vec::new();
    let mut in_h2 = false;
    for ev in Parser::new_ext(body, pulldown_cmark::Options::ENABLE_TABLES) {
        match ev {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H2,
                ..
            }) => {
                in_h2 = true;
                out.push(Section {
                    title: String::new(),
                    code: Vec::new(),
                    links: Vec::new(),
                });
            }
            Event::End(TagEnd::Heading(HeadingLevel::H2)) => in_h2 = false,
            Event::Text(t) if in_h2 => {
                if let Some(s) = out.last_mut() {
                    s.title += &t;
                }
            }
            Event::Code(c) => {
                if let Some(s) = out.last_mut().filter(|_| !in_h2) {
                    s.code.push(c.to_string());
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) => {
                if let Some(s) = out.last_mut() {
                    s.links.push(dest_url.to_string());
                }
                links.push(dest_url.to_string());
            }
            _ => {}
        }
    }
    (out, links)
}

fn each<F: Fn(&Writeup) -> Vec<String>>(check: F) {
    let problems: Vec<String> = catalog()
        .newest_first()
        .into_iter()
        .flat_map(|w| {
            check(w)
                .into_iter()
                .map(move |p| format!("{}: {p}", w.slug))
        })
        .collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn all_thirteen_match_the_index() {
    let cat = catalog();
    assert_eq!(cat.len(), INDEX.len());
    for (slug, title, date, tags) in INDEX {
        let w = cat
            .get_str(slug)
            .unwrap_or_else(|| panic!("missing write-up {slug}"));
        assert_eq!(&w.title, title, "{slug}");
        assert_eq!(w.date.to_string(), *date, "{slug}");
        assert_eq!(
            w.tags,
            tags.iter().map(|t| t.to_string()).collect::<Vec<_>>(),
            "{slug}"
        );
    }
}

#[test]
fn metadata_is_complete() {
    each(|w| {
        let mut p = Vec::new();
        if w.summary.split_whitespace().count() < 25 {
            p.push("summary is shorter than a paragraph".into());
        }
        if !(3..=6).contains(&w.properties.len()) {
            p.push(format!("{} key properties", w.properties.len()));
        }
        if w.properties.iter().any(|kp| {
            kp.label.trim().is_empty()
                || kp.value.trim().is_empty()
                || kp.value.chars().count() > 110
        }) {
            p.push("a key property is empty or too long for the side panel".into());
        }
        if !(2..=5).contains(&w.related.len()) {
            p.push(format!("{} related write-ups", w.related.len()));
        }
        p
    });
}

#[test]
fn bodies_are_full_length() {
    each(|w| {
        let n = word_count(body(w));
        if (1200..=2700).contains(&n) {
            vec![]
        } else {
            vec![format!("{n} words")]
        }
    });
}

#[test]
fn bodies_start_with_their_title_and_end_with_the_required_sections() {
    each(|w| {
        let mut p = Vec::new();
        if !body(w).starts_with(&format!("# {}\n", w.title)) {
            p.push("does not start with `# Title`".into());
        }
        let (secs, _) = sections(body(w));
        let titles: Vec<&str> = secs.iter().map(|s| s.title.as_str()).collect();
        for req in REQUIRED_SECTIONS {
            if !titles.contains(&req) {
                p.push(format!("missing section `## {req}`"));
            }
        }
        if !body(w).contains("```") && !body(w).contains("\n|") {
            p.push("no diagram (fenced block) or table".into());
        }
        p
    });
}

#[test]
fn links_resolve_and_use_allowed_schemes() {
    let slugs: BTreeSet<String> = catalog()
        .slugs()
        .into_iter()
        .map(|s| s.to_string())
        .collect();
    let parts = diagram_ids();
    each(|w| {
        let (_, links) = sections(body(w));
        let mut p = Vec::new();
        for url in links {
            match classify_link(&url) {
                LinkAction::InApp(Route::Writeup(s)) if slugs.contains(&s) => {}
                LinkAction::InApp(Route::Writeup(s)) => {
                    p.push(format!("link to missing write-up `{s}`"))
                }
                LinkAction::InApp(Route::Component(id)) if parts.contains(&id) => {}
                LinkAction::InApp(Route::Component(id)) => p.push(format!(
                    "link to `{id}`, which is not in the default diagram"
                )),
                LinkAction::External(u) if u.starts_with("https://") => {}
                // Into the lab: a shipped scenario, at an event its run has.
                LinkAction::InApp(Route::Lab(name, event)) => {
                    let path = crate::support::repo().join(format!("diagrams/labs/{name}.ron"));
                    let scenario = autochitect::tools::lab::load(&crate::support::repo(), &path)
                        .unwrap_or_else(|d| panic!("{name}: {d}"));
                    let events = autochitect::tools::lab::event_count(&scenario).unwrap_or(0);
                    if !(1..=events).contains(&event) {
                        p.push(format!(
                            "link to event {event} of `{name}`, which has {events}"
                        ));
                    }
                }
                _ => p.push(format!(
                    "link `{url}` is neither https nor a write-up, a part of the diagram or the lab"
                )),
            }
        }
        p
    });
}

#[test]
fn further_reading_lists_at_least_three_primary_sources_each_with_an_https_link() {
    each(|w| {
        let start = body(w).find("## Further reading").unwrap_or(body(w).len());
        let tail = &body(w)[start..];
        let items: Vec<&str> = tail
            .lines()
            .filter(|l| l.trim_start().starts_with("- "))
            .collect();
        let mut p = Vec::new();
        if items.len() < 3 {
            p.push(format!("{} sources in Further reading", items.len()));
        }
        for item in items {
            if !item.contains("](https://") {
                p.push(format!("a source without an https link: {item}"));
            }
        }
        p
    });
}

#[test]
fn where_it_lives_names_parts_by_their_labels_as_links() {
    let ids = diagram_ids();
    each(|w| {
        let (secs, _) = sections(body(w));
        let Some(sec) = secs
            .iter()
            .find(|s| s.title == "Where it lives in the diagram")
        else {
            return vec!["no `Where it lives in the diagram` section".into()];
        };
        let mut p: Vec<String> = sec
            .code
            .iter()
            .filter(|c| ids.contains(*c))
            .map(|c| format!("`{c}` is a raw id: name the part by its label, as a link"))
            .collect();
        let parts = sec
            .links
            .iter()
            .filter(|l| matches!(classify_link(l), LinkAction::InApp(Route::Component(_))))
            .count();
        if parts == 0 {
            p.push("links no part of the diagram".into());
        }
        p
    });
}
