//! What egui tells assistive technology: every widget's role, name, place and state, taken
//! from egui's AccessKit tree each frame as [`Widgets`].
//!
//! Tests click panels by their names through it (`headless::watch_widgets`), and the web page
//! publishes it for its browser test.

use bevy::prelude::*;

/// A widget egui reported to assistive technology in the last frame: what a screen reader
/// would find, and where it is (logical window pixels), so a test can click it by its name.
#[derive(Debug, Clone, PartialEq)]
pub struct Widget {
    /// Its role, as AccessKit names it (`Button`, `CheckBox`, `TextInput`, `Label`, …).
    pub role: String,
    /// Its accessible name (a button's text, a label's text).
    pub label: String,
    /// Where it is on screen.
    pub rect: Rect,
    /// Whether it is toggled on (selectable labels, checkboxes).
    pub toggled: bool,
    /// Whether it can be seen: inside the visible part of every region holding it (a widget
    /// scrolled out of its panel is in the tree but not on screen).
    pub visible: bool,
    /// The name of the innermost region (panel) holding it, if any.
    pub region: Option<String>,
}

/// The roles of the regions `ui` names (see `app::ui`).
fn is_region(role: bevy_egui::egui::accesskit::Role) -> bool {
    use bevy_egui::egui::accesskit::Role;
    matches!(
        role,
        Role::Toolbar
            | Role::Navigation
            | Role::Complementary
            | Role::Article
            | Role::Region
            | Role::Status
            | Role::Dialog
    )
}

/// The widgets of the last frame (see [`watch_widgets`]).
#[derive(Resource, Debug, Default, Clone)]
pub struct Widgets(pub Vec<Widget>);

/// Asks egui for its accessibility tree every frame and keeps it as [`Widgets`].
pub(super) fn plugin(app: &mut App) {
    use bevy_egui::EguiPostUpdateSet;
    app.init_resource::<Widgets>()
        .add_systems(PreUpdate, enable_accesskit)
        .add_systems(
            PostUpdate,
            capture_widgets
                .after(EguiPostUpdateSet::EndPass)
                .before(EguiPostUpdateSet::ProcessOutput),
        );
}

fn enable_accesskit(
    mut contexts: Query<&mut bevy_egui::EguiContext, Added<bevy_egui::EguiContext>>,
) {
    for mut ctx in &mut contexts {
        ctx.get_mut().enable_accesskit();
    }
}

fn capture_widgets(
    mut outputs: Query<(&bevy_egui::EguiFullOutput, &mut bevy_egui::EguiContext)>,
    mut widgets: ResMut<Widgets>,
) {
    use bevy_egui::egui::accesskit::Toggled;
    for (output, mut ctx) in &mut outputs {
        let Some(update) = output
            .0
            .as_ref()
            .and_then(|o| o.platform_output.accesskit_update.as_ref())
        else {
            continue;
        };
        let zoom = ctx.get_mut().zoom_factor();
        let rect_of = |b: bevy_egui::egui::accesskit::Rect| {
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
                    role: format!("{:?}", node.role()),
                    // egui names buttons with a label and plain text with a value.
                    label: node
                        .label()
                        .or_else(|| node.value())
                        .map(str::to_owned)
                        .unwrap_or_default(),
                    rect,
                    toggled: node.toggled() == Some(Toggled::True),
                    visible,
                    region: holders.first().and_then(|r| r.label()).map(str::to_owned),
                })
            })
            .collect();
        found.sort_by(|a, b| {
            (a.rect.min.y, a.rect.min.x)
                .partial_cmp(&(b.rect.min.y, b.rect.min.x))
                .unwrap_or(std::cmp::Ordering::Equal)
        });
        if widgets.0 != found {
            widgets.0 = found;
        }
    }
}

impl Widgets {
    /// The first widget (top to bottom, left to right) whose name is `label`.
    pub fn named(&self, label: &str) -> Option<&Widget> {
        self.0.iter().find(|w| w.label == label)
    }
}
