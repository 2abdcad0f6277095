//! Printing token streams as Rust source: each item through prettyplease on its own, items
//! joined by one blank line, and the doc comment lines put back where their numbers stand.

use proc_macro2::TokenStream;

use crate::diag::Diagnostic;
use crate::emit::{Piece, Section};

/// The header that opens every generated Rust file, as line comments.
pub fn header(header: &str) -> String {
    let mut out = String::new();
    for line in header.lines() {
        out.push_str("// ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// The source of one section of a file: the inner attributes, then the items, each after a
/// blank line. `docs` are the lines that the section's doc attributes number.
pub fn section(section: Section, docs: &[String]) -> Result<String, Diagnostic> {
    let mut printed = String::new();
    let inner: syn::File = parse(section.inner)?;
    if !inner.attrs.is_empty() {
        printed.push('\n');
        printed.push_str(&prettyplease::unparse(&inner));
    }
    for item in section.items {
        let file = match item {
            Piece::Tokens(tokens) => parse(tokens)?,
            Piece::Tree(item) => syn::File {
                shebang: None,
                attrs: Vec::new(),
                items: vec![*item],
            },
        };
        printed.push('\n');
        printed.push_str(&prettyplease::unparse(&file));
    }
    splice_docs(&printed, docs)
}

/// `printed` with each numbered doc comment replaced by its line of `docs`, as prettyplease
/// would have printed that line: after `///` or `//!`, without trailing spaces.
///
/// Every doc line was numbered, so each number must come back exactly once; anything else
/// means that something other than a doc comment looked like one, and is refused rather than
/// printed wrong.
fn splice_docs(printed: &str, docs: &[String]) -> Result<String, Diagnostic> {
    let mut out =
        String::with_capacity(printed.len() + docs.iter().map(String::len).sum::<usize>());
    let mut used = vec![false; docs.len()];
    for line in printed.split_inclusive('\n') {
        let body = line.trim_start_matches(' ');
        let indent = &line[..line.len() - body.len()];
        let number = body
            .strip_prefix("///")
            .or_else(|| body.strip_prefix("//!"))
            .map(|rest| rest.strip_suffix('\n').unwrap_or(rest))
            .filter(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()));
        let Some(number) = number else {
            out.push_str(line);
            continue;
        };
        let index: usize = number.parse().map_err(|_| misprinted(number))?;
        match used.get_mut(index) {
            Some(seen @ false) => *seen = true,
            _ => return Err(misprinted(number)),
        }
        out.push_str(indent);
        out.push_str(&body[..3]);
        out.push_str(docs[index].trim_end_matches(' '));
        if line.ends_with('\n') {
            out.push('\n');
        }
    }
    if let Some(missing) = used.iter().position(|seen| !seen) {
        return Err(misprinted(&missing.to_string()));
    }
    Ok(out)
}

fn misprinted(number: &str) -> Diagnostic {
    Diagnostic::error(
        "",
        format!(
            "internal error: doc comment {number} was not printed once; please report it with the spec"
        ),
    )
}

fn parse(tokens: TokenStream) -> Result<syn::File, Diagnostic> {
    syn::parse2(tokens).map_err(|e| {
        Diagnostic::error(
            "",
            format!("internal error: the generator built invalid Rust ({e}); please report it with the spec"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doc_lines_come_back_in_place() {
        let docs = vec![" first".to_owned(), String::new(), " third  ".to_owned()];
        let printed = "///0\n    ///1\n//!2\nfn f() {}\n";
        assert_eq!(
            splice_docs(printed, &docs).unwrap(),
            "/// first\n    ///\n//! third\nfn f() {}\n"
        );
    }

    #[test]
    fn numbers_not_printed_once_are_refused() {
        let docs = vec![" a".to_owned(), " b".to_owned()];
        assert!(splice_docs("///0\n", &docs).is_err());
        assert!(splice_docs("///0\n///0\n///1\n", &docs).is_err());
        assert!(splice_docs("///0\n///1\n///2\n", &docs).is_err());
    }
}
