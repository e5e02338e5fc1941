//! The diagram as entities: one per component and one per link, rebuilt when the model loads.
//!
//! Each component is a rounded box (border, fill, label); each link a polyline with an arrow
//! head and a label. Hover and selection only restyle materials, so a click costs no rebuild.
//! World coordinates are diagram coordinates with y flipped (y up), so `(x, y)` in a file is
//! `(x, -y)` on screen.

use bevy::asset::RenderAssetUsages;
use bevy::mesh::{Indices, PrimitiveTopology};
use bevy::prelude::*;
use bevy::sprite::{Anchor, Text2dShadow};
use bevy::text::{LineBreak, TextBounds};

use crate::AppSystems;
use crate::loading::LoadedModel;
use crate::model::{Component as DiagramComponent, ComponentKind, Link, Target};
use crate::picking::PickShape;
use crate::selection::{Hovered, Intent, Selection};
use crate::theme;

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<Emphasis>()
        .add_systems(
            Update,
            (
                rebuild.run_if(resource_exists_and_changed::<LoadedModel>),
                restyle,
            )
                .chain()
                .in_set(AppSystems::Visuals),
        )
        .add_observer(on_click)
        .add_observer(on_over)
        .add_observer(on_out);
}

/// Marks the entity of one component or link, and says which.
#[derive(Component, Debug, Clone, PartialEq)]
pub struct DiagramEntity {
    /// The component or link this entity draws.
    pub target: Target,
}

/// What stays bright while the rest of the diagram fades: a tour step's focus, or the parts
/// matching a search. `None` everywhere: nothing fades.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Emphasis {
    /// The current tour step's focus.
    pub tour: Option<Vec<Target>>,
    /// Matches of the quick search while it is open (wins over the tour).
    pub search: Option<Vec<Target>>,
}

impl Emphasis {
    /// The set in force.
    fn active(&self) -> Option<&Vec<Target>> {
        self.search.as_ref().or(self.tour.as_ref())
    }
}

/// Whether `target` stays bright under `emphasis`: it is emphasised, or it contains or sits
/// inside an emphasised component (so containers and their contents stay readable).
fn bright(target: &Target, emphasis: &[Target], diagram: &crate::model::Diagram) -> bool {
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
    diagram: &crate::model::Diagram,
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

/// The parent of everything drawn for the current model.
#[derive(Component)]
struct DiagramRoot;

/// Materials to restyle on hover and selection.
#[derive(Component)]
struct Style {
    /// Border (components) or line (links).
    outline: Handle<ColorMaterial>,
    /// Fill of a component box.
    fill: Option<Handle<ColorMaterial>>,
    normal_outline: Color,
    normal_fill: Color,
    /// Thick outline shown only while selected.
    halo: Entity,
}

/// World position of a diagram point.
fn world(p: crate::model::Point) -> Vec2 {
    Vec2::new(p.x, -p.y)
}

/// A rounded rectangle centred on the origin, as a triangle fan.
pub fn rounded_rect_mesh(size: Vec2, radius: f32) -> Mesh {
    const CORNER_SEGMENTS: usize = 6;
    let half = size / 2.0;
    let r = radius.min(half.x).min(half.y).max(0.0);
    let mut positions: Vec<[f32; 3]> = vec![[0.0, 0.0, 0.0]];
    let corners = [
        (Vec2::new(half.x - r, half.y - r), 0.0),
        (Vec2::new(-half.x + r, half.y - r), 90.0),
        (Vec2::new(-half.x + r, -half.y + r), 180.0),
        (Vec2::new(half.x - r, -half.y + r), 270.0),
    ];
    for (center, start) in corners {
        for i in 0..=CORNER_SEGMENTS {
            let a = (start + 90.0 * i as f32 / CORNER_SEGMENTS as f32).to_radians();
            let p = center + Vec2::new(a.cos(), a.sin()) * r;
            positions.push([p.x, p.y, 0.0]);
        }
    }
    let n = positions.len() as u32;
    let mut indices = Vec::with_capacity(3 * n as usize);
    for i in 1..n {
        let next = if i + 1 < n { i + 1 } else { 1 };
        indices.extend([0, i, next]);
    }
    let uvs: Vec<[f32; 2]> = positions
        .iter()
        .map(|p| [p[0] / size.x + 0.5, 0.5 - p[1] / size.y])
        .collect();
    let normals = vec![[0.0, 0.0, 1.0]; positions.len()];
    Mesh::new(
        PrimitiveTopology::TriangleList,
        RenderAssetUsages::default(),
    )
    .with_inserted_attribute(Mesh::ATTRIBUTE_POSITION, positions)
    .with_inserted_attribute(Mesh::ATTRIBUTE_NORMAL, normals)
    .with_inserted_attribute(Mesh::ATTRIBUTE_UV_0, uvs)
    .with_inserted_indices(Indices::U32(indices))
}

/// Z layers: deeper boxes above their parents, links above all boxes, labels above their shapes.
fn box_z(depth: usize) -> f32 {
    depth as f32 * 2.0
}
const LINK_Z: f32 = 50.0;

#[allow(clippy::too_many_arguments)]
fn rebuild(
    mut commands: Commands,
    model: Res<LoadedModel>,
    old: Query<Entity, With<DiagramRoot>>,
    mut meshes: ResMut<Assets<Mesh>>,
    mut materials: ResMut<Assets<ColorMaterial>>,
    server: Res<AssetServer>,
) {
    for e in &old {
        commands.entity(e).despawn();
    }
    let font: Handle<Font> = server.load(theme::FONT);
    let root = commands
        .spawn((
            Name::new("Diagram"),
            DiagramRoot,
            Transform::default(),
            Visibility::default(),
        ))
        .id();
    let mut ctx = SpawnCtx {
        commands: &mut commands,
        meshes: &mut meshes,
        materials: &mut materials,
        font,
        root,
    };
    for c in model.diagram.components() {
        ctx.component(c);
    }
    for l in model.diagram.links() {
        ctx.link(l);
    }
}

struct SpawnCtx<'a, 'w, 's> {
    commands: &'a mut Commands<'w, 's>,
    meshes: &'a mut Assets<Mesh>,
    materials: &'a mut Assets<ColorMaterial>,
    font: Handle<Font>,
    root: Entity,
}

impl SpawnCtx<'_, '_, '_> {
    fn label(&self, text: &str, size: f32, color: Color) -> impl Bundle {
        (
            // Characters the font lacks show as U+FFFD, never as nothing.
            Text2d::new(crate::glyphs::visible(text)),
            TextFont {
                font: self.font.clone().into(),
                font_size: bevy::text::FontSize::Px(size),
                ..default()
            },
            TextColor(color),
        )
    }

    fn component(&mut self, c: &DiagramComponent) {
        let size = Vec2::new(c.rect.w, c.rect.h);
        let center = world(c.rect.center());
        let z = box_z(c.depth);
        let outline = self.materials.add(theme::BORDER);
        let fill_color = theme::fill(c.kind);
        let fill = self.materials.add(fill_color);
        let halo_mat = self.materials.add(theme::SELECTED);
        let b = theme::BORDER_WIDTH;
        let s = theme::SELECTED_BORDER_WIDTH;
        let halo = self
            .commands
            .spawn((
                Name::new("Selection halo"),
                Mesh2d(self.meshes.add(rounded_rect_mesh(
                    size + Vec2::splat(2.0 * s),
                    theme::CORNER_RADIUS + s,
                ))),
                MeshMaterial2d(halo_mat),
                Transform::from_xyz(0.0, 0.0, -0.02),
                Visibility::Hidden,
            ))
            .id();
        let border = (
            Name::new("Border"),
            Mesh2d(
                self.meshes
                    .add(rounded_rect_mesh(size, theme::CORNER_RADIUS)),
            ),
            MeshMaterial2d(outline.clone()),
            Transform::from_xyz(0.0, 0.0, -0.01),
        );
        let body = (
            Name::new("Fill"),
            Mesh2d(self.meshes.add(rounded_rect_mesh(
                size - Vec2::splat(2.0 * b),
                theme::CORNER_RADIUS - b,
            ))),
            MeshMaterial2d(fill.clone()),
            Transform::default(),
        );
        let leaf = c.children.is_empty();
        let label = if leaf {
            (
                self.label(&c.label, theme::LEAF_FONT, theme::TEXT),
                TextLayout::new(Justify::Center, LineBreak::WordBoundary),
                TextBounds::new_horizontal(size.x - 16.0),
                Anchor::CENTER,
                Transform::from_xyz(0.0, 0.0, 0.5),
            )
        } else {
            let font = if c.kind == ComponentKind::Computer {
                theme::COMPUTER_FONT
            } else {
                theme::CONTAINER_FONT
            };
            let corner = Vec2::new(-size.x / 2.0, size.y / 2.0)
                + Vec2::new(theme::title_inset().x, -theme::title_inset().y);
            (
                self.label(&c.label, font, theme::TEXT),
                TextLayout::new(Justify::Left, LineBreak::WordBoundary),
                TextBounds::new_horizontal(size.x - 2.0 * theme::title_inset().x),
                Anchor::TOP_LEFT,
                Transform::from_xyz(corner.x, corner.y, 0.5),
            )
        };
        let rect = bevy::math::Rect::from_center_size(center, size);
        let entity = self
            .commands
            .spawn((
                Name::new(format!("Component {}", c.id)),
                DiagramEntity {
                    target: Target::Component(c.id.clone()),
                },
                PickShape::Rect {
                    rect,
                    depth: c.depth,
                },
                Style {
                    outline,
                    fill: Some(fill),
                    normal_outline: theme::BORDER,
                    normal_fill: fill_color,
                    halo,
                },
                Transform::from_xyz(center.x, center.y, z),
                Visibility::default(),
                ChildOf(self.root),
            ))
            .add_children(&[halo])
            .with_children(|p| {
                p.spawn(border);
                p.spawn(body);
                p.spawn((Name::new("Label"), label));
            })
            .id();
        let _ = entity;
    }

    fn link(&mut self, l: &Link) {
        let points: Vec<Vec2> = l.path.iter().map(|p| world(*p)).collect();
        let (color, width) = theme::link_style(l.kind);
        let line = self.materials.add(color);
        let halo_mat = self.materials.add(theme::SELECTED);
        let halo = self
            .commands
            .spawn((
                Name::new("Selection halo"),
                Transform::from_xyz(0.0, 0.0, -0.01),
                Visibility::Hidden,
            ))
            .id();
        let entity = self
            .commands
            .spawn((
                Name::new(format!("Link {}", l.id)),
                DiagramEntity {
                    target: Target::Link(l.id.clone()),
                },
                PickShape::Path {
                    points: points.clone(),
                    half_width: (width / 2.0).max(5.0),
                },
                Style {
                    outline: line.clone(),
                    fill: None,
                    normal_outline: color,
                    normal_fill: color,
                    halo,
                },
                Transform::from_xyz(0.0, 0.0, LINK_Z),
                Visibility::default(),
                ChildOf(self.root),
            ))
            .add_children(&[halo])
            .id();
        for pair in points.windows(2) {
            let [a, b] = pair else { continue };
            let (mid, len, angle) = ((*a + *b) / 2.0, a.distance(*b), (*b - *a).to_angle());
            // Overlap segments by half a width so corners of bent links look joined.
            let seg = Rectangle::new(len + width, width);
            let halo_seg = Rectangle::new(len + width + 6.0, width + 6.0);
            let at =
                Transform::from_xyz(mid.x, mid.y, 0.0).with_rotation(Quat::from_rotation_z(angle));
            self.commands.spawn((
                Name::new("Segment"),
                Mesh2d(self.meshes.add(seg)),
                MeshMaterial2d(line.clone()),
                at,
                ChildOf(entity),
            ));
            self.commands.spawn((
                Name::new("Halo segment"),
                Mesh2d(self.meshes.add(halo_seg)),
                MeshMaterial2d(halo_mat.clone()),
                at,
                ChildOf(halo),
            ));
        }
        if l.directed
            && let [.., a, b] = points.as_slice()
        {
            let dir = (*b - *a).normalize_or_zero();
            let size = 6.0 + width * 1.5;
            let tip = *b;
            let base = tip - dir * size * 1.6;
            let side = dir.perp() * size * 0.8;
            let head = Triangle2d::new(tip, base + side, base - side);
            self.commands.spawn((
                Name::new("Arrow head"),
                Mesh2d(self.meshes.add(head)),
                MeshMaterial2d(line.clone()),
                Transform::from_xyz(0.0, 0.0, 0.05),
                ChildOf(entity),
            ));
        }
        // The label sits beside the longest segment: to the right of a vertical one, above a
        // horizontal one, so it never covers the line.
        let longest = points
            .windows(2)
            .filter_map(|w| match w {
                [a, b] => Some((*a, *b)),
                _ => None,
            })
            .max_by(|x, y| x.0.distance(x.1).total_cmp(&y.0.distance(y.1)));
        if let Some((a, b)) = longest {
            let mid = (a + b) / 2.0;
            let vertical = (b - a).y.abs() > (b - a).x.abs();
            let (offset, anchor) = if vertical {
                (Vec2::new(width / 2.0 + 6.0, 0.0), Anchor::CENTER_LEFT)
            } else {
                (Vec2::new(0.0, width / 2.0 + 4.0), Anchor::BOTTOM_CENTER)
            };
            let p = mid + offset;
            self.commands.spawn((
                Name::new("Link label"),
                self.label(&l.label, theme::LINK_FONT, theme::LINK_TEXT),
                Text2dShadow {
                    offset: Vec2::new(1.0, -1.0),
                    color: theme::LABEL_BACKGROUND,
                },
                anchor,
                Transform::from_xyz(p.x, p.y, 0.5),
                ChildOf(entity),
            ));
        }
    }
}

/// Hover and selection show on outlines and halos.
#[allow(clippy::too_many_arguments)]
fn restyle(
    selection: Res<Selection>,
    hovered: Res<Hovered>,
    emphasis: Res<Emphasis>,
    model: Option<Res<LoadedModel>>,
    styled: Query<(&DiagramEntity, &Style)>,
    added: Query<(), Added<Style>>,
    mut materials: ResMut<Assets<ColorMaterial>>,
    mut visibility: Query<&mut Visibility>,
) {
    if !(selection.is_changed()
        || hovered.is_changed()
        || emphasis.is_changed()
        || !added.is_empty())
    {
        return;
    }
    let Some(model) = model else { return };
    for (entity, style) in &styled {
        let selected = selection.target.as_ref() == Some(&entity.target);
        let is_hovered = hovered.target.as_ref() == Some(&entity.target);
        let dim = emphasis
            .active()
            .is_some_and(|e| !bright(&entity.target, e, &model.diagram));
        let fade = |c: Color| {
            if dim {
                c.mix(&theme::BACKGROUND, theme::DIM)
            } else {
                c
            }
        };
        let outline = fade(if selected {
            theme::SELECTED
        } else if is_hovered {
            theme::HOVER
        } else {
            style.normal_outline
        });
        if let Some(mut m) = materials.get_mut(&style.outline)
            && m.color != outline
        {
            m.color = outline;
        }
        if let Some(fill) = &style.fill {
            let c = fade(if is_hovered {
                theme::hovered_fill(style.normal_fill)
            } else {
                style.normal_fill
            });
            if let Some(mut m) = materials.get_mut(fill)
                && m.color != c
            {
                m.color = c;
            }
        }
        if let Ok(mut v) = visibility.get_mut(style.halo) {
            v.set_if_neq(if selected {
                Visibility::Inherited
            } else {
                Visibility::Hidden
            });
        }
    }
}

fn on_click(
    mut click: On<Pointer<Click>>,
    targets: Query<&DiagramEntity>,
    windows: Query<(), With<Window>>,
    camera: Single<&Camera, With<crate::camera::MainCamera>>,
    pan: Res<crate::camera::PanState>,
    mut intents: MessageWriter<Intent>,
) {
    if click.button != PointerButton::Primary || pan.dragged {
        return;
    }
    if let Ok(d) = targets.get(click.entity) {
        click.propagate(false);
        intents.write(Intent::Select(d.target.clone()));
    } else if windows.contains(click.entity)
        && crate::camera::on_canvas(&camera, click.pointer_location.position)
    {
        // Empty canvas; a click on a panel lands on the window too, outside the canvas.
        intents.write(Intent::ClearSelection);
    }
}

fn on_over(over: On<Pointer<Over>>, targets: Query<&DiagramEntity>, mut hovered: ResMut<Hovered>) {
    if let Ok(d) = targets.get(over.entity) {
        hovered.set_if_neq(Hovered {
            target: Some(d.target.clone()),
        });
    }
}

fn on_out(out: On<Pointer<Out>>, targets: Query<&DiagramEntity>, mut hovered: ResMut<Hovered>) {
    if let Ok(d) = targets.get(out.entity)
        && hovered.target.as_ref() == Some(&d.target)
    {
        hovered.set_if_neq(Hovered { target: None });
    }
}
