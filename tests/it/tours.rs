//! Tours (parsing, validation, packet routes), search ranking and keyboard order: pure model.

use std::collections::BTreeSet;

use autochitect::model::search::{Hit, search};
use autochitect::model::{ComponentId, LinkId, Target, WriteupSlug, packet_route, parse_tours};

use crate::support::{catalog, default_diagram};

fn slugs() -> BTreeSet<WriteupSlug> {
    catalog().slugs()
}

fn comp(id: &str) -> Target {
    Target::Component(ComponentId::new(id))
}

#[test]
fn shipped_tours_cover_the_three_stories() {
    let text = std::fs::read_to_string(crate::repo().join("diagrams/tours/two-computers.ron"))
        .expect("tours");
    let tours = parse_tours("tours.ron", &text, &default_diagram(), &slugs())
        .unwrap_or_else(|d| panic!("{d}"));
    let names: Vec<&str> = tours.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, ["http-request", "durable-write", "leader-election"]);
    let http = &tours[0];
    assert!(http.steps.len() >= 6);
    // The request crosses the cable in one of its steps, with a packet travelling it.
    assert!(http.steps.iter().any(|s| {
        s.packet
            .iter()
            .any(|(t, _)| *t == Target::Link(LinkId::new("cable")))
    }));
    // The leader election tour cuts the cable.
    assert!(
        tours[2]
            .steps
            .iter()
            .any(|s| s.focus == [Target::Link(LinkId::new("cable"))])
    );
}

/// A tour file with one tour per line, so positions are easy to state.
fn tours_file(lines: &[&str]) -> String {
    let mut s = String::from("[\n");
    for l in lines {
        s += &format!("    {l},\n");
    }
    s + "]\n"
}

fn errors(src: &str) -> Vec<(usize, usize, String)> {
    let diags = parse_tours("t.ron", src, &default_diagram(), &slugs()).expect_err("rejected");
    diags
        .0
        .iter()
        .map(|d| {
            let p = d.pos.expect("a position");
            (p.line, p.col, d.message.clone())
        })
        .collect()
}

fn col(line: &str, needle: &str) -> usize {
    5 + line.find(needle).expect("needle")
}

#[test]
fn tour_errors_point_at_the_problem() {
    let ghost =
        r#"(name: "a", title: "A", steps: [(title: "S", focus: ["ghost"], narration: "N")])"#;
    let e = errors(&tours_file(&[ghost]));
    assert_eq!(e.len(), 1, "{e:#?}");
    assert_eq!((e[0].0, e[0].1), (2, col(ghost, "\"ghost\"")));
    assert!(
        e[0].2
            .contains("focuses on `ghost`, which is not in the diagram"),
        "{}",
        e[0].2
    );

    let bad_writeup = r#"(name: "b", title: "B", steps: [(title: "S", focus: ["a-raft"], narration: "N", writeup: "nope")])"#;
    let e = errors(&tours_file(&[bad_writeup]));
    assert_eq!((e[0].0, e[0].1), (2, col(bad_writeup, "\"nope\"")));
    assert!(e[0].2.contains("unknown write-up `nope`"));

    let packet = r#"(name: "c", title: "C", steps: [(title: "S", focus: ["a-raft"], narration: "N", packet: [(at: "a-raft", label: "x"), (at: "nowhere")])])"#;
    let e = errors(&tours_file(&[packet]));
    assert_eq!((e[0].0, e[0].1), (2, col(packet, "\"nowhere\"")));
    assert!(e[0].2.contains("the packet passes `nowhere`"));
}

#[test]
fn every_tour_problem_is_reported_at_once() {
    let one = r#"(name: "dup", title: "", steps: [])"#;
    let two =
        r#"(name: "dup", title: "T", steps: [(title: "S", focus: [], narration: " ", colour: 1)])"#;
    let e = errors(&tours_file(&[one, two]));
    let messages: Vec<&str> = e.iter().map(|x| x.2.as_str()).collect();
    for expected in [
        "empty title",
        "has no steps",
        "duplicate tour name `dup`",
        "focuses on nothing",
        "has no narration",
        "unknown field `colour`",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(expected)),
            "missing {expected:?} in {messages:#?}"
        );
    }
}

#[test]
fn a_packet_walks_links_from_the_end_it_arrives_at() {
    let d = default_diagram();
    // raft-rpc is drawn from a-raft to b-raft; a packet from b-raft walks it backwards.
    let hops = vec![
        (comp("b-raft"), "RequestVote".to_string()),
        (
            Target::Link(LinkId::new("raft-rpc")),
            "RequestVote".to_string(),
        ),
        (comp("a-raft"), "vote".to_string()),
    ];
    let route = packet_route(&d, &hops);
    let link = d.link("raft-rpc").expect("link");
    let (first_link_point, _) = &route[1];
    assert_eq!(
        (first_link_point.x, first_link_point.y),
        (
            link.path.last().expect("end").x,
            link.path.last().expect("end").y
        )
    );
    assert_eq!(route.last().map(|(_, l)| l.as_str()), Some("vote"));
}

#[test]
fn search_ranks_names_before_descriptions() {
    let d = default_diagram();
    let w = catalog();
    let top = |q: &str| {
        search(q, &d, &w)
            .into_iter()
            .map(|r| r.hit)
            .take(4)
            .collect::<Vec<_>>()
    };
    let raft = top("raft");
    assert!(
        raft.contains(&Hit::Target(comp("a-raft"))) && raft.contains(&Hit::Target(comp("b-raft"))),
        "{raft:?}"
    );
    assert!(
        raft.contains(&Hit::Writeup(WriteupSlug::new("raft-protocol"))),
        "{raft:?}"
    );
    assert_eq!(
        top("garbage collector").first(),
        Some(&Hit::Target(comp("a-gc")))
    );
    assert!(
        matches!(top("fsync").first(), Some(Hit::Target(Target::Link(l))) if l.as_str().ends_with("flush"))
    );
    assert_eq!(top("tcp").first(), Some(&Hit::Target(comp("a-tcpip"))));
    assert!(search("xyzzy", &d, &w).is_empty());
    // Every word must match: "raft disk" finds nothing that is both.
    assert!(search("raft zebra", &d, &w).is_empty());
}

#[test]
fn tab_order_reads_left_to_right_then_top_to_bottom() {
    let d = default_diagram();
    let order: Vec<String> = d
        .reading_order()
        .into_iter()
        .map(|c| c.to_string())
        .take(6)
        .collect();
    assert_eq!(
        order,
        [
            "computer-a",
            "a-app",
            "a-workers",
            "a-queue",
            "a-http",
            "a-runtime"
        ]
    );
    assert_eq!(
        d.tab_next(None, false).map(|c| c.to_string()),
        Some("computer-a".into())
    );
    let last = d.reading_order().last().cloned();
    assert_eq!(
        d.tab_next(Some(&ComponentId::new("computer-a")), true),
        last
    );
}

#[test]
fn a_step_frames_its_parts_with_their_context_within_the_zoom_limit() {
    use autochitect::model::{MIN_FOCUS_SHARE, focus_bounds, step_frame};
    let d = default_diagram();
    let text = std::fs::read_to_string(crate::repo().join("diagrams/tours/two-computers.ron"))
        .expect("tours");
    let tours = parse_tours("tours.ron", &text, &d, &slugs()).unwrap_or_else(|e| panic!("{e}"));
    let mut framed = 0;
    for step in tours.iter().flat_map(|t| t.steps.iter()) {
        let parts = focus_bounds(&d, &step.focus).expect("parts");
        let frame = step_frame(&d, &step.focus).expect("frame");
        let inside = |r: &autochitect::model::Rect| {
            r.x >= frame.x - 0.01
                && r.y >= frame.y - 0.01
                && r.x + r.w <= frame.x + frame.w + 0.01
                && r.y + r.h <= frame.y + frame.h + 0.01
        };
        assert!(inside(&parts), "{}: the parts are in the frame", step.title);
        // Link labels the frame would cut are taken in whole: they may add their own size.
        let labels = d
            .links()
            .iter()
            .filter(|l| l.label_rect.overlaps(&frame))
            .map(|l| l.label_rect.w.max(l.label_rect.h))
            .fold(0.0, f32::max);
        assert!(
            parts.w.max(parts.h) / MIN_FOCUS_SHARE + labels >= frame.w.max(frame.h) - 0.01,
            "{}: the parts keep their share of the frame",
            step.title
        );
        for l in d.links().iter().filter(|l| !l.label.trim().is_empty()) {
            if l.label_rect.overlaps(&frame) {
                assert!(
                    inside(&l.label_rect),
                    "{}: `{}` is cut",
                    step.title,
                    l.label
                );
            }
        }
        // A step about parts of one computer shows that whole computer (here, they all fit).
        let computers: BTreeSet<&str> = step
            .focus
            .iter()
            .filter_map(|t| match t {
                Target::Component(id) => Some(if id.as_str().starts_with("a-") {
                    "computer-a"
                } else {
                    "computer-b"
                }),
                Target::Link(_) => None,
            })
            .collect();
        for c in &computers {
            let rect = d.component(c).expect("computer").rect;
            assert!(inside(&rect), "{}: {c} is in the frame", step.title);
        }
        framed += 1;
    }
    assert!(framed > 30, "{framed} steps");
    // The timer that fires on B: the audience sees all of Computer B, not one box.
    let step = tours
        .iter()
        .flat_map(|t| t.steps.iter())
        .find(|s| s.title == "A goes quiet; B's timer runs out")
        .expect("step");
    let b = d.component("computer-b").expect("B").rect;
    let with_labels = d
        .links()
        .iter()
        .filter(|l| !l.label.trim().is_empty() && l.label_rect.overlaps(&b))
        .fold(b, |f, l| f.union(&l.label_rect));
    assert_eq!(step_frame(&d, &step.focus), Some(with_labels));
}

#[test]
fn a_tiny_part_in_a_huge_computer_is_framed_at_the_limit_inside_it() {
    use autochitect::model::{MIN_FOCUS_SHARE, Rect, step_frame};
    let src = r#"(
        title: "Tiny",
        components: [
            (id: "big", label: "Big", kind: Computer, at: (0, 0), size: (4000, 3000), writeup: "raft-protocol"),
            (id: "tiny", label: "T", kind: Hardware, parent: "big", at: (20, 2900), size: (40, 40), writeup: "raft-protocol"),
        ],
        links: [],
    )"#;
    let d = autochitect::model::parse_diagram("tiny.ron", src, &slugs())
        .unwrap_or_else(|e| panic!("{e}"));
    let frame = step_frame(&d, &[comp("tiny")]).expect("frame");
    let side = 40.0 / MIN_FOCUS_SHARE;
    // As large as the limit allows, pushed inside the computer (the part is near its corner).
    assert_eq!(frame, Rect::new(0.0, 3000.0 - side, side, side));
}

/// A step's caption (the one line the audience's screen shows while presenting) is the one
/// written, or the narration's first sentence; a written one must be one short line.
#[test]
fn a_caption_is_one_short_line_or_the_narrations_first_sentence() {
    let ok = r#"(name: "a", title: "A", steps: [(title: "S", focus: ["a-raft"], narration: "Raft keeps a log. It has a leader.", ), (title: "T", focus: ["a-raft"], caption: "Written by hand.", narration: "Not this. Nor this.")])"#;
    let tours = parse_tours("t.ron", &tours_file(&[ok]), &default_diagram(), &slugs())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(tours[0].steps[0].caption, "Raft keeps a log.");
    assert_eq!(tours[0].steps[1].caption, "Written by hand.");

    let long = "word ".repeat(40);
    for (caption, says) in [
        ("   ", "has an empty caption"),
        ("two\\nlines", "a caption is one line"),
        (long.trim(), "the caption is longer than 160 characters"),
    ] {
        let line = format!(
            r#"(name: "b", title: "B", steps: [(title: "S", focus: ["a-raft"], caption: "{caption}", narration: "N")])"#
        );
        let e = errors(&tours_file(&[&line]));
        assert_eq!(e.len(), 1, "{e:#?}");
        assert_eq!(
            (e[0].0, e[0].1),
            (2, col(&line, &format!("\"{}", &caption[..1])))
        );
        assert!(e[0].2.contains(says), "{}", e[0].2);
    }
    // Every shipped step has a caption the audience can read in one go.
    let text = std::fs::read_to_string(crate::repo().join("diagrams/tours/two-computers.ron"))
        .expect("tours");
    let shipped = parse_tours("tours.ron", &text, &default_diagram(), &slugs())
        .unwrap_or_else(|d| panic!("{d}"));
    for step in shipped.iter().flat_map(|t| t.steps.iter()) {
        let n = step.caption.chars().count();
        assert!(
            (10..=160).contains(&n),
            "`{}`: {n} characters",
            step.caption
        );
    }
}
