//! What the app shows first and how: the part to select, the write-up or tour to open, the
//! modes to start in. The command line's flags and the web page's URL hash both fill it in, so a
//! presenter's link and a desktop command land in the same place.

use super::route::Route;

/// The start of a session. Empty (the default) opens the diagram with nothing selected. The
/// command line's flags for it are `tools::cli::LaunchArgs`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Launch {
    /// Select a component or link once loaded.
    pub select: Option<String>,
    /// Open a write-up once loaded.
    pub writeup: Option<String>,
    /// Play a guided tour.
    pub tour: Option<String>,
    /// Start the tour at step N (from 1).
    pub step: Option<u32>,
    /// Open a lab scenario (`diagrams/labs/<name>.ron`).
    pub lab: Option<String>,
    /// At event N (from 1).
    pub event: Option<u32>,
    /// Presenter mode: fullscreen, big text, clicker keys.
    pub present: bool,
    /// The speaker's notes: on the desktop a second window beside the audience's (with
    /// presenter mode); on the web (`?speaker`) the page becomes the speaker view.
    pub notes: bool,
    /// Instant camera moves, no travelling packets.
    pub reduced_motion: bool,
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
            Route::Lab(name, event) => Launch {
                lab: Some(name.clone()),
                event: Some(u32::try_from(*event).unwrap_or(u32::MAX)),
                ..Launch::default()
            },
            Route::Diagram(_) => Launch::default(),
        }
    }
}
