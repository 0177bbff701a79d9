//! The registry's order and failure policy, with in-process plugins.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use async_trait::async_trait;
use serde_json::{Map, json};

use super::*;
use crate::protocol::types::CallWarning;
use crate::protocol::{ChatRequest, WireFormat};
use crate::provider::runtime::{AuthScheme, ResolvedRuntime, RuntimeProtocol};

/// Appends its name to the temperature's trail (as tenths) and to a shared log; fails when asked.
struct Recorder {
    name: &'static str,
    log: Arc<Mutex<Vec<String>>>,
    fail: Option<HookFailure>,
    fail_closed: bool,
}

#[async_trait]
impl Plugin for Recorder {
    fn name(&self) -> &str {
        self.name
    }

    fn fails_closed(&self) -> bool {
        self.fail_closed
    }

    async fn chat_params(
        &self,
        _cx: &ChatContext<'_>,
        output: &mut ChatParamsOutput,
    ) -> Result<(), HookFailure> {
        self.log.lock().expect("log").push(self.name.to_string());
        // Each plugin sees the output the ones before it left.
        let seen = output.temperature.unwrap_or(0.0);
        output.temperature = Some(seen * 10.0 + 1.0);
        let options = output.provider_options.get_or_insert_with(Map::new);
        options.insert(self.name.to_string(), json!(seen));
        match &self.fail {
            Some(failure) => Err(failure.clone()),
            None => Ok(()),
        }
    }

    async fn chat_headers(
        &self,
        _cx: &ChatContext<'_>,
        output: &mut ChatHeadersOutput,
    ) -> Result<(), HookFailure> {
        output.set("x-last", self.name);
        Ok(())
    }

    fn event(&self, event: &HookEvent) {
        let HookEvent::ChatStarted { session_id, .. } = event else {
            return;
        };
        self.log
            .lock()
            .expect("log")
            .push(format!("{}:{session_id}", self.name));
    }
}

fn recorder(name: &'static str, log: &Arc<Mutex<Vec<String>>>) -> Recorder {
    Recorder {
        name,
        log: Arc::clone(log),
        fail: None,
        fail_closed: false,
    }
}

fn runtime() -> ResolvedRuntime {
    ResolvedRuntime {
        provider_id: "p".into(),
        protocol: RuntimeProtocol::OpenaiChat,
        base_url: String::new(),
        chat_url: "http://127.0.0.1/chat".into(),
        headers: BTreeMap::new(),
        auth: AuthScheme::None,
        default_options: Map::new(),
        wire_model_id: "m".into(),
        model_in_body: true,
        dynamic_headers: None,
    }
}

static EMPTY: std::sync::LazyLock<ChatRequest> = std::sync::LazyLock::new(ChatRequest::default);

fn input() -> ChatHookInput<'static> {
    ChatHookInput {
        session_id: "s".into(),
        model: HookModel {
            provider_id: "p".into(),
            model_id: "m".into(),
            api_model_id: "m".into(),
            wire_format: WireFormat::OpenaiChat,
            npm: "@ai-sdk/openai-compatible".into(),
        },
        variant: None,
        small: false,
        request: &EMPTY,
        header_names: Vec::new(),
    }
}

fn run(registry: &Registry) -> (Result<(), HookFailed>, ChatParamsOutput, HookReport) {
    let (input, runtime) = (input(), runtime());
    let cx = ChatContext {
        input: &input,
        runtime: &runtime,
    };
    let mut output = ChatParamsOutput::default();
    let mut report = HookReport::default();
    let result = futures::executor::block_on(registry.chat_params(&cx, &mut output, &mut report));
    (result, output, report)
}

#[test]
fn plugins_run_in_registration_order_each_seeing_the_output_before_it() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut registry = Registry::empty();
    registry
        .register(Arc::new(recorder("a", &log)))
        .register(Arc::new(recorder("b", &log)))
        .register(Arc::new(recorder("c", &log)));
    let (result, output, report) = run(&registry);
    result.expect("no failure");
    assert_eq!(*log.lock().expect("log"), ["a", "b", "c"]);
    assert_eq!(output.temperature, Some(111.0), "a → 1, b → 11, c → 111");
    assert_eq!(
        output.provider_options,
        Some(Map::from_iter([
            ("a".into(), json!(0.0)),
            ("b".into(), json!(1.0)),
            ("c".into(), json!(11.0)),
        ]))
    );
    let changed: Vec<(&str, &[String])> = report
        .changes
        .iter()
        .map(|change| (change.plugin.as_str(), change.changed.as_slice()))
        .collect();
    assert_eq!(changed.len(), 3);
    assert!(
        changed
            .iter()
            .all(|(_, fields)| fields == &["temperature", "providerOptions"])
    );
    assert!(report.warnings.is_empty());
}

#[test]
fn the_builtins_run_before_in_process_registrations() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut registry = Registry::with_builtins();
    registry.register(Arc::new(recorder("mine", &log)));
    assert_eq!(registry.names(), ["github-copilot", "chatgpt", "mine"]);
}

#[test]
fn a_failing_hook_is_skipped_with_a_warning_and_its_change_undone() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut registry = Registry::empty();
    registry
        .register(Arc::new(recorder("a", &log)))
        .register(Arc::new(Recorder {
            fail: Some(HookFailure::Timeout { timeout_ms: 50 }),
            ..recorder("slow", &log)
        }))
        .register(Arc::new(recorder("c", &log)));
    let (result, output, report) = run(&registry);
    result.expect("the call goes on");
    assert_eq!(*log.lock().expect("log"), ["a", "slow", "c"]);
    assert_eq!(
        output.temperature,
        Some(11.0),
        "slow's change (1 → 11) was undone: c saw a's 1"
    );
    assert!(
        !output
            .provider_options
            .as_ref()
            .expect("options")
            .contains_key("slow")
    );
    assert_eq!(
        report.warnings,
        [CallWarning::HookFailed {
            plugin: "slow".into(),
            hook: "chat.params".into(),
            reason: "timeout".into(),
            message: "no answer within 50 ms".into(),
        }]
    );
    assert_eq!(report.changes.len(), 2, "a and c changed something");
}

#[test]
fn a_fail_closed_plugin_stops_the_call_and_the_rest_never_run() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut registry = Registry::empty();
    registry
        .register(Arc::new(Recorder {
            fail: Some(HookFailure::InvalidAnswer("expected a number".into())),
            fail_closed: true,
            ..recorder("strict", &log)
        }))
        .register(Arc::new(recorder("after", &log)));
    let (result, _, _) = run(&registry);
    let failed = result.expect_err("fail-closed");
    assert_eq!(failed.plugin, "strict");
    assert_eq!(failed.hook, HookPoint::ChatParams);
    assert_eq!(failed.failure.reason(), "invalid_answer");
    assert_eq!(*log.lock().expect("log"), ["strict"]);
}

#[test]
fn headers_and_events_follow_the_same_order() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let mut registry = Registry::empty();
    registry
        .register(Arc::new(recorder("first", &log)))
        .register(Arc::new(recorder("second", &log)));
    let (input, runtime) = (input(), runtime());
    let cx = ChatContext {
        input: &input,
        runtime: &runtime,
    };
    let mut output = ChatHeadersOutput::default();
    futures::executor::block_on(registry.chat_headers(
        &cx,
        &mut output,
        &mut HookReport::default(),
    ))
    .expect("no failure");
    assert_eq!(output.headers["x-last"], "second", "the last plugin wins");
    registry.event(&HookEvent::ChatStarted {
        session_id: "s1".into(),
        provider_id: "p".into(),
        model_id: "m".into(),
    });
    assert_eq!(*log.lock().expect("log"), ["first:s1", "second:s1"]);
}

/// Answers `config` with a fixed patch, and records the config it saw.
struct ConfigEditor {
    name: &'static str,
    patch: serde_json::Value,
    seen: Arc<Mutex<Vec<serde_json::Value>>>,
}

#[async_trait]
impl Plugin for ConfigEditor {
    fn name(&self) -> &str {
        self.name
    }

    async fn config(
        &self,
        config: &Map<String, serde_json::Value>,
    ) -> Result<ConfigPatch, HookFailure> {
        self.seen
            .lock()
            .expect("seen")
            .push(serde_json::Value::Object(config.clone()));
        serde_json::from_value(self.patch.clone()).map_err(|e| HookFailure::Failed(e.to_string()))
    }
}

#[test]
fn config_hooks_see_the_config_redacted_in_order_and_a_bad_patch_is_skipped() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let editor = |name, patch| {
        Arc::new(ConfigEditor {
            name,
            patch,
            seen: seen.clone(),
        })
    };
    let mut registry = Registry::with_builtins();
    registry
        .register(editor(
            "adds",
            json!({"provider": {"corp": {"options": {"apiKey": "[redacted]", "region": "eu"}}}}),
        ))
        .register(editor("breaks", json!({"model": 42})))
        .register(editor("disables", json!({"disabled_providers": ["other"]})));
    let mut config = json!({"provider": {"corp": {"options": {"apiKey": "sk-secret-1"}}}})
        .as_object()
        .expect("object")
        .clone();
    let check = |config: &Map<String, serde_json::Value>| match config.get("model") {
        Some(model) if !model.is_string() => Err("model must be a string".to_string()),
        _ => Ok(()),
    };
    let mut report = HookReport::default();
    futures::executor::block_on(registry.config(&mut config, &check, &mut report))
        .expect("no plugin fails closed");

    assert_eq!(
        serde_json::Value::Object(config),
        json!({"provider": {"corp": {"options": {"apiKey": "sk-secret-1", "region": "eu"}}},
               "disabled_providers": ["other"]})
    );
    let seen = seen.lock().expect("seen");
    assert_eq!(seen.len(), 3);
    assert_eq!(
        seen[1]["provider"]["corp"]["options"]["region"], "eu",
        "in order"
    );
    assert!(
        seen.iter()
            .all(|view| !view.to_string().contains("sk-secret"))
    );
    assert_eq!(report.warnings.len(), 1);
    assert!(
        matches!(&report.warnings[0], CallWarning::HookFailed { plugin, hook, reason, .. }
            if plugin == "breaks" && hook == "config" && reason == "invalid_answer"),
        "{:?}",
        report.warnings
    );
    assert_eq!(
        report
            .changes
            .iter()
            .map(|c| c.plugin.as_str())
            .collect::<Vec<_>>(),
        ["adds", "disables"]
    );
}
