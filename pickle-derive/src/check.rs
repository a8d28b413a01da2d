//! Rules across keys, fields and variants. Each broken rule is an error
//! under the tokens that break it, recorded in the [`Ctxt`] so that all of
//! them show at once.

use std::collections::HashMap;

use quote::ToTokens;

use crate::ast::{Container, Data, Field, Style, Variant};
use crate::attr::{Flag, MemberValue};
use crate::ctxt::Ctxt;
use crate::model;

pub fn check(cx: &Ctxt, c: &Container) {
    representation(cx, c);
    match &c.data {
        Data::Struct(_, fields) => {
            transparent(cx, c, fields);
            for f in fields {
                field(cx, f);
            }
            unique_field_names(cx, fields, model::struct_rule(c));
        }
        Data::Enum(variants) => {
            if variants.is_empty() {
                cx.error_spanned_by(c.ident, "an enum without variants has no value to pickle");
            } else if c.is_unit_enum() {
                unit_enum(cx, c, variants);
            } else {
                data_enum(cx, c, variants);
            }
        }
    }
}

/// At most one of `slots`, `new_args`, `reduce`, `dict`, `transparent`; a
/// class needs `module`; `dict` and `transparent` are no class.
fn representation(cx: &Ctxt, c: &Container) {
    let a = &c.attrs;
    let reprs: [&Flag; 5] = [&a.slots, &a.new_args, &a.reduce, &a.dict, &a.transparent];
    conflicts(cx, &reprs);
    let no_class = if a.dict.on() {
        Some(("dict", a.dict.tokens()))
    } else if a.transparent.on() {
        Some(("transparent", a.transparent.tokens()))
    } else {
        None
    };
    match no_class {
        Some((what, _)) => {
            for (key, tokens) in [
                ("module", a.module.tokens()),
                ("name", a.name.tokens()),
            ] {
                if !tokens.is_empty() {
                    cx.error_spanned_by(
                        tokens,
                        format!("`{key}` names a Python class, and a `{what}` type is no class"),
                    );
                }
            }
            if let Some(alias) = a.aliases.first() {
                cx.error_spanned_by(alias, format!("`alias` names a Python class, and a `{what}` type is no class"));
            }
            if let Data::Enum(_) = c.data {
                cx.error_spanned_by(
                    no_class.map_or(c.ident.to_token_stream(), |(_, t)| t.clone()),
                    format!("`{what}` is for structs; an enum is an `enum.Enum` or one class per variant"),
                );
            }
        }
        None if !a.module_written => cx.error_spanned_by(
            c.ident,
            "missing module: add `#[pickle(module = \"...\")]` naming the Python module of the class, \
             or `#[pickle(dict)]` or `#[pickle(transparent)]`",
        ),
        None => {}
    }
    if a.transparent.on() && a.deny_unknown_fields.on() {
        cx.error_spanned_by(
            a.deny_unknown_fields.tokens(),
            "`deny_unknown_fields` does not apply to a `transparent` type",
        );
    }
}

/// An error under each representation key after the first one set.
fn conflicts(cx: &Ctxt, flags: &[&Flag]) {
    let names = ["slots", "new_args", "reduce", "dict", "transparent"];
    let mut first: Option<&str> = None;
    for (flag, name) in flags.iter().zip(names) {
        if !flag.on() {
            continue;
        }
        match first {
            None => first = Some(name),
            Some(earlier) => cx.error_spanned_by(
                flag.tokens(),
                format!("conflicting representations: `{earlier}` and `{name}` (choose one)"),
            ),
        }
    }
}

/// `transparent`: one field that is not skipped.
fn transparent(cx: &Ctxt, c: &Container, fields: &[Field]) {
    if !c.attrs.transparent.on() {
        return;
    }
    let live = model::live_fields(fields).count();
    if live != 1 {
        cx.error_spanned_by(
            c.attrs.transparent.tokens(),
            format!("`transparent` needs exactly one field that is not skipped, found {live}"),
        );
    }
}

/// Keys of one field that cannot go together.
fn field(cx: &Ctxt, f: &Field) {
    let a = &f.attrs;
    if a.skip.on() {
        for (key, tokens) in [
            ("with", a.with.tokens()),
            ("bytes", a.bytes.tokens()),
            ("py_type", a.py_type.tokens()),
        ] {
            if !tokens.is_empty() {
                cx.error_spanned_by(tokens, format!("`{key}` conflicts with `skip`: a skipped field is neither written nor read"));
            }
        }
    }
    if a.with.is_set() && a.bytes.on() {
        cx.error_spanned_by(
            a.bytes.tokens(),
            "`bytes` conflicts with `with`: the `with` module decides how the field is written",
        );
    }
}

/// No two fields of one class with the same Python name (or alias).
fn unique_field_names(cx: &Ctxt, fields: &[Field], rule: Option<crate::case::RenameRule>) {
    let mut seen: HashMap<String, ()> = HashMap::new();
    for f in model::live_fields(fields) {
        let name = f.python_name(rule);
        let aliases = f.attrs.aliases.iter().map(syn::LitStr::value);
        for n in std::iter::once(name).chain(aliases) {
            if seen.insert(n.clone(), ()).is_some() {
                cx.error_spanned_by(f.original, format!("two fields have the Python name `{n}`"));
            }
        }
    }
}

/// An enum of unit variants is an `enum.Enum`: members with values.
fn unit_enum(cx: &Ctxt, c: &Container, variants: &[Variant]) {
    let a = &c.attrs;
    for (key, flag) in [
        ("slots", &a.slots),
        ("new_args", &a.new_args),
        ("reduce", &a.reduce),
        ("deny_unknown_fields", &a.deny_unknown_fields),
    ] {
        if flag.on() {
            cx.error_spanned_by(
                flag.tokens(),
                format!(
                    "`{key}` does not apply to an enum of unit variants, which is an `enum.Enum`"
                ),
            );
        }
    }
    for v in variants {
        let va = &v.attrs;
        for (key, tokens) in [
            ("slots", va.slots.tokens()),
            ("new_args", va.new_args.tokens()),
            ("reduce", va.reduce.tokens()),
            ("rename_all", va.rename_all.tokens()),
        ] {
            if !tokens.is_empty() {
                cx.error_spanned_by(
                    tokens,
                    format!("`{key}` does not apply to a member of an `enum.Enum`"),
                );
            }
        }
        if let Some(alias) = va.aliases.first() {
            cx.error_spanned_by(
                alias,
                "`alias` does not apply to a member of an `enum.Enum` (members are read by value)",
            );
        }
    }
    match model::members(c, variants) {
        Ok(members) => {
            let mut names = HashMap::new();
            let mut values = HashMap::new();
            for (m, v) in members.iter().zip(variants) {
                if names.insert(m.name.clone(), ()).is_some() {
                    cx.error_spanned_by(v.ident, format!("two members are named `{}`", m.name));
                }
                let key = match &m.value {
                    MemberValue::Int(i) => format!("{i}"),
                    MemberValue::Str(s) => format!("{s:?}"),
                };
                if values.insert(key.clone(), ()).is_some() {
                    cx.error_spanned_by(v.ident, format!("two members have the value {key}: the second would be an alias of the first in Python"));
                }
            }
        }
        Err(v) => {
            let msg =
                "the member's value cannot be known: give the discriminant as an integer literal, \
                       or `#[pickle(value = ...)]`";
            match v.discriminant {
                Some(expr) => cx.error_spanned_by(expr, msg),
                None => cx.error_spanned_by(v.ident, msg),
            }
        }
    }
}

/// An enum with data: one class per variant.
fn data_enum(cx: &Ctxt, c: &Container, variants: &[Variant]) {
    let a = &c.attrs;
    if a.name.is_set() {
        cx.error_spanned_by(a.name.tokens(), "`name` on an enum with data: each variant is a class, named by the variant (or `#[pickle(name = \"...\")]` on it)");
    }
    if let Some(alias) = a.aliases.first() {
        cx.error_spanned_by(
            alias,
            "`alias` on an enum with data: put it on the variants, which are the classes",
        );
    }
    let mut names = HashMap::new();
    for v in variants {
        if v.attrs.value.is_set() {
            let why = if v.style == Style::Unit {
                "`value` is for enums of unit variants only (an `enum.Enum`); in an enum with data each variant is a class"
            } else {
                "`value` needs a unit variant: it sets the value of an `enum.Enum` member"
            };
            cx.error_spanned_by(v.attrs.value.tokens(), why);
        }
        conflicts(cx, &[&v.attrs.slots, &v.attrs.new_args, &v.attrs.reduce]);
        for f in &v.fields {
            field(cx, f);
        }
        unique_field_names(cx, &v.fields, model::variant_rule(c, v));
        let name = model::variant_class_name(v);
        if names.insert(name.clone(), ()).is_some() {
            cx.error_spanned_by(v.ident, format!("two variants are the class `{name}`"));
        }
    }
}
