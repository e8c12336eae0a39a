//! Opening the files sources are read from — SQL files, migrations, snapshots, journals —
//! as regular files only. A FIFO, socket or device named like one would make a read wait
//! forever (a FIFO blocks until a writer comes) or never end: it is opened without blocking,
//! looked at, and refused before a byte is read.

use std::fs::{File, Metadata};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// What a file that is not a regular file is, for messages; `None` for a regular file.
pub fn irregular(meta: &Metadata) -> Option<&'static str> {
    let kind = meta.file_type();
    if kind.is_file() {
        None
    } else if kind.is_dir() {
        Some("a directory")
    } else if kind.is_fifo() {
        Some("a FIFO")
    } else if kind.is_socket() {
        Some("a socket")
    } else if kind.is_char_device() || kind.is_block_device() {
        Some("a device")
    } else {
        Some("a special file")
    }
}

/// The error for such a file.
pub fn refusal(what: &str) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("not a regular file ({what}); pgdrift reads only regular files"),
    )
}

/// Opens `path` for reading without waiting for a writer, and refuses anything but a regular
/// file (symbolic links are followed).
fn open_regular(path: &Path) -> io::Result<File> {
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(nix::libc::O_NONBLOCK)
        .open(path)?;
    match irregular(&file.metadata()?) {
        None => Ok(file),
        Some(what) => Err(refusal(what)),
    }
}

/// The bytes of the regular file at `path`.
pub fn read(path: impl AsRef<Path>) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    open_regular(path.as_ref())?.read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// The text of the regular file at `path` (UTF-8, as `std::fs::read_to_string`).
pub fn read_to_string(path: impl AsRef<Path>) -> io::Result<String> {
    let mut text = String::new();
    open_regular(path.as_ref())?.read_to_string(&mut text)?;
    Ok(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_fifo_is_refused_without_waiting_and_a_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("pipe.sql");
        nix::unistd::mkfifo(&fifo, nix::sys::stat::Mode::S_IRWXU).unwrap();
        let err = read_to_string(&fifo).unwrap_err().to_string();
        assert!(err.starts_with("not a regular file (a FIFO)"), "{err}");
        let err = read(dir.path()).unwrap_err().to_string();
        assert!(err.starts_with("not a regular file (a directory)"), "{err}");
        let file = dir.path().join("a.sql");
        std::fs::write(&file, "SELECT 1;").unwrap();
        assert_eq!(read_to_string(&file).unwrap(), "SELECT 1;");
        let link = dir.path().join("link.sql");
        std::os::unix::fs::symlink(&file, &link).unwrap();
        assert_eq!(read(&link).unwrap(), b"SELECT 1;");
    }
}
