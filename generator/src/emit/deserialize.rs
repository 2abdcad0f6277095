//! Emitting `deserialize.rs`: a `Deserialize` impl per struct, written out rather than derived.
//!
//! Users compile the output on every build. serde's derive also reads structs from sequences
//! and identifies fields by index and by bytes, none of which JSON needs and all of which the
//! compiler checks in every struct; these impls loop over an object's keys and match them, and
//! nothing else. They have a file of their own, so that `types.rs` reads as the types.
//!
//! The file declares nothing but impls and names the types through `types::`, so no schema
//! name can shadow what it uses, and it can use the prelude's names and short imports.

use std::collections::{BTreeMap, BTreeSet};

use proc_macro2::TokenStream;
use quote::quote;

use syn::{Arm, FieldValue, Stmt};

use super::template::{Fill, Template, thread_templates};
use super::{Piece, ident, str_expr, str_pat};
use crate::model::{Api, Presence, Struct, TypeDef, TypeKind};

/// Whether the crate has a `deserialize.rs` and a `serialize.rs`: whether it has a struct.
pub fn has_structs(api: &Api) -> bool {
    api.types
        .iter()
        .any(|t| matches!(t.kind, TypeKind::Struct(_)))
}

/// The imports that open `deserialize.rs`.
pub fn deserialize_head(api: &Api) -> Vec<TokenStream> {
    let required = api
        .types
        .iter()
        .any(|t| match &t.kind {
            TypeKind::Struct(s) => s.fields.iter().any(|f| f.presence == Presence::Required),
            _ => false,
        })
        .then(|| quote!(required,));
    vec![quote! {
        use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

        use crate::decode::{#required Key};
        use crate::types;
    }]
}

/// The items of `deserialize.rs` for `defs`, a run of the model's types: an impl per struct.
pub fn deserialize_file(defs: &[TypeDef]) -> Vec<Piece> {
    Templates::with(|t| {
        defs.iter()
            .filter_map(|def| match &def.kind {
                TypeKind::Struct(s) => Some(Piece::from(emit_deserialize(t, def, s))),
                _ => None,
            })
            .collect()
    })
}

thread_templates! {
    /// The pieces of a `Deserialize` impl.
    struct Templates {
        deserialize: syn::Item = quote! {
            impl<'de> Deserialize<'de> for types::__Target {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    struct Members;

                    impl<'de> Visitor<'de> for Members {
                        type Value = types::__Target;

                        fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                            f.write_str(__expecting)
                        }

                        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<types::__Target, A::Error> {
                            __slots;
                            __members;
                            Ok(types::__Target { __values: () })
                        }
                    }

                    deserializer.deserialize_map(Members)
                }
            }
        },
        slot: Stmt = quote!(let mut __local = None;),
        extra_slot: Stmt = quote!(let mut __local = std::collections::BTreeMap::new();),
        required_arm: Arm = quote!(__wire => __local = Some(map.next_value()?),),
        optional_arm: Arm = quote!(__wire => __local = map.next_value()?,),
        required_value: FieldValue = quote!(__field: required(__local, __wire)?),
        value: FieldValue = quote!(__field: __local),
        keep: Stmt = quote! {
            {
                let value = map.next_value()?;
                __local.insert(key.into_string(), value);
            }
        },
        skip: Stmt = quote!(map.next_value::<IgnoredAny>()?;),
        skip_all: Stmt = quote! {
            while map.next_key::<Key<'de>>()?.is_some() {
                __other;
            }
        },
        match_keys: Stmt = quote! {
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    __arms => {}
                    _ => {
                        __other;
                    }
                }
            }
        },
    }
}

/// `Deserialize` for a struct: the object's members read one by one and matched by name, with
/// unknown ones skipped, or kept where the struct keeps additional properties. A required
/// property that is missing is an error that names it; an optional or nullable one is `None`.
fn emit_deserialize(t: &Templates, def: &TypeDef, s: &Struct) -> syn::Item {
    let locals = locals(s);
    let local = |field: &str| Fill::Ident(ident(&locals[field]));
    let mut slots: Vec<Stmt> = s
        .fields
        .iter()
        .map(|f| t.slot.fill(vec![("__local", local(&f.name))]))
        .collect();
    let arms: Vec<Arm> = s
        .fields
        .iter()
        .map(|f| {
            let arm = match f.presence {
                Presence::Required => &t.required_arm,
                Presence::Optional | Presence::Nullable => &t.optional_arm,
            };
            arm.fill(vec![
                ("__wire", Fill::Pat(str_pat(&f.wire))),
                ("__local", local(&f.name)),
            ])
        })
        .collect();
    let mut values: Vec<FieldValue> = s
        .fields
        .iter()
        .map(|f| {
            let field = ("__field", Fill::Ident(ident(&f.name)));
            match f.presence {
                Presence::Required => t.required_value.fill(vec![
                    field,
                    ("__local", local(&f.name)),
                    ("__wire", Fill::Expr(str_expr(&f.wire))),
                ]),
                Presence::Optional | Presence::Nullable => {
                    t.value.fill(vec![field, ("__local", local(&f.name))])
                }
            }
        })
        .collect();
    // A key that no property has is kept where the struct keeps additional properties, and
    // skipped otherwise.
    let other = match &s.additional {
        Some((field, _)) => {
            slots.push(t.extra_slot.fill(vec![("__local", local(field))]));
            values.push(t.value.fill(vec![
                ("__field", Fill::Ident(ident(field))),
                ("__local", local(field)),
            ]));
            match t.keep.fill(vec![("__local", local(field))]) {
                Stmt::Expr(syn::Expr::Block(block), _) => block.block.stmts,
                _ => unreachable!("the template is a block"),
            }
        }
        None => vec![t.skip.clone()],
    };
    let members = if arms.is_empty() && s.additional.is_none() {
        // Nothing to match: every member is skipped.
        t.skip_all.fill(vec![("__other", Fill::Stmts(other))])
    } else {
        t.match_keys.fill(vec![
            ("__arms", Fill::Arms(arms)),
            ("__other", Fill::Stmts(other)),
        ])
    };
    let expecting = format!("an object of type {}", crate::naming::unraw(&def.name));
    t.deserialize.fill(vec![
        ("__Target", Fill::Ident(ident(&def.name))),
        ("__expecting", Fill::Expr(str_expr(&expecting))),
        ("__slots", Fill::Stmts(slots)),
        ("__members", Fill::Stmts(vec![members])),
        ("__values", Fill::Values(values)),
    ])
}

/// The local variable of each field (and of the additional properties) in `visit_map`:
/// `field_` and the field's name without leading underscores, which snake case would refuse
/// after the prefix, or `field_` and its position where two of those would be the same.
fn locals(s: &Struct) -> BTreeMap<&str, String> {
    let names: Vec<&str> = s
        .fields
        .iter()
        .map(|f| f.name.as_str())
        .chain(s.additional.as_ref().map(|(field, _)| field.as_str()))
        .collect();
    let readable: Vec<String> = names
        .iter()
        .map(|name| {
            format!(
                "field_{}",
                crate::naming::unraw(name).trim_start_matches('_')
            )
        })
        .collect();
    let distinct = readable.iter().collect::<BTreeSet<_>>().len() == names.len();
    names
        .iter()
        .zip(readable)
        .enumerate()
        .map(|(index, (name, readable))| {
            let local = if distinct {
                readable
            } else {
                format!("field_{index}")
            };
            (*name, local)
        })
        .collect()
}
