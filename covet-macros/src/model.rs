//! `#[model]`: parse the struct into a checked plain-data [`ir::Model`], then emit code from it.

mod emit;
mod ir;
mod parse;

use proc_macro2::TokenStream;
use quote::quote;
use syn::spanned::Spanned;

/// Expands `#[model(args)] item`. Every mistake is a spanned error; all are reported together.
///
/// On error the struct itself is still emitted (without its `#[covet(...)]` attributes), so the
/// rest of the program does not drown the real error under "cannot find type" ones.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> TokenStream {
    let mut item: syn::ItemStruct = match syn::parse2::<syn::Item>(item) {
        Ok(syn::Item::Struct(item)) => item,
        Ok(other) => {
            let kind = match &other {
                syn::Item::Enum(_) => {
                    "an enum: for a fixed set of values stored as text, use `#[derive(covet::DbEnum)]`"
                }
                syn::Item::Union(_) => "a union",
                _ => "this item",
            };
            let error = syn::Error::new(
                item_keyword_span(&other),
                format!("#[covet::model] applies to a struct with named fields, not to {kind}"),
            );
            let error = error.to_compile_error();
            return quote!(#other #error);
        }
        Err(error) => return error.to_compile_error(),
    };
    match parse::model(args, &mut item) {
        Ok(model) => emit::expand(&model, &item),
        Err(error) => {
            strip_covet_attributes(&mut item);
            let error = error.to_compile_error();
            quote!(#item #error)
        }
    }
}

/// The `enum`/`union`/... keyword, or the item's first token.
fn item_keyword_span(item: &syn::Item) -> proc_macro2::Span {
    match item {
        syn::Item::Enum(item) => item.enum_token.span,
        syn::Item::Union(item) => item.union_token.span,
        other => other.span(),
    }
}

/// Removes `#[covet(...)]` from the struct and its fields: left in place, each would be one more
/// "cannot find attribute" error.
fn strip_covet_attributes(item: &mut syn::ItemStruct) {
    item.attrs.retain(|a| !a.path().is_ident("covet"));
    for field in item.fields.iter_mut() {
        field.attrs.retain(|a| !a.path().is_ident("covet"));
    }
}

#[cfg(test)]
mod tests {
    use quote::quote;

    /// The expansion as a formatted file: one item per block, stable across runs.
    fn pretty(tokens: &proc_macro2::TokenStream) -> String {
        let file: syn::File = syn::parse2(tokens.clone()).expect("the expansion parses as a file");
        crate::util::format_items(&file)
    }

    #[test]
    fn simple_model() {
        let out = super::expand(
            quote!(table = "users"),
            quote! {
                pub struct User {
                    #[covet(primary_key)]
                    pub id: i64,
                    #[covet(unique, max_length = 255)]
                    pub email: String,
                    pub age: Option<i32>,
                    #[covet(default = now, generated)]
                    pub created_at: chrono::DateTime<chrono::Utc>,
                    #[covet(skip)]
                    pub cache: Option<String>,
                }
            },
        );
        insta::assert_snapshot!(pretty(&out));
    }

    #[test]
    fn composite_key_indexes_and_foreign_key() {
        let out = super::expand(
            quote!(
                table = "memberships",
                primary_key(group_id, user_id),
                index(role, joined_at),
                unique(user_id, nickname)
            ),
            quote! {
                struct Membership {
                    #[covet(references = Group, on_delete = cascade)]
                    group_id: i64,
                    #[covet(references = crate::User)]
                    user_id: i64,
                    #[covet(references = crate::User, on_delete = set_null, on_update = cascade)]
                    invited_by: Option<i64>,
                    #[covet(column = "member_role", index, default = "member")]
                    role: Role,
                    #[covet(text)]
                    nickname: String,
                    #[covet(precision = 10, scale = 2, default = 0)]
                    fee: rust_decimal::Decimal,
                    joined_at: chrono::NaiveDateTime,
                }
            },
        );
        insta::assert_snapshot!(pretty(&out));
    }

    #[test]
    fn renamed_table_and_columns() {
        let out = super::expand(
            quote!(table = "people", renamed_from = "persons"),
            quote! {
                pub struct Person {
                    #[covet(primary_key)]
                    pub id: i64,
                    #[covet(renamed_from = "name")]
                    pub full_name: String,
                    #[covet(column = "mail", renamed_from = "email", unique)]
                    pub address: String,
                }
            },
        );
        insta::assert_snapshot!(pretty(&out));
    }

    #[test]
    fn errors_keep_the_struct_and_drop_covet_attributes() {
        let out = super::expand(
            quote!(),
            quote! {
                #[covet(table = "users")]
                struct User {
                    #[covet(primay_key)]
                    id: i64,
                }
            },
        );
        let text = out.to_string();
        assert!(text.starts_with("struct User { id : i64 , }"), "{text}");
        assert!(text.contains("did you mean `primary_key`?"), "{text}");
        assert!(text.contains("model options go in"), "{text}");
        assert!(!text.contains("needs a primary key"), "{text}");
    }

    #[test]
    fn braces_in_a_default_do_not_break_the_check_message() {
        let out = super::expand(
            quote!(),
            quote! {
                struct Template {
                    #[covet(primary_key)]
                    id: i64,
                    #[covet(default = "{name}")]
                    body: String,
                }
            },
        );
        let text = out.to_string();
        assert!(text.contains(r#"`default = \"{{name}}\"`"#), "{text}");
    }

    #[test]
    fn an_enum_is_pointed_at_db_enum() {
        let out = super::expand(
            quote!(),
            quote!(
                enum Status {
                    On,
                    Off,
                }
            ),
        );
        let text = out.to_string();
        assert!(text.starts_with("enum Status"), "{text}");
        assert!(text.contains("covet::DbEnum"), "{text}");
    }
}
