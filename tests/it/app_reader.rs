//! The reader: every shipped write-up laid out at three widths with nothing cut off or
//! wrapped, find, the outline of sections, links to parts, and the previous and next write-up.

use autochitect::app::state::{Intent, Reader, ReaderFind, ReaderLayout, UiInsets};
use autochitect::model::WriteupSlug;
use bevy::prelude::*;

use crate::support::*;

fn open(app: &mut App, slug: &WriteupSlug) {
    app.world_mut()
        .write_message(Intent::ShowTopic(slug.clone()));
    app.world_mut()
        .write_message(Intent::OpenWriteup(slug.clone()));
    run_frames(app, 3);
}

fn layout(app: &App) -> ReaderLayout {
    app.world().resource::<ReaderLayout>().clone()
}

#[test]
fn every_writeup_reads_without_anything_cut_off_at_three_widths() {
    let catalog = catalog();
    // A phone (the reader takes the whole screen), the default panel, and a panel a person
    // has dragged wider.
    for (window, reader) in [(360.0, 360.0), (1280.0, 620.0), (1400.0, 900.0)] {
        let mut app = app_with_ui();
        resize_window(&mut app, window, 800.0);
        let first = catalog.newest_first()[0].slug.clone();
        open(&mut app, &first);
        let panel = app.world().resource::<UiInsets>().right;
        if (panel - reader).abs() > 1.0 {
            // Drag the panel's edge, as a person widens it.
            let edge = window - panel;
            drag(
                &mut app,
                Vec2::new(edge, 400.0),
                Vec2::new(window - reader, 400.0),
                8,
            );
            run_frames(&mut app, 2);
        }
        let panel = app.world().resource::<UiInsets>().right;
        assert!(
            (panel - reader).abs() <= 2.0,
            "reader {panel} px wide, wanted {reader}"
        );
        for w in catalog.newest_first() {
            open(&mut app, &w.slug);
            let l = layout(&app);
            assert_eq!(l.slug.as_ref(), Some(&w.slug));
            let at = format!("{} at {reader} px", w.slug);
            assert!(
                l.column.1 <= l.panel_right + 0.5,
                "{at}: the column {:?} passes the panel's edge {}",
                l.column,
                l.panel_right
            );
            // About 60 to 80 characters of body text at DejaVu Sans's average glyph width.
            let chars = (l.column.1 - l.column.0) / (15.0 * 0.56);
            assert!(
                chars <= 85.0,
                "{at}: a column of about {chars:.0} characters"
            );
            assert!(
                l.text_right <= l.column.1 + 1.0,
                "{at}: text reaches {} beyond the column's {}",
                l.text_right,
                l.column.1
            );
            for (lines, rows) in &l.code {
                assert_eq!(
                    lines, rows,
                    "{at}: a code block of {lines} lines was wrapped onto {rows} rows"
                );
            }
            assert!(l.headings >= 4, "{at}: {} headings", l.headings);
        }
    }
}

#[test]
fn ctrl_f_finds_and_highlights_in_the_open_writeup() {
    let mut app = app_with_ui();
    open(&mut app, &WriteupSlug::new("raft-protocol"));
    press_with(&mut app, KeyCode::ControlLeft, KeyCode::KeyF);
    run_frames(&mut app, 1);
    assert!(app.world().resource::<ReaderFind>().open);
    type_text(&mut app, "leader");
    run_frames(&mut app, 2);
    let find = app.world().resource::<ReaderFind>().clone();
    assert_eq!(find.query, "leader");
    let expected = model(&app)
        .writeups
        .get_str("raft-protocol")
        .map(|w| body(w).to_lowercase().matches("leader").count())
        .unwrap_or(0);
    assert!(
        find.total >= expected / 2 && find.total > 10,
        "{} matches drawn, {expected} in the text",
        find.total
    );
    press_key(&mut app, KeyCode::Enter);
    run_frames(&mut app, 1);
    assert_eq!(app.world().resource::<ReaderFind>().current, 1);
    press_key(&mut app, KeyCode::Escape);
    run_frames(&mut app, 1);
    assert!(!app.world().resource::<ReaderFind>().open);
    assert!(
        app.world().resource::<Reader>().open.is_some(),
        "Esc closed the find, not the write-up"
    );
}

#[test]
fn the_outline_jumps_to_a_section() {
    let mut app = app_with_ui();
    open(&mut app, &WriteupSlug::new("sockets"));
    let last = "Further reading";
    let heading = |app: &App| {
        autochitect::app::headless::widget_with_role(app, "Heading", last).expect("the heading")
    };
    assert!(
        !heading(&app).visible,
        "the last section starts out of view"
    );
    click_widget(&mut app, "Sections ▾");
    click_widget(&mut app, last);
    run_frames(&mut app, 2);
    assert!(
        heading(&app).visible,
        "the outline scrolled to it: {:?}",
        heading(&app)
    );
}

#[test]
fn a_part_named_in_a_writeup_is_a_link_that_selects_it() {
    let mut app = app_with_ui();
    open(&mut app, &WriteupSlug::new("jit-compilation"));
    // Scroll to the section that names the parts, and click the first part it links.
    click_widget(&mut app, "Sections ▾");
    click_widget(&mut app, "Where it lives in the diagram");
    run_frames(&mut app, 2);
    let (text, url, r) = layout(&app)
        .links
        .into_iter()
        .find(|(_, url, r)| url.starts_with("#/component/") && r[1] > 60.0 && r[3] < 780.0)
        .expect("a part link on screen");
    let id = url.trim_start_matches("#/component/").to_owned();
    click_at(
        &mut app,
        Vec2::new((r[0] + r[2]) / 2.0, (r[1] + r[3]) / 2.0),
    );
    run_frames(&mut app, 1);
    let target = model(&app).diagram.target_by_id(&id);
    assert!(target.is_some(), "{id} is a part of the diagram");
    assert_eq!(selected(&app), target, "clicking {text:?}");
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(WriteupSlug::new("jit-compilation")),
        "the write-up stays open"
    );
    // The link is named by the part's label, not its id.
    assert!(!text.contains(&id), "{text:?} names the part by its id");
}

#[test]
fn previous_and_next_follow_the_index() {
    let mut app = app_with_ui();
    let order = catalog()
        .newest_first()
        .iter()
        .map(|w| (w.slug.clone(), w.title.clone()))
        .collect::<Vec<_>>();
    open(&mut app, &order[1].0);
    click_widget(&mut app, &format!("{} →", order[2].1));
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(order[2].0.clone())
    );
    click_widget(&mut app, &format!("← {}", order[1].1));
    assert_eq!(
        app.world().resource::<Reader>().open,
        Some(order[1].0.clone())
    );
}

#[test]
fn a_code_blocks_copy_button_copies_the_whole_block() {
    let mut app = app_with_ui();
    open(&mut app, &WriteupSlug::new("jit-compilation"));
    scroll_into_view(&mut app, "Copy");
    let at = widget(&app, "Copy").rect.center();
    click_at(&mut app, at);
    let got = copied(&mut app).expect("something was copied");
    let model = model(&app);
    let text = body(model.writeups.get_str("jit-compilation").expect("jit"));
    let blocks: Vec<&str> = text
        .split("```")
        .skip(1)
        .step_by(2)
        .map(|b| b.split_once('\n').map_or("", |(_, code)| code))
        .collect();
    assert!(
        blocks.iter().any(|b| b.trim_end() == got.trim_end()),
        "the clipboard has {:?}, not a whole code block",
        &got[..got.len().min(60)]
    );
}

#[test]
fn selected_text_is_copied_by_a_fast_ctrl_c() {
    let mut app = app_with_ui();
    open(&mut app, &WriteupSlug::new("jit-compilation"));
    // A line of the first paragraph: drag across it to select, then Ctrl+C as a fast typist
    // presses it (every key event in one frame).
    let line = {
        let widgets = app
            .world()
            .resource::<autochitect::app::headless::Widgets>();
        let reader_left = widget(&app, "Sections ▾").rect.min.x - 40.0;
        widgets
            .nodes
            .iter()
            .find(|w| w.role == "TextRun" && w.rect.min.x > reader_left && w.label.len() > 30)
            .cloned()
            .expect("a line of text in the reader")
    };
    let from = Vec2::new(line.rect.min.x + 2.0, line.rect.center().y);
    drag(&mut app, from, Vec2::new(line.rect.max.x - 2.0, from.y), 4);
    press_with(&mut app, KeyCode::ControlLeft, KeyCode::KeyC);
    let got = copied(&mut app).expect("Ctrl+C copied the selection");
    assert!(
        got.trim().len() >= 10 && line.label.contains(got.trim()),
        "copied {got:?} from the line {:?}",
        line.label
    );
}
