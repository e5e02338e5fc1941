//! Model tests: one per error kind, each asserting the message and the position.

use std::collections::BTreeSet;

use autochitect::model::{
    ComponentKind, DiagramFile, Position, Target, WriteupSlug, parse_diagram,
};

/// Builds a diagram with one component or link per line:
/// components start on line 4, links right after, every item at column 9.
fn diagram(components: &[&str], links: &[&str]) -> String {
    let mut s = String::from("(\n    title: \"Test\",\n    components: [\n");
    for c in components {
        s += &format!("        {c},\n");
    }
    s += "    ],\n    links: [\n";
    for l in links {
        s += &format!("        {l},\n");
    }
    s += "    ],\n)\n";
    s
}

fn component_line(i: usize) -> usize {
    4 + i
}

fn link_line(components: usize, i: usize) -> usize {
    4 + components + 2 + i
}

/// Column of `needle` inside an item written at column 9.
fn col(item: &str, needle: &str) -> usize {
    9 + item.find(needle).expect("needle in item")
}

fn slugs() -> BTreeSet<WriteupSlug> {
    ["osi-model", "raft-protocol"]
        .into_iter()
        .map(WriteupSlug::new)
        .collect()
}

const BOX: &str = r#"(id: "box", label: "Box", kind: Computer, at: (0, 0), size: (200, 100))"#;
const INNER: &str = r#"(id: "inner", label: "Inner", kind: Hardware, parent: "box", at: (10, 10), size: (50, 40), writeup: "osi-model")"#;
const OTHER: &str =
    r#"(id: "other", label: "Other", kind: Os, parent: "box", at: (100, 10), size: (50, 40))"#;

/// Parses and expects failure; returns (line, col, message) of each diagnostic.
fn errors(src: &str) -> Vec<(usize, usize, String)> {
    let diags = parse_diagram("test.ron", src, &slugs()).expect_err("the file should be rejected");
    diags
        .0
        .iter()
        .map(|d| {
            assert_eq!(d.file, "test.ron");
            let p = d.pos.unwrap_or(Position::new(0, 0));
            (p.line, p.col, d.message.clone())
        })
        .collect()
}

fn single(src: &str) -> (usize, usize, String) {
    let all = errors(src);
    assert_eq!(all.len(), 1, "expected one error, got {all:#?}");
    all.into_iter().next().expect("one error")
}

#[test]
fn valid_diagram_builds_a_typed_graph() {
    let link = r#"(id: "wire", from: "inner", to: "other", label: "wire", kind: Bus)"#;
    let d = parse_diagram(
        "test.ron",
        &diagram(&[BOX, INNER, OTHER], &[link]),
        &slugs(),
    )
    .expect("valid");
    assert_eq!(d.components().len(), 3);
    let inner = d.component("inner").expect("inner");
    assert_eq!(inner.depth, 1);
    assert_eq!((inner.rect.x, inner.rect.y), (10.0, 10.0));
    assert_eq!(d.component("box").map(|b| b.children.len()), Some(2));
    assert_eq!(d.neighbours(&inner.id).len(), 1);
    assert_eq!(d.link("wire").map(|l| l.path.len()), Some(2));
    assert_eq!(
        d.target_for_writeup(&WriteupSlug::new("osi-model")),
        Some(Target::Component(inner.id.clone()))
    );
}

#[test]
fn syntax_error_has_its_position() {
    let src =
        "(\n    title: \"Test\",\n    components: [\n        (id: \"a\" label: \"A\"),\n    ],\n)";
    let (line, column, msg) = single(src);
    assert_eq!(line, 4);
    assert!(column >= 17, "column {column}");
    assert!(!msg.is_empty());
}

#[test]
fn every_unknown_field_is_reported_at_its_name() {
    let a = r#"(id: "a", label: "A", kind: Os, at: (0, 0), size: (10, 10), colour: "red")"#;
    let b = r#"(id: "b", label: "B", kind: Os, at: (20, 0), size: (10, 10), shape: Round)"#;
    let all = errors(&diagram(&[a, b], &[]));
    assert_eq!(all.len(), 2, "{all:#?}");
    assert_eq!((all[0].0, all[0].1), (component_line(0), col(a, "colour")));
    assert!(all[0].2.contains("unknown field `colour`"), "{}", all[0].2);
    assert_eq!((all[1].0, all[1].1), (component_line(1), col(b, "shape")));
}

#[test]
fn duplicate_ids_point_at_the_second_one() {
    let dup = r#"(id: "box", label: "Again", kind: Os, at: (300, 0), size: (10, 10))"#;
    let (line, column, msg) = single(&diagram(&[BOX, dup], &[]));
    assert_eq!((line, column), (component_line(1), col(dup, "\"box\"")));
    assert!(
        msg.contains("duplicate id `box`") && msg.contains("line 4"),
        "{msg}"
    );
}

#[test]
fn unknown_parent() {
    let orphan =
        r#"(id: "o", label: "O", kind: Os, parent: "nowhere", at: (0, 0), size: (10, 10))"#;
    let (line, column, msg) = single(&diagram(&[BOX, orphan], &[]));
    assert_eq!(
        (line, column),
        (component_line(1), col(orphan, "\"nowhere\""))
    );
    assert!(msg.contains("unknown parent `nowhere`"), "{msg}");
}

#[test]
fn nesting_cycle_is_reported_once() {
    let a = r#"(id: "a", label: "A", kind: Os, parent: "c", at: (0, 0), size: (10, 10))"#;
    let b = r#"(id: "b", label: "B", kind: Os, parent: "a", at: (0, 0), size: (10, 10))"#;
    let c = r#"(id: "c", label: "C", kind: Os, parent: "b", at: (0, 0), size: (10, 10))"#;
    let (line, column, msg) = single(&diagram(&[a, b, c], &[]));
    assert_eq!((line, column), (component_line(0), col(a, "\"c\"")));
    assert!(
        msg.contains("nesting cycle") && msg.contains("a → c → b → a"),
        "{msg}"
    );
}

#[test]
fn own_parent() {
    let a = r#"(id: "a", label: "A", kind: Os, parent: "a", at: (0, 0), size: (10, 10))"#;
    let (line, column, msg) = single(&diagram(&[a], &[]));
    assert_eq!((line, column), (component_line(0), col(a, "\"a\", at")));
    assert!(msg.contains("its own parent"), "{msg}");
}

#[test]
fn child_outside_its_parent() {
    let out =
        r#"(id: "out", label: "Out", kind: Os, parent: "box", at: (180, 10), size: (50, 40))"#;
    let (line, column, msg) = single(&diagram(&[BOX, out], &[]));
    assert_eq!((line, column), (component_line(1), col(out, "(180")));
    assert!(msg.contains("lies outside its parent `box`"), "{msg}");
}

#[test]
fn unknown_writeup() {
    let c =
        r#"(id: "c", label: "C", kind: Os, at: (0, 0), size: (10, 10), writeup: "no-such-topic")"#;
    let (line, column, msg) = single(&diagram(&[c], &[]));
    assert_eq!(
        (line, column),
        (component_line(0), col(c, "\"no-such-topic\""))
    );
    assert!(msg.contains("unknown write-up `no-such-topic`"), "{msg}");
}

#[test]
fn empty_label() {
    let c = r#"(id: "c", label: "  ", kind: Os, at: (0, 0), size: (10, 10))"#;
    let (line, column, msg) = single(&diagram(&[c], &[]));
    assert_eq!((line, column), (component_line(0), col(c, "\"  \"")));
    assert!(msg.contains("empty label"), "{msg}");
}

#[test]
fn empty_title() {
    let src = diagram(&[BOX], &[]).replace("title: \"Test\"", "title: \"\"");
    let (line, column, msg) = single(&src);
    assert_eq!((line, column), (2, 12));
    assert!(msg.contains("title is empty"), "{msg}");
}

#[test]
fn size_must_be_positive() {
    let c = r#"(id: "c", label: "C", kind: Os, at: (0, 0), size: (0, -5))"#;
    let (line, column, msg) = single(&diagram(&[c], &[]));
    assert_eq!((line, column), (component_line(0), col(c, "(0, -5)")));
    assert!(msg.contains("must be positive"), "{msg}");
}

#[test]
fn invalid_id() {
    let c = r#"(id: "has space", label: "C", kind: Os, at: (0, 0), size: (10, 10))"#;
    let (line, column, msg) = single(&diagram(&[c], &[]));
    assert_eq!((line, column), (component_line(0), col(c, "\"has space\"")));
    assert!(msg.contains("invalid id"), "{msg}");
}

#[test]
fn link_to_unknown_component() {
    let l = r#"(id: "l", from: "box", to: "ghost", label: "L", kind: Call)"#;
    let (line, column, msg) = single(&diagram(&[BOX], &[l]));
    assert_eq!((line, column), (link_line(1, 0), col(l, "\"ghost\"")));
    assert!(msg.contains("unknown component `ghost`"), "{msg}");
}

#[test]
fn link_to_itself() {
    let l = r#"(id: "l", from: "box", to: "box", label: "L", kind: Call)"#;
    let (line, column, msg) = single(&diagram(&[BOX], &[l]));
    assert_eq!((line, column), (link_line(1, 0), col(l, "\"box\", label")));
    assert!(msg.contains("to itself"), "{msg}");
}

#[test]
fn every_problem_is_reported_at_once() {
    let dup = r#"(id: "box", label: "", kind: Os, at: (300, 0), size: (10, 10), writeup: "nope")"#;
    let l = r#"(id: "l", from: "box", to: "ghost", label: "L", kind: Call, extra: 1)"#;
    let all = errors(&diagram(&[BOX, dup], &[l]));
    let messages: Vec<&str> = all.iter().map(|e| e.2.as_str()).collect();
    for expected in [
        "duplicate id",
        "empty label",
        "unknown write-up",
        "unknown component",
        "unknown field `extra`",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(expected)),
            "missing {expected:?} in {messages:#?}"
        );
    }
    // Sorted top to bottom.
    let positions: Vec<(usize, usize)> = all.iter().map(|e| (e.0, e.1)).collect();
    let mut sorted = positions.clone();
    sorted.sort();
    assert_eq!(positions, sorted);
}

#[test]
fn diagnostics_print_as_file_line_col() {
    let c = r#"(id: "c", label: "C", kind: Os, at: (0, 0), size: (10, 10), writeup: "nope")"#;
    let diags = parse_diagram("dir/test.ron", &diagram(&[c], &[]), &slugs()).expect_err("rejected");
    let line = diags.0[0].to_string();
    assert_eq!(
        line,
        format!(
            "dir/test.ron:4:{}: error: unknown write-up `nope`",
            col(c, "\"nope\"")
        )
    );
}

#[test]
fn round_trip_of_a_valid_file() {
    let src = diagram(
        &[BOX, INNER, OTHER],
        &[
            r#"(id: "w", from: "inner", to: "other", label: "w", kind: Logical, directed: false, via: [(75, 200)])"#,
        ],
    );
    let parsed: DiagramFile = autochitect::model::ron_options()
        .from_str(&src)
        .expect("parses");
    let written =
        ron::ser::to_string_pretty(&parsed, ron::ser::PrettyConfig::default()).expect("serialises");
    let again: DiagramFile = autochitect::model::ron_options()
        .from_str(&written)
        .expect("re-parses");
    assert_eq!(parsed, again);
    assert_eq!(again.components[1].kind, ComponentKind::Hardware);
    parse_diagram("again.ron", &written, &slugs()).expect("still valid");
}

#[test]
fn link_paths_start_and_end_on_box_borders() {
    let link = r#"(id: "wire", from: "inner", to: "other", label: "wire", kind: Bus)"#;
    let d =
        parse_diagram("t.ron", &diagram(&[BOX, INNER, OTHER], &[link]), &slugs()).expect("valid");
    let path = &d.link("wire").expect("wire").path;
    // inner spans x 10..60, other spans x 100..150; both centred at y 30.
    assert_eq!((path[0].x, path[0].y), (60.0, 30.0));
    assert_eq!((path[1].x, path[1].y), (100.0, 30.0));
}

#[test]
fn only_http_https_and_in_app_links_are_followed() {
    use autochitect::model::{LinkAction, classify_link};
    for ok in [
        "https://raft.github.io/",
        "http://example.com/a?b=c#d",
        "HTTPS://EXAMPLE.COM",
    ] {
        assert!(matches!(classify_link(ok), LinkAction::External(_)), "{ok}");
    }
    use autochitect::model::Route;
    assert_eq!(
        classify_link("#/writeup/raft-protocol"),
        LinkAction::InApp(Route::Writeup("raft-protocol".into()))
    );
    assert_eq!(
        classify_link("#/component/a-jit"),
        LinkAction::InApp(Route::Component("a-jit".into()))
    );
    for bad in [
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "  javascript:alert(1)",
        "vbscript:msgbox",
        "file:///etc/passwd",
        "data:text/html,<script>alert(1)</script>",
        "mailto:someone@example.com",
        "//evil.example/path",
        "http:/missing-slash",
        "https://",
        "https:///no-host",
        "https://example.com/a b",
        "https://example.com/\u{0}",
        "#/writeup/../../etc/passwd",
        "#/writeup/<script>",
        "#/component/a b",
        "#/unknown/x",
        "relative/path.html",
        "",
    ] {
        assert!(
            matches!(classify_link(bad), LinkAction::Refused { .. }),
            "{bad:?} must be refused"
        );
    }
}
