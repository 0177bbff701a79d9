//! transform (see DESIGN.md).

pub mod variants;
