//! What assistive technology is told, as the features share it: the accessibility tree of the
//! last frame as [`Widgets`] (written by `access`, read by the state probe, the web page's
//! mirror and the tests), and [`AccessAction`]s asked of it (by a screen reader, the page's
//! mirror or a test), which `access` carries out.

use bevy::prelude::*;
use bevy_egui::egui::accesskit;

/// A widget (or a part of the diagram) in the accessibility tree of the last frame: what a
/// screen reader finds, and where it is (logical window pixels).
#[derive(Debug, Clone, PartialEq)]
pub struct Widget {
    /// Its AccessKit id.
    pub id: u64,
    /// The node holding it, if any.
    pub parent: Option<u64>,
    /// Its role, as AccessKit names it (`Button`, `CheckBox`, `TextInput`, `Label`, `TreeItem`…).
    pub role: String,
    /// Its accessible name (a button's text, a label's text, a part's label).
    pub label: String,
    /// Its description, if any (a part's description and place in the diagram).
    pub description: Option<String>,
    /// Where it is on screen.
    pub rect: Rect,
    /// Whether it is toggled on (selectable labels, checkboxes).
    pub toggled: bool,
    /// Whether it is selected (a part of the diagram).
    pub selected: bool,
    /// A heading's level.
    pub level: Option<usize>,
    /// Whether it can be seen: inside the visible part of every region holding it (a widget
    /// scrolled out of its panel is in the tree but not on screen).
    pub visible: bool,
    /// The name of the innermost region (panel) holding it, if any.
    pub region: Option<String>,
    /// Whether activating it does something (a click action).
    pub clickable: bool,
}

/// The accessibility tree of the last frame, top to bottom, left to right.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Widgets {
    /// Every node with a place on screen.
    pub nodes: Vec<Widget>,
    /// The node that has the screen reader's focus.
    pub focus: Option<u64>,
    /// The tree is of a finished picture: egui asked for no frame at once after it (a new
    /// menu or popup is laid out unseen in its first frame, its items where they will not be
    /// drawn, and shown in the next).
    pub settled: bool,
}

impl Widgets {
    /// The first widget (top to bottom, left to right) whose name is `label`.
    pub fn named(&self, label: &str) -> Option<&Widget> {
        self.nodes.iter().find(|w| w.label == label)
    }
}

/// An action asked of a node of the tree (activating a part selects it; the rest are egui's).
/// The app acts on it at the start of the next frame.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct AccessAction(pub accesskit::ActionRequest);

impl AccessAction {
    /// A click on node `target`, as a screen reader's "activate".
    pub fn click(target: u64) -> AccessAction {
        AccessAction(accesskit::ActionRequest {
            action: accesskit::Action::Click,
            target_tree: accesskit::TreeId::ROOT,
            target_node: accesskit::NodeId(target),
            data: None,
        })
    }
}

/// Asks for the accessibility tree, as a screen reader would (the state probe and the web
/// page's mirror read it).
pub fn ask_for_the_tree(requested: Option<Res<bevy::a11y::AccessibilityRequested>>) {
    if let Some(requested) = requested {
        requested.set(true);
    }
}
