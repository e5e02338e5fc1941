//! One host: a real smoltcp TCP/IP stack on a simulated network card, and the programs that
//! run on its sockets (HTTP client and server, ping, a bulk sender and its reader).
//!
//! The stack is smoltcp's `Interface` with its `SocketSet`, polled at virtual times. The card
//! is a pair of queues: frames the cable delivered, and frames the stack wrote. Programs are
//! small state machines, run after every poll; what they do, and every change of a TCP
//! socket's state, becomes an event.

use std::collections::VecDeque;

use smoltcp::iface::{Config, Interface, SocketHandle, SocketSet};
use smoltcp::phy::{self, ChecksumCapabilities, Device, DeviceCapabilities, Medium};
use smoltcp::socket::{icmp, tcp};
use smoltcp::time::Instant;
use smoltcp::wire::{
    EthernetAddress, HardwareAddress, Icmpv4Packet, Icmpv4Repr, IpAddress, IpCidr, Ipv4Address,
};

use super::event::EventKind;
use super::rng::Rng;
use super::scenario::Program;

/// The shortest Ethernet frame without its FCS: cards pad shorter frames to this.
pub const MIN_FRAME: usize = 60;
/// The first ephemeral port (RFC 6335); a client's port is drawn from here up.
const EPHEMERAL: u16 = 49_152;
/// The JSON body the HTTP server answers `GET /orders/42` with.
pub const ORDER_JSON: &str = r#"{"id":42,"status":"shipped","items":[{"sku":"KB-101","name":"Keyboard","qty":1}],"total":"49.90"}"#;

/// The simulated network card: what the cable delivered, and what the stack wrote.
pub struct Card {
    /// Frames waiting for the stack.
    pub rx: VecDeque<Vec<u8>>,
    /// Frames the stack wrote, waiting for the cable.
    pub tx: Vec<Vec<u8>>,
    /// The largest IP packet.
    mtu: usize,
}

impl Device for Card {
    type RxToken<'a> = RxToken;
    type TxToken<'a> = TxToken<'a>;

    fn receive(&mut self, _now: Instant) -> Option<(Self::RxToken<'_>, Self::TxToken<'_>)> {
        let frame = self.rx.pop_front()?;
        Some((RxToken(frame), TxToken(&mut self.tx)))
    }

    fn transmit(&mut self, _now: Instant) -> Option<Self::TxToken<'_>> {
        Some(TxToken(&mut self.tx))
    }

    fn capabilities(&self) -> DeviceCapabilities {
        let mut caps = DeviceCapabilities::default();
        caps.medium = Medium::Ethernet;
        // For Ethernet smoltcp counts the header in: 1500 bytes of IP make a 1514-byte frame.
        caps.max_transmission_unit = self.mtu + super::decode::ETHERNET_HEADER;
        // Checksums computed on send and verified on receive, by the stack itself.
        caps.checksum = ChecksumCapabilities::default();
        caps
    }
}

/// A received frame, handed to the stack.
pub struct RxToken(Vec<u8>);

impl phy::RxToken for RxToken {
    fn consume<R, F>(self, f: F) -> R
    where
        F: FnOnce(&[u8]) -> R,
    {
        f(&self.0)
    }
}

/// Room for one frame the stack writes.
pub struct TxToken<'a>(&'a mut Vec<Vec<u8>>);

impl phy::TxToken for TxToken<'_> {
    fn consume<R, F>(self, len: usize, f: F) -> R
    where
        F: FnOnce(&mut [u8]) -> R,
    {
        let mut frame = vec![0; len];
        let r = f(&mut frame);
        // The card pads short frames (ARP, bare ACKs) to Ethernet's minimum, as real ones do.
        if frame.len() < MIN_FRAME {
            frame.resize(MIN_FRAME, 0);
        }
        self.0.push(frame);
        r
    }
}

/// What a run's programs achieved, for tests and the command line.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// The HTTP client's whole response (head and body), as read.
    pub http_response: Vec<u8>,
    /// The body the HTTP server sent.
    pub http_body_sent: Vec<u8>,
    /// Whether the client read a complete response (its Content-Length worth of body).
    pub http_complete: bool,
    /// Whether a connection of the client was refused or reset.
    pub http_reset: bool,
    /// Bytes the bulk sender handed to its socket.
    pub bulk_sent: u64,
    /// Bytes the reader read, and whether they were the pattern the sender sent.
    pub bulk_read: u64,
    /// Whether every byte the reader read was the byte the sender sent at that offset.
    pub bulk_intact: bool,
    /// Ping replies: sequence number and round-trip time in microseconds.
    pub pings: Vec<(u16, u64)>,
}

/// What a bulk sender sends: the alphabet over and over (printable, so a capture reads easily;
/// the byte at offset `n` is the `n % 26`th letter).
const ALPHABET: &[u8; 26] = b"abcdefghijklmnopqrstuvwxyz";

/// Fills `buf` with the bulk pattern from stream offset `offset`.
fn fill_pattern(offset: u64, buf: &mut [u8]) {
    let mut at = (offset % 26) as usize;
    for chunk in buf.chunks_mut(26) {
        let (head, tail) = ALPHABET.split_at(at);
        let n = chunk.len().min(tail.len());
        let (first, rest) = chunk.split_at_mut(n);
        first.copy_from_slice(tail.get(..n).unwrap_or_default());
        let m = rest.len().min(head.len());
        if let (Some(dst), Some(src)) = (rest.get_mut(..m), head.get(..m)) {
            dst.copy_from_slice(src);
        }
        at = (at + chunk.len()) % 26;
    }
}

/// Whether `data` is the bulk pattern from stream offset `offset`.
fn is_pattern(offset: u64, data: &[u8]) -> bool {
    const TWICE: &[u8; 52] = b"abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz";
    let at = (offset % 26) as usize;
    data.chunks(26)
        .all(|chunk| TWICE.get(at..at + chunk.len()) == Some(chunk))
}

enum Run {
    HttpClient {
        sock: SocketHandle,
        server: [u8; 4],
        port: u16,
        path: String,
        at_us: u64,
        started: bool,
        sent: bool,
        closed: bool,
        /// The socket has left CLOSED since connecting (so CLOSED again means it ended).
        open: bool,
    },
    HttpServer {
        sock: SocketHandle,
        port: u16,
        request: Vec<u8>,
        answered: bool,
        stopped: bool,
    },
    Ping {
        sock: SocketHandle,
        to: [u8; 4],
        ident: u16,
        count: u16,
        interval_us: u64,
        size: u16,
        next_at: u64,
        sent: Vec<u64>,
    },
    BulkSend {
        sock: SocketHandle,
        to: [u8; 4],
        port: u16,
        bytes: u64,
        at_us: u64,
        started: bool,
        closed: bool,
    },
    BulkReceive {
        sock: SocketHandle,
        port: u16,
        slow: Option<(usize, u64)>,
        next_read_at: u64,
        closed: bool,
        stopped: bool,
    },
}

struct Running {
    label: &'static str,
    run: Run,
    /// The TCP socket's state as last seen (for state-change events).
    last: Option<tcp::State>,
}

/// One host: its stack, its card, its sockets and its programs.
pub struct Host {
    index: usize,
    ip: [u8; 4],
    iface: Interface,
    /// The card.
    pub card: Card,
    sockets: SocketSet<'static>,
    programs: Vec<Running>,
    rng: Rng,
}

fn tcp_socket(rx: usize, tx: usize) -> tcp::Socket<'static> {
    tcp::Socket::new(
        tcp::SocketBuffer::new(vec![0; rx]),
        tcp::SocketBuffer::new(vec![0; tx]),
    )
}

fn state_name(s: tcp::State) -> String {
    s.to_string()
}

impl Host {
    /// A host with its stack configured and its programs' sockets made (not yet started).
    pub fn new(
        index: usize,
        spec: &super::scenario::Host,
        peers: &[super::scenario::Host],
        mtu: u16,
        programs: &[Program],
        mut rng: Rng,
    ) -> Self {
        let mut card = Card {
            rx: VecDeque::new(),
            tx: Vec::new(),
            mtu: usize::from(mtu),
        };
        let mut config = Config::new(HardwareAddress::Ethernet(EthernetAddress(spec.mac)));
        // The stack's own randomness (initial sequence numbers, IP identification) comes from
        // the run's seed.
        config.random_seed = rng.next_u64();
        let mut iface = Interface::new(config, &mut card, Instant::from_micros(0));
        let [a, b, c, d] = spec.ip;
        iface.update_ip_addrs(|addrs| {
            let _ = addrs.push(IpCidr::new(IpAddress::v4(a, b, c, d), 24));
        });
        let mut sockets = SocketSet::new(Vec::new());
        let ip_of = |h: usize| peers.get(h).map_or([0; 4], |p| p.ip);
        let mut running = Vec::new();
        for p in programs.iter().filter(|p| p.host() == index) {
            let run = match p {
                Program::HttpClient {
                    server,
                    port,
                    path,
                    at_us,
                    ..
                } => Run::HttpClient {
                    sock: sockets.add(tcp_socket(8 * 1024, 4 * 1024)),
                    server: ip_of(*server),
                    port: *port,
                    path: path.clone(),
                    at_us: *at_us,
                    started: false,
                    sent: false,
                    closed: false,
                    open: false,
                },
                Program::HttpServer { port, .. } => Run::HttpServer {
                    sock: sockets.add(tcp_socket(4 * 1024, 8 * 1024)),
                    port: *port,
                    request: Vec::new(),
                    answered: false,
                    stopped: false,
                },
                Program::Ping {
                    to,
                    count,
                    interval_us,
                    size,
                    at_us,
                    ..
                } => {
                    let per = usize::from(*size) + 64;
                    let sock = sockets.add(icmp::Socket::new(
                        icmp::PacketBuffer::new(
                            vec![icmp::PacketMetadata::EMPTY; 8],
                            vec![0; 8 * per],
                        ),
                        icmp::PacketBuffer::new(
                            vec![icmp::PacketMetadata::EMPTY; 8],
                            vec![0; 8 * per],
                        ),
                    ));
                    Run::Ping {
                        sock,
                        to: ip_of(*to),
                        ident: (rng.next_u64() & 0xffff) as u16,
                        count: *count,
                        interval_us: *interval_us,
                        size: *size,
                        next_at: *at_us,
                        sent: Vec::new(),
                    }
                }
                Program::BulkSend {
                    to,
                    port,
                    bytes,
                    buffer,
                    at_us,
                    ..
                } => Run::BulkSend {
                    sock: sockets.add(tcp_socket(4 * 1024, *buffer)),
                    to: ip_of(*to),
                    port: *port,
                    bytes: *bytes,
                    at_us: *at_us,
                    started: false,
                    closed: false,
                },
                Program::BulkReceive {
                    port, window, slow, ..
                } => Run::BulkReceive {
                    sock: sockets.add(tcp_socket(*window, 4 * 1024)),
                    port: *port,
                    slow: *slow,
                    next_read_at: 0,
                    closed: false,
                    stopped: false,
                },
            };
            running.push(Running {
                label: p.label(),
                run,
                last: None,
            });
        }
        let mut host = Self {
            index,
            ip: spec.ip,
            iface,
            card,
            sockets,
            programs: running,
            rng,
        };
        host.listen();
        host
    }

    /// Servers start listening at once (the `LISTEN` state shows as the run's first events).
    fn listen(&mut self) {
        for p in &mut self.programs {
            if let Run::HttpServer {
                sock,
                port,
                stopped: false,
                ..
            }
            | Run::BulkReceive {
                sock,
                port,
                stopped: false,
                ..
            } = &p.run
            {
                let _ = self.sockets.get_mut::<tcp::Socket>(*sock).listen(*port);
            }
        }
    }

    /// The next time this host must be polled without news from the cable: the stack's own
    /// timers (retransmission, delayed ACK, TIME-WAIT) or a program's.
    pub fn wake_at(&mut self, now: u64) -> Option<u64> {
        let stack = self
            .iface
            .poll_at(Instant::from_micros(now as i64), &self.sockets)
            .map(|t| t.total_micros().max(0) as u64);
        let programs = self
            .programs
            .iter()
            .filter_map(|p| match &p.run {
                Run::HttpClient {
                    at_us,
                    started: false,
                    ..
                }
                | Run::BulkSend {
                    at_us,
                    started: false,
                    ..
                } => Some(*at_us),
                Run::Ping {
                    next_at,
                    sent,
                    count,
                    ..
                } if sent.len() < usize::from(*count) => Some(*next_at),
                Run::BulkReceive {
                    sock,
                    slow: Some(_),
                    next_read_at,
                    ..
                } if self.sockets.get::<tcp::Socket>(*sock).recv_queue() > 0 => Some(*next_read_at),
                _ => None,
            })
            .min();
        match (stack, programs) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    /// Slows the bulk readers down: from `now` on each read takes at most `bytes`, the next one
    /// `every_us` later.
    pub fn slow_readers(
        &mut self,
        now: u64,
        bytes: usize,
        every_us: u64,
        events: &mut Vec<EventKind>,
    ) {
        for p in &mut self.programs {
            if let Run::BulkReceive {
                slow, next_read_at, ..
            } = &mut p.run
            {
                *slow = Some((bytes, every_us));
                *next_read_at = now.saturating_add(every_us);
                events.push(EventKind::App {
                    host: self.index,
                    program: p.label.to_owned(),
                    what: format!(
                        "slows down: reads at most {bytes} bytes every {} ms from now on",
                        every_us / 1000
                    ),
                });
            }
        }
    }

    /// Stops the server programs: their sockets are aborted (a connected peer gets a reset)
    /// and they no longer listen.
    pub fn stop_servers(&mut self, events: &mut Vec<EventKind>) {
        for p in &mut self.programs {
            if let Run::HttpServer { sock, stopped, .. } | Run::BulkReceive { sock, stopped, .. } =
                &mut p.run
                && !*stopped
            {
                *stopped = true;
                self.sockets.get_mut::<tcp::Socket>(*sock).abort();
                events.push(EventKind::App {
                    host: self.index,
                    program: p.label.to_owned(),
                    what: "stops: its socket is closed (a connected peer gets a reset, a new SYN \
                           finds no listener)"
                        .to_owned(),
                });
            }
        }
    }

    /// Polls the stack and runs the programs at `now` until neither has more to do.
    pub fn step(&mut self, now: u64, events: &mut Vec<EventKind>, outcome: &mut Outcome) {
        let t = Instant::from_micros(now as i64);
        for _ in 0..64 {
            let polled = self.iface.poll(t, &mut self.card, &mut self.sockets);
            self.states(events);
            let acted = self.programs(now, events, outcome);
            self.states(events);
            if polled == smoltcp::iface::PollResult::None && !acted {
                break;
            }
        }
    }

    /// An event for each TCP socket whose state changed since last seen.
    fn states(&mut self, events: &mut Vec<EventKind>) {
        for p in &mut self.programs {
            let sock = match &p.run {
                Run::HttpClient { sock, .. }
                | Run::HttpServer { sock, .. }
                | Run::BulkSend { sock, .. }
                | Run::BulkReceive { sock, .. } => *sock,
                Run::Ping { .. } => continue,
            };
            let state = self.sockets.get::<tcp::Socket>(sock).state();
            let before = p.last.unwrap_or(tcp::State::Closed);
            if before != state {
                events.push(EventKind::SocketState {
                    host: self.index,
                    program: p.label.to_owned(),
                    from: state_name(before),
                    to: state_name(state),
                });
            }
            p.last = Some(state);
        }
    }

    /// Runs every program once; true when one did something the stack must act on.
    fn programs(&mut self, now: u64, events: &mut Vec<EventKind>, outcome: &mut Outcome) -> bool {
        let mut acted = false;
        let host = self.index;
        let own_ip = self.ip;
        for p in &mut self.programs {
            let label = p.label;
            let ev = |what: String| EventKind::App {
                host,
                program: label.to_owned(),
                what,
            };
            match &mut p.run {
                Run::HttpClient {
                    sock,
                    server,
                    port,
                    path,
                    at_us,
                    started,
                    sent,
                    closed,
                    open,
                } => {
                    let s = self.sockets.get_mut::<tcp::Socket>(*sock);
                    if !*started {
                        if now < *at_us {
                            continue;
                        }
                        *started = true;
                        if let Some((local, to)) =
                            connect(s, &mut self.iface, &mut self.rng, *server, *port)
                        {
                            events.push(ev(format!("connects from port {local} to {to}:{port}")));
                            acted = true;
                        }
                        continue;
                    }
                    if *closed {
                        continue;
                    }
                    let state = s.state();
                    if state == tcp::State::Closed {
                        if *open {
                            *closed = true;
                            if !outcome.http_complete {
                                outcome.http_reset = true;
                                events.push(ev(
                                    "the connection was refused or reset (RST): no response"
                                        .to_owned(),
                                ));
                            }
                        }
                        continue;
                    }
                    *open = true;
                    if !*sent && s.may_send() {
                        let [a, b, c, d] = *server;
                        let request = format!(
                            "GET {path} HTTP/1.1\r\nHost: {}\r\nUser-Agent: autochitect-lab\r\nAccept: application/json\r\nConnection: close\r\n\r\n",
                            Ipv4Address::new(a, b, c, d)
                        );
                        if let Ok(n) = s.send_slice(request.as_bytes()) {
                            *sent = true;
                            acted = true;
                            events.push(EventKind::AppSend {
                                host,
                                program: label.to_owned(),
                                bytes: n,
                                what: format!("GET {path} HTTP/1.1"),
                            });
                        }
                    }
                    if s.can_recv() {
                        let mut buf = vec![0; s.recv_queue()];
                        if let Ok(n) = s.recv_slice(&mut buf) {
                            buf.truncate(n);
                            let first = outcome.http_response.is_empty();
                            outcome.http_response.extend_from_slice(&buf);
                            acted = true;
                            let what = if first {
                                first_line(&buf)
                            } else {
                                "more of the response".to_owned()
                            };
                            events.push(EventKind::AppRecv {
                                host,
                                program: label.to_owned(),
                                bytes: n,
                                what,
                            });
                            if !outcome.http_complete
                                && let Some(body) = complete_body(&outcome.http_response)
                            {
                                outcome.http_complete = true;
                                events.push(ev(format!(
                                    "{}: a {}-byte body, complete",
                                    first_line(&outcome.http_response),
                                    body.len()
                                )));
                            }
                        }
                    }
                    let state = s.state();
                    if *sent
                        && !s.may_recv()
                        && state != tcp::State::Closed
                        && state != tcp::State::TimeWait
                    {
                        // The server closed its side (FIN): the client closes too.
                        s.close();
                        *closed = true;
                        acted = true;
                        events.push(ev("the server closed its side; closes too".to_owned()));
                    }
                }
                Run::HttpServer {
                    sock,
                    request,
                    answered,
                    stopped,
                    ..
                } => {
                    if *stopped {
                        continue;
                    }
                    let s = self.sockets.get_mut::<tcp::Socket>(*sock);
                    if s.can_recv() && !*answered {
                        let mut buf = vec![0; s.recv_queue()];
                        if let Ok(n) = s.recv_slice(&mut buf) {
                            buf.truncate(n);
                            request.extend_from_slice(&buf);
                            acted = true;
                            events.push(EventKind::AppRecv {
                                host,
                                program: label.to_owned(),
                                bytes: n,
                                what: first_line(request),
                            });
                        }
                    }
                    if !*answered && request.windows(4).any(|w| w == b"\r\n\r\n") {
                        let line = first_line(request);
                        let (status, body) = if line.starts_with("GET /orders/42 ") {
                            ("200 OK", ORDER_JSON)
                        } else {
                            ("404 Not Found", r#"{"error":"not found"}"#)
                        };
                        let response = format!(
                            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                            body.len()
                        );
                        if let Ok(n) = s.send_slice(response.as_bytes()) {
                            *answered = true;
                            outcome.http_body_sent = body.as_bytes().to_vec();
                            events.push(EventKind::AppSend {
                                host,
                                program: label.to_owned(),
                                bytes: n,
                                what: format!("HTTP/1.1 {status}, a {}-byte JSON body", body.len()),
                            });
                            s.close();
                            events
                                .push(ev("closes its side after answering (Connection: close)"
                                    .to_owned()));
                            acted = true;
                        }
                    }
                }
                Run::Ping {
                    sock,
                    to,
                    ident,
                    count,
                    interval_us,
                    size,
                    next_at,
                    sent,
                } => {
                    let s = self.sockets.get_mut::<icmp::Socket>(*sock);
                    if !s.is_open() {
                        let _ = s.bind(icmp::Endpoint::Ident(*ident));
                    }
                    while s.can_recv() {
                        let Ok((data, _from)) = s.recv() else { break };
                        let Ok(pkt) = Icmpv4Packet::new_checked(data) else {
                            continue;
                        };
                        let Ok(Icmpv4Repr::EchoReply { seq_no, .. }) =
                            Icmpv4Repr::parse(&pkt, &ChecksumCapabilities::default())
                        else {
                            continue;
                        };
                        let Some(&at) = sent.get(usize::from(seq_no)) else {
                            continue;
                        };
                        let rtt = now.saturating_sub(at);
                        outcome.pings.push((seq_no, rtt));
                        let [a, b, c, d] = *to;
                        events.push(ev(format!(
                            "reply from {}: seq={seq_no} time={}.{:03} ms",
                            Ipv4Address::new(a, b, c, d),
                            rtt / 1000,
                            rtt % 1000
                        )));
                        acted = true;
                    }
                    if sent.len() < usize::from(*count) && now >= *next_at && s.can_send() {
                        let seq_no = sent.len() as u16;
                        let data: Vec<u8> = (0..*size).map(|i| b'a' + (i % 23) as u8).collect();
                        let repr = Icmpv4Repr::EchoRequest {
                            ident: *ident,
                            seq_no,
                            data: &data,
                        };
                        let mut buf = vec![0; repr.buffer_len()];
                        let mut pkt = Icmpv4Packet::new_unchecked(&mut buf);
                        repr.emit(&mut pkt, &ChecksumCapabilities::default());
                        let [a, b, c, d] = *to;
                        if s.send_slice(&buf, IpAddress::v4(a, b, c, d)).is_ok() {
                            sent.push(now);
                            *next_at = now + *interval_us;
                            events.push(EventKind::AppSend {
                                host,
                                program: label.to_owned(),
                                bytes: buf.len(),
                                what: format!(
                                    "echo request seq={seq_no} to {}",
                                    Ipv4Address::new(a, b, c, d)
                                ),
                            });
                            acted = true;
                        }
                    }
                }
                Run::BulkSend {
                    sock,
                    to,
                    port,
                    bytes,
                    at_us,
                    started,
                    closed,
                } => {
                    let s = self.sockets.get_mut::<tcp::Socket>(*sock);
                    if !*started {
                        if now < *at_us {
                            continue;
                        }
                        *started = true;
                        if let Some((local, to)) =
                            connect(s, &mut self.iface, &mut self.rng, *to, *port)
                        {
                            events.push(ev(format!(
                                "connects from port {local} to {to}:{port} to send {bytes} bytes"
                            )));
                            acted = true;
                        }
                        continue;
                    }
                    if *closed || !s.may_send() {
                        continue;
                    }
                    let from = outcome.bulk_sent;
                    let want =
                        (*bytes - from).min(s.send_capacity() as u64 - s.send_queue() as u64);
                    if want > 0 {
                        // Written straight into the socket's buffer (twice when it wraps).
                        let put = |s: &mut tcp::Socket, at: u64, left: u64| {
                            s.send(|buf| {
                                let n = buf.len().min(left as usize);
                                if let Some(dst) = buf.get_mut(..n) {
                                    fill_pattern(at, dst);
                                }
                                (n, n)
                            })
                            .unwrap_or(0)
                        };
                        let first = put(s, from, want);
                        let second = put(s, from + first as u64, want - first as u64);
                        let n = first + second;
                        if n > 0 {
                            outcome.bulk_sent += n as u64;
                            acted = true;
                            events.push(EventKind::AppSend {
                                host,
                                program: label.to_owned(),
                                bytes: n,
                                what: format!("bytes {from}..{} of {bytes}", from + n as u64),
                            });
                        }
                    }
                    if outcome.bulk_sent >= *bytes {
                        s.close();
                        *closed = true;
                        acted = true;
                        events.push(ev("has sent everything; closes".to_owned()));
                    }
                }
                Run::BulkReceive {
                    sock,
                    slow,
                    next_read_at,
                    closed,
                    stopped,
                    ..
                } => {
                    if *stopped {
                        continue;
                    }
                    let s = self.sockets.get_mut::<tcp::Socket>(*sock);
                    if s.can_recv() && now >= *next_read_at {
                        let limit = slow.map_or(usize::MAX, |(b, _)| b).min(s.recv_queue());
                        let from = outcome.bulk_read;
                        let mut intact = true;
                        // Read in place (twice when the buffer wraps), checking each byte.
                        let mut take = |s: &mut tcp::Socket, at: u64, left: usize| {
                            s.recv(|buf| {
                                let n = buf.len().min(left);
                                intact &= is_pattern(at, buf.get(..n).unwrap_or_default());
                                (n, n)
                            })
                            .unwrap_or(0)
                        };
                        let first = take(s, from, limit);
                        let second = take(s, from + first as u64, limit - first);
                        let n = first + second;
                        if n > 0 {
                            if from == 0 {
                                outcome.bulk_intact = true;
                            }
                            outcome.bulk_intact &= intact;
                            outcome.bulk_read += n as u64;
                            if let Some((_, every)) = slow {
                                *next_read_at = now + *every;
                            }
                            acted = true;
                            events.push(EventKind::AppRecv {
                                host,
                                program: label.to_owned(),
                                bytes: n,
                                what: format!(
                                    "bytes {from}..{}; {} bytes still wait in the socket",
                                    from + n as u64,
                                    s.recv_queue()
                                ),
                            });
                        }
                    }
                    if !*closed
                        && !s.may_recv()
                        && s.recv_queue() == 0
                        && s.state() == tcp::State::CloseWait
                    {
                        s.close();
                        *closed = true;
                        acted = true;
                        events.push(ev(format!(
                            "read {} bytes to the end; closes",
                            outcome.bulk_read
                        )));
                    }
                }
            }
        }
        let _ = own_ip;
        acted
    }
}

/// The first line of a message, for events.
fn first_line(bytes: &[u8]) -> String {
    let line = bytes
        .split(|&b| b == b'\r' || b == b'\n')
        .next()
        .unwrap_or_default();
    let text = String::from_utf8_lossy(line);
    text.chars().take(80).collect()
}

/// The body of a complete HTTP response (head ended, Content-Length bytes of body), if so.
fn complete_body(response: &[u8]) -> Option<&[u8]> {
    let end = response.windows(4).position(|w| w == b"\r\n\r\n")?;
    let head = String::from_utf8_lossy(response.get(..end)?);
    let len: usize = head.lines().find_map(|l| {
        let (n, v) = l.split_once(':')?;
        n.trim()
            .eq_ignore_ascii_case("content-length")
            .then(|| v.trim().parse().ok())?
    })?;
    let body = response.get(end + 4..)?;
    (body.len() >= len).then(|| body.get(..len)).flatten()
}

/// Opens a connection from a random ephemeral port (drawn from the run's seed) to `to:port`:
/// the local port and the address, or `None` where the stack refuses.
fn connect(
    socket: &mut tcp::Socket,
    iface: &mut Interface,
    rng: &mut Rng,
    to: [u8; 4],
    port: u16,
) -> Option<(u16, Ipv4Address)> {
    let local = EPHEMERAL + (rng.next_u64() % 16_384) as u16;
    let [a, b, c, d] = to;
    socket
        .connect(iface.context(), (IpAddress::v4(a, b, c, d), port), local)
        .ok()?;
    Some((local, Ipv4Address::new(a, b, c, d)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bulk_pattern_is_the_alphabet_from_any_offset() {
        for offset in [0u64, 1, 25, 26, 27, 1_000_003] {
            let mut buf = vec![0; 100];
            fill_pattern(offset, &mut buf);
            for (i, b) in buf.iter().enumerate() {
                assert_eq!(*b, b'a' + ((offset + i as u64) % 26) as u8);
            }
            assert!(is_pattern(offset, &buf));
            assert!(!is_pattern(offset + 1, &buf));
        }
    }
}
