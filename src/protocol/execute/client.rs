//! The reqwest client a stream runs on.

use std::time::Duration;

use super::Timeouts;
use crate::protocol::error::ProtocolError;

/// Client settings for one provider.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    pub connect_timeout: Option<Duration>,
    /// An explicit proxy URL (`http://`, `https://`, `socks5://`) for every request.
    pub proxy: Option<String>,
    /// Hosts that bypass `proxy` (the `NO_PROXY` syntax).
    pub no_proxy: Option<String>,
    /// When false (and no `proxy` is set), the process's `HTTP(S)_PROXY` variables are ignored; the session
    /// layer passes its own snapshot's values as `proxy` / `no_proxy` instead.
    pub use_system_proxy: bool,
    /// Extra CA certificates (PEM) trusted besides the platform roots (corporate networks).
    pub extra_ca_pem: Vec<Vec<u8>>,
}

impl Default for ClientOptions {
    fn default() -> Self {
        ClientOptions {
            connect_timeout: None,
            proxy: None,
            no_proxy: None,
            use_system_proxy: true,
            extra_ca_pem: Vec::new(),
        }
    }
}

/// Builds a reqwest client (rustls) with the connect timeout, proxy and extra CAs.
pub fn build_client(options: &ClientOptions) -> Result<reqwest::Client, ProtocolError> {
    let mut builder = reqwest::Client::builder()
        .connect_timeout(
            options
                .connect_timeout
                .unwrap_or(Duration::from_millis(Timeouts::default().connect_ms)),
        )
        .tcp_nodelay(true);
    if let Some(proxy) = &options.proxy {
        let proxy = reqwest::Proxy::all(proxy)
            .map_err(|_| ProtocolError::Client("invalid proxy URL".into()))?
            .no_proxy(
                options
                    .no_proxy
                    .as_deref()
                    .and_then(reqwest::NoProxy::from_string),
            );
        builder = builder.proxy(proxy);
    } else if !options.use_system_proxy {
        builder = builder.no_proxy();
    }
    for pem in &options.extra_ca_pem {
        let certificates = reqwest::Certificate::from_pem_bundle(pem).map_err(|err| {
            ProtocolError::Client(format!("invalid CA certificate: {}", err.without_url()))
        })?;
        if certificates.is_empty() {
            return Err(ProtocolError::Client(
                "no certificate found in the CA PEM".into(),
            ));
        }
        for certificate in certificates {
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder
        .build()
        .map_err(|err| ProtocolError::Client(err.without_url().to_string()))
}
