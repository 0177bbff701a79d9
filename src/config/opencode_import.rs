//! Opt-in import of OpenCode users' config (`opencode.json` / `opencode.jsonc`, global and
//! project): the parts the sidecar reads (`provider`, `model`, `small_model`,
//! `disabled_providers`, `enabled_providers`) are copied into the data dir; the sources are only
//! read, and nothing is imported unless asked.
//!
//! The copy lives at `<data dir>/config/opencode.json` (mode 0600: a config may hold literal
//! keys) and sits *under* the sidecar's own config: the effective global config is the import
//! (global files, then project files over them) with the sidecar's config (`--config` or
//! `initialize`) deep-merged on top, and a session's config over that. `{env:…}` and `{file:…}`
//! stay as written (relative `{file:…}` paths made absolute), so they resolve when the config is
//! loaded, against the sidecar's environment, as the sidecar's own config does.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::jsonc::strip_jsonc;
use super::schema::{ProviderConfig, SidecarConfig};
use super::{ConfigError, atomic_file};
use crate::json_merge::merge_deep;

/// The top-level keys the sidecar takes from an OpenCode config.
const TAKEN: &[&str] = &[
    "provider",
    "model",
    "small_model",
    "disabled_providers",
    "enabled_providers",
];

/// `config/import` params: where to look. With neither `paths` nor `directory`, the global config.
#[derive(Debug, Clone, Default, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigImportParams {
    /// A project directory: its `opencode.json(c)` and `.opencode/opencode.json(c)` go over the
    /// global config.
    #[serde(default)]
    pub directory: Option<PathBuf>,
    /// Read the global config (`$XDG_CONFIG_HOME/opencode`, else `~/.config/opencode`); default
    /// true.
    #[serde(default)]
    pub global: Option<bool>,
    /// Exact files to read instead of looking (later files go over earlier ones).
    #[serde(default)]
    pub paths: Vec<PathBuf>,
}

/// What an import read, took and left; names and keys only, never a value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ConfigImportReport {
    /// Where the imported config is kept; `null` when nothing was found (a previous import stays).
    pub stored_at: Option<String>,
    /// The files read, in merge order (later ones win).
    pub sources: Vec<ImportedSource>,
    /// Keys and providers left out, with why.
    pub skipped: Vec<SkippedConfig>,
    /// Candidate files that do not exist.
    pub not_found: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ImportedSource {
    pub path: String,
    /// `global`, `project` or `file` (given in `paths`).
    pub scope: String,
    /// Provider ids taken from this file.
    pub providers: Vec<String>,
    /// Other top-level settings taken (`model`, `small_model`, ...).
    pub settings: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct SkippedConfig {
    pub path: String,
    /// The top-level key, or `provider.<id>`.
    pub key: String,
    pub reason: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("no path given, and neither XDG_CONFIG_HOME nor HOME is set to find OpenCode's config")]
    NoHome,
    #[error("cannot read {path}: {reason}")]
    Read { path: PathBuf, reason: String },
    #[error("{path} is not a JSON object (line {line}, column {column})")]
    Syntax {
        path: PathBuf,
        line: usize,
        column: usize,
    },
    #[error("cannot store the imported config at {path}: {reason}")]
    Store { path: PathBuf, reason: String },
}

impl ImportError {
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NoHome | Self::Read { .. } | Self::Syntax { .. } => "config",
            Self::Store { .. } => "storage",
        }
    }
}

/// Where the import is kept under a data dir.
pub fn stored_path(data_dir: &Path) -> PathBuf {
    data_dir.join("config").join("opencode.json")
}

/// OpenCode's global config dir for this environment.
pub fn global_dir(env: &HashMap<String, String>) -> Option<PathBuf> {
    let set = |name: &str| {
        env.get(name)
            .filter(|v| !v.trim().is_empty())
            .map(PathBuf::from)
    };
    set("XDG_CONFIG_HOME")
        .or_else(|| set("HOME").map(|home| home.join(".config")))
        .or_else(|| set("USERPROFILE").map(|home| home.join(".config")))
        .map(|dir| dir.join("opencode"))
}

/// The files to read, in merge order, with their scope.
fn candidates(
    params: &ConfigImportParams,
    env: &HashMap<String, String>,
) -> Result<Vec<(PathBuf, &'static str)>, ImportError> {
    if !params.paths.is_empty() {
        return Ok(params.paths.iter().map(|p| (p.clone(), "file")).collect());
    }
    let mut out = Vec::new();
    if params.global.unwrap_or(true) {
        let dir = global_dir(env).ok_or(ImportError::NoHome)?;
        // OpenCode reads all three, in this order.
        for name in ["config.json", "opencode.json", "opencode.jsonc"] {
            out.push((dir.join(name), "global"));
        }
    }
    if let Some(project) = &params.directory {
        for dir in [project.clone(), project.join(".opencode")] {
            for name in ["opencode.json", "opencode.jsonc"] {
                out.push((dir.join(name), "project"));
            }
        }
    }
    Ok(out)
}

/// Reads the OpenCode configs `params` names and stores the parts the sidecar reads under
/// `data_dir`, replacing a previous import. The sources are never written.
pub fn import(
    params: &ConfigImportParams,
    env: &HashMap<String, String>,
    data_dir: &Path,
) -> Result<ConfigImportReport, ImportError> {
    let mut report = ConfigImportReport {
        stored_at: None,
        sources: Vec::new(),
        skipped: Vec::new(),
        not_found: Vec::new(),
    };
    let mut merged = Value::Object(Map::new());
    for (path, scope) in candidates(params, env)? {
        let text = match std::fs::read_to_string(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                report.not_found.push(path.display().to_string());
                continue;
            }
            Err(error) => {
                return Err(ImportError::Read {
                    path,
                    reason: error.kind().to_string(),
                });
            }
        };
        // Syntax errors name a position, never the text: it may hold keys.
        let parsed: Value =
            serde_json::from_str(&strip_jsonc(&text)).map_err(|error| ImportError::Syntax {
                path: path.clone(),
                line: error.line(),
                column: error.column(),
            })?;
        let Value::Object(object) = parsed else {
            return Err(ImportError::Syntax {
                path,
                line: 1,
                column: 1,
            });
        };
        let base_dir = path.parent().map(Path::to_path_buf).unwrap_or_default();
        let (taken, source) = take(object, &path, scope, &base_dir, &mut report.skipped);
        merge_deep(&mut merged, &Value::Object(taken));
        report.sources.push(source);
    }
    if report.sources.is_empty() {
        return Ok(report);
    }
    let target = stored_path(data_dir);
    store(&target, &merged).map_err(|error| ImportError::Store {
        path: target.clone(),
        reason: error.to_string(),
    })?;
    report.stored_at = Some(target.display().to_string());
    Ok(report)
}

/// The keys the sidecar reads from one file; everything else is reported as skipped.
fn take(
    object: Map<String, Value>,
    path: &Path,
    scope: &str,
    base_dir: &Path,
    skipped: &mut Vec<SkippedConfig>,
) -> (Map<String, Value>, ImportedSource) {
    let shown = path.display().to_string();
    let mut skip = |key: String, reason: String| {
        skipped.push(SkippedConfig {
            path: shown.clone(),
            key,
            reason,
        })
    };
    let mut taken = Map::new();
    let mut source = ImportedSource {
        path: shown.clone(),
        scope: scope.to_string(),
        providers: Vec::new(),
        settings: Vec::new(),
    };
    for (key, mut value) in object {
        if key == "$schema" {
            continue;
        }
        if !TAKEN.contains(&key.as_str()) {
            skip(key, "not provider configuration".into());
            continue;
        }
        absolute_file_refs(&mut value, base_dir);
        if key != "provider" {
            if check(&key, &value).is_ok() {
                source.settings.push(key.clone());
                taken.insert(key, value);
            } else {
                skip(key, "not the type the sidecar expects".into());
            }
            continue;
        }
        let Value::Object(providers) = value else {
            skip(key, "`provider` is not an object".into());
            continue;
        };
        let mut kept = Map::new();
        for (id, entry) in providers {
            match serde_path_to_error::deserialize::<_, ProviderConfig>(entry.clone()) {
                Ok(_) => {
                    source.providers.push(id.clone());
                    kept.insert(id, entry);
                }
                Err(error) => {
                    // serde's message quotes the value; keep the path and what was expected.
                    let message = error.inner().to_string();
                    let expected = message
                        .split_once(", expected ")
                        .map(|(_, expected)| format!("expected {expected}"))
                        .unwrap_or_else(|| "unexpected value".into());
                    skip(
                        format!("provider.{id}"),
                        format!("invalid at `{}`: {expected}", error.path()),
                    );
                }
            }
        }
        taken.insert(key, Value::Object(kept));
    }
    (taken, source)
}

/// Whether a top-level setting reads as the sidecar's config would.
fn check(key: &str, value: &Value) -> Result<(), ()> {
    let mut probe = Map::new();
    probe.insert(key.to_string(), value.clone());
    serde_json::from_value::<SidecarConfig>(Value::Object(probe))
        .map(|_| ())
        .map_err(|_| ())
}

/// `{file:rel}` resolves against the file it is written in; the copy lives elsewhere.
fn absolute_file_refs(value: &mut Value, base_dir: &Path) {
    match value {
        Value::String(text) if text.contains("{file:") => {
            let mut out = String::new();
            let mut rest = text.as_str();
            while let Some(at) = rest.find("{file:") {
                out.push_str(&rest[..at + 6]);
                rest = &rest[at + 6..];
                let end = rest.find('}').unwrap_or(rest.len());
                let reference = &rest[..end];
                let relative = !(reference.starts_with('/')
                    || reference.starts_with('~')
                    || Path::new(reference).is_absolute());
                if relative {
                    out.push_str(&base_dir.join(reference).display().to_string());
                } else {
                    out.push_str(reference);
                }
                rest = &rest[end..];
            }
            out.push_str(rest);
            *text = out;
        }
        Value::Array(items) => items
            .iter_mut()
            .for_each(|item| absolute_file_refs(item, base_dir)),
        Value::Object(map) => map
            .values_mut()
            .for_each(|item| absolute_file_refs(item, base_dir)),
        _ => {}
    }
}

fn store(path: &Path, value: &Value) -> std::io::Result<()> {
    let bytes = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    atomic_file::write_atomic(path, &bytes)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// The stored import, loaded like a config file (`{env:…}` from `env`); `Ok(None)` when there is
/// none.
pub fn load_stored(
    data_dir: &Path,
    env: &HashMap<String, String>,
) -> Result<Option<SidecarConfig>, ConfigError> {
    let path = stored_path(data_dir);
    if !path.exists() {
        return Ok(None);
    }
    SidecarConfig::load_file(&path, env).map(Some)
}

/// The effective global config: the sidecar's own over the import.
pub fn layered(imported: Option<SidecarConfig>, own: SidecarConfig) -> SidecarConfig {
    match imported {
        Some(imported) => imported.overlaid_with(&own),
        None => own,
    }
}

#[cfg(test)]
mod tests;
