//! Emitting `client.rs`: the servers the spec names, and one method per operation (two where
//! the body can also go form-encoded).

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{Docs, TypePath, ident, ty};
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
pub fn client_methods(operations: &[Operation], docs: &Docs) -> Vec<TokenStream> {
    let methods = operations.iter().flat_map(|op| {
        let main = emit_operation(op, &op.name, op.body.as_ref().map(|b| b.encoding), docs);
        let form = op
            .form_name
            .as_ref()
            .map(|name| emit_operation(op, name, Some(BodyEncoding::Form), docs));
        std::iter::once(main).chain(form)
    });
    // One block per method, so that they print apart.
    methods
        .map(|method| {
            quote! {
                impl crate::Client {
                    #method
                }
            }
        })
        .collect()
}

fn mentions_types(op: &Operation) -> bool {
    op.ok.mentions_named()
        || op.error.mentions_named()
        || op.body.as_ref().is_some_and(|b| b.ty.mentions_named())
        || op.params.iter().any(|p| p.ty.mentions_named())
}

fn emit_servers(servers: &[Server], docs: &Docs) -> Vec<TokenStream> {
    let names: Vec<_> = servers.iter().map(|s| ident(&s.name)).collect();
    let server_docs = servers.iter().map(|s| docs.attrs(&s.doc));
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

/// One method of the client for `op`, sending its body with `encoding`.
fn emit_operation(
    op: &Operation,
    name: &str,
    encoding: Option<BodyEncoding>,
    docs: &Docs,
) -> TokenStream {
    let form_variant =
        encoding == Some(BodyEncoding::Form) && op.form_name.as_deref() == Some(name);
    let mut doc = if form_variant {
        let main = crate::naming::unraw(&op.name);
        vec![
            format!(
                "[`{main}`](Self::{main}), with the body sent as `application/x-www-form-urlencoded`."
            ),
            String::new(),
            op.doc.last().cloned().unwrap_or_default(),
        ]
    } else {
        op.doc.clone()
    };
    let param_docs: Vec<String> = op
        .params
        .iter()
        .filter(|p| !p.doc.is_empty())
        .map(|p| format!("- `{}`: {}", crate::naming::unraw(&p.name), p.doc.join(" ")))
        .collect();
    if !param_docs.is_empty() {
        doc.push(String::new());
        doc.push("# Parameters".to_owned());
        doc.push(String::new());
        doc.extend(param_docs);
    }
    if let Some(body) = op.body.as_ref().filter(|b| !b.doc.is_empty()) {
        doc.push(String::new());
        doc.push("# Body".to_owned());
        doc.push(String::new());
        doc.extend(body.doc.iter().cloned());
    }
    let doc = docs.attrs(&doc);
    let deprecated = op.deprecated.then(|| quote!(#[deprecated]));
    let method = ident(name);

    let args = op.params.iter().map(|p| {
        let name = ident(&p.name);
        let arg = if takes_default(p) {
            quote!(impl crate::PathValue<'_>)
        } else {
            param_ty(&p.ty, p.required)
        };
        quote!(#name: #arg)
    });
    let defaults = op.params.iter().filter(|p| takes_default(p)).map(|p| {
        let name = ident(&p.name);
        let wire = &p.wire;
        quote!(let #name = self.transport.path_param(#wire, crate::PathValue::value(#name))?;)
    });
    let body_arg = op.body.as_ref().map(|b| {
        let inner = match (&b.ty, b.encoding) {
            (_, BodyEncoding::Text) => quote!(&str),
            (Ty::Vec(item), _) => {
                let item = ty(item, TypePath::Module);
                quote!(&[#item])
            }
            (body, _) => {
                let body = ty(body, TypePath::Module);
                quote!(&#body)
            }
        };
        if b.required {
            quote!(body: #inner)
        } else {
            quote!(body: Option<#inner>)
        }
    });

    let segments = op.segments.iter().map(|s| match s {
        Segment::Literal(text) => quote!(Segment::Literal(#text)),
        Segment::Param(index) => {
            let p = &op.params[*index];
            let wire = &p.wire;
            let name = ident(&p.name);
            if p.ty == Ty::String {
                quote!(Segment::Param(#wire, #name))
            } else {
                quote!(Segment::Param(#wire, &#name.to_string()))
            }
        }
    });
    let method_name = ident(&op.method);
    let template = &op.path;
    let accept = op.accept.as_ref().map(|types| quote!(.accept(#types)));
    let query = op
        .params
        .iter()
        .filter(|p| p.location == ParamLocation::Query)
        .map(|p| {
            let wire = &p.wire;
            let name = ident(&p.name);
            if p.required {
                quote!(.query(#wire, Some(#name)))
            } else {
                quote!(.query(#wire, #name))
            }
        });
    let body = op.body.as_ref().map(|b| {
        let encode = match encoding.unwrap_or(b.encoding) {
            BodyEncoding::Json => quote!(Body::json(body)?),
            BodyEncoding::Form => quote!(Body::form(body)?),
            BodyEncoding::Text => quote!(Body::text(body)),
        };
        if b.required {
            quote!(let request = request.body(#encode);)
        } else {
            quote! {
                let request = match body {
                    Some(body) => request.body(#encode),
                    None => request,
                };
            }
        }
    });

    let ok = ty(&op.ok, TypePath::Module);
    let error = ty(&op.error, TypePath::Module);
    let arms = emit_arms(op);
    quote! {
        #doc
        #deprecated
        pub async fn #method(
            &self,
            #(#args,)*
            #body_arg
        ) -> Result<#ok, crate::Error<#error>> {
            #(#defaults)*
            let path = crate::encode::path(&[#(#segments),*])?;
            let request = Request::new(::reqwest::Method::#method_name, #template, path)#accept #(#query)*;
            #body
            let response = self.transport.send(request).await?;
            match response.status.as_u16() {
                #(#arms)*
                _ => Err(response.unexpected()),
            }
        }
    }
}

/// Whether a parameter can be left to the client's default: string path parameters.
fn takes_default(p: &crate::model::Param) -> bool {
    p.location == ParamLocation::Path && p.ty == Ty::String
}

/// The argument type of a parameter: borrowed where the value is not `Copy`.
fn param_ty(t: &Ty, required: bool) -> TokenStream {
    let inner = match t {
        Ty::String => quote!(&str),
        Ty::Named(_) => {
            let named = ty(t, TypePath::Module);
            quote!(&#named)
        }
        other => ty(other, TypePath::Module),
    };
    if required {
        inner
    } else {
        quote!(Option<#inner>)
    }
}

/// The match arms from status to result: one per group of statuses handled alike, specific
/// codes before ranges.
fn emit_arms(op: &Operation) -> Vec<TokenStream> {
    let mut arms = Vec::new();
    for ranges in [false, true] {
        let successes = op
            .successes
            .iter()
            .filter(|r| matches!(r.status, Status::Range(_)) == ranges);
        arms.extend(group(successes, |r| success_value(op, r)));
        let errors = op
            .errors
            .iter()
            .filter(|r| matches!(r.status, Status::Range(_)) == ranges);
        arms.extend(group(errors, |r| {
            let error = error_value(op, r);
            quote!(Err(#error))
        }));
    }
    arms
}

/// Arms for `responses`, joining statuses whose handling is the same tokens.
fn group<'r>(
    responses: impl Iterator<Item = &'r Response>,
    handle: impl Fn(&Response) -> TokenStream,
) -> Vec<TokenStream> {
    let mut groups: Vec<(Vec<TokenStream>, String, TokenStream)> = Vec::new();
    for response in responses {
        let pattern = match response.status {
            Status::Code(code) => {
                let code = Literal::u16_unsuffixed(code);
                quote!(#code)
            }
            Status::Range(n) => {
                let low = Literal::u16_unsuffixed(n * 100);
                let high = Literal::u16_unsuffixed(n * 100 + 99);
                quote!(#low..=#high)
            }
        };
        let handling = handle(response);
        let key = handling.to_string();
        match groups.iter_mut().find(|(_, k, _)| *k == key) {
            Some((patterns, _, _)) => patterns.push(pattern),
            None => groups.push((vec![pattern], key, handling)),
        }
    }
    groups
        .into_iter()
        .map(|(patterns, _, handling)| quote!(#(#patterns)|* => #handling,))
        .collect()
}

fn success_value(op: &Operation, r: &Response) -> TokenStream {
    let read = match &r.body {
        Body::Json(_) => quote!(response.json()),
        Body::Text => quote!(response.text()),
        Body::Empty => quote!(response.empty()),
    };
    match &r.variant {
        None => read,
        Some(variant) => {
            let outcome = outcome_path(&op.ok, variant);
            match r.body {
                Body::Empty => quote!(Ok(#outcome)),
                _ => quote!(#read.map(#outcome)),
            }
        }
    }
}

fn error_value(op: &Operation, r: &Response) -> TokenStream {
    match (&r.variant, &r.body) {
        (None, Body::Json(_)) => quote!(response.api_error()),
        (None, Body::Text) => quote!(response.api_error_text(std::convert::identity)),
        (None, Body::Empty) => quote!(response.api_error_empty(())),
        (Some(variant), body) => {
            let outcome = outcome_path(&op.error, variant);
            match body {
                Body::Json(_) => quote!(response.api_error_as(#outcome)),
                Body::Text => quote!(response.api_error_text(#outcome)),
                Body::Empty => quote!(response.api_error_empty(#outcome)),
            }
        }
    }
}

fn outcome_path(outcomes: &Ty, variant: &str) -> TokenStream {
    let outcomes = ty(outcomes, TypePath::Module);
    let variant = ident(variant);
    quote!(#outcomes::#variant)
}
