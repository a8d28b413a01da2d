//! `#[derive(ToPickle)]`: hands each class's description and field values
//! to the core's `Pickler`, which writes them as CPython would.

use proc_macro2::{Span, TokenStream};
use quote::{format_ident, quote, quote_spanned};
use syn::spanned::Spanned;

use crate::ast::{Container, Data, Field, Variant};
use crate::bound;
use crate::desc::ClassSpec;
use crate::model::{self, Repr};
use crate::respan::respan;

pub fn expand(c: &Container, krate: &syn::Path) -> TokenStream {
    let p = quote!(#krate::__private);
    let ident = c.ident;
    let Derived { items, body, draft } = match &c.data {
        Data::Struct(style, fields) => struct_body(c, &p, fields, model::struct_repr(c, *style)),
        Data::Enum(variants) if c.is_unit_enum() => unit_enum_body(c, &p, variants),
        Data::Enum(variants) => Derived::body(data_enum_body(c, &p, variants)),
    };
    let generics = bound::with_bound(c.generics, field_types(c), &quote!(#p::ToPickle));
    let (impl_generics, ty_generics, where_clause) = generics.split_for_impl();
    quote! {
        #items
        #[automatically_derived]
        impl #impl_generics #p::ToPickle for #ident #ty_generics #where_clause {
            fn to_pickle(&self, __pickler: &mut #p::Pickler<'_>) -> #p::PickleResult<()> {
                #body
            }
            #draft
        }
    }
}

/// What the derive writes for one type.
struct Derived {
    /// Items beside the impl (the class description, when both methods
    /// name it: the writer knows a class by the address of its description).
    items: TokenStream,
    /// The body of `to_pickle`.
    body: TokenStream,
    /// The `draft` method, for a type that has one.
    draft: TokenStream,
}

impl Derived {
    fn body(body: TokenStream) -> Derived {
        Derived {
            items: TokenStream::new(),
            body,
            draft: TokenStream::new(),
        }
    }
}

/// The types of the fields written through their own `ToPickle`.
fn field_types<'c>(c: &'c Container) -> Vec<&'c syn::Type> {
    let fields: Vec<&Field> = match &c.data {
        Data::Struct(_, fields) => fields.iter().collect(),
        Data::Enum(variants) => variants.iter().flat_map(|v| &v.fields).collect(),
    };
    fields
        .into_iter()
        .filter(|f| !f.skipped() && !f.attrs.with.is_set() && !f.attrs.bytes.on())
        .map(|f| f.ty)
        .collect()
}

/// The value to write for a field reachable as `access` (a reference),
/// spanned at the field's type, so that a type that cannot be written is
/// reported at the field, not at the derive.
fn write_value(p: &TokenStream, f: &Field, access: &TokenStream) -> TokenStream {
    let span = f.ty.span();
    if let Some(with) = f.attrs.with.get() {
        quote_spanned!(span=> &#p::SerializeWith { value: #access, write: #with::to_pickle })
    } else if f.attrs.bytes.on() {
        quote_spanned!(span=> &#p::SerializeBytes(#access))
    } else {
        quote_spanned!(span=> #access)
    }
}

fn struct_body(c: &Container, p: &TokenStream, fields: &[Field], repr: Repr) -> Derived {
    let values: Vec<TokenStream> = model::live_fields(fields)
        .map(|f| {
            let member = &f.member;
            write_value(p, f, &respan(quote!(&self.#member), f.ty.span()))
        })
        .collect();
    match repr {
        Repr::Transparent => Derived::body(match values.first() {
            Some(value) => quote!(#p::ToPickle::to_pickle(#value, __pickler)),
            // `check.rs` refuses this; nothing sensible to write.
            None => quote!(__pickler.write_none()),
        }),
        Repr::Dict => {
            let spec = ClassSpec::for_struct(c, fields, repr);
            let names = spec.fields.iter().map(|f| &f.name);
            Derived::body(quote!(__pickler.write_field_dict(&[#(#names),*], &[#(#values),*])))
        }
        // The steady state of a plain class has a drafted form (see
        // `pickle_core::ser::Draft`) when its names fit the writer's
        // packed names: 2 to 8 attributes.
        Repr::State if (2..=8).contains(&values.len()) => {
            let class = format_ident!("__CLASS");
            let write = write_fields(&class, &values);
            Derived {
                items: ClassSpec::for_struct(c, fields, repr).to_static(p, &class),
                body: quote! {
                    if let #p::Some(mut __draft) = __pickler.draft(&#class) {
                        let __kept = #p::ToPickle::draft(self, #p::None, &mut __draft);
                        let __end = __draft.end(__kept);
                        if __pickler.end_draft(__end) {
                            return #p::Ok(());
                        }
                    }
                    #write
                },
                draft: draft_fields(p, &class, &values),
            }
        }
        _ => {
            let class = format_ident!("__CLASS");
            let desc = ClassSpec::for_struct(c, fields, repr).to_static(p, &class);
            let write = write_fields(&class, &values);
            Derived::body(quote! {
                #desc
                #write
            })
        }
    }
}

/// The `draft` method of a plain class: its fields, each after its name,
/// between the instance's start and end; false as soon as one cannot be
/// drafted.
fn draft_fields(p: &TokenStream, class: &syn::Ident, values: &[TokenStream]) -> TokenStream {
    let fields = values.iter().enumerate().map(|(i, value)| {
        let span = value.clone().into_iter().next().map_or_else(Span::call_site, |t| t.span());
        quote_spanned!(span=> #p::ToPickle::draft(#value, #p::Draft::field_name(__names, #i), __draft))
    });
    quote! {
        // In line: a call taking the draft would keep its position in
        // memory, and every write would wait on it.
        #[inline(always)]
        fn draft(&self, __name: #p::Option<#p::AttrName>, __draft: &mut #p::Draft<'_>) -> #p::bool {
            let #p::Some(__names) = __draft.begin_instance(__name, &#class) else {
                return false;
            };
            #(#fields &&)* __draft.end_instance()
        }
    }
}

/// Writes an instance of `class` with one direct `to_pickle` call per field
/// (through `InstanceWriter::field`, generic over the field's type), so
/// that the fields' writing can be inlined, where `write_instance` would
/// make a virtual call per field.
fn write_fields(class: &syn::Ident, values: &[TokenStream]) -> TokenStream {
    quote! {
        let mut __writer = __pickler.begin_instance(&#class)?;
        #(__writer.field(#values)?;)*
        __writer.end()
    }
}

fn unit_enum_body(c: &Container, p: &TokenStream, variants: &[Variant]) -> Derived {
    let Ok(members) = model::members(c, variants) else {
        // `check.rs` has reported the variant.
        return Derived::body(quote!(__pickler.write_none()));
    };
    let class = format_ident!("__CLASS");
    let ident = c.ident;
    let arms = variants.iter().enumerate().map(|(i, v)| {
        let variant = v.ident;
        quote!(#ident::#variant => #i)
    });
    let member = quote!(let __member: #p::usize = match self { #(#arms,)* };);
    Derived {
        items: ClassSpec::for_unit_enum(c, members).to_static(p, &class),
        body: quote! {
            #member
            __pickler.write_enum_member(&#class, __member)
        },
        draft: quote! {
            #[inline(always)]
            fn draft(&self, __name: #p::Option<#p::AttrName>, __draft: &mut #p::Draft<'_>) -> #p::bool {
                #member
                __draft.enum_member(__name, &#class, __member)
            }
        },
    }
}

fn data_enum_body(c: &Container, p: &TokenStream, variants: &[Variant]) -> TokenStream {
    let ident = c.ident;
    let arms = variants.iter().map(|v| {
        let variant = v.ident;
        let live: Vec<&Field> = model::live_fields(&v.fields).collect();
        let bindings: Vec<_> = (0..live.len()).map(|i| format_ident!("__f{}", i)).collect();
        let members = live.iter().map(|f| &f.member);
        let values = live
            .iter()
            .zip(&bindings)
            .map(|(f, b)| write_value(p, f, &respan(quote!(#b), f.ty.span())));
        let class = format_ident!("__CLASS");
        let desc = ClassSpec::for_variant(c, v).to_static(p, &class);
        let values: Vec<TokenStream> = values.collect();
        let write = write_fields(&class, &values);
        quote! {
            #ident::#variant { #(#members: #bindings,)* .. } => {
                #desc
                #write
            }
        }
    });
    quote! {
        match self { #(#arms)* }
    }
}
