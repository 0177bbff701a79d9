//! The method handlers.

pub(crate) mod chat;
