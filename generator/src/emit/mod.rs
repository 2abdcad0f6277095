//! Emitting: the model into token streams, one function per construct. Nothing here sees the
//! spec; every name comes from the model as it is.

mod client;
mod deserialize;
mod krate;
mod serialize;
mod template;
mod types;

use std::cell::RefCell;

use proc_macro2::{Ident, Span, TokenStream};
use quote::quote;

use crate::model::Ty;

pub use client::{client_head, client_methods};
pub use deserialize::{deserialize_file, deserialize_head, has_structs};
pub use krate::{example_tests, lib_file, manifest};
pub use serialize::{serialize_file, serialize_head};
pub use types::types_file;

/// The identifier for a model name, raw where the model spelled it `r#name`.
pub(crate) fn ident(name: &str) -> Ident {
    match name.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(name, Span::call_site()),
    }
}

/// The text of one doc comment line. Spec text reaches docs from many places (titles, paths,
/// server URLs, enum values, example names), and all of it passes here, so control characters
/// are replaced here: rustc refuses a bare CR in a doc comment.
fn doc_text(line: &str) -> String {
    if line.is_empty() {
        return String::new();
    }
    let mut text = String::with_capacity(line.len() + 1);
    text.push(' ');
    if line.bytes().any(|b| b < 0x20 || b == 0x7f || b == 0xc2) {
        text.extend(line.chars().map(|c| if c.is_control() { ' ' } else { c }));
    } else {
        // Nothing to replace: control characters beyond ASCII start with the byte C2.
        text.push_str(line);
    }
    text
}

/// The doc comment lines of one section, kept beside its tokens rather than in them.
///
/// In the tokens each line is a doc attribute whose text is only its number here; `print` puts
/// the text back once prettyplease has laid the code out. Carried in the tokens, the text would
/// be escaped into a literal, taken apart by syn and unescaped by prettyplease again, for
/// nothing: a doc comment always ends its line, so its text cannot change the layout.
#[derive(Debug, Default)]
pub struct Docs(RefCell<Vec<String>>);

impl Docs {
    /// `#[doc]` for each line, so that they print as `///` comments.
    pub(crate) fn attrs(&self, lines: &[String]) -> TokenStream {
        let numbers = self.keep(lines);
        quote!(#(#[doc = #numbers])*)
    }

    /// The same as syntax trees, for items built without tokens.
    pub(crate) fn attributes(&self, lines: &[String]) -> Vec<syn::Attribute> {
        self.keep(lines)
            .into_iter()
            .map(|number| syn::Attribute {
                pound_token: Default::default(),
                style: syn::AttrStyle::Outer,
                bracket_token: Default::default(),
                meta: syn::Meta::NameValue(syn::MetaNameValue {
                    path: syn::Path::from(ident("doc")),
                    eq_token: Default::default(),
                    value: str_expr(&number),
                }),
            })
            .collect()
    }

    /// The same as inner attributes, for `//!` comments.
    pub(crate) fn inner_attrs(&self, lines: &[String]) -> TokenStream {
        let numbers = self.keep(lines);
        quote!(#(#![doc = #numbers])*)
    }

    /// Keeps `lines`, and gives the number of each, as the text of its attribute.
    fn keep(&self, lines: &[String]) -> Vec<String> {
        let mut kept = self.0.borrow_mut();
        lines
            .iter()
            .map(|line| {
                let number = kept.len().to_string();
                kept.push(doc_text(line));
                number
            })
            .collect()
    }

    /// The lines, each at the index that its attribute names.
    pub fn into_lines(self) -> Vec<String> {
        self.0.into_inner()
    }
}

/// The tokens of a part of a file: inner attributes (only in a file's first part), then items,
/// each printed on its own.
#[derive(Default)]
pub struct Section {
    pub inner: TokenStream,
    pub items: Vec<Piece>,
}

/// One item of a section, or a few printed together: as tokens, or as a syntax tree already.
pub enum Piece {
    Tokens(TokenStream),
    Tree(Box<syn::Item>),
}

impl From<TokenStream> for Piece {
    fn from(tokens: TokenStream) -> Self {
        Self::Tokens(tokens)
    }
}

impl From<syn::Item> for Piece {
    fn from(item: syn::Item) -> Self {
        Self::Tree(Box::new(item))
    }
}

/// Where named types are, seen from the code being emitted.
#[derive(Clone, Copy)]
pub(crate) enum TypePath {
    /// In `types.rs` itself.
    Local,
    /// Through `types::` in another module of the crate.
    Module,
    /// Through `crate::types::`, from a module that does not import it.
    Crate,
}

/// The tokens of a type. `String`, `Vec` and `Option` are the prelude's, as they read best:
/// naming gives every schema whose name would shadow one of them the prefix `Api`, even in
/// `types.rs`, where schema types are declared. Every other path is absolute.
pub(crate) fn ty(ty: &Ty, at: TypePath) -> TokenStream {
    match ty {
        Ty::String => quote!(String),
        Ty::Bool => quote!(bool),
        Ty::I32 => quote!(i32),
        Ty::I64 => quote!(i64),
        Ty::F32 => quote!(f32),
        Ty::F64 => quote!(f64),
        Ty::Json => quote!(::serde_json::Value),
        Ty::JsonObject => quote!(::serde_json::Map<String, ::serde_json::Value>),
        Ty::Unit => quote!(()),
        Ty::Named(name) => {
            let name = ident(name);
            match at {
                TypePath::Local => quote!(#name),
                TypePath::Module => quote!(types::#name),
                TypePath::Crate => quote!(crate::types::#name),
            }
        }
        Ty::Vec(item) => {
            let item = self::ty(item, at);
            quote!(Vec<#item>)
        }
        Ty::Map(value) => {
            let value = self::ty(value, at);
            quote!(::std::collections::BTreeMap<String, #value>)
        }
        Ty::Option(inner) => {
            let inner = self::ty(inner, at);
            quote!(Option<#inner>)
        }
    }
}

/// The syntax tree of a type; the same as [`ty`], built without tokens.
pub(crate) fn syn_ty(ty: &Ty, at: TypePath) -> syn::Type {
    match ty {
        Ty::String => path_ty(false, &["String"], Vec::new()),
        Ty::Bool => path_ty(false, &["bool"], Vec::new()),
        Ty::I32 => path_ty(false, &["i32"], Vec::new()),
        Ty::I64 => path_ty(false, &["i64"], Vec::new()),
        Ty::F32 => path_ty(false, &["f32"], Vec::new()),
        Ty::F64 => path_ty(false, &["f64"], Vec::new()),
        Ty::Json => path_ty(true, &["serde_json", "Value"], Vec::new()),
        Ty::JsonObject => path_ty(
            true,
            &["serde_json", "Map"],
            vec![
                path_ty(false, &["String"], Vec::new()),
                path_ty(true, &["serde_json", "Value"], Vec::new()),
            ],
        ),
        Ty::Unit => syn::Type::Tuple(syn::TypeTuple {
            paren_token: Default::default(),
            elems: syn::punctuated::Punctuated::new(),
        }),
        Ty::Named(name) => {
            let segments: &[&str] = match at {
                TypePath::Local => &[],
                TypePath::Module => &["types"],
                TypePath::Crate => &["crate", "types"],
            };
            let mut path = path_of(false, segments);
            path.segments.push(ident(name).into());
            plain_path_ty(path)
        }
        Ty::Vec(item) => path_ty(false, &["Vec"], vec![syn_ty(item, at)]),
        Ty::Map(value) => path_ty(
            true,
            &["std", "collections", "BTreeMap"],
            vec![path_ty(false, &["String"], Vec::new()), syn_ty(value, at)],
        ),
        Ty::Option(inner) => generic("Option", syn_ty(inner, at)),
    }
}

/// `name<arg>`, for a name of the prelude.
pub(crate) fn generic(name: &str, arg: syn::Type) -> syn::Type {
    path_ty(false, &[name], vec![arg])
}

/// A path type of `segments`, with `args` as the generic arguments of the last.
fn path_ty(leading_colon: bool, segments: &[&str], args: Vec<syn::Type>) -> syn::Type {
    let mut path = path_of(leading_colon, segments);
    if !args.is_empty() {
        let last = path.segments.last_mut().expect("a path has a segment");
        last.arguments = syn::PathArguments::AngleBracketed(syn::AngleBracketedGenericArguments {
            colon2_token: None,
            lt_token: Default::default(),
            args: args.into_iter().map(syn::GenericArgument::Type).collect(),
            gt_token: Default::default(),
        });
    }
    plain_path_ty(path)
}

fn path_of(leading_colon: bool, segments: &[&str]) -> syn::Path {
    syn::Path {
        leading_colon: leading_colon.then(Default::default),
        segments: segments
            .iter()
            .map(|segment| syn::PathSegment::from(ident(segment)))
            .collect(),
    }
}

fn plain_path_ty(path: syn::Path) -> syn::Type {
    syn::Type::Path(syn::TypePath { qself: None, path })
}

/// The expression that a literal is.
pub(crate) fn literal(lit: syn::Lit) -> syn::Expr {
    syn::Expr::Lit(syn::ExprLit {
        attrs: Vec::new(),
        lit,
    })
}

/// A string literal, as an expression.
pub(crate) fn str_expr(text: &str) -> syn::Expr {
    literal(syn::Lit::Str(syn::LitStr::new(text, Span::call_site())))
}

/// A string literal, as a pattern.
pub(crate) fn str_pat(text: &str) -> syn::Pat {
    syn::Pat::Lit(syn::ExprLit {
        attrs: Vec::new(),
        lit: syn::Lit::Str(syn::LitStr::new(text, Span::call_site())),
    })
}
