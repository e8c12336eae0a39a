//! JSON output: pretty-printed with two-space indents, deterministic (maps are ordered),
//! ending in a newline.

use serde::Serialize;
use std::io::{self, Write};

/// Writes `value` as JSON to `out`.
pub fn write<T: Serialize>(value: &T, out: &mut dyn Write) -> io::Result<()> {
    let mut out = io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut out, value).map_err(io::Error::other)?;
    out.write_all(b"\n")?;
    out.flush()
}
