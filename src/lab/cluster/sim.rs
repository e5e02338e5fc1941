//! The cluster's discrete-event simulation: servers (each a raft-rs `RawNode` over an in-memory
//! log that stands for its disk), a network with latency, loss and partitions, a client that
//! proposes writes, faults at chosen times, and the record of everything, in virtual time.
//!
//! raft-rs leaves time and I/O to its caller, and this module is that caller: it ticks each
//! server every [`TICK_MS`], hands it the messages the network delivers, persists what a
//! `Ready` asks to persist, applies committed entries to the server's key-value state, and puts
//! the messages on the network. The library's one draw of chance, the randomised election
//! timeout, is replaced after every call with one derived from the seed, so a seed gives the
//! same run everywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use raft::eraftpb::{Entry, EntryType, Message as RaftMessage, MessageType};
use raft::storage::MemStorage;
use raft::{Config, RawNode, StateRole};

use super::safety::{Entry as LogEntry, Safety, Violation};
use crate::lab::Rng;

/// Virtual milliseconds between two ticks of a server's Raft clock.
pub const TICK_MS: u64 = 10;
/// The most servers a cluster may have.
pub const MAX_SERVERS: u64 = 7;

/// A server of the cluster: raft-rs's node id, 1 to [`MAX_SERVERS`]; shown as `S1`, `S2`, …
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ServerId(pub u64);

impl fmt::Display for ServerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "S{}", self.0)
    }
}

/// A server's role. raft-rs adds the pre-candidate of the pre-vote phase to the paper's three.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    /// Follows a leader, or waits for one.
    Follower,
    /// Asks whether it could win an election before starting one (no term change yet).
    PreCandidate,
    /// Has started an election in a new term and asks for votes.
    Candidate,
    /// Replicates its log to the others.
    Leader,
}

impl From<StateRole> for Role {
    fn from(r: StateRole) -> Self {
        match r {
            StateRole::Follower => Role::Follower,
            StateRole::PreCandidate => Role::PreCandidate,
            StateRole::Candidate => Role::Candidate,
            StateRole::Leader => Role::Leader,
        }
    }
}

/// How a cluster is built and how its network behaves.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterConfig {
    /// How many servers (an odd number, 3 to [`MAX_SERVERS`]).
    pub servers: u64,
    /// Ticks without a leader before a follower starts an election; each server waits a
    /// random number of ticks in `[election_ticks, 2 × election_ticks)`.
    pub election_ticks: usize,
    /// Ticks between a leader's heartbeats.
    pub heartbeat_ticks: usize,
    /// One-way network latency, milliseconds: each message takes a value in `[min, max]`.
    pub latency_ms: (u64, u64),
    /// The chance that the network loses a message (0 to 1).
    pub loss: f64,
    /// raft-rs's pre-vote (thesis §9.6): ask before starting an election.
    pub pre_vote: bool,
    /// raft-rs's check-quorum: a leader that has not heard from a majority for an election
    /// timeout steps down.
    pub check_quorum: bool,
}

impl Default for ClusterConfig {
    /// Three servers, elections after 150–300 ms (the paper's range), heartbeats every 50 ms,
    /// 5–15 ms of latency, no loss; pre-vote and check-quorum on, as TiKV runs raft-rs.
    fn default() -> Self {
        Self {
            servers: 3,
            election_ticks: 15,
            heartbeat_ticks: 5,
            latency_ms: (5, 15),
            loss: 0.0,
            pre_vote: true,
            check_quorum: true,
        }
    }
}

/// A Raft message as the lab shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct Message {
    /// Which message (raft-rs's names: `MsgRequestVote`, `MsgAppend`, …).
    pub kind: MessageType,
    /// Sender.
    pub from: ServerId,
    /// Receiver.
    pub to: ServerId,
    /// The sender's term.
    pub term: u64,
    /// Append: the index before the entries; vote: the candidate's last index; response:
    /// the index it answers about.
    pub index: u64,
    /// The term of the entry at `index`.
    pub log_term: u64,
    /// The entries carried, as (index, term).
    pub entries: Vec<(u64, u64)>,
    /// The sender's commit index.
    pub commit: u64,
    /// A refused vote or append.
    pub reject: bool,
}

impl Message {
    fn of(m: &RaftMessage) -> Self {
        Self {
            kind: m.get_msg_type(),
            from: ServerId(m.from),
            to: ServerId(m.to),
            term: m.term,
            index: m.index,
            log_term: m.log_term,
            entries: m.entries.iter().map(|e| (e.index, e.term)).collect(),
            commit: m.commit,
            reject: m.reject,
        }
    }
}

/// Why the network did not deliver a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Loss {
    /// Sender and receiver were on different sides of a partition.
    Partition,
    /// The receiver was down.
    Down,
    /// The network's loss rate.
    Chance,
    /// A fault dropped it on purpose.
    Dropped,
}

/// What happened, one line of the record.
#[derive(Clone, Debug, PartialEq)]
pub enum EventKind {
    /// A message was put on the network (`number` counts messages from 1).
    Sent {
        /// The message's number in this run.
        number: u64,
        /// The message.
        message: Message,
    },
    /// The receiver got a message.
    Delivered {
        /// The message's number.
        number: u64,
    },
    /// The network did not deliver a message.
    Lost {
        /// The message's number.
        number: u64,
        /// Why.
        why: Loss,
    },
    /// A server's role, term or known leader changed.
    Role {
        /// The server.
        server: ServerId,
        /// Its role now.
        role: Role,
        /// Its term now.
        term: u64,
        /// The leader it knows of, if any.
        leader: Option<ServerId>,
    },
    /// A server voted (its vote is persisted with its term).
    Voted {
        /// The voter.
        server: ServerId,
        /// The term of the vote.
        term: u64,
        /// Whom it voted for (itself, as a candidate: raft-rs sends no message for that).
        candidate: ServerId,
    },
    /// A server wrote entries to its log on disk.
    Persisted {
        /// The server.
        server: ServerId,
        /// The first and last index written (an earlier, conflicting tail is replaced).
        first: u64,
        /// The last index written.
        last: u64,
        /// The term of each entry written, `first` to `last`.
        terms: Vec<u64>,
    },
    /// A server's commit index moved.
    Committed {
        /// The server.
        server: ServerId,
        /// Its commit index now.
        index: u64,
    },
    /// A server applied a committed command to its state machine.
    Applied {
        /// The server.
        server: ServerId,
        /// The entry's index.
        index: u64,
        /// The entry's term.
        term: u64,
        /// The command (`x = 5`).
        command: String,
    },
    /// The client proposed a command to the leader it found.
    Proposed {
        /// The server it asked.
        server: ServerId,
        /// The command.
        command: String,
    },
    /// The client found no leader to take a command, or the leader refused it.
    Refused {
        /// The command.
        command: String,
    },
    /// A server crashed: its memory (state machine, volatile state) is gone; its disk stays.
    Crashed(ServerId),
    /// A server restarted from what its disk holds.
    Restarted(ServerId),
    /// A server stopped running (a long pause: a stop-the-world collection, a frozen VM).
    Paused(ServerId),
    /// A paused server runs again, with the messages that arrived meanwhile.
    Resumed(ServerId),
    /// The network split: servers talk only within their side.
    Partitioned(Vec<Vec<ServerId>>),
    /// The network is whole again.
    Healed,
}

/// One event, at a virtual time.
#[derive(Clone, Debug, PartialEq)]
pub struct ClusterEvent {
    /// Virtual milliseconds since the start.
    pub at_ms: u64,
    /// What happened.
    pub kind: EventKind,
}

/// Which message a message fault means: the next one sent that matches every field given
/// ("the next RequestVote from S2", or message #12).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct MessageMatch {
    /// The message's number in the run (`#12`).
    pub number: Option<u64>,
    /// The message's kind.
    pub kind: Option<MessageType>,
    /// Its sender.
    pub from: Option<ServerId>,
    /// Its receiver.
    pub to: Option<ServerId>,
}

impl MessageMatch {
    fn matches(&self, number: u64, m: &RaftMessage) -> bool {
        self.number.is_none_or(|n| n == number)
            && self.kind.is_none_or(|k| k == m.get_msg_type())
            && self.from.is_none_or(|s| s.0 == m.from)
            && self.to.is_none_or(|s| s.0 == m.to)
    }
}

/// Which server a fault means, decided when the fault happens: a scenario can crash "the
/// leader" without knowing in advance which server the election picks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    /// This server.
    Server(ServerId),
    /// The server the client would write to then: running, not paused, and leading in the
    /// highest term (none while there is no leader).
    Leader,
    /// The server that crashed last and is still down.
    Crashed,
}

impl From<ServerId> for Who {
    fn from(id: ServerId) -> Self {
        Who::Server(id)
    }
}

/// A server's election timer at a moment: the ticks since it last heard from a leader (or
/// granted a vote, or stood), and the ticks it waits before standing. Recorded whenever
/// either changes, beside the events.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TimerMark {
    /// Virtual milliseconds since the start.
    pub at_ms: u64,
    /// Which server.
    pub server: ServerId,
    /// Ticks elapsed.
    pub elapsed: u32,
    /// Ticks it waits (its randomised election timeout).
    pub timeout: u32,
}

/// Something that goes wrong on purpose, at a time.
#[derive(Clone, Debug, PartialEq)]
pub enum Fault {
    /// The server crashes.
    Crash(Who),
    /// The server restarts from its disk.
    Restart(Who),
    /// The server stops for this many milliseconds.
    Pause(Who, u64),
    /// The network splits into these sides (servers not named form one more side).
    Partition(Vec<Vec<Who>>),
    /// The network is whole again.
    Heal,
    /// The network loses this share of messages from now on (0 to 1).
    Loss(f64),
    /// The next matching message is lost.
    Drop(MessageMatch),
    /// The next matching message arrives twice.
    Duplicate(MessageMatch),
    /// The next matching message takes this many milliseconds longer.
    Delay(MessageMatch, u64),
}

/// Why a cluster cannot be built.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ClusterError {
    /// Not an odd number of servers from 3 to 7.
    #[error("a cluster has an odd number of servers from 3 to {MAX_SERVERS}, not {0}")]
    Servers(u64),
    /// raft-rs refused the configuration.
    #[error("raft-rs refuses the configuration: {0}")]
    Config(String),
}

/// What the queue holds: work for a virtual time.
#[derive(Clone, Debug)]
enum Item {
    Tick(ServerId),
    Deliver(u64, Box<RaftMessage>, Option<Loss>),
    Propose(String),
    Resume(ServerId),
    Fault(Fault),
}

/// What the lab last saw of a server, to report changes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Seen {
    role: Role,
    term: u64,
    vote: u64,
    leader: u64,
    commit: u64,
}

/// A server: its Raft node while it runs, and its disk, which outlives a crash.
struct Server {
    id: ServerId,
    node: Option<RawNode<MemStorage>>,
    /// The disk: log, term and vote (raft-rs's in-memory storage, kept across crashes).
    disk: MemStorage,
    /// The log as written, (term, command bytes) per index from 1, for the safety checks.
    log: Vec<LogEntry>,
    /// The state machine: the key-value pairs the applied commands wrote.
    state: BTreeMap<String, String>,
    paused: bool,
    /// Messages that arrived while paused, in order.
    waiting: Vec<(u64, RaftMessage)>,
    seen: Seen,
}

/// A server's state as the lab shows it.
#[derive(Clone, Debug, PartialEq)]
pub struct ServerView {
    /// Which server.
    pub id: ServerId,
    /// Running (not crashed).
    pub up: bool,
    /// Paused.
    pub paused: bool,
    /// Its role.
    pub role: Role,
    /// Its current term.
    pub term: u64,
    /// Whom it voted for in this term.
    pub vote: Option<ServerId>,
    /// The leader it knows of.
    pub leader: Option<ServerId>,
    /// Its commit index.
    pub commit: u64,
    /// The term of each entry of its log on disk, from index 1.
    pub log_terms: Vec<u64>,
    /// Its state machine.
    pub state: BTreeMap<String, String>,
    /// The side of a split network it is on (sides counted from 0, as the `Partitioned` event
    /// lists them), while the network is split.
    pub side: Option<usize>,
}

/// A Raft cluster on a simulated network, in virtual time.
pub struct Cluster {
    config: ClusterConfig,
    seed: u64,
    now: u64,
    queue: BTreeMap<(u64, u64), Item>,
    order: u64,
    servers: Vec<Server>,
    net: Rng,
    /// Each server's side while the network is split.
    sides: BTreeMap<ServerId, usize>,
    message_faults: Vec<Fault>,
    /// Servers in the order they crashed, while they are down.
    crashed: Vec<ServerId>,
    messages: u64,
    events: Vec<ClusterEvent>,
    timers: Vec<TimerMark>,
    safety: Safety,
    acknowledged: BTreeSet<String>,
    logger: slog::Logger,
}

impl Cluster {
    /// A cluster of `config.servers` servers, all followers in term 0 with empty logs.
    pub fn new(config: ClusterConfig, seed: u64) -> Result<Self, ClusterError> {
        if config.servers < 3 || config.servers > MAX_SERVERS || config.servers.is_multiple_of(2) {
            return Err(ClusterError::Servers(config.servers));
        }
        let logger = slog::Logger::root(slog::Discard, slog::o!());
        let voters: Vec<u64> = (1..=config.servers).collect();
        let mut cluster = Self {
            config,
            seed,
            now: 0,
            queue: BTreeMap::new(),
            order: 0,
            servers: Vec::new(),
            net: Rng::new(seed).split(0x6e6574),
            sides: BTreeMap::new(),
            message_faults: Vec::new(),
            crashed: Vec::new(),
            messages: 0,
            events: Vec::new(),
            timers: Vec::new(),
            safety: Safety::default(),
            acknowledged: BTreeSet::new(),
            logger,
        };
        for &id in &voters {
            let disk = MemStorage::new_with_conf_state((voters.clone(), vec![]));
            let node = cluster.start(ServerId(id), &disk)?;
            cluster.servers.push(Server {
                id: ServerId(id),
                node: Some(node),
                disk,
                log: Vec::new(),
                state: BTreeMap::new(),
                paused: false,
                waiting: Vec::new(),
                seen: Seen {
                    role: Role::Follower,
                    term: 0,
                    vote: 0,
                    leader: 0,
                    commit: 0,
                },
            });
            cluster.record(EventKind::Role {
                server: ServerId(id),
                role: Role::Follower,
                term: 0,
                leader: None,
            });
            cluster.fix_timeout(id as usize - 1);
            // Every server's clock ticks from the start, a millisecond apart.
            cluster.schedule(id, Item::Tick(ServerId(id)));
        }
        Ok(cluster)
    }

    /// A Raft node for `id` over `disk`: at the start, and on a restart (raft-rs reads the
    /// term, vote, commit index and log from the disk; the state machine starts empty and
    /// the committed entries are applied again).
    fn start(&self, id: ServerId, disk: &MemStorage) -> Result<RawNode<MemStorage>, ClusterError> {
        let config = Config {
            id: id.0,
            election_tick: self.config.election_ticks,
            heartbeat_tick: self.config.heartbeat_ticks,
            pre_vote: self.config.pre_vote,
            check_quorum: self.config.check_quorum,
            max_inflight_msgs: 256,
            ..Config::default()
        };
        config
            .validate()
            .map_err(|e| ClusterError::Config(e.to_string()))?;
        RawNode::new(&config, disk.clone(), &self.logger)
            .map_err(|e| ClusterError::Config(e.to_string()))
    }

    fn schedule(&mut self, at_ms: u64, item: Item) {
        self.order += 1;
        self.queue.insert((at_ms, self.order), item);
    }

    /// Schedules a fault.
    pub fn fault_at(&mut self, at_ms: u64, fault: Fault) {
        self.schedule(at_ms, Item::Fault(fault));
    }

    /// Schedules the client's proposal of `command` (`x = 5`) to the leader it finds then.
    pub fn propose_at(&mut self, at_ms: u64, command: impl Into<String>) {
        self.schedule(at_ms, Item::Propose(command.into()));
    }

    /// Sets the network's loss rate from now on (0 to 1).
    pub fn set_loss(&mut self, loss: f64) {
        self.config.loss = loss;
    }

    /// Virtual milliseconds since the start.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// The seed the run's chance comes from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// Everything that happened, in order.
    pub fn events(&self) -> &[ClusterEvent] {
        &self.events
    }

    /// Every change of a server's election timer, in order.
    pub fn timers(&self) -> &[TimerMark] {
        &self.timers
    }

    /// Broken safety properties (none, in a correct Raft).
    pub fn violations(&self) -> &[Violation] {
        self.safety.violations()
    }

    /// How many safety checks ran.
    pub fn checks(&self) -> u64 {
        self.safety.checks()
    }

    /// The commands the cluster acknowledged: committed, and applied by a server.
    pub fn acknowledged(&self) -> &BTreeSet<String> {
        &self.acknowledged
    }

    /// Every server's state.
    pub fn servers(&self) -> Vec<ServerView> {
        self.servers
            .iter()
            .map(|s| ServerView {
                id: s.id,
                up: s.node.is_some(),
                paused: s.paused,
                role: s.seen.role,
                term: s.seen.term,
                vote: (s.seen.vote != 0).then_some(ServerId(s.seen.vote)),
                leader: (s.seen.leader != 0).then_some(ServerId(s.seen.leader)),
                commit: s.seen.commit,
                log_terms: s.log.iter().map(|(t, _)| *t).collect(),
                state: s.state.clone(),
                side: self.sides.get(&s.id).copied(),
            })
            .collect()
    }

    /// Runs everything scheduled up to and including `end_ms`; the clock then reads `end_ms`.
    pub fn run_until(&mut self, end_ms: u64) {
        while self
            .queue
            .first_key_value()
            .is_some_and(|(k, _)| k.0 <= end_ms)
        {
            self.step();
        }
        self.now = self.now.max(end_ms);
    }

    /// Runs the next scheduled item; false when nothing is scheduled.
    pub fn step(&mut self) -> bool {
        let Some(((at, _), item)) = self.queue.pop_first() else {
            return false;
        };
        self.now = at;
        match item {
            Item::Tick(id) => {
                self.schedule(at + TICK_MS, Item::Tick(id));
                let Some(i) = self.index(id) else {
                    return true;
                };
                let s = &mut self.servers[i];
                if s.paused {
                    return true;
                }
                if let Some(node) = s.node.as_mut() {
                    node.tick();
                    self.after(i);
                }
            }
            Item::Deliver(number, message, lost) => self.deliver(number, *message, lost),
            Item::Propose(command) => self.propose(command),
            Item::Resume(id) => {
                let Some(i) = self.index(id) else {
                    return true;
                };
                if !self.servers[i].paused {
                    return true;
                }
                self.servers[i].paused = false;
                self.record(EventKind::Resumed(id));
                for (number, m) in std::mem::take(&mut self.servers[i].waiting) {
                    self.record(EventKind::Delivered { number });
                    if let Some(node) = self.servers[i].node.as_mut() {
                        let _ = node.step(m);
                        self.after(i);
                    }
                }
            }
            Item::Fault(fault) => self.fault(fault),
        }
        true
    }

    /// Where server `id` is in `servers` (ids are 1..=servers, in order); `None` for an id
    /// outside the cluster.
    fn index(&self, id: ServerId) -> Option<usize> {
        let i = usize::try_from(id.0).ok()?.checked_sub(1)?;
        (i < self.servers.len()).then_some(i)
    }

    /// The server the client writes to now: running, not paused, and leading in the highest
    /// term.
    pub fn leader(&self) -> Option<ServerId> {
        self.servers
            .iter()
            .filter(|s| s.node.is_some() && !s.paused && s.seen.role == Role::Leader)
            .max_by_key(|s| s.seen.term)
            .map(|s| s.id)
    }

    /// The server a fault means now, if there is one.
    fn resolve(&self, who: Who) -> Option<usize> {
        let id = match who {
            Who::Server(id) => id,
            Who::Leader => self.leader()?,
            Who::Crashed => *self.crashed.last()?,
        };
        self.index(id)
    }

    fn record(&mut self, kind: EventKind) {
        self.events.push(ClusterEvent {
            at_ms: self.now,
            kind,
        });
    }

    fn deliver(&mut self, number: u64, m: RaftMessage, lost: Option<Loss>) {
        let (from, to) = (ServerId(m.from), ServerId(m.to));
        let Some(i) = self.index(to) else {
            return;
        };
        let apart = match (self.sides.get(&from), self.sides.get(&to)) {
            (Some(a), Some(b)) => a != b,
            _ => false,
        };
        let why = lost
            .or(apart.then_some(Loss::Partition))
            .or(self.servers[i].node.is_none().then_some(Loss::Down));
        if let Some(why) = why {
            self.record(EventKind::Lost { number, why });
            return;
        }
        if self.servers[i].paused {
            self.servers[i].waiting.push((number, m));
            return;
        }
        self.record(EventKind::Delivered { number });
        if let Some(node) = self.servers[i].node.as_mut() {
            // A message from a stale configuration or a peer it does not know is refused by
            // raft-rs with an error; the network does not care.
            let _ = node.step(m);
            self.after(i);
        }
    }

    fn propose(&mut self, command: String) {
        // The client asks the server that believes it leads in the highest term.
        let Some((id, i)) = self.leader().and_then(|id| Some((id, self.index(id)?))) else {
            self.record(EventKind::Refused { command });
            return;
        };
        let data = command.clone().into_bytes();
        let accepted = self.servers[i]
            .node
            .as_mut()
            .is_some_and(|n| n.propose(Vec::new(), data).is_ok());
        if accepted {
            self.record(EventKind::Proposed {
                server: id,
                command,
            });
            self.after(i);
        } else {
            self.record(EventKind::Refused { command });
        }
    }

    fn fault(&mut self, fault: Fault) {
        match fault {
            Fault::Crash(who) => {
                let Some(i) = self.resolve(who) else { return };
                let s = &mut self.servers[i];
                let id = s.id;
                if s.node.take().is_some() {
                    s.state.clear();
                    s.paused = false;
                    s.waiting.clear();
                    self.crashed.push(id);
                    self.record(EventKind::Crashed(id));
                }
            }
            Fault::Restart(who) => {
                let Some(i) = self.resolve(who) else { return };
                if self.servers[i].node.is_some() {
                    return;
                }
                let id = self.servers[i].id;
                self.crashed.retain(|&c| c != id);
                let disk = self.servers[i].disk.clone();
                if let Ok(node) = self.start(id, &disk) {
                    let commit = node.raft.raft_log.committed;
                    self.servers[i].node = Some(node);
                    self.safety.restarted(id, commit);
                    self.record(EventKind::Restarted(id));
                    self.fix_timeout(i);
                    self.after(i);
                }
            }
            Fault::Pause(who, ms) => {
                let Some(i) = self.resolve(who) else { return };
                let id = self.servers[i].id;
                if self.servers[i].node.is_some() && !self.servers[i].paused {
                    self.servers[i].paused = true;
                    self.record(EventKind::Paused(id));
                    self.schedule(self.now + ms, Item::Resume(id));
                }
            }
            Fault::Partition(sides) => {
                let sides: Vec<Vec<ServerId>> = sides
                    .iter()
                    .map(|side| {
                        let ids = side.iter().filter_map(|&w| self.resolve(w));
                        ids.filter_map(|i| self.servers.get(i).map(|s| s.id))
                            .collect()
                    })
                    .filter(|side: &Vec<ServerId>| !side.is_empty())
                    .collect();
                self.sides.clear();
                let mut named = BTreeSet::new();
                for (n, side) in sides.iter().enumerate() {
                    for id in side {
                        self.sides.insert(*id, n);
                        named.insert(*id);
                    }
                }
                let rest: Vec<ServerId> = (self.servers.iter().map(|s| s.id))
                    .filter(|id| !named.contains(id))
                    .collect();
                for id in &rest {
                    self.sides.insert(*id, sides.len());
                }
                let mut shown = sides;
                if !rest.is_empty() {
                    shown.push(rest);
                }
                self.record(EventKind::Partitioned(shown));
            }
            Fault::Loss(p) => self.set_loss(p),
            Fault::Heal => {
                if !self.sides.is_empty() {
                    self.sides.clear();
                    self.record(EventKind::Healed);
                }
            }
            f @ (Fault::Drop(_) | Fault::Duplicate(_) | Fault::Delay(..)) => {
                self.message_faults.push(f);
            }
        }
    }

    /// After raft-rs ran on server `i`: handle its `Ready`s (persist, apply, send), report what
    /// changed, check safety, and set its election timeout from the seed.
    fn after(&mut self, i: usize) {
        // A change of role, term or vote is told before the messages it causes.
        self.observe(i, false);
        loop {
            let s = &mut self.servers[i];
            let Some(node) = s.node.as_mut() else { return };
            if !node.has_ready() {
                break;
            }
            let mut ready = node.ready();
            let mut outgoing = ready.take_messages();
            let mut applying = ready.take_committed_entries();
            let written = ready.entries().clone();
            if !written.is_empty() {
                let _ = s.disk.wl().append(&written);
            }
            if let Some(hs) = ready.hs() {
                s.disk.wl().set_hardstate(hs.clone());
            }
            outgoing.extend(ready.take_persisted_messages());
            let mut light = node.advance(ready);
            if let Some(commit) = light.commit_index() {
                s.disk.wl().mut_hard_state().set_commit(commit);
            }
            outgoing.extend(light.take_messages());
            applying.extend(light.take_committed_entries());
            node.advance_apply();
            if let (Some(first), Some(last)) = (written.first(), written.last()) {
                let keep = (first.index as usize).saturating_sub(1).min(s.log.len());
                s.log.truncate(keep);
                s.log
                    .extend(written.iter().map(|e| (e.term, e.data.clone())));
                let (first, last) = (first.index, last.index);
                let terms = written.iter().map(|e| e.term).collect();
                let id = s.id;
                self.record(EventKind::Persisted {
                    server: id,
                    first,
                    last,
                    terms,
                });
                let logs: Vec<(ServerId, &[LogEntry])> =
                    (self.servers.iter()).map(|s| (s.id, &s.log[..])).collect();
                self.safety.logs_changed(self.now, id, &logs);
            }
            // The commit index is told before the entries it lets the server apply.
            self.observe(i, true);
            self.apply(i, &applying);
            self.send(outgoing);
        }
        self.observe(i, true);
        self.fix_timeout(i);
        self.mark_timer(i);
    }

    /// Records server `i`'s election timer if it changed since its last mark.
    fn mark_timer(&mut self, i: usize) {
        let Some(node) = self.servers[i].node.as_ref() else {
            return;
        };
        let id = self.servers[i].id;
        let r = &node.raft;
        let (elapsed, timeout) = (
            u32::try_from(r.election_elapsed).unwrap_or(u32::MAX),
            u32::try_from(r.randomized_election_timeout()).unwrap_or(u32::MAX),
        );
        let last = self.timers.iter().rev().find(|m| m.server == id);
        if last.is_some_and(|m| (m.elapsed, m.timeout) == (elapsed, timeout)) {
            return;
        }
        self.timers.push(TimerMark {
            at_ms: self.now,
            server: id,
            elapsed,
            timeout,
        });
    }

    fn apply(&mut self, i: usize, entries: &[Entry]) {
        for e in entries {
            if e.get_entry_type() != EntryType::EntryNormal || e.data.is_empty() {
                continue; // a new leader's empty entry, or a configuration change
            }
            let command = String::from_utf8_lossy(&e.data).into_owned();
            let s = &mut self.servers[i];
            if let Some((key, value)) = command.split_once('=') {
                s.state
                    .insert(key.trim().to_string(), value.trim().to_string());
            }
            let id = s.id;
            self.safety.applied(self.now, id, e.index, e.term, &e.data);
            self.acknowledged.insert(command.clone());
            self.record(EventKind::Applied {
                server: id,
                index: e.index,
                term: e.term,
                command,
            });
        }
    }

    fn send(&mut self, outgoing: Vec<RaftMessage>) {
        for m in outgoing {
            self.messages += 1;
            let number = self.messages;
            let (low, high) = self.config.latency_ms;
            let mut latency = low + self.net.below(high.saturating_sub(low) + 1);
            let mut lost = self.net.chance(self.config.loss).then_some(Loss::Chance);
            let mut copies = 1;
            if let Some(k) = self.message_faults.iter().position(|f| match f {
                Fault::Drop(w) | Fault::Duplicate(w) | Fault::Delay(w, _) => w.matches(number, &m),
                _ => false,
            }) {
                match self.message_faults.remove(k) {
                    Fault::Drop(_) => lost = Some(Loss::Dropped),
                    Fault::Duplicate(_) => copies = 2,
                    Fault::Delay(_, ms) => latency += ms,
                    _ => {}
                }
            }
            self.record(EventKind::Sent {
                number,
                message: Message::of(&m),
            });
            for copy in 0..copies {
                let at = self.now + latency + copy;
                self.schedule(at, Item::Deliver(number, Box::new(m.clone()), lost));
            }
        }
    }

    /// Reports a server's changes of role, term, leader, vote and (with `commit`, once its
    /// `Ready`s are handled and the entries are on its disk) commit index, and checks them.
    fn observe(&mut self, i: usize, commit: bool) {
        let s = &self.servers[i];
        let Some(node) = s.node.as_ref() else { return };
        let r = &node.raft;
        let now = Seen {
            role: Role::from(r.state),
            term: r.term,
            vote: r.vote,
            leader: r.leader_id,
            commit: if commit {
                r.raft_log.committed
            } else {
                s.seen.commit
            },
        };
        let (id, was) = (s.id, s.seen);
        if now == was {
            return;
        }
        self.servers[i].seen = now;
        if (now.role, now.term, now.leader) != (was.role, was.term, was.leader) {
            self.record(EventKind::Role {
                server: id,
                role: now.role,
                term: now.term,
                leader: (now.leader != 0).then_some(ServerId(now.leader)),
            });
        }
        if now.vote != 0 && (now.vote, now.term) != (was.vote, was.term) {
            self.record(EventKind::Voted {
                server: id,
                term: now.term,
                candidate: ServerId(now.vote),
            });
        }
        if now.role == Role::Leader && (was.role != Role::Leader || was.term != now.term) {
            self.safety
                .leader(self.now, id, now.term, &self.servers[i].log);
        }
        if now.commit != was.commit {
            self.record(EventKind::Committed {
                server: id,
                index: now.commit,
            });
            self.safety
                .commit(self.now, id, now.term, now.commit, &self.servers[i].log);
        }
    }

    /// raft-rs draws each election timeout from the thread's random generator; the lab
    /// replaces it with one derived from the seed, the server, its term, role and leader, so
    /// a run is the same on every machine. raft-rs draws again only where one of those changes
    /// (a role change resets the timer), so the value stays put between calls.
    fn fix_timeout(&mut self, i: usize) {
        let seed = self.seed;
        let Some(node) = self.servers[i].node.as_mut() else {
            return;
        };
        let low = self.config.election_ticks;
        let r = &mut node.raft;
        let mut rng = Rng::new(seed)
            .split(r.id)
            .split(r.term)
            .split(r.state as u64)
            .split(r.leader_id);
        let t = low + rng.below(low as u64) as usize;
        r.set_randomized_election_timeout(t);
    }
}
