//! covet's quick start: an embedded SQLite database in a temporary folder, no setup.
//!
//! Creates two tables, inserts, queries, updates and deletes, printing what it does.
//!
//! ```text
//! cargo run --example quickstart
//! ```

use chrono::{DateTime, Utc};
use covet::prelude::*;

/// Stored as a CHECK-constrained string: "draft", "published" or "archived".
#[derive(Debug, Clone, Copy, PartialEq, Eq, covet::DbEnum)]
enum Status {
    Draft,
    Published,
    Archived,
}

#[covet::model(table = "authors")]
struct Author {
    #[covet(primary_key)]
    id: i64,
    #[covet(unique, max_length = 200)]
    email: String,
    name: String,
}

#[covet::model(table = "posts", index(author_id, status))]
struct Post {
    #[covet(primary_key)]
    id: i64,
    #[covet(references = Author, on_delete = cascade)]
    author_id: i64,
    title: String,
    status: Status,
    likes: i32,
    /// Filled by the database on insert and read back.
    #[covet(default = now, generated)]
    created_at: DateTime<Utc>,
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> covet::Result<()> {
    let folder = tempfile::tempdir().map_err(|e| Error::new(ErrorKind::Other, e.to_string()))?;
    let url = format!("sqlite://{}", folder.path().join("quickstart.db").display());
    let db = Database::connect(&url).await?;
    println!("connected to {url}");

    covet::dev::create_tables(&db, &[Author::TABLE, Post::TABLE]).await?;
    println!("created tables: authors, posts");

    let ada = Author {
        id: 0,
        email: "ada@example.com".into(),
        name: "Ada Lovelace".into(),
    }
    .insert(&db)
    .await?;
    println!("inserted author #{}: {}", ada.id, ada.name);

    for (title, status, likes) in [
        ("Notes on the Analytical Engine", Status::Published, 42),
        ("Poetical science", Status::Draft, 0),
        ("On Bernoulli numbers", Status::Published, 17),
    ] {
        let post = Post {
            id: 0,
            author_id: ada.id,
            title: title.into(),
            status,
            likes,
            created_at: Utc::now(),
        }
        .insert(&db)
        .await?;
        println!(
            "inserted post #{} {:?} ({:?}, created {})",
            post.id,
            post.title,
            post.status,
            post.created_at.format("%H:%M:%S")
        );
    }

    let popular = Post::query()
        .filter(Post::status.eq(Status::Published) & Post::likes.gt(10))
        .order_by(Post::likes.desc())
        .all(&db)
        .await?;
    println!("published posts with more than 10 likes, most liked first:");
    for post in &popular {
        println!("  {:>3} likes  {}", post.likes, post.title);
    }

    let mut draft = Post::query()
        .filter(Post::status.eq(Status::Draft))
        .one(&db)
        .await?;
    draft.status = Status::Published;
    draft.update_columns(&db, Post::status).await?;
    println!("published the draft {:?}", draft.title);

    let archived = Post::update_many()
        .set(Post::status, Status::Archived)
        .filter(Post::likes.lt(20))
        .execute(&db)
        .await?;
    println!("archived {archived} posts with fewer than 20 likes");

    let removed = Post::delete_many()
        .filter(Post::status.eq(Status::Archived))
        .execute(&db)
        .await?;
    let left = Post::query().count(&db).await?;
    println!("deleted {removed} archived posts; {left} left");

    ada.delete(&db).await?;
    let orphans = Post::query().count(&db).await?;
    println!("deleted the author; ON DELETE CASCADE left {orphans} posts");

    db.close().await;
    Ok(())
}
