//! Walking code trees in parallel (the `ignore` crate: `.gitignore`, `.ignore` and hidden
//! files respected, symbolic links not followed), searching each text file once. Binary,
//! unreadable and oversized files are skipped and counted.

use super::names::Names;
use super::scan::{search, Hit};
use serde::Serialize;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;

/// Files larger than this are skipped (generated bundles, dumps).
pub const MAX_FILE_BYTES: u64 = 32 * 1024 * 1024;

/// Files not searched, by reason.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Holding a NUL byte.
    pub binary: u64,
    /// Could not be read (permissions, vanished, a broken link).
    pub unreadable: u64,
    /// Larger than [`MAX_FILE_BYTES`].
    pub too_large: u64,
}

/// One file's references, its path relative to the root it was found under.
#[derive(Debug, Clone)]
pub struct FileHits {
    pub path: String,
    pub hits: Vec<Hit>,
}

/// Everything a walk found.
#[derive(Debug, Default)]
pub struct Walked {
    pub files: Vec<FileHits>,
    pub files_searched: u64,
    pub bytes_searched: u64,
    pub skipped: Skipped,
}

#[derive(Default)]
struct Counters {
    files: AtomicU64,
    bytes: AtomicU64,
    binary: AtomicU64,
    unreadable: AtomicU64,
    too_large: AtomicU64,
}

/// Searches every file under `roots` for `names`, on `threads` threads; `progress` counts
/// the files searched so far.
pub fn walk(roots: &[PathBuf], names: &Names, threads: usize, progress: &AtomicU64) -> Walked {
    let Some((first, rest)) = roots.split_first() else {
        return Walked::default();
    };
    let mut builder = ignore::WalkBuilder::new(first);
    for r in rest {
        builder.add(r);
    }
    builder
        .threads(threads.max(1))
        .require_git(false)
        .follow_links(false);
    let counters = Counters::default();
    let found: Mutex<Vec<FileHits>> = Mutex::new(Vec::new());
    builder.build_parallel().run(|| {
        // One buffer per thread, reused for every file it reads.
        let mut buf: Vec<u8> = Vec::with_capacity(1 << 16);
        let (counters, found) = (&counters, &found);
        Box::new(move |entry| {
            let Ok(entry) = entry else {
                counters.unreadable.fetch_add(1, Ordering::Relaxed);
                return ignore::WalkState::Continue;
            };
            if entry.file_type().is_some_and(|t| t.is_file()) {
                if let Some(hits) = one_file(entry.path(), names, counters, &mut buf) {
                    let path = relative(entry.path(), roots);
                    found
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push(FileHits { path, hits });
                }
                progress.fetch_add(1, Ordering::Relaxed);
            }
            ignore::WalkState::Continue
        })
    });
    let mut files = found.into_inner().unwrap_or_else(|e| e.into_inner());
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
    Walked {
        files,
        files_searched: get(&counters.files),
        bytes_searched: get(&counters.bytes),
        skipped: Skipped {
            binary: get(&counters.binary),
            unreadable: get(&counters.unreadable),
            too_large: get(&counters.too_large),
        },
    }
}

/// One file's references (`None` when it was skipped or holds none), read into `buf`.
fn one_file(
    path: &Path,
    names: &Names,
    counters: &Counters,
    buf: &mut Vec<u8>,
) -> Option<Vec<Hit>> {
    buf.clear();
    let read = std::fs::File::open(path).and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(buf));
    if read.is_err() {
        counters.unreadable.fetch_add(1, Ordering::Relaxed);
        return None;
    }
    if buf.len() as u64 > MAX_FILE_BYTES {
        counters.too_large.fetch_add(1, Ordering::Relaxed);
        return None;
    }
    let text = &buf[..];
    if memchr::memchr(0, text).is_some() {
        counters.binary.fetch_add(1, Ordering::Relaxed);
        return None;
    }
    counters.files.fetch_add(1, Ordering::Relaxed);
    counters
        .bytes
        .fetch_add(text.len() as u64, Ordering::Relaxed);
    let hits = search(path, text, names);
    (!hits.is_empty()).then_some(hits)
}

/// `path` as shown: relative to the root it is under, prefixed with that root when there
/// are several.
fn relative(path: &Path, roots: &[PathBuf]) -> String {
    for root in roots {
        if let Ok(rest) = path.strip_prefix(root) {
            let rest = rest.to_string_lossy();
            return match roots.len() {
                1 if !rest.is_empty() => rest.into_owned(),
                _ => path.to_string_lossy().into_owned(),
            };
        }
    }
    path.to_string_lossy().into_owned()
}
