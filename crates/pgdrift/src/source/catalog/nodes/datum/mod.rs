//! Text output of constant datums found in `pg_node_tree` expressions.
//!
//! A node tree `CONST` carries its value as `:constvalue N [ b0 b1 ... ]`: the
//! datum's raw bytes as the server holds them in memory. This module owns
//! turning those bytes back into exactly the text the type's output function
//! gives under pgdrift's session settings (`TimeZone = 'UTC'`,
//! `DateStyle = 'ISO, MDY'`, `IntervalStyle = 'postgres'`,
//! `extra_float_digits = 3`, `bytea_output = 'hex'`), for a fixed set of
//! built-in types and arrays of them.
//!
//! It assumes what the server does: a little-endian, 64-bit server with UTF-8
//! server encoding, and PostgreSQL 15 output rules (shortest-exact floats,
//! octal escapes for high-bit `"char"` values). Whenever a type, a value form
//! or a byte layout is not understood, the answer is `None` and the caller asks
//! the server to deparse instead: `None` is always safe, a wrong string is not.
//!
//! This file holds the type catalogue, the byte and varlena readers and the
//! simple scalar types; floats, dates and times, `numeric`, `jsonb` and arrays
//! each have a submodule.

mod array;
mod float;
mod jsonb;
mod numeric;
mod time;

use std::fmt::Write as _;

use array::array_out;
use float::{float4_out, float8_out};
use jsonb::jsonb_out;
use numeric::numeric_out;
use time::{date_out, interval_out, time_out, timestamp_out};

const BOOL: u32 = 16;
const BYTEA: u32 = 17;
const CHAR: u32 = 18;
const NAME: u32 = 19;
const INT8: u32 = 20;
const INT2: u32 = 21;
const INT4: u32 = 23;
const TEXT: u32 = 25;
const OID: u32 = 26;
const JSON: u32 = 114;
const FLOAT4: u32 = 700;
const FLOAT8: u32 = 701;
const BPCHAR: u32 = 1042;
const VARCHAR: u32 = 1043;
const DATE: u32 = 1082;
const TIME: u32 = 1083;
const TIMESTAMP: u32 = 1114;
const TIMESTAMPTZ: u32 = 1184;
const INTERVAL: u32 = 1186;
const NUMERIC: u32 = 1700;
const UUID: u32 = 2950;
const JSONB: u32 = 3802;

/// The text PostgreSQL's output function for type `type_oid` gives for `datum` (the bytes
/// of a node tree's `:constvalue`), or `None` when this type or this value is not handled.
pub(crate) fn output(type_oid: u32, datum: &[u8]) -> Option<String> {
    if let Some(elem) = array_element(type_oid) {
        return array_out(elem, datum);
    }
    match layout(type_oid)?.0 {
        // A pass-by-value datum is always printed as all 8 bytes of a Datum.
        Layout::ByVal(n) if datum.len() == 8 => byval_out(type_oid, datum.get(..n)?),
        Layout::Fixed(n) if datum.len() == n => fixed_out(type_oid, datum),
        Layout::Varlena => {
            let (payload, size) = varlena_at(datum)?;
            if size != datum.len() {
                return None;
            }
            varlena_out(type_oid, payload)
        }
        _ => None,
    }
}

// ---------------------------------------------------------------------------
// Type catalogue and raw readers
// ---------------------------------------------------------------------------

/// How values of a type sit in memory.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Layout {
    /// Passed by value; the value is the low `n` bytes (its `typlen`).
    ByVal(usize),
    /// Passed by reference, always exactly `n` bytes.
    Fixed(usize),
    /// A variable-length value with a varlena header.
    Varlena,
}

/// Layout and `typalign` (in bytes) of each handled scalar type.
fn layout(type_oid: u32) -> Option<(Layout, usize)> {
    Some(match type_oid {
        BOOL | CHAR => (Layout::ByVal(1), 1),
        INT2 => (Layout::ByVal(2), 2),
        INT4 | OID | FLOAT4 | DATE => (Layout::ByVal(4), 4),
        INT8 | FLOAT8 | TIME | TIMESTAMP | TIMESTAMPTZ => (Layout::ByVal(8), 8),
        NAME => (Layout::Fixed(64), 1),
        UUID => (Layout::Fixed(16), 1),
        INTERVAL => (Layout::Fixed(16), 8),
        BYTEA | TEXT | JSON | BPCHAR | VARCHAR | NUMERIC | JSONB => (Layout::Varlena, 4),
        _ => return None,
    })
}

/// The element type of each handled array type.
fn array_element(type_oid: u32) -> Option<u32> {
    Some(match type_oid {
        1000 => BOOL,
        1001 => BYTEA,
        1002 => CHAR,
        1003 => NAME,
        1005 => INT2,
        1007 => INT4,
        1009 => TEXT,
        1014 => BPCHAR,
        1015 => VARCHAR,
        1016 => INT8,
        1021 => FLOAT4,
        1022 => FLOAT8,
        1028 => OID,
        199 => JSON,
        1182 => DATE,
        1183 => TIME,
        1115 => TIMESTAMP,
        1185 => TIMESTAMPTZ,
        1187 => INTERVAL,
        1231 => NUMERIC,
        2951 => UUID,
        3807 => JSONB,
        _ => return None,
    })
}

/// `N` bytes of `b` starting at `at`.
fn bytes_at<const N: usize>(b: &[u8], at: usize) -> Option<[u8; N]> {
    b.get(at..at.checked_add(N)?)?.try_into().ok()
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    bytes_at(b, at).map(u16::from_le_bytes)
}

fn i16_at(b: &[u8], at: usize) -> Option<i16> {
    bytes_at(b, at).map(i16::from_le_bytes)
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    bytes_at(b, at).map(u32::from_le_bytes)
}

fn i32_at(b: &[u8], at: usize) -> Option<i32> {
    bytes_at(b, at).map(i32::from_le_bytes)
}

fn i64_at(b: &[u8], at: usize) -> Option<i64> {
    bytes_at(b, at).map(i64::from_le_bytes)
}

/// `n` rounded up to a multiple of `align` (a power of two).
fn align_up(n: usize, align: usize) -> Option<usize> {
    Some(n.checked_add(align - 1)? & !(align - 1))
}

/// The payload and total size of the varlena starting at `buf[0]`. Only plain
/// in-line values are accepted (4-byte or 1-byte "short" header); compressed
/// and TOAST-pointer headers give `None`.
fn varlena_at(buf: &[u8]) -> Option<(&[u8], usize)> {
    let first = *buf.first()?;
    let (header, size) = if first & 0x01 != 0 {
        if first == 0x01 {
            return None; // external TOAST pointer
        }
        (1, usize::from(first >> 1))
    } else if first & 0x03 == 0 {
        (4, usize::try_from(u32_at(buf, 0)? >> 2).ok()?)
    } else {
        return None; // compressed in-line
    };
    if size < header {
        return None;
    }
    Some((buf.get(header..size)?, size))
}

// ---------------------------------------------------------------------------
// Scalars
// ---------------------------------------------------------------------------

/// Output of a pass-by-value type from its `typlen` low-order bytes.
fn byval_out(type_oid: u32, b: &[u8]) -> Option<String> {
    Some(match type_oid {
        BOOL => match b.first()? {
            0 => "f".to_owned(),
            1 => "t".to_owned(),
            _ => return None,
        },
        CHAR => char_out(*b.first()?),
        INT2 => i16_at(b, 0)?.to_string(),
        INT4 => i32_at(b, 0)?.to_string(),
        OID => u32_at(b, 0)?.to_string(),
        INT8 => i64_at(b, 0)?.to_string(),
        FLOAT4 => float4_out(f32::from_bits(u32_at(b, 0)?))?,
        FLOAT8 => float8_out(f64::from_bits(bytes_at(b, 0).map(u64::from_le_bytes)?))?,
        DATE => date_out(i32_at(b, 0)?)?,
        TIME => time_out(i64_at(b, 0)?)?,
        TIMESTAMP => timestamp_out(i64_at(b, 0)?, false)?,
        TIMESTAMPTZ => timestamp_out(i64_at(b, 0)?, true)?,
        _ => return None,
    })
}

/// Output of a fixed-length pass-by-reference type (`b` is exactly `typlen`).
fn fixed_out(type_oid: u32, b: &[u8]) -> Option<String> {
    match type_oid {
        NAME => name_out(b),
        UUID => Some(uuid_out(b)),
        INTERVAL => interval_out(b),
        _ => None,
    }
}

/// Output of a varlena type from its payload (the bytes after the header).
fn varlena_out(type_oid: u32, payload: &[u8]) -> Option<String> {
    match type_oid {
        TEXT | VARCHAR | BPCHAR | JSON => text_out(payload),
        BYTEA => Some(bytea_out(payload)),
        NUMERIC => numeric_out(payload),
        JSONB => jsonb_out(payload),
        _ => None,
    }
}

/// `charout`: the byte itself, `\ooo` for high-bit bytes, empty for NUL.
fn char_out(c: u8) -> String {
    match c {
        0 => String::new(),
        0x80.. => format!("\\{c:03o}"),
        _ => char::from(c).to_string(),
    }
}

/// Text-like payloads are printed verbatim; they must be NUL-free UTF-8.
fn text_out(payload: &[u8]) -> Option<String> {
    if payload.contains(&0) {
        return None;
    }
    String::from_utf8(payload.to_vec()).ok()
}

/// `byteaout` with `bytea_output = 'hex'`.
fn bytea_out(payload: &[u8]) -> String {
    let mut out = String::with_capacity(2 + 2 * payload.len());
    out.push_str("\\x");
    for b in payload {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// `nameout`: the bytes up to the NUL padding.
fn name_out(b: &[u8]) -> Option<String> {
    let end = b.iter().position(|&c| c == 0)?;
    String::from_utf8(b.get(..end)?.to_vec()).ok()
}

/// `uuid_out`: lowercase hex in 8-4-4-4-12 groups.
fn uuid_out(b: &[u8]) -> String {
    let mut out = String::with_capacity(36);
    for (i, byte) in b.iter().enumerate() {
        if matches!(i, 4 | 6 | 8 | 10) {
            out.push('-');
        }
        let _ = write!(out, "{byte:02x}");
    }
    out
}

#[cfg(test)]
mod tests;
