//! Test helpers: a tiny HTTP mock server on 127.0.0.1 and a service wired to it.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::task::JoinHandle;

use super::flows::{AuthEndpoints, PollTiming};
use super::service::{AuthConfig, AuthService};
use super::store::{StoreMode, open_store};

#[derive(Clone, Debug)]
pub struct MockRequest {
    pub method: String,
    pub path: String,
    /// Lower-cased names.
    pub headers: HashMap<String, String>,
    pub body: String,
    pub at: std::time::Instant,
}

impl MockRequest {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_default()
    }

    pub fn form(&self) -> HashMap<String, String> {
        reqwest::Url::parse(&format!("http://x/?{}", self.body))
            .expect("form body parses as a query")
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect()
    }
}

pub struct MockAuthResponse {
    pub status: u16,
    pub body: String,
    pub delay: Duration,
}

impl MockAuthResponse {
    pub fn json(status: u16, value: serde_json::Value) -> Self {
        Self {
            status,
            body: value.to_string(),
            delay: Duration::ZERO,
        }
    }

    pub fn delayed(mut self, delay: Duration) -> Self {
        self.delay = delay;
        self
    }
}

type Handler = Arc<dyn Fn(&MockRequest) -> MockAuthResponse + Send + Sync>;

pub struct MockAuthServer {
    pub base: String,
    pub requests: Arc<Mutex<Vec<MockRequest>>>,
    task: JoinHandle<()>,
}

impl Drop for MockAuthServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockAuthServer {
    pub async fn start(
        handler: impl Fn(&MockRequest) -> MockAuthResponse + Send + Sync + 'static,
    ) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind mock");
        let base = format!("http://{}", listener.local_addr().expect("addr"));
        let requests = Arc::new(Mutex::new(Vec::new()));
        let handler: Handler = Arc::new(handler);
        let log = requests.clone();
        let task = tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let (handler, log) = (handler.clone(), log.clone());
                tokio::spawn(async move {
                    let _ = serve_one(stream, handler, log).await;
                });
            }
        });
        Self {
            base,
            requests,
            task,
        }
    }

    pub fn hits(&self, path: &str) -> usize {
        self.requests
            .lock()
            .expect("log")
            .iter()
            .filter(|r| r.path == path)
            .count()
    }

    pub fn requests_to(&self, path: &str) -> Vec<MockRequest> {
        self.requests
            .lock()
            .expect("log")
            .iter()
            .filter(|r| r.path == path)
            .cloned()
            .collect()
    }
}

async fn serve_one(
    mut stream: TcpStream,
    handler: Handler,
    log: Arc<Mutex<Vec<MockRequest>>>,
) -> std::io::Result<()> {
    let mut data = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            return Ok(());
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(pos) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split_whitespace();
    let method = first.next().unwrap_or_default().to_owned();
    let target = first.next().unwrap_or_default().to_owned();
    let headers: HashMap<String, String> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
        .collect();
    let length: usize = headers
        .get("content-length")
        .and_then(|v| v.parse().ok())
        .unwrap_or(0);
    while data.len() < head_end + length {
        let n = stream.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        data.extend_from_slice(&buf[..n]);
    }
    let body = String::from_utf8_lossy(&data[head_end..]).into_owned();
    let path = target.split('?').next().unwrap_or_default().to_owned();
    let request = MockRequest {
        method,
        path,
        headers,
        body,
        at: std::time::Instant::now(),
    };
    log.lock().expect("log").push(request.clone());
    let response = handler(&request);
    if !response.delay.is_zero() {
        tokio::time::sleep(response.delay).await;
    }
    let text = format!(
        "HTTP/1.1 {} X\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
        response.status,
        response.body.len(),
        response.body
    );
    stream.write_all(text.as_bytes()).await?;
    stream.shutdown().await
}

/// Fast polling for tests: a server "second" is 10 ms, the safety margin 1 ms.
pub fn fast_timing() -> PollTiming {
    PollTiming {
        interval_unit: Duration::from_millis(10),
        safety_margin: Duration::from_millis(1),
        slow_down_step_secs: 5,
        browser_timeout: Duration::from_secs(10),
        device_timeout: Duration::from_secs(10),
    }
}

/// A file-backed service in `dir` whose endpoints all point at `base`.
pub fn service_for(dir: &std::path::Path, base: &str) -> AuthService {
    let mut config = AuthConfig::new(dir);
    config.store.mode = StoreMode::File;
    config.endpoints = AuthEndpoints {
        openai_issuer: base.to_owned(),
        openai_callback_port: 0,
        github_base_override: Some(base.to_owned()),
    };
    config.timing = fast_timing();
    let opened = open_store(&config.store).expect("open store");
    let http = reqwest::Client::builder()
        .no_proxy()
        .timeout(Duration::from_secs(10))
        .build()
        .expect("client");
    AuthService::with_parts(config, opened, http)
}

/// Polls `callback` like the desktop does until it leaves `pending`.
pub async fn poll_callback(
    service: &AuthService,
    provider_id: &str,
    method: usize,
    authorization_id: &str,
) -> super::error::AuthResult<super::types::CallbackStatus> {
    for _ in 0..500 {
        let result = service
            .callback(super::types::CallbackParams {
                provider_id: provider_id.to_owned(),
                method,
                authorization_id: authorization_id.to_owned(),
                code: None,
            })
            .await?;
        if result.status != super::types::CallbackStatus::Pending {
            return Ok(result.status);
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    Ok(super::types::CallbackStatus::Pending)
}

/// A JWT-shaped token (unsigned) carrying `claims`.
pub fn fake_jwt(claims: serde_json::Value) -> String {
    use base64::Engine;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD;
    format!(
        "{}.{}.sig",
        URL_SAFE_NO_PAD.encode(br#"{"alg":"none"}"#),
        URL_SAFE_NO_PAD.encode(claims.to_string())
    )
}
