//! Loading: files arrive through Bevy's asset system (the same on desktop and web), and once all
//! of them are in, the core assembles and validates them together
//! ([`crate::model::project::assemble`], the same function `check` runs).
//!
//! The result is either a new [`LoadedModel`] or the [`LoadProblems`]. A failed reload keeps
//! the last good model on screen. The consumer of [`Intent::OpenDiagram`].
//!
//! What the diagram needs comes first: the diagram, its tours, the write-up index and each
//! write-up's metadata. The write-ups' text (the bodies) is requested once that model is on
//! screen, and each body joins the catalog as it arrives ([`crate::model::Body`]); a body that
//! changes on disk is parsed again on its own.

use std::sync::Arc;

use bevy::asset::io::Reader;
use bevy::asset::{AssetLoader, AssetPath, LoadContext, LoadState};
use bevy::prelude::*;

use super::state::{
    Consumer, DIAGRAM_SOURCE, DiagramChoices, HandedFiles, Intent, LabFile, LabFiles,
    LaunchOptions, LoadProblems, LoadedModel, Notice, Shown,
};
use crate::model::project::{self, NamedText, ProjectTexts, Unreadable, WriteupFiles};
use crate::model::{Diagnostics, Severity, WriteupSlug, paths};

pub(super) fn plugin(app: &mut App) {
    app.init_asset::<TextFile>()
        .register_asset_loader(TextLoader)
        .add_systems(Startup, start_loading)
        .add_systems(
            PreUpdate,
            (
                mark_dirty,
                switch_diagram,
                assemble,
                fill_bodies,
                // The picker's other diagrams, once this one is on screen.
                list_diagrams
                    .run_if(|s: Res<Sources>, shown: Res<Shown>| s.choices_dirty && shown.0),
                list_labs,
            )
                .chain(),
        )
        .init_resource::<LabSources>();
}

/// The lab scenarios' files: `labs/index.ron` and each scenario it lists, requested once the
/// first model is on screen (`Shown`: the diagram comes first).
#[derive(Resource, Debug, Default)]
struct LabSources {
    index: Option<Handle<TextFile>>,
    listed: Vec<(String, Handle<TextFile>)>,
}

/// Keeps [`LabFiles`] in step with the files: the index's list, each file's title and diagram.
fn list_labs(
    mut sources: ResMut<LabSources>,
    mut events: MessageReader<AssetEvent<TextFile>>,
    mut failures: MessageReader<bevy::asset::AssetLoadFailedEvent<TextFile>>,
    shown: Res<Shown>,
    texts: Res<Assets<TextFile>>,
    server: Res<AssetServer>,
    mut files: ResMut<LabFiles>,
) {
    // Only the labs' own files matter: the write-ups' bodies arriving after the diagram is
    // shown are events too, and each would otherwise read every scenario again.
    let ours = |id: AssetId<TextFile>| {
        sources.index.as_ref().is_some_and(|h| h.id() == id)
            || sources.listed.iter().any(|(_, h)| h.id() == id)
    };
    let changed = events.read().any(|e| ours(event_id(e))) | failures.read().any(|f| ours(f.id));
    let Some(index) = sources.index.clone() else {
        // `Shown` comes once there is a model on screen.
        if shown.0 {
            sources.index =
                Some(server.load(AssetPath::from(paths::labs_index()).with_source(DIAGRAM_SOURCE)));
        }
        return;
    };
    if !changed {
        return;
    }
    let index_name = format!("{}/{}", paths::LABS_DIR, paths::INDEX_FILE);
    let names: Vec<String> = texts
        .get(&index)
        .and_then(|t| crate::model::parse_diagram_index(&index_name, &t.text).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|f| f.trim_end_matches(".ron").to_owned())
        .collect();
    if names.iter().ne(sources.listed.iter().map(|(n, _)| n)) {
        sources.listed = names
            .into_iter()
            .map(|n| {
                let h =
                    server.load(AssetPath::from(paths::lab_file(&n)).with_source(DIAGRAM_SOURCE));
                (n, h)
            })
            .collect();
    }
    let next: Vec<LabFile> = sources
        .listed
        .iter()
        .map(|(name, h)| {
            let text = match (texts.get(h), server.load_state(h)) {
                (Some(t), _) => Some(Ok(Arc::<str>::from(t.text.as_str()))),
                (None, LoadState::Failed(e)) => Some(Err(e.to_string())),
                _ => None,
            };
            // The title and diagram without checking the parts (the lab does, on opening),
            // read again only when the text changed.
            let known = files
                .files
                .iter()
                .find(|f| f.name == *name && f.text == text);
            if let Some(known) = known {
                return known.clone();
            }
            let head = match &text {
                Some(Ok(t)) => {
                    crate::lab::any::parse_any_in(&paths::lab_file(name), name, t, &mut |_| {
                        Ok(None)
                    })
                    .ok()
                }
                _ => None,
            };
            LabFile {
                name: name.clone(),
                title: head.as_ref().map(|s| s.title().to_owned()),
                diagram: head.map(|s| s.diagram().to_owned()),
                text,
            }
        })
        .collect();
    let listed =
        texts.get(&index).is_some() || matches!(server.load_state(&index), LoadState::Failed(_));
    files.set_if_neq(LabFiles {
        listed,
        files: next,
    });
}

/// A text file (RON or Markdown), read as UTF-8.
#[derive(Asset, TypePath, Debug)]
pub(super) struct TextFile {
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

/// One write-up's two files, requested.
#[derive(Debug)]
struct WriteupHandles {
    slug: WriteupSlug,
    meta: Handle<TextFile>,
    /// Requested once the model the metadata makes is on screen.
    body: Option<Handle<TextFile>>,
    /// A fingerprint of the body text (or its failure) the catalog has now.
    applied: Option<u64>,
}

/// Handles to every file the current model is built from.
#[derive(Resource, Debug)]
pub(super) struct Sources {
    diagram: Handle<TextFile>,
    index: Handle<TextFile>,
    /// The write-ups, in index order.
    writeups: Vec<WriteupHandles>,
    /// The index text `writeups` was requested for.
    index_text: Option<String>,
    /// A fingerprint of the texts last validated, so identical inputs are not validated twice.
    last_inputs: Option<u64>,
    /// Set when a file changed and the model must be rebuilt once everything is loaded.
    dirty: bool,
    /// Set when the picker's list must be made again (its index or a listed diagram changed).
    choices_dirty: bool,
    /// Set when a file changed, so the bodies are looked at again.
    bodies_dirty: bool,
    /// The model whose catalog the bodies were last put into.
    bodies_in: Option<u64>,
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

impl Sources {
    fn requests(&self, diagram_file: &str, files: &mut Requests) -> Self {
        Self {
            diagram: files
                .load(AssetPath::from(diagram_file.to_owned()).with_source(DIAGRAM_SOURCE)),
            tours: files
                .load(AssetPath::from(paths::tours_file(diagram_file)).with_source(DIAGRAM_SOURCE)),
            diagram_name: display_name(&files.options.diagram_dir, diagram_file),
            diagram_file: diagram_file.to_owned(),
            index: self.index.clone(),
            writeups: Vec::new(),
            index_text: None,
            last_inputs: None,
            dirty: true,
            choices_dirty: true,
            bodies_dirty: true,
            bodies_in: None,
            diagram_index: self.diagram_index.clone(),
            listed: Vec::new(),
        }
    }
}

/// Where text files come from: the files the page handed over ([`HandedFiles`]), each taken
/// once and in memory at once, or else a request to the file's asset source.
#[derive(bevy::ecs::system::SystemParam)]
struct Requests<'w> {
    server: Res<'w, AssetServer>,
    texts: ResMut<'w, Assets<TextFile>>,
    handed: Option<ResMut<'w, HandedFiles>>,
    options: Res<'w, LaunchOptions>,
}

impl Requests<'_> {
    fn load(&mut self, path: AssetPath<'static>) -> Handle<TextFile> {
        let address = address(&self.options, &path);
        match self
            .handed
            .as_deref_mut()
            .and_then(|h| h.0.remove(&address))
        {
            Some(text) => self.texts.add(TextFile { text }),
            None => self.server.load(path),
        }
    }
}

/// A file's address: its asset source's folder, then its path (on the web, its URL relative to
/// the page, which is how the page names the files it hands over).
fn address(options: &LaunchOptions, path: &AssetPath) -> String {
    let root = match path.source() {
        bevy::asset::io::AssetSourceId::Name(name) if name.as_ref() == DIAGRAM_SOURCE => {
            &options.diagram_dir
        }
        _ => &options.asset_root,
    };
    format!("{root}/{}", path.path().to_string_lossy())
}

/// A path as shown in messages: relative to the working directory when it is inside it.
fn display_name(dir: &str, file: &str) -> String {
    let full = std::path::Path::new(dir).join(file);
    #[cfg(not(target_arch = "wasm32"))]
    if let Ok(cwd) = std::env::current_dir()
        && let Ok(rel) = full.strip_prefix(&cwd)
    {
        return rel.display().to_string();
    }
    full.display().to_string()
}

/// The write-up folder as asset paths see it.
fn writeup_path(file: &str) -> String {
    format!("{}/{file}", paths::WRITEUP_DIR)
}

fn start_loading(mut commands: Commands, mut files: Requests) {
    let file = files.options.diagram_file.clone();
    let seed = Sources {
        diagram: Handle::default(),
        index: files.load(AssetPath::from(writeup_path(paths::INDEX_FILE))),
        writeups: Vec::new(),
        index_text: None,
        last_inputs: None,
        dirty: true,
        choices_dirty: true,
        bodies_dirty: true,
        bodies_in: None,
        diagram_name: String::new(),
        diagram_file: String::new(),
        tours: Handle::default(),
        diagram_index: files
            .server
            .load(AssetPath::from(paths::INDEX_FILE).with_source(DIAGRAM_SOURCE)),
        listed: Vec::new(),
    };
    commands.insert_resource(seed.requests(&file, &mut files));
}

/// Any text file loading, changing or failing means the model must be validated again; the
/// picker's list only when the diagram index or a listed diagram changed.
fn mark_dirty(
    mut events: MessageReader<AssetEvent<TextFile>>,
    mut failures: MessageReader<bevy::asset::AssetLoadFailedEvent<TextFile>>,
    mut sources: ResMut<Sources>,
) {
    for event in events.read() {
        sources.dirty = true;
        sources.bodies_dirty = true;
        let id = event_id(event);
        if id == sources.diagram_index.id() || sources.listed.iter().any(|(_, h)| h.id() == id) {
            sources.choices_dirty = true;
        }
    }
    if failures.read().count() > 0 {
        sources.dirty = true;
        sources.bodies_dirty = true;
        sources.choices_dirty = true;
    }
}

/// The file an asset event is about.
fn event_id(event: &AssetEvent<TextFile>) -> AssetId<TextFile> {
    match event {
        AssetEvent::Added { id }
        | AssetEvent::Modified { id }
        | AssetEvent::LoadedWithDependencies { id }
        | AssetEvent::Removed { id }
        | AssetEvent::Unused { id } => *id,
    }
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

/// Opens another diagram from the same folder when the picker (or a link) asks for it.
fn switch_diagram(
    mut intents: MessageReader<Intent>,
    mut sources: ResMut<Sources>,
    mut files: Requests,
) {
    for intent in intents.read().filter(Intent::for_(Consumer::Loading)) {
        if let Intent::OpenDiagram(file) = intent
            && *file != sources.diagram_file
            && crate::model::is_valid_slug(file)
        {
            let next = sources.requests(file, &mut files);
            *sources = next;
        }
    }
}

/// Makes [`DiagramChoices`] from the folder's index and the listed diagrams' titles.
fn list_diagrams(
    mut sources: ResMut<Sources>,
    texts: Res<Assets<TextFile>>,
    server: Res<AssetServer>,
    mut choices: ResMut<DiagramChoices>,
) {
    sources.choices_dirty = false;
    let index_name = paths::INDEX_FILE;
    let names: Vec<String> = texts
        .get(&sources.diagram_index)
        .and_then(|t| crate::model::parse_diagram_index(index_name, &t.text).ok())
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
    let title =
        |(name, h): &(String, Handle<TextFile>)| project::diagram_title(name, &texts.get(h)?.text);
    let mut next: Vec<(String, String)> = sources
        .listed
        .iter()
        .map(|entry| {
            (
                entry.0.clone(),
                title(entry).unwrap_or_else(|| entry.0.clone()),
            )
        })
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
fn request_writeups(sources: &mut Sources, index: &str, files: &mut Requests) {
    let named = NamedText {
        name: writeup_path(paths::INDEX_FILE),
        text: Ok(index.to_owned()),
    };
    sources.writeups = project::listed_slugs(&named)
        .into_iter()
        .map(|slug| WriteupHandles {
            meta: files.load(AssetPath::from(writeup_path(&paths::writeup_meta_file(
                slug.as_str(),
            )))),
            body: None,
            applied: None,
            slug,
        })
        .collect();
    sources.index_text = Some(index.to_owned());
}

/// Whether a file is in (handed over, or loaded) or has failed.
fn settled(server: &AssetServer, texts: &Assets<TextFile>, handle: &Handle<TextFile>) -> bool {
    texts.contains(handle)
        || matches!(
            server.load_state(handle),
            LoadState::Loaded | LoadState::Failed(_)
        )
}

/// A loaded file's text, or why there is none.
fn text_of(
    name: String,
    handle: &Handle<TextFile>,
    texts: &Assets<TextFile>,
    server: &AssetServer,
) -> NamedText {
    let text = match texts.get(handle) {
        Some(t) => Ok(t.text.clone()),
        None => Err(Unreadable {
            pos: None,
            message: match server.load_state(handle) {
                LoadState::Failed(err) => err.to_string(),
                _ => "not loaded".to_owned(),
            },
        }),
    };
    NamedText { name, text }
}

/// Once every file has loaded (or failed), validate them together.
#[allow(clippy::too_many_arguments)]
fn assemble(
    mut commands: Commands,
    mut sources: ResMut<Sources>,
    mut files: Requests,
    mut problems: ResMut<LoadProblems>,
    previous: Option<Res<LoadedModel>>,
    mut notice: ResMut<Notice>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    if !sources.dirty {
        return;
    }
    // A file arriving wakes no one in the reactive loop (on the web not even a window event
    // does), so keep frames coming until every file is in.
    redraw.write(bevy::window::RequestRedraw);
    // The write-ups to wait for are the ones the current index lists (handed over by the
    // page, they are in at once).
    if let Some(index) = files.texts.get(&sources.index)
        && sources.index_text.as_deref() != Some(index.text.as_str())
    {
        let text = index.text.clone();
        request_writeups(&mut sources, &text, &mut files);
    }
    let Requests {
        server,
        texts,
        options,
        ..
    } = files;
    let is_in = |h: &Handle<TextFile>| settled(&server, &texts, h);
    let ready = is_in(&sources.diagram)
        && is_in(&sources.tours)
        && is_in(&sources.index)
        && sources.writeups.iter().all(|w| is_in(&w.meta));
    if !ready {
        return;
    }
    sources.dirty = false;
    let texts = ProjectTexts {
        writeup_index: text_of(
            writeup_path(paths::INDEX_FILE),
            &sources.index,
            &texts,
            &server,
        ),
        writeups: sources
            .writeups
            .iter()
            .map(|w| WriteupFiles {
                slug: w.slug.clone(),
                meta: text_of(
                    writeup_path(&paths::writeup_meta_file(w.slug.as_str())),
                    &w.meta,
                    &texts,
                    &server,
                ),
                // The bodies follow (`fill_bodies`).
                body: None,
            })
            .collect(),
        diagram: text_of(
            sources.diagram_name.clone(),
            &sources.diagram,
            &texts,
            &server,
        ),
        // Tours are optional: a missing file is no tours, not an error.
        tours: (!is_missing(&server, &sources.tours)).then(|| {
            text_of(
                display_name(
                    &options.diagram_dir,
                    &paths::tours_file(&sources.diagram_file),
                ),
                &sources.tours,
                &texts,
                &server,
            )
        }),
    };
    let fingerprint = fingerprint(&texts);
    if sources.last_inputs.replace(fingerprint) == Some(fingerprint) {
        return;
    }
    // The app keeps working when a write-up's files are missing: its parts say so.
    let assembled = project::assemble(&texts, Severity::Warning);
    match assembled.project {
        Some(p) => {
            let generation = previous.map_or(1, |p| p.generation + 1);
            commands.insert_resource(LoadedModel {
                diagram: Arc::new(p.diagram),
                writeups: Arc::new(p.writeups),
                generation,
                diagram_file: sources.diagram_file.clone(),
                tours: Arc::new(p.tours),
            });
            if !problems.0.0.is_empty() {
                problems.0 = Diagnostics::default();
            }
            // Warnings (a missing write-up) do not stop the load; they are said once.
            let missing: Vec<String> = assembled
                .diagnostics
                .0
                .iter()
                .map(ToString::to_string)
                .collect();
            if !missing.is_empty() {
                for m in &missing {
                    tracing::warn!("{m}");
                }
                notice.say(format!(
                    "Some write-ups could not be loaded: {}",
                    missing.join("; ")
                ));
            }
            tracing::info!("loaded {} (load #{generation})", sources.diagram_name);
        }
        None => {
            for d in &assembled.diagnostics.0 {
                // The terminal gets exactly what the window shows.
                #[cfg(not(target_arch = "wasm32"))]
                eprintln!("{d}");
                #[cfg(target_arch = "wasm32")]
                tracing::error!("{d}");
            }
            problems.0 = assembled.diagnostics;
        }
    }
}

/// Requests the write-ups' bodies once a model is on screen, and puts each into the catalog as
/// it arrives or changes (every one again when a new model replaces the catalog). A body is
/// only read by the reader, so this leaves the model's change detection alone: nothing the
/// diagram draws depends on it.
fn fill_bodies(
    mut sources: ResMut<Sources>,
    model: Option<ResMut<LoadedModel>>,
    shown: Res<Shown>,
    texts: Res<Assets<TextFile>>,
    server: Res<AssetServer>,
    mut notice: ResMut<Notice>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
) {
    // The texts are asked for once the diagram is on screen: nothing on the first screen shows
    // them, and the first frames are the learner's wait.
    let Some(mut model) = model.filter(|_| shown.0) else {
        return;
    };
    let fresh = sources.bodies_in != Some(model.generation);
    if !fresh && !sources.bodies_dirty {
        return;
    }
    let sources = &mut *sources;
    sources.bodies_dirty = false;
    sources.bodies_in = Some(model.generation);
    let listed: std::collections::BTreeSet<WriteupSlug> =
        sources.writeups.iter().map(|w| w.slug.clone()).collect();
    let mut changes = Vec::new();
    let mut waiting = false;
    for w in &mut sources.writeups {
        let name = writeup_path(&paths::writeup_body_file(w.slug.as_str()));
        let handle = w.body.get_or_insert_with(|| server.load(name.clone()));
        if !settled(&server, &texts, handle) {
            waiting = true;
            continue;
        }
        let file = text_of(name.clone(), handle, &texts, &server);
        let key = fingerprint_of([&file]);
        if !fresh && w.applied == Some(key) {
            continue;
        }
        w.applied = Some(key);
        let problems = match &file.text {
            Ok(text) => {
                let (body, problems) = crate::model::parse_writeup_body(&name, text, &listed);
                if !problems.has_errors() {
                    changes.push((w.slug.clone(), crate::model::Body::Ready(Arc::new(body))));
                }
                problems
            }
            Err(_) => {
                let mut d = Diagnostics::default();
                project::missing_writeup(&mut d, &w.slug, &file, Severity::Error);
                d
            }
        };
        for p in &problems.0 {
            // The terminal gets what the reader shows.
            #[cfg(not(target_arch = "wasm32"))]
            eprintln!("{p}");
            #[cfg(target_arch = "wasm32")]
            tracing::warn!("{p}");
        }
        if problems.has_errors() {
            let why: Vec<String> = problems.0.iter().map(ToString::to_string).collect();
            notice.say(format!("A write-up could not be read: {}", why.join("; ")));
            changes.push((
                w.slug.clone(),
                crate::model::Body::Unreadable(why.join("\n")),
            ));
        }
    }
    if waiting {
        // Nothing wakes the reactive loop when a file arrives: look again next frame.
        sources.bodies_dirty = true;
        redraw.write(bevy::window::RequestRedraw);
    }
    if !changes.is_empty() {
        let model = model.bypass_change_detection();
        let catalog = Arc::make_mut(&mut model.writeups);
        for (slug, body) in changes {
            catalog.set_body(&slug, body);
        }
        redraw.write(bevy::window::RequestRedraw);
    }
}

/// A fingerprint of every input text (or why it is missing).
fn fingerprint(texts: &ProjectTexts) -> u64 {
    fingerprint_of(
        [&texts.writeup_index, &texts.diagram]
            .into_iter()
            .chain(texts.tours.as_ref())
            .chain(texts.writeups.iter().map(|w| &w.meta)),
    )
}

/// A fingerprint of some files' names and texts (or why they are missing).
fn fingerprint_of<'a>(files: impl IntoIterator<Item = &'a NamedText>) -> u64 {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for f in files {
        f.name.hash(&mut h);
        match &f.text {
            Ok(t) => t.hash(&mut h),
            Err(e) => e.message.hash(&mut h),
        }
    }
    h.finish()
}
