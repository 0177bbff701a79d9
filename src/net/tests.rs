use std::collections::HashMap;
use std::path::PathBuf;

use serde_json::json;

use super::*;

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

#[test]
fn config_wins_over_the_environment_and_the_environment_fills_in() {
    let vars = env(&[
        ("http_proxy", "http://lower:1"),
        ("HTTPS_PROXY", "  "),
        ("ALL_PROXY", "socks5://all:1080"),
        ("no_proxy", "localhost,.corp"),
    ]);
    let lookup = |name: &str| vars.get(name).map(String::as_str);
    let profile = NetworkProfile::resolve(&NetworkSettings::default(), lookup);
    // A blank HTTPS_PROXY counts as unset; ALL_PROXY comes before HTTP_PROXY.
    assert_eq!(
        profile.proxy,
        Some((
            "socks5://all:1080".to_owned(),
            SettingSource::Env("ALL_PROXY")
        ))
    );
    assert_eq!(
        profile.no_proxy,
        Some(("localhost,.corp".to_owned(), SettingSource::Env("no_proxy")))
    );

    let settings = NetworkSettings::from_config(Some(&json!({"network": {
        "proxy": "http://corp:3128", "caCertificates": ["/etc/corp.pem"]
    }})))
    .expect("valid");
    let profile = NetworkProfile::resolve(&settings, lookup);
    assert_eq!(
        profile.proxy,
        Some(("http://corp:3128".to_owned(), SettingSource::Config))
    );
    assert_eq!(
        profile.ca_certificates,
        vec![PathBuf::from("/etc/corp.pem")]
    );
}

#[test]
fn config_errors_name_the_field() {
    let err = NetworkSettings::from_config(Some(&json!({"network": {"proxyy": "x"}})))
        .expect_err("unknown key");
    assert_eq!(err.field(), "network.proxyy");
    assert!(err.to_string().contains("proxyy"), "{err}");
    let err = NetworkSettings::from_config(Some(&json!({"network": {"caCertificates": "a.pem"}})))
        .expect_err("not a list");
    assert_eq!(err.field(), "network.caCertificates");
    assert_eq!(
        NetworkSettings::from_config(Some(&json!({"network": null}))),
        Ok(NetworkSettings::default())
    );
}

fn profile_with_proxy(url: &str, source: SettingSource) -> NetworkProfile {
    NetworkProfile {
        proxy: Some((url.to_owned(), source)),
        ..NetworkProfile::default()
    }
}

#[test]
fn an_unknown_proxy_scheme_names_the_setting_and_never_the_password() {
    let err = build_client(
        &profile_with_proxy("ftp://user:hunter2@corp:21", SettingSource::Config),
        &ClientSpec::default(),
    )
    .expect_err("ftp is no proxy");
    assert_eq!(
        err,
        NetError::UnknownProxyScheme {
            field: "network.proxy",
            scheme: "ftp".into()
        }
    );
    assert!(err.to_string().contains("socks5://"), "{err}");
    let err = build_client(
        &profile_with_proxy("gopher://corp:70", SettingSource::Env("HTTPS_PROXY")),
        &ClientSpec::default(),
    )
    .expect_err("gopher is no proxy");
    assert_eq!(err.field(), "HTTPS_PROXY");
    let err = build_client(
        &profile_with_proxy("http://user:hunter2@", SettingSource::Config),
        &ClientSpec::default(),
    )
    .expect_err("no host");
    assert!(!err.to_string().contains("hunter2"), "{err}");
    // `host:port` is an HTTP proxy, as curl reads it.
    build_client(
        &profile_with_proxy("corp.example:3128", SettingSource::Env("http_proxy")),
        &ClientSpec::default(),
    )
    .expect("host:port is http");
}

#[test]
fn unreadable_empty_and_invalid_ca_files_are_precise_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let missing = dir.path().join("missing.pem");
    let profile = |path: &std::path::Path| NetworkProfile {
        ca_certificates: vec![path.to_path_buf()],
        ..NetworkProfile::default()
    };
    let err = build_client(&profile(&missing), &ClientSpec::default()).expect_err("missing");
    assert!(
        matches!(&err, NetError::UnreadableCa { path, .. } if *path == missing),
        "{err:?}"
    );
    assert_eq!(err.field(), "network.caCertificates");
    assert!(
        err.to_string().contains("missing.pem") && err.to_string().contains("fix the path"),
        "{err}"
    );

    let empty = dir.path().join("empty.pem");
    std::fs::write(&empty, "no certificates here\n").expect("write");
    let err = build_client(&profile(&empty), &ClientSpec::default()).expect_err("empty");
    assert_eq!(err, NetError::NoCertificate { path: empty });

    let broken = dir.path().join("broken.pem");
    std::fs::write(
        &broken,
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n",
    )
    .expect("write");
    let err = build_client(&profile(&broken), &ClientSpec::default()).expect_err("broken");
    assert!(
        matches!(&err, NetError::InvalidCa { path, .. } if *path == broken),
        "{err:?}"
    );
    assert_eq!(err.field(), "network.caCertificates", "{err}");
}

#[test]
fn proxies_are_shown_without_their_credentials() {
    let profile = profile_with_proxy("http://alice:s3cret@corp:3128", SettingSource::Config);
    assert_eq!(
        profile.proxy_for_display().as_deref(),
        Some("http://***@corp:3128")
    );
    let profile = profile_with_proxy("corp:3128", SettingSource::Config);
    assert_eq!(
        profile.proxy_for_display().as_deref(),
        Some("http://corp:3128")
    );
    assert_eq!(NetworkProfile::default().proxy_for_display(), None);
}

#[test]
fn the_pool_hands_out_one_client_per_profile_and_spec() {
    let pool = ClientPool::default();
    let spec = ClientSpec {
        tcp_nodelay: true,
        ..ClientSpec::default()
    };
    pool.get(&NetworkProfile::default(), &spec).expect("builds");
    pool.get(&NetworkProfile::default(), &spec).expect("pooled");
    let err = pool
        .get(&profile_with_proxy("ftp://x", SettingSource::Config), &spec)
        .expect_err("bad proxy");
    assert_eq!(err.field(), "network.proxy");
}
