//! Which frame a fault or a phase means: a frame number (`5`, as a packet analyser numbers
//! them from 1) or words such as `first SYN`, `second data from A`, `ARP reply`.
//!
//! ```text
//! MATCH   = NUMBER | [ORDINAL] KIND [from HOST]
//! ORDINAL = first | second | third | fourth | fifth | 1st | 2nd | 3rd | 4th | …
//! KIND    = ARP request | ARP reply | SYN | SYN-ACK | ACK | FIN | RST | data
//!         | HTTP request | HTTP response | ping request | ping reply | zero window
//! ```
//!
//! Matching is done as frames go onto the cable, in order, so "the second SYN" is the
//! retransmitted one when the first was lost.
// Reached from files and the command line: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::fmt;

use super::decode::Class;

/// A kind of frame, as a learner names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FrameKind {
    /// Any frame.
    Any,
    /// An ARP request ("who has …?").
    ArpRequest,
    /// An ARP reply ("… is at …").
    ArpReply,
    /// A TCP segment with SYN and without ACK: the first of a handshake.
    Syn,
    /// SYN and ACK: the second of a handshake.
    SynAck,
    /// An acknowledgement alone: no data, no SYN, FIN or RST.
    Ack,
    /// A segment with FIN.
    Fin,
    /// A segment with RST.
    Rst,
    /// A segment that carries data.
    Data,
    /// A segment whose data starts an HTTP request.
    HttpRequest,
    /// A segment whose data starts an HTTP response.
    HttpResponse,
    /// An ICMP echo request.
    PingRequest,
    /// An ICMP echo reply.
    PingReply,
    /// A segment that advertises a window of zero.
    ZeroWindow,
}

const KINDS: &[(&str, FrameKind)] = &[
    ("frame", FrameKind::Any),
    ("arp request", FrameKind::ArpRequest),
    ("arp reply", FrameKind::ArpReply),
    ("syn", FrameKind::Syn),
    ("syn-ack", FrameKind::SynAck),
    ("synack", FrameKind::SynAck),
    ("ack", FrameKind::Ack),
    ("fin", FrameKind::Fin),
    ("rst", FrameKind::Rst),
    ("data", FrameKind::Data),
    ("http request", FrameKind::HttpRequest),
    ("http response", FrameKind::HttpResponse),
    ("ping request", FrameKind::PingRequest),
    ("echo request", FrameKind::PingRequest),
    ("ping reply", FrameKind::PingReply),
    ("echo reply", FrameKind::PingReply),
    ("zero window", FrameKind::ZeroWindow),
];

const ORDINALS: &[&str] = &[
    "first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
];

impl FrameKind {
    /// Whether a frame of this class is of this kind.
    pub fn matches(self, c: &Class) -> bool {
        match self {
            FrameKind::Any => true,
            FrameKind::ArpRequest => c.arp_op == Some(1),
            FrameKind::ArpReply => c.arp_op == Some(2),
            FrameKind::Syn => c.tcp.is_some_and(|t| t.syn && !t.ack),
            FrameKind::SynAck => c.tcp.is_some_and(|t| t.syn && t.ack),
            FrameKind::Ack => c
                .tcp
                .is_some_and(|t| t.ack && !t.syn && !t.fin && !t.rst && t.len == 0),
            FrameKind::Fin => c.tcp.is_some_and(|t| t.fin),
            FrameKind::Rst => c.tcp.is_some_and(|t| t.rst),
            FrameKind::Data => c.tcp.is_some_and(|t| t.len > 0),
            FrameKind::HttpRequest => c.http_request,
            FrameKind::HttpResponse => c.http_response,
            FrameKind::PingRequest => c.icmp_type == Some(8),
            FrameKind::PingReply => c.icmp_type == Some(0),
            FrameKind::ZeroWindow => c.tcp.is_some_and(|t| t.window == 0 && !t.rst),
        }
    }

    fn name(self) -> &'static str {
        KINDS
            .iter()
            .find(|(_, k)| *k == self)
            .map_or("frame", |(n, _)| n)
    }
}

/// Which frame: its number, or the n-th frame of a kind (from one host, or either).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FrameMatch {
    /// The frame with this number (1-based, in the order frames go onto the cable).
    Number(u32),
    /// The `nth` (1-based) frame of `kind`, sent by host `from` (0 = the first host) or
    /// either.
    Nth {
        /// 1 for the first.
        nth: u32,
        /// The kind.
        kind: FrameKind,
        /// The sending host's index, or `None` for either.
        from: Option<usize>,
    },
}

impl FrameMatch {
    /// Parses a match. `hosts` are the scenario's host names (`from A`). The error says what
    /// was expected, in words.
    pub fn parse(text: &str, hosts: &[&str]) -> Result<Self, String> {
        let t = text.trim();
        if t.is_empty() {
            return Err(
                "an empty frame match; write a frame number or words like `first SYN`".to_owned(),
            );
        }
        if t.chars().all(|c| c.is_ascii_digit()) {
            return match t.parse::<u32>() {
                Ok(0) | Err(_) => Err(format!(
                    "`{t}` is no frame number; frames are numbered from 1"
                )),
                Ok(n) => Ok(Self::Number(n)),
            };
        }
        let lower = t.to_ascii_lowercase();
        let mut words: Vec<&str> = lower.split_whitespace().collect();
        // `… from A`
        let mut from = None;
        if let [.., by, host] = words.as_slice()
            && *by == "from"
        {
            let host = *host;
            match hosts.iter().position(|h| h.eq_ignore_ascii_case(host)) {
                Some(i) => from = Some(i),
                None => {
                    return Err(format!(
                        "`{t}`: there is no host `{host}`; the hosts are {}",
                        hosts.join(", ")
                    ));
                }
            }
            words.truncate(words.len().saturating_sub(2));
        }
        let mut nth = 1;
        if let Some(first) = words.first() {
            if let Some(i) = ORDINALS.iter().position(|o| o == first) {
                nth = i as u32 + 1;
                words.remove(0);
            } else if let Some(n) = first
                .strip_suffix("st")
                .or_else(|| first.strip_suffix("nd"))
                .or_else(|| first.strip_suffix("rd"))
                .or_else(|| first.strip_suffix("th"))
                .and_then(|n| n.parse::<u32>().ok())
            {
                if n == 0 {
                    return Err(format!("`{t}`: ordinals start at 1st"));
                }
                nth = n;
                words.remove(0);
            }
        }
        let rest = words.join(" ");
        match KINDS.iter().find(|(name, _)| *name == rest) {
            Some((_, kind)) => Ok(Self::Nth {
                nth,
                kind: *kind,
                from,
            }),
            None => Err(format!(
                "`{t}` names no kind of frame; expected a frame number, or an optional ordinal \
                 (first, second, 3rd…), one of: ARP request, ARP reply, SYN, SYN-ACK, ACK, FIN, \
                 RST, data, HTTP request, HTTP response, ping request, ping reply, zero window, \
                 and optionally `from HOST`"
            )),
        }
    }
}

impl fmt::Display for FrameMatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FrameMatch::Number(n) => write!(f, "frame {n}"),
            FrameMatch::Nth { nth, kind, from } => {
                let ord = ORDINALS
                    .get(*nth as usize - 1)
                    .map_or_else(|| format!("{nth}th"), |o| (*o).to_owned());
                write!(f, "{ord} {}", kind.name())?;
                if let Some(h) = from {
                    write!(f, " from host {}", h + 1)?;
                }
                Ok(())
            }
        }
    }
}

/// Counts frames as they go onto the cable and says when the one a match means comes by.
#[derive(Clone, Debug)]
pub struct Matcher {
    /// What to look for.
    pub what: FrameMatch,
    seen: u32,
    done: bool,
}

impl Matcher {
    /// A matcher that has seen nothing yet.
    pub fn new(what: FrameMatch) -> Self {
        Self {
            what,
            seen: 0,
            done: false,
        }
    }

    /// Offers the next frame (its number, sender and class); true exactly once, for the frame
    /// the match means.
    pub fn offer(&mut self, number: u32, from: usize, class: &Class) -> bool {
        if self.done {
            return false;
        }
        let hit = match &self.what {
            FrameMatch::Number(n) => *n == number,
            FrameMatch::Nth {
                nth,
                kind,
                from: want,
            } => {
                if want.is_none_or(|w| w == from) && kind.matches(class) {
                    self.seen += 1;
                    self.seen == *nth
                } else {
                    false
                }
            }
        };
        self.done = hit;
        hit
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_ordinals_kinds_and_hosts_parse() {
        let hosts = ["A", "B"];
        assert_eq!(FrameMatch::parse("5", &hosts), Ok(FrameMatch::Number(5)));
        assert_eq!(
            FrameMatch::parse("first SYN", &hosts),
            Ok(FrameMatch::Nth {
                nth: 1,
                kind: FrameKind::Syn,
                from: None
            })
        );
        assert_eq!(
            FrameMatch::parse("3rd data from b", &hosts),
            Ok(FrameMatch::Nth {
                nth: 3,
                kind: FrameKind::Data,
                from: Some(1)
            })
        );
        assert_eq!(
            FrameMatch::parse("HTTP response", &hosts).map(|m| m.to_string()),
            Ok("first http response".to_owned())
        );
        for bad in [
            "",
            "0",
            "first SYNN",
            "data from C",
            "0th SYN",
            "99999999999",
        ] {
            assert!(FrameMatch::parse(bad, &hosts).is_err(), "{bad}");
        }
    }
}
