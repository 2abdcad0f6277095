//! What the generated `Deserialize` impls of the types share.
//!
//! Each struct reads an object member by member, matching each key against its properties'
//! names and skipping the keys it does not know, so that a server may add properties; of a key
//! that comes twice, the last value counts, as in `serde_json::Value`. That is all the crate
//! needs from its JSON, and far less code for the compiler than serde's derive, which also
//! reads structs from sequences and identifies fields by number and by bytes.

use std::borrow::Cow;
use std::fmt;

use serde::de::{Deserialize, Deserializer, Error, Visitor};

/// The key of an object member: borrowed from the input where it has no escapes.
#[derive(Debug)]
pub(crate) struct Key<'de>(Cow<'de, str>);

impl<'de> Key<'de> {
    #[allow(
        dead_code,
        reason = "an API whose objects have no properties never looks at keys"
    )]
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }

    #[allow(
        dead_code,
        reason = "only types that keep unknown properties take ownership of keys"
    )]
    pub(crate) fn into_string(self) -> String {
        self.0.into_owned()
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_str(KeyVisitor)
    }
}

struct KeyVisitor;

impl<'de> Visitor<'de> for KeyVisitor {
    type Value = Key<'de>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("the name of a property")
    }

    fn visit_borrowed_str<E: Error>(self, v: &'de str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Borrowed(v)))
    }

    fn visit_str<E: Error>(self, v: &str) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v.to_owned())))
    }

    fn visit_string<E: Error>(self, v: String) -> Result<Key<'de>, E> {
        Ok(Key(Cow::Owned(v)))
    }
}

/// The value of a required property, or the error that names it when the object lacked it.
#[allow(
    dead_code,
    reason = "an API whose objects have no required property never calls it"
)]
pub(crate) fn required<T, E: Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde::de::MapAccess;

    use super::*;

    /// A struct with the `Deserialize` impl that the generator writes for an object with a
    /// required, an optional and a nullable property, and unknown properties kept.
    #[derive(Debug, PartialEq)]
    struct Sample {
        name: String,
        count: Option<i64>,
        note: Option<String>,
        extra: BTreeMap<String, serde_json::Value>,
    }

    impl<'de> Deserialize<'de> for Sample {
        fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
            struct Members;
            impl<'de> Visitor<'de> for Members {
                type Value = Sample;
                fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str("an object of type Sample")
                }
                fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Sample, A::Error> {
                    let mut name = None;
                    let mut count = None;
                    let mut note = None;
                    let mut extra = BTreeMap::new();
                    while let Some(key) = map.next_key::<Key<'de>>()? {
                        match key.as_str() {
                            "name" => name = Some(map.next_value()?),
                            "count" => count = map.next_value()?,
                            "note" => note = map.next_value()?,
                            _ => {
                                let value = map.next_value()?;
                                extra.insert(key.into_string(), value);
                            }
                        }
                    }
                    Ok(Sample {
                        name: required(name, "name")?,
                        count,
                        note,
                        extra,
                    })
                }
            }
            deserializer.deserialize_map(Members)
        }
    }

    #[test]
    fn members_are_read_by_name_whatever_their_order() {
        let json = r#"{"count": 3, "x": [1], "name": "a\"b", "note": null}"#;
        let sample: Sample = serde_json::from_str(json).unwrap();
        assert_eq!(
            sample,
            Sample {
                name: "a\"b".to_owned(),
                count: Some(3),
                note: None,
                extra: BTreeMap::from([("x".to_owned(), serde_json::json!([1]))]),
            }
        );
        // Keys with escapes arrive owned, and values read from a `Value` too.
        let value = serde_json::json!({"n\u{e9}": 1, "name": "x"});
        let sample: Sample = serde_json::from_value(value).unwrap();
        assert_eq!(sample.extra["n\u{e9}"], 1);
        let escaped: Sample = serde_json::from_str(r#"{"na\u006de": "y"}"#).unwrap();
        assert_eq!(escaped.name, "y");
    }

    #[test]
    fn a_missing_required_property_is_named() {
        let err = serde_json::from_str::<Sample>(r#"{"count": 1}"#).unwrap_err();
        assert!(err.to_string().contains("missing field `name`"), "{err}");
        let err = serde_json::from_str::<Sample>(r#"{"name": 1}"#).unwrap_err();
        assert!(err.to_string().contains("expected a string"), "{err}");
        let err = serde_json::from_str::<Sample>("[]").unwrap_err();
        assert!(
            err.to_string().contains("an object of type Sample"),
            "{err}"
        );
    }
}
