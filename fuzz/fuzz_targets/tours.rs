//! Any text as the tours of a fixed small diagram. Must never panic.
#![no_main]

use std::collections::BTreeSet;

use autochitect::model::{WriteupSlug, packet_route, parse_diagram, parse_tours};
use libfuzzer_sys::fuzz_target;

const DIAGRAM: &str = r#"(
    title: "Fuzz",
    components: [
        (id: "a", label: "A", kind: Computer),
        (id: "a-x", label: "X", kind: Os, parent: "a"),
        (id: "b", label: "B", kind: Computer),
    ],
    links: [(id: "cable", from: "a", to: "b", label: "cable", kind: Cable, directed: false)],
)"#;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let slugs: BTreeSet<WriteupSlug> = ["osi-model"].into_iter().map(WriteupSlug::new).collect();
    let Ok(diagram) = parse_diagram("d.ron", DIAGRAM, &slugs) else {
        return;
    };
    if let Ok(tours) = parse_tours("fuzz.ron", text, &diagram, &slugs) {
        for t in &tours {
            for s in &t.steps {
                let _ = packet_route(&diagram, &s.packet);
                let _ = autochitect::model::focus_bounds(&diagram, &s.focus);
            }
        }
    }
});
