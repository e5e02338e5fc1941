//! `autochitect lab`: run a lab scenario with no window. Prints one line per event (virtual
//! time first), or JSON. A network scenario can also be written as a pcap capture or a Mermaid
//! sequence diagram; a cluster scenario ends with its safety checks and each server's state.
//! The simulations are the core's ([`crate::lab`]), the same the explorer runs.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

use crate::lab::any::AnyScenario;
use crate::lab::cluster::scenario::ClusterScenario;
use crate::lab::cluster::{Cluster, EventKind as ClusterEventKind, text as cluster_text};
use crate::lab::{self, Fault, FrameMatch, Lab};
use crate::model::{Diagnostics, paths};

use super::check::{read_text, read_writeups};
use super::cli::LabArgs;

/// The scenario files in a project's lab folder, sorted by name.
pub fn scenario_files(root: &Path) -> Vec<PathBuf> {
    scenarios_in(&root.join(paths::DIAGRAM_DIR).join(paths::LABS_DIR))
}

/// The scenario files (`*.ron`) in a folder, sorted by name.
pub fn scenarios_in(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| {
                    p.extension().is_some_and(|e| e == "ron")
                        && p.file_name().is_some_and(|n| n != paths::INDEX_FILE)
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files
}

/// The diagram a scenario in `labs_dir` names, for checking its parts: read from the folder
/// above (`diagrams/labs/` → `diagrams/`), or else the project's diagram folder, and validated
/// against the project's write-ups. `Ok(None)` when it has errors of its own (reported where
/// it is checked).
pub fn diagram_beside(root: &Path, labs_dir: &Path, name: &str) -> lab::scenario::DiagramLookup {
    let beside = labs_dir.parent().unwrap_or(labs_dir).join(name);
    let path = if beside.is_file() {
        beside
    } else {
        root.join(paths::DIAGRAM_DIR).join(name)
    };
    let text = std::fs::read_to_string(&path).map_err(|e| e.to_string())?;
    let (index, _) = read_writeups(&root.join(paths::writeup_dir()));
    let slugs = crate::model::project::listed_slugs(&index)
        .into_iter()
        .collect();
    Ok(crate::model::parse_diagram(&path.display().to_string(), &text, &slugs).ok())
}

/// Reads and validates a scenario file of either kind.
pub fn load(root: &Path, path: &Path) -> Result<AnyScenario, Diagnostics> {
    let text = read_text(path);
    let src = text.text.map_err(|u| {
        Diagnostics(vec![crate::model::Diagnostic::error(
            &text.name, u.pos, u.message,
        )])
    })?;
    let stem = path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let dir = path.parent().unwrap_or(Path::new("."));
    lab::any::parse_any_in(&text.name, &stem, &src, &mut |d| {
        diagram_beside(root, dir, d)
    })
}

/// How many events a scenario's run has with its own seed (`None` if a cluster cannot be
/// built).
pub fn event_count(scenario: &AnyScenario) -> Option<usize> {
    match scenario {
        AnyScenario::Network(s) => Some(lab::run(s, s.seed, &[]).0.len()),
        AnyScenario::Cluster(s) => s.run(s.seed, &[]).ok().map(|c| c.events().len()),
    }
}

/// Which file a scenario argument means: a path as given, or a name in diagrams/labs/.
fn resolve(root: &Path, arg: &str) -> Result<PathBuf, String> {
    let as_path = PathBuf::from(arg);
    if arg.ends_with(".ron") || as_path.is_file() {
        return Ok(as_path);
    }
    let named = root
        .join(paths::DIAGRAM_DIR)
        .join(paths::LABS_DIR)
        .join(format!("{arg}.ron"));
    if named.is_file() {
        return Ok(named);
    }
    let names: Vec<String> = scenario_files(root)
        .iter()
        .filter_map(|p| p.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .collect();
    Err(format!(
        "no scenario `{arg}`; the scenarios are: {} (or name a .ron file)",
        names.join(", ")
    ))
}

/// The faults the command line adds.
pub fn faults(args: &LabArgs, hosts: &[&str]) -> Result<Vec<Fault>, String> {
    let mut out = Vec::new();
    for d in &args.drop {
        out.push(Fault::Drop(
            FrameMatch::parse(d, hosts).map_err(|e| format!("--drop: {e}"))?,
        ));
    }
    for c in &args.corrupt {
        out.push(Fault::Corrupt(
            FrameMatch::parse(c, hosts).map_err(|e| format!("--corrupt: {e}"))?,
        ));
    }
    for c in &args.cut {
        let parsed = c.split_once('+').and_then(|(a, f)| {
            Some((a.trim().parse::<u64>().ok()?, f.trim().parse::<u64>().ok()?))
        });
        match parsed {
            Some((at, len)) if len > 0 => out.push(Fault::Cut {
                at_us: at.saturating_mul(1_000),
                for_us: len.saturating_mul(1_000),
            }),
            _ => {
                return Err(format!(
                    "--cut: `{c}` is not AT_MS+FOR_MS (for example 5+2000: unplug at 5 ms for 2 s)"
                ));
            }
        }
    }
    Ok(out)
}

/// The run as one JSON object: the scenario, the seed, the digest, and every event with its
/// phase; frames with their bytes, summary and decoded layers.
pub fn to_json(lab: &Lab) -> serde_json::Value {
    let phases = lab.phases();
    let names = lab.scenario().host_names();
    let events: Vec<serde_json::Value> = lab
        .events()
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let mut v = serde_json::json!({
                "index": i,
                "time_us": e.time_us,
                "phase": phases.get(i).copied().flatten(),
                "line": e.line(&names).trim_start(),
                "kind": e.kind,
            });
            if let (Some(f), Some(obj)) = (e.frame(), v.as_object_mut()) {
                obj.insert(
                    "layers".to_owned(),
                    serde_json::to_value(lab::decode::decode(&f.bytes)).unwrap_or_default(),
                );
            }
            v
        })
        .collect();
    let s = lab.scenario();
    serde_json::json!({
        "scenario": s.name,
        "title": s.title,
        "seed": lab.seed(),
        "digest": format!("{:016x}", lab.digest()),
        "hosts": s.hosts.iter().map(|h| serde_json::json!({
            "name": h.name,
            "ip": std::net::Ipv4Addr::from(h.ip).to_string(),
            "parts": {"computer": h.parts.computer, "stack": h.parts.stack, "card": h.parts.card, "sockets": h.parts.sockets},
        })).collect::<Vec<_>>(),
        "link": {"part": s.link.part, "delay_us": s.link.delay_us, "bandwidth_bps": s.link.bandwidth_bps, "mtu": s.link.mtu},
        "phases": s.phases.iter().map(|p| serde_json::json!({"title": p.title, "narration": p.narration})).collect::<Vec<_>>(),
        "events": events,
    })
}

/// The run as text: the title, each phase's heading before its first event, one line per
/// event, and a last line with the counts and the digest.
pub fn to_text(lab: &Lab, file: &str) -> String {
    let s = lab.scenario();
    let names = s.host_names();
    let mut out = format!("lab: {} ({file}, seed {})\n", s.title, lab.seed());
    let mut shown = None;
    for (e, phase) in lab.events().iter().zip(lab.phases()) {
        if phase != shown
            && let Some(p) = phase.and_then(|p| s.phases.get(p))
        {
            out.push_str(&format!("\n── {} ──\n", p.title));
            shown = phase;
        }
        out.push_str(&e.line(&names));
        out.push('\n');
    }
    let frames = lab.events().iter().filter(|e| e.frame().is_some()).count();
    let end = lab.events().last().map_or(0, |e| e.time_us);
    out.push_str(&format!(
        "\n{frames} frames, {} events, {}.{:06} s of virtual time; digest {:016x}\n",
        lab.events().len(),
        end / 1_000_000,
        end % 1_000_000,
        lab.digest()
    ));
    out
}

/// Runs `autochitect lab`.
pub fn run(root: &Path, args: &LabArgs) -> ExitCode {
    if args.list {
        for f in scenario_files(root) {
            let stem = f
                .file_stem()
                .map(|s| s.to_string_lossy().into_owned())
                .unwrap_or_default();
            match load(root, &f) {
                Ok(AnyScenario::Network(s)) => println!("{stem:<16} network  {}", s.title),
                Ok(AnyScenario::Cluster(s)) => println!("{stem:<16} cluster  {}", s.title),
                Err(_) => println!("{stem:<16} (has errors: autochitect check {})", f.display()),
            }
        }
        return ExitCode::SUCCESS;
    }
    let Some(arg) = &args.scenario else {
        eprintln!("autochitect: lab needs a scenario (or --list)");
        return ExitCode::from(2);
    };
    let path = match resolve(root, arg) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("autochitect: {e}");
            return ExitCode::from(2);
        }
    };
    let scenario = match load(root, &path) {
        Ok(AnyScenario::Network(s)) => s,
        Ok(AnyScenario::Cluster(s)) => return run_cluster(&s, args, &path),
        Err(diags) => {
            eprint!("{diags}");
            return ExitCode::from(1);
        }
    };
    let extra = match faults(args, &scenario.host_names()) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("autochitect: {e}");
            return ExitCode::from(2);
        }
    };
    let seed = args.seed.unwrap_or(scenario.seed);
    let mut lab = Lab::new(Arc::new(scenario), seed, extra);
    lab.run_to_end();
    if let Some(out) = &args.pcap
        && let Err(e) = std::fs::write(out, lab::pcap::pcap(lab.events()))
    {
        eprintln!("autochitect: cannot write {out}: {e}");
        return ExitCode::from(1);
    }
    if args.json {
        println!("{}", to_json(&lab));
    } else if args.mermaid {
        let s = lab.scenario();
        print!(
            "{}",
            lab::sequence::mermaid(&s.title, lab.events(), &s.host_names())
        );
    } else {
        print!("{}", to_text(&lab, &path.display().to_string()));
    }
    ExitCode::SUCCESS
}

/// Runs a cluster scenario: lines or JSON. The network lab's own flags do not apply.
fn run_cluster(scenario: &ClusterScenario, args: &LabArgs, path: &Path) -> ExitCode {
    let network_only = [
        ("--pcap", args.pcap.is_some()),
        ("--mermaid", args.mermaid),
        ("--drop", !args.drop.is_empty()),
        ("--corrupt", !args.corrupt.is_empty()),
        ("--cut", !args.cut.is_empty()),
    ];
    if let Some((flag, _)) = network_only.iter().find(|(_, given)| *given) {
        eprintln!(
            "autochitect: {flag} is for network scenarios; `{}` runs a Raft cluster (its faults are in the scenario file)",
            scenario.name
        );
        return ExitCode::from(2);
    }
    let seed = args.seed.unwrap_or(scenario.seed);
    let cluster = match scenario.run(seed, &[]) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("autochitect: {e}");
            return ExitCode::from(1);
        }
    };
    if args.json {
        println!("{}", cluster_json(scenario, &cluster));
    } else {
        print!(
            "{}",
            cluster_text_of(scenario, &cluster, &path.display().to_string())
        );
    }
    if cluster.violations().is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

/// A cluster run as text: the title, each phase's heading before its first event, one line
/// per event, then the counts, the safety checks and each server's end state.
pub fn cluster_text_of(s: &ClusterScenario, cluster: &Cluster, file: &str) -> String {
    let mut out = format!("lab: {} ({file}, seed {})\n", s.title, cluster.seed());
    let mut shown = None;
    let events = cluster.events();
    for (e, line) in events.iter().zip(cluster_text::lines(events)) {
        let phase = s.phase_at(e.at_ms);
        if phase != shown
            && let Some(p) = phase.and_then(|p| s.phases.get(p))
        {
            out.push_str(&format!("\n── {} ──\n", p.title));
            shown = phase;
        }
        out.push_str(&line);
        out.push('\n');
    }
    let sent = events
        .iter()
        .filter(|e| matches!(e.kind, ClusterEventKind::Sent { .. }))
        .count();
    let lost = events
        .iter()
        .filter(|e| matches!(e.kind, ClusterEventKind::Lost { .. }))
        .count();
    out.push_str(&format!(
        "\n{sent} messages ({lost} lost), {} events, {} ms of virtual time\n",
        events.len(),
        s.until_ms
    ));
    out.push_str(&format!(
        "safety: {} checks, {} violations; digest {:016x}\n",
        cluster.checks(),
        cluster.violations().len(),
        cluster_text::digest(events)
    ));
    for v in cluster.violations() {
        out.push_str(&format!("  {v}\n"));
    }
    for v in cluster.servers() {
        let state: Vec<String> = v.state.iter().map(|(k, x)| format!("{k} = {x}")).collect();
        let how = if !v.up {
            "down".to_owned()
        } else {
            format!("{} in term {}", cluster_text::role_name(v.role), v.term)
        };
        out.push_str(&format!(
            "{}: {how}, log {} entries, commit {}, state {{{}}}\n",
            v.id,
            v.log_terms.len(),
            v.commit,
            state.join(", ")
        ));
    }
    out
}

/// A cluster run as one JSON object: the scenario, the seed, every event with its phase, its
/// line and its fields, the safety checks, and each server's end state.
pub fn cluster_json(s: &ClusterScenario, cluster: &Cluster) -> serde_json::Value {
    use serde_json::json;
    let events = cluster.events();
    let lines = cluster_text::lines(events);
    let events: Vec<serde_json::Value> = events
        .iter()
        .zip(lines)
        .enumerate()
        .map(|(i, (e, line))| {
            let mut v = match &e.kind {
                ClusterEventKind::Sent { number, message: m } => json!({
                    "kind": "Sent", "number": number, "message": cluster_text::raft_name(m.kind),
                    "paper": cluster_text::paper_name(m.kind), "from": m.from.to_string(),
                    "to": m.to.to_string(), "term": m.term, "index": m.index,
                    "log_term": m.log_term, "entries": m.entries, "commit": m.commit,
                    "reject": m.reject,
                }),
                ClusterEventKind::Delivered { number } => json!({"kind": "Delivered", "number": number}),
                ClusterEventKind::Lost { number, why } => {
                    json!({"kind": "Lost", "number": number, "why": format!("{why:?}")})
                }
                ClusterEventKind::Role { server, role, term, leader } => json!({
                    "kind": "Role", "server": server.to_string(), "role": cluster_text::role_name(*role),
                    "term": term, "leader": leader.map(|l| l.to_string()),
                }),
                ClusterEventKind::Voted { server, term, candidate } => json!({
                    "kind": "Voted", "server": server.to_string(), "term": term,
                    "candidate": candidate.to_string(),
                }),
                ClusterEventKind::Persisted { server, first, last, terms } => json!({
                    "kind": "Persisted", "server": server.to_string(), "first": first, "last": last,
                    "terms": terms,
                }),
                ClusterEventKind::Committed { server, index } => json!({
                    "kind": "Committed", "server": server.to_string(), "index": index,
                }),
                ClusterEventKind::Applied { server, index, term, command } => json!({
                    "kind": "Applied", "server": server.to_string(), "index": index, "term": term,
                    "command": command,
                }),
                ClusterEventKind::Proposed { server, command } => json!({
                    "kind": "Proposed", "server": server.to_string(), "command": command,
                }),
                ClusterEventKind::Refused { command } => json!({"kind": "Refused", "command": command}),
                ClusterEventKind::Crashed(s) => json!({"kind": "Crashed", "server": s.to_string()}),
                ClusterEventKind::Restarted(s) => json!({"kind": "Restarted", "server": s.to_string()}),
                ClusterEventKind::Paused(s) => json!({"kind": "Paused", "server": s.to_string()}),
                ClusterEventKind::Resumed(s) => json!({"kind": "Resumed", "server": s.to_string()}),
                ClusterEventKind::Partitioned(sides) => json!({
                    "kind": "Partitioned",
                    "sides": sides.iter().map(|side| side.iter().map(|s| s.to_string()).collect::<Vec<_>>()).collect::<Vec<_>>(),
                }),
                ClusterEventKind::Healed => json!({"kind": "Healed"}),
            };
            if let Some(obj) = v.as_object_mut() {
                obj.insert("index".into(), json!(i));
                obj.insert("at_ms".into(), json!(e.at_ms));
                obj.insert("phase".into(), json!(s.phase_at(e.at_ms)));
                obj.insert("line".into(), json!(line.trim_start()));
            }
            v
        })
        .collect();
    json!({
        "scenario": s.name,
        "kind": "cluster",
        "title": s.title,
        "seed": cluster.seed(),
        "digest": format!("{:016x}", cluster_text::digest(cluster.events())),
        "servers": s.servers.iter().enumerate().map(|(i, p)| json!({
            "id": format!("S{}", i + 1),
            "parts": {"computer": p.computer, "raft": p.raft, "log": p.log, "state": p.state, "disk": p.disk},
        })).collect::<Vec<_>>(),
        "phases": s.phases.iter().map(|p| json!({"at_ms": p.at_ms, "title": p.title, "narration": p.narration})).collect::<Vec<_>>(),
        "events": events,
        "checks": cluster.checks(),
        "violations": cluster.violations().iter().map(|v| v.to_string()).collect::<Vec<_>>(),
        "end": cluster.servers().iter().map(|v| json!({
            "id": v.id.to_string(), "up": v.up, "role": cluster_text::role_name(v.role),
            "term": v.term, "commit": v.commit, "log_terms": v.log_terms, "state": v.state,
        })).collect::<Vec<_>>(),
    })
}
