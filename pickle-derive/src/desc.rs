//! The `static` class description (`pickle_core::class::ClassDesc`) that
//! generated code hands to the core, which knows how each kind of class is
//! written and read. One per class; declared inside the generated function,
//! where it needs none of the type's generic parameters.

use proc_macro2::{Literal, TokenStream};
use quote::quote;

use crate::ast::{Container, Field, Variant};
use crate::attr::MemberValue;
use crate::case::RenameRule;
use crate::model::{self, Member, Repr};

/// Everything a class description holds.
pub struct ClassSpec {
    pub module: String,
    pub name: String,
    pub repr: Repr,
    pub fields: Vec<FieldSpec>,
    pub aliases: Vec<String>,
    pub deny_unknown_fields: bool,
    pub members: Vec<Member>,
}

pub struct FieldSpec {
    pub name: String,
    pub aliases: Vec<String>,
    pub optional: bool,
}

impl ClassSpec {
    /// A struct's description (for `dict`: only its field names; no module).
    pub fn for_struct(c: &Container, fields: &[Field], repr: Repr) -> ClassSpec {
        ClassSpec {
            module: c.attrs.module.get().cloned().unwrap_or_default(),
            name: c.class_name(),
            repr,
            fields: field_specs(fields, model::struct_rule(c)),
            aliases: c.attrs.aliases.iter().map(syn::LitStr::value).collect(),
            deny_unknown_fields: c.attrs.deny_unknown_fields.on(),
            members: Vec::new(),
        }
    }

    /// The class of one variant of a data enum.
    pub fn for_variant(c: &Container, v: &Variant) -> ClassSpec {
        ClassSpec {
            module: c.attrs.module.get().cloned().unwrap_or_default(),
            name: model::variant_class_name(v),
            repr: model::variant_repr(c, v),
            fields: field_specs(&v.fields, model::variant_rule(c, v)),
            aliases: v.attrs.aliases.iter().map(syn::LitStr::value).collect(),
            deny_unknown_fields: c.attrs.deny_unknown_fields.on(),
            members: Vec::new(),
        }
    }

    /// The `enum.Enum` class of a unit-only enum.
    pub fn for_unit_enum(c: &Container, members: Vec<Member>) -> ClassSpec {
        ClassSpec {
            module: c.attrs.module.get().cloned().unwrap_or_default(),
            name: c.class_name(),
            repr: Repr::State,
            fields: Vec::new(),
            aliases: c.attrs.aliases.iter().map(syn::LitStr::value).collect(),
            deny_unknown_fields: false,
            members,
        }
    }

    /// `static #ident: ClassDesc = ...;`
    pub fn to_static(&self, p: &TokenStream, ident: &syn::Ident) -> TokenStream {
        let ClassSpec {
            module,
            name,
            repr,
            fields,
            aliases,
            deny_unknown_fields,
            members,
        } = self;
        let repr = if members.is_empty() {
            repr.core_variant()
        } else {
            quote!(Enum)
        };
        let fields = fields.iter().map(|f| {
            let FieldSpec {
                name,
                aliases,
                optional,
            } = f;
            quote!(#p::FieldDesc { name: #name, aliases: &[#(#aliases),*], optional: #optional })
        });
        let members = members.iter().map(|m| {
            let name = &m.name;
            let value = match &m.value {
                MemberValue::Int(i) => {
                    let lit = Literal::i64_suffixed(*i);
                    quote!(#p::MemberValue::Int(#lit))
                }
                MemberValue::Str(s) => quote!(#p::MemberValue::Str(#s)),
            };
            quote!(#p::Member { name: #name, value: #value })
        });
        quote! {
            static #ident: #p::ClassDesc = #p::ClassDesc {
                module: #module,
                name: #name,
                repr: #p::Repr::#repr,
                fields: &[#(#fields),*],
                aliases: &[#(#aliases),*],
                deny_unknown_fields: #deny_unknown_fields,
                members: &[#(#members),*],
            };
        }
    }
}

fn field_specs(fields: &[Field], rule: Option<RenameRule>) -> Vec<FieldSpec> {
    model::live_fields(fields)
        .map(|f| FieldSpec {
            name: f.python_name(rule),
            aliases: f.attrs.aliases.iter().map(syn::LitStr::value).collect(),
            optional: f.attrs.default.is_set(),
        })
        .collect()
}
