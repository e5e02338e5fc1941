//! Loading: files arrive through Bevy's asset system (the same on desktop and web), and once all
//! of them are in, the pure model validates them together.
//!
//! The result is either a new [`LoadedModel`] or a [`LoadProblems`] list. A failed reload keeps
//! the last good model on screen. With the `native` feature, Bevy's file watcher reloads edited
//! files, and the same path revalidates them.

use std::collections::BTreeSet;
use std::sync::Arc;

use bevy::asset::io::Reader;
use bevy::asset::{AssetLoader, AssetPath, LoadContext, LoadState};
use bevy::prelude::*;

use crate::LaunchOptions;
use crate::model::{Diagnostics, Diagram, WriteupCatalog, WriteupSlug, WriteupSource};

/// The asset source that serves the diagram's folder.
pub(crate) const DIAGRAM_SOURCE: &str = "diagram";
/// The write-up folder inside the asset root.
pub(crate) const WRITEUP_DIR: &str = "writeups";
/// The tours folder inside the diagram folder.
pub(crate) const TOURS_DIR: &str = "tours";

pub(super) fn plugin(app: &mut App) {
    app.init_asset::<TextFile>()
        .register_asset_loader(TextLoader)
        .init_resource::<LoadProblems>()
        .init_resource::<DiagramChoices>()
        .add_systems(Startup, start_loading)
        .add_systems(
            PreUpdate,
            (mark_dirty, switch_diagram, assemble, list_diagrams).chain(),
        );
}

/// A text file (RON or Markdown), read as UTF-8.
#[derive(Asset, TypePath, Debug)]
pub struct TextFile {
    /// The file's contents.
    pub text: String,
}

#[derive(Default, TypePath)]
struct TextLoader;

/// Why a text file could not be read.
#[derive(Debug, thiserror::Error)]
enum TextLoadError {
    #[error("cannot read the file: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Utf8(String),
}

impl AssetLoader for TextLoader {
    type Asset = TextFile;
    type Settings = ();
    type Error = TextLoadError;

    async fn load(
        &self,
        reader: &mut dyn Reader,
        _settings: &(),
        _context: &mut LoadContext<'_>,
    ) -> Result<TextFile, TextLoadError> {
        let mut bytes = Vec::new();
        reader.read_to_end(&mut bytes).await?;
        let text = crate::model::limits::decode_utf8("", bytes).map_err(|d| {
            let at = d
                .pos
                .map(|p| format!("line {}, column {}: ", p.line, p.col))
                .unwrap_or_default();
            TextLoadError::Utf8(format!("{at}{}", d.message))
        })?;
        Ok(TextFile { text })
    }

    fn extensions(&self) -> &[&str] {
        &["ron", "md"]
    }
}

/// Handles to every file the current model is built from.
#[derive(Resource, Debug)]
pub struct Sources {
    diagram: Handle<TextFile>,
    index: Handle<TextFile>,
    /// (slug, metadata, body), in index order.
    writeups: Vec<(String, Handle<TextFile>, Handle<TextFile>)>,
    /// The index text `writeups` was requested for.
    index_text: Option<String>,
    /// A fingerprint of the texts last validated, so identical inputs are not validated twice.
    last_inputs: Option<u64>,
    /// Set when a file changed and the model must be rebuilt once everything is loaded.
    dirty: bool,
    /// The file name shown in messages.
    diagram_name: String,
    /// The diagram file inside the diagram folder.
    diagram_file: String,
    /// The diagram's tours, `tours/<diagram file>` beside it (optional).
    tours: Handle<TextFile>,
    /// The folder's `index.ron`, listing the diagrams the picker offers.
    diagram_index: Handle<TextFile>,
    /// Each listed diagram's file and text handle (for its title).
    listed: Vec<(String, Handle<TextFile>)>,
}

/// The diagrams the picker offers: file name and title, in index order.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct DiagramChoices(pub Vec<(String, String)>);

/// The validated model the rest of the app reads. Replaced as a whole on reload.
#[derive(Resource, Debug, Clone)]
pub struct LoadedModel {
    /// The diagram on screen.
    pub diagram: Arc<Diagram>,
    /// Every write-up.
    pub writeups: Arc<WriteupCatalog>,
    /// Counts successful loads, so systems can tell a reload from the first load.
    pub generation: u64,
    /// The diagram's file name, so systems can tell another diagram from a reload.
    pub diagram_file: String,
    /// The diagram's guided tours (none when it has no tours file).
    pub tours: Arc<Vec<crate::model::Tour>>,
}

/// Problems from the latest load; empty when it succeeded.
#[derive(Resource, Debug, Default, Clone)]
pub struct LoadProblems(pub Diagnostics);

fn display_name(options: &LaunchOptions, file: &str) -> String {
    display_path(
        &std::path::Path::new(&options.diagram_dir)
            .join(file)
            .display()
            .to_string(),
    )
}

/// A path as shown in messages: relative to the working directory when it is inside it.
fn display_path(path: &str) -> String {
    let full = std::path::Path::new(path);
    #[cfg(not(target_arch = "wasm32"))]
    if let Ok(cwd) = std::env::current_dir()
        && let Ok(rel) = full.strip_prefix(&cwd)
    {
        return rel.display().to_string();
    }
    full.display().to_string()
}

fn start_loading(mut commands: Commands, server: Res<AssetServer>, options: Res<LaunchOptions>) {
    let diagram_path = AssetPath::from(options.diagram_file.clone()).with_source(DIAGRAM_SOURCE);
    commands.insert_resource(Sources {
        diagram: server.load(diagram_path),
        index: server.load(format!("{WRITEUP_DIR}/index.ron")),
        writeups: Vec::new(),
        index_text: None,
        last_inputs: None,
        dirty: true,
        diagram_name: display_name(&options, &options.diagram_file),
        diagram_file: options.diagram_file.clone(),
        tours: server.load(tours_path(&options.diagram_file)),
        diagram_index: server.load(AssetPath::from("index.ron").with_source(DIAGRAM_SOURCE)),
        listed: Vec::new(),
    });
}

/// Any text file loading, changing or failing means the model must be validated again.
fn mark_dirty(
    mut events: MessageReader<AssetEvent<TextFile>>,
    mut failures: MessageReader<bevy::asset::AssetLoadFailedEvent<TextFile>>,
    mut sources: ResMut<Sources>,
) {
    let any = events.read().count() + failures.read().count() > 0;
    if any {
        sources.dirty = true;
    }
}

/// Where a diagram's tours live: `tours/<diagram file>` in the diagram's folder.
fn tours_path(diagram_file: &str) -> AssetPath<'static> {
    AssetPath::from(format!("{TOURS_DIR}/{diagram_file}")).with_source(DIAGRAM_SOURCE)
}

/// Whether a load failed only because the file does not exist (tours are optional).
fn is_missing(server: &AssetServer, handle: &Handle<TextFile>) -> bool {
    match server.load_state(handle) {
        LoadState::Failed(err) => matches!(
            &*err,
            bevy::asset::AssetLoadError::AssetReaderError(
                bevy::asset::io::AssetReaderError::NotFound(_)
            )
        ),
        _ => false,
    }
}

/// Opens another diagram from the same folder when the picker asks for it.
fn switch_diagram(
    mut intents: MessageReader<crate::selection::Intent>,
    mut sources: ResMut<Sources>,
    options: Res<LaunchOptions>,
    server: Res<AssetServer>,
) {
    for intent in intents.read() {
        if let crate::selection::Intent::OpenDiagram(file) = intent
            && *file != sources.diagram_file
            && crate::model::is_valid_slug(file)
        {
            sources.diagram =
                server.load(AssetPath::from(file.clone()).with_source(DIAGRAM_SOURCE));
            sources.diagram_name = display_name(&options, file);
            sources.diagram_file = file.clone();
            sources.tours = server.load(tours_path(file));
            sources.dirty = true;
        }
    }
}

/// Keeps [`DiagramChoices`] in step with the folder's index and the listed diagrams' titles.
fn list_diagrams(
    mut sources: ResMut<Sources>,
    texts: Res<Assets<TextFile>>,
    server: Res<AssetServer>,
    mut choices: ResMut<DiagramChoices>,
) {
    let names: Vec<String> = texts
        .get(&sources.diagram_index)
        .and_then(|t| crate::model::parse_diagram_index("index.ron", &t.text).ok())
        .unwrap_or_default();
    if names.iter().ne(sources.listed.iter().map(|(n, _)| n)) {
        sources.listed = names
            .into_iter()
            .map(|n| {
                let h = server.load(AssetPath::from(n.clone()).with_source(DIAGRAM_SOURCE));
                (n, h)
            })
            .collect();
    }
    let title = |h: &Handle<TextFile>| {
        let t = texts.get(h)?;
        crate::model::ron_options()
            .from_str::<crate::model::DiagramFile>(&t.text)
            .ok()
            .map(|d| d.title)
    };
    let mut next: Vec<(String, String)> = sources
        .listed
        .iter()
        .map(|(n, h)| (n.clone(), title(h).unwrap_or_else(|| n.clone())))
        .collect();
    if !next.iter().any(|(n, _)| *n == sources.diagram_file) {
        // A diagram opened from elsewhere is always offered.
        next.insert(
            0,
            (sources.diagram_file.clone(), sources.diagram_file.clone()),
        );
    }
    choices.set_if_neq(DiagramChoices(next));
}

/// Requests the write-ups the index lists, whenever the index text changes.
fn request_writeups(sources: &mut Sources, index: &str, server: &AssetServer) {
    // Slugs the index names; invalid ones are reported by `assemble`.
    let slugs: Vec<String> = crate::model::ron_options()
        .from_str::<Vec<String>>(index)
        .unwrap_or_default();
    sources.writeups = slugs
        .into_iter()
        .filter(|s| crate::model::is_valid_slug(s))
        .map(|slug| {
            let meta = server.load(format!("{WRITEUP_DIR}/{slug}.ron"));
            let body = server.load(format!("{WRITEUP_DIR}/{slug}.md"));
            (slug, meta, body)
        })
        .collect();
    sources.index_text = Some(index.to_owned());
}

fn settled(server: &AssetServer, handle: &Handle<TextFile>) -> bool {
    matches!(
        server.load_state(handle),
        LoadState::Loaded | LoadState::Failed(_)
    )
}

fn failure(server: &AssetServer, handle: &Handle<TextFile>) -> Option<String> {
    match server.load_state(handle) {
        LoadState::Failed(err) => Some(err.to_string()),
        _ => None,
    }
}

/// Once every file has loaded (or failed), validate them together.
#[allow(clippy::too_many_arguments)]
fn assemble(
    mut commands: Commands,
    mut sources: ResMut<Sources>,
    texts: Res<Assets<TextFile>>,
    server: Res<AssetServer>,
    mut problems: ResMut<LoadProblems>,
    previous: Option<Res<LoadedModel>>,
    options: Res<LaunchOptions>,
    mut notice: ResMut<crate::selection::Notice>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    if !sources.dirty {
        return;
    }
    // A file arriving wakes no one in the reactive loop (on the web not even a window event
    // does), so keep frames coming until every file is in.
    redraw.write(bevy::window::RequestRedraw);
    // The write-ups to wait for are the ones the current index lists.
    if let Some(index) = texts.get(&sources.index)
        && sources.index_text.as_deref() != Some(index.text.as_str())
    {
        let text = index.text.clone();
        request_writeups(&mut sources, &text, &server);
        return;
    }
    let ready = settled(&server, &sources.diagram)
        && settled(&server, &sources.tours)
        && settled(&server, &sources.index)
        && sources
            .writeups
            .iter()
            .all(|(_, m, b)| settled(&server, m) && settled(&server, b));
    if !ready {
        return;
    }
    sources.dirty = false;
    let fingerprint = {
        use std::hash::{Hash, Hasher};
        let mut h = std::collections::hash_map::DefaultHasher::new();
        let handles = [&sources.diagram, &sources.tours, &sources.index]
            .into_iter()
            .chain(sources.writeups.iter().flat_map(|(_, m, b)| [m, b]));
        for handle in handles {
            texts.get(handle).map(|t| t.text.as_str()).hash(&mut h);
            failure(&server, handle).hash(&mut h);
        }
        h.finish()
    };
    if sources.last_inputs.replace(fingerprint) == Some(fingerprint) {
        return;
    }
    let index_name = format!("{WRITEUP_DIR}/index.ron");
    let mut diags = Diagnostics::default();

    let mut writeup_sources = Vec::new();
    match (texts.get(&sources.index), failure(&server, &sources.index)) {
        (Some(index), _) => {
            if let Err(d) = crate::model::parse_writeup_index(&index_name, &index.text) {
                diags.0.extend(d.0);
            }
        }
        (None, err) => diags.error(
            &index_name,
            None,
            err.unwrap_or_else(|| "cannot load the write-up index".into()),
        ),
    }
    for (slug, meta, body) in &sources.writeups {
        let meta_file = format!("{WRITEUP_DIR}/{slug}.ron");
        let body_file = format!("{WRITEUP_DIR}/{slug}.md");
        let mut get = |h: &Handle<TextFile>, name: &str| match texts.get(h) {
            Some(t) => Some(t.text.clone()),
            None => {
                let why = failure(&server, h).unwrap_or_else(|| "not loaded".into());
                // Not fatal: the rest of the app works, and the panel says this one is missing.
                diags.warning(name, None, format!("write-up `{slug}` is missing: {why}"));
                None
            }
        };
        if let (Some(meta), Some(body)) = (get(meta, &meta_file), get(body, &body_file)) {
            writeup_sources.push(WriteupSource {
                slug: slug.clone(),
                meta_file,
                meta,
                body_file,
                body,
            });
        }
    }
    // Diagrams may name every write-up the index lists, even one whose files are missing.
    let slugs: BTreeSet<WriteupSlug> = sources
        .writeups
        .iter()
        .map(|(s, _, _)| WriteupSlug::new(s.as_str()))
        .collect();
    let listed: BTreeSet<&str> = sources
        .writeups
        .iter()
        .map(|(s, _, _)| s.as_str())
        .collect();
    let catalog = WriteupCatalog::build_listed(&writeup_sources, &listed)
        .map_err(|d| diags.0.extend(d.0))
        .ok();

    let diagram = match (
        texts.get(&sources.diagram),
        failure(&server, &sources.diagram),
    ) {
        (Some(t), _) => crate::model::parse_diagram(&sources.diagram_name, &t.text, &slugs)
            .map_err(|d| diags.0.extend(d.0))
            .ok(),
        (None, err) => {
            diags.error(
                &sources.diagram_name,
                None,
                err.unwrap_or_else(|| "cannot load the diagram".into()),
            );
            None
        }
    };

    let tours_name = format!(
        "{}/{TOURS_DIR}/{}",
        options.diagram_dir, sources.diagram_file
    );
    let tours = match (&diagram, texts.get(&sources.tours)) {
        (Some(d), Some(t)) => {
            crate::model::parse_tours(&display_path(&tours_name), &t.text, d, &slugs)
                .map_err(|e| diags.0.extend(e.0))
                .unwrap_or_default()
        }
        (_, None) if !is_missing(&server, &sources.tours) => {
            if let Some(why) = failure(&server, &sources.tours) {
                diags.error(&display_path(&tours_name), None, why);
            }
            Vec::new()
        }
        _ => Vec::new(),
    };

    match (diagram, catalog) {
        (Some(diagram), Some(writeups)) if !diags.has_errors() => {
            let generation = previous.map_or(1, |p| p.generation + 1);
            commands.insert_resource(LoadedModel {
                diagram: Arc::new(diagram),
                writeups: Arc::new(writeups),
                generation,
                diagram_file: sources.diagram_file.clone(),
                tours: Arc::new(tours),
            });
            if !problems.0.0.is_empty() {
                problems.0 = Diagnostics::default();
            }
            // Warnings (a missing write-up) do not stop the load; they are said once.
            let missing: Vec<String> = diags.0.iter().map(ToString::to_string).collect();
            if !missing.is_empty() {
                for m in &missing {
                    warn!("{m}");
                }
                notice.text = Some(format!(
                    "Some write-ups could not be loaded: {}",
                    missing.join("; ")
                ));
            }
            info!("loaded {} (load #{generation})", sources.diagram_name);
        }
        _ => {
            for d in &diags.0 {
                // The terminal gets exactly what the window shows.
                #[cfg(not(target_arch = "wasm32"))]
                eprintln!("{d}");
                #[cfg(target_arch = "wasm32")]
                error!("{d}");
            }
            problems.0 = diags;
        }
    }
}
