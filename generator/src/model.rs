//! The model of the crate to generate: every type, operation and server, with its final Rust
//! name. Lowering builds it from the spec; emitting reads only this, never the spec.

/// Documentation as the spec gives it: its descriptions, and lines of the generator's own.
///
/// Descriptions are most of a spec's text, and turning them into rustdoc lines (see `docs`) is
/// work that lowering, on one thread, would do before anything else could start; it is done
/// where a doc is emitted instead, on whichever thread emits it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Doc(Vec<Paragraph>);

#[derive(Clone, Debug, PartialEq, Eq)]
enum Paragraph {
    /// A description from the spec: CommonMark, often with HTML in it.
    Description(String),
    /// A line of the generator's own, printed as it is.
    Line(String),
}

impl Doc {
    /// The doc that `description` is; empty when there is none.
    pub fn description(description: Option<&str>) -> Self {
        Self(
            description
                .map(|text| Paragraph::Description(text.to_owned()))
                .into_iter()
                .collect(),
        )
    }

    /// A doc of one line of the generator's own.
    pub fn line(line: impl Into<String>) -> Self {
        Self(vec![Paragraph::Line(line.into())])
    }

    /// `self`, then the paragraphs of `next`.
    pub fn then(mut self, next: Doc) -> Self {
        self.0.extend(next.0);
        self
    }

    /// The rustdoc lines, safe to print: each paragraph's lines, and a blank line between two
    /// paragraphs that have any.
    pub fn lines(&self) -> Vec<String> {
        let mut lines: Vec<String> = Vec::new();
        for paragraph in &self.0 {
            let more = match paragraph {
                Paragraph::Description(text) => crate::docs::doc_lines(text),
                Paragraph::Line(line) => vec![line.clone()],
            };
            if !more.is_empty() && !lines.is_empty() {
                lines.push(String::new());
            }
            lines.extend(more);
        }
        lines
    }
}

/// The whole crate to generate.
#[derive(Clone, Debug, Default)]
pub struct Api {
    pub title: String,
    pub version: String,
    pub doc: Doc,
    pub servers: Vec<Server>,
    /// Types in the order they are emitted: by name.
    pub types: Vec<TypeDef>,
    /// Operations in the order of the spec.
    pub operations: Vec<Operation>,
    /// Examples that match their type, for the round-trip tests.
    pub examples: Vec<Example>,
    /// The string path parameters that a client can be given a default for.
    pub path_defaults: Vec<PathDefault>,
}

/// A builder method that sets the default of a path parameter.
#[derive(Clone, Debug)]
pub struct PathDefault {
    /// The parameter's name in the spec.
    pub wire: String,
    /// The name of the `ClientBuilder` method.
    pub setter: String,
}

/// One of the spec's servers.
#[derive(Clone, Debug)]
pub struct Server {
    pub name: String,
    pub url: String,
    pub doc: Doc,
}

/// A named type of the crate.
#[derive(Clone, Debug)]
pub struct TypeDef {
    pub name: String,
    pub doc: Doc,
    pub kind: TypeKind,
}

#[derive(Clone, Debug)]
pub enum TypeKind {
    Struct(Struct),
    Enum(Enum),
    /// `pub type Name = Ty;`
    Alias(Ty),
    /// The outcomes of an operation whose statuses carry different bodies; no serde.
    Outcomes(Vec<OutcomeVariant>),
}

#[derive(Clone, Debug)]
pub struct Struct {
    pub fields: Vec<Field>,
    /// The field name and value type of properties beyond the named ones, when the schema
    /// allows them.
    pub additional: Option<(String, Ty)>,
    /// Whether `Eq` can be derived: no floating point anywhere inside.
    pub eq: bool,
    /// Whether `Default` can be derived: no field is required.
    pub default: bool,
}

#[derive(Clone, Debug)]
pub struct Field {
    pub name: String,
    /// The property's name on the wire.
    pub wire: String,
    pub ty: Ty,
    pub presence: Presence,
    /// Whether the field is boxed, because the type contains itself through it.
    pub boxed: bool,
    pub doc: Doc,
}

/// How a field's absence is represented.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Presence {
    /// Always there: `T`.
    Required,
    /// May be absent: `Option<T>`, left out when `None`.
    Optional,
    /// Always there but may be `null`: `Option<T>`, written as `null` when `None`.
    Nullable,
}

#[derive(Clone, Debug)]
pub struct Enum {
    pub variants: Vec<Variant>,
    /// The variant that keeps a value this crate does not know.
    pub other: String,
    pub repr: EnumRepr,
}

/// What the values of an enum are on the wire.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EnumRepr {
    String,
    Integer,
}

#[derive(Clone, Debug)]
pub struct Variant {
    pub name: String,
    /// The value on the wire, as text (an integer's digits for integer enums).
    pub wire: String,
}

/// One status of an operation whose statuses carry different bodies.
#[derive(Clone, Debug)]
pub struct OutcomeVariant {
    pub name: String,
    pub status: Status,
    pub body: Body,
}

/// A type as it is used in a field, parameter or body.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Ty {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    /// Any JSON value.
    Json,
    /// A JSON object with any members.
    JsonObject,
    Named(String),
    Vec(Box<Ty>),
    Map(Box<Ty>),
    Option(Box<Ty>),
    Unit,
}

impl Ty {
    /// How many types deep this one nests (`Vec<Vec<String>>` is 3).
    pub fn depth(&self) -> usize {
        match self {
            Self::Vec(inner) | Self::Map(inner) | Self::Option(inner) => 1 + inner.depth(),
            _ => 1,
        }
    }

    /// The named types that appear anywhere in this one.
    pub fn named(&self) -> Vec<&str> {
        match self {
            Self::Named(name) => vec![name.as_str()],
            Self::Vec(inner) | Self::Map(inner) | Self::Option(inner) => inner.named(),
            _ => Vec::new(),
        }
    }

    /// Whether a named type of the crate appears anywhere in this one.
    pub fn mentions_named(&self) -> bool {
        match self {
            Self::Named(_) => true,
            Self::Vec(inner) | Self::Map(inner) | Self::Option(inner) => inner.mentions_named(),
            _ => false,
        }
    }
}

/// An operation: one method of the client.
#[derive(Clone, Debug)]
pub struct Operation {
    /// The method's name.
    pub name: String,
    /// The name of the variant that sends the body form-encoded, when there is one.
    pub form_name: Option<String>,
    pub doc: Doc,
    pub deprecated: bool,
    /// The HTTP method, upper case.
    pub method: String,
    /// The path as the spec writes it, `{name}` for parameters.
    pub path: String,
    pub segments: Vec<Segment>,
    pub params: Vec<Param>,
    pub body: Option<RequestBody>,
    /// What a success returns.
    pub ok: Ty,
    pub successes: Vec<Response>,
    /// What `Error::Api` carries.
    pub error: Ty,
    pub errors: Vec<Response>,
    /// The `Accept` header: every content type the documented responses come in.
    pub accept: Option<String>,
}

/// A piece of an operation's path.
#[derive(Clone, Debug)]
pub enum Segment {
    Literal(String),
    /// The index of the parameter in `Operation::params`.
    Param(usize),
}

#[derive(Clone, Debug)]
pub struct Param {
    pub name: String,
    pub wire: String,
    pub location: ParamLocation,
    pub ty: Ty,
    pub required: bool,
    pub doc: Doc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParamLocation {
    Path,
    Query,
}

#[derive(Clone, Debug)]
pub struct RequestBody {
    pub ty: Ty,
    pub required: bool,
    pub encoding: BodyEncoding,
    pub doc: Doc,
}

/// How the main method sends the body.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BodyEncoding {
    Json,
    Form,
    Text,
}

/// A documented response status and what the operation makes of it.
#[derive(Clone, Debug)]
pub struct Response {
    pub status: Status,
    pub body: Body,
    /// The variant of the outcome enum that carries it, when the statuses differ in body.
    pub variant: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Code(u16),
    /// `2XX`: every status from `n * 100` to `n * 100 + 99`.
    Range(u16),
}

/// What a response's body becomes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Json(Ty),
    Text,
    Empty,
}

impl Body {
    /// The Rust type the body becomes.
    pub fn ty(&self) -> Ty {
        match self {
            Self::Json(ty) => ty.clone(),
            Self::Text => Ty::String,
            Self::Empty => Ty::Unit,
        }
    }
}

/// An example of the spec, with the type it must round-trip through.
#[derive(Clone, Debug)]
pub struct Example {
    /// A test name, unique in the crate.
    pub name: String,
    /// Where the example is in the spec.
    pub pointer: String,
    pub ty: Ty,
    pub value: serde_json::Value,
}
