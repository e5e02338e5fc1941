//! Links drawn as a careful person draws them: horizontal and vertical runs only, around every
//! box a link does not belong to, through the bend points an author gave on purpose; and each
//! link's label put where nothing else is.
//!
//! The router searches a grid made of lines just outside every box near the link (a box's
//! children give the lines inside it), plus lines through the ports (where a link may leave or
//! enter a box) and the author's bend points. A run
//! may not pass through a box it is not allowed into: allowed are the link's own ends (only at
//! a port), the boxes holding either end, and the boxes holding one of its bend points. The
//! search is A* over (grid point, heading); a run costs its length, a turn costs [`BEND`], and
//! sharing a line with a link routed before costs its length again, so links keep apart. A
//! search that finds no way within [`MAX_STEPS`] states leaves the link straight, and `check`
//! then names the box it crosses.
//!
//! Big generated diagrams (more than [`MAX_ROUTED_COMPONENTS`] boxes) keep straight links with
//! their labels beside the longest run: the search grows with the square of the boxes, and no
//! author draws such a diagram by hand.
// Reached from files: no indexing that could panic.
#![cfg_attr(not(test), deny(clippy::indexing_slicing))]

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::diagram::{Component, Diagram, Link};
use super::geometry::{Point, Rect};
use super::glyphs;
use super::ids::ComponentId;
use super::style::{LabelRole, arrow_head, link_width, sizes};

/// Above this many boxes, links are drawn straight (see the module's note).
pub const MAX_ROUTED_COMPONENTS: usize = 200;
/// How far outside a box the grid's lines run: half the layout's gap, so a run between two
/// siblings keeps to the middle.
const MARGIN: f32 = 10.0;
/// How far around a link's ends and bend points the router looks for a way.
const ROOM: f32 = 120.0;
/// How many grid states one leg's search may visit before it gives up.
pub const MAX_STEPS: usize = 10_000;
/// How close a run may pass along a box it is not allowed into.
const CLEAR: f32 = 4.0;
/// What a turn costs, in diagram units of length.
const BEND: f32 = 40.0;
/// How far a port keeps from a box's corners (the corner radius and a little more).
const CORNER: f32 = 12.0;

/// One link to route.
#[derive(Clone, Copy, Debug)]
pub struct Request<'a> {
    /// The box the link leaves.
    pub from: Rect,
    /// The box the link enters.
    pub to: Rect,
    /// The author's bend points, in order.
    pub via: &'a [Point],
    /// Boxes the link may not pass through.
    pub blockers: &'a [Rect],
}

/// Headings, as grid steps.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Heading {
    Right,
    Down,
    Left,
    Up,
}

impl Heading {
    const ALL: [Heading; 4] = [Heading::Right, Heading::Down, Heading::Left, Heading::Up];

    fn index(self) -> usize {
        self as usize
    }

    fn reverse(self) -> Heading {
        match self {
            Heading::Right => Heading::Left,
            Heading::Down => Heading::Up,
            Heading::Left => Heading::Right,
            Heading::Up => Heading::Down,
        }
    }

    fn step(self) -> (isize, isize) {
        match self {
            Heading::Right => (1, 0),
            Heading::Down => (0, 1),
            Heading::Left => (-1, 0),
            Heading::Up => (0, -1),
        }
    }
}

/// A place a link may leave or enter a box: a point on its border and the heading that leads
/// out of the box there.
#[derive(Clone, Copy, Debug)]
struct Port {
    at: Point,
    out: Heading,
    /// A little cost for ports off the side's middle, so ties go to the middle.
    cost: f32,
}

/// The ports of `r` for a link whose other end lies towards `aim` (and, without bend points,
/// is the box `other`): each side's middle, the point facing `aim`, and the middle of the
/// stretch the two boxes share.
fn ports(r: Rect, aim: Point, other: Option<Rect>) -> Vec<Port> {
    let mut out = Vec::new();
    let span = |lo: f32, hi: f32, want: &[f32], out: &mut Vec<f32>| {
        let mid = (lo + hi) / 2.0;
        out.push(mid);
        if hi - lo > 2.0 * CORNER {
            for &w in want {
                out.push(w.clamp(lo + CORNER, hi - CORNER));
            }
        }
    };
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    let mut want_x = vec![aim.x];
    let mut want_y = vec![aim.y];
    if let Some(o) = other {
        let (l, h) = (r.x.max(o.x), (r.x + r.w).min(o.x + o.w));
        if l < h {
            want_x.push((l + h) / 2.0);
        }
        let (l, h) = (r.y.max(o.y), (r.y + r.h).min(o.y + o.h));
        if l < h {
            want_y.push((l + h) / 2.0);
        }
    }
    span(r.x, r.x + r.w, &want_x, &mut xs);
    span(r.y, r.y + r.h, &want_y, &mut ys);
    let (cx, cy) = (r.x + r.w / 2.0, r.y + r.h / 2.0);
    for &x in &xs {
        let cost = (x - cx).abs() * 0.01;
        out.push(Port {
            at: Point::new(x, r.y),
            out: Heading::Up,
            cost,
        });
        out.push(Port {
            at: Point::new(x, r.y + r.h),
            out: Heading::Down,
            cost,
        });
    }
    for &y in &ys {
        let cost = (y - cy).abs() * 0.01;
        out.push(Port {
            at: Point::new(r.x, y),
            out: Heading::Left,
            cost,
        });
        out.push(Port {
            at: Point::new(r.x + r.w, y),
            out: Heading::Right,
            cost,
        });
    }
    out
}

/// Whether the axis-aligned run from `a` to `b` passes through the open inside of `r`.
pub fn run_enters(a: Point, b: Point, r: &Rect) -> bool {
    let (x0, x1) = (a.x.min(b.x), a.x.max(b.x));
    let (y0, y1) = (a.y.min(b.y), a.y.max(b.y));
    x0 < r.x + r.w && x1 > r.x && y0 < r.y + r.h && y1 > r.y
}

/// `r` grown by `d` on every side.
fn grown(r: &Rect, d: f32) -> Rect {
    Rect::new(r.x - d, r.y - d, r.w + 2.0 * d, r.h + 2.0 * d)
}

/// Sorted coordinates without near-duplicates.
fn lines(mut v: Vec<f32>) -> Vec<f32> {
    v.retain(|x| x.is_finite());
    v.sort_by(f32::total_cmp);
    v.dedup_by(|a, b| (*a - *b).abs() < 0.5);
    v
}

/// Where runs of links routed so far lie: per line (horizontal or not, coordinate), the
/// stretches taken.
#[derive(Default)]
pub struct Taken(foldhash::HashMap<(bool, i32), Vec<(f32, f32)>>);

impl Taken {
    fn key(horizontal: bool, at: f32) -> (bool, i32) {
        (horizontal, at.round() as i32)
    }

    /// How much of the run from `a` to `b` lies on runs taken before.
    fn shared(&self, a: Point, b: Point) -> f32 {
        let horizontal = (a.y - b.y).abs() < 0.5;
        let (at, lo, hi) = if horizontal {
            (a.y, a.x.min(b.x), a.x.max(b.x))
        } else {
            (a.x, a.y.min(b.y), a.y.max(b.y))
        };
        self.0.get(&Self::key(horizontal, at)).map_or(0.0, |v| {
            v.iter()
                .map(|&(l, h)| (hi.min(h) - lo.max(l)).max(0.0))
                .sum()
        })
    }

    /// Marks a routed path's runs as taken.
    pub fn take(&mut self, path: &[Point]) {
        for w in path.windows(2) {
            let [a, b] = w else { continue };
            let horizontal = (a.y - b.y).abs() < 0.5;
            let (at, lo, hi) = if horizontal {
                (a.y, a.x.min(b.x), a.x.max(b.x))
            } else {
                (a.x, a.y.min(b.y), a.y.max(b.y))
            };
            self.0
                .entry(Self::key(horizontal, at))
                .or_default()
                .push((lo, hi));
        }
    }
}

/// The steps between lines `k` and `k + 1` of the sorted `v` that pass inside `lo..hi`.
fn steps_inside(v: &[f32], lo: f32, hi: f32) -> impl Iterator<Item = usize> + '_ {
    let first = v.partition_point(|&x| x <= lo).saturating_sub(1);
    let last = v.partition_point(|&x| x < hi);
    (first..last).filter(
        move |&k| matches!((v.get(k), v.get(k + 1)), (Some(&a), Some(&b)) if a < hi && b > lo),
    )
}

/// The grid one link is searched on.
struct Grid {
    xs: Vec<f32>,
    ys: Vec<f32>,
    /// Per node and heading: whether the step that way is open.
    open: Vec<[bool; 4]>,
    /// Per node and heading: how much of the step that way lies on links routed before.
    taken: Vec<[f32; 4]>,
}

impl Grid {
    fn new(xs: Vec<f32>, ys: Vec<f32>, walls: &[Rect]) -> Grid {
        let (nx, ny) = (xs.len(), ys.len());
        let mut open = vec![[true; 4]; nx * ny];
        let mut close = |i: usize, j: usize, h: Heading| {
            if let Some(step) = open
                .get_mut(j * nx + i)
                .and_then(|node| node.get_mut(h.index()))
            {
                *step = false;
            }
        };
        for r in walls {
            let (left, right, top, bottom) = (r.x, r.x + r.w, r.y, r.y + r.h);
            // Rows through the wall: their steps across it close.
            for (j, _) in ys
                .iter()
                .enumerate()
                .filter(|(_, y)| **y > top && **y < bottom)
            {
                for i in steps_inside(&xs, left, right) {
                    close(i, j, Heading::Right);
                    close(i + 1, j, Heading::Left);
                }
            }
            for (i, _) in xs
                .iter()
                .enumerate()
                .filter(|(_, x)| **x > left && **x < right)
            {
                for j in steps_inside(&ys, top, bottom) {
                    close(i, j, Heading::Down);
                    close(i, j + 1, Heading::Up);
                }
            }
        }
        let taken = vec![[0.0; 4]; nx * ny];
        Grid {
            xs,
            ys,
            open,
            taken,
        }
    }

    /// Charges the steps that lie on runs of links routed before.
    fn charge(&mut self, taken: &Taken) {
        let nx = self.xs.len();
        let mut set = |node: usize, h: Heading, cost: f32| {
            if let Some(step) = self.taken.get_mut(node).and_then(|n| n.get_mut(h.index())) {
                *step = cost;
            }
        };
        for (j, &y) in self.ys.iter().enumerate() {
            if !taken.0.contains_key(&Taken::key(true, y)) {
                continue;
            }
            for (i, w) in self.xs.windows(2).enumerate() {
                let [a, b] = w else { continue };
                let cost = taken.shared(Point::new(*a, y), Point::new(*b, y));
                set(j * nx + i, Heading::Right, cost);
                set(j * nx + i + 1, Heading::Left, cost);
            }
        }
        for (i, &x) in self.xs.iter().enumerate() {
            if !taken.0.contains_key(&Taken::key(false, x)) {
                continue;
            }
            for (j, w) in self.ys.windows(2).enumerate() {
                let [a, b] = w else { continue };
                let cost = taken.shared(Point::new(x, *a), Point::new(x, *b));
                set(j * nx + i, Heading::Down, cost);
                set((j + 1) * nx + i, Heading::Up, cost);
            }
        }
    }

    /// How much of the step from `node` heading `h` lies on links routed before.
    fn shared(&self, (i, j): (usize, usize), h: Heading) -> f32 {
        self.taken
            .get(j * self.xs.len() + i)
            .and_then(|n| n.get(h.index()))
            .copied()
            .unwrap_or_default()
    }

    fn find(&self, p: Point) -> Option<(usize, usize)> {
        let near = |v: &[f32], c: f32| v.iter().position(|&x| (x - c).abs() < 0.5);
        Some((near(&self.xs, p.x)?, near(&self.ys, p.y)?))
    }

    fn point(&self, (i, j): (usize, usize)) -> Option<Point> {
        Some(Point::new(*self.xs.get(i)?, *self.ys.get(j)?))
    }

    fn next(&self, (i, j): (usize, usize), h: Heading) -> Option<(usize, usize)> {
        if !*self.open.get(j * self.xs.len() + i)?.get(h.index())? {
            return None;
        }
        let (di, dj) = h.step();
        let (i2, j2) = (i.checked_add_signed(di)?, j.checked_add_signed(dj)?);
        (i2 < self.xs.len() && j2 < self.ys.len()).then_some((i2, j2))
    }
}

/// A search state in the queue: lowest estimate first.
#[derive(PartialEq)]
struct Queued {
    estimate: f32,
    cost: f32,
    node: (usize, usize),
    heading: Heading,
}

impl Eq for Queued {}

impl Ord for Queued {
    fn cmp(&self, other: &Self) -> Ordering {
        other
            .estimate
            .total_cmp(&self.estimate)
            .then_with(|| other.node.cmp(&self.node))
    }
}

impl PartialOrd for Queued {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Where a leg may end: a node, the heading it must arrive with (if any), and a small cost.
type Goal = ((usize, usize), Option<Heading>, f32);
/// Where a leg may start: a node, the heading it starts with, a small cost, and whether its
/// first step must keep that heading (out of a box, square to its side).
type Start = ((usize, usize), Heading, f32, bool);

/// The cheapest run of grid steps from any start to any goal, as points, and the heading it
/// arrives with.
fn search(grid: &Grid, starts: &[Start], goals: &[Goal]) -> Option<(Vec<Point>, Heading)> {
    let goal_points: Vec<Point> = goals.iter().filter_map(|g| grid.point(g.0)).collect();
    // Never more than the true cost: the distance, and the turns no path can avoid.
    let guess = |p: Point, heading: Heading| {
        goal_points
            .iter()
            .map(|g| (g.x - p.x).abs() + (g.y - p.y).abs() + BEND * turns_needed(heading, p, *g))
            .fold(f32::INFINITY, f32::min)
    };
    let nx = grid.xs.len();
    let state = |(i, j): (usize, usize), h: Heading| (j * nx + i) * 4 + h.index();
    // Per node: the headings a goal may be reached with (bit 4: any).
    let mut goal_at = vec![0u8; grid.xs.len() * grid.ys.len()];
    for ((i, j), need, _) in goals {
        if let Some(m) = goal_at.get_mut(j * nx + i) {
            *m |= need.map_or(16, |h| 1 << h.index());
        }
    }
    let is_goal = |(i, j): (usize, usize), h: Heading| {
        goal_at
            .get(j * nx + i)
            .is_some_and(|m| m & (16 | 1 << h.index()) != 0)
    };
    let mut best = vec![f32::INFINITY; grid.xs.len() * grid.ys.len() * 4];
    // The state each state was reached from (`NONE`: a start, or not reached).
    const NONE: u32 = u32::MAX;
    let mut came: Vec<u32> = vec![NONE; best.len()];
    let unpack = |s: u32| {
        let s = s as usize;
        let node = s / 4;
        let heading = *Heading::ALL.get(s % 4)?;
        Some(((node % nx, node / nx), heading))
    };
    let mut budget = MAX_STEPS;
    let mut queue = BinaryHeap::new();
    let mut square: Vec<usize> = Vec::new();
    for &(node, heading, cost, straight) in starts {
        if straight {
            square.push(state(node, heading));
        }
        let p = grid.point(node)?;
        if let Some(b) = best.get_mut(state(node, heading))
            && cost < *b
        {
            *b = cost;
            queue.push(Queued {
                estimate: cost + guess(p, heading),
                cost,
                node,
                heading,
            });
        }
    }
    while let Some(Queued {
        cost,
        node,
        heading,
        ..
    }) = queue.pop()
    {
        if best.get(state(node, heading)).is_some_and(|&b| cost > b) {
            continue;
        }
        // A link with no way through gives up here and is drawn straight.
        budget -= 1;
        if budget == 0 {
            return None;
        }
        if is_goal(node, heading) {
            let mut points = vec![grid.point(node)?];
            let mut at = (node, heading);
            while let Some(prev) = came
                .get(state(at.0, at.1))
                .filter(|&&c| c != NONE)
                .and_then(|&c| unpack(c))
            {
                points.push(grid.point(prev.0)?);
                at = prev;
            }
            points.reverse();
            return Some((simplify(points), heading));
        }
        let here = grid.point(node)?;
        let leaving = came.get(state(node, heading)).is_some_and(|&c| c == NONE)
            && square.contains(&state(node, heading));
        for h in Heading::ALL {
            if h == heading.reverse() || (leaving && h != heading) {
                continue;
            }
            let Some(next) = grid.next(node, h) else {
                continue;
            };
            let there = grid.point(next)?;
            let length = (there.x - here.x).abs() + (there.y - here.y).abs();
            let turn = if h == heading { 0.0 } else { BEND };
            // A goal's own small cost breaks ties between ports.
            let arrive = if is_goal(next, h) {
                goals
                    .iter()
                    .find(|(n, need, _)| *n == next && need.is_none_or(|g| g == h))
                    .map_or(0.0, |g| g.2)
            } else {
                0.0
            };
            let shared = grid.shared(node, h);
            let c = cost + length + turn + shared + arrive;
            if let Some(b) = best.get_mut(state(next, h))
                && c < *b
            {
                *b = c;
                if let Some(c) = came.get_mut(state(next, h)) {
                    *c = state(node, heading) as u32;
                }
                queue.push(Queued {
                    estimate: c + guess(there, h),
                    cost: c,
                    node: next,
                    heading: h,
                });
            }
        }
    }
    None
}

/// The fewest turns from `p`, heading `heading`, to `g`: none when `g` lies straight ahead, one
/// when it lies ahead or beside, two when it lies behind.
fn turns_needed(heading: Heading, p: Point, g: Point) -> f32 {
    const NEAR: f32 = 0.5;
    let (dx, dy) = (g.x - p.x, g.y - p.y);
    if dx.abs() < NEAR && dy.abs() < NEAR {
        return 0.0;
    }
    // How far ahead the goal lies, and how far to the side.
    let (ahead, side) = match heading {
        Heading::Right => (dx, dy),
        Heading::Left => (-dx, dy),
        Heading::Down => (dy, dx),
        Heading::Up => (-dy, dx),
    };
    if side.abs() < NEAR {
        if ahead > 0.0 { 0.0 } else { 2.0 }
    } else if ahead > -NEAR {
        1.0
    } else {
        2.0
    }
}

/// Drops the points in the middle of straight runs.
fn simplify(points: Vec<Point>) -> Vec<Point> {
    let mut out: Vec<Point> = Vec::with_capacity(points.len());
    for p in points {
        if let [.., a, b] = out.as_slice() {
            let straight = ((a.x - b.x).abs() < 0.01 && (b.x - p.x).abs() < 0.01)
                || ((a.y - b.y).abs() < 0.01 && (b.y - p.y).abs() < 0.01);
            if straight {
                out.pop();
            }
        }
        if out.last() != Some(&p) {
            out.push(p);
        }
    }
    out
}

/// The orthogonal path of one link, from the border of `from` to the border of `to` through
/// its bend points, on the lines of `boxes` (every box of the diagram). `None` when no such
/// path exists; the caller then draws the link straight.
pub fn route(req: &Request, boxes: &[Rect], taken: &Taken) -> Option<Vec<Point>> {
    let first_aim = req.via.first().copied().unwrap_or(req.to.center());
    let last_aim = req.via.last().copied().unwrap_or(req.from.center());
    let alone = req.via.is_empty();
    let starts = ports(req.from, first_aim, alone.then_some(req.to));
    let ends = ports(req.to, last_aim, alone.then_some(req.from));

    // Lines from the boxes near the link only: those meeting the room around its ends and
    // bend points. A box's children give the lines inside it.
    let mut room = req.from.union(&req.to);
    for p in req.via {
        room = room.union(&Rect::new(p.x, p.y, 0.0, 0.0));
    }
    let room = grown(&room, ROOM);
    let mut xs = Vec::new();
    let mut ys = Vec::new();
    for r in boxes.iter().filter(|r| r.overlaps(&room)) {
        xs.extend([r.x - MARGIN, r.x + r.w + MARGIN]);
        ys.extend([r.y - MARGIN, r.y + r.h + MARGIN]);
    }
    for p in starts.iter().chain(&ends) {
        xs.push(p.at.x);
        ys.push(p.at.y);
    }
    for p in req.via {
        xs.push(p.x);
        ys.push(p.y);
    }
    let (xs, ys) = (lines(xs), lines(ys));
    // Every box the grid reaches is a wall, whether or not it gave lines.
    let reach = match (xs.first(), xs.last(), ys.first(), ys.last()) {
        (Some(&x0), Some(&x1), Some(&y0), Some(&y1)) => Rect::new(x0, y0, x1 - x0, y1 - y0),
        _ => room,
    };
    // The ends are walls too, but only their insides: a port sits on the border.
    let mut walls: Vec<Rect> = req
        .blockers
        .iter()
        .map(|r| grown(r, CLEAR))
        .filter(|r| r.overlaps(&reach))
        .collect();
    walls.push(req.from);
    walls.push(req.to);
    let mut grid = Grid::new(xs, ys, &walls);
    grid.charge(taken);

    let mut path: Vec<Point> = Vec::new();
    let mut from: Vec<Start> = starts
        .iter()
        .filter_map(|p| Some((grid.find(p.at)?, p.out, p.cost, true)))
        .collect();
    for (k, target) in req.via.iter().enumerate() {
        let node = grid.find(*target)?;
        let (leg, heading) = search(&grid, &from, &[(node, None, 0.0)])?;
        path.extend(leg.into_iter().skip(usize::from(k > 0)));
        from = vec![(node, heading, 0.0, false)];
    }
    let goals: Vec<Goal> = ends
        .iter()
        .filter_map(|p| Some((grid.find(p.at)?, Some(p.out.reverse()), p.cost)))
        .collect();
    let (leg, _) = search(&grid, &from, &goals)?;
    path.extend(leg.into_iter().skip(usize::from(!req.via.is_empty())));
    Some(simplify(path))
}

/// Where a link's label goes: a rectangle `size` big beside one of the path's runs, chosen
/// to cover as little as possible of `avoid` (boxes and labels it must not sit on) and of
/// `lines` (other links' paths). Longer runs and middles are tried first.
pub fn place_label(path: &[Point], size: (f32, f32), avoid: &[Rect], lines: &[&[Point]]) -> Rect {
    // Beside a vertical run a label keeps clear of the arrow head, which is wider than
    // the line; above or below a horizontal one it sits close.
    const GAP: f32 = 4.0;
    const SIDE_GAP: f32 = 10.0;
    let (w, h) = size;
    let mut runs: Vec<(Point, Point)> = path
        .windows(2)
        .filter_map(|s| match s {
            [a, b] => Some((*a, *b)),
            _ => None,
        })
        .collect();
    let len = |(a, b): &(Point, Point)| (b.x - a.x).abs() + (b.y - a.y).abs();
    runs.sort_by(|x, y| len(y).total_cmp(&len(x)));
    // Only what lies within a label's reach of the path can be covered.
    let mut reach = match path.first() {
        Some(p) => Rect::new(p.x, p.y, 0.0, 0.0),
        None => return Rect::new(0.0, 0.0, w, h),
    };
    for p in path {
        reach = reach.union(&Rect::new(p.x, p.y, 0.0, 0.0));
    }
    let reach = grown(&reach, w + h + SIDE_GAP);
    let avoid: Vec<&Rect> = avoid.iter().filter(|r| r.overlaps(&reach)).collect();
    let near = |a: &Point, b: &Point| {
        let run = Rect::new(
            a.x.min(b.x),
            a.y.min(b.y),
            (a.x - b.x).abs(),
            (a.y - b.y).abs(),
        );
        grown(&run, 1.0).overlaps(&reach)
    };
    let segments: Vec<(Point, Point)> = lines
        .iter()
        .flat_map(|l| l.windows(2))
        .filter_map(|s| match s {
            [a, b] if near(a, b) => Some((*a, *b)),
            _ => None,
        })
        .collect();
    let mut best: Option<(f32, Rect)> = None;
    let mut order = 0.0;
    for (a, b) in &runs {
        let vertical = (b.y - a.y).abs() > (b.x - a.x).abs();
        for t in [0.5, 0.3, 0.7, 0.15, 0.85] {
            let p = Point::new(a.x + (b.x - a.x) * t, a.y + (b.y - a.y) * t);
            let sides = if vertical {
                [
                    Rect::new(p.x + SIDE_GAP, p.y - h / 2.0, w, h),
                    Rect::new(p.x - SIDE_GAP - w, p.y - h / 2.0, w, h),
                ]
            } else {
                [
                    Rect::new(p.x - w / 2.0, p.y - GAP - h, w, h),
                    Rect::new(p.x - w / 2.0, p.y + GAP, w, h),
                ]
            };
            for r in sides {
                let covered: f32 = avoid.iter().map(|o| overlap_area(&r, o)).sum();
                let crossed = segments
                    .iter()
                    .filter(|(a, b)| run_enters(*a, *b, &r))
                    .count() as f32;
                let score = covered + crossed * w * h * 0.5 + order;
                order += 1.0;
                if best.is_none_or(|(s, _)| score < s) {
                    best = Some((score, r));
                }
            }
        }
    }
    best.map_or(Rect::new(0.0, 0.0, w, h), |(_, r)| r)
}

/// A label beside the middle of the path's longest run, above a horizontal one and right of a
/// vertical one: the place for diagrams too big to search (see [`MAX_ROUTED_COMPONENTS`]).
fn beside_longest_run(path: &[Point], (w, h): (f32, f32)) -> Rect {
    let len = |a: &Point, b: &Point| (b.x - a.x).abs() + (b.y - a.y).abs();
    let longest = path
        .windows(2)
        .filter_map(|s| match s {
            [a, b] => Some((*a, *b)),
            _ => None,
        })
        .max_by(|x, y| len(&x.0, &x.1).total_cmp(&len(&y.0, &y.1)));
    let Some((a, b)) = longest else {
        return Rect::new(0.0, 0.0, w, h);
    };
    let mid = Point::new((a.x + b.x) / 2.0, (a.y + b.y) / 2.0);
    if (b.y - a.y).abs() > (b.x - a.x).abs() {
        Rect::new(mid.x + 6.0, mid.y - h / 2.0, w, h)
    } else {
        Rect::new(mid.x - w / 2.0, mid.y - 4.0 - h, w, h)
    }
}

/// The area two rectangles share.
pub fn overlap_area(a: &Rect, b: &Rect) -> f32 {
    let w = (a.x + a.w).min(b.x + b.w) - a.x.max(b.x);
    let h = (a.y + a.h).min(b.y + b.h) - a.y.max(b.y);
    if w > 0.0 && h > 0.0 { w * h } else { 0.0 }
}

/// Routes every link of a diagram and places its label: `links[k]` runs through `via[k]`.
/// Paths and label rectangles are written into the links.
pub(crate) fn lay_out_links(
    components: &[Component],
    index: &foldhash::HashMap<ComponentId, usize>,
    links: &mut [Link],
    via: &[Vec<Point>],
) {
    let rect_of = |id: &ComponentId| index.get(id).and_then(|&i| components.get(i));
    let chain = |id: &ComponentId| ancestry(id, rect_of);
    if components.len() > MAX_ROUTED_COMPONENTS {
        for l in links.iter_mut() {
            l.label_rect = beside_longest_run(&l.path, link_label_size(&l.label));
        }
        return;
    }
    let boxes: Vec<Rect> = components.iter().map(|c| c.rect).collect();
    let mut taken = Taken::default();
    for (k, l) in links.iter_mut().enumerate() {
        let (Some(from), Some(to)) = (rect_of(&l.from), rect_of(&l.to)) else {
            continue;
        };
        let bends = via.get(k).map(Vec::as_slice).unwrap_or_default();
        let (up_from, up_to) = (chain(&l.from), chain(&l.to));
        let blockers: Vec<Rect> = components
            .iter()
            .filter(|c| !up_from.contains(&c.id) && !up_to.contains(&c.id))
            .filter(|c| !bends.iter().any(|p| c.rect.contains(*p)))
            .map(|c| c.rect)
            .collect();
        let request = Request {
            from: from.rect,
            to: to.rect,
            via: bends,
            blockers: &blockers,
        };
        if let Some(path) = route(&request, &boxes, &taken) {
            taken.take(&path);
            l.path = path;
        }
    }
    // Labels, in file order: each avoids the boxes its link is not inside, the titles of the
    // boxes it is inside, the labels placed before it and every link's line.
    let paths: Vec<Vec<Point>> = links.iter().map(|l| l.path.clone()).collect();
    let lines: Vec<&[Point]> = paths.iter().map(Vec::as_slice).collect();
    // Arrow heads are wider than their lines: a label keeps off them too.
    let heads: Vec<Rect> = links
        .iter()
        .filter(|l| l.directed)
        .filter_map(|l| arrow_head(&l.path, link_width(l.kind)))
        .map(|[a, b, c]| {
            let (x0, x1) = (a.x.min(b.x).min(c.x), a.x.max(b.x).max(c.x));
            let (y0, y1) = (a.y.min(b.y).min(c.y), a.y.max(b.y).max(c.y));
            Rect::new(x0, y0, x1 - x0, y1 - y0)
        })
        .collect();
    // Each title measured once, not once per label.
    let titles: Vec<Rect> = components.iter().map(title_rect).collect();
    let mut placed: Vec<Rect> = Vec::new();
    for l in links.iter_mut() {
        if l.label.is_empty() {
            continue;
        }
        let size = link_label_size(&l.label);
        let (up_from, up_to) = (chain(&l.from), chain(&l.to));
        let mut avoid: Vec<Rect> = Vec::new();
        for (c, title) in components.iter().zip(&titles) {
            // The boxes around either end may hold the label, but not on their titles.
            if up_from.contains(&c.id) || up_to.contains(&c.id) {
                avoid.push(*title);
            } else {
                avoid.push(c.rect);
            }
        }
        avoid.extend(placed.iter().copied());
        avoid.extend(heads.iter().copied());
        let r = place_label(&l.path, size, &avoid, &lines);
        placed.push(r);
        l.label_rect = r;
    }
}

/// A component and every box around it, innermost first.
fn ancestry<'a>(
    id: &ComponentId,
    get: impl Fn(&ComponentId) -> Option<&'a Component>,
) -> Vec<ComponentId> {
    let mut out = Vec::new();
    let mut at = get(id);
    while let Some(c) = at {
        if out.contains(&c.id) {
            break;
        }
        out.push(c.id.clone());
        at = c.parent.as_ref().and_then(&get);
    }
    out
}

/// Something in a laid-out diagram's links that a reader would trip over.
#[derive(Clone, Debug, PartialEq)]
pub enum Clash {
    /// Link number `link` (file order) runs through a box it does not belong to.
    Crosses {
        /// The link's place in the file.
        link: usize,
        /// The box it runs through.
        component: ComponentId,
    },
    /// Link number `link`'s label covers something else.
    LabelOn {
        /// The link's place in the file.
        link: usize,
        /// What it covers, in words.
        what: String,
    },
}

/// Every clash in `diagram`'s links. `via[k]` are link `k`'s bend points as the author gave
/// them: a box holding one of them is one the author sent the link through on purpose.
pub fn clashes(diagram: &Diagram, via: &[Vec<Point>]) -> Vec<Clash> {
    let get = |id: &ComponentId| diagram.component(id.as_str());
    let mut out = Vec::new();
    let links = diagram.links();
    let titles: Vec<Rect> = diagram.components().iter().map(title_rect).collect();
    for (k, l) in links.iter().enumerate() {
        let (up_from, up_to) = (ancestry(&l.from, get), ancestry(&l.to, get));
        let bends = via.get(k).map(Vec::as_slice).unwrap_or_default();
        for c in diagram.components() {
            if up_from.contains(&c.id)
                || up_to.contains(&c.id)
                || bends.iter().any(|p| c.rect.contains(*p))
            {
                continue;
            }
            // A run along a border does not count; one through the inside does.
            let inside = grown(&c.rect, -1.0);
            if l.path
                .windows(2)
                .any(|w| matches!(w, [a, b] if crosses(*a, *b, &inside)))
            {
                out.push(Clash::Crosses {
                    link: k,
                    component: c.id.clone(),
                });
            }
        }
        if l.label.is_empty() {
            continue;
        }
        let covers = |r: &Rect| overlap_area(&l.label_rect, r) > 1.0;
        for (c, title) in diagram.components().iter().zip(&titles) {
            let around = up_from.contains(&c.id) || up_to.contains(&c.id);
            if around && covers(title) {
                let what = if c.children.is_empty() {
                    format!("`{}`", c.id)
                } else {
                    format!("the title of `{}`", c.id)
                };
                out.push(Clash::LabelOn { link: k, what });
            } else if !around && covers(&c.rect) {
                out.push(Clash::LabelOn {
                    link: k,
                    what: format!("`{}`", c.id),
                });
            }
        }
        for other in links.iter().take(k) {
            if !other.label.is_empty() && covers(&other.label_rect) {
                out.push(Clash::LabelOn {
                    link: k,
                    what: format!("the label of link `{}`", other.id),
                });
            }
        }
    }
    out
}

/// Whether the segment from `a` to `b` (any direction) passes through the open inside of `r`.
fn crosses(a: Point, b: Point, r: &Rect) -> bool {
    if r.w <= 0.0 || r.h <= 0.0 {
        return false;
    }
    // Clip the segment to the rectangle (Liang–Barsky) and see whether anything is left.
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let mut t0: f32 = 0.0;
    let mut t1: f32 = 1.0;
    for (p, q) in [
        (-dx, a.x - r.x),
        (dx, r.x + r.w - a.x),
        (-dy, a.y - r.y),
        (dy, r.y + r.h - a.y),
    ] {
        if p == 0.0 {
            if q <= 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
        }
    }
    t1 - t0 > 1e-4
}

/// How big a link's label is set: its width in the canvas font and one line's height.
pub fn link_label_size(label: &str) -> (f32, f32) {
    let font = sizes::LINK_FONT;
    (
        glyphs::advance(&glyphs::visible(label), font),
        font * sizes::LINE_HEIGHT,
    )
}

/// Where a container's title is set: its first line, at the top-left inset.
pub fn title_rect(c: &Component) -> Rect {
    let role = LabelRole::of_component(c);
    let font = role.font();
    let (ix, iy) = sizes::TITLE_INSET;
    match role {
        LabelRole::Leaf => c.rect,
        LabelRole::Container | LabelRole::Computer => Rect::new(
            c.rect.x + ix,
            c.rect.y + iy,
            glyphs::advance(&glyphs::visible(&c.label), font).min(c.rect.w - 2.0 * ix),
            font * sizes::LINE_HEIGHT,
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn orthogonal(path: &[Point]) -> bool {
        path.windows(2).all(|s| match s {
            [a, b] => (a.x - b.x).abs() < 0.01 || (a.y - b.y).abs() < 0.01,
            _ => true,
        })
    }

    #[test]
    fn a_box_in_the_way_is_gone_around() {
        let from = Rect::new(0.0, 0.0, 100.0, 50.0);
        let to = Rect::new(400.0, 0.0, 100.0, 50.0);
        let wall = Rect::new(180.0, -40.0, 100.0, 130.0);
        let req = Request {
            from,
            to,
            via: &[],
            blockers: &[wall],
        };
        let path = route(&req, &[from, to, wall], &Taken::default()).unwrap_or_default();
        assert!(orthogonal(&path), "{path:?}");
        assert!(path.len() >= 4, "{path:?}");
        assert!(
            path.windows(2).all(|s| !run_enters(s[0], s[1], &wall)),
            "{path:?}"
        );
        let (first, last) = (path[0], path[path.len() - 1]);
        assert!(
            first.x == 100.0 || first.y == 0.0 || first.y == 50.0,
            "{first:?}"
        );
        assert!(
            last.x == 400.0 || last.y == 0.0 || last.y == 50.0,
            "{last:?}"
        );
    }

    #[test]
    fn facing_boxes_get_one_straight_run() {
        let from = Rect::new(0.0, 0.0, 100.0, 50.0);
        let to = Rect::new(300.0, 10.0, 100.0, 50.0);
        let req = Request {
            from,
            to,
            via: &[],
            blockers: &[],
        };
        let path = route(&req, &[from, to], &Taken::default()).unwrap_or_default();
        assert_eq!(path.len(), 2, "{path:?}");
        assert_eq!(path[0].y, path[1].y);
    }

    #[test]
    fn bend_points_are_kept() {
        let from = Rect::new(0.0, 0.0, 100.0, 50.0);
        let to = Rect::new(0.0, 300.0, 100.0, 50.0);
        let via = [Point::new(250.0, 100.0), Point::new(250.0, 200.0)];
        let req = Request {
            from,
            to,
            via: &via,
            blockers: &[],
        };
        let path = route(&req, &[from, to], &Taken::default()).unwrap_or_default();
        assert!(orthogonal(&path), "{path:?}");
        for v in via {
            assert!(
                path.windows(2).any(|s| {
                    let (a, b) = (s[0], s[1]);
                    (a.x.min(b.x)..=a.x.max(b.x)).contains(&v.x)
                        && (a.y.min(b.y)..=a.y.max(b.y)).contains(&v.y)
                }),
                "{v:?} not on {path:?}"
            );
        }
    }

    #[test]
    fn a_label_moves_off_a_box() {
        let path = [Point::new(0.0, 100.0), Point::new(200.0, 100.0)];
        let above = Rect::new(0.0, 40.0, 200.0, 55.0);
        let r = place_label(&path, (50.0, 14.0), &[above], &[]);
        assert_eq!(overlap_area(&r, &above), 0.0, "{r:?}");
        assert!(r.y > 100.0, "{r:?}");
    }
}
