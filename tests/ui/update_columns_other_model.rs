// `update_columns` writes columns of the row's own table only.
use covet::prelude::*;

#[covet::model]
struct User {
    #[covet(primary_key)]
    id: i64,
    name: String,
}

#[covet::model]
struct Post {
    #[covet(primary_key)]
    id: i64,
    title: String,
}

async fn rename(db: &Database, post: &Post) -> covet::Result<()> {
    post.update_columns(db, User::name).await
}

fn main() {
    let _ = rename;
}
