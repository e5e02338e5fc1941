//! The egui panels: a top bar, the write-up index (left), the summary or the reader (right),
//! the tour panel, search, load errors and notices; and the canvas labels.
//!
//! Panels only read state and return [`Intent`]s, which their consumers apply; the panels' own
//! state (the search box, the index panel) changes through `OpenSearch`, `CloseSearch`,
//! `ToggleIndex` and `FilterIndex`, consumed here. The space the panels take is published as
//! [`UiInsets`] so the camera draws the diagram beside them.

mod index;
mod keyboard;
mod lab_panel;
mod labels;
mod markdown;
mod notes;
mod reader;
mod search;
mod summary;
mod tour_panel;

use bevy::prelude::*;
use bevy_egui::egui::accesskit::Role;
use bevy_egui::{
    EguiContexts, EguiGlobalSettings, EguiPrimaryContextPass, PrimaryEguiContext, egui,
};

use super::state::{
    AppSystems, Consumer, DiagramChoices, IndexPanel, Intent, LabDrawn, LabFiles, LabState,
    LaunchOptions, LoadProblems, LoadedModel, Notice, Preferences, Presenter, Reader, ReaderFind,
    ReaderLayout, SearchState, Selection, SpeakerNotes, SummaryScroll, TourState, UiInsets,
};
use super::theme::{self, Look};
use crate::model::style::NARROW_SCREEN_PX;

pub(super) fn plugin(app: &mut App) {
    // What a screen reader finds: the panels (egui's tree) and the diagram.
    app.add_plugins(keyboard::plugin);
    app.add_systems(Startup, spawn_ui_camera)
        .add_systems(
            PreUpdate,
            (
                apply_style.before(bevy_egui::EguiPreUpdateSet::BeginPass),
                (drop_unchanged_modifiers, share_tab)
                    .after(bevy_egui::EguiPreUpdateSet::ProcessInput)
                    .before(bevy_egui::EguiPreUpdateSet::BeginPass),
            ),
        )
        .add_systems(Update, apply_intents.in_set(AppSystems::Apply))
        .add_systems(
            EguiPrimaryContextPass,
            (panels_ui, labels::paint_labels).chain(),
        )
        .add_systems(
            PostUpdate,
            follow_egui_repaints
                .after(bevy_egui::EguiPostUpdateSet::EndPass)
                .before(bevy_egui::EguiPostUpdateSet::ProcessOutput),
        );
    #[cfg(not(target_arch = "wasm32"))]
    app.add_systems(crate::app::state::NotesPass, notes::notes_window_ui);
}

/// A context's whole screen as a `Ui`, for the panels to divide.
fn root_ui(ctx: &egui::Context) -> egui::Ui {
    egui::Ui::new(
        ctx.clone(),
        "root".into(),
        egui::UiBuilder::new()
            .layer_id(egui::LayerId::background())
            .max_rect(ctx.viewport_rect()),
    )
}

/// The most egui passes in one frame: one, and two more for panels to settle.
const SETTLING_PASSES: std::num::NonZeroUsize = std::num::NonZeroUsize::MIN.saturating_add(5);

/// Width of the summary panel (`style::SUMMARY_WIDTH_PX`); the reader is wider.
const SUMMARY_WIDTH: f32 = crate::model::style::SUMMARY_WIDTH_PX;
/// How much of a phone's height the summary sheet takes at first.
const SHEET_SHARE: f32 = crate::model::style::SHEET_SHARE;
const READER_WIDTH: f32 = 620.0;
/// How much of the screen's height the lab panel takes, within these bounds (points).
const LAB_SHARE: f32 = 0.48;
/// The same on a narrow screen (a phone).
const LAB_SHARE_NARROW: f32 = 0.64;
const LAB_HEIGHT: (f32, f32) = (240.0, 460.0);
const INDEX_WIDTH: f32 = 380.0;

/// Egui draws with its own camera, above the diagram camera, so the diagram camera's viewport
/// can shrink beside the panels without moving them.
fn spawn_ui_camera(mut commands: Commands, mut settings: ResMut<EguiGlobalSettings>) {
    settings.auto_create_primary_context = false;
    commands.spawn((
        Name::new("UI camera"),
        Camera2d,
        Camera {
            order: 1,
            clear_color: ClearColorConfig::None,
            ..default()
        },
        bevy::camera::visibility::RenderLayers::none(),
        PrimaryEguiContext,
        Msaa::Off,
        bevy::core_pipeline::tonemapping::Tonemapping::None,
        bevy::core_pipeline::tonemapping::DebandDither::Disabled,
    ));
}

/// Tab walks the diagram's parts (see `keymap`) unless a panel's widget has the keyboard focus;
/// then it moves between widgets, as egui does. F6 takes the focus into the panels (egui's
/// first widget) and back out to the diagram.
fn share_tab(mut inputs: Query<(&mut bevy_egui::EguiInput, &mut bevy_egui::EguiContext)>) {
    for (mut input, mut ctx) in &mut inputs {
        let ctx = ctx.get_mut();
        let focused = ctx.memory(|m| m.focused().is_some());
        let events = &mut input.0.events;
        let mut into_panels = false;
        events.retain(|e| match e {
            egui::Event::Key {
                key: egui::Key::Tab,
                ..
            } => focused,
            egui::Event::Key {
                key: egui::Key::F6,
                pressed: true,
                ..
            } => {
                into_panels = true;
                false
            }
            _ => true,
        });
        if into_panels {
            if focused {
                ctx.memory_mut(|m| m.surrender_focus(m.focused().unwrap_or(egui::Id::NULL)));
            } else {
                events.push(egui::Event::Key {
                    key: egui::Key::Tab,
                    physical_key: None,
                    pressed: true,
                    repeat: false,
                    modifiers: egui::Modifiers::NONE,
                });
            }
        }
    }
}

/// egui asks for another frame at once when what it drew is not final: a new menu or popup
/// is laid out invisibly in its first frame to learn its size, and drawn in the next. bevy_egui
/// 0.42 reads egui's request only after the pass has ended, when egui has already cleared it,
/// so the window (which redraws only on request) stayed on the invisible first frame until the
/// pointer moved: a tap on "Save ▾" showed nothing. Asked here from the pass's own output.
fn follow_egui_repaints(
    outputs: Query<&bevy_egui::EguiFullOutput>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    let now = outputs.iter().any(|o| {
        o.0.as_ref().is_some_and(|full| {
            full.viewport_output
                .values()
                .any(|v| v.repaint_delay.is_zero())
        })
    });
    if now {
        redraw.write(bevy::window::RequestRedraw);
    }
}

/// bevy_egui 0.42 tells egui the modifier keys every frame, even when nothing changed, and egui
/// answers any input event with an immediate repaint: together they redraw the window forever.
/// Only real changes are passed on, so an idle window stays idle.
fn drop_unchanged_modifiers(
    mut inputs: Query<(Entity, &mut bevy_egui::EguiInput)>,
    mut last: Local<bevy::platform::collections::HashMap<Entity, egui::Modifiers>>,
) {
    for (entity, mut input) in &mut inputs {
        let events = &mut input.0.events;
        let mut seen = last.get(&entity).copied();
        events.retain(|e| match e {
            egui::Event::ModifiersChanged(m) if seen == Some(*m) => false,
            egui::Event::ModifiersChanged(m) => {
                seen = Some(*m);
                true
            }
            _ => true,
        });
        if let Some(seen) = seen {
            last.insert(entity, seen);
        }
    }
}

/// Fonts and text styles, set once before egui's first pass so no frame lays out text without
/// them. The only fonts are the bundled DejaVu subsets (egui's own fonts are not compiled in):
/// one face for the canvas and the panels, a monospaced one for code.
fn apply_style(
    mut contexts: Query<(Entity, &mut bevy_egui::EguiContext)>,
    look: Res<Look>,
    mut styled: Local<bevy::platform::collections::HashSet<Entity>>,
) {
    for (entity, mut ctx) in &mut contexts {
        let ctx = ctx.get_mut();
        if styled.insert(entity) {
            style(ctx);
        } else if !look.is_changed() {
            continue;
        }
        // The panels follow the theme: light, dark or high contrast.
        look.apply(ctx);
    }
}

fn style(ctx: &egui::Context) {
    use egui::{FontFamily, FontId, TextStyle};
    let mut fonts = egui::FontDefinitions::empty();
    for (name, bytes) in [
        ("sans", crate::model::glyphs::FONT_BYTES),
        ("mono", crate::model::glyphs::MONO_FONT_BYTES),
    ] {
        fonts.font_data.insert(
            name.into(),
            std::sync::Arc::new(egui::FontData::from_static(bytes)),
        );
    }
    fonts
        .families
        .insert(FontFamily::Proportional, vec!["sans".into(), "mono".into()]);
    fonts
        .families
        .insert(FontFamily::Monospace, vec!["mono".into(), "sans".into()]);
    ctx.set_fonts(fonts);
    // Room for a panel to settle before a frame is shown (see `panels_ui`).
    ctx.options_mut(|o| o.max_passes = SETTLING_PASSES);
    ctx.all_styles_mut(|s| {
        s.text_styles = [
            (TextStyle::Heading, FontId::proportional(22.0)),
            (TextStyle::Body, FontId::proportional(15.0)),
            (TextStyle::Monospace, FontId::monospace(13.5)),
            (TextStyle::Button, FontId::proportional(15.0)),
            (TextStyle::Small, FontId::proportional(12.5)),
        ]
        .into();
        s.spacing.item_spacing = egui::vec2(8.0, 6.0);
    });
}

/// The panels' own state: the search box and the index panel.
fn apply_intents(
    mut intents: MessageReader<Intent>,
    mut search: ResMut<SearchState>,
    mut index: ResMut<IndexPanel>,
    mut find: ResMut<ReaderFind>,
    reader: Res<Reader>,
) {
    for intent in intents.read().filter(Intent::for_(Consumer::Ui)) {
        match intent {
            Intent::OpenSearch => {
                *search = SearchState {
                    open: true,
                    focus: true,
                    ..SearchState::default()
                }
            }
            Intent::CloseSearch => search.open = false,
            Intent::ToggleIndex => index.open = !index.open,
            Intent::FilterIndex(tag) => index.tag = tag.clone(),
            Intent::OpenFind if reader.open.is_some() => {
                find.open = true;
                find.focus = true;
            }
            Intent::CloseFind => find.open = false,
            _ => {}
        }
    }
}

/// What the panels read and write, besides egui itself.
#[derive(bevy::ecs::system::SystemParam)]
struct PanelState<'w> {
    model: Option<Res<'w, LoadedModel>>,
    problems: Res<'w, LoadProblems>,
    selection: Res<'w, Selection>,
    reader: Res<'w, Reader>,
    notice: Res<'w, Notice>,
    choices: Res<'w, DiagramChoices>,
    tour: Res<'w, TourState>,
    prefs: Res<'w, Preferences>,
    presenter: Res<'w, Presenter>,
    search: ResMut<'w, SearchState>,
    index: Res<'w, IndexPanel>,
    insets: ResMut<'w, UiInsets>,
    find: ResMut<'w, ReaderFind>,
    reader_layout: ResMut<'w, ReaderLayout>,
    summary_scroll: ResMut<'w, SummaryScroll>,
    time: Res<'w, Time<Real>>,
    options: Res<'w, LaunchOptions>,
}

#[allow(clippy::too_many_arguments)]
fn panels_ui(
    mut contexts: EguiContexts,
    mut st: PanelState,
    lab: (Res<LabState>, Res<LabFiles>, ResMut<LabDrawn>),
    mut listed_at: Local<Option<(bool, usize)>>,
    speaker: Res<SpeakerNotes>,
    mut intents: MessageWriter<Intent>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
    mut reader_memory: Local<reader::ReaderMemory>,
    mut last_sizes: Local<[f32; 4]>,
) -> Result {
    let ctx = contexts.ctx_mut()?;
    // The user's text size, and presenter mode's scale for a projector on top of it.
    let zoom = st.prefs.text_scale
        * if st.presenter.on {
            st.presenter.scale
        } else {
            1.0
        };
    if (ctx.zoom_factor() - zoom).abs() > f32::EPSILON {
        ctx.set_zoom_factor(zoom);
    }
    let mut out: Vec<Intent> = Vec::new();
    let mut root = root_ui(ctx);
    // The speaker view (web): the notes and nothing else.
    if speaker.page {
        let state = notes::NotesState {
            tour: &st.tour,
            lab: &lab.0,
            blank: st.presenter.blank,
            elapsed: st.time.elapsed_secs_f64() - speaker.clock_from,
        };
        egui::CentralPanel::default().show(&mut root, |ui| {
            notes::notes_ui(ui, st.model.as_deref(), &state, &mut out);
        });
        intents.write_batch(out);
        return Ok(());
    }
    let presenting = st.presenter.on;
    // A cheap clone (shared pointers) so the panels can borrow the rest of the state mutably.
    let model_owned = st.model.as_deref().cloned();
    let model = model_owned.as_ref();

    let width = ctx.viewport_rect().width();
    let narrow = width < NARROW_SCREEN_PX;
    let embedded = st.options.embed_link.as_deref();
    let mut top = 0.0;
    if !presenting && embedded.is_none() {
        top = egui::Panel::top("top_bar")
            .show(&mut root, |ui| {
                region(ui, Role::Toolbar, "Top bar");
                let menus = Menus {
                    choices: &st.choices,
                    labs: &lab.1,
                    index: &st.index,
                    prefs: &st.prefs,
                };
                if narrow {
                    compact_bar_ui(ui, model, &menus, &mut out)
                } else {
                    top_bar_ui(ui, model, &menus, &mut out)
                }
            })
            .response
            .rect
            .height();
    }
    if let Some(link) = embedded {
        embed_link_ui(ctx, link, &mut out);
    }

    let mut left = 0.0;
    if let (true, false, Some(model)) = (st.index.open, presenting, model) {
        // On a phone the index takes the whole screen.
        left = egui::Panel::left("index")
            .resizable(!narrow)
            .default_size(INDEX_WIDTH.min(width))
            .min_size(if narrow { width } else { 120.0 })
            .show(&mut root, |ui| {
                region(ui, Role::Navigation, "All write-ups");
                index::index_ui(ui, model, &st.index, &mut out)
            })
            .response
            .rect
            .width();
    }

    let mut bottom = 0.0;
    if let Some(text) = &st.notice.text {
        bottom += egui::Panel::bottom("notice")
            .show(&mut root, |ui| {
                region(ui, Role::Status, "Notice");
                ui.horizontal(|ui| {
                    ui.label(egui::RichText::new("ℹ").strong());
                    ui.label(text);
                    if ui.small_button("Dismiss").clicked() {
                        out.push(Intent::DismissNotice);
                    }
                });
            })
            .response
            .rect
            .height();
    }
    if let Some(model) = model
        && let Some((tour, step)) = st.tour.current(model)
    {
        let index = st.tour.step;
        let reduced_motion = st.prefs.reduced_motion;
        let narration = st.presenter.narration;
        bottom += egui::Panel::bottom("tour")
            .show(&mut root, |ui| {
                region(ui, Role::Region, "Tour");
                if presenting {
                    let status = presenter_status(&st.presenter, None, st.time.elapsed_secs_f64());
                    tour_panel::presenting_ui(ui, tour, index, step, narration, &status, &mut out)
                } else {
                    tour_panel::tour_ui(ui, model, tour, index, step, reduced_motion, &mut out)
                }
            })
            .response
            .rect
            .height();
    }

    let (lab_state, _, mut lab_drawn) = lab;
    if let Some(name) = &lab_state.scenario {
        let reduced_motion = st.prefs.reduced_motion;
        let mut drawn = LabDrawn::default();
        // A fixed height: the diagram is framed once, not again as the run loads.
        // On a phone the diagram, fitted to the width, is short: the panel takes more.
        let (share, most) = if narrow {
            (LAB_SHARE_NARROW, LAB_HEIGHT.1 * 1.25)
        } else {
            (LAB_SHARE, LAB_HEIGHT.1)
        };
        let lab_height = (ctx.viewport_rect().height() * share).clamp(LAB_HEIGHT.0, most);
        bottom += egui::Panel::bottom("lab")
            .resizable(false)
            .exact_size(lab_height)
            .show(&mut root, |ui| {
                region(ui, Role::Region, "Lab");
                match &lab_state.run {
                    Some(run) => {
                        let none = crate::model::WriteupCatalog::default();
                        let view = lab_panel::LabView {
                            state: &lab_state,
                            reduced_motion,
                            writeups: model.map_or(&none, |m| &m.writeups),
                            listed_at: &mut listed_at,
                        };
                        drawn = lab_panel::lab_ui(ui, run, view, &mut out);
                    }
                    None => {
                        ui.add_space(6.0);
                        ui.label(format!("Loading the lab `{name}`…"));
                        ui.add_space(6.0);
                    }
                }
            })
            .response
            .rect
            .height();
        lab_drawn.set_if_neq(drawn);
    } else {
        *listed_at = None;
        lab_drawn.set_if_neq(LabDrawn::default());
    }

    let mut right = 0.0;
    // A scroll handed over is for the summary drawn this frame (taken only when there is one).
    let scroll_to = st.summary_scroll.0.and_then(|_| st.summary_scroll.0.take());
    if let Some(model) = model {
        if let Some(slug) = &st.reader.open
            && let Some(w) = model.writeups.get(slug)
        {
            // On a phone the reader takes the whole screen; "← Summary" leads back.
            let max = (width * 0.7).max(READER_WIDTH.min(width));
            right = egui::Panel::right("reader")
                .resizable(!narrow)
                .default_size(READER_WIDTH.min(width))
                .min_size(if narrow { width } else { 200.0 })
                .max_size(max)
                .show(&mut root, |ui| {
                    region(ui, Role::Article, &w.title);
                    let panel_right = ui.max_rect().right();
                    reader::reader_ui(
                        ui,
                        w,
                        st.reader.section.as_deref(),
                        &model.writeups,
                        &mut st.find,
                        &mut reader_memory,
                        &mut out,
                    );
                    let d = &reader_memory.drawn;
                    st.reader_layout.set_if_neq(ReaderLayout {
                        slug: Some(w.slug.clone()),
                        panel_right,
                        column: d.column,
                        text_right: d.text_right,
                        code: d.code.clone(),
                        headings: d.headings.len(),
                        top_heading: reader_memory.top_heading.clone(),
                        links: d
                            .links
                            .iter()
                            .map(|(t, u, r)| {
                                (t.clone(), u.clone(), [r.min.x, r.min.y, r.max.x, r.max.y])
                            })
                            .collect(),
                    });
                })
                .response
                .rect
                .width();
        } else if let (Some(target), false, true) = (&st.selection.target, presenting, narrow) {
            // On a phone the summary is a sheet at the bottom, the diagram stays above it. (Its
            // own id: a panel keeps its size, and the side panel's width is no sheet's height.)
            let height = ctx.viewport_rect().height();
            bottom += egui::Panel::bottom("summary sheet")
                .resizable(true)
                .default_size(height * SHEET_SHARE)
                .max_size(height * 0.8)
                .show(&mut root, |ui| {
                    region(ui, Role::Complementary, "Summary");
                    summary::summary_ui(ui, model, target, scroll_to, &mut out)
                })
                .response
                .rect
                .height();
        } else if let (Some(target), false) = (&st.selection.target, presenting) {
            right = egui::Panel::right("summary")
                .resizable(true)
                .default_size(SUMMARY_WIDTH)
                .max_size(width * 0.5)
                .show(&mut root, |ui| {
                    region(ui, Role::Complementary, "Summary");
                    summary::summary_ui(ui, model, target, scroll_to, &mut out)
                })
                .response
                .rect
                .width();
        }
    }

    if let (true, Some(model)) = (st.search.open, model) {
        search::search_ui(ctx, model, &mut st.search, &mut out);
    }

    if presenting {
        presenter_overlay_ui(
            ctx,
            &st.presenter,
            model
                .and_then(|m| st.tour.current(m))
                .map(|(t, _)| (st.tour.step, t.steps.len())),
            st.time.elapsed_secs_f64(),
        );
    }

    if !st.problems.0.0.is_empty() {
        problems_ui(ctx, &st.problems, model.is_some());
    } else if model.is_none() {
        egui::Area::new("loading".into())
            .anchor(egui::Align2::CENTER_CENTER, egui::Vec2::ZERO)
            .show(ctx, |ui| {
                ui.label("Loading the diagram…");
            });
    }

    // A panel sizes itself from what it held in the pass before, so a panel whose content
    // changed (a tour's next step, a summary opening) settles over a pass or two. Those passes
    // are run now and thrown away rather than shown: a button is never drawn where it will not
    // stay, so a quick click lands on what the learner saw.
    let sizes = [left, right, top, bottom];
    if sizes != *last_sizes {
        *last_sizes = sizes;
        ctx.request_discard("a panel changed size");
    }
    // egui measures in points; the window (and the camera's viewport) in logical pixels.
    let k = ctx.zoom_factor();
    let moved = st.insets.set_if_neq(UiInsets {
        left: left * k,
        right: right * k,
        top: top * k,
        bottom: bottom * k,
    });
    if moved {
        // The camera fits the diagram to the new room in the next frame: run it now, not
        // whenever the next input comes (the window only redraws on request).
        redraw.write(bevy::window::RequestRedraw);
    }
    intents.write_batch(out);
    Ok(())
}

/// Presenter chrome: a small step counter and clock, and the blank screen.
fn presenter_overlay_ui(
    ctx: &egui::Context,
    presenter: &Presenter,
    step: Option<(usize, usize)>,
    now: f64,
) {
    if presenter.blank {
        egui::Area::new("blank".into())
            .order(egui::Order::Foreground)
            .fixed_pos(egui::Pos2::ZERO)
            .show(ctx, |ui| {
                ui.painter().rect_filled(
                    ctx.viewport_rect(),
                    0.0,
                    theme::color32(crate::model::style::BLANK),
                );
                ui.allocate_rect(ctx.viewport_rect(), egui::Sense::click());
            });
        return;
    }
    // During a tour the band shows the counter and the clock (see `tour_panel`), off the diagram.
    if step.is_some() {
        return;
    }
    let text = presenter_status(presenter, step, now);
    egui::Area::new("presenter_status".into())
        .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-12.0, 8.0))
        .order(egui::Order::Foreground)
        .interactable(false)
        .show(ctx, |ui| {
            ui.add(egui::Label::new(egui::RichText::new(text).monospace().weak()).extend());
        });
}

/// The presenter's counter and clock: "5 / 15   03:20", or only the clock.
fn presenter_status(presenter: &Presenter, step: Option<(usize, usize)>, now: f64) -> String {
    let elapsed = (now - presenter.since).max(0.0) as u64;
    let clock = format!("{:02}:{:02}", elapsed / 60, elapsed % 60);
    match step {
        Some((i, n)) => format!("{} / {n}   {clock}", i + 1),
        None => clock,
    }
}

/// An embedded diagram (`?embed`) has no top bar, only a way to the full app.
fn embed_link_ui(ctx: &egui::Context, link: &str, out: &mut Vec<Intent>) {
    egui::Area::new("embed_link".into())
        .anchor(egui::Align2::RIGHT_TOP, egui::vec2(-8.0, 8.0))
        .order(egui::Order::Foreground)
        .show(ctx, |ui| {
            if ui
                .button("Open in autochitect ↗")
                .on_hover_text("The full explorer, in a new tab")
                .clicked()
            {
                out.push(Intent::FollowLink(link.to_owned()));
            }
        });
}

/// What the top bar's menus offer.
struct Menus<'a> {
    choices: &'a DiagramChoices,
    labs: &'a LabFiles,
    index: &'a IndexPanel,
    prefs: &'a Preferences,
}

impl Menus<'_> {
    /// The lab scenarios that run on `diagram_file`: name and title.
    fn labs_for<'a>(&'a self, diagram_file: &'a str) -> impl Iterator<Item = (&'a str, &'a str)> {
        self.labs
            .files
            .iter()
            .filter(move |f| f.diagram.as_deref() == Some(diagram_file))
            .map(|f| (f.name.as_str(), f.title.as_deref().unwrap_or(&f.name)))
    }
}

/// The top bar of a narrow screen: the name, the diagram, and everything else in a menu.
fn compact_bar_ui(
    ui: &mut egui::Ui,
    model: Option<&LoadedModel>,
    menus: &Menus<'_>,
    out: &mut Vec<Intent>,
) {
    let (choices, index, prefs) = (menus.choices, menus.index, menus.prefs);
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("autochitect").strong().size(17.0));
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.menu_button(egui::RichText::new("☰ Menu").size(17.0), |ui| {
                ui.set_min_width(220.0);
                let label = if index.open {
                    "Close the write-ups"
                } else {
                    "All write-ups"
                };
                if ui.button(label).clicked() {
                    out.push(Intent::ToggleIndex);
                    ui.close();
                }
                if ui.button("Search").clicked() {
                    out.push(Intent::OpenSearch);
                    ui.close();
                }
                if ui.button("Fit view").clicked() {
                    out.push(Intent::FitView);
                    ui.close();
                }
                ui.menu_button("View", |ui| view_menu_ui(ui, prefs, out));
                if let Some(m) = model {
                    if !m.tours.is_empty() {
                        ui.separator();
                        ui.label(egui::RichText::new("Tours").weak());
                        for t in m.tours.iter() {
                            if ui.button(&t.title).clicked() {
                                out.push(Intent::StartTour(t.name.clone(), 0));
                                ui.close();
                            }
                        }
                    }
                    let mut labs = menus.labs_for(&m.diagram_file).peekable();
                    if labs.peek().is_some() {
                        ui.separator();
                        ui.label(egui::RichText::new("Lab").weak());
                        for (name, title) in labs {
                            if ui.button(title).clicked() {
                                out.push(Intent::OpenLab(name.to_owned(), 0));
                                ui.close();
                            }
                        }
                    }
                    ui.separator();
                    ui.label(egui::RichText::new("Diagrams").weak());
                    for (file, title) in &choices.0 {
                        let current = *file == m.diagram_file;
                        if ui.selectable_label(current, title).clicked() && !current {
                            out.push(Intent::OpenDiagram(file.clone()));
                            ui.close();
                        }
                    }
                }
            });
            if let Some(m) = model {
                ui.add(egui::Label::new(egui::RichText::new(&m.diagram.title).strong()).truncate());
            }
        });
    });
    ui.add_space(4.0);
}

/// The view menu: the theme, the text size and motion.
fn view_menu_ui(ui: &mut egui::Ui, prefs: &Preferences, out: &mut Vec<Intent>) {
    use crate::app::state::ThemeChoice;
    use crate::model::style::Theme;
    ui.label(egui::RichText::new("Theme").weak());
    let choices = [(ThemeChoice::Auto, "Follow the system")]
        .into_iter()
        .chain(Theme::ALL.map(|t| (ThemeChoice::Fixed(t), t.name())));
    for (choice, name) in choices {
        if ui.radio(prefs.theme == choice, name).clicked() {
            out.push(Intent::SetTheme(choice));
        }
    }
    ui.separator();
    ui.label(egui::RichText::new(format!("Text size: {:.0} %", prefs.text_scale * 100.0)).weak());
    ui.horizontal(|ui| {
        if ui
            .button("A−")
            .on_hover_text("Smaller text (Ctrl+−)")
            .clicked()
        {
            out.push(Intent::TextSize(-1));
        }
        if ui
            .button("A+")
            .on_hover_text("Larger text (Ctrl++)")
            .clicked()
        {
            out.push(Intent::TextSize(1));
        }
        if ui
            .button("Reset")
            .on_hover_text("Normal text size (Ctrl+0)")
            .clicked()
        {
            out.push(Intent::TextSize(0));
        }
    });
    ui.separator();
    let mut reduced = prefs.reduced_motion;
    if ui.checkbox(&mut reduced, "Reduced motion").changed() {
        out.push(Intent::SetReducedMotion(reduced));
    }
}

fn top_bar_ui(
    ui: &mut egui::Ui,
    model: Option<&LoadedModel>,
    menus: &Menus<'_>,
    out: &mut Vec<Intent>,
) {
    let (choices, index, prefs) = (menus.choices, menus.index, menus.prefs);
    ui.add_space(4.0);
    ui.horizontal(|ui| {
        ui.label(egui::RichText::new("autochitect").strong().size(18.0));
        ui.separator();
        if let Some(m) = model {
            let current = m.diagram_file.clone();
            egui::ComboBox::from_id_salt("diagram_picker")
                .selected_text(egui::RichText::new(&m.diagram.title).strong())
                .show_ui(ui, |ui| {
                    for (file, title) in &choices.0 {
                        if ui.selectable_label(*file == current, title).clicked()
                            && *file != current
                        {
                            out.push(Intent::OpenDiagram(file.clone()));
                        }
                    }
                })
                .response
                .on_hover_text("Open another diagram");
            if !m.tours.is_empty() {
                ui.menu_button("Tours ▾", |ui| {
                    for t in m.tours.iter() {
                        if ui
                            .button(format!("{}  ({} steps)", t.title, t.steps.len()))
                            .clicked()
                        {
                            out.push(Intent::StartTour(t.name.clone(), 0));
                        }
                    }
                });
            }
            let mut labs = menus.labs_for(&m.diagram_file).peekable();
            if labs.peek().is_some() {
                ui.menu_button("Lab ▾", |ui| {
                    for (name, title) in labs {
                        if ui.button(title).clicked() {
                            out.push(Intent::OpenLab(name.to_owned(), 0));
                        }
                    }
                })
                .response
                .on_hover_text("Run real TCP/IP stacks on this diagram, frame by frame");
            }
        }
        ui.with_layout(egui::Layout::right_to_left(egui::Align::Center), |ui| {
            ui.menu_button("View ▾", |ui| view_menu_ui(ui, prefs, out))
                .response
                .on_hover_text("Theme, text size, motion");
            if ui
                .button("Present")
                .on_hover_text("Presenter mode (P): fullscreen, big text, clicker keys")
                .clicked()
            {
                out.push(Intent::SetPresenting(true));
            }
            if ui
                .button("Search")
                .on_hover_text("Search components and write-ups (/ or Ctrl+K)")
                .clicked()
            {
                out.push(Intent::OpenSearch);
            }
            if ui
                .button("Fit view")
                .on_hover_text("Show the whole diagram (F)")
                .clicked()
            {
                out.push(Intent::FitView);
            }
            let label = if index.open {
                "✕ All write-ups"
            } else {
                "☰ All write-ups"
            };
            if ui.selectable_label(index.open, label).clicked() {
                out.push(Intent::ToggleIndex);
            }
            // Last in the right-to-left run: the description takes what room is left.
            if let Some(m) = model {
                ui.add(
                    egui::Label::new(egui::RichText::new(&m.diagram.description).weak()).truncate(),
                );
            }
        });
    });
    ui.add_space(4.0);
}

fn problems_ui(ctx: &egui::Context, problems: &LoadProblems, showing_last_good: bool) {
    let title = if showing_last_good {
        "The diagram has errors: showing the last version that loaded"
    } else {
        "The diagram could not be loaded"
    };
    egui::Window::new(title)
        .id("problems".into())
        .anchor(egui::Align2::CENTER_TOP, egui::vec2(0.0, 60.0))
        .collapsible(false)
        .resizable(true)
        .default_width(720.0)
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height(400.0)
                .show(ui, |ui| {
                    for d in &problems.0.0 {
                        ui.label(
                            egui::RichText::new(d.to_string())
                                .monospace()
                                .color(ui.visuals().error_fg_color),
                        );
                    }
                });
            ui.label(
                egui::RichText::new("Fix the file and save it: the app reloads it by itself.")
                    .weak(),
            );
        });
}

/// Names the panel `ui` fills as a region for assistive technology (a screen reader lists
/// regions and jumps between them), with its visible bounds; everything drawn in it after this
/// call is inside the region.
fn region(ui: &egui::Ui, role: Role, name: &str) {
    region_at(ui, role, name, ui.clip_rect().intersect(ui.max_rect()));
}

/// [`region`] with the bounds given (a scrolling region's are its viewport's).
fn region_at(ui: &egui::Ui, role: Role, name: &str, bounds: egui::Rect) {
    ui.ctx().accesskit_node_builder(ui.unique_id(), |node| {
        node.set_role(role);
        node.set_label(name);
        node.set_bounds(egui::accesskit::Rect {
            x0: bounds.min.x.into(),
            y0: bounds.min.y.into(),
            x1: bounds.max.x.into(),
            y1: bounds.max.y.into(),
        });
    });
}

/// Small rounded tag chips.
pub(crate) fn tags_ui(ui: &mut egui::Ui, tags: &[String]) {
    let chip = Look::in_ui(ui).panels().chip;
    ui.horizontal_wrapped(|ui| {
        for t in tags {
            egui::Frame::new()
                .fill(theme::color32(chip.background))
                .corner_radius(6.0)
                .inner_margin(egui::Margin::symmetric(6, 2))
                .show(ui, |ui| {
                    ui.label(
                        egui::RichText::new(t)
                            .small()
                            .color(theme::color32(chip.text)),
                    )
                });
        }
    });
}
