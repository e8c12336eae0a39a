//! Binding a plan to the states it was made for: the fingerprint of FROM and TO.

/// The binding of a plan, rendered as SQL comments.
#[derive(Debug, Clone, Default)]
pub struct Rendered {
    /// Lines for the script's header.
    pub header: String,
    /// The per-object state block, closing the script.
    pub trailer: String,
}
