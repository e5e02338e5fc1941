//! The bad-input corpus: every broken file in `tests/fixtures/bad/` (diagrams, tours,
//! write-up metadata, lab scenarios) fails with the message and the position an author needs. Files that are odd but fine (a BOM, CRLF) are checked too.

use std::collections::BTreeSet;

use autochitect::model::{Diagnostic, WriteupSlug, parse_diagram, parse_tours, parse_writeup_meta};

fn fixture(kind: &str, name: &str) -> std::path::PathBuf {
    crate::repo()
        .join("tests/fixtures/bad")
        .join(kind)
        .join(name)
}

fn slugs() -> BTreeSet<WriteupSlug> {
    ["osi-model", "raft-protocol", "sockets"]
        .into_iter()
        .map(WriteupSlug::new)
        .collect()
}

/// Reads a fixture the way `check` and the app do (bytes first: some are not UTF-8).
fn diagnostics(kind: &str, name: &str) -> Vec<Diagnostic> {
    let path = fixture(kind, name);
    let file = path.display().to_string();
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let text = match autochitect::model::limits::decode_utf8(&file, bytes) {
        Ok(t) => t,
        Err(d) => return vec![d],
    };
    let result = match kind {
        "diagrams" => parse_diagram(&file, &text, &slugs()).map(|_| ()),
        "tours" => {
            let all_slugs = crate::support::catalog().slugs();
            let diagram_text =
                std::fs::read_to_string(crate::repo().join("diagrams/two-computers.ron"))
                    .expect("diagram");
            let diagram =
                parse_diagram("two-computers.ron", &diagram_text, &all_slugs).expect("valid");
            parse_tours(&file, &text, &diagram, &all_slugs).map(|_| ())
        }
        "labs" => {
            let all_slugs = crate::support::catalog().slugs();
            let diagram_text =
                std::fs::read_to_string(crate::repo().join("diagrams/two-computers.ron"))
                    .expect("diagram");
            let diagram =
                parse_diagram("two-computers.ron", &diagram_text, &all_slugs).expect("valid");
            let stem = name.trim_end_matches(".ron");
            // As `check` reads them: the diagram a scenario names is looked up beside it.
            autochitect::lab::scenario::parse_scenario_in(&file, stem, &text, &mut |d| {
                if d == "two-computers.ron" {
                    Ok(Some(diagram.clone()))
                } else {
                    Err("no such file".to_owned())
                }
            })
            .map(|_| ())
        }
        _ => parse_writeup_meta(&file, "topic", &text).map(|_| ()),
    };
    result.err().map(|d| d.0).unwrap_or_default()
}

/// (folder, file, line, column, part of the message) — the first error of each file.
const CORPUS: &[(&str, &str, usize, usize, &str)] = &[
    ("diagrams", "empty.ron", 1, 1, "the file is empty"),
    ("diagrams", "not-utf8.ron", 2, 16, "not valid UTF-8"),
    ("diagrams", "crlf.ron", 5, 49, "unknown parent `nowhere`"),
    (
        "diagrams",
        "truncated.ron",
        5,
        31,
        "the file ends here: is it complete?",
    ),
    (
        "diagrams",
        "wrong-type-size.ron",
        5,
        75,
        "Expected opening `(`",
    ),
    (
        "diagrams",
        "wrong-type-components.ron",
        3,
        16,
        "Expected opening `[`",
    ),
    (
        "diagrams",
        "unknown-kind.ron",
        5,
        37,
        "Unexpected variant named `Spaceship`",
    ),
    (
        "diagrams",
        "unknown-field.ron",
        5,
        86,
        "unknown field `colour` in a component",
    ),
    (
        "diagrams",
        "duplicate-id.ron",
        5,
        14,
        "duplicate id `box` (first used at line 4:14)",
    ),
    ("diagrams", "link-id-clash.ron", 8, 14, "duplicate id `box`"),
    (
        "diagrams",
        "dangling-parent.ron",
        5,
        49,
        "unknown parent `nowhere`",
    ),
    (
        "diagrams",
        "dangling-endpoint.ron",
        8,
        34,
        "unknown component `ghost`",
    ),
    (
        "diagrams",
        "dangling-writeup.ron",
        5,
        95,
        "unknown write-up `no-such-writeup`",
    ),
    (
        "diagrams",
        "nesting-cycle.ron",
        5,
        49,
        "nesting cycle: a → c → b → a",
    ),
    ("diagrams", "own-parent.ron", 5, 49, "is its own parent"),
    ("diagrams", "self-link.ron", 8, 34, "joins `a` to itself"),
    ("diagrams", "negative-size.ron", 5, 76, "must be positive"),
    ("diagrams", "zero-size.ron", 5, 76, "must be positive"),
    ("diagrams", "nan-size.ron", 5, 76, "size (NaN, 40)"),
    (
        "diagrams",
        "infinite-position.ron",
        5,
        60,
        "position that is not a number",
    ),
    (
        "diagrams",
        "enormous-position.ron",
        5,
        45,
        "beyond ±1000000 units",
    ),
    (
        "diagrams",
        "child-outside.ron",
        5,
        60,
        "lies outside its parent `box`",
    ),
    (
        "diagrams",
        "long-label.ron",
        5,
        26,
        "longer than 200 characters",
    ),
    ("diagrams", "empty-label.ron", 5, 26, "empty label"),
    (
        "diagrams",
        "invalid-id.ron",
        5,
        14,
        "invalid id `<b>bold</b>`",
    ),
    (
        "diagrams",
        "missing-title.ron",
        3,
        1,
        "missing field named `title` in the diagram",
    ),
    (
        "diagrams",
        "not-a-struct.ron",
        1,
        1,
        "Expected opening `(` for the diagram",
    ),
    (
        "diagrams",
        "deep-nesting.ron",
        37,
        56,
        "nested more than 32 levels deep",
    ),
    (
        "diagrams",
        "ron-recursion.ron",
        3,
        43,
        "nested more than 64 levels deep",
    ),
    (
        "diagrams",
        "via-nan.ron",
        8,
        70,
        "bend point that is not a number",
    ),
    (
        "tours",
        "unknown-focus.ron",
        2,
        58,
        "focuses on `a-nowhere`, which is not in the diagram",
    ),
    ("tours", "no-steps.ron", 2, 36, "has no steps"),
    (
        "tours",
        "one-waypoint.ron",
        2,
        93,
        "a packet needs at least two waypoints",
    ),
    ("tours", "syntax.ron", 2, 28, "Expected comma"),
    ("labs", "empty.ron", 1, 1, "the file is empty"),
    ("labs", "syntax.ron", 11, 9, "Expected comma"),
    (
        "labs",
        "unknown-program.ron",
        10,
        9,
        "Unexpected variant named `Telnet` in a program",
    ),
    (
        "labs",
        "unknown-field.ron",
        5,
        121,
        "unknown field `colour` in a host",
    ),
    (
        "labs",
        "bad-address.ron",
        6,
        25,
        "`192.0.2.300` is not an IPv4 address",
    ),
    (
        "labs",
        "same-address.ron",
        6,
        25,
        "two hosts have the address",
    ),
    (
        "labs",
        "other-network.ron",
        6,
        25,
        "must be in one /24 network",
    ),
    ("labs", "bad-mac.ron", 6, 43, "is not a MAC address"),
    (
        "labs",
        "group-mac.ron",
        6,
        43,
        "is a group (multicast) address",
    ),
    (
        "labs",
        "unknown-component.ron",
        6,
        112,
        "card `b-nick` is not a part of the diagram",
    ),
    (
        "labs",
        "unknown-link-part.ron",
        8,
        18,
        "part `wifi` is not a part of the diagram",
    ),
    (
        "labs",
        "missing-diagram.ron",
        3,
        14,
        "cannot read the diagram `three-computers.ron`",
    ),
    ("labs", "zero-bandwidth.ron", 8, 56, "bandwidth_bps is 0"),
    (
        "labs",
        "certain-loss.ron",
        8,
        75,
        "loss is 1; it is a chance",
    ),
    ("labs", "tiny-mtu.ron", 8, 74, "mtu is 100"),
    ("labs", "one-host.ron", 4, 12, "exactly two hosts"),
    ("labs", "unknown-host.ron", 10, 26, "there is no host `C`"),
    (
        "labs",
        "two-listeners.ron",
        11,
        37,
        "two programs on host `B` listen on port 80",
    ),
    (
        "labs",
        "bad-match.ron",
        13,
        26,
        "`first SYNN` names no kind of frame",
    ),
    ("labs", "late-start.ron", 11, 81, "the run stops at 5000 ms"),
    (
        "labs",
        "first-phase-later.ron",
        14,
        21,
        "the first phase begins at the start",
    ),
    (
        "writeups",
        "bad-date.ron",
        4,
        11,
        "not a valid YYYY-MM-DD date",
    ),
    (
        "writeups",
        "few-properties.ron",
        7,
        17,
        "3 to 6 key properties",
    ),
    (
        "writeups",
        "slug-mismatch.ron",
        2,
        11,
        "does not match the file name `topic`",
    ),
    (
        "writeups",
        "unknown-field.ron",
        13,
        5,
        "unknown field `author`",
    ),
];

#[test]
fn the_corpus_has_at_least_thirty_broken_files_and_all_are_listed() {
    assert!(CORPUS.len() >= 30);
    let mut on_disk = BTreeSet::new();
    for kind in ["diagrams", "tours", "writeups", "labs"] {
        for e in
            std::fs::read_dir(crate::repo().join("tests/fixtures/bad").join(kind)).expect("folder")
        {
            on_disk.insert((
                kind.to_string(),
                e.expect("entry").file_name().to_string_lossy().into_owned(),
            ));
        }
    }
    let listed: BTreeSet<(String, String)> = CORPUS
        .iter()
        .map(|(k, n, ..)| (k.to_string(), n.to_string()))
        .collect();
    let accepted: BTreeSet<(String, String)> = ["bom.ron", "unsupported-script.ron"]
        .into_iter()
        .map(|n| ("diagrams".to_string(), n.to_string()))
        .collect();
    let unlisted: Vec<_> = on_disk
        .difference(&listed)
        .filter(|f| !accepted.contains(*f))
        .collect();
    assert!(
        unlisted.is_empty(),
        "fixtures without an expectation: {unlisted:?}"
    );
}

#[test]
fn every_broken_file_gets_its_message_at_its_position() {
    let mut failures = Vec::new();
    for (kind, name, line, col, needle) in CORPUS {
        let diags = diagnostics(kind, name);
        let Some(first) = diags.first() else {
            failures.push(format!("{kind}/{name}: accepted, expected an error"));
            continue;
        };
        let pos = first.pos.map(|p| (p.line, p.col));
        if pos != Some((*line, *col))
            || !first.message.contains(needle)
            || !first.file.ends_with(name)
        {
            failures.push(format!(
                "{kind}/{name}: expected {line}:{col} {needle:?}, got {first}"
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn check_reports_broken_lab_scenarios_with_exit_code_1_and_never_panics() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_autochitect"))
        .arg("check")
        .arg(crate::repo().join("tests/fixtures/bad/labs"))
        .current_dir(crate::repo())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (_, name, line, col, _) in CORPUS.iter().filter(|c| c.0 == "labs") {
        let needle = format!("{name}:{line}:{col}: error:");
        assert!(
            stderr.contains(&needle),
            "labs/{name}: no {needle:?} in\n{stderr}"
        );
    }
}

#[test]
fn a_byte_order_mark_is_accepted() {
    assert!(diagnostics("diagrams", "bom.ron").is_empty());
}

#[test]
fn crlf_line_ends_keep_positions_right() {
    let crlf = diagnostics("diagrams", "crlf.ron");
    let lf_text = std::fs::read_to_string(fixture("diagrams", "crlf.ron"))
        .expect("read")
        .replace("\r\n", "\n");
    let lf = parse_diagram("lf.ron", &lf_text, &slugs()).expect_err("same error");
    assert_eq!(
        crlf.first().and_then(|d| d.pos),
        lf.0.first().and_then(|d| d.pos)
    );
}

#[test]
fn huge_inputs_are_refused_quickly_with_a_clear_error() {
    // Bigger than the file limit: refused before parsing.
    let huge = " ".repeat(autochitect::model::limits::MAX_FILE_BYTES + 1);
    let d = parse_diagram("huge.ron", &huge, &slugs()).expect_err("refused");
    assert!(d.0[0].message.contains("the limit is"), "{}", d.0[0]);
    // A 100,000-deep parent chain: linear-time validation, one clear error.
    let n = 100_000;
    let mut s = String::from("(title: \"chain\", components: [\n");
    for i in 0..n {
        let parent = if i == 0 {
            String::new()
        } else {
            format!(", parent: \"c{}\"", i - 1)
        };
        s += &format!("(id: \"c{i}\", label: \"c\", kind: Group{parent}),\n");
    }
    s += "])\n";
    let d = parse_diagram("chain.ron", &s, &slugs()).expect_err("too deep");
    assert_eq!(d.0.len(), 1, "{}", d.0[0]);
    assert!(d.0[0].message.contains("nested more than 32 levels deep"));
}

#[test]
fn check_reports_the_corpus_with_exit_code_1() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_autochitect"))
        .arg("check")
        .arg(crate::repo().join("tests/fixtures/bad/diagrams"))
        .current_dir(crate::repo())
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    for (kind, name, line, col, _) in CORPUS.iter().filter(|c| c.0 == "diagrams") {
        let needle = format!("{name}:{line}:{col}: error:");
        assert!(
            stderr.contains(&needle),
            "{kind}/{name}: no {needle:?} in\n{stderr}"
        );
    }
}

#[test]
fn characters_the_fonts_lack_are_named_where_they_first_appear() {
    use autochitect::model::Position;
    use autochitect::model::glyphs::uncovered_positions;
    // Latin, Greek, arrows and the panel's symbols are in; Cyrillic and CJK are not.
    assert!(uncovered_positions("Raft → λ ≈ 2 µs ✕ ☰ ▾ «é»").is_empty());
    assert_eq!(
        uncovered_positions("ok\nда, 数 да"),
        vec![
            ('д', Position::new(2, 1)),
            ('а', Position::new(2, 2)),
            ('数', Position::new(2, 5)),
        ]
    );
}

#[test]
fn labels_in_scripts_the_font_lacks_are_shown_replaced_and_reported() {
    let path = fixture("diagrams", "unsupported-script.ron");
    let text = std::fs::read_to_string(&path).expect("read");
    let d =
        parse_diagram("s.ron", &text, &slugs()).expect("valid: only the font is missing glyphs");
    let label = &d.component("a").expect("a").label;
    // Never blank: every missing character becomes a visible replacement character.
    let shown = autochitect::model::glyphs::visible(label);
    assert_eq!(shown.chars().count(), label.chars().count());
    assert!(shown.contains(autochitect::model::glyphs::REPLACEMENT) && !shown.trim().is_empty());
    assert_eq!(
        autochitect::model::glyphs::visible("Raft consensus"),
        "Raft consensus"
    );
    let warnings = autochitect::model::lint_diagram("s.ron", &text, &d);
    let w = warnings
        .0
        .iter()
        .find(|w| w.message.contains("cannot draw"))
        .expect("a warning");
    assert_eq!(w.pos.map(|p| (p.line, p.col)), Some((5, 26)));
}
