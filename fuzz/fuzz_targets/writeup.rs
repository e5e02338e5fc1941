//! Any text as write-up metadata, as the write-up index, and as a catalog of one. Must never panic.
#![no_main]

use autochitect::model::{
    WriteupCatalog, WriteupSource, parse_diagram_index, parse_writeup_index, parse_writeup_meta,
};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = parse_writeup_meta("fuzz.ron", "topic", text);
    let _ = parse_writeup_index("index.ron", text);
    let _ = parse_diagram_index("index.ron", text);
    let source = WriteupSource {
        slug: "topic".into(),
        meta_file: "topic.ron".into(),
        meta: text.into(),
        body_file: "topic.md".into(),
        body: Some(text.into()),
    };
    if let Ok(catalog) = WriteupCatalog::build(&[source]) {
        let _ = catalog.newest_first();
    }
});
