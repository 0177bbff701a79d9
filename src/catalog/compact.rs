//! A compact binary form of parsed catalog providers, for the embedded snapshot.
//!
//! `build.rs` parses the snapshot's JSON with [`super::parse`] once, at build time, and stores the
//! result in this form; the sidecar reads it back without lexing JSON, parsing decimal floats or
//! matching field names, several times faster than the typed JSON parse. Fields are written in a
//! fixed order: lengths and integers as LEB128 varints, floats as their 8 little-endian bytes
//! (exact), an absent value as a 0 tag. A string is its length; its text comes next in the text
//! section, which holds every string in the order they are read and is checked as UTF-8 once. The
//! one free-form value (an experimental mode's request `body`) is kept as JSON text.
//!
//! Layout: the format header, the text section's length, the text section, then the fields.
//!
//! The form is private to one build: the bytes are written and read by the same code, and
//! [`FORMAT`] changes whenever the layout does.
//! `build.rs` compiles this file through `#[path]`, with types.rs, parse.rs and model_spec.rs.

use std::collections::BTreeMap;
use std::sync::Arc;

use super::parse::Catalog;
use super::types::{
    ApiShape, CatalogModel, CatalogProvider, Cost, CostTier, Experimental, ExperimentalMode,
    Interleaved, Limit, Modalities, Modality, ModeProviderOptions, ModelProviderOverride,
    ModelStatus, ReasoningOption, TierThreshold,
};

/// Leads every encoded part; bump the digit with any change of layout.
const FORMAT: &[u8; 8] = b"PSCAT\x00\x00\x02";

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CompactError {
    #[error("not a compact catalog of this build (format header differs)")]
    Format,
    #[error("compact catalog ends early")]
    Truncated,
    #[error("compact catalog has an invalid {0} tag {1}")]
    Tag(&'static str, u8),
    #[error("compact catalog holds a string that is not UTF-8")]
    NotUtf8,
    #[error("compact catalog holds an experimental mode body that is not a JSON object")]
    Body,
    #[error("compact catalog has {0} bytes after its last provider")]
    Trailing(usize),
}

/// Encodes providers (keyed as in [`Catalog::providers`]) into one compact part.
pub fn encode<'a>(
    providers: impl ExactSizeIterator<Item = (&'a String, &'a CatalogProvider)>,
) -> Vec<u8> {
    let mut fields = Writer::default();
    fields.len(providers.len());
    for (key, provider) in providers {
        fields.str(key);
        fields.provider(provider);
    }
    let mut out = Writer(FORMAT.to_vec(), String::new());
    out.len(fields.1.len());
    out.0.extend_from_slice(fields.1.as_bytes());
    out.0.extend_from_slice(&fields.0);
    out.0
}

/// Decodes one part written by [`encode`].
pub fn decode(bytes: &[u8]) -> Result<Catalog, CompactError> {
    let body = bytes.strip_prefix(FORMAT).ok_or(CompactError::Format)?;
    let mut sections = Reader(body, "");
    let text_len = sections.len()?;
    let text = std::str::from_utf8(sections.take(text_len)?).map_err(|_| CompactError::NotUtf8)?;
    let mut input = Reader(sections.0, text);
    let count = input.len()?;
    let mut providers = Vec::with_capacity(count.min(body.len()));
    for _ in 0..count {
        let key = input.string()?;
        providers.push((key, input.provider()?));
    }
    let trailing = input.0.len() + input.1.len();
    if trailing > 0 {
        return Err(CompactError::Trailing(trailing));
    }
    Ok(Catalog {
        providers: providers.into_iter().collect(),
    })
}

/// The fields, and the text section.
#[derive(Default)]
struct Writer(Vec<u8>, String);

impl Writer {
    fn byte(&mut self, byte: u8) {
        self.0.push(byte);
    }

    fn varint(&mut self, mut value: u64) {
        while value >= 0x80 {
            self.byte(value as u8 | 0x80);
            value >>= 7;
        }
        self.byte(value as u8);
    }

    fn len(&mut self, len: usize) {
        self.varint(len as u64);
    }

    fn str(&mut self, text: &str) {
        self.len(text.len());
        self.1.push_str(text);
    }

    fn f64(&mut self, value: f64) {
        self.0.extend_from_slice(&value.to_le_bytes());
    }

    /// Writes the 0 tag for `None`, else tag 1 and the value.
    fn option<T>(&mut self, value: Option<T>, write: impl FnOnce(&mut Self, T)) {
        match value {
            None => self.byte(0),
            Some(value) => {
                self.byte(1);
                write(self, value);
            }
        }
    }

    fn opt_str(&mut self, value: Option<&String>) {
        self.option(value, |out, text| out.str(text));
    }

    fn opt_f64(&mut self, value: Option<f64>) {
        self.option(value, Self::f64);
    }

    fn opt_u64(&mut self, value: Option<u64>) {
        self.option(value, Self::varint);
    }

    fn opt_i64(&mut self, value: Option<i64>) {
        // Zigzag, so that small negative numbers stay short.
        self.option(value, |out, v| out.varint(((v << 1) ^ (v >> 63)) as u64));
    }

    fn opt_bool(&mut self, value: Option<bool>) {
        self.byte(match value {
            None => 0,
            Some(false) => 1,
            Some(true) => 2,
        });
    }

    fn strings(&mut self, values: &[String]) {
        self.len(values.len());
        for value in values {
            self.str(value);
        }
    }

    fn provider(&mut self, provider: &CatalogProvider) {
        self.str(&provider.id);
        self.str(&provider.name);
        self.strings(&provider.env);
        self.opt_str(provider.npm.as_ref());
        self.opt_str(provider.api.as_ref());
        self.opt_str(provider.doc.as_ref());
        self.len(provider.models.len());
        for (key, model) in &provider.models {
            self.str(key);
            self.model(model);
        }
    }

    fn model(&mut self, model: &CatalogModel) {
        self.str(&model.id);
        self.str(&model.name);
        self.opt_str(model.family.as_ref());
        for flag in [
            model.attachment,
            model.reasoning,
            model.tool_call,
            model.structured_output,
            model.temperature,
            model.open_weights,
        ] {
            self.opt_bool(flag);
        }
        match &model.interleaved {
            None => self.byte(0),
            Some(Interleaved::Enabled(false)) => self.byte(1),
            Some(Interleaved::Enabled(true)) => self.byte(2),
            Some(Interleaved::Field { field }) => {
                self.byte(3);
                self.str(field);
            }
        }
        self.opt_str(model.knowledge.as_ref());
        self.opt_str(model.release_date.as_ref());
        self.opt_str(model.last_updated.as_ref());
        self.option(model.modalities.as_ref(), |out, modalities| {
            out.modalities(&modalities.input);
            out.modalities(&modalities.output);
        });
        self.option(model.cost.as_ref(), Self::cost);
        self.option(model.limit.as_ref(), |out, limit| {
            out.varint(limit.context);
            out.opt_u64(limit.input);
            out.varint(limit.output);
        });
        self.option(model.status, |out, status| out.byte(status_tag(status)));
        self.option(model.experimental.as_deref(), Self::experimental);
        self.option(model.provider.as_deref(), |out, provider| {
            out.opt_str(provider.npm.as_ref());
            out.opt_str(provider.api.as_ref());
            out.option(provider.shape, |out, shape| out.byte(shape_tag(shape)));
        });
        self.option(model.reasoning_options.as_deref(), |out, options| {
            out.len(options.len());
            for option in options {
                out.reasoning_option(option);
            }
        });
    }

    fn modalities(&mut self, modalities: &[Modality]) {
        self.len(modalities.len());
        for &modality in modalities {
            self.byte(modality_tag(modality));
        }
    }

    fn cost(&mut self, cost: &Cost) {
        self.f64(cost.input);
        self.f64(cost.output);
        self.opt_f64(cost.cache_read);
        self.opt_f64(cost.cache_write);
        self.opt_f64(cost.reasoning);
        self.opt_f64(cost.input_audio);
        self.opt_f64(cost.output_audio);
        self.option(cost.context_over_200k.as_deref(), Self::cost);
        self.len(cost.tiers.len());
        for tier in &cost.tiers {
            self.f64(tier.input);
            self.f64(tier.output);
            self.opt_f64(tier.cache_read);
            self.opt_f64(tier.cache_write);
            self.opt_f64(tier.input_audio);
            self.opt_f64(tier.output_audio);
            self.str(&tier.tier.kind);
            self.varint(tier.tier.size);
        }
    }

    fn experimental(&mut self, experimental: &Experimental) {
        self.len(experimental.modes.len());
        for (name, mode) in &experimental.modes {
            self.str(name);
            self.option(mode.cost.as_ref(), Self::cost);
            self.option(mode.provider.as_ref(), |out, options| {
                let body =
                    serde_json::to_string(&options.body).expect("a JSON object always serializes");
                out.str(&body);
                out.len(options.headers.len());
                for (name, value) in &options.headers {
                    out.str(name);
                    out.str(value);
                }
            });
        }
    }

    fn reasoning_option(&mut self, option: &ReasoningOption) {
        match option {
            ReasoningOption::Toggle => self.byte(0),
            ReasoningOption::Effort { values } => {
                self.byte(1);
                self.len(values.len());
                for value in values {
                    self.opt_str(value.as_ref());
                }
            }
            ReasoningOption::BudgetTokens { min, max } => {
                self.byte(2);
                self.opt_i64(*min);
                self.opt_i64(*max);
            }
            ReasoningOption::Unknown => self.byte(3),
        }
    }
}

/// The fields left to read, and the text of the strings left to read.
struct Reader<'a>(&'a [u8], &'a str);

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Result<u8, CompactError> {
        let (&first, rest) = self.0.split_first().ok_or(CompactError::Truncated)?;
        self.0 = rest;
        Ok(first)
    }

    fn take(&mut self, len: usize) -> Result<&'a [u8], CompactError> {
        if len > self.0.len() {
            return Err(CompactError::Truncated);
        }
        let (taken, rest) = self.0.split_at(len);
        self.0 = rest;
        Ok(taken)
    }

    fn varint(&mut self) -> Result<u64, CompactError> {
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte < 0x80 {
                return Ok(value);
            }
        }
        Err(CompactError::Tag("varint", 0x80))
    }

    /// A count or length; at most the bytes left, so a corrupt count cannot ask for a huge
    /// allocation.
    fn len(&mut self) -> Result<usize, CompactError> {
        usize::try_from(self.varint()?)
            .ok()
            .filter(|&len| len <= self.0.len())
            .ok_or(CompactError::Truncated)
    }

    fn str(&mut self) -> Result<&'a str, CompactError> {
        let len = usize::try_from(self.varint()?).map_err(|_| CompactError::Truncated)?;
        if len > self.1.len() {
            return Err(CompactError::Truncated);
        }
        // Splitting inside a character would be a corrupt length.
        if !self.1.is_char_boundary(len) {
            return Err(CompactError::NotUtf8);
        }
        let (text, rest) = self.1.split_at(len);
        self.1 = rest;
        Ok(text)
    }

    fn string(&mut self) -> Result<String, CompactError> {
        self.str().map(str::to_owned)
    }

    fn f64(&mut self) -> Result<f64, CompactError> {
        let bytes = self.take(8)?;
        Ok(f64::from_le_bytes(
            bytes.try_into().expect("take(8) returns 8 bytes"),
        ))
    }

    fn option<T>(
        &mut self,
        what: &'static str,
        read: impl FnOnce(&mut Self) -> Result<T, CompactError>,
    ) -> Result<Option<T>, CompactError> {
        match self.byte()? {
            0 => Ok(None),
            1 => read(self).map(Some),
            tag => Err(CompactError::Tag(what, tag)),
        }
    }

    fn opt_string(&mut self) -> Result<Option<String>, CompactError> {
        self.option("string", Self::string)
    }

    fn opt_f64(&mut self) -> Result<Option<f64>, CompactError> {
        self.option("number", Self::f64)
    }

    fn opt_u64(&mut self) -> Result<Option<u64>, CompactError> {
        self.option("integer", Self::varint)
    }

    fn opt_i64(&mut self) -> Result<Option<i64>, CompactError> {
        self.option("integer", |input| {
            let zigzag = input.varint()?;
            Ok((zigzag >> 1) as i64 ^ -((zigzag & 1) as i64))
        })
    }

    fn opt_bool(&mut self) -> Result<Option<bool>, CompactError> {
        match self.byte()? {
            0 => Ok(None),
            1 => Ok(Some(false)),
            2 => Ok(Some(true)),
            tag => Err(CompactError::Tag("boolean", tag)),
        }
    }

    fn vec<T>(
        &mut self,
        mut read: impl FnMut(&mut Self) -> Result<T, CompactError>,
    ) -> Result<Vec<T>, CompactError> {
        let len = self.len()?;
        (0..len).map(|_| read(self)).collect()
    }

    fn provider(&mut self) -> Result<CatalogProvider, CompactError> {
        Ok(CatalogProvider {
            id: self.string()?,
            name: self.string()?,
            env: self.vec(Self::string)?,
            npm: self.opt_string()?,
            api: self.opt_string()?,
            doc: self.opt_string()?,
            models: self
                .vec(|input| Ok((input.string()?, Arc::new(input.model()?))))?
                .into_iter()
                .collect(),
        })
    }

    fn model(&mut self) -> Result<CatalogModel, CompactError> {
        let id = self.string()?;
        let name = self.string()?;
        let family = self.opt_string()?;
        let [
            attachment,
            reasoning,
            tool_call,
            structured_output,
            temperature,
            open_weights,
        ] = [
            self.opt_bool()?,
            self.opt_bool()?,
            self.opt_bool()?,
            self.opt_bool()?,
            self.opt_bool()?,
            self.opt_bool()?,
        ];
        let interleaved = match self.byte()? {
            0 => None,
            1 => Some(Interleaved::Enabled(false)),
            2 => Some(Interleaved::Enabled(true)),
            3 => Some(Interleaved::Field {
                field: self.string()?,
            }),
            tag => return Err(CompactError::Tag("interleaved", tag)),
        };
        Ok(CatalogModel {
            id,
            name,
            family,
            attachment,
            reasoning,
            tool_call,
            structured_output,
            temperature,
            interleaved,
            knowledge: self.opt_string()?,
            release_date: self.opt_string()?,
            last_updated: self.opt_string()?,
            modalities: self.option("modalities", |input| {
                Ok(Modalities {
                    input: input.vec(Self::modality)?,
                    output: input.vec(Self::modality)?,
                })
            })?,
            open_weights,
            cost: self.option("cost", Self::cost)?,
            limit: self.option("limit", |input| {
                Ok(Limit {
                    context: input.varint()?,
                    input: input.opt_u64()?,
                    output: input.varint()?,
                })
            })?,
            status: self.option("status", |input| status_from_tag(input.byte()?))?,
            experimental: self
                .option("experimental", Self::experimental)?
                .map(Box::new),
            provider: self
                .option("model provider", |input| {
                    Ok(ModelProviderOverride {
                        npm: input.opt_string()?,
                        api: input.opt_string()?,
                        shape: input.option("shape", |input| shape_from_tag(input.byte()?))?,
                    })
                })?
                .map(Box::new),
            reasoning_options: self.option("reasoning options", |input| {
                input.vec(Self::reasoning_option)
            })?,
        })
    }

    fn modality(&mut self) -> Result<Modality, CompactError> {
        modality_from_tag(self.byte()?)
    }

    fn cost(&mut self) -> Result<Cost, CompactError> {
        Ok(Cost {
            input: self.f64()?,
            output: self.f64()?,
            cache_read: self.opt_f64()?,
            cache_write: self.opt_f64()?,
            reasoning: self.opt_f64()?,
            input_audio: self.opt_f64()?,
            output_audio: self.opt_f64()?,
            context_over_200k: self.option("cost", Self::cost)?.map(Box::new),
            tiers: self.vec(|input| {
                Ok(CostTier {
                    input: input.f64()?,
                    output: input.f64()?,
                    cache_read: input.opt_f64()?,
                    cache_write: input.opt_f64()?,
                    input_audio: input.opt_f64()?,
                    output_audio: input.opt_f64()?,
                    tier: TierThreshold {
                        kind: input.string()?,
                        size: input.varint()?,
                    },
                })
            })?,
        })
    }

    fn experimental(&mut self) -> Result<Experimental, CompactError> {
        let modes = self.vec(|input| {
            let name = input.string()?;
            let mode = ExperimentalMode {
                cost: input.option("cost", Self::cost)?,
                provider: input.option("mode provider", |input| {
                    Ok(ModeProviderOptions {
                        body: serde_json::from_str(input.str()?).map_err(|_| CompactError::Body)?,
                        headers: input
                            .vec(|input| Ok((input.string()?, input.string()?)))?
                            .into_iter()
                            .collect(),
                    })
                })?,
            };
            Ok((name, mode))
        })?;
        Ok(Experimental {
            modes: modes.into_iter().collect::<BTreeMap<_, _>>(),
        })
    }

    fn reasoning_option(&mut self) -> Result<ReasoningOption, CompactError> {
        Ok(match self.byte()? {
            0 => ReasoningOption::Toggle,
            1 => ReasoningOption::Effort {
                values: self.vec(Self::opt_string)?,
            },
            2 => ReasoningOption::BudgetTokens {
                min: self.opt_i64()?,
                max: self.opt_i64()?,
            },
            3 => ReasoningOption::Unknown,
            tag => return Err(CompactError::Tag("reasoning option", tag)),
        })
    }
}

/// The one-byte tags of an enum's variants, both ways, from one table.
macro_rules! tags {
    ($name:literal, $kind:ty, $to_tag:ident, $from_tag:ident, { $($variant:path => $tag:literal,)+ }) => {
        fn $to_tag(value: $kind) -> u8 {
            match value {
                $($variant => $tag,)+
            }
        }

        fn $from_tag(tag: u8) -> Result<$kind, CompactError> {
            match tag {
                $($tag => Ok($variant),)+
                _ => Err(CompactError::Tag($name, tag)),
            }
        }
    };
}

tags!("modality", Modality, modality_tag, modality_from_tag, {
    Modality::Text => 0,
    Modality::Audio => 1,
    Modality::Image => 2,
    Modality::Video => 3,
    Modality::Pdf => 4,
    Modality::Unknown => 5,
});

tags!("status", ModelStatus, status_tag, status_from_tag, {
    ModelStatus::Active => 0,
    ModelStatus::Alpha => 1,
    ModelStatus::Beta => 2,
    ModelStatus::Deprecated => 3,
    ModelStatus::Unknown => 4,
});

tags!("shape", ApiShape, shape_tag, shape_from_tag, {
    ApiShape::Responses => 0,
    ApiShape::Completions => 1,
    ApiShape::Unknown => 2,
});

#[cfg(test)]
mod tests {
    use super::*;

    fn fixture() -> Catalog {
        let text = std::fs::read_to_string(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/fixtures/models-dev/api.json"
        ))
        .expect("fixture present");
        Catalog::from_json_str(&text).expect("fixture parses").0
    }

    #[test]
    fn the_real_catalog_round_trips_exactly() {
        let catalog = fixture();
        let bytes = encode(catalog.providers.iter());
        assert_eq!(decode(&bytes), Ok(catalog));
    }

    #[test]
    fn every_variant_round_trips() {
        let tier = CostTier {
            input: 1.5,
            output: -0.0,
            cache_read: Some(f64::MAX),
            cache_write: None,
            input_audio: Some(1e-9),
            output_audio: None,
            tier: TierThreshold {
                kind: "context".to_owned(),
                size: u64::MAX,
            },
        };
        let cost = Cost {
            input: 3.0,
            output: 15.0,
            context_over_200k: Some(Box::new(Cost::default())),
            tiers: vec![tier],
            reasoning: Some(2.0),
            ..Cost::default()
        };
        let mut body = serde_json::Map::new();
        body.insert(
            "z_first".to_owned(),
            serde_json::json!({"nested": [1, null]}),
        );
        body.insert("a_second".to_owned(), serde_json::json!("é"));
        let mode = ExperimentalMode {
            cost: Some(cost.clone()),
            provider: Some(ModeProviderOptions {
                body,
                headers: BTreeMap::from([("x-mode".to_owned(), "fast".to_owned())]),
            }),
        };
        let models = [
            CatalogModel::default(),
            CatalogModel {
                id: "m".to_owned(),
                name: "Model «ü»".to_owned(),
                family: Some(String::new()),
                attachment: Some(false),
                temperature: Some(true),
                interleaved: Some(Interleaved::Field {
                    field: "reasoning_content".to_owned(),
                }),
                modalities: Some(Modalities {
                    input: vec![Modality::Text, Modality::Pdf, Modality::Unknown],
                    output: vec![],
                }),
                cost: Some(cost),
                limit: Some(Limit {
                    context: 0,
                    input: Some(1 << 40),
                    output: 7,
                }),
                status: Some(ModelStatus::Unknown),
                experimental: Some(Box::new(Experimental {
                    modes: BTreeMap::from([("fast".to_owned(), mode)]),
                })),
                provider: Some(Box::new(ModelProviderOverride {
                    npm: None,
                    api: Some("https://${HOST}/v1".to_owned()),
                    shape: Some(ApiShape::Completions),
                })),
                reasoning_options: Some(vec![
                    ReasoningOption::Toggle,
                    ReasoningOption::Effort {
                        values: vec![None, Some("high".to_owned())],
                    },
                    ReasoningOption::BudgetTokens {
                        min: Some(-1),
                        max: Some(i64::MIN),
                    },
                    ReasoningOption::Unknown,
                ]),
                ..CatalogModel::default()
            },
            CatalogModel {
                interleaved: Some(Interleaved::Enabled(true)),
                reasoning_options: Some(vec![]),
                ..CatalogModel::default()
            },
        ];
        let provider = CatalogProvider {
            id: "p".to_owned(),
            name: "P".to_owned(),
            env: vec!["A".to_owned(), "B".to_owned()],
            npm: Some("@ai-sdk/openai-compatible".to_owned()),
            api: None,
            doc: Some(String::new()),
            models: models
                .into_iter()
                .enumerate()
                .map(|(at, model)| (format!("key-{at}"), Arc::new(model)))
                .collect(),
        };
        let catalog = Catalog {
            providers: BTreeMap::from([("p".to_owned(), provider)]),
        };
        let bytes = encode(catalog.providers.iter());
        assert_eq!(decode(&bytes), Ok(catalog));
    }

    #[test]
    fn damaged_bytes_are_an_error_never_a_panic() {
        let catalog = fixture();
        let first: BTreeMap<_, _> = catalog.providers.into_iter().take(3).collect();
        let bytes = encode(first.iter());
        assert_eq!(decode(&bytes[..8]), Err(CompactError::Truncated));
        assert_eq!(decode(b"PSCAT\0\0\0"), Err(CompactError::Format));
        let mut split_character = FORMAT.to_vec();
        split_character.extend_from_slice(&[2, 0xc3, 0xa9, 1, 1]);
        assert_eq!(decode(&split_character), Err(CompactError::NotUtf8));
        let mut not_utf8 = FORMAT.to_vec();
        not_utf8.extend_from_slice(&[1, 0xff, 0]);
        assert_eq!(decode(&not_utf8), Err(CompactError::NotUtf8));
        for cut in (9..bytes.len()).step_by(97) {
            assert!(decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert_eq!(decode(&longer), Err(CompactError::Trailing(1)));
        let mut flipped = bytes;
        for at in (FORMAT.len()..flipped.len()).step_by(13) {
            flipped[at] ^= 0xff;
            let _ = decode(&flipped);
        }
    }
}
