//! The web site's static parts (`autochitect site`): the page's first paint and the write-ups
//! as plain pages.

use autochitect::tools::site::{body_html, write_site};

use crate::support::{TempDir, catalog, default_diagram, repo};

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
    // The browser fetches what the diagram needs while the app compiles: the diagram, its
    // tours, the write-up index and metadata, each a file the site serves; no write-up text.
    let preloaded: Vec<&str> = page
        .split(r#"<link rel="preload" href=""#)
        .skip(1)
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert_eq!(preloaded.len(), 3 + catalog().len(), "{preloaded:?}");
    for file in &preloaded {
        // The site copies `assets/` and `diagrams/` as they are in the repository.
        assert!(repo().join(file).is_file(), "{file} exists");
        assert!(!file.ends_with(".md"), "{file} is a write-up's text");
    }
    assert!(preloaded.contains(&"diagrams/two-computers.ron"));
    assert!(preloaded.contains(&"diagrams/tours/two-computers.ron"));
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
