//! plugin (see DESIGN.md).
