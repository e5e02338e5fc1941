//! Which lab a scenario file is for: a file with a `servers` list runs a Raft cluster
//! ([`crate::lab::cluster::scenario`]); any other runs the network lab
//! ([`crate::lab::scenario`]). One place decides, for `check`, the command line and the app.

use super::cluster::scenario::{ClusterScenario, parse_cluster_in};
use super::scenario::{DiagramLookup, Scenario, parse_scenario_in};
use crate::model::outline::outline;
use crate::model::{Diagnostics, limits};

/// A validated lab scenario of either kind.
#[derive(Clone, Debug, PartialEq)]
pub enum AnyScenario {
    /// Two hosts with real TCP/IP stacks on a cable.
    Network(Scenario),
    /// A Raft cluster on a network.
    Cluster(ClusterScenario),
}

impl AnyScenario {
    /// The file's name without `.ron`.
    pub fn name(&self) -> &str {
        match self {
            AnyScenario::Network(s) => &s.name,
            AnyScenario::Cluster(s) => &s.name,
        }
    }

    /// Its title.
    pub fn title(&self) -> &str {
        match self {
            AnyScenario::Network(s) => &s.title,
            AnyScenario::Cluster(s) => &s.title,
        }
    }

    /// The diagram file it runs on.
    pub fn diagram(&self) -> &str {
        match self {
            AnyScenario::Network(s) => &s.diagram,
            AnyScenario::Cluster(s) => &s.diagram,
        }
    }

    /// Its default seed.
    pub fn seed(&self) -> u64 {
        match self {
            AnyScenario::Network(s) => s.seed,
            AnyScenario::Cluster(s) => s.seed,
        }
    }
}

/// Whether a scenario file's text is a cluster scenario (it has a top-level `servers` field).
pub fn is_cluster(src: &str) -> bool {
    outline(limits::strip_bom(src)).field("servers").is_some()
}

/// Parses and validates a scenario of either kind (see [`parse_scenario_in`] and
/// [`parse_cluster_in`]).
pub fn parse_any_in(
    file: &str,
    name: &str,
    src: &str,
    resolve: &mut dyn FnMut(&str) -> DiagramLookup,
) -> Result<AnyScenario, Diagnostics> {
    if is_cluster(src) {
        parse_cluster_in(file, name, src, resolve).map(AnyScenario::Cluster)
    } else {
        parse_scenario_in(file, name, src, resolve).map(AnyScenario::Network)
    }
}
