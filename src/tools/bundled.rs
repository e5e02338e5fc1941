//! The default project, carried inside the binary (the table `build.rs` writes): the shipped
//! diagrams, tours, lab scenarios and write-ups, so an installed binary works from any folder.
//!
//! When no project is found on disk, the files are unpacked into the user's cache folder and
//! used from there like any other project: the tools and the app read files, and an author
//! can copy that folder to start their own. The folder's name holds a fingerprint of the files,
//! so a binary with other files never reads another's; a file that differs from the binary's
//! (edited, or half written) is written again at the next start.

use std::path::{Path, PathBuf};

/// Every file of the default project: its path relative to the project root, and its bytes.
pub const FILES: &[(&str, &[u8])] = include!(concat!(env!("OUT_DIR"), "/bundled.rs"));

/// A fingerprint of the files (FNV-1a over names and bytes).
fn fingerprint() -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for (name, bytes) in FILES {
        for b in name.bytes().chain([0]).chain(bytes.iter().copied()) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    h
}

/// The user's cache folder: `XDG_CACHE_HOME` or `~/.cache` (Linux and the BSDs),
/// `~/Library/Caches` (macOS), `%LOCALAPPDATA%` (Windows); else the temporary folder.
fn cache_dir() -> PathBuf {
    let var = |name: &str| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    let found = if cfg!(windows) {
        var("LOCALAPPDATA")
    } else if cfg!(target_os = "macos") {
        var("HOME").map(|h| h.join("Library/Caches"))
    } else {
        var("XDG_CACHE_HOME").or_else(|| var("HOME").map(|h| h.join(".cache")))
    };
    found.unwrap_or_else(std::env::temp_dir)
}

/// Where the default project is unpacked.
pub fn unpack_dir() -> PathBuf {
    cache_dir().join("autochitect").join(format!(
        "project-{}-{:016x}",
        env!("CARGO_PKG_VERSION"),
        fingerprint()
    ))
}

/// Unpacks the default project (only the files missing or different) and returns its folder.
pub fn unpack() -> Result<PathBuf, String> {
    let dir = unpack_dir();
    for (name, bytes) in FILES {
        write_if_different(&dir.join(name), bytes).map_err(|e| {
            format!(
                "autochitect: cannot unpack the built-in project into {}: {e}",
                dir.display()
            )
        })?;
    }
    Ok(dir)
}

/// Writes a file unless it already holds these bytes; through a temporary file and a rename, so
/// two starts at once never leave half a file.
fn write_if_different(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if std::fs::read(path).is_ok_and(|old| old == bytes) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(format!(".{}.tmp", std::process::id()));
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}
