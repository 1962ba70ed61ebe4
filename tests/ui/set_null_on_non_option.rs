// `on_delete = set_null` writes NULL into the referencing column, so the field must be an
// `Option`.
#[covet::model]
struct Author {
    #[covet(primary_key)]
    id: i64,
}

#[covet::model]
struct Post {
    #[covet(primary_key)]
    id: i64,
    #[covet(references = Author, on_delete = set_null)]
    author_id: i64,
}

fn main() {}
