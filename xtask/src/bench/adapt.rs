//! The full spec cut down to what progenitor can generate, so that the two tools can be
//! compared on the same operations of a real API.
//!
//! progenitor stops at the first operation it cannot take. Three kinds stop it in Authlete's
//! spec, and each rule here removes one kind, as little as it can:
//!
//! - an operation without an `operationId` is left out;
//! - a request body offered in several media types keeps only `application/json`;
//! - an operation whose error responses (or success responses) carry different bodies, such as
//!   one with a JSON body and one with none, is left out.

use serde_json::Value;

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// `spec` with the operations progenitor cannot take left out and the rest reduced to one
/// request media type, and the operations left out, as `METHOD path`.
pub fn progenitor_subset(spec: &Value) -> (Value, Vec<String>) {
    let mut subset = spec.clone();
    let mut left_out = Vec::new();
    let Some(paths) = subset.get_mut("paths").and_then(Value::as_object_mut) else {
        return (subset, left_out);
    };
    for (path, item) in paths.iter_mut() {
        let Some(item) = item.as_object_mut() else {
            continue;
        };
        for method in METHODS {
            let Some(operation) = item.get_mut(method) else {
                continue;
            };
            if operation.get("operationId").is_none() || mixed_bodies(spec, operation) {
                item.remove(method);
                left_out.push(format!("{} {path}", method.to_uppercase()));
                continue;
            }
            let content = operation
                .pointer_mut("/requestBody/content")
                .and_then(Value::as_object_mut);
            if let Some(content) = content.filter(|c| c.len() > 1 && c.contains_key(JSON)) {
                content.retain(|media, _| media == JSON);
            }
        }
    }
    paths.retain(|_, item| {
        item.as_object()
            .is_some_and(|item| METHODS.iter().any(|m| item.contains_key(*m)))
    });
    (subset, left_out)
}

const JSON: &str = "application/json";

/// Whether the successes, or the errors, of `operation` do not all carry the same body.
fn mixed_bodies(spec: &Value, operation: &Value) -> bool {
    let Some(responses) = operation.get("responses").and_then(Value::as_object) else {
        return false;
    };
    let mut successes = Vec::new();
    let mut errors = Vec::new();
    for (status, response) in responses {
        let body = resolve(spec, response).and_then(body_schemas);
        let side = match status.starts_with('2') {
            true => &mut successes,
            false => &mut errors,
        };
        if !side.contains(&body) {
            side.push(body);
        }
    }
    successes.len() > 1 || errors.len() > 1
}

/// The schema of each media type of a response, which is what makes its body's type; examples
/// and descriptions differ between responses of the same type.
fn body_schemas(response: &Value) -> Option<Vec<(String, Value)>> {
    let content = response.get("content")?.as_object()?;
    let schemas = content.iter().map(|(media, body)| {
        let schema = body.get("schema").cloned().unwrap_or_default();
        (media.clone(), schema)
    });
    Some(schemas.collect())
}

/// `value`, or what its `$ref` points to within `spec`.
fn resolve<'a>(spec: &'a Value, value: &'a Value) -> Option<&'a Value> {
    match value.get("$ref").and_then(Value::as_str) {
        Some(reference) => spec.pointer(reference.strip_prefix('#')?),
        None => Some(value),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn each_rule_removes_its_kind_and_nothing_else() {
        // `/a` stays although its error responses have different examples: only their schemas
        // make their type.
        let spec = json!({
            "openapi": "3.0.3",
            "paths": {
                "/health": {"get": {"responses": {"200": {"description": "up"}}}},
                "/a": {"post": {
                    "operationId": "a",
                    "requestBody": {"content": {
                        "application/json": {"schema": {}},
                        "application/x-www-form-urlencoded": {"schema": {}}
                    }},
                    "responses": {
                        "200": {"$ref": "#/components/responses/ok"},
                        "400": {"$ref": "#/components/responses/bad"},
                        "500": {"$ref": "#/components/responses/worse"}
                    }
                }},
                "/b": {"delete": {
                    "operationId": "b",
                    "responses": {
                        "204": {"description": "gone"},
                        "400": {"$ref": "#/components/responses/bad"},
                        "404": {"description": "no body"}
                    }
                }}
            },
            "components": {"responses": {
                "ok": {"description": "ok", "content": {"application/json": {"schema": {}}}},
                "bad": {"description": "bad", "content": {"application/json": {
                    "schema": {"type": "object"}, "example": {"code": 400}
                }}},
                "worse": {"description": "worse", "content": {"application/json": {
                    "schema": {"type": "object"}, "example": {"code": 500}
                }}}
            }}
        });
        let (subset, left_out) = progenitor_subset(&spec);
        assert_eq!(left_out, ["GET /health", "DELETE /b"]);
        let paths = subset["paths"].as_object().unwrap();
        assert_eq!(paths.keys().collect::<Vec<_>>(), ["/a"]);
        let content = subset
            .pointer("/paths/~1a/post/requestBody/content")
            .unwrap();
        assert_eq!(content.as_object().unwrap().len(), 1);
        assert!(content.get(JSON).is_some());
        assert_eq!(subset["components"], spec["components"]);
    }
}
