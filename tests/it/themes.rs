//! The themes' colours, held to WCAG 2: every text and every border, line and highlight
//! against what it sits on. Contrast ratios are computed from the palettes the app draws with.

use autochitect::model::style::{Palette, Theme, contrast};

/// Every pair a reader has to tell apart, with the ratio WCAG AA asks of it: 4.5 for text,
/// 3 for the parts of a figure and the highlights (non-text contrast).
fn pairs(p: &Palette) -> Vec<(String, f32, f32)> {
    let mut out = Vec::new();
    let grounds: Vec<(String, _)> = std::iter::once(("background".to_owned(), p.background))
        .chain(
            p.fills
                .iter()
                .enumerate()
                .map(|(i, f)| (format!("fill {i}"), *f)),
        )
        .collect();
    for (name, ground) in &grounds {
        out.push((format!("text on {name}"), contrast(p.text, *ground), 4.5));
        out.push((
            format!("border on {name}"),
            contrast(p.border, *ground),
            3.0,
        ));
        out.push((format!("hover on {name}"), contrast(p.hover, *ground), 3.0));
        out.push((
            format!("selection on {name}"),
            contrast(p.selected, *ground),
            3.0,
        ));
    }
    out.push((
        "link label on background".into(),
        contrast(p.link_text, p.background),
        4.5,
    ));
    for (i, l) in p.links.iter().enumerate() {
        out.push((
            format!("line {i} on background"),
            contrast(*l, p.background),
            3.0,
        ));
    }
    out
}

#[test]
fn every_theme_meets_wcag_aa_for_text_borders_and_highlights() {
    let failures: Vec<String> = Theme::ALL
        .iter()
        .flat_map(|t| {
            pairs(t.palette())
                .into_iter()
                .filter(|(_, ratio, need)| ratio < need)
                .map(move |(what, ratio, need)| {
                    format!("{}: {what} is {ratio:.2}:1, needs {need}:1", t.name())
                })
        })
        .collect();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_high_contrast_theme_goes_further() {
    let p = Theme::HighContrast.palette();
    for (what, ratio, _) in pairs(p) {
        let need = if what.starts_with("text") || what.starts_with("link label") {
            7.0 // AAA for text
        } else {
            4.5
        };
        assert!(ratio >= need, "{what} is {ratio:.2}:1, needs {need}:1");
    }
    assert!(p.border_width > Theme::Light.palette().border_width);
}

#[test]
fn the_contrast_formula_matches_wcag_reference_values() {
    use autochitect::model::style::Rgb;
    let white = Rgb(255, 255, 255);
    let black = Rgb(0, 0, 0);
    assert!((contrast(white, black) - 21.0).abs() < 0.01);
    assert!((contrast(white, white) - 1.0).abs() < 0.001);
    // #767676 on white is the classic 4.54:1.
    assert!((contrast(Rgb(0x76, 0x76, 0x76), white) - 4.54).abs() < 0.01);
}
