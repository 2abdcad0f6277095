//! Emitting `types.rs`: a struct per object, an open enum per enumeration, an alias per other
//! named schema, and an enum per operation whose statuses carry different bodies.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use syn::Expr;

use super::template::{Fill, thread_templates};
use super::{Docs, Piece, TypePath, generic, ident, literal, str_expr, syn_ty, ty};
use crate::model::{
    Body, Enum, EnumRepr, Field, OutcomeVariant, Presence, Status, Struct, Ty, TypeDef, TypeKind,
};

/// The items of `types.rs` for `defs`, a run of the model's types, in its order.
pub fn types_file(defs: &[TypeDef], docs: &Docs) -> Vec<Piece> {
    Templates::with(|t| {
        let mut items = Vec::new();
        for def in defs {
            match &def.kind {
                TypeKind::Struct(s) => items.push(Piece::from(emit_struct(t, def, s, docs))),
                TypeKind::Enum(e) => items.extend(emit_enum(t, def, e, docs)),
                TypeKind::Alias(target) => {
                    items.push(Piece::from(emit_alias(t, def, target, docs)))
                }
                TypeKind::Outcomes(variants) => {
                    items.push(Piece::Tokens(emit_outcomes(def, variants, docs)));
                }
            }
        }
        items
    })
}

thread_templates! {
    /// The pieces of the types and of their impls.
    struct Templates {
        structure: syn::Item = quote!(pub struct __Name { __fields: () }),
        field: syn::Field = quote!(pub __name: __Ty),
        additional: syn::Field = quote! {
            #[doc = " Properties beyond those above, as the server sent them."]
            pub __name: ::std::collections::BTreeMap<String, __Value>
        },
        alias: syn::Item = quote!(pub type __Name = __Target;),
        string_enum: syn::Item = quote! {
            #[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum __Name {
                #[doc = " A value this crate does not know yet, as the server sent it."]
                __Other(String),
            }
        },
        integer_enum: syn::Item = quote! {
            #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
            pub enum __Name {
                #[doc = " A value this crate does not know yet, as the server sent it."]
                __Other(i64),
            }
        },
        string_methods: syn::Item = quote! {
            impl __Name {
                #[doc = " Every value this crate knows."]
                pub const KNOWN: [Self; __count] = [__known];

                #[doc = " The value as it is on the wire."]
                pub fn as_str(&self) -> &str {
                    match self {
                        __arms => {}
                        Self::__Other(value) => value,
                    }
                }
            }
        },
        string_from: syn::Item = quote! {
            impl From<&str> for __Name {
                fn from(value: &str) -> Self {
                    match value {
                        __arms => {}
                        other => Self::__Other(other.to_owned()),
                    }
                }
            }
        },
        string_from_str: syn::Item = quote! {
            impl ::std::str::FromStr for __Name {
                type Err = ::std::convert::Infallible;

                fn from_str(value: &str) -> Result<Self, <Self as ::std::str::FromStr>::Err> {
                    Ok(Self::from(value))
                }
            }
        },
        string_display: syn::Item = quote! {
            impl ::std::fmt::Display for __Name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    f.write_str(self.as_str())
                }
            }
        },
        string_serialize: syn::Item = quote! {
            impl ::serde::Serialize for __Name {
                fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
                where
                    S: ::serde::Serializer,
                {
                    serializer.serialize_str(self.as_str())
                }
            }
        },
        string_deserialize: syn::Item = quote! {
            impl<'de> ::serde::Deserialize<'de> for __Name {
                fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    let value = <String as ::serde::Deserialize>::deserialize(deserializer)?;
                    Ok(Self::from(value.as_str()))
                }
            }
        },
        integer_methods: syn::Item = quote! {
            impl __Name {
                #[doc = " Every value this crate knows."]
                pub const KNOWN: [Self; __count] = [__known];

                #[doc = " The value as it is on the wire."]
                pub fn value(self) -> i64 {
                    match self {
                        __arms => {}
                        Self::__Other(value) => value,
                    }
                }
            }
        },
        integer_from: syn::Item = quote! {
            impl From<i64> for __Name {
                fn from(value: i64) -> Self {
                    match value {
                        __arms => {}
                        other => Self::__Other(other),
                    }
                }
            }
        },
        integer_from_str: syn::Item = quote! {
            impl ::std::str::FromStr for __Name {
                type Err = ::std::num::ParseIntError;

                fn from_str(value: &str) -> Result<Self, <Self as ::std::str::FromStr>::Err> {
                    value.parse::<i64>().map(Self::from)
                }
            }
        },
        integer_display: syn::Item = quote! {
            impl ::std::fmt::Display for __Name {
                fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                    ::std::fmt::Display::fmt(&self.value(), f)
                }
            }
        },
        integer_serialize: syn::Item = quote! {
            impl ::serde::Serialize for __Name {
                fn serialize<S>(&self, serializer: S) -> Result<S::Ok, S::Error>
                where
                    S: ::serde::Serializer,
                {
                    serializer.serialize_i64(self.value())
                }
            }
        },
        integer_deserialize: syn::Item = quote! {
            impl<'de> ::serde::Deserialize<'de> for __Name {
                fn deserialize<D>(deserializer: D) -> Result<Self, D::Error>
                where
                    D: ::serde::Deserializer<'de>,
                {
                    let value = <i64 as ::serde::Deserialize>::deserialize(deserializer)?;
                    Ok(Self::from(value))
                }
            }
        },
        known: Expr = quote!(Self::__Variant),
        to_wire: syn::Arm = quote!(Self::__Variant => __wire,),
        from_wire: syn::Arm = quote!(__wire => Self::__Variant,),
    }
}

fn emit_struct(t: &Templates, def: &TypeDef, s: &Struct, docs: &Docs) -> syn::Item {
    let mut fields: Vec<syn::Field> = s
        .fields
        .iter()
        .map(|field| emit_field(t, field, docs))
        .collect();
    if let Some((field, value)) = &s.additional {
        fields.push(t.additional.fill(vec![
            ("__name", Fill::Ident(ident(field))),
            ("__Value", Fill::Type(syn_ty(value, TypePath::Local))),
        ]));
    }
    let mut item = t.structure.fill(vec![
        ("__Name", Fill::Ident(ident(&def.name))),
        ("__fields", Fill::Fields(fields)),
    ]);
    // `Serialize` and `Deserialize` are written out, in `serialize.rs` and `deserialize.rs`.
    let eq = s.eq.then(|| quote!(, Eq));
    let default = s.default.then(|| quote!(Default,));
    let mut attrs = docs.attributes(&def.doc.lines());
    attrs.push(list_attr(
        "derive",
        quote!(Clone, Debug, #default PartialEq #eq),
    ));
    if let syn::Item::Struct(item) = &mut item {
        item.attrs = attrs;
    }
    item
}

fn emit_field(t: &Templates, field: &Field, docs: &Docs) -> syn::Field {
    let mut inner = syn_ty(&field.ty, TypePath::Local);
    if field.boxed {
        inner = generic("Box", inner);
    }
    let field_ty = match field.presence {
        Presence::Required => inner,
        Presence::Optional | Presence::Nullable => generic("Option", inner),
    };
    let mut emitted = t.field.fill(vec![
        ("__name", Fill::Ident(ident(&field.name))),
        ("__Ty", Fill::Type(field_ty)),
    ]);
    emitted.attrs = docs.attributes(&field.doc.lines());
    emitted
}

fn emit_alias(t: &Templates, def: &TypeDef, target: &Ty, docs: &Docs) -> syn::Item {
    let mut item = t.alias.fill(vec![
        ("__Name", Fill::Ident(ident(&def.name))),
        ("__Target", Fill::Type(syn_ty(target, TypePath::Local))),
    ]);
    if let syn::Item::Type(item) = &mut item {
        item.attrs = docs.attributes(&def.doc.lines());
    }
    item
}

/// An enum that also keeps values it does not know, so that the server can add one without
/// breaking the responses that carry it.
fn emit_enum(t: &Templates, def: &TypeDef, e: &Enum, docs: &Docs) -> Vec<Piece> {
    let name = || ("__Name", Fill::Ident(ident(&def.name)));
    let other = || ("__Other", Fill::Ident(ident(&e.other)));
    let variant = |v: &crate::model::Variant| ("__Variant", Fill::Ident(ident(&v.name)));
    let wires: Vec<syn::Expr> = match e.repr {
        EnumRepr::String => e.variants.iter().map(|v| str_expr(&v.wire)).collect(),
        EnumRepr::Integer => e
            .variants
            .iter()
            .map(|v| {
                literal(syn::Lit::new(Literal::i64_unsuffixed(
                    v.wire.parse().unwrap_or_default(),
                )))
            })
            .collect(),
    };
    let wire_pats: Vec<syn::Pat> = wires
        .iter()
        .map(|wire| match wire {
            syn::Expr::Lit(lit) => syn::Pat::Lit(lit.clone()),
            _ => unreachable!("a wire value is a literal"),
        })
        .collect();

    let mut definition = match e.repr {
        EnumRepr::String => &t.string_enum,
        EnumRepr::Integer => &t.integer_enum,
    }
    .fill(vec![name(), other()]);
    if let syn::Item::Enum(item) = &mut definition {
        item.attrs.splice(0..0, docs.attributes(&def.doc.lines()));
        for (index, v) in e.variants.iter().enumerate() {
            let variant = syn::Variant {
                attrs: docs.attributes(&[format!("`{}`", v.wire)]),
                ident: ident(&v.name),
                fields: syn::Fields::Unit,
                discriminant: None,
            };
            item.variants.insert(index, variant);
        }
    }

    let known = e
        .variants
        .iter()
        .map(|v| t.known.fill(vec![variant(v)]))
        .collect();
    let to_wire = e
        .variants
        .iter()
        .zip(&wires)
        .map(|(v, wire)| {
            t.to_wire
                .fill(vec![variant(v), ("__wire", Fill::Expr(wire.clone()))])
        })
        .collect();
    let from_wire = e
        .variants
        .iter()
        .zip(wire_pats)
        .map(|(v, wire)| {
            t.from_wire
                .fill(vec![variant(v), ("__wire", Fill::Pat(wire))])
        })
        .collect();
    let count = literal(syn::Lit::new(Literal::usize_unsuffixed(e.variants.len())));
    let [methods, from, from_str, display, serialize, deserialize] = match e.repr {
        EnumRepr::String => [
            &t.string_methods,
            &t.string_from,
            &t.string_from_str,
            &t.string_display,
            &t.string_serialize,
            &t.string_deserialize,
        ],
        EnumRepr::Integer => [
            &t.integer_methods,
            &t.integer_from,
            &t.integer_from_str,
            &t.integer_display,
            &t.integer_serialize,
            &t.integer_deserialize,
        ],
    };
    vec![
        definition,
        methods.fill(vec![
            name(),
            other(),
            ("__count", Fill::Expr(count)),
            ("__known", Fill::Exprs(known)),
            ("__arms", Fill::Arms(to_wire)),
        ]),
        from.fill(vec![name(), other(), ("__arms", Fill::Arms(from_wire))]),
        from_str.fill(vec![name()]),
        display.fill(vec![name()]),
        serialize.fill(vec![name()]),
        deserialize.fill(vec![name()]),
    ]
    .into_iter()
    .map(Piece::from)
    .collect()
}

/// An outer attribute `#[name(tokens)]`.
fn list_attr(name: &str, tokens: TokenStream) -> syn::Attribute {
    syn::Attribute {
        pound_token: Default::default(),
        style: syn::AttrStyle::Outer,
        bracket_token: Default::default(),
        meta: syn::Meta::List(syn::MetaList {
            path: syn::Path::from(ident(name)),
            delimiter: syn::MacroDelimiter::Paren(Default::default()),
            tokens,
        }),
    }
}

/// One variant per documented status, for operations whose statuses carry different bodies.
fn emit_outcomes(def: &TypeDef, variants: &[OutcomeVariant], docs: &Docs) -> TokenStream {
    let doc = docs.attrs(&def.doc.lines());
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
