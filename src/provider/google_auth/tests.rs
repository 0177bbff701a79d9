use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use super::*;
use crate::provider::clock::ManualClock;

const NOW_MS: i64 = 1_700_000_000_000;

/// A 127.0.0.1 server answering `(status, body)` per path (404 elsewhere) and recording each
/// request's text.
async fn server(routes: Vec<(&'static str, u16, String)>) -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .expect("bind");
    let base = format!("http://{}", listener.local_addr().expect("addr"));
    let seen = Arc::new(Mutex::new(Vec::new()));
    let log = Arc::clone(&seen);
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let mut buf = Vec::new();
            let mut chunk = [0u8; 8192];
            loop {
                let n = socket.read(&mut chunk).await.unwrap_or(0);
                buf.extend_from_slice(&chunk[..n]);
                let text = String::from_utf8_lossy(&buf).to_string();
                let complete = text.split_once("\r\n\r\n").is_some_and(|(head, rest)| {
                    let len = head
                        .lines()
                        .find_map(|l| {
                            l.to_ascii_lowercase()
                                .strip_prefix("content-length:")
                                .and_then(|v| v.trim().parse::<usize>().ok())
                        })
                        .unwrap_or(0);
                    rest.len() >= len
                });
                if n == 0 || complete {
                    break;
                }
            }
            let text = String::from_utf8_lossy(&buf).to_string();
            let path = text
                .split(' ')
                .nth(1)
                .unwrap_or_default()
                .split('?')
                .next()
                .unwrap_or_default()
                .to_string();
            log.lock().expect("log").push(text);
            let (status, body) = routes
                .iter()
                .find(|(p, _, _)| *p == path)
                .map(|(_, status, body)| (*status, body.clone()))
                .unwrap_or((404, "{}".to_string()));
            let reply = format!(
                "HTTP/1.1 {status} X\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                body.len()
            );
            let _ = socket.write_all(reply.as_bytes()).await;
        }
    });
    (base, seen)
}

fn token_body(token: &str) -> String {
    json!({"access_token": token, "expires_in": 3600, "token_type": "Bearer"}).to_string()
}

async fn token_of(credentials: &GoogleCredentials) -> Result<String, ProviderError> {
    GoogleTokenCache::default()
        .access_token(
            &reqwest::Client::new(),
            credentials,
            None,
            &ManualClock::at(NOW_MS),
        )
        .await
        .map(|t| t.expose().to_string())
}

#[tokio::test]
async fn authorized_user_refreshes_and_a_revoked_grant_says_to_sign_in_again() {
    let (base, seen) = server(vec![
        ("/token", 200, token_body("ya29.user")),
        (
            "/revoked",
            400,
            json!({"error": "invalid_grant"}).to_string(),
        ),
    ])
    .await;
    let user = |path: &str| {
        json!({"type": "authorized_user", "client_id": "cid.apps.googleusercontent.com",
               "client_secret": "csecret-4242", "refresh_token": "1//refresh-4242",
               "token_uri": format!("{base}{path}")})
        .to_string()
    };
    let credentials = GoogleCredentials::from_json(&user("/token"), "test").expect("parses");
    assert!(!format!("{credentials:?}").contains("4242"));
    assert_eq!(token_of(&credentials).await.expect("token"), "ya29.user");
    let request = seen.lock().expect("log")[0].clone();
    assert!(request.contains("grant_type=refresh_token"), "{request}");
    assert!(
        request.contains("refresh_token=1%2F%2Frefresh-4242"),
        "{request}"
    );

    let revoked = GoogleCredentials::from_json(&user("/revoked"), "test").expect("parses");
    let error = token_of(&revoked).await.expect_err("revoked");
    assert_eq!(error.kind(), "auth_expired");
    assert!(
        error
            .to_string()
            .contains("gcloud auth application-default login")
    );
    assert!(!error.to_string().contains("4242"));
}

#[tokio::test]
async fn the_metadata_server_is_asked_with_its_header_where_the_env_points() {
    let (base, seen) = server(vec![(
        "/computeMetadata/v1/instance/service-accounts/default/token",
        200,
        token_body("ya29.gce"),
    )])
    .await;
    let host = base.trim_start_matches("http://");
    let env = HashMap::from([("GCE_METADATA_HOST".to_string(), host.to_string())]);
    let (credentials, text) = discover(&env).await.expect("ok").expect("found");
    assert!(text.is_none());
    assert_eq!(token_of(&credentials).await.expect("token"), "ya29.gce");
    let request = seen.lock().expect("log")[0].to_ascii_lowercase();
    assert!(request.contains("metadata-flavor: google"), "{request}");

    let off = HashMap::from([("NO_GCE_CHECK".to_string(), "true".to_string())]);
    assert!(discover(&off).await.expect("ok").is_none());
}

#[tokio::test]
async fn external_account_exchanges_a_file_token_and_impersonates() {
    let (base, seen) = server(vec![
        ("/sts", 200, token_body("federated-7777")),
        (
            "/impersonate",
            200,
            json!({"accessToken": "ya29.impersonated", "expireTime": "2023-11-14T23:13:20Z"})
                .to_string(),
        ),
    ])
    .await;
    let dir = tempfile::tempdir().expect("dir");
    let subject = dir.path().join("token.json");
    std::fs::write(&subject, r#"{"id_token": "oidc-subject-7777"}"#).expect("write");
    let account = json!({
        "type": "external_account",
        "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/k8s",
        "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
        "token_url": format!("{base}/sts"),
        "service_account_impersonation_url": format!("{base}/impersonate"),
        "credential_source": {"file": subject, "format": {"type": "json", "subject_token_field_name": "id_token"}}
    });
    let credentials = GoogleCredentials::from_json(&account.to_string(), "test").expect("parses");
    assert_eq!(
        token_of(&credentials).await.expect("token"),
        "ya29.impersonated"
    );
    let seen = seen.lock().expect("log");
    assert!(
        seen[0].contains("subject_token=oidc-subject-7777"),
        "{}",
        seen[0]
    );
    assert!(seen[0].contains("token-exchange"), "{}", seen[0]);
    assert!(
        seen[1]
            .to_ascii_lowercase()
            .contains("authorization: bearer federated-7777"),
        "{}",
        seen[1]
    );
}

#[tokio::test]
async fn discovery_follows_the_env_view_in_googles_order() {
    let dir = tempfile::tempdir().expect("dir");
    let gcloud = dir.path().join("gcloud");
    std::fs::create_dir_all(&gcloud).expect("mkdir");
    std::fs::write(
        gcloud.join("application_default_credentials.json"),
        json!({"type": "authorized_user", "client_id": "c", "client_secret": "s", "refresh_token": "r"})
            .to_string(),
    )
    .expect("write");
    let env = HashMap::from([
        ("CLOUDSDK_CONFIG".to_string(), gcloud.display().to_string()),
        ("NO_GCE_CHECK".to_string(), "true".to_string()),
    ]);
    let (found, _) = discover(&env).await.expect("ok").expect("well-known file");
    assert!(matches!(found, GoogleCredentials::AuthorizedUser(_)));

    let odd = dir.path().join("odd.json");
    std::fs::write(&odd, r#"{"type": "impersonated_service_account"}"#).expect("write");
    let mut first = env.clone();
    first.insert(
        "GOOGLE_APPLICATION_CREDENTIALS".into(),
        odd.display().to_string(),
    );
    let error = discover(&first).await.expect_err("unsupported type");
    assert!(
        error.to_string().contains("impersonated_service_account"),
        "{error}"
    );
    first.insert(
        "GOOGLE_APPLICATION_CREDENTIALS".into(),
        dir.path().join("missing.json").display().to_string(),
    );
    let error = discover(&first).await.expect_err("unreadable");
    assert!(
        error.to_string().contains("GOOGLE_APPLICATION_CREDENTIALS"),
        "{error}"
    );
}
