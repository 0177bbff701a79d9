//! The doctor's checks, one per section of the report. Each adds its findings to `found`.

use std::path::Path;
use std::time::{Duration, Instant};

use super::{
    CaFileReport, CatalogReport, CheckStatus, CredentialStoreReport, DataDirReport, DoctorCheck,
    DoctorParams, NetworkReport, ProviderReport, Reachability,
};
use crate::app::auth_settings::{AuthSettings, credential_facts};
use crate::app::auth_slot::AuthHandle;
use crate::app::state::{ProcessEnv, ServerState, Settings};
use crate::auth::types::ConnectionStatus;
use crate::auth::{KeyValidation, StoreKind, StoreMode};
use crate::catalog::CatalogSource;
use crate::net::{ClientSpec, NetworkProfile, SettingSource, build_client, check_ca_file};

/// Permission bits in octal, on Unix.
fn mode_of(path: &Path) -> Option<u32> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path)
            .ok()
            .map(|m| m.permissions().mode() & 0o777)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

fn octal(mode: u32) -> String {
    format!("{mode:04o}")
}

/// Whether a file can be created in `dir` (created and removed at once).
fn can_write_in(dir: &Path) -> Result<(), std::io::Error> {
    let probe = dir.join(format!(".doctor-probe-{}", std::process::id()));
    std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&probe)?;
    std::fs::remove_file(&probe)
}

pub(super) fn data_dir(path: &Path, found: &mut Vec<DoctorCheck>) -> DataDirReport {
    let shown = path.display().to_string();
    let exists = path.exists();
    let (status, summary, writable) = if exists && !path.is_dir() {
        (
            CheckStatus::Failed,
            format!(
                "{shown} is not a directory; point --data-dir (or initialize's dataDir) at a directory"
            ),
            false,
        )
    } else if exists {
        match can_write_in(path) {
            Ok(()) => (
                CheckStatus::Ok,
                match mode_of(path) {
                    Some(mode) => format!("{shown} exists and is writable (mode {})", octal(mode)),
                    None => format!("{shown} exists and is writable"),
                },
                true,
            ),
            Err(err) => (
                CheckStatus::Failed,
                format!(
                    "{shown} cannot be written ({err}); fix its permissions or choose another --data-dir"
                ),
                false,
            ),
        }
    } else {
        let parent = path.ancestors().skip(1).find(|p| p.is_dir());
        match parent.map(|p| (p, can_write_in(p))) {
            Some((_, Ok(()))) => (
                CheckStatus::Ok,
                format!("{shown} does not exist yet; it is created on first write"),
                true,
            ),
            Some((parent, Err(err))) => (
                CheckStatus::Failed,
                format!(
                    "{shown} does not exist and cannot be created: {} is not writable ({err})",
                    parent.display()
                ),
                false,
            ),
            None => (
                CheckStatus::Failed,
                format!("{shown} does not exist and has no existing parent directory"),
                false,
            ),
        }
    };
    found.push(DoctorCheck::new("dataDir", status, summary));
    DataDirReport {
        path: shown,
        exists,
        writable,
        mode: mode_of(path).map(octal),
    }
}

pub(super) async fn credential_store(
    state: &ServerState,
    settings: &Settings,
    found: &mut Vec<DoctorCheck>,
) -> (CredentialStoreReport, Option<AuthHandle>) {
    let configured = AuthSettings::from_config(settings.config.as_deref())
        .ok()
        .and_then(|s| s.store)
        .unwrap_or_default();
    let handle = match state.auth.get(settings, &state.env).await {
        Ok(handle) => handle,
        Err(err) => {
            found.push(DoctorCheck::new(
                "credentialStore",
                CheckStatus::Failed,
                format!("the credential store cannot be opened: {}", err.message),
            ));
            let report = CredentialStoreReport {
                kind: None,
                configured,
                reason: err.message,
                file: None,
                file_mode: None,
            };
            return (report, None);
        }
    };
    let kind = handle.service.store_kind();
    let reason = match (kind, configured, handle.service.store_fallback_reason()) {
        (StoreKind::File, StoreMode::File, _) => {
            "the config asks for the file (auth.store = \"file\")".to_owned()
        }
        (StoreKind::Keyring, StoreMode::Keyring, _) => {
            "the config asks for the OS keyring (auth.store = \"keyring\")".to_owned()
        }
        (StoreKind::Keyring, _, _) => "the OS keyring answered".to_owned(),
        (StoreKind::File, _, Some(why)) => {
            format!("the OS keyring is not available ({why}), so credentials go to a 0600 file")
        }
        (StoreKind::File, _, None) => "the OS keyring is not available".to_owned(),
    };
    let file = (kind == StoreKind::File).then(|| {
        handle
            .service
            .store_config()
            .data_dir
            .join(crate::auth::store::AUTH_FILE_NAME)
    });
    let file_mode = file.as_deref().and_then(mode_of);
    let (status, summary) = match (kind, file_mode) {
        (StoreKind::Keyring, _) => (CheckStatus::Ok, format!("OS keyring: {reason}")),
        (StoreKind::File, Some(mode)) if mode & 0o077 != 0 => (
            CheckStatus::Failed,
            format!(
                "file {}: other users can read it (mode {}); run chmod 600 on it",
                display(file.as_deref()),
                octal(mode)
            ),
        ),
        (StoreKind::File, _) => (
            CheckStatus::Ok,
            format!("file {}: {reason}", display(file.as_deref())),
        ),
    };
    found.push(DoctorCheck::new("credentialStore", status, summary));
    let report = CredentialStoreReport {
        kind: Some(kind),
        configured,
        reason,
        file: file.as_deref().map(|p| p.display().to_string()),
        file_mode: file_mode.map(octal),
    };
    (report, Some(handle))
}

fn display(path: Option<&Path>) -> String {
    path.map(|p| p.display().to_string()).unwrap_or_default()
}

/// A URL without its user info and query, which may hold secrets.
fn shown_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.set_query(None);
            parsed.set_fragment(None);
            parsed.to_string()
        }
        Err(_) => url.split(['?', '#']).next().unwrap_or("").to_owned(),
    }
}

pub(super) async fn catalog(state: &ServerState, found: &mut Vec<DoctorCheck>) -> CatalogReport {
    let runtime = match state.catalog.runtime(state) {
        Ok(runtime) => runtime,
        Err(err) => {
            found.push(DoctorCheck::new(
                "catalog",
                CheckStatus::Failed,
                format!("the config cannot be used: {}", err.message),
            ));
            return CatalogReport {
                source: None,
                fetched_at: None,
                age_minutes: None,
                provider_count: 0,
                model_count: 0,
                url: String::new(),
                fetch_enabled: false,
                last_error: Some(err.message),
            };
        }
    };
    let status = runtime.service.status().await;
    let age_minutes = status
        .fetched_at
        .map(|at| u64::try_from((chrono::Utc::now() - at).num_minutes()).unwrap_or(0));
    let url = shown_url(&status.url);
    let counts = format!(
        "{} providers, {} models",
        status.provider_count, status.model_count
    );
    let origin = match (status.source, age_minutes) {
        (CatalogSource::Embedded, _) => "the snapshot built into this binary".to_owned(),
        (CatalogSource::Cache, Some(age)) => format!("the cache, fetched {}", age_words(age)),
        (CatalogSource::Remote, Some(age)) => format!("{url}, fetched {}", age_words(age)),
        (CatalogSource::Cache, None) => "the cache".to_owned(),
        (CatalogSource::Remote, None) => url.clone(),
    };
    let refresh = if status.fetch_enabled {
        format!("refreshed from {url} every {} minutes", status.ttl_minutes)
    } else {
        "refresh is off (catalog.fetch = false or PROVIDER_SIDECAR_DISABLE_MODELS_FETCH)".to_owned()
    };
    let (check, summary) = match &status.last_error {
        Some(error) => (
            CheckStatus::Warning,
            format!("from {origin} ({counts}); the last refresh failed: {error}"),
        ),
        None => (
            CheckStatus::Ok,
            format!("from {origin} ({counts}); {refresh}"),
        ),
    };
    found.push(DoctorCheck::new("catalog", check, summary));
    CatalogReport {
        source: Some(status.source),
        fetched_at: status.fetched_at.map(|at| at.to_rfc3339()),
        age_minutes,
        provider_count: status.provider_count,
        model_count: status.model_count,
        url,
        fetch_enabled: status.fetch_enabled,
        last_error: status.last_error,
    }
}

fn age_words(minutes: u64) -> String {
    match minutes {
        0 => "just now".to_owned(),
        1..=119 => format!("{minutes} minutes ago"),
        120..=2879 => format!("{} hours ago", minutes / 60),
        _ => format!("{} days ago", minutes / 1440),
    }
}

pub(super) fn network(
    settings: &Settings,
    env: &ProcessEnv,
    found: &mut Vec<DoctorCheck>,
) -> (NetworkReport, Option<NetworkProfile>) {
    let profile = match crate::app::network::process_profile(settings.config.as_deref(), env) {
        Ok(profile) => profile,
        Err(err) => {
            found.push(DoctorCheck::new(
                "network",
                CheckStatus::Failed,
                err.message.clone(),
            ));
            return (NetworkReport::default(), None);
        }
    };
    let source_name = |source: SettingSource| source.name("network.proxy").to_owned();
    let mut report = NetworkReport {
        proxy: profile.proxy_for_display(),
        proxy_from: profile.proxy.as_ref().map(|(_, s)| source_name(*s)),
        no_proxy: profile.no_proxy.as_ref().map(|(list, _)| list.clone()),
        ca_certificates: Vec::new(),
    };
    let mut problems = Vec::new();
    for path in &profile.ca_certificates {
        let (certificates, error) = match check_ca_file(path) {
            Ok(count) => (count, None),
            Err(err) => {
                problems.push(err.to_string());
                (0, Some(err.to_string()))
            }
        };
        report.ca_certificates.push(CaFileReport {
            path: path.display().to_string(),
            certificates,
            error,
        });
    }
    if problems.is_empty()
        && let Err(err) = build_client(&profile, &ClientSpec::default())
    {
        problems.push(err.to_string());
    }
    let mut said = Vec::new();
    match (&report.proxy, &report.proxy_from) {
        (Some(proxy), Some(from)) => said.push(format!("proxy {proxy} (from {from})")),
        _ => said.push("no proxy: requests go direct".to_owned()),
    }
    if let Some(list) = &report.no_proxy {
        said.push(format!("bypassed for {list}"));
    }
    if report.ca_certificates.is_empty() {
        said.push("the platform's certificates only".to_owned());
    } else {
        let count: usize = report.ca_certificates.iter().map(|c| c.certificates).sum();
        said.push(format!(
            "{count} extra CA certificates from {} files",
            report.ca_certificates.len()
        ));
    }
    let (status, summary) = if problems.is_empty() {
        (CheckStatus::Ok, said.join("; "))
    } else {
        (CheckStatus::Failed, problems.join("; "))
    };
    found.push(DoctorCheck::new("network", status, summary));
    (report, problems.is_empty().then_some(profile))
}

pub(super) async fn providers(
    state: &ServerState,
    auth: Option<AuthHandle>,
    profile: Option<NetworkProfile>,
    params: &DoctorParams,
    found: &mut Vec<DoctorCheck>,
) -> Vec<ProviderReport> {
    let Some(auth) = auth else {
        return Vec::new();
    };
    let Ok(runtime) = state.catalog.runtime(state) else {
        return Vec::new();
    };
    let merged = runtime.merged().await;
    let facts = credential_facts(&merged);
    let status = match auth.service.status_of(&auth.env, &facts).await {
        Ok(status) => status,
        Err(err) => {
            found.push(DoctorCheck::new(
                "providers",
                CheckStatus::Failed,
                format!("the stored credentials cannot be read: {err}"),
            ));
            return Vec::new();
        }
    };
    let mut reports: Vec<ProviderReport> = status
        .auth
        .values()
        .filter(|p| p.status == ConnectionStatus::Connected)
        .map(|p| ProviderReport {
            provider_id: p.provider_id.clone(),
            credential_source: p.source,
            env_var: p.env_var.clone(),
            reachability: None,
        })
        .collect();
    let names: Vec<String> = reports.iter().map(provider_words).collect();
    found.push(DoctorCheck::new(
        "providers",
        CheckStatus::Ok,
        if names.is_empty() {
            "no provider is connected yet (no credential stored, in the environment or in the config)"
                .to_owned()
        } else {
            format!("{} connected: {}", names.len(), names.join(", "))
        },
    ));
    if !params.check_reachability {
        return reports;
    }
    let Some(profile) = profile else {
        found.push(DoctorCheck::new(
            "reachability",
            CheckStatus::Skipped,
            "not checked: the network settings cannot be used (see network)",
        ));
        return reports;
    };
    let timeout =
        Duration::from_millis(params.timeout_ms.unwrap_or(super::DEFAULT_REACH_TIMEOUT_MS));
    let spec = ClientSpec {
        timeout: Some(timeout),
        connect_timeout: Some(timeout),
        user_agent: Some(format!("provider-sidecar/{}", env!("CARGO_PKG_VERSION"))),
        ..ClientSpec::default()
    };
    let client = match build_client(&profile, &spec) {
        Ok(client) => client,
        Err(err) => {
            found.push(DoctorCheck::new(
                "reachability",
                CheckStatus::Failed,
                err.to_string(),
            ));
            return reports;
        }
    };
    let tries = reports.iter().map(|report| {
        let url = match auth
            .settings
            .validation_for(&report.provider_id, merged.provider(&report.provider_id))
        {
            KeyValidation::Against(check) => Some(check.url),
            KeyValidation::Skip | KeyValidation::Unsupported => None,
        };
        reach(&client, url)
    });
    let reached = futures::future::join_all(tries).await;
    for (report, reachability) in reports.iter_mut().zip(reached) {
        let name = format!("provider:{}", report.provider_id);
        let (status, summary) = match (&reachability.url, reachability.status, &reachability.error)
        {
            (None, _, _) => (
                CheckStatus::Skipped,
                "not checked: no endpoint is known to try without a credential".to_owned(),
            ),
            (Some(url), Some(code), _) => (
                CheckStatus::Ok,
                format!(
                    "{url} answered HTTP {code} in {} ms (no credential was sent)",
                    reachability.elapsed_ms
                ),
            ),
            (Some(url), None, error) => (
                CheckStatus::Failed,
                format!(
                    "{url} cannot be reached: {}; check the network, the proxy settings or the provider's baseURL",
                    error.as_deref().unwrap_or("no answer")
                ),
            ),
        };
        found.push(DoctorCheck::new(name, status, summary));
        report.reachability = Some(reachability);
    }
    reports
}

/// `openai (env OPENAI_API_KEY)`, `corp (config)`.
fn provider_words(report: &ProviderReport) -> String {
    let source = match (&report.env_var, report.credential_source) {
        (Some(variable), _) => format!("env {variable}"),
        (None, Some(source)) => serde_json::to_value(source)
            .ok()
            .and_then(|v| v.as_str().map(str::to_owned))
            .unwrap_or_default(),
        (None, None) => String::new(),
    };
    if source.is_empty() {
        report.provider_id.clone()
    } else {
        format!("{} ({source})", report.provider_id)
    }
}

/// One GET with no credential: any HTTP answer means the provider is reachable.
async fn reach(client: &reqwest::Client, url: Option<String>) -> Reachability {
    let Some(url) = url else {
        return Reachability {
            url: None,
            reachable: false,
            status: None,
            elapsed_ms: 0,
            error: None,
        };
    };
    let started = Instant::now();
    let answer = client.get(&url).send().await;
    let elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX);
    let (status, error) = match answer {
        Ok(response) => (Some(response.status().as_u16()), None),
        Err(err) if err.is_timeout() => (None, Some(format!("no answer within {elapsed_ms} ms"))),
        // Without the URL: it was shown once already, without its query.
        Err(err) => (None, Some(error_chain(&err.without_url()))),
    };
    Reachability {
        url: Some(shown_url(&url)),
        reachable: status.is_some(),
        status,
        elapsed_ms,
        error,
    }
}

/// An error with its causes ("error sending request: ...: Connection refused").
fn error_chain(err: &dyn std::error::Error) -> String {
    let mut text = err.to_string();
    let mut source = err.source();
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}
