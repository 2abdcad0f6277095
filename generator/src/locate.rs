//! Finding the line and column of a JSON pointer in the spec's text, so that a diagnostic about
//! a node thousands of lines into a spec says where it is.
//!
//! The parser keeps no positions once a document is read, so this walks the text itself, the
//! way YAML's block style lays it out: a mapping's keys share one indentation, deeper than their
//! parent's, and a sequence's items start with `- `. Where the layout is other than that (flow
//! style, or JSON on one line), the deepest node it could find is the answer.

/// One line as the walk sees it: where it is, how deep, and what it says.
#[derive(Clone, Copy)]
struct Line<'t> {
    number: usize,
    indent: usize,
    text: &'t str,
}

/// The lines of a spec, read once for any number of pointers.
pub struct Locator<'t> {
    lines: Vec<Line<'t>>,
    /// For each line, the first line after it that is no deeper: where what it holds ends, and
    /// its next sibling starts, so that a walk steps over whole subtrees.
    ends: Vec<usize>,
}

impl<'t> Locator<'t> {
    /// Indexes the content lines of `text`: blank lines and comments are left out.
    pub fn new(text: &'t str) -> Self {
        let lines = text
            .lines()
            .enumerate()
            .filter_map(|(i, raw)| {
                let text = raw.trim_start();
                let content = !text.is_empty() && !text.starts_with('#');
                content.then(|| Line {
                    number: i + 1,
                    indent: raw.len() - text.len(),
                    text,
                })
            })
            .collect::<Vec<_>>();
        let mut ends = vec![lines.len(); lines.len()];
        let mut open: Vec<usize> = Vec::new();
        for (i, line) in lines.iter().enumerate() {
            while let Some(&last) = open.last() {
                if lines[last].indent < line.indent {
                    break;
                }
                ends[last] = i;
                open.pop();
            }
            open.push(i);
        }
        Self { lines, ends }
    }

    /// The line and column (both from 1) of the node at `pointer`, or of its closest ancestor
    /// that can be found; `None` for the whole document.
    pub fn locate(&self, pointer: &str) -> Option<(usize, usize)> {
        let tokens = pointer
            .strip_prefix('#')
            .unwrap_or(pointer)
            .split('/')
            .skip(1)
            .map(|t| t.replace("~1", "/").replace("~0", "~"));
        // Inside a sequence item, its first line holds the item's first entry after the `- `;
        // that line is read as the entry alone.
        let mut patched: Option<(usize, Line<'t>)> = None;
        let line_at = |i: usize, patched: &Option<(usize, Line<'t>)>| match patched {
            Some((at, line)) if *at == i => *line,
            _ => self.lines[i],
        };
        // The first line after `i` that is no deeper than it.
        let after = |i: usize, patched: &Option<(usize, Line<'t>)>| match patched {
            Some((at, line)) if *at == i => (i + 1..self.lines.len())
                .find(|&j| self.lines[j].indent <= line.indent)
                .unwrap_or(self.lines.len()),
            _ => self.ends[i],
        };

        let mut found = None;
        let mut range = 0..self.lines.len();
        let mut parent: Option<usize> = None;
        for token in tokens {
            if range.start >= range.end {
                break;
            }
            let level = line_at(range.start, &patched).indent;
            if parent.is_some_and(|p| level < p) {
                break;
            }
            let index: Option<usize> = token.parse().ok();
            let mut seen_items = 0;
            let mut hit = None;
            // Each step goes to the next sibling, over the lines that the last one holds.
            let mut i = range.start;
            while i < range.end {
                let line = line_at(i, &patched);
                if line.indent < level {
                    break;
                }
                let item = line
                    .text
                    .strip_prefix('-')
                    .filter(|r| r.is_empty() || r.starts_with(' '));
                let matched = match item {
                    Some(_) if index == Some(seen_items) => true,
                    Some(_) => {
                        seen_items += 1;
                        false
                    }
                    None => key_of(line.text) == Some(token.as_str()),
                };
                if matched {
                    hit = Some(i);
                    break;
                }
                i = after(i, &patched);
            }
            let Some(i) = hit else { break };
            let line = line_at(i, &patched);
            found = Some((line.number, line.indent + 1));

            // The children: the rest of this line when it holds them (`- key: value`, the
            // first entry of a sequence item), then every deeper line after it.
            let end = after(i, &patched).min(range.end);
            if let Some(rest) = line.text.strip_prefix("- ") {
                let offset = line.text.len() - rest.trim_start().len();
                patched = Some((
                    i,
                    Line {
                        number: line.number,
                        indent: line.indent + offset,
                        text: rest.trim_start(),
                    },
                ));
                range = i..end;
            } else {
                range = i + 1..end;
            }
            parent = Some(line.indent);
        }
        found
    }
}

/// The line and column of `pointer` in `text`; see [`Locator::locate`].
pub fn locate(text: &str, pointer: &str) -> Option<(usize, usize)> {
    Locator::new(text).locate(pointer)
}

/// The key of a `key: value` or `key:` line, unquoted.
fn key_of(text: &str) -> Option<&str> {
    let (key, _) = if let Some(rest) = text.strip_prefix('\'') {
        let end = rest.find("':")?;
        return Some(&rest[..end]);
    } else if let Some(rest) = text.strip_prefix('"') {
        let end = rest.find("\":")?;
        return Some(&rest[..end]);
    } else {
        text.split_once(':')?
    };
    Some(key.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = "\
openapi: 3.0.3
paths:
  /a/{id}:
    get:
      parameters:
        - in: path
          name: id
          schema:
            type: string
        - in: query
          name: q
  '/b':
    post: {}
components:
  schemas:
    \"quoted\":
      type: object
";

    #[test]
    fn keys_sequences_and_quotes_are_found() {
        assert_eq!(locate(SPEC, "#/paths/~1a~1{id}/get"), Some((4, 5)));
        assert_eq!(
            locate(SPEC, "#/paths/~1a~1{id}/get/parameters/0/schema"),
            Some((8, 11))
        );
        assert_eq!(
            locate(SPEC, "#/paths/~1a~1{id}/get/parameters/1/name"),
            Some((11, 11))
        );
        assert_eq!(
            locate(SPEC, "#/paths/~1a~1{id}/get/parameters/1"),
            Some((10, 9))
        );
        assert_eq!(locate(SPEC, "#/paths/~1b/post"), Some((13, 5)));
        assert_eq!(
            locate(SPEC, "#/components/schemas/quoted/type"),
            Some((17, 7))
        );
    }

    #[test]
    fn the_closest_ancestor_stands_in_for_what_is_not_there() {
        assert_eq!(locate(SPEC, "#/paths/~1b/post/responses"), Some((13, 5)));
        assert_eq!(locate(SPEC, "#/nothing"), None);
        assert_eq!(locate(SPEC, ""), None);
    }
}
