//! Config `network {proxy, noProxy, caCertificates}` reaches every outgoing client, over the real
//! binary: catalog refresh over TLS to a server whose certificate only an extra CA vouches for,
//! sign-in, catalog refresh and a chat through a local proxy that records what it saw (hosts
//! under `.invalid` resolve only there, so a request that went direct fails), and precise errors
//! for settings that cannot be used.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::thread;

use provider_sidecar::protocol::testing::MockServer;
use serde_json::{Value, json};

use crate::chat::{openai_chat_stream, runtime};
use crate::support::{Sidecar, error_kind, repo_path};

/// A CA, and a server certificate it signed for `catalog.invalid`, `localhost` and 127.0.0.1.
struct TestPki {
    ca_pem: String,
    server_chain: Vec<tokio_rustls::rustls::pki_types::CertificateDer<'static>>,
    server_key: tokio_rustls::rustls::pki_types::PrivateKeyDer<'static>,
}

/// A server certificate that signs itself; the CA file is that certificate.
fn self_signed_pki() -> TestPki {
    let key = rcgen::KeyPair::generate().expect("key");
    let params = rcgen::CertificateParams::new(vec!["localhost".to_owned()]).expect("params");
    let cert = params.self_signed(&key).expect("self-signed certificate");
    TestPki {
        ca_pem: cert.pem(),
        server_chain: vec![cert.der().clone()],
        server_key: tokio_rustls::rustls::pki_types::PrivateKeyDer::Pkcs8(
            key.serialize_der().into(),
        ),
    }
}

fn test_pki() -> TestPki {
    use rcgen::{
        BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, KeyUsagePurpose,
    };
    let ca_key = KeyPair::generate().expect("CA key");
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).expect("CA params");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "provider-sidecar test root");
    ca_params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
    let ca_cert = ca_params.self_signed(&ca_key).expect("CA certificate");
    let issuer = Issuer::new(ca_params, ca_key);
    let server_key = KeyPair::generate().expect("server key");
    let server_params = CertificateParams::new(vec![
        "catalog.invalid".to_owned(),
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
    ])
    .expect("server params");
    let server_cert = server_params
        .signed_by(&server_key, &issuer)
        .expect("server certificate");
    TestPki {
        ca_pem: ca_cert.pem(),
        server_chain: vec![server_cert.der().clone()],
        server_key: tokio_rustls::rustls::pki_types::PrivateKeyDer::Pkcs8(
            server_key.serialize_der().into(),
        ),
    }
}

/// An HTTPS server on 127.0.0.1 answering every request with the real catalog.
struct TlsCatalogServer {
    port: u16,
    _runtime: tokio::runtime::Runtime,
}

impl TlsCatalogServer {
    fn start(pki: &TestPki) -> TlsCatalogServer {
        use tokio::io::{AsyncReadExt, AsyncWriteExt};
        let runtime = runtime();
        let config = tokio_rustls::rustls::ServerConfig::builder()
            .with_no_client_auth()
            .with_single_cert(pki.server_chain.clone(), pki.server_key.clone_key())
            .expect("server TLS config");
        let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
        let listener = runtime
            .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
            .expect("bind TLS server");
        let port = listener.local_addr().expect("addr").port();
        let body = Arc::new(
            std::fs::read(repo_path("fixtures/models-dev/api.json")).expect("catalog fixture"),
        );
        runtime.spawn(async move {
            while let Ok((socket, _)) = listener.accept().await {
                let (acceptor, body) = (acceptor.clone(), Arc::clone(&body));
                tokio::spawn(async move {
                    // A client that does not trust the certificate aborts the handshake here.
                    let Ok(mut tls) = acceptor.accept(socket).await else {
                        return;
                    };
                    let mut head = Vec::new();
                    let mut byte = [0u8; 1];
                    while !head.ends_with(b"\r\n\r\n") {
                        if tls.read(&mut byte).await.unwrap_or(0) == 0 {
                            return;
                        }
                        head.push(byte[0]);
                    }
                    let header = format!(
                        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        body.len()
                    );
                    let _ = tls.write_all(header.as_bytes()).await;
                    let _ = tls.write_all(&body).await;
                    let _ = tls.shutdown().await;
                });
            }
        });
        TlsCatalogServer {
            port,
            _runtime: runtime,
        }
    }
}

/// A forward proxy on 127.0.0.1: `CONNECT host:port` tunnels, absolute-form requests are
/// forwarded. Hosts under `.invalid` are reached at 127.0.0.1. Records each request's first
/// line (method and target), never its headers.
struct RecordingProxy {
    url: String,
    seen: Arc<Mutex<Vec<String>>>,
}

impl RecordingProxy {
    fn start() -> RecordingProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind proxy");
        let url = format!("http://{}", listener.local_addr().expect("addr"));
        let seen = Arc::new(Mutex::new(Vec::new()));
        let log = Arc::clone(&seen);
        thread::spawn(move || {
            for client in listener.incoming().flatten() {
                let log = Arc::clone(&log);
                thread::spawn(move || proxy_one(client, &log));
            }
        });
        RecordingProxy { url, seen }
    }

    fn seen(&self) -> Vec<String> {
        self.seen.lock().expect("proxy log").clone()
    }
}

fn upstream(authority: &str) -> Option<TcpStream> {
    let (host, port) = authority.rsplit_once(':')?;
    let host = if host.ends_with(".invalid") {
        "127.0.0.1"
    } else {
        host
    };
    TcpStream::connect((host, port.parse::<u16>().ok()?)).ok()
}

fn proxy_one(client: TcpStream, log: &Mutex<Vec<String>>) {
    let mut reader = BufReader::new(client.try_clone().expect("clone client"));
    let mut first = String::new();
    if reader.read_line(&mut first).unwrap_or(0) == 0 {
        return;
    }
    let mut headers = Vec::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        headers.push(line);
    }
    let mut parts = first.split_whitespace();
    let (method, target) = (
        parts.next().unwrap_or("").to_owned(),
        parts.next().unwrap_or("").to_owned(),
    );
    log.lock()
        .expect("proxy log")
        .push(format!("{method} {target}"));
    let mut client_out = client;
    if method == "CONNECT" {
        let Some(server) = upstream(&target) else {
            let _ = client_out.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
            return;
        };
        let _ = client_out.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n");
        pipe(reader, client_out, server);
        return;
    }
    // Absolute form: `GET http://host:port/path HTTP/1.1` → origin form to the host.
    let Some(rest) = target.strip_prefix("http://") else {
        let _ = client_out.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n");
        return;
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    let Some(mut server) = upstream(authority) else {
        let _ = client_out.write_all(b"HTTP/1.1 502 Bad Gateway\r\n\r\n");
        return;
    };
    let path = if path.is_empty() { "/" } else { path };
    let mut head = format!("{method} {path} HTTP/1.1\r\n");
    for header in headers {
        let name = header.split(':').next().unwrap_or("").to_ascii_lowercase();
        if name != "connection" && name != "proxy-connection" {
            head.push_str(&header);
        }
    }
    // One request per connection, so that each one is seen here.
    head.push_str("Connection: close\r\n\r\n");
    if server.write_all(head.as_bytes()).is_err() {
        return;
    }
    pipe(reader, client_out, server);
}

/// Copies both ways until either side closes.
fn pipe(mut from_client: BufReader<TcpStream>, mut to_client: TcpStream, server: TcpStream) {
    let mut from_server = server.try_clone().expect("clone server");
    let mut to_server = server;
    let upload = thread::spawn(move || {
        let _ = std::io::copy(&mut from_client, &mut to_server);
        let _ = to_server.shutdown(std::net::Shutdown::Write);
    });
    let _ = std::io::copy(&mut from_server, &mut to_client);
    let _ = to_client.shutdown(std::net::Shutdown::Both);
    let _ = upload.join();
}

/// A GitHub device flow on 127.0.0.1: a device code, one pending poll, then a token.
fn mock_github() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind github");
    let port = listener.local_addr().expect("addr").port();
    let paths = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&paths);
    thread::spawn(move || {
        let polls = Arc::new(Mutex::new(0));
        for stream in listener.incoming().flatten() {
            let (log, polls) = (Arc::clone(&log), Arc::clone(&polls));
            thread::spawn(move || answer_github(stream, &log, &polls));
        }
    });
    (port, paths)
}

fn answer_github(mut stream: TcpStream, log: &Mutex<Vec<String>>, polls: &Mutex<u32>) {
    let mut reader = BufReader::new(stream.try_clone().expect("clone"));
    let mut first = String::new();
    let _ = reader.read_line(&mut first);
    let mut length = 0;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
            break;
        }
        if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
            length = v.trim().parse().unwrap_or(0);
        }
    }
    let mut body = vec![0; length];
    let _ = reader.read_exact(&mut body);
    let path = first.split_whitespace().nth(1).unwrap_or("").to_owned();
    log.lock().expect("log").push(path.clone());
    let reply = match path.as_str() {
        "/login/device/code" => json!({"device_code": "dev-1", "user_code": "ABCD-1234",
            "verification_uri": "https://github.com/login/device", "interval": 1, "expires_in": 900}),
        "/login/oauth/access_token" => {
            let mut polls = polls.lock().expect("polls");
            *polls += 1;
            if *polls == 1 {
                json!({"error": "authorization_pending"})
            } else {
                json!({"access_token": "gho_proxy_test", "token_type": "bearer"})
            }
        }
        _ => json!({"error": "not_found"}),
    };
    let text = reply.to_string();
    let _ = write!(
        stream,
        "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{text}",
        text.len()
    );
}

fn write_ca(dir: &Path, pem: &str) -> PathBuf {
    let path = dir.join("corp-root.pem");
    std::fs::write(&path, pem).expect("write CA");
    path
}

fn initialize(sidecar: &mut Sidecar, data_dir: &Path, config: Value) {
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"dataDir": data_dir, "config": config}}),
    );
}

#[test]
fn an_extra_ca_makes_a_server_it_signed_trusted_for_catalog_refresh() {
    extra_ca_makes_the_server_trusted(&test_pki());
}

#[test]
fn a_self_signed_server_certificate_given_as_ca_is_trusted_for_catalog_refresh() {
    extra_ca_makes_the_server_trusted(&self_signed_pki());
}

fn extra_ca_makes_the_server_trusted(pki: &TestPki) {
    let server = TlsCatalogServer::start(pki);
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = write_ca(dir.path(), &pki.ca_pem);
    let catalog =
        json!({"url": format!("https://localhost:{}/api.json", server.port), "fetch": true});
    let mut sidecar = Sidecar::spawn_with(&[]);

    // Without the CA the platform roots do not vouch for the server: the handshake fails.
    initialize(&mut sidecar, dir.path(), json!({"catalog": catalog}));
    let error = sidecar.call_err("catalog/refresh", json!({}));
    assert_eq!(error_kind(&error), "catalog_unavailable", "{error}");

    initialize(
        &mut sidecar,
        dir.path(),
        json!({"catalog": catalog, "network": {"caCertificates": [ca]}}),
    );
    let refreshed = sidecar.call("catalog/refresh", json!({}));
    assert_eq!(refreshed["status"]["source"], "remote", "{refreshed}");
}

#[test]
fn sign_in_catalog_refresh_and_chats_go_through_the_proxy() {
    let pki = test_pki();
    let tls = TlsCatalogServer::start(&pki);
    let proxy = RecordingProxy::start();
    let (github_port, github_paths) = mock_github();
    let rt = runtime();
    let provider = rt
        .block_on(MockServer::start(vec![openai_chat_stream("via proxy")]))
        .expect("mock provider");
    let provider_port = provider.base_url.rsplit(':').next().expect("port");
    let dir = tempfile::tempdir().expect("temp dir");
    let ca = write_ca(dir.path(), &pki.ca_pem);
    let mut sidecar = Sidecar::spawn_with(&[]);
    initialize(
        &mut sidecar,
        dir.path(),
        json!({
            "network": {"proxy": proxy.url, "caCertificates": [ca]},
            "catalog": {"url": format!("https://catalog.invalid:{}/api.json", tls.port), "fetch": true},
            "auth": {"store": "file",
                     "endpoints": {"githubBase": format!("http://github.invalid:{github_port}")},
                     "polling": {"intervalUnitMs": 20, "safetyMarginMs": 0}},
            "provider": {"corp": {"options": {"baseURL": format!("http://provider.invalid:{provider_port}/v1")}}}
        }),
    );

    // Catalog refresh: HTTPS through a CONNECT tunnel, the server trusted through the extra CA.
    let refreshed = sidecar.call("catalog/refresh", json!({}));
    assert_eq!(refreshed["status"]["source"], "remote", "{refreshed}");

    // Sign-in: the device code request and the token polls.
    let started = sidecar.call(
        "auth/oauth/authorize",
        json!({"providerId": "github-copilot", "method": 0,
               "inputs": {"deploymentType": "github.com"}}),
    );
    let id = started["authorizationId"]
        .as_str()
        .expect("authorizationId");
    let outcome = loop {
        let answer = sidecar.call(
            "auth/oauth/callback",
            json!({"providerId": "github-copilot", "method": 0, "authorizationId": id}),
        );
        if answer["status"] != "pending" {
            break answer;
        }
        thread::sleep(std::time::Duration::from_millis(20));
    };
    assert_eq!(outcome["status"], "connected", "{outcome}");

    // A chat.
    sidecar.call("session/open", json!({"sessionId": "s"}));
    let chat = sidecar.call(
        "chat/generate",
        json!({"sessionId": "s", "providerId": "corp", "modelId": "m",
               "messages": [{"role": "user", "content": "hi"}]}),
    );
    assert_eq!(chat["content"][0]["text"], "via proxy", "{chat}");

    let seen = proxy.seen();
    let saw = |line: &str| seen.iter().any(|s| s == line);
    assert!(
        saw(&format!("CONNECT catalog.invalid:{}", tls.port)),
        "{seen:?}"
    );
    let github = format!("http://github.invalid:{github_port}");
    assert!(saw(&format!("POST {github}/login/device/code")), "{seen:?}");
    assert!(
        saw(&format!("POST {github}/login/oauth/access_token")),
        "{seen:?}"
    );
    assert!(
        saw(&format!(
            "POST http://provider.invalid:{provider_port}/v1/chat/completions"
        )),
        "{seen:?}"
    );
    assert!(
        github_paths
            .lock()
            .expect("paths")
            .contains(&"/login/device/code".to_owned())
    );
}

#[test]
fn unusable_network_settings_are_precise_errors_naming_what_to_fix() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("no-such-root.pem");
    let mut sidecar = Sidecar::spawn_with(&[]);
    initialize(
        &mut sidecar,
        dir.path(),
        json!({"network": {"caCertificates": [missing]},
               "catalog": {"url": "https://catalog.invalid/api.json", "fetch": true},
               "auth": {"store": "file"}}),
    );
    let error = sidecar.call_err("catalog/refresh", json!({}));
    assert_eq!(error_kind(&error), "config", "{error}");
    assert_eq!(error["data"]["field"], "network.caCertificates", "{error}");
    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains("no-such-root.pem") && message.contains("fix the path"),
        "{message}"
    );
    // Sign-in never goes direct when the settings cannot be used.
    let error = sidecar.call_err(
        "auth/oauth/authorize",
        json!({"providerId": "github-copilot", "method": 0,
               "inputs": {"deploymentType": "github.com"}}),
    );
    assert_eq!(error_kind(&error), "config", "{error}");
    assert_eq!(error["data"]["field"], "network.caCertificates", "{error}");

    initialize(
        &mut sidecar,
        dir.path(),
        json!({"network": {"proxy": "ftp://alice:s3cret@corp:21"},
               "catalog": {"url": "https://catalog.invalid/api.json", "fetch": true}}),
    );
    let error = sidecar.call_err("catalog/refresh", json!({}));
    assert_eq!(error["data"]["field"], "network.proxy", "{error}");
    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains("`ftp`") && message.contains("socks5://"),
        "{message}"
    );
    assert!(!error.to_string().contains("s3cret"), "{error}");

    // A malformed section is refused at initialize, naming the field.
    let error = sidecar.call_err(
        "initialize",
        json!({"initializationOptions": {"config": {"network": {"caCertificates": "one.pem"}}}}),
    );
    assert_eq!(error["data"]["field"], "network.caCertificates", "{error}");
    assert!(!sidecar.stderr().contains("s3cret"));
}

#[test]
fn a_proxy_variable_of_the_environment_is_used_and_named_when_wrong() {
    let data_dir = tempfile::tempdir().expect("temp dir");
    let mut child = std::process::Command::new(crate::support::BIN)
        .args(["--data-dir"])
        .arg(data_dir.path())
        .env("HTTPS_PROXY", "gopher://corp:70")
        .env("PROVIDER_SIDECAR_LOG", "warn")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("spawn");
    let request = json!({"jsonrpc": "2.0", "id": 1, "method": "catalog/refresh"});
    let body = json!({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "initializationOptions": {"config": {"catalog": {"url": "https://catalog.invalid/api.json", "fetch": true}}}}});
    {
        let mut stdin = child.stdin.take().expect("stdin");
        writeln!(stdin, "{body}").expect("write");
        writeln!(stdin, "{request}").expect("write");
    }
    let mut out = String::new();
    child
        .stdout
        .take()
        .expect("stdout")
        .read_to_string(&mut out)
        .expect("read");
    let _ = child.wait();
    let answer: Value = out
        .lines()
        .filter_map(|line| serde_json::from_str::<Value>(line).ok())
        .find(|m| m["id"] == 1)
        .expect("an answer to the refresh");
    assert_eq!(answer["error"]["data"]["field"], "HTTPS_PROXY", "{answer}");
}
