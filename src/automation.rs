//! A window onto the app's state for end-to-end scripts: with `AUTOCHITECT_STATE_FILE` set,
//! the desktop app writes a small JSON file whenever what a user sees changes: whether the
//! model is ready, what is selected, which write-up is open, and where every component is
//! on screen (logical window pixels), so a script can click a component without hard-coded
//! coordinates.

use bevy::prelude::*;

#[cfg(not(target_arch = "wasm32"))]
use crate::camera::MainCamera;
use crate::loading::{LoadProblems, LoadedModel};
use crate::model::Target;
use crate::selection::{Reader, Selection};

pub(super) fn plugin(app: &mut App) {
    #[cfg(not(target_arch = "wasm32"))]
    if let Ok(path) = std::env::var("AUTOCHITECT_STATE_FILE") {
        app.insert_resource(StateFile(path.into()))
            .add_systems(Last, write_state);
    }
    let _ = app;
}

#[cfg(not(target_arch = "wasm32"))]
#[derive(Resource)]
struct StateFile(std::path::PathBuf);

/// The state as a JSON value.
pub fn snapshot(
    model: Option<&LoadedModel>,
    problems: &LoadProblems,
    selection: &Selection,
    reader: &Reader,
    tour: &crate::tour::TourState,
    presenter: &crate::presenter::Presenter,
    notice: Option<&crate::selection::Notice>,
    camera: Option<(&Camera, &GlobalTransform)>,
) -> serde_json::Value {
    let selected = selection.target.as_ref().map(|t| match t {
        Target::Component(id) => id.to_string(),
        Target::Link(id) => id.to_string(),
    });
    let mut components = serde_json::Map::new();
    if let (Some(model), Some((camera, transform))) = (model, camera) {
        for c in model.diagram.components() {
            let r = c.rect;
            let corners = [Vec2::new(r.x, -r.y), Vec2::new(r.x + r.w, -(r.y + r.h))];
            let screen: Vec<Vec2> = corners
                .iter()
                .filter_map(|p| camera.world_to_viewport(transform, p.extend(0.0)).ok())
                .collect();
            if let [a, b] = screen.as_slice() {
                components.insert(
                    c.id.to_string(),
                    serde_json::json!([a.x, a.y, b.x - a.x, b.y - a.y]),
                );
            }
        }
    }
    serde_json::json!({
        "ready": model.is_some(),
        "errors": problems.0.0.iter().map(ToString::to_string).collect::<Vec<_>>(),
        "selected": selected,
        "writeup": reader.open.as_ref().map(ToString::to_string),
        "tour": tour.tour.as_ref().map(|t| serde_json::json!({"name": t, "step": tour.step + 1})),
        "presenter": presenter.on,
        "notice": notice.and_then(|n| n.text.clone()),
        "blank": presenter.blank,
        "components": components,
    })
}

#[cfg(not(target_arch = "wasm32"))]
#[allow(clippy::too_many_arguments)]
fn write_state(
    file: Res<StateFile>,
    model: Option<Res<LoadedModel>>,
    problems: Res<LoadProblems>,
    selection: Res<Selection>,
    reader: Res<Reader>,
    tour: Res<crate::tour::TourState>,
    presenter: Res<crate::presenter::Presenter>,
    notice: Res<crate::selection::Notice>,
    moved: Query<(), (With<MainCamera>, Changed<GlobalTransform>)>,
    all_cameras: Query<(&Camera, &GlobalTransform), With<MainCamera>>,
    mut last: Local<String>,
) {
    let changed = model.as_ref().is_some_and(|m| m.is_changed())
        || problems.is_changed()
        || selection.is_changed()
        || reader.is_changed()
        || tour.is_changed()
        || presenter.is_changed()
        || notice.is_changed()
        || !moved.is_empty();
    if !changed {
        return;
    }
    let json = snapshot(
        model.as_deref(),
        &problems,
        &selection,
        &reader,
        &tour,
        &presenter,
        Some(&notice),
        all_cameras.single().ok(),
    )
    .to_string();
    if *last == json {
        return;
    }
    // Write then rename, so a reader never sees half a file.
    let tmp = file.0.with_extension("tmp");
    if std::fs::write(&tmp, &json)
        .and_then(|()| std::fs::rename(&tmp, &file.0))
        .is_ok()
    {
        *last = json;
    }
}
