//! Syntax trees filled in rather than parsed: a construct that the output repeats, once per
//! type, field or operation, is parsed from `quote!` once per thread as a template, and each
//! use is a clone of it with its placeholders replaced.
//!
//! Parsing tokens back into syntax trees was most of the generator's time, and a clone costs a
//! fraction of a parse. The templates still read as the Rust they stand for.
//!
//! A placeholder is an identifier that starts with `__`; what takes its place depends on where
//! it stands, and on the kind of [`Fill`] given for it:
//!
//! - [`Fill::Ident`]: any identifier of that name, wherever it is.
//! - [`Fill::Expr`], [`Fill::Pat`], [`Fill::Type`]: an expression, pattern or type that is the
//!   name alone.
//! - [`Fill::Stmts`]: the statement `__name;` in a block.
//! - [`Fill::Arms`]: the match arm `__name => ...`.
//! - [`Fill::Fields`]: the named field `__name: ...` of a struct or a struct variant.
//! - [`Fill::Values`]: the field `__name: ...` of a struct expression.
//! - [`Fill::Exprs`]: the element `__name` of an array expression.
//! - [`Fill::Args`]: the argument `__name: ...` of a function.
//!
//! The lists are moved in where they stand, so each may stand only once; any other fill is
//! cloned into each place its placeholder stands but the last, and moved into that one, since
//! a template knows how often each of its placeholders occurs. A fill for a placeholder that
//! the template does not have, or a placeholder left unfilled, is a fault in the emitter; debug
//! builds, and so the tests, check both at every use.

use proc_macro2::Ident;
use syn::punctuated::Punctuated;
use syn::visit_mut::{self, VisitMut};
use syn::{
    Arm, Block, Expr, ExprArray, ExprMatch, ExprStruct, Field, FieldValue, FieldsNamed, FnArg,
    Member, Pat, Signature, Stmt, Type,
};

/// What takes the place of one placeholder.
#[derive(Clone)]
pub(crate) enum Fill {
    Ident(Ident),
    Expr(Expr),
    Pat(Pat),
    Type(Type),
    Stmts(Vec<Stmt>),
    Arms(Vec<Arm>),
    Fields(Vec<Field>),
    Values(Vec<FieldValue>),
    Exprs(Vec<Expr>),
    Args(Vec<FnArg>),
    /// What is left once the value has been moved into its last place.
    Taken,
}

/// A syntax tree that can be filled in.
pub(crate) trait Template: Clone + Sized {
    /// Runs `visitor` over `self`: the filler, or the count of placeholders.
    fn visit(&mut self, visitor: &mut impl VisitMut);

    /// The template that `tokens` are.
    fn parse(tokens: proc_macro2::TokenStream) -> syn::Result<Self>;
}

/// A template as it is kept: its tree, and how often each of its placeholders occurs in it.
pub(crate) struct Parsed<T> {
    pub tree: T,
    occurrences: Vec<(String, usize)>,
}

impl<T: Template> Parsed<T> {
    fn new(mut tree: T) -> Self {
        let mut found = Placeholders::default();
        tree.visit(&mut found);
        Self {
            tree,
            occurrences: found.0.into_iter().collect(),
        }
    }

    /// A copy of the tree with each placeholder of `fills` replaced.
    pub fn fill(&self, fills: Vec<(&'static str, Fill)>) -> T {
        debug_assert!(
            self.occurrences
                .iter()
                .all(|(name, _)| fills.iter().any(|(fill, _)| fill == name)),
            "placeholders left unfilled: {:?}",
            self.occurrences
                .iter()
                .filter(|(name, _)| !fills.iter().any(|(fill, _)| fill == name))
                .collect::<Vec<_>>()
        );
        let left = fills
            .iter()
            .map(|(name, _)| {
                let found = self
                    .occurrences
                    .iter()
                    .find(|(placeholder, _)| placeholder == name);
                found.map_or(0, |(_, count)| *count)
            })
            .collect();
        let mut copy = self.tree.clone();
        let mut filler = Filler {
            used: vec![false; fills.len()],
            left,
            fills,
        };
        copy.visit(&mut filler);
        debug_assert!(
            filler.used.iter().all(|used| *used),
            "fills for placeholders that the template does not have: {:?}",
            filler
                .fills
                .iter()
                .zip(&filler.used)
                .filter(|(_, used)| !**used)
                .map(|((name, _), _)| name)
                .collect::<Vec<_>>()
        );
        copy
    }
}

macro_rules! templates {
    ($($ty:ty => $visit:ident, $parser:expr;)*) => {
        $(
            impl Template for $ty {
                fn visit(&mut self, visitor: &mut impl VisitMut) {
                    visitor.$visit(self);
                }

                fn parse(tokens: proc_macro2::TokenStream) -> syn::Result<Self> {
                    syn::parse::Parser::parse2($parser, tokens)
                }
            }
        )*
    };
}

templates! {
    syn::Item => visit_item_mut, <syn::Item as syn::parse::Parse>::parse;
    syn::ImplItem => visit_impl_item_mut, <syn::ImplItem as syn::parse::Parse>::parse;
    Block => visit_block_mut, <Block as syn::parse::Parse>::parse;
    Stmt => visit_stmt_mut, <Stmt as syn::parse::Parse>::parse;
    Arm => visit_arm_mut, <Arm as syn::parse::Parse>::parse;
    Field => visit_field_mut, Field::parse_named;
    FieldValue => visit_field_value_mut, <FieldValue as syn::parse::Parse>::parse;
    syn::Variant => visit_variant_mut, <syn::Variant as syn::parse::Parse>::parse;
    Expr => visit_expr_mut, <Expr as syn::parse::Parse>::parse;
    Type => visit_type_mut, <Type as syn::parse::Parse>::parse;
    FnArg => visit_fn_arg_mut, <FnArg as syn::parse::Parse>::parse;
}

/// The placeholders of a template, each with how often it occurs: each occurrence is one
/// identifier, whatever it stands for.
#[derive(Default)]
struct Placeholders(std::collections::BTreeMap<String, usize>);

impl VisitMut for Placeholders {
    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        let name = ident.to_string();
        if name.starts_with("__") {
            *self.0.entry(name).or_default() += 1;
        }
    }
}

/// The visitor that puts the fills in place.
pub(crate) struct Filler<'a> {
    fills: Vec<(&'a str, Fill)>,
    used: Vec<bool>,
    /// How many more places each fill's placeholder stands in.
    left: Vec<usize>,
}

impl Filler<'_> {
    /// The fill for `ident`, if it is a placeholder with a fill of the kind that `kind` wants:
    /// a clone, or the fill itself where the placeholder stands for the last time. Only then
    /// does the fill count as used.
    fn find(&mut self, ident: &Ident, kind: impl FnOnce(&Fill) -> bool) -> Option<Fill> {
        let index = self.fills.iter().position(|(name, _)| ident == name)?;
        let fill = &mut self.fills[index].1;
        if !kind(fill) {
            return None;
        }
        self.used[index] = true;
        self.left[index] = self.left[index].saturating_sub(1);
        Some(match self.left[index] {
            0 => std::mem::replace(fill, Fill::Taken),
            _ => fill.clone(),
        })
    }

    /// The list that replaces the placeholder named `ident`, moved out of its fill.
    fn list<T>(
        &mut self,
        ident: &Ident,
        take: impl Fn(&mut Fill) -> Option<&mut Vec<T>>,
    ) -> Option<Vec<T>> {
        let index = self.fills.iter().position(|(name, _)| ident == name)?;
        let list = take(&mut self.fills[index].1).map(std::mem::take)?;
        self.used[index] = true;
        Some(list)
    }

    /// `list` with each element that `key` names a placeholder replaced by the fill's list, and
    /// every other element visited.
    fn splice_vec<T>(
        &mut self,
        list: Vec<T>,
        key: impl Fn(&T) -> Option<&Ident>,
        take: impl Fn(&mut Fill) -> Option<&mut Vec<T>>,
        visit: impl Fn(&mut Self, &mut T),
    ) -> Vec<T> {
        let mut spliced = Vec::with_capacity(list.len());
        for mut element in list {
            match key(&element).and_then(|name| self.list(name, &take)) {
                Some(elements) => spliced.extend(elements),
                None => {
                    visit(self, &mut element);
                    spliced.push(element);
                }
            }
        }
        spliced
    }

    /// The same for a punctuated list.
    fn splice<T, P: Default>(
        &mut self,
        list: &mut Punctuated<T, P>,
        key: impl Fn(&T) -> Option<&Ident>,
        take: impl Fn(&mut Fill) -> Option<&mut Vec<T>>,
        visit: impl Fn(&mut Self, &mut T),
    ) {
        if !list.iter().any(|element| key(element).is_some()) {
            for element in list.iter_mut() {
                visit(self, element);
            }
            return;
        }
        let trailing = list.trailing_punct();
        let elements = std::mem::take(list).into_iter().collect();
        let mut spliced: Punctuated<T, P> = self
            .splice_vec(elements, key, take, visit)
            .into_iter()
            .collect();
        if trailing && !spliced.empty_or_trailing() {
            spliced.push_punct(P::default());
        }
        *list = spliced;
    }
}

/// The identifier that a path is, when it is one identifier alone.
fn lone(path: &syn::Path) -> Option<&Ident> {
    path.get_ident()
}

fn lone_expr(expr: &Expr) -> Option<&Ident> {
    match expr {
        Expr::Path(p) if p.qself.is_none() && p.attrs.is_empty() => lone(&p.path),
        _ => None,
    }
}

fn lone_pat(pat: &Pat) -> Option<&Ident> {
    match pat {
        Pat::Ident(p) if p.by_ref.is_none() && p.mutability.is_none() && p.subpat.is_none() => {
            Some(&p.ident)
        }
        _ => None,
    }
}

impl VisitMut for Filler<'_> {
    fn visit_ident_mut(&mut self, ident: &mut Ident) {
        if let Some(Fill::Ident(fill)) = self.find(ident, |f| matches!(f, Fill::Ident(_))) {
            *ident = fill;
        }
    }

    fn visit_expr_mut(&mut self, expr: &mut Expr) {
        let fill = lone_expr(expr).and_then(|name| self.find(name, |f| matches!(f, Fill::Expr(_))));
        match fill {
            Some(Fill::Expr(fill)) => *expr = fill,
            _ => visit_mut::visit_expr_mut(self, expr),
        }
    }

    fn visit_pat_mut(&mut self, pat: &mut Pat) {
        let fill = lone_pat(pat).and_then(|name| self.find(name, |f| matches!(f, Fill::Pat(_))));
        match fill {
            Some(Fill::Pat(fill)) => *pat = fill,
            _ => visit_mut::visit_pat_mut(self, pat),
        }
    }

    fn visit_type_mut(&mut self, ty: &mut Type) {
        let name = match &*ty {
            Type::Path(p) if p.qself.is_none() => lone(&p.path),
            _ => None,
        };
        let fill = name.and_then(|name| self.find(name, |f| matches!(f, Fill::Type(_))));
        match fill {
            Some(Fill::Type(fill)) => *ty = fill,
            _ => visit_mut::visit_type_mut(self, ty),
        }
    }

    fn visit_block_mut(&mut self, block: &mut Block) {
        fn key(stmt: &Stmt) -> Option<&Ident> {
            match stmt {
                Stmt::Expr(expr, Some(_)) => lone_expr(expr),
                _ => None,
            }
        }
        let placeholders = |filler: &Self, stmt: &Stmt| {
            key(stmt).is_some_and(|name| filler.fills.iter().any(|(fill, _)| name == fill))
        };
        if !block.stmts.iter().any(|stmt| placeholders(self, stmt)) {
            return visit_mut::visit_block_mut(self, block);
        }
        block.stmts = self.splice_vec(
            std::mem::take(&mut block.stmts),
            key,
            |fill| match fill {
                Fill::Stmts(stmts) => Some(stmts),
                _ => None,
            },
            |filler, stmt| filler.visit_stmt_mut(stmt),
        );
    }

    fn visit_expr_match_mut(&mut self, node: &mut ExprMatch) {
        self.visit_expr_mut(&mut node.expr);
        node.arms = self.splice_vec(
            std::mem::take(&mut node.arms),
            |arm| lone_pat(&arm.pat),
            |fill| match fill {
                Fill::Arms(arms) => Some(arms),
                _ => None,
            },
            |filler, arm| filler.visit_arm_mut(arm),
        );
    }

    fn visit_fields_named_mut(&mut self, node: &mut FieldsNamed) {
        self.splice(
            &mut node.named,
            |field| field.ident.as_ref(),
            |fill| match fill {
                Fill::Fields(fields) => Some(fields),
                _ => None,
            },
            |filler, field| filler.visit_field_mut(field),
        );
    }

    fn visit_expr_struct_mut(&mut self, node: &mut ExprStruct) {
        self.visit_path_mut(&mut node.path);
        self.splice(
            &mut node.fields,
            |value| match &value.member {
                Member::Named(name) => Some(name),
                Member::Unnamed(_) => None,
            },
            |fill| match fill {
                Fill::Values(values) => Some(values),
                _ => None,
            },
            |filler, value| filler.visit_field_value_mut(value),
        );
        if let Some(rest) = &mut node.rest {
            self.visit_expr_mut(rest);
        }
    }

    fn visit_expr_array_mut(&mut self, node: &mut ExprArray) {
        self.splice(
            &mut node.elems,
            lone_expr,
            |fill| match fill {
                Fill::Exprs(exprs) => Some(exprs),
                _ => None,
            },
            |filler, expr| filler.visit_expr_mut(expr),
        );
    }

    fn visit_signature_mut(&mut self, node: &mut Signature) {
        self.visit_ident_mut(&mut node.ident);
        self.visit_generics_mut(&mut node.generics);
        self.splice(
            &mut node.inputs,
            |arg| match arg {
                FnArg::Typed(typed) => lone_pat(&typed.pat),
                FnArg::Receiver(_) => None,
            },
            |fill| match fill {
                Fill::Args(args) => Some(args),
                _ => None,
            },
            |filler, arg| filler.visit_fn_arg_mut(arg),
        );
        self.visit_return_type_mut(&mut node.output);
    }
}

/// Templates of one kind, parsed on first use on each thread: syntax trees cannot cross
/// threads, and parts are emitted on every thread.
macro_rules! thread_templates {
    ($(#[$attr:meta])* $vis:vis struct $name:ident { $($field:ident: $ty:ty = $tokens:expr,)* }) => {
        $(#[$attr])*
        $vis struct $name {
            $(pub $field: $crate::emit::template::Parsed<$ty>,)*
        }

        impl $name {
            fn parse() -> Self {
                Self {
                    $($field: $crate::emit::template::parse($tokens, stringify!($field)),)*
                }
            }

            /// Runs `f` with this thread's templates.
            pub fn with<R>(f: impl FnOnce(&Self) -> R) -> R {
                thread_local! {
                    static TEMPLATES: $name = $name::parse();
                }
                TEMPLATES.with(f)
            }
        }
    };
}

pub(crate) use thread_templates;

/// A template parsed from its tokens, which the emitter wrote and which must be valid Rust.
pub(crate) fn parse<T: Template>(tokens: proc_macro2::TokenStream, name: &str) -> Parsed<T> {
    match T::parse(tokens) {
        Ok(tree) => Parsed::new(tree),
        Err(e) => panic!("template `{name}` is not valid Rust: {e}"),
    }
}
