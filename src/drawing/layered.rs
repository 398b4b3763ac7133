//! Positions for the scene from `layout-rs`, a layered (Sugiyama-style)
//! layout in pure Rust: boxes, and each edge as cubic Bézier pieces.
//!
//! `layout-rs` checks every edge it is given for a cycle by a depth-first
//! search that forgets what it visited, exponential on graphs with many
//! paths (ours); an edge given before any edge out of its head finds
//! nothing to search, so edges go in by their head's topological order,
//! and its own whole-graph validation is off. Its placement grows fast
//! with the edges that cross many layers, so large scenes are refused
//! before (`MAX_NODES`) and its crossing optimisation is skipped on the
//! larger ones it gets. A panic inside it becomes an error.

use super::{node_look, Scene};
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::StyleAttr;
use layout::std_shapes::shapes::{Arrow, Element, ShapeKind};
use layout::topo::layout::VisualGraph;

/// A point of the drawing (x to the right, y down), in SVG pixels.
pub type Xy = (f64, f64);

/// A cubic Bézier piece: start, two control points, end.
pub type Cubic = [Xy; 4];

/// One placed node: its centre and size.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Placed {
    pub cx: f64,
    pub cy: f64,
    pub w: f64,
    pub h: f64,
}

/// The scene laid out.
#[derive(Clone, Debug)]
pub struct Layout {
    pub width: f64,
    pub height: f64,
    /// Indexed as [`Scene::nodes`].
    pub nodes: Vec<Placed>,
    /// Indexed as [`Scene::edges`]; each from the operand's box to the user's.
    pub edges: Vec<Vec<Cubic>>,
}

/// Why there is no layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LayoutFailed {
    /// The layered graph (nodes, and a point per layer an edge crosses)
    /// is larger than [`BUDGET`]: `layout-rs`'s time grows with about its
    /// cube (1,666 points: 0.6 s; 3,696: 6.5 s; 6,526: 35 s).
    TooLarge { points: usize, budget: usize },
    /// A failure inside `layout-rs`.
    Failed,
}

impl std::fmt::Display for LayoutFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LayoutFailed::TooLarge { points, budget } => write!(
                f,
                "the built-in layout stops at {budget} layered points (nodes, and one for each layer an edge crosses) and this graph has {points}; Graphviz draws it (install it: --layout auto uses `dot`, or write --format dot), or ask about fewer steps"
            ),
            LayoutFailed::Failed => {
                f.write_str("the layout of this graph failed; its DOT text (--format dot) can be drawn by Graphviz")
            }
        }
    }
}

/// Layered points laid out at most (about a second).
pub const BUDGET: usize = 2000;

/// Nodes plus the layers each edge crosses, with every node on the layer
/// below its highest operand (as a layered layout puts it).
pub fn layered_points(scene: &Scene) -> usize {
    let mut layer = vec![0usize; scene.nodes.len()];
    // Edges are sorted by head, heads in topological order.
    for e in &scene.edges {
        layer[e.to] = layer[e.to].max(layer[e.from] + 1);
    }
    let crossed: usize = scene
        .edges
        .iter()
        .map(|e| layer[e.to].saturating_sub(layer[e.from] + 1))
        .sum();
    scene.nodes.len() + crossed
}

/// Label font size, pixels.
pub const FONT: f64 = 13.0;

/// A label's width in pixels: about 0.6 em a character, as Helvetica runs.
pub fn text_width(label: &str) -> f64 {
    label.chars().count() as f64 * FONT * 0.62
}

/// Scenes with more nodes and edges than this are laid out without
/// `layout-rs`'s crossing optimisation, whose time grows steeply.
const OPTIMISE_UP_TO: usize = 120;

/// Margin around the drawing, pixels.
const MARGIN: f64 = 8.0;

/// Lays the scene out, leaves on top.
pub fn layout(scene: &Scene) -> Result<Layout, LayoutFailed> {
    if scene.nodes.is_empty() {
        return Ok(Layout {
            width: 2.0 * MARGIN,
            height: 2.0 * MARGIN,
            nodes: Vec::new(),
            edges: Vec::new(),
        });
    }
    let points = layered_points(scene);
    if points > BUDGET {
        return Err(LayoutFailed::TooLarge { points, budget: BUDGET });
    }
    let run = std::panic::AssertUnwindSafe(|| {
        let mut vg = VisualGraph::new(Orientation::TopToBottom);
        vg.dag.set_validate(false);
        let mut handles = Vec::with_capacity(scene.nodes.len());
        for (i, n) in scene.nodes.iter().enumerate() {
            let look = node_look(n);
            let w = (text_width(&n.label) + if look.round { 22.0 } else { 16.0 }).max(30.0);
            let h = 26.0;
            let style = StyleAttr::new(Color::fast("black"), 1, Some(Color::fast("white")), 4, FONT as usize);
            let shape = ShapeKind::new_box(&n.label);
            let elem = Element::create_with_properties(
                shape,
                style,
                Orientation::LeftToRight,
                Point::new(w, h),
                format!("n{i}"),
            );
            handles.push(vg.add_node(elem));
        }
        // Heads in topological order (scene edges are sorted by head):
        // see the module comment.
        for (k, e) in scene.edges.iter().enumerate() {
            vg.add_edge(
                Arrow::simple_with_properties("", format!("e{k}")),
                handles[e.from],
                handles[e.to],
            );
        }
        let mut rec = Recorder::new(scene.nodes.len(), scene.edges.len());
        let optimise = scene.nodes.len() + scene.edges.len() <= OPTIMISE_UP_TO;
        vg.do_it(false, !optimise, false, &mut rec);
        rec
    });
    let rec = std::panic::catch_unwind(run).map_err(|_| LayoutFailed::Failed)?;
    let nodes: Option<Vec<Placed>> = rec.nodes.into_iter().collect();
    let edges: Option<Vec<Vec<Cubic>>> = rec.edges.into_iter().collect();
    let (mut nodes, mut edges) = (nodes.ok_or(LayoutFailed::Failed)?, edges.ok_or(LayoutFailed::Failed)?);
    // Moved so the drawing starts at the margin, every coordinate rounded
    // to a tenth of a pixel (the same text on every machine).
    let (mut x0, mut y0, mut x1, mut y1) = (f64::MAX, f64::MAX, f64::MIN, f64::MIN);
    for p in &nodes {
        x0 = x0.min(p.cx - p.w / 2.0);
        y0 = y0.min(p.cy - p.h / 2.0);
        x1 = x1.max(p.cx + p.w / 2.0);
        y1 = y1.max(p.cy + p.h / 2.0);
    }
    for c in edges.iter().flatten().flatten() {
        x0 = x0.min(c.0);
        y0 = y0.min(c.1);
        x1 = x1.max(c.0);
        y1 = y1.max(c.1);
    }
    let shift = |(x, y): Xy| (tenth(x - x0 + MARGIN), tenth(y - y0 + MARGIN));
    for p in &mut nodes {
        (p.cx, p.cy) = shift((p.cx, p.cy));
        (p.w, p.h) = (tenth(p.w), tenth(p.h));
    }
    for c in edges.iter_mut().flatten().flatten() {
        *c = shift(*c);
    }
    Ok(Layout {
        width: tenth(x1 - x0 + 2.0 * MARGIN),
        height: tenth(y1 - y0 + 2.0 * MARGIN),
        nodes,
        edges,
    })
}

fn tenth(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}

/// A render backend that keeps positions instead of drawing: the nodes'
/// boxes and the edges' curves, told apart by the properties given.
struct Recorder {
    nodes: Vec<Option<Placed>>,
    edges: Vec<Option<Vec<Cubic>>>,
}

impl Recorder {
    fn new(nodes: usize, edges: usize) -> Recorder {
        Recorder {
            nodes: vec![None; nodes],
            edges: vec![None; edges],
        }
    }

    fn index(properties: &Option<String>, prefix: char) -> Option<usize> {
        properties.as_deref()?.strip_prefix(prefix)?.parse().ok()
    }
}

impl RenderBackend for Recorder {
    fn draw_rect(&mut self, xy: Point, size: Point, _: &StyleAttr, properties: Option<String>, _: Option<ClipHandle>) {
        if let Some(slot) = Recorder::index(&properties, 'n').and_then(|i| self.nodes.get_mut(i)) {
            *slot = Some(Placed {
                cx: xy.x + size.x / 2.0,
                cy: xy.y + size.y / 2.0,
                w: size.x,
                h: size.y,
            });
        }
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, xy: Point, size: Point, _: &StyleAttr, properties: Option<String>) {
        if let Some(slot) = Recorder::index(&properties, 'n').and_then(|i| self.nodes.get_mut(i)) {
            *slot = Some(Placed {
                cx: xy.x,
                cy: xy.y,
                w: size.x,
                h: size.y,
            });
        }
    }

    fn draw_text(&mut self, _: Point, _: &str, _: &StyleAttr) {}

    /// `path` is `[(start, control 1), (control 2, end), (control 2', end'), …]`,
    /// as SVG's `M C S S …`; the first control point of each later piece
    /// mirrors the last one of the piece before.
    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _: bool,
        _: (bool, bool),
        _: &StyleAttr,
        properties: Option<String>,
        _: &str,
    ) {
        let Some(slot) = Recorder::index(&properties, 'e').and_then(|i| self.edges.get_mut(i)) else {
            return;
        };
        if path.len() < 2 {
            return;
        }
        let xy = |p: Point| (p.x, p.y);
        let mut pieces = vec![[xy(path[0].0), xy(path[0].1), xy(path[1].0), xy(path[1].1)]];
        for p in &path[2..] {
            let last = pieces[pieces.len() - 1];
            let (end, c2) = (last[3], last[2]);
            let mirror = (2.0 * end.0 - c2.0, 2.0 * end.1 - c2.1);
            pieces.push([end, mirror, xy(p.0), xy(p.1)]);
        }
        *slot = Some(pieces);
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}
