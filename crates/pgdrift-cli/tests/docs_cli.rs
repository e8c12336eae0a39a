//! `pgdrift docs`: golden Markdown for the fixture schema, Mermaid diagrams parsed back
//! (every table and foreign key present), notes kept across regenerations that add and drop
//! columns and tables, `--check` exit codes and its stale list against a live database, bad
//! input refused without changing anything, and the corpus schemas rendered and checked.

mod common;

use pgdrift::testing::TestDb;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Output;

const SHOP: &str = include_str!("fixtures/docs/shop.sql");

fn docs(dir: Option<&Path>, args: &[&str]) -> Output {
    let mut all = vec!["docs"];
    all.extend_from_slice(args);
    common::pgdrift_in(dir, &all)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn code(out: &Output) -> Option<i32> {
    out.status.code()
}

/// The fixture written to a fresh directory, documented from the file.
fn from_file() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("shop.sql"), SHOP).unwrap();
    let out = docs(Some(dir.path()), &["shop.sql", "-o", "out"]);
    assert_eq!(code(&out), Some(0), "{}", common::text(&out));
    dir
}

#[test]
fn markdown_of_the_fixture_matches_its_golden_pages() {
    let dir = from_file();
    let out = dir.path().join("out");
    let mut files = Vec::new();
    for sub in ["", "tables", "views", "functions", "types", "sequences"] {
        let Ok(entries) = std::fs::read_dir(out.join(sub)) else {
            continue;
        };
        for e in entries.flatten().filter(|e| e.path().is_file()) {
            files.push(format!("{sub}/{}", e.file_name().to_string_lossy()));
        }
    }
    files.sort();
    insta::assert_snapshot!("files", files.join("\n"));
    insta::assert_snapshot!("readme", read(&out.join("README.md")));
    insta::assert_snapshot!("orders", read(&out.join("tables/public.orders.md")));
    insta::assert_snapshot!("invoices", read(&out.join("tables/billing.invoices.md")));
    insta::assert_snapshot!("status", read(&out.join("types/public.order_status.md")));
}

/// The entities (qualified names) and relations (`from -> to : name`) of every Mermaid block.
fn mermaid(text: &str) -> Vec<(BTreeSet<String>, BTreeSet<String>)> {
    let mut out = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line.trim() != "```mermaid" {
            continue;
        }
        let (mut ids, mut entities, mut relations) = (Vec::new(), BTreeSet::new(), BTreeSet::new());
        assert_eq!(lines.next(), Some("erDiagram"));
        for l in lines.by_ref().take_while(|l| l.trim() != "```") {
            let l = l.trim();
            if let Some((id, rest)) = l.split_once("[\"") {
                let label = rest.split_once("\"]").expect("a closed label").0;
                assert!(l.ends_with('{'), "{l}");
                ids.push((id.to_string(), label.to_string()));
                entities.insert(label.to_string());
            } else if let Some((pair, name)) = l.split_once(" : ") {
                let parts: Vec<&str> = pair.split(' ').collect();
                assert_eq!(parts.len(), 3, "{l}");
                assert!(
                    ["||--o{", "|o--o{", "||--o|", "|o--o|"].contains(&parts[1]),
                    "{l}"
                );
                let label = |id: &str| {
                    ids.iter()
                        .find(|(i, _)| i == id)
                        .map(|(_, n)| n.clone())
                        .expect("a declared entity")
                };
                relations.insert(format!(
                    "{} -> {} : {}",
                    label(parts[2]),
                    label(parts[0]),
                    name.trim_matches('"')
                ));
            } else {
                // An attribute: type, name, then key markers.
                let words: Vec<&str> = l.split_whitespace().collect();
                assert!(words.len() >= 2 || l == "}", "{l}");
            }
        }
        out.push((entities, relations));
    }
    out
}

#[test]
fn mermaid_diagrams_hold_every_table_and_foreign_key() {
    let dir = from_file();
    let out = dir.path().join("out");
    let readme = mermaid(&read(&out.join("README.md")));
    let set = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<BTreeSet<_>>();
    assert_eq!(readme.len(), 2, "one diagram per schema");
    assert_eq!(readme[0].0, set(&["billing.invoices", "billing.payments"]));
    assert_eq!(
        readme[0].1,
        set(&["billing.payments -> billing.invoices : payments_invoice_id_fkey"])
    );
    assert_eq!(readme[1].0, set(&["public.customers", "public.orders"]));
    assert_eq!(
        readme[1].1,
        set(&[
            "public.customers -> public.customers : customers_referred_by_fkey",
            "public.orders -> public.customers : orders_customer_id_fkey",
        ])
    );
    let orders = mermaid(&read(&out.join("tables/public.orders.md")));
    assert_eq!(orders.len(), 1);
    assert_eq!(
        orders[0].0,
        set(&["billing.invoices", "public.customers", "public.orders"])
    );
    assert_eq!(
        orders[0].1,
        set(&[
            "billing.invoices -> public.orders : invoices_order_id_fkey",
            "public.customers -> public.customers : customers_referred_by_fkey",
            "public.orders -> public.customers : orders_customer_id_fkey",
        ])
    );
}

/// Writes `text` into the notes region of `key` in `file`.
fn add_note(file: &Path, key: &str, text: &str) {
    let page = read(file);
    let open = format!("<!-- pgdrift:notes {key} -->\n");
    assert!(
        page.contains(&open),
        "{key} has no notes region in {}",
        file.display()
    );
    std::fs::write(file, page.replace(&open, &format!("{open}{text}\n"))).unwrap();
}

#[tokio::test]
async fn notes_survive_regeneration_and_orphans_are_kept() {
    let db = TestDb::with_sql(SHOP).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("docs");
    let url = db.url();
    let first = docs(None, &[&url, "-o", out.to_str().unwrap()]);
    assert_eq!(code(&first), Some(0), "{}", common::text(&first));
    let orders = out.join("tables/public.orders.md");
    let invoices = out.join("tables/billing.invoices.md");
    add_note(
        &orders,
        "table public.orders",
        "Orders are never deleted.\n\nAsk finance first.",
    );
    add_note(
        &invoices,
        "table billing.invoices",
        "Invoices are kept ten years.",
    );
    add_note(
        &out.join("README.md"),
        "schema billing",
        "Owned by the billing team.",
    );
    db.execute("ALTER TABLE public.orders ADD COLUMN coupon text; ALTER TABLE public.orders DROP COLUMN total CASCADE; DROP TABLE billing.invoices CASCADE").await;

    let again = docs(None, &[&url, "-o", out.to_str().unwrap()]);
    assert_eq!(code(&again), Some(0), "{}", common::text(&again));
    let page = read(&orders);
    assert!(
        page.contains("Orders are never deleted.\n\nAsk finance first.\n<!-- /pgdrift:notes -->"),
        "{page}"
    );
    assert!(
        page.contains("| `coupon` |") && !page.contains("| `total` |"),
        "{page}"
    );
    assert!(!invoices.exists(), "the page of a dropped table is removed");
    assert!(read(&out.join("README.md")).contains("Owned by the billing team."));
    let orphans = read(&out.join("ORPHANED-NOTES.md"));
    assert!(
        orphans.contains(
            "<!-- pgdrift:notes table billing.invoices -->\nInvoices are kept ten years.\n"
        ),
        "{orphans}"
    );
    assert!(
        common::text(&again)
            .contains("warning: the notes on table billing.invoices lost their object"),
        "{}",
        common::text(&again)
    );

    // The table comes back: so does its note, and the orphans' page goes.
    db.execute("CREATE TABLE billing.invoices (id bigserial PRIMARY KEY)")
        .await;
    let back = docs(None, &[&url, "-o", out.to_str().unwrap()]);
    assert_eq!(code(&back), Some(0), "{}", common::text(&back));
    assert!(read(&invoices).contains("Invoices are kept ten years."));
    assert!(!out.join("ORPHANED-NOTES.md").exists());
}

#[tokio::test]
async fn check_exits_1_naming_what_differs() {
    let db = TestDb::with_sql(SHOP).await;
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("docs");
    let gen = docs(None, &[&db.url(), "-o", out.to_str().unwrap()]);
    assert_eq!(code(&gen), Some(0), "{}", common::text(&gen));
    add_note(
        &out.join("tables/public.orders.md"),
        "table public.orders",
        "A note is not drift.",
    );
    let check = |format: &str| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_pgdrift"));
        cmd.args([
            "docs",
            "--check",
            out.to_str().unwrap(),
            "env:PROD_URL",
            "-f",
            format,
        ])
        .env("PROD_URL", db.url())
        .env("NO_COLOR", "1");
        cmd.output().unwrap()
    };
    // New rows and statistics change sizes, not the schema.
    db.execute("INSERT INTO public.customers (email) SELECT i || '@x' FROM generate_series(1, 500) i; ANALYZE").await;
    let clean = check("text");
    assert_eq!(code(&clean), Some(0), "{}", common::text(&clean));
    assert!(
        common::text(&clean).contains("up to date"),
        "{}",
        common::text(&clean)
    );

    db.execute("ALTER TABLE public.orders ADD COLUMN coupon text; DROP INDEX public.orders_created_at; ALTER TABLE billing.invoices ALTER COLUMN issued_on DROP NOT NULL; CREATE TABLE public.audit_log (id int)").await;
    let stale = check("text");
    let text = common::text(&stale);
    assert_eq!(code(&stale), Some(1), "{text}");
    assert!(text.contains("table public.orders: column `coupon` missing from the docs; index `orders_created_at` documented but gone"), "{text}");
    assert!(text.contains("table billing.invoices: column `issued_on`: nullable documented as `not null`, is `null`"), "{text}");
    assert!(
        text.contains("table public.audit_log: missing from the docs"),
        "{text}"
    );
    assert!(
        text.contains("schema public: table `public.audit_log` missing from the docs"),
        "{text}"
    );
    assert!(!text.contains("note is not drift"), "{text}");

    let json: serde_json::Value = serde_json::from_slice(&check("json").stdout).unwrap();
    assert_eq!(json["format_version"], 1);
    let stale: Vec<String> = (json["stale"].as_array().unwrap().iter())
        .map(|s| {
            format!(
                "{}: {}",
                s["object"].as_str().unwrap(),
                s["what"].as_str().unwrap()
            )
        })
        .collect();
    assert!(
        stale.contains(&"table public.orders: column `coupon` missing from the docs".to_string()),
        "{stale:?}"
    );
}

#[test]
fn bad_input_is_refused_and_changes_nothing() {
    let dir = from_file();
    let out = dir.path().join("out");
    let orders = out.join("tables/public.orders.md");
    let broken = read(&orders).replace("<!-- /pgdrift:notes -->", "my half-written note");
    std::fs::write(&orders, &broken).unwrap();
    let before = read(&out.join("README.md"));
    let refused = docs(Some(dir.path()), &["shop.sql", "-o", "out"]);
    let text = common::text(&refused);
    assert_eq!(code(&refused), Some(2), "{text}");
    assert!(
        text.contains("tables/public.orders.md:") && text.contains("not closed"),
        "{text}"
    );
    assert_eq!(read(&orders), broken);
    assert_eq!(read(&out.join("README.md")), before);

    // A directory holding someone else's README.
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join("README.md"), "# Our project\n").unwrap();
    let refused = docs(Some(dir.path()), &["shop.sql", "-o", "other"]);
    assert_eq!(code(&refused), Some(2), "{}", common::text(&refused));
    assert!(common::text(&refused).contains("was not written by `pgdrift docs`"));
    assert_eq!(read(&other.join("README.md")), "# Our project\n");
    assert!(!other.join("tables").exists());

    let missing = docs(Some(dir.path()), &["--check", "nowhere", "shop.sql"]);
    assert_eq!(code(&missing), Some(2), "{}", common::text(&missing));
}

fn corpus(name: &str) -> Option<PathBuf> {
    let root = std::env::var_os("PGDRIFT_CORPUS_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpus")
        });
    let dir = root.join(name);
    let file = std::fs::read_dir(&dir)
        .ok()?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "sql"))?;
    Some(file)
}

#[test]
fn the_corpus_schemas_render_and_check_clean() {
    for name in ["pagila", "adventureworks", "danbooru"] {
        let Some(file) = corpus(name) else {
            let why = format!("the {name} corpus is not found (set PGDRIFT_CORPUS_DIR)");
            if std::env::var("CI").is_ok_and(|v| v == "true") {
                panic!("{why}: CI must run it");
            }
            #[allow(clippy::print_stderr)] // the skip is said where the test runs
            {
                eprintln!("skipping: {why}");
            }
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("docs");
        let file = file.to_str().unwrap();
        let gen = docs(None, &[file, "-o", out.to_str().unwrap()]);
        assert_eq!(code(&gen), Some(0), "{name}: {}", common::text(&gen));
        let readme = read(&out.join("README.md"));
        assert!(readme.contains("```mermaid\nerDiagram\n"), "{name}");
        for (entities, _) in mermaid(&readme) {
            assert!(!entities.is_empty(), "{name}");
        }
        let check = docs(None, &["--check", out.to_str().unwrap(), file]);
        assert_eq!(code(&check), Some(0), "{name}: {}", common::text(&check));
    }
}
