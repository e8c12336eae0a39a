//! Passwords in `key=value` pairs and command-line flags, for [`super::mask`]: values of
//! keys that end in `password` in any case (`password=`, `PGPASSWORD=`, `?Password=`,
//! `--password=`), the word after `--password`, and what follows `-W`.

use super::mask::{is_boundary, starts_with_ci, word_start};
use std::ops::Range;

/// Values of `key=value` pairs whose key ends in `password`, in any case.
///
/// In a URL's query (`?password=`, `&password=`) the value ends at `&` or `#`, and also at
/// a space or a quote unless `whole` (the line is one value whose bounds are known). Else it
/// is a word as shells and libpq read one; but with `whole`, libpq's own `password=`
/// unquoted runs to the end of the line: a password with an unquoted space goes on in the
/// next "key".
pub(super) fn assigned_passwords(line: &str, whole: bool, out: &mut Vec<Range<usize>>) {
    let b = line.as_bytes();
    let mut i = 0;
    while let Some(pos) = find_ci(b, i, b"password") {
        i = pos + "password".len();
        let spaced = b[i..]
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t'))
            .count();
        let mut v = i + spaced;
        if b.get(v) != Some(&b'=') {
            continue;
        }
        v += 1;
        if spaced > 0 {
            v += b[v..]
                .iter()
                .take_while(|c| matches!(c, b' ' | b'\t'))
                .count();
        }
        let key_start = pos
            - b[..pos]
                .iter()
                .rev()
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'-' | b'.'))
                .count();
        let in_query = key_start > 0 && matches!(b[key_start - 1], b'?' | b'&');
        let end = if in_query {
            v + b[v..]
                .iter()
                .take_while(|c| (whole || !is_boundary(**c)) && !matches!(c, b'&' | b'#'))
                .count()
        } else if whole && key_start == pos && !matches!(b.get(v), Some(b'\'' | b'"')) {
            b.len()
        } else {
            word_end(b, v)
        };
        out.push(v..end);
        i = end.max(i);
    }
}

/// Values given after `--password ` and in `-W…`.
pub(super) fn flag_passwords(line: &str, out: &mut Vec<Range<usize>>) {
    let b = line.as_bytes();
    let mut i = 0;
    while let Some(pos) = find_ci(b, i, b"--password") {
        i = pos + "--password".len();
        let spaced = b[i..]
            .iter()
            .take_while(|c| matches!(c, b' ' | b'\t'))
            .count();
        let v = i + spaced;
        if word_start(b, pos) && spaced > 0 && v < b.len() && b[v] != b'-' {
            out.push(v..word_end(b, v));
        }
    }
    for pos in 0..b.len().saturating_sub(2) {
        let at_word = pos == 0 || is_boundary(b[pos - 1]);
        if at_word && b[pos] == b'-' && b[pos + 1] == b'W' && !b[pos + 2].is_ascii_whitespace() {
            out.push(pos + 2..word_end(b, pos + 2));
        }
    }
}

/// The end of the word starting at `v`, read as shells and libpq read one: quoted parts
/// (`'…'`, `"…"`, with backslash escapes) and escaped characters do not end it. An
/// unterminated quote runs to the end of the line.
fn word_end(b: &[u8], v: usize) -> usize {
    let mut k = v;
    while k < b.len() {
        match b[k] {
            c if c.is_ascii_whitespace() => break,
            q @ (b'\'' | b'"') => {
                k += 1;
                while k < b.len() && b[k] != q {
                    k += if b[k] == b'\\' { 2 } else { 1 };
                }
                k += 1;
            }
            b'\\' => k += 2,
            _ => k += 1,
        }
    }
    k.min(b.len())
}

/// The first position at or after `from` where `what` occurs, ignoring ASCII case.
fn find_ci(b: &[u8], from: usize, what: &[u8]) -> Option<usize> {
    (from..b.len()).find(|&i| starts_with_ci(b, i, what))
}
