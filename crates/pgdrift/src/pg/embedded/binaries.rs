//! Finding PostgreSQL server binaries: `PGDRIFT_PG_BIN`, then `pg_config --bindir`, `PATH`
//! and `/usr/lib/postgresql/*/bin`, newest version first. Only `initdb` and `postgres` are
//! needed.

use super::EmbeddedError;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A directory holding `initdb` and `postgres`, with the version they report.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PgBinaries {
    pub bindir: PathBuf,
    /// `(major, minor)`, e.g. `(16, 4)`.
    pub version: (u32, u32),
    /// What `postgres --version` printed, trimmed.
    pub version_text: String,
}

impl PgBinaries {
    /// The binaries pgdrift uses: the directory `PGDRIFT_PG_BIN` names, else the newest found.
    pub fn locate() -> Result<PgBinaries, EmbeddedError> {
        if let Some(dir) = std::env::var_os("PGDRIFT_PG_BIN").filter(|d| !d.is_empty()) {
            return PgBinaries::in_dir(Path::new(&dir)).map_err(|reason| {
                EmbeddedError::BadBinDir {
                    path: PathBuf::from(dir),
                    reason,
                }
            });
        }
        let found = PgBinaries::candidates();
        found
            .into_iter()
            .next()
            .ok_or_else(|| EmbeddedError::NoBinaries {
                searched: search_dirs()
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect(),
            })
    }

    /// Every usable binary directory found, newest first, without duplicates.
    pub fn candidates() -> Vec<PgBinaries> {
        let mut found: Vec<PgBinaries> = Vec::new();
        for dir in search_dirs() {
            if let Ok(bins) = PgBinaries::in_dir(&dir) {
                if !found.iter().any(|f| f.bindir == bins.bindir) {
                    found.push(bins);
                }
            }
        }
        found.sort_by_key(|b| std::cmp::Reverse(b.version));
        found
    }

    /// The binaries in `dir`, which must hold `initdb` and `postgres`.
    pub fn in_dir(dir: &Path) -> Result<PgBinaries, String> {
        let postgres = dir.join("postgres");
        for exe in ["postgres", "initdb"] {
            if !dir.join(exe).is_file() {
                return Err(format!("no `{exe}` in it"));
            }
        }
        // Resolve symlinks so the server finds its share directory next to the real binary.
        let real = postgres
            .canonicalize()
            .map_err(|e| format!("cannot resolve {}: {e}", postgres.display()))?;
        let bindir = real
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| dir.to_path_buf());
        let out = Command::new(&real)
            .arg("--version")
            .output()
            .map_err(|e| format!("cannot run {}: {e}", real.display()))?;
        let text = String::from_utf8_lossy(&out.stdout).trim().to_string();
        let version = parse_version(&text).ok_or_else(|| {
            format!("`postgres --version` printed {text:?}, not a PostgreSQL version")
        })?;
        Ok(PgBinaries {
            bindir,
            version,
            version_text: text,
        })
    }

    pub fn major(&self) -> u32 {
        self.version.0
    }

    pub fn postgres(&self) -> PathBuf {
        self.bindir.join("postgres")
    }

    pub fn initdb(&self) -> PathBuf {
        self.bindir.join("initdb")
    }
}

/// `postgres (PostgreSQL) 16.4 (Debian 16.4-1)` -> `(16, 4)`; `17beta2` -> `(17, 0)`.
pub fn parse_version(text: &str) -> Option<(u32, u32)> {
    let rest = &text[text.find("(PostgreSQL)")? + "(PostgreSQL)".len()..];
    let word = rest.split_whitespace().next()?;
    let mut parts = word.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next().and_then(|m| m.parse().ok()).unwrap_or(0);
    Some((major, minor))
}

fn search_dirs() -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Ok(out) = Command::new("pg_config").arg("--bindir").output() {
        if out.status.success() {
            dirs.push(PathBuf::from(String::from_utf8_lossy(&out.stdout).trim()));
        }
    }
    if let Some(path) = std::env::var_os("PATH") {
        dirs.extend(std::env::split_paths(&path));
    }
    if let Ok(entries) = std::fs::read_dir("/usr/lib/postgresql") {
        let mut versions: Vec<PathBuf> = entries.flatten().map(|e| e.path().join("bin")).collect();
        versions.sort();
        dirs.extend(versions.into_iter().rev());
    }
    dirs
}

#[cfg(test)]
mod tests {
    use super::parse_version;

    #[test]
    fn versions() {
        assert_eq!(
            parse_version("postgres (PostgreSQL) 16.4 (Debian 16.4-1)"),
            Some((16, 4))
        );
        assert_eq!(parse_version("postgres (PostgreSQL) 18.4"), Some((18, 4)));
        assert_eq!(
            parse_version("postgres (PostgreSQL) 17beta2"),
            Some((17, 0))
        );
        assert_eq!(parse_version("something else"), None);
    }
}
