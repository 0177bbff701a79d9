//! protocol (see DESIGN.md).
