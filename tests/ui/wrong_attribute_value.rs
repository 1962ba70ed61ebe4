// Attribute values are checked: `max_length` takes a number, `on_delete` one of the
// referential actions, `default` a literal or `now`.
#[covet::model]
struct Author {
    #[covet(primary_key)]
    id: i64,
}

#[covet::model]
struct Post {
    #[covet(primary_key)]
    id: i64,
    #[covet(max_length = "ten")]
    title: String,
    #[covet(references = Author, on_delete = explode)]
    author_id: i64,
    #[covet(default = foo)]
    likes: i32,
}

fn main() {}
