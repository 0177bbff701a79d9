//! Soak under faults, bounded to seconds: 50 sessions at once send mixed requests (catalog,
//! search, auth, chat) while a fault-injecting provider answers 429s, 500s, slow chunks, dropped
//! connections and garbage. Every request gets a result or a precise error, no session's request
//! carries another's credential and no answer holds any credential, and the process's memory
//! after more rounds of the same work stays near what it was after the first.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};

use crate::chat::runtime;
use crate::support::{Sidecar, error_kind};

const SESSIONS: usize = 50;
const ROUNDS: usize = 6;
/// Rounds that may still grow the process; see the memory check at the end.
const WARM_UP_ROUNDS: usize = 2;
/// Listed by `model/list`: two of the catalog's and the test's own.
const PROVIDERS: [&str; 3] = ["openai", "anthropic", "soak"];

/// What the provider does with a request; the test picks it through the prompt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Fault {
    Answer,
    SlowChunks,
    RateLimited,
    ServerError,
    Dropped,
    Garbage,
}

const FAULTS: [Fault; 6] = [
    Fault::Answer,
    Fault::SlowChunks,
    Fault::RateLimited,
    Fault::ServerError,
    Fault::Dropped,
    Fault::Garbage,
];

impl Fault {
    fn name(self) -> &'static str {
        match self {
            Fault::Answer => "answer",
            Fault::SlowChunks => "slow",
            Fault::RateLimited => "429",
            Fault::ServerError => "500",
            Fault::Dropped => "drop",
            Fault::Garbage => "garbage",
        }
    }

    fn parse(text: &str) -> Fault {
        FAULTS
            .into_iter()
            .find(|f| text.contains(&format!("fault={}.", f.name())))
            .unwrap_or(Fault::Answer)
    }

    /// The error kind a failing fault must produce (`None`: it must succeed).
    fn expected_error(self) -> Option<&'static str> {
        match self {
            Fault::Answer | Fault::SlowChunks => None,
            Fault::RateLimited => Some("rate_limited"),
            Fault::ServerError => Some("provider_http"),
            Fault::Dropped | Fault::Garbage => Some("stream_interrupted"),
        }
    }
}

/// The session's key; its number is readable from it, so the provider can tell whose it got.
fn session_key(session: usize) -> String {
    format!("sk-soak-{session:02}-{:08x}", 0x5eed_0000 + session * 7919)
}

/// What the provider saw that it should not have: a request whose key belongs to another
/// session than its prompt names.
type Mismatches = Arc<Mutex<Vec<String>>>;

/// A provider speaking OpenAI's chat completions stream, with faults on request.
struct FaultyProvider {
    base_url: String,
    mismatches: Mismatches,
    requests: Arc<Mutex<usize>>,
    _runtime: tokio::runtime::Runtime,
}

impl FaultyProvider {
    fn start() -> FaultyProvider {
        let runtime = runtime();
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind provider");
        let base_url = format!("http://{}/v1", listener.local_addr().expect("addr"));
        let mismatches = Mismatches::default();
        let requests = Arc::new(Mutex::new(0));
        let (seen, count) = (Arc::clone(&mismatches), Arc::clone(&requests));
        runtime.spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (seen, count) = (Arc::clone(&seen), Arc::clone(&count));
                tokio::spawn(async move {
                    let _ = serve(socket, &seen, &count).await;
                });
            }
        });
        FaultyProvider {
            base_url,
            mismatches,
            requests,
            _runtime: runtime,
        }
    }
}

async fn serve(
    socket: tokio::net::TcpStream,
    mismatches: &Mismatches,
    requests: &Mutex<usize>,
) -> std::io::Result<()> {
    let (read, mut write) = socket.into_split();
    let mut reader = BufReader::new(read);
    loop {
        let mut first = String::new();
        if reader.read_line(&mut first).await? == 0 {
            return Ok(());
        }
        let (mut length, mut key) = (0usize, String::new());
        loop {
            let mut line = String::new();
            if reader.read_line(&mut line).await? == 0 || line == "\r\n" {
                break;
            }
            let lower = line.to_ascii_lowercase();
            if let Some(value) = lower.strip_prefix("content-length:") {
                length = value.trim().parse().unwrap_or(0);
            }
            if lower.starts_with("authorization:") {
                key = line["authorization:".len()..]
                    .trim()
                    .trim_start_matches("Bearer ")
                    .to_owned();
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body).await?;
        if !first.starts_with("POST") {
            // Model discovery: no list here.
            write
                .write_all(b"HTTP/1.1 404 Not Found\r\ncontent-length: 0\r\n\r\n")
                .await?;
            continue;
        }
        *requests.lock().expect("count") += 1;
        let body = String::from_utf8_lossy(&body).into_owned();
        let key_session: Option<usize> = key.get(8..10).and_then(|n| n.parse().ok());
        let prompt_session: Option<usize> = body
            .split("session=")
            .nth(1)
            .and_then(|rest| rest.get(..2))
            .and_then(|n| n.parse().ok());
        if key_session.is_none()
            || key_session != prompt_session
            || key != session_key(key_session.unwrap_or(0))
        {
            mismatches.lock().expect("log").push(format!(
                "key of session {key_session:?} on a request of session {prompt_session:?}"
            ));
        }
        let who = key_session.unwrap_or(99);
        match Fault::parse(&body) {
            Fault::Answer => return stream(&mut write, who, Duration::ZERO, true).await,
            Fault::SlowChunks => {
                return stream(&mut write, who, Duration::from_millis(40), true).await;
            }
            Fault::Dropped => return stream(&mut write, who, Duration::ZERO, false).await,
            Fault::RateLimited => {
                let body = r#"{"error":{"message":"Rate limit reached for requests","type":"requests","code":"rate_limit_exceeded"}}"#;
                let head = format!(
                    "HTTP/1.1 429 Too Many Requests\r\ncontent-type: application/json\r\nretry-after-ms: 5\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                write.write_all(head.as_bytes()).await?;
                write.write_all(body.as_bytes()).await?;
            }
            Fault::ServerError => {
                let body =
                    r#"{"error":{"message":"The server had an error","type":"server_error"}}"#;
                let head = format!(
                    "HTTP/1.1 500 Internal Server Error\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
                    body.len()
                );
                write.write_all(head.as_bytes()).await?;
                write.write_all(body.as_bytes()).await?;
            }
            Fault::Garbage => {
                let mut noise =
                    b"data: {\"choices\":[{\"delta\":{\"content\":\x00\xff\xfe}]\n\n".to_vec();
                noise.extend((0..512u32).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8));
                let head = format!(
                    "HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                    noise.len()
                );
                write.write_all(head.as_bytes()).await?;
                write.write_all(&noise).await?;
                return write.shutdown().await;
            }
        }
    }
}

/// A chunked SSE stream saying "reply to session N" in three pieces; `complete: false` closes
/// the connection after the second chunk, without the stream's end.
async fn stream(
    write: &mut tokio::net::tcp::OwnedWriteHalf,
    session: usize,
    delay: Duration,
    complete: bool,
) -> std::io::Result<()> {
    write
        .write_all(
            b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n",
        )
        .await?;
    let delta = |text: &str| {
        json!({"id": "c", "object": "chat.completion.chunk", "model": "m",
               "choices": [{"index": 0, "delta": {"content": text}, "finish_reason": null}]})
    };
    let last = json!({"id": "c", "object": "chat.completion.chunk", "model": "m",
        "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        "usage": {"prompt_tokens": 5, "completion_tokens": 3, "total_tokens": 8}});
    let events = [
        format!("data: {}\n\n", delta("reply to ")),
        format!("data: {}\n\n", delta("session ")),
        format!("data: {}\n\n", delta(&format!("{session:02}"))),
        format!("data: {last}\n\ndata: [DONE]\n\n"),
    ];
    for (index, event) in events.iter().enumerate() {
        if index > 0 {
            tokio::time::sleep(delay).await;
        }
        if !complete && index == 2 {
            return write.shutdown().await;
        }
        write
            .write_all(format!("{:x}\r\n{event}\r\n", event.len()).as_bytes())
            .await?;
        write.flush().await?;
    }
    write.write_all(b"0\r\n\r\n").await?;
    write.shutdown().await
}

/// One request of the workload and what its answer must be.
struct Expected {
    session: usize,
    method: &'static str,
    fault: Option<Fault>,
}

/// Sends one round: every session's requests, all at once; returns them by request id.
fn send_round(sidecar: &mut Sidecar, round: usize) -> BTreeMap<i64, Expected> {
    let mut sent = BTreeMap::new();
    for session in 0..SESSIONS {
        let sid = format!("s{session:02}");
        let fault = FAULTS[(session + round) % FAULTS.len()];
        let prompt = format!("session={session:02} round={round} fault={}.", fault.name());
        let messages = json!([{"role": "user", "content": prompt}]);
        let chat =
            json!({"sessionId": sid, "providerId": "soak", "modelId": "m", "messages": messages});
        let requests: Vec<(&'static str, Value, Option<Fault>)> = vec![
            ("chat/stream", chat.clone(), Some(fault)),
            (
                "model/search",
                json!({"query": "claude sonet", "limit": 5}),
                None,
            ),
            ("catalog/status", json!({}), None),
            (
                "model/list",
                json!({"providerId": PROVIDERS[session % PROVIDERS.len()]}),
                None,
            ),
            ("auth/status", json!({}), None),
            (
                "auth/set",
                json!({"providerId": "soak-stored", "token": session_key(session),
                       "account": format!("a{session:02}")}),
                None,
            ),
            ("chat/generate", chat, Some(fault)),
            ("provider/search", json!({"query": "anthrop"}), None),
        ];
        for (method, params, fault) in requests {
            let id = sidecar.start(crate::support::Framing::Lsp, method, params);
            sent.insert(
                id,
                Expected {
                    session,
                    method,
                    fault,
                },
            );
        }
    }
    sent
}

/// Collects every answer of a round (and the `chat/delta`s of its streams).
fn collect_round(
    sidecar: &mut Sidecar,
    mut pending: BTreeMap<i64, Expected>,
    everything: &mut Vec<Value>,
) -> Vec<(Expected, Value, Vec<Value>)> {
    let mut deltas: HashMap<i64, Vec<Value>> = HashMap::new();
    let mut answered = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !pending.is_empty() {
        assert!(
            Instant::now() < deadline,
            "{} requests never answered: {:?}",
            pending.len(),
            pending.values().map(|e| e.method).collect::<Vec<_>>()
        );
        let message = sidecar.next_message().value;
        everything.push(message.clone());
        if message["method"] == "chat/delta" {
            if let Some(id) = message["params"]["requestId"].as_i64() {
                deltas
                    .entry(id)
                    .or_default()
                    .push(message["params"]["part"].clone());
            }
            continue;
        }
        let Some(id) = message.get("id").and_then(Value::as_i64) else {
            continue;
        };
        if let Some(expected) = pending.remove(&id) {
            let parts = deltas.remove(&id).unwrap_or_default();
            answered.push((expected, message, parts));
        }
    }
    answered
}

fn check_answer(expected: &Expected, answer: &Value, parts: &[Value]) {
    let context = || {
        format!(
            "{} of session {}: {answer}",
            expected.method, expected.session
        )
    };
    let Some(fault) = expected.fault else {
        assert!(answer.get("result").is_some(), "{}", context());
        return;
    };
    match fault.expected_error() {
        None => {
            let text = answer["result"]["content"][0]["text"].as_str();
            let own = format!("reply to session {:02}", expected.session);
            assert_eq!(text, Some(own.as_str()), "{}", context());
            if expected.method == "chat/stream" {
                let streamed: String = parts
                    .iter()
                    .filter(|p| p["type"] == "text-delta")
                    .filter_map(|p| p["delta"].as_str())
                    .collect();
                assert_eq!(streamed, own, "{}", context());
            }
        }
        Some(kind) => {
            let error = &answer["error"];
            assert_eq!(error_kind(error), kind, "{}", context());
            assert!(
                error["message"].as_str().is_some_and(|m| !m.is_empty()),
                "{}",
                context()
            );
            if kind == "rate_limited" || kind == "provider_http" {
                assert!(error["data"]["status"].is_u64(), "{}", context());
            }
        }
    }
}

fn rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).expect("proc status");
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmRSS")
}

#[test]
fn fifty_sessions_under_provider_faults_get_answers_keep_their_secrets_and_return_their_memory() {
    let provider = FaultyProvider::start();
    let data_dir = tempfile::tempdir().expect("data dir");
    // Two malloc arenas: glibc gives threads up to 8 per core, each keeping its own high-water
    // mark, so under a loaded machine (CI runs every test at once) RSS stepped up by 32 MiB in
    // round 4 of 6 with no leak (idle: rounds 3-6 within 2% of round 2). With two, RSS follows
    // what the process holds, which is what this test watches; a leak still grows it.
    let mut sidecar = Sidecar::spawn_with_env(&[], &[("MALLOC_ARENA_MAX", "2")]);
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"dataDir": data_dir.path(), "config": {
            "auth": {"store": "file"},
            "provider": {"soak": {"options": {"baseURL": provider.base_url},
                                  "models": {"m": {"name": "Soak model"}}}}
        }}}),
    );
    for session in 0..SESSIONS {
        sidecar.call(
            "session/open",
            json!({"sessionId": format!("s{session:02}"),
                   "credentials": {"soak": {"apiKey": session_key(session)}},
                   "options": {
                       "retry": {"maxRetries": 1, "baseDelayMs": 5, "maxDelayMs": 20, "maxRetryAfterMs": 1000},
                       "timeouts": {"connectMs": 5000, "firstByteMs": 10000, "idleMs": 5000}
                   }}),
        );
    }

    let before = rss_kib(sidecar.pid());
    let started = Instant::now();
    let mut everything = Vec::new();
    let mut rss = Vec::new();
    let mut took = Vec::new();
    let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
    for round in 0..ROUNDS {
        let round_started = Instant::now();
        let sent = send_round(&mut sidecar, round);
        let answered = collect_round(&mut sidecar, sent, &mut everything);
        assert_eq!(answered.len(), SESSIONS * 8);
        for (expected, answer, parts) in &answered {
            check_answer(expected, answer, parts);
            let kind = match answer.get("error") {
                Some(error) => error_kind(error).to_owned(),
                None => "result".to_owned(),
            };
            *kinds
                .entry(format!("{} {kind}", expected.method))
                .or_default() += 1;
        }
        took.push(round_started.elapsed());
        // Let the connections of the round close before measuring.
        std::thread::sleep(Duration::from_millis(300));
        rss.push(rss_kib(sidecar.pid()));
    }
    let elapsed = started.elapsed();
    for session in 0..SESSIONS {
        sidecar.call(
            "session/close",
            json!({"sessionId": format!("s{session:02}")}),
        );
    }
    std::thread::sleep(Duration::from_millis(300));
    let after_close = rss_kib(sidecar.pid());
    eprintln!(
        "soak: {} requests in {elapsed:?} (rounds {took:?}), {} to the provider; RSS before {before} KiB, per round {rss:?} KiB, after closing {after_close} KiB; answers {kinds:?}",
        ROUNDS * SESSIONS * 8,
        provider.requests.lock().expect("count"),
    );

    let mismatches = provider.mismatches.lock().expect("log").clone();
    assert!(mismatches.is_empty(), "{mismatches:?}");
    let keys: HashSet<String> = (0..SESSIONS).map(session_key).collect();
    for message in &everything {
        let text = message.to_string();
        assert!(
            !keys.iter().any(|key| text.contains(key.as_str())),
            "a credential in an answer: {text}"
        );
    }
    assert!(
        !keys
            .iter()
            .any(|key| sidecar.stderr().contains(key.as_str())),
        "a credential in the logs"
    );
    // The first rounds grow the process to its working size (catalog, index, pools, and the
    // allocator's per-thread arenas at their high-water mark); more rounds of the same work must
    // not grow it further. It takes two rounds: measured, the second round still grew RSS by
    // 10-25% over the first (glibc keeps what the round's peak took, and the first round's peak is
    // lower), and from the third on it stayed within 4% of the second's over 24 rounds.
    let baseline = rss[..WARM_UP_ROUNDS].iter().copied().max().unwrap_or(0);
    let limit = baseline + baseline / 10 + 8 * 1024;
    assert!(
        rss[WARM_UP_ROUNDS..].iter().all(|r| *r <= limit) && after_close <= limit,
        "RSS after {WARM_UP_ROUNDS} rounds {baseline} KiB, each round {rss:?} KiB, after closing {after_close} KiB (limit {limit})"
    );
}
