//! `provider-sidecar doctor`: the report `doctor/report` answers, printed in plain words (or as
//! JSON with `--json`); exit code 0 when healthy, 1 otherwise.

use std::sync::Arc;

use provider_sidecar::app::doctor::{CheckStatus, DoctorParams, DoctorReport, report};
use provider_sidecar::app::{ProcessEnv, ServerState, Settings};

/// Runs the checks with the same settings `serve` would use; returns the exit code.
pub fn run(settings: Settings, env: ProcessEnv, params: DoctorParams, json: bool) -> i32 {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("could not start the async runtime: {err}");
            return 1;
        }
    };
    let found = runtime.block_on(async {
        let state = Arc::new(ServerState::detached(settings, env));
        report(&state, &params).await
    });
    if json {
        match serde_json::to_string_pretty(&found) {
            Ok(text) => println!("{text}"),
            Err(err) => {
                eprintln!("the report could not be written: {err}");
                return 1;
            }
        }
    } else {
        print!("{}", plain_words(&found));
    }
    // The catalog's background refresh may still be waiting: do not wait for it.
    runtime.shutdown_background();
    if found.healthy { 0 } else { 1 }
}

fn plain_words(report: &DoctorReport) -> String {
    let mut text = String::new();
    for check in &report.checks {
        let mark = match check.status {
            CheckStatus::Ok => "ok",
            CheckStatus::Warning => "warning",
            CheckStatus::Failed => "FAILED",
            CheckStatus::Skipped => "skipped",
        };
        text.push_str(&format!(
            "{mark:<8} {:<18} {}\n",
            label(&check.name),
            check.summary
        ));
    }
    let failed = report
        .checks
        .iter()
        .filter(|c| c.status == CheckStatus::Failed)
        .count();
    text.push_str(&match failed {
        0 => "\nhealthy\n".to_owned(),
        1 => "\n1 problem found\n".to_owned(),
        n => format!("\n{n} problems found\n"),
    });
    text
}

fn label(name: &str) -> String {
    match name {
        "dataDir" => "data dir".to_owned(),
        "credentialStore" => "credential store".to_owned(),
        other => other.strip_prefix("provider:").unwrap_or(other).to_owned(),
    }
}
