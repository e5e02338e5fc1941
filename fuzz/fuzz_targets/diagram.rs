//! Any text as a diagram: parse, validate, lay out, lint, export. Must never panic.
#![no_main]

use std::collections::BTreeSet;

use autochitect::model::{WriteupSlug, lint_diagram, parse_diagram};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let slugs: BTreeSet<WriteupSlug> = ["osi-model", "raft-protocol"]
        .into_iter()
        .map(WriteupSlug::new)
        .collect();
    if let Ok(d) = parse_diagram("fuzz.ron", text, &slugs) {
        let _ = lint_diagram("fuzz.ron", text, &d);
        let _ = autochitect::tools::export::svg(&d, None);
        let _ = d.to_dot();
        let _ = d.reading_order();
    }
});
