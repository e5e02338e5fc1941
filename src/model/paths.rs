//! Where a project's files live, relative to its root: one place for every folder and file name
//! the tools, the app and the web build agree on.
//!
//! ```text
//! diagrams/index.ron             the diagrams the picker offers
//! diagrams/<file>.ron            a diagram
//! diagrams/tours/<file>.ron      its tours (optional)
//! diagrams/labs/index.ron        the lab scenarios the explorer offers
//! diagrams/labs/<name>.ron       a network lab scenario
//! assets/writeups/index.ron      the write-ups, in order
//! assets/writeups/<slug>.ron|md  one write-up: metadata and body
//! ```

/// The folder of diagrams, relative to the project root.
pub const DIAGRAM_DIR: &str = "diagrams";
/// The diagram opened when none is named.
pub const DEFAULT_DIAGRAM: &str = "two-computers.ron";
/// The folder of tours, inside the diagram folder.
pub const TOURS_DIR: &str = "tours";
/// The folder of lab scenarios, inside the diagram folder.
pub const LABS_DIR: &str = "labs";
/// The asset root (write-ups and fonts), relative to the project root.
pub const ASSET_DIR: &str = "assets";
/// The write-up folder, inside the asset root.
pub const WRITEUP_DIR: &str = "writeups";
/// The name of a folder's index file (diagrams and write-ups alike).
pub const INDEX_FILE: &str = "index.ron";

/// The write-up folder relative to the project root: `assets/writeups`.
pub fn writeup_dir() -> String {
    format!("{ASSET_DIR}/{WRITEUP_DIR}")
}

/// A diagram's tours file, relative to the diagram folder: `tours/<diagram file>`.
pub fn tours_file(diagram_file: &str) -> String {
    format!("{TOURS_DIR}/{diagram_file}")
}

/// The lab scenarios' index, relative to the diagram folder: `labs/index.ron`.
pub fn labs_index() -> String {
    format!("{LABS_DIR}/{INDEX_FILE}")
}

/// A lab scenario's file, relative to the diagram folder: `labs/<name>.ron`.
pub fn lab_file(name: &str) -> String {
    format!("{LABS_DIR}/{name}.ron")
}

/// A write-up's metadata file, relative to the write-up folder.
pub fn writeup_meta_file(slug: &str) -> String {
    format!("{slug}.ron")
}

/// A write-up's body file, relative to the write-up folder.
pub fn writeup_body_file(slug: &str) -> String {
    format!("{slug}.md")
}
