//! Command-line parsing and `check` on files.

use autochitect::cli::{Command, ExportFormat, Open, parse};

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

#[test]
fn no_arguments_open_the_default_diagram() {
    assert_eq!(parse(&[]), Ok(Command::Open(Open::default())));
}

#[test]
fn diagram_and_targets() {
    let parsed = parse(&args(&[
        "x.ron",
        "--select",
        "a-raft",
        "--writeup",
        "raft-protocol",
    ]));
    assert_eq!(
        parsed,
        Ok(Command::Open(Open {
            diagram: Some("x.ron".into()),
            select: Some("a-raft".into()),
            writeup: Some("raft-protocol".into()),
            ..Open::default()
        }))
    );
}

#[test]
fn tour_and_presenter_flags() {
    let parsed = parse(&args(&[
        "--present",
        "--tour",
        "http-request",
        "--step",
        "3",
        "--reduced-motion",
    ]));
    assert_eq!(
        parsed,
        Ok(Command::Open(Open {
            tour: Some("http-request".into()),
            step: Some(3),
            present: true,
            reduced_motion: true,
            ..Open::default()
        }))
    );
    assert!(parse(&args(&["--step", "0"])).is_err_and(|e| e.contains("from 1")));
    assert!(parse(&args(&["--step", "x"])).is_err());
}

#[test]
fn routes_parse_and_print_the_same_forms() {
    use autochitect::route::Route;
    for (hash, route) in [
        ("#/component/a-raft", Route::Component("a-raft".into())),
        (
            "#/writeup/raft-protocol",
            Route::Writeup("raft-protocol".into()),
        ),
        (
            "#/diagram/raft-cluster.ron",
            Route::Diagram("raft-cluster.ron".into()),
        ),
        (
            "#/tour/http-request/3",
            Route::Tour("http-request".into(), 3),
        ),
    ] {
        assert_eq!(Route::parse(hash), Some(route.clone()));
        assert_eq!(route.to_hash(), hash);
    }
    assert_eq!(
        Route::parse("#/tour/http-request"),
        Some(Route::Tour("http-request".into(), 1))
    );
    for bad in [
        "",
        "#",
        "#/nope/x",
        "#/tour/x/0",
        "#/component/<script>",
        "#/writeup/a/b",
        "#/tour/a/1/2",
    ] {
        assert_eq!(Route::parse(bad), None, "{bad}");
    }
}

#[test]
fn check_takes_paths() {
    assert_eq!(
        parse(&args(&["check", "a.ron", "dir"])),
        Ok(Command::Check {
            paths: args(&["a.ron", "dir"]),
            json: false,
            deny_warnings: false
        })
    );
    assert_eq!(
        parse(&args(&["check", "--format", "json", "--deny-warnings"])),
        Ok(Command::Check {
            paths: vec![],
            json: true,
            deny_warnings: true
        })
    );
}

#[test]
fn export_takes_a_diagram_a_format_and_an_output() {
    assert_eq!(
        parse(&args(&[
            "export", "d.ron", "--format", "svg", "-o", "out.svg"
        ])),
        Ok(Command::Export {
            diagram: "d.ron".into(),
            format: ExportFormat::Svg,
            output: Some("out.svg".into())
        })
    );
    assert!(parse(&args(&["export", "d.ron"])).is_err_and(|e| e.contains("--format")));
}

#[test]
fn usage_errors_are_messages() {
    assert!(parse(&args(&["--select"])).is_err_and(|e| e.contains("needs a value")));
    assert!(parse(&args(&["--bogus"])).is_err_and(|e| e.contains("unknown option")));
    assert!(parse(&args(&["a.ron", "b.ron"])).is_err());
}

#[test]
fn check_reports_a_broken_file_with_its_position() {
    let dir = std::env::temp_dir().join(format!("autochitect-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("broken.ron");
    std::fs::write(
        &file,
        "(\n  title: \"Broken\",\n  components: [\n    (id: \"a\", label: \"A\", kind: Os, parent: \"ghost\", at: (0, 0), size: (10, 10)),\n  ],\n)\n",
    )
    .expect("write");
    let report = autochitect::check::check_paths(&crate::repo(), &[file.display().to_string()]);
    let lines: Vec<String> = report
        .diagnostics
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        lines,
        [format!(
            "{}:4:45: error: component `a` names unknown parent `ghost`",
            file.display()
        )]
    );
    assert_eq!(report.writeups, 13);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn check_binary_exits_1_on_errors_and_0_on_the_shipped_files() {
    let bin = env!("CARGO_BIN_EXE_autochitect");
    let ok = std::process::Command::new(bin)
        .arg("check")
        .current_dir(crate::repo())
        .output()
        .expect("runs");
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let dir = std::env::temp_dir().join(format!("autochitect-bin-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let file = dir.join("bad.ron");
    std::fs::write(&file, "(title: \"x\", components: [(id: \"a\"]").expect("write");
    let bad = std::process::Command::new(bin)
        .arg("check")
        .arg(&file)
        .current_dir(crate::repo())
        .output()
        .expect("runs");
    assert_eq!(bad.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&bad.stderr);
    assert!(
        stderr.starts_with(&format!("{}:1:", file.display())),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn generate_takes_a_size_and_rejects_impossible_ones() {
    let parsed = parse(&args(&[
        "generate",
        "--components",
        "10000",
        "--computers",
        "50",
        "--links",
        "5",
        "--seed",
        "3",
        "-o",
        "big.ron",
    ]));
    let Ok(Command::Generate { shape, output }) = parsed else {
        panic!("not a generate command: {parsed:?}");
    };
    assert_eq!(output.as_deref(), Some("big.ron"));
    assert_eq!((shape.computers, shape.per_computer + 1), (50, 200));
    assert_eq!((shape.links, shape.seed, shape.depth), (5, 3, 4));
    for bad in [
        &["generate", "--computers", "0"][..],
        &["generate", "--components", "5", "--computers", "10"],
        &["generate", "--depth", "0"],
        &["generate", "--components", "many"],
        &["generate", "--frobnicate"],
    ] {
        assert!(parse(&args(bad)).is_err(), "{bad:?} was accepted");
    }
}

#[test]
fn bench_pan_takes_whole_seconds() {
    assert_eq!(
        parse(&args(&["--bench-pan", "5"])),
        Ok(Command::Open(Open {
            bench_pan: Some(5),
            ..Open::default()
        }))
    );
    assert!(parse(&args(&["--bench-pan", "0"])).is_err());
    assert!(parse(&args(&["--bench-pan"])).is_err());
}
