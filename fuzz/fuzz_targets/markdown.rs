//! Any text as a write-up body: parsed into the blocks the reader draws (figures validated as
//! diagrams), rendered as the static page's HTML, and every link in it classified. Must never
//! panic.
#![no_main]

use std::collections::BTreeSet;

use autochitect::model::markdown::parse_document;
use autochitect::model::{WriteupSlug, classify_link};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.len() > autochitect::model::limits::MAX_MARKDOWN_BYTES {
        return;
    }
    let slugs: BTreeSet<WriteupSlug> = [WriteupSlug::new("sockets")].into_iter().collect();
    let (doc, _) = parse_document("body.md", text, &slugs);
    // The reader hands every clicked link to this; any link text must be safe to classify.
    for link in doc.links() {
        let _ = classify_link(&link);
    }
    let _ = doc.sections();
    let _ = autochitect::tools::site::body_html(text, &slugs);
});
