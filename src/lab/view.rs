//! A run as the explorer shows it: each event as a row of the event list, and each frame's
//! walk through the diagram's parts, gaining a header at each part on the way down and losing
//! one on the way up.
//!
//! Pure, like the rest of the lab: the app draws what this computes, and the tests check the
//! app against it.

use crate::model::{Diagram, LinkId, Point, Target, packet_at, packet_route, route_length};

use super::decode::{Layer, decode};
use super::event::{Event, EventKind, Frame};
use super::matcher::FrameMatch;
use super::scenario::{Fault, Scenario};

/// One row of the event list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// The event's number, from 1 (as the list, the URL and `--event` count).
    pub number: usize,
    /// Virtual time, in milliseconds with three decimals (`12.345`).
    pub time: String,
    /// Who it comes from (a host's name).
    pub from: String,
    /// Who it goes to (a host's name; the same host for what happens inside one).
    pub to: String,
    /// The protocol (`ARP`, `TCP`, `HTTP`, `ICMP`), or `Host` for what happens in a host.
    pub protocol: String,
    /// One line.
    pub summary: String,
}

/// The host an event happens on or comes from.
fn event_host(kind: &EventKind) -> Option<usize> {
    match kind {
        EventKind::Frame(f) => Some(f.direction.sender()),
        EventKind::SocketState { host, .. }
        | EventKind::AppSend { host, .. }
        | EventKind::AppRecv { host, .. }
        | EventKind::App { host, .. }
        | EventKind::Retransmission { host, .. }
        | EventKind::Discarded { host, .. } => Some(*host),
        EventKind::Cable { .. } => None,
    }
}

/// The event's row, `index` counting from 0. `names` are the hosts' names.
pub fn row(index: usize, event: &Event, names: &[&str]) -> Row {
    let name = |h: Option<usize>| {
        h.and_then(|h| names.get(h).copied())
            .unwrap_or("cable")
            .to_owned()
    };
    let time = format!("{}.{:03}", event.time_us / 1000, event.time_us % 1000);
    let (from, to, protocol, summary) = match &event.kind {
        EventKind::Frame(f) => {
            let mut words = f.summary.splitn(2, ' ');
            let protocol = words.next().unwrap_or_default().to_owned();
            (
                name(Some(f.direction.sender())),
                name(Some(f.direction.receiver())),
                protocol,
                format!("#{} {}", f.number, f.summary),
            )
        }
        kind => {
            let host = name(event_host(kind));
            // The terminal line without its time and host: the host has its own column.
            let line = event.line(names);
            let what = line
                .split_once(&format!("  {host}  "))
                .map_or_else(|| line.trim().to_owned(), |(_, w)| w.to_owned());
            let what = match kind {
                EventKind::Cable { .. } => line
                    .split_once("  ")
                    .map_or(line.clone(), |(_, w)| w.trim().to_owned()),
                _ => what,
            };
            let protocol = match kind {
                EventKind::SocketState { .. } | EventKind::Retransmission { .. } => "TCP",
                EventKind::Cable { .. } => "Link",
                _ => "Host",
            };
            (host.clone(), host, protocol.to_owned(), what)
        }
    };
    Row {
        number: index + 1,
        time,
        from,
        to,
        protocol,
        summary,
    }
}

/// How long a delay the learner's "delay this frame" adds, in microseconds.
pub const DELAY_US: u64 = 200_000;
/// How long the learner's "cut the cable" unplugs it, in microseconds.
pub const CUT_US: u64 = 1_000_000;

/// A fault in a few words, for the lab panel: "frame #5 dropped".
pub fn fault_words(fault: &Fault, names: &[&str]) -> String {
    let frame = |m: &FrameMatch| match m {
        FrameMatch::Number(n) => format!("frame #{n}"),
        FrameMatch::Nth { .. } => "a frame".to_owned(),
    };
    let ms = |us: u64| format!("{}.{:03} ms", us / 1000, us % 1000);
    match fault {
        Fault::Drop(m) => format!("{} dropped", frame(m)),
        Fault::Corrupt(m) => format!("{} corrupted", frame(m)),
        Fault::Delay(m, by) => format!("{} delayed {} ms", frame(m), by / 1000),
        Fault::Cut { at_us, for_us } => {
            format!("cable cut at {} for {} ms", ms(*at_us), for_us / 1000)
        }
        Fault::StopServer { host, at_us } => format!(
            "{}'s server stopped at {}",
            names.get(*host).copied().unwrap_or("?"),
            ms(*at_us)
        ),
    }
}

/// The lifelines of a run's sequence diagram, left to right: A's application, A's stack, the
/// cable, B's stack, B's application.
pub const LIFELINES: [&str; 5] = [
    "A's application",
    "A's stack",
    "Cable",
    "B's stack",
    "B's application",
];

/// One line of a sequence diagram: an arrow (a frame) or a note (what happens in a host).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SequenceItem {
    /// A frame from one lifeline to another (indices into [`LIFELINES`]), labelled with its
    /// summary; `lost`: it never arrived.
    Arrow {
        /// The event's index.
        event: usize,
        /// From this lifeline.
        from: usize,
        /// To this one.
        to: usize,
        /// Its label.
        text: String,
        /// It was lost on the way.
        lost: bool,
    },
    /// Something that happened on one lifeline.
    Note {
        /// The event's index.
        event: usize,
        /// The lifeline.
        on: usize,
        /// What happened.
        text: String,
    },
}

/// The run as a sequence diagram: one arrow per frame, from the sending host's stack to the
/// receiving host's (its application's, where a program wrote or reads the data), and a note
/// for each event inside a host or on the cable.
pub fn sequence(events: &[Event], names: &[&str]) -> Vec<SequenceItem> {
    let stack = |h: usize| if h == 0 { 1 } else { 3 };
    let app = |h: usize| if h == 0 { 0 } else { 4 };
    events
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let r = row(i, e, names);
            match &e.kind {
                EventKind::Frame(f) => {
                    let (s, t) = (f.direction.sender(), f.direction.receiver());
                    let (from_app, _) = layers_at(f, false);
                    let (to_app, _) = layers_at(f, true);
                    SequenceItem::Arrow {
                        event: i,
                        from: if from_app.is_some() { app(s) } else { stack(s) },
                        to: if to_app.is_some() { app(t) } else { stack(t) },
                        text: r.summary,
                        lost: matches!(f.fate, super::event::Fate::Lost { .. }),
                    }
                }
                EventKind::Cable { .. } => SequenceItem::Note {
                    event: i,
                    on: 2,
                    text: r.summary,
                },
                EventKind::AppSend { host, .. }
                | EventKind::AppRecv { host, .. }
                | EventKind::App { host, .. } => SequenceItem::Note {
                    event: i,
                    on: app(*host),
                    text: r.summary,
                },
                EventKind::SocketState { host, .. }
                | EventKind::Retransmission { host, .. }
                | EventKind::Discarded { host, .. } => SequenceItem::Note {
                    event: i,
                    on: stack(*host),
                    text: r.summary,
                },
            }
        })
        .collect()
}

/// Text for a Mermaid message: no statement separator (`;`), no line break, no `#` that could
/// start an entity code.
fn mermaid_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '#' => out.push_str("#35;"),
            ';' => out.push_str("#59;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

/// The run as Mermaid `sequenceDiagram` text, for course notes: one arrow per frame (`-x` for
/// a lost one), a note for each event inside a host.
pub fn mermaid(title: &str, events: &[Event], names: &[&str]) -> String {
    use std::fmt::Write as _;
    let ids = ["AA", "AS", "C", "BS", "BA"];
    let mut out = String::from("sequenceDiagram\n");
    let _ = writeln!(out, "    title {}", mermaid_text(title));
    for (id, name) in ids.iter().zip(LIFELINES) {
        let _ = writeln!(out, "    participant {id} as {name}");
    }
    let id = |i: usize| ids.get(i).copied().unwrap_or("C");
    for item in sequence(events, names) {
        match item {
            SequenceItem::Arrow {
                from,
                to,
                text,
                lost,
                ..
            } => {
                let arrow = if lost { "-x" } else { "->>" };
                let _ = writeln!(
                    out,
                    "    {}{arrow}{}: {}",
                    id(from),
                    id(to),
                    mermaid_text(&text)
                );
            }
            SequenceItem::Note { on, text, .. } => {
                let _ = writeln!(out, "    Note over {}: {}", id(on), mermaid_text(&text));
            }
        }
    }
    out
}

/// One stop of a frame's walk: the part, and the layers the frame has there (outermost
/// first, by the names [`decode`] gives them).
#[derive(Clone, Debug, PartialEq)]
pub struct Stop {
    /// The part of the diagram.
    pub part: Target,
    /// The layers the frame has at this part.
    pub layers: Vec<&'static str>,
    /// How far along the walk this stop is, in diagram units (the middle of a link).
    pub distance: f32,
}

/// A frame's walk through the diagram: from the sending host's sockets (or its stack, for what
/// the stack makes itself: ARP, a bare acknowledgement, an echo reply) down to its card, along
/// the cable, and up the other host to its stack or sockets.
#[derive(Clone, Debug, PartialEq)]
pub struct Walk {
    /// The stops, in order.
    pub stops: Vec<Stop>,
    /// The path through them, in diagram coordinates, each point with the layers from there
    /// on joined by ` · ` (what `packet_at` hands back).
    route: Vec<(Point, String)>,
    /// The path's length.
    length: f32,
}

/// The names of the layers a program hands to or reads from its socket: what is above the
/// transport (TCP's data, HTTP), or an ICMP message for a ping program.
fn payload_layers(layers: &[Layer]) -> Vec<&'static str> {
    layers
        .iter()
        .map(|l| l.name)
        .filter(|n| matches!(*n, "HTTP" | "Data"))
        .collect()
}

/// Which layers the frame has at the sockets, the stack and the card: `None` at the sockets
/// when the stack made the frame (or consumes it) without a program's data.
fn layers_at(frame: &Frame, receiving: bool) -> (Option<Vec<&'static str>>, Vec<&'static str>) {
    let layers = decode(&frame.bytes);
    let all: Vec<&'static str> = layers.iter().map(|l| l.name).collect();
    let stack: Vec<&'static str> = all
        .iter()
        .copied()
        .filter(|n| *n != "Ethernet II")
        .collect();
    let payload = payload_layers(&layers);
    let class = super::decode::classify(&frame.bytes);
    // A ping program writes the echo request and reads the reply; the stack answers a
    // request itself.
    let icmp_for_program = match class.icmp_type {
        Some(8) => !receiving,
        Some(0) => receiving,
        _ => false,
    };
    let sockets = if !payload.is_empty() {
        Some(payload)
    } else if icmp_for_program {
        Some(vec!["ICMP"])
    } else {
        None
    };
    (sockets, stack)
}

impl Walk {
    /// The walk of `frame` in `scenario` on `diagram`. Parts the diagram lacks are left out.
    pub fn new(scenario: &Scenario, diagram: &Diagram, frame: &Frame) -> Walk {
        let all: Vec<&'static str> = decode(&frame.bytes).iter().map(|l| l.name).collect();
        let (s, r) = (frame.direction.sender(), frame.direction.receiver());
        let mut plan: Vec<(Target, Vec<&'static str>)> = Vec::new();
        let comp = |id: &str| {
            diagram
                .component(id)
                .map(|_| Target::Component(crate::model::ComponentId::new(id)))
        };
        if let Some(host) = scenario.hosts.get(s) {
            let (sockets, stack) = layers_at(frame, false);
            if let (Some(layers), Some(t)) = (sockets, comp(&host.parts.sockets)) {
                plan.push((t, layers));
            }
            plan.extend(comp(&host.parts.stack).map(|t| (t, stack)));
            plan.extend(comp(&host.parts.card).map(|t| (t, all.clone())));
        }
        if diagram.link(&scenario.link.part).is_some() {
            plan.push((
                Target::Link(LinkId::new(scenario.link.part.as_str())),
                all.clone(),
            ));
        }
        if let Some(host) = scenario.hosts.get(r) {
            let (sockets, stack) = layers_at(frame, true);
            plan.extend(comp(&host.parts.card).map(|t| (t, all.clone())));
            plan.extend(comp(&host.parts.stack).map(|t| (t, stack)));
            if let (Some(layers), Some(t)) = (sockets, comp(&host.parts.sockets)) {
                plan.push((t, layers));
            }
        }
        Walk::along(diagram, plan)
    }

    /// The walk through these parts, each with its layers.
    fn along(diagram: &Diagram, plan: Vec<(Target, Vec<&'static str>)>) -> Walk {
        let mut route: Vec<(Point, String)> = Vec::new();
        let mut stops = Vec::new();
        for (part, layers) in plan {
            let label = layers.join(" · ");
            let before = route.len();
            route.extend(packet_route(
                diagram,
                &[
                    // Walked from the end nearer the last point, as a tour's packet is.
                    (part.clone(), label),
                ],
            ));
            // A link is walked from the end nearer the previous stop.
            if let (Some(prev), Some(first), Some(last)) = (
                before
                    .checked_sub(1)
                    .and_then(|i| route.get(i))
                    .map(|p| p.0),
                route.get(before).map(|p| p.0),
                route.last().map(|p| p.0),
            ) {
                let d = |a: Point, b: Point| (a.x - b.x).hypot(a.y - b.y);
                if d(prev, last) < d(prev, first)
                    && let Some(tail) = route.get_mut(before..)
                {
                    tail.reverse();
                }
            }
            let added = route.get(before..).map_or(0, <[_]>::len);
            if added == 0 {
                continue;
            }
            // The stop sits at its part's middle point.
            let middle = before + (added - 1) / 2;
            let distance = route_length(route.get(..=middle).unwrap_or(&route));
            stops.push(Stop {
                part,
                layers,
                distance,
            });
        }
        let length = route_length(&route);
        Walk {
            stops,
            route,
            length,
        }
    }

    /// The walk's length in diagram units.
    pub fn length(&self) -> f32 {
        self.length
    }

    /// Where the frame is `progress` (0 to 1) of the way along, and the layers it has there.
    /// `jump`: from stop to stop (reduced motion), never in between.
    pub fn at(&self, progress: f32, jump: bool) -> Option<(Point, Vec<&'static str>)> {
        let distance = progress.clamp(0.0, 1.0) * self.length;
        if jump {
            let stop = self
                .stops
                .iter()
                .rev()
                .find(|s| s.distance <= distance + 1e-3)
                .or(self.stops.first())?;
            let (at, _) = packet_at(&self.route, stop.distance)?;
            return Some((at, stop.layers.clone()));
        }
        let (at, _) = packet_at(&self.route, distance)?;
        // The layers of the last stop passed (the first stop's before it).
        let layers = self
            .stops
            .iter()
            .rev()
            .find(|s| s.distance <= distance + 1e-3)
            .or(self.stops.first())
            .map(|s| s.layers.clone())
            .unwrap_or_default();
        Some((at, layers))
    }

    /// Where the frame is `fraction` (0 to 1) of its way along the cable, from the sending
    /// card to the receiving one: a frame in flight beside the current event.
    pub fn on_cable(&self, fraction: f32) -> Option<(Point, Vec<&'static str>)> {
        let link = self
            .stops
            .iter()
            .position(|s| matches!(s.part, Target::Link(_)))?;
        let from = link.checked_sub(1).and_then(|i| self.stops.get(i))?;
        let to = self.stops.get(link + 1)?;
        let distance = from.distance + (to.distance - from.distance) * fraction.clamp(0.0, 1.0);
        let (at, _) = packet_at(&self.route, distance)?;
        Some((at, from.layers.clone()))
    }

    /// The stop nearest `progress` of the way along (for a screen reader's words).
    pub fn stop_at(&self, progress: f32) -> Option<&Stop> {
        let distance = progress.clamp(0.0, 1.0) * self.length;
        self.stops
            .iter()
            .rev()
            .find(|s| s.distance <= distance + 1e-3)
            .or(self.stops.first())
    }
}
