//! Normalized chat shapes, following the Vercel AI SDK's conventions (DESIGN.md "Chat shapes").
//!
//! Token convention for [`Usage`], the same for every wire format so that cost is computed one way:
//! `inputTokens` counts every prompt token, cache reads and cache writes included; `cachedInputTokens` and
//! `cacheWriteTokens` are the parts of it read from / written to the cache. `outputTokens` counts every
//! generated token, reasoning included; `reasoningTokens` is the reasoning part of it.

use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// Per-provider options or metadata, keyed by provider namespace (`anthropic`, `openai`, `google`,
/// `bedrock`, `cohere`), e.g. `{"anthropic": {"signature": "..."}}`.
pub type ProviderOptions = Map<String, Value>;

/// A message of the conversation; `providerOptions` (also accepted as `provider_options`, the
/// spelling of earlier versions) carries per-provider options such as cache marks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "role", rename_all = "camelCase")]
pub enum Message {
    System {
        content: String,
        #[serde(
            default,
            rename = "providerOptions",
            alias = "provider_options",
            skip_serializing_if = "Option::is_none"
        )]
        provider_options: Option<ProviderOptions>,
    },
    User {
        content: Content,
        #[serde(
            default,
            rename = "providerOptions",
            alias = "provider_options",
            skip_serializing_if = "Option::is_none"
        )]
        provider_options: Option<ProviderOptions>,
    },
    Assistant {
        content: Content,
        #[serde(
            default,
            rename = "providerOptions",
            alias = "provider_options",
            skip_serializing_if = "Option::is_none"
        )]
        provider_options: Option<ProviderOptions>,
    },
    Tool {
        content: Vec<Part>,
        #[serde(
            default,
            rename = "providerOptions",
            alias = "provider_options",
            skip_serializing_if = "Option::is_none"
        )]
        provider_options: Option<ProviderOptions>,
    },
}

/// A message body: a plain string or a list of parts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum Content {
    Text(String),
    Parts(Vec<Part>),
}

impl Content {
    /// The content as parts (a plain string becomes one text part).
    pub fn parts(&self) -> Vec<Part> {
        match self {
            Content::Text(text) => vec![Part::Text {
                text: text.clone(),
                provider_options: None,
            }],
            Content::Parts(parts) => parts.clone(),
        }
    }
}

/// One message part; also the parts of a final result's `content`, so a result can be sent back as an
/// assistant message and its reasoning signatures round-trip.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum Part {
    #[serde(rename_all = "camelCase")]
    Text {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_options: Option<ProviderOptions>,
    },
    /// `image` is base64 data, a `data:` URL or an http(s) URL.
    #[serde(rename_all = "camelCase")]
    Image {
        image: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_options: Option<ProviderOptions>,
    },
    /// `data` is base64 data, a `data:` URL or an http(s) URL.
    #[serde(rename_all = "camelCase")]
    File {
        data: String,
        media_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filename: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_options: Option<ProviderOptions>,
    },
    /// `providerOptions` carries what the provider needs to accept it back: `anthropic.signature` /
    /// `anthropic.redactedData`, `openai.itemId` / `openai.reasoningEncryptedContent`,
    /// `google.thoughtSignature`, `bedrock.signature` / `bedrock.redactedData`.
    #[serde(rename_all = "camelCase")]
    Reasoning {
        text: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_options: Option<ProviderOptions>,
    },
    #[serde(rename_all = "camelCase")]
    ToolCall {
        tool_call_id: String,
        tool_name: String,
        input: Value,
        /// True for tools the provider ran itself (e.g. Anthropic web search).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_options: Option<ProviderOptions>,
    },
    /// `output` is a string, any JSON value, or an AI SDK typed output (`{type: "text" | "json" |
    /// "error-text" | "error-json" | "content", value}`).
    #[serde(rename_all = "camelCase")]
    ToolResult {
        tool_call_id: String,
        tool_name: String,
        output: Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_options: Option<ProviderOptions>,
    },
    /// A cited source (results only; ignored when sent back): `sourceType` `url` (a web page)
    /// or `document` (a file, with its media type and name where the provider gives them).
    #[serde(rename_all = "camelCase")]
    Source {
        source_type: String,
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filename: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_options: Option<ProviderOptions>,
    },
}

/// Who runs a tool.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
pub enum ToolKind {
    /// The caller runs it: the model's calls come back as `tool-call` parts.
    #[default]
    #[serde(rename = "function")]
    Function,
    /// The provider runs it (web search, code execution, …): its calls come back with
    /// `providerExecuted: true`, followed by their results. Also read as `provider`, the AI SDK's
    /// newer spelling.
    #[serde(rename = "provider-defined", alias = "provider")]
    ProviderDefined,
}

impl ToolKind {
    pub fn is_function(&self) -> bool {
        *self == ToolKind::Function
    }
}

/// A tool the model may call: a function tool (`{name, description?, inputSchema}`), or a
/// provider-defined one (`{type: "provider-defined", id, name, args?}`, as the AI SDK's).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Tool {
    #[serde(
        rename = "type",
        default,
        skip_serializing_if = "ToolKind::is_function"
    )]
    pub kind: ToolKind,
    /// The name the model's calls of the tool come back under.
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// A JSON Schema object (function tools).
    #[serde(default, skip_serializing_if = "Value::is_null")]
    pub input_schema: Value,
    /// A provider-defined tool's id, `<provider>.<tool>` (e.g. `anthropic.web_search_20250305`,
    /// `openai.web_search`, `google.google_search`; `docs/call-options.md` lists them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// A provider-defined tool's settings in the AI SDK's spelling (e.g. `{maxUses: 3}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub args: Option<Map<String, Value>>,
}

impl Tool {
    /// A function tool: the caller runs it.
    pub fn function(
        name: impl Into<String>,
        description: Option<String>,
        input_schema: Value,
    ) -> Self {
        Self {
            kind: ToolKind::Function,
            name: name.into(),
            description,
            input_schema,
            id: None,
            args: None,
        }
    }

    /// The id of a provider-defined tool.
    pub fn provider_id(&self) -> Option<&str> {
        match self.kind {
            ToolKind::ProviderDefined => self.id.as_deref(),
            ToolKind::Function => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum ToolChoiceMode {
    Auto,
    None,
    Required,
}

/// `"auto" | "none" | "required" | {toolName}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum ToolChoice {
    Mode(ToolChoiceMode),
    #[serde(rename_all = "camelCase")]
    Tool {
        tool_name: String,
    },
}

/// The form of the answer: free text (the default), or JSON, constrained by `schema` where the
/// model can be (`name` and `description` go with the schema where the API takes them). How each
/// API is asked, and what a model without structured output gets instead, is in
/// `docs/call-options.md`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum ResponseFormat {
    Text,
    Json {
        /// A JSON Schema object the answer must match.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        schema: Option<Value>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        name: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        description: Option<String>,
    },
}

impl ResponseFormat {
    /// The schema of a JSON answer, if one was given.
    pub fn json_schema(&self) -> Option<&Value> {
        match self {
            ResponseFormat::Json { schema, .. } => schema.as_ref(),
            ResponseFormat::Text => None,
        }
    }
}

/// The normalized request a wire format's request builder turns into a provider body.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatRequest {
    pub messages: Vec<Message>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tools: Vec<Tool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tool_choice: Option<ToolChoice>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stop_sequences: Vec<String>,
    /// `{type: "text"}` (the default) or `{type: "json", schema?, name?, description?}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub response_format: Option<ResponseFormat>,
    /// Sampling seed, for repeatable answers where the API takes one (OpenAI chat completions,
    /// Gemini, Cohere; Mistral's `random_seed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Penalizes tokens already present (OpenAI chat completions, Gemini, Cohere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f64>,
    /// Penalizes tokens by how often they appeared (OpenAI chat completions, Gemini, Cohere).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f64>,
    /// Provider options by key: the wire format's namespace (`openai`, `anthropic`, `google`,
    /// `bedrock`, `cohere`), the AI SDK package's key (`openrouter`, `openaiCompatible`, `copilot`,
    /// `vertex`, `azure`, …) or the provider id; each applicable one is merged into the body last.
    /// Keys in the AI SDK's spelling (`reasoningEffort`, `thinking.budgetTokens`, `promptCacheKey`,
    /// …) are written as the API's fields; any other key is passed as written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_options: Option<ProviderOptions>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum FinishReason {
    Stop,
    Length,
    ContentFilter,
    ToolCalls,
    Error,
    Other,
    Unknown,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub input_tokens: u64,
    pub output_tokens: u64,
    pub reasoning_tokens: u64,
    pub cached_input_tokens: u64,
    pub cache_write_tokens: u64,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ResponseInfo {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub model_id: Option<String>,
}

/// The final result of a chat call.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatResult {
    pub content: Vec<Part>,
    pub finish_reason: FinishReason,
    pub usage: Usage,
    /// Filled by the session layer from catalog prices; the wire layer leaves it empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    pub response: ResponseInfo,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_metadata: Option<ProviderOptions>,
    /// What did not stop the call but left part of it undone (the AI SDK's `warnings`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub warnings: Vec<CallWarning>,
}

/// Something that did not stop a call but left part of it undone.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum CallWarning {
    /// A hook failed, timed out or answered garbage; the call went on without its change.
    #[serde(rename_all = "camelCase")]
    HookFailed {
        /// The plugin (`host` for the host's hooks).
        plugin: String,
        /// `chat.params` or `chat.headers`.
        hook: String,
        /// `timeout`, `closed`, `rejected`, `invalid_answer` or `failed`.
        reason: String,
        message: String,
    },
}

/// The error carried by an `error` stream part (see [`crate::protocol::error::ProviderFailure`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct StreamError {
    /// `rate_limited`, `context_overflow`, `auth`, `bad_request`, `provider_server`, `stream_interrupted`.
    pub kind: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<u16>,
    pub retryable: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry_after_ms: Option<u64>,
}

/// One normalized stream part (a `chat/delta` notification's `part`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "kebab-case")]
pub enum StreamPart {
    #[serde(rename_all = "camelCase")]
    TextStart {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderOptions>,
    },
    TextDelta {
        id: String,
        delta: String,
    },
    #[serde(rename_all = "camelCase")]
    TextEnd {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderOptions>,
    },
    #[serde(rename_all = "camelCase")]
    ReasoningStart {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderOptions>,
    },
    ReasoningDelta {
        id: String,
        delta: String,
    },
    /// Carries the signature / encrypted content once the provider sent it.
    #[serde(rename_all = "camelCase")]
    ReasoningEnd {
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderOptions>,
    },
    #[serde(rename_all = "camelCase")]
    ToolInputStart {
        id: String,
        tool_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
    },
    ToolInputDelta {
        id: String,
        delta: String,
    },
    ToolInputEnd {
        id: String,
    },
    /// A complete tool call with its parsed input.
    #[serde(rename_all = "camelCase")]
    ToolCall {
        tool_call_id: String,
        tool_name: String,
        input: Value,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_executed: Option<bool>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderOptions>,
    },
    /// The result of a provider-executed tool (e.g. Anthropic's web search).
    #[serde(rename_all = "camelCase")]
    ToolResult {
        tool_call_id: String,
        tool_name: String,
        output: Value,
        provider_executed: bool,
    },
    /// A cited source: `url` (a web page) or `document` (a file).
    #[serde(rename_all = "camelCase")]
    Source {
        source_type: String,
        id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        url: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        title: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        media_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        filename: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderOptions>,
    },
    Usage {
        usage: Usage,
    },
    #[serde(rename_all = "camelCase")]
    Finish {
        finish_reason: FinishReason,
        usage: Usage,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        provider_metadata: Option<ProviderOptions>,
    },
    Error {
        error: StreamError,
    },
    /// An event the parser does not know, passed through as received.
    #[serde(rename_all = "camelCase")]
    Raw {
        raw_value: Value,
    },
}

impl StreamPart {
    /// A web page the answer cites.
    pub fn url_source(
        id: String,
        url: Option<String>,
        title: Option<String>,
        provider_metadata: Option<ProviderOptions>,
    ) -> Self {
        StreamPart::Source {
            source_type: "url".into(),
            id,
            url,
            title,
            media_type: None,
            filename: None,
            provider_metadata,
        }
    }

    /// A document the answer cites.
    pub fn document_source(
        id: String,
        title: Option<String>,
        media_type: Option<String>,
        filename: Option<String>,
        provider_metadata: Option<ProviderOptions>,
    ) -> Self {
        StreamPart::Source {
            source_type: "document".into(),
            id,
            url: None,
            title,
            media_type,
            filename,
            provider_metadata,
        }
    }
}

/// `{namespace: {key: value}}`.
pub fn provider_meta(namespace: &str, key: &str, value: impl Into<Value>) -> ProviderOptions {
    let mut inner = Map::new();
    inner.insert(key.to_string(), value.into());
    let mut outer = Map::new();
    outer.insert(namespace.to_string(), Value::Object(inner));
    outer
}

#[cfg(test)]
#[path = "types_tests.rs"]
mod tests;
