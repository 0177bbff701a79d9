//! auth (see DESIGN.md).
