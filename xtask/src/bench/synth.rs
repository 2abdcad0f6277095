//! The synthetic specs of the benchmark: any number of operations over resources of the same
//! shape, so that sizes differ and nothing else does.
//!
//! Every fourth operation starts a new resource, which brings four schemas with it (the resource,
//! its input, a page of it and a status enum), so a spec of `n` operations has about `n` schemas.
//! The shapes stay within what every benchmarked tool handles, because a spec that only one tool
//! can read measures nothing. The text is a pure function of `n`.

use std::fmt::Write;

/// The operations of one resource, in the order they are added.
const KINDS: [Kind; 4] = [Kind::List, Kind::Create, Kind::Get, Kind::Update];

#[derive(Clone, Copy)]
enum Kind {
    List,
    Create,
    Get,
    Update,
}

/// How many named schemas the spec of `operations` operations has.
pub fn schema_count(operations: usize) -> usize {
    resources(operations) * 4 + 1
}

fn resources(operations: usize) -> usize {
    operations.div_ceil(KINDS.len())
}

/// The YAML text of a spec with exactly `operations` operations.
pub fn spec(operations: usize) -> String {
    let mut out = String::with_capacity(operations * 1_500 + 1_000);
    out.push_str(&format!(
        "openapi: 3.0.3\n\
         info:\n  \
           title: Synthetic API\n  \
           description: A generated API of {operations} operations, for benchmarks.\n  \
           version: 1.0.0\n\
         servers:\n  \
           - url: https://api.example.com\n\
         security:\n  \
           - bearer: []\n\
         paths:\n"
    ));
    for resource in 0..resources(operations) {
        let first = resource * KINDS.len();
        let kinds = &KINDS[..(operations - first).min(KINDS.len())];
        let collection: Vec<Kind> = kinds
            .iter()
            .copied()
            .filter(|k| matches!(k, Kind::List | Kind::Create))
            .collect();
        let item: Vec<Kind> = kinds
            .iter()
            .copied()
            .filter(|k| matches!(k, Kind::Get | Kind::Update))
            .collect();
        if !collection.is_empty() {
            let _ = writeln!(out, "  /resources{resource}/items:");
            for kind in collection {
                operation(&mut out, resource, kind);
            }
        }
        if !item.is_empty() {
            let _ = writeln!(out, "  /resources{resource}/items/{{itemId}}:");
            for kind in item {
                operation(&mut out, resource, kind);
            }
        }
    }

    out.push_str(
        "components:\n  \
           securitySchemes:\n    \
             bearer:\n      \
               type: http\n      \
               scheme: bearer\n  \
           schemas:\n    \
             Error:\n      \
               type: object\n      \
               description: What went wrong with a call.\n      \
               required:\n        \
                 - code\n      \
               properties:\n        \
                 code:\n          \
                   type: string\n          \
                   description: A code that names the failure.\n        \
                 message:\n          \
                   type: string\n          \
                   description: A message for people.\n",
    );
    for resource in 0..resources(operations) {
        schemas(&mut out, resource);
    }
    out
}

fn operation(out: &mut String, r: usize, kind: Kind) {
    let (method, id, summary, body, response) = match kind {
        Kind::List => ("get", "list", "Lists the items of", None, "Page"),
        Kind::Create => ("post", "create", "Creates an item of", Some("Input"), ""),
        Kind::Get => ("get", "get", "Reads an item of", None, ""),
        Kind::Update => ("put", "update", "Replaces an item of", Some("Input"), ""),
    };
    let _ = write!(
        out,
        "    {method}:\n      \
               operationId: {id}_resource{r}\n      \
               summary: {summary} resource {r}\n      \
               description: |\n        \
                 {summary} resource {r}. The text is long enough to be documentation that\n        \
                 spans more than one line, as it does in real descriptions.\n      \
               tags:\n        \
                 - group{group}\n",
        group = r / 10
    );
    match kind {
        Kind::List => out.push_str(
            "      parameters:\n        \
                 - in: query\n          \
                   name: limit\n          \
                   description: How many items to return at most.\n          \
                   schema:\n            \
                     type: integer\n            \
                     format: int32\n        \
                 - in: query\n          \
                   name: cursor\n          \
                   description: Where the previous page ended.\n          \
                   schema:\n            \
                     type: string\n",
        ),
        Kind::Get | Kind::Update => out.push_str(
            "      parameters:\n        \
                 - in: path\n          \
                   name: itemId\n          \
                   description: The item's identifier.\n          \
                   required: true\n          \
                   schema:\n            \
                     type: string\n",
        ),
        Kind::Create => {}
    }
    if let Some(body) = body {
        let _ = write!(
            out,
            "      requestBody:\n        \
                 required: true\n        \
                 content:\n          \
                   application/json:\n            \
                     schema:\n              \
                       $ref: '#/components/schemas/Resource{r}{body}'\n"
        );
    }
    let _ = write!(
        out,
        "      responses:\n        \
             '200':\n          \
               description: The result.\n          \
               content:\n            \
                 application/json:\n              \
                   schema:\n                \
                     $ref: '#/components/schemas/Resource{r}{response}'\n        \
             '400':\n          \
               description: The request was not acceptable.\n          \
               content:\n            \
                 application/json:\n              \
                   schema:\n                \
                     $ref: '#/components/schemas/Error'\n"
    );
}

fn schemas(out: &mut String, r: usize) {
    // Each resource but the first refers to its predecessor's status, so that references cross
    // resources as they do in real specs, without making a cycle.
    let previous = match r {
        0 => String::new(),
        _ => format!(
            "        previous_status:\n          \
                       $ref: '#/components/schemas/Resource{}Status'\n",
            r - 1
        ),
    };
    let _ = write!(
        out,
        "    Resource{r}:\n      \
               type: object\n      \
               description: An item of resource {r}.\n      \
               required:\n        \
                 - id\n        \
                 - name\n        \
                 - status\n      \
               properties:\n        \
                 id:\n          \
                   type: string\n          \
                   description: The item's identifier.\n        \
                 name:\n          \
                   type: string\n          \
                   description: The item's name.\n        \
                 description:\n          \
                   type: string\n          \
                   description: What the item is for.\n        \
                 count:\n          \
                   type: integer\n          \
                   format: int64\n          \
                   description: How many times the item was used.\n        \
                 ratio:\n          \
                   type: number\n          \
                   format: double\n          \
                   description: The share of the item in its group.\n        \
                 active:\n          \
                   type: boolean\n          \
                   description: Whether the item is in use.\n        \
                 status:\n          \
                   $ref: '#/components/schemas/Resource{r}Status'\n        \
                 labels:\n          \
                   type: array\n          \
                   description: Free-form labels.\n          \
                   items:\n            \
                     type: string\n        \
                 settings:\n          \
                   type: object\n          \
                   description: How the item behaves.\n          \
                   properties:\n            \
                     enabled:\n              \
                       type: boolean\n            \
                     level:\n              \
                       type: integer\n              \
                       format: int32\n\
         {previous}    \
             Resource{r}Input:\n      \
               type: object\n      \
               description: What a client sends for an item of resource {r}.\n      \
               required:\n        \
                 - name\n      \
               properties:\n        \
                 name:\n          \
                   type: string\n          \
                   description: The item's name.\n        \
                 description:\n          \
                   type: string\n          \
                   description: What the item is for.\n        \
                 status:\n          \
                   $ref: '#/components/schemas/Resource{r}Status'\n        \
                 labels:\n          \
                   type: array\n          \
                   items:\n            \
                     type: string\n    \
             Resource{r}Page:\n      \
               type: object\n      \
               description: One page of the items of resource {r}.\n      \
               required:\n        \
                 - items\n      \
               properties:\n        \
                 items:\n          \
                   type: array\n          \
                   items:\n            \
                     $ref: '#/components/schemas/Resource{r}'\n        \
                 next_cursor:\n          \
                   type: string\n          \
                   description: Where the next page starts, when there is one.\n    \
             Resource{r}Status:\n      \
               type: string\n      \
               description: Where an item of resource {r} is in its life.\n      \
               enum:\n        \
                 - ACTIVE\n        \
                 - SUSPENDED\n        \
                 - ARCHIVED\n"
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn has_the_operations_asked_for() {
        for n in [1, 2, 3, 4, 5, 10, 101] {
            let text = spec(n);
            assert_eq!(text.matches("operationId:").count(), n, "{n} operations");
            assert!(generator::parse_only(&text).is_ok(), "{n} operations");
        }
        assert_eq!(spec(10), spec(10));
    }
}
