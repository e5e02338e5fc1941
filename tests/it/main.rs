//! The one integration-test binary (Bevy is linked once). One module per area.

mod app;
mod authoring;
mod cli;
mod content;
mod corpus;
mod layout;
mod model;
mod tours;
mod writeups;

/// The repository root, for tests that read shipped files.
pub fn repo() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
