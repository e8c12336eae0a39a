//! Writing a placed diagram as SVG markup: entity boxes (title, column rows), relation lines
//! with their arrowheads and labels, and a `viewBox` that holds it all. Every text from the
//! data is escaped; nothing refers to anything outside the element.

use super::{
    chars, marker, marker_chars, Label, Placement, Pt, Rect, CHAR_W, MARGIN, PAD, ROW_H, TITLE_H,
};
use crate::docs::{Diagram, Entity, Relation};
use crate::report::audit::escape;
use std::fmt::Write as _;

/// Width of a label's character (10px font).
const LABEL_CHAR_W: f64 = 6.1;

/// The `<svg>` element of a placed diagram.
pub(super) fn svg(
    diagram: &Diagram,
    placement: &Placement,
    href: &dyn Fn(&str) -> Option<String>,
) -> String {
    let mut body = String::with_capacity(2048 + diagram.entities.len() * 600);
    for line in &placement.lines {
        if let Some(relation) = diagram.relations.get(line.relation) {
            relation_markup(&mut body, relation, line);
        }
    }
    for label in &placement.labels {
        label_markup(&mut body, label);
    }
    for (entity, rect) in diagram.entities.iter().zip(&placement.boxes) {
        entity_markup(&mut body, entity, rect, href(&entity.path));
    }
    let (min, max) = bounds(placement);
    let (w, h) = (max.x - min.x + 2.0 * MARGIN, max.y - min.y + 2.0 * MARGIN);
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"er\" viewBox=\"{:.0} {:.0} {w:.0} \
         {h:.0}\" width=\"{w:.0}\" height=\"{h:.0}\" role=\"img\" aria-label=\"{}\">\n{body}</svg>",
        min.x - MARGIN,
        min.y - MARGIN,
        escape(&diagram.title),
    )
}

/// The smallest and largest points of the drawing.
fn bounds(placement: &Placement) -> (Pt, Pt) {
    let mut min = Pt::new(f64::MAX, f64::MAX);
    let mut max = Pt::new(f64::MIN, f64::MIN);
    let mut add = |p: Pt| {
        if p.x.is_finite() && p.y.is_finite() {
            min = Pt::new(min.x.min(p.x), min.y.min(p.y));
            max = Pt::new(max.x.max(p.x), max.y.max(p.y));
        }
    };
    for r in &placement.boxes {
        add(Pt::new(r.x, r.y));
        add(Pt::new(r.x + r.w, r.y + r.h));
    }
    for line in &placement.lines {
        line.points.iter().for_each(|p| add(*p));
    }
    for label in &placement.labels {
        let half = chars(&label.text) as f64 * LABEL_CHAR_W / 2.0;
        add(Pt::new(label.at.x - half, label.at.y - 7.0));
        add(Pt::new(label.at.x + half, label.at.y + 7.0));
    }
    if min.x > max.x {
        return (Pt::new(0.0, 0.0), Pt::new(0.0, 0.0));
    }
    (min, max)
}

/// One entity: a link (when it has a page) around its box, title and column rows.
fn entity_markup(out: &mut String, entity: &Entity, r: &Rect, href: Option<String>) {
    if let Some(href) = &href {
        let _ = write!(out, "<a href=\"{}\">", escape(href));
    }
    let mut class = String::from("er-e");
    if entity.focus {
        class.push_str(" er-focus");
    }
    if entity.view {
        class.push_str(" er-view");
    }
    // Inside the box, coordinates are relative to its top-left corner.
    let _ = write!(
        out,
        "<g class=\"{class}\" transform=\"translate({:.1} {:.1})\"><rect class=\"er-box\" \
         width=\"{:.0}\" height=\"{:.0}\" rx=\"3\"/><path class=\"er-hd\" \
         d=\"M0 0h{:.0}v{TITLE_H}h-{:.0}z\"/><text class=\"er-t\" x=\"{:.1}\" y=\"15\">{}</text>",
        r.x,
        r.y,
        r.w,
        r.h,
        r.w,
        r.w,
        r.w / 2.0,
        escape(&entity.name.to_string()),
    );
    attribute_rows(out, entity, r);
    out.push_str("</g>");
    if href.is_some() {
        out.push_str("</a>");
    }
    out.push('\n');
}

/// One `<text>` per column: marker, name and (right-aligned) type.
fn attribute_rows(out: &mut String, entity: &Entity, r: &Rect) {
    let name_x = PAD + marker_chars(entity) as f64 * CHAR_W;
    let type_x = r.w - PAD;
    for (i, a) in entity.attributes.iter().enumerate() {
        let y = TITLE_H + 13.0 + i as f64 * ROW_H;
        let _ = write!(out, "<text y=\"{y:.0}\">");
        let mark = marker(a);
        if !mark.is_empty() {
            let _ = write!(out, "<tspan class=\"er-k\" x=\"{PAD}\">{mark}</tspan>");
        }
        let _ = write!(out, "<tspan x=\"{name_x:.1}\">{}</tspan>", escape(&a.name));
        if !a.type_name.is_empty() {
            let _ = write!(
                out,
                "<tspan class=\"er-ty\" x=\"{type_x:.1}\">{}</tspan>",
                escape(&a.type_name)
            );
        }
        out.push_str("</text>");
    }
}

/// One relation: a tooltip, its line and its arrowhead.
fn relation_markup(out: &mut String, relation: &Relation, line: &super::Line) {
    let class = if relation.optional {
        "er-r er-opt"
    } else {
        "er-r"
    };
    let tip = format!(
        "{}: {} ({}) \u{2192} {} ({})",
        relation.name,
        relation.from,
        relation.columns.join(", "),
        relation.to,
        relation.referenced_columns.join(", ")
    );
    let _ = write!(
        out,
        "<g class=\"{class}\"><title>{}</title><path class=\"er-l\" d=\"{}\"/>",
        escape(&tip),
        line.path
    );
    if let Some((tip, dir)) = line.head {
        arrowhead(out, tip, dir);
    }
    out.push_str("</g>\n");
}

/// A filled triangle pointing along `dir` with its point at `tip`.
fn arrowhead(out: &mut String, tip: Pt, dir: Pt) {
    let len = (dir.x * dir.x + dir.y * dir.y).sqrt();
    if !(len > 1e-9 && len.is_finite()) {
        return;
    }
    let (dx, dy) = (dir.x / len, dir.y / len);
    let base = Pt::new(tip.x - dx * 9.0, tip.y - dy * 9.0);
    let (px, py) = (-dy * 4.0, dx * 4.0);
    let _ = write!(
        out,
        "<path class=\"er-h\" d=\"M{:.1} {:.1}L{:.1} {:.1}L{:.1} {:.1}z\"/>",
        tip.x,
        tip.y,
        base.x + px,
        base.y + py,
        base.x - px,
        base.y - py
    );
}

fn label_markup(out: &mut String, label: &Label) {
    let _ = writeln!(
        out,
        "<text class=\"er-lab\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
        label.at.x,
        label.at.y,
        escape(&label.text)
    );
}
