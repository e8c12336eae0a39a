//! The left navigation: the order of the pages (README first, then per schema its tables,
//! views, functions, types and sequences, then the viewpoints) and the list itself, one plain
//! link per page under schema and kind headings, with the search box and its match count.
//! Each link carries the page's qualified name (`data-n`) for the script's filter.

use super::{search_name, Ids};
use crate::docs::{PageKind, Site};
use crate::report::audit::escape;
use std::collections::BTreeMap;
use std::fmt::Write as _;

/// Where a page goes in the navigation.
fn rank(kind: PageKind) -> u8 {
    match kind {
        PageKind::Readme => 0,
        PageKind::Table => 1,
        PageKind::View => 2,
        PageKind::Function => 3,
        PageKind::Type => 4,
        PageKind::Sequence => 5,
        PageKind::Viewpoint => 6,
    }
}

fn plural(kind: PageKind) -> &'static str {
    match kind {
        PageKind::Readme => "README",
        PageKind::Table => "tables",
        PageKind::View => "views",
        PageKind::Function => "functions",
        PageKind::Type => "types",
        PageKind::Sequence => "sequences",
        PageKind::Viewpoint => "viewpoints",
    }
}

/// The pages' indices in navigation order; the site's order within each group.
pub(super) fn order(site: &Site) -> Vec<usize> {
    let mut groups: BTreeMap<(u8, &str, u8), Vec<usize>> = BTreeMap::new();
    for (i, page) in site.pages.iter().enumerate() {
        let key = match page.kind {
            PageKind::Readme => (0, "", 0),
            PageKind::Viewpoint => (2, "", 0),
            kind => (1, page.schema.as_deref().unwrap_or(""), rank(kind)),
        };
        groups.entry(key).or_default().push(i);
    }
    groups.into_values().flatten().collect()
}

/// The `<nav>` element.
pub(super) fn nav(out: &mut String, site: &Site, order: &[usize], ids: &Ids<'_>) {
    let _ = write!(
        out,
        "<nav id=\"nav\" aria-label=\"Pages\">\n<div class=\"brand\">{}</div>\n\
         <input id=\"q\" type=\"search\" placeholder=\"Filter by name  ( / )\" \
         aria-label=\"Filter the pages by name\" autocomplete=\"off\" spellcheck=\"false\">\n\
         <div id=\"count\" aria-live=\"polite\">{} pages</div>\n<ul id=\"toc\">\n",
        escape(&site.title),
        order.len()
    );
    let mut group: Option<(Option<&str>, PageKind)> = None;
    for index in order {
        let page = &site.pages[*index];
        let here = (page.schema.as_deref(), page.kind);
        heading(out, group, here);
        group = Some(here);
        let href = ids.page(&page.path).unwrap_or_default();
        let text = match page.kind {
            PageKind::Readme => "README",
            _ => page.name.as_str(),
        };
        let _ = writeln!(
            out,
            "<li><a href=\"#{}\" data-n=\"{}\">{}</a></li>",
            escape(href),
            escape(&search_name(page)),
            escape(text)
        );
    }
    out.push_str("</ul>\n</nav>\n");
}

/// The schema heading (`g`) and kind heading (`k`) a page needs after the previous one's.
fn heading(
    out: &mut String,
    previous: Option<(Option<&str>, PageKind)>,
    (schema, kind): (Option<&str>, PageKind),
) {
    if kind == PageKind::Readme || previous == Some((schema, kind)) {
        return;
    }
    if kind == PageKind::Viewpoint {
        if !matches!(previous, Some((_, PageKind::Viewpoint))) {
            out.push_str("<li class=\"g\">viewpoints</li>\n");
        }
        return;
    }
    let same_schema = matches!(previous, Some((s, k)) if s == schema && k != PageKind::Viewpoint
        && k != PageKind::Readme);
    if !same_schema {
        let name = schema.map_or_else(|| "other".to_string(), |s| format!("schema {s}"));
        let _ = writeln!(out, "<li class=\"g\">{}</li>", escape(&name));
    }
    let _ = writeln!(out, "<li class=\"k\">{}</li>", plural(kind));
}
