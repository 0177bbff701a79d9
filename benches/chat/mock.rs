//! The mock provider: this bench binary started again in a mock role, serving OpenAI chat streams
//! over keep-alive connections, one SSE event per `write(2)`.

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::json;

use crate::{CHUNKS, CONCURRENT_CHUNKS, PACED_CHUNKS, PACED_DELAY, TRICKLE_CHUNKS, TRICKLE_DELAY};

/// Set in the environment of this binary started again as the mock provider process.
pub const MOCK_ROLE: &str = "CHAT_BENCH_MOCK_ROLE";

/// The SSE events of an OpenAI chat stream of `chunks` text deltas.
pub fn stream_events(chunks: usize) -> Vec<Vec<u8>> {
    let mut events = Vec::with_capacity(chunks + 2);
    for i in 0..chunks {
        let event = json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
            "choices": [{"index": 0, "delta": {"content": format!("tok{i} ")}, "finish_reason": null}]});
        events.push(format!("data: {event}\n\n").into_bytes());
    }
    let last = json!({"id": "c1", "object": "chat.completion.chunk", "model": "m",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 3, "completion_tokens": chunks, "total_tokens": chunks + 3}});
    events.push(format!("data: {last}\n\n").into_bytes());
    events.push(b"data: [DONE]\n\n".to_vec());
    events
}

/// Each event as one HTTP chunk, ready to write.
pub fn chunked(events: Vec<Vec<u8>>) -> Vec<Vec<u8>> {
    events
        .into_iter()
        .map(|event| {
            let mut framed = format!("{:x}\r\n", event.len()).into_bytes();
            framed.extend_from_slice(&event);
            framed.extend_from_slice(b"\r\n");
            framed
        })
        .collect()
}

/// What the mock serves, by the path's first segment.
pub struct Streams {
    burst: Vec<Vec<u8>>,
    concurrent: Vec<Vec<u8>>,
    paced: Vec<Vec<u8>>,
    trickle: Vec<Vec<u8>>,
}

/// One keep-alive connection: answers requests until the client closes it. Every event goes out in
/// its own `write(2)` (no delay: `TCP_NODELAY`), the paced and trickling streams' `PACED_DELAY` and
/// `TRICKLE_DELAY` apart.
pub async fn serve_connection(
    mut socket: tokio::net::TcpStream,
    streams: std::sync::Arc<Streams>,
) -> std::io::Result<()> {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    socket.set_nodelay(true)?;
    let mut buffer = Vec::new();
    loop {
        // The request head, then a `content-length` body.
        let head_end = loop {
            if let Some(at) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break at + 4;
            }
            let mut chunk = [0u8; 4096];
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).to_ascii_lowercase();
        let length: usize = head
            .lines()
            .find_map(|line| line.strip_prefix("content-length:"))
            .and_then(|value| value.trim().parse().ok())
            .unwrap_or(0);
        while buffer.len() < head_end + length {
            let mut chunk = [0u8; 4096];
            let n = socket.read(&mut chunk).await?;
            if n == 0 {
                return Ok(());
            }
            buffer.extend_from_slice(&chunk[..n]);
        }
        let path = head
            .split_whitespace()
            .nth(1)
            .unwrap_or_default()
            .to_owned();
        buffer.drain(..head_end + length);
        let (events, delay) = if path.starts_with("/paced/") {
            (&streams.paced, PACED_DELAY)
        } else if path.starts_with("/trickle/") {
            (&streams.trickle, TRICKLE_DELAY)
        } else if path.starts_with("/concurrent/") {
            (&streams.concurrent, Duration::ZERO)
        } else {
            (&streams.burst, Duration::ZERO)
        };
        socket
            .write_all(b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\n\r\n")
            .await?;
        for (i, event) in events.iter().enumerate() {
            if i > 0 && !delay.is_zero() {
                tokio::time::sleep(delay).await;
            }
            socket.write_all(event).await?;
        }
        socket.write_all(b"0\r\n\r\n").await?;
    }
}

/// The mock role: serves the streams, prints its base URL, runs until stdin closes.
pub fn mock_process() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("mock runtime");
    let streams = std::sync::Arc::new(Streams {
        burst: chunked(stream_events(CHUNKS)),
        concurrent: chunked(stream_events(CONCURRENT_CHUNKS)),
        paced: chunked(stream_events(PACED_CHUNKS)),
        trickle: chunked(stream_events(TRICKLE_CHUNKS)),
    });
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("mock listener");
    let address = listener.local_addr().expect("mock address");
    rt.spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            tokio::spawn(serve_connection(socket, std::sync::Arc::clone(&streams)));
        }
    });
    let mut stdout = std::io::stdout().lock();
    writeln!(stdout, "http://{address}").expect("announce the mock");
    stdout.flush().expect("flush");
    let _ = std::io::stdin().lines().count();
}

/// The mock provider process; it stops when dropped.
pub struct MockProcess {
    pub child: Child,
    pub base_url: String,
}

impl MockProcess {
    pub fn spawn() -> MockProcess {
        let mut child = Command::new(std::env::current_exe().expect("own path"))
            .env(MOCK_ROLE, "1")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("spawn the mock process");
        let mut lines = BufReader::new(child.stdout.take().expect("mock stdout")).lines();
        let base_url = lines.next().expect("mock announces").expect("mock line");
        MockProcess { child, base_url }
    }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        drop(self.child.stdin.take());
        let _ = self.child.wait();
    }
}
