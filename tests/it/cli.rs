//! The command line (parsed by clap) and `check` on files.

use autochitect::tools::cli::{
    CheckArgs, CheckFormat, Cli, Command, ExportArgs, ExportFormat, LabArgs, LaunchArgs, Open,
    parse,
};

fn open(open: Open) -> Cli {
    Cli {
        command: None,
        open,
        project: None,
    }
}

fn error(args: &[&str]) -> String {
    parse(args).expect_err("a usage error").to_string()
}

#[test]
fn no_arguments_open_the_default_diagram() {
    assert_eq!(parse::<_, &str>([]).expect("parses"), open(Open::default()));
}

#[test]
fn diagram_and_targets() {
    assert_eq!(
        parse(["x.ron", "--select", "a-raft", "--writeup", "raft-protocol"]).expect("parses"),
        open(Open {
            diagram: Some("x.ron".into()),
            launch: LaunchArgs {
                select: Some("a-raft".into()),
                writeup: Some("raft-protocol".into()),
                ..LaunchArgs::default()
            },
        })
    );
}

#[test]
fn tour_and_presenter_flags() {
    assert_eq!(
        parse([
            "--present",
            "--tour",
            "http-request",
            "--step",
            "3",
            "--reduced-motion",
        ])
        .expect("parses"),
        open(Open {
            diagram: None,
            launch: LaunchArgs {
                tour: Some("http-request".into()),
                step: Some(3),
                present: true,
                reduced_motion: true,
                ..LaunchArgs::default()
            },
        })
    );
    assert!(error(&["--tour", "t", "--step", "0"]).contains("--step"));
    assert!(error(&["--tour", "t", "--step", "x"]).contains("--step"));
    assert!(
        error(&["--step", "2"]).contains("--tour"),
        "a step needs a tour"
    );
}

#[test]
fn lab_flags_open_a_scenario_at_an_event() {
    assert_eq!(
        parse(["--lab", "http-request", "--event", "7"]).expect("parses"),
        open(Open {
            diagram: None,
            launch: LaunchArgs {
                lab: Some("http-request".into()),
                event: Some(7),
                ..LaunchArgs::default()
            },
        })
    );
    assert!(error(&["--lab", "x", "--event", "0"]).contains("--event"));
    assert!(
        error(&["--event", "2"]).contains("--lab"),
        "an event needs a lab"
    );
}

#[test]
fn check_warns_about_a_scenario_the_lab_menu_does_not_list_and_a_listed_one_missing() {
    let (dir, _) = crate::support::editable_diagrams("lab-index");
    let labs = dir.join("labs");
    std::fs::copy(labs.join("ping.ron"), labs.join("ping-again.ron")).expect("copy");
    let index = std::fs::read_to_string(labs.join("index.ron")).expect("index");
    std::fs::write(
        labs.join("index.ron"),
        index.replace("\"ping.ron\",", "\"ping.ron\", \"gone.ron\","),
    )
    .expect("write");
    let report =
        autochitect::tools::check::check_paths(&crate::repo(), &[dir.0.display().to_string()]);
    let d = &report.diagnostics.0;
    assert!(
        d.iter()
            .any(|d| d.severity == autochitect::model::Severity::Warning
                && d.file.ends_with("ping-again.ron")
                && d.message.contains("Lab menu")),
        "{}",
        report.diagnostics
    );
    assert!(
        d.iter()
            .any(|d| d.severity == autochitect::model::Severity::Error
                && d.message
                    .contains("`gone.ron` is listed but there is no such file")),
        "{}",
        report.diagnostics
    );
}

#[test]
fn routes_parse_and_print_the_same_forms() {
    use autochitect::model::Route;
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
        ("#/lab/http-request/7", Route::Lab("http-request".into(), 7)),
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
        "#/lab/x/0",
        "#/lab/x/y",
    ] {
        assert_eq!(Route::parse(bad), None, "{bad}");
    }
}

#[test]
fn check_takes_paths_and_a_format() {
    assert_eq!(
        parse(["check", "a.ron", "dir"]).expect("parses").command,
        Some(Command::Check(CheckArgs {
            paths: vec!["a.ron".into(), "dir".into()],
            format: CheckFormat::Text,
            deny_warnings: false,
        }))
    );
    assert_eq!(
        parse(["check", "--format", "json", "--deny-warnings"])
            .expect("parses")
            .command,
        Some(Command::Check(CheckArgs {
            paths: vec![],
            format: CheckFormat::Json,
            deny_warnings: true,
        }))
    );
    assert!(error(&["check", "--format", "yaml"]).contains("yaml"));
}

#[test]
fn export_takes_a_diagram_a_format_and_an_output() {
    assert_eq!(
        parse(["export", "d.ron", "--format", "svg", "-o", "out.svg"])
            .expect("parses")
            .command,
        Some(Command::Export(ExportArgs {
            diagram: "d.ron".into(),
            format: ExportFormat::Svg,
            output: Some("out.svg".into()),
        }))
    );
    assert!(error(&["export", "d.ron"]).contains("--format"));
}

#[test]
fn usage_errors_are_messages() {
    assert!(error(&["--select"]).contains("--select"));
    assert!(error(&["--bogus"]).contains("--bogus"));
    assert!(parse(["a.ron", "b.ron"]).is_err());
}

#[test]
fn a_mistyped_tool_name_is_suggested_not_opened_as_a_diagram() {
    for typo in ["chek", "chekc", "exprt"] {
        let e = error(&[typo]);
        assert!(e.contains("did you mean"), "{typo}: {e}");
    }
    assert!(error(&["chek"]).contains("`check`"));
    assert!(error(&["notes.txt"]).contains(".ron"));
}

#[test]
fn help_lists_the_tools_and_the_flags() {
    let help = error(&["--help"]);
    for word in [
        "check",
        "export",
        "--select",
        "--writeup",
        "--tour",
        "--present",
    ] {
        assert!(help.contains(word), "{word} in:\n{help}");
    }
    assert!(!help.contains("generate"), "generate is hidden");
    assert!(!help.contains("--bench-pan"), "benchmark flags are hidden");
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
    let report =
        autochitect::tools::check::check_paths(&crate::repo(), &[file.display().to_string()]);
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
    let parsed = parse([
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
    ])
    .expect("parses");
    let Some(Command::Generate(args)) = parsed.command else {
        panic!("not a generate command: {parsed:?}");
    };
    assert_eq!(args.output.as_deref(), Some("big.ron"));
    let shape = args.shape().expect("a shape");
    assert_eq!((shape.computers, shape.per_computer + 1), (50, 200));
    assert_eq!((shape.links, shape.seed, shape.depth), (5, 3, 4));
    for bad in [
        &["generate", "--computers", "0"][..],
        &["generate", "--depth", "0"],
        &["generate", "--components", "many"],
        &["generate", "--frobnicate"],
    ] {
        assert!(parse(bad).is_err(), "{bad:?} was accepted");
    }
    let Some(Command::Generate(too_few)) =
        parse(["generate", "--components", "5", "--computers", "10"])
            .expect("parses")
            .command
    else {
        panic!("generate");
    };
    assert!(too_few.shape().is_err());
}

#[test]
fn bench_pan_takes_whole_seconds() {
    assert_eq!(
        parse(["--bench-pan", "5"])
            .expect("parses")
            .open
            .launch
            .bench_pan,
        Some(5)
    );
    assert!(parse(["--bench-pan", "0"]).is_err());
    assert!(parse(["--bench-pan"]).is_err());
    // The lab's frame benchmark needs a lab to play.
    assert_eq!(
        parse(["--lab", "http-request", "--bench-lab", "3"])
            .expect("parses")
            .open
            .launch
            .bench_lab,
        Some(3)
    );
    assert!(parse(["--bench-lab", "3"]).is_err());
    assert!(
        parse([
            "--lab",
            "http-request",
            "--bench-lab",
            "3",
            "--bench-pan",
            "3"
        ])
        .is_err()
    );
}

#[test]
fn check_reports_a_link_to_a_part_that_does_not_exist_at_its_position() {
    let (dir, _) = crate::support::editable_writeups("part-links");
    let body = dir.join("writeups/sockets.md");
    let text = std::fs::read_to_string(&body).expect("body");
    std::fs::write(
        &body,
        format!("{text}\nSee [the socket layer](#/component/no-such-part).\n"),
    )
    .expect("write");
    let line = text.lines().count() + 2;
    let report = autochitect::tools::check::check_paths(
        &crate::repo(),
        &[dir.join("writeups").display().to_string()],
    );
    let lines: Vec<String> = report
        .diagnostics
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    let want = format!(
        "{}:{line}:36: error: links to the part `no-such-part`, which is not in diagrams/two-computers.ron",
        body.display()
    );
    assert!(lines.contains(&want), "{lines:#?}");
}

#[test]
fn check_reports_a_link_to_a_lab_scenario_or_event_that_does_not_exist() {
    let (dir, _) = crate::support::editable_writeups("lab-links");
    let body = dir.join("writeups/sockets.md");
    let text = std::fs::read_to_string(&body).expect("body");
    let events = {
        let (scenario, _) = crate::support::shipped_scenario("http-request");
        autochitect::lab::run(&scenario, scenario.seed, &[]).0.len()
    };
    std::fs::write(
        &body,
        format!(
            "{text}\nSee [nothing](#/lab/no-such-lab/2).\nSee [too far](#/lab/http-request/{}).\nSee [the last](#/lab/http-request/{events}).\n",
            events + 1
        ),
    )
    .expect("write");
    let line = text.lines().count() + 2;
    let report = autochitect::tools::check::check_paths(
        &crate::repo(),
        &[dir.join("writeups").display().to_string()],
    );
    let lines: Vec<String> = report
        .diagnostics
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    let file = body.display();
    let missing = format!(
        "{file}:{line}:21: error: links to the lab scenario `no-such-lab`, which is not in diagrams/labs (or does not load)"
    );
    let too_far = format!(
        "{file}:{}:21: error: links to event {} of the lab scenario `http-request`, whose run has {events} events",
        line + 1,
        events + 1
    );
    assert!(lines.contains(&missing), "{lines:#?}");
    assert!(lines.contains(&too_far), "{lines:#?}");
    assert!(
        !lines.iter().any(|l| l.contains(&format!(":{}:", line + 2))),
        "the last event is a fine link: {lines:#?}"
    );
}

#[test]
fn check_reports_a_broken_figure_at_its_line_in_the_writeup() {
    let (dir, _) = crate::support::editable_writeups("figure-errors");
    let body = dir.join("writeups/sockets.md");
    let text = std::fs::read_to_string(&body).expect("body");
    std::fs::write(
        &body,
        format!(
            "{text}\n```figure\n(\n  title: \"Broken\",\n  components: [(id: \"a\", label: \"A\", kind: Group, parent: \"ghost\")],\n)\n```\n"
        ),
    )
    .expect("write");
    let components_line = text.lines().count() + 5;
    let report = autochitect::tools::check::check_paths(
        &crate::repo(),
        &[dir.join("writeups").display().to_string()],
    );
    let found = report.diagnostics.0.iter().any(|d| {
        d.file == body.display().to_string()
            && d.pos.map(|p| p.line) == Some(components_line)
            && d.message.contains("in a figure")
            && d.message.contains("ghost")
    });
    assert!(found, "{}", report.diagnostics);
}

#[test]
fn check_warns_about_a_figure_label_too_long_for_its_box() {
    let (dir, _) = crate::support::editable_writeups("figure-lint");
    let body = dir.join("writeups/sockets.md");
    let text = std::fs::read_to_string(&body).expect("body");
    std::fs::write(
        &body,
        format!(
            "{text}\n```figure\n(\n  title: \"Cramped\",\n  components: [\n    (id: \"a\", label: \"A label much too long for so small a box\", kind: Group, at: (0, 0), size: (60, 30)),\n  ],\n)\n```\n"
        ),
    )
    .expect("write");
    let label_line = text.lines().count() + 6;
    let report = autochitect::tools::check::check_paths(
        &crate::repo(),
        &[dir.join("writeups").display().to_string()],
    );
    let found = report.diagnostics.0.iter().any(|d| {
        d.severity == autochitect::model::Severity::Warning
            && d.file == body.display().to_string()
            && d.pos.map(|p| p.line) == Some(label_line)
            && d.message.contains("too long for its box")
    });
    assert!(found, "{}", report.diagnostics);
}

#[test]
fn lab_takes_a_scenario_a_capture_a_seed_and_faults() {
    assert_eq!(
        parse([
            "lab",
            "http-request",
            "--pcap",
            "out.pcap",
            "--seed",
            "3",
            "--drop",
            "first SYN",
            "--drop",
            "5",
            "--corrupt",
            "7",
            "--cut",
            "5+100",
            "--json",
        ])
        .expect("parses")
        .command,
        Some(Command::Lab(LabArgs {
            scenario: Some("http-request".into()),
            list: false,
            pcap: Some("out.pcap".into()),
            json: true,
            mermaid: false,
            seed: Some(3),
            drop: vec!["first SYN".into(), "5".into()],
            corrupt: vec!["7".into()],
            cut: vec!["5+100".into()],
        }))
    );
    assert!(parse(["lab", "--list"]).is_ok());
    assert!(parse(["lab", "ping", "--mermaid"]).is_ok());
    assert!(
        parse(["lab", "ping", "--mermaid", "--json"]).is_err(),
        "one output at a time"
    );
    assert!(parse(["lab"]).is_err(), "a scenario or --list");
    assert!(parse(["lab", "x", "--seed", "many"]).is_err());
    assert!(error(&["lba"]).contains("`lab`"));
}

fn lab(args: &[&str]) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_autochitect"))
        .arg("lab")
        .args(args)
        .current_dir(crate::repo())
        .output()
        .expect("runs")
}

#[test]
fn lab_prints_the_arp_exchange_handshake_request_response_and_close() {
    let out = lab(&["http-request"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let wanted = [
        "ARP Who has 192.0.2.2? Tell 192.0.2.1",
        "ARP 192.0.2.2 is at 02:00:00:00:00:0b",
        "[SYN] Seq=0 Win=",
        "[SYN, ACK] Seq=0 Ack=1",
        "HTTP GET /orders/42 HTTP/1.1",
        "HTTP HTTP/1.1 200 OK",
        "[FIN, ACK]",
        "SYN-SENT → ESTABLISHED",
        "── The three-way handshake ──",
    ];
    let mut last = 0;
    for w in wanted {
        let at = text
            .find(w)
            .unwrap_or_else(|| panic!("no {w:?} in\n{text}"));
        if !w.starts_with("──") && !w.contains("→ ESTABLISHED") {
            assert!(at >= last, "{w:?} out of order in\n{text}");
            last = at;
        }
    }
    // Every event line starts with its virtual time in seconds.
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| l.contains('#') || l.contains(" socket: "))
        .collect();
    assert!(lines.iter().all(|l| {
        l.split_whitespace()
            .next()
            .is_some_and(|t| t.parse::<f64>().is_ok())
    }));
    assert!(text.contains("digest "));
}

#[test]
fn lab_shows_the_retransmission_and_takes_faults_from_the_command_line() {
    let lost = lab(&["lost-frame"]);
    assert!(String::from_utf8_lossy(&lost.stdout).contains("TCP retransmits"));
    let dropped = lab(&["http-request", "--drop", "first SYN"]);
    assert!(dropped.status.success());
    let text = String::from_utf8_lossy(&dropped.stdout);
    assert!(
        text.contains("dropped by a fault") && text.contains("TCP retransmits"),
        "{text}"
    );
    let corrupt = lab(&["http-request", "--corrupt", "HTTP request"]);
    assert!(String::from_utf8_lossy(&corrupt.stdout).contains("discards frame"));
    for (args, needle) in [
        (
            &["http-request", "--drop", "first SYNN"][..],
            "names no kind of frame",
        ),
        (&["http-request", "--cut", "soon"], "AT_MS+FOR_MS"),
        (&["no-such-lab"], "no scenario `no-such-lab`"),
    ] {
        let out = lab(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(
            String::from_utf8_lossy(&out.stderr).contains(needle),
            "{args:?}"
        );
    }
}

#[test]
fn lab_writes_a_pcap_and_json_and_lists_its_scenarios() {
    let dir = std::env::temp_dir().join(format!("autochitect-lab-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let pcap = dir.join("run.pcap");
    let out = lab(&[
        "ping",
        "--pcap",
        &pcap.display().to_string(),
        "--json",
        "--seed",
        "9",
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bytes = std::fs::read(&pcap).expect("the capture");
    assert_eq!(&bytes[..4], &0xa1b2_c3d4u32.to_le_bytes());
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(json["seed"], 9);
    let events = json["events"].as_array().expect("events");
    let frames = events
        .iter()
        .filter(|e| e["kind"]["Frame"].is_object())
        .count();
    // The capture holds every frame: 24-byte header, then a 16-byte header per frame.
    let mut at = 24;
    let mut records = 0;
    while at + 16 <= bytes.len() {
        let len = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().expect("4")) as usize;
        at += 16 + len;
        records += 1;
    }
    assert_eq!((records, at), (frames, bytes.len()));
    let icmp = events
        .iter()
        .find(|e| {
            e["line"]
                .as_str()
                .is_some_and(|l| l.contains("Echo (ping) request"))
        })
        .expect("a ping");
    let layers: Vec<&str> = icmp["layers"]
        .as_array()
        .expect("layers")
        .iter()
        .filter_map(|l| l["name"].as_str())
        .collect();
    assert_eq!(layers, ["Ethernet II", "IPv4", "ICMP"]);
    let text = lab(&["ping", "--seed", "9"]);
    let digest = json["digest"].as_str().expect("digest");
    assert!(String::from_utf8_lossy(&text.stdout).contains(&format!("digest {digest}")));
    let list = lab(&["--list"]);
    let listed = String::from_utf8_lossy(&list.stdout);
    for name in ["http-request", "lost-frame", "slow-reader", "ping"] {
        assert!(
            listed.lines().any(|l| l.starts_with(name)),
            "{name} in {listed}"
        );
    }
    let broken = dir.join("broken.ron");
    std::fs::write(&broken, "(title: \"x\", diagram: \"two-computers.ron\", hosts: [], link: (part: \"cable\", delay_us: 1, bandwidth_bps: 0), programs: [])\n").expect("write");
    let out = lab(&[&broken.display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!("{}:1:", broken.display()))
            && stderr.contains("bandwidth_bps is 0"),
        "{stderr}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// The explorer started as a person would from a terminal, with `env` changed: no project
/// variables from cargo, so it finds its files as an installed binary does.
fn start(env: &[(&str, Option<&str>)]) -> (Option<i32>, String) {
    let mut c = std::process::Command::new(env!("CARGO_BIN_EXE_autochitect"));
    c.current_dir(crate::repo());
    for (name, value) in env {
        match value {
            Some(v) => c.env(name, v),
            None => c.env_remove(name),
        };
    }
    let out = c.output().expect("runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.code(), text)
}

/// Asserts a start-up failure: exit code 1, no panic, and `line` as the last thing said.
fn says_plainly(code: Option<i32>, text: &str, words: &[&str]) {
    assert_eq!(code, Some(1), "{text}");
    assert!(!text.contains("panicked"), "{text}");
    assert!(!text.contains("backtrace"), "{text}");
    let last = text.lines().last().unwrap_or_default();
    assert!(last.starts_with("autochitect: "), "{text}");
    for w in words {
        assert!(last.contains(w), "{w:?} in {last:?}");
    }
}

#[test]
fn without_a_display_the_explorer_says_so_in_one_line() {
    let (code, text) = start(&[
        ("DISPLAY", None),
        ("WAYLAND_DISPLAY", None),
        ("WAYLAND_SOCKET", None),
    ]);
    says_plainly(
        code,
        &text,
        &[
            "no display",
            "desktop session",
            "`autochitect check`",
            "`lab`",
        ],
    );
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn without_a_graphics_driver_the_explorer_names_what_is_missing() {
    // A display is named (none need answer: the adapter is looked for first). Vulkan's drivers
    // are hidden, and so are EGL's (glvnd's vendor list points nowhere): no backend has one.
    let (code, text) = start(&[
        ("DISPLAY", Some(":98")),
        ("WGPU_BACKEND", None),
        ("VK_ICD_FILENAMES", Some("/nonexistent.json")),
        ("__EGL_VENDOR_LIBRARY_FILENAMES", Some("/nonexistent.json")),
    ]);
    says_plainly(
        code,
        &text,
        &[
            "no graphics adapter",
            "tried Vulkan, OpenGL",
            "mesa-vulkan-drivers",
            "libgl1-mesa-dri",
        ],
    );
    assert_eq!(text.lines().count(), 1, "{text}");

    // `WGPU_BACKEND` limits what is tried, and the line says what that was.
    let (code, text) = start(&[
        ("DISPLAY", Some(":98")),
        ("VK_ICD_FILENAMES", Some("/nonexistent.json")),
        ("WGPU_BACKEND", Some("vulkan")),
    ]);
    says_plainly(code, &text, &["no graphics adapter", "(tried Vulkan)"]);
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn a_display_that_does_not_answer_is_said_in_one_line_not_a_panic() {
    // Bevy gets as far as opening the window, so a graphics adapter must be found first: Mesa's
    // software Vulkan where it is installed (scripts/e2e-desktop installs it).
    let Some(icd) = std::fs::read_dir("/usr/share/vulkan/icd.d")
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().contains("lvp_icd"))
    else {
        // On a developer's machine without it, say so; CI installs it first and must not skip.
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must install mesa-vulkan-drivers before the tests (.ci/run does)"
        );
        eprintln!("skipped: no software Vulkan (mesa-vulkan-drivers) on this machine");
        return;
    };
    let icd = icd.display().to_string();
    let (code, text) = start(&[
        ("DISPLAY", Some(":73")),
        ("WAYLAND_DISPLAY", None),
        ("VK_ICD_FILENAMES", Some(&icd)),
        ("WGPU_BACKEND", Some("vulkan")),
    ]);
    says_plainly(
        code,
        &text,
        &["no display", "DISPLAY=:73", "desktop session"],
    );
}

/// The binary copied into a folder of its own, as `cargo install` or a download leaves it, run
/// from an empty folder with a private cache folder.
struct Installed {
    dir: crate::support::TempDir,
}

impl Installed {
    fn new(name: &str) -> Installed {
        let dir = crate::support::TempDir::new(name);
        std::fs::create_dir_all(dir.join("bin")).expect("bin");
        std::fs::create_dir_all(dir.join("empty")).expect("empty");
        std::fs::copy(
            env!("CARGO_BIN_EXE_autochitect"),
            dir.join("bin/autochitect"),
        )
        .expect("copy the binary");
        Installed { dir }
    }

    fn run(&self, args: &[&str]) -> std::process::Output {
        std::process::Command::new(self.dir.join("bin/autochitect"))
            .args(args)
            .current_dir(self.dir.join("empty"))
            .env_remove("AUTOCHITECT_ROOT")
            .env_remove("CARGO_MANIFEST_DIR")
            .env("XDG_CACHE_HOME", self.dir.join("cache"))
            .env("HOME", self.dir.join("home"))
            .output()
            .expect("runs")
    }
}

fn stdout(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn a_copied_binary_checks_and_runs_labs_from_an_empty_folder() {
    let installed = Installed::new("installed");
    let version = installed.run(&["--version"]);
    assert!(version.status.success());
    let cache = installed.dir.join("cache/autochitect");
    assert!(
        stdout(&version).contains("built in"),
        "{}",
        stdout(&version)
    );
    assert!(
        stdout(&version).contains(&cache.display().to_string()),
        "{}",
        stdout(&version)
    );
    // Saying which project is in use unpacks nothing.
    assert!(!cache.exists());

    let check = installed.run(&["check"]);
    let said = String::from_utf8_lossy(&check.stderr);
    assert!(check.status.success(), "{said}");
    assert!(said.contains(" 0 error(s), 0 warning(s)"), "{said}");
    assert!(!said.contains("no such file"), "{said}");

    let lab = installed.run(&["lab", "http-request"]);
    assert!(
        lab.status.success(),
        "{}",
        String::from_utf8_lossy(&lab.stderr)
    );
    for wanted in ["[SYN] Seq=0 Win=", "HTTP HTTP/1.1 200 OK"] {
        assert!(stdout(&lab).contains(wanted), "{wanted}:\n{}", stdout(&lab));
    }

    // The unpacked files are the shipped ones, byte for byte, and nothing lands in the folder
    // the learner is in.
    let unpacked: Vec<_> = std::fs::read_dir(&cache)
        .expect("the cache")
        .flatten()
        .map(|e| e.path())
        .collect();
    let [root] = unpacked.as_slice() else {
        panic!("one unpacked project: {unpacked:?}");
    };
    let shipped = autochitect::tools::bundled::FILES;
    assert!(shipped.len() > 30, "{} files", shipped.len());
    for file in [
        "diagrams/two-computers.ron",
        "diagrams/index.ron",
        "diagrams/tours/two-computers.ron",
        "diagrams/labs/http-request.ron",
        "assets/writeups/index.ron",
        "assets/writeups/sockets.md",
    ] {
        assert!(
            shipped.iter().any(|(n, _)| *n == file),
            "{file} is built in"
        );
        assert_eq!(
            std::fs::read(root.join(file)).expect("unpacked"),
            std::fs::read(crate::repo().join(file)).expect("shipped"),
            "{file}"
        );
    }
    assert_eq!(
        std::fs::read_dir(installed.dir.join("empty"))
            .expect("empty")
            .count(),
        0
    );

    // A file changed in the cache is put back at the next start.
    let index = root.join("diagrams/index.ron");
    std::fs::write(&index, "(broken").expect("spoil");
    assert!(installed.run(&["check"]).status.success());
    assert_eq!(
        std::fs::read(&index).expect("index"),
        std::fs::read(crate::repo().join("diagrams/index.ron")).expect("shipped")
    );
}

#[test]
fn files_on_disk_win_over_the_built_in_project() {
    let installed = Installed::new("installed-project");
    let repo = crate::repo();
    let repo = repo.to_str().expect("utf-8 path");
    let flag = installed.run(&["--project", repo, "--version"]);
    assert!(
        stdout(&flag).contains(&format!("{repo} (--project)")),
        "{}",
        stdout(&flag)
    );
    let help = installed.run(&["check", "--help", "--project", repo]);
    assert!(
        stdout(&help).contains(&format!("Project: {repo}")),
        "{}",
        stdout(&help)
    );
    // The flag goes with any tool: a copy of the project with one broken diagram fails check.
    let copy = installed.dir.join("mine");
    crate::support::copy_dir(&crate::repo().join("diagrams"), &copy.join("diagrams"));
    crate::support::copy_dir(
        &crate::repo().join("assets/writeups"),
        &copy.join("assets/writeups"),
    );
    std::fs::write(copy.join("diagrams/one-computer.ron"), "(title: ").expect("break");
    let copy_arg = copy.to_str().expect("utf-8 path");
    let check = installed.run(&["check", "--project", copy_arg]);
    assert_eq!(check.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&check.stderr).contains("one-computer.ron:1:"),
        "{}",
        String::from_utf8_lossy(&check.stderr)
    );
    // The current folder's project is found without the flag.
    let here = std::process::Command::new(installed.dir.join("bin/autochitect"))
        .arg("--version")
        .current_dir(&copy)
        .env_remove("AUTOCHITECT_ROOT")
        .env_remove("CARGO_MANIFEST_DIR")
        .output()
        .expect("runs");
    assert!(
        stdout(&here).contains("(the current folder)"),
        "{}",
        stdout(&here)
    );
    // A folder that is no project is said so, not silently replaced.
    let none = installed.run(&["--project", "/nonexistent", "check"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&none.stderr).contains("no project in /nonexistent"),
        "{}",
        String::from_utf8_lossy(&none.stderr)
    );
}

#[test]
fn check_reports_a_tour_steps_handover_to_a_lab_event_that_does_not_exist() {
    let (dir, _) = crate::support::editable_diagrams("tour-lab-links");
    let tours = dir.join("tours/two-computers.ron");
    let text = std::fs::read_to_string(&tours).expect("tours");
    let events = {
        let (scenario, _) = crate::support::shipped_scenario("http-request");
        autochitect::lab::run(&scenario, scenario.seed, &[]).0.len()
    };
    let (line, col) = text
        .lines()
        .enumerate()
        .find_map(|(n, l)| Some((n + 1, l.find("\"#/lab/")? + "\"#/lab/".len() + 1)))
        .expect("a step hands over to the lab");
    // The first handover points past the run's end; a second is no lab link at all.
    let broken = text.replacen(
        "lab: \"#/lab/http-request/",
        &format!("lab: \"#/lab/http-request/{}0", events),
        1,
    );
    let broken = broken
        .replacen("lab: \"#/lab/", "lab: \"#/labs/", 2)
        .replacen("lab: \"#/labs/", "lab: \"#/lab/", 1);
    std::fs::write(&tours, broken).expect("write");
    let report =
        autochitect::tools::check::check_paths(&crate::repo(), &[dir.0.display().to_string()]);
    let lines: Vec<String> = report
        .diagnostics
        .0
        .iter()
        .map(ToString::to_string)
        .collect();
    let file = tours.display();
    assert!(
        lines.iter().any(|l| l
            .starts_with(&format!("{file}:{line}:{col}: error: links to event "))
            && l.contains("of the lab scenario `http-request`")),
        "{lines:#?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("is not a link into the lab; write `#/lab/<scenario>/<event>`")),
        "{lines:#?}"
    );
}
