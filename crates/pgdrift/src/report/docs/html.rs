//! The documentation site as one self-contained HTML file: inline CSS and script, nothing
//! fetched from anywhere. The left navigation lists the README, then per schema its tables,
//! views, functions, types and sequences, then the viewpoints; a search box filters it. Each
//! page is a `<section>` whose id comes from its path (`tables/public.orders.md` →
//! `p-tables-public.orders`); the script shows the one named by the URL hash (the README by
//! default). Page bodies other than the README sit in inert `<template>` elements until first
//! shown, so 10,000 pages cost the browser little more than parsing. Every text from the data
//! goes through [`escape`]; the script holds no data.

mod blocks;
mod nav;
#[cfg(test)]
mod tests;

use crate::docs::{Block, PageKind, Site};
use crate::report::audit::escape;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt::Write as _;

const STYLE: &str = include_str!("html.css");
const SCRIPT: &str = include_str!("html.js");

/// The whole page. `notes` holds what people wrote for each `Block::Notes` key (Markdown
/// text, shown as plain paragraphs).
pub fn render_html(site: &Site, notes: &BTreeMap<String, String>) -> String {
    let ids = Ids::new(site);
    let mut out = String::with_capacity(64 * 1024 + site.pages.len() * 6 * 1024);
    let title = escape(&site.title);
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>{title} \u{2014} schema documentation</title>\n<style>\n{STYLE}</style>\n\
         </head>\n<body>\n"
    );
    let order = nav::order(site);
    nav::nav(&mut out, site, &order, &ids);
    out.push_str("<main id=\"main\">\n");
    for (n, index) in order.iter().enumerate() {
        let page = &site.pages[*index];
        let page_id = ids.page(&page.path).unwrap_or_default();
        let first = n == 0;
        let _ = write!(
            out,
            "<section id=\"{}\" class=\"page\" data-kind=\"{}\"{}>",
            escape(page_id),
            page.kind.word(),
            if first { "" } else { " hidden" }
        );
        out.push_str(if first { "\n" } else { "<template>\n" });
        blocks::blocks(&mut out, &page.blocks, page_id, &ids, notes);
        out.push_str(if first {
            "</section>\n"
        } else {
            "</template></section>\n"
        });
    }
    let _ = write!(
        out,
        "</main>\n<script>\n{SCRIPT}</script>\n</body>\n</html>\n"
    );
    out
}

/// The element id of a page: `p-` and its path without `.md`, `/` as `-`, characters other
/// than ASCII letters, digits, `_` and `.` as `~hex~` (so distinct paths keep distinct ids,
/// and `--` only ever separates a page's id from an anchor).
pub fn page_id(path: &str) -> String {
    let path = path.strip_suffix(".md").unwrap_or(path);
    let mut id = String::with_capacity(path.len() + 2);
    id.push_str("p-");
    sanitize(&mut id, path);
    id
}

/// The element id of a heading: its page's id, `--`, its anchor.
pub fn anchor_id(page_id: &str, anchor: &str) -> String {
    let mut id = String::with_capacity(page_id.len() + anchor.len() + 2);
    id.push_str(page_id);
    id.push_str("--");
    sanitize(&mut id, anchor);
    id
}

fn sanitize(out: &mut String, s: &str) {
    for c in s.chars() {
        match c {
            'a'..='z' | 'A'..='Z' | '0'..='9' | '_' | '.' => out.push(c),
            '/' => out.push('-'),
            _ => {
                let _ = write!(out, "~{:x}~", c as u32);
            }
        }
    }
}

/// The ids of the site's pages and of the headings on them, to turn links into hrefs.
#[derive(Debug)]
pub(crate) struct Ids<'a> {
    pages: HashMap<&'a str, (String, HashSet<&'a str>)>,
}

impl<'a> Ids<'a> {
    pub(crate) fn new(site: &'a Site) -> Ids<'a> {
        let mut pages = HashMap::with_capacity(site.pages.len());
        for page in &site.pages {
            let anchors = page.blocks.iter().filter_map(|b| match b {
                Block::Heading { anchor, .. } if !anchor.is_empty() => Some(anchor.as_str()),
                _ => None,
            });
            let entry = (page_id(&page.path), anchors.collect());
            pages.entry(page.path.as_str()).or_insert(entry);
        }
        Ids { pages }
    }

    /// The id of the page at `path`, when the site has one.
    pub(crate) fn page(&self, path: &str) -> Option<&str> {
        self.pages.get(path).map(|(id, _)| id.as_str())
    }

    /// `#id` of the page at `path` (and of `anchor` on it, when the page has that heading);
    /// `None` when no page has that path.
    pub(crate) fn href(&self, path: &str, anchor: Option<&str>) -> Option<String> {
        let (id, anchors) = self.pages.get(path)?;
        Some(match anchor {
            Some(a) if anchors.contains(a) => format!("#{}", anchor_id(id, a)),
            _ => format!("#{id}"),
        })
    }
}

/// The qualified name a page is searched by: `public.orders`, or the plain name.
pub(crate) fn search_name(page: &crate::docs::Page) -> String {
    match (&page.schema, page.kind) {
        (Some(schema), kind) if kind != PageKind::Readme && kind != PageKind::Viewpoint => {
            format!("{schema}.{}", page.name)
        }
        _ => page.name.clone(),
    }
}
