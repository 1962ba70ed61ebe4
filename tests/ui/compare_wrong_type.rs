// A column is compared only with values of its own type: `age` is an `i32`, not text.
use covet::prelude::*;

#[covet::model]
struct User {
    #[covet(primary_key)]
    id: i64,
    age: i32,
}

fn main() {
    let _ = User::query().filter(User::age.eq("ten"));
}
