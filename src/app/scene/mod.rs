//! The diagram on the canvas, rebuilt when the model loads.
//!
//! - One entity per component and per link carries its label ([`DiagramEntity`],
//!   [`CanvasLabel`]) and draws nothing itself. (What is under the pointer is the core's
//!   `model::hit`, asked by `pointer`.)
//! - The boxes of each top-level component are one mesh (a tile, culled as a whole when off
//!   screen) and all lines another (see [`batch`]): a diagram of 10,000 components in 50
//!   computers is about 50 draw calls. They are rebuilt when the model or the emphasis changes.
//! - Hover and selection are a small overlay mesh on top, rebuilt when they change, so
//!   pointing at things never touches the big meshes.
//! - Labels are drawn by egui (`ui::labels`) from the [`CanvasLabel`]s: crisp at any zoom,
//!   hidden when too small to read, and only those on screen.
//!
//! World coordinates are diagram coordinates with y flipped (y up), so `(x, y)` in a file is
//! `(x, -y)` on screen.

pub mod batch;

use bevy::prelude::*;

use super::state::{
    AppSystems, CameraView, CanvasLabel, DiagramEntity, Emphasis, Hovered, LabelPlace, LoadedModel,
    SearchState, Selection, TourState,
};
use super::theme::{self, Look};
use crate::model::style::{LabelRole, arrow_head};
use crate::model::{Component as DiagramComponent, Diagram, Link, Target};
use batch::Batch;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Startup, spawn_layers).add_systems(
        Update,
        (
            emphasise.in_set(AppSystems::Follow),
            (
                rebuild.run_if(resource_exists_and_changed::<LoadedModel>),
                draw_diagram,
                draw_highlights,
                pick_detail,
            )
                .chain()
                .in_set(AppSystems::Visuals),
        ),
    );
}

/// What stays bright: the current tour step's focus, and while the search box has a query,
/// the parts it matches (the search wins).
fn emphasise(
    model: Option<Res<LoadedModel>>,
    tour: Res<TourState>,
    search: Res<SearchState>,
    mut emphasis: ResMut<Emphasis>,
) {
    let model_changed = model.as_ref().is_some_and(|m| m.is_changed());
    if !(tour.is_changed() || search.is_changed() || model_changed) {
        return;
    }
    let Some(model) = model else { return };
    let focus = tour.current(&model).map(|(_, s)| s.focus.clone());
    let matches = (search.open && !search.query.trim().is_empty()).then(|| {
        crate::model::search::search(&search.query, &model.diagram, &model.writeups)
            .into_iter()
            .filter_map(|r| match r.hit {
                crate::model::search::Hit::Target(t) => Some(t),
                crate::model::search::Hit::Writeup(_) => None,
            })
            .collect()
    });
    emphasis.set_if_neq(Emphasis {
        tour: focus,
        search: matches,
    });
}

/// Whether `target` stays bright under `emphasis`: it is emphasised, or it contains or sits
/// inside an emphasised component (so containers and their contents stay readable).
fn bright(target: &Target, emphasis: &[Target], diagram: &Diagram) -> bool {
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

fn is_ancestor(
    diagram: &Diagram,
    ancestor: &crate::model::ComponentId,
    of: &crate::model::ComponentId,
) -> bool {
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

/// One entity per component and link, despawned when the model is replaced.
#[derive(Component)]
struct DiagramPart;

/// The meshes the lines and the highlights are drawn with, and the material of every layer.
#[derive(Resource)]
struct Layers {
    lines: Handle<Mesh>,
    highlights: Handle<Mesh>,
    /// The entity drawing `lines`.
    lines_entity: Entity,
    /// White, so each vertex's own colour shows.
    material: Handle<ColorMaterial>,
}

/// One top-level component's boxes (a computer and everything in it), in one of two levels of
/// detail: rounded, or plain rectangles for when corners are too small to see. One tile per
/// top-level component lets Bevy's frustum culling skip the computers that are off screen.
#[derive(Component)]
struct BoxTile {
    coarse: bool,
}

/// Below this many pixels of corner radius on screen, boxes are drawn as plain rectangles.
const MIN_CORNER_PX: f32 = 1.5;

/// Lines are left out when even the thickest would be thinner than this on screen: they
/// would only show as scattered dots, and cost a software renderer a triangle each.
const MIN_LINE_PX: f32 = 0.3;
/// The thickest line (the cable), in world units.
const THICKEST_LINE: f32 = 7.0;

/// Z layers: deeper boxes above their parents, lines above all boxes, then hover and selection.
fn box_z(depth: usize) -> f32 {
    depth as f32 * 2.0
}
const LINK_Z: f32 = 50.0;
const HIGHLIGHT_Z: f32 = 60.0;
/// Width of the hover ring inside a box's edge.
const HOVER_WIDTH: f32 = 2.5;

fn spawn_layers(
    mut commands: Commands,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<ColorMaterial>>,
) {
    let material = materials.add(Color::WHITE);
    let mut layer = |name: &'static str| {
        let mesh = meshes.add(Batch::default().into_mesh());
        let entity = commands
            .spawn((
                Name::new(name),
                Mesh2d(mesh.clone()),
                MeshMaterial2d(material.clone()),
                Transform::default(),
            ))
            .id();
        (mesh, entity)
    };
    let (lines, lines_entity) = layer("Lines");
    let layers = Layers {
        lines,
        highlights: layer("Hover and selection").0,
        lines_entity,
        material,
    };
    commands.insert_resource(layers);
}

/// World position of a diagram point.
fn world(p: crate::model::Point) -> Vec2 {
    Vec2::new(p.x, -p.y)
}

fn world_rect(c: &DiagramComponent) -> Rect {
    Rect::from_center_size(world(c.rect.center()), Vec2::new(c.rect.w, c.rect.h))
}

fn link_points(l: &Link) -> Vec<Vec2> {
    l.path.iter().map(|p| world(*p)).collect()
}

/// Spawns the entities that labels (and tests) read.
fn rebuild(mut commands: Commands, model: Res<LoadedModel>, old: Query<Entity, With<DiagramPart>>) {
    for e in &old {
        commands.entity(e).despawn();
    }
    let mut batch: Vec<_> = Vec::with_capacity(model.diagram.components().len());
    for c in model.diagram.components() {
        batch.push(component_part(c));
    }
    commands.spawn_batch(batch);
    let links: Vec<_> = model.diagram.links().iter().map(link_part).collect();
    commands.spawn_batch(links);
}

/// What one component or link spawns.
type Part = (DiagramPart, DiagramEntity, CanvasLabel);

fn component_part(c: &DiagramComponent) -> Part {
    let rect = world_rect(c);
    let role = LabelRole::of_component(c);
    let place = match role {
        LabelRole::Leaf => LabelPlace::Centered(rect),
        LabelRole::Container | LabelRole::Computer => LabelPlace::Title(rect),
    };
    (
        DiagramPart,
        DiagramEntity {
            target: Target::Component(c.id.clone()),
        },
        CanvasLabel {
            // Characters the font lacks show as U+FFFD, never as nothing.
            text: crate::model::glyphs::visible(&c.label).into_owned(),
            size: role.font(),
            place,
            backdrop: false,
            dimmed: false,
        },
    )
}

fn link_part(l: &Link) -> Part {
    // Where the router placed it, clear of boxes and lines (the same place as in the SVG).
    let place = LabelPlace::Beside(world(l.label_rect.center()));
    (
        DiagramPart,
        DiagramEntity {
            target: Target::Link(l.id.clone()),
        },
        CanvasLabel {
            text: crate::model::glyphs::visible(&l.label).into_owned(),
            size: theme::LINK_FONT,
            place,
            backdrop: true,
            dimmed: false,
        },
    )
}

/// Puts a rebuilt batch in place of a layer's mesh.
fn replace(meshes: &mut Assets<Mesh>, layer: &Handle<Mesh>, batch: Batch) {
    if let Err(e) = meshes.insert(layer, batch.into_mesh()) {
        warn!("cannot replace a diagram mesh: {e}");
    }
}

fn fade(look: &Look, c: Color, dim: bool) -> Color {
    if dim {
        c.mix(&look.background(), theme::DIM)
    } else {
        c
    }
}

/// Draws a component's box: a border ring around a fill, each pixel covered once (software
/// renderers pay for every covered pixel, so nothing is drawn twice where it can be avoided).
fn draw_box(b: &mut Batch, look: &Look, c: &DiagramComponent, dim: bool) {
    let rect = world_rect(c);
    let z = box_z(c.depth);
    let bw = look.palette.border_width;
    b.ring(
        rect.center(),
        rect.size(),
        theme::CORNER_RADIUS,
        bw,
        z,
        fade(look, look.border(), dim),
    );
    b.rounded_rect(
        rect.center(),
        rect.size() - Vec2::splat(2.0 * bw),
        (theme::CORNER_RADIUS - bw).max(0.0),
        z + 0.5,
        fade(look, look.fill(c.kind), dim),
    );
}

/// Draws a component's box as two plain rectangles (border colour, fill inside it), for when
/// corners are too small to see: four triangles instead of fifty. Far away, triangle count
/// costs a software renderer more than the pixels drawn twice.
fn draw_coarse_box(b: &mut Batch, look: &Look, c: &DiagramComponent, dim: bool) {
    let rect = world_rect(c);
    let z = box_z(c.depth);
    let bw = look.palette.border_width;
    b.rect(
        rect.center(),
        rect.size(),
        z,
        fade(look, look.border(), dim),
    );
    b.rect(
        rect.center(),
        rect.size() - Vec2::splat(2.0 * bw),
        z + 0.5,
        fade(look, look.fill(c.kind), dim),
    );
}

/// Shows the rounded boxes close up and the plain ones far away; lines while they would show.
fn pick_detail(
    view: Option<Res<CameraView>>,
    layers: Option<Res<Layers>>,
    new_tiles: Query<(), Added<BoxTile>>,
    mut tiles: Query<(&BoxTile, &mut Visibility)>,
    mut visibility: Query<&mut Visibility, Without<BoxTile>>,
) {
    let (Some(view), Some(layers)) = (view, layers) else {
        return;
    };
    if !view.is_changed() && !layers.is_added() && new_tiles.is_empty() {
        return;
    }
    let show = |on: bool| {
        if on {
            Visibility::Inherited
        } else {
            Visibility::Hidden
        }
    };
    let coarse = theme::CORNER_RADIUS / view.scale < MIN_CORNER_PX;
    for (tile, mut v) in &mut tiles {
        v.set_if_neq(show(tile.coarse == coarse));
    }
    if let Ok(mut v) = visibility.get_mut(layers.lines_entity) {
        v.set_if_neq(show(THICKEST_LINE / view.scale >= MIN_LINE_PX));
    }
}

/// Draws a link's line and, when directed, its arrow head.
fn draw_link(b: &mut Batch, l: &Link, color: Color, width: f32, z: f32) {
    let points = link_points(l);
    for pair in points.windows(2) {
        if let [a, p] = pair {
            b.segment(*a, *p, width, z, color);
        }
    }
    if l.directed
        && let Some([tip, left, right]) = arrow_head(&l.path, width)
    {
        // y flips on the way to the world, which mirrors the triangle: swap its base corners
        // to keep the winding.
        b.triangle([world(tip), world(right), world(left)], z + 0.05, color);
    }
}

/// Rebuilds the box tiles and the line mesh when the model or the emphasis changes, and fades
/// labels with their parts.
#[allow(clippy::too_many_arguments)]
fn draw_diagram(
    mut commands: Commands,
    model: Option<Res<LoadedModel>>,
    emphasis: Res<Emphasis>,
    look: Res<Look>,
    layers: Option<Res<Layers>>,
    mut meshes: ResMut<Assets<Mesh>>,
    old_tiles: Query<Entity, With<BoxTile>>,
    mut labels: Query<(&DiagramEntity, &mut CanvasLabel)>,
    added: Query<(), Added<DiagramPart>>,
) {
    let (Some(model), Some(layers)) = (model, layers) else {
        return;
    };
    if !(model.is_changed() || emphasis.is_changed() || look.is_changed() || !added.is_empty()) {
        return;
    }
    let diagram = &model.diagram;
    let dim = |t: &Target| emphasis.active().is_some_and(|e| !bright(t, e, diagram));
    // Parents before children, so each component finds its top-level ancestor's tile.
    let mut order: Vec<&DiagramComponent> = diagram.components().iter().collect();
    order.sort_by_key(|c| c.depth);
    let mut tile_of: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
    let mut tiles: Vec<(Batch, Batch)> = Vec::new();
    for c in order {
        let tile = match c.parent.as_ref().and_then(|p| tile_of.get(p.as_str())) {
            Some(&t) => t,
            None => {
                tiles.push((Batch::default(), Batch::default()));
                tiles.len() - 1
            }
        };
        tile_of.insert(c.id.as_str(), tile);
        if let Some((fine, coarse)) = tiles.get_mut(tile) {
            let d = dim(&Target::Component(c.id.clone()));
            draw_box(fine, &look, c, d);
            draw_coarse_box(coarse, &look, c, d);
        }
    }
    for e in &old_tiles {
        commands.entity(e).despawn();
    }
    for (fine, coarse) in tiles {
        for (batch, is_coarse) in [(fine, false), (coarse, true)] {
            commands.spawn((
                Name::new(if is_coarse {
                    "Boxes, far away"
                } else {
                    "Boxes"
                }),
                BoxTile { coarse: is_coarse },
                Mesh2d(meshes.add(batch.into_mesh())),
                MeshMaterial2d(layers.material.clone()),
                Transform::default(),
                // `pick_detail` shows the right level once the tile exists.
                Visibility::Hidden,
            ));
        }
    }
    let mut lines = Batch::with_capacity(diagram.links().len());
    for l in diagram.links() {
        let (color, width) = look.link_style(l.kind);
        let d = dim(&Target::Link(l.id.clone()));
        draw_link(&mut lines, l, fade(&look, color, d), width, LINK_Z);
    }
    replace(&mut meshes, &layers.lines, lines);
    for (entity, mut label) in &mut labels {
        let d = dim(&entity.target);
        if label.dimmed != d {
            label.dimmed = d;
        }
    }
}

/// The selection's halo (a ring outside a box, a wide stroke under a line) or the hover's
/// mark (a ring inside a box's edge, the line redrawn in the hover colour).
fn draw_highlight(b: &mut Batch, look: &Look, diagram: &Diagram, target: &Target, selected: bool) {
    match target {
        Target::Component(id) => {
            let Some(c) = diagram.component(id.as_str()) else {
                return;
            };
            let rect = world_rect(c);
            let (grow, width, z, color) = if selected {
                let s = theme::SELECTED_BORDER_WIDTH;
                (s, s, HIGHLIGHT_Z, look.selected())
            } else {
                (0.0, HOVER_WIDTH, HIGHLIGHT_Z + 0.2, look.hover())
            };
            b.ring(
                rect.center(),
                rect.size() + Vec2::splat(2.0 * grow),
                theme::CORNER_RADIUS + grow,
                width,
                z,
                color,
            );
        }
        Target::Link(id) => {
            let Some(l) = diagram.link(id.as_str()) else {
                return;
            };
            let (color, width) = look.link_style(l.kind);
            if selected {
                draw_link(b, l, look.selected(), width + 6.0, HIGHLIGHT_Z);
                draw_link(b, l, color, width, HIGHLIGHT_Z + 0.1);
            } else {
                draw_link(b, l, look.hover(), width, HIGHLIGHT_Z + 0.2);
            }
        }
    }
}

/// Rebuilds the small overlay for the hovered and the selected part.
fn draw_highlights(
    model: Option<Res<LoadedModel>>,
    selection: Res<Selection>,
    hovered: Res<Hovered>,
    look: Res<Look>,
    layers: Option<Res<Layers>>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    let (Some(model), Some(layers)) = (model, layers) else {
        return;
    };
    if !(model.is_changed() || selection.is_changed() || hovered.is_changed() || look.is_changed())
    {
        return;
    }
    let mut b = Batch::with_capacity(2);
    if let Some(target) = &selection.target {
        draw_highlight(&mut b, &look, &model.diagram, target, true);
    }
    if let Some(target) = &hovered.target
        && hovered.target != selection.target
    {
        draw_highlight(&mut b, &look, &model.diagram, target, false);
    }
    replace(&mut meshes, &layers.highlights, b);
}
