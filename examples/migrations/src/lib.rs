//! The models of a small blog. `migrations/` holds their history, made with
//! `cargo covet makemigrations`; `src/bin/covet.rs` hands them to the migration CLI.

use chrono::{DateTime, Utc};

/// Someone who writes posts.
#[covet::model]
#[derive(Debug, Clone, PartialEq)]
pub struct Author {
    /// Numbered by the database.
    #[covet(primary_key)]
    pub id: i64,
    /// Unique: an author signs in with it.
    #[covet(unique, max_length = 200)]
    pub email: String,
    /// Shown on the posts.
    #[covet(max_length = 100)]
    pub name: String,
}

/// What a post's readers see of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, covet::DbEnum)]
pub enum Visibility {
    /// Only its author.
    Draft,
    /// Everyone.
    Public,
    /// Readers with the link (added by migration 0003).
    Unlisted,
}

/// A post, deleted with its author.
#[covet::model(index(author_id, published_at))]
#[derive(Debug, Clone, PartialEq)]
pub struct Post {
    /// Numbered by the database.
    #[covet(primary_key)]
    pub id: i64,
    /// Who wrote it.
    #[covet(references = Author, on_delete = cascade)]
    pub author_id: i64,
    /// Its title.
    #[covet(max_length = 200)]
    pub title: String,
    /// Its text (named `body` before migration 0002).
    #[covet(renamed_from = "body")]
    pub content: String,
    /// A line for listings (added by migration 0002).
    pub summary: Option<String>,
    /// Who may read it.
    pub visibility: Visibility,
    /// When it went out.
    pub published_at: DateTime<Utc>,
}

/// Every model, for the migration CLI.
pub static MODELS: covet::Registry = covet::models![Author, Post];
