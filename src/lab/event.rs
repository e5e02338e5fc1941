//! What a run records: every frame that crosses the cable, and what happens inside a host
//! where its stack shows it. One list, in virtual-time order, numbered from 0.

use std::fmt::Write as _;

use serde::Serialize;

/// Which way a frame crosses the cable.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Direction {
    /// From the first host (A) to the second (B).
    AtoB,
    /// From B to A.
    BtoA,
}

impl Direction {
    /// The direction of frames sent by host `from` (0 or 1).
    pub fn from_host(from: usize) -> Self {
        if from == 0 { Self::AtoB } else { Self::BtoA }
    }

    /// The sending host's index.
    pub fn sender(self) -> usize {
        match self {
            Self::AtoB => 0,
            Self::BtoA => 1,
        }
    }

    /// The receiving host's index.
    pub fn receiver(self) -> usize {
        1 - self.sender()
    }
}

/// What became of a frame on the cable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum Fate {
    /// It arrived at this time (microseconds).
    Delivered {
        /// Arrival time.
        at_us: u64,
    },
    /// It arrived late, held back by a fault.
    Delayed {
        /// Arrival time.
        at_us: u64,
        /// The extra delay.
        by_us: u64,
    },
    /// It arrived with one bit flipped (the bytes recorded are the ones that arrived).
    Corrupted {
        /// Arrival time.
        at_us: u64,
        /// The byte that changed.
        byte: usize,
        /// The bit within it (0 is the lowest).
        bit: u8,
    },
    /// It never arrived.
    Lost {
        /// Why: "dropped (fault)", "lost (link loss)", "lost (cable cut)".
        why: String,
    },
}

impl Fate {
    /// When it arrived, if it did.
    pub fn arrival(&self) -> Option<u64> {
        match self {
            Fate::Delivered { at_us }
            | Fate::Delayed { at_us, .. }
            | Fate::Corrupted { at_us, .. } => Some(*at_us),
            Fate::Lost { .. } => None,
        }
    }
}

/// A frame on the cable.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Frame {
    /// Its number, from 1, in the order frames go onto the cable.
    pub number: u32,
    /// Which way it goes.
    pub direction: Direction,
    /// The bytes, from the destination MAC address to the end of the payload (no preamble or
    /// FCS, as a capture shows them).
    #[serde(serialize_with = "hex")]
    pub bytes: Vec<u8>,
    /// The one-line summary (protocol first, relative sequence numbers).
    pub summary: String,
    /// What became of it.
    pub fate: Fate,
}

fn hex<S: serde::Serializer>(bytes: &[u8], s: S) -> Result<S::Ok, S::Error> {
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    s.serialize_str(&out)
}

/// What happened.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub enum EventKind {
    /// A frame went onto the cable.
    Frame(Frame),
    /// A TCP socket changed state.
    SocketState {
        /// The host.
        host: usize,
        /// The program that owns the socket.
        program: String,
        /// The state before (`SYN-SENT`).
        from: String,
        /// The state after (`ESTABLISHED`).
        to: String,
    },
    /// A program handed bytes to its socket.
    AppSend {
        /// The host.
        host: usize,
        /// The program.
        program: String,
        /// How many bytes.
        bytes: usize,
        /// What they are, briefly.
        what: String,
    },
    /// A program read bytes from its socket.
    AppRecv {
        /// The host.
        host: usize,
        /// The program.
        program: String,
        /// How many bytes.
        bytes: usize,
        /// What they are, briefly.
        what: String,
    },
    /// A program's news that is not a send or a receive: a reply matched, a body complete,
    /// a server stopped.
    App {
        /// The host.
        host: usize,
        /// The program.
        program: String,
        /// What happened.
        what: String,
    },
    /// The host's stack sent a segment again: the retransmission timer (or duplicate
    /// acknowledgements) told it the first copy was lost.
    Retransmission {
        /// The host.
        host: usize,
        /// The frame that carries it again.
        frame: u32,
        /// The frame that carried it first.
        original: u32,
        /// Time since the first copy, microseconds.
        after_us: u64,
    },
    /// A host threw a frame away: its checksum did not match.
    Discarded {
        /// The host.
        host: usize,
        /// The frame.
        frame: u32,
        /// Why.
        reason: String,
    },
    /// The cable was unplugged (`false`) or plugged back in (`true`).
    Cable {
        /// Whether it now carries frames.
        up: bool,
    },
}

/// One event of a run.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Event {
    /// Virtual time, in microseconds from the start.
    pub time_us: u64,
    /// What happened.
    pub kind: EventKind,
}

impl Event {
    /// The frame, if this event is one.
    pub fn frame(&self) -> Option<&Frame> {
        match &self.kind {
            EventKind::Frame(f) => Some(f),
            _ => None,
        }
    }

    /// One line for a terminal: time in seconds, then what happened.
    /// `names` are the hosts' names.
    pub fn line(&self, names: &[&str]) -> String {
        let name = |h: usize| names.get(h).copied().unwrap_or("?");
        let t = format!(
            "{:>4}.{:06}",
            self.time_us / 1_000_000,
            self.time_us % 1_000_000
        );
        match &self.kind {
            EventKind::Frame(f) => {
                let (s, r) = (f.direction.sender(), f.direction.receiver());
                let fate = match &f.fate {
                    Fate::Delivered { .. } => String::new(),
                    Fate::Delayed { by_us, .. } => format!("  (delayed {} ms)", by_us / 1000),
                    Fate::Corrupted { byte, bit, .. } => {
                        format!("  (bit {bit} of byte {byte} flipped on the way)")
                    }
                    Fate::Lost { why } => format!("  ({why})"),
                };
                format!(
                    "{t}  #{:<4} {} → {}  {}{fate}",
                    f.number,
                    name(s),
                    name(r),
                    f.summary
                )
            }
            EventKind::SocketState {
                host,
                program,
                from,
                to,
            } => {
                format!(
                    "{t}        {}  {program} socket: {from} → {to}",
                    name(*host)
                )
            }
            EventKind::AppSend {
                host,
                program,
                bytes,
                what,
            } => {
                format!(
                    "{t}        {}  {program} sends {bytes} bytes: {what}",
                    name(*host)
                )
            }
            EventKind::AppRecv {
                host,
                program,
                bytes,
                what,
            } => {
                format!(
                    "{t}        {}  {program} reads {bytes} bytes: {what}",
                    name(*host)
                )
            }
            EventKind::App {
                host,
                program,
                what,
            } => {
                format!("{t}        {}  {program}: {what}", name(*host))
            }
            EventKind::Retransmission {
                host,
                frame,
                original,
                after_us,
            } => format!(
                "{t}        {}  TCP retransmits: frame #{frame} resends #{original}, {} ms later",
                name(*host),
                after_us / 1000
            ),
            EventKind::Discarded {
                host,
                frame,
                reason,
            } => format!(
                "{t}        {}  discards frame #{frame}: {reason}",
                name(*host)
            ),
            EventKind::Cable { up: false } => format!("{t}        cable unplugged"),
            EventKind::Cable { up: true } => format!("{t}        cable plugged back in"),
        }
    }
}

/// FNV-1a, 64 bits: a digest of a run that a browser and a native build can compare.
#[derive(Clone, Copy, Debug)]
pub struct Digest(u64);

impl Default for Digest {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Digest {
    /// Adds bytes.
    pub fn add(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }

    /// Adds one event: its time, and its frame's bytes or its line.
    pub fn add_event(&mut self, e: &Event) {
        self.add(&e.time_us.to_le_bytes());
        match &e.kind {
            EventKind::Frame(f) => {
                self.add(&f.number.to_le_bytes());
                self.add(&[f.direction.sender() as u8]);
                self.add(&f.bytes);
                self.add(&f.fate.arrival().unwrap_or(u64::MAX).to_le_bytes());
            }
            _ => self.add(e.line(&["A", "B"]).as_bytes()),
        }
    }

    /// The digest so far.
    pub fn value(self) -> u64 {
        self.0
    }
}

/// The digest of a list of events.
pub fn digest(events: &[Event]) -> u64 {
    let mut d = Digest::default();
    for e in events {
        d.add_event(e);
    }
    d.value()
}
