//! Every shipped diagram and write-up passes `check`, and the default diagram covers every topic.

use std::collections::BTreeSet;

use autochitect::model::LinkKind;

use crate::support::{catalog, default_diagram};

#[test]
fn every_shipped_file_passes_check() {
    let report = autochitect::tools::check::check_paths(&crate::repo(), &[]);
    assert!(report.diagnostics.0.is_empty(), "{}", report.diagnostics);
    assert!(report.diagrams >= 1);
    assert_eq!(report.writeups, 13);
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
