//! The authoring loop: check warnings and JSON output, SVG and DOT export.

use std::process::Command;

fn temp_dir(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("autochitect-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_autochitect"));
    c.current_dir(crate::repo());
    c
}

const WARNED: &str = r#"(
    title: "Warnings",
    components: [
        (id: "box", label: "Box", kind: Computer, at: (0, 0), size: (400, 200), writeup: "osi-model"),
        (id: "tiny", label: "A label far too long for this box", kind: Os, parent: "box", at: (10, 50), size: (60, 30), writeup: "sockets"),
        (id: "lonely", label: "No write-up", kind: Os, parent: "box", at: (40, 60), size: (150, 50)),
    ],
)
"#;

#[test]
fn check_json_carries_positions_and_severities() {
    let dir = temp_dir("json");
    let file = dir.join("warned.ron");
    std::fs::write(&file, WARNED).expect("write");
    let out = bin()
        .args(["check", "--format", "json"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(0), "warnings alone pass");
    let json: serde_json::Value =
        serde_json::from_slice(&out.stdout).expect("valid JSON on stdout");
    let diags = json["diagnostics"].as_array().expect("diagnostics");
    let find = |needle: &str| {
        diags
            .iter()
            .find(|d| d["message"].as_str().is_some_and(|m| m.contains(needle)))
            .unwrap_or_else(|| panic!("no {needle:?} in {json}"))
    };
    let no_writeup = find("has no write-up");
    assert_eq!(
        (no_writeup["line"].as_u64(), no_writeup["column"].as_u64()),
        (Some(6), Some(14))
    );
    assert_eq!(no_writeup["severity"], "warning");
    assert_eq!(no_writeup["file"], file.display().to_string());
    let too_long = find("too long for its box");
    assert_eq!(too_long["line"].as_u64(), Some(5));
    let overlap = find("overlaps its sibling `tiny`");
    assert_eq!(overlap["line"].as_u64(), Some(6));
    assert_eq!(json["errors"], 0);
    assert_eq!(json["warnings"], 3);

    let denied = bin()
        .args(["check", "--deny-warnings"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(denied.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_json_reports_errors_with_exit_code_1() {
    let dir = temp_dir("json-err");
    let file = dir.join("bad.ron");
    std::fs::write(&file, WARNED.replace("\"sockets\"", "\"nope\"")).expect("write");
    let out = bin()
        .args(["check", "--format", "json"])
        .arg(&file)
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(1));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let d = &json["diagnostics"][0];
    assert_eq!(
        (d["severity"].as_str(), d["line"].as_u64()),
        (Some("error"), Some(5))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn usage_errors_exit_2() {
    let out = bin()
        .args(["check", "--format", "yaml"])
        .output()
        .expect("runs");
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn svg_export_is_xml_with_one_group_per_component_linking_its_writeup() {
    let dir = temp_dir("svg");
    let file = dir.join("fig.svg");
    let out = bin()
        .args([
            "export",
            "diagrams/two-computers.ron",
            "--format",
            "svg",
            "-o",
        ])
        .arg(&file)
        .output()
        .expect("runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).expect("svg written");
    let doc = roxmltree::Document::parse(&text).expect("well-formed XML");
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let groups: Vec<_> = doc
        .descendants()
        .filter(|n| n.attribute("class") == Some("component"))
        .collect();
    let diagram =
        std::fs::read_to_string(crate::repo().join("diagrams/two-computers.ron")).expect("diagram");
    let components = diagram.matches("kind: ").count()
        - diagram.matches("kind: Cable").count()
        - diagram.matches("kind: Bus").count()
        - diagram.matches("kind: Call").count()
        - diagram.matches("kind: Dataflow").count()
        - diagram.matches("kind: Logical").count();
    assert_eq!(groups.len(), components);
    let raft = groups
        .iter()
        .find(|g| g.attribute("id") == Some("component-a-raft"))
        .expect("a-raft");
    let link = raft
        .descendants()
        .find(|n| n.tag_name().name() == "a")
        .expect("a link");
    assert_eq!(link.attribute("href"), Some("#/writeup/raft-protocol"));
    assert!(
        doc.descendants()
            .any(|n| n.attribute("id") == Some("link-cable"))
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn dot_export_names_every_component_and_link() {
    let out = bin()
        .args(["export", "diagrams/two-computers.ron", "--format", "dot"])
        .output()
        .expect("runs");
    assert!(out.status.success());
    let dot = String::from_utf8(out.stdout).expect("utf-8");
    assert!(dot.starts_with("graph \"Two computers and a cable\" {"));
    assert!(dot.contains("id = \"a-raft\"") && dot.contains("id = \"cable\""));
    assert!(dot.contains("label = \"Ethernet cable\"") && dot.contains("dir = forward"));
    assert_eq!(dot.matches(" -- ").count(), 18);
}

#[test]
fn a_generated_diagram_passes_check() {
    let dir = temp_dir("generated");
    let file = dir.join("generated.ron");
    let out = bin()
        .args(["generate", "--components", "2000", "--computers", "8"])
        .arg("-o")
        .arg(&file)
        .output()
        .expect("run generate");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(&file).expect("generated file");
    assert_eq!(text.matches("kind: Computer").count(), 8);
    let check = bin().arg("check").arg(&file).output().expect("run check");
    assert!(
        check.status.success(),
        "{}{}",
        String::from_utf8_lossy(&check.stdout),
        String::from_utf8_lossy(&check.stderr)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
