//! Checks across the fields' `renamed_from`: each names a column this model no longer has, and
//! no two name the same one.

use proc_macro2::Span;

use super::Errors;
use crate::model::ir::Field;

/// `renames` holds each field's `renamed_from` (already checked alone) with its span, in field
/// order.
pub(super) fn check_columns(fields: &[Field], renames: &[(String, Span)], errors: &mut Errors) {
    for (i, (old, span)) in renames.iter().enumerate() {
        let still_used = fields
            .iter()
            .find(|f| f.column.as_ref().is_some_and(|c| c.name == *old));
        if let Some(field) = still_used {
            errors.push(syn::Error::new(
                *span,
                format!(
                    "`renamed_from = {old:?}` names the column of field `{}`, which this model \
                     still has: renaming would take the column from that field; remove \
                     `renamed_from` (a rename that was migrated no longer needs it), or swap \
                     names over two migrations",
                    field.ident
                ),
            ));
        } else if renames[..i].iter().any(|(other, _)| other == old) {
            errors.push(syn::Error::new(
                *span,
                format!(
                    "two fields are renamed from the column `{old}`: a column can be renamed to \
                     one name only"
                ),
            ));
        }
    }
}
