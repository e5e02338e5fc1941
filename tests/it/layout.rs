//! Automatic layout: deterministic, no overlapping siblings, every child inside its parent.

use std::collections::BTreeSet;

use autochitect::model::figure::Figure;
use autochitect::model::style::{self, LabelRole};
use autochitect::model::synthetic::{Shape, generate};
use autochitect::model::{Diagram, Target, WriteupSlug, parse_diagram};

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

/// The shipped diagrams, parsed: (file name, text, diagram).
fn shipped() -> Vec<(String, String, Diagram)> {
    let dir = crate::repo().join("diagrams");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(&dir).expect("diagrams/") {
        let path = entry.expect("entry").path();
        if path.extension().is_none_or(|e| e != "ron")
            || path.file_name().is_some_and(|f| f == "index.ron")
        {
            continue;
        }
        let name = path.display().to_string();
        let text = std::fs::read_to_string(&path).expect("read");
        let d = parse_diagram(&name, &text, &all_writeups()).unwrap_or_else(|e| panic!("{e}"));
        out.push((name, text, d));
    }
    out
}

/// As a careful person draws them: every link of every shipped diagram runs only
/// horizontally and vertically, through no box it does not belong to, and no label covers a
/// box, a title or another label (`check` would say so, at the link's line).
#[test]
fn shipped_diagrams_draw_their_links_clean() {
    let mut links = 0;
    for (name, text, d) in shipped() {
        for l in d.links() {
            assert!(
                l.path
                    .windows(2)
                    .all(|s| s[0].x == s[1].x || s[0].y == s[1].y),
                "{name}: link `{}` has a slanted run: {:?}",
                l.id,
                l.path
            );
            links += 1;
        }
        let lint = autochitect::model::lint_diagram(&name, &text, &d);
        let clashes: Vec<String> = lint
            .0
            .iter()
            .map(|w| w.to_string())
            .filter(|w| w.contains("runs through") || w.contains("covers"))
            .collect();
        assert!(clashes.is_empty(), "{clashes:#?}");
    }
    let expected: usize = shipped().iter().map(|(_, _, d)| d.links().len()).sum();
    assert_eq!(links, expected);
    assert!(links > 30, "the shipped diagrams have {links} links");
}

/// `check` warns about a link drawn through a box, at the link's line, and about a label
/// that covers another.
#[test]
fn check_names_a_link_through_a_box_and_a_covered_label() {
    let src = r#"(
    title: "Wall",
    components: [
        (id: "a", label: "A", kind: Application, at: (0, 0), size: (100, 50)),
        (id: "wall", label: "Wall", kind: Hardware, at: (150, -200), size: (60, 500)),
        (id: "b", label: "B", kind: Application, at: (300, 0), size: (100, 50)),
    ],
    links: [
        (id: "through", from: "a", to: "b", label: "a label much too long to fit anywhere near", kind: Call, via: [(180, 25)]),
        (id: "again", from: "a", to: "b", label: "a label much too long to fit anywhere near", kind: Call, via: [(180, 20)]),
    ],
)"#;
    let d = parse_diagram("wall.ron", src, &no_writeups()).expect("valid");
    // A bend point inside the wall sends the link through it on purpose: no warning.
    let lint = autochitect::model::lint_diagram("wall.ron", src, &d);
    let said: Vec<String> = lint.0.iter().map(|w| w.to_string()).collect();
    assert!(
        !said.iter().any(|w| w.contains("runs through")),
        "{said:#?}"
    );
    assert!(
        said.iter()
            .any(|w| w.starts_with("wall.ron:10:") && w.contains("covers")),
        "{said:#?}"
    );
    // Without the bend point the router goes around the wall.
    let around = src
        .replace(", via: [(180, 25)]", "")
        .replace(", via: [(180, 20)]", "");
    let d = parse_diagram("wall.ron", &around, &no_writeups()).expect("valid");
    let wall = d.component("wall").expect("wall").rect;
    for l in d.links() {
        assert!(l.path.len() >= 4, "{:?}", l.path);
        assert!(
            l.path.iter().all(|p| !(p.x > wall.x
                && p.x < wall.x + wall.w
                && p.y > wall.y
                && p.y < wall.y + wall.h)),
            "{:?}",
            l.path
        );
    }
}

/// The core measures text as the canvas sets it (egui, the same bundled font) closely enough
/// that `check` is right about what fits, and every view sets each label in the figure's
/// lines: the SVG carries exactly those lines (the canvas and the reader's figures draw the
/// same figure, and lay its lines out unwrapped), and a leaf's are the lines `check` measures.
#[test]
fn labels_break_at_the_same_places_in_every_view() {
    use autochitect::model::style::sizes;
    use bevy_egui::egui;
    let ctx = egui::Context::default();
    let mut fonts = egui::FontDefinitions::empty();
    fonts.font_data.insert(
        "sans".into(),
        std::sync::Arc::new(egui::FontData::from_static(
            autochitect::model::glyphs::FONT_BYTES,
        )),
    );
    fonts
        .families
        .insert(egui::FontFamily::Proportional, vec!["sans".into()]);
    ctx.set_fonts(fonts);
    let _ = ctx.run_ui(egui::RawInput::default(), |_| {});
    let mut leaves = 0;
    for (_, _, d) in shipped() {
        let svg = autochitect::tools::export::svg(&d, None);
        for c in d.components() {
            let role = LabelRole::of_component(c);
            let font = role.font();
            let core = style::text_width(&c.label, font);
            let egui_width = ctx.fonts_mut(|f| {
                f.layout_no_wrap(
                    c.label.clone(),
                    egui::FontId::proportional(font),
                    egui::Color32::WHITE,
                )
                .rect
                .width()
            });
            // egui shapes the text (kerning pulls some pairs closer); the core adds plain
            // advances. So the core never measures a label narrower than the canvas sets
            // it (a label `check` passes never overflows), and never more than 4 % wider.
            assert!(
                core >= egui_width - 0.5 && core <= egui_width * 1.04 + 0.5,
                "`{}`: the core measures {core}, egui sets {egui_width}",
                c.label
            );
            if role == LabelRole::Leaf {
                leaves += 1;
            }
        }
        // Every view draws the core's figure: the SVG sets each label in exactly its lines.
        let figure = Figure::build(&d, &style::LIGHT, 1.0);
        for label in &figure.labels {
            let id = match &label.target {
                Target::Component(id) => format!("component-{id}"),
                Target::Link(id) => format!("link-{id}"),
            };
            let group = svg
                .split(&format!(r#"id="{id}""#))
                .nth(1)
                .and_then(|s| s.split("</g>").next())
                .unwrap_or_default();
            let spans: Vec<String> = group
                .split("<tspan")
                .skip(1)
                .filter_map(|t| Some(t.split_once('>')?.1.split_once("</tspan")?.0.to_owned()))
                .map(|t| t.replace("&amp;", "&"))
                .collect();
            assert_eq!(spans, label.lines, "`{id}` in the SVG");
            // A leaf's lines are the ones `check` measures.
            if let Target::Component(c) = &label.target
                && let Some(c) = d.component(c.as_str())
                && LabelRole::of_component(c) == LabelRole::Leaf
            {
                let font = LabelRole::Leaf.font();
                let lines = style::wrap(&c.label, font, c.rect.w - 2.0 * sizes::LABEL_PADDING);
                assert_eq!(label.lines, lines, "`{}`", c.id);
            }
        }
    }
    assert!(leaves > 40, "{leaves} leaves");
}

/// Every shipped diagram and a generated one, parsed.
fn figures_to_check() -> Vec<(String, Diagram)> {
    let mut out: Vec<(String, Diagram)> = shipped().into_iter().map(|(n, _, d)| (n, d)).collect();
    let text = generate(Shape {
        seed: 7,
        computers: 3,
        per_computer: 12,
        depth: 3,
        links: 10,
    });
    out.push((
        "generated".into(),
        parse_diagram("gen.ron", &text, &no_writeups()).unwrap_or_else(|e| panic!("{e}")),
    ));
    out
}

/// The figure holds every box, line and label once, in the order they are drawn: parents
/// before children, each box in its top-level ancestor's tile.
#[test]
fn the_figure_holds_every_part_once_in_drawing_order() {
    for (name, d) in figures_to_check() {
        let f = Figure::build(&d, &style::LIGHT, 1.0);
        assert_eq!(f.boxes.len(), d.components().len(), "{name}");
        assert_eq!(f.lines.len(), d.links().len(), "{name}");
        let named = d
            .components()
            .iter()
            .filter(|c| !c.label.trim().is_empty())
            .count()
            + d.links()
                .iter()
                .filter(|l| !l.label.trim().is_empty())
                .count();
        assert_eq!(f.labels.len(), named, "{name}");
        let at: std::collections::HashMap<_, _> = f
            .boxes
            .iter()
            .enumerate()
            .map(|(i, b)| (b.id.clone(), i))
            .collect();
        for (i, b) in f.boxes.iter().enumerate() {
            let c = d.component(b.id.as_str()).expect("a component");
            if let Some(p) = &c.parent {
                assert!(at[p] < i, "{name}: {} drawn before its parent", b.id);
            }
            let top = &f.boxes[b.top];
            assert_eq!(top.depth, 0, "{name}: {}", b.id);
            let mut up = c.parent.clone();
            while let Some(p) = up.clone().filter(|p| p != &top.id) {
                up = d.component(p.as_str()).and_then(|c| c.parent.clone());
            }
            assert!(
                b.top == i || up.as_ref() == Some(&top.id),
                "{name}: {}",
                b.id
            );
        }
        for l in &f.lines {
            let Target::Link(id) = &l.target else {
                panic!()
            };
            let link = d.link(id.as_str()).expect("a link");
            assert_eq!(l.points, link.path);
            assert_eq!(l.head.is_some(), link.directed, "{name}: {id}");
        }
    }
}

/// A box's label stays inside its box at every text size the app offers (set smaller again
/// where a box has no more room, never smaller than authored), and grows where there is room.
#[test]
fn every_label_sits_inside_its_box_at_every_text_size() {
    for (name, d) in figures_to_check() {
        for scale in [1.0, 1.25, 1.5, 2.0] {
            let f = Figure::build(&d, &style::LIGHT, scale);
            let mut grown = 0;
            for l in &f.labels {
                let Some(r) = l.within else { continue };
                let Target::Component(id) = &l.target else {
                    panic!()
                };
                let base = LabelRole::of_component(d.component(id.as_str()).expect("a box")).font();
                assert!(
                    l.font >= base - 1e-3 && l.font <= base * scale + 1e-3,
                    "{name} ×{scale}: `{id}` at {}",
                    l.font
                );
                grown += usize::from(l.font > base + 1e-3);
                let b = l.block;
                let inside = b.x >= r.x - 0.5
                    && b.y >= r.y - 0.5
                    && b.x + b.w <= r.x + r.w + 0.5
                    && b.y + b.h <= r.y + r.h + 0.5;
                assert!(inside, "{name} ×{scale}: `{id}` {b:?} outside {r:?}");
            }
            if scale > 1.0 {
                assert!(grown > 0, "{name} ×{scale}: no label grew");
            }
        }
    }
}

/// Emphasis fades every part it does not keep bright: the named part, what holds it and what
/// it holds stay; everything else fades, counted from the diagram.
#[test]
fn emphasis_fades_all_but_the_named_part_and_its_family() {
    let (_, _, d) = shipped()
        .into_iter()
        .find(|(n, _, _)| n.ends_with("two-computers.ron"))
        .expect("the default diagram");
    let mut f = Figure::build(&d, &style::LIGHT, 1.0);
    let named = d
        .components()
        .iter()
        .find(|c| c.depth == 1 && !c.children.is_empty())
        .expect("a container inside a computer");
    f.emphasise(&d, Some(&[Target::Component(named.id.clone())]));
    let family = |id: &autochitect::model::ComponentId| {
        let mut up = Some(id.clone());
        let mut in_line = false;
        while let Some(p) = up {
            in_line |= p == named.id;
            up = d.component(p.as_str()).and_then(|c| c.parent.clone());
        }
        // Inside the named part (or it), or holding it.
        in_line || named.parent.as_ref() == Some(id)
    };
    let bright = f.boxes.iter().filter(|b| !b.faded).count();
    let expected = d.components().iter().filter(|c| family(&c.id)).count();
    assert_eq!(bright, expected);
    assert!(bright < f.boxes.len());
    assert!(f.lines.iter().all(|l| l.faded), "no link was named");
    assert_eq!(
        f.labels.iter().filter(|l| !l.faded).count(),
        d.components()
            .iter()
            .filter(|c| family(&c.id) && !c.label.trim().is_empty())
            .count()
    );
    let faded = f.boxes.iter().find(|b| b.faded).expect("a faded box");
    assert_ne!(f.shown(faded.fill, true), faded.fill);
    f.emphasise(&d, None);
    assert!(f.boxes.iter().all(|b| !b.faded) && f.labels.iter().all(|l| !l.faded));
}

/// Every label of every figure, in every theme, reads at 4.5:1 (WCAG AA) against what it
/// sits on: a box's fill, or the background behind a link's label.
#[test]
fn every_figure_label_is_readable_in_every_theme() {
    let mut checked = 0;
    for theme in style::Theme::ALL {
        for (name, d) in figures_to_check() {
            let f = Figure::build(&d, theme.palette(), 1.0);
            for l in &f.labels {
                let ground = match &l.target {
                    Target::Component(id) => f.box_of(id).expect("its box").fill,
                    Target::Link(_) => {
                        assert!(l.backdrop, "{name}: a link label without a backdrop");
                        f.background
                    }
                };
                let ratio = style::contrast(l.color, ground);
                assert!(
                    ratio >= 4.5,
                    "{} {name}: `{}` at {ratio:.2}:1",
                    theme.name(),
                    l.text()
                );
                checked += 1;
            }
        }
    }
    assert!(checked > 100, "{checked}");
}
