//! Integration tests: spawn the built binary and speak JSON-RPC to it over real stdio.
//! One test binary (modules below) keeps link time and CI time down.

mod support;

mod auth;
mod auth_metadata;
mod auth_oauth;
mod auth_sources;
mod auth_support;
mod aws_credentials;
mod call_options;
mod catalog;
mod chat;
mod config_hook;
mod config_import;
mod doctor;
mod endpoints;
mod exit;
mod google_credentials;
mod hooks;
mod lifecycle;
mod network;
mod process_watch;
mod python_client;
mod runtime;
mod schema_contract;
mod search;
mod sessions;
mod soak;
mod transforms;
mod transport;
mod typescript_client;
