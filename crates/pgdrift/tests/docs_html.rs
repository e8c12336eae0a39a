//! The HTML documentation in a real browser: a schema is created in a fresh database, read,
//! built into a site and rendered to one file, which headless Chromium opens with every host
//! unresolvable. The DOM Chromium built is checked: the page named by the URL hash is shown
//! and instantiated with its ER diagram (an `<svg>` naming each table of the neighbourhood),
//! the README shows the schema diagrams, `#search=` filters the navigation, and the other
//! pages stay hidden in their templates. Without Chromium the test is skipped, except in CI
//! (`CI` set), where it fails.

#![allow(clippy::print_stderr)]

mod common;

use pgdrift::docs::{build, Block, DocsConfig, Inputs, Site};
use pgdrift::report::docs::html::{page_id, render_html};
use pgdrift::source::InspectOptions;
use pgdrift::testing::TestDb;
use std::collections::BTreeMap;
use std::path::Path;
use std::time::Instant;

#[path = "common/browser.rs"]
mod browser;

use browser::{find_browser, BROWSERS};

const SCHEMA: &str = "
CREATE SCHEMA billing;
CREATE TABLE public.customers (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    email text NOT NULL UNIQUE,
    referred_by bigint REFERENCES public.customers (id)
);
CREATE TABLE public.orders (
    id bigserial PRIMARY KEY,
    customer_id bigint NOT NULL REFERENCES public.customers (id),
    total numeric(10,2)
);
CREATE TABLE public.order_lines (
    order_id bigint NOT NULL REFERENCES public.orders (id),
    line int NOT NULL,
    PRIMARY KEY (order_id, line)
);
CREATE TABLE billing.invoices (
    id bigserial PRIMARY KEY,
    order_id bigint UNIQUE REFERENCES public.orders (id)
);
CREATE TABLE public.\"<script>alert(1)</script>\" (id int PRIMARY KEY);
CREATE VIEW public.big_orders AS SELECT * FROM public.orders WHERE total > 100;
";

async fn site() -> Site {
    let db = TestDb::with_sql(SCHEMA).await;
    let snapshot = common::read(&db, &InspectOptions::default()).await;
    let config = DocsConfig::default();
    let inputs = Inputs {
        catalog: &snapshot.catalog,
        title: "shop",
        stats: None,
        locations: None,
        config: &config,
        tool_owned: &[],
    };
    build(&inputs)
}

/// `s` as the DOM serializes text.
fn text(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The serialized element `<section id="ID" ...>...</section>` of the DOM.
fn section<'a>(dom: &'a str, id: &str) -> &'a str {
    let start = dom
        .find(&format!("<section id=\"{id}\""))
        .unwrap_or_else(|| panic!("no section {id} in the DOM"));
    let len = dom[start..].find("</section>").expect("the section's end");
    &dom[start..start + len]
}

/// The entities (qualified names) of every diagram on the page at `path`.
fn diagram_entities(site: &Site, path: &str) -> Vec<String> {
    let page = site
        .pages
        .iter()
        .find(|p| p.path == path)
        .expect("the page");
    let diagrams = page.blocks.iter().filter_map(|b| match b {
        Block::Diagram(d) => Some(d),
        _ => None,
    });
    diagrams
        .flat_map(|d| d.entities.iter().map(|e| e.name.to_string()))
        .collect()
}

#[tokio::test]
async fn the_html_docs_work_in_chromium() {
    let Some(browser) = find_browser() else {
        if std::env::var_os("CI").is_some() {
            panic!("no Chromium found ({BROWSERS:?}): install Debian's chromium package (apt-get install -y chromium)");
        }
        eprintln!("skipping: no Chromium found ({BROWSERS:?}); apt-get install -y chromium");
        return;
    };
    let site = site().await;
    let html = render_html(&site, &BTreeMap::new());
    let outside = html.replace("http://www.w3.org/2000/svg", "");
    assert!(!outside.contains("http://") && !outside.contains("https://"));
    let dir = tempfile::tempdir().expect("a temporary directory");
    let page = dir.path().join("docs.html");
    std::fs::write(&page, &html).expect("writing the page");
    if let Some(keep) = std::env::var_os("PGDRIFT_KEEP_HTML") {
        std::fs::write(keep, &html).expect("keeping the page");
    }
    let url = format!("file://{}", page.display());
    let started = Instant::now();
    check_table_page(
        &site,
        &dump_dom(
            &browser,
            dir.path(),
            &format!("{url}#{}", page_id("tables/public.orders.md")),
        ),
    );
    check_readme(&site, &dump_dom(&browser, dir.path(), &url));
    check_search(&dump_dom(
        &browser,
        dir.path(),
        &format!("{url}#search=ORDER"),
    ));
    eprintln!("Chromium: three pages in {:?}", started.elapsed());
}

/// The orders page is shown, instantiated, with its neighbourhood drawn; others are not.
fn check_table_page(site: &Site, dom: &str) {
    let orders = section(dom, &page_id("tables/public.orders.md"));
    assert!(
        !orders.contains(" hidden") && !orders.contains("<template"),
        "{orders}"
    );
    let svg = &orders[orders
        .find("<svg")
        .expect("an SVG diagram on the orders page")..];
    let entities = diagram_entities(site, "tables/public.orders.md");
    for name in [
        "public.orders",
        "public.customers",
        "public.order_lines",
        "billing.invoices",
    ] {
        assert!(
            entities.iter().any(|e| e == name),
            "{name} not in the site's diagram"
        );
    }
    for name in &entities {
        assert!(
            svg.contains(&format!(">{}</text>", text(name))),
            "{name} not drawn"
        );
    }
    assert!(svg.contains("<title>orders_customer_id_fkey: "), "{svg}");
    let readme = section(dom, "p-README");
    assert!(readme.contains(" hidden"));
    let customers = section(dom, &page_id("tables/public.customers.md"));
    assert!(customers.contains(" hidden") && customers.contains("<template>"));
    let link = format!("<a href=\"#{}\"", page_id("tables/public.orders.md"));
    let link = &dom[dom.find(&link).expect("the orders link")..];
    assert!(
        link[..link.find('>').expect("its end")].contains("class=\"cur\""),
        "not marked current"
    );
}

/// The README is shown by default with the schema diagrams; the hostile name stayed text.
fn check_readme(site: &Site, dom: &str) {
    let readme = section(dom, "p-README");
    assert!(!readme.contains(" hidden"));
    for name in diagram_entities(site, "README.md") {
        assert!(
            readme.contains(&format!(">{}</text>", text(&name))),
            "{name} not drawn"
        );
    }
    assert!(readme.contains("<svg"), "no diagram in the README");
    assert!(
        !dom.contains("<script>alert"),
        "a table's name became markup"
    );
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"));
}

/// `#search=ORDER` keeps the entries whose qualified name contains `order`, any case.
fn check_search(dom: &str) {
    let toc = &dom[dom.find("<ul id=\"toc\">").expect("the navigation")..];
    let toc = &toc[..toc.find("</ul>").expect("its end")];
    let mut shown = Vec::new();
    for item in toc.split("<li").skip(1) {
        if let Some(name) = item.split("data-n=\"").nth(1) {
            let name = &name[..name.find('"').expect("a quote")];
            if !item.starts_with(" hidden") {
                shown.push(name.to_string());
            }
        }
    }
    shown.sort();
    assert_eq!(
        shown,
        [
            "public.big_orders",
            "public.order_lines",
            "public.orders",
            "public.orders_id_seq"
        ]
    );
    assert!(dom.contains(">4 of "), "the count of matches");
    assert!(
        toc.contains("<li class=\"g\" hidden=\"\">schema billing</li>"),
        "{toc}"
    );
}

/// The DOM Chromium builds of `url`, every host name unresolvable.
fn dump_dom(browser: &Path, dir: &Path, url: &str) -> String {
    let args = ["--host-resolver-rules=MAP * ~NOTFOUND", "--dump-dom"];
    browser::run(browser, dir, &args, url)
}
