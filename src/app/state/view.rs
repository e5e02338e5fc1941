//! What the canvas shows and where: the camera and its room beside the panels, the parts'
//! entities and labels, and the emphasis a tour or a search puts on them.

use bevy::prelude::*;

use crate::model::Target;

/// Marks the camera that draws the diagram.
#[derive(Component, Debug)]
pub struct MainCamera;

/// Where the camera looks: the world point at the viewport centre, and world units per pixel.
#[derive(Resource, Debug, Clone, Copy, PartialEq)]
pub struct CameraView {
    /// World point at the centre of the viewport.
    pub center: Vec2,
    /// World units per logical pixel (bigger is farther away).
    pub scale: f32,
}

/// Frame these components and links (a tour step): ease the camera to show them all.
#[derive(Message, Debug, Clone, PartialEq)]
pub struct FrameTargets(pub Vec<Target>);

/// Pan just enough to bring this component or link into view (keyboard navigation).
#[derive(Message, Debug, Clone, PartialEq)]
pub struct RevealTarget(pub Target);

/// Whether the renderer's last frame drew everything the scene asked of it: no render pipeline
/// was still being compiled (a pipeline compiled in a frame draws from the next one on). Set by
/// the renderer; `None` without one (headless), where there is nothing to wait for.
#[derive(Resource, Debug, Clone, Default)]
pub struct FrameComplete(pub Option<std::sync::Arc<std::sync::atomic::AtomicBool>>);

impl FrameComplete {
    /// Whether the last frame was complete (always, without a renderer).
    pub fn get(&self) -> bool {
        self.0
            .as_ref()
            .is_none_or(|f| f.load(std::sync::atomic::Ordering::Relaxed))
    }
}

/// The app's picture has been shown: on the web, the page's own figure gave way to it. Until
/// then nothing the app drew was seen, so the first framing can still be made again.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct Shown(pub bool);

/// The frame in which the app was shown, counting its first frame as 1 (0 until then): 2 when
/// the first frame drew all of the diagram and the second confirmed its framing.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct ShownInFrame(pub u32);

/// Where [`Shown`] is decided, in `Last`: what publishes it runs after.
#[derive(SystemSet, Debug, Clone, PartialEq, Eq, Hash)]
pub struct ShownSystems;

/// Logical pixels of the window covered by panels on each side.
#[derive(Resource, Debug, Default, Clone, Copy, PartialEq)]
pub struct UiInsets {
    /// Covered on the left.
    pub left: f32,
    /// Covered on the right.
    pub right: f32,
    /// Covered at the top.
    pub top: f32,
    /// Covered at the bottom.
    pub bottom: f32,
}

impl UiInsets {
    /// Whether a window position (logical pixels) is on the diagram canvas of a window this
    /// size, not under a panel. Asked of the panels as they were last drawn, so a panel that
    /// has just opened takes its clicks at once.
    pub fn on_canvas(&self, window: Vec2, pos: Vec2) -> bool {
        pos.x >= self.left
            && pos.y >= self.top
            && pos.x <= window.x - self.right
            && pos.y <= window.y - self.bottom
    }
}

/// What stays bright while the rest of the diagram fades: a tour step's focus, or the parts
/// matching a search. `None` everywhere: nothing fades. Derived from [`TourState`] and
/// [`SearchState`].
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct Emphasis {
    /// The current tour step's focus.
    pub tour: Option<Vec<Target>>,
    /// Matches of the quick search while it is open (wins over the tour).
    pub search: Option<Vec<Target>>,
}

impl Emphasis {
    /// The set in force.
    pub fn active(&self) -> Option<&Vec<Target>> {
        self.search.as_ref().or(self.tour.as_ref())
    }
}

/// Marks the entity of one component or link, and says which.
#[derive(Component, Debug, Clone, PartialEq)]
pub struct DiagramEntity {
    /// The component or link this entity stands for.
    pub target: Target,
}

/// The figure on the canvas: the core's display list for the loaded diagram in the current
/// theme and text size, faded by the [`Emphasis`]. The scene's meshes, the canvas labels, the
/// accessibility tree and the state probe all draw from it.
#[derive(Resource, Debug, Clone, PartialEq)]
pub struct CanvasFigure(pub crate::model::figure::Figure);

/// The labels the last egui pass drew on the canvas, where (egui points): for tests, the
/// state probe and benchmarks.
#[derive(Resource, Debug, Default, Clone, PartialEq)]
pub struct LabelsDrawn {
    /// Each part's label drawn, with its rectangle.
    pub parts: Vec<(Target, Rect)>,
    /// The travelling packet's label, if drawn.
    pub packet: Option<Rect>,
    /// Part labels left out because the packet's label passes over them.
    pub hidden: usize,
    /// The lab's frames drawn: each frame's number and its rectangle (egui points).
    pub frames: Vec<(u64, Rect)>,
}

impl LabelsDrawn {
    /// How many labels were drawn.
    pub fn count(&self) -> usize {
        self.parts.len() + usize::from(self.packet.is_some())
    }
}
