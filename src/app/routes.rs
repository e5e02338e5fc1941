//! Deep links and links in write-ups: the consumer of [`Intent::GoTo`] and
//! [`Intent::FollowLink`], and of the launch options (`--select`, `--writeup`, `--tour`, or the
//! web page's URL hash, `--lab`) once the model has loaded.
//!
//! A route becomes the intents it stands for (select a part, open a write-up, start a tour,
//! open a diagram), so a link in a write-up, a deep link and a command-line flag do the same.

use bevy::prelude::*;

use super::state::{
    AppSystems, Consumer, Intent, LaunchOptions, LinkOpener, LoadedModel, Notice, RevealTarget,
};
use crate::model::{LinkAction, Route, classify_link};

pub(super) fn plugin(app: &mut App) {
    app.init_resource::<LinkOpener>().add_systems(
        Update,
        (apply_launch, follow).chain().in_set(AppSystems::Route),
    );
}

impl Default for LinkOpener {
    fn default() -> Self {
        Self(Box::new(open_in_browser))
    }
}

#[cfg(not(target_arch = "wasm32"))]
fn open_in_browser(url: &str) -> Result<(), String> {
    webbrowser::open(url).map_err(|e| e.to_string())
}

/// On the web, an external link opens in a new tab.
#[cfg(target_arch = "wasm32")]
fn open_in_browser(url: &str) -> Result<(), String> {
    let w = web_sys::window().ok_or("no browser window")?;
    w.open_with_url_and_target_and_features(url, "_blank", "noopener,noreferrer")
        .map(|_| ())
        .map_err(|e| format!("{e:?}"))
}

/// Where a route came from, which decides a little of what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The address (URL hash, Back, Forward): the whole screen follows it, so a part's route
    /// closes the reader.
    Address,
    /// A link in a write-up: a part's link selects and reveals the part, and the write-up
    /// stays open.
    Text,
}

/// The intents a route stands for, or why it leads nowhere.
pub fn intents_for(
    route: &Route,
    model: &LoadedModel,
    origin: Origin,
) -> Result<Vec<Intent>, String> {
    match route {
        Route::Component(id) => {
            let target = model
                .diagram
                .target_by_id(id)
                .ok_or_else(|| format!("There is no component or link `{id}` in this diagram."))?;
            Ok(match origin {
                Origin::Address => vec![Intent::CloseWriteup, Intent::Select(target)],
                Origin::Text => vec![Intent::Select(target)],
            })
        }
        Route::Writeup(slug) => {
            let w = model
                .writeups
                .get_str(slug)
                .ok_or_else(|| format!("There is no write-up `{slug}`."))?;
            Ok(vec![
                Intent::ShowTopic(w.slug.clone()),
                Intent::OpenWriteup(w.slug.clone()),
            ])
        }
        Route::Diagram(file) => Ok(vec![Intent::OpenDiagram(file.clone())]),
        Route::Tour(name, step) => {
            let tour = model.tour(name).ok_or_else(|| {
                let names: Vec<&str> = model.tours.iter().map(|t| t.name.as_str()).collect();
                format!(
                    "There is no tour `{name}` for this diagram (tours: {}).",
                    names.join(", ")
                )
            })?;
            let step = (*step).clamp(1, tour.steps.len().max(1)) - 1;
            Ok(vec![Intent::StartTour(name.clone(), step)])
        }
        // Whether the scenario exists is known once its files are in (`lab` says so).
        Route::Lab(name, event) => Ok(vec![Intent::OpenLab(name.clone(), event.saturating_sub(1))]),
    }
}

/// `--select`, `--writeup` and `--tour` (or the page's hash), once, after the first load.
fn apply_launch(
    model: Option<Res<LoadedModel>>,
    options: Res<LaunchOptions>,
    mut done: Local<bool>,
    mut intents: MessageWriter<Intent>,
    mut notice: ResMut<Notice>,
) {
    let (Some(model), false) = (model, *done) else {
        return;
    };
    *done = true;
    let launch = &options.launch;
    let mut routes = Vec::new();
    // A write-up opened at launch selects its part unless a part is named too.
    match (&launch.select, &launch.writeup) {
        (Some(id), Some(slug)) => {
            routes.push(Route::Component(id.clone()));
            if let Some(w) = model.writeups.get_str(slug) {
                intents.write(Intent::OpenWriteup(w.slug.clone()));
            } else {
                notice.say(format!("There is no write-up `{slug}`."));
            }
        }
        (Some(id), None) => routes.push(Route::Component(id.clone())),
        (None, Some(slug)) => routes.push(Route::Writeup(slug.clone())),
        (None, None) => {}
    }
    if let Some(name) = &launch.tour {
        routes.push(Route::Tour(
            name.clone(),
            launch.step.map_or(1, |s| s as usize),
        ));
    }
    if let Some(name) = &launch.lab {
        routes.push(Route::Lab(
            name.clone(),
            launch.event.map_or(1, |s| s as usize),
        ));
    }
    for route in &routes {
        match intents_for(route, &model, Origin::Text) {
            Ok(list) => {
                intents.write_batch(list);
            }
            Err(why) => notice.say(why),
        }
    }
}

/// Applies the routes and links of this frame.
fn follow(
    mut intents: ParamSet<(MessageReader<Intent>, MessageWriter<Intent>)>,
    model: Option<Res<LoadedModel>>,
    opener: Res<LinkOpener>,
    mut notice: ResMut<Notice>,
    mut reveal: MessageWriter<RevealTarget>,
) {
    let incoming: Vec<Intent> = intents
        .p0()
        .read()
        .filter(Intent::for_(Consumer::Routes))
        .cloned()
        .collect();
    let Some(model) = model else {
        return;
    };
    let mut next: Vec<Intent> = Vec::new();
    for intent in &incoming {
        let (route, origin) = match intent {
            Intent::GoTo(route) => (route.clone(), Origin::Address),
            Intent::FollowLink(url) => match classify_link(url) {
                LinkAction::InApp(route) => (route, Origin::Text),
                LinkAction::External(url) => {
                    match (opener.0)(&url) {
                        Ok(()) => notice.say(format!("Opened {url} in your browser.")),
                        Err(e) => notice.say(format!("Could not open {url}: {e}")),
                    }
                    continue;
                }
                LinkAction::Refused { url, reason } => {
                    notice.say(format!("Not opened: {url} ({reason})."));
                    continue;
                }
            },
            _ => continue,
        };
        match intents_for(&route, &model, origin) {
            Ok(list) => {
                if origin == Origin::Text
                    && let Some(Intent::Select(target)) = list.last()
                {
                    reveal.write(RevealTarget(target.clone()));
                }
                next.extend(list);
            }
            Err(why) => notice.say(why),
        }
    }
    intents.p1().write_batch(next);
}
