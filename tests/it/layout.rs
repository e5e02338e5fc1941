//! Automatic layout: deterministic, no overlapping siblings, every child inside its parent.

use std::collections::BTreeSet;

use autochitect::model::synthetic::{Shape, generate};
use autochitect::model::{Diagram, WriteupSlug, parse_diagram};

fn no_writeups() -> BTreeSet<WriteupSlug> {
    BTreeSet::new()
}

fn all_writeups() -> BTreeSet<WriteupSlug> {
    let index =
        std::fs::read_to_string(crate::repo().join("assets/writeups/index.ron")).expect("index");
    autochitect::model::parse_writeup_index("index.ron", &index)
        .expect("valid index")
        .into_iter()
        .collect()
}

/// The layout invariants every diagram must keep.
fn assert_well_laid_out(d: &Diagram) {
    let comps = d.components();
    for c in comps {
        if let Some(p) = c.parent.as_ref().and_then(|p| d.component(p.as_str())) {
            let (r, pr) = (c.rect, p.rect);
            assert!(
                r.x >= pr.x && r.y >= pr.y && r.x + r.w <= pr.x + pr.w && r.y + r.h <= pr.y + pr.h,
                "{} is outside {}",
                c.id,
                p.id
            );
        }
    }
    for (i, a) in comps.iter().enumerate() {
        for b in comps.iter().skip(i + 1) {
            assert!(
                !(a.parent == b.parent && a.rect.overlaps(&b.rect)),
                "{} overlaps {}",
                a.id,
                b.id
            );
        }
    }
}

fn rects(d: &Diagram) -> Vec<(String, [f32; 4])> {
    d.components()
        .iter()
        .map(|c| (c.id.to_string(), [c.rect.x, c.rect.y, c.rect.w, c.rect.h]))
        .collect()
}

#[test]
fn shipped_diagrams_are_well_laid_out() {
    let dir = crate::repo().join("diagrams");
    let mut n = 0;
    for entry in std::fs::read_dir(&dir).expect("diagrams/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "ron")
            || path.file_name().is_some_and(|f| f == "index.ron")
        {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("read");
        let d = parse_diagram(&path.display().to_string(), &text, &all_writeups())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_well_laid_out(&d);
        n += 1;
    }
    assert!(n >= 3, "at least three shipped diagrams, found {n}");
}

#[test]
fn generated_diagrams_are_well_laid_out_and_deterministic() {
    for seed in 0..12 {
        let shape = Shape {
            seed,
            computers: 1 + (seed as usize % 4),
            per_computer: 5 + seed as usize * 7,
            depth: 1 + seed as usize % 4,
            links: seed as usize * 5,
        };
        let text = generate(shape);
        let a = parse_diagram("gen.ron", &text, &no_writeups())
            .unwrap_or_else(|e| panic!("seed {seed}: {e}"));
        let b = parse_diagram("gen.ron", &generate(shape), &no_writeups()).expect("same again");
        assert_eq!(rects(&a), rects(&b), "seed {seed} is not deterministic");
        assert_well_laid_out(&a);
        assert_eq!(
            a.components().len(),
            shape.computers * (shape.per_computer + 1),
            "seed {seed}"
        );
    }
}

#[test]
fn generated_nesting_respects_the_depth() {
    let d = parse_diagram(
        "gen.ron",
        &generate(Shape {
            seed: 3,
            computers: 2,
            per_computer: 60,
            depth: 3,
            links: 10,
        }),
        &no_writeups(),
    )
    .expect("valid");
    let deepest = d.components().iter().map(|c| c.depth).max();
    assert_eq!(deepest, Some(3));
}

const STACK: &str = r#"(
    title: "Stack",
    components: [
        (id: "m", label: "Machine", kind: Computer),
        (id: "disk", label: "Disk", kind: Hardware, parent: "m"),
        (id: "kernel", label: "Kernel", kind: Os, parent: "m"),
        (id: "app", label: "Application with a long name", kind: Application, parent: "m"),
        (id: "pinned", label: "Pinned", kind: Hardware, parent: "m", at: (400, 60), size: (100, 40)),
        (id: "other", label: "Other machine", kind: Computer),
    ],
    links: [
        (id: "w", from: "app", to: "kernel", label: "write()", kind: Call),
        (id: "f", from: "kernel", to: "disk", label: "flush", kind: Bus),
        (id: "cable", from: "m", to: "other", label: "cable", kind: Cable, directed: false),
    ],
)"#;

#[test]
fn links_make_a_stack_read_top_to_bottom_and_explicit_positions_win() {
    let d = parse_diagram("stack.ron", STACK, &no_writeups()).expect("valid");
    let y = |id: &str| d.component(id).expect(id).rect.y;
    assert!(
        y("app") < y("kernel") && y("kernel") < y("disk"),
        "app, kernel, disk read top to bottom"
    );
    let pinned = d.component("pinned").expect("pinned").rect;
    assert_eq!(
        (pinned.x, pinned.y, pinned.w, pinned.h),
        (400.0, 60.0, 100.0, 40.0)
    );
    // Top-level components face each other left to right.
    let (m, other) = (
        d.component("m").expect("m").rect,
        d.component("other").expect("other").rect,
    );
    assert!(m.x + m.w < other.x);
    assert!(
        ((m.y + m.h / 2.0) - (other.y + other.h / 2.0)).abs() <= 1.0,
        "centred on each other"
    );
    // A leaf is sized to fit its label.
    let app = d.component("app").expect("app").rect;
    assert!(app.w > d.component("disk").expect("disk").rect.w);
    assert_well_laid_out(&d);
}
