// A column that is not an `Option` is `NOT NULL`: `is_null` on it could never match.
use covet::prelude::*;

#[covet::model]
struct User {
    #[covet(primary_key)]
    id: i64,
    name: String,
}

fn main() {
    let _ = User::query().filter(User::name.is_null());
}
