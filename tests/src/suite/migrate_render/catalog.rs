//! What a database lists about a table (columns, indexes, constraints, foreign keys) as sorted
//! lines that do not depend on how the table came to be, to compare a migrated table with one
//! created afresh.

use covet::{Backend, Database};

/// One line of a catalog query.
#[covet::model]
pub struct Line {
    #[covet(primary_key)]
    pub text: String,
}

/// Queries of one text column each, with the table's name as their one parameter.
fn queries(backend: Backend) -> &'static [&'static str] {
    match backend {
        Backend::Postgres => &[
            "SELECT 'column ' || column_name::text || ' ' || data_type::text || ' ' \
             || coalesce(character_maximum_length::text, '') || ' ' || is_nullable::text \
             || ' ' || is_identity::text || ' ' || coalesce(column_default::text, '') \
             FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1",
            "SELECT 'constraint ' || conname::text || ' ' || pg_get_constraintdef(oid) \
             FROM pg_constraint WHERE conrelid::regclass::text = $1",
            "SELECT 'index ' || indexname::text || ' ' || indexdef FROM pg_indexes \
             WHERE schemaname = current_schema() AND tablename = $1",
        ],
        Backend::MySql => &[
            "SELECT CAST(CONCAT('column ', COLUMN_NAME, ' ', COLUMN_TYPE, ' ', IS_NULLABLE, ' ', \
             EXTRA, ' ', COALESCE(COLUMN_DEFAULT, '')) AS CHAR) \
             FROM information_schema.COLUMNS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            "SELECT CAST(CONCAT('constraint ', CONSTRAINT_NAME, ' ', CONSTRAINT_TYPE) AS CHAR) \
             FROM information_schema.TABLE_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            "SELECT CAST(CONCAT('check ', CONSTRAINT_NAME, ' ', CHECK_CLAUSE) AS CHAR) \
             FROM information_schema.CHECK_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            "SELECT CAST(CONCAT('foreign key ', CONSTRAINT_NAME, ' ', REFERENCED_TABLE_NAME, ' ', \
             UPDATE_RULE, ' ', DELETE_RULE) AS CHAR) \
             FROM information_schema.REFERENTIAL_CONSTRAINTS \
             WHERE CONSTRAINT_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            "SELECT CAST(CONCAT('key column ', CONSTRAINT_NAME, ' ', COLUMN_NAME, ' ', \
             COALESCE(REFERENCED_TABLE_NAME, ''), ' ', COALESCE(REFERENCED_COLUMN_NAME, '')) \
             AS CHAR) FROM information_schema.KEY_COLUMN_USAGE \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            "SELECT CAST(CONCAT('index ', INDEX_NAME, ' ', NON_UNIQUE, ' ', SEQ_IN_INDEX, ' ', \
             COLUMN_NAME) AS CHAR) FROM information_schema.STATISTICS \
             WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
        ],
        _ => &[
            "SELECT 'column ' || name || ' ' || type || ' ' || \"notnull\" || ' ' || pk || ' ' \
             || coalesce(dflt_value, '') FROM pragma_table_info(?)",
            "SELECT 'index ' || il.name || ' ' || il.\"unique\" || ' ' || il.origin || ' ' \
             || ii.seqno || ' ' || ii.name \
             FROM pragma_index_list(?) AS il JOIN pragma_index_info(il.name) AS ii",
            "SELECT 'foreign key ' || \"table\" || ' ' || \"from\" || ' ' || \"to\" || ' ' \
             || on_update || ' ' || on_delete FROM pragma_foreign_key_list(?)",
        ],
    }
}

/// The catalog lines of `tables`, each prefixed with its table, sorted.
pub async fn of(db: &Database, tables: &[&str]) -> Vec<String> {
    let mut lines = Vec::new();
    for &table in tables {
        for &sql in queries(db.backend()) {
            let rows: Vec<Line> = covet::unchecked_sql(sql)
                .bind(table)
                .fetch_all(db)
                .await
                .unwrap_or_else(|e| panic!("{sql}: {e}"));
            lines.extend(
                rows.into_iter()
                    .map(|line| format!("{table}: {}", line.text)),
            );
        }
    }
    lines.sort();
    lines
}
