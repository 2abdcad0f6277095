//! Checking the spec's examples against the types they are examples of. An example that fits
//! goes into the model, to become a round-trip test; one that does not is reported by pointer.

use serde_json::Value;

use super::Lowerer;
use crate::diag::pointer as child;
use crate::model::{EnumRepr, Example, Presence, Ty, TypeKind};
use crate::naming;

/// An example found while lowering, with the type it claims to be.
pub(crate) struct PendingExample {
    pub name: String,
    pub pointer: String,
    pub ty: Ty,
    pub value: Value,
}

impl Lowerer<'_> {
    pub(super) fn check_examples(&mut self) {
        let mut seen = std::collections::BTreeSet::new();
        for pending in std::mem::take(&mut self.pending) {
            // A shared component response's example comes once per operation that uses it.
            if !seen.insert(pending.pointer.clone()) {
                continue;
            }
            if let Err((at, problem)) = self.fits(&pending.value, &pending.ty, &pending.pointer) {
                self.diags.warning(
                    at,
                    format!("example does not match its schema: {problem}; it is left out of the round-trip tests"),
                );
                continue;
            }
            let (name, _) = self.example_scope.claim(naming::value_name(&pending.name));
            self.api.examples.push(Example {
                name,
                pointer: pending.pointer,
                ty: pending.ty,
                value: pending.value,
            });
        }
    }

    /// Whether `value` deserializes into `ty` and serializes back the same; if not, where in
    /// the example and why.
    fn fits(&self, value: &Value, ty: &Ty, at: &str) -> Result<(), (String, String)> {
        let ty = self.unalias(ty);
        let wrong = |expected: &str| {
            Err((
                at.to_owned(),
                format!("expected {expected}, found {}", describe(value)),
            ))
        };
        match ty {
            Ty::String if value.is_string() => Ok(()),
            Ty::String => wrong("a string"),
            Ty::Bool if value.is_boolean() => Ok(()),
            Ty::Bool => wrong("a boolean"),
            Ty::I32 if value.as_i64().is_some_and(|n| i32::try_from(n).is_ok()) => Ok(()),
            Ty::I32 => wrong("a 32-bit integer"),
            Ty::I64 if value.is_i64() => Ok(()),
            Ty::I64 => wrong("a 64-bit integer"),
            Ty::F32 | Ty::F64 if value.is_number() => Ok(()),
            Ty::F32 | Ty::F64 => wrong("a number"),
            Ty::Json | Ty::Unit => Ok(()),
            Ty::JsonObject if value.is_object() => Ok(()),
            Ty::JsonObject => wrong("an object"),
            Ty::Option(_) if value.is_null() => Ok(()),
            Ty::Option(inner) => self.fits(value, inner, at),
            Ty::Vec(item) => match value {
                Value::Array(items) => items
                    .iter()
                    .enumerate()
                    .try_for_each(|(i, v)| self.fits(v, item, &child(at, &i.to_string()))),
                _ => wrong("an array"),
            },
            Ty::Map(item) => match value {
                Value::Object(map) => map
                    .iter()
                    .try_for_each(|(k, v)| self.fits(v, item, &child(at, k))),
                _ => wrong("an object"),
            },
            Ty::Named(name) => match self.types.get(name).map(|t| &t.kind) {
                // Aliases were followed above; what is left of one is a cycle, reported apart.
                Some(TypeKind::Alias(_)) => Ok(()),
                Some(TypeKind::Enum(e)) => {
                    let text = match (e.repr, value) {
                        (EnumRepr::String, Value::String(s)) => s.clone(),
                        (EnumRepr::Integer, Value::Number(n)) if n.is_i64() => n.to_string(),
                        (EnumRepr::String, _) => return wrong("a string"),
                        (EnumRepr::Integer, _) => return wrong("an integer"),
                    };
                    if e.variants.iter().any(|v| v.wire == text) {
                        Ok(())
                    } else {
                        Err((
                            at.to_owned(),
                            format!("`{text}` is not one of the enum's values"),
                        ))
                    }
                }
                Some(TypeKind::Struct(s)) => {
                    let Value::Object(map) = value else {
                        return wrong("an object");
                    };
                    for field in &s.fields {
                        let at = child(at, &field.wire);
                        match (map.get(&field.wire), field.presence) {
                            (None, Presence::Optional) => {}
                            (None, _) => {
                                return Err((at, "a required property is missing".to_owned()));
                            }
                            (Some(Value::Null), Presence::Nullable) => {}
                            (Some(Value::Null), _) => {
                                return Err((
                                    at,
                                    "`null` for a property that is not nullable".to_owned(),
                                ));
                            }
                            (Some(v), _) => self.fits(v, &field.ty, &at)?,
                        }
                    }
                    for (key, v) in map {
                        if s.fields.iter().any(|f| &f.wire == key) {
                            continue;
                        }
                        match &s.additional {
                            Some((_, ty)) => self.fits(v, ty, &child(at, key))?,
                            None => {
                                return Err((
                                    child(at, key),
                                    "a property the schema does not have".to_owned(),
                                ));
                            }
                        }
                    }
                    Ok(())
                }
                Some(TypeKind::Outcomes(_)) | None => Ok(()),
            },
        }
    }
}

fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) if s.chars().count() > 40 => "a string".to_owned(),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}
