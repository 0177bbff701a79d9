//! `auth/oauth/authorize` and `auth/oauth/callback`: starting a sign-in flow and following it.
//! "auto" flows run in a background task that stores the credential when it succeeds; the
//! callback only reports where the flow is. "code" flows finish when the callback brings the code.

use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use tokio::task::JoinHandle;

use super::credential::{
    Credential, DEFAULT_ACCOUNT, OAuthTokens, normalize_provider_id, validate_account_name,
};
use super::error::{AuthError, AuthResult};
use super::flows::callback_server::CallbackServer;
use super::flows::pkce::{Pkce, new_authorization_id, new_state};
use super::flows::{AuthProgress, ProgressSink, copilot, openai};
use super::methods::{FlowKind, methods_with_flows};
use super::service::AuthService;
use super::store::PutOptions;
use super::types::{
    AuthorizeParams, CallbackParams, CallbackStatus, OAuthAuthorizeResult, OAuthCallbackResult,
    OAuthFlowMethod,
};
use crate::auth::secret::Secret;

/// How long a finished or abandoned authorization is remembered.
const PENDING_TTL: Duration = Duration::from_secs(30 * 60);

pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send>>;
/// Turns a pasted code into the credential to store (and an account label).
pub type CodeExchange =
    Box<dyn FnOnce(Secret) -> BoxFuture<AuthResult<(Credential, Option<String>)>> + Send>;
type CodeFinisher = Box<dyn FnOnce(Secret) -> BoxFuture<AuthResult<()>> + Send>;

enum AutoState {
    Pending,
    Connected,
    Failed(AuthError),
}

enum Completion {
    Auto {
        state: Arc<Mutex<AutoState>>,
        task: JoinHandle<()>,
    },
    Code(CodeFinisher),
}

struct Pending {
    provider_id: String,
    method: usize,
    created: Instant,
    /// Taken out when a code flow is finished.
    completion: Option<Completion>,
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Some(Completion::Auto { task, .. }) = &self.completion {
            task.abort();
        }
    }
}

/// Sign-ins in progress, by authorization id.
#[derive(Default)]
pub(crate) struct PendingAuthorizations {
    entries: Mutex<HashMap<String, Pending>>,
}

impl PendingAuthorizations {
    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, Pending>> {
        // A panic while holding this lock leaves plain data behind; keep using it.
        self.entries.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Drops expired entries and any earlier sign-in with the same provider and method
    /// (a second browser sign-in needs the callback port).
    fn replace_for(&self, provider_id: &str, method: usize) {
        let mut entries = self.lock();
        entries.retain(|_, p| {
            p.created.elapsed() < PENDING_TTL
                && !(p.provider_id == provider_id && p.method == method)
        });
    }

    fn insert(&self, id: String, pending: Pending) {
        self.lock().insert(id, pending);
    }
}

/// What starting a flow yields.
struct Started {
    url: String,
    instructions: String,
    method: OAuthFlowMethod,
    run: StartedRun,
}

enum StartedRun {
    Auto(BoxFuture<AuthResult<(Credential, Option<String>)>>),
}

impl AuthService {
    /// Starts the provider's `method`-th sign-in. `progress` hears from device flows while
    /// they wait (for `$/progress`).
    pub async fn authorize(
        &self,
        params: AuthorizeParams,
        progress: Option<ProgressSink>,
    ) -> AuthResult<OAuthAuthorizeResult> {
        let provider_id = normalize_provider_id(&params.provider_id);
        let methods = methods_with_flows(&provider_id);
        let (_, flow) = methods
            .get(params.method)
            .ok_or_else(|| AuthError::UnknownMethod {
                provider: provider_id.clone(),
                index: params.method,
            })?;
        let account = params.account.unwrap_or_else(|| DEFAULT_ACCOUNT.to_owned());
        validate_account_name(&account)?;
        let inputs = params.inputs.unwrap_or_default();
        let authorization_id = new_authorization_id();
        self.inner.pending.replace_for(&provider_id, params.method);

        let on_wait = wait_reporter(progress, &provider_id, &authorization_id);
        let started = match flow {
            FlowKind::ApiKey => {
                return Err(AuthError::InvalidParams(format!(
                    "method {} of `{provider_id}` takes an API key: use auth/set",
                    params.method
                )));
            }
            FlowKind::OpenAiBrowser => self.start_openai_browser().await?,
            FlowKind::OpenAiHeadless => self.start_openai_headless(on_wait).await?,
            FlowKind::CopilotDevice => self.start_copilot(&inputs, on_wait).await?,
        };

        let StartedRun::Auto(run) = started.run;
        let state = Arc::new(Mutex::new(AutoState::Pending));
        let task_state = state.clone();
        let service = self.clone();
        let (provider, task_account) = (provider_id.clone(), account.clone());
        let task = tokio::spawn(async move {
            let outcome = match run.await {
                Ok((credential, label)) => {
                    service
                        .store_signed_in(&provider, &task_account, credential, label)
                        .await
                }
                Err(err) => Err(err),
            };
            if let Err(err) = &outcome {
                tracing::info!(provider = %provider, kind = err.kind(), "sign-in failed");
            }
            *task_state.lock().unwrap_or_else(|e| e.into_inner()) = match outcome {
                Ok(()) => AutoState::Connected,
                Err(err) => AutoState::Failed(err),
            };
        });
        let completion = Completion::Auto { state, task };
        self.inner.pending.insert(
            authorization_id.clone(),
            Pending {
                provider_id: provider_id.clone(),
                method: params.method,
                created: Instant::now(),
                completion: Some(completion),
            },
        );
        Ok(OAuthAuthorizeResult {
            provider_id,
            authorization_id,
            url: started.url,
            method: started.method,
            instructions: started.instructions,
        })
    }

    /// Reports an "auto" flow's state (`pending` until it is done), or finishes a "code" flow
    /// with the pasted code. A failed flow returns its error once and is forgotten.
    pub async fn callback(&self, params: CallbackParams) -> AuthResult<OAuthCallbackResult> {
        let provider_id = normalize_provider_id(&params.provider_id);
        let not_found = || AuthError::AuthorizationNotFound {
            id: params.authorization_id.clone(),
        };
        let finisher = {
            let mut entries = self.inner.pending.lock();
            let pending = entries
                .get_mut(&params.authorization_id)
                .ok_or_else(not_found)?;
            if pending.provider_id != provider_id || pending.method != params.method {
                return Err(not_found());
            }
            let auto_state = match &pending.completion {
                Some(Completion::Auto { state, .. }) => {
                    let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
                    Some(std::mem::replace(&mut *state, AutoState::Pending))
                }
                Some(Completion::Code(_)) => None,
                None => return Err(not_found()),
            };
            match auto_state {
                Some(AutoState::Pending) => {
                    return Ok(OAuthCallbackResult {
                        status: CallbackStatus::Pending,
                    });
                }
                Some(AutoState::Connected) => {
                    entries.remove(&params.authorization_id);
                    return Ok(OAuthCallbackResult {
                        status: CallbackStatus::Connected,
                    });
                }
                Some(AutoState::Failed(err)) => {
                    entries.remove(&params.authorization_id);
                    return Err(err);
                }
                None => {
                    if params
                        .code
                        .as_ref()
                        .is_none_or(|c| c.expose().trim().is_empty())
                    {
                        return Err(AuthError::CodeMissing);
                    }
                    match entries
                        .remove(&params.authorization_id)
                        .and_then(|mut p| p.completion.take())
                    {
                        Some(Completion::Code(finish)) => finish,
                        _ => return Err(not_found()),
                    }
                }
            }
        };
        let code = params.code.ok_or(AuthError::CodeMissing)?;
        finisher(code).await?;
        Ok(OAuthCallbackResult {
            status: CallbackStatus::Connected,
        })
    }

    /// Registers a sign-in that finishes with a code the user pastes (`method: "code"`), for
    /// flows defined outside this module; returns its authorization id. `exchange` turns the
    /// code into the credential stored under `account`.
    pub fn register_code_flow(
        &self,
        provider_id: &str,
        method: usize,
        account: &str,
        exchange: CodeExchange,
    ) -> AuthResult<String> {
        validate_account_name(account)?;
        let provider = normalize_provider_id(provider_id);
        self.inner.pending.replace_for(&provider, method);
        let authorization_id = new_authorization_id();
        let service = self.clone();
        let (store_provider, store_account) = (provider.clone(), account.to_owned());
        let finish: CodeFinisher = Box::new(move |code| {
            Box::pin(async move {
                let (credential, label) = exchange(code).await?;
                service
                    .store_signed_in(&store_provider, &store_account, credential, label)
                    .await
            })
        });
        self.inner.pending.insert(
            authorization_id.clone(),
            Pending {
                provider_id: provider,
                method,
                created: Instant::now(),
                completion: Some(Completion::Code(finish)),
            },
        );
        Ok(authorization_id)
    }

    async fn store_signed_in(
        &self,
        provider: &str,
        account: &str,
        credential: Credential,
        label: Option<String>,
    ) -> AuthResult<()> {
        let options = PutOptions {
            label,
            activate: true,
        };
        self.put_credential(provider, account, credential, options)
            .await
    }

    async fn start_openai_browser(&self) -> AuthResult<Started> {
        let endpoints = &self.inner.config.endpoints;
        let http = self.inner.http.get()?.clone();
        let pkce = Pkce::generate();
        let state = new_state();
        let server = CallbackServer::start(
            endpoints.openai_callback_port,
            openai::CALLBACK_PATH,
            state.clone(),
        )
        .await?;
        let redirect_uri = server.redirect_uri.clone();
        let issuer = endpoints.openai_issuer.clone();
        let url = openai::authorize_url(&issuer, &redirect_uri, &pkce, &state);
        let timeout = self.inner.config.timing.browser_timeout;
        let run = async move {
            let code = server.wait(timeout).await?;
            let tokens =
                openai::exchange_code(&http, &issuer, &code, &redirect_uri, &pkce.verifier).await?;
            openai::into_credential(tokens, None, None)
        };
        Ok(Started {
            url,
            instructions: "Complete the sign-in in your browser; this finishes by itself.".into(),
            method: OAuthFlowMethod::Auto,
            run: StartedRun::Auto(Box::pin(run)),
        })
    }

    async fn start_openai_headless(&self, on_wait: WaitReporter) -> AuthResult<Started> {
        let issuer = self.inner.config.endpoints.openai_issuer.clone();
        let http = self.inner.http.get()?.clone();
        let start = openai::start_device(&http, &issuer).await?;
        let url = openai::device_page(&issuer);
        let instructions = format!("Enter code: {}", start.user_code);
        let timing = self.inner.config.timing.clone();
        let run = async move {
            let report = |attempt| on_wait(attempt);
            let tokens = openai::poll_device(&http, &issuer, &start, &timing, &report).await?;
            openai::into_credential(tokens, None, None)
        };
        Ok(Started {
            url,
            instructions,
            method: OAuthFlowMethod::Auto,
            run: StartedRun::Auto(Box::pin(run)),
        })
    }

    async fn start_copilot(
        &self,
        inputs: &BTreeMap<String, String>,
        on_wait: WaitReporter,
    ) -> AuthResult<Started> {
        let (domain, enterprise) = copilot::domain_from_inputs(inputs)?;
        let urls = copilot::GithubUrls::for_domain(
            &domain,
            self.inner.config.endpoints.github_base_override.as_deref(),
        );
        let http = self.inner.http.get()?.clone();
        let device = copilot::start_device(&http, &urls).await?;
        let url = device.verification_uri.clone();
        let instructions = format!("Enter code: {}", device.user_code);
        let timing = self.inner.config.timing.clone();
        let run = async move {
            let report = |attempt| on_wait(attempt);
            let token = copilot::poll_device(&http, &urls, &device, &timing, &report).await?;
            // As OpenCode stores it: the long-lived GitHub token in both fields, no expiry.
            let credential = Credential::Oauth(OAuthTokens {
                refresh: token.clone(),
                access: token,
                expires: 0,
                account_id: None,
                enterprise_url: enterprise.then(|| domain.clone()),
            });
            Ok((credential, Some(domain)))
        };
        Ok(Started {
            url,
            instructions,
            method: OAuthFlowMethod::Auto,
            run: StartedRun::Auto(Box::pin(run)),
        })
    }
}

type WaitReporter = Arc<dyn Fn(u32) + Send + Sync>;

fn wait_reporter(
    progress: Option<ProgressSink>,
    provider_id: &str,
    authorization_id: &str,
) -> WaitReporter {
    let provider_id = provider_id.to_owned();
    let authorization_id = authorization_id.to_owned();
    Arc::new(move |attempt| {
        if let Some(sink) = &progress {
            sink(AuthProgress {
                provider_id: provider_id.clone(),
                authorization_id: authorization_id.clone(),
                message: "Waiting for the sign-in to be approved".into(),
                attempt,
            });
        }
    })
}
