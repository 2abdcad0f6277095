//! Emitting `client.rs`: the servers the spec names, and one method per operation (two where
//! the body can also go form-encoded).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use syn::{Arm, Expr, FnArg, Pat, Stmt, Type};

use super::template::{Fill, thread_templates};
use super::{Docs, Piece, TypePath, generic, ident, str_expr, syn_ty};
use crate::model::{
    Api, Body, BodyEncoding, Operation, ParamLocation, PathDefault, Response, Segment, Server,
    Status, Ty,
};

/// The items that open `client.rs`: its imports, the servers, and the builder's default path
/// parameters.
pub fn client_head(api: &Api, docs: &Docs) -> Vec<TokenStream> {
    let mut items = Vec::new();
    if !api.operations.is_empty() {
        let body = api
            .operations
            .iter()
            .any(|op| op.body.is_some())
            .then(|| quote!(Body,));
        items.push(quote! {
            use crate::encode::Segment;
            use crate::transport::{#body Request};
        });
    }
    if api.operations.iter().any(mentions_types) {
        items.push(quote!(
            use crate::types;
        ));
    }
    if !api.servers.is_empty() {
        items.extend(emit_servers(&api.servers, docs));
    }
    if !api.path_defaults.is_empty() {
        items.push(emit_path_defaults(&api.path_defaults, docs));
    }
    items
}

/// The methods of the client for `operations`, a run of the model's operations, in its order.
pub fn client_methods(operations: &[Operation], docs: &Docs) -> Vec<Piece> {
    Templates::with(|t| {
        let methods = operations.iter().flat_map(|op| {
            let main = emit_operation(t, op, &op.name, op.body.as_ref().map(|b| b.encoding), docs);
            let form = op
                .form_name
                .as_ref()
                .map(|name| emit_operation(t, op, name, Some(BodyEncoding::Form), docs));
            std::iter::once(main).chain(form)
        });
        // One block per method, so that they print apart.
        methods
            .map(|method| {
                let mut block = t.block.tree.clone();
                if let syn::Item::Impl(block) = &mut block {
                    block.items.push(method);
                }
                Piece::from(block)
            })
            .collect()
    })
}

fn mentions_types(op: &Operation) -> bool {
    op.ok.mentions_named()
        || op.error.mentions_named()
        || op.body.as_ref().is_some_and(|b| b.ty.mentions_named())
        || op.params.iter().any(|p| p.ty.mentions_named())
}

fn emit_servers(servers: &[Server], docs: &Docs) -> Vec<TokenStream> {
    let names: Vec<_> = servers.iter().map(|s| ident(&s.name)).collect();
    let server_docs = servers.iter().map(|s| docs.attrs(&s.doc.lines()));
    let urls = servers.iter().map(|s| s.url.as_str());
    let count = Literal::usize_unsuffixed(servers.len());
    vec![
        quote! {
            #[doc = " The servers that the API description lists; any other is a [`BaseUrl`](crate::BaseUrl)."]
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
            pub enum Server {
                #(
                    #server_docs
                    #names,
                )*
            }
        },
        quote! {
            impl Server {
                #[doc = " Every server, in the order of the API description."]
                pub const ALL: [Self; #count] = [#(Self::#names),*];

                #[doc = " The server's URL."]
                pub const fn url(self) -> &'static str {
                    match self {
                        #(Self::#names => #urls,)*
                    }
                }
            }
        },
        quote! {
            impl From<Server> for crate::BaseUrl {
                fn from(server: Server) -> Self {
                    crate::BaseUrl::known(server.url())
                }
            }
        },
    ]
}

/// A `default_*` builder method for each string path parameter.
fn emit_path_defaults(defaults: &[PathDefault], docs: &Docs) -> TokenStream {
    let setters = defaults.iter().map(|d| {
        let setter = ident(&d.setter);
        let wire = &d.wire;
        let doc = docs.attrs(&[format!(
            "The `{wire}` of every operation called with `None` for it."
        )]);
        quote! {
            #doc
            pub fn #setter(self, value: impl Into<String>) -> Self {
                self.default_path_parameter(#wire, value)
            }
        }
    });
    quote! {
        impl crate::ClientBuilder {
            #(#setters)*
        }
    }
}

thread_templates! {
    /// The pieces of the client's methods.
    struct Templates {
        block: syn::Item = quote!(impl crate::Client {}),
        method: syn::ImplItem = quote! {
            pub async fn __method(&self, __args: ()) -> Result<__Ok, crate::Error<__Error>> {
                __defaults;
                let path = crate::encode::path(&[__segments])?;
                let request = __request;
                __body;
                let response = self.transport.send(request).await?;
                match response.status.as_u16() {
                    __arms => {}
                    _ => Err(response.unexpected()),
                }
            }
        },
        arg: FnArg = quote!(__name: __Ty),
        path_value: Type = quote!(impl crate::PathValue<'_>),
        default: Stmt = quote! {
            let __name = self.transport.path_param(__wire, crate::PathValue::value(__name))?;
        },
        literal_segment: Expr = quote!(Segment::Literal(__text)),
        param_segment: Expr = quote!(Segment::Param(__wire, __name)),
        display_segment: Expr = quote!(Segment::Param(__wire, &__name.to_string())),
        request: Expr = quote!(Request::new(::reqwest::Method::__method, __template, path)),
        some: Expr = quote!(Some(__value)),
        json_body: Expr = quote!(Body::json(body)?),
        form_body: Expr = quote!(Body::form(body)?),
        text_body: Expr = quote!(Body::text(body)),
        required_body: Stmt = quote!(let request = request.body(__encode);),
        optional_body: Stmt = quote! {
            let request = match body {
                Some(body) => request.body(__encode),
                None => request,
            };
        },
        arm: Arm = quote!(__pat => __value,),
        json: Expr = quote!(response.json()),
        text: Expr = quote!(response.text()),
        empty: Expr = quote!(response.empty()),
        ok: Expr = quote!(Ok(__value)),
        map: Expr = quote!(__read.map(__outcome)),
        err: Expr = quote!(Err(__error)),
        api_error: Expr = quote!(response.api_error()),
        api_error_text: Expr = quote!(response.api_error_text(std::convert::identity)),
        api_error_empty: Expr = quote!(response.api_error_empty(())),
        api_error_as_outcome: Expr = quote!(response.api_error_as(__outcome)),
        api_error_text_outcome: Expr = quote!(response.api_error_text(__outcome)),
        api_error_empty_outcome: Expr = quote!(response.api_error_empty(__outcome)),
    }
}

/// One method of the client for `op`, sending its body with `encoding`.
fn emit_operation(
    t: &Templates,
    op: &Operation,
    name: &str,
    encoding: Option<BodyEncoding>,
    docs: &Docs,
) -> syn::ImplItem {
    let form_variant =
        encoding == Some(BodyEncoding::Form) && op.form_name.as_deref() == Some(name);
    let mut doc = if form_variant {
        let main = crate::naming::unraw(&op.name);
        vec![format!(
            "[`{main}`](Self::{main}), with the body sent as `application/x-www-form-urlencoded`."
        )]
    } else {
        op.doc.lines()
    };
    if !doc.is_empty() {
        doc.push(String::new());
    }
    doc.push(format!("`{} {}`", op.method, op.path));
    let param_docs: Vec<String> = op
        .params
        .iter()
        .filter_map(|p| {
            let lines = p.doc.lines();
            let name = crate::naming::unraw(&p.name);
            (!lines.is_empty()).then(|| format!("- `{name}`: {}", lines.join(" ")))
        })
        .collect();
    if !param_docs.is_empty() {
        doc.push(String::new());
        doc.push("# Parameters".to_owned());
        doc.push(String::new());
        doc.extend(param_docs);
    }
    let body_doc = op.body.as_ref().map(|b| b.doc.lines()).unwrap_or_default();
    if !body_doc.is_empty() {
        doc.push(String::new());
        doc.push("# Body".to_owned());
        doc.push(String::new());
        doc.extend(body_doc);
    }
    let mut attrs = docs.attributes(&doc);
    if op.deprecated {
        attrs.push(syn::Attribute {
            pound_token: Default::default(),
            style: syn::AttrStyle::Outer,
            bracket_token: Default::default(),
            meta: syn::Meta::Path(ident("deprecated").into()),
        });
    }

    let arg = |name: &str, ty: Type| {
        t.arg.fill(vec![
            ("__name", Fill::Ident(ident(name))),
            ("__Ty", Fill::Type(ty)),
        ])
    };
    let mut args: Vec<FnArg> = op
        .params
        .iter()
        .map(|p| {
            let ty = if takes_default(p) {
                t.path_value.tree.clone()
            } else {
                param_ty(&p.ty, p.required)
            };
            arg(&p.name, ty)
        })
        .collect();
    if let Some(b) = &op.body {
        let inner = match (&b.ty, b.encoding) {
            (_, BodyEncoding::Text) => reference(syn_ty(&Ty::String, TypePath::Module), true),
            (Ty::Vec(item), _) => reference(
                Type::Slice(syn::TypeSlice {
                    bracket_token: Default::default(),
                    elem: Box::new(syn_ty(item, TypePath::Module)),
                }),
                false,
            ),
            (body, _) => reference(syn_ty(body, TypePath::Module), false),
        };
        args.push(arg(
            "body",
            if b.required {
                inner
            } else {
                generic("Option", inner)
            },
        ));
    }
    let defaults = op
        .params
        .iter()
        .filter(|p| takes_default(p))
        .map(|p| {
            t.default.fill(vec![
                ("__name", Fill::Ident(ident(&p.name))),
                ("__wire", Fill::Expr(str_expr(&p.wire))),
            ])
        })
        .collect();

    let segments = op
        .segments
        .iter()
        .map(|s| match s {
            Segment::Literal(text) => t
                .literal_segment
                .fill(vec![("__text", Fill::Expr(str_expr(text)))]),
            Segment::Param(index) => {
                let p = &op.params[*index];
                let segment = if p.ty == Ty::String {
                    &t.param_segment
                } else {
                    &t.display_segment
                };
                segment.fill(vec![
                    ("__wire", Fill::Expr(str_expr(&p.wire))),
                    ("__name", Fill::Ident(ident(&p.name))),
                ])
            }
        })
        .collect();
    let mut request = t.request.fill(vec![
        ("__method", Fill::Ident(ident(&op.method))),
        ("__template", Fill::Expr(str_expr(&op.path))),
    ]);
    if let Some(types) = &op.accept {
        request = method_call(request, "accept", vec![str_expr(types)]);
    }
    for p in op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
    {
        let mut value = path_expr(&p.name);
        if p.required {
            value = t.some.fill(vec![("__value", Fill::Expr(value))]);
        }
        request = method_call(request, "query", vec![str_expr(&p.wire), value]);
    }
    let body = op
        .body
        .as_ref()
        .map(|b| {
            let encode = match encoding.unwrap_or(b.encoding) {
                BodyEncoding::Json => &t.json_body,
                BodyEncoding::Form => &t.form_body,
                BodyEncoding::Text => &t.text_body,
            };
            let encode = ("__encode", Fill::Expr(encode.tree.clone()));
            if b.required {
                t.required_body.fill(vec![encode])
            } else {
                t.optional_body.fill(vec![encode])
            }
        })
        .into_iter()
        .collect();

    let mut method = t.method.fill(vec![
        ("__method", Fill::Ident(ident(name))),
        ("__args", Fill::Args(args)),
        ("__Ok", Fill::Type(syn_ty(&op.ok, TypePath::Module))),
        ("__Error", Fill::Type(syn_ty(&op.error, TypePath::Module))),
        ("__defaults", Fill::Stmts(defaults)),
        ("__segments", Fill::Exprs(segments)),
        ("__request", Fill::Expr(request)),
        ("__body", Fill::Stmts(body)),
        ("__arms", Fill::Arms(emit_arms(t, op))),
    ]);
    if let syn::ImplItem::Fn(method) = &mut method {
        method.attrs = attrs;
    }
    method
}

/// `receiver.name(args)`.
fn method_call(receiver: Expr, name: &str, args: Vec<Expr>) -> Expr {
    Expr::MethodCall(syn::ExprMethodCall {
        attrs: Vec::new(),
        receiver: Box::new(receiver),
        dot_token: Default::default(),
        method: ident(name),
        turbofish: None,
        paren_token: Default::default(),
        args: args.into_iter().collect(),
    })
}

/// The expression that a name is.
fn path_expr(name: &str) -> Expr {
    Expr::Path(syn::ExprPath {
        attrs: Vec::new(),
        qself: None,
        path: ident(name).into(),
    })
}

/// `&ty`, or `&str` where `str` is set.
fn reference(ty: Type, str: bool) -> Type {
    let elem = if str {
        Type::Path(syn::TypePath {
            qself: None,
            path: ident("str").into(),
        })
    } else {
        ty
    };
    Type::Reference(syn::TypeReference {
        and_token: Default::default(),
        lifetime: None,
        mutability: None,
        elem: Box::new(elem),
    })
}

/// Whether a parameter can be left to the client's default: string path parameters.
fn takes_default(p: &crate::model::Param) -> bool {
    p.location == ParamLocation::Path && p.ty == Ty::String
}

/// The argument type of a parameter: borrowed where the value is not `Copy`.
fn param_ty(t: &Ty, required: bool) -> Type {
    let inner = match t {
        Ty::String => reference(syn_ty(t, TypePath::Module), true),
        Ty::Named(_) => reference(syn_ty(t, TypePath::Module), false),
        other => syn_ty(other, TypePath::Module),
    };
    if required {
        inner
    } else {
        generic("Option", inner)
    }
}

/// The match arms from status to result: one per group of statuses handled alike, specific
/// codes before ranges.
fn emit_arms(t: &Templates, op: &Operation) -> Vec<Arm> {
    let mut arms = Vec::new();
    for ranges in [false, true] {
        let successes = op
            .successes
            .iter()
            .filter(|r| matches!(r.status, Status::Range(_)) == ranges);
        arms.extend(group(t, successes, |r| success_value(t, op, r)));
        let errors = op
            .errors
            .iter()
            .filter(|r| matches!(r.status, Status::Range(_)) == ranges);
        arms.extend(group(t, errors, |r| {
            let error = error_value(t, op, r);
            t.err.fill(vec![("__error", Fill::Expr(error))])
        }));
    }
    arms
}

/// Arms for `responses`, joining statuses whose handling is the same: what `handle` makes of a
/// response depends on the kind of its body and on its variant of an outcome enum, if any.
fn group<'r>(
    t: &Templates,
    responses: impl Iterator<Item = &'r Response>,
    handle: impl Fn(&Response) -> Expr,
) -> Vec<Arm> {
    let mut groups: Vec<(Vec<Pat>, _, Expr)> = Vec::new();
    for response in responses {
        let pattern = match response.status {
            Status::Code(code) => Pat::Lit(number(code)),
            Status::Range(n) => Pat::Range(syn::ExprRange {
                attrs: Vec::new(),
                start: Some(Box::new(Expr::Lit(number(n * 100)))),
                limits: syn::RangeLimits::Closed(Default::default()),
                end: Some(Box::new(Expr::Lit(number(n * 100 + 99)))),
            }),
        };
        let key = (
            std::mem::discriminant(&response.body),
            response.variant.as_deref(),
        );
        match groups.iter_mut().find(|(_, k, _)| *k == key) {
            Some((patterns, _, _)) => patterns.push(pattern),
            None => groups.push((vec![pattern], key, handle(response))),
        }
    }
    groups
        .into_iter()
        .map(|(mut patterns, _, handling)| {
            let pattern = if patterns.len() == 1 {
                patterns.remove(0)
            } else {
                Pat::Or(syn::PatOr {
                    attrs: Vec::new(),
                    leading_vert: None,
                    cases: patterns.into_iter().collect(),
                })
            };
            t.arm.fill(vec![
                ("__pat", Fill::Pat(pattern)),
                ("__value", Fill::Expr(handling)),
            ])
        })
        .collect()
}

fn number(n: u16) -> syn::ExprLit {
    syn::ExprLit {
        attrs: Vec::new(),
        lit: syn::Lit::new(Literal::u16_unsuffixed(n)),
    }
}

fn success_value(t: &Templates, op: &Operation, r: &Response) -> Expr {
    let read = match &r.body {
        Body::Json(_) => &t.json,
        Body::Text => &t.text,
        Body::Empty => &t.empty,
    };
    match &r.variant {
        None => read.tree.clone(),
        Some(variant) => {
            let outcome = outcome_path(&op.ok, variant);
            match r.body {
                Body::Empty => t.ok.fill(vec![("__value", Fill::Expr(outcome))]),
                _ => t.map.fill(vec![
                    ("__read", Fill::Expr(read.tree.clone())),
                    ("__outcome", Fill::Expr(outcome)),
                ]),
            }
        }
    }
}

fn error_value(t: &Templates, op: &Operation, r: &Response) -> Expr {
    match (&r.variant, &r.body) {
        (None, Body::Json(_)) => t.api_error.tree.clone(),
        (None, Body::Text) => t.api_error_text.tree.clone(),
        (None, Body::Empty) => t.api_error_empty.tree.clone(),
        (Some(variant), body) => {
            let outcome = ("__outcome", Fill::Expr(outcome_path(&op.error, variant)));
            match body {
                Body::Json(_) => t.api_error_as_outcome.fill(vec![outcome]),
                Body::Text => t.api_error_text_outcome.fill(vec![outcome]),
                Body::Empty => t.api_error_empty_outcome.fill(vec![outcome]),
            }
        }
    }
}

/// The path of one variant of an outcome enum.
fn outcome_path(outcomes: &Ty, variant: &str) -> Expr {
    let Type::Path(mut path) = syn_ty(outcomes, TypePath::Module) else {
        unreachable!("an outcome enum is a named type")
    };
    path.path.segments.push(ident(variant).into());
    Expr::Path(syn::ExprPath {
        attrs: Vec::new(),
        qself: None,
        path: path.path,
    })
}
