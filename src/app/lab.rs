//! The network lab on the diagram: a scenario's run made once it is asked for (from the Lab
//! menu, `--lab`, or `#/lab/<scenario>/<event>`), stepped, played and scrubbed, with its
//! frames walking through the parts of the diagram. The consumer of `OpenLab`, `CloseLab`,
//! `LabGo`, `LabPlay`, `LabSpeed`, `LabField`, `LabBreak`, `LabUndo`, `LabPane`, `LabFilter`
//! and `LabSave` (which hands the bytes to the `save` feature).
//!
//! The run comes from the lab core ([`crate::lab`]): real TCP/IP stacks on a virtual clock,
//! recorded to the end, so going back is reading the record. Each event shows for a moment
//! (a frame walks from one program to the other; a host event is a beat), scaled by the speed
//! the learner picks; with reduced motion a frame jumps from part to part.

use std::sync::Arc;

use bevy::prelude::*;

use super::state::space::world;
use super::state::{
    AppSystems, Consumer, FrameMark, FrameTargets, Intent, LabExport, LabFiles, LabFrames, LabMove,
    LabRun, LabState, LoadedModel, Notice, Preferences, SaveFile, TourState,
};
use crate::lab::view::{Filter, Row, Walk, row};
use crate::lab::{Lab, parse_scenario};
use crate::model::{ComponentId, Target, paths};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (
            apply_intents.in_set(AppSystems::Plan),
            (make_run, play).chain().in_set(AppSystems::Follow),
            place_frames.in_set(AppSystems::Visuals),
        ),
    );
}

/// The event a move leads to in a run with these rows: a step, the start and the end go to
/// events the filter shows (staying put where there is none); `To` goes where it says.
fn target(m: LabMove, current: usize, rows: &[Row], filter: &Filter) -> usize {
    let last = rows.len().saturating_sub(1);
    let stay = current.min(last);
    match m {
        LabMove::Next => filter.step(rows, current, true).unwrap_or(stay),
        LabMove::Prev => filter.step(rows, current, false).unwrap_or(stay),
        LabMove::First => rows.iter().position(|r| filter.shows(r)).unwrap_or(stay),
        LabMove::Last => rows.iter().rposition(|r| filter.shows(r)).unwrap_or(stay),
        LabMove::To(k) => k.min(last),
    }
}

fn apply_intents(
    mut intents: ParamSet<(MessageReader<Intent>, MessageWriter<Intent>)>,
    mut state: ResMut<LabState>,
    mut saves: MessageWriter<SaveFile>,
    tour: Res<TourState>,
    time: Res<Time<Real>>,
) {
    let incoming: Vec<Intent> = intents
        .p0()
        .read()
        .filter(Intent::for_(Consumer::Lab))
        .cloned()
        .collect();
    let now = time.elapsed_secs_f64();
    let mut out = Vec::new();
    for intent in incoming {
        match intent {
            Intent::OpenLab(name, event) => {
                if state.scenario.as_deref() == Some(&name) && state.run.is_some() {
                    // The same scenario: only move.
                    go(&mut state, LabMove::To(event), now);
                    continue;
                }
                // A lab and a tour both move things on the diagram: one at a time. The tour
                // playing is remembered, so the lab can hand the learner back to it.
                let from_tour = tour.tour.clone().map(|t| (t, tour.step));
                *state = LabState {
                    scenario: Some(name),
                    current: event,
                    speed: state.speed,
                    pane: state.pane,
                    shown_at: now,
                    from_tour,
                    ..LabState::default()
                };
                out.push(Intent::EndTour);
            }
            Intent::CloseLab if state.is_open() => {
                *state = LabState {
                    speed: state.speed,
                    pane: state.pane,
                    ..LabState::default()
                };
            }
            Intent::LabGo(m) => {
                state.playing = false;
                go(&mut state, m, now);
            }
            Intent::LabPlay(play) => {
                let len = state.run.as_ref().map_or(0, |r| r.len());
                let on = play.unwrap_or(!state.playing);
                if on && len > 0 && state.current + 1 >= len && state.progress(now) >= 1.0 {
                    // Play at the end starts again.
                    go(&mut state, LabMove::First, now);
                }
                state.playing = on && len > 0;
            }
            Intent::LabSpeed(speed) if speed > 0.0 => {
                // Keep how far the current event has got.
                let progress = f64::from(state.progress(now));
                state.speed = speed;
                let shown_at = now - progress * state.duration();
                state.shown_at = shown_at;
            }
            Intent::LabField(field) => state.field = field,
            Intent::LabBreak(after, fault) => {
                // The run is made again with it (`make_run`); the learner stays where they are.
                state.faults.push((after, fault));
                state.faults.sort_by_key(|(k, _)| *k);
                state.playing = false;
            }
            Intent::LabPane(pane) => state.pane = pane,
            Intent::LabUndo if !state.faults.is_empty() => {
                state.faults.clear();
                state.playing = false;
            }
            Intent::LabFilter(filter) => state.filter = filter,
            Intent::LabSave(what) => {
                if let Some(run) = &state.run {
                    saves.write(export(run, what));
                }
            }
            _ => {}
        }
    }
    intents.p1().write_batch(out);
}

/// The run's capture or sequence picture, to be saved.
fn export(run: &LabRun, what: LabExport) -> SaveFile {
    let (bytes, words) = match what {
        LabExport::Capture => {
            let frames = run.events.iter().filter(|e| e.frame().is_some()).count();
            (
                crate::lab::pcap::pcap(&run.events),
                format!("The capture ({frames} frames, for Wireshark)"),
            )
        }
        LabExport::Sequence => (
            crate::lab::sequence::svg(&run.scenario.title, &run.events, &run.scenario.host_names())
                .into_bytes(),
            "The sequence diagram".to_owned(),
        ),
    };
    SaveFile {
        name: what.file_name(&run.scenario.name),
        media_type: what.media_type(),
        what: words,
        bytes,
    }
}

/// Moves to another event, which starts to show now.
fn go(state: &mut LabState, m: LabMove, now: f64) {
    let next = match &state.run {
        Some(run) => target(m, state.current, &run.rows, &state.filter),
        None => 0,
    };
    if next != state.current || m == LabMove::To(next) {
        state.current = next;
        state.shown_at = now;
        state.field = None;
    }
}

/// The diagram's parts a scenario's run happens on: its hosts' computers.
fn hosts_frame(run: &LabRun) -> Vec<Target> {
    run.scenario
        .hosts
        .iter()
        .map(|h| Target::Component(ComponentId::new(h.parts.computer.as_str())))
        .collect()
}

/// Makes the run when a scenario is asked for and its file is in, and again when the diagram
/// reloads (the walks follow its parts). A scenario for another diagram opens that diagram
/// first; one that is not listed, or does not validate, is closed with a note.
#[allow(clippy::too_many_arguments)]
fn make_run(
    mut state: ResMut<LabState>,
    files: Res<LabFiles>,
    model: Option<Res<LoadedModel>>,
    mut notice: ResMut<Notice>,
    mut intents: MessageWriter<Intent>,
    mut frame: MessageWriter<FrameTargets>,
    time: Res<Time<Real>>,
    mut asked_for: Local<Option<String>>,
) {
    let (Some(name), Some(model)) = (state.scenario.clone(), model) else {
        return;
    };
    if state
        .run
        .as_ref()
        .is_some_and(|r| r.generation == model.generation && r.faults == state.faults)
    {
        return;
    }
    let Some(file) = files.get(&name) else {
        if files.listed {
            notice.say(format!("There is no lab scenario `{name}`."));
            *state = LabState::default();
        }
        return;
    };
    let text = match &file.text {
        None => return,
        Some(Err(why)) => {
            notice.say(format!(
                "The lab scenario `{name}` could not be read: {why}"
            ));
            *state = LabState::default();
            return;
        }
        Some(Ok(text)) => text.clone(),
    };
    if let Some(diagram) = &file.diagram
        && *diagram != model.diagram_file
    {
        // Its diagram first; the run is made once that is on screen.
        if asked_for.as_deref() != Some(diagram) {
            *asked_for = Some(diagram.clone());
            intents.write(Intent::OpenDiagram(diagram.clone()));
        }
        return;
    }
    *asked_for = None;
    let file_name = format!("{}/{}", paths::DIAGRAM_DIR, paths::lab_file(&name));
    let scenario = match parse_scenario(&file_name, &name, &text, Some(&model.diagram)) {
        Ok(s) => Arc::new(s),
        Err(d) => {
            let first = d.0.first().map(ToString::to_string).unwrap_or_default();
            notice.say(format!("The lab scenario `{name}` has errors: {first}"));
            *state = LabState::default();
            return;
        }
    };
    let mut lab = Lab::new(scenario.clone(), scenario.seed, Vec::new());
    // Each of the learner's faults branches the run after its event: the run is the same up
    // to there, then the stacks answer the fault.
    for (after, fault) in &state.faults {
        lab.seek(*after);
        if let Some(branch) = lab.branch(*after, fault.clone()) {
            lab = branch;
        }
    }
    lab.run_to_end();
    let events = lab.recorded().to_vec();
    let names = scenario.host_names();
    let rows: Vec<_> = events
        .iter()
        .enumerate()
        .map(|(i, e)| row(i, e, &names))
        .collect();
    let walks = events
        .iter()
        .map(|e| e.frame().map(|f| Walk::new(&scenario, &model.diagram, f)))
        .collect();
    let slugs = model.writeups.slugs();
    let narrations = scenario
        .phases
        .iter()
        .map(|p| {
            Arc::new(crate::model::markdown::parse_document(&file_name, &p.narration, &slugs).0)
        })
        .collect();
    let notes = scenario
        .phases
        .iter()
        .map(|p| {
            p.notes
                .as_ref()
                .map(|n| Arc::new(crate::model::markdown::parse_document(&file_name, n, &slugs).0))
        })
        .collect();
    let sequence = crate::lab::sequence::sequence(&events, &names);
    let run = LabRun {
        protocols: crate::lab::view::protocols_in(&rows),
        sequence,
        narrations,
        notes,
        phases: lab.phases(),
        scenario,
        events,
        rows,
        walks,
        generation: model.generation,
        faults: state.faults.clone(),
    };
    let first = state.run.is_none();
    if first {
        frame.write(FrameTargets(hosts_frame(&run)));
        state.shown_at = time.elapsed_secs_f64();
    }
    state.current = state.current.min(run.len().saturating_sub(1));
    state.run = Some(Arc::new(run));
}

/// Plays the run: the next event once the current one has shown; stops at the end.
fn play(
    mut state: ResMut<LabState>,
    time: Res<Time<Real>>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    if state.run.is_none() {
        return;
    }
    let now = time.elapsed_secs_f64();
    if state.progress(now) < 1.0 {
        redraw.write(bevy::window::RequestRedraw);
    }
    if !state.playing || state.progress(now) < 1.0 {
        return;
    }
    // The next event the filter shows.
    let Some(next) = state
        .run
        .as_ref()
        .and_then(|r| state.filter.step(&r.rows, state.current, true))
    else {
        state.playing = false;
        return;
    };
    // The next event starts where the last one ended (not later, unless a slow frame lost
    // more than one event's time), so the pace holds.
    let ended = state.shown_at + state.duration();
    state.current = next;
    state.field = None;
    state.shown_at = if now - ended < state.duration() {
        ended
    } else {
        now
    };
    redraw.write(bevy::window::RequestRedraw);
}

/// The frames on the canvas: the current event's, walking its path, and every frame on the
/// cable at the current event's moment.
fn place_frames(
    state: Res<LabState>,
    prefs: Res<Preferences>,
    time: Res<Time<Real>>,
    mut frames: ResMut<LabFrames>,
) {
    let Some(run) = &state.run else {
        frames.set_if_neq(LabFrames::default());
        return;
    };
    let mut marks = Vec::new();
    let now_us = run.events.get(state.current).map_or(0, |e| e.time_us);
    for (i, (event, walk)) in run.events.iter().zip(&run.walks).enumerate() {
        let (Some(frame), Some(walk)) = (event.frame(), walk) else {
            continue;
        };
        let placed = if i == state.current {
            walk.at(
                state.progress(time.elapsed_secs_f64()),
                prefs.reduced_motion,
            )
        } else if i < state.current
            && let Some(arrival) = frame.fate.arrival()
            && arrival > now_us
        {
            let span = arrival.saturating_sub(event.time_us).max(1) as f32;
            walk.on_cable(now_us.saturating_sub(event.time_us) as f32 / span)
        } else {
            None
        };
        if let Some((at, layers)) = placed {
            marks.push(FrameMark {
                at: world(at),
                layers,
                number: frame.number,
                current: i == state.current,
            });
        }
    }
    frames.set_if_neq(LabFrames(marks));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(protocols: &[&str]) -> Vec<Row> {
        protocols
            .iter()
            .enumerate()
            .map(|(i, p)| Row {
                number: i + 1,
                time: String::new(),
                from: if i % 2 == 0 { "A" } else { "B" }.to_owned(),
                to: String::new(),
                protocol: (*p).to_owned(),
                summary: String::new(),
            })
            .collect()
    }

    #[test]
    fn moves_stay_inside_the_run() {
        let all = Filter::default();
        let five = rows(&["ARP"; 5]);
        assert_eq!(target(LabMove::Next, 4, &five, &all), 4);
        assert_eq!(target(LabMove::Prev, 0, &five, &all), 0);
        assert_eq!(target(LabMove::To(99), 0, &five, &all), 4);
        assert_eq!(target(LabMove::Last, 0, &five, &all), 4);
        assert_eq!(target(LabMove::First, 3, &five, &all), 0);
        assert_eq!(target(LabMove::Next, 0, &[], &all), 0);
    }

    #[test]
    fn moves_visit_only_what_the_filter_shows() {
        let run = rows(&["ARP", "ARP", "TCP", "Host", "HTTP", "TCP", "ARP"]);
        let tcp_only = ["ARP", "Host", "HTTP"]
            .iter()
            .fold(Filter::default(), |f, p| f.with_protocol(p, false));
        assert_eq!(target(LabMove::First, 4, &run, &tcp_only), 2);
        assert_eq!(target(LabMove::Next, 2, &run, &tcp_only), 5);
        assert_eq!(target(LabMove::Next, 5, &run, &tcp_only), 5);
        assert_eq!(target(LabMove::Prev, 5, &run, &tcp_only), 2);
        assert_eq!(target(LabMove::Last, 0, &run, &tcp_only), 5);
        // From B only: events 2, 4, 6 (from 1).
        let from_b = Filter {
            from: Some("B".to_owned()),
            ..Filter::default()
        };
        assert_eq!(target(LabMove::First, 4, &run, &from_b), 1);
        assert_eq!(target(LabMove::Next, 1, &run, &from_b), 3);
        // Nothing shown: stepping stays put, the slider still goes anywhere.
        let none = Filter {
            from: Some("C".to_owned()),
            ..Filter::default()
        };
        assert_eq!(target(LabMove::Next, 3, &run, &none), 3);
        assert_eq!(target(LabMove::To(6), 3, &run, &none), 6);
    }
}
