//! The labs. The network lab: two hosts, each with a real TCP/IP stack (smoltcp), on a
//! simulated Ethernet cable, driven by a virtual clock. Deterministic from one seed, steppable,
//! breakable on purpose, and read back by Wireshark. The cluster lab's core ([`cluster`]): a
//! real Raft (raft-rs) on a simulated network, on the same kind of clock.
//!
//! Pure Rust like the model, and the same code natively and on the web (one thread, no real
//! clock, no OS randomness). It may use the model's types; the model never uses it.
//!
//! - [`scenario`]: the RON files in `diagrams/labs/`, validated with `file:line:col`;
//!   [`any`] tells a network scenario from a cluster one.
//! - [`matcher`]: which frame a fault or phase means (`5`, `first SYN`).
//! - `host`: a host's stack, its card, and the programs on its sockets.
//! - [`sim`]: the discrete-event simulation: the clock, the cable, the faults.
//! - [`event`]: what a run records, one line per event, and its digest.
//! - [`decode`]: frames into layers and fields with byte ranges, and one-line summaries.
//! - [`timeline`]: run, step, go back, branch ([`Lab`]).
//! - [`pcap`]: a run as a capture file.
//! - [`sequence`]: a run as a sequence diagram, and as Mermaid text or an SVG picture.
//! - [`cluster`]: a Raft cluster on a simulated network, and Raft's safety properties checked
//!   as it runs.
//! - [`view`]: a run as the explorer shows it: the event list's rows, each frame's walk
//!   through the diagram's parts, layer by layer.
//!
//! What the stacks do not show, the events stand in for: smoltcp keeps its timers
//! (retransmission, delayed ACK, TIME-WAIT) private, so a retransmission is recognised from
//! the frames (a segment that resends sequence numbers sent before) and reported as a host
//! event with the time since the first copy; socket states are read after every poll, so a
//! state passed through within one poll is not seen; a frame the stack throws away for a bad
//! checksum is reported by the lab, which checks the same checksums before handing it over.

pub mod any;
pub mod cluster;
pub mod decode;
pub mod event;
mod host;
pub mod matcher;
pub mod pcap;
mod rng;
pub mod scenario;
pub mod sequence;
pub mod sim;
pub mod timeline;
pub mod view;

use std::sync::Arc;

pub use event::{Digest, Direction, Event, EventKind, Fate, Frame, digest};
pub use host::{ORDER_JSON, Outcome};
pub use matcher::FrameMatch;
pub use rng::Rng;
pub use scenario::{Fault, Scenario, parse_scenario};
pub use timeline::Lab;

/// Runs a scenario to its end: the events and what the programs achieved.
pub fn run(scenario: &Scenario, seed: u64, extra: &[Fault]) -> (Vec<Event>, Outcome) {
    let mut lab = Lab::new(Arc::new(scenario.clone()), seed, extra.to_vec());
    lab.run_to_end();
    let outcome = lab.outcome().clone();
    (lab.events().to_vec(), outcome)
}
