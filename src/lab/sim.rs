//! The discrete-event simulation: a virtual clock, an event queue, the cable between the two
//! hosts, and the faults. Nothing sleeps: the clock jumps to the next thing that happens.
//!
//! The cable is full duplex. A frame waits until its direction is free, takes its
//! serialisation time (its length, with Ethernet's preamble, FCS and gap, at the bandwidth),
//! then its propagation delay, and arrives, unless the cable or a fault loses it. Every
//! random choice comes from the seed.

use std::cmp::Reverse;
use std::collections::{BTreeMap, BinaryHeap, VecDeque};
use std::sync::Arc;

use super::decode::{self, Dissector};
use super::event::{Direction, Event, EventKind, Fate, Frame};
use super::host::{Host, Outcome};
use super::matcher::Matcher;
use super::rng::Rng;
use super::scenario::{Fault, Scenario};

/// Bytes a frame takes on the wire beyond those a capture shows: preamble and start delimiter
/// (8), frame check sequence (4) and the gap before the next frame (12).
pub const WIRE_OVERHEAD: u64 = 24;

#[derive(Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Pending {
    /// A frame starts onto the cable.
    TxStart { dir: Direction, bytes: Vec<u8> },
    /// A frame reaches the far card.
    Arrive {
        dir: Direction,
        number: u32,
        bytes: Vec<u8>,
        corrupted: bool,
    },
    /// The cable is unplugged or plugged back in.
    Cable { up: bool },
    /// A host's servers stop.
    StopServer { host: usize },
    SlowReader {
        host: usize,
        bytes: usize,
        every_us: u64,
    },
}

/// A fault that acts on one frame, waiting for it.
#[derive(Clone, Debug)]
enum FrameFault {
    Drop,
    Corrupt,
    Delay(u64),
}

/// What the retransmission detector remembers of one direction of one connection.
#[derive(Default)]
struct Flow {
    isn: u32,
    /// Highest relative sequence number sent so far (end of data).
    high: u32,
    /// First sending of each relative sequence start: frame number and time.
    first: BTreeMap<u32, (u32, u64)>,
    /// The peer's last advertised window was zero (so a 1-byte segment is a probe).
    peer_zero: bool,
}

/// A run in progress: hand out its events one at a time with [`Simulation::next_event`].
pub struct Simulation {
    scenario: Arc<Scenario>,
    now: u64,
    hosts: Vec<Host>,
    wake: Vec<Option<u64>>,
    queue: BinaryHeap<Reverse<(u64, u64, Pending)>>,
    order: u64,
    busy_until: [u64; 2],
    cable_up: bool,
    rng: Rng,
    frame_faults: Vec<(Matcher, FrameFault)>,
    frames: u32,
    dissector: Dissector,
    flows: BTreeMap<([u8; 4], u16, [u8; 4], u16), Flow>,
    out: VecDeque<Event>,
    outcome: Outcome,
    finished: bool,
}

impl Simulation {
    /// A run of `scenario` from `seed`, with `extra` faults beside the scenario's own.
    pub fn new(scenario: Arc<Scenario>, seed: u64, extra: &[Fault]) -> Self {
        let root = Rng::new(seed);
        let hosts: Vec<Host> = scenario
            .hosts
            .iter()
            .enumerate()
            .map(|(i, h)| {
                Host::new(
                    i,
                    h,
                    &scenario.hosts,
                    scenario.link.mtu,
                    &scenario.programs,
                    root.split(i as u64 + 1),
                )
            })
            .collect();
        let mut sim = Self {
            now: 0,
            wake: vec![Some(0); hosts.len()],
            hosts,
            queue: BinaryHeap::new(),
            order: 0,
            busy_until: [0; 2],
            cable_up: true,
            rng: root.split(0xCAB1E),
            frame_faults: Vec::new(),
            frames: 0,
            dissector: Dissector::default(),
            flows: BTreeMap::new(),
            out: VecDeque::new(),
            outcome: Outcome::default(),
            finished: false,
            scenario: scenario.clone(),
        };
        for f in scenario.faults.iter().chain(extra) {
            sim.add_fault(f.clone());
        }
        sim
    }

    /// Adds a fault from now on: frame faults match frames not yet on the cable; timed faults
    /// in the past act at once.
    pub fn add_fault(&mut self, fault: Fault) {
        match fault {
            Fault::Drop(m) => self.frame_faults.push((Matcher::new(m), FrameFault::Drop)),
            Fault::Corrupt(m) => self
                .frame_faults
                .push((Matcher::new(m), FrameFault::Corrupt)),
            Fault::Delay(m, by) => self
                .frame_faults
                .push((Matcher::new(m), FrameFault::Delay(by))),
            Fault::Cut { at_us, for_us } => {
                let at = at_us.max(self.now);
                self.schedule(at, Pending::Cable { up: false });
                self.schedule(at.saturating_add(for_us), Pending::Cable { up: true });
            }
            Fault::StopServer { host, at_us } => {
                self.schedule(at_us.max(self.now), Pending::StopServer { host });
            }
            Fault::SlowReader {
                host,
                at_us,
                bytes,
                every_us,
            } => {
                self.schedule(
                    at_us.max(self.now),
                    Pending::SlowReader {
                        host,
                        bytes,
                        every_us,
                    },
                );
            }
        }
    }

    /// The virtual time, in microseconds.
    pub fn now(&self) -> u64 {
        self.now
    }

    /// What the programs achieved so far.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    fn schedule(&mut self, at: u64, what: Pending) {
        self.order += 1;
        self.queue.push(Reverse((at, self.order, what)));
    }

    /// The next event, or `None` when the run is over (nothing left to happen, or the
    /// scenario's end time reached).
    pub fn next_event(&mut self) -> Option<Event> {
        while self.out.is_empty() && !self.finished {
            self.advance();
        }
        self.out.pop_front()
    }

    fn push(&mut self, kind: EventKind) {
        self.out.push_back(Event {
            time_us: self.now,
            kind,
        });
    }

    /// Moves the clock to the next thing that happens and does it.
    fn advance(&mut self) {
        let queued = self.queue.peek().map(|Reverse((t, ..))| *t);
        let woken = self.wake.iter().flatten().min().copied();
        let next = match (queued, woken) {
            (Some(a), Some(b)) => a.min(b),
            (a, b) => match a.or(b) {
                Some(t) => t,
                None => {
                    self.finished = true;
                    return;
                }
            },
        };
        if next > self.scenario.until_us {
            self.finished = true;
            return;
        }
        self.now = next.max(self.now);
        let mut touched = vec![false; self.hosts.len()];
        while let Some(Reverse((t, ..))) = self.queue.peek() {
            if *t > self.now {
                break;
            }
            let Some(Reverse((_, _, item))) = self.queue.pop() else {
                break;
            };
            self.handle(item, &mut touched);
        }
        for h in 0..self.hosts.len() {
            let due = self
                .wake
                .get(h)
                .copied()
                .flatten()
                .is_some_and(|w| w <= self.now);
            if due || touched.get(h).copied().unwrap_or(false) {
                self.step_host(h);
            }
        }
    }

    /// Does `what` to host `host` now: its events are recorded and it is polled this moment.
    fn in_host(
        &mut self,
        host: usize,
        touched: &mut [bool],
        what: impl FnOnce(&mut super::host::Host, &mut Vec<EventKind>),
    ) {
        let mut evs = Vec::new();
        if let Some(h) = self.hosts.get_mut(host) {
            what(h, &mut evs);
        }
        for e in evs {
            self.push(e);
        }
        if let Some(t) = touched.get_mut(host) {
            *t = true;
        }
    }

    fn handle(&mut self, item: Pending, touched: &mut [bool]) {
        match item {
            Pending::TxStart { dir, bytes } => self.transmit(dir, bytes),
            Pending::Arrive {
                dir,
                number,
                bytes,
                corrupted,
            } => {
                let to = dir.receiver();
                if corrupted {
                    let reason = match decode::verify_checksums(&bytes) {
                        Err(why) => format!("{why}, so the stack drops it"),
                        Ok(()) => "its frame check sequence does not match, so the card drops it"
                            .to_owned(),
                    };
                    let card_drops = decode::classify(&bytes).arp_op.is_some();
                    self.push(EventKind::Discarded {
                        host: to,
                        frame: number,
                        reason,
                    });
                    if card_drops {
                        return;
                    }
                }
                if let Some(h) = self.hosts.get_mut(to) {
                    h.card.rx.push_back(bytes);
                }
                if let Some(t) = touched.get_mut(to) {
                    *t = true;
                }
            }
            Pending::Cable { up } => {
                self.cable_up = up;
                self.push(EventKind::Cable { up });
            }
            Pending::StopServer { host } => {
                self.in_host(host, touched, |h, evs| h.stop_servers(evs));
            }
            Pending::SlowReader {
                host,
                bytes,
                every_us,
            } => {
                let now = self.now;
                self.in_host(host, touched, |h, evs| {
                    h.slow_readers(now, bytes, every_us, evs)
                });
            }
        }
    }

    fn step_host(&mut self, h: usize) {
        let now = self.now;
        let mut evs = Vec::new();
        let Some(host) = self.hosts.get_mut(h) else {
            return;
        };
        host.step(now, &mut evs, &mut self.outcome);
        let frames = std::mem::take(&mut host.card.tx);
        // Polled again no sooner than the next microsecond: the stack has done all it can now.
        let wake = host.wake_at(now).map(|t| t.max(now + 1));
        if let Some(w) = self.wake.get_mut(h) {
            *w = wake;
        }
        for e in evs {
            self.push(e);
        }
        let dir = Direction::from_host(h);
        let bandwidth = self.scenario.link.bandwidth_bps.max(1);
        for bytes in frames {
            let d = dir.sender();
            let busy = self.busy_until.get(d).copied().unwrap_or(0);
            let start = busy.max(now);
            let bits = (bytes.len() as u64 + WIRE_OVERHEAD) * 8;
            let serialise = (bits * 1_000_000).div_ceil(bandwidth);
            if let Some(b) = self.busy_until.get_mut(d) {
                *b = start + serialise;
            }
            self.schedule(start, Pending::TxStart { dir, bytes });
        }
    }

    /// A frame goes onto the cable: number it, let faults and chance act on it, record it.
    fn transmit(&mut self, dir: Direction, mut bytes: Vec<u8>) {
        self.frames += 1;
        let number = self.frames;
        let class = decode::classify(&bytes);
        let from = dir.sender();
        let link = &self.scenario.link;
        let bits = (bytes.len() as u64 + WIRE_OVERHEAD) * 8;
        let serialise = (bits * 1_000_000).div_ceil(link.bandwidth_bps.max(1));
        let mut arrive = self.now + serialise + link.delay_us;
        let mut fault = None;
        for (m, f) in &mut self.frame_faults {
            if m.offer(number, from, &class) && fault.is_none() {
                fault = Some(f.clone());
            }
        }
        let lost_by_chance = self.rng.chance(link.loss);
        let corrupt_by_chance = self.rng.chance(link.corruption);
        let retransmission = self.retransmission(number, &bytes);
        if let Some((original, after_us)) = retransmission {
            self.push(EventKind::Retransmission {
                host: from,
                frame: number,
                original,
                after_us,
            });
        }
        let summary = self.dissector.summary(&bytes);
        let fate = if !self.cable_up {
            Fate::Lost {
                why: "lost: the cable is unplugged".to_owned(),
            }
        } else if matches!(fault, Some(FrameFault::Drop)) {
            Fate::Lost {
                why: "dropped by a fault".to_owned(),
            }
        } else if lost_by_chance {
            Fate::Lost {
                why: "lost on the cable (link loss)".to_owned(),
            }
        } else if matches!(fault, Some(FrameFault::Corrupt)) || corrupt_by_chance {
            let (byte, bit) = self.corrupt_spot(&bytes);
            if let Some(b) = bytes.get_mut(byte) {
                *b ^= 1 << bit;
            }
            Fate::Corrupted {
                at_us: arrive,
                byte,
                bit,
            }
        } else if let Some(FrameFault::Delay(by)) = fault {
            arrive += by;
            Fate::Delayed {
                at_us: arrive,
                by_us: by,
            }
        } else {
            Fate::Delivered { at_us: arrive }
        };
        if let Some(at) = fate.arrival() {
            let corrupted = matches!(fate, Fate::Corrupted { .. });
            self.schedule(
                at,
                Pending::Arrive {
                    dir,
                    number,
                    bytes: bytes.clone(),
                    corrupted,
                },
            );
        }
        self.push(EventKind::Frame(Frame {
            number,
            direction: dir,
            bytes,
            summary,
            fate,
        }));
    }

    /// Where a bit flips: in the TCP or ICMP data when there is some (the stack's checksum
    /// catches it), else in that header's checksum field; in an ARP frame, anywhere in its
    /// body (ARP has no checksum: the card's FCS catches it).
    fn corrupt_spot(&mut self, bytes: &[u8]) -> (usize, u8) {
        let bit = self.rng.below(8) as u8;
        let layers = decode::decode(bytes);
        let last = layers.last();
        let range = match layers.iter().find(|l| l.name == "TCP" || l.name == "ICMP") {
            Some(l4) => {
                let checksum = l4
                    .fields
                    .iter()
                    .find(|f| f.name == "Checksum")
                    .map(|f| f.range.clone());
                let data = last
                    .filter(|l| l.name != "TCP" && l.name != "ICMP")
                    .map(|l| l.range.clone())
                    .or_else(|| {
                        l4.fields
                            .iter()
                            .find(|f| f.name == "Data" && !f.range.is_empty())
                            .map(|f| f.range.clone())
                    });
                data.or(checksum).unwrap_or(l4.range.clone())
            }
            None => last.map_or(0..bytes.len(), |l| l.range.clone()),
        };
        let span = (range.end.saturating_sub(range.start)).max(1) as u64;
        (range.start + self.rng.below(span) as usize, bit)
    }

    /// Whether this TCP segment resends data sent before: the original frame and how long ago.
    fn retransmission(&mut self, number: u32, bytes: &[u8]) -> Option<(u32, u64)> {
        let p = etherparse::SlicedPacket::from_ethernet(bytes).ok()?;
        let Some(etherparse::NetSlice::Ipv4(ip)) = &p.net else {
            return None;
        };
        let Some(etherparse::TransportSlice::Tcp(t)) = &p.transport else {
            return None;
        };
        let (src, dst) = (ip.header().source(), ip.header().destination());
        let key = (src, t.source_port(), dst, t.destination_port());
        let back = (dst, t.destination_port(), src, t.source_port());
        let window_zero = t.window_size() == 0 && !t.rst();
        if let Some(peer) = self.flows.get_mut(&back) {
            peer.peer_zero = window_zero;
        }
        if t.syn() && !self.flows.contains_key(&key) {
            self.flows.insert(
                key,
                Flow {
                    isn: t.sequence_number(),
                    ..Flow::default()
                },
            );
        }
        let now = self.now;
        let flow = self.flows.get_mut(&key)?;
        let len = t.payload().len() as u32 + u32::from(t.syn()) + u32::from(t.fin());
        if len == 0 {
            return None;
        }
        let start = t.sequence_number().wrapping_sub(flow.isn);
        let end = start.wrapping_add(len);
        if flow.first.is_empty() || start >= flow.high {
            flow.first.insert(start, (number, now));
            flow.high = flow.high.max(end);
            return None;
        }
        if flow.peer_zero && t.payload().len() == 1 {
            // A zero-window probe: the sender asks whether the window has opened.
            return None;
        }
        let (_, &(original, at)) = flow.first.range(..=start).next_back()?;
        Some((original, now.saturating_sub(at)))
    }
}
