//! Reading a spec: YAML (or JSON) text into `openapiv3` types, after checking that the document
//! is OpenAPI 3.0 at all, so that other inputs get a message that says what they are.

use openapiv3::OpenAPI;
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::diag::Diagnostic;

/// A YAML syntax or shape error, with where the parser found it.
struct YamlError {
    message: String,
    location: Option<(usize, usize)>,
}

/// Every use of the YAML parser goes through here, so that swapping it for another
/// implementation with serde support is a change of this one function.
///
/// A document that is JSON is read as JSON: YAML is meant to be a superset of it, but the YAML
/// parser refuses some JSON, such as a character outside the BMP written as two `\u` escapes.
/// Text that only looks like JSON, a YAML flow mapping say, goes to the YAML parser.
fn parse_document<T: DeserializeOwned>(text: &str) -> Result<T, YamlError> {
    if text.trim_start().starts_with('{') {
        match serde_json::from_str(text) {
            Ok(value) => return Ok(value),
            Err(e) if !e.is_syntax() && !e.is_eof() => {
                return Err(YamlError {
                    location: Some((e.line(), e.column())),
                    message: e.to_string(),
                });
            }
            Err(_) => {}
        }
    }
    serde_yaml::from_str(text).map_err(|e| YamlError {
        location: e.location().map(|l| (l.line(), l.column())),
        message: e.to_string(),
    })
}

/// A JSON value read from YAML, refusing a mapping that repeats a key: YAML forbids it, and
/// quietly keeping one of the two would generate from a spec other than the one written.
struct Strict(Value);

impl<'de> serde::Deserialize<'de> for Strict {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> serde::de::Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }

    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        d.deserialize_any(self)
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Strict(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut entries = serde_json::Map::new();
        while let Some(key) = map.next_key::<String>()? {
            match entries.entry(key) {
                serde_json::map::Entry::Occupied(entry) => {
                    let key = entry.key();
                    return Err(serde::de::Error::custom(format!("duplicate key `{key}`")));
                }
                serde_json::map::Entry::Vacant(entry) => {
                    let Strict(value) = map.next_value()?;
                    entry.insert(value);
                }
            }
        }
        Ok(Value::Object(entries))
    }
}

/// Parses `text` as an OpenAPI 3.0 document, on up to `threads` threads.
pub fn load(text: &str, threads: usize) -> Result<OpenAPI, Diagnostic> {
    if threads > 1 {
        if let Some(spec) = in_sections(text) {
            return Ok(spec);
        }
    }
    let value = json(text)?;
    recognise(&value)?;
    convert(value, threads).map_err(|shape| {
        // Converting from a value loses the location; the parser finds it again from the text,
        // which costs a second parse only on this failing path.
        let (message, location) = match parse_document::<OpenAPI>(text) {
            Err(e) => (e.message, e.location),
            Ok(_) => (shape.to_string(), None),
        };
        Diagnostic {
            location,
            ..Diagnostic::error("", format!("not a valid OpenAPI 3.0 document: {message}"))
        }
    })
}

/// The document that `value` is. Its paths and its components are most of it and do not
/// depend on each other, so with two threads or more they are converted side by side.
fn convert(value: Value, threads: usize) -> Result<OpenAPI, serde_json::Error> {
    let Value::Object(mut document) = value else {
        return serde_json::from_value(value);
    };
    let split = threads > 1
        && document.get("paths").is_some_and(Value::is_object)
        && document.get("components").is_some_and(Value::is_object);
    if !split {
        return serde_json::from_value(Value::Object(document));
    }
    let paths = document.insert("paths".to_owned(), Value::Object(serde_json::Map::new()));
    let components = document.shift_remove("components");
    let (Some(paths), Some(components)) = (paths, components) else {
        unreachable!("both were checked to be there");
    };
    std::thread::scope(|scope| {
        let components = crate::spawn(scope, "generator-components", || {
            serde_json::from_value(components)
        });
        let mut spec: OpenAPI = serde_json::from_value(Value::Object(document))?;
        spec.paths = serde_json::from_value(paths)?;
        let components = match components {
            Ok(thread) => thread
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic))?,
            Err(e) => return Err(serde::de::Error::custom(e.message)),
        };
        spec.components = Some(components);
        Ok(spec)
    })
}

/// `text` as a JSON value, read as [`load`] reads it, repeated keys refused.
pub fn json(text: &str) -> Result<Value, Diagnostic> {
    let Strict(value) = parse_document(text).map_err(|e| Diagnostic {
        location: e.location,
        ..Diagnostic::error("", format!("not valid YAML or JSON: {}", e.message))
    })?;
    Ok(value)
}

/// A YAML document read as three documents side by side: what comes before its top-level
/// `paths` and `components` keys, and each of those two. They are most of a spec, and the
/// parser reads one document on one thread; each section's thread also converts its part.
///
/// A line that starts at column 0 ends every block node before it, so each section is a
/// document of its own, and the three together are the same mapping as the whole. Where that
/// is not certain, or anything fails, this gives `None` and the caller reads the whole text,
/// which also finds any error and its place: when the document is not a block mapping at
/// column 0, has a document marker or a directive, or names either key twice; when a section
/// does not read as a mapping by itself (a quoted scalar or a flow collection running on past
/// the line that starts the next section, an alias of an anchor in another section); when two
/// sections have a key in common; and when the document is not OpenAPI 3.0, or not valid.
fn in_sections(text: &str) -> Option<OpenAPI> {
    if text.trim_start().starts_with(['{', '[']) {
        return None;
    }
    let mut starts = [None, None];
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") || line.starts_with("...") || line.starts_with('%') {
            return None;
        }
        for (key, start) in ["paths:", "components:"].iter().zip(&mut starts) {
            let opens = line.strip_prefix(key).is_some_and(|rest| {
                rest.is_empty() || rest.starts_with([' ', '\t', '\r', '\n', '#'])
            });
            if opens {
                if start.is_some() {
                    return None;
                }
                *start = Some(offset);
            }
        }
        offset += line.len();
    }
    let [Some(paths), Some(components)] = starts else {
        return None;
    };
    let (first, second) = (paths.min(components), paths.max(components));
    let sections = [&text[..first], &text[first..second], &text[second..]];
    let (paths_at, components_at) = if paths == first { (1, 2) } else { (2, 1) };

    /// A section's members, with the value of `key` taken out of them when it is given.
    type Read = (serde_json::Map<String, Value>, Option<Value>);
    let read = |section: &str, key: Option<&str>| -> Option<Read> {
        let mut members = match parse_document::<Strict>(section).ok()?.0 {
            Value::Object(members) => members,
            Value::Null => serde_json::Map::new(),
            _ => return None,
        };
        let taken = match key {
            Some(key) => Some(members.shift_remove(key)?),
            None => None,
        };
        Some((members, taken))
    };
    let (mut sections_read, spec_paths, spec_components) = std::thread::scope(|scope| {
        let aside = crate::spawn(scope, "generator-components", move || {
            let (members, components) = read(sections[components_at], Some("components"))?;
            let components: openapiv3::Components = serde_json::from_value(components?).ok()?;
            Some((members, components))
        })
        .ok()?;
        let head = read(sections[0], None)?.0;
        let (paths_members, paths) = read(sections[paths_at], Some("paths"))?;
        let paths: openapiv3::Paths = serde_json::from_value(paths?).ok()?;
        let (components_members, components) = aside.join().ok()??;
        let mut members = [head, Default::default(), Default::default()];
        members[paths_at] = paths_members;
        members[components_at] = components_members;
        Some((members, paths, components))
    })?;
    let mut document = serde_json::Map::new();
    for section in &mut sections_read {
        for (key, value) in std::mem::take(section) {
            if document.contains_key(&key) || key == "paths" || key == "components" {
                return None;
            }
            document.insert(key, value);
        }
    }
    let document = Value::Object(document);
    recognise(&document).ok()?;
    let Value::Object(mut document) = document else {
        unreachable!("it was built as an object")
    };
    document.insert("paths".to_owned(), Value::Object(serde_json::Map::new()));
    let mut spec: OpenAPI = serde_json::from_value(Value::Object(document)).ok()?;
    spec.paths = spec_paths;
    spec.components = Some(spec_components);
    Some(spec)
}

/// `text` into `openapiv3` types straight from the parser, with none of the checks of [`load`].
pub fn parse_only(text: &str) -> Result<(), Diagnostic> {
    parse_document::<OpenAPI>(text)
        .map(drop)
        .map_err(|e| Diagnostic {
            location: e.location,
            ..Diagnostic::error("", e.message)
        })
}

/// Tells what the document is when it is not OpenAPI 3.0.
fn recognise(value: &Value) -> Result<(), Diagnostic> {
    let supported = "only OpenAPI 3.0.x documents are supported";
    let Value::Object(map) = value else {
        let what = match value {
            Value::Null => "an empty document",
            Value::Array(_) => "a list",
            _ => "a single scalar",
        };
        return Err(Diagnostic::error(
            "",
            format!("the document is {what}, not an OpenAPI description; {supported}"),
        ));
    };
    let version = |key: &str| {
        map.get(key)
            .map(|v| v.as_str().map_or(v.to_string(), str::to_owned))
    };
    if let Some(version) = version("openapi") {
        if version.starts_with("3.0") {
            return Ok(());
        }
        return Err(Diagnostic::error(
            "#/openapi",
            format!("this is OpenAPI {version}; {supported}"),
        ));
    }
    let what = if let Some(version) = version("swagger") {
        format!("a Swagger {version} (OpenAPI 2) document; convert it to OpenAPI 3.0 first")
    } else if map.contains_key("$schema") {
        "a JSON Schema, not an OpenAPI description".to_owned()
    } else if map.contains_key("apiVersion") && map.contains_key("kind") {
        "a Kubernetes manifest, not an OpenAPI description".to_owned()
    } else {
        "not an OpenAPI description: it has no `openapi` field".to_owned()
    };
    Err(Diagnostic::error(
        "",
        format!("the document is {what}; {supported}"),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` loaded on two threads, which is how the generator loads it on most machines.
    fn load(text: &str) -> Result<OpenAPI, Diagnostic> {
        super::load(text, 2)
    }

    fn message(text: &str) -> String {
        load(text).unwrap_err().message
    }

    const SPLIT: &str = "openapi: 3.0.3
info: {title: t, version: '1'}
x-top: 1
paths:
  /a:
    get:
      operationId: a
      responses:
        '200': {$ref: '#/components/responses/R'}
components:
  responses:
    R: {description: r}
  schemas:
    S: {type: object, properties: {n: {type: integer}}}
";

    #[test]
    fn paths_and_components_read_side_by_side_are_the_same_document() {
        let one = super::load(SPLIT, 1).unwrap();
        let two = super::load(SPLIT, 2).unwrap();
        assert_eq!(one, two);
        assert!(two.components.is_some_and(|c| c.schemas.contains_key("S")));
        assert!(two.extensions.contains_key("x-top"));
    }

    /// `text` loaded in sections and whole: the same document, or the same error in the same
    /// place.
    fn same_in_sections(text: &str) {
        match (super::load(text, 1), super::load(text, 2)) {
            (Ok(whole), Ok(sections)) => assert_eq!(whole, sections, "{text}"),
            (Err(whole), Err(sections)) => {
                assert_eq!(whole.message, sections.message);
                assert_eq!(whole.location, sections.location);
            }
            (whole, sections) => panic!("{text}\nwhole: {whole:?}\nin sections: {sections:?}"),
        }
    }

    #[test]
    fn sections_read_side_by_side_are_the_same_document() {
        assert!(
            in_sections(SPLIT).is_some(),
            "the fixture is read in sections"
        );
        same_in_sections(SPLIT);
        // Components before paths, a comment and an inline value on the lines that open them.
        let reordered = "openapi: 3.0.3\ncomponents: # first\n  schemas: {S: {type: string}}\n\
                         info: {title: t, version: '1'}\npaths: {}\n";
        assert!(in_sections(reordered).is_some());
        same_in_sections(reordered);
    }

    #[test]
    fn what_sections_cannot_read_alike_is_read_whole() {
        let cases = [
            // An alias of an anchor in another section.
            "openapi: 3.0.3\ninfo: &i {title: t, version: '1'}\npaths: {}\ncomponents:\n  x: *i\n",
            // A quoted scalar that runs on past the line that opens a section.
            "openapi: 3.0.3\ninfo: {title: \"t\n  \", version: '1'}\nx-a: \"a\npaths: b\"\ncomponents: {}\n",
            // A flow collection that does.
            "openapi: 3.0.3\nx-a: [1,\npaths: 2]\ncomponents: {}\npaths: {}\n",
            // A key in two sections, and a section key twice.
            "openapi: 3.0.3\npaths: {}\ninfo: {}\ncomponents: {}\ninfo: {}\n",
            "openapi: 3.0.3\npaths: {}\ncomponents: {}\npaths: {}\n",
            // A document marker, and a second document.
            "---\nopenapi: 3.0.3\npaths: {}\ncomponents: {}\n",
            "openapi: 3.0.3\npaths: {}\n---\ncomponents: {}\n",
            // A syntax error in a section.
            "openapi: 3.0.3\npaths: {}\ncomponents:\n  a: [\n",
        ];
        for case in cases {
            same_in_sections(case);
        }
        assert!(in_sections(cases[0]).is_none());
        assert!(in_sections(cases[3]).is_none());
    }

    #[test]
    fn a_bad_component_read_on_its_own_thread_is_the_same_error() {
        let bad = SPLIT.replace("R: {description: r}", "R: {description: [r]}");
        let one = super::load(&bad, 1).unwrap_err();
        let two = super::load(&bad, 2).unwrap_err();
        assert_eq!(one.message, two.message);
        assert_eq!(one.location, two.location);
        assert!(two.location.is_some(), "{}", two.message);
    }

    #[test]
    fn other_documents_are_named() {
        assert!(message("").contains("an empty document"));
        assert!(message("swagger: '2.0'\ninfo: {}").contains("Swagger 2.0"));
        assert!(message("openapi: 3.1.0\ninfo: {}").contains("OpenAPI 3.1.0"));
        assert!(message("apiVersion: v1\nkind: Pod").contains("Kubernetes manifest"));
        assert!(message("$schema: x\ntype: object").contains("JSON Schema"));
    }

    #[test]
    fn repeated_keys_are_refused_where_they_are() {
        let err = load("openapi: 3.0.3\ninfo: {}\npaths:\n  /a: {}\n  /a: {}\n").unwrap_err();
        assert!(
            err.message.contains("duplicate key `/a`"),
            "{}",
            err.message
        );
        // The parser places the error at the mapping that repeats the key.
        assert_eq!(err.location.map(|(line, _)| line), Some(4));
    }

    #[test]
    fn json_is_read_as_json() {
        // A character outside the BMP as a surrogate pair, which the YAML parser refuses.
        let spec = r#"{"openapi": "3.0.3", "info": {"title": "\ud83d\ude00", "version": "1"},
            "paths": {}}"#;
        assert_eq!(load(spec).unwrap().info.title, "\u{1f600}");
        // A YAML flow mapping is not JSON, and still YAML.
        assert!(load("{openapi: 3.0.3, info: {title: t, version: '1'}, paths: {}}").is_ok());
        let err = load(r#"{"openapi": "3.0.3", "paths": {}, "paths": {}}"#).unwrap_err();
        assert!(
            err.message.contains("duplicate key `paths`"),
            "{}",
            err.message
        );
        assert_eq!(err.location.map(|(line, _)| line), Some(1));
    }

    #[test]
    fn syntax_errors_carry_a_location() {
        let err = load("openapi: 3.0.3\ninfo: [\n").unwrap_err();
        assert!(err.message.starts_with("not valid YAML"), "{}", err.message);
        assert!(err.location.is_some());
    }
}
