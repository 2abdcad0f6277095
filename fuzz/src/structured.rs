//! Structured specs from fuzzer bytes: the bytes are read as a stream of choices, and the
//! choices build an OpenAPI 3.0 document, written out as YAML or JSON.
//!
//! The choices lean towards what is hard for a generator: names that are keywords or not
//! identifiers at all, descriptions full of markup and control characters, `$ref`s that point
//! back at their own ancestors, `allOf` cycles, enums whose values collide once they are
//! identifiers, deep nesting and very wide objects. Half of the runs start from one of the
//! repository's own specs instead and mutate it, so that realistic documents are covered too.
//! The same bytes always give the same document.

use std::collections::BTreeSet;
use std::sync::OnceLock;

use arbitrary::Unstructured;
use generator::{Selection, Settings};
use serde_json::{Map, Value, json};

/// A document and the settings to generate it with.
pub struct Case {
    pub text: String,
    pub settings: Settings,
}

/// Specs to mutate, in the order the first choice picks them.
const BASES: &[&str] = &[
    include_str!("../../spec/openapi.yaml"),
    include_str!("../../tests/fixtures/array.yaml"),
    include_str!("../../tests/fixtures/enumeration.yaml"),
    include_str!("../../tests/fixtures/keywords.yaml"),
    include_str!("../../tests/fixtures/nested.yaml"),
    include_str!("../../tests/fixtures/object.yaml"),
    include_str!("../../tests/fixtures/reference.yaml"),
    include_str!("../../tests/fixtures/required_optional.yaml"),
];

/// Names that are not identifiers as they are, or that collide with what a crate needs. (The
/// tables of this file are packed by hand: one entry a line would make them hard to scan.)
#[rustfmt::skip]
const NAMES: &[&str] = &[
    "", " ", "_", "__", "a", "A", "x", "X", "id", "Id", "ID", "type", "Type", "self", "Self",
    "crate", "super", "r#type", "fn", "async", "await", "gen", "union", "dyn", "try", "macro_rules",
    "static", "where", "in", "ref", "mut", "move", "box", "2fa", "123", "0", "-1", "1.5", "$ref",
    "$", "@id", "@", "a-b", "a.b", "a b", "a/b", "a~b", "~1", "~0", "a__b", "_a", "a_", "x-y-z",
    "Result", "Option", "Error", "Ok", "Err", "Some", "None", "Box", "String", "Vec", "Default",
    "Client", "Server", "BaseUrl", "Unrecognized", "Empty", "Unnamed", "Value", "value", "body",
    "request", "response", "path", "builder", "base_url", "clone", "fmt", "round_trip", "same",
    "additional_properties", "additionalProperties", "T2fa", "V1", "ApiResult", "ApiSelf",
    "self_", "Self_", "crate_", "type2", "a2", "v1_2", "café", "日本", "Ωmega", "🦀", "ß",
    "\u{0}", "\r", "\n", "\t", "a\rb", "a\"b", "a\\b", "{id}", "}", "{", "#", "%20", "é",
];

/// Pieces of descriptions that rustdoc, prettyplease or a comment could choke on.
#[rustfmt::skip]
const TEXT: &[&str] = &[
    "plain words", "*/", "/*", "/**", "//", "///", "//!", "#[", "#![doc = \"x\"]", "`", "``",
    "```", "```rust", "~~~", "`a`", "``a`b``", "<", ">", "<b>", "</b>", "<div>",
    "<Accordion x={1}>", "<script>alert(1)</script>", "<https://a.b>", "https://a.b/c.",
    "http://", "[x]", "[a](b)", "](", "[", "]", "&amp;", "&lt;", "&#13;", "&#10;", "&#0;",
    "&#x1F980;", "&#xD800;", "&#99999999;", "&nbsp;", "&", ";", "\r", "\n", "\r\n", "\n\n",
    "\t", "\u{0}", "\u{7f}", "\u{b}", "\u{c}", "\u{85}", "\u{2028}", "\u{2029}", "\u{feff}",
    "\u{202e}", "\"", "\\", "\\`", "'", "{", "}", "{}", "- item", "* item", "1. one", "1) one",
    "> quote", "    indented", " ", "#", "# Heading", "---", "|a|b|", "🦀", "日本語", "é",
    "\u{301}", "$", "@", "-", ".", "r#",
];

#[rustfmt::skip]
const STRING_FORMATS: &[&str] = &[
    "date-time", "date", "byte", "binary", "password", "uuid", "email", "", "int32", "weird",
];
#[rustfmt::skip]
const INT_FORMATS: &[&str] = &["int32", "int64", "", "uint8", "int128", "float"];
#[rustfmt::skip]
const NUMBER_FORMATS: &[&str] = &["float", "double", "", "int32", "decimal"];
#[rustfmt::skip]
const METHODS: &[&str] = &["get", "put", "post", "delete", "options", "head", "patch", "trace"];
#[rustfmt::skip]
const CONTENT_TYPES: &[&str] = &[
    "application/json", "application/x-www-form-urlencoded", "text/plain", "application/json",
    "application/problem+json", "APPLICATION/JSON; charset=utf-8", "text/plain; charset=utf-8",
    "multipart/form-data", "application/octet-stream", "image/png", "*/*", "", "+json",
];
#[rustfmt::skip]
const STATUSES: &[&str] = &[
    "200", "201", "204", "2XX", "202", "299", "300", "304", "400", "401", "404", "409", "4XX",
    "422", "500", "5XX", "503", "1XX", "3XX", "100", "199", "0", "600", "999", "65535", "default",
    "2xx", "6XX", "9XX", "200 ", "abc",
];
#[rustfmt::skip]
const SERVER_URLS: &[&str] = &[
    "https://api.example.com", "https://us.example.com/v1/", "http://localhost:8080",
    "https://self.example.com", "https://crate.io", "https://1.example", "https://日本.jp",
    "https://-.x", "https://", "/relative", "", "https://{region}.example.com", "ftp://a.b",
    "https://a.b/{x}", "https://Type.example.com", "https://api.example.com",
];
#[rustfmt::skip]
const SEGMENTS: &[&str] = &[
    "a", "users", "{id}", "{type}", "{self}", "{}", "{", "}", "{a}{b}", "{id}.json", "v1", "ü",
    "%20", " ", "..", ".", "$x", "@y", "a-b", "{a-b}", "{ id }", "{2fa}", "{crate}", "x?y=1",
    "#frag", "",
];
#[rustfmt::skip]
const VERSIONS: &[&str] = &["1.0.0", "0.0.1", "1", "1.2.3.4", "01.2.3", "", "1.0.0-beta", "v1"];

/// How many schema nodes a built document may have, so that one input cannot take minutes.
const NODE_BUDGET: usize = 4000;

/// Reads choices from the fuzzer's bytes; once they run out every choice is the first one.
struct Builder<'a> {
    u: Unstructured<'a>,
    /// The names of the component schemas, fixed before any schema is built.
    schema_names: Vec<String>,
    /// JSON pointers of schemas built so far, for `$ref`s to schemas inside schemas.
    pointers: Vec<String>,
    operation_ids: Vec<String>,
    tags: Vec<String>,
    nodes: usize,
}

/// The document and settings that `data` stands for.
pub fn build(data: &[u8]) -> Case {
    let mut b = Builder {
        u: Unstructured::new(data),
        schema_names: Vec::new(),
        pointers: Vec::new(),
        operation_ids: Vec::new(),
        tags: Vec::new(),
        nodes: 0,
    };
    let doc = if b.chance(1, 2) {
        b.mutated_base()
    } else {
        b.document()
    };
    let settings = b.settings();
    let text = if b.chance(1, 2) {
        serde_yaml::to_string(&doc).unwrap_or_default()
    } else if b.chance(1, 2) {
        serde_json::to_string_pretty(&doc).unwrap_or_default()
    } else {
        serde_json::to_string(&doc).unwrap_or_default()
    };
    Case { text, settings }
}

impl Builder<'_> {
    fn chance(&mut self, num: u8, den: u8) -> bool {
        self.u.ratio(num, den).unwrap_or(false)
    }

    fn int(&mut self, low: usize, high: usize) -> usize {
        self.u.int_in_range(low..=high).unwrap_or(low)
    }

    fn pick<T: Clone>(&mut self, items: &[T]) -> T {
        let i = self.int(0, items.len().saturating_sub(1));
        items[i].clone()
    }

    fn spent(&self) -> bool {
        self.nodes >= NODE_BUDGET
    }

    /// A name: mostly one of the awkward ones, sometimes two of them joined, sometimes
    /// characters straight from the input.
    fn name(&mut self) -> String {
        let name = match self.int(0, 9) {
            0..=6 => self.pick(NAMES).to_owned(),
            7 => {
                let separator = self.pick(&["", "_", "-", ".", " ", "$", "@", "/", "~", "__"]);
                format!("{}{separator}{}", self.pick(NAMES), self.pick(NAMES))
            }
            _ => {
                let len = self.int(0, 12);
                (0..len).map(|_| self.char()).collect()
            }
        };
        avoid(name)
    }

    fn char(&mut self) -> char {
        const ODD: &[char] = &[
            'a', 'Z', '0', '9', '_', '-', '.', ' ', '$', '@', '/', '~', '{', '}', '`', '\r', '\n',
            '\t', '\0', 'é', 'ß', 'Ω', '日', '🦀', '\u{202e}', '\u{feff}', '\u{2028}',
        ];
        if self.chance(1, 4) {
            self.u.arbitrary::<char>().unwrap_or('a')
        } else {
            self.pick(ODD)
        }
    }

    /// A description made of pieces of trouble.
    fn text(&mut self) -> String {
        let pieces = self.int(0, 6);
        let mut out = String::new();
        for _ in 0..pieces {
            match self.int(0, 5) {
                0..=3 => out.push_str(self.pick(TEXT)),
                4 => out.push_str(&self.name()),
                _ => out.push(self.char()),
            }
            if self.chance(1, 3) {
                out.push(' ');
            }
        }
        avoid(out)
    }

    /// Any JSON value, for examples, defaults and extensions.
    fn value(&mut self, depth: usize) -> Value {
        match self.int(0, 9) {
            0 => Value::Null,
            1 => Value::Bool(self.chance(1, 2)),
            2 => json!(self.pick(&[0i64, 1, -1, 42, i64::MAX, i64::MIN, 1 << 31, -(1 << 31)])),
            3 => json!(self.pick(&[0.5f64, -0.0, 1e300, 1.0, 3.25])),
            4 => json!(u64::MAX),
            5 | 6 => Value::String(if self.chance(1, 2) {
                self.name()
            } else {
                self.text()
            }),
            7 if depth < 4 => {
                let len = self.int(0, 4);
                Value::Array((0..len).map(|_| self.value(depth + 1)).collect())
            }
            8 | 9 if depth < 4 => {
                let len = self.int(0, 4);
                let mut map = Map::new();
                for _ in 0..len {
                    let key = self.name();
                    let value = self.value(depth + 1);
                    map.insert(key, value);
                }
                Value::Object(map)
            }
            _ => Value::String(String::new()),
        }
    }

    /// A `$ref` string: mostly to a component or to a schema already built (which may be an
    /// ancestor of the one being built), sometimes to nothing or to somewhere unsupported.
    fn reference(&mut self) -> String {
        match self.int(0, 11) {
            0..=4 if !self.schema_names.is_empty() => {
                let names = self.schema_names.clone();
                let name = self.pick(&names);
                format!("#/components/schemas/{}", escape(&name))
            }
            5..=7 if !self.pointers.is_empty() => {
                let pointers = self.pointers.clone();
                self.pick(&pointers)
            }
            8 => {
                let tail = self.pick(&[
                    "/properties/a",
                    "/items",
                    "/allOf/0",
                    "/allOf/x",
                    "/additionalProperties",
                    "/properties/a/items",
                    "/properties/",
                    "/",
                    "/items/items",
                    "/oneOf/0",
                ]);
                let names = self.schema_names.clone();
                let name = if names.is_empty() {
                    "A".to_owned()
                } else {
                    self.pick(&names)
                };
                format!("#/components/schemas/{}{tail}", escape(&name))
            }
            9 => format!("#/components/schemas/{}", self.name()),
            10 => self
                .pick(&[
                    "#",
                    "",
                    "#/",
                    "#/components/schemas",
                    "#/components/schemas/",
                    "#/definitions/A",
                    "other.yaml#/components/schemas/A",
                    "#/components/parameters/P",
                    "#/paths/~1a",
                    "#/components/schemas/~2",
                    "#/components/schemas/A~",
                    "https://example.com/schema.json",
                ])
                .to_owned(),
            _ => "#/components/schemas/A".to_owned(),
        }
    }

    /// A schema at `pointer`, at most `depth` levels deep below it.
    fn schema(&mut self, depth: usize, pointer: &str) -> Value {
        self.nodes += 1;
        self.pointers.push(pointer.to_owned());
        let leaf = depth == 0 || self.spent();
        let kind = if leaf {
            self.pick(&[0, 1, 2, 3, 4, 5, 12])
        } else {
            self.int(0, 14)
        };
        let mut s = Map::new();
        match kind {
            0 => return json!({ "$ref": self.reference() }),
            1 => {
                s.insert("type".into(), json!("string"));
                if self.chance(1, 3) {
                    s.insert("format".into(), json!(self.pick(STRING_FORMATS)));
                }
                if self.chance(1, 2) {
                    s.insert("enum".into(), self.string_enum());
                }
            }
            2 => {
                s.insert("type".into(), json!("integer"));
                if self.chance(1, 2) {
                    s.insert("format".into(), json!(self.pick(INT_FORMATS)));
                }
                if self.chance(1, 2) {
                    s.insert("enum".into(), self.integer_enum());
                }
            }
            3 => {
                s.insert("type".into(), json!("number"));
                if self.chance(1, 2) {
                    s.insert("format".into(), json!(self.pick(NUMBER_FORMATS)));
                }
                if self.chance(1, 4) {
                    s.insert("enum".into(), json!([1.5, 2, -0.25]));
                }
            }
            4 => {
                s.insert("type".into(), json!("boolean"));
            }
            5 => {}
            6 | 7 => {
                s.insert("type".into(), json!("object"));
                self.object_members(&mut s, depth, pointer);
            }
            8 => {
                s.insert("type".into(), json!("array"));
                if self.chance(7, 8) {
                    let items = self.schema(depth - 1, &format!("{pointer}/items"));
                    s.insert("items".into(), items);
                }
            }
            9 | 10 => {
                let count = self.int(0, 4);
                let members = (0..count)
                    .map(|i| self.schema(depth - 1, &format!("{pointer}/allOf/{i}")))
                    .collect();
                s.insert("allOf".into(), Value::Array(members));
                if self.chance(1, 4) {
                    self.object_members(&mut s, depth, pointer);
                }
            }
            11 => {
                let construct = self.pick(&["oneOf", "anyOf", "not"]);
                let first = self.schema(depth - 1, &format!("{pointer}/{construct}/0"));
                let value = if construct == "not" {
                    first
                } else {
                    json!([first])
                };
                s.insert(construct.into(), value);
            }
            12 => {
                // No `type`, or one that OpenAPI 3.0 does not have.
                if self.chance(1, 2) {
                    let ty = self.pick(&["null", "file", "Object", "any", "", "integer "]);
                    s.insert("type".into(), json!(ty));
                }
            }
            _ => {
                // Object keywords without `type: object`.
                self.object_members(&mut s, depth, pointer);
                if self.chance(1, 3) {
                    let items = self.schema(depth - 1, &format!("{pointer}/items"));
                    s.insert("items".into(), items);
                }
            }
        }
        self.decorate(&mut s);
        Value::Object(s)
    }

    /// The keywords any schema may have: docs, nullability, examples.
    fn decorate(&mut self, s: &mut Map<String, Value>) {
        if self.chance(1, 3) {
            s.insert("description".into(), json!(self.text()));
        }
        if self.chance(1, 5) {
            s.insert("nullable".into(), json!(true));
        }
        if self.chance(1, 8) {
            s.insert("readOnly".into(), json!(true));
        }
        if self.chance(1, 10) {
            s.insert("writeOnly".into(), json!(true));
        }
        if self.chance(1, 8) {
            s.insert("title".into(), json!(self.text()));
        }
        if self.chance(1, 6) {
            s.insert("example".into(), self.value(0));
        }
        if self.chance(1, 10) {
            s.insert("default".into(), self.value(0));
        }
        if self.chance(1, 12) {
            s.insert("deprecated".into(), json!(true));
        }
    }

    /// `properties`, `required` and `additionalProperties`, for a schema of depth `depth`.
    fn object_members(&mut self, s: &mut Map<String, Value>, depth: usize, pointer: &str) {
        let count = match self.int(0, 15) {
            0 => 0,
            // Wide objects: many fields, many names that collide once converted.
            15 => self.int(50, 600),
            _ => self.int(1, 6),
        };
        let mut props = Map::new();
        let mut names = Vec::new();
        for i in 0..count {
            let mut name = self.name();
            if count > 20 && self.chance(3, 4) {
                name = format!("{name}{i}");
            }
            let at = format!("{pointer}/properties/{}", escape(&name));
            let schema = if depth <= 1 || self.spent() {
                self.schema(0, &at)
            } else {
                self.schema(depth - 1, &at)
            };
            names.push(name.clone());
            props.insert(name, schema);
        }
        if count > 0 || self.chance(1, 2) {
            s.insert("properties".into(), Value::Object(props));
        }
        if self.chance(1, 2) {
            let mut required: Vec<Value> = names
                .iter()
                .filter(|_| self.chance(1, 2))
                .map(|n| json!(n))
                .collect();
            if self.chance(1, 6) {
                required.push(json!(self.name()));
            }
            s.insert("required".into(), Value::Array(required));
        }
        match self.int(0, 7) {
            0 => {
                s.insert("additionalProperties".into(), json!(true));
            }
            1 => {
                s.insert("additionalProperties".into(), json!(false));
            }
            2 if depth > 0 => {
                let at = format!("{pointer}/additionalProperties");
                let values = self.schema(depth - 1, &at);
                s.insert("additionalProperties".into(), values);
            }
            _ => {}
        }
    }

    /// String enum values that collide in ways a naming scheme has to notice.
    fn string_enum(&mut self) -> Value {
        let count = self.int(0, 8);
        let mut values = Vec::new();
        for _ in 0..count {
            let value = match self.int(0, 7) {
                0 => Value::Null,
                1 => json!(""),
                2 => match values.last().and_then(Value::as_str) {
                    // The previous value in another case, or again.
                    Some(last) if self.chance(1, 2) => json!(last.to_uppercase()),
                    Some(last) => json!(last.to_owned()),
                    None => json!("a"),
                },
                3 => json!(self.pick(&["1", "-1", "01", "1.0", "true", "null", "A-B", "a_b"])),
                4 if self.chance(1, 4) => json!(7),
                _ => json!(self.name()),
            };
            values.push(value);
        }
        if count > 0 && self.chance(1, 12) {
            for i in 0..self.int(50, 400) {
                values.push(json!(format!("v{i}")));
            }
        }
        Value::Array(values)
    }

    fn integer_enum(&mut self) -> Value {
        let count = self.int(0, 6);
        let values = (0..count)
            .map(|_| match self.int(0, 9) {
                0 => Value::Null,
                1 => json!(i64::MIN),
                2 => json!(i64::MAX),
                3 => json!(-1),
                4 => json!(0),
                5 if self.chance(1, 4) => json!("1"),
                6 if self.chance(1, 4) => json!(1.5),
                7 if self.chance(1, 4) => json!(u64::MAX),
                _ => json!(self.int(0, 400) as i64 - 200),
            })
            .collect();
        Value::Array(values)
    }

    /// A whole document built from scratch.
    fn document(&mut self) -> Value {
        let schema_count = self.int(0, 8);
        let mut seen = BTreeSet::new();
        for _ in 0..schema_count {
            let name = self.name();
            if seen.insert(name.clone()) {
                self.schema_names.push(name);
            }
        }
        let tag_count = self.int(0, 3);
        self.tags = (0..tag_count).map(|_| self.name()).collect();
        // Usually shallow, sometimes as deep as the YAML parser takes, and deeper.
        let max_depth = match self.int(0, 15) {
            15 => self.int(20, 80),
            _ => self.int(1, 5),
        };

        let mut doc = Map::new();
        let version = if self.chance(15, 16) {
            json!("3.0.3")
        } else {
            json!(self.pick(&["3.0.0", "3.0", "3.0.99-rc", "3.1.0", "2.0", "3"]))
        };
        doc.insert("openapi".into(), version);
        let mut info = Map::new();
        info.insert("title".into(), json!(self.text()));
        let version = if self.chance(1, 2) {
            self.pick(VERSIONS).to_owned()
        } else {
            self.text()
        };
        info.insert("version".into(), json!(version));
        if self.chance(1, 2) {
            info.insert("description".into(), json!(self.text()));
        }
        doc.insert("info".into(), Value::Object(info));
        if self.chance(1, 2) {
            let count = self.int(0, 4);
            let servers = (0..count).map(|_| self.server()).collect();
            doc.insert("servers".into(), Value::Array(servers));
        }

        let mut schemas = Map::new();
        for name in self.schema_names.clone() {
            let at = format!("#/components/schemas/{}", escape(&name));
            let depth = self.int(1, max_depth);
            let schema = self.schema(depth, &at);
            schemas.insert(name, schema);
        }
        let mut components = Map::new();
        components.insert("schemas".into(), Value::Object(schemas));
        for (key, names) in [
            ("parameters", ["P", "p q"]),
            ("requestBodies", ["B", "b~1"]),
            ("responses", ["R", "200"]),
            ("examples", ["E", ""]),
        ] {
            if self.chance(1, 3) {
                let mut map = Map::new();
                for name in names {
                    if self.chance(2, 3) {
                        let value = match key {
                            "parameters" => self.parameter(None, 2),
                            "requestBodies" => self.request_body(2),
                            "responses" => self.response(2),
                            _ => json!({ "summary": self.text(), "value": self.value(0) }),
                        };
                        map.insert(name.into(), value);
                    }
                }
                components.insert(key.into(), Value::Object(map));
            }
        }
        if self.chance(1, 12) {
            components.insert("schemas".into(), Value::Null);
        }
        let components = if self.chance(1, 16) {
            json!({})
        } else {
            Value::Object(components)
        };
        doc.insert("components".into(), components);

        let path_count = self.int(0, 5);
        let mut paths = Map::new();
        for _ in 0..path_count {
            let path = self.path();
            let item = self.path_item(&path, max_depth.min(6));
            paths.insert(path, item);
        }
        doc.insert("paths".into(), Value::Object(paths));
        Value::Object(doc)
    }

    fn server(&mut self) -> Value {
        let mut server = Map::new();
        server.insert("url".into(), json!(self.pick(SERVER_URLS)));
        if self.chance(1, 2) {
            server.insert("description".into(), json!(self.text()));
        }
        if self.chance(1, 8) {
            server.insert("variables".into(), json!({ "region": { "default": "us" } }));
        }
        Value::Object(server)
    }

    fn path(&mut self) -> String {
        let count = self.int(0, 4);
        let mut path = String::new();
        if self.chance(7, 8) {
            path.push('/');
        }
        for i in 0..count {
            if i > 0 {
                path.push('/');
            }
            if self.chance(1, 6) {
                path.push_str(&self.name());
            } else {
                path.push_str(self.pick(SEGMENTS));
            }
        }
        path
    }

    /// The parameter names a path template asks for, as the generator would read them.
    fn template_names(path: &str) -> Vec<String> {
        let mut names = Vec::new();
        let mut rest = path;
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}') else {
                break;
            };
            names.push(rest[open + 1..open + close].to_owned());
            rest = &rest[open + close + 1..];
        }
        names
    }

    fn path_item(&mut self, path: &str, depth: usize) -> Value {
        if self.chance(1, 20) {
            return json!({ "$ref": "#/paths/~1other" });
        }
        let mut item = Map::new();
        let templated = Self::template_names(path);
        let mut shared = Vec::new();
        for name in &templated {
            if self.chance(1, 3) {
                shared.push(self.parameter(Some(name), depth));
            }
        }
        if !shared.is_empty() || self.chance(1, 6) {
            item.insert("parameters".into(), Value::Array(shared));
        }
        let count = self.int(1, 3);
        for _ in 0..count {
            let method = self.pick(METHODS);
            let op = self.operation(&templated, depth);
            item.insert(method.into(), op);
        }
        if self.chance(1, 6) {
            item.insert("summary".into(), json!(self.text()));
        }
        Value::Object(item)
    }

    fn operation(&mut self, templated: &[String], depth: usize) -> Value {
        let mut op = Map::new();
        if self.chance(5, 6) {
            let id = if !self.operation_ids.is_empty() && self.chance(1, 6) {
                let ids = self.operation_ids.clone();
                self.pick(&ids)
            } else {
                self.name()
            };
            self.operation_ids.push(id.clone());
            op.insert("operationId".into(), json!(id));
        }
        if self.chance(1, 2) {
            op.insert("summary".into(), json!(self.text()));
        }
        if self.chance(1, 2) {
            op.insert("description".into(), json!(self.text()));
        }
        if !self.tags.is_empty() && self.chance(1, 2) {
            let tags = self.tags.clone();
            op.insert("tags".into(), json!([self.pick(&tags)]));
        }
        if self.chance(1, 8) {
            op.insert("deprecated".into(), json!(true));
        }
        if self.chance(1, 8) {
            op.insert("x-mint".into(), json!({ "content": self.text() }));
        }
        let mut params = Vec::new();
        for name in templated {
            if self.chance(3, 4) {
                params.push(self.parameter(Some(name), depth));
            }
        }
        for _ in 0..self.int(0, 3) {
            params.push(self.parameter(None, depth));
        }
        if !params.is_empty() {
            op.insert("parameters".into(), Value::Array(params));
        }
        if self.chance(1, 2) {
            op.insert("requestBody".into(), self.request_body(depth));
        }
        let mut responses = Map::new();
        for _ in 0..self.int(0, 4) {
            let status = self.pick(STATUSES);
            let response = self.response(depth);
            responses.insert(status.into(), response);
        }
        op.insert("responses".into(), Value::Object(responses));
        Value::Object(op)
    }

    /// A parameter; `templated` is the name the path asks for, when it is a path parameter.
    fn parameter(&mut self, templated: Option<&str>, depth: usize) -> Value {
        if templated.is_none() && self.chance(1, 8) {
            let target = self.pick(&["P", "p q", "missing"]);
            return json!({ "$ref": format!("#/components/parameters/{target}") });
        }
        let mut p = Map::new();
        let (place, name) = match templated {
            Some(name) if self.chance(7, 8) => ("path", name.to_owned()),
            _ => {
                let place = self.pick(&["query", "query", "path", "header", "cookie", "body"]);
                (place, self.name())
            }
        };
        p.insert("in".into(), json!(place));
        p.insert("name".into(), json!(name));
        if place == "path" || self.chance(1, 2) {
            p.insert(
                "required".into(),
                json!(place == "path" || self.chance(1, 2)),
            );
        }
        if self.chance(1, 3) {
            p.insert("description".into(), json!(self.text()));
        }
        if self.chance(1, 12) {
            p.insert(
                "content".into(),
                json!({ "application/json": { "schema": { "type": "string" } } }),
            );
        } else {
            let at = format!("#/parameters/{}", escape(&name));
            let schema = self.schema(depth.min(2), &at);
            p.insert("schema".into(), schema);
        }
        Value::Object(p)
    }

    fn request_body(&mut self, depth: usize) -> Value {
        if self.chance(1, 8) {
            let target = self.pick(&["B", "b~1", "missing"]);
            return json!({ "$ref": format!("#/components/requestBodies/{target}") });
        }
        let mut body = Map::new();
        body.insert("content".into(), self.content(depth));
        if self.chance(1, 2) {
            body.insert("required".into(), json!(self.chance(1, 2)));
        }
        if self.chance(1, 3) {
            body.insert("description".into(), json!(self.text()));
        }
        Value::Object(body)
    }

    fn response(&mut self, depth: usize) -> Value {
        if self.chance(1, 8) {
            let target = self.pick(&["R", "200", "missing"]);
            return json!({ "$ref": format!("#/components/responses/{target}") });
        }
        let mut response = Map::new();
        response.insert("description".into(), json!(self.text()));
        if self.chance(3, 4) {
            response.insert("content".into(), self.content(depth));
        }
        Value::Object(response)
    }

    /// A `content` map: media types with schemas and examples.
    fn content(&mut self, depth: usize) -> Value {
        let mut content = Map::new();
        let count = self.int(0, 3);
        for _ in 0..count {
            let content_type = self.pick(CONTENT_TYPES);
            let mut media = Map::new();
            if self.chance(7, 8) {
                let at = format!("#/content/{}", escape(content_type));
                // The same schema under two media types is worth a try: it is one type.
                let schema = self.schema(depth, &at);
                media.insert("schema".into(), schema);
            }
            if self.chance(1, 3) {
                media.insert("example".into(), self.value(0));
            }
            if self.chance(1, 6) {
                let example = if self.chance(1, 3) {
                    json!({ "$ref": "#/components/examples/E" })
                } else {
                    json!({ "value": self.value(0) })
                };
                let mut examples = Map::new();
                examples.insert(self.name(), example);
                media.insert("examples".into(), Value::Object(examples));
            }
            content.insert(content_type.into(), Value::Object(media));
        }
        Value::Object(content)
    }

    /// One of the repository's specs, changed in a few places.
    fn mutated_base(&mut self) -> Value {
        let base = self.pick(BASES);
        let Ok(mut doc) = serde_yaml::from_str::<Value>(base) else {
            return Value::Null;
        };
        if let Some(schemas) = doc
            .pointer("/components/schemas")
            .and_then(Value::as_object)
        {
            self.schema_names = schemas.keys().cloned().collect();
        }
        self.pointers = self
            .schema_names
            .iter()
            .map(|n| format!("#/components/schemas/{}", escape(n)))
            .collect();
        for _ in 0..self.int(1, 8) {
            let steps = self.descend(&doc);
            let (at, value) = self.mutation(steps);
            *place(&mut doc, &at) = value;
        }
        doc
    }

    /// A node of `doc` reached by random steps down from the root, as the steps taken.
    fn descend(&mut self, doc: &Value) -> Vec<PathStep> {
        let mut steps = Vec::new();
        let mut node = doc;
        loop {
            if self.chance(1, 5) {
                break;
            }
            let next = match node {
                Value::Object(map) if !map.is_empty() => {
                    let i = self.int(0, map.len() - 1);
                    let key = map.keys().nth(i).cloned().unwrap_or_default();
                    steps.push(PathStep::Key(key.clone()));
                    &map[&key]
                }
                Value::Array(items) if !items.is_empty() => {
                    let i = self.int(0, items.len() - 1);
                    steps.push(PathStep::Index(i));
                    &items[i]
                }
                _ => break,
            };
            node = next;
        }
        steps
    }

    /// What to put at `steps`, and where, for one mutation.
    fn mutation(&mut self, steps: Vec<PathStep>) -> (Vec<PathStep>, Value) {
        let pointer = format!(
            "#{}",
            steps
                .iter()
                .map(|s| match s {
                    PathStep::Key(k) => format!("/{}", escape(k)),
                    PathStep::Index(i) => format!("/{i}"),
                })
                .collect::<String>()
        );
        match self.int(0, 7) {
            0 | 1 => {
                let depth = self.int(0, 4);
                (steps, self.schema(depth, &pointer))
            }
            2 => (steps, json!(self.text())),
            3 => (steps, json!(self.name())),
            4 => (steps, json!({ "$ref": self.reference() })),
            5 => {
                // A new key beside the node: a sibling property, parameter or status.
                let mut steps = steps;
                steps.pop();
                steps.push(PathStep::Key(self.name()));
                let depth = self.int(0, 3);
                (steps, self.schema(depth, &pointer))
            }
            6 => (steps, self.value(0)),
            _ => {
                let mut steps = steps;
                let key = self.pick(&[
                    "description",
                    "$ref",
                    "allOf",
                    "enum",
                    "nullable",
                    "required",
                    "example",
                ]);
                steps.push(PathStep::Key(key.to_owned()));
                let value = match steps.last() {
                    Some(PathStep::Key(k)) if k == "description" => json!(self.text()),
                    Some(PathStep::Key(k)) if k == "$ref" => json!(self.reference()),
                    Some(PathStep::Key(k)) if k == "enum" => self.string_enum(),
                    Some(PathStep::Key(k)) if k == "allOf" => {
                        json!([{ "$ref": self.reference() }, self.schema(1, &pointer)])
                    }
                    _ => self.value(0),
                };
                (steps, value)
            }
        }
    }

    /// The settings: usually the defaults, sometimes a selection of operations or tags.
    fn settings(&mut self) -> Settings {
        let mut settings = crate::default_settings();
        if self.chance(1, 4) {
            let mut operations = BTreeSet::new();
            let mut tags = BTreeSet::new();
            for _ in 0..self.int(0, 2) {
                let ids = self.operation_ids.clone();
                let id = if ids.is_empty() || self.chance(1, 4) {
                    self.name()
                } else {
                    self.pick(&ids)
                };
                operations.insert(id);
            }
            for _ in 0..self.int(0, 1) {
                let known = self.tags.clone();
                let tag = if known.is_empty() {
                    self.name()
                } else {
                    self.pick(&known)
                };
                tags.insert(tag);
            }
            settings.selection = Selection::Only { operations, tags };
        }
        settings.standalone = self.chance(1, 4);
        settings.example_tests = self.chance(3, 4);
        if self.chance(1, 8) {
            settings.crate_version = Some(self.text());
        }
        if self.chance(1, 8) {
            settings.crate_name = self.name();
        }
        settings
    }
}

/// `text` without the pieces that `FUZZ_AVOID` lists (separated by spaces).
///
/// While a known bug waits for its fix, nearly every run that reaches it crashes there, and the
/// fuzzer finds nothing else; avoiding the piece of input that triggers it lets a long run go on
/// looking. CI sets nothing here.
fn avoid(mut text: String) -> String {
    static AVOID: OnceLock<Vec<String>> = OnceLock::new();
    let avoid = AVOID.get_or_init(|| {
        let list = std::env::var("FUZZ_AVOID").unwrap_or_default();
        list.split(' ')
            .filter(|p| !p.is_empty())
            .map(str::to_owned)
            .collect()
    });
    for piece in avoid {
        text = text.replace(piece.as_str(), "");
    }
    text
}

/// One step from a JSON node to a child.
#[derive(Clone)]
enum PathStep {
    Key(String),
    Index(usize),
}

/// The node at `steps` below `doc`, made if it is missing; where a step does not fit the
/// node, the node itself.
fn place<'v>(doc: &'v mut Value, steps: &[PathStep]) -> &'v mut Value {
    let Some((step, rest)) = steps.split_first() else {
        return doc;
    };
    let fits = match (step, &*doc) {
        (PathStep::Key(_), Value::Object(_)) => true,
        (PathStep::Index(i), Value::Array(items)) => *i < items.len(),
        _ => false,
    };
    if !fits {
        return doc;
    }
    match (step, doc) {
        (PathStep::Key(key), Value::Object(map)) => {
            place(map.entry(key.clone()).or_insert(Value::Null), rest)
        }
        (PathStep::Index(i), Value::Array(items)) => place(&mut items[*i], rest),
        (_, other) => other,
    }
}

/// Escapes a JSON pointer token as RFC 6901 says.
fn escape(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}
