//! A lab on the diagram: a scenario's run made once it is asked for (from the Lab menu,
//! `--lab`, or `#/lab/<scenario>/<event>`), stepped, played and scrubbed, with its frames (the
//! network lab) or messages (the cluster lab) walking through the parts of the diagram, and a
//! cluster's servers' state shown under their boxes. The consumer of `OpenLab`, `CloseLab`,
//! `LabGo`, `LabPlay`, `LabSpeed`, `LabField`, `LabBreak`, `LabUndo`, `LabPane`, `LabFilter`
//! and `LabSave` (which hands the bytes to the `save` feature).
//!
//! The run comes from the lab core ([`crate::lab`]): real TCP/IP stacks, or a real Raft
//! (raft-rs), on a virtual clock, recorded to the end, so going back is reading the record. Each event shows for a moment
//! (a frame walks from one program to the other; a host event is a beat), scaled by the speed
//! the learner picks; with reduced motion a frame jumps from part to part.

use std::sync::Arc;

use bevy::prelude::*;

use super::state::space::world;
use super::state::{
    AppSystems, Consumer, Flight, FrameMark, FrameTargets, Intent, LabExport, LabFault, LabFiles,
    LabFrames, LabMove, LabRun, LabServers, LabState, LoadedModel, Notice, Preferences, RunOf,
    SaveFile, ServerBadge, TourState,
};
use crate::lab::any::{AnyScenario, parse_any_in};
use crate::lab::cluster::scenario::ClusterScenario;
use crate::lab::cluster::view as cluster_view;
use crate::lab::view::{Filter, Row, Walk, row};
use crate::lab::{Lab, Scenario};
use crate::model::markdown::Document;
use crate::model::{ComponentId, Diagram, Target, paths};

pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        Update,
        (
            apply_intents.in_set(AppSystems::Plan),
            (make_run, play).chain().in_set(AppSystems::Follow),
            (place_frames, place_servers).in_set(AppSystems::Visuals),
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
                if let Some(file) = state.run.as_ref().and_then(|run| export(run, what)) {
                    saves.write(file);
                }
            }
            _ => {}
        }
    }
    intents.p1().write_batch(out);
}

/// A network run's capture or sequence picture, to be saved (a cluster run has neither).
fn export(run: &LabRun, what: LabExport) -> Option<SaveFile> {
    let (scenario, events) = run.network()?;
    let (bytes, words) = match what {
        LabExport::Capture => {
            let frames = events.iter().filter(|e| e.frame().is_some()).count();
            (
                crate::lab::pcap::pcap(events),
                format!("The capture ({frames} frames, for Wireshark)"),
            )
        }
        LabExport::Sequence => (
            crate::lab::sequence::svg(&scenario.title, events, &scenario.host_names()).into_bytes(),
            "The sequence diagram".to_owned(),
        ),
    };
    Some(SaveFile {
        name: what.file_name(&scenario.name),
        media_type: what.media_type(),
        what: words,
        bytes,
    })
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

/// The diagram's parts a scenario's run happens on: its hosts' or servers' computers.
fn hosts_frame(run: &LabRun) -> Vec<Target> {
    let computers: Vec<&str> = match &run.of {
        RunOf::Network { scenario, .. } => (scenario.hosts.iter())
            .map(|h| h.parts.computer.as_str())
            .collect(),
        RunOf::Cluster { scenario, .. } => (scenario.servers.iter())
            .map(|s| s.computer.as_str())
            .collect(),
    };
    computers
        .into_iter()
        .map(|c| Target::Component(ComponentId::new(c)))
        .collect()
}

/// A listed scenario's text, once it has loaded.
fn file_text<'a>(files: &'a LabFiles, name: &str) -> Option<&'a Arc<str>> {
    match &files.get(name)?.text {
        Some(Ok(text)) => Some(text),
        _ => None,
    }
}

/// Makes the run when a scenario is asked for and its file is in, and again when the diagram
/// reloads (the walks follow its parts) or the scenario's file is saved. A scenario for another
/// diagram opens that diagram first; one that is not listed, or does not validate, is closed
/// with a note.
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
    if state.run.as_ref().is_some_and(|r| {
        r.generation == model.generation
            && r.faults == state.faults
            && file_text(&files, &name).is_none_or(|t| **t == *r.source)
    }) {
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
    let diagram: &Diagram = &model.diagram;
    let scenario = match parse_any_in(&file_name, &name, &text, &mut |_| Ok(Some(diagram.clone())))
    {
        Ok(s) => s,
        Err(d) => {
            let first = d.0.first().map(ToString::to_string).unwrap_or_default();
            notice.say(format!("The lab scenario `{name}` has errors: {first}"));
            *state = LabState::default();
            return;
        }
    };
    let slugs = model.writeups.slugs();
    let parse =
        |text: &str| Arc::new(crate::model::markdown::parse_document(&file_name, text, &slugs).0);
    let run = match scenario {
        AnyScenario::Network(s) => network_run(Arc::new(s), &state.faults, diagram, &parse),
        AnyScenario::Cluster(s) => match cluster_run(Arc::new(s), &state.faults, diagram, &parse) {
            Some(run) => run,
            None => {
                notice.say(format!(
                    "The lab scenario `{name}` cannot build its cluster."
                ));
                *state = LabState::default();
                return;
            }
        },
    };
    let run = LabRun {
        generation: model.generation,
        faults: state.faults.clone(),
        source: text,
        ..run
    };
    let first = state.run.is_none();
    if first {
        frame.write(FrameTargets(hosts_frame(&run)));
        state.shown_at = time.elapsed_secs_f64();
    }
    state.current = state.current.min(run.len().saturating_sub(1));
    state.run = Some(Arc::new(run));
}

/// Each phase's narration and notes, parsed.
type Texts = (Vec<Arc<Document>>, Vec<Option<Arc<Document>>>);

fn texts<'a>(
    phases: impl Iterator<Item = (&'a str, Option<&'a String>)>,
    parse: &dyn Fn(&str) -> Arc<Document>,
) -> Texts {
    phases
        .map(|(narration, notes)| (parse(narration), notes.map(|n| parse(n))))
        .unzip()
}

/// A network scenario's run, with the learner's faults: each branches the run after its
/// event (the run is the same up to there, then the stacks answer the fault).
fn network_run(
    scenario: Arc<Scenario>,
    faults: &[(usize, LabFault)],
    diagram: &Diagram,
    parse: &dyn Fn(&str) -> Arc<Document>,
) -> LabRun {
    let mut lab = Lab::new(scenario.clone(), scenario.seed, Vec::new());
    for (after, fault) in faults {
        let LabFault::Network(fault) = fault else {
            continue;
        };
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
        .map(|e| e.frame().map(|f| Walk::new(&scenario, diagram, f)))
        .collect();
    let flights = events
        .iter()
        .map(|e| {
            e.frame().map(|f| Flight {
                number: u64::from(f.number),
                sent_us: e.time_us,
                end_us: f.fate.arrival(),
            })
        })
        .collect();
    let (narrations, notes) = texts(
        (scenario.phases.iter()).map(|p| (p.narration.as_str(), p.notes.as_ref())),
        parse,
    );
    LabRun {
        name: scenario.name.clone(),
        title: scenario.title.clone(),
        phase_titles: scenario.phases.iter().map(|p| p.title.clone()).collect(),
        actors: names.iter().map(|n| (*n).to_owned()).collect(),
        lifelines: crate::lab::sequence::LIFELINES
            .iter()
            .map(|l| (*l).to_owned())
            .collect(),
        times_us: events.iter().map(|e| e.time_us).collect(),
        flights,
        protocols: crate::lab::view::protocols_in(&rows),
        sequence: crate::lab::sequence::sequence(&events, &names),
        narrations,
        notes,
        phases: lab.phases(),
        rows,
        walks,
        generation: 0,
        source: Arc::from(""),
        faults: Vec::new(),
        violations: Vec::new(),
        of: RunOf::Network { scenario, events },
    }
}

/// A cluster scenario's run, made again from the start with the learner's faults (the
/// cluster is deterministic, so it is the same run up to the first of them).
fn cluster_run(
    scenario: Arc<ClusterScenario>,
    faults: &[(usize, LabFault)],
    diagram: &Diagram,
    parse: &dyn Fn(&str) -> Arc<Document>,
) -> Option<LabRun> {
    let extra: Vec<_> = faults
        .iter()
        .filter_map(|(_, f)| match f {
            LabFault::Cluster(at, fault) => Some((*at, fault.clone())),
            LabFault::Network(_) => None,
        })
        .collect();
    let cluster = scenario.run(scenario.seed, &extra).ok()?;
    let events = cluster.events().to_vec();
    let rows = cluster_view::rows(&events);
    let walks = events
        .iter()
        .map(|e| match &e.kind {
            crate::lab::cluster::EventKind::Sent { message, .. } => {
                Some(cluster_view::walk(&scenario, diagram, message))
            }
            _ => None,
        })
        .collect();
    let flights = cluster_view::flights(&events)
        .into_iter()
        .map(|f| {
            f.map(|f| Flight {
                number: f.number,
                sent_us: f.sent_ms * 1_000,
                end_us: f.end_ms.map(|t| t * 1_000),
            })
        })
        .collect();
    let (narrations, notes) = texts(
        (scenario.phases.iter()).map(|p| (p.narration.as_str(), p.notes.as_ref())),
        parse,
    );
    let servers: Vec<String> = (1..=scenario.servers.len())
        .map(|n| format!("S{n}"))
        .collect();
    let mut lifelines = servers.clone();
    lifelines.push("client".to_owned());
    Some(LabRun {
        name: scenario.name.clone(),
        title: scenario.title.clone(),
        phase_titles: scenario.phases.iter().map(|p| p.title.clone()).collect(),
        actors: servers,
        lifelines,
        times_us: events.iter().map(|e| e.at_ms * 1_000).collect(),
        flights,
        protocols: cluster_view::protocols_in(&rows),
        sequence: cluster_view::sequence(&events, scenario.servers.len()),
        narrations,
        notes,
        phases: events.iter().map(|e| scenario.phase_at(e.at_ms)).collect(),
        rows,
        walks,
        generation: 0,
        source: Arc::from(""),
        faults: Vec::new(),
        violations: cluster
            .violations()
            .iter()
            .map(ToString::to_string)
            .collect(),
        of: RunOf::Cluster {
            scenario,
            events,
            timers: cluster.timers().to_vec(),
        },
    })
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

/// The frames (or messages) on the canvas: the current event's, walking its path, and every
/// one in flight at the current event's moment.
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
    let now_us = run.times_us.get(state.current).copied().unwrap_or(0);
    for (i, (flight, walk)) in run.flights.iter().zip(&run.walks).enumerate() {
        let (Some(flight), Some(walk)) = (flight, walk) else {
            continue;
        };
        let placed = if i == state.current {
            walk.at(
                state.progress(time.elapsed_secs_f64()),
                prefs.reduced_motion,
            )
        } else if i < state.current
            && let Some(arrival) = flight.end_us
            && arrival > now_us
        {
            let span = arrival.saturating_sub(flight.sent_us).max(1) as f32;
            walk.on_cable(now_us.saturating_sub(flight.sent_us) as f32 / span)
        } else {
            None
        };
        if let Some((at, layers)) = placed {
            marks.push(FrameMark {
                at: world(at),
                layers,
                number: flight.number,
                current: i == state.current,
            });
        }
    }
    frames.set_if_neq(LabFrames(marks));
}

/// A cluster's servers at the current event, for the canvas: each one's role, term, vote and
/// commit index in words, and its log, under its box.
fn place_servers(state: Res<LabState>, mut servers: ResMut<LabServers>) {
    // Replayed from the events when the lab moves, not every frame it animates.
    if !state.is_changed() {
        return;
    }
    let Some(RunOf::Cluster {
        scenario,
        events,
        timers,
    }) = state.run.as_ref().map(|r| &r.of)
    else {
        servers.set_if_neq(LabServers::default());
        return;
    };
    let shown = cluster_view::servers_at(scenario.servers.len(), events, state.current);
    let at = events.get(state.current).map_or(0, |e| e.at_ms);
    let clocks = cluster_view::timers_at(timers, scenario.servers.len(), at);
    let badges = shown
        .iter()
        .zip(&scenario.servers)
        .zip(clocks)
        .map(|((s, parts), clock)| {
            let mut words = vec![s.role_words(), format!("term {}", s.term)];
            if let Some(v) = s.vote {
                words.push(format!("voted {v}"));
            }
            words.push(format!("commit {}", s.commit));
            if let Some(side) = s.side {
                words.push(format!("network side {}", side + 1));
            }
            let log = (s.log_terms.iter().enumerate())
                .map(|(i, t)| (*t, (i as u64) < s.commit))
                .collect();
            let timer = s.election_clock(clock).map(|(elapsed, timeout)| {
                1.0 - elapsed.min(timeout) as f32 / timeout.max(1) as f32
            });
            ServerBadge {
                part: ComponentId::new(parts.computer.as_str()),
                name: s.id.to_string(),
                words: words.join(" · "),
                role: s.up.then_some(s.role),
                log,
                timer,
            }
        })
        .collect();
    servers.set_if_neq(LabServers(badges));
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
