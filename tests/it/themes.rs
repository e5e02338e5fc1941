//! The themes' colours, held to WCAG 2: every text the canvas, the panels, the reader and its
//! figures draw, against what it sits on, and every border, line and highlight, in every theme a
//! user can end up in (light, dark, high contrast, and the system's, which resolves to one of
//! them). Contrast ratios are computed from the palettes and from the egui visuals the app
//! builds from them, so a colour egui picks on its own is measured too.

use autochitect::app::state::{Preferences, SystemLook, ThemeChoice};
use autochitect::app::theme::Look;
use autochitect::model::style::{Rgb, Theme, contrast};
use bevy_egui::egui;

/// Text asks 4.5:1 (WCAG AA); the parts of a figure and the highlights 3:1 (non-text contrast).
#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    Text,
    Part,
}

impl Kind {
    fn need(self) -> f32 {
        match self {
            Kind::Text => 4.5,
            Kind::Part => 3.0,
        }
    }
}

/// One colour drawn on another, and what the pair is.
struct Pair {
    what: String,
    kind: Kind,
    fg: Rgb,
    bg: Rgb,
}

impl Pair {
    fn ratio(&self) -> f32 {
        contrast(self.fg, self.bg)
    }
}

/// An egui colour as it shows on `ground`: egui's colours are premultiplied, so a translucent one
/// (egui's own weak text, say) is composited over what it sits on before it is measured.
fn over(c: egui::Color32, ground: Rgb) -> Rgb {
    let keep = 1.0 - f32::from(c.a()) / 255.0;
    let mix = |fg: u8, bg: u8| (f32::from(fg) + f32::from(bg) * keep).round().min(255.0) as u8;
    Rgb(
        mix(c.r(), ground.0),
        mix(c.g(), ground.1),
        mix(c.b(), ground.2),
    )
}

fn opaque(c: egui::Color32) -> Rgb {
    over(c, Rgb(0, 0, 0))
}

/// Every theme a user can end up in: each one chosen from the menu, and "the system's" under
/// each look a system can ask for.
fn themes() -> Vec<(String, Theme)> {
    let mut out: Vec<(String, Theme)> = Theme::ALL
        .iter()
        .map(|t| (t.name().to_owned(), *t))
        .collect();
    let auto = Preferences {
        theme: ThemeChoice::Auto,
        ..Preferences::default()
    };
    for (asks, dark, high_contrast) in [
        ("light", false, false),
        ("dark", true, false),
        ("more contrast", false, true),
    ] {
        let theme = auto.theme(&SystemLook {
            dark,
            high_contrast,
        });
        out.push((format!("System ({asks}: {})", theme.name()), theme));
    }
    out
}

/// Every pair a reader has to tell apart in one theme.
fn pairs(theme: Theme) -> Vec<Pair> {
    let look = Look::of(theme);
    let p = look.palette;
    let v = look.visuals();
    let mut out = Vec::new();
    let mut add =
        |what: String, kind: Kind, fg: Rgb, bg: Rgb| out.push(Pair { what, kind, fg, bg });

    // The canvas: box text and link labels (and the packet's label, on a backdrop of the
    // background) on the background and on every box, which a link label may cross.
    let grounds: Vec<(String, Rgb)> =
        std::iter::once(("canvas background".to_owned(), p.background))
            .chain(
                p.fills
                    .iter()
                    .enumerate()
                    .map(|(i, f)| (format!("fill {i}"), *f)),
            )
            .collect();
    for (name, ground) in &grounds {
        add(format!("box text on {name}"), Kind::Text, p.text, *ground);
        add(
            format!("link label on {name}"),
            Kind::Text,
            p.link_text,
            *ground,
        );
        add(format!("border on {name}"), Kind::Part, p.border, *ground);
        add(format!("hover on {name}"), Kind::Part, p.hover, *ground);
        add(
            format!("selection on {name}"),
            Kind::Part,
            p.selected,
            *ground,
        );
    }
    for (i, l) in p.links.iter().enumerate() {
        add(
            format!("line {i} on canvas background"),
            Kind::Part,
            *l,
            p.background,
        );
    }

    // The reader's figures: the same palette, drawn on the panel (box text sits on the fills,
    // measured above).
    let panel = opaque(v.panel_fill);
    add(
        "figure's link label on panel".into(),
        Kind::Text,
        p.link_text,
        panel,
    );
    add(
        "figure's border on panel".into(),
        Kind::Part,
        p.border,
        panel,
    );
    add("figure's hover on panel".into(), Kind::Part, p.hover, panel);
    for (i, l) in p.links.iter().enumerate() {
        add(format!("figure's line {i} on panel"), Kind::Part, *l, panel);
    }

    // The panels, with egui's colours: running, strong, muted and link text on the panels, the
    // windows (tooltips, the problems), and the stripes of a table.
    let text = |ground: Rgb| {
        [
            ("text", v.text_color()),
            ("strong text", v.strong_text_color()),
            ("muted text", v.weak_text_color()),
            ("link", v.hyperlink_color),
        ]
        .map(|(name, c)| (name, over(c, ground)))
    };
    let window = opaque(v.window_fill);
    let stripe = over(v.faint_bg_color, panel);
    for (ground_name, ground) in [
        ("panel", panel),
        ("window", window),
        ("table stripe", stripe),
    ] {
        for (name, c) in text(ground) {
            add(format!("{name} on {ground_name}"), Kind::Text, c, ground);
        }
    }
    add(
        "warning on panel".into(),
        Kind::Text,
        opaque(v.warn_fg_color),
        panel,
    );
    add(
        "error on window".into(),
        Kind::Text,
        opaque(v.error_fg_color),
        window,
    );
    // Code: inline (text, strong or a link on egui's code colour), and code blocks and text
    // fields (code, a language's name, a hint).
    let inline = over(v.code_bg_color, panel);
    for (name, c) in text(inline) {
        if name != "muted text" {
            add(format!("{name} on inline code"), Kind::Text, c, inline);
        }
    }
    let well = opaque(v.text_edit_bg_color());
    for (name, c) in text(well) {
        if name == "text" || name == "muted text" {
            add(format!("{name} on code block"), Kind::Text, c, well);
        }
    }
    // Straight on the canvas: "Loading the diagram…", the presenter's clock.
    for (name, c) in text(p.background) {
        if name == "text" || name == "muted text" {
            add(
                format!("{name} on canvas background"),
                Kind::Text,
                c,
                p.background,
            );
        }
    }
    // Buttons in each state (their own text, and strong text such as "Next ▶"); a toggle
    // nobody points at has no frame; a chosen toggle, and selected text.
    let w = &v.widgets;
    for (name, state) in [
        ("button", &w.inactive),
        ("button under the pointer", &w.hovered),
        ("button being pressed", &w.active),
        ("open menu's button", &w.open),
    ] {
        let ground = opaque(state.weak_bg_fill);
        add(
            format!("{name}'s text"),
            Kind::Text,
            over(state.text_color(), ground),
            ground,
        );
        add(
            format!("strong text on {name}"),
            Kind::Text,
            over(v.strong_text_color(), ground),
            ground,
        );
    }
    add(
        "toggle at rest on panel".into(),
        Kind::Text,
        over(w.inactive.text_color(), panel),
        panel,
    );
    let chosen = opaque(v.selection.bg_fill);
    add(
        "chosen toggle or selected text".into(),
        Kind::Text,
        over(v.selection.stroke.color, chosen),
        chosen,
    );

    // What the panels paint themselves: tag chips, the find's marks and the current match's
    // outline (in the colour of a selection) around them.
    let ui = &p.panels;
    add(
        "tag chip".into(),
        Kind::Text,
        ui.chip.text,
        ui.chip.background,
    );
    add(
        "find's mark".into(),
        Kind::Text,
        ui.mark.text,
        ui.mark.background,
    );
    add(
        "current match's outline on panel".into(),
        Kind::Part,
        p.selected,
        panel,
    );
    add(
        "current match's outline on code block".into(),
        Kind::Part,
        p.selected,
        well,
    );
    out
}

/// How many pairs each theme has: 45 on the canvas, 8 in the reader's figures, 31 in the
/// panels' text and widgets, 4 the panels paint themselves. A new pair changes it on purpose.
const PAIRS: usize = 88;

/// The pairs of every theme below `need(pair)`, each named with its theme and ratio.
fn failures(need: impl Fn(&Pair) -> f32) -> Vec<String> {
    let mut out = Vec::new();
    for (name, theme) in themes() {
        for pair in pairs(theme) {
            let (ratio, need) = (pair.ratio(), need(&pair));
            if ratio < need {
                out.push(format!(
                    "{name}: {} ({} on {}) is {ratio:.2}:1, needs {need}:1",
                    pair.what,
                    pair.fg.hex(),
                    pair.bg.hex()
                ));
            }
        }
    }
    out
}

#[test]
fn every_theme_meets_wcag_aa_for_every_text_border_and_highlight() {
    let failures = failures(|pair| pair.kind.need());
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    // Every theme a user can end up in is measured, each with every pair.
    let themes = themes();
    assert_eq!(themes.len(), 6);
    for (_, t) in &themes {
        assert_eq!(pairs(*t).len(), PAIRS, "pairs in {}", t.name());
    }
}

#[test]
fn the_systems_theme_is_one_of_the_measured_ones() {
    let resolved: Vec<Theme> = themes()
        .iter()
        .skip(Theme::ALL.len())
        .map(|(_, t)| *t)
        .collect();
    assert_eq!(
        resolved,
        Theme::ALL,
        "the system's light, dark and more-contrast looks"
    );
}

#[test]
fn the_high_contrast_theme_goes_further() {
    // AAA for text (7:1), and 4.5:1 for the parts and highlights.
    let failures: Vec<String> = failures(|pair| match pair.kind {
        Kind::Text => 7.0,
        Kind::Part => 4.5,
    })
    .into_iter()
    .filter(|f| f.starts_with(Theme::HighContrast.name()))
    .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert!(Theme::HighContrast.palette().border_width > Theme::Light.palette().border_width);
}

#[test]
fn the_panels_draw_every_text_in_the_palettes_colours() {
    // egui's own colours (its weak text, its links, its warning orange) never reach a panel:
    // each colour it draws text with is one of the theme's tokens.
    for theme in Theme::ALL {
        let v = Look::of(theme).visuals();
        let ui = &theme.palette().panels;
        let drawn = [
            ("text", v.text_color(), ui.text),
            ("strong text", v.strong_text_color(), ui.strong),
            ("muted text", v.weak_text_color(), ui.muted),
            ("link", v.hyperlink_color, ui.link),
            ("warning", v.warn_fg_color, ui.warning),
            ("error", v.error_fg_color, ui.error),
            ("panel", v.panel_fill, ui.background),
            ("code block", v.extreme_bg_color, ui.well),
            ("inline code", v.code_bg_color, ui.code),
            ("table stripe", v.faint_bg_color, ui.stripe),
            (
                "button",
                v.widgets.inactive.weak_bg_fill,
                ui.button.background,
            ),
            ("chosen toggle", v.selection.bg_fill, ui.selected.background),
        ];
        for (what, egui, token) in drawn {
            assert_eq!(opaque(egui), token, "{}: {what}", theme.name());
            assert_eq!(egui.a(), 255, "{}: {what} is opaque", theme.name());
        }
    }
}

#[test]
fn a_panel_reads_the_theme_its_context_was_given() {
    // The chips, the find's marks and the reader's figures paint with the look stored in
    // their egui context, beside the visuals: a dark context draws dark figures.
    let ctx = egui::Context::default();
    for theme in [Theme::Dark, Theme::HighContrast, Theme::Light] {
        let look = Look::of(theme);
        look.apply(&ctx);
        let mut seen = None;
        let _ = ctx.run_ui(egui::RawInput::default(), |ui| {
            seen = Some((Look::in_ui(ui), ui.visuals().clone()));
        });
        let (seen, visuals) = seen.expect("one pass");
        assert_eq!(seen, look, "{}", theme.name());
        assert_eq!(visuals, look.visuals(), "{}", theme.name());
    }
}

#[test]
fn the_contrast_formula_matches_wcag_reference_values() {
    let white = Rgb(255, 255, 255);
    let black = Rgb(0, 0, 0);
    assert!((contrast(white, black) - 21.0).abs() < 0.01);
    assert!((contrast(white, white) - 1.0).abs() < 0.001);
    // #767676 on white is the classic 4.54:1.
    assert!((contrast(Rgb(0x76, 0x76, 0x76), white) - 4.54).abs() < 0.01);
}
