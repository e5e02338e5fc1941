//! A small, forgiving scan of RON text that records where values and struct fields start.
//!
//! `ron` + `serde` give us typed values but no positions for them, and stop at the first unknown
//! field. This outline walks the same text once and keeps, for every struct, the position of each
//! field name and value. Validation uses it to point at the exact spot of a semantic error and to
//! report *every* unknown field. It never fails: on text it does not understand it stops
//! descending, and the syntax error itself comes from `ron`.
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use super::diagnostic::Position;

/// Deeper nesting than this is not walked (a guard against hostile input).
const MAX_DEPTH: usize = 64;

/// One value in the outline.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    /// `Name( field: value, … )` or `( field: value, … )`.
    Struct { pos: Position, fields: Vec<Field> },
    /// `[ value, … ]`, or a tuple `( value, … )`.
    List { pos: Position, items: Vec<Node> },
    /// Anything else: strings, numbers, identifiers, maps.
    Scalar { pos: Position },
}

/// A `name: value` pair inside a struct.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Field {
    pub name: String,
    pub name_pos: Position,
    pub value: Node,
}

impl Node {
    /// Where this value starts.
    pub fn pos(&self) -> Position {
        match self {
            Node::Struct { pos, .. } | Node::List { pos, .. } | Node::Scalar { pos } => *pos,
        }
    }

    /// The field named `name`, when this is a struct that has it.
    pub fn field(&self, name: &str) -> Option<&Field> {
        match self {
            Node::Struct { fields, .. } => fields.iter().find(|f| f.name == name),
            _ => None,
        }
    }

    /// The position of the value of field `name`, falling back to this node's start.
    pub fn value_pos(&self, name: &str) -> Position {
        self.field(name).map_or(self.pos(), |f| f.value.pos())
    }

    /// The items of a list (empty for anything else).
    pub fn items(&self) -> &[Node] {
        match self {
            Node::List { items, .. } => items,
            _ => &[],
        }
    }

    /// The fields of a struct (empty for anything else).
    pub fn fields(&self) -> &[Field] {
        match self {
            Node::Struct { fields, .. } => fields,
            _ => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    Open(char),
    Close(char),
    Colon,
    Comma,
    Other,
}

fn tokenize(src: &str) -> Vec<(Tok, Position)> {
    let mut out = Vec::new();
    let chars: Vec<char> = src.chars().collect();
    let (mut i, mut line, mut col) = (0usize, 1usize, 1usize);
    // Advances over one char, keeping line and column.
    let step = |i: &mut usize, line: &mut usize, col: &mut usize| {
        if chars.get(*i) == Some(&'\n') {
            *line += 1;
            *col = 1;
        } else {
            *col += 1;
        }
        *i += 1;
    };
    while let Some(&c) = chars.get(i) {
        let pos = Position::new(line, col);
        match c {
            '\u{feff}' => step(&mut i, &mut line, &mut col),
            c if c.is_whitespace() => step(&mut i, &mut line, &mut col),
            '/' if chars.get(i + 1) == Some(&'/') => {
                while chars.get(i).is_some_and(|&c| c != '\n') {
                    step(&mut i, &mut line, &mut col);
                }
            }
            '/' if chars.get(i + 1) == Some(&'*') => {
                step(&mut i, &mut line, &mut col);
                step(&mut i, &mut line, &mut col);
                while i < chars.len()
                    && !(chars.get(i) == Some(&'*') && chars.get(i + 1) == Some(&'/'))
                {
                    step(&mut i, &mut line, &mut col);
                }
                step(&mut i, &mut line, &mut col);
                step(&mut i, &mut line, &mut col);
            }
            '"' | '\'' => {
                step(&mut i, &mut line, &mut col);
                while let Some(&d) = chars.get(i) {
                    step(&mut i, &mut line, &mut col);
                    if d == '\\' {
                        step(&mut i, &mut line, &mut col);
                    } else if d == c {
                        break;
                    }
                }
                out.push((Tok::Other, pos));
            }
            'r' if matches!(chars.get(i + 1), Some('"' | '#')) => {
                // Raw string r#"…"#: count the hashes, then find the matching close.
                step(&mut i, &mut line, &mut col);
                let mut hashes = 0;
                while chars.get(i) == Some(&'#') {
                    hashes += 1;
                    step(&mut i, &mut line, &mut col);
                }
                step(&mut i, &mut line, &mut col);
                while i < chars.len() {
                    let closes = chars.get(i) == Some(&'"')
                        && (1..=hashes).all(|k| chars.get(i + k) == Some(&'#'));
                    step(&mut i, &mut line, &mut col);
                    if closes {
                        for _ in 0..hashes {
                            step(&mut i, &mut line, &mut col);
                        }
                        break;
                    }
                }
                out.push((Tok::Other, pos));
            }
            '(' | '[' | '{' => {
                out.push((Tok::Open(c), pos));
                step(&mut i, &mut line, &mut col);
            }
            ')' | ']' | '}' => {
                out.push((Tok::Close(c), pos));
                step(&mut i, &mut line, &mut col);
            }
            ':' => {
                out.push((Tok::Colon, pos));
                step(&mut i, &mut line, &mut col);
            }
            ',' => {
                out.push((Tok::Comma, pos));
                step(&mut i, &mut line, &mut col);
            }
            c if c.is_alphabetic() || c == '_' => {
                let mut s = String::new();
                while let Some(&d) = chars.get(i) {
                    if !(d.is_alphanumeric() || d == '_') {
                        break;
                    }
                    s.push(d);
                    step(&mut i, &mut line, &mut col);
                }
                out.push((Tok::Ident(s), pos));
            }
            _ => {
                // Numbers and anything else: one token per run of such chars.
                while let Some(&d) = chars.get(i) {
                    if d.is_whitespace() || "()[]{}:,\"'".contains(d) {
                        break;
                    }
                    step(&mut i, &mut line, &mut col);
                }
                out.push((Tok::Other, pos));
            }
        }
    }
    out
}

struct Walker {
    toks: Vec<(Tok, Position)>,
    at: usize,
}

impl Walker {
    fn peek(&self, k: usize) -> Option<&Tok> {
        self.toks.get(self.at + k).map(|(t, _)| t)
    }

    fn pos(&self) -> Position {
        self.toks
            .get(self.at)
            .map_or(Position::new(1, 1), |(_, p)| *p)
    }

    fn value(&mut self, depth: usize) -> Node {
        let pos = self.pos();
        // A struct or enum name may stand before its parentheses: `Name(…)`, `Some(…)`.
        if matches!(self.peek(0), Some(Tok::Ident(_))) && self.peek(1) == Some(&Tok::Open('(')) {
            self.at += 1;
        }
        match self.peek(0) {
            Some(Tok::Open(open)) if depth < MAX_DEPTH => {
                let open = *open;
                self.at += 1;
                let is_struct = open == '('
                    && matches!(self.peek(0), Some(Tok::Ident(_)))
                    && self.peek(1) == Some(&Tok::Colon);
                if is_struct {
                    Node::Struct {
                        pos,
                        fields: self.fields(depth),
                    }
                } else {
                    let close = match open {
                        '(' => ')',
                        '[' => ']',
                        _ => '}',
                    };
                    let mut items = Vec::new();
                    loop {
                        match self.peek(0) {
                            None => break,
                            Some(Tok::Close(c)) if *c == close => {
                                self.at += 1;
                                break;
                            }
                            Some(Tok::Close(_)) => break,
                            Some(Tok::Comma | Tok::Colon) => self.at += 1,
                            Some(_) => items.push(self.value(depth + 1)),
                        }
                    }
                    if open == '{' {
                        Node::Scalar { pos }
                    } else {
                        Node::List { pos, items }
                    }
                }
            }
            Some(Tok::Open(_)) => {
                self.skip_group();
                Node::Scalar { pos }
            }
            Some(_) => {
                self.at += 1;
                Node::Scalar { pos }
            }
            None => Node::Scalar { pos },
        }
    }

    fn fields(&mut self, depth: usize) -> Vec<Field> {
        let mut fields = Vec::new();
        loop {
            match (self.peek(0).cloned(), self.peek(1)) {
                (Some(Tok::Ident(name)), Some(Tok::Colon)) => {
                    let name_pos = self.pos();
                    self.at += 2;
                    let value = self.value(depth + 1);
                    fields.push(Field {
                        name,
                        name_pos,
                        value,
                    });
                }
                (Some(Tok::Comma), _) => self.at += 1,
                (Some(Tok::Close(_)), _) => {
                    self.at += 1;
                    break;
                }
                (None, _) => break,
                // Not a field: give up on this struct.
                _ => {
                    self.at += 1;
                }
            }
        }
        fields
    }

    fn skip_group(&mut self) {
        let mut level = 0usize;
        while let Some(t) = self.peek(0) {
            match t {
                Tok::Open(_) => level += 1,
                Tok::Close(_) => {
                    level = level.saturating_sub(1);
                    if level == 0 {
                        self.at += 1;
                        return;
                    }
                }
                _ => {}
            }
            self.at += 1;
        }
    }
}

/// Scans `src` into an outline of its top-level value.
pub(crate) fn outline(src: &str) -> Node {
    let mut walker = Walker {
        toks: tokenize(src),
        at: 0,
    };
    walker.value(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_field_positions_in_nested_lists() {
        let src = "(\n  title: \"x\",\n  components: [\n    (id: \"a\", label: \"A\"),\n  ],\n)";
        let top = outline(src);
        let comps = &top.field("components").expect("components").value;
        let first = &comps.items()[0];
        assert_eq!(first.pos(), Position::new(4, 5));
        assert_eq!(
            first.field("label").map(|f| f.name_pos),
            Some(Position::new(4, 15))
        );
        assert_eq!(first.value_pos("label"), Position::new(4, 22));
    }

    #[test]
    fn strings_with_brackets_and_comments_do_not_confuse_it() {
        let src = "( // a ( comment\n a: \"(]\", /* [ */ b: r#\"\"x\"\"#, c: 1 )";
        let top = outline(src);
        let names: Vec<_> = top.fields().iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["a", "b", "c"]);
    }
}
