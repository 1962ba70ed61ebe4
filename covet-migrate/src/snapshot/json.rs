//! The snapshot file: stable, pretty, deterministic JSON with a format version.

use std::collections::BTreeMap;

use serde::de::Error as _;
use serde::ser::SerializeStruct;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::Value;

use super::{ColumnType, Schema, SnapshotError, Table};

/// The snapshot format this crate writes, and the newest it reads.
///
/// Bumped whenever the JSON's shape changes; a later version reads older files by migrating
/// them, and refuses newer ones rather than misreading them.
///
/// # Examples
///
/// ```
/// let json = covet_migrate::Schema::default().to_json();
/// assert!(json.contains(&format!(r#""format_version": {}"#, covet_migrate::FORMAT_VERSION)));
/// ```
pub const FORMAT_VERSION: u32 = 1;

impl Schema {
    /// The snapshot file's text: pretty JSON with every object's keys sorted and a final
    /// newline, so that the same models always give byte-identical text and a change shows up in
    /// version control as a small diff.
    ///
    /// # Examples
    ///
    /// ```
    /// #[covet::model]
    /// struct Tag {
    ///     #[covet(primary_key)]
    ///     id: i32,
    /// }
    ///
    /// static MODELS: covet::Registry = covet::models![Tag];
    ///
    /// let json = covet_migrate::Schema::from_registry(&MODELS)?.to_json();
    /// assert!(json.starts_with("{\n  \"format_version\": 1,\n  \"tables\": {\n    \"tag\": {"));
    /// assert!(json.contains(r#""type": {
    ///             "kind": "int"
    ///           }"#));
    /// # Ok::<(), covet_migrate::SnapshotError>(())
    /// ```
    pub fn to_json(&self) -> String {
        // Through a `Value` so that keys come out sorted whatever the field order in the Rust
        // types, and whether or not serde_json's `preserve_order` feature is on somewhere in the
        // dependency graph.
        let mut value =
            serde_json::to_value(self).expect("a schema has string keys and derived serializers");
        value.sort_all_objects();
        let mut text = serde_json::to_string_pretty(&value)
            .expect("a JSON value always serializes to a string");
        text.push('\n');
        text
    }

    /// Reads a snapshot written by [`to_json`](Self::to_json).
    ///
    /// The format version is checked before the rest is parsed, so a file from a newer
    /// covet-migrate gets a clear error instead of a confusing one about its shape.
    ///
    /// # Errors
    ///
    /// [`SnapshotError::MissingFormatVersion`] and [`SnapshotError::UnsupportedFormatVersion`]
    /// for a file that is not in this crate's format, [`SnapshotError::MismatchedTableName`]
    /// for a table filed under another name, and [`SnapshotError::Json`] for anything else.
    ///
    /// # Examples
    ///
    /// ```
    /// use covet_migrate::{Column, ColumnType, Schema, Table};
    ///
    /// let mut table = Table::new("tag");
    /// table.columns.push(Column::new("id", ColumnType::Int));
    /// let mut schema = Schema::default();
    /// schema.tables.insert("tag".into(), table);
    ///
    /// assert_eq!(Schema::from_json(&schema.to_json())?, schema);
    /// assert!(Schema::from_json("{}").is_err());
    /// # Ok::<(), covet_migrate::SnapshotError>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self, SnapshotError> {
        let value: Value = serde_json::from_str(text)?;
        let version = value
            .get("format_version")
            .ok_or(SnapshotError::MissingFormatVersion)?;
        match version.as_u64() {
            Some(found) if found == u64::from(FORMAT_VERSION) => {}
            Some(found) => {
                return Err(SnapshotError::UnsupportedFormatVersion {
                    found,
                    supported: FORMAT_VERSION,
                });
            }
            None => return Err(SnapshotError::MissingFormatVersion),
        }
        let file = SchemaFile::deserialize(value)?;
        file.into_schema()
    }
}

/// The file's shape; `Schema` itself has no version field because an in-memory schema is
/// always in the current format.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SchemaFile {
    format_version: u32,
    tables: BTreeMap<String, Table>,
}

impl SchemaFile {
    fn into_schema(self) -> Result<Schema, SnapshotError> {
        if self.format_version != FORMAT_VERSION {
            return Err(SnapshotError::UnsupportedFormatVersion {
                found: self.format_version.into(),
                supported: FORMAT_VERSION,
            });
        }
        let mut tables = self.tables;
        for (key, table) in &mut tables {
            if *key != table.name {
                return Err(SnapshotError::MismatchedTableName {
                    key: key.clone(),
                    name: table.name.clone(),
                });
            }
            // A hand-edited file may list these in any order; the diff relies on the canonical
            // one only for stable output, but equality with a fresh schema needs it.
            table.sort();
            for column in &mut table.columns {
                if let ColumnType::Enum { variants } = &mut column.ty {
                    variants.sort_unstable();
                    variants.dedup();
                }
            }
        }
        Ok(Schema { tables })
    }
}

impl Serialize for Schema {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut file = serializer.serialize_struct("Schema", 2)?;
        file.serialize_field("format_version", &FORMAT_VERSION)?;
        file.serialize_field("tables", &self.tables)?;
        file.end()
    }
}

impl<'de> Deserialize<'de> for Schema {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        SchemaFile::deserialize(deserializer)?
            .into_schema()
            .map_err(D::Error::custom)
    }
}
