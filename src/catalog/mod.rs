//! catalog (see DESIGN.md).
