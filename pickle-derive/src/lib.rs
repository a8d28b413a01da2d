//! Derive macros for `pickle-core`: Rust types as real, importable Python
//! classes, written as CPython writes their instances and read back from
//! what CPython writes.
//!
//! Use them through `pickle_core` (`use pickle_core::{FromPickle, ToPickle};`),
//! whose `derive_docs` module describes every attribute.
//!
//! The crate is laid out as serde_derive is: `ast` is the input as our own
//! types, `attr` parses every `#[pickle(...)]` key, `check` holds the rules
//! across keys and fields, `model` says what the attributes mean, and
//! `ser`, `de` and `stub` generate the impls (`stub`: `PyType`, which
//! `ToPickle` implies, for the core's Python stub generator). Errors are collected in a
//! `ctxt::Ctxt`, so all of an item's errors are reported at once.
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod ast;
mod attr;
mod bound;
mod case;
mod check;
mod ctxt;
mod de;
mod desc;
mod model;
mod respan;
mod ser;
mod stub;

use proc_macro::TokenStream;
use syn::{parse_macro_input, DeriveInput};

/// Derives `pickle_core::ToPickle`, and `pickle_core::PyType` with it (a
/// class that Rust writes is a class Python must be able to import); see
/// `pickle_core::derive_docs`.
#[proc_macro_derive(ToPickle, attributes(pickle))]
pub fn derive_to_pickle(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, |c, krate| {
        let mut code = ser::expand(c, krate);
        code.extend(stub::expand(c, krate));
        code
    })
    .into()
}

/// Derives `pickle_core::PyType` alone, for types that derive only
/// `FromPickle`; see `pickle_core::stubs`.
#[proc_macro_derive(PyType, attributes(pickle))]
pub fn derive_py_type(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, stub::expand).into()
}

/// Derives `pickle_core::FromPickle`; see `pickle_core::derive_docs`.
#[proc_macro_derive(FromPickle, attributes(pickle))]
pub fn derive_from_pickle(input: TokenStream) -> TokenStream {
    let input = parse_macro_input!(input as DeriveInput);
    expand(&input, de::expand).into()
}

/// Parses and checks `input`, then generates with `generate`; on errors,
/// all of them as `compile_error!`s (and no impl).
fn expand(
    input: &DeriveInput,
    generate: fn(&ast::Container, &syn::Path) -> proc_macro2::TokenStream,
) -> proc_macro2::TokenStream {
    let cx = ctxt::Ctxt::new();
    let container = ast::Container::from_ast(&cx, input);
    if let Some(c) = &container {
        check::check(&cx, c);
    }
    if let Err(err) = cx.check() {
        return err.to_compile_error();
    }
    let Some(c) = container else {
        return proc_macro2::TokenStream::new();
    };
    let krate = c
        .attrs
        .krate
        .get()
        .cloned()
        .unwrap_or_else(|| syn::parse_quote!(::pickle_core));
    let code = generate(&c, &krate);
    // Inside an unnamed const, as serde does: the impl is all that is seen
    // from outside, and lints about generated paths stay quiet.
    quote::quote! {
        #[doc(hidden)]
        const _: () = {
            #code
        };
    }
}
