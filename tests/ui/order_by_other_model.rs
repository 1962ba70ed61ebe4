// A query on `Post` can only be ordered by `Post`'s own columns.
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
}

fn main() {
    let _ = Post::query().order_by(User::name.asc());
}
