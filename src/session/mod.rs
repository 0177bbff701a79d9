//! session (see DESIGN.md).
