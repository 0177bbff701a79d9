//! `provider-sidecar auth login | logout | list`: the credential store for people at a
//! terminal. Secrets are read from the terminal without echo (or stdin) and never printed.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::time::Duration;

use clap::Subcommand;
use provider_sidecar::auth::methods::{AuthPrompt, ConditionOp, methods_with_flows};
use provider_sidecar::auth::{
    AuthError, AuthMethodType, AuthService, AuthorizeParams, CallbackParams, CallbackStatus,
    ConnectionStatus, EnvSnapshot, OAuthFlowMethod, RemoveParams, Secret, SetTokenParams,
};
use provider_sidecar::rpc::methods::auth::settings::{AuthSettings, provider_env_names};
use serde_json::Value;

/// How often a waiting sign-in is checked.
const POLL_EVERY: Duration = Duration::from_secs(1);

#[derive(Debug, Subcommand)]
pub enum AuthCommand {
    /// Sign in to a provider: an API key (typed without echo, or piped with --key-stdin), or
    /// the provider's OAuth flow (prints the URL and code to enter).
    Login {
        provider: String,
        /// Read the API key from stdin (one line) instead of the terminal.
        #[arg(long)]
        key_stdin: bool,
        /// Index of the sign-in method (see `auth list --methods`); the first one by default,
        /// or the API-key method with --key-stdin.
        #[arg(long)]
        method: Option<usize>,
        /// Store under this account name (`default` otherwise).
        #[arg(long)]
        account: Option<String>,
        /// Answer to a method prompt, e.g. `--input deploymentType=enterprise`.
        #[arg(long = "input", value_parser = parse_input)]
        inputs: Vec<(String, String)>,
        /// Check an API key against the provider's models endpoint before storing it.
        #[arg(long)]
        validate: bool,
    },
    /// Remove a provider's stored credential (every account, or one with --account).
    Logout {
        provider: String,
        #[arg(long)]
        account: Option<String>,
    },
    /// Providers with a credential (stored or from the environment); never the secret.
    List {
        /// Also list each provider's sign-in methods with their index.
        #[arg(long)]
        methods: bool,
    },
}

fn parse_input(text: &str) -> Result<(String, String), String> {
    text.split_once('=')
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .ok_or_else(|| "expected KEY=VALUE".to_owned())
}

/// Runs an `auth` subcommand; returns the exit code.
pub fn run(
    command: AuthCommand,
    data_dir: PathBuf,
    config: Option<Value>,
    env: std::collections::HashMap<String, String>,
) -> i32 {
    let settings = match AuthSettings::from_config(config.as_ref()) {
        Ok(settings) => settings,
        Err(err) => return fail(&err.to_string()),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return fail(&format!("could not start the async runtime: {err}")),
    };
    let env = EnvSnapshot::new(env);
    let outcome = runtime.block_on(async {
        let service = AuthService::open_async(settings.auth_config(&data_dir)).await?;
        match command {
            AuthCommand::Login {
                provider,
                key_stdin,
                method,
                account,
                inputs,
                validate,
            } => {
                let request = LoginRequest {
                    provider,
                    key_stdin,
                    method,
                    account,
                    inputs: inputs.into_iter().collect(),
                    validate,
                };
                login(&service, &settings, request).await
            }
            AuthCommand::Logout { provider, account } => logout(&service, provider, account).await,
            AuthCommand::List { methods } => list(&service, &env, methods).await,
        }
    });
    match outcome {
        Ok(()) => 0,
        Err(err) => fail(&err.to_string()),
    }
}

fn fail(message: &str) -> i32 {
    let _ = writeln!(std::io::stderr(), "error: {message}");
    1
}

fn say(text: &str) {
    let _ = writeln!(std::io::stdout(), "{text}");
}

struct LoginRequest {
    provider: String,
    key_stdin: bool,
    method: Option<usize>,
    account: Option<String>,
    inputs: BTreeMap<String, String>,
    validate: bool,
}

async fn login(
    service: &AuthService,
    settings: &AuthSettings,
    request: LoginRequest,
) -> Result<(), AuthError> {
    let methods = methods_with_flows(&request.provider);
    let index = match request.method {
        Some(index) => index,
        None if request.key_stdin => methods
            .iter()
            .position(|(m, _)| m.kind == AuthMethodType::Api)
            .ok_or_else(|| {
                AuthError::InvalidParams(format!("`{}` has no API-key sign-in", request.provider))
            })?,
        None => 0,
    };
    let (descriptor, _) = methods.get(index).ok_or(AuthError::UnknownMethod {
        provider: request.provider.clone(),
        index,
    })?;
    if descriptor.kind != AuthMethodType::Oauth {
        return login_with_key(service, settings, request).await;
    }
    let inputs = answer_prompts(&descriptor.prompts, request.inputs)?;
    let started = service
        .authorize(
            AuthorizeParams {
                provider_id: request.provider.clone(),
                method: index,
                inputs: Some(inputs),
                account: request.account,
            },
            None,
        )
        .await?;
    say(&format!("Open: {}", started.url));
    say(&started.instructions);
    let mut callback = CallbackParams {
        provider_id: request.provider.clone(),
        method: index,
        authorization_id: started.authorization_id,
        code: None,
    };
    if started.method == OAuthFlowMethod::Code {
        callback.code = Some(read_secret("Paste the code: ", false)?);
    }
    loop {
        let reply = service.callback(callback.clone()).await?;
        if reply.status == CallbackStatus::Connected {
            say(&format!("Signed in to {}.", request.provider));
            return Ok(());
        }
        tokio::time::sleep(POLL_EVERY).await;
    }
}

async fn login_with_key(
    service: &AuthService,
    settings: &AuthSettings,
    request: LoginRequest,
) -> Result<(), AuthError> {
    let prompt = format!("API key for {}: ", request.provider);
    let token = read_secret(&prompt, request.key_stdin)?;
    let validation = if request.validate {
        let id = request.provider.clone();
        let settings = settings.clone();
        let found = tokio::task::spawn_blocking(move || settings.validation_for(&id))
            .await
            .map_err(|err| AuthError::InvalidParams(format!("catalog task failed: {err}")))?;
        Some(found.ok_or_else(|| {
            AuthError::InvalidParams(format!(
                "no models endpoint is known for `{}` to validate against",
                request.provider
            ))
        })?)
    } else {
        None
    };
    service
        .set_api_key(
            SetTokenParams {
                provider_id: request.provider.clone(),
                token,
                account: request.account,
                label: None,
                activate: None,
                metadata: BTreeMap::new(),
            },
            validation.as_ref(),
        )
        .await?;
    say(&format!("Stored the API key for {}.", request.provider));
    Ok(())
}

/// Fills the method's prompts from `--input`, asking at a terminal for what is missing; a
/// select left unanswered without a terminal takes its first option.
fn answer_prompts(
    prompts: &[AuthPrompt],
    mut inputs: BTreeMap<String, String>,
) -> Result<BTreeMap<String, String>, AuthError> {
    let interactive = std::io::stdin().is_terminal();
    for prompt in prompts {
        let (key, message, when) = match prompt {
            AuthPrompt::Text {
                key, message, when, ..
            }
            | AuthPrompt::Select {
                key, message, when, ..
            } => (key, message, when),
        };
        let applies = when.as_ref().is_none_or(|c| {
            let answer = inputs.get(&c.key).map(String::as_str).unwrap_or("");
            match c.op {
                ConditionOp::Eq => answer == c.value,
                ConditionOp::Neq => answer != c.value,
            }
        });
        if !applies || inputs.contains_key(key) {
            continue;
        }
        let answer = match prompt {
            AuthPrompt::Select { options, .. } if interactive => {
                say(message);
                for (i, option) in options.iter().enumerate() {
                    say(&format!("  {}) {}", i + 1, option.label));
                }
                let choice = read_line("Choice [1]: ")?;
                let at = choice.trim().parse::<usize>().unwrap_or(1).max(1) - 1;
                options.get(at).or(options.first()).map(|o| o.value.clone())
            }
            AuthPrompt::Select { options, .. } => options.first().map(|o| o.value.clone()),
            AuthPrompt::Text { .. } if interactive => Some(read_line(&format!("{message}: "))?),
            AuthPrompt::Text { .. } => {
                return Err(AuthError::InvalidParams(format!(
                    "{message}: pass --input {key}=VALUE"
                )));
            }
        };
        if let Some(answer) = answer {
            inputs.insert(key.clone(), answer.trim().to_owned());
        }
    }
    Ok(inputs)
}

fn read_line(prompt: &str) -> Result<String, AuthError> {
    let _ = write!(std::io::stdout(), "{prompt}");
    let _ = std::io::stdout().flush();
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .map_err(|err| AuthError::InvalidParams(format!("cannot read stdin: {err}")))?;
    Ok(line)
}

/// One line from stdin as a secret; at a terminal (unless `piped`) the prompt goes to stderr
/// and echo is turned off while typing.
fn read_secret(prompt: &str, piped: bool) -> Result<Secret, AuthError> {
    let stdin = std::io::stdin();
    let at_terminal = !piped && stdin.is_terminal();
    let echo = if at_terminal {
        let _ = write!(std::io::stderr(), "{prompt}");
        let _ = std::io::stderr().flush();
        EchoGuard::off()
    } else {
        None
    };
    let mut line = String::new();
    let read = stdin.lock().read_line(&mut line);
    drop(echo);
    if at_terminal {
        let _ = writeln!(std::io::stderr());
    }
    read.map_err(|err| AuthError::InvalidParams(format!("cannot read stdin: {err}")))?;
    let kept = line.trim_end().len();
    line.truncate(kept);
    let secret = Secret::new(line);
    if secret.expose().trim().is_empty() {
        return Err(AuthError::InvalidParams("no key was entered".into()));
    }
    Ok(secret)
}

/// Terminal echo turned off (through `stty`, on the controlling terminal) until dropped.
struct EchoGuard;

impl EchoGuard {
    #[cfg(unix)]
    fn off() -> Option<EchoGuard> {
        stty("-echo").then_some(EchoGuard)
    }

    #[cfg(not(unix))]
    fn off() -> Option<EchoGuard> {
        None
    }
}

impl Drop for EchoGuard {
    fn drop(&mut self) {
        #[cfg(unix)]
        stty("echo");
    }
}

#[cfg(unix)]
fn stty(setting: &str) -> bool {
    let Ok(tty) = std::fs::File::open("/dev/tty") else {
        return false;
    };
    std::process::Command::new("stty")
        .arg(setting)
        .stdin(tty)
        .status()
        .is_ok_and(|s| s.success())
}

async fn logout(
    service: &AuthService,
    provider: String,
    account: Option<String>,
) -> Result<(), AuthError> {
    if service
        .stored(&provider, account.as_deref())
        .await?
        .is_none()
    {
        return Err(match account {
            Some(account) => AuthError::AccountNotFound { provider, account },
            None => AuthError::NotFound { provider },
        });
    }
    service
        .remove(RemoveParams {
            provider_id: provider.clone(),
            account: account.clone(),
        })
        .await?;
    match account {
        Some(account) => say(&format!("Removed account {account} of {provider}.")),
        None => say(&format!("Removed the credentials of {provider}.")),
    }
    Ok(())
}

async fn list(service: &AuthService, env: &EnvSnapshot, methods: bool) -> Result<(), AuthError> {
    let names = tokio::task::spawn_blocking(provider_env_names)
        .await
        .map_err(|err| AuthError::InvalidParams(format!("catalog task failed: {err}")))?;
    let status = service.status(env, &names).await?;
    say(&format!("store: {}", store_name(&status.store)));
    if let Some(reason) = &status.store_fallback_reason {
        say(&format!("  (keyring unavailable: {reason})"));
    }
    for (id, state) in &status.auth {
        if state.status == ConnectionStatus::Disconnected {
            continue;
        }
        let source = match (&state.source, &state.env_var) {
            (_, Some(var)) => format!("env {var}"),
            (Some(source), None) => json_name(source),
            (None, None) => "-".into(),
        };
        let accounts: Vec<String> = state
            .accounts
            .iter()
            .map(|a| {
                if a.active {
                    format!("{}*", a.name)
                } else {
                    a.name.clone()
                }
            })
            .collect();
        say(&format!(
            "{id:<24} {:<15} {:<6} {source:<20} {}",
            json_name(&state.status),
            json_name(&state.method),
            accounts.join(",")
        ));
    }
    if methods {
        for id in names.keys() {
            for (index, method) in service.methods_for(id).iter().enumerate() {
                say(&format!("{id:<24} method {index}: {}", method.label));
            }
        }
    }
    Ok(())
}

fn store_name(kind: &provider_sidecar::auth::StoreKind) -> String {
    json_name(kind)
}

/// The wire name of a unit enum variant.
fn json_name<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}
