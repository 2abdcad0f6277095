//! Lowering operations: which ones the selection takes, their names, parameters, bodies and
//! the statuses they document.

use std::collections::BTreeSet;

use openapiv3::{
    MediaType, Operation as SpecOperation, Parameter, ParameterSchemaOrContent, PathItem,
    ReferenceOr, RequestBody as SpecBody, Response as SpecResponse, StatusCode,
};

use super::Lowerer;
use super::examples::PendingExample;
use crate::Selection;
use crate::diag::pointer as child;
use crate::model::{
    Body, BodyEncoding, Doc, Operation, OutcomeVariant, Param, ParamLocation, RequestBody,
    Response, Segment, Status, Ty, TypeDef, TypeKind,
};
use crate::naming::{self, Scope};

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// An operation of the spec, found where it is.
struct Found<'a> {
    path: &'a str,
    method: &'static str,
    item: &'a PathItem,
    op: &'a SpecOperation,
    pointer: String,
    /// The name its method gets before collisions are resolved.
    name: String,
}

impl<'a> Lowerer<'a> {
    /// Lowers every operation that `selection` takes, in the order of the spec, telling
    /// `finished` of each.
    pub(super) fn operations(
        &mut self,
        selection: &Selection,
        finished: &mut dyn FnMut(&Operation),
    ) {
        let found = self.find_operations();
        let mut matched_ids = BTreeSet::new();
        let mut matched_tags = BTreeSet::new();
        for f in &found {
            let taken = match selection {
                Selection::All => true,
                Selection::Only { operations, tags } => {
                    let id = f.op.operation_id.as_deref().unwrap_or(&f.name);
                    let by_id = operations.contains(id);
                    if by_id {
                        matched_ids.insert(id.to_owned());
                    }
                    let by_tag: Vec<&String> =
                        f.op.tags.iter().filter(|t| tags.contains(*t)).collect();
                    matched_tags.extend(by_tag.iter().map(|t| (*t).clone()));
                    by_id || !by_tag.is_empty()
                }
            };
            if taken {
                self.operation(f);
                if let Some(operation) = self.api.operations.last() {
                    finished(operation);
                }
            }
        }
        if let Selection::Only { operations, tags } = selection {
            let ids = found
                .iter()
                .map(|f| f.op.operation_id.clone().unwrap_or(f.name.clone()));
            let ids: Vec<String> = ids.collect();
            for missing in operations.iter().filter(|id| !matched_ids.contains(*id)) {
                let hint = crate::suggest(missing, ids.iter())
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                self.diags.error(
                    "#/paths",
                    format!("no operation has the operationId `{missing}`{hint}"),
                );
            }
            for missing in tags.iter().filter(|t| !matched_tags.contains(*t)) {
                self.diags
                    .error("#/paths", format!("no operation has the tag `{missing}`"));
            }
        }
    }

    fn find_operations(&mut self) -> Vec<Found<'a>> {
        let spec = self.spec;
        let mut found = Vec::new();
        for (path, item) in &spec.paths.paths {
            let path_pointer = child("#/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { .. } => {
                    self.diags
                        .error(path_pointer, "`$ref` path items are not supported");
                    continue;
                }
            };
            let ops = [
                &item.get,
                &item.put,
                &item.post,
                &item.delete,
                &item.options,
                &item.head,
                &item.patch,
                &item.trace,
            ];
            for (method, op) in METHODS.into_iter().zip(ops) {
                let Some(op) = op else { continue };
                let pointer = child(&path_pointer, method);
                let name = match &op.operation_id {
                    Some(id) => naming::value_name(id),
                    None => {
                        let name = naming::value_name(&format!("{method} {path}"));
                        self.diags.warning(
                            &pointer,
                            format!(
                                "`{} {path}` has no operationId; its method is named `{name}` \
                                 after its method and path",
                                method.to_uppercase()
                            ),
                        );
                        name
                    }
                };
                found.push(Found {
                    path,
                    method,
                    item,
                    op,
                    pointer,
                    name,
                });
            }
        }
        found
    }

    fn claim_method(&mut self, wanted: String, pointer: &str) -> String {
        let (name, changed) = self.method_scope.claim(wanted.clone());
        if changed {
            self.diags.warning(
                pointer,
                format!(
                    "method name `{wanted}` is taken by another operation; this one is `{name}`"
                ),
            );
        }
        name
    }

    fn operation(&mut self, f: &Found<'a>) {
        let name = self.claim_method(f.name.clone(), &f.pointer);
        let type_base = naming::type_name(&name);
        let mut scope = Scope::with_reserved(&["self", "body", "request", "response", "path"]);

        let mut params = Vec::new();
        let path_pointer = f.pointer.rsplit_once('/').map_or("", |(p, _)| p).to_owned();
        let all_params = merge_params(
            [
                (&f.item.parameters, path_pointer),
                (&f.op.parameters, f.pointer.clone()),
            ],
            self,
        );
        for (param, pointer) in all_params {
            if let Some(param) = self.param(param, &pointer, &type_base, &mut scope) {
                params.push(param);
            }
        }
        let segments = self.segments(f.path, &params, &f.pointer);

        let (body, form_name) = match &f.op.request_body {
            Some(body) => self.request_body(body, &name, &type_base, &f.pointer),
            None => (None, None),
        };
        let form_name = form_name.map(|wanted| self.claim_method(wanted, &f.pointer));

        let accept = self.accept(f.op);
        let (successes, errors) = self.responses(f, &name, &type_base);
        let (ok, successes) = self.outcome_type(
            successes,
            &format!("{type_base} success"),
            &format!("What [`Client::{name}`](crate::Client::{name}) returns, by status."),
            &f.pointer,
        );
        let (error, errors) = self.outcome_type(
            errors,
            &format!("{type_base} error"),
            &format!("The error bodies of [`Client::{name}`](crate::Client::{name}), by status."),
            &f.pointer,
        );

        let content =
            f.op.extensions
                .get("x-mint")
                .and_then(|m| m.get("content"))
                .and_then(|c| c.as_str());
        let doc = Doc::description(f.op.summary.as_deref())
            .then(Doc::description(f.op.description.as_deref()))
            .then(Doc::description(content));

        self.api.operations.push(Operation {
            name,
            form_name,
            doc,
            deprecated: f.op.deprecated,
            method: f.method.to_uppercase(),
            path: f.path.to_owned(),
            segments,
            params,
            body,
            ok,
            successes,
            error,
            errors,
            accept,
        });
    }

    /// Every content type that the operation's documented responses come in, in spec order;
    /// asking for JSON alone would make a server refuse an operation that answers in text.
    fn accept(&self, op: &'a SpecOperation) -> Option<String> {
        let spec = self.spec;
        let mut types: Vec<&str> = Vec::new();
        for response in op.responses.responses.values() {
            let response = match response {
                ReferenceOr::Item(r) => Some(r),
                ReferenceOr::Reference { reference } => reference
                    .strip_prefix("#/components/responses/")
                    .and_then(|n| spec.components.as_ref()?.responses.get(n)?.as_item()),
            };
            for content_type in response.into_iter().flat_map(|r| r.content.keys()) {
                if !types.contains(&content_type.as_str()) {
                    types.push(content_type);
                }
            }
        }
        (!types.is_empty()).then(|| types.join(", "))
    }

    fn param(
        &mut self,
        param: &'a Parameter,
        pointer: &str,
        type_base: &str,
        scope: &mut Scope,
    ) -> Option<Param> {
        let (data, location) = match param {
            Parameter::Path { parameter_data, .. } => (parameter_data, ParamLocation::Path),
            Parameter::Query { parameter_data, .. } => (parameter_data, ParamLocation::Query),
            Parameter::Header { parameter_data, .. } | Parameter::Cookie { parameter_data, .. } => {
                let place = if matches!(param, Parameter::Header { .. }) {
                    "header"
                } else {
                    "cookie"
                };
                self.diags.error(
                    pointer,
                    format!(
                        "{place} parameter `{}` is not supported yet; only path and query \
                         parameters are",
                        parameter_data.name
                    ),
                );
                return None;
            }
        };
        let ty = match &data.format {
            ParameterSchemaOrContent::Schema(schema) => {
                let hint = format!("{type_base} {}", data.name);
                self.schema(schema, &hint, &child(pointer, "schema"))
            }
            ParameterSchemaOrContent::Content(_) => {
                self.diags.error(
                    pointer,
                    "parameters described by `content` are not supported; give a `schema`",
                );
                return None;
            }
        };
        let ty = match ty {
            Ty::Option(inner) => *inner,
            ty => ty,
        };
        if !self.is_scalar(&ty) {
            self.diags.error(
                child(pointer, "schema"),
                format!(
                    "parameter `{}` is not a string, integer, number, boolean or enum; other \
                     shapes are not supported in parameters yet",
                    data.name
                ),
            );
            return None;
        }
        let wanted = naming::value_name(&data.name);
        let (name, changed) = scope.claim(wanted.clone());
        if changed {
            self.diags.warning(
                pointer,
                format!(
                    "parameter `{}` would be `{wanted}`, which is taken; it is `{name}`",
                    data.name
                ),
            );
        }
        let required = location == ParamLocation::Path || data.required;
        if location == ParamLocation::Path && !data.required {
            self.diags.warning(
                pointer,
                "path parameters are always required; taken as `required: true`",
            );
        }
        Some(Param {
            name,
            wire: data.name.clone(),
            location,
            ty,
            required,
            doc: Doc::description(data.description.as_deref()),
        })
    }

    /// Whether `ty` can go in a path or query string as text.
    fn is_scalar(&self, ty: &Ty) -> bool {
        match self.unalias(ty) {
            Ty::String | Ty::Bool | Ty::I32 | Ty::I64 | Ty::F32 | Ty::F64 => true,
            Ty::Named(name) => matches!(
                self.types.get(name).map(|t| &t.kind),
                Some(TypeKind::Enum(_))
            ),
            _ => false,
        }
    }

    /// Splits the path template into text and parameters.
    fn segments(&mut self, path: &str, params: &[Param], pointer: &str) -> Vec<Segment> {
        let mut segments = Vec::new();
        let mut rest = path;
        let mut used = BTreeSet::new();
        while let Some(open) = rest.find('{') {
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                self.diags
                    .error(pointer, format!("path `{path}` has an unclosed `{{`"));
                break;
            };
            if open > 0 {
                segments.push(Segment::Literal(rest[..open].to_owned()));
            }
            let wire = &rest[open + 1..close];
            match params
                .iter()
                .position(|p| p.location == ParamLocation::Path && p.wire == wire)
            {
                Some(index) => {
                    used.insert(index);
                    segments.push(Segment::Param(index));
                }
                None => self.diags.error(
                    pointer,
                    format!("path `{path}` uses `{{{wire}}}`, which no path parameter declares"),
                ),
            }
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Literal(rest.to_owned()));
        }
        for (i, p) in params.iter().enumerate() {
            if p.location == ParamLocation::Path && !used.contains(&i) {
                self.diags.error(
                    pointer,
                    format!(
                        "path parameter `{}` does not appear in path `{path}`",
                        p.wire
                    ),
                );
            }
        }
        segments
    }

    /// The body the main method sends, and the name of a form-encoding variant if the spec
    /// offers both JSON and form encoding of a flat body.
    fn request_body(
        &mut self,
        body: &'a ReferenceOr<SpecBody>,
        name: &str,
        type_base: &str,
        op_pointer: &str,
    ) -> (Option<RequestBody>, Option<String>) {
        let (body, pointer) = match body {
            ReferenceOr::Item(body) => (body, child(op_pointer, "requestBody")),
            ReferenceOr::Reference { reference } => {
                let spec = self.spec;
                let found = reference
                    .strip_prefix("#/components/requestBodies/")
                    .and_then(|n| spec.components.as_ref()?.request_bodies.get(n)?.as_item());
                match found {
                    Some(body) => (body, reference.clone()),
                    None => {
                        self.diags.error(
                            child(op_pointer, "requestBody"),
                            format!("`$ref: {reference}` does not point to a request body"),
                        );
                        return (None, None);
                    }
                }
            }
        };
        let content = child(&pointer, "content");
        let mut json = None;
        let mut form = None;
        let mut text = None;
        for (content_type, media) in &body.content {
            let at = child(&content, content_type);
            let essence = content_type
                .split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase();
            if is_json(&essence) {
                json.get_or_insert((media, at));
            } else if essence == "application/x-www-form-urlencoded" {
                form.get_or_insert((media, at));
            } else if essence == "text/plain" {
                text.get_or_insert((media, at));
            } else {
                self.diags.warning(
                    at,
                    format!(
                        "request content type `{content_type}` is not supported; the client \
                         sends only JSON, form and plain text bodies"
                    ),
                );
            }
        }
        let hint = format!("{type_base} request");
        let lower = |this: &mut Self, media: &'a MediaType, at: &str| -> Ty {
            let ty = match &media.schema {
                Some(schema) => this.schema(schema, &hint, &child(at, "schema")),
                None => Ty::Json,
            };
            this.pending_examples(media, at, &format!("{name} request"), &ty);
            ty
        };
        let (ty, encoding, media_pointer) = if let Some((media, at)) = &json {
            (lower(self, media, at), BodyEncoding::Json, at.clone())
        } else if let Some((media, at)) = &form {
            (lower(self, media, at), BodyEncoding::Form, at.clone())
        } else if let Some((_, at)) = &text {
            (Ty::String, BodyEncoding::Text, at.clone())
        } else {
            self.diags.error(
                content,
                "the request body has no content type the client can send (JSON, form or \
                 plain text)",
            );
            return (None, None);
        };

        let mut form_name = None;
        if let (BodyEncoding::Json, Some((media, at))) = (encoding, &form) {
            // The same schema written out twice is one type, not two.
            let same_schema = json
                .as_ref()
                .is_some_and(|(json, _)| json.schema == media.schema);
            let form_ty = match &media.schema {
                _ if same_schema => ty.clone(),
                Some(schema) => self.schema(schema, &hint, &child(at, "schema")),
                None => Ty::Json,
            };
            if form_ty != ty {
                self.diags.warning(
                    at,
                    "the form body has another schema than the JSON body; only JSON is offered",
                );
            } else if let Some(problem) = self.form_problem(&ty) {
                self.diags.warning(
                    at,
                    format!("form encoding is not offered for this body: {problem}; JSON is"),
                );
            } else {
                form_name = Some(format!("{name}_form"));
            }
        } else if encoding == BodyEncoding::Form {
            if let Some(problem) = self.form_problem(&ty) {
                self.diags.error(
                    media_pointer,
                    format!("this body cannot be form-encoded: {problem}"),
                );
            }
        }
        let doc = Doc::description(body.description.as_deref());
        let body = RequestBody {
            ty,
            required: body.required,
            encoding,
            doc,
        };
        (Some(body), form_name)
    }

    /// Why a value of `ty` cannot be form-encoded, if it cannot: form fields are flat.
    fn form_problem(&self, ty: &Ty) -> Option<String> {
        let Ty::Named(name) = self.unalias(ty) else {
            return Some("it is not an object".to_owned());
        };
        match self.types.get(name).map(|t| &t.kind) {
            Some(TypeKind::Struct(s)) => s.fields.iter().find_map(|f| {
                let flat = match &f.ty {
                    Ty::Vec(item) => self.is_scalar(item),
                    ty => self.is_scalar(ty),
                };
                (!flat)
                    .then(|| format!("property `{}` is not a scalar or a list of scalars", f.wire))
            }),
            _ => Some("it is not an object".to_owned()),
        }
    }

    /// The documented statuses, successes apart from errors.
    fn responses(
        &mut self,
        f: &Found<'a>,
        name: &str,
        type_base: &str,
    ) -> (Vec<Response>, Vec<Response>) {
        let responses_pointer = child(&f.pointer, "responses");
        if f.op.responses.default.is_some() {
            self.diags.warning(
                child(&responses_pointer, "default"),
                "`default` responses are not mapped; a status the spec does not list is an \
                 `Error::UnexpectedResponse` with the body as text",
            );
        }
        let success_count =
            f.op.responses
                .responses
                .keys()
                .filter(|s| matches!(s, StatusCode::Code(200..=299) | StatusCode::Range(2)))
                .count();
        let mut successes = Vec::new();
        let mut errors = Vec::new();
        for (status, response) in &f.op.responses.responses {
            let (status, label) = match status {
                StatusCode::Code(code) => (Status::Code(*code), code.to_string()),
                StatusCode::Range(n) => (Status::Range(*n), format!("{n}XX")),
            };
            let at = child(&responses_pointer, &label);
            let (response, at) = match response {
                ReferenceOr::Item(r) => (r, at),
                ReferenceOr::Reference { reference } => {
                    let spec = self.spec;
                    let target = reference
                        .strip_prefix("#/components/responses/")
                        .and_then(|n| spec.components.as_ref()?.responses.get(n)?.as_item());
                    match target {
                        Some(r) => (r, reference.clone()),
                        None => {
                            self.diags.error(
                                at,
                                format!("`$ref: {reference}` does not point to a response"),
                            );
                            continue;
                        }
                    }
                }
            };
            let success = matches!(status, Status::Code(200..=299) | Status::Range(2));
            let hint = if success && success_count == 1 {
                format!("{type_base} response")
            } else {
                format!("{type_base} response {label}")
            };
            let body = self.response_body(response, &at, &hint, &format!("{name} {label}"));
            let response = Response {
                status,
                body,
                variant: None,
            };
            if success {
                successes.push(response);
            } else {
                errors.push(response);
            }
        }
        if successes.is_empty() {
            self.diags.warning(
                &responses_pointer,
                "no success status is documented; any 2XX status is taken as success without \
                 a body",
            );
            successes.push(Response {
                status: Status::Range(2),
                body: Body::Empty,
                variant: None,
            });
        }
        (successes, errors)
    }

    fn response_body(
        &mut self,
        response: &'a SpecResponse,
        at: &str,
        hint: &str,
        example: &str,
    ) -> Body {
        let content = child(at, "content");
        let json = response.content.iter().find(|(ct, _)| {
            is_json(
                &ct.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase(),
            )
        });
        if let Some((content_type, media)) = json {
            let media_pointer = child(&content, content_type);
            let ty = match &media.schema {
                Some(schema) => self.schema(schema, hint, &child(&media_pointer, "schema")),
                None => Ty::Json,
            };
            self.pending_examples(media, &media_pointer, example, &ty);
            return Body::Json(ty);
        }
        if response.content.is_empty() {
            Body::Empty
        } else {
            Body::Text
        }
    }

    /// What a set of statuses returns: the one body they share, or an enum of them.
    fn outcome_type(
        &mut self,
        mut responses: Vec<Response>,
        wanted: &str,
        doc: &str,
        pointer: &str,
    ) -> (Ty, Vec<Response>) {
        let Some(first) = responses.first() else {
            return (Ty::Unit, responses);
        };
        if responses.iter().all(|r| r.body == first.body) {
            return (first.body.ty(), responses);
        }
        let name = self.claim_type(naming::type_name(wanted), pointer);
        let mut scope = Scope::default();
        let mut variants = Vec::new();
        for response in &mut responses {
            let (variant, _) = scope.claim(status_variant(response.status));
            response.variant = Some(variant.clone());
            variants.push(OutcomeVariant {
                name: variant,
                status: response.status,
                body: response.body.clone(),
            });
        }
        self.define(TypeDef {
            name: name.clone(),
            doc: Doc::line(doc),
            kind: TypeKind::Outcomes(variants),
        });
        (Ty::Named(name), responses)
    }

    /// Queues the examples of `media` for checking against `ty`.
    fn pending_examples(&mut self, media: &'a MediaType, at: &str, name: &str, ty: &Ty) {
        if let Some(value) = &media.example {
            self.pending.push(PendingExample {
                name: name.to_owned(),
                pointer: child(at, "example"),
                ty: ty.clone(),
                value: value.clone(),
            });
        }
        for (key, example) in &media.examples {
            let pointer = child(&child(at, "examples"), key);
            let example = match example {
                ReferenceOr::Item(e) => Some(e),
                ReferenceOr::Reference { reference } => {
                    let spec = self.spec;
                    reference
                        .strip_prefix("#/components/examples/")
                        .and_then(|n| spec.components.as_ref()?.examples.get(n)?.as_item())
                }
            };
            if let Some(value) = example.and_then(|e| e.value.as_ref()) {
                self.pending.push(PendingExample {
                    name: format!("{name} {key}"),
                    pointer,
                    ty: ty.clone(),
                    value: value.clone(),
                });
            }
        }
    }
}

/// The parameters of an operation: those of its path item, replaced by its own of the same
/// name and place, references resolved.
fn merge_params<'a>(
    lists: [(&'a Vec<ReferenceOr<Parameter>>, String); 2],
    lowerer: &mut Lowerer<'a>,
) -> Vec<(&'a Parameter, String)> {
    let mut out: Vec<(&'a Parameter, String)> = Vec::new();
    for (list, base) in lists {
        for (i, param) in list.iter().enumerate() {
            let pointer = format!("{base}/parameters/{i}");
            let (param, pointer) = match param {
                ReferenceOr::Item(p) => (p, pointer),
                ReferenceOr::Reference { reference } => {
                    let spec = lowerer.spec;
                    let found = reference
                        .strip_prefix("#/components/parameters/")
                        .and_then(|n| spec.components.as_ref()?.parameters.get(n)?.as_item());
                    match found {
                        Some(p) => (p, reference.clone()),
                        None => {
                            lowerer.diags.error(
                                pointer,
                                format!("`$ref: {reference}` does not point to a parameter"),
                            );
                            continue;
                        }
                    }
                }
            };
            let key = |p: &Parameter| {
                (
                    p.parameter_data_ref().name.clone(),
                    std::mem::discriminant(p),
                )
            };
            out.retain(|(existing, _)| key(existing) != key(param));
            out.push((param, pointer));
        }
    }
    out
}

fn is_json(essence: &str) -> bool {
    essence == "application/json" || essence.ends_with("+json")
}

/// The variant name for a status: its reason phrase, or its number.
fn status_variant(status: Status) -> String {
    let phrase = match status {
        Status::Code(code) => match code {
            200 => "Ok",
            201 => "Created",
            202 => "Accepted",
            203 => "NonAuthoritativeInformation",
            204 => "NoContent",
            205 => "ResetContent",
            206 => "PartialContent",
            300 => "MultipleChoices",
            301 => "MovedPermanently",
            302 => "Found",
            303 => "SeeOther",
            304 => "NotModified",
            307 => "TemporaryRedirect",
            308 => "PermanentRedirect",
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            other => return format!("Status{other}"),
        },
        Status::Range(n) => return format!("Status{n}xx"),
    };
    phrase.to_owned()
}
