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

use super::ident;
use crate::model::{Api, Presence, Struct, TypeDef, TypeKind};

/// Whether the crate has a `deserialize.rs`: whether it has a struct.
pub fn has_deserialize(api: &Api) -> bool {
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
pub fn deserialize_file(defs: &[TypeDef]) -> Vec<TokenStream> {
    defs.iter()
        .filter_map(|def| match &def.kind {
            TypeKind::Struct(s) => Some(emit_deserialize(def, s)),
            _ => None,
        })
        .collect()
}

/// `Deserialize` for a struct: the object's members read one by one and matched by name, with
/// unknown ones skipped, or kept where the struct keeps additional properties. A required
/// property that is missing is an error that names it; an optional or nullable one is `None`.
fn emit_deserialize(def: &TypeDef, s: &Struct) -> TokenStream {
    let name = ident(&def.name);
    let target = quote!(types::#name);
    let expecting = format!("an object of type {}", crate::naming::unraw(&def.name));
    let locals = locals(s);
    let local = |field: &str| ident(&locals[field]);
    let slots = s.fields.iter().map(|f| {
        let local = local(&f.name);
        quote!(let mut #local = None;)
    });
    let arms: Vec<_> = s
        .fields
        .iter()
        .map(|f| {
            let local = local(&f.name);
            let wire = &f.wire;
            match f.presence {
                Presence::Required => quote!(#wire => #local = Some(map.next_value()?),),
                Presence::Optional | Presence::Nullable => {
                    quote!(#wire => #local = map.next_value()?,)
                }
            }
        })
        .collect();
    let values = s.fields.iter().map(|f| {
        let field = ident(&f.name);
        let local = local(&f.name);
        match f.presence {
            Presence::Required => {
                let wire = &f.wire;
                quote!(#field: required(#local, #wire)?,)
            }
            Presence::Optional | Presence::Nullable => quote!(#field: #local,),
        }
    });
    // A key that no property has is kept where the struct keeps additional properties, and
    // skipped otherwise.
    let (extra_slot, extra_value, other) = match &s.additional {
        Some((field, _)) => {
            let local = local(field);
            let field = ident(field);
            (
                Some(quote!(let mut #local = std::collections::BTreeMap::new();)),
                Some(quote!(#field: #local,)),
                quote! {
                    let value = map.next_value()?;
                    #local.insert(key.into_string(), value);
                },
            )
        }
        None => (None, None, quote!(map.next_value::<IgnoredAny>()?;)),
    };
    let members = if arms.is_empty() && s.additional.is_none() {
        // Nothing to match: every member is skipped.
        quote! {
            while map.next_key::<Key<'de>>()?.is_some() {
                #other
            }
        }
    } else {
        quote! {
            while let Some(key) = map.next_key::<Key<'de>>()? {
                match key.as_str() {
                    #(#arms)*
                    _ => {
                        #other
                    }
                }
            }
        }
    };
    quote! {
        impl<'de> Deserialize<'de> for #target {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct Members;

                impl<'de> Visitor<'de> for Members {
                    type Value = #target;

                    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                        f.write_str(#expecting)
                    }

                    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<#target, A::Error> {
                        #(#slots)*
                        #extra_slot
                        #members
                        Ok(#target {
                            #(#values)*
                            #extra_value
                        })
                    }
                }

                deserializer.deserialize_map(Members)
            }
        }
    }
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
