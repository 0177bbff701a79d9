//! `provider-sidecar config import`: OpenCode's `opencode.json(c)` into the data dir (read only;
//! what was taken and skipped is printed, never a value).

use std::path::{Path, PathBuf};

use clap::Subcommand;
use provider_sidecar::app::ProcessEnv;
use provider_sidecar::config::opencode_import::{self, ConfigImportParams, ConfigImportReport};

#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Import OpenCode's config (global `~/.config/opencode/`, plus a project's with `--dir`);
    /// the sidecar's own config stays on top of it.
    Import {
        /// A project directory: its `opencode.json(c)` and `.opencode/opencode.json(c)`.
        #[arg(long)]
        dir: Option<PathBuf>,
        /// Leave the global config out.
        #[arg(long)]
        no_global: bool,
        /// Exact files to read instead of looking (repeatable; later ones win).
        #[arg(long = "path")]
        paths: Vec<PathBuf>,
    },
}

pub fn run(command: ConfigCommand, data_dir: &Path, env: &ProcessEnv) -> i32 {
    let ConfigCommand::Import {
        dir,
        no_global,
        paths,
    } = command;
    let absolute = |path: PathBuf| std::path::absolute(&path).unwrap_or(path);
    let params = ConfigImportParams {
        directory: dir.map(absolute),
        global: Some(!no_global),
        paths: paths.into_iter().map(absolute).collect(),
    };
    match opencode_import::import(&params, env, data_dir) {
        Ok(report) => {
            print_report(&report);
            0
        }
        Err(error) => {
            eprintln!("{error}");
            2
        }
    }
}

fn print_report(report: &ConfigImportReport) {
    for source in &report.sources {
        println!("Read {} ({}, left unchanged)", source.path, source.scope);
        if !source.providers.is_empty() {
            println!("  providers: {}", source.providers.join(", "));
        }
        if !source.settings.is_empty() {
            println!("  settings: {}", source.settings.join(", "));
        }
    }
    for skipped in &report.skipped {
        println!(
            "Skipped {} in {}: {}",
            skipped.key, skipped.path, skipped.reason
        );
    }
    match &report.stored_at {
        Some(path) => println!(
            "Stored at {path}; the sidecar's own config (--config, initialize) goes over it."
        ),
        None => println!(
            "No OpenCode config found (looked at: {}); nothing changed.",
            report.not_found.join(", ")
        ),
    }
}
