//! The lab panel: the run's controls (start, back, play, step, end, a slider over every event,
//! the speed), the phase's narration, the event list, and the inspector of the current event:
//! a frame's layers, fields and bytes (a chosen field's bytes marked), or a Raft message's
//! fields and every server's state; and the faults the learner can add there.

use bevy_egui::egui;
use bevy_egui::egui::accesskit::Role;

use crate::app::state::{
    Intent, LabDrawn, LabExport, LabFault, LabMove, LabPane, LabRun, LabState, RunOf,
};
use crate::app::theme;
use crate::lab::cluster::scenario::ClusterScenario;
use crate::lab::cluster::view::{
    PAUSE_MS, fault_words as cluster_fault_words, message_fields, messages, servers_at, timers_at,
};
use crate::lab::cluster::{
    ClusterEvent, EventKind as ClusterEventKind, Fault as ClusterFault, MessageMatch, Who,
};
use crate::lab::decode::{Layer, decode};
use crate::lab::scenario::Program;
use crate::lab::sequence::{SequenceItem, mermaid};
use crate::lab::view::{
    CUT_US, DELAY_US, FieldTopic, Filter, SLOW_EVERY_US, SLOW_READ_BYTES, fault_words, field_topic,
};
use crate::lab::{EventKind, Fate, Fault, FrameMatch};
use crate::model::style::layer_color;
use crate::model::{WriteupCatalog, WriteupSlug};

/// The least height of the event list and the inspector, in points.
const LEAST_BODY: f32 = 80.0;
/// Below this width the inspector goes under the list rather than beside it.
const SIDE_BY_SIDE: f32 = 760.0;
/// Bytes on one line of the hex view, where they fit (eight on a phone).
const HEX_ROW: usize = 16;

/// What the panel needs besides the run.
pub(super) struct LabView<'a> {
    /// Where the learner is.
    pub state: &'a LabState,
    /// Reduced motion is on.
    pub reduced_motion: bool,
    /// The write-ups, for the inspector's links from a field to the section explaining it.
    pub writeups: &'a WriteupCatalog,
    /// The event list (or the sequence, `true`) was scrolled to this event last pass (so it
    /// follows the current one without fighting the learner's own scrolling).
    pub listed_at: &'a mut Option<(bool, usize)>,
}

/// Draws the panel; what the inspector marked.
pub(super) fn lab_ui(
    ui: &mut egui::Ui,
    run: &LabRun,
    view: LabView<'_>,
    out: &mut Vec<Intent>,
) -> LabDrawn {
    let state = view.state;
    ui.add_space(6.0);
    header_ui(ui, run, state, view.reduced_motion, out);
    controls_ui(ui, run, state, out);
    ui.add_space(2.0);
    // The panel's height is fixed (so the diagram above it does not move as the run loads);
    // the list and the inspector scroll in what is left.
    let body = (ui.available_height() - 6.0).max(LEAST_BODY);
    let wide = ui.available_width() >= SIDE_BY_SIDE;
    let mut drawn = LabDrawn::default();
    if wide {
        ui.columns(2, |cols| {
            if let [left, right] = cols {
                run_view_ui(left, run, state, body, false, view.listed_at, out);
                drawn = inspector_ui(right, run, state, view.writeups, body, out);
            }
        });
    } else {
        // A narrow screen has one column: the inspector is a third choice beside the list
        // and the sequence.
        if state.pane == LabPane::Inspector {
            let top = ui.cursor().min.y;
            pane_choice_ui(ui, run, state, true, out);
            let used = ui.cursor().min.y - top;
            drawn = inspector_ui(ui, run, state, view.writeups, body - used, out);
        } else {
            run_view_ui(ui, run, state, body, true, view.listed_at, out);
        }
    }
    drawn
}

/// The scenario's title, the phase, and the way out.
fn header_ui(
    ui: &mut egui::Ui,
    run: &LabRun,
    state: &LabState,
    reduced_motion: bool,
    out: &mut Vec<Intent>,
) {
    let phase = run
        .phases
        .get(state.current)
        .copied()
        .flatten()
        .and_then(|p| Some((run.phase_titles.get(p)?, run.narrations.get(p)?)));
    let title = format!("Lab: {}", run.title);
    let phase_title = phase.map(|(p, _)| p.as_str());
    let mut reduced = reduced_motion;
    let ways_out = |ui: &mut egui::Ui, reduced: &mut bool, out: &mut Vec<Intent>| {
        if ui.button("✕ Close lab").clicked() {
            out.push(Intent::CloseLab);
        }
        if let Some((tour, step)) = &state.from_tour
            && ui
                .button("↩ Back to the tour")
                .on_hover_text(format!(
                    "Step {} of the tour this lab was opened from",
                    step + 1
                ))
                .clicked()
        {
            out.push(Intent::StartTour(tour.clone(), *step));
        }
        if ui.checkbox(reduced, "Reduced motion").changed() {
            out.push(Intent::SetReducedMotion(*reduced));
        }
    };
    if ui.available_width() >= SIDE_BY_SIDE {
        // The title (cut short if it must be) and the ways out on one line.
        egui::Sides::new().shrink_left().truncate().show(
            ui,
            |ui| {
                ui.label(egui::RichText::new(&title).strong());
                if let Some(p) = phase_title {
                    ui.label(egui::RichText::new(p).weak());
                }
            },
            |ui| ways_out(ui, &mut reduced, out),
        );
    } else {
        // A narrow screen: the title wraps, the ways out go below it.
        ui.horizontal_wrapped(|ui| {
            ui.label(egui::RichText::new(&title).strong());
            if let Some(p) = phase_title {
                ui.label(egui::RichText::new(p).weak());
            }
        });
        ui.horizontal_wrapped(|ui| ways_out(ui, &mut reduced, out));
    }
    if !state.faults.is_empty() {
        let names: Vec<&str> = run.actors.iter().map(String::as_str).collect();
        let words: Vec<String> = state
            .faults
            .iter()
            .map(|(_, f)| match f {
                LabFault::Network(f) => fault_words(f, &names),
                LabFault::Cluster(at, f) => cluster_fault_words(*at, f),
            })
            .collect();
        ui.horizontal_wrapped(|ui| {
            ui.label(
                egui::RichText::new(format!("Broken: {}", words.join(", ")))
                    .color(ui.visuals().warn_fg_color),
            );
            if ui
                .button("↻ Undo fault")
                .on_hover_text("Back to the scenario's own run")
                .clicked()
            {
                out.push(Intent::LabUndo);
            }
        });
    }
    // A cluster run that broke Raft's safety says so first (the lab checks every change).
    if let Some(first) = run.violations.first() {
        ui.label(
            egui::RichText::new(format!(
                "Raft's safety is broken ({} violation(s)): {first}",
                run.violations.len()
            ))
            .color(ui.visuals().error_fg_color),
        );
    }
    // The current event in words, a polite live region: a screen reader says each step.
    if let Some(text) = state.announcement() {
        let response = ui.add(egui::Label::new(egui::RichText::new(text).small()).truncate());
        ui.ctx().accesskit_node_builder(response.id, |node| {
            node.set_live(egui::accesskit::Live::Polite);
        });
    }
    if let Some((_, document)) = phase {
        egui::ScrollArea::vertical()
            .max_height(60.0)
            .id_salt("lab_narration")
            .show(ui, |ui| {
                let mut render = super::markdown::Render {
                    find: None,
                    out,
                    drawn: Default::default(),
                    salt: "lab_narration",
                };
                render.document_ui(ui, document);
            });
    }
}

/// Start, back, play or pause, step, end; the slider; the speed.
fn controls_ui(ui: &mut egui::Ui, run: &LabRun, state: &LabState, out: &mut Vec<Intent>) {
    let len = run.len();
    let (first, last) = (state.current == 0, state.current + 1 >= len);
    let step = |ui: &mut egui::Ui,
                enabled: bool,
                text: &str,
                hint: &str,
                to: LabMove,
                out: &mut Vec<Intent>| {
        if ui
            .add_enabled(enabled, egui::Button::new(text))
            .on_hover_text(hint)
            .clicked()
        {
            out.push(Intent::LabGo(to));
        }
    };
    ui.horizontal_wrapped(|ui| {
        step(
            ui,
            !first,
            "⇤ Start",
            "The first event (Home)",
            LabMove::First,
            out,
        );
        step(
            ui,
            !first,
            "◀ Back",
            "One event back (←, PageUp)",
            LabMove::Prev,
            out,
        );
        let play = if state.playing {
            "‖ Pause"
        } else {
            "▶ Play"
        };
        if ui
            .button(egui::RichText::new(play).strong())
            .on_hover_text("Play or pause (Space)")
            .clicked()
        {
            out.push(Intent::LabPlay(None));
        }
        step(
            ui,
            !last,
            "Step ▶",
            "One event forward (→, PageDown)",
            LabMove::Next,
            out,
        );
        step(
            ui,
            !last,
            "End ⇥",
            "The last event (End)",
            LabMove::Last,
            out,
        );
        // The slider is one widget of several parts, which the row does not break: with little
        // room left in the row, it starts the next.
        if ui.available_width() < SIDE_BY_SIDE / 2.0 {
            ui.end_row();
        }
        let mut at = state.current + 1;
        let slider = egui::Slider::new(&mut at, 1..=len.max(1))
            .text(format!("of {len}"))
            .clamping(egui::SliderClamping::Always);
        if ui
            .add(slider)
            .on_hover_text("Every event of the run: drag to scrub")
            .changed()
        {
            out.push(Intent::LabGo(LabMove::To(at.saturating_sub(1))));
        }
        let speed_text = |s: f32| format!("{s}×");
        egui::ComboBox::from_id_salt("lab_speed")
            .selected_text(format!("Speed {}", speed_text(state.speed)))
            .show_ui(ui, |ui| {
                for s in LabState::SPEEDS {
                    if ui
                        .selectable_label((state.speed - s).abs() < f32::EPSILON, speed_text(s))
                        .clicked()
                    {
                        out.push(Intent::LabSpeed(s));
                    }
                }
            });
    });
}

/// Names the scrolling content `ui` fills as a region for assistive technology, with the
/// bounds of what is scrolled into view (the scroll area's viewport: its width, and the
/// height the clip leaves).
fn scrolled_region(ui: &egui::Ui, name: &str) {
    let clip = ui.clip_rect();
    let bounds =
        egui::Rect::from_x_y_ranges(ui.max_rect().x_range(), clip.y_range()).intersect(clip);
    super::region_at(ui, Role::Region, name, bounds);
}

/// The choice of what the body shows (Events, Sequence, and on a narrow screen Inspector);
/// the event list's filters beside the list; and the run's exports.
fn pane_choice_ui(
    ui: &mut egui::Ui,
    run: &LabRun,
    state: &LabState,
    narrow: bool,
    out: &mut Vec<Intent>,
) {
    ui.horizontal_wrapped(|ui| {
        let mut panes = vec![(LabPane::Events, "Events"), (LabPane::Sequence, "Sequence")];
        if narrow {
            panes.push((LabPane::Inspector, "Inspector"));
        }
        for (pane, name) in panes {
            let on = state.pane == pane
                || (!narrow && pane == LabPane::Events && state.pane == LabPane::Inspector);
            if ui.selectable_label(on, name).clicked() && !on {
                out.push(Intent::LabPane(pane));
            }
        }
        if let Some((scenario, events)) = run.network() {
            export_ui(ui, &scenario.title, events, &scenario.host_names(), out);
        }
        let list_shown = match state.pane {
            LabPane::Events => true,
            LabPane::Inspector => !narrow,
            LabPane::Sequence => false,
        };
        if list_shown {
            ui.end_row();
            filter_ui(ui, run, state, out);
        }
    });
}

/// A network run's exports: the capture, the sequence as a picture and as Mermaid text.
fn export_ui(
    ui: &mut egui::Ui,
    title: &str,
    events: &[crate::lab::Event],
    names: &[&str],
    out: &mut Vec<Intent>,
) {
    ui.menu_button("Save ▾", |ui| {
        for (text, hint, what) in [
            (
                "Save capture (.pcap)",
                "Every frame of this run, for Wireshark or tshark",
                LabExport::Capture,
            ),
            (
                "Save sequence as SVG",
                "The sequence diagram as a picture, for course notes",
                LabExport::Sequence,
            ),
        ] {
            if ui.button(text).on_hover_text(hint).clicked() {
                out.push(Intent::LabSave(what));
                ui.close();
            }
        }
        if ui
            .button("Copy sequence as Mermaid")
            .on_hover_text("The sequence diagram as Mermaid text, for course notes")
            .clicked()
        {
            ui.ctx().copy_text(mermaid(title, events, names));
            ui.close();
        }
    });
}

/// The event list's filters: a toggle per protocol the run has, and which host's events.
fn filter_ui(ui: &mut egui::Ui, run: &LabRun, state: &LabState, out: &mut Vec<Intent>) {
    let filter = &state.filter;
    ui.label(egui::RichText::new("Show:").weak());
    for &protocol in &run.protocols {
        let shown = !filter.hidden.iter().any(|h| h == protocol);
        let hint = match protocol {
            "Host" => "What a program or a stack does inside a host",
            "Link" => "What happens to the cable",
            "Vote" => "Pre-vote and vote requests and their answers",
            "Log" => "AppendEntries and their answers",
            "Beat" => "Heartbeats and their answers",
            "State" => "A server's role, term, vote, disk, commit index and state machine",
            "Client" => "The client's writes",
            "Fault" => "Crashes, restarts, pauses, and the network splitting and healing",
            _ => "Frames of this protocol (and, for TCP, the connection's states)",
        };
        if ui
            .selectable_label(shown, protocol)
            .on_hover_text(hint)
            .clicked()
        {
            out.push(Intent::LabFilter(filter.with_protocol(protocol, !shown)));
        }
    }
    ui.label(egui::RichText::new("From:").weak());
    let choices = std::iter::once(None).chain(run.actors.iter().map(|h| Some(h.as_str())));
    for host in choices {
        let on = filter.from.as_deref() == host;
        if ui
            .selectable_label(on, host.unwrap_or("All"))
            .on_hover_text(host.map_or("Every event".to_owned(), |h| {
                format!("Only what {h} sends or does")
            }))
            .clicked()
            && !on
        {
            out.push(Intent::LabFilter(Filter {
                from: host.map(str::to_owned),
                ..filter.clone()
            }));
        }
    }
}

/// The run as a list or as a sequence diagram, below the choice between them.
fn run_view_ui(
    ui: &mut egui::Ui,
    run: &LabRun,
    state: &LabState,
    height: f32,
    narrow: bool,
    listed_at: &mut Option<(bool, usize)>,
    out: &mut Vec<Intent>,
) {
    let top = ui.cursor().min.y;
    pane_choice_ui(ui, run, state, narrow, out);
    // What the choice row took (it wraps on a narrow screen, and the filters add a line).
    let height = (height - (ui.cursor().min.y - top)).max(LEAST_BODY);
    if state.pane == LabPane::Sequence {
        sequence_ui(ui, run, state, height, listed_at, out);
    } else {
        list_ui(ui, run, state, height, listed_at, out);
    }
}

/// Height of one line of the sequence diagram, in points.
const SEQUENCE_ROW: f32 = 22.0;

/// The run as a sequence diagram: a lifeline for each application, stack and the cable; an
/// arrow per frame (crossed where it was lost) and a note for what happens in a host; the
/// current event marked and kept in view; a click goes there.
fn sequence_ui(
    ui: &mut egui::Ui,
    run: &LabRun,
    state: &LabState,
    height: f32,
    listed_at: &mut Option<(bool, usize)>,
    out: &mut Vec<Intent>,
) {
    // Made once with the run: every arrow needs its frame decoded.
    let items = &run.sequence;
    let width = ui.available_width();
    let lanes = run.lifelines.len().max(1);
    let x = |i: usize| width * (0.5 + i as f32) / lanes as f32;
    let visuals = ui.visuals().clone();
    let text = visuals.text_color();
    let weak = visuals.weak_text_color();
    let small = egui::TextStyle::Small.resolve(ui.style());
    // The lifelines' names, above the scrolling rows.
    let (head, _) = ui.allocate_exact_size(egui::vec2(width, 18.0), egui::Sense::hover());
    for (i, name) in run.lifelines.iter().enumerate() {
        ui.painter().text(
            egui::pos2(head.min.x + x(i), head.center().y),
            egui::Align2::CENTER_CENTER,
            name,
            small.clone(),
            text,
        );
    }
    let mut area = egui::ScrollArea::vertical()
        .id_salt("lab_sequence")
        .max_height(height - 18.0)
        .auto_shrink([false, true]);
    let sequence = state.pane == LabPane::Sequence;
    if *listed_at != Some((sequence, state.current)) {
        *listed_at = Some((sequence, state.current));
        let offset = (state.current as f32 + 0.5) * SEQUENCE_ROW - height / 2.0;
        area = area.vertical_scroll_offset(offset.max(0.0));
    }
    let spacing = ui.spacing().item_spacing.y;
    area.show_rows(ui, SEQUENCE_ROW - spacing, items.len(), |ui, range| {
        scrolled_region(ui, "Sequence");
        ui.spacing_mut().item_spacing.y = 0.0;
        for item in items.get(range).unwrap_or_default() {
            let (event, name) = match item {
                SequenceItem::Arrow { event, text, .. }
                | SequenceItem::Note { event, text, .. } => (*event, text.as_str()),
            };
            let (rect, response) =
                ui.allocate_exact_size(egui::vec2(width, SEQUENCE_ROW), egui::Sense::click());
            response.widget_info(|| {
                egui::WidgetInfo::selected(
                    egui::WidgetType::SelectableLabel,
                    true,
                    event == state.current,
                    format!("{} {name}", event + 1),
                )
            });
            if response.clicked() && event != state.current {
                out.push(Intent::LabGo(LabMove::To(event)));
            }
            let painter = ui.painter_at(rect);
            if event == state.current {
                painter.rect_filled(rect, 2.0, visuals.selection.bg_fill);
            }
            for i in 0..run.lifelines.len() {
                let lx = rect.min.x + x(i);
                painter.line_segment(
                    [egui::pos2(lx, rect.min.y), egui::pos2(lx, rect.max.y)],
                    egui::Stroke::new(1.0, weak),
                );
            }
            match item {
                SequenceItem::Arrow {
                    from,
                    to,
                    text: label,
                    lost,
                    ..
                } => {
                    let y = rect.max.y - 5.0;
                    let (a, b) = (rect.min.x + x(*from), rect.min.x + x(*to));
                    let end = if *lost { a + (b - a) * 0.5 } else { b };
                    let stroke = egui::Stroke::new(1.5, text);
                    painter.line_segment([egui::pos2(a, y), egui::pos2(end, y)], stroke);
                    let dir = (b - a).signum();
                    if *lost {
                        let c = egui::pos2(end, y);
                        let d = 4.0;
                        let cross = egui::Stroke::new(2.0, visuals.error_fg_color);
                        painter.line_segment([c + egui::vec2(-d, -d), c + egui::vec2(d, d)], cross);
                        painter.line_segment([c + egui::vec2(-d, d), c + egui::vec2(d, -d)], cross);
                    } else {
                        let tip = egui::pos2(b, y);
                        painter.line_segment([tip, tip + egui::vec2(-6.0 * dir, -4.0)], stroke);
                        painter.line_segment([tip, tip + egui::vec2(-6.0 * dir, 4.0)], stroke);
                    }
                    painter.text(
                        egui::pos2(a.min(b) + 4.0, y - 2.0),
                        egui::Align2::LEFT_BOTTOM,
                        label,
                        small.clone(),
                        text,
                    );
                }
                SequenceItem::Note {
                    on, text: label, ..
                } => {
                    painter.text(
                        egui::pos2(rect.min.x + x(*on) + 6.0, rect.center().y),
                        egui::Align2::LEFT_CENTER,
                        label,
                        small.clone(),
                        weak,
                    );
                }
            }
        }
    });
}

/// The event list: number, time, from → to, protocol, summary; the current event marked and
/// kept in view; a click goes there.
fn list_ui(
    ui: &mut egui::Ui,
    run: &LabRun,
    state: &LabState,
    height: f32,
    listed_at: &mut Option<(bool, usize)>,
    out: &mut Vec<Intent>,
) {
    // A row is one selectable button: its text's height with the button's padding, at least
    // the height of anything one can press. `show_rows` adds the spacing between rows itself.
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let spacing = ui.spacing();
    let button = (ui.fonts_mut(|f| f.row_height(&font)) + 2.0 * spacing.button_padding.y)
        .max(spacing.interact_size.y);
    let row_height = button + spacing.item_spacing.y;
    let mut area = egui::ScrollArea::vertical()
        .id_salt("lab_events")
        .max_height(height)
        .auto_shrink([false, true]);
    let sequence = state.pane == LabPane::Sequence;
    let listed = state.filter.listed(&run.rows, state.current);
    if *listed_at != Some((sequence, state.current)) {
        *listed_at = Some((sequence, state.current));
        let at = listed.binary_search(&state.current).unwrap_or_default();
        let offset = (at as f32 + 0.5) * row_height - height / 2.0;
        area = area.vertical_scroll_offset(offset.max(0.0));
    }
    area.show_rows(ui, button, listed.len(), |ui, range| {
        scrolled_region(ui, "Events");
        for &i in listed.get(range).unwrap_or_default() {
            let Some(row) = run.rows.get(i) else { continue };
            // What happens inside one host names it once.
            let who = if row.from == row.to {
                format!("{:<5}", row.from)
            } else {
                format!("{} → {}", row.from, row.to)
            };
            let text = format!(
                "{:>4}  {:>9} ms  {who}  {:<5} {}",
                row.number, row.time, row.protocol, row.summary
            );
            let current = i == state.current;
            let label = egui::RichText::new(text).monospace();
            let response = ui.add(
                egui::Button::selectable(current, label)
                    .truncate()
                    .min_size(egui::vec2(ui.available_width(), 0.0)),
            );
            if response.clicked() && !current {
                out.push(Intent::LabGo(LabMove::To(i)));
            }
        }
    });
}

/// The current event: a frame's layers and bytes, or what happened in the host.
fn inspector_ui(
    ui: &mut egui::Ui,
    run: &LabRun,
    state: &LabState,
    writeups: &WriteupCatalog,
    height: f32,
    out: &mut Vec<Intent>,
) -> LabDrawn {
    let top = ui.cursor().min.y;
    let mut drawn = LabDrawn {
        event: Some(state.current),
        marked: Vec::new(),
    };
    let (scenario, events) = match &run.of {
        RunOf::Network { scenario, events } => (scenario, events),
        RunOf::Cluster {
            scenario, events, ..
        } => {
            cluster_inspector_ui(ui, run, scenario, events, state, writeups, height, out);
            return drawn;
        }
    };
    let Some(event) = events.get(state.current) else {
        return drawn;
    };
    break_ui(ui, &scenario.programs, event, state.current, out);
    let names = scenario.host_names();
    let EventKind::Frame(frame) = &event.kind else {
        ui.label(egui::RichText::new(format!("Event {}", state.current + 1)).strong());
        if let Some(row) = run.rows.get(state.current) {
            ui.label(format!("{}: {}", row.from, row.summary));
        }
        return drawn;
    };
    let name = |h: usize| names.get(h).copied().unwrap_or("?");
    ui.label(
        egui::RichText::new(format!(
            "Frame #{}  ·  {} bytes  ·  {} → {}",
            frame.number,
            frame.bytes.len(),
            name(frame.direction.sender()),
            name(frame.direction.receiver())
        ))
        .strong(),
    );
    let fate = match &frame.fate {
        Fate::Delivered { .. } => None,
        Fate::Delayed { by_us, .. } => Some(format!("Delayed by {} ms on the way.", by_us / 1000)),
        Fate::Corrupted { byte, bit, .. } => Some(format!(
            "Bit {bit} of byte {byte} flipped on the way: these are the bytes that arrived."
        )),
        Fate::Lost { why } => Some(format!("Lost: {why}.")),
    };
    if let Some(fate) = fate {
        ui.label(egui::RichText::new(fate).color(ui.visuals().warn_fg_color));
    }
    let layers = decode(&frame.bytes);
    let used = ui.cursor().min.y - top;
    egui::ScrollArea::vertical()
        .id_salt("lab_inspector")
        .max_height((height - used).max(LEAST_BODY))
        .auto_shrink([false, true])
        .show(ui, |ui| {
            scrolled_region(ui, "Inspector");
            // One width for every layer's names, so all the values line up.
            let font = egui::TextStyle::Body.resolve(ui.style());
            let names = layers
                .iter()
                .flat_map(|l| &l.fields)
                .map(|f| {
                    ui.fonts_mut(|fonts| {
                        fonts
                            .layout_no_wrap(f.name.clone(), font.clone(), egui::Color32::WHITE)
                            .size()
                            .x
                    })
                })
                .fold(0.0, f32::max)
                + 2.0 * ui.spacing().button_padding.x;
            for (li, layer) in layers.iter().enumerate() {
                layer_ui(ui, li, layer, state.field, names, writeups, out);
            }
            ui.add_space(4.0);
            drawn.marked = hex_ui(ui, &frame.bytes, &layers, state.field, out);
        });
    drawn
}

/// "Break it": faults the learner can add at the current event. The run branches there and
/// the stacks answer (a retransmission, a reset, a zero window).
fn break_ui(
    ui: &mut egui::Ui,
    programs: &[Program],
    event: &crate::lab::Event,
    current: usize,
    out: &mut Vec<Intent>,
) {
    let mut push =
        |after: usize, fault: Fault| out.push(Intent::LabBreak(after, LabFault::Network(fault)));
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new("Break it:").weak());
        if let Some(frame) = event.frame() {
            let this = FrameMatch::Number(frame.number);
            // Before this frame's event: the fault meets the frame as it goes onto the cable.
            for (text, fault, hint) in [
                (
                    "Drop",
                    Fault::Drop(this.clone()),
                    "Lose this frame on the cable",
                ),
                (
                    "Corrupt",
                    Fault::Corrupt(this.clone()),
                    "Flip one bit of this frame on the cable",
                ),
                (
                    "Delay",
                    Fault::Delay(this, DELAY_US),
                    "Hold this frame back 200 ms",
                ),
            ] {
                if ui.button(text).on_hover_text(hint).clicked() {
                    push(current, fault);
                }
            }
        }
        // After this event: from this moment on.
        let cut = Fault::Cut {
            at_us: event.time_us,
            for_us: CUT_US,
        };
        if ui
            .button("Cut the cable")
            .on_hover_text("Unplug the cable here for one second")
            .clicked()
        {
            push(current + 1, cut);
        }
        let reader = programs.iter().find_map(|p| match p {
            Program::BulkReceive { host, .. } => Some(*host),
            _ => None,
        });
        if let Some(host) = reader
            && ui
                .button("Slow reader")
                .on_hover_text(format!(
                    "The reader takes at most {SLOW_READ_BYTES} bytes every {} ms from here on",
                    SLOW_EVERY_US / 1000
                ))
                .clicked()
        {
            push(
                current + 1,
                Fault::SlowReader {
                    host,
                    at_us: event.time_us,
                    bytes: SLOW_READ_BYTES,
                    every_us: SLOW_EVERY_US,
                },
            );
        }
        let server = programs.iter().find_map(|p| match p {
            Program::HttpServer { host, .. } => Some(*host),
            _ => None,
        });
        if let Some(host) = server
            && ui
                .button("Stop the server")
                .on_hover_text("The server program stops here")
                .clicked()
        {
            push(
                current + 1,
                Fault::StopServer {
                    host,
                    at_us: event.time_us,
                },
            );
        }
    });
}

/// The current event of a cluster run: the faults the learner can add here, a message's
/// fields (each linked to the write-up section explaining it) and what became of it, and
/// every server's state at this event.
#[allow(clippy::too_many_arguments)]
fn cluster_inspector_ui(
    ui: &mut egui::Ui,
    run: &LabRun,
    scenario: &ClusterScenario,
    events: &[ClusterEvent],
    state: &LabState,
    writeups: &WriteupCatalog,
    height: f32,
    out: &mut Vec<Intent>,
) {
    let top = ui.cursor().min.y;
    let Some(event) = events.get(state.current) else {
        return;
    };
    cluster_break_ui(ui, run, event, state.current, out);
    let sent = messages(events);
    let about = match &event.kind {
        ClusterEventKind::Sent { number, .. }
        | ClusterEventKind::Delivered { number }
        | ClusterEventKind::Lost { number, .. } => sent.get(number).map(|m| (*number, *m)),
        _ => None,
    };
    let used = ui.cursor().min.y - top;
    egui::ScrollArea::vertical()
        .id_salt("lab_inspector")
        .max_height((height - used).max(LEAST_BODY))
        .auto_shrink([false, true])
        .show(ui, |ui| {
            scrolled_region(ui, "Inspector");
            match about {
                Some((number, m)) => {
                    ui.label(
                        egui::RichText::new(format!("Message #{number}  ·  {} → {}", m.from, m.to))
                            .strong(),
                    );
                    if let Some(Some(flight)) = run
                        .flights
                        .iter()
                        .find(|f| f.is_some_and(|f| f.number == number))
                    {
                        let fate = match (
                            events.iter().find_map(|e| match &e.kind {
                                ClusterEventKind::Lost { number: n, why } if *n == number => {
                                    Some(*why)
                                }
                                _ => None,
                            }),
                            flight.end_us,
                        ) {
                            (Some(why), Some(end)) => format!(
                                "Lost at {} ms: {}.",
                                end / 1000,
                                crate::lab::cluster::text::loss_words(why)
                            ),
                            (None, Some(end)) => format!(
                                "Sent at {} ms, arrived at {} ms.",
                                flight.sent_us / 1000,
                                end / 1000
                            ),
                            (_, None) => format!(
                                "Sent at {} ms, still on its way when the run ends.",
                                flight.sent_us / 1000
                            ),
                        };
                        ui.label(fate);
                    }
                    egui::Grid::new("lab_message_fields")
                        .num_columns(3)
                        .spacing(egui::vec2(8.0, 2.0))
                        .show(ui, |ui| {
                            for (name, value, topic) in message_fields(m) {
                                ui.label(name);
                                match topic {
                                    Some(topic) => topic_link_ui(ui, name, topic, writeups, out),
                                    None => {
                                        ui.label("");
                                    }
                                }
                                ui.add(
                                    egui::Label::new(egui::RichText::new(value).monospace()).wrap(),
                                );
                                ui.end_row();
                            }
                        });
                }
                None => {
                    ui.label(egui::RichText::new(format!("Event {}", state.current + 1)).strong());
                    if let Some(row) = run.rows.get(state.current) {
                        ui.label(&row.summary);
                    }
                }
            }
            ui.add_space(6.0);
            ui.label(egui::RichText::new("The servers at this event").strong());
            let servers = servers_at(scenario.servers.len(), events, state.current);
            let clocks = match &run.of {
                RunOf::Cluster { timers, .. } => timers_at(
                    timers,
                    scenario.servers.len(),
                    event.at_ms,
                ),
                RunOf::Network { .. } => Vec::new(),
            };
            egui::Grid::new("lab_servers")
                .num_columns(7)
                .spacing(egui::vec2(10.0, 2.0))
                .show(ui, |ui| {
                    for head in ["", "role", "term", "voted", "commit", "timer", "log (terms)"] {
                        ui.label(egui::RichText::new(head).weak());
                    }
                    ui.end_row();
                    for (i, s) in servers.iter().enumerate() {
                        ui.label(egui::RichText::new(s.id.to_string()).strong());
                        ui.label(s.role_words());
                        ui.label(s.term.to_string());
                        ui.label(s.vote.map_or("–".to_owned(), |v| v.to_string()));
                        ui.label(s.commit.to_string());
                        // A follower's or candidate's election timer, in ticks of 10 ms.
                        let clock = s.election_clock(clocks.get(i).copied().flatten());
                        ui.label(clock.map_or("–".to_owned(), |(e, t)| format!("{e} of {t}")))
                            .on_hover_text("Ticks of 10 ms since it last heard from a leader, of the ticks it waits before it stands");
                        let log: Vec<String> = s.log_terms.iter().map(u64::to_string).collect();
                        ui.label(egui::RichText::new(log.join(" ")).monospace());
                        ui.end_row();
                    }
                });
            for s in servers.iter().filter(|s| !s.state.is_empty()) {
                let kv: Vec<String> = s.state.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                ui.label(format!("{}'s store: {}", s.id, kv.join(", ")));
            }
        });
}

/// "Break it" for a cluster: crash, restart, pause or cut off the server of this event (or
/// the leader), heal the network, or drop, duplicate or delay this message. The run is made
/// again with the fault, from this event's moment.
fn cluster_break_ui(
    ui: &mut egui::Ui,
    run: &LabRun,
    event: &ClusterEvent,
    current: usize,
    out: &mut Vec<Intent>,
) {
    let at = event.at_ms;
    // A server's fault comes the millisecond after this event; a message's is ready before
    // the message leaves.
    let mut push = |after: usize, at: u64, fault: ClusterFault| {
        out.push(Intent::LabBreak(after, LabFault::Cluster(at, fault)));
    };
    let server = match &event.kind {
        ClusterEventKind::Sent { message, .. } => Some(message.from),
        ClusterEventKind::Role { server, .. }
        | ClusterEventKind::Voted { server, .. }
        | ClusterEventKind::Persisted { server, .. }
        | ClusterEventKind::Committed { server, .. }
        | ClusterEventKind::Applied { server, .. }
        | ClusterEventKind::Proposed { server, .. }
        | ClusterEventKind::Crashed(server)
        | ClusterEventKind::Restarted(server)
        | ClusterEventKind::Paused(server)
        | ClusterEventKind::Resumed(server) => Some(*server),
        _ => None,
    };
    let down = (run.cluster())
        .map(|(s, events)| servers_at(s.servers.len(), events, current))
        .unwrap_or_default();
    ui.horizontal_wrapped(|ui| {
        ui.label(egui::RichText::new("Break it:").weak());
        if ui
            .button("Crash the leader")
            .on_hover_text("The leader of the moment crashes; its disk stays")
            .clicked()
        {
            push(current + 1, at + 1, ClusterFault::Crash(Who::Leader));
        }
        if let Some(id) = server {
            let is_down = down.iter().any(|s| s.id == id && !s.up);
            if is_down {
                if ui
                    .button(format!("Restart {id}"))
                    .on_hover_text(format!("{id} restarts from its disk"))
                    .clicked()
                {
                    push(current + 1, at + 1, ClusterFault::Restart(Who::Server(id)));
                }
            } else {
                if ui
                    .button(format!("Crash {id}"))
                    .on_hover_text(format!("{id} crashes: its memory is gone, its disk stays"))
                    .clicked()
                {
                    push(current + 1, at + 1, ClusterFault::Crash(Who::Server(id)));
                }
                if ui
                    .button(format!("Pause {id}"))
                    .on_hover_text(format!(
                        "{id} stops for {} s, like a long garbage-collection pause, then runs on",
                        PAUSE_MS / 1000
                    ))
                    .clicked()
                {
                    push(
                        current + 1,
                        at + 1,
                        ClusterFault::Pause(Who::Server(id), PAUSE_MS),
                    );
                }
            }
            if ui
                .button(format!("Cut {id} off"))
                .on_hover_text(format!("The network splits {id} from the others"))
                .clicked()
            {
                push(
                    current + 1,
                    at + 1,
                    ClusterFault::Partition(vec![vec![Who::Server(id)]]),
                );
            }
        }
        if down.iter().any(|s| s.side.is_some())
            && ui
                .button("Heal the network")
                .on_hover_text("The network is whole again")
                .clicked()
        {
            push(current + 1, at + 1, ClusterFault::Heal);
        }
        if let ClusterEventKind::Sent { number, message } = &event.kind {
            let this = MessageMatch {
                number: Some(*number),
                kind: Some(message.kind),
                from: Some(message.from),
                to: Some(message.to),
            };
            for (text, fault, hint) in [
                (
                    "Drop",
                    ClusterFault::Drop(this.clone()),
                    "Lose this message",
                ),
                (
                    "Duplicate",
                    ClusterFault::Duplicate(this.clone()),
                    "Deliver this message twice",
                ),
                (
                    "Delay",
                    ClusterFault::Delay(this, DELAY_US / 1000),
                    "Hold this message back 200 ms",
                ),
            ] {
                if ui.button(text).on_hover_text(hint).clicked() {
                    push(current, at, fault);
                }
            }
        }
    });
}

/// One layer: its colour, its name, and its fields (name and value), each choosable.
fn layer_ui(
    ui: &mut egui::Ui,
    li: usize,
    layer: &Layer,
    chosen: Option<(usize, usize)>,
    names_width: f32,
    writeups: &WriteupCatalog,
    out: &mut Vec<Intent>,
) {
    ui.horizontal(|ui| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 14.0), egui::Sense::hover());
        ui.painter()
            .rect_filled(rect, 2.0, theme::color32(layer_color(layer.name)));
        ui.label(egui::RichText::new(layer.name).strong());
    });
    egui::Grid::new(("lab_fields", li))
        .num_columns(3)
        .spacing(egui::vec2(8.0, 2.0))
        .min_col_width(0.0)
        .show(ui, |ui| {
            for (fi, field) in layer.fields.iter().enumerate() {
                let on = chosen == Some((li, fi));
                // The names' column is as wide as the frame's longest name, so the layers'
                // values line up; the other columns fit what they hold.
                let response = ui
                    .horizontal(|ui| {
                        ui.set_min_width(names_width);
                        ui.selectable_label(on, &field.name)
                    })
                    .inner
                    .on_hover_text(format!(
                        "Bytes {}–{}",
                        field.range.start,
                        field.range.end.saturating_sub(1)
                    ));
                if response.clicked() {
                    out.push(Intent::LabField((!on).then_some((li, fi))));
                }
                // A column of its own, so the values line up whether a field has a link or not.
                match field_topic(layer.name, &field.name) {
                    Some(topic) => topic_link_ui(ui, &field.name, topic, writeups, out),
                    None => {
                        ui.label("");
                    }
                }
                ui.add(egui::Label::new(egui::RichText::new(&field.value).monospace()).wrap());
                ui.end_row();
            }
        });
}

/// A small "?" after a field's name that opens the write-up explaining it, at its section.
fn topic_link_ui(
    ui: &mut egui::Ui,
    field: &str,
    topic: FieldTopic,
    writeups: &WriteupCatalog,
    out: &mut Vec<Intent>,
) {
    let slug = WriteupSlug::new(topic.writeup);
    let Some(w) = writeups.get(&slug) else {
        return;
    };
    let words = format!("Read about {field}: {}, “{}”", w.title, topic.section);
    let response = ui
        .add(egui::Button::new(egui::RichText::new("?").small()).small())
        .on_hover_text(&words);
    ui.ctx().accesskit_node_builder(response.id, |node| {
        node.set_label(words.clone());
    });
    if response.clicked() {
        out.push(Intent::OpenWriteupAt(slug, topic.section.to_owned()));
    }
}

/// The field that holds byte `b`: the narrowest, in the innermost layer.
fn field_of(layers: &[Layer], b: usize) -> Option<(usize, usize)> {
    layers
        .iter()
        .enumerate()
        .flat_map(|(li, l)| l.fields.iter().enumerate().map(move |(fi, f)| (li, fi, f)))
        .filter(|(_, _, f)| f.range.contains(&b))
        .min_by_key(|(li, _, f)| (f.range.len(), usize::MAX - li))
        .map(|(li, fi, _)| (li, fi))
}

/// The frame's bytes, sixteen to a line; the chosen field's bytes marked, and a byte's click
/// chooses the field that holds it. Returns the marked bytes.
fn hex_ui(
    ui: &mut egui::Ui,
    bytes: &[u8],
    layers: &[Layer],
    chosen: Option<(usize, usize)>,
    out: &mut Vec<Intent>,
) -> Vec<usize> {
    let mut drawn = Vec::new();
    let marked = chosen
        .and_then(|(li, fi)| layers.get(li)?.fields.get(fi))
        .map(|f| f.range.clone());
    let select = ui.visuals().selection;
    ui.spacing_mut().item_spacing.x = 0.0;
    let font = egui::TextStyle::Monospace.resolve(ui.style());
    let glyph = ui.fonts_mut(|f| f.glyph_width(&font, '0'));
    let row = if ui.available_width() >= glyph * (6.0 + 3.0 * HEX_ROW as f32) {
        HEX_ROW
    } else {
        HEX_ROW / 2
    };
    for (r, line) in bytes.chunks(row).enumerate() {
        ui.horizontal(|ui| {
            ui.label(
                egui::RichText::new(format!("{:04x}  ", r * row))
                    .monospace()
                    .weak(),
            );
            for (c, byte) in line.iter().enumerate() {
                let b = r * row + c;
                let on = marked.as_ref().is_some_and(|m| m.contains(&b));
                let mut text = egui::RichText::new(format!("{byte:02x} ")).monospace();
                if on {
                    drawn.push(b);
                    text = text
                        .background_color(select.bg_fill)
                        .color(select.stroke.color);
                }
                let response = ui.add(egui::Label::new(text).sense(egui::Sense::click()));
                if response.clicked() {
                    out.push(Intent::LabField(field_of(layers, b)));
                }
            }
        });
    }
    drawn
}
