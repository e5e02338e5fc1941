//! The network lab: protocol truth read back from the decoded frames of real runs (counts come
//! from the run, not from constants), determinism, going back and branching, the capture file,
//! and `check` on the shipped scenarios.

use std::sync::Arc;

use autochitect::lab::decode::{Class, TcpFacts, classify, decode, verify_checksums};
use autochitect::lab::{
    Direction, Event, EventKind, Fate, Fault, Frame, FrameMatch, Lab, ORDER_JSON, Outcome,
    Scenario, digest, parse_scenario, pcap::pcap, run,
};
use autochitect::model::{WriteupSlug, parse_diagram};

const SHIPPED: [&str; 6] = [
    "http-request",
    "lost-frame",
    "corrupt-frame",
    "server-stopped",
    "ping",
    "slow-reader",
];

/// The shipped cluster scenarios (tests/it/cluster_scenarios.rs runs them).
const SHIPPED_CLUSTER: [&str; 5] = [
    "election",
    "leader-crash",
    "partition",
    "lost-vote",
    "figure-8",
];

fn diagram() -> autochitect::model::Diagram {
    let text =
        std::fs::read_to_string(crate::repo().join("diagrams/two-computers.ron")).expect("diagram");
    let index =
        std::fs::read_to_string(crate::repo().join("assets/writeups/index.ron")).expect("index");
    let slugs: std::collections::BTreeSet<WriteupSlug> =
        autochitect::model::parse_writeup_index("index.ron", &index)
            .expect("index parses")
            .into_iter()
            .collect();
    parse_diagram("two-computers.ron", &text, &slugs).expect("the diagram is valid")
}

fn scenario(name: &str) -> Scenario {
    let path = crate::repo().join(format!("diagrams/labs/{name}.ron"));
    let text = std::fs::read_to_string(&path).expect("scenario file");
    parse_scenario(&path.display().to_string(), name, &text, Some(&diagram()))
        .unwrap_or_else(|d| panic!("{name}: {d}"))
}

fn run_with(name: &str, extra: &[Fault]) -> (Scenario, Vec<Event>, Outcome) {
    let s = scenario(name);
    let (events, outcome) = run(&s, s.seed, extra);
    (s, events, outcome)
}

fn frames(events: &[Event]) -> Vec<(usize, &Event, &Frame)> {
    events
        .iter()
        .enumerate()
        .filter_map(|(i, e)| e.frame().map(|f| (i, e, f)))
        .collect()
}

fn tcp(f: &Frame) -> Option<TcpFacts> {
    classify(&f.bytes).tcp
}

fn class(f: &Frame) -> Class {
    classify(&f.bytes)
}

fn is_ipv4(f: &Frame) -> bool {
    f.bytes.get(12..14) == Some(&[0x08, 0x00][..])
}

fn drop(text: &str) -> Fault {
    Fault::Drop(FrameMatch::parse(text, &["A", "B"]).expect("a match"))
}

#[test]
fn every_shipped_scenario_passes_check_and_is_listed_here() {
    let report = autochitect::tools::check::check_paths(&crate::repo(), &[]);
    assert!(!report.diagnostics.has_errors(), "{}", report.diagnostics);
    let mut on_disk: Vec<String> = std::fs::read_dir(crate::repo().join("diagrams/labs"))
        .expect("labs folder")
        .filter_map(Result::ok)
        .map(|e| {
            e.file_name()
                .to_string_lossy()
                .trim_end_matches(".ron")
                .to_owned()
        })
        .filter(|n| n != "index")
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = (SHIPPED.iter().chain(&SHIPPED_CLUSTER))
        .map(|s| (*s).to_owned())
        .collect();
    listed.sort();
    assert_eq!(on_disk, listed);
    // The explorer's Lab menu offers what `labs/index.ron` lists: every scenario, and check
    // has nothing to warn about it.
    let index =
        std::fs::read_to_string(crate::repo().join("diagrams/labs/index.ron")).expect("labs index");
    let mut menu: Vec<String> = autochitect::model::parse_diagram_index("labs/index.ron", &index)
        .expect("a list of files")
        .iter()
        .map(|f| f.trim_end_matches(".ron").to_owned())
        .collect();
    menu.sort();
    assert_eq!(menu, listed);
    assert!(
        !report
            .diagnostics
            .0
            .iter()
            .any(|d| d.message.contains("labs/index.ron")),
        "{}",
        report.diagnostics
    );
    assert_eq!(report.labs, SHIPPED.len() + SHIPPED_CLUSTER.len());
    for name in SHIPPED {
        let s = scenario(name);
        assert_eq!(s.hosts.len(), 2);
        assert!(!s.phases.is_empty(), "{name} tells no story");
    }
}

#[test]
fn arp_request_and_reply_come_before_the_first_ipv4_frame() {
    for name in ["http-request", "ping", "slow-reader"] {
        let (s, events, _) = run_with(name, &[]);
        let fs = frames(&events);
        let first_ip = fs
            .iter()
            .position(|(_, _, f)| is_ipv4(f))
            .expect("an IPv4 frame");
        let request = fs.iter().position(|(_, _, f)| class(f).arp_op == Some(1));
        let reply = fs.iter().position(|(_, _, f)| class(f).arp_op == Some(2));
        let (Some(request), Some(reply)) = (request, reply) else {
            panic!("{name}: no ARP exchange");
        };
        assert!(request < reply && reply < first_ip, "{name}");
        // The request is broadcast by A; the reply comes from B with B's MAC address in it.
        let (_, _, req) = fs[request];
        assert_eq!(req.direction, Direction::AtoB);
        assert_eq!(&req.bytes[0..6], &[0xff; 6]);
        let (_, _, rep) = fs[reply];
        assert_eq!(rep.direction, Direction::BtoA);
        assert_eq!(
            &rep.bytes[22..28],
            &s.hosts[1].mac,
            "sender MAC in the ARP reply"
        );
        assert_eq!(
            &rep.bytes[28..32],
            &s.hosts[1].ip,
            "sender IP in the ARP reply"
        );
        // Once known, the neighbour is not asked again.
        let arps = fs
            .iter()
            .filter(|(_, _, f)| class(f).arp_op.is_some())
            .count();
        assert_eq!(arps, 2, "{name}");
    }
}

#[test]
fn the_handshake_has_consistent_sequence_and_acknowledgement_numbers() {
    let (_, events, _) = run_with("http-request", &[]);
    let segs: Vec<(Direction, TcpFacts, &Frame)> = frames(&events)
        .into_iter()
        .filter_map(|(_, _, f)| tcp(f).map(|t| (f.direction, t, f)))
        .collect();
    let [(d1, syn, f1), (d2, synack, _), (d3, ack, _), ..] = segs.as_slice() else {
        panic!("fewer than three segments");
    };
    assert_eq!(
        (*d1, *d2, *d3),
        (Direction::AtoB, Direction::BtoA, Direction::AtoB)
    );
    assert!(syn.syn && !syn.ack);
    assert!(synack.syn && synack.ack);
    assert_eq!(synack.ack_no, syn.seq.wrapping_add(1));
    assert!(!ack.syn && ack.ack);
    assert_eq!(ack.seq, syn.seq.wrapping_add(1));
    assert_eq!(ack.ack_no, synack.seq.wrapping_add(1));
    // The summary reads like a packet analyser's, with relative numbers.
    assert!(f1.summary.starts_with("TCP "), "{}", f1.summary);
    assert!(
        f1.summary.contains(" → 80 [SYN] Seq=0 Win="),
        "{}",
        f1.summary
    );
    assert!(f1.summary.contains("MSS=1460"), "{}", f1.summary);
    // Both sockets report the states the handshake moves them through.
    let states: Vec<(usize, &str, &str)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::SocketState { host, from, to, .. } => {
                Some((*host, from.as_str(), to.as_str()))
            }
            _ => None,
        })
        .collect();
    for want in [
        (0, "CLOSED", "SYN-SENT"),
        (0, "SYN-SENT", "ESTABLISHED"),
        (1, "LISTEN", "SYN-RECEIVED"),
        (1, "SYN-RECEIVED", "ESTABLISHED"),
    ] {
        assert!(states.contains(&want), "{want:?} in {states:?}");
    }
}

#[test]
fn the_request_response_and_close_cross_the_cable_and_the_body_arrives_whole() {
    let (_, events, outcome) = run_with("http-request", &[]);
    assert!(outcome.http_complete && !outcome.http_reset);
    assert!(outcome.http_response.ends_with(ORDER_JSON.as_bytes()));
    assert_eq!(outcome.http_body_sent, ORDER_JSON.as_bytes());
    let fs = frames(&events);
    let req = fs.iter().filter(|(_, _, f)| class(f).http_request).count();
    let resp = fs.iter().filter(|(_, _, f)| class(f).http_response).count();
    let fins: Vec<Direction> = fs
        .iter()
        .filter(|(_, _, f)| tcp(f).is_some_and(|t| t.fin))
        .map(|(_, _, f)| f.direction)
        .collect();
    assert_eq!((req, resp), (1, 1));
    assert!(fins.contains(&Direction::AtoB) && fins.contains(&Direction::BtoA));
    // Every frame arrived, and every checksum on the cable holds.
    for (_, _, f) in &fs {
        assert!(matches!(f.fate, Fate::Delivered { .. }), "{}", f.summary);
        assert_eq!(verify_checksums(&f.bytes), Ok(()), "{}", f.summary);
    }
    // The response's Content-Length is the length of the body that arrived.
    let text = String::from_utf8_lossy(&outcome.http_response);
    assert!(text.contains(&format!("Content-Length: {}", ORDER_JSON.len())));
}

#[test]
fn a_dropped_syn_is_sent_again_after_the_retransmission_timeout() {
    let (_, events, outcome) = run_with("http-request", &[drop("first SYN")]);
    let syns: Vec<(&Event, &Frame)> = frames(&events)
        .into_iter()
        .filter(|(_, _, f)| tcp(f).is_some_and(|t| t.syn && !t.ack))
        .map(|(_, e, f)| (e, f))
        .collect();
    let [(e1, f1), (e2, f2)] = syns.as_slice() else {
        panic!("expected two SYNs, got {}", syns.len());
    };
    assert!(matches!(f1.fate, Fate::Lost { .. }));
    assert!(matches!(f2.fate, Fate::Delivered { .. }));
    assert_eq!(
        tcp(f1).map(|t| t.seq),
        tcp(f2).map(|t| t.seq),
        "the same SYN again"
    );
    // RFC 6298: an RTO of at least one second before any round trip was measured.
    assert!(e2.time_us - e1.time_us >= 1_000_000);
    assert!(events.iter().any(|e| matches!(
        &e.kind,
        EventKind::Retransmission { original, frame, .. } if *original == f1.number && *frame == f2.number
    )));
    assert!(outcome.http_complete && outcome.http_response.ends_with(ORDER_JSON.as_bytes()));
}

#[test]
fn a_lost_data_segment_is_retransmitted_and_the_body_still_arrives_whole() {
    let (_, events, outcome) = run_with("lost-frame", &[]);
    let fs = frames(&events);
    let requests: Vec<&(usize, &Event, &Frame)> = fs
        .iter()
        .filter(|(_, _, f)| class(f).http_request)
        .collect();
    assert_eq!(requests.len(), 2, "the request, then its retransmission");
    let (_, first_e, first) = requests[0];
    let (_, again_e, again) = requests[1];
    assert!(matches!(first.fate, Fate::Lost { .. }));
    assert_eq!(first.bytes.len(), again.bytes.len());
    assert_eq!(tcp(first).map(|t| t.seq), tcp(again).map(|t| t.seq));
    // At least the one-second minimum RTO, counted from when the stack handed the segment to
    // its card (the cable may still have been busy with the frame before it).
    let gap = again_e.time_us - first_e.time_us;
    assert!((999_000..2_000_000).contains(&gap), "{gap} µs");
    let retrans: Vec<_> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Retransmission {
                host,
                frame,
                original,
                ..
            } => Some((*host, *frame, *original)),
            _ => None,
        })
        .collect();
    assert_eq!(retrans, [(0, again.number, first.number)]);
    assert!(outcome.http_complete && outcome.http_response.ends_with(ORDER_JSON.as_bytes()));
}

#[test]
fn a_corrupted_frame_is_discarded_and_the_data_still_arrives() {
    let (_, events, outcome) = run_with("corrupt-frame", &[]);
    let fs = frames(&events);
    let (_, _, bad) = fs
        .iter()
        .find(|(_, _, f)| matches!(f.fate, Fate::Corrupted { .. }))
        .expect("a corrupted frame");
    assert!(
        verify_checksums(&bad.bytes).is_err(),
        "the flip breaks a checksum"
    );
    let discarded: Vec<(usize, u32)> = events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Discarded { host, frame, .. } => Some((*host, *frame)),
            _ => None,
        })
        .collect();
    assert_eq!(discarded, [(bad.direction.receiver(), bad.number)]);
    // The same bytes (uncorrupted) cross again later, and arrive.
    let resent = fs.iter().any(|(_, _, f)| {
        f.number > bad.number
            && f.direction == bad.direction
            && f.bytes.len() == bad.bytes.len()
            && matches!(f.fate, Fate::Delivered { .. })
            && tcp(f).map(|t| t.seq) == tcp(bad).map(|t| t.seq)
    });
    assert!(resent);
    assert!(outcome.http_complete && outcome.http_response.ends_with(ORDER_JSON.as_bytes()));
}

#[test]
fn a_zero_window_stops_the_sender_until_the_window_update() {
    let (s, events, outcome) = run_with("slow-reader", &[]);
    let fs = frames(&events);
    let from_b: Vec<(u64, &Frame, TcpFacts)> = fs
        .iter()
        .filter(|(_, _, f)| f.direction == Direction::BtoA)
        .filter_map(|(_, _, f)| Some((f.fate.arrival()?, *f, tcp(f)?)))
        .collect();
    let zeros: Vec<usize> = from_b
        .iter()
        .enumerate()
        .filter(|(_, (_, _, t))| t.window == 0 && !t.syn && !t.fin)
        .map(|(i, _)| i)
        .collect();
    assert!(
        zeros.len() >= 2,
        "the reader is slow enough to close the window"
    );
    let mut updates = 0;
    for z in zeros {
        let (closed_at, _, _) = from_b[z];
        // The next segment from B that opens the window again.
        let Some((opened_at, update, ut)) =
            from_b.iter().skip(z + 1).find(|(_, _, t)| t.window > 0)
        else {
            continue;
        };
        updates += 1;
        assert!(
            update.summary.contains("Window Update") || ut.fin,
            "{}",
            update.summary
        );
        // While A knows the window is zero, it sends no data (a 1-byte probe at most).
        for (_, e, f) in &fs {
            if f.direction == Direction::AtoB && e.time_us >= closed_at && e.time_us < *opened_at {
                let len = tcp(f).map_or(0, |t| t.len);
                assert!(
                    len <= 1,
                    "A sent {len} bytes into a zero window: {}",
                    f.summary
                );
            }
        }
        // After the update, A sends again.
        let sends_again = fs.iter().any(|(_, e, f)| {
            f.direction == Direction::AtoB
                && e.time_us >= *opened_at
                && tcp(f).is_some_and(|t| t.len > 1)
        });
        let everything_sent = from_b
            .iter()
            .any(|(at, _, t)| at <= opened_at && t.ack && t.fin);
        assert!(sends_again || everything_sent || ut.fin);
    }
    assert!(updates >= 1);
    let bytes = s
        .programs
        .iter()
        .find_map(|p| match p {
            autochitect::lab::scenario::Program::BulkSend { bytes, .. } => Some(*bytes),
            _ => None,
        })
        .expect("a sender");
    assert_eq!((outcome.bulk_sent, outcome.bulk_read), (bytes, bytes));
    assert!(outcome.bulk_intact, "every byte read is the byte sent");
}

#[test]
fn a_stopped_server_answers_with_a_reset() {
    // Nothing listens: the SYN is answered with RST and the client's socket closes.
    let (_, events, outcome) = run_with("server-stopped", &[]);
    let fs = frames(&events);
    let syn = fs
        .iter()
        .find_map(|(_, _, f)| tcp(f).filter(|t| t.syn))
        .expect("a SYN");
    let rst = fs
        .iter()
        .find_map(|(_, _, f)| tcp(f).filter(|t| t.rst).map(|t| (f.direction, t)))
        .expect("a RST");
    assert_eq!(rst.0, Direction::BtoA);
    assert_eq!(rst.1.ack_no, syn.seq.wrapping_add(1));
    assert!(outcome.http_reset && !outcome.http_complete);
    assert!(events.iter().any(|e| matches!(
        &e.kind,
        EventKind::SocketState { host: 0, from, to, .. } if from == "SYN-SENT" && to == "CLOSED"
    )));
    // Stopped mid-transfer: the established connection is reset.
    let s = Arc::new(scenario("slow-reader"));
    let mut lab = Lab::new(s, 1, Vec::new());
    lab.run_to_end();
    let k = lab
        .events()
        .iter()
        .position(|e| e.frame().is_some_and(|f| f.summary.contains("ZeroWindow")))
        .expect("a zero window");
    let t = lab.events()[k].time_us;
    let branch = lab
        .branch(k + 1, Fault::StopServer { host: 1, at_us: t })
        .expect("a branch");
    let mut branch = branch;
    branch.run_to_end();
    let reset = frames(branch.events())
        .into_iter()
        .any(|(i, _, f)| i > k && f.direction == Direction::BtoA && tcp(f).is_some_and(|t| t.rst));
    assert!(reset, "the aborted socket sends RST");
    assert!(branch.outcome().bulk_read < branch.outcome().bulk_sent);
}

#[test]
fn ping_gets_one_reply_per_request_with_the_same_identifier_and_sequence() {
    let (s, events, outcome) = run_with("ping", &[]);
    let count = s
        .programs
        .iter()
        .find_map(|p| match p {
            autochitect::lab::scenario::Program::Ping { count, .. } => Some(usize::from(*count)),
            _ => None,
        })
        .expect("ping");
    let fs = frames(&events);
    let requests: Vec<&Frame> = fs
        .iter()
        .filter(|(_, _, f)| class(f).icmp_type == Some(8))
        .map(|x| x.2)
        .collect();
    let replies: Vec<&Frame> = fs
        .iter()
        .filter(|(_, _, f)| class(f).icmp_type == Some(0))
        .map(|x| x.2)
        .collect();
    assert_eq!((requests.len(), replies.len()), (count, count));
    for (q, r) in requests.iter().zip(&replies) {
        // Identifier and sequence number (bytes 38..42) and the data come back unchanged.
        assert_eq!(q.bytes.get(38..42), r.bytes.get(38..42));
        assert_eq!(q.bytes.get(42..), r.bytes.get(42..));
    }
    assert_eq!(outcome.pings.len(), count);
    assert!(outcome.pings.iter().all(|(_, rtt)| *rtt > 0));
}

#[test]
fn the_same_seed_gives_byte_identical_runs_and_another_seed_another() {
    for name in SHIPPED {
        let s = scenario(name);
        let (a, _) = run(&s, s.seed, &[]);
        let (b, _) = run(&s, s.seed, &[]);
        assert!(!a.is_empty());
        assert_eq!(a, b, "{name}: two runs differ");
        assert_eq!(digest(&a), digest(&b));
        let (c, _) = run(&s, s.seed + 1, &[]);
        assert_ne!(digest(&a), digest(&c), "{name}: the seed changes nothing");
    }
}

#[test]
fn going_back_and_forward_again_reproduces_the_same_events() {
    let mut lab = Lab::new(Arc::new(scenario("lost-frame")), 1, Vec::new());
    lab.run_to_end();
    let all = lab.events().to_vec();
    let n = all.len();
    assert!(lab.at_end() && n > 10);
    for k in [0, 1, n / 3, n / 2, n - 1] {
        assert_eq!(lab.seek(k), k);
        assert_eq!(lab.events(), &all[..k]);
        // Live stacks replayed to k go on exactly as the record does.
        let mut sim = lab.replay_to(k).expect("replays");
        for want in &all[k..] {
            assert_eq!(sim.next_event().as_ref(), Some(want));
        }
        assert_eq!(sim.next_event(), None);
        // Stepping forward from k reads the same events.
        for want in &all[k..] {
            assert_eq!(lab.step(), Some(want));
        }
        assert_eq!(lab.step(), None);
    }
    assert_eq!(digest(&all), lab.digest());
}

#[test]
fn a_fault_on_a_branch_changes_what_follows_and_leaves_the_original_alone() {
    let mut lab = Lab::new(Arc::new(scenario("http-request")), 1, Vec::new());
    lab.run_to_end();
    let original = lab.events().to_vec();
    let before = lab.digest();
    // Branch just before the request goes onto the cable, and lose it there.
    let k = original
        .iter()
        .position(|e| e.frame().is_some_and(|f| class(f).http_request))
        .expect("a request");
    let mut branch = lab.branch(k, drop("first data from A")).expect("a branch");
    assert_eq!(branch.events(), &original[..k]);
    branch.run_to_end();
    assert_eq!(
        &branch.events()[..k],
        &original[..k],
        "the shared past is the same"
    );
    assert_ne!(branch.events()[k..], original[k..], "the future differs");
    assert!(
        branch
            .events()
            .iter()
            .any(|e| matches!(e.kind, EventKind::Retransmission { .. }))
    );
    assert!(
        !original
            .iter()
            .any(|e| matches!(e.kind, EventKind::Retransmission { .. }))
    );
    assert!(branch.outcome().http_complete);
    // The original is untouched, and the branch itself replays deterministically.
    assert_eq!(lab.events(), &original[..]);
    assert_eq!(lab.digest(), before);
    let n = branch.events().len();
    let mut again = branch.replay_to(n).expect("the branch replays");
    assert_eq!(again.next_event(), None);
}

#[test]
fn frames_decode_into_layers_whose_fields_point_at_their_bytes() {
    let (_, events, _) = run_with("http-request", &[]);
    for (_, _, f) in frames(&events) {
        let layers = decode(&f.bytes);
        assert!(layers.len() >= 2, "{}", f.summary);
        for l in &layers {
            assert!(l.range.end <= f.bytes.len(), "{} {:?}", l.name, l.range);
            for field in &l.fields {
                assert!(field.range.end <= f.bytes.len() && field.range.start <= field.range.end);
            }
        }
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        if let Some(t) = tcp(f) {
            let tcp_layer = layers.iter().find(|l| l.name == "TCP").expect("TCP");
            let port = tcp_layer
                .fields
                .iter()
                .find(|x| x.name == "Source port")
                .expect("port");
            let bytes = &f.bytes[port.range.clone()];
            assert_eq!(u16::from_be_bytes([bytes[0], bytes[1]]), t.src_port);
            if t.syn {
                assert!(
                    tcp_layer.fields.iter().any(
                        |x| x.name == "Option: Maximum segment size" && x.value == "1460 bytes"
                    )
                );
            }
            if class(f).http_request || class(f).http_response {
                assert_eq!(names, ["Ethernet II", "IPv4", "TCP", "HTTP"]);
            }
        } else {
            assert_eq!(names, ["Ethernet II", "ARP"]);
        }
    }
}

#[test]
fn the_capture_is_a_classic_pcap_of_every_frame() {
    let (_, events, _) = run_with("http-request", &[]);
    let bytes = pcap(&events);
    assert_eq!(&bytes[0..4], &0xa1b2_c3d4u32.to_le_bytes());
    assert_eq!(&bytes[20..24], &1u32.to_le_bytes(), "link type Ethernet");
    let fs = frames(&events);
    let mut at = 24;
    for (_, e, f) in &fs {
        let secs = u32::from_le_bytes(bytes[at..at + 4].try_into().expect("4 bytes"));
        let usecs = u32::from_le_bytes(bytes[at + 4..at + 8].try_into().expect("4 bytes"));
        assert_eq!(u64::from(secs) * 1_000_000 + u64::from(usecs), e.time_us);
        let len = u32::from_le_bytes(bytes[at + 8..at + 12].try_into().expect("4 bytes")) as usize;
        assert_eq!(&bytes[at + 16..at + 16 + len], &f.bytes[..]);
        at += 16 + len;
    }
    assert_eq!(at, bytes.len());
}

#[test]
fn phases_start_at_their_frames_in_order() {
    let mut lab = Lab::new(Arc::new(scenario("http-request")), 1, Vec::new());
    lab.run_to_end();
    let phases = lab.phases();
    assert_eq!(phases.first(), Some(&Some(0)));
    let mut seen: Vec<usize> = phases.iter().flatten().copied().collect();
    seen.dedup();
    assert_eq!(seen, (0..lab.scenario().phases.len()).collect::<Vec<_>>());
    let syn = lab
        .events()
        .iter()
        .position(|e| {
            e.frame()
                .is_some_and(|f| tcp(f).is_some_and(|t| t.syn && !t.ack))
        })
        .expect("a SYN");
    let handshake = phases[syn].expect("a phase");
    assert_eq!(
        lab.scenario().phases[handshake].title,
        "The three-way handshake"
    );
}

#[test]
fn frame_matches_name_the_frames_a_learner_means() {
    let hosts = ["A", "B"];
    for bad in ["", "0", "SYNN", "third data from C", "the SYN"] {
        assert!(FrameMatch::parse(bad, &hosts).is_err(), "{bad}");
    }
    // "second SYN" is the retransmitted one: matching counts frames as they are sent. Each
    // timeout doubles the next (RFC 6298, 5.5).
    let mut s = scenario("http-request");
    s.until_us = 10_000_000;
    let (events, outcome) = run(&s, s.seed, &[drop("first SYN"), drop("second SYN")]);
    let syns: Vec<u64> = frames(&events)
        .into_iter()
        .filter(|(_, _, f)| tcp(f).is_some_and(|t| t.syn && !t.ack))
        .map(|(_, e, _)| e.time_us)
        .collect();
    let [t1, t2, t3] = syns[..] else {
        panic!("expected three SYNs: {syns:?}");
    };
    let (first_wait, second_wait) = (t2 - t1, t3 - t2);
    assert!(
        second_wait >= 2 * first_wait - 1_000,
        "{first_wait} then {second_wait}"
    );
    assert!(outcome.http_complete);
    // By number: the first frame is the ARP request; losing it delays everything by a retry.
    let (_, events, outcome) = run_with("http-request", &[Fault::Drop(FrameMatch::Number(1))]);
    let arp_requests = frames(&events)
        .into_iter()
        .filter(|(_, _, f)| class(f).arp_op == Some(1))
        .count();
    assert_eq!(arp_requests, 2);
    assert!(outcome.http_complete);
}

#[test]
fn a_cut_cable_loses_frames_until_it_is_plugged_back_in() {
    let cut = Fault::Cut {
        at_us: 0,
        for_us: 500_000,
    };
    let (_, events, outcome) = run_with("http-request", &[cut]);
    let ups: Vec<(u64, bool)> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Cable { up } => Some((e.time_us, up)),
            _ => None,
        })
        .collect();
    assert_eq!(ups, [(0, false), (500_000, true)]);
    for (_, e, f) in frames(&events) {
        assert_eq!(
            e.time_us < 500_000,
            matches!(f.fate, Fate::Lost { .. }),
            "{}",
            f.summary
        );
    }
    assert!(outcome.http_complete);
}

#[test]
fn a_branch_of_a_branch_keeps_both_faults_once() {
    let mut s = scenario("http-request");
    s.until_us = 10_000_000;
    let mut lab = Lab::new(Arc::new(s), 1, Vec::new());
    lab.run_to_end();
    let cut = Fault::Cut {
        at_us: 0,
        for_us: 100_000,
    };
    let first = lab.branch(3, cut.clone()).expect("a branch");
    let mut second = first.branch(3, drop("first SYN")).expect("a branch of it");
    second.run_to_end();
    let cables = second
        .events()
        .iter()
        .filter(|e| matches!(e.kind, EventKind::Cable { .. }))
        .count();
    assert_eq!(cables, 2, "unplugged once, plugged back once");
    let n = second.events().len();
    let mut again = second.replay_to(n).expect("replays");
    assert_eq!(again.next_event(), None);
    assert!(second.outcome().http_complete);
}

#[test]
fn every_field_link_leads_to_a_section_of_a_shipped_write_up() {
    let catalog = crate::support::catalog();
    let mut linked = std::collections::BTreeSet::new();
    let mut fields = 0;
    for name in SHIPPED {
        let (_, events, _) = run_with(name, &[]);
        for (_, _, f) in frames(&events) {
            for layer in decode(&f.bytes) {
                for field in &layer.fields {
                    fields += 1;
                    let Some(topic) = autochitect::lab::view::field_topic(layer.name, &field.name)
                    else {
                        continue;
                    };
                    let slug = WriteupSlug::new(topic.writeup);
                    let w = catalog
                        .get(&slug)
                        .unwrap_or_else(|| panic!("{}: no write-up {slug}", field.name));
                    let sections = w.body.ready().expect("body").document.sections();
                    assert!(
                        sections.iter().any(|s| s == topic.section),
                        "{} → {slug}: no section {:?} in {sections:?}",
                        field.name,
                        topic.section
                    );
                    linked.insert((layer.name, field.name.clone()));
                }
            }
        }
    }
    // The fields the issue names all lead somewhere: addresses, type, TTL, checksum, ports,
    // sequence and acknowledgement numbers, flags, window, options, the request line.
    for (layer, field) in [
        ("Ethernet II", "Destination"),
        ("Ethernet II", "Type"),
        ("IPv4", "Time to live"),
        ("IPv4", "Header checksum"),
        ("TCP", "Source port"),
        ("TCP", "Sequence number"),
        ("TCP", "Acknowledgment number"),
        ("TCP", "Flags"),
        ("TCP", "Window"),
        ("TCP", "Option: Maximum segment size"),
        ("HTTP", "Request line"),
    ] {
        assert!(
            linked.contains(&(layer, field.to_owned())),
            "{layer} {field} has no link ({fields} fields seen)"
        );
    }
}

#[test]
fn a_slowed_reader_takes_less_at_a_time_less_often_and_the_window_stays_shut_longer() {
    let (_, before, _) = run_with("slow-reader", &[]);
    let reads = |events: &[Event], host: usize| -> Vec<(u64, usize)> {
        events
            .iter()
            .filter_map(|e| match &e.kind {
                EventKind::AppRecv { host: h, bytes, .. } if *h == host => {
                    Some((e.time_us, *bytes))
                }
                _ => None,
            })
            .collect()
    };
    // From the first read on, B's reader slows to 256 bytes every 250 ms.
    let (first_read, _) = reads(&before, 1)[0];
    let slow = Fault::SlowReader {
        host: 1,
        at_us: first_read,
        bytes: 256,
        every_us: 250_000,
    };
    let (_, after, _) = run_with("slow-reader", &[slow]);
    assert!(
        after.iter().any(
            |e| matches!(&e.kind, EventKind::App { what, .. } if what.starts_with("slows down"))
        ),
        "the list says the reader slowed down"
    );
    let later: Vec<(u64, usize)> = reads(&after, 1)
        .into_iter()
        .filter(|(t, _)| *t > first_read)
        .collect();
    assert!(later.len() >= 3, "{later:?}");
    assert!(later.iter().all(|(_, n)| *n <= 256), "{later:?}");
    assert!(
        later.windows(2).all(|w| w[1].0 - w[0].0 >= 250_000),
        "{later:?}"
    );
    // The stacks answer: B advertises a zero window more often than with the reader as written.
    let zeros = |events: &[Event]| {
        frames(events)
            .iter()
            .filter(|(_, _, f)| f.direction == Direction::BtoA)
            .filter(|(_, _, f)| tcp(f).is_some_and(|t| t.window == 0 && !t.syn && !t.fin))
            .count()
    };
    assert!(
        zeros(&after) > zeros(&before),
        "{} vs {}",
        zeros(&after),
        zeros(&before)
    );
}
