// A foreign key column holds the referenced model's key: `i32` cannot reference an `i64` key.
#[covet::model]
struct Author {
    #[covet(primary_key)]
    id: i64,
}

#[covet::model]
struct Post {
    #[covet(primary_key)]
    id: i64,
    #[covet(references = Author)]
    author_id: i32,
}

fn main() {}
