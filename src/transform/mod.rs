//! transform (see DESIGN.md).
