//! Passwords kept out of free text. [`mask_urls`] is the one function every string that
//! reaches an output passes through. It replaces with `***` every password it finds:
//!
//! - in connection URLs of any scheme (`postgres://user:password@host`), mistyped ones too
//!   (`postgres:/…`, `postgres//…`, `postgresql:user:password@…`) and bare `user:password@host`;
//!   a password may hold unencoded `@ / ? # :`, quotes or spaces: in free text it runs to the
//!   last `@` of its word (or of the next word when its own has none);
//! - in `key=value` pairs whose key ends in `password`, in any case, and after `--password`
//!   and `-W` in commands (found by `mask_pairs`).
//!
//! It errs on the side of masking too much. Where the bounds of what a user gave are known
//! (an argument, a line, a configured source, a command), [`mask_value`] lets a password in a
//! URL run to the last `@` before another URL; [`mask_quoting`] also removes the pieces of
//! such a value's passwords from a message about it (a parser may quote a fragment).

use super::mask_pairs::{assigned_passwords, flag_passwords};
use super::ConnInfoError;
use std::cmp::Reverse;
use std::ops::Range;

/// The bytes of a text that hold a secret.
type Span = Range<usize>;

/// `text` with every password found in it replaced by `***`.
pub fn mask_urls(text: &str) -> String {
    replace(text, &secret_spans(text, Reach::Line))
}

/// One value as a user gave it (an argument, a line of a file, a configured source, a
/// `cmd:` command) with its passwords replaced by `***`. Its bounds are known, so a password
/// in a URL runs to the last `@` before another URL, across spaces and quotes.
pub fn mask_value(value: &str) -> String {
    replace(value, &secret_spans(value, Reach::Whole))
}

/// The passwords [`mask_value`] would mask in `value`, in order: for a digest that shows a
/// changed password without showing the password.
pub fn value_secrets(value: &str) -> Vec<&str> {
    (secret_spans(value, Reach::Whole).into_iter())
        .map(|span| &value[span])
        .collect()
}

fn replace(text: &str, spans: &[Span]) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for span in spans {
        out.push_str(&text[at..span.start]);
        out.push_str("***");
        at = span.end;
    }
    out.push_str(&text[at..]);
    out
}

/// `text` masked, and every password found in `input` replaced too, whole or in pieces
/// (split where URLs and `key=value` strings split; a piece only where it stands as a word of
/// its own): for a message about `input`, which may quote it or a fragment of it,
/// percent-decoded or not.
pub fn mask_quoting(text: &str, input: &str) -> String {
    let mut out = mask_urls(text);
    let mut wholes: Vec<String> = Vec::new();
    let mut pieces: Vec<String> = Vec::new();
    for span in secret_spans(input, Reach::Whole) {
        let secret = &input[span];
        let decoded = percent_encoding::percent_decode_str(secret).decode_utf8_lossy();
        for whole in [secret, decoded.as_ref()] {
            wholes.push(whole.to_string());
            pieces.extend(
                whole
                    .split(|c: char| c.is_whitespace() || "&'\"/:@?#=,%\\".contains(c))
                    .map(str::to_string),
            );
        }
    }
    let keep = |p: &String| p.chars().count() >= 2 && p.chars().any(|c| c != '*');
    for (list, bounded) in [(wholes, false), (pieces, true)] {
        let mut list: Vec<String> = list.into_iter().filter(keep).collect();
        // Longest first, so that a short piece does not break the match of a longer one.
        list.sort_by_key(|p| Reverse(p.len()));
        list.dedup();
        for piece in list {
            out = replace_all(&out, &piece, bounded);
        }
    }
    out
}

/// `text` with `piece` replaced by `***`; with `bounded`, only where no letter or digit
/// touches it on either side.
fn replace_all(text: &str, piece: &str, bounded: bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find(piece) {
        let before = rest[..at].chars().next_back();
        let after = rest[at + piece.len()..].chars().next();
        let word = |c: Option<char>| c.is_some_and(char::is_alphanumeric);
        out.push_str(&rest[..at]);
        match bounded && (word(before) || word(after)) {
            true => out.push_str(piece),
            false => out.push_str("***"),
        }
        rest = &rest[at + piece.len()..];
    }
    out.push_str(rest);
    out
}

impl ConnInfoError {
    /// This error with every piece of a password in `input` (the string that failed to
    /// parse) masked.
    pub(super) fn masked(self, input: &str) -> ConnInfoError {
        let m = |s: String| mask_quoting(&s, input);
        match self {
            ConnInfoError::InvalidUrl(s) => ConnInfoError::InvalidUrl(m(s)),
            ConnInfoError::InvalidKeyValue(s) => ConnInfoError::InvalidKeyValue(m(s)),
            ConnInfoError::UnknownParameter(s) => ConnInfoError::UnknownParameter(m(s)),
            ConnInfoError::InvalidValue { param, reason } => ConnInfoError::InvalidValue {
                param: m(param),
                reason: m(reason),
            },
        }
    }
}

/// How far a password in a URL may run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// To the last `@` of its word (whitespace and quotes end words).
    Word,
    /// In free text: to the last `@` before the whitespace that follows an `@`, or before
    /// another URL.
    Line,
    /// In one value: to the last `@` before another URL.
    Whole,
}

/// The secrets of `text`, sorted, without overlaps; found line by line.
fn secret_spans(text: &str, reach: Reach) -> Vec<Span> {
    let mut spans: Vec<Span> = Vec::new();
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let body = line.trim_end_matches(['\n', '\r']);
        let mut found = Vec::new();
        url_passwords(body, reach, &mut found);
        assigned_passwords(body, reach == Reach::Whole, &mut found);
        flag_passwords(body, &mut found);
        spans.extend(
            (found.into_iter())
                .filter(|s| !s.is_empty())
                .map(|s| s.start + offset..s.end + offset),
        );
        offset += line.len();
    }
    spans.sort_by_key(|s| s.start);
    let mut merged: Vec<Span> = Vec::with_capacity(spans.len());
    for span in spans {
        match merged.last_mut() {
            Some(last) if span.start <= last.end => last.end = last.end.max(span.end),
            _ => merged.push(span),
        }
    }
    merged
}

/// Ends a word: whitespace and quotes.
pub(super) fn is_boundary(b: u8) -> bool {
    b.is_ascii_whitespace() || matches!(b, b'\'' | b'"' | b'`')
}

/// True when position `i` of `b` starts a word (a URL scheme, a flag).
pub(super) fn word_start(b: &[u8], i: usize) -> bool {
    i == 0 || !(b[i - 1].is_ascii_alphanumeric() || matches!(b[i - 1], b'_' | b'-' | b'.'))
}

pub(super) fn starts_with_ci(b: &[u8], i: usize, what: &[u8]) -> bool {
    b.len() >= i + what.len() && b[i..i + what.len()].eq_ignore_ascii_case(what)
}

/// The URLs of `line`: where each begins and where its user part starts, after `://` or
/// after the mistyped schemes `postgres:`, `postgres:/`, `postgres//`, `postgresql:` (any
/// case).
fn urls(line: &str) -> Vec<(usize, usize)> {
    let b = line.as_bytes();
    let mut found = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if word_start(b, i) && starts_with_ci(b, i, b"postgres") {
            let mut j = i + "postgres".len();
            if starts_with_ci(b, j, b"ql") {
                j += 2;
            }
            let k = j
                + (b[j..].iter())
                    .take(3)
                    .take_while(|c| matches!(c, b':' | b'/'))
                    .count();
            if k > j {
                found.push((i, k));
                i = k;
                continue;
            }
        }
        if b[i..].starts_with(b"://") {
            let scheme = (b[..i].iter().rev())
                .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'+' | b'.' | b'-'))
                .count();
            found.push((i - scheme, i + 3));
            i += 3;
            continue;
        }
        i += 1;
    }
    found
}

/// Passwords in URLs, and in bare `user:password@host` words.
fn url_passwords(line: &str, reach: Reach, out: &mut Vec<Span>) {
    let b = line.as_bytes();
    let found = urls(line);
    // Where another URL begins, a password cannot go on (a scheme right after a space or a
    // quote; `://` inside a password is not one).
    let begins: Vec<usize> = (found.iter())
        .map(|(begin, _)| *begin)
        .filter(|&at| {
            b[at].is_ascii_alphabetic()
                && (at == 0 || is_boundary(b[at - 1]) || b"(<>[{,;=|".contains(&b[at - 1]))
        })
        .collect();
    let mut done = 0;
    for &(_, p) in &found {
        if p < done {
            continue;
        }
        if let Some(span) = userinfo_password(line, p, reach, &begins) {
            done = span.end;
            out.push(span);
        }
    }
    // Bare words: a user name, `:`, then an `@` later in the word.
    let mut i = 0;
    while i < b.len() {
        let end = i + b[i..].iter().take_while(|c| !is_boundary(**c)).count();
        let first = found.partition_point(|&(_, s)| s <= i);
        let is_url = found.get(first).is_some_and(|&(_, s)| s <= end);
        let user = (b[i..end].iter())
            .take_while(|c| {
                c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-' | b'%' | b'+')
            })
            .count();
        if user > 0 && !is_url {
            out.extend(userinfo_password(&line[..end], i, Reach::Word, &[]));
        }
        i = end + 1;
    }
}

/// How far free text is searched for the `@` that ends a password.
const MAX_PASSWORD: usize = 1024;

/// The password of the userinfo that starts at `p`: after the first `:` of the user part, up
/// to the last `@` that `reach` allows; never past the beginning of another URL (`begins`)
/// once an `@` was seen. A user part holding an `@` (`user@host:port`) has a password only
/// when another `@` follows in its word.
fn userinfo_password(line: &str, p: usize, reach: Reach, begins: &[usize]) -> Option<Span> {
    let b = line.as_bytes();
    let user_len = b[p..]
        .iter()
        .take_while(|c| !is_boundary(**c) && !matches!(c, b':' | b'/' | b'?' | b'#'))
        .count();
    let colon = p + user_len;
    if b.get(colon) != Some(&b':') {
        return None;
    }
    let user_has_at = b[p..colon].contains(&b'@');
    let start = colon + 1;
    let mut last_at = None;
    let mut next = begins.partition_point(|&at| at < start);
    for (k, &c) in b.iter().enumerate().skip(start) {
        let at_begin = begins.get(next) == Some(&k);
        next += usize::from(at_begin);
        let stop = match reach {
            Reach::Word => is_boundary(c),
            _ if c.is_ascii_whitespace() && user_has_at => true,
            Reach::Line if at_begin => true,
            // No `@` yet this far: no password (and no quadratic scan of a long line).
            Reach::Line if last_at.is_none() => k - start > MAX_PASSWORD,
            Reach::Line => c.is_ascii_whitespace() && !next_word_has_at(b, k, begins),
            Reach::Whole => last_at.is_some() && at_begin,
        };
        if stop {
            break;
        }
        if c == b'@' {
            last_at = Some(k);
        }
    }
    last_at.map(|at| start..at)
}

/// True when the word after the whitespace at `k` holds an `@` and begins no URL: a password
/// with a space may go on into it.
fn next_word_has_at(b: &[u8], k: usize, begins: &[usize]) -> bool {
    let from = k + b[k..]
        .iter()
        .take_while(|c| c.is_ascii_whitespace())
        .count();
    let to = from
        + b[from..]
            .iter()
            .take_while(|c| !c.is_ascii_whitespace())
            .count();
    let first = begins.partition_point(|&at| at < from);
    b[from..to].contains(&b'@') && begins.get(first).is_none_or(|&at| at >= to)
}
