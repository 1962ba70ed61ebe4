//! Writing statements for one dialect: sea-query's builders where they have the statement,
//! and sea-query's own quoting and expression writers for the few clauses they lack
//! (`ADD CONSTRAINT ... CHECK`, primary keys, PostgreSQL's `SET`/`DROP NOT NULL`). No text from
//! the snapshot is ever written unquoted: identifiers go through `prepare_iden`, values through
//! the expression writer's literal escaping.

use covet::Backend;
use sea_query::{
    Check, Expr, MysqlQueryBuilder, PostgresQueryBuilder, QueryBuilder, QueryStatementWriter,
    QuotedBuilder, SchemaStatementBuilder, SqliteQueryBuilder, TableBuilder,
};

/// A dialect's builder, chosen by [`Backend`].
#[derive(Clone, Copy)]
pub(super) struct Sql(pub(super) Backend);

macro_rules! each_builder {
    ($backend:expr, $builder:ident => $body:expr) => {
        match $backend {
            Backend::Postgres => {
                let $builder = PostgresQueryBuilder;
                $body
            }
            Backend::MySql => {
                let $builder = MysqlQueryBuilder;
                $body
            }
            _ => {
                let $builder = SqliteQueryBuilder;
                $body
            }
        }
    };
}

impl Sql {
    /// A sea-query schema statement in this dialect.
    pub(super) fn build<S: SchemaStatementBuilder>(self, statement: &S) -> String {
        each_builder!(self.0, builder => statement.build(builder))
    }

    /// A sea-query data statement (`INSERT`, `UPDATE`, `DELETE`) in this dialect, its values
    /// written as escaped literals: a migration file has no bind parameters, and the values
    /// are typed [`sea_query::Value`]s, never text spliced into SQL.
    pub(super) fn inline<S: QueryStatementWriter>(self, statement: &S) -> String {
        each_builder!(self.0, builder => statement.to_string(builder))
    }

    /// A statement written piece by piece.
    pub(super) fn write(self) -> Writer {
        Writer {
            sql: self,
            text: String::new(),
        }
    }
}

/// A statement being written: fixed keywords, quoted identifiers, escaped expressions.
pub(super) struct Writer {
    sql: Sql,
    text: String,
}

impl Writer {
    /// A fixed SQL keyword or punctuation (never snapshot text).
    pub(super) fn keyword(mut self, keyword: &'static str) -> Self {
        self.text.push_str(keyword);
        self
    }

    /// A quoted identifier.
    pub(super) fn iden(mut self, name: &str) -> Self {
        let iden = name.to_owned().into();
        each_builder!(self.sql.0, builder => builder.prepare_iden(&iden, &mut self.text));
        self
    }

    /// Quoted identifiers, comma-separated, in parentheses.
    pub(super) fn idens(mut self, names: &[String]) -> Self {
        self.text.push('(');
        for (i, name) in names.iter().enumerate() {
            if i > 0 {
                self.text.push_str(", ");
            }
            self = self.iden(name);
        }
        self.text.push(')');
        self
    }

    /// A column type.
    pub(super) fn column_type(mut self, ty: &sea_query::ColumnType) -> Self {
        each_builder!(self.sql.0, builder => builder.prepare_column_type(ty, &mut self.text));
        self
    }

    /// An expression, values written as escaped literals.
    pub(super) fn expr(mut self, expr: &Expr) -> Self {
        each_builder!(self.sql.0, builder => QueryBuilder::prepare_expr(&builder, expr, &mut self.text));
        self
    }

    /// `CONSTRAINT name CHECK (expr)`.
    pub(super) fn check(mut self, name: &str, expr: Expr) -> Self {
        let check = Check::named(name.to_owned(), expr);
        each_builder!(self.sql.0, builder => builder.prepare_check_constraint(&check, &mut self.text));
        self
    }

    /// The statement.
    pub(super) fn finish(self) -> String {
        self.text
    }
}
