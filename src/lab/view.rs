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
/// What the learner's "slow reader" leaves a bulk reader: this many bytes a read …
pub const SLOW_READ_BYTES: usize = 256;
/// … this often, in microseconds.
pub const SLOW_EVERY_US: u64 = 250_000;

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
        Fault::SlowReader {
            host,
            at_us,
            bytes,
            every_us,
        } => format!(
            "{}'s reader slowed to {bytes} bytes every {} ms at {}",
            names.get(*host).copied().unwrap_or("?"),
            every_us / 1000,
            ms(*at_us)
        ),
    }
}

/// The protocols the event list can filter by, in the order it offers them: what a row's
/// protocol column says.
pub const PROTOCOLS: [&str; 6] = ["ARP", "ICMP", "TCP", "HTTP", "Host", "Link"];

/// Which events the event list shows: by protocol and by the host they come from. Stepping
/// and playing go from shown event to shown event; the current event is always listed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Filter {
    /// Protocols left out (each one of [`PROTOCOLS`]).
    pub hidden: Vec<String>,
    /// Only what comes from this host (its name), or happens in it.
    pub from: Option<String>,
}

impl Filter {
    /// Whether `row` is shown.
    pub fn shows(&self, row: &Row) -> bool {
        !self.hidden.contains(&row.protocol) && self.from.as_ref().is_none_or(|h| *h == row.from)
    }

    /// Whether it shows everything.
    pub fn is_empty(&self) -> bool {
        self.hidden.is_empty() && self.from.is_none()
    }

    /// The filter with `protocol` shown or left out.
    pub fn with_protocol(&self, protocol: &str, shown: bool) -> Filter {
        let mut hidden: Vec<String> = self
            .hidden
            .iter()
            .filter(|p| *p != protocol)
            .cloned()
            .collect();
        if !shown {
            hidden.push(protocol.to_owned());
        }
        hidden.sort();
        Filter {
            hidden,
            from: self.from.clone(),
        }
    }

    /// The rows listed, as indices: those shown, and `current` wherever it is.
    pub fn listed(&self, rows: &[Row], current: usize) -> Vec<usize> {
        rows.iter()
            .enumerate()
            .filter(|(i, r)| *i == current || self.shows(r))
            .map(|(i, _)| i)
            .collect()
    }

    /// The next shown event after `current` (`forward`), or the one before it.
    pub fn step(&self, rows: &[Row], current: usize, forward: bool) -> Option<usize> {
        let shown = |i: &usize| rows.get(*i).is_some_and(|r| self.shows(r));
        if forward {
            (current + 1..rows.len()).find(shown)
        } else {
            (0..current.min(rows.len())).rev().find(shown)
        }
    }
}

/// The protocols present in `rows`, in the order of [`PROTOCOLS`].
pub fn protocols_in(rows: &[Row]) -> Vec<&'static str> {
    PROTOCOLS
        .into_iter()
        .filter(|p| rows.iter().any(|r| r.protocol == *p))
        .collect()
}

/// Where a header field is explained: a write-up and one of its sections (a second-level
/// heading, as written).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FieldTopic {
    /// The write-up's slug.
    pub writeup: &'static str,
    /// The section's heading.
    pub section: &'static str,
}

/// The write-up section that explains `field` of `layer` (names as [`decode`] gives them),
/// if one does.
pub fn field_topic(layer: &str, field: &str) -> Option<FieldTopic> {
    const TCP_IP: &str = "tcp-ip-model";
    const ADDRESSING: &str = "Addressing: three kinds of \"where\"";
    const HEADERS: &str = "Encapsulation, and who builds each header";
    const FRAME_BY_FRAME: &str = "Worked example: one HTTP request, frame by frame";
    const MTU: &str = "MTU, fragmentation and Path MTU Discovery";
    let at = |writeup, section| Some(FieldTopic { writeup, section });
    match (layer, field) {
        ("Ethernet II", "Destination" | "Source") => at(TCP_IP, ADDRESSING),
        ("Ethernet II", "Type") | ("IPv4", "Protocol") => at(TCP_IP, HEADERS),
        ("ARP", _) => at(TCP_IP, FRAME_BY_FRAME),
        ("IPv4", "Version" | "Header length" | "Total length") => {
            at("osi-model", "Worked example: one frame, byte by byte")
        }
        ("IPv4", "Identification" | "Flags" | "Fragment offset") => at(TCP_IP, MTU),
        ("IPv4", "Time to live" | "Header checksum") => at(TCP_IP, HEADERS),
        ("IPv4", "Source address" | "Destination address") => at(TCP_IP, ADDRESSING),
        ("TCP", "Source port" | "Destination port") => at(TCP_IP, ADDRESSING),
        ("TCP", "Sequence number" | "Acknowledgment number" | "Flags") => {
            at(TCP_IP, FRAME_BY_FRAME)
        }
        ("TCP", "Option: Maximum segment size" | "Option: Timestamps") => {
            at(TCP_IP, FRAME_BY_FRAME)
        }
        ("TCP", "Window" | "Option: Window scale") => at("backpressure", "TCP's receive window"),
        ("TCP", "Checksum") => at(TCP_IP, HEADERS),
        ("HTTP", _) => at("http2-http3", "HTTP/1.1: text on a TCP connection"),
        _ => None,
    }
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
    /// The stop that carries the frame between the two sides (the cable, or a cluster's
    /// network), where a frame in flight beside the current event is drawn.
    medium: Option<usize>,
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
pub(super) fn layers_at(
    frame: &Frame,
    receiving: bool,
) -> (Option<Vec<&'static str>>, Vec<&'static str>) {
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
        let medium = Target::Link(LinkId::new(scenario.link.part.as_str()));
        Walk::through(diagram, plan, Some(&medium))
    }

    /// The walk through these parts, each with its layers (parts the diagram lacks are left
    /// out); `medium` is the part that carries it between the two sides, if it has one.
    pub fn through(
        diagram: &Diagram,
        plan: Vec<(Target, Vec<&'static str>)>,
        medium: Option<&Target>,
    ) -> Walk {
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
        let medium = medium.and_then(|m| stops.iter().position(|s| s.part == *m));
        Walk {
            stops,
            route,
            length,
            medium,
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

    /// Where the frame is `fraction` (0 to 1) of its way across the medium (the cable, from
    /// the sending card to the receiving one): a frame in flight beside the current event.
    pub fn on_cable(&self, fraction: f32) -> Option<(Point, Vec<&'static str>)> {
        let link = self.medium?;
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
