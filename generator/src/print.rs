//! Printing token streams as Rust source: each item through prettyplease on its own, items
//! joined by one blank line, under the header that marks the file as generated.

use proc_macro2::TokenStream;

use crate::diag::Diagnostic;

/// The source of one file: `header` as line comments, then the inner attributes, then the items.
pub fn rust_file(
    header: &str,
    inner: TokenStream,
    items: Vec<TokenStream>,
) -> Result<String, Diagnostic> {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("// ");
        out.push_str(line);
        out.push('\n');
    }
    let inner: syn::File = parse(inner)?;
    if !inner.attrs.is_empty() {
        out.push('\n');
        out.push_str(&prettyplease::unparse(&inner));
    }
    for item in items {
        let file: syn::File = parse(item)?;
        out.push('\n');
        out.push_str(&prettyplease::unparse(&file));
    }
    Ok(out)
}

fn parse(tokens: TokenStream) -> Result<syn::File, Diagnostic> {
    syn::parse2(tokens).map_err(|e| {
        Diagnostic::error(
            "",
            format!("internal error: the generator built invalid Rust ({e}); please report it with the spec"),
        )
    })
}
