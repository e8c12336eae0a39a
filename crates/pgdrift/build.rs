//! Fingerprints the code that decides what a catalog holds (the model and the catalog
//! reader), so that the replay cache never serves a catalog read by other code.

use std::collections::hash_map::DefaultHasher;
use std::hash::Hasher;
use std::path::Path;

const DIRS: [&str; 2] = ["src/model", "src/source/catalog"];

fn visit(dir: &Path, files: &mut Vec<std::path::PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            visit(&path, files);
        } else {
            files.push(path);
        }
    }
}

fn main() {
    let mut files = Vec::new();
    for dir in DIRS {
        println!("cargo:rerun-if-changed={dir}");
        visit(Path::new(dir), &mut files);
    }
    files.sort();
    let mut h = DefaultHasher::new();
    for f in &files {
        h.write(f.to_string_lossy().as_bytes());
        h.write(&std::fs::read(f).unwrap_or_default());
    }
    println!(
        "cargo:rustc-env=PGDRIFT_CATALOG_FINGERPRINT={:016x}",
        h.finish()
    );
}
