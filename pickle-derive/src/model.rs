//! What the checked attributes mean: each class's representation, its
//! Python fields, the enum members. `ser.rs` and `de.rs` read this; the
//! rules that reject bad combinations are in `check.rs`.

use proc_macro2::TokenStream;
use quote::quote;

use crate::ast::{Container, Field, Style, Variant};
use crate::attr::{self, MemberValue};
use crate::case::RenameRule;

/// How a struct, or one variant of a data enum, is represented.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Repr {
    State,
    Slots,
    NewArgs,
    Reduce,
    Dict,
    Transparent,
}

impl Repr {
    /// The `pickle_core::class::Repr` it maps to.
    pub fn core_variant(self) -> TokenStream {
        match self {
            Repr::Slots => quote!(Slots),
            Repr::NewArgs => quote!(NewArgs),
            Repr::Reduce => quote!(Reduce),
            Repr::State | Repr::Dict | Repr::Transparent => quote!(State),
        }
    }
}

/// The class representation keys of a container or variant, set or not.
fn class_flag(slots: &attr::Flag, new_args: &attr::Flag, reduce: &attr::Flag) -> Option<Repr> {
    if slots.on() {
        Some(Repr::Slots)
    } else if new_args.on() {
        Some(Repr::NewArgs)
    } else if reduce.on() {
        Some(Repr::Reduce)
    } else {
        None
    }
}

/// Tuples default to `new_args` (positional, as a namedtuple); the rest to
/// a plain class (`Repr::State`).
fn default_for(style: Style) -> Repr {
    match style {
        Style::Tuple => Repr::NewArgs,
        Style::Named | Style::Unit => Repr::State,
    }
}

/// The representation of a struct.
pub fn struct_repr(c: &Container, style: Style) -> Repr {
    let a = &c.attrs;
    if a.transparent.on() {
        Repr::Transparent
    } else if a.dict.on() {
        Repr::Dict
    } else {
        class_flag(&a.slots, &a.new_args, &a.reduce).unwrap_or_else(|| default_for(style))
    }
}

/// The representation of a data enum's variant: its own key, else the
/// enum's, else the default for its shape.
pub fn variant_repr(c: &Container, v: &Variant) -> Repr {
    class_flag(&v.attrs.slots, &v.attrs.new_args, &v.attrs.reduce)
        .or_else(|| class_flag(&c.attrs.slots, &c.attrs.new_args, &c.attrs.reduce))
        .unwrap_or_else(|| default_for(v.style))
}

/// The `rename_all` rule for the fields of a variant (its own, else the enum's).
pub fn variant_rule(c: &Container, v: &Variant) -> Option<RenameRule> {
    v.attrs
        .rename_all
        .get()
        .or_else(|| c.attrs.rename_all.get())
        .copied()
}

/// The `rename_all` rule of a struct's fields.
pub fn struct_rule(c: &Container) -> Option<RenameRule> {
    c.attrs.rename_all.get().copied()
}

/// A data enum variant's class name: `name`/`rename`, else the Rust name.
pub fn variant_class_name(v: &Variant) -> String {
    v.attrs
        .rename
        .get()
        .cloned()
        .unwrap_or_else(|| crate::ast::unraw(v.ident))
}

/// The fields that are written and read, with their index among them (the
/// index in the class description).
pub fn live_fields<'f, 'a>(fields: &'f [Field<'a>]) -> impl Iterator<Item = &'f Field<'a>> {
    fields.iter().filter(|f| !f.skipped())
}

/// The Python member of a unit-only enum's variant.
pub struct Member {
    pub name: String,
    pub value: MemberValue,
}

/// The members of a unit-only enum, or `Err` with the variant whose value
/// cannot be known (a discriminant that is not an integer literal).
pub fn members<'v, 'a>(
    c: &Container<'a>,
    variants: &'v [Variant<'a>],
) -> Result<Vec<Member>, &'v Variant<'a>> {
    let mut next: Option<i64> = Some(0);
    let mut out = Vec::new();
    for v in variants {
        // The Rust discriminant: explicit, else the previous one plus one.
        let discriminant = match v.discriminant {
            Some(expr) => int_literal(expr),
            None => next,
        };
        next = discriminant.and_then(|d| d.checked_add(1));
        let value = match v.attrs.value.get() {
            Some(MemberValue::Int(i)) => MemberValue::Int(*i),
            Some(MemberValue::Str(s)) => MemberValue::Str(s.clone()),
            None => MemberValue::Int(discriminant.ok_or(v)?),
        };
        let name = v.attrs.rename.get().cloned().unwrap_or_else(|| {
            let rust = crate::ast::unraw(v.ident);
            c.attrs
                .rename_all
                .get()
                .map_or(rust.clone(), |r| r.apply_to_variant(&rust))
        });
        out.push(Member { name, value });
    }
    Ok(out)
}

/// The value of `1`, `-1`, `0x10`... as an `i64`.
fn int_literal(expr: &syn::Expr) -> Option<i64> {
    match expr {
        syn::Expr::Lit(syn::ExprLit {
            lit: syn::Lit::Int(lit),
            ..
        }) => lit.base10_parse().ok(),
        syn::Expr::Unary(syn::ExprUnary {
            op: syn::UnOp::Neg(_),
            expr,
            ..
        }) => match &**expr {
            syn::Expr::Lit(syn::ExprLit {
                lit: syn::Lit::Int(lit),
                ..
            }) => format!("-{}", lit.base10_digits()).parse().ok(),
            _ => None,
        },
        syn::Expr::Group(group) => int_literal(&group.expr),
        syn::Expr::Paren(paren) => int_literal(&paren.expr),
        _ => None,
    }
}
