//! `CatalogService` against a mock models.dev on 127.0.0.1: fresh body, 304, 500, timeout,
//! truncated body, wrong JSON, corrupt cache.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

use super::cache::{CacheMetadata, CatalogCache};
use super::service::*;
use super::settings::{CatalogSettings, ENV_DISABLE_FETCH, ENV_MODELS_URL};
use crate::config::CatalogConfig;

const V1: &str = r#"{
  "alpha": {"id": "alpha", "name": "Alpha", "env": ["ALPHA_KEY"], "npm": "@ai-sdk/openai-compatible",
            "api": "https://alpha.example/v1",
            "models": {"a1": {"id": "a1", "name": "A1", "limit": {"context": 1000, "output": 100}},
                       "a2": {"id": "a2", "name": "A2"}}},
  "beta": {"id": "beta", "name": "Beta", "env": [], "models": {"b1": {"id": "b1", "name": "B1"}}}
}"#;

const V2: &str = r#"{
  "alpha": {"id": "alpha", "name": "Alpha", "env": ["ALPHA_KEY"], "npm": "@ai-sdk/openai-compatible",
            "models": {"a1": {"id": "a1", "name": "A1 renamed", "limit": {"context": 1000, "output": 100}},
                       "a3": {"id": "a3", "name": "A3"}}},
  "gamma": {"id": "gamma", "name": "Gamma", "env": [], "models": {"g1": {"id": "g1", "name": "G1"},
                                                                    "g2": {"id": "g2", "name": "G2"}}}
}"#;

#[derive(Clone)]
enum Reply {
    Json {
        body: &'static str,
        etag: &'static str,
    },
    NotModifiedIf {
        etag: &'static str,
        body: &'static str,
    },
    Status(u16),
    Hang(Duration),
    Truncated(&'static str),
}

struct MockCatalogServer {
    url: String,
    reply: Arc<Mutex<Reply>>,
    requests: Arc<Mutex<Vec<String>>>,
}

impl MockCatalogServer {
    async fn start(reply: Reply) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let url = format!("http://{}/api.json", listener.local_addr().expect("addr"));
        let reply = Arc::new(Mutex::new(reply));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (reply_in, requests_in) = (Arc::clone(&reply), Arc::clone(&requests));
        tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let reply = reply_in.lock().expect("lock").clone();
                let requests = Arc::clone(&requests_in);
                tokio::spawn(async move {
                    let mut buffer = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !buffer.windows(4).any(|w| w == b"\r\n\r\n") {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buffer.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let request = String::from_utf8_lossy(&buffer).to_lowercase();
                    requests.lock().expect("lock").push(request.clone());
                    let response = match reply {
                        Reply::Json { body, etag } => ok(body, etag),
                        Reply::NotModifiedIf { etag, body } => {
                            if request.contains(&format!("if-none-match: {}", etag.to_lowercase())) {
                                "HTTP/1.1 304 Not Modified\r\nconnection: close\r\n\r\n".as_bytes().to_vec()
                            } else {
                                ok(body, etag)
                            }
                        }
                        Reply::Status(code) => {
                            format!("HTTP/1.1 {code} Oops\r\ncontent-length: 5\r\nconnection: close\r\n\r\noops").into_bytes()
                        }
                        Reply::Hang(delay) => {
                            tokio::time::sleep(delay).await;
                            ok(V2, "\"late\"")
                        }
                        Reply::Truncated(body) => {
                            let cut = &body[..body.len() / 2];
                            format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{cut}",
                                body.len()
                            )
                            .into_bytes()
                        }
                    };
                    let _ = socket.write_all(&response).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self {
            url,
            reply,
            requests,
        }
    }

    fn set(&self, reply: Reply) {
        *self.reply.lock().expect("lock") = reply;
    }

    fn last_request(&self) -> String {
        self.requests
            .lock()
            .expect("lock")
            .last()
            .cloned()
            .unwrap_or_default()
    }
}

fn ok(body: &str, etag: &str) -> Vec<u8> {
    format!(
        "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\netag: {etag}\r\nlast-modified: Wed, 01 Jul 2026 00:00:00 GMT\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
        body.len()
    )
    .into_bytes()
}

fn settings(url: &str) -> CatalogSettings {
    CatalogSettings {
        url: url.to_owned(),
        timeout: Duration::from_millis(500),
        ..CatalogSettings::default()
    }
}

fn quiet(_: RefreshProgress) {}

#[tokio::test]
async fn starts_embedded_then_fresh_body_then_304() {
    let server = MockCatalogServer::start(Reply::Json {
        body: V1,
        etag: "\"v1\"",
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = Arc::new(CatalogService::new(dir.path(), settings(&server.url)));
    service.prewarm();
    let status = service.status().await;
    assert_eq!(status.source, CatalogSource::Embedded);
    let embedded = crate::catalog::snapshot::embedded_catalog();
    let (providers, models) = (embedded.provider_count(), embedded.model_count());
    assert!(providers > 0 && models >= providers);
    assert_eq!(
        (status.provider_count, status.model_count),
        (providers, models)
    );
    assert!(status.stale, "embedded data is always due for a refresh");
    assert!(status.fetched_at.is_none());

    let progress = Mutex::new(Vec::new());
    let record = |p: RefreshProgress| progress.lock().expect("lock").push(p);
    let result = service.refresh(false, &record).await.expect("refresh");
    assert_eq!(result.outcome, RefreshOutcome::Updated);
    let diff = result.diff.expect("diff");
    assert_eq!((diff.provider_count, diff.model_count), (2, 3));
    // V1 shares no provider with the embedded catalog: all of it goes, all of V1 comes.
    assert_eq!(
        (diff.providers_added, diff.providers_removed),
        (2, providers)
    );
    assert_eq!(
        (diff.models_added, diff.models_removed, diff.models_changed),
        (3, models, 0)
    );
    assert_eq!(result.status.source, CatalogSource::Remote);
    assert_eq!(result.status.etag.as_deref(), Some("\"v1\""));
    assert!(result.status.fetched_at.is_some());
    assert!(!result.status.stale);
    let steps = progress.lock().expect("lock").clone();
    assert!(
        steps.len() >= 3 && steps.last().and_then(|p| p.percentage) == Some(100),
        "{steps:?}"
    );
    assert!(service.catalog().await.providers.contains_key("beta"));
    let cached = CatalogCache::new(dir.path()).load().expect("cache written");
    assert_eq!(cached.catalog.model_count(), 3);
    assert_eq!(
        cached.metadata.as_ref().and_then(|m| m.etag.as_deref()),
        Some("\"v1\"")
    );

    // Not due within the TTL: skipped without a request.
    let requests_before = server.requests.lock().expect("lock").len();
    let skipped = service.refresh(false, &quiet).await.expect("refresh");
    assert_eq!(skipped.outcome, RefreshOutcome::Skipped);
    assert_eq!(server.requests.lock().expect("lock").len(), requests_before);

    server.set(Reply::NotModifiedIf {
        etag: "\"v1\"",
        body: V2,
    });
    let unchanged = service.refresh(true, &quiet).await.expect("refresh");
    assert_eq!(unchanged.outcome, RefreshOutcome::Unchanged);
    assert!(unchanged.diff.is_none());
    assert!(server.last_request().contains("if-none-match: \"v1\""));
    assert!(
        server
            .last_request()
            .contains("if-modified-since: wed, 01 jul 2026")
    );
    assert_eq!(service.status().await.model_count, 3);

    server.set(Reply::Json {
        body: V2,
        etag: "\"v2\"",
    });
    let updated = service.refresh(true, &quiet).await.expect("refresh");
    let diff = updated.diff.expect("changed");
    assert_eq!(
        diff,
        CatalogDiff {
            providers_added: 1,
            providers_removed: 1,
            models_added: 3,
            models_removed: 2,
            models_changed: 1,
            provider_count: 2,
            model_count: 4
        }
    );
}

#[tokio::test]
async fn failures_keep_the_served_catalog() {
    let server = MockCatalogServer::start(Reply::Json {
        body: V1,
        etag: "\"v1\"",
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = CatalogService::new(dir.path(), settings(&server.url));
    service.refresh(true, &quiet).await.expect("first fetch");
    let served = service.catalog().await;

    let cases = [
        (Reply::Status(500), "catalog_fetch_failed"),
        (Reply::Hang(Duration::from_secs(3)), "catalog_fetch_failed"),
        (Reply::Truncated(V2), "catalog_fetch_failed"),
        (
            Reply::Json {
                body: "<html>not json</html>",
                etag: "\"x\"",
            },
            "catalog_invalid",
        ),
        (
            Reply::Json {
                body: "[1, 2, 3]",
                etag: "\"x\"",
            },
            "catalog_invalid",
        ),
        (
            Reply::Json {
                body: "{}",
                etag: "\"x\"",
            },
            "catalog_invalid",
        ),
    ];
    for (reply, kind) in cases {
        server.set(reply);
        let started = std::time::Instant::now();
        let error = service.refresh(true, &quiet).await.expect_err("must fail");
        assert_eq!(error.kind(), kind, "{error}");
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "timeout honoured"
        );
        assert!(
            Arc::ptr_eq(&served, &service.catalog().await),
            "served catalog intact after {error}"
        );
        let status = service.status().await;
        assert_eq!(status.source, CatalogSource::Remote);
        assert!(status.last_error.is_some());
        let cached = CatalogCache::new(dir.path()).load().expect("cache intact");
        assert_eq!(cached.catalog.model_count(), 3);
    }
    server.set(Reply::Json {
        body: V1,
        etag: "\"v1\"",
    });
    service.refresh(true, &quiet).await.expect("recovers");
    assert!(service.status().await.last_error.is_none());
}

#[tokio::test]
async fn loads_valid_cache_ignores_corrupt_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = CatalogCache::new(dir.path());
    let meta = CacheMetadata {
        etag: Some("\"c\"".into()),
        last_modified: None,
        fetched_at: chrono::Utc::now(),
        source_url: "http://127.0.0.1:9/api.json".into(),
    };
    cache.store(V1.as_bytes(), &meta).expect("store");
    let service = CatalogService::new(dir.path(), settings("http://127.0.0.1:9/api.json"));
    assert!(
        service.try_status().is_none(),
        "nothing loaded before first use"
    );
    let status = service.status().await;
    assert_eq!(service.try_status(), Some(status.clone()));
    assert_eq!(
        (status.source, status.model_count, status.stale),
        (CatalogSource::Cache, 3, false)
    );
    assert_eq!(status.etag.as_deref(), Some("\"c\""));

    let other_url = CatalogService::new(dir.path(), settings("http://127.0.0.1:9/other.json"));
    assert!(
        other_url.status().await.stale,
        "a cache of another URL is due for refresh"
    );

    std::fs::write(cache.models_path(), b"{\"alpha\": {\"models\": {").expect("corrupt");
    let service = CatalogService::new(dir.path(), settings("http://127.0.0.1:9/api.json"));
    assert_eq!(service.status().await.source, CatalogSource::Embedded);
    assert!(!cache.models_path().exists());
}

#[tokio::test]
async fn corrupt_cache_replaced_by_next_fetch_and_disabled_fetch() {
    let server = MockCatalogServer::start(Reply::Json {
        body: V2,
        etag: "\"v2\"",
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let cache = CatalogCache::new(dir.path());
    std::fs::create_dir_all(cache.models_path().parent().expect("dir")).expect("mkdir");
    std::fs::write(cache.models_path(), b"garbage").expect("write");
    let service = CatalogService::new(dir.path(), settings(&server.url));
    let result = service.refresh(false, &quiet).await.expect("refresh");
    assert_eq!(result.outcome, RefreshOutcome::Updated);
    assert_eq!(cache.load().expect("replaced").catalog.model_count(), 4);

    let env: HashMap<String, String> = [
        (ENV_MODELS_URL.to_owned(), server.url.clone()),
        (ENV_DISABLE_FETCH.to_owned(), "1".to_owned()),
    ]
    .into();
    let disabled = CatalogService::new(
        dir.path(),
        CatalogSettings::resolve(&CatalogConfig::default(), &env),
    );
    assert_eq!(
        disabled
            .refresh(true, &quiet)
            .await
            .expect_err("disabled")
            .kind(),
        "catalog_fetch_disabled"
    );
    let status = disabled.status().await;
    assert!(!status.fetch_enabled && !status.stale);
    assert_eq!(status.source, CatalogSource::Cache);
}

#[tokio::test]
async fn merged_view_is_memoized_per_catalog_and_config() {
    let dir = tempfile::tempdir().expect("tempdir");
    let service = CatalogService::new(
        dir.path(),
        CatalogSettings {
            fetch_enabled: false,
            ..CatalogSettings::default()
        },
    );
    let config = Arc::new(crate::config::SidecarConfig::default());
    let a = service.merged(&config).await;
    let b = service.merged(&config).await;
    assert!(Arc::ptr_eq(&a, &b));
    let other = Arc::new(crate::config::SidecarConfig {
        disabled_providers: vec!["openai".into()],
        ..Default::default()
    });
    let c = service.merged(&other).await;
    assert!(!c.providers.contains_key("openai") && a.providers.contains_key("openai"));
    assert!(
        Arc::ptr_eq(&a, &service.merged(&config).await),
        "both configs stay memoized"
    );
    assert!(Arc::ptr_eq(&c, &service.merged(&other).await));
}
