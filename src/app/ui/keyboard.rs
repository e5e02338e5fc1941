//! The keyboard as egui hears it, key by key with the modifiers held at each key.
//!
//! bevy_egui 0.42 reads the modifier keys once a frame and gives every key event of that frame
//! the end-of-frame state. A fast typist's Ctrl+C (Ctrl down, C down, C up, Ctrl up) often
//! arrives within one frame, and the C then comes without its Ctrl: the selected text is not
//! copied, Ctrl+A in a field types an "a". This system does the work of bevy_egui's keyboard
//! system (which the plugin switches off) with the modifiers followed event by event.

use bevy::input::keyboard::{Key, KeyboardFocusLost, KeyboardInput};
use bevy::prelude::*;
use bevy_egui::egui;
use bevy_egui::helpers::{bevy_to_egui_key, bevy_to_egui_physical_key};
use bevy_egui::input::{EguiContextMessageReader, EguiInputEvent};

use crate::app::state::HeldModifiers;

/// Switches bevy_egui's own keyboard system off and puts this one in its place.
pub(super) fn plugin(app: &mut App) {
    app.add_systems(
        PreUpdate,
        write_key_events.in_set(bevy_egui::EguiInputSet::ReadBevyMessages),
    )
    // Once, before the first frame's input is read.
    .add_systems(Startup, take_over);
}

fn take_over(mut settings: ResMut<bevy_egui::EguiGlobalSettings>) {
    settings
        .input_system_settings
        .run_write_keyboard_input_messages_system = false;
}

/// The modifiers as egui names them (Cmd is "command" on a Mac, Ctrl elsewhere).
fn egui_modifiers(held: &HeldModifiers) -> egui::Modifiers {
    let mac = cfg!(target_os = "macos");
    egui::Modifiers {
        alt: held.alt(),
        ctrl: held.ctrl(),
        shift: held.shift(),
        mac_cmd: mac && held.super_key(),
        command: if mac { held.super_key() } else { held.ctrl() },
    }
}

fn write_key_events(
    mut keys: EguiContextMessageReader<KeyboardInput>,
    mut focus_lost: MessageReader<KeyboardFocusLost>,
    mut held: Local<HeldModifiers>,
    mut out: MessageWriter<EguiInputEvent>,
    #[cfg(not(target_arch = "wasm32"))] mut clipboard: ResMut<bevy_egui::EguiClipboard>,
) {
    if focus_lost.read().count() > 0 {
        held.clear();
    }
    for (key, context) in keys.read_with_non_window_focused(|k| k.window) {
        let pressed = key.state.is_pressed();
        held.update(key.key_code, pressed);
        let modifiers = egui_modifiers(&held);
        // Ctrl+Alt is AltGr on many layouts: it types characters.
        let types = !modifiers.command && !held.super_key() || (modifiers.ctrl && modifiers.alt);
        let mut send = |event| {
            out.write(EguiInputEvent { context, event });
        };
        if types && pressed {
            match &key.logical_key {
                Key::Character(c) if !c.chars().any(char::is_control) => {
                    send(egui::Event::Text(c.to_string()));
                }
                Key::Space => send(egui::Event::Text(" ".to_owned())),
                _ => {}
            }
        }
        let physical_key = bevy_to_egui_physical_key(&key.key_code);
        let Some(egui_key) = bevy_to_egui_key(&key.logical_key).or(physical_key) else {
            continue;
        };
        send(egui::Event::Key {
            key: egui_key,
            pressed,
            repeat: key.repeat,
            modifiers,
            physical_key,
        });
        // The browser sends copy, cut and paste as events of their own (bevy_egui's web
        // clipboard); elsewhere they are these keys.
        #[cfg(not(target_arch = "wasm32"))]
        if modifiers.command && pressed {
            match egui_key {
                egui::Key::C => send(egui::Event::Copy),
                egui::Key::X => send(egui::Event::Cut),
                egui::Key::V => {
                    if let Some(text) = clipboard.get_text() {
                        send(egui::Event::Text(text));
                    }
                }
                _ => {}
            }
        }
    }
}
