//! A model descriptor written straight as JSON bytes: the same bytes as serializing
//! [`ModelDescriptorView`] with serde_json (the `rendered` tests compare them over the whole
//! catalog), at about half the cost. Going through serde, every one of a descriptor's ~40 keys is
//! scanned for characters to escape; here the keys are literals, and strings that need no escaping
//! (nearly all) are copied as they are. Costs are written here too, with serde_json's own number
//! formatting; the rarer nested types (interleaved, reasoning options) still go through serde.

use serde::Serialize;

use super::descriptor_view::{KnownModalities, ModelDescriptorView};
use super::types::{Cost, CostTier};

impl<'a> ModelDescriptorView<'a> {
    /// Appends this descriptor's JSON, the same bytes as `serde_json::to_writer(out, self)`.
    pub fn write_json(&self, out: &mut Vec<u8>) {
        self.write_json_sharing(out, &mut ProviderFields::default());
    }

    /// [`Self::write_json`] for one of a run of models: the fields that come from the provider are
    /// escaped once for the models that share them and copied for the others.
    pub fn write_json_sharing(&self, out: &mut Vec<u8>, shared: &mut ProviderFields<'a>) {
        out.extend_from_slice(br#"{"id":""#);
        escaped_contents(out, self.id.provider_id);
        out.push(b'/');
        escaped_contents(out, self.id.model_id);
        out.extend_from_slice(br#"","name":"#);
        string(out, self.name);
        out.extend_from_slice(shared.json_for(self));
        out.extend_from_slice(br#","contextWindow":"#);
        number(out, self.context_window);
        out.extend_from_slice(br#","maxOutputTokens":"#);
        number(out, self.max_output_tokens);
        if let Some(modalities) = &self.modalities {
            out.extend_from_slice(br#","modalities":{"input":"#);
            known_modalities(out, &modalities.input);
            out.extend_from_slice(br#","output":"#);
            known_modalities(out, &modalities.output);
            out.push(b'}');
        }
        let caps = &self.capabilities;
        out.extend_from_slice(br#","capabilities":{"text":"#);
        boolean(out, caps.text);
        out.extend_from_slice(br#","vision":"#);
        boolean(out, caps.vision);
        out.extend_from_slice(br#","tools":"#);
        boolean(out, caps.tools);
        out.extend_from_slice(br#","reasoning":"#);
        boolean(out, caps.reasoning);
        out.extend_from_slice(br#","plan":"#);
        boolean(out, caps.plan);
        out.extend_from_slice(br#"},"modelId":"#);
        string(out, self.model_id);
        out.extend_from_slice(br#","apiId":"#);
        string(out, self.api_id);
        out.extend_from_slice(br#","protocol":""#);
        out.extend_from_slice(self.protocol.as_str().as_bytes());
        out.extend_from_slice(br#"","connected":"#);
        boolean(out, self.connected);
        out.extend_from_slice(br#","status":""#);
        out.extend_from_slice(self.status.as_str().as_bytes());
        out.push(b'"');
        optional_string(out, br#","family":"#, self.family);
        optional_string(out, br#","releaseDate":"#, self.release_date);
        optional_string(out, br#","lastUpdated":"#, self.last_updated);
        optional_string(out, br#","knowledge":"#, self.knowledge);
        if let Some(open) = self.open_weights {
            out.extend_from_slice(br#","openWeights":"#);
            boolean(out, open);
        }
        if let Some(cost) = self.cost {
            out.extend_from_slice(br#","cost":"#);
            write_cost(out, cost);
        }
        out.extend_from_slice(br#","limit":{"context":"#);
        number(out, self.limit.context);
        if let Some(input) = self.limit.input {
            out.extend_from_slice(br#","input":"#);
            number(out, input);
        }
        out.extend_from_slice(br#","output":"#);
        number(out, self.limit.output);
        out.extend_from_slice(br#"},"attachment":"#);
        boolean(out, self.attachment);
        out.extend_from_slice(br#","temperature":"#);
        boolean(out, self.temperature);
        out.extend_from_slice(br#","structuredOutput":"#);
        boolean(out, self.structured_output);
        let calls = &self.call_options;
        out.extend_from_slice(br#","callOptions":{"jsonAnswer":""#);
        out.extend_from_slice(calls.json_answer.as_str().as_bytes());
        out.extend_from_slice(br#"","seed":"#);
        boolean(out, calls.seed);
        out.extend_from_slice(br#","presencePenalty":"#);
        boolean(out, calls.presence_penalty);
        out.extend_from_slice(br#","frequencyPenalty":"#);
        boolean(out, calls.frequency_penalty);
        out.extend_from_slice(br#","providerTools":"#);
        strings(out, calls.provider_tools.iter());
        out.push(b'}');
        if let Some(interleaved) = self.interleaved {
            out.extend_from_slice(br#","interleaved":"#);
            serialized(out, interleaved);
        }
        if let Some(options) = self.reasoning_options {
            out.extend_from_slice(br#","reasoningOptions":"#);
            serialized(out, options);
        }
        out.extend_from_slice(br#","variants":"#);
        strings(out, self.variants.iter().copied());
        out.extend_from_slice(br#","origin":""#);
        out.extend_from_slice(self.origin.as_str().as_bytes());
        out.extend_from_slice(br#""}"#);
    }
}

/// `"providerId"` to `"providerEnvVars"` of the last descriptor written, as JSON: the same for
/// every model of a provider unless a model overrides its base URL or package.
#[derive(Default)]
pub struct ProviderFields<'a> {
    /// What the JSON was written from, compared by address: the strings are borrowed from one
    /// merged catalog, so equal addresses are the same strings.
    source: Option<ProviderSource<'a>>,
    json: Vec<u8>,
}

#[derive(Clone, Copy)]
struct ProviderSource<'a> {
    id: &'a str,
    name: &'a str,
    api_url: Option<&'a str>,
    npm: Option<&'a str>,
    env: Option<&'a [String]>,
}

impl<'a> ProviderSource<'a> {
    fn of(view: &ModelDescriptorView<'a>) -> Self {
        Self {
            id: view.provider_id,
            name: view.provider_name,
            api_url: view.provider_api_url,
            npm: view.provider_npm_package,
            env: view.provider_env_vars,
        }
    }

    fn is(&self, other: &Self) -> bool {
        fn same<T: ?Sized>(a: Option<&T>, b: Option<&T>) -> bool {
            match (a, b) {
                (Some(a), Some(b)) => std::ptr::eq(a, b),
                (None, None) => true,
                _ => false,
            }
        }
        std::ptr::eq(self.id, other.id)
            && std::ptr::eq(self.name, other.name)
            && same(self.api_url, other.api_url)
            && same(self.npm, other.npm)
            && same(self.env, other.env)
    }
}

impl<'a> ProviderFields<'a> {
    fn json_for(&mut self, view: &ModelDescriptorView<'a>) -> &[u8] {
        let source = ProviderSource::of(view);
        if !self.source.is_some_and(|last| last.is(&source)) {
            self.json.clear();
            write_provider_fields(&mut self.json, &source);
            self.source = Some(source);
        }
        &self.json
    }
}

fn write_provider_fields(out: &mut Vec<u8>, source: &ProviderSource<'_>) {
    out.extend_from_slice(br#","providerId":"#);
    string(out, source.id);
    out.extend_from_slice(br#","providerName":"#);
    string(out, source.name);
    if let Some(url) = source.api_url {
        out.extend_from_slice(br#","providerApiUrl":"#);
        string(out, url);
    }
    if let Some(npm) = source.npm {
        out.extend_from_slice(br#","providerNpmPackage":"#);
        string(out, npm);
    }
    if let Some(vars) = source.env {
        out.extend_from_slice(br#","providerEnvVars":"#);
        strings(out, vars.iter().map(String::as_str));
    }
}

/// A [`Cost`] as serde writes it: fields in declaration order, absent options left out.
fn write_cost(out: &mut Vec<u8>, cost: &Cost) {
    out.extend_from_slice(br#"{"input":"#);
    float(out, cost.input);
    out.extend_from_slice(br#","output":"#);
    float(out, cost.output);
    optional_float(out, br#","cacheRead":"#, cost.cache_read);
    optional_float(out, br#","cacheWrite":"#, cost.cache_write);
    optional_float(out, br#","reasoning":"#, cost.reasoning);
    optional_float(out, br#","inputAudio":"#, cost.input_audio);
    optional_float(out, br#","outputAudio":"#, cost.output_audio);
    if let Some(over) = &cost.context_over_200k {
        out.extend_from_slice(br#","contextOver200k":"#);
        write_cost(out, over);
    }
    if !cost.tiers.is_empty() {
        out.extend_from_slice(br#","tiers":["#);
        for (index, tier) in cost.tiers.iter().enumerate() {
            if index > 0 {
                out.push(b',');
            }
            write_cost_tier(out, tier);
        }
        out.push(b']');
    }
    out.push(b'}');
}

fn write_cost_tier(out: &mut Vec<u8>, tier: &CostTier) {
    out.extend_from_slice(br#"{"input":"#);
    float(out, tier.input);
    out.extend_from_slice(br#","output":"#);
    float(out, tier.output);
    optional_float(out, br#","cacheRead":"#, tier.cache_read);
    optional_float(out, br#","cacheWrite":"#, tier.cache_write);
    optional_float(out, br#","inputAudio":"#, tier.input_audio);
    optional_float(out, br#","outputAudio":"#, tier.output_audio);
    out.extend_from_slice(br#","tier":{"type":"#);
    string(out, &tier.tier.kind);
    out.extend_from_slice(br#","size":"#);
    number(out, tier.tier.size);
    out.extend_from_slice(b"}}");
}

/// serde_json's formatting of a number (`null` when not finite).
fn float(out: &mut Vec<u8>, value: f64) {
    serialized(out, &value);
}

fn optional_float(out: &mut Vec<u8>, key: &[u8], value: Option<f64>) {
    if let Some(value) = value {
        out.extend_from_slice(key);
        float(out, value);
    }
}

fn serialized<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) {
    serde_json::to_writer(out, value)
        .expect("catalog types hold only strings, numbers and string-keyed maps");
}

fn string(out: &mut Vec<u8>, value: &str) {
    out.push(b'"');
    escaped_contents(out, value);
    out.push(b'"');
}

/// serde_json escapes exactly the control characters, `"` and `\`.
fn escaped_contents(out: &mut Vec<u8>, value: &str) {
    if !needs_escaping(value.as_bytes()) {
        out.extend_from_slice(value.as_bytes());
    } else {
        let quoted = serde_json::to_string(value).expect("a string serializes");
        out.extend_from_slice(&quoted.as_bytes()[1..quoted.len() - 1]);
    }
}

/// Whether any byte is a control character, `"` or `\`; eight bytes at a time, as this runs for
/// every string of every descriptor.
fn needs_escaping(bytes: &[u8]) -> bool {
    const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    // Some byte of `word` is below `n` (for n <= 0x80): the classic bit trick, exact as a whole.
    let any_below = |word: u64, n: u8| word.wrapping_sub(ONES * u64::from(n)) & !word & HIGHS != 0;
    let any_equal = |word: u64, byte: u8| any_below(word ^ (ONES * u64::from(byte)), 1);
    let mut words = bytes.chunks_exact(8);
    for word in &mut words {
        let word = u64::from_ne_bytes(word.try_into().expect("chunks of 8 bytes"));
        if any_below(word, 0x20) || any_equal(word, b'"') || any_equal(word, b'\\') {
            return true;
        }
    }
    words
        .remainder()
        .iter()
        .any(|&b| b < 0x20 || b == b'"' || b == b'\\')
}

fn optional_string(out: &mut Vec<u8>, key: &[u8], value: Option<&str>) {
    if let Some(value) = value {
        out.extend_from_slice(key);
        string(out, value);
    }
}

fn strings<'a>(out: &mut Vec<u8>, values: impl Iterator<Item = &'a str>) {
    out.push(b'[');
    for (index, value) in values.enumerate() {
        if index > 0 {
            out.push(b',');
        }
        string(out, value);
    }
    out.push(b']');
}

fn known_modalities(out: &mut Vec<u8>, modalities: &KnownModalities<'_>) {
    out.push(b'[');
    for (index, modality) in modalities.iter().enumerate() {
        if index > 0 {
            out.push(b',');
        }
        out.push(b'"');
        out.extend_from_slice(modality.as_str().as_bytes());
        out.push(b'"');
    }
    out.push(b']');
}

fn number(out: &mut Vec<u8>, value: u64) {
    out.extend_from_slice(itoa::Buffer::new().format(value).as_bytes());
}

fn boolean(out: &mut Vec<u8>, value: bool) {
    out.extend_from_slice(if value { b"true" } else { b"false" });
}

#[cfg(test)]
mod tests {
    use crate::catalog::descriptor_view::ModelDescriptorView;
    use crate::catalog::merge::MergedCatalog;
    use crate::catalog::snapshot::embedded_catalog;
    use crate::config::SidecarConfig;

    fn assert_same_bytes(catalog: &MergedCatalog) -> usize {
        let mut compared = 0;
        for provider in catalog.providers.values() {
            for model in provider.models.values() {
                for connected in [false, true] {
                    let view = ModelDescriptorView::new(provider, model, connected);
                    let mut written = Vec::new();
                    view.write_json(&mut written);
                    let expected = serde_json::to_vec(&view).expect("serializes");
                    assert_eq!(
                        String::from_utf8_lossy(&written),
                        String::from_utf8_lossy(&expected),
                        "{}/{}",
                        provider.id,
                        model.id
                    );
                    compared += 1;
                }
            }
        }
        compared
    }

    #[test]
    fn the_escaping_check_finds_every_byte_that_needs_it_at_every_position() {
        for len in 0..20 {
            for at in 0..len {
                for byte in 0u8..=255 {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = byte;
                    let expected = byte < 0x20 || byte == b'"' || byte == b'\\';
                    assert_eq!(super::needs_escaping(&bytes), expected, "{bytes:?}");
                }
            }
            assert!(!super::needs_escaping("é😀 ~\u{7f}".repeat(len).as_bytes()));
        }
    }

    #[test]
    fn costs_with_every_field_write_the_bytes_serde_writes() {
        use crate::catalog::types::{Cost, CostTier, TierThreshold};
        let tier = CostTier {
            input: 0.1,
            output: 1e-7,
            cache_read: Some(3.0),
            cache_write: Some(f64::NAN),
            input_audio: Some(12345678.9),
            output_audio: Some(-0.0),
            tier: TierThreshold {
                kind: "con\"text".to_owned(),
                size: 200_000,
            },
        };
        let cost = Cost {
            input: 1.5,
            output: f64::INFINITY,
            cache_read: Some(0.3),
            cache_write: Some(3.75),
            reasoning: Some(2.0),
            input_audio: Some(1e21),
            output_audio: Some(5e-324),
            context_over_200k: Some(Box::new(Cost {
                tiers: vec![tier.clone()],
                ..Cost::default()
            })),
            tiers: vec![tier.clone(), tier],
        };
        for cost in [cost, Cost::default()] {
            let mut written = Vec::new();
            super::write_cost(&mut written, &cost);
            assert_eq!(
                String::from_utf8_lossy(&written),
                serde_json::to_string(&cost).expect("serializes")
            );
        }
    }

    #[test]
    fn every_catalog_model_writes_the_bytes_serde_writes() {
        let catalog = MergedCatalog::build(&embedded_catalog(), &SidecarConfig::default());
        assert_eq!(assert_same_bytes(&catalog), 2 * catalog.model_count());
    }

    #[test]
    fn strings_that_need_escaping_and_config_fields_write_the_same_bytes() {
        let config: SidecarConfig = serde_json::from_value(serde_json::json!({
            "provider": {
                "anthropic": {
                    "env": ["KEY_\"A\"", "B\\C"],
                    "options": {"baseURL": "https://proxy.example/v1?q=\"x\""},
                    "models": {
                        "claude-sonnet-4-5": {"name": "Tab\tnew\nline \u{1} \"q\" \\ é 😀 </script>",
                                              "family": "f\"", "knowledge": "2025\\01",
                                              "variants": {"we\"ird": {"x": 1}, "high": {"disabled": true}}},
                        "bare": {}
                    }
                },
                "corp/x": {"npm": "@ai-sdk/openai-compatible", "api": "http://127.0.0.1:9/v1",
                           "models": {"m\"1": {"name": "M", "open_weights": true, "interleaved": {"field": "r\"c"},
                                              "modalities": {"input": ["text", "hologram", "image"], "output": []},
                                              "limit": {"context": 5, "input": 3, "output": 2},
                                              "cost": {"input": 0.1, "output": 1e-7, "cache_read": 3}}}}
            }
        }))
        .expect("config");
        let catalog = MergedCatalog::build(&embedded_catalog(), &config);
        assert!(catalog.model("corp/x", "m\"1").is_some());
        assert_same_bytes(&catalog);
    }
}
