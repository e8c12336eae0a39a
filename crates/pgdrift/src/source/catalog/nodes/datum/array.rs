//! `array_out` for arrays of the handled element types: the array header,
//! null bitmap and aligned data area, and the brace text with dimension
//! decorations and element quoting.

use std::fmt::Write as _;

use super::{
    align_up, byval_out, fixed_out, i32_at, layout, u32_at, varlena_at, varlena_out, Layout,
};

/// `MAXDIM`.
const MAX_DIMS: usize = 6;
/// `MaxArraySize`.
const MAX_ARRAY_ITEMS: usize = 0x3FFF_FFFF / 8;

/// The parsed header of an array datum. Offsets count from the start of a
/// 4-byte varlena header, which is what element alignment is relative to.
#[derive(Debug)]
struct ArrayHeader<'a> {
    dims: Vec<i32>,
    lower_bounds: Vec<i32>,
    items: usize,
    nulls: Option<&'a [u8]>,
    data_start: usize,
}

/// `array_out` for an array whose element type is `elem`.
pub(super) fn array_out(elem: u32, datum: &[u8]) -> Option<String> {
    let (body, size) = varlena_at(datum)?;
    if size != datum.len() {
        return None;
    }
    let header = array_header(body, elem)?;
    if header.items == 0 {
        return Some("{}".to_owned());
    }
    let items = array_items(body, elem, &header)?;
    let mut out = String::new();
    if header.lower_bounds.iter().any(|&lb| lb != 1) {
        for (&dim, &lb) in header.dims.iter().zip(&header.lower_bounds) {
            let _ = write!(out, "[{lb}:{}]", i64::from(lb) + i64::from(dim) - 1);
        }
        out.push('=');
    }
    array_level(&mut out, &header.dims, &mut items.iter())?;
    Some(out)
}

/// Reads ndim, dataoffset, elemtype, dims, lower bounds and the null bitmap.
fn array_header(body: &[u8], elem: u32) -> Option<ArrayHeader<'_>> {
    let ndim = usize::try_from(i32_at(body, 0)?)
        .ok()
        .filter(|&n| n <= MAX_DIMS)?;
    let data_offset = usize::try_from(i32_at(body, 4)?).ok()?;
    if u32_at(body, 8)? != elem {
        return None;
    }
    let field = |i: usize| i32_at(body, 12 + 4 * i);
    let dims = (0..ndim).map(field).collect::<Option<Vec<_>>>()?;
    let lower_bounds = (ndim..2 * ndim).map(field).collect::<Option<Vec<_>>>()?;
    let items = array_item_count(&dims, &lower_bounds)?;
    let fixed = 16 + 8 * ndim;
    let (nulls, data_start) = if data_offset == 0 {
        (None, align_up(fixed, 8)?)
    } else {
        let len = items.div_ceil(8);
        if data_offset != align_up(fixed + len, 8)? {
            return None;
        }
        (Some(body.get(fixed - 4..fixed - 4 + len)?), data_offset)
    };
    Some(ArrayHeader {
        dims,
        lower_bounds,
        items,
        nulls,
        data_start,
    })
}

/// `ArrayGetNItems` plus the bounds checks the server applies.
fn array_item_count(dims: &[i32], lower_bounds: &[i32]) -> Option<usize> {
    if dims.is_empty() {
        return Some(0);
    }
    let mut items = 1usize;
    for (&dim, &lb) in dims.iter().zip(lower_bounds) {
        let upper = i64::from(lb) + i64::from(dim) - 1;
        if i32::try_from(upper).is_err() {
            return None;
        }
        items = items.checked_mul(usize::try_from(dim).ok()?)?;
    }
    (items <= MAX_ARRAY_ITEMS).then_some(items)
}

/// Each element's text (`None` for NULL), walking the data area with the
/// element type's alignment.
fn array_items(body: &[u8], elem: u32, header: &ArrayHeader<'_>) -> Option<Vec<Option<String>>> {
    let (layout, align) = layout(elem)?;
    let mut pos = header.data_start;
    let mut items = Vec::new();
    for i in 0..header.items {
        let is_null = header
            .nulls
            .is_some_and(|bits| bits.get(i / 8).is_none_or(|b| b & (1 << (i % 8)) == 0));
        if is_null {
            items.push(None);
            continue;
        }
        let rest = body.get(pos.checked_sub(4)?..)?;
        let (text, size) = element_out(elem, layout, rest)?;
        items.push(Some(text));
        pos = align_up(pos.checked_add(size)?, align)?;
    }
    (pos == body.len() + 4).then_some(items)
}

/// The text and stored size of the array element at the start of `rest`.
fn element_out(elem: u32, layout: Layout, rest: &[u8]) -> Option<(String, usize)> {
    match layout {
        Layout::ByVal(n) => Some((byval_out(elem, rest.get(..n)?)?, n)),
        Layout::Fixed(n) => Some((fixed_out(elem, rest.get(..n)?)?, n)),
        Layout::Varlena => {
            let (payload, size) = varlena_at(rest)?;
            Some((varlena_out(elem, payload)?, size))
        }
    }
}

/// Appends one brace level of a (sub)array with dimensions `dims`.
fn array_level<'a>(
    out: &mut String,
    dims: &[i32],
    items: &mut impl Iterator<Item = &'a Option<String>>,
) -> Option<()> {
    let (&len, inner) = dims.split_first()?;
    out.push('{');
    for i in 0..len {
        if i > 0 {
            out.push(',');
        }
        if inner.is_empty() {
            push_array_item(out, items.next()?.as_deref());
        } else {
            array_level(out, inner, items)?;
        }
    }
    out.push('}');
    Some(())
}

/// One element as `array_out` prints it: `NULL`, bare, or double-quoted with
/// `"` and `\` backslash-escaped.
fn push_array_item(out: &mut String, item: Option<&str>) {
    let Some(text) = item else {
        out.push_str("NULL");
        return;
    };
    let special = |c: u8| {
        matches!(
            c,
            b'"' | b'\\' | b'{' | b'}' | b',' | b' ' | b'\t' | b'\n' | b'\r' | 0x0B | 0x0C
        )
    };
    if !(text.is_empty() || text.eq_ignore_ascii_case("NULL") || text.bytes().any(special)) {
        out.push_str(text);
        return;
    }
    out.push('"');
    for c in text.chars() {
        if c == '"' || c == '\\' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
}
