//! Where the app is, as a deep link: the route what is on screen stands for, and the intents
//! an address asks for. `routes` applies them, the web page keeps the address bar in step.

use crate::model::{Address, Route, paths};

use super::{Intent, LabState, LoadedModel, Reader, Selection, TourState};

/// The route that says what is on screen now, for the address bar: the open write-up, else the
/// lab's event, else the tour step, else the selection, else another diagram than the default.
/// `None`: the plain default view (`#/`).
pub fn current_route(
    model: &LoadedModel,
    selection: &Selection,
    reader: &Reader,
    tour: &TourState,
    lab: &LabState,
) -> Option<Route> {
    if let Some(slug) = &reader.open {
        return Some(Route::Writeup(slug.to_string()));
    }
    if let Some(name) = &lab.scenario {
        return Some(Route::Lab(name.clone(), lab.current + 1));
    }
    if let Some(name) = &tour.tour {
        return Some(Route::Tour(name.clone(), tour.step + 1));
    }
    match &selection.target {
        Some(t) => Some(Route::Component(t.id().to_string())),
        None if model.diagram_file != paths::DEFAULT_DIAGRAM => {
            Some(Route::Diagram(model.diagram_file.clone()))
        }
        None => None,
    }
}

/// The intents that show an address (the note for an unknown one is the caller's).
pub fn address_intents(address: &Address) -> Vec<Intent> {
    match address {
        Address::Home => vec![
            Intent::CloseWriteup,
            Intent::ClearSelection,
            Intent::EndTour,
            Intent::CloseLab,
        ],
        Address::Place(route) => vec![Intent::GoTo(route.clone())],
        Address::Unknown => Vec::new(),
    }
}
