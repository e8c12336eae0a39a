//! `${NAME}` interpolation in string values: `${NAME}` is the variable's value (an unset or
//! empty variable is an error), `${NAME:-default}` falls back to `default` when it is unset or
//! empty, `$$` is a literal `$`. Any other `$` is kept as it is, except `$NAME` without braces,
//! which is refused so that a forgotten pair of braces does not pass silently.

/// A string value after interpolation, with the variables it used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Expanded {
    pub value: String,
    pub vars: Vec<String>,
}

/// Why a value could not be interpolated; `offset` is the byte offset of the `$` in the
/// value as written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum InterpError {
    Unset { name: String, offset: usize },
    Unterminated { offset: usize },
    BadName { offset: usize },
    NoBraces { offset: usize },
}

impl InterpError {
    pub fn offset(&self) -> usize {
        match self {
            InterpError::Unset { offset, .. }
            | InterpError::Unterminated { offset }
            | InterpError::BadName { offset }
            | InterpError::NoBraces { offset } => *offset,
        }
    }
}

fn is_name(s: &str) -> bool {
    let mut chars = s.chars();
    chars
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

/// Expands `text`, reading variables through `env`.
pub(super) fn expand(
    text: &str,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Expanded, InterpError> {
    let mut out = Expanded {
        value: String::with_capacity(text.len()),
        vars: Vec::new(),
    };
    let mut rest = text;
    while let Some(pos) = rest.find('$') {
        let offset = text.len() - rest.len() + pos;
        out.value.push_str(&rest[..pos]);
        let after = &rest[pos + 1..];
        if let Some(tail) = after.strip_prefix('$') {
            out.value.push('$');
            rest = tail;
        } else if let Some(inner) = after.strip_prefix('{') {
            let end = inner
                .find('}')
                .ok_or(InterpError::Unterminated { offset })?;
            let (name, default) = match inner[..end].split_once(":-") {
                Some((name, default)) => (name, Some(default)),
                None => (&inner[..end], None),
            };
            if !is_name(name) {
                return Err(InterpError::BadName { offset });
            }
            let value = env(name).filter(|v| !v.is_empty());
            match (value, default) {
                (Some(v), _) => out.value.push_str(&v),
                (None, Some(d)) => out.value.push_str(d),
                (None, None) => {
                    return Err(InterpError::Unset {
                        name: name.to_string(),
                        offset,
                    })
                }
            }
            if !out.vars.iter().any(|v| v == name) {
                out.vars.push(name.to_string());
            }
            rest = &inner[end + 1..];
        } else if after.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
            return Err(InterpError::NoBraces { offset });
        } else {
            out.value.push('$');
            rest = after;
        }
    }
    out.value.push_str(rest);
    Ok(out)
}
