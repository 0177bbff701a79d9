//! config (see DESIGN.md).
