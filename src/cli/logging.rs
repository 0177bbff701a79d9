//! Logs go to stderr through `tracing`; stdout belongs to the protocol.

use std::sync::Arc;

use provider_sidecar::rpc::state::LogReloader;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, reload};

/// Installs the stderr logger; the returned closure changes its filter at run time.
pub fn init(filter: &str) -> LogReloader {
    let initial = EnvFilter::try_new(filter).unwrap_or_else(|_| EnvFilter::new("warn"));
    let (filter_layer, handle) = reload::Layer::new(initial);
    let fmt_layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .with_target(true);
    let _ = tracing_subscriber::registry()
        .with(filter_layer)
        .with(fmt_layer)
        .try_init();
    install_panic_hook();
    Arc::new(move |directive: &str| {
        let filter = EnvFilter::try_new(directive).map_err(|err| err.to_string())?;
        handle.reload(filter).map_err(|err| err.to_string())
    })
}

/// Panics are logged (location and message) to stderr through tracing, never to stdout.
fn install_panic_hook() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_string())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "non-string panic payload".to_string());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(%location, "panic: {message}");
    }));
}
