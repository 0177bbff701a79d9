use serde_json::{Value, json};

use super::build_request;
use crate::protocol::WireFormat;
use crate::protocol::execute::parse_body;
use crate::protocol::testing::{fixture_lines, fixtures_dir, split_responses, wire_chunks};
use crate::protocol::types::{
    ChatRequest, ChatResult, Content, Message, Part, Tool, ToolChoice, ToolChoiceMode,
};

fn replay(folder: &str, file: &str, format: WireFormat) -> ChatResult {
    let text =
        std::fs::read_to_string(fixtures_dir().join(folder).join(file)).expect("fixture exists");
    let lines = fixture_lines(&text);
    let first = if folder == "openai-responses" {
        split_responses(&lines).remove(0)
    } else {
        lines
    };
    let body: Vec<u8> = wire_chunks(folder, &first).concat();
    let (_, result) = parse_body(format, &body);
    result
}

/// The request that continues a conversation after `result`, with tool results for its calls.
fn follow_up(result: &ChatResult) -> ChatRequest {
    let results: Vec<Part> = result
        .content
        .iter()
        .filter_map(|part| match part {
            Part::ToolCall {
                tool_call_id,
                tool_name,
                provider_executed: None,
                ..
            } => Some(Part::ToolResult {
                tool_call_id: tool_call_id.clone(),
                tool_name: tool_name.clone(),
                output: json!({"type": "json", "value": {"temperature": 21}}),
                provider_executed: None,
                provider_options: None,
            }),
            _ => None,
        })
        .collect();
    let mut messages = vec![
        Message::System {
            content: "be brief".into(),
            provider_options: None,
        },
        Message::User {
            content: Content::Text("question".into()),
            provider_options: None,
        },
        Message::Assistant {
            content: Content::Parts(result.content.clone()),
            provider_options: None,
        },
    ];
    if !results.is_empty() {
        messages.push(Message::Tool {
            content: results,
            provider_options: None,
        });
    }
    ChatRequest {
        messages,
        tools: vec![Tool::function(
            "weather",
            Some("Weather of a city".into()),
            json!({"type": "object", "properties": {"location": {"type": "string"}}}),
        )],
        tool_choice: Some(ToolChoice::Mode(ToolChoiceMode::Auto)),
        temperature: Some(0.5),
        top_p: Some(0.9),
        top_k: Some(40),
        max_output_tokens: Some(1000),
        stop_sequences: vec!["END".into()],
        ..ChatRequest::default()
    }
}

#[test]
fn anthropic_thinking_signature_round_trips() {
    let result = replay(
        "anthropic",
        "anthropic-clear-thinking.1.chunks.txt",
        WireFormat::Anthropic,
    );
    let wire = build_request(
        WireFormat::Anthropic,
        "claude-sonnet-4-5",
        &follow_up(&result),
    )
    .expect("builds");
    assert_eq!(wire.path, "/messages");
    let body = wire.body;
    assert_eq!(
        body["system"],
        json!([{"type": "text", "text": "be brief"}])
    );
    let assistant = &body["messages"][1];
    assert_eq!(assistant["role"], "assistant");
    assert_eq!(assistant["content"][0]["type"], "thinking");
    assert!(
        assistant["content"][0]["signature"]
            .as_str()
            .expect("signature")
            .starts_with("EvQBCkYICxgC")
    );
    assert_eq!(
        assistant["content"][1],
        json!({"type": "text", "text": "925 ÷ 5 = 185"})
    );
    assert_eq!(body["max_tokens"], 1000);
    assert_eq!(body["top_k"], 40);
    assert_eq!(body["tool_choice"], json!({"type": "auto"}));
    assert_eq!(body["tools"][0]["input_schema"]["type"], "object");
    assert_eq!(body["stop_sequences"], json!(["END"]));
}

#[test]
fn anthropic_tool_results_and_server_tools() {
    let result = replay(
        "anthropic",
        "anthropic-web-search-tool.1.chunks.txt",
        WireFormat::Anthropic,
    );
    let body = build_request(WireFormat::Anthropic, "m", &follow_up(&result))
        .expect("builds")
        .body;
    let content = &body["messages"][1]["content"];
    assert_eq!(content[0]["type"], "server_tool_use");
    assert_eq!(
        content[0]["input"],
        json!({"query": "tech news today September 26 2025"})
    );
    assert_eq!(content[1]["type"], "web_search_tool_result");
    assert_eq!(content[1]["tool_use_id"], content[0]["id"]);
    assert!(
        content
            .as_array()
            .expect("blocks")
            .iter()
            .all(|b| b["type"] != "source")
    );

    let result = replay(
        "anthropic",
        "anthropic-tool-no-args.chunks.txt",
        WireFormat::Anthropic,
    );
    let body = build_request(WireFormat::Anthropic, "m", &follow_up(&result))
        .expect("builds")
        .body;
    assert_eq!(body["messages"][1]["content"][1]["type"], "tool_use");
    assert_eq!(body["messages"][2]["role"], "user");
    assert_eq!(body["messages"][2]["content"][0]["type"], "tool_result");
    assert_eq!(
        body["messages"][2]["content"][0]["content"],
        "{\"temperature\":21}"
    );
}

#[test]
fn openai_responses_encrypted_reasoning_round_trips() {
    let result = replay(
        "openai-responses",
        "openai-reasoning-encrypted-content.1.chunks.txt",
        WireFormat::OpenaiResponses,
    );
    let wire = build_request(
        WireFormat::OpenaiResponses,
        "gpt-5.1-codex-max",
        &follow_up(&result),
    )
    .expect("builds");
    assert_eq!(wire.path, "/responses");
    let input = wire.body["input"].as_array().expect("input items").clone();
    let reasoning = input
        .iter()
        .find(|i| i["type"] == "reasoning")
        .expect("reasoning item");
    assert_eq!(
        reasoning["id"],
        "rs_01830d662ab3856501693c321405c88190be3ab04d5782d5f9"
    );
    assert!(
        reasoning["encrypted_content"]
            .as_str()
            .expect("encrypted")
            .starts_with("gAAAAABpPDIVOKrs")
    );
    assert_eq!(reasoning["summary"][0]["type"], "summary_text");
    let call = input
        .iter()
        .find(|i| i["type"] == "function_call")
        .expect("function call");
    assert_eq!(call["arguments"], "{\"a\":12,\"b\":7,\"op\":\"add\"}");
    let output = input
        .iter()
        .find(|i| i["type"] == "function_call_output")
        .expect("output");
    assert_eq!(output["call_id"], call["call_id"]);
    assert_eq!(wire.body["max_output_tokens"], 1000);
    assert_eq!(wire.body["tools"][0]["name"], "weather");
}

#[test]
fn gemini_thought_signatures_round_trip() {
    let result = replay(
        "google",
        "google-tool-call-gemini3.chunks.txt",
        WireFormat::Gemini,
    );
    let wire = build_request(
        WireFormat::Gemini,
        "gemini-3-pro-preview",
        &follow_up(&result),
    )
    .expect("builds");
    assert_eq!(
        wire.path,
        "/models/gemini-3-pro-preview:streamGenerateContent?alt=sse"
    );
    let body = wire.body;
    let model = &body["contents"][1];
    assert_eq!(model["role"], "model");
    assert_eq!(
        model["parts"][0]["functionCall"],
        json!({"name": "weather", "args": {"location": "San Francisco"}})
    );
    assert!(
        model["parts"][0]["thoughtSignature"]
            .as_str()
            .expect("signature")
            .starts_with("EpEgCo4g")
    );
    assert_eq!(
        body["contents"][2]["parts"][0]["functionResponse"]["response"]["content"],
        json!({"temperature": 21})
    );
    assert_eq!(
        body["systemInstruction"],
        json!({"parts": [{"text": "be brief"}]})
    );
    assert_eq!(body["generationConfig"]["topK"], 40);

    let result = replay("google", "google-text.chunks.txt", WireFormat::Gemini);
    let body = build_request(WireFormat::Gemini, "m", &follow_up(&result))
        .expect("builds")
        .body;
    assert!(
        body["contents"][1]["parts"][0]["thoughtSignature"]
            .as_str()
            .expect("signature")
            .starts_with("EqsFCqgF")
    );
}

#[test]
fn bedrock_reasoning_signature_round_trips() {
    let result = replay(
        "bedrock",
        "amazon-bedrock-reasoning.chunks.txt",
        WireFormat::Bedrock,
    );
    let wire = build_request(
        WireFormat::Bedrock,
        "us.anthropic.claude-sonnet-4:0",
        &follow_up(&result),
    )
    .expect("builds");
    assert_eq!(
        wire.path,
        "/model/us.anthropic.claude-sonnet-4%3A0/converse-stream"
    );
    let content = &wire.body["messages"][1]["content"];
    assert!(
        content[0]["reasoningContent"]["reasoningText"]["signature"]
            .as_str()
            .expect("signature")
            .starts_with("Ep0CCkgI")
    );
    assert_eq!(wire.body["inferenceConfig"]["maxTokens"], 1000);
    assert_eq!(wire.body["toolConfig"]["toolChoice"], json!({"auto": {}}));

    let result = replay(
        "bedrock",
        "amazon-bedrock-tool-call.1.chunks.txt",
        WireFormat::Bedrock,
    );
    let body = build_request(WireFormat::Bedrock, "m", &follow_up(&result))
        .expect("builds")
        .body;
    assert_eq!(
        body["messages"][1]["content"][0]["toolUse"]["input"],
        json!({"value": "Sparkle Day"})
    );
    assert_eq!(
        body["messages"][2]["content"][0]["toolResult"]["content"],
        json!([{"json": {"temperature": 21}}])
    );
}

#[test]
fn cohere_tool_plan_round_trips() {
    let result = replay("cohere", "cohere-tool-call.chunks.txt", WireFormat::Cohere);
    let body = build_request(WireFormat::Cohere, "command-a", &follow_up(&result))
        .expect("builds")
        .body;
    let assistant = &body["messages"][2];
    assert!(
        assistant["tool_plan"]
            .as_str()
            .expect("plan")
            .starts_with("I will use the weather tool")
    );
    assert_eq!(assistant["tool_calls"].as_array().expect("calls").len(), 2);
    assert_eq!(body["messages"][3]["role"], "tool");
    assert_eq!(body["k"], 40);
    assert_eq!(body["p"], 0.9);
}

#[test]
fn openai_chat_body() {
    let result = replay(
        "openai-chat",
        "deepseek-tool-call.chunks.txt",
        WireFormat::OpenaiChat,
    );
    let mut request = follow_up(&result);
    request.messages.push(Message::User {
        content: Content::Parts(vec![
            Part::Text {
                text: "see".into(),
                provider_options: None,
            },
            Part::Image {
                image: "aGVsbG8=".into(),
                media_type: Some("image/jpeg".into()),
                provider_options: None,
            },
        ]),
        provider_options: None,
    });
    let wire =
        build_request(WireFormat::OpenaiChat, "deepseek-reasoner", &request).expect("builds");
    assert_eq!(wire.path, "/chat/completions");
    let body = wire.body;
    assert_eq!(body["stream_options"], json!({"include_usage": true}));
    assert_eq!(body["max_tokens"], 1000);
    assert_eq!(
        body["messages"][0],
        json!({"role": "system", "content": "be brief"})
    );
    assert_eq!(
        body["messages"][1],
        json!({"role": "user", "content": "question"})
    );
    let assistant = &body["messages"][2];
    assert_eq!(assistant["content"], Value::Null);
    assert_eq!(
        assistant["tool_calls"][0]["function"]["arguments"],
        "{\"location\":\"San Francisco\"}"
    );
    assert_eq!(
        body["messages"][3]["tool_call_id"],
        assistant["tool_calls"][0]["id"]
    );
    assert_eq!(
        body["messages"][4]["content"][1]["image_url"]["url"],
        "data:image/jpeg;base64,aGVsbG8="
    );
    assert_eq!(body["stop"], json!(["END"]));

    let body = build_request(WireFormat::OpenaiChat, "gpt-5-mini", &follow_up(&result))
        .expect("builds")
        .body;
    assert_eq!(body["max_completion_tokens"], 1000);
    assert!(body.get("max_tokens").is_none());
    let mut request = follow_up(&result);
    request.tool_choice = Some(ToolChoice::Tool {
        tool_name: "weather".into(),
    });
    let body = build_request(WireFormat::OpenaiChat, "m", &request)
        .expect("builds")
        .body;
    assert_eq!(
        body["tool_choice"],
        json!({"type": "function", "function": {"name": "weather"}})
    );
}

#[test]
fn gemini_tool_parameters_are_its_openapi_subset() {
    let mut request = ChatRequest {
        messages: vec![Message::User {
            content: Content::Text("hi".into()),
            provider_options: None,
        }],
        ..Default::default()
    };
    request.tools = vec![
        Tool::function(
            "edit",
            None,
            json!({
                "$schema": "http://json-schema.org/draft-07/schema#",
                "type": "object",
                "additionalProperties": false,
                "properties": {
                    "path": {"type": "string", "description": "file"},
                    "mode": {"const": "replace"},
                    "count": {"type": ["integer", "null"]},
                    "value": {"oneOf": [{"type": "string"}, {"type": "number"}]}
                },
                "required": ["path"]
            }),
        ),
        Tool::function("noop", None, json!({"type": "object", "properties": {}})),
    ];
    let body = build_request(WireFormat::Gemini, "gemini-2.5-pro", &request)
        .expect("builds")
        .body;
    let declarations = &body["tools"][0]["functionDeclarations"];
    assert_eq!(
        declarations[0]["parameters"],
        json!({
            "type": "object",
            "properties": {
                "path": {"type": "string", "description": "file"},
                "mode": {"enum": ["replace"]},
                "count": {"type": "integer", "nullable": true},
                "value": {"anyOf": [{"type": "string"}, {"type": "number"}]}
            },
            "required": ["path"]
        })
    );
    assert!(declarations[1].get("parameters").is_none());
}
