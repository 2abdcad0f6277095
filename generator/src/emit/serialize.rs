//! Emitting `serialize.rs`: a `Serialize` impl per struct, written out rather than derived.
//!
//! serde's derive spells out the same calls through its own private paths and counts the
//! members that it will write, which the compiler checks in every struct; these impls write an
//! object's members one by one and nothing else. JSON objects, form bodies and every other
//! self-describing format read them as serde's derive would have written them: the same keys,
//! in the order of the struct, an optional property left out when it is `None`, and the
//! additional properties after the others.

use proc_macro2::TokenStream;
use quote::quote;
use syn::Stmt;

use super::template::{Fill, thread_templates};
use super::{Piece, ident, str_expr};
use crate::model::{Api, Presence, Struct, TypeDef, TypeKind};

/// The imports that open `serialize.rs`.
pub fn serialize_head(api: &Api) -> Vec<TokenStream> {
    let optional = api.types.iter().any(|t| match &t.kind {
        TypeKind::Struct(s) => s.fields.iter().any(|f| f.presence == Presence::Optional),
        _ => false,
    });
    let optional = optional.then(|| {
        quote!(
            use crate::encode::optional;
        )
    });
    vec![quote! {
        use serde::ser::{Serialize, SerializeMap, Serializer};

        #optional
        use crate::types;
    }]
}

/// The items of `serialize.rs` for `defs`, a run of the model's types: an impl per struct.
pub fn serialize_file(defs: &[TypeDef]) -> Vec<Piece> {
    Templates::with(|t| {
        defs.iter()
            .filter_map(|def| match &def.kind {
                TypeKind::Struct(s) => Some(Piece::from(emit_serialize(t, def, s))),
                _ => None,
            })
            .collect()
    })
}

thread_templates! {
    /// The pieces of a `Serialize` impl.
    struct Templates {
        serialize: syn::Item = quote! {
            impl Serialize for types::__Target {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    let mut map = serializer.serialize_map(None)?;
                    __members;
                    map.end()
                }
            }
        },
        serialize_empty: syn::Item = quote! {
            impl Serialize for types::__Target {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_map(Some(0))?.end()
                }
            }
        },
        member: Stmt = quote!(map.serialize_entry(__wire, &self.__field)?;),
        optional: Stmt = quote!(optional(&mut map, __wire, &self.__field)?;),
        additional: Stmt = quote! {
            for (key, value) in &self.__field {
                map.serialize_entry(key, value)?;
            }
        },
    }
}

/// `Serialize` for a struct: each property under its name in the spec, an optional one only
/// when it is set, a nullable one as `null` when it is not, then the additional properties.
fn emit_serialize(t: &Templates, def: &TypeDef, s: &Struct) -> syn::Item {
    let target = ("__Target", Fill::Ident(ident(&def.name)));
    if s.fields.is_empty() && s.additional.is_none() {
        return t.serialize_empty.fill(vec![target]);
    }
    let mut members: Vec<Stmt> = s
        .fields
        .iter()
        .map(|f| {
            let member = match f.presence {
                Presence::Optional => &t.optional,
                Presence::Required | Presence::Nullable => &t.member,
            };
            member.fill(vec![
                ("__wire", Fill::Expr(str_expr(&f.wire))),
                ("__field", Fill::Ident(ident(&f.name))),
            ])
        })
        .collect();
    if let Some((field, _)) = &s.additional {
        members.push(
            t.additional
                .fill(vec![("__field", Fill::Ident(ident(field)))]),
        );
    }
    t.serialize
        .fill(vec![target, ("__members", Fill::Stmts(members))])
}
