//! `autochitect site --out DIR`: the web build's static parts, written from the project.
//!
//! - `DIR/index.html`: the page (`web/index.html`) with the default diagram drawn into it as
//!   SVG, so it shows the moment the HTML arrives; its parts link to their deep links, so a
//!   click before the app is ready is not lost. Without WebGL2 the same figure stays, its parts
//!   linking to the write-up pages instead.
//! - `DIR/writeups/<slug>.html` and `DIR/writeups/index.html`: every write-up as a plain page
//!   (the same Markdown, the same links), readable without WebGL or JavaScript, each linking
//!   into the app at its part.

use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;

use std::collections::BTreeSet;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};

use super::export::{PartLinks, SvgOptions, svg_with, xml_escape};
use crate::model::markdown::FIGURE;
use crate::model::{
    Diagram, LinkAction, MISSING_WRITEUP, NO_WRITEUP, Route, Target, Writeup, WriteupCatalog,
    WriteupSlug, classify_link, paths, style,
};

/// Where the page template marks the first paint and the fallback list.
const FIRST_PAINT: &str = "<!-- first-paint -->";
const WRITEUP_LIST: &str = "<!-- writeup-list -->";
const FIRST_FILES: &str = "<!-- first-files -->";

/// Writes the page, the write-up pages and their index into `out`.
pub fn write_site(root: &Path, out: &Path) -> Result<usize, String> {
    let catalog = super::check::catalog(&root.join(paths::writeup_dir()))
        .map_err(|d| format!("the write-ups have errors:\n{d}"))?;
    let diagram_path = root.join(paths::DIAGRAM_DIR).join(paths::DEFAULT_DIAGRAM);
    let text = std::fs::read_to_string(&diagram_path)
        .map_err(|e| format!("{}: {e}", diagram_path.display()))?;
    let diagram =
        crate::model::parse_diagram(&diagram_path.display().to_string(), &text, &catalog.slugs())
            .map_err(|d| d.to_string())?;
    let template_path = root.join("web/index.html");
    let template = std::fs::read_to_string(&template_path)
        .map_err(|e| format!("{}: {e}", template_path.display()))?;
    let tours = Path::new(paths::DIAGRAM_DIR).join(paths::tours_file(paths::DEFAULT_DIAGRAM));
    let first = first_files(&catalog, root.join(&tours).is_file());
    let page = index_page(&template, &diagram, &catalog)?
        .replace(FIRST_FILES, &first_files_element(root, &first)?);
    let pages_dir = out.join(paths::WRITEUP_DIR);
    std::fs::create_dir_all(&pages_dir).map_err(|e| format!("{}: {e}", pages_dir.display()))?;
    let write =
        |p: &Path, text: &str| std::fs::write(p, text).map_err(|e| format!("{}: {e}", p.display()));
    write(&out.join("index.html"), &page)?;
    let all = catalog.newest_first();
    for w in &all {
        let part = diagram.target_for_writeup(&w.slug);
        write(
            &pages_dir.join(format!("{}.html", w.slug)),
            &writeup_page(w, &catalog, part.as_ref()),
        )?;
    }
    write(&pages_dir.join("index.html"), &writeup_index_page(&catalog))?;
    Ok(all.len())
}

/// The files the app reads before it can show the diagram, as the page's relative URLs: the
/// default diagram, its tours, the write-up index and every write-up's metadata (the
/// write-ups' text follows once the diagram is up).
fn first_files(catalog: &WriteupCatalog, with_tours: bool) -> Vec<String> {
    let mut files = vec![format!("{}/{}", paths::DIAGRAM_DIR, paths::DEFAULT_DIAGRAM)];
    if with_tours {
        files.push(format!(
            "{}/{}",
            paths::DIAGRAM_DIR,
            paths::tours_file(paths::DEFAULT_DIAGRAM)
        ));
    }
    let writeups = paths::writeup_dir();
    files.push(format!("{writeups}/{}", paths::INDEX_FILE));
    for w in catalog.newest_first() {
        files.push(format!(
            "{writeups}/{}",
            paths::writeup_meta_file(w.slug.as_str())
        ));
    }
    files
}

/// The first files' texts, carried by the page itself (`<script type="application/json"
/// id="first-files">`, address → text) for the app to take at start (`HandedFiles`): the first
/// model needs no request and no wait, and can be on the first frame. In the page they cost
/// less than fetched one by one: no request each, and compressed with the page, whose
/// summaries already hold much of the write-ups' metadata. The element comes after the first
/// paint's figure, so it does not hold the figure back.
fn first_files_element(root: &Path, files: &[String]) -> Result<String, String> {
    let mut texts = serde_json::Map::new();
    for address in files {
        let path = root.join(address);
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        texts.insert(address.clone(), serde_json::Value::String(text));
    }
    // JSON is JavaScript's; `<` escaped, so no text can end the element.
    let json = serde_json::Value::Object(texts)
        .to_string()
        .replace('<', "\\u003c");
    Ok(format!(
        "<script type=\"application/json\" id=\"first-files\">{json}</script>"
    ))
}

/// Runs `autochitect site`.
pub fn run(root: &Path, out: &Path) -> ExitCode {
    match write_site(root, out) {
        Ok(n) => {
            eprintln!(
                "site: {} and {n} write-up page(s)",
                out.join("index.html").display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("autochitect site: {e}");
            ExitCode::from(1)
        }
    }
}

/// The page with its first paint and its fallback list filled in.
pub fn index_page(
    template: &str,
    diagram: &Diagram,
    catalog: &WriteupCatalog,
) -> Result<String, String> {
    for mark in [FIRST_PAINT, WRITEUP_LIST] {
        if !template.contains(mark) {
            return Err(format!("the page template has no `{mark}`"));
        }
    }
    let figure = svg_with(
        diagram,
        Some(catalog),
        &SvgOptions {
            margin: 0.0,
            links: PartLinks::Parts,
            fixed_size: false,
        },
    );
    // On a narrow screen the app frames the first computer at a readable size; the page frames
    // it the same way (`narrow_frame` with an unbounded room gives the whole first computer;
    // the page's script cuts it to the room it has, as the app does).
    let narrow =
        crate::model::narrow_frame(diagram, (f32::MAX, f32::MAX)).map_or(String::new(), |r| {
            format!(
                r#" data-narrow="{} {} {} {}" data-narrow-below="{}" data-units-per-px="{}""#,
                r.x,
                r.y,
                r.w,
                r.h,
                style::NARROW_SCREEN_PX,
                style::sizes::LEAF_FONT / style::MIN_READABLE_PX
            )
        });
    let b = diagram.bounds();
    let paint = format!(
        r#"<div id="first-paint" data-wide="{} {} {} {}"{narrow} style="--fit-margin: {}px">{figure}</div>"#,
        b.x,
        b.y,
        b.w,
        b.h,
        style::FIT_MARGIN_PX
    );
    let mut list = String::from("<ul>\n");
    for w in catalog.newest_first() {
        let _ = writeln!(
            list,
            r#"<li><a href="{}/{}.html">{}</a> — {}</li>"#,
            paths::WRITEUP_DIR,
            w.slug,
            xml_escape(&w.title),
            xml_escape(&w.summary)
        );
    }
    list.push_str("</ul>");
    let (answer_style, answers) = first_answers(diagram, catalog);
    Ok(template
        .replacen("</head>", &format!("{answer_style}</head>"), 1)
        .replace(FIRST_PAINT, &format!("{paint}\n{answers}"))
        .replace(WRITEUP_LIST, &list))
}

/// What the page answers when a part of its figure is clicked, tapped or chosen with Enter
/// before the app is ready: the summary the app's panel shows, one `<template>` per part (its
/// name, kind and place, description) and one per write-up (title, a way into the plain page,
/// date, tags, summary, key properties, related topics), and the panel's size and the phone's
/// sheet from the app's own constants, and the chosen part's ring as the app draws it (its
/// colour, outside the box's edge: a stroke twice as wide, under the fill). The page's script
/// puts them together in `#first-answer`. Returns the style (for the head) and the templates.
fn first_answers(diagram: &Diagram, catalog: &WriteupCatalog) -> (String, String) {
    let css = format!(
        "<style>#first-answer {{ width: {}px; }} @media (max-width: {}px) {{ #first-answer {{ top: auto; left: 0; width: auto; height: {}vh; border-left: 0; border-top: 1px solid #dcdcdc; }} }} #first-paint a.selected > rect {{ stroke: {}; stroke-width: {}; paint-order: stroke; }}</style>\n",
        style::SUMMARY_WIDTH_PX,
        style::NARROW_SCREEN_PX - 1.0,
        style::SHEET_SHARE * 100.0,
        style::SELECTED.hex(),
        2.0 * style::SELECTED_RING
    );
    let mut s = String::new();
    let parts = (diagram.components().iter())
        .map(|c| Target::Component(c.id.clone()))
        .chain(diagram.links().iter().map(|l| Target::Link(l.id.clone())));
    for target in parts {
        let Some((label, place)) = diagram.introduction(&target) else {
            continue;
        };
        // A part with a write-up names it (the page's script adds the write-up's template);
        // one without says so, in the app's words.
        let writeup = diagram.writeup_of(&target);
        let data = writeup
            .filter(|w| catalog.get(w).is_some())
            .map_or(String::new(), |w| {
                format!(r#" data-writeup="{}""#, xml_escape(w.as_str()))
            });
        let _ = write!(
            s,
            r#"<template id="answer-{}"{data}><h2>{}</h2><p class="weak">{}</p>"#,
            xml_escape(target.id()),
            xml_escape(label),
            xml_escape(&place)
        );
        if let Some(d) = diagram.description_of(&target) {
            let _ = write!(s, "<p>{}</p>", xml_escape(d));
        }
        if data.is_empty() {
            let missing = if writeup.is_some() {
                MISSING_WRITEUP
            } else {
                NO_WRITEUP
            };
            let _ = write!(s, r#"<hr><p class="weak"><em>{missing}</em></p>"#);
        }
        let _ = writeln!(s, "</template>");
    }
    for w in catalog.newest_first() {
        let _ = write!(
            s,
            r#"<template id="answer-writeup-{slug}"><h3>{title}</h3><a class="read" href="{dir}/{slug}.html">Read write-up →</a><p class="weak">{date}</p><ul class="tags">"#,
            slug = xml_escape(w.slug.as_str()),
            title = xml_escape(&w.title),
            dir = paths::WRITEUP_DIR,
            date = xml_escape(&w.date.long()),
        );
        for t in &w.tags {
            let _ = write!(s, "<li>{}</li>", xml_escape(t));
        }
        let _ = write!(
            s,
            r#"</ul><p>{}</p><h4>Key properties</h4><table>"#,
            xml_escape(&w.summary)
        );
        for p in &w.properties {
            let _ = write!(
                s,
                r#"<tr><th scope="row">{}</th><td>{}</td></tr>"#,
                xml_escape(&p.label),
                xml_escape(&p.value)
            );
        }
        s.push_str("</table>");
        if !w.related.is_empty() {
            s.push_str(r#"<h4>Related topics</h4><ul class="related">"#);
            for slug in &w.related {
                let title = catalog
                    .get(slug)
                    .map_or(slug.as_str(), |r| r.title.as_str());
                // As in the app, a related topic selects the part that explains it.
                let href = match diagram.target_for_writeup(slug) {
                    Some(t) => Route::Component(t.id().to_string()).to_hash(),
                    None => format!("{}/{slug}.html", paths::WRITEUP_DIR),
                };
                let _ = write!(
                    s,
                    r#"<li><a href="{}">{}</a></li>"#,
                    xml_escape(&href),
                    xml_escape(title)
                );
            }
            s.push_str("</ul>");
        }
        let _ = writeln!(s, "</template>");
    }
    (css, s)
}

/// The shared look of the plain pages: a readable measure, code and tables that scroll
/// sideways inside their own frame, light and dark.
fn page_head(title: &str, description: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} · autochitect</title>
<meta name="description" content="{description}">
<link rel="icon" href="data:,">
<style>
  :root {{ color-scheme: light dark; --bg: {bg}; --text: {text}; --muted: #4a5363; --accent: #2a5db0; --line: #d5dae3; --code: #eef1f5; }}
  @media (prefers-color-scheme: dark) {{ :root {{ --bg: #14171c; --text: #e6e9ef; --muted: #a9b1bf; --accent: #8ab4ff; --line: #333a45; --code: #1f242c; }} }}
  html {{ background: var(--bg); color: var(--text); }}
  body {{ font: 17px/1.6 "DejaVu Sans", system-ui, sans-serif; max-width: 44rem; margin: 0 auto; padding: 1.5rem 1.1rem 4rem; }}
  a {{ color: var(--accent); }}
  nav {{ display: flex; gap: 1rem; flex-wrap: wrap; font-size: 0.95rem; margin-bottom: 1.5rem; }}
  .meta {{ color: var(--muted); font-size: 0.95rem; }}
  .tags span {{ display: inline-block; border: 1px solid var(--line); border-radius: 6px; padding: 0 .4rem; margin-right: .3rem; font-size: .85rem; }}
  pre {{ background: var(--code); padding: .8rem 1rem; overflow-x: auto; border-radius: 6px; line-height: 1.4; }}
  code {{ font-family: "DejaVu Sans Mono", ui-monospace, monospace; font-size: .9em; }}
  pre code {{ white-space: pre; }}
  .table {{ overflow-x: auto; }}
  table {{ border-collapse: collapse; }}
  th, td {{ border: 1px solid var(--line); padding: .3rem .6rem; text-align: left; vertical-align: top; }}
  dl.properties {{ display: grid; grid-template-columns: max-content 1fr; gap: .2rem 1rem; }}
  dl.properties dt {{ font-weight: bold; }}
  dl.properties dd {{ margin: 0; }}
  li {{ margin: .2rem 0; }}
  figure {{ margin: 1rem 0; }}
  figure svg {{ max-width: 100%; height: auto; display: block; }}
  figcaption {{ color: var(--muted); font-size: .9rem; margin-top: .3rem; }}
</style>
</head>
<body>
"#,
        title = xml_escape(title),
        description = xml_escape(description),
        bg = style::BACKGROUND.hex(),
        text = style::TEXT.hex(),
    )
}

/// Where an in-app link goes from a plain write-up page.
fn page_href(url: &str) -> Option<String> {
    match classify_link(url) {
        LinkAction::InApp(Route::Writeup(slug)) => Some(format!("{slug}.html")),
        LinkAction::InApp(route) => Some(format!("../index.html{}", route.to_hash())),
        LinkAction::External(u) => Some(u),
        LinkAction::Refused { .. } => None,
    }
}

/// A write-up's Markdown as HTML: links rewritten for the plain pages, raw HTML shown as text,
/// tables wrapped so they scroll inside their own frame, figures drawn as SVG (their parts may
/// link to the write-ups in `slugs`).
pub fn body_html(markdown: &str, slugs: &BTreeSet<WriteupSlug>) -> String {
    // Raw HTML is not part of the format: it is shown as text. Links are rewritten.
    let events = Parser::new_ext(markdown, Options::ENABLE_TABLES).map(|e| match e {
        Event::Start(Tag::Link {
            link_type,
            dest_url,
            title,
            id,
        }) => Event::Start(Tag::Link {
            link_type,
            dest_url: CowStr::from(page_href(&dest_url).unwrap_or_default()),
            title,
            id,
        }),
        Event::Html(h) | Event::InlineHtml(h) => Event::Text(h),
        other => other,
    });
    // A figure's source is collected, then drawn in its place.
    let mut in_figure: Option<String> = None;
    let events = events.filter_map(|e| {
        if let Some(src) = in_figure.as_mut() {
            return match e {
                Event::Text(t) => {
                    src.push_str(&t);
                    None
                }
                Event::End(TagEnd::CodeBlock) => {
                    let src = in_figure.take().unwrap_or_default();
                    Some(match crate::model::parse_diagram("figure", &src, slugs) {
                        Ok(d) => Event::Html(CowStr::from(figure_html(&d))),
                        Err(_) => Event::Html(CowStr::from(format!(
                            "<pre><code>{}</code></pre>",
                            xml_escape(&src)
                        ))),
                    })
                }
                _ => None,
            };
        }
        if let Event::Start(Tag::CodeBlock(CodeBlockKind::Fenced(info))) = &e
            && info.split_whitespace().next() == Some(FIGURE)
        {
            in_figure = Some(String::new());
            return None;
        }
        Some(e)
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    // A corner cell with no words is a data cell, not a header (a header names its column).
    html.replace("<table>", r#"<div class="table"><table>"#)
        .replace("</table>", "</table></div>")
        .replace("<th></th>", "<td></td>")
}

/// A figure as it appears in a plain page: an SVG with its title as a caption.
fn figure_html(figure: &Diagram) -> String {
    let svg = svg_with(
        figure,
        None,
        &SvgOptions {
            margin: 4.0,
            links: PartLinks::Pages,
            fixed_size: true,
        },
    );
    format!(
        // A figure, not an image: its parts are links a reader reaches one by one.
        r#"<figure>{svg}<figcaption>{}</figcaption></figure>"#,
        xml_escape(&figure.title)
    )
}

/// One write-up as a plain page.
pub fn writeup_page(w: &Writeup, catalog: &WriteupCatalog, part: Option<&Target>) -> String {
    let mut s = page_head(&w.title, &w.summary);
    let open = match part {
        Some(t) => Route::Component(t.id().to_string()).to_hash(),
        None => Route::Writeup(w.slug.to_string()).to_hash(),
    };
    let _ = writeln!(
        s,
        r#"<header><nav aria-label="Site"><a href="../index.html{}">Open in the explorer</a><a href="index.html">All write-ups</a></nav></header>
<main>"#,
        Route::Writeup(w.slug.to_string()).to_hash()
    );
    let _ = writeln!(
        s,
        r#"<p class="meta">{} · <span class="tags">{}</span></p>"#,
        xml_escape(&w.date.long()),
        w.tags
            .iter()
            .map(|t| format!("<span>{}</span>", xml_escape(t)))
            .collect::<String>()
    );
    let _ = writeln!(s, r#"<p><em>{}</em></p>"#, xml_escape(&w.summary));
    s.push_str("<dl class=\"properties\">\n");
    for p in &w.properties {
        let _ = writeln!(
            s,
            "<dt>{}</dt><dd>{}</dd>",
            xml_escape(&p.label),
            xml_escape(&p.value)
        );
    }
    s.push_str("</dl>\n");
    let _ = writeln!(
        s,
        r#"<p><a href="../index.html{open}">See it in the diagram →</a></p>"#
    );
    s.push_str("<article>\n");
    // `check` read every body; one that could not be read stopped the build before this.
    if let Some(body) = w.body.ready() {
        s.push_str(&body_html(&body.text, &catalog.slugs()));
    }
    s.push_str("</article>\n");
    if !w.related.is_empty() {
        s.push_str("<h2>Related topics</h2>\n<ul>\n");
        for r in &w.related {
            let title = catalog.get(r).map_or(r.to_string(), |r| r.title.clone());
            let _ = writeln!(
                s,
                r#"<li><a href="{r}.html">{}</a></li>"#,
                xml_escape(&title)
            );
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</main>\n</body>\n</html>\n");
    s
}

/// The list of write-ups, newest first, as a plain page.
pub fn writeup_index_page(catalog: &WriteupCatalog) -> String {
    let mut s = page_head(
        "All write-ups",
        "How computers and distributed systems work, one part at a time.",
    );
    s.push_str(
        r#"<header><nav aria-label="Site"><a href="../index.html">Open the explorer</a></nav></header>"#,
    );
    s.push_str("\n<main>\n<h1>All write-ups</h1>\n");
    for w in catalog.newest_first() {
        let _ = writeln!(
            s,
            r#"<section><p class="meta">{}</p><h2><a href="{}.html">{}</a></h2><p>{}</p></section>"#,
            xml_escape(&w.date.long()),
            w.slug,
            xml_escape(&w.title),
            xml_escape(&w.summary)
        );
    }
    s.push_str("</main>\n</body>\n</html>\n");
    s
}
