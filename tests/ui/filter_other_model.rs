// A query on `Post` reads only the `post` table: a filter on `User`'s columns would name a
// column that is not there.
use covet::prelude::*;

#[covet::model]
struct User {
    #[covet(primary_key)]
    id: i64,
}

#[covet::model]
struct Post {
    #[covet(primary_key)]
    id: i64,
    user_id: i64,
}

fn main() {
    let _ = Post::query().filter(User::id.eq(1));
}
