//! The commands pgdrift suggests (audit fixes, refusals, hints), built in one place: a
//! [`Command`] is an argument vector, and it prints as one line a POSIX shell splits back
//! into exactly those arguments. Arguments are given already masked (`***` for a password),
//! and a database is named as `env:NAME` wherever it came from a variable.

use std::borrow::Cow;
use std::fmt;

/// A command line: the program and its arguments, unquoted.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Command {
    argv: Vec<String>,
}

impl Command {
    /// `pgdrift` followed by `args`.
    pub fn pgdrift<S: Into<String>>(args: impl IntoIterator<Item = S>) -> Command {
        Command {
            argv: vec!["pgdrift".to_string()],
        }
        .args(args)
    }

    /// This command with `arg` appended.
    pub fn arg(mut self, arg: impl Into<String>) -> Command {
        self.argv.push(arg.into());
        self
    }

    /// This command with `args` appended.
    pub fn args<S: Into<String>>(mut self, args: impl IntoIterator<Item = S>) -> Command {
        self.argv.extend(args.into_iter().map(Into::into));
        self
    }

    /// This command with `--ignore PATTERN` appended for each of `patterns`.
    pub fn ignore(self, patterns: &[String]) -> Command {
        patterns
            .iter()
            .fold(self, |c, p| c.arg("--ignore").arg(p.as_str()))
    }

    /// The arguments, the program first.
    pub fn argv(&self) -> &[String] {
        &self.argv
    }
}

/// The words, each quoted when a shell would change it.
impl fmt::Display for Command {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, word) in self.argv.iter().enumerate() {
            if i > 0 {
                f.write_str(" ")?;
            }
            f.write_str(&quote(word))?;
        }
        Ok(())
    }
}

/// `word` as a POSIX shell reads it back unchanged: as it is when it holds only characters
/// no shell treats specially, else in single quotes (a `'` inside written `'\''`).
pub fn quote(word: &str) -> Cow<'_, str> {
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-+=.,/:@%".contains(c);
    // `=` would only make an assignment of a first word, which is always the program.
    if !word.is_empty() && word.chars().all(plain) {
        Cow::Borrowed(word)
    } else {
        Cow::Owned(single_quoted(word))
    }
}

/// `word` in single quotes, which a POSIX shell reads back unchanged whatever it holds (a
/// `'` inside written `'\''`): for a word shown in a sentence, quoted even when plain.
pub fn single_quoted(word: &str) -> String {
    format!("'{}'", word.replace('\'', r"'\''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_words_stay_and_the_rest_is_quoted() {
        let c = Command::pgdrift(["diff", "postgresql://u:***@h:5432/db", "cmd:a && b"])
            .args(["-f", "sql"])
            .arg("it's")
            .arg("")
            .ignore(&["*.old".to_string()]);
        assert_eq!(
            c.to_string(),
            r"pgdrift diff 'postgresql://u:***@h:5432/db' 'cmd:a && b' -f sql 'it'\''s' '' --ignore '*.old'"
        );
        assert_eq!(shell_words::split(&c.to_string()).unwrap(), c.argv());
        assert_eq!(quote("env:PROD_URL/tenant_3"), "env:PROD_URL/tenant_3");
        assert_eq!(quote("~/x"), "'~/x'");
        assert_eq!(quote("a$b`c\"d\\e"), r#"'a$b`c"d\e'"#);
    }
}
