//! End-to-end sign-in flows against mock OAuth and device servers on 127.0.0.1.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use super::flows::pkce::challenge_for;
use super::test_support::{MockAuthResponse, MockAuthServer, fake_jwt, poll_callback, service_for};
use super::*;

fn authorize_params(provider: &str, method: usize, inputs: &[(&str, &str)]) -> AuthorizeParams {
    AuthorizeParams {
        provider_id: provider.into(),
        method,
        inputs: Some(
            inputs
                .iter()
                .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                .collect::<BTreeMap<_, _>>(),
        ),
        account: None,
    }
}

#[tokio::test]
async fn copilot_device_flow_handles_pending_and_slow_down() {
    let script = Arc::new(vec![
        serde_json::json!({"error": "authorization_pending"}),
        serde_json::json!({"error": "slow_down"}),
        serde_json::json!({"access_token": "gho_signed_in", "token_type": "bearer"}),
    ]);
    let polls = Arc::new(Mutex::new(0usize));
    let (script_ref, polls_ref) = (script.clone(), polls.clone());
    let mock = MockAuthServer::start(move |req| match req.path.as_str() {
        "/login/device/code" => MockAuthResponse::json(
            200,
            serde_json::json!({
                "device_code": "device-secret-1", "user_code": "ABCD-1234",
                "verification_uri": "https://github.com/login/device", "interval": 1, "expires_in": 900
            }),
        ),
        "/login/oauth/access_token" => {
            assert_eq!(req.json()["client_id"], "Ov23li8tweQw6odWQebz");
            let mut n = polls_ref.lock().expect("polls");
            let answer = script_ref[(*n).min(script_ref.len() - 1)].clone();
            *n += 1;
            MockAuthResponse::json(200, answer)
        }
        _ => MockAuthResponse::json(404, serde_json::json!({})),
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), &mock.base);
    let progress = Arc::new(Mutex::new(Vec::<AuthProgress>::new()));
    let sink_log = progress.clone();
    let sink: ProgressSink = Arc::new(move |p| sink_log.lock().expect("progress").push(p));

    let started = service
        .authorize(
            authorize_params("github-copilot", 0, &[("deploymentType", "github.com")]),
            Some(sink),
        )
        .await
        .expect("authorize");
    assert_eq!(started.method, OAuthFlowMethod::Auto);
    assert_eq!(started.url, "https://github.com/login/device");
    assert!(started.instructions.contains("ABCD-1234"));

    let status = poll_callback(&service, "github-copilot", 0, &started.authorization_id)
        .await
        .expect("flow succeeds");
    assert_eq!(status, CallbackStatus::Connected);
    assert_eq!(*polls.lock().expect("polls"), 3);

    // slow_down without an interval adds 5 "seconds" (10 ms each here) to the wait.
    let times: Vec<_> = mock
        .requests_to("/login/oauth/access_token")
        .iter()
        .map(|r| r.at)
        .collect();
    assert!(
        times[2] - times[1] >= Duration::from_millis(60),
        "{:?}",
        times[2] - times[1]
    );
    assert!(times[1] - times[0] < Duration::from_millis(60));

    let reports = progress.lock().expect("progress").clone();
    assert_eq!(reports.len(), 2);
    assert!(
        reports
            .iter()
            .all(|p| p.authorization_id == started.authorization_id)
    );

    let stored = service
        .stored("github-copilot", None)
        .await
        .expect("get")
        .expect("some");
    let Credential::Oauth(tokens) = &stored.credential else {
        panic!("oauth expected")
    };
    assert_eq!(tokens.refresh.expose(), "gho_signed_in");
    assert_eq!(tokens.access.expose(), "gho_signed_in");
    assert_eq!(tokens.expires, 0);
    assert_eq!(tokens.enterprise_url, None);
    // Expires 0 = never refreshed: resolve hands it out without any network call.
    let resolved = service
        .resolve("github-copilot", None)
        .await
        .expect("resolve")
        .expect("some");
    assert_eq!(resolved.credential, stored.credential);
}

#[tokio::test]
async fn copilot_enterprise_denial_and_expiry() {
    let answer = Arc::new(Mutex::new(
        serde_json::json!({"access_token": "ghu_enterprise"}),
    ));
    let answer_ref = answer.clone();
    let expires_in = Arc::new(Mutex::new(900u64));
    let expires_ref = expires_in.clone();
    let mock = MockAuthServer::start(move |req| match req.path.as_str() {
        "/login/device/code" => MockAuthResponse::json(
            200,
            serde_json::json!({
                "device_code": "dc", "user_code": "EEEE-1111",
                "verification_uri": "https://company.ghe.com/login/device", "interval": 1,
                "expires_in": *expires_ref.lock().expect("exp")
            }),
        ),
        _ => MockAuthResponse::json(200, answer_ref.lock().expect("answer").clone()),
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), &mock.base);
    let enterprise = [
        ("deploymentType", "enterprise"),
        ("enterpriseUrl", "https://company.ghe.com/"),
    ];

    let missing_url = service
        .authorize(
            authorize_params("github-copilot", 0, &[("deploymentType", "enterprise")]),
            None,
        )
        .await
        .expect_err("enterprise needs a URL");
    assert_eq!(missing_url.kind(), "invalid_params");

    let started = service
        .authorize(authorize_params("github-copilot", 0, &enterprise), None)
        .await
        .expect("authorize");
    let status = poll_callback(&service, "github-copilot", 0, &started.authorization_id)
        .await
        .expect("connected");
    assert_eq!(status, CallbackStatus::Connected);
    let stored = service
        .stored("github-copilot", None)
        .await
        .expect("get")
        .expect("some");
    let Credential::Oauth(tokens) = &stored.credential else {
        panic!("oauth expected")
    };
    assert_eq!(tokens.enterprise_url.as_deref(), Some("company.ghe.com"));
    assert_eq!(stored.label.as_deref(), Some("company.ghe.com"));

    *answer.lock().expect("answer") =
        serde_json::json!({"error": "access_denied", "error_description": "The user denied"});
    let started = service
        .authorize(authorize_params("github-copilot", 0, &enterprise), None)
        .await
        .expect("authorize");
    let err = poll_callback(&service, "github-copilot", 0, &started.authorization_id)
        .await
        .expect_err("denied");
    assert_eq!(err.kind(), "oauth_denied");

    *answer.lock().expect("answer") = serde_json::json!({"error": "expired_token"});
    let started = service
        .authorize(authorize_params("github-copilot", 0, &[]), None)
        .await
        .expect("authorize");
    let err = poll_callback(&service, "github-copilot", 0, &started.authorization_id)
        .await
        .expect_err("expired");
    assert_eq!(err.kind(), "oauth_expired");

    // The device code's own lifetime runs out while the user never approves.
    *answer.lock().expect("answer") = serde_json::json!({"error": "authorization_pending"});
    *expires_in.lock().expect("exp") = 3;
    let started = service
        .authorize(authorize_params("github-copilot", 0, &[]), None)
        .await
        .expect("authorize");
    let err = poll_callback(&service, "github-copilot", 0, &started.authorization_id)
        .await
        .expect_err("expired");
    assert_eq!(err.kind(), "oauth_expired");
}

fn query_param(url: &reqwest::Url, name: &str) -> String {
    url.query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn openai_browser_pkce_flow() {
    let expected_challenge = Arc::new(Mutex::new(String::new()));
    let challenge_ref = expected_challenge.clone();
    let mock = MockAuthServer::start(move |req| {
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            ("POST", "/oauth/token")
        );
        let form = req.form();
        assert_eq!(form["grant_type"], "authorization_code");
        assert_eq!(form["code"], "auth-code-1");
        assert_eq!(form["client_id"], "app_EMoamEEZ73f0CkXaXp7hrann");
        assert!(form["redirect_uri"].starts_with("http://localhost:"));
        assert!(form["redirect_uri"].ends_with("/auth/callback"));
        assert_eq!(
            challenge_for(&form["code_verifier"]),
            *challenge_ref.lock().expect("challenge")
        );
        MockAuthResponse::json(
            200,
            serde_json::json!({
                "id_token": fake_jwt(serde_json::json!({
                    "email": "dev@example.com", "chatgpt_account_id": "acct-42"
                })),
                "access_token": "access-pkce",
                "refresh_token": "refresh-pkce",
                "expires_in": 864000
            }),
        )
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), &mock.base);
    let started = service
        .authorize(authorize_params("openai", 0, &[]), None)
        .await
        .expect("authorize");
    assert_eq!(started.method, OAuthFlowMethod::Auto);
    let url = reqwest::Url::parse(&started.url).expect("url");
    assert_eq!(url.path(), "/oauth/authorize");
    assert_eq!(
        query_param(&url, "client_id"),
        "app_EMoamEEZ73f0CkXaXp7hrann"
    );
    assert_eq!(query_param(&url, "response_type"), "code");
    assert_eq!(
        query_param(&url, "scope"),
        "openid profile email offline_access"
    );
    assert_eq!(query_param(&url, "code_challenge_method"), "S256");
    assert_eq!(query_param(&url, "id_token_add_organizations"), "true");
    assert_eq!(query_param(&url, "codex_cli_simplified_flow"), "true");
    assert_eq!(query_param(&url, "originator"), "opencode");
    *expected_challenge.lock().expect("challenge") = query_param(&url, "code_challenge");
    let redirect = reqwest::Url::parse(&query_param(&url, "redirect_uri")).expect("redirect");
    let port = redirect.port().expect("port");
    let state = query_param(&url, "state");

    assert_eq!(
        poll_once(&service, "openai", 0, &started.authorization_id).await,
        CallbackStatus::Pending
    );
    // The browser comes back to the local callback server.
    let page = reqwest::get(format!(
        "http://127.0.0.1:{port}/auth/callback?code=auth-code-1&state={state}"
    ))
    .await
    .expect("callback request");
    assert_eq!(page.status().as_u16(), 200);

    let status = poll_callback(&service, "openai", 0, &started.authorization_id)
        .await
        .expect("connected");
    assert_eq!(status, CallbackStatus::Connected);
    let stored = service
        .stored("openai", None)
        .await
        .expect("get")
        .expect("some");
    assert_eq!(stored.label.as_deref(), Some("dev@example.com"));
    let Credential::Oauth(tokens) = stored.credential else {
        panic!("oauth expected")
    };
    assert_eq!(tokens.access.expose(), "access-pkce");
    assert_eq!(tokens.refresh.expose(), "refresh-pkce");
    assert_eq!(tokens.account_id.as_deref(), Some("acct-42"));
}

async fn poll_once(
    service: &AuthService,
    provider: &str,
    method: usize,
    id: &str,
) -> CallbackStatus {
    service
        .callback(CallbackParams {
            provider_id: provider.into(),
            method,
            authorization_id: id.into(),
            code: None,
        })
        .await
        .expect("callback")
        .status
}

#[tokio::test]
async fn openai_browser_denial_and_restart() {
    let mock = MockAuthServer::start(|_| MockAuthResponse::json(500, serde_json::json!({}))).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), &mock.base);
    let first = service
        .authorize(authorize_params("openai", 0, &[]), None)
        .await
        .expect("authorize");
    // A second sign-in replaces the first (which is forgotten).
    let second = service
        .authorize(authorize_params("openai", 0, &[]), None)
        .await
        .expect("authorize again");
    let gone = service
        .callback(CallbackParams {
            provider_id: "openai".into(),
            method: 0,
            authorization_id: first.authorization_id.clone(),
            code: None,
        })
        .await
        .expect_err("replaced");
    assert_eq!(gone.kind(), "authorization_not_found");

    let url = reqwest::Url::parse(&second.url).expect("url");
    let redirect = reqwest::Url::parse(&query_param(&url, "redirect_uri")).expect("redirect");
    let port = redirect.port().expect("port");
    let _ = reqwest::get(format!(
        "http://127.0.0.1:{port}/auth/callback?error=access_denied&error_description=User+cancelled"
    ))
    .await
    .expect("callback request");
    let err = poll_callback(&service, "openai", 0, &second.authorization_id)
        .await
        .expect_err("denied");
    assert_eq!(err.kind(), "oauth_denied");
    assert!(service.stored("openai", None).await.expect("get").is_none());
}

#[tokio::test]
async fn openai_headless_device_flow() {
    let polls = Arc::new(Mutex::new(0usize));
    let polls_ref = polls.clone();
    let mock = MockAuthServer::start(move |req| match req.path.as_str() {
        "/api/accounts/deviceauth/usercode" => {
            assert_eq!(req.json()["client_id"], "app_EMoamEEZ73f0CkXaXp7hrann");
            MockAuthResponse::json(
                200,
                serde_json::json!({"device_auth_id": "da-1", "user_code": "USER-42", "interval": "1"}),
            )
        }
        "/api/accounts/deviceauth/token" => {
            let body = req.json();
            assert_eq!(body["device_auth_id"], "da-1");
            assert_eq!(body["user_code"], "USER-42");
            let mut n = polls_ref.lock().expect("polls");
            *n += 1;
            if *n < 3 {
                MockAuthResponse::json(if *n == 1 { 403 } else { 404 }, serde_json::json!({}))
            } else {
                MockAuthResponse::json(
                    200,
                    serde_json::json!({"authorization_code": "ac-1", "code_verifier": "cv-1"}),
                )
            }
        }
        "/oauth/token" => {
            let form = req.form();
            assert_eq!(form["code"], "ac-1");
            assert_eq!(form["code_verifier"], "cv-1");
            assert!(form["redirect_uri"].ends_with("/deviceauth/callback"));
            MockAuthResponse::json(
                200,
                serde_json::json!({
                    "access_token": fake_jwt(serde_json::json!({"organizations": [{"id": "org-7"}]})),
                    "refresh_token": "refresh-device"
                }),
            )
        }
        _ => MockAuthResponse::json(404, serde_json::json!({})),
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), &mock.base);
    let progress = Arc::new(Mutex::new(0u32));
    let progress_ref = progress.clone();
    let sink: ProgressSink = Arc::new(move |p: AuthProgress| {
        *progress_ref.lock().expect("progress") = p.attempt;
    });
    let started = service
        .authorize(authorize_params("openai", 1, &[]), Some(sink))
        .await
        .expect("authorize");
    assert_eq!(started.url, format!("{}/codex/device", mock.base));
    assert!(started.instructions.contains("USER-42"));
    let status = poll_callback(&service, "openai", 1, &started.authorization_id)
        .await
        .expect("connected");
    assert_eq!(status, CallbackStatus::Connected);
    assert_eq!(*progress.lock().expect("progress"), 2);
    let stored = service
        .stored("openai", None)
        .await
        .expect("get")
        .expect("some");
    let Credential::Oauth(tokens) = stored.credential else {
        panic!("oauth expected")
    };
    assert_eq!(tokens.refresh.expose(), "refresh-device");
    assert_eq!(tokens.account_id.as_deref(), Some("org-7"));
    assert!(tokens.expires > crate::auth::flows::now_ms());
}

#[tokio::test]
async fn openai_headless_failure_is_reported() {
    let mock = MockAuthServer::start(|req| match req.path.as_str() {
        "/api/accounts/deviceauth/usercode" => MockAuthResponse::json(
            200,
            serde_json::json!({"device_auth_id": "da", "user_code": "U", "interval": 1}),
        ),
        _ => MockAuthResponse::json(500, serde_json::json!({"error": "server_error"})),
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), &mock.base);
    let started = service
        .authorize(authorize_params("openai", 1, &[]), None)
        .await
        .expect("authorize");
    let err = poll_callback(&service, "openai", 1, &started.authorization_id)
        .await
        .expect_err("fails");
    assert_eq!(err.kind(), "provider_http");
    assert!(err.to_string().contains("500"));
}

#[tokio::test]
async fn a_new_browser_sign_in_takes_over_the_fixed_callback_port() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = AuthConfig::new(dir.path());
    config.store.mode = StoreMode::File;
    config.endpoints.openai_issuer = "http://127.0.0.1:9".into();
    config.endpoints.openai_callback_port = port;
    let opened = crate::auth::store::open_store(&config.store).expect("open");
    let service = AuthService::with_parts(config, opened, reqwest::Client::new());
    for _ in 0..3 {
        let started = service
            .authorize(authorize_params("openai", 0, &[]), None)
            .await
            .expect("the port is handed over to the newest sign-in");
        assert!(
            started
                .url
                .contains(&format!("localhost%3A{port}%2Fauth%2Fcallback"))
        );
    }
}
