//! `#[derive(DbEnum)]`: a fieldless enum stored as one of a fixed set of strings.

use proc_macro2::TokenStream;
use quote::quote;
use syn::{Data, DeriveInput, Fields, LitStr};

use crate::util::{closest, snake_case};

struct Variant {
    ident: syn::Ident,
    stored: String,
}

fn variants(input: &DeriveInput) -> syn::Result<Vec<Variant>> {
    let data = match &input.data {
        Data::Enum(data) => data,
        Data::Struct(data) => {
            return Err(syn::Error::new(
                data.struct_token.span,
                "DbEnum derives only for enums whose variants carry no data; for a struct \
                 stored in one column, implement `covet::SqlValue` or use `covet::Json<T>`",
            ));
        }
        Data::Union(data) => {
            return Err(syn::Error::new(
                data.union_token.span,
                "DbEnum derives only for enums whose variants carry no data",
            ));
        }
    };
    if !input.generics.params.is_empty() {
        return Err(syn::Error::new_spanned(
            &input.generics,
            "a DbEnum cannot be generic: its stored values are fixed",
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
    for attr in input.attrs.iter().filter(|a| a.path().is_ident("covet")) {
        push(syn::Error::new_spanned(
            attr,
            "DbEnum takes no options on the enum itself; name a variant's stored value with \
             `#[covet(rename = \"...\")]` on the variant",
        ));
    }
    let mut out: Vec<Variant> = Vec::new();
    for variant in &data.variants {
        if !matches!(variant.fields, Fields::Unit) {
            push(syn::Error::new_spanned(
                &variant.fields,
                format!(
                    "a DbEnum variant cannot carry data: each variant is stored as one fixed \
                     string; remove the fields of `{}`, or store the whole enum as JSON in a \
                     `covet::Json<{}>` column instead of deriving DbEnum",
                    variant.ident, input.ident
                ),
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
                    let path = &meta.path;
                    let name = quote!(#path).to_string().replace(' ', "");
                    let hint = closest(&name, &["rename"]).map_or(
                        "a DbEnum variant takes only `rename = \"...\"`".to_owned(),
                        |g| format!("did you mean `{g}`?"),
                    );
                    Err(meta.error(format!("unknown DbEnum attribute `{name}`; {hint}")))
                }
            });
            if let Err(error) = result {
                push(error);
            }
        }
        let stored = stored.unwrap_or_else(|| snake_case(&variant.ident.to_string()));
        if let Some(first) = out.iter().find(|v| v.stored == stored) {
            push(syn::Error::new(
                variant.ident.span(),
                format!(
                    "`{}` and `{}` are both stored as `{stored}`: give one of them another \
                     value with `#[covet(rename = \"...\")]`",
                    first.ident, variant.ident
                ),
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

#[cfg(test)]
mod tests {
    use quote::quote;

    #[test]
    fn db_enum() {
        let out = super::expand(quote! {
            #[derive(Debug, Clone, Copy, covet::DbEnum)]
            enum PostStatus {
                Draft,
                InReview,
                #[covet(rename = "live")]
                Published,
            }
        })
        .expect("a valid DbEnum expands");
        let file: syn::File = syn::parse2(out).expect("the expansion parses as a file");
        insta::assert_snapshot!(crate::util::format_items(&file));
    }

    #[test]
    fn duplicate_stored_values_are_refused() {
        let error = super::expand(quote! {
            enum Status {
                Active,
                #[covet(rename = "active")]
                On,
            }
        })
        .err()
        .map(|e| e.to_string());
        assert_eq!(
            error.as_deref(),
            Some(
                "`Active` and `On` are both stored as `active`: give one of them another value \
                 with `#[covet(rename = \"...\")]`"
            )
        );
    }
}
