//! Radial placement for neighbourhood diagrams: the focus entity in the centre, the others on
//! a circle around it, wide enough that no two boxes overlap; relations are straight lines
//! between the boxes' borders (parallel ones spread apart), a relation of an entity to itself
//! a loop on its right side. Cheap and deterministic, so thousands of pages can have one.

use super::{chars, Label, Line, Link, Placement, Pt, Rect};
use std::f64::consts::{FRAC_PI_2, TAU};

/// Room left between boxes.
const GAP: f64 = 28.0;
/// Distance between parallel lines joining the same two entities.
const SPREAD: f64 = 14.0;

/// Boxes, lines and labels; `focus` (an index into `sizes`) goes in the centre.
pub(super) fn place(sizes: &[Pt], links: &[Link], focus: Option<usize>) -> Placement {
    let centres = centres(sizes, focus);
    let boxes: Vec<Rect> = sizes
        .iter()
        .zip(&centres)
        .map(|(s, c)| Rect {
            x: c.x - s.x / 2.0,
            y: c.y - s.y / 2.0,
            w: s.x,
            h: s.y,
        })
        .collect();
    let mut placement = Placement {
        boxes,
        ..Placement::default()
    };
    let mut loops = vec![0usize; sizes.len()];
    for (i, link) in links.iter().enumerate() {
        let Some(from) = placement.boxes.get(link.from).copied() else {
            continue;
        };
        let Some(to) = placement.boxes.get(link.to).copied() else {
            continue;
        };
        if link.from == link.to {
            self_loop(&mut placement, link, from, loops[link.from]);
            loops[link.from] += 1;
        } else {
            let offset = parallel_offset(links, i);
            straight(&mut placement, link, from, to, offset);
        }
    }
    placement
}

fn half_diagonal(s: Pt) -> f64 {
    (s.x * s.x + s.y * s.y).sqrt() / 2.0
}

/// The centre of each box.
fn centres(sizes: &[Pt], focus: Option<usize>) -> Vec<Pt> {
    let ring: Vec<usize> = (0..sizes.len()).filter(|i| Some(*i) != focus).collect();
    let mut centres = vec![Pt::new(0.0, 0.0); sizes.len()];
    if ring.len() <= 1 && focus.is_none() {
        return centres;
    }
    let inner = focus
        .and_then(|f| sizes.get(f))
        .map_or(0.0, |s| half_diagonal(*s));
    let widest = ring
        .iter()
        .map(|i| half_diagonal(sizes[*i]))
        .fold(0.0, f64::max);
    let around: f64 = ring
        .iter()
        .map(|i| 2.0 * half_diagonal(sizes[*i]) + GAP)
        .sum();
    let radius = (inner + widest + GAP).max(around / TAU);
    for (k, i) in ring.iter().enumerate() {
        let angle = -FRAC_PI_2 + TAU * k as f64 / ring.len() as f64;
        centres[*i] = Pt::new(radius * angle.cos(), radius * angle.sin());
    }
    centres
}

/// How far line `i` is shifted sideways so lines joining the same two entities stay apart.
fn parallel_offset(links: &[Link], i: usize) -> f64 {
    let pair = |l: &Link| (l.from.min(l.to), l.from.max(l.to));
    let me = pair(&links[i]);
    let same: Vec<usize> = (0..links.len())
        .filter(|j| pair(&links[*j]) == me)
        .collect();
    let rank = same.iter().position(|j| *j == i).unwrap_or(0);
    (rank as f64 - (same.len() as f64 - 1.0) / 2.0) * SPREAD
}

/// Where the segment from `p` (inside `r`) towards `q` leaves `r`.
fn exit(r: &Rect, p: Pt, q: Pt) -> Pt {
    let (dx, dy) = (q.x - p.x, q.y - p.y);
    let along = |d: f64, low: f64, high: f64, at: f64| {
        if d > 0.0 {
            (high - at) / d
        } else if d < 0.0 {
            (low - at) / d
        } else {
            f64::INFINITY
        }
    };
    let tx = along(dx, r.x, r.x + r.w, p.x);
    let ty = along(dy, r.y, r.y + r.h, p.y);
    let t = tx.min(ty).clamp(0.0, 1.0);
    Pt::new(p.x + dx * t, p.y + dy * t)
}

/// A straight line between two boxes, `offset` to the side of their centres' line.
fn straight(placement: &mut Placement, link: &Link, from: Rect, to: Rect, offset: f64) {
    let (a, b) = (from.center(), to.center());
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let len = (dx * dx + dy * dy).sqrt().max(1e-9);
    let (px, py) = (-dy / len * offset, dx / len * offset);
    let (a, b) = (Pt::new(a.x + px, a.y + py), Pt::new(b.x + px, b.y + py));
    let start = exit(&from, a, b);
    let end = exit(&to, b, a);
    placement.lines.push(Line {
        relation: link.relation,
        path: format!("M{:.1} {:.1}L{:.1} {:.1}", start.x, start.y, end.x, end.y),
        head: Some((end, Pt::new(end.x - start.x, end.y - start.y))),
        points: vec![start, end],
    });
    placement.labels.push(Label {
        at: Pt::new((start.x + end.x) / 2.0, (start.y + end.y) / 2.0),
        text: link.name.to_string(),
    });
}

/// A loop on the right side of a box, the `nth` one on that box.
fn self_loop(placement: &mut Placement, link: &Link<'_>, r: Rect, nth: usize) {
    let x = r.x + r.w;
    let y0 = r.y + 8.0 + nth as f64 * 24.0;
    let y1 = y0 + 16.0;
    placement.lines.push(Line {
        relation: link.relation,
        path: format!(
            "M{x:.1} {y0:.1}C{:.1} {:.1} {:.1} {:.1} {x:.1} {y1:.1}",
            x + 36.0,
            y0 - 10.0,
            x + 36.0,
            y1 + 10.0
        ),
        head: Some((Pt::new(x, y1), Pt::new(-1.0, 0.0))),
        points: vec![Pt::new(x, y0), Pt::new(x + 36.0, y1)],
    });
    let text = link.name.to_string();
    let at = Pt::new(x + 34.0 + chars(&text) as f64 * 3.05, (y0 + y1) / 2.0);
    placement.labels.push(Label { at, text });
}
