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

use syn::{Arm, Block, Expr, FieldValue, Stmt};

use super::template::{Fill, thread_templates};
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
                            __read;
                        }
                    }

                    deserializer.deserialize_map(Members)
                }
            }
        },
        into_locals: Block = quote! {{
            __slots;
            __members;
            Ok(types::__Target { __values: () })
        }},
        into_default: Block = quote! {{
            let mut object = types::__Target::default();
            __members;
            Ok(object)
        }},
        member_of_object: Expr = quote!(object.__field),
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
///
/// A struct without required properties has a `Default`, and its members are read straight
/// into it; the others (and a struct with no members, which has nothing to read into) are read
/// into a local variable each, checked once the object ends.
fn emit_deserialize(t: &Templates, def: &TypeDef, s: &Struct) -> syn::Item {
    let target = || ("__Target", Fill::Ident(ident(&def.name)));
    let empty = s.fields.is_empty() && s.additional.is_none();
    let locals = (!s.default || empty).then(|| locals(s));
    // Where the value of each field (or of the additional properties) is kept while reading.
    let place = |field: &str| match &locals {
        Some(locals) => Fill::Ident(ident(&locals[field])),
        None => Fill::Expr(
            t.member_of_object
                .fill(vec![("__field", Fill::Ident(ident(field)))]),
        ),
    };
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
                ("__local", place(&f.name)),
            ])
        })
        .collect();
    // A key that no property has is kept where the struct keeps additional properties, and
    // skipped otherwise.
    let other = match &s.additional {
        Some((field, _)) => match t.keep.fill(vec![("__local", place(field))]) {
            Stmt::Expr(syn::Expr::Block(block), _) => block.block.stmts,
            _ => unreachable!("the template is a block"),
        },
        None => vec![t.skip.tree.clone()],
    };
    let members = if empty {
        // Nothing to match: every member is skipped.
        t.skip_all.fill(vec![("__other", Fill::Stmts(other))])
    } else {
        t.match_keys.fill(vec![
            ("__arms", Fill::Arms(arms)),
            ("__other", Fill::Stmts(other)),
        ])
    };
    let read = match &locals {
        None => t
            .into_default
            .fill(vec![target(), ("__members", Fill::Stmts(vec![members]))]),
        Some(_) => t.into_locals.fill(vec![
            target(),
            ("__slots", Fill::Stmts(slots(t, s, &place))),
            ("__members", Fill::Stmts(vec![members])),
            ("__values", Fill::Values(values(t, s, &place))),
        ]),
    };
    let expecting = format!("an object of type {}", crate::naming::unraw(&def.name));
    t.deserialize.fill(vec![
        target(),
        ("__expecting", Fill::Expr(str_expr(&expecting))),
        ("__read", Fill::Stmts(read.stmts)),
    ])
}

/// The local variables that a struct's members are read into, each `None` (or empty) at first.
fn slots(t: &Templates, s: &Struct, place: &impl Fn(&str) -> Fill) -> Vec<Stmt> {
    let fields = s
        .fields
        .iter()
        .map(|f| t.slot.fill(vec![("__local", place(&f.name))]));
    let additional = s
        .additional
        .iter()
        .map(|(field, _)| t.extra_slot.fill(vec![("__local", place(field))]));
    fields.chain(additional).collect()
}

/// The struct's fields from the local variables, a missing required one an error.
fn values(t: &Templates, s: &Struct, place: &impl Fn(&str) -> Fill) -> Vec<FieldValue> {
    let fields = s.fields.iter().map(|f| {
        let field = ("__field", Fill::Ident(ident(&f.name)));
        match f.presence {
            Presence::Required => t.required_value.fill(vec![
                field,
                ("__local", place(&f.name)),
                ("__wire", Fill::Expr(str_expr(&f.wire))),
            ]),
            Presence::Optional | Presence::Nullable => {
                t.value.fill(vec![field, ("__local", place(&f.name))])
            }
        }
    });
    let additional = s.additional.iter().map(|(field, _)| {
        t.value.fill(vec![
            ("__field", Fill::Ident(ident(field))),
            ("__local", place(field)),
        ])
    });
    fields.chain(additional).collect()
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
