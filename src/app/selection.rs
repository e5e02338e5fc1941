//! What is selected and which write-up is open: the consumer of the selection intents
//! (`Select`, `ClearSelection`, `ShowTopic`, `OpenWriteup`, `CloseWriteup`, `Back`,
//! `OpenSelected`, `Navigate`, `TabNext`, `DismissNotice`).
//!
//! Visuals then follow from [`Selection`] and [`Reader`].

use bevy::prelude::*;

use super::state::{
    AppSystems, Consumer, Intent, LoadedModel, Notice, Reader, RevealTarget, Selection,
};
use crate::model::navigate::neighbour_in_direction;
use crate::model::{ComponentId, Target};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (
            apply_intents.in_set(AppSystems::Apply),
            forget_vanished.in_set(AppSystems::Follow),
        ),
    );
}

/// After a reload, a selection or open write-up that no longer exists is dropped; another
/// diagram starts with nothing selected.
fn forget_vanished(
    model: Option<Res<LoadedModel>>,
    mut selection: ResMut<Selection>,
    mut reader: ResMut<Reader>,
    mut last_file: Local<Option<String>>,
) {
    let Some(model) = model.filter(|m| m.is_changed()) else {
        return;
    };
    let before = last_file.replace(model.diagram_file.clone());
    let other_diagram = before.is_some_and(|f| f != model.diagram_file);
    if other_diagram
        || selection
            .target
            .as_ref()
            .is_some_and(|t| !model.diagram.contains(t))
    {
        selection.set_if_neq(Selection::default());
    }
    if reader
        .open
        .as_ref()
        .is_some_and(|s| model.writeups.get(s).is_none())
    {
        *reader = Reader::default();
    }
}

/// The component keyboard navigation starts from: the selected one, or a selected link's start.
fn navigation_origin(model: &LoadedModel, selection: &Selection) -> Option<ComponentId> {
    match &selection.target {
        Some(Target::Component(id)) => Some(id.clone()),
        Some(Target::Link(id)) => model.diagram.link(id.as_str()).map(|l| l.from.clone()),
        None => None,
    }
}

/// Applies every selection intent of this frame, in order.
fn apply_intents(
    mut intents: MessageReader<Intent>,
    model: Option<Res<LoadedModel>>,
    mut selection: ResMut<Selection>,
    mut reader: ResMut<Reader>,
    mut notice: ResMut<Notice>,
    mut reveal: MessageWriter<RevealTarget>,
) {
    let Some(model) = model else {
        intents.clear();
        return;
    };
    let select = |selection: &mut ResMut<Selection>, target: Option<Target>| {
        selection.set_if_neq(Selection { target });
    };
    for intent in intents.read().filter(Intent::for_(Consumer::Selection)) {
        match intent {
            Intent::Select(t) if model.diagram.contains(t) => {
                select(&mut selection, Some(t.clone()))
            }
            Intent::ClearSelection => select(&mut selection, None),
            Intent::ShowTopic(slug) => {
                let near = selection.target.clone();
                if let Some(t) = model.diagram.target_for_writeup_near(slug, near.as_ref()) {
                    select(&mut selection, Some(t));
                }
            }
            Intent::OpenWriteup(slug) if model.writeups.get(slug).is_some() => {
                reader.set_if_neq(Reader {
                    open: Some(slug.clone()),
                    section: None,
                });
            }
            Intent::OpenWriteupAt(slug, section) if model.writeups.get(slug).is_some() => {
                reader.set_if_neq(Reader {
                    open: Some(slug.clone()),
                    section: Some(section.clone()),
                });
            }
            Intent::OpenWriteup(slug) | Intent::OpenWriteupAt(slug, _) => {
                notice.say(format!("The write-up `{slug}` is missing."))
            }
            Intent::CloseWriteup => {
                reader.set_if_neq(Reader::default());
            }
            Intent::Back => {
                if reader.open.is_some() {
                    *reader = Reader::default();
                } else if selection.target.is_some() {
                    selection.target = None;
                }
            }
            Intent::DismissNotice => notice.text = None,
            Intent::OpenSelected => {
                match selection
                    .target
                    .as_ref()
                    .and_then(|t| model.diagram.writeup_of(t))
                {
                    Some(slug) if model.writeups.get(slug).is_some() => {
                        reader.set_if_neq(Reader {
                            open: Some(slug.clone()),
                            section: None,
                        });
                    }
                    Some(slug) => notice.say(format!("The write-up `{slug}` is missing.")),
                    None => {}
                }
            }
            Intent::Navigate(dir) => {
                let next = match navigation_origin(&model, &selection) {
                    Some(id) => neighbour_in_direction(&model.diagram, &id, *dir),
                    None => model.diagram.tab_next(None, false),
                };
                if let Some(id) = next {
                    let target = Target::Component(id);
                    select(&mut selection, Some(target.clone()));
                    reveal.write(RevealTarget(target));
                }
            }
            Intent::TabNext { back } => {
                let from = navigation_origin(&model, &selection);
                if let Some(id) = model.diagram.tab_next(from.as_ref(), *back) {
                    let target = Target::Component(id);
                    select(&mut selection, Some(target.clone()));
                    reveal.write(RevealTarget(target));
                }
            }
            _ => {}
        }
    }
}
