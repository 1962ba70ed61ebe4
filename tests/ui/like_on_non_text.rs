// `LIKE` matches text; an integer column has no `like`.
use covet::prelude::*;

#[covet::model]
struct User {
    #[covet(primary_key)]
    id: i64,
    age: i32,
}

fn main() {
    let _ = User::query().filter(User::age.like("4%"));
}
