//! Tests of the service: API keys, status, accounts, refresh on use, import, code flows.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use super::test_support::{MockAuthResponse, MockAuthServer, fake_jwt, service_for};
use super::*;
use crate::auth::flows::now_ms;
use crate::auth::store::PutOptions;

fn set_params(provider: &str, token: &str) -> SetTokenParams {
    SetTokenParams {
        provider_id: provider.into(),
        token: token.into(),
        account: None,
        label: None,
        activate: None,
        metadata: BTreeMap::new(),
    }
}

fn expired_openai(refresh: &str) -> Credential {
    Credential::Oauth(OAuthTokens {
        refresh: refresh.into(),
        access: "old-access".into(),
        expires: now_ms().saturating_sub(1_000),
        account_id: Some("acct-old".into()),
        enterprise_url: None,
    })
}

#[tokio::test]
async fn api_key_set_validate_status_and_remove() {
    let mock = MockAuthServer::start(|req| {
        let ok = req.headers.get("authorization").map(String::as_str) == Some("Bearer sk-good");
        MockAuthResponse::json(if ok { 200 } else { 401 }, serde_json::json!({"data": []}))
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), &mock.base);
    let validation = ApiKeyValidation::bearer(format!("{}/v1/models", mock.base));

    let err = service
        .set_api_key(
            set_params("anthropic", "sk-bad"),
            KeyValidation::Against(validation.clone()),
        )
        .await
        .expect_err("rejected key");
    assert_eq!(err.kind(), "auth_invalid");
    assert!(!err.to_string().contains("sk-bad"));
    assert!(
        service
            .stored("anthropic", None)
            .await
            .expect("get")
            .is_none()
    );

    service
        .set_api_key(
            set_params("anthropic", "sk-good"),
            KeyValidation::Against(validation.clone()),
        )
        .await
        .expect("accepted key");
    assert_eq!(mock.hits("/v1/models"), 2);

    let env = EnvSnapshot::new(HashMap::from([(
        "OPENAI_API_KEY".to_owned(),
        "sk-env".to_owned(),
    )]));
    let names = BTreeMap::from([
        ("anthropic".to_owned(), vec!["ANTHROPIC_API_KEY".to_owned()]),
        ("openai".to_owned(), vec!["OPENAI_API_KEY".to_owned()]),
        ("groq".to_owned(), vec!["GROQ_API_KEY".to_owned()]),
    ]);
    let status = service.status(&env, &names).await.expect("status");
    assert_eq!(status.store, StoreKind::File);
    let anthropic = &status.auth["anthropic"];
    assert_eq!(anthropic.status, ConnectionStatus::Connected);
    assert_eq!(anthropic.method, AuthMethodType::Api);
    assert_eq!(anthropic.source, Some(CredentialLocation::File));
    assert_eq!(anthropic.account_label.as_deref(), Some("default"));
    assert!(chrono::DateTime::parse_from_rfc3339(&anthropic.updated_at).is_ok());
    let openai = &status.auth["openai"];
    assert_eq!(openai.source, Some(CredentialLocation::Env));
    assert_eq!(openai.env_var.as_deref(), Some("OPENAI_API_KEY"));
    assert_eq!(status.auth["groq"].status, ConnectionStatus::Disconnected);
    assert_eq!(status.auth["groq"].method, AuthMethodType::None);
    let json = serde_json::to_string(&status).expect("json");
    assert!(!json.contains("sk-good") && !json.contains("sk-env"));
    assert!(json.contains("\"providerId\"") && json.contains("\"accountLabel\""));

    service
        .remove(RemoveParams {
            provider_id: "anthropic".into(),
            account: None,
        })
        .await
        .expect("remove");
    let status = service.status(&env, &names).await.expect("status");
    assert_eq!(
        status.auth["anthropic"].status,
        ConnectionStatus::Disconnected
    );
}

/// Only a 401/403 keeps a key out: an endpoint that cannot be reached, answers something
/// else or is not known still stores the key, with a warning saying why it is unconfirmed.
#[tokio::test]
async fn unconfirmed_keys_are_stored_with_a_warning() {
    let mock = MockAuthServer::start(|_| MockAuthResponse::json(500, serde_json::json!({}))).await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), &mock.base);
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        listener.local_addr().expect("addr")
    };
    let cases = [
        (
            "openai",
            KeyValidation::Against(ApiKeyValidation::bearer(format!(
                "http://{closed}/v1/models"
            ))),
            KeyValidationOutcome::Unreachable,
        ),
        (
            "groq",
            KeyValidation::Against(ApiKeyValidation::bearer(format!(
                "{}/v1/models?k=q",
                mock.base
            ))),
            KeyValidationOutcome::UnexpectedStatus,
        ),
        (
            "mistral",
            KeyValidation::Unsupported,
            KeyValidationOutcome::NotSupported,
        ),
    ];
    for (provider, validation, outcome) in cases {
        let result = service
            .set_api_key(set_params(provider, "sk-unconfirmed-123"), validation)
            .await
            .expect("stored");
        let report = result.validation.expect("a validation report");
        assert_eq!(report.outcome, outcome, "{provider}");
        assert!(result.warning.is_some(), "{provider}");
        assert!(
            report.endpoint.as_deref().is_none_or(|e| !e.contains('?')),
            "{provider}"
        );
        let json = serde_json::to_string(&report).expect("json");
        assert!(!json.contains("sk-unconfirmed-123"));
        assert!(service.stored(provider, None).await.expect("get").is_some());
    }
    let plain = service
        .set_api_key(set_params("xai", "sk-plain"), KeyValidation::Skip)
        .await
        .expect("stored");
    assert_eq!(
        serde_json::to_value(&plain).expect("json"),
        serde_json::json!({"ok": true})
    );
}

#[tokio::test]
async fn named_accounts_can_be_selected() {
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), "http://127.0.0.1:9");
    service
        .set_api_key(set_params("openrouter", "sk-personal"), KeyValidation::Skip)
        .await
        .expect("set");
    service
        .set_api_key(
            SetTokenParams {
                account: Some("work".into()),
                label: Some("Work".into()),
                activate: Some(false),
                ..set_params("openrouter", "sk-work")
            },
            KeyValidation::Skip,
        )
        .await
        .expect("set work");
    let active = service
        .resolve("openrouter", None)
        .await
        .expect("resolve")
        .expect("some");
    assert_eq!(active.account, "default");
    let work = service
        .resolve("openrouter", Some("work"))
        .await
        .expect("resolve")
        .expect("some");
    assert_eq!(work.credential, Credential::api_key("sk-work"));
    service
        .select_account(SelectAccountParams {
            provider_id: "openrouter".into(),
            account: "work".into(),
        })
        .await
        .expect("select");
    let status = service
        .status(&EnvSnapshot::default(), &BTreeMap::new())
        .await
        .expect("status");
    let state = &status.auth["openrouter"];
    assert_eq!(state.active_account.as_deref(), Some("work"));
    assert_eq!(state.account_label.as_deref(), Some("Work"));
    assert_eq!(state.accounts.len(), 2);
    let err = service
        .select_account(SelectAccountParams {
            provider_id: "openrouter".into(),
            account: "nobody".into(),
        })
        .await
        .expect_err("unknown account");
    assert_eq!(err.kind(), "auth_missing");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn twenty_concurrent_callers_trigger_one_refresh() {
    let hits = Arc::new(AtomicUsize::new(0));
    let counter = hits.clone();
    let mock = MockAuthServer::start(move |req| {
        assert_eq!(req.path, "/oauth/token");
        let form = req.form();
        assert_eq!(form["grant_type"], "refresh_token");
        assert_eq!(form["refresh_token"], "refresh-1");
        assert_eq!(form["client_id"], crate::auth::flows::openai::CLIENT_ID);
        counter.fetch_add(1, Ordering::SeqCst);
        MockAuthResponse::json(
            200,
            serde_json::json!({
                "access_token": fake_jwt(serde_json::json!({
                    "https://api.openai.com/auth": {"chatgpt_account_id": "acct-new"}
                })),
                "refresh_token": "refresh-2",
                "expires_in": 3600
            }),
        )
        .delayed(Duration::from_millis(50))
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), &mock.base);
    service
        .put_credential(
            "openai",
            "default",
            expired_openai("refresh-1"),
            PutOptions::default(),
        )
        .await
        .expect("put");

    let callers = (0..20).map(|_| {
        let service = service.clone();
        tokio::spawn(async move { service.resolve("openai", None).await })
    });
    for result in futures::future::join_all(callers).await {
        let stored = result.expect("task").expect("resolve").expect("some");
        let Credential::Oauth(tokens) = stored.credential else {
            panic!("oauth expected")
        };
        assert_eq!(tokens.refresh.expose(), "refresh-2");
        assert_eq!(tokens.account_id.as_deref(), Some("acct-new"));
        assert!(tokens.expires > now_ms());
    }
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn a_rejected_refresh_requires_a_new_sign_in() {
    let mock = MockAuthServer::start(|_| {
        MockAuthResponse::json(
            400,
            serde_json::json!({"error": "invalid_grant", "error_description": "refresh token revoked"}),
        )
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), &mock.base);
    service
        .put_credential(
            "openai",
            "default",
            expired_openai("revoked-refresh"),
            PutOptions::default(),
        )
        .await
        .expect("put");
    let err = service.resolve("openai", None).await.expect_err("expired");
    assert_eq!(err.kind(), "auth_expired");
    assert!(!err.to_string().contains("revoked-refresh"));
    let status = service
        .status(&EnvSnapshot::default(), &BTreeMap::new())
        .await
        .expect("status");
    assert_eq!(
        status.auth["openai"].status,
        ConnectionStatus::OauthRequired
    );
    // Marked: no second round-trip to the token endpoint.
    let again = service
        .resolve("openai", None)
        .await
        .expect_err("still expired");
    assert_eq!(again.kind(), "auth_expired");
    assert_eq!(mock.hits("/oauth/token"), 1);
}

#[tokio::test]
async fn a_network_failure_during_refresh_is_not_a_sign_out() {
    let dir = tempfile::tempdir().expect("tempdir");
    // Nothing listens on port 9 (discard): the refresh cannot connect.
    let service = service_for(dir.path(), "http://127.0.0.1:9");
    service
        .put_credential(
            "openai",
            "default",
            expired_openai("r"),
            PutOptions::default(),
        )
        .await
        .expect("put");
    let err = service
        .resolve("openai", None)
        .await
        .expect_err("no network");
    assert_eq!(err.kind(), "network");
    let stored = service
        .stored("openai", None)
        .await
        .expect("get")
        .expect("some");
    assert!(!stored.needs_reauth);
}

#[tokio::test]
async fn copilot_tokens_exchange_and_old_records_refresh() {
    let mock = MockAuthServer::start(|req| {
        assert_eq!(
            (req.method.as_str(), req.path.as_str()),
            ("GET", "/copilot_internal/v2/token")
        );
        if req.headers.get("authorization").map(String::as_str) != Some("Bearer gho_github") {
            return MockAuthResponse::json(401, serde_json::json!({"message": "Bad credentials"}));
        }
        assert_eq!(req.headers["editor-version"], "vscode/1.99.3");
        MockAuthResponse::json(
            200,
            serde_json::json!({
                "token": "tid=copilot-short",
                "expires_at": 4_000_000_000u64,
                "endpoints": {"api": "https://api.individual.githubcopilot.com"}
            }),
        )
    })
    .await;
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), &mock.base);
    // An entry as the older opencode-copilot-auth stored it: no access token yet.
    let old = Credential::Oauth(OAuthTokens {
        refresh: "gho_github".into(),
        access: "".into(),
        expires: 0,
        account_id: None,
        enterprise_url: None,
    });
    service
        .put_credential("github-copilot", "default", old, PutOptions::default())
        .await
        .expect("put");
    let token = service.copilot_api_token(None).await.expect("exchange");
    assert_eq!(token.token.expose(), "tid=copilot-short");
    assert_eq!(token.expires_at_ms, 4_000_000_000_000);
    assert_eq!(
        token.api_base.as_deref(),
        Some("https://api.individual.githubcopilot.com")
    );
    let resolved = service
        .resolve("github-copilot", None)
        .await
        .expect("resolve")
        .expect("some");
    let Credential::Oauth(tokens) = resolved.credential else {
        panic!("oauth expected")
    };
    assert_eq!(tokens.access.expose(), "tid=copilot-short");
    assert_eq!(tokens.refresh.expose(), "gho_github");
    assert_eq!(mock.hits("/copilot_internal/v2/token"), 2);
}

#[tokio::test]
async fn import_reads_opencode_auth_json_without_touching_it() {
    let source_dir = tempfile::tempdir().expect("tempdir");
    let source = source_dir.path().join("auth.json");
    let text = serde_json::json!({
        "anthropic": {"type": "api", "key": "sk-ant-imported"},
        "openai": {"type": "oauth", "refresh": "r", "access": "a", "expires": 1, "accountId": "acc"},
        "https://gateway.example.com/": {"type": "wellknown", "key": "GW_TOKEN", "token": "t"},
        "broken": {"type": "api"},
        "groq": {"type": "api", "key": "gsk-new"}
    })
    .to_string();
    std::fs::write(&source, &text).expect("write source");
    let before = std::fs::metadata(&source)
        .expect("meta")
        .modified()
        .expect("mtime");

    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), "http://127.0.0.1:9");
    service
        .set_api_key(set_params("groq", "gsk-existing"), KeyValidation::Skip)
        .await
        .expect("set");
    let report = service
        .import_opencode(&source, false)
        .await
        .expect("import");
    assert_eq!(
        report.skipped,
        vec![
            crate::auth::types::SkippedImport {
                provider_id: "broken".into(),
                reason: crate::auth::types::ImportSkipReason::InvalidEntry,
            },
            crate::auth::types::SkippedImport {
                provider_id: "groq".into(),
                reason: crate::auth::types::ImportSkipReason::AlreadyStored,
            },
        ]
    );
    assert_eq!(report.store, StoreKind::File);
    let json = serde_json::to_string(&report).expect("json");
    for secret in ["sk-ant-imported", "gsk-new"] {
        assert!(!json.contains(secret), "{json}");
    }
    let mut imported = report.imported.clone();
    imported.sort();
    assert_eq!(
        imported,
        vec!["anthropic", "https://gateway.example.com", "openai"]
    );
    assert_eq!(
        service
            .stored("anthropic", None)
            .await
            .expect("get")
            .expect("some")
            .credential,
        Credential::api_key("sk-ant-imported")
    );
    assert_eq!(
        service
            .stored("groq", None)
            .await
            .expect("get")
            .expect("some")
            .credential,
        Credential::api_key("gsk-existing")
    );
    assert_eq!(std::fs::read_to_string(&source).expect("read"), text);
    assert_eq!(
        std::fs::metadata(&source)
            .expect("meta")
            .modified()
            .expect("mtime"),
        before
    );
    let report = service
        .import_opencode(&source, true)
        .await
        .expect("import");
    assert!(report.imported.contains(&"groq".to_owned()));
    let missing = service
        .import_opencode(&source_dir.path().join("nope.json"), false)
        .await
        .expect_err("missing file");
    assert_eq!(missing.kind(), "auth_import");
}

#[tokio::test]
async fn code_flows_need_the_pasted_code() {
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), "http://127.0.0.1:9");
    let id = service
        .register_code_flow(
            "example",
            0,
            "default",
            Box::new(|code: Secret| {
                Box::pin(async move {
                    Ok((
                        Credential::api_key(format!("key-for-{}", code.expose())),
                        None,
                    ))
                })
            }),
        )
        .expect("register");
    let params = |code: Option<&str>| CallbackParams {
        provider_id: "example".into(),
        method: 0,
        authorization_id: id.clone(),
        code: code.map(Secret::from),
    };
    let err = service.callback(params(None)).await.expect_err("no code");
    assert_eq!(err.kind(), "oauth_code_missing");
    let wrong_method = CallbackParams {
        method: 1,
        ..params(Some("x"))
    };
    assert_eq!(
        service
            .callback(wrong_method)
            .await
            .expect_err("wrong method")
            .kind(),
        "authorization_not_found"
    );
    let done = service
        .callback(params(Some("abc")))
        .await
        .expect("connected");
    assert_eq!(done.status, CallbackStatus::Connected);
    assert_eq!(
        service
            .stored("example", None)
            .await
            .expect("get")
            .expect("some")
            .credential,
        Credential::api_key("key-for-abc")
    );
    assert_eq!(
        service
            .callback(params(Some("abc")))
            .await
            .expect_err("gone")
            .kind(),
        "authorization_not_found"
    );
}

#[tokio::test]
async fn api_key_methods_are_not_oauth_flows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let service = service_for(dir.path(), "http://127.0.0.1:9");
    let params = |method| AuthorizeParams {
        provider_id: "anthropic".into(),
        method,
        inputs: None,
        account: None,
    };
    assert_eq!(
        service
            .authorize(params(0), None)
            .await
            .expect_err("api")
            .kind(),
        "invalid_params"
    );
    assert_eq!(
        service
            .authorize(params(7), None)
            .await
            .expect_err("none")
            .kind(),
        "auth_method_not_found"
    );
    let methods = service.methods(["anthropic", "openai"], &HashMap::new());
    assert_eq!(methods.methods["openai"].len(), 3);
}

#[derive(Clone, Default)]
struct SharedLog(Arc<std::sync::Mutex<Vec<u8>>>);

impl std::io::Write for SharedLog {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

const ALONE_IN_CHILD: &str = "PROVIDER_SIDECAR_TEST_SECRET_LOG_CHILD";

/// Runs failing and succeeding flows with every log level captured, and checks that no secret
/// value shows up in the logs, in error messages, in Debug output or in results.
///
/// tracing caches each callsite's interest process-wide. A test on another thread that first hits
/// a callsite while this test installs its subscriber can leave that callsite disabled for it (CI
/// saw this once), so the check re-runs this test binary with only this test in it.
#[test]
fn no_secret_reaches_logs_errors_debug_or_results() {
    if std::env::var_os(ALONE_IN_CHILD).is_some() {
        check_no_secret_leaks();
        return;
    }
    let name = "auth::service_tests::no_secret_reaches_logs_errors_debug_or_results";
    let output = std::process::Command::new(std::env::current_exe().expect("test binary"))
        .args([name, "--exact", "--test-threads=1", "--nocapture"])
        .env(ALONE_IN_CHILD, "1")
        .output()
        .expect("run the test alone");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success() && stdout.contains("1 passed"),
        "the check failed alone:\n{stdout}\n{stderr}"
    );
}

fn check_no_secret_leaks() {
    const SECRETS: [&str; 5] = [
        "sk-leak-api",
        "refresh-leak",
        "gho_leak_token",
        "device-leak-code",
        "access-leak",
    ];
    let log = SharedLog::default();
    let writer = log.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let mut seen = Vec::<String>::new();
    runtime.block_on(async {
        let mock = MockAuthServer::start(|req| match req.path.as_str() {
            "/v1/models" => {
                MockAuthResponse::json(401, serde_json::json!({"error": "bad key sk-leak-api"}))
            }
            "/oauth/token" => MockAuthResponse::json(
                401,
                serde_json::json!({"error": "invalid_grant", "error_description": "bad"}),
            ),
            "/login/device/code" => MockAuthResponse::json(
                200,
                serde_json::json!({
                    "device_code": "device-leak-code", "user_code": "LEAK-0000",
                    "verification_uri": "https://github.com/login/device", "interval": 1
                }),
            ),
            "/login/oauth/access_token" => {
                MockAuthResponse::json(200, serde_json::json!({"access_token": "gho_leak_token"}))
            }
            _ => MockAuthResponse::json(404, serde_json::json!({})),
        })
        .await;
        let dir = tempfile::tempdir().expect("tempdir");
        let service = service_for(dir.path(), &mock.base);
        let validation = ApiKeyValidation::bearer(format!("{}/v1/models", mock.base));
        let err = service
            .set_api_key(
                set_params("groq", "sk-leak-api"),
                KeyValidation::Against(validation.clone()),
            )
            .await
            .expect_err("rejected");
        seen.push(format!("{err} {err:?}"));

        let expired = Credential::Oauth(OAuthTokens {
            refresh: "refresh-leak".into(),
            access: "access-leak".into(),
            expires: 1,
            account_id: None,
            enterprise_url: None,
        });
        service
            .put_credential("openai", "default", expired, PutOptions::default())
            .await
            .expect("put");
        let stored = service.stored("openai", None).await.expect("get");
        seen.push(format!("{stored:?}"));
        let err = service.resolve("openai", None).await.expect_err("expired");
        seen.push(format!("{err} {err:?}"));

        let started = service
            .authorize(
                AuthorizeParams {
                    provider_id: "github-copilot".into(),
                    method: 0,
                    inputs: None,
                    account: None,
                },
                None,
            )
            .await
            .expect("authorize");
        seen.push(serde_json::to_string(&started).expect("json"));
        let status = super::test_support::poll_callback(
            &service,
            "github-copilot",
            0,
            &started.authorization_id,
        )
        .await
        .expect("connected");
        assert_eq!(status, CallbackStatus::Connected);
        let all = service
            .status(&EnvSnapshot::default(), &BTreeMap::new())
            .await
            .expect("status");
        seen.push(serde_json::to_string(&all).expect("json"));
        seen.push(format!("{all:?}"));
    });
    drop(_guard);
    let logs = String::from_utf8(log.0.lock().expect("log").clone()).expect("utf8");
    assert!(
        logs.contains("refreshing OAuth token"),
        "logs were captured: {logs}"
    );
    assert!(logs.contains("sign-in required"));
    for secret in SECRETS {
        assert!(!logs.contains(secret), "`{secret}` leaked into the logs");
        for text in &seen {
            assert!(!text.contains(secret), "`{secret}` leaked into {text}");
        }
    }
}
