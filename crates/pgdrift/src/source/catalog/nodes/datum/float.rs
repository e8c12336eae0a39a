//! `float4out` / `float8out` (PostgreSQL 12+ shortest-exact output, as with
//! `extra_float_digits > 0`): a Ryu-compatible shortest digit search and
//! Ryu's plain or exponent layout of the result.

use std::fmt::Write as _;

/// `float8out` with `extra_float_digits > 0` (PostgreSQL 12+).
pub(super) fn float8_out(v: f64) -> Option<String> {
    let neg = v.is_sign_negative();
    if let Some(text) = float_special(v.is_nan(), v.is_infinite(), v == 0.0, neg) {
        return Some(text);
    }
    let bits = v.to_bits();
    let binary = Binary::new(bits & ((1 << 52) - 1), (bits >> 52) & 0x7FF, 52, 1023);
    let (digits, p) = ryu_shortest(v.abs(), binary, 17)?;
    decimal_text(neg, &digits.to_string(), p, 15)
}

/// `float4out` with `extra_float_digits > 0` (PostgreSQL 12+).
pub(super) fn float4_out(v: f32) -> Option<String> {
    let neg = v.is_sign_negative();
    if let Some(text) = float_special(v.is_nan(), v.is_infinite(), v == 0.0, neg) {
        return Some(text);
    }
    let bits = u64::from(v.to_bits());
    let binary = Binary::new(bits & ((1 << 23) - 1), (bits >> 23) & 0xFF, 23, 127);
    let (digits, p) = ryu_shortest(v.abs(), binary, 9)?;
    decimal_text(neg, &digits.to_string(), p, 6)
}

/// The fixed spellings of NaN, infinities and (signed) zero.
fn float_special(nan: bool, inf: bool, zero: bool, neg: bool) -> Option<String> {
    let text = match (nan, inf, zero, neg) {
        (true, ..) => "NaN",
        (_, true, _, false) => "Infinity",
        (_, true, _, true) => "-Infinity",
        (_, _, true, false) => "0",
        (_, _, true, true) => "-0",
        _ => return None,
    };
    Some(text.to_owned())
}

/// The float types [`ryu_shortest`] works on.
trait Float: Copy + PartialEq + std::fmt::LowerExp + std::str::FromStr {}
impl Float for f32 {}
impl Float for f64 {}

/// A finite positive float as `m` × 2^`e`; `narrow_below` marks a power of two
/// whose lower neighbour is only half an ulp away.
#[derive(Clone, Copy, Debug)]
struct Binary {
    m: u64,
    e: i32,
    narrow_below: bool,
}

impl Binary {
    /// From the IEEE fraction field, biased exponent field, fraction width and bias.
    fn new(frac: u64, biased: u64, frac_bits: i32, bias: i32) -> Self {
        let biased = biased as i32;
        let (m, e) = if biased == 0 {
            (frac, 1 - bias - frac_bits)
        } else {
            (frac | 1 << frac_bits, biased - bias - frac_bits)
        };
        Binary {
            m,
            e,
            narrow_below: frac == 0 && biased > 1,
        }
    }
}

/// The digits PostgreSQL's Ryu (built with `STRICTLY_SHORTEST 0`) prints for
/// the positive float `v`, as (digits, decimal exponent of the last digit):
/// for the coarsest power 10^p with a multiple strictly inside `v`'s rounding
/// interval (bounds excluded), `v` / 10^p rounded half-to-even, or the next
/// multiple up when that one falls on or below the lower bound.
fn ryu_shortest<F: Float>(v: F, binary: Binary, max_digits: usize) -> Option<(u64, i32)> {
    for precision in 0..max_digits {
        let (rounded, p) = split_scientific(&format!("{v:.precision$e}"))?;
        let nearest = halfway_even(binary, p)?.unwrap_or(rounded);
        for digits in [nearest, nearest.checked_add(1)?] {
            if strictly_inside(v, binary, digits, p) {
                return Some((digits, p));
            }
        }
    }
    None
}

/// `d.ddde±x` as (ddd, x − number of digits after the point).
fn split_scientific(sci: &str) -> Option<(u64, i32)> {
    let (mantissa, exp) = sci.split_once('e')?;
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let last_digit_exp = exp.parse::<i32>().ok()? - i32::try_from(digits.len()).ok()? + 1;
    Some((digits.parse().ok()?, last_digit_exp))
}

/// Whether `digits` × 10^`p` reads back as `v` without being one of the
/// interval bounds (which a reader could round either way).
fn strictly_inside<F: Float>(v: F, binary: Binary, digits: u64, p: i32) -> bool {
    let Binary { m, e, narrow_below } = binary;
    let lower = if narrow_below {
        (4 * m - 1, e - 2)
    } else {
        (2 * m - 1, e - 1)
    };
    let upper = (2 * m + 1, e - 1);
    format!("{digits}e{p}").parse::<F>().ok() == Some(v)
        && ![lower, upper]
            .iter()
            .any(|&(odd, exp2)| decimal_equals(digits, p, odd, exp2))
}

/// When `m` × 2^`e` / 10^`p` is exactly k + 1/2, `Some(Some(even of k, k+1))`;
/// `Some(None)` when it is not halfway; `None` when that is beyond u128 reach.
fn halfway_even(binary: Binary, p: i32) -> Option<Option<u64>> {
    let zeros = binary.m.trailing_zeros() as i32;
    // Halfway needs the value's lowest set bit to be 2^(p-1).
    if binary.e + zeros != p - 1 {
        return Some(None);
    }
    let odd = u128::from(binary.m >> zeros);
    let five = 5u128.checked_pow(p.unsigned_abs())?;
    let twice = match p {
        ..=0 => odd.checked_mul(five)?,
        _ if odd % five == 0 => odd / five,
        _ => return Some(None),
    };
    let below = twice / 2;
    Some(Some(u64::try_from(below + below % 2).ok()?))
}

/// Whether `digits` × 10^`p` equals `odd` × 2^`exp2` (`odd` odd) exactly.
fn decimal_equals(digits: u64, p: i32, odd: u64, exp2: i32) -> bool {
    if digits == 0 {
        return false;
    }
    let twos = digits.trailing_zeros() as i32;
    let rest = u128::from(digits >> twos);
    if twos + p != exp2 {
        return false;
    }
    let five = 5u128.checked_pow(p.unsigned_abs());
    if p >= 0 {
        five.and_then(|f| f.checked_mul(rest)) == Some(u128::from(odd))
    } else {
        five.and_then(|f| f.checked_mul(u128::from(odd))) == Some(rest)
    }
}

/// Ryu's `to_chars` layout of `digits` × 10^`p`: plain notation when the
/// decimal exponent of the first digit is in `-4..fixed_below`, otherwise
/// `d.ddde±XX` with at least two exponent digits.
fn decimal_text(neg: bool, digits: &str, p: i32, fixed_below: i32) -> Option<String> {
    let exp = p + i32::try_from(digits.len()).ok()? - 1;
    let mut out = String::from(if neg { "-" } else { "" });
    if (-4..fixed_below).contains(&exp) {
        out.push_str(&fixed_point(digits, exp));
        return Some(out);
    }
    let (first, rest) = digits.split_at(1.min(digits.len()));
    out.push_str(first);
    if !rest.is_empty() {
        out.push('.');
        out.push_str(rest);
    }
    let sign = if exp < 0 { '-' } else { '+' };
    let _ = write!(out, "e{sign}{:02}", exp.unsigned_abs());
    Some(out)
}

/// `digits` × 10^(`exp` − len + 1) in plain notation, without trailing zeros
/// after the point.
fn fixed_point(digits: &str, exp: i32) -> String {
    let int_len = match usize::try_from(exp) {
        Ok(exp) => exp + 1,
        Err(_) => {
            let zeros = usize::try_from(-exp - 1).unwrap_or(0);
            return format!("0.{}{digits}", "0".repeat(zeros));
        }
    };
    if digits.len() <= int_len {
        format!("{digits}{}", "0".repeat(int_len - digits.len()))
    } else {
        let (int, frac) = digits.split_at(int_len);
        format!("{int}.{frac}")
    }
}
