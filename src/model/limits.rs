//! Limits on what a file may ask of the app, so hostile or broken input gets a clear error
//! instead of a stall, a crash or a frozen window. Documented in the README.
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::diagnostic::{Diagnostic, Position};

/// Largest diagram, tour or write-up metadata file, in bytes.
pub const MAX_FILE_BYTES: usize = 32 * 1024 * 1024;
/// Largest write-up body (Markdown), in bytes.
pub const MAX_MARKDOWN_BYTES: usize = 512 * 1024;
/// Most components in one diagram.
pub const MAX_COMPONENTS: usize = 200_000;
/// Most links in one diagram.
pub const MAX_LINKS: usize = 200_000;
/// Deepest nesting of components (a computer at depth 0 holding parts at depth 1, …).
pub const MAX_DEPTH: usize = 32;
/// Longest label or title, in characters.
pub const MAX_LABEL_CHARS: usize = 200;
/// Longest description, summary or narration, in characters.
pub const MAX_TEXT_CHARS: usize = 4_000;
/// Largest coordinate or size, in diagram units (either sign).
pub const MAX_COORDINATE: f32 = 1_000_000.0;
/// Deepest nesting of brackets RON will parse.
pub const MAX_RON_DEPTH: usize = 64;
/// Most tours per diagram, and steps per tour.
pub const MAX_TOURS: usize = 1_000;

/// Checks the size of a file before anything parses it.
pub fn check_size(file: &str, src: &str, max: usize) -> Result<(), Diagnostic> {
    if src.len() > max {
        return Err(Diagnostic::error(
            file,
            None,
            format!(
                "the file is {} bytes; the limit is {} bytes",
                src.len(),
                max
            ),
        ));
    }
    Ok(())
}

/// Drops a UTF-8 byte order mark, which some editors write and which RON does not expect.
pub fn strip_bom(src: &str) -> &str {
    src.strip_prefix('\u{feff}').unwrap_or(src)
}

/// Turns bytes into text, or an error that says where the first invalid byte is.
pub fn decode_utf8(file: &str, bytes: Vec<u8>) -> Result<String, Diagnostic> {
    String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let good = String::from_utf8_lossy(e.as_bytes().get(..valid).unwrap_or_default());
        let line = good.matches('\n').count() + 1;
        let col = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        Diagnostic::error(
            file,
            Some(Position::new(line, col)),
            format!("the file is not valid UTF-8 (byte {valid}); save it as UTF-8"),
        )
    })
}
