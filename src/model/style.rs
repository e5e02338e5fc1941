//! The figure's look as plain data, and the few decisions made from it: which colour each kind
//! of part has, how big a label is, how it wraps, and where a link's label sits. The panels'
//! colours ([`Panels`]) live beside the figure's in each theme's [`Palette`].
//!
//! The canvas, the SVG export, the layout and the lint all ask here, so a label checked by
//! `check` is the label the app draws. Colours are sRGB bytes; the app turns them into Bevy
//! colours in one place (`app::theme`).
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::diagram::{Component, ComponentKind, LinkKind};
use super::geometry::Point;

/// An sRGB colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rgb(pub u8, pub u8, pub u8);

impl Rgb {
    /// `#rrggbb`, for SVG and CSS.
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
}

/// Canvas background (the light theme's; the SVG export and the plain pages use it).
pub const BACKGROUND: Rgb = LIGHT.background;
/// Box text.
pub const TEXT: Rgb = LIGHT.text;
/// Border of the hovered box.
pub const HOVER: Rgb = LIGHT.hover;
/// Border and halo of the selected box or line.
pub const SELECTED: Rgb = LIGHT.selected;
/// Width of the selected box's ring, drawn outside its edge (diagram units), so the selection
/// never rests on its colour alone (the hover mark is a thin ring inside the box).
pub const SELECTED_RING: f32 = 4.0;
/// A presenter's blanked screen: black in every theme, as a projector's blank is.
pub const BLANK: Rgb = Rgb(0, 0, 0);

/// The colour of a frame's layer, by the name the lab's decoder gives it: the same on the
/// canvas (the frame's stripes) and in the lab's inspector (each layer's mark), in every
/// theme. Okabe and Ito's colour-blind-safe set, so neighbouring layers stay apart for most
/// kinds of colour blindness; never the only cue (the layers are named beside it).
pub fn layer_color(layer: &str) -> Rgb {
    match layer {
        "Ethernet II" => Rgb(0xE6, 0x9F, 0x00),
        "IPv4" => Rgb(0x56, 0xB4, 0xE9),
        "TCP" => Rgb(0x00, 0x9E, 0x73),
        "HTTP" | "Data" => Rgb(0xCC, 0x79, 0xA7),
        "ARP" => Rgb(0xD5, 0x5E, 0x00),
        "ICMP" => Rgb(0x00, 0x72, 0xB2),
        // The cluster lab's messages: votes, log entries, heartbeats.
        "PreVote" | "PreVote reply" | "RequestVote" | "Vote reply" => Rgb(0xE6, 0x9F, 0x00),
        "AppendEntries" | "Append reply" => Rgb(0x56, 0xB4, 0xE9),
        "Heartbeat" | "Heartbeat reply" => Rgb(0x00, 0x9E, 0x73),
        _ => Rgb(0x99, 0x99, 0x99),
    }
}

/// The colour of a Raft term in the cluster lab's logs: the colour-blind-safe palette the
/// layers use, in turn (term 1 blue, term 2 orange, …).
pub fn term_color(term: u64) -> Rgb {
    const TERMS: [Rgb; 7] = [
        Rgb(0x00, 0x72, 0xB2),
        Rgb(0xE6, 0x9F, 0x00),
        Rgb(0x00, 0x9E, 0x73),
        Rgb(0xCC, 0x79, 0xA7),
        Rgb(0xD5, 0x5E, 0x00),
        Rgb(0x56, 0xB4, 0xE9),
        Rgb(0xF0, 0xE4, 0x42),
    ];
    let i = usize::try_from(term.saturating_sub(1) % TERMS.len() as u64).unwrap_or(0);
    TERMS.get(i).copied().unwrap_or(Rgb(0x99, 0x99, 0x99))
}

/// Line colour (light theme) and width (diagram units) of a link.
pub fn link(kind: LinkKind) -> (Rgb, f32) {
    (LIGHT.link(kind), link_width(kind))
}

/// Line width of a link, in diagram units (the same in every theme).
pub fn link_width(kind: LinkKind) -> f32 {
    match kind {
        LinkKind::Cable => 7.0,
        LinkKind::Bus | LinkKind::Logical => 2.5,
        LinkKind::Call | LinkKind::Dataflow => 2.0,
    }
}

/// Every colour of the figure, and of the panels around it, in one theme.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Palette {
    /// Canvas background.
    pub background: Rgb,
    /// Box text.
    pub text: Rgb,
    /// Link label text.
    pub link_text: Rgb,
    /// Border of a box nobody points at.
    pub border: Rgb,
    /// Border width of boxes, in diagram units.
    pub border_width: f32,
    /// The hovered part.
    pub hover: Rgb,
    /// The selected part's halo.
    pub selected: Rgb,
    /// Box fills by kind: Computer, Hardware, Os, Runtime, Application, Distributed, Group.
    pub fills: [Rgb; 7],
    /// Line colours by kind: Cable, Bus, Call, Dataflow, Logical.
    pub links: [Rgb; 5],
    /// The panels around the figure (and the reader, whose figures use the colours above).
    pub panels: Panels,
}

/// A text colour and the colour it sits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Swatch {
    /// The text.
    pub text: Rgb,
    /// What it sits on.
    pub background: Rgb,
}

/// The panels' colours in one theme: what egui's widgets, the reader, the chips and the find's
/// marks draw with. The app turns them into egui's visuals in one place (`app::theme`); the
/// themes test holds every text here to WCAG AA (4.5:1) against what it sits on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Panels {
    /// The panels' and windows' (and tooltips') background; the reader's figures sit on it.
    pub background: Rgb,
    /// Running text.
    pub text: Rgb,
    /// Headings, strong text, and the text of a button being pressed.
    pub strong: Rgb,
    /// Secondary text: dates, captions, hints, the presenter's clock.
    pub muted: Rgb,
    /// A link.
    pub link: Rgb,
    /// A warning (the talk running over its time).
    pub warning: Rgb,
    /// An error (a diagram's problems).
    pub error: Rgb,
    /// The ground of a code block and of a text field.
    pub well: Rgb,
    /// The ground of code in running text.
    pub code: Rgb,
    /// Every other row of a table.
    pub stripe: Rgb,
    /// A button at rest.
    pub button: Swatch,
    /// A button under the pointer.
    pub hovered: Swatch,
    /// The ground of a button being pressed (its text is [`Panels::strong`]).
    pub pressed: Rgb,
    /// A menu's button while its menu is open.
    pub open: Swatch,
    /// A chosen toggle, and selected text.
    pub selected: Swatch,
    /// A tag chip.
    pub chip: Swatch,
    /// A find's matches in the reader (the current one is outlined in [`Palette::selected`]).
    pub mark: Swatch,
}

/// The find's mark: black on yellow in every theme, like a highlighter pen.
const MARK: Swatch = Swatch {
    text: Rgb(0, 0, 0),
    background: Rgb(255, 214, 10),
};

/// egui's grey `n`, for the panels' values taken over from egui's own light and dark visuals.
const fn grey(n: u8) -> Rgb {
    Rgb(n, n, n)
}

impl Palette {
    /// Fill colour of a component box.
    pub fn fill(&self, kind: ComponentKind) -> Rgb {
        let i = match kind {
            ComponentKind::Computer => 0,
            ComponentKind::Hardware => 1,
            ComponentKind::Os => 2,
            ComponentKind::Runtime => 3,
            ComponentKind::Application => 4,
            ComponentKind::Distributed => 5,
            ComponentKind::Group => 6,
        };
        self.fills.get(i).copied().unwrap_or(self.background)
    }

    /// Line colour of a link.
    pub fn link(&self, kind: LinkKind) -> Rgb {
        let i = match kind {
            LinkKind::Cable => 0,
            LinkKind::Bus => 1,
            LinkKind::Call => 2,
            LinkKind::Dataflow => 3,
            LinkKind::Logical => 4,
        };
        self.links.get(i).copied().unwrap_or(self.text)
    }
}

/// The light theme: the figure as the original site drew it.
pub const LIGHT: Palette = Palette {
    background: Rgb(246, 247, 249),
    text: Rgb(26, 31, 41),
    link_text: Rgb(71, 79, 92),
    border: Rgb(118, 128, 146),
    border_width: sizes::BORDER_WIDTH,
    hover: Rgb(64, 120, 217),
    selected: Rgb(214, 80, 10),
    fills: [
        Rgb(237, 240, 245),
        Rgb(222, 227, 235),
        Rgb(219, 237, 224),
        Rgb(242, 232, 209),
        Rgb(217, 232, 250),
        Rgb(235, 224, 247),
        Rgb(250, 250, 252),
    ],
    links: [
        Rgb(200, 105, 0),
        Rgb(97, 107, 122),
        Rgb(51, 107, 191),
        Rgb(77, 140, 102),
        Rgb(133, 84, 184),
    ],
    // egui's light visuals, with the muted text, links and warnings darkened to 4.5:1.
    panels: Panels {
        background: grey(248),
        text: grey(80),
        strong: grey(0),
        muted: grey(108),
        link: Rgb(0, 90, 190),
        warning: Rgb(166, 72, 0),
        error: Rgb(170, 30, 30),
        well: grey(255),
        code: grey(230),
        stripe: grey(253),
        button: Swatch {
            text: grey(60),
            background: grey(230),
        },
        hovered: Swatch {
            text: grey(0),
            background: grey(220),
        },
        pressed: grey(165),
        open: Swatch {
            text: grey(0),
            background: grey(220),
        },
        selected: Swatch {
            text: Rgb(0, 83, 125),
            background: Rgb(144, 209, 255),
        },
        chip: Swatch {
            text: grey(80),
            background: Rgb(232, 236, 244),
        },
        mark: MARK,
    },
};

/// The dark theme's panels sit on the colour of a computer's box.
const DARK_GROUND: Rgb = Rgb(36, 41, 50);

/// The dark theme.
pub const DARK: Palette = Palette {
    background: Rgb(22, 25, 31),
    text: Rgb(232, 235, 241),
    link_text: Rgb(186, 193, 205),
    border: Rgb(122, 132, 150),
    border_width: sizes::BORDER_WIDTH,
    hover: Rgb(110, 160, 255),
    selected: Rgb(255, 140, 60),
    fills: [
        DARK_GROUND,
        Rgb(48, 54, 64),
        Rgb(30, 56, 42),
        Rgb(62, 52, 30),
        Rgb(30, 48, 74),
        Rgb(52, 40, 70),
        Rgb(30, 34, 42),
    ],
    links: [
        Rgb(240, 150, 40),
        Rgb(150, 160, 175),
        Rgb(110, 160, 240),
        Rgb(100, 190, 135),
        Rgb(180, 135, 230),
    ],
    // egui's dark visuals on a bluer ground, with brighter running, muted and error text, a
    // darker ground for inline code and dark tag chips.
    panels: Panels {
        background: DARK_GROUND,
        text: Rgb(200, 204, 212),
        strong: grey(255),
        muted: Rgb(160, 166, 178),
        link: Rgb(90, 170, 255),
        warning: Rgb(255, 143, 0),
        error: Rgb(255, 130, 120),
        well: grey(10),
        code: Rgb(52, 58, 70),
        stripe: Rgb(41, 46, 55),
        button: Swatch {
            text: grey(180),
            background: grey(60),
        },
        hovered: Swatch {
            text: grey(240),
            background: grey(70),
        },
        pressed: grey(55),
        open: Swatch {
            text: grey(210),
            background: grey(45),
        },
        selected: Swatch {
            text: Rgb(192, 222, 255),
            background: Rgb(0, 92, 128),
        },
        chip: Swatch {
            text: Rgb(222, 227, 236),
            background: Rgb(56, 64, 80),
        },
        mark: MARK,
    },
};

/// The high-contrast theme: black text and borders on white and pale fills, dark lines, and a
/// thicker border, every text at least 7:1 and every border and line at least 4.5:1 against
/// what it sits on.
pub const HIGH_CONTRAST: Palette = Palette {
    background: Rgb(255, 255, 255),
    text: Rgb(0, 0, 0),
    link_text: Rgb(0, 0, 0),
    border: Rgb(0, 0, 0),
    border_width: 2.5,
    hover: Rgb(0, 60, 190),
    selected: Rgb(180, 50, 0),
    fills: [
        Rgb(255, 255, 255),
        Rgb(232, 232, 232),
        Rgb(225, 245, 230),
        Rgb(252, 240, 210),
        Rgb(220, 236, 255),
        Rgb(242, 230, 255),
        Rgb(255, 255, 255),
    ],
    links: [
        Rgb(150, 65, 0),
        Rgb(40, 40, 40),
        Rgb(0, 60, 170),
        Rgb(0, 100, 40),
        Rgb(90, 30, 140),
    ],
    // Black on white and pale greys; the selection is the find's yellow.
    panels: Panels {
        background: grey(255),
        text: grey(0),
        strong: grey(0),
        muted: grey(70),
        link: Rgb(0, 50, 170),
        warning: Rgb(150, 60, 0),
        error: Rgb(170, 0, 0),
        well: grey(245),
        code: grey(235),
        stripe: grey(255),
        button: Swatch {
            text: grey(0),
            background: grey(230),
        },
        hovered: Swatch {
            text: grey(0),
            background: grey(220),
        },
        pressed: grey(165),
        open: Swatch {
            text: grey(0),
            background: grey(220),
        },
        selected: MARK,
        chip: Swatch {
            text: grey(0),
            background: Rgb(232, 236, 244),
        },
        mark: MARK,
    },
};

/// A theme by name.
#[derive(
    Clone, Copy, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Theme {
    /// The light theme.
    #[default]
    Light,
    /// The dark theme.
    Dark,
    /// The high-contrast theme.
    HighContrast,
}

impl Theme {
    /// Every theme, in menu order.
    pub const ALL: [Theme; 3] = [Theme::Light, Theme::Dark, Theme::HighContrast];

    /// Its colours.
    pub fn palette(self) -> &'static Palette {
        match self {
            Theme::Light => &LIGHT,
            Theme::Dark => &DARK,
            Theme::HighContrast => &HIGH_CONTRAST,
        }
    }

    /// Its name, as a menu shows it.
    pub fn name(self) -> &'static str {
        match self {
            Theme::Light => "Light",
            Theme::Dark => "Dark",
            Theme::HighContrast => "High contrast",
        }
    }
}

/// The contrast ratio of two colours, as WCAG 2 defines it (1 to 21).
pub fn contrast(a: Rgb, b: Rgb) -> f32 {
    fn channel(c: u8) -> f32 {
        let c = f32::from(c) / 255.0;
        if c <= 0.040_45 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    }
    fn luminance(c: Rgb) -> f32 {
        0.2126 * channel(c.0) + 0.7152 * channel(c.1) + 0.0722 * channel(c.2)
    }
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

/// Screens narrower than this (logical pixels) get the phone layout: a menu for the top bar,
/// the summary as a sheet at the bottom, the reader full screen, and the first computer framed
/// first (see [`super::narrow_frame`]).
pub const NARROW_SCREEN_PX: f32 = 600.0;

/// Width of the summary panel beside the diagram, in logical pixels: the app's panel and the
/// web page's first answer (`autochitect site`) alike.
pub const SUMMARY_WIDTH_PX: f32 = 360.0;
/// How much of a phone's height the summary sheet takes at first (the app and the page alike).
pub const SHEET_SHARE: f32 = 0.45;

/// Empty space kept around the diagram when it is fitted to the screen, in logical pixels.
pub const FIT_MARGIN_PX: f32 = 32.0;
/// The smallest a box's label may be on a phone's first view, in logical pixels.
pub const MIN_READABLE_PX: f32 = 11.0;

/// Font sizes (diagram units at zoom 1) and box geometry.
pub mod sizes {
    /// Leaf label size.
    pub const LEAF_FONT: f32 = 15.0;
    /// Container title size.
    pub const CONTAINER_FONT: f32 = 16.0;
    /// Computer title size.
    pub const COMPUTER_FONT: f32 = 20.0;
    /// Link label size.
    pub const LINK_FONT: f32 = 12.0;
    /// Corner radius of boxes.
    pub const CORNER_RADIUS: f32 = 8.0;
    /// Border width of boxes.
    pub const BORDER_WIDTH: f32 = 1.5;
    /// Space between a container's edge and its title (x, y).
    pub const TITLE_INSET: (f32, f32) = (12.0, 10.0);
    /// Horizontal padding inside a leaf box around its label.
    pub const LABEL_PADDING: f32 = 8.0;
    /// Line height as a multiple of the font size.
    pub const LINE_HEIGHT: f32 = 1.2;
}

/// How a component's label is set: centred and wrapped inside a leaf, or a title at a
/// container's top-left corner.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LabelRole {
    /// A box with no children: the label is centred and wraps to the box's width.
    Leaf,
    /// A box holding others: the label is a title in its top band.
    Container,
    /// A top-level computer: a larger title.
    Computer,
}

impl LabelRole {
    /// The role of a component's label, given whether it has children.
    pub fn of(kind: ComponentKind, leaf: bool) -> LabelRole {
        match (leaf, kind) {
            (true, _) => LabelRole::Leaf,
            (false, ComponentKind::Computer) => LabelRole::Computer,
            (false, _) => LabelRole::Container,
        }
    }

    /// The role of a laid-out component's label.
    pub fn of_component(c: &Component) -> LabelRole {
        LabelRole::of(c.kind, c.children.is_empty())
    }

    /// Font size, in diagram units.
    pub fn font(self) -> f32 {
        match self {
            LabelRole::Leaf => sizes::LEAF_FONT,
            LabelRole::Container => sizes::CONTAINER_FONT,
            LabelRole::Computer => sizes::COMPUTER_FONT,
        }
    }
}

/// How wide a line of text is at `font` size: the bundled font's own advances, as the canvas
/// sets it.
pub fn text_width(text: &str, font: f32) -> f32 {
    super::glyphs::advance(&super::glyphs::visible(text), font)
}

/// Breaks `text` at spaces into lines no wider than `width`, measured in the bundled font: the
/// lines every view sets a leaf's label in (canvas, SVG, page, `check`). A word wider than
/// `width` gets a line of its own.
pub fn wrap(text: &str, font: f32, width: f32) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}"), font) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_owned()),
        }
    }
    lines
}

/// Whether a component's label fits its box as the canvas sets it: a leaf's wrapped lines fit
/// its height and no word is wider than the box; a title fits on one line.
pub fn label_fits(c: &Component) -> bool {
    let role = LabelRole::of_component(c);
    let font = role.font();
    match role {
        LabelRole::Leaf => {
            let width = c.rect.w - 2.0 * sizes::LABEL_PADDING;
            let lines = wrap(&c.label, font, width);
            lines.iter().all(|l| text_width(l, font) <= width)
                && lines.len() as f32 * font * sizes::LINE_HEIGHT <= c.rect.h - sizes::LABEL_PADDING
        }
        LabelRole::Container | LabelRole::Computer => {
            text_width(&c.label, font) <= c.rect.w - 2.0 * sizes::TITLE_INSET.0
        }
    }
}

/// The smallest size an automatically sized leaf gets.
pub const LEAF_MIN: (f32, f32) = (120.0, 50.0);

/// The size a leaf without an explicit size gets from its label: wide enough for the text up to
/// a maximum width, then taller by one line per wrap.
pub fn leaf_size_for(label: &str) -> (f32, f32) {
    const MIN: (f32, f32) = LEAF_MIN;
    const MAX_WIDTH: f32 = 240.0;
    let font = LabelRole::Leaf.font();
    let text = text_width(label, font) + 2.0 * (sizes::LABEL_PADDING + 8.0);
    let w = text.clamp(MIN.0, MAX_WIDTH);
    let lines = (text / MAX_WIDTH).ceil().max(1.0);
    let h = (lines * font * sizes::LINE_HEIGHT + 2.0 * 14.0).max(MIN.1);
    (w.round(), h.round())
}

/// The arrow head at the end of a directed path drawn `width` units wide: tip and the two base
/// corners. `None` when the path has fewer than two points.
pub fn arrow_head(path: &[Point], width: f32) -> Option<[Point; 3]> {
    let [.., a, tip] = path else { return None };
    let (dx, dy) = (tip.x - a.x, tip.y - a.y);
    let len = (dx * dx + dy * dy).sqrt().max(f32::EPSILON);
    let (ux, uy) = (dx / len, dy / len);
    let size = 6.0 + width * 1.5;
    let (bx, by) = (tip.x - ux * size * 1.6, tip.y - uy * size * 1.6);
    let (px, py) = (-uy * size * 0.8, ux * size * 0.8);
    Some([
        *tip,
        Point::new(bx + px, by + py),
        Point::new(bx - px, by - py),
    ])
}
