//! The web site's static parts (`autochitect site`): the page's first paint and the write-ups
//! as plain pages.

use autochitect::tools::site::{body_html, write_site};

use crate::support::{TempDir, catalog, default_diagram, first_carried, repo};

#[test]
fn the_page_carries_the_diagram_with_every_part_linking_to_itself() {
    let dir = TempDir::new("site");
    let pages = write_site(&repo(), &dir.0).expect("site");
    assert_eq!(pages, catalog().len());
    let page = std::fs::read_to_string(dir.join("index.html")).expect("index.html");
    let svg_start = page.find("<svg").expect("an svg in the page");
    let svg_end = page.find("</svg>").expect("its end") + "</svg>".len();
    let svg = roxmltree::Document::parse(&page[svg_start..svg_end]).expect("well-formed svg");
    let diagram = default_diagram();
    let groups: Vec<_> = svg
        .descendants()
        .filter(|n| n.attribute("class") == Some("component"))
        .collect();
    assert_eq!(groups.len(), diagram.components().len());
    for c in diagram.components() {
        let href = format!("#/component/{}", c.id);
        let g = groups
            .iter()
            .find(|g| g.attribute("id") == Some(format!("component-{}", c.id).as_str()))
            .unwrap_or_else(|| panic!("no group for {}", c.id));
        let a = g
            .descendants()
            .find(|n| n.has_tag_name("a"))
            .expect("a link");
        assert_eq!(a.attribute("href"), Some(href.as_str()));
        assert_eq!(
            a.attribute("data-writeup"),
            c.writeup.as_ref().map(|s| s.as_str())
        );
    }
    // Framed as the app frames it: the whole diagram, and on a phone the first computer.
    let b = diagram.bounds();
    assert!(page.contains(&format!(r#"data-wide="{} {} {} {}""#, b.x, b.y, b.w, b.h)));
    assert!(page.contains("data-narrow="));
    // The fallback lists every write-up's plain page.
    for w in catalog().newest_first() {
        assert!(page.contains(&format!(r#"href="writeups/{}.html""#, w.slug)));
    }
    // The page carries what the diagram needs, to hand it to the app: the diagram, its tours,
    // the write-up index and metadata, each as the file the site serves at that address
    // (the site copies `assets/` and `diagrams/` as they are in the repository); no write-up
    // text. And it carries them after the figure, so they never hold the first paint back.
    let carried = first_carried(&page);
    assert_eq!(carried.len(), 3 + catalog().len(), "{:?}", carried.keys());
    for (address, text) in &carried {
        let file = std::fs::read_to_string(repo().join(address)).expect("a file the site serves");
        assert_eq!(text, &file, "{address} as the site serves it");
        assert!(!address.ends_with(".md"), "{address} is a write-up's text");
    }
    assert!(carried.contains_key("diagrams/two-computers.ron"));
    assert!(carried.contains_key("diagrams/tours/two-computers.ron"));
    let at = |needle: &str| page.find(needle).expect(needle);
    assert!(at(r#"id="first-files""#) > at(r#"id="first-paint""#));
}

#[test]
fn the_page_can_answer_a_click_on_any_part_before_the_app_is_ready() {
    let dir = TempDir::new("site-answers");
    write_site(&repo(), &dir.0).expect("site");
    let page = std::fs::read_to_string(dir.join("index.html")).expect("index.html");
    let diagram = default_diagram();
    let catalog = catalog();
    // Each template, parsed as the browser parses it.
    let template = |id: &str| {
        let open = format!(r#"<template id="answer-{id}""#);
        let start = page
            .find(&open)
            .unwrap_or_else(|| panic!("no answer for {id}"));
        let end = start + page[start..].find("</template>").expect("its end") + "</template>".len();
        page[start..end].to_owned()
    };
    let parts = diagram.components().len() + diagram.links().len();
    assert_eq!(
        page.matches(r#"<template id="answer-"#).count(),
        parts + catalog.len(),
        "one answer per part and per write-up"
    );
    for c in diagram.components() {
        let t = template(c.id.as_str());
        let doc = roxmltree::Document::parse(&t).expect("well-formed");
        let h2 = doc
            .descendants()
            .find(|n| n.has_tag_name("h2"))
            .expect("a heading");
        assert_eq!(h2.text(), Some(c.label.as_str()));
        let (_, place) = diagram
            .introduction(&autochitect::model::Target::Component(c.id.clone()))
            .expect("an introduction");
        assert!(t.contains(&place.replace('&', "&amp;")), "{t}");
        assert_eq!(
            doc.root_element().attribute("data-writeup"),
            c.writeup.as_ref().map(|s| s.as_str())
        );
        // A part without a write-up says so, in the app's words.
        assert_eq!(
            t.contains(autochitect::model::NO_WRITEUP),
            c.writeup.is_none(),
            "{t}"
        );
    }
    for w in catalog.newest_first() {
        let t = template(&format!("writeup-{}", w.slug));
        let doc = roxmltree::Document::parse(&t).expect("well-formed");
        let text = |tag: &str| {
            doc.descendants()
                .filter(|n| n.has_tag_name(tag))
                .map(|n| n.text().unwrap_or_default().to_owned())
                .collect::<Vec<_>>()
        };
        assert_eq!(text("h3"), vec![w.title.clone()]);
        assert!(t.contains(&format!(r#"href="writeups/{}.html""#, w.slug)));
        assert_eq!(
            text("th"),
            w.properties
                .iter()
                .map(|p| p.label.clone())
                .collect::<Vec<_>>()
        );
        assert_eq!(
            text("li").len(),
            w.tags.len() + w.related.len(),
            "{}",
            w.slug
        );
        // A related topic opens the part that explains it, as the app's button does.
        for r in &w.related {
            let href = match diagram.target_for_writeup(r) {
                Some(autochitect::model::Target::Component(id)) => format!("#/component/{id}"),
                Some(autochitect::model::Target::Link(id)) => format!("#/component/{id}"),
                None => format!("writeups/{r}.html"),
            };
            assert!(
                t.contains(&format!(r#"href="{href}""#)),
                "{}: {href}",
                w.slug
            );
        }
    }
    // The panel's size is the app's.
    assert!(page.contains(&format!(
        "#first-answer {{ width: {}px; }}",
        autochitect::model::style::SUMMARY_WIDTH_PX
    )));
}

#[test]
fn every_writeup_is_a_plain_page_with_links_that_work_without_the_app() {
    let dir = TempDir::new("site-pages");
    write_site(&repo(), &dir.0).expect("site");
    let catalog = catalog();
    for w in catalog.newest_first() {
        let page = std::fs::read_to_string(dir.join(format!("writeups/{}.html", w.slug)))
            .expect("a page per write-up");
        assert!(
            page.contains(&format!("<title>{}", w.title.replace('&', "&amp;"))),
            "{}",
            w.slug
        );
        assert!(
            page.contains(r#"href="../index.html#/writeup/"#),
            "{}",
            w.slug
        );
        // In-app links are rewritten: write-ups to their pages, parts into the app.
        assert!(
            !page.contains(r##"href="#/"##),
            "{}: an in-app link was left as it was",
            w.slug
        );
        for r in &w.related {
            assert!(page.contains(&format!(r#"href="{r}.html""#)), "{}", w.slug);
        }
        assert!(
            page.contains(r#"href="https://"#),
            "{}: sources link out",
            w.slug
        );
    }
    let index = std::fs::read_to_string(dir.join("writeups/index.html")).expect("index");
    assert_eq!(index.matches("<section>").count(), catalog.len());
}

#[test]
fn markdown_becomes_safe_html() {
    let html = body_html(
        "# T\n\n<span>x</span> <script>alert(1)</script>\n\n[a](#/writeup/sockets) [b](#/component/a-jit) [c](javascript:alert(1)) [d](https://example.com/)\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n```figure\n(title: \"Two boxes\", components: [(id: \"a\", label: \"A\", kind: Group), (id: \"b\", label: \"B\", kind: Group)], links: [(id: \"l\", from: \"a\", to: \"b\", label: \"then\", kind: Dataflow)])\n```\n",
        &Default::default(),
    );
    assert!(!html.contains("<script>"), "{html}");
    assert!(html.contains(r#"href="sockets.html""#), "{html}");
    assert!(
        html.contains(r#"href="../index.html#/component/a-jit""#),
        "{html}"
    );
    assert!(!html.contains("javascript:"), "{html}");
    assert!(html.contains(r#"href="https://example.com/""#), "{html}");
    assert!(html.contains(r#"<div class="table"><table>"#), "{html}");
    assert!(
        html.contains("<figure") && html.contains("<svg"),
        "a figure is drawn: {html}"
    );
    assert!(
        html.contains("<figcaption>Two boxes</figcaption>"),
        "{html}"
    );
}
