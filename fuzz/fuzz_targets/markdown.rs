//! Any text as a write-up body, rendered the way the reader renders it (egui_commonmark on an
//! egui context, no GPU), and every link in it classified. Must never panic.
#![no_main]

use autochitect::model::classify_link;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if text.len() > autochitect::model::limits::MAX_MARKDOWN_BYTES {
        return;
    }
    // One context for all runs: building its fonts is far slower than rendering an input.
    static CTX: std::sync::OnceLock<egui::Context> = std::sync::OnceLock::new();
    let ctx = CTX.get_or_init(egui::Context::default);
    let mut cache = egui_commonmark::CommonMarkCache::default();
    let _ = ctx.run_ui(egui::RawInput::default(), |ui| {
        egui_commonmark::CommonMarkViewer::new().show(ui, &mut cache, text);
    });
    // The reader hands every clicked link to this; any link text must be safe to classify.
    for word in text.split(['(', ')', '<', '>', ' ', '\n']) {
        let _ = classify_link(word);
    }
});
