//! Small helpers shared by the macros.

use proc_macro2::TokenStream;

/// `BlogPost` → `blog_post`.
pub(crate) fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_uppercase() {
            let after_lower =
                i > 0 && (chars[i - 1].is_lowercase() || chars[i - 1].is_ascii_digit());
            let before_lower = i > 0 && chars.get(i + 1).is_some_and(|n| n.is_lowercase());
            if after_lower || (before_lower && chars[i - 1].is_uppercase()) {
                out.push('_');
            }
            out.extend(c.to_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// The same naming rule as `covet::schema::constraint_name`: `<table>_<columns>_<suffix>`,
/// shortened to 63 bytes with a hash of the full name.
pub(crate) fn constraint_name(table: &str, columns: &[String], suffix: &str) -> String {
    const MAX: usize = 63;
    let mut name = table.to_owned();
    for column in columns {
        name.push('_');
        name.push_str(column);
    }
    name.push('_');
    name.push_str(suffix);
    if name.len() <= MAX {
        return name;
    }
    let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    let mut keep = MAX - 9;
    while !name.is_char_boundary(keep) {
        keep -= 1;
    }
    name.truncate(keep);
    name.push_str(&format!("_{hash:08x}"));
    name
}

/// The candidate closest to `word`, if it is close enough to be a likely typo.
pub(crate) fn closest<'a>(word: &str, candidates: &[&'a str]) -> Option<&'a str> {
    candidates
        .iter()
        .map(|c| (edit_distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 3))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut previous = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let current = row[j + 1];
            row[j + 1] = if ca == *cb {
                previous
            } else {
                1 + previous.min(row[j]).min(current)
            };
            previous = current;
        }
    }
    row[b.len()]
}

/// Prints an expansion when `COVET_MACROS_DEBUG` is set.
pub(crate) fn debug_print(what: &str, tokens: &TokenStream) {
    if std::env::var_os("COVET_MACROS_DEBUG").is_some() {
        eprintln!("--- covet {what} expansion ---\n{tokens}");
    }
}

/// A readable rendering of an expansion for snapshot tests: one item per line, the contents of
/// `impl` blocks and `const _: () = { ... };` blocks one per line, indented. (No formatter
/// dependency: token text is stable enough for snapshots.)
#[cfg(test)]
pub(crate) fn format_items(file: &syn::File) -> String {
    let mut out = String::new();
    for item in &file.items {
        format_item(&mut out, item, 0);
        out.push('\n');
    }
    out
}

#[cfg(test)]
fn format_item(out: &mut String, item: &syn::Item, depth: usize) {
    use quote::{ToTokens, quote};
    let indent = "    ".repeat(depth);
    match item {
        syn::Item::Impl(block) => {
            let attrs = &block.attrs;
            let generics = &block.generics;
            let trait_ = block
                .trait_
                .as_ref()
                .map(|(bang, path, for_)| quote!(#bang #path #for_));
            let self_ty = &block.self_ty;
            let where_ = &block.generics.where_clause;
            out.push_str(&format!(
                "{indent}{} {{\n",
                quote!(#(#attrs)* impl #generics #trait_ #self_ty #where_)
            ));
            for inner in &block.items {
                out.push_str(&format!("{indent}    {}\n", inner.to_token_stream()));
            }
            out.push_str(&format!("{indent}}}\n"));
        }
        syn::Item::Const(constant) => match &*constant.expr {
            syn::Expr::Block(block) => {
                let attrs = &constant.attrs;
                let ident = &constant.ident;
                let ty = &constant.ty;
                out.push_str(&format!(
                    "{indent}{} = {{\n",
                    quote!(#(#attrs)* const #ident: #ty)
                ));
                for stmt in &block.block.stmts {
                    match stmt {
                        syn::Stmt::Item(inner) => format_item(out, inner, depth + 1),
                        other => {
                            out.push_str(&format!("{indent}    {}\n", other.to_token_stream()));
                        }
                    }
                }
                out.push_str(&format!("{indent}}};\n"));
            }
            _ => out.push_str(&format!("{indent}{}\n", item.to_token_stream())),
        },
        other => out.push_str(&format!("{indent}{}\n", other.to_token_stream())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn struct_names_become_snake_case_tables() {
        assert_eq!(snake_case("User"), "user");
        assert_eq!(snake_case("BlogPost"), "blog_post");
        assert_eq!(snake_case("HTTPRequest"), "http_request");
        assert_eq!(snake_case("Order2Item"), "order2_item");
    }

    #[test]
    fn a_typo_is_matched_to_the_attribute_meant() {
        let known = ["primary_key", "unique", "index", "default"];
        assert_eq!(closest("primay_key", &known), Some("primary_key"));
        assert_eq!(closest("uniqe", &known), Some("unique"));
        assert_eq!(closest("colour", &known), None);
    }

    #[test]
    fn long_constraint_names_fit_63_bytes() {
        let name = constraint_name(&"a".repeat(70), &["b".to_owned()], "idx");
        assert_eq!(name.len(), 63);
        assert_ne!(
            name,
            constraint_name(&"a".repeat(71), &["b".to_owned()], "idx")
        );
    }
}
