//! The derive input as our own types: syn's item with its `#[pickle]`
//! attributes parsed, and the Python names worked out.

use syn::spanned::Spanned;

use crate::attr;
use crate::ctxt::Ctxt;

pub struct Container<'a> {
    pub ident: &'a syn::Ident,
    pub attrs: attr::Container,
    pub data: Data<'a>,
    pub generics: &'a syn::Generics,
}

pub enum Data<'a> {
    Struct(Style, Vec<Field<'a>>),
    Enum(Vec<Variant<'a>>),
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Style {
    /// `{ a: T }`
    Named,
    /// `(T)`
    Tuple,
    /// no fields
    Unit,
}

pub struct Variant<'a> {
    pub ident: &'a syn::Ident,
    pub attrs: attr::Variant,
    pub style: Style,
    pub fields: Vec<Field<'a>>,
    pub discriminant: Option<&'a syn::Expr>,
}

pub struct Field<'a> {
    /// `self.<member>`: a name or an index.
    pub member: syn::Member,
    pub attrs: attr::Field,
    pub ty: &'a syn::Type,
    pub original: &'a syn::Field,
}

impl<'a> Container<'a> {
    /// `None` (after an error) for a union.
    pub fn from_ast(cx: &Ctxt, input: &'a syn::DeriveInput) -> Option<Container<'a>> {
        let attrs = attr::Container::from_ast(cx, input);
        let data = match &input.data {
            syn::Data::Struct(data) => {
                let (style, fields) = fields_from_ast(cx, &data.fields);
                Data::Struct(style, fields)
            }
            syn::Data::Enum(data) => Data::Enum(
                data.variants
                    .iter()
                    .map(|v| {
                        let (style, fields) = fields_from_ast(cx, &v.fields);
                        Variant {
                            ident: &v.ident,
                            attrs: attr::Variant::from_ast(cx, v),
                            style,
                            fields,
                            discriminant: v.discriminant.as_ref().map(|(_, e)| e),
                        }
                    })
                    .collect(),
            ),
            syn::Data::Union(data) => {
                cx.error_spanned_by(data.union_token, "pickle derives do not support unions");
                return None;
            }
        };
        Some(Container {
            ident: &input.ident,
            attrs,
            data,
            generics: &input.generics,
        })
    }

    /// The Python class name (`name = "..."`, else the Rust name).
    pub fn class_name(&self) -> String {
        self.attrs
            .name
            .get()
            .cloned()
            .unwrap_or_else(|| unraw(self.ident))
    }

    /// Whether this is an enum all of whose variants are units.
    pub fn is_unit_enum(&self) -> bool {
        matches!(&self.data, Data::Enum(vs) if vs.iter().all(|v| v.style == Style::Unit))
    }
}

impl Field<'_> {
    /// The Python attribute name: `rename`, else `rule` applied to the Rust
    /// name; `fN` for the field at index N of a tuple struct or variant.
    pub fn python_name(&self, rule: Option<crate::case::RenameRule>) -> String {
        if let Some(name) = self.attrs.rename.get() {
            return name.clone();
        }
        match &self.member {
            syn::Member::Named(ident) => {
                let name = unraw(ident);
                rule.map_or(name.clone(), |r| r.apply_to_field(&name))
            }
            syn::Member::Unnamed(index) => format!("f{}", index.index),
        }
    }

    /// Whether reading and writing leave it out.
    pub fn skipped(&self) -> bool {
        self.attrs.skip.on()
    }
}

fn fields_from_ast<'a>(cx: &Ctxt, fields: &'a syn::Fields) -> (Style, Vec<Field<'a>>) {
    let style = match fields {
        syn::Fields::Named(_) => Style::Named,
        syn::Fields::Unnamed(_) => Style::Tuple,
        syn::Fields::Unit => Style::Unit,
    };
    let fields = fields
        .iter()
        .enumerate()
        .map(|(i, field)| Field {
            member: match &field.ident {
                Some(ident) => syn::Member::Named(ident.clone()),
                None => syn::Member::Unnamed(syn::Index {
                    index: u32::try_from(i).unwrap_or(u32::MAX),
                    span: field.ty.span(),
                }),
            },
            attrs: attr::Field::from_ast(cx, field),
            ty: &field.ty,
            original: field,
        })
        .collect();
    (style, fields)
}

/// An identifier's text without `r#`.
pub fn unraw(ident: &syn::Ident) -> String {
    let text = ident.to_string();
    text.strip_prefix("r#")
        .map_or_else(|| text.clone(), str::to_owned)
}
