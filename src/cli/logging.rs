//! Logs go to stderr through `tracing`; stdout belongs to the protocol.

use std::sync::Arc;

use provider_sidecar::app::LogReloader;
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::util::SubscriberInitExt;
use tracing_subscriber::{EnvFilter, reload};

/// Installs the stderr logger; the returned closure changes its filter at run time.
pub fn init(filter: &str) -> LogReloader {
    let initial =
        EnvFilter::try_new(quiet_aws_sdk(filter)).unwrap_or_else(|_| EnvFilter::new("warn"));
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
        let filter = EnvFilter::try_new(quiet_aws_sdk(directive)).map_err(|err| err.to_string())?;
        handle.reload(filter).map_err(|err| err.to_string())
    })
}

/// The AWS SDK's own events stay off unless the filter names them (`aws_config=debug`): its
/// warnings quote what a failing `credential_process` printed, which may be a secret. The sidecar
/// reports those failures itself, without that text. Target directives match by prefix.
fn quiet_aws_sdk(filter: &str) -> String {
    if filter.contains("aws_") {
        filter.to_string()
    } else if filter.trim().is_empty() {
        "aws_=off".to_string()
    } else {
        format!("{filter},aws_=off")
    }
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

#[cfg(test)]
mod tests {
    use super::quiet_aws_sdk;

    #[test]
    fn the_aws_sdk_is_quiet_unless_named() {
        assert_eq!(quiet_aws_sdk("debug"), "debug,aws_=off");
        assert_eq!(quiet_aws_sdk(""), "aws_=off");
        assert_eq!(
            quiet_aws_sdk("warn,aws_config=debug"),
            "warn,aws_config=debug"
        );
    }
}
