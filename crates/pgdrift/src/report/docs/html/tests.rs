//! The HTML page on hand-built sites: hostile names escaped, every internal link pointing at
//! an id the page has, nothing external, the navigation's order, lazy bodies, notes; and the
//! time to render the 10,000-table site.

#![allow(clippy::print_stderr)]

use super::*;
use crate::docs::{Inline, Page};
use crate::report::docs::fixtures::{heading, link, neighbourhood, readme, table_page};

fn page(kind: PageKind, schema: Option<&str>, name: &str, path: &str) -> Page {
    Page {
        path: path.into(),
        key: format!("{} {name}", kind.word()),
        kind,
        schema: schema.map(str::to_string),
        name: name.into(),
        blocks: vec![heading(1, name, "title")],
    }
}

/// A README linking to a table called `<script>`, a view, a viewpoint, another schema and a
/// page that does not exist.
fn site() -> Site {
    let hostile = "<script>alert('x')</script>";
    let hostile_path = format!("tables/public.{hostile}.md");
    let mut diagram = neighbourhood(2);
    diagram.entities[0].name.name = hostile.into();
    diagram.entities[0].path = hostile_path.clone();
    let links = vec![
        Inline::text("See "),
        link(hostile, &hostile_path, Some("columns")),
        Inline::text(", "),
        link("gone", "tables/public.gone.md", None),
        Inline::text(" and "),
        link("anchor missing", &hostile_path, Some("nowhere")),
    ];
    let mut readme = readme("app <&>", vec![Block::Paragraph { content: links }]);
    readme.blocks.push(Block::Notes {
        key: "database app".into(),
    });
    let mut pages = vec![
        page(
            PageKind::Viewpoint,
            None,
            "billing",
            "viewpoints/billing.md",
        ),
        page(
            PageKind::View,
            Some("public"),
            "v_orders",
            "views/public.v_orders.md",
        ),
        table_page("public", hostile, diagram),
        page(PageKind::Table, Some("audit"), "log", "tables/audit.log.md"),
        page(
            PageKind::Sequence,
            Some("public"),
            "seq",
            "sequences/public.seq.md",
        ),
    ];
    pages.insert(2, readme);
    Site {
        title: "app <&>".into(),
        pages,
    }
}

fn notes() -> BTreeMap<String, String> {
    let mut notes = BTreeMap::new();
    notes.insert(
        "database app".into(),
        "First <b>line</b>\nsame paragraph\n\n  \nSecond".into(),
    );
    notes.insert(
        "table public.<script>alert('x')</script>".into(),
        "   \n".into(),
    );
    notes
}

/// The values of `attr="..."` in `html`.
fn values<'a>(html: &'a str, attr: &str) -> Vec<&'a str> {
    let start = format!(" {attr}=\"");
    html.split(start.as_str())
        .skip(1)
        .map(|rest| &rest[..rest.find('"').expect("a closing quote")])
        .collect()
}

#[test]
fn hostile_names_are_escaped() {
    let html = render_html(&site(), &notes());
    assert_eq!(
        html.matches("<script").count(),
        1,
        "only the page's own script"
    );
    assert!(!html.contains("<b>"));
    assert!(html.contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"));
    assert!(html.contains("<title>app &lt;&amp;&gt; \u{2014}"));
}

#[test]
fn every_internal_link_points_at_an_id_on_the_page() {
    let html = render_html(&site(), &notes());
    let ids: HashSet<&str> = values(&html, "id").into_iter().collect();
    let hrefs = values(&html, "href");
    assert!(hrefs.len() >= 9, "{hrefs:?}");
    for href in hrefs {
        let target = href.strip_prefix('#').expect("an internal link");
        assert!(ids.contains(target), "{href} points nowhere");
    }
    // The link to a missing page stays text; a missing anchor links to the page.
    assert!(html.contains(", <code>gone</code> and"));
    let hostile = page_id("tables/public.<script>alert('x')</script>.md");
    assert!(html.contains(&format!("href=\"#{}--columns\"", escape(&hostile))));
    assert!(html.contains(&format!(
        "href=\"#{}\"><code>anchor missing",
        escape(&hostile)
    )));
}

#[test]
fn nothing_is_fetched_from_anywhere() {
    let html = render_html(&site(), &notes());
    let rest = html.replace("xmlns=\"http://www.w3.org/2000/svg\"", "");
    for scheme in ["http:", "https:", "//", "url(", "@import", "src="] {
        let found = rest.match_indices(scheme).find(|(i, _)| {
            // `//` starts comments in the script; a network reference would follow a quote.
            scheme != "//" || rest[..*i].ends_with('"') || rest[..*i].ends_with('\'')
        });
        assert!(found.is_none(), "{scheme} in the page");
    }
}

#[test]
fn the_navigation_lists_readme_then_schemas_then_viewpoints() {
    let html = render_html(&site(), &notes());
    let nav = &html[html.find("<ul id=\"toc\">").unwrap()..html.find("</nav>").unwrap()];
    let order: Vec<&str> = values(nav, "data-n");
    let expected = [
        "app <&>",
        "audit.log",
        "public.<script>alert('x')</script>",
        "public.v_orders",
        "public.seq",
        "billing",
    ];
    let expected: Vec<String> = expected.iter().map(|s| escape(s)).collect();
    assert_eq!(order, expected);
    for heading in [
        "schema audit",
        "schema public",
        "tables",
        "views",
        "sequences",
        "viewpoints",
    ] {
        assert!(nav.contains(&format!(">{heading}</li>")), "{heading}");
    }
    assert_eq!(nav.matches(">tables</li>").count(), 2);
}

#[test]
fn only_the_readme_is_not_lazy() {
    let html = render_html(&site(), &notes());
    let sections: Vec<&str> = html.split("<section ").skip(1).collect();
    assert_eq!(sections.len(), 6);
    assert!(sections[0].starts_with("id=\"p-README\" class=\"page\" data-kind=\"database\">\n"));
    for s in &sections[1..] {
        assert!(s.contains(" hidden><template>"), "{s}");
    }
}

#[test]
fn notes_are_paragraphs_and_blank_notes_are_nothing() {
    let html = render_html(&site(), &notes());
    assert!(html.contains(
        "<div class=\"notes\">\n<p>First &lt;b&gt;line&lt;/b&gt;\nsame paragraph</p>\n<p>Second</p>\n</div>"
    ));
    assert_eq!(html.matches("<div class=\"notes\">").count(), 1);
}

#[test]
fn diagrams_link_their_entities_and_say_what_was_left_out() {
    let mut site = site();
    if let Some(Block::Diagram(d)) = site.pages[3]
        .blocks
        .iter_mut()
        .find(|b| matches!(b, Block::Diagram(_)))
    {
        d.omitted = Some("12 more tables <not drawn>".into());
    }
    let html = render_html(&site, &notes());
    assert!(html.contains("<p class=\"omitted\">12 more tables &lt;not drawn&gt;</p>"));
    let hostile = escape(&page_id("tables/public.<script>alert('x')</script>.md"));
    assert!(html.contains(&format!(
        "<a href=\"#{hostile}\"><g class=\"er-e er-focus\" transform="
    )));
    // Neighbours without a page are drawn, not linked.
    assert!(html.contains("<g class=\"er-e\" transform="));
}

#[test]
fn page_ids_are_distinct_and_plain() {
    assert_eq!(page_id("tables/public.orders.md"), "p-tables-public.orders");
    assert_eq!(page_id("tables/public.a b.md"), "p-tables-public.a~20~b");
    assert_ne!(
        page_id("tables/public.a~20~b.md"),
        page_id("tables/public.a b.md")
    );
    assert_eq!(anchor_id("p-x", "Col umn"), "p-x--Col~20~umn");
}
