//! Credential endpoints on 127.0.0.1 for the credential tests: container and instance metadata,
//! STS, the SSO portal, OAuth token endpoints. Each route answers one method and exact path (the
//! query is ignored) with a fixed body; every request is recorded; anything else gets 404.

use std::sync::{Arc, Mutex};

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

#[derive(Debug, Clone)]
pub struct Route {
    pub method: &'static str,
    pub path: String,
    pub status: u16,
    pub content_type: &'static str,
    pub headers: Vec<(&'static str, String)>,
    pub body: String,
}

impl Route {
    pub fn ok(method: &'static str, path: &str, content_type: &'static str, body: &str) -> Self {
        Route {
            method,
            path: path.to_string(),
            status: 200,
            content_type,
            headers: Vec::new(),
            body: body.to_string(),
        }
    }

    pub fn json(method: &'static str, path: &str, body: &serde_json::Value) -> Self {
        Route::ok(method, path, "application/json", &body.to_string())
    }

    pub fn status(mut self, status: u16) -> Self {
        self.status = status;
        self
    }

    pub fn header(mut self, name: &'static str, value: &str) -> Self {
        self.headers.push((name, value.to_string()));
        self
    }
}

#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    /// Path and query as sent.
    pub target: String,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Seen {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// A running endpoint server; it stops when dropped.
pub struct Endpoints {
    pub base_url: String,
    seen: Arc<Mutex<Vec<Seen>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Endpoints {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Endpoints {
    pub fn start(rt: &tokio::runtime::Runtime, routes: Vec<Route>) -> Endpoints {
        let listener = rt
            .block_on(TcpListener::bind("127.0.0.1:0"))
            .expect("bind 127.0.0.1");
        let base_url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        let routes = Arc::new(routes);
        let task = rt.spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (log, routes) = (Arc::clone(&log), Arc::clone(&routes));
                tokio::spawn(async move {
                    let _ = serve(socket, &routes, &log).await;
                });
            }
        });
        Endpoints {
            base_url,
            seen,
            task,
        }
    }

    pub fn requests(&self) -> Vec<Seen> {
        self.seen.lock().expect("log").clone()
    }
}

/// Serves requests on one connection until the client closes it.
async fn serve(
    mut socket: TcpStream,
    routes: &[Route],
    log: &Mutex<Vec<Seen>>,
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    loop {
        let Some(request) = read_request(&mut socket, &mut buf).await? else {
            return Ok(());
        };
        let path = request.target.split('?').next().unwrap_or_default();
        let route = routes
            .iter()
            .find(|r| r.method == request.method && r.path == path);
        log.lock().expect("log").push(request);
        let (status, content_type, headers, body) = match route {
            Some(route) => (
                route.status,
                route.content_type,
                route.headers.as_slice(),
                route.body.as_str(),
            ),
            None => (404, "text/plain", &[][..], "no such route"),
        };
        let mut head = format!(
            "HTTP/1.1 {status} X\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\n",
            body.len()
        );
        for (name, value) in headers {
            head.push_str(&format!("{name}: {value}\r\n"));
        }
        head.push_str("\r\n");
        socket.write_all(head.as_bytes()).await?;
        socket.write_all(body.as_bytes()).await?;
    }
}

async fn read_request(socket: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<Option<Seen>> {
    let mut chunk = [0u8; 8192];
    loop {
        if let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let mut lines = head.lines();
            let mut first = lines.next().unwrap_or_default().split(' ');
            let method = first.next().unwrap_or_default().to_string();
            let target = first.next().unwrap_or_default().to_string();
            let headers: Vec<(String, String)> = lines
                .filter_map(|line| line.split_once(':'))
                .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
                .collect();
            let length = headers
                .iter()
                .find(|(k, _)| k.eq_ignore_ascii_case("content-length"))
                .and_then(|(_, v)| v.parse::<usize>().ok())
                .unwrap_or(0);
            while buf.len() < end + 4 + length {
                let n = socket.read(&mut chunk).await?;
                if n == 0 {
                    return Ok(None);
                }
                buf.extend_from_slice(&chunk[..n]);
            }
            let body = String::from_utf8_lossy(&buf[end + 4..end + 4 + length]).to_string();
            buf.drain(..end + 4 + length);
            return Ok(Some(Seen {
                method,
                target,
                headers,
                body,
            }));
        }
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    }
}
