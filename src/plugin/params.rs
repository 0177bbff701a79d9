//! `chat.params`: the sampling settings and provider options a call is about to send, which each
//! hook may change (OpenCode's `{temperature, topP, topK, maxOutputTokens, options}`).

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer, Serialize};

use crate::protocol::ChatRequest;
use crate::protocol::types::ProviderOptions;

/// The output of `chat.params`: the values the call sends, after the model's sampling defaults.
/// An unset value is not sent.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatParamsOutput {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    /// The call's own provider options by key (`openai`, `anthropic`, the SDK key or the provider
    /// id), in the AI SDK's spelling; merged into the body last, over the profile's defaults, the
    /// config's options and the reasoning variant.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_options: Option<ProviderOptions>,
}

impl ChatParamsOutput {
    /// The values `request` carries.
    pub fn of(request: &ChatRequest) -> Self {
        ChatParamsOutput {
            temperature: request.temperature,
            top_p: request.top_p,
            top_k: request.top_k,
            max_output_tokens: request.max_output_tokens,
            provider_options: request.provider_options.clone(),
        }
    }

    /// Writes these values into `request`.
    pub fn apply_to(self, request: &mut ChatRequest) {
        request.temperature = self.temperature;
        request.top_p = self.top_p;
        request.top_k = self.top_k;
        request.max_output_tokens = self.max_output_tokens;
        request.provider_options = self.provider_options;
    }

    /// The names of the fields that differ from `before` (for `transform/preview`).
    pub fn changed_since(&self, before: &ChatParamsOutput) -> Vec<String> {
        let mut changed = Vec::new();
        let mut note = |differs: bool, name: &str| {
            if differs {
                changed.push(name.to_string());
            }
        };
        note(self.temperature != before.temperature, "temperature");
        note(self.top_p != before.top_p, "topP");
        note(self.top_k != before.top_k, "topK");
        note(
            self.max_output_tokens != before.max_output_tokens,
            "maxOutputTokens",
        );
        note(
            self.provider_options != before.provider_options,
            "providerOptions",
        );
        changed
    }
}

/// A host's answer to `hook/chat.params`: each field present replaces the value in the output it
/// was sent, `null` removes it, an absent field keeps it. `null` as the whole answer changes
/// nothing. Unknown fields make the answer invalid (a typo would otherwise pass silently).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct ChatParamsPatch {
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<f64>")]
    pub temperature: Option<Option<f64>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<f64>")]
    pub top_p: Option<Option<f64>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<u32>")]
    pub top_k: Option<Option<u32>>,
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<u32>")]
    pub max_output_tokens: Option<Option<u32>>,
    /// Replaces the call's provider options whole.
    #[serde(
        default,
        deserialize_with = "present",
        skip_serializing_if = "Option::is_none"
    )]
    #[schemars(with = "Option<ProviderOptions>")]
    pub provider_options: Option<Option<ProviderOptions>>,
}

impl ChatParamsPatch {
    pub fn apply(self, output: &mut ChatParamsOutput) {
        fn set<T>(slot: &mut Option<T>, patch: Option<Option<T>>) {
            if let Some(value) = patch {
                *slot = value;
            }
        }
        set(&mut output.temperature, self.temperature);
        set(&mut output.top_p, self.top_p);
        set(&mut output.top_k, self.top_k);
        set(&mut output.max_output_tokens, self.max_output_tokens);
        set(&mut output.provider_options, self.provider_options);
    }

    /// Values no API takes: a temperature or top-p that is not a finite number at least 0.
    pub fn check(&self) -> Result<(), String> {
        for (name, value) in [("temperature", self.temperature), ("topP", self.top_p)] {
            if let Some(Some(value)) = value
                && !(value.is_finite() && value >= 0.0)
            {
                return Err(format!("{name} {value} is not a number at least 0"));
            }
        }
        Ok(())
    }
}

/// A field that is present (`null` included) is `Some`, so absent and `null` differ.
fn present<'de, D, T>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// The params of `hook/chat.params`: the call, and the output as it stands after the built-in and
/// in-process hooks.
#[derive(Debug, Clone, Serialize, JsonSchema)]
#[serde(rename_all = "camelCase")]
pub struct ChatParamsHookParams<'a> {
    pub input: &'a super::ChatHookInput<'a>,
    pub output: &'a ChatParamsOutput,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_patch_tells_absent_from_null() {
        let mut output = ChatParamsOutput {
            temperature: Some(0.5),
            top_p: Some(0.9),
            ..ChatParamsOutput::default()
        };
        let patch: ChatParamsPatch =
            serde_json::from_value(json!({"temperature": null, "topK": 40})).expect("valid");
        patch.apply(&mut output);
        assert_eq!(output.temperature, None, "null removes");
        assert_eq!(output.top_p, Some(0.9), "absent keeps");
        assert_eq!(output.top_k, Some(40), "present sets");
    }

    #[test]
    fn a_patch_of_the_wrong_shape_is_refused() {
        for garbage in [
            json!({"temperature": "hot"}),
            json!({"temprature": 0.3}),
            json!({"topK": -1}),
        ] {
            assert!(
                serde_json::from_value::<ChatParamsPatch>(garbage.clone()).is_err(),
                "{garbage}"
            );
        }
        let negative: ChatParamsPatch =
            serde_json::from_value(json!({"temperature": -1.0})).expect("a number");
        assert!(negative.check().is_err());
    }
}
