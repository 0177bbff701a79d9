//! A mock provider server on 127.0.0.1 for tests (compiled for unit tests and behind the `test-support`
//! feature): serves scripted HTTP/1.1 responses with chunked bodies, optional delays, a dropped connection
//! or a stall, records the requests, and reports when the client closed the connection.
//! Also turns the recorded fixtures of `fixtures/provider-streams` into wire bytes as their
//! SOURCE.md says.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio::time::Instant;

use super::eventstream::{EventMessage, encode};

/// What the server does after the scripted chunks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ending {
    /// Finish the chunked body properly.
    Complete,
    /// Close the socket without the terminating chunk (a dropped connection).
    Drop,
    /// Keep the connection open and silent until the client closes it.
    Stall,
}

#[derive(Debug, Clone)]
pub struct MockResponse {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    /// Each is written as one HTTP chunk.
    pub chunks: Vec<Vec<u8>>,
    /// Wait before each chunk after the first.
    pub chunk_delay: Duration,
    pub ending: Ending,
}

impl MockResponse {
    pub fn stream(content_type: &str, chunks: Vec<Vec<u8>>) -> Self {
        MockResponse {
            status: 200,
            headers: vec![("content-type".into(), content_type.into())],
            chunks,
            chunk_delay: Duration::ZERO,
            ending: Ending::Complete,
        }
    }

    pub fn error(status: u16, headers: &[(&str, &str)], body: &str) -> Self {
        let mut all: Vec<(String, String)> =
            vec![("content-type".into(), "application/json".into())];
        all.extend(headers.iter().map(|(k, v)| (k.to_string(), v.to_string())));
        MockResponse {
            status,
            headers: all,
            chunks: vec![body.as_bytes().to_vec()],
            chunk_delay: Duration::ZERO,
            ending: Ending::Complete,
        }
    }

    pub fn with_delay(mut self, delay: Duration) -> Self {
        self.chunk_delay = delay;
        self
    }

    pub fn with_ending(mut self, ending: Ending) -> Self {
        self.ending = ending;
        self
    }
}

#[derive(Debug, Clone)]
pub struct RecordedRequest {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

/// A running mock server; it stops when dropped.
pub struct MockServer {
    pub base_url: String,
    requests: Arc<Mutex<Vec<RecordedRequest>>>,
    closed: tokio::sync::Mutex<mpsc::UnboundedReceiver<Instant>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for MockServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl MockServer {
    /// Serves `responses` in order, one per POST request (the last one repeats). A GET (the catalog's
    /// model discovery) is recorded and answered 404 without taking a scripted response.
    pub async fn start(responses: Vec<MockResponse>) -> std::io::Result<MockServer> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let base_url = format!("http://{}", listener.local_addr()?);
        let requests = Arc::new(Mutex::new(Vec::new()));
        let (closed_tx, closed_rx) = mpsc::unbounded_channel();
        let recorded = requests.clone();
        let responses = Arc::new(responses);
        let served = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let task = tokio::spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let recorded = recorded.clone();
                let closed_tx = closed_tx.clone();
                let (responses, served) = (responses.clone(), served.clone());
                tokio::spawn(async move {
                    let _ = serve(socket, &responses, &served, recorded, closed_tx).await;
                });
            }
        });
        Ok(MockServer {
            base_url,
            requests,
            closed: tokio::sync::Mutex::new(closed_rx),
            task,
        })
    }

    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.requests.lock().map(|r| r.clone()).unwrap_or_default()
    }

    /// When the client closed a stalled connection (waits up to `limit`).
    pub async fn client_closed(&self, limit: Duration) -> Option<Instant> {
        let mut closed = self.closed.lock().await;
        tokio::time::timeout(limit, closed.recv())
            .await
            .ok()
            .flatten()
    }
}

async fn serve(
    mut socket: TcpStream,
    responses: &[MockResponse],
    served: &std::sync::atomic::AtomicUsize,
    recorded: Arc<Mutex<Vec<RecordedRequest>>>,
    closed_tx: mpsc::UnboundedSender<Instant>,
) -> std::io::Result<()> {
    let request = read_request(&mut socket).await?;
    let is_get = request.method.eq_ignore_ascii_case("GET");
    if let Ok(mut all) = recorded.lock() {
        all.push(request);
    }
    let response = if is_get {
        MockResponse::error(404, &[], r#"{"error":"not found"}"#)
    } else {
        let index = served.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        match responses.get(index.min(responses.len().saturating_sub(1))) {
            Some(response) => response.clone(),
            None => return Ok(()),
        }
    };
    let mut head = format!("HTTP/1.1 {} Mock\r\n", response.status);
    for (name, value) in &response.headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    head.push_str("transfer-encoding: chunked\r\nconnection: close\r\n\r\n");
    socket.write_all(head.as_bytes()).await?;
    for (i, chunk) in response.chunks.iter().enumerate() {
        if i > 0 && !response.chunk_delay.is_zero() {
            tokio::time::sleep(response.chunk_delay).await;
        }
        if chunk.is_empty() {
            continue;
        }
        let mut framed = format!("{:x}\r\n", chunk.len()).into_bytes();
        framed.extend_from_slice(chunk);
        framed.extend_from_slice(b"\r\n");
        socket.write_all(&framed).await?;
        socket.flush().await?;
    }
    match response.ending {
        Ending::Complete => {
            socket.write_all(b"0\r\n\r\n").await?;
            socket.flush().await?;
        }
        Ending::Drop => {}
        Ending::Stall => {
            let mut buf = [0u8; 1024];
            loop {
                match socket.read(&mut buf).await {
                    Ok(0) | Err(_) => break,
                    Ok(_) => {}
                }
            }
            let _ = closed_tx.send(Instant::now());
        }
    }
    Ok(())
}

async fn read_request(socket: &mut TcpStream) -> std::io::Result<RecordedRequest> {
    let mut data = Vec::new();
    let mut buf = [0u8; 8192];
    let header_end = loop {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        data.extend_from_slice(&buf[..n]);
        if let Some(pos) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break pos + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..header_end]).into_owned();
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let path = first.next().unwrap_or_default().to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|line| line.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    let length = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.parse::<usize>().ok())
        .unwrap_or(0);
    let mut body = data[header_end..].to_vec();
    while body.len() < length {
        let n = socket.read(&mut buf).await?;
        if n == 0 {
            break;
        }
        body.extend_from_slice(&buf[..n]);
    }
    Ok(RecordedRequest {
        method,
        path,
        headers,
        body,
    })
}

/// The folder of the recorded provider streams.
pub fn fixtures_dir() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/provider-streams")
}

/// The non-empty lines of a `*.chunks.txt` fixture, byte for byte.
pub fn fixture_lines(text: &str) -> Vec<&str> {
    text.lines()
        .filter(|line| !line.trim().is_empty())
        .collect()
}

fn line_json(line: &str) -> Value {
    serde_json::from_str(line).expect("fixture lines are JSON")
}

/// Wire chunks (one per event) for `*.chunks.txt` lines of `folder`, wrapped as SOURCE.md says; the
/// line bytes are kept as recorded.
pub fn wire_chunks(folder: &str, lines: &[&str]) -> Vec<Vec<u8>> {
    let mut chunks: Vec<Vec<u8>> = lines
        .iter()
        .map(|line| match folder {
            "openai-chat" | "google" => format!("data: {line}\n\n").into_bytes(),
            "bedrock" => {
                let value = line_json(line);
                let (event_type, payload) = value
                    .as_object()
                    .and_then(|o| o.iter().next())
                    .expect("a bedrock fixture line has one key");
                encode(&EventMessage::json_event(
                    event_type,
                    payload.to_string().as_bytes(),
                ))
            }
            _ => {
                let value = line_json(line);
                let kind = value
                    .get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("message");
                format!("event: {kind}\ndata: {line}\n\n").into_bytes()
            }
        })
        .collect();
    if folder == "openai-chat" {
        chunks.push(b"data: [DONE]\n\n".to_vec());
    }
    chunks
}

/// Splits a multi-response OpenAI responses recording at each `response.created`.
pub fn split_responses<'a>(lines: &[&'a str]) -> Vec<Vec<&'a str>> {
    let mut groups: Vec<Vec<&'a str>> = Vec::new();
    for line in lines {
        let starts =
            line_json(line).get("type").and_then(Value::as_str) == Some("response.created");
        if starts || groups.is_empty() {
            groups.push(Vec::new());
        }
        if let Some(group) = groups.last_mut() {
            group.push(line);
        }
    }
    groups
}

pub fn content_type_for(folder: &str) -> &'static str {
    if folder == "bedrock" {
        "application/vnd.amazon.eventstream"
    } else {
        "text/event-stream"
    }
}
