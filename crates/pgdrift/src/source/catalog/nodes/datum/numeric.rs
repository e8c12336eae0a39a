//! `numeric_out`: a numeric varlena payload (short or long header, or one of the
//! special values) as decimal text with exactly its display scale.

use std::fmt::Write as _;

use super::{i16_at, u16_at};

const NUMERIC_SIGN_MASK: u16 = 0xC000;
const NUMERIC_NEG: u16 = 0x4000;
const NUMERIC_SHORT: u16 = 0x8000;
const NUMERIC_SPECIAL: u16 = 0xC000;

/// `numeric_out` of a numeric varlena payload (short or long header format).
pub(super) fn numeric_out(p: &[u8]) -> Option<String> {
    let header = u16_at(p, 0)?;
    match header & NUMERIC_SIGN_MASK {
        NUMERIC_SPECIAL => {
            let text = match header & 0xF000 {
                0xC000 => "NaN",
                0xD000 => "Infinity",
                0xF000 => "-Infinity",
                _ => return None,
            };
            Some(text.to_owned())
        }
        NUMERIC_SHORT => {
            let negative = header & 0x2000 != 0;
            let dscale = usize::from((header & 0x1F80) >> 7);
            let magnitude = i32::from(header & 0x003F);
            let weight = if header & 0x0040 != 0 {
                magnitude - 64
            } else {
                magnitude
            };
            let digits = numeric_digits(p.get(2..)?)?;
            Some(numeric_text(negative, weight, dscale, &digits))
        }
        sign => {
            let dscale = usize::from(header & 0x3FFF);
            let weight = i32::from(i16_at(p, 2)?);
            let digits = numeric_digits(p.get(4..)?)?;
            Some(numeric_text(sign == NUMERIC_NEG, weight, dscale, &digits))
        }
    }
}

/// The base-10000 digits of a numeric; each must be below 10000.
fn numeric_digits(b: &[u8]) -> Option<Vec<u16>> {
    let pairs = b.chunks_exact(2);
    if !pairs.remainder().is_empty() {
        return None;
    }
    pairs
        .map(|c| {
            let digit = u16::from_le_bytes([c[0], c[1]]);
            (digit < 10_000).then_some(digit)
        })
        .collect()
}

/// `get_str_from_var`: digits up to `weight` before the point, exactly
/// `dscale` decimal digits after it.
fn numeric_text(negative: bool, weight: i32, dscale: usize, digits: &[u16]) -> String {
    let digit = |i: i32| {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.get(i))
            .copied()
            .unwrap_or(0)
    };
    let mut out = String::from(if negative { "-" } else { "" });
    if weight < 0 {
        out.push('0');
    }
    for d in 0..=weight {
        let _ = if d == 0 {
            write!(out, "{}", digit(d))
        } else {
            write!(out, "{:04}", digit(d))
        };
    }
    if dscale > 0 {
        let mut frac = String::with_capacity(dscale + 4);
        let mut d = weight.saturating_add(1);
        while frac.len() < dscale {
            let _ = write!(frac, "{:04}", digit(d));
            d = d.saturating_add(1);
        }
        frac.truncate(dscale);
        out.push('.');
        out.push_str(&frac);
    }
    out
}
