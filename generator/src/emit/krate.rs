//! Emitting the crate around the types and the client: `lib.rs`, the manifest, and the
//! round-trip tests of the spec's examples.

use quote::quote;

use super::template::{Fill, thread_templates};
use super::{Docs, Piece, Section, TypePath, ident, str_expr, syn_ty};
use crate::model::{Api, TypeKind};

/// The manifest of the generated crate, hand-written in `templates/`.
const MANIFEST: &str = include_str!("../../../templates/generated.toml");

/// The inner docs and items of `lib.rs`.
pub fn lib_file(api: &Api, with_examples: bool, docs: &Docs) -> Section {
    let mut doc = vec![format!("A client for {} {}.", api.title, api.version)];
    let api_doc = api.doc.lines();
    if !api_doc.is_empty() {
        doc.push(String::new());
        doc.extend(api_doc);
    }
    doc.extend(
        [
            "",
            "# Use",
            "",
            "Build a [`Client`] with [`Client::builder`], from one of the spec's servers or any",
            "[`BaseUrl`], and call one method per operation. Each returns the parsed success body,",
            "or an [`Error`] that keeps the status and body of whatever else the server answered.",
            "The request and response types are in [`types`].",
        ]
        .map(str::to_owned),
    );
    // Generated files are printed by prettyplease, whose layout is not rustfmt's; every item
    // here is marked so that `cargo fmt` leaves the whole crate as it was generated.
    let server = (!api.servers.is_empty()).then(|| {
        quote! {
            #[rustfmt::skip]
            pub use client::Server;
        }
    });
    let (deserialize, serialize) = if super::has_structs(api) {
        (
            Some(quote! {
                #[rustfmt::skip]
                mod deserialize;
            }),
            Some(quote! {
                #[rustfmt::skip]
                mod serialize;
            }),
        )
    } else {
        (None, None)
    };
    let examples = with_examples.then(|| {
        quote! {
            #[cfg(test)]
            #[rustfmt::skip]
            mod examples;
        }
    });
    let items = vec![
        quote! {
            #[rustfmt::skip]
            mod client;
            #[rustfmt::skip]
            mod decode;
            #deserialize
            #[rustfmt::skip]
            mod encode;
            #[rustfmt::skip]
            mod error;
            #[rustfmt::skip]
            mod mock;
            #[rustfmt::skip]
            mod retry;
            #serialize
            #[rustfmt::skip]
            mod transport;
            #[rustfmt::skip]
            pub mod types;
            #examples
        },
        quote! {
            #server
            #[rustfmt::skip]
            pub use error::{BuildError, Error, InvalidRequest};
            #[rustfmt::skip]
            pub use mock::{MockRequest, MockResponse};
            #[rustfmt::skip]
            pub use retry::RetryPolicy;
            #[rustfmt::skip]
            pub use transport::{BaseUrl, Client, ClientBuilder, PathValue, DEFAULT_CONNECT_TIMEOUT, DEFAULT_TIMEOUT};
            #[doc = " The HTTP client underneath, for [`ClientBuilder::http_client`]."]
            #[rustfmt::skip]
            pub use reqwest;
        },
    ];
    // The compiler (rustdoc above all, when it works out auto traits) follows nested generic
    // types only so deep; a spec with very deep inline arrays needs the limit raised.
    let depth = api
        .types
        .iter()
        .flat_map(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().map(|f| f.ty.depth()).collect(),
            TypeKind::Alias(ty) => vec![ty.depth()],
            _ => Vec::new(),
        })
        .max()
        .unwrap_or(0);
    let doc = docs.inner_attrs(&doc);
    let inner = if depth > 32 {
        let limit = (depth * 4).max(256).to_string();
        quote! {
            #doc
            #![recursion_limit = #limit]
        }
    } else {
        doc
    };
    Section {
        inner,
        items: items.into_iter().map(Piece::from).collect(),
    }
}

/// The manifest: the template with the crate's name, version and description filled in.
pub fn manifest(api: &Api, name: &str, version: &str, standalone: bool) -> String {
    let description = format!(
        "A client for {} {}, generated from its OpenAPI description",
        api.title, api.version
    );
    let mut out = MANIFEST
        .replace("@NAME@", &toml_escape(name))
        .replace("@VERSION@", &toml_escape(version))
        .replace("@DESCRIPTION@", &toml_escape(&description));
    if standalone {
        out.push_str("\n[workspace]\n");
    }
    out
}

/// Escapes `text` for a basic TOML string.
fn toml_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if c.is_control() => out.push_str(&format!("\\u{:04X}", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// A test per example that fits its type: it deserializes and serializes back equal.
pub fn example_tests(api: &Api, docs: &Docs) -> Section {
    let doc = docs.inner_attrs(&[
        "Every example in the API description that matches its schema deserializes into its type"
            .to_owned(),
        "and serializes back to the same JSON.".to_owned(),
    ]);
    let items = vec![
        quote! {
            fn round_trip<T>(json: &str)
            where
                T: ::serde::de::DeserializeOwned + ::serde::Serialize,
            {
                let expected: ::serde_json::Value = ::serde_json::from_str(json).unwrap();
                let typed: T = match ::serde_json::from_value(expected.clone()) {
                    ::std::result::Result::Ok(typed) => typed,
                    ::std::result::Result::Err(e) => panic!("the example does not deserialize: {e}"),
                };
                let actual = ::serde_json::to_value(&typed).unwrap();
                assert!(same(&expected, &actual), "expected {expected:#}\nbut serialized {actual:#}");
            }
        },
        quote! {
            /// Equal as JSON values, where `1` and `1.0` are the same number.
            fn same(a: &::serde_json::Value, b: &::serde_json::Value) -> bool {
                use ::serde_json::Value;
                match (a, b) {
                    (Value::Number(x), Value::Number(y)) => x == y || x.as_f64() == y.as_f64(),
                    (Value::Array(x), Value::Array(y)) => {
                        x.len() == y.len() && x.iter().zip(y).all(|(x, y)| same(x, y))
                    }
                    (Value::Object(x), Value::Object(y)) => {
                        x.len() == y.len() && x.iter().all(|(k, v)| y.get(k).is_some_and(|w| same(v, w)))
                    }
                    _ => a == b,
                }
            }
        },
    ];
    let mut items: Vec<Piece> = items.into_iter().map(Piece::from).collect();
    Templates::with(|t| {
        for example in &api.examples {
            let json = serde_json::to_string(&example.value).unwrap_or_default();
            let mut test = t.example_test.fill(vec![
                ("__name", Fill::Ident(ident(&example.name))),
                ("__Target", Fill::Type(syn_ty(&example.ty, TypePath::Crate))),
                ("__json", Fill::Expr(str_expr(&json))),
            ]);
            if let syn::Item::Fn(test) = &mut test {
                let mut attrs = docs.attributes(&[format!("`{}`", example.pointer)]);
                attrs.append(&mut test.attrs);
                test.attrs = attrs;
            }
            items.push(Piece::from(test));
        }
    });
    Section { inner: doc, items }
}

thread_templates! {
    /// The pieces of the example tests.
    struct Templates {
        example_test: syn::Item = quote! {
            #[test]
            fn __name() {
                round_trip::<__Target>(__json);
            }
        },
    }
}
