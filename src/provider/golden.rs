//! Golden snapshot of the redacted runtime of every loader (with the built-in auth loaders of the
//! ChatGPT and Copilot sign-ins over it, as calls resolve), in
//! `fixtures/provider/runtime-previews.json`. Regenerate with `UPDATE_GOLDEN=1 cargo test --lib
//! provider::golden` and review the diff.

mod tests {
    use std::collections::BTreeMap;

    use serde_json::{Value, json};

    use crate::provider::input::{AwsCredentials, Credential};
    use crate::provider::profiles::test_support::Fixture;

    const PATH: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fixtures/provider/runtime-previews.json"
    );

    fn cases() -> Vec<(&'static str, Fixture)> {
        let oauth = |enterprise: Option<&str>| Credential::OAuth {
            access: "oauth-access".into(),
            account_id: Some("acct".into()),
            enterprise_url: enterprise.map(str::to_string),
        };
        vec![
            (
                "anthropic",
                Fixture::new("anthropic", "claude-sonnet-4-5").key("k"),
            ),
            ("openai", Fixture::new("openai", "gpt-5").key("k")),
            (
                "openai-oauth",
                Fixture::new("openai", "gpt-5.2").credential(oauth(None)),
            ),
            (
                "xai",
                Fixture::new("xai", "grok-4").npm("@ai-sdk/xai").key("k"),
            ),
            ("google", Fixture::new("google", "gemini-2.5-pro").key("k")),
            (
                "azure",
                Fixture::new("azure", "gpt-5")
                    .env("AZURE_RESOURCE_NAME", "res")
                    .key("k"),
            ),
            (
                "amazon-bedrock-sigv4",
                Fixture::new(
                    "amazon-bedrock",
                    "anthropic.claude-sonnet-4-5-20250929-v1:0",
                )
                .option("region", json!("eu-central-1"))
                .credential(Credential::Aws(AwsCredentials {
                    access_key_id: "AKID".into(),
                    secret_access_key: "secret".into(),
                    session_token: None,
                })),
            ),
            (
                "amazon-bedrock-bearer",
                Fixture::new("amazon-bedrock", "amazon.nova-pro-v1:0")
                    .env("AWS_REGION", "ap-northeast-1")
                    .env("AWS_BEARER_TOKEN_BEDROCK", "t"),
            ),
            (
                "google-vertex",
                Fixture::new("google-vertex", "gemini-2.5-pro")
                    .env("GOOGLE_VERTEX_PROJECT", "proj")
                    .credential(Credential::BearerToken("t".into())),
            ),
            (
                "google-vertex-anthropic",
                Fixture::new("google-vertex-anthropic", "claude-opus-4-1@20250805")
                    .env("GOOGLE_CLOUD_PROJECT", "proj")
                    .env("GOOGLE_CLOUD_LOCATION", "eu")
                    .credential(Credential::BearerToken("t".into())),
            ),
            (
                "openrouter",
                Fixture::new("openrouter", "anthropic/claude-sonnet-4.5")
                    .npm("@openrouter/ai-sdk-provider")
                    .api("https://openrouter.ai/api/v1")
                    .key("k"),
            ),
            (
                "vercel",
                Fixture::new("vercel", "openai/gpt-5")
                    .npm("@ai-sdk/gateway")
                    .key("k"),
            ),
            (
                "zenmux",
                Fixture::new("zenmux", "x")
                    .api("https://zenmux.ai/api/v1")
                    .key("k"),
            ),
            (
                "github-copilot-responses",
                Fixture::new("github-copilot", "gpt-5").credential(oauth(None)),
            ),
            (
                "github-copilot-enterprise-chat",
                Fixture::new("github-copilot", "gpt-4.1").credential(oauth(Some("corp.ghe.com"))),
            ),
            (
                "cerebras",
                Fixture::new("cerebras", "gpt-oss-120b")
                    .npm("@ai-sdk/cerebras")
                    .key("k"),
            ),
            (
                "opencode-public",
                Fixture::new("opencode", "big-pickle").api("https://opencode.ai/zen/v1"),
            ),
            (
                "gitlab",
                Fixture::new("gitlab", "duo-chat-sonnet-4-6")
                    .credential(Credential::BearerToken("gw".into())),
            ),
            (
                "cloudflare-ai-gateway",
                Fixture::new("cloudflare-ai-gateway", "openai/gpt-5")
                    .env("CLOUDFLARE_ACCOUNT_ID", "acc")
                    .env("CLOUDFLARE_GATEWAY_ID", "gw")
                    .env("CLOUDFLARE_API_TOKEN", "t"),
            ),
            (
                "sap-ai-core",
                Fixture::new("sap-ai-core", "gpt-4.1")
                    .option(
                        "apiUrl",
                        json!("https://api.ai.prod.eu-central-1.aws.ml.hana.ondemand.com"),
                    )
                    .option("deploymentId", json!("d1"))
                    .credential(Credential::BearerToken("t".into())),
            ),
            (
                "zai",
                Fixture::new("zai", "glm-4.7")
                    .npm("@ai-sdk/openai-compatible")
                    .api("https://api.z.ai/api/paas/v4")
                    .key("id.secret")
                    .option(
                        "thinking",
                        json!({"type": "enabled", "clear_thinking": false}),
                    ),
            ),
            (
                "zai-coding-plan",
                Fixture::new("zai-coding-plan", "glm-4.6")
                    .api("https://api.z.ai/api/coding/paas/v4")
                    .key("k"),
            ),
            (
                "openai-compatible",
                Fixture::new("moonshotai", "kimi-k2")
                    .npm("@ai-sdk/openai-compatible")
                    .api("https://api.moonshot.ai/v1")
                    .key("k"),
            ),
            (
                "config-base-url",
                Fixture::new("local", "qwen3")
                    .option("baseURL", json!("http://127.0.0.1:1234/v1"))
                    .option("headers", json!({"X-Team": "a"}))
                    .session_header("X-Session", "s1"),
            ),
        ]
    }

    #[test]
    fn runtime_previews_match_golden_file() {
        let mut actual = BTreeMap::new();
        for (name, fixture) in cases() {
            let runtime = fixture
                .resolved()
                .unwrap_or_else(|err| panic!("{name}: {err}"));
            actual.insert(
                name,
                serde_json::to_value(runtime.redacted()).expect("json"),
            );
        }
        let actual = serde_json::to_value(&actual).expect("json");
        if std::env::var_os("UPDATE_GOLDEN").is_some() {
            let text = serde_json::to_string_pretty(&actual).expect("json") + "\n";
            std::fs::write(PATH, text).expect("write golden file");
        }
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(PATH).expect("golden file (run with UPDATE_GOLDEN=1)"),
        )
        .expect("golden json");
        assert_eq!(actual, expected);
    }
}
