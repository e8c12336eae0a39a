//! Renderers of the documentation site (`crate::docs::Site`).

pub mod html;
pub mod svg;

#[cfg(test)]
mod fixtures;
