//! `#[derive(FromPickle)]`: asks the core's `Decoder` for an instance of the
//! class the type names (and no other), then reads its fields by index.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Container, Data, Field, Variant};
use crate::attr::DefaultValue;
use crate::bound;
use crate::desc::ClassSpec;
use crate::model::{self, Repr};
use crate::respan::respan;

pub fn expand(c: &Container, krate: &syn::Path) -> TokenStream {
    let p = quote!(#krate::__private);
    let ident = c.ident;
    let body = match &c.data {
        Data::Struct(style, fields) => struct_body(c, &p, fields, model::struct_repr(c, *style)),
        Data::Enum(variants) if c.is_unit_enum() => unit_enum_body(c, &p, variants),
        Data::Enum(variants) => data_enum_body(c, &p, variants),
    };
    let (read, defaulted) = field_types(c);
    let generics = bound::with_bound(c.generics, read, &quote!(#p::FromPickle));
    let generics = bound::with_bound(&generics, defaulted, &quote!(#p::Default));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #[automatically_derived]
        impl #impl_generics #p::FromPickle for #ident #ty_generics #where_clause {
            fn from_pickle(__decoder: #p::Decoder<'_>) -> #p::PickleResult<Self> {
                #body
            }
        }
    }
}

/// The types of fields read through their own `FromPickle`, and of fields
/// that take `Default::default()`.
fn field_types<'c>(c: &'c Container) -> (Vec<&'c syn::Type>, Vec<&'c syn::Type>) {
    let fields: Vec<&Field> = match &c.data {
        Data::Struct(_, fields) => fields.iter().collect(),
        Data::Enum(variants) => variants.iter().flat_map(|v| &v.fields).collect(),
    };
    let read = fields
        .iter()
        .filter(|f| !f.skipped() && !f.attrs.with.is_set() && !f.attrs.bytes.on())
        .map(|f| f.ty)
        .collect();
    let defaulted = fields
        .iter()
        .filter(|f| {
            matches!(f.attrs.default.get(), Some(DefaultValue::Trait))
                || (f.skipped() && !f.attrs.default.is_set())
        })
        .map(|f| f.ty)
        .collect();
    (read, defaulted)
}

/// The function that reads a field's value from a `Decoder`.
fn read_fn(p: &TokenStream, f: &Field) -> TokenStream {
    let ty = f.ty;
    if let Some(with) = f.attrs.with.get() {
        quote!(#with::from_pickle)
    } else if f.attrs.bytes.on() {
        quote!(<#ty as #p::BytesField>::read_bytes)
    } else {
        quote!(<#ty as #p::FromPickle>::from_pickle)
    }
}

/// The value of a field the pickle does not give (or that is skipped).
/// `Default::default()` is spanned at the field's type, so a type without
/// `Default` is reported there.
fn default_value(p: &TokenStream, f: &Field) -> TokenStream {
    let ty = f.ty;
    match f.attrs.default.get() {
        // Spanned at the path, where a wrong function is the user's to fix.
        Some(DefaultValue::Path(path)) => quote_spanned!(path.span()=> #path()),
        Some(DefaultValue::Trait) | None => {
            quote_spanned!(ty.span()=> <#ty as #p::Default>::default())
        }
    }
}

fn struct_body(c: &Container, p: &TokenStream, fields: &[Field], repr: Repr) -> TokenStream {
    if repr == Repr::Transparent {
        return transparent_body(p, fields);
    }
    let class = format_ident!("__CLASS");
    let desc = ClassSpec::for_struct(c, fields, repr).to_static(p, &class);
    let open = if repr == Repr::Dict {
        quote!(__decoder.field_dict(&#class)?)
    } else {
        quote!(__decoder.instance(&#class)?)
    };
    let spec = ClassSpec::for_struct(c, fields, repr);
    let read = read_instance(p, &open, &spec, fields, &quote!(Self));
    quote! {
        #desc
        #read
    }
}

/// `transparent`: the one field is the whole value.
fn transparent_body(p: &TokenStream, fields: &[Field]) -> TokenStream {
    let inits = fields.iter().map(|f| {
        let member = &f.member;
        if f.skipped() {
            let value = default_value(p, f);
            quote!(#member: #value)
        } else {
            let read = read_fn(p, f);
            quote!(#member: #read(__decoder)?)
        }
    });
    quote!(#p::Ok(Self { #(#inits,)* }))
}

/// Statements that open the instance (`open`, whose errors are about the
/// object itself) and read its fields into `path { fields }`, with
/// `name` as the root of the path of errors in the fields.
fn read_instance(
    p: &TokenStream,
    open: &TokenStream,
    spec: &ClassSpec,
    fields: &[Field],
    path: &TokenStream,
) -> TokenStream {
    let live: Vec<&Field> = model::live_fields(fields).collect();
    let slots: Vec<_> = (0..live.len()).map(|i| format_ident!("__v{}", i)).collect();
    let decls = live.iter().zip(&slots).map(|(f, slot)| {
        let ty = f.ty;
        quote!(let mut #slot: #p::Option<#ty> = #p::None;)
    });
    let arms =
        live.iter()
            .zip(&slots)
            .zip(&spec.fields)
            .enumerate()
            .map(|(i, ((f, slot), desc))| {
                let read = read_fn(p, f);
                let name = &desc.name;
                let value = respan(quote!(#p::field(__value, #name, #read)?), f.ty.span());
                quote! {
                    #i => #slot = #p::Some(#value),
                }
            });
    let scan = if live.is_empty() {
        // Still walk the attributes: `deny_unknown_fields` refuses extras.
        quote!(while __instance.next_field()?.is_some() {})
    } else {
        quote! {
            while let #p::Some((__index, __value)) = __instance.next_field()? {
                match __index {
                    #(#arms)*
                    _ => {}
                }
            }
        }
    };
    let mut index = 0usize;
    let mut inits = Vec::new();
    for f in fields {
        let member = &f.member;
        if f.skipped() {
            let value = default_value(p, f);
            inits.push(quote!(#member: #value));
            continue;
        }
        let slot = &slots[index];
        let missing = if f.attrs.default.is_set() {
            default_value(p, f)
        } else {
            quote!(return #p::Err(__instance.missing(#index)))
        };
        index += 1;
        inits.push(quote! {
            #member: match #slot {
                #p::Some(__value) => __value,
                #p::None => #missing,
            }
        });
    }
    let name = &spec.name;
    quote! {
        let mut __instance = #open;
        #p::in_type(#name, move || {
            #(#decls)*
            #scan
            #p::Ok(#path { #(#inits,)* })
        })
    }
}

fn unit_enum_body(c: &Container, p: &TokenStream, variants: &[Variant]) -> TokenStream {
    let Ok(members) = model::members(c, variants) else {
        // `check.rs` has reported the variant.
        return quote!(#p::Err(#p::Error::custom("no members")));
    };
    let class = format_ident!("__CLASS");
    let desc = ClassSpec::for_unit_enum(c, members).to_static(p, &class);
    let arms = variants.iter().enumerate().map(|(i, v)| {
        let variant = v.ident;
        quote!(#i => #p::Ok(Self::#variant),)
    });
    // The member's errors are about the object itself: no path to add.
    quote! {
        #desc
        match __decoder.enum_member(&#class)? {
            #(#arms)*
            __other => #p::Err(#p::no_such_variant(&#class, __other)),
        }
    }
}

fn data_enum_body(c: &Container, p: &TokenStream, variants: &[Variant]) -> TokenStream {
    let classes: Vec<_> = (0..variants.len())
        .map(|i| format_ident!("__CLASS{}", i))
        .collect();
    let specs: Vec<ClassSpec> = variants
        .iter()
        .map(|v| ClassSpec::for_variant(c, v))
        .collect();
    let descs = specs
        .iter()
        .zip(&classes)
        .map(|(s, class)| s.to_static(p, class));
    let arms =
        variants
            .iter()
            .zip(&specs)
            .zip(&classes)
            .enumerate()
            .map(|(i, ((v, spec), class))| {
                let variant = v.ident;
                let read = read_instance(
                    p,
                    &quote!(__decoder.instance(&#class)?),
                    spec,
                    &v.fields,
                    &quote!(Self::#variant),
                );
                quote!(#i => { #read })
            });
    let Some(first) = classes.first() else {
        // `check.rs` refuses an enum without variants.
        return quote!(#p::Err(#p::Error::custom("no variants")));
    };
    quote! {
        #(#descs)*
        match __decoder.variant(&[#(&#classes),*])? {
            #(#arms)*
            __other => #p::Err(#p::no_such_variant(&#first, __other)),
        }
    }
}
