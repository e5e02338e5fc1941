//! What the app shows first and how: the part to select, the write-up or tour to open, the
//! modes to start in. The command line's flags and the web page's URL hash both fill it in, so a
//! presenter's link and a desktop command land in the same place.

use super::route::Route;

/// The start of a session. Empty (the default) opens the diagram with nothing selected.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[cfg_attr(not(target_arch = "wasm32"), derive(clap::Args))]
pub struct Launch {
    /// Select a component or link once loaded.
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, value_name = "ID"))]
    pub select: Option<String>,
    /// Open a write-up once loaded.
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, value_name = "SLUG"))]
    pub writeup: Option<String>,
    /// Play a guided tour (from diagrams/tours/<diagram file>).
    #[cfg_attr(not(target_arch = "wasm32"), arg(long, value_name = "NAME"))]
    pub tour: Option<String>,
    /// Start the tour at step N (from 1).
    #[cfg_attr(
        not(target_arch = "wasm32"),
        arg(long, value_name = "N", requires = "tour", value_parser = clap::value_parser!(u32).range(1..))
    )]
    pub step: Option<u32>,
    /// Presenter mode: fullscreen, big text, clicker keys.
    #[cfg_attr(not(target_arch = "wasm32"), arg(long))]
    pub present: bool,
    /// The speaker's notes: on the desktop a second window beside the audience's (with
    /// `--present`); on the web (`?speaker`) the page becomes the speaker view.
    #[cfg_attr(not(target_arch = "wasm32"), arg(long))]
    pub notes: bool,
    /// Instant camera moves, no travelling packets.
    #[cfg_attr(not(target_arch = "wasm32"), arg(long))]
    pub reduced_motion: bool,
    /// Benchmark: circle the camera every frame for SECONDS once the diagram shows, print
    /// frame-time statistics as one JSON line, and exit (desktop only).
    #[cfg_attr(
        not(target_arch = "wasm32"),
        arg(long, value_name = "SECONDS", hide = true, value_parser = clap::value_parser!(u32).range(1..))
    )]
    pub bench_pan: Option<u32>,
    /// Benchmark: circle N times closer than the fitted zoom.
    #[cfg_attr(
        not(target_arch = "wasm32"),
        arg(long, value_name = "N", hide = true, requires = "bench_pan", value_parser = clap::value_parser!(u32).range(1..))
    )]
    pub bench_zoom: Option<u32>,
}

impl Launch {
    /// The start a deep link asks for (the diagram of a `#/diagram/…` route is not part of it).
    pub fn from_route(route: &Route) -> Launch {
        match route {
            Route::Component(id) => Launch {
                select: Some(id.clone()),
                ..Launch::default()
            },
            Route::Writeup(slug) => Launch {
                writeup: Some(slug.clone()),
                ..Launch::default()
            },
            Route::Tour(name, step) => Launch {
                tour: Some(name.clone()),
                step: Some(u32::try_from(*step).unwrap_or(u32::MAX)),
                ..Launch::default()
            },
            Route::Diagram(_) => Launch::default(),
        }
    }
}
