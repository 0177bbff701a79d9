//! Building a reqwest client (rustls) from a [`NetworkProfile`] and what one use needs of it.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;

use super::{NetworkProfile, SettingSource};

/// What one use of a client needs beside the network settings.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct ClientSpec {
    /// Whole-request timeout (none: the caller times its own reads).
    pub timeout: Option<Duration>,
    /// TCP + TLS connect timeout.
    pub connect_timeout: Option<Duration>,
    pub user_agent: Option<String>,
    /// Streams write small frames: turn Nagle off.
    pub tcp_nodelay: bool,
    /// One pool of connections per thread that asks. A pooled connection is driven by the runtime
    /// that opened it; a chat runs whole on one single-threaded chat-I/O runtime (`app::chat_io`),
    /// so with a pool per thread it reuses only connections its own runtime drives and no chunk
    /// crosses threads on its way in (a shared pool measured 4-15x a bare client's wall time).
    pub per_thread: bool,
}

/// A network setting that cannot be used, naming what to fix. Never holds a proxy's password.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum NetError {
    #[error("{field}: {reason}")]
    Config { field: String, reason: String },
    #[error(
        "network.caCertificates: cannot read {path}: {reason}; fix the path or the file's permissions"
    )]
    UnreadableCa { path: PathBuf, reason: String },
    #[error(
        "network.caCertificates: {path} holds no PEM certificate (`-----BEGIN CERTIFICATE-----`)"
    )]
    NoCertificate { path: PathBuf },
    #[error("network.caCertificates: {path} is not a valid PEM certificate: {reason}")]
    InvalidCa { path: PathBuf, reason: String },
    #[error(
        "{field}: unknown proxy scheme `{scheme}`; use http://, https://, socks5:// or socks5h://"
    )]
    UnknownProxyScheme { field: &'static str, scheme: String },
    #[error("{field}: the proxy URL is invalid ({reason})")]
    InvalidProxy { field: &'static str, reason: String },
    #[error("the HTTP client could not be built: {0}")]
    Build(String),
}

impl NetError {
    /// The setting to fix: `network.caCertificates`, `network.proxy`, or an environment
    /// variable's name.
    pub fn field(&self) -> String {
        match self {
            NetError::Config { field, .. } => field.clone(),
            NetError::UnreadableCa { .. }
            | NetError::NoCertificate { .. }
            | NetError::InvalidCa { .. } => "network.caCertificates".to_owned(),
            NetError::UnknownProxyScheme { field, .. } | NetError::InvalidProxy { field, .. } => {
                (*field).to_owned()
            }
            NetError::Build(_) => "network".to_owned(),
        }
    }
}

const PROXY_SCHEMES: [&str; 6] = ["http", "https", "socks4", "socks4a", "socks5", "socks5h"];

/// Builds a client that follows `profile` exactly: its proxy (or none, whatever the process
/// environment says) and the platform roots plus its extra CAs.
pub fn build_client(
    profile: &NetworkProfile,
    spec: &ClientSpec,
) -> Result<reqwest::Client, NetError> {
    let mut builder = reqwest::Client::builder().tcp_nodelay(spec.tcp_nodelay);
    if let Some(timeout) = spec.timeout {
        builder = builder.timeout(timeout);
    }
    if let Some(timeout) = spec.connect_timeout {
        builder = builder.connect_timeout(timeout);
    }
    if let Some(agent) = &spec.user_agent {
        builder = builder.user_agent(agent.clone());
    }
    builder = match &profile.proxy {
        Some((url, source)) => {
            let no_proxy = profile
                .no_proxy
                .as_ref()
                .and_then(|(list, _)| reqwest::NoProxy::from_string(list));
            builder.proxy(proxy(url, *source)?.no_proxy(no_proxy))
        }
        None => builder.no_proxy(),
    };
    for path in &profile.ca_certificates {
        for certificate in read_certificates(path)? {
            builder = builder.add_root_certificate(certificate);
        }
    }
    builder.build().map_err(|err| {
        let reason = err.without_url().to_string();
        // A PEM block that is not a certificate only shows when the TLS roots are assembled:
        // find the file that holds it, so that the error names it.
        profile
            .ca_certificates
            .iter()
            .find_map(|path| unusable_ca(path).err())
            .unwrap_or(NetError::Build(reason))
    })
}

/// Builds a bare client trusting nothing but `path`'s certificates, to tell whether they are usable.
fn unusable_ca(path: &PathBuf) -> Result<(), NetError> {
    let mut builder = reqwest::Client::builder()
        .no_proxy()
        .tls_built_in_root_certs(false);
    for certificate in read_certificates(path)? {
        builder = builder.add_root_certificate(certificate);
    }
    builder
        .build()
        .map(drop)
        .map_err(|err| NetError::InvalidCa {
            path: path.clone(),
            reason: err.without_url().to_string(),
        })
}

/// Checks a proxy URL; `host:port` alone means `http://host:port` (as curl reads it).
fn proxy(url: &str, source: SettingSource) -> Result<reqwest::Proxy, NetError> {
    let field = source.name("network.proxy");
    let url = if url.contains("://") {
        url.to_owned()
    } else {
        format!("http://{url}")
    };
    let parsed = reqwest::Url::parse(&url).map_err(|err| NetError::InvalidProxy {
        field,
        reason: err.to_string(),
    })?;
    if !PROXY_SCHEMES.contains(&parsed.scheme()) {
        return Err(NetError::UnknownProxyScheme {
            field,
            scheme: parsed.scheme().to_owned(),
        });
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(NetError::InvalidProxy {
            field,
            reason: "it names no host".to_owned(),
        });
    }
    reqwest::Proxy::all(parsed).map_err(|err| NetError::InvalidProxy {
        field,
        // reqwest's message, never the URL (it may carry a password).
        reason: err.without_url().to_string(),
    })
}

fn read_certificates(path: &PathBuf) -> Result<Vec<reqwest::Certificate>, NetError> {
    let pem = std::fs::read(path).map_err(|err| NetError::UnreadableCa {
        path: path.clone(),
        reason: err.to_string(),
    })?;
    let certificates =
        reqwest::Certificate::from_pem_bundle(&pem).map_err(|err| NetError::InvalidCa {
            path: path.clone(),
            reason: err.without_url().to_string(),
        })?;
    if certificates.is_empty() {
        return Err(NetError::NoCertificate { path: path.clone() });
    }
    Ok(certificates)
}

/// How many certificates a CA file holds, checked as [`build_client`] would use them.
pub fn check_ca_file(path: &std::path::Path) -> Result<usize, NetError> {
    let path = path.to_path_buf();
    let count = read_certificates(&path)?.len();
    unusable_ca(&path)?;
    Ok(count)
}

/// A proxy URL with its user name and password masked.
pub(super) fn redact_proxy(url: &str) -> String {
    let full = if url.contains("://") {
        url.to_owned()
    } else {
        format!("http://{url}")
    };
    match reqwest::Url::parse(&full) {
        Ok(mut parsed) => {
            if !parsed.username().is_empty() || parsed.password().is_some() {
                let _ = parsed.set_username("***");
                let _ = parsed.set_password(None);
            }
            parsed.to_string().trim_end_matches('/').to_owned()
        }
        // Unparseable: show no part of it that could be a secret.
        Err(_) => "(an invalid proxy URL)".to_owned(),
    }
}

/// Clients kept per profile and spec (and per thread where the spec asks), so that calls with the
/// same settings share connections.
#[derive(Default)]
pub struct ClientPool {
    clients: Mutex<HashMap<PoolKey, reqwest::Client>>,
}

type PoolKey = (NetworkProfile, ClientSpec, Option<std::thread::ThreadId>);

impl ClientPool {
    pub fn get(
        &self,
        profile: &NetworkProfile,
        spec: &ClientSpec,
    ) -> Result<reqwest::Client, NetError> {
        let thread = spec.per_thread.then(|| std::thread::current().id());
        let key = (profile.clone(), spec.clone(), thread);
        let mut clients = self.clients.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(client) = clients.get(&key) {
            return Ok(client.clone());
        }
        let client = build_client(profile, spec)?;
        clients.insert(key, client.clone());
        Ok(client)
    }
}
