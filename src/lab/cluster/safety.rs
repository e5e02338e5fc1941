//! Raft's safety properties (the paper's Figure 3), checked as the cluster runs: on every
//! change of a log, a leader, a commit index or a state machine. A correct Raft never breaks
//! them, whatever the network and the faults do; a violation names the rule, the virtual time
//! and what differed.

use std::collections::BTreeMap;
use std::fmt;

use super::sim::ServerId;

/// One of Raft's safety properties.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Rule {
    /// At most one leader is elected in a term.
    ElectionSafety,
    /// Two logs with an entry of the same index and term hold the same entries up to it.
    LogMatching,
    /// A leader's log holds every entry committed before its term.
    LeaderCompleteness,
    /// No two servers apply different commands at the same index.
    StateMachineSafety,
    /// A running server's commit index never goes back.
    CommitNeverDecreases,
}

/// A broken safety property.
#[derive(Clone, Debug, PartialEq)]
pub struct Violation {
    /// Virtual milliseconds since the start.
    pub at_ms: u64,
    /// Which property.
    pub rule: Rule,
    /// What differed.
    pub detail: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ms: {:?}: {}", self.at_ms, self.rule, self.detail)
    }
}

/// An entry as the checks compare it: its term and its command's bytes.
pub type Entry = (u64, Vec<u8>);

/// What the checks remember between events.
#[derive(Debug, Default)]
pub struct Safety {
    /// The leader of each term seen so far.
    leaders: BTreeMap<u64, ServerId>,
    /// The entries known to be committed, from index 1, each with the term of the server that
    /// first reported it committed (the entry was committed in that term or before).
    committed: Vec<(Entry, u64)>,
    /// What was applied at each index, from index 1.
    applied: Vec<Entry>,
    /// Each running server's last commit index.
    commits: BTreeMap<ServerId, u64>,
    violations: Vec<Violation>,
    checks: u64,
}

impl Safety {
    /// The violations found so far.
    pub fn violations(&self) -> &[Violation] {
        &self.violations
    }

    /// How many checks ran.
    pub fn checks(&self) -> u64 {
        self.checks
    }

    fn broken(&mut self, at_ms: u64, rule: Rule, detail: String) {
        self.violations.push(Violation {
            at_ms,
            rule,
            detail,
        });
    }

    /// `id` became leader of `term` with `log`: the only one of its term (Election Safety), and
    /// holding every entry known committed (Leader Completeness).
    pub fn leader(&mut self, at_ms: u64, id: ServerId, term: u64, log: &[Entry]) {
        self.checks += 2;
        match self.leaders.get(&term) {
            Some(other) if *other != id => self.broken(
                at_ms,
                Rule::ElectionSafety,
                format!("{id} and {other} both lead term {term}"),
            ),
            _ => {
                self.leaders.insert(term, id);
            }
        }
        // Only entries committed in an earlier term bind this leader: a leader elected late
        // for an old term (its votes came before a newer term began) need not hold them.
        let missing = (self.committed.iter().enumerate())
            .find(|(i, (entry, at_term))| *at_term < term && log.get(*i) != Some(entry));
        if let Some((i, ((entry_term, _), at_term))) = missing {
            let detail = format!(
                "{id} leads term {term} without entry {} (term {entry_term}), committed by term {at_term}",
                i + 1
            );
            self.broken(at_ms, Rule::LeaderCompleteness, detail);
        }
    }

    /// `id`'s log changed: it and every other log agree up to the last index where their terms
    /// match (Log Matching).
    pub fn logs_changed(&mut self, at_ms: u64, id: ServerId, logs: &[(ServerId, &[Entry])]) {
        let Some(mine) = logs.iter().find(|(s, _)| *s == id).map(|(_, l)| *l) else {
            return;
        };
        for (other, theirs) in logs.iter().filter(|(s, _)| *s != id) {
            self.checks += 1;
            let shared = mine.len().min(theirs.len());
            let Some(last) = (0..shared).rev().find(|&i| mine[i].0 == theirs[i].0) else {
                continue;
            };
            if let Some(i) = (0..=last).find(|&i| mine[i] != theirs[i]) {
                self.broken(
                    at_ms,
                    Rule::LogMatching,
                    format!(
                        "{id} and {other} agree on entry {} (term {}) but differ at entry {}",
                        last + 1,
                        mine[last].0,
                        i + 1
                    ),
                );
            }
        }
    }

    /// `id`, in `term`, has the commit index `commit`: not lower than before, and its log up to
    /// there agrees with what any server committed (which Leader Completeness then protects).
    pub fn commit(&mut self, at_ms: u64, id: ServerId, term: u64, commit: u64, log: &[Entry]) {
        self.checks += 2;
        let before = self.commits.insert(id, commit).unwrap_or(0);
        if commit < before {
            self.broken(
                at_ms,
                Rule::CommitNeverDecreases,
                format!("{id}'s commit index went from {before} to {commit}"),
            );
        }
        let upto = (commit as usize).min(log.len());
        for (i, entry) in log.iter().enumerate().take(upto) {
            match self.committed.get(i) {
                Some((known, _)) if known != entry => {
                    self.broken(
                        at_ms,
                        Rule::StateMachineSafety,
                        format!(
                            "{id} committed entry {} of term {}, where term {} was committed",
                            i + 1,
                            entry.0,
                            known.0
                        ),
                    );
                    return;
                }
                Some(_) => {}
                None => self.committed.push((entry.clone(), term)),
            }
        }
    }

    /// `id` restarted from its disk, with this commit index.
    pub fn restarted(&mut self, id: ServerId, commit: u64) {
        self.commits.insert(id, commit);
    }

    /// `id` applied the command `data` of `term` at `index`: the same as any server applied
    /// there (State Machine Safety).
    pub fn applied(&mut self, at_ms: u64, id: ServerId, index: u64, term: u64, data: &[u8]) {
        self.checks += 1;
        let i = (index as usize).saturating_sub(1);
        if self.applied.len() <= i {
            self.applied.resize(i + 1, (0, Vec::new()));
        }
        let slot = &mut self.applied[i];
        if slot.0 == 0 {
            *slot = (term, data.to_vec());
        } else if slot.0 != term || slot.1 != data {
            let detail = format!(
                "{id} applied {:?} (term {term}) at index {index}, where {:?} (term {}) was applied",
                String::from_utf8_lossy(data),
                String::from_utf8_lossy(&slot.1),
                slot.0
            );
            self.broken(at_ms, Rule::StateMachineSafety, detail);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(term: u64, data: &str) -> Entry {
        (term, data.as_bytes().to_vec())
    }

    fn rules(s: &Safety) -> Vec<Rule> {
        s.violations().iter().map(|v| v.rule).collect()
    }

    #[test]
    fn each_broken_property_is_named() {
        let (a, b) = (ServerId(1), ServerId(2));
        let mut s = Safety::default();
        s.leader(10, a, 1, &[]);
        s.leader(11, b, 1, &[]);
        assert_eq!(rules(&s), [Rule::ElectionSafety]);

        let mut s = Safety::default();
        let (la, lb) = ([e(1, "x=1"), e(2, "x=2")], [e(1, "x=9"), e(2, "x=2")]);
        s.logs_changed(5, a, &[(a, &la), (b, &lb)]);
        assert_eq!(rules(&s), [Rule::LogMatching]);

        let mut s = Safety::default();
        s.commit(5, a, 2, 2, &la);
        s.commit(6, a, 2, 1, &la);
        assert_eq!(rules(&s), [Rule::CommitNeverDecreases]);
        s.commit(7, b, 2, 2, &lb);
        assert_eq!(rules(&s)[1], Rule::StateMachineSafety);
        // A leader of term 3 without the entries committed in term 2; one of term 2 is fine.
        s.leader(8, b, 2, &[]);
        assert_eq!(s.violations().len(), 2);
        s.leader(9, b, 3, &[e(1, "x=1")]);
        assert_eq!(rules(&s)[2], Rule::LeaderCompleteness);

        let mut s = Safety::default();
        s.applied(5, a, 1, 1, b"x=1");
        s.applied(6, b, 1, 1, b"x=1");
        s.applied(7, b, 1, 1, b"x=2");
        assert_eq!(rules(&s), [Rule::StateMachineSafety]);
        assert!(s.checks() >= 3);
    }
}
