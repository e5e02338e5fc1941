//! The figure as a display list: every box, line, arrow head and label of a diagram, in the
//! order they are drawn, with their colours from a palette and each label already broken into
//! lines and placed, all in diagram units (y down).
//!
//! It is built in one place ([`Figure::build`]) and every view draws it as it is: the canvas
//! (meshes and egui text), the SVG export and the web page's first paint, the reader's
//! figures, the accessibility tree's rectangles and the state probe. So a label breaks at the
//! same words everywhere, by construction, and a theme reaches every view at once. Emphasis (a
//! tour step, the search's matches) fades what it does not name, in place, without laying the
//! figure out again ([`Figure::emphasise`]).
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::collections::HashMap;

use super::diagram::{Diagram, Target};
use super::geometry::{Point, Rect};
use super::ids::ComponentId;
use super::style::{self, LabelRole, Palette, Rgb, sizes};

/// How far a faded part goes towards the background (0: not at all, 1: gone).
pub const FADE: f32 = 0.7;

/// One component's box.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureBox {
    /// The component.
    pub id: ComponentId,
    /// Where it is.
    pub rect: Rect,
    /// How deep it sits (0: top level); deeper boxes are drawn over their parents.
    pub depth: usize,
    /// Index (in [`Figure::boxes`]) of its top-level ancestor's box (its own for a top-level
    /// box): the canvas draws each top-level box and everything in it as one tile.
    pub top: usize,
    /// Fill colour.
    pub fill: Rgb,
    /// Border colour.
    pub border: Rgb,
    /// Faded by the emphasis.
    pub faded: bool,
}

/// One link's line, with its arrow head when it is directed.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureLine {
    /// The link.
    pub target: Target,
    /// The routed polyline.
    pub points: Vec<Point>,
    /// The arrow head at the end: tip and base corners.
    pub head: Option<[Point; 3]>,
    /// Line width.
    pub width: f32,
    /// Colour of the line and its head.
    pub color: Rgb,
    /// Faded by the emphasis.
    pub faded: bool,
}

/// How a label's lines line up inside its block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Align {
    /// Each line centred (a leaf's label, a link's label).
    Center,
    /// Each line from the block's left edge (a container's title).
    Left,
}

/// One label: its lines, set at `font`, inside `block`.
#[derive(Clone, Debug, PartialEq)]
pub struct FigureLabel {
    /// The part it names.
    pub target: Target,
    /// The lines, as shown (characters the bundled font lacks are already U+FFFD).
    pub lines: Vec<String>,
    /// Font size.
    pub font: f32,
    /// Where the lines go: `lines.len()` rows of `font × LINE_HEIGHT`, as wide as the widest
    /// line, measured in the bundled font.
    pub block: Rect,
    /// How the lines line up in the block.
    pub align: Align,
    /// The box the label belongs to (a leaf's or a container's); `None` for a link's label.
    pub within: Option<Rect>,
    /// Text colour.
    pub color: Rgb,
    /// A backdrop of the background colour behind the text (link labels, so no line
    /// crosses them).
    pub backdrop: bool,
    /// Faded by the emphasis.
    pub faded: bool,
}

impl FigureLabel {
    /// The text with its line breaks.
    pub fn text(&self) -> String {
        self.lines.join("\n")
    }

    /// The height of one line.
    pub fn line_height(&self) -> f32 {
        self.font * sizes::LINE_HEIGHT
    }

    /// The centre of line `i`.
    pub fn line_center(&self, i: usize) -> Point {
        let b = self.block;
        let y = b.y + self.line_height() * (i as f32 + 0.5);
        let x = match self.align {
            Align::Center => b.x + b.w / 2.0,
            Align::Left => b.x,
        };
        Point::new(x, y)
    }
}

/// The whole figure, in drawing order: boxes (parents first), then lines, then labels.
#[derive(Clone, Debug, PartialEq)]
pub struct Figure {
    /// Everything drawn, boxes, lines and labels.
    pub bounds: Rect,
    /// The ground the figure sits on.
    pub background: Rgb,
    /// The palette it was built with.
    pub palette: Palette,
    /// The text size it was built for (1: as authored).
    pub text_scale: f32,
    /// The boxes, parents before children.
    pub boxes: Vec<FigureBox>,
    /// The links' lines, drawn over every box.
    pub lines: Vec<FigureLine>,
    /// The labels: each box's, then each link's, drawn over every line.
    pub labels: Vec<FigureLabel>,
    /// Where each component's box is in `boxes`.
    index: HashMap<ComponentId, usize>,
}

impl Figure {
    /// The figure of `diagram` in `palette`, its labels set at `text_scale` times their size
    /// (as far as each box allows: a label that no longer fits is set smaller again, never
    /// smaller than authored). Nothing is faded.
    pub fn build(diagram: &Diagram, palette: &Palette, text_scale: f32) -> Figure {
        let scale = if text_scale.is_finite() {
            text_scale.max(1.0)
        } else {
            1.0
        };
        let mut order: Vec<&super::Component> = diagram.components().iter().collect();
        order.sort_by_key(|c| c.depth);
        let mut index: HashMap<ComponentId, usize> = HashMap::with_capacity(order.len());
        let mut boxes = Vec::with_capacity(order.len());
        for (i, c) in order.iter().enumerate() {
            let top = c
                .parent
                .as_ref()
                .and_then(|p| index.get(p))
                .and_then(|&pi| boxes.get(pi).map(|b: &FigureBox| b.top))
                .unwrap_or(i);
            index.insert(c.id.clone(), i);
            boxes.push(FigureBox {
                id: c.id.clone(),
                rect: c.rect,
                depth: c.depth,
                top,
                fill: palette.fill(c.kind),
                border: palette.border,
                faded: false,
            });
        }
        let lines = diagram
            .links()
            .iter()
            .map(|l| {
                let width = style::link_width(l.kind);
                FigureLine {
                    target: Target::Link(l.id.clone()),
                    points: l.path.clone(),
                    head: if l.directed {
                        style::arrow_head(&l.path, width)
                    } else {
                        None
                    },
                    width,
                    color: palette.link(l.kind),
                    faded: false,
                }
            })
            .collect();
        let mut labels = Vec::with_capacity(order.len() + diagram.links().len());
        for c in &order {
            if let Some(label) = component_label(c, palette, scale) {
                labels.push(label);
            }
        }
        for l in diagram.links() {
            if l.label.trim().is_empty() {
                continue;
            }
            let font = sizes::LINK_FONT * scale;
            let text = super::glyphs::visible(&l.label).into_owned();
            let (w, h) = (style::text_width(&text, font), font * sizes::LINE_HEIGHT);
            let at = l.label_rect.center();
            labels.push(FigureLabel {
                target: Target::Link(l.id.clone()),
                lines: vec![text],
                font,
                block: Rect::new(at.x - w / 2.0, at.y - h / 2.0, w, h),
                align: Align::Center,
                within: None,
                color: palette.link_text,
                backdrop: true,
                faded: false,
            });
        }
        let mut bounds = diagram.bounds();
        for label in &labels {
            bounds = bounds.union(&label.block);
        }
        Figure {
            bounds,
            background: palette.background,
            palette: *palette,
            text_scale: scale,
            boxes,
            lines,
            labels,
            index,
        }
    }

    /// Fades every part `emphasis` does not keep bright (a part stays bright when it is named,
    /// or contains or sits inside a named component); with `None`, nothing is faded. Colours
    /// are kept: a view fades with [`Figure::shown`].
    pub fn emphasise(&mut self, diagram: &Diagram, emphasis: Option<&[Target]>) {
        let faded = |t: &Target| emphasis.is_some_and(|e| !bright(t, e, diagram));
        for b in &mut self.boxes {
            b.faded = faded(&Target::Component(b.id.clone()));
        }
        for l in &mut self.lines {
            l.faded = faded(&l.target);
        }
        for l in &mut self.labels {
            l.faded = faded(&l.target);
        }
    }

    /// A colour as shown: faded towards the background when `faded`.
    pub fn shown(&self, color: Rgb, faded: bool) -> Rgb {
        if faded {
            mix(color, self.background, FADE)
        } else {
            color
        }
    }

    /// The box of a component, if it has one.
    pub fn box_of(&self, id: &ComponentId) -> Option<&FigureBox> {
        self.index.get(id).and_then(|&i| self.boxes.get(i))
    }
}

/// A component's label: a leaf's centred in its box and broken to its width, a container's
/// title at its top-left corner. `None` for an empty label.
fn component_label(c: &super::Component, palette: &Palette, scale: f32) -> Option<FigureLabel> {
    if c.label.trim().is_empty() {
        return None;
    }
    let text = super::glyphs::visible(&c.label).into_owned();
    let role = LabelRole::of_component(c);
    let base = role.font();
    let r = c.rect;
    let (pad, room) = match role {
        LabelRole::Leaf => (sizes::LABEL_PADDING, r.h - sizes::LABEL_PADDING),
        LabelRole::Container | LabelRole::Computer => (sizes::TITLE_INSET.0, r.h * 0.5),
    };
    let width = r.w - 2.0 * pad;
    let set = |font: f32| {
        let lines = style::wrap(&text, font, width);
        let lines = if lines.is_empty() {
            vec![text.clone()]
        } else {
            lines
        };
        let h = lines.len() as f32 * font * sizes::LINE_HEIGHT;
        let w = lines
            .iter()
            .map(|l| style::text_width(l, font))
            .fold(0.0, f32::max);
        // How far past the box the block reaches (1: it just fits).
        let over = (h / room.max(f32::EPSILON)).max(w / width.max(f32::EPSILON));
        (lines, w, h, over)
    };
    // Larger text grows as far as the box allows, then is set smaller again, a few steps at
    // most, never smaller than authored.
    let mut font = base * scale;
    let (mut lines, mut w, mut h, mut over) = set(font);
    for _ in 0..4 {
        if font <= base || over <= 1.0 {
            break;
        }
        font = (font / over).max(base);
        (lines, w, h, over) = set(font);
    }
    if font > base && over > 1.0 {
        font = base;
        (lines, w, h, _) = set(font);
    }
    let (block, align) = match role {
        LabelRole::Leaf => {
            let c = r.center();
            (Rect::new(c.x - w / 2.0, c.y - h / 2.0, w, h), Align::Center)
        }
        LabelRole::Container | LabelRole::Computer => (
            Rect::new(r.x + sizes::TITLE_INSET.0, r.y + sizes::TITLE_INSET.1, w, h),
            Align::Left,
        ),
    };
    Some(FigureLabel {
        target: Target::Component(c.id.clone()),
        lines,
        font,
        block,
        align,
        within: Some(r),
        color: palette.text,
        backdrop: false,
        faded: false,
    })
}

/// `a` moved `t` of the way towards `b`, in sRGB.
pub fn mix(a: Rgb, b: Rgb, t: f32) -> Rgb {
    let m = |x: u8, y: u8| {
        let v = f32::from(x) + (f32::from(y) - f32::from(x)) * t;
        v.round().clamp(0.0, 255.0) as u8
    };
    Rgb(m(a.0, b.0), m(a.1, b.1), m(a.2, b.2))
}

/// Whether `target` stays bright under `emphasis`: it is named, or it contains or sits inside
/// a named component (so containers and their contents stay readable).
pub fn bright(target: &Target, emphasis: &[Target], diagram: &Diagram) -> bool {
    if emphasis.contains(target) {
        return true;
    }
    let Target::Component(id) = target else {
        return false;
    };
    emphasis.iter().any(|e| match e {
        Target::Component(other) => {
            is_ancestor(diagram, id, other) || is_ancestor(diagram, other, id)
        }
        Target::Link(_) => false,
    })
}

/// Whether `ancestor` holds `of`, at any depth.
fn is_ancestor(diagram: &Diagram, ancestor: &ComponentId, of: &ComponentId) -> bool {
    let mut cur = diagram
        .component(of.as_str())
        .and_then(|c| c.parent.clone());
    for _ in 0..=diagram.components().len() {
        match cur {
            Some(p) if &p == ancestor => return true,
            Some(p) => cur = diagram.component(p.as_str()).and_then(|c| c.parent.clone()),
            None => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mixing_goes_the_whole_way_and_none_of_it() {
        let (a, b) = (Rgb(0, 100, 255), Rgb(255, 0, 255));
        assert_eq!(mix(a, b, 0.0), a);
        assert_eq!(mix(a, b, 1.0), b);
        assert_eq!(mix(a, b, 0.5), Rgb(128, 50, 255));
    }
}
