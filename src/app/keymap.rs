//! The keymap: every key the app answers to, turned into an [`Intent`] for the current mode.
//! One system reads the keyboard, key by key in the order typed (with the modifiers held at
//! each), and stands aside while a text field has focus.
//!
//! | key | exploring | presenting | speaker view (web) |
//! | --- | --- | --- | --- |
//! | Esc | close the find, else back (close the reader, then clear the selection) | un-blank, else leave | — |
//! | Enter | open the selected part's write-up | same | — |
//! | F, Home | fit the diagram | same | — |
//! | `+` / `-` | zoom in / out | larger / smaller text | — |
//! | Ctrl+`+` / Ctrl+`-` / Ctrl+0 | text size (panels and labels), remembered | — | same as exploring |
//! | Tab, Shift+Tab | next / previous part in reading order | — | — |
//! | arrows | nearest linked part in that direction | previous / next tour step | same as presenting |
//! | `/`, Ctrl+K | search | — | — |
//! | Ctrl+F | find in the open write-up | — | — |
//! | P | start presenting | stop presenting | — |
//! | PageDown, Space / PageUp, Backspace | — | next / previous tour step | same |
//! | B, `.` | — | blank the screen | — |
//! | N | — | open or close the speaker's notes | — |
//!
//! With a lab open, these come first (exploring, presenting and in the speaker view; the rest
//! as above):
//!
//! | key | lab |
//! | --- | --- |
//! | →, PageDown (and ↓, Space while presenting or in the speaker view: a clicker) | the next event |
//! | ←, PageUp (and ↑, Backspace while presenting or in the speaker view) | the previous event |
//! | Space (exploring), K | play or pause |
//! | Home / End | the first / last event |
//! | Esc (exploring, nothing open or selected) | close the lab |

use bevy::prelude::*;

use super::state::{
    AppSystems, HeldModifiers, Intent, LabMove, LabState, Presenter, Reader, ReaderFind, Selection,
    SpeakerNotes,
};
use crate::model::navigate::Direction;

pub(super) fn plugin(app: &mut App) {
    app.add_systems(Update, read_keys.in_set(AppSystems::Input));
}

/// What the keys mean now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Exploring the diagram.
    Exploring,
    /// Exploring, with the reader's find box open: Esc closes it first.
    Finding,
    /// Presenter mode, with the screen blanked or not.
    Presenting {
        /// The screen is blank.
        blank: bool,
    },
    /// The speaker view of a talk (web): the notes, and a clicker's keys to move the tour.
    Speaker,
}

/// Modifier keys held with a key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Modifiers {
    /// Shift.
    pub shift: bool,
    /// Ctrl (or Cmd on a Mac).
    pub command: bool,
}

/// The intent a key press stands for in `mode`, if any.
pub fn intent_for(key: KeyCode, mods: Modifiers, mode: Mode) -> Option<Intent> {
    use Intent::*;
    let clicker = match key {
        KeyCode::PageDown | KeyCode::ArrowRight | KeyCode::ArrowDown | KeyCode::Space => {
            Some(NextStep)
        }
        KeyCode::PageUp | KeyCode::ArrowLeft | KeyCode::ArrowUp | KeyCode::Backspace => {
            Some(PrevStep)
        }
        _ => None,
    };
    if mode == Mode::Speaker {
        return match key {
            KeyCode::Equal | KeyCode::NumpadAdd if mods.command => Some(TextSize(1)),
            KeyCode::Minus | KeyCode::NumpadSubtract if mods.command => Some(TextSize(-1)),
            KeyCode::Digit0 | KeyCode::Numpad0 if mods.command => Some(TextSize(0)),
            _ => clicker,
        };
    }
    let common = match key {
        KeyCode::Enter | KeyCode::NumpadEnter => Some(OpenSelected),
        KeyCode::KeyF if mods.command => None,
        KeyCode::KeyF | KeyCode::Home => Some(FitView),
        _ => None,
    };
    if common.is_some() {
        return common;
    }
    match mode {
        Mode::Finding if key == KeyCode::Escape => Some(CloseFind),
        Mode::Exploring | Mode::Finding => match key {
            KeyCode::Escape => Some(Back),
            // Ctrl with + / - / 0: the text size, everywhere (as in a browser).
            KeyCode::Equal | KeyCode::NumpadAdd if mods.command => Some(TextSize(1)),
            KeyCode::Minus | KeyCode::NumpadSubtract if mods.command => Some(TextSize(-1)),
            KeyCode::Digit0 | KeyCode::Numpad0 if mods.command => Some(TextSize(0)),
            KeyCode::Equal | KeyCode::NumpadAdd => Some(ZoomBy(1.0)),
            KeyCode::Minus | KeyCode::NumpadSubtract => Some(ZoomBy(-1.0)),
            KeyCode::Tab => Some(TabNext { back: mods.shift }),
            KeyCode::ArrowUp => Some(Navigate(Direction::Up)),
            KeyCode::ArrowDown => Some(Navigate(Direction::Down)),
            KeyCode::ArrowLeft => Some(Navigate(Direction::Left)),
            KeyCode::ArrowRight => Some(Navigate(Direction::Right)),
            KeyCode::Slash => Some(OpenSearch),
            KeyCode::KeyK if mods.command => Some(OpenSearch),
            KeyCode::KeyF if mods.command => Some(OpenFind),
            KeyCode::KeyP => Some(SetPresenting(true)),
            _ => None,
        },
        // Presentation clickers send PageDown/PageUp (some send arrows, Space or Backspace,
        // and a "blank" button that sends B or `.`).
        Mode::Presenting { .. } if clicker.is_some() => clicker,
        Mode::Presenting { blank } => match key {
            KeyCode::KeyN => Some(ToggleSpeakerNotes),
            KeyCode::KeyB | KeyCode::Period => Some(ToggleBlank),
            KeyCode::KeyT => Some(ToggleNarration),
            KeyCode::Escape if blank => Some(ToggleBlank),
            KeyCode::Escape | KeyCode::KeyP => Some(SetPresenting(false)),
            KeyCode::Equal | KeyCode::NumpadAdd => Some(ScaleText(1)),
            KeyCode::Minus | KeyCode::NumpadSubtract => Some(ScaleText(-1)),
            _ => None,
        },
        Mode::Speaker => clicker,
    }
}

/// The intent a key press stands for while a lab is open, before [`intent_for`]'s: `back`
/// says whether Esc has something else to close first (the reader, the selection).
pub fn lab_intent_for(key: KeyCode, mods: Modifiers, mode: Mode, back: bool) -> Option<Intent> {
    use Intent::{CloseLab, LabGo, LabPlay};
    if mods.command || mods.shift {
        return None;
    }
    // A clicker's keys step events in presenter mode and in the speaker view alike.
    let presenting = matches!(mode, Mode::Presenting { blank: false } | Mode::Speaker);
    match (key, mode) {
        (_, Mode::Presenting { blank: true }) => None,
        (KeyCode::ArrowRight | KeyCode::PageDown, _) => Some(LabGo(LabMove::Next)),
        (KeyCode::ArrowDown | KeyCode::Space, _) if presenting => Some(LabGo(LabMove::Next)),
        (KeyCode::ArrowLeft | KeyCode::PageUp, _) => Some(LabGo(LabMove::Prev)),
        (KeyCode::ArrowUp | KeyCode::Backspace, _) if presenting => Some(LabGo(LabMove::Prev)),
        (KeyCode::Space | KeyCode::KeyK, _) => Some(LabPlay(None)),
        (KeyCode::Home, _) => Some(LabGo(LabMove::First)),
        (KeyCode::End, _) => Some(LabGo(LabMove::Last)),
        (KeyCode::Escape, Mode::Exploring) if !back => Some(CloseLab),
        _ => None,
    }
}

#[allow(clippy::too_many_arguments)]
fn read_keys(
    mut keys: MessageReader<bevy::input::keyboard::KeyboardInput>,
    mut focus_lost: MessageReader<bevy::input::keyboard::KeyboardFocusLost>,
    egui_wants: Option<Res<bevy_egui::input::EguiWantsInput>>,
    presenter: Res<Presenter>,
    speaker: Res<SpeakerNotes>,
    find: Res<ReaderFind>,
    reader: Res<Reader>,
    lab: Res<LabState>,
    selection: Res<Selection>,
    mut held: Local<HeldModifiers>,
    mut intents: MessageWriter<Intent>,
) {
    if focus_lost.read().count() > 0 {
        held.clear();
    }
    // Typing into a field: the keys are the field's (the modifiers are still followed).
    let typing = egui_wants.is_some_and(|w| w.wants_any_keyboard_input());
    let mode = if speaker.page {
        Mode::Speaker
    } else if presenter.on {
        Mode::Presenting {
            blank: presenter.blank,
        }
    } else if find.open && reader.open.is_some() {
        Mode::Finding
    } else {
        Mode::Exploring
    };
    // In the order they were typed, each with the modifiers held at that moment.
    for key in keys.read() {
        let pressed = key.state.is_pressed();
        held.update(key.key_code, pressed);
        if !pressed || key.repeat || typing {
            continue;
        }
        let mods = Modifiers {
            shift: held.shift(),
            command: held.ctrl() || held.super_key(),
        };
        let back = reader.open.is_some() || selection.target.is_some();
        let in_lab = lab
            .is_open()
            .then(|| lab_intent_for(key.key_code, mods, mode, back))
            .flatten();
        if let Some(intent) = in_lab.or_else(|| intent_for(key.key_code, mods, mode)) {
            intents.write(intent);
        }
    }
}
