//! A cluster run as the explorer shows it: each event's row of the event list, each message's
//! walk from its sender's Raft module through the network to its receiver's, when each message
//! arrives or is lost, every server's state at any event (replayed from the events alone), and
//! a message's fields for the inspector, each linked to the write-up section explaining it.
//!
//! Pure, like the rest of the lab: the app draws what this computes.

use std::collections::BTreeMap;

use raft::eraftpb::MessageType;

use super::scenario::ClusterScenario;
use super::sim::{
    ClusterEvent, EventKind, Fault, Message, Role, ServerId, ServerView, TimerMark, Who,
};
use super::text::{describe, paper_name, raft_name, role_name};
use crate::lab::sequence::SequenceItem;
use crate::lab::view::{FieldTopic, Row, Walk};
use crate::model::{ComponentId, Diagram, Target};

/// What the event list can filter a cluster run by, in the order it offers them.
pub const PROTOCOLS: [&str; 6] = ["Vote", "Log", "Beat", "State", "Client", "Fault"];

/// The list's name for the events about a message of this kind.
pub fn protocol(kind: MessageType) -> &'static str {
    match kind {
        MessageType::MsgRequestPreVote
        | MessageType::MsgRequestPreVoteResponse
        | MessageType::MsgRequestVote
        | MessageType::MsgRequestVoteResponse => "Vote",
        MessageType::MsgHeartbeat | MessageType::MsgHeartbeatResponse => "Beat",
        _ => "Log",
    }
}

/// A message's name on the canvas, short.
pub fn short_name(kind: MessageType) -> &'static str {
    match kind {
        MessageType::MsgRequestPreVote => "PreVote",
        MessageType::MsgRequestPreVoteResponse => "PreVote reply",
        MessageType::MsgRequestVote => "RequestVote",
        MessageType::MsgRequestVoteResponse => "Vote reply",
        MessageType::MsgAppend => "AppendEntries",
        MessageType::MsgAppendResponse => "Append reply",
        MessageType::MsgHeartbeat => "Heartbeat",
        MessageType::MsgHeartbeatResponse => "Heartbeat reply",
        _ => "Raft",
    }
}

/// Every message of the run by its number.
pub fn messages(events: &[ClusterEvent]) -> BTreeMap<u64, &Message> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Sent { number, message } => Some((*number, message)),
            _ => None,
        })
        .collect()
}

/// Each event's row of the event list.
pub fn rows(events: &[ClusterEvent]) -> Vec<Row> {
    let sent = messages(events);
    let about = |n: &u64| sent.get(n).copied();
    events
        .iter()
        .zip(describe(events))
        .enumerate()
        .map(|(i, (e, summary))| {
            let one = |s: &ServerId| (s.to_string(), s.to_string());
            let ((from, to), protocol) = match &e.kind {
                EventKind::Sent { message: m, .. } => {
                    ((m.from.to_string(), m.to.to_string()), protocol(m.kind))
                }
                EventKind::Delivered { number } | EventKind::Lost { number, .. } => {
                    match about(number) {
                        Some(m) => ((m.from.to_string(), m.to.to_string()), protocol(m.kind)),
                        None => (("?".into(), "?".into()), "Log"),
                    }
                }
                EventKind::Role { server, .. }
                | EventKind::Voted { server, .. }
                | EventKind::Persisted { server, .. }
                | EventKind::Committed { server, .. }
                | EventKind::Applied { server, .. } => (one(server), "State"),
                EventKind::Proposed { server, .. } => {
                    (("client".into(), server.to_string()), "Client")
                }
                EventKind::Refused { .. } => (("client".into(), "client".into()), "Client"),
                EventKind::Crashed(s)
                | EventKind::Restarted(s)
                | EventKind::Paused(s)
                | EventKind::Resumed(s) => (one(s), "Fault"),
                EventKind::Partitioned(_) | EventKind::Healed => {
                    (("network".into(), "network".into()), "Fault")
                }
            };
            Row {
                number: i + 1,
                time: e.at_ms.to_string(),
                from,
                to,
                protocol: protocol.to_owned(),
                summary,
            }
        })
        .collect()
}

/// The protocols present in `rows`, in the order of [`PROTOCOLS`].
pub fn protocols_in(rows: &[Row]) -> Vec<&'static str> {
    PROTOCOLS
        .into_iter()
        .filter(|p| rows.iter().any(|r| r.protocol == *p))
        .collect()
}

/// A message's way: from its sender's Raft module, through the network, to its receiver's.
pub fn walk(scenario: &ClusterScenario, diagram: &Diagram, message: &Message) -> Walk {
    let raft = |id: ServerId| {
        let parts = scenario
            .servers
            .get(usize::try_from(id.0).ok()?.checked_sub(1)?)?;
        diagram
            .component(&parts.raft)
            .map(|_| Target::Component(ComponentId::new(parts.raft.as_str())))
    };
    let network = Target::Component(ComponentId::new(scenario.network.as_str()));
    let name = vec![short_name(message.kind)];
    let mut plan = Vec::new();
    plan.extend(raft(message.from).map(|t| (t, name.clone())));
    if diagram.component(&scenario.network).is_some() {
        plan.push((network.clone(), name.clone()));
    }
    plan.extend(raft(message.to).map(|t| (t, name)));
    Walk::through(diagram, plan, Some(&network))
}

/// A message on its way: its number, when it left and when it arrived or was lost.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Flight {
    /// The message's number.
    pub number: u64,
    /// When it was sent, in milliseconds.
    pub sent_ms: u64,
    /// When it arrived or was lost (`None`: still on its way when the run ended).
    pub end_ms: Option<u64>,
    /// It was lost.
    pub lost: bool,
}

/// Each `Sent` event's flight (`None` for other events).
pub fn flights(events: &[ClusterEvent]) -> Vec<Option<Flight>> {
    let mut ends: BTreeMap<u64, (u64, bool)> = BTreeMap::new();
    for e in events {
        match e.kind {
            EventKind::Delivered { number } => {
                ends.entry(number).or_insert((e.at_ms, false));
            }
            EventKind::Lost { number, .. } => {
                ends.entry(number).or_insert((e.at_ms, true));
            }
            _ => {}
        }
    }
    events
        .iter()
        .map(|e| match &e.kind {
            EventKind::Sent { number, .. } => {
                let end = ends.get(number);
                Some(Flight {
                    number: *number,
                    sent_ms: e.at_ms,
                    end_ms: end.map(|(t, _)| *t),
                    lost: end.is_some_and(|(_, l)| *l),
                })
            }
            _ => None,
        })
        .collect()
}

impl ServerView {
    /// Its role in words: `leader`, `follower (paused)`, `down`.
    pub fn role_words(&self) -> String {
        match (self.up, self.paused) {
            (false, _) => "down".to_owned(),
            (true, true) => format!("{} (paused)", role_name(self.role)),
            (true, false) => role_name(self.role).to_owned(),
        }
    }

    /// Its election timer as the explorer shows it, from its last mark: only a running
    /// follower's or candidate's (a leader's does not lead to an election).
    pub fn election_clock(&self, mark: Option<(u32, u32)>) -> Option<(u32, u32)> {
        mark.filter(|_| self.up && self.role != Role::Leader)
    }

    /// A server at the start: a follower in term 0 with an empty log.
    fn fresh(id: ServerId) -> Self {
        Self {
            id,
            up: true,
            paused: false,
            role: Role::Follower,
            term: 0,
            vote: None,
            leader: None,
            commit: 0,
            log_terms: Vec::new(),
            state: BTreeMap::new(),
            side: None,
        }
    }
}

/// Every server's state after the events up to and including `upto`, replayed from the
/// events: roles, terms and leaders from `Role`, votes from `Voted`, logs from `Persisted`,
/// commit indexes from `Committed`, the key-value store from `Applied` (emptied by a crash),
/// and the sides of a split network.
pub fn servers_at(servers: usize, events: &[ClusterEvent], upto: usize) -> Vec<ServerView> {
    let mut out: Vec<ServerView> = (1..=servers as u64)
        .map(|n| ServerView::fresh(ServerId(n)))
        .collect();
    let at = |out: &[ServerView], id: &ServerId| -> Option<usize> {
        let i = usize::try_from(id.0).ok()?.checked_sub(1)?;
        (i < out.len()).then_some(i)
    };
    for e in events.iter().take(upto.saturating_add(1)) {
        match &e.kind {
            EventKind::Role {
                server,
                role,
                term,
                leader,
            } => {
                if let Some(s) = at(&out, server).and_then(|i| out.get_mut(i)) {
                    if s.term != *term {
                        s.vote = None;
                    }
                    (s.role, s.term, s.leader) = (*role, *term, *leader);
                }
            }
            EventKind::Voted {
                server, candidate, ..
            } => {
                if let Some(s) = at(&out, server).and_then(|i| out.get_mut(i)) {
                    s.vote = Some(*candidate);
                }
            }
            EventKind::Persisted {
                server,
                first,
                terms,
                ..
            } => {
                if let Some(s) = at(&out, server).and_then(|i| out.get_mut(i)) {
                    let keep = usize::try_from(first.saturating_sub(1)).unwrap_or(usize::MAX);
                    s.log_terms.truncate(keep);
                    s.log_terms.extend(terms);
                }
            }
            EventKind::Committed { server, index } => {
                if let Some(s) = at(&out, server).and_then(|i| out.get_mut(i)) {
                    s.commit = *index;
                }
            }
            EventKind::Applied {
                server, command, ..
            } => {
                if let Some(s) = at(&out, server).and_then(|i| out.get_mut(i))
                    && let Some((k, v)) = command.split_once('=')
                {
                    s.state.insert(k.trim().to_owned(), v.trim().to_owned());
                }
            }
            EventKind::Crashed(id) => {
                if let Some(s) = at(&out, id).and_then(|i| out.get_mut(i)) {
                    (s.up, s.paused) = (false, false);
                    s.state.clear();
                }
            }
            EventKind::Restarted(id) => {
                if let Some(s) = at(&out, id).and_then(|i| out.get_mut(i)) {
                    s.up = true;
                }
            }
            EventKind::Paused(id) | EventKind::Resumed(id) => {
                let paused = matches!(e.kind, EventKind::Paused(_));
                if let Some(s) = at(&out, id).and_then(|i| out.get_mut(i)) {
                    s.paused = paused;
                }
            }
            EventKind::Partitioned(sides) => {
                for (n, side) in sides.iter().enumerate() {
                    for id in side {
                        if let Some(s) = at(&out, id).and_then(|i| out.get_mut(i)) {
                            s.side = Some(n);
                        }
                    }
                }
            }
            EventKind::Healed => out.iter_mut().for_each(|s| s.side = None),
            EventKind::Sent { .. }
            | EventKind::Delivered { .. }
            | EventKind::Lost { .. }
            | EventKind::Proposed { .. }
            | EventKind::Refused { .. } => {}
        }
    }
    out
}

/// Each server's election timer at `at_ms` (ticks elapsed, ticks it waits), from the last
/// mark at or before then; `None` for a server with no mark yet.
pub fn timers_at(marks: &[TimerMark], servers: usize, at_ms: u64) -> Vec<Option<(u32, u32)>> {
    let end = marks.partition_point(|m| m.at_ms <= at_ms);
    let before = marks.get(..end).unwrap_or_default();
    (1..=servers as u64)
        .map(|n| {
            before
                .iter()
                .rev()
                .find(|m| m.server == ServerId(n))
                .map(|m| (m.elapsed, m.timeout))
        })
        .collect()
}

/// Where the raft-protocol write-up explains a message's fields.
const RAFT: &str = "raft-protocol";

/// A message's fields as the inspector shows them: name, value, and the write-up section
/// that explains the field, where one does.
pub fn message_fields(m: &Message) -> Vec<(&'static str, String, Option<FieldTopic>)> {
    let at = |section| {
        Some(FieldTopic {
            writeup: RAFT,
            section,
        })
    };
    const TERMS: &str = "Terms and roles";
    const ELECTIONS: &str = "Elections with randomized timeouts";
    const REPLICATION: &str = "Log replication and the Log Matching Property";
    const COMMIT: &str = "Commit via majority";
    let kind = m.kind;
    let vote = matches!(
        kind,
        MessageType::MsgRequestVote | MessageType::MsgRequestPreVote
    );
    let answer = matches!(
        kind,
        MessageType::MsgRequestVoteResponse
            | MessageType::MsgRequestPreVoteResponse
            | MessageType::MsgAppendResponse
    );
    let mut out = vec![
        (
            "Type",
            format!("{} ({})", raft_name(kind), paper_name(kind)),
            at(if protocol(kind) == "Vote" {
                ELECTIONS
            } else {
                REPLICATION
            }),
        ),
        ("From", m.from.to_string(), None),
        ("To", m.to.to_string(), None),
        ("Term", m.term.to_string(), at(TERMS)),
    ];
    if vote {
        out.push(("Last log index", m.index.to_string(), at(ELECTIONS)));
        out.push(("Last log term", m.log_term.to_string(), at(ELECTIONS)));
    }
    if kind == MessageType::MsgAppend {
        out.push(("Previous log index", m.index.to_string(), at(REPLICATION)));
        out.push(("Previous log term", m.log_term.to_string(), at(REPLICATION)));
        let entries = if m.entries.is_empty() {
            "none".to_owned()
        } else {
            (m.entries.iter())
                .map(|(i, t)| format!("{i} (term {t})"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push(("Entries", entries, at(REPLICATION)));
    }
    if kind == MessageType::MsgAppendResponse {
        out.push(("Index", m.index.to_string(), at(REPLICATION)));
    }
    if matches!(kind, MessageType::MsgAppend | MessageType::MsgHeartbeat) {
        out.push(("Leader's commit", m.commit.to_string(), at(COMMIT)));
    }
    if answer {
        let (yes, no) = if kind == MessageType::MsgAppendResponse {
            ("accepted", "refused: the logs differ there")
        } else {
            ("granted", "refused")
        };
        let topic = if kind == MessageType::MsgAppendResponse {
            REPLICATION
        } else {
            ELECTIONS
        };
        out.push((
            "Answer",
            if m.reject { no } else { yes }.to_owned(),
            at(topic),
        ));
    }
    out
}

/// The run as a sequence diagram: a lifeline per server and one for the client (the last);
/// an arrow per message (crossed where it was lost), and a note for each change of role or
/// vote, commit, crash, restart, pause and split.
pub fn sequence(events: &[ClusterEvent], servers: usize) -> Vec<SequenceItem> {
    let lane = |id: &ServerId| usize::try_from(id.0).unwrap_or(1).saturating_sub(1);
    let client = servers;
    let flights = flights(events);
    events
        .iter()
        .zip(describe(events))
        .zip(&flights)
        .enumerate()
        .filter_map(|(event, ((e, words), flight))| {
            let note = |on: usize, text: String| Some(SequenceItem::Note { event, on, text });
            match &e.kind {
                EventKind::Sent { number, message: m } => Some(SequenceItem::Arrow {
                    event,
                    from: lane(&m.from),
                    to: lane(&m.to),
                    text: format!("#{number} {} t{}", short_name(m.kind), m.term),
                    lost: flight.is_some_and(|f| f.lost),
                }),
                EventKind::Proposed { server, command } => Some(SequenceItem::Arrow {
                    event,
                    from: client,
                    to: lane(server),
                    text: format!("write {command}"),
                    lost: false,
                }),
                EventKind::Refused { .. } => note(client, words),
                EventKind::Role { server, .. }
                | EventKind::Voted { server, .. }
                | EventKind::Committed { server, .. }
                | EventKind::Crashed(server)
                | EventKind::Restarted(server)
                | EventKind::Paused(server)
                | EventKind::Resumed(server) => note(lane(server), words),
                EventKind::Partitioned(sides) => {
                    note(sides.first().and_then(|s| s.first()).map_or(0, lane), words)
                }
                EventKind::Healed => note(0, words),
                EventKind::Delivered { .. }
                | EventKind::Lost { .. }
                | EventKind::Persisted { .. }
                | EventKind::Applied { .. } => None,
            }
        })
        .collect()
}

/// How long the learner's "pause" holds a server, in milliseconds.
pub const PAUSE_MS: u64 = 1_000;

/// A cluster fault in a few words, for the lab panel: "S2 crashed at 1200 ms".
pub fn fault_words(at_ms: u64, fault: &Fault) -> String {
    let who = |w: &Who| match w {
        Who::Server(id) => id.to_string(),
        Who::Leader => "the leader".to_owned(),
        Who::Crashed => "the crashed server".to_owned(),
    };
    let matched = |m: &super::sim::MessageMatch| {
        let mut words = vec![m.kind.map_or("a message", short_name).to_owned()];
        words.extend(m.number.map(|n| format!("#{n}")));
        words.extend(m.from.map(|s| format!("from {s}")));
        words.extend(m.to.map(|s| format!("to {s}")));
        words.join(" ")
    };
    match fault {
        Fault::Crash(w) => format!("{} crashed at {at_ms} ms", who(w)),
        Fault::Restart(w) => format!("{} restarted at {at_ms} ms", who(w)),
        Fault::Pause(w, ms) => format!("{} paused {ms} ms at {at_ms} ms", who(w)),
        Fault::Partition(sides) => {
            let sides: Vec<String> = sides
                .iter()
                .map(|s| s.iter().map(who).collect::<Vec<_>>().join(", "))
                .collect();
            format!("{} cut off at {at_ms} ms", sides.join(" | "))
        }
        Fault::Heal => format!("network healed at {at_ms} ms"),
        Fault::Loss(p) => format!("the network loses {:.0} % from {at_ms} ms", p * 100.0),
        Fault::Drop(m) => format!("{} dropped at {at_ms} ms", matched(m)),
        Fault::Duplicate(m) => format!("{} duplicated at {at_ms} ms", matched(m)),
        Fault::Delay(m, by) => format!("{} delayed {by} ms at {at_ms} ms", matched(m)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lab::cluster::{Cluster, ClusterConfig};

    #[test]
    fn replaying_the_events_gives_the_servers_state_the_cluster_reports() {
        let mut c = Cluster::new(ClusterConfig::default(), 2).unwrap();
        c.propose_at(500, "x = 5");
        c.fault_at(700, Fault::Crash(Who::Leader));
        c.propose_at(1500, "y = 7");
        c.fault_at(1800, Fault::Restart(Who::Crashed));
        c.run_until(2500);
        // The same type, the same values: the replay of the events is the cluster's state.
        assert_eq!(servers_at(3, c.events(), c.events().len() - 1), c.servers());
        c.fault_at(2600, Fault::Partition(vec![vec![Who::Leader]]));
        c.run_until(2700);
        assert_eq!(servers_at(3, c.events(), c.events().len() - 1), c.servers());
        // A follower's timer never runs past its timeout: it stands first.
        for m in c.timers() {
            assert!(m.elapsed <= m.timeout, "{m:?}");
        }
        let timers = timers_at(c.timers(), 3, c.now());
        assert!(timers.iter().all(Option::is_some));
        let rows = rows(c.events());
        assert_eq!(rows.len(), c.events().len());
        let sent = flights(c.events()).iter().flatten().count();
        let counted = (c.events().iter())
            .filter(|e| matches!(e.kind, EventKind::Sent { .. }))
            .count();
        assert_eq!(sent, counted);
    }
}
