//! The public surface of a generated crate as a short listing: every type with its fields or
//! variants, and every method's signature. A diff of it shows a reviewer what a spec change
//! does to users, without the bodies that no user calls.

use std::fmt::Write;

use crate::model::{Api, Body, BodyEncoding, EnumRepr, ParamLocation, Presence, Ty, TypeKind};
use crate::naming::unraw;

/// The listing for `api`.
pub fn listing(api: &Api) -> String {
    let mut out = String::new();
    for server in &api.servers {
        let _ = writeln!(out, "server {} = {}", server.name, server.url);
    }
    for def in &api.types {
        match &def.kind {
            TypeKind::Struct(s) => {
                let _ = writeln!(out, "struct {} {{", def.name);
                for f in &s.fields {
                    let mut ty = render(&f.ty);
                    if f.boxed {
                        ty = format!("Box<{ty}>");
                    }
                    if f.presence != Presence::Required {
                        ty = format!("Option<{ty}>");
                    }
                    let _ = writeln!(out, "    {}: {ty},", unraw(&f.name));
                }
                if let Some((name, ty)) = &s.additional {
                    let _ = writeln!(
                        out,
                        "    #[flatten] {name}: BTreeMap<String, {}>,",
                        render(ty)
                    );
                }
                out.push_str("}\n");
            }
            TypeKind::Enum(e) => {
                let raw = match e.repr {
                    EnumRepr::String => "String",
                    EnumRepr::Integer => "i64",
                };
                let variants: Vec<String> = e.variants.iter().map(|v| v.name.clone()).collect();
                let _ = writeln!(
                    out,
                    "enum {} {{ {}, {}({raw}) }}",
                    def.name,
                    variants.join(", "),
                    e.other
                );
            }
            TypeKind::Alias(ty) => {
                let _ = writeln!(out, "type {} = {};", def.name, render(ty));
            }
            TypeKind::Outcomes(variants) => {
                let variants: Vec<String> = variants
                    .iter()
                    .map(|v| match &v.body {
                        Body::Empty => v.name.clone(),
                        body => format!("{}({})", v.name, render(&body.ty())),
                    })
                    .collect();
                let _ = writeln!(out, "enum {} {{ {} }}", def.name, variants.join(", "));
            }
        }
    }
    for d in &api.path_defaults {
        let _ = writeln!(
            out,
            "ClientBuilder::{}(value: impl Into<String>) sets `{}`",
            d.setter, d.wire
        );
    }
    for op in &api.operations {
        let mut args: Vec<String> = op
            .params
            .iter()
            .map(|p| {
                let ty = match &p.ty {
                    Ty::String if p.location == ParamLocation::Path => "impl PathValue".to_owned(),
                    Ty::String => "&str".to_owned(),
                    Ty::Named(n) => format!("&{n}"),
                    other => render(other),
                };
                let ty = if p.required {
                    ty
                } else {
                    format!("Option<{ty}>")
                };
                format!("{}: {ty}", unraw(&p.name))
            })
            .collect();
        if let Some(body) = &op.body {
            let ty = match (&body.ty, body.encoding) {
                (_, BodyEncoding::Text) => "&str".to_owned(),
                (Ty::Vec(item), _) => format!("&[{}]", render(item)),
                (ty, _) => format!("&{}", render(ty)),
            };
            let ty = if body.required {
                ty
            } else {
                format!("Option<{ty}>")
            };
            args.push(format!("body: {ty}"));
        }
        let result = format!("Result<{}, Error<{}>>", render(&op.ok), render(&op.error));
        for name in std::iter::once(&op.name).chain(&op.form_name) {
            let _ = writeln!(
                out,
                "async fn {}({}) -> {result}",
                unraw(name),
                args.join(", ")
            );
        }
    }
    out
}

fn render(ty: &Ty) -> String {
    match ty {
        Ty::String => "String".to_owned(),
        Ty::Bool => "bool".to_owned(),
        Ty::I32 => "i32".to_owned(),
        Ty::I64 => "i64".to_owned(),
        Ty::F32 => "f32".to_owned(),
        Ty::F64 => "f64".to_owned(),
        Ty::Json => "Value".to_owned(),
        Ty::JsonObject => "Map<String, Value>".to_owned(),
        Ty::Unit => "()".to_owned(),
        Ty::Named(name) => name.clone(),
        Ty::Vec(item) => format!("Vec<{}>", render(item)),
        Ty::Map(value) => format!("BTreeMap<String, {}>", render(value)),
        Ty::Option(inner) => format!("Option<{}>", render(inner)),
    }
}
