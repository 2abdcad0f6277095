//! Turning a spec's description (CommonMark, often with HTML in it) into rustdoc lines that
//! render as meant and that rustdoc accepts without a warning: entities decoded, markup tags
//! dropped, stray `<`, `[` and backticks escaped, bare URLs made links, and code fences marked
//! as text so that no description ever runs as a doctest.

use std::borrow::Cow;

/// HTML tags that descriptions use for layout; they are dropped, keeping what they enclose.
/// Of those, the ones that break the text into blocks; dropping them leaves a space.
const BLOCK_TAGS: &[&str] = &[
    "br", "dd", "details", "div", "dl", "dt", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "li", "ol",
    "p", "pre", "summary", "table", "tbody", "td", "th", "thead", "tr", "ul",
];

const LAYOUT_TAGS: &[&str] = &[
    "a", "b", "br", "code", "dd", "details", "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "i", "img", "li", "ol", "p", "pre", "small", "span", "strong", "sub", "summary",
    "sup", "table", "tbody", "td", "th", "thead", "tr", "u", "ul",
];

/// The doc comment lines for `text`, without the leading `///`; empty when there is no text.
pub fn doc_lines(text: &str) -> Vec<String> {
    // A control character would end up raw in the source (rustc refuses a bare CR in a doc
    // comment), so each becomes a space; a CR LF is a line break like any other.
    let text = if needs_cleaning(text) {
        Cow::Owned(
            decode_entities(&text.replace("\r\n", "\n"))
                .chars()
                .map(|c| if c.is_control() && c != '\n' { ' ' } else { c })
                .collect(),
        )
    } else {
        Cow::Borrowed(text)
    };
    let mut lines = Vec::new();
    let mut fence: Option<String> = None;
    for line in text.lines() {
        let line = line.trim_end();
        let trimmed = line.trim_start();
        let marker: String = trimmed
            .chars()
            .take_while(|&c| c == '`' || c == '~')
            .collect();
        let is_fence =
            marker.len() >= 3 && marker.chars().all(|c| c == marker.as_bytes()[0] as char);
        match &fence {
            Some(open) if is_fence && marker.starts_with(open.as_str()) => {
                lines.push(format!("{}{open}", indent_of(line)));
                fence = None;
            }
            Some(_) => lines.push(line.to_owned()),
            None if is_fence => {
                lines.push(format!("{}{marker}text", indent_of(line)));
                fence = Some(marker);
            }
            None => {
                let mut inlined = inline(line);
                inlined.truncate(inlined.trim_end().len());
                lines.push(inlined);
            }
        }
    }
    if let Some(open) = fence {
        lines.push(open);
    }
    while lines.last().is_some_and(|l| l.trim().is_empty()) {
        lines.pop();
    }
    let first = lines.iter().position(|l| !l.trim().is_empty());
    lines.drain(..first.unwrap_or(lines.len()));
    no_lazy_continuations(collapse_blank_runs(lines))
}

/// Whether `text` may have an entity, a CR or a control character other than LF, which
/// [`doc_lines`] must replace; most descriptions have none, and are read where they are.
/// Control characters beyond ASCII (U+0080 to U+009F) start with the byte C2, which a few other
/// characters also do; those take the slow path for nothing, and come out the same.
pub(crate) fn needs_cleaning(text: &str) -> bool {
    text.bytes()
        .any(|b| (b < 0x20 && b != b'\n') || b == 0x7f || b == 0xc2 || b == b'&')
}

/// Where the text of a list item starts, if `line` opens one: after `- `, `* `, `+ `, `1. `
/// or `1) `.
fn list_content_indent(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let marker = if rest.starts_with(['-', '*', '+']) {
        1
    } else {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 9 || !rest[digits..].starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let after = &rest[marker..];
    (after.starts_with(' ') || after.is_empty()).then_some(indent + marker + 1)
}

/// Indents the lines that continue a list item or a quote without saying so, as CommonMark
/// allows ("lazy continuation") and as reads wrongly in source: each such line gets the
/// item's indentation or the quote's `>`.
fn no_lazy_continuations(lines: Vec<String>) -> Vec<String> {
    let mut out = Vec::with_capacity(lines.len());
    let mut item_indent: Option<usize> = None;
    let mut in_quote = false;
    let mut in_fence = false;
    for line in lines {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.starts_with("```") || trimmed.starts_with("~~~") {
            in_fence = !in_fence;
        }
        if line.is_empty() {
            item_indent = None;
            in_quote = false;
            out.push(line);
            continue;
        }
        if in_fence && !(trimmed.starts_with("```") || trimmed.starts_with("~~~")) {
            out.push(line);
            continue;
        }
        if let Some(content) = list_content_indent(&line) {
            item_indent = Some(content);
            in_quote = false;
            out.push(line);
            continue;
        }
        let mut line = match item_indent {
            Some(content) if indent < content => format!("{}{trimmed}", " ".repeat(content)),
            _ => line,
        };
        let body = line.trim_start();
        if body.starts_with('>') {
            in_quote = true;
        } else if in_quote {
            let at = line.len() - body.len();
            line.insert_str(at, "> ");
        }
        out.push(line);
    }
    out
}

fn indent_of(line: &str) -> &str {
    &line[..line.len() - line.trim_start().len()]
}

fn collapse_blank_runs(lines: Vec<String>) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    for line in lines {
        let blank = line.trim().is_empty();
        if blank && out.last().is_some_and(|l| l.is_empty()) {
            continue;
        }
        out.push(if blank { String::new() } else { line });
    }
    out
}

/// Decodes the entities that descriptions use; unknown ones are left as written.
fn decode_entities(text: &str) -> String {
    if !text.contains('&') {
        return text.to_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        let decoded = window(rest, 12).find(';').and_then(|end| {
            let name = &rest[1..end];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" => Some('\''),
                "nbsp" => Some(' '),
                _ => {
                    let number = name.strip_prefix('#')?;
                    let code = match number.strip_prefix(['x', 'X']) {
                        Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                        None => number.parse().ok()?,
                    };
                    char::from_u32(code)
                }
            }?;
            Some((c, end))
        });
        match decoded {
            // A decoded `<` must not open a tag later on.
            Some(('<', end)) => {
                out.push_str("&lt;");
                rest = &rest[end + 1..];
            }
            Some((c, end)) => {
                out.push(c);
                rest = &rest[end + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// How far ahead a link, a tag or a code span is looked for. Each `[`, `<` or backtick looks for
/// its end; looking to the end of the line would make a line of thousands of them cost the
/// square of its length, and no real link, tag or code span is this long.
const LOOKAHEAD: usize = 1024;

/// The first `len` bytes of `text`, or fewer to end on a character boundary.
fn window(text: &str, len: usize) -> &str {
    let mut end = len.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    &text[..end]
}

/// Escapes what rustdoc would misread on one line outside a code block.
fn inline(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + 8);
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        let consumed = match c {
            '`' => code_span(rest, &mut out),
            '<' => angle(rest, &mut out),
            '[' => link(rest, &mut out),
            ']' => {
                out.push_str("\\]");
                1
            }
            'h' if is_url(rest) => bare_url(rest, &mut out),
            '\\' => {
                // Keep an existing escape together with what it escapes.
                let len = 1 + rest[1..].chars().next().map_or(0, char::len_utf8);
                out.push_str(&rest[..len]);
                len
            }
            _ => {
                // Plain text up to the next character that may need escaping goes in whole.
                // None of the bytes that may start one is a byte within a multi-byte
                // character, so the run ends on a character boundary.
                let bytes = rest.as_bytes();
                let mut plain = c.len_utf8();
                while plain < bytes.len() {
                    match bytes[plain] {
                        b'`' | b'<' | b'[' | b']' | b'\\' => break,
                        b'h' if is_url(&rest[plain..]) => break,
                        _ => plain += 1,
                    }
                }
                out.push_str(&rest[..plain]);
                plain
            }
        };
        rest = &rest[consumed..];
    }
    out
}

/// A code span is kept whole; a run of backticks that nothing closes on the line is escaped.
fn is_url(text: &str) -> bool {
    text.starts_with("http://") || text.starts_with("https://")
}

fn code_span(rest: &str, out: &mut String) -> usize {
    let ticks = rest.len() - rest.trim_start_matches('`').len();
    let run = &rest[..ticks];
    let after = &rest[ticks..];
    let after = window(after, LOOKAHEAD);
    let mut search = 0;
    while let Some(found) = after[search..].find(run) {
        let end = search + found;
        let longer = after[end + ticks..].starts_with('`');
        if !longer {
            let total = ticks + end + ticks;
            out.push_str(&rest[..total]);
            return total;
        }
        search = end + ticks + after[end + ticks..].len()
            - after[end + ticks..].trim_start_matches('`').len();
    }
    for _ in 0..ticks {
        out.push_str("\\`");
    }
    ticks
}

/// `<https://...>` stays a link, layout tags and JSX components are dropped, and any other
/// `<` is escaped.
fn angle(rest: &str, out: &mut String) -> usize {
    let close = window(rest, LOOKAHEAD).find('>');
    if let Some(end) = close {
        let inner = &rest[1..end];
        if (inner.starts_with("http://") || inner.starts_with("https://"))
            && !inner.contains(char::is_whitespace)
        {
            out.push_str(&rest[..=end]);
            return end + 1;
        }
        let name: String = inner
            .trim_start_matches('/')
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric())
            .collect();
        let is_component = name.starts_with(|c: char| c.is_ascii_uppercase());
        let name = name.to_ascii_lowercase();
        if is_component || LAYOUT_TAGS.contains(&name.as_str()) {
            if BLOCK_TAGS.contains(&name.as_str()) && !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            return end + 1;
        }
    }
    out.push_str("&lt;");
    1
}

/// `[text](target)` stays a link; any other bracket is escaped, so that rustdoc does not take
/// it for an intra-doc link.
fn link(rest: &str, out: &mut String) -> usize {
    if let Some(close) = window(rest, LOOKAHEAD).find("](") {
        let text = &rest[1..close];
        if !text.contains(['[', ']']) {
            if let Some(end) = window(&rest[close + 2..], LOOKAHEAD).find(')') {
                let total = close + 2 + end + 1;
                out.push_str(&rest[..total]);
                return total;
            }
        }
    }
    out.push_str("\\[");
    1
}

/// A bare URL becomes an autolink; punctuation that ends the sentence stays outside.
fn bare_url(rest: &str, out: &mut String) -> usize {
    // A `)` ends the URL unless it closes a `(` inside it, as in Wikipedia's addresses.
    let mut depth = 0usize;
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth > 0 => depth -= 1,
            c if c.is_whitespace() || matches!(c, '<' | '>' | '"' | '`' | ')' | ']') => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    while end > 0 && rest[..end].ends_with(['.', ',', ';', ':', '!', '?', '\'']) {
        end -= 1;
    }
    out.push('<');
    out.push_str(&rest[..end]);
    out.push('>');
    end
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one(text: &str) -> String {
        doc_lines(text).join("\n")
    }

    #[test]
    fn entities_are_decoded_and_tags_dropped() {
        assert_eq!(one("a &#123;b&#125; &amp; c"), "a {b} & c");
        assert_eq!(
            one("<Accordion title=\"x\" defaultOpen={false}>\nbody\n</Accordion>"),
            "body"
        );
        assert_eq!(one("x&lt;script&gt;"), "x&lt;script>");
    }

    #[test]
    fn long_runs_of_openers_are_escaped_one_by_one() {
        // Long enough that looking to the end of the line for each opener would be slow.
        for (opener, escaped) in [("[", "\\["), ("<", "&lt;"), ("&", "&"), ("`", "\\`")] {
            let lines = doc_lines(&format!("x{}", opener.repeat(100_000)));
            assert_eq!(lines, [format!("x{}", escaped.repeat(100_000))], "{opener}");
        }
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(doc_lines("a\rb\r\nc\u{7}d"), vec!["a b", "c d"]);
        assert_eq!(doc_lines("a&#13;b&#x0;c"), vec!["a b c"]);
    }

    #[test]
    fn block_tags_leave_a_space() {
        assert_eq!(
            one("<details><summary>html</summary>kept</details>"),
            "html kept"
        );
    }

    #[test]
    fn stray_markup_is_escaped() {
        assert_eq!(one("Bearer <token> here"), "Bearer &lt;token> here");
        assert_eq!(one("[A067301] failed"), "\\[A067301\\] failed");
        assert_eq!(
            one("see [docs](https://x.y/z)"),
            "see [docs](https://x.y/z)"
        );
        assert_eq!(one("open `tick"), "open \\`tick");
        assert_eq!(one("a `[x]` b"), "a `[x]` b");
    }

    #[test]
    fn bare_urls_become_links() {
        assert_eq!(one("at https://a.b/c."), "at <https://a.b/c>.");
        assert_eq!(
            one("(see https://a.b/x_(y).)"),
            "(see <https://a.b/x_(y)>.)"
        );
        assert_eq!(one("at <https://a.b/c>"), "at <https://a.b/c>");
    }

    #[test]
    fn fences_are_text_and_kept_verbatim() {
        assert_eq!(
            one("```\nHTTP/1.1 400 [x] <y>\n```"),
            "```text\nHTTP/1.1 400 [x] <y>\n```"
        );
        assert_eq!(one("```\nunclosed"), "```text\nunclosed\n```");
    }

    #[test]
    fn lazy_continuations_are_made_explicit() {
        assert_eq!(
            one("- item\nmore of it\n  and more\n\nafter"),
            "- item\n  more of it\n  and more\n\nafter"
        );
        assert_eq!(one("> quoted\nstill quoted"), "> quoted\n> still quoted");
        assert_eq!(one("1. first\nrest"), "1. first\n   rest");
        assert_eq!(one("-1 is not a list\nnext"), "-1 is not a list\nnext");
    }

    #[test]
    fn blank_lines_are_trimmed_and_collapsed() {
        assert_eq!(doc_lines("\n\na\n\n\n\nb\n\n"), vec!["a", "", "b"]);
        assert!(doc_lines("  \n").is_empty());
    }
}
