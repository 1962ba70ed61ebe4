//! The versions of the models the runner tests migrate through. Each module is one state of a
//! program's models; the tests generate a migration from each registry in turn.

#![allow(missing_docs)]

/// A blog: authors and their posts.
pub mod blog_v1 {
    #[covet::model]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Author {
        #[covet(primary_key)]
        pub id: i64,
        #[covet(max_length = 100)]
        pub name: String,
    }

    #[covet::model]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Post {
        #[covet(primary_key)]
        pub id: i64,
        #[covet(references = Author, on_delete = cascade)]
        pub author_id: i64,
        #[covet(max_length = 200)]
        pub title: String,
        pub body: String,
        pub likes: i32,
    }

    pub static MODELS: covet::Registry = covet::models![Author, Post];
}

/// `body` renamed to `content` (declared), `likes` widened to i64, a required `lang` added, an
/// index on `title`.
pub mod blog_v2 {
    pub use super::blog_v1::Author;

    #[covet::model(index(title))]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Post {
        #[covet(primary_key)]
        pub id: i64,
        #[covet(references = Author, on_delete = cascade)]
        pub author_id: i64,
        #[covet(max_length = 200)]
        pub title: String,
        #[covet(renamed_from = "body")]
        pub content: String,
        pub likes: i64,
        #[covet(max_length = 8)]
        pub lang: String,
    }

    pub static MODELS: covet::Registry = covet::models![Author, Post];
}

/// A plain table, for failures.
pub mod note_v1 {
    #[covet::model]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Note {
        #[covet(primary_key)]
        pub id: i64,
        #[covet(max_length = 200)]
        pub title: String,
    }

    pub static MODELS: covet::Registry = covet::models![Note];
}

/// A column added, then a unique index on `title`: fails over duplicate titles.
pub mod note_unique {
    #[covet::model]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Note {
        #[covet(primary_key)]
        pub id: i64,
        #[covet(unique, max_length = 200)]
        pub title: String,
        pub summary: Option<String>,
    }

    pub static MODELS: covet::Registry = covet::models![Note];
}

/// `title` narrowed to 20 characters.
pub mod note_narrow {
    #[covet::model]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Note {
        #[covet(primary_key)]
        pub id: i64,
        #[covet(max_length = 20)]
        pub title: String,
    }

    pub static MODELS: covet::Registry = covet::models![Note];
}

/// A composite primary key and a cascading foreign key.
pub mod teams {
    #[covet::model]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Team {
        #[covet(primary_key)]
        pub id: i64,
        #[covet(max_length = 100)]
        pub name: String,
    }

    #[covet::model(primary_key(team_id, user_name))]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Membership {
        #[covet(references = Team, on_delete = cascade)]
        pub team_id: i64,
        #[covet(max_length = 100)]
        pub user_name: String,
        pub role: String,
    }

    pub static MODELS: covet::Registry = covet::models![Team, Membership];
}

/// An enum column.
pub mod ticket_v1 {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, covet::DbEnum)]
    pub enum Status {
        Open,
        Closed,
    }

    #[covet::model]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Ticket {
        #[covet(primary_key)]
        pub id: i64,
        pub status: Status,
    }

    pub static MODELS: covet::Registry = covet::models![Ticket];
}

/// The enum gains `Blocked`.
pub mod ticket_v2 {
    #[derive(Debug, Clone, Copy, PartialEq, Eq, covet::DbEnum)]
    pub enum Status {
        Open,
        Closed,
        Blocked,
    }

    #[covet::model]
    #[derive(Debug, Clone, PartialEq)]
    pub struct Ticket {
        #[covet(primary_key)]
        pub id: i64,
        pub status: Status,
    }

    pub static MODELS: covet::Registry = covet::models![Ticket];
}

/// Three independent tables, added one migration at a time.
pub mod steps {
    #[covet::model]
    pub struct StepOne {
        #[covet(primary_key)]
        pub id: i64,
    }

    #[covet::model]
    pub struct StepTwo {
        #[covet(primary_key)]
        pub id: i64,
    }

    #[covet::model]
    pub struct StepThree {
        #[covet(primary_key)]
        pub id: i64,
    }

    pub static ONE: covet::Registry = covet::models![StepOne];
    pub static TWO: covet::Registry = covet::models![StepOne, StepTwo];
    pub static THREE: covet::Registry = covet::models![StepOne, StepTwo, StepThree];
}
