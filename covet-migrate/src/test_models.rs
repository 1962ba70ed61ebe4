//! Models and hand-written schemas shared by the tests.

use crate::snapshot::{Column, ColumnType, ForeignKey, Index, ReferentialAction, Schema, Table};

/// A schema of the given tables.
pub(crate) fn schema(tables: impl IntoIterator<Item = Table>) -> Schema {
    let mut schema = Schema::default();
    for mut table in tables {
        table.sort();
        schema.tables.insert(table.name.clone(), table);
    }
    schema
}

/// A table with a `bigint` auto-increment `id` key and the given columns.
pub(crate) fn table(name: &str, columns: impl IntoIterator<Item = Column>) -> Table {
    let mut table = Table::new(name);
    table.columns.push(Column {
        auto_increment: true,
        ..Column::new("id", ColumnType::BigInt)
    });
    table.columns.extend(columns);
    table.primary_key.push("id".into());
    table
}

/// A `NOT NULL` column.
pub(crate) fn column(name: &str, ty: ColumnType) -> Column {
    Column::new(name, ty)
}

/// A nullable column.
pub(crate) fn nullable(name: &str, ty: ColumnType) -> Column {
    Column {
        nullable: true,
        ..Column::new(name, ty)
    }
}

/// An index named like covet names it.
pub(crate) fn index(table: &str, columns: &[&str], unique: bool) -> Index {
    let suffix = if unique { "key" } else { "idx" };
    Index {
        name: covet::schema::constraint_name(table, columns, suffix),
        columns: columns.iter().map(|&c| c.to_owned()).collect(),
        unique,
    }
}

/// A foreign key from `table.column` to `target.id`, named like covet names it.
pub(crate) fn foreign_key(table: &str, column: &str, target: &str) -> ForeignKey {
    ForeignKey {
        name: covet::schema::constraint_name(table, &[column], "fkey"),
        columns: vec![column.to_owned()],
        references_table: target.to_owned(),
        references_columns: vec!["id".to_owned()],
        on_delete: ReferentialAction::NoAction,
        on_update: ReferentialAction::NoAction,
    }
}

/// `table` with the foreign key `table.column -> target.id` (and the column, a `bigint`).
pub(crate) fn with_reference(mut table: Table, column: &str, target: &str) -> Table {
    table.columns.push(Column::new(column, ColumnType::BigInt));
    table
        .foreign_keys
        .push(foreign_key(&table.name, column, target));
    table
}

/// Shorthand for a string type.
pub(crate) fn string(max_length: Option<u32>) -> ColumnType {
    ColumnType::String { max_length }
}

/// Shorthand for an enum type.
pub(crate) fn enumeration(variants: &[&str]) -> ColumnType {
    ColumnType::Enum {
        variants: variants.iter().map(|&v| v.to_owned()).collect(),
    }
}

/// A small blog, as real models: the first version.
pub(crate) mod blog_v1 {
    #[derive(Debug, Clone, Copy, PartialEq, covet::DbEnum)]
    pub(crate) enum Status {
        Draft,
        Published,
    }

    #[covet::model(table = "authors")]
    pub(crate) struct Author {
        #[covet(primary_key)]
        pub(crate) id: i64,
        #[covet(unique)]
        pub(crate) email: String,
        pub(crate) name: String,
    }

    #[covet::model(index(author_id, status))]
    pub(crate) struct Post {
        #[covet(primary_key)]
        pub(crate) id: i64,
        #[covet(references = Author, on_delete = cascade)]
        pub(crate) author_id: i64,
        #[covet(max_length = 80)]
        pub(crate) title: String,
        pub(crate) body: String,
        pub(crate) status: Status,
        #[covet(default = 0)]
        pub(crate) views: i32,
    }

    pub(crate) static MODELS: covet::Registry = covet::models![Post, Author];
}

/// The blog, one release later: a column renamed (so dropped and added), a type widened, an
/// enum variant added, a default changed, a column made optional, an index replaced, a table
/// added that references an existing one.
pub(crate) mod blog_v2 {
    #[derive(Debug, Clone, Copy, PartialEq, covet::DbEnum)]
    pub(crate) enum Status {
        Draft,
        Published,
        Archived,
    }

    #[covet::model(table = "authors")]
    pub(crate) struct Author {
        #[covet(primary_key)]
        pub(crate) id: i64,
        #[covet(unique)]
        pub(crate) email: String,
        pub(crate) display_name: Option<String>,
    }

    #[covet::model(index(status))]
    pub(crate) struct Post {
        #[covet(primary_key)]
        pub(crate) id: i64,
        #[covet(references = Author, on_delete = cascade)]
        pub(crate) author_id: i64,
        #[covet(max_length = 200)]
        pub(crate) title: String,
        pub(crate) body: Option<String>,
        pub(crate) status: Status,
        #[covet(default = 1)]
        pub(crate) views: i64,
    }

    #[covet::model]
    pub(crate) struct Comment {
        #[covet(primary_key)]
        pub(crate) id: i64,
        #[covet(references = Post)]
        pub(crate) post_id: i64,
        #[covet(references = Comment)]
        pub(crate) reply_to: Option<i64>,
        pub(crate) text: String,
    }

    pub(crate) static MODELS: covet::Registry = covet::models![Comment, Author, Post];
}

/// A chain `zoo <- yak <- xerus` (each references the one before), whose names sort opposite
/// to the order they must be created in, plus a table that references itself.
pub(crate) mod chain {
    #[covet::model(table = "zoo")]
    pub(crate) struct Zoo {
        #[covet(primary_key)]
        pub(crate) id: i64,
    }

    #[covet::model(table = "yak")]
    pub(crate) struct Yak {
        #[covet(primary_key)]
        pub(crate) id: i64,
        #[covet(references = Zoo)]
        pub(crate) zoo_id: i64,
    }

    #[covet::model(table = "xerus")]
    pub(crate) struct Xerus {
        #[covet(primary_key)]
        pub(crate) id: i64,
        #[covet(references = Yak)]
        pub(crate) yak_id: i64,
    }

    #[covet::model(table = "employee")]
    pub(crate) struct Employee {
        #[covet(primary_key)]
        pub(crate) id: i64,
        #[covet(references = Employee, on_delete = set_null)]
        pub(crate) manager_id: Option<i64>,
    }

    pub(crate) static MODELS: covet::Registry = covet::models![Xerus, Yak, Zoo, Employee];
}

/// Declared renames: `v2` renames a table (with an enum, a unique index and a reference to
/// itself, and referenced by another table) and columns (an enum, an indexed one, one in a
/// foreign key, one retyped at the same time).
pub(crate) mod renamed {
    pub(crate) mod v1 {
        #[derive(Debug, Clone, Copy, PartialEq, covet::DbEnum)]
        pub(crate) enum Mood {
            Happy,
            Sad,
        }

        #[covet::model(table = "persons")]
        pub(crate) struct Person {
            #[covet(primary_key)]
            pub(crate) id: i64,
            #[covet(unique)]
            pub(crate) name: String,
            pub(crate) mood: Mood,
            #[covet(references = Person)]
            pub(crate) mentor_id: Option<i64>,
        }

        #[covet::model(index(owner_id, nickname))]
        pub(crate) struct Pet {
            #[covet(primary_key)]
            pub(crate) id: i64,
            #[covet(references = Person, on_delete = cascade)]
            pub(crate) owner_id: i64,
            pub(crate) nickname: String,
        }

        pub(crate) static MODELS: covet::Registry = covet::models![Person, Pet];
    }

    pub(crate) mod v2 {
        pub(crate) use super::v1::Mood;

        #[covet::model(table = "people", renamed_from = "persons")]
        pub(crate) struct Person {
            #[covet(primary_key)]
            pub(crate) id: i64,
            #[covet(unique, renamed_from = "name")]
            pub(crate) full_name: String,
            #[covet(renamed_from = "mood")]
            pub(crate) feeling: Mood,
            #[covet(references = Person)]
            pub(crate) mentor_id: Option<i64>,
        }

        #[covet::model(index(person_id, name))]
        pub(crate) struct Pet {
            #[covet(primary_key)]
            pub(crate) id: i64,
            #[covet(references = Person, on_delete = cascade, renamed_from = "owner_id")]
            pub(crate) person_id: i64,
            #[covet(max_length = 40, renamed_from = "nickname")]
            pub(crate) name: Option<String>,
        }

        pub(crate) static MODELS: covet::Registry = covet::models![Person, Pet];
    }
}
