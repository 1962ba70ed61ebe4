//! From the struct and its `#[covet(...)]` attributes to a validated [`Model`].

use proc_macro2::{Span, TokenStream};
use syn::meta::ParseNestedMeta;
use syn::parse::Parser;
use syn::spanned::Spanned;
use syn::{Fields, Ident, ItemStruct, Lit, LitInt, LitStr, Path, Token};

use super::ir::{Action, AutoIncrement, Column, Default, Field, ForeignKey, Index, Model};
use crate::util::{closest, constraint_name, snake_case};

mod renamed;

const MODEL_ARGS: &[&str] = &["table", "renamed_from", "primary_key", "index", "unique"];
const FIELD_ATTRS: &[&str] = &[
    "primary_key",
    "auto_increment",
    "column",
    "renamed_from",
    "unique",
    "index",
    "default",
    "generated",
    "max_length",
    "text",
    "precision",
    "scale",
    "references",
    "on_delete",
    "on_update",
    "skip",
];

/// Collects every error so the user sees all of them at once.
#[derive(Default)]
struct Errors(Option<syn::Error>);

impl Errors {
    fn push(&mut self, error: syn::Error) {
        match &mut self.0 {
            Some(existing) => existing.combine(error),
            None => self.0 = Some(error),
        }
    }

    fn check<T>(&mut self, result: syn::Result<T>) -> Option<T> {
        result.map_err(|e| self.push(e)).ok()
    }

    fn finish(self) -> syn::Result<()> {
        self.0.map_or(Ok(()), Err)
    }

    /// The collected errors, when at least one was pushed.
    fn into_error(self) -> syn::Error {
        self.0
            .unwrap_or_else(|| syn::Error::new(Span::call_site(), "invalid model"))
    }
}

/// The attribute's name as written (`a::b` for a path).
fn path_name(path: &Path) -> String {
    quote::quote!(#path).to_string().replace(' ', "")
}

fn unknown(meta: &ParseNestedMeta<'_>, known: &[&str], what: &str) -> syn::Error {
    let name = path_name(&meta.path);
    let hint = match closest(&name, known) {
        Some(guess) => format!("did you mean `{guess}`?"),
        None => format!("expected one of: {}", known.join(", ")),
    };
    meta.error(format!("unknown {what} `{name}`; {hint}"))
}

fn duplicate(meta: &ParseNestedMeta<'_>, name: &str) -> syn::Error {
    meta.error(format!("duplicate `{name}`"))
}

/// Sets `slot` once; a second setting is an error.
fn set_once<T>(
    slot: &mut Option<T>,
    value: T,
    meta: &ParseNestedMeta<'_>,
    name: &str,
) -> syn::Result<()> {
    if slot.is_some() {
        return Err(duplicate(meta, name));
    }
    *slot = Some(value);
    Ok(())
}

fn flag(meta: &ParseNestedMeta<'_>, name: &str) -> syn::Result<Span> {
    if meta.input.peek(Token![=]) || meta.input.peek(syn::token::Paren) {
        return Err(meta.error(format!("`{name}` takes no value")));
    }
    Ok(meta.path.span())
}

fn positive_int(meta: &ParseNestedMeta<'_>, name: &str) -> syn::Result<(u32, Span)> {
    let expected = || format!("`{name}` expects a whole number, e.g. `{name} = 10`");
    let lit: LitInt = meta
        .value()?
        .parse()
        .map_err(|e| syn::Error::new(e.span(), expected()))?;
    let value: u32 = lit
        .base10_parse()
        .map_err(|_| syn::Error::new(lit.span(), expected()))?;
    if value == 0 {
        return Err(syn::Error::new(
            lit.span(),
            format!("`{name}` must be at least 1"),
        ));
    }
    Ok((value, lit.span()))
}

fn identifier(lit: &LitStr, what: &str) -> syn::Result<String> {
    let value = lit.value();
    if value.is_empty() || value.len() > 63 || value.contains('\0') {
        return Err(syn::Error::new(
            lit.span(),
            format!("a {what} name must be 1 to 63 bytes long, without NUL characters"),
        ));
    }
    Ok(value)
}

/// The previous name of a renamed table or column (`renamed_from = "..."`): a valid name, and
/// not the current one.
fn renamed_from(lit: &LitStr, what: &str, current: &str) -> syn::Result<String> {
    let old = identifier(lit, what)?;
    if old == current {
        return Err(syn::Error::new(
            lit.span(),
            format!(
                "`renamed_from = {old:?}` is the {what}'s current name: give the name it had \
                 before, or remove `renamed_from`"
            ),
        ));
    }
    Ok(old)
}

fn ident_list(meta: &ParseNestedMeta<'_>) -> syn::Result<Vec<Ident>> {
    let mut idents = Vec::new();
    meta.parse_nested_meta(|inner| {
        match inner.path.get_ident() {
            Some(ident) => idents.push(ident.clone()),
            None => return Err(inner.error("expected a field name")),
        }
        Ok(())
    })?;
    if idents.is_empty() {
        return Err(meta.error("expected at least one field name in parentheses"));
    }
    Ok(idents)
}

#[derive(Default)]
struct ModelArgs {
    table: Option<LitStr>,
    renamed_from: Option<LitStr>,
    primary_key: Option<Vec<Ident>>,
    indexes: Vec<(Vec<Ident>, bool)>,
}

fn model_args(args: TokenStream) -> syn::Result<ModelArgs> {
    let mut parsed = ModelArgs::default();
    let parser = syn::meta::parser(|meta| {
        let name = meta
            .path
            .get_ident()
            .map(ToString::to_string)
            .unwrap_or_default();
        match name.as_str() {
            "table" => {
                let lit: LitStr = meta.value()?.parse()?;
                set_once(&mut parsed.table, lit, &meta, "table")
            }
            "renamed_from" => {
                let lit: LitStr = meta.value()?.parse()?;
                set_once(&mut parsed.renamed_from, lit, &meta, "renamed_from")
            }
            "primary_key" => {
                let fields = ident_list(&meta)?;
                set_once(&mut parsed.primary_key, fields, &meta, "primary_key")
            }
            "index" | "unique" => {
                let fields = ident_list(&meta)?;
                parsed.indexes.push((fields, name == "unique"));
                Ok(())
            }
            _ => Err(unknown(&meta, MODEL_ARGS, "model argument")),
        }
    });
    parser.parse2(args)?;
    Ok(parsed)
}

#[derive(Default)]
struct FieldAttrs {
    primary_key: Option<Span>,
    auto_increment: Option<(bool, Span)>,
    column: Option<LitStr>,
    renamed_from: Option<LitStr>,
    unique: Option<Span>,
    index: Option<Span>,
    default: Option<(Default, Span)>,
    generated: Option<Span>,
    max_length: Option<(u32, Span)>,
    text: Option<Span>,
    precision: Option<(u32, Span)>,
    scale: Option<(u32, Span)>,
    references: Option<Path>,
    on_delete: Option<(Action, Span)>,
    on_update: Option<(Action, Span)>,
    skip: Option<Span>,
}

const DEFAULT_EXPECTED: &str = "`default` expects a literal (`0`, `-1`, `1.5`, `\"text\"`, `true`) or `now` (the current timestamp)";

fn default_value(meta: &ParseNestedMeta<'_>) -> syn::Result<Default> {
    let input = meta.value()?;
    if input.peek(Ident) {
        let ident: Ident = input.parse()?;
        return if ident == "now" {
            Ok(Default::Now)
        } else {
            Err(syn::Error::new(ident.span(), DEFAULT_EXPECTED))
        };
    }
    let negative = input.parse::<Option<Token![-]>>()?.is_some();
    let lit: Lit = input.parse()?;
    let sign = if negative { "-" } else { "" };
    let bad = |span: Span| syn::Error::new(span, "this default does not fit its literal type");
    Ok(match &lit {
        Lit::Int(int) => Default::Int(
            format!("{sign}{}", int.base10_digits())
                .parse()
                .map_err(|_| bad(int.span()))?,
        ),
        Lit::Float(float) => Default::Float(
            format!("{sign}{}", float.base10_digits())
                .parse()
                .map_err(|_| bad(float.span()))?,
        ),
        Lit::Str(text) if !negative => Default::Text(text.value()),
        Lit::Bool(value) if !negative => Default::Bool(value.value),
        other => {
            return Err(syn::Error::new(other.span(), DEFAULT_EXPECTED));
        }
    })
}

fn action(meta: &ParseNestedMeta<'_>) -> syn::Result<(Action, Span)> {
    let ident: Ident = meta.value()?.parse()?;
    let name = ident.to_string();
    match Action::from_name(&name) {
        Some(action) => Ok((action, ident.span())),
        None => {
            let hint = match closest(&name, Action::NAMES) {
                Some(guess) => format!("did you mean `{guess}`?"),
                None => format!("expected one of: {}", Action::NAMES.join(", ")),
            };
            Err(syn::Error::new(
                ident.span(),
                format!("unknown referential action `{name}`; {hint}"),
            ))
        }
    }
}

/// The field's attributes, and whether all of them parsed (the errors are in `errors`).
fn field_attrs(attrs: &[syn::Attribute], errors: &mut Errors) -> (FieldAttrs, bool) {
    let mut ok = true;
    let mut parsed = FieldAttrs::default();
    for attr in attrs {
        let result = attr.parse_nested_meta(|meta| {
            let name = meta
                .path
                .get_ident()
                .map(ToString::to_string)
                .unwrap_or_default();
            let p = &mut parsed;
            match name.as_str() {
                "primary_key" => set_once(&mut p.primary_key, flag(&meta, &name)?, &meta, &name),
                "unique" => set_once(&mut p.unique, flag(&meta, &name)?, &meta, &name),
                "index" => set_once(&mut p.index, flag(&meta, &name)?, &meta, &name),
                "generated" => set_once(&mut p.generated, flag(&meta, &name)?, &meta, &name),
                "text" => set_once(&mut p.text, flag(&meta, &name)?, &meta, &name),
                "skip" => set_once(&mut p.skip, flag(&meta, &name)?, &meta, &name),
                "auto_increment" => {
                    let span = meta.path.span();
                    let on = if meta.input.peek(Token![=]) {
                        meta.value()?.parse::<syn::LitBool>()?.value
                    } else {
                        true
                    };
                    set_once(&mut p.auto_increment, (on, span), &meta, &name)
                }
                "column" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    set_once(&mut p.column, lit, &meta, &name)
                }
                "renamed_from" => {
                    let lit: LitStr = meta.value()?.parse()?;
                    set_once(&mut p.renamed_from, lit, &meta, &name)
                }
                "default" => {
                    let span = meta.path.span();
                    set_once(&mut p.default, (default_value(&meta)?, span), &meta, &name)
                }
                "max_length" => {
                    set_once(&mut p.max_length, positive_int(&meta, &name)?, &meta, &name)
                }
                "precision" => {
                    set_once(&mut p.precision, positive_int(&meta, &name)?, &meta, &name)
                }
                "scale" => {
                    let lit: LitInt = meta.value()?.parse()?;
                    let scale = lit.base10_parse::<u32>()?;
                    set_once(&mut p.scale, (scale, lit.span()), &meta, &name)
                }
                "references" => {
                    let path: Path = meta.value()?.parse()?;
                    set_once(&mut p.references, path, &meta, &name)
                }
                "on_delete" => set_once(&mut p.on_delete, action(&meta)?, &meta, &name),
                "on_update" => set_once(&mut p.on_update, action(&meta)?, &meta, &name),
                _ => Err(unknown(&meta, FIELD_ATTRS, "attribute")),
            }
        });
        ok &= errors.check(result).is_some();
    }
    (parsed, ok)
}

/// Checks combinations that are each valid alone but not together.
fn check_field(attrs: &FieldAttrs, errors: &mut Errors) {
    if let Some(skip) = attrs.skip {
        let others = attrs.primary_key.is_some()
            || attrs.auto_increment.is_some()
            || attrs.column.is_some()
            || attrs.renamed_from.is_some()
            || attrs.unique.is_some()
            || attrs.index.is_some()
            || attrs.default.is_some()
            || attrs.generated.is_some()
            || attrs.max_length.is_some()
            || attrs.text.is_some()
            || attrs.precision.is_some()
            || attrs.scale.is_some()
            || attrs.references.is_some()
            || attrs.on_delete.is_some()
            || attrs.on_update.is_some();
        if others {
            errors.push(syn::Error::new(
                skip,
                "a `skip` field is not a column and takes no column attributes: remove `skip` or the others",
            ));
        }
    }
    if let (Some(text), Some(_)) = (attrs.text, attrs.max_length) {
        errors.push(syn::Error::new(
            text,
            "`text` is unbounded: remove `max_length` or `text`",
        ));
    }
    if let (Some((_, span)), None) = (attrs.scale, attrs.precision) {
        errors.push(syn::Error::new(span, "`scale` needs a `precision`"));
    }
    if let (Some((precision, _)), Some((scale, span))) = (attrs.precision, attrs.scale)
        && scale > precision
    {
        errors.push(syn::Error::new(span, "`scale` cannot exceed `precision`"));
    }
    if attrs.references.is_none() {
        for (_, span) in [attrs.on_delete, attrs.on_update].into_iter().flatten() {
            errors.push(syn::Error::new(
                span,
                "`on_delete` and `on_update` need `references = Model`",
            ));
        }
    }
    if let (Some((_, span)), None) = (attrs.auto_increment, attrs.primary_key) {
        errors.push(syn::Error::new(
            span,
            "`auto_increment` applies only to the `primary_key` field",
        ));
    }
}

pub(super) fn model(args: TokenStream, item: &mut ItemStruct) -> syn::Result<Model> {
    let mut errors = Errors::default();
    let args = errors.check(model_args(args)).unwrap_or_default();

    if !item.generics.params.is_empty() {
        errors.push(syn::Error::new_spanned(
            &item.generics,
            "a model cannot be generic: it maps to one table whose columns have fixed types; \
             replace the type parameters with concrete types",
        ));
    }
    for attr in &item.attrs {
        if attr.path().is_ident("covet") {
            let hint = match &attr.meta {
                syn::Meta::List(list) => format!("`#[covet::model({})]`", list.tokens),
                _ => "`#[covet::model(table = \"...\")]`".to_owned(),
            };
            errors.push(syn::Error::new_spanned(
                attr,
                format!(
                    "model options go in the `#[covet::model(...)]` attribute, not in \
                     `#[covet(...)]` on the struct: write {hint}"
                ),
            ));
        }
    }
    let named = match &mut item.fields {
        Fields::Named(named) => named,
        Fields::Unnamed(unnamed) => {
            errors.push(syn::Error::new_spanned(
                &*unnamed,
                "#[covet::model] needs a struct with named fields (each column is named after \
                 its field), e.g. `struct Point { x: i64, y: i64 }`",
            ));
            return Err(errors.into_error());
        }
        Fields::Unit => {
            errors.push(syn::Error::new(
                item.ident.span(),
                "#[covet::model] needs a struct with named fields, one per column",
            ));
            return Err(errors.into_error());
        }
    };

    let table = match &args.table {
        Some(lit) => errors.check(identifier(lit, "table")).unwrap_or_default(),
        None => {
            let table = snake_case(&item.ident.to_string());
            if table.len() > 63 {
                errors.push(syn::Error::new(
                    item.ident.span(),
                    "the table name derived from this struct is longer than 63 bytes: \
                     name it with `#[covet::model(table = \"...\")]`",
                ));
            }
            table
        }
    };
    let table_renamed_from = args
        .renamed_from
        .as_ref()
        .and_then(|lit| errors.check(renamed_from(lit, "table", &table)));

    let mut fields = Vec::new();
    let mut column_renames = Vec::new();
    let mut field_level_key: Option<(usize, Span)> = None;
    let mut unique_cols = Vec::new();
    let mut index_cols = Vec::new();
    let mut references = Vec::new();
    let mut auto_increment_attr = None;
    let mut attrs_ok = true;
    for field in named.named.iter_mut() {
        let (covet_attrs, other): (Vec<_>, Vec<_>) = field
            .attrs
            .drain(..)
            .partition(|a| a.path().is_ident("covet"));
        field.attrs = other;
        let (attrs, ok) = field_attrs(&covet_attrs, &mut errors);
        attrs_ok &= ok;
        check_field(&attrs, &mut errors);
        let Some(ident) = field.ident.clone() else {
            continue;
        };
        let column = if attrs.skip.is_some() {
            None
        } else {
            let index = fields
                .iter()
                .filter(|f: &&Field| f.column.is_some())
                .count();
            let name = match &attrs.column {
                Some(lit) => errors.check(identifier(lit, "column")).unwrap_or_default(),
                None => ident.to_string().trim_start_matches("r#").to_owned(),
            };
            let old_name = attrs.renamed_from.as_ref().and_then(|lit| {
                let old = errors.check(renamed_from(lit, "column", &name))?;
                column_renames.push((old.clone(), lit.span()));
                Some(old)
            });
            if let Some(span) = attrs.primary_key {
                match field_level_key {
                    Some(_) => errors.push(syn::Error::new(
                        span,
                        "duplicate primary key: a model has one `primary_key` field; for a \
                         composite key write `#[covet::model(primary_key(a, b))]`",
                    )),
                    None => field_level_key = Some((index, span)),
                }
                if let Some(setting) = attrs.auto_increment {
                    auto_increment_attr = Some(setting);
                }
            }
            if attrs.unique.is_some() {
                unique_cols.push(name.clone());
            }
            if attrs.index.is_some() {
                index_cols.push(name.clone());
            }
            if let Some(path) = &attrs.references {
                references.push((
                    name.clone(),
                    path.clone(),
                    attrs.on_delete.map_or(Action::NoAction, |(a, _)| a),
                    attrs.on_update.map_or(Action::NoAction, |(a, _)| a),
                ));
            }
            Some(Column {
                name,
                index,
                auto_increment: AutoIncrement::Never,
                generated: attrs.generated.is_some(),
                default: attrs.default.map(|(d, _)| d),
                max_length: attrs.max_length.map(|(n, _)| n),
                text: attrs.text.is_some(),
                precision: attrs
                    .precision
                    .map(|(p, _)| (p, attrs.scale.map_or(0, |(s, _)| s))),
                renamed_from: old_name,
                span: field.ty.span(),
            })
        };
        fields.push(Field {
            ident,
            vis: field.vis.clone(),
            ty: field.ty.clone(),
            column,
        });
    }

    // Two fields may not share a column name.
    let column_names: Vec<(&str, Span)> = fields
        .iter()
        .filter_map(|f| f.column.as_ref().map(|c| (c.name.as_str(), f.ident.span())))
        .collect();
    for (i, (name, span)) in column_names.iter().enumerate() {
        if column_names[..i].iter().any(|(other, _)| other == name) {
            errors.push(syn::Error::new(
                *span,
                format!("two fields map to the column `{name}`"),
            ));
        }
    }

    renamed::check_columns(&fields, &column_renames, &mut errors);

    let resolve = |ident: &Ident, errors: &mut Errors| -> Option<usize> {
        let found = fields
            .iter()
            .find(|f| f.ident == *ident)
            .and_then(|f| f.column.as_ref().map(|c| c.index));
        if found.is_none() {
            errors.push(syn::Error::new(
                ident.span(),
                format!("`{ident}` is not a column of this model"),
            ));
        }
        found
    };

    let primary_key: Vec<usize> = match (&args.primary_key, field_level_key) {
        (Some(names), None) => {
            let mut key = Vec::new();
            for ident in names {
                if let Some(index) = resolve(ident, &mut errors) {
                    if key.contains(&index) {
                        errors.push(syn::Error::new(
                            ident.span(),
                            format!("`{ident}` is listed twice"),
                        ));
                    }
                    key.push(index);
                }
            }
            key
        }
        (None, Some((index, _))) => vec![index],
        (Some(names), Some((_, span))) => {
            let _ = names;
            errors.push(syn::Error::new(
                span,
                "the key is declared twice: remove this `primary_key` or the model's `primary_key(...)`",
            ));
            Vec::new()
        }
        // A field attribute that did not parse may have been meant as the key (`primay_key`):
        // its own error says so, and a second one about the key would only mislead.
        (None, None) if !attrs_ok => Vec::new(),
        (None, None) => {
            errors.push(syn::Error::new(
                item.ident.span(),
                "a model needs a primary key: add `#[covet(primary_key)]` to a field, or \
                 `#[covet::model(primary_key(a, b))]` for a composite key",
            ));
            Vec::new()
        }
    };

    let column_name = |index: usize| -> String {
        fields
            .iter()
            .filter_map(|f| f.column.as_ref())
            .find(|c| c.index == index)
            .map(|c| c.name.clone())
            .unwrap_or_default()
    };

    let mut indexes = Vec::new();
    for name in unique_cols {
        indexes.push(Index {
            name: constraint_name(&table, std::slice::from_ref(&name), "key"),
            columns: vec![name],
            unique: true,
        });
    }
    for name in index_cols {
        indexes.push(Index {
            name: constraint_name(&table, std::slice::from_ref(&name), "idx"),
            columns: vec![name],
            unique: false,
        });
    }
    for (idents, unique) in &args.indexes {
        let columns: Vec<String> = idents
            .iter()
            .filter_map(|ident| resolve(ident, &mut errors))
            .map(column_name)
            .collect();
        let suffix = if *unique { "key" } else { "idx" };
        indexes.push(Index {
            name: constraint_name(&table, &columns, suffix),
            columns,
            unique: *unique,
        });
    }

    let foreign_keys = references
        .into_iter()
        .map(|(column, references, on_delete, on_update)| ForeignKey {
            name: constraint_name(&table, std::slice::from_ref(&column), "fkey"),
            column,
            references,
            on_delete,
            on_update,
        })
        .collect();

    // A single-column key numbers itself when it is an integer (decided by its SqlValue's
    // column type at compile time), unless told otherwise.
    let auto = match (primary_key.len(), auto_increment_attr) {
        (1, None) => AutoIncrement::IfInteger,
        (1, Some((true, _))) => AutoIncrement::Required,
        (_, Some((true, span))) => {
            errors.push(syn::Error::new(
                span,
                "a composite key cannot auto-increment",
            ));
            AutoIncrement::Never
        }
        _ => AutoIncrement::Never,
    };
    if let [key] = primary_key.as_slice() {
        for field in &mut fields {
            if let Some(column) = field.column.as_mut().filter(|c| c.index == *key) {
                column.auto_increment = auto;
            }
        }
    }

    errors.finish()?;
    Ok(Model {
        ident: item.ident.clone(),
        table,
        renamed_from: table_renamed_from,
        fields,
        primary_key,
        indexes,
        foreign_keys,
    })
}
