//! Cluster scenarios: RON files in `diagrams/labs/` that run a Raft cluster on a diagram's
//! servers, validated once into a [`ClusterScenario`] with every problem at its
//! `file:line:col`. A file with a `servers` list is a cluster scenario; one with `hosts` is a
//! network scenario ([`crate::lab::scenario`]).
//!
//! ```ron
//! (
//!     title: "The leader crashes",
//!     diagram: "raft-cluster.ron",
//!     until_ms: 4000,
//!     servers: [   // the first is S1, the next S2, …
//!         (computer: "s1", raft: "s1-raft", log: "s1-log", state: "s1-sm", disk: "s1-wal"),
//!         …
//!     ],
//!     network: (part: "network", latency_ms: (5, 15)),
//!     client: (part: "client", writes: [(at_ms: 600, command: "x = 5")]),
//!     raft: (election_ticks: 15, heartbeat_ticks: 5, pre_vote: true, check_quorum: true),
//!     faults: [Crash(server: "leader", at_ms: 1000), Restart(server: "crashed", at_ms: 2500)],
//!     phases: [(at_ms: 0, title: "…", narration: "…", notes: "…")],
//! )
//! ```
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use serde::Deserialize;

use super::sim::{Cluster, ClusterConfig, ClusterError, Fault, MAX_SERVERS, MessageMatch, Who};
use super::text::{parse_match, parse_server};
use crate::lab::scenario::{DiagramLookup, Validator, item, read_and_check};
use crate::model::{Diagnostic, Diagnostics, Diagram, Position, limits};

/// The longest cluster run a scenario may ask for, in milliseconds of virtual time.
pub const MAX_CLUSTER_UNTIL_MS: u64 = 120_000;
/// The longest pause, delay or partition a fault may ask for, in milliseconds.
const MAX_FAULT_MS: u64 = 60_000;

const FIELDS: &[&str] = &[
    "title", "diagram", "seed", "until_ms", "servers", "network", "client", "raft", "faults",
    "phases",
];
const SERVER_FIELDS: &[&str] = &["computer", "raft", "log", "state", "disk"];
const NETWORK_FIELDS: &[&str] = &["part", "latency_ms", "loss"];
const CLIENT_FIELDS: &[&str] = &["part", "writes"];
const RAFT_FIELDS: &[&str] = &[
    "election_ticks",
    "heartbeat_ticks",
    "pre_vote",
    "check_quorum",
];
const PHASE_FIELDS: &[&str] = &["at_ms", "title", "narration", "notes"];

/// A cluster scenario as written.
#[derive(Clone, Debug, Deserialize)]
pub struct ClusterFile {
    /// Shown above the run.
    pub title: String,
    /// The diagram whose parts the servers, network and client are.
    pub diagram: String,
    /// Every random choice comes from this seed.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// When the run stops, in milliseconds of virtual time.
    #[serde(default = "default_until")]
    pub until_ms: u64,
    /// The servers, S1 first.
    pub servers: Vec<ServerDef>,
    /// The network between them.
    pub network: NetworkDef,
    /// The client and what it writes.
    pub client: ClientDef,
    /// Raft's settings.
    #[serde(default)]
    pub raft: RaftDef,
    /// What goes wrong, on purpose.
    #[serde(default)]
    pub faults: Vec<FaultDef>,
    /// The story, in phases.
    #[serde(default)]
    pub phases: Vec<PhaseDef>,
}

fn default_seed() -> u64 {
    crate::lab::scenario::DEFAULT_SEED
}

fn default_until() -> u64 {
    crate::lab::scenario::DEFAULT_UNTIL_MS
}

/// The diagram parts that stand for one server.
#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
pub struct ServerDef {
    /// The server as a whole.
    pub computer: String,
    /// Its Raft module.
    pub raft: String,
    /// Its replicated log.
    pub log: String,
    /// Its state machine.
    pub state: String,
    /// Its log on disk.
    pub disk: String,
}

/// The network as written.
#[derive(Clone, Debug, Deserialize)]
pub struct NetworkDef {
    /// The diagram part that is the network.
    pub part: String,
    /// Each message takes from the first to the second many milliseconds.
    #[serde(default = "default_latency")]
    pub latency_ms: (u64, u64),
    /// The chance that any message is lost (0 to below 1).
    #[serde(default)]
    pub loss: f64,
}

fn default_latency() -> (u64, u64) {
    ClusterConfig::default().latency_ms
}

/// The client as written.
#[derive(Clone, Debug, Deserialize)]
pub struct ClientDef {
    /// The diagram part that is the client.
    pub part: String,
    /// What it writes, and when.
    #[serde(default)]
    pub writes: Vec<WriteDef>,
}

/// One write of the client.
#[derive(Clone, Debug, Deserialize)]
pub struct WriteDef {
    /// When, in milliseconds.
    pub at_ms: u64,
    /// The command, `key = value`.
    pub command: String,
}

/// Raft's settings as written; each defaults to [`ClusterConfig::default`]'s.
#[derive(Clone, Debug, Deserialize)]
#[serde(default)]
pub struct RaftDef {
    /// Ticks (10 ms each) a follower waits for a leader, at least; each waits a random
    /// number of ticks from this to twice this.
    pub election_ticks: usize,
    /// Ticks between a leader's heartbeats.
    pub heartbeat_ticks: usize,
    /// Ask for pre-votes before an election.
    pub pre_vote: bool,
    /// A leader that has not heard from a majority for an election timeout steps down.
    pub check_quorum: bool,
}

impl Default for RaftDef {
    fn default() -> Self {
        let c = ClusterConfig::default();
        Self {
            election_ticks: c.election_ticks,
            heartbeat_ticks: c.heartbeat_ticks,
            pre_vote: c.pre_vote,
            check_quorum: c.check_quorum,
        }
    }
}

/// A fault as written. A server is `S1`, `S2`, …, or `leader` (the leader of the moment);
/// a restart may name `crashed` (the server that crashed last).
#[derive(Clone, Debug, Deserialize)]
pub enum FaultDef {
    /// The server crashes: its memory is gone, its disk stays.
    Crash {
        /// Which server.
        server: String,
        /// When, in milliseconds.
        at_ms: u64,
    },
    /// The server restarts from its disk.
    Restart {
        /// Which server.
        server: String,
        /// When, in milliseconds.
        at_ms: u64,
    },
    /// The server stops for a while (a long garbage-collection pause) and then runs on.
    Pause {
        /// Which server.
        server: String,
        /// When, in milliseconds.
        at_ms: u64,
        /// For how long, in milliseconds.
        for_ms: u64,
    },
    /// The network splits: each side talks only within itself; servers not named form one
    /// more side.
    Partition {
        /// When, in milliseconds.
        at_ms: u64,
        /// The sides.
        sides: Vec<Vec<String>>,
    },
    /// The network is whole again.
    Heal {
        /// When, in milliseconds.
        at_ms: u64,
    },
    /// The network loses this share of messages from then on.
    Loss {
        /// When, in milliseconds.
        at_ms: u64,
        /// The chance that any message is lost (0 to below 1).
        loss: f64,
    },
    /// The next matching message after `at_ms` is lost.
    Drop {
        /// Which message (`RequestVote from S2`).
        message: String,
        /// From when on, in milliseconds.
        #[serde(default)]
        at_ms: u64,
    },
    /// The next matching message after `at_ms` arrives twice.
    Duplicate {
        /// Which message.
        message: String,
        /// From when on, in milliseconds.
        #[serde(default)]
        at_ms: u64,
    },
    /// The next matching message after `at_ms` takes `by_ms` longer.
    Delay {
        /// Which message.
        message: String,
        /// How much longer, in milliseconds.
        by_ms: u64,
        /// From when on, in milliseconds.
        #[serde(default)]
        at_ms: u64,
    },
}

/// A phase of the story as written.
#[derive(Clone, Debug, Deserialize)]
pub struct PhaseDef {
    /// When it begins, in milliseconds (the first at 0).
    pub at_ms: u64,
    /// A heading.
    pub title: String,
    /// What the learner reads, in Markdown.
    pub narration: String,
    /// Speaker notes, in Markdown.
    #[serde(default)]
    pub notes: Option<String>,
}

/// A validated phase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClusterPhase {
    /// When it begins, in milliseconds.
    pub at_ms: u64,
    /// Heading.
    pub title: String,
    /// Markdown narration.
    pub narration: String,
    /// Markdown speaker notes, if any.
    pub notes: Option<String>,
}

/// A validated cluster scenario: everything a run needs.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterScenario {
    /// The file's name without `.ron` (`leader-crash`).
    pub name: String,
    /// Title.
    pub title: String,
    /// The diagram file the parts are in.
    pub diagram: String,
    /// The default seed.
    pub seed: u64,
    /// When the run stops, in milliseconds.
    pub until_ms: u64,
    /// Each server's parts, S1 first.
    pub servers: Vec<ServerDef>,
    /// The network's part.
    pub network: String,
    /// The client's part.
    pub client: String,
    /// The cluster's settings.
    pub config: ClusterConfig,
    /// The client's writes: (at_ms, command).
    pub writes: Vec<(u64, String)>,
    /// The faults: (at_ms, fault).
    pub faults: Vec<(u64, Fault)>,
    /// The phases, in order of time.
    pub phases: Vec<ClusterPhase>,
}

impl ClusterScenario {
    /// A cluster with the scenario's writes and faults scheduled, at its start.
    pub fn cluster(&self, seed: u64) -> Result<Cluster, ClusterError> {
        let mut c = Cluster::new(self.config.clone(), seed)?;
        for (at, command) in &self.writes {
            c.propose_at(*at, command.clone());
        }
        for (at, fault) in &self.faults {
            c.fault_at(*at, fault.clone());
        }
        Ok(c)
    }

    /// The scenario run to its end with `seed` and the extra faults given.
    pub fn run(&self, seed: u64, extra: &[(u64, Fault)]) -> Result<Cluster, ClusterError> {
        let mut c = self.cluster(seed)?;
        for (at, fault) in extra {
            c.fault_at(*at, fault.clone());
        }
        c.run_until(self.until_ms);
        Ok(c)
    }

    /// The phase a moment belongs to (an index into `phases`).
    pub fn phase_at(&self, at_ms: u64) -> Option<usize> {
        self.phases.iter().rposition(|p| p.at_ms <= at_ms)
    }
}

fn friendly(mut d: Diagnostic) -> Diagnostic {
    for (from, to) in [
        ("in enum `FaultDef`", "in a fault"),
        ("struct `ClusterFile`", "the scenario"),
        ("`ClusterFile`", "the scenario"),
        ("`ServerDef`", "a server"),
        ("`NetworkDef`", "the network"),
        ("`ClientDef`", "the client"),
        ("`WriteDef`", "a write"),
        ("`RaftDef`", "the Raft settings"),
        ("`FaultDef`", "a fault"),
        ("`PhaseDef`", "a phase"),
    ] {
        d.message = d.message.replace(from, to);
    }
    d
}

/// Parses and validates a cluster scenario, asking `resolve` for the diagram it names. Every
/// problem is reported at once, at its position.
pub fn parse_cluster_in(
    file: &str,
    name: &str,
    src: &str,
    resolve: &mut dyn FnMut(&str) -> DiagramLookup,
) -> Result<ClusterScenario, Diagnostics> {
    read_and_check(
        file,
        src,
        resolve,
        friendly,
        |raw: &ClusterFile| &raw.diagram,
        |v, raw, diagram| check(v, name, raw, diagram),
    )
}

fn check(
    v: &mut Validator<'_>,
    name: &str,
    raw: &ClusterFile,
    diagram: Option<&Diagram>,
) -> ClusterScenario {
    let tree = v.tree;
    let at = |f: &str| Some(tree.value_pos(f));
    v.unknown(Some(tree), FIELDS, "the scenario");
    v.text(
        &raw.title,
        at("title"),
        "the title",
        limits::MAX_LABEL_CHARS,
    );
    if raw.until_ms == 0 || raw.until_ms > MAX_CLUSTER_UNTIL_MS {
        v.err(
            at("until_ms"),
            format!(
                "until_ms is {}; a cluster run lasts 1 to {MAX_CLUSTER_UNTIL_MS} ms",
                raw.until_ms
            ),
        );
    }
    let n = raw.servers.len() as u64;
    if !(3..=MAX_SERVERS).contains(&n) || n.is_multiple_of(2) {
        v.err(
            at("servers"),
            format!(
                "a cluster has an odd number of servers from 3 to {MAX_SERVERS}; this one has {n}"
            ),
        );
    }
    for (i, s) in raw.servers.iter().enumerate() {
        let node = item(Some(tree), "servers", i);
        let pos = |f: &str| node.map(|n| n.value_pos(f));
        v.unknown(node, SERVER_FIELDS, "a server");
        for (field, id) in [
            ("computer", &s.computer),
            ("raft", &s.raft),
            ("log", &s.log),
            ("state", &s.state),
            ("disk", &s.disk),
        ] {
            v.part(diagram, id, pos(field), &format!("S{}'s {field}", i + 1));
        }
    }
    let config = settings(v, raw, diagram, n);
    let until = raw.until_ms;
    let mut writes = Vec::new();
    for (i, w) in raw.client.writes.iter().enumerate() {
        let node = tree.field("client").map(|f| &f.value);
        let node = item(node, "writes", i);
        let pos = |f: &str| node.map(|n| n.value_pos(f));
        v.unknown(node, &["at_ms", "command"], "a write");
        within(v, w.at_ms, until, pos("at_ms"));
        let well_formed = w.command.split_once('=').is_some_and(|(k, val)| {
            !k.trim().is_empty() && !val.trim().is_empty() && w.command.chars().count() <= 80
        });
        if !well_formed {
            v.err(
                pos("command"),
                format!(
                    "`{}` is not a write; write `key = value` (at most 80 characters), such as `x = 5`",
                    w.command
                ),
            );
        }
        writes.push((w.at_ms, w.command.trim().to_owned()));
    }
    let faults = faults(v, raw, n);
    let phases = phases(v, raw);
    ClusterScenario {
        name: name.to_owned(),
        title: raw.title.clone(),
        diagram: raw.diagram.clone(),
        seed: raw.seed,
        until_ms: until,
        servers: raw.servers.clone(),
        network: raw.network.part.clone(),
        client: raw.client.part.clone(),
        config,
        writes,
        faults,
        phases,
    }
}

/// An error unless `at_ms` falls inside the run.
fn within(v: &mut Validator<'_>, at_ms: u64, until_ms: u64, pos: Option<Position>) {
    if at_ms >= until_ms {
        v.err(
            pos,
            format!("at_ms is {at_ms}, but the run stops at {until_ms} ms (until_ms)"),
        );
    }
}

/// The network, the client's part and Raft's settings.
fn settings(
    v: &mut Validator<'_>,
    raw: &ClusterFile,
    diagram: Option<&Diagram>,
    servers: u64,
) -> ClusterConfig {
    let tree = v.tree;
    let net = tree.field("network").map(|f| &f.value);
    let pos = |f: &str| net.map(|n| n.value_pos(f));
    v.unknown(net, NETWORK_FIELDS, "the network");
    v.part(
        diagram,
        &raw.network.part,
        pos("part"),
        "the network's part",
    );
    let (low, high) = raw.network.latency_ms;
    if low > high || high > 10_000 {
        v.err(
            pos("latency_ms"),
            format!("latency_ms is ({low}, {high}); write (least, most), most at most 10000 ms"),
        );
    }
    let loss = raw.network.loss;
    if !(0.0..1.0).contains(&loss) {
        v.err(
            pos("loss"),
            format!("loss is {loss}; it is a chance from 0 up to (not including) 1"),
        );
    }
    let client = tree.field("client").map(|f| &f.value);
    v.unknown(client, CLIENT_FIELDS, "the client");
    v.part(
        diagram,
        &raw.client.part,
        client.map(|n| n.value_pos("part")),
        "the client's part",
    );
    let r = &raw.raft;
    let node = tree.field("raft").map(|f| &f.value);
    let pos = |f: &str| node.map(|n| n.value_pos(f));
    v.unknown(node, RAFT_FIELDS, "the Raft settings");
    if !(1..=100).contains(&r.heartbeat_ticks) {
        v.err(
            pos("heartbeat_ticks"),
            format!(
                "heartbeat_ticks is {}; a leader beats every 1 to 100 ticks (10 ms each)",
                r.heartbeat_ticks
            ),
        );
    }
    if r.election_ticks <= r.heartbeat_ticks || r.election_ticks > 1_000 {
        v.err(
            pos("election_ticks"),
            format!(
                "election_ticks is {}; it must be more than heartbeat_ticks ({}) and at most 1000, or followers give up on a leader that is beating",
                r.election_ticks, r.heartbeat_ticks
            ),
        );
    }
    ClusterConfig {
        servers,
        election_ticks: r.election_ticks,
        heartbeat_ticks: r.heartbeat_ticks,
        latency_ms: (low, high),
        loss: if loss.is_finite() { loss } else { 0.0 },
        pre_vote: r.pre_vote,
        check_quorum: r.check_quorum,
    }
}

/// A server a fault names: `S2`, or `leader` / `crashed` where the fault allows it.
fn who(
    v: &mut Validator<'_>,
    word: &str,
    servers: u64,
    allowed: &[&str],
    pos: Option<Position>,
) -> Who {
    let lower = word.trim().to_ascii_lowercase();
    if let Some(id) = parse_server(word.trim(), servers) {
        return Who::Server(id);
    }
    match lower.as_str() {
        "leader" if allowed.contains(&"leader") => Who::Leader,
        "crashed" if allowed.contains(&"crashed") => Who::Crashed,
        _ => {
            let mut options = vec![format!("S1 to S{servers}")];
            options.extend(allowed.iter().map(|a| format!("`{a}`")));
            v.err(
                pos,
                format!(
                    "`{word}` is not a server here; write {}",
                    options.join(" or ")
                ),
            );
            Who::Leader
        }
    }
}

fn span(v: &mut Validator<'_>, ms: u64, field: &str, pos: Option<Position>) {
    if ms == 0 || ms > MAX_FAULT_MS {
        v.err(
            pos,
            format!("{field} is {ms}; it must be 1 to {MAX_FAULT_MS} ms"),
        );
    }
}

fn faults(v: &mut Validator<'_>, raw: &ClusterFile, n: u64) -> Vec<(u64, Fault)> {
    let mut out = Vec::new();
    for (i, f) in raw.faults.iter().enumerate() {
        let node = item(Some(v.tree), "faults", i);
        let pos = |f: &str| node.map(|n| n.value_pos(f));
        let message = |v: &mut Validator<'_>, text: &str| {
            parse_match(text, n).unwrap_or_else(|e| {
                v.err(pos("message"), e);
                MessageMatch::default()
            })
        };
        let (at, fault) = match f {
            FaultDef::Crash { server, at_ms } => {
                v.unknown(node, &["server", "at_ms"], "a Crash");
                let w = who(v, server, n, &["leader"], pos("server"));
                (*at_ms, Fault::Crash(w))
            }
            FaultDef::Restart { server, at_ms } => {
                v.unknown(node, &["server", "at_ms"], "a Restart");
                let w = who(v, server, n, &["crashed"], pos("server"));
                (*at_ms, Fault::Restart(w))
            }
            FaultDef::Pause {
                server,
                at_ms,
                for_ms,
            } => {
                v.unknown(node, &["server", "at_ms", "for_ms"], "a Pause");
                span(v, *for_ms, "for_ms", pos("for_ms"));
                let w = who(v, server, n, &["leader"], pos("server"));
                (*at_ms, Fault::Pause(w, *for_ms))
            }
            FaultDef::Partition { at_ms, sides } => {
                v.unknown(node, &["at_ms", "sides"], "a Partition");
                let mut named = Vec::new();
                let mut out_sides = Vec::new();
                for side in sides {
                    let mut ws = Vec::new();
                    for s in side {
                        let w = who(v, s, n, &["leader"], pos("sides"));
                        if named.contains(&w) {
                            v.err(pos("sides"), format!("`{s}` is on two sides"));
                        }
                        named.push(w);
                        ws.push(w);
                    }
                    out_sides.push(ws);
                }
                if out_sides.iter().all(Vec::is_empty) {
                    v.err(
                        pos("sides"),
                        "a partition names the servers of at least one side (`[[\"leader\"]]` cuts the leader off)",
                    );
                }
                (*at_ms, Fault::Partition(out_sides))
            }
            FaultDef::Heal { at_ms } => {
                v.unknown(node, &["at_ms"], "a Heal");
                (*at_ms, Fault::Heal)
            }
            FaultDef::Loss { at_ms, loss } => {
                v.unknown(node, &["at_ms", "loss"], "a Loss");
                if !(0.0..1.0).contains(loss) {
                    v.err(
                        pos("loss"),
                        format!("loss is {loss}; it is a chance from 0 up to (not including) 1"),
                    );
                }
                let loss = if loss.is_finite() { *loss } else { 0.0 };
                (*at_ms, Fault::Loss(loss))
            }
            FaultDef::Drop { message: m, at_ms } => {
                v.unknown(node, &["message", "at_ms"], "a Drop");
                (*at_ms, Fault::Drop(message(v, m)))
            }
            FaultDef::Duplicate { message: m, at_ms } => {
                v.unknown(node, &["message", "at_ms"], "a Duplicate");
                (*at_ms, Fault::Duplicate(message(v, m)))
            }
            FaultDef::Delay {
                message: m,
                by_ms,
                at_ms,
            } => {
                v.unknown(node, &["message", "by_ms", "at_ms"], "a Delay");
                span(v, *by_ms, "by_ms", pos("by_ms"));
                (*at_ms, Fault::Delay(message(v, m), *by_ms))
            }
        };
        within(v, at, raw.until_ms, pos("at_ms"));
        out.push((at, fault));
    }
    out
}

fn phases(v: &mut Validator<'_>, raw: &ClusterFile) -> Vec<ClusterPhase> {
    let mut out: Vec<ClusterPhase> = Vec::new();
    for (i, p) in raw.phases.iter().enumerate() {
        let node = item(Some(v.tree), "phases", i);
        let pos = |f: &str| node.map(|n| n.value_pos(f));
        v.unknown(node, PHASE_FIELDS, "a phase");
        v.text(
            &p.title,
            pos("title"),
            "a phase's title",
            limits::MAX_LABEL_CHARS,
        );
        v.text(
            &p.narration,
            pos("narration"),
            "a phase's narration",
            limits::MAX_TEXT_CHARS,
        );
        if let Some(notes) = &p.notes {
            v.text(
                notes,
                pos("notes"),
                "a phase's notes",
                limits::MAX_TEXT_CHARS,
            );
        }
        if i == 0 && p.at_ms != 0 {
            v.err(
                pos("at_ms"),
                "the first phase begins at the start: `at_ms: 0`",
            );
        }
        if let Some(before) = out.last()
            && p.at_ms <= before.at_ms
        {
            v.err(
                pos("at_ms"),
                format!(
                    "at_ms is {}; a phase begins after the one before it ({} ms)",
                    p.at_ms, before.at_ms
                ),
            );
        }
        if i > 0 {
            within(v, p.at_ms, raw.until_ms, pos("at_ms"));
        }
        out.push(ClusterPhase {
            at_ms: p.at_ms,
            title: p.title.clone(),
            narration: p.narration.clone(),
            notes: p.notes.clone(),
        });
    }
    out
}
