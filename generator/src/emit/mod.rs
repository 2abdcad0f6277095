//! Emitting: the model into token streams, one function per construct. Nothing here sees the
//! spec; every name comes from the model as it is.

mod client;
mod deserialize;
mod krate;
mod types;

use std::cell::RefCell;

use proc_macro2::{Ident, Literal, Span, TokenStream};
use quote::quote;

use crate::model::Ty;

pub use client::{client_head, client_methods};
pub use deserialize::{deserialize_file, deserialize_head, has_deserialize};
pub use krate::{example_tests, lib_file, manifest};
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
    text.extend(line.chars().map(|c| if c.is_control() { ' ' } else { c }));
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

    /// The same as inner attributes, for `//!` comments.
    pub(crate) fn inner_attrs(&self, lines: &[String]) -> TokenStream {
        let numbers = self.keep(lines);
        quote!(#(#![doc = #numbers])*)
    }

    fn keep(&self, lines: &[String]) -> Vec<Literal> {
        let mut kept = self.0.borrow_mut();
        lines
            .iter()
            .map(|line| {
                let number = Literal::string(&kept.len().to_string());
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
    pub items: Vec<TokenStream>,
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
