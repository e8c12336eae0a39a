//! ER diagrams as inline SVG. Each entity is a box (its qualified name, then one line per
//! column: key markers, name, type) linking to its page; each relation an arrow from the
//! referencing to the referenced entity, labelled with the constraint's name. Placement is
//! `layered` (the `layout-rs` crate's Sugiyama-style layout) for schema and viewpoint
//! diagrams, and `radial` (the focus in the centre, its neighbours around it) for small
//! neighbourhood diagrams, which are drawn by the thousand. The SVG uses no ids, no external
//! references and no fonts of its own: styles come from the page's classes (`er-*`).

mod draw;
mod layered;
mod radial;
#[cfg(test)]
mod tests;

use crate::docs::{Diagram, Entity};

/// Neighbourhood diagrams (a focus and at most this many entities) are placed radially.
pub const RADIAL_MAX_ENTITIES: usize = 12;

/// Width of one character of the diagram's monospace font (12px).
const CHAR_W: f64 = 7.3;
/// Height of the title row and of each column row.
const TITLE_H: f64 = 22.0;
const ROW_H: f64 = 17.0;
/// Inner horizontal padding of a box.
const PAD: f64 = 8.0;
/// Margin around the whole drawing.
const MARGIN: f64 = 12.0;

/// A point of the drawing.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Pt {
    pub x: f64,
    pub y: f64,
}

impl Pt {
    pub fn new(x: f64, y: f64) -> Pt {
        Pt { x, y }
    }
}

/// An entity's box: top-left corner and size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub fn center(&self) -> Pt {
        Pt::new(self.x + self.w / 2.0, self.y + self.h / 2.0)
    }
}

/// The line of one relation: SVG path data, and where its arrowhead points (tip, direction).
#[derive(Debug, Clone)]
pub(crate) struct Line {
    /// Index in the diagram's relations.
    pub relation: usize,
    pub path: String,
    pub head: Option<(Pt, Pt)>,
    /// The points the path goes through (for the drawing's bounds).
    pub points: Vec<Pt>,
}

/// A text placed on the drawing (a relation's label), centred on `at`.
#[derive(Debug, Clone)]
pub(crate) struct Label {
    pub at: Pt,
    pub text: String,
}

/// Where everything goes.
#[derive(Debug, Clone, Default)]
pub(crate) struct Placement {
    /// One box per entity, in the diagram's order.
    pub boxes: Vec<Rect>,
    pub lines: Vec<Line>,
    pub labels: Vec<Label>,
}

/// A relation between two entities of the diagram, by index.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Link<'a> {
    pub relation: usize,
    pub from: usize,
    pub to: usize,
    /// The constraint's name, the line's label.
    pub name: &'a str,
}

/// The diagram as an `<svg>` element; `href` gives the link of an entity's page (by path),
/// when there is one. Empty when the diagram has no entities.
pub fn render_svg(diagram: &Diagram, href: &dyn Fn(&str) -> Option<String>) -> String {
    if diagram.entities.is_empty() {
        return String::new();
    }
    let sizes: Vec<Pt> = diagram.entities.iter().map(entity_size).collect();
    let links = links(diagram);
    let placement = if uses_radial(diagram) {
        radial::place(&sizes, &links, focus(diagram))
    } else {
        layered::place(&sizes, &links)
            .unwrap_or_else(|| radial::place(&sizes, &links, focus(diagram)))
    };
    draw::svg(diagram, &placement, href)
}

/// Whether the diagram is a small neighbourhood, placed radially.
pub fn uses_radial(diagram: &Diagram) -> bool {
    diagram.entities.len() <= RADIAL_MAX_ENTITIES && focus(diagram).is_some()
}

fn focus(diagram: &Diagram) -> Option<usize> {
    diagram.entities.iter().position(|e| e.focus)
}

/// The relations whose two ends are in the diagram, by entity index.
fn links(diagram: &Diagram) -> Vec<Link<'_>> {
    let index = |name| diagram.entities.iter().position(|e| &e.name == name);
    let relations = diagram.relations.iter().enumerate();
    relations
        .filter_map(|(relation, r)| {
            Some(Link {
                relation,
                from: index(&r.from)?,
                to: index(&r.to)?,
                name: &r.name,
            })
        })
        .collect()
}

/// The marker shown before a column's name: `PK`, `FK`, `PK FK`, `UQ`.
fn marker(a: &crate::docs::Attribute) -> &'static str {
    match (a.primary_key, a.foreign_key, a.unique) {
        (true, true, _) => "PK FK",
        (true, false, _) => "PK",
        (false, true, _) => "FK",
        (false, false, true) => "UQ",
        (false, false, false) => "",
    }
}

/// Width of the marker column of an entity, in characters (0 when no column has one).
fn marker_chars(entity: &Entity) -> usize {
    let widest = entity.attributes.iter().map(|a| marker(a).len()).max();
    widest.map_or(0, |w| if w == 0 { 0 } else { w + 1 })
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// The size of an entity's box.
fn entity_size(entity: &Entity) -> Pt {
    let title = chars(&entity.name.schema) + 1 + chars(&entity.name.name);
    let marks = marker_chars(entity);
    let widest_row = entity.attributes.iter().map(|a| {
        let ty = chars(&a.type_name);
        marks + chars(&a.name) + if ty == 0 { 0 } else { ty + 2 }
    });
    let text = widest_row.max().unwrap_or(0).max(title).max(8);
    let width = text as f64 * CHAR_W + 2.0 * PAD;
    let height = TITLE_H + entity.attributes.len() as f64 * ROW_H + 4.0;
    Pt::new(width.ceil(), height.ceil())
}
