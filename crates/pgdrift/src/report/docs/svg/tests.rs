//! The diagrams on hand-built data: every entity and relation drawn, names escaped, boxes
//! apart, entity links, nothing external, any graph shape (cycles, loops, parallel and
//! dangling relations) drawn without a panic; and the timings behind the choice of placement.

#![allow(clippy::print_stderr)]

use super::*;
use crate::report::docs::fixtures::{entity, neighbourhood, relation, schema_diagram};

fn href(path: &str) -> Option<String> {
    Some(format!("#page:{path}"))
}

fn place(diagram: &Diagram, radial: bool) -> Placement {
    let sizes: Vec<Pt> = diagram.entities.iter().map(entity_size).collect();
    let links = links(diagram);
    if radial {
        radial::place(&sizes, &links, focus(diagram))
    } else {
        layered::place(&sizes, &links).expect("layout-rs placed the diagram")
    }
}

fn overlap(a: &Rect, b: &Rect) -> bool {
    a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h
}

fn assert_apart(p: &Placement) {
    for (i, a) in p.boxes.iter().enumerate() {
        for b in &p.boxes[i + 1..] {
            assert!(!overlap(a, b), "{a:?} overlaps {b:?}");
        }
    }
}

/// Every entity's name, link and columns and every relation's name are in the SVG.
fn assert_complete(diagram: &Diagram, svg: &str) {
    assert!(svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""));
    for e in &diagram.entities {
        assert!(svg.contains(&format!(">{}</text>", e.name)), "{}", e.name);
        assert!(svg.contains(&format!("<a href=\"#page:{}\">", e.path)));
        for a in &e.attributes {
            assert!(svg.contains(&format!(">{}</tspan>", a.name)), "{}", a.name);
        }
    }
    for r in &diagram.relations {
        assert!(svg.contains(&format!(">{}</text>", r.name)), "{}", r.name);
        assert!(svg.contains(&format!("<title>{}: ", r.name)), "{}", r.name);
    }
    assert_eq!(
        svg.matches("class=\"er-l\"").count(),
        diagram.relations.len()
    );
    assert_eq!(
        svg.matches("<g class=\"er-e").count(),
        diagram.entities.len()
    );
}

#[test]
fn a_neighbourhood_is_radial_and_complete() {
    let diagram = neighbourhood(6);
    assert!(uses_radial(&diagram));
    let svg = render_svg(&diagram, &href);
    assert_complete(&diagram, &svg);
    assert!(svg.contains("er-e er-focus"));
    assert_apart(&place(&diagram, true));
}

#[test]
fn a_schema_diagram_is_layered_and_complete() {
    let diagram = schema_diagram("public", 15);
    assert!(!uses_radial(&diagram));
    let svg = render_svg(&diagram, &href);
    assert_complete(&diagram, &svg);
    let placement = place(&diagram, false);
    assert_apart(&placement);
    assert_eq!(placement.lines.len(), diagram.relations.len());
    assert!(placement.lines.iter().all(|l| l.head.is_some()));
}

#[test]
fn hostile_names_are_escaped() {
    let mut diagram = neighbourhood(2);
    diagram.entities[1].name.name = "<script>alert('x')</script>".into();
    diagram.entities[1].attributes[1].name = "a&b\"c".into();
    diagram.relations[1].to = diagram.entities[1].name.clone();
    diagram.relations[1].name = "<b>fk</b>".into();
    diagram.title = "</svg><script>".into();
    let svg = render_svg(&diagram, &|_| Some("#x\"onclick=\"y".into()));
    assert!(!svg.contains("<script"), "{svg}");
    assert!(!svg.contains("<b>"));
    assert!(!svg.contains("\"onclick"));
    assert!(svg.contains("public.&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(svg.contains(">a&amp;b&quot;c</tspan>"));
    assert!(svg.contains(">&lt;b&gt;fk&lt;/b&gt;</text>"));
}

#[test]
fn nothing_external_and_no_ids() {
    for diagram in [neighbourhood(4), schema_diagram("s", 10)] {
        let svg = render_svg(&diagram, &href);
        let stripped = svg.replace("http://www.w3.org/2000/svg", "");
        assert!(!stripped.contains("http:") && !stripped.contains("https:"));
        assert!(!svg.contains(" id=") && !svg.contains("url("), "{svg}");
        assert!(!svg.contains("<?xml") && !svg.contains("font-family"));
    }
}

#[test]
fn entities_without_a_page_are_not_links() {
    let diagram = neighbourhood(1);
    let svg = render_svg(&diagram, &|_| None);
    assert!(!svg.contains("<a "));
    assert!(svg.contains(">public.neighbour_0</text>"));
}

/// A small deterministic pseudo-random sequence.
fn next(seed: &mut u64) -> usize {
    *seed = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    (*seed >> 33) as usize
}

/// Random graphs with cycles, self references, parallel relations, isolated tables and
/// relations to tables outside the diagram, with and without a focus.
fn random_diagram(seed: &mut u64) -> Diagram {
    let n = 1 + next(seed) % 16;
    let mut entities: Vec<Entity> = (0..n)
        .map(|i| entity("s", &format!("t{i}"), next(seed) % 4))
        .collect();
    if next(seed) % 2 == 0 {
        entities[0].focus = true;
    }
    let outside = entity("s", "outside", 0);
    let relations = (0..next(seed) % (2 * n + 1))
        .map(|k| {
            let from = &entities[next(seed) % n].name;
            let to = if next(seed) % 10 == 0 {
                &outside.name
            } else {
                &entities[next(seed) % n].name
            };
            relation(from, to, &format!("fk{k}"))
        })
        .collect();
    Diagram {
        title: "random".into(),
        entities,
        relations,
        omitted: None,
    }
}

#[test]
fn any_graph_is_drawn_whole() {
    let mut seed = 7;
    for _ in 0..300 {
        let diagram = random_diagram(&mut seed);
        let svg = render_svg(&diagram, &href);
        for e in &diagram.entities {
            assert!(svg.contains(&format!(">{}</text>", e.name)));
        }
        let drawn = links(&diagram).len();
        assert_eq!(svg.matches("class=\"er-l\"").count(), drawn, "{diagram:?}");
        assert_apart(&place(&diagram, true));
    }
}

#[test]
fn no_entities_no_svg() {
    let diagram = Diagram {
        title: "empty".into(),
        entities: vec![],
        relations: vec![],
        omitted: None,
    };
    assert_eq!(render_svg(&diagram, &href), "");
}
