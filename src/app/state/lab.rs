//! The lab in the explorer: the scenario files the diagram folder offers, the run open on the
//! diagram, where the learner is in it, and the frames drawn on the canvas.

use std::sync::Arc;

use bevy::prelude::*;

use crate::lab::cluster::scenario::ClusterScenario;
use crate::lab::cluster::{ClusterEvent, Fault as ClusterFault, TimerMark};
use crate::lab::view::{Filter, Row, Walk};
use crate::lab::{Event, Fault, Scenario};

/// One scenario file of the diagram folder's `labs/index.ron`, as loaded.
#[derive(Debug, Clone, PartialEq)]
pub struct LabFile {
    /// The scenario's name (its file name without `.ron`).
    pub name: String,
    /// Its title, once the file has loaded and reads as a scenario.
    pub title: Option<String>,
    /// The diagram file it runs on.
    pub diagram: Option<String>,
    /// The text, once loaded (`Err`: why it could not be read).
    pub text: Option<Result<Arc<str>, String>>,
}

/// The lab scenarios listed in `labs/index.ron`, in its order.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct LabFiles {
    /// The index has been read (or failed to be): `files` is the whole list.
    pub listed: bool,
    /// The scenarios.
    pub files: Vec<LabFile>,
}

impl LabFiles {
    /// A scenario by name.
    pub fn get(&self, name: &str) -> Option<&LabFile> {
        self.files.iter().find(|f| f.name == name)
    }
}

/// What a run is of: the network lab's frames, or a Raft cluster's messages and changes.
#[derive(Debug)]
pub enum RunOf {
    /// Two hosts with real TCP/IP stacks on a cable.
    Network {
        /// The scenario.
        scenario: Arc<Scenario>,
        /// Every event of the run, in order.
        events: Vec<Event>,
    },
    /// A Raft cluster on a network.
    Cluster {
        /// The scenario.
        scenario: Arc<ClusterScenario>,
        /// Every event of the run, in order.
        events: Vec<ClusterEvent>,
        /// Every change of a server's election timer, in order of time.
        timers: Vec<TimerMark>,
    },
}

/// Something that moves across the diagram during one event (a frame, a message): its number,
/// when it left, and when it arrived or was lost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Flight {
    /// Its number in the run (`#12`).
    pub number: u64,
    /// When it left, in microseconds.
    pub sent_us: u64,
    /// When it arrived or was lost, if it did before the run ended.
    pub end_us: Option<u64>,
}

/// A fault the learner adds to a run.
#[derive(Debug, Clone, PartialEq)]
pub enum LabFault {
    /// To the network lab (the run branches at its event).
    Network(Fault),
    /// To the cluster lab, at this many milliseconds (the run is made again with it).
    Cluster(u64, ClusterFault),
}

/// A run as the explorer shows it: the scenario, every event, and what the list, the
/// inspector and the canvas need of each, computed once.
#[derive(Debug)]
pub struct LabRun {
    /// What it is a run of, with its events.
    pub of: RunOf,
    /// The scenario's name (its file name without `.ron`).
    pub name: String,
    /// The scenario's title.
    pub title: String,
    /// Each phase's title.
    pub phase_titles: Vec<String>,
    /// Who acts in it (the hosts, or the servers), for the list's "From" filter.
    pub actors: Vec<String>,
    /// The sequence diagram's lifelines.
    pub lifelines: Vec<String>,
    /// Each event's time, in microseconds.
    pub times_us: Vec<u64>,
    /// What moves during each event, if anything does.
    pub flights: Vec<Option<Flight>>,
    /// Each event's row in the list.
    pub rows: Vec<Row>,
    /// The protocols the rows name, in the order the list's filter offers them.
    pub protocols: Vec<&'static str>,
    /// Each event's phase (an index into the scenario's phases).
    pub phases: Vec<Option<usize>>,
    /// Each frame or message event's walk through the diagram (`None` for the others).
    pub walks: Vec<Option<Walk>>,
    /// The run as a sequence diagram, an item per event.
    pub sequence: Vec<crate::lab::sequence::SequenceItem>,
    /// Each phase's narration, parsed.
    pub narrations: Vec<Arc<crate::model::markdown::Document>>,
    /// Each phase's speaker notes, parsed, where it has them.
    pub notes: Vec<Option<Arc<crate::model::markdown::Document>>>,
    /// The model generation the walks were made for.
    pub generation: u64,
    /// The scenario's text it was made from (a save makes it again).
    pub source: Arc<str>,
    /// The learner's faults it was run with: (after how many events, fault).
    pub faults: Vec<(usize, LabFault)>,
    /// The safety properties a cluster run broke, in words (none in a correct Raft; the
    /// checks run on every change of every cluster run).
    pub violations: Vec<String>,
}

impl LabRun {
    /// How many events the run has.
    pub fn len(&self) -> usize {
        self.times_us.len()
    }

    /// Whether it has none.
    pub fn is_empty(&self) -> bool {
        self.times_us.is_empty()
    }

    /// The network run's scenario and events, if it is one.
    pub fn network(&self) -> Option<(&Arc<Scenario>, &[Event])> {
        match &self.of {
            RunOf::Network { scenario, events } => Some((scenario, events)),
            RunOf::Cluster { .. } => None,
        }
    }

    /// The cluster run's scenario and events, if it is one.
    pub fn cluster(&self) -> Option<(&Arc<ClusterScenario>, &[ClusterEvent])> {
        match &self.of {
            RunOf::Cluster {
                scenario, events, ..
            } => Some((scenario, events)),
            RunOf::Network { .. } => None,
        }
    }
}

/// The lab open on the diagram, if any.
#[derive(Resource, Debug, Clone)]
pub struct LabState {
    /// The scenario asked for (by name), also while it loads.
    pub scenario: Option<String>,
    /// The run, once made.
    pub run: Option<Arc<LabRun>>,
    /// The current event (from 0).
    pub current: usize,
    /// Playing: the run moves on by itself.
    pub playing: bool,
    /// How fast it plays: 1 is one frame's walk in [`LabState::FRAME_SECONDS`].
    pub speed: f32,
    /// Real time (seconds since start) when the current event began to show.
    pub shown_at: f64,
    /// The field chosen in the inspector: (layer, field) of the current frame.
    pub field: Option<(usize, usize)>,
    /// The faults the learner added, each after so many events: the run branches there.
    pub faults: Vec<(usize, LabFault)>,
    /// What the panel's body shows: the event list, the sequence diagram, or (on a narrow
    /// screen, where it has no column of its own) the inspector.
    pub pane: LabPane,
    /// Which events the list shows, and stepping and playing visit.
    pub filter: Filter,
    /// The tour and step (from 0) that was playing when the lab opened: the lab offers the
    /// way back to it.
    pub from_tour: Option<(String, usize)>,
}

impl Default for LabState {
    fn default() -> Self {
        Self {
            scenario: None,
            run: None,
            current: 0,
            playing: false,
            speed: 1.0,
            shown_at: 0.0,
            field: None,
            faults: Vec::new(),
            pane: LabPane::Events,
            filter: Filter::default(),
            from_tour: None,
        }
    }
}

impl LabState {
    /// Seconds a frame takes to walk from one program to the other at speed 1.
    pub const FRAME_SECONDS: f64 = 2.0;
    /// Seconds a host event is shown while playing, at speed 1.
    pub const HOST_SECONDS: f64 = 0.6;
    /// The speeds offered, slow motion to fast.
    pub const SPEEDS: [f32; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

    /// Whether a lab is open (loaded or loading).
    pub fn is_open(&self) -> bool {
        self.scenario.is_some()
    }

    /// How long the current event shows at the current speed, in seconds: a frame's or a
    /// message's walk, or a beat for the rest.
    pub fn duration(&self) -> f64 {
        let moves = (self.run.as_ref())
            .and_then(|r| r.flights.get(self.current))
            .is_some_and(Option::is_some);
        let base = if moves {
            Self::FRAME_SECONDS
        } else {
            Self::HOST_SECONDS
        };
        base / f64::from(self.speed.max(0.01))
    }

    /// The current event's phase (an index into the scenario's phases).
    pub fn phase(&self) -> Option<usize> {
        self.run
            .as_ref()?
            .phases
            .get(self.current)
            .copied()
            .flatten()
    }

    /// What a screen reader says of the current event: "Event 12 of 27, 1.077 ms, A → B,
    /// HTTP: #6 HTTP GET /orders/42 HTTP/1.1 …".
    pub fn announcement(&self) -> Option<String> {
        let run = self.run.as_ref()?;
        let row = run.rows.get(self.current)?;
        let who = if row.from == row.to {
            row.from.clone()
        } else {
            format!("{} → {}", row.from, row.to)
        };
        Some(format!(
            "Event {} of {}, {} ms, {who}, {}: {}",
            row.number,
            run.len(),
            row.time,
            row.protocol,
            row.summary
        ))
    }

    /// How far the current event has got (0 to 1), `now` in real seconds.
    pub fn progress(&self, now: f64) -> f32 {
        ((now - self.shown_at) / self.duration()).clamp(0.0, 1.0) as f32
    }
}

/// What the lab panel's body shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum LabPane {
    /// The event list.
    #[default]
    Events,
    /// The sequence diagram.
    Sequence,
    /// The inspector (a narrow screen; a wide one shows it beside the list).
    Inspector,
}

/// What the learner can save of a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabExport {
    /// Its frames as a pcap capture (Wireshark, tshark).
    Capture,
    /// Its sequence diagram as an SVG picture.
    Sequence,
}

impl LabExport {
    /// The file name it is saved under, for a scenario.
    pub fn file_name(self, scenario: &str) -> String {
        match self {
            LabExport::Capture => format!("{scenario}.pcap"),
            LabExport::Sequence => format!("{scenario}-sequence.svg"),
        }
    }

    /// Its media type.
    pub fn media_type(self) -> &'static str {
        match self {
            LabExport::Capture => "application/vnd.tcpdump.pcap",
            LabExport::Sequence => "image/svg+xml",
        }
    }
}

/// Where the desktop app saves what the learner exports: the Downloads folder in the home
/// folder when there is one, else the current folder. (The web saves a download.)
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct SaveFolder(pub std::path::PathBuf);

impl Default for SaveFolder {
    fn default() -> Self {
        let downloads = std::env::var_os("HOME")
            .map(|home| std::path::Path::new(&home).join("Downloads"))
            .filter(|d| d.is_dir());
        SaveFolder(downloads.unwrap_or_else(|| std::path::PathBuf::from(".")))
    }
}

/// Where the lab moves to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LabMove {
    /// The next event.
    Next,
    /// The previous event.
    Prev,
    /// The first event.
    First,
    /// The last event.
    Last,
    /// This event (from 0).
    To(usize),
}

/// A frame (or a cluster's message) drawn on the canvas: where (world coordinates), the layers
/// it has there (outermost first), and whether it is the current event's.
#[derive(Debug, Clone, PartialEq)]
pub struct FrameMark {
    /// Where it is.
    pub at: Vec2,
    /// Its layers there, outermost first (`["Ethernet II", "IPv4", "TCP", "HTTP"]`), or the
    /// message's name.
    pub layers: Vec<&'static str>,
    /// The frame's or message's number.
    pub number: u64,
    /// It is the current event's frame (the others are in flight beside it).
    pub current: bool,
}

/// The lab's frames on the canvas now.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct LabFrames(pub Vec<FrameMark>);

/// What the lab panel drew in its last pass (for tests and the state probe): the bytes the
/// hex view marked for the chosen field.
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct LabDrawn {
    /// The marked bytes' offsets in the frame, in order.
    pub marked: Vec<usize>,
    /// The event the inspector showed.
    pub event: Option<usize>,
}

/// A server of a cluster run as the canvas shows it at the current event, under its box.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerBadge {
    /// The diagram component that is the server.
    pub part: crate::model::ComponentId,
    /// Its name (`S1`).
    pub name: String,
    /// Its state in a few words: "leader · term 2 · commit 4", "down".
    pub words: String,
    /// Its role, for the badge's colour (`None` when down).
    pub role: Option<crate::lab::cluster::Role>,
    /// Its log on disk: each entry's term, and whether the server has it committed.
    pub log: Vec<(u64, bool)>,
    /// A follower's or candidate's election timer: the share of its timeout still to run
    /// (1 just reset, 0 about to stand); `None` for a leader or a server that is down.
    pub timer: Option<f32>,
}

/// The cluster's servers on the canvas now (empty unless a cluster run is open).
#[derive(Resource, Debug, Clone, Default, PartialEq)]
pub struct LabServers(pub Vec<ServerBadge>);
