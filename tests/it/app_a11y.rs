//! What a screen reader finds, from the accessibility tree the app hands to AccessKit (the same
//! tree AT-SPI reads on Linux and the web page mirrors): the diagram's parts nested as they are
//! drawn, named, described and selectable, with the reader's focus following the selection.

use autochitect::app::headless::widget_with_role;
use autochitect::app::state::{AccessAction, Widgets};
use bevy::prelude::*;

use crate::support::*;

fn tree(app: &App) -> Widgets {
    app.world().resource::<Widgets>().clone()
}

#[test]
fn every_part_of_the_diagram_is_a_named_tree_item_nested_as_drawn() {
    let mut app = app_with_ui();
    let t = tree(&app);
    let m = model(&app);
    let centres: std::collections::HashMap<String, Vec2> = m
        .diagram
        .components()
        .iter()
        .map(|c| (c.id.to_string(), component_center(&mut app, c.id.as_str())))
        .collect();
    for c in m.diagram.components() {
        let item = t
            .nodes
            .iter()
            .find(|n| {
                n.role == "TreeItem" && n.label == c.label && {
                    // The right one of two parts with one label: its place says which.
                    let head = format!(
                        "{}, {}",
                        c.kind.label(),
                        m.diagram.breadcrumb(&c.id).join(" › ")
                    );
                    n.description
                        .as_deref()
                        .is_some_and(|d| d == head || d.starts_with(&format!("{head}.")))
                }
            })
            .unwrap_or_else(|| panic!("no tree item for {}", c.id));
        let parent = t.nodes.iter().find(|n| Some(n.id) == item.parent);
        match &c.parent {
            Some(p) => {
                let want = m.diagram.component(p.as_str()).map(|p| p.label.clone());
                assert_eq!(parent.map(|p| p.label.clone()), want, "{}'s parent", c.id);
            }
            None => assert_eq!(parent.map(|p| p.role.as_str()), Some("Tree"), "{}", c.id),
        }
        assert!(item.clickable, "{} can be activated", c.id);
        // Where a screen reader's highlight (or a magnifier) goes: on the part as drawn.
        let drawn = centres[c.id.as_str()];
        assert!(
            item.rect.center().distance(drawn) < 1.5,
            "{} is at {:?} in the tree but drawn at {drawn:?}",
            c.id,
            item.rect.center()
        );
    }
    let links =
        t.nodes.iter().filter(|n| n.role == "TreeItem").count() - m.diagram.components().len();
    assert_eq!(links, m.diagram.links().len(), "every link is an item too");
    // "Raft consensus" inside "Database node" inside "Computer A".
    let raft = t
        .nodes
        .iter()
        .find(|n| {
            n.label == "Raft consensus"
                && n.description
                    .as_deref()
                    .is_some_and(|d| d.contains(", Computer A › Database node"))
        })
        .expect("Raft consensus");
    let db = t
        .nodes
        .iter()
        .find(|n| Some(n.id) == raft.parent)
        .expect("its parent");
    assert_eq!(db.label, "Database node");
    let computer = t
        .nodes
        .iter()
        .find(|n| Some(n.id) == db.parent)
        .expect("its parent");
    assert_eq!(computer.label, "Computer A");
}

#[test]
fn the_screen_readers_focus_follows_the_keyboard_and_activation_selects() {
    let mut app = app_with_ui();
    press_key(&mut app, KeyCode::Tab);
    run_frames(&mut app, 1);
    let t = tree(&app);
    let focused = t
        .nodes
        .iter()
        .find(|n| Some(n.id) == t.focus)
        .expect("a focused node");
    let first = model(&app).diagram.reading_order()[0].clone();
    let label = model(&app)
        .diagram
        .component(first.as_str())
        .expect("c")
        .label
        .clone();
    assert_eq!(focused.label, label);
    assert!(focused.selected, "the focused part is the selected one");
    // A screen reader's "activate" on another part selects it.
    let sockets = t
        .nodes
        .iter()
        .find(|n| n.role == "TreeItem" && n.label == "Sockets")
        .expect("Sockets")
        .id;
    app.world_mut().write_message(AccessAction::click(sockets));
    run_frames(&mut app, 2);
    assert!(
        matches!(selected(&app), Some(autochitect::model::Target::Component(id)) if id.as_str().ends_with("-sockets"))
    );
    let t = tree(&app);
    assert_eq!(t.focus, Some(sockets), "the reader's focus moved with it");
}

#[test]
fn the_panels_are_regions_and_the_reader_has_headings() {
    let mut app = app_with_ui();
    let pos = component_center(&mut app, "a-raft");
    click_at(&mut app, pos);
    run_frames(&mut app, 1);
    assert!(widget_with_role(&app, "Toolbar", "Top bar").is_some());
    assert!(widget_with_role(&app, "Complementary", "Summary").is_some());
    click_widget(&mut app, "Read write-up →");
    run_frames(&mut app, 2);
    let headings: Vec<_> = tree(&app)
        .nodes
        .into_iter()
        .filter(|n| n.role == "Heading")
        .collect();
    assert!(
        headings
            .iter()
            .any(|h| h.label == "Key takeaways" && h.level == Some(2))
    );
    assert!(headings.iter().any(|h| h.level == Some(1)));
}
