//! The checksums other tools record, recomputed from files: SHA-256 (pgdrift, Drizzle,
//! Prisma), SHA-384 (sqlx) and Flyway's CRC32 over lines.

use sha2::{Digest, Sha256, Sha384};

/// Lowercase hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

/// Lowercase hex SHA-384 of `bytes`.
pub fn sha384_hex(bytes: &[u8]) -> String {
    hex(&Sha384::digest(bytes))
}

/// Flyway's checksum of a SQL file: a CRC32 updated with the UTF-8 bytes of each line
/// without its terminator (`\n`, `\r\n` or `\r`), a byte order mark stripped from the first
/// line, read as a signed 32-bit integer. Dropping every line terminator and hashing what
/// remains gives the same value.
pub fn flyway_crc32(bytes: &[u8]) -> i32 {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let mut hasher = crc32fast::Hasher::new();
    for line in bytes.split(|b| *b == b'\n' || *b == b'\r') {
        hasher.update(line);
    }
    // Flyway stores the unsigned CRC in a Java int: the same bits, read as signed.
    i32::from_ne_bytes(hasher.finalize().to_ne_bytes())
}

/// `bytes` with every CRLF made LF.
pub(crate) fn crlf_to_lf(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(bytes.len());
    for (i, b) in bytes.iter().enumerate() {
        if *b == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            continue;
        }
        out.push(*b);
    }
    out
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sha256_of_known_inputs() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        assert_eq!(
            sha256_hex(b""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
        );
    }

    #[test]
    fn sha384_of_known_input() {
        assert_eq!(
            sha384_hex(b"abc"),
            "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed\
             8086072ba1e7cc2358baeca134c825a7"
        );
    }

    #[test]
    fn flyway_crc32_is_the_signed_crc_of_the_lines() {
        // CRC32("123456789") = 0xCBF43926, which a Java int holds as -873187034.
        assert_eq!(flyway_crc32(b"123456789"), -873_187_034);
        // Line terminators of every kind do not count, nor does a byte order mark.
        assert_eq!(flyway_crc32(b"12345\n6789\n"), -873_187_034);
        assert_eq!(flyway_crc32(b"12345\r\n6789\r\n"), -873_187_034);
        assert_eq!(flyway_crc32(b"\xEF\xBB\xBF123\r456\n\n789"), -873_187_034);
        // A positive CRC stays positive: CRC32("a") = 0xE8B7BE43 is negative, "abc" is
        // 0x352441C2.
        assert_eq!(flyway_crc32(b"abc"), 0x3524_41C2);
        assert_eq!(flyway_crc32(b""), 0);
    }

    #[test]
    fn crlf_becomes_lf_only_in_pairs() {
        assert_eq!(crlf_to_lf(b"a\r\nb\rc\n"), b"a\nb\rc\n");
    }
}
