use std::path::Path;

use super::*;
use crate::provider::clock::ManualClock;

const NOW_MS: i64 = 1_700_000_000_000;

/// An env view with `home` as HOME and instance metadata off (no test may reach 169.254.169.254).
fn env_in(home: &Path, extra: &[(&str, &str)]) -> HashMap<String, String> {
    let mut env = HashMap::from([
        ("HOME".to_string(), home.display().to_string()),
        ("AWS_EC2_METADATA_DISABLED".to_string(), "true".to_string()),
    ]);
    for (name, value) in extra {
        env.insert(name.to_string(), value.to_string());
    }
    env
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
    std::fs::write(path, text).expect("write");
}

fn request<'a>(env: &'a HashMap<String, String>, profile: Option<&str>) -> ChainRequest<'a> {
    ChainRequest {
        provider_id: "amazon-bedrock",
        env,
        profile: profile.map(str::to_string),
        region: "us-east-1".into(),
    }
}

fn chain() -> AwsCredentialChain {
    AwsCredentialChain::new(reqwest::Client::new())
}

#[cfg(unix)]
fn executable(path: &Path, script: &str) {
    use std::os::unix::fs::PermissionsExt;
    write(path, script);
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
}

#[tokio::test]
async fn nothing_configured_is_none_and_a_profile_file_is_read_where_the_env_points() {
    let home = tempfile::tempdir().expect("home");
    let env = env_in(home.path(), &[]);
    let clock = ManualClock::at(NOW_MS);
    assert!(
        chain()
            .credentials(&request(&env, None), &clock)
            .await
            .expect("no error")
            .is_none()
    );

    write(
        &home.path().join(".aws/credentials"),
        "[default]\naws_access_key_id = AKIDDEFAULT\naws_secret_access_key = s1\n\n[dev]\naws_access_key_id=AKIDDEV\naws_secret_access_key=s2\naws_session_token = t2\n",
    );
    let chain = chain();
    let dev = chain
        .credentials(&request(&env, Some("dev")), &clock)
        .await
        .expect("ok")
        .expect("dev");
    assert_eq!(dev.access_key_id, "AKIDDEV");
    assert_eq!(dev.secret_access_key.expose(), "s2");
    assert_eq!(dev.session_token.as_ref().map(Secret::expose), Some("t2"));
    let by_env = env_in(home.path(), &[("AWS_PROFILE", "dev")]);
    let same = chain
        .credentials(&request(&by_env, None), &clock)
        .await
        .expect("ok")
        .expect("AWS_PROFILE");
    assert_eq!(same.access_key_id, "AKIDDEV");
    let default = chain
        .credentials(&request(&env, None), &clock)
        .await
        .expect("ok")
        .expect("default");
    assert_eq!(default.access_key_id, "AKIDDEFAULT");
}

#[cfg(unix)]
#[tokio::test]
async fn credential_process_runs_once_until_its_credentials_near_expiry() {
    let home = tempfile::tempdir().expect("home");
    let runs = home.path().join("runs");
    let script = home.path().join("creds.sh");
    executable(
        &script,
        &format!(
            "#!/bin/sh\necho run >> '{}'\necho '{{\"Version\": 1, \"AccessKeyId\": \"AKIDPROC\", \"SecretAccessKey\": \"proc-secret\", \"SessionToken\": \"proc-token\", \"Expiration\": \"2023-11-14T23:13:20Z\"}}'\n",
            runs.display()
        ),
    );
    write(
        &home.path().join(".aws/config"),
        &format!(
            "[profile tool]\ncredential_process = {}\n",
            script.display()
        ),
    );
    let env = env_in(home.path(), &[("AWS_PROFILE", "tool")]);
    let chain = chain();
    // The credentials expire at 1_700_003_600 s; the clock starts an hour before.
    let clock = ManualClock::at(NOW_MS);
    for _ in 0..3 {
        let found = chain
            .credentials(&request(&env, None), &clock)
            .await
            .expect("ok")
            .expect("credentials");
        assert_eq!(found.access_key_id, "AKIDPROC");
        assert_eq!(
            found.session_token.as_ref().map(Secret::expose),
            Some("proc-token")
        );
    }
    let count = || {
        std::fs::read_to_string(&runs)
            .expect("runs")
            .lines()
            .count()
    };
    assert_eq!(count(), 1, "cached until near expiry");
    clock.advance_ms(3_600_000 - 60_000);
    chain
        .credentials(&request(&env, None), &clock)
        .await
        .expect("ok")
        .expect("renewed");
    assert_eq!(count(), 2, "renewed within five minutes of expiry");
}

#[cfg(unix)]
#[tokio::test]
async fn a_failing_credential_process_names_the_profile_and_not_its_output() {
    let home = tempfile::tempdir().expect("home");
    let script = home.path().join("fail.sh");
    executable(
        &script,
        "#!/bin/sh\necho 'token=sekrit-from-stderr' >&2\nexit 3\n",
    );
    write(
        &home.path().join(".aws/config"),
        &format!(
            "[profile broken]\ncredential_process = {}\n",
            script.display()
        ),
    );
    let env = env_in(home.path(), &[]);
    let error = chain()
        .credentials(&request(&env, Some("broken")), &ManualClock::at(NOW_MS))
        .await
        .expect_err("fails");
    assert_eq!(error.kind(), "auth_failed");
    let message = error.to_string();
    assert!(
        message.contains("credential_process of AWS profile `broken`"),
        "{message}"
    );
    assert!(message.contains("exit status: 3"), "{message}");
    assert!(!message.contains("sekrit"), "{message}");
}

#[tokio::test]
async fn an_sso_profile_without_a_live_session_says_to_sign_in() {
    let home = tempfile::tempdir().expect("home");
    write(
        &home.path().join(".aws/config"),
        "[profile corp-dev]\nsso_session = corp\nsso_account_id = 123456789012\nsso_role_name = Dev\nregion = us-east-1\n\n[sso-session corp]\nsso_start_url = https://corp.awsapps.com/start\nsso_region = us-east-1\n",
    );
    let env = env_in(home.path(), &[("AWS_PROFILE", "corp-dev")]);
    let clock = ManualClock::at(NOW_MS);
    let never = chain()
        .credentials(&request(&env, None), &clock)
        .await
        .expect_err("no cached token");
    assert_eq!(never.kind(), "auth_expired");
    assert!(
        never
            .to_string()
            .contains("run `aws sso login --profile corp-dev`"),
        "{never}"
    );

    // An expired token without a refresh token (the cache file is named by the session's SHA-1).
    write(
        &home
            .path()
            .join(".aws/sso/cache/ee0bfd2552fbd840c02cc48b6e823320543c450f.json"),
        r#"{"accessToken": "sso-access-secret", "expiresAt": "2020-01-01T00:00:00Z", "region": "us-east-1", "startUrl": "https://corp.awsapps.com/start"}"#,
    );
    let expired = chain()
        .credentials(&request(&env, None), &clock)
        .await
        .expect_err("expired");
    assert_eq!(expired.kind(), "auth_expired");
    assert!(!expired.to_string().contains("sso-access-secret"));
}

#[test]
fn the_cache_key_follows_the_env_view_and_holds_no_value() {
    let a = HashMap::from([("AWS_PROFILE".to_string(), "a".to_string())]);
    let b = HashMap::from([("AWS_PROFILE".to_string(), "b".to_string())]);
    let unrelated = HashMap::from([
        ("AWS_PROFILE".to_string(), "a".to_string()),
        ("PATH".to_string(), "/bin".to_string()),
    ]);
    assert_ne!(request(&a, None).cache_key(), request(&b, None).cache_key());
    assert_eq!(
        request(&a, None).cache_key(),
        request(&unrelated, None).cache_key()
    );
    assert_ne!(
        request(&a, None).cache_key(),
        request(&a, Some("x")).cache_key()
    );
    let shown = format!("{:?}", request(&a, None));
    assert!(!shown.contains("AWS_PROFILE"), "{shown}");
}
