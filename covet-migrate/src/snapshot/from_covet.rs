//! Building a [`Schema`] from covet's `&'static` table descriptions.

use covet::Registry;
use covet::schema::{self, ColumnDef, ForeignKeyDef, IndexDef, TableDef};

use super::{
    Column, ColumnType, DefaultValue, ForeignKey, Index, ReferentialAction, Schema, SnapshotError,
    Table,
};

impl Schema {
    /// The schema of every model in `registry` (see [`covet::models!`]).
    ///
    /// # Errors
    ///
    /// [`SnapshotError::DuplicateTable`] when two models map to the same table, and
    /// [`SnapshotError::UnsupportedColumnType`] when covet knows a column type this version of
    /// covet-migrate does not (update covet-migrate).
    ///
    /// # Examples
    ///
    /// ```
    /// #[covet::model]
    /// struct Author {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// #[covet::model]
    /// struct Book {
    ///     #[covet(primary_key)]
    ///     id: i64,
    ///     #[covet(references = Author)]
    ///     author_id: i64,
    /// }
    ///
    /// static MODELS: covet::Registry = covet::models![Book, Author];
    ///
    /// let schema = covet_migrate::Schema::from_registry(&MODELS)?;
    /// let names: Vec<&str> = schema.tables.keys().map(String::as_str).collect();
    /// assert_eq!(names, ["author", "book"]); // by name, whatever the registry's order
    /// # Ok::<(), covet_migrate::SnapshotError>(())
    /// ```
    pub fn from_registry(registry: &Registry) -> Result<Self, SnapshotError> {
        Self::from_tables(registry.tables())
    }

    /// The schema of the given tables (`&[User::TABLE, Post::TABLE]`).
    ///
    /// # Errors
    ///
    /// As [`from_registry`](Self::from_registry).
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::Model;
    ///
    /// #[covet::model(table = "people")]
    /// struct Person {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// let schema = covet_migrate::Schema::from_tables(&[Person::TABLE])?;
    /// assert!(schema.tables.contains_key("people"));
    ///
    /// let twice = covet_migrate::Schema::from_tables(&[Person::TABLE, Person::TABLE]);
    /// assert!(twice.is_err());
    /// # Ok::<(), covet_migrate::SnapshotError>(())
    /// ```
    pub fn from_tables(tables: &[&TableDef]) -> Result<Self, SnapshotError> {
        let mut schema = Self::default();
        for def in tables {
            let table = Table::from_def(def)?;
            // Two models on one table would otherwise silently shadow each other, and the
            // shadowed one's columns would look dropped.
            if let Some(previous) = schema.tables.insert(table.name.clone(), table) {
                return Err(SnapshotError::DuplicateTable {
                    table: previous.name,
                });
            }
        }
        Ok(schema)
    }
}

impl Table {
    fn from_def(def: &TableDef) -> Result<Self, SnapshotError> {
        let columns = def
            .columns
            .iter()
            .map(|column| Column::from_def(def.name, column))
            .collect::<Result<_, _>>()?;
        let mut table = Self {
            name: def.name.to_owned(),
            columns,
            primary_key: strings(def.primary_key),
            indexes: def.indexes.iter().map(Index::from).collect(),
            foreign_keys: def.foreign_keys.iter().map(ForeignKey::from).collect(),
        };
        table.sort();
        Ok(table)
    }
}

impl Column {
    fn from_def(table: &str, def: &ColumnDef) -> Result<Self, SnapshotError> {
        let ty =
            ColumnType::from_def(def.ty).ok_or_else(|| SnapshotError::UnsupportedColumnType {
                table: table.to_owned(),
                column: def.name.to_owned(),
                ty: format!("{:?}", def.ty),
            })?;
        Ok(Self {
            name: def.name.to_owned(),
            ty,
            nullable: def.nullable,
            default: def.default.map(DefaultValue::from),
            auto_increment: def.auto_increment,
        })
    }
}

impl ColumnType {
    /// `None` for a type added to covet after this crate was written: `ColumnType` is
    /// `#[non_exhaustive]`, and guessing a mapping would write a wrong snapshot.
    fn from_def(ty: schema::ColumnType) -> Option<Self> {
        use schema::ColumnType as C;
        Some(match ty {
            C::SmallInt => Self::SmallInt,
            C::Int => Self::Int,
            C::BigInt => Self::BigInt,
            C::Float => Self::Float,
            C::Double => Self::Double,
            C::Bool => Self::Bool,
            C::String { max_length } => Self::String { max_length },
            C::Text => Self::Text,
            C::Bytes => Self::Bytes,
            C::Date => Self::Date,
            C::Time => Self::Time,
            C::DateTime => Self::DateTime,
            C::TimestampTz => Self::TimestampTz,
            C::Uuid => Self::Uuid,
            C::Json => Self::Json,
            C::Decimal { precision } => Self::Decimal { precision },
            C::Enum { variants, .. } => Self::Enum {
                variants: sorted_variants(variants),
            },
            _ => return None,
        })
    }
}

/// The variants as a sorted set: reordering an enum's variants changes no `CHECK`.
fn sorted_variants(variants: &[&str]) -> Vec<String> {
    let mut sorted = strings(variants);
    sorted.sort_unstable();
    sorted.dedup();
    sorted
}

impl From<schema::DefaultValue> for DefaultValue {
    fn from(value: schema::DefaultValue) -> Self {
        match value {
            schema::DefaultValue::Int(value) => Self::Int(value),
            schema::DefaultValue::Float(value) => Self::Float(value),
            schema::DefaultValue::Text(value) => Self::Text(value.to_owned()),
            schema::DefaultValue::Bool(value) => Self::Bool(value),
            schema::DefaultValue::CurrentTimestamp => Self::CurrentTimestamp,
        }
    }
}

impl From<&IndexDef> for Index {
    fn from(def: &IndexDef) -> Self {
        Self {
            name: def.name.to_owned(),
            columns: strings(def.columns),
            unique: def.unique,
        }
    }
}

impl From<&ForeignKeyDef> for ForeignKey {
    fn from(def: &ForeignKeyDef) -> Self {
        Self {
            name: def.name.to_owned(),
            columns: strings(def.columns),
            references_table: def.references_table.to_owned(),
            references_columns: strings(def.references_columns),
            on_delete: def.on_delete.into(),
            on_update: def.on_update.into(),
        }
    }
}

impl From<schema::ReferentialAction> for ReferentialAction {
    fn from(action: schema::ReferentialAction) -> Self {
        match action {
            schema::ReferentialAction::NoAction => Self::NoAction,
            schema::ReferentialAction::Restrict => Self::Restrict,
            schema::ReferentialAction::Cascade => Self::Cascade,
            schema::ReferentialAction::SetNull => Self::SetNull,
            schema::ReferentialAction::SetDefault => Self::SetDefault,
        }
    }
}

fn strings(names: &[&str]) -> Vec<String> {
    names.iter().map(|&name| name.to_owned()).collect()
}
