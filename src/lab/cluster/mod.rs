//! The cluster lab's core: a real Raft cluster (tikv's raft-rs, the library behind TiKV, each
//! server a `RawNode`) on a simulated network, in virtual time, deterministic from a seed, with
//! Raft's safety properties checked on every change.
//!
//! - [`sim`]: the servers, their disks and state machines, the network (latency, loss,
//!   partitions), the client, the faults, and the record of events ([`Cluster`]).
//! - [`scenario`]: the cluster scenarios of `diagrams/labs/`, validated with `file:line:col`.
//! - [`text`]: messages' names (raft-rs's and the paper's), one line per event, and message
//!   matches read from text ("RequestVote from S2").
//! - [`view`]: a run as the explorer shows it: rows, each message's walk through the diagram,
//!   every server's state at any event, a message's fields.
//! - [`safety`]: Election Safety, Log Matching, Leader Completeness, State Machine Safety, and
//!   commit indexes that never go back.
//!
//! Where raft-rs differs from the paper's Figure 2, the events show it as it is: a server may
//! ask for pre-votes before it starts an election (`MsgRequestPreVote`, no term change), a
//! leader's heartbeats are their own messages (`MsgHeartbeat`, not empty appends), and a
//! candidate's vote for itself is never a message (its `Voted` event says so).

pub mod safety;
pub mod scenario;
pub mod sim;
pub mod text;
pub mod view;

pub use safety::{Rule, Violation};
pub use sim::{
    Cluster, ClusterConfig, ClusterError, ClusterEvent, EventKind, Fault, Loss, Message,
    MessageMatch, Role, ServerId, ServerView, TimerMark, Who,
};
