//! One conditional GET of the catalog: `If-None-Match` / `If-Modified-Since`, a whole-request
//! timeout, a size cap, and validation that the body is a usable catalog before anyone trusts it.

use reqwest::StatusCode;
use reqwest::header::{ETAG, IF_MODIFIED_SINCE, IF_NONE_MATCH, LAST_MODIFIED};

use super::cache::CacheMetadata;
use super::error::CatalogError;
use super::parse::Catalog;
use super::settings::{CatalogSettings, MAX_CATALOG_BYTES};
use crate::net::ClientSpec;

#[derive(Debug)]
pub enum FetchOutcome {
    /// 304: the cached copy is current.
    NotModified,
    Fresh(FreshCatalog),
}

#[derive(Debug)]
pub struct FreshCatalog {
    pub body: String,
    pub catalog: Catalog,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Download progress: bytes so far and the announced total, if any.
pub type DownloadProgress<'a> = &'a (dyn Fn(u64, Option<u64>) + Send + Sync);

/// The fetch client, through the proxy and CAs in force.
pub fn build_client(settings: &CatalogSettings) -> Result<reqwest::Client, CatalogError> {
    let network = settings
        .network
        .as_ref()
        .map_err(|err| CatalogError::Network(err.clone()))?;
    let spec = ClientSpec {
        timeout: Some(settings.timeout),
        connect_timeout: Some(settings.timeout),
        user_agent: Some(settings.user_agent.clone()),
        ..ClientSpec::default()
    };
    crate::net::build_client(network, &spec).map_err(CatalogError::Network)
}

/// Fetches the catalog; `validators` (from the cache of the same URL) make the request conditional.
pub async fn fetch_catalog(
    client: &reqwest::Client,
    url: &str,
    validators: Option<&CacheMetadata>,
    on_progress: DownloadProgress<'_>,
) -> Result<FetchOutcome, CatalogError> {
    let mut request = client.get(url);
    if let Some(meta) = validators {
        if let Some(etag) = &meta.etag {
            request = request.header(IF_NONE_MATCH, etag);
        }
        if let Some(modified) = &meta.last_modified {
            request = request.header(IF_MODIFIED_SINCE, modified);
        }
    }
    let mut response = request.send().await.map_err(describe)?;
    let status = response.status();
    if status == StatusCode::NOT_MODIFIED {
        return Ok(FetchOutcome::NotModified);
    }
    if !status.is_success() {
        return Err(CatalogError::FetchStatus {
            status: status.as_u16(),
        });
    }
    let headers = response.headers();
    let header = |name| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    let etag = header(ETAG);
    let last_modified = header(LAST_MODIFIED);
    let total = response.content_length();
    if total.is_some_and(|t| t > MAX_CATALOG_BYTES as u64) {
        return Err(CatalogError::Fetch(format!(
            "catalog larger than {MAX_CATALOG_BYTES} bytes"
        )));
    }
    let mut bytes = Vec::with_capacity(total.map_or(1 << 20, |t| t as usize));
    while let Some(chunk) = response.chunk().await.map_err(describe)? {
        if bytes.len() + chunk.len() > MAX_CATALOG_BYTES {
            return Err(CatalogError::Fetch(format!(
                "catalog larger than {MAX_CATALOG_BYTES} bytes"
            )));
        }
        bytes.extend_from_slice(&chunk);
        on_progress(bytes.len() as u64, total);
    }
    let body = String::from_utf8(bytes)
        .map_err(|_| CatalogError::Fetch("catalog body is not UTF-8".to_owned()))?;
    let (catalog, report) = Catalog::from_json_str(&body)?;
    if !report.skipped_providers.is_empty() || !report.skipped_models.is_empty() {
        tracing::warn!(
            providers = report.skipped_providers.len(),
            models = report.skipped_models.len(),
            "fetched catalog had malformed entries; they were skipped"
        );
    }
    Ok(FetchOutcome::Fresh(FreshCatalog {
        body,
        catalog,
        etag,
        last_modified,
    }))
}

fn describe(error: reqwest::Error) -> CatalogError {
    let what = if error.is_timeout() {
        "timed out"
    } else if error.is_connect() {
        "could not connect"
    } else if error.is_body() || error.is_decode() {
        "body interrupted"
    } else {
        "request failed"
    };
    // The URL may carry userinfo; keep it out of messages.
    CatalogError::Fetch(format!("{what}: {}", error.without_url()))
}
