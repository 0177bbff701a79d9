//! The keyring backend's credentials kept in memory: read again when the index's record changes,
//! after they were kept long enough, and once a provider rejected one.

use std::sync::Arc;

use super::keyring::KeyringBackend;
use super::tests::{MemoryVault, put_api_key};
use super::{CredentialBackend, PutOptions, StoredCredential};
use crate::auth::credential::Credential;

#[test]
fn keyring_backend_reads_an_entry_again_only_when_its_record_changes() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = Arc::new(MemoryVault::default());
    let reads = || vault.reads.load(std::sync::atomic::Ordering::SeqCst);
    let key_of = |backend: &KeyringBackend| match backend.get("openai", None).expect("get") {
        Some(StoredCredential {
            credential: Credential::Api { key, .. },
            needs_reauth,
            ..
        }) => Some((key.expose().to_owned(), needs_reauth)),
        other => other.map(|stored| (format!("{:?}", stored.credential.kind()), false)),
    };
    // `writer` and `reader` stand for two processes sharing the data dir and the keyring.
    let writer = KeyringBackend::open(dir.path(), vault.clone()).expect("open");
    let reader = KeyringBackend::open(dir.path(), vault.clone()).expect("open");
    let put = |key: &str| put_api_key(&writer, key);

    put("sk-one");
    assert_eq!(key_of(&writer), Some(("sk-one".into(), false)));
    assert_eq!(reads(), 0, "what this process wrote it knows");
    assert_eq!(key_of(&reader), Some(("sk-one".into(), false)));
    assert_eq!(key_of(&reader), Some(("sk-one".into(), false)));
    assert_eq!(reads(), 1, "read once, then known");

    put("sk-two");
    assert_eq!(key_of(&reader), Some(("sk-two".into(), false)));
    assert_eq!(reads(), 2, "a new record is read again");

    writer.mark_needs_reauth("openai", "default").expect("mark");
    assert_eq!(key_of(&reader), Some(("sk-two".into(), true)));
    writer.remove("openai", None).expect("remove");
    assert_eq!(key_of(&reader), None);
    assert_eq!(key_of(&writer), None);
}

#[test]
fn keyring_backend_reads_an_entry_again_once_it_was_kept_long_enough() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = Arc::new(MemoryVault::default());
    let backend = KeyringBackend::open(dir.path(), vault.clone())
        .expect("open")
        .keeping_for(std::time::Duration::ZERO);
    put_api_key(&backend, "sk-one");
    // Changed by hand in the keyring: no record in the index says so.
    vault.entries.lock().expect("vault lock").insert(
        "openai:default".into(),
        serde_json::to_string(&Credential::api_key("sk-by-hand")).expect("json"),
    );
    let stored = backend.get("openai", None).expect("get").expect("stored");
    assert_eq!(stored.credential, Credential::api_key("sk-by-hand"));
    assert_eq!(vault.reads.load(std::sync::atomic::Ordering::SeqCst), 1);
}

#[test]
fn keyring_backend_forgets_a_provider_s_kept_credentials_when_told() {
    let dir = tempfile::tempdir().expect("tempdir");
    let vault = Arc::new(MemoryVault::default());
    let backend = KeyringBackend::open(dir.path(), vault.clone()).expect("open");
    for provider in ["openai", "anthropic"] {
        backend
            .put(
                provider,
                "default",
                &Credential::api_key("sk-one"),
                PutOptions::default(),
            )
            .expect("put");
    }
    let by_hand = serde_json::to_string(&Credential::api_key("sk-by-hand")).expect("json");
    for user in ["openai:default", "anthropic:default"] {
        vault
            .entries
            .lock()
            .expect("vault lock")
            .insert(user.into(), by_hand.clone());
    }
    let credential = |provider: &str| {
        backend
            .get(provider, None)
            .expect("get")
            .expect("stored")
            .credential
    };
    // Kept: the change by hand is not seen yet.
    assert_eq!(credential("openai"), Credential::api_key("sk-one"));
    backend.forget_known("openai");
    assert!(
        backend.get_known("openai", None).is_none(),
        "nothing of openai's is answered from memory"
    );
    assert_eq!(credential("openai"), Credential::api_key("sk-by-hand"));
    assert_eq!(
        credential("anthropic"),
        Credential::api_key("sk-one"),
        "another provider keeps its credential"
    );
}
