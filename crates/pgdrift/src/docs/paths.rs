//! Where each page lives: `tables/<schema>.<name>.md`, `views/...`, `functions/...`,
//! `types/...`, `sequences/...`, `viewpoints/<name>.md`, and `README.md`. Names keep letters,
//! digits, `_`, `-` and `.`; any other byte is written `~XX` (hex), so every name maps to one
//! file on every filesystem. Two names that differ only in case (a problem on macOS and
//! Windows) get `~2`, `~3`, ... in the order of the catalog.

use std::collections::HashSet;

/// The README's path.
pub const README: &str = "README.md";

/// The file name part for `name` (no extension).
pub fn file_part(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    for b in name.bytes() {
        match b {
            b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'_' | b'-' | b'.' => out.push(b as char),
            _ => out.push_str(&format!("~{b:02X}")),
        }
    }
    // `.` and `..` alone, or a leading dot (hidden files), are escaped too.
    if out.starts_with('.') {
        out.replace_range(0..1, "~2E");
    }
    out
}

/// Hands out page paths, keeping them distinct ignoring case.
#[derive(Debug, Default)]
pub struct Paths {
    taken: HashSet<String>,
}

impl Paths {
    /// The path of an object's page in `dir`: `dir/<schema>.<name>.md` (`dir/<name>.md`
    /// without a schema).
    pub fn page(&mut self, dir: &str, schema: Option<&str>, name: &str) -> String {
        let stem = match schema {
            Some(s) => format!("{}.{}", file_part(s), file_part(name)),
            None => file_part(name),
        };
        let mut path = format!("{dir}/{stem}.md");
        let mut n = 1;
        while !self.taken.insert(path.to_lowercase()) {
            n += 1;
            path = format!("{dir}/{stem}~{n}.md");
        }
        path
    }
}

/// The link from the page at `from` to the page at `to` (both relative to the docs root).
pub fn relative(from: &str, to: &str) -> String {
    let depth = from.matches('/').count();
    let mut out = "../".repeat(depth);
    out.push_str(to);
    out
}

/// An anchor made from a heading or a name: lower case, spaces to `-`, only letters, digits,
/// `-` and `_` kept (what GitHub does with headings).
pub fn anchor(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn odd_names_become_distinct_safe_files() {
        let mut paths = Paths::default();
        assert_eq!(
            paths.page("tables", Some("public"), "orders"),
            "tables/public.orders.md"
        );
        assert_eq!(
            paths.page("tables", Some("public"), "Orders"),
            "tables/public.Orders~2.md"
        );
        assert_eq!(
            paths.page("tables", Some("public"), "a/b c"),
            "tables/public.a~2Fb~20c.md"
        );
        assert_eq!(
            paths.page("tables", Some("public"), "..x"),
            "tables/public...x.md"
        );
        assert_eq!(file_part(".."), "~2E.");
        assert_eq!(
            paths.page("viewpoints", None, "billing"),
            "viewpoints/billing.md"
        );
    }

    #[test]
    fn links_climb_out_of_the_page_directory() {
        assert_eq!(relative("tables/a.md", "views/b.md"), "../views/b.md");
        assert_eq!(relative("README.md", "views/b.md"), "views/b.md");
        assert_eq!(anchor("Foreign keys"), "foreign-keys");
        assert_eq!(anchor("Col `x`!"), "col-x");
    }
}
