//! Write-ups (and tour narrations) as a tree of blocks: headings, paragraphs, lists, code,
//! tables, quotes and figures, parsed once from CommonMark.
//!
//! The reader draws these blocks, and the static pages and `check` read them too. A fenced
//! block whose info string is `figure` holds a small diagram in the diagram format (title,
//! components, links; laid out automatically where `at`/`size` are left out); it is validated
//! like a diagram, with positions in the Markdown file.

use std::collections::BTreeSet;

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};

use super::diagnostic::{Diagnostic, Diagnostics, Position};
use super::diagram::{Diagram, parse_diagram};
use super::ids::WriteupSlug;

/// A run of text with one style.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Span {
    /// The text.
    pub text: String,
    /// **Bold**.
    pub strong: bool,
    /// *Italic*.
    pub emphasis: bool,
    /// `Code`.
    pub code: bool,
    /// The link it belongs to, as written.
    pub link: Option<String>,
}

/// A paragraph's (or heading's, or cell's) text: spans in order.
pub type Inlines = Vec<Span>;

/// A document's text without its markup, blocks separated by spaces (for a screen reader's
/// announcement).
pub fn plain_text(doc: &Document) -> String {
    fn walk(blocks: &[Block], out: &mut Vec<String>) {
        for b in blocks {
            match b {
                Block::Heading { text, .. } | Block::Paragraph(text) => out.push(plain(text)),
                Block::List { items, .. } => items.iter().for_each(|i| walk(i, out)),
                Block::Quote(inner) => walk(inner, out),
                Block::Code { text, .. } => out.push(text.clone()),
                Block::Figure(f) => out.push(f.diagram.title.clone()),
                Block::Table { head, rows } => {
                    for cell in head.iter().chain(rows.iter().flatten()) {
                        out.push(plain(cell));
                    }
                }
                Block::Rule => {}
            }
        }
    }
    let mut out = Vec::new();
    walk(&doc.blocks, &mut out);
    out.join(" ")
}

/// The plain text of some inlines.
pub fn plain(inlines: &[Span]) -> String {
    inlines.iter().map(|s| s.text.as_str()).collect()
}

/// A block of a document.
#[derive(Clone, Debug)]
pub enum Block {
    /// A heading, level 1 to 6.
    Heading {
        /// 1 for `#`, 2 for `##`, …
        level: u8,
        /// Its text.
        text: Inlines,
    },
    /// A paragraph.
    Paragraph(Inlines),
    /// A list; `start` is the first number of an ordered list.
    List {
        /// `Some(n)` for a numbered list starting at `n`.
        start: Option<u64>,
        /// Each item's blocks.
        items: Vec<Vec<Block>>,
    },
    /// A code block, never wrapped.
    Code {
        /// The info string's first word (`text`, `c`, `python`, …).
        lang: String,
        /// The code, without its final newline.
        text: String,
    },
    /// A figure: a small diagram drawn by the app.
    Figure(Box<Figure>),
    /// A table: a header row and body rows, each cell some inlines.
    Table {
        /// The header cells.
        head: Vec<Inlines>,
        /// The body rows.
        rows: Vec<Vec<Inlines>>,
    },
    /// A block quote.
    Quote(Vec<Block>),
    /// A thematic break.
    Rule,
}

/// A figure and where it came from, so warnings about it can point into the Markdown file.
#[derive(Clone, Debug)]
pub struct Figure {
    /// The validated diagram.
    pub diagram: Diagram,
    /// Its RON source.
    pub source: String,
    /// The line of the Markdown file its source starts on.
    pub line: usize,
}

/// A parsed document.
#[derive(Clone, Debug, Default)]
pub struct Document {
    /// Its blocks, in order.
    pub blocks: Vec<Block>,
}

impl Document {
    /// Every figure, in order (also inside lists and quotes).
    pub fn figures(&self) -> Vec<&Figure> {
        fn walk<'a>(blocks: &'a [Block], out: &mut Vec<&'a Figure>) {
            for b in blocks {
                match b {
                    Block::Figure(f) => out.push(f),
                    Block::List { items, .. } => items.iter().for_each(|i| walk(i, out)),
                    Block::Quote(inner) => walk(inner, out),
                    _ => {}
                }
            }
        }
        let mut out = Vec::new();
        walk(&self.blocks, &mut out);
        out
    }

    /// The `##` headings, in order: the write-up's sections.
    pub fn sections(&self) -> Vec<String> {
        self.blocks
            .iter()
            .filter_map(|b| match b {
                Block::Heading { level: 2, text } => Some(plain(text)),
                _ => None,
            })
            .collect()
    }

    /// Every link in the document, as written.
    pub fn links(&self) -> Vec<String> {
        let mut out = Vec::new();
        fn walk(blocks: &[Block], out: &mut Vec<String>) {
            let spans = |inl: &Inlines, out: &mut Vec<String>| {
                for s in inl {
                    if let Some(l) = &s.link
                        && out.last() != Some(l)
                    {
                        out.push(l.clone());
                    }
                }
            };
            for b in blocks {
                match b {
                    Block::Heading { text, .. } | Block::Paragraph(text) => spans(text, out),
                    Block::List { items, .. } => items.iter().for_each(|i| walk(i, out)),
                    Block::Quote(inner) => walk(inner, out),
                    Block::Table { head, rows } => head
                        .iter()
                        .chain(rows.iter().flatten())
                        .for_each(|c| spans(c, out)),
                    Block::Code { .. } | Block::Figure(_) | Block::Rule => {}
                }
            }
        }
        walk(&self.blocks, &mut out);
        out
    }
}

/// The info string that marks a figure.
pub const FIGURE: &str = "figure";

/// Parses a document. Figures are validated as diagrams (against `writeups`, the slugs their
/// parts may link to); their problems come back with positions in `file`, and a figure that
/// does not parse is kept as its source text so the reader still shows something.
pub fn parse_document(
    file: &str,
    text: &str,
    writeups: &BTreeSet<WriteupSlug>,
) -> (Document, Diagnostics) {
    let mut diags = Diagnostics::default();
    let mut stack: Vec<Frame> = vec![Frame::Blocks(Vec::new())];
    let mut style = Span::default();
    let events = Parser::new_ext(text, Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH)
        .into_offset_iter();
    for (event, range) in events {
        match event {
            Event::Start(tag) => match tag {
                Tag::Heading { level, .. } => {
                    stack.push(Frame::Heading(heading_level(level), Vec::new()))
                }
                Tag::Paragraph => stack.push(Frame::Inline(Vec::new())),
                Tag::List(start) => stack.push(Frame::List(start, Vec::new())),
                Tag::Item => stack.push(Frame::Blocks(Vec::new())),
                Tag::BlockQuote(_) => stack.push(Frame::Blocks(Vec::new())),
                Tag::CodeBlock(kind) => {
                    let lang = match kind {
                        CodeBlockKind::Fenced(info) => info
                            .split_whitespace()
                            .next()
                            .unwrap_or_default()
                            .to_owned(),
                        CodeBlockKind::Indented => String::new(),
                    };
                    // The code starts on the line after the fence.
                    let line = text
                        .get(..range.start)
                        .map_or(0, |t| t.matches('\n').count())
                        + 2;
                    stack.push(Frame::Code(lang, String::new(), line));
                }
                Tag::Table(_) => stack.push(Frame::Table(Vec::new(), Vec::new())),
                Tag::TableHead | Tag::TableRow => stack.push(Frame::Row(Vec::new())),
                Tag::TableCell => stack.push(Frame::Inline(Vec::new())),
                Tag::Emphasis => style.emphasis = true,
                Tag::Strong => style.strong = true,
                Tag::Link { dest_url, .. } => style.link = Some(dest_url.to_string()),
                _ => {}
            },
            Event::End(end) => match end {
                TagEnd::Emphasis => style.emphasis = false,
                TagEnd::Strong => style.strong = false,
                TagEnd::Link => style.link = None,
                TagEnd::Heading(_) => {
                    if let Some(Frame::Heading(level, text)) = stack.pop() {
                        push_block(&mut stack, Block::Heading { level, text });
                    }
                }
                TagEnd::Paragraph => {
                    if let Some(Frame::Inline(text)) = stack.pop() {
                        push_block(&mut stack, Block::Paragraph(text));
                    }
                }
                TagEnd::Item => {
                    if let Some(Frame::Blocks(blocks)) = stack.pop()
                        && let Some(Frame::List(_, items)) = stack.last_mut()
                    {
                        items.push(blocks);
                    }
                }
                TagEnd::List(_) => {
                    if let Some(Frame::List(start, items)) = stack.pop() {
                        push_block(&mut stack, Block::List { start, items });
                    }
                }
                TagEnd::BlockQuote(_) => {
                    if let Some(Frame::Blocks(blocks)) = stack.pop() {
                        push_block(&mut stack, Block::Quote(blocks));
                    }
                }
                TagEnd::CodeBlock => {
                    if let Some(Frame::Code(lang, code, line)) = stack.pop() {
                        let code = code.strip_suffix('\n').unwrap_or(&code).to_owned();
                        let block = if lang == FIGURE {
                            match figure(file, &code, line, writeups, &mut diags) {
                                Some(diagram) => Block::Figure(Box::new(Figure {
                                    diagram,
                                    source: code,
                                    line,
                                })),
                                None => Block::Code { lang, text: code },
                            }
                        } else {
                            Block::Code { lang, text: code }
                        };
                        push_block(&mut stack, block);
                    }
                }
                TagEnd::TableCell => {
                    if let Some(Frame::Inline(cell)) = stack.pop()
                        && let Some(Frame::Row(cells)) = stack.last_mut()
                    {
                        cells.push(cell);
                    }
                }
                TagEnd::TableHead => {
                    if let Some(Frame::Row(cells)) = stack.pop()
                        && let Some(Frame::Table(head, _)) = stack.last_mut()
                    {
                        *head = cells;
                    }
                }
                TagEnd::TableRow => {
                    if let Some(Frame::Row(cells)) = stack.pop()
                        && let Some(Frame::Table(_, rows)) = stack.last_mut()
                    {
                        rows.push(cells);
                    }
                }
                TagEnd::Table => {
                    if let Some(Frame::Table(head, rows)) = stack.pop() {
                        push_block(&mut stack, Block::Table { head, rows });
                    }
                }
                _ => {}
            },
            Event::Text(t) => match stack.last_mut() {
                Some(Frame::Code(_, code, _)) => code.push_str(&t),
                _ => push_span(&mut stack, &style, &t, false),
            },
            Event::Code(t) => push_span(&mut stack, &style, &t, true),
            // Raw HTML is not part of the format: shown as the text it is.
            Event::Html(t) | Event::InlineHtml(t) => push_span(&mut stack, &style, &t, false),
            Event::SoftBreak => push_span(&mut stack, &style, " ", false),
            Event::HardBreak => push_span(&mut stack, &style, "\n", false),
            Event::Rule => push_block(&mut stack, Block::Rule),
            _ => {}
        }
    }
    // Whatever was left open (a malformed document) is closed into the top.
    let mut blocks = Vec::new();
    while let Some(frame) = stack.pop() {
        if let Frame::Blocks(b) = frame {
            blocks = b;
        }
    }
    (Document { blocks }, diags)
}

/// A block under construction.
enum Frame {
    Blocks(Vec<Block>),
    Heading(u8, Inlines),
    Inline(Inlines),
    List(Option<u64>, Vec<Vec<Block>>),
    Code(String, String, usize),
    Table(Vec<Inlines>, Vec<Vec<Inlines>>),
    Row(Vec<Inlines>),
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn push_block(stack: &mut [Frame], block: Block) {
    if let Some(Frame::Blocks(blocks)) = stack.last_mut() {
        blocks.push(block);
    }
}

fn push_span(stack: &mut [Frame], style: &Span, text: &str, code: bool) {
    let span = Span {
        text: text.to_owned(),
        code,
        ..style.clone()
    };
    match stack.last_mut() {
        Some(Frame::Inline(spans) | Frame::Heading(_, spans)) => {
            // Adjacent text of one style is one span.
            match spans.last_mut() {
                Some(last)
                    if !code
                        && !last.code
                        && last.strong == span.strong
                        && last.emphasis == span.emphasis
                        && last.link == span.link =>
                {
                    last.text.push_str(text)
                }
                _ => spans.push(span),
            }
        }
        // Text directly in a tight list item: the item's paragraph.
        Some(Frame::Blocks(_)) => push_tight(stack, span),
        _ => {}
    }
}

/// Text of a tight list item joins the item's last paragraph, or starts one.
fn push_tight(stack: &mut [Frame], span: Span) {
    if let Some(Frame::Blocks(blocks)) = stack.last_mut() {
        match blocks.last_mut() {
            Some(Block::Paragraph(p)) => p.push(span),
            _ => blocks.push(Block::Paragraph(vec![span])),
        }
    }
}

/// Warnings for a figure's layout (labels too long for their boxes, overlapping siblings), at
/// their positions in the Markdown file. A figure's parts need no write-up.
pub fn lint_figure(file: &str, figure: &Figure) -> Diagnostics {
    let mut out = super::lint::lint_diagram(file, &figure.source, &figure.diagram);
    out.0.retain(|d| !d.message.ends_with("has no write-up"));
    for d in &mut out.0 {
        d.pos = Some(d.pos.map_or(Position::new(figure.line, 1), |p| {
            Position::new(p.line + figure.line - 1, p.col)
        }));
        d.message = format!("in a figure: {}", d.message);
    }
    out
}

/// A figure block as a diagram, with its problems placed in the Markdown file.
fn figure(
    file: &str,
    src: &str,
    first_line: usize,
    writeups: &BTreeSet<WriteupSlug>,
    diags: &mut Diagnostics,
) -> Option<Diagram> {
    match parse_diagram(file, src, writeups) {
        Ok(d) => Some(d),
        Err(errors) => {
            diags.0.extend(errors.0.into_iter().map(|d| Diagnostic {
                pos: Some(d.pos.map_or(Position::new(first_line, 1), |p| {
                    Position::new(p.line + first_line - 1, p.col)
                })),
                message: format!("in a figure: {}", d.message),
                ..d
            }));
            None
        }
    }
}
