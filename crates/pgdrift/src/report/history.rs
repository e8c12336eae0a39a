//! Rendering the report of migration history forensics.
