//! Diagrams: the RON file format, its validation, and the typed graph built from it.
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::collections::BTreeSet;

// A fast hasher: ids are hashed hundreds of thousands of times when a big diagram loads.
use foldhash::{HashMap, HashMapExt};

use petgraph::graph::{NodeIndex, UnGraph};
use serde::{Deserialize, Serialize};

use super::diagnostic::{Diagnostics, Position};
use super::geometry::{Point, Rect};
use super::ids::{ComponentId, LinkId, WriteupSlug, is_valid_id};
use super::limits;
use super::outline::{Node, outline};

/// What a component is; decides its colour and how a learner should read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum ComponentKind {
    /// A whole machine.
    Computer,
    /// A physical part: disk, memory, network card.
    Hardware,
    /// A part of the operating system kernel.
    Os,
    /// A part of a language runtime: GC, JIT, allocator.
    Runtime,
    /// Application code and processes.
    Application,
    /// A role in a distributed system: consensus, replication, membership.
    Distributed,
    /// A plain grouping box.
    Group,
}

impl ComponentKind {
    /// A short human name for the side panel.
    pub fn label(self) -> &'static str {
        match self {
            Self::Computer => "Computer",
            Self::Hardware => "Hardware",
            Self::Os => "Operating system",
            Self::Runtime => "Language runtime",
            Self::Application => "Application",
            Self::Distributed => "Distributed systems",
            Self::Group => "Group",
        }
    }
}

/// What a link stands for; decides how it is drawn.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LinkKind {
    /// A physical cable between machines.
    Cable,
    /// A hardware bus or driver path inside a machine.
    Bus,
    /// A call across an interface, e.g. a system call.
    Call,
    /// Data flowing from one part to another.
    Dataflow,
    /// A protocol-level relation, e.g. "replicates to".
    Logical,
}

impl LinkKind {
    /// A short human name for the side panel.
    pub fn label(self) -> &'static str {
        match self {
            Self::Cable => "Cable",
            Self::Bus => "Bus",
            Self::Call => "Call",
            Self::Dataflow => "Data flow",
            Self::Logical => "Logical connection",
        }
    }
}

fn yes() -> bool {
    true
}

/// A diagram file as written (before validation).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DiagramFile {
    /// Shown in the title bar.
    pub title: String,
    /// One or two sentences shown under the title.
    #[serde(default)]
    pub description: String,
    /// Boxes, parents before or after children — order does not matter.
    #[serde(default)]
    pub components: Vec<ComponentDef>,
    /// Lines between boxes.
    #[serde(default)]
    pub links: Vec<LinkDef>,
}

/// A component as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentDef {
    /// Stable id, used by links, tours and deep links.
    pub id: String,
    /// Text in the box.
    pub label: String,
    /// What it is.
    pub kind: ComponentKind,
    /// The component this one sits inside.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// Top-left corner, relative to the parent's top-left (or the diagram origin).
    /// Left out: placed by the automatic layout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<(f32, f32)>,
    /// Width and height. Left out: sized to fit the label, or the children.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<(f32, f32)>,
    /// The write-up a click opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writeup: Option<String>,
    /// A sentence about this very component, shown above the write-up's summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

/// A link as written.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LinkDef {
    /// Stable id.
    pub id: String,
    /// Source component id.
    pub from: String,
    /// Target component id.
    pub to: String,
    /// Short label drawn beside the line.
    pub label: String,
    /// What it stands for.
    pub kind: LinkKind,
    /// Whether an arrow head is drawn at `to`.
    #[serde(default = "yes")]
    pub directed: bool,
    /// Bend points, in diagram coordinates, to route the line around boxes.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub via: Vec<(f32, f32)>,
    /// The write-up a click opens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub writeup: Option<String>,
    /// A sentence about this link.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
}

const DIAGRAM_FIELDS: &[&str] = &["title", "description", "components", "links"];
const COMPONENT_FIELDS: &[&str] = &[
    "id",
    "label",
    "kind",
    "parent",
    "at",
    "size",
    "writeup",
    "description",
];
const LINK_FIELDS: &[&str] = &[
    "id",
    "from",
    "to",
    "label",
    "kind",
    "directed",
    "via",
    "writeup",
    "description",
];

/// Something a learner can select: a component or a link.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A box.
    Component(ComponentId),
    /// A line.
    Link(LinkId),
}

impl Target {
    /// The component's or link's id (ids are unique across both, so one address serves both:
    /// `#/component/<id>`).
    pub fn id(&self) -> &str {
        match self {
            Target::Component(id) => id.as_str(),
            Target::Link(id) => id.as_str(),
        }
    }
}

/// What a summary says of a part that links no write-up (the app's panel and the page's).
pub const NO_WRITEUP: &str = "No write-up is linked to this part yet.";
/// What a summary says of a part whose write-up is not in the catalog.
pub const MISSING_WRITEUP: &str = "The write-up for this part is missing.";

/// A validated component, with its absolute place in the diagram.
#[derive(Clone, Debug, PartialEq)]
pub struct Component {
    /// Stable id.
    pub id: ComponentId,
    /// Text in the box.
    pub label: String,
    /// What it is.
    pub kind: ComponentKind,
    /// The enclosing component.
    pub parent: Option<ComponentId>,
    /// Direct children, in file order.
    pub children: Vec<ComponentId>,
    /// Nesting depth: 0 for top-level components.
    pub depth: usize,
    /// Absolute rectangle in diagram units (y down).
    pub rect: Rect,
    /// The write-up a click opens.
    pub writeup: Option<WriteupSlug>,
    /// A sentence about this component.
    pub description: Option<String>,
}

/// A validated link.
#[derive(Clone, Debug, PartialEq)]
pub struct Link {
    /// Stable id.
    pub id: LinkId,
    /// Source.
    pub from: ComponentId,
    /// Target.
    pub to: ComponentId,
    /// Short label.
    pub label: String,
    /// What it stands for.
    pub kind: LinkKind,
    /// Whether an arrow head is drawn at `to`.
    pub directed: bool,
    /// The polyline from the border of `from` to the border of `to`, through the bend points:
    /// horizontal and vertical runs around the boxes in the way (see `routing`).
    pub path: Vec<Point>,
    /// Where the label is set (diagram units, y down): beside the path, clear of boxes,
    /// other labels and lines wherever the diagram leaves room.
    pub label_rect: Rect,
    /// The write-up a click opens.
    pub writeup: Option<WriteupSlug>,
    /// A sentence about this link.
    pub description: Option<String>,
}

/// A validated diagram: every id unique, every reference resolved, every child inside its parent.
#[derive(Clone, Debug)]
pub struct Diagram {
    /// Shown in the title bar.
    pub title: String,
    /// Shown under the title.
    pub description: String,
    components: Vec<Component>,
    links: Vec<Link>,
    component_index: HashMap<ComponentId, usize>,
    link_index: HashMap<LinkId, usize>,
    /// Components as nodes, links as edges. Indices stay private to the model.
    graph: UnGraph<ComponentId, LinkId>,
    node_of: HashMap<ComponentId, NodeIndex>,
    bounds: Rect,
}

impl Diagram {
    /// All components, parents before their children, otherwise in file order.
    pub fn components(&self) -> &[Component] {
        &self.components
    }

    /// All links, in file order.
    pub fn links(&self) -> &[Link] {
        &self.links
    }

    /// A component by id.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.component_index
            .get(id)
            .and_then(|&i| self.components.get(i))
    }

    /// A link by id.
    pub fn link(&self, id: &str) -> Option<&Link> {
        self.link_index.get(id).and_then(|&i| self.links.get(i))
    }

    /// The bounding box of everything drawn, bend points included.
    pub fn bounds(&self) -> Rect {
        self.bounds
    }

    /// The description of a component or link, where it has one.
    pub fn description_of(&self, target: &Target) -> Option<&str> {
        match target {
            Target::Component(id) => self.component(id.as_str())?.description.as_deref(),
            Target::Link(id) => self.link(id.as_str())?.description.as_deref(),
        }
    }

    /// The write-up of a component or link.
    pub fn writeup_of(&self, target: &Target) -> Option<&WriteupSlug> {
        match target {
            Target::Component(id) => self.component(id.as_str())?.writeup.as_ref(),
            Target::Link(id) => self.link(id.as_str())?.writeup.as_ref(),
        }
    }

    /// The component or link with this id (ids are unique across both).
    pub fn target_by_id(&self, id: &str) -> Option<Target> {
        if self.component(id).is_some() {
            Some(Target::Component(ComponentId::new(id)))
        } else if self.link(id).is_some() {
            Some(Target::Link(LinkId::new(id)))
        } else {
            None
        }
    }

    /// Whether the target exists in this diagram.
    pub fn contains(&self, target: &Target) -> bool {
        match target {
            Target::Component(id) => self.component(id.as_str()).is_some(),
            Target::Link(id) => self.link(id.as_str()).is_some(),
        }
    }

    /// The component a write-up belongs to: leaves before containers, then reading order;
    /// links only when no component has it.
    pub fn target_for_writeup(&self, slug: &WriteupSlug) -> Option<Target> {
        self.target_for_writeup_near(slug, None)
    }

    /// Like [`Diagram::target_for_writeup`], preferring a component inside the same top-level
    /// component (the same computer) as `near`.
    pub fn target_for_writeup_near(
        &self,
        slug: &WriteupSlug,
        near: Option<&Target>,
    ) -> Option<Target> {
        let home = near.and_then(|t| match t {
            Target::Component(id) => Some(self.root_of(id)),
            Target::Link(id) => self.link(id.as_str()).map(|l| self.root_of(&l.from)),
        });
        let mut comps: Vec<&Component> = self
            .components
            .iter()
            .filter(|c| c.writeup.as_ref() == Some(slug))
            .collect();
        comps.sort_by_key(|c| {
            let elsewhere = home.as_ref().is_some_and(|h| &self.root_of(&c.id) != h);
            (
                elsewhere,
                !c.children.is_empty(),
                c.rect.y as i64,
                c.rect.x as i64,
            )
        });
        if let Some(c) = comps.first() {
            return Some(Target::Component(c.id.clone()));
        }
        self.links
            .iter()
            .find(|l| l.writeup.as_ref() == Some(slug))
            .map(|l| Target::Link(l.id.clone()))
    }

    /// The top-level ancestor of a component (itself when it has no parent).
    pub fn root_of(&self, id: &ComponentId) -> ComponentId {
        let mut cur = id.clone();
        // Depth is bounded by the number of components; a valid model has no cycles.
        for _ in 0..=self.components.len() {
            match self.component(cur.as_str()).and_then(|c| c.parent.clone()) {
                Some(p) => cur = p,
                None => break,
            }
        }
        cur
    }

    /// Ids of the ancestors of a component, from the top-level one down (not the component).
    pub fn breadcrumb_ids(&self, id: &ComponentId) -> Vec<ComponentId> {
        let mut out = Vec::new();
        let mut cur = self.component(id.as_str()).and_then(|c| c.parent.clone());
        for _ in 0..=self.components.len() {
            let Some(p) = cur else { break };
            cur = self.component(p.as_str()).and_then(|c| c.parent.clone());
            out.push(p);
        }
        out.reverse();
        out
    }

    /// Every component in reading order: top-level components left to right, each followed by
    /// its children in rows (top to bottom, then left to right), depth first.
    pub fn reading_order(&self) -> Vec<ComponentId> {
        let key = |id: &ComponentId| {
            self.component(id.as_str())
                .map_or((i64::MAX, i64::MAX), |c| {
                    (c.rect.y.round() as i64, c.rect.x.round() as i64)
                })
        };
        let mut roots: Vec<ComponentId> = self
            .components
            .iter()
            .filter(|c| c.parent.is_none())
            .map(|c| c.id.clone())
            .collect();
        roots.sort_by_key(|id| {
            let (y, x) = key(id);
            (x, y)
        });
        let mut out = Vec::with_capacity(self.components.len());
        let mut stack: Vec<ComponentId> = roots.into_iter().rev().collect();
        while let Some(id) = stack.pop() {
            let mut kids = self
                .component(id.as_str())
                .map(|c| c.children.clone())
                .unwrap_or_default();
            kids.sort_by_key(|k| key(k));
            stack.extend(kids.into_iter().rev());
            out.push(id);
        }
        out
    }

    /// The component after (or, with `back`, before) `from` in reading order, wrapping around.
    pub fn tab_next(&self, from: Option<&ComponentId>, back: bool) -> Option<ComponentId> {
        let order = self.reading_order();
        let n = order.len();
        let i = match from.and_then(|f| order.iter().position(|c| c == f)) {
            Some(i) if back => (i + n - 1) % n,
            Some(i) => (i + 1) % n,
            None if back => n.checked_sub(1)?,
            None => 0,
        };
        order.get(i).cloned()
    }

    /// Labels from the top-level ancestor down to this component, e.g. `Computer A › OS kernel`.
    pub fn breadcrumb(&self, id: &ComponentId) -> Vec<&str> {
        let mut out = Vec::new();
        let mut cur = self.component(id.as_str()).and_then(|c| c.parent.clone());
        for _ in 0..=self.components.len() {
            let Some(c) = cur.as_ref().and_then(|p| self.component(p.as_str())) else {
                break;
            };
            out.push(c.label.as_str());
            cur = c.parent.clone();
        }
        out.reverse();
        out
    }

    /// How a part's summary introduces it: its label, and a line with its kind and where it
    /// sits ("Distributed systems · Computer A › Database node"; for a link, its ends:
    /// "Network · Network card ↔ Network card"). The app's panel and the web page's first
    /// answer both say it this way.
    pub fn introduction(&self, target: &Target) -> Option<(&str, String)> {
        let (label, kind, context) = match target {
            Target::Component(id) => {
                let c = self.component(id.as_str())?;
                (
                    c.label.as_str(),
                    c.kind.label(),
                    self.breadcrumb(id).join(" › "),
                )
            }
            Target::Link(id) => {
                let l = self.link(id.as_str())?;
                let name = |c: &ComponentId| {
                    self.component(c.as_str())
                        .map_or(c.to_string(), |c| c.label.clone())
                };
                let arrow = if l.directed { "→" } else { "↔" };
                let ends = format!("{} {arrow} {}", name(&l.from), name(&l.to));
                (l.label.as_str(), l.kind.label(), ends)
            }
        };
        let line = if context.is_empty() {
            kind.to_owned()
        } else {
            format!("{kind} · {context}")
        };
        Some((label, line))
    }

    /// Components joined to `id` by a link, each with the link, sorted by id.
    pub fn neighbours(&self, id: &ComponentId) -> Vec<(&ComponentId, &LinkId)> {
        let Some(&n) = self.node_of.get(id) else {
            return Vec::new();
        };
        let mut out: Vec<_> = self
            .graph
            .edges(n)
            .filter_map(|e| {
                use petgraph::visit::EdgeRef;
                let other = if e.source() == n {
                    e.target()
                } else {
                    e.source()
                };
                Some((self.graph.node_weight(other)?, e.weight()))
            })
            .collect();
        out.sort();
        out
    }

    /// The deepest component under a point (diagram units), if any.
    pub fn component_at(&self, p: Point) -> Option<&Component> {
        self.components
            .iter()
            .filter(|c| c.rect.contains(p))
            .max_by_key(|c| c.depth)
    }

    /// The graph in Graphviz DOT: components as boxes labelled with their label (and parent),
    /// links as edges labelled with theirs; directed links carry `dir = forward`.
    pub fn to_dot(&self) -> String {
        use petgraph::dot::{Config, Dot};
        let quote = |s: &str| s.replace('\\', "\\\\").replace('"', "\\\"");
        let node_attr = |_, (_, id): (NodeIndex, &ComponentId)| {
            let Some(c) = self.component(id.as_str()) else {
                return String::new();
            };
            let inside = c
                .parent
                .as_ref()
                .and_then(|p| self.component(p.as_str()))
                .map(|p| format!("\\n(in {})", quote(&p.label)));
            format!(
                "label = \"{}{}\" shape = box id = \"{}\"",
                quote(&c.label),
                inside.unwrap_or_default(),
                quote(id.as_str())
            )
        };
        let edge_attr = |_, e: petgraph::graph::EdgeReference<'_, LinkId>| {
            let Some(l) = self.link(e.weight().as_str()) else {
                return String::new();
            };
            let dir = if l.directed { " dir = forward" } else { "" };
            format!(
                "label = \"{}\" id = \"{}\"{dir}",
                quote(&l.label),
                quote(l.id.as_str())
            )
        };
        let dot = Dot::with_attr_getters(
            &self.graph,
            &[
                Config::NodeNoLabel,
                Config::EdgeNoLabel,
                Config::GraphContentOnly,
            ],
            &edge_attr,
            &node_attr,
        );
        format!(
            "graph \"{}\" {{\n    rankdir = TB\n{dot}}}\n",
            quote(&self.title)
        )
    }

    /// Every write-up slug this diagram links to, sorted.
    pub fn writeup_slugs(&self) -> BTreeSet<&WriteupSlug> {
        let comps = self.components.iter().filter_map(|c| c.writeup.as_ref());
        let links = self.links.iter().filter_map(|l| l.writeup.as_ref());
        comps.chain(links).collect()
    }
}

/// Parses and validates a diagram.
///
/// `file` names the file in messages; `writeups` are the slugs that exist. Returns every problem
/// found, each with its position.
pub fn parse_diagram(
    file: &str,
    src: &str,
    writeups: &BTreeSet<WriteupSlug>,
) -> Result<Diagram, Diagnostics> {
    let mut diags = Diagnostics::default();
    let (raw, tree) = parse_and_outline(file, src);
    let raw: DiagramFile = match raw {
        Ok(raw) => raw,
        Err(d) => {
            diags.0.push(d);
            return Err(diags);
        }
    };
    let checker = Checker {
        file,
        tree: &tree,
        writeups,
    };
    let diagram = checker.check(raw, &mut diags);
    diags.sort();
    match diagram {
        Some(d) if !diags.has_errors() => Ok(d),
        _ => Err(diags),
    }
}

/// Files at least this big are outlined on a second thread while `ron` parses them.
#[cfg(not(target_arch = "wasm32"))]
const PARALLEL_OUTLINE_BYTES: usize = 64 * 1024;

/// The typed file and its outline (positions). The two passes read the same text
/// independently, so on native targets a big file gets both at once, one per core.
fn parse_and_outline(file: &str, src: &str) -> (Result<DiagramFile, super::Diagnostic>, Node) {
    let text = limits::strip_bom(src);
    #[cfg(not(target_arch = "wasm32"))]
    if src.len() >= PARALLEL_OUTLINE_BYTES {
        return std::thread::scope(|scope| {
            let tree = scope.spawn(|| outline(text));
            let raw = super::parse_ron(file, src);
            // The outline never panics; should its thread fail anyway, positions fall back
            // to the start of the file.
            let tree = tree.join().unwrap_or_else(|_| outline(""));
            (raw, tree)
        });
    }
    (super::parse_ron(file, src), outline(text))
}

struct Checker<'a> {
    file: &'a str,
    tree: &'a Node,
    writeups: &'a BTreeSet<WriteupSlug>,
}

impl Checker<'_> {
    fn element(&self, list: &str, i: usize) -> Option<&Node> {
        self.tree.field(list)?.value.items().get(i)
    }

    /// Position of field `field` of element `i` of `list`.
    fn pos(&self, list: &str, i: usize, field: &str) -> Option<Position> {
        let el = self.element(list, i)?;
        Some(el.value_pos(field))
    }

    fn unknown_fields(&self, diags: &mut Diagnostics) {
        let mut report = |node: &Node, known: &[&str], what: &str| {
            for f in node.fields() {
                if !known.contains(&f.name.as_str()) {
                    diags.error(
                        self.file,
                        Some(f.name_pos),
                        format!(
                            "unknown field `{}` in {what}; expected one of: {}",
                            f.name,
                            known.join(", ")
                        ),
                    );
                }
            }
        };
        report(self.tree, DIAGRAM_FIELDS, "the diagram");
        for (list, known, what) in [
            ("components", COMPONENT_FIELDS, "a component"),
            ("links", LINK_FIELDS, "a link"),
        ] {
            if let Some(f) = self.tree.field(list) {
                for el in f.value.items() {
                    report(el, known, what);
                }
            }
        }
    }

    /// Limits on counts, text lengths and coordinates (see [`limits`]).
    fn limits(&self, raw: &DiagramFile, diags: &mut Diagnostics) {
        let file = self.file;
        if raw.components.len() > limits::MAX_COMPONENTS {
            diags.error(
                file,
                Some(self.tree.value_pos("components")),
                format!(
                    "{} components; the limit is {}",
                    raw.components.len(),
                    limits::MAX_COMPONENTS
                ),
            );
        }
        if raw.links.len() > limits::MAX_LINKS {
            diags.error(
                file,
                Some(self.tree.value_pos("links")),
                format!(
                    "{} links; the limit is {}",
                    raw.links.len(),
                    limits::MAX_LINKS
                ),
            );
        }
        let long = |text: &str, max: usize| text.chars().count() > max;
        if long(&raw.title, limits::MAX_LABEL_CHARS) {
            diags.error(
                file,
                Some(self.tree.value_pos("title")),
                format!(
                    "the title is longer than {} characters",
                    limits::MAX_LABEL_CHARS
                ),
            );
        }
        if long(&raw.description, limits::MAX_TEXT_CHARS) {
            diags.error(
                file,
                Some(self.tree.value_pos("description")),
                format!(
                    "the description is longer than {} characters",
                    limits::MAX_TEXT_CHARS
                ),
            );
        }
        let big = |v: f32| v.is_finite() && v.abs() > limits::MAX_COORDINATE;
        for (i, c) in raw.components.iter().enumerate() {
            let at = |f: &str| self.pos("components", i, f);
            if long(&c.label, limits::MAX_LABEL_CHARS) {
                diags.error(
                    file,
                    at("label"),
                    format!(
                        "the label of `{}` is longer than {} characters",
                        c.id,
                        limits::MAX_LABEL_CHARS
                    ),
                );
            }
            if c.description
                .as_deref()
                .is_some_and(|d| long(d, limits::MAX_TEXT_CHARS))
            {
                diags.error(
                    file,
                    at("description"),
                    format!(
                        "the description of `{}` is longer than {} characters",
                        c.id,
                        limits::MAX_TEXT_CHARS
                    ),
                );
            }
            for (field, v) in [("at", c.at), ("size", c.size)] {
                if v.is_some_and(|(x, y)| big(x) || big(y)) {
                    diags.error(
                        file,
                        at(field),
                        format!(
                            "`{}` has `{field}` values beyond ±{} units",
                            c.id,
                            limits::MAX_COORDINATE
                        ),
                    );
                }
            }
        }
        for (i, l) in raw.links.iter().enumerate() {
            let at = |f: &str| self.pos("links", i, f);
            if long(&l.label, limits::MAX_LABEL_CHARS) {
                diags.error(
                    file,
                    at("label"),
                    format!(
                        "the label of `{}` is longer than {} characters",
                        l.id,
                        limits::MAX_LABEL_CHARS
                    ),
                );
            }
            if l.via.iter().any(|&(x, y)| big(x) || big(y)) {
                diags.error(
                    file,
                    at("via"),
                    format!(
                        "link `{}` has a bend point beyond ±{} units",
                        l.id,
                        limits::MAX_COORDINATE
                    ),
                );
            }
        }
    }

    fn check_writeup(
        &self,
        slug: Option<&String>,
        pos: Option<Position>,
        diags: &mut Diagnostics,
    ) -> Option<WriteupSlug> {
        let slug = slug?;
        let typed = WriteupSlug::new(slug.as_str());
        if !self.writeups.contains(&typed) {
            diags.error(self.file, pos, format!("unknown write-up `{slug}`"));
        }
        Some(typed)
    }

    fn check(&self, raw: DiagramFile, diags: &mut Diagnostics) -> Option<Diagram> {
        let file = self.file;
        self.unknown_fields(diags);
        if raw.title.trim().is_empty() {
            diags.error(
                file,
                Some(self.tree.value_pos("title")),
                "the diagram title is empty",
            );
        }
        self.limits(&raw, diags);
        if raw.components.len() > limits::MAX_COMPONENTS || raw.links.len() > limits::MAX_LINKS {
            return None;
        }

        // Ids: valid and unique across components and links (deep links name either).
        let mut seen: HashMap<&str, Position> = HashMap::new();
        let ids = raw
            .components
            .iter()
            .enumerate()
            .map(|(i, c)| ("components", i, c.id.as_str()))
            .chain(
                raw.links
                    .iter()
                    .enumerate()
                    .map(|(i, l)| ("links", i, l.id.as_str())),
            );
        for (list, i, id) in ids {
            let pos = self.pos(list, i, "id").unwrap_or(Position::new(1, 1));
            if !is_valid_id(id) {
                diags.error(
                    file,
                    Some(pos),
                    format!(
                        "invalid id `{id}`: use letters, digits, `-`, `_` or `.`, starting with a letter or digit (at most 64)"
                    ),
                );
            } else if let Some(first) = seen.get(id) {
                diags.error(
                    file,
                    Some(pos),
                    format!(
                        "duplicate id `{id}` (first used at line {}:{})",
                        first.line, first.col
                    ),
                );
            } else {
                seen.insert(id, pos);
            }
        }

        let index: HashMap<&str, usize> = raw
            .components
            .iter()
            .enumerate()
            .rev() // the first occurrence wins
            .map(|(i, c)| (c.id.as_str(), i))
            .collect();

        // Per-component checks.
        let mut parent_ok = vec![true; raw.components.len()];
        for (i, c) in raw.components.iter().enumerate() {
            let at = |f: &str| self.pos("components", i, f);
            if c.label.trim().is_empty() {
                diags.error(
                    file,
                    at("label"),
                    format!("component `{}` has an empty label", c.id),
                );
            }
            if let Some((w, h)) = c.size
                && !(w.is_finite() && h.is_finite() && w > 0.0 && h > 0.0)
            {
                diags.error(
                    file,
                    at("size"),
                    format!("component `{}` has size ({w}, {h}); width and height must be positive numbers", c.id),
                );
                set(&mut parent_ok, i, false);
            }
            if c.at.is_some_and(|(x, y)| !(x.is_finite() && y.is_finite())) {
                diags.error(
                    file,
                    at("at"),
                    format!("component `{}` has a position that is not a number", c.id),
                );
                set(&mut parent_ok, i, false);
            }
            if let Some(p) = &c.parent {
                if !index.contains_key(p.as_str()) {
                    diags.error(
                        file,
                        at("parent"),
                        format!("component `{}` names unknown parent `{p}`", c.id),
                    );
                    set(&mut parent_ok, i, false);
                } else if p == &c.id {
                    diags.error(
                        file,
                        at("parent"),
                        format!("component `{}` is its own parent", c.id),
                    );
                    set(&mut parent_ok, i, false);
                }
            }
            self.check_writeup(c.writeup.as_ref(), at("writeup"), diags);
        }

        // Nesting cycles, in one linear pass: follow parent pointers, colouring the current
        // path; meeting the path again is a cycle, reported once at its first member in the file.
        let n = raw.components.len();
        let parent_of = |i: usize| {
            raw.components
                .get(i)
                .and_then(|c| c.parent.as_deref())
                .and_then(|p| index.get(p).copied())
                .filter(|&p| p != i)
        };
        let mut in_cycle = vec![false; n];
        let mut colour = vec![0u8; n]; // 0: unseen, 1: on the current path, 2: done
        for start in 0..n {
            let mut path = Vec::new();
            let mut cur = Some(start);
            while let Some(i) = cur {
                match colour.get(i).copied() {
                    Some(0) => {
                        set(&mut colour, i, 1);
                        path.push(i);
                        cur = parent_of(i);
                    }
                    Some(1) => {
                        let k = path.iter().position(|&x| x == i).unwrap_or(0);
                        let cycle = path.get(k..).unwrap_or_default();
                        let first = cycle.iter().min().copied().unwrap_or(i);
                        // Name the cycle from its first member, following parents.
                        let mut names = Vec::new();
                        let mut walk = first;
                        for _ in 0..=cycle.len() {
                            names.push(raw.components.get(walk).map_or("", |c| c.id.as_str()));
                            walk = parent_of(walk).unwrap_or(walk);
                        }
                        diags.error(
                            file,
                            self.pos("components", first, "parent"),
                            format!("nesting cycle: {}", names.join(" → ")),
                        );
                        for &x in cycle {
                            set(&mut in_cycle, x, true);
                        }
                        break;
                    }
                    _ => break,
                }
            }
            for i in path {
                set(&mut colour, i, 2);
            }
        }

        // Absolute rectangles and depth, for components whose whole chain is sound.
        let mut rects: Vec<Option<(Rect, usize)>> = vec![None; raw.components.len()];
        let depth_of = depths(&raw.components, &index, &in_cycle);
        // Too deep: say so once per offending chain and skip the layout, which walks ancestors.
        let mut too_deep = false;
        for (i, d) in depth_of.iter().enumerate() {
            let parent_depth = raw
                .components
                .get(i)
                .and_then(|c| c.parent.as_deref())
                .and_then(|p| index.get(p))
                .and_then(|&p| depth_of.get(p).copied().flatten());
            if d.is_some_and(|d| d > limits::MAX_DEPTH)
                && parent_depth.is_some_and(|p| p == limits::MAX_DEPTH)
            {
                diags.error(
                    file,
                    self.pos("components", i, "parent"),
                    format!(
                        "`{}` is nested more than {} levels deep",
                        raw.components.get(i).map_or("", |c| c.id.as_str()),
                        limits::MAX_DEPTH
                    ),
                );
                too_deep = true;
            }
        }
        if too_deep {
            return None;
        }
        let order = topo_order(&depth_of);
        let placement = super::layout::resolve(&raw.components, &raw.links, &index, &order);
        for &i in &order {
            let Some(c) = raw.components.get(i) else {
                continue;
            };
            if !parent_ok.get(i).copied().unwrap_or(false) {
                continue;
            }
            let Some(((x, y), (w, h))) = placement.get(i).copied().flatten() else {
                continue;
            };
            let own = Rect::new(x, y, w, h);
            match c.parent.as_deref().and_then(|p| index.get(p).copied()) {
                None => set(&mut rects, i, Some((own, 0))),
                Some(pi) => {
                    let Some((prect, pdepth)) = rects.get(pi).copied().flatten() else {
                        continue;
                    };
                    let inside = own.x >= 0.0
                        && own.y >= 0.0
                        && own.x + own.w <= prect.w
                        && own.y + own.h <= prect.h;
                    if !inside {
                        diags.error(
                            file,
                            self.pos("components", i, "at"),
                            format!(
                                "component `{}` (at ({}, {}), size ({}, {})) lies outside its parent `{}` (size ({}, {}))",
                                c.id, own.x, own.y, own.w, own.h,
                                raw.components.get(pi).map_or("", |p| p.id.as_str()),
                                prect.w, prect.h
                            ),
                        );
                    }
                    let abs = Rect::new(prect.x + own.x, prect.y + own.y, own.w, own.h);
                    set(&mut rects, i, Some((abs, pdepth + 1)));
                }
            }
        }

        // Links.
        for (i, l) in raw.links.iter().enumerate() {
            let at = |f: &str| self.pos("links", i, f);
            if l.label.trim().is_empty() {
                diags.error(
                    file,
                    at("label"),
                    format!("link `{}` has an empty label", l.id),
                );
            }
            for (field, end) in [("from", &l.from), ("to", &l.to)] {
                if !index.contains_key(end.as_str()) {
                    diags.error(
                        file,
                        at(field),
                        format!("link `{}` names unknown component `{end}`", l.id),
                    );
                }
            }
            if l.from == l.to {
                diags.error(
                    file,
                    at("to"),
                    format!("link `{}` joins `{}` to itself", l.id, l.from),
                );
            }
            if l.via.iter().any(|(x, y)| !(x.is_finite() && y.is_finite())) {
                diags.error(
                    file,
                    at("via"),
                    format!("link `{}` has a bend point that is not a number", l.id),
                );
            }
            self.check_writeup(l.writeup.as_ref(), at("writeup"), diags);
        }

        if diags.has_errors() {
            return None;
        }
        build(&raw, &index, &rects, &order)
    }
}

/// Sets `v[i]` when `i` is in range (it always is here; this keeps indexing panic-free).
fn set<T>(v: &mut [T], i: usize, value: T) {
    if let Some(slot) = v.get_mut(i) {
        *slot = value;
    }
}

/// Depth of every component (0 for top-level), in one pass with memoisation; `None` for
/// components in or under a nesting cycle.
fn depths(
    comps: &[ComponentDef],
    index: &HashMap<&str, usize>,
    in_cycle: &[bool],
) -> Vec<Option<usize>> {
    let n = comps.len();
    let parent_of = |i: usize| {
        comps
            .get(i)
            .and_then(|c| c.parent.as_deref())
            .and_then(|p| index.get(p).copied())
    };
    let mut depth: Vec<Option<usize>> = vec![None; n];
    let mut done = vec![false; n];
    for start in 0..n {
        let mut path = Vec::new();
        let mut cur = start;
        // Climb until a component whose depth is known, a root, or a cycle.
        let base = loop {
            if done.get(cur).copied().unwrap_or(true) {
                break depth.get(cur).copied().flatten().map(|d| d + 1);
            }
            if in_cycle.get(cur).copied().unwrap_or(true) || path.len() > n {
                break None;
            }
            path.push(cur);
            match parent_of(cur) {
                Some(p) if p != cur => cur = p,
                _ => break Some(0),
            }
        };
        // `base` is the depth of the deepest unresolved ancestor on the path (the last pushed).
        let mut d = base;
        for &i in path.iter().rev() {
            set(&mut depth, i, d);
            set(&mut done, i, true);
            d = d.map(|d| d + 1);
        }
    }
    depth
}

/// Parents before children (by depth, then file order); components in a cycle are left out.
fn topo_order(depths: &[Option<usize>]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..depths.len())
        .filter(|&i| depths.get(i).copied().flatten().is_some())
        .collect();
    order.sort_by_key(|&i| (depths.get(i).copied().flatten().unwrap_or(0), i));
    order
}

fn build(
    raw: &DiagramFile,
    index: &HashMap<&str, usize>,
    rects: &[Option<(Rect, usize)>],
    order: &[usize],
) -> Option<Diagram> {
    // Each id is made once; every index below shares it.
    let ids: Vec<ComponentId> = raw
        .components
        .iter()
        .map(|k| ComponentId::new(k.id.as_str()))
        .collect();
    let id_of = |name: &str| index.get(name).and_then(|&i| ids.get(i)).cloned();
    // Children of each component, in file order, in one pass (not a scan per component).
    let mut children_of: HashMap<&str, Vec<ComponentId>> = HashMap::new();
    for (k, id) in raw.components.iter().zip(&ids) {
        if let Some(p) = k.parent.as_deref() {
            children_of.entry(p).or_default().push(id.clone());
        }
    }
    let mut components = Vec::with_capacity(raw.components.len());
    for &i in order {
        let c = raw.components.get(i)?;
        let (rect, depth) = rects.get(i).copied().flatten()?;
        let children = children_of.remove(c.id.as_str()).unwrap_or_default();
        components.push(Component {
            id: ids.get(i)?.clone(),
            label: c.label.clone(),
            kind: c.kind,
            parent: c.parent.as_deref().and_then(id_of),
            children,
            depth,
            rect,
            writeup: c.writeup.as_deref().map(WriteupSlug::new),
            description: c.description.clone(),
        });
    }
    let component_index: HashMap<ComponentId, usize> = components
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.clone(), i))
        .collect();
    let rect_of = |id: &str| -> Option<Rect> {
        let i = index.get(id)?;
        rects.get(*i).copied().flatten().map(|(r, _)| r)
    };

    let mut bounds = components.first().map(|c| c.rect).unwrap_or_default();
    for c in &components {
        bounds = bounds.union(&c.rect);
    }
    let mut links = Vec::with_capacity(raw.links.len());
    let mut bends = Vec::with_capacity(raw.links.len());
    for l in &raw.links {
        let (from_rect, to_rect) = (rect_of(&l.from)?, rect_of(&l.to)?);
        let via: Vec<Point> = l.via.iter().map(|&(x, y)| Point::new(x, y)).collect();
        for p in &via {
            bounds = bounds.union(&Rect::new(p.x, p.y, 0.0, 0.0));
        }
        let first_aim = via.first().copied().unwrap_or(to_rect.center());
        let last_aim = via.last().copied().unwrap_or(from_rect.center());
        // Straight from border to border: what the router improves on, and what stays where
        // it finds no way.
        let mut path = vec![from_rect.exit_point(first_aim)];
        path.extend(via.iter().copied());
        bends.push(via);
        path.push(to_rect.exit_point(last_aim));
        links.push(Link {
            id: LinkId::new(l.id.as_str()),
            from: id_of(&l.from)?,
            to: id_of(&l.to)?,
            label: l.label.clone(),
            kind: l.kind,
            directed: l.directed,
            path,
            label_rect: Rect::default(),
            writeup: l.writeup.as_deref().map(WriteupSlug::new),
            description: l.description.clone(),
        });
    }
    super::routing::lay_out_links(&components, &component_index, &mut links, &bends);
    for l in &links {
        for p in &l.path {
            bounds = bounds.union(&Rect::new(p.x, p.y, 0.0, 0.0));
        }
        if !l.label.is_empty() {
            bounds = bounds.union(&l.label_rect);
        }
    }
    let link_index = links
        .iter()
        .enumerate()
        .map(|(i, l)| (l.id.clone(), i))
        .collect();

    let mut graph = UnGraph::new_undirected();
    let node_of: HashMap<ComponentId, NodeIndex> = components
        .iter()
        .map(|c| (c.id.clone(), graph.add_node(c.id.clone())))
        .collect();
    for l in &links {
        if let (Some(&a), Some(&b)) = (node_of.get(&l.from), node_of.get(&l.to)) {
            graph.add_edge(a, b, l.id.clone());
        }
    }
    Some(Diagram {
        title: raw.title.clone(),
        description: raw.description.clone(),
        components,
        links,
        component_index,
        link_index,
        graph,
        node_of,
        bounds,
    })
}
