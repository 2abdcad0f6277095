//! Lowering: from the spec, as `openapiv3` reads it, to the model that emitting works from.
//!
//! Each type is keyed by the JSON pointer of the schema that defines it, so that a schema
//! reached twice (through two operations, an `allOf`, or a `$ref` into another schema) becomes
//! one type; its name comes from the schema's name, or from where an inline schema sits.

mod examples;
mod operation;
mod schema;

use std::collections::BTreeMap;

use openapiv3::OpenAPI;

use crate::Selection;
use crate::diag::Diagnostics;
use crate::model::{
    Api, Doc, Operation, ParamLocation, PathDefault, Server, Ty, TypeDef, TypeKind,
};
use crate::naming::{self, Scope};

/// Methods the client has whatever the spec says.
const CLIENT_METHODS: &[&str] = &["base_url", "builder", "clone", "fmt"];

/// Methods the client builder has whatever the spec says.
const BUILDER_METHODS: &[&str] = &[
    "bearer_token",
    "bearer_token_supplier",
    "build",
    "connect_timeout",
    "default_path_parameter",
    "fmt",
    "http_client",
    "log_bodies",
    "new",
    "responder",
    "retry",
    "timeout",
];

/// Lowers `spec` for the operations that `selection` takes. `finished` hears of each operation
/// as soon as it is complete, in the order of the spec: nothing lowered after it changes it, so
/// that emitting it can start while the rest is lowered.
pub fn lower(
    spec: &OpenAPI,
    selection: &Selection,
    diags: &mut Diagnostics,
    finished: &mut dyn FnMut(&Operation),
) -> Api {
    let mut lowerer = Lowerer::new(spec, diags);
    lowerer.operations(selection, finished);
    if matches!(selection, Selection::All) {
        for name in spec.components.iter().flat_map(|c| c.schemas.keys()) {
            lowerer.component(name, "#/components/schemas");
        }
    }
    lowerer.finish()
}

pub(crate) struct Lowerer<'a> {
    spec: &'a OpenAPI,
    diags: &'a mut Diagnostics,
    type_scope: Scope,
    method_scope: Scope,
    example_scope: Scope,
    names: naming::Memo,
    /// The type name of every component schema, claimed before anything else.
    component_names: BTreeMap<String, String>,
    /// The type name given to the schema at each pointer.
    by_pointer: BTreeMap<String, String>,
    types: BTreeMap<String, TypeDef>,
    /// `$ref`s into other schemas being lowered, to catch one that reaches itself.
    resolving: std::collections::BTreeSet<String>,
    /// Examples found while lowering, checked once every type is known.
    pending: Vec<examples::PendingExample>,
    api: Api,
}

impl<'a> Lowerer<'a> {
    fn new(spec: &'a OpenAPI, diags: &'a mut Diagnostics) -> Self {
        let mut type_scope = Scope::default();
        let mut component_names = BTreeMap::new();
        for name in spec.components.iter().flat_map(|c| c.schemas.keys()) {
            let wanted = naming::type_name(name);
            let (claimed, changed) = type_scope.claim(wanted.clone());
            if changed {
                diags.warning(
                    crate::diag::pointer("#/components/schemas", name),
                    format!(
                        "schema `{name}` would be type `{wanted}`, which another schema \
                         already is; it is `{claimed}`"
                    ),
                );
            }
            component_names.insert(name.clone(), claimed);
        }
        let api = Api {
            title: spec.info.title.clone(),
            version: spec.info.version.clone(),
            doc: Doc::description(spec.info.description.as_deref()),
            ..Api::default()
        };
        let mut lowerer = Self {
            spec,
            diags,
            type_scope,
            method_scope: Scope::with_reserved(CLIENT_METHODS),
            example_scope: Scope::with_reserved(&["round_trip", "same"]),
            names: naming::Memo::default(),
            component_names,
            by_pointer: BTreeMap::new(),
            types: BTreeMap::new(),
            resolving: std::collections::BTreeSet::new(),
            pending: Vec::new(),
            api,
        };
        lowerer.servers();
        lowerer
    }

    /// Names each server after the first label of its host (`us.authlete.com` is `Us`).
    fn servers(&mut self) {
        let mut scope = Scope::with_reserved(&["Custom"]);
        for (i, server) in self.spec.servers.iter().enumerate() {
            let pointer = format!("#/servers/{i}");
            if !server.variables.as_ref().is_none_or(|v| v.is_empty()) || server.url.contains('{') {
                self.diags.error(
                    pointer,
                    "server URLs with variables are not supported; give each server as a \
                     fixed URL",
                );
                continue;
            }
            let Some(host) = server
                .url
                .split_once("://")
                .map(|(_, rest)| rest.split(['/', ':']).next().unwrap_or(""))
                .filter(|h| !h.is_empty())
            else {
                self.diags.warning(
                    pointer,
                    format!(
                        "server URL `{}` is not absolute; it is left out of `Server`, and \
                         a base URL can be given to the client instead",
                        server.url
                    ),
                );
                continue;
            };
            let label = host.split('.').next().unwrap_or(host);
            let (name, _) = scope.claim(naming::variant_name(label));
            let doc = Doc::description(server.description.as_deref())
                .then(Doc::line(format!("<{}>", server.url.trim_end_matches('/'))));
            self.api.servers.push(Server {
                name,
                url: server.url.trim_end_matches('/').to_owned(),
                doc,
            });
        }
    }

    /// Claims a type name for an inline schema, saying so when it had to change.
    fn claim_type(&mut self, wanted: String, pointer: &str) -> String {
        let (name, changed) = self.type_scope.claim(wanted.clone());
        if changed {
            self.diags.warning(
                pointer,
                format!("type name `{wanted}` is taken by another schema; this one is `{name}`"),
            );
        }
        name
    }

    fn define(&mut self, def: TypeDef) {
        self.types.insert(def.name.clone(), def);
    }

    /// One `default_*` builder method per string path parameter name, in the order met.
    fn path_defaults(&mut self) {
        let mut scope = Scope::with_reserved(BUILDER_METHODS);
        let mut seen = std::collections::BTreeSet::new();
        let params = self.api.operations.iter().flat_map(|op| &op.params);
        for p in params.filter(|p| p.location == ParamLocation::Path && p.ty == Ty::String) {
            if seen.insert(p.wire.clone()) {
                let wanted = naming::value_name(&format!("default {}", p.wire));
                let (setter, _) = scope.claim(wanted);
                self.api.path_defaults.push(PathDefault {
                    wire: p.wire.clone(),
                    setter,
                });
            }
        }
    }

    /// `ty` with aliases followed to what they stand for. A cycle of aliases stands for no type
    /// at all; it is `Ty::Json` here, and reported by [`Self::check_aliases`].
    pub(crate) fn unalias<'t>(&'t self, mut ty: &'t Ty) -> &'t Ty {
        static NOTHING: Ty = Ty::Json;
        for _ in 0..=self.types.len() {
            let Ty::Named(name) = ty else { return ty };
            match self.types.get(name).map(|t| &t.kind) {
                Some(TypeKind::Alias(target)) => ty = target,
                _ => return ty,
            }
        }
        &NOTHING
    }

    /// Reports aliases that contain themselves (`A` is `B` is `A`, or `A` is a list of `A`):
    /// Rust has no such type; the recursion must go through an object.
    fn check_aliases(&mut self) {
        let aliases: BTreeMap<&str, &Ty> = self
            .types
            .values()
            .filter_map(|t| match &t.kind {
                TypeKind::Alias(target) => Some((t.name.as_str(), target)),
                _ => None,
            })
            .collect();
        let mut cyclic = Vec::new();
        for &start in aliases.keys() {
            let mut pending: Vec<&str> = vec![start];
            let mut seen = std::collections::BTreeSet::new();
            while let Some(name) = pending.pop() {
                let Some(target) = aliases.get(name) else {
                    continue;
                };
                for mentioned in target.named() {
                    if mentioned == start {
                        cyclic.push(start.to_owned());
                        pending.clear();
                        break;
                    }
                    if seen.insert(mentioned) {
                        pending.push(mentioned);
                    }
                }
            }
        }
        for name in cyclic {
            let pointer = self
                .by_pointer
                .iter()
                .find(|(_, n)| **n == name)
                .map(|(p, _)| p.clone())
                .unwrap_or_default();
            self.diags.error(
                pointer,
                format!(
                    "schema for type `{name}` contains itself with no object in between, which no \
                     Rust type can be; let the recursion go through an object's property"
                ),
            );
        }
    }

    fn finish(mut self) -> Api {
        self.check_aliases();
        self.path_defaults();
        self.check_examples();
        let mut types: Vec<TypeDef> = std::mem::take(&mut self.types).into_values().collect();
        schema::settle(&mut types);
        self.api.types = types;
        self.api
    }
}
