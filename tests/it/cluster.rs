//! The cluster lab's core: a real Raft (raft-rs) on a simulated network. Elections, replication,
//! a crashed leader, a partitioned one, a paused one; the same seed gives the same run; and
//! random schedules of faults never break Raft's safety properties.

use std::collections::BTreeSet;

use autochitect::lab::Rng;
use autochitect::lab::cluster::scenario::{ClusterScenario, ServerDef};
use autochitect::lab::cluster::{
    Cluster, ClusterConfig, EventKind, Fault, Role, ServerId, ServerView, Who,
};

fn cluster(seed: u64) -> Cluster {
    Cluster::new(ClusterConfig::default(), seed).expect("a valid cluster")
}

/// The one leader of the highest term.
fn the_leader(c: &Cluster) -> ServerView {
    let mut all = leaders(c);
    assert_eq!(all.len(), 1, "seed {}: {all:?}", c.seed());
    all.remove(0)
}

fn leaders(c: &Cluster) -> Vec<ServerView> {
    let views = c.servers();
    let top = views
        .iter()
        .filter(|s| s.up)
        .map(|s| s.term)
        .max()
        .unwrap_or(0);
    views
        .into_iter()
        .filter(|s| s.up && s.role == Role::Leader && s.term == top)
        .collect()
}

/// When each server became leader: (time, server, term).
fn elections(c: &Cluster) -> Vec<(u64, ServerId, u64)> {
    c.events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Role {
                server,
                role: Role::Leader,
                term,
                ..
            } => Some((e.at_ms, *server, *term)),
            _ => None,
        })
        .collect()
}

fn assert_safe(c: &Cluster) {
    let broken: Vec<String> = c.violations().iter().map(ToString::to_string).collect();
    assert!(broken.is_empty(), "seed {}: {broken:#?}", c.seed());
}

#[test]
fn three_servers_elect_one_leader_and_every_server_applies_the_writes() {
    let mut c = cluster(1);
    for n in 1..=5u64 {
        c.propose_at(500 + 40 * n, format!("x = {n}"));
    }
    c.run_until(2000);
    assert_safe(&c);
    let first = elections(&c);
    let (at, _, term) = first.first().copied().expect("a leader is elected");
    // Nobody hears from a leader at the start: the first timeout (150 to 300 ms), a pre-vote
    // round and a vote round, a few milliseconds of network each.
    assert!(
        (150..=400).contains(&at) && term == 1,
        "first leader at {at} ms in term {term}"
    );
    assert_eq!(leaders(&c).len(), 1);
    let acknowledged: Vec<&String> = c.acknowledged().iter().collect();
    assert_eq!(acknowledged.len(), 5, "{acknowledged:?}");
    for s in c.servers() {
        assert_eq!(s.state.get("x").map(String::as_str), Some("5"), "{}", s.id);
        // The leader's empty entry of term 1, then the five writes, all committed.
        assert_eq!(s.log_terms, vec![1; 6], "{}", s.id);
        assert_eq!(s.commit, 6, "{}", s.id);
    }
    // raft-rs asks for pre-votes first, sends heartbeats as their own messages, and a
    // candidate's vote for itself is an event, never a message.
    let sent = |kind: raft::eraftpb::MessageType| {
        c.events()
            .iter()
            .filter(|e| matches!(&e.kind, EventKind::Sent { message, .. } if message.kind == kind))
            .count()
    };
    use raft::eraftpb::MessageType::*;
    assert!(sent(MsgRequestPreVote) >= 2 && sent(MsgRequestVote) >= 2);
    assert!(sent(MsgHeartbeat) > 20 && sent(MsgAppend) >= 2);
    let self_votes = c.events().iter().filter(|e| matches!(&e.kind, EventKind::Voted { server, candidate, .. } if server == candidate)).count();
    assert!(self_votes >= 1);
    assert!(c.events().iter().all(
        |e| !matches!(&e.kind, EventKind::Sent { message, .. } if message.from == message.to)
    ));
}

#[test]
fn the_same_seed_gives_the_same_run_and_another_seed_another() {
    let run = |seed| {
        let mut c = cluster(seed);
        c.propose_at(600, "x = 1");
        c.fault_at(700, Fault::Crash(ServerId(1).into()));
        c.fault_at(1200, Fault::Restart(ServerId(1).into()));
        c.run_until(2000);
        format!("{:?}", c.events())
    };
    assert_eq!(run(7), run(7));
    assert_ne!(run(7), run(8));
}

#[test]
fn a_crashed_leader_is_replaced_in_a_higher_term_and_rejoins_as_a_follower() {
    let mut first_try_wins = 0;
    for check_quorum in [false, true] {
        for seed in 0..20 {
            let config = ClusterConfig {
                check_quorum,
                ..ClusterConfig::default()
            };
            let mut c = Cluster::new(config, seed).expect("a valid cluster");
            c.run_until(1000);
            let old = the_leader(&c);
            c.fault_at(1000, Fault::Crash(old.id.into()));
            c.propose_at(1900, "x = after");
            c.fault_at(2000, Fault::Restart(old.id.into()));
            c.run_until(3000);
            assert_safe(&c);
            let (at, new, term) = (elections(&c).into_iter())
                .find(|(at, _, _)| *at > 1000)
                .expect("a new leader");
            assert!(
                new != old.id && term > old.term,
                "seed {seed}: {new} in term {term}"
            );
            // A follower tries within its election timeout (150 to 300 ms) of the last
            // heartbeat it got, which left the leader at most 50 ms before the crash or was on
            // the wire then (5 to 15 ms).
            let first_try = (c.events().iter())
                .find(|e| {
                    e.at_ms > 1000
                        && matches!(
                            e.kind,
                            EventKind::Role {
                                role: Role::PreCandidate | Role::Candidate,
                                ..
                            }
                        )
                })
                .map(|e| e.at_ms)
                .expect("an election");
            assert!(
                (1100..=1330).contains(&first_try),
                "seed {seed}: first try at {first_try} ms"
            );
            // It wins unless two tried within a round trip of each other (a split vote, tried
            // again after another timeout), or, with check-quorum, the other follower was still
            // inside the old leader's lease (it ignores a candidate for one election timeout
            // after hearing from its leader).
            assert!(
                at <= 2000,
                "seed {seed}, check-quorum {check_quorum}: new leader at {at} ms"
            );
            if at <= first_try + 100 {
                first_try_wins += 1;
            }
            let views = c.servers();
            let back = views
                .iter()
                .find(|s| s.id == old.id)
                .expect("the old leader");
            assert!(
                back.up && back.role == Role::Follower && back.term == term,
                "seed {seed}: {back:?}"
            );
            assert_eq!(back.leader, Some(new));
            assert_eq!(
                back.state.get("x").map(String::as_str),
                Some("after"),
                "seed {seed}: it caught up"
            );
        }
    }
    // Most of the time the first try wins.
    assert!(
        first_try_wins >= 20,
        "{first_try_wins} of 40 first tries won"
    );
}

#[test]
fn a_leader_cut_off_in_the_minority_cannot_commit_and_its_entry_is_replaced() {
    let mut c = cluster(3);
    c.run_until(1000);
    let old = the_leader(&c);
    let others: Vec<ServerId> = c
        .servers()
        .iter()
        .map(|s| s.id)
        .filter(|id| *id != old.id)
        .collect();
    c.fault_at(
        1000,
        Fault::Partition(vec![
            vec![old.id.into()],
            others.iter().map(|&id| id.into()).collect(),
        ]),
    );
    // The client still reaches the old leader, which takes the write but cannot commit it.
    c.propose_at(1005, "x = stale");
    c.propose_at(1800, "x = fresh");
    c.fault_at(2200, Fault::Heal);
    c.run_until(3500);
    assert_safe(&c);
    let proposed_to_old = c.events().iter().any(|e| matches!(&e.kind, EventKind::Proposed { server, command } if *server == old.id && command == "x = stale"));
    assert!(proposed_to_old);
    assert!(!c.acknowledged().contains("x = stale"));
    assert!(c.acknowledged().contains("x = fresh"));
    let applied_stale = c
        .events()
        .iter()
        .any(|e| matches!(&e.kind, EventKind::Applied { command, .. } if command == "x = stale"));
    assert!(!applied_stale, "an uncommitted entry was applied");
    let views = c.servers();
    for s in &views {
        assert_eq!(
            s.state.get("x").map(String::as_str),
            Some("fresh"),
            "{}",
            s.id
        );
    }
    // The old leader's log now matches the others': its stale entry was replaced.
    let old_now = views.iter().find(|s| s.id == old.id).expect("old");
    let other = views.iter().find(|s| s.id == others[0]).expect("other");
    assert_eq!(old_now.log_terms, other.log_terms);
    assert!(old_now.log_terms.iter().all(|t| *t != old.term) || old_now.log_terms.len() > 2);
}

#[test]
fn a_paused_leader_comes_back_believing_it_leads_and_steps_down_on_the_first_answer() {
    let mut c = cluster(5);
    c.run_until(1000);
    let old = the_leader(&c);
    c.fault_at(1000, Fault::Pause(old.id.into(), 1000));
    c.run_until(1990);
    // Paused, it still believes it leads its old term; the others have moved on.
    let view = c
        .servers()
        .into_iter()
        .find(|s| s.id == old.id)
        .expect("old");
    assert_eq!((view.role, view.term), (Role::Leader, old.term));
    assert!(
        leaders(&c)
            .iter()
            .all(|l| l.id != old.id && l.term > old.term)
    );
    c.run_until(2500);
    assert_safe(&c);
    let view = c
        .servers()
        .into_iter()
        .find(|s| s.id == old.id)
        .expect("old");
    assert_eq!(view.role, Role::Follower);
    assert!(view.term > old.term);
}

/// Deterministic simulation testing: random clusters under random schedules of crashes,
/// restarts, pauses, partitions, and dropped, duplicated and delayed messages, with a client
/// writing all along. Every change is checked against Raft's safety properties; at the end
/// the network heals, every server restarts, and every acknowledged write must be in every
/// server's state. A failing seed is printed so it can be replayed.
/// One random schedule (see below): a cluster of 3 or 5 servers with random settings, a fault
/// every 50 to 350 ms for 3 s, a write every 30 ms; then the network heals and every server
/// restarts. Run it to 6 s.
/// A random schedule of faults and writes, as a cluster scenario: 3 or 5 servers, pre-vote
/// and check-quorum each on or off, some loss; faults every 50–350 ms for 3 s; then the
/// network heals, every server restarts, the loss stops, and the cluster runs 3 s more. A
/// three-server schedule uses raft-cluster.ron's parts, so its file opens in the explorer.
fn random_scenario(seed: u64) -> ClusterScenario {
    let mut r = Rng::new(seed).split(0x647374);
    let servers = if r.chance(0.5) { 3 } else { 5 };
    let config = ClusterConfig {
        servers,
        loss: [0.0, 0.01, 0.05][r.below(3) as usize],
        pre_vote: r.chance(0.5),
        check_quorum: r.chance(0.5),
        ..ClusterConfig::default()
    };
    // A server by number, or the leader of the moment (or, for a restart, the last crashed).
    let id = |r: &mut Rng, other: Who| match r.below(6) {
        0 => other,
        _ => Who::Server(ServerId(1 + r.below(servers))),
    };
    let mut faults = Vec::new();
    let mut t = 200;
    while t < 3000 {
        let fault = match r.below(8) {
            0 => Fault::Crash(id(&mut r, Who::Leader)),
            1 => Fault::Restart(id(&mut r, Who::Crashed)),
            2 => Fault::Pause(id(&mut r, Who::Leader), 100 + r.below(600)),
            3 => {
                let mut side: Vec<Who> = (1..=servers)
                    .filter(|_| r.chance(0.4))
                    .map(|s| ServerId(s).into())
                    .collect();
                if side.is_empty() {
                    side.push(ServerId(1 + r.below(servers)).into());
                }
                Fault::Partition(vec![side])
            }
            4 => Fault::Heal,
            5 => Fault::Drop(Default::default()),
            6 => Fault::Duplicate(Default::default()),
            _ => Fault::Delay(Default::default(), 1 + r.below(300)),
        };
        faults.push((t, fault));
        t += 50 + r.below(300);
    }
    faults.push((3000, Fault::Heal));
    faults.extend((1..=servers).map(|s| (3000, Fault::Restart(ServerId(s).into()))));
    faults.push((3000, Fault::Loss(0.0)));
    let part = |n: u64, what: &str| {
        if what.is_empty() {
            format!("s{n}")
        } else {
            format!("s{n}-{what}")
        }
    };
    ClusterScenario {
        name: format!("replay-{seed}"),
        title: format!("Random schedule {seed}"),
        diagram: "raft-cluster.ron".to_owned(),
        seed,
        until_ms: 6000,
        servers: (1..=servers)
            .map(|n| ServerDef {
                computer: part(n, ""),
                raft: part(n, "raft"),
                log: part(n, "log"),
                state: part(n, "sm"),
                disk: part(n, "wal"),
            })
            .collect(),
        network: "network".to_owned(),
        client: "client".to_owned(),
        config,
        writes: (0..100u64)
            .map(|n| (300 + 30 * n, format!("k{n} = {n}")))
            .collect(),
        faults,
        phases: Vec::new(),
    }
}

fn random_schedule(seed: u64) -> Cluster {
    let s = random_scenario(seed);
    s.run(seed, &[]).expect("a valid cluster")
}

/// A scenario as a file `check`, `autochitect lab` and the explorer read.
fn scenario_text(s: &ClusterScenario) -> String {
    let who = |w: &Who| match w {
        Who::Server(id) => id.to_string(),
        Who::Leader => "leader".to_owned(),
        Who::Crashed => "crashed".to_owned(),
    };
    let faults: Vec<String> = s
        .faults
        .iter()
        .map(|(at, f)| match f {
            Fault::Crash(w) => format!("Crash(server: \"{}\", at_ms: {at})", who(w)),
            Fault::Restart(w) => format!("Restart(server: \"{}\", at_ms: {at})", who(w)),
            Fault::Pause(w, ms) => {
                format!("Pause(server: \"{}\", at_ms: {at}, for_ms: {ms})", who(w))
            }
            Fault::Partition(sides) => {
                let sides: Vec<String> = (sides.iter())
                    .map(|side| {
                        let names: Vec<String> =
                            side.iter().map(|w| format!("\"{}\"", who(w))).collect();
                        format!("[{}]", names.join(", "))
                    })
                    .collect();
                format!("Partition(at_ms: {at}, sides: [{}])", sides.join(", "))
            }
            Fault::Heal => format!("Heal(at_ms: {at})"),
            Fault::Loss(p) => format!("Loss(at_ms: {at}, loss: {p:?})"),
            Fault::Drop(_) => format!("Drop(message: \"any message\", at_ms: {at})"),
            Fault::Duplicate(_) => format!("Duplicate(message: \"any message\", at_ms: {at})"),
            Fault::Delay(_, by) => {
                format!("Delay(message: \"any message\", by_ms: {by}, at_ms: {at})")
            }
        })
        .collect();
    let servers: Vec<String> = (s.servers.iter())
        .map(|p| {
            format!(
                "(computer: \"{}\", raft: \"{}\", log: \"{}\", state: \"{}\", disk: \"{}\")",
                p.computer, p.raft, p.log, p.state, p.disk
            )
        })
        .collect();
    let writes: Vec<String> = (s.writes.iter())
        .map(|(at, c)| format!("(at_ms: {at}, command: \"{c}\")"))
        .collect();
    let c = &s.config;
    format!(
        "(\n    title: \"{}\",\n    diagram: \"{}\",\n    seed: {},\n    until_ms: {},\n    servers: [\n        {},\n    ],\n    network: (part: \"{}\", latency_ms: ({}, {}), loss: {:?}),\n    client: (part: \"{}\", writes: [\n        {},\n    ]),\n    raft: (election_ticks: {}, heartbeat_ticks: {}, pre_vote: {}, check_quorum: {}),\n    faults: [\n        {},\n    ],\n)\n",
        s.title,
        s.diagram,
        s.seed,
        s.until_ms,
        servers.join(",\n        "),
        s.network,
        c.latency_ms.0,
        c.latency_ms.1,
        c.loss,
        s.client,
        writes.join(",\n        "),
        c.election_ticks,
        c.heartbeat_ticks,
        c.pre_vote,
        c.check_quorum,
        faults.join(",\n        "),
    )
}

/// Writes a three-server schedule as a scenario file to replay in the explorer; says how.
fn replay_hint(seed: u64) -> String {
    let s = random_scenario(seed);
    if s.servers.len() != 3 {
        return format!(
            "`REPLAY={seed}` prints its events (a {}-server schedule: the diagram has three servers, so it does not open in the explorer)",
            s.servers.len()
        );
    }
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let file = dir.join(format!("replay-{seed}.ron"));
    match std::fs::write(&file, scenario_text(&s)) {
        Ok(()) => format!(
            "`REPLAY={seed}` prints its events; to play it in the explorer, copy {} into diagrams/labs/, list it in diagrams/labs/index.ron, and run `cargo run --release -- --lab replay-{seed}` (`autochitect lab replay-{seed}` prints it)",
            file.display()
        ),
        Err(e) => format!(
            "`REPLAY={seed}` prints its events ({} could not be written: {e})",
            file.display()
        ),
    }
}

/// Deterministic simulation testing: random clusters under random schedules of crashes,
/// restarts, pauses, partitions, and dropped, duplicated and delayed messages, with a client
/// writing all along. Every change is checked against Raft's safety properties; at the end
/// the network heals, every server restarts, and every acknowledged write must be in every
/// server's state. A failing seed is printed; `REPLAY=<seed>` prints its events.
#[test]
fn random_schedules_of_faults_never_break_raft_safety() {
    const SCHEDULES: u64 = 2000;
    if let Some(seed) = std::env::var("REPLAY").ok().and_then(|s| s.parse().ok()) {
        let c = random_schedule(seed);
        for line in autochitect::lab::cluster::text::lines(c.events()) {
            eprintln!("{line}");
        }
        eprintln!("{}", replay_hint(seed));
    }
    let (mut events, mut checks) = (0usize, 0u64);
    for seed in 0..SCHEDULES {
        let c = random_schedule(seed);
        let broken: Vec<String> = c.violations().iter().map(ToString::to_string).collect();
        assert!(
            broken.is_empty(),
            "seed {seed}: {broken:#?}\n{}",
            replay_hint(seed)
        );
        let acknowledged: BTreeSet<&String> = c.acknowledged().iter().collect();
        for s in c.servers() {
            for w in &acknowledged {
                let (k, v) = w.split_once(" = ").expect("k = v");
                assert_eq!(
                    s.state.get(k).map(String::as_str),
                    Some(v),
                    "seed {seed}: {} lacks the acknowledged {w:?}\n{}",
                    s.id,
                    replay_hint(seed)
                );
            }
        }
        events += c.events().len();
        checks += c.checks();
    }
    eprintln!("{SCHEDULES} schedules, {events} events, {checks} safety checks");
    assert!(events > SCHEDULES as usize * 1000);
}

#[test]
fn a_three_server_schedule_written_as_a_scenario_file_replays_the_same_run() {
    let diagram = crate::support::shipped_diagram("raft-cluster.ron");
    let mut replayed = 0;
    for seed in 0..40 {
        let s = random_scenario(seed);
        if s.servers.len() != 3 {
            continue;
        }
        let text = scenario_text(&s);
        let read = autochitect::lab::cluster::scenario::parse_cluster_in(
            "replay.ron",
            &s.name,
            &text,
            &mut |_| Ok(Some(diagram.clone())),
        )
        .unwrap_or_else(|d| panic!("seed {seed}: {d}\n{text}"));
        assert_eq!(read, s, "seed {seed}: the file is the schedule");
        let (a, b) = (
            random_schedule(seed),
            read.run(seed, &[]).expect("a cluster"),
        );
        assert_eq!(
            autochitect::lab::cluster::text::digest(a.events()),
            autochitect::lab::cluster::text::digest(b.events())
        );
        replayed += 1;
    }
    assert!(replayed >= 10, "{replayed} three-server schedules of 40");
}
