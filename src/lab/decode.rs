//! Frames decoded into their layers, the way a packet analyser shows them: Ethernet II, ARP,
//! IPv4, ICMP, TCP (with its options) and HTTP text, each field with its byte range in the
//! frame (so an inspector can highlight the bytes), and a one-line summary per frame.
//!
//! Headers are sliced with `etherparse`; the byte ranges come from the headers' fixed layouts
//! (and a walk over TCP's options). Summaries use sequence numbers relative to each side's
//! first, like Wireshark's, so they need the frames before: [`Dissector`] keeps that state.
// Frames may be corrupted on purpose: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;

use etherparse::{EtherType, Icmpv4Type, NetSlice, SlicedPacket, TransportSlice};
use serde::Serialize;

/// Length of an Ethernet II header.
pub const ETHERNET_HEADER: usize = 14;

/// One field of a header: its name, its value in words, and where its bytes are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Field {
    /// As a packet analyser labels it ("Sequence number").
    pub name: String,
    /// The value, in words ("1 (relative)", "0x0800 (IPv4)").
    pub value: String,
    /// The bytes of the frame that hold it.
    pub range: Range<usize>,
}

/// One layer of a frame.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Layer {
    /// "Ethernet II", "ARP", "IPv4", "ICMP", "TCP", "HTTP".
    pub name: &'static str,
    /// The layer's bytes (header and, for the last layer, its payload).
    pub range: Range<usize>,
    /// Its fields, in the order they sit in the frame.
    pub fields: Vec<Field>,
}

/// What a frame is, in the terms faults and phases match on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Class {
    /// ARP operation (1 request, 2 reply).
    pub arp_op: Option<u16>,
    /// The TCP header's facts.
    pub tcp: Option<TcpFacts>,
    /// ICMP type (8 echo request, 0 echo reply).
    pub icmp_type: Option<u8>,
    /// The TCP data starts an HTTP request.
    pub http_request: bool,
    /// The TCP data starts an HTTP response.
    pub http_response: bool,
}

/// The facts of a TCP header that matter for matching and for the summary.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TcpFacts {
    /// Source port.
    pub src_port: u16,
    /// Destination port.
    pub dst_port: u16,
    /// Sequence number.
    pub seq: u32,
    /// Acknowledgement number.
    pub ack_no: u32,
    /// SYN flag.
    pub syn: bool,
    /// ACK flag.
    pub ack: bool,
    /// FIN flag.
    pub fin: bool,
    /// RST flag.
    pub rst: bool,
    /// PSH flag.
    pub psh: bool,
    /// The advertised window (unscaled, as on the wire).
    pub window: u16,
    /// Bytes of data.
    pub len: u32,
}

impl TcpFacts {
    /// Sequence space the segment takes: its data, plus one each for SYN and FIN.
    pub fn seq_len(&self) -> u32 {
        self.len + u32::from(self.syn) + u32::from(self.fin)
    }
}

const HTTP_METHODS: &[&str] = &[
    "GET ", "POST ", "PUT ", "DELETE ", "HEAD ", "PATCH ", "OPTIONS ",
];

/// The addresses of a frame's IPv4 packet, when it has one.
fn ipv4_addrs(p: &SlicedPacket<'_>) -> Option<([u8; 4], [u8; 4])> {
    match &p.net {
        Some(NetSlice::Ipv4(ip)) => Some((ip.header().source(), ip.header().destination())),
        _ => None,
    }
}

/// Classifies a frame for matching. Anything that does not parse classifies as nothing.
pub fn classify(frame: &[u8]) -> Class {
    let mut c = Class::default();
    let Ok(p) = SlicedPacket::from_ethernet(frame) else {
        return c;
    };
    if let Some(NetSlice::Arp(arp)) = &p.net {
        c.arp_op = Some(arp.operation().0);
    }
    match &p.transport {
        Some(TransportSlice::Tcp(t)) => {
            let payload = t.payload();
            c.tcp = Some(TcpFacts {
                src_port: t.source_port(),
                dst_port: t.destination_port(),
                seq: t.sequence_number(),
                ack_no: t.acknowledgment_number(),
                syn: t.syn(),
                ack: t.ack(),
                fin: t.fin(),
                rst: t.rst(),
                psh: t.psh(),
                window: t.window_size(),
                len: payload.len() as u32,
            });
            c.http_request = HTTP_METHODS
                .iter()
                .any(|m| payload.starts_with(m.as_bytes()));
            c.http_response = payload.starts_with(b"HTTP/1.");
        }
        Some(TransportSlice::Icmpv4(i)) => c.icmp_type = Some(i.type_u8()),
        _ => {}
    }
    c
}

/// Whether the frame's checksums hold (IPv4 header, TCP, ICMP). `Err` names the first that
/// does not. Frames without a checksum (ARP) pass.
pub fn verify_checksums(frame: &[u8]) -> Result<(), &'static str> {
    let Ok(p) = SlicedPacket::from_ethernet(frame) else {
        return Err("the headers do not parse");
    };
    let Some(NetSlice::Ipv4(ip)) = &p.net else {
        return Ok(());
    };
    let header = ip.header();
    if header.to_header().calc_header_checksum() != header.header_checksum() {
        return Err("the IPv4 header checksum does not match");
    }
    match &p.transport {
        Some(TransportSlice::Tcp(t)) => {
            match t.calc_checksum_ipv4(header.source(), header.destination()) {
                Ok(sum) if sum == t.checksum() => Ok(()),
                _ => Err("the TCP checksum does not match"),
            }
        }
        Some(TransportSlice::Icmpv4(i)) => {
            if i.header().icmp_type.calc_checksum(i.payload()) == i.checksum() {
                Ok(())
            } else {
                Err("the ICMP checksum does not match")
            }
        }
        _ => Ok(()),
    }
}

fn mac(b: &[u8]) -> String {
    b.iter()
        .map(|x| format!("{x:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

fn ip(b: &[u8]) -> String {
    b.iter().map(u8::to_string).collect::<Vec<_>>().join(".")
}

fn field(name: &str, value: impl Into<String>, start: usize, len: usize) -> Field {
    Field {
        name: name.to_owned(),
        value: value.into(),
        range: start..start + len,
    }
}

fn flags_text(t: &TcpFacts) -> String {
    let mut names = Vec::new();
    for (on, name) in [
        (t.fin, "FIN"),
        (t.syn, "SYN"),
        (t.rst, "RST"),
        (t.psh, "PSH"),
        (t.ack, "ACK"),
    ] {
        if on {
            names.push(name);
        }
    }
    names.join(", ")
}

/// Decodes a frame into its layers and fields, with absolute numbers. A frame cut short or
/// not understood keeps the layers that parsed.
pub fn decode(frame: &[u8]) -> Vec<Layer> {
    let mut layers = Vec::new();
    let (Some(dst), Some(src), Some(ty)) = (frame.get(0..6), frame.get(6..12), frame.get(12..14))
    else {
        return layers;
    };
    let ether_type = u16::from_be_bytes([
        ty.first().copied().unwrap_or(0),
        ty.get(1).copied().unwrap_or(0),
    ]);
    let type_name = match EtherType(ether_type) {
        EtherType::IPV4 => " (IPv4)",
        EtherType::ARP => " (ARP)",
        _ => "",
    };
    layers.push(Layer {
        name: "Ethernet II",
        range: 0..ETHERNET_HEADER,
        fields: vec![
            field("Destination", mac(dst), 0, 6),
            field("Source", mac(src), 6, 6),
            field("Type", format!("0x{ether_type:04x}{type_name}"), 12, 2),
        ],
    });
    let Ok(p) = SlicedPacket::from_ethernet(frame) else {
        return layers;
    };
    let e = ETHERNET_HEADER;
    match &p.net {
        Some(NetSlice::Arp(arp)) => {
            let op = arp.operation().0;
            let len = arp.slice().len();
            layers.push(Layer {
                name: "ARP",
                range: e..e + len,
                fields: vec![
                    field("Hardware type", format!("{}", arp.hw_addr_type().0), e, 2),
                    field(
                        "Protocol type",
                        format!("0x{:04x}", arp.proto_addr_type().0),
                        e + 2,
                        2,
                    ),
                    field("Hardware size", arp.hw_addr_size().to_string(), e + 4, 1),
                    field("Protocol size", arp.proto_addr_size().to_string(), e + 5, 1),
                    field(
                        "Opcode",
                        match op {
                            1 => "request (1)".to_owned(),
                            2 => "reply (2)".to_owned(),
                            n => n.to_string(),
                        },
                        e + 6,
                        2,
                    ),
                    field("Sender MAC address", mac(arp.sender_hw_addr()), e + 8, 6),
                    field(
                        "Sender IP address",
                        ip(arp.sender_protocol_addr()),
                        e + 14,
                        4,
                    ),
                    field("Target MAC address", mac(arp.target_hw_addr()), e + 18, 6),
                    field(
                        "Target IP address",
                        ip(arp.target_protocol_addr()),
                        e + 24,
                        4,
                    ),
                ],
            });
        }
        Some(NetSlice::Ipv4(ipv4)) => {
            let h = ipv4.header();
            let hl = h.slice().len();
            let proto = h.protocol().0;
            layers.push(Layer {
                name: "IPv4",
                range: e..e + usize::from(h.total_len()).max(hl),
                fields: vec![
                    field("Version", h.version().to_string(), e, 1),
                    field("Header length", format!("{hl} bytes"), e, 1),
                    field(
                        "Differentiated services",
                        format!("0x{:02x}", h.dcp().value() << 2 | h.ecn().value()),
                        e + 1,
                        1,
                    ),
                    field("Total length", h.total_len().to_string(), e + 2, 2),
                    field(
                        "Identification",
                        format!("0x{:04x}", h.identification()),
                        e + 4,
                        2,
                    ),
                    field(
                        "Flags",
                        if h.dont_fragment() {
                            "Don't fragment"
                        } else {
                            "none"
                        },
                        e + 6,
                        1,
                    ),
                    field(
                        "Fragment offset",
                        h.fragments_offset().value().to_string(),
                        e + 6,
                        2,
                    ),
                    field("Time to live", h.ttl().to_string(), e + 8, 1),
                    field(
                        "Protocol",
                        match proto {
                            1 => "ICMP (1)".to_owned(),
                            6 => "TCP (6)".to_owned(),
                            n => n.to_string(),
                        },
                        e + 9,
                        1,
                    ),
                    field(
                        "Header checksum",
                        format!("0x{:04x}", h.header_checksum()),
                        e + 10,
                        2,
                    ),
                    field("Source address", ip(&h.source()), e + 12, 4),
                    field("Destination address", ip(&h.destination()), e + 16, 4),
                ],
            });
            let t0 = e + hl;
            match &p.transport {
                Some(TransportSlice::Tcp(t)) => tcp_layers(t, t0, &mut layers),
                Some(TransportSlice::Icmpv4(i)) => {
                    let mut fields = vec![
                        field(
                            "Type",
                            match i.type_u8() {
                                8 => "8 (Echo (ping) request)".to_owned(),
                                0 => "0 (Echo (ping) reply)".to_owned(),
                                n => n.to_string(),
                            },
                            t0,
                            1,
                        ),
                        field("Code", i.code_u8().to_string(), t0 + 1, 1),
                        field("Checksum", format!("0x{:04x}", i.checksum()), t0 + 2, 2),
                    ];
                    if let Icmpv4Type::EchoRequest(echo) | Icmpv4Type::EchoReply(echo) =
                        i.icmp_type()
                    {
                        fields.push(field("Identifier", format!("0x{:04x}", echo.id), t0 + 4, 2));
                        fields.push(field("Sequence number", echo.seq.to_string(), t0 + 6, 2));
                    }
                    let len = i.slice().len();
                    fields.push(field(
                        "Data",
                        format!("{} bytes", i.payload().len()),
                        t0 + i.header_len(),
                        len.saturating_sub(i.header_len()),
                    ));
                    layers.push(Layer {
                        name: "ICMP",
                        range: t0..t0 + len,
                        fields,
                    });
                }
                _ => {}
            }
        }
        _ => {}
    }
    layers
}

fn tcp_layers(t: &etherparse::TcpSlice<'_>, t0: usize, layers: &mut Vec<Layer>) {
    let hl = t.header_len();
    let facts = TcpFacts {
        syn: t.syn(),
        ack: t.ack(),
        fin: t.fin(),
        rst: t.rst(),
        psh: t.psh(),
        ..TcpFacts::default()
    };
    let mut fields = vec![
        field("Source port", t.source_port().to_string(), t0, 2),
        field(
            "Destination port",
            t.destination_port().to_string(),
            t0 + 2,
            2,
        ),
        field(
            "Sequence number",
            t.sequence_number().to_string(),
            t0 + 4,
            4,
        ),
        field(
            "Acknowledgment number",
            t.acknowledgment_number().to_string(),
            t0 + 8,
            4,
        ),
        field("Header length", format!("{hl} bytes"), t0 + 12, 1),
        field("Flags", flags_text(&facts), t0 + 12, 2),
        field("Window", t.window_size().to_string(), t0 + 14, 2),
        field("Checksum", format!("0x{:04x}", t.checksum()), t0 + 16, 2),
        field("Urgent pointer", t.urgent_pointer().to_string(), t0 + 18, 2),
    ];
    // Options: walk kind/length pairs for the byte ranges.
    let opts = t.options();
    let mut at = 0;
    while let Some(&kind) = opts.get(at) {
        let start = t0 + 20 + at;
        let len = match kind {
            0 | 1 => 1,
            _ => usize::from(opts.get(at + 1).copied().unwrap_or(0)).max(2),
        };
        let body = opts.get(at + 2..at + len).unwrap_or_default();
        let be16 = |b: &[u8]| {
            u16::from_be_bytes([
                b.first().copied().unwrap_or(0),
                b.get(1).copied().unwrap_or(0),
            ])
        };
        let (name, value) = match kind {
            0 => ("End of options", String::new()),
            1 => ("No-operation", String::new()),
            2 => ("Maximum segment size", format!("{} bytes", be16(body))),
            3 => (
                "Window scale",
                format!(
                    "{} (multiply by {})",
                    body.first().copied().unwrap_or(0),
                    1u32 << body.first().copied().unwrap_or(0).min(14)
                ),
            ),
            4 => ("SACK permitted", String::new()),
            5 => ("SACK", format!("{} bytes of blocks", body.len())),
            8 => ("Timestamps", format!("{} bytes", body.len())),
            k => ("Option", format!("kind {k}")),
        };
        fields.push(field(&format!("Option: {name}"), value, start, len));
        at += len;
        if kind == 0 {
            break;
        }
    }
    let payload = t.payload();
    let end = t0 + hl + payload.len();
    layers.push(Layer {
        name: "TCP",
        range: t0..end,
        fields,
    });
    let is_http = HTTP_METHODS
        .iter()
        .any(|m| payload.starts_with(m.as_bytes()))
        || payload.starts_with(b"HTTP/1.");
    if is_http {
        layers.push(http_layer(payload, t0 + hl));
    } else if !payload.is_empty() {
        layers.push(Layer {
            name: "Data",
            range: t0 + hl..end,
            fields: vec![field(
                "Data",
                format!("{} bytes", payload.len()),
                t0 + hl,
                payload.len(),
            )],
        });
    }
}

/// HTTP text: one field per line of the head, then the body.
fn http_layer(payload: &[u8], start: usize) -> Layer {
    let mut fields = Vec::new();
    let mut at = 0;
    let mut in_head = true;
    while at < payload.len() {
        let rest = payload.get(at..).unwrap_or_default();
        if !in_head {
            fields.push(field(
                "Body",
                String::from_utf8_lossy(rest).into_owned(),
                start + at,
                rest.len(),
            ));
            break;
        }
        let line_len = rest.windows(2).position(|w| w == b"\r\n");
        let (line, used) = match line_len {
            Some(n) => (rest.get(..n).unwrap_or_default(), n + 2),
            None => (rest, rest.len()),
        };
        let text = String::from_utf8_lossy(line).into_owned();
        if line.is_empty() {
            in_head = false;
        } else if at == 0 {
            let name = if text.starts_with("HTTP/") {
                "Status line"
            } else {
                "Request line"
            };
            fields.push(field(name, text, start + at, line.len()));
        } else {
            let (name, value) = text.split_once(':').unwrap_or(("Header", text.as_str()));
            fields.push(field(name.trim(), value.trim(), start + at, line.len()));
        }
        at += used;
    }
    Layer {
        name: "HTTP",
        range: start..start + payload.len(),
        fields,
    }
}

/// The conversation state a packet analyser keeps to print relative numbers and notice
/// window updates.
#[derive(Clone, Debug, Default)]
pub struct Dissector {
    /// Per (source, destination) endpoint: the first sequence number seen, and the last
    /// (ack, window) sent.
    sides: BTreeMap<([u8; 4], u16, [u8; 4], u16), Side>,
}

#[derive(Clone, Copy, Debug, Default)]
struct Side {
    isn: u32,
    last: Option<(u32, u16)>,
}

impl Dissector {
    /// The one-line summary of the next frame, like a packet analyser's Info column, with the
    /// protocol first: `TCP 51514 → 80 [SYN] Seq=0 Win=1024 Len=0 MSS=1460`.
    pub fn summary(&mut self, frame: &[u8]) -> String {
        let Ok(p) = SlicedPacket::from_ethernet(frame) else {
            return format!("Ethernet ({} bytes, not understood)", frame.len());
        };
        if let Some(NetSlice::Arp(arp)) = &p.net {
            let (spa, tpa, sha) = (
                ip(arp.sender_protocol_addr()),
                ip(arp.target_protocol_addr()),
                mac(arp.sender_hw_addr()),
            );
            return match arp.operation().0 {
                1 => format!("ARP Who has {tpa}? Tell {spa}"),
                2 => format!("ARP {spa} is at {sha}"),
                op => format!("ARP operation {op}"),
            };
        }
        let Some((src, dst)) = ipv4_addrs(&p) else {
            return format!("Ethernet ({} bytes)", frame.len());
        };
        match &p.transport {
            Some(TransportSlice::Icmpv4(i)) => {
                let ttl = match &p.net {
                    Some(NetSlice::Ipv4(h)) => h.header().ttl(),
                    _ => 0,
                };
                match i.icmp_type() {
                    Icmpv4Type::EchoRequest(e) => format!(
                        "ICMP Echo (ping) request id=0x{:04x}, seq={}, ttl={ttl}",
                        e.id, e.seq
                    ),
                    Icmpv4Type::EchoReply(e) => format!(
                        "ICMP Echo (ping) reply id=0x{:04x}, seq={}, ttl={ttl}",
                        e.id, e.seq
                    ),
                    _ => format!("ICMP type {} code {}", i.type_u8(), i.code_u8()),
                }
            }
            Some(TransportSlice::Tcp(t)) => self.tcp_summary(src, dst, t),
            _ => format!("IPv4 {} → {}", ip(&src), ip(&dst)),
        }
    }

    fn tcp_summary(&mut self, src: [u8; 4], dst: [u8; 4], t: &etherparse::TcpSlice<'_>) -> String {
        let (sp, dp) = (t.source_port(), t.destination_port());
        let payload = t.payload();
        let (seq, ack, win) = (
            t.sequence_number(),
            t.acknowledgment_number(),
            t.window_size(),
        );
        if t.syn() {
            self.sides.insert(
                (src, sp, dst, dp),
                Side {
                    isn: seq,
                    last: None,
                },
            );
        }
        let own = self.sides.get(&(src, sp, dst, dp)).copied();
        let peer_isn = self.sides.get(&(dst, dp, src, sp)).map(|s| s.isn);
        let rel_seq = own.map_or(seq, |s| seq.wrapping_sub(s.isn));
        let rel_ack = peer_isn.map_or(ack, |i| ack.wrapping_sub(i));
        let facts = TcpFacts {
            syn: t.syn(),
            ack: t.ack(),
            fin: t.fin(),
            rst: t.rst(),
            psh: t.psh(),
            ..TcpFacts::default()
        };
        let mut notes = String::new();
        if win == 0 && !t.rst() {
            notes.push_str("[TCP ZeroWindow] ");
        } else if payload.is_empty()
            && !t.syn()
            && !t.fin()
            && !t.rst()
            && own
                .and_then(|s| s.last)
                .is_some_and(|(last_ack, last_win)| last_ack == ack && win > last_win)
        {
            notes.push_str("[TCP Window Update] ");
        }
        if let Some(side) = self.sides.get_mut(&(src, sp, dst, dp)) {
            side.last = Some((ack, win));
        }
        if HTTP_METHODS
            .iter()
            .any(|m| payload.starts_with(m.as_bytes()))
            || payload.starts_with(b"HTTP/1.")
        {
            let line = payload
                .split(|&b| b == b'\r' || b == b'\n')
                .next()
                .map(String::from_utf8_lossy)
                .unwrap_or_default();
            let mut s = format!("HTTP {line}");
            if payload.starts_with(b"HTTP/1.")
                && let Some(ct) = header_value(payload, "content-type")
            {
                let _ = write!(s, "  ({ct})");
            }
            let _ = write!(
                s,
                "  [{sp} → {dp} {} Seq={rel_seq} Ack={rel_ack} Win={win} Len={}]",
                flags_text(&facts),
                payload.len()
            );
            return s;
        }
        let mut s = format!("TCP {notes}{sp} → {dp} [{}]", flags_text(&facts));
        let _ = write!(s, " Seq={rel_seq}");
        if t.ack() {
            let _ = write!(s, " Ack={rel_ack}");
        }
        let _ = write!(s, " Win={win} Len={}", payload.len());
        for o in t.options_iterator().flatten() {
            match o {
                etherparse::TcpOptionElement::MaximumSegmentSize(m) => {
                    let _ = write!(s, " MSS={m}");
                }
                etherparse::TcpOptionElement::WindowScale(w) => {
                    let _ = write!(s, " WS={}", 1u32 << w.min(14));
                }
                etherparse::TcpOptionElement::SelectiveAcknowledgementPermitted => {
                    s.push_str(" SACK_PERM");
                }
                _ => {}
            }
        }
        s
    }
}

/// The value of an HTTP header in a message's head, if present.
fn header_value(payload: &[u8], name: &str) -> Option<String> {
    let text = String::from_utf8_lossy(payload);
    let head = text.split("\r\n\r\n").next()?;
    head.lines().skip(1).find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_owned())
    })
}
