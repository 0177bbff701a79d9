//! Command-line interface: argument parsing and the subcommands.

mod auth;
mod catalog;
mod config;
mod doctor;
mod logging;
mod schema;

use std::path::PathBuf;

use clap::{Parser, Subcommand};
use provider_sidecar::app::config::load_config_file;
use provider_sidecar::app::doctor::DoctorParams;
use provider_sidecar::app::{ProcessEnv, Settings, serve_stdio};

const DEFAULT_MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

#[derive(Debug, Parser)]
#[command(
    name = "provider-sidecar",
    version,
    about = "Multi-provider LLM sidecar: JSON-RPC 2.0 over stdio"
)]
struct Cli {
    /// Log filter for stderr (tracing syntax, e.g. `info` or `provider_sidecar=debug`).
    #[arg(
        long,
        global = true,
        env = "PROVIDER_SIDECAR_LOG",
        default_value = "warn"
    )]
    log: String,
    /// Data dir for cache, preferences and the credential fallback file.
    #[arg(long, global = true, env = "PROVIDER_SIDECAR_DATA_DIR")]
    data_dir: Option<PathBuf>,
    /// A config file in OpenCode's format (`{"provider": {...}}`).
    #[arg(long, global = true)]
    config: Option<PathBuf>,
    /// Messages larger than this are rejected and skipped.
    #[arg(long, default_value_t = DEFAULT_MAX_MESSAGE_BYTES)]
    max_message_bytes: usize,
    /// Registers the test-only `test/*` methods.
    #[arg(long, hide = true)]
    enable_test_methods: bool,
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Serve JSON-RPC on stdin/stdout (the default).
    Serve,
    /// Write the OpenRPC document and per-type JSON Schemas.
    Schema {
        /// Output directory (e.g. `schema/`).
        #[arg(long, default_value = "schema")]
        out: PathBuf,
        /// Compare with the directory instead of writing; exit 1 when it differs.
        #[arg(long)]
        check: bool,
    },
    /// Models of the catalog (cache or embedded snapshot, merged with `--config`).
    Models {
        #[command(subcommand)]
        command: ModelsCommand,
    },
    /// Every provider, connected ones first.
    Providers,
    /// Manage stored credentials: login, logout, list (never prints a secret).
    Auth {
        #[command(subcommand)]
        command: auth::AuthCommand,
    },
    /// OpenCode users' config: `config import` copies what the sidecar reads from opencode.json(c).
    Config {
        #[command(subcommand)]
        command: config::ConfigCommand,
    },
    /// Checks the data dir, the credential store, the catalog and the network settings (and, with
    /// --reachability, each connected provider); exits 1 when something is wrong.
    Doctor {
        /// Also try each connected provider's models endpoint (no credential is sent).
        #[arg(long)]
        reachability: bool,
        /// How long each provider may take to answer.
        #[arg(long, default_value_t = provider_sidecar::app::doctor::DEFAULT_REACH_TIMEOUT_MS)]
        timeout_ms: u64,
        /// Print the report as JSON (the `doctor/report` result).
        #[arg(long)]
        json: bool,
    },
}

#[derive(Debug, Subcommand)]
enum ModelsCommand {
    /// A table of models (alpha and deprecated ones hidden).
    List {
        /// Only this provider's models.
        #[arg(long)]
        provider: Option<String>,
    },
    /// Ranked, typo-tolerant search ("claud sonet", "gpt5", "kimi").
    Search {
        query: String,
        /// How many results to show.
        #[arg(long, default_value_t = 10)]
        limit: usize,
    },
}

pub fn run() -> i32 {
    let cli = Cli::parse();
    let log_reloader = logging::init(&cli.log);
    let env: ProcessEnv = std::env::vars_os()
        .map(|(k, v)| {
            (
                k.to_string_lossy().into_owned(),
                v.to_string_lossy().into_owned(),
            )
        })
        .collect();
    match cli.command.unwrap_or(Command::Serve) {
        Command::Schema { out, check } => schema::run(&out, check),
        Command::Models {
            command: ModelsCommand::List { provider },
        } => catalog::run(
            catalog::Listing::Models { provider },
            &cli.data_dir.unwrap_or_else(default_data_dir),
            cli.config.as_ref(),
            env,
        ),
        Command::Models {
            command: ModelsCommand::Search { query, limit },
        } => catalog::run(
            catalog::Listing::Search { query, limit },
            &cli.data_dir.unwrap_or_else(default_data_dir),
            cli.config.as_ref(),
            env,
        ),
        Command::Providers => catalog::run(
            catalog::Listing::Providers,
            &cli.data_dir.unwrap_or_else(default_data_dir),
            cli.config.as_ref(),
            env,
        ),
        Command::Auth { command } => match cli
            .config
            .as_deref()
            .map(|path| load_config_file(path, &env).map_err(|err| err.to_string()))
            .transpose()
        {
            Ok(config) => auth::run(
                command,
                cli.data_dir.unwrap_or_else(default_data_dir),
                config,
                env,
            ),
            Err(message) => {
                tracing::error!("{message}");
                2
            }
        },
        Command::Config { command } => config::run(
            command,
            &cli.data_dir.unwrap_or_else(default_data_dir),
            &env,
        ),
        Command::Doctor {
            reachability,
            timeout_ms,
            json,
        } => {
            let config = match cli
                .config
                .as_deref()
                .map(|path| load_config_file(path, &env))
                .transpose()
            {
                Ok(config) => config,
                Err(error) => {
                    eprintln!("{error}");
                    return 1;
                }
            };
            let settings = Settings {
                data_dir: cli.data_dir.unwrap_or_else(default_data_dir),
                max_message_bytes: cli.max_message_bytes,
                test_methods: false,
                config: config.map(std::sync::Arc::new),
            };
            let params = DoctorParams {
                check_reachability: reachability,
                timeout_ms: Some(timeout_ms),
            };
            doctor::run(settings, env, params, json)
        }
        Command::Serve => {
            let config = match cli
                .config
                .as_deref()
                .map(|path| load_config_file(path, &env))
                .transpose()
            {
                Ok(config) => config,
                Err(error) => {
                    tracing::error!(kind = error.kind(), "{error}");
                    return 2;
                }
            };
            let settings = Settings {
                data_dir: cli.data_dir.unwrap_or_else(default_data_dir),
                max_message_bytes: cli.max_message_bytes,
                test_methods: cli.enable_test_methods,
                config: config.map(std::sync::Arc::new),
            };
            let runtime = match tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime,
                Err(err) => {
                    tracing::error!(%err, "could not start the async runtime");
                    return 1;
                }
            };
            let reason = runtime.block_on(serve_stdio(settings, env, Some(log_reloader)));
            // The blocking stdin reader may still be parked in read(2): do not wait for it.
            runtime.shutdown_background();
            reason.exit_code()
        }
    }
}

fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("", "", "provider-sidecar")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .unwrap_or_else(|| std::env::temp_dir().join("provider-sidecar"))
}
