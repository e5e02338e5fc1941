//! The diagram on the canvas, rebuilt when the model loads.
//!
//! - The figure is the core's display list ([`CanvasFigure`], `model::figure`), built when the
//!   model, the theme or the text size changes and faded in place when the emphasis does; the
//!   meshes here and the labels (`ui::labels`) draw it as it is.
//! - One entity per component and per link ([`DiagramEntity`]) stands for the part and draws
//!   nothing itself. (What is under the pointer is the core's `model::hit`, asked by
//!   `pointer`.)
//! - The boxes of each top-level component are one mesh (a tile, culled as a whole when off
//!   screen) and all lines another (see [`batch`]): a diagram of 10,000 components in 50
//!   computers is about 50 draw calls. They are rebuilt when the model or the emphasis changes.
//! - Hover and selection are a small overlay mesh on top, rebuilt when they change, so
//!   pointing at things never touches the big meshes.
//! - Labels are drawn by egui (`ui::labels`) from the figure's labels: crisp at any zoom,
//!   hidden when too small to read, and only those on screen.
//!
//! - The app is [`Shown`] once the diagram is framed and the renderer's last frame drew all
//!   of it ([`FrameComplete`]: no pipeline still compiling); on the web the page's own figure
//!   gives way to the app then, so no frame without the diagram is ever seen.
//!
//! Diagram points become world points in `state::space`.

pub mod batch;

use bevy::prelude::*;

use super::state::space::{world, world_rect};
use super::state::{
    AppSystems, CameraView, CanvasFigure, DiagramEntity, Emphasis, FrameComplete, Hovered,
    LoadedModel, Preferences, SearchState, Selection, Shown, ShownInFrame, ShownSystems, TourState,
};
use super::theme::{self, Look};
use crate::model::Target;
use crate::model::figure::{Figure, FigureBox, FigureLine};
use crate::model::style::Rgb;
use batch::Batch;

pub(super) fn plugin(app: &mut App) {
    // The renderer says whether each frame was complete; without one there is nothing to wait
    // for.
    let complete = match app.get_sub_app_mut(bevy::render::RenderApp) {
        Some(render) => {
            let flag = FrameComplete(Some(Default::default()));
            render.insert_resource(flag.clone()).add_systems(
                bevy::render::Render,
                note_frame_complete.in_set(bevy::render::RenderSystems::Cleanup),
            );
            warm_first_frame_shaders(app);
            flag
        }
        None => FrameComplete(None),
    };
    app.insert_resource(complete)
        .init_resource::<Shown>()
        .init_resource::<ShownInFrame>()
        .add_systems(Last, note_shown.in_set(ShownSystems))
        .add_systems(Startup, spawn_layers)
        .add_systems(
            Update,
            (
                emphasise.in_set(AppSystems::Follow),
                (
                    rebuild.run_if(resource_exists_and_changed::<LoadedModel>),
                    build_figure,
                    draw_diagram,
                    draw_highlights,
                    pick_detail,
                )
                    .chain()
                    .in_set(AppSystems::Visuals),
            ),
        );
}

/// The shaders of the first frame's pipelines that Bevy asks for only once the renderer runs:
/// its 2D mesh pipeline (with `ColorMaterial`'s fragment shader) and its blit pipeline load
/// them in `RenderStartup`, in the first frame, and a file asked for in a frame is in only a
/// frame later (the next frame takes it in and compiles the pipeline, the one after is whole).
/// Asked for while the app is built, they are in before the first frame, which can then be
/// whole. (The one import that depends on the device, the 2D mesh bindings, is asked for in
/// `finish`: `patches/bevy_sprite_render`.) The addresses are where Bevy's `embedded_asset!`
/// puts them (crate, then the path under its `src`); one that moves in a Bevy update is a load
/// error in the log, which the browser test fails on.
const FIRST_FRAME_SHADERS: [&str; 3] = [
    "embedded://bevy_sprite_render/mesh2d/mesh2d.wgsl",
    "embedded://bevy_sprite_render/mesh2d/color_material.wgsl",
    "embedded://bevy_core_pipeline/blit/blit.wgsl",
];

/// Keeps [`FIRST_FRAME_SHADERS`] loaded (Bevy holds its own handles once its pipelines exist).
#[derive(Resource)]
struct FirstFrameShaders {
    _held: Vec<Handle<bevy::shader::Shader>>,
}

fn warm_first_frame_shaders(app: &mut App) {
    let Some(server) = app.world().get_resource::<AssetServer>() else {
        return;
    };
    let held = FIRST_FRAME_SHADERS
        .iter()
        .map(|p| server.load(*p))
        .collect();
    app.insert_resource(FirstFrameShaders { _held: held });
}

/// In the renderer, after a frame is drawn: whether it drew everything, that is, no render
/// pipeline was queued, still compiling or waiting for a shader or one of its imports to load
/// (their draws wait for them; a pipeline waiting for a shader is kept as an error the cache
/// retries). Compute pipelines draw nothing (and WebGL2 has none: one that can never be made
/// stays queued).
fn note_frame_complete(
    cache: Res<bevy::render::render_resource::PipelineCache>,
    complete: Res<FrameComplete>,
) {
    use bevy::render::render_resource::PipelineDescriptor;
    if let Some(flag) = &complete.0 {
        let pending = cache.pipelines().any(|p| {
            matches!(
                p.descriptor,
                PipelineDescriptor::RenderPipelineDescriptor(_)
            ) && still_to_draw(&p.state)
        });
        flag.store(!pending, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Whether a pipeline in this state will draw in a later frame but not in this one: queued,
/// compiling, or waiting for its shader or an import to load. A shader that failed to compile
/// never draws, and a frame does not wait for it.
fn still_to_draw(state: &bevy::render::render_resource::CachedPipelineState) -> bool {
    use bevy::render::render_resource::CachedPipelineState;
    use bevy::shader::ShaderCacheError;
    matches!(
        state,
        CachedPipelineState::Queued
            | CachedPipelineState::Creating(_)
            | CachedPipelineState::Err(
                ShaderCacheError::ShaderNotLoaded(_)
                    | ShaderCacheError::ShaderImportNotYetAvailable
            )
    )
}

/// At the end of a frame: the app is shown once the diagram is framed, the panels sit where
/// they sat in the frame before (this frame's framing was made for them), and that frame was
/// complete, so this one, about to be drawn, is too. Until then frames keep coming, so the
/// panels settle and the renderer finishes what it compiles.
fn note_shown(
    model: Option<Res<LoadedModel>>,
    view: Option<Res<CameraView>>,
    insets: Res<super::state::UiInsets>,
    complete: Res<FrameComplete>,
    (mut shown, mut shown_in): (ResMut<Shown>, ResMut<ShownInFrame>),
    mut frames: Local<u32>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    if shown.0 {
        return;
    }
    *frames += 1;
    if model.is_none() {
        return;
    }
    if view.is_some() && !insets.is_changed() && complete.get() {
        shown.0 = true;
        shown_in.0 = *frames;
    }
    // Until shown, the next frame may be the one; once shown, the next frame asks for what waited
    // for it (the write-ups' text, the labs, the picker's other diagrams).
    redraw.write(bevy::window::RequestRedraw);
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

/// Spawns one entity per part (tests and tools find the parts by them).
fn rebuild(mut commands: Commands, model: Res<LoadedModel>, old: Query<Entity, With<DiagramPart>>) {
    for e in &old {
        commands.entity(e).despawn();
    }
    let d = &model.diagram;
    let parts: Vec<_> = d
        .components()
        .iter()
        .map(|c| Target::Component(c.id.clone()))
        .chain(d.links().iter().map(|l| Target::Link(l.id.clone())))
        .map(|target| (DiagramPart, DiagramEntity { target }))
        .collect();
    commands.spawn_batch(parts);
}

/// Builds the figure when the model, the theme or the text size changes, and fades it in place
/// when only the emphasis does.
fn build_figure(
    mut commands: Commands,
    model: Option<Res<LoadedModel>>,
    emphasis: Res<Emphasis>,
    look: Res<Look>,
    prefs: Res<Preferences>,
    figure: Option<ResMut<CanvasFigure>>,
) {
    let Some(model) = model else { return };
    let stale = |f: &Figure| {
        model.is_changed() || look.is_changed() || f.text_scale != prefs.text_scale.max(1.0)
    };
    match figure {
        Some(mut figure) if !stale(&figure.0) => {
            if emphasis.is_changed() {
                figure
                    .0
                    .emphasise(&model.diagram, emphasis.active().map(Vec::as_slice));
            }
        }
        _ => {
            let mut f = Figure::build(&model.diagram, look.palette, prefs.text_scale);
            f.emphasise(&model.diagram, emphasis.active().map(Vec::as_slice));
            commands.insert_resource(CanvasFigure(f));
        }
    }
}

/// Puts a rebuilt batch in place of a layer's mesh.
fn replace(meshes: &mut Assets<Mesh>, layer: &Handle<Mesh>, batch: Batch) {
    if let Err(e) = meshes.insert(layer, batch.into_mesh()) {
        tracing::warn!("cannot replace a diagram mesh: {e}");
    }
}

/// A colour of the figure as shown (faded with its part).
fn shown(figure: &Figure, c: Rgb, faded: bool) -> Color {
    theme::color(figure.shown(c, faded))
}

/// Draws a component's box: a border ring around a fill, each pixel covered once (software
/// renderers pay for every covered pixel, so nothing is drawn twice where it can be avoided).
fn draw_box(b: &mut Batch, figure: &Figure, fb: &FigureBox) {
    let rect = world_rect(fb.rect);
    let z = box_z(fb.depth);
    let bw = figure.palette.border_width;
    b.ring(
        rect.center(),
        rect.size(),
        theme::CORNER_RADIUS,
        bw,
        z,
        shown(figure, fb.border, fb.faded),
    );
    b.rounded_rect(
        rect.center(),
        rect.size() - Vec2::splat(2.0 * bw),
        (theme::CORNER_RADIUS - bw).max(0.0),
        z + 0.5,
        shown(figure, fb.fill, fb.faded),
    );
}

/// Draws a component's box as two plain rectangles (border colour, fill inside it), for when
/// corners are too small to see: four triangles instead of fifty. Far away, triangle count
/// costs a software renderer more than the pixels drawn twice.
fn draw_coarse_box(b: &mut Batch, figure: &Figure, fb: &FigureBox) {
    let rect = world_rect(fb.rect);
    let z = box_z(fb.depth);
    let bw = figure.palette.border_width;
    b.rect(
        rect.center(),
        rect.size(),
        z,
        shown(figure, fb.border, fb.faded),
    );
    b.rect(
        rect.center(),
        rect.size() - Vec2::splat(2.0 * bw),
        z + 0.5,
        shown(figure, fb.fill, fb.faded),
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

/// Draws a line of the figure and its arrow head.
fn draw_line(b: &mut Batch, line: &FigureLine, color: Color, width: f32, z: f32) {
    for pair in line.points.windows(2) {
        if let [a, p] = pair {
            b.segment(world(*a), world(*p), width, z, color);
        }
    }
    if let Some([tip, left, right]) = line.head {
        // y flips on the way to the world, which mirrors the triangle: swap its base corners
        // to keep the winding.
        b.triangle([world(tip), world(right), world(left)], z + 0.05, color);
    }
}

/// Rebuilds the box tiles and the line mesh when the figure changes.
fn draw_diagram(
    mut commands: Commands,
    figure: Option<Res<CanvasFigure>>,
    layers: Option<Res<Layers>>,
    mut meshes: ResMut<Assets<Mesh>>,
    old_tiles: Query<Entity, With<BoxTile>>,
) {
    let (Some(figure), Some(layers)) = (figure, layers) else {
        return;
    };
    if !(figure.is_changed() || layers.is_added()) {
        return;
    }
    let figure = &figure.0;
    // One tile per top-level box; boxes come parents first.
    let mut tile_of: foldhash::HashMap<usize, usize> = foldhash::HashMap::default();
    let mut tiles: Vec<(Batch, Batch)> = Vec::new();
    for fb in &figure.boxes {
        let tile = *tile_of.entry(fb.top).or_insert_with(|| {
            tiles.push((Batch::default(), Batch::default()));
            tiles.len() - 1
        });
        if let Some((fine, coarse)) = tiles.get_mut(tile) {
            draw_box(fine, figure, fb);
            draw_coarse_box(coarse, figure, fb);
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
    let mut lines = Batch::with_capacity(figure.lines.len());
    for line in &figure.lines {
        let color = shown(figure, line.color, line.faded);
        draw_line(&mut lines, line, color, line.width, LINK_Z);
    }
    replace(&mut meshes, &layers.lines, lines);
}

/// The selection's halo (a ring outside a box, a wide stroke under a line) or the hover's
/// mark (a ring inside a box's edge, the line redrawn in the hover colour).
fn draw_highlight(b: &mut Batch, look: &Look, figure: &Figure, target: &Target, selected: bool) {
    match target {
        Target::Component(id) => {
            let Some(fb) = figure.box_of(id) else {
                return;
            };
            let rect = world_rect(fb.rect);
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
        Target::Link(_) => {
            let Some(line) = figure.lines.iter().find(|l| &l.target == target) else {
                return;
            };
            let (color, width) = (theme::color(line.color), line.width);
            if selected {
                draw_line(b, line, look.selected(), width + 6.0, HIGHLIGHT_Z);
                draw_line(b, line, color, width, HIGHLIGHT_Z + 0.1);
            } else {
                draw_line(b, line, look.hover(), width, HIGHLIGHT_Z + 0.2);
            }
        }
    }
}

/// Rebuilds the small overlay for the hovered and the selected part.
fn draw_highlights(
    figure: Option<Res<CanvasFigure>>,
    selection: Res<Selection>,
    hovered: Res<Hovered>,
    look: Res<Look>,
    layers: Option<Res<Layers>>,
    mut meshes: ResMut<Assets<Mesh>>,
) {
    let (Some(figure), Some(layers)) = (figure, layers) else {
        return;
    };
    if !(figure.is_changed() || selection.is_changed() || hovered.is_changed() || look.is_changed())
    {
        return;
    }
    let mut b = Batch::with_capacity(2);
    if let Some(target) = &selection.target {
        draw_highlight(&mut b, &look, &figure.0, target, true);
    }
    if let Some(target) = &hovered.target
        && hovered.target != selection.target
    {
        draw_highlight(&mut b, &look, &figure.0, target, false);
    }
    replace(&mut meshes, &layers.highlights, b);
}

#[cfg(test)]
mod tests {
    use super::still_to_draw;
    use bevy::render::render_resource::CachedPipelineState;
    use bevy::shader::ShaderCacheError;

    #[test]
    fn a_frame_waits_for_pipelines_whose_shaders_are_still_loading() {
        assert!(still_to_draw(&CachedPipelineState::Queued));
        assert!(still_to_draw(&CachedPipelineState::Err(
            ShaderCacheError::ShaderImportNotYetAvailable
        )));
        assert!(still_to_draw(&CachedPipelineState::Err(
            ShaderCacheError::ShaderNotLoaded(Default::default())
        )));
        // A shader that will never compile is not waited for: the app would never show.
        assert!(!still_to_draw(&CachedPipelineState::Err(
            ShaderCacheError::CreateShaderModule("bad shader".into())
        )));
    }
}
