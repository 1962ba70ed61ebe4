//! `#[derive(DbEnum)]`: a fieldless enum stored as one of a fixed set of strings.

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::util::{closest, snake_case};

struct Variant {
    ident: syn::Ident,
    stored: String,
}

fn variants(input: &DeriveInput) -> syn::Result<Vec<Variant>> {
    let Data::Enum(data) = &input.data else {
        return Err(syn::Error::new(
            input.ident.span(),
            "DbEnum derives only for enums with unit variants",
        ));
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new(
            input.generics.span(),
            "a DbEnum cannot be generic",
        ));
    }
    if data.variants.is_empty() {
        return Err(syn::Error::new(
            input.ident.span(),
            "a DbEnum needs at least one variant",
        ));
    }
    let mut errors: Option<syn::Error> = None;
    let mut push = |error: syn::Error| match &mut errors {
        Some(existing) => existing.combine(error),
        None => errors = Some(error),
    };
    let mut out: Vec<Variant> = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            push(syn::Error::new(
                variant.span(),
                "DbEnum variants cannot carry fields",
            ));
            continue;
        }
        let mut stored = None;
        for attr in variant.attrs.iter().filter(|a| a.path().is_ident("covet")) {
            let result = attr.parse_nested_meta(|meta| {
                if meta.path.is_ident("rename") {
                    let lit: LitStr = meta.value()?.parse()?;
                    if lit.value().is_empty() {
                        return Err(syn::Error::new(
                            lit.span(),
                            "a stored value cannot be empty",
                        ));
                    }
                    stored = Some(lit.value());
                    Ok(())
                } else {
                    let name = meta
                        .path
                        .get_ident()
                        .map(ToString::to_string)
                        .unwrap_or_default();
                    let hint = closest(&name, &["rename"])
                        .map_or("expected `rename = \"...\"`".to_owned(), |g| {
                            format!("did you mean `{g}`?")
                        });
                    Err(meta.error(format!("unknown attribute `{name}`; {hint}")))
                }
            });
            if let Err(error) = result {
                push(error);
            }
        }
        let stored = stored.unwrap_or_else(|| snake_case(&variant.ident.to_string()));
        if out.iter().any(|v| v.stored == stored) {
            push(syn::Error::new(
                variant.span(),
                format!("two variants are stored as `{stored}`"),
            ));
        }
        out.push(Variant {
            ident: variant.ident.clone(),
            stored,
        });
    }
    match errors {
        Some(error) => Err(error),
        None => Ok(out),
    }
}

pub(crate) fn expand(item: TokenStream) -> syn::Result<TokenStream> {
    let input: DeriveInput = syn::parse2(item)?;
    let variants = variants(&input)?;
    let ident = &input.ident;
    let name = ident.to_string();
    let idents: Vec<_> = variants.iter().map(|v| &v.ident).collect();
    let stored: Vec<_> = variants.iter().map(|v| &v.stored).collect();
    Ok(quote! {
        const _: () = {
            use ::covet::codegen_support as __covet;

            impl __covet::SqlValue for #ident {
                type Native = ::std::string::String;
                const COLUMN_TYPE: __covet::ColumnType = __covet::ColumnType::Enum {
                    name: #name,
                    variants: &[#(#stored),*],
                };

                fn to_native(&self) -> ::core::result::Result<::std::string::String, __covet::BoxError> {
                    ::core::result::Result::Ok(::std::string::String::from(match self {
                        #(Self::#idents => #stored,)*
                    }))
                }

                fn from_native(native: ::std::string::String) -> ::core::result::Result<Self, __covet::BoxError> {
                    match native.as_str() {
                        #(#stored => ::core::result::Result::Ok(Self::#idents),)*
                        other => ::core::result::Result::Err(__covet::unknown_variant(#name, other)),
                    }
                }
            }
        };
    })
}
