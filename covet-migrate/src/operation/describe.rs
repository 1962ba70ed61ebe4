//! A one-line description of an operation, for listings and messages.

use std::fmt;

use super::Operation;

/// `create table post`, `drop column post.body`, `alter column post.views type`,
/// `rename column post.body to text`, ...: a short,
/// stable line for listings such as the operations of a new migration.
///
/// # Examples
///
/// ```
/// use covet_migrate::{Operation, Table};
///
/// assert_eq!(Operation::DropTable(Table::new("post")).to_string(), "drop table post");
/// ```
impl fmt::Display for Operation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::CreateTable(table) => write!(f, "create table {}", table.name),
            Self::DropTable(table) => write!(f, "drop table {}", table.name),
            Self::AddColumn { table, column } => write!(f, "add column {table}.{}", column.name),
            Self::DropColumn { table, column } => {
                write!(f, "drop column {table}.{}", column.name)
            }
            Self::AlterColumnType { table, column, .. } => {
                write!(f, "alter column {table}.{column} type")
            }
            Self::AlterColumnNullability {
                table,
                column,
                nullable,
            } => {
                let what = if *nullable {
                    "drop not null"
                } else {
                    "set not null"
                };
                write!(f, "alter column {table}.{column} {what}")
            }
            Self::AlterColumnDefault { table, column, .. } => {
                write!(f, "alter column {table}.{column} default")
            }
            Self::AlterColumnAutoIncrement {
                table,
                column,
                auto_increment,
            } => {
                let what = if *auto_increment { "set" } else { "drop" };
                write!(f, "alter column {table}.{column} {what} auto-increment")
            }
            Self::AddIndex { table, index } => write!(f, "add index {} on {table}", index.name),
            Self::DropIndex { table, index } => write!(f, "drop index {} on {table}", index.name),
            Self::AddForeignKey { table, foreign_key } => {
                write!(f, "add foreign key {} on {table}", foreign_key.name)
            }
            Self::DropForeignKey { table, foreign_key } => {
                write!(f, "drop foreign key {} on {table}", foreign_key.name)
            }
            Self::ChangePrimaryKey { table, to, .. } => {
                write!(f, "change primary key of {table} to ({})", to.join(", "))
            }
            Self::RenameTable { table, to } => write!(f, "rename table {} to {to}", table.name),
            Self::RenameColumn { table, column, to } => {
                write!(f, "rename column {table}.{} to {to}", column.name)
            }
            Self::RenameIndex { table, index, to } => {
                write!(f, "rename index {} on {table} to {to}", index.name)
            }
            Self::RenameForeignKey {
                table,
                foreign_key,
                to,
            } => write!(
                f,
                "rename foreign key {} on {table} to {to}",
                foreign_key.name
            ),
        }
    }
}
