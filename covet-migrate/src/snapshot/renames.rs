//! The renames the models declare: events between two snapshots, recorded in neither.

use std::collections::BTreeMap;

use covet::Registry;
use covet::schema::TableDef;

use super::SnapshotError;

/// The tables and columns the models declare renamed, with `renamed_from = "old_name"`.
///
/// [`diff_with_renames`](crate::diff_with_renames) follows them: a declared rename whose old
/// name is in the old schema (and whose new name is not) becomes a rename operation, where the
/// table or column would otherwise be dropped and added. Renames are never guessed from
/// similar names or types.
///
/// A rename is an event, not a state of the database, so it is not part of a [`Schema`]
/// (which is what the snapshot file stores): take both from the same models,
/// [`Schema::from_registry`] and [`Renames::from_registry`]. Once a rename is migrated, its
/// old name is no longer in the snapshot and the declaration does nothing more; it may stay on
/// the model.
///
/// [`Schema`]: super::Schema
/// [`Schema::from_registry`]: super::Schema::from_registry
///
/// # Examples
///
/// ```
/// use covet_migrate::Renames;
///
/// #[covet::model(table = "people", renamed_from = "persons")]
/// struct Person {
///     #[covet(primary_key)]
///     id: i64,
///     #[covet(renamed_from = "name")]
///     full_name: String,
/// }
///
/// static MODELS: covet::Registry = covet::models![Person];
///
/// let renames = Renames::from_registry(&MODELS)?;
/// assert_eq!(renames.table_renamed_from("people"), Some("persons"));
/// assert_eq!(renames.column_renamed_from("people", "full_name"), Some("name"));
/// # Ok::<(), covet_migrate::SnapshotError>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames {
    /// Renamed tables: each table's current name → the name it had before.
    pub tables: BTreeMap<String, String>,
    /// Renamed columns, by table (its current name): each column's current name → the name it
    /// had before.
    pub columns: BTreeMap<String, BTreeMap<String, String>>,
}

impl Renames {
    /// The renames the models in `registry` declare (see [`covet::models!`]).
    ///
    /// # Errors
    ///
    /// As [`from_tables`](Self::from_tables).
    ///
    /// # Examples
    ///
    /// ```
    /// #[covet::model(renamed_from = "entry")]
    /// struct Post {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// static MODELS: covet::Registry = covet::models![Post];
    ///
    /// let renames = covet_migrate::Renames::from_registry(&MODELS)?;
    /// assert_eq!(renames.table_renamed_from("post"), Some("entry"));
    /// # Ok::<(), covet_migrate::SnapshotError>(())
    /// ```
    pub fn from_registry(registry: &Registry) -> Result<Self, SnapshotError> {
        Self::from_tables(registry.tables())
    }

    /// The renames the given tables declare (`&[User::TABLE, Post::TABLE]`).
    ///
    /// # Errors
    ///
    /// A declaration that could only be followed by guessing is refused:
    /// [`SnapshotError::RenamedFromInUse`] when a table is renamed from a name another of the
    /// tables has (or a column from a name another column of its table has), and
    /// [`SnapshotError::RenamedFromTwice`] when two tables, or two columns of one table, are
    /// renamed from the same name. (`#[covet::model]` refuses the column cases at compile
    /// time.)
    ///
    /// # Examples
    ///
    /// ```
    /// use covet::Model;
    /// use covet_migrate::{Renames, SnapshotError};
    ///
    /// #[covet::model(table = "people", renamed_from = "persons")]
    /// struct Person {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// #[covet::model(table = "persons")]
    /// struct Newcomer {
    ///     #[covet(primary_key)]
    ///     id: i64,
    /// }
    ///
    /// assert!(Renames::from_tables(&[Person::TABLE]).is_ok());
    /// let err = Renames::from_tables(&[Person::TABLE, Newcomer::TABLE]).unwrap_err();
    /// assert!(matches!(err, SnapshotError::RenamedFromInUse { .. }));
    /// ```
    pub fn from_tables(tables: &[&TableDef]) -> Result<Self, SnapshotError> {
        let mut renames = Self::default();
        let table_names: Vec<&str> = tables.iter().map(|t| t.name).collect();
        let table_renames = tables
            .iter()
            .filter_map(|t| Some((t.name, t.renamed_from?)));
        for (to, from) in checked(table_renames, &table_names, |name| name.to_owned())? {
            renames.rename_table(from, to);
        }
        for table in tables {
            let column_names: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
            let column_renames = table
                .columns
                .iter()
                .filter_map(|c| Some((c.name, c.renamed_from?)));
            let qualify = |column: &str| format!("{}.{column}", table.name);
            for (to, from) in checked(column_renames, &column_names, qualify)? {
                renames.rename_column(table.name, from, to);
            }
        }
        Ok(renames)
    }

    /// Whether no rename is declared.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut renames = covet_migrate::Renames::default();
    /// assert!(renames.is_empty());
    /// renames.rename_table("persons", "people");
    /// assert!(!renames.is_empty());
    /// ```
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty() && self.columns.values().all(BTreeMap::is_empty)
    }

    /// Declares that the table now named `to` was named `from`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut renames = covet_migrate::Renames::default();
    /// renames.rename_table("persons", "people");
    /// assert_eq!(renames.table_renamed_from("people"), Some("persons"));
    /// ```
    pub fn rename_table(&mut self, from: impl Into<String>, to: impl Into<String>) -> &mut Self {
        self.tables.insert(to.into(), from.into());
        self
    }

    /// Declares that the column now named `to`, of the table now named `table`, was named
    /// `from`.
    ///
    /// # Examples
    ///
    /// ```
    /// let mut renames = covet_migrate::Renames::default();
    /// renames.rename_column("people", "name", "full_name");
    /// assert_eq!(renames.column_renamed_from("people", "full_name"), Some("name"));
    /// ```
    pub fn rename_column(
        &mut self,
        table: impl Into<String>,
        from: impl Into<String>,
        to: impl Into<String>,
    ) -> &mut Self {
        self.columns
            .entry(table.into())
            .or_default()
            .insert(to.into(), from.into());
        self
    }

    /// The name the table now named `table` had before, when a rename is declared.
    ///
    /// # Examples
    ///
    /// ```
    /// let renames = covet_migrate::Renames::default();
    /// assert_eq!(renames.table_renamed_from("people"), None);
    /// ```
    pub fn table_renamed_from(&self, table: &str) -> Option<&str> {
        self.tables.get(table).map(String::as_str)
    }

    /// The name the column `column` of the table now named `table` had before, when a rename
    /// is declared.
    ///
    /// # Examples
    ///
    /// ```
    /// let renames = covet_migrate::Renames::default();
    /// assert_eq!(renames.column_renamed_from("people", "full_name"), None);
    /// ```
    pub fn column_renamed_from(&self, table: &str, column: &str) -> Option<&str> {
        self.columns
            .get(table)
            .and_then(|columns| columns.get(column))
            .map(String::as_str)
    }
}

/// `(new, old)` name pairs, after checking that no old name is among `current` and that no
/// two pairs share an old name. `qualify` names a table or column in an error.
fn checked<'a>(
    pairs: impl Iterator<Item = (&'a str, &'a str)>,
    current: &[&str],
    qualify: impl Fn(&str) -> String,
) -> Result<Vec<(&'a str, &'a str)>, SnapshotError> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    for (to, from) in pairs {
        if current.contains(&from) {
            return Err(SnapshotError::RenamedFromInUse {
                renamed: qualify(to),
                renamed_from: qualify(from),
            });
        }
        if let Some((first, _)) = seen.iter().find(|(_, old)| *old == from) {
            return Err(SnapshotError::RenamedFromTwice {
                renamed_from: qualify(from),
                first: qualify(first),
                second: qualify(to),
            });
        }
        seen.push((to, from));
    }
    Ok(seen)
}
