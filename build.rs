//! Carries the default project inside the binary: writes `$OUT_DIR/bundled.rs`, a sorted table
//! of every diagram, tour, lab scenario and write-up (`diagrams/`, `assets/writeups/`) as
//! `(path, include_bytes!(…))`, which `tools::bundled` includes. A plain table rather than a
//! crate such as `include_dir`: a dozen lines, no dependency, and the paths stay the project's
//! own relative paths. The fonts are compiled in already (`model::glyphs`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// The folders of the default project, relative to the crate.
const FOLDERS: [&str; 2] = ["diagrams", "assets/writeups"];

fn main() {
    let Some(root) = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from) else {
        panic!("cargo sets CARGO_MANIFEST_DIR");
    };
    let Some(out) = std::env::var_os("OUT_DIR").map(PathBuf::from) else {
        panic!("cargo sets OUT_DIR");
    };
    let mut files = Vec::new();
    for folder in FOLDERS {
        // A folder given to rerun-if-changed is watched with everything inside it.
        println!("cargo::rerun-if-changed={folder}");
        collect(&root, Path::new(folder), &mut files);
    }
    files.sort();
    let mut table = String::from("&[\n");
    for rel in &files {
        let path = rel.to_string_lossy().replace('\\', "/");
        // The checkout's own folder, read when the crate compiles: a build in another
        // checkout that shares the target folder may have written this table last.
        let _ = writeln!(
            table,
            "    ({path:?}, include_bytes!(concat!(env!(\"CARGO_MANIFEST_DIR\"), \"/{path}\"))),"
        );
    }
    table.push_str("]\n");
    if let Err(e) = std::fs::write(out.join("bundled.rs"), table) {
        panic!("cannot write the bundled project's table: {e}");
    }
}

/// Every `.ron` and `.md` file under `dir` (relative to `root`), in subfolders too.
fn collect(root: &Path, dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(root.join(dir)) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name();
        let rel = dir.join(&name);
        if name.to_string_lossy().starts_with('.') {
            continue;
        }
        if entry.file_type().is_ok_and(|t| t.is_dir()) {
            collect(root, &rel, files);
        } else if rel.extension().is_some_and(|e| e == "ron" || e == "md") {
            files.push(rel);
        }
    }
}
