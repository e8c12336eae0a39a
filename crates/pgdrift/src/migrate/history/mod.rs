//! Other tools' migration tracking tables: detection and reading.
