//! `jsonb` output (`JsonbToCString`): walking the binary container format
//! (headers, JEntries, aligned children) and printing JSON text.

use std::fmt::Write as _;

use super::numeric::numeric_out;
use super::{align_up, u32_at, varlena_at};

const JB_CMASK: u32 = 0x0FFF_FFFF;
const JB_FSCALAR: u32 = 0x1000_0000;
const JB_FOBJECT: u32 = 0x2000_0000;
const JB_FARRAY: u32 = 0x4000_0000;
const JENTRY_OFFLENMASK: u32 = 0x0FFF_FFFF;
const JENTRY_TYPEMASK: u32 = 0x7000_0000;
const JENTRY_HAS_OFF: u32 = 0x8000_0000;
const JENTRY_ISSTRING: u32 = 0x0000_0000;
const JENTRY_ISNUMERIC: u32 = 0x1000_0000;
const JENTRY_ISBOOL_FALSE: u32 = 0x2000_0000;
const JENTRY_ISBOOL_TRUE: u32 = 0x3000_0000;
const JENTRY_ISNULL: u32 = 0x4000_0000;
const JENTRY_ISCONTAINER: u32 = 0x5000_0000;
/// Deeper nesting than this is left to the server.
const JSONB_MAX_DEPTH: usize = 200;

/// One child of a jsonb container: its JEntry type and its data bytes.
type JsonbChild<'a> = (u32, &'a [u8]);

/// `JsonbToCString` of a jsonb varlena payload (its root container).
pub(super) fn jsonb_out(p: &[u8]) -> Option<String> {
    let header = u32_at(p, 0)?;
    let mut out = String::new();
    if header & JB_FSCALAR == 0 {
        jsonb_container(&mut out, p, 0)?;
        return Some(out);
    }
    // A top-level scalar is stored as a one-element pseudo-array.
    if header != JB_FSCALAR | JB_FARRAY | 1 {
        return None;
    }
    let (_, children) = jsonb_children(p)?;
    let &(ty, data) = children.first()?;
    if ty == JENTRY_ISCONTAINER {
        return None;
    }
    jsonb_value(&mut out, ty, data, 0)?;
    Some(out)
}

/// The header and children of the container `c`, each child's data found from
/// its JEntry (a length, or an end offset when `JENTRY_HAS_OFF` is set) with
/// the INTALIGN padding before numerics and containers skipped.
fn jsonb_children(c: &[u8]) -> Option<(u32, Vec<JsonbChild<'_>>)> {
    let header = u32_at(c, 0)?;
    let count = usize::try_from(header & JB_CMASK).ok()?;
    let entries = if header & JB_FOBJECT != 0 {
        count.checked_mul(2)?
    } else {
        count
    };
    let data = c.get(entries.checked_mul(4)?.checked_add(4)?..)?;
    let mut children = Vec::with_capacity(entries);
    let mut end = 0usize;
    for i in 0..entries {
        let entry = u32_at(c, 4 + 4 * i)?;
        let start = end;
        let offlen = usize::try_from(entry & JENTRY_OFFLENMASK).ok()?;
        end = if entry & JENTRY_HAS_OFF != 0 {
            offlen
        } else {
            start.checked_add(offlen)?
        };
        let ty = entry & JENTRY_TYPEMASK;
        let from = match ty {
            JENTRY_ISNUMERIC | JENTRY_ISCONTAINER => align_up(start, 4)?,
            _ => start,
        };
        children.push((ty, data.get(from..end)?));
    }
    (end == data.len()).then_some((header, children))
}

/// Appends a (non-scalar) container: `{"k": v, ...}` or `[v, ...]`.
fn jsonb_container(out: &mut String, c: &[u8], depth: usize) -> Option<()> {
    if depth > JSONB_MAX_DEPTH {
        return None;
    }
    let (header, children) = jsonb_children(c)?;
    match header & (JB_FSCALAR | JB_FOBJECT | JB_FARRAY) {
        JB_FOBJECT => {
            let (keys, values) = children.split_at(children.len() / 2);
            out.push('{');
            for (i, (&(key_ty, key), &(ty, value))) in keys.iter().zip(values).enumerate() {
                out.push_str(if i == 0 { "" } else { ", " });
                if key_ty != JENTRY_ISSTRING {
                    return None;
                }
                json_escape(out, key)?;
                out.push_str(": ");
                jsonb_value(out, ty, value, depth)?;
            }
            out.push('}');
        }
        JB_FARRAY => {
            out.push('[');
            for (i, &(ty, value)) in children.iter().enumerate() {
                out.push_str(if i == 0 { "" } else { ", " });
                jsonb_value(out, ty, value, depth)?;
            }
            out.push(']');
        }
        _ => return None,
    }
    Some(())
}

/// Appends one jsonb value of JEntry type `ty`.
fn jsonb_value(out: &mut String, ty: u32, data: &[u8], depth: usize) -> Option<()> {
    match ty {
        JENTRY_ISSTRING => json_escape(out, data)?,
        JENTRY_ISNUMERIC => {
            let (numeric, size) = varlena_at(data)?;
            if size != data.len() {
                return None;
            }
            out.push_str(&numeric_out(numeric)?);
        }
        JENTRY_ISBOOL_FALSE => out.push_str("false"),
        JENTRY_ISBOOL_TRUE => out.push_str("true"),
        JENTRY_ISNULL => out.push_str("null"),
        JENTRY_ISCONTAINER => jsonb_container(out, data, depth + 1)?,
        _ => return None,
    }
    Some(())
}

/// `escape_json`: a double-quoted JSON string.
fn json_escape(out: &mut String, raw: &[u8]) -> Option<()> {
    let text = std::str::from_utf8(raw).ok()?;
    out.push('"');
    for c in text.chars() {
        match c {
            '\0' => return None,
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c < ' ' => {
                let _ = write!(out, "\\u{:04x}", u32::from(c));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    Some(())
}
