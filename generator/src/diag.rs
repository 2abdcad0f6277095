//! Diagnostics: what is wrong or odd in a spec, and where.
//!
//! Every diagnostic names the JSON pointer of the node it is about, so that a user can find it
//! in a spec of any size; the file name and, where the YAML parser knows it, the line and column
//! are added by whoever knows the file.

use std::fmt;

/// How bad a diagnostic is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// Generation went on; the output is complete but the user should know.
    Warning,
    /// Generation cannot produce a correct crate.
    Error,
}

/// One finding about the spec.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// How bad it is.
    pub severity: Severity,
    /// The JSON pointer of the node it is about; empty for the whole document.
    pub pointer: String,
    /// What is wrong, and what would be accepted.
    pub message: String,
    /// The line and column (both from 1), where the parser knows them.
    pub location: Option<(usize, usize)>,
}

impl Diagnostic {
    /// An error about the node at `pointer`.
    pub fn error(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Error,
            pointer: pointer.into(),
            message: message.into(),
            location: None,
        }
    }

    /// A warning about the node at `pointer`.
    pub fn warning(pointer: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            severity: Severity::Warning,
            ..Self::error(pointer, message)
        }
    }

    /// Prints the diagnostic for the file called `file`.
    pub fn display<'a>(&'a self, file: &'a str) -> impl fmt::Display + 'a {
        Located {
            diagnostic: self,
            file,
        }
    }
}

struct Located<'a> {
    diagnostic: &'a Diagnostic,
    file: &'a str,
}

impl fmt::Display for Located<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = self.diagnostic;
        let severity = match d.severity {
            Severity::Warning => "warning",
            Severity::Error => "error",
        };
        write!(f, "{severity}: {}", self.file)?;
        if let Some((line, column)) = d.location {
            write!(f, ":{line}:{column}")?;
        }
        if !d.pointer.is_empty() {
            write!(f, " at {}", d.pointer)?;
        }
        write!(f, ": {}", d.message)
    }
}

/// The diagnostics of one run, errors and warnings together.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Diagnostics(Vec<Diagnostic>);

impl Diagnostics {
    pub(crate) fn push(&mut self, diagnostic: Diagnostic) {
        self.0.push(diagnostic);
    }

    pub(crate) fn error(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::error(pointer, message));
    }

    pub(crate) fn warning(&mut self, pointer: impl Into<String>, message: impl Into<String>) {
        self.push(Diagnostic::warning(pointer, message));
    }

    /// Fills in the line and column of each diagnostic that has none, from the spec's text.
    pub(crate) fn locate_in(&mut self, text: &str) {
        let mut unplaced = self
            .0
            .iter_mut()
            .filter(|d| d.location.is_none() && !d.pointer.is_empty())
            .peekable();
        if unplaced.peek().is_none() {
            return;
        }
        let locator = crate::locate::Locator::new(text);
        for d in unplaced {
            d.location = locator.locate(&d.pointer);
        }
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.0.iter().any(|d| d.severity == Severity::Error)
    }

    /// All diagnostics, in the order they were found.
    pub fn iter(&self) -> impl Iterator<Item = &Diagnostic> {
        self.0.iter()
    }

    /// How many there are.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl From<Diagnostic> for Diagnostics {
    fn from(diagnostic: Diagnostic) -> Self {
        Self(vec![diagnostic])
    }
}

impl IntoIterator for Diagnostics {
    type Item = Diagnostic;
    type IntoIter = std::vec::IntoIter<Diagnostic>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Appends `token` to the JSON pointer `base`, escaping `~` and `/` as RFC 6901 says.
pub(crate) fn pointer(base: &str, token: &str) -> String {
    let mut out = String::with_capacity(base.len() + token.len() + 1);
    out.push_str(base);
    out.push('/');
    let mut rest = token;
    while let Some(at) = rest.find(['~', '/']) {
        out.push_str(&rest[..at]);
        out.push_str(if rest[at..].starts_with('~') {
            "~0"
        } else {
            "~1"
        });
        rest = &rest[at + 1..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pointers_escape_tilde_and_slash() {
        assert_eq!(
            pointer("#/paths", "/api/{id}/a~b"),
            "#/paths/~1api~1{id}~1a~0b"
        );
    }

    #[test]
    fn display_names_file_place_and_problem() {
        let mut d = Diagnostic::error("#/paths", "no operations");
        assert_eq!(
            d.display("spec.yaml").to_string(),
            "error: spec.yaml at #/paths: no operations"
        );
        d.location = Some((3, 7));
        assert_eq!(
            d.display("spec.yaml").to_string(),
            "error: spec.yaml:3:7 at #/paths: no operations"
        );
    }
}
