//! Vertex chats whose access token comes from Application Default Credentials found in the
//! session's env view: gcloud's authorized-user file (refresh token), the metadata server and
//! workload identity federation, each against local endpoints; a revoked sign-in is named.

use provider_sidecar::protocol::testing::MockServer;
use serde_json::{Value, json};

use crate::chat::{chat_calls, fixture, runtime, stream};
use crate::endpoints::{Endpoints, Route};
use crate::support::{Sidecar, error_kind};

struct Vertex {
    sidecar: Sidecar,
    server: MockServer,
    golden: Value,
    home: tempfile::TempDir,
}

fn vertex(rt: &tokio::runtime::Runtime) -> Vertex {
    let (response, golden) = fixture("google", "google-text");
    let server = rt
        .block_on(MockServer::start(vec![response]))
        .expect("mock starts");
    let mut sidecar = Sidecar::spawn();
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"config": {"provider": {
            "google-vertex": {"options": {"baseURL": server.base_url}}}}}}),
    );
    Vertex {
        sidecar,
        server,
        golden,
        home: tempfile::tempdir().expect("home"),
    }
}

impl Vertex {
    fn open(&mut self, id: &str, env: Value) {
        let mut all = json!({"HOME": self.home.path(), "NO_GCE_CHECK": "true"});
        for (name, value) in env.as_object().expect("env object") {
            all[name] = value.clone();
        }
        self.sidecar
            .call("session/open", json!({"sessionId": id, "env": all}));
    }

    fn chat(&mut self, session: &str) -> Value {
        let (_, response) = stream(
            &mut self.sidecar,
            json!({"sessionId": session, "providerId": "google-vertex",
                   "modelId": "gemini-2.5-flash",
                   "messages": [{"role": "user", "content": "hi"}]}),
        );
        response
    }

    fn chat_with_token(&mut self, session: &str, token: &str) {
        let response = self.chat(session);
        assert_eq!(
            response["result"]["content"],
            self.golden["result"]["content"],
            "{response}\nstderr:\n{}",
            self.sidecar.stderr()
        );
        let calls = chat_calls(&self.server);
        let request = calls.last().expect("the provider was called");
        let authorization = request
            .headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case("authorization"))
            .map(|(_, v)| v.as_str());
        assert_eq!(authorization, Some(format!("Bearer {token}").as_str()));
        assert!(!self.sidecar.stderr().contains(token));
    }

    fn write_adc(&self, credentials: &Value) {
        let dir = self.home.path().join(".config/gcloud");
        std::fs::create_dir_all(&dir).expect("mkdir");
        std::fs::write(
            dir.join("application_default_credentials.json"),
            credentials.to_string(),
        )
        .expect("write");
    }
}

#[test]
fn gcloud_user_credentials_and_the_metadata_server_sign_vertex_chats() {
    let rt = runtime();
    let google = Endpoints::start(
        &rt,
        vec![
            Route::json(
                "POST",
                "/token",
                &json!({"access_token": "ya29.user-5353", "expires_in": 3600}),
            ),
            Route::json(
                "GET",
                "/computeMetadata/v1/instance/service-accounts/default/token",
                &json!({"access_token": "ya29.gce-5353", "expires_in": 3600, "token_type": "Bearer"}),
            ),
        ],
    );
    let mut vertex = vertex(&rt);
    vertex.write_adc(&json!({
        "type": "authorized_user", "client_id": "cid.apps.googleusercontent.com",
        "client_secret": "client-secret-5353", "refresh_token": "1//refresh-5353",
        "token_uri": format!("{}/token", google.base_url)}));
    vertex.open("user", json!({}));
    vertex.chat_with_token("user", "ya29.user-5353");
    let refresh = &google.requests()[0];
    assert!(
        refresh.body.contains("grant_type=refresh_token"),
        "{}",
        refresh.body
    );
    let stderr = vertex.sidecar.stderr();
    assert!(!stderr.contains("refresh-5353") && !stderr.contains("client-secret-5353"));

    // Another session without gcloud's file, on a "Google Cloud machine".
    let empty_home = tempfile::tempdir().expect("home");
    vertex.open(
        "gce",
        json!({"HOME": empty_home.path(), "NO_GCE_CHECK": "false",
               "GCE_METADATA_HOST": google.base_url.trim_start_matches("http://")}),
    );
    vertex.chat_with_token("gce", "ya29.gce-5353");
    let metadata = google.requests().pop().expect("metadata request");
    assert_eq!(metadata.header("metadata-flavor"), Some("Google"));
}

#[test]
fn workload_identity_federation_signs_and_a_revoked_sign_in_is_named() {
    let rt = runtime();
    let google = Endpoints::start(
        &rt,
        vec![
            Route::json(
                "POST",
                "/sts",
                &json!({"access_token": "ya29.federated-8484", "expires_in": 3600,
                        "issued_token_type": "urn:ietf:params:oauth:token-type:access_token"}),
            ),
            Route::json("POST", "/revoked", &json!({"error": "invalid_grant"})).status(400),
        ],
    );
    let mut vertex = vertex(&rt);
    let subject = vertex.home.path().join("k8s-token");
    std::fs::write(&subject, "eyJ-k8s-sa-token-8484\n").expect("write");
    let federation = vertex.home.path().join("federation.json");
    std::fs::write(
        &federation,
        json!({"type": "external_account",
               "audience": "//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/k8s",
               "subject_token_type": "urn:ietf:params:oauth:token-type:jwt",
               "token_url": format!("{}/sts", google.base_url),
               "credential_source": {"file": subject}})
        .to_string(),
    )
    .expect("write");
    vertex.open("wif", json!({"GOOGLE_APPLICATION_CREDENTIALS": federation}));
    vertex.chat_with_token("wif", "ya29.federated-8484");
    let exchange = &google.requests()[0];
    assert!(
        exchange
            .body
            .contains("subject_token=eyJ-k8s-sa-token-8484"),
        "{}",
        exchange.body
    );
    assert!(!vertex.sidecar.stderr().contains("eyJ-k8s-sa-token-8484"));

    vertex.write_adc(&json!({
        "type": "authorized_user", "client_id": "cid", "client_secret": "s-8484",
        "refresh_token": "1//revoked-8484",
        "token_uri": format!("{}/revoked", google.base_url)}));
    vertex.open("revoked", json!({}));
    let response = vertex.chat("revoked");
    let error = &response["error"];
    assert_eq!(error_kind(error), "auth_expired", "{response}");
    assert!(
        error["data"]["hint"]
            .as_str()
            .is_some_and(|hint| hint.contains("gcloud auth application-default login")),
        "{response}"
    );
    assert!(!response.to_string().contains("revoked-8484"));

    vertex.open(
        "nothing",
        json!({"HOME": tempfile::tempdir().expect("home").path()}),
    );
    let response = vertex.chat("nothing");
    assert_eq!(error_kind(&response["error"]), "auth_missing", "{response}");
    assert!(
        response["error"]["data"]["hint"]
            .as_str()
            .is_some_and(|hint| hint.contains("GOOGLE_APPLICATION_CREDENTIALS")),
        "{response}"
    );
}
