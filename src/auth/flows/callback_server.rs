//! A one-shot HTTP server on 127.0.0.1 that receives the OAuth redirect (`?code=…&state=…`),
//! answers the browser with a short page and hands the code over. It stops after the first
//! callback (or error) and when dropped.

use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::auth::error::{AuthError, AuthResult};
use crate::auth::secret::Secret;

const MAX_HEAD: usize = 16 * 1024;
const READ_TIMEOUT: Duration = Duration::from_secs(10);

pub struct CallbackServer {
    pub port: u16,
    pub redirect_uri: String,
    outcome: oneshot::Receiver<AuthResult<Secret>>,
    task: JoinHandle<()>,
}

impl Drop for CallbackServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl CallbackServer {
    /// Listens on 127.0.0.1:`port` (0 = any free port); the redirect URI names `localhost`,
    /// as registered with the OAuth client.
    pub async fn start(port: u16, path: &str, expected_state: String) -> AuthResult<Self> {
        let listener = bind_with_retry(port).await.map_err(|err| {
            AuthError::CallbackFailed(format!(
                "cannot listen on 127.0.0.1:{port} for the sign-in callback ({err}); \
                 is another sign-in (e.g. the Codex CLI) running?"
            ))
        })?;
        let port = listener
            .local_addr()
            .map_err(|err| AuthError::CallbackFailed(err.to_string()))?
            .port();
        let (tx, outcome) = oneshot::channel();
        let task = tokio::spawn(serve(listener, path.to_owned(), expected_state, tx));
        Ok(Self {
            port,
            redirect_uri: format!("http://localhost:{port}{path}"),
            outcome,
            task,
        })
    }

    /// Waits for the authorization code, at most `timeout`.
    pub async fn wait(mut self, timeout: Duration) -> AuthResult<Secret> {
        match tokio::time::timeout(timeout, &mut self.outcome).await {
            Ok(Ok(result)) => result,
            Ok(Err(_)) => Err(AuthError::CallbackFailed(
                "the callback server stopped".into(),
            )),
            Err(_) => Err(AuthError::FlowExpired),
        }
    }
}

/// A sign-in that was just replaced releases the port asynchronously: retry briefly.
async fn bind_with_retry(port: u16) -> std::io::Result<TcpListener> {
    let mut attempts = 0;
    loop {
        match TcpListener::bind(("127.0.0.1", port)).await {
            Err(err) if err.kind() == std::io::ErrorKind::AddrInUse && attempts < 25 => {
                attempts += 1;
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
            other => return other,
        }
    }
}

async fn serve(
    listener: TcpListener,
    path: String,
    expected_state: String,
    tx: oneshot::Sender<AuthResult<Secret>>,
) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        if let Some(outcome) = handle(stream, &path, &expected_state).await {
            let _ = tx.send(outcome);
            return;
        }
    }
}

/// Answers one request; returns the flow's outcome when the request ends it.
async fn handle(
    mut stream: TcpStream,
    path: &str,
    expected_state: &str,
) -> Option<AuthResult<Secret>> {
    let target = match tokio::time::timeout(READ_TIMEOUT, read_target(&mut stream)).await {
        Ok(Some(target)) => target,
        _ => return None,
    };
    let url = reqwest::Url::parse(&format!("http://localhost{target}")).ok()?;
    if url.path() == "/cancel" {
        respond(
            &mut stream,
            200,
            &page("Sign-in cancelled", "You can close this window."),
        )
        .await;
        return Some(Err(AuthError::CallbackFailed("sign-in cancelled".into())));
    }
    if url.path() != path {
        respond(&mut stream, 404, "Not found").await;
        return None;
    }
    let param = |name: &str| {
        url.query_pairs()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.into_owned())
    };
    let outcome = if let Some(error) = param("error") {
        let reason = param("error_description").unwrap_or(error);
        Err(AuthError::Denied { reason })
    } else if param("state").as_deref() != Some(expected_state) {
        Err(AuthError::CallbackFailed(
            "the callback's state does not match this sign-in".into(),
        ))
    } else if let Some(code) = param("code").filter(|c| !c.is_empty()) {
        Ok(Secret::new(code))
    } else {
        Err(AuthError::CallbackFailed(
            "the callback carries no authorization code".into(),
        ))
    };
    match &outcome {
        Ok(_) => {
            let body = page(
                "Signed in",
                "Authorization succeeded. You can close this window and return to the app.",
            );
            respond(&mut stream, 200, &body).await;
        }
        Err(err) => {
            let body = page("Sign-in failed", &err.to_string());
            respond(&mut stream, 400, &body).await;
        }
    }
    Some(outcome)
}

async fn read_target(stream: &mut TcpStream) -> Option<String> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf).await.ok()?;
        if n == 0 || head.len() + n > MAX_HEAD {
            return None;
        }
        head.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&head);
    let mut parts = text.lines().next()?.split_whitespace();
    let method = parts.next()?;
    let target = parts.next()?;
    (method == "GET" && target.starts_with('/')).then(|| target.to_owned())
}

async fn respond(stream: &mut TcpStream, status: u16, body: &str) {
    let reason = match status {
        200 => "OK",
        400 => "Bad Request",
        _ => "Not Found",
    };
    let response = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: text/html; charset=utf-8\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    let _ = stream.write_all(response.as_bytes()).await;
    let _ = stream.shutdown().await;
}

fn page(title: &str, message: &str) -> String {
    format!(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>{0}</title></head>\
         <body style=\"font-family:system-ui,sans-serif;text-align:center;margin-top:15vh\">\
         <h1>{0}</h1><p>{1}</p></body></html>",
        escape_html(title),
        escape_html(message)
    )
}

fn escape_html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn get(url: &str) -> (u16, String) {
        let response = reqwest::get(url).await.expect("request");
        let status = response.status().as_u16();
        (status, response.text().await.expect("body"))
    }

    #[tokio::test]
    async fn delivers_the_code_once_and_ignores_other_paths() {
        let server = CallbackServer::start(0, "/auth/callback", "st-1".into())
            .await
            .expect("start");
        assert!(server.redirect_uri.starts_with("http://localhost:"));
        let base = format!("http://127.0.0.1:{}", server.port);
        assert_eq!(get(&format!("{base}/favicon.ico")).await.0, 404);
        let (status, body) = get(&format!("{base}/auth/callback?code=the-code&state=st-1")).await;
        assert_eq!(status, 200);
        assert!(body.contains("Signed in"));
        let code = server.wait(Duration::from_secs(5)).await.expect("code");
        assert_eq!(code.expose(), "the-code");
    }

    #[tokio::test]
    async fn rejects_a_wrong_state_and_reports_denial() {
        let server = CallbackServer::start(0, "/auth/callback", "good".into())
            .await
            .expect("start");
        let base = format!("http://127.0.0.1:{}", server.port);
        let (status, _) = get(&format!("{base}/auth/callback?code=c&state=evil")).await;
        assert_eq!(status, 400);
        let err = server
            .wait(Duration::from_secs(5))
            .await
            .expect_err("fails");
        assert_eq!(err.kind(), "oauth_callback_failed");

        let server = CallbackServer::start(0, "/auth/callback", "s".into())
            .await
            .expect("start");
        let base = format!("http://127.0.0.1:{}", server.port);
        let (_, body) = get(&format!(
            "{base}/auth/callback?error=access_denied&error_description=%3Cb%3Eno%3C%2Fb%3E"
        ))
        .await;
        assert!(body.contains("&lt;b&gt;no"), "description is escaped");
        let err = server
            .wait(Duration::from_secs(5))
            .await
            .expect_err("denied");
        assert_eq!(err.kind(), "oauth_denied");
    }

    #[tokio::test]
    async fn times_out_and_frees_the_port_when_dropped() {
        let server = CallbackServer::start(0, "/auth/callback", "s".into())
            .await
            .expect("start");
        let port = server.port;
        let err = server
            .wait(Duration::from_millis(30))
            .await
            .expect_err("times out");
        assert_eq!(err.kind(), "oauth_expired");
        tokio::task::yield_now().await;
        let again = CallbackServer::start(port, "/auth/callback", "s".into()).await;
        assert!(again.is_ok(), "the port is free again");
    }
}
