//! Emitting `types.rs`: a struct per object, an open enum per enumeration, an alias per other
//! named schema, and an enum per operation whose statuses carry different bodies.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use super::{Docs, TypePath, ident, ty};
use crate::model::{
    Body, Enum, EnumRepr, Field, OutcomeVariant, Presence, Status, Struct, Ty, TypeDef, TypeKind,
};

/// The items of `types.rs` for `defs`, a run of the model's types, in its order.
pub fn types_file(defs: &[TypeDef], docs: &Docs) -> Vec<TokenStream> {
    let mut items = Vec::new();
    for def in defs {
        match &def.kind {
            TypeKind::Struct(s) => items.push(emit_struct(def, s, docs)),
            TypeKind::Enum(e) => items.extend(emit_enum(def, e, docs)),
            TypeKind::Alias(target) => items.push(emit_alias(def, target, docs)),
            TypeKind::Outcomes(variants) => items.push(emit_outcomes(def, variants, docs)),
        }
    }
    items
}

fn emit_struct(def: &TypeDef, s: &Struct, docs: &Docs) -> TokenStream {
    let doc = docs.attrs(&def.doc);
    let name = ident(&def.name);
    let eq = s.eq.then(|| quote!(Eq,));
    let default = s.default.then(|| quote!(Default,));
    let fields = s.fields.iter().map(|field| emit_field(field, docs));
    let additional = s.additional.as_ref().map(|(field, value)| {
        let field = ident(field);
        let value = ty(value, TypePath::Local);
        quote! {
            #[doc = " Properties beyond those above, as the server sent them."]
            #[serde(flatten)]
            pub #field: ::std::collections::BTreeMap<String, #value>,
        }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, #default PartialEq, #eq ::serde::Serialize)]
        pub struct #name {
            #(#fields)*
            #additional
        }
    }
}

fn emit_field(field: &Field, docs: &Docs) -> TokenStream {
    let doc = docs.attrs(&field.doc);
    let name = ident(&field.name);
    let mut inner = ty(&field.ty, TypePath::Local);
    if field.boxed {
        inner = quote!(Box<#inner>);
    }
    let field_ty = match field.presence {
        Presence::Required => inner,
        Presence::Optional | Presence::Nullable => quote!(Option<#inner>),
    };
    let mut serde = Vec::new();
    if crate::naming::unraw(&field.name) != field.wire {
        let wire = &field.wire;
        serde.push(quote!(rename = #wire));
    }
    if field.presence == Presence::Optional {
        serde.push(quote!(skip_serializing_if = "Option::is_none"));
    }
    let serde = (!serde.is_empty()).then(|| quote!(#[serde(#(#serde),*)]));
    quote! {
        #doc
        #serde
        pub #name: #field_ty,
    }
}

fn emit_alias(def: &TypeDef, target: &Ty, docs: &Docs) -> TokenStream {
    let doc = docs.attrs(&def.doc);
    let name = ident(&def.name);
    let target = ty(target, TypePath::Local);
    quote! {
        #doc
        pub type #name = #target;
    }
}

/// An enum that also keeps values it does not know, so that the server can add one without
/// breaking the responses that carry it.
fn emit_enum(def: &TypeDef, e: &Enum, docs: &Docs) -> Vec<TokenStream> {
    let doc = docs.attrs(&def.doc);
    let name = ident(&def.name);
    let other = ident(&e.other);
    let variants: Vec<_> = e.variants.iter().map(|v| ident(&v.name)).collect();
    let count = Literal::usize_unsuffixed(variants.len());
    let variant_docs: Vec<_> = e
        .variants
        .iter()
        .map(|v| docs.attrs(&[format!("`{}`", v.wire)]))
        .collect();
    let (raw, derives) = match e.repr {
        EnumRepr::String => (
            quote!(String),
            quote!(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord),
        ),
        EnumRepr::Integer => (
            quote!(i64),
            quote!(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord),
        ),
    };
    let definition = quote! {
        #doc
        #[derive(#derives)]
        pub enum #name {
            #(
                #variant_docs
                #variants,
            )*
            #[doc = " A value this crate does not know yet, as the server sent it."]
            #other(#raw),
        }
    };
    let known = quote! {
        #[doc = " Every value this crate knows."]
        pub const KNOWN: [Self; #count] = [#(Self::#variants),*];
    };
    match e.repr {
        EnumRepr::String => {
            let wires: Vec<_> = e.variants.iter().map(|v| v.wire.as_str()).collect();
            vec![
                definition,
                quote! {
                    impl #name {
                        #known

                        #[doc = " The value as it is on the wire."]
                        pub fn as_str(&self) -> &str {
                            match self {
                                #(Self::#variants => #wires,)*
                                Self::#other(value) => value,
                            }
                        }
                    }
                },
                quote! {
                    impl From<&str> for #name {
                        fn from(value: &str) -> Self {
                            match value {
                                #(#wires => Self::#variants,)*
                                other => Self::#other(other.to_owned()),
                            }
                        }
                    }
                },
                quote! {
                    impl ::std::str::FromStr for #name {
                        type Err = ::std::convert::Infallible;

                        fn from_str(value: &str) -> Result<Self, <Self as ::std::str::FromStr>::Err> {
                            Ok(Self::from(value))
                        }
                    }
                },
                quote! {
                    impl ::std::fmt::Display for #name {
                        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            f.write_str(self.as_str())
                        }
                    }
                },
                quote! {
                    impl ::serde::Serialize for #name {
                        fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
                        where
                            S: ::serde::Serializer,
                        {
                            serializer.serialize_str(self.as_str())
                        }
                    }
                },
                quote! {
                    impl<'de> ::serde::Deserialize<'de> for #name {
                        fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
                        where
                            D: ::serde::Deserializer<'de>,
                        {
                            let value = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                            Ok(Self::from(value.as_str()))
                        }
                    }
                },
            ]
        }
        EnumRepr::Integer => {
            let values: Vec<Literal> = e
                .variants
                .iter()
                .map(|v| Literal::i64_unsuffixed(v.wire.parse().unwrap_or_default()))
                .collect();
            vec![
                definition,
                quote! {
                    impl #name {
                        #known

                        #[doc = " The value as it is on the wire."]
                        pub fn value(self) -> i64 {
                            match self {
                                #(Self::#variants => #values,)*
                                Self::#other(value) => value,
                            }
                        }
                    }
                },
                quote! {
                    impl From<i64> for #name {
                        fn from(value: i64) -> Self {
                            match value {
                                #(#values => Self::#variants,)*
                                other => Self::#other(other),
                            }
                        }
                    }
                },
                quote! {
                    impl ::std::str::FromStr for #name {
                        type Err = ::std::num::ParseIntError;

                        fn from_str(value: &str) -> Result<Self, <Self as ::std::str::FromStr>::Err> {
                            value.parse::<i64>().map(Self::from)
                        }
                    }
                },
                quote! {
                    impl ::std::fmt::Display for #name {
                        fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                            ::std::fmt::Display::fmt(&self.value(), f)
                        }
                    }
                },
                quote! {
                    impl ::serde::Serialize for #name {
                        fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
                        where
                            S: ::serde::Serializer,
                        {
                            serializer.serialize_i64(self.value())
                        }
                    }
                },
                quote! {
                    impl<'de> ::serde::Deserialize<'de> for #name {
                        fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
                        where
                            D: ::serde::Deserializer<'de>,
                        {
                            let value = <i64 as ::serde::Deserialize>::deserialize(deserializer)?;
                            Ok(Self::from(value))
                        }
                    }
                },
            ]
        }
    }
}

/// One variant per documented status, for operations whose statuses carry different bodies.
fn emit_outcomes(def: &TypeDef, variants: &[OutcomeVariant], docs: &Docs) -> TokenStream {
    let doc = docs.attrs(&def.doc);
    let name = ident(&def.name);
    let variants = variants.iter().map(|v| {
        let variant = ident(&v.name);
        let status = docs.attrs(&[match v.status {
            Status::Code(code) => format!("Status {code}."),
            Status::Range(n) => format!("A status from {n}00 to {n}99."),
        }]);
        let payload = match &v.body {
            Body::Empty => None,
            body => {
                let body = ty(&body.ty(), TypePath::Local);
                Some(quote!((#body)))
            }
        };
        quote! {
            #status
            #variant #payload,
        }
    });
    quote! {
        #doc
        #[derive(Clone, Debug, PartialEq)]
        pub enum #name {
            #(#variants)*
        }
    }
}
