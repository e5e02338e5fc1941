//! Any text as a lab scenario (against a small diagram), and as a frame match; a valid
//! scenario is run for a bounded number of events and each frame decoded. Must never panic.
#![no_main]

use std::collections::BTreeSet;
use std::sync::Arc;

use autochitect::lab::{FrameMatch, Lab, decode, parse_scenario};
use autochitect::model::{WriteupSlug, parse_diagram};
use libfuzzer_sys::fuzz_target;

const DIAGRAM: &str = r#"(
    title: "Fuzz",
    components: [
        (id: "computer-a", label: "A", kind: Computer),
        (id: "a-tcpip", label: "TCP/IP", kind: Os, parent: "computer-a"),
        (id: "a-nic", label: "NIC", kind: Hardware, parent: "computer-a"),
        (id: "a-sockets", label: "Sockets", kind: Os, parent: "computer-a"),
        (id: "computer-b", label: "B", kind: Computer),
        (id: "b-tcpip", label: "TCP/IP", kind: Os, parent: "computer-b"),
        (id: "b-nic", label: "NIC", kind: Hardware, parent: "computer-b"),
        (id: "b-sockets", label: "Sockets", kind: Os, parent: "computer-b"),
    ],
    links: [(id: "cable", from: "computer-a", to: "computer-b", label: "cable", kind: Cable, directed: false)],
)"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = FrameMatch::parse(text, &["A", "B"]);
    let slugs: BTreeSet<WriteupSlug> = BTreeSet::new();
    let Ok(diagram) = parse_diagram("d.ron", DIAGRAM, &slugs) else {
        return;
    };
    if let Ok(scenario) = parse_scenario("fuzz.ron", "fuzz", text, Some(&diagram)) {
        let mut lab = Lab::new(Arc::new(scenario), 1, Vec::new());
        for _ in 0..500 {
            let Some(e) = lab.step() else { break };
            if let Some(f) = e.frame() {
                let _ = decode::decode(&f.bytes);
            }
        }
        let _ = lab.phases();
    }
});
