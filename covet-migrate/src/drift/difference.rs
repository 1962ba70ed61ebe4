//! One way the database differs from the expected schema.

use std::fmt;

use crate::snapshot::{ForeignKey, Index, ReferentialAction};

/// One way the live database differs from the expected [`Schema`](crate::Schema).
///
/// Types and defaults are given as text: the expected one as covet would write it for the
/// dialect, the found one as the database reports it (types in one canonical spelling per
/// dialect, so that `character varying(80)` reads `varchar(80)`).
///
/// Its [`Display`](fmt::Display) is one line that starts with the table (and column): what
/// was found, then what was expected.
///
/// # Examples
///
/// ```
/// use covet_migrate::Difference;
///
/// let difference = Difference::ColumnType {
///     table: "post".into(),
///     column: "title".into(),
///     expected: "varchar(200)".into(),
///     found: "varchar(80)".into(),
/// };
/// assert_eq!(difference.table(), "post");
/// assert_eq!(difference.to_string(), "post.title: type varchar(80), expected varchar(200)");
/// ```
#[non_exhaustive]
#[derive(Debug, Clone, PartialEq)]
pub enum Difference {
    /// A table the schema has is not in the database.
    MissingTable {
        /// The table.
        table: String,
    },
    /// A table in the database is not in the schema.
    UnexpectedTable {
        /// The table.
        table: String,
    },
    /// A column the schema has is not in the table.
    MissingColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A column of the table is not in the schema.
    UnexpectedColumn {
        /// The table.
        table: String,
        /// The column.
        column: String,
    },
    /// A column's type differs.
    ColumnType {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The type covet creates the column with.
        expected: String,
        /// The column's type in the database.
        found: String,
    },
    /// A column accepts `NULL` when it should not, or the other way round.
    Nullability {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Whether the schema's column accepts `NULL`.
        expected: bool,
        /// Whether the database's column accepts `NULL`.
        found: bool,
    },
    /// A column numbers rows itself when it should not, or the other way round.
    AutoIncrement {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// Whether the schema's column is auto-increment.
        expected: bool,
        /// Whether the database's column is auto-increment.
        found: bool,
    },
    /// A column's `DEFAULT` differs, or only one side has one.
    Default {
        /// The table.
        table: String,
        /// The column.
        column: String,
        /// The schema's default, as SQL; `None` for none.
        expected: Option<String>,
        /// The database's default as it reports it; `None` for none.
        found: Option<String>,
    },
    /// The primary key's columns differ (`found` is empty when the table has none).
    PrimaryKey {
        /// The table.
        table: String,
        /// The schema's key columns, in key order.
        expected: Vec<String>,
        /// The database's key columns, in key order.
        found: Vec<String>,
    },
    /// An index the schema has is not in the database.
    MissingIndex {
        /// The table.
        table: String,
        /// The index.
        index: Index,
    },
    /// An index in the database is not in the schema.
    UnexpectedIndex {
        /// The table.
        table: String,
        /// The index.
        index: Index,
    },
    /// An index of that name exists, on other columns or with other uniqueness.
    IndexDiffers {
        /// The table.
        table: String,
        /// The schema's index.
        expected: Index,
        /// The database's index of that name.
        found: Index,
    },
    /// A foreign key the schema has is not in the database.
    MissingForeignKey {
        /// The table.
        table: String,
        /// The foreign key.
        foreign_key: ForeignKey,
    },
    /// A foreign key in the database is not in the schema (its name is empty when SQLite's key
    /// has none).
    UnexpectedForeignKey {
        /// The table.
        table: String,
        /// The foreign key.
        foreign_key: ForeignKey,
    },
    /// A foreign key of that name (or, unnamed on SQLite, on those columns) exists, and
    /// references other columns or has other actions.
    ForeignKeyDiffers {
        /// The table.
        table: String,
        /// The schema's foreign key.
        expected: ForeignKey,
        /// The database's foreign key.
        found: ForeignKey,
    },
    /// An enum column's `CHECK` constraint is not in the database.
    MissingCheck {
        /// The table.
        table: String,
        /// The enum column.
        column: String,
        /// The constraint's name.
        name: String,
    },
    /// A `CHECK` constraint in the database is not in the schema.
    UnexpectedCheck {
        /// The table.
        table: String,
        /// The constraint's name; empty when it has none (SQLite).
        name: String,
        /// Its condition, as the database reports it.
        clause: String,
    },
    /// An enum column's `CHECK` constraint allows other values.
    CheckDiffers {
        /// The table.
        table: String,
        /// The enum column.
        column: String,
        /// The constraint's name.
        name: String,
        /// The enum's variants, sorted.
        expected: Vec<String>,
        /// The condition, as the database reports it.
        found: String,
    },
}

impl Difference {
    /// The table that differs.
    ///
    /// # Examples
    ///
    /// ```
    /// let missing = covet_migrate::Difference::MissingTable { table: "tag".into() };
    /// assert_eq!(missing.table(), "tag");
    /// ```
    pub fn table(&self) -> &str {
        match self {
            Self::MissingTable { table }
            | Self::UnexpectedTable { table }
            | Self::MissingColumn { table, .. }
            | Self::UnexpectedColumn { table, .. }
            | Self::ColumnType { table, .. }
            | Self::Nullability { table, .. }
            | Self::AutoIncrement { table, .. }
            | Self::Default { table, .. }
            | Self::PrimaryKey { table, .. }
            | Self::MissingIndex { table, .. }
            | Self::UnexpectedIndex { table, .. }
            | Self::IndexDiffers { table, .. }
            | Self::MissingForeignKey { table, .. }
            | Self::UnexpectedForeignKey { table, .. }
            | Self::ForeignKeyDiffers { table, .. }
            | Self::MissingCheck { table, .. }
            | Self::UnexpectedCheck { table, .. }
            | Self::CheckDiffers { table, .. } => table,
        }
    }
}

impl fmt::Display for Difference {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::MissingTable { table } => write!(f, "{table}: missing table"),
            Self::UnexpectedTable { table } => write!(f, "{table}: unexpected table"),
            Self::MissingColumn { table, column } => write!(f, "{table}.{column}: missing column"),
            Self::UnexpectedColumn { table, column } => {
                write!(f, "{table}.{column}: unexpected column")
            }
            Self::ColumnType {
                table,
                column,
                expected,
                found,
            } => write!(f, "{table}.{column}: type {found}, expected {expected}"),
            Self::Nullability {
                table,
                column,
                expected,
                found,
            } => write!(
                f,
                "{table}.{column}: {}, expected {}",
                null(*found),
                null(*expected)
            ),
            Self::AutoIncrement {
                table,
                column,
                expected,
                found,
            } => write!(
                f,
                "{table}.{column}: {}, expected {}",
                auto(*found),
                auto(*expected)
            ),
            Self::Default {
                table,
                column,
                expected,
                found,
            } => {
                let found = found
                    .as_deref()
                    .map_or_else(|| "no default".to_owned(), |v| format!("default {v}"));
                let expected = expected.as_deref().unwrap_or("no default");
                write!(f, "{table}.{column}: {found}, expected {expected}")
            }
            Self::PrimaryKey {
                table,
                expected,
                found,
            } => write!(
                f,
                "{table}: primary key {}, expected {}",
                key(found),
                key(expected)
            ),
            Self::MissingIndex { table, index } => {
                write!(f, "{table}: missing {}", IndexText(index))
            }
            Self::UnexpectedIndex { table, index } => {
                write!(f, "{table}: unexpected {}", IndexText(index))
            }
            Self::IndexDiffers {
                table,
                expected,
                found,
            } => write!(
                f,
                "{table}: {}, expected {}",
                IndexText(found),
                IndexText(expected)
            ),
            Self::MissingForeignKey { table, foreign_key } => {
                write!(f, "{table}: missing {}", KeyText(foreign_key))
            }
            Self::UnexpectedForeignKey { table, foreign_key } => {
                write!(f, "{table}: unexpected {}", KeyText(foreign_key))
            }
            Self::ForeignKeyDiffers {
                table,
                expected,
                found,
            } => write!(
                f,
                "{table}: {}, expected {}",
                KeyText(found),
                KeyText(expected)
            ),
            Self::MissingCheck {
                table,
                column,
                name,
            } => write!(f, "{table}.{column}: missing check {name}"),
            Self::UnexpectedCheck {
                table,
                name,
                clause,
            } if name.is_empty() => write!(f, "{table}: unexpected unnamed check ({clause})"),
            Self::UnexpectedCheck {
                table,
                name,
                clause,
            } => write!(f, "{table}: unexpected check {name} ({clause})"),
            Self::CheckDiffers {
                table,
                column,
                name,
                expected,
                found,
            } => {
                let values: Vec<String> = expected
                    .iter()
                    .map(|v| format!("'{}'", v.replace('\'', "''")))
                    .collect();
                write!(
                    f,
                    "{table}.{column}: check {name} ({found}), expected {column} IN ({})",
                    values.join(", ")
                )
            }
        }
    }
}

fn null(nullable: bool) -> &'static str {
    if nullable { "NULL" } else { "NOT NULL" }
}

fn auto(auto_increment: bool) -> &'static str {
    if auto_increment {
        "auto-increment"
    } else {
        "not auto-increment"
    }
}

fn key(columns: &[String]) -> String {
    if columns.is_empty() {
        "none".to_owned()
    } else {
        format!("({})", columns.join(", "))
    }
}

/// `unique index name (a, b)`.
struct IndexText<'a>(&'a Index);

impl fmt::Display for IndexText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Index {
            name,
            columns,
            unique,
        } = self.0;
        let unique = if *unique { "unique " } else { "" };
        write!(f, "{unique}index {name} ({})", columns.join(", "))
    }
}

/// `foreign key name (a) -> parent (id) on delete cascade on update no action`.
struct KeyText<'a>(&'a ForeignKey);

impl fmt::Display for KeyText<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = self.0;
        let name = if key.name.is_empty() {
            "unnamed foreign key".to_owned()
        } else {
            format!("foreign key {}", key.name)
        };
        write!(
            f,
            "{name} ({}) -> {} ({}) on delete {} on update {}",
            key.columns.join(", "),
            key.references_table,
            key.references_columns.join(", "),
            action(key.on_delete),
            action(key.on_update)
        )
    }
}

fn action(action: ReferentialAction) -> &'static str {
    match action {
        ReferentialAction::NoAction => "no action",
        ReferentialAction::Restrict => "restrict",
        ReferentialAction::Cascade => "cascade",
        ReferentialAction::SetNull => "set null",
        ReferentialAction::SetDefault => "set default",
    }
}
