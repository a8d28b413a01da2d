//! Every `#[pickle(...)]` key: parsed with `parse_nested_meta`, one branch
//! per key, each headed by the syntax it accepts. A bad key or value is
//! recorded in the [`Ctxt`] and parsing goes on, so all of an item's errors
//! show at once. Rules that involve more than one key live in `check.rs`.

use proc_macro2::TokenStream;
use quote::ToTokens;
use syn::meta::ParseNestedMeta;
use syn::parse::ParseStream;
use syn::{Expr, ExprLit, ExprUnary, Lit, LitStr, Token, UnOp};

use crate::case::RenameRule;
use crate::ctxt::Ctxt;

/// One key's value, and the tokens of the key for errors about it.
pub struct Attr<T> {
    name: &'static str,
    tokens: TokenStream,
    value: Option<T>,
}

impl<T> Attr<T> {
    fn none(name: &'static str) -> Self {
        Attr {
            name,
            tokens: TokenStream::new(),
            value: None,
        }
    }

    /// Sets the value; a second value is a "duplicate" error under `key`.
    fn set(&mut self, cx: &Ctxt, key: impl ToTokens, value: T) {
        if self.value.is_some() {
            cx.error_spanned_by(key, format!("duplicate pickle attribute `{}`", self.name));
        } else {
            self.tokens = key.into_token_stream();
            self.value = Some(value);
        }
    }

    pub fn get(&self) -> Option<&T> {
        self.value.as_ref()
    }

    /// The key's tokens, to span an error under it.
    pub fn tokens(&self) -> &TokenStream {
        &self.tokens
    }

    pub fn is_set(&self) -> bool {
        self.value.is_some()
    }
}

/// A key without a value (`slots`).
pub type Flag = Attr<()>;

impl Flag {
    pub fn on(&self) -> bool {
        self.is_set()
    }
}

/// A repeatable key (`alias = "..."`): every value, with its literal.
pub type Many = Vec<LitStr>;

/// `#[pickle(default)]` or `#[pickle(default = "path::to::fn")]`.
pub enum DefaultValue {
    Trait,
    Path(syn::ExprPath),
}

/// The value of a unit-only enum's member.
pub enum MemberValue {
    Int(i64),
    Str(String),
}

/// Keys on a struct or enum.
pub struct Container {
    pub module: Attr<String>,
    /// Whether a `module` key was written, valid or not (a bad one is
    /// reported as such, not as a missing module).
    pub module_written: bool,
    pub name: Attr<String>,
    pub slots: Flag,
    pub new_args: Flag,
    pub reduce: Flag,
    pub dict: Flag,
    pub transparent: Flag,
    pub aliases: Many,
    pub deny_unknown_fields: Flag,
    pub krate: Attr<syn::Path>,
    pub rename_all: Attr<RenameRule>,
}

/// Keys on an enum variant.
pub struct Variant {
    /// The Python member name (unit-only enums) or class name (data enums).
    pub rename: Attr<String>,
    pub value: Attr<MemberValue>,
    pub slots: Flag,
    pub new_args: Flag,
    pub reduce: Flag,
    pub aliases: Many,
    pub rename_all: Attr<RenameRule>,
}

/// Keys on a field.
pub struct Field {
    pub rename: Attr<String>,
    pub default: Attr<DefaultValue>,
    pub skip: Flag,
    pub aliases: Many,
    pub with: Attr<syn::Path>,
    pub bytes: Flag,
    /// The field's Python annotation, as Python text (for the stubs).
    pub py_type: Attr<String>,
}

/// Runs `each` on every key of every `#[pickle(...)]` attribute in `attrs`.
fn for_each_key(
    cx: &Ctxt,
    attrs: &[syn::Attribute],
    mut each: impl FnMut(&ParseNestedMeta) -> syn::Result<()>,
) {
    for attr in attrs.iter().filter(|a| a.path().is_ident("pickle")) {
        if let syn::Meta::Path(_) | syn::Meta::NameValue(_) = attr.meta {
            cx.error_spanned_by(attr, "expected `#[pickle(...)]`");
            continue;
        }
        if let Err(err) = attr.parse_nested_meta(|meta| each(&meta)) {
            cx.syn_error(err);
        }
    }
}

impl Container {
    pub fn from_ast(cx: &Ctxt, input: &syn::DeriveInput) -> Container {
        let mut c = Container {
            module: Attr::none("module"),
            module_written: false,
            name: Attr::none("name"),
            slots: Flag::none("slots"),
            new_args: Flag::none("new_args"),
            reduce: Flag::none("reduce"),
            dict: Flag::none("dict"),
            transparent: Flag::none("transparent"),
            aliases: Vec::new(),
            deny_unknown_fields: Flag::none("deny_unknown_fields"),
            krate: Attr::none("crate"),
            rename_all: Attr::none("rename_all"),
        };
        for_each_key(cx, &input.attrs, |meta| {
            let key = &meta.path;
            if key.is_ident("module") {
                // #[pickle(module = "shop.models")]
                c.module_written = true;
                if let Some(lit) = string(cx, meta, "module")? {
                    if dotted_name(&lit.value()) {
                        c.module.set(cx, key, lit.value());
                    } else {
                        cx.error_spanned_by(
                            &lit,
                            "`module` must be a dotted Python name, such as \"shop.models\"",
                        );
                    }
                }
            } else if key.is_ident("name") {
                // #[pickle(name = "OrderV2")]
                if let Some(lit) = string(cx, meta, "name")? {
                    if dotted_name(&lit.value()) {
                        c.name.set(cx, key, lit.value());
                    } else {
                        cx.error_spanned_by(
                            &lit,
                            "`name` must be a Python class name, such as \"Order\"",
                        );
                    }
                }
            } else if key.is_ident("slots") {
                // #[pickle(slots)]
                flag(cx, meta, &mut c.slots)?;
            } else if key.is_ident("new_args") {
                // #[pickle(new_args)]
                flag(cx, meta, &mut c.new_args)?;
            } else if key.is_ident("reduce") {
                // #[pickle(reduce)]
                flag(cx, meta, &mut c.reduce)?;
            } else if key.is_ident("dict") {
                // #[pickle(dict)]
                flag(cx, meta, &mut c.dict)?;
            } else if key.is_ident("transparent") {
                // #[pickle(transparent)]
                flag(cx, meta, &mut c.transparent)?;
            } else if key.is_ident("alias") {
                // #[pickle(alias = "shop.legacy.Order")]
                if let Some(lit) = string(cx, meta, "alias")? {
                    class_alias(cx, lit, &mut c.aliases);
                }
            } else if key.is_ident("deny_unknown_fields") {
                // #[pickle(deny_unknown_fields)]
                flag(cx, meta, &mut c.deny_unknown_fields)?;
            } else if key.is_ident("crate") {
                // #[pickle(crate = "path::to::pickle_core")]
                if let Some(lit) = string(cx, meta, "crate")? {
                    match lit.parse::<syn::Path>() {
                        Ok(path) => c.krate.set(cx, key, path),
                        Err(_) => cx.error_spanned_by(
                            &lit,
                            "`crate` must be a path, such as \"my_crate::pickle\"",
                        ),
                    }
                }
            } else if key.is_ident("rename_all") {
                // #[pickle(rename_all = "SCREAMING_SNAKE_CASE")]
                if let Some(rule) = rename_rule(cx, meta)? {
                    c.rename_all.set(cx, key, rule);
                }
            } else {
                unknown(cx, meta, "module, name, slots, new_args, reduce, dict, transparent, alias, deny_unknown_fields, crate, rename_all")?;
            }
            Ok(())
        });
        c
    }
}

impl Variant {
    pub fn from_ast(cx: &Ctxt, variant: &syn::Variant) -> Variant {
        let mut v = Variant {
            rename: Attr::none("rename"),
            value: Attr::none("value"),
            slots: Flag::none("slots"),
            new_args: Flag::none("new_args"),
            reduce: Flag::none("reduce"),
            aliases: Vec::new(),
            rename_all: Attr::none("rename_all"),
        };
        for_each_key(cx, &variant.attrs, |meta| {
            let key = &meta.path;
            if key.is_ident("rename") || key.is_ident("name") {
                // #[pickle(rename = "RED")] or #[pickle(name = "Circle")]: one
                // key under two names, since a variant is a member or a class.
                let which = if key.is_ident("rename") {
                    "rename"
                } else {
                    "name"
                };
                if let Some(lit) = string(cx, meta, which)? {
                    v.rename.set(cx, key, lit.value());
                }
            } else if key.is_ident("value") {
                // #[pickle(value = "happy")] or #[pickle(value = 3)]
                if let Some(value) = member_value(cx, meta)? {
                    v.value.set(cx, key, value);
                }
            } else if key.is_ident("slots") {
                // #[pickle(slots)]
                flag(cx, meta, &mut v.slots)?;
            } else if key.is_ident("new_args") {
                // #[pickle(new_args)]
                flag(cx, meta, &mut v.new_args)?;
            } else if key.is_ident("reduce") {
                // #[pickle(reduce)]
                flag(cx, meta, &mut v.reduce)?;
            } else if key.is_ident("alias") {
                // #[pickle(alias = "shop.legacy.Circle")]
                if let Some(lit) = string(cx, meta, "alias")? {
                    class_alias(cx, lit, &mut v.aliases);
                }
            } else if key.is_ident("rename_all") {
                // #[pickle(rename_all = "camelCase")]
                if let Some(rule) = rename_rule(cx, meta)? {
                    v.rename_all.set(cx, key, rule);
                }
            } else {
                unknown(
                    cx,
                    meta,
                    "rename, name, value, slots, new_args, reduce, alias, rename_all",
                )?;
            }
            Ok(())
        });
        v
    }
}

impl Field {
    pub fn from_ast(cx: &Ctxt, field: &syn::Field) -> Field {
        let mut f = Field {
            rename: Attr::none("rename"),
            default: Attr::none("default"),
            skip: Flag::none("skip"),
            aliases: Vec::new(),
            with: Attr::none("with"),
            bytes: Flag::none("bytes"),
            py_type: Attr::none("py_type"),
        };
        for_each_key(cx, &field.attrs, |meta| {
            let key = &meta.path;
            if key.is_ident("rename") {
                // #[pickle(rename = "unit_price")]
                if let Some(lit) = string(cx, meta, "rename")? {
                    f.rename.set(cx, key, lit.value());
                }
            } else if key.is_ident("default") {
                // #[pickle(default)] or #[pickle(default = "path::to::fn")]
                if meta.input.peek(Token![=]) {
                    if let Some(lit) = string(cx, meta, "default")? {
                        match lit.parse::<syn::ExprPath>() {
                            Ok(path) => f.default.set(cx, key, DefaultValue::Path(path)),
                            Err(_) => cx.error_spanned_by(
                                &lit,
                                "`default` must name a function, such as \"path::to::fn\"",
                            ),
                        }
                    }
                } else {
                    f.default.set(cx, key, DefaultValue::Trait);
                }
            } else if key.is_ident("skip") {
                // #[pickle(skip)]
                flag(cx, meta, &mut f.skip)?;
            } else if key.is_ident("alias") {
                // #[pickle(alias = "old_name")]
                if let Some(lit) = string(cx, meta, "alias")? {
                    f.aliases.push(lit);
                }
            } else if key.is_ident("with") {
                // #[pickle(with = "path::to::module")]
                if let Some(lit) = string(cx, meta, "with")? {
                    match lit.parse::<syn::Path>() {
                        Ok(path) => f.with.set(cx, key, path),
                        Err(_) => cx.error_spanned_by(
                            &lit,
                            "`with` must name a module, such as \"path::to::module\"",
                        ),
                    }
                }
            } else if key.is_ident("bytes") {
                // #[pickle(bytes)]
                flag(cx, meta, &mut f.bytes)?;
            } else if key.is_ident("py_type") {
                // #[pickle(py_type = "datetime.timedelta")]
                if let Some(lit) = string(cx, meta, "py_type")? {
                    if lit.value().trim().is_empty() || lit.value().contains('\n') {
                        cx.error_spanned_by(
                            &lit,
                            "`py_type` must be a one-line Python annotation, such as \"float\"",
                        );
                    } else {
                        f.py_type.set(cx, key, lit.value());
                    }
                }
            } else {
                unknown(
                    cx,
                    meta,
                    "rename, default, skip, alias, with, bytes, py_type",
                )?;
            }
            Ok(())
        });
        f
    }
}

/// `key` with no value; `key = ...` is an error (its value is skipped).
fn flag(cx: &Ctxt, meta: &ParseNestedMeta, attr: &mut Flag) -> syn::Result<()> {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        skip_value(meta.input)?;
        cx.error_spanned_by(&meta.path, format!("`{}` takes no value", attr.name));
        return Ok(());
    }
    attr.set(cx, &meta.path, ());
    Ok(())
}

/// `key = "text"`: the literal, or `None` after an error under a value of
/// another kind.
fn string(cx: &Ctxt, meta: &ParseNestedMeta, key: &str) -> syn::Result<Option<LitStr>> {
    let Some(expr) = value(cx, meta, key)? else {
        return Ok(None);
    };
    match expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => Ok(Some(lit)),
        other => {
            cx.error_spanned_by(
                other,
                format!("expected a string literal, as in `{key} = \"...\"`"),
            );
            Ok(None)
        }
    }
}

/// The expression after `key =`, or `None` after an error if there is no `=`.
fn value(cx: &Ctxt, meta: &ParseNestedMeta, key: &str) -> syn::Result<Option<Expr>> {
    if !meta.input.peek(Token![=]) {
        skip_value(meta.input)?;
        cx.error_spanned_by(
            &meta.path,
            format!("expected a value, as in `{key} = \"...\"`"),
        );
        return Ok(None);
    }
    let mut expr: Expr = meta.value()?.parse()?;
    // A value passed through a `macro_rules!` arrives in an invisible group.
    while let Expr::Group(group) = expr {
        expr = *group.expr;
    }
    Ok(Some(expr))
}

/// `value = "happy"`, `value = 3` or `value = -1`.
fn member_value(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<MemberValue>> {
    let Some(expr) = value(cx, meta, "value")? else {
        return Ok(None);
    };
    match &expr {
        Expr::Lit(ExprLit {
            lit: Lit::Str(lit), ..
        }) => return Ok(Some(MemberValue::Str(lit.value()))),
        Expr::Lit(ExprLit {
            lit: Lit::Int(lit), ..
        }) => {
            if let Ok(v) = lit.base10_parse::<i64>() {
                return Ok(Some(MemberValue::Int(v)));
            }
        }
        Expr::Unary(ExprUnary {
            op: UnOp::Neg(_),
            expr: inner,
            ..
        }) => {
            if let Expr::Lit(ExprLit {
                lit: Lit::Int(lit), ..
            }) = &**inner
            {
                if let Ok(v) = format!("-{}", lit.base10_digits()).parse::<i64>() {
                    return Ok(Some(MemberValue::Int(v)));
                }
            }
        }
        _ => {}
    }
    cx.error_spanned_by(
        expr,
        "expected a string or 64-bit integer literal, as in `value = \"happy\"` or `value = 1`",
    );
    Ok(None)
}

/// `rename_all = "..."` with one of serde's conventions.
fn rename_rule(cx: &Ctxt, meta: &ParseNestedMeta) -> syn::Result<Option<RenameRule>> {
    let Some(lit) = string(cx, meta, "rename_all")? else {
        return Ok(None);
    };
    let rule = RenameRule::from_str(&lit.value());
    if rule.is_none() {
        cx.error_spanned_by(
            &lit,
            format!(
                "unknown `rename_all` convention, expected one of {}",
                RenameRule::names()
            ),
        );
    }
    Ok(rule)
}

/// A class alias: `module.Name`.
fn class_alias(cx: &Ctxt, lit: LitStr, aliases: &mut Many) {
    let text = lit.value();
    if text.contains('.') && dotted_name(&text) {
        aliases.push(lit);
    } else {
        cx.error_spanned_by(
            &lit,
            "a class alias is `module.Name`, such as \"shop.legacy.Order\"",
        );
    }
}

/// Whether `text` is Python identifiers joined by dots.
pub fn dotted_name(text: &str) -> bool {
    text.split('.').all(|part| {
        let mut chars = part.chars();
        chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
            && chars.all(|c| c == '_' || c.is_alphanumeric())
    })
}

/// An unknown key: an error under it, and its value skipped so that the
/// keys after it are still read.
fn unknown(cx: &Ctxt, meta: &ParseNestedMeta, expected: &str) -> syn::Result<()> {
    let name = meta.path.to_token_stream().to_string().replace(' ', "");
    cx.error_spanned_by(
        &meta.path,
        format!("unknown pickle attribute `{name}`, expected one of: {expected}"),
    );
    skip_value(meta.input)
}

/// Skips `= expr` or `(...)` after a key.
fn skip_value(input: ParseStream) -> syn::Result<()> {
    if input.peek(Token![=]) {
        input.parse::<Token![=]>()?;
        input.parse::<Expr>()?;
    } else if input.peek(syn::token::Paren) {
        let content;
        syn::parenthesized!(content in input);
        content.parse::<TokenStream>()?;
    }
    Ok(())
}
