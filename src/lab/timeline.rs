//! Time control: run to the end, step one event, go back to any event, and branch.
//!
//! A [`Lab`] records every event its simulation hands out. Going back is reading the record:
//! the run is deterministic, so the events up to k are the same however often they are made.
//! When the live stacks are needed at an earlier event (to branch there), the run is replayed
//! from the start to that event: smoltcp's stacks cannot be copied, so the replay is the
//! checkpoint (benches/lab.rs measures it). A branch is a new `Lab` whose fault applies after
//! event k; the original is left as it was.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::decode::classify;
use super::event::{Event, EventKind, digest};
use super::host::Outcome;
use super::matcher::Matcher;
use super::scenario::{Fault, Scenario};
use super::sim::Simulation;

/// A run that can be stepped, rewound and branched.
pub struct Lab {
    scenario: Arc<Scenario>,
    seed: u64,
    /// Faults from the start (the scenario's are added by the simulation), then faults added
    /// at an event (a branch): `(events before it, fault)`.
    faults: Vec<(usize, Fault)>,
    sim: Simulation,
    events: Vec<Event>,
    position: usize,
    ended: bool,
}

impl Lab {
    /// A lab at its first event, from `seed`, with `extra` faults beside the scenario's.
    pub fn new(scenario: Arc<Scenario>, seed: u64, extra: Vec<Fault>) -> Self {
        let faults: Vec<(usize, Fault)> = extra.into_iter().map(|f| (0, f)).collect();
        let sim = Self::fresh(&scenario, seed, &faults);
        Self {
            scenario,
            seed,
            faults,
            sim,
            events: Vec::new(),
            position: 0,
            ended: false,
        }
    }

    fn fresh(scenario: &Arc<Scenario>, seed: u64, faults: &[(usize, Fault)]) -> Simulation {
        let start: Vec<Fault> = faults
            .iter()
            .filter(|(at, _)| *at == 0)
            .map(|(_, f)| f.clone())
            .collect();
        Simulation::new(scenario.clone(), seed, &start)
    }

    /// The scenario.
    pub fn scenario(&self) -> &Scenario {
        &self.scenario
    }

    /// The seed.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The events seen so far: those before the current position.
    pub fn events(&self) -> &[Event] {
        self.events.get(..self.position).unwrap_or(&self.events)
    }

    /// Every event recorded, including those after the position (after going back).
    pub fn recorded(&self) -> &[Event] {
        &self.events
    }

    /// How many events have been seen.
    pub fn position(&self) -> usize {
        self.position
    }

    /// Whether the run has no more events.
    pub fn at_end(&self) -> bool {
        self.ended && self.position >= self.events.len()
    }

    /// What the programs achieved by the furthest recorded event.
    pub fn outcome(&self) -> &Outcome {
        self.sim.outcome()
    }

    /// Adds the faults that act after `made` events (those after none are in `fresh`).
    fn apply(sim: &mut Simulation, faults: &[(usize, Fault)], made: usize) {
        if made == 0 {
            return;
        }
        for (_, f) in faults.iter().filter(|(at, _)| *at == made) {
            sim.add_fault(f.clone());
        }
    }

    /// Makes the next event, if the run has one. The simulation always has the faults of
    /// every event up to the record's end.
    fn produce(&mut self) -> bool {
        if self.ended {
            return false;
        }
        match self.sim.next_event() {
            Some(e) => {
                self.events.push(e);
                Self::apply(&mut self.sim, &self.faults, self.events.len());
                true
            }
            None => {
                self.ended = true;
                false
            }
        }
    }

    /// One event forward; the event, or `None` at the end.
    pub fn step(&mut self) -> Option<&Event> {
        if self.position >= self.events.len() && !self.produce() {
            return None;
        }
        self.position += 1;
        self.events.get(self.position - 1)
    }

    /// Runs to the end.
    pub fn run_to_end(&mut self) {
        while self.produce() {}
        self.position = self.events.len();
    }

    /// Goes to the moment after `k` events (0 is the start), back or forward. Going back
    /// reads the record; going forward runs on. Returns the position reached (less than `k`
    /// when the run ends sooner).
    pub fn seek(&mut self, k: usize) -> usize {
        while self.events.len() < k && self.produce() {}
        self.position = k.min(self.events.len());
        self.position
    }

    /// The live simulation after `k` events, replayed from the start: the same state the run
    /// had then (the run is deterministic). Its events must match the record: returns `None`
    /// if not (a bug) or if the run has fewer events.
    pub fn replay_to(&self, k: usize) -> Option<Simulation> {
        let mut sim = Self::fresh(&self.scenario, self.seed, &self.faults);
        for i in 0..k {
            let e = sim.next_event()?;
            if self.events.get(i).is_some_and(|r| *r != e) {
                return None;
            }
            Self::apply(&mut sim, &self.faults, i + 1);
        }
        Some(sim)
    }

    /// A new lab that shares this one's first `k` events, then has `fault` too. This lab is
    /// left as it was. `None` if this run has fewer than `k` events.
    pub fn branch(&self, k: usize, fault: Fault) -> Option<Lab> {
        let mut sim = self.replay_to(k)?;
        sim.add_fault(fault.clone());
        let mut faults: Vec<(usize, Fault)> = self
            .faults
            .iter()
            .filter(|(at, _)| *at <= k)
            .cloned()
            .collect();
        // Recorded as added after k events (at 0 it is a start fault, which `fresh` adds).
        faults.push((k, fault));
        Some(Lab {
            scenario: self.scenario.clone(),
            seed: self.seed,
            faults,
            sim,
            events: self
                .events
                .get(..k)
                .map(<[Event]>::to_vec)
                .unwrap_or_default(),
            position: k,
            ended: false,
        })
    }

    /// A digest of the events seen (times, frames' bytes, host events): equal digests, equal
    /// runs. Native and web builds of one scenario and seed must agree.
    pub fn digest(&self) -> u64 {
        digest(self.events())
    }

    /// The phase each recorded event belongs to (an index into the scenario's phases), or
    /// `None` before the first phase starts.
    pub fn phases(&self) -> Vec<Option<usize>> {
        let mut starts: BTreeMap<usize, usize> = BTreeMap::new();
        let mut after = 0;
        for (pi, phase) in self.scenario.phases.iter().enumerate() {
            let Some(m) = &phase.from else {
                starts.insert(0, pi);
                continue;
            };
            let mut matcher = Matcher::new(m.clone());
            let found = self.events.iter().enumerate().skip(after).find(|(_, e)| {
                let EventKind::Frame(f) = &e.kind else {
                    return false;
                };
                matcher.offer(f.number, f.direction.sender(), &classify(&f.bytes))
            });
            if let Some((i, _)) = found {
                // A phase starts at its frame, or with the host events just before it that
                // made the frame (at the same virtual time).
                let t = self.events.get(i).map_or(0, |e| e.time_us);
                let mut start = i;
                while start > after
                    && self
                        .events
                        .get(start - 1)
                        .is_some_and(|e| e.time_us == t && e.frame().is_none())
                {
                    start -= 1;
                }
                starts.insert(start, pi);
                after = i;
            }
        }
        let mut current = None;
        (0..self.events.len())
            .map(|i| {
                if let Some(&p) = starts.get(&i) {
                    current = Some(p);
                }
                current
            })
            .collect()
    }
}
