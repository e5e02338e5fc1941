//! autochitect patch (patches/epaint/README.md): text set one glyph per character, in place of
//! harfrust's shaper. Each character's glyph comes from the font's character map and its
//! advance from the font's horizontal metrics, as egui set text before 0.35: no kerning pairs,
//! ligatures or mark positioning, which the bundled fonts' English technical text does not need.
//! The types mirror the parts of harfrust's that `text_layout` uses.

use skrifa::MetadataProvider as _;

/// Where a run sits in its paragraph (a shaper's context; unused here).
#[derive(Clone, Copy, Default)]
pub struct BufferFlags(u8);

impl BufferFlags {
    pub const BEGINNING_OF_TEXT: Self = Self(1);
    pub const END_OF_TEXT: Self = Self(2);

    pub fn empty() -> Self {
        Self(0)
    }
}

impl core::ops::BitOrAssign for BufferFlags {
    fn bitor_assign(&mut self, other: Self) {
        self.0 |= other.0;
    }
}

/// A reusable buffer for a run's glyphs.
#[derive(Default)]
pub struct UnicodeBuffer {
    infos: Vec<GlyphInfo>,
    positions: Vec<GlyphPosition>,
}

impl UnicodeBuffer {
    pub fn new() -> Self {
        Self::default()
    }
}

/// A glyph and the byte offset, in the run's text, of the character it draws.
#[derive(Clone, Copy)]
pub struct GlyphInfo {
    pub glyph_id: u32,
    pub cluster: u32,
}

/// A glyph's advance and offset, in font units.
#[derive(Clone, Copy)]
pub struct GlyphPosition {
    pub x_advance: i32,
    pub x_offset: i32,
    pub y_offset: i32,
}

/// A run's glyphs, in the order of its characters.
pub struct GlyphBuffer {
    infos: Vec<GlyphInfo>,
    positions: Vec<GlyphPosition>,
}

impl GlyphBuffer {
    pub fn glyph_infos(&self) -> &[GlyphInfo] {
        &self.infos
    }

    pub fn glyph_positions(&self) -> &[GlyphPosition] {
        &self.positions
    }

    /// The buffer back, empty, for the next run.
    pub fn clear(mut self) -> UnicodeBuffer {
        self.infos.clear();
        self.positions.clear();
        UnicodeBuffer {
            infos: self.infos,
            positions: self.positions,
        }
    }
}

/// Sets `text` in `font`: one glyph per character (`NOTDEF` where the font has none, which
/// the caller resolves through its fallback fonts), advanced by the glyph's advance width.
pub fn shape(font: &skrifa::FontRef<'_>, text: &str, buffer: UnicodeBuffer) -> GlyphBuffer {
    let UnicodeBuffer {
        mut infos,
        mut positions,
    } = buffer;
    let charmap = font.charmap();
    let metrics = font.glyph_metrics(
        skrifa::instance::Size::unscaled(),
        skrifa::instance::LocationRef::default(),
    );
    for (offset, c) in text.char_indices() {
        let glyph = charmap.map(c).unwrap_or(skrifa::GlyphId::NOTDEF);
        let advance = metrics.advance_width(glyph).unwrap_or_default();
        infos.push(GlyphInfo {
            glyph_id: glyph.to_u32(),
            cluster: offset as u32,
        });
        positions.push(GlyphPosition {
            x_advance: advance.round() as i32,
            x_offset: 0,
            y_offset: 0,
        });
    }
    GlyphBuffer { infos, positions }
}
