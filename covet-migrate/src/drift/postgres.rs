//! PostgreSQL's catalog: `pg_catalog`, in the connection's `current_schema()`.
//!
//! Types are `format_type`'s (`character varying(80)`, `timestamp with time zone`), defaults
//! `pg_get_expr`'s (`'en'::character varying`). An identity column, or a `serial` one (a
//! `nextval` default), is auto-increment, and its sequence is not reported as a default.

use covet::{Database, Result};

use super::catalog::{CheckRow, ColumnRow, ForeignKeyRow, IndexRow, Live, Text, fetch};

/// Ordinary and partitioned tables; not views, not partitions.
const TABLES: &str = "SELECT c.relname::text FROM pg_class c \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition";

const COLUMNS: &str = "SELECT c.relname::text, a.attname::text, \
     format_type(a.atttypid, a.atttypmod), \
     CASE WHEN a.attnotnull THEN 0 ELSE 1 END::int8, \
     CASE WHEN a.attidentity <> '' \
          OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%' THEN 1 ELSE 0 END::int8, \
     CASE WHEN a.attgenerated <> '' \
          OR coalesce(pg_get_expr(d.adbin, d.adrelid), '') LIKE 'nextval(%' THEN NULL \
          ELSE pg_get_expr(d.adbin, d.adrelid) END \
     FROM pg_attribute a \
     JOIN pg_class c ON c.oid = a.attrelid \
     JOIN pg_namespace n ON n.oid = c.relnamespace \
     LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum \
     WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') \
       AND a.attnum > 0 AND NOT a.attisdropped \
     ORDER BY c.relname, a.attnum";

/// Key columns only (not `INCLUDE` ones); an expression's position has no attribute.
const INDEXES: &str = "SELECT t.relname::text, i.relname::text, \
     ix.indisunique::int::int8, ix.indisprimary::int::int8, a.attname::text \
     FROM pg_index ix \
     JOIN pg_class i ON i.oid = ix.indexrelid \
     JOIN pg_class t ON t.oid = ix.indrelid \
     JOIN pg_namespace n ON n.oid = t.relnamespace \
     CROSS JOIN LATERAL unnest(ix.indkey::int2[]) WITH ORDINALITY AS k(attnum, position) \
     LEFT JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum AND k.attnum > 0 \
     WHERE n.nspname = current_schema() AND k.position <= ix.indnkeyatts \
     ORDER BY t.relname, i.relname, k.position";

const FOREIGN_KEYS: &str = "SELECT t.relname::text, c.conname::text, a.attname::text, \
     r.relname::text, ra.attname::text, c.confupdtype::text, c.confdeltype::text \
     FROM pg_constraint c \
     JOIN pg_class t ON t.oid = c.conrelid \
     JOIN pg_class r ON r.oid = c.confrelid \
     JOIN pg_namespace n ON n.oid = t.relnamespace \
     CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY AS k(attnum, refnum, position) \
     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum \
     JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = k.refnum \
     WHERE c.contype = 'f' AND n.nspname = current_schema() \
     ORDER BY t.relname, c.conname, k.position";

/// The condition without `CHECK (...)` around it, as the other dialects write it.
const CHECKS: &str = "SELECT t.relname::text, c.conname::text, \
     regexp_replace(pg_get_constraintdef(c.oid), '^CHECK \\((.*)\\)$', '\\1') \
     FROM pg_constraint c \
     JOIN pg_class t ON t.oid = c.conrelid \
     JOIN pg_namespace n ON n.oid = t.relnamespace \
     WHERE c.contype = 'c' AND n.nspname = current_schema() \
     ORDER BY t.relname, c.conname";

/// The live schema of the current schema.
pub(super) async fn read(db: &Database) -> Result<Live> {
    let tables: Vec<Text> = fetch(db, TABLES).await?;
    let mut live = Live::new(tables.into_iter().map(|t| t.0));
    live.add_columns(fetch::<ColumnRow>(db, COLUMNS).await?);
    live.add_indexes(fetch::<IndexRow>(db, INDEXES).await?);
    live.add_foreign_keys(fetch::<ForeignKeyRow>(db, FOREIGN_KEYS).await?)?;
    live.add_checks(fetch::<CheckRow>(db, CHECKS).await?);
    Ok(live)
}
