use std::collections::HashMap;
use std::process::{Command, Stdio};
use std::sync::Mutex;

use super::*;
use crate::auth::credential::{Credential, OAuthTokens};
use crate::auth::secret::Secret;

const CHILD_DIR_ENV: &str = "SIDECAR_AUTH_TEST_CHILD_DIR";
const CHILD_MODE_ENV: &str = "SIDECAR_AUTH_TEST_CHILD_MODE";

/// A vault in memory, standing in for a reachable keyring.
#[derive(Default)]
pub(crate) struct MemoryVault {
    pub entries: Mutex<HashMap<String, String>>,
    /// How many times an entry was read.
    pub reads: std::sync::atomic::AtomicUsize,
}

impl SecretVault for MemoryVault {
    fn set(&self, user: &str, secret: &Secret) -> Result<(), VaultError> {
        self.entries
            .lock()
            .expect("vault lock")
            .insert(user.to_owned(), secret.expose().to_owned());
        Ok(())
    }
    fn get(&self, user: &str) -> Result<Option<Secret>, VaultError> {
        self.reads.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        Ok(self
            .entries
            .lock()
            .expect("vault lock")
            .get(user)
            .map(|v| Secret::new(v.clone())))
    }
    fn delete(&self, user: &str) -> Result<(), VaultError> {
        self.entries.lock().expect("vault lock").remove(user);
        Ok(())
    }
}

/// A vault that fails the way keyring does on a headless Linux without D-Bus.
pub(crate) struct UnreachableVault;

impl SecretVault for UnreachableVault {
    fn set(&self, _: &str, _: &Secret) -> Result<(), VaultError> {
        Err(VaultError(
            "no secret service provider or dbus session found".into(),
        ))
    }
    fn get(&self, _: &str) -> Result<Option<Secret>, VaultError> {
        Err(VaultError(
            "no secret service provider or dbus session found".into(),
        ))
    }
    fn delete(&self, _: &str) -> Result<(), VaultError> {
        Err(VaultError(
            "no secret service provider or dbus session found".into(),
        ))
    }
}

/// Stores `key` as the API key of `openai`'s default account.
pub(super) fn put_api_key(backend: &dyn CredentialBackend, key: &str) {
    backend
        .put(
            "openai",
            "default",
            &Credential::api_key(key),
            PutOptions::default(),
        )
        .expect("put");
}

fn oauth(access: &str, refresh: &str) -> Credential {
    Credential::Oauth(OAuthTokens {
        refresh: refresh.into(),
        access: access.into(),
        expires: 1_900_000_000_000,
        account_id: Some("acct-1".into()),
        enterprise_url: None,
    })
}

fn exercise_backend(backend: &dyn CredentialBackend) {
    assert!(backend.get("openai", None).expect("get").is_none());
    backend
        .put(
            "openai",
            "work",
            &oauth("acc-work", "ref-work"),
            PutOptions::default(),
        )
        .expect("put work");
    backend
        .put(
            "openai",
            "home",
            &Credential::api_key("sk-home"),
            PutOptions {
                label: Some("Home key".into()),
                activate: false,
            },
        )
        .expect("put home");
    // The first account is active; another is reachable by name.
    let active = backend.get("openai", None).expect("get").expect("some");
    assert_eq!(active.account, "work");
    assert_eq!(active.credential, oauth("acc-work", "ref-work"));
    let home = backend
        .get("openai", Some("home"))
        .expect("get")
        .expect("some");
    assert_eq!(home.label.as_deref(), Some("Home key"));
    backend.set_active("openai", "home").expect("activate");
    assert_eq!(
        backend
            .get("openai", None)
            .expect("get")
            .expect("some")
            .account,
        "home"
    );
    assert!(backend.set_active("openai", "nobody").is_err());

    backend.mark_needs_reauth("openai", "home").expect("mark");
    assert!(
        backend
            .get("openai", None)
            .expect("get")
            .expect("some")
            .needs_reauth
    );

    let index = backend.index().expect("index");
    let record = &index.providers["openai"];
    assert_eq!(record.active, "home");
    assert_eq!(record.accounts.len(), 2);
    assert!(record.accounts.values().all(|a| a.credential.is_none()));

    assert_eq!(
        backend.remove("openai", Some("home")).expect("remove"),
        vec!["home".to_owned()]
    );
    assert_eq!(
        backend
            .get("openai", None)
            .expect("get")
            .expect("some")
            .account,
        "work"
    );
    assert_eq!(
        backend.remove("openai", None).expect("remove all"),
        vec!["work".to_owned()]
    );
    assert!(backend.get("openai", None).expect("get").is_none());
    assert!(backend.index().expect("index").providers.is_empty());
}

#[test]
fn file_backend_accounts_round_trip() {
    let dir = tempfile::tempdir().expect("tempdir");
    let backend = FileBackend::open(dir.path()).expect("open");
    exercise_backend(&backend);
}

#[test]
fn keyring_backend_keeps_secrets_out_of_the_index() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = Arc::new(MemoryVault::default());
    let backend = KeyringBackend::open(dir.path(), vault.clone()).expect("open");
    backend
        .put(
            "anthropic",
            "default",
            &Credential::api_key("sk-ant-secret"),
            PutOptions::default(),
        )
        .expect("put");
    let index_text = std::fs::read_to_string(dir.path().join(INDEX_FILE_NAME)).expect("index file");
    assert!(index_text.contains("anthropic"));
    assert!(!index_text.contains("sk-ant-secret"));
    assert!(vault.entries.lock().expect("lock")["anthropic:default"].contains("sk-ant-secret"));
    backend.remove("anthropic", None).expect("remove");
    assert!(vault.entries.lock().expect("lock").is_empty());
    exercise_backend(&backend);
}

/// Backdates `path` as if it had been written a while ago (a version is remembered only once no
/// later one can share its modification time; see `FileStamp::is_settled`).
fn age(path: &std::path::Path) {
    let file = std::fs::File::options()
        .write(true)
        .open(path)
        .expect("open to age");
    let long_ago = std::time::SystemTime::now() - std::time::Duration::from_secs(60);
    file.set_modified(long_ago).expect("backdate");
}

/// `get_known` answers as `get` would while the file at `path` is the version `reader` read last,
/// and not at all once anything changed it; `writer` and `reader` stand for two processes.
fn known_lookups_follow_every_change(
    writer: &dyn CredentialBackend,
    reader: &dyn CredentialBackend,
    path: &std::path::Path,
) {
    let key_in = |found: Option<StoredCredential>| {
        found.map(|stored| match stored.credential {
            Credential::Api { key, .. } => key.expose().to_owned(),
            other => format!("{:?}", other.kind()),
        })
    };
    let known = |provider: &str| {
        reader
            .get_known(provider, None)
            .map(|answer| key_in(answer.expect("known lookup")))
    };
    let read = || key_in(reader.get("openai", None).expect("get"));
    let put = |key: &str| put_api_key(writer, key);
    assert_eq!(known("openai"), None, "nothing read yet");
    assert_eq!(read(), None);
    assert_eq!(
        known("openai"),
        Some(None),
        "a missing file is known to be missing"
    );

    put("sk-one");
    assert_eq!(
        known("openai"),
        None,
        "another writer's change is a new version"
    );
    assert_eq!(read(), Some("sk-one".into()));
    assert_eq!(
        known("openai"),
        None,
        "a version written a moment ago is read again"
    );
    age(path);
    assert_eq!(known("openai"), None);
    assert_eq!(read(), Some("sk-one".into()));
    assert_eq!(known("openai"), Some(Some("sk-one".into())));
    assert_eq!(
        known("anthropic"),
        Some(None),
        "the same version, another provider"
    );

    put("sk-two");
    age(path);
    assert_eq!(known("openai"), None);
    assert_eq!(read(), Some("sk-two".into()));
    assert_eq!(known("openai"), Some(Some("sk-two".into())));

    writer.remove("openai", None).expect("remove");
    age(path);
    assert_eq!(known("openai"), None);
    assert_eq!(read(), None);
    assert_eq!(known("openai"), Some(None));
}

#[test]
fn file_backend_knows_a_credential_only_while_the_file_is_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let writer = FileBackend::open(dir.path()).expect("open");
    let reader = FileBackend::open(dir.path()).expect("open");
    known_lookups_follow_every_change(&writer, &reader, &dir.path().join(AUTH_FILE_NAME));
}

#[test]
fn keyring_backend_knows_a_credential_only_while_the_index_is_unchanged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = Arc::new(MemoryVault::default());
    let writer = KeyringBackend::open(dir.path(), vault.clone()).expect("open");
    let reader = KeyringBackend::open(dir.path(), vault.clone()).expect("open");
    let index = dir.path().join(INDEX_FILE_NAME);
    known_lookups_follow_every_change(&writer, &reader, &index);
    // A credential kept past its time is not known: only the keyring can tell.
    let forgetful = KeyringBackend::open(dir.path(), vault.clone())
        .expect("open")
        .keeping_for(std::time::Duration::ZERO);
    put_api_key(&forgetful, "sk-three");
    age(&index);
    assert!(forgetful.get("openai", None).expect("get").is_some());
    assert!(forgetful.get_known("openai", None).is_none());
}

#[test]
fn auto_mode_falls_back_to_the_file_when_the_keyring_is_unreachable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let config = StoreConfig::new(dir.path());
    let opened = open_store_with_vault(&config, Arc::new(UnreachableVault)).expect("open");
    assert_eq!(opened.backend.kind(), StoreKind::File);
    assert!(
        opened
            .fallback_reason
            .as_deref()
            .is_some_and(|r| r.contains("dbus"))
    );
    opened
        .backend
        .put(
            "openai",
            "default",
            &Credential::api_key("sk-x"),
            PutOptions::default(),
        )
        .expect("put");
    assert!(dir.path().join(AUTH_FILE_NAME).exists());

    let forced = StoreConfig {
        mode: StoreMode::Keyring,
        ..config.clone()
    };
    let err = open_store_with_vault(&forced, Arc::new(UnreachableVault))
        .err()
        .expect("forced keyring fails");
    assert_eq!(err.kind(), "auth_store");

    let reachable = open_store_with_vault(&config, Arc::new(MemoryVault::default())).expect("open");
    assert_eq!(reachable.backend.kind(), StoreKind::Keyring);
    assert!(reachable.fallback_reason.is_none());
}

/// The real OS keyring on this machine: without a D-Bus session it must fall back cleanly.
#[test]
fn auto_mode_with_the_os_keyring_picks_a_working_store() {
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = StoreConfig::new(dir.path());
    config.keyring_service = format!("provider-sidecar-test-{}", std::process::id());
    let opened = open_store(&config).expect("open");
    let user_provider = "sidecar-probe-provider";
    opened
        .backend
        .put(
            user_provider,
            "default",
            &Credential::api_key("sk-probe"),
            PutOptions::default(),
        )
        .expect("put works on whichever store was chosen");
    let back = opened
        .backend
        .get(user_provider, None)
        .expect("get")
        .expect("stored");
    assert_eq!(back.credential, Credential::api_key("sk-probe"));
    opened.backend.remove(user_provider, None).expect("cleanup");
    match opened.backend.kind() {
        StoreKind::File => assert!(opened.fallback_reason.is_some()),
        StoreKind::Keyring => assert!(opened.fallback_reason.is_none()),
    }
}

/// A gnome-keyring started with an empty password on a fresh home has no login keyring, so
/// its `default` alias points nowhere and every lookup fails. Point the alias at the daemon's
/// in-memory `session` collection (no prompt needed), as a desktop's login keyring would be.
fn ensure_default_collection() -> Result<(), zbus::Error> {
    const DEST: &str = "org.freedesktop.secrets";
    const PATH: &str = "/org/freedesktop/secrets";
    const IFACE: &str = "org.freedesktop.Secret.Service";
    let conn = zbus::blocking::Connection::session()?;
    let reply = conn.call_method(Some(DEST), PATH, Some(IFACE), "ReadAlias", &("default",))?;
    let current: zbus::zvariant::OwnedObjectPath = reply.body().deserialize()?;
    if current.as_str() == "/" {
        let session =
            zbus::zvariant::ObjectPath::try_from("/org/freedesktop/secrets/collection/session")?;
        conn.call_method(
            Some(DEST),
            PATH,
            Some(IFACE),
            "SetAlias",
            &("default", session),
        )?;
    }
    Ok(())
}

/// Runs against a real Secret Service: `scripts/test` starts one (gnome-keyring in a private D-Bus
/// session) and runs the ignored tests too.
#[test]
#[ignore = "needs a Secret Service: run scripts/test"]
fn real_secret_service_round_trip() {
    ensure_default_collection().expect("prepare the Secret Service");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = StoreConfig::new(dir.path());
    config.mode = StoreMode::Keyring;
    config.keyring_service = format!("provider-sidecar-test-{}", std::process::id());
    let opened = open_store(&config).expect("the Secret Service must be reachable");
    assert_eq!(opened.backend.kind(), StoreKind::Keyring);
    exercise_backend(opened.backend.as_ref());
    opened
        .backend
        .put(
            "openai",
            "default",
            &oauth("real-access", "real-refresh"),
            PutOptions::default(),
        )
        .expect("put");
    let vault = OsKeyring::new(&config.keyring_service);
    let raw = vault
        .get("openai:default")
        .expect("get")
        .expect("entry exists");
    assert!(raw.expose().contains("real-access"));
    let index_text = std::fs::read_to_string(dir.path().join(INDEX_FILE_NAME)).expect("index file");
    assert!(!index_text.contains("real-access"));
    opened.backend.remove("openai", None).expect("remove");
    assert!(vault.get("openai:default").expect("get").is_none());
}

#[cfg(unix)]
#[test]
fn file_and_dir_permissions_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let parent = tempfile::tempdir().expect("tempdir");
    let data_dir = parent.path().join("data");
    let backend = FileBackend::open(&data_dir).expect("open");
    backend
        .put(
            "openai",
            "default",
            &Credential::api_key("sk"),
            PutOptions::default(),
        )
        .expect("put");
    let mode =
        |p: &std::path::Path| std::fs::metadata(p).expect("metadata").permissions().mode() & 0o777;
    assert_eq!(mode(&data_dir), 0o700);
    assert_eq!(mode(backend.path()), 0o600);
    assert_eq!(mode(&data_dir.join("auth.json.lock")), 0o600);
    let leftovers: Vec<_> = std::fs::read_dir(&data_dir)
        .expect("read dir")
        .filter_map(Result::ok)
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

fn child_writes(dir: &std::path::Path, prefix: &str, count: usize) {
    let backend = FileBackend::open(dir).expect("open");
    for i in 0..count {
        backend
            .put(
                &format!("{prefix}-{i}"),
                "default",
                &Credential::api_key(format!("key-{prefix}-{i}")),
                PutOptions::default(),
            )
            .expect("put");
    }
}

fn spawn_self(test_name: &str, dir: &std::path::Path, mode: &str) -> std::process::Child {
    Command::new(std::env::current_exe().expect("test binary path"))
        .args([test_name, "--exact", "--test-threads=1"])
        .env(CHILD_DIR_ENV, dir)
        .env(CHILD_MODE_ENV, mode)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawn the test binary as a second process")
}

/// Two processes (this one with two threads, each its own store instance, and a child)
/// write 200 entries each at once; every entry survives.
#[test]
fn two_processes_never_lose_entries() {
    if let Ok(dir) = std::env::var(CHILD_DIR_ENV) {
        if std::env::var(CHILD_MODE_ENV).as_deref() == Ok("write200") {
            child_writes(std::path::Path::new(&dir), "child", 200);
        }
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let mut child = spawn_self(
        "auth::store::tests::two_processes_never_lose_entries",
        dir.path(),
        "write200",
    );
    std::thread::scope(|scope| {
        scope.spawn(|| child_writes(dir.path(), "parent-a", 100));
        scope.spawn(|| child_writes(dir.path(), "parent-b", 100));
    });
    let status = child.wait().expect("child exits");
    assert!(status.success(), "child writer failed: {status}");

    let backend = FileBackend::open(dir.path()).expect("open");
    let index = backend.index().expect("index");
    assert_eq!(index.providers.len(), 400);
    for (prefix, count) in [("child", 200), ("parent-a", 100), ("parent-b", 100)] {
        for i in 0..count {
            let id = format!("{prefix}-{i}");
            let got = backend.get(&id, None).expect("get").expect("entry present");
            assert_eq!(
                got.credential,
                Credential::api_key(format!("key-{prefix}-{i}"))
            );
        }
    }
}

/// A writer killed with SIGKILL mid-write leaves a valid file and a usable lock.
#[cfg(unix)]
#[test]
fn kill_during_write_leaves_a_valid_file() {
    use std::time::{Duration, Instant};
    if let Ok(dir) = std::env::var(CHILD_DIR_ENV) {
        if std::env::var(CHILD_MODE_ENV).as_deref() == Ok("loop") {
            let backend = FileBackend::open(std::path::Path::new(&dir)).expect("open");
            let big = "x".repeat(64 * 1024);
            for i in 0.. {
                let _ = backend.put(
                    &format!("loop-{}", i % 50),
                    "default",
                    &Credential::api_key(format!("{big}{i}")),
                    PutOptions::default(),
                );
            }
        }
        return;
    }
    let dir = tempfile::tempdir().expect("tempdir");
    for round in 0..3 {
        let mut child = spawn_self(
            "auth::store::tests::kill_during_write_leaves_a_valid_file",
            dir.path(),
            "loop",
        );
        let auth_file = dir.path().join(AUTH_FILE_NAME);
        let started = Instant::now();
        while !auth_file.exists() && started.elapsed() < Duration::from_secs(10) {
            std::thread::sleep(Duration::from_millis(5));
        }
        std::thread::sleep(Duration::from_millis(40 + round * 37));
        child.kill().expect("SIGKILL");
        child.wait().expect("reaped");

        let text = std::fs::read_to_string(&auth_file).expect("file exists");
        let doc: AuthDocument = serde_json::from_str(&text).expect("valid JSON after kill -9");
        assert!(!doc.providers.is_empty());
        let backend = FileBackend::open(dir.path()).expect("open");
        backend
            .put(
                &format!("after-{round}"),
                "default",
                &Credential::api_key("k"),
                PutOptions::default(),
            )
            .expect("the lock is free again after the writer died");
        let leftovers = std::fs::read_dir(dir.path())
            .expect("read dir")
            .filter_map(Result::ok)
            .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
            .count();
        assert_eq!(
            leftovers, 0,
            "the next write removes the dead writer's temp file"
        );
    }
}

/// The async service on a real Secret Service: store calls run on blocking threads, where
/// the keyring's D-Bus client must work inside a tokio runtime.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "needs a Secret Service: run scripts/test"]
async fn real_secret_service_through_the_async_service() {
    tokio::task::spawn_blocking(ensure_default_collection)
        .await
        .expect("task")
        .expect("prepare the Secret Service");
    let dir = tempfile::tempdir().expect("tempdir");
    let mut config = crate::auth::AuthConfig::new(dir.path());
    config.store.keyring_service = format!("provider-sidecar-async-{}", std::process::id());
    let store_config = config.store.clone();
    let opened = tokio::task::spawn_blocking(move || open_store(&store_config))
        .await
        .expect("task")
        .expect("open");
    assert_eq!(opened.backend.kind(), StoreKind::Keyring);
    let service = crate::auth::AuthService::with_parts(config, opened, reqwest::Client::new());
    service
        .set_api_key(
            crate::auth::SetTokenParams {
                provider_id: "anthropic".into(),
                token: "sk-ant-keyring".into(),
                account: None,
                label: None,
                activate: None,
                metadata: Default::default(),
            },
            crate::auth::KeyValidation::Skip,
        )
        .await
        .expect("set");
    let got = service
        .resolve("anthropic", None)
        .await
        .expect("resolve")
        .expect("some");
    assert_eq!(got.credential, Credential::api_key("sk-ant-keyring"));
    let status = service
        .status(&crate::auth::EnvSnapshot::default(), &Default::default())
        .await
        .expect("status");
    assert_eq!(
        status.auth["anthropic"].source,
        Some(crate::auth::CredentialLocation::Keyring)
    );
    service
        .remove(crate::auth::RemoveParams {
            provider_id: "anthropic".into(),
            account: None,
        })
        .await
        .expect("remove");
    assert!(
        service
            .stored("anthropic", None)
            .await
            .expect("get")
            .is_none()
    );
}
