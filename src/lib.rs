//! autochitect: an interactive architecture-diagram explorer.
//!
//! Four parts, each in its own folder:
//!
//! - [`model`]: the pure core. Files in (RON, Markdown), a validated diagram, write-ups and
//!   tours out, or diagnostics with `file:line:col`; layout, the figure's look, search,
//!   navigation and deep links. No Bevy, and nothing from the rest of the crate.
//! - [`lab`]: the network lab, a simulation core beside the model: two real TCP/IP stacks
//!   (smoltcp) on a simulated cable, on a virtual clock, deterministic from a seed; stepped,
//!   rewound, branched and broken on purpose. Pure Rust; it may use the model, never the
//!   reverse.
//! - [`tools`] (native): the command line and the tools (`check`, `export`, `generate`): files
//!   in, text out, no window.
//! - [`app`] (feature `app`): the explorer, everything Bevy. Feature plugins share state
//!   through `app::state` and the core, never through each other.
//!
//! Data flows one way: file → model → entities → screen; input → intent → state → visuals.
//! `docs/ARCHITECTURE.md` has the map.

// No panics on anything that comes from a file, a URL, the command line or the user.
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::todo,
        clippy::unimplemented
    )
)]

#[cfg(feature = "app")]
pub mod app;
pub mod lab;
pub mod model;
#[cfg(not(target_arch = "wasm32"))]
pub mod tools;
