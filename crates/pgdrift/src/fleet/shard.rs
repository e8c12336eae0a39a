//! A stable share of a fleet (`--shard K/N`): each database belongs to exactly one of N
//! shards, decided by a hash of its server's and its own name, so that N machines (a CI
//! matrix, a Kubernetes Indexed Job) together cover every database once, whatever order
//! the servers list them in and whichever other databases come and go.

use sha2::{Digest, Sha256};
use std::fmt;
use std::str::FromStr;

/// Shard `index` (1-based) of `count`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: u32,
    pub count: u32,
}

/// Why a `--shard` value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ShardError {
    #[error("{0:?} is not K/N: write whole numbers, such as 2/4 for the second of four shards")]
    Syntax(String),
    #[error("{0}: N, the number of shards, must be at least 1")]
    NoShards(String),
    #[error("{0}: K, the shard, counts from 1 to N (here 1 to {1})")]
    OutOfRange(String, u32),
}

impl FromStr for Shard {
    type Err = ShardError;

    fn from_str(s: &str) -> Result<Shard, ShardError> {
        let syntax = || ShardError::Syntax(s.to_string());
        let (k, n) = s.trim().split_once('/').ok_or_else(syntax)?;
        let number = |t: &str| {
            let t = t.trim();
            if t.is_empty() || !t.bytes().all(|b| b.is_ascii_digit()) {
                return Err(syntax());
            }
            t.parse::<u32>().map_err(|_| syntax())
        };
        let (index, count) = (number(k)?, number(n)?);
        if count == 0 {
            return Err(ShardError::NoShards(s.to_string()));
        }
        if index == 0 || index > count {
            return Err(ShardError::OutOfRange(s.to_string(), count));
        }
        Ok(Shard { index, count })
    }
}

impl fmt::Display for Shard {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

impl Shard {
    /// The shard (1-based) database `database` of server `server` belongs to, of `count`.
    pub fn of(server: &str, database: &str, count: u32) -> u32 {
        let mut h = Sha256::new();
        h.update(server.as_bytes());
        h.update([0u8]);
        h.update(database.as_bytes());
        let digest = h.finalize();
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        (u64::from_be_bytes(first) % u64::from(count.max(1))) as u32 + 1
    }

    /// Whether database `database` of server `server` is this shard's.
    pub fn holds(&self, server: &str, database: &str) -> bool {
        Shard::of(server, database, self.count) == self.index
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn k_of_n_parses_and_bad_values_say_what_is_wrong() {
        assert_eq!("2/4".parse(), Ok(Shard { index: 2, count: 4 }));
        assert_eq!(" 1/1 ".parse(), Ok(Shard { index: 1, count: 1 }));
        for bad in [
            "",
            "3",
            "a/b",
            "1/",
            "/2",
            "-1/2",
            "1/2/3",
            "1.0/2",
            "99999999999/2",
        ] {
            assert!(
                matches!(bad.parse::<Shard>(), Err(ShardError::Syntax(_))),
                "{bad}"
            );
        }
        assert_eq!(
            "3/2".parse::<Shard>(),
            Err(ShardError::OutOfRange("3/2".into(), 2))
        );
        assert_eq!(
            "0/4".parse::<Shard>(),
            Err(ShardError::OutOfRange("0/4".into(), 4))
        );
        assert_eq!(
            "1/0".parse::<Shard>(),
            Err(ShardError::NoShards("1/0".into()))
        );
        let message = "3/2".parse::<Shard>().unwrap_err().to_string();
        assert!(message.contains("1 to 2"), "{message}");
    }

    #[test]
    fn n_shards_cover_every_database_exactly_once_and_spread_them() {
        let databases: Vec<(String, String)> = (0..1000)
            .map(|i| (format!("server{}", i % 3), format!("tenant_{i}")))
            .collect();
        for count in [1u32, 2, 4, 7] {
            let shards: Vec<Shard> = (1..=count).map(|index| Shard { index, count }).collect();
            let mut sizes = vec![0usize; count as usize];
            for (server, db) in &databases {
                let owners: Vec<&Shard> = shards.iter().filter(|s| s.holds(server, db)).collect();
                assert_eq!(owners.len(), 1, "{server}/{db} in {count} shards");
                sizes[owners[0].index as usize - 1] += 1;
            }
            let fair = 1000 / count as usize;
            for size in sizes {
                assert!(size > fair / 2 && size < fair * 3 / 2, "{count}: {size}");
            }
        }
    }

    #[test]
    fn a_database_keeps_its_shard_whatever_else_the_fleet_holds() {
        // The same name on another server is another database.
        let here = Shard::of("prod", "tenant_7", 4);
        assert_eq!(here, Shard::of("prod", "tenant_7", 4));
        let moved: Vec<u32> = (0..50)
            .map(|i| Shard::of(&format!("s{i}"), "tenant_7", 4))
            .collect();
        assert!(moved.iter().any(|&s| s != here));
        // Fixed values: the hash must not change between versions, or shards of a fleet
        // run by two pgdrift versions would overlap.
        // (sha256 of "server\0database", its first 8 bytes big-endian, mod N, plus 1.)
        assert_eq!(Shard::of("prod", "tenant_1", 4), 3);
        assert_eq!(Shard::of("prod", "tenant_2", 4), 3);
        assert_eq!(Shard::of("eu", "acme", 7), 1);
    }
}
