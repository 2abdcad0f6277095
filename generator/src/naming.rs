//! Every Rust name in the output comes from here: case conversion, words the language keeps for
//! itself, names that would shadow well-known items, and collisions between names that differ
//! in the spec but not after conversion.

use std::collections::{BTreeSet, HashMap};

use heck::{ToSnakeCase, ToUpperCamelCase};

/// Words that cannot be identifiers as they are, in any edition up to 2024.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that not even a raw identifier can spell.
const NOT_RAW: &[&str] = &["crate", "self", "Self", "super"];

/// Type names a user would expect to mean the standard item, or an item the generated crate
/// itself exports; a schema with such a name gets the prefix `Api`.
const SHADOWING_TYPES: &[&str] = &[
    "BaseUrl",
    "Box",
    "BuildError",
    "Client",
    "ClientBuilder",
    "Clone",
    "Copy",
    "Default",
    "Err",
    "Error",
    "From",
    "InvalidRequest",
    "None",
    "Ok",
    "Option",
    "Result",
    "Self",
    "Send",
    "Server",
    "Sized",
    "Some",
    "String",
    "Sync",
    "ToOwned",
    "Vec",
];

/// Splits `raw` into words, keeping ASCII letters and digits only.
fn ascii_words(raw: &str) -> String {
    raw.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
        .collect()
}

/// Makes `name` usable as an identifier: a raw identifier for keywords, a trailing `_` for
/// those that cannot be raw, `prefix` before a leading digit, `fallback` when nothing is left.
fn finish(name: String, prefix: &str, fallback: &str) -> String {
    if name.is_empty() {
        return fallback.to_owned();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        return format!("{prefix}{name}");
    }
    if NOT_RAW.contains(&name.as_str()) {
        return format!("{name}_");
    }
    if KEYWORDS.contains(&name.as_str()) {
        return format!("r#{name}");
    }
    name
}

/// The longest type name handed out. Names of inline schemas grow with their depth, and past
/// this they are hard to read and too long for a file name in rustdoc's output.
const MAX_TYPE_NAME: usize = 64;

/// Shortens a long name to its first word and as many of its last words as fit: where an inline
/// schema sits in its root schema is told by the root and the nearest properties.
fn shorten(name: String) -> String {
    if name.len() <= MAX_TYPE_NAME {
        return name;
    }
    let starts: Vec<usize> = name
        .char_indices()
        .filter(|&(i, c)| i == 0 || c.is_ascii_uppercase())
        .map(|(i, _)| i)
        .collect();
    let first_end = starts.get(1).copied().unwrap_or(name.len());
    let room = MAX_TYPE_NAME.saturating_sub(first_end);
    let tail = starts
        .iter()
        .copied()
        .filter(|&start| start >= first_end && name.len() - start <= room)
        .min()
        .unwrap_or(name.len());
    format!("{}{}", &name[..first_end.min(MAX_TYPE_NAME)], &name[tail..])
}

/// Names already converted, by the spec's spelling: the same property names and enum values
/// come back schema after schema, and case conversion is much of lowering's work otherwise.
#[derive(Debug, Default)]
pub struct Memo {
    values: HashMap<String, String>,
    variants: HashMap<String, String>,
}

impl Memo {
    /// [`value_name`], converted once per spelling.
    pub fn value_name(&mut self, raw: &str) -> String {
        remembered(&mut self.values, raw, value_name)
    }

    /// [`variant_name`], converted once per spelling.
    pub fn variant_name(&mut self, raw: &str) -> String {
        remembered(&mut self.variants, raw, variant_name)
    }
}

fn remembered(
    names: &mut HashMap<String, String>,
    raw: &str,
    convert: fn(&str) -> String,
) -> String {
    if let Some(name) = names.get(raw) {
        return name.clone();
    }
    let name = convert(raw);
    names.insert(raw.to_owned(), name.clone());
    name
}

/// The name of the type that a schema called `raw` becomes.
pub fn type_name(raw: &str) -> String {
    let name = shorten(ascii_words(raw).to_upper_camel_case());
    if SHADOWING_TYPES.contains(&name.as_str()) {
        return format!("Api{name}");
    }
    finish(name, "T", "Unnamed")
}

/// The name of the variant that an enum value `raw` becomes.
pub fn variant_name(raw: &str) -> String {
    finish(ascii_words(raw).to_upper_camel_case(), "V", "Empty")
}

/// The name of a field, parameter or method for the spec's name `raw`.
pub fn value_name(raw: &str) -> String {
    finish(ascii_words(raw).to_snake_case(), "_", "value")
}

/// The part of an identifier after an optional `r#`.
pub fn unraw(name: &str) -> &str {
    name.strip_prefix("r#").unwrap_or(name)
}

/// The names already taken in one scope, handing out unique ones in the order they are asked
/// for, so that the same spec always gets the same names.
#[derive(Debug, Default)]
pub struct Scope {
    taken: BTreeSet<String>,
}

impl Scope {
    /// A scope in which `reserved` are taken from the start.
    pub fn with_reserved(reserved: &[&str]) -> Self {
        Self {
            taken: reserved.iter().map(|s| (*s).to_owned()).collect(),
        }
    }

    /// Takes `name`, or the first of `name2`, `name3`, ... that is free. The second value says
    /// whether the name had to be changed.
    pub fn claim(&mut self, name: String) -> (String, bool) {
        if self.taken.insert(unraw(&name).to_owned()) {
            return (name, false);
        }
        let base = unraw(&name).trim_end_matches('_').to_owned();
        let separator = if base.ends_with(|c: char| c.is_ascii_digit()) {
            "_"
        } else {
            ""
        };
        for n in 2.. {
            let candidate = format!("{base}{separator}{n}");
            if self.taken.insert(candidate.clone()) {
                return (candidate, true);
            }
        }
        unreachable!("the numbers run out only after the memory does")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_follow_rust_conventions() {
        assert_eq!(type_name("token_fail_request"), "TokenFailRequest");
        assert_eq!(
            variant_name("INVALID_RESOURCE_OWNER_CREDENTIALS"),
            "InvalidResourceOwnerCredentials"
        );
        assert_eq!(value_name("resultCode"), "result_code");
        assert_eq!(value_name("serviceId"), "service_id");
    }

    #[test]
    fn keywords_and_odd_characters_become_identifiers() {
        assert_eq!(value_name("type"), "r#type");
        assert_eq!(value_name("self"), "self_");
        assert_eq!(type_name("Self"), "ApiSelf");
        assert_eq!(value_name("crate"), "crate_");
        assert_eq!(value_name("_"), "value");
        assert_eq!(value_name("2fa"), "_2fa");
        assert_eq!(value_name("$ref"), "r#ref");
        assert_eq!(value_name("a.b-c@d e"), "a_b_c_d_e");
        assert_eq!(variant_name(""), "Empty");
        assert_eq!(variant_name("1"), "V1");
        assert_eq!(type_name("Result"), "ApiResult");
    }

    #[test]
    fn long_names_keep_their_root_and_their_end() {
        let long: String = (0..40).map(|i| format!("level{i} ")).collect();
        let name = type_name(&format!("objects {long}"));
        assert!(name.len() <= MAX_TYPE_NAME, "{name}");
        assert!(name.starts_with("Objects"), "{name}");
        assert!(name.ends_with("Level38Level39"), "{name}");
        assert_eq!(type_name("short name"), "ShortName");
    }

    #[test]
    fn collisions_get_the_next_free_number() {
        let mut scope = Scope::with_reserved(&["builder"]);
        assert_eq!(scope.claim("builder".into()), ("builder2".into(), true));
        assert_eq!(scope.claim("a".into()), ("a".into(), false));
        assert_eq!(scope.claim("a".into()), ("a2".into(), true));
        assert_eq!(scope.claim("v1".into()), ("v1".into(), false));
        assert_eq!(scope.claim("v1".into()), ("v1_2".into(), true));
        assert_eq!(scope.claim("r#type".into()), ("r#type".into(), false));
        assert_eq!(scope.claim("r#type".into()), ("type2".into(), true));
    }
}
