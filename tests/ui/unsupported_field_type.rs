// A field's type must implement `covet::SqlValue`: a `HashMap`, or a struct of your own that
// does not implement it, cannot be stored in a column. The error must point at the field's type.
use std::collections::HashMap;

struct Address {
    street: String,
}

#[covet::model]
struct User {
    #[covet(primary_key)]
    id: i64,
    tags: HashMap<String, String>,
    address: Address,
}

// The same for a key field, which the expansion also uses as `Model::Key`.
#[covet::model]
struct Tag {
    #[covet(primary_key)]
    id: Address,
}

fn main() {}
