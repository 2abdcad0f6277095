//! Encoding what goes into a request: path parameters as single path segments, query strings,
//! form bodies, and the optional members of the objects that the types write.

use serde::Serialize;
use serde::ser::SerializeMap;

use crate::error::InvalidRequest;

/// One piece of an operation's path: text from the template, or a parameter's value.
#[derive(Clone, Copy, Debug)]
#[allow(
    dead_code,
    reason = "each API uses only the helpers that its operations need"
)]
pub(crate) enum Segment<'a> {
    Literal(&'static str),
    Param(&'static str, &'a str),
}

/// Joins `segments` into a path, percent-encoding every parameter as one path segment.
///
/// A parameter that is empty, `.` or `..` is refused: URL normalisation would turn it into
/// another endpoint's path.
pub(crate) fn path(segments: &[Segment<'_>]) -> Result<String, InvalidRequest> {
    let mut out = String::new();
    for segment in segments {
        match *segment {
            Segment::Literal(text) => out.push_str(text),
            Segment::Param(name, value) => {
                if matches!(value, "" | "." | "..") {
                    return Err(InvalidRequest::PathParameter { name });
                }
                percent_encode(value, &mut out);
            }
        }
    }
    Ok(out)
}

/// Appends `value` with every byte outside RFC 3986's unreserved set percent-encoded.
fn percent_encode(value: &str, out: &mut String) {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    for &byte in value.as_bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        }
    }
}

/// Appends `name=value` pairs in the form encoding, where a space is `+`.
pub(crate) fn form_pairs<'p>(
    pairs: impl IntoIterator<Item = (&'p str, &'p str)>,
    out: &mut String,
) {
    for (i, (name, value)) in pairs.into_iter().enumerate() {
        if i > 0 {
            out.push('&');
        }
        form_escape(name, out);
        out.push('=');
        form_escape(value, out);
    }
}

fn form_escape(text: &str, out: &mut String) {
    for (i, part) in text.split(' ').enumerate() {
        if i > 0 {
            out.push('+');
        }
        percent_encode(part, out);
    }
}

/// Writes an optional member of an object under `key` when it is set, and nothing when it is
/// `None`: one call per optional property in the generated `Serialize` impls.
#[allow(
    dead_code,
    reason = "an API whose objects have no optional property never calls it"
)]
pub(crate) fn optional<M: SerializeMap, T: Serialize>(
    map: &mut M,
    key: &'static str,
    value: &Option<T>,
) -> Result<(), M::Error> {
    match value {
        Some(value) => map.serialize_entry(key, value),
        None => Ok(()),
    }
}

/// Encodes `body` as `application/x-www-form-urlencoded`.
///
/// The body must serialize as an object whose values are strings, numbers, booleans or arrays
/// of those; arrays become repeated keys and `null` values are left out.
pub(crate) fn form_encode<T: Serialize + ?Sized>(body: &T) -> Result<String, InvalidRequest> {
    let invalid = |reason: String| InvalidRequest::Body {
        content_type: crate::transport::FORM,
        reason,
    };
    let value = serde_json::to_value(body).map_err(|e| invalid(e.to_string()))?;
    let serde_json::Value::Object(fields) = value else {
        return Err(invalid("the body is not an object".to_owned()));
    };
    let mut pairs = Vec::new();
    for (key, value) in &fields {
        let values = match value {
            serde_json::Value::Array(items) => items.as_slice(),
            other => std::slice::from_ref(other),
        };
        for item in values {
            let text = match item {
                serde_json::Value::Null => continue,
                serde_json::Value::String(text) => text.clone(),
                serde_json::Value::Bool(_) | serde_json::Value::Number(_) => item.to_string(),
                _ => return Err(invalid(format!("field `{key}` is not a scalar"))),
            };
            pairs.push((key.as_str(), text));
        }
    }
    let mut out = String::new();
    form_pairs(pairs.iter().map(|(k, v)| (*k, v.as_str())), &mut out);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_parameters_are_one_encoded_segment() {
        let path = path(&[
            Segment::Literal("/api/"),
            Segment::Param("serviceId", "a/b c?#%é"),
            Segment::Literal("/x"),
        ])
        .unwrap();
        assert_eq!(path, "/api/a%2Fb%20c%3F%23%25%C3%A9/x");
    }

    #[test]
    fn dot_segments_and_empty_parameters_are_refused() {
        for value in ["", ".", ".."] {
            let err = path(&[Segment::Param("serviceId", value)]).unwrap_err();
            assert!(matches!(
                err,
                InvalidRequest::PathParameter { name: "serviceId" }
            ));
        }
        assert_eq!(path(&[Segment::Param("id", "...")]).unwrap(), "...");
    }

    #[test]
    fn form_encoding_flattens_scalars_and_arrays() {
        let body = serde_json::json!({
            "a b": "x&y=z+",
            "n": 3,
            "flag": true,
            "none": null,
            "list": ["1", "2"],
        });
        // Field order follows serde_json's map, which depends on its features; servers do not
        // care, so neither does the test.
        let encoded = form_encode(&body).unwrap();
        let mut pairs: Vec<&str> = encoded.split('&').collect();
        pairs.sort_unstable();
        assert_eq!(
            pairs,
            ["a+b=x%26y%3Dz%2B", "flag=true", "list=1", "list=2", "n=3"]
        );
    }

    /// An object with an optional member, written the way the generated impls write one.
    struct Member(Option<u8>);

    impl Serialize for Member {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(None)?;
            optional(&mut map, "n", &self.0)?;
            map.end()
        }
    }

    #[test]
    fn optional_members_are_written_only_when_set() {
        assert_eq!(
            serde_json::to_string(&Member(Some(7))).unwrap(),
            r#"{"n":7}"#
        );
        assert_eq!(serde_json::to_string(&Member(None)).unwrap(), "{}");
    }

    #[test]
    fn form_encoding_refuses_nested_objects() {
        let err = form_encode(&serde_json::json!({"outer": {"inner": 1}})).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the request body cannot be encoded as application/x-www-form-urlencoded: \
             field `outer` is not a scalar"
        );
    }
}
