//! Assistive technology: what a screen reader finds, and what it can do.
//!
//! egui describes its panels to AccessKit (buttons, links, headings, text, the named regions
//! `ui` sets up). The diagram is pixels, so this module adds it to the same tree: a "Diagram"
//! tree whose items follow the nesting (Computer A → Database node → Raft consensus), each with
//! its name, its description, whether it is selected and where it is on screen, and the links
//! between parts. The screen reader's focus follows the selection, so Tab and the arrow keys
//! move it; activating a part selects it.
//!
//! - Desktop: bevy_egui hands the tree to Bevy's AccessKit adapter (AT-SPI on Linux), and the
//!   adapter's action requests come back as `bevy::a11y::ActionRequest`s.
//! - Web: AccessKit has no web back-end; `web` mirrors the tree into the page's DOM and sends
//!   activations back as [`AccessAction`]s.
//! - Tests read the tree as [`Widgets`], to find and click panels by their names.
//!
//! All of it runs only while something asks for the tree (`AccessibilityRequested`): a screen
//! reader on the desktop, the page's mirror on the web, the state file for end-to-end scripts,
//! the tests. Otherwise a frame costs nothing extra, whatever the diagram's size.

use std::hash::{Hash, Hasher};

use bevy::prelude::*;
use bevy_egui::egui::accesskit::{self, Action, Node, NodeId, Role, Toggled};

use super::state::space::Screen;
use super::state::{
    AccessAction, CameraView, CanvasFigure, Intent, LoadedModel, MainCamera, Selection,
    SpeakerNotes, UiInsets, Widget, Widgets,
};
use crate::model::figure::Figure;
use crate::model::{Diagram, Target};

pub(super) fn plugin(app: &mut App) {
    use bevy_egui::{EguiPostUpdateSet, EguiPreUpdateSet};
    app.init_resource::<Widgets>()
        .add_systems(
            PreUpdate,
            (
                enable_accesskit,
                route_actions
                    .after(EguiPreUpdateSet::ProcessInput)
                    .before(EguiPreUpdateSet::BeginPass),
            ),
        )
        .add_systems(
            PostUpdate,
            (add_diagram, capture)
                .chain()
                .after(EguiPostUpdateSet::EndPass)
                .before(EguiPostUpdateSet::ProcessOutput),
        );
    #[cfg(not(target_arch = "wasm32"))]
    app.add_message::<bevy::a11y::ActionRequest>().add_systems(
        PostUpdate,
        take_adapter_actions.after(bevy::a11y::AccessibilitySystems::Update),
    );
}

/// Whether anything asks for the accessibility tree now.
fn wanted(requested: Option<&bevy::a11y::AccessibilityRequested>) -> bool {
    requested.is_some_and(bevy::a11y::AccessibilityRequested::get)
}

/// Has egui describe its panels once something asks for the tree.
fn enable_accesskit(
    mut contexts: Query<(Entity, &mut bevy_egui::EguiContext)>,
    requested: Option<Res<bevy::a11y::AccessibilityRequested>>,
    mut enabled: Local<bevy::platform::collections::HashSet<Entity>>,
) {
    if !wanted(requested.as_deref()) {
        return;
    }
    for (entity, mut ctx) in &mut contexts {
        if enabled.insert(entity) {
            ctx.get_mut().enable_accesskit();
        }
    }
}

/// The desktop's AccessKit adapter reports actions as Bevy messages.
#[cfg(not(target_arch = "wasm32"))]
fn take_adapter_actions(
    mut requests: MessageReader<bevy::a11y::ActionRequest>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
    mut actions: MessageWriter<AccessAction>,
) {
    let asked: Vec<AccessAction> = requests.read().map(|r| AccessAction(r.0.clone())).collect();
    if asked.is_empty() {
        return;
    }
    actions.write_batch(asked);
    // They are acted on at the start of the next frame: ask for one, or an idle window would
    // sleep on them.
    redraw.write(bevy::window::RequestRedraw);
}

/// The id of a part's node: a hash of its id, far from egui's own.
fn part_node(target: &Target) -> NodeId {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    "autochitect.part".hash(&mut h);
    match target {
        Target::Component(id) => ("c", id.as_str()).hash(&mut h),
        Target::Link(id) => ("l", id.as_str()).hash(&mut h),
    }
    NodeId(h.finish() | (1 << 63))
}

/// The diagram tree's own node.
fn diagram_node() -> NodeId {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    "autochitect.diagram".hash(&mut h);
    NodeId(h.finish() | (1 << 63))
}

/// An action on a part selects it; the rest are egui's.
fn route_actions(
    model: Option<Res<LoadedModel>>,
    mut inputs: Query<&mut bevy_egui::EguiInput>,
    mut intents: MessageWriter<Intent>,
    mut asked: MessageReader<AccessAction>,
) {
    let pending: Vec<accesskit::ActionRequest> = asked.read().map(|a| a.0.clone()).collect();
    if pending.is_empty() {
        return;
    }
    let parts: std::collections::HashMap<NodeId, Target> = model
        .as_deref()
        .map(|m| {
            m.diagram
                .components()
                .iter()
                .map(|c| Target::Component(c.id.clone()))
                .chain(m.diagram.links().iter().map(|l| Target::Link(l.id.clone())))
                .map(|t| (part_node(&t), t))
                .collect()
        })
        .unwrap_or_default();
    for request in pending {
        match parts.get(&request.target_node) {
            Some(target) => {
                if matches!(request.action, Action::Click | Action::Focus) {
                    intents.write(Intent::Select(target.clone()));
                }
            }
            None => {
                for mut input in &mut inputs {
                    input
                        .0
                        .events
                        .push(bevy_egui::egui::Event::AccessKitActionRequest(
                            request.clone(),
                        ));
                }
            }
        }
    }
}

/// The diagram's nodes as last built, and what they were built from: rebuilt only when the
/// model, the selection or the view changes (a 10,000-part diagram takes milliseconds).
#[derive(Default)]
struct DiagramCache {
    key: Option<CacheKey>,
    nodes: Vec<(NodeId, Node)>,
}

/// What the diagram's nodes depend on: the model's load, the selection, the camera (centre and
/// scale), the viewport, egui's zoom and the figure's text size, as bits so they compare
/// exactly.
type CacheKey = (u64, Option<Target>, [u32; 3], [u32; 4], u32, u32);

/// Adds the diagram to the tree egui built this frame (when egui builds one).
#[allow(clippy::too_many_arguments)]
fn add_diagram(
    mut outputs: Query<
        (&mut bevy_egui::EguiFullOutput, &mut bevy_egui::EguiContext),
        With<bevy_egui::PrimaryEguiContext>,
    >,
    model: Option<Res<LoadedModel>>,
    figure: Option<Res<CanvasFigure>>,
    selection: Res<Selection>,
    view: Option<Res<CameraView>>,
    camera: Query<&Camera, With<MainCamera>>,
    insets: Res<UiInsets>,
    requested: Option<Res<bevy::a11y::AccessibilityRequested>>,
    speaker: Res<SpeakerNotes>,
    mut cache: Local<DiagramCache>,
) {
    // The speaker view (web) shows the notes alone: no diagram to tell about.
    let (Some(model), Some(figure), Some(view), true, false) = (
        model,
        figure,
        view,
        wanted(requested.as_deref()),
        speaker.page,
    ) else {
        return;
    };
    let viewport = camera.iter().find_map(Camera::logical_viewport_rect);
    for (mut output, mut ctx) in &mut outputs {
        let zoom = ctx.get_mut().zoom_factor();
        let Some(update) = output
            .0
            .as_mut()
            .and_then(|o| o.platform_output.accesskit_update.as_mut())
        else {
            continue;
        };
        let Some(root) = update.tree.as_ref().map(|t| t.root) else {
            continue;
        };
        // egui's coordinates are points; the diagram's screen positions are logical pixels.
        let screen = Screen {
            view: *view,
            viewport: viewport.unwrap_or(Rect::new(insets.left, insets.top, 1e4, 1e4)),
            zoom,
        };
        let r = screen.viewport;
        let key = (
            model.generation,
            selection.target.clone(),
            [
                view.center.x.to_bits(),
                view.center.y.to_bits(),
                view.scale.to_bits(),
            ],
            [
                r.min.x.to_bits(),
                r.min.y.to_bits(),
                r.max.x.to_bits(),
                r.max.y.to_bits(),
            ],
            zoom.to_bits(),
            figure.0.text_scale.to_bits(),
        );
        if cache.key.as_ref() != Some(&key) {
            cache.nodes = diagram_nodes(&model.diagram, &figure.0, &selection, &screen);
            cache.key = Some(key);
        }
        let mut nodes = cache.nodes.clone();
        let egui_has_focus = update.focus != root;
        if let Some((_, root_node)) = update.nodes.iter_mut().find(|(id, _)| *id == root) {
            root_node.push_child(diagram_node());
        }
        update.nodes.append(&mut nodes);
        // The screen reader follows the selection, unless a panel's widget has the focus.
        if !egui_has_focus && let Some(target) = &selection.target {
            update.focus = part_node(target);
        }
    }
}

/// A diagram rectangle on screen, in egui points, as AccessKit takes it.
fn bounds(screen: &Screen, r: crate::model::Rect) -> accesskit::Rect {
    let r = screen.diagram_rect_to_egui(r);
    accesskit::Rect {
        x0: f64::from(r.min.x),
        y0: f64::from(r.min.y),
        x1: f64::from(r.max.x),
        y1: f64::from(r.max.y),
    }
}

/// The diagram as tree nodes: the tree, a tree item per component (children nested), and the
/// links after them.
fn diagram_nodes(
    diagram: &Diagram,
    figure: &Figure,
    selection: &Selection,
    screen: &Screen,
) -> Vec<(NodeId, Node)> {
    let mut out = Vec::new();
    let mut tree = Node::new(Role::Tree);
    tree.set_label(format!("Diagram: {}", diagram.title));
    if !diagram.description.is_empty() {
        tree.set_description(diagram.description.clone());
    }
    tree.set_bounds(bounds(screen, figure.bounds));
    for c in diagram.components().iter().filter(|c| c.parent.is_none()) {
        tree.push_child(part_node(&Target::Component(c.id.clone())));
    }
    for l in diagram.links() {
        tree.push_child(part_node(&Target::Link(l.id.clone())));
    }
    out.push((diagram_node(), tree));
    for c in diagram.components() {
        let target = Target::Component(c.id.clone());
        let mut node = Node::new(Role::TreeItem);
        node.set_label(c.label.clone());
        let place = diagram.breadcrumb(&c.id).join(" › ");
        let mut description = format!("{}, {place}", c.kind.label());
        if let Some(d) = &c.description {
            description.push_str(". ");
            description.push_str(d);
        }
        node.set_description(description);
        if let Some(b) = figure.box_of(&c.id) {
            node.set_bounds(bounds(screen, b.rect));
        }
        if selection.target.as_ref() == Some(&target) {
            node.set_selected(true);
        } else {
            node.set_selected(false);
        }
        if !c.children.is_empty() {
            node.set_expanded(true);
        }
        node.add_action(Action::Click);
        node.add_action(Action::Focus);
        for child in &c.children {
            node.push_child(part_node(&Target::Component(child.clone())));
        }
        out.push((part_node(&target), node));
    }
    for l in diagram.links() {
        let target = Target::Link(l.id.clone());
        let mut node = Node::new(Role::TreeItem);
        let name = |id: &crate::model::ComponentId| {
            diagram
                .component(id.as_str())
                .map_or(id.to_string(), |c| c.label.clone())
        };
        node.set_label(l.label.clone());
        let arrow = if l.directed { "to" } else { "and" };
        let mut description = format!(
            "{} link between {} {arrow} {}",
            l.kind.label(),
            name(&l.from),
            name(&l.to)
        );
        if let Some(d) = &l.description {
            description.push_str(". ");
            description.push_str(d);
        }
        node.set_description(description);
        if let Some(b) = crate::model::focus_bounds(diagram, std::slice::from_ref(&target)) {
            node.set_bounds(bounds(screen, b));
        }
        node.set_selected(selection.target.as_ref() == Some(&target));
        node.add_action(Action::Click);
        node.add_action(Action::Focus);
        out.push((part_node(&target), node));
    }
    out
}

/// The roles of the regions `ui` names (see `app::ui`).
fn is_region(role: Role) -> bool {
    matches!(
        role,
        Role::Toolbar
            | Role::Navigation
            | Role::Complementary
            | Role::Article
            | Role::Region
            | Role::Status
            | Role::Dialog
            | Role::Tree
    )
}

fn capture(
    mut outputs: Query<
        (&bevy_egui::EguiFullOutput, &mut bevy_egui::EguiContext),
        With<bevy_egui::PrimaryEguiContext>,
    >,
    mut widgets: ResMut<Widgets>,
    requested: Option<Res<bevy::a11y::AccessibilityRequested>>,
) {
    if !wanted(requested.as_deref()) {
        return;
    }
    for (output, mut ctx) in &mut outputs {
        let Some(update) = output
            .0
            .as_ref()
            .and_then(|o| o.platform_output.accesskit_update.as_ref())
        else {
            continue;
        };
        let zoom = ctx.get_mut().zoom_factor();
        let rect_of = |b: accesskit::Rect| {
            Rect::new(
                b.x0 as f32 * zoom,
                b.y0 as f32 * zoom,
                b.x1 as f32 * zoom,
                b.y1 as f32 * zoom,
            )
        };
        let mut parent = std::collections::HashMap::new();
        for (id, node) in &update.nodes {
            for child in node.children() {
                parent.insert(*child, *id);
            }
        }
        let nodes: std::collections::HashMap<_, _> =
            update.nodes.iter().map(|(id, n)| (*id, n)).collect();
        // The regions holding a node, innermost first.
        let regions = |mut id| {
            let mut out = Vec::new();
            while let Some(p) = parent.get(&id) {
                if let Some(n) = nodes.get(p).filter(|n| is_region(n.role())) {
                    out.push(*n);
                }
                id = *p;
            }
            out
        };
        let mut found: Vec<Widget> = update
            .nodes
            .iter()
            .filter_map(|(id, node)| {
                let b = node.bounds()?;
                let rect = rect_of(b);
                let holders = regions(*id);
                let visible = holders.iter().all(|r| {
                    r.bounds()
                        .map(rect_of)
                        .is_none_or(|area| area.contains(rect.center()))
                });
                Some(Widget {
                    id: id.0,
                    parent: parent.get(id).map(|p| p.0),
                    role: format!("{:?}", node.role()),
                    // egui names buttons with a label and plain text with a value.
                    label: node
                        .label()
                        .or_else(|| node.value())
                        .map(str::to_owned)
                        .unwrap_or_default(),
                    description: node.description().map(str::to_owned),
                    rect,
                    toggled: node.toggled() == Some(Toggled::True),
                    selected: node.is_selected() == Some(true),
                    level: node.level(),
                    visible,
                    region: holders.first().and_then(|r| r.label()).map(str::to_owned),
                    clickable: node.supports_action(Action::Click),
                })
            })
            .collect();
        found.sort_by(|a, b| {
            (a.rect.min.y, a.rect.min.x)
                .partial_cmp(&(b.rect.min.y, b.rect.min.x))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        let focus = Some(update.focus.0);
        let settled = output.0.as_ref().is_none_or(|o| {
            o.viewport_output
                .values()
                .all(|v| !v.repaint_delay.is_zero())
        });
        if widgets.nodes != found || widgets.focus != focus || widgets.settled != settled {
            widgets.nodes = found;
            widgets.focus = focus;
            widgets.settled = settled;
        }
    }
}
