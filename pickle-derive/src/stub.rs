//! `PyType` (from `#[derive(ToPickle)]` or `#[derive(PyType)]`): hands the
//! core's stub generator each class's description and its fields' Rust
//! types, whose own `PyType` gives their annotations. The core renders the
//! Python source; nothing here knows Python syntax.
//!
//! For a generic type, the class is described once for all its
//! instantiations: in the field types, each type parameter that the
//! fields use is replaced by `TypeParam<N>`, which the core renders as a
//! `TypeVar`; the instantiation's own arguments are passed separately.

use proc_macro2::{Group, TokenStream, TokenTree};
use quote::{format_ident, quote, ToTokens};

use crate::ast::{Container, Data, Field, Variant};
use crate::bound;
use crate::desc::ClassSpec;
use crate::model::{self, Repr};

pub fn expand(c: &Container, krate: &syn::Path) -> TokenStream {
    let p = quote!(#krate::__private);
    let ident = c.ident;
    let typed = typed_field_types(c);
    let params = bound::mentioned(c.generics, typed.iter().copied());
    let body = match &c.data {
        Data::Struct(style, fields) => match model::struct_repr(c, *style) {
            Repr::Transparent => transparent_body(&p, fields),
            Repr::Dict => {
                // No class, but the classes its fields name are pulled in.
                let each = model::live_fields(fields).map(|f| annotation(&p, f, &[]));
                quote!(#p::field_dict_type(#p::annotations([#(#each),*])))
            }
            repr => {
                let desc =
                    ClassSpec::for_struct(c, fields, repr).to_static(&p, &format_ident!("__CLASS"));
                let shape = quote!(#p::TypeShape::Class(&__CLASS));
                let annotations = class_annotations(&p, fields, &params);
                describe(c, &p, &params, &desc, &shape, &[annotations])
            }
        },
        Data::Enum(variants) if c.is_unit_enum() => match model::members(c, variants) {
            Ok(members) => {
                let desc =
                    ClassSpec::for_unit_enum(c, members).to_static(&p, &format_ident!("__CLASS"));
                let shape = quote!(#p::TypeShape::Class(&__CLASS));
                describe(
                    c,
                    &p,
                    &params,
                    &desc,
                    &shape,
                    &[quote!(#p::annotations([]))],
                )
            }
            // `check.rs` has reported the variant.
            Err(_) => quote!(#p::TypeExpr::any()),
        },
        Data::Enum(variants) => data_enum_body(c, &p, variants, &params),
    };
    let generics = bound::with_bound(c.generics, typed, &quote!(#p::PyType));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #p::PyType for #ident #ty_generics #where_clause {
            fn py_type(__registry: &mut #p::Registry) -> #p::TypeExpr {
                #body
            }
        }
    }
}

/// The types of the fields whose annotation is their type's `PyType`.
fn typed_field_types<'c>(c: &'c Container) -> Vec<&'c syn::Type> {
    let fields: Vec<&Field> = match &c.data {
        Data::Struct(_, fields) => fields.iter().collect(),
        Data::Enum(variants) => variants.iter().flat_map(|v| &v.fields).collect(),
    };
    fields
        .into_iter()
        .filter(|f| typed(f))
        .map(|f| f.ty)
        .collect()
}

/// Whether a field's annotation comes from its type's `PyType`: it is
/// written, and neither `py_type`, `with` nor `bytes` decides it.
fn typed(f: &Field) -> bool {
    let a = &f.attrs;
    !f.skipped() && !a.py_type.is_set() && !a.with.is_set() && !a.bytes.on()
}

/// The annotation of a field, its type's parameters replaced as `params`
/// says (nothing replaced for an empty list).
fn annotation(p: &TokenStream, f: &Field, params: &[&syn::Ident]) -> TokenStream {
    let a = &f.attrs;
    let ty = substitute(p, f.ty.to_token_stream(), params);
    if let Some(text) = a.py_type.get() {
        quote!(#p::TypeExpr::raw(#text))
    } else if a.with.is_set() {
        quote!(#p::TypeExpr::any())
    } else if a.bytes.on() {
        quote!(<#ty as #p::BytesField>::py_type())
    } else {
        quote!(<#ty as #p::PyType>::py_type(__registry))
    }
}

/// `#p::annotations([...])` of the live fields of one class.
fn class_annotations(p: &TokenStream, fields: &[Field], params: &[&syn::Ident]) -> TokenStream {
    let each = model::live_fields(fields).map(|f| annotation(p, f, params));
    quote!(#p::annotations([#(#each),*]))
}

/// `transparent`: the annotation of the one field, with the real types.
fn transparent_body(p: &TokenStream, fields: &[Field]) -> TokenStream {
    match model::live_fields(fields).next() {
        Some(f) => annotation(p, f, &[]),
        // `check.rs` refuses this.
        None => quote!(#p::TypeExpr::any()),
    }
}

/// The statics and the call that records the classes of `c`.
fn describe(
    c: &Container,
    p: &TokenStream,
    params: &[&syn::Ident],
    statics: &TokenStream,
    shape: &TokenStream,
    annotations: &[TokenStream],
) -> TokenStream {
    let rust = format!("::{}", crate::ast::unraw(c.ident));
    let names = params.iter().map(|i| crate::ast::unraw(i));
    let args = params
        .iter()
        .map(|ident| quote!(<#ident as #p::PyType>::py_type(__registry)));
    quote! {
        #statics
        static __TYPE: #p::TypeDesc = #p::TypeDesc {
            rust: ::core::concat!(::core::module_path!(), #rust),
            params: &[#(#names),*],
            shape: #shape,
        };
        let __args = #p::annotations([#(#args),*]);
        __registry.describe(&__TYPE, __args, |__registry: &mut #p::Registry| {
            #p::classes([#(#annotations),*])
        })
    }
}

fn data_enum_body(
    c: &Container,
    p: &TokenStream,
    variants: &[Variant],
    params: &[&syn::Ident],
) -> TokenStream {
    let classes: Vec<_> = (0..variants.len())
        .map(|i| format_ident!("__CLASS{}", i))
        .collect();
    let statics = variants
        .iter()
        .zip(&classes)
        .map(|(v, class)| ClassSpec::for_variant(c, v).to_static(p, class));
    let entries = variants.iter().zip(&classes).map(|(v, class)| {
        let rust = crate::ast::unraw(v.ident);
        quote!((#rust, &#class))
    });
    let module = c.attrs.module.get().cloned().unwrap_or_default();
    let name = crate::ast::unraw(c.ident);
    let shape = quote! {
        #p::TypeShape::Union {
            module: #module,
            name: #name,
            variants: &[#(#entries),*],
        }
    };
    let annotations: Vec<TokenStream> = variants
        .iter()
        .map(|v| class_annotations(p, &v.fields, params))
        .collect();
    describe(c, p, params, &quote!(#(#statics)*), &shape, &annotations)
}

/// `tokens` with each of `params` replaced by `TypeParam<N>`, N its index.
fn substitute(p: &TokenStream, tokens: TokenStream, params: &[&syn::Ident]) -> TokenStream {
    if params.is_empty() {
        return tokens;
    }
    tokens
        .into_iter()
        .flat_map(|tree| -> TokenStream {
            match tree {
                TokenTree::Ident(ident) => match params.iter().position(|p| **p == ident) {
                    Some(i) => quote!(#p::TypeParam<#i>),
                    None => ident.into_token_stream(),
                },
                TokenTree::Group(group) => {
                    let mut new =
                        Group::new(group.delimiter(), substitute(p, group.stream(), params));
                    new.set_span(group.span());
                    TokenTree::Group(new).into_token_stream()
                }
                other => other.into_token_stream(),
            }
        })
        .collect()
}
