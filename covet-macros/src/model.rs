//! `#[model]`: parse the struct into a checked plain-data [`ir::Model`], then emit code from it.

mod emit;
mod ir;
mod parse;

use proc_macro2::TokenStream;

/// Expands `#[model(args)] item`. Every mistake is a spanned error; all are reported together.
pub(crate) fn expand(args: TokenStream, item: TokenStream) -> syn::Result<TokenStream> {
    let mut item: syn::ItemStruct = syn::parse2(item)?;
    let model = parse::model(args, &mut item)?;
    Ok(emit::expand(&model, &item))
}
