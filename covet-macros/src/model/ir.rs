//! The validated description of a model, as plain data. Building it is where every error is
//! found; emitting code from it cannot fail.

use proc_macro2::Span;
use syn::{Ident, Path, Type, Visibility};

pub(crate) struct Model {
    pub(crate) ident: Ident,
    pub(crate) table: String,
    /// `#[covet::model(renamed_from = "...")]`: the table's previous name.
    pub(crate) renamed_from: Option<String>,
    pub(crate) fields: Vec<Field>,
    /// Positions in `columns()` of the primary key, in key order.
    pub(crate) primary_key: Vec<usize>,
    pub(crate) indexes: Vec<Index>,
    pub(crate) foreign_keys: Vec<ForeignKey>,
}

impl Model {
    /// The fields that are columns, in order.
    pub(crate) fn columns(&self) -> impl Iterator<Item = (&Field, &Column)> {
        self.fields
            .iter()
            .filter_map(|f| f.column.as_ref().map(|c| (f, c)))
    }
}

pub(crate) struct Field {
    pub(crate) ident: Ident,
    pub(crate) vis: Visibility,
    pub(crate) ty: Type,
    /// `None` for `#[covet(skip)]`.
    pub(crate) column: Option<Column>,
}

pub(crate) struct Column {
    pub(crate) name: String,
    pub(crate) index: usize,
    pub(crate) auto_increment: AutoIncrement,
    /// `#[covet(generated)]`: the database fills it on insert.
    pub(crate) generated: bool,
    pub(crate) default: Option<Default>,
    pub(crate) max_length: Option<u32>,
    pub(crate) text: bool,
    pub(crate) precision: Option<(u32, u32)>,
    /// `#[covet(renamed_from = "...")]`: the column's previous name.
    pub(crate) renamed_from: Option<String>,
    pub(crate) span: Span,
}

/// Whether a single-column key numbers itself.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum AutoIncrement {
    /// Not a single-column key.
    Never,
    /// A single-column key: auto-increments when its type is stored as an integer.
    IfInteger,
    /// `#[covet(auto_increment)]`: must be an integer.
    Required,
}

pub(crate) enum Default {
    Int(i64),
    Float(f64),
    Text(String),
    Bool(bool),
    Now,
}

pub(crate) struct Index {
    pub(crate) name: String,
    pub(crate) columns: Vec<String>,
    pub(crate) unique: bool,
}

pub(crate) struct ForeignKey {
    pub(crate) name: String,
    pub(crate) column: String,
    pub(crate) references: Path,
    pub(crate) on_delete: Action,
    pub(crate) on_update: Action,
}

/// A referential action; the variants mirror `covet::schema::ReferentialAction` (and SQL's
/// `NO ACTION`), hence the suffix.
#[derive(Clone, Copy)]
#[allow(clippy::enum_variant_names)]
pub(crate) enum Action {
    NoAction,
    Restrict,
    Cascade,
    SetNull,
    SetDefault,
}

impl Action {
    pub(crate) const NAMES: &'static [&'static str] = &[
        "no_action",
        "restrict",
        "cascade",
        "set_null",
        "set_default",
    ];

    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Some(match name {
            "no_action" => Self::NoAction,
            "restrict" => Self::Restrict,
            "cascade" => Self::Cascade,
            "set_null" => Self::SetNull,
            "set_default" => Self::SetDefault,
            _ => return None,
        })
    }

    pub(crate) fn variant(self) -> &'static str {
        match self {
            Self::NoAction => "NoAction",
            Self::Restrict => "Restrict",
            Self::Cascade => "Cascade",
            Self::SetNull => "SetNull",
            Self::SetDefault => "SetDefault",
        }
    }
}
