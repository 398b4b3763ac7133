//! `chainrule graph`: the unrolled computation graph drawn, the paths from
//! `--wrt` to `--of` highlighted (each route in its own colour when there
//! are at most [`MAX_COLOURED`]) → DOT, SVG or TikZ text.
//!
//! - `scene`: what is drawn (nodes, edges, routes) at a granularity.
//! - `dot`: Graphviz's language, for `dot -Tsvg` or any other tool.
//! - `layered`: positions from `layout-rs` (pure Rust), fed so that its
//!   cost stays polynomial on graphs with exponentially many paths.
//! - `svg`, `tikz`: the laid-out scene as a picture for the web and for
//!   LaTeX documents.
//!
//! Nothing here runs a program: the shell may pass the DOT text to
//! Graphviz when the user has it, and falls back to `svg` here.

pub mod dot;
pub mod layered;
pub mod scene;
pub mod svg;
pub mod tikz;

pub use scene::{scene, NodeKind, Question, Route, Scene, SceneEdge, SceneNode};

/// One node per named quantity (the default), or per operation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Granularity {
    #[default]
    Quantities,
    Operations,
}

impl Granularity {
    fn name(self) -> &'static str {
        match self {
            Granularity::Quantities => "quantities",
            Granularity::Operations => "operations",
        }
    }
}

/// Routes drawn each in its own colour at most; past this, one colour.
pub const MAX_COLOURED: usize = 6;

/// Nodes drawn at most unless asked otherwise: past a couple of hundred
/// boxes a drawing is no longer read, only scrolled.
pub const MAX_NODES: usize = 200;

/// The route colours (Okabe–Ito: told apart with the common colour-vision
/// deficiencies), route 1 first.
pub const COLOURS: [&str; MAX_COLOURED] = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"];

/// The colour of every edge on a path when the routes are too many to colour.
pub const ON_PATH: &str = "#D55E00";
/// Edges and boxes on no path.
pub const GREY: &str = "#B0B0B0";
/// Text of nodes on no path.
pub const GREY_TEXT: &str = "#707070";
/// Boxes and text on a path.
pub const INK: &str = "#202020";

/// A drawing refused for its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLarge {
    pub nodes: usize,
    pub max: usize,
    pub granularity: Granularity,
}

impl std::fmt::Display for TooLarge {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "the graph has {} nodes at {} granularity; drawings stop at {}, past which a picture is not read",
            self.nodes,
            self.granularity.name(),
            self.max
        )?;
        let hint = match self.granularity {
            Granularity::Operations => {
                "draw quantities (the default granularity), ask about fewer steps (--steps, --set T=…)"
            }
            Granularity::Quantities => "ask about fewer steps (--steps, --set T=…)",
        };
        write!(f, "; {hint}, or raise --max-nodes")
    }
}

impl std::error::Error for TooLarge {}

impl TooLarge {
    /// Why a page shows no graph: the size, and the command that draws it anyway.
    ///
    /// ```
    /// use chainrule::drawing::{Granularity, TooLarge};
    /// let t = TooLarge { nodes: 406, max: 200, granularity: Granularity::Quantities };
    /// assert!(t.on_a_page().starts_with("the graph has 406 nodes"));
    /// ```
    pub fn on_a_page(&self) -> String {
        format!(
            "the graph has {} nodes, more than the {} a page shows; `chainrule graph --max-nodes {}` draws it",
            self.nodes, self.max, self.nodes
        )
    }
}

/// How one edge is drawn: a stroke per route it lies on (parallel), or one.
pub(crate) struct EdgeLook {
    pub colours: Vec<&'static str>,
    pub width: f64,
    /// `path path-1 path-2` for an edge on routes 1 and 2; `path` on a
    /// path when routes are not told apart; empty otherwise.
    pub class: String,
}

pub(crate) fn edge_look(scene: &Scene, e: &SceneEdge) -> EdgeLook {
    if !e.routes.is_empty() {
        let mut class = "path".to_string();
        for r in &e.routes {
            class.push_str(&format!(" path-{}", r + 1));
        }
        EdgeLook {
            colours: e.routes.iter().map(|&r| COLOURS[r]).collect(),
            width: 2.5,
            class,
        }
    } else if e.on_path && scene.routes.is_empty() {
        EdgeLook {
            colours: vec![ON_PATH],
            width: 2.0,
            class: "path".to_string(),
        }
    } else {
        EdgeLook {
            colours: vec![GREY],
            width: 1.0,
            class: String::new(),
        }
    }
}

/// How one node is drawn.
pub(crate) struct NodeLook {
    pub stroke: &'static str,
    pub text: &'static str,
    pub fill: &'static str,
    pub width: f64,
    /// An ellipse for operations and literals, a rounded box otherwise.
    pub round: bool,
}

pub(crate) fn node_look(n: &SceneNode) -> NodeLook {
    let ends = matches!(n.kind, NodeKind::Wrt | NodeKind::Of);
    NodeLook {
        stroke: if n.on_path || ends { INK } else { GREY },
        text: if n.on_path || ends { INK } else { GREY_TEXT },
        fill: match n.kind {
            NodeKind::Wrt | NodeKind::Of => "#FFF3C4",
            NodeKind::Leaf => "#F4F4F4",
            _ => "#FFFFFF",
        },
        width: if ends { 2.0 } else { 1.0 },
        round: matches!(n.kind, NodeKind::Operation | NodeKind::Literal),
    }
}

/// One line saying what the colours mean: `2 paths from w1 to L(y[2]):
/// route 1 (blue) w1 → h[2] → y[2] → L(y[2]); …`.
pub fn legend(scene: &Scene) -> Vec<(Option<&'static str>, String)> {
    let paths = if scene.path_count == 1u32.into() {
        "1 path".to_string()
    } else {
        format!("{} paths", scene.path_count)
    };
    let mut lines = vec![(None, format!("{paths} from {} to {}", scene.wrt_text, scene.of_text))];
    if scene.routes.is_empty() && scene.path_count > 0u32.into() {
        lines.push((
            Some(ON_PATH),
            format!("every edge on a path (more than {MAX_COLOURED} routes: not told apart); other edges grey"),
        ));
    }
    for (i, r) in scene.routes.iter().enumerate() {
        // Through the quantities it passes, as a course writes a path.
        let names: Vec<&str> = r
            .nodes
            .iter()
            .map(|&n| &scene.nodes[n])
            .filter(|n| !matches!(n.kind, NodeKind::Operation | NodeKind::Literal))
            .map(|n| n.label.as_str())
            .collect();
        let stands = if r.paths > 1 {
            format!(" ({} paths)", r.paths)
        } else {
            String::new()
        };
        lines.push((
            Some(COLOURS[i]),
            format!("route {}{stands}: {}", i + 1, names.join(" → ")),
        ));
    }
    lines
}

/// A scene ready to be written: as DOT, or laid out as SVG or TikZ.
#[derive(Clone, Debug)]
pub struct Drawing {
    pub scene: Scene,
}

impl Drawing {
    /// The graph in Graphviz's DOT language.
    pub fn dot(&self) -> String {
        dot::dot(&self.scene)
    }

    /// The graph laid out in pure Rust, as an `<svg>` element with its legend.
    pub fn svg(&self) -> Result<String, layered::LayoutFailed> {
        Ok(svg::svg(&self.scene, &layered::layout(&self.scene)?, true))
    }

    /// The same without the legend, for a page that writes it ([`legend`]).
    pub fn svg_figure(&self) -> Result<String, layered::LayoutFailed> {
        Ok(svg::svg(&self.scene, &layered::layout(&self.scene)?, false))
    }

    /// What the colours mean: each line with its colour, if any.
    pub fn legend(&self) -> Vec<(Option<&'static str>, String)> {
        legend(&self.scene)
    }

    /// The graph laid out in pure Rust, as a `tikzpicture`.
    pub fn tikz(&self) -> Result<String, layered::LayoutFailed> {
        Ok(tikz::tikz(&self.scene, &layered::layout(&self.scene)?))
    }
}

/// Draws the question `q` at `granularity`, refused past `max_nodes`.
pub fn draw(q: &Question, granularity: Granularity, max_nodes: usize) -> Result<Drawing, TooLarge> {
    Ok(Drawing {
        scene: scene(q, granularity, max_nodes)?,
    })
}
