//! The OpenRPC 1.x document, generated from the method declarations with schemars.

use std::collections::BTreeMap;
use std::path::Path;

use schemars::generate::{SchemaGenerator, SchemaSettings};
use schemars::{JsonSchema, Schema};
use serde_json::{Map, Value, json};

use super::error::ErrorKind;

const COMPONENTS_PATH: &str = "/components/schemas";
const OPENRPC_VERSION: &str = "1.3.2";

/// One method's entry in the document.
#[derive(Debug, Clone)]
pub struct MethodDoc {
    pub name: &'static str,
    pub entry: Value,
}

/// One server-to-client notification's entry in the document (`x-notifications`).
#[derive(Debug, Clone)]
pub struct NotificationDoc {
    pub name: &'static str,
    pub entry: Value,
}

/// Accumulates schemas of every type that crosses the wire, as shared components.
pub struct SchemaCollector {
    generator: SchemaGenerator,
    notifications: Vec<NotificationDoc>,
    server_requests: Vec<MethodDoc>,
}

impl Default for SchemaCollector {
    fn default() -> Self {
        Self::new()
    }
}

impl SchemaCollector {
    pub fn new() -> Self {
        let settings = SchemaSettings::draft2020_12().with(|s| {
            s.definitions_path = COMPONENTS_PATH.into();
            s.meta_schema = None;
        });
        Self {
            generator: settings.into_generator(),
            notifications: Vec::new(),
            server_requests: Vec::new(),
        }
    }

    /// Describes a method: by-name params (one per top-level field) and its result.
    pub fn describe<P: JsonSchema, R: JsonSchema>(
        &mut self,
        name: &'static str,
        summary: &str,
    ) -> MethodDoc {
        let params_schema = self.generator.subschema_for::<P>();
        let params = self.by_name_params(&params_schema);
        let result_schema = self.generator.subschema_for::<R>();
        let entry = json!({
            "name": name,
            "summary": summary,
            "paramStructure": "by-name",
            "params": params,
            "result": { "name": R::schema_name(), "schema": result_schema.to_value() },
        });
        MethodDoc { name, entry }
    }

    pub fn describe_notification<P: JsonSchema>(&mut self, name: &'static str, summary: &str) {
        let schema = self.generator.subschema_for::<P>();
        self.notifications.push(NotificationDoc {
            name,
            entry: json!({
                "name": name,
                "summary": summary,
                "params": { "name": P::schema_name(), "schema": schema.to_value() },
            }),
        });
    }

    /// Describes a server→client request in the shape of a method (`x-serverRequests`): by-name
    /// params, and the result the client answers with.
    pub fn describe_server_request<P: JsonSchema, R: JsonSchema>(
        &mut self,
        name: &'static str,
        summary: &str,
    ) {
        let doc = self.describe::<P, R>(name, summary);
        self.server_requests.push(doc);
    }

    /// Turns an object schema (or a `$ref` to one) into OpenRPC content descriptors.
    fn by_name_params(&self, schema: &Schema) -> Vec<Value> {
        let object = self.resolve(schema.as_value());
        let required: Vec<&str> = object
            .get("required")
            .and_then(Value::as_array)
            .map(|r| r.iter().filter_map(Value::as_str).collect())
            .unwrap_or_default();
        let Some(properties) = object.get("properties").and_then(Value::as_object) else {
            return Vec::new();
        };
        properties
            .iter()
            .map(|(name, schema)| {
                let mut descriptor = Map::new();
                descriptor.insert("name".into(), Value::String(name.clone()));
                if let Some(description) = schema.get("description") {
                    descriptor.insert("description".into(), description.clone());
                }
                descriptor.insert(
                    "required".into(),
                    Value::Bool(required.contains(&name.as_str())),
                );
                descriptor.insert("schema".into(), schema.clone());
                Value::Object(descriptor)
            })
            .collect()
    }

    fn resolve<'a>(&'a self, schema: &'a Value) -> &'a Value {
        let prefix = format!("#{COMPONENTS_PATH}/");
        match schema
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix(&prefix))
        {
            Some(name) => self.generator.definitions().get(name).unwrap_or(schema),
            None => schema,
        }
    }

    pub fn components(&self) -> &Map<String, Value> {
        self.generator.definitions()
    }

    pub fn notifications(&self) -> &[NotificationDoc] {
        &self.notifications
    }

    pub fn server_requests(&self) -> &[MethodDoc] {
        &self.server_requests
    }
}

/// Builds the whole OpenRPC document.
pub fn document(methods: &[MethodDoc], schemas: &SchemaCollector) -> Value {
    let errors: Map<String, Value> = ErrorKind::ALL
        .iter()
        .map(|kind| {
            (
                kind.as_str().to_string(),
                json!({
                    "code": kind.code(),
                    "message": kind.description(),
                    "data": { "kind": kind.as_str() },
                }),
            )
        })
        .collect();
    let components: BTreeMap<&String, &Value> = schemas.components().iter().collect();
    json!({
        "openrpc": OPENRPC_VERSION,
        "info": {
            "title": "provider-sidecar",
            "version": env!("CARGO_PKG_VERSION"),
            "description": "Multi-provider LLM layer spoken to over JSON-RPC 2.0 on stdio (LSP framing or newline-delimited JSON).",
        },
        "methods": methods.iter().map(|m| m.entry.clone()).collect::<Vec<_>>(),
        "components": {
            "schemas": components,
            "errors": errors,
        },
        "x-notifications": schemas.notifications().iter().map(|n| n.entry.clone()).collect::<Vec<_>>(),
        "x-serverRequests": schemas.server_requests().iter().map(|r| r.entry.clone()).collect::<Vec<_>>(),
    })
}

/// Writes `openrpc.json` and one JSON Schema file per component type under `types/`.
pub fn write_schema_dir(document: &Value, out: &Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    let types_dir = out.join("types");
    if types_dir.exists() {
        std::fs::remove_dir_all(&types_dir)?;
    }
    std::fs::create_dir_all(&types_dir)?;
    let mut written = Vec::new();
    let openrpc_path = out.join("openrpc.json");
    std::fs::write(&openrpc_path, pretty(document))?;
    written.push(openrpc_path);
    if let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let mut standalone = schema.clone();
            rewrite_refs(&mut standalone);
            if let Value::Object(object) = &mut standalone {
                object.insert(
                    "$schema".into(),
                    Value::String("https://json-schema.org/draft/2020-12/schema".into()),
                );
                object.insert("$id".into(), Value::String(format!("{name}.json")));
                object
                    .entry("title")
                    .or_insert_with(|| Value::String(name.clone()));
            }
            let path = types_dir.join(format!("{name}.json"));
            std::fs::write(&path, pretty(&standalone))?;
            written.push(path);
        }
    }
    Ok(written)
}

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).expect("a Value always serializes");
    text.push('\n');
    text
}

/// `#/components/schemas/X` → `X.json`, so each type file stands alone beside the others.
fn rewrite_refs(value: &mut Value) {
    let prefix = format!("#{COMPONENTS_PATH}/");
    match value {
        Value::Object(object) => {
            for (key, child) in object.iter_mut() {
                if key == "$ref"
                    && let Some(target) = child.as_str().and_then(|r| r.strip_prefix(&prefix))
                {
                    *child = Value::String(format!("{target}.json"));
                    continue;
                }
                rewrite_refs(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite_refs),
        _ => {}
    }
}
