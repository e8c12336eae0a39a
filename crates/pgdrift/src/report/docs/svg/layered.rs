//! Layered placement by the `layout-rs` crate: each entity is a box node of its drawn size,
//! each relation an edge from the referenced entity down to the referencing one (so parents
//! sit above their children), labelled with the constraint's name. The crate's own SVG
//! writer is not used (it repeats element ids across diagrams and sets its own font); a
//! recording backend keeps where the crate put each box, line and label, and `draw` writes
//! the markup. The crate asserts its own invariants: a panic inside it gives `None`, and the
//! caller falls back to the radial placement.

use super::{Label, Line, Link, Placement, Pt, Rect};
use layout::core::base::Orientation;
use layout::core::color::Color;
use layout::core::format::{ClipHandle, RenderBackend};
use layout::core::geometry::Point;
use layout::core::style::{LineStyleKind, StyleAttr};
use layout::std_shapes::shapes::{Arrow, Element, LineEndKind, ShapeKind};
use layout::topo::layout::VisualGraph;
use std::fmt::Write as _;

/// The crate's optimisations (fewer crossings) cost little on small graphs and too much on
/// large ones (measured, release build: 0.4 ms for 10 entities and 9 relations; 190 ms for
/// 30 entities and 58 relations, 9 ms without them; 550 ms and 29 ms for 40 and 78).
const OPTIMIZE_MAX_ENTITIES: usize = 16;
const OPTIMIZE_MAX_LINKS: usize = 24;

/// Font size the crate uses to size the edge labels' nodes.
const LABEL_FONT: usize = 7;

/// Boxes, lines and labels for the diagram, or `None` when the crate failed.
pub(super) fn place(sizes: &[Pt], links: &[Link<'_>]) -> Option<Placement> {
    let optimize = sizes.len() <= OPTIMIZE_MAX_ENTITIES && links.len() <= OPTIMIZE_MAX_LINKS;
    place_with(sizes, links, optimize)
}

/// The placement, with or without the crate's rank and edge-crossing optimisations.
pub(super) fn place_with(sizes: &[Pt], links: &[Link<'_>], optimize: bool) -> Option<Placement> {
    let run = || {
        let mut graph = VisualGraph::new(Orientation::TopToBottom);
        let handles: Vec<_> = sizes
            .iter()
            .enumerate()
            .map(|(i, size)| graph.add_node(node(i, *size)))
            .collect();
        for link in links {
            graph.add_edge(
                edge(link.relation, link.name),
                handles[link.to],
                handles[link.from],
            );
        }
        let mut recorder = Recorder::new(sizes.len());
        graph.do_it(false, !optimize, false, &mut recorder);
        recorder.into_placement()
    };
    std::panic::catch_unwind(run).ok().flatten()
}

/// A box of the given size, tagged with its entity's index.
fn node(index: usize, size: Pt) -> Element {
    let look = StyleAttr::new(Color::fast("black"), 1, None, 0, 12);
    Element::create_with_properties(
        ShapeKind::new_box(""),
        look,
        Orientation::TopToBottom,
        Point::new(size.x, size.y),
        index.to_string(),
    )
}

/// An edge tagged with its relation's index; the arrowhead is at its start (the referenced
/// entity), since the edge runs from referenced to referencing.
fn edge(relation: usize, text: &str) -> Arrow {
    let look = StyleAttr::new(Color::fast("black"), 1, None, 0, LABEL_FONT);
    let mut arrow = Arrow::new(
        LineEndKind::Arrow,
        LineEndKind::None,
        LineStyleKind::Normal,
        text,
        &look,
        &None,
        &None,
    );
    arrow.properties = Some(relation.to_string());
    arrow
}

/// A rendering backend that keeps positions instead of writing anything.
struct Recorder {
    boxes: Vec<Option<Rect>>,
    lines: Vec<Line>,
    labels: Vec<Label>,
}

impl Recorder {
    fn new(entities: usize) -> Recorder {
        Recorder {
            boxes: vec![None; entities],
            lines: Vec::new(),
            labels: Vec::new(),
        }
    }

    /// The placement, when every entity got a box.
    fn into_placement(self) -> Option<Placement> {
        let boxes: Option<Vec<Rect>> = self.boxes.into_iter().collect();
        Some(Placement {
            boxes: boxes?,
            lines: self.lines,
            labels: self.labels,
        })
    }
}

fn pt(p: Point) -> Pt {
    Pt::new(p.x, p.y)
}

/// SVG path data of the crate's curve: a cubic segment, then smooth ones
/// (`[(start, control), (control, point), ...]`).
fn curve(path: &[(Point, Point)]) -> String {
    let mut d = String::new();
    if let [first, second, rest @ ..] = path {
        let _ = write!(
            d,
            "M{:.1} {:.1}C{:.1} {:.1} {:.1} {:.1} {:.1} {:.1}",
            first.0.x,
            first.0.y,
            first.1.x,
            first.1.y,
            second.0.x,
            second.0.y,
            second.1.x,
            second.1.y
        );
        for p in rest {
            let _ = write!(d, "S{:.1} {:.1} {:.1} {:.1}", p.0.x, p.0.y, p.1.x, p.1.y);
        }
    }
    d
}

impl RenderBackend for Recorder {
    fn draw_rect(
        &mut self,
        xy: Point,
        size: Point,
        _: &StyleAttr,
        p: Option<String>,
        _: Option<ClipHandle>,
    ) {
        let index = p.and_then(|p| p.parse::<usize>().ok());
        if let Some(slot) = index.and_then(|i| self.boxes.get_mut(i)) {
            *slot = Some(Rect {
                x: xy.x,
                y: xy.y,
                w: size.x,
                h: size.y,
            });
        }
    }

    fn draw_line(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_circle(&mut self, _: Point, _: Point, _: &StyleAttr, _: Option<String>) {}

    fn draw_text(&mut self, xy: Point, text: &str, _: &StyleAttr) {
        if !text.is_empty() {
            self.labels.push(Label {
                at: pt(xy),
                text: text.to_string(),
            });
        }
    }

    fn draw_arrow(
        &mut self,
        path: &[(Point, Point)],
        _dashed: bool,
        head: (bool, bool),
        _: &StyleAttr,
        properties: Option<String>,
        _text: &str,
    ) {
        let Some(relation) = properties.and_then(|p| p.parse::<usize>().ok()) else {
            return;
        };
        let (Some(first), Some(last)) = (path.first(), path.last()) else {
            return;
        };
        let head = if head.0 {
            Some((pt(first.0), pt(first.0.sub(first.1))))
        } else if head.1 {
            Some((pt(last.1), pt(last.1.sub(last.0))))
        } else {
            None
        };
        let points = path.iter().flat_map(|(a, b)| [pt(*a), pt(*b)]).collect();
        self.lines.push(Line {
            relation,
            path: curve(path),
            head,
            points,
        });
    }

    fn create_clip(&mut self, _: Point, _: Point, _: usize) -> ClipHandle {
        0
    }
}
