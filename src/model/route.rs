//! Deep-link routes: what a URL hash or the command line points at.
//!
//! The same forms serve the web build's hash (`#/component/a-raft`) and the desktop's flags
//! (`--select a-raft`), so a presenter's link lands everyone in the same place.

/// What an address (URL hash) asks for: a route, the plain view, or nothing this app knows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Address {
    /// `#/`, `#` or nothing: the diagram with nothing open.
    Home,
    /// A place in the app.
    Place(Route),
    /// Something else: ignored with a note.
    Unknown,
}

impl Address {
    /// Reads a URL hash.
    pub fn parse(hash: &str) -> Address {
        if matches!(hash, "" | "#" | "#/") {
            return Address::Home;
        }
        Route::parse(hash).map_or(Address::Unknown, Address::Place)
    }
}

/// A place in the app.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Route {
    /// `#/component/<id>`: select a component or link.
    Component(String),
    /// `#/writeup/<slug>`: open a write-up.
    Writeup(String),
    /// `#/diagram/<file>`: open a diagram.
    Diagram(String),
    /// `#/tour/<name>/<step>`: play a tour from a step (1-based).
    Tour(String, usize),
    /// `#/lab/<scenario>/<event>`: open a lab scenario at an event (1-based; `#/lab/<scenario>`
    /// opens it at its start).
    Lab(String, usize),
}

impl Route {
    /// Parses a hash such as `#/tour/http-request/3`. Unknown or malformed routes give `None`.
    pub fn parse(hash: &str) -> Option<Route> {
        let path = hash.strip_prefix('#').unwrap_or(hash);
        let mut parts = path.trim_matches('/').split('/');
        let kind = parts.next()?;
        let name = parts
            .next()
            .filter(|n| super::ids::is_valid_id(n))?
            .to_owned();
        let step = parts.next();
        if parts.next().is_some() {
            return None;
        }
        match (kind, step) {
            ("component", None) => Some(Route::Component(name)),
            ("writeup", None) => Some(Route::Writeup(name)),
            ("diagram", None) => Some(Route::Diagram(name)),
            ("tour", None) => Some(Route::Tour(name, 1)),
            ("tour", Some(n)) => n
                .parse()
                .ok()
                .filter(|&n: &usize| n >= 1)
                .map(|n| Route::Tour(name, n)),
            ("lab", None) => Some(Route::Lab(name, 1)),
            ("lab", Some(n)) => n
                .parse()
                .ok()
                .filter(|&n: &usize| n >= 1)
                .map(|n| Route::Lab(name, n)),
            _ => None,
        }
    }

    /// The hash for this route.
    pub fn to_hash(&self) -> String {
        match self {
            Route::Component(id) => format!("#/component/{id}"),
            Route::Writeup(slug) => format!("#/writeup/{slug}"),
            Route::Diagram(file) => format!("#/diagram/{file}"),
            Route::Tour(name, step) => format!("#/tour/{name}/{step}"),
            Route::Lab(name, event) => format!("#/lab/{name}/{event}"),
        }
    }
}
