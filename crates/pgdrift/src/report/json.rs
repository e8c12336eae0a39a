//! JSON output: pretty-printed with two-space indents, deterministic (maps are ordered),
//! ending in a newline.

use crate::model::{with_kinds, Catalog, Snapshot};
use serde::Serialize;
use serde_json::ser::Formatter;
use std::collections::BTreeMap;
use std::io::{self, Write};

/// Writes `value` as JSON to `out`.
pub fn write<T: Serialize>(value: &T, out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, value).map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Lists shorter than this are written on the calling thread alone.
const SPLIT_FROM: usize = 1024;

/// Writes a snapshot exactly as `write` does, byte for byte, but faster on big catalogs: each
/// object list is rendered on its own, its halves on two threads, and written in its place in
/// the rest of the document as soon as it is ready (so one list at a time is held).
pub fn write_snapshot(snapshot: &Snapshot, out: &mut dyn Write) -> io::Result<()> {
    let c = &snapshot.catalog;
    type Render<'a> = Box<dyn Fn() -> io::Result<Vec<u8>> + 'a>;
    // Every list of the registry, and a skeleton with each one empty.
    macro_rules! lists {
        (
            [$($a:ident: $af:ident: $ak:ty => $at:ty, $a1:literal, $an:literal, $ap:ident;)*]
            $col:ident: $c1:literal, $cn:literal, $cp:ident;
            [$($b:ident: $bf:ident: $bk:ty => $bt:ty, $b1:literal, $bn:literal, $bp:ident;)*]
        ) => {
            [
                $((stringify!($af), Box::new(|| list(&c.$af)) as Render),)*
                $((stringify!($bf), Box::new(|| list(&c.$bf)) as Render),)*
            ]
        };
    }
    let lists: Vec<(&str, Render)> = Vec::from(with_kinds!(lists));
    let skeleton = Snapshot {
        format_version: snapshot.format_version,
        source: snapshot.source.clone(),
        catalog: Catalog::default(),
    };
    let skeleton = serde_json::to_vec_pretty(&skeleton).map_err(io::Error::other)?;
    // Each list is the value of a top-level key (two spaces in), empty in the skeleton.
    let mut places = Vec::with_capacity(lists.len());
    for (name, render) in lists {
        let empty = format!("\n  \"{name}\": []");
        let mut found = memchr::memmem::find_iter(&skeleton, empty.as_bytes());
        match (found.next(), found.next()) {
            (Some(at), None) => places.push((at + empty.len() - 2, render)),
            _ => {
                return Err(io::Error::other(format!(
                    "internal error: no single place for the {name} list in the snapshot"
                )))
            }
        }
    }
    places.sort_by_key(|(at, _)| *at);
    let mut at = 0;
    for (place, render) in places {
        out.write_all(&skeleton[at..place])?;
        out.write_all(&render()?)?;
        at = place + 2;
    }
    out.write_all(&skeleton[at..])?;
    out.write_all(b"\n")?;
    out.flush()
}

/// A top-level list as `write` puts it: `[]`, or one object per line group, four spaces in.
fn list<K, T: Serialize + Sync>(map: &BTreeMap<K, T>) -> io::Result<Vec<u8>> {
    if map.is_empty() {
        return Ok(b"[]".to_vec());
    }
    let items: Vec<&T> = map.values().collect();
    let mut out = Vec::new();
    out.push(b'[');
    if items.len() < SPLIT_FROM {
        items_into(&items, true, &mut out)?;
    } else {
        let (first, second) = items.split_at(items.len() / 2);
        let rest = std::thread::scope(|s| {
            let other = s.spawn(|| {
                let mut buf = Vec::new();
                items_into(second, false, &mut buf).map(|_| buf)
            });
            items_into(first, true, &mut out)?;
            other
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
        })?;
        out.extend_from_slice(&rest);
    }
    out.extend_from_slice(b"\n  ]");
    Ok(out)
}

/// Writes list elements at the second level, each preceded by its separator.
fn items_into<T: Serialize>(items: &[&T], first: bool, out: &mut Vec<u8>) -> io::Result<()> {
    for (i, item) in items.iter().enumerate() {
        out.extend_from_slice(if first && i == 0 { b"\n" } else { b",\n" });
        out.extend_from_slice(b"    ");
        let mut ser = serde_json::Serializer::with_formatter(&mut *out, Indented::at(2));
        item.serialize(&mut ser).map_err(io::Error::other)?;
    }
    Ok(())
}

/// The pretty layout of `serde_json::to_writer_pretty` (two spaces per level, `": "`
/// between key and value), starting at a given depth.
struct Indented {
    level: usize,
    /// Whether the innermost open array or object has a value yet.
    has_value: bool,
}

impl Indented {
    fn at(level: usize) -> Indented {
        Indented {
            level,
            has_value: false,
        }
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
    }

    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        const SPACES: &[u8] = &[b' '; 64];
        let mut n = self.level * 2;
        while n > 0 {
            let step = n.min(SPACES.len());
            w.write_all(&SPACES[..step])?;
            n -= step;
        }
        Ok(())
    }
}

impl Formatter for Indented {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn indented(value: &serde_json::Value) -> String {
        let mut out = Vec::new();
        let mut ser = serde_json::Serializer::with_formatter(&mut out, Indented::at(0));
        value.serialize(&mut ser).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_layout_is_serde_jsons_pretty_one() {
        let values = [
            json!({}),
            json!([]),
            json!({"a": [], "b": {}, "c": [1, [2, []], {"d": {"e": null}}], "f": "x\ny"}),
        ];
        // Deeper than one run of the indentation buffer.
        let mut deep = json!(1);
        for i in 0..40 {
            deep = if i % 2 == 0 {
                json!([deep])
            } else {
                json!({ "k": deep })
            };
        }
        for v in values.into_iter().chain([deep]) {
            assert_eq!(indented(&v), serde_json::to_string_pretty(&v).unwrap());
        }
    }

    fn both_writers(snapshot: &Snapshot) -> (String, String) {
        let (mut plain, mut fast) = (Vec::new(), Vec::new());
        write(snapshot, &mut plain).unwrap();
        write_snapshot(snapshot, &mut fast).unwrap();
        (
            String::from_utf8(plain).unwrap(),
            String::from_utf8(fast).unwrap(),
        )
    }

    #[test]
    fn a_snapshot_is_written_as_by_the_plain_writer() {
        use crate::model::{Privileges, Schema, SourceInfo};
        let source = SourceInfo {
            database: "d\"b".into(),
            server_version: "17.2".into(),
            server_version_num: 170002,
        };
        let empty = Snapshot::new(source.clone(), Catalog::default());
        let (plain, fast) = both_writers(&empty);
        assert_eq!(plain, fast);
        for n in [1, 5, SPLIT_FROM - 1, SPLIT_FROM, 3 * SPLIT_FROM + 1] {
            let mut catalog = Catalog::default();
            for i in 0..n {
                let name = format!("s{i:05} \"é\"\n");
                catalog.schemas.insert(
                    name.clone(),
                    Schema {
                        schema: name.clone(),
                        name,
                        owner: "o".into(),
                        comment: (i % 3 == 0).then(|| format!("c\t{i}")),
                        privileges: Privileges::default(),
                    },
                );
            }
            let (plain, fast) = both_writers(&Snapshot::new(source.clone(), catalog));
            assert_eq!(plain, fast, "{n} schemas");
        }
    }
}
