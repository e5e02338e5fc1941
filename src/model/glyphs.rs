//! The bundled fonts, and which characters the canvas font (a DejaVu Sans subset, made by
//! `scripts/subset-fonts`) can draw.
//!
//! A label in a script the font lacks must never come out silently blank: `check` warns about
//! it, and the canvas shows each missing character as U+FFFD (�), which the font has.

use std::borrow::Cow;
use std::sync::OnceLock;

use skrifa::MetadataProvider;

/// The font of the canvas labels and the panels.
pub const FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans-Subset.ttf");
/// The font of code in write-ups.
pub const MONO_FONT_BYTES: &[u8] = include_bytes!("../../assets/fonts/DejaVuSansMono-Subset.ttf");

/// The character shown in place of one the font cannot draw.
pub const REPLACEMENT: char = '\u{FFFD}';

fn charmap() -> Option<&'static skrifa::charmap::Charmap<'static>> {
    static MAP: OnceLock<Option<skrifa::charmap::Charmap<'static>>> = OnceLock::new();
    MAP.get_or_init(|| skrifa::FontRef::new(FONT_BYTES).ok().map(|f| f.charmap()))
        .as_ref()
}

/// Whether the canvas font can draw `c` (whitespace and controls count as drawable).
pub fn covers(c: char) -> bool {
    c.is_whitespace() || c.is_control() || charmap().is_some_and(|m| m.map(c).is_some())
}

/// The characters of `text` the font cannot draw, each once, in order of appearance.
pub fn uncovered(text: &str) -> Vec<char> {
    uncovered_positions(text)
        .into_iter()
        .map(|(c, _)| c)
        .collect()
}

/// Each character of `text` the font cannot draw, once, with where it first appears.
pub fn uncovered_positions(text: &str) -> Vec<(char, super::Position)> {
    let mut out: Vec<(char, super::Position)> = Vec::new();
    for (line, l) in text.lines().enumerate() {
        for (col, c) in l.chars().enumerate() {
            if !covers(c) && !out.iter().any(|(seen, _)| *seen == c) {
                out.push((c, super::Position::new(line + 1, col + 1)));
            }
        }
    }
    out
}

/// `text` as the canvas shows it: characters the font lacks become U+FFFD.
pub fn visible(text: &str) -> Cow<'_, str> {
    if text.chars().all(covers) {
        Cow::Borrowed(text)
    } else {
        Cow::Owned(
            text.chars()
                .map(|c| if covers(c) { c } else { REPLACEMENT })
                .collect(),
        )
    }
}

/// The font's advance widths, in font units, and its units per em.
fn metrics() -> Option<&'static (skrifa::metrics::GlyphMetrics<'static>, f32)> {
    static METRICS: OnceLock<Option<(skrifa::metrics::GlyphMetrics<'static>, f32)>> =
        OnceLock::new();
    METRICS
        .get_or_init(|| {
            let font = skrifa::FontRef::new(FONT_BYTES).ok()?;
            let (size, at) = (
                skrifa::instance::Size::unscaled(),
                skrifa::instance::LocationRef::default(),
            );
            let upem = f32::from(font.metrics(size, at).units_per_em);
            let glyphs = font.glyph_metrics(size, at);
            Some((glyphs, upem))
        })
        .as_ref()
}

/// How wide `text` is set in the canvas font at `size` (the sum of its characters' advances,
/// as egui sets a line: no kerning). A character the font lacks counts as U+FFFD, as it is
/// drawn.
pub fn advance(text: &str, size: f32) -> f32 {
    let (Some(map), Some((glyphs, upem))) = (charmap(), metrics()) else {
        // Without the font's tables (never with the bundled font): half an em per character.
        return text.chars().count() as f32 * size * 0.5;
    };
    let replacement = map.map(REPLACEMENT);
    let of = |c: char| {
        map.map(c)
            .or(replacement)
            .and_then(|g| glyphs.advance_width(g))
            .unwrap_or_default()
    };
    // Printable ASCII, most of every label, from a table read once.
    static ASCII: OnceLock<[f32; 128]> = OnceLock::new();
    let ascii = ASCII.get_or_init(|| {
        let mut t = [0.0; 128];
        for (i, w) in t.iter_mut().enumerate() {
            *w = char::from_u32(i as u32).map_or(0.0, of);
        }
        t
    });
    let units: f32 = text
        .chars()
        .map(|c| ascii.get(c as usize).copied().unwrap_or_else(|| of(c)))
        .sum();
    units * size / upem
}
