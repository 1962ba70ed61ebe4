//! The blog application: migrates its database at start-up, with the migrations compiled in,
//! then writes and reads a post.
//!
//! `cargo run -p covet-example-migrations` uses a SQLite file in a temporary folder; set
//! `DATABASE_URL=sqlite://blog.db?mode=rwc` to keep one.

use chrono::Utc;
use covet::prelude::*;
use covet_example_migrations::{Author, Post, Visibility};
use covet_migrate::{Migrator, Progress};

#[tokio::main(flavor = "current_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = tempfile::tempdir()?;
    let url = match std::env::var("DATABASE_URL") {
        Ok(url) => url,
        Err(_) => format!("sqlite://{}", folder.path().join("blog.db").display()),
    };
    let db = Database::connect(&url).await?;
    println!("connected to {url}");

    let migrator = Migrator::embedded(covet_migrate::embed_migrations!("migrations"))?.on_progress(
        |progress| {
            if let Progress::Finished {
                migration,
                duration,
                ..
            } = progress
            {
                println!(
                    "applied {} in {} ms",
                    migration.dir_name(),
                    duration.as_millis()
                );
            }
        },
    );
    let applied = migrator.migrate(&db).await?;
    println!("{} migration(s) applied; status:", applied.len());
    print!("{}", migrator.status(&db).await?);

    let author = Author {
        id: 0,
        email: format!("ada+{}@example.com", Utc::now().timestamp_micros()),
        name: "Ada Lovelace".into(),
    }
    .insert(&db)
    .await?;
    let post = Post {
        id: 0,
        author_id: author.id,
        title: "Notes on the Analytical Engine".into(),
        content: "The engine weaves algebraic patterns.".into(),
        summary: Some("On what machines can do".into()),
        visibility: Visibility::Unlisted,
        published_at: Utc::now(),
    }
    .insert(&db)
    .await?;
    println!(
        "inserted post #{} {:?} by {}",
        post.id, post.title, author.name
    );
    let unlisted = Post::query()
        .filter(Post::visibility.eq(Visibility::Unlisted))
        .count(&db)
        .await?;
    println!("{unlisted} unlisted post(s)");

    db.close().await;
    Ok(())
}
