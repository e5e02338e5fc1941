//! Lab scenarios: one RON file per scenario under `diagrams/labs/`, validated once into a
//! [`Scenario`] with every problem reported at its `file:line:col`, like the model's files.
//!
//! ```ron
//! (
//!     title: "An HTTP request",
//!     diagram: "two-computers.ron",
//!     hosts: [
//!         (name: "A", ip: "192.0.2.1", mac: "02:00:00:00:00:0a",
//!          computer: "computer-a", stack: "a-tcpip", card: "a-nic", sockets: "a-sockets"),
//!         (name: "B", …),
//!     ],
//!     link: (part: "cable", delay_us: 5, bandwidth_bps: 10_000_000),
//!     programs: [
//!         HttpServer(host: "B", port: 80),
//!         HttpClient(host: "A", server: "B", port: 80, path: "/orders/42"),
//!     ],
//!     faults: [Drop(frame: "first SYN")],
//!     phases: [(from: "start", title: "…", narration: "…", notes: "…")],
//! )
//! ```
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::collections::BTreeSet;
use std::net::Ipv4Addr;

use serde::Deserialize;

use super::matcher::FrameMatch;
use crate::model::outline::{Node, outline};
use crate::model::{Diagnostic, Diagnostics, Diagram, Position, limits, parse_ron};

/// The seed when a scenario names none.
pub const DEFAULT_SEED: u64 = 1;
/// How long a run lasts when a scenario does not say, in milliseconds of virtual time.
pub const DEFAULT_UNTIL_MS: u64 = 5_000;
/// The longest run a scenario may ask for, in milliseconds of virtual time (ten minutes).
pub const MAX_UNTIL_MS: u64 = 600_000;
/// Most bytes a bulk transfer may send.
pub const MAX_BULK_BYTES: u64 = 64 * 1024 * 1024;
/// Largest socket buffer (and so receive window) a program may ask for.
pub const MAX_BUFFER: usize = 1024 * 1024;

const SCENARIO_FIELDS: &[&str] = &[
    "title", "diagram", "seed", "until_ms", "hosts", "link", "programs", "faults", "phases",
];
const HOST_FIELDS: &[&str] = &["name", "ip", "mac", "computer", "stack", "card", "sockets"];
const LINK_FIELDS: &[&str] = &[
    "part",
    "delay_us",
    "bandwidth_bps",
    "loss",
    "corruption",
    "mtu",
];
const PHASE_FIELDS: &[&str] = &["from", "title", "narration", "notes"];

/// A scenario as written.
#[derive(Clone, Debug, Deserialize)]
pub struct ScenarioFile {
    /// Shown above the run.
    pub title: String,
    /// The diagram whose parts the hosts and cable are (a file in `diagrams/`).
    pub diagram: String,
    /// Every random choice comes from this seed.
    #[serde(default = "default_seed")]
    pub seed: u64,
    /// When the run stops, in milliseconds of virtual time.
    #[serde(default = "default_until")]
    pub until_ms: u64,
    /// The two hosts.
    pub hosts: Vec<HostDef>,
    /// The cable between them.
    pub link: LinkDef,
    /// What runs on the hosts.
    pub programs: Vec<ProgramDef>,
    /// What goes wrong, on purpose.
    #[serde(default)]
    pub faults: Vec<FaultDef>,
    /// The story, in phases.
    #[serde(default)]
    pub phases: Vec<PhaseDef>,
}

fn default_seed() -> u64 {
    DEFAULT_SEED
}

fn default_until() -> u64 {
    DEFAULT_UNTIL_MS
}

/// A host as written.
#[derive(Clone, Debug, Deserialize)]
pub struct HostDef {
    /// A short name (`A`), used by programs, faults and matches.
    pub name: String,
    /// Its IPv4 address (a /24 network).
    pub ip: String,
    /// Its card's MAC address.
    pub mac: String,
    /// The diagram component that is this computer.
    pub computer: String,
    /// The component that is its TCP/IP stack.
    pub stack: String,
    /// The component that is its network card.
    pub card: String,
    /// The component that is its sockets.
    pub sockets: String,
}

/// The cable as written.
#[derive(Clone, Debug, Deserialize)]
pub struct LinkDef {
    /// The diagram link (or component) that is the cable.
    pub part: String,
    /// Propagation delay, in microseconds.
    pub delay_us: u64,
    /// Bits per second; a frame's serialisation time follows from its length.
    pub bandwidth_bps: u64,
    /// The chance that any frame is lost (0 to below 1).
    #[serde(default)]
    pub loss: f64,
    /// The chance that any frame has a bit flipped (0 to below 1).
    #[serde(default)]
    pub corruption: f64,
    /// The largest IP packet, in bytes.
    #[serde(default = "default_mtu")]
    pub mtu: u16,
}

fn default_mtu() -> u16 {
    1500
}

/// A program as written.
#[derive(Clone, Debug, Deserialize)]
pub enum ProgramDef {
    /// An HTTP/1.1 client that sends one GET request and reads the reply.
    HttpClient {
        /// The host it runs on.
        host: String,
        /// The host it asks.
        server: String,
        /// The server's port.
        #[serde(default = "default_http_port")]
        port: u16,
        /// The path it asks for.
        path: String,
        /// When it starts, in milliseconds.
        #[serde(default)]
        at_ms: u64,
    },
    /// An HTTP/1.1 server answering with a small JSON body.
    HttpServer {
        /// The host it runs on.
        host: String,
        /// The port it listens on.
        #[serde(default = "default_http_port")]
        port: u16,
    },
    /// ICMP echo requests to another host.
    Ping {
        /// The host it runs on.
        host: String,
        /// The host it pings.
        to: String,
        /// How many requests.
        #[serde(default = "default_ping_count")]
        count: u16,
        /// Time between requests, in milliseconds.
        #[serde(default = "default_ping_interval")]
        interval_ms: u64,
        /// Bytes of data in each request.
        #[serde(default = "default_ping_size")]
        size: u16,
        /// When it starts, in milliseconds.
        #[serde(default)]
        at_ms: u64,
    },
    /// Sends `bytes` to a reader and closes.
    BulkSend {
        /// The host it runs on.
        host: String,
        /// The host it sends to.
        to: String,
        /// The reader's port.
        port: u16,
        /// How much to send.
        bytes: u64,
        /// Its socket's send buffer, in bytes.
        #[serde(default = "default_buffer")]
        buffer: usize,
        /// When it starts, in milliseconds.
        #[serde(default)]
        at_ms: u64,
    },
    /// Accepts one connection and reads it to the end, at full speed or slowly.
    BulkReceive {
        /// The host it runs on.
        host: String,
        /// The port it listens on.
        port: u16,
        /// Its socket's receive buffer, in bytes: the most it can advertise as its window.
        #[serde(default = "default_buffer")]
        window: usize,
        /// A slow reader reads at most this many bytes …
        #[serde(default)]
        read_bytes: Option<usize>,
        /// … every this many milliseconds.
        #[serde(default)]
        every_ms: Option<u64>,
    },
}

fn default_http_port() -> u16 {
    80
}
fn default_ping_count() -> u16 {
    3
}
fn default_ping_interval() -> u64 {
    1_000
}
fn default_ping_size() -> u16 {
    32
}
fn default_buffer() -> usize {
    16 * 1024
}

/// A fault as written.
#[derive(Clone, Debug, Deserialize)]
pub enum FaultDef {
    /// The cable loses this frame.
    Drop {
        /// Which frame (a number or a match such as `first SYN`).
        frame: String,
    },
    /// A bit of this frame flips on the way.
    Corrupt {
        /// Which frame.
        frame: String,
    },
    /// This frame arrives late.
    Delay {
        /// Which frame.
        frame: String,
        /// By how much, in milliseconds.
        by_ms: u64,
    },
    /// The cable is unplugged for a while: frames sent meanwhile are lost.
    Cut {
        /// When, in milliseconds.
        at_ms: u64,
        /// For how long, in milliseconds.
        for_ms: u64,
    },
    /// The server program stops (its connections are reset).
    StopServer {
        /// The host whose server stops.
        host: String,
        /// When, in milliseconds.
        at_ms: u64,
    },
    /// A bulk reader slows down: from then on it takes at most `read_bytes` every `every_ms`.
    SlowReader {
        /// The host whose reader slows down.
        host: String,
        /// When, in milliseconds.
        at_ms: u64,
        /// How many bytes it takes at a time.
        read_bytes: usize,
        /// How often, in milliseconds.
        every_ms: u64,
    },
}

/// A phase of the story as written.
#[derive(Clone, Debug, Deserialize)]
pub struct PhaseDef {
    /// `start`, or the frame the phase begins with (`first SYN`).
    pub from: String,
    /// A heading.
    pub title: String,
    /// What the learner reads, in Markdown.
    pub narration: String,
    /// Speaker notes, in Markdown: for the presenter's eyes only.
    #[serde(default)]
    pub notes: Option<String>,
}

/// The diagram parts that stand for one host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HostParts {
    /// The computer.
    pub computer: String,
    /// Its TCP/IP stack.
    pub stack: String,
    /// Its network card.
    pub card: String,
    /// Its sockets.
    pub sockets: String,
}

/// A validated host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Host {
    /// Its short name.
    pub name: String,
    /// IPv4 address.
    pub ip: [u8; 4],
    /// MAC address.
    pub mac: [u8; 6],
    /// Its parts in the diagram.
    pub parts: HostParts,
}

/// The validated cable.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// The diagram link that is the cable.
    pub part: String,
    /// Propagation delay, in microseconds.
    pub delay_us: u64,
    /// Bits per second.
    pub bandwidth_bps: u64,
    /// Chance of losing a frame.
    pub loss: f64,
    /// Chance of flipping a bit.
    pub corruption: f64,
    /// The largest IP packet.
    pub mtu: u16,
}

/// A validated program. Hosts are indices into [`Scenario::hosts`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Program {
    /// See [`ProgramDef::HttpClient`].
    HttpClient {
        /// Host index.
        host: usize,
        /// Server host index.
        server: usize,
        /// Server port.
        port: u16,
        /// Path.
        path: String,
        /// Start, microseconds.
        at_us: u64,
    },
    /// See [`ProgramDef::HttpServer`].
    HttpServer {
        /// Host index.
        host: usize,
        /// Port.
        port: u16,
    },
    /// See [`ProgramDef::Ping`].
    Ping {
        /// Host index.
        host: usize,
        /// Target host index.
        to: usize,
        /// Requests.
        count: u16,
        /// Interval, microseconds.
        interval_us: u64,
        /// Data bytes per request.
        size: u16,
        /// Start, microseconds.
        at_us: u64,
    },
    /// See [`ProgramDef::BulkSend`].
    BulkSend {
        /// Host index.
        host: usize,
        /// Target host index.
        to: usize,
        /// Port.
        port: u16,
        /// Bytes to send.
        bytes: u64,
        /// Send buffer.
        buffer: usize,
        /// Start, microseconds.
        at_us: u64,
    },
    /// See [`ProgramDef::BulkReceive`].
    BulkReceive {
        /// Host index.
        host: usize,
        /// Port.
        port: u16,
        /// Receive buffer.
        window: usize,
        /// `(bytes, every_us)` for a slow reader.
        slow: Option<(usize, u64)>,
    },
}

impl Program {
    /// The host it runs on.
    pub fn host(&self) -> usize {
        match self {
            Program::HttpClient { host, .. }
            | Program::HttpServer { host, .. }
            | Program::Ping { host, .. }
            | Program::BulkSend { host, .. }
            | Program::BulkReceive { host, .. } => *host,
        }
    }

    /// What a learner calls it.
    pub fn label(&self) -> &'static str {
        match self {
            Program::HttpClient { .. } => "HTTP client",
            Program::HttpServer { .. } => "HTTP server",
            Program::Ping { .. } => "ping",
            Program::BulkSend { .. } => "bulk sender",
            Program::BulkReceive { .. } => "reader",
        }
    }
}

/// A validated fault.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Fault {
    /// Lose the frame.
    Drop(FrameMatch),
    /// Flip a bit of the frame.
    Corrupt(FrameMatch),
    /// Deliver the frame late, by this many microseconds.
    Delay(FrameMatch, u64),
    /// Unplug the cable at `at_us` for `for_us`.
    Cut {
        /// Start, microseconds.
        at_us: u64,
        /// Length, microseconds.
        for_us: u64,
    },
    /// Stop the server programs of a host.
    StopServer {
        /// Host index.
        host: usize,
        /// When, microseconds.
        at_us: u64,
    },
    /// Slow a host's bulk readers down from `at_us` on: at most `bytes` every `every_us`.
    SlowReader {
        /// Host index.
        host: usize,
        /// When, microseconds.
        at_us: u64,
        /// Bytes a read takes at most.
        bytes: usize,
        /// Microseconds between reads.
        every_us: u64,
    },
}

/// A validated phase.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Phase {
    /// The frame it starts with; `None` for the start of the run.
    pub from: Option<FrameMatch>,
    /// Heading.
    pub title: String,
    /// Markdown narration.
    pub narration: String,
    /// Markdown speaker notes, if the phase has them.
    pub notes: Option<String>,
}

/// A validated scenario: everything a run needs.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// The file's name without `.ron` (`http-request`).
    pub name: String,
    /// Title.
    pub title: String,
    /// The diagram file (in `diagrams/`) whose parts the scenario names.
    pub diagram: String,
    /// The default seed.
    pub seed: u64,
    /// When the run stops, microseconds.
    pub until_us: u64,
    /// The two hosts.
    pub hosts: Vec<Host>,
    /// The cable.
    pub link: Link,
    /// Programs, in the file's order.
    pub programs: Vec<Program>,
    /// Faults, in the file's order.
    pub faults: Vec<Fault>,
    /// Phases, in order.
    pub phases: Vec<Phase>,
}

impl Scenario {
    /// The hosts' names, for parsing matches (`from A`).
    pub fn host_names(&self) -> Vec<&str> {
        self.hosts.iter().map(|h| h.name.as_str()).collect()
    }
}

/// Parses a MAC address written `02:00:00:00:00:0a`.
pub fn parse_mac(text: &str) -> Option<[u8; 6]> {
    let mut out = [0u8; 6];
    let mut parts = text.split(':');
    for slot in &mut out {
        let p = parts.next()?;
        if p.len() != 2 {
            return None;
        }
        *slot = u8::from_str_radix(p, 16).ok()?;
    }
    parts.next().is_none().then_some(out)
}

/// Names `ron`'s type names the way authors know them.
fn friendly(mut d: Diagnostic) -> Diagnostic {
    for (from, to) in [
        ("in enum `ProgramDef`", "in a program"),
        ("in enum `FaultDef`", "in a fault"),
        ("struct `ScenarioFile`", "the scenario"),
        ("`ScenarioFile`", "the scenario"),
        ("`HostDef`", "a host"),
        ("`LinkDef`", "the link"),
        ("`ProgramDef`", "a program"),
        ("`FaultDef`", "a fault"),
        ("`PhaseDef`", "a phase"),
    ] {
        d.message = d.message.replace(from, to);
    }
    d
}

/// Parses and validates a scenario. `name` is the file's stem; `diagram`, when given, is the
/// diagram the scenario names, and every part it mentions must be in it. Every problem is
/// reported at once, at its position.
pub fn parse_scenario(
    file: &str,
    name: &str,
    src: &str,
    diagram: Option<&Diagram>,
) -> Result<Scenario, Diagnostics> {
    parse_scenario_in(file, name, src, &mut |_| Ok(diagram.cloned()))
}

/// What a scenario's diagram is, as the caller found it: `Ok(Some)` to check the parts
/// against, `Ok(None)` to skip that check (the diagram has errors of its own), `Err` with why
/// it cannot be read (reported at the `diagram` field).
pub type DiagramLookup = Result<Option<Diagram>, String>;

/// [`parse_scenario`], asking `resolve` for the diagram the file names (a file name in
/// `diagrams/`) once the file parses.
pub fn parse_scenario_in(
    file: &str,
    name: &str,
    src: &str,
    resolve: &mut dyn FnMut(&str) -> DiagramLookup,
) -> Result<Scenario, Diagnostics> {
    read_and_check(
        file,
        src,
        resolve,
        friendly,
        |raw: &ScenarioFile| &raw.diagram,
        |v, raw, diagram| v.scenario(name, raw, diagram),
    )
}

/// Reads a scenario file as `R` (a RON syntax or type error is the one problem reported),
/// finds the diagram it names, and has `check` validate it, recording every problem at its
/// position: how both kinds of scenario are read.
pub(super) fn read_and_check<R: serde::de::DeserializeOwned, T>(
    file: &str,
    src: &str,
    resolve: &mut dyn FnMut(&str) -> DiagramLookup,
    friendly: fn(Diagnostic) -> Diagnostic,
    diagram_of: fn(&R) -> &str,
    check: impl FnOnce(&mut Validator<'_>, &R, Option<&Diagram>) -> T,
) -> Result<T, Diagnostics> {
    let raw: R = parse_ron(file, src).map_err(|d| Diagnostics(vec![friendly(d)]))?;
    let tree = outline(limits::strip_bom(src));
    let mut v = Validator {
        file,
        tree: &tree,
        diags: Diagnostics::default(),
    };
    let diagram = v.diagram(diagram_of(&raw), resolve);
    let out = check(&mut v, &raw, diagram.as_ref());
    let mut diags = v.diags;
    diags.sort();
    if diags.has_errors() {
        Err(diags)
    } else {
        Ok(out)
    }
}

/// Checks a scenario file's values, recording each problem at its position (shared by the
/// network and the cluster scenarios).
pub(super) struct Validator<'a> {
    /// The file's name, for the diagnostics.
    pub(super) file: &'a str,
    /// Where each field is.
    pub(super) tree: &'a Node,
    /// What is wrong so far.
    pub(super) diags: Diagnostics,
}

/// The node of the `i`th item of list field `list` of `node`.
pub(super) fn item<'n>(node: Option<&'n Node>, list: &str, i: usize) -> Option<&'n Node> {
    node?.field(list)?.value.items().get(i)
}

impl Validator<'_> {
    /// The diagram the scenario names, from `resolve`, once the name is a file name; a
    /// diagram that cannot be read is an error at the `diagram` field.
    pub(super) fn diagram(
        &mut self,
        name: &str,
        resolve: &mut dyn FnMut(&str) -> DiagramLookup,
    ) -> Option<Diagram> {
        let pos = Some(self.tree.value_pos("diagram"));
        if !name.ends_with(".ron") || name.contains(['/', '\\']) {
            self.err(
                pos,
                format!(
                    "`{name}` is not a diagram file name; expected a file in diagrams/, such as `two-computers.ron`"
                ),
            );
            return None;
        }
        resolve(name).unwrap_or_else(|why| {
            self.err(pos, format!("cannot read the diagram `{name}`: {why}"));
            None
        })
    }

    pub(super) fn err(&mut self, pos: Option<Position>, message: impl Into<String>) {
        self.diags.error(self.file, pos, message);
    }

    pub(super) fn unknown(&mut self, node: Option<&Node>, known: &[&str], what: &str) {
        let Some(node) = node else { return };
        for f in node.fields() {
            if !known.contains(&f.name.as_str()) {
                self.diags.error(
                    self.file,
                    Some(f.name_pos),
                    format!(
                        "unknown field `{}` in {what}; expected one of: {}",
                        f.name,
                        known.join(", ")
                    ),
                );
            }
        }
    }

    pub(super) fn text(&mut self, value: &str, pos: Option<Position>, what: &str, max: usize) {
        if value.trim().is_empty() {
            self.err(pos, format!("{what} is empty"));
        } else if value.chars().count() > max {
            self.err(pos, format!("{what} is longer than {max} characters"));
        }
    }

    fn scenario(&mut self, name: &str, raw: &ScenarioFile, diagram: Option<&Diagram>) -> Scenario {
        let top = Some(self.tree);
        let at = |f: &str| Some(self.tree.value_pos(f));
        self.unknown(top, SCENARIO_FIELDS, "the scenario");
        self.text(
            &raw.title,
            at("title"),
            "the title",
            limits::MAX_LABEL_CHARS,
        );
        if raw.until_ms == 0 || raw.until_ms > MAX_UNTIL_MS {
            self.err(
                at("until_ms"),
                format!(
                    "until_ms is {}; a run lasts 1 to {MAX_UNTIL_MS} ms",
                    raw.until_ms
                ),
            );
        }
        let hosts = self.hosts(raw, diagram);
        let names: Vec<&str> = hosts.iter().map(|h| h.name.as_str()).collect();
        let link = self.link(raw, diagram);
        let programs = self.programs(raw, &names, link.mtu);
        let faults = self.faults(raw, &names, &programs);
        let phases = self.phases(raw, &names);
        Scenario {
            name: name.to_owned(),
            title: raw.title.clone(),
            diagram: raw.diagram.clone(),
            seed: raw.seed,
            until_us: raw.until_ms.saturating_mul(1_000),
            hosts,
            link,
            programs,
            faults,
            phases,
        }
    }

    pub(super) fn part(
        &mut self,
        diagram: Option<&Diagram>,
        id: &str,
        pos: Option<Position>,
        what: &str,
    ) {
        if let Some(d) = diagram
            && d.target_by_id(id).is_none()
        {
            self.err(pos, format!("{what} `{id}` is not a part of the diagram"));
        }
    }

    fn hosts(&mut self, raw: &ScenarioFile, diagram: Option<&Diagram>) -> Vec<Host> {
        if raw.hosts.len() != 2 {
            self.err(
                Some(self.tree.value_pos("hosts")),
                format!(
                    "a lab has exactly two hosts joined by one cable; this one has {}",
                    raw.hosts.len()
                ),
            );
        }
        let mut out = Vec::new();
        let mut names = BTreeSet::new();
        let mut ips = BTreeSet::new();
        let mut macs = BTreeSet::new();
        for (i, h) in raw.hosts.iter().enumerate() {
            let node = item(Some(self.tree), "hosts", i);
            let pos = |f: &str| node.map(|n| n.value_pos(f));
            self.unknown(node, HOST_FIELDS, "a host");
            let name_ok = !h.name.is_empty()
                && h.name.len() <= 16
                && h.name
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-');
            if !name_ok {
                self.err(
                    pos("name"),
                    format!(
                        "`{}` is not a host name; use 1 to 16 letters, digits or `-`",
                        h.name
                    ),
                );
            } else if !names.insert(h.name.to_ascii_lowercase()) {
                self.err(pos("name"), format!("two hosts are named `{}`", h.name));
            }
            let ip = match h.ip.parse::<Ipv4Addr>() {
                Ok(a)
                    if a.is_unspecified()
                        || a.is_broadcast()
                        || a.is_multicast()
                        || a.is_loopback() =>
                {
                    self.err(
                        pos("ip"),
                        format!("`{}` cannot be a host's address (unspecified, broadcast, multicast or loopback)", h.ip),
                    );
                    a.octets()
                }
                Ok(a) => {
                    if a.octets().last().is_some_and(|&b| b == 0 || b == 255) {
                        self.err(
                            pos("ip"),
                            format!("`{}` is the network or broadcast address of its /24", h.ip),
                        );
                    }
                    if !ips.insert(a.octets()) {
                        self.err(pos("ip"), format!("two hosts have the address {}", h.ip));
                    }
                    a.octets()
                }
                Err(_) => {
                    self.err(
                        pos("ip"),
                        format!("`{}` is not an IPv4 address (like 192.0.2.1)", h.ip),
                    );
                    [0; 4]
                }
            };
            let mac = match parse_mac(&h.mac) {
                Some(m) if m.first().is_some_and(|b| b & 1 == 1) => {
                    self.err(
                        pos("mac"),
                        format!("`{}` is a group (multicast) address; a card's own address has the lowest bit of its first byte clear", h.mac),
                    );
                    m
                }
                Some(m) => {
                    if m == [0; 6] {
                        self.err(
                            pos("mac"),
                            "the MAC address 00:00:00:00:00:00 is not a card's",
                        );
                    } else if !macs.insert(m) {
                        self.err(
                            pos("mac"),
                            format!("two hosts have the MAC address {}", h.mac),
                        );
                    }
                    m
                }
                None => {
                    self.err(
                        pos("mac"),
                        format!("`{}` is not a MAC address (like 02:00:00:00:00:0a)", h.mac),
                    );
                    [0; 6]
                }
            };
            for (field, id) in [
                ("computer", &h.computer),
                ("stack", &h.stack),
                ("card", &h.card),
                ("sockets", &h.sockets),
            ] {
                self.part(
                    diagram,
                    id,
                    pos(field),
                    &format!("host `{}`'s {field}", h.name),
                );
            }
            out.push(Host {
                name: h.name.clone(),
                ip,
                mac,
                parts: HostParts {
                    computer: h.computer.clone(),
                    stack: h.stack.clone(),
                    card: h.card.clone(),
                    sockets: h.sockets.clone(),
                },
            });
        }
        if let [a, b] = out.as_slice()
            && a.ip.get(..3) != b.ip.get(..3)
        {
            let pos = item(Some(self.tree), "hosts", 1).map(|n| n.value_pos("ip"));
            self.err(
                pos,
                format!(
                    "the hosts share one cable, so their addresses must be in one /24 network; {} and {} are not",
                    Ipv4Addr::from(a.ip),
                    Ipv4Addr::from(b.ip)
                ),
            );
        }
        out
    }

    fn link(&mut self, raw: &ScenarioFile, diagram: Option<&Diagram>) -> Link {
        let l = &raw.link;
        let node = self.tree.field("link").map(|f| &f.value);
        let pos = |f: &str| node.map(|n| n.value_pos(f));
        self.unknown(node, LINK_FIELDS, "the link");
        self.part(diagram, &l.part, pos("part"), "the link's part");
        if !(1_000..=100_000_000_000).contains(&l.bandwidth_bps) {
            self.err(
                pos("bandwidth_bps"),
                format!(
                    "bandwidth_bps is {}; it must be 1000 (1 kbit/s) to 100000000000 (100 Gbit/s)",
                    l.bandwidth_bps
                ),
            );
        }
        if l.delay_us > 10_000_000 {
            self.err(
                pos("delay_us"),
                format!(
                    "delay_us is {}; the longest propagation delay is 10 s (10000000)",
                    l.delay_us
                ),
            );
        }
        for (f, p) in [("loss", l.loss), ("corruption", l.corruption)] {
            if !(0.0..1.0).contains(&p) {
                self.err(
                    pos(f),
                    format!("{f} is {p}; it is a chance from 0 up to (not including) 1"),
                );
            }
        }
        if !(576..=9000).contains(&l.mtu) {
            self.err(
                pos("mtu"),
                format!(
                    "mtu is {}; IPv4 hosts must take 576 bytes, and a jumbo frame is at most 9000",
                    l.mtu
                ),
            );
        }
        Link {
            part: l.part.clone(),
            delay_us: l.delay_us,
            bandwidth_bps: l.bandwidth_bps,
            loss: if l.loss.is_finite() { l.loss } else { 0.0 },
            corruption: if l.corruption.is_finite() {
                l.corruption
            } else {
                0.0
            },
            mtu: l.mtu,
        }
    }

    fn host_ix(&mut self, names: &[&str], name: &str, pos: Option<Position>) -> usize {
        match names.iter().position(|n| *n == name) {
            Some(i) => i,
            None => {
                self.err(
                    pos,
                    format!(
                        "there is no host `{name}`; the hosts are {}",
                        names.join(", ")
                    ),
                );
                0
            }
        }
    }

    fn start(&mut self, at_ms: u64, until_ms: u64, pos: Option<Position>) -> u64 {
        if at_ms >= until_ms {
            self.err(
                pos,
                format!("at_ms is {at_ms}, but the run stops at {until_ms} ms (until_ms)"),
            );
        }
        at_ms.saturating_mul(1_000)
    }

    fn programs(&mut self, raw: &ScenarioFile, names: &[&str], mtu: u16) -> Vec<Program> {
        if raw.programs.is_empty() {
            self.err(
                Some(self.tree.value_pos("programs")),
                "the hosts run no programs",
            );
        }
        let mut out = Vec::new();
        let mut listening: BTreeSet<(usize, u16)> = BTreeSet::new();
        for (i, p) in raw.programs.iter().enumerate() {
            let node = item(Some(self.tree), "programs", i);
            let pos = |f: &str| node.map(|n| n.value_pos(f));
            let port_ok = |v: &mut Self, port: u16| {
                if port == 0 {
                    v.err(pos("port"), "port 0 is not a port programs can use");
                }
            };
            let program = match p {
                ProgramDef::HttpClient {
                    host,
                    server,
                    port,
                    path,
                    at_ms,
                } => {
                    self.unknown(
                        node,
                        &["host", "server", "port", "path", "at_ms"],
                        "an HttpClient",
                    );
                    port_ok(self, *port);
                    if !path.starts_with('/')
                        || path.len() > 200
                        || path.chars().any(|c| c.is_whitespace() || c.is_control())
                    {
                        self.err(pos("path"), format!("`{path}` is not a path (it starts with `/`, has no spaces, and is at most 200 characters)"));
                    }
                    let (h, s) = (
                        self.host_ix(names, host, pos("host")),
                        self.host_ix(names, server, pos("server")),
                    );
                    if h == s && names.contains(&host.as_str()) {
                        self.err(pos("server"), "the client and the server must be on different hosts: the lab's traffic crosses the cable");
                    }
                    Program::HttpClient {
                        host: h,
                        server: s,
                        port: *port,
                        path: path.clone(),
                        at_us: self.start(*at_ms, raw.until_ms, pos("at_ms")),
                    }
                }
                ProgramDef::HttpServer { host, port } => {
                    self.unknown(node, &["host", "port"], "an HttpServer");
                    port_ok(self, *port);
                    let h = self.host_ix(names, host, pos("host"));
                    if !listening.insert((h, *port)) {
                        self.err(
                            pos("port"),
                            format!("two programs on host `{host}` listen on port {port}"),
                        );
                    }
                    Program::HttpServer {
                        host: h,
                        port: *port,
                    }
                }
                ProgramDef::Ping {
                    host,
                    to,
                    count,
                    interval_ms,
                    size,
                    at_ms,
                } => {
                    self.unknown(
                        node,
                        &["host", "to", "count", "interval_ms", "size", "at_ms"],
                        "a Ping",
                    );
                    if !(1..=1000).contains(count) {
                        self.err(
                            pos("count"),
                            format!("count is {count}; ping sends 1 to 1000 requests"),
                        );
                    }
                    if *interval_ms == 0 || *interval_ms > 60_000 {
                        self.err(
                            pos("interval_ms"),
                            format!("interval_ms is {interval_ms}; it must be 1 to 60000"),
                        );
                    }
                    let max = mtu.saturating_sub(28);
                    if *size > max {
                        self.err(pos("size"), format!("size is {size}; with an MTU of {mtu} an echo request carries at most {max} bytes"));
                    }
                    let (h, t) = (
                        self.host_ix(names, host, pos("host")),
                        self.host_ix(names, to, pos("to")),
                    );
                    if h == t && names.contains(&host.as_str()) {
                        self.err(
                            pos("to"),
                            "ping another host: the lab's traffic crosses the cable",
                        );
                    }
                    Program::Ping {
                        host: h,
                        to: t,
                        count: *count,
                        interval_us: interval_ms.saturating_mul(1_000),
                        size: *size,
                        at_us: self.start(*at_ms, raw.until_ms, pos("at_ms")),
                    }
                }
                ProgramDef::BulkSend {
                    host,
                    to,
                    port,
                    bytes,
                    buffer,
                    at_ms,
                } => {
                    self.unknown(
                        node,
                        &["host", "to", "port", "bytes", "buffer", "at_ms"],
                        "a BulkSend",
                    );
                    port_ok(self, *port);
                    if *bytes == 0 || *bytes > MAX_BULK_BYTES {
                        self.err(
                            pos("bytes"),
                            format!(
                                "bytes is {bytes}; a transfer sends 1 to {MAX_BULK_BYTES} bytes"
                            ),
                        );
                    }
                    if !(64..=MAX_BUFFER).contains(buffer) {
                        self.err(
                            pos("buffer"),
                            format!(
                                "buffer is {buffer}; a socket buffer is 64 to {MAX_BUFFER} bytes"
                            ),
                        );
                    }
                    let (h, t) = (
                        self.host_ix(names, host, pos("host")),
                        self.host_ix(names, to, pos("to")),
                    );
                    if h == t && names.contains(&host.as_str()) {
                        self.err(
                            pos("to"),
                            "send to the other host: the lab's traffic crosses the cable",
                        );
                    }
                    Program::BulkSend {
                        host: h,
                        to: t,
                        port: *port,
                        bytes: *bytes,
                        buffer: *buffer,
                        at_us: self.start(*at_ms, raw.until_ms, pos("at_ms")),
                    }
                }
                ProgramDef::BulkReceive {
                    host,
                    port,
                    window,
                    read_bytes,
                    every_ms,
                } => {
                    self.unknown(
                        node,
                        &["host", "port", "window", "read_bytes", "every_ms"],
                        "a BulkReceive",
                    );
                    port_ok(self, *port);
                    if !(64..=MAX_BUFFER).contains(window) {
                        self.err(
                            pos("window"),
                            format!(
                                "window is {window}; a receive buffer is 64 to {MAX_BUFFER} bytes"
                            ),
                        );
                    }
                    let h = self.host_ix(names, host, pos("host"));
                    if !listening.insert((h, *port)) {
                        self.err(
                            pos("port"),
                            format!("two programs on host `{host}` listen on port {port}"),
                        );
                    }
                    let slow = match (read_bytes, every_ms) {
                        (None, None) => None,
                        (Some(b), Some(e)) => {
                            if *b == 0 || *e == 0 || *e > 60_000 {
                                self.err(
                                    pos("read_bytes"),
                                    "a slow reader reads at least 1 byte every 1 to 60000 ms",
                                );
                            }
                            Some((*b, e.saturating_mul(1_000)))
                        }
                        _ => {
                            self.err(
                                node.map(|n| n.pos()),
                                "a slow reader needs both read_bytes and every_ms",
                            );
                            None
                        }
                    };
                    Program::BulkReceive {
                        host: h,
                        port: *port,
                        window: *window,
                        slow,
                    }
                }
            };
            out.push(program);
        }
        out
    }

    fn frame(&mut self, text: &str, names: &[&str], pos: Option<Position>) -> FrameMatch {
        FrameMatch::parse(text, names).unwrap_or_else(|e| {
            self.err(pos, e);
            FrameMatch::Number(1)
        })
    }

    fn faults(&mut self, raw: &ScenarioFile, names: &[&str], programs: &[Program]) -> Vec<Fault> {
        let mut out = Vec::new();
        for (i, f) in raw.faults.iter().enumerate() {
            let node = item(Some(self.tree), "faults", i);
            let pos = |f: &str| node.map(|n| n.value_pos(f));
            let fault = match f {
                FaultDef::Drop { frame } => {
                    self.unknown(node, &["frame"], "a Drop");
                    Fault::Drop(self.frame(frame, names, pos("frame")))
                }
                FaultDef::Corrupt { frame } => {
                    self.unknown(node, &["frame"], "a Corrupt");
                    Fault::Corrupt(self.frame(frame, names, pos("frame")))
                }
                FaultDef::Delay { frame, by_ms } => {
                    self.unknown(node, &["frame", "by_ms"], "a Delay");
                    if *by_ms == 0 || *by_ms > 60_000 {
                        self.err(
                            pos("by_ms"),
                            format!("by_ms is {by_ms}; a delay is 1 to 60000 ms"),
                        );
                    }
                    Fault::Delay(
                        self.frame(frame, names, pos("frame")),
                        by_ms.saturating_mul(1_000),
                    )
                }
                FaultDef::Cut { at_ms, for_ms } => {
                    self.unknown(node, &["at_ms", "for_ms"], "a Cut");
                    if *for_ms == 0 {
                        self.err(pos("for_ms"), "a cut lasts at least 1 ms");
                    }
                    Fault::Cut {
                        at_us: self.start(*at_ms, raw.until_ms, pos("at_ms")),
                        for_us: for_ms.saturating_mul(1_000),
                    }
                }
                FaultDef::StopServer { host, at_ms } => {
                    self.unknown(node, &["host", "at_ms"], "a StopServer");
                    let h = self.host_ix(names, host, pos("host"));
                    let has_server = programs.iter().any(|p| {
                        p.host() == h
                            && matches!(p, Program::HttpServer { .. } | Program::BulkReceive { .. })
                    });
                    if !has_server && names.contains(&host.as_str()) {
                        self.err(pos("host"), format!("host `{host}` runs no server to stop"));
                    }
                    Fault::StopServer {
                        host: h,
                        at_us: at_ms.saturating_mul(1_000),
                    }
                }
                FaultDef::SlowReader {
                    host,
                    at_ms,
                    read_bytes,
                    every_ms,
                } => {
                    self.unknown(
                        node,
                        &["host", "at_ms", "read_bytes", "every_ms"],
                        "a SlowReader",
                    );
                    let h = self.host_ix(names, host, pos("host"));
                    let reads = programs
                        .iter()
                        .any(|p| p.host() == h && matches!(p, Program::BulkReceive { .. }));
                    if !reads && names.contains(&host.as_str()) {
                        self.err(pos("host"), format!("host `{host}` runs no bulk reader"));
                    }
                    if *read_bytes == 0 || *every_ms == 0 || *every_ms > 60_000 {
                        self.err(
                            pos("read_bytes"),
                            "a slow reader reads at least 1 byte every 1 to 60000 ms",
                        );
                    }
                    Fault::SlowReader {
                        host: h,
                        at_us: self.start(*at_ms, raw.until_ms, pos("at_ms")),
                        bytes: *read_bytes,
                        every_us: every_ms.saturating_mul(1_000),
                    }
                }
            };
            out.push(fault);
        }
        out
    }

    fn phases(&mut self, raw: &ScenarioFile, names: &[&str]) -> Vec<Phase> {
        let mut out = Vec::new();
        for (i, p) in raw.phases.iter().enumerate() {
            let node = item(Some(self.tree), "phases", i);
            let pos = |f: &str| node.map(|n| n.value_pos(f));
            self.unknown(node, PHASE_FIELDS, "a phase");
            self.text(
                &p.title,
                pos("title"),
                "a phase's title",
                limits::MAX_LABEL_CHARS,
            );
            self.text(
                &p.narration,
                pos("narration"),
                "a phase's narration",
                limits::MAX_TEXT_CHARS,
            );
            if let Some(notes) = &p.notes {
                self.text(
                    notes,
                    pos("notes"),
                    "a phase's notes",
                    limits::MAX_TEXT_CHARS,
                );
            }
            let from = if p.from.trim().eq_ignore_ascii_case("start") {
                if i != 0 {
                    self.err(pos("from"), "only the first phase can begin at the start");
                }
                None
            } else {
                if i == 0 {
                    self.err(
                        pos("from"),
                        "the first phase begins at the start: write `from: \"start\"`",
                    );
                }
                Some(self.frame(&p.from, names, pos("from")))
            };
            out.push(Phase {
                from,
                title: p.title.clone(),
                narration: p.narration.clone(),
                notes: p.notes.clone(),
            });
        }
        out
    }
}
