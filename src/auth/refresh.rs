//! Refresh on use: an OAuth credential that has expired or is about to is refreshed before it
//! is handed out, once per provider account however many callers ask at the same time.

use std::sync::Arc;

use super::credential::{Credential, OAuthTokens, normalize_provider_id};
use super::error::{AuthError, AuthResult};
use super::flows::{copilot, now_ms, openai};
use super::service::AuthService;
use super::store::{PutOptions, StoredCredential};

impl AuthService {
    /// The usable credential of a provider's active (or named) account: refreshed when needed.
    /// `Ok(None)` when nothing is stored (the caller falls back to env and config).
    /// A refresh the server rejects marks the account `oauth_required` and fails with
    /// `auth_expired`; so does an account already marked.
    pub async fn resolve(
        &self,
        provider_id: &str,
        account: Option<&str>,
    ) -> AuthResult<Option<StoredCredential>> {
        let provider = normalize_provider_id(provider_id);
        let Some(stored) = self.stored(&provider, account).await? else {
            return Ok(None);
        };
        if stored.needs_reauth {
            return Err(AuthError::Expired { provider });
        }
        if !self.needs_refresh(&stored) {
            return Ok(Some(stored));
        }
        let lock = self.refresh_lock(&provider, &stored.account);
        let _guard = lock.lock().await;
        // Another caller may have refreshed while this one waited.
        let Some(current) = self.stored(&provider, Some(&stored.account)).await? else {
            return Ok(None);
        };
        if current.needs_reauth {
            return Err(AuthError::Expired { provider });
        }
        if !self.needs_refresh(&current) {
            return Ok(Some(current));
        }
        self.refresh_now(&provider, current).await.map(Some)
    }

    /// Exchanges a stored GitHub Copilot sign-in's GitHub token for a short-lived Copilot
    /// API token (not stored: OpenCode keeps only the GitHub token).
    pub async fn copilot_api_token(
        &self,
        account: Option<&str>,
    ) -> AuthResult<copilot::CopilotToken> {
        let stored = self
            .stored(copilot::PROVIDER_ID, account)
            .await?
            .ok_or_else(|| AuthError::NotFound {
                provider: copilot::PROVIDER_ID.to_owned(),
            })?;
        let Credential::Oauth(tokens) = &stored.credential else {
            return Err(AuthError::InvalidParams(
                "the stored GitHub Copilot credential is not a sign-in".into(),
            ));
        };
        let urls = self.github_urls(tokens);
        copilot::exchange_copilot_token(self.inner.http.get()?, &urls, &tokens.refresh).await
    }

    fn needs_refresh(&self, stored: &StoredCredential) -> bool {
        let margin =
            u64::try_from(self.inner.config.refresh_margin.as_millis()).unwrap_or(u64::MAX);
        match &stored.credential {
            Credential::Oauth(tokens) => tokens.needs_refresh(now_ms(), margin),
            _ => false,
        }
    }

    fn refresh_lock(&self, provider: &str, account: &str) -> Arc<tokio::sync::Mutex<()>> {
        let mut locks = self
            .inner
            .refresh_locks
            .lock()
            .unwrap_or_else(|e| e.into_inner());
        locks
            .entry(format!("{provider}\u{0}{account}"))
            .or_default()
            .clone()
    }

    fn github_urls(&self, tokens: &OAuthTokens) -> copilot::GithubUrls {
        let domain = tokens
            .enterprise_url
            .as_deref()
            .map(copilot::normalize_domain)
            .unwrap_or_else(|| copilot::DEFAULT_DOMAIN.to_owned());
        copilot::GithubUrls::for_domain(
            &domain,
            self.inner.config.endpoints.github_base_override.as_deref(),
        )
    }

    async fn refresh_now(
        &self,
        provider: &str,
        current: StoredCredential,
    ) -> AuthResult<StoredCredential> {
        let Credential::Oauth(tokens) = &current.credential else {
            return Ok(current);
        };
        tracing::info!(provider, "refreshing OAuth token");
        let http = self.inner.http.get()?;
        let refreshed: AuthResult<(Credential, Option<String>)> = match provider {
            openai::PROVIDER_ID => {
                match openai::refresh(
                    http,
                    &self.inner.config.endpoints.openai_issuer,
                    &tokens.refresh,
                )
                .await
                {
                    Ok(fresh) => openai::into_credential(
                        fresh,
                        Some(&tokens.refresh),
                        tokens.account_id.as_deref(),
                    ),
                    Err(err) => Err(err),
                }
            }
            copilot::PROVIDER_ID => {
                let urls = self.github_urls(tokens);
                copilot::exchange_copilot_token(http, &urls, &tokens.refresh)
                    .await
                    .map(|token| {
                        let credential = Credential::Oauth(OAuthTokens {
                            refresh: tokens.refresh.clone(),
                            access: token.token,
                            expires: token.expires_at_ms,
                            account_id: tokens.account_id.clone(),
                            enterprise_url: tokens.enterprise_url.clone(),
                        });
                        (credential, None)
                    })
            }
            // No refresh grant known for this provider: the token is simply expired.
            _ => Err(AuthError::Expired {
                provider: provider.to_owned(),
            }),
        };
        let (credential, label) = match refreshed {
            Ok(done) => done,
            Err(err) if is_rejection(&err) => {
                tracing::warn!(
                    provider,
                    kind = err.kind(),
                    "token refresh rejected; sign-in required"
                );
                let (p, a) = (provider.to_owned(), current.account.clone());
                self.blocking(move |store| store.mark_needs_reauth(&p, &a))
                    .await?;
                return Err(AuthError::Expired {
                    provider: provider.to_owned(),
                });
            }
            Err(err) => return Err(err),
        };
        let label = label.or(current.label.clone());
        self.put_credential(
            provider,
            &current.account,
            credential,
            PutOptions {
                label,
                activate: false,
            },
        )
        .await?;
        self.stored(provider, Some(&current.account))
            .await?
            .ok_or_else(|| AuthError::NotFound {
                provider: provider.to_owned(),
            })
    }
}

/// The server said no (as opposed to a network failure or an outage): sign in again.
fn is_rejection(err: &AuthError) -> bool {
    match err {
        AuthError::Http { status, .. } => (400..500).contains(status) && *status != 429,
        AuthError::Expired { .. } | AuthError::InvalidCredential { .. } => true,
        _ => false,
    }
}
