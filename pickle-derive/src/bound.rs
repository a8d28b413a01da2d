//! Trait bounds for generic types: a type parameter that a field's type
//! mentions must implement the trait the field needs (as serde_derive
//! bounds them). The user's own where clauses are kept.

use std::collections::BTreeSet;

use proc_macro2::{TokenStream, TokenTree};
use quote::ToTokens;

/// `generics` with `T: #bound` added for each type parameter that one of
/// `types` mentions.
pub fn with_bound<'t>(
    generics: &syn::Generics,
    types: impl IntoIterator<Item = &'t syn::Type>,
    bound: &TokenStream,
) -> syn::Generics {
    let params: BTreeSet<String> = generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    if params.is_empty() {
        return generics.clone();
    }
    let mut used = BTreeSet::new();
    for ty in types {
        mentions(ty.to_token_stream(), &params, &mut used);
    }
    let mut out = generics.clone();
    let where_clause = out.make_where_clause();
    // In declaration order, so the bounds read as the parameters do.
    for param in generics.type_params() {
        if used.contains(&param.ident.to_string()) {
            let ident = &param.ident;
            where_clause
                .predicates
                .push(syn::parse_quote!(#ident: #bound));
        }
    }
    out
}

/// The type parameters of `generics` that one of `types` mentions, in
/// declaration order.
pub fn mentioned<'g, 't>(
    generics: &'g syn::Generics,
    types: impl IntoIterator<Item = &'t syn::Type>,
) -> Vec<&'g syn::Ident> {
    let params: BTreeSet<String> = generics
        .type_params()
        .map(|p| p.ident.to_string())
        .collect();
    let mut used = BTreeSet::new();
    for ty in types {
        mentions(ty.to_token_stream(), &params, &mut used);
    }
    generics
        .type_params()
        .map(|p| &p.ident)
        .filter(|ident| used.contains(&ident.to_string()))
        .collect()
}

/// Adds to `used` each of `params` that appears as an identifier in `tokens`.
fn mentions(tokens: TokenStream, params: &BTreeSet<String>, used: &mut BTreeSet<String>) {
    for tree in tokens {
        match tree {
            TokenTree::Ident(ident) => {
                let name = ident.to_string();
                if params.contains(&name) {
                    used.insert(name);
                }
            }
            TokenTree::Group(group) => mentions(group.stream(), params, used),
            TokenTree::Punct(_) | TokenTree::Literal(_) => {}
        }
    }
}
