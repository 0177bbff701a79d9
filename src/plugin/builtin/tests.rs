//! The built-in plugins decide on the resolved runtime, and keep what the caller or config set.

use std::collections::BTreeMap;

use serde_json::Map;

use super::plugins;
use crate::plugin::{
    ChatContext, ChatHeadersOutput, ChatHookInput, ChatParamsOutput, HookModel, HookReport,
    Registry,
};
use crate::protocol::{ChatRequest, WireFormat};
use crate::provider::profiles::{copilot, openai};
use crate::provider::runtime::{AuthScheme, DynamicHeaders, ResolvedRuntime, RuntimeProtocol};

fn runtime(provider_id: &str, chat_url: &str, copilot: bool) -> ResolvedRuntime {
    ResolvedRuntime {
        provider_id: provider_id.into(),
        protocol: RuntimeProtocol::OpenaiResponses,
        base_url: String::new(),
        chat_url: chat_url.into(),
        headers: BTreeMap::new(),
        auth: AuthScheme::None,
        default_options: Map::new(),
        wire_model_id: "m".into(),
        model_in_body: true,
        dynamic_headers: copilot.then_some(DynamicHeaders::Copilot),
    }
}

static EMPTY: std::sync::LazyLock<ChatRequest> = std::sync::LazyLock::new(ChatRequest::default);

fn input(provider_id: &str, api_model_id: &str, format: WireFormat) -> ChatHookInput<'static> {
    ChatHookInput {
        session_id: "s".into(),
        model: HookModel {
            provider_id: provider_id.into(),
            model_id: api_model_id.into(),
            api_model_id: api_model_id.into(),
            wire_format: format,
            npm: String::new(),
        },
        variant: None,
        small: false,
        request: &EMPTY,
        header_names: Vec::new(),
    }
}

fn run_params(runtime: &ResolvedRuntime, input: &ChatHookInput) -> ChatParamsOutput {
    let mut output = ChatParamsOutput {
        max_output_tokens: Some(32_000),
        ..ChatParamsOutput::default()
    };
    let cx = ChatContext { input, runtime };
    futures::executor::block_on(Registry::with_builtins().chat_params(
        &cx,
        &mut output,
        &mut HookReport::default(),
    ))
    .expect("built-ins never fail");
    output
}

#[test]
fn the_builtins_run_copilot_then_chatgpt() {
    let names: Vec<String> = plugins().iter().map(|p| p.name().to_string()).collect();
    assert_eq!(names, ["github-copilot", "chatgpt"]);
}

#[test]
fn chatgpt_and_copilot_gpt_drop_the_default_output_limit_only() {
    let chatgpt = runtime("openai", openai::CODEX_RESPONSES_URL, false);
    let gpt = input("openai", "gpt-5.5", WireFormat::OpenaiResponses);
    assert_eq!(run_params(&chatgpt, &gpt).max_output_tokens, None);

    let limited = ChatRequest {
        max_output_tokens: Some(32_000),
        ..ChatRequest::default()
    };
    let asked = ChatHookInput {
        request: &limited,
        ..gpt.clone()
    };
    assert_eq!(
        run_params(&chatgpt, &asked).max_output_tokens,
        Some(32_000),
        "the caller's own limit is kept"
    );

    let platform = runtime("openai", "https://api.openai.com/v1/responses", false);
    assert_eq!(run_params(&platform, &gpt).max_output_tokens, Some(32_000));

    let copilot_rt = runtime(
        "github-copilot",
        "https://api.githubcopilot.com/responses",
        true,
    );
    assert!(copilot::is_copilot(&copilot_rt));
    let copilot_gpt = input("github-copilot", "gpt-5", WireFormat::OpenaiResponses);
    assert_eq!(
        run_params(&copilot_rt, &copilot_gpt).max_output_tokens,
        None
    );
    let copilot_claude = input("github-copilot", "claude-sonnet-4.5", WireFormat::Anthropic);
    assert_eq!(
        run_params(&copilot_rt, &copilot_claude).max_output_tokens,
        Some(32_000)
    );
}

#[test]
fn copilot_claude_gets_interleaved_thinking_unless_a_beta_is_configured() {
    let copilot_rt = runtime(
        "github-copilot",
        "https://api.githubcopilot.com/v1/messages",
        true,
    );
    let claude = input("github-copilot", "claude-sonnet-4.5", WireFormat::Anthropic);
    let headers = |input: &ChatHookInput| {
        let mut output = ChatHeadersOutput::default();
        let cx = ChatContext {
            input,
            runtime: &copilot_rt,
        };
        futures::executor::block_on(Registry::with_builtins().chat_headers(
            &cx,
            &mut output,
            &mut HookReport::default(),
        ))
        .expect("built-ins never fail");
        output.headers
    };
    assert_eq!(
        headers(&claude),
        BTreeMap::from([(
            "anthropic-beta".to_string(),
            super::copilot::INTERLEAVED_THINKING.to_string()
        )])
    );
    let mut configured = claude.clone();
    configured.header_names = vec!["Anthropic-Beta".into()];
    assert!(headers(&configured).is_empty(), "the config's beta wins");
    let gpt = input("github-copilot", "gpt-5", WireFormat::OpenaiResponses);
    assert!(headers(&gpt).is_empty());
}

#[test]
fn the_chatgpt_loader_sends_an_openai_sign_in_to_the_codex_endpoint() {
    use crate::provider::Credential;
    use crate::provider::profiles::test_support::Fixture;
    let sign_in = Credential::OAuth {
        access: "tok".into(),
        account_id: Some("acc-1".into()),
        enterprise_url: None,
    };
    let fx = Fixture::new("openai", "gpt-5.2")
        .option("baseURL", serde_json::json!("https://proxy.example/v1"))
        .credential(sign_in.clone());
    let rt = fx.resolved().expect("resolves");
    assert_eq!(
        rt.chat_url,
        openai::CODEX_RESPONSES_URL,
        "whatever the config"
    );
    assert_eq!(rt.base_url, openai::CODEX_BASE_URL);
    assert_eq!(rt.headers["ChatGPT-Account-Id"], "acc-1");
    assert_eq!(rt.headers["originator"], "test-app");
    assert!(matches!(&rt.auth, AuthScheme::Bearer(k) if k.expose() == "tok"));

    let key = Fixture::new("openai", "gpt-5").key("sk-oai");
    let rt = key.resolved().expect("resolves");
    assert_eq!(rt.chat_url, "https://api.openai.com/v1/responses");
    assert!(rt.headers.is_empty());

    // Another provider speaking OpenAI's API is no ChatGPT sign-in.
    let other = Fixture::new("corp", "gpt-5.2")
        .npm("@ai-sdk/openai")
        .api("https://corp.example/v1")
        .credential(sign_in);
    assert_eq!(
        other.resolved().expect("resolves").chat_url,
        "https://corp.example/v1/responses"
    );
}

#[test]
fn the_auth_loaders_are_listed_and_a_config_beats_the_enterprise_base() {
    use crate::provider::Credential;
    use crate::provider::profiles::test_support::Fixture;
    let enterprise = Credential::OAuth {
        access: "gho".into(),
        account_id: None,
        enterprise_url: Some("https://company.ghe.com".into()),
    };
    let fx = Fixture::new("github-copilot", "gpt-4.1").credential(enterprise.clone());
    let mut report = HookReport::default();
    let input = fx.input();
    let auth = futures::executor::block_on(Registry::with_builtins().auth(&input, &mut report))
        .expect("built-ins never fail");
    assert_eq!(
        auth.base_url.as_deref(),
        Some("https://copilot-api.company.ghe.com")
    );
    assert_eq!(report.changes.len(), 1);
    assert_eq!(report.changes[0].plugin, "github-copilot");
    assert_eq!(
        report.changes[0].changed,
        [
            "baseUrl",
            "bearer",
            "requestHeaders",
            "Openai-Intent",
            "User-Agent"
        ]
    );

    let configured = Fixture::new("github-copilot", "gpt-4.1")
        .option(
            "baseURL",
            serde_json::json!("https://copilot-proxy.example"),
        )
        .credential(enterprise);
    let rt = configured.resolved().expect("resolves");
    assert_eq!(
        rt.chat_url,
        "https://copilot-proxy.example/chat/completions"
    );
    assert!(copilot::is_copilot(&rt));
}
