//! The cluster's run in words: each message's name as raft-rs and the Raft paper call it, one
//! line per event, and the message matches a scenario or the command line writes
//! ("RequestVote from S2 to S3").

use std::collections::BTreeMap;

use raft::eraftpb::MessageType;

use super::sim::{ClusterEvent, EventKind, Loss, Message, MessageMatch, Role, ServerId};

/// The messages a cluster sends between servers: raft-rs's name, the Raft paper's name (or
/// what it stands for), and the words a match may use for it.
const MESSAGES: &[(MessageType, &str, &[&str])] = &[
    (
        MessageType::MsgRequestPreVote,
        "pre-vote request (no term change)",
        &["PreVote", "RequestPreVote"],
    ),
    (
        MessageType::MsgRequestPreVoteResponse,
        "pre-vote answer",
        &["PreVoteResponse", "RequestPreVoteResponse"],
    ),
    (MessageType::MsgRequestVote, "RequestVote", &["RequestVote"]),
    (
        MessageType::MsgRequestVoteResponse,
        "RequestVote answer",
        &["RequestVoteResponse", "VoteResponse"],
    ),
    (
        MessageType::MsgAppend,
        "AppendEntries",
        &["AppendEntries", "Append"],
    ),
    (
        MessageType::MsgAppendResponse,
        "AppendEntries answer",
        &["AppendEntriesResponse", "AppendResponse"],
    ),
    (
        MessageType::MsgHeartbeat,
        "heartbeat (an empty AppendEntries in the paper)",
        &["Heartbeat"],
    ),
    (
        MessageType::MsgHeartbeatResponse,
        "heartbeat answer",
        &["HeartbeatResponse"],
    ),
    (
        MessageType::MsgSnapshot,
        "InstallSnapshot",
        &["Snapshot", "InstallSnapshot"],
    ),
    (
        MessageType::MsgTimeoutNow,
        "TimeoutNow (leadership transfer)",
        &["TimeoutNow"],
    ),
];

/// raft-rs's name of a message type (`MsgRequestVote`).
pub fn raft_name(kind: MessageType) -> &'static str {
    kind.as_str_name()
}

/// What the Raft paper calls a message, or what it stands for where the paper has no such
/// message (raft-rs's pre-vote and heartbeats).
pub fn paper_name(kind: MessageType) -> &'static str {
    MESSAGES
        .iter()
        .find(|(k, ..)| *k == kind)
        .map_or("internal message", |(_, name, _)| name)
}

/// A message type named as a match may name it: raft-rs's name (`MsgRequestVote`) or one of
/// the paper's (`RequestVote`), in any case.
pub fn parse_message_type(word: &str) -> Option<MessageType> {
    MESSAGES.iter().map(|(k, ..)| *k).find(|k| {
        k.as_str_name().eq_ignore_ascii_case(word)
            || MESSAGES
                .iter()
                .any(|(m, _, words)| m == k && words.iter().any(|w| w.eq_ignore_ascii_case(word)))
    })
}

/// The names a match accepts, for error messages.
pub fn message_words() -> String {
    MESSAGES
        .iter()
        .filter_map(|(_, _, words)| words.first().copied())
        .collect::<Vec<_>>()
        .join(", ")
}

/// A server named `S2` (any case) in a cluster of `servers`.
pub fn parse_server(word: &str, servers: u64) -> Option<ServerId> {
    let n: u64 = word.strip_prefix(['S', 's'])?.parse().ok()?;
    (1..=servers).contains(&n).then_some(ServerId(n))
}

/// Reads a message match: `RequestVote`, `next AppendEntries from S1 to S3`,
/// `any message to S2`, `#12` (the run's twelfth message). Every part is optional but one.
pub fn parse_match(text: &str, servers: u64) -> Result<MessageMatch, String> {
    let mut m = MessageMatch::default();
    let mut words = text.split_whitespace().peekable();
    if words.peek().is_some_and(|w| w.eq_ignore_ascii_case("the")) {
        words.next();
    }
    if words.peek().is_some_and(|w| w.eq_ignore_ascii_case("next")) {
        words.next();
    }
    let mut said = false;
    while let Some(word) = words.next() {
        let lower = word.to_ascii_lowercase();
        if let Some(n) = word.strip_prefix('#') {
            let n: u64 = n
                .parse()
                .ok()
                .filter(|n| *n > 0)
                .ok_or(format!("`{word}` is not a message number (`#12`)"))?;
            m.number = Some(n);
            said = true;
            continue;
        }
        match lower.as_str() {
            "any" | "message" => said = true,
            "from" | "to" => {
                let who = words
                    .next()
                    .ok_or(format!("`{word}` needs a server (S1)"))?;
                let id = parse_server(who, servers).ok_or(format!(
                    "`{who}` is not a server of this cluster (S1 to S{servers})"
                ))?;
                if lower == "from" {
                    m.from = Some(id);
                } else {
                    m.to = Some(id);
                }
                said = true;
            }
            _ if m.kind.is_none() => {
                m.kind = Some(parse_message_type(word).ok_or(format!(
                    "`{word}` is not a message; write one of {} (or raft-rs's names, such as MsgRequestVote), then `from S1` or `to S2` if you like",
                    message_words()
                ))?);
                said = true;
            }
            _ => return Err(format!("`{word}` is not understood in `{text}`")),
        }
    }
    if said {
        Ok(m)
    } else {
        Err(
            "a message match names a message, a sender or a receiver (`RequestVote from S2`)"
                .into(),
        )
    }
}

/// A message in a few words: its name and the fields that matter for its kind.
pub fn message_line(m: &Message) -> String {
    let head = format!(
        "{} {} → {} term {}",
        raft_name(m.kind),
        m.from,
        m.to,
        m.term
    );
    let entries = |es: &[(u64, u64)]| {
        es.iter()
            .map(|(i, t)| format!("{i}/{t}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    let tail = match m.kind {
        MessageType::MsgRequestVote | MessageType::MsgRequestPreVote => {
            format!(", last entry {}/{}", m.index, m.log_term)
        }
        MessageType::MsgRequestVoteResponse | MessageType::MsgRequestPreVoteResponse => {
            if m.reject { ", refused" } else { ", granted" }.to_owned()
        }
        MessageType::MsgAppend => {
            let carried = if m.entries.is_empty() {
                "no entries".to_owned()
            } else {
                format!("entries {}", entries(&m.entries))
            };
            format!(
                ", after {}/{}, {carried}, commit {}",
                m.index, m.log_term, m.commit
            )
        }
        MessageType::MsgAppendResponse => {
            if m.reject {
                format!(", refused at {}", m.index)
            } else {
                format!(", has up to {}", m.index)
            }
        }
        MessageType::MsgHeartbeat => format!(", commit {}", m.commit),
        _ => String::new(),
    };
    head + &tail
}

/// A role as a learner reads it.
pub fn role_name(role: Role) -> &'static str {
    match role {
        Role::Follower => "follower",
        Role::PreCandidate => "pre-candidate",
        Role::Candidate => "candidate",
        Role::Leader => "leader",
    }
}

/// Why a message was lost, in words.
pub fn loss_words(why: Loss) -> &'static str {
    match why {
        Loss::Partition => "the network is split between them",
        Loss::Down => "the receiver is down",
        Loss::Chance => "lost by the network",
        Loss::Dropped => "dropped on purpose",
    }
}

/// The lines of a run: one per event, the time first, with each delivery and loss naming the
/// message it is about.
pub fn lines(events: &[ClusterEvent]) -> Vec<String> {
    events
        .iter()
        .zip(describe(events))
        .map(|(e, what)| format!("{:>7} ms  {what}", e.at_ms))
        .collect()
}

/// What each event is, in words (its line without the time).
pub fn describe(events: &[ClusterEvent]) -> Vec<String> {
    let mut sent: BTreeMap<u64, &Message> = BTreeMap::new();
    // Each server's log on disk so far (the term of each entry), to say what a write replaces.
    let mut logs: BTreeMap<ServerId, Vec<u64>> = BTreeMap::new();
    events
        .iter()
        .map(|e| {
            if let EventKind::Sent { number, message } = &e.kind {
                sent.insert(*number, message);
            }
            let about = |number: &u64| {
                sent.get(number).map_or(String::new(), |m| {
                    format!(" ({} {} → {})", raft_name(m.kind), m.from, m.to)
                })
            };
            match &e.kind {
                EventKind::Sent { number, message } => {
                    format!("#{number} sent: {}", message_line(message))
                }
                EventKind::Delivered { number } => format!("#{number} delivered{}", about(number)),
                EventKind::Lost { number, why } => {
                    format!("#{number} lost{}: {}", about(number), loss_words(*why))
                }
                EventKind::Role {
                    server,
                    role,
                    term,
                    leader,
                } => {
                    let knows = match leader {
                        Some(l) if *l != *server => format!(", leader {l}"),
                        _ => String::new(),
                    };
                    format!("{server} is {} in term {term}{knows}", role_name(*role))
                }
                EventKind::Voted {
                    server,
                    term,
                    candidate,
                } if server == candidate => {
                    format!("{server} votes for itself in term {term} (no message)")
                }
                EventKind::Voted {
                    server,
                    term,
                    candidate,
                } => format!("{server} votes for {candidate} in term {term}"),
                EventKind::Persisted {
                    server,
                    first,
                    last,
                    terms,
                } => {
                    let log = logs.entry(*server).or_default();
                    let keep = usize::try_from(first.saturating_sub(1)).unwrap_or(usize::MAX);
                    let replaced = log.get(keep..).map(<[u64]>::to_vec).unwrap_or_default();
                    log.truncate(keep);
                    log.extend(terms);
                    let (what, of) = if first == last {
                        (format!("entry {first}"), "term")
                    } else {
                        (format!("entries {first}–{last}"), "terms")
                    };
                    let terms: Vec<String> = terms.iter().map(u64::to_string).collect();
                    let mut line = format!(
                        "{server} writes {what} ({of} {}) to its disk",
                        terms.join(", ")
                    );
                    if !replaced.is_empty() {
                        let gone: Vec<String> = replaced.iter().map(u64::to_string).collect();
                        let end = first + replaced.len() as u64 - 1;
                        let (span, of) = if end == *first {
                            (format!("entry {first}"), "term")
                        } else {
                            (format!("entries {first}–{end}"), "terms")
                        };
                        line.push_str(&format!(
                            ", replacing its uncommitted {span} ({of} {})",
                            gone.join(", ")
                        ));
                    }
                    line
                }
                EventKind::Committed { server, index } => {
                    format!("{server} commit index {index}")
                }
                EventKind::Applied {
                    server,
                    index,
                    term,
                    command,
                } => format!("{server} applies entry {index} (term {term}): {command}"),
                EventKind::Proposed { server, command } => {
                    format!("client writes `{command}` to {server}")
                }
                EventKind::Refused { command } => {
                    format!("client finds no leader to take `{command}`")
                }
                EventKind::Crashed(s) => format!("{s} crashes (its disk stays)"),
                EventKind::Restarted(s) => format!("{s} restarts from its disk"),
                EventKind::Paused(s) => format!("{s} pauses"),
                EventKind::Resumed(s) => format!("{s} runs again"),
                EventKind::Partitioned(sides) => {
                    let sides: Vec<String> = sides
                        .iter()
                        .map(|side| {
                            let names: Vec<String> = side.iter().map(|s| s.to_string()).collect();
                            format!("{{{}}}", names.join(", "))
                        })
                        .collect();
                    format!("the network splits: {}", sides.join(" | "))
                }
                EventKind::Healed => "the network is whole again".to_owned(),
            }
        })
        .collect()
}

/// The digest of a cluster run: FNV-1a over every event's line, which names every message's
/// fields and every change, with its time. A browser and a native build compare it.
pub fn digest(events: &[ClusterEvent]) -> u64 {
    let mut d = crate::lab::Digest::default();
    for line in lines(events) {
        d.add(line.as_bytes());
        d.add(b"\n");
    }
    d.value()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_read_the_papers_names_and_raft_rs_names() {
        let m = parse_match("the next RequestVote from S2 to s3", 3).unwrap();
        assert_eq!(m.kind, Some(MessageType::MsgRequestVote));
        assert_eq!((m.from, m.to), (Some(ServerId(2)), Some(ServerId(3))));
        let m = parse_match("MsgHeartbeat", 5).unwrap();
        assert_eq!(m.kind, Some(MessageType::MsgHeartbeat));
        assert_eq!(
            parse_match("any message to S1", 3).unwrap().to,
            Some(ServerId(1))
        );
        assert_eq!(parse_match("#12", 3).unwrap().number, Some(12));
        assert!(parse_match("#0", 3).is_err());
        assert!(
            parse_match("RequestVote from S4", 3)
                .unwrap_err()
                .contains("S1 to S3")
        );
        assert!(parse_match("Vote please", 3).is_err());
        assert!(parse_match("next", 3).is_err());
    }
}
