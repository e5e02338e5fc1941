//! The shipped cluster scenarios (`diagrams/labs/*.ron` with `servers`): each loads, runs with
//! no safety violation, has something happen in every phase, and tells the truth its
//! narration tells, asserted from the run's events. And a scenario with mistakes is refused
//! with each mistake at its line and column.

use std::collections::BTreeMap;

use autochitect::lab::any::AnyScenario;
use autochitect::lab::cluster::scenario::ClusterScenario;
use autochitect::lab::cluster::{Cluster, ClusterEvent, EventKind, Role, ServerId};

use crate::support::repo;

fn load(name: &str) -> ClusterScenario {
    let path = repo().join("diagrams/labs").join(format!("{name}.ron"));
    match autochitect::tools::lab::load(&repo(), &path) {
        Ok(AnyScenario::Cluster(s)) => s,
        Ok(AnyScenario::Network(_)) => panic!("{name} is a network scenario"),
        Err(d) => panic!("{d}"),
    }
}

fn run(s: &ClusterScenario) -> Cluster {
    let c = s.run(s.seed, &[]).expect("a valid cluster");
    let broken: Vec<String> = c.violations().iter().map(ToString::to_string).collect();
    assert!(broken.is_empty(), "{}: {broken:#?}", s.name);
    c
}

/// Every server's log on disk (the term of each entry) after each event, replayed from the
/// `Persisted` events alone.
fn logs_after(events: &[ClusterEvent]) -> Vec<BTreeMap<ServerId, Vec<u64>>> {
    let mut logs: BTreeMap<ServerId, Vec<u64>> = BTreeMap::new();
    events
        .iter()
        .map(|e| {
            if let EventKind::Persisted {
                server,
                first,
                terms,
                ..
            } = &e.kind
            {
                let log = logs.entry(*server).or_default();
                log.truncate(*first as usize - 1);
                log.extend(terms);
            }
            logs.clone()
        })
        .collect()
}

fn roles(c: &Cluster) -> Vec<(u64, ServerId, Role, u64)> {
    c.events()
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Role {
                server, role, term, ..
            } => Some((e.at_ms, *server, *role, *term)),
            _ => None,
        })
        .collect()
}

fn crashed(c: &Cluster) -> Vec<(u64, ServerId)> {
    (c.events().iter())
        .filter_map(|e| match e.kind {
            EventKind::Crashed(s) => Some((e.at_ms, s)),
            _ => None,
        })
        .collect()
}

/// The cluster scenarios shipped in `diagrams/labs/`, by name.
fn shipped() -> Vec<String> {
    let dir = repo().join("diagrams/labs");
    autochitect::tools::lab::scenarios_in(&dir)
        .into_iter()
        .filter(|p| {
            autochitect::lab::any::is_cluster(&std::fs::read_to_string(p).unwrap_or_default())
        })
        .filter_map(|p| Some(p.file_stem()?.to_string_lossy().into_owned()))
        .collect()
}

#[test]
fn every_cluster_scenario_runs_safely_and_something_happens_in_every_phase() {
    let names = shipped();
    for wanted in [
        "election",
        "leader-crash",
        "partition",
        "lost-vote",
        "figure-8",
    ] {
        assert!(names.iter().any(|n| n == wanted), "{wanted} in {names:?}");
    }
    for name in &names {
        let s = load(name);
        let c = run(&s);
        assert!(c.checks() > 0, "{name}: the safety checks ran");
        for (k, phase) in s.phases.iter().enumerate() {
            let end = s.phases.get(k + 1).map_or(s.until_ms, |p| p.at_ms);
            let inside = c
                .events()
                .iter()
                .filter(|e| (phase.at_ms..end).contains(&e.at_ms))
                .count();
            assert!(inside > 0, "{name}: phase `{}` has no event", phase.title);
        }
        // The running servers end in one state, and it holds every acknowledged write's key
        // (a later write to the same key wins).
        let states: Vec<_> = (c.servers().into_iter())
            .filter(|v| v.up)
            .map(|v| v.state)
            .collect();
        assert!(
            states.windows(2).all(|w| w[0] == w[1]),
            "{name}: {states:?}"
        );
        for command in c.acknowledged() {
            let key = command.split_once('=').expect("key = value").0.trim();
            assert!(states[0].contains_key(key), "{name}: {command}");
        }
    }
}

#[test]
fn leader_crash_elects_a_new_leader_in_a_higher_term_within_the_timeout_range() {
    let s = load("leader-crash");
    let c = run(&s);
    let [(crash_at, old)] = crashed(&c)[..] else {
        panic!("one crash: {:?}", crashed(&c));
    };
    let roles = roles(&c);
    let old_term = roles
        .iter()
        .rfind(|r| r.1 == old && r.2 == Role::Leader && r.0 <= crash_at)
        .map(|r| r.3)
        .expect("the crashed server led");
    // The first server to stand after the crash does so an election timeout after the last
    // message it got from the old leader: election_ticks to twice that less one, of 10 ms
    // each, give or take the tick the message fell in.
    let (stood_at, who) = roles
        .iter()
        .find(|r| r.0 > crash_at && matches!(r.2, Role::PreCandidate | Role::Candidate))
        .map(|r| (r.0, r.1))
        .expect("someone stands");
    let mut sent = BTreeMap::new();
    let heard = c
        .events()
        .iter()
        .filter(|e| e.at_ms <= crash_at)
        .filter_map(|e| match &e.kind {
            EventKind::Sent { number, message } => {
                sent.insert(*number, message.clone());
                None
            }
            EventKind::Delivered { number } => sent
                .get(number)
                .filter(|m| m.from == old && m.to == who)
                .map(|_| e.at_ms),
            _ => None,
        })
        .last()
        .expect("it heard the leader");
    let tick = autochitect::lab::cluster::sim::TICK_MS;
    let (low, high) = (
        s.config.election_ticks as u64 * tick,
        2 * s.config.election_ticks as u64 * tick,
    );
    let waited = stood_at - heard;
    assert!(
        (low - tick..high + tick).contains(&waited),
        "{who} stood {waited} ms after it last heard {old}; the timeout range is {low}–{high} ms"
    );
    let new = roles
        .iter()
        .find(|r| r.0 > crash_at && r.2 == Role::Leader)
        .expect("a new leader");
    assert_ne!(new.1, old);
    assert!(new.3 > old_term, "term {} after term {old_term}", new.3);
    // The old leader comes back as a follower and never leads again; it ends with the
    // leader's log.
    assert!(
        roles
            .iter()
            .filter(|r| r.1 == old && r.0 > crash_at)
            .all(|r| r.2 == Role::Follower)
    );
    let views = c.servers();
    let logs: Vec<&Vec<u64>> = views.iter().map(|v| &v.log_terms).collect();
    assert!(logs.windows(2).all(|w| w[0] == w[1]), "{logs:?}");
}

#[test]
fn partition_the_minority_leaders_entry_stays_uncommitted_and_is_replaced() {
    let s = load("partition");
    let c = run(&s);
    let split_at = c
        .events()
        .iter()
        .find(|e| matches!(e.kind, EventKind::Partitioned(_)))
        .map(|e| e.at_ms)
        .expect("a partition");
    // The write the client gives the cut-off leader.
    let (old, command) = c
        .events()
        .iter()
        .filter(|e| e.at_ms > split_at)
        .find_map(|e| match &e.kind {
            EventKind::Proposed { server, command } => Some((*server, command.clone())),
            _ => None,
        })
        .expect("a write after the split");
    let logs = logs_after(c.events());
    let (k, index, term) = c
        .events()
        .iter()
        .enumerate()
        .find_map(|(k, e)| match &e.kind {
            EventKind::Persisted {
                server,
                first,
                terms,
                ..
            } if *server == old && e.at_ms > split_at => Some((k, *first, terms[0])),
            _ => None,
        })
        .expect("the old leader stores it");
    // Only the old leader ever has that entry …
    let holders = |logs: &BTreeMap<ServerId, Vec<u64>>| {
        logs.values()
            .filter(|l| l.get(index as usize - 1) == Some(&term))
            .count()
    };
    assert!(logs[k..].iter().all(|l| holders(l) <= 1));
    // … it is never applied, nor acknowledged …
    assert!(!c.acknowledged().contains(&command));
    assert!(
        !c.events()
            .iter()
            .any(|e| matches!(&e.kind, EventKind::Applied { command: a, .. } if *a == command))
    );
    // … and after the network heals it is replaced on the old leader too.
    let end = logs.last().expect("events");
    let now = end.get(&old).and_then(|l| l.get(index as usize - 1));
    assert!(
        now.is_some_and(|t| *t != term),
        "entry {index} is still of term {term}"
    );
}

#[test]
fn lost_vote_splits_the_vote_in_one_term_and_a_later_term_elects_a_leader() {
    let s = load("lost-vote");
    let c = run(&s);
    let roles = roles(&c);
    let crash_at = crashed(&c).first().expect("a crash").0;
    let candidates = |term: u64| {
        roles
            .iter()
            .filter(|r| r.0 > crash_at && r.2 == Role::Candidate && r.3 == term)
            .count()
    };
    let leader_in = |term: u64| roles.iter().any(|r| r.2 == Role::Leader && r.3 == term);
    let split = roles
        .iter()
        .filter(|r| r.0 > crash_at && r.2 == Role::Candidate)
        .map(|r| r.3)
        .find(|&t| candidates(t) >= 2)
        .expect("two candidates in one term");
    assert!(
        !leader_in(split),
        "a split vote elects nobody in term {split}"
    );
    let next = roles
        .iter()
        .find(|r| r.2 == Role::Leader && r.3 > split)
        .expect("a leader in a later term");
    assert!(next.0 > crash_at);
}

#[test]
fn figure_8_an_old_term_entry_on_a_majority_is_not_committed_and_is_replaced() {
    let s = load("figure-8");
    let c = run(&s);
    let logs = logs_after(c.events());
    let majority = (s.servers.len() / 2) + 1;
    // Entry 2 is first written in term 1, by the leader of term 1.
    let (index, old_term) = (2usize, 1u64);
    let on_majority: Vec<usize> = logs
        .iter()
        .enumerate()
        .filter(|(_, l)| {
            l.values()
                .filter(|l| l.get(index - 1) == Some(&old_term))
                .count()
                >= majority
        })
        .map(|(k, _)| k)
        .collect();
    assert!(
        !on_majority.is_empty(),
        "entry {index} of term {old_term} reaches a majority at some point"
    );
    // No server ever commits index 2 while its own entry 2 is the old-term one.
    let mut commits: BTreeMap<ServerId, u64> = BTreeMap::new();
    for (k, e) in c.events().iter().enumerate() {
        if let EventKind::Committed { server, index: at } = e.kind {
            commits.insert(server, at);
            let own = logs[k].get(&server).and_then(|l| l.get(index - 1));
            assert!(
                !(at >= index as u64 && own == Some(&old_term)),
                "{server} committed {at} with entry {index} of term {old_term} at {} ms",
                e.at_ms
            );
        }
    }
    // It was then replaced on every server, and what the servers commit agrees.
    let end = logs.last().expect("events");
    assert!(
        end.values()
            .all(|l| l.get(index - 1).is_some_and(|t| *t != old_term)),
        "{end:?}"
    );
    assert!(commits.values().all(|&k| k >= index as u64));
    let write = s.writes.first().expect("a write").1.clone();
    assert!(!c.acknowledged().contains(&write));
}

#[test]
fn a_cluster_scenario_with_mistakes_is_refused_with_each_at_its_place() {
    let text = r#"(
    title: "Mistakes",
    diagram: "raft-cluster.ron",
    until_ms: 2000,
    servers: [
        (computer: "s1", raft: "s1-raft", log: "s1-log", state: "s1-sm", disk: "s1-wal"),
        (computer: "s2", raft: "s2-raft", log: "s2-log", state: "s2-sm", disk: "nowhere"),
    ],
    network: (part: "network", latency_ms: (20, 5)),
    client: (part: "client", writes: [(at_ms: 3000, command: "x is 5")]),
    raft: (election_ticks: 3, heartbeat_ticks: 5),
    faults: [
        Crash(server: "S9", at_ms: 100),
        Restart(server: "leader", at_ms: 200),
        Drop(message: "Hello from S1"),
    ],
    phases: [(at_ms: 10, title: "Late", narration: "Begins late.")],
)"#;
    let diagram = crate::support::shipped_diagram("raft-cluster.ron");
    let err = autochitect::lab::cluster::scenario::parse_cluster_in(
        "mistakes.ron",
        "mistakes",
        text,
        &mut |_| Ok(Some(diagram.clone())),
    )
    .expect_err("refused");
    let found: Vec<(usize, String)> = err
        .0
        .iter()
        .map(|d| (d.pos.map_or(0, |p| p.line), d.message.clone()))
        .collect();
    let expect = [
        (5, "odd number of servers"),
        (7, "`nowhere` is not a part of the diagram"),
        (9, "latency_ms is (20, 5)"),
        (10, "at_ms is 3000"),
        (10, "`x is 5` is not a write"),
        (11, "election_ticks is 3"),
        (13, "`S9` is not a server here"),
        (14, "`leader` is not a server here"),
        (15, "`Hello` is not a message"),
        (17, "the first phase begins at the start"),
    ];
    for (line, words) in expect {
        assert!(
            found.iter().any(|(l, m)| *l == line && m.contains(words)),
            "line {line}: `{words}` in {found:#?}"
        );
    }
    assert_eq!(found.len(), expect.len(), "{found:#?}");
}
