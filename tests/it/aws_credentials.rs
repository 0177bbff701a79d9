//! Bedrock chats whose credentials come from the AWS SDK's credential chain, each source against
//! local endpoints: container credentials, instance metadata (IMDSv2), web identity and assume-role
//! through a mock STS, a `credential_process` script, SSO through a mock portal. Each chat's SigV4
//! signature is recomputed with the `aws-sigv4` crate from what the mock provider received.

use std::path::Path;

use provider_sidecar::protocol::testing::{MockServer, RecordedRequest};
use serde_json::{Value, json};

use crate::chat::{chat_calls, fixture, runtime, stream};
use crate::endpoints::{Endpoints, Route};
use crate::support::{Sidecar, error_kind};

const MODEL: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";

/// A sidecar whose Bedrock provider points at a mock replaying a recorded Converse stream.
struct Bedrock {
    sidecar: Sidecar,
    server: MockServer,
    golden: Value,
    home: tempfile::TempDir,
}

fn bedrock(rt: &tokio::runtime::Runtime) -> Bedrock {
    let (response, golden) = fixture("bedrock", "amazon-bedrock-text");
    let server = rt
        .block_on(MockServer::start(vec![response]))
        .expect("mock starts");
    let mut sidecar = Sidecar::spawn();
    sidecar.call(
        "initialize",
        json!({"initializationOptions": {"config": {"provider": {
            "amazon-bedrock": {"options": {"baseURL": server.base_url}}}}}}),
    );
    Bedrock {
        sidecar,
        server,
        golden,
        home: tempfile::tempdir().expect("home"),
    }
}

impl Bedrock {
    /// Opens session `id` with its own HOME and no instance metadata, plus `env`.
    fn open(&mut self, id: &str, env: Value) {
        let mut all = json!({
            "HOME": self.home.path(),
            "AWS_EC2_METADATA_DISABLED": "true",
        });
        for (name, value) in env.as_object().expect("env object") {
            all[name] = value.clone();
        }
        self.sidecar
            .call("session/open", json!({"sessionId": id, "env": all}));
    }

    fn chat(&mut self, session: &str) -> Value {
        let (_, response) = stream(
            &mut self.sidecar,
            json!({"sessionId": session, "providerId": "amazon-bedrock", "modelId": MODEL,
                   "messages": [{"role": "user", "content": "hi"}]}),
        );
        response
    }

    /// A chat that must succeed, signed with these credentials.
    fn chat_signed_by(&mut self, session: &str, access_key: &str, secret: &str, token: &str) {
        let response = self.chat(session);
        assert_eq!(
            response["result"]["content"],
            self.golden["result"]["content"],
            "{response}\nstderr:\n{}",
            self.sidecar.stderr()
        );
        let calls = chat_calls(&self.server);
        let request = calls.last().expect("the provider was called");
        assert_signature(request, &self.server.base_url, access_key, secret, token);
        let stderr = self.sidecar.stderr();
        assert!(!stderr.contains(secret), "the secret reached the log");
        assert!(!stderr.contains(token), "the session token reached the log");
    }
}

fn header<'a>(request: &'a RecordedRequest, name: &str) -> Option<&'a str> {
    request
        .headers
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(name))
        .map(|(_, v)| v.as_str())
}

/// Recomputes the request's signature with `aws-sigv4` over the headers it says it signed.
fn assert_signature(
    request: &RecordedRequest,
    base_url: &str,
    access_key: &str,
    secret: &str,
    token: &str,
) {
    use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
    let authorization = header(request, "authorization").expect("authorization");
    let signed = authorization
        .split("SignedHeaders=")
        .nth(1)
        .and_then(|rest| rest.split(',').next())
        .expect("SignedHeaders");
    assert!(
        authorization.starts_with(&format!("AWS4-HMAC-SHA256 Credential={access_key}/")),
        "{authorization}"
    );
    assert!(
        authorization.contains("/us-east-1/bedrock/aws4_request"),
        "{authorization}"
    );
    assert_eq!(header(request, "x-amz-security-token"), Some(token));
    let amz_date = header(request, "x-amz-date").expect("x-amz-date");
    let time: std::time::SystemTime =
        chrono::NaiveDateTime::parse_from_str(amz_date, "%Y%m%dT%H%M%SZ")
            .expect("x-amz-date")
            .and_utc()
            .into();
    let headers: Vec<(&str, &str)> = signed
        .split(';')
        .filter(|name| !matches!(*name, "x-amz-date" | "x-amz-security-token"))
        .map(|name| {
            (
                name,
                header(request, name).expect("a signed header was sent"),
            )
        })
        .collect();
    let identity = aws_credential_types::Credentials::new(
        access_key,
        secret,
        Some(token.to_string()),
        None,
        "test",
    )
    .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("us-east-1")
        .name("bedrock")
        .time(time)
        .settings(SigningSettings::default())
        .build()
        .expect("params")
        .into();
    let uri = format!("{base_url}{}", request.path);
    let signable = SignableRequest::new(
        "POST",
        uri,
        headers.into_iter(),
        SignableBody::Bytes(&request.body),
    )
    .expect("signable");
    let expected = sign(signable, &params)
        .expect("signs")
        .signature()
        .to_string();
    assert!(
        authorization.ends_with(&format!("Signature={expected}")),
        "{authorization} is not signed as aws-sigv4 signs it ({expected})"
    );
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn in_an_hour() -> String {
    (chrono::Utc::now() + chrono::Duration::hours(1))
        .format("%Y-%m-%dT%H:%M:%SZ")
        .to_string()
}

fn sts_credentials_xml(action: &str, access_key: &str, secret: &str, token: &str) -> String {
    format!(
        r#"<{action}Response xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><{action}Result><Credentials><AccessKeyId>{access_key}</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey><SessionToken>{token}</SessionToken><Expiration>{}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/bedrock/sidecar</Arn><AssumedRoleId>AROAEXAMPLE:sidecar</AssumedRoleId></AssumedRoleUser></{action}Result><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></{action}Response>"#,
        in_an_hour()
    )
}

#[test]
fn container_and_instance_metadata_credentials_sign_bedrock_chats() {
    let rt = runtime();
    let container = Endpoints::start(
        &rt,
        vec![Route::json(
            "GET",
            "/creds",
            &json!({"AccessKeyId": "ASIACONTAINER", "SecretAccessKey": "container-secret-8813",
                    "Token": "container-token-8813", "Expiration": in_an_hour()}),
        )],
    );
    let imds = Endpoints::start(
        &rt,
        vec![
            Route::ok(
                "PUT",
                "/latest/api/token",
                "text/plain",
                "imds-session-7731",
            )
            .header("x-aws-ec2-metadata-token-ttl-seconds", "21600"),
            Route::ok(
                "GET",
                "/latest/meta-data/iam/security-credentials/",
                "text/plain",
                "bedrock-role",
            ),
            Route::json(
                "GET",
                "/latest/meta-data/iam/security-credentials/bedrock-role",
                &json!({"Code": "Success", "Type": "AWS-HMAC", "AccessKeyId": "ASIAINSTANCE",
                        "SecretAccessKey": "instance-secret-4410", "Token": "instance-token-4410",
                        "Expiration": in_an_hour(), "LastUpdated": "2024-01-01T00:00:00Z"}),
            ),
        ],
    );
    let mut bedrock = bedrock(&rt);
    bedrock.open(
        "container",
        json!({"AWS_CONTAINER_CREDENTIALS_FULL_URI": format!("{}/creds", container.base_url),
               "AWS_CONTAINER_AUTHORIZATION_TOKEN": "Basic container-auth"}),
    );
    bedrock.chat_signed_by(
        "container",
        "ASIACONTAINER",
        "container-secret-8813",
        "container-token-8813",
    );
    let seen = container.requests();
    assert_eq!(
        seen[0].header("authorization"),
        Some("Basic container-auth")
    );

    bedrock.open(
        "instance",
        json!({"AWS_EC2_METADATA_DISABLED": "false",
               "AWS_EC2_METADATA_SERVICE_ENDPOINT": imds.base_url}),
    );
    bedrock.chat_signed_by(
        "instance",
        "ASIAINSTANCE",
        "instance-secret-4410",
        "instance-token-4410",
    );
    let seen = imds.requests();
    assert_eq!(seen[0].method, "PUT");
    assert!(
        seen[1..]
            .iter()
            .all(|r| r.header("x-aws-ec2-metadata-token") == Some("imds-session-7731")),
        "IMDSv2: every read carries the session token"
    );

    // A second chat reuses the cached credentials: no new metadata request.
    let before = imds.requests().len();
    bedrock.chat_signed_by(
        "instance",
        "ASIAINSTANCE",
        "instance-secret-4410",
        "instance-token-4410",
    );
    assert_eq!(imds.requests().len(), before);
}

#[test]
fn web_identity_and_assume_role_go_through_sts() {
    let rt = runtime();
    let sts = Endpoints::start(
        &rt,
        vec![Route::ok(
            "POST",
            "/",
            "text/xml",
            &sts_credentials_xml(
                "AssumeRoleWithWebIdentity",
                "ASIAWEBIDENTITY",
                "web-secret-2291",
                "web-token-2291",
            ),
        )],
    );
    let mut bedrock = bedrock(&rt);
    let token_file = bedrock.home.path().join("oidc-token");
    write(&token_file, "eyJ-oidc-jwt-3315");
    bedrock.open(
        "web",
        json!({"AWS_WEB_IDENTITY_TOKEN_FILE": token_file,
               "AWS_ROLE_ARN": "arn:aws:iam::123456789012:role/bedrock",
               "AWS_ROLE_SESSION_NAME": "sidecar",
               "AWS_ENDPOINT_URL_STS": sts.base_url}),
    );
    bedrock.chat_signed_by(
        "web",
        "ASIAWEBIDENTITY",
        "web-secret-2291",
        "web-token-2291",
    );
    let call = &sts.requests()[0];
    assert!(
        call.body.contains("Action=AssumeRoleWithWebIdentity"),
        "{}",
        call.body
    );
    assert!(call.body.contains("WebIdentityToken=eyJ-oidc-jwt-3315"));
    assert!(call.body.contains("RoleSessionName=sidecar"));
    assert!(!bedrock.sidecar.stderr().contains("eyJ-oidc-jwt-3315"));

    // A profile that assumes a role with static source keys: STS is called signed by them.
    let assume = Endpoints::start(
        &rt,
        vec![Route::ok(
            "POST",
            "/",
            "text/xml",
            &sts_credentials_xml(
                "AssumeRole",
                "ASIAASSUMED",
                "assumed-secret-6620",
                "assumed-token-6620",
            ),
        )],
    );
    write(
        &bedrock.home.path().join(".aws/config"),
        "[profile base]\naws_access_key_id = AKIDSOURCE\naws_secret_access_key = source-secret-6620\n\n[profile bedrock-role]\nrole_arn = arn:aws:iam::123456789012:role/bedrock\nsource_profile = base\n",
    );
    bedrock.open(
        "assume",
        json!({"AWS_PROFILE": "bedrock-role", "AWS_ENDPOINT_URL_STS": assume.base_url}),
    );
    bedrock.chat_signed_by(
        "assume",
        "ASIAASSUMED",
        "assumed-secret-6620",
        "assumed-token-6620",
    );
    let call = &assume.requests()[0];
    assert!(call.body.contains("Action=AssumeRole"), "{}", call.body);
    assert!(
        call.header("authorization")
            .is_some_and(|auth| auth.contains("Credential=AKIDSOURCE/")),
        "STS is signed with the source profile's keys"
    );
    assert!(!bedrock.sidecar.stderr().contains("source-secret-6620"));
}

#[cfg(unix)]
#[test]
fn credential_process_signs_and_its_failure_is_named_without_its_output() {
    use std::os::unix::fs::PermissionsExt;
    let rt = runtime();
    let mut bedrock = bedrock(&rt);
    let home = bedrock.home.path().to_path_buf();
    let good = home.join("creds.sh");
    write(
        &good,
        &format!(
            "#!/bin/sh\necho '{{\"Version\": 1, \"AccessKeyId\": \"ASIAPROCESS\", \"SecretAccessKey\": \"process-secret-5150\", \"SessionToken\": \"process-token-5150\", \"Expiration\": \"{}\"}}'\n",
            in_an_hour()
        ),
    );
    let bad = home.join("fail.sh");
    write(
        &bad,
        "#!/bin/sh\necho 'refresh_token=leaked-by-the-tool-9090' >&2\nexit 2\n",
    );
    for script in [&good, &bad] {
        std::fs::set_permissions(script, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    }
    write(
        &home.join(".aws/config"),
        &format!(
            "[profile tool]\ncredential_process = {}\n\n[profile broken]\ncredential_process = {}\n",
            good.display(),
            bad.display()
        ),
    );
    bedrock.open("tool", json!({"AWS_PROFILE": "tool"}));
    bedrock.chat_signed_by(
        "tool",
        "ASIAPROCESS",
        "process-secret-5150",
        "process-token-5150",
    );

    bedrock.open("broken", json!({"AWS_PROFILE": "broken"}));
    let response = bedrock.chat("broken");
    let error = &response["error"];
    assert_eq!(error_kind(error), "auth_failed", "{response}");
    let message = error["message"].as_str().expect("message");
    assert!(
        message.contains("credential_process of AWS profile `broken` failed (exit status: 2)"),
        "{message}"
    );
    assert!(!response.to_string().contains("leaked-by-the-tool"));
    assert!(!bedrock.sidecar.stderr().contains("leaked-by-the-tool"));
}

#[test]
fn sso_signs_through_the_portal_and_an_expired_session_says_to_sign_in() {
    let rt = runtime();
    let portal = Endpoints::start(
        &rt,
        vec![Route::json(
            "GET",
            "/federation/credentials",
            &json!({"roleCredentials": {"accessKeyId": "ASIASSO", "secretAccessKey": "sso-secret-7272",
                    "sessionToken": "sso-token-7272",
                    "expiration": (chrono::Utc::now() + chrono::Duration::hours(1)).timestamp_millis()}}),
        )],
    );
    let mut bedrock = bedrock(&rt);
    let home = bedrock.home.path().to_path_buf();
    write(
        &home.join(".aws/config"),
        "[profile corp-dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
    );
    // The SSO token cache file is named by the SHA-1 of the session name.
    let cache = home.join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json");
    write(
        &cache,
        &json!({"accessToken": "sso-access-3838", "expiresAt": in_an_hour(),
                "region": "us-east-1", "startUrl": "https://corp.awsapps.com/start"})
        .to_string(),
    );
    bedrock.open(
        "sso",
        json!({"AWS_PROFILE": "corp-dev", "AWS_ENDPOINT_URL_SSO": portal.base_url}),
    );
    bedrock.chat_signed_by("sso", "ASIASSO", "sso-secret-7272", "sso-token-7272");
    let call = &portal.requests()[0];
    assert_eq!(
        call.header("x-amz-sso_bearer_token"),
        Some("sso-access-3838")
    );
    assert!(
        call.target.contains("account_id=123456789012"),
        "{}",
        call.target
    );

    write(
        &cache,
        &json!({"accessToken": "sso-access-3838", "expiresAt": "2020-01-01T00:00:00Z",
                "region": "us-east-1", "startUrl": "https://corp.awsapps.com/start"})
        .to_string(),
    );
    // A new env view (another session with its own HOME would do too): the cache is per view.
    bedrock.open(
        "sso-expired",
        json!({"AWS_PROFILE": "corp-dev", "AWS_ENDPOINT_URL_SSO": portal.base_url,
               "AWS_ROLE_SESSION_NAME": "fresh-view"}),
    );
    let response = bedrock.chat("sso-expired");
    let error = &response["error"];
    assert_eq!(error_kind(error), "auth_expired", "{response}");
    assert!(
        error["data"]["hint"]
            .as_str()
            .is_some_and(|hint| hint.contains("aws sso login --profile corp-dev")),
        "{response}"
    );
    assert!(!bedrock.sidecar.stderr().contains("sso-access-3838"));
}

#[test]
fn without_any_aws_credential_the_error_says_what_would_provide_one() {
    let rt = runtime();
    let mut bedrock = bedrock(&rt);
    bedrock.open("none", json!({}));
    let response = bedrock.chat("none");
    let error = &response["error"];
    assert_eq!(error_kind(error), "auth_missing", "{response}");
    let hint = error["data"]["hint"].as_str().unwrap_or_default();
    assert!(
        hint.contains("AWS_BEARER_TOKEN_BEDROCK") && hint.contains("AWS_PROFILE"),
        "{response}"
    );
    assert!(chat_calls(&bedrock.server).is_empty());
}
