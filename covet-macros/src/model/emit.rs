//! Code generation from a validated [`Model`]. Nothing here can fail.
//!
//! Everything except the column constants sits inside `const _: () = { ... };` and names only
//! `::covet::codegen_support`, so the expansion adds no names to the user's module.

use proc_macro2::TokenStream;
use quote::{format_ident, quote, quote_spanned};
use syn::ItemStruct;
use syn::spanned::Spanned;

use super::ir::{Action, AutoIncrement, Column, Default, Field, Model};

/// `Some("text")` or `None`, as an `Option<&'static str>` expression.
fn optional_str(text: Option<&str>) -> TokenStream {
    match text {
        Some(text) => quote!(::core::option::Option::Some(#text)),
        None => quote!(::core::option::Option::None),
    }
}

/// `<T as SqlValue>`, spanned at the field's type: when `T` is not a column type, every use
/// reports the same error at the same place, and the compiler shows it once.
fn sql_value(ty: &syn::Type) -> TokenStream {
    quote_spanned!(ty.span()=> <#ty as __covet::SqlValue>)
}

pub(super) fn expand(model: &Model, item: &ItemStruct) -> TokenStream {
    let ident = &model.ident;
    let columns = column_constants(model);
    let checks = checks(model);
    let from_row = from_row(model);
    let model_impl = model_impl(model);
    quote! {
        #item

        impl #ident {
            #columns
        }

        const _: () = {
            use ::covet::codegen_support as __covet;
            #checks
            #from_row
            #model_impl
        };
    }
}

/// `User::email`: one `Column<User, T>` constant per column.
fn column_constants(model: &Model) -> TokenStream {
    let ident = &model.ident;
    model
        .columns()
        .map(|(field, column)| {
            let Field { ident: name, vis, ty, .. } = field;
            let sql_name = &column.name;
            let index = column.index;
            let doc = format!("The `{sql_name}` column of `{ident}`, for filters and orderings.");
            quote! {
                #[doc = #doc]
                #[allow(non_upper_case_globals)]
                #vis const #name: ::covet::Column<#ident, #ty> = ::covet::Column::new(#sql_name, #index);
            }
        })
        .collect()
}

/// Whether the column numbers itself, decided at compile time from the field's `SqlValue`.
fn auto_increment(field: &Field, column: &Column) -> TokenStream {
    let ty = &field.ty;
    match column.auto_increment {
        AutoIncrement::Never => quote!(false),
        AutoIncrement::Required => quote!(true),
        AutoIncrement::IfInteger => {
            let value = sql_value(ty);
            quote!(#value::COLUMN_TYPE.is_integer())
        }
    }
}

/// Whether the database fills the column on insert.
fn generated(field: &Field, column: &Column) -> TokenStream {
    let auto = auto_increment(field, column);
    let marked = column.generated;
    quote!((#marked || #auto))
}

fn column_type(field: &Field, column: &Column) -> TokenStream {
    let value = sql_value(&field.ty);
    let mut tokens = quote!(#value::COLUMN_TYPE);
    if let Some(length) = column.max_length {
        tokens = quote!(#tokens.with_max_length(#length));
    }
    if column.text {
        tokens = quote!(#tokens.into_text());
    }
    if let Some((precision, scale)) = column.precision {
        tokens = quote!(#tokens.with_precision(#precision, #scale));
    }
    tokens
}

fn default_value(default: &Default) -> TokenStream {
    match default {
        Default::Int(value) => quote!(__covet::DefaultValue::Int(#value)),
        Default::Float(value) => quote!(__covet::DefaultValue::Float(#value)),
        Default::Text(value) => quote!(__covet::DefaultValue::Text(#value)),
        Default::Bool(value) => quote!(__covet::DefaultValue::Bool(#value)),
        Default::Now => quote!(__covet::DefaultValue::CurrentTimestamp),
    }
}

/// Compile-time checks whose failure points at the field's type.
fn checks(model: &Model) -> TokenStream {
    let mut checks = TokenStream::new();
    for (field, column) in model.columns() {
        let value = sql_value(&field.ty);
        let span = column.span;
        let column_type = quote_spanned!(span=> #value::COLUMN_TYPE);
        // The column's type must be a `SqlValue`: spanned at the type, this is the error a
        // field of an unsupported type gets (once: the other uses report the same one).
        checks.extend(quote_spanned! {span=>
            const _: __covet::ColumnType = #column_type;
        });
        let mut assert = |condition: TokenStream, message: String| {
            // `assert!` reads its message as a format string.
            let message = message.replace('{', "{{").replace('}', "}}");
            checks.extend(quote_spanned! {span=>
                const _: () = ::core::assert!(#condition, #message);
            });
        };
        if column.max_length.is_some() {
            assert(
                quote_spanned!(span=> #column_type.is_string()),
                "`max_length` applies only to `String` columns: remove it, or change the \
                 field's type to `String`"
                    .to_owned(),
            );
        }
        if column.text {
            assert(
                quote_spanned!(span=> #column_type.is_string()),
                "`text` applies only to `String` columns: remove it, or change the field's type \
                 to `String`"
                    .to_owned(),
            );
        }
        if column.precision.is_some() {
            assert(
                quote_spanned!(span=> #column_type.is_decimal()),
                "`precision` and `scale` apply only to `rust_decimal::Decimal` columns: remove \
                 them, or change the field's type to `Decimal`"
                    .to_owned(),
            );
        }
        if column.auto_increment == AutoIncrement::Required {
            assert(
                quote_spanned!(span=> #column_type.is_integer()),
                "`auto_increment` needs an integer key (i16, i32 or i64): change the key's type, \
                 or remove `auto_increment`"
                    .to_owned(),
            );
        }
        if let Some(default) = &column.default {
            let default_tokens = default_value(default);
            assert(
                quote_spanned!(span=> #default_tokens.fits(#column_type)),
                default_mismatch(default),
            );
        }
    }
    for index in &model.primary_key {
        let Some((field, column)) = model.columns().find(|(_, c)| c.index == *index) else {
            continue;
        };
        let value = sql_value(&field.ty);
        let message = format!(
            "a primary key column cannot be NULL, so `{}` cannot be an `Option`: make it a \
             plain type, or take it out of the key",
            field.ident
        );
        checks.extend(quote_spanned! {column.span=>
            const _: () = ::core::assert!(!#value::NULLABLE, #message);
        });
    }
    for foreign in &model.foreign_keys {
        let Some((field, column)) = model.columns().find(|(_, c)| c.name == foreign.column) else {
            continue;
        };
        let ty = &field.ty;
        let target = &foreign.references;
        // `Self` means nothing outside the impl; the check names the model itself.
        let target = if target.is_ident("Self") {
            let ident = &model.ident;
            quote!(#ident)
        } else {
            quote!(#target)
        };
        let span = column.span;
        checks.extend(quote_spanned! {span=>
            const _: fn() = || __covet::assert_reference::<#ty, <#target as __covet::Model>::Key>();
        });
        let set_null = [
            ("on_delete", foreign.on_delete),
            ("on_update", foreign.on_update),
        ]
        .into_iter()
        .find(|(_, action)| matches!(action, Action::SetNull));
        if let Some((clause, _)) = set_null {
            let value = sql_value(ty);
            let message = format!(
                "`{clause} = set_null` writes NULL into `{}`, so the field must be an `Option`: \
                 write `{}: Option<{}>`",
                column.name,
                field.ident,
                quote!(#ty).to_string().replace(' ', ""),
            );
            checks.extend(quote_spanned! {span=>
                const _: () = ::core::assert!(#value::NULLABLE, #message);
            });
        }
    }
    checks
}

/// The message of a `default` that does not fit its column's type.
fn default_mismatch(default: &Default) -> String {
    let (what, fits) = match default {
        Default::Int(value) => (
            format!("`default = {value}`"),
            "an integer, float or `Decimal` column",
        ),
        Default::Float(value) => (
            format!("`default = {value:?}`"),
            "a float or `Decimal` column",
        ),
        Default::Text(value) => (
            format!("`default = {value:?}`"),
            "a `String` or `DbEnum` column",
        ),
        Default::Bool(value) => (format!("`default = {value}`"), "a `bool` column"),
        Default::Now => (
            "`default = now`".to_owned(),
            "a date or timestamp column (`NaiveDate`, `NaiveDateTime`, `DateTime<Utc>`)",
        ),
    };
    format!("{what} does not fit this column's type: it needs {fits}")
}

/// `let _: bool = <T as SqlValue>::NULLABLE;` for each type: placed before the body's
/// `Row::decode::<T>` calls, it makes an unsupported `T` fail there first, with the same error
/// the rest of the expansion reports, and the compiler drops the `decode` one (same span, same
/// missing bound) instead of showing it a second time with a note about `decode`.
fn require_sql_values<'a>(types: impl Iterator<Item = &'a syn::Type>) -> TokenStream {
    types
        .map(|ty| {
            let value = sql_value(ty);
            quote!(let _: bool = #value::NULLABLE;)
        })
        .collect()
}

fn from_row(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let require = require_sql_values(model.columns().map(|(field, _)| &field.ty));
    let fields = model.fields.iter().map(|field| {
        let name = &field.ident;
        let ty = &field.ty;
        match &field.column {
            Some(column) => {
                let index = column.index;
                quote!(#name: __covet::Row::decode::<#ty>(row, #index)?)
            }
            None => quote_spanned!(field.ty.span()=> #name: ::core::default::Default::default()),
        }
    });
    quote! {
        impl __covet::FromRow for #ident {
            #[inline]
            fn from_row<R: __covet::Row>(row: &R) -> __covet::Result<Self> {
                #require
                ::core::result::Result::Ok(Self { #(#fields,)* })
            }
        }
    }
}

fn model_impl(model: &Model) -> TokenStream {
    let ident = &model.ident;
    let model_name = ident.to_string();
    let table = &model.table;
    let table_renamed_from = optional_str(model.renamed_from.as_deref());
    let columns: Vec<(&Field, &Column)> = model.columns().collect();

    let column_defs = columns.iter().map(|(field, column)| {
        let name = &column.name;
        let field_name = field.ident.to_string();
        let ty = &field.ty;
        let sql_type = column_type(field, column);
        let value = sql_value(ty);
        let default = match &column.default {
            Some(default) => {
                let value = default_value(default);
                quote!(::core::option::Option::Some(#value))
            }
            None => quote!(::core::option::Option::None),
        };
        let auto = auto_increment(field, column);
        let generated = generated(field, column);
        let renamed_from = optional_str(column.renamed_from.as_deref());
        quote! {
            __covet::ColumnDef {
                name: #name,
                renamed_from: #renamed_from,
                field: #field_name,
                ty: #sql_type,
                nullable: #value::NULLABLE,
                default: #default,
                auto_increment: #auto,
                generated: #generated,
            }
        }
    });

    let key_columns: Vec<(&Field, &Column)> = model
        .primary_key
        .iter()
        .filter_map(|i| columns.get(*i).copied())
        .collect();
    let key_names = key_columns.iter().map(|(_, column)| &column.name);
    let key_indexes = &model.primary_key;
    let key_types: Vec<_> = key_columns.iter().map(|(field, _)| &field.ty).collect();
    let key_type = match key_types.as_slice() {
        [single] => quote!(#single),
        many => quote!((#(#many,)*)),
    };

    let indexes = model.indexes.iter().map(|index| {
        let name = &index.name;
        let cols = &index.columns;
        let unique = index.unique;
        quote!(__covet::IndexDef { name: #name, columns: &[#(#cols),*], unique: #unique })
    });
    let foreign_keys = model.foreign_keys.iter().map(|fk| {
        let name = &fk.name;
        let column = &fk.column;
        let target = &fk.references;
        let on_delete = format_ident!("{}", fk.on_delete.variant());
        let on_update = format_ident!("{}", fk.on_update.variant());
        // A model referencing itself cannot read its own `TABLE` while defining it (a const
        // cycle): the macro knows its own table and key, so it writes them out.
        let is_self = target.is_ident("Self") || target.is_ident(&model.ident);
        let (references_table, references_columns) = if is_self {
            let table = &model.table;
            let key = model.primary_key.iter().map(|i| &columns[*i].1.name);
            (quote!(#table), quote!(&[#(#key),*]))
        } else {
            (
                quote!(<#target as __covet::Model>::TABLE.name),
                quote!(<#target as __covet::Model>::TABLE.primary_key),
            )
        };
        quote! {
            __covet::ForeignKeyDef {
                name: #name,
                columns: &[#column],
                references_table: #references_table,
                references_columns: #references_columns,
                on_delete: __covet::ReferentialAction::#on_delete,
                on_update: __covet::ReferentialAction::#on_update,
            }
        }
    });

    let value_arms = columns.iter().map(|(field, column)| {
        let name = &field.ident;
        let index = column.index;
        let value = sql_value(&field.ty);
        quote!(#index => #value::to_sql(&self.#name))
    });

    // Columns that may be generated: the single key, and fields marked `generated`.
    let candidates: Vec<(&Field, &Column)> = columns
        .iter()
        .copied()
        .filter(|(_, c)| c.generated || c.auto_increment != AutoIncrement::Never)
        .collect();
    let generated_types = candidates.iter().map(|(field, _)| {
        let ty = &field.ty;
        quote!(::core::option::Option<#ty>)
    });
    let decode_generated = candidates.iter().map(|(field, column)| {
        let ty = &field.ty;
        let flag = generated(field, column);
        quote! {
            if const { #flag } {
                let value = __covet::Row::decode::<#ty>(row, position)?;
                position += 1;
                ::core::option::Option::Some(value)
            } else {
                ::core::option::Option::None
            }
        }
    });
    let require = require_sql_values(candidates.iter().map(|(field, _)| &field.ty));
    let apply_generated = candidates.iter().enumerate().map(|(i, (field, _))| {
        let name = &field.ident;
        let i = syn::Index::from(i);
        quote! {
            if let ::core::option::Option::Some(value) = generated.#i {
                self.#name = value;
            }
        }
    });
    let auto_key = candidates
        .iter()
        .find(|(_, c)| c.auto_increment != AutoIncrement::Never);
    let set_auto_key = match auto_key {
        Some((field, _)) => {
            let name = &field.ident;
            let ty = &field.ty;
            let value = sql_value(ty);
            quote! {
                match #value::from_insert_id(id) {
                    ::core::option::Option::Some(key) => {
                        self.#name = key;
                        ::core::result::Result::Ok(())
                    }
                    ::core::option::Option::None => {
                        ::core::result::Result::Err(__covet::bad_insert_id(#model_name, id))
                    }
                }
            }
        }
        None => quote! {
            let _ = id;
            ::core::result::Result::Ok(())
        },
    };

    quote! {
        impl __covet::Model for #ident {
            const TABLE: &'static __covet::TableDef = &__covet::TableDef {
                name: #table,
                renamed_from: #table_renamed_from,
                model: #model_name,
                columns: &[#(#column_defs),*],
                primary_key: &[#(#key_names),*],
                indexes: &[#(#indexes),*],
                foreign_keys: &[#(#foreign_keys),*],
            };
            type Key = #key_type;
            const KEY_COLUMNS: &'static [usize] = &[#(#key_indexes),*];
            type Generated = (#(#generated_types,)*);

            fn column_value(&self, index: usize) -> __covet::Result<__covet::Value> {
                match index {
                    #(#value_arms,)*
                    _ => ::core::result::Result::Err(__covet::column_out_of_range(#model_name, index)),
                }
            }

            #[allow(unused_mut, unused_variables, unused_assignments)]
            fn decode_generated<R: __covet::Row>(row: &R) -> __covet::Result<Self::Generated> {
                #require
                let mut position = 0usize;
                ::core::result::Result::Ok((#(#decode_generated,)*))
            }

            #[allow(unused_variables)]
            fn apply_generated(&mut self, generated: Self::Generated) {
                #(#apply_generated)*
            }

            fn set_auto_key(&mut self, id: u64) -> __covet::Result<()> {
                #set_auto_key
            }
        }
    }
}
