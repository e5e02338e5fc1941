//! Saving what the learner exports (a lab's capture, its sequence picture), from
//! [`SaveFile`] messages: a file in the save folder on the desktop, never over an existing
//! one; a download on the web, through the page's `autochitectSave(name, type, bytes)`. A note
//! says where it went.

use bevy::prelude::*;

use super::state::{AppSystems, Notice, SaveFile, SaveFolder};

pub(super) fn plugin(app: &mut App) {
    // After the features that ask (in `Plan`), in the same frame.
    app.add_systems(Update, save_files.in_set(AppSystems::Follow));
}

/// Saves each file asked for, and says where it went (or why it could not).
fn save_files(
    mut files: MessageReader<SaveFile>,
    folder: Res<SaveFolder>,
    mut notice: ResMut<Notice>,
) {
    for file in files.read() {
        notice.say(
            match save(&file.name, file.media_type, &file.bytes, &folder.0) {
                Ok(place) => format!("{} is saved as {place}.", file.what),
                Err(why) => format!("Could not save {}: {why}", file.name),
            },
        );
    }
}

/// Saves `bytes` as `name`; where it went, in words (a path, or the browser's downloads).
#[cfg(not(target_arch = "wasm32"))]
fn save(
    name: &str,
    _media_type: &str,
    bytes: &[u8],
    folder: &std::path::Path,
) -> Result<String, String> {
    use std::io::Write as _;
    let path = std::path::Path::new(name);
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or(name);
    let ext = path.extension().and_then(|s| s.to_str()).unwrap_or("");
    // `name.pcap`, else `name (2).pcap`, `name (3).pcap`, …: a second save keeps the first.
    for n in 1..1000 {
        let file = match n {
            1 => name.to_owned(),
            n => format!("{stem} ({n}).{ext}"),
        };
        let at = folder.join(file);
        match std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&at)
        {
            Ok(mut f) => {
                return f
                    .write_all(bytes)
                    .map(|()| at.display().to_string())
                    .map_err(|e| e.to_string());
            }
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(format!("{}: {e}", folder.display())),
        }
    }
    Err(format!("{}: too many files named {name}", folder.display()))
}

/// Saves `bytes` as `name`: a download, which the page starts.
#[cfg(target_arch = "wasm32")]
fn save(
    name: &str,
    media_type: &str,
    bytes: &[u8],
    _folder: &std::path::Path,
) -> Result<String, String> {
    use wasm_bindgen::{JsCast as _, JsValue};
    let window = web_sys::window().ok_or("no window")?;
    let f = js_sys::Reflect::get(&window, &JsValue::from_str("autochitectSave"))
        .ok()
        .and_then(|f| f.dyn_into::<js_sys::Function>().ok())
        .ok_or("the page cannot save files")?;
    let data = js_sys::Uint8Array::from(bytes);
    f.call3(
        &JsValue::NULL,
        &JsValue::from_str(name),
        &JsValue::from_str(media_type),
        &data,
    )
    .map_err(|e| format!("{e:?}"))?;
    Ok(format!("{name} in your downloads"))
}
