//! From the raw file to a [`FleetConfig`]: `${NAME}` interpolation of string values, URL
//! parsing, checks of globs, stages and numbers, and relative paths resolved against the
//! directory of the file. The first fault found is returned, placed in the file.

use super::error::{ConfigError, Location};
use super::interpolate::{expand, InterpError};
use super::raw::{List, RawAudit, RawFile, RawRegistry, RawRole, RawServer, Text};
use super::values::{glob_fault, resolve, resolve_source, scrub};
use super::{
    AuditSettings, FleetConfig, RegistrySource, RoleConfig, ServerConfig, Stage, FAIL_ON_LEVELS,
};
use crate::pg::ConnInfo;
use crate::source::dir::Ignore;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// A string value after interpolation, with where it was written.
struct Value<'r> {
    text: String,
    vars: Vec<String>,
    raw: &'r Text,
}

impl Value<'_> {
    /// The value quoted for a message, or the variables it came from: a value read from the
    /// environment is never shown.
    fn shown(&self) -> String {
        match self.vars.is_empty() {
            true => format!("{:?}", self.text),
            false => format!("(from {})", var_list(&self.vars)),
        }
    }

    /// `key`, followed by the variables the value came from, if any.
    fn what(&self, key: &str) -> String {
        match self.vars.is_empty() {
            true => key.to_string(),
            false => format!("{key} (from {})", var_list(&self.vars)),
        }
    }
}

fn var_list(vars: &[String]) -> String {
    let names: Vec<String> = vars.iter().map(|v| format!("${{{v}}}")).collect();
    names.join(", ")
}

pub(super) struct Builder<'a> {
    pub path: &'a Path,
    pub text: &'a str,
    pub env: &'a dyn Fn(&str) -> Option<String>,
}

impl Builder<'_> {
    pub fn build(&self, raw: RawFile) -> Result<FleetConfig, ConfigError> {
        if raw.server.is_empty() {
            return Err(ConfigError::NoServers { at: self.loc(0) });
        }
        let mut servers: Vec<ServerConfig> = Vec::new();
        let mut lines = Vec::new();
        for server in &raw.server {
            let built = self.server(server)?;
            let line = self.loc(server.name.span().start).line;
            if let Some(first) = servers.iter().position(|s| s.name == built.name) {
                return Err(ConfigError::DuplicateServer {
                    at: self.loc(server.name.span().start),
                    name: self.string("name", &server.name)?.shown(),
                    first_line: lines[first],
                });
            }
            servers.push(built);
            lines.push(line);
        }
        let roles = raw
            .role
            .0
            .iter()
            .map(|(name, role)| self.role(name, role, &servers))
            .collect::<Result<_, _>>()?;
        Ok(FleetConfig {
            path: self.path.to_path_buf(),
            servers,
            roles,
            settings: self.audit(raw.audit.as_ref())?,
            lint: match &raw.lint {
                None => crate::lint::LintConfig::default(),
                Some(lint) => {
                    crate::lint::LintConfig::new(lint.get_ref()).map_err(|e| ConfigError::Toml {
                        at: self.loc(lint.span().start),
                        message: e.to_string(),
                    })?
                }
            },
            docs: self.docs(raw.docs.as_ref())?,
        })
    }

    /// `[docs]`, checked; an error names the table's line.
    fn docs(
        &self,
        raw: Option<&toml::Spanned<toml::Value>>,
    ) -> Result<crate::docs::DocsConfig, ConfigError> {
        let Some(docs) = raw else {
            return Ok(crate::docs::DocsConfig::default());
        };
        crate::docs::DocsConfig::new(docs.get_ref().clone()).map_err(|message| ConfigError::Toml {
            at: self.loc(docs.span().start),
            message: match message.starts_with("[docs]") {
                true => message,
                false => format!("[docs] {message}"),
            },
        })
    }

    fn server(&self, raw: &RawServer) -> Result<ServerConfig, ConfigError> {
        let name = self.nonempty("name", &raw.name)?.text;
        let url = self.url(&raw.url)?;
        let url_var = self.only_var(&self.string("url", &raw.url)?);
        let stage = self.string("stage", &raw.stage)?;
        let stage = Stage::parse(&stage.text).ok_or_else(|| ConfigError::UnknownStage {
            at: self.loc(raw.stage.span().start),
            value: stage.shown(),
        })?;
        let databases = match &raw.databases {
            Some(list) if list.get_ref().is_empty() => {
                return Err(self.invalid(
                    list.span().start,
                    "databases = [] matches no database: leave the key out to include them all",
                ))
            }
            Some(list) => self.globs("databases", list)?,
            None => vec!["*".to_string()],
        };
        let exclude = match &raw.exclude {
            Some(list) => self.globs("exclude", list)?,
            None => Vec::new(),
        };
        let max_connections = raw
            .max_connections
            .as_ref()
            .map(|n| self.count("max_connections", n))
            .transpose()?;
        Ok(ServerConfig {
            name,
            url,
            url_var,
            stage,
            databases,
            exclude,
            max_connections,
        })
    }

    fn role(
        &self,
        name: &Text,
        raw: &RawRole,
        servers: &[ServerConfig],
    ) -> Result<RoleConfig, ConfigError> {
        let role = name.get_ref().clone();
        if role.trim().is_empty() {
            return Err(self.invalid(name.span().start, "a role needs a name: write [role.NAME]"));
        }
        let databases_from = match &raw.databases_from {
            Some(registry) => Some(self.registry(&role, registry.get_ref(), servers)?),
            None => None,
        };
        let databases = match &raw.databases {
            Some(list) if !list.get_ref().is_empty() => self.globs("databases", list)?,
            _ if databases_from.is_some() => Vec::new(),
            other => {
                let at = other.as_ref().map_or(name.span(), |list| list.span());
                return Err(ConfigError::RoleWithoutDatabases {
                    at: self.loc(at.start),
                    role,
                });
            }
        };
        let (desired, desired_arg) = match &raw.desired {
            Some(d) => {
                let value = self.nonempty("desired", d)?;
                let source = resolve_source(&self.base(), &value.text);
                let arg = match self.only_var(&value) {
                    Some(name) if ConnInfo::parse(&value.text).is_ok() => format!("env:{name}"),
                    _ => crate::pg::mask_value(&source),
                };
                (Some(source), Some(arg))
            }
            None => (None, None),
        };
        let migrations = match &raw.migrations {
            Some(m) => Some(resolve(&self.base(), &self.nonempty("migrations", m)?.text)),
            None => None,
        };
        Ok(RoleConfig {
            name: role,
            databases,
            databases_from,
            desired,
            desired_arg,
            migrations,
            ignore: self.ignore(raw.ignore.as_ref())?,
        })
    }

    /// A role's `databases_from`: a known server, a database name and a query, none empty.
    fn registry(
        &self,
        role: &str,
        raw: &RawRegistry,
        servers: &[ServerConfig],
    ) -> Result<RegistrySource, ConfigError> {
        let server = self.nonempty("databases_from.server", &raw.server)?;
        if !servers.iter().any(|s| s.name == server.text) {
            let names: Vec<String> = servers.iter().map(|s| format!("{:?}", s.name)).collect();
            let message = format!(
                "role \"{role}\": databases_from.server {} names no [[server]]: use one of {}",
                server.shown(),
                names.join(", ")
            );
            return Err(self.invalid(raw.server.span().start, &message));
        }
        let database = self.nonempty("databases_from.database", &raw.database)?;
        let query = self.nonempty("databases_from.query", &raw.query)?;
        Ok(RegistrySource {
            server: server.text,
            database: database.text,
            query: query.text,
        })
    }

    /// A role's `ignore` globs, each checked as `--ignore` checks it.
    fn ignore(&self, raw: Option<&List>) -> Result<Ignore, ConfigError> {
        let mut patterns = Vec::new();
        for item in raw.map_or(&[][..], |list| list.get_ref()) {
            let value = self.string("ignore", item)?;
            if let Err(e) = Ignore::new([&value.text]) {
                return Err(ConfigError::BadGlob {
                    at: self.loc(item.span().start),
                    key: "ignore".to_string(),
                    pattern: value.shown(),
                    reason: format!("is not a valid glob: {}", e.reason),
                });
            }
            patterns.push(value.text);
        }
        Ignore::new(&patterns).map_err(|e| {
            self.invalid(
                raw.map_or(0, |list| list.span().start),
                &format!("ignore: {e}"),
            )
        })
    }

    fn audit(&self, raw: Option<&RawAudit>) -> Result<AuditSettings, ConfigError> {
        let Some(raw) = raw else {
            return Ok(AuditSettings::default());
        };
        let jobs = raw.jobs.as_ref().map(|n| self.count("jobs", n));
        let fail_on = match &raw.fail_on {
            Some(level) => {
                let value = self.string("fail_on", level)?;
                if !FAIL_ON_LEVELS.contains(&value.text.as_str()) {
                    let message = format!(
                        "fail_on {} is not a level: use one of {}",
                        value.shown(),
                        FAIL_ON_LEVELS.join(", ")
                    );
                    return Err(self.invalid(level.span().start, &message));
                }
                Some(value.text)
            }
            None => None,
        };
        let statement_timeout = raw.statement_timeout_secs.as_ref().map(|n| {
            crate::limits::seconds(*n.get_ref()).map_err(|reason| {
                let message = format!("statement_timeout_secs = {}: {reason}", n.get_ref());
                self.invalid(n.span().start, &message)
            })
        });
        Ok(AuditSettings {
            jobs: jobs.transpose()?,
            statement_timeout: statement_timeout.transpose()?,
            fail_on,
        })
    }

    /// The directory relative paths are resolved against: the file's own.
    fn base(&self) -> PathBuf {
        self.path.parent().unwrap_or(Path::new("")).to_path_buf()
    }

    fn loc(&self, offset: usize) -> Location {
        Location::at(self.path, self.text, offset)
    }

    /// The position of byte `at` of the value of `raw` (its start when the string is written
    /// with escapes, whose offsets do not map back to the file).
    fn loc_in(&self, raw: &Text, at: usize) -> Location {
        let span = raw.span();
        let written = &self.text[span.clone()];
        for quote in ["\"\"\"", "'''", "\"", "'"] {
            let inner = written
                .strip_prefix(quote)
                .and_then(|w| w.strip_suffix(quote));
            if inner == Some(raw.get_ref().as_str()) {
                return self.loc(span.start + quote.len() + at);
            }
        }
        self.loc(span.start)
    }

    fn invalid(&self, offset: usize, message: &str) -> ConfigError {
        ConfigError::Invalid {
            at: self.loc(offset),
            message: message.to_string(),
        }
    }

    /// The value of `raw` with its variables interpolated.
    fn string<'r>(&self, key: &str, raw: &'r Text) -> Result<Value<'r>, ConfigError> {
        const HOW: &str = "write ${NAME} or ${NAME:-default} for a variable, $$ for a literal $";
        let expanded = expand(raw.get_ref(), self.env).map_err(|e| {
            let at = self.loc_in(raw, e.offset());
            let reason = match e {
                InterpError::Unset { name, .. } => {
                    return ConfigError::UnsetVariable {
                        at,
                        name,
                        key: key.to_string(),
                    }
                }
                InterpError::Unterminated { .. } => format!("${{ is not closed: {HOW}"),
                InterpError::BadName { .. } => {
                    format!("${{...}} must hold a variable name (letters, digits, _): {HOW}")
                }
                InterpError::NoBraces { .. } => {
                    format!("a $ followed by a name needs braces: {HOW}")
                }
            };
            ConfigError::BadInterpolation {
                at,
                key: key.to_string(),
                reason,
            }
        })?;
        Ok(Value {
            text: expanded.value,
            vars: expanded.vars,
            raw,
        })
    }

    fn nonempty<'r>(&self, key: &str, raw: &'r Text) -> Result<Value<'r>, ConfigError> {
        let value = self.string(key, raw)?;
        if value.text.trim().is_empty() {
            let message = format!("{} is empty: give it a value", value.what(key));
            return Err(self.invalid(raw.span().start, &message));
        }
        Ok(value)
    }

    /// A count of connections or jobs, checked as `--jobs` is.
    fn count(&self, key: &str, n: &Spanned<i64>) -> Result<usize, ConfigError> {
        let value = *n.get_ref();
        u64::try_from(value)
            .map_err(|_| "use 1 or more".to_string())
            .and_then(crate::limits::jobs)
            .map_err(|reason| self.invalid(n.span().start, &format!("{key} = {value}: {reason}")))
    }

    fn url(&self, raw: &Text) -> Result<ConnInfo, ConfigError> {
        let value = self.string("url", raw)?;
        ConnInfo::parse(&value.text).map_err(|e| ConfigError::BadUrl {
            at: self.loc(raw.span().start),
            what: value.what("url"),
            reason: scrub(&e.to_string(), &value.text),
        })
    }

    /// The variable `value` came from when it is written as one `${NAME}` (or
    /// `${NAME:-default}`) and that variable is set: a command can name it as `env:NAME`.
    fn only_var(&self, value: &Value<'_>) -> Option<String> {
        let written = value.raw.get_ref().trim();
        let inner = written.strip_prefix("${")?.strip_suffix('}')?;
        let name = inner.split(":-").next()?;
        let single = !inner.contains(['$', '}']) && value.vars == [name];
        let set = (self.env)(name).is_some_and(|v| !v.is_empty());
        (single && set).then(|| name.to_string())
    }

    /// The patterns of `list`, each checked: globs with `*` and `?` only.
    fn globs(&self, key: &str, list: &List) -> Result<Vec<String>, ConfigError> {
        let mut out = Vec::new();
        for raw in list.get_ref() {
            let value = self.string(key, raw)?;
            if let Some((at, reason)) = glob_fault(&value.text) {
                let at = match value.vars.is_empty() && value.text == *value.raw.get_ref() {
                    true => self.loc_in(raw, at),
                    false => self.loc(raw.span().start),
                };
                return Err(ConfigError::BadGlob {
                    at,
                    key: key.to_string(),
                    pattern: value.shown(),
                    reason: reason.to_string(),
                });
            }
            out.push(value.text);
        }
        Ok(out)
    }
}
