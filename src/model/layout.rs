//! Automatic layout for components that leave out `at` and/or `size`.
//!
//! Deterministic and simple, in the spirit of a layered (Sugiyama-style) layout without the
//! crossing minimisation:
//! - a leaf without a size is sized to fit its label;
//! - siblings without a position are put in layers by the links between them (a link from a part
//!   of A to a part of B puts B after A), so a stack reads top to bottom; top-level components
//!   are laid out left to right instead, so two machines joined by a cable face each other;
//! - within a layer, file order; layers and items are separated by fixed gaps;
//! - a container without a size grows to hold its children.
//!
//! Explicit positions and sizes always win; auto-placed siblings go below (or, at the top level,
//! to the right of) the explicitly placed ones, so they never overlap them.
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use foldhash::{HashMap, HashMapExt, HashSet, HashSetExt};

use super::diagram::{ComponentDef, LinkDef};
use super::style::{LEAF_MIN, leaf_size_for};

/// Space between siblings and between layers.
pub const GAP: f32 = 20.0;
/// Inner padding of a container on the left, right and bottom.
pub const PADDING: f32 = 15.0;
/// Height of a container's title band.
pub const HEADER: f32 = 45.0;

/// `(at, size)` of each component, relative to its parent, after layout. `None` for components
/// that could not be laid out (in a nesting cycle or under an unknown parent).
pub type Placement = Vec<Option<((f32, f32), (f32, f32))>>;

/// Resolves every missing `at` and `size`. `order` lists components parents-first.
pub fn resolve(
    components: &[ComponentDef],
    links: &[LinkDef],
    index: &HashMap<&str, usize>,
    order: &[usize],
) -> Placement {
    let n = components.len();
    let parent_of = |i: usize| {
        components
            .get(i)
            .and_then(|c| c.parent.as_deref())
            .and_then(|p| index.get(p).copied())
    };
    let mut children: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut roots = Vec::new();
    for &i in order {
        match parent_of(i) {
            Some(p) => children.get_mut(p).into_iter().for_each(|c| c.push(i)),
            None => roots.push(i),
        }
    }
    // Each link orders siblings at exactly one level: under the parent where its two ends part
    // ways. Found once per link by walking up from both ends (depth is bounded).
    let mut links_at: HashMap<Option<usize>, Vec<(usize, usize, usize)>> = HashMap::new();
    for (li, l) in links.iter().enumerate() {
        let (Some(&a), Some(&b)) = (index.get(l.from.as_str()), index.get(l.to.as_str())) else {
            continue;
        };
        let mut child_toward_a: HashMap<Option<usize>, usize> = HashMap::new();
        let mut cur = a;
        for _ in 0..=n {
            let p = parent_of(cur);
            child_toward_a.insert(p, cur);
            match p {
                Some(p) => cur = p,
                None => break,
            }
        }
        let mut cur = b;
        for _ in 0..=n {
            let p = parent_of(cur);
            if let Some(&sa) = child_toward_a.get(&p) {
                if sa != cur {
                    links_at.entry(p).or_default().push((sa, cur, li));
                }
                break;
            }
            match p {
                Some(p) => cur = p,
                None => break,
            }
        }
    }
    let no_links = Vec::new();
    let mut sizes: Vec<Option<(f32, f32)>> = vec![None; n];
    let mut at: Vec<Option<(f32, f32)>> = components.iter().map(|c| c.at).collect();
    let mut visits = Visits::new(n);

    // Children before parents: a container's size depends on its children's.
    for &i in order.iter().rev() {
        let Some(c) = components.get(i) else { continue };
        let kids = children.get(i).cloned().unwrap_or_default();
        let here = links_at.get(&Some(i)).unwrap_or(&no_links);
        place_siblings(
            &kids,
            false,
            links,
            here,
            Some(i),
            &sizes,
            &mut at,
            &mut visits,
        );
        let size = c.size.unwrap_or_else(|| {
            if kids.is_empty() {
                leaf_size_for(&c.label)
            } else {
                let (mut w, mut h) = (0.0f32, 0.0f32);
                for &k in &kids {
                    if let (Some((x, y)), Some((kw, kh))) = (
                        at.get(k).copied().flatten(),
                        sizes.get(k).copied().flatten(),
                    ) {
                        w = w.max(x + kw);
                        h = h.max(y + kh);
                    }
                }
                (w + PADDING, h + PADDING)
            }
        });
        if let Some(slot) = sizes.get_mut(i) {
            *slot = Some(size);
        }
    }
    let here = links_at.get(&None).unwrap_or(&no_links);
    place_siblings(
        &roots,
        true,
        links,
        here,
        None,
        &sizes,
        &mut at,
        &mut visits,
    );
    // Only components in `order` were laid out (the rest sit in a cycle or under nothing).
    let mut placed = vec![false; n];
    for &i in order {
        if let Some(p) = placed.get_mut(i) {
            *p = true;
        }
    }
    (0..n)
        .map(|i| {
            match (
                at.get(i).copied().flatten(),
                sizes.get(i).copied().flatten(),
                placed.get(i),
            ) {
                (Some(a), Some(s), Some(true)) => Some((a, s)),
                _ => None,
            }
        })
        .collect()
}

/// Marks for a graph walk, reused across walks: a node is visited in this walk when its mark
/// equals the current stamp, so starting a walk costs nothing.
struct Visits {
    stamp: u32,
    marks: Vec<u32>,
    stack: Vec<usize>,
}

impl Visits {
    fn new(n: usize) -> Self {
        Self {
            stamp: 0,
            marks: vec![0; n],
            stack: Vec::new(),
        }
    }

    /// Whether `to` can be reached from `from` along the edges so far.
    fn reaches(&mut self, successors: &HashMap<usize, Vec<usize>>, from: usize, to: usize) -> bool {
        self.stamp = self.stamp.wrapping_add(1);
        if self.stamp == 0 {
            self.marks.iter_mut().for_each(|m| *m = 0);
            self.stamp = 1;
        }
        let stamp = self.stamp;
        self.stack.clear();
        self.stack.push(from);
        if let Some(m) = self.marks.get_mut(from) {
            *m = stamp;
        }
        while let Some(x) = self.stack.pop() {
            if x == to {
                return true;
            }
            for &y in successors.get(&x).map(Vec::as_slice).unwrap_or_default() {
                if let Some(m) = self.marks.get_mut(y)
                    && *m != stamp
                {
                    *m = stamp;
                    self.stack.push(y);
                }
            }
        }
        false
    }
}

/// Places the siblings that have no `at`, in layers by the links between them.
#[allow(clippy::too_many_arguments)]
fn place_siblings(
    siblings: &[usize],
    left_to_right: bool,
    links: &[LinkDef],
    here: &[(usize, usize, usize)],
    parent: Option<usize>,
    sizes: &[Option<(f32, f32)>],
    at: &mut [Option<(f32, f32)>],
    visits: &mut Visits,
) {
    let auto: Vec<usize> = siblings
        .iter()
        .copied()
        .filter(|&i| at.get(i).copied().flatten().is_none())
        .collect();
    if auto.is_empty() {
        return;
    }
    // Layers: longest path along links between these siblings (file order breaks cycles).
    let rank: HashMap<usize, usize> = auto.iter().enumerate().map(|(r, &i)| (i, r)).collect();
    let mut edges: Vec<(usize, usize)> = Vec::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    let mut successors: HashMap<usize, Vec<usize>> = HashMap::new();
    for &(sa, sb, li) in here {
        let (Some(&ra), Some(&rb), Some(l)) = (rank.get(&sa), rank.get(&sb), links.get(li)) else {
            continue;
        };
        // Directed links point down the stack; undirected ones follow file order.
        let edge = if l.directed || ra < rb {
            (sa, sb)
        } else {
            (sb, sa)
        };
        // An edge that would close a cycle is left out (the earlier link wins).
        if !seen.contains(&edge) && !visits.reaches(&successors, edge.1, edge.0) {
            seen.insert(edge);
            successors.entry(edge.0).or_default().push(edge.1);
            edges.push(edge);
        }
    }
    let mut layer: HashMap<usize, usize> = auto.iter().map(|&i| (i, 0)).collect();
    for _ in 0..auto.len() {
        let mut changed = false;
        for &(a, b) in &edges {
            let next = layer.get(&a).copied().unwrap_or(0) + 1;
            if layer.get(&b).copied().unwrap_or(0) < next {
                layer.insert(b, next);
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    // Start below (or right of) whatever is placed explicitly.
    let (mut main, cross0) = {
        let top = if parent.is_some() { HEADER } else { 0.0 };
        let left = if parent.is_some() { PADDING } else { 0.0 };
        let mut end = if left_to_right { left } else { top };
        for &s in siblings {
            if let (Some((x, y)), Some((w, h))) = (
                at.get(s).copied().flatten(),
                sizes.get(s).copied().flatten(),
            ) {
                end = end.max(if left_to_right {
                    x + w + GAP
                } else {
                    y + h + GAP
                });
            }
        }
        (end, if left_to_right { top } else { left })
    };
    let layer_of = |i: &usize| layer.get(i).copied().unwrap_or(0);
    let layers = auto.iter().map(layer_of).max().unwrap_or(0);
    // Lay each layer out along the cross axis, then centre the layers on the widest one.
    let mut rows: Vec<(Vec<usize>, f32, f32)> = Vec::new(); // (members, extent, thickness)
    // Members of each layer in file order, grouped in one pass.
    let mut by_layer: Vec<Vec<usize>> = vec![Vec::new(); layers + 1];
    for &i in &auto {
        if let Some(members) = by_layer.get_mut(layer_of(&i)) {
            members.push(i);
        }
    }
    for members in by_layer {
        let mut extent = 0.0f32;
        let mut thickness = 0.0f32;
        for &i in &members {
            let (w, h) = sizes.get(i).copied().flatten().unwrap_or(LEAF_MIN);
            extent += if left_to_right { h } else { w } + GAP;
            thickness = thickness.max(if left_to_right { w } else { h });
        }
        rows.push((members, (extent - GAP).max(0.0), thickness));
    }
    let widest = rows.iter().map(|r| r.1).fold(0.0f32, f32::max);
    for (members, extent, thickness) in rows {
        let mut cross = cross0 + ((widest - extent) / 2.0).round();
        for i in members {
            let (w, h) = sizes.get(i).copied().flatten().unwrap_or(LEAF_MIN);
            if let Some(slot) = at.get_mut(i) {
                *slot = Some(if left_to_right {
                    (main, cross)
                } else {
                    (cross, main)
                });
            }
            cross += if left_to_right { h } else { w } + GAP;
        }
        main += thickness + GAP;
    }
}
