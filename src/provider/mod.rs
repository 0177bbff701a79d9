//! provider (see DESIGN.md).
