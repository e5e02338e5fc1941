//! Synthetic diagrams for tests and benchmarks: any size, deterministic from a seed, valid.

use std::fmt::Write as _;

/// The shape of a generated diagram.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Seed for the pseudo-random choices; the same seed gives the same file.
    pub seed: u64,
    /// Top-level components ("computers").
    pub computers: usize,
    /// Components in each computer, groups and leaves together.
    pub per_computer: usize,
    /// Deepest nesting inside a computer (1: leaves directly in the computer).
    pub depth: usize,
    /// Links between random leaves.
    pub links: usize,
}

/// A tiny xorshift generator: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

/// A diagram in RON whose components leave positions and sizes to the automatic layout.
pub fn generate(shape: Shape) -> String {
    let mut rng = Rng(shape.seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut s = String::from(
        "(\n    title: \"Generated diagram\",\n    description: \"Made by the synthetic generator.\",\n    components: [\n",
    );
    let mut leaves: Vec<String> = Vec::new();
    for c in 0..shape.computers {
        let computer = format!("c{c}");
        let _ = writeln!(
            s,
            "        (id: \"{computer}\", label: \"Computer {c}\", kind: Computer),"
        );
        // Groups form chains down to `depth`; leaves hang off a random group (or the computer).
        // (id, depth below the computer): a leaf under a parent at depth d sits at depth d + 1.
        let mut parents: Vec<(String, usize)> = vec![(computer.clone(), 0)];
        let groups = if shape.depth > 1 {
            (shape.per_computer / 5).max(1).min(shape.per_computer)
        } else {
            0
        };
        for g in 0..groups {
            let open: Vec<&(String, usize)> = parents
                .iter()
                .filter(|(_, d)| d + 2 <= shape.depth)
                .collect();
            let Some((parent, depth)) = open
                .get(rng.below(open.len()))
                .map(|(p, d)| (p.clone(), *d))
            else {
                break;
            };
            let id = format!("{computer}-g{g}");
            let _ = writeln!(
                s,
                "        (id: \"{id}\", label: \"Group {g}\", kind: Group, parent: \"{parent}\"),"
            );
            parents.push((id, depth + 1));
        }
        for p in 0..shape.per_computer.saturating_sub(groups) {
            let Some((parent, _)) = parents.get(rng.below(parents.len())).cloned() else {
                break;
            };
            let id = format!("{computer}-p{p}");
            let kind = ["Hardware", "Os", "Runtime", "Application", "Distributed"][rng.below(5)];
            let _ = writeln!(
                s,
                "        (id: \"{id}\", label: \"Part {p}\", kind: {kind}, parent: \"{parent}\"),"
            );
            leaves.push(id);
        }
    }
    s.push_str("    ],\n    links: [\n");
    for l in 0..shape.links {
        if leaves.len() < 2 {
            break;
        }
        let a = rng.below(leaves.len());
        let b = (a + 1 + rng.below(leaves.len() - 1)) % leaves.len();
        let _ = writeln!(
            s,
            "        (id: \"l{l}\", from: \"{}\", to: \"{}\", label: \"link {l}\", kind: Dataflow),",
            leaves[a], leaves[b]
        );
    }
    s.push_str("    ],\n)\n");
    s
}
