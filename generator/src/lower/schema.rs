//! Lowering schemas into types: structs for objects, open enums for enumerations, aliases for
//! named schemas of any other shape, and plain Rust types for everything inline.

use std::collections::{BTreeMap, BTreeSet};

use openapiv3::{
    AdditionalProperties, IntegerFormat, NumberFormat, ReferenceOr, Schema, SchemaKind, Type,
    VariantOrUnknownOrEmpty,
};

use super::Lowerer;
use crate::diag::pointer as child;
use crate::model::{Doc, Enum, EnumRepr, Field, Presence, Struct, Ty, TypeDef, TypeKind, Variant};
use crate::naming::{self, Scope};

/// How deep `allOf` may nest before the spec is taken to be cyclic.
const MAX_ALL_OF_DEPTH: usize = 64;

const COMPONENTS: &str = "#/components/schemas";

/// A property on its way into a struct, from the schema or one of its `allOf` members.
struct Prop<'s> {
    wire: &'s str,
    schema: &'s ReferenceOr<Box<Schema>>,
    /// The name hint for an inline type of the property.
    hint: String,
    pointer: String,
}

/// The properties of an object schema, gathered across `allOf`.
#[derive(Default)]
struct Members<'s> {
    props: Vec<Prop<'s>>,
    required: BTreeSet<&'s str>,
    additional: Option<(&'s AdditionalProperties, String, String)>,
}

impl<'a> Lowerer<'a> {
    /// The type of the schema at `pointer`; `hint` names it if it needs a definition.
    pub(crate) fn schema(
        &mut self,
        schema: &'a ReferenceOr<Schema>,
        hint: &str,
        pointer: &str,
    ) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(item) => self.item(item, None, hint, pointer),
        }
    }

    fn boxed_schema(
        &mut self,
        schema: &'a ReferenceOr<Box<Schema>>,
        hint: &str,
        pointer: &str,
    ) -> Ty {
        match schema {
            ReferenceOr::Reference { reference } => self.reference(reference, pointer),
            ReferenceOr::Item(item) => self.item(item, None, hint, pointer),
        }
    }

    /// The type a `$ref` found at `at` stands for.
    fn reference(&mut self, reference: &str, at: &str) -> Ty {
        let Some(path) = reference.strip_prefix("#/components/schemas/") else {
            self.diags.error(
                at,
                format!(
                    "`$ref: {reference}` is not supported; a schema reference must point into \
                     `#/components/schemas` of the same document"
                ),
            );
            return Ty::Json;
        };
        let mut tokens = path.split('/').map(unescape);
        let name = tokens.next().unwrap_or_default();
        let rest: Vec<String> = tokens.collect();
        if rest.is_empty() {
            return self.component(&name, at);
        }
        match self.resolve(&name, &rest) {
            Some(_) if self.resolving.contains(reference) => {
                self.diags.error(
                    at,
                    format!(
                        "`$ref: {reference}` reaches itself with no object in between, which no \
                         Rust type can be; let the recursion go through an object's property"
                    ),
                );
                Ty::Json
            }
            Some((schema, hint)) => {
                self.resolving.insert(reference.to_owned());
                let ty = self.item(schema, None, &hint, reference);
                self.resolving.remove(reference);
                ty
            }
            None => {
                self.diags
                    .error(at, format!("`$ref: {reference}` points to nothing"));
                Ty::Json
            }
        }
    }

    /// The type of the component schema `name`, lowering it on first use.
    pub(crate) fn component(&mut self, name: &str, at: &str) -> Ty {
        let spec = self.spec;
        let Some(schema) = spec.components.as_ref().and_then(|c| c.schemas.get(name)) else {
            let known = spec.components.iter().flat_map(|c| c.schemas.keys());
            let hint = crate::suggest(name, known)
                .map(|s| format!("; did you mean `{s}`?"))
                .unwrap_or_default();
            self.diags.error(
                at,
                format!("`$ref` to schema `{name}`, which does not exist{hint}"),
            );
            return Ty::Json;
        };
        let pointer = child(COMPONENTS, name);
        let type_name = self.component_names[name].clone();
        if self.by_pointer.contains_key(&pointer) {
            return Ty::Named(type_name);
        }
        self.by_pointer.insert(pointer.clone(), type_name.clone());
        match schema {
            ReferenceOr::Reference { reference } => {
                let target = self.reference(reference, &pointer);
                self.define(TypeDef {
                    name: type_name.clone(),
                    doc: Doc::default(),
                    kind: TypeKind::Alias(target),
                });
                Ty::Named(type_name)
            }
            ReferenceOr::Item(item) => self.item(item, Some(type_name), name, &pointer),
        }
    }

    /// Finds the schema that `tokens` point to inside component `name`, with the name hint
    /// that lowering it in place would have had.
    fn resolve(&self, name: &str, tokens: &[String]) -> Option<(&'a Schema, String)> {
        let spec = self.spec;
        let mut schema = spec.components.as_ref()?.schemas.get(name)?.as_item()?;
        let mut hint = self.component_names.get(name)?.clone();
        let mut tokens = tokens.iter();
        while let Some(token) = tokens.next() {
            schema = match token.as_str() {
                "properties" => {
                    let key = tokens.next()?;
                    hint = format!("{hint} {key}");
                    properties(schema)?.get(key)?.as_item()?
                }
                "items" => {
                    hint = format!("{hint} item");
                    items(schema)?.as_item()?
                }
                "allOf" => {
                    let SchemaKind::AllOf { all_of } = &schema.schema_kind else {
                        return None;
                    };
                    all_of
                        .get(tokens.next()?.parse::<usize>().ok()?)?
                        .as_item()?
                }
                _ => return None,
            };
        }
        Some((schema, hint))
    }

    /// Lowers a schema given in place. `name` is set for component schemas, which always get
    /// a definition of their own; inline ones get one only when they are objects or enums.
    fn item(&mut self, schema: &'a Schema, name: Option<String>, hint: &str, pointer: &str) -> Ty {
        // Only a definition has the schema's description as its doc; made where one is.
        let doc = || Doc::description(schema.schema_data.description.as_deref());
        let ty = if needs_definition(schema) {
            let name = match name {
                Some(name) => name,
                None => {
                    if let Some(existing) = self.by_pointer.get(pointer) {
                        return nullable(schema, Ty::Named(existing.clone()));
                    }
                    let name = self.claim_type(naming::type_name(hint), pointer);
                    self.by_pointer.insert(pointer.to_owned(), name.clone());
                    name
                }
            };
            let kind = match &schema.schema_kind {
                SchemaKind::Type(Type::String(s)) => {
                    let values = s.enumeration.iter().flatten().cloned().collect();
                    TypeKind::Enum(self.enumeration(values, EnumRepr::String, pointer))
                }
                SchemaKind::Type(Type::Integer(i)) => {
                    let values = i.enumeration.iter().flatten().map(i64::to_string).collect();
                    TypeKind::Enum(self.enumeration(values, EnumRepr::Integer, pointer))
                }
                _ => TypeKind::Struct(self.object(schema, &name, pointer)),
            };
            self.define(TypeDef {
                name: name.clone(),
                doc: doc(),
                kind,
            });
            Ty::Named(name)
        } else {
            let ty = self.plain(schema, hint, pointer);
            match name {
                Some(name) => {
                    self.define(TypeDef {
                        name: name.clone(),
                        doc: doc(),
                        kind: TypeKind::Alias(ty),
                    });
                    Ty::Named(name)
                }
                None => ty,
            }
        };
        nullable(schema, ty)
    }

    /// The Rust type of a schema that needs no definition of its own.
    fn plain(&mut self, schema: &'a Schema, hint: &str, pointer: &str) -> Ty {
        match &schema.schema_kind {
            SchemaKind::Type(Type::String(_)) => Ty::String,
            SchemaKind::Type(Type::Boolean(_)) => Ty::Bool,
            SchemaKind::Type(Type::Integer(i)) => match i.format {
                VariantOrUnknownOrEmpty::Item(IntegerFormat::Int32) => Ty::I32,
                _ => Ty::I64,
            },
            SchemaKind::Type(Type::Number(n)) => {
                if !n.enumeration.is_empty() {
                    self.diags.warning(
                        pointer,
                        "enumerations of numbers are not checked; the values are plain numbers",
                    );
                }
                match n.format {
                    VariantOrUnknownOrEmpty::Item(NumberFormat::Float) => Ty::F32,
                    _ => Ty::F64,
                }
            }
            SchemaKind::Type(Type::Array(a)) => match &a.items {
                Some(items) => {
                    let item_hint = format!("{hint} item");
                    Ty::Vec(Box::new(self.boxed_schema(
                        items,
                        &item_hint,
                        &child(pointer, "items"),
                    )))
                }
                None => Ty::Vec(Box::new(Ty::Json)),
            },
            SchemaKind::Type(Type::Object(o)) => {
                self.map(o.additional_properties.as_ref(), hint, pointer)
            }
            SchemaKind::AllOf { all_of } => match all_of.as_slice() {
                [only] => self.schema(only, hint, &child(&child(pointer, "allOf"), "0")),
                _ => unreachable!("a merged allOf needs a definition"),
            },
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Not { .. } => {
                let construct = match &schema.schema_kind {
                    SchemaKind::OneOf { .. } => "oneOf",
                    SchemaKind::AnyOf { .. } => "anyOf",
                    _ => "not",
                };
                self.diags.error(
                    pointer,
                    format!(
                        "`{construct}` is not supported yet; describe the value with `type`, \
                         `properties` and `allOf`"
                    ),
                );
                Ty::Json
            }
            SchemaKind::Any(any) => {
                if !any.one_of.is_empty() || !any.any_of.is_empty() || any.not.is_some() {
                    self.diags.error(
                        pointer,
                        "`oneOf`, `anyOf` and `not` are not supported yet; describe the value \
                         with `type`, `properties` and `allOf`",
                    );
                    return Ty::Json;
                }
                match any.typ.as_deref() {
                    Some("object") => self.map(any.additional_properties.as_ref(), hint, pointer),
                    Some("array") => match &any.items {
                        Some(items) => {
                            let item_hint = format!("{hint} item");
                            let items =
                                self.boxed_schema(items, &item_hint, &child(pointer, "items"));
                            Ty::Vec(Box::new(items))
                        }
                        None => Ty::Vec(Box::new(Ty::Json)),
                    },
                    Some("string") => Ty::String,
                    Some("integer") => Ty::I64,
                    Some("number") => Ty::F64,
                    Some("boolean") => Ty::Bool,
                    Some(other) => {
                        self.diags.error(
                            child(pointer, "type"),
                            format!(
                                "unknown type `{other}`; expected one of string, integer, \
                                 number, boolean, array, object"
                            ),
                        );
                        Ty::Json
                    }
                    None => Ty::Json,
                }
            }
        }
    }

    /// An object without properties: a map when it says what its values are.
    fn map(
        &mut self,
        additional: Option<&'a AdditionalProperties>,
        hint: &str,
        pointer: &str,
    ) -> Ty {
        match additional {
            Some(AdditionalProperties::Schema(values)) => {
                let hint = format!("{hint} value");
                let pointer = child(pointer, "additionalProperties");
                Ty::Map(Box::new(self.schema(values, &hint, &pointer)))
            }
            _ => Ty::JsonObject,
        }
    }

    /// The struct of an object schema, its `allOf` members merged in.
    fn object(&mut self, schema: &'a Schema, name: &str, pointer: &str) -> Struct {
        let mut members = Members::default();
        let mut visiting = BTreeSet::new();
        self.gather(schema, name, pointer, &mut members, &mut visiting, 0);

        // A property that an `allOf` member repeats is the last member's.
        let mut seen = BTreeMap::new();
        for (i, prop) in members.props.iter().enumerate() {
            seen.insert(prop.wire, i);
        }
        let mut scope = Scope::default();
        let mut fields = Vec::new();
        for (i, prop) in members.props.iter().enumerate() {
            if seen[prop.wire] != i {
                continue;
            }
            let wanted = self.names.value_name(prop.wire);
            let (field_name, changed) = scope.claim(wanted.clone());
            if changed {
                self.diags.warning(
                    &prop.pointer,
                    format!(
                        "property `{}` would be field `{wanted}`, which another property \
                         already is; it is `{field_name}`",
                        prop.wire
                    ),
                );
            }
            let ty = self.boxed_schema(prop.schema, &prop.hint, &prop.pointer);
            let item = prop.schema.as_item();
            let read_only = item.is_some_and(|s| s.schema_data.read_only);
            let doc = Doc::description(item.and_then(|s| s.schema_data.description.as_deref()));
            let required = members.required.contains(prop.wire) && !read_only;
            let (ty, presence) = match (ty, required) {
                (Ty::Option(inner), true) => (*inner, Presence::Nullable),
                (Ty::Option(inner), false) => (*inner, Presence::Optional),
                (ty, true) => (ty, Presence::Required),
                (ty, false) => (ty, Presence::Optional),
            };
            fields.push(Field {
                name: field_name,
                wire: prop.wire.to_owned(),
                ty,
                presence,
                boxed: false,
                doc,
            });
        }

        let additional = match members.additional {
            Some((AdditionalProperties::Any(true), ..)) => Some(Ty::Json),
            Some((AdditionalProperties::Schema(values), hint, pointer)) => {
                Some(self.schema(values, &format!("{hint} value"), &pointer))
            }
            _ => None,
        };
        let additional = additional.map(|ty| (scope.claim("additional_properties".into()).0, ty));
        Struct {
            fields,
            additional,
            eq: true,
            default: true,
        }
    }

    /// Collects the properties of `schema` and of its `allOf` members into `members`.
    fn gather(
        &mut self,
        schema: &'a Schema,
        hint: &str,
        pointer: &str,
        members: &mut Members<'a>,
        visiting: &mut BTreeSet<String>,
        depth: usize,
    ) {
        if depth > MAX_ALL_OF_DEPTH || !visiting.insert(pointer.to_owned()) {
            self.diags.error(pointer, "`allOf` refers back to itself");
            return;
        }
        type Props = indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>;
        let (props, required, additional, all_of): (Option<&'a Props>, &'a [String], _, _) =
            match &schema.schema_kind {
                SchemaKind::Type(Type::Object(o)) => (
                    Some(&o.properties),
                    &o.required,
                    o.additional_properties.as_ref(),
                    &[][..],
                ),
                SchemaKind::AllOf { all_of } => (None, &[], None, &all_of[..]),
                SchemaKind::Any(any) => (
                    Some(&any.properties),
                    &any.required,
                    any.additional_properties.as_ref(),
                    &any.all_of[..],
                ),
                _ => {
                    self.diags.error(
                        pointer,
                        "an `allOf` member must be an object schema; this one is not",
                    );
                    visiting.remove(pointer);
                    return;
                }
            };
        members.required.extend(required.iter().map(String::as_str));
        let props_pointer = child(pointer, "properties");
        for (wire, prop) in props.into_iter().flatten() {
            members.props.push(Prop {
                wire,
                schema: prop,
                hint: format!("{hint} {wire}"),
                pointer: child(&props_pointer, wire),
            });
        }
        if let Some(additional) = additional {
            members.additional = Some((
                additional,
                hint.to_owned(),
                child(pointer, "additionalProperties"),
            ));
        }
        let all_of_pointer = child(pointer, "allOf");
        for (i, member) in all_of.iter().enumerate() {
            match member {
                ReferenceOr::Item(item) => {
                    let at = child(&all_of_pointer, &i.to_string());
                    self.gather(item, hint, &at, members, visiting, depth + 1);
                }
                ReferenceOr::Reference { reference } => {
                    let Some(name) = reference.strip_prefix("#/components/schemas/") else {
                        self.diags.error(
                            child(&all_of_pointer, &i.to_string()),
                            format!("`$ref: {reference}` is not supported in `allOf`"),
                        );
                        continue;
                    };
                    let name = unescape(name);
                    let spec = self.spec;
                    let target = spec.components.as_ref().and_then(|c| c.schemas.get(&name));
                    match (
                        target.and_then(ReferenceOr::as_item),
                        self.component_names.get(&name),
                    ) {
                        (Some(item), Some(type_name)) => {
                            let type_name = type_name.clone();
                            let at = child(COMPONENTS, &name);
                            self.gather(item, &type_name, &at, members, visiting, depth + 1);
                        }
                        _ => {
                            let known = spec.components.iter().flat_map(|c| c.schemas.keys());
                            let hint = crate::suggest(&name, known)
                                .map(|s| format!("; did you mean `{s}`?"))
                                .unwrap_or_default();
                            self.diags.error(
                                child(&all_of_pointer, &i.to_string()),
                                format!("`$ref` to schema `{name}`, which does not exist{hint}"),
                            );
                        }
                    }
                }
            }
        }
        visiting.remove(pointer);
    }

    /// An open enum of `values`, each with a variant name of its own.
    fn enumeration(&mut self, values: Vec<String>, repr: EnumRepr, pointer: &str) -> Enum {
        let mut scope = Scope::default();
        let mut variants = Vec::with_capacity(values.len());
        let mut seen = BTreeSet::new();
        for wire in values {
            if !seen.insert(wire.clone()) {
                self.diags
                    .warning(pointer, format!("enum value `{wire}` is listed twice"));
                continue;
            }
            let wanted = match wire.strip_prefix('-') {
                Some(digits) if repr == EnumRepr::Integer => {
                    self.names.variant_name(&format!("minus {digits}"))
                }
                _ => self.names.variant_name(&wire),
            };
            let (name, changed) = scope.claim(wanted.clone());
            if changed {
                self.diags.warning(
                    pointer,
                    format!(
                        "enum value `{wire}` would be variant `{wanted}`, which another value \
                         already is; it is `{name}`"
                    ),
                );
            }
            variants.push(Variant { name, wire });
        }
        let (other, _) = scope.claim("Unrecognized".to_owned());
        Enum {
            variants,
            other,
            repr,
        }
    }
}

/// Whether a schema becomes a type of its own: objects with properties, `allOf` merges, and
/// enumerations of strings or integers.
fn needs_definition(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().any(Option::is_some),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.iter().any(Option::is_some),
        SchemaKind::Type(Type::Object(o)) => !o.properties.is_empty(),
        SchemaKind::AllOf { all_of } => all_of.len() != 1 || all_of[0].as_item().is_some(),
        SchemaKind::Any(any) => {
            any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.not.is_none()
                && (!any.properties.is_empty() || !any.all_of.is_empty())
        }
        _ => false,
    }
}

/// `Option<ty>` when the schema says the value may be `null`.
fn nullable(schema: &Schema, ty: Ty) -> Ty {
    let null_in_enum = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.iter().any(Option::is_none),
        _ => false,
    };
    if (schema.schema_data.nullable || null_in_enum) && !matches!(ty, Ty::Option(_)) {
        Ty::Option(Box::new(ty))
    } else {
        ty
    }
}

fn properties(schema: &Schema) -> Option<&indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some(&o.properties),
        SchemaKind::Any(any) => Some(&any.properties),
        _ => None,
    }
}

fn items(schema: &Schema) -> Option<&ReferenceOr<Box<Schema>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Array(a)) => a.items.as_ref(),
        SchemaKind::Any(any) => any.items.as_ref(),
        _ => None,
    }
}

/// Undoes RFC 6901's escaping of one pointer token.
fn unescape(token: &str) -> String {
    token.replace("~1", "/").replace("~0", "~")
}

/// Decides what emitting needs to know about the types as a whole: which fields must be boxed
/// to break a cycle, and which structs can derive `Eq` and `Default`.
pub(super) fn settle(types: &mut [TypeDef]) {
    let index: BTreeMap<String, usize> = types
        .iter()
        .enumerate()
        .map(|(i, t)| (t.name.clone(), i))
        .collect();

    // Types that contain one another directly (not through a `Vec` or a map) form cycles;
    // every direct edge inside a cycle is boxed.
    let direct: Vec<Vec<usize>> = types
        .iter()
        .map(|t| match &t.kind {
            TypeKind::Struct(s) => s
                .fields
                .iter()
                .filter_map(|f| direct_target(&f.ty, &index))
                .collect(),
            TypeKind::Alias(ty) => direct_target(ty, &index).into_iter().collect(),
            _ => Vec::new(),
        })
        .collect();
    let component = strongly_connected(&direct);
    for (i, def) in types.iter_mut().enumerate() {
        if let TypeKind::Struct(s) = &mut def.kind {
            for field in &mut s.fields {
                if let Some(target) = direct_target(&field.ty, &index) {
                    field.boxed = component[target] == component[i];
                }
            }
        }
    }

    // `Eq` holds unless a float is reachable; start from "yes" and take it back until stable.
    let mut eq = vec![true; types.len()];
    loop {
        let mut changed = false;
        for (i, def) in types.iter().enumerate() {
            if !eq[i] {
                continue;
            }
            let holds = match &def.kind {
                TypeKind::Struct(s) => {
                    s.fields.iter().all(|f| ty_eq(&f.ty, &index, &eq))
                        && s.additional
                            .as_ref()
                            .is_none_or(|(_, t)| ty_eq(t, &index, &eq))
                }
                TypeKind::Alias(ty) => ty_eq(ty, &index, &eq),
                TypeKind::Enum(_) => true,
                TypeKind::Outcomes(variants) => {
                    variants.iter().all(|v| ty_eq(&v.body.ty(), &index, &eq))
                }
            };
            if !holds {
                eq[i] = false;
                changed = true;
            }
        }
        if !changed {
            break;
        }
    }
    for (i, def) in types.iter_mut().enumerate() {
        if let TypeKind::Struct(s) = &mut def.kind {
            s.eq = eq[i];
            s.default = s.fields.iter().all(|f| f.presence != Presence::Required);
        }
    }
}

/// The named type that `ty` holds inline, if any.
fn direct_target(ty: &Ty, index: &BTreeMap<String, usize>) -> Option<usize> {
    match ty {
        Ty::Named(name) => index.get(name).copied(),
        Ty::Option(inner) => direct_target(inner, index),
        _ => None,
    }
}

fn ty_eq(ty: &Ty, index: &BTreeMap<String, usize>, eq: &[bool]) -> bool {
    match ty {
        Ty::F32 | Ty::F64 => false,
        Ty::Named(name) => index.get(name).is_none_or(|&i| eq[i]),
        Ty::Vec(inner) | Ty::Map(inner) | Ty::Option(inner) => ty_eq(inner, index, eq),
        _ => true,
    }
}

/// Tarjan's algorithm, without recursion: the component number of every node.
fn strongly_connected(edges: &[Vec<usize>]) -> Vec<usize> {
    const UNSEEN: usize = usize::MAX;
    let n = edges.len();
    let mut order = vec![UNSEEN; n];
    let mut low = vec![0; n];
    let mut on_stack = vec![false; n];
    let mut stack = Vec::new();
    let mut component = vec![UNSEEN; n];
    let mut next_order = 0;
    let mut next_component = 0;
    for root in 0..n {
        if order[root] != UNSEEN {
            continue;
        }
        let mut work = vec![(root, 0)];
        while let Some(&mut (node, ref mut edge)) = work.last_mut() {
            if *edge == 0 && order[node] == UNSEEN {
                order[node] = next_order;
                low[node] = next_order;
                next_order += 1;
                stack.push(node);
                on_stack[node] = true;
            }
            if let Some(&next) = edges[node].get(*edge) {
                *edge += 1;
                if order[next] == UNSEEN {
                    work.push((next, 0));
                } else if on_stack[next] {
                    low[node] = low[node].min(order[next]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[node]);
            }
            if low[node] == order[node] {
                while let Some(member) = stack.pop() {
                    on_stack[member] = false;
                    component[member] = next_component;
                    if member == node {
                        break;
                    }
                }
                next_component += 1;
            }
        }
    }
    component
}
