//! `provider-sidecar auth login | logout | list | import`: the credential store for people at a
//! terminal. Secrets are read from the terminal without echo (or stdin) and never printed.

use std::collections::BTreeMap;
use std::io::{BufRead, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use clap::Subcommand;
use provider_sidecar::app::auth_settings::{AuthSettings, credential_facts};
use provider_sidecar::app::network::process_profile;
use provider_sidecar::auth::import::default_opencode_auth_path;
use provider_sidecar::auth::methods::{
    AuthPrompt, ConditionOp, auth_methods_in, methods_with_flows,
};
use provider_sidecar::auth::types::{ImportReport, ImportSkipReason};
use provider_sidecar::auth::{
    AuthError, AuthMethodType, AuthService, AuthorizeParams, CallbackParams, CallbackStatus,
    ConnectionStatus, EnvSnapshot, KeyValidation, OAuthFlowMethod, RemoveParams, Secret,
    SetTokenParams,
};
use provider_sidecar::catalog::{CatalogService, CatalogSettings, MergedCatalog};
use provider_sidecar::config::SidecarConfig;
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
    /// Providers with a credential (stored, from the environment or from the config); never
    /// the secret.
    List {
        /// Also list each provider's sign-in methods with their index.
        #[arg(long)]
        methods: bool,
    },
    /// Copy the credentials of OpenCode's auth.json into the store (the file is only read).
    Import {
        /// The file to read; OpenCode's own (`$XDG_DATA_HOME/opencode/auth.json`, else
        /// `~/.local/share/opencode/auth.json`) by default.
        #[arg(long)]
        path: Option<PathBuf>,
        /// Replace credentials already stored for a provider.
        #[arg(long)]
        overwrite: bool,
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
    let mut auth_config = settings.auth_config(&data_dir);
    auth_config.network = match process_profile(config.as_ref(), &env) {
        Ok(network) => network,
        Err(err) => return fail(&err.message),
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => return fail(&format!("could not start the async runtime: {err}")),
    };
    let catalog = CatalogSource {
        data_dir: data_dir.clone(),
        config,
        env: env.clone(),
    };
    let env = EnvSnapshot::new(env);
    let outcome = runtime.block_on(async {
        let service = AuthService::open_async(auth_config).await?;
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
                login(&service, &settings, &catalog, request).await
            }
            AuthCommand::Logout { provider, account } => logout(&service, provider, account).await,
            AuthCommand::List { methods } => list(&service, &env, &catalog, methods).await,
            AuthCommand::Import { path, overwrite } => {
                import(&service, &env, path, overwrite).await
            }
        }
    });
    match outcome {
        Ok(()) => 0,
        Err(err) => fail(&err.to_string()),
    }
}

/// Where the catalog comes from: the cache or embedded snapshot in the data dir, merged with
/// the config, as the server serves it (no network).
struct CatalogSource {
    data_dir: PathBuf,
    config: Option<Value>,
    env: std::collections::HashMap<String, String>,
}

impl CatalogSource {
    async fn merged(&self) -> Result<Arc<MergedCatalog>, AuthError> {
        let config = match &self.config {
            Some(value) => SidecarConfig::from_value(value.clone(), &self.env, None)
                .map_err(|err| AuthError::InvalidParams(format!("config: {err}")))?,
            None => SidecarConfig::default(),
        };
        let settings = CatalogSettings::resolve(&config.catalog, &self.env);
        let service = CatalogService::new(&self.data_dir, settings);
        Ok(service.merged(&Arc::new(config)).await)
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
    catalog: &CatalogSource,
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
        // The values the key needs beside it (Azure resourceName, Cloudflare accountId), unless
        // this shell's environment already sets them, become the key's metadata.
        let env: std::collections::HashMap<String, String> = std::env::vars().collect();
        let prompts = auth_methods_in(&request.provider, &env)
            .into_iter()
            .nth(index)
            .map(|method| method.prompts)
            .unwrap_or_default();
        let metadata = answer_prompts(&prompts, request.inputs.clone())?;
        return login_with_key(service, settings, catalog, request, metadata).await;
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
    catalog: &CatalogSource,
    request: LoginRequest,
    metadata: BTreeMap<String, String>,
) -> Result<(), AuthError> {
    let prompt = format!("API key for {}: ", request.provider);
    let token = read_secret(&prompt, request.key_stdin)?;
    let validation = if request.validate {
        let merged = catalog.merged().await?;
        settings.validation_for(&request.provider, merged.provider(&request.provider))
    } else {
        KeyValidation::Skip
    };
    let result = service
        .set_api_key(
            SetTokenParams {
                provider_id: request.provider.clone(),
                token,
                account: request.account,
                label: None,
                activate: None,
                metadata,
            },
            validation,
        )
        .await?;
    if result
        .validation
        .as_ref()
        .is_some_and(|v| v.warning.is_none())
    {
        say(&format!("The key for {} is valid.", request.provider));
    }
    if let Some(warning) = &result.warning {
        let _ = writeln!(std::io::stderr(), "warning: {warning}");
    }
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

async fn list(
    service: &AuthService,
    env: &EnvSnapshot,
    catalog: &CatalogSource,
    methods: bool,
) -> Result<(), AuthError> {
    let facts = credential_facts(catalog.merged().await?.as_ref());
    let status = service.status_of(env, &facts).await?;
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
        for id in facts.keys() {
            for (index, method) in service.methods_for(id).iter().enumerate() {
                say(&format!("{id:<24} method {index}: {}", method.label));
            }
        }
    }
    Ok(())
}

async fn import(
    service: &AuthService,
    env: &EnvSnapshot,
    path: Option<PathBuf>,
    overwrite: bool,
) -> Result<(), AuthError> {
    let path = match path {
        Some(path) => std::path::absolute(&path).map_err(|err| AuthError::Import {
            path,
            message: err.to_string(),
        })?,
        None => default_opencode_auth_path(env)?,
    };
    let report = service.import_opencode(&path, overwrite).await?;
    print_import(&report);
    Ok(())
}

fn print_import(report: &ImportReport) {
    say(&format!(
        "Read {} (left unchanged); store: {}.",
        report.path,
        store_name(&report.store)
    ));
    if report.imported.is_empty() {
        say("Imported nothing.");
    } else {
        say(&format!("Imported: {}", report.imported.join(", ")));
    }
    for skipped in &report.skipped {
        let why = match skipped.reason {
            ImportSkipReason::AlreadyStored => "already stored (use --overwrite to replace it)",
            ImportSkipReason::InvalidEntry => "not a credential this tool can read",
            ImportSkipReason::InvalidProviderId => "not a usable provider id",
        };
        say(&format!("Skipped {}: {why}", skipped.provider_id));
    }
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
