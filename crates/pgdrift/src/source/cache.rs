//! The replay cache: the catalog a replayed source gave, kept under a hash of everything that
//! decides it (the SQL in order, the shadow server's version, the read options, pgdrift's
//! version and a fingerprint of the code that reads and models catalogs), so an unchanged migrations directory costs no replay. Entries live in the
//! user's cache directory; a damaged entry is a miss.

use crate::model::Snapshot;
use sha2::{Digest, Sha256};
use std::path::PathBuf;

/// Bumped whenever what a cached snapshot holds changes meaning.
const LAYOUT: &str = "pgdrift-replay-cache-2";

#[derive(Debug, Clone)]
pub(crate) struct ReplayCache {
    dir: PathBuf,
}

/// A cache key under construction.
#[derive(Debug)]
pub(crate) struct Key(Sha256);

impl Key {
    pub(crate) fn new(server: &str, options: &str) -> Key {
        let mut h = Sha256::new();
        let code = env!("PGDRIFT_CATALOG_FINGERPRINT");
        for part in [LAYOUT, crate::VERSION, code, server, options] {
            h.update(part.len().to_le_bytes());
            h.update(part.as_bytes());
        }
        Key(h)
    }

    pub(crate) fn add(&mut self, sql: &str, no_transaction: bool) {
        self.0.update(sql.len().to_le_bytes());
        self.0.update(sql.as_bytes());
        self.0.update([u8::from(no_transaction)]);
    }

    fn hex(self) -> String {
        self.0
            .finalize()
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }
}

impl ReplayCache {
    /// The cache in `dir`, or in `replay/` under pgdrift's cache directory.
    pub(crate) fn new(dir: Option<PathBuf>) -> ReplayCache {
        ReplayCache {
            dir: dir.unwrap_or_else(|| crate::pg::embedded::cache_dir().join("replay")),
        }
    }

    pub(crate) fn get(&self, key: Key) -> (Option<Snapshot>, String) {
        let name = key.hex();
        let found = std::fs::read(self.dir.join(format!("{name}.json")))
            .ok()
            .and_then(|bytes| serde_json::from_slice(&bytes).ok());
        (found, name)
    }

    /// Stores `snapshot` (best effort: a cache that cannot be written is no error).
    pub(crate) fn put(&self, name: &str, snapshot: &Snapshot) {
        let _ = (|| -> std::io::Result<()> {
            std::fs::create_dir_all(&self.dir)?;
            let tmp = tempfile::NamedTempFile::new_in(&self.dir)?;
            let mut out = std::io::BufWriter::with_capacity(1 << 16, tmp.as_file());
            serde_json::to_writer(&mut out, snapshot).map_err(std::io::Error::other)?;
            std::io::Write::flush(&mut out)?;
            drop(out);
            tmp.persist(self.dir.join(format!("{name}.json")))
                .map_err(|e| e.error)?;
            Ok(())
        })();
    }
}
